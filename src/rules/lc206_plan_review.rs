//! The plan was reviewed recently enough.
//!
//! ## What it checks
//! `reviewed_on` is present and no more than `max_age_days` calendar days before now (in
//! `[time].timezone`). A plan without `reviewed_on` is reported at its `id`.
//!
//! ## Why it matters
//! Systems, teams and phone numbers change. A plan that nobody has read in over a year
//! describes an organisation that no longer exists; a regular review keeps roles, contacts
//! and steps true.
//!
//! ## Parameters
//! - `max_age_days` (default `365`): the longest a plan may go without a review, in days.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-11-25: last reviewed 420 days ago (limit 365)
//! reviewed_on = 2025-10-01
//! ```
//!
//! ## Passing example
//! ```toml
//! reviewed_on = 2026-10-01
//! ```

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::Plan(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let max_age = cx.rules.params.plan_review.max_age_days;
    let plan = cx.plan();
    let id = &plan.id;
    let Some(reviewed_on) = plan.reviewed_on else {
        out.push(
            cx.finding(
                &super::PLAN_REVIEW,
                &["reviewed_on".into()],
                format!("{id} has no `reviewed_on` date"),
            )
            .help(format!(
                "review the plan with its owner and record the date, e.g. `reviewed_on = {}`",
                cx.repo.clock.date_of(cx.repo.clock.now)
            )),
        );
        return;
    };
    let age = cx.repo.clock.age_days(reviewed_on, cx.at);
    if age > max_age {
        out.push(
            cx.finding(
                &super::PLAN_REVIEW,
                &["reviewed_on".into()],
                format!("{id} was last reviewed {age} days ago (limit {max_age})"),
            )
            .help(
                "review the plan with its owner (roles, contacts, steps) and update `reviewed_on`",
            ),
        );
    }
}
