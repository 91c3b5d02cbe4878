//! Actors: local and remote people (`Person`), communities (`Group`) and the instance actor
//! (`Application`, which signs fetches).

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::actor::{ApplicationType, GroupType};
use activitypub_federation::protocol::public_key::PublicKey;
use activitypub_federation::traits::{Actor, Object};
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::{account, community};
use guildhall_app::federation::actors as stored;
use guildhall_app::inbound::{self, RemoteGroup, RemotePerson};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::urls::{Urls, authority, require_same_origin};
use crate::{Error, keys};

/// Shared inbox endpoint.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    /// The server's shared inbox.
    pub shared_inbox: Option<Url>,
}

/// A `Person` as sent and accepted.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    #[serde(rename = "type")]
    kind: PersonKind,
    id: ObjectId<DbPerson>,
    preferred_username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    inbox: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoints: Option<Endpoints>,
    public_key: PublicKey,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published: Option<DateTime<Utc>>,
}

impl Person {
    /// The actor's id.
    pub fn actor_id(&self) -> &Url {
        self.id.inner()
    }
}

/// Person-like actor types we accept as people (Mastodon bots are `Service`).
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum PersonKind {
    /// A person.
    Person,
    /// An automated account.
    Service,
    /// A server's own actor or a relay (Mastodon sends reports from its instance actor):
    /// stored and held to the same rules as a `Service`.
    Application,
}

/// An account (local or remote) as an ActivityPub actor.
#[derive(Clone, Debug)]
pub struct DbPerson {
    /// The stored account.
    pub model: account::Model,
    /// Its ActivityPub id.
    pub id: Url,
}

impl DbPerson {
    /// Wraps an account, computing its id.
    pub fn new(model: account::Model, urls: &Urls) -> Self {
        DbPerson { id: actor_id_of_account(&model, urls), model }
    }
}

/// The ActivityPub id of an account.
pub fn actor_id_of_account(a: &account::Model, urls: &Urls) -> Url {
    match (&a.ap_id, a.domain.is_empty()) {
        (Some(id), false) => Url::parse(id).unwrap_or_else(|_| urls.person(&a.username)),
        _ => urls.person(&a.username),
    }
}

/// The ActivityPub id of a community.
pub fn actor_id_of_community(c: &community::Model, urls: &Urls) -> Url {
    match (&c.ap_id, c.domain.is_empty()) {
        (Some(id), false) => Url::parse(id).unwrap_or_else(|_| urls.group(&c.name)),
        _ => urls.group(&c.name),
    }
}

/// Resolves `/u/{name}` or a remote id to a stored account.
async fn find_person(ctx: &AppContext, id: &Url, is_local: bool) -> Result<Option<account::Model>, Error> {
    if is_local {
        let name = id.path().strip_prefix("/u/").unwrap_or_default();
        return Ok(match stored::local_person(ctx, name).await? {
            Some(a) => Some(keys::account_with_keys(ctx, a).await?),
            None => None,
        });
    }
    Ok(stored::person_by_ap_id(ctx, id.as_str()).await?)
}

#[async_trait::async_trait]
impl Object for DbPerson {
    type DataType = AppContext;
    type Kind = Person;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        if self.model.domain.is_empty() { Some(Utc::now()) } else { self.model.fetched_at }
    }

    async fn read_from_id(id: Url, data: &Data<AppContext>) -> Result<Option<Self>, Error> {
        let local = crate::urls::is_local(data, &id);
        let urls = Urls::new(data.app_data());
        Ok(find_person(data.app_data(), &id, local).await?.map(|m| DbPerson::new(m, &urls)))
    }

    async fn into_json(self, data: &Data<AppContext>) -> Result<Person, Error> {
        let urls = Urls::new(data.app_data());
        let id = self.id;
        let a = keys::account_with_keys(data.app_data(), self.model).await?;
        Ok(Person {
            kind: PersonKind::Person,
            id: id.clone().into(),
            preferred_username: a.username.clone(),
            name: Some(a.display_name.clone()),
            summary: Some(guildhall_app::markdown::render(&a.bio)),
            inbox: urls.inbox_of(&id),
            outbox: Some(urls.sub(&id, "outbox")),
            endpoints: Some(Endpoints { shared_inbox: Some(urls.shared_inbox()) }),
            public_key: public_key(&id, a.public_key_pem.unwrap_or_default()),
            published: Some(a.created_at),
        })
    }

    async fn verify(json: &Person, expected_domain: &Url, _data: &Data<AppContext>) -> Result<(), Error> {
        let id = json.id.inner();
        require_same_origin(id, expected_domain, "actor id")?;
        verify_actor_fields(id, &json.inbox, json.endpoints.as_ref(), &json.public_key)
    }

    async fn from_json(json: Person, data: &Data<AppContext>) -> Result<Self, Error> {
        let id = json.id.into_inner();
        let p = RemotePerson {
            domain: authority(&id),
            ap_id: id.to_string(),
            display_name: json.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| json.preferred_username.clone()),
            username: json.preferred_username,
            bio: json.summary.unwrap_or_default(),
            inbox: json.inbox.to_string(),
            shared_inbox: json.endpoints.and_then(|e| e.shared_inbox).map(|u| u.to_string()),
            public_key_pem: json.public_key.public_key_pem,
        };
        crate::nodeinfo::learn(data, &p.domain).await;
        Ok(DbPerson { model: inbound::upsert_person(data.app_data(), p).await?, id })
    }
}

impl Actor for DbPerson {
    fn public_key_pem(&self) -> &str {
        self.model.public_key_pem.as_deref().unwrap_or_default()
    }

    fn private_key_pem(&self) -> Option<String> {
        self.model.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        self.model.inbox_url.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or_else(|| self.id.clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.model.shared_inbox_url.as_deref().and_then(|u| Url::parse(u).ok())
    }
}

/// A `Group` as sent and accepted.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    #[serde(rename = "type")]
    kind: GroupType,
    id: ObjectId<DbGroup>,
    preferred_username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    inbox: Url,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    outbox: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    followers: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    featured: Option<Url>,
    /// Lemmy: the moderators collection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attributed_to: Option<Url>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    endpoints: Option<Endpoints>,
    public_key: PublicKey,
    #[serde(default)]
    manually_approves_followers: bool,
    #[serde(default)]
    posting_restricted_to_mods: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    published: Option<DateTime<Utc>>,
    /// Guildhall: `public`, `approval` or `private`. Other software ignores it and reads
    /// `manuallyApprovesFollowers`; a private community's content reaches only members anyway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    visibility: Option<String>,
    /// Guildhall: a guild's focus (`role` or `focus_area`); present only on guilds. Other
    /// software ignores it and sees a group it can follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    guild_focus: Option<String>,
    /// Guildhall: a guild's member communities (an `OrderedCollection` of their ids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    guild_communities: Option<Url>,
    /// Topic tags as `Hashtag`s (as Mastodon shows an account's featured tags).
    #[serde(default, skip_serializing_if = "Vec::is_empty", deserialize_with = "lenient_tags")]
    tag: Vec<Hashtag>,
    /// Guildhall: the charter members accept on joining (Markdown), so people on other
    /// servers read it before they ask to join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    charter: Option<String>,
    /// Guildhall: the welcome message new members get (Markdown); not for private communities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    welcome_message: Option<String>,
}

impl Group {
    /// The actor's id.
    pub fn actor_id(&self) -> &Url {
        self.id.inner()
    }
}

/// A topic tag.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Hashtag {
    #[serde(rename = "type")]
    kind: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    href: Option<Url>,
}

/// Reads `tag` as one object or a list, keeping what looks like a tag and dropping the rest:
/// an odd tag must not make a whole actor unreadable.
fn lenient_tags<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Hashtag>, D::Error> {
    let v = serde_json::Value::deserialize(d)?;
    let items = match v {
        serde_json::Value::Array(a) => a,
        o @ serde_json::Value::Object(_) => vec![o],
        _ => vec![],
    };
    Ok(items.into_iter().filter_map(|i| serde_json::from_value(i).ok()).take(50).collect())
}

/// A community (local or remote) as an ActivityPub `Group`.
#[derive(Clone, Debug)]
pub struct DbGroup {
    /// The stored community.
    pub model: community::Model,
    /// Its ActivityPub id.
    pub id: Url,
}

impl DbGroup {
    /// Wraps a community, computing its id.
    pub fn new(model: community::Model, urls: &Urls) -> Self {
        DbGroup { id: actor_id_of_community(&model, urls), model }
    }
}

#[async_trait::async_trait]
impl Object for DbGroup {
    type DataType = AppContext;
    type Kind = Group;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        if self.model.domain.is_empty() { Some(Utc::now()) } else { self.model.fetched_at }
    }

    async fn read_from_id(id: Url, data: &Data<AppContext>) -> Result<Option<Self>, Error> {
        let ctx = data.app_data();
        if crate::urls::is_local(data, &id) {
            let name = id.path().strip_prefix("/c/").unwrap_or_default();
            return Ok(match stored::local_community(ctx, name).await? {
                Some(c) => Some(DbGroup { model: keys::community_with_keys(ctx, c).await?, id }),
                None => None,
            });
        }
        Ok(stored::community_by_ap_id(ctx, id.as_str()).await?.map(|model| DbGroup { model, id }))
    }

    async fn into_json(self, data: &Data<AppContext>) -> Result<Group, Error> {
        let urls = Urls::new(data.app_data());
        let id = self.id;
        let c = keys::community_with_keys(data.app_data(), self.model).await?;
        let visibility = Some(c.visibility);
        let tags = stored::tags_of(&c);
        Ok(Group {
            kind: GroupType::Group,
            id: id.clone().into(),
            preferred_username: c.name.clone(),
            name: Some(c.title.clone()),
            summary: Some(guildhall_app::markdown::render(&c.description)),
            inbox: urls.inbox_of(&id),
            outbox: Some(urls.sub(&id, "outbox")),
            followers: Some(urls.sub(&id, "followers")),
            featured: Some(urls.sub(&id, "featured")),
            attributed_to: Some(urls.sub(&id, "moderators")),
            endpoints: Some(Endpoints { shared_inbox: Some(urls.shared_inbox()) }),
            public_key: public_key(&id, c.public_key_pem.unwrap_or_default()),
            manually_approves_followers: visibility != Some(guildhall_domain::Visibility::Public),
            posting_restricted_to_mods: false,
            published: Some(c.created_at),
            visibility: visibility.map(|v| v.as_str().to_owned()),
            guild_focus: (c.kind == "guild").then(|| c.guild_focus.clone()),
            guild_communities: (c.kind == "guild").then(|| urls.sub(&id, "communities")),
            tag: tags
                .into_iter()
                .map(|t| Hashtag { kind: "Hashtag".into(), name: format!("#{t}"), href: None })
                .collect(),
            charter: (!c.charter.is_empty()).then(|| c.charter.clone()),
            welcome_message: (!c.welcome_message.is_empty()
                && guildhall_domain::visibility::welcome_in_actor(c.visibility))
            .then(|| c.welcome_message.clone()),
        })
    }

    async fn verify(json: &Group, expected_domain: &Url, _data: &Data<AppContext>) -> Result<(), Error> {
        let id = json.id.inner();
        require_same_origin(id, expected_domain, "group id")?;
        verify_actor_fields(id, &json.inbox, json.endpoints.as_ref(), &json.public_key)?;
        if let Some(f) = &json.followers {
            require_same_origin(f, id, "followers")?;
        }
        Ok(())
    }

    async fn from_json(json: Group, data: &Data<AppContext>) -> Result<Self, Error> {
        let id = json.id.into_inner();
        let g = RemoteGroup {
            domain: authority(&id),
            ap_id: id.to_string(),
            title: json.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| json.preferred_username.clone()),
            name: json.preferred_username,
            description: json.summary.unwrap_or_default(),
            inbox: json.inbox.to_string(),
            shared_inbox: json.endpoints.and_then(|e| e.shared_inbox).map(|u| u.to_string()),
            followers: json.followers.map(|u| u.to_string()),
            public_key_pem: json.public_key.public_key_pem,
            manually_approves: json.manually_approves_followers,
            private: json.visibility.as_deref().and_then(guildhall_domain::Visibility::parse)
                == Some(guildhall_domain::Visibility::Private),
            guild_focus: json.guild_focus,
            tags: json
                .tag
                .into_iter()
                .filter(|t| t.kind == "Hashtag")
                .map(|t| t.name.trim_start_matches('#').to_lowercase())
                .collect(),
            charter: json.charter,
            welcome_message: json.welcome_message,
        };
        crate::nodeinfo::learn(data, &g.domain).await;
        Ok(DbGroup { model: inbound::upsert_group(data.app_data(), g).await?, id })
    }
}

impl Actor for DbGroup {
    fn public_key_pem(&self) -> &str {
        self.model.public_key_pem.as_deref().unwrap_or_default()
    }

    fn private_key_pem(&self) -> Option<String> {
        self.model.private_key_pem.clone()
    }

    fn inbox(&self) -> Url {
        self.model.inbox_url.as_deref().and_then(|u| Url::parse(u).ok()).unwrap_or_else(|| self.id.clone())
    }

    fn shared_inbox(&self) -> Option<Url> {
        self.model.shared_inbox_url.as_deref().and_then(|u| Url::parse(u).ok())
    }
}

/// Protocol fields (inbox, shared inbox, key) must live on the actor's own server, so a
/// document cannot redirect someone else's traffic or keys (Misskey GHSA-7vgr-p3vc-p4h2).
fn verify_actor_fields(id: &Url, inbox: &Url, endpoints: Option<&Endpoints>, key: &PublicKey) -> Result<(), Error> {
    require_same_origin(inbox, id, "inbox")?;
    if let Some(shared) = endpoints.and_then(|e| e.shared_inbox.as_ref()) {
        require_same_origin(shared, id, "sharedInbox")?;
    }
    require_same_origin(&key.owner, id, "publicKey.owner")?;
    if key.owner != *id {
        return Err(Error::BadRequest("publicKey.owner is not the actor".into()));
    }
    let key_id = Url::parse(&key.id).map_err(|_| Error::BadRequest("publicKey.id is not a URL".into()))?;
    require_same_origin(&key_id, id, "publicKey.id")
}

fn public_key(owner: &Url, pem: String) -> PublicKey {
    PublicKey { id: format!("{owner}#main-key"), owner: owner.clone(), public_key_pem: pem }
}

/// The instance actor: signs fetches so servers in "secure mode" answer them.
#[derive(Clone, Debug)]
pub struct InstanceActor {
    /// Its id.
    pub id: Url,
    /// Its inbox.
    pub inbox: Url,
    /// Public key PEM.
    pub public_key: String,
    /// Private key PEM.
    pub private_key: String,
}

/// The instance actor as JSON.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    #[serde(rename = "type")]
    kind: ApplicationType,
    id: Url,
    preferred_username: String,
    inbox: Url,
    public_key: PublicKey,
}

#[async_trait::async_trait]
impl Object for InstanceActor {
    type DataType = AppContext;
    type Kind = Application;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    async fn read_from_id(_id: Url, _data: &Data<AppContext>) -> Result<Option<Self>, Error> {
        Ok(None)
    }

    async fn into_json(self, data: &Data<AppContext>) -> Result<Application, Error> {
        Ok(Application {
            kind: ApplicationType::Application,
            preferred_username: data.domain().to_string(),
            inbox: self.inbox,
            public_key: public_key(&self.id, self.public_key),
            id: self.id,
        })
    }

    async fn verify(_json: &Application, _expected: &Url, _data: &Data<AppContext>) -> Result<(), Error> {
        Err(Error::NotFound)
    }

    async fn from_json(_json: Application, _data: &Data<AppContext>) -> Result<Self, Error> {
        Err(Error::NotFound)
    }
}

impl Actor for InstanceActor {
    fn public_key_pem(&self) -> &str {
        &self.public_key
    }

    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key.clone())
    }

    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}
