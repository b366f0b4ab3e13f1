//! Launches of the listed risks roll out gradually, not all at once.
//!
//! ## What it checks
//! For a launch whose `risk` is in `risk`: a `[rollout]` table whose `strategy` is
//! `canary`, `phased` or `blue-green`. A missing table is reported at the `id`, a missing
//! `strategy` at the `[rollout]` header, and `all-at-once` at the value.
//!
//! ## Why it matters
//! A gradual rollout limits how many users a bad change reaches before verification or an
//! alert catches it, and leaves a healthy pool to fall back to. Risky changes deserve that.
//!
//! ## Parameters
//! - `risk` (default `["high", "critical"]`): the risks that need a gradual strategy.
//!
//! ## Failing example
//! ```toml
//! risk = "high"
//!
//! [rollout]
//! strategy = "all-at-once"
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "high"
//!
//! [rollout]
//! strategy = "canary"
//! stages = [5, 25, 100]
//! ```

use super::LaunchCx;
use crate::diagnostic::Finding;
use crate::model::Strategy;

pub const CHECK: super::Check = super::Check::Launch(check);

const HELP: &str = "roll out with `strategy = \"canary\"`, `\"phased\"` or `\"blue-green\"`";

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    if !cx
        .rules()
        .params
        .rollout_strategy
        .risk
        .contains(&launch.risk)
    {
        return;
    }
    let risk = launch.risk.as_str();
    let finding = match launch.rollout.as_ref().map(|r| r.strategy) {
        None => cx.finding(
            &super::ROLLOUT_STRATEGY,
            &["rollout".into()],
            format!(
                "a {risk}-risk launch needs a gradual rollout, but there is no [rollout] table"
            ),
        ),
        Some(None) => cx.finding(
            &super::ROLLOUT_STRATEGY,
            &["rollout".into(), "strategy".into()],
            format!(
                "a {risk}-risk launch needs a gradual rollout, but [rollout] names no `strategy`"
            ),
        ),
        Some(Some(Strategy::AllAtOnce)) => cx.finding(
            &super::ROLLOUT_STRATEGY,
            &["rollout".into(), "strategy".into()],
            format!("a {risk}-risk launch goes out all at once"),
        ),
        Some(Some(_)) => return,
    };
    out.push(finding.help(HELP));
}
