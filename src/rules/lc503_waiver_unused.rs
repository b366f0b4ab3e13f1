//! Every valid waiver suppresses at least one finding.
//!
//! ## What it checks
//! A waiver that is valid and unexpired but matched no finding of its rule (and `path`, if
//! given) in its launch request is reported.
//!
//! ## Why it matters
//! An unused waiver is stale paperwork at best; at worst it waits to hide a future problem
//! nobody has reviewed. Remove it once the problem is fixed.
//!
//! ## Parameters
//! None. Not waivable.
//!
//! ## Failing example
//! ```toml
//! # the plan's drill is recent: nothing to waive
//! [[waivers]]
//! rule = "drill-recency"
//! reason = "First drill booked for 2026-12-10"
//! approved_by = "carol"
//! expires = 2026-12-15
//! ```
//!
//! ## Passing example
//! ```toml
//! # no waivers once the drill has been run
//! kind = "launch-request"
//! ```

use crate::diagnostic::Finding;
use crate::document::Document;
use crate::model::Waiver;

pub const CHECK: super::Check = super::Check::Waivers;

pub fn finding(doc: &Document<'_>, index: usize, waiver: &Waiver) -> Finding {
    let scope = waiver
        .path
        .as_deref()
        .map(|p| format!(" at `{p}`"))
        .unwrap_or_default();
    super::at_path(
        doc,
        &super::WAIVER_UNUSED,
        &["waivers".into(), index.into(), "rule".into()],
        format!("the waiver for `{}`{scope} matches no finding", waiver.rule),
    )
    .help("remove the waiver; the problem it covered is gone")
}
