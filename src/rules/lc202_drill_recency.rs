//! The plan's latest successful drill is recent enough, now and at each linking launch's window.
//!
//! ## What it checks
//! The latest `[[drills]]` entry whose `outcome` is in `accept` is no more than
//! `max_age_days` calendar days old. Ages count calendar days in `[time].timezone`; a drill
//! dated after the reference instant does not count for it.
//!
//! The plan on its own is judged at now with the base policy. For each launch that links the
//! plan, the check runs again at the start of the launch's window with the launch's
//! overrides: a drill that is fine today but will be too old when the launch happens fails
//! there, and is reported on the launch at its `response_plan` ("will be 200 days old at
//! launch (limit 90)"), with the plan's last accepted drill as related span.
//!
//! ## Why it matters
//! A response plan nobody has practised is a document, not a capability: people change
//! teams, runbooks drift from the systems they describe, failovers stop working. A recent
//! drill that passed is the evidence that the plan works when the launch goes wrong.
//!
//! ## Parameters
//! - `accept` (default `["passed"]`): drill outcomes (`passed`, `partial`, `failed`) that
//!   count as a successful drill.
//! - `max_age_days` (default `180`): the oldest a successful drill may be, in days.
//!
//! ## Failing example
//! ```toml
//! # with --now 2026-11-25: the last passed drill is 260 days old (limit 180)
//! [[drills]]
//! date = 2026-03-10
//! type = "tabletop"
//! outcome = "passed"
//!
//! [[drills]]
//! date = 2026-10-02
//! type = "game-day"
//! outcome = "failed"       # does not count
//! ```
//!
//! ## Passing example
//! ```toml
//! [[drills]]
//! date = 2026-10-02
//! type = "game-day"
//! outcome = "passed"
//! ```

use crate::diagnostic::Finding;
use jiff::civil::Date;

use crate::model::{Drill, Outcome};
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::PlanInLaunchContext(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let params = &cx.rules.params.drill_recency;
    let plan = cx.plan();
    let id = &plan.id;
    let clock = &cx.repo.clock;
    let kind = describe(&params.accept);
    let at_date = clock.date_of(cx.at);

    let accepted = plan
        .drills
        .iter()
        .enumerate()
        .filter(|(_, d)| params.accept.contains(&d.outcome));
    let latest = latest_accepted(&plan.drills, &params.accept, at_date);

    // Every finding of this rule shares one key path, so a plan that already fails on its
    // own is not reported again on each launch that links it.
    let Some((index, drill)) = latest else {
        let have = match judged(cx) {
            Judged::Now => "has",
            Judged::BeforeLaunch => "will have",
            Judged::AfterLaunch => "had",
        };
        let mut message = format!("{id} {have} no {kind} drill{}", cx.when());
        if let Some((_, later)) = accepted.min_by_key(|(_, d)| d.date) {
            message.push_str(&format!(
                " (the {kind} drill dated {} is after {at_date} and does not count)",
                later.date
            ));
        }
        out.push(
            cx.finding(&super::DRILL_RECENCY, &["drills".into()], message)
                .key("drills")
                .help(format!(
                    "run a drill of {id} and record it under `[[drills]]` with an outcome of {}",
                    describe_quoted(&params.accept)
                )),
        );
        return;
    };

    let age = clock.age_days(drill.date, cx.at);
    if age <= params.max_age_days {
        return;
    }
    let help = match judged(cx) {
        Judged::BeforeLaunch => format!(
            "run a drill of {id} before {at_date} (the last {kind} one was on {}) or move the window",
            drill.date
        ),
        Judged::AfterLaunch => format!(
            "this launch went ahead with a drill older than the limit; run a drill of {id}, and record a waiver if the launch was accepted as it was"
        ),
        Judged::Now => format!(
            "run a drill of {id} and record it under `[[drills]]`; the last {kind} one was on {}",
            drill.date
        ),
    };
    let drill_path = ["drills".into(), index.into()];
    let drill_span = cx.doc().point_at(&drill_path);
    out.push(
        cx.finding(
            &super::DRILL_RECENCY,
            &["drills".into(), index.into(), "date".into()],
            format!(
                "the last {kind} drill of {id} {} {age} days old{} (limit {})",
                cx.tense(),
                cx.when(),
                params.max_age_days
            ),
        )
        .key("drills")
        .help(help)
        .related(cx.doc().file, drill_span, format!("last {kind} drill")),
    );
}

/// The latest drill with an accepted outcome dated no later than `at_date`, with its index.
/// Later entries win ties, so a drill recorded twice points at the last record. The schedule
/// dates a plan's drill deadline from the same drill.
pub fn latest_accepted<'d>(
    drills: &'d [Drill],
    accept: &[Outcome],
    at_date: Date,
) -> Option<(usize, &'d Drill)> {
    drills
        .iter()
        .enumerate()
        .filter(|(_, d)| accept.contains(&d.outcome) && d.date <= at_date)
        .max_by_key(|(i, d)| (d.date, *i))
}

/// When the plan is judged, which decides the tense of messages and what help makes sense.
enum Judged {
    Now,
    BeforeLaunch,
    AfterLaunch,
}

fn judged(cx: &PlanCx<'_, '_>) -> Judged {
    match cx.launch {
        None => Judged::Now,
        Some(_) if cx.at > cx.repo.clock.now => Judged::BeforeLaunch,
        Some(_) => Judged::AfterLaunch,
    }
}

/// "passed", "passed or partial": the outcomes that count, as prose.
fn describe(accept: &[Outcome]) -> String {
    if accept.is_empty() {
        return "accepted".to_owned();
    }
    accept
        .iter()
        .map(|o| o.as_str())
        .collect::<Vec<_>>()
        .join(" or ")
}

fn describe_quoted(accept: &[Outcome]) -> String {
    if accept.is_empty() {
        return "the policy accepts (`accept` is empty, so no drill counts)".to_owned();
    }
    accept
        .iter()
        .map(|o| format!("\"{}\"", o.as_str()))
        .collect::<Vec<_>>()
        .join(" or ")
}
