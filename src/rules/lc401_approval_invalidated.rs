//! A launch request changed in substance after its approval is approved again by every required role.
//!
//! ## What it checks
//! In pull-request mode (`--base REV`) and for commits (`--staged`), for each launch request
//! that was `approved`, `launched` or `rolled-back` at the base and is not `submitted` or
//! `draft` now (sending a request back for approval is the legal way to edit it): when
//! anything of substance differs from the base copy, every approval that was already there
//! — same `role`, `by` and `at` — approved the old content and no longer counts. Editing its
//! `note` or `decision` does not renew it; a new approval with a new `at` does. The finding
//! lists the roles that must approve again and clears when every role the policy requires
//! (for the risk, plus a freeze's extra roles) has a new approval dated before the window.
//!
//! Everything counts as substance except `status`, `approvals`, `communication`,
//! `emergency.reviewed_by`, `emergency.reviewed_at`, `waivers`, `id` (`history-rewrite`
//! judges that) and `x-` extension keys. The finding points at the first changed value and
//! names the others; a related span shows the value at base. `approvals` (LC103) and
//! `separation-of-duties` (LC104) ignore the stale approvals and stay silent for the roles
//! listed here: one mistake, one finding.
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
//! Adding `note = "still ok"` to that approval changes nothing: it is the same approval.
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

use std::collections::HashMap;

use jiff::Timestamp;
use serde_json::Value;

use super::lc101_plan_link::list;
use super::lc103_approvals;
use crate::diagnostic::Finding;
use crate::document::{display_path, Document, Seg};
use crate::git::{top_level_text, DocChange, History};
use crate::index::Repo;
use crate::model::Decision;
use crate::source::FileId;

pub const CHECK: super::Check = super::Check::History {
    change: check,
    every_run: None,
};

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

/// A launch request that was approved at base and has changed in substance since.
struct Invalidated<'h, 'a> {
    base: &'h Document<'a>,
    head: &'h Document<'a>,
    status: &'h str,
    changed: Vec<Vec<Part>>,
    /// Indexes of the head's approvals that were already present at base (same role, by
    /// and at): they approved the old content.
    stale: Vec<usize>,
}

fn invalidated<'h, 'a>(change: &DocChange<'a>) -> Option<Invalidated<'h, 'a>>
where
    'a: 'h,
{
    let (base, head) = (change.base_launch()?, change.head_launch()?);
    let status @ ("approved" | "launched" | "rolled-back") = top_level_text(base, "status")? else {
        return None;
    };
    // Sending a request back for approval is the legal way to edit it.
    if matches!(top_level_text(head, "status"), Some("submitted" | "draft")) {
        return None;
    }
    let mut changed = Vec::new();
    differences(base.json(), head.json(), &mut Vec::new(), &mut changed);
    if changed.is_empty() {
        return None;
    }
    let signature = |approval: &Value| {
        let text = |key: &str| approval.get(key).and_then(Value::as_str).unwrap_or("");
        let at = text("at");
        let at = at
            .parse::<Timestamp>()
            .map_or_else(|_| at.to_owned(), |t| t.to_string());
        (text("role").to_owned(), text("by").to_owned(), at)
    };
    let approvals = |doc: &Document<'_>| -> Vec<Value> {
        doc.json()
            .get("approvals")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let at_base: Vec<_> = approvals(base).iter().map(signature).collect();
    let stale = approvals(head)
        .iter()
        .enumerate()
        .filter(|(_, a)| at_base.contains(&signature(a)))
        .map(|(i, _)| i)
        .collect();
    Some(Invalidated {
        base,
        head,
        status,
        changed,
        stale,
    })
}

/// For each launch request changed in substance since it was approved, the indexes of its
/// approvals that no longer count: LC103 and LC104 ignore them.
pub fn stale_approvals(history: &History<'_>) -> HashMap<FileId, Vec<usize>> {
    history
        .documents
        .iter()
        .filter_map(invalidated)
        .filter(|i| !i.stale.is_empty())
        .map(|i| (i.head.file, i.stale))
        .collect()
}

pub fn check(history: &History<'_>, repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for change in &history.documents {
        let Some(found) = invalidated(change) else {
            continue;
        };
        let Some(entry) = repo.launch_in_file(found.head.file) else {
            continue;
        };
        let launch = &entry.model;
        let start = launch.window.start;
        let fresh: Vec<&str> = launch
            .approvals
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                !found.stale.contains(i) && a.decision == Decision::Approved && a.at < start
            })
            .map(|(_, a)| a.role.as_str())
            .collect();
        let required = lc103_approvals::required_roles(launch, &entry.rules, &repo.policy.freezes);
        let again: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|r| !fresh.contains(r))
            .collect();
        if again.is_empty() {
            continue;
        }
        out.push(finding(history, &found, &again));
    }
}

fn finding(history: &History<'_>, found: &Invalidated<'_, '_>, again: &[&str]) -> Finding {
    let (base, head, status) = (found.base, found.head, found.status);
    let first = &found.changed[0];
    let first_segs = segs(first);
    let first_key = display_path(&first_segs);
    let id = top_level_text(head, "id").unwrap_or("this request");
    let others: Vec<String> = found.changed[1..]
        .iter()
        .take(NAMED)
        .map(|p| format!("`{}`", display_path(&segs(p))))
        .collect();
    let more = found.changed.len() - 1 - others.len();
    let also = match (others.is_empty(), more) {
        (true, _) => String::new(),
        (false, 0) => format!(" (and {})", others.join(", ")),
        (false, more) => format!(" (and {} and {more} more)", others.join(", ")),
    };
    let roles = list(again);
    let mut finding = super::at_path(
        head,
        &super::APPROVAL_INVALIDATED,
        &first_segs,
        format!(
            "`{id}` was {status} at base, and `{first_key}`{also} changed since: the approvals given before no longer count, so {roles} must approve again"
        ),
    )
    .help(format!(
        "have {roles} approve the changed request with new `[[approvals]]` entries (a new `at`; editing the note or decision of an old one does not renew it), \
         or drop the approvals and set `status = \"submitted\"`; if the edit was a mistake, revert it"
    ));
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
    finding
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
