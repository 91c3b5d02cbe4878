//! The privacy leak matrix (issue "Membership restrictions and private communities that never
//! leak, across instances"): every read path × every kind of viewer, each cell Allowed or
//! Refused, all cells evaluated and every failing cell reported in one panic.
//!
//! Setup. alpha hosts a PRIVATE community (`vault`: moderator, local member, a discussion and a
//! reply carrying the run's secret, a members-only welcome message, an event the local member
//! RSVPed to) and a PUBLIC control community (`commons`, with a public event) whose content
//! must stay readable, so a matrix that refuses everything cannot pass. Remote viewers live on
//! beta (member, pending, banned, non-member, admin) and gamma (a member whose instance alpha's
//! admin blocks afterwards with `federation_mode: blocklist`). Their ActivityPub reads are
//! signed GETs to alpha by fake remote actors in the same membership state (one per column; the
//! blocked one lives on a second fake server, blocked too), since the test cannot sign as beta
//! or gamma. The private content is posted after the block, so gamma never had a legitimate
//! copy.
//!
//! The Mastodon client API's rows are in `leak_matrix_mastodon.rs`.
//!
//! Search has rows here: the REST endpoint on alpha and on the viewers' own instances, and
//! the web page (its box shows the words back, so the page is asked in capitals: search folds
//! case, the echo is not the secret, and what is found shows as written). The network
//! endpoint (`/search/public`, what other instances ask) has rows for every local viewer; a
//! search with `network=true` shows only what those endpoints answer.
//!
//! No such path yet (add a row when it lands): RSS/Atom feeds, notifications other
//! than watched new discussions, email bodies, the moderation log, sitemap, user profile post listings, context
//! collections on objects, `Like`/`Undo` activity documents, and web pages for members
//! and moderation (rows exist for home, login, discussions, community pages, events and wiki). beta's
//! `POST /api/guildhall/v1/federation/resolve` resolves communities only, not discussion URLs, so beta's
//! own signed fetch of alpha's objects cannot be driven from the API yet: add a Remote row that
//! resolves `/d/{id}` when resolve accepts object URLs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use federation_tests::community::{join_remote, member};
use federation_tests::matrix::Kind::{Content, Public};
use federation_tests::matrix::Mark::*;
use federation_tests::matrix::Refusal::{BadSignature, Forbidden, NotFound, SignIn};
use federation_tests::matrix::Surface::{Ap, Inbox, Remote, Rest, Web};
use federation_tests::matrix::{GetSigning, Matrix, Row, Secrets, Viewer, row};
use federation_tests::peer::{FakeActor, FakePeer, Software, stranger_key};
use federation_tests::{
    Client, InProcessInstance, StatusCode, Value, expect_status, id_of, json, poll_every, poll_until, random_hex,
};

const DEADLINE: Duration = Duration::from_secs(20);
// Columns: anon non-member pending banned member moderator admin |
//          r-anon r-non-member r-pending r-banned r-blocked r-member r-admin
// Local viewers have no ActivityPub identity: their Ap cells are unsigned GETs.

/// The private community `{vault}`: nobody but members (and alpha's admin through the API)
/// reads its content, anywhere.
#[rustfmt::skip]
static PRIVATE_ROWS: &[Row] = &[
    row(Ap, "/d/{d}", Content(Discussion), NotFound, "RRRRRRR|-RRRRA-"),
    row(Ap, "/r/{r}", Content(Reply), NotFound, "RRRRRRR|-RRRRA-"),
    row(Ap, "/d/{d}/replies", Content(Reply), NotFound, "RRRRRRR|-RRRRA-"),
    row(Ap, "/activities/{act}", Content(Discussion), NotFound, "RRRRRRR|-RRRRA-"),
    // The community's Accept{Follow} to the fake peer's member: who is a member is roster.
    row(Ap, "/activities/{accept}", Content(PeerMember), NotFound, "RRRRRRR|-RRRRA-"),
    row(Ap, "/c/{vault}/outbox", Content(Discussion), NotFound, "HHHHHHH|-HHHHA-"),
    row(Ap, "/c/{vault}/featured", Content(Discussion), NotFound, "HHHHHHH|-HHHHA-"),
    row(Ap, "/c/{vault}/followers", Public, NotFound, "HHHHHHH|-HHHHA-"),
    row(Ap, "/c/{vault}/moderators", Content(Moderator), NotFound, "HHHHHHH|-HHHHA-"),
    row(Ap, "/c/{vault}", Public, NotFound, "AAAAAAA|-AAAAA-"),
    row(Ap, "/.well-known/webfinger?resource=acct:{vault}@{alpha}", Public, NotFound, "AAAAAAA|-AAAAA-"),
    row(Ap, "/nodeinfo/2.1", Public, NotFound, "AAAAAAA|-AAAAA-"),
    row(Ap, "/u/{member}", Public, NotFound, "AAAAAAA|-AAAAA-"),
    row(Ap, "/actor", Public, NotFound, "AAAAAAA|-AAAAA-"),
    row(Rest, "/api/guildhall/v1/communities", Content(Welcome), NotFound, "EEEEAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}", Content(Welcome), NotFound, "EEEEAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/discussions", Content(Discussion), Forbidden, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/discussions/{d}", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/discussions/{d}/replies", Content(Reply), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/members", Content(Member), Forbidden, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/join-requests", Content(Request), SignIn, "RRRRRAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/bans", Content(Banned), SignIn, "RRRRRAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/reports", Content(Report), SignIn, "RRRRRAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/wiki", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/wiki/{wiki}", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/wiki/{wiki}/revisions", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/wiki/{wiki}/revisions/1", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/wiki/{wiki}/diff?from=1&to=2", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/accounts/{member}", Public, NotFound, "AAAAAAA|-------"),
    // Notification settings: only for those who may read the community or thread.
    row(Rest, "/api/guildhall/v1/communities/{vault}/notification_level", Public, NotFound, "-RRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/discussions/{d}/mute", Public, NotFound, "-RRRAAA|-------"),
    // Watchers (setup: member and banned-to-be here, member, banned-to-be and blocked-to-be
    // elsewhere, before the bans) hear of a new discussion only while they may read it; the
    // moderator wrote it and does not watch.
    row(Rest, "/api/guildhall/v1/notifications?kinds=new_discussion", Content(Discussion), SignIn, "REEEAEE|-------"),
    row(Remote, "/api/guildhall/v1/notifications?kinds=new_discussion", Content(Discussion), SignIn, "-------|REEEEAE"),
    row(Web, "/", Content(Discussion), NotFound, "EEEEAAE|EEEEEAE"),
    row(Web, "/login", Public, NotFound, "AAAAAAA|AAAAAAA"),
    // alpha's private community as the viewers' own instances show it: only beta's approved
    // member sees what was delivered; gamma (blocked before the post) has nothing.
    row(Remote, "/api/guildhall/v1/communities", Public, NotFound, "-------|AAAAAAA"),
    row(Remote, "/api/guildhall/v1/communities/{vault}@{alpha}", Public, NotFound, "-------|AAAAAAA"),
    row(Remote, "/api/guildhall/v1/communities/{vault}@{alpha}/discussions", Content(Discussion), Forbidden, "-------|RRRREAR"),
    row(Remote, "/api/guildhall/v1/communities/{vault}@{alpha}/members", Content(RemoteMember), Forbidden, "-------|RRRREAR"),
    row(Remote, "/api/guildhall/v1/discussions/{home_d}", Content(Discussion), NotFound, "-------|RRRRRAR"),
    row(Remote, "/api/guildhall/v1/discussions/{home_d}/replies", Content(Reply), NotFound, "-------|RRRRRAR"),
    // What alpha put on the wire: private content goes to approved members' own inboxes only.
    row(Inbox, "personal", Content(Discussion), NotFound, "-------|-HHHHA-"),
    row(Inbox, "personal", Content(Reply), NotFound, "-------|-HHHHA-"),
    row(Inbox, "shared", Content(Discussion), NotFound, "-------|-HHHHH-"),
    // Events of the private community: the event, its attendees (the local member RSVPed),
    // the calendar feeds, "my events", and beta's copy.
    row(Ap, "/e/{e}", Content(Event), NotFound, "RRRRRRR|-RRRRA-"),
    row(Rest, "/api/guildhall/v1/events/{e}", Content(Event), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/events", Content(Event), Forbidden, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/events/{e}/attendees", Content(Member), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/events/{e}/replies", Content(EventReply), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/events/{e}/calendar.ics", Content(Event), NotFound, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{vault}/calendar.ics", Content(Event), Forbidden, "RRRRAAA|-------"),
    row(Rest, "/api/guildhall/v1/accounts/me/events", Content(Event), SignIn, "REEEAAE|-------"),
    row(Rest, "/api/guildhall/v1/calendar/{non_feed}/events.ics", Content(Event), NotFound, "EEEEEEE|-------"),
    row(Remote, "/api/guildhall/v1/communities/{vault}@{alpha}/events", Content(Event), Forbidden, "-------|RRRREAR"),
    row(Remote, "/api/guildhall/v1/events/{home_e}", Content(Event), NotFound, "-------|RRRRRAR"),
    row(Remote, "/api/guildhall/v1/events/{home_e}/replies", Content(EventReply), NotFound, "-------|RRRRRAR"),
    row(Inbox, "personal", Content(Event), NotFound, "-------|-HHHHA-"),
    row(Inbox, "shared", Content(Event), NotFound, "-------|-HHHHH-"),
    // Web pages: the discussion (and its poll), the community page's next events, the event
    // page (attendees, RSVP), the events list, the calendar files, "my upcoming events" on
    // home, the wiki (list, page, history, diff); remote viewers browse their own instance's copies.
    row(Web, "/discussions/{d}", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Web, "/communities/{vault}", Content(Event), NotFound, "EEEEAAA|-------"),
    row(Web, "/communities/{vault}/events", Content(Event), Forbidden, "RRRRAAA|-------"),
    row(Web, "/communities/{vault}/calendar.ics", Content(Event), Forbidden, "RRRRAAA|-------"),
    row(Web, "/events/{e}", Content(Event), NotFound, "RRRRAAA|-------"),
    row(Web, "/events/{e}", Content(Member), NotFound, "RRRRAAA|-------"),
    row(Web, "/events/{e}", Content(EventReply), NotFound, "RRRRAAA|-------"),
    row(Web, "/events/{e}/calendar.ics", Content(Event), NotFound, "RRRRAAA|-------"),
    row(Web, "/", Content(Event), NotFound, "EEEEAAE|EEEEEAE"),
    row(Web, "/communities/{vault}/wiki", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Web, "/communities/{vault}/wiki/{wiki}", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Web, "/communities/{vault}/wiki/{wiki}/history", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Web, "/communities/{vault}/wiki/{wiki}/diff?from=1&to=2", Content(Discussion), NotFound, "RRRRAAA|-------"),
    row(Web, "/discussions/{home_d}", Content(Discussion), NotFound, "-------|RRRRRAR"),
    row(Web, "/communities/{vault}@{alpha}/events", Content(Event), Forbidden, "-------|RRRREAR"),
    row(Web, "/events/{home_e}", Content(Event), NotFound, "-------|RRRRRAR"),
    // Search finds what its reader may read: the discussion's title, the reply's body, the
    // wiki page and the event; the viewers' own instances search their copies.
    row(Rest, "/api/guildhall/v1/search?q={d_mark}", Content(Discussion), NotFound, "EEEEAAA|-------"),
    row(Rest, "/api/guildhall/v1/search?q={r_mark}", Content(Reply), NotFound, "EEEEAAA|-------"),
    row(Rest, "/api/guildhall/v1/search?q={d_mark}&kind=wiki", Content(Discussion), NotFound, "EEEEAAA|-------"),
    row(Rest, "/api/guildhall/v1/search?q={e_mark}&kind=event", Content(Event), NotFound, "EEEEAAA|-------"),
    row(Remote, "/api/guildhall/v1/search?q={d_mark}", Content(Discussion), NotFound, "-------|EEEEEAE"),
    row(Remote, "/api/guildhall/v1/search?q={r_mark}", Content(Reply), NotFound, "-------|EEEEEAE"),
    // The network endpoint answers other instances for public content only, whoever asks.
    row(Rest, "/api/guildhall/v1/search/public?q={d_mark}", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/search/public?q={r_mark}", Content(Reply), NotFound, "EEEEEEE|-------"),
    row(Web, "/search?q={d_loud}", Content(Discussion), NotFound, "EEEEAAA|EEEEEAE"),
    row(Web, "/search?q={r_loud}", Content(Reply), NotFound, "EEEEAAA|EEEEEAE"),
];

/// The public control community `{commons}`: readable by everyone, so the refusals above are
/// not vacuous. `?`: whether a blocked instance's signed GET of public content is refused is
/// not specified; it is shown, not asserted.
#[rustfmt::skip]
static PUBLIC_ROWS: &[Row] = &[
    row(Ap, "/d/{pd}", Content(PublicDiscussion), NotFound, "AAAAAAA|-AAA?A-"),
    row(Ap, "/r/{pr}", Content(PublicReply), NotFound, "AAAAAAA|-AAA?A-"),
    row(Ap, "/d/{pd}/replies", Content(PublicReply), NotFound, "AAAAAAA|-AAA?A-"),
    row(Ap, "/activities/{pact}", Content(PublicDiscussion), NotFound, "AAAAAAA|-AAA?A-"),
    row(Ap, "/c/{commons}/outbox", Content(PublicDiscussion), NotFound, "AAAAAAA|-AAA?A-"),
    row(Ap, "/c/{commons}/featured", Content(PublicDiscussion), NotFound, "AAAAAAA|-AAA?A-"),
    row(Ap, "/c/{commons}/moderators", Content(PublicModerator), NotFound, "AAAAAAA|-AAA?A-"),
    row(Rest, "/api/guildhall/v1/communities/{commons}/discussions", Content(PublicDiscussion), Forbidden, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/discussions/{pd}", Content(PublicDiscussion), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/discussions/{pd}/replies", Content(PublicReply), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{commons}/members", Content(PublicModerator), Forbidden, "AAAAAAA|-------"),
    row(Remote, "/api/guildhall/v1/communities/{commons}@{alpha}/discussions", Content(PublicDiscussion), Forbidden, "-------|AAAAAAA"),
    row(Remote, "/api/guildhall/v1/discussions/{home_pd}", Content(PublicDiscussion), NotFound, "-------|AAAAAAA"),
    row(Ap, "/e/{pe}", Content(PublicEvent), NotFound, "AAAAAAA|-AAA?A-"),
    row(Rest, "/api/guildhall/v1/events/{pe}", Content(PublicEvent), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{commons}/events", Content(PublicEvent), Forbidden, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{commons}/calendar.ics", Content(PublicEvent), Forbidden, "AAAAAAA|-------"),
    row(Web, "/discussions/{pd}", Content(PublicDiscussion), NotFound, "AAAAAAA|-------"),
    row(Web, "/events/{pe}", Content(PublicEvent), NotFound, "AAAAAAA|-------"),
    row(Web, "/communities/{commons}/events", Content(PublicEvent), Forbidden, "AAAAAAA|-------"),
    row(Web, "/communities/{commons}/calendar.ics", Content(PublicEvent), Forbidden, "AAAAAAA|-------"),
];

/// A guild `{guild}` on alpha with both `{vault}` (private: it lends its name only) and
/// `{commons}` as members. Its combined views show the public community's content and never
/// the private one's, to anyone, its own members included.
#[rustfmt::skip]
static GUILD_ROWS: &[Row] = &[
    row(Rest, "/api/guildhall/v1/guilds/{guild}", Content(Welcome), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/discussions", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/discussions", Content(PublicDiscussion), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/events", Content(Event), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/events", Content(PublicEvent), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/calendar.ics", Content(Event), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/calendar.ics", Content(PublicEvent), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/contacts", Content(Moderator), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/guilds/{guild}/contacts", Content(PublicModerator), NotFound, "AAAAAAA|-------"),
    row(Rest, "/api/guildhall/v1/communities/{commons}/guilds", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Ap, "/c/{guild}/communities", Public, NotFound, "AAAAAAA|-AAAAA-"),
    row(Ap, "/c/{guild}", Public, NotFound, "AAAAAAA|-AAAAA-"),
];

/// The published directory and the network map (issue 8). The private `{vault}` is unlisted
/// by default, so it is absent; these rows run again after its managers list it, when it
/// shows its name, description, tags and guild links only: never content, roster, welcome,
/// member count or activity (the counts are checked after the rows).
#[rustfmt::skip]
static DIRECTORY_ROWS: &[Row] = &[
    row(Rest, "/api/guildhall/v1/directory", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/directory", Content(Welcome), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/directory", Content(Member), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/directory", Content(Event), NotFound, "EEEEEEE|-------"),
    row(Ap, "/directory", Content(Discussion), NotFound, "EEEEEEE|-HHHHH-"),
    row(Ap, "/directory?page=1", Content(Discussion), NotFound, "EEEEEEE|-HHHHH-"),
    row(Ap, "/directory?page=1", Content(Moderator), NotFound, "EEEEEEE|-HHHHH-"),
    row(Rest, "/api/guildhall/v1/map", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/map", Content(Member), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/map.csv", Content(Discussion), NotFound, "EEEEEEE|-------"),
    row(Rest, "/api/guildhall/v1/map.graphml", Content(Welcome), NotFound, "EEEEEEE|-------"),
    row(Web, "/map", Content(Discussion), NotFound, "EEEEEEE|EEEEEEE"),
    // `?` for the moderator: the page header names the signed-in viewer.
    row(Web, "/map", Content(Moderator), NotFound, "EEEEE?E|EEEEEEE"),
];

/// The private community in alpha's directory: `Some((member_count, active_30d))` when listed.
async fn vault_in_directory(alpha: &Client, vault: &str) -> Option<(u64, u64)> {
    let (_, dir) = alpha.get("/api/guildhall/v1/directory").await;
    let e = dir["entries"].as_array()?.iter().find(|e| e["name"] == vault)?;
    Some((e["member_count"].as_u64().unwrap_or(u64::MAX), e["active_30d"].as_u64().unwrap_or(u64::MAX)))
}

/// Ways of signing the approved member's GET of the private discussion.
fn signature_variants(
    ghost: &FakeActor,
    stranger: Arc<rsa::RsaPrivateKey>,
    r_path: String,
) -> Vec<(&'static str, GetSigning, char, federation_tests::matrix::Refusal)> {
    let ok = GetSigning::default();
    vec![
        ("signed, no Digest (as Mastodon)", ok.clone(), 'A', NotFound),
        ("signed with a Digest of the empty body", GetSigning { digest: true, ..ok.clone() }, 'A', NotFound),
        ("unsigned", GetSigning { unsigned: true, ..ok.clone() }, 'R', NotFound),
        ("Date 65 minutes old", GetSigning { date_age: 3900, ..ok.clone() }, 'R', BadSignature),
        ("Date 2 hours ahead", GetSigning { date_age: -7200, ..ok.clone() }, 'R', BadSignature),
        ("member's keyId, another key", GetSigning { key: Some(stranger), ..ok.clone() }, 'R', BadSignature),
        (
            "keyId of an actor whose document is not served",
            GetSigning { key_id: Some(ghost.key_id().to_owned()), ..ok.clone() },
            'R',
            BadSignature,
        ),
        ("signature made for another path", GetSigning { signed_path: Some(r_path), ..ok }, 'R', BadSignature),
    ]
}

fn name(prefix: &str) -> String {
    format!("{prefix}{}", random_hex(6))
}

async fn wait_role(client: &Client, handle: &str, role: &str) {
    poll_until(DEADLINE, &format!("my_role in {handle} = {role}"), || async {
        let (_, c) = client.get(&format!("/api/guildhall/v1/communities/{handle}")).await;
        (c["my_role"] == role).then_some(())
    })
    .await;
}

/// Items of a list route whose title contains `needle`.
async fn find_titled(client: &Client, path: &str, needle: &str) -> Option<Value> {
    let (_, body) = client.get(path).await;
    body["items"].as_array()?.iter().find(|d| d["title"].as_str().is_some_and(|t| t.contains(needle))).cloned()
}

async fn post_discussion(client: &Client, community: &str, title: &str, body: &str) -> String {
    let path = format!("/api/guildhall/v1/communities/{community}/discussions");
    let d = client.post(&path, &json!({"title": title, "body": body})).await;
    id_of(&expect_status(d, StatusCode::CREATED, "start a discussion")["id"])
}

async fn post_event(client: &Client, community: &str, title: &str) -> String {
    let body = json!({"title": title, "starts_at": "2030-05-04T18:00", "ends_at": "2030-05-04T20:00", "timezone": "Europe/Paris"});
    let e = client.post(&format!("/api/guildhall/v1/communities/{community}/events"), &body).await;
    id_of(&expect_status(e, StatusCode::CREATED, "create an event")["id"])
}

async fn post_reply(client: &Client, discussion: &str, body: &str) -> String {
    let r = client.post(&format!("/api/guildhall/v1/discussions/{discussion}/replies"), &json!({"body": body})).await;
    id_of(&expect_status(r, StatusCode::CREATED, "reply")["id"])
}

/// The token of the `Accept` of `follow` delivered to `peer`.
fn accept_token(peer: &FakePeer, base: &str, follow: &str) -> Option<String> {
    let prefix = format!("{base}/activities/");
    peer.received().into_iter().find_map(|a| {
        let accepts = a["type"] == "Accept" && (a["object"] == follow || a["object"]["id"] == follow);
        a["id"].as_str().filter(|_| accepts).and_then(|s| s.strip_prefix(&prefix)).map(str::to_owned)
    })
}

/// The token of the first activity delivered to `peer` containing `needle` (the inner
/// `Create` of an `Announce` if there is one).
fn activity_token(peer: &FakePeer, base: &str, needle: &str) -> Option<String> {
    let prefix = format!("{base}/activities/");
    peer.received().into_iter().filter(|a| a.to_string().contains(needle)).find_map(|a| {
        [&a["object"]["id"], &a["id"]]
            .into_iter()
            .find_map(|id| id.as_str().and_then(|s| s.strip_prefix(&prefix)).map(str::to_owned))
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn private_content_never_leaks() {
    let started = Instant::now();
    let (alpha, beta, gamma, peer, far_peer) = tokio::join!(
        InProcessInstance::start("alpha"),
        InProcessInstance::start("beta"),
        InProcessInstance::start("gamma"),
        FakePeer::start(Software::Mastodon),
        FakePeer::start(Software::Mastodon)
    );
    let mut secrets = Secrets::new();
    let (vault, commons) = (name("vault"), name("commons"));
    let [vmod, cmod, lmem, lpend, lban, lnon] = ["vmod", "cmod", "mem", "pend", "ban", "non"].map(name);
    let [bmem, bpend, bban, bnon, gmem] = ["bmem", "bpend", "bban", "bnon", "gmem"].map(name);
    let marks = [(Moderator, &vmod), (Member, &lmem), (Banned, &lban), (RemoteMember, &bmem), (PublicModerator, &cmod)];
    for (mark, value) in marks {
        secrets.marks.insert(mark, value.clone());
    }
    let (pd_mark, pr_mark) = (format!("open{}", random_hex(10)), format!("open{}", random_hex(10)));
    secrets.marks.insert(PublicDiscussion, pd_mark.clone());
    secrets.marks.insert(PublicReply, pr_mark.clone());
    let pe_mark = format!("open{}", random_hex(10));
    secrets.marks.insert(PublicEvent, pe_mark.clone());

    // Accounts.
    let (vmod_c, cmod_c, lmem_c, lpend_c, lban_c, lnon_c) = tokio::join!(
        member(&alpha, &vmod),
        member(&alpha, &cmod),
        member(&alpha, &lmem),
        member(&alpha, &lpend),
        member(&alpha, &lban),
        member(&alpha, &lnon)
    );
    let (bmem_c, bpend_c, bban_c, bnon_c, gmem_c) = tokio::join!(
        member(&beta, &bmem),
        member(&beta, &bpend),
        member(&beta, &bban),
        member(&beta, &bnon),
        member(&gamma, &gmem)
    );
    let (alpha_admin, beta_admin) = tokio::join!(alpha.admin_client(), beta.admin_client());

    // Communities.
    let private = json!({
        "name": vault, "title": "The vault", "description": "A private circle", "charter": "Be kind",
        "welcome_message": format!("Welcome {}", secrets.get(Welcome)), "visibility": "private"
    });
    let created = expect_status(
        vmod_c.post("/api/guildhall/v1/communities", &private).await,
        StatusCode::CREATED,
        "create private",
    );
    assert_eq!(created["visibility"], "private", "{created}");
    let public = json!({"name": commons, "title": "The commons", "visibility": "public"});
    expect_status(cmod_c.post("/api/guildhall/v1/communities", &public).await, StatusCode::CREATED, "create public");
    // A guild holding both, before any content is posted, so a relay would have happened.
    let guild = name("guild");
    let g = json!({"name": guild, "title": "The guild", "focus": "focus_area"});
    expect_status(cmod_c.post("/api/guildhall/v1/guilds", &g).await, StatusCode::CREATED, "create guild");
    for (manager, c) in [(&vmod_c, &vault), (&cmod_c, &commons)] {
        let ask = manager
            .request(reqwest::Method::PUT, &format!("/api/guildhall/v1/communities/{c}/guilds/{guild}"), None)
            .await;
        expect_status(ask, StatusCode::OK, "ask to join the guild");
        let yes = cmod_c
            .request(reqwest::Method::PUT, &format!("/api/guildhall/v1/guilds/{guild}/communities/{c}"), None)
            .await;
        assert_eq!(expect_status(yes, StatusCode::OK, "accept into the guild")["state"], "active");
    }
    let (vault_h, commons_h) = (format!("{vault}@{}", alpha.domain()), format!("{commons}@{}", alpha.domain()));
    let base = format!("http://{}", alpha.domain());
    let (vault_url, commons_url, shared_inbox) =
        (format!("{base}/c/{vault}"), format!("{base}/c/{commons}"), format!("{base}/inbox"));

    // Join requests: local, remote Guildhall users, and fake remote actors.
    let join = |c: Client, message: Option<String>| {
        let path = format!("/api/guildhall/v1/communities/{vault}/join");
        async move { c.post(&path, &json!({"accept_charter": true, "message": message})).await }
    };
    for (c, message) in [(&lmem_c, None), (&lpend_c, Some(secrets.get(Request).to_owned())), (&lban_c, None)] {
        let answer = expect_status(join(c.clone(), message).await, StatusCode::OK, "local join");
        assert_eq!(answer["status"], "requested", "{answer}");
    }
    for c in [&bmem_c, &bpend_c, &bban_c, &gmem_c] {
        assert_eq!(join_remote(c, &vault_h).await["status"], "requested");
    }
    for c in [&bmem_c, &gmem_c] {
        join_remote(c, &commons_h).await;
    }
    let fk_member = peer.add_actor(&name("fkmem"));
    let fk_pending = peer.add_actor(&name("fkpend"));
    let fk_banned = peer.add_actor(&name("fkban"));
    let fk_non = peer.add_actor(&name("fknon"));
    let fk_blocked = far_peer.add_actor(&name("fkblk"));
    let ghost = peer.add_actor(&name("ghost"));
    peer.unserve(&Software::Mastodon.actor_path(ghost.name()));
    let mut follows = HashMap::new();
    for a in [&fk_member, &fk_pending, &fk_banned, &fk_blocked] {
        let follow = a.follow_activity(&vault_url);
        let (status, body) = a.sign_and_post(&shared_inbox, &follow).await;
        assert_eq!(status, StatusCode::ACCEPTED, "Follow by {}: {body}", a.id());
        follows.insert(a.name().to_owned(), follow["id"].as_str().unwrap_or_default().to_owned());
    }
    fk_member.follow_via(&commons_url, &shared_inbox).await;

    let remote = |n: &str, i: &InProcessInstance| format!("{n}@{}", i.domain());
    let (bmem_h, bban_h, gmem_h) = (remote(&bmem, &beta), remote(&bban, &beta), remote(&gmem, &gamma));
    let requests_path = format!("/api/guildhall/v1/communities/{vault}/join-requests");
    let everyone = [lmem.clone(), lpend.clone(), lban.clone(), bmem_h.clone(), remote(&bpend, &beta), bban_h.clone()]
        .into_iter()
        .chain([gmem_h.clone(), fk_member.handle(), fk_pending.handle(), fk_banned.handle(), fk_blocked.handle()])
        .collect::<Vec<_>>();
    poll_until(DEADLINE, "every join request on alpha", || async {
        let (_, r) = vmod_c.get(&requests_path).await;
        let names: Vec<&str> = r["items"].as_array()?.iter().filter_map(|x| x["username"].as_str()).collect();
        everyone.iter().all(|n| names.contains(&n.as_str())).then_some(())
    })
    .await;
    for who in [&lmem, &lban, &bmem_h, &bban_h, &gmem_h, &fk_member.handle(), &fk_banned.handle(), &fk_blocked.handle()]
    {
        let path = format!("/api/guildhall/v1/communities/{vault}/join-requests/{who}/accept");
        expect_status(vmod_c.post(&path, &json!({})).await, StatusCode::NO_CONTENT, "accept");
    }
    tokio::join!(
        wait_role(&bmem_c, &vault_h, "member"),
        wait_role(&bban_c, &vault_h, "member"),
        wait_role(&gmem_c, &vault_h, "member"),
        wait_role(&bmem_c, &commons_h, "member"),
        wait_role(&gmem_c, &commons_h, "member"),
    );
    for a in [&fk_member, &fk_banned, &fk_blocked] {
        a.wait_for_answer(&follows[a.name()], "Accept").await;
    }
    secrets.marks.insert(PeerMember, fk_member.name().to_owned());
    // Watchers of the vault, before the bans and the block (rows `notifications?kinds=new_discussion`).
    for (c, h) in [(&lmem_c, &vault), (&lban_c, &vault), (&bmem_c, &vault_h), (&bban_c, &vault_h), (&gmem_c, &vault_h)]
    {
        let path = format!("/api/guildhall/v1/communities/{h}/notification_level");
        expect_status(c.put(&path, &json!({"level": "watch"})).await, StatusCode::OK, "watch the vault");
    }
    let accept = accept_token(&peer, &base, &follows[fk_member.name()]).unwrap_or_else(|| "none-delivered".into());
    for who in [&lban, &bban_h, &fk_banned.handle()] {
        let ban = json!({"username": who, "reason": "leak matrix"});
        expect_status(
            vmod_c.post(&format!("/api/guildhall/v1/communities/{vault}/bans"), &ban).await,
            StatusCode::OK,
            "ban",
        );
    }
    wait_role(&lpend_c, &vault, "pending").await;

    // Public control content, delivered before the block (gamma may keep it).
    let pd = post_discussion(&cmod_c, &commons, &format!("Open {pd_mark}"), &format!("Hello {pd_mark}")).await;
    let pr = post_reply(&cmod_c, &pd, &format!("Reply {pr_mark}")).await;
    expect_status(
        cmod_c.post(&format!("/api/guildhall/v1/discussions/{pd}/pin"), &json!({})).await,
        StatusCode::OK,
        "pin",
    );
    let commons_list = format!("/api/guildhall/v1/communities/{commons_h}/discussions");
    let (beta_pd, gamma_pd, pact) = tokio::join!(
        poll_until(DEADLINE, "public post on beta", || find_titled(&bmem_c, &commons_list, &pd_mark)),
        poll_until(DEADLINE, "public post on gamma", || find_titled(&gmem_c, &commons_list, &pd_mark)),
        poll_until(DEADLINE, "public Announce at the fake peer", || async { activity_token(&peer, &base, &pd_mark) }),
    );
    // Deliveries to one instance go in order: the Block of the ban was sent before the post.
    let mut setup_failures = Vec::new();
    let (_, seen) = bban_c.get(&format!("/api/guildhall/v1/communities/{vault_h}")).await;
    if seen["my_role"] != "banned" {
        setup_failures.push(format!(
            "setup × r-banned: beta never learned of the ban (my_role {} after later deliveries arrived)",
            seen["my_role"]
        ));
    }

    // alpha's admin blocks gamma and the far fake server; then the private content is posted.
    let block = json!({"federation_mode": "blocklist", "federation_domains": [gamma.domain(), far_peer.host()]});
    expect_status(alpha_admin.patch("/api/guildhall/v1/admin/settings", &block).await, StatusCode::OK, "block gamma");
    let (d_mark, r_mark) = (secrets.get(Discussion).to_owned(), secrets.get(Reply).to_owned());
    let d = post_discussion(&vmod_c, &vault, &format!("Plan {d_mark}"), &format!("Details: {d_mark}")).await;
    let r = post_reply(&lmem_c, &d, &format!("Agreed {r_mark}")).await;
    // A wiki page with two revisions, carrying the discussion's secret.
    let wiki_path = format!("/api/guildhall/v1/communities/{vault}/wiki");
    let page =
        vmod_c.post(&wiki_path, &json!({"title": format!("Notes {d_mark}"), "body": format!("Notes: {d_mark}")})).await;
    let wiki = expect_status(page, StatusCode::CREATED, "wiki page")["slug"].as_str().unwrap_or_default().to_owned();
    let edit = json!({"base_revision": 1, "body": format!("Notes: {d_mark}, revised")});
    expect_status(vmod_c.patch(&format!("{wiki_path}/{wiki}"), &edit).await, StatusCode::OK, "wiki edit");
    expect_status(
        vmod_c.post(&format!("/api/guildhall/v1/discussions/{d}/pin"), &json!({})).await,
        StatusCode::OK,
        "pin",
    );
    let e_mark = secrets.get(Event).to_owned();
    let e = post_event(&vmod_c, &vault, &format!("Meet {e_mark}")).await;
    let rsvp = lmem_c.post(&format!("/api/guildhall/v1/events/{e}/rsvp"), &json!({"status": "going"})).await;
    expect_status(rsvp, StatusCode::OK, "rsvp to the private event");
    // The fake member answers the private event as Mastodon would (a Note in reply to it).
    let note_id = fk_member.new_id("statuses");
    let event_reply = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": format!("{note_id}/activity"), "type": "Create", "actor": fk_member.id(),
        "to": [format!("{vault_url}/followers")], "cc": [vault_url],
        "object": {"id": note_id, "type": "Note", "attributedTo": fk_member.id(), "inReplyTo": format!("{base}/e/{e}"),
                   "to": [format!("{vault_url}/followers")], "cc": [vault_url],
                   "content": format!("<p>Coming {}</p>", secrets.get(EventReply))}
    });
    let (status, body) = fk_member.sign_and_post(&shared_inbox, &event_reply).await;
    assert_eq!(status, StatusCode::ACCEPTED, "the member's reply to the private event: {body}");
    // Someone elsewhere reports the private discussion (as Mastodon does, a Flag with a comment).
    let flag = json!({
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": fk_non.new_id("flags"), "type": "Flag", "actor": fk_non.id(),
        "object": [format!("{base}/d/{d}")], "content": format!("Report {}", secrets.get(Report))
    });
    let (status, body) = fk_non.sign_and_post(&shared_inbox, &flag).await;
    assert_eq!(status, StatusCode::ACCEPTED, "a report about the private discussion: {body}");
    let pe = post_event(&cmod_c, &commons, &format!("Open meet {pe_mark}")).await;
    let non_feed = expect_status(
        lnon_c.post("/api/guildhall/v1/accounts/me/calendar-token", &json!({})).await,
        StatusCode::CREATED,
        "non-member's feed token",
    )["token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // A public sentinel posted after the private content: once it is on beta and at the fake
    // peer, the private content (queued before it) has had its chance; then a short grace.
    let sentinel = format!("sentinel{}", random_hex(8));
    post_discussion(&cmod_c, &commons, &sentinel, "after the private post").await;
    poll_until(DEADLINE, "the sentinel on beta", || find_titled(&bmem_c, &commons_list, &sentinel)).await;
    poll_until(DEADLINE, "the sentinel at the fake peer", || async {
        peer.received().iter().any(|a| a.to_string().contains(&sentinel)).then_some(())
    })
    .await;
    let vault_list = format!("/api/guildhall/v1/communities/{vault_h}/discussions");
    // The private content reaches the approved members (beta's and the fake server's).
    poll_until(DEADLINE, "private content at the approved members", || async {
        let on_beta = find_titled(&bmem_c, &vault_list, &d_mark).await.is_some();
        let at_peer = peer.received().iter().any(|a| a.to_string().contains(&r_mark));
        (on_beta && at_peer).then_some(())
    })
    .await;
    let copy = |v: Option<Value>| v.map(|v| id_of(&v["id"])).unwrap_or_else(|| "0".into());
    let beta_d = copy(find_titled(&bmem_c, &vault_list, &d_mark).await);
    let gamma_d = copy(find_titled(&gmem_c, &vault_list, &d_mark).await);
    let act = activity_token(&peer, &base, &d_mark).unwrap_or_else(|| "none-delivered".into());
    let vault_events = format!("/api/guildhall/v1/communities/{vault_h}/events");
    poll_until(DEADLINE, "the private event on beta", || find_titled(&bmem_c, &vault_events, &e_mark)).await;
    let beta_e = copy(find_titled(&bmem_c, &vault_events, &e_mark).await);
    let gamma_e = copy(find_titled(&gmem_c, &vault_events, &e_mark).await);
    println!("leak matrix: private copies: beta {beta_d}, gamma {gamma_d} (0 = none); private activity {act}");

    // Search indexes in the background: wait until the members find the secrets (here and on
    // beta), so that the rows below judge reading rights, not indexing speed.
    for (who, c, mark) in [("member", &lmem_c, &d_mark), ("member", &lmem_c, &r_mark), ("r-member", &bmem_c, &d_mark)] {
        let path = format!("/api/guildhall/v1/search?q={mark}");
        let found = poll_every(Duration::from_millis(200), DEADLINE, || async {
            let (status, body) = c.get(&path).await;
            (status == StatusCode::OK && body.to_string().contains(mark.as_str())).then_some(())
        })
        .await;
        if found.is_none() {
            setup_failures.push(format!("setup × {who}: search never found {mark} (GET {path})"));
        }
    }
    let mut vars = HashMap::from([
        ("d_mark", d_mark.clone()),
        ("r_mark", r_mark.clone()),
        ("e_mark", e_mark.clone()),
        ("d_loud", d_mark.to_uppercase()),
        ("r_loud", r_mark.to_uppercase()),
        ("vault", vault.clone()),
        ("commons", commons.clone()),
        ("guild", guild.clone()),
        ("alpha", alpha.domain()),
        ("d", d.clone()),
        ("r", r.clone()),
        ("pd", pd.clone()),
        ("pr", pr),
        ("act", act),
        ("accept", accept),
        ("pact", pact),
        ("member", lmem.clone()),
        ("e", e.clone()),
        ("pe", pe.clone()),
        ("non_feed", non_feed.clone()),
        ("wiki", wiki.clone()),
    ]);
    crate::leak_matrix_mastodon::wait_indexed(&lmem_c, &d_mark, &r_mark).await;
    let mastodon_vars = crate::leak_matrix_mastodon::vars(&alpha_admin, &base, &vars, &d_mark, &r_mark).await;
    vars.extend(mastodon_vars);
    let home = |d: &str, pd: &Value, e: &str| {
        let mut home =
            HashMap::from([("home_d", d.to_owned()), ("home_pd", id_of(&pd["id"])), ("home_e", e.to_owned())]);
        home.extend(crate::leak_matrix_mastodon::home_vars(d, pd));
        home
    };
    let (beta_vars, gamma_vars) = (home(&beta_d, &beta_pd, &beta_e), home(&gamma_d, &gamma_pd, &gamma_e));
    let local = |label, client: Client| Viewer {
        label,
        client: Some(client),
        local: true,
        ap: Some(None),
        vars: HashMap::new(),
    };
    let away = |label, client: Client, actor: Option<&FakeActor>, vars: &HashMap<&'static str, String>| Viewer {
        label,
        client: Some(client),
        local: false,
        ap: actor.map(|a| Some(a.clone())),
        vars: vars.clone(),
    };
    let viewers = vec![
        local("anon", alpha.client()),
        local("non-member", lnon_c),
        local("pending", lpend_c),
        local("banned", lban_c),
        local("member", lmem_c),
        local("moderator", vmod_c),
        local("admin", alpha_admin),
        away("r-anon", beta.client(), None, &beta_vars),
        away("r-non-member", bnon_c, Some(&fk_non), &beta_vars),
        away("r-pending", bpend_c, Some(&fk_pending), &beta_vars),
        away("r-banned", bban_c, Some(&fk_banned), &beta_vars),
        away("r-blocked", gmem_c, Some(&fk_blocked), &gamma_vars),
        away("r-member", bmem_c, Some(&fk_member), &beta_vars),
        away("r-admin", beta_admin, None, &beta_vars),
    ];

    let mut matrix = Matrix::new(base, secrets, vars);
    for failure in setup_failures {
        matrix.fail(failure);
    }
    matrix.evaluate("private community", PRIVATE_ROWS, &viewers).await;
    matrix.evaluate("public control community", PUBLIC_ROWS, &viewers).await;
    matrix.evaluate("guild", GUILD_ROWS, &viewers).await;
    matrix
        .evaluate("Mastodon client API: private community", crate::leak_matrix_mastodon::PRIVATE_ROWS, &viewers)
        .await;
    matrix.evaluate("Mastodon client API: public control", crate::leak_matrix_mastodon::PUBLIC_ROWS, &viewers).await;
    matrix.evaluate("directory and map (private unlisted)", DIRECTORY_ROWS, &viewers).await;
    let anon = alpha.client();
    if let Some(found) = vault_in_directory(&anon, &vault).await {
        matrix.fail(format!("the unlisted private community is in the directory: {found:?}"));
    }
    let (_, map) = anon.get("/api/guildhall/v1/map").await;
    if map.to_string().contains(&format!("/c/{vault}\"")) {
        matrix.fail("the unlisted private community is on the map".into());
    }
    let admin_client = viewers[6].client.as_ref().expect("alpha's admin");
    let (status, _) =
        admin_client.patch(&format!("/api/guildhall/v1/communities/{vault}"), &json!({"listed": true})).await;
    if status != StatusCode::OK {
        matrix.fail(format!("listing the private community answered {status}"));
    }
    matrix.evaluate("directory and map (private listed)", DIRECTORY_ROWS, &viewers).await;
    match vault_in_directory(&anon, &vault).await {
        Some((0, 0)) => {}
        other => matrix.fail(format!("the listed private community should show without counts, got {other:?}")),
    }
    let variants = signature_variants(&ghost, stranger_key().await, format!("/r/{r}"));
    let d_row = row(Ap, "/d/{d}", Content(Discussion), NotFound, "");
    matrix.evaluate_signatures("signatures", d_row, &viewers[12], variants).await;

    let (_, nodeinfo) = alpha.client().get("/nodeinfo/2.1").await;
    println!("leak matrix: alpha's NodeInfo usage (counts shown to everyone): {}", nodeinfo["usage"]);
    println!("leak matrix: {} cells evaluated; test ran {:.1?}", matrix.cells(), started.elapsed());
    matrix.finish();
}
