//! Each approval is signed by someone the roster allows to approve that role.
//!
//! ## What it checks
//! When the repository has a roster (`people.toml`), the person in each approval's `by`
//! must list the approval's `role` in their `can_approve`. The finding points at the `by`
//! value and names up to three people who may approve the role. People missing from the
//! roster are left to `unknown-person` (LC301). Without a roster this rule is off.
//!
//! ## Why it matters
//! An approval counts because of who gave it. A security sign-off from someone who is not
//! a security approver satisfies the `approvals` rule on paper only.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # people.toml: [people.carol] can_approve = ["service-owner"]
//! [[approvals]]
//! role = "security"
//! by = "carol"
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! ```
//!
//! ## Passing example
//! ```toml
//! # people.toml: [people.sam] can_approve = ["security"]
//! [[approvals]]
//! role = "security"
//! by = "sam"
//! at = 2026-11-24T10:00:00+08:00
//! decision = "approved"
//! ```

use super::LaunchCx;
use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::model::Roster;

pub const CHECK: super::Check = super::Check::Launch(check);

/// How many people the help names as approvers of a role.
const MAX_SUGGESTED: usize = 3;

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let Some(roster) = &cx.repo.roster else {
        return;
    };
    let launch = cx.launch();
    for (index, approval) in launch.approvals.iter().enumerate() {
        // Unknown people are LC301's to report.
        let Some(person) = roster.model.people.get(&approval.by) else {
            continue;
        };
        if person.can_approve.contains(&approval.role) {
            continue;
        }
        let (who, role) = (approval.by.as_str(), approval.role.as_str());
        let may = if person.can_approve.is_empty() {
            "may not approve any role".to_owned()
        } else {
            format!("may approve only {}", person.can_approve.join(", "))
        };
        let message = format!("`{who}` signed the `{role}` approval but {may}");

        let help = approvers_help(&roster.model, role, &launch.requester);

        let mut finding = cx
            .finding(
                &super::APPROVER_AUTHORITY,
                &[Seg::Key("approvals"), Seg::Index(index), Seg::Key("by")],
                message,
            )
            .help(help);
        let entry = [Seg::Key("people"), Seg::Key(who), Seg::Key("can_approve")];
        let related = roster
            .doc
            .span_of(&entry)
            .or_else(|| roster.doc.key_span_of(&entry[..2]));
        if let Some(span) = related {
            let label = if person.can_approve.is_empty() {
                format!("`{who}` has no `can_approve`")
            } else {
                format!("the roles `{who}` may approve")
            };
            finding = finding.related(roster.doc.file, span, label);
        }
        out.push(finding);
    }
}

/// Who may sign `role` instead (up to [`MAX_SUGGESTED`], never the requester, whom
/// separation of duties rules out).
fn approvers_help(roster: &Roster, role: &str, requester: &str) -> String {
    let approvers: Vec<&str> = roster
        .people
        .iter()
        .filter(|(handle, person)| {
            *handle != requester && person.can_approve.iter().any(|r| r == role)
        })
        .map(|(handle, _)| handle.as_str())
        .collect();
    match approvers.len() {
        0 if roster
            .people
            .get(requester)
            .is_some_and(|p| p.can_approve.iter().any(|r| r == role)) =>
        {
            format!(
                "only the requester may approve `{role}`, and not their own launch: add it to \
                 someone else's `can_approve`"
            )
        }
        0 => {
            format!("nobody in the roster may approve `{role}`: add it to someone's `can_approve`")
        }
        n if n <= MAX_SUGGESTED => format!("have one of {} approve `{role}`", quote(&approvers)),
        n => format!(
            "have one of {} (or {} other{}) approve `{role}`",
            quote(&approvers[..MAX_SUGGESTED]),
            n - MAX_SUGGESTED,
            if n - MAX_SUGGESTED == 1 { "" } else { "s" }
        ),
    }
}

fn quote(handles: &[&str]) -> String {
    handles
        .iter()
        .map(|h| format!("`{h}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{approval, findings, launch, HEAD, WINDOW};

    fn roster(people: &[(&str, &str)]) -> String {
        let mut text = "kind = \"roster\"\n".to_owned();
        for (handle, roles) in people {
            text.push_str(&format!(
                "[people.{handle}]\nname = \"{handle}\"\ncan_approve = [{roles}]\n"
            ));
        }
        text
    }

    #[test]
    fn unknown_people_are_left_to_unknown_person() {
        let text = launch(
            HEAD,
            &format!("{WINDOW}{}", approval("service-owner", "zed", "approved")),
        );
        let people = roster(&[("carol", "\"service-owner\"")]);
        assert!(findings(
            &crate::rules::APPROVER_AUTHORITY,
            &[("people.toml", &people), ("launches/a.toml", &text)]
        )
        .is_empty());
    }

    #[test]
    fn help_names_up_to_three_approvers_but_not_the_requester() {
        let mut people = crate::model::Roster::default();
        for (handle, roles) in [
            ("alice", "security"),
            ("bob", "ops"),
            ("carol", "security"),
            ("dan", "security"),
            ("erin", "security"),
            ("finn", "security"),
        ] {
            let person = crate::model::Person {
                can_approve: vec![roles.to_owned()],
                ..Default::default()
            };
            people.people.insert(handle.to_owned(), person);
        }
        assert_eq!(
            super::approvers_help(&people, "security", "alice"),
            "have one of `carol`, `dan`, `erin` (or 1 other) approve `security`"
        );
        assert_eq!(
            super::approvers_help(&people, "ops", "alice"),
            "have one of `bob` approve `ops`"
        );
        assert!(super::approvers_help(&people, "ops", "bob").starts_with("only the requester"));
        assert!(super::approvers_help(&people, "qa", "bob").starts_with("nobody in the roster"));
    }

    #[test]
    fn a_role_outside_can_approve_is_reported_at_by() {
        let text = launch(
            HEAD,
            &format!("{WINDOW}{}", approval("security", "carol", "approved")),
        );
        let people = roster(&[
            ("alice", "\"security\""),
            ("carol", "\"service-owner\""),
            ("sam", "\"security\""),
        ]);
        let found = findings(
            &crate::rules::APPROVER_AUTHORITY,
            &[("people.toml", &people), ("launches/a.toml", &text)],
        );
        assert_eq!(
            found,
            ["launches/a.toml:15:6: `carol` signed the `security` approval but may approve only service-owner"]
        );
    }
}
