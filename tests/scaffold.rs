//! `launchcheck init`, `new` and `hook install`: what they write, that the scaffold passes
//! its own check, and that none of them replaces a file it did not write.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::{git, TempRepo, NOW};

/// The binary in `dir`; the common environment pins `TZ`, which `init` writes into the
/// configuration and dates the samples by.
fn launchcheck(dir: &Path, args: &[&str]) -> Output {
    common::launchcheck()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("launchcheck runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn summary(output: &Output) -> Value {
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON ({e}): {}", text(&output.stderr)));
    json["summary"].clone()
}

#[test]
fn init_scaffolds_a_repository_that_passes_its_own_check() {
    let dir = TempRepo::plain();
    let out = launchcheck(dir.path(), &["init", "repo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let root = dir.path().join("repo");
    for file in [
        "launchcheck.toml",
        "people.toml",
        "policies/org.toml",
        "policies/ticket.rego",
        "policies/ticket_test.rego",
        "launches/LR-EXAMPLE-0001.toml",
        "plans/RP-example.toml",
        ".launchcheck/schemas/launch-request.schema.json",
        ".launchcheck/schemas/response-plan.schema.json",
        ".launchcheck/schemas/roster.schema.json",
        ".launchcheck/schemas/policy.schema.json",
        ".launchcheck/schemas/config.schema.json",
        ".taplo.toml",
    ] {
        assert!(root.join(file).is_file(), "{file} missing");
        assert!(text(&out.stdout).contains(&format!(
            "created {}",
            Path::new("repo").join(file).display()
        )));
    }
    // The schemas are the embedded ones, and the sample points at its schema.
    let schema = launchcheck(dir.path(), &["schema", "launch-request"]);
    assert_eq!(
        fs::read(root.join(".launchcheck/schemas/launch-request.schema.json")).expect("read"),
        schema.stdout
    );
    let sample = fs::read_to_string(root.join("launches/LR-EXAMPLE-0001.toml")).expect("read");
    assert!(sample.starts_with("#:schema ../.launchcheck/schemas/launch-request.schema.json\n"));

    // Every rule passes, today (the sample's dates are relative to when init ran) …
    let check = launchcheck(&root, &["check", "--format", "json"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    assert_eq!(
        summary(&check),
        serde_json::json!({"errors": 0, "warnings": 0, "waived": 0, "notes": 0})
    );

    // The example organisation rule is listed, and its tests pass.
    let rules = launchcheck(&root, &["rule"]);
    assert!(text(&rules.stdout).contains("ticket/missing-ticket"));
    let tests = launchcheck(&root, &["policy", "test"]);
    assert_eq!(tests.status.code(), Some(0), "{}", text(&tests.stdout));
    assert!(text(&tests.stdout).contains("PASS: 3/3"));

    // … and at any fixed time the scaffold was made for.
    let fixed = dir.path().join("fixed");
    let out = launchcheck(
        dir.path(),
        &["init", "fixed", "--now", "2026-12-24T12:00:00+08:00"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sample = fs::read_to_string(fixed.join("launches/LR-EXAMPLE-0001.toml")).expect("read");
    assert!(sample.contains("start = 2027-01-07T02:00:00Z"), "{sample}");
    let check = launchcheck(
        &fixed,
        &[
            "check",
            "--format",
            "json",
            "--now",
            "2026-12-24T12:00:00+08:00",
        ],
    );
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        text(&check.stdout),
        text(&check.stderr)
    );
    assert_eq!(
        summary(&check),
        serde_json::json!({"errors": 0, "warnings": 0, "waived": 0, "notes": 0})
    );
}

#[test]
fn init_keeps_existing_files() {
    let dir = TempRepo::plain();
    fs::write(dir.path().join("people.toml"), "# mine\n").expect("write");
    let out = launchcheck(dir.path(), &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        fs::read_to_string(dir.path().join("people.toml")).expect("read"),
        "# mine\n"
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("kept    ./people.toml"), "{stdout}");
    assert!(stdout.contains("created ./launchcheck.toml"), "{stdout}");

    // A second run creates nothing and changes nothing.
    fs::write(dir.path().join("launches/LR-EXAMPLE-0001.toml"), "edited\n").expect("write");
    let again = launchcheck(dir.path(), &["init"]);
    assert!(again.status.success());
    assert!(
        !text(&again.stdout).contains("created"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("launches/LR-EXAMPLE-0001.toml")).expect("read"),
        "edited\n"
    );

    fs::write(dir.path().join("file"), "").expect("write");
    let on_file = launchcheck(dir.path(), &["init", "file"]);
    assert_eq!(on_file.status.code(), Some(2));
}

#[test]
fn new_writes_numbered_schema_valid_documents_and_never_overwrites() {
    let dir = TempRepo::plain();
    let root = dir.path();
    fs::write(root.join("launchcheck.toml"), "").expect("write");
    let now = NOW;
    for expected in ["launches/LR-2026-0001.toml", "launches/LR-2026-0002.toml"] {
        let out = launchcheck(root, &["new", "launch", "--now", now]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            root.join(expected).is_file(),
            "{expected}: {}",
            text(&out.stdout)
        );
    }
    let out = launchcheck(root, &["new", "plan", "--id", "RP-search", "--now", now]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let plan = fs::read_to_string(root.join("plans/RP-search.toml")).expect("read");
    assert!(plan.starts_with("#:schema ../.launchcheck/schemas/response-plan.schema.json\n"));
    assert!(plan.contains("id = \"RP-search\""));
    let out = launchcheck(root, &["new", "incident", "--now", now]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let incident = fs::read_to_string(root.join("incidents/INC-2026-0001.toml")).expect("read");
    assert!(incident.starts_with("#:schema ../.launchcheck/schemas/incident.schema.json\n"));
    assert!(incident.contains("kind = \"incident\""));
    // An incident id already taken is refused too.
    let out = launchcheck(
        root,
        &["new", "incident", "--id", "INC-2026-0001", "--out", "-"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));

    // Templates are valid documents: only the rules complain about the TODOs.
    let check = launchcheck(
        root,
        &["check", "--format", "json", "--now", now, "--select", "LC0"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
    let all = launchcheck(root, &["check", "--format", "concise", "--now", now]);
    assert_eq!(all.status.code(), Some(1), "the TODOs are findings");

    // Never overwrites, neither by id nor by --out.
    fs::write(root.join("launches/LR-2026-0002.toml"), "mine\n").expect("write");
    let out = launchcheck(root, &["new", "launch", "--id", "LR-2026-0002"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    let out = launchcheck(
        root,
        &["new", "plan", "--out", "launches/LR-2026-0002.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(root.join("launches/LR-2026-0002.toml")).expect("read"),
        "mine\n"
    );

    let out = launchcheck(root, &["new", "launch", "--id", "not an id"]);
    assert_eq!(out.status.code(), Some(2));

    // An id already taken is refused, wherever the new file would go, naming the file.
    let out = launchcheck(
        root,
        &[
            "new",
            "launch",
            "--id",
            "LR-2026-0001",
            "--out",
            "launches/2026/x.toml",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("launches/LR-2026-0001.toml"),
        "{}",
        text(&out.stderr)
    );
    assert!(!root.join("launches/2026/x.toml").exists());

    let out = launchcheck(root, &["new", "launch", "--out", "-", "--id", "LR-X"]);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("id = \"LR-X\""));
    assert!(!root.join("launches/LR-X.toml").exists());
}

#[test]
fn hook_install_writes_its_hook_and_refuses_to_replace_another() {
    let dir = TempRepo::plain();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let hook = root.join(".git/hooks/pre-commit");

    let out = launchcheck(root, &["hook", "install"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = fs::read_to_string(&hook).expect("hook written");
    assert!(script.starts_with("#!/bin/sh\n"));
    assert!(script.contains("# launchcheck-managed-hook"));
    assert!(script.contains("launchcheck check --staged"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&hook).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o111, 0o111, "executable");
    }

    // Running it again replaces its own hook.
    let again = launchcheck(root, &["hook", "install"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(text(&again.stdout).starts_with("updated "));

    // Someone else's hook is left alone.
    fs::write(&hook, "#!/bin/sh\nmake lint\n").expect("write");
    let refused = launchcheck(root, &["hook", "install"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("not written by launchcheck"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(
        fs::read_to_string(&hook).expect("read"),
        "#!/bin/sh\nmake lint\n"
    );
}

#[test]
fn hook_install_honours_core_hooks_path_and_a_launch_root_in_a_subdirectory() {
    let dir = TempRepo::plain();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["config", "core.hooksPath", "githooks"]);
    fs::create_dir_all(root.join("ops")).expect("mkdir");
    fs::write(root.join("ops/launchcheck.toml"), "").expect("write");
    let out = launchcheck(&root.join("ops"), &["hook", "install"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script =
        fs::read_to_string(root.join("githooks/pre-commit")).expect("hook in core.hooksPath");
    assert!(
        script.contains("launchcheck check --staged --allow-empty --root 'ops'"),
        "{script}"
    );
    assert!(!root.join(".git/hooks/pre-commit").exists());
}

#[test]
fn hook_install_outside_a_git_repository_is_a_tool_error() {
    let dir = TempRepo::plain();
    let out = launchcheck(dir.path(), &["hook", "install"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not in a git repository"),
        "{}",
        text(&out.stderr)
    );
}

fn init_with_tz(dir: &Path, tz: &str) -> Output {
    common::launchcheck()
        .arg("init")
        .current_dir(dir)
        .env("TZ", tz)
        .output()
        .expect("launchcheck runs")
}

#[test]
fn init_writes_the_system_time_zone_into_the_config() {
    let dir = TempRepo::plain();
    let out = init_with_tz(dir.path(), "Asia/Shanghai");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = fs::read_to_string(dir.path().join("launchcheck.toml")).expect("read");
    assert!(
        config.contains("\ntimezone = \"Asia/Shanghai\""),
        "{config}"
    );
    assert!(
        text(&out.stdout).contains("[time].timezone = \"Asia/Shanghai\""),
        "{}",
        text(&out.stdout)
    );
    // The samples are dated by that zone's calendar and pass there.
    let check = launchcheck(dir.path(), &["check", "--format", "json"]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));

    // A zone with no IANA name (a POSIX TZ rule): UTC, and a note that says so.
    let other = TempRepo::plain();
    let out = init_with_tz(other.path(), "XYZ-3");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = fs::read_to_string(other.path().join("launchcheck.toml")).expect("read");
    assert!(config.contains("\ntimezone = \"UTC\""), "{config}");
    assert!(
        text(&out.stderr).contains("could not tell the system's time zone"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn init_again_recreates_no_deleted_sample_and_refreshes_outdated_schemas() {
    let dir = TempRepo::plain();
    let root = dir.path();
    let first = launchcheck(root, &["init"]);
    assert!(first.status.success(), "{}", text(&first.stderr));

    // The user replaces the samples with real documents and drops the roster …
    fs::remove_file(root.join("launches/LR-EXAMPLE-0001.toml")).expect("remove");
    fs::remove_file(root.join("plans/RP-example.toml")).expect("remove");
    fs::remove_file(root.join("people.toml")).expect("remove");
    // … and an older launchcheck wrote this schema.
    let schema = root.join(".launchcheck/schemas/launch-request.schema.json");
    fs::write(&schema, "{\"old\": true}\n").expect("write");
    let current = launchcheck(root, &["schema", "launch-request"]).stdout;

    let again = launchcheck(root, &["init"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let stdout = text(&again.stdout);
    for sample in [
        "launches/LR-EXAMPLE-0001.toml",
        "plans/RP-example.toml",
        "people.toml",
    ] {
        assert!(!root.join(sample).exists(), "{sample} came back");
        assert!(
            stdout.contains(&format!(
                "skipped {}",
                Path::new(".").join(sample).display()
            )),
            "{sample}: {stdout}"
        );
    }
    assert!(!stdout.contains("created"), "{stdout}");
    assert_eq!(fs::read(&schema).expect("read"), current);
    assert!(
        stdout.contains("updated ./.launchcheck/schemas/launch-request.schema.json"),
        "{stdout}"
    );
    assert!(
        stdout.contains("kept    ./.launchcheck/schemas/roster.schema.json (it is up to date)"),
        "{stdout}"
    );

    // Up to date now: a third run changes nothing.
    let third = launchcheck(root, &["init"]);
    assert!(
        !text(&third.stdout).contains("updated"),
        "{}",
        text(&third.stdout)
    );
}

#[test]
fn a_fresh_draft_from_new_reports_notes_and_passes() {
    let dir = TempRepo::plain();
    let root = dir.path();
    fs::write(root.join("launchcheck.toml"), "").expect("write");
    let now = NOW;
    let out = launchcheck(root, &["new", "launch", "--now", now]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for args in [&[][..], &["--deny-warnings"][..]] {
        let mut all = vec!["check", "--format", "json", "--now", now];
        all.extend_from_slice(args);
        let check = launchcheck(root, &all);
        assert_eq!(check.status.code(), Some(0), "{}", text(&check.stdout));
        let json: serde_json::Value = serde_json::from_slice(&check.stdout).expect("json");
        assert!(json["summary"]["notes"].as_u64().unwrap_or(0) > 0, "{json}");
        assert_eq!(json["summary"]["errors"], 0);
        assert_eq!(json["summary"]["warnings"], 0);
    }
}

#[test]
fn init_writes_taplo_schema_associations_that_name_the_written_schemas() {
    let dir = TempRepo::plain();
    let root = dir.path();
    let out = launchcheck(root, &["init"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let taplo: toml::Table = fs::read_to_string(root.join(".taplo.toml"))
        .expect("read")
        .parse()
        .expect("TOML");
    let rules = taplo["rule"].as_array().expect("rules");
    let mut schemas = Vec::new();
    for rule in rules {
        let schema = rule["schema"]["path"].as_str().expect("path");
        assert!(root.join(schema).is_file(), "{schema} is not written");
        schemas.push(schema.to_owned());
    }
    assert_eq!(schemas.len(), 5, "{schemas:?}");
    let launch_rule = rules
        .iter()
        .find(|r| {
            r["schema"]["path"].as_str() == Some(".launchcheck/schemas/launch-request.schema.json")
        })
        .expect("launch rule");
    assert_eq!(
        launch_rule["include"][0].as_str(),
        Some("launches/**/*.toml")
    );

    // An existing repository gets the file when it lacks it; an edited copy stays.
    fs::remove_file(root.join(".taplo.toml")).expect("remove");
    let again = launchcheck(root, &["init"]);
    assert!(
        text(&again.stdout).contains("created ./.taplo.toml"),
        "{}",
        text(&again.stdout)
    );
    fs::write(root.join(".taplo.toml"), "# mine\n").expect("write");
    let third = launchcheck(root, &["init"]);
    assert!(third.status.success());
    assert_eq!(
        fs::read_to_string(root.join(".taplo.toml")).expect("read"),
        "# mine\n"
    );
}
