//! No improvement action from a postmortem is overdue.
//!
//! ## What it checks
//! Every `[[postmortem.actions]]` entry whose `due` date is before today (in
//! `[time].timezone`) has `done = true`. An action is on time through the whole of its `due`
//! day. The actions fall due after the incident, so they are judged at now even for a
//! resolved or closed incident. Reported at the action's `due`.
//!
//! ## Why it matters
//! A postmortem is worth the actions that are finished after it. An action left open past
//! its date is the same incident waiting to happen again.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # with --now 2027-01-20
//! [[postmortem.actions]]
//! action = "Size pools from the cluster's max_connections"
//! owner = "bob"
//! due = 2027-01-10
//! done = false
//! ```
//!
//! ## Passing example
//! ```toml
//! [[postmortem.actions]]
//! action = "Size pools from the cluster's max_connections"
//! owner = "bob"
//! due = 2027-01-10
//! done = true
//! ```

use crate::diagnostic::Finding;
use crate::rules::IncidentCx;

pub const CHECK: super::Check = super::Check::Incident(check);

fn check(cx: &IncidentCx<'_, '_>, out: &mut Vec<Finding>) {
    let incident = cx.incident();
    let Some(postmortem) = &incident.postmortem else {
        return;
    };
    for (i, action) in postmortem.actions.iter().enumerate() {
        if action.done {
            continue;
        }
        let overdue = cx.repo.clock.age_days(action.due, cx.repo.clock.now);
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
                &super::POSTMORTEM_ACTIONS,
                &["postmortem".into(), "actions".into(), i.into(), "due".into()],
                format!(
                    "the postmortem action \"{}\"{owner} of {} was due on {}, {overdue} day{} ago, and is not done",
                    action.action,
                    incident.id,
                    action.due,
                    if overdue == 1 { "" } else { "s" }
                ),
            )
            .help("finish the action and set `done = true`, or agree a new `due` date with its owner"),
        );
    }
}
