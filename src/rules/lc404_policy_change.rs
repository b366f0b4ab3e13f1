//! A pull request that changes policy, roster or configuration files is flagged, and the run says which copies it used.
//!
//! ## What it checks
//! In pull-request mode (`--base REV`), every added, edited, renamed or deleted policy file
//! (`[files].policies`), roster (`[files].roster`) or configuration file (`launchcheck.toml`)
//! gets a finding at its first changed line (on the base copy when the file is deleted).
//! The run judged the change with the base revision's copies of these files, so the message
//! says that the edit takes effect only once merged; with `--policy-from-head` it says that
//! the pull request's own copies were used.
//!
//! ## Why it matters
//! A pull request must not loosen the rules it is judged by: switching a rule off, adding
//! oneself to the roster with approval rights, or narrowing `[files].include` in the same
//! change as a launch request would let that request through. Reading these files from the
//! base prevents that; this warning makes the change visible to reviewers.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # policies/org.toml, edited in the same pull request as a launch request
//! kind = "policy"
//! [rules.approvals]
//! level = "off"
//! ```
//!
//! ## Passing example
//! ```toml
//! # policies/org.toml, unchanged by the pull request
//! kind = "policy"
//! [rules.approvals]
//! level = "error"
//! ```

use crate::diagnostic::Finding;
use crate::git::{ChangeKind, History};
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::History {
    change: check,
    every_run: None,
};

pub fn check(history: &History<'_>, _repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for change in &history.settings {
        let (what, path) = (change.what, &change.path);
        let verb = match change.kind {
            ChangeKind::Added => "adds",
            ChangeKind::Modified => "edits",
            ChangeKind::Deleted => "deletes",
            ChangeKind::Renamed => "renames",
        };
        let used = match (history.policy_from_head, change.kind) {
            (true, _) => {
                "--policy-from-head made this run use the pull request's own copy".to_owned()
            }
            (false, ChangeKind::Added) => format!(
                "this run used the {what} of {} without it; the change takes effect once merged",
                history.base
            ),
            (false, _) => format!(
                "this run used the copy at {} instead; the change takes effect once merged",
                history.base
            ),
        };
        let finding = Finding::new(
            &super::POLICY_CHANGE,
            change.file,
            change.span.clone(),
            format!("this change {verb} the {what} file `{path}`; {used}"),
        )
        .help("have policy, roster and configuration changes reviewed on their own, in a pull request that changes no launch request");
        out.push(finding);
    }
}
