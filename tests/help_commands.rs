//! Every git command a message suggests runs as written: shallow clones of a temporary
//! repository fail with a help line, the test takes the command from it, runs it in a
//! shell, and the same check then gets past git.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{hermetic, launchcheck, TempRepo};

/// An origin whose `main` moved on after `change` branched off; returns the fork point.
fn origin_with_diverged_branches() -> (TempRepo, String) {
    let origin = TempRepo::init();
    origin.write("launchcheck.toml", "");
    origin.write("a.txt", "a\n");
    let fork = origin.commit("fork point");
    origin.git(&["checkout", "-qb", "change"]);
    origin.write("b.txt", "b\n");
    origin.commit("change");
    origin.git(&["checkout", "-q", "main"]);
    origin.write("c.txt", "c\n");
    origin.commit("main moves on");
    (origin, fork)
}

/// A depth-1 clone of `change`; `extra` adds clone options.
fn shallow_clone(origin: &Path, extra: &[&str]) -> (TempRepo, PathBuf) {
    let dir = TempRepo::plain();
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
    launchcheck()
        .args(["check", "--allow-empty", "--base", base])
        .current_dir(clone)
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
    let ran = hermetic(Command::new("sh"))
        .args(["-c", &commands[0]])
        .current_dir(clone)
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
    let dir = TempRepo::plain();
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
