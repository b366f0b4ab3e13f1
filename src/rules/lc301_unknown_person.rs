//! Every person named in a launch request, response plan or incident is in the roster.
//!
//! ## What it checks
//! When the repository has a roster (`people.toml`), every person handle must be one of its
//! `[people.*]` entries; a near miss gets a "did you mean". The person fields are, in launch
//! requests, `requester`, `owner`, `steps[].owner`, `rollback.owner`,
//! `testing.signed_off_by`, `approvals[].by`, `emergency.reviewed_by` and
//! `waivers[].approved_by`; in response plans, `owner`, `roles.*.primary`,
//! `roles.*.backup`, `escalation[].to`, `drills[].participants` and
//! `drills[].actions[].owner`; in incidents, `roles.*`, `timeline[].by` and
//! `postmortem.actions[].owner`. `communication.notify` names groups, not people, and is not
//! checked. Rejected and cancelled requests are records and are not judged. Without a
//! roster this rule is off.
//!
//! ## Why it matters
//! A typo in a handle pages nobody at 3 a.m., and an approval by someone who does not exist
//! is no approval. Checking names against one roster also catches people who have left.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # people.toml lists alice, bob and carol
//! requester = "alcie"
//! owner = "bob"
//! ```
//!
//! ## Passing example
//! ```toml
//! requester = "alice"
//! owner = "bob"
//! ```

use std::borrow::Cow;

use serde_json::Value;

use crate::diagnostic::Finding;
use crate::document::{Document, Seg};
use crate::index::{Repo, RosterEntry};
use crate::model::{Incident, LaunchRequest, ResponsePlan};

pub const CHECK: super::Check = super::Check::Repo(check);

/// A person handle found in a document: where, what it names, and the handle.
struct Mention<'j> {
    path: Vec<Seg<'j>>,
    what: Cow<'static, str>,
    handle: &'j str,
}

fn check(repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let Some(roster) = &repo.roster else {
        return;
    };
    let mut mentions = Vec::new();
    let judged = |l: &&crate::index::LaunchEntry<'_>| {
        !l.model.status.is_closed() && repo.in_scope(l.doc.file)
    };
    for launch in repo.launches.iter().filter(judged) {
        mentions.clear();
        launch_mentions(&launch.model, &mut mentions);
        report(repo, roster, launch.doc, &mentions, out);
    }
    for plan in &repo.plans {
        mentions.clear();
        plan_mentions(&plan.model, &mut mentions);
        report(repo, roster, plan.doc, &mentions, out);
    }
    for incident in repo.incidents.iter().filter(|i| repo.in_scope(i.doc.file)) {
        mentions.clear();
        incident_mentions(&incident.model, &mut mentions);
        report(repo, roster, incident.doc, &mentions, out);
    }
}

fn incident_mentions<'j>(incident: &'j Incident, out: &mut Vec<Mention<'j>>) {
    for (name, handle) in incident.roles.iter().filter(|(name, _)| !name.starts_with("x-")) {
        if let Some(handle) = handle.as_str() {
            out.push(Mention {
                path: vec!["roles".into(), name.as_str().into()],
                what: format!("{name} of the incident").into(),
                handle,
            });
        }
    }
    for (i, event) in incident.timeline.iter().enumerate() {
        if let Some(handle) = event.by.as_deref() {
            out.push(Mention {
                path: vec!["timeline".into(), i.into(), "by".into()],
                what: "timeline entry's person".into(),
                handle,
            });
        }
    }
    if let Some(postmortem) = &incident.postmortem {
        for (a, action) in postmortem.actions.iter().enumerate() {
            if !action.owner.is_empty() {
                out.push(Mention {
                    path: vec![
                        "postmortem".into(),
                        "actions".into(),
                        a.into(),
                        "owner".into(),
                    ],
                    what: "postmortem action owner".into(),
                    handle: &action.owner,
                });
            }
        }
    }
}

fn report(
    repo: &Repo<'_>,
    roster: &RosterEntry<'_>,
    doc: &Document<'_>,
    mentions: &[Mention<'_>],
    out: &mut Vec<Finding>,
) {
    let roster_path = &repo.files.get(roster.doc.file).path;
    for mention in mentions.iter().filter(|m| !repo.knows(m.handle)) {
        let handles = roster.model.people.keys().map(String::as_str);
        let near = crate::suggest::closest(mention.handle, handles);
        let message = format!(
            "the {} `{}` is not in the roster ({roster_path})",
            mention.what, mention.handle
        );
        let mut finding = super::at_path(doc, &super::UNKNOWN_PERSON, &mention.path, message);
        match near {
            Some(near) => {
                finding = finding.help(format!("did you mean `{near}`?"));
                if let Some(span) = roster.doc.key_span_of(&["people".into(), near.into()]) {
                    finding =
                        finding.related(roster.doc.file, span, format!("`{near}` is defined here"));
                }
            }
            None => {
                finding = finding.help(format!(
                    "use the handle of a person in {roster_path}, or add `[people.{}]` there",
                    crate::suggest::toml_key(mention.handle)
                ));
            }
        }
        out.push(finding);
    }
}

fn launch_mentions<'j>(launch: &'j LaunchRequest, out: &mut Vec<Mention<'j>>) {
    let mut push = |path: Vec<Seg<'j>>, what: &'static str, handle: &'j str| {
        if !handle.is_empty() {
            out.push(Mention {
                path,
                what: what.into(),
                handle,
            });
        }
    };
    push(vec!["requester".into()], "requester", &launch.requester);
    if let Some(owner) = &launch.owner {
        push(vec!["owner".into()], "owner", owner);
    }
    for (i, step) in launch.steps.iter().enumerate() {
        if let Some(owner) = &step.owner {
            push(vec!["steps".into(), i.into(), "owner".into()], "step owner", owner);
        }
    }
    if let Some(owner) = launch.rollback.as_ref().and_then(|r| r.owner.as_deref()) {
        push(vec!["rollback".into(), "owner".into()], "rollback owner", owner);
    }
    if let Some(tester) = launch.testing.as_ref().and_then(|t| t.signed_off_by.as_deref()) {
        push(vec!["testing".into(), "signed_off_by".into()], "tester", tester);
    }
    for (i, approval) in launch.approvals.iter().enumerate() {
        push(vec!["approvals".into(), i.into(), "by".into()], "approver", &approval.by);
    }
    if let Some(reviewer) = launch.emergency.as_ref().and_then(|e| e.reviewed_by.as_deref()) {
        push(vec!["emergency".into(), "reviewed_by".into()], "reviewer", reviewer);
    }
    for (i, waiver) in launch.waivers.iter().enumerate() {
        push(
            vec!["waivers".into(), i.into(), "approved_by".into()],
            "waiver approver",
            &waiver.approved_by,
        );
    }
}

fn plan_mentions<'j>(plan: &'j ResponsePlan, out: &mut Vec<Mention<'j>>) {
    if !plan.owner.is_empty() {
        out.push(Mention {
            path: vec!["owner".into()],
            what: "plan owner".into(),
            handle: &plan.owner,
        });
    }
    // `x-` keys are extensions, not roles.
    for (name, holders) in plan.roles.iter().filter(|(name, _)| !name.starts_with("x-")) {
        for key in ["primary", "backup"] {
            if let Some(handle) = holders.get(key).and_then(Value::as_str) {
                out.push(Mention {
                    path: vec!["roles".into(), name.as_str().into(), key.into()],
                    what: format!("{name} {key}").into(),
                    handle,
                });
            }
        }
    }
    for (i, step) in plan.escalation.iter().enumerate() {
        out.push(Mention {
            path: vec!["escalation".into(), i.into(), "to".into()],
            what: "escalation contact".into(),
            handle: &step.to,
        });
    }
    for (d, drill) in plan.drills.iter().enumerate() {
        for (p, handle) in drill.participants.iter().enumerate() {
            out.push(Mention {
                path: vec!["drills".into(), d.into(), "participants".into(), p.into()],
                what: "drill participant".into(),
                handle,
            });
        }
        for (a, action) in drill.actions.iter().enumerate() {
            if !action.owner.is_empty() {
                out.push(Mention {
                    path: vec![
                        "drills".into(),
                        d.into(),
                        "actions".into(),
                        a.into(),
                        "owner".into(),
                    ],
                    what: "drill action owner".into(),
                    handle: &action.owner,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{findings, launch, WINDOW};

    const ROSTER: &str =
        "kind = \"roster\"\n[people.alice]\nname = \"Alice\"\n[people.bob]\nname = \"Bob\"\n";

    fn with_people(head: &str, tables: &str) -> String {
        launch(
            &format!("change_type = \"normal\"\nrisk = \"low\"\n{head}"),
            &format!("{WINDOW}{tables}"),
        )
    }

    #[test]
    fn without_a_roster_nobody_is_unknown() {
        let text = with_people("status = \"submitted\"\nowner = \"zed\"", "");
        assert!(findings(&crate::rules::UNKNOWN_PERSON, &[("launches/a.toml", &text)]).is_empty());
    }

    #[test]
    fn groups_and_records_are_not_judged() {
        let notify = with_people(
            "status = \"submitted\"",
            "[communication]\nnotify = [\"customer-support\"]\n",
        );
        let record =
            with_people("status = \"cancelled\"\nowner = \"zed\"", "").replace("LR-1", "LR-2");
        let found = findings(
            &crate::rules::UNKNOWN_PERSON,
            &[
                ("people.toml", ROSTER),
                ("launches/a.toml", &notify),
                ("launches/b.toml", &record),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn plan_roles_are_walked_but_extension_keys_are_not() {
        let plan = "kind = \"response-plan\"\nid = \"RP\"\ntitle = \"t\"\nservices = [\"a\"]\nowner = \"bob\"\n\
                    [roles.incident-commander]\nprimary = \"alice\"\nbackup = \"bobby\"\n\
                    [roles.x-notes]\nprimary = \"not-a-person\"\n";
        let found = findings(&crate::rules::UNKNOWN_PERSON, &[("people.toml", ROSTER), ("plans/p.toml", plan)]);
        assert_eq!(
            found,
            ["plans/p.toml:8:10: the incident-commander backup `bobby` is not in the roster (people.toml)"]
        );
    }
}
