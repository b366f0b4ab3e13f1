//! Every git command a message suggests runs as written: shallow clones of a temporary
//! repository fail with a help line, the test takes the command from it, runs it in a
//! shell, and the same check then gets past git.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An origin whose `main` moved on after `change` branched off; returns the fork point.
fn origin_with_diverged_branches() -> (tempfile::TempDir, String) {
    let origin = tempfile::tempdir().expect("temp dir");
    let dir = origin.path();
    common::git(dir, &["init", "-q"]);
    fs::write(dir.join("launchcheck.toml"), "").expect("write");
    fs::write(dir.join("a.txt"), "a\n").expect("write");
    common::git(dir, &["add", "-A"]);
    common::git(dir, &["commit", "-qm", "fork point"]);
    let fork = common::git(dir, &["rev-parse", "HEAD"]);
    common::git(dir, &["checkout", "-qb", "change"]);
    fs::write(dir.join("b.txt"), "b\n").expect("write");
    common::git(dir, &["add", "-A"]);
    common::git(dir, &["commit", "-qm", "change"]);
    common::git(dir, &["checkout", "-q", "main"]);
    fs::write(dir.join("c.txt"), "c\n").expect("write");
    common::git(dir, &["add", "-A"]);
    common::git(dir, &["commit", "-qm", "main moves on"]);
    (origin, fork)
}

/// A depth-1 clone of `change`; `extra` adds clone options.
fn shallow_clone(origin: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.display());
    let mut args = vec!["clone", "-q", "--depth", "1", "--branch", "change"];
    args.extend_from_slice(extra);
    args.push(&url);
    args.push("clone");
    common::git(dir.path(), &args);
    let clone = dir.path().join("clone");
    assert_eq!(
        common::git(&clone, &["rev-parse", "--is-shallow-repository"]),
        "true"
    );
    (dir, clone)
}

fn check_base(clone: &Path, base: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_launchcheck"))
        .args(["check", "--allow-empty", "--base", base])
        .current_dir(clone)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT")
        .output()
        .expect("launchcheck runs")
}

/// The `git …` commands between backticks in a message.
fn suggested_git_commands(message: &str) -> Vec<String> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|code| code.starts_with("git "))
        .map(str::to_owned)
        .collect()
}

/// Runs the check, which must fail on git with exactly one suggested command; runs the
/// command in a shell as a user would paste it; then the check must get past git.
fn assert_help_command_fixes(clone: &Path, base: &str, expected: &str) {
    let failed = check_base(clone, base);
    let stderr = String::from_utf8_lossy(&failed.stderr).into_owned();
    assert_eq!(failed.status.code(), Some(2), "{stderr}");
    let commands = suggested_git_commands(&stderr);
    assert_eq!(commands, [expected], "{stderr}");
    let ran = Command::new("sh")
        .args(["-c", &commands[0]])
        .current_dir(clone)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("sh runs");
    assert!(
        ran.status.success(),
        "`{}` failed: {}",
        commands[0],
        String::from_utf8_lossy(&ran.stderr)
    );
    let fixed = check_base(clone, base);
    assert_eq!(
        fixed.status.code(),
        Some(0),
        "after `{}`: {}",
        commands[0],
        String::from_utf8_lossy(&fixed.stderr)
    );
}

#[test]
fn a_remote_tracking_base_missing_from_a_single_branch_clone() {
    // `git fetch origin origin/main` is what git rejects: `origin/main` is no ref on origin.
    let (origin, _) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(origin.path(), &[]);
    assert!(String::from_utf8_lossy(&check_base(&clone, "origin/main").stderr).contains("shallow"));
    assert_help_command_fixes(
        &clone,
        "origin/main",
        "git fetch --unshallow origin main:refs/remotes/origin/main",
    );
}

#[test]
fn a_base_commit_missing_from_the_clone() {
    let (origin, fork) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(origin.path(), &[]);
    assert_help_command_fixes(
        &clone,
        &fork,
        &format!("git fetch --unshallow origin {fork}"),
    );
}

#[test]
fn a_branch_name_the_clone_does_not_have() {
    let (origin, _) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(origin.path(), &[]);
    assert_help_command_fixes(&clone, "main", "git fetch --unshallow origin main:main");
}

#[test]
fn a_merge_base_beyond_the_shallow_history() {
    let (origin, _) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(origin.path(), &["--no-single-branch"]);
    assert_help_command_fixes(&clone, "origin/main", "git fetch --unshallow origin");
}

#[test]
fn a_remote_branch_missing_from_a_full_single_branch_clone() {
    let (origin, _) = origin_with_diverged_branches();
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.path().display());
    common::git(
        dir.path(),
        &[
            "clone",
            "-q",
            "--single-branch",
            "--branch",
            "change",
            &url,
            "clone",
        ],
    );
    let clone = dir.path().join("clone");
    assert_help_command_fixes(
        &clone,
        "origin/main",
        "git fetch origin main:refs/remotes/origin/main",
    );
}
