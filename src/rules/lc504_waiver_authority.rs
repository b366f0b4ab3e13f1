//! Every waiver is approved by someone who holds the authority to waive that rule.
//!
//! ## What it checks
//! On when a roster exists. A waiver's `approved_by` must hold, in the roster's
//! `can_approve`, one of `approver_roles` (default `change-board`) — or, when `by_rule` names
//! roles for the waived rule (by name or code), one of those instead. A waiver of
//! `freeze-window` for a freeze that names extra `approvals` must also be approved by someone
//! holding one of that freeze's roles: otherwise any colleague could sign away a freeze that
//! only the CTO may lift. An unauthorised waiver suppresses nothing.
//!
//! A waiver gets at most one of `waiver-invalid` (LC502), `waiver-authority` and
//! `waiver-expired` (LC501), in that order.
//!
//! ## Why it matters
//! A waiver turns an error into an accepted risk. An approval needs a role the approver
//! holds; so does a waiver, or the gate is only as strong as the least careful colleague.
//!
//! ## Parameters
//! - `approver_roles` (default `["change-board"]`): roles whose holders may approve any waiver.
//! - `by_rule` (default empty): waived rule (name or code) → the roles that may approve its
//!   waivers, replacing `approver_roles` for that rule.
//!
//! ## Failing example
//! ```toml
//! # people.toml: [people.erin] can_approve = ["service-owner"]
//! [[waivers]]
//! rule = "freeze-window"
//! reason = "Card network deadline"
//! approved_by = "erin"
//! expires = 2026-12-31
//! ```
//!
//! ## Passing example
//! ```toml
//! # people.toml: [people.cora] can_approve = ["change-board", "cto"]
//! [[waivers]]
//! rule = "freeze-window"
//! reason = "Card network deadline"
//! approved_by = "cora"
//! expires = 2026-12-31
//! ```

use crate::diagnostic::Finding;
use crate::document::Document;

pub const CHECK: super::Check = super::Check::Waivers;

/// `approved_by` holds none of the roles that may approve this waiver.
pub fn unauthorised(
    doc: &Document<'_>,
    index: usize,
    who: &str,
    rule_name: &str,
    roles: &[String],
    why: &str,
) -> Finding {
    let listed = roles
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ");
    super::at_path(
        doc,
        &super::WAIVER_AUTHORITY,
        &["waivers".into(), index.into(), "approved_by".into()],
        format!("`{who}` may not approve a waiver of `{rule_name}`: {why}"),
    )
    .help(format!(
        "have the waiver approved by someone whose `can_approve` lists one of {listed}"
    ))
}
