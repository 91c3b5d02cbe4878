//! `Flag`: a report about content or members of a community here, from any actor (Mastodon
//! and Misskey report from their instance actor, an `Application`; Lemmy from the person).
//! Stored for the community's moderators; a report naming nothing of ours is ignored.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::kinds::activity::FlagType;
use activitypub_federation::traits::Activity;
use guildhall_app::AppContext;
use guildhall_app::reports::RemoteReport;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::Error;
use crate::actors::DbGroup;
use crate::urls::{authority, is_local};
use crate::wire::object_id;

/// A report, as Mastodon 4 (`object` = [account, statuses…], `content`), Lemmy 0.19
/// (`object` = the post or comment, `summary`, `to` = the community) and Misskey send it.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Flag {
    /// Activity id.
    pub id: Url,
    #[serde(rename = "type")]
    kind: FlagType,
    /// Who reports.
    pub actor: Url,
    /// What is reported: one id or object, or a list of them.
    object: serde_json::Value,
    /// The comment (Mastodon, Misskey).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    /// The reason (Lemmy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    summary: Option<String>,
    /// Lemmy addresses the community.
    #[serde(default, deserialize_with = "crate::wire::one_or_many", skip_serializing_if = "Vec::is_empty")]
    to: Vec<Url>,
    /// The community (FEP-1b12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audience: Option<Url>,
}

impl Flag {
    /// The ids reported.
    fn targets(&self) -> Vec<Url> {
        let ids: Vec<Url> = match &self.object {
            serde_json::Value::Array(items) => items.iter().filter_map(object_id).collect(),
            one => object_id(one).into_iter().collect(),
        };
        // Shown to moderators: web addresses only.
        ids.into_iter().filter(|u| matches!(u.scheme(), "http" | "https")).collect()
    }

    /// The local community the report is about: that of the first reported discussion or
    /// reply of ours, else a community of ours it names or is addressed to.
    async fn community(&self, targets: &[Url], data: &Data<AppContext>) -> Result<Option<i64>, Error> {
        for t in targets.iter().filter(|t| is_local(data, t)) {
            if let Some((d, _)) = crate::activities::vote::stored_target(t, data).await? {
                return Ok(Some(d.community_id));
            }
        }
        let named = targets.iter().chain(self.to.iter()).chain(self.audience.iter());
        for c in named.filter(|c| is_local(data, c) && c.path().starts_with("/c/")) {
            if let Ok(group) = ObjectId::<DbGroup>::from(c.clone()).dereference_local(data).await {
                return Ok(Some(group.model.id));
            }
        }
        Ok(None)
    }

    /// Stores the report for the community's moderators.
    pub async fn receive_report(self, data: &Data<AppContext>) -> Result<(), Error> {
        let targets = self.targets();
        if targets.is_empty() {
            return Err(Error::BadRequest("a Flag must name what it reports".into()));
        }
        let Some(community_id) = self.community(&targets, data).await? else {
            crate::tally::ignored("a report that names no discussion, reply or community here");
            return Ok(());
        };
        let comment = self.content.or(self.summary).unwrap_or_default();
        let report = RemoteReport {
            community_id,
            activity_ap_id: self.id.to_string(),
            reporter_domain: authority(&self.actor),
            reporter_ap_id: self.actor.to_string(),
            targets: targets.iter().map(Url::to_string).collect(),
            comment,
        };
        tracing::info!(activity = %self.id, actor = %self.actor, domain = %report.reporter_domain, "report received");
        guildhall_app::reports::receive_remote(data.app_data(), report).await?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Activity for Flag {
    type DataType = AppContext;
    type Error = Error;

    fn id(&self) -> &Url {
        &self.id
    }

    fn actor(&self) -> &Url {
        &self.actor
    }

    async fn verify(&self, _data: &Data<AppContext>) -> Result<(), Error> {
        Ok(())
    }

    async fn receive(self, data: &Data<AppContext>) -> Result<(), Error> {
        self.receive_report(data).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mastodon_lemmy_and_misskey_shapes_read() {
        let mastodon: Flag = serde_json::from_str(
            r#"{"id":"https://m.example/0f3c","type":"Flag","actor":"https://m.example/actor",
                "content":"spam","object":["https://g.example/u/bob","https://g.example/d/1"]}"#,
        )
        .unwrap();
        assert_eq!(mastodon.targets().len(), 2);
        assert_eq!(mastodon.content.as_deref(), Some("spam"));
        let lemmy: Flag = serde_json::from_str(
            r#"{"id":"https://l.example/activities/flag/1","type":"Flag","actor":"https://l.example/u/ann",
                "to":["https://g.example/c/lounge"],"object":"https://g.example/d/1","summary":"rude",
                "audience":"https://g.example/c/lounge"}"#,
        )
        .unwrap();
        assert_eq!(lemmy.targets(), vec![Url::parse("https://g.example/d/1").unwrap()]);
        assert_eq!(lemmy.to.len(), 1);
        let misskey: Flag = serde_json::from_str(
            r#"{"id":"https://k.example/a1","type":"Flag","actor":"https://k.example/users/9a",
                "content":"bad","object":["https://g.example/r/4"]}"#,
        )
        .unwrap();
        assert_eq!(misskey.targets().len(), 1);
    }
}
