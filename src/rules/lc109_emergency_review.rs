//! Emergency changes say why and for which incident, and are reviewed after the fact.
//!
//! ## What it checks
//! A launch with `change_type = "emergency"` needs an `[emergency]` table with a `reason`
//! and an `incident`. Once `review_within_hours` have passed since the end of its launch
//! window (measured at now, so `--now` reproduces it), the table also needs `reviewed_by`
//! and `reviewed_at`: the post-implementation review.
//!
//! ## Why it matters
//! Emergency changes skip the lead time and the notice period. In exchange they must name
//! the incident that justified them and be reviewed soon after, or "emergency" becomes the
//! way around every other rule.
//!
//! ## Parameters
//! - `review_within_hours` (default 72): hours after the window end by which the review is due.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-11-25 (more than 72 h after the window ended)
//! change_type = "emergency"
//!
//! [window]
//! start = 2026-11-20T13:00:00+08:00
//! end   = 2026-11-20T15:30:00+08:00
//!
//! [emergency]
//! reason = "CVE-2026-1234 hotfix"
//! ```
//!
//! ## Passing example
//! ```toml
//! change_type = "emergency"
//!
//! [window]
//! start = 2026-11-20T13:00:00+08:00
//! end   = 2026-11-20T15:30:00+08:00
//!
//! [emergency]
//! reason = "CVE-2026-1234 hotfix"
//! incident = "INC-9921"
//! reviewed_by = "dan"
//! reviewed_at = 2026-11-21T09:00:00+08:00
//! ```

use jiff::{SignedDuration, Timestamp};

use super::LaunchCx;
use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::model::ChangeType;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if launch.change_type != ChangeType::Emergency {
        return;
    }
    let hours = cx.rules().params.emergency_review.review_within_hours;
    let due = review_due(launch.window.end, hours);
    let overdue = cx.now() >= due;
    let due_text = format!(
        "the post-implementation review was due {}, {} h after the window ended",
        cx.repo.clock.show(due),
        show_hours(hours)
    );

    let Some(emergency) = &launch.emergency else {
        let mut message = format!(
            "the emergency change {} has no [emergency] table with its reason and incident",
            launch.id
        );
        if overdue {
            message.push_str(&format!("; {due_text}"));
        }
        out.push(cx.finding(&super::EMERGENCY_REVIEW, &["emergency".into()], message).help(
            "add an [emergency] table with `reason` and `incident` (and, after the launch, \
             `reviewed_by` and `reviewed_at`)",
        ));
        return;
    };

    for (key, value, what) in [
        ("reason", &emergency.reason, "why the change could not wait"),
        (
            "incident",
            &emergency.incident,
            "the incident it responds to",
        ),
    ] {
        if is_blank(value.as_deref()) {
            out.push(
                cx.finding(
                    &super::EMERGENCY_REVIEW,
                    &["emergency".into(), key.into()],
                    format!("the emergency change {} does not state `{key}`", launch.id),
                )
                .help(format!("set `emergency.{key}` to {what}")),
            );
        }
    }

    if !overdue {
        return;
    }
    let missing_by = is_blank(emergency.reviewed_by.as_deref());
    let missing_at = emergency.reviewed_at.is_none();
    const TABLE: Seg<'static> = Seg::Key("emergency");
    let (path, missing): (&[Seg<'_>], &str) = match (missing_by, missing_at) {
        (true, true) => (&[TABLE], "`reviewed_by` and `reviewed_at` are missing"),
        (true, false) => (
            &[TABLE, Seg::Key("reviewed_by")],
            "`reviewed_by` is missing",
        ),
        (false, true) => (
            &[TABLE, Seg::Key("reviewed_at")],
            "`reviewed_at` is missing",
        ),
        (false, false) => return,
    };
    out.push(
        cx.finding(&super::EMERGENCY_REVIEW, path, format!("{due_text}, but {missing}"))
            .help("hold the post-implementation review and record who held it (`reviewed_by`) and when (`reviewed_at`)"),
    );
}

/// When the review falls due; a deadline past the representable range never arrives.
pub fn review_due(window_end: Timestamp, hours: f64) -> Timestamp {
    let seconds = (hours * 3600.0).round();
    if !seconds.is_finite() {
        return Timestamp::MAX;
    }
    // Float-to-int `as` saturates, so absurd policies cannot overflow here.
    window_end
        .saturating_add(SignedDuration::from_secs(seconds as i64))
        .unwrap_or(Timestamp::MAX)
}

fn show_hours(hours: f64) -> String {
    if hours.fract() == 0.0 {
        format!("{hours:.0}")
    } else {
        format!("{hours}")
    }
}

fn is_blank(value: Option<&str>) -> bool {
    value.is_none_or(|v| v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::{review_due, show_hours};
    use crate::rules::test_harness::{findings, launch};

    fn emergency(end: &str, table: &str) -> String {
        launch(
            "change_type = \"emergency\"\nrisk = \"low\"\nstatus = \"launched\"",
            &format!("[window]\nstart = 2026-11-21T22:00:00Z\nend = {end}\n\n{table}"),
        )
    }

    const TABLE: &str = "[emergency]\nreason = \"CVE\"\nincident = \"INC-1\"\n";

    #[test]
    fn the_review_falls_due_exactly_review_within_hours_after_the_end() {
        // Now is 2026-11-25T00:00Z: 72 h after 2026-11-22T00:00Z, the review is due.
        let due = findings(
            &crate::rules::EMERGENCY_REVIEW,
            &[("launches/a.toml", &emergency("2026-11-22T00:00:00Z", TABLE))],
        );
        assert_eq!(due.len(), 1, "{due:?}");
        // The offset's spelling is the clock's business; the rest is this rule's.
        assert!(
            due[0].starts_with(
                "launches/a.toml:13:1: the post-implementation review was due 2026-11-25 00:00 "
            ),
            "{due:?}"
        );
        assert!(
            due[0].ends_with(
                ", 72 h after the window ended, but `reviewed_by` and `reviewed_at` are missing"
            ),
            "{due:?}"
        );
        let not_yet = findings(
            &crate::rules::EMERGENCY_REVIEW,
            &[("launches/a.toml", &emergency("2026-11-22T00:01:00Z", TABLE))],
        );
        assert!(not_yet.is_empty(), "{not_yet:?}");
    }

    #[test]
    fn a_missing_review_key_points_at_the_table() {
        let table = format!("{TABLE}reviewed_by = \"dan\"\n");
        let found = findings(
            &crate::rules::EMERGENCY_REVIEW,
            &[(
                "launches/a.toml",
                &emergency("2026-11-20T00:00:00Z", &table),
            )],
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("launches/a.toml:13:1: "), "{found:?}");
        assert!(
            found[0].ends_with("but `reviewed_at` is missing"),
            "{found:?}"
        );
    }

    #[test]
    fn deadlines_saturate_and_hours_print_plainly() {
        let end: jiff::Timestamp = "2026-11-20T00:00:00Z".parse().unwrap();
        assert_eq!(review_due(end, 1.5).to_string(), "2026-11-20T01:30:00Z");
        assert_eq!(review_due(end, f64::INFINITY), jiff::Timestamp::MAX);
        assert_eq!(review_due(end, 1e300), jiff::Timestamp::MAX);
        assert_eq!(show_hours(72.0), "72");
        assert_eq!(show_hours(1.5), "1.5");
    }
}
