//! The people the plan names held the incident's roles.
//!
//! ## What it checks
//! For incidents of a severity in `levels`, every role that `required-roles` requires
//! (`[rules.required-roles].roles`) is filled in the incident's `[roles]`, and by that
//! role's `primary` or `backup` in the linked plan. A missing role is reported at the
//! `[roles]` header (or the `id` when there is no `[roles]`); a role held by someone else at
//! the role under `[roles]`. Silent when the plan does not resolve (LC601 reports that).
//!
//! ## Why it matters
//! A plan names who leads, who communicates, who decides. When someone else had to step in,
//! the plan did not work as written: the primary and the backup were both unreachable, or the
//! roles on paper are not the ones people fill. That is worth a line in the postmortem.
//!
//! ## Parameters
//! - `levels` (default `["sev1", "sev2"]`): the severities whose incidents are checked.
//!
//! ## Failing example
//! ```toml
//! # the plan: incident-commander primary dave, backup erin
//! severity = "sev1"
//! [roles]
//! incident-commander = "frank"
//! ```
//!
//! ## Passing example
//! ```toml
//! severity = "sev1"
//! [roles]
//! incident-commander = "erin"
//! tech-lead = "bob"
//! communications = "gina"
//! ```

use crate::diagnostic::Finding;
use crate::rules::IncidentCx;

pub const CHECK: super::Check = super::Check::Incident(check);

fn check(cx: &IncidentCx<'_, '_>, out: &mut Vec<Finding>) {
    let incident = cx.incident();
    let params = &cx.rules().params;
    if !params.incident_roles.levels.contains(&incident.severity) {
        return;
    }
    let Some(plan) = cx.plan() else { return };
    let id = &incident.id;
    for role in &params.required_roles.roles {
        let Some(holder) = incident.held_by(role) else {
            out.push(
                cx.finding(
                    &super::INCIDENT_ROLES,
                    &["roles".into(), role.as_str().into()],
                    format!("nobody is recorded as {role} of {id}"),
                )
                .help(format!("add `{role} = \"handle\"` under `[roles]`: who held the role")),
            );
            continue;
        };
        let Some(holders) = plan.model.role(role) else {
            // The plan lacks the role altogether: `required-roles` reports it on the plan.
            continue;
        };
        let named: Vec<&str> = [holders.primary.as_deref(), holders.backup.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if named.contains(&holder) {
            continue;
        }
        out.push(
            cx.finding(
                &super::INCIDENT_ROLES,
                &["roles".into(), role.as_str().into()],
                format!(
                    "`{holder}` held {role} of {id}, but {} names {}",
                    plan.model.id,
                    named
                        .iter()
                        .map(|h| format!("`{h}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            )
            .related(
                plan.doc.file,
                plan.doc.point_at(&["roles".into(), role.as_str().into()]),
                format!("{role} in {}", plan.model.id),
            )
            .help("note in the postmortem why the primary and backup did not take the role; update the plan if the role has moved"),
        );
    }
}
