//! Incident records as a document kind: schema, ids, the archive, the reference instant of
//! resolved incidents, waivers on incidents and the person checks of their handles.

mod common;
use common::{launchcheck, TempRepo};

const PLAN: &str =
    include_str!("../fixtures/rules/LC602-acknowledge-time/pass/plans/payments.toml");

fn incident(id: &str, extra: &str) -> String {
    format!(
        "kind = \"incident\"\nid = \"{id}\"\ntitle = \"Checkout errors\"\nservices = [\"payments-api\"]\n\
         severity = \"sev1\"\nstatus = \"open\"\nresponse_plan = \"RP-payments\"\n\
         detected_at = 2026-11-20T01:40:00Z\n{extra}"
    )
}

fn repo() -> TempRepo {
    let repo = TempRepo::plain();
    repo.write("plans/payments.toml", PLAN);
    repo
}

#[test]
fn the_incident_schema_requires_its_keys_and_offsets_on_datetimes() {
    let repo = repo();
    repo.write(
        "incidents/a.toml",
        "kind = \"incident\"\nid = \"INC-1\"\ntitle = \"t\"\nservices = [\"payments-api\"]\n\
         severity = \"sev1\"\nstatus = \"open\"\ndetected_at = 2026-11-20T01:40:00\n",
    );
    let run = repo.check(&["--select", "LC003"]);
    let messages = run.messages("LC003").join("\n");
    assert!(messages.contains("response_plan"), "{messages}");
    assert!(messages.contains("has no UTC offset"), "{messages}");
    assert_eq!(run.codes().len(), 2, "{:?}", run.findings());
}

#[test]
fn the_schema_command_prints_the_incident_schema() {
    let output = launchcheck()
        .args(["schema", "incident"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(schema["properties"]["kind"]["const"], "incident");
}

#[test]
fn duplicate_incident_ids_are_reported_on_both_files_and_archived_ids_count() {
    let repo = repo();
    repo.write("incidents/a.toml", incident("INC-1", ""));
    repo.write("incidents/b.toml", incident("INC-1", ""));
    repo.write(
        "archive/c.toml",
        incident("INC-2", "resolved_at = 2026-11-20T03:00:00Z\n").replace("\"open\"", "\"closed\""),
    );
    repo.write("incidents/d.toml", incident("INC-2", ""));
    let run = repo.check(&["--select", "LC004"]);
    let mut files: Vec<String> = run
        .findings()
        .iter()
        .map(|f| f.split(':').next().unwrap_or_default().to_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "archive/c.toml",
            "incidents/a.toml",
            "incidents/b.toml",
            "incidents/d.toml"
        ],
        "{:?}",
        run.findings()
    );
}

#[test]
fn a_resolved_incident_is_judged_at_resolved_at_and_an_open_one_now() {
    // Never acknowledged: open, the miss grows with the clock; resolved 10 minutes after
    // detection, the record is within the 15 minutes of sev1 and stays so.
    let repo = repo();
    repo.write("incidents/open.toml", incident("INC-1", ""));
    repo.write(
        "incidents/resolved.toml",
        incident("INC-2", "resolved_at = 2026-11-20T01:50:00Z\n")
            .replace("\"open\"", "\"resolved\""),
    );
    let run = repo.check(&["--select", "LC602"]);
    assert_eq!(
        run.findings(),
        ["incidents/open.toml:2 LC602 warning"],
        "{:?}",
        run.findings()
    );
}

#[test]
fn a_waiver_on_a_resolved_incident_must_predate_its_resolution() {
    let waiver = |approved_at: &str| {
        format!(
            "resolved_at = 2026-11-20T03:00:00Z\nacknowledged_at = 2026-11-20T02:30:00Z\n\n\
             [[waivers]]\nrule = \"acknowledge-time\"\nreason = \"pager outage\"\n\
             approved_by = \"carol\"\napproved_at = {approved_at}\nexpires = 2026-12-01\n"
        )
    };
    let repo = repo();
    repo.write(
        "incidents/in-time.toml",
        incident("INC-1", &waiver("2026-11-20T02:00:00Z")).replace("\"open\"", "\"resolved\""),
    );
    repo.write(
        "incidents/after.toml",
        incident("INC-2", &waiver("2026-11-21T02:00:00Z")).replace("\"open\"", "\"resolved\""),
    );
    let run = repo.check(&["--select", "LC602,LC502"]);
    let mut findings = run.findings();
    findings.sort();
    assert_eq!(
        findings,
        [
            "incidents/after.toml:10 LC602 warning",
            "incidents/after.toml:16 LC502 error",
            "incidents/in-time.toml:10 LC602 warning (waived)",
        ],
        "{findings:?}"
    );
}

#[test]
fn incident_handles_are_checked_against_the_roster() {
    let repo = repo();
    repo.write(
        "people.toml",
        "kind = \"roster\"\n[people.dave]\nname = \"Dave\"\n[people.bob]\nname = \"Bob\"\n",
    );
    repo.write(
        "incidents/a.toml",
        incident(
            "INC-1",
            "\n[roles]\nincident-commander = \"dvae\"\n\n[[timeline]]\nat = 2026-11-20T01:41:00Z\nwhat = \"paged\"\nby = \"bobb\"\n\n\
             [postmortem]\n[[postmortem.actions]]\naction = \"a\"\nowner = \"zed\"\ndue = 2026-12-01\n",
        ),
    );
    let run = repo.check(&["--select", "LC301"]);
    // The plan's own unknown handles are reported on the plan; three are the incident's.
    let in_incident = run
        .findings()
        .iter()
        .filter(|f| f.starts_with("incidents/a.toml:"))
        .count();
    assert_eq!(in_incident, 3, "{:?}", run.findings());
    let messages = run.messages("LC301");
    assert!(
        messages.iter().any(|m| m.contains("`dvae`")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("`bobb`")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("`zed`")), "{messages:?}");
}

#[test]
fn only_resolved_and_closed_incidents_belong_in_the_archive() {
    let repo = repo();
    repo.write("archive/open.toml", incident("INC-1", ""));
    repo.write(
        "archive/closed.toml",
        incident("INC-2", "resolved_at = 2026-11-20T03:00:00Z\n").replace("\"open\"", "\"closed\""),
    );
    let run = repo.check(&["--select", "LC403", "--allow-empty"]);
    assert_eq!(
        run.findings(),
        ["archive/open.toml:6 LC403 error"],
        "{:?}",
        run.findings()
    );
}

#[test]
fn a_misspelt_incident_kind_gets_a_suggestion() {
    let repo = repo();
    repo.write(
        "incidents/a.toml",
        incident("INC-1", "").replace("kind = \"incident\"", "kind = \"incidnet\""),
    );
    let run = repo.check(&["--select", "LC002"]);
    let findings = run.json()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(
        findings[0]["help"]
            .as_str()
            .is_some_and(|h| h.contains("`incident`")),
        "{findings:?}"
    );
}
