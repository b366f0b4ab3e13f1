//! Risky launches happen inside a maintenance window.
//!
//! ## What it checks
//! When the policy declares recurring `[[maintenance]]` windows, the window of every launch
//! request whose risk is in `risk` lies inside one of them. A maintenance window opens on
//! each of its `days` at `start` and closes at `end` (local time in its `timezone`, default
//! `[time].timezone`); one whose `end` is at or before its `start` crosses midnight and
//! belongs to the day it starts. Back-to-back occurrences (Friday 20:00–24:00 and Saturday
//! 00:00–06:00) join into one. Local times follow daylight-saving changes. Emergency changes
//! are exempt. Off when the policy has no `[[maintenance]]` window. Reported at
//! `window.start`.
//!
//! ## Why it matters
//! Maintenance windows are when traffic is lowest, customers have been told to expect
//! changes, and the on-call team is ready. A risky change outside them hits more users and
//! meets a thinner response if it goes wrong.
//!
//! ## Parameters
//! - `risk` (default `["high", "critical"]`): the risks whose launches need a window.
//!
//! ## Failing example
//! ```toml
//! # policy: [[maintenance]] days = ["tue", "thu"], start = "01:00", end = "05:00"
//! risk = "high"
//! [window]                          # a Wednesday
//! start = 2026-12-02T02:00:00+08:00
//! end   = 2026-12-02T04:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "high"
//! [window]                          # a Tuesday
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! ```

use crate::diagnostic::Finding;
use crate::model::ChangeType;
use crate::rules::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let windows = &cx.repo.policy.maintenance;
    let launch = cx.launch();
    if windows.is_empty()
        || launch.change_type == ChangeType::Emergency
        || !cx.rules().params.maintenance_window.risk.contains(&launch.risk)
    {
        return;
    }
    let zone = &cx.repo.clock.tz;
    let (start, end) = (launch.window.start, launch.window.end);
    if crate::maintenance::covers(windows, zone, start, end) {
        return;
    }
    let zone_name = zone.iana_name().unwrap_or("the configured zone");
    let described: Vec<String> = windows.iter().map(|w| w.describe(zone_name)).collect();
    out.push(
        cx.finding(
            &super::MAINTENANCE_WINDOW,
            &["window".into(), "start".into()],
            format!(
                "the window of this {}-risk launch, {} – {}, lies outside every maintenance window: {}",
                launch.risk.as_str(),
                cx.repo.clock.show(start),
                cx.repo.clock.show(end),
                described.join("; ")
            ),
        )
        .help("move the window into a maintenance window, or waive this rule with a reason"),
    );
}
