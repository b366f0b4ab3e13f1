//! Requesters neither approve, test nor review their own launch, and each role has its own approver.
//!
//! ## What it checks
//! - No `[[approvals]]` entry is by the `requester` (reported at that approval's `by`).
//! - `testing.signed_off_by` is not the requester.
//! - `emergency.reviewed_by`, the post-implementation reviewer, is not the requester.
//! - With `distinct_approvers = true`, one person fills at most one approval role: a second
//!   role signed by the same person is reported at its `by`, with the first as a related
//!   location.
//!
//! Whether the people exist is `unknown-person` (LC301); whether they may sign a role is
//! `approver-authority` (LC302).
//!
//! ## Why it matters
//! Approval, test sign-off and review are checks by someone other than the author. A requester
//! who approves their own change, or one colleague who signs as service owner, ops and
//! security at once, turns several independent checks into a single opinion.
//!
//! ## Parameters
//! - `distinct_approvers` (default true): one person may fill only one approval role.
//!
//! ## Failing example
//! ```toml
//! requester = "frank"
//! [[approvals]]
//! role = "service-owner"
//! by = "frank"                    # the requester approves his own launch
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! ```
//!
//! ## Passing example
//! ```toml
//! requester = "frank"
//! [[approvals]]
//! role = "service-owner"
//! by = "bob"
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! ```

use crate::diagnostic::Finding;

use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let requester = launch.requester.as_str();
    if !requester.is_empty() {
        let stale = cx.repo.stale_approvals(cx.doc().file);
        for (i, approval) in launch.approvals.iter().enumerate() {
            if approval.by == requester && !stale.contains(&i) {
                out.push(
                    cx.finding(
                        &super::SEPARATION_OF_DUTIES,
                        &["approvals".into(), i.into(), "by".into()],
                        format!(
                            "the `{}` approval is by `{requester}`, the launch's requester",
                            approval.role
                        ),
                    )
                    .help(format!(
                        "have someone other than `{requester}` sign the `{}` approval",
                        approval.role
                    )),
                );
            }
        }
        if let Some(tester) = launch
            .testing
            .as_ref()
            .and_then(|t| t.signed_off_by.as_deref())
        {
            if tester == requester {
                out.push(
                    cx.finding(
                        &super::SEPARATION_OF_DUTIES,
                        &["testing".into(), "signed_off_by".into()],
                        format!(
                            "the testing is signed off by `{requester}`, the launch's requester"
                        ),
                    )
                    .help(format!(
                        "have someone other than `{requester}` check and sign off the test results"
                    )),
                );
            }
        }
        if let Some(reviewer) = launch
            .emergency
            .as_ref()
            .and_then(|e| e.reviewed_by.as_deref())
        {
            if reviewer == requester {
                out.push(
                    cx.finding(
                        &super::SEPARATION_OF_DUTIES,
                        &["emergency".into(), "reviewed_by".into()],
                        format!("the post-implementation review is by `{requester}`, the launch's requester"),
                    )
                    .help(format!("have someone other than `{requester}` review the emergency change")),
                );
            }
        }
    }
    if cx.rules().params.separation_of_duties.distinct_approvers {
        distinct_approvers(cx, out);
    }
}

/// One person, one approval role: each further role a person signs is reported once.
fn distinct_approvers(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let approvals = &cx.launch().approvals;
    // (person, role) pairs already reported, so a third role is one finding, not two.
    let mut reported: Vec<(&str, &str)> = Vec::new();
    // Approvals of an older version of the request (`approval-invalidated`) no longer count.
    let stale = cx.repo.stale_approvals(cx.doc().file);
    for (i, approval) in approvals.iter().enumerate() {
        if stale.contains(&i) {
            continue;
        }
        // The role a person signs first is theirs; any other role they sign is the problem.
        let first = approvals[..i]
            .iter()
            .enumerate()
            .find(|(j, earlier)| !stale.contains(j) && earlier.by == approval.by);
        let Some((j, earlier)) = first.filter(|(_, earlier)| earlier.role != approval.role) else {
            continue;
        };
        let pair = (approval.by.as_str(), approval.role.as_str());
        if reported.contains(&pair) {
            continue;
        }
        reported.push(pair);
        let related = cx
            .doc()
            .point_at(&["approvals".into(), j.into(), "by".into()]);
        out.push(
            cx.finding(
                &super::SEPARATION_OF_DUTIES,
                &["approvals".into(), i.into(), "by".into()],
                format!(
                    "`{}` signs both the `{}` and the `{}` approval; each role needs its own approver",
                    approval.by, earlier.role, approval.role
                ),
            )
            .help(format!(
                "have someone other than `{}` sign the `{}` approval",
                approval.by, approval.role
            ))
            .related(cx.doc().file, related, format!("`{}` already signs `{}` here", approval.by, earlier.role)),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{approval, findings, launch, HEAD, WINDOW};

    fn approvals(entries: &[(&str, &str)]) -> String {
        let list: Vec<String> = entries
            .iter()
            .map(|(role, by)| approval(role, by, "approved"))
            .collect();
        format!("{WINDOW}{}", list.concat())
    }

    #[test]
    fn signing_the_same_role_twice_is_not_a_second_role() {
        let text = launch(
            HEAD,
            &approvals(&[("ops", "carol"), ("security", "carol"), ("ops", "carol")]),
        );
        let found = findings(&crate::rules::SEPARATION_OF_DUTIES, &[("launches/a.toml", &text)]);
        // The approvals start at line 13, five lines each; `by` is their third line.
        assert_eq!(
            found,
            ["launches/a.toml:20:6: `carol` signs both the `ops` and the `security` approval; each role needs its own approver"]
        );
    }

    #[test]
    fn each_further_role_is_reported_once() {
        let text = launch(
            HEAD,
            &approvals(&[
                ("ops", "carol"),
                ("security", "carol"),
                ("qa", "carol"),
                ("security", "carol"),
            ]),
        );
        let found = findings(&crate::rules::SEPARATION_OF_DUTIES, &[("launches/a.toml", &text)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0]
            .starts_with("launches/a.toml:20:6: `carol` signs both the `ops` and the `security`"));
        assert!(
            found[1].starts_with("launches/a.toml:25:6: `carol` signs both the `ops` and the `qa`")
        );
    }

    #[test]
    fn distinct_approvers_can_be_turned_off_but_self_approval_cannot() {
        let policy =
            "kind = \"policy\"\n[rules.separation-of-duties]\ndistinct_approvers = false\n";
        let text = launch(
            HEAD,
            &approvals(&[("ops", "carol"), ("security", "carol"), ("qa", "alice")]),
        );
        let found = findings(
            &crate::rules::SEPARATION_OF_DUTIES,
            &[("launches/a.toml", &text), ("policies/p.toml", policy)],
        );
        assert_eq!(
            found,
            ["launches/a.toml:25:6: the `qa` approval is by `alice`, the launch's requester"]
        );
    }
}
