//! Every required response phase of the plan's procedure has at least one step.
//!
//! ## What it checks
//! Each phase named in `phases` is a key of `[procedure]` holding at least one non-blank
//! step. A missing phase is reported at `[procedure]` (or the plan's `id` when there is no
//! procedure at all), an empty one at its list.
//!
//! ## Why it matters
//! A response follows a cycle: notice the incident, report it, respond, find the cause, fix
//! it, learn from it. A phase without steps is the moment in an incident where everyone
//! looks at each other; writing the steps down beforehand is what the plan is for.
//!
//! ## Parameters
//! - `phases` (default `["identify", "report", "respond", "analyze", "remediate",
//!   "review"]`): the phases every plan describes.
//!
//! ## Failing example
//! ```toml
//! [procedure]
//! identify  = ["Alert fires on payment error rate"]
//! report    = ["Page the incident commander"]
//! respond   = ["Freeze deploys"]
//! analyze   = []                       # no steps
//! remediate = ["Ship the fix or roll back"]
//! # no review phase
//! ```
//!
//! ## Passing example
//! ```toml
//! [procedure]
//! identify  = ["Alert fires on payment error rate"]
//! report    = ["Page the incident commander"]
//! respond   = ["Freeze deploys"]
//! analyze   = ["Collect traces; find the root cause"]
//! remediate = ["Ship the fix or roll back"]
//! review    = ["Blameless postmortem within 5 business days"]
//! ```

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::Plan(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let plan = cx.plan();
    let id = &plan.id;
    for phase in &cx.rules.params.procedure_phases.phases {
        let message = match plan.procedure.get(phase) {
            None => format!("the procedure of {id} has no `{phase}` phase"),
            Some(steps) if steps.iter().all(|s| s.trim().is_empty()) => {
                format!("the `{phase}` phase of {id} has no steps")
            }
            Some(_) => continue,
        };
        out.push(
            cx.finding(&super::PROCEDURE_PHASES, &["procedure".into(), phase.as_str().into()], message)
                .help(format!(
                    "list what responders do in this phase under `[procedure]`, e.g. `{} = [\"…\"]`",
                    crate::suggest::toml_key(phase)
                )),
        );
    }
}
