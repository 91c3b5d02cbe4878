//! Reading notifications by kind and in groups: filters (by kind names, or the page's named
//! filters) and the rule that folds consecutive notifications of the same kind about the same
//! discussion into one line ("5 new replies in …"), read together.

use chrono::Utc;
use guildhall_store::notifications as store;

use crate::notifications::{Kind, NotificationList, NotificationView, views};
use crate::{AppContext, Error, Page, Result, Viewer};

/// The named filters of the notifications page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    /// Everything.
    #[default]
    All,
    /// Replies and mentions.
    Replies,
    /// Join requests and answers, reports, guild links, moderators leaving.
    Requests,
    /// Events: changes, reminders, new ones.
    Events,
    /// New discussions and events in watched communities.
    Watched,
}

impl Filter {
    /// Every filter, in the order the page offers them.
    pub const ALL: &'static [Filter] =
        &[Filter::All, Filter::Replies, Filter::Requests, Filter::Events, Filter::Watched];

    /// The name in the page's query (`?filter=`).
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Replies => "replies",
            Filter::Requests => "requests",
            Filter::Events => "events",
            Filter::Watched => "watched",
        }
    }

    /// Parses a name; unknown names are none.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|f| f.as_str() == s)
    }

    /// The kinds it shows (empty: all).
    pub fn kinds(self) -> &'static [Kind] {
        match self {
            Filter::All => &[],
            Filter::Replies => &[Kind::Reply, Kind::Mention],
            Filter::Requests => &[
                Kind::JoinRequest,
                Kind::JoinAccepted,
                Kind::JoinRefused,
                Kind::Report,
                Kind::GuildLinkRequested,
                Kind::GuildLinkAnswered,
                Kind::ModeratorLeft,
            ],
            Filter::Events => {
                &[Kind::EventUpdated, Kind::EventCancelled, Kind::EventDeleted, Kind::EventReminder, Kind::NewEvent]
            }
            Filter::Watched => &[Kind::NewDiscussion, Kind::NewEvent],
        }
    }
}

/// Parses a comma-separated list of kind names (`reply,mention`); an unknown name is bad
/// input naming `kinds`. Blank: all kinds.
pub fn parse_kinds(raw: &str) -> Result<Vec<Kind>> {
    let mut out = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let k = Kind::parse(name)
            .ok_or_else(|| guildhall_domain::Invalid::new("kinds", format!("'{name}' is not a notification kind")))?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    Ok(out)
}

/// Folds consecutive notifications with the same `group_key` into the first (newest) of
/// them: its `count` and `group_ids` cover them all, and it is unread if any of them is.
/// Notifications not about a discussion stay one line each.
pub fn group(items: Vec<NotificationView>) -> Vec<NotificationView> {
    let mut out: Vec<NotificationView> = Vec::with_capacity(items.len());
    for n in items {
        if let Some(last) = out.last_mut()
            && n.group_key.is_some()
            && last.group_key == n.group_key
        {
            last.count += n.count;
            last.group_ids.extend(n.group_ids);
            if n.read_at.is_none() {
                last.read_at = None;
            }
            continue;
        }
        out.push(n);
    }
    out
}

/// The viewer's notifications of `kinds` (all when empty), newest first; `grouped` folds
/// consecutive ones about the same discussion (within the page).
pub async fn list(
    ctx: &AppContext,
    viewer: &Viewer,
    page: Page,
    kinds: &[Kind],
    grouped: bool,
) -> Result<NotificationList> {
    let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let rows = store::list_kinds(ctx.db(), viewer.account_id, &names, page).await?;
    let unread_count = store::count_unread(ctx.db(), viewer.account_id).await?;
    let items = views(ctx, rows.items).await?;
    Ok(NotificationList {
        items: if grouped { group(items) } else { items },
        page: page.number,
        limit: page.limit,
        has_more: rows.has_more,
        unread_count,
    })
}

/// Marks read one of the viewer's notifications and every unread one of the same kind about
/// the same discussion (its group); someone else's answers not found. Returns how many.
pub async fn mark_group_read(ctx: &AppContext, viewer: &Viewer, id: i64) -> Result<u64> {
    let n = store::find_owned(ctx.db(), viewer.account_id, id).await?.ok_or(Error::NotFound("notification"))?;
    let now = Utc::now();
    match n.discussion_id {
        Some(d) => Ok(store::mark_read_about(ctx.db(), viewer.account_id, &n.kind, d, now).await?),
        None => Ok(u64::from(n.read_at.is_none() && store::mark_read(ctx.db(), viewer.account_id, id, now).await?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn n(id: i64, kind: &str, discussion: Option<i64>, read: bool) -> NotificationView {
        NotificationView {
            id,
            kind: kind.into(),
            title: "t".into(),
            body: String::new(),
            link: String::new(),
            created_at: DateTime::<Utc>::UNIX_EPOCH,
            read_at: read.then_some(DateTime::<Utc>::UNIX_EPOCH),
            actor: None,
            post: None,
            community: None,
            group_key: discussion.map(|d| format!("{kind}:{d}")),
            count: 1,
            group_ids: vec![id],
        }
    }

    #[test]
    fn consecutive_same_kind_same_discussion_make_one_line() {
        let g = group(vec![
            n(9, "reply", Some(1), true),
            n(8, "reply", Some(1), false),
            n(7, "reply", Some(1), true),
            n(6, "mention", Some(1), false),
            n(5, "reply", Some(1), true),
        ]);
        assert_eq!(g.len(), 3);
        assert_eq!((g[0].id, g[0].count, g[0].group_ids.clone()), (9, 3, vec![9, 8, 7]));
        assert!(g[0].read_at.is_none(), "unread when any of the group is");
        assert_eq!((g[1].kind.as_str(), g[1].count), ("mention", 1));
        assert_eq!((g[2].id, g[2].count), (5, 1), "not consecutive: a line of its own");
        assert!(g[2].read_at.is_some());
    }

    #[test]
    fn other_discussions_and_notifications_about_no_discussion_stay_apart() {
        let g = group(vec![
            n(4, "reply", Some(1), false),
            n(3, "reply", Some(2), false),
            n(2, "join_request", None, false),
            n(1, "join_request", None, false),
        ]);
        assert_eq!(g.iter().map(|v| v.count).collect::<Vec<_>>(), vec![1, 1, 1, 1]);
        assert!(group(vec![]).is_empty());
    }

    #[test]
    fn kinds_parse_and_unknown_names_are_refused() {
        assert_eq!(parse_kinds("reply, mention,reply").unwrap(), vec![Kind::Reply, Kind::Mention]);
        assert!(parse_kinds("").unwrap().is_empty());
        let e = parse_kinds("reply,shouting").unwrap_err();
        assert!(e.to_string().contains("kinds") || format!("{e:?}").contains("kinds"), "{e:?}");
    }

    #[test]
    fn filters_round_trip_and_cover_their_kinds() {
        for f in Filter::ALL {
            assert_eq!(Filter::parse(f.as_str()), Some(*f));
        }
        assert_eq!(Filter::parse("loud"), None);
        assert!(Filter::All.kinds().is_empty());
        assert!(Filter::Watched.kinds().contains(&Kind::NewDiscussion));
        assert!(Filter::Requests.kinds().contains(&Kind::JoinRequest));
        assert!(Filter::Replies.kinds().contains(&Kind::Mention));
    }
}
