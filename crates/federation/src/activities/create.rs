//! `Create` of a `Page` (a new discussion) or a `Note` (a reply; or, from Mastodon, a post
//! that mentions a community without answering anything, which starts a discussion).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::CreateType;
use activitypub_federation::protocol::helpers::deserialize_one_or_many;
use activitypub_federation::traits::Activity;
use guildhall_app::AppContext;
use guildhall_app::receipt::Arrival;
use serde::{Deserialize, Serialize};
use url::Url;

use super::relay::announce;
use crate::actors::{actor_id_of_account, actor_id_of_community};
use crate::objects::{note_of, page_of};
use crate::plan::{Planned, account, community, inbox_of_community, new_id, with_context, with_guild_inboxes};
use crate::urls::Urls;
use chrono::{DateTime, Utc};
use guildhall_app::outbox::Sender;
use serde_json::Value;

use crate::Error;
use crate::actors::DbPerson;
use crate::objects::{Note, Page, receive_note, receive_page};
use crate::urls::require_same_origin;

/// What a Create carries.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Post {
    /// A discussion.
    Page(Page),
    /// A reply.
    Note(Note),
}

/// `Create{Page|Note}`.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Create {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    pub(crate) kind: CreateType,
    /// The author.
    pub actor: ObjectId<DbPerson>,
    /// The post.
    pub object: Post,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    to: Vec<Url>,
    #[serde(default, deserialize_with = "deserialize_one_or_many")]
    cc: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audience: Option<Url>,
}

impl Create {
    /// A new Create addressed to a community and the public.
    pub fn new(id: Url, actor: Url, object: Post, community: Url) -> Self {
        let public = Url::parse(crate::wire::PUBLIC).expect("static URL");
        Create {
            id,
            kind: CreateType::Create,
            actor: actor.into(),
            object,
            to: vec![community.clone(), public],
            cc: vec![],
            audience: Some(community),
        }
    }

    fn post_id(&self) -> &Url {
        match &self.object {
            Post::Page(p) => p.id.inner(),
            Post::Note(n) => n.id.inner(),
        }
    }

    fn author(&self) -> &Url {
        match &self.object {
            Post::Page(p) => p.attributed_to.inner(),
            Post::Note(n) => n.attributed_to.inner(),
        }
    }

    /// Whether the activity or its object is addressed to the public.
    pub fn is_public(&self) -> bool {
        let (to, cc) = match &self.object {
            Post::Page(p) => (p.to.as_slice(), p.cc.as_slice()),
            Post::Note(n) => (n.to.as_slice(), n.cc.as_slice()),
        };
        crate::addressing::is_public(&self.to, &self.cc) && crate::addressing::is_public(to, cc)
    }

    /// Checks without side effects that the sender wrote what it creates.
    pub fn check(&self) -> Result<(), Error> {
        if self.author() != self.actor.inner() {
            return Err(Error::BadRequest("the actor is not the author of the object".into()));
        }
        require_same_origin(self.post_id(), self.actor.inner(), "object id")
    }

    /// Stores the post, sent straight to us: a local community relays it.
    pub async fn receive_direct(self, data: &Data<AppContext>) -> Result<(), Error> {
        match self.object {
            Post::Page(page) => {
                receive_page(page, data, Arrival::Direct).await?;
            }
            // Mastodon's poll vote: counted, never stored as a reply.
            Post::Note(note) if crate::polls::votes::is_vote(&note) => {
                crate::polls::votes::receive_vote(note, data).await?
            }
            Post::Note(note) if note.in_reply_to.is_some() => {
                receive_note(note, data, Arrival::Direct).await?;
            }
            Post::Note(note) => {
                // A Mastodon post mentioning a community starts a discussion there.
                let page = note_as_page(note, &self.to, &self.cc, data)?;
                receive_page(page, data, Arrival::Direct).await?;
            }
        }
        Ok(())
    }
}

/// Turns a top-level Mastodon `Note` into a discussion: the first line is the title.
fn note_as_page(note: Note, to: &[Url], cc: &[Url], data: &Data<AppContext>) -> Result<Page, Error> {
    let community = note
        .audience
        .as_ref()
        .map(|a| a.inner().clone())
        .or_else(|| {
            to.iter().chain(cc.iter()).find(|u| crate::urls::is_local(data, u) && u.path().starts_with("/c/")).cloned()
        })
        .ok_or_else(|| Error::BadRequest("the Note addresses no community of ours".into()))?;
    let mut json = serde_json::to_value(&note)?;
    let text = crate::wire::strip_html(json.get("content").and_then(|c| c.as_str()).unwrap_or_default());
    let title: String =
        text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("(untitled)").chars().take(200).collect();
    if let Some(obj) = json.as_object_mut() {
        obj.insert("type".into(), "Page".into());
        obj.insert("name".into(), title.into());
        obj.insert("audience".into(), community.as_str().into());
    }
    let mut page: Page = serde_json::from_value(json)?;
    page.from_note = true;
    Ok(page)
}

/// A local member started a discussion: see [`post_created`].
pub(crate) async fn plan_discussion(
    ctx: &AppContext,
    urls: &Urls,
    discussion_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Some(d) = guildhall_app::lookup::discussion(ctx, discussion_id).await? else { return Ok(vec![]) };
    let page = page_of(ctx, &d).await?;
    let object = serde_json::to_value(&page)?;
    post_created(ctx, urls, d.author_id, d.community_id, Post::Page(page), object, as_of).await
}

/// A local member replied: see [`post_created`].
pub(crate) async fn plan_reply(
    ctx: &AppContext,
    urls: &Urls,
    reply_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Some(r) = guildhall_app::lookup::reply(ctx, reply_id).await? else { return Ok(vec![]) };
    let d = guildhall_app::lookup::discussion(ctx, r.discussion_id).await?.ok_or(Error::NotFound)?;
    let note = note_of(ctx, &r).await?;
    let object = serde_json::to_value(&note)?;
    post_created(ctx, urls, r.author_id, d.community_id, Post::Note(note), object, as_of).await
}

/// A local member's new post: to a local community's followers (as the community's
/// Announce, FEP-1b12), or to a remote community's inbox (as the author's Create).
async fn post_created(
    ctx: &AppContext,
    urls: &Urls,
    author_id: i64,
    community_id: i64,
    post: Post,
    object: Value,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let (a, c) = (account(ctx, author_id).await?, community(ctx, community_id).await?);
    if !a.domain.is_empty() {
        return Ok(vec![]);
    }
    let author = actor_id_of_account(&a, urls);
    let group = actor_id_of_community(&c, urls);
    let create = Create::new(new_id(ctx)?, author.clone(), post, group);
    let create_json = with_context(&create)?;
    let create_plan = |inboxes| Planned {
        id: create.id.clone(),
        kind: "Create",
        actor: author.clone(),
        json: create_json.clone(),
        sender: Sender::Account(a.id),
        inboxes,
    };
    if !c.domain.is_empty() {
        return Ok(vec![create_plan(inbox_of_community(&c).into_iter().collect())]);
    }
    // Approved members' servers only (pending members get nothing); private content is
    // addressed to the followers collection by `expand`.
    let mut inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    with_guild_inboxes(ctx, &c, &object, &mut inboxes, as_of).await?;
    if inboxes.is_empty() {
        return Ok(vec![create_plan(vec![])]);
    }
    // Announce{Create} for FEP-1b12 software, and a plain Announce of the object for Mastodon.
    let wrapped = announce(ctx, urls, &c, create_json.clone(), inboxes.clone())?;
    let plain = announce(ctx, urls, &c, object, inboxes)?;
    Ok(vec![create_plan(vec![]), wrapped, plain])
}

#[async_trait::async_trait]
impl Activity for Create {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        self.actor.inner()
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        self.check()
    }

    async fn receive(self, _data: &Data<AppContext>) -> Result<(), Error> {
        Err(Error::Internal("Create is received through InboxActivity".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::Create;
    use crate::wire::strip_html;
    use crate::wire::testing::round_trip_all;

    #[test]
    fn every_vendors_creates_round_trip() {
        assert!(round_trip_all::<Create>("create_page", &[]) >= 3);
        assert!(round_trip_all::<Create>("create_note_reply", &[]) >= 6);
        assert!(round_trip_all::<Create>("create_note_top", &[]) >= 3);
        assert_eq!(round_trip_all::<Create>("create_extras", &[]), 6);
        assert_eq!(round_trip_all::<Create>("create_article", &[]), 1);
        assert!(round_trip_all::<Create>("create_question", &[]) >= 1);
        assert_eq!(round_trip_all::<Create>("vote", &[]), 1);
        assert_eq!(round_trip_all::<Create>("question", &[]), 1);
    }

    #[test]
    fn html_to_text() {
        assert_eq!(strip_html("<p>Hello <a href=\"x\">@ux</a> &amp; all</p><p>more</p>"), "Hello @ux & all\nmore\n");
    }
}
