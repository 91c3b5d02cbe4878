//! Which notifications reach a reader, given how they set the community it happened in
//! (watch / normal / mute) and whether they muted the thread it is about. One rule, applied
//! where every notification is written, so every producer obeys it.

string_enum! {
    /// How much a member wants to hear from one community (per account and community).
    #[derive(Default)]
    NotifyLevel {
        /// Everything `normal` brings, plus every new discussion and event.
        Watch = "watch",
        /// Replies, mentions, favourites, polls and events one takes part in (the default).
        #[default]
        Normal = "normal",
        /// Nothing, except what a moderator must never miss and the reader's own news.
        Mute = "mute",
    }
}

/// Kinds that reach a reader whatever they set: moderators must never miss someone at the
/// door or a report, and a member's own join answer is news about them, not the community.
pub const ALWAYS: &[&str] = &[
    "join_request",
    "report",
    "moderator_left",
    "guild_link_requested",
    "guild_link_answered",
    "join_accepted",
    "join_refused",
];

/// Kinds about a discussion that "mute this thread" silences.
pub const THREAD: &[&str] = &["reply", "mention", "favourite", "poll_closed"];

/// Kinds that only watchers get.
pub const WATCHED: &[&str] = &["new_discussion", "new_event"];

/// Whether a notification of `kind` (its stable name) reaches a reader whose level for its
/// community is `level` and who has (`thread_muted`) or has not muted its discussion.
pub fn reaches(kind: &str, level: NotifyLevel, thread_muted: bool) -> bool {
    if ALWAYS.contains(&kind) {
        return true;
    }
    if level == NotifyLevel::Mute {
        return false;
    }
    if thread_muted && THREAD.contains(&kind) {
        return false;
    }
    if WATCHED.contains(&kind) {
        return level == NotifyLevel::Watch;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use NotifyLevel::*;

    const NORMAL_KINDS: &[&str] = &[
        "reply",
        "mention",
        "favourite",
        "poll_closed",
        "event_updated",
        "event_cancelled",
        "event_deleted",
        "event_reminder",
    ];

    #[test]
    fn default_is_normal_and_names_round_trip() {
        assert_eq!(NotifyLevel::default(), Normal);
        for l in NotifyLevel::ALL {
            assert_eq!(NotifyLevel::parse(l.as_str()), Some(*l));
        }
        assert_eq!(NotifyLevel::parse("loud"), None);
        assert_eq!(NotifyLevel::parse("Watch"), None);
    }

    #[test]
    fn what_must_never_be_missed_passes_every_level_and_a_muted_thread() {
        for k in ALWAYS {
            for l in NotifyLevel::ALL {
                for muted in [false, true] {
                    assert!(reaches(k, *l, muted), "{k} at {l} (thread muted: {muted})");
                }
            }
        }
    }

    #[test]
    fn mute_drops_everything_else() {
        for k in NORMAL_KINDS.iter().chain(WATCHED) {
            assert!(!reaches(k, Mute, false), "{k}");
            assert!(!reaches(k, Mute, true), "{k}");
        }
    }

    #[test]
    fn normal_gets_todays_kinds_but_not_new_posts() {
        for k in NORMAL_KINDS {
            assert!(reaches(k, Normal, false), "{k}");
        }
        for k in WATCHED {
            assert!(!reaches(k, Normal, false), "{k}");
        }
    }

    #[test]
    fn watch_gets_normal_and_new_posts() {
        for k in NORMAL_KINDS.iter().chain(WATCHED) {
            assert!(reaches(k, Watch, false), "{k}");
        }
    }

    #[test]
    fn a_muted_thread_drops_only_what_is_about_it() {
        for l in [Watch, Normal] {
            for k in THREAD {
                assert!(!reaches(k, l, true), "{k} at {l}");
                assert!(reaches(k, l, false), "{k} at {l}");
            }
            for k in ["event_updated", "event_reminder"] {
                assert!(reaches(k, l, true), "{k} at {l}");
            }
        }
        assert!(reaches("new_discussion", Watch, true));
    }

    #[test]
    fn kinds_not_yet_known_follow_the_normal_rule() {
        assert!(reaches("something_new", Normal, false));
        assert!(reaches("something_new", Watch, true));
        assert!(!reaches("something_new", Mute, false));
    }
}
