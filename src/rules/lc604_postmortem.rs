//! A resolved incident of a serious level gets its postmortem in time.
//!
//! ## What it checks
//! For a resolved or closed incident whose `severity` is in `required_for`: a `[postmortem]`
//! with `held_on`, `report` and `root_cause`, held by the local date `within_days.<severity>`
//! days after `resolved_at` (in `[time].timezone`). The duty falls due after the incident, so
//! it is judged at now: nothing is reported until the last day has passed, unless the
//! postmortem was recorded as held late. Reported at `[postmortem]`, or at `resolved_at`
//! when there is none. A severity without a `within_days` entry has no deadline.
//!
//! ## Why it matters
//! The review afterwards (复盘) is where an incident turns into fewer incidents. Without a
//! deadline it slides behind the next sprint, and the root cause stays where it was.
//!
//! ## Parameters
//! - `required_for` (default `["sev1", "sev2"]`): severities that need a postmortem.
//! - `within_days` (default `{ sev1 = 5, sev2 = 10 }`): days after `resolved_at`, per
//!   severity.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-12-20
//! severity = "sev1"
//! status = "resolved"
//! resolved_at = 2026-12-03T03:10:00+08:00
//! # no [postmortem]
//! ```
//!
//! ## Passing example
//! ```toml
//! severity = "sev1"
//! status = "resolved"
//! resolved_at = 2026-12-03T03:10:00+08:00
//! [postmortem]
//! held_on = 2026-12-05
//! report = "https://wiki.example.com/pm/42"
//! root_cause = "Connection pool sized for the old cluster"
//! ```

use jiff::civil::Date;
use jiff::ToSpan;

use crate::diagnostic::Finding;
use crate::index::{IncidentEntry, Repo};
use crate::rules::IncidentCx;

pub const CHECK: super::Check = super::Check::Incident(check);

/// The last day on which the postmortem may be held, when the incident needs one.
pub fn due(repo: &Repo<'_>, entry: &IncidentEntry<'_>) -> Option<Date> {
    let incident = &entry.model;
    let params = &repo.policy.base.params.postmortem;
    if !incident.status.is_record() || !params.required_for.contains(&incident.severity) {
        return None;
    }
    let resolved = incident.resolved_at?;
    let days = *params.within_days.get(&incident.severity)?;
    repo.clock.date_of(resolved).checked_add(days.days()).ok()
}

/// Whether the postmortem is complete (held, reported, with a root cause).
pub fn is_complete(entry: &IncidentEntry<'_>) -> bool {
    entry.model.postmortem.as_ref().is_some_and(|p| {
        p.held_on.is_some()
            && p.report.as_deref().is_some_and(|r| !r.is_empty())
            && p.root_cause.as_deref().is_some_and(|r| !r.is_empty())
    })
}

fn check(cx: &IncidentCx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(due) = due(cx.repo, cx.entry) else {
        return;
    };
    let incident = cx.incident();
    let id = &incident.id;
    let today = cx.repo.clock.date_of(cx.repo.clock.now);
    let postmortem = incident.postmortem.as_ref();
    let held_late = postmortem
        .and_then(|p| p.held_on)
        .filter(|held| *held > due);
    let path = if postmortem.is_some() {
        vec!["postmortem".into()]
    } else {
        vec!["resolved_at".into()]
    };
    if let Some(held) = held_late {
        out.push(
            cx.finding(
                &super::POSTMORTEM,
                &path,
                format!(
                    "the postmortem of {id} ({}) was held on {held}, after its due date {due}",
                    incident.severity
                ),
            )
            .help("record why it was late; the deadline is `within_days` of the postmortem rule"),
        );
        return;
    }
    if is_complete(cx.entry) || today <= due {
        return;
    }
    let missing: Vec<&str> = match postmortem {
        None => Vec::new(),
        Some(p) => [
            ("held_on", p.held_on.is_none()),
            ("report", p.report.as_deref().is_none_or(str::is_empty)),
            ("root_cause", p.root_cause.as_deref().is_none_or(str::is_empty)),
        ]
        .into_iter()
        .filter(|(_, missing)| *missing)
        .map(|(key, _)| key)
        .collect(),
    };
    let message = if postmortem.is_none() {
        format!(
            "{id} ({}) was resolved on {} and has no postmortem; it was due by {due}",
            incident.severity,
            cx.repo.clock.date_of(incident.resolved_at.unwrap_or(cx.at))
        )
    } else {
        format!(
            "the postmortem of {id} ({}) lacks {}; it was due by {due}",
            incident.severity,
            missing
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    out.push(cx.finding(&super::POSTMORTEM, &path, message).help(
        "hold the blameless review and record `[postmortem]` with `held_on`, `report` and `root_cause`",
    ));
}
