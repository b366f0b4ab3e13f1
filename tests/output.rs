//! The `full`, `concise` and `json` formats on a small fixed repository
//! (`fixtures/scenarios/output/`, its README lists the findings it holds), pinned by
//! snapshots in `tests/snapshots/`; the exact, pinned shape of the JSON document;
//! byte-identical JSON across runs and thread counts; and when `full` uses colour.
//!
//! The runs select the foundation rules plus `launch-window` (LC105, the waived finding), so
//! the snapshots pin the emitters rather than the whole rule catalogue.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod common;
use common::{demo, launchcheck, NOW_ARG};
const SELECT: &str = "--select=LC0,LC105,LC5";

fn scenario() -> PathBuf {
    common::fixture("scenarios/output")
}

/// `check` on `root` with `args`; returns stdout. Findings exit 1, so 0 and 1 are both fine.
fn check_in(mut command: Command, root: &Path, args: &[&str]) -> String {
    let output = command
        .arg("check")
        .arg(NOW_ARG)
        .arg("--root")
        .arg(root)
        .args(args)
        .current_dir(root)
        .output()
        .expect("the binary runs");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "exit {code:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

fn check(root: &Path, args: &[&str]) -> String {
    check_in(launchcheck(), root, args)
}

fn scenario_output(format: &str) -> String {
    check(
        &scenario(),
        &[SELECT, "--color=never", &format!("--format={format}")],
    )
}

#[test]
fn full_format() {
    insta::assert_snapshot!("full", scenario_output("full"));
}

#[test]
fn concise_format() {
    insta::assert_snapshot!("concise", scenario_output("concise"));
}

#[test]
fn json_format() {
    insta::assert_snapshot!("json", scenario_output("json"));
}

#[test]
fn formats_agree_on_findings_and_summary() {
    let json: Value = serde_json::from_str(&scenario_output("json")).expect("JSON");
    let findings = json["findings"].as_array().expect("findings");
    let concise = scenario_output("concise");
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(
        lines.len(),
        findings.len() + 1,
        "one line per finding and the summary"
    );
    for (line, f) in lines.iter().zip(findings) {
        let waived = if f["waiver"].is_null() {
            ""
        } else {
            " (waived)"
        };
        let expected = format!(
            "{}:{}:{}: {} {} {}: {}{waived}",
            f["path"].as_str().unwrap_or(""),
            f["line"],
            f["column"],
            f["level"].as_str().unwrap_or(""),
            f["code"].as_str().unwrap_or(""),
            f["rule"].as_str().unwrap_or(""),
            f["message"].as_str().unwrap_or("")
        );
        assert_eq!(*line, expected);
    }
    // Two duplicate ids and two schema errors; the unused waiver; the waived window.
    let summary = &json["summary"];
    assert_eq!(
        (&summary["errors"], &summary["warnings"], &summary["waived"]),
        (&4.into(), &1.into(), &1.into())
    );
    let expected = "Found 4 errors and 1 warning in 4 files (1 waived).";
    assert_eq!(lines.last().copied(), Some(expected));
    assert!(scenario_output("full").ends_with(&format!("\n{expected}\n")));
}

/// Asserts that an object has exactly these keys (in any order; the snapshot pins the order).
fn assert_keys(value: &Value, expected: &[&str]) {
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    let mut expected = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(keys, expected, "in {value}");
}

#[test]
fn json_has_exactly_the_pinned_shape() {
    let json: Value = serde_json::from_str(&scenario_output("json")).expect("JSON");
    assert_keys(
        &json,
        &[
            "version",
            "tool",
            "now",
            "files_checked",
            "findings",
            "summary",
        ],
    );
    assert_eq!(json["version"], 1);
    assert_keys(&json["tool"], &["name", "version"]);
    assert_eq!(json["tool"]["name"], "launchcheck");
    assert_eq!(json["tool"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["now"], "2026-11-25T00:00:00Z");
    assert_eq!(json["files_checked"], 4, "the four launch requests");
    assert_keys(&json["summary"], &["errors", "warnings", "waived", "notes"]);
    let findings = json["findings"].as_array().expect("findings");
    assert!(!findings.is_empty());
    let mut related_seen = 0;
    let mut waived_seen = 0;
    for f in findings {
        assert_keys(
            f,
            &[
                "rule",
                "code",
                "level",
                "path",
                "line",
                "column",
                "end_line",
                "end_column",
                "message",
                "help",
                "related",
                "waiver",
            ],
        );
        for number in ["line", "column", "end_line", "end_column"] {
            assert!(
                f[number].as_u64().is_some_and(|n| n >= 1),
                "{number} in {f}"
            );
        }
        let start = (f["line"].as_u64(), f["column"].as_u64());
        let end = (f["end_line"].as_u64(), f["end_column"].as_u64());
        assert!(end >= start, "the end precedes the start in {f}");
        assert!(matches!(f["level"].as_str(), Some("error" | "warning")));
        assert!(f["help"].is_string() || f["help"].is_null());
        for r in f["related"].as_array().expect("related is an array") {
            assert_keys(r, &["path", "line", "column", "message"]);
            related_seen += 1;
        }
        if !f["waiver"].is_null() {
            let w = &f["waiver"];
            assert_eq!(w["approved_by"], "carol");
            assert_eq!(w["expires"], "2026-12-01");
            assert!(w["reason"].is_string());
            waived_seen += 1;
        }
    }
    assert_eq!(related_seen, 2, "the duplicate-id pair");
    assert_eq!(waived_seen, 1);
    assert_eq!(json["summary"]["waived"], 1);
}

#[test]
fn json_is_byte_identical_across_runs_and_thread_counts() {
    for root in [scenario(), demo()] {
        let first = check(&root, &["--format=json"]);
        for _ in 0..2 {
            assert_eq!(
                check(&root, &["--format=json"]),
                first,
                "{}",
                root.display()
            );
        }
        let one = check(&root, &["--format=json", "--jobs=1"]);
        let two = check(&root, &["--format=json", "--jobs=2"]);
        assert_eq!(one, first, "{}: --jobs 1", root.display());
        assert_eq!(two, first, "{}: --jobs 2", root.display());
    }
}

#[test]
fn full_uses_colour_only_when_asked_or_forced() {
    const ESCAPE: &str = "\u{1b}[";
    let root = scenario();
    let run = |color: &str, env: &[(&str, &str)]| {
        let mut command = launchcheck();
        command.env_remove("NO_COLOR");
        for (name, value) in env {
            command.env(name, value);
        }
        check_in(command, &root, &[SELECT, &format!("--color={color}")])
    };
    assert!(run("always", &[]).contains(ESCAPE));
    assert!(!run("never", &[("CLICOLOR_FORCE", "1")]).contains(ESCAPE));
    // Standard output is a pipe here, so `auto` means no colour unless forced.
    assert!(!run("auto", &[]).contains(ESCAPE));
    assert!(run("auto", &[("CLICOLOR_FORCE", "1")]).contains(ESCAPE));
    assert!(!run("auto", &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(ESCAPE));
    assert!(!run("auto", &[("CLICOLOR_FORCE", "0")]).contains(ESCAPE));

    // A report written to a file never holds escapes.
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("report.txt");
    check(
        &root,
        &[
            SELECT,
            "--color=always",
            &format!("--format=full={}", file.display()),
        ],
    );
    let written = std::fs::read_to_string(&file).expect("report written");
    assert!(written.contains("LC004 duplicate-id"));
    assert!(!written.contains(ESCAPE));
}
