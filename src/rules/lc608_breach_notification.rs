//! A data breach has legal counsel in the room and the regulator told in time.
//!
//! ## What it checks
//! For an incident with `data_breach = true`:
//! - the plan's `legal` role is filled in the incident's `[roles]`;
//! - a `[[notifications]]` entry with `to = "regulator"` is dated no later than
//!   `within_hours` after `detected_at`. The notification falls due after the incident, so
//!   it is judged at now: nothing is reported before the deadline has passed, unless the
//!   only regulator notification was late.
//!
//! Reported at `data_breach`.
//!
//! ## Why it matters
//! Data-protection laws (GDPR, PIPL and others) set hard deadlines for telling the regulator,
//! commonly 72 hours. Missing them turns an incident into a legal case; legal counsel must be
//! part of the response from the start.
//!
//! ## Parameters
//! - `within_hours` (default `72`): hours after `detected_at` by which the regulator is
//!   notified.
//!
//! ## Failing example
//! ```toml
//! data_breach = true
//! detected_at = 2026-12-03T01:40:00+08:00
//! [roles]
//! incident-commander = "dave"
//! # no legal, and no notification to the regulator
//! ```
//!
//! ## Passing example
//! ```toml
//! data_breach = true
//! detected_at = 2026-12-03T01:40:00+08:00
//! [roles]
//! incident-commander = "dave"
//! legal = "ivy"
//! [[notifications]]
//! to = "regulator"
//! at = 2026-12-03T09:00:00+08:00
//! ```

use jiff::{SignedDuration, Timestamp};

use crate::diagnostic::Finding;
use crate::index::{IncidentEntry, Repo};
use crate::rules::IncidentCx;

pub const CHECK: super::Check = super::Check::Incident(check);

/// The instant by which the regulator must be told, for a breach.
pub fn deadline(repo: &Repo<'_>, entry: &IncidentEntry<'_>) -> Option<Timestamp> {
    if !entry.model.data_breach {
        return None;
    }
    let hours = repo.policy.base.params.breach_notification.within_hours;
    let within = SignedDuration::try_from_secs_f64(hours * 3600.0).ok()?;
    entry.model.detected_at.checked_add(within).ok()
}

/// Whether a notification to the regulator was made in time.
pub fn notified_in_time(entry: &IncidentEntry<'_>, deadline: Timestamp) -> bool {
    entry
        .model
        .notifications
        .iter()
        .any(|n| n.to == "regulator" && n.at <= deadline)
}

fn check(cx: &IncidentCx<'_, '_>, out: &mut Vec<Finding>) {
    let incident = cx.incident();
    let Some(deadline) = deadline(cx.repo, cx.entry) else {
        return;
    };
    let id = &incident.id;
    let path = ["data_breach".into()];
    if incident.held_by("legal").is_none() {
        out.push(
            cx.finding(
                &super::BREACH_NOTIFICATION,
                &path,
                format!("{id} is a data breach, but nobody is recorded in the legal role"),
            )
            .help("add `legal = \"handle\"` under `[roles]`: legal counsel decides what must be notified"),
        );
    }
    if notified_in_time(cx.entry, deadline) {
        return;
    }
    let hours = cx.rules().params.breach_notification.within_hours;
    let late = incident
        .notifications
        .iter()
        .filter(|n| n.to == "regulator")
        .map(|n| n.at)
        .min();
    let message = match late {
        Some(at) => format!(
            "{id} is a data breach; the regulator was notified at {}, after the {hours} h deadline ({})",
            cx.repo.clock.show(at),
            cx.repo.clock.show(deadline)
        ),
        None if cx.repo.clock.now >= deadline => format!(
            "{id} is a data breach, and no notification to the regulator is recorded within {hours} h of detection (by {})",
            cx.repo.clock.show(deadline)
        ),
        None => return,
    };
    out.push(cx.finding(&super::BREACH_NOTIFICATION, &path, message).help(
        "notify the regulator and record it as `[[notifications]]` with `to = \"regulator\"` and `at`",
    ));
}
