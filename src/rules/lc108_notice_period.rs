//! A launch is announced at least `min_hours` before its window starts.
//!
//! ## What it checks
//! For a launch whose risk is in `risk`, `communication.announced_at` is present and precedes
//! `window.start` by at least `min_hours` (an exact duration). A missing announcement is
//! reported at the `[communication]` table, or at the `id` when there is no such table.
//! Emergency changes are exempt: they cannot wait for a notice period.
//!
//! ## Why it matters
//! Support, sales and the teams that depend on a service need to know a risky change is
//! coming: to staff up, to warn customers, to hold their own launches. An announcement made
//! an hour before the window reaches nobody in time.
//!
//! ## Parameters
//! - `min_hours` (default 24): the minimum notice in hours.
//! - `risk` (default `["medium", "high", "critical"]`): the risks that need notice.
//!
//! ## Failing example
//! ```toml
//! risk = "high"
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! [communication]
//! announced_at = 2026-11-30T20:00:00+08:00   # 6 h ahead
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "high"
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! [communication]
//! announced_at = 2026-11-25T10:00:00+08:00   # 5 days 16 h ahead
//! ```

use crate::diagnostic::Finding;
use crate::model::ChangeType;

use super::lc107_lead_time::describe_seconds;
use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let params = &cx.rules().params.notice_period;
    if launch.change_type == ChangeType::Emergency || !params.risk.contains(&launch.risk) {
        return;
    }
    let path = ["communication".into(), "announced_at".into()];
    let Some(announced) = launch.communication.as_ref().and_then(|c| c.announced_at) else {
        out.push(
            cx.finding(
                &super::NOTICE_PERIOD,
                &path,
                format!(
                    "a {}-risk launch must be announced at least {} h before its window, but `communication.announced_at` is missing",
                    launch.risk.as_str(),
                    params.min_hours
                ),
            )
            .help("announce the launch and record when in `[communication]` `announced_at`"),
        );
        return;
    };
    // `as` saturates, so an absurd `min_hours` cannot overflow.
    let required = (params.min_hours * 3600.0).ceil() as i64;
    let notice = launch.window.start.as_second() - announced.as_second();
    if notice >= required {
        return;
    }
    let how_early = if notice < 0 {
        format!("{} after the window start", describe_seconds(notice))
    } else {
        format!("{} before the window", describe_seconds(notice))
    };
    out.push(
        cx.finding(
            &super::NOTICE_PERIOD,
            &path,
            format!(
                "the launch was announced {how_early} (minimum {} h)",
                params.min_hours
            ),
        )
        .help(format!(
            "announce launches at least {} h ahead, or move the window later",
            params.min_hours
        )),
    );
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{findings, launch, WINDOW};

    const MEDIUM: &str = "change_type = \"standard\"\nrisk = \"medium\"\nstatus = \"submitted\"";

    fn announced(at: &str) -> String {
        launch(
            MEDIUM,
            &format!("{WINDOW}[communication]\nannounced_at = {at}\n"),
        )
    }

    #[test]
    fn an_announcement_after_the_window_start_says_so() {
        let found = findings(
            &crate::rules::NOTICE_PERIOD,
            &[("launches/a.toml", &announced("2026-12-01T04:00:00Z"))],
        );
        // Head lines 6–8, window 9–11, `[communication]` 12, `announced_at` 13.
        assert_eq!(
            found,
            ["launches/a.toml:13:16: the launch was announced 2 h after the window start (minimum 24 h)"]
        );
    }

    #[test]
    fn the_minimum_is_an_exact_duration() {
        let policy = "kind = \"policy\"\n[rules.notice-period]\nmin_hours = 2\n";
        let late = announced("2026-12-01T00:01:00Z");
        let found = findings(
            &crate::rules::NOTICE_PERIOD,
            &[("launches/a.toml", &late), ("policies/p.toml", policy)],
        );
        assert_eq!(
            found,
            ["launches/a.toml:13:16: the launch was announced 1 h 59 min before the window (minimum 2 h)"]
        );
        let in_time = announced("2026-12-01T00:00:00Z");
        assert!(findings(
            &crate::rules::NOTICE_PERIOD,
            &[("launches/a.toml", &in_time), ("policies/p.toml", policy)]
        )
        .is_empty());
    }
}
