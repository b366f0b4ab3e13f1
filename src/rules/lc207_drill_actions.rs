//! No improvement action from a drill is overdue.
//!
//! ## What it checks
//! Every `[[drills.actions]]` entry whose `due` date is before today (in
//! `[time].timezone`) has `done = true`. An action is on time through the whole of its
//! `due` day.
//!
//! ## Why it matters
//! A drill is worth what is fixed after it. Actions that stay open past their due date mean
//! the weaknesses the drill found are still there when the real incident comes.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-11-25
//! [[drills.actions]]
//! action = "Automate DNS failover"
//! owner = "erin"
//! due = 2026-11-15
//! done = false
//! ```
//!
//! ## Passing example
//! ```toml
//! [[drills.actions]]
//! action = "Automate DNS failover"
//! owner = "erin"
//! due = 2026-11-15
//! done = true
//! ```

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::Plan(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let plan = cx.plan();
    let id = &plan.id;
    for (i, drill) in plan.drills.iter().enumerate() {
        for (j, action) in drill.actions.iter().enumerate() {
            if action.done {
                continue;
            }
            let overdue = cx.repo.clock.age_days(action.due, cx.at);
            if overdue <= 0 {
                continue;
            }
            let owner = if action.owner.is_empty() {
                String::new()
            } else {
                format!(" (owner `{}`)", action.owner)
            };
            out.push(
                cx.finding(
                    &super::DRILL_ACTIONS,
                    &["drills".into(), i.into(), "actions".into(), j.into(), "due".into()],
                    format!(
                        "the action \"{}\"{owner} from the {} drill of {id} was due on {}, {overdue} day{} ago, and is not done",
                        action.action,
                        drill.date,
                        action.due,
                        if overdue == 1 { "" } else { "s" }
                    ),
                )
                .help("finish the action and set `done = true`, or agree a new `due` date with its owner"),
            );
        }
    }
}
