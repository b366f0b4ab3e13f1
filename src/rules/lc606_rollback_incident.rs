//! A rolled-back launch has its incident record.
//!
//! ## What it checks
//! A launch request with `status = "rolled-back"` is named in some incident's `caused_by`
//! (live or archived), or names an existing incident with `incident = "INC-…"`. Reported at
//! the launch's `status`; an `incident` that names no incident record is reported at that
//! value. Judged at now: the incident record may be written after the rollback.
//!
//! ## Why it matters
//! A rollback means something went wrong in production. Without an incident record there is
//! no timeline, no postmortem and no action, and the next launch of the same change repeats
//! the mistake.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! id = "LR-2026-0142"
//! status = "rolled-back"
//! # and no incident names LR-2026-0142 in caused_by
//! ```
//!
//! ## Passing example
//! ```toml
//! id = "LR-2026-0142"
//! status = "rolled-back"
//! incident = "INC-2026-0042"
//! ```

use crate::diagnostic::Finding;
use crate::model::Status;
use crate::rules::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if launch.status != Status::RolledBack {
        return;
    }
    let id = &launch.id;
    if let Some(named) = &launch.incident {
        if cx.repo.incident(named).is_none() {
            out.push(
                cx.finding(
                    &super::ROLLBACK_INCIDENT,
                    &["incident".into()],
                    format!("{id} names the incident `{named}`, but there is no such incident record"),
                )
                .help("write the incident record (`launchcheck new incident`), or correct the id"),
            );
        }
        return;
    }
    if cx.repo.is_incident_cause(id) {
        return;
    }
    out.push(
        cx.finding(
            &super::ROLLBACK_INCIDENT,
            &["status".into()],
            format!("{id} was rolled back, but no incident record names it in `caused_by`"),
        )
        .help(format!(
            "record the incident (`launchcheck new incident`) with `caused_by = [\"{id}\"]`, or name it here with `incident = \"INC-…\"`"
        )),
    );
}
