//! End to end with real commits: the pre-commit framework building this repository's
//! `.pre-commit-hooks.yaml` hook from source (`launchcheck`), the same framework running a
//! launchcheck already on PATH (`launchcheck-system`), and the plain hook `launchcheck hook
//! install` writes. Each blocks a commit with a bad launch request and lets a good one through.
//!
//! The pre-commit test needs the `pre-commit` tool (PyPI); without it the test fails when
//! `CI` is set and is skipped with a note otherwise. Its builds are cached under
//! `target/pre-commit-test/`: the hook repository is committed with fixed dates so that
//! unchanged sources give the same commit, which pre-commit has already installed.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{binary, git, git_command, launchcheck, TempRepo, NOW};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// PATH with the launchcheck under test first.
fn path_with_binary() -> OsString {
    let mut dirs = vec![binary().parent().expect("binary dir").to_path_buf()];
    dirs.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(dirs).expect("PATH joins")
}

/// A launch repository that passes every rule at `NOW`, committed on `main`.
fn launch_repository() -> TempRepo {
    let dir = TempRepo::init();
    let out = launchcheck()
        .args(["init", "--now", NOW])
        .current_dir(dir.path())
        .output()
        .expect("launchcheck runs");
    assert!(out.status.success(), "init: {}", text(&out.stderr));
    dir
}

/// A launch request with a misspelt key: a schema error (LC003).
fn bad_launch() -> &'static str {
    "kind = \"launch-request\"\nid = \"LR-BAD-1\"\ntitle = \"t\"\nservices = [\"example-api\"]\n\
     change_type = \"standard\"\nrisk = \"low\"\nstatus = \"draft\"\nrequester = \"alice\"\n\
     rolback = \"typo\"\n[window]\nstart = 2026-12-09T02:00:00Z\nend = 2026-12-09T03:00:00Z\n"
}

/// `git commit` in `dir` with hooks enabled and `env` added.
fn commit(dir: &Path, args: &[&str], env: &[(&str, &OsString)]) -> Output {
    let mut command = git_command(dir);
    command.arg("commit").args(args).env("LAUNCHCHECK_NOW", NOW);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("git commit runs")
}

fn head(dir: &Path) -> String {
    git(dir, &["rev-parse", "HEAD"])
}

#[test]
fn plain_hook_checks_what_the_commit_records() {
    let repo = launch_repository();
    let dir = repo.path();
    let path = path_with_binary();
    let out = launchcheck()
        .args(["hook", "install"])
        .current_dir(dir)
        .output()
        .expect("launchcheck runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let env = [("PATH", &path)];

    git(dir, &["add", "-A"]);
    let good = commit(dir, &["-qm", "good"], &env);
    assert!(
        good.status.success(),
        "a good commit is accepted:\n{}{}",
        text(&good.stdout),
        text(&good.stderr)
    );
    let accepted = head(dir);

    fs::write(dir.join("launches/bad.toml"), bad_launch()).expect("write");
    git(dir, &["add", "-A"]);
    let bad = commit(dir, &["-qm", "bad"], &env);
    assert!(!bad.status.success(), "a bad commit is blocked");
    let report = text(&bad.stdout) + &text(&bad.stderr);
    assert!(
        report.contains("LC003") && report.contains("rolback"),
        "{report}"
    );
    assert_eq!(head(dir), accepted);

    // Unstaged problems are not what gets committed: the hook judges the index.
    git(dir, &["rm", "-q", "--cached", "launches/bad.toml"]);
    let sample = dir.join("launches/LR-EXAMPLE-0001.toml");
    let text_before = fs::read_to_string(&sample).expect("read");
    fs::write(&sample, text_before.replace("kind = ", "kindd = ")).expect("write");
    let staged_good = commit(dir, &["-qm", "only what is staged", "--allow-empty"], &env);
    assert!(
        staged_good.status.success(),
        "the broken work tree is not what is committed:\n{}{}",
        text(&staged_good.stdout),
        text(&staged_good.stderr)
    );

    // `git commit -a` commits a temporary index (GIT_INDEX_FILE): the hook must see it.
    let all = commit(dir, &["-qam", "commit the broken file"], &env);
    assert!(
        !all.status.success(),
        "commit -a of a broken file is blocked"
    );
    assert!(
        (text(&all.stdout) + &text(&all.stderr)).contains("LC002"),
        "{}",
        text(&all.stdout)
    );
}

fn pre_commit_available() -> bool {
    common::outside_tool(
        "pre-commit",
        &["--version"],
        "python3 -m pip install pre-commit",
    )
}

/// Where this test keeps its cached state: `target/pre-commit-test`.
fn cache_dir() -> PathBuf {
    // The binary is target/<profile>/launchcheck.
    let target = binary()
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| common::project("target"));
    target.join("pre-commit-test")
}

fn copy_sources(from: &Path, to: &Path) {
    let skipped = |path: &Path| {
        let relative = path.strip_prefix(from).unwrap_or(path);
        let first = relative
            .components()
            .next()
            .map(|c| c.as_os_str().to_owned());
        matches!(
            first.as_deref().and_then(|f| f.to_str()),
            Some("target" | ".git" | "fuzz")
        )
    };
    for entry in walkdir::WalkDir::new(from)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !skipped(e.path()))
    {
        let entry = entry.expect("walk sources");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else if entry.file_type().is_file() {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// This crate's sources committed in a repository of their own, in `cache/<name>`; returns
/// its path and commit.
fn hook_repository(cache: &Path, name: &str) -> (PathBuf, String) {
    let repo = cache.join(name);
    if repo.exists() {
        fs::remove_dir_all(&repo).expect("clear the previous copy");
    }
    fs::create_dir_all(&repo).expect("mkdir");
    copy_sources(common::project_dir(), &repo);
    assert!(repo.join(".pre-commit-hooks.yaml").is_file());
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-qm", "launchcheck under test"]);
    let sha = git(&repo, &["rev-parse", "HEAD"]);
    (repo, sha)
}

/// A launch repository whose `.pre-commit-config.yaml` uses hook `hook_id` from a copy of
/// this crate committed under `cache/<copy>`, with `pre-commit install` run in it.
fn pre_commit_repository(hook_id: &str, copy: &str, env: &[(&str, &OsString)]) -> TempRepo {
    let (hooks, sha) = hook_repository(&cache_dir(), copy);
    let repo = launch_repository();
    let dir = repo.path();
    fs::write(
        dir.join(".pre-commit-config.yaml"),
        format!(
            "repos:\n  - repo: {}\n    rev: {sha}\n    hooks:\n      - id: {hook_id}\n",
            hooks.display()
        ),
    )
    .expect("write config");
    let install = Command::new("pre-commit")
        .arg("install")
        .current_dir(dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("pre-commit runs");
    assert!(
        install.status.success(),
        "pre-commit install: {}",
        text(&install.stderr)
    );
    repo
}

/// A good commit passes the hook, a bad launch request is blocked with its finding.
fn assert_hook_blocks_a_bad_launch_request(dir: &Path, env: &[(&str, &OsString)]) {
    git(dir, &["add", "-A"]);
    let good = commit(dir, &["-qm", "good"], env);
    assert!(
        good.status.success(),
        "pre-commit accepts a good launch request:\n{}{}",
        text(&good.stdout),
        text(&good.stderr)
    );
    let accepted = head(dir);

    fs::write(dir.join("launches/bad.toml"), bad_launch()).expect("write");
    git(dir, &["add", "-A"]);
    let bad = commit(dir, &["-qm", "bad"], env);
    let report = text(&bad.stdout) + &text(&bad.stderr);
    assert!(
        !bad.status.success(),
        "pre-commit blocks a bad launch request:\n{report}"
    );
    assert!(
        report.contains("launchcheck") && report.contains("Failed"),
        "{report}"
    );
    assert!(
        report.contains("LC003") && report.contains("rolback"),
        "{report}"
    );
    assert_eq!(head(dir), accepted);
}

#[test]
fn pre_commit_framework_blocks_a_bad_launch_request_and_accepts_a_good_one() {
    if !pre_commit_available() {
        return;
    }
    let cache = cache_dir();
    let home = cache.join("home").into_os_string();
    let cargo_target = cache.join("cargo-target").into_os_string();
    // The hook is built with `cargo install` in release mode; optimisation does not matter here.
    let no = OsString::from("false");
    let zero = OsString::from("0");
    let env = [
        ("PRE_COMMIT_HOME", &home),
        ("PRE_COMMIT_COLOR", &OsString::from("never")),
        ("CARGO_TARGET_DIR", &cargo_target),
        ("CARGO_PROFILE_RELEASE_LTO", &no),
        ("CARGO_PROFILE_RELEASE_OPT_LEVEL", &zero),
        ("CARGO_PROFILE_RELEASE_DEBUG", &no),
        ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", &OsString::from("16")),
    ];
    let repo = pre_commit_repository("launchcheck", "launchcheck-src", &env);
    assert_hook_blocks_a_bad_launch_request(repo.path(), &env);
}

#[test]
fn pre_commit_system_hook_runs_the_launchcheck_on_path() {
    if !pre_commit_available() {
        return;
    }
    let cache = cache_dir();
    let home = cache.join("home-system").into_os_string();
    // The binary under test stands for a prebuilt launchcheck on PATH. No cargo build runs:
    // a cargo that fails is first on PATH to prove it.
    let no_cargo = cache.join("no-cargo");
    fs::create_dir_all(&no_cargo).expect("mkdir");
    let fake_cargo = no_cargo.join("cargo");
    fs::write(
        &fake_cargo,
        "#!/bin/sh\necho 'cargo must not run' >&2\nexit 1\n",
    )
    .expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&fake_cargo, fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let mut dirs = vec![no_cargo];
    dirs.extend(std::env::split_paths(&path_with_binary()));
    let path = std::env::join_paths(dirs).expect("PATH joins");
    let env = [
        ("PRE_COMMIT_HOME", &home),
        ("PRE_COMMIT_COLOR", &OsString::from("never")),
        ("PATH", &path),
    ];
    let repo = pre_commit_repository("launchcheck-system", "launchcheck-system-src", &env);
    assert_hook_blocks_a_bad_launch_request(repo.path(), &env);

    // Without a launchcheck on PATH the hook says so, and the commit does not happen.
    let without: Vec<PathBuf> = std::env::split_paths(&path)
        .filter(|dir| {
            !dir.join(binary().file_name().expect("a file name"))
                .exists()
        })
        .collect();
    let without = std::env::join_paths(without).expect("PATH joins");
    let dir = repo.path();
    fs::write(dir.join("launches/bad.toml"), bad_launch()).expect("write");
    git(dir, &["add", "-A"]);
    let before = head(dir);
    let env = [
        ("PRE_COMMIT_HOME", &home),
        ("PRE_COMMIT_COLOR", &OsString::from("never")),
        ("PATH", &without),
    ];
    let missing = commit(dir, &["-qm", "no launchcheck"], &env);
    let report = text(&missing.stdout) + &text(&missing.stderr);
    assert!(!missing.status.success(), "{report}");
    assert!(
        report.contains("Executable `launchcheck` not found"),
        "{report}"
    );
    assert_eq!(head(dir), before);
}

#[test]
fn plain_hook_lets_an_unrelated_commit_through_a_repository_with_a_stale_plan() {
    let repo = launch_repository();
    let dir = repo.path();
    let path = path_with_binary();
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "scaffold"]);
    // A plan nobody touches goes stale: its only drill is far older than 180 days.
    let plans: Vec<PathBuf> = fs::read_dir(dir.join("plans"))
        .expect("plans")
        .map(|e| e.expect("entry").path())
        .collect();
    let plan = &plans[0];
    let stale = dated_a_year_back(&fs::read_to_string(plan).expect("read"));
    fs::write(plan, stale).expect("write");
    git(dir, &["add", "-A"]);
    git(
        dir,
        &[
            "commit",
            "-qm",
            "the plan as it was a year ago",
            "--no-verify",
        ],
    );
    let full = launchcheck()
        .args(["check", "--now", NOW, "-f", "concise"])
        .current_dir(dir)
        .output()
        .expect("launchcheck runs");
    assert_eq!(full.status.code(), Some(1), "{}", text(&full.stdout));
    assert!(
        text(&full.stdout).contains("LC202"),
        "{}",
        text(&full.stdout)
    );

    let out = launchcheck()
        .args(["hook", "install"])
        .current_dir(dir)
        .output()
        .expect("launchcheck runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    fs::write(dir.join("README.md"), "How we launch\n").expect("write");
    git(dir, &["add", "README.md"]);
    let readme = commit(dir, &["-qm", "docs"], &[("PATH", &path)]);
    assert!(
        readme.status.success(),
        "a README commit is not blocked by a plan it did not touch:\n{}{}",
        text(&readme.stdout),
        text(&readme.stderr)
    );
}

/// Moves every drill and review date of a plan a year and more back.
fn dated_a_year_back(plan: &str) -> String {
    plan.lines()
        .map(|line| {
            let key = line.split('=').next().unwrap_or("").trim();
            if matches!(key, "date" | "reviewed_on") {
                format!("{key} = 2025-01-02")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
