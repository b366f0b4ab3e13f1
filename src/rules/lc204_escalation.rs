//! The plan escalates at least once, in strictly increasing steps, and starts soon enough.
//!
//! ## What it checks
//! - `[[escalation]]` has at least one step.
//! - Each step's `after_minutes` is greater than the previous step's.
//! - The first step's `after_minutes` is at most `max_first_minutes`.
//!
//! ## Why it matters
//! When the first responder does not answer or cannot cope, escalation brings the next person
//! in. Without steps nobody is pulled in; steps out of order or at the same minute leave it
//! unclear who is called when; a first step that comes late leaves an unanswered page
//! unanswered for too long.
//!
//! ## Parameters
//! - `max_first_minutes` (default `15`): the latest the first escalation may come, in
//!   minutes after the incident starts.
//!
//! ## Failing example
//! ```toml
//! [[escalation]]
//! after_minutes = 30     # first step later than 15 minutes
//! to = "erin"
//!
//! [[escalation]]
//! after_minutes = 30     # not after the previous step
//! to = "bob"
//! ```
//!
//! ## Passing example
//! ```toml
//! [[escalation]]
//! after_minutes = 5
//! to = "erin"
//!
//! [[escalation]]
//! after_minutes = 30
//! to = "bob"
//! ```

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::Plan(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let max_first = cx.rules.params.escalation.max_first_minutes;
    let plan = cx.plan();
    let id = &plan.id;

    let Some(first) = plan.escalation.first() else {
        out.push(
            cx.finding(
                &super::ESCALATION,
                &["escalation".into()],
                format!("{id} has no escalation steps"),
            )
            .help(format!(
                "add an `[[escalation]]` step with `after_minutes` (at most {max_first}) and the person to escalate `to`"
            )),
        );
        return;
    };
    if first.after_minutes > max_first {
        out.push(
            cx.finding(
                &super::ESCALATION,
                &["escalation".into(), 0.into(), "after_minutes".into()],
                format!(
                    "the first escalation of {id} comes after {} minutes (limit {max_first})",
                    first.after_minutes
                ),
            )
            .help(format!(
                "escalate to `{}` (or someone else) within {max_first} minutes",
                first.to
            )),
        );
    }
    for (i, pair) in plan.escalation.windows(2).enumerate() {
        let (previous, step) = (&pair[0], &pair[1]);
        if step.after_minutes > previous.after_minutes {
            continue;
        }
        // Users count steps from 1; the key path counts from 0.
        out.push(
            cx.finding(
                &super::ESCALATION,
                &["escalation".into(), (i + 1).into(), "after_minutes".into()],
                format!(
                    "escalation step {} of {id} comes after {} minutes, not later than step {} ({} minutes)",
                    i + 2,
                    step.after_minutes,
                    i + 1,
                    previous.after_minutes
                ),
            )
            .help("list the escalation steps in order, each later than the one before"),
        );
    }
}
