//! Events: the list, creating with field errors, the event page (times, place, places left,
//! RSVP and the waitlist, attendees), editing, cancelling, deleting, calendar files, "my
//! upcoming events" on the home page, the private feed address, and who may see what.

use crate::common;

use axum::http::{StatusCode, header};
use common::*;
use guildhall_app::events::EventInput;

const FORM: &str = "title=Design+crit&description=Bring+**sketches**&starts_at=2030-03-10T18%3A30&ends_at=2030-03-10T20%3A00&timezone=America%2FToronto&place_name=Room+4&place_address=90+Elgin+St%2C+Ottawa&online_url=https%3A%2F%2Fmeet.example.gc.ca%2Fcrit&capacity=1&join_mode=free&external_url=";

/// Ada (moderator of ux-design) creates the event through the form; returns its id.
async fn create(site: &Site, ada: &Session) -> i64 {
    let (res, _) = site.submit(ada, "/communities/ux-design/events/new", FORM).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with("/events/") && to.ends_with("?done=event-created"), "{to}");
    to.trim_start_matches("/events/").split('?').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn creating_an_event_shows_field_errors_then_the_event() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (res, body) = site.get("/communities/ux-design/events/new", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("id=\"timezone\"") && body.contains("type=\"datetime-local\""));
    // Unknown time zone.
    let bad = FORM.replace("America%2FToronto", "Mars%2FOlympus");
    let (res, body) = site.submit(&ada, "/communities/ux-design/events/new", &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_page(&res, &body);
    assert!(body.contains("href=\"#timezone\"") && body.contains("id=\"timezone-error\""));
    assert!(body.contains("Enter a time zone such as America/Toronto"));
    assert!(body.contains("value=\"Design crit\""), "the form keeps what was typed");
    // End before start.
    let bad = FORM.replace("ends_at=2030-03-10T20", "ends_at=2030-03-10T17");
    let (res, body) = site.submit(&ada, "/communities/ux-design/events/new", &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#ends_at\"") && body.contains("The end must be after the start"));
    // Capacity: not a number, then negative.
    for cap in ["capacity=lots", "capacity=-3"] {
        let bad = FORM.replace("capacity=1", cap);
        let (res, body) = site.submit(&ada, "/communities/ux-design/events/new", &bad).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{cap}");
        assert!(body.contains("href=\"#capacity\"") && body.contains("id=\"capacity-error\""), "{cap}");
    }
    // In French.
    let (_, body) = site
        .post(
            "/communities/ux-design/events/new",
            Some(&format!("{}; guildhall_lang=fr", ada.cookie)),
            &format!("{}&csrf_token={}", FORM.replace("capacity=1", "capacity=-3"), ada.csrf),
        )
        .await;
    assert!(body.contains("Indiquez un nombre entier de places"), "{body}");
    let id = create(&site, &ada).await;
    let (res, body) = site.get(&format!("/events/{id}?done=event-created"), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Your event was created.") && body.contains("Design crit"));
    assert!(body.contains("<strong>sketches</strong>"));
    // 18:30 in Toronto (EDT after 8 March 2030) is 22:30 UTC; both are shown, with the zone.
    assert!(body.contains("10 March 2030, 18:30") && body.contains("time zone America/Toronto"), "{body}");
    assert!(body.contains("10 March 2030, 22:30 UTC"));
    assert!(
        body.contains("Room 4")
            && body.contains("90 Elgin St, Ottawa")
            && body.contains("https://meet.example.gc.ca/crit")
    );
    assert!(body.contains("1 place · 1 place left"));
    assert!(
        body.contains(&format!("/events/{id}/calendar.ics")) && body.contains("/communities/ux-design/calendar.ics")
    );
    assert!(body.contains(&format!("/events/{id}/edit")) && body.contains(&format!("/events/{id}/cancel")));
}

#[tokio::test]
async fn times_are_shown_in_the_viewers_time_zone() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let id = create(&site, &ada).await;
    // The settings page offers the field, with every zone suggested; unknown zones are refused.
    let (res, body) = site.get("/account", Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("id=\"time_zone\"") && body.contains("list=\"time-zones\""));
    assert!(body.contains("<option value=\"Europe/Paris\">") && body.contains("Your time zone"));
    let profile = "display_name=Ada&bio=&department=&tags=&language=";
    let (res, body) = site.submit(&ada, "/account", &format!("{profile}&time_zone=Mars%2FOlympus")).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_page(&res, &body);
    assert!(body.contains("href=\"#time_zone\"") && body.contains("id=\"time_zone-error\""));
    let (res, _) = site.submit(&ada, "/account", &format!("{profile}&time_zone=Europe%2FParis")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, body) = site.get("/account", Some(&ada.cookie)).await;
    assert!(body.contains("value=\"Europe/Paris\" list=\"time-zones\""), "the setting is kept");
    // 18:30 in Toronto (EDT) is 23:30 in Paris (still CET on 10 March 2030), shown first;
    // the event's own zone stays, and the UTC line goes.
    let (res, body) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    let mine = body.find("10 March 2030, 23:30").expect("the viewer's time");
    let theirs = body.find("10 March 2030, 18:30").expect("the event's time");
    assert!(mine < theirs, "the viewer's zone comes first");
    assert!(body.contains("11 March 2030, 01:00") && body.contains("your time zone, Europe/Paris"));
    assert!(body.contains("time zone America/Toronto") && !body.contains("22:30 UTC"), "{body}");
    // A visitor without a zone sees the event's zone and UTC.
    let (_, body) = site.get(&format!("/events/{id}"), None).await;
    assert!(!body.contains("your time zone") && body.contains("10 March 2030, 22:30 UTC"));
    // In French.
    let (_, body) = site.get(&format!("/events/{id}"), Some(&format!("{}; guildhall_lang=fr", ada.cookie))).await;
    assert!(body.contains("10 mars 2030, 23 h 30") && body.contains("votre fuseau horaire, Europe/Paris"), "{body}");
}

#[tokio::test]
async fn rsvp_waitlist_and_attendees() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let id = create(&site, &ada).await;
    for name in ["bob", "cyd"] {
        site.account(name, false).await;
        site.join(name).await;
    }
    let bob = site.sign_in("bob").await;
    let cy = site.sign_in("cyd").await;
    let (_, body) = site.get(&format!("/events/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("You have not answered yet.") && body.contains("I am going"));
    assert!(!body.contains(&format!("/events/{id}/edit")), "members do not manage others' events");
    let (res, _) = site.submit(&bob, &format!("/events/{id}/rsvp"), "value=going").await;
    assert_redirect(&res, &format!("/events/{id}?done=rsvp-going#rsvp"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("You are going.") && body.contains("I am not going") && body.contains("no places left"));
    // The event is full: Cy goes on the waitlist.
    let (_, body) = site.get(&format!("/events/{id}"), Some(&cy.cookie)).await;
    assert!(body.contains("Join the waitlist"));
    let (res, _) = site.submit(&cy, &format!("/events/{id}/rsvp"), "value=going").await;
    assert_redirect(&res, &format!("/events/{id}?done=rsvp-waitlisted#rsvp"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&cy.cookie)).await;
    assert!(body.contains("You are on the waitlist."));
    // Attendees: shown to members by default, with decisions for the organiser.
    let (_, body) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert!(body.contains("id=\"attendees\"") && body.contains("(bob)") && body.contains("On the waitlist"));
    // Bob steps back: Cy moves up.
    let (res, _) = site.submit(&bob, &format!("/events/{id}/rsvp"), "value=not_going").await;
    assert_redirect(&res, &format!("/events/{id}?done=rsvp-removed#rsvp"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&cy.cookie)).await;
    assert!(body.contains("You are going."));
    // The home page lists it under "my upcoming events".
    let (res, body) = site.get("/", Some(&cy.cookie)).await;
    assert_page(&res, &body);
    assert!(body.contains("My upcoming events") && body.contains(&format!("href=\"/events/{id}\"")));
    // Signed out: a link to sign in, no attendees.
    let (res, body) = site.get(&format!("/events/{id}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains(&format!("/login?next=/events/{id}")) && !body.contains("id=\"attendees\""));
    let (res, _) = site.post(&format!("/events/{id}/rsvp"), None, "value=going").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/login?next="));
}

#[tokio::test]
async fn approval_events_wait_for_the_organiser() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let (res, _) = site
        .submit(&ada, "/communities/ux-design/events/new", &FORM.replace("join_mode=free", "join_mode=approval"))
        .await;
    let id: i64 = location(&res).trim_start_matches("/events/").split('?').next().unwrap().parse().unwrap();
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    let (_, body) = site.get(&format!("/events/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("Ask to attend"));
    let (res, _) = site.submit(&bob, &format!("/events/{id}/rsvp"), "value=going").await;
    assert_redirect(&res, &format!("/events/{id}?done=rsvp-pending#rsvp"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert!(body.contains("Waiting for an organiser") && body.contains("name=\"who\" value=\"bob\""));
    let (res, _) = site.submit(&bob, &format!("/events/{id}/attendees"), "who=bob&value=accept").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "only organisers decide");
    let (res, _) = site.submit(&ada, &format!("/events/{id}/attendees"), "who=bob&value=accept").await;
    assert_redirect(&res, &format!("/events/{id}?done=accepted#attendees"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("You are going."));
}

#[tokio::test]
async fn editing_cancelling_and_deleting() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let id = create(&site, &ada).await;
    site.account("bob", false).await;
    site.join("bob").await;
    let bob = site.sign_in("bob").await;
    for path in [format!("/events/{id}/edit"), format!("/events/{id}/delete")] {
        let (res, body) = site.get(&path, Some(&bob.cookie)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{path}");
        assert_page(&res, &body);
    }
    let (res, _) = site.get("/communities/ux-design/events/new", Some(&bob.cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "members may not create events by default");
    let (res, _) = site.submit(&bob, &format!("/events/{id}/cancel"), "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (res, body) = site.get(&format!("/events/{id}/edit"), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("value=\"2030-03-10T18:30\"") && body.contains("value=\"America/Toronto\""));
    let edited =
        FORM.replace("Design+crit", "Design+critique").replace("capacity=1", "capacity=") + "&status=tentative";
    let (res, _) = site.submit(&ada, &format!("/events/{id}/edit"), &edited).await;
    assert_redirect(&res, &format!("/events/{id}?done=saved"));
    let (_, body) = site.get(&format!("/events/{id}"), None).await;
    assert!(body.contains("Design critique") && body.contains("Tentative") && body.contains("No limit on places"));
    let bad = edited.replace("timezone=America%2FToronto", "timezone=Nowhere");
    let (res, body) = site.submit(&ada, &format!("/events/{id}/edit"), &bad).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(body.contains("href=\"#timezone\""));
    let (res, _) = site.submit(&ada, &format!("/events/{id}/cancel"), "").await;
    assert_redirect(&res, &format!("/events/{id}?done=event-cancelled"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("This event is cancelled.") && body.contains("This event no longer takes answers."));
    let (res, body) = site.get(&format!("/events/{id}/delete"), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Design critique"));
    let (res, _) = site.submit(&ada, &format!("/events/{id}/delete"), "").await;
    assert_redirect(&res, "/communities/ux-design/events?done=event-deleted");
    let (res, _) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn lists_calendars_and_the_private_feed() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let id = create(&site, &ada).await;
    let v = site.viewer("ada").await;
    let past = EventInput {
        title: Some("Last year's retro".into()),
        starts_at: Some("2020-01-10T10:00".into()),
        ends_at: Some("2020-01-10T11:00".into()),
        timezone: Some("Europe/Paris".into()),
        ..Default::default()
    };
    guildhall_app::events::create(&site.ctx, &v, "ux-design", &past).await.unwrap();
    let (res, body) = site.get("/communities/ux-design/events", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    assert!(body.contains("Upcoming events") && body.contains("Design crit") && !body.contains("Last year"));
    assert!(!body.contains("/events/new"), "signed out: no create button");
    let (_, body) = site.get("/communities/ux-design/events?when=past", None).await;
    assert!(body.contains("Last year&#39;s retro") || body.contains("Last year's retro"), "{body}");
    let (_, body) = site.get("/communities/ux-design/events", Some(&ada.cookie)).await;
    assert!(body.contains("/communities/ux-design/events/new"));
    let (_, body) = site.get("/communities/ux-design", None).await;
    assert!(body.contains("href=\"/communities/ux-design/events\""), "the community nav links to events");
    assert!(body.contains(&format!("href=\"/events/{id}\"")), "the community page lists the next events");
    let (res, ics) = site.get(&format!("/events/{id}/calendar.ics"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/calendar"));
    assert!(ics.contains("BEGIN:VCALENDAR") && ics.contains("SUMMARY:Design crit"));
    let (res, ics) = site.get("/communities/ux-design/calendar.ics", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(ics.contains("Design crit"));
    // The private feed address, made on the account page.
    let (_, body) = site.get("/account", Some(&ada.cookie)).await;
    assert!(body.contains("action=\"/account/calendar\"") && !body.contains("id=\"feed-url\""));
    let (res, body) = site.submit(&ada, "/account/calendar", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_page(&res, &body);
    let marker = "id=\"feed-url\" type=\"text\" readonly value=\"";
    let url = body[body.find(marker).expect("feed url") + marker.len()..].split('"').next().unwrap().to_owned();
    assert!(url.contains("/api/guildhall/v1/calendar/") && url.ends_with("/events.ics"), "{url}");
    let (res, _) = site.post("/account/calendar", Some(&ada.cookie), "csrf_token=wrong").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn members_vote_on_an_event_as_on_a_post() {
    let site = site().await;
    let ada = site.sign_in("ada").await;
    let id = create(&site, &ada).await;
    site.account("bob", false).await;
    site.join("bob").await;
    site.account("eve", false).await;
    let (bob, eve) = (site.sign_in("bob").await, site.sign_in("eve").await);
    let (_, body) = site.get(&format!("/events/{id}"), Some(&bob.cookie)).await;
    assert!(body.contains("0 points") && body.contains(&format!("action=\"/events/{id}/vote\"")), "vote buttons");
    let (res, _) = site.submit(&bob, &format!("/events/{id}/vote"), "value=up").await;
    assert_redirect(&res, &format!("/events/{id}?done=voted#event-votes"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert!(body.contains("1 point"), "the score on the event page");
    // Not a member: the score, no buttons, and a posted vote is refused.
    let (_, body) = site.get(&format!("/events/{id}"), Some(&eve.cookie)).await;
    assert!(body.contains("1 point") && !body.contains(&format!("action=\"/events/{id}/vote\"")));
    let (res, _) = site.submit(&eve, &format!("/events/{id}/vote"), "value=down").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (_, body) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert!(body.contains("1 point"), "the refused vote is not counted");
    // Withdrawn.
    let (res, _) = site.submit(&bob, &format!("/events/{id}/vote"), "value=clear").await;
    assert_redirect(&res, &format!("/events/{id}?done=voted#event-votes"));
    let (_, body) = site.get(&format!("/events/{id}"), Some(&ada.cookie)).await;
    assert!(body.contains("0 points"));
}

#[tokio::test]
async fn private_community_events_are_not_found_for_outsiders() {
    let site = site().await;
    let ada = site.viewer("ada").await;
    let new = guildhall_app::communities::NewCommunity {
        name: "vault".into(),
        title: "Vault".into(),
        visibility: Some(guildhall_domain::Visibility::Private),
        ..Default::default()
    };
    guildhall_app::communities::create(&site.ctx, &ada, new).await.unwrap();
    let input = EventInput {
        title: Some("Secret sprint".into()),
        starts_at: Some("2030-01-10T10:00".into()),
        ends_at: Some("2030-01-10T11:00".into()),
        timezone: Some("UTC".into()),
        ..Default::default()
    };
    let id = guildhall_app::events::create(&site.ctx, &ada, "vault", &input).await.unwrap().id;
    site.account("eve", false).await;
    let eve = site.sign_in("eve").await;
    for cookie in [None, Some(eve.cookie.as_str())] {
        for path in [
            format!("/events/{id}"),
            format!("/events/{id}/calendar.ics"),
            format!("/events/{id}/edit"),
            "/communities/vault/events".to_owned(),
            "/communities/vault/calendar.ics".to_owned(),
        ] {
            let (res, body) = site.get(&path, cookie).await;
            assert!(!body.contains("Secret sprint"), "{path} leaks to {cookie:?}");
            if cookie.is_some() {
                assert!(
                    matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                    "{path}: {}",
                    res.status()
                );
            }
        }
    }
    let (res, _) = site.get(&format!("/events/{id}"), Some(&eve.cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, _) = site.submit(&eve, &format!("/events/{id}/rsvp"), "value=going").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (res, _) = site.submit(&eve, &format!("/events/{id}/vote"), "value=up").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no vote on an event one may not read");
    // Members see it; UTC events are shown once.
    let a = site.sign_in("ada").await;
    let (res, body) = site.get(&format!("/events/{id}"), Some(&a.cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(body.contains("Secret sprint") && body.contains("time zone UTC") && !body.contains("11:00 UTC"));
}
