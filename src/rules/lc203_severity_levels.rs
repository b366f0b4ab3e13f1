//! The plan defines the required severity levels, each responds in time and notifies roles the plan has.
//!
//! ## What it checks
//! - Every level in `levels` has a `[[severity]]` entry.
//! - Each entry's `respond_within_minutes` is at most `max_response_minutes.<level>`; a
//!   level without a limit there may take as long as it likes.
//! - Each entry of a severity's `notify` names a role defined under `[roles]` in the plan.
//!
//! ## Why it matters
//! Severity levels turn "something is wrong" into a known response: who is woken, how fast,
//! who is told. A missing level leaves responders guessing in the worst moment, a slow
//! response target breaks the organisation's commitments, and notifying a role the plan does
//! not define notifies nobody.
//!
//! ## Parameters
//! - `levels` (default `["sev1", "sev2", "sev3"]`): the levels every plan defines.
//! - `max_response_minutes` (default `{ sev1 = 15, sev2 = 30, sev3 = 240 }`): the slowest
//!   allowed `respond_within_minutes` per level; levels not listed have no limit.
//!
//! ## Failing example
//! ```toml
//! [[severity]]
//! level = "sev1"
//! respond_within_minutes = 30      # limit 15
//! notify = ["incident-comander"]   # not a role of the plan
//! # sev2 and sev3 are not defined
//! ```
//!
//! ## Passing example
//! ```toml
//! [[severity]]
//! level = "sev1"
//! respond_within_minutes = 15
//! notify = ["incident-commander"]
//!
//! [[severity]]
//! level = "sev2"
//! respond_within_minutes = 30
//!
//! [[severity]]
//! level = "sev3"
//! respond_within_minutes = 240
//! ```

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::Plan(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let params = &cx.rules.params.severity_levels;
    let plan = cx.plan();
    let id = &plan.id;

    for level in &params.levels {
        if plan.severity.iter().any(|s| &s.level == level) {
            continue;
        }
        let limit = params
            .max_response_minutes
            .get(level)
            .map(|m| format!(" and `respond_within_minutes` of at most {m}"))
            .unwrap_or_default();
        out.push(
            cx.finding(
                &super::SEVERITY_LEVELS,
                &["severity".into()],
                format!("{id} does not define the `{level}` severity level"),
            )
            .help(format!(
                "add a `[[severity]]` entry with `level = \"{level}\"`{limit}, its criteria and whom to notify"
            )),
        );
    }

    let roles: Vec<&str> = plan
        .roles
        .keys()
        .map(String::as_str)
        .filter(|name| !name.starts_with("x-"))
        .collect();
    for (i, severity) in plan.severity.iter().enumerate() {
        let level = &severity.level;
        if let (Some(minutes), Some(&limit)) = (
            severity.respond_within_minutes,
            params.max_response_minutes.get(level),
        ) {
            if minutes > limit {
                out.push(
                    cx.finding(
                        &super::SEVERITY_LEVELS,
                        &["severity".into(), i.into(), "respond_within_minutes".into()],
                        format!(
                            "`{level}` of {id} responds within {minutes} minutes (limit {limit})"
                        ),
                    )
                    .help(format!(
                        "commit to responding to `{level}` incidents within {limit} minutes"
                    )),
                );
            }
        }
        for (j, role) in severity.notify.iter().enumerate() {
            if roles.contains(&role.as_str()) {
                continue;
            }
            let help = match crate::suggest::closest(role, roles.iter().copied()) {
                Some(close) => format!("did you mean `{close}`?"),
                None if roles.is_empty() => {
                    format!(
                        "define the role under `[roles.{}]`; {id} has no roles yet",
                        crate::suggest::toml_key(role)
                    )
                }
                None => format!(
                    "name one of the plan's roles ({}) or define `[roles.{}]`",
                    roles
                        .iter()
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    crate::suggest::toml_key(role)
                ),
            };
            out.push(
                cx.finding(
                    &super::SEVERITY_LEVELS,
                    &["severity".into(), i.into(), "notify".into(), j.into()],
                    format!("`{level}` of {id} notifies `{role}`, which is not a role of the plan"),
                )
                .help(help),
            );
        }
    }
}
