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

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use launchcheck::rules::RULES;

mod common;
use common::{copy_tree, git};

const DEFAULT_NOW: &str = "2026-11-25T00:00:00Z";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules")
}

/// Prepares the case in a temporary directory; returns it and the extra arguments.
fn prepare(case: &Path) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = Vec::new();
    if case.join("base").is_dir() {
        git(dir.path(), &["init", "-q"]);
        copy_tree(&case.join("base"), dir.path());
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "base"]);
        git(dir.path(), &["checkout", "-qb", "change"]);
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
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-qm", "change", "--allow-empty"]);
        args.push("--base=main".to_owned());
    } else {
        copy_tree(case, dir.path());
        let _ = fs::remove_file(dir.path().join("expected.txt"));
        let _ = fs::remove_file(dir.path().join("args"));
    }
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
        args.push(format!("--now={DEFAULT_NOW}"));
    }
    (dir, args)
}

/// Runs the binary on a case; returns (exit code, JSON findings).
fn run(case: &Path, code: &str) -> (i32, Vec<serde_json::Value>, String) {
    let (dir, args) = prepare(case);
    let output = Command::new(env!("CARGO_BIN_EXE_launchcheck"))
        .arg("check")
        .arg("--root")
        .arg(dir.path())
        .arg(format!("--select={code}"))
        .args(["--format", "json"])
        .args(&args)
        .current_dir(dir.path())
        .env_remove("LAUNCHCHECK_NOW")
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{}: no JSON ({e}); stderr:\n{stderr}", case.display()));
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    (output.status.code().unwrap_or(-1), findings, stderr)
}

fn case_dir(code: &str, name: &str) -> PathBuf {
    fixtures().join(format!("{code}-{name}"))
}

#[test]
fn every_rule_has_documentation_and_both_fixtures() {
    let mut missing = Vec::new();
    for rule in RULES {
        let doc = rule.doc();
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
        let dir = case_dir(rule.code, rule.name);
        for case in ["fail", "pass"] {
            if !dir.join(case).is_dir() {
                missing.push(format!(
                    "{} {}: no fixture {}",
                    rule.code,
                    rule.name,
                    dir.join(case).display()
                ));
            }
        }
        if !dir.join("fail/expected.txt").is_file() {
            missing.push(format!("{} {}: no fail/expected.txt", rule.code, rule.name));
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
    for rule in RULES {
        let dir = case_dir(rule.code, rule.name).join("fail");
        let Ok(expected) = fs::read_to_string(dir.join("expected.txt")) else {
            continue;
        };
        let (_, findings, stderr) = run(&dir, rule.code);
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
    for rule in RULES {
        let dir = case_dir(rule.code, rule.name).join("pass");
        if !dir.is_dir() {
            continue;
        }
        let (_, findings, stderr) = run(&dir, rule.code);
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
    for rule in RULES {
        let dir = case_dir(rule.code, rule.name).join("fail");
        if !dir.is_dir() {
            continue;
        }
        let (root, args) = prepare(&dir);
        let output = Command::new(env!("CARGO_BIN_EXE_launchcheck"))
            .arg("check")
            .arg("--root")
            .arg(root.path())
            .args(["--format", "concise"])
            .args(&args)
            .current_dir(root.path())
            .env_remove("LAUNCHCHECK_NOW")
            .env_remove("LAUNCHCHECK_CONFIG")
            .env_remove("LAUNCHCHECK_FORMAT")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}: {stderr}",
            dir.display()
        );
        insta::assert_snapshot!(format!("fail_{}", rule.code), stdout);
    }
}
