//! The launch window ends after it starts, lasts at most `max_hours`, and fits steps and rollback.
//!
//! ## What it checks
//! - `window.end` is after `window.start` (reported at `window.end`);
//! - the window is at most `max_hours` long (reported at `window.start`);
//! - the `minutes` of all `[[steps]]` plus the `[rollback]` `minutes` fit inside the window
//!   (reported at `window.start`): if the last step goes wrong, there must still be time to
//!   roll back before the window closes. Steps without `minutes` count as zero.
//!
//! ## Why it matters
//! A window is a promise to everyone else about when the service is at risk. An inverted
//! window is a typo that hides the real time; an open-ended one keeps the on-call team on alert
//! all day; and a window too short for the plan ends with a half-done launch and no time left
//! to undo it.
//!
//! ## Parameters
//! - `max_hours` (default 8): the longest a window may be, in hours.
//!
//! ## Failing example
//! ```toml
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T03:00:00+08:00   # 60 min
//! [[steps]]
//! action = "Deploy 2.3.0"
//! minutes = 50
//! [rollback]
//! steps = ["Redeploy 2.2.4"]
//! minutes = 20                        # 50 + 20 = 70 min do not fit
//! ```
//!
//! ## Passing example
//! ```toml
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00   # 120 min
//! [[steps]]
//! action = "Deploy 2.3.0"
//! minutes = 50
//! [rollback]
//! steps = ["Redeploy 2.2.4"]
//! minutes = 20
//! ```

use crate::diagnostic::Finding;

use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

/// A window length for messages, in hours: `10 h`, `7 h 30 min`.
fn describe_hours(seconds: i64) -> String {
    let minutes = seconds / 60;
    let (hours, rest) = (minutes / 60, minutes % 60);
    if rest == 0 {
        format!("{hours} h")
    } else {
        format!("{hours} h {rest} min")
    }
}

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let clock = &cx.repo.clock;
    let (start, end) = (launch.window.start, launch.window.end);
    let start_path = ["window".into(), "start".into()];
    if end <= start {
        out.push(
            cx.finding(
                &super::LAUNCH_WINDOW,
                &["window".into(), "end".into()],
                format!(
                    "the window ends at {}, which is not after its start at {}",
                    clock.show(end),
                    clock.show(start)
                ),
            )
            .help("set `window.end` to when the launch window closes, after `window.start`"),
        );
        return;
    }
    let length = end.as_second() - start.as_second();
    let max_hours = cx.rules().params.launch_window.max_hours;
    // `as` saturates, so an absurd `max_hours` cannot overflow.
    let max_seconds = (max_hours * 3600.0).floor() as i64;
    if length > max_seconds {
        out.push(
            cx.finding(
                &super::LAUNCH_WINDOW,
                &start_path,
                format!("the window is {} long (limit {max_hours} h)", describe_hours(length)),
            )
            .help("split the launch into shorter windows, or narrow the window to when work actually happens"),
        );
    }
    let steps: u64 = launch
        .steps
        .iter()
        .filter_map(|s| s.minutes)
        .fold(0, u64::saturating_add);
    let rollback = launch
        .rollback
        .as_ref()
        .and_then(|r| r.minutes)
        .unwrap_or(0);
    let needed = steps.saturating_add(rollback);
    let available_seconds = u64::try_from(length).unwrap_or(0);
    if needed.saturating_mul(60) > available_seconds {
        let available = available_seconds / 60;
        out.push(
            cx.finding(
                &super::LAUNCH_WINDOW,
                &start_path,
                format!(
                    "the steps ({steps} min) and the rollback ({rollback} min) need {needed} min, but the window is {available} min long"
                ),
            )
            .help("lengthen the window so the rollback still fits after the last step, or split the launch"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::describe_hours;
    use crate::rules::test_harness::{findings, launch, HEAD, WINDOW};

    #[test]
    fn lengths_are_shown_in_hours_and_minutes() {
        assert_eq!(describe_hours(10 * 3600), "10 h");
        assert_eq!(describe_hours(7 * 3600 + 30 * 60 + 59), "7 h 30 min");
        assert_eq!(describe_hours(59), "0 h");
    }

    #[test]
    fn steps_without_minutes_count_as_zero() {
        let plan =
            "[[steps]]\naction = \"Prepare\"\n[[steps]]\naction = \"Deploy\"\nminutes = 50\n\
                    [rollback]\nsteps = [\"Redeploy\"]\nminutes = 20\n";
        let found = findings(
            &crate::rules::LAUNCH_WINDOW,
            &[("launches/a.toml", &launch(HEAD, &format!("{WINDOW}{plan}")))],
        );
        // Head lines 6–9, `[window]` on 10, `start` on 11.
        assert_eq!(
            found,
            ["launches/a.toml:11:9: the steps (50 min) and the rollback (20 min) need 70 min, but the window is 60 min long"]
        );
    }

    #[test]
    fn fractional_limits_and_empty_windows() {
        let policy = "kind = \"policy\"\n[rules.launch-window]\nmax_hours = 0.5\n";
        let found = findings(
            &crate::rules::LAUNCH_WINDOW,
            &[
                ("launches/a.toml", &launch(HEAD, WINDOW)),
                ("policies/p.toml", policy),
            ],
        );
        assert_eq!(
            found,
            ["launches/a.toml:11:9: the window is 1 h long (limit 0.5 h)"]
        );
        let empty = WINDOW.replace("T03:00", "T02:00");
        let found = findings(&crate::rules::LAUNCH_WINDOW, &[("launches/a.toml", &launch(HEAD, &empty))]);
        // `end` on line 12; the times are shown in the configured zone (UTC here).
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("launches/a.toml:12:7: the window ends at 2026-12-01 02:00"));
        assert!(found[0].contains("which is not after its start at 2026-12-01 02:00"));
    }
}
