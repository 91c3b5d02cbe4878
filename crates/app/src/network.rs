//! The port through which use cases reach other servers. `guildhall_federation` implements
//! it and `guildhall` wires it into the [`AppContext`] once, so `api` and `web` coordinate
//! network work through `app` without depending on the federation crate.

use std::sync::Arc;

use guildhall_store::entities::community;

use crate::map_crawl::CrawlProgress;
use crate::{AppContext, Result};

/// What one backfill stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Backfilled {
    /// Discussions read (new or already here).
    pub discussions: usize,
    /// Replies read (new or already here).
    pub replies: usize,
    /// Items skipped: unreadable, of another community, or over a bound.
    pub skipped: usize,
}

/// Network work a use case asks of the federation layer.
///
/// Methods take the calling context rather than the implementation holding one: the
/// context holds the port, so a port holding the context would keep both alive forever.
/// Errors are app errors: a malformed address is [`crate::Error::BadAddress`], an unknown
/// one [`crate::Error::NotFound`], an unreachable or misbehaving server
/// [`crate::Error::Remote`].
#[async_trait::async_trait]
pub trait Network: Send + Sync {
    /// Finds a community or guild by `name@domain`, `!name@domain` or URL, fetching and
    /// storing it when it is new here.
    async fn resolve_community(&self, ctx: &AppContext, query: &str) -> Result<community::Model>;

    /// Reads the managers of `members` (remote member communities of `guild`) into the
    /// guild's contact directory; a community that cannot be read is logged and skipped.
    async fn read_contacts(
        &self,
        ctx: &AppContext,
        guild: &community::Model,
        members: &[community::Model],
    ) -> Result<()>;

    /// Reads a remote community's recent history (its outbox and featured discussions, with
    /// their replies where its server lists them) and its follower count, within fixed bounds.
    async fn backfill(&self, ctx: &AppContext, community: &community::Model) -> Result<Backfilled>;

    /// Crawls the network map to the end, updating `progress`; returns how many instances
    /// were handled. Only a fatal (database) error ends it early.
    async fn crawl_map(&self, ctx: &AppContext, force: bool, progress: Arc<CrawlProgress>) -> Result<usize>;

    /// GETs `url` (another instance's public, unsigned JSON endpoint) with the crawler's
    /// protections: no private addresses outside development, no redirects off the host,
    /// connect and total timeouts (at most `timeout`), and a body of at most `max_body_bytes`.
    /// Answers the status and the body; a failure is [`crate::Error::Remote`].
    async fn get_public(
        &self,
        _ctx: &AppContext,
        _url: &str,
        _max_body_bytes: usize,
        _timeout: std::time::Duration,
    ) -> Result<PublicAnswer> {
        Err(crate::Error::NoNetwork)
    }
}

/// What another instance's public endpoint answered.
#[derive(Debug, Clone)]
pub struct PublicAnswer {
    /// The HTTP status.
    pub status: u16,
    /// The body, within the size asked for.
    pub body: Vec<u8>,
}
