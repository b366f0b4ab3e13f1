//! Organisation rules in Rego through the real binary: conftest policies (v1 and v0 style)
//! run unchanged, results point at the exact key, the rules are first-class (codes from the
//! policy, `--select`/`--ignore`, waivers, levels, `rule`), the repository is in
//! `data.launchcheck`, every broken rule stops the run with its file and line, pull requests
//! use the base's rules, and `policy test` runs the rules' tests.
//!
//! Each test copies the demo repository (which has three organisation rules of its own) into
//! a temporary directory and adds the `.rego` files it is about.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

const NOW: &str = "--now=2026-11-25T00:00:00Z";

fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        dir.path(),
    );
    dir
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn launchcheck(root: &Path, args: &[&str]) -> Output {
    Command::cargo_bin("launchcheck")
        .unwrap()
        .current_dir(root)
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT")
        .env_remove("LAUNCHCHECK_NOW")
        .args(args)
        .output()
        .unwrap()
}

fn check_json(root: &Path, extra: &[&str]) -> (i32, Vec<Value>) {
    let mut args = vec!["check", NOW, "-f", "json"];
    args.extend_from_slice(extra);
    let output = launchcheck(root, &args);
    let code = output.status.code().unwrap();
    assert_ne!(code, 2, "{}", String::from_utf8_lossy(&output.stderr));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    (code, json["findings"].as_array().unwrap().clone())
}

/// `path:line:column level code message` of the findings whose code is not built in.
fn org_findings(findings: &[Value]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| !f["code"].as_str().unwrap().starts_with("LC"))
        .map(|f| {
            format!(
                "{}:{}:{} {} {} {}{}",
                f["path"].as_str().unwrap(),
                f["line"],
                f["column"],
                f["level"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
                if f["waiver"].is_null() {
                    ""
                } else {
                    " (waived)"
                }
            )
        })
        .collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const EMERGENCY_TICKET: &str = "launches/2026/LR-2026-0150.toml:8:6 warning ORG003 the emergency change LR-2026-0150 names no incident ticket (`x-ticket`)";

#[test]
fn the_demo_rules_report_with_their_codes_at_their_keys() {
    let dir = demo();
    let (code, findings) = check_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(org_findings(&findings), [EMERGENCY_TICKET]);
    let finding = findings.iter().find(|f| f["code"] == "ORG003").unwrap();
    assert_eq!(finding["rule"], "ticket/emergency-without-ticket");
}

#[test]
fn conftest_policies_run_unchanged_in_both_rego_styles() {
    let dir = demo();
    // As conftest's documentation writes them: Rego v1 with `import rego.v1`...
    write(
        dir.path(),
        "policies/main.rego",
        r#"package main

import rego.v1

deny contains msg if {
	input.kind == "launch-request"
	input.risk == "critical"
	msg := sprintf("%s: critical launches need the change board (%s in %s)", [input.id, data.conftest.file.name, data.conftest.file.dir])
}

warn_plans contains {"msg": sprintf("plan %s reviewed", [input.id])} if input.kind == "response-plan"
"#,
    );
    // ...and the older v0 style without `if` and `contains`.
    write(
        dir.path(),
        "policies/legacy.rego",
        r#"package legacy

violation[msg] {
	input.kind == "launch-request"
	input.change_type == "standard"
	msg := "standard change"
}
"#,
    );
    let (_, findings) = check_json(dir.path(), &[]);
    let found = org_findings(&findings);
    assert!(
        found.contains(&"launches/2026/LR-2026-0147.toml:7:6 error main/deny LR-2026-0147: critical launches need the change board (launches/2026/LR-2026-0147.toml in launches/2026)".to_owned()),
        "{found:#?}"
    );
    assert!(
        found.contains(
            &"plans/search.toml:9:6 warning main/plans plan RP-search reviewed".to_owned()
        ),
        "{found:#?}"
    );
    assert_eq!(
        found
            .iter()
            .filter(|f| f.contains(" error legacy/violation standard change"))
            .count(),
        1,
        "{found:#?}"
    );
}

#[test]
fn results_point_at_their_path_or_its_nearest_parent() {
    let dir = demo();
    write(
        dir.path(),
        "policies/pointing.rego",
        r#"package pointing

import rego.v1

deny_second_approver contains {"msg": "second approver", "path": ["approvals", 1, "by"], "help": "ask someone else"} if input.id == "LR-2026-0142"

deny_missing_key contains {"msg": "no owner key", "path": ["rollback", "not_there"]} if input.id == "LR-2026-0142"

warn_demoted contains {"msg": "asked for a warning", "level": "warning", "related": [{"file": "plans/payments.toml", "path": ["id"], "message": "the plan"}]} if input.id == "LR-2026-0142"
"#,
    );
    let (_, findings) = check_json(dir.path(), &["--select", "pointing"]);
    let found = org_findings(&findings);
    assert_eq!(
        found,
        [
            "launches/2026/LR-2026-0142.toml:8:6 warning pointing/demoted asked for a warning",
            "launches/2026/LR-2026-0142.toml:53:1 error pointing/missing-key no owner key",
            "launches/2026/LR-2026-0142.toml:87:6 error pointing/second-approver second approver",
        ]
    );
    let second = findings
        .iter()
        .find(|f| f["code"] == "pointing/second-approver")
        .unwrap();
    assert_eq!(second["help"], "ask someone else");
    assert_eq!(second["end_column"], 12);
    let demoted = findings
        .iter()
        .find(|f| f["code"] == "pointing/demoted")
        .unwrap();
    assert_eq!(demoted["related"][0]["path"], "plans/payments.toml");
    assert_eq!(demoted["related"][0]["message"], "the plan");
}

#[test]
fn organisation_rules_are_selected_ignored_waived_and_levelled() {
    let dir = demo();
    let (_, only) = check_json(dir.path(), &["--select", "ORG003"]);
    assert_eq!(org_findings(&only), [EMERGENCY_TICKET]);
    assert_eq!(only.len(), 1, "only the selected rule reports");
    let (_, by_name) = check_json(dir.path(), &["--select", "ticket/emergency-without-ticket"]);
    assert_eq!(by_name.len(), 1);
    let (_, ignored) = check_json(dir.path(), &["--ignore", "ORG"]);
    assert!(org_findings(&ignored).is_empty());
    let unknown = launchcheck(dir.path(), &["check", NOW, "--select", "ORG999"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("`ORG999` names no rule"));

    // A waiver names the rule by its code (LR-2026-0150 is launched: a record, so the waiver
    // must have been approved before its window).
    let launch = dir.path().join("launches/2026/LR-2026-0150.toml");
    let text = fs::read_to_string(&launch).unwrap();
    fs::write(
        &launch,
        format!(
            "{text}\n[[waivers]]\nrule = \"ORG003\"\nreason = \"The incident ticket system was down.\"\napproved_by = \"nora\"\napproved_at = 2026-11-19T10:00:00+08:00\nexpires = 2026-12-20\n"
        ),
    )
    .unwrap();
    let (_, waived) = check_json(dir.path(), &[]);
    assert_eq!(
        org_findings(&waived),
        [format!("{EMERGENCY_TICKET} (waived)")]
    );

    // The policy sets the level: an error now, and no longer waivable.
    let policy = dir.path().join("policies/org.toml");
    let text = fs::read_to_string(&policy).unwrap();
    fs::write(
        &policy,
        format!("{text}level = \"error\"\nwaivable = false\n"),
    )
    .unwrap();
    let (code, findings) = check_json(dir.path(), &["--select", "ORG003,waiver-invalid"]);
    assert_eq!(code, 1);
    assert_eq!(
        org_findings(&findings),
        [EMERGENCY_TICKET.replace("warning ORG003", "error ORG003")]
    );
    assert!(findings.iter().any(|f| f["code"] == "LC502"));

    // Off: the rule does not run.
    let text = fs::read_to_string(&policy)
        .unwrap()
        .replace("level = \"error\"\nwaivable = false\n", "level = \"off\"\n");
    fs::write(&policy, text).unwrap();
    let (_, off) = check_json(dir.path(), &[]);
    assert!(org_findings(&off).is_empty());
}

#[test]
fn the_repository_is_in_data_launchcheck_and_time_stands_at_the_reference() {
    let dir = demo();
    write(
        dir.path(),
        "policies/cross.rego",
        r#"package cross

import rego.v1

# Cross-file: the linked plan exists and names the launch's services.
deny_plan_misses_service contains {"msg": sprintf("%s is not covered by %s", [service, input.response_plan]), "path": ["services"]} if {
	input.kind == "launch-request"
	plan := data.launchcheck.plans[input.response_plan]
	some service in input.services
	not service in plan.services
}

# A launched request is judged at its window's start; time.now_ns() says so.
warn_reference contains sprintf("%s judged at %s (now %s, tz %s)", [input.id, data.launchcheck.reference, data.launchcheck.now, data.launchcheck.timezone]) if {
	input.id in {"LR-2026-0140", "LR-2026-0142"}
	time.now_ns() == time.parse_rfc3339_ns(data.launchcheck.reference)
}

warn_people contains "the roster knows alice" if {
	input.id == "LR-2026-0142"
	data.launchcheck.people.alice
}

warn_policy contains sprintf("drill limit %d", [data.launchcheck.policy.rules["drill-recency"].max_age_days]) if input.id == "LR-2026-0142"
"#,
    );
    let (_, findings) = check_json(dir.path(), &["--select", "cross"]);
    let found = org_findings(&findings);
    assert!(
        found.contains(&"launches/2026/LR-2026-0140.toml:6:6 warning cross/reference LR-2026-0140 judged at 2026-11-18T14:00:00Z (now 2026-11-25T00:00:00Z, tz Asia/Shanghai)".to_owned()),
        "{found:#?}"
    );
    assert!(
        found.contains(&"launches/2026/LR-2026-0142.toml:8:6 warning cross/reference LR-2026-0142 judged at 2026-11-25T00:00:00Z (now 2026-11-25T00:00:00Z, tz Asia/Shanghai)".to_owned()),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.ends_with("cross/people the roster knows alice")),
        "{found:#?}"
    );
    // The payments override's stricter drill limit is this launch's effective policy.
    assert!(
        found
            .iter()
            .any(|f| f.ends_with("cross/policy drill limit 90")),
        "{found:#?}"
    );
    assert!(
        !found
            .iter()
            .any(|f| f.contains("cross/plan-misses-service")),
        "{found:#?}"
    );
}

#[test]
fn incident_records_are_in_data_launchcheck() {
    let dir = demo();
    write(
        dir.path(),
        "policies/incidents.rego",
        r#"package incidents

import rego.v1

# No launch on a service that has an open incident.
deny_open_incident contains {"msg": sprintf("%s has the open incident %s (%s, detected %s)", [service, id, incident.severity, incident.detected_at]), "path": ["services"]} if {
	input.kind == "launch-request"
	some service in input.services
	some id, incident in data.launchcheck.incidents
	incident.status == "open"
	service in incident.services
}

# The launch an incident names as its cause.
warn_caused contains sprintf("caused %s", [id]) if {
	some id, incident in data.launchcheck.incidents
	input.id in incident.caused_by
}
"#,
    );
    let (_, findings) = check_json(dir.path(), &["--select", "incidents"]);
    let found = org_findings(&findings);
    let open: Vec<&String> = found
        .iter()
        .filter(|f| f.contains("incidents/open-incident"))
        .collect();
    assert_eq!(open.len(), 1, "{found:#?}");
    assert!(
        open[0].starts_with("launches/2026/LR-2026-0145.toml:")
            && open[0].ends_with(
                "error incidents/open-incident search-api has the open incident INC-2026-0043 (sev2, detected 2026-11-21T21:10:00+08:00)"
            ),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("launches/2026/LR-2026-0140.toml:")
                && f.ends_with("warning incidents/caused caused INC-2026-0041")),
        "{found:#?}"
    );
}

/// Runs a check expecting exit 2 and returns its standard error.
fn tool_error(root: &Path) -> String {
    let output = launchcheck(root, &["check", NOW, "-f", "concise"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "no findings are printed");
    stderr(&output)
}

#[test]
fn a_syntax_error_stops_the_run_at_its_line() {
    let dir = demo();
    write(
        dir.path(),
        "policies/broken.rego",
        "package broken\n\nimport rego.v1\n\ndeny contains msg if {\n\tmsg := \n}\n",
    );
    let err = tool_error(dir.path());
    assert!(
        err.contains("policies/broken.rego:6: the organisation rules do not parse"),
        "{err}"
    );
    assert!(err.contains("--> policies/broken.rego:6:9"), "{err}");
}

#[test]
fn builtins_that_reach_outside_are_refused_when_loaded() {
    for (call, shown) in [
        (
            "http.send({\"method\": \"get\", \"url\": \"https://example.com\"})",
            "http.send",
        ),
        ("net.lookup_ip_addr(\"example.com\")", "net.lookup_ip_addr"),
        ("rand.intn(\"x\", 10)", "rand"),
        ("opa.runtime()", "opa.runtime"),
    ] {
        let dir = demo();
        write(
            dir.path(),
            "policies/outside.rego",
            &format!(
                "package outside\n\nimport rego.v1\n\n# {call} in a comment is fine\ndeny contains msg if {{\n\tinput.id == \"never\"\n\tmsg := {call}\n}}\n"
            ),
        );
        let err = tool_error(dir.path());
        assert!(
            err.contains(&format!(
                "policies/outside.rego:8: `{shown}` is not allowed"
            )),
            "{err}"
        );
    }
}

#[test]
fn runtime_errors_and_bad_results_stop_the_run_at_the_rule() {
    let cases = [
        (
            "deny contains msg if {\n\tinput.kind == \"launch-request\"\n\tmsg := 1 / 0\n}\n",
            "policies/bad.rego:7",
        ),
        (
            "deny contains {\"message\": \"no msg key\"} if input.kind == \"launch-request\"\n",
            "policies/bad.rego:5: the organisation rule `bad/deny` returned a result launchcheck cannot report",
        ),
        (
            "deny contains {\"msg\": 42} if input.kind == \"launch-request\"\n",
            "`msg` is `42`, not a string",
        ),
        (
            "deny contains {\"msg\": \"m\", \"path\": \"approvals.by\"} if input.kind == \"launch-request\"\n",
            "`path` is `\"approvals.by\"`",
        ),
        (
            "deny contains msg if {\n\tinput.kind == \"never\"\n\tmsg := lookup_everything(input)\n}\n",
            "policies/bad.rego:7: `lookup_everything` is neither a builtin nor a function the rules define",
        ),
        (
            "deny contains msg if {\n\tinput.kind == \"never\"\n\tmsg := strings.shout(input.id)\n}\n",
            "policies/bad.rego:7: `strings.shout` is neither a builtin",
        ),
    ];
    for (rule, expected) in cases {
        let dir = demo();
        write(
            dir.path(),
            "policies/bad.rego",
            &format!("package bad\n\nimport rego.v1\n\n{rule}"),
        );
        let err = tool_error(dir.path());
        assert!(err.contains(expected), "{rule}\n{err}");
    }
}

#[test]
fn a_rule_over_its_time_limit_stops_the_run() {
    let dir = demo();
    write(
        dir.path(),
        "policies/slow.rego",
        "package slow\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.id == \"LR-2026-0142\"\n\tn := count([1 | some i in numbers.range(1, 20000); some j in numbers.range(1, 20000)])\n\tmsg := sprintf(\"%d\", [n])\n}\n",
    );
    let err = tool_error(dir.path());
    assert!(
        err.contains("policies/slow.rego:5: the organisation rule `slow/deny` took longer than 1 s on `launches/2026/LR-2026-0142.toml`"),
        "{err}"
    );
}

#[test]
fn names_and_codes_must_be_unique_and_the_policy_must_name_real_rules() {
    let dir = demo();
    write(
        dir.path(),
        "policies/other.rego",
        "package other.ticket\n\nimport rego.v1\n\ndeny_emergency_without_ticket contains \"x\" if false\n",
    );
    let err = tool_error(dir.path());
    assert!(
        err.contains("two organisation rules are named `ticket/emergency-without-ticket`"),
        "{err}"
    );

    let dir = demo();
    let policy = dir.path().join("policies/org.toml");
    let text = fs::read_to_string(&policy).unwrap();
    fs::write(
        &policy,
        text.replace("code = \"ORG002\"", "code = \"ORG001\""),
    )
    .unwrap();
    let err = tool_error(dir.path());
    assert!(err.contains("share the code `ORG001`"), "{err}");

    let dir = demo();
    fs::write(
        policy_path(dir.path()),
        text.replace("code = \"ORG002\"", "code = \"LC999\""),
    )
    .unwrap();
    let err = tool_error(dir.path());
    assert!(err.contains("LC999"), "{err}");

    let dir = demo();
    fs::write(
        policy_path(dir.path()),
        format!("{text}\n[custom.\"ticket/emergency-without-tiket\"]\ncode = \"ORG009\"\n"),
    )
    .unwrap();
    let err = tool_error(dir.path());
    assert!(err.contains("names no organisation rule"), "{err}");
    assert!(
        err.contains("did you mean `ticket/emergency-without-ticket`?"),
        "{err}"
    );
}

fn policy_path(root: &Path) -> std::path::PathBuf {
    root.join("policies/org.toml")
}

#[test]
fn rule_lists_and_explains_organisation_rules() {
    let dir = demo();
    let output = launchcheck(dir.path(), &["rule", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let rules: Value = serde_json::from_slice(&output.stdout).unwrap();
    let org: Vec<(&str, &str, &str, bool)> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["group"] == "Organisation rules")
        .map(|r| {
            (
                r["code"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["summary"].as_str().unwrap(),
                r["waivable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        org,
        [
            (
                "ORG001",
                "db/migration-without-dba",
                "A migration of a `*-db` service needs the approval of a DBA.",
                false
            ),
            (
                "ORG002",
                "calendar/critical-on-friday",
                "No critical launch starts on a Friday in the repository's time zone.",
                true
            ),
            (
                "ORG003",
                "ticket/emergency-without-ticket",
                "An emergency change names the incident ticket it answers (`x-ticket`).",
                true
            ),
        ]
    );
    let output = launchcheck(dir.path(), &["rule", "db/migration-without-dba"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with("# ORG001 db/migration-without-dba"),
        "{text}"
    );
    assert!(
        text.contains("`data.org.db.deny_migration_without_dba` in `policies/db.rego` (line 21)"),
        "{text}"
    );
}

#[test]
fn policy_test_runs_the_tests_and_reports_coverage() {
    let dir = demo();
    let output = launchcheck(dir.path(), &["policy", "test"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{text}{}", stderr(&output));
    assert!(
        text.contains("data.org.db_test.test_migration_without_dba_is_denied: PASS"),
        "{text}"
    );
    assert!(text.contains("PASS: 9/9"), "{text}");

    // A failing test and an uncovered line.
    write(
        dir.path(),
        "policies/extra.rego",
        "package extra\n\nimport rego.v1\n\ndeny contains \"a\" if input.a\n\ndeny contains \"b\" if {\n\tinput.b\n}\n",
    );
    write(
        dir.path(),
        "policies/extra_test.rego",
        "package extra_test\n\nimport rego.v1\n\nimport data.extra\n\ntest_a if extra.deny == {\"a\"} with input as {\"a\": true}\n\ntest_wrong if extra.deny == {\"z\"} with input as {\"a\": true}\n",
    );
    let output = launchcheck(dir.path(), &["policy", "test", "--coverage"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    assert!(text.contains("data.extra_test.test_a: PASS"), "{text}");
    assert!(
        text.contains("data.extra_test.test_wrong: FAIL (policies/extra_test.rego:9:"),
        "{text}"
    );
    assert!(text.contains("FAIL: 1/11"), "{text}");
    assert!(
        text.contains("Not reached by any test:\n  policies/extra.rego:7\n"),
        "{text}"
    );

    // A directory given explicitly.
    let output = launchcheck(dir.path(), &["policy", "test", "policies"]);
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(text.contains("policies/extra_test.rego:\n"), "{text}");
}

#[test]
fn a_pull_request_is_judged_by_the_base_rules() {
    let dir = demo();
    let root = dir.path();
    common::git(root, &["init", "-q"]);
    common::git(root, &["add", "-A"]);
    common::git(root, &["commit", "-q", "-m", "base"]);
    // The branch deletes the rule that flags it, and adds one that would flag everything.
    fs::remove_file(root.join("policies/ticket.rego")).unwrap();
    write(
        root,
        "policies/everything.rego",
        "package everything\n\nimport rego.v1\n\ndeny contains \"everything\" if true\n",
    );
    let launch = root.join("launches/2026/LR-2026-0150.toml");
    let text = fs::read_to_string(&launch).unwrap();
    fs::write(&launch, text.replace("title = ", "title = \"Edited: \" + ")).unwrap();
    let text = fs::read_to_string(&launch).unwrap();
    fs::write(&launch, text.replace("\"Edited: \" + ", "")).unwrap();
    let output = launchcheck(
        root,
        &["check", NOW, "--base", "HEAD", "--all", "-f", "json"],
    );
    assert_ne!(output.status.code(), Some(2), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let found = org_findings(findings);
    assert_eq!(
        found,
        [EMERGENCY_TICKET],
        "the base's rules, not the branch's"
    );
    let policy_change: Vec<&str> = findings
        .iter()
        .filter(|f| f["code"] == "LC404")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        policy_change.contains(&"policies/everything.rego"),
        "{policy_change:?}"
    );
}

#[test]
fn a_rule_that_builds_a_huge_value_is_stopped() {
    let dir = demo();
    write(
        dir.path(),
        "policies/huge.rego",
        "package huge\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.id == \"LR-2026-0142\"\n\tn := count(numbers.range(1, 1000000000))\n\tmsg := sprintf(\"%d\", [n])\n}\n",
    );
    let err = tool_error(dir.path());
    assert!(
        err.contains("policies/huge.rego:5: `huge/deny` on `launches/2026/LR-2026-0142.toml`"),
        "{err}"
    );
    assert!(err.contains("allocated more than 256 MiB"), "{err}");
}

#[test]
fn an_ignored_or_disabled_rule_does_not_stop_the_run() {
    let dir = demo();
    write(
        dir.path(),
        "policies/bad.rego",
        "package bad\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.kind == \"launch-request\"\n\tmsg := 1 / 0\n}\n",
    );
    tool_error(dir.path());
    let (_, findings) = check_json(dir.path(), &["--ignore", "bad/deny"]);
    assert_eq!(org_findings(&findings), [EMERGENCY_TICKET]);
    let policy = dir.path().join("policies/org.toml");
    let text = fs::read_to_string(&policy).unwrap();
    fs::write(
        &policy,
        format!("{text}\n[custom.\"bad/deny\"]\nlevel = \"off\"\n"),
    )
    .unwrap();
    let (_, findings) = check_json(dir.path(), &[]);
    assert_eq!(org_findings(&findings), [EMERGENCY_TICKET]);
}
