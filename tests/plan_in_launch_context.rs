//! Response-plan rules judged in a launch's context:
//! `required-roles` and `drill-recency` run again for each launch that links a plan, with the
//! launch's overrides and at its window start; what fails only there is reported on the
//! launch at its `response_plan`, with the plan as related span, and a launch waiver can
//! cover it. Each case is a repository under `fixtures/scenarios/plan-context/`, copied to
//! a temporary directory and checked by the real binary with JSON output.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{launchcheck, Run, TempRepo, NOW_ARG};

fn scenario(name: &str) -> PathBuf {
    common::fixture("scenarios/plan-context").join(name)
}

/// Copies a scenario into a fresh temporary directory, so edits stay local to one test.
fn copy(name: &str) -> TempRepo {
    TempRepo::copy_of(&scenario(name))
}

/// Runs `launchcheck check` on the plan and waiver rules only, so the scenarios' launches
/// need not satisfy every launch rule.
fn check(root: &Path) -> Run {
    let mut command = launchcheck();
    command
        .arg("check")
        .arg("--root")
        .arg(root)
        .args(["--select=LC2,LC5", "--format=json", NOW_ARG])
        .current_dir(root);
    let run = Run::of(command);
    run.json();
    run
}

/// The 1-based line and character column where `needle` first occurs in a file.
fn position(root: &Path, path: &str, needle: &str) -> (u64, u64) {
    let text = fs::read_to_string(root.join(path)).unwrap();
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in {path}"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line as u64, column as u64)
}

/// Asserts that a finding sits at the value of the launch's `response_plan`.
fn assert_at_response_plan(root: &Path, finding: &Value, launch: &str) {
    let (line, column) = position(root, launch, "\"RP-payments\"");
    assert_eq!(finding["path"], launch, "{finding:#}");
    assert_eq!(finding["line"], line, "{finding:#}");
    assert_eq!(finding["column"], column, "{finding:#}");
}

#[test]
fn a_drill_that_will_be_stale_at_a_future_window_fails_on_the_launch() {
    let dir = copy("future-window");
    let root = dir.path();
    let run = check(root);
    assert_eq!(run.code, 1, "{:#}", run.json());
    assert!(
        run.findings_in("plans/payments.toml").is_empty(),
        "the plan passes today: {:#}",
        run.json()
    );

    let lc202 = run.findings_of("LC202");
    assert_eq!(lc202.len(), 1, "{:#}", run.json());
    let finding = lc202[0];
    assert_at_response_plan(root, finding, "launches/LR-2027-0001.toml");
    // 2026-10-02 to 2027-05-01 is 211 days.
    assert_eq!(
        finding["message"],
        "the last passed drill of RP-payments will be 211 days old at launch (limit 180)"
    );
    assert!(
        finding["help"].as_str().unwrap().contains("2027-05-01"),
        "{finding:#}"
    );

    let related = finding["related"].as_array().unwrap();
    assert_eq!(related.len(), 1, "{finding:#}");
    let (drill_line, _) = position(root, "plans/payments.toml", "[[drills]]");
    assert_eq!(related[0]["path"], "plans/payments.toml");
    assert_eq!(related[0]["line"], drill_line);
    assert_eq!(related[0]["column"], 1);
    assert_eq!(related[0]["message"], "last passed drill");
}

#[test]
fn an_override_that_tightens_the_rules_fails_only_on_its_launch() {
    let dir = copy("override");
    let root = dir.path();
    let run = check(root);
    assert_eq!(run.code, 1, "{:#}", run.json());
    assert!(
        run.findings_in("plans/payments.toml").is_empty(),
        "base policy passes the plan: {:#}",
        run.json()
    );
    assert!(
        run.findings_in("launches/LR-2026-0201.toml").is_empty(),
        "no override matches search-api: {:#}",
        run.json()
    );

    let payments = run.findings_in("launches/LR-2026-0200.toml");
    let drill = payments
        .iter()
        .find(|f| f["code"] == "LC202")
        .expect("LC202 on the launch");
    assert_at_response_plan(root, drill, "launches/LR-2026-0200.toml");
    // 2026-10-02 to 2026-12-03 is 62 days; the override's limit is 30.
    assert_eq!(
        drill["message"],
        "the last passed drill of RP-payments will be 62 days old at launch (limit 30)"
    );
    let roles = payments
        .iter()
        .find(|f| f["code"] == "LC201")
        .expect("LC201 on the launch");
    assert_at_response_plan(root, roles, "launches/LR-2026-0200.toml");
    assert!(
        roles["message"].as_str().unwrap().contains("`legal`"),
        "{roles:#}"
    );
    assert_eq!(
        roles["related"][0]["path"], "plans/payments.toml",
        "{roles:#}"
    );
    assert_eq!(payments.len(), 2, "{:#}", run.json());

    // Without the override the same repository is clean: the findings came from it.
    fs::remove_file(root.join("policies/org.toml")).unwrap();
    let without = check(root);
    assert_eq!(without.code, 0, "{:#}", without.json());
    assert!(without.finding_list().is_empty(), "{:#}", without.json());
}

#[test]
fn a_plan_that_fails_on_its_own_is_reported_once_on_the_plan() {
    let dir = copy("plan-failing");
    let root = dir.path();
    let run = check(root);
    assert_eq!(run.code, 1, "{:#}", run.json());
    assert!(
        run.findings_in("launches/LR-2026-0210.toml").is_empty(),
        "the launch repeats the plan's findings: {:#}",
        run.json()
    );

    let lc202 = run.findings_of("LC202");
    assert_eq!(lc202.len(), 1, "{:#}", run.json());
    assert_eq!(lc202[0]["path"], "plans/payments.toml");
    // 2026-03-02 to 2026-11-25 is 268 days.
    assert_eq!(
        lc202[0]["message"],
        "the last passed drill of RP-payments is 268 days old (limit 180)"
    );
    let (date_line, date_column) = position(root, "plans/payments.toml", "2026-03-02");
    assert_eq!(lc202[0]["line"], date_line);
    assert_eq!(lc202[0]["column"], date_column);

    let lc201 = run.findings_of("LC201");
    assert_eq!(lc201.len(), 1, "{:#}", run.json());
    assert_eq!(lc201[0]["path"], "plans/payments.toml");
    assert!(lc201[0]["message"]
        .as_str()
        .unwrap()
        .contains("`communications`"));
}

#[test]
fn a_launch_waiver_at_response_plan_covers_the_launch_context_finding() {
    let dir = copy("waived");
    let root = dir.path();
    let run = check(root);
    assert_eq!(run.code, 0, "{:#}", run.json());
    let lc202 = run.findings_of("LC202");
    assert_eq!(lc202.len(), 1, "{:#}", run.json());
    assert_at_response_plan(root, lc202[0], "launches/LR-2027-0001.toml");
    let waiver = &lc202[0]["waiver"];
    assert!(!waiver.is_null(), "{:#}", lc202[0]);
    assert_eq!(waiver["ticket"], "CHG-5531");
    assert_eq!(run.json()["summary"]["waived"], 1);
    assert_eq!(run.json()["summary"]["errors"], 0);
    assert!(
        run.finding_list().iter().all(|f| f["code"] == "LC202"),
        "{:#}",
        run.json()
    );

    // A waiver for another key path does not cover it.
    let launch = root.join("launches/LR-2027-0001.toml");
    let text = fs::read_to_string(&launch).unwrap();
    fs::write(
        &launch,
        text.replace("path = \"response_plan\"", "path = \"rollback\""),
    )
    .unwrap();
    let elsewhere = check(root);
    assert_eq!(elsewhere.code, 1, "{:#}", elsewhere.json());
    let lc202 = elsewhere.findings_of("LC202");
    assert_eq!(lc202.len(), 1, "{:#}", elsewhere.json());
    assert!(lc202[0]["waiver"].is_null(), "{:#}", lc202[0]);
}

#[test]
fn drills_after_a_past_window_do_not_count_for_that_launch() {
    let dir = copy("past-launch");
    let root = dir.path();
    let run = check(root);
    assert_eq!(run.code, 1, "{:#}", run.json());
    assert!(
        run.findings_in("plans/payments.toml").is_empty(),
        "{:#}",
        run.json()
    );
    let lc202 = run.findings_of("LC202");
    assert_eq!(lc202.len(), 1, "{:#}", run.json());
    assert_at_response_plan(root, lc202[0], "launches/LR-2026-0100.toml");
    // The 2026-10-02 drill came after the 2026-06-01 window; 2025-10-01 to 2026-06-01 is 243 days.
    assert_eq!(
        lc202[0]["message"],
        "the last passed drill of RP-payments was 243 days old at launch (limit 180)"
    );
    let (drill_line, _) = position(root, "plans/payments.toml", "[[drills]]\ndate = 2025-10-01");
    assert_eq!(lc202[0]["related"][0]["line"], drill_line, "{:#}", lc202[0]);
}
