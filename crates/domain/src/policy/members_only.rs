//! What stays private: members-only discussions (a private community's past, or posts their
//! sender did not address to the public) and what limited instances keep out of public lists.

use super::Access;
use crate::community::{CommunityRole, Visibility};

/// The visibility a discussion is read under. A members-only discussion reads as if its
/// community were private, whatever the community's visibility is now.
pub fn discussion_visibility(community: Visibility, members_only: bool) -> Visibility {
    if members_only { Visibility::Private } else { community }
}

/// Whether a new discussion is members-only: when its community is private, or when its
/// sender (another server) did not address it to the public.
pub fn new_discussion_members_only(community: Visibility, not_public_by_sender: bool) -> bool {
    community == Visibility::Private || not_public_by_sender
}

/// Whether a discussion is members-only after an edit: an edit may narrow who reads it, never
/// widen it, so what was private stays private.
pub fn members_only_after_edit(before: bool, not_public_by_sender: bool) -> bool {
    before || not_public_by_sender
}

/// Whether changing a community's visibility from `from` to `to` must mark its existing
/// discussions members-only: opening a private community must not publish its past.
pub fn opening_keeps_past_private(from: Visibility, to: Visibility) -> bool {
    from == Visibility::Private && to != Visibility::Private
}

/// Whether a remote community is listed in the directory for a viewer with `role` in it:
/// communities on limited instances are listed to their members only.
pub fn listed_in_directory(on_limited_instance: bool, role: CommunityRole) -> bool {
    !on_limited_instance || role.is_member()
}

/// Which discussions a community's list shows one viewer (who may read the community).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// Members-only discussions are listed.
    pub members_only: bool,
    /// Discussions by authors on limited instances are listed.
    pub limited_authors: bool,
}

impl Access {
    /// The same viewer reading one discussion: the discussion's own visibility applies.
    pub fn for_discussion(self, members_only: bool) -> Access {
        Access { visibility: discussion_visibility(self.visibility, members_only), ..self }
    }

    /// What the community's discussion list shows this viewer. Limited authors stay listed for
    /// members and admins, who chose to be here; for others they are reachable, not listed.
    pub fn discussion_listing(&self) -> Listing {
        Listing {
            members_only: self.for_discussion(true).can_read_content(),
            limited_authors: self.role.is_member() || self.instance_admin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommunityRole::*;
    use Visibility::*;

    fn every_access() -> impl Iterator<Item = Access> {
        Visibility::ALL.into_iter().flat_map(|visibility| {
            CommunityRole::ALL.into_iter().flat_map(move |role| {
                [false, true].into_iter().map(move |instance_admin| Access { visibility, role, instance_admin })
            })
        })
    }

    #[test]
    fn members_only_discussions_read_as_private_content() {
        for a in every_access() {
            let private = Access { visibility: Private, ..a };
            assert_eq!(a.for_discussion(true).can_read_content(), private.can_read_content(), "{a:?}");
            assert_eq!(a.for_discussion(false), a, "{a:?}");
        }
        for role in [Anonymous, NonMember, Pending, Banned] {
            let a = Access { visibility: Public, role, instance_admin: false };
            assert!(!a.for_discussion(true).can_read_content(), "{role:?}");
        }
        for (role, admin) in [(Member, false), (Moderator, false), (NonMember, true)] {
            let a = Access { visibility: Public, role, instance_admin: admin };
            assert!(a.for_discussion(true).can_read_content(), "{role:?}");
        }
    }

    #[test]
    fn reading_as_private_changes_nothing_else() {
        // Posting, voting and moderating already need membership; only reading changes.
        for a in every_access() {
            let d = a.for_discussion(true);
            assert_eq!((d.role, d.instance_admin), (a.role, a.instance_admin));
            assert_eq!(d.reply(false, false), a.reply(false, false), "{a:?}");
            assert_eq!(d.vote(false), a.vote(false), "{a:?}");
            assert_eq!(d.moderate(), a.moderate(), "{a:?}");
        }
    }

    #[test]
    fn new_discussions_are_members_only_in_private_communities_or_when_the_sender_says_so() {
        for v in Visibility::ALL {
            assert_eq!(new_discussion_members_only(v, false), v == Private, "{v:?}");
            assert!(new_discussion_members_only(v, true), "{v:?}");
        }
    }

    #[test]
    fn an_edit_never_makes_a_discussion_public() {
        assert!(members_only_after_edit(true, false));
        assert!(members_only_after_edit(true, true));
        assert!(members_only_after_edit(false, true));
        assert!(!members_only_after_edit(false, false));
    }

    #[test]
    fn only_opening_a_private_community_marks_its_past() {
        for from in Visibility::ALL {
            for to in Visibility::ALL {
                let expected = from == Private && matches!(to, Public | Approval);
                assert_eq!(opening_keeps_past_private(from, to), expected, "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn lists_show_members_only_and_limited_posts_to_members_and_admins() {
        for a in every_access() {
            let insider = a.role.is_member() || a.instance_admin;
            assert_eq!(a.discussion_listing(), Listing { members_only: insider, limited_authors: insider }, "{a:?}");
        }
    }

    #[test]
    fn limited_communities_are_listed_to_their_members_only() {
        for role in CommunityRole::ALL {
            assert!(listed_in_directory(false, role), "{role:?}");
            assert_eq!(listed_in_directory(true, role), matches!(role, Member | Moderator), "{role:?}");
        }
    }
}
