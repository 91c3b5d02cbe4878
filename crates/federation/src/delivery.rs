//! The durable delivery worker: woken at once by new intents (polling is only the fallback),
//! it sends due deliveries in order per destination instance, many instances in parallel,
//! retries with exponential backoff and records each instance's health.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use activitypub_federation::activity_sending::SendActivityTask;
use activitypub_federation::config::{Data, FederationConfig};
use activitypub_federation::traits::{Activity, Actor};
use chrono::{DateTime, Utc};
use guildhall_app::AppContext;
use guildhall_app::entities::{delivery, remote_instance};
use guildhall_app::federation::counts;
use guildhall_app::federation::deliveries::{self as queue, DeliveryStatus, Sender as SenderKind};
use serde::{Serialize, Serializer};
use tokio::sync::Semaphore;
use url::Url;

use crate::actors::{DbGroup, DbPerson, InstanceActor};
use crate::urls::Urls;
use crate::{Error, keys};

/// Instances sent to in parallel.
const PARALLEL_INSTANCES: usize = 64;
/// How long a worker holds a delivery before another may try it.
const LEASE: chrono::Duration = chrono::Duration::minutes(5);
/// After this long failing, a delivery is given up.
const GIVE_UP_AFTER: chrono::Duration = chrono::Duration::days(3);
/// After this long failing, an instance is shown as unreachable (delivery still retries).
const UNREACHABLE_AFTER: chrono::Duration = chrono::Duration::hours(24);
/// Idle wake-up when nothing is due.
const IDLE_POLL: Duration = Duration::from_secs(30);

/// Delay before retry `attempt` (1-based): 5 s, 20 s, 80 s, ... up to 6 hours.
pub fn backoff(attempt: i32) -> chrono::Duration {
    let secs = 5i64.saturating_mul(4i64.saturating_pow(attempt.clamp(1, 12) as u32 - 1));
    chrono::Duration::seconds(secs.min(6 * 3600))
}

/// A stored activity, sent as it was stored.
#[derive(Debug)]
struct RawActivity {
    id: Url,
    actor: Url,
    json: serde_json::Value,
}

impl Serialize for RawActivity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.json.serialize(s)
    }
}

#[async_trait::async_trait]
impl Activity for RawActivity {
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

    async fn receive(self, _data: &Data<AppContext>) -> Result<(), Error> {
        Ok(())
    }
}

/// Runs the worker until the process ends.
pub fn spawn(config: FederationConfig<AppContext>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let data = config.to_request_data();
            let ctx = data.app_data().clone();
            // Polls that closed since the last round: their final counts go out as intents.
            let polls_ok = match guildhall_app::polls::announce_closed(&ctx).await {
                Ok(_) => true,
                Err(e) => {
                    tracing::error!(error = %e, "announcing closed polls failed");
                    false
                }
            };
            if let Err(e) = crate::outgoing::expand(&ctx).await {
                tracing::error!(error = %e, "expanding outbox failed");
            }
            let sent = match round(&config).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "delivery round failed");
                    0
                }
            };
            if sent > 0 {
                continue;
            }
            let wait = match queue::next_due_at(&ctx).await {
                Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO).min(IDLE_POLL),
                _ => IDLE_POLL,
            };
            // Wake up when the next poll closes (not after a failure: no busy loop).
            let wait = match guildhall_app::polls::next_close(&ctx).await {
                Ok(Some(at)) if polls_ok => wait.min((at - Utc::now()).to_std().unwrap_or(Duration::ZERO)),
                _ => wait,
            };
            tokio::select! {
                _ = ctx.delivery_wakeup().notified() => {}
                _ = tokio::time::sleep(wait.max(Duration::from_millis(20))) => {}
            }
        }
    })
}

/// Sends what is due; returns how many deliveries were attempted.
async fn round(config: &FederationConfig<AppContext>) -> Result<usize, Error> {
    let ctx = config.to_request_data().app_data().clone();
    let now = Utc::now();
    let due = queue::due(&ctx, now, 1000).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let attempted = due.len();
    // Load each activity and each signer once for the round, not once per delivery: a post
    // to 1,000 instances is one activity and one sender.
    let prepared = Arc::new(Prepared::load(&ctx, &due).await);
    let mut by_domain: BTreeMap<String, Vec<delivery::Model>> = BTreeMap::new();
    for d in due {
        by_domain.entry(d.domain.clone()).or_default().push(d);
    }
    let limit = Arc::new(Semaphore::new(PARALLEL_INSTANCES));
    let mut tasks = tokio::task::JoinSet::new();
    for (domain, list) in by_domain {
        let (config, limit, prepared) = (config.clone(), limit.clone(), prepared.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await;
            send_in_order(&config, &prepared, &domain, list).await;
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(attempted)
}

/// Sends one instance's deliveries in order, stopping at the first failure so order holds.
async fn send_in_order(
    config: &FederationConfig<AppContext>,
    prepared: &Prepared,
    domain: &str,
    list: Vec<delivery::Model>,
) {
    let data = config.to_request_data();
    let ctx = data.app_data().clone();
    let allowed = match guildhall_app::admin::federation_policy(&ctx).await {
        Ok(p) => p.allows(domain),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the federation policy");
            return;
        }
    };
    for d in list {
        if !allowed {
            // Blocked (or not on the allowlist): never sent, recorded as refused.
            let r = queue::finish(
                &ctx,
                d.id,
                DeliveryStatus::Failed,
                Some("blocked by federation policy".into()),
                Utc::now(),
            );
            if let Err(e) = r.await {
                tracing::error!(error = %e, "cannot record a blocked delivery");
            }
            continue;
        }
        let now = Utc::now();
        match queue::lease(&ctx, d.id, now, now + LEASE).await {
            Ok(true) => {}
            Ok(false) => continue,
            Err(e) => {
                tracing::error!(error = %e, "cannot lease delivery");
                return;
            }
        }
        let Some(sender) = SenderKind::from_columns(&d.sender_kind, d.sender_id) else {
            // Never signed as someone else (the instance actor): a permanent failure, shown
            // with the others.
            tracing::error!(delivery = d.id, sender_kind = %d.sender_kind, "delivery names an unknown sender kind");
            let reason = format!("unknown sender kind {:?}", d.sender_kind);
            if let Err(e) = queue::finish(&ctx, d.id, DeliveryStatus::Failed, Some(reason), Utc::now()).await {
                tracing::error!(delivery = d.id, error = %e, "cannot record a failed delivery");
            }
            continue;
        };
        let (outcome, answer) = crate::answers::recording(prepared.send(&data, &d, sender)).await;
        let now = Utc::now();
        let result = match (outcome, answer) {
            // The library counts a 4xx as sent; it is the peer refusing this activity: never
            // retried, kept with the peer's reason for admins. The peer is up, and later
            // deliveries to it go on.
            (Ok(()), Some(answer)) if answer.is_refusal() => {
                tracing::warn!(domain, inbox = %d.inbox, activity = d.activity_id, status = %answer.status,
                    body = %answer.body, "delivery refused");
                record_health(&ctx, domain, true, now).await;
                // 410: the actor behind this inbox is gone; nothing more is sent to it. Marked
                // before this delivery ends, so no reader sees it ended and the inbox not gone.
                let gone = match answer.is_gone() {
                    true => counts::mark_inbox_gone(&ctx, &d.inbox, domain).await,
                    false => Ok(()),
                };
                match gone {
                    Ok(()) => queue::finish(&ctx, d.id, DeliveryStatus::Refused, Some(answer.describe()), now).await,
                    Err(e) => Err(e),
                }
            }
            (Ok(()), _) => {
                record_health(&ctx, domain, true, now).await;
                queue::finish(&ctx, d.id, DeliveryStatus::Done, None, now).await
            }
            (Err(e), answer) => {
                let attempts = d.attempts + 1;
                tracing::warn!(domain, inbox = %d.inbox, attempts, error = %e, "delivery failed");
                record_health(&ctx, domain, false, now).await;
                // A 429 or 503 may say when to come back: not sooner than that.
                let asked =
                    answer.and_then(|a| a.retry_after).map_or(now, |at| at.min(now + chrono::Duration::hours(6)));
                let next = (now + backoff(attempts)).max(asked);
                let r = if now - d.created_at > GIVE_UP_AFTER {
                    queue::finish(&ctx, d.id, DeliveryStatus::Failed, Some(e.to_string()), now).await
                } else {
                    queue::retry(&ctx, d.id, attempts, next, e.to_string()).await
                };
                if let Err(e) = r {
                    tracing::error!(error = %e, "cannot record delivery failure");
                }
                // Later activities for this instance wait, so they arrive in order.
                return;
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "cannot record delivery");
        }
    }
}

/// Who signs a delivery.
enum Sender {
    Person(DbPerson),
    Group(DbGroup),
    Instance(InstanceActor),
}

/// The activities and signers of one round's deliveries, each loaded once.
struct Prepared {
    activities: HashMap<i64, RawActivity>,
    senders: HashMap<SenderKind, Sender>,
}

impl Prepared {
    async fn load(ctx: &AppContext, due: &[delivery::Model]) -> Self {
        let mut p = Prepared { activities: HashMap::new(), senders: HashMap::new() };
        let urls = Urls::new(ctx);
        for d in due {
            if let std::collections::hash_map::Entry::Vacant(slot) = p.activities.entry(d.activity_id) {
                match load_activity(ctx, d.activity_id).await {
                    Ok(a) => {
                        slot.insert(a);
                    }
                    Err(e) => tracing::error!(activity = d.activity_id, error = %e, "cannot load an activity to send"),
                }
            }
            // An unknown kind is refused per delivery in `send_in_order`.
            let Some(kind) = SenderKind::from_columns(&d.sender_kind, d.sender_id) else { continue };
            if let std::collections::hash_map::Entry::Vacant(slot) = p.senders.entry(kind) {
                match load_sender(ctx, &urls, kind).await {
                    Ok(s) => {
                        slot.insert(s);
                    }
                    Err(e) => tracing::error!(sender = d.sender_id, error = %e, "cannot load a sender"),
                }
            }
        }
        p
    }

    async fn send(&self, data: &Data<AppContext>, d: &delivery::Model, kind: SenderKind) -> Result<(), Error> {
        let raw = self.activities.get(&d.activity_id).ok_or(Error::NotFound)?;
        let sender = self.senders.get(&kind).ok_or(Error::NotFound)?;
        let inbox = Url::parse(&d.inbox)?;
        let tasks = match sender {
            Sender::Person(s) => prepare(raw, s, inbox, data).await?,
            Sender::Group(s) => prepare(raw, s, inbox, data).await?,
            Sender::Instance(s) => prepare(raw, s, inbox, data).await?,
        };
        for t in tasks {
            t.sign_and_send(data).await?;
        }
        Ok(())
    }
}

async fn load_activity(ctx: &AppContext, id: i64) -> Result<RawActivity, Error> {
    let stored = guildhall_app::lookup::activity(ctx, id).await?.ok_or(Error::NotFound)?;
    Ok(RawActivity {
        id: Url::parse(&stored.ap_id)?,
        actor: Url::parse(&stored.actor)?,
        json: serde_json::from_str(&stored.json)?,
    })
}

async fn load_sender(ctx: &AppContext, urls: &Urls, kind: SenderKind) -> Result<Sender, Error> {
    Ok(match kind {
        SenderKind::Account(id) => {
            let a = guildhall_app::lookup::account(ctx, id).await?.ok_or(Error::NotFound)?;
            Sender::Person(DbPerson::new(keys::account_with_keys(ctx, a).await?, urls))
        }
        SenderKind::Community(id) => {
            let c = guildhall_app::lookup::community(ctx, id).await?.ok_or(Error::NotFound)?;
            Sender::Group(DbGroup::new(keys::community_with_keys(ctx, c).await?, urls))
        }
        SenderKind::Instance => Sender::Instance(crate::instance_actor(ctx).await?),
    })
}

async fn prepare<A: Actor>(
    raw: &RawActivity,
    sender: &A,
    inbox: Url,
    data: &Data<AppContext>,
) -> Result<Vec<SendActivityTask>, Error> {
    Ok(SendActivityTask::prepare(raw, sender, vec![inbox], data).await?)
}

async fn record_health(ctx: &AppContext, domain: &str, ok: bool, now: DateTime<Utc>) {
    let current = queue::instance_health(ctx, domain).await.ok().flatten();
    let next = match (ok, current) {
        (true, Some(h))
            if h.failures == 0 && h.last_success_at.is_some_and(|t| now - t < chrono::Duration::minutes(1)) =>
        {
            return; // nothing changed worth a write
        }
        (true, _) => remote_instance::Model {
            domain: domain.to_owned(),
            failures: 0,
            failing_since: None,
            last_success_at: Some(now),
            unreachable: false,
        },
        (false, h) => {
            let h = h.unwrap_or(remote_instance::Model {
                domain: domain.to_owned(),
                failures: 0,
                failing_since: None,
                last_success_at: None,
                unreachable: false,
            });
            let since = h.failing_since.unwrap_or(now);
            if h.failures == 0 {
                tracing::warn!(domain, "instance stopped answering");
            }
            remote_instance::Model {
                failures: h.failures.saturating_add(1),
                failing_since: Some(since),
                unreachable: now - since > UNREACHABLE_AFTER,
                ..h
            }
        }
    };
    if let Err(e) = queue::save_instance_health(ctx, next).await {
        tracing::error!(error = %e, "cannot record instance health");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_hours_and_stops_there() {
        assert_eq!(backoff(1).num_seconds(), 5);
        assert_eq!(backoff(2).num_seconds(), 20);
        assert_eq!(backoff(3).num_seconds(), 80);
        assert_eq!(backoff(9).num_seconds(), 6 * 3600);
        assert_eq!(backoff(100).num_seconds(), 6 * 3600);
        assert_eq!(backoff(0).num_seconds(), 5);
    }

    #[tokio::test]
    async fn an_unknown_sender_kind_fails_the_delivery_instead_of_signing_as_the_instance() {
        use guildhall_store::ConnectionTrait;
        use guildhall_store::federation as fed;
        let _ = rustls::crypto::ring::default_provider().install_default();
        let test = guildhall_store::testing::fresh_database().await;
        let ctx =
            AppContext::new(test.db.clone(), guildhall_app::InstanceInfo { domain: "a.example".into(), https: false });
        let config = crate::config(ctx.clone(), crate::Settings { debug: true, ..crate::Settings::default() })
            .await
            .expect("config");
        let now = Utc::now();
        let json = r#"{"id":"http://a.example/activities/1","type":"Like"}"#.to_owned();
        let stored = fed::insert_activity(
            ctx.db(),
            "http://a.example/activities/1",
            "Like",
            "http://a.example/actor",
            true,
            json,
            now,
        )
        .await
        .expect("store activity")
        .expect("new activity");
        let row = fed::NewDelivery {
            activity_id: stored.id,
            sender: SenderKind::Instance,
            inbox: "http://b.example/inbox".into(),
            domain: "b.example".into(),
        };
        fed::insert_deliveries(ctx.db(), vec![row], now).await.expect("queue");
        // A kind written by a newer version, or by hand.
        ctx.db().execute_unprepared("UPDATE deliveries SET sender_kind = 'robot'").await.expect("edit kind");
        assert_eq!(round(&config).await.expect("round"), 1);
        let queue = fed::queue_by_domain(ctx.db()).await.expect("queue counts");
        let b = queue.iter().find(|q| q.domain == "b.example").expect("b.example listed");
        assert_eq!((b.pending, b.failed, b.delivered), (0, 1, 0), "failed at once, never sent");
        assert!(fed::instance_health(ctx.db(), "b.example").await.expect("health").is_none(), "not b's fault");
    }
}
