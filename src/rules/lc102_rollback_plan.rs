//! A launch has a complete, recently rehearsed rollback plan, with a backup for irreversible steps.
//!
//! ## What it checks
//! - For a launch whose risk is in `risk`: a `[rollback]` table (its absence is reported at
//!   the `id`) with at least one step, an `owner` and the `minutes` it takes (a missing key is
//!   reported at the `[rollback]` header).
//! - For a launch whose risk is in `tested_risk`: `rollback.tested_on` is present and no more
//!   than `max_test_age_days` old **at the window's start**, counted in calendar days in
//!   `[time].timezone`. A rehearsal dated after the window's start does not count for it.
//! - At any risk: when a step has `irreversible = true`, the rollback names a `backup`
//!   (reported at the first irreversible step's `irreversible` value).
//!
//! ## Why it matters
//! A rollback is the way out when a launch goes wrong. Without written steps, an owner and a
//! known duration, the team improvises under pressure; an unrehearsed rollback often fails
//! exactly when it is needed, because the system it was written for has moved on; and an
//! irreversible step (a data migration, a deletion) cannot be rolled back at all without a
//! backup to restore.
//!
//! ## Parameters
//! - `risk` (default `["low", "medium", "high", "critical"]`): the risks that need a rollback plan.
//! - `tested_risk` (default `["high", "critical"]`): the risks whose rollback must have been rehearsed.
//! - `max_test_age_days` (default 90): the oldest a rehearsal may be at the window's start, in days.
//!
//! ## Failing example
//! ```toml
//! risk = "high"
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! [rollback]
//! steps = ["Shift traffic back to the blue pool"]
//! owner = "bob"
//! minutes = 15
//! tested_on = 2026-08-01        # four months before the window (limit 90 days)
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "high"
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! [rollback]
//! steps = ["Shift traffic back to the blue pool"]
//! owner = "bob"
//! minutes = 15
//! tested_on = 2026-11-20
//! ```

use jiff::Span;

use crate::diagnostic::Finding;
use crate::model::Rollback;

use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let params = &cx.rules().params.rollback_plan;
    let risk = launch.risk.as_str();
    let required = params.risk.contains(&launch.risk);
    let tested = params.tested_risk.contains(&launch.risk);
    match &launch.rollback {
        None if required => out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &["rollback".into()],
                format!("a {risk}-risk launch needs a rollback plan, but there is no `[rollback]` table"),
            )
            .help("add `[rollback]` with the `steps` to undo the launch, their `owner` and the `minutes` they take"),
        ),
        None if tested => out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &["rollback".into(), "tested_on".into()],
                format!("a {risk}-risk launch needs a rehearsed rollback plan, but there is no `[rollback]` table"),
            )
            .help("add `[rollback]` with its steps and the date of its last rehearsal in `tested_on`"),
        ),
        None => {}
        Some(rollback) => {
            if required {
                complete(cx, rollback, out);
            }
            if tested {
                rehearsed(cx, rollback, params.max_test_age_days, out);
            }
        }
    }
    backed_up(cx, out);
}

/// Steps, an owner and a duration.
fn complete(cx: &LaunchCx<'_, '_>, rollback: &Rollback, out: &mut Vec<Finding>) {
    if rollback.steps.is_empty() {
        out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &["rollback".into(), "steps".into()],
                "the rollback plan has no steps",
            )
            .help("list the steps that undo the launch in `rollback.steps`"),
        );
    }
    if rollback.owner.is_none() {
        out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &["rollback".into(), "owner".into()],
                "the rollback plan has no `owner`",
            )
            .help("name the person who decides on and runs the rollback in `rollback.owner`"),
        );
    }
    if rollback.minutes.is_none() {
        out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &["rollback".into(), "minutes".into()],
                "the rollback plan does not say how many `minutes` it takes",
            )
            .help("set `rollback.minutes` to how long the rollback takes, so the window can leave room for it"),
        );
    }
}

/// A rehearsal no older than `max_age` days at the window's start.
fn rehearsed(cx: &LaunchCx<'_, '_>, rollback: &Rollback, max_age: i64, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let clock = &cx.repo.clock;
    let path = ["rollback".into(), "tested_on".into()];
    let start = launch.window.start;
    let Some(tested_on) = rollback.tested_on else {
        out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &path,
                format!(
                    "the rollback of a {}-risk launch must be rehearsed, but `tested_on` is missing",
                    launch.risk.as_str()
                ),
            )
            .help("rehearse the rollback steps and record the date in `rollback.tested_on`"),
        );
        return;
    };
    let age = clock.age_days(tested_on, start);
    if age < 0 {
        out.push(
            cx.finding(
                &super::ROLLBACK_PLAN,
                &path,
                format!(
                    "the rollback rehearsal on {tested_on} is dated after the window start ({}), so it does not count for this launch",
                    clock.show(start)
                ),
            )
            .help("record the last rehearsal before the window in `rollback.tested_on`"),
        );
        return;
    }
    if age <= max_age {
        return;
    }
    let earliest = Span::new()
        .try_days(max_age)
        .ok()
        .and_then(|span| clock.date_of(start).checked_sub(span).ok());
    let help = match earliest {
        Some(date) => format!("rehearse the rollback on or after {date} and update `rollback.tested_on`, or move the window"),
        None => "rehearse the rollback again and update `rollback.tested_on`".to_owned(),
    };
    out.push(
        cx.finding(
            &super::ROLLBACK_PLAN,
            &path,
            format!("the rollback was last tested {age} days before the window (limit {max_age})"),
        )
        .help(help),
    );
}

/// A backup when any step cannot be undone.
fn backed_up(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let has_backup = launch
        .rollback
        .as_ref()
        .and_then(|r| r.backup.as_deref())
        .is_some_and(|b| !b.trim().is_empty());
    if has_backup {
        return;
    }
    let mut irreversible = launch
        .steps
        .iter()
        .enumerate()
        .filter(|(_, s)| s.irreversible);
    let Some((first, step)) = irreversible.next() else {
        return;
    };
    let others = irreversible.count();
    let which = if others == 0 {
        format!("the step `{}` is irreversible", step.action)
    } else {
        format!(
            "{} steps are irreversible (the first: `{}`)",
            others + 1,
            step.action
        )
    };
    let message = if launch.rollback.is_some() {
        format!("{which}, but the rollback plan names no `backup`")
    } else {
        format!("{which}, but there is no `[rollback]` plan with a `backup`")
    };
    let mut finding = cx
        .finding(
            &super::ROLLBACK_PLAN,
            &["steps".into(), first.into(), "irreversible".into()],
            message,
        )
        .help("take a backup before the irreversible step and name it in `rollback.backup`")
        .missing("rollback.backup");
    if let Some(table) = cx.doc().span_of(&["rollback".into()]) {
        finding = finding.related(cx.doc().file, table, "the rollback plan without a `backup`");
    }
    out.push(finding);
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{findings, launch, HEAD, WINDOW};

    fn policy(risk: &str, tested_risk: &str) -> String {
        format!("kind = \"policy\"\n[rules.rollback-plan]\nrisk = {risk}\ntested_risk = {tested_risk}\n")
    }

    #[test]
    fn a_tested_risk_without_any_rollback_is_reported_once_at_the_id() {
        let text = launch(HEAD, WINDOW);
        let found = findings(
            &crate::rules::ROLLBACK_PLAN,
            &[
                ("launches/a.toml", &text),
                ("policies/p.toml", &policy("[]", "[\"low\"]")),
            ],
        );
        assert_eq!(
            found,
            ["launches/a.toml:2:6: a low-risk launch needs a rehearsed rollback plan, but there is no `[rollback]` table"]
        );
        let both = policy("[\"low\"]", "[\"low\"]");
        let found = findings(
            &crate::rules::ROLLBACK_PLAN,
            &[("launches/a.toml", &text), ("policies/p.toml", &both)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn irreversible_steps_need_a_backup_at_any_risk() {
        let steps =
            "[[steps]]\naction = \"Snapshot\"\n[[steps]]\naction = \"Drop\"\nirreversible = true\n\
                     [[steps]]\naction = \"Vacuum\"\nirreversible = true\n";
        let text = launch(HEAD, &format!("{WINDOW}{steps}"));
        let off = policy("[]", "[]");
        let found = findings(
            &crate::rules::ROLLBACK_PLAN,
            &[("launches/a.toml", &text), ("policies/p.toml", &off)],
        );
        // Head lines 6–9, window 10–12, the second step's `irreversible` on line 17.
        assert_eq!(
            found,
            ["launches/a.toml:17:16: 2 steps are irreversible (the first: `Drop`), but there is no `[rollback]` plan with a `backup`"]
        );
        let backed_up =
            format!("{text}[rollback]\nsteps = [\"Restore\"]\nbackup = \"snapshot-1\"\n");
        assert!(findings(
            &crate::rules::ROLLBACK_PLAN,
            &[("launches/a.toml", &backed_up), ("policies/p.toml", &off)]
        )
        .is_empty());
    }
}
