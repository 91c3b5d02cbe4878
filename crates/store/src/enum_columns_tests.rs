//! Every enum column round-trips: one row per variant is written and read back, and a query
//! filtering on the variant finds it. Runs on SQLite, and on PostgreSQL when
//! `GUILDHALL_TEST_DATABASE_URL` is set.

use chrono::Utc;
use guildhall_domain::directory::{MapInstanceStatus, ProposalStatus};
use guildhall_domain::event::{EventStatus, JoinMode, ParticipantStatus};
use guildhall_domain::guild::LinkState;
use guildhall_domain::{AccountStatus, MembershipStatus, Visibility};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, Set};

use crate::entities::delivery::DeliveryStatus;
use crate::entities::{activity, cop_proposal, delivery, event, event_participant, map_instance, membership};
use crate::{accounts, communities, events, guilds, testing};

async fn account(db: &DatabaseConnection, name: &str, status: AccountStatus) -> i64 {
    let new = accounts::NewAccount {
        username: name.into(),
        email: None,
        password_hash: String::new(),
        display_name: name.into(),
        is_admin: false,
        status,
        registration_reason: None,
        email_confirmed_at: None,
    };
    accounts::insert_account(db, new, Utc::now()).await.expect("account").id
}

async fn community(db: &DatabaseConnection, name: &str, by: i64) -> i64 {
    let new = communities::NewCommunity {
        name: name.into(),
        title: name.into(),
        description: String::new(),
        charter: String::new(),
        welcome_message: String::new(),
        tags: vec![],
        visibility: Visibility::Public,
        created_by: by,
        member_domains: vec![],
        join_question: String::new(),
    };
    communities::insert(db, new, Utc::now()).await.expect("community").id
}

#[tokio::test]
async fn every_enum_column_round_trips() {
    let t = testing::fresh_database().await;
    let db = &t.db;
    let now = Utc::now();

    // accounts.status
    let mut people = Vec::new();
    for (i, s) in [AccountStatus::Active, AccountStatus::Pending, AccountStatus::Suspended].into_iter().enumerate() {
        let id = account(db, &format!("person{i}"), s).await;
        assert_eq!(accounts::find_by_id(db, id).await.unwrap().unwrap().status, s);
        let listed = accounts::list_by_status(db, s, crate::Page { number: 1, limit: 10 }).await.unwrap();
        assert!(listed.items.iter().any(|a| a.id == id), "{s} filter");
        people.push(id);
    }
    let c = community(db, "home", people[0]).await;

    // memberships.status
    for (i, s) in
        [MembershipStatus::Pending, MembershipStatus::Active, MembershipStatus::Banned].into_iter().enumerate()
    {
        let new = communities::NewMembership {
            community_id: c,
            account_id: people[i],
            status: s,
            is_moderator: false,
            request_message: None,
            charter_accepted_at: None,
            follow_ap_id: None,
        };
        let m = communities::insert_membership(db, new, now).await.expect("membership");
        assert_eq!(membership::Entity::find_by_id(m.id).one(db).await.unwrap().unwrap().status, s);
        let n = membership::Entity::find().filter(membership::Column::Status.eq(s)).count(db).await.unwrap();
        assert_eq!(n, 1, "{s} filter");
    }

    // guild_links.state
    for (i, s) in [LinkState::Requested, LinkState::Invited, LinkState::Active].into_iter().enumerate() {
        let member = community(db, &format!("member{i}"), people[0]).await;
        let change = guilds::LinkChange { state: s, initiated_by: None, offer_ap_id: None };
        guilds::save_link(db, c, member, change, now).await.expect("link");
        assert_eq!(guilds::find_link(db, c, member).await.unwrap().unwrap().state, s);
    }

    // events.status and events.join_mode
    let mut event_id = 0;
    for (s, m) in EventStatus::ALL.iter().zip(JoinMode::ALL) {
        let row = event::ActiveModel {
            community_id: Set(c),
            organiser_id: Set(people[0]),
            ap_id: Set(None),
            url: Set(None),
            title: Set("t".into()),
            description_source: Set(String::new()),
            description_html: Set(String::new()),
            starts_at: Set(now),
            ends_at: Set(now),
            timezone: Set("UTC".into()),
            place_name: Set(String::new()),
            place_address: Set(String::new()),
            online_url: Set(String::new()),
            capacity: Set(None),
            join_mode: Set(*m),
            external_url: Set(String::new()),
            status: Set(*s),
            members_only: Set(false),
            sequence: Set(0),
            remote_participant_count: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("event");
        let back = event::Entity::find_by_id(row.id).one(db).await.unwrap().unwrap();
        assert_eq!((back.status, back.join_mode), (*s, *m));
        event_id = row.id;
    }

    // event_participants.status (one person per status: the row is unique per person)
    let mut rsvps = Vec::new();
    for (i, s) in ParticipantStatus::ALL.iter().enumerate() {
        let who = account(db, &format!("guest{i}"), AccountStatus::Active).await;
        let p = events::upsert_participant(db, event_id, who, *s, None, now).await.expect("rsvp");
        assert_eq!(event_participant::Entity::find_by_id(p.id).one(db).await.unwrap().unwrap().status, *s);
        assert_eq!(events::participants_with(db, event_id, *s, 10).await.unwrap().len(), 1, "{s} filter");
        rsvps.push(*s);
    }
    let counts = events::counts(db, &[event_id]).await.unwrap();
    assert_eq!(counts[&event_id].len(), rsvps.len(), "grouped by status: {counts:?}");

    // cop_proposals.status
    for s in ProposalStatus::ALL {
        let row = cop_proposal::ActiveModel {
            name: Set(format!("p-{s}")),
            url: Set("https://example.org".into()),
            summary: Set(String::new()),
            topics: Set("[]".into()),
            government: Set(String::new()),
            organisation: Set(String::new()),
            contact: Set(String::new()),
            proposed_by: Set(people[0]),
            status: Set(*s),
            decided_by: Set(None),
            created_at: Set(now),
            decided_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("proposal");
        assert_eq!(cop_proposal::Entity::find_by_id(row.id).one(db).await.unwrap().unwrap().status, *s);
    }

    // map_instances.status
    for s in MapInstanceStatus::ALL {
        let row = map_instance::ActiveModel {
            domain: Set(format!("{s}.example")),
            name: Set(String::new()),
            organisation: Set(String::new()),
            government: Set(String::new()),
            software: Set(String::new()),
            status: Set(*s),
            last_error: Set(None),
            last_crawled_at: Set(None),
            next_page: Set(None),
            discovered_from: Set(None),
            entries_count: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("map instance");
        assert_eq!(map_instance::Entity::find_by_id(row.id).one(db).await.unwrap().unwrap().status, *s);
    }

    // deliveries.status
    let a = activity::ActiveModel {
        ap_id: Set("https://here.example/a/1".into()),
        kind: Set("Create".into()),
        actor: Set("https://here.example/u/person0".into()),
        local: Set(true),
        json: Set("{}".into()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("activity");
    for s in [DeliveryStatus::Pending, DeliveryStatus::Done, DeliveryStatus::Refused, DeliveryStatus::Failed] {
        let row = delivery::ActiveModel {
            activity_id: Set(a.id),
            sender_kind: Set("instance".into()),
            sender_id: Set(0),
            inbox: Set("https://there.example/inbox".into()),
            domain: Set("there.example".into()),
            status: Set(s),
            attempts: Set(0),
            next_attempt_at: Set(now),
            last_error: Set(None),
            created_at: Set(now),
            finished_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await
        .expect("delivery");
        assert_eq!(delivery::Entity::find_by_id(row.id).one(db).await.unwrap().unwrap().status, s);
    }
    let queue = crate::federation::queue_by_domain(db).await.unwrap();
    assert_eq!((queue[0].pending, queue[0].delivered, queue[0].failed), (1, 1, 1), "{queue:?}");
}
