//! A launch request's status moves only along the allowed transitions.
//!
//! ## What it checks
//! In pull-request mode (`--base REV`) and for commits (`--staged`), each changed launch request's `status` is compared
//! with its status at the merge base. Allowed moves:
//!
//! | from | to |
//! |---|---|
//! | draft | submitted, cancelled |
//! | submitted | draft, approved, rejected, cancelled |
//! | approved | submitted, launched, cancelled |
//! | launched | rolled-back |
//! | rejected | draft |
//!
//! A pull request or commit may take a request through several moves at once (`submitted`
//! → `approved` → `launched`): the status at head must be reachable from the status at
//! base along them. `cancelled` and `rolled-back` are final. A new launch request starts as `draft` or
//! `submitted`; an emergency change may start as `launched` (it went out before the
//! paperwork). The finding points at `status` in the changed file, with the status at base as
//! a related span.
//!
//! ## Why it matters
//! The status is the request's audit trail. A request that jumps from `draft` to `launched`
//! skipped review; one that goes from `rolled-back` back to `approved` rewrites what happened.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # at base: status = "draft"
//! status = "launched"
//! ```
//!
//! ## Passing example
//! ```toml
//! # at base: status = "draft"
//! status = "submitted"
//! ```

use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::git::{top_level_text, ChangeKind, History};
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::History {
    change: check,
    every_run: None,
};

const STATUSES: [&str; 7] = [
    "draft",
    "submitted",
    "approved",
    "rejected",
    "launched",
    "rolled-back",
    "cancelled",
];

/// Where a request may go from `from`.
fn allowed_from(from: &str) -> &'static [&'static str] {
    match from {
        "draft" => &["submitted", "cancelled"],
        "submitted" => &["draft", "approved", "rejected", "cancelled"],
        "approved" => &["submitted", "launched", "cancelled"],
        "launched" => &["rolled-back"],
        "rejected" => &["draft"],
        _ => &[],
    }
}

/// Whether `to` can be reached from `from` along the allowed moves: a pull request may take a
/// request through several of them (submitted → approved → launched).
fn reachable(from: &str, to: &str) -> bool {
    let mut seen = vec![from];
    let mut next = 0;
    while next < seen.len() {
        for &status in allowed_from(seen[next]) {
            if status == to {
                return true;
            }
            if !seen.contains(&status) {
                seen.push(status);
            }
        }
        next += 1;
    }
    false
}

fn quoted_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

pub fn check(history: &History<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for change in &history.documents {
        let Some(head) = change.head_launch() else {
            continue;
        };
        let Some(to) = top_level_text(head, "status").filter(|s| STATUSES.contains(s)) else {
            continue;
        };
        let status_path = [Seg::Key("status")];
        match change.base_launch() {
            Some(base) => {
                let Some(from) = top_level_text(base, "status").filter(|s| STATUSES.contains(s))
                else {
                    continue;
                };
                let allowed = allowed_from(from);
                if from == to || reachable(from, to) {
                    continue;
                }
                let message = if allowed.is_empty() {
                    format!("the status moved from `{from}` to `{to}`, but `{from}` is final")
                } else {
                    format!(
                        "the status moved from `{from}` to `{to}`; from `{from}` a request may only move to {}",
                        quoted_list(allowed)
                    )
                };
                let mut finding = super::at_path(head, &super::STATUS_TRANSITION, &status_path, message).help(
                    "move one step at a time: draft → submitted → approved → launched (→ rolled-back); \
                     a request that must change after approval goes back to `submitted`, and a final \
                     request stays as it is (write a new request instead)",
                );
                if let Some(span) = base.span_of(&status_path) {
                    finding = finding.related(
                        base.file,
                        span,
                        format!("`{from}` at base ({})", history.merge_base),
                    );
                }
                out.push(finding);
            }
            None if change.kind == ChangeKind::Added => {
                let emergency = top_level_text(head, "change_type") == Some("emergency");
                if matches!(to, "draft" | "submitted") || (emergency && to == "launched") {
                    continue;
                }
                let message = format!(
                    "a new launch request starts as `draft` or `submitted`, not `{to}`{}",
                    if emergency {
                        " (an emergency change may also start as `launched`)"
                    } else {
                        ""
                    }
                );
                out.push(super::at_path(head, &super::STATUS_TRANSITION, &status_path, message).help(
                    "add the request as `submitted` and let it be approved in review; an emergency change \
                     that already went out is recorded with `change_type = \"emergency\"` and `status = \"launched\"`",
                ));
            }
            // The base copy exists but is not a readable launch request: nothing to compare.
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_follow_the_design() {
        assert!(allowed_from("draft").contains(&"submitted"));
        assert!(!allowed_from("draft").contains(&"approved"));
        assert!(allowed_from("approved").contains(&"submitted"));
        assert!(allowed_from("rejected") == ["draft"]);
        assert!(allowed_from("cancelled").is_empty() && allowed_from("rolled-back").is_empty());
        assert_eq!(quoted_list(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
