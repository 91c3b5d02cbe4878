//! Every role × visibility × admin combination, with the expected answer spelled out.

use super::*;
use CommunityRole::*;
use Visibility::*;

fn access(visibility: Visibility, role: CommunityRole, instance_admin: bool) -> Access {
    Access { visibility, role, instance_admin }
}

fn every_case() -> impl Iterator<Item = Access> {
    Visibility::ALL.into_iter().flat_map(|v| {
        CommunityRole::ALL.into_iter().flat_map(move |r| [false, true].into_iter().map(move |a| access(v, r, a)))
    })
}

#[test]
fn profile_is_visible_to_everyone() {
    assert!(every_case().all(|a| a.can_see_profile()));
}

#[test]
fn content_readers() {
    for a in every_case() {
        let expected = match a.visibility {
            Public | Approval => true,
            Private => matches!(a.role, Member | Moderator) || a.instance_admin,
        };
        assert_eq!(a.can_read_content(), expected, "{a:?}");
        assert_eq!(a.read_content().is_ok(), expected, "{a:?}");
    }
}

#[test]
fn private_content_never_reaches_pending_banned_or_outsiders() {
    for role in [Anonymous, NonMember, Pending, Banned] {
        assert_eq!(access(Private, role, false).read_content(), Err(Denied::MembersOnly), "{role:?}");
    }
}

#[test]
fn joining() {
    for a in every_case() {
        let expected = match a.role {
            Anonymous => Err(Denied::SignInRequired),
            Banned => Err(Denied::Banned),
            Member | Moderator => Err(Denied::AlreadyMember),
            Pending => Err(Denied::AlreadyPending),
            NonMember => Ok(if a.visibility == Public { JoinOutcome::Joined } else { JoinOutcome::Requested }),
        };
        assert_eq!(a.join(false, false), expected, "{a:?}");
        assert_eq!(a.join(true, true), expected, "{a:?}");
        if a.role == NonMember {
            assert_eq!(a.join(true, false), Err(Denied::CharterNotAccepted), "{a:?}");
        }
    }
}

#[test]
fn leaving() {
    for a in every_case() {
        let expected = match a.role {
            Anonymous => Err(Denied::SignInRequired),
            NonMember => Err(Denied::NotMember),
            Banned => Err(Denied::Banned),
            Pending | Member | Moderator => Ok(()),
        };
        assert_eq!(a.leave(1), expected, "{a:?}");
    }
    assert_eq!(access(Public, Moderator, false).leave(0), Err(Denied::LastModerator));
    assert_eq!(access(Public, Member, false).leave(0), Ok(()));
}

#[test]
fn starting_discussions_needs_membership_whatever_the_visibility() {
    for a in every_case() {
        let expected = match a.role {
            Anonymous => Err(Denied::SignInRequired),
            Banned => Err(Denied::Banned),
            NonMember | Pending => Err(Denied::MembersOnly),
            Member | Moderator => Ok(()),
        };
        assert_eq!(a.start_discussion(), expected, "{a:?}");
    }
}

#[test]
fn replying_respects_locks_and_deletion() {
    for a in every_case() {
        let base = a.start_discussion();
        assert_eq!(a.reply(false, false), base, "{a:?}");
        let locked = match (base, a.role) {
            (Err(e), _) => Err(e),
            (Ok(()), Moderator) => Ok(()),
            (Ok(()), _) => Err(Denied::Locked),
        };
        assert_eq!(a.reply(true, false), locked, "{a:?}");
        if base.is_ok() {
            assert_eq!(a.reply(false, true), Err(Denied::Deleted), "{a:?}");
        }
    }
}

#[test]
fn moderators_and_admins_moderate() {
    for a in every_case() {
        let expected = match a.role {
            Anonymous => Err(Denied::SignInRequired),
            Moderator => Ok(()),
            _ if a.instance_admin => Ok(()),
            Banned => Err(Denied::Banned),
            _ => Err(Denied::ModeratorsOnly),
        };
        assert_eq!(a.moderate(), expected, "{a:?}");
    }
}

#[test]
fn only_authors_edit() {
    for a in every_case() {
        match a.role {
            Anonymous => assert_eq!(a.edit_post(true, false), Err(Denied::SignInRequired)),
            Banned => assert_eq!(a.edit_post(true, false), Err(Denied::Banned)),
            _ => assert_eq!(a.edit_post(true, false), Ok(()), "{a:?}"),
        }
        if a.role != Anonymous {
            // Not even moderators or admins rewrite someone else's words.
            assert_eq!(a.edit_post(false, false), Err(Denied::AuthorOnly), "{a:?}");
        }
    }
    assert_eq!(access(Public, Member, false).edit_post(true, true), Err(Denied::Deleted));
}

#[test]
fn authors_and_moderators_delete() {
    for a in every_case() {
        if a.role == Anonymous {
            assert_eq!(a.delete_post(true, false), Err(Denied::SignInRequired));
            continue;
        }
        assert_eq!(a.delete_post(true, false), Ok(()), "{a:?}");
        let others = if a.moderate().is_ok() { Ok(()) } else { Err(Denied::AuthorOnly) };
        assert_eq!(a.delete_post(false, false), others, "{a:?}");
        assert_eq!(a.delete_post(true, true), Err(Denied::Deleted), "{a:?}");
    }
}

#[test]
fn denial_codes_are_distinct() {
    let all = [
        Denied::SignInRequired,
        Denied::MembersOnly,
        Denied::Banned,
        Denied::AlreadyMember,
        Denied::AlreadyPending,
        Denied::CharterNotAccepted,
        Denied::NotMember,
        Denied::LastModerator,
        Denied::Locked,
        Denied::Deleted,
        Denied::ModeratorsOnly,
        Denied::AuthorOnly,
        Denied::AdminsOnly,
        Denied::InstanceNotAllowed,
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(|d| d.code()).collect();
    assert_eq!(codes.len(), all.len());
}

#[test]
fn members_vote_on_live_posts() {
    for a in every_case() {
        assert_eq!(a.vote(false), a.start_discussion(), "{a:?}");
        if a.start_discussion().is_ok() {
            assert_eq!(a.vote(true), Err(Denied::Deleted), "{a:?}");
        }
    }
}

#[test]
fn communities_can_admit_listed_instances_only() {
    let gc = vec!["gc.ca".to_string()];
    assert!(member_instance_allowed(&[], "anything.example"));
    assert!(member_instance_allowed(&gc, "tbs-sct.gc.ca"));
    assert!(member_instance_allowed(&gc, "GC.CA"));
    assert!(!member_instance_allowed(&gc, "gc.ca.evil.example"));
    assert!(!member_instance_allowed(&gc, "mastodon.social"));
}
