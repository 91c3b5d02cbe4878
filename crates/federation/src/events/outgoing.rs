//! Event intents to activities: `Create`/`Update`/`Delete` of an `Event`, announced by its
//! community to remote members' servers (FEP-1b12, with a plain `Announce{Event}` for
//! Mastodon); `Join`/`Leave` to a remote event's community; `Accept`/`Reject{Join}` from a
//! local community to a remote participant.

use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::{account, community, event};
use guildhall_app::outbox::Outgoing;
use guildhall_app::outbox::Sender;
use guildhall_domain::event::ParticipantStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use super::object::{Tombstone, context, event_json, id_of};
use crate::Error;
use crate::activities::relay::announce;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::plan::{Planned, account, community, inbox_of_community, new_id};
use crate::urls::Urls;

fn planned(
    id: Url,
    kind: &'static str,
    actor: Url,
    json: Value,
    sender: Sender,
    inboxes: Vec<(String, String)>,
) -> Planned {
    Planned { id, kind, actor, json, sender, inboxes }
}

/// An activity by `actor` about a local event, stored, and announced by the community to its
/// remote followers (with a plain Announce of the object too, when `object` is given).
/// What one announced activity is made of.
struct Announced<'a> {
    kind: EventActivityKind,
    by: &'a account::Model,
    c: &'a community::Model,
    object: Value,
    plain: Option<Value>,
    /// Also to the remote guilds the community belongs to (public events only).
    to_guilds: bool,
}

async fn announced(
    ctx: &AppContext,
    urls: &Urls,
    a: Announced<'_>,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Announced { kind, by, c, object, plain, to_guilds } = a;
    let actor = actor_id_of_account(by, urls);
    let group = actor_id_of_community(c, urls);
    let id = new_id(ctx)?;
    let followers = urls.sub(&group, "followers");
    let activity = SentEventActivity::new(id.clone(), kind, actor.clone(), group, followers, object);
    let json = crate::wire::with_context_of(context(), activity)?;
    let mut plans = vec![planned(id, kind.name(), actor, json.clone(), Sender::Account(by.id), vec![])];
    let mut inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    if to_guilds {
        crate::plan::with_guild_inboxes(ctx, c, &json, &mut inboxes, as_of).await?;
    }
    if !inboxes.is_empty() {
        plans.push(announce(ctx, urls, c, json, inboxes.clone())?);
        if let Some(object) = plain {
            plans.push(announce(ctx, urls, c, object, inboxes)?);
        }
    }
    Ok(plans)
}

async fn local_event(ctx: &AppContext, id: i64) -> Result<Option<(event::Model, community::Model)>, Error> {
    let Some(e) = guildhall_app::lookup::event(ctx, id).await? else { return Ok(None) };
    let c = community(ctx, e.community_id).await?;
    Ok((e.ap_id.is_none() && c.domain.is_empty()).then_some((e, c)))
}

/// The activities an event intent becomes.
pub(crate) async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    intent: &Outgoing,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    match intent {
        Outgoing::EventCreated { event_id } | Outgoing::EventUpdated { event_id } => {
            let Some((e, c)) = local_event(ctx, *event_id).await? else { return Ok(vec![]) };
            if e.deleted_at.is_some() {
                return Ok(vec![]);
            }
            let organiser = account(ctx, e.organiser_id).await?;
            let object = event_json(ctx, &e).await?;
            let created = matches!(intent, Outgoing::EventCreated { .. });
            let kind = if created { EventActivityKind::Create } else { EventActivityKind::Update };
            let plain = created.then(|| object.clone());
            let to_guilds = !e.members_only;
            let a = Announced { kind, by: &organiser, c: &c, object, plain, to_guilds };
            announced(ctx, urls, a, as_of).await
        }
        Outgoing::EventDeleted { event_id, by_account_id } => {
            let Some((e, c)) = local_event(ctx, *event_id).await? else { return Ok(vec![]) };
            let by = account(ctx, *by_account_id).await?;
            let object = serde_json::to_value(Tombstone::of_event(id_of(ctx, &e)?))?;
            let to_guilds = !e.members_only;
            let a = Announced { kind: EventActivityKind::Delete, by: &by, c: &c, object, plain: None, to_guilds };
            announced(ctx, urls, a, as_of).await
        }
        Outgoing::EventJoin { participant_id } => {
            let Some(p) = guildhall_app::lookup::participant(ctx, *participant_id).await? else { return Ok(vec![]) };
            let (Some(e), Some(join_id)) =
                (guildhall_app::lookup::event(ctx, p.event_id).await?, p.join_ap_id.as_deref())
            else {
                return Ok(vec![]);
            };
            let (a, c) = (account(ctx, p.account_id).await?, community(ctx, e.community_id).await?);
            let actor = actor_id_of_account(&a, urls);
            let mut join = SentJoin::embedded(join_id.to_owned(), actor.clone(), id_of(ctx, &e)?);
            join.to = vec![actor_id_of_community(&c, urls)];
            join.participation_message = Some(String::new());
            let json = crate::wire::with_context_of(context(), join)?;
            let id = Url::parse(join_id)?;
            Ok(vec![planned(
                id,
                "Join",
                actor,
                json,
                Sender::Account(a.id),
                inbox_of_community(&c).into_iter().collect(),
            )])
        }
        Outgoing::EventLeave { event_id, account_id, join_ap_id } => {
            let Some(e) = guildhall_app::lookup::event(ctx, *event_id).await? else { return Ok(vec![]) };
            let (a, c) = (account(ctx, *account_id).await?, community(ctx, e.community_id).await?);
            let actor = actor_id_of_account(&a, urls);
            let id = new_id(ctx)?;
            let leave = SentLeave {
                id: id.clone(),
                kind: LeaveKind::Leave,
                actor: actor.clone(),
                object: id_of(ctx, &e)?,
                to: vec![actor_id_of_community(&c, urls)],
                participant: join_ap_id.clone(),
            };
            let json = crate::wire::with_context_of(context(), leave)?;
            Ok(vec![planned(
                id,
                "Leave",
                actor,
                json,
                Sender::Account(a.id),
                inbox_of_community(&c).into_iter().collect(),
            )])
        }
        Outgoing::EventRsvpAnswered { participant_id } => {
            let Some(p) = guildhall_app::lookup::participant(ctx, *participant_id).await? else { return Ok(vec![]) };
            let Some((e, c)) = local_event(ctx, p.event_id).await? else { return Ok(vec![]) };
            let (Some(join_id), a) = (p.join_ap_id.as_deref(), account(ctx, p.account_id).await?) else {
                return Ok(vec![]);
            };
            let kind = match p.status {
                ParticipantStatus::Going => AnswerKind::Accept,
                ParticipantStatus::Rejected => AnswerKind::Reject,
                _ => return Ok(vec![]),
            };
            let answer = answer(kind, ctx, urls, &c, &a, join_id, &e)?;
            let (id, group) = (answer.id.clone(), answer.actor.clone());
            let json = crate::wire::with_context_of(context(), answer)?;
            let inboxes = a.inbox_url.clone().map(|i| (i, a.domain.clone())).into_iter().collect();
            Ok(vec![planned(id, kind.name(), group, json, Sender::Community(c.id), inboxes)])
        }
        Outgoing::EventJoinRefused { event_id, account_id, join_ap_id, ignored } => {
            let Some((e, c)) = local_event(ctx, *event_id).await? else { return Ok(vec![]) };
            let a = account(ctx, *account_id).await?;
            let kind = if *ignored { AnswerKind::Ignore } else { AnswerKind::Reject };
            let answer = answer(kind, ctx, urls, &c, &a, join_ap_id, &e)?;
            let inboxes = a.inbox_url.clone().map(|i| (i, a.domain.clone())).into_iter().collect();
            let (id, group) = (answer.id.clone(), answer.actor.clone());
            let json = crate::wire::with_context_of(context(), answer)?;
            Ok(vec![planned(id, kind.name(), group, json, Sender::Community(c.id), inboxes)])
        }
        _ => Ok(vec![]),
    }
}

/// `Accept`/`Reject`/`Ignore` by the community of `person`'s `Join` of `e`, the Join embedded.
fn answer(
    kind: AnswerKind,
    ctx: &AppContext,
    urls: &Urls,
    c: &community::Model,
    person: &account::Model,
    join_id: &str,
    e: &event::Model,
) -> Result<SentAnswer, Error> {
    let group = actor_id_of_community(c, urls);
    let person = actor_id_of_account(person, urls);
    let join = SentJoin::embedded(join_id.to_owned(), person.clone(), id_of(ctx, e)?);
    Ok(SentAnswer { id: new_id(ctx)?, kind, actor: group, to: vec![person], object: join })
}

/// What an event activity a community announces does to the event.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum EventActivityKind {
    /// A new event.
    Create,
    /// An edit (or a cancellation).
    Update,
    /// The event is gone (its object a `Tombstone`).
    Delete,
}

impl EventActivityKind {
    fn name(self) -> &'static str {
        match self {
            EventActivityKind::Create => "Create",
            EventActivityKind::Update => "Update",
            EventActivityKind::Delete => "Delete",
        }
    }
}

/// `Create`/`Update`/`Delete` of a local event by its organiser (or a moderator), addressed to
/// the community, the public and the community's followers; the object last.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentEventActivity<O> {
    /// Activity id.
    pub id: Url,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventActivityKind,
    /// The organiser or moderator.
    pub actor: Url,
    /// The community and the public.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The community's followers.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
    /// The `Event` (or its `Tombstone`).
    pub object: O,
}

impl<O> SentEventActivity<O> {
    /// `actor`'s `kind` of `object` in the community `group`.
    pub fn new(id: Url, kind: EventActivityKind, actor: Url, group: Url, followers: Url, object: O) -> Self {
        SentEventActivity {
            id,
            kind,
            actor,
            to: vec![group.clone(), crate::wire::public()],
            cc: vec![followers],
            audience: Some(group),
            object,
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum JoinKind {
    Join,
}

/// A `Join` of an event (Mobilizon's RSVP): sent to the event's community with an empty
/// `participationMessage`; embedded in an answer without either.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SentJoin {
    /// Activity id.
    pub id: String,
    #[serde(rename = "type")]
    kind: JoinKind,
    /// The participant.
    pub actor: Url,
    /// The event.
    pub object: Url,
    /// The event's community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<Url>,
    /// Mobilizon's note to the organiser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participation_message: Option<String>,
}

impl SentJoin {
    /// `actor`'s Join of `event` as an answer embeds it: no addressing, no message.
    pub fn embedded(id: String, actor: Url, event: Url) -> Self {
        SentJoin { id, kind: JoinKind::Join, actor, object: event, to: vec![], participation_message: None }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum LeaveKind {
    Leave,
}

/// A `Leave` of an event, naming the `Join` it ends as `participant`.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentLeave {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: LeaveKind,
    /// The participant.
    pub actor: Url,
    /// The event.
    pub object: Url,
    /// The event's community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The Join it ends.
    #[serde(default)]
    pub participant: String,
}

/// How a community answers a Join.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum AnswerKind {
    /// Going.
    Accept,
    /// Refused.
    Reject,
    /// Refused without telling why (Mobilizon's shape for a withdrawn request).
    Ignore,
}

impl AnswerKind {
    fn name(self) -> &'static str {
        match self {
            AnswerKind::Accept => "Accept",
            AnswerKind::Reject => "Reject",
            AnswerKind::Ignore => "Ignore",
        }
    }
}

/// The community's `Accept`/`Reject`/`Ignore` of a Join, to the participant, the Join embedded.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentAnswer {
    /// Activity id.
    pub id: Url,
    /// The answer.
    #[serde(rename = "type")]
    pub kind: AnswerKind,
    /// The community.
    pub actor: Url,
    /// The participant.
    #[serde(default, deserialize_with = "crate::wire::one_or_many")]
    pub to: Vec<Url>,
    /// The Join answered.
    pub object: SentJoin,
}

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use serde_json::json;

    use super::*;
    use crate::wire::{PUBLIC, with_context_of};

    #[test]
    fn event_activities_are_written_as_before() {
        let (id, actor, group, event) = (
            u("https://a.example/activities/1"),
            u("https://a.example/u/ann"),
            u("https://a.example/c/ux"),
            u("https://a.example/e/1"),
        );
        let followers = u("https://a.example/c/ux/followers");
        // What `announced` wrote by hand (the object appended last).
        let tombstone = json!({"id": event, "type": "Tombstone", "formerType": "Event"});
        let golden = json!({
            "@context": context(),
            "id": id,
            "type": "Delete",
            "actor": actor,
            "to": [group.as_str(), PUBLIC],
            "cc": [followers],
            "audience": group,
            "object": tombstone,
        });
        let object = serde_json::to_value(Tombstone::of_event(event.clone())).unwrap();
        let sent = SentEventActivity::new(
            id.clone(),
            EventActivityKind::Delete,
            actor.clone(),
            group.clone(),
            followers,
            object,
        );
        assert_eq!(with_context_of(context(), sent).unwrap().to_string(), golden.to_string());

        let golden = json!({
            "@context": context(),
            "id": "https://b.example/join/1",
            "type": "Join",
            "actor": actor,
            "object": event,
            "to": [group],
            "participationMessage": "",
        });
        let mut join = SentJoin::embedded("https://b.example/join/1".into(), actor.clone(), event.clone());
        join.to = vec![group.clone()];
        join.participation_message = Some(String::new());
        assert_eq!(with_context_of(context(), join).unwrap().to_string(), golden.to_string());

        let golden = json!({
            "@context": context(),
            "id": id,
            "type": "Leave",
            "actor": actor,
            "object": event,
            "to": [group],
            "participant": "https://b.example/join/1",
        });
        let leave = SentLeave {
            id: id.clone(),
            kind: LeaveKind::Leave,
            actor: actor.clone(),
            object: event.clone(),
            to: vec![group.clone()],
            participant: "https://b.example/join/1".into(),
        };
        assert_eq!(with_context_of(context(), leave).unwrap().to_string(), golden.to_string());

        let golden = json!({
            "@context": context(),
            "id": id,
            "type": "Ignore",
            "actor": group,
            "to": [actor],
            "object": {"id": "https://b.example/join/1", "type": "Join", "actor": actor, "object": event},
        });
        let answer = SentAnswer {
            id,
            kind: AnswerKind::Ignore,
            actor: group,
            to: vec![actor.clone()],
            object: SentJoin::embedded("https://b.example/join/1".into(), actor, event),
        };
        assert_eq!(with_context_of(context(), answer).unwrap().to_string(), golden.to_string());
    }
}
