//! One mistake, one finding: the scenarios under `fixtures/scenarios/root-cause/` (the
//! compliant demo launch with one mistake each) give exactly one finding per mistake, pinned
//! in full output by snapshots; misspelt keys silence the findings that only report their
//! consequence; and every suggested fix that is TOML parses as TOML.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{launchcheck, TempRepo, NOW_ARG};

fn scenario(name: &str) -> PathBuf {
    common::fixture("scenarios/root-cause").join(name)
}

/// `check` on `root` with `args`, at a fixed width and without colour; returns stdout.
fn check(root: &Path, args: &[&str]) -> String {
    let output = launchcheck()
        .arg("check")
        .arg(NOW_ARG)
        .arg("--root")
        .arg(root)
        .args(args)
        .current_dir(root)
        .output()
        .expect("the binary runs");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}: {}",
        root.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn full(name: &str) -> String {
    check(&scenario(name), &["--format=full", "--color=never"])
}

/// (code, message) of every finding in a scenario.
fn findings(root: &Path) -> Vec<(String, String, Option<String>)> {
    let json: Value = serde_json::from_str(&check(root, &["--format=json"])).expect("JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
                f["help"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn an_unclosed_array_is_one_finding() {
    let found = findings(&scenario("unclosed-array"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "LC001");
    insta::assert_snapshot!("unclosed_array", full("unclosed-array"));
}

#[test]
fn a_misspelt_table_is_one_finding() {
    let found = findings(&scenario("misspelt-table"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "LC003");
    insta::assert_snapshot!("misspelt_table", full("misspelt-table"));
}

#[test]
fn a_misspelt_decision_is_one_finding_per_approval() {
    let found = findings(&scenario("misspelt-decision"));
    let codes: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(codes, ["LC003"; 4], "{found:?}");
    insta::assert_snapshot!("misspelt_decision", full("misspelt-decision"));
}

#[test]
fn an_unknown_cjk_owner_gets_a_quoted_table_suggestion() {
    let found = findings(&scenario("cjk-owner"));
    assert_eq!(found.len(), 1, "{found:?}");
    let help = found[0].2.as_deref().unwrap_or_default();
    assert!(help.contains("`[people.\"王伟\"]`"), "{help}");
    insta::assert_snapshot!("cjk_owner", full("cjk-owner"));
}

/// Copies a scenario into a temporary directory and edits its launch.
fn edited(name: &str, edits: &[(&str, &str)]) -> TempRepo {
    let dir = TempRepo::copy_of(&scenario(name));
    let launch = "launches/LR-2026-0142.toml";
    let mut text = dir.read(launch);
    for (from, to) in edits {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    dir.write(launch, text);
    dir
}

#[test]
fn misspelt_keys_inside_tables_silence_every_missing_finding_for_them() {
    // `tested_om` (LC102 would say the rehearsal date is missing), `bakup` (LC102: an
    // irreversible step without a backup), `[testng]` (LC113: no testing evidence).
    let dir = edited(
        "cjk-owner",
        &[
            ("owner = \"王伟\"", "owner = \"bob\""),
            ("tested_on =", "tested_om ="),
            ("backup =", "bakup ="),
            ("[testing]", "[testng]"),
        ],
    );
    let found = findings(dir.path());
    let messages: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown key `tested_om` in `rollback`",
            "unknown key `bakup` in `rollback`",
            "unknown key `testng` at the top level",
        ]
    );
}

#[test]
fn misspelt_approvals_silence_the_missing_approvals() {
    let dir = edited("cjk-owner", &[("owner = \"王伟\"", "owner = \"bob\"")]);
    let launch = dir.path().join("launches/LR-2026-0142.toml");
    let text = std::fs::read_to_string(&launch).expect("launch");
    std::fs::write(&launch, text.replace("[[approvals]]", "[[aprovals]]")).expect("write");
    let found = findings(dir.path());
    let messages: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(messages, ["unknown key `aprovals` at the top level"]);
}

#[test]
fn a_misspelling_of_a_key_that_is_present_silences_nothing() {
    // The launch has a `[rollback]`; a second table `[rolback]` is a stray one, and the
    // rollback's own problems are still reported.
    let dir = edited(
        "cjk-owner",
        &[
            ("owner = \"王伟\"", "owner = \"bob\""),
            ("tested_on = 2026-11-19\n", ""),
        ],
    );
    let before: Vec<String> = findings(dir.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(before, ["LC102"]);
    let launch = dir.path().join("launches/LR-2026-0142.toml");
    let text = std::fs::read_to_string(&launch).expect("launch") + "\n[rolback]\nminutes = 5\n";
    std::fs::write(&launch, text).expect("write");
    let after: Vec<String> = findings(dir.path()).into_iter().map(|f| f.0).collect();
    assert_eq!(after, ["LC102", "LC003"]);
}

/// The snippets in backquotes of a help line that are meant as TOML: table headers and
/// arrays (`[…]`), assignments (`a = b`) and strings (`"…"`).
fn toml_snippets(help: &str) -> Vec<&str> {
    help.split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with('[') || s.starts_with('"') || s.contains(" = "))
        .collect()
}

/// Whether a snippet is a TOML document (a header, an assignment) or a TOML value.
fn parses(snippet: &str) -> bool {
    format!("{snippet}\n").parse::<toml::Table>().is_ok()
        || format!("x = {snippet}\n").parse::<toml::Table>().is_ok()
}

/// Every case directory under `fixtures/rules` (single repositories only: pull-request
/// cases are base/head pairs) and every root-cause scenario.
fn every_case() -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(common::fixture("rules")).expect("fixtures") {
        let rule = entry.expect("entry").path();
        for case in ["fail", "pass"] {
            let dir = rule.join(case);
            if dir.is_dir() && !dir.join("base").exists() {
                cases.push(dir);
            }
        }
    }
    for entry in std::fs::read_dir(common::fixture("scenarios/root-cause")).expect("scenarios") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            cases.push(path);
        }
    }
    cases.push(common::demo());
    cases.sort();
    cases
}

#[test]
fn every_suggested_fix_that_is_toml_parses() {
    let mut checked = 0;
    let mut broken = Vec::new();
    for case in every_case() {
        for (code, _, help) in findings(&case) {
            for snippet in toml_snippets(help.as_deref().unwrap_or_default()) {
                checked += 1;
                if !parses(snippet) {
                    broken.push(format!("{}: {code}: `{snippet}`", case.display()));
                }
            }
        }
    }
    assert!(checked >= 10, "only {checked} snippets found");
    assert!(
        broken.is_empty(),
        "suggestions that are not TOML:\n{}",
        broken.join("\n")
    );
}

#[test]
fn the_snippet_check_tells_toml_from_not_toml() {
    assert!(parses("[people.\"王伟\"]"));
    assert!(parses("[\"a\", \"b\"]"));
    assert!(parses("testing.passed = true"));
    assert!(!parses("[people.王伟]"));
    assert!(!parses("\"x y\" = "));
    assert_eq!(
        toml_snippets("add `[people.a]` or set `a = 1`, see `rollback`"),
        ["[people.a]", "a = 1"]
    );
}
