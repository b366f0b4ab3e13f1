//! An approved launch has every approval it requires before its window; none is rejected or late.
//!
//! ## What it checks
//! - For status `approved`, `launched` or `rolled-back`: every role in `required.<risk>` has
//!   an `[[approvals]]` entry with `decision = "approved"` and `at` before `window.start`.
//!   When the window overlaps a policy `[[freeze]]` that allows the launch's change type
//!   (typically an emergency change during a freeze), the freeze's `approvals` roles are
//!   required as well, with the freeze's policy entry as a related location. Missing roles
//!   are reported at the first `[[approvals]]` entry, or at the `id` when there is none.
//! - For every status but `rejected` and `cancelled`: no approval has `decision = "rejected"`
//!   (reported at that `decision`), and no approval is dated at or after the window start
//!   (reported at its `at`).
//!
//! Approvals beyond the required roles are fine. Whether the approver may sign that role is
//! `approver-authority` (LC302); whether the approver is the requester is
//! `separation-of-duties` (LC104).
//!
//! ## Why it matters
//! The status says the change was signed off. If a required role never signed, signed only
//! after the launch had started, or said no, the status is false, and an audit finds a launch
//! that went out without the agreement the policy demands.
//!
//! ## Parameters
//! - `required.low` (default `["service-owner"]`), `required.medium` (default
//!   `["service-owner", "ops"]`), `required.high` (default `["service-owner", "ops", "qa",
//!   "security"]`), `required.critical` (default `["service-owner", "ops", "qa", "security",
//!   "change-board"]`): the approval roles each risk needs.
//! - The `approvals` of each policy `[[freeze]]`: extra roles for launches allowed in it.
//!
//! ## Failing example
//! ```toml
//! risk = "medium"
//! status = "approved"
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! [[approvals]]                   # `ops` is missing
//! role = "service-owner"
//! by = "carol"
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! ```
//!
//! ## Passing example
//! ```toml
//! risk = "medium"
//! status = "approved"
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! [[approvals]]
//! role = "service-owner"
//! by = "carol"
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! [[approvals]]
//! role = "ops"
//! by = "dan"
//! at = 2026-11-24T11:00:00+08:00
//! decision = "approved"
//! ```

use std::ops::Range;

use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::model::{Decision, LaunchRequest, Status};
use crate::policy::{Freeze, RuleSet};

use super::lc101_plan_link::list;
use super::lc106_freeze_window::in_freeze;
use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    decisions(cx, out);
    let launch = cx.launch();
    if !matches!(
        launch.status,
        Status::Approved | Status::Launched | Status::RolledBack
    ) {
        return;
    }
    let start = launch.window.start;
    let stale = cx.repo.stale_approvals(cx.doc().file);
    let approved: Vec<&str> = launch
        .approvals
        .iter()
        .enumerate()
        .filter(|(i, a)| !stale.contains(i) && a.decision == Decision::Approved && a.at < start)
        .map(|(_, a)| a.role.as_str())
        .collect();
    // Roles whose approval went stale with a change are `approval-invalidated`'s to report.
    let renewing: Vec<&str> = stale
        .iter()
        .filter_map(|&i| launch.approvals.get(i))
        .map(|a| a.role.as_str())
        .collect();
    let mut required: Vec<&str> = Vec::new();
    if let Some(roles) = cx.rules().params.approvals.required.get(launch.risk) {
        for role in roles {
            if !required.contains(&role.as_str()) {
                required.push(role);
            }
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|r| !approved.contains(r) && !renewing.contains(r))
        .collect();
    if !missing.is_empty() {
        out.push(
            missing_finding(
                cx,
                format!(
                    "the launch is `{}` but has no approval before the window start from {} (a {}-risk launch needs {})",
                    launch.status.as_str(),
                    list(&missing),
                    launch.risk.as_str(),
                    list(&required)
                ),
            )
            .help(help(&missing, launch.status)),
        );
    }
    let clock = &cx.repo.clock;
    for freeze in &cx.repo.policy.freezes {
        if !in_freeze(&launch.window, freeze) || !freeze.allow.contains(&launch.change_type) {
            continue;
        }
        let mut extra: Vec<&str> = Vec::new();
        for role in &freeze.approvals {
            let role = role.as_str();
            // A role the risk already requires was reported above.
            if !approved.contains(&role)
                && !required.contains(&role)
                && !extra.contains(&role)
                && !renewing.contains(&role)
            {
                extra.push(role);
            }
        }
        if extra.is_empty() {
            continue;
        }
        let mut finding = missing_finding(
            cx,
            format!(
                "the window overlaps the freeze `{}` ({} – {}), where {} changes also need approval from {}; there is none before the window start",
                freeze.name,
                clock.show(freeze.start),
                clock.show(freeze.end),
                launch.change_type.as_str(),
                list(&extra)
            ),
        )
        .help(help(&extra, launch.status));
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

/// Rejections and approvals given too late, whatever the status.
fn decisions(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let clock = &cx.repo.clock;
    let start = launch.window.start;
    for (i, approval) in launch.approvals.iter().enumerate() {
        if approval.decision == Decision::Rejected {
            out.push(
                cx.finding(
                    &super::APPROVALS,
                    &["approvals".into(), i.into(), "decision".into()],
                    format!("`{}` rejected the launch as `{}`", approval.by, approval.role),
                )
                .help("address the rejection and record a new approval, or set `status = \"rejected\"`"),
            );
        }
        if approval.at >= start {
            out.push(
                cx.finding(
                    &super::APPROVALS,
                    &["approvals".into(), i.into(), "at".into()],
                    format!(
                        "the `{}` decision by `{}` is dated {}, not before the window start ({})",
                        approval.role,
                        approval.by,
                        clock.show(approval.at),
                        clock.show(start)
                    ),
                )
                .help("approvals must be given before the launch starts: move the window, or correct `at`"),
            );
        }
    }
}

/// Every approval role a launch needs: those its risk requires, then the extra roles of each
/// freeze its window overlaps that allows its change type.
pub fn required_roles(launch: &LaunchRequest, rules: &RuleSet, freezes: &[Freeze]) -> Vec<String> {
    let mut required: Vec<String> = Vec::new();
    let risk_roles = rules.params.approvals.required.get(launch.risk);
    let freeze_roles = freezes
        .iter()
        .filter(|f| in_freeze(&launch.window, f) && f.allow.contains(&launch.change_type))
        .flat_map(|f| &f.approvals);
    for role in risk_roles.into_iter().flatten().chain(freeze_roles) {
        if !required.contains(role) {
            required.push(role.clone());
        }
    }
    required
}

fn help(missing: &[&str], status: Status) -> String {
    if status == Status::Approved {
        format!(
            "get approval from {} (dated before the window start), or set `status` back to `submitted`",
            list(missing)
        )
    } else {
        format!(
            "record the approvals from {} given before the window start; if there were none, the launch went out without them and needs a review",
            list(missing)
        )
    }
}

/// A finding about missing approvals: at the first `[[approvals]]` entry, else the `id`
/// (and then it reports the `approvals` key as missing).
fn missing_finding(cx: &LaunchCx<'_, '_>, message: String) -> Finding {
    let span: Range<usize> = cx.doc().point_at(&[Seg::Key("approvals"), Seg::Index(0)]);
    let finding = Finding::new(&super::APPROVALS, cx.doc().file, span, message).key("approvals");
    if cx.doc().locate(&[Seg::Key("approvals")]).is_some() {
        finding
    } else {
        finding.missing("approvals")
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{approval, findings, launch, WINDOW};

    const DRAFT: &str = "change_type = \"standard\"\nrisk = \"low\"\nstatus = \"draft\"";

    #[test]
    fn a_late_rejection_is_reported_twice_even_in_a_draft() {
        let late = approval("ops", "carol", "rejected")
            .replace("2026-11-23T10:00:00Z", "2026-12-01T02:00:00Z");
        let text = launch(DRAFT, &format!("{WINDOW}{late}"));
        let found = findings(&crate::rules::APPROVALS, &[("launches/a.toml", &text)]);
        // Head lines 6–8, window 9–11, the approval's `at` on 15 and `decision` on 16.
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with(
            "launches/a.toml:15:6: the `ops` decision by `carol` is dated 2026-12-01 02:00"
        ));
        assert_eq!(
            found[1],
            "launches/a.toml:16:12: `carol` rejected the launch as `ops`"
        );
    }

    #[test]
    fn records_are_not_judged() {
        let cancelled = DRAFT.replace("draft", "cancelled");
        let text = launch(
            &cancelled,
            &format!("{WINDOW}{}", approval("ops", "carol", "rejected")),
        );
        assert!(findings(&crate::rules::APPROVALS, &[("launches/a.toml", &text)]).is_empty());
    }

    #[test]
    fn freezes_that_allow_a_change_add_their_roles_only_while_they_overlap() {
        let head = "change_type = \"standard\"\nrisk = \"low\"\nstatus = \"launched\"";
        let policy = |start: &str| {
            format!(
                "kind = \"policy\"\n[[freeze]]\nname = \"Peak\"\nstart = {start}\nend = 2026-12-05T00:00:00Z\n\
                 allow = [\"standard\"]\napprovals = [\"cto\", \"service-owner\"]\n"
            )
        };
        let text = launch(
            head,
            &format!("{WINDOW}{}", approval("service-owner", "bob", "approved")),
        );
        let inside = policy("2026-12-01T00:00:00Z");
        let found = findings(
            &crate::rules::APPROVALS,
            &[("launches/a.toml", &text), ("policies/p.toml", &inside)],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("launches/a.toml:12:1: the window overlaps the freeze `Peak`"),
            "{found:?}"
        );
        assert!(
            found[0].contains("standard changes also need approval from `cto`;"),
            "{found:?}"
        );
        // The window [02:00, 03:00) ends exactly when this freeze starts.
        let after = policy("2026-12-01T03:00:00Z");
        assert!(findings(
            &crate::rules::APPROVALS,
            &[("launches/a.toml", &text), ("policies/p.toml", &after)]
        )
        .is_empty());
    }
}
