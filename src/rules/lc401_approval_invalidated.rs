//! An approved or launched launch request does not change in substance while its approvals stay as they were.
//!
//! ## What it checks
//! In pull-request mode (`--base REV`), for each launch request that was `approved` or
//! `launched` at the merge base and is still in the change: when anything of substance
//! differs from the base copy, the `approvals` must differ too. Everything counts as
//! substance except `status`, `approvals`, `communication`, `emergency.reviewed_by`,
//! `emergency.reviewed_at`, `waivers`, `id` (LC403 judges that) and `x-` extension keys.
//!
//! The finding points at the first changed value in the changed file and names the others;
//! a related span shows the value at base.
//!
//! ## Why it matters
//! Approvers signed off on the request as it was. A window moved by a week, a rollback step
//! dropped or a service added after the sign-off would otherwise launch under approvals that
//! never saw it.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # at base: status = "approved", window.start = 2026-12-01T02:00:00+08:00
//! # in the change only the window moved:
//! status = "approved"
//! [window]
//! start = 2026-12-08T02:00:00+08:00
//! end = 2026-12-08T04:00:00+08:00
//! [[approvals]]
//! role = "service-owner"
//! by = "carol"
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! ```
//!
//! ## Passing example
//! ```toml
//! # the window moved, and the approver approved the new window
//! status = "approved"
//! [window]
//! start = 2026-12-08T02:00:00+08:00
//! end = 2026-12-08T04:00:00+08:00
//! [[approvals]]
//! role = "service-owner"
//! by = "carol"
//! at = 2026-11-26T10:00:00+08:00
//! decision = "approved"
//! note = "re-approved for the new window"
//! ```

use serde_json::Value;

use crate::diagnostic::Finding;
use crate::document::{display_path, Seg};
use crate::git::{top_level_text, History};
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::External;

/// Top-level keys that may change without new approvals.
const PROCEDURAL: [&str; 5] = ["status", "approvals", "communication", "waivers", "id"];
/// Keys of `[emergency]` that record the review after the launch.
const REVIEW: [&str; 2] = ["reviewed_by", "reviewed_at"];
/// At most this many changed keys are named in a message.
const NAMED: usize = 4;

/// One segment of a changed key path, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Key(String),
    Index(usize),
}

fn segs(path: &[Part]) -> Vec<Seg<'_>> {
    path.iter()
        .map(|p| match p {
            Part::Key(k) => Seg::Key(k.as_str()),
            Part::Index(i) => Seg::Index(*i),
        })
        .collect()
}

fn procedural(path: &[Part]) -> bool {
    if matches!(path.last(), Some(Part::Key(key)) if key.starts_with("x-")) {
        return true;
    }
    match path {
        [Part::Key(key)] => PROCEDURAL.contains(&key.as_str()),
        [Part::Key(table), Part::Key(key)] => {
            table == "emergency" && REVIEW.contains(&key.as_str())
        }
        _ => false,
    }
}

/// Collects the key paths whose values differ, in the head's key order, then keys only the
/// base has. Arrays of different length count as one change.
fn differences(base: &Value, head: &Value, path: &mut Vec<Part>, out: &mut Vec<Vec<Part>>) {
    match (base, head) {
        (Value::Object(b), Value::Object(h)) => {
            let keys = h.keys().chain(b.keys().filter(|k| !h.contains_key(*k)));
            for key in keys {
                path.push(Part::Key(key.clone()));
                if !procedural(path) {
                    match (b.get(key), h.get(key)) {
                        (Some(bv), Some(hv)) => differences(bv, hv, path, out),
                        _ => out.push(path.clone()),
                    }
                }
                path.pop();
            }
        }
        (Value::Array(b), Value::Array(h)) if b.len() == h.len() => {
            for (i, (bv, hv)) in b.iter().zip(h).enumerate() {
                path.push(Part::Index(i));
                differences(bv, hv, path, out);
                path.pop();
            }
        }
        _ if base != head => out.push(path.clone()),
        _ => {}
    }
}

pub fn check(history: &History<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for change in &history.documents {
        let (Some(base), Some(head)) = (change.base_launch(), change.head_launch()) else {
            continue;
        };
        let Some(status @ ("approved" | "launched")) = top_level_text(base, "status") else {
            continue;
        };
        if base.json().get("approvals") != head.json().get("approvals") {
            continue;
        }
        let mut changed = Vec::new();
        differences(base.json(), head.json(), &mut Vec::new(), &mut changed);
        let Some(first) = changed.first() else {
            continue;
        };
        let first_segs = segs(first);
        let first_key = display_path(&first_segs);
        let id = top_level_text(head, "id").unwrap_or("this request");
        let others: Vec<String> = changed[1..]
            .iter()
            .take(NAMED)
            .map(|p| format!("`{}`", display_path(&segs(p))))
            .collect();
        let more = changed.len() - 1 - others.len();
        let also = match (others.is_empty(), more) {
            (true, _) => String::new(),
            (false, 0) => format!(" (and {})", others.join(", ")),
            (false, more) => format!(" (and {} and {more} more)", others.join(", ")),
        };
        let mut finding = super::at_path(
            head,
            "LC401",
            &first_segs,
            format!(
                "`{id}` was {status} at base, and `{first_key}`{also} changed since, but its approvals are the same as before"
            ),
        )
        .help(
            "have the approvers approve the changed request (new or updated `[[approvals]]`), \
             or drop the approvals and set `status = \"submitted\"`; if the edit was a mistake, revert it",
        );
        let at_base = base
            .span_of(&first_segs)
            .map(|span| {
                (
                    span,
                    format!("`{first_key}` at base ({})", history.merge_base),
                )
            })
            .or_else(|| {
                base.span_of(&[Seg::Key("status")])
                    .map(|span| (span, format!("{status} at base ({})", history.merge_base)))
            });
        if let Some((span, message)) = at_base {
            finding = finding.related(base.file, span, message);
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changed(base: Value, head: Value) -> Vec<String> {
        let mut out = Vec::new();
        differences(&base, &head, &mut Vec::new(), &mut out);
        out.iter().map(|p| display_path(&segs(p))).collect()
    }

    #[test]
    fn procedural_keys_do_not_count() {
        let base = json!({"status": "approved", "communication": {"channels": ["#a"]},
            "emergency": {"reason": "r", "reviewed_by": "x"}, "x-ticket": "1", "waivers": []});
        let head = json!({"status": "launched", "communication": {"channels": ["#b"]},
            "emergency": {"reason": "r", "reviewed_by": "y", "reviewed_at": "2026-12-01T00:00:00Z"},
            "x-ticket": "2"});
        assert!(changed(base, head).is_empty());
    }

    #[test]
    fn substance_is_named_by_key_path() {
        let base = json!({"window": {"start": "a", "end": "b"}, "steps": [{"action": "x"}], "risk": "low"});
        let head = json!({"window": {"start": "c", "end": "b"}, "steps": [{"action": "y"}], "emergency": {"reason": "r"}});
        assert_eq!(
            changed(base, head),
            ["window.start", "steps[0].action", "emergency", "risk"]
        );
        let base = json!({"services": ["a"]});
        let head = json!({"services": ["a", "b"]});
        assert_eq!(changed(base, head), ["services"]);
    }
}
