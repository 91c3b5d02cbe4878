//! Lemmy's moderation shapes as we send them: the same bytes as the `json!` they replaced.

use chrono::{TimeZone, Utc};
use serde_json::json;
use url::Url;

use super::{BlockKind, ModerationKind, SentBlock, SentModeration};
use crate::activities::follow::UndoOf;
use crate::wire::{PUBLIC, public, with_context};

fn u(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn lock_pin_and_their_undo_are_written_as_before() {
    let (actor, object, group) =
        (u("https://a.example/u/mod"), u("https://a.example/d/1"), u("https://a.example/c/ux"));
    let id = u("https://a.example/activities/1");
    let base = |kind: &str| {
        json!({
            "id": id,
            "type": kind,
            "actor": actor,
            "object": object,
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
        })
    };
    let lock = SentModeration::new(id.clone(), ModerationKind::Lock, actor.clone(), object.clone(), group.clone());
    assert_eq!(with_context(&lock).unwrap().to_string(), with_context(base("Lock")).unwrap().to_string());
    let undo_id = u("https://a.example/activities/2");
    let golden = json!({"id": undo_id, "type": "Undo", "actor": actor, "object": base("Lock"),
                        "to": [PUBLIC], "cc": [group], "audience": group});
    let undo = UndoOf::new(undo_id, actor.clone(), lock, group.clone());
    assert_eq!(with_context(&undo).unwrap().to_string(), with_context(golden).unwrap().to_string());
    let mut golden = base("Remove");
    golden["target"] = json!(format!("{group}/featured"));
    let mut remove = SentModeration::new(id, ModerationKind::Remove, actor, object, group.clone());
    remove.target = Some(format!("{group}/featured"));
    assert_eq!(with_context(&remove).unwrap().to_string(), with_context(golden).unwrap().to_string());
}

#[test]
fn bans_and_their_undo_are_written_as_before() {
    let (actor, person, group) =
        (u("https://a.example/u/mod"), u("https://b.example/u/bob"), u("https://a.example/c/ux"));
    let id = u("https://a.example/activities/1");
    let expires = Utc.with_ymd_and_hms(2030, 1, 2, 3, 4, 5).unwrap();
    for (reason, until) in [(None, None), (Some("spam"), Some(expires))] {
        let mut golden = json!({
            "id": id,
            "type": "Block",
            "actor": actor,
            "object": person,
            "target": group,
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
            "removeData": false,
        });
        if let Some(r) = reason {
            golden["summary"] = json!(r);
        }
        if let Some(e) = until {
            golden["expires"] = json!(e);
        }
        let block = SentBlock {
            id: id.clone(),
            kind: BlockKind::Block,
            actor: actor.clone(),
            object: person.clone(),
            target: group.clone(),
            to: vec![public()],
            cc: vec![group.clone()],
            audience: group.clone(),
            remove_data: false,
            summary: reason.map(str::to_owned),
            expires: until,
        };
        assert_eq!(with_context(&block).unwrap().to_string(), with_context(&golden).unwrap().to_string());
        let undo_id = u("https://a.example/activities/2");
        let undo_golden = json!({
            "id": undo_id,
            "type": "Undo",
            "actor": golden["actor"],
            "object": golden,
            "to": [PUBLIC],
            "cc": [group],
            "audience": group,
        });
        let undo = UndoOf::new(undo_id, block.actor.clone(), block, group.clone());
        assert_eq!(with_context(&undo).unwrap().to_string(), with_context(undo_golden).unwrap().to_string());
    }
}
