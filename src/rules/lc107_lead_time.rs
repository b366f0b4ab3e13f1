//! A launch request is submitted at least `min_days.<risk>` days before its window starts.
//!
//! ## What it checks
//! `submitted_at` precedes `window.start` by at least `min_days` for the launch's risk,
//! counted as an exact duration (a day is 24 hours, whatever the time zone or daylight
//! saving). A request that is no longer a `draft` but has no `submitted_at` is reported at
//! its `id`. Emergency changes are exempt; `emergency-review` (LC109) holds them to account
//! after the fact instead. A risk left out of `min_days` has no minimum.
//!
//! ## Why it matters
//! Reviewers, approvers, testers and the on-call team need time to look at a change before it
//! goes out. A request filed the night before its window gets rubber-stamped, or launched
//! without the scrutiny its risk calls for.
//!
//! ## Parameters
//! - `min_days.low` (default 1), `min_days.medium` (default 3), `min_days.high` (default 7),
//!   `min_days.critical` (default 7): the minimum lead time in days per risk.
//!
//! ## Failing example
//! ```toml
//! risk = "high"
//! submitted_at = 2026-11-28T09:00:00+08:00   # 2 days 17 h ahead; high risk needs 7 days
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "high"
//! submitted_at = 2026-11-20T09:00:00+08:00   # 10 days 17 h ahead
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! ```

use jiff::SignedDuration;

use crate::diagnostic::Finding;
use crate::model::{ChangeType, Status};

use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A duration in seconds for messages, to the minute: `2 days 4 h`, `6 h 30 min`, `45 min`.
pub(super) fn describe_seconds(seconds: i64) -> String {
    let seconds = seconds.unsigned_abs();
    let (day, hour, minute) = (
        DAY.unsigned_abs(),
        HOUR.unsigned_abs(),
        MINUTE.unsigned_abs(),
    );
    let days = seconds / day;
    let hours = seconds % day / hour;
    let minutes = seconds % hour / minute;
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(format!("{days} day{}", if days == 1 { "" } else { "s" }));
    }
    if hours > 0 {
        parts.push(format!("{hours} h"));
    }
    if minutes > 0 && days == 0 {
        parts.push(format!("{minutes} min"));
    }
    if parts.is_empty() {
        return if seconds == 0 {
            "0 min".to_owned()
        } else {
            "less than a minute".to_owned()
        };
    }
    parts.join(" ")
}

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if launch.change_type == ChangeType::Emergency {
        return;
    }
    let Some(submitted) = launch.submitted_at else {
        if launch.status != Status::Draft {
            out.push(
                cx.finding(
                    &super::LEAD_TIME,
                    &["submitted_at".into()],
                    format!(
                        "the request has status `{}` but no `submitted_at`, so its lead time cannot be checked",
                        launch.status.as_str()
                    ),
                )
                .help("add `submitted_at` with the date-time the request was submitted, with its UTC offset"),
            );
        }
        return;
    };
    let Some(&min_days) = cx.rules().params.lead_time.min_days.get(launch.risk) else {
        return;
    };
    if min_days <= 0 {
        return;
    }
    let required = min_days.saturating_mul(DAY);
    let lead = launch.window.start.as_second() - submitted.as_second();
    if lead >= required {
        return;
    }
    let clock = &cx.repo.clock;
    let how_early = if lead < 0 {
        format!("{} after the window start", describe_seconds(lead))
    } else {
        format!("{} before the window", describe_seconds(lead))
    };
    let mut finding = cx.finding(
        &super::LEAD_TIME,
        &["submitted_at".into()],
        format!(
            "the request was submitted {how_early} (minimum {min_days} day{} for {} risk)",
            if min_days == 1 { "" } else { "s" },
            launch.risk.as_str()
        ),
    );
    let earliest = submitted.checked_add(SignedDuration::from_secs(required));
    finding = match earliest {
        Ok(earliest) => finding.help(format!(
            "move the window to start at {} or later; only emergency changes skip the lead time",
            clock.show(earliest)
        )),
        Err(_) => finding.help("move the window later; only emergency changes skip the lead time"),
    };
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use super::describe_seconds;
    use crate::rules::test_harness::{findings, launch, HEAD, WINDOW};

    #[test]
    fn durations_read_naturally() {
        assert_eq!(describe_seconds(0), "0 min");
        assert_eq!(describe_seconds(45 * 60), "45 min");
        assert_eq!(describe_seconds(6 * 3600 + 30 * 60), "6 h 30 min");
        assert_eq!(describe_seconds(86_400), "1 day");
        assert_eq!(describe_seconds(2 * 86_400 + 4 * 3600 + 59), "2 days 4 h");
        assert_eq!(describe_seconds(-3 * 3600), "3 h");
        assert_eq!(describe_seconds(i64::MIN), "106751991167300 days 15 h");
    }

    #[test]
    fn a_request_submitted_after_its_window_started_says_so() {
        let late = HEAD.replace("2026-11-20T09:00:00Z", "2026-12-01T05:00:00Z");
        let found = findings(&crate::rules::LEAD_TIME, &[("launches/a.toml", &launch(&late, WINDOW))]);
        // `submitted_at` is the last line of the head, line 9.
        assert_eq!(
            found,
            ["launches/a.toml:9:16: the request was submitted 3 h after the window start (minimum 1 day for low risk)"]
        );
    }

    #[test]
    fn the_minimum_follows_the_policy() {
        let policy = "kind = \"policy\"\n[rules.lead-time]\nmin_days.low = 14\n";
        let found = findings(
            &crate::rules::LEAD_TIME,
            &[
                ("launches/a.toml", &launch(HEAD, WINDOW)),
                ("policies/p.toml", policy),
            ],
        );
        assert_eq!(
            found,
            ["launches/a.toml:9:16: the request was submitted 10 days 17 h before the window (minimum 14 days for low risk)"]
        );
    }
}
