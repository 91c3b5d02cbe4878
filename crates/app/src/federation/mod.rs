//! Reads and writes that exist only to serve ActivityPub: actor documents, collections, keys,
//! signed-fetch grants and the delivery queue. The federation crate calls these instead of the
//! store; who may see what is still decided by `guildhall_domain` (`visibility`).

pub mod actors;
pub mod collections;
pub mod counts;
pub mod deliveries;
pub mod grants;
pub mod keys;
pub mod peers;
