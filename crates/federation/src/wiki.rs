//! Community wiki pages as `Article`s attributed to their community (the `Group`): the
//! community sends `Create{Article}` for a new page and `Update{Article}` for each revision to
//! its followers, so other servers keep a current, read-only copy. Served at `/w/{id}`.

use activitypub_federation::axum::json::FederationJson;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::object::ArticleType;
use activitypub_federation::protocol::context::WithContext;
use axum::extract::Path;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::outbox::Outgoing;
use guildhall_app::outbox::Sender;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;

use crate::Error;
use crate::actors::{DbGroup, actor_id_of_community};
use crate::plan::{Planned, community, new_id, with_context};
use crate::urls::{Urls, require_same_origin};
use crate::wire::one_or_many;
use crate::wire::{PUBLIC, Source};

/// A wiki page on the wire.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Article {
    #[serde(rename = "type")]
    kind: ArticleType,
    /// Id (`/w/{id}` on its server).
    pub id: Url,
    /// The community.
    pub attributed_to: Url,
    /// The community (FEP-1b12; on the community's own pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Url>,
    /// The public, or the followers of a private community (on its own pages).
    #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<Url>,
    /// The community's followers (on its own pages).
    #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Url>,
    /// Title.
    pub name: String,
    /// HTML.
    #[serde(default)]
    pub content: String,
    /// `text/html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Markdown source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Created (on the community's own pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// Last revised (on the community's own pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<DateTime<Utc>>,
    /// A member's edit: the revision it started from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_revision: Option<i32>,
    /// A member's edit: what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_summary: Option<String>,
}

/// `Create{Article}` (a new page) or `Update{Article}` (a new revision), by the community.
/// Read only when the `Article` is a wiki page (see [`is_wiki_page`]): a person's `Article`
/// (Ghost, WordPress, Fedify blogs) is a discussion.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(try_from = "WikiActivityFields")]
pub struct WikiActivity {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: WikiKind,
    /// The community.
    pub actor: Url,
    /// The page.
    pub object: Article,
}

/// The fields of a [`WikiActivity`], before [`is_wiki_page`] says it is one.
#[derive(Deserialize)]
struct WikiActivityFields {
    id: Url,
    #[serde(rename = "type")]
    kind: WikiKind,
    actor: Url,
    object: Article,
}

/// A community's own page is attributed to the community that is its `audience`; a member's
/// proposed edit names the revision it started from. Blog posts do neither.
fn is_wiki_page(a: &Article) -> bool {
    a.audience.as_ref() == Some(&a.attributed_to) || a.base_revision.is_some()
}

/// Whether `activity` is a community's `Create`/`Update` of a wiki page (not a blog post).
pub(crate) fn is_wiki_activity(activity: &Value) -> bool {
    serde_json::from_value::<WikiActivityFields>(activity.clone()).is_ok_and(|f| is_wiki_page(&f.object))
}

impl TryFrom<WikiActivityFields> for WikiActivity {
    type Error = &'static str;

    fn try_from(f: WikiActivityFields) -> Result<Self, Self::Error> {
        if !is_wiki_page(&f.object) {
            return Err("an Article that is not a community's wiki page");
        }
        Ok(WikiActivity { id: f.id, kind: f.kind, actor: f.actor, object: f.object })
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum WikiKind {
    Create,
    Update,
}

/// A wiki activity as we send it: the community's `Create`/`Update{Article}` to its followers,
/// or a member's proposed edit (`Update`) to the page's community (no `cc`).
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentWikiActivity {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: WikiKind,
    /// The community, or the editor.
    pub actor: Url,
    /// As the page's own `to`, or the community.
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<Url>,
    /// As the page's own `cc`.
    #[serde(default, deserialize_with = "one_or_many", skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Url>,
    /// The community.
    pub audience: Url,
    /// The page.
    pub object: Article,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
enum RejectKind {
    Reject,
}

/// A member's edit as a refusal names it: by id, with its editor and page.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct EditRef {
    /// The edit's `Update` id.
    pub id: String,
    #[serde(rename = "type")]
    kind: WikiKind,
    /// The editor.
    pub actor: Url,
    /// The page.
    pub object: Url,
}

/// The community's `Reject` of a remote member's edit, to the editor, with the reason.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct SentEditRefusal {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: RejectKind,
    /// The community.
    pub actor: Url,
    /// The editor.
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<Url>,
    /// The edit refused.
    pub object: EditRef,
    /// The reason.
    pub summary: String,
    /// The reason as HTML.
    pub content: String,
}

fn article_url(ctx: &AppContext, id: i64) -> Result<Url, Error> {
    Ok(Url::parse(&format!("{}/w/{id}", ctx.instance().base_url()))?)
}

/// The `Article` of a local community's page.
async fn article_json(ctx: &AppContext, urls: &Urls, page_id: i64) -> Result<Option<(Article, i32, i64)>, Error> {
    let Some(page) = guildhall_app::lookup::wiki_page(ctx, page_id).await? else { return Ok(None) };
    let c = community(ctx, page.community_id).await?;
    if !c.domain.is_empty() || page.ap_id.is_some() {
        return Ok(None);
    }
    let Some(rev) = guildhall_app::lookup::wiki_revision(ctx, page.id, page.revision).await? else { return Ok(None) };
    let group = actor_id_of_community(&c, urls);
    let public = match crate::addressing::is_private(&c, false) {
        true => crate::addressing::followers_of(&c, urls),
        false => Url::parse(PUBLIC)?,
    };
    let article = Article {
        kind: ArticleType::Article,
        id: article_url(ctx, page.id)?,
        attributed_to: group.clone(),
        audience: Some(group),
        to: vec![public],
        cc: vec![crate::addressing::followers_of(&c, urls)],
        name: page.title,
        content: guildhall_app::markdown::render(&rev.body),
        media_type: Some("text/html".into()),
        source: Some(Source::markdown(rev.body)),
        published: Some(page.created_at),
        updated: Some(page.updated_at),
        base_revision: None,
        edit_summary: None,
    };
    Ok(Some((article, page.revision, c.id)))
}

/// The community's `Create`/`Update{Article}` for a page's latest revision, to its followers.
pub(crate) async fn plan(
    ctx: &AppContext,
    urls: &Urls,
    page_id: i64,
    as_of: DateTime<Utc>,
) -> Result<Vec<Planned>, Error> {
    let Some((article, revision, community_id)) = article_json(ctx, urls, page_id).await? else { return Ok(vec![]) };
    let c = community(ctx, community_id).await?;
    let group = actor_id_of_community(&c, urls);
    let id = new_id(ctx)?;
    let activity = SentWikiActivity {
        id: id.clone(),
        kind: if revision == 1 { WikiKind::Create } else { WikiKind::Update },
        actor: group.clone(),
        to: article.to.clone(),
        cc: article.cc.clone(),
        audience: group.clone(),
        object: article,
    };
    let inboxes = guildhall_app::lookup::follower_inboxes(ctx, c.id, as_of).await?;
    Ok(vec![Planned {
        id,
        kind: if revision == 1 { "Create" } else { "Update" },
        actor: group,
        json: with_context(activity)?,
        sender: Sender::Community(c.id),
        inboxes,
    }])
}

/// A local member's edit of another server's page: `Update{Article}` by the member, with the
/// base revision, to the page's community (which applies its rules and sends the revision).
pub(crate) async fn plan_edit(ctx: &AppContext, urls: &Urls, intent: &Outgoing) -> Result<Vec<Planned>, Error> {
    let Outgoing::WikiEditProposed { page_id, account_id, base_revision, title, body, summary } = intent else {
        return Ok(vec![]);
    };
    let Some(page) = guildhall_app::lookup::wiki_page(ctx, *page_id).await? else { return Ok(vec![]) };
    let (Some(ap_id), c) = (page.ap_id.clone(), community(ctx, page.community_id).await?) else { return Ok(vec![]) };
    let editor = crate::plan::account(ctx, *account_id).await?;
    let actor = crate::actors::actor_id_of_account(&editor, urls);
    let group = actor_id_of_community(&c, urls);
    let id = new_id(ctx)?;
    let activity = SentWikiActivity {
        id: id.clone(),
        kind: WikiKind::Update,
        actor: actor.clone(),
        to: vec![group.clone()],
        cc: vec![],
        audience: group.clone(),
        object: proposed_edit(Url::parse(&ap_id)?, group, title, body, *base_revision, summary),
    };
    Ok(vec![Planned {
        id,
        kind: "Update",
        actor,
        json: with_context(activity)?,
        sender: Sender::Account(editor.id),
        inboxes: crate::plan::inbox_of_community(&c).into_iter().collect(),
    }])
}

/// The community's `Reject` of a remote member's edit that its rules refused: the edit's
/// `Update` (by id, with its actor and page) as `object`, the reason as `summary` and
/// `content`, to the editor only.
pub(crate) async fn plan_refusal(ctx: &AppContext, urls: &Urls, intent: &Outgoing) -> Result<Vec<Planned>, Error> {
    let Outgoing::WikiEditRefused { page_id, account_id, edit_ap_id, reason } = intent else { return Ok(vec![]) };
    let Some(page) = guildhall_app::lookup::wiki_page(ctx, *page_id).await? else { return Ok(vec![]) };
    let c = community(ctx, page.community_id).await?;
    let editor = crate::plan::account(ctx, *account_id).await?;
    let Some(inbox) = editor.inbox_url.clone().filter(|_| !editor.domain.is_empty()) else { return Ok(vec![]) };
    let group = actor_id_of_community(&c, urls);
    let actor = crate::actors::actor_id_of_account(&editor, urls);
    let id = new_id(ctx)?;
    let activity = SentEditRefusal {
        id: id.clone(),
        kind: RejectKind::Reject,
        actor: group.clone(),
        to: vec![actor.clone()],
        object: EditRef {
            id: edit_ap_id.clone(),
            kind: WikiKind::Update,
            actor: actor.clone(),
            object: article_url(ctx, page.id)?,
        },
        summary: reason.clone(),
        content: format!("<p>{}</p>", escape_html(reason)),
    };
    Ok(vec![Planned {
        id,
        kind: "Reject",
        actor: group,
        json: with_context(activity)?,
        sender: Sender::Community(c.id),
        inboxes: vec![(inbox, editor.domain.clone())],
    }])
}

/// A member's edit of page `id` (of community `group`) as an `Article` with its base revision.
fn proposed_edit(id: Url, group: Url, title: &str, body: &str, base_revision: i32, summary: &str) -> Article {
    Article {
        kind: ArticleType::Article,
        id,
        attributed_to: group,
        audience: None,
        to: vec![],
        cc: vec![],
        name: title.to_owned(),
        content: guildhall_app::markdown::render(body),
        media_type: Some("text/html".into()),
        source: Some(Source::markdown(body)),
        published: None,
        updated: None,
        base_revision: Some(base_revision),
        edit_summary: Some(summary.to_owned()),
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A `Reject` whose object is one of our members' wiki edits (`Update{Article}` we sent): kept
/// for the editor with the reason, if it comes from the page's community; our copy of the page
/// stays as it is. Returns false when `edit` is not such an edit of ours.
pub(crate) async fn edit_refused(
    edit: &Url,
    actor: &Url,
    reason: Option<&str>,
    data: &Data<AppContext>,
) -> Result<bool, Error> {
    let ctx = data.app_data();
    let Some(ours) = guildhall_app::lookup::activity_by_ap_id(ctx, edit.as_str()).await? else {
        return Ok(false);
    };
    if !ours.local || ours.kind != "Update" {
        return Ok(false);
    }
    let sent: Value = serde_json::from_str(&ours.json)?;
    let object = &sent["object"];
    let (Some("Article"), Some(page), Some(editor)) =
        (object["type"].as_str(), object["id"].as_str(), sent["actor"].as_str())
    else {
        return Ok(false);
    };
    let Ok(editor) = ObjectId::<crate::actors::DbPerson>::from(Url::parse(editor)?).dereference_local(data).await
    else {
        return Ok(false);
    };
    let body = object["source"]["content"].as_str().unwrap_or_default();
    let reason = reason.unwrap_or_default();
    Ok(guildhall_app::wiki_remote::edit_refused(
        ctx,
        actor.as_str(),
        page,
        editor.model.id,
        edit.as_str(),
        reason,
        body,
    )
    .await?)
}

/// A private community's pages go to its followers collection only.
pub async fn private_audience(ctx: &AppContext, urls: &Urls, page_id: i64) -> Result<Option<Url>, Error> {
    let Some(page) = guildhall_app::lookup::wiki_page(ctx, page_id).await? else { return Ok(None) };
    let c = community(ctx, page.community_id).await?;
    Ok(crate::addressing::is_private(&c, false).then(|| crate::addressing::followers_of(&c, urls)))
}

/// `GET /w/{id}`: a local page as an `Article`; a private community's pages only for signed
/// GETs from its members and their servers, 404 for everyone else.
pub async fn serve(Path(id): Path<i64>, data: Data<AppContext>, parts: Parts) -> Result<Response, Error> {
    let ctx = data.app_data();
    let page = guildhall_app::lookup::wiki_page(ctx, id).await?.ok_or(Error::NotFound)?;
    let c = community(ctx, page.community_id).await?;
    if guildhall_domain::visibility::fetch_needs_membership(c.visibility, false)
        && !crate::signed_fetch::may_read_private(&data, &c, &parts).await?
    {
        return Err(Error::NotFound);
    }
    let (article, ..) = article_json(ctx, &Urls::new(ctx), id).await?.ok_or(Error::NotFound)?;
    Ok(FederationJson(WithContext::new_default(article)).into_response())
}

impl WikiActivity {
    /// Activity id.
    pub fn id(&self) -> &Url {
        &self.id
    }

    /// The community.
    pub fn actor(&self) -> &Url {
        &self.actor
    }

    /// A community speaks for the pages on its own server; anyone else may only propose an
    /// edit (`Update`) of one of our pages.
    pub async fn verify(&self, data: &Data<AppContext>) -> Result<(), Error> {
        if self.object.attributed_to == self.actor {
            return require_same_origin(&self.object.id, &self.actor, "Article id");
        }
        if self.kind != WikiKind::Update || !crate::urls::is_local(data, &self.object.id) {
            return Err(Error::BadRequest("a wiki page is sent by its community".into()));
        }
        Ok(())
    }

    /// Keeps the copy current (communities we know only), or applies a member's edit of one of
    /// our pages through the same rules as a local edit.
    pub async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        if self.object.attributed_to != self.actor {
            let page_id = crate::urls::local_number(&self.object.id, "/w/").ok_or(Error::NotFound)?;
            let editor: crate::actors::DbPerson =
                ObjectId::<crate::actors::DbPerson>::from(self.actor.clone()).dereference(data).await?;
            let a = self.object;
            let base = a.base_revision.ok_or_else(|| Error::BadRequest("an edit names its base revision".into()))?;
            let body = match a.source {
                Some(s) if s.media_type.eq_ignore_ascii_case("text/markdown") => s.content,
                _ => a.content,
            };
            let summary = a.edit_summary.as_deref();
            guildhall_app::wiki_remote::receive_member_edit(
                data.app_data(),
                page_id,
                &editor.model,
                &a.name,
                &body,
                summary,
                base,
                self.id.as_str(),
            )
            .await?;
            return Ok(());
        }
        let Ok(group) = ObjectId::<DbGroup>::from(self.actor.clone()).dereference_local(data).await else {
            return Ok(());
        };
        let a = self.object;
        let body = match a.source {
            Some(s) if s.media_type.eq_ignore_ascii_case("text/markdown") => s.content,
            _ => a.content,
        };
        guildhall_app::wiki::receive_remote(data.app_data(), &group.model, a.id.as_str(), &a.name, &body, None).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::wire::testing::u;
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::wire::with_context;

    #[test]
    fn wiki_activities_are_written_as_before() {
        let (id, group, page) =
            (u("https://a.example/activities/1"), u("https://a.example/c/ux"), u("https://a.example/w/3"));
        let followers = u("https://a.example/c/ux/followers");
        let t = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
        let body = "# Hi\n\nthere";
        // What `article_json` and `plan` wrote by hand.
        let article_golden = json!({
            "type": "Article",
            "id": page,
            "attributedTo": group,
            "audience": group,
            "to": [PUBLIC],
            "cc": [followers],
            "name": "Home",
            "content": guildhall_app::markdown::render(body),
            "mediaType": "text/html",
            "source": {"content": body, "mediaType": "text/markdown"},
            "published": t,
            "updated": t,
        });
        let article = Article {
            kind: ArticleType::Article,
            id: page.clone(),
            attributed_to: group.clone(),
            audience: Some(group.clone()),
            to: vec![crate::wire::public()],
            cc: vec![followers.clone()],
            name: "Home".into(),
            content: guildhall_app::markdown::render(body),
            media_type: Some("text/html".into()),
            source: Some(Source::markdown(body)),
            published: Some(t),
            updated: Some(t),
            base_revision: None,
            edit_summary: None,
        };
        assert_eq!(with_context(&article).unwrap().to_string(), with_context(&article_golden).unwrap().to_string());
        let golden = json!({
            "id": id,
            "type": "Update",
            "actor": group,
            "to": article_golden["to"].clone(),
            "cc": article_golden["cc"].clone(),
            "audience": group,
            "object": article_golden,
        });
        let sent = SentWikiActivity {
            id: id.clone(),
            kind: WikiKind::Update,
            actor: group.clone(),
            to: article.to.clone(),
            cc: article.cc.clone(),
            audience: group.clone(),
            object: article,
        };
        assert_eq!(with_context(&sent).unwrap().to_string(), with_context(golden).unwrap().to_string());

        let editor = u("https://b.example/u/bob");
        let golden = json!({
            "id": id,
            "type": "Update",
            "actor": editor,
            "to": [group],
            "audience": group,
            "object": {
                "type": "Article",
                "id": page.as_str(),
                "attributedTo": group,
                "name": "Home",
                "content": guildhall_app::markdown::render(body),
                "mediaType": "text/html",
                "source": {"content": body, "mediaType": "text/markdown"},
                "baseRevision": 4,
                "editSummary": "typo",
            },
        });
        let sent = SentWikiActivity {
            id: id.clone(),
            kind: WikiKind::Update,
            actor: editor.clone(),
            to: vec![group.clone()],
            cc: vec![],
            audience: group.clone(),
            object: proposed_edit(page.clone(), group.clone(), "Home", body, 4, "typo"),
        };
        assert_eq!(with_context(&sent).unwrap().to_string(), with_context(golden).unwrap().to_string());

        let reason = "No <b>ads</b>".to_owned();
        let golden = json!({
            "id": id,
            "type": "Reject",
            "actor": group,
            "to": [editor],
            "object": {"id": "https://b.example/activities/9", "type": "Update", "actor": editor, "object": page},
            "summary": reason,
            "content": format!("<p>{}</p>", escape_html(&reason)),
        });
        let sent = SentEditRefusal {
            id,
            kind: RejectKind::Reject,
            actor: group,
            to: vec![editor.clone()],
            object: EditRef {
                id: "https://b.example/activities/9".into(),
                kind: WikiKind::Update,
                actor: editor,
                object: page,
            },
            summary: reason.clone(),
            content: format!("<p>{}</p>", escape_html(&reason)),
        };
        assert_eq!(with_context(&sent).unwrap().to_string(), with_context(golden).unwrap().to_string());
    }
}
