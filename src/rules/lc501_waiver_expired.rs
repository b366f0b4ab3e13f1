//! No waiver is past its `expires` date.
//!
//! ## What it checks
//! A waiver is valid through the whole of its `expires` day in `[time].timezone`. From the
//! next day on it is reported here and no longer suppresses anything, so the finding it
//! covered is back as well.
//!
//! ## Why it matters
//! Exceptions must end. An expired waiver that silently kept working would turn a temporary
//! exception into a permanent hole in the policy.
//!
//! ## Parameters
//! None. Not waivable.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-12-20
//! [[waivers]]
//! rule = "drill-recency"
//! reason = "First drill booked for 2026-12-10"
//! approved_by = "carol"
//! expires = 2026-12-15
//! ```
//!
//! ## Passing example
//! ```toml
//! # with --now 2026-12-15 (the last day it is valid)
//! [[waivers]]
//! rule = "drill-recency"
//! reason = "First drill booked for 2026-12-10"
//! approved_by = "carol"
//! expires = 2026-12-15
//! ```

use jiff::Timestamp;

use crate::diagnostic::Finding;
use crate::document::Document;
use crate::model::Waiver;
use crate::time::Clock;

pub const CHECK: super::Check = super::Check::Waivers;

/// `at` is the instant the document is judged at: now, or a record's window start.
pub fn finding(
    doc: &Document<'_>,
    index: usize,
    waiver: &Waiver,
    clock: &Clock,
    at: Timestamp,
) -> Finding {
    let days = clock.age_days(waiver.expires, at);
    let when = if at == clock.now {
        format!("{days} day{} ago", if days == 1 { "" } else { "s" })
    } else {
        format!(
            "{days} day{} before the window start",
            if days == 1 { "" } else { "s" }
        )
    };
    super::at_path(
        doc,
        &super::WAIVER_EXPIRED,
        &["waivers".into(), index.into(), "expires".into()],
        format!(
            "the waiver for `{}` expired on {} ({when}) and no longer applies",
            waiver.rule, waiver.expires,
        ),
    )
    .help("fix what the waiver covered, or have it renewed with a new `expires` date and approval")
}
