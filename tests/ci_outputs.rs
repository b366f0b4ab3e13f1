//! What a CI run shows besides the findings: the summary line of a run that writes only
//! files, `--deny-warnings` in the summary and in JUnit, Markdown links on GitHub, and the
//! SARIF details code scanning uses (provenance, rule pages, snippets), judged by the real
//! `@microsoft/sarif-multitool` where it is installed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{demo, launchcheck, TempRepo, NOW_ARG};

/// The summary line the demo's JSON totals call for, with `extra` arguments: the tests pin
/// where the line goes and what it adds, not the demo's current counts.
fn expected_summary(extra: &[&str]) -> String {
    let mut args = vec!["-f", "json"];
    args.extend_from_slice(extra);
    let run = check(&demo(), &args, &[]);
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let n = |key: &str| json["summary"][key].as_u64().unwrap_or(0);
    let plural = |count: u64, noun: &str| {
        if count == 1 {
            format!("1 {noun}")
        } else {
            format!("{count} {noun}s")
        }
    };
    let notes = if n("notes") > 0 {
        format!(", {}", plural(n("notes"), "note"))
    } else {
        String::new()
    };
    format!(
        "Found {} and {} in {}{notes} ({} waived).",
        plural(n("errors"), "error"),
        plural(n("warnings"), "warning"),
        plural(json["files_checked"].as_u64().unwrap_or(0), "file"),
        n("waived")
    )
}

/// `launchcheck check` in `dir` at a fixed clock, with no GitHub Actions variables unless
/// `env` sets them.
fn check(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = launchcheck();
    command
        .arg("check")
        .arg(NOW_ARG)
        .args(args)
        .current_dir(dir);
    command.envs(env.iter().copied());
    command.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A copy of the demo in a fresh git repository (one commit) with `origin` set to `remote`,
/// at `subdir` inside it; returns the directory, the launch root and the commit id.
fn demo_repository(subdir: &str, remote: &str) -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join(subdir);
    common::copy_tree(&demo(), &root);
    common::git(dir.path(), &["init", "-q"]);
    common::git(dir.path(), &["remote", "add", "origin", remote]);
    common::git(dir.path(), &["add", "-A"]);
    common::git(dir.path(), &["commit", "-qm", "demo"]);
    let head = common::git(dir.path(), &["rev-parse", "HEAD"]);
    (dir, root, head)
}

// --- the summary line ------------------------------------------------------------------

#[test]
fn a_run_that_writes_only_files_prints_its_summary_on_stderr() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sarif = dir.path().join("out.sarif");
    let spec = format!("sarif={}", sarif.display());
    let run = check(&demo(), &["-f", &spec], &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(run.stdout.is_empty(), "{}", text(&run.stdout));
    assert_eq!(text(&run.stderr), format!("{}\n", expected_summary(&[])));
    assert!(sarif.is_file());

    // --quiet silences it; a format on standard output carries it instead.
    let quiet = check(&demo(), &["-f", &spec, "--quiet"], &[]);
    assert_eq!(text(&quiet.stderr), "");
    let both = check(&demo(), &["-f", &spec, "-f", "concise"], &[]);
    assert_eq!(text(&both.stderr), "");
    assert!(text(&both.stdout).ends_with(&format!("{}\n", expected_summary(&[]))));
}

#[test]
fn with_deny_warnings_the_summary_says_the_warnings_fail_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spec = format!("json={}", dir.path().join("out.json").display());
    // Only the warning (LC207) is selected, so the warning alone decides the exit code.
    let lenient = check(&demo(), &["-f", &spec, "--select", "LC207"], &[]);
    assert_eq!(lenient.status.code(), Some(0));
    let lenient_line = expected_summary(&["--select", "LC207"]);
    assert!(lenient_line.starts_with("Found 0 errors and 1 warning"));
    assert_eq!(text(&lenient.stderr), format!("{lenient_line}\n"));
    let strict = check(
        &demo(),
        &["-f", &spec, "--select", "LC207", "--deny-warnings"],
        &[],
    );
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(
        text(&strict.stderr),
        format!("{lenient_line} The warning fails the run (--deny-warnings).\n")
    );
    for format in ["full", "concise"] {
        let run = check(
            &demo(),
            &["-f", format, "--select", "LC207", "--deny-warnings"],
            &[],
        );
        assert!(
            text(&run.stdout).ends_with("The warning fails the run (--deny-warnings).\n"),
            "{format}: {}",
            text(&run.stdout)
        );
    }
}

// --- JUnit -----------------------------------------------------------------------------

#[test]
fn junit_counts_warnings_as_failures_only_with_deny_warnings() {
    let case = |xml: &str| -> (usize, bool) {
        let doc = roxmltree::Document::parse(xml).expect("XML");
        let case = doc
            .descendants()
            .find(|n| n.attribute("name") == Some("LC207 drill-actions"))
            .expect("the LC207 test case");
        let failures: usize = doc
            .root_element()
            .attribute("failures")
            .and_then(|f| f.parse().ok())
            .expect("failures");
        let in_system_out = case
            .children()
            .find(|n| n.has_tag_name("system-out"))
            .and_then(|n| n.text())
            .is_some_and(|t| t.contains("warning LC207 drill-actions"));
        assert_eq!(
            case.children().any(|n| n.has_tag_name("failure")),
            !in_system_out
        );
        (failures, in_system_out)
    };
    let args = ["-f", "junit", "--select", "LC207"];
    let lenient = check(&demo(), &args, &[]);
    assert_eq!(case(&text(&lenient.stdout)), (0, true));
    let strict = check(&demo(), &[&args[..], &["--deny-warnings"]].concat(), &[]);
    assert_eq!(case(&text(&strict.stdout)), (1, false));
}

// --- Markdown --------------------------------------------------------------------------

#[test]
fn markdown_links_point_at_the_commit_on_github_when_actions_says_where() {
    let (_dir, root, _) = demo_repository("ops/launch repo", "https://github.com/acme/launches");
    let relative = text(&check(&root, &["-f", "markdown"], &[]).stdout);
    assert!(
        relative.contains("](launches/2026/LR-2026-0147.toml#L"),
        "{relative}"
    );
    let github = [
        ("GITHUB_SERVER_URL", "https://github.example.com"),
        ("GITHUB_REPOSITORY", "acme/launches"),
        ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
    ];
    let absolute = text(&check(&root, &["-f", "markdown"], &github).stdout);
    let blob = "https://github.example.com/acme/launches/blob/\
                0123456789abcdef0123456789abcdef01234567/ops/launch%20repo/";
    assert!(
        absolute.contains(&format!("]({blob}launches/2026/LR-2026-0147.toml#L")),
        "{absolute}"
    );
    assert!(!absolute.contains("](launches/"), "{absolute}");
    // The same text otherwise.
    assert_eq!(
        absolute.replace(blob, ""),
        relative,
        "only the link targets differ"
    );
    // One variable missing: relative links.
    let partial = text(&check(&root, &["-f", "markdown"], &github[..2]).stdout);
    assert_eq!(partial, relative);
}

// --- SARIF -----------------------------------------------------------------------------

fn sarif(root: &Path) -> Value {
    let run = check(root, &["-f", "sarif"], &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    serde_json::from_slice(&run.stdout).expect("SARIF is JSON")
}

#[test]
fn sarif_names_the_repository_commit_and_rule_pages_and_quotes_the_source() {
    let (_dir, root, head) = demo_repository("", "git@github.com:acme/launches.git");
    let log = sarif(&root);
    let run = &log["runs"][0];
    assert_eq!(
        run["versionControlProvenance"],
        serde_json::json!([{
            "repositoryUri": "https://github.com/acme/launches",
            "revisionId": head,
            "branch": "main",
            "mappedTo": { "uriBaseId": "%SRCROOT%" }
        }])
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(
        driver["informationUri"],
        "https://github.com/launchcheck/launchcheck"
    );
    let rules = driver["rules"].as_array().expect("rules");
    // The built-in rules come first; the demo's organisation rules follow them.
    assert!(rules.len() > launchcheck::rules::RULES.len());
    for (rule, info) in rules.iter().zip(launchcheck::rules::RULES) {
        let url = launchcheck::docs::page_url(info);
        assert_eq!(rule["helpUri"], url.as_str());
        // The page exists in this checkout, which the tag will hold.
        let page = url
            .split_once(&format!("/blob/v{}/", env!("CARGO_PKG_VERSION")))
            .expect("a tag link")
            .1;
        assert!(common::project(page).is_file(), "{page}");
    }
    // Each region quotes the text it covers.
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        let path = location["artifactLocation"]["uri"].as_str().expect("uri");
        let source = fs::read_to_string(root.join(path)).expect("the file");
        let region = &location["region"];
        let line = |key: &str| region[key].as_u64().expect("a number") as usize;
        let snippet = region["snippet"]["text"].as_str().expect("a snippet");
        let lines: Vec<&str> = source.lines().collect();
        let first: String = lines[line("startLine") - 1]
            .chars()
            .skip(line("startColumn") - 1)
            .collect();
        let mut expected = String::new();
        if line("startLine") == line("endLine") {
            expected = first
                .chars()
                .take(line("endColumn") - line("startColumn"))
                .collect();
        } else {
            expected.push_str(&first);
            for middle in &lines[line("startLine")..line("endLine") - 1] {
                expected.push('\n');
                expected.push_str(middle);
            }
            expected.push('\n');
            expected.extend(
                lines[line("endLine") - 1]
                    .chars()
                    .take(line("endColumn") - 1),
            );
        }
        assert_eq!(snippet, expected, "{path}");
    }
}

#[test]
fn sarif_provenance_drops_credentials_and_describes_a_launch_root_in_a_subdirectory() {
    let (_dir, root, head) = demo_repository(
        "ops/launches",
        "https://builder:s3cret@git.example.com/acme/launch-repo.git",
    );
    let log = sarif(&root);
    let run = &log["runs"][0];
    let text = log.to_string();
    assert!(!text.contains("s3cret"), "no credential in the report");
    assert_eq!(
        run["versionControlProvenance"][0]["repositoryUri"],
        "https://git.example.com/acme/launch-repo"
    );
    assert_eq!(run["versionControlProvenance"][0]["revisionId"], head);
    assert_eq!(
        run["versionControlProvenance"][0]["mappedTo"]["uriBaseId"],
        "REPOROOT"
    );
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
        "ops/launches/"
    );
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uriBaseId"],
        "REPOROOT"
    );

    // Outside a git repository there is nothing to name.
    let plain = TempRepo::demo();
    let log = sarif(plain.path());
    assert!(log["runs"][0].get("versionControlProvenance").is_none());
}

/// The native `Sarif.Multitool` of the npm package `@microsoft/sarif-multitool`, found
/// through node from the global package directory (`$LAUNCHCHECK_SARIF_MULTITOOL` wins).
/// The package's own `sarif-multitool` script hands its arguments to a shell, which splits
/// `--rule-kind "Sarif;Ghas"` at the semicolon, so the binary is run directly.
fn sarif_multitool() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("LAUNCHCHECK_SARIF_MULTITOOL") {
        return Some(PathBuf::from(path));
    }
    let root = Command::new("npm").args(["root", "-g"]).output().ok()?;
    let root = text(&root.stdout).trim().to_owned();
    let found = Command::new("node")
        .args(["-p", "require('@microsoft/sarif-multitool')"])
        .env("NODE_PATH", &root)
        .output()
        .ok()?;
    let path = PathBuf::from(text(&found.stdout).trim());
    (found.status.success() && path.is_file()).then_some(path)
}

#[test]
fn the_sarif_multitool_reports_no_error_and_no_warning_on_the_demo() {
    let Some(multitool) = sarif_multitool() else {
        common::skip_outside_ci(
            "the SARIF multitool is not installed",
            "npm install -g @microsoft/sarif-multitool, or set LAUNCHCHECK_SARIF_MULTITOOL",
        );
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("demo.sarif");
    let output = dir.path().join("validation.sarif");
    // The demo inside this project's clone: provenance with a launch root in a subdirectory.
    let spec = format!("sarif={}", input.display());
    let run = check(&demo(), &["-f", &spec], &[]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    let validate = Command::new(&multitool)
        .args(["validate", "--rule-kind", "Sarif;Ghas"])
        .args(["--level", "Error;Warning;Note", "--output"])
        .arg(&output)
        .arg(&input)
        .env("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
        .output()
        .expect("the multitool runs");
    let report = fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!(
            "no validation log ({e}): {}{}",
            text(&validate.stdout),
            text(&validate.stderr)
        )
    });
    let report: Value = serde_json::from_str(&report).expect("the validation log is JSON");
    let runs = report["runs"].as_array().expect("runs");
    assert!(!runs.is_empty());
    let mut problems = Vec::new();
    let mut notes = 0;
    for run in runs {
        // Notes are advice (Pascal-case rule names, unreachable URIs offline); errors and
        // warnings are what code scanning and the SARIF rules reject. A result without a
        // level is a warning, as SARIF defines it.
        for result in run["results"].as_array().into_iter().flatten() {
            match result["level"].as_str().unwrap_or("warning") {
                "note" | "none" => notes += 1,
                level => problems.push(format!(
                    "{level} {}: {}",
                    result["ruleId"], result["message"]
                )),
            }
        }
        for notification in run["invocations"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|i| {
                i["toolExecutionNotifications"]
                    .as_array()
                    .into_iter()
                    .flatten()
            })
        {
            if notification["level"].as_str().unwrap_or("warning") == "error" {
                problems.push(format!("tool error: {}", notification["message"]));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    // The multitool did judge the file: its advice is there.
    assert!(notes > 0, "no results at all: did it read the log?");
}
