//! Every person named in a launch request or response plan is in the roster.
//!
//! ## What it checks
//! When the repository has a roster (`people.toml`), every person handle must be one of its
//! `[people.*]` entries; a near miss gets a "did you mean". The person fields are, in launch
//! requests, `requester`, `owner`, `steps[].owner`, `rollback.owner`,
//! `testing.signed_off_by`, `approvals[].by`, `emergency.reviewed_by` and
//! `waivers[].approved_by`; in response plans, `owner`, `roles.*.primary`,
//! `roles.*.backup`, `escalation[].to`, `drills[].participants` and
//! `drills[].actions[].owner`. `communication.notify` names groups, not people, and is not
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
    for launch in repo.launches.iter().filter(|l| !l.model.status.is_record()) {
        mentions.clear();
        launch_mentions(&launch.doc.json, &mut mentions);
        report(repo, roster, launch.doc, &mentions, out);
    }
    for plan in &repo.plans {
        mentions.clear();
        plan_mentions(&plan.doc.json, &mut mentions);
        report(repo, roster, plan.doc, &mentions, out);
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
        let mut finding = super::at_path(doc, "LC301", &mention.path, message);
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
                    mention.handle
                ));
            }
        }
        out.push(finding);
    }
}

fn launch_mentions<'j>(json: &'j Value, out: &mut Vec<Mention<'j>>) {
    field(json, vec!["requester".into()], "requester", out);
    field(json, vec!["owner".into()], "owner", out);
    each(json, "steps", "owner", "step owner", out);
    field(
        json,
        vec!["rollback".into(), "owner".into()],
        "rollback owner",
        out,
    );
    field(
        json,
        vec!["testing".into(), "signed_off_by".into()],
        "tester",
        out,
    );
    each(json, "approvals", "by", "approver", out);
    field(
        json,
        vec!["emergency".into(), "reviewed_by".into()],
        "reviewer",
        out,
    );
    each(json, "waivers", "approved_by", "waiver approver", out);
}

fn plan_mentions<'j>(json: &'j Value, out: &mut Vec<Mention<'j>>) {
    field(json, vec!["owner".into()], "plan owner", out);
    if let Some(roles) = json.get("roles").and_then(Value::as_object) {
        // `x-` keys are extensions, not roles.
        for name in roles.keys().filter(|name| !name.starts_with("x-")) {
            for key in ["primary", "backup"] {
                let path = vec!["roles".into(), name.as_str().into(), key.into()];
                field(json, path, format!("{name} {key}"), out);
            }
        }
    }
    each(json, "escalation", "to", "escalation contact", out);
    let drills = json.get("drills").and_then(Value::as_array);
    for (d, drill) in drills.into_iter().flatten().enumerate() {
        let participants = drill.get("participants").and_then(Value::as_array);
        for (p, participant) in participants.into_iter().flatten().enumerate() {
            if let Some(handle) = participant.as_str() {
                out.push(Mention {
                    path: vec!["drills".into(), d.into(), "participants".into(), p.into()],
                    what: "drill participant".into(),
                    handle,
                });
            }
        }
        let actions = drill.get("actions").and_then(Value::as_array);
        for (a, action) in actions.into_iter().flatten().enumerate() {
            if let Some(handle) = action.get("owner").and_then(Value::as_str) {
                out.push(Mention {
                    path: vec![
                        "drills".into(),
                        d.into(),
                        "actions".into(),
                        a.into(),
                        "owner".into(),
                    ],
                    what: "drill action owner".into(),
                    handle,
                });
            }
        }
    }
}

/// The string at `path`, when there is one (anything else is the schema's to report).
fn field<'j>(
    json: &'j Value,
    path: Vec<Seg<'j>>,
    what: impl Into<Cow<'static, str>>,
    out: &mut Vec<Mention<'j>>,
) {
    let mut value = json;
    for seg in &path {
        let next = match seg {
            Seg::Key(key) => value.get(*key),
            Seg::Index(i) => value.get(*i),
        };
        let Some(next) = next else { return };
        value = next;
    }
    if let Some(handle) = value.as_str() {
        out.push(Mention {
            path,
            what: what.into(),
            handle,
        });
    }
}

/// `array[i].key` for every item of the array of tables `array`.
fn each<'j>(
    json: &'j Value,
    array: &'static str,
    key: &'static str,
    what: &'static str,
    out: &mut Vec<Mention<'j>>,
) {
    let items = json.get(array).and_then(Value::as_array);
    for (i, item) in items.into_iter().flatten().enumerate() {
        if let Some(handle) = item.get(key).and_then(Value::as_str) {
            out.push(Mention {
                path: vec![array.into(), i.into(), key.into()],
                what: what.into(),
                handle,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::lc101_plan_link::harness::{findings, launch, WINDOW};

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
        assert!(findings("LC301", &[("launches/a.toml", &text)]).is_empty());
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
            "LC301",
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
        let found = findings("LC301", &[("people.toml", ROSTER), ("plans/p.toml", plan)]);
        assert_eq!(
            found,
            ["plans/p.toml:8:10: the incident-commander backup `bobby` is not in the roster (people.toml)"]
        );
    }
}
