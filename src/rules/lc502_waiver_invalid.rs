//! Every waiver names a waivable rule, is approved by someone other than the requester, and
//! expires within `max_days`.
//!
//! ## What it checks
//! A waiver is invalid, and suppresses nothing, when its `rule` is not a known rule name or
//! code, names an LC0xx or LC5xx rule, names a rule the policy marks `waivable = false`, is
//! approved by the launch's requester, or expires more than `max_days` after now.
//!
//! ## Why it matters
//! A waiver is a signed exception. One that cannot apply, that the requester granted
//! themselves, or that runs for a year is a way around the policy, not an exception to it.
//!
//! ## Parameters
//! - `max_days` (default 90): the longest a waiver may run from now.
//!
//! ## Failing example
//! ```toml
//! requester = "alice"
//!
//! [[waivers]]
//! rule = "drill-recency"
//! reason = "First drill booked for 2026-12-10"
//! approved_by = "alice"
//! expires = 2026-12-15
//! ```
//!
//! ## Passing example
//! ```toml
//! requester = "alice"
//!
//! [[waivers]]
//! rule = "drill-recency"
//! reason = "First drill booked for 2026-12-10"
//! approved_by = "carol"
//! expires = 2026-12-15
//! ```

use crate::diagnostic::Finding;
use crate::document::Document;
use crate::rules::Rule;

pub const CHECK: super::Check = super::Check::Waivers;

fn at(doc: &Document<'_>, index: usize, key: &'static str, message: String) -> Finding {
    super::at_path(
        doc,
        &super::WAIVER_INVALID,
        &["waivers".into(), index.into(), key.into()],
        message,
    )
}

pub fn unknown_rule(doc: &Document<'_>, index: usize, name: &str) -> Finding {
    let help = match super::suggest(name) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "name a rule by its name or code; `launchcheck rule --all` lists them".to_owned(),
    };
    at(
        doc,
        index,
        "rule",
        format!("the waiver names an unknown rule `{name}`"),
    )
    .help(help)
}

pub fn not_waivable(doc: &Document<'_>, index: usize, rule: &Rule) -> Finding {
    let why = if rule.is_waivable() {
        "the policy marks it `waivable = false`"
    } else {
        "file, structure and waiver rules can never be waived"
    };
    at(
        doc,
        index,
        "rule",
        format!("`{}` ({}) cannot be waived: {why}", rule.name, rule.code),
    )
    .help("fix the finding instead of waiving it")
}

pub fn self_approved(doc: &Document<'_>, index: usize, who: &str) -> Finding {
    at(
        doc,
        index,
        "approved_by",
        format!("the waiver is approved by `{who}`, the launch's requester"),
    )
    .help("a waiver needs an approver other than the requester")
}

pub fn too_long(
    doc: &Document<'_>,
    index: usize,
    days: i64,
    max_days: i64,
    from: &str,
) -> Finding {
    at(
        doc,
        index,
        "expires",
        format!("the waiver runs for {days} days from {from} (limit {max_days})"),
    )
    .help(format!(
        "set `expires` at most {max_days} days ahead and renew it when needed"
    ))
}

/// A waiver on a launched or rolled-back request must have been approved by the window
/// start: history is not waived after the fact.
pub fn approved_after_the_fact(
    doc: &Document<'_>,
    index: usize,
    status: &str,
    approved_at: Option<&str>,
    start: &str,
) -> Finding {
    match approved_at {
        None => at(
            doc,
            index,
            "approved_by",
            format!("a waiver on a {status} request must say when it was approved (`approved_at`), and it does not"),
        )
        .help(format!(
            "add `approved_at` with the approval's date and time; it must be no later than the window start ({start})"
        )),
        Some(when) => at(
            doc,
            index,
            "approved_at",
            format!("the waiver was approved at {when}, after the window started ({start}): history is not waived after the fact"),
        )
        .help("fix the finding the waiver covers in a new request, or record the waiver that was in force at launch"),
    }
}
