//! Every rule has a failing and a passing fixture under `fixtures/rules/<CODE>-<name>/`, and
//! each is run through the real binary: the failing one must produce the rule's findings at
//! the locations listed in `fail/expected.txt`, the passing one none of that rule.
//!
//! A case directory is a launch repository. When it holds `base/` and `head/`, it is a pull
//! request instead: `base/` is committed on `main`, `head/` on a branch, and the check runs
//! with `--base main`. An optional `args` file adds command-line arguments, one per line.
//!
//! Every failing fixture's findings, of all rules and not only its own, are also pinned by a
//! snapshot of the concise output (`tests/snapshots/rule_fixtures__fail_<CODE>.snap`), so a
//! finding that only echoes another cannot creep back unnoticed.
//!
//! Adding a rule, once it is registered, is adding files and accepting a snapshot:
//!
//! 1. `fixtures/rules/<CODE>-<name>/fail/`: a repository that breaks the rule, with
//!    `fail/expected.txt` listing `path:line:column` of each finding it must produce;
//! 2. `fixtures/rules/<CODE>-<name>/pass/`: a repository the rule accepts;
//! 3. `cargo test --test rule_fixtures`, then accept the new snapshot after reading it
//!    (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test rule_fixtures`).
//!
//! The rules are the ones the binary lists (`launchcheck rule --all --format=json`); a
//! registered rule without its fixtures, or a fixture or snapshot without its rule, fails
//! here with the path to add or remove.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{copy_tree, launchcheck, Run, TempRepo, NOW_ARG};

/// A registered rule, as `launchcheck rule --all --format=json` lists it.
struct Rule {
    code: String,
    name: String,
    doc: String,
}

/// Every built-in rule, in code order: listed in an empty directory, where no organisation
/// rules (`policies/*.rego`) join them.
fn rules() -> Vec<Rule> {
    let run = TempRepo::plain().run(&["rule", "--all", "--format=json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = |rule: &Value, key: &str| {
        rule[key]
            .as_str()
            .unwrap_or_else(|| panic!("no {key} in {rule}"))
            .to_owned()
    };
    run.json()
        .as_array()
        .expect("a list of rules")
        .iter()
        .map(|rule| Rule {
            code: text(rule, "code"),
            name: text(rule, "name"),
            doc: text(rule, "explanation"),
        })
        .collect()
}

/// The fixtures' directory, relative to the project: messages name paths to add.
const FIXTURES: &str = "fixtures/rules";

fn fixtures() -> PathBuf {
    common::project(FIXTURES)
}

/// Prepares the case in a temporary directory; returns it and the extra arguments.
fn prepare(case: &Path) -> (TempRepo, Vec<String>) {
    let mut args = Vec::new();
    let dir = if case.join("base").is_dir() {
        let dir = TempRepo::init();
        copy_tree(&case.join("base"), dir.path());
        dir.commit("base");
        dir.git(&["checkout", "-qb", "change"]);
        for entry in fs::read_dir(dir.path()).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name() != ".git" {
                let path = entry.path();
                if path.is_dir() {
                    fs::remove_dir_all(path).unwrap();
                } else {
                    fs::remove_file(path).unwrap();
                }
            }
        }
        copy_tree(&case.join("head"), dir.path());
        dir.commit("change");
        args.push("--base=main".to_owned());
        dir
    } else {
        let dir = TempRepo::copy_of(case);
        let _ = fs::remove_file(dir.join("expected.txt"));
        let _ = fs::remove_file(dir.join("args"));
        dir
    };
    if let Ok(extra) = fs::read_to_string(case.join("args")) {
        args.extend(
            extra
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
        );
    }
    if !args.iter().any(|a| a.starts_with("--now")) {
        args.push(NOW_ARG.to_owned());
    }
    (dir, args)
}

/// `check --root CASE ARGS` on a prepared case.
fn check(root: &TempRepo, args: &[&str], extra: &[String]) -> Run {
    let mut command = launchcheck();
    command
        .arg("check")
        .arg("--root")
        .arg(root.path())
        .args(args)
        .args(extra)
        .current_dir(root.path());
    Run::of(command)
}

/// Runs the binary on a case; returns (exit code, JSON findings).
fn run(case: &Path, code: &str) -> (i32, Vec<serde_json::Value>, String) {
    let (dir, args) = prepare(case);
    let select = format!("--select={code}");
    let run = check(&dir, &[&select, "--format", "json"], &args);
    let json: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("{}: no JSON ({e}); stderr:\n{}", case.display(), run.stderr));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    (run.code, findings, run.stderr)
}

fn case_dir(code: &str, name: &str) -> PathBuf {
    fixtures().join(format!("{code}-{name}"))
}

#[test]
fn every_rule_has_documentation_and_both_fixtures() {
    let mut missing = Vec::new();
    for rule in rules() {
        let doc = &rule.doc;
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Parameters",
            "## Failing example",
            "## Passing example",
        ] {
            if !doc.contains(section) {
                missing.push(format!(
                    "{} {}: doc lacks `{section}`",
                    rule.code, rule.name
                ));
            }
        }
        if doc.matches("```toml").count() < 2 {
            missing.push(format!(
                "{} {}: doc lacks two TOML examples",
                rule.code, rule.name
            ));
        }
        let dir = case_dir(&rule.code, &rule.name);
        let relative = format!("{FIXTURES}/{}-{}", rule.code, rule.name);
        if !dir.join("fail").is_dir() {
            missing.push(format!(
                "{} {}: no failing fixture: add {relative}/fail/, a repository that breaks \
                 the rule",
                rule.code, rule.name
            ));
        }
        if !dir.join("pass").is_dir() {
            missing.push(format!(
                "{} {}: no passing fixture: add {relative}/pass/, a repository the rule \
                 accepts",
                rule.code, rule.name
            ));
        }
        if !dir.join("fail/expected.txt").is_file() {
            missing.push(format!(
                "{} {}: no expected findings: add {relative}/fail/expected.txt, one \
                 `path:line:column` per finding",
                rule.code, rule.name
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "incomplete rules:\n{}",
        missing.join("\n")
    );
}

#[test]
fn failing_fixtures_fail_at_the_expected_places() {
    let mut problems = Vec::new();
    for rule in rules() {
        let dir = case_dir(&rule.code, &rule.name).join("fail");
        let Ok(expected) = fs::read_to_string(dir.join("expected.txt")) else {
            continue;
        };
        let (_, findings, stderr) = run(&dir, &rule.code);
        let mine: Vec<String> = findings
            .iter()
            .filter(|f| f["code"] == rule.code)
            .map(|f| {
                format!(
                    "{}:{}:{}",
                    f["path"].as_str().unwrap_or(""),
                    f["line"],
                    f["column"]
                )
            })
            .collect();
        if mine.is_empty() {
            problems.push(format!(
                "{}: failing fixture produced no {} finding\n{stderr}",
                rule.name, rule.code
            ));
        }
        for want in expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            if !mine.iter().any(|m| m == want) {
                problems.push(format!(
                    "{}: expected a finding at {want}, got {mine:?}",
                    rule.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn passing_fixtures_pass() {
    let mut problems = Vec::new();
    for rule in rules() {
        let dir = case_dir(&rule.code, &rule.name).join("pass");
        if !dir.is_dir() {
            continue;
        }
        let (_, findings, stderr) = run(&dir, &rule.code);
        let mine: Vec<&serde_json::Value> = findings
            .iter()
            .filter(|f| f["code"] == rule.code && f["waiver"].is_null())
            .collect();
        if !mine.is_empty() {
            problems.push(format!(
                "{}: passing fixture has findings: {mine:?}\n{stderr}",
                rule.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn failing_fixtures_findings_are_pinned_by_snapshots() {
    for rule in rules() {
        let dir = case_dir(&rule.code, &rule.name).join("fail");
        if !dir.is_dir() {
            continue;
        }
        let (root, args) = prepare(&dir);
        let run = check(&root, &["--format", "concise"], &args);
        assert!(
            matches!(run.code, 0 | 1),
            "{}: {}",
            dir.display(),
            run.stderr
        );
        let stdout = run.stdout;
        insta::assert_snapshot!(format!("fail_{}", rule.code), stdout);
    }
}

#[test]
fn every_fixture_and_snapshot_belongs_to_a_registered_rule() {
    let registered: BTreeSet<String> = rules()
        .iter()
        .map(|rule| format!("{}-{}", rule.code, rule.name))
        .collect();
    let codes: BTreeSet<String> = rules().into_iter().map(|rule| rule.code).collect();
    let mut strays = Vec::new();
    for entry in fs::read_dir(fixtures()).expect("fixtures/rules") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !registered.contains(&name) {
            strays.push(format!(
                "{FIXTURES}/{name}: no registered rule has this code and name (renamed or removed?)"
            ));
        }
    }
    for entry in fs::read_dir(common::project("tests/snapshots")).expect("tests/snapshots") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let Some(code) = name
            .strip_prefix("rule_fixtures__fail_")
            .and_then(|rest| rest.strip_suffix(".snap"))
        else {
            continue;
        };
        if !codes.contains(code) {
            strays.push(format!(
                "tests/snapshots/{name}: no registered rule {code} (remove the snapshot)"
            ));
        }
    }
    assert!(strays.is_empty(), "{}", strays.join("\n"));
}
