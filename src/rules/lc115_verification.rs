//! Launches of the listed risks say how they are verified and when to roll back.
//!
//! ## What it checks
//! For a launch whose `risk` is in `risk`: at least one `[[verification]]` entry with a
//! `rollback_if`, the observation that triggers a rollback. No entries at all is reported at
//! the `id`; entries that all lack `rollback_if` at the first of them.
//!
//! ## Why it matters
//! Deciding during a launch, under pressure, what counts as "bad enough to roll back" is how
//! a degraded launch stays up for hours. The threshold is agreed on before the window opens.
//!
//! ## Parameters
//! - `risk` (default `["medium", "high", "critical"]`): the risks that need verification.
//!
//! ## Failing example
//! ```toml
//! risk = "medium"
//!
//! [[verification]]
//! check = "p99 latency < 300 ms on /pay"
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "medium"
//!
//! [[verification]]
//! check = "p99 latency < 300 ms on /pay"
//! rollback_if = "p99 > 800 ms for 10 min"
//! ```

use super::LaunchCx;
use crate::diagnostic::Finding;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if !cx.rules().params.verification.risk.contains(&launch.risk) {
        return;
    }
    let risk = launch.risk.as_str();
    let checks = &launch.verification;
    if checks.is_empty() {
        out.push(
            cx.finding(
                &super::VERIFICATION,
                &["verification".into()],
                format!("a {risk}-risk launch needs a [[verification]] check, but has none"),
            )
            .help("add a [[verification]] entry with the `check` to watch and the `rollback_if` threshold"),
        );
        return;
    }
    let has_threshold = checks.iter().any(|v| {
        v.rollback_if
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty())
    });
    if has_threshold {
        return;
    }
    let message = match checks.len() {
        1 => "the verification check does not say when to roll back (`rollback_if`)".to_owned(),
        count => format!(
            "none of the {count} verification checks says when to roll back (`rollback_if`)"
        ),
    };
    out.push(
        cx.finding(
            &super::VERIFICATION,
            &["verification".into(), 0.into(), "rollback_if".into()],
            message,
        )
        .key("verification")
        .help("add `rollback_if` to a [[verification]] entry: the observation that triggers a rollback"),
    );
}
