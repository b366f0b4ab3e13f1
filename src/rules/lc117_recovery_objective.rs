//! The rollback fits in the recovery time the plan promises.
//!
//! ## What it checks
//! A launch request's `rollback.minutes` is no longer than the `rto_minutes` (recovery time
//! objective) of its linked response plan. Reported at `rollback.minutes`. Silent when the
//! plan sets no RTO (`recovery-objectives` reports that), when the launch has no rollback
//! minutes (`rollback-plan` reports that), or when the plan does not resolve (`plan-link`).
//!
//! ## Why it matters
//! The RTO is what the business was promised: the service is back within N minutes. A launch
//! whose own rollback takes longer breaks the promise the moment it has to be used.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # RP-payments: rto_minutes = 30
//! response_plan = "RP-payments"
//! [rollback]
//! steps = ["Restore the database snapshot"]
//! minutes = 45
//! ```
//!
//! ## Passing example
//! ```toml
//! response_plan = "RP-payments"
//! [rollback]
//! steps = ["Shift traffic back to the blue pool"]
//! minutes = 15
//! ```

use crate::diagnostic::Finding;
use crate::rules::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let Some(minutes) = launch.rollback.as_ref().and_then(|r| r.minutes) else {
        return;
    };
    let Some(plan) = launch.response_plan.as_deref().and_then(|id| cx.repo.plan(id)) else {
        return;
    };
    let Some(rto) = plan.model.rto_minutes else {
        return;
    };
    if minutes <= rto {
        return;
    }
    out.push(
        cx.finding(
            &super::RECOVERY_OBJECTIVE,
            &["rollback".into(), "minutes".into()],
            format!(
                "the rollback takes {minutes} min, but {} promises recovery within {rto} min",
                plan.model.id
            ),
        )
        .related(
            plan.doc.file,
            plan.doc.point_at(&["rto_minutes".into()]),
            format!("the recovery time objective of {}", plan.model.id),
        )
        .help("make the rollback faster (traffic shift instead of redeploy), or agree a longer RTO in the plan"),
    );
}
