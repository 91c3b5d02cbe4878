//! Who may see, join, post and moderate: every permission decision in Guildhall is made here,
//! once, as a pure function of the viewer's role and the community's settings.

use crate::community::{CommunityRole, Visibility};
use serde::Serialize;

mod members_only;
pub use members_only::{
    Listing, discussion_visibility, listed_in_directory, members_only_after_edit, new_discussion_members_only,
    opening_keeps_past_private,
};

/// What the policies need to know about one viewer in one community.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Access {
    /// The community's visibility.
    pub visibility: Visibility,
    /// The viewer's role in the community.
    pub role: CommunityRole,
    /// Whether the viewer administers this instance.
    pub instance_admin: bool,
}

/// Why an action was refused; each has a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Denied {
    /// The action needs a signed-in account.
    #[error("you need to sign in first")]
    SignInRequired,
    /// Only approved members may do this.
    #[error("only members of this community may do this")]
    MembersOnly,
    /// The viewer is banned from the community.
    #[error("you are banned from this community")]
    Banned,
    /// The viewer is already a member.
    #[error("you are already a member of this community")]
    AlreadyMember,
    /// The viewer already asked to join.
    #[error("your request to join is already waiting for a moderator")]
    AlreadyPending,
    /// The community has a charter the viewer did not accept.
    #[error("you must accept the community charter to join")]
    CharterNotAccepted,
    /// The viewer is not a member, so cannot leave.
    #[error("you are not a member of this community")]
    NotMember,
    /// The last moderator cannot leave without a successor.
    #[error("you are the last moderator: appoint another moderator before leaving")]
    LastModerator,
    /// The discussion is locked.
    #[error("this discussion is locked")]
    Locked,
    /// The post was deleted.
    #[error("this post was deleted")]
    Deleted,
    /// Only moderators (or instance admins) may do this.
    #[error("only moderators of this community may do this")]
    ModeratorsOnly,
    /// Only the author may do this.
    #[error("only the author may do this")]
    AuthorOnly,
    /// Only instance admins may do this.
    #[error("only administrators of this instance may do this")]
    AdminsOnly,
    /// The community admits members from listed instances only.
    #[error("this community admits members from certain instances only")]
    InstanceNotAllowed,
    /// The poll is closed.
    #[error("this poll is closed")]
    PollClosed,
    /// The event was cancelled.
    #[error("this event was cancelled")]
    EventCancelled,
    /// The event takes no RSVPs here (they happen elsewhere).
    #[error("this event takes no RSVPs here")]
    RsvpClosed,
}

impl Denied {
    /// Whether the request only repeats what is already so (a member joining again, a second
    /// request to join): a conflict with the current state rather than something forbidden.
    pub fn repeats_current_state(self) -> bool {
        matches!(self, Denied::AlreadyMember | Denied::AlreadyPending)
    }

    /// The stable code used in API error bodies.
    pub fn code(self) -> &'static str {
        match self {
            Denied::SignInRequired => "sign_in_required",
            Denied::MembersOnly => "members_only",
            Denied::Banned => "banned",
            Denied::AlreadyMember => "already_member",
            Denied::AlreadyPending => "already_pending",
            Denied::CharterNotAccepted => "charter_not_accepted",
            Denied::NotMember => "not_member",
            Denied::LastModerator => "last_moderator",
            Denied::Locked => "locked",
            Denied::Deleted => "deleted",
            Denied::ModeratorsOnly => "moderators_only",
            Denied::AuthorOnly => "author_only",
            Denied::AdminsOnly => "admins_only",
            Denied::InstanceNotAllowed => "instance_not_allowed",
            Denied::PollClosed => "poll_closed",
            Denied::EventCancelled => "event_cancelled",
            Denied::RsvpClosed => "rsvp_closed",
        }
    }
}

/// Whether a member whose account lives on `host` may join a community that admits members
/// from `allowed` instances only (empty: anyone). A listed domain covers its subdomains.
pub fn member_instance_allowed(allowed: &[String], host: &str) -> bool {
    allowed.is_empty()
        || crate::FederationPolicy {
            mode: crate::FederationMode::Allowlist,
            domains: allowed.to_vec(),
            ..Default::default()
        }
        .allows(host)
}

/// What a successful join does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinOutcome {
    /// The viewer is a member now.
    Joined,
    /// A join request waits for a moderator.
    Requested,
}

impl Access {
    /// Name, title, description and charter: visible to everyone, so people can find and
    /// ask to join even private communities.
    pub fn can_see_profile(&self) -> bool {
        true
    }

    /// Discussions, replies and the members list.
    pub fn can_read_content(&self) -> bool {
        match self.visibility {
            Visibility::Public | Visibility::Approval => true,
            Visibility::Private => self.role.is_member() || self.instance_admin,
        }
    }

    /// Refusal to use when content may not be read (for lists; single items answer 404).
    pub fn read_content(&self) -> Result<(), Denied> {
        if self.can_read_content() { Ok(()) } else { Err(Denied::MembersOnly) }
    }

    /// Joining: public communities at once, the others by request.
    pub fn join(&self, has_charter: bool, accepted_charter: bool) -> Result<JoinOutcome, Denied> {
        match self.role {
            CommunityRole::Anonymous => return Err(Denied::SignInRequired),
            CommunityRole::Banned => return Err(Denied::Banned),
            CommunityRole::Member | CommunityRole::Moderator => return Err(Denied::AlreadyMember),
            CommunityRole::Pending => return Err(Denied::AlreadyPending),
            CommunityRole::NonMember => {}
        }
        if has_charter && !accepted_charter {
            return Err(Denied::CharterNotAccepted);
        }
        Ok(match self.visibility {
            Visibility::Public => JoinOutcome::Joined,
            Visibility::Approval | Visibility::Private => JoinOutcome::Requested,
        })
    }

    /// Leaving (or withdrawing a join request). `other_moderators` counts the moderators
    /// besides the viewer.
    pub fn leave(&self, other_moderators: u64) -> Result<(), Denied> {
        match self.role {
            CommunityRole::Anonymous => Err(Denied::SignInRequired),
            CommunityRole::NonMember => Err(Denied::NotMember),
            // Leaving would let a banned member rejoin: bans are lifted by moderators only.
            CommunityRole::Banned => Err(Denied::Banned),
            CommunityRole::Moderator if other_moderators == 0 => Err(Denied::LastModerator),
            CommunityRole::Pending | CommunityRole::Member | CommunityRole::Moderator => Ok(()),
        }
    }

    /// Starting a discussion.
    pub fn start_discussion(&self) -> Result<(), Denied> {
        self.require_member()
    }

    /// Replying in a discussion.
    pub fn reply(&self, discussion_locked: bool, discussion_deleted: bool) -> Result<(), Denied> {
        self.require_member()?;
        if discussion_deleted {
            return Err(Denied::Deleted);
        }
        if discussion_locked && self.role != CommunityRole::Moderator {
            return Err(Denied::Locked);
        }
        Ok(())
    }

    /// Voting on a post: members, on posts that still exist.
    pub fn vote(&self, deleted: bool) -> Result<(), Denied> {
        self.require_member()?;
        if deleted { Err(Denied::Deleted) } else { Ok(()) }
    }

    /// Moderating: pin, lock, remove others' posts, decide join requests, edit settings,
    /// appoint moderators. Instance admins may always step in.
    pub fn moderate(&self) -> Result<(), Denied> {
        match self.role {
            CommunityRole::Anonymous => Err(Denied::SignInRequired),
            CommunityRole::Moderator => Ok(()),
            _ if self.instance_admin => Ok(()),
            CommunityRole::Banned => Err(Denied::Banned),
            _ => Err(Denied::ModeratorsOnly),
        }
    }

    /// Editing a post: the author only, while still allowed to post here.
    pub fn edit_post(&self, is_author: bool, deleted: bool) -> Result<(), Denied> {
        if self.role == CommunityRole::Anonymous {
            return Err(Denied::SignInRequired);
        }
        if !is_author {
            return Err(Denied::AuthorOnly);
        }
        if deleted {
            return Err(Denied::Deleted);
        }
        if self.role == CommunityRole::Banned {
            return Err(Denied::Banned);
        }
        Ok(())
    }

    /// Deleting a post: its author (even after leaving) or a moderator.
    pub fn delete_post(&self, is_author: bool, deleted: bool) -> Result<(), Denied> {
        if self.role == CommunityRole::Anonymous {
            return Err(Denied::SignInRequired);
        }
        if deleted {
            return Err(Denied::Deleted);
        }
        if is_author || self.moderate().is_ok() { Ok(()) } else { Err(Denied::AuthorOnly) }
    }

    fn require_member(&self) -> Result<(), Denied> {
        match self.role {
            CommunityRole::Anonymous => Err(Denied::SignInRequired),
            CommunityRole::Banned => Err(Denied::Banned),
            CommunityRole::Member | CommunityRole::Moderator => Ok(()),
            CommunityRole::NonMember | CommunityRole::Pending => Err(Denied::MembersOnly),
        }
    }
}

#[cfg(test)]
mod tests;
