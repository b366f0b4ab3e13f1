//! Every incident role the policy requires has a primary holder and, when required, a different backup.
//!
//! ## What it checks
//! Each role named in `roles` is a table under `[roles]` with a `primary`; when
//! `require_backup` is true it also has a `backup`, and the backup is not the primary.
//!
//! A plan is checked on its own with the base policy. For each launch that links the plan,
//! the check runs again with that launch's overrides (an override may require more roles,
//! such as `legal` for payments launches); what fails only there is reported on the launch,
//! at its `response_plan`, with the plan as related span.
//!
//! ## Why it matters
//! An incident needs someone to command it, someone to lead the technical work and someone
//! to talk to customers, at any hour. A role nobody holds, or held by one person with no
//! backup, is a page that nobody answers when that person is asleep, ill or on a plane.
//!
//! ## Parameters
//! - `roles` (default `["incident-commander", "tech-lead", "communications"]`): the roles
//!   every plan must fill.
//! - `require_backup` (default `true`): each required role also needs a `backup`.
//!
//! ## Failing example
//! ```toml
//! [roles.incident-commander]
//! primary = "dave"
//! backup = "dave"          # the same person
//! [roles.tech-lead]
//! primary = "bob"          # no backup
//! # no [roles.communications]
//! ```
//!
//! ## Passing example
//! ```toml
//! [roles.incident-commander]
//! primary = "dave"
//! backup = "erin"
//! [roles.tech-lead]
//! primary = "bob"
//! backup = "frank"
//! [roles.communications]
//! primary = "gina"
//! backup = "hank"
//! ```

use std::ops::Range;

use crate::diagnostic::Finding;
use crate::rules::PlanCx;

pub const CHECK: super::Check = super::Check::PlanInLaunchContext(check);

fn check(cx: &PlanCx<'_, '_>, out: &mut Vec<Finding>) {
    let params = &cx.rules.params.required_roles;
    let plan = cx.plan();
    let id = &plan.id;
    // In a launch's context the role may be required only by that launch's overrides.
    let required_by = if cx.launch.is_some() {
        " (required for this launch)"
    } else {
        ""
    };
    for name in &params.roles {
        let Some(role) = plan.role(name) else {
            let defined: Vec<&str> = plan
                .roles
                .keys()
                .map(String::as_str)
                .filter(|k| !k.starts_with("x-"))
                .collect();
            let mut help =
                format!("add a `[roles.{name}]` table to {id} with a `primary` and a `backup`");
            if let Some(close) = crate::suggest::closest(name, defined.iter().copied()) {
                help = format!("rename `[roles.{close}]` to `[roles.{name}]` if it is meant to be this role, or {help}");
            }
            let mut finding = cx
                .finding(
                    &super::REQUIRED_ROLES,
                    &["roles".into(), name.as_str().into()],
                    format!("{id} has no `{name}` role{required_by}"),
                )
                .help(help);
            finding.span = roles_header(cx);
            out.push(finding);
            continue;
        };
        let primary = role.primary.filter(|p| !p.trim().is_empty());
        let backup = role.backup.filter(|b| !b.trim().is_empty());
        if primary.is_none() {
            out.push(
                cx.finding(
                    &super::REQUIRED_ROLES,
                    &["roles".into(), name.as_str().into(), "primary".into()],
                    format!("the `{name}` role of {id} has no primary holder{required_by}"),
                )
                .help(format!(
                    "set `primary` under `[roles.{}]` to the person who holds the role",
                    crate::suggest::toml_key(name)
                )),
            );
        }
        match (&primary, &backup) {
            (_, None) if params.require_backup => out.push(
                cx.finding(
                    &super::REQUIRED_ROLES,
                    &["roles".into(), name.as_str().into(), "backup".into()],
                    format!("the `{name}` role of {id} has no backup{required_by}"),
                )
                .help(format!(
                    "set `backup` under `[roles.{}]` to a second person who can take over the role",
                    crate::suggest::toml_key(name)
                )),
            ),
            (Some(primary), Some(backup)) if primary == backup => out.push(
                cx.finding(
                    &super::REQUIRED_ROLES,
                    &["roles".into(), name.as_str().into(), "backup".into()],
                    format!("`{backup}` is both primary and backup of the `{name}` role of {id}"),
                )
                .help("name a different person as backup, so the role is covered when the primary is away"),
            ),
            _ => {}
        }
    }
}

/// The `[roles]` header when the plan writes one, else the plan's `id`. With only
/// `[roles.NAME]` headers, `roles` is an implicit table whose span lies inside one of them,
/// which would read as a finding about that other role.
fn roles_header(cx: &PlanCx<'_, '_>) -> Range<usize> {
    let doc = cx.doc();
    doc.locate(&["roles".into()])
        .filter(|located| located.key.as_ref() != Some(&located.value))
        .map(|located| located.value)
        .or_else(|| doc.id_span())
        .unwrap_or_else(|| doc.first_line())
}
