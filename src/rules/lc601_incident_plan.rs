//! An incident names an existing response plan that covers it, one of that plan's levels, and
//! existing launches as its causes.
//!
//! ## What it checks
//! - `response_plan` names a response plan of the repository (archived plans count for
//!   records), reported at `response_plan`;
//! - that plan's `services` cover every service of the incident, reported at the uncovered
//!   `services` entry;
//! - `severity` is one of the plan's `[[severity]]` levels, reported at `severity`;
//! - every `caused_by` id names a launch request (live or archived), reported at the entry.
//!
//! ## Why it matters
//! An incident is handled under a plan: its roles, its response times, its notifications. An
//! incident that points at no plan, or at a level the plan does not define, cannot be held
//! against what was promised, and a cause that names no launch breaks the trail from the
//! change to its consequences.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! kind = "incident"
//! id = "INC-2026-0042"
//! services = ["payments-api"]
//! severity = "sev1"
//! response_plan = "RP-paymnets"      # no such plan
//! caused_by = ["LR-2026-9999"]       # no such launch
//! ```
//!
//! ## Passing example
//! ```toml
//! kind = "incident"
//! id = "INC-2026-0042"
//! services = ["payments-api"]
//! severity = "sev1"
//! response_plan = "RP-payments"
//! caused_by = ["LR-2026-0142"]
//! ```

use crate::diagnostic::Finding;
use crate::rules::IncidentCx;

pub const CHECK: super::Check = super::Check::Incident(check);

fn check(cx: &IncidentCx<'_, '_>, out: &mut Vec<Finding>) {
    let incident = cx.incident();
    let id = &incident.id;
    let plan = cx.plan().or_else(|| {
        // A record may have been handled under a plan that is archived since.
        incident
            .status
            .is_record()
            .then(|| {
                cx.repo
                    .archived_plans
                    .iter()
                    .find(|p| p.model.id == incident.response_plan)
            })
            .flatten()
    });
    match plan {
        None => {
            let ids = cx.repo.plans.iter().map(|p| p.model.id.as_str());
            let help = match crate::suggest::closest(&incident.response_plan, ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "name the response plan the incident was handled under".to_owned(),
            };
            out.push(
                cx.finding(
                    &super::INCIDENT_PLAN,
                    &["response_plan".into()],
                    format!(
                        "{id} names the response plan `{}`, which does not exist",
                        incident.response_plan
                    ),
                )
                .help(help),
            );
        }
        Some(plan) => {
            let model = &plan.model;
            for (i, service) in incident.services.iter().enumerate() {
                if !model.services.contains(service) {
                    out.push(
                        cx.finding(
                            &super::INCIDENT_PLAN,
                            &["services".into(), i.into()],
                            format!("{} does not cover the service `{service}` of {id}", model.id),
                        )
                        .related(plan.doc.file, plan.doc.point_at(&["services".into()]), format!("the services of {}", model.id))
                        .help(format!("add `{service}` to the services of {}, or name the plan that covers it", model.id)),
                    );
                }
            }
            if !incident.severity.is_empty()
                && !model.severity.iter().any(|s| s.level == incident.severity)
            {
                let levels: Vec<&str> = model.severity.iter().map(|s| s.level.as_str()).collect();
                out.push(
                    cx.finding(
                        &super::INCIDENT_PLAN,
                        &["severity".into()],
                        format!(
                            "{} defines no level `{}` (it defines {})",
                            model.id,
                            incident.severity,
                            if levels.is_empty() {
                                "none".to_owned()
                            } else {
                                levels.join(", ")
                            }
                        ),
                    )
                    .help("use a level of the plan, or add a `[[severity]]` for it to the plan"),
                );
            }
        }
    }
    for (i, cause) in incident.caused_by.iter().enumerate() {
        if cx.repo.launch(cause).is_none() && !cx.repo.launch_is_unreadable(cause) {
            let ids = cx.repo.launches.iter().map(|l| l.model.id.as_str());
            let help = match crate::suggest::closest(cause, ids) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "name the launch request that caused the incident".to_owned(),
            };
            out.push(
                cx.finding(
                    &super::INCIDENT_PLAN,
                    &["caused_by".into(), i.into()],
                    format!("{id} names `{cause}` as a cause, but there is no such launch request"),
                )
                .help(help),
            );
        }
    }
}
