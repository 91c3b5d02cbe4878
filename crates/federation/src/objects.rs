//! Discussions as `Page` and replies as `Note` (the shapes Lemmy, PieFed and Mbin use;
//! Mastodon shows a `Page` as a post with its title and link).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::NoteType;
use activitypub_federation::protocol::helpers::{deserialize_one_or_many, deserialize_skip_error};
use activitypub_federation::traits::Object;
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::{account, community, discussion, reply};
use guildhall_app::inbound::{self, IncomingPost};
use guildhall_app::receipt::{self, Arrival};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::actors::{DbGroup, DbPerson, actor_id_of_account, actor_id_of_community};
use crate::extras::WireExtras;
use crate::urls::{Urls, require_same_origin};
use guildhall_domain::extras::PostExtras;

pub use crate::wire::{PUBLIC, Source};

/// A discussion as a `Page`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page {
    /// `Page`, or `Question` for a discussion with a poll.
    #[serde(rename = "type")]
    pub kind: crate::polls::question::PageKind,
    /// Id.
    pub id: ObjectId<DbDiscussion>,
    /// Author.
    pub attributed_to: ObjectId<DbPerson>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub(crate) to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub(crate) cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<ObjectId<DbGroup>>,
    /// What it answers, when a server sends a reply as a `Page`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<Url>,
    /// Title (Mastodon's `Question` has none: its first line is used).
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub(crate) content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    /// Markdown source; anything else (Mbin puts a link post's URL here) is not read.
    #[serde(default, deserialize_with = "deserialize_skip_error", skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<DateTime<Utc>>,
    /// Lemmy: pinned in the community.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    stickied: Option<bool>,
    /// Lemmy: locked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comments_enabled: Option<bool>,
    /// The replies collection (a URL, or Mastodon's embedded `Collection`); read by backfill.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) replies: Option<Box<serde_json::Value>>,
    /// A `Question`'s poll (`oneOf`/`anyOf`, `endTime`, `closed`, `votersCount`).
    #[serde(flatten)]
    pub poll: crate::polls::question::QuestionFields,
    /// Content warning, sensitive, attachments, image and tags.
    #[serde(flatten)]
    pub extras: WireExtras,
    /// Sent as a `Note` (a top-level Mastodon post): its `summary` is a content warning.
    #[serde(skip)]
    pub(crate) from_note: bool,
}

/// How many addressees of a `Page` are tried as its community (each may cost a fetch).
const COMMUNITY_CANDIDATES: usize = 3;

impl Page {
    /// Where this Page may be posted: `audience` first, then the `to`/`cc` entries that are
    /// neither the public nor a followers collection (a person may come first: mentions).
    pub fn community_candidates(&self) -> Vec<Url> {
        let mut out: Vec<Url> = self.audience.iter().map(|a| a.inner().clone()).collect();
        for u in self.to.iter().chain(self.cc.iter()) {
            if u.as_str() != PUBLIC && !u.path().ends_with("/followers") && !out.contains(u) {
                out.push(u.clone());
            }
        }
        out.truncate(COMMUNITY_CANDIDATES);
        out
    }

    /// This `Page` as the `Note` it would be: a `Page` that answers something is a reply.
    fn into_note(self) -> Note {
        Note {
            kind: NoteType::Note,
            id: ObjectId::from(self.id.into_inner()),
            attributed_to: self.attributed_to,
            to: self.to,
            cc: self.cc,
            audience: self.audience,
            in_reply_to: self.in_reply_to,
            name: None,
            content: self.content,
            media_type: self.media_type,
            source: self.source,
            published: self.published,
            updated: self.updated,
            extras: self.extras,
        }
    }

    /// What it carries besides its text. `summary` is a content warning on what Mastodon,
    /// Misskey and GoToSocial send (`Note`, `Question`), and on a `Page` marked `sensitive`
    /// (Guildhall sends a local author's warning so, as a warning always marks the post
    /// sensitive); on any other `Page` (Mbin: title and tags) or an `Article` (Ghost: the
    /// excerpt) it is not.
    pub fn extras(&self) -> PostExtras {
        use crate::polls::question::PageKind;
        let sensitive_page = self.kind == PageKind::Page && self.extras.sensitive == Some(true);
        self.extras.to_domain(self.from_note || self.kind == PageKind::Question || sensitive_page)
    }
}

/// A reply as a `Note`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    #[serde(rename = "type")]
    kind: NoteType,
    /// Id.
    pub id: ObjectId<DbReply>,
    /// Author.
    pub attributed_to: ObjectId<DbPerson>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub(crate) to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    pub(crate) cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<ObjectId<DbGroup>>,
    /// The discussion or reply answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<Url>,
    /// A poll vote's option (Mastodon); absent on replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub(crate) content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    /// Markdown source; anything else (Mbin puts a link post's URL here) is not read.
    #[serde(default, deserialize_with = "deserialize_skip_error", skip_serializing_if = "Option::is_none")]
    source: Option<Source>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<DateTime<Utc>>,
    /// Content warning, sensitive, attachments and tags.
    #[serde(flatten)]
    pub extras: WireExtras,
}

fn markdown_source(source: Option<Source>) -> Option<String> {
    source.filter(|s| s.media_type.eq_ignore_ascii_case("text/markdown")).map(|s| s.content)
}

/// What a received `Note` says, for the use cases (a reply to an event).
fn incoming_post(note: Note) -> IncomingPost {
    IncomingPost {
        ap_id: note.id.inner().to_string(),
        title: None,
        members_only: !crate::addressing::is_public(&note.to, &note.cc),
        source: markdown_source(note.source),
        extras: note.extras.to_domain(true),
        html: note.content,
        published: note.published,
    }
}

/// A discussion (local or remote) as a federated object.
#[derive(Clone, Debug)]
pub struct DbDiscussion {
    /// The stored discussion.
    pub model: discussion::Model,
    /// Its ActivityPub id.
    pub id: Url,
}

/// The ActivityPub id of a discussion.
pub fn discussion_id(d: &discussion::Model, urls: &Urls) -> Url {
    d.ap_id.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or_else(|| urls.discussion(d.id))
}

/// The ActivityPub id of a reply.
pub fn reply_id(r: &reply::Model, urls: &Urls) -> Url {
    r.ap_id.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or_else(|| urls.reply(r.id))
}

async fn author_and_community(
    ctx: &AppContext,
    author_id: i64,
    community_id: i64,
) -> Result<(account::Model, community::Model), Error> {
    let a = guildhall_app::lookup::account(ctx, author_id).await?.ok_or(Error::NotFound)?;
    let c = guildhall_app::lookup::community(ctx, community_id).await?.ok_or(Error::NotFound)?;
    Ok((a, c))
}

/// Builds the `Page` for a discussion.
pub async fn page_of(ctx: &AppContext, d: &discussion::Model) -> Result<Page, Error> {
    let urls = Urls::new(ctx);
    let (a, c) = author_and_community(ctx, d.author_id, d.community_id).await?;
    let group = actor_id_of_community(&c, &urls);
    // Members-only content names the followers collection where others name the public.
    let public = match crate::addressing::is_private(&c, d.members_only) {
        true => crate::addressing::followers_of(&c, &urls),
        false => Url::parse(PUBLIC)?,
    };
    let (kind, poll) = crate::polls::question::question_fields(ctx, d).await?;
    Ok(Page {
        kind,
        id: discussion_id(d, &urls).into(),
        attributed_to: actor_id_of_account(&a, &urls).into(),
        to: vec![group.clone(), public],
        cc: vec![],
        audience: Some(group.into()),
        in_reply_to: None,
        name: d.title.clone(),
        content: d.body_html.clone(),
        media_type: Some("text/html".into()),
        source: (!d.body_source.is_empty())
            .then(|| Source { content: d.body_source.clone(), media_type: "text/markdown".into() }),
        published: Some(d.created_at),
        updated: d.edited_at,
        stickied: Some(d.pinned),
        comments_enabled: Some(!d.locked),
        // Served for the discussions that started here (others' are listed by their server).
        replies: d.ap_id.is_none().then(|| Box::new(urls.sub(&urls.discussion(d.id), "replies").as_str().into())),
        poll,
        extras: WireExtras::of(&d.extras()),
        from_note: false,
    })
}

/// Stores a remote `Page` through the same use case as every other post.
pub async fn receive_page(
    page: Page,
    data: &Data<AppContext>,
    arrival: Arrival,
) -> Result<Option<discussion::Model>, Error> {
    if page.in_reply_to.is_some() {
        receive_note(page.into_note(), data, arrival).await?;
        return Ok(None);
    }
    let mut group = None;
    for url in page.community_candidates() {
        match ObjectId::<DbGroup>::from(url.clone()).dereference(data).await {
            Ok(g) => {
                group = Some(g);
                break;
            }
            Err(e) => tracing::debug!(candidate = %url, error = %e, "a Page's addressee is not a community"),
        }
    }
    let group = group.ok_or_else(|| Error::BadRequest("the Page names no community we can find".into()))?;
    let author: DbPerson = page.attributed_to.dereference(data).await?;
    let poll = page.poll.remote_poll();
    let extras = page.extras();
    let title = match page.name.trim() {
        "" => crate::polls::question::title_of(&page.content),
        _ => page.name,
    };
    let post = IncomingPost {
        extras,
        ap_id: page.id.inner().to_string(),
        title: Some(title),
        source: markdown_source(page.source),
        html: page.content,
        published: page.published,
        members_only: !crate::addressing::is_public(&page.to, &page.cc),
    };
    let ap_id = post.ap_id.clone();
    let ctx = data.app_data();
    let stored = inbound::receive_discussion(ctx, &group.model, &author.model, post, arrival).await?;
    if let Some(poll) = poll
        && let Some(d) = guildhall_app::lookup::discussion_by_ap_id(ctx, &ap_id).await?
    {
        guildhall_app::polls::receive_remote_poll(ctx, &d, &author.model, poll, Arrival::Relayed).await?;
    }
    Ok(stored)
}

#[async_trait::async_trait]
impl Object for DbDiscussion {
    type DataType = AppContext;
    type Kind = Page;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(id: Url, data: &Data<AppContext>) -> Result<Option<Self>, Error> {
        let ctx = data.app_data();
        let found = if crate::urls::is_local(data, &id) {
            match crate::urls::local_number(&id, "/d/") {
                Some(n) => guildhall_app::lookup::discussion(ctx, n).await?.filter(|d| d.ap_id.is_none()),
                None => None,
            }
        } else {
            guildhall_app::lookup::discussion_by_ap_id(ctx, id.as_str()).await?
        };
        Ok(found.map(|model| DbDiscussion { model, id }))
    }

    fn is_deleted(&self) -> bool {
        self.model.deleted_at.is_some()
    }

    async fn into_json(self, data: &Data<AppContext>) -> Result<Page, Error> {
        page_of(data.app_data(), &self.model).await
    }

    async fn verify(json: &Page, expected_domain: &Url, _data: &Data<AppContext>) -> Result<(), Error> {
        require_same_origin(json.id.inner(), expected_domain, "Page id")?;
        // The author must be on the Page's own server: `url` or `attributedTo` elsewhere never
        // confers authority (Misskey CVE-2025-25306).
        require_same_origin(json.attributed_to.inner(), json.id.inner(), "Page attributedTo")
    }

    async fn from_json(json: Page, data: &Data<AppContext>) -> Result<Self, Error> {
        let id = json.id.inner().clone();
        // Fetched (a parent, or what an Announce names by URL): stored on its own.
        match receipt::outside(receive_page(json, data, Arrival::Relayed)).await? {
            Some(model) => Ok(DbDiscussion { model, id }),
            None => Self::read_from_id(id, data).await?.ok_or(Error::NotFound),
        }
    }
}

/// A reply (local or remote) as a federated object.
#[derive(Clone, Debug)]
pub struct DbReply {
    /// The stored reply.
    pub model: reply::Model,
    /// Its ActivityPub id.
    pub id: Url,
}

/// Builds the `Note` for a reply.
pub async fn note_of(ctx: &AppContext, r: &reply::Model) -> Result<Note, Error> {
    let urls = Urls::new(ctx);
    let d = guildhall_app::lookup::discussion(ctx, r.discussion_id).await?.ok_or(Error::NotFound)?;
    let (a, c) = author_and_community(ctx, r.author_id, d.community_id).await?;
    let group = actor_id_of_community(&c, &urls);
    let in_reply_to = match r.parent_id {
        Some(pid) => {
            let p = guildhall_app::lookup::reply(ctx, pid).await?.ok_or(Error::NotFound)?;
            reply_id(&p, &urls)
        }
        None => discussion_id(&d, &urls),
    };
    let public = match crate::addressing::is_private(&c, d.members_only) {
        true => crate::addressing::followers_of(&c, &urls),
        false => Url::parse(PUBLIC)?,
    };
    Ok(Note {
        kind: NoteType::Note,
        id: reply_id(r, &urls).into(),
        attributed_to: actor_id_of_account(&a, &urls).into(),
        to: vec![public],
        cc: vec![group.clone()],
        audience: Some(group.into()),
        in_reply_to: Some(in_reply_to),
        name: None,
        content: r.body_html.clone(),
        media_type: Some("text/html".into()),
        source: (!r.body_source.is_empty())
            .then(|| Source { content: r.body_source.clone(), media_type: "text/markdown".into() }),
        published: Some(r.created_at),
        updated: r.edited_at,
        extras: WireExtras::of(&r.extras()),
    })
}

/// What a `Note` answers: a discussion, or a reply in one.
pub enum Parent {
    /// The discussion itself.
    Discussion(discussion::Model),
    /// A reply in the discussion (boxed: the two models are large beside the one).
    Reply(discussion::Model, Box<reply::Model>),
}

/// Finds (fetching if needed) what `url` points to.
pub async fn find_parent(url: &Url, data: &Data<AppContext>) -> Result<Parent, Error> {
    let ctx = data.app_data();
    if let Some(d) = DbDiscussion::read_from_id(url.clone(), data).await? {
        return Ok(Parent::Discussion(d.model));
    }
    if let Some(r) = DbReply::read_from_id(url.clone(), data).await? {
        let d = guildhall_app::lookup::discussion(ctx, r.model.discussion_id).await?.ok_or(Error::NotFound)?;
        return Ok(Parent::Reply(d, Box::new(r.model)));
    }
    if crate::urls::is_local(data, url) {
        return Err(Error::NotFound);
    }
    // Unknown remote parent: fetch it from its origin (a Page, else a Note).
    fetch_post(url, data, true).await
}

/// Fetches a remote post from its origin and stores it, trying the likelier kind first.
pub async fn fetch_post(url: &Url, data: &Data<AppContext>, page_first: bool) -> Result<Parent, Error> {
    let page = || async {
        let d: DbDiscussion = ObjectId::<DbDiscussion>::from(url.clone()).dereference(data).await?;
        Ok::<_, Error>(Parent::Discussion(d.model))
    };
    let note = || async {
        let r: DbReply = ObjectId::<DbReply>::from(url.clone()).dereference(data).await?;
        let d =
            guildhall_app::lookup::discussion(data.app_data(), r.model.discussion_id).await?.ok_or(Error::NotFound)?;
        Ok(Parent::Reply(d, Box::new(r.model)))
    };
    if page_first {
        match page().await {
            Ok(p) => Ok(p),
            Err(_) => note().await,
        }
    } else {
        match note().await {
            Ok(p) => Ok(p),
            Err(_) => page().await,
        }
    }
}

/// Stores a remote `Note` reply through the same use case as every other reply.
pub async fn receive_note(
    note: Note,
    data: &Data<AppContext>,
    arrival: Arrival,
) -> Result<Option<reply::Model>, Error> {
    let parent_url = note.in_reply_to.clone().ok_or_else(|| Error::BadRequest("Note answers nothing".into()))?;
    // Mastodon users answer an event it shows as a post: kept with the event.
    if let Some(e) = crate::events::replies::event_of(&parent_url, data).await? {
        receive_event_reply(e, note, data, arrival).await?;
        return Ok(None);
    }
    let parent = find_parent(&parent_url, data).await?;
    let author: DbPerson = note.attributed_to.dereference(data).await?;
    let post = IncomingPost {
        extras: note.extras.to_domain(true),
        ap_id: note.id.inner().to_string(),
        title: None,
        source: markdown_source(note.source),
        html: note.content,
        published: note.published,
        members_only: !crate::addressing::is_public(&note.to, &note.cc),
    };
    let ctx = data.app_data();
    Ok(match parent {
        Parent::Discussion(d) => inbound::receive_reply(ctx, &d, None, &author.model, post, arrival).await?,
        Parent::Reply(d, r) => inbound::receive_reply(ctx, &d, Some(&r), &author.model, post, arrival).await?,
    })
}

/// Stores a reply to the event `e`; `arrival` says whether a local community relays it.
async fn receive_event_reply(
    e: guildhall_app::entities::event::Model,
    note: Note,
    data: &Data<AppContext>,
    arrival: Arrival,
) -> Result<(), Error> {
    let author: DbPerson = note.attributed_to.dereference(data).await?;
    let post = incoming_post(note);
    guildhall_app::events::replies::receive(data.app_data(), &e, &author.model, post, arrival).await?;
    Ok(())
}

#[async_trait::async_trait]
impl Object for DbReply {
    type DataType = AppContext;
    type Kind = Note;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(id: Url, data: &Data<AppContext>) -> Result<Option<Self>, Error> {
        let ctx = data.app_data();
        let found = if crate::urls::is_local(data, &id) {
            match crate::urls::local_number(&id, "/r/") {
                Some(n) => guildhall_app::lookup::reply(ctx, n).await?.filter(|r| r.ap_id.is_none()),
                None => None,
            }
        } else {
            guildhall_app::lookup::reply_by_ap_id(ctx, id.as_str()).await?
        };
        Ok(found.map(|model| DbReply { model, id }))
    }

    fn is_deleted(&self) -> bool {
        self.model.deleted_at.is_some()
    }

    async fn into_json(self, data: &Data<AppContext>) -> Result<Note, Error> {
        note_of(data.app_data(), &self.model).await
    }

    async fn verify(json: &Note, expected_domain: &Url, _data: &Data<AppContext>) -> Result<(), Error> {
        require_same_origin(json.id.inner(), expected_domain, "Note id")?;
        require_same_origin(json.attributed_to.inner(), json.id.inner(), "Note attributedTo")
    }

    async fn from_json(json: Note, data: &Data<AppContext>) -> Result<Self, Error> {
        let id = json.id.inner().clone();
        // Fetched (a parent, or what an Announce names by URL): stored on its own.
        match receipt::outside(receive_note(json, data, Arrival::Relayed)).await? {
            Some(model) => Ok(DbReply { model, id }),
            None => Self::read_from_id(id, data).await?.ok_or(Error::NotFound),
        }
    }
}
