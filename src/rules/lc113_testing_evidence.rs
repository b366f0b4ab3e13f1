//! Launches of the listed risks carry test evidence: tests passed, a report, a sign-off.
//!
//! ## What it checks
//! For a launch whose `risk` is in `risk`: a `[testing]` table with `passed = true`, a
//! `report` (a link to the test run or report) and `signed_off_by` (who accepted the
//! results). Each missing or failing piece is its own finding, at the value, or at the
//! `[testing]` header when the key is missing, or at the `id` when the table is.
//!
//! ## Why it matters
//! "Tested" is a claim; a report and a named person make it one that can be checked and
//! that somebody answers for. Launching on failed tests should be a visible, waived decision.
//!
//! ## Parameters
//! - `risk` (default `["medium", "high", "critical"]`): the risks that need test evidence.
//!
//! ## Failing example
//! ```toml
//! risk = "high"
//!
//! [testing]
//! passed = false
//! report = "https://ci.example.com/runs/123"
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "high"
//!
//! [testing]
//! passed = true
//! report = "https://ci.example.com/runs/123"
//! signed_off_by = "quinn"
//! ```

use super::LaunchCx;
use crate::diagnostic::Finding;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if !cx
        .rules()
        .params
        .testing_evidence
        .risk
        .contains(&launch.risk)
    {
        return;
    }
    let risk = launch.risk.as_str();
    let Some(testing) = &launch.testing else {
        out.push(
            cx.finding(
                &super::TESTING_EVIDENCE,
                &["testing".into()],
                format!(
                    "a {risk}-risk launch needs test evidence, but there is no [testing] table"
                ),
            )
            .help(
                "add a [testing] table with `passed = true`, a `report` link and `signed_off_by`",
            ),
        );
        return;
    };
    match testing.passed {
        Some(true) => {}
        Some(false) => out.push(
            cx.finding(
                &super::TESTING_EVIDENCE,
                &["testing".into(), "passed".into()],
                format!("the tests of this {risk}-risk launch did not pass"),
            )
            .help("fix the failures and record a passing run, or waive this rule with a reason"),
        ),
        None => out.push(
            cx.finding(
                &super::TESTING_EVIDENCE,
                &["testing".into(), "passed".into()],
                format!("a {risk}-risk launch must record that its tests passed (`passed`)"),
            )
            .help("set `testing.passed = true` once the tests pass"),
        ),
    }
    for (key, value, help) in [
        (
            "report",
            &testing.report,
            "set `testing.report` to a link to the test run or report",
        ),
        (
            "signed_off_by",
            &testing.signed_off_by,
            "set `testing.signed_off_by` to the person who accepted the test results",
        ),
    ] {
        if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
            out.push(
                cx.finding(
                    &super::TESTING_EVIDENCE,
                    &["testing".into(), key.into()],
                    format!("the test evidence of this {risk}-risk launch has no `{key}`"),
                )
                .help(help),
            );
        }
    }
}
