//! Guildhall's views as Mastodon entities. Only what a use case already let the viewer see
//! reaches here: rendering decides nothing about access.

use guildhall_app::entities::account;
use guildhall_app::events::post::EventPost;
use guildhall_app::polls::PollView;
use guildhall_app::timelines::Entry;
use guildhall_app::urls::Urls;
use guildhall_app::views::{AuthorView, CommunityView, DiscussionView, ReplyView};
use guildhall_app::{AppContext, Result};
use guildhall_domain::event::EventStatus;
use guildhall_domain::extras::is_web_address;
use guildhall_domain::{CommunityRole, Visibility};

use crate::entities::{Account, Field, MediaAttachment, Mention, Poll, PollOption, Source, Status, Tag, time};
use crate::ids::{AccountId, StatusId};

/// Escapes text for HTML content (one escape for mail, pages and the client API).
pub use guildhall_app::mail::escape;

fn avatar(ctx: &AppContext) -> String {
    format!("{}/static/avatar.png", ctx.instance().base_url())
}

fn blank_account(ctx: &AppContext) -> Account {
    Account {
        id: String::new(),
        username: String::new(),
        acct: String::new(),
        display_name: String::new(),
        locked: false,
        bot: false,
        discoverable: true,
        indexable: false,
        group: false,
        created_at: String::new(),
        note: String::new(),
        url: String::new(),
        uri: String::new(),
        avatar: avatar(ctx),
        avatar_static: avatar(ctx),
        header: String::new(),
        header_static: String::new(),
        followers_count: 0,
        following_count: 0,
        statuses_count: 0,
        last_status_at: None,
        hide_collections: true,
        noindex: true,
        emojis: vec![],
        roles: vec![],
        fields: vec![],
        source: None,
    }
}

/// A person, local or remote.
pub fn person(ctx: &AppContext, a: &account::Model) -> Account {
    let urls = Urls::new(ctx);
    let local = a.domain.is_empty();
    let uri = match (&a.ap_id, local) {
        (Some(id), false) => id.clone(),
        _ => urls.person(&a.username).to_string(),
    };
    let mut fields = vec![];
    if !a.department.trim().is_empty() {
        fields.push(Field { name: "Department".into(), value: escape(&a.department), verified_at: None });
    }
    Account {
        id: AccountId::Person(a.id).to_string(),
        username: a.username.clone(),
        acct: guildhall_app::accounts::handle_of(a),
        display_name: a.display_name.clone(),
        created_at: time(a.created_at),
        note: guildhall_app::markdown::render(&a.bio),
        url: if local { format!("{}/members/{}", ctx.instance().base_url(), a.username) } else { uri.clone() },
        uri,
        fields,
        ..blank_account(ctx)
    }
}

/// The signed-in account, with `source` as `verify_credentials` answers it.
pub fn credential(ctx: &AppContext, a: &account::Model) -> Account {
    let mut acc = person(ctx, a);
    acc.source = Some(Source {
        privacy: "public",
        sensitive: false,
        language: a.language.clone(),
        note: a.bio.clone(),
        fields: acc.fields.clone(),
        follow_requests_count: 0,
    });
    acc
}

/// A community or guild as a group account. `ap_id` is the actor id of a remote one.
pub fn group(ctx: &AppContext, c: &CommunityView, ap_id: Option<&str>) -> Account {
    let urls = Urls::new(ctx);
    let (username, acct) = match c.handle.split_once('@') {
        Some((name, domain)) if domain != ctx.instance().domain => (name.to_string(), c.handle.clone()),
        Some((name, _)) => (name.to_string(), name.to_string()),
        None => (c.handle.clone(), c.handle.clone()),
    };
    let uri = match ap_id {
        Some(id) if !c.local => id.to_string(),
        _ => urls.group(&c.name).to_string(),
    };
    let page = format!("{}/communities/{}", ctx.instance().base_url(), c.handle);
    let mut fields = vec![];
    if !c.charter.trim().is_empty() {
        fields.push(Field {
            name: "Charter".into(),
            value: format!("<a href=\"{0}#charter\" rel=\"nofollow noopener\">{0}#charter</a>", escape(&page)),
            verified_at: None,
        });
    }
    Account {
        id: AccountId::Group(c.id).to_string(),
        username,
        acct,
        display_name: c.title.clone(),
        locked: c.visibility != Visibility::Public,
        group: true,
        created_at: time(c.created_at),
        note: c.description_html.clone(),
        url: if c.local { page } else { uri.clone() },
        uri,
        followers_count: c.member_count,
        hide_collections: c.visibility == Visibility::Private,
        fields,
        ..blank_account(ctx)
    }
}

/// An author as the account of their statuses (deleted authors render as a placeholder).
pub async fn author(ctx: &AppContext, a: &AuthorView) -> Result<Account> {
    if a.id == 0 {
        return Ok(Account { display_name: a.display_name.clone(), ..blank_account(ctx) });
    }
    match guildhall_app::lookup::account(ctx, a.id).await? {
        Some(m) => Ok(person(ctx, &m)),
        None => Ok(Account { display_name: a.display_name.clone(), ..blank_account(ctx) }),
    }
}

/// How a status in this community is visible, honestly: a members-only post is never
/// `public`, so an app never offers to boost it to the world.
pub fn visibility(members_only: bool, community: Visibility) -> &'static str {
    match (members_only, community) {
        (true, _) | (_, Visibility::Private) => "private",
        _ => "public",
    }
}

fn media(ctx: &AppContext, e: &guildhall_app::extras_view::ExtrasView, owner: StatusId) -> Vec<MediaAttachment> {
    let _ = ctx;
    e.media_attachments
        .iter()
        .enumerate()
        .map(|(i, m)| MediaAttachment {
            id: format!("{owner}-{i}"),
            kind: match m.kind.as_str() {
                "image" => "image",
                "video" => "video",
                "audio" => "audio",
                _ => "unknown",
            },
            url: m.url.clone(),
            preview_url: None,
            remote_url: Some(m.remote_url.clone()),
            description: m.description.clone(),
            blurhash: None,
            meta: None,
        })
        .collect()
}

fn extras(e: &guildhall_app::extras_view::ExtrasView) -> (Vec<Tag>, Vec<Mention>) {
    let tags = e.tags.iter().map(|t| Tag { name: t.name.clone(), url: t.url.clone() }).collect();
    let mentions = e
        .mentions
        .iter()
        .map(|m| Mention { id: String::new(), username: m.username.clone(), url: m.url.clone(), acct: m.acct.clone() })
        .collect();
    (tags, mentions)
}

/// A discussion's poll as a Mastodon poll (its id is the discussion's status id).
pub fn poll(id: StatusId, p: &PollView) -> Poll {
    let votes: Option<u64> = p.options.iter().map(|o| o.votes.map(|v| v.max(0) as u64)).sum();
    Poll {
        id: id.to_string(),
        expires_at: p.closes_at.map(time),
        expired: p.closed,
        multiple: p.kind == guildhall_domain::poll::PollKind::Multiple,
        votes_count: votes.unwrap_or(0),
        voters_count: p.voters_count.map(|v| v.max(0) as u64),
        options: p
            .options
            .iter()
            .map(|o| PollOption { title: o.name.clone(), votes_count: o.votes.map(|v| v.max(0) as u64) })
            .collect(),
        emojis: vec![],
        voted: Some(!p.my_choices.is_empty()),
        own_votes: Some(p.my_choices.clone()),
    }
}

/// The community a status belongs to, as needed to render it.
pub struct InCommunity<'a> {
    /// The community as the viewer sees it.
    pub community: &'a CommunityView,
    /// Its actor id when remote.
    pub ap_id: Option<&'a str>,
}

/// A discussion: its title in bold, then its body, then a mention of its community (as
/// Lemmy's posts look in Mastodon).
pub async fn discussion(
    ctx: &AppContext,
    d: &DiscussionView,
    at: &InCommunity<'_>,
    my_vote: Option<i16>,
) -> Result<Status> {
    let id = StatusId::Discussion(d.id);
    let urls = Urls::new(ctx);
    let uri = d.ap_id.clone().unwrap_or_else(|| urls.discussion(d.id).to_string());
    let group = group(ctx, at.community, at.ap_id);
    let content = if d.deleted {
        String::new()
    } else {
        format!(
            "<p><strong>{}</strong></p>{}<p><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></p>",
            escape(&d.title),
            d.body_html,
            escape(&group.url),
            escape(&group.username)
        )
    };
    let (tags, mut mentions) = extras(&d.extras);
    mentions.push(Mention {
        id: group.id.clone(),
        username: group.username.clone(),
        url: group.url.clone(),
        acct: group.acct.clone(),
    });
    Ok(Status {
        id: id.to_string(),
        url: Some(format!("{}/discussions/{}", ctx.instance().base_url(), d.id)),
        uri,
        created_at: time(d.created_at),
        edited_at: d.edited_at.map(time),
        account: author(ctx, &d.author).await?,
        content,
        visibility: visibility(d.members_only, at.community.visibility),
        sensitive: d.extras.sensitive,
        spoiler_text: d.extras.spoiler_text.clone(),
        media_attachments: media(ctx, &d.extras, id),
        application: None,
        mentions,
        tags,
        emojis: vec![],
        reblogs_count: 0,
        favourites_count: d.upvotes.max(0) as u64,
        replies_count: d.reply_count.max(0) as u64,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        reblog: None,
        poll: d.poll.as_ref().map(|p| poll(id, p)),
        card: None,
        language: None,
        text: None,
        favourited: my_vote.map(|v| v > 0),
        reblogged: my_vote.map(|_| false),
        muted: my_vote.map(|_| false),
        bookmarked: my_vote.map(|_| false),
        pinned: my_vote.map(|_| d.pinned),
        filtered: vec![],
    })
}

/// A reply; `parent` is the status it answers and `parent_account` its author's id.
pub async fn reply(
    ctx: &AppContext,
    r: &ReplyView,
    at: &InCommunity<'_>,
    members_only: bool,
    parent_account: Option<String>,
    my_vote: Option<i16>,
) -> Result<Status> {
    let id = StatusId::Reply(r.id);
    let urls = Urls::new(ctx);
    let uri = r.ap_id.clone().unwrap_or_else(|| urls.reply(r.id).to_string());
    let parent = match r.parent_id {
        Some(p) => StatusId::Reply(p),
        None => StatusId::Discussion(r.discussion_id),
    };
    let (tags, mentions) = extras(&r.extras);
    Ok(Status {
        id: id.to_string(),
        url: Some(format!("{}/discussions/{}#reply-{}", ctx.instance().base_url(), r.discussion_id, r.id)),
        uri,
        created_at: time(r.created_at),
        edited_at: r.edited_at.map(time),
        account: author(ctx, &r.author).await?,
        content: if r.deleted { String::new() } else { r.body_html.clone() },
        visibility: visibility(members_only, at.community.visibility),
        sensitive: r.extras.sensitive,
        spoiler_text: r.extras.spoiler_text.clone(),
        media_attachments: media(ctx, &r.extras, id),
        application: None,
        mentions,
        tags,
        emojis: vec![],
        reblogs_count: 0,
        favourites_count: r.upvotes.max(0) as u64,
        replies_count: 0,
        in_reply_to_id: Some(parent.to_string()),
        in_reply_to_account_id: parent_account,
        reblog: None,
        poll: None,
        card: None,
        language: None,
        text: None,
        favourited: my_vote.map(|v| v > 0),
        reblogged: my_vote.map(|_| false),
        muted: my_vote.map(|_| false),
        bookmarked: my_vote.map(|_| false),
        pinned: None,
        filtered: vec![],
    })
}

/// Whether the viewer follows (is a member of) a community, as Mastodon's relationship says.
pub fn following(role: CommunityRole) -> (bool, bool) {
    (role.is_member(), role == CommunityRole::Pending)
}

/// A post (discussion or reply) as a status.
pub async fn post(ctx: &AppContext, p: &guildhall_app::posts::Post) -> Result<Status> {
    let at = InCommunity { community: &p.community, ap_id: p.community_ap_id.as_deref() };
    match &p.body {
        guildhall_app::posts::PostBody::Discussion(d) => discussion(ctx, d, &at, p.my_vote).await,
        guildhall_app::posts::PostBody::Reply(r) => {
            let parent = p.parent_author_id.map(|id| AccountId::Person(id).to_string());
            reply(ctx, r, &at, p.members_only, parent, p.my_vote).await
        }
    }
}

/// An event as a read-only status from its community's group account: its title, when (in
/// the viewer's time zone when they chose one), where, the description, and links to its
/// page (where people RSVP: Mastodon's API has no way to) and its `.ics` file.
pub fn event(ctx: &AppContext, ep: &EventPost, signed_in: bool) -> Status {
    let e = &ep.event;
    let id = StatusId::Event(e.id);
    let group = group(ctx, &ep.community, ep.community_ap_id.as_deref());
    let uri = ep.ap_id.clone().unwrap_or_else(|| format!("{}/e/{}", ctx.instance().base_url(), e.id));
    let mut content = format!("<p><strong>{}</strong></p>", escape(&e.title));
    if e.status == EventStatus::Cancelled {
        content.push_str("<p><strong>Cancelled.</strong></p>");
    }
    let when = guildhall_app::events::post::when_text(e.starts_at, e.ends_at, &ep.time_zone);
    content.push_str(&format!("<p>When: {}</p>", escape(&when)));
    let place: Vec<&str> =
        [e.place_name.trim(), e.place_address.trim()].into_iter().filter(|p| !p.is_empty()).collect();
    if !place.is_empty() {
        content.push_str(&format!("<p>Where: {}</p>", escape(&place.join(", "))));
    }
    if is_web_address(&e.online_url) {
        content.push_str(&format!("<p>Online: {}</p>", link(&e.online_url, &e.online_url)));
    }
    content.push_str(&e.description_html);
    content.push_str(&format!(
        "<p>{} · {}</p>",
        link(&ep.page_url, "RSVP on the event page"),
        link(&ep.ics_url, "Add to calendar (.ics)")
    ));
    content.push_str(&format!(
        "<p><a href=\"{}\" class=\"u-url mention\">@<span>{}</span></a></p>",
        escape(&group.url),
        escape(&group.username)
    ));
    let mention = Mention {
        id: group.id.clone(),
        username: group.username.clone(),
        url: group.url.clone(),
        acct: group.acct.clone(),
    };
    let viewer_flag = signed_in.then_some(false);
    Status {
        id: id.to_string(),
        uri,
        url: Some(ep.page_url.clone()),
        created_at: time(e.created_at),
        edited_at: (e.sequence > 0).then(|| time(e.updated_at)),
        visibility: visibility(e.members_only, ep.community.visibility),
        sensitive: false,
        spoiler_text: String::new(),
        media_attachments: vec![],
        application: None,
        mentions: vec![mention],
        tags: vec![],
        emojis: vec![],
        reblogs_count: 0,
        favourites_count: e.upvotes.max(0) as u64,
        replies_count: 0,
        in_reply_to_id: None,
        in_reply_to_account_id: None,
        reblog: None,
        poll: None,
        card: None,
        language: None,
        text: None,
        favourited: viewer_flag,
        reblogged: viewer_flag,
        muted: viewer_flag,
        bookmarked: viewer_flag,
        pinned: viewer_flag,
        filtered: vec![],
        content,
        account: group,
    }
}

fn link(href: &str, text: &str) -> String {
    format!("<a href=\"{}\" rel=\"nofollow noopener\" target=\"_blank\">{}</a>", escape(href), escape(text))
}

/// A timeline entry (post or event) as a status.
pub async fn entry(ctx: &AppContext, e: &Entry, signed_in: bool) -> Result<Status> {
    match e {
        Entry::Post(p) => post(ctx, p).await,
        Entry::Event(ep) => Ok(event(ctx, ep, signed_in)),
    }
}

/// Loads one status the viewer may read and renders it (404 otherwise).
pub async fn status(ctx: &AppContext, viewer: Option<&guildhall_app::Viewer>, id: StatusId) -> Result<Status> {
    use guildhall_app::posts::{self, PostRef};
    let r = match id {
        StatusId::Discussion(d) => PostRef::Discussion(d),
        StatusId::Reply(r) => PostRef::Reply(r),
        StatusId::Event(e) => {
            let ep = guildhall_app::events::post::one(ctx, viewer, e).await?;
            return Ok(event(ctx, &ep, viewer.is_some()));
        }
    };
    post(ctx, &posts::one(ctx, viewer, r).await?).await
}
