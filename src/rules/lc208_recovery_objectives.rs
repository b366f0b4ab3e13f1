//! The plan states its recovery time and recovery point objectives.
//!
//! ## What it checks
//! `rto_minutes` (how long the service may be down) and `rpo_minutes` (how much data, in
//! minutes, may be lost) are set. One finding per plan, at its `id`, naming what is missing.
//!
//! ## Why it matters
//! Without objectives nobody can tell whether a rollback, a failover or a backup schedule is
//! good enough; with them, `recovery-objective` holds every launch's rollback to the plan's
//! promise.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! kind = "response-plan"
//! id = "RP-payments"
//! # no rto_minutes, no rpo_minutes
//! ```
//!
//! ## Passing example
//! ```toml
//! kind = "response-plan"
//! id = "RP-payments"
//! rto_minutes = 30
//! rpo_minutes = 5
//! ```

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::Plan(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let plan = cx.plan();
    let missing: Vec<&str> = [
        ("rto_minutes", plan.rto_minutes.is_none()),
        ("rpo_minutes", plan.rpo_minutes.is_none()),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(key, _)| key)
    .collect();
    let Some(first) = missing.first() else {
        return;
    };
    out.push(
        cx.finding(
            &super::RECOVERY_OBJECTIVES,
            &[(*first).into()],
            format!(
                "{} sets no {}",
                plan.id,
                missing
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        )
        .help("agree the objectives with the service's owners and set `rto_minutes` and `rpo_minutes`"),
    );
}
