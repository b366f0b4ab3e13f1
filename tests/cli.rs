//! The command line through the real binary: exit codes (0 clean, 1 findings, 2 the tool
//! could not do its job), configuration and policy errors with spans, `--select`/`--ignore`,
//! `--exit-zero`, `--deny-warnings`, the `rule`, `schema` and `policy` commands, config
//! discovery, explicit paths, and a quiet exit on a broken pipe.
//!
//! Each test builds a small launch repository in a temporary directory, so the input it
//! judges is written out next to the expectation.

use std::fs;
use std::process::Command;

use launchcheck::rules::RULES;
use serde_json::Value;

mod common;
use common::{hermetic, launchcheck, Run, TempRepo, NOW_ARG};

/// A low-risk launch request that every rule of the default policy accepts at `NOW`:
/// submitted well ahead, a two-hour window in the future, steps and a rollback that fit.
const CLEAN_LAUNCH: &str = r#"kind = "launch-request"
id = "LR-2026-0201"
title = "Search API 1.4.2: ranking tweak"
services = ["search-api"]
change_type = "normal"
risk = "low"
status = "submitted"
requester = "alice"
submitted_at = 2026-11-20T09:00:00+08:00

[window]
start = 2026-12-01T02:00:00+08:00
end = 2026-12-01T04:00:00+08:00

[[steps]]
action = "Deploy 1.4.2 to all search-api pods"
owner = "bob"
minutes = 20

[rollback]
steps = ["Redeploy 1.4.1"]
minutes = 10
owner = "bob"
"#;

/// A waiver block that is valid at `NOW` (approved by someone other than the requester,
/// expiring within 90 days) for a rule the clean launch does not break: LC503 reports it.
const UNUSED_WAIVER: &str = r#"
[[waivers]]
rule = "freeze-window"
reason = "Copied from the template"
approved_by = "carol"
expires = 2026-12-01
"#;

fn clean_repo() -> TempRepo {
    TempRepo::plain().with("launches/LR-2026-0201.toml", CLEAN_LAUNCH)
}

/// The clean launch plus one with a schema error (LC003) and the unused waiver (LC503).
fn repo_with_error_and_warning() -> TempRepo {
    let broken = CLEAN_LAUNCH
        .replace("LR-2026-0201", "LR-2026-0202")
        .replace("search-api", "search-indexer")
        .replace("risk = \"low\"", "risk = \"lwo\"");
    TempRepo::plain()
        .with(
            "launches/LR-2026-0201.toml",
            format!("{CLEAN_LAUNCH}{UNUSED_WAIVER}"),
        )
        .with("launches/LR-2026-0202.toml", &broken)
}

// ---- exit codes -------------------------------------------------------------------------

#[test]
fn a_clean_repository_exits_0() {
    let run = clean_repo().check_at_now(&["--format=concise"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.stdout,
        "Found 0 errors and 0 warnings in 1 file (0 waived).\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn error_findings_exit_1() {
    let repo = clean_repo().with(
        "launches/LR-2026-0201.toml",
        CLEAN_LAUNCH.replace("risk = \"low\"", "risk = low"),
    );
    let run = repo.check_at_now(&["--format=concise"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .starts_with("launches/LR-2026-0201.toml:6:8: error LC001 toml-syntax: "),
        "{}",
        run.stdout
    );
}

#[test]
fn bad_usage_exits_2() {
    let repo = clean_repo();
    for args in [
        &["check", "--no-such-flag"][..],
        &["check", NOW_ARG, "--format=xml"],
        &["check", "--now=next tuesday"],
        &["check", NOW_ARG, "--color=sometimes"],
        &["frobnicate"],
        &["schema", "launch-requests"],
        &["rule", "no-such-rule"],
    ] {
        let run = repo.run(args);
        assert_eq!(run.code, 2, "{args:?}: {}{}", run.stdout, run.stderr);
        assert!(!run.stderr.is_empty(), "{args:?} says nothing on stderr");
        assert_eq!(run.stdout, "", "{args:?} wrote to stdout");
    }
    let run = repo.run(&["schema", "launch-requests"]);
    assert!(
        run.stderr.contains("did you mean `launch-request`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn help_and_version_exit_0() {
    for args in [&["--help"][..], &["check", "--help"], &["--version"]] {
        let run = TempRepo::plain().run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
    }
}

#[test]
fn a_bad_config_exits_2_and_points_at_the_key() {
    let repo = clean_repo().with(
        "launchcheck.toml",
        "[files]\ninclde = [\"launches/*.toml\"]\n",
    );
    let run = repo.check_at_now(&[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.contains("unknown key `inclde` in `files`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("[launchcheck.toml:2:1]"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `include`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: the configuration `launchcheck.toml` has 1 problem"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_config_syntax_error_or_bad_time_zone_exits_2_with_its_position() {
    let run = clean_repo()
        .with("launchcheck.toml", "[files\n")
        .check_at_now(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("[launchcheck.toml:1:1]")
            && run.stderr.contains("this table header is never closed"),
        "{}",
        run.stderr
    );

    let run = clean_repo()
        .with("launchcheck.toml", "[time]\ntimezone = \"Mars/Olympus\"\n")
        .check_at_now(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("`Mars/Olympus`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("[launchcheck.toml:2:12]"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_policy_exits_2_and_points_at_the_key() {
    // (policy text, position of the offending key or value, words of the message)
    let cases = [
        (
            "kind = \"policy\"\n\n[rules.dril-recency]\nmax_age_days = 90\n",
            "[policies/org.toml:3:8]",
            "unknown key `dril-recency` in `rules`",
        ),
        (
            "kind = \"policy\"\n\n[rules.drill-recency]\nmax_age_dys = 90\n",
            "[policies/org.toml:4:1]",
            "unknown key `max_age_dys` in `rules.drill-recency`",
        ),
        (
            "kind = \"policy\"\n\n[rules.drill-recency]\nmax_age_days = \"90\"\n",
            "[policies/org.toml:4:16]",
            "expected an integer in `rules.drill-recency.max_age_days`, found a string",
        ),
        (
            "kind = \"policy\"\n\n[rules.drill-recency]\nlevel = \"fatal\"\n",
            "[policies/org.toml:4:9]",
            "`\"fatal\"` is not a valid value in `rules.drill-recency.level`",
        ),
    ];
    for (policy, position, message) in cases {
        let run = clean_repo()
            .with("policies/org.toml", policy)
            .check_at_now(&[]);
        assert_eq!(run.code, 2, "{policy}: {}{}", run.stdout, run.stderr);
        assert_eq!(run.stdout, "", "{policy}");
        assert!(
            run.stderr.contains(position),
            "{policy}: wanted {position} in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(message),
            "{policy}: wanted {message} in\n{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("error: the policy has 1 problem"),
            "{}",
            run.stderr
        );
    }
    let run = clean_repo()
        .with(
            "policies/org.toml",
            "kind = \"policy\"\n[rules.dril-recency]\n",
        )
        .check_at_now(&[]);
    assert!(
        run.stderr.contains("did you mean `drill-recency`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn matching_nothing_exits_2_unless_allowed() {
    let repo = TempRepo::plain().with("notes/readme.toml", "x = 1\n");
    let run = repo.check_at_now(&[]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("no launch request or response plan matched"),
        "{}",
        run.stderr
    );

    let run = repo.check_at_now(&["--allow-empty", "--format=json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["files_checked"], 0);

    // A roster alone is not something to check either.
    let repo = repo.with(
        "people.toml",
        "kind = \"roster\"\n[people.alice]\nname = \"Alice\"\n",
    );
    assert_eq!(repo.check_at_now(&[]).code, 2);
}

#[test]
fn exit_zero_keeps_the_findings_but_not_the_tool_errors() {
    let repo = repo_with_error_and_warning();
    let run = repo.check_at_now(&["--exit-zero", "--format=concise"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("error LC003 schema"), "{}", run.stdout);
    assert_eq!(repo.check_at_now(&["--exit-zero", "--select=LC9"]).code, 2);
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let repo = clean_repo().with(
        "launches/LR-2026-0201.toml",
        format!("{CLEAN_LAUNCH}{UNUSED_WAIVER}"),
    );
    let run = repo.check_at_now(&["--format=json"]);
    assert_eq!(run.codes(), ["LC503"]);
    assert_eq!(run.code, 0);
    assert_eq!(repo.check_at_now(&["--deny-warnings"]).code, 1);
    assert_eq!(
        repo.check_at_now(&["--deny-warnings", "--exit-zero"]).code,
        0
    );
}

// ---- --select / --ignore ------------------------------------------------------------------

#[test]
fn select_and_ignore_take_names_codes_and_prefixes() {
    let repo = repo_with_error_and_warning();
    let all = repo.check_at_now(&["--format=json"]);
    assert_eq!(
        all.codes(),
        ["LC503", "LC003"],
        "sorted by path: the waiver is in 0201"
    );
    assert_eq!(all.code, 1);
    let cases: [(&[&str], &[&str], i32); 9] = [
        (&["--select=schema"], &["LC003"], 1),
        (&["--select=LC003"], &["LC003"], 1),
        (&["--select=lc0"], &["LC003"], 1),
        (&["--select=LC5"], &["LC503"], 0),
        (&["--select=waiver-unused"], &["LC503"], 0),
        (&["--select=waiver-unused,schema"], &["LC503", "LC003"], 1),
        (&["--ignore=schema"], &["LC503"], 0),
        (&["--select=LC0,LC5", "--ignore=LC503"], &["LC003"], 1),
        (&["--ignore=LC0", "--ignore=LC5"], &[], 0),
    ];
    for (args, codes, exit) in cases {
        let mut with_format = args.to_vec();
        with_format.push("--format=json");
        let run = repo.check_at_now(&with_format);
        assert_eq!(run.codes(), codes, "{args:?}");
        assert_eq!(run.code, exit, "{args:?}");
    }
}

#[test]
fn an_unknown_selector_exits_2_with_a_suggestion() {
    let repo = clean_repo();
    let run = repo.check_at_now(&["--select=drill-recncy"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("`drill-recncy` names no rule"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `drill-recency`?"),
        "{}",
        run.stderr
    );
    for selector in [
        "--select=LC9",
        "--ignore=LC0001",
        "--ignore=nothing-like-a-rule",
    ] {
        assert_eq!(repo.check_at_now(&[selector]).code, 2, "{selector}");
    }
}

// ---- rule, schema, policy ----------------------------------------------------------------

#[test]
fn rule_explains_a_rule_by_name_or_code() {
    let repo = TempRepo::plain();
    let by_name = repo.run(&["rule", "drill-recency"]);
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert!(
        by_name.stdout.starts_with("# LC202 drill-recency\n"),
        "{}",
        by_name.stdout
    );
    for section in [
        "## What it checks",
        "## Why it matters",
        "## Parameters",
        "## Failing example",
        "## Passing example",
    ] {
        assert!(by_name.stdout.contains(section), "no {section}");
    }
    assert_eq!(repo.run(&["rule", "LC202"]).stdout, by_name.stdout);
    assert_eq!(repo.run(&["rule", "lc202"]).stdout, by_name.stdout);

    let json: Value =
        serde_json::from_str(&repo.run(&["rule", "schema", "--format=json"]).stdout).expect("JSON");
    assert_eq!(json["code"], "LC003");
    assert_eq!(json["waivable"], false);
}

#[test]
fn rule_all_lists_every_registered_rule_in_code_order() {
    let run = TempRepo::plain().run(&["rule", "--all"]);
    assert_eq!(run.code, 0);
    let headers: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("# LC"))
        .collect();
    let expected: Vec<String> = RULES
        .iter()
        .map(|r| format!("# {} {}", r.code, r.name))
        .collect();
    assert_eq!(headers, expected);
    let json: Value = serde_json::from_str(
        &TempRepo::plain()
            .run(&["rule", "--all", "--format=json"])
            .stdout,
    )
    .expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(RULES.len()));
}

#[test]
fn rule_without_a_name_lists_one_line_per_rule() {
    let run = TempRepo::plain().run(&["rule"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), RULES.len(), "{}", run.stdout);
    for (line, rule) in lines.iter().zip(RULES) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let waivable = if rule.is_waivable() { "yes" } else { "no" };
        assert_eq!(
            words[..5],
            [
                rule.code,
                rule.name,
                rule.default_level.as_str(),
                "waivable:",
                waivable
            ],
            "{line}"
        );
        assert!(line.ends_with(&rule.summary()), "{line}");
    }
    let markdown = TempRepo::plain().run(&["rule", "--format=markdown"]);
    assert_eq!(markdown.stdout.lines().count(), RULES.len() + 2);
    assert!(markdown
        .stdout
        .contains("| LC001 | `toml-syntax` | error | no | Every file parses as TOML. |"));
}

#[test]
fn waivable_agrees_between_rule_and_the_default_policy() {
    let repo = TempRepo::plain();
    let policy: toml::Table = repo
        .run(&["policy", "--default"])
        .stdout
        .parse()
        .expect("the default policy is TOML");
    let listed: Vec<Value> =
        serde_json::from_str(&repo.run(&["rule", "--format=json"]).stdout).expect("JSON");
    let mut contradictions = Vec::new();
    for rule in &listed {
        let name = rule["name"].as_str().expect("name");
        let said = rule["waivable"].as_bool().expect("waivable");
        let in_policy = policy["rules"]
            .get(name)
            .and_then(|r| r.get("waivable"))
            .and_then(toml::Value::as_bool);
        if in_policy.is_some_and(|p| p != said) {
            contradictions.push(format!("{name}: rule says {said}, policy {in_policy:?}"));
        }
    }
    assert!(contradictions.is_empty(), "{contradictions:#?}");
}

#[test]
fn a_policy_cannot_make_a_waiver_rule_waivable() {
    let run = clean_repo()
        .with(
            "policies/org.toml",
            "kind = \"policy\"\n[rules.waiver-unused]\nwaivable = true\n",
        )
        .check_at_now(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`true` must be `false`"),
        "{}",
        run.stderr
    );
}

#[test]
fn schema_and_policy_commands_print_and_exit_0() {
    let repo = TempRepo::plain();
    let run = repo.run(&["schema", "config"]);
    assert_eq!(run.code, 0);
    let schema: Value = serde_json::from_str(&run.stdout).expect("the schema is JSON");
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let run = repo.run(&["policy", "--default"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("kind = \"policy\""));
}

// ---- configuration, paths, time ----------------------------------------------------------

#[test]
fn the_config_is_found_from_a_subdirectory_or_named_explicitly() {
    let repo = TempRepo::plain()
        .with(
            "launchcheck.toml",
            "[files]\ninclude = [\"requests/**/*.toml\"]\n",
        )
        .with("requests/2026/LR-2026-0201.toml", CLEAN_LAUNCH)
        .with("launches/ignored.toml", "not toml at all");
    let run = repo.run_in("requests/2026", &["check", NOW_ARG, "--format=json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["files_checked"], 1);

    // --config names a file elsewhere; the root is its directory.
    let elsewhere = TempRepo::plain().with(
        "ci/launchcheck.toml",
        "[files]\ninclude = [\"launches/*.toml\"]\n",
    );
    let config = elsewhere.path().join("ci/launchcheck.toml");
    let config = config.to_str().expect("UTF-8 path");
    let run = repo.run(&[
        "check",
        NOW_ARG,
        "--root=.",
        "--config",
        config,
        "--format=json",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["findings"][0]["path"], "launches/ignored.toml");

    let run: Run = launchcheck()
        .args(["check", NOW_ARG, "--root=.", "--format=json"])
        .env("LAUNCHCHECK_CONFIG", config)
        .current_dir(repo.path())
        .output()
        .expect("runs")
        .into();
    assert_eq!(run.json()["findings"][0]["path"], "launches/ignored.toml");
}

#[test]
fn explicit_paths_report_on_those_files_with_the_whole_repository_as_context() {
    let copy = CLEAN_LAUNCH.replace("search-api", "search-indexer");
    let repo = clean_repo().with("launches/LR-2026-0202.toml", &copy).with(
        "launches/LR-2026-0203.toml",
        "kind = \"launch-request\"\nid = oops\n",
    );
    let all = repo.check_at_now(&["--format=json"]);
    assert_eq!(all.codes(), ["LC004", "LC004", "LC001"]);

    // The duplicate id is only found because 0201 is loaded as context; 0203's syntax error
    // is not about the named file, so it is not reported. 0201's own LC004 finding stays:
    // its related span is in the named file, which caused it.
    let run = repo.check_at_now(&["--format=json", "launches/LR-2026-0202.toml"]);
    let json = run.json();
    let findings = json["findings"].as_array().expect("findings");
    let places: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or(""),
                f["related"][0]["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("launches/LR-2026-0201.toml", "launches/LR-2026-0202.toml"),
            ("launches/LR-2026-0202.toml", "launches/LR-2026-0201.toml"),
        ]
    );
    assert_eq!(run.code, 1);
    let only_broken = repo.check_at_now(&["--format=json", "launches/LR-2026-0203.toml"]);
    assert_eq!(only_broken.codes(), ["LC001"]);
}

#[test]
fn now_is_parsed_with_the_configured_zone_and_echoed() {
    let repo = clean_repo();
    assert_eq!(
        repo.check_at_now(&["--format=json"]).json()["now"],
        "2026-11-25T00:00:00Z"
    );
    let repo = repo.with("launchcheck.toml", "[time]\ntimezone = \"Asia/Shanghai\"\n");
    let run = repo.run(&["check", "--now=2026-11-25", "--format=json"]);
    assert_eq!(
        run.json()["now"],
        "2026-11-24T16:00:00Z",
        "midnight in Shanghai"
    );
    let run: Run = launchcheck()
        .args(["check", "--format=json"])
        .env("LAUNCHCHECK_NOW", "2026-11-25T09:30:00+08:00")
        .current_dir(repo.path())
        .output()
        .expect("runs")
        .into();
    assert_eq!(run.json()["now"], "2026-11-25T01:30:00Z");
}

#[test]
fn a_waiver_is_valid_through_its_expiry_day_in_the_configured_zone() {
    // Expires at the end of 2026-11-30 in Shanghai, which is 2026-11-30T16:00:00Z.
    let launch = format!(
        "{CLEAN_LAUNCH}{}",
        UNUSED_WAIVER.replace("2026-12-01", "2026-11-30")
    );
    let repo = clean_repo()
        .with("launchcheck.toml", "[time]\ntimezone = \"Asia/Shanghai\"\n")
        .with("launches/LR-2026-0201.toml", &launch);
    let last_second = repo.run(&["check", "--now=2026-11-30T15:59:59Z", "--format=json"]);
    assert_eq!(
        last_second.codes(),
        ["LC503"],
        "still valid, so judged as unused"
    );
    let next_day = repo.run(&["check", "--now=2026-11-30T16:00:00Z", "--format=json"]);
    assert_eq!(next_day.codes(), ["LC501"]);
    let json = next_day.json();
    assert_eq!(json["findings"][0]["line"], 29, "at `expires`");
    assert_eq!(json["findings"][0]["column"], 11);
}

#[test]
fn the_waivers_of_a_cancelled_request_are_not_judged() {
    // Rejected and cancelled requests are records: an expired waiver in one is
    // history, not a problem. The same waiver in an active request is reported.
    let expired = UNUSED_WAIVER.replace("2026-12-01", "2026-11-01");
    let active = format!("{CLEAN_LAUNCH}{expired}");
    let repo = clean_repo().with("launches/LR-2026-0201.toml", &active);
    assert_eq!(repo.check_at_now(&["--format=json"]).codes(), ["LC501"]);
    let cancelled = active.replace("status = \"submitted\"", "status = \"cancelled\"");
    let repo = clean_repo().with("launches/LR-2026-0201.toml", &cancelled);
    let run = repo.check_at_now(&["--format=json"]);
    assert_eq!(run.codes(), Vec::<String>::new());
    assert_eq!(run.code, 0);
}

// ---- output destinations, quiet, broken pipe ---------------------------------------------

#[test]
fn formats_go_to_stdout_or_files_and_quiet_drops_the_summary() {
    let repo = repo_with_error_and_warning();
    let report = repo.path().join("report.json");
    let target = format!("--format=json={}", report.display());
    let run = repo.check_at_now(&["--format=concise", &target, "-q"]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stdout.lines().count(),
        2,
        "two findings and no summary:\n{}",
        run.stdout
    );
    assert!(!run.stdout.contains("Found "));
    let written: Value =
        serde_json::from_str(&fs::read_to_string(report).expect("report written")).expect("JSON");
    assert_eq!(written["summary"]["errors"], 1);
    assert_eq!(written["summary"]["warnings"], 1);
}

#[cfg(unix)]
#[test]
fn a_broken_pipe_ends_the_run_quietly() {
    // Enough findings that the report is far larger than a pipe's buffer: the reader has
    // gone long before the writer is done.
    let mut repo = TempRepo::plain();
    for i in 0..1000 {
        repo = repo.with(
            &format!("launches/LR-{i:04}.toml"),
            "kind = \"launch-request\"\nid = oops\n",
        );
    }
    for format in ["json", "full", "concise"] {
        let script = format!(
            "\"$0\" check {NOW_ARG} --format={format} | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}"
        );
        let output = hermetic(Command::new("bash"))
            .arg("-c")
            .arg(&script)
            .arg(common::binary())
            .current_dir(repo.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        let code = output.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{format}: exit {code:?}: {stderr}"
        );
        assert_eq!(stderr, "", "{format}: not quiet");
    }
}

#[cfg(unix)]
#[test]
fn a_link_leaving_the_repository_is_unreadable() {
    let outside = tempfile::tempdir().expect("temporary directory");
    fs::write(outside.path().join("secret.toml"), CLEAN_LAUNCH).expect("write");
    let repo = clean_repo();
    std::os::unix::fs::symlink(
        outside.path().join("secret.toml"),
        repo.path().join("launches/link.toml"),
    )
    .expect("symlink");
    // A link that stays inside is fine.
    std::os::unix::fs::symlink("LR-2026-0201.toml", repo.path().join("launches/alias.toml"))
        .expect("symlink");
    let run = repo.check_at_now(&["--select=LC005", "--format=json"]);
    let json = run.json();
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "launches/link.toml");
    assert!(
        findings[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("outside the repository")),
        "{}",
        findings[0]["message"]
    );
    assert_eq!(run.code, 1);
}

#[test]
fn the_test_harness_drops_launchcheck_settings_from_the_environment() {
    // What a developer's shell or CI job may export: without the common environment the
    // run reads a configuration that does not exist.
    let repo = clean_repo();
    let exported = || {
        let mut command = Command::new(common::binary());
        command
            .env("LAUNCHCHECK_CONFIG", "missing.toml")
            .env("LAUNCHCHECK_FORMAT", "json")
            .args(["check", NOW_ARG])
            .current_dir(repo.path());
        command
    };
    let leaked: Run = exported().output().expect("runs").into();
    assert_eq!(leaked.code, 2, "{}", leaked.stderr);

    let run: Run = hermetic(exported()).output().expect("runs").into();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "Found 0 errors and 0 warnings in 1 file (0 waived).\n"
    );
}
