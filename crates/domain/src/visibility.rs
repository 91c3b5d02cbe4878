//! Who may see what, decided once. Four questions, asked by every crate that serves, relays or
//! notifies instead of comparing visibilities itself:
//!
//! - content visibility: is this community's (or discussion's) content for its members only?
//! - signed-fetch access: what may a GET from another server read?
//! - relay eligibility: may this content be relayed, and from whom is it accepted?
//! - notification eligibility: who is told when something changes?
//!
//! A local viewer's reading rights are [`crate::Access`]; these are the same rules seen from
//! the network side.

use crate::community::Visibility;
use crate::event::ParticipantStatus;
use crate::guild::shared_with_guild;
use crate::policy::discussion_visibility;

// Content visibility.

/// Whether content of a community (in a members-only discussion or not) is for members only:
/// addressed to the community's followers, never to the public, and served to members only.
pub fn members_only_content(community: Visibility, members_only: bool) -> bool {
    discussion_visibility(community, members_only) == Visibility::Private
}

/// Whether an instance admin's powers apply in a community: on every local community and on
/// open remote ones, but not inside another server's private community, whose content this
/// server only holds on its members' behalf.
pub fn admin_powers_apply(local: bool, community: Visibility) -> bool {
    local || community != Visibility::Private
}

/// Whether a community's welcome message is in its public actor document: it is content
/// (what members are told), so a private community's is not. Its charter always is.
pub fn welcome_in_actor(community: Visibility) -> bool {
    !members_only_content(community, false)
}

/// Whether a community may be suggested as "like this one": private ones never are.
pub fn suggested_as_related(community: Visibility) -> bool {
    community != Visibility::Private
}

/// Whether a guild shows only a member community's name (it shares nothing else).
pub fn name_only_in_guild(community: Visibility) -> bool {
    let s = shared_with_guild(community);
    !(s.discussions || s.events || s.managers)
}

// Signed-fetch access.

/// Whether a GET of this content must come from a member or a member's server (a signed fetch
/// that [`crate::private_fetch_allowed`] accepts); everyone else is answered 404.
pub fn fetch_needs_membership(community: Visibility, members_only: bool) -> bool {
    members_only_content(community, members_only)
}

/// What a GET of a community's outbox (or featured collection) lists, given whether the reader
/// is a member or a member's server. `None`: the collection does not exist for this reader.
pub fn outbox_listing(community: Visibility, reader_is_member: bool) -> Option<OutboxListing> {
    if fetch_needs_membership(community, false) && !reader_is_member {
        return None;
    }
    Some(OutboxListing { members_only: reader_is_member })
}

/// What an outbox lists to one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutboxListing {
    /// Members-only discussions are listed.
    pub members_only: bool,
}

// Relay eligibility.

/// Whether the community's signed relay, not the author's server, is the authority for
/// content: only the community knows its members, so members-only content cannot be fetched
/// from its origin by everyone who gets it. Public content is always fetched from its origin.
pub fn community_relay_is_authority(community: Visibility, members_only: bool) -> bool {
    members_only_content(community, members_only)
}

/// Whether content for a remote community is accepted from someone other than the community
/// itself (a third party claiming to post there): never for a private community.
pub fn accepted_from_third_party(community: Visibility) -> bool {
    community != Visibility::Private
}

/// Whether a post of a community is relayed to the guilds it belongs to (their followers, or a
/// remote guild's inbox): guilds gather what their members share openly, nothing else.
pub fn relayed_to_guilds(community: Visibility, members_only: bool) -> bool {
    shared_with_guild(community).discussions && !members_only
}

/// Whether a community's content is delivered to each follower's own inbox rather than their
/// server's shared inbox: a shared inbox would hand private content to a server that must then
/// work out who may see it.
pub fn personal_inboxes_only(community: Visibility) -> bool {
    community == Visibility::Private
}

// Notification eligibility.

/// Whether a person with this RSVP is told when the event is edited, cancelled or deleted:
/// everyone still hoping to attend, not those an organiser refused. (The person who made the
/// change, and people on other servers, are not notified here either.)
pub fn notified_of_event_change(status: ParticipantStatus) -> bool {
    match status {
        ParticipantStatus::Going | ParticipantStatus::Waitlisted | ParticipantStatus::Pending => true,
        ParticipantStatus::Rejected => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Visibility::*;

    #[test]
    fn private_communities_and_members_only_discussions_stay_among_members() {
        for v in Visibility::ALL {
            assert!(members_only_content(v, true), "{v:?}");
            assert_eq!(members_only_content(v, false), v == Private, "{v:?}");
        }
    }

    #[test]
    fn content_visibility_agrees_with_a_local_viewers_access() {
        use crate::{Access, CommunityRole};
        for v in Visibility::ALL {
            for mo in [false, true] {
                let outsider = Access { visibility: v, role: CommunityRole::NonMember, instance_admin: false };
                assert_eq!(members_only_content(v, mo), !outsider.for_discussion(mo).can_read_content());
            }
        }
    }

    #[test]
    fn admins_stay_out_of_other_servers_private_communities() {
        assert!(admin_powers_apply(true, Private));
        assert!(!admin_powers_apply(false, Private));
        assert!(admin_powers_apply(false, Public) && admin_powers_apply(false, Approval));
    }

    #[test]
    fn private_communities_are_not_suggested_and_lend_guilds_their_name_only() {
        for v in Visibility::ALL {
            assert_eq!(suggested_as_related(v), v != Private);
            assert_eq!(name_only_in_guild(v), v == Private);
        }
    }

    #[test]
    fn fetches_of_members_only_content_need_membership() {
        for v in Visibility::ALL {
            assert!(fetch_needs_membership(v, true));
            assert_eq!(fetch_needs_membership(v, false), v == Private);
        }
    }

    #[test]
    fn outboxes_list_members_only_posts_to_members_only() {
        assert_eq!(outbox_listing(Private, false), None);
        assert_eq!(outbox_listing(Private, true), Some(OutboxListing { members_only: true }));
        for v in [Public, Approval] {
            assert_eq!(outbox_listing(v, false), Some(OutboxListing { members_only: false }));
            assert_eq!(outbox_listing(v, true), Some(OutboxListing { members_only: true }));
        }
    }

    #[test]
    fn the_community_vouches_for_members_only_content() {
        for v in Visibility::ALL {
            assert!(community_relay_is_authority(v, true));
            assert_eq!(community_relay_is_authority(v, false), v == Private);
            assert_eq!(accepted_from_third_party(v), v != Private);
        }
    }

    #[test]
    fn only_open_posts_reach_guilds() {
        for v in Visibility::ALL {
            assert!(!relayed_to_guilds(v, true), "{v:?}");
            assert_eq!(relayed_to_guilds(v, false), v != Private, "{v:?}");
        }
    }

    #[test]
    fn private_content_goes_to_personal_inboxes() {
        for v in Visibility::ALL {
            assert_eq!(personal_inboxes_only(v), v == Private);
        }
    }

    #[test]
    fn refused_attendees_are_not_told_of_changes() {
        use ParticipantStatus::*;
        let told: Vec<_> = ParticipantStatus::ALL.iter().copied().filter(|s| notified_of_event_change(*s)).collect();
        assert_eq!(told, vec![Going, Waitlisted, Pending]);
        assert!(!notified_of_event_change(Rejected));
    }
}
