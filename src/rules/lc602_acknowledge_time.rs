//! The incident was acknowledged within the response time its plan promises for its level.
//!
//! ## What it checks
//! `acknowledged_at − detected_at` is no longer than the `respond_within_minutes` of the
//! linked plan's `[[severity]]` entry for the incident's `severity`. An incident without
//! `acknowledged_at` is reported once that time has passed at the instant it is judged at
//! (now for open and mitigated incidents, `resolved_at` for resolved and closed ones).
//! Reported at `acknowledged_at` (or the `id` when it is missing). Silent when the plan or
//! the level does not resolve (LC601 reports that) or sets no response time.
//!
//! ## Why it matters
//! The response time is the plan's promise to the business. A miss is not a reason to
//! rewrite history, but it must be visible for the postmortem: was the pager wrong, the
//! escalation too slow, the promise unrealistic?
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # the plan: sev1 respond_within_minutes = 15
//! severity = "sev1"
//! detected_at     = 2026-12-03T01:40:00+08:00
//! acknowledged_at = 2026-12-03T02:05:00+08:00   # 25 minutes
//! ```
//!
//! ## Passing example
//! ```toml
//! severity = "sev1"
//! detected_at     = 2026-12-03T01:40:00+08:00
//! acknowledged_at = 2026-12-03T01:47:00+08:00
//! ```

use crate::diagnostic::Finding;
use crate::rules::IncidentCx;

pub const CHECK: super::Check = super::Check::Incident(check);

fn check(cx: &IncidentCx<'_, '_>, out: &mut Vec<Finding>) {
    let incident = cx.incident();
    let Some(plan) = cx.plan() else { return };
    let Some(limit) = plan
        .model
        .severity
        .iter()
        .find(|s| s.level == incident.severity)
        .and_then(|s| s.respond_within_minutes)
    else {
        return;
    };
    let acknowledged = incident.acknowledged_at.unwrap_or(cx.at);
    let minutes = acknowledged.duration_since(incident.detected_at).as_secs() / 60;
    if minutes <= i64::try_from(limit).unwrap_or(i64::MAX) {
        return;
    }
    let level = &incident.severity;
    let related = plan.model.severity.iter().position(|s| s.level == *level);
    let mut finding = match incident.acknowledged_at {
        Some(_) => cx.finding(
            &super::ACKNOWLEDGE_TIME,
            &["acknowledged_at".into()],
            format!(
                "{} was acknowledged {minutes} min after it was detected; {} promises {limit} min for {level}",
                incident.id, plan.model.id
            ),
        ),
        None => cx.finding(
            &super::ACKNOWLEDGE_TIME,
            &["acknowledged_at".into()],
            format!(
                "{} has not been acknowledged {minutes} min after it was detected; {} promises {limit} min for {level}",
                incident.id, plan.model.id
            ),
        ),
    }
    .help("record the miss and its reason in the postmortem; if the promise is unrealistic, change the plan");
    if let Some(i) = related {
        finding = finding.related(
            plan.doc.file,
            plan.doc
                .point_at(&["severity".into(), i.into(), "respond_within_minutes".into()]),
            format!("{level} response time of {}", plan.model.id),
        );
    }
    out.push(finding);
}
