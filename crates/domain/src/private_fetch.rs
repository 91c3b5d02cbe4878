//! Who may fetch a private community's content over ActivityPub (signed GETs).
//!
//! Only the community's server knows its members. A member may fetch; so may the instance
//! actor of a server that has an approved member, because servers fetch one copy for all their
//! users and enforce visibility themselves (FEP-db0e). Everyone else is told the thing does not
//! exist (404), so private content's existence does not leak either.

/// What kind of actor signed the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FetchSigner {
    /// A person (or a bot account): must be a member themselves.
    Person,
    /// A server-wide actor (`Application`, as Mastodon, Lemmy and Guildhall sign fetches with):
    /// speaks for its server.
    InstanceActor,
    /// A group or anything else: never a member.
    Other,
}

impl FetchSigner {
    /// Classifies an ActivityStreams actor type.
    pub fn from_type(kind: &str) -> Self {
        match kind {
            "Application" => FetchSigner::InstanceActor,
            "Person" | "Service" => FetchSigner::Person,
            _ => FetchSigner::Other,
        }
    }
}

/// Whether a signed fetch of private content is answered.
pub fn private_fetch_allowed(
    signer: FetchSigner,
    instance_allowed: bool,
    signer_is_member: bool,
    server_has_member: bool,
) -> bool {
    instance_allowed
        && match signer {
            FetchSigner::Person => signer_is_member,
            FetchSigner::InstanceActor => server_has_member,
            FetchSigner::Other => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_their_servers_may_fetch() {
        use FetchSigner::*;
        assert!(private_fetch_allowed(Person, true, true, true));
        assert!(private_fetch_allowed(InstanceActor, true, false, true));
        assert!(!private_fetch_allowed(Person, true, false, true), "a non-member on a member's server");
        assert!(!private_fetch_allowed(InstanceActor, true, false, false), "a server without members");
        assert!(!private_fetch_allowed(Person, false, true, true), "a blocked instance");
        assert!(!private_fetch_allowed(Other, true, true, true), "groups are not members");
    }

    #[test]
    fn actor_types() {
        assert_eq!(FetchSigner::from_type("Application"), FetchSigner::InstanceActor);
        assert_eq!(FetchSigner::from_type("Service"), FetchSigner::Person);
        assert_eq!(FetchSigner::from_type("Person"), FetchSigner::Person);
        assert_eq!(FetchSigner::from_type("Group"), FetchSigner::Other);
    }
}
