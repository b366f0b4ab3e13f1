//! No launch starts while a serious incident is going on on one of its services.
//!
//! ## What it checks
//! A launch request whose window starts while an incident of a severity in `levels` on a
//! service the launch shares is going on — from the incident's `detected_at` to its
//! `resolved_at`, or open-ended while it has none — whatever the incident's status today.
//! Emergency changes are exempt (they are often the fix), and so are the launches the
//! incident names in `caused_by`. Reported at the launch's `window.start`, with the incident
//! as related span.
//!
//! ## Why it matters
//! During an incident the service is already unstable and the responders are busy. A
//! planned change on top of it adds risk, muddies the diagnosis ("was it the launch or the
//! incident?") and takes people away from the response.
//!
//! ## Parameters
//! - `levels` (default `["sev1", "sev2"]`): severities of incidents that stop launches.
//!
//! ## Failing example
//! ```toml
//! # incidents/INC-2026-0051.toml: sev2 on search-api, detected 2026-12-09T22:00+08:00, open
//! services = ["search-api"]
//! change_type = "normal"
//! [window]
//! start = 2026-12-10T02:00:00+08:00
//! end   = 2026-12-10T04:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! # the incident was resolved at 2026-12-10T01:00:00+08:00
//! services = ["search-api"]
//! change_type = "normal"
//! [window]
//! start = 2026-12-10T02:00:00+08:00
//! end   = 2026-12-10T04:00:00+08:00
//! ```

use std::collections::HashSet;

use crate::diagnostic::Finding;
use crate::model::ChangeType;
use crate::rules::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if launch.change_type == ChangeType::Emergency {
        return;
    }
    let levels = &cx.rules().params.change_during_incident.levels;
    let start = launch.window.start;
    let mut seen = HashSet::new();
    for service in &launch.services {
        for entry in cx.repo.incidents_for_service(service) {
            let incident = &entry.model;
            if !levels.contains(&incident.severity)
                || incident.caused_by.contains(&launch.id)
                || start < incident.detected_at
                || incident.end().is_some_and(|end| start >= end)
                || !seen.insert(entry.doc.file)
            {
                continue;
            }
            let until = match incident.end() {
                Some(end) => format!("until {}", cx.repo.clock.show(end)),
                None => format!("and still {}", incident.status.as_str()),
            };
            out.push(
                cx.finding(
                    &super::CHANGE_DURING_INCIDENT,
                    &["window".into(), "start".into()],
                    format!(
                        "{} starts during {} ({}, `{service}`), going on from {} {until}",
                        launch.id,
                        incident.id,
                        incident.severity,
                        cx.repo.clock.show(incident.detected_at)
                    ),
                )
                .related(
                    entry.doc.file,
                    entry.doc.point_at(&["detected_at".into()]),
                    format!("{} on `{service}`", incident.id),
                )
                .help("move the window after the incident is resolved, or make it the emergency change that fixes it"),
            );
        }
    }
}
