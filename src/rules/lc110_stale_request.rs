//! No request is still draft, submitted or approved after its launch window has ended.
//!
//! ## What it checks
//! A request whose `status` is `draft`, `submitted` or `approved` while its window ended
//! before now (the window is `[start, end)`, so it has ended from `end` on). Such a request
//! either went out and was never marked `launched`, or did not go out and should be
//! `cancelled` or moved to a new window.
//!
//! ## Why it matters
//! The repository is the record of what was launched. A stale status misleads audits,
//! collision checks and anyone reading the calendar of upcoming launches.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-11-25
//! status = "approved"
//!
//! [window]
//! start = 2026-11-20T02:00:00+08:00
//! end   = 2026-11-20T04:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! # with --now 2026-11-25
//! status = "launched"
//!
//! [window]
//! start = 2026-11-20T02:00:00+08:00
//! end   = 2026-11-20T04:00:00+08:00
//! ```

use super::LaunchCx;
use crate::diagnostic::Finding;
use crate::model::Status;

pub const CHECK: super::Check = super::Check::Launch(check);

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if !matches!(
        launch.status,
        Status::Draft | Status::Submitted | Status::Approved
    ) {
        return;
    }
    let end = launch.window.end;
    let now = cx.now();
    if end > now {
        return;
    }
    out.push(
        cx.finding(
            &super::STALE_REQUEST,
            &["status".into()],
            format!(
                "the request is still `{}` but its window ended {}{}",
                launch.status.as_str(),
                cx.repo.clock.show(end),
                ago(now.duration_since(end).as_secs()),
            ),
        )
        .help(
            "set `status` to `launched` or `rolled-back` if it went out, to `cancelled` if it did \
             not, or move the window to a new date",
        ),
    );
}

/// ` (5 days ago)`, or nothing when the window ended less than a minute ago.
fn ago(seconds: i64) -> String {
    let (count, unit) = match seconds {
        s if s >= 86_400 => (s / 86_400, "day"),
        s if s >= 3_600 => (s / 3_600, "hour"),
        s if s >= 60 => (s / 60, "minute"),
        _ => return String::new(),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!(" ({count} {unit}{plural} ago)")
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn ages_use_the_largest_whole_unit() {
        assert_eq!(ago(30), "");
        assert_eq!(ago(60), " (1 minute ago)");
        assert_eq!(ago(7_199), " (1 hour ago)");
        assert_eq!(ago(86_400 * 5 + 10), " (5 days ago)");
    }
}
