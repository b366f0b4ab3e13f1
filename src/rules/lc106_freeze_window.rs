//! The launch window does not overlap a policy freeze that does not allow the change type.
//!
//! ## What it checks
//! Each `[[freeze]]` of the policy is a half-open interval `[start, end)`, and so is the
//! launch window. When the two overlap and the launch's `change_type` is not in the freeze's
//! `allow` list, the launch is reported at its `window.start`, with the freeze's entry in the
//! policy file as a related location. A window that ends exactly when a freeze starts, or
//! starts exactly when it ends, does not overlap it.
//!
//! Change types a freeze allows may launch, but they need the freeze's extra `approvals`
//! roles; `approvals` (LC103) checks those.
//!
//! ## Why it matters
//! Freezes protect the periods when a failure would hurt most (year-end close, a sales peak)
//! or when too few people are around to respond to one. A launch scheduled into a freeze
//! without being allowed there bypasses that decision.
//!
//! ## Parameters
//! None of its own; the freezes are the policy's `[[freeze]]` entries (`name`, `start`,
//! `end`, `allow`, `approvals`). The embedded default policy defines no freeze.
//!
//! ## Failing example
//! ```toml
//! # policies/org.toml
//! [[freeze]]
//! name = "Year-end freeze"
//! start = 2026-12-20T00:00:00+08:00
//! end   = 2027-01-04T00:00:00+08:00
//! allow = ["emergency"]
//!
//! # launches/LR-2026-0152.toml
//! change_type = "normal"
//! [window]
//! start = 2026-12-22T01:00:00+08:00
//! end   = 2026-12-22T03:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! # ends exactly when the freeze starts: [start, end) windows do not overlap
//! change_type = "normal"
//! [window]
//! start = 2026-12-19T21:00:00+08:00
//! end   = 2026-12-20T00:00:00+08:00
//! ```

use jiff::Timestamp;

use crate::diagnostic::Finding;
use crate::model::{ChangeType, Window};
use crate::policy::Freeze;

use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

/// Whether the half-open intervals `[a_start, a_end)` and `[b_start, b_end)` share an instant.
pub(super) fn overlaps(
    a_start: Timestamp,
    a_end: Timestamp,
    b_start: Timestamp,
    b_end: Timestamp,
) -> bool {
    a_start < b_end && b_start < a_end
}

/// Whether a launch window overlaps a freeze.
pub(super) fn in_freeze(window: &Window, freeze: &Freeze) -> bool {
    overlaps(window.start, window.end, freeze.start, freeze.end)
}

/// What a freeze allows, said to a launch of `change_type`: "only emergency changes, not
/// normal ones" or "no changes".
fn allowed_text(allow: &[ChangeType], change_type: ChangeType) -> String {
    if allow.is_empty() {
        return "no changes".to_owned();
    }
    let names: Vec<&str> = allow.iter().map(|c| c.as_str()).collect();
    format!(
        "only {} changes, not {} ones",
        names.join(" and "),
        change_type.as_str()
    )
}

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let clock = &cx.repo.clock;
    for freeze in &cx.repo.policy.freezes {
        if !in_freeze(&launch.window, freeze) || freeze.allow.contains(&launch.change_type) {
            continue;
        }
        let mut finding = cx
            .finding(
                &super::FREEZE_WINDOW,
                &["window".into(), "start".into()],
                format!(
                    "the window overlaps the freeze `{}` ({} – {}), which allows {}",
                    freeze.name,
                    clock.show(freeze.start),
                    clock.show(freeze.end),
                    allowed_text(&freeze.allow, launch.change_type),
                ),
            )
            .help(format!(
                "move the window to end by {} or start at {} or later",
                clock.show(freeze.start),
                clock.show(freeze.end)
            ));
        if let Some(origin) = &freeze.origin {
            finding = finding.related(
                origin.file,
                origin.span.clone(),
                format!("the freeze `{}`", freeze.name),
            );
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_harness::{findings, launch, HEAD, WINDOW};

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn half_open_intervals_touching_at_an_end_do_not_overlap() {
        let (a, b, c, d) = (
            at("2026-12-19T16:00:00Z"),
            at("2026-12-20T00:00:00Z"),
            at("2026-12-20T02:00:00Z"),
            at("2026-12-21T00:00:00Z"),
        );
        assert!(!overlaps(a, b, b, d), "ends exactly at the start");
        assert!(!overlaps(b, d, a, b), "starts exactly at the end");
        assert!(overlaps(a, c, b, d), "straddles the start");
        assert!(overlaps(b, c, a, d), "inside");
        assert!(overlaps(a, d, b, c), "encloses");
    }

    #[test]
    fn allowed_change_types_are_named() {
        assert_eq!(allowed_text(&[], ChangeType::Normal), "no changes");
        assert_eq!(
            allowed_text(&[ChangeType::Emergency], ChangeType::Normal),
            "only emergency changes, not normal ones"
        );
        assert_eq!(
            allowed_text(
                &[ChangeType::Standard, ChangeType::Emergency],
                ChangeType::Normal
            ),
            "only standard and emergency changes, not normal ones"
        );
    }

    #[test]
    fn a_freeze_that_allows_nothing_stops_every_change() {
        let policy =
            "kind = \"policy\"\n[[freeze]]\nname = \"Migration\"\nstart = 2026-12-01T02:30:00Z\n\
                      end = 2026-12-02T00:00:00Z\n";
        let emergency = "change_type = \"emergency\"\nrisk = \"low\"\nstatus = \"approved\"";
        let text = launch(emergency, WINDOW);
        let found = findings(
            &crate::rules::FREEZE_WINDOW,
            &[("launches/a.toml", &text), ("policies/p.toml", policy)],
        );
        // Head lines 6–8, `[window]` on 9, `start` on 10; times shown in the configured zone (UTC).
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with(
            "launches/a.toml:10:9: the window overlaps the freeze `Migration` (2026-12-01 02:30"
        ));
        assert!(
            found[0].ends_with("), which allows no changes"),
            "{found:?}"
        );
        assert!(findings(&crate::rules::FREEZE_WINDOW, &[("launches/a.toml", &launch(HEAD, WINDOW))]).is_empty());
    }
}
