//! Git modes against real repositories built with the git CLI: pull-request mode (`--base`)
//! reports only changed files and judges them by the base's policy and configuration;
//! `--rev` and `--staged` read their own content whatever the work tree holds; and broken
//! git situations (unknown revision, shallow clone, no repository) are exit-2 errors.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::git as git_in;

const NOW: &str = "2026-11-25T00:00:00Z";

/// A scratch git repository.
struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    fn new() -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        repo.git(&["init", "-q"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git(&self, args: &[&str]) -> String {
        git_in(self.path(), args)
    }

    fn write(&self, path: &str, text: &str) {
        let full = self.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, text).expect("write");
    }

    fn commit(&self, message: &str) -> String {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-qm", message, "--allow-empty"]);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Runs `launchcheck check` with JSON output in the repository.
    fn check(&self, args: &[&str]) -> Run {
        run_in(self.path(), args)
    }
}

struct Run {
    code: i32,
    json: Value,
    stderr: String,
}

impl Run {
    /// `path:line code` of every finding.
    fn findings(&self) -> Vec<String> {
        self.json["findings"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        format!(
                            "{}:{} {}",
                            f["path"].as_str().unwrap_or("?"),
                            f["line"],
                            f["code"].as_str().unwrap_or("?")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn messages(&self, code: &str) -> Vec<String> {
        self.json["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["code"] == code)
            .map(|f| f["message"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

fn launchcheck() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_launchcheck"));
    command
        .env_remove("LAUNCHCHECK_NOW")
        .env_remove("LAUNCHCHECK_CONFIG")
        .env_remove("LAUNCHCHECK_FORMAT")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_DIR");
    command
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output: Output = launchcheck()
        .arg("check")
        .args(["--format", "json", "--now", NOW])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("launchcheck runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    Run {
        code: output.status.code().unwrap_or(-1),
        json: serde_json::from_str(&stdout).unwrap_or(Value::Null),
        stderr,
    }
}

/// A schema-valid low-risk launch request; `extra` is appended as top-level keys.
fn launch(id: &str, status: &str, extra: &str) -> String {
    format!(
        r#"kind = "launch-request"
id = "{id}"
title = "search-api 1.4.0"
services = ["search-api"]
change_type = "standard"
risk = "low"
status = "{status}"
requester = "alice"
owner = "bob"
submitted_at = 2026-11-20T09:00:00Z
{extra}
[window]
start = 2026-12-01T02:00:00Z
end   = 2026-12-01T03:00:00Z

[[steps]]
action = "Deploy search-api 1.4.0"
owner = "bob"
minutes = 20

[rollback]
steps = ["Redeploy search-api 1.3.2"]
minutes = 10
owner = "bob"

[[approvals]]
role = "service-owner"
by = "bob"
at = 2026-11-23T10:00:00Z
decision = "approved"
"#
    )
}

/// A launch with an unknown key: an LC003 finding at line 11.
fn broken(id: &str) -> String {
    launch(id, "submitted", "rolback = \"typo\"")
}

#[test]
fn pull_request_mode_reports_only_changed_files_unless_all() {
    let repo = Repo::new();
    repo.write("launches/old.toml", &broken("LR-1"));
    repo.write("launches/edited.toml", &launch("LR-2", "submitted", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write("launches/edited.toml", &broken("LR-2"));
    repo.write("launches/new.toml", &broken("LR-3"));
    repo.commit("change");
    // Not even committed: the work tree is the head.
    repo.write("launches/untracked.toml", &broken("LR-4"));

    let run = repo.check(&["--base", "main", "--select", "LC003"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.findings(),
        [
            "launches/edited.toml:11 LC003",
            "launches/new.toml:11 LC003",
            "launches/untracked.toml:11 LC003"
        ]
    );

    let all = repo.check(&["--base", "main", "--all", "--select", "LC003"]);
    assert_eq!(all.findings().len(), 4, "{:?}", all.findings());
    assert!(all
        .findings()
        .contains(&"launches/old.toml:11 LC003".to_owned()));

    // Explicit paths narrow pull-request mode further.
    let one = repo.check(&[
        "--base",
        "main",
        "--select",
        "LC003",
        "launches/new.toml",
        "launches/old.toml",
    ]);
    assert_eq!(one.findings(), ["launches/new.toml:11 LC003"]);
}

#[test]
fn a_cross_file_finding_counts_when_any_of_its_files_changed() {
    let repo = Repo::new();
    repo.write("launches/a.toml", &launch("LR-A", "submitted", ""));
    repo.write("launches/c.toml", &launch("LR-C", "submitted", ""));
    repo.write("launches/d.toml", &launch("LR-C", "submitted", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write("launches/b.toml", &launch("LR-A", "submitted", ""));
    repo.commit("copy a");

    let run = repo.check(&["--base", "main", "--select", "LC004"]);
    // a.toml did not change, but its finding names b.toml; c and d share an id unchanged.
    assert_eq!(
        run.findings(),
        ["launches/a.toml:2 LC004", "launches/b.toml:2 LC004"],
        "{}",
        run.stderr
    );
    let all = repo.check(&["--base", "main", "--all", "--select", "LC004"]);
    assert_eq!(all.findings().len(), 4);
}

#[test]
fn a_pull_request_that_switches_a_rule_off_is_judged_by_the_base_policy() {
    let repo = Repo::new();
    repo.write("policies/org.toml", "kind = \"policy\"\n");
    repo.write("launches/a.toml", &launch("LR-1", "cancelled", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write(
        "policies/org.toml",
        "kind = \"policy\"\n\n[rules.status-transition]\nlevel = \"off\"\n",
    );
    repo.write("launches/a.toml", &launch("LR-1", "launched", ""));
    repo.commit("launch it and switch the rule off");

    let run = repo.check(&["--base", "main", "--select", "LC4"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.findings(),
        ["launches/a.toml:7 LC402", "policies/org.toml:3 LC404"]
    );
    assert!(
        run.messages("LC404")[0].contains("used the copy at `main`"),
        "{:?}",
        run.messages("LC404")
    );
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);

    let head = repo.check(&["--base", "main", "--select", "LC4", "--policy-from-head"]);
    assert_eq!(head.code, 0, "{}", head.stderr);
    assert_eq!(head.findings(), ["policies/org.toml:3 LC404"]);
    assert!(head.messages("LC404")[0].contains("--policy-from-head"));
    assert!(
        head.stderr.contains("warning: --policy-from-head"),
        "{}",
        head.stderr
    );
}

#[test]
fn configuration_and_roster_come_from_the_base_too() {
    let repo = Repo::new();
    repo.write("launchcheck.toml", "[files]\nexclude = []\n");
    repo.write(
        "people.toml",
        "kind = \"roster\"\n[people.alice]\nname = \"Alice\"\n",
    );
    repo.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    // Hide a broken request from the checker, and vouch for an unknown approver.
    repo.write(
        "launchcheck.toml",
        "[files]\nexclude = [\"launches/bad.toml\"]\n",
    );
    repo.write("launches/bad.toml", &broken("LR-2"));
    repo.write(
        "people.toml",
        "kind = \"roster\"\n[people.alice]\nname = \"Alice\"\n[people.mallory]\nname = \"Mallory\"\n",
    );
    repo.commit("change");

    let run = repo.check(&["--base", "main", "--select", "LC003,LC404"]);
    assert_eq!(
        run.findings(),
        [
            "launchcheck.toml:2 LC404",
            "launches/bad.toml:11 LC003",
            "people.toml:4 LC404"
        ],
        "{}",
        run.stderr
    );
    assert!(run
        .messages("LC404")
        .iter()
        .any(|m| m.contains("configuration file `launchcheck.toml`")));
    assert!(run
        .messages("LC404")
        .iter()
        .any(|m| m.contains("roster file `people.toml`")));

    let head = repo.check(&["--base", "main", "--select", "LC003", "--policy-from-head"]);
    assert_eq!(head.findings(), Vec::<String>::new(), "{}", head.stderr);
}

#[test]
fn rev_and_staged_read_their_own_content() {
    let repo = Repo::new();
    repo.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    let good = repo.commit("good");

    // The work tree breaks the file; nothing is staged.
    repo.write("launches/a.toml", &broken("LR-1"));
    assert_eq!(
        repo.check(&["--select", "LC003"]).findings(),
        ["launches/a.toml:11 LC003"]
    );
    assert_eq!(
        repo.check(&["--staged", "--select", "LC003"]).findings(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--rev", "HEAD", "--select", "LC003"])
            .findings(),
        Vec::<String>::new()
    );

    // Staged broken, work tree fixed again.
    repo.git(&["add", "-A"]);
    repo.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    assert_eq!(
        repo.check(&["--select", "LC003"]).findings(),
        Vec::<String>::new()
    );
    let staged = repo.check(&["--staged", "--select", "LC003"]);
    assert_eq!(
        staged.findings(),
        ["launches/a.toml:11 LC003"],
        "{}",
        staged.stderr
    );

    // Committed broken: the commit is broken, its parent and the work tree are not.
    repo.git(&["commit", "-qm", "broken"]);
    assert_eq!(
        repo.check(&["--rev", "HEAD", "--select", "LC003"])
            .findings(),
        ["launches/a.toml:11 LC003"]
    );
    assert_eq!(
        repo.check(&["--rev", &good, "--select", "LC003"])
            .findings(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--rev", "HEAD~1", "--select", "LC003"])
            .findings(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--select", "LC003"]).findings(),
        Vec::<String>::new()
    );
}

#[test]
fn rev_uses_the_configuration_of_that_commit() {
    let repo = Repo::new();
    repo.write(
        "launchcheck.toml",
        "[files]\nexclude = [\"launches/bad.toml\"]\n",
    );
    repo.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    repo.write("launches/bad.toml", &broken("LR-2"));
    let excluded = repo.commit("bad one excluded");
    repo.write("launchcheck.toml", "[files]\nexclude = []\n");
    repo.commit("nothing excluded");
    assert_eq!(
        repo.check(&["--rev", &excluded, "--select", "LC003"])
            .findings(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--rev", "HEAD", "--select", "LC003"])
            .findings(),
        ["launches/bad.toml:11 LC003"]
    );
}

#[test]
fn a_launch_repository_in_a_subdirectory_works_in_every_mode() {
    let repo = Repo::new();
    repo.write("README.md", "a monorepo\n");
    repo.write("ops/launchcheck.toml", "");
    repo.write("ops/launches/a.toml", &launch("LR-1", "submitted", ""));
    repo.write("launches/elsewhere.toml", &broken("LR-9"));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write("ops/launches/b.toml", &broken("LR-2"));
    repo.commit("change");
    let root = repo.path().join("ops");
    let root = root.to_str().expect("utf-8 path");
    let base = repo.check(&["--root", root, "--base", "main", "--select", "LC003"]);
    assert_eq!(
        base.findings(),
        ["launches/b.toml:11 LC003"],
        "{}",
        base.stderr
    );
    let rev = repo.check(&["--root", root, "--rev", "HEAD", "--select", "LC003"]);
    assert_eq!(
        rev.findings(),
        ["launches/b.toml:11 LC003"],
        "{}",
        rev.stderr
    );
    // The index holds what HEAD holds: a commit would change nothing, so nothing is reported
    // unless --all asks for every file.
    let staged = repo.check(&["--root", root, "--staged", "--select", "LC003"]);
    assert_eq!(staged.findings(), Vec::<String>::new(), "{}", staged.stderr);
    let staged = repo.check(&["--root", root, "--staged", "--all", "--select", "LC003"]);
    assert_eq!(
        staged.findings(),
        ["launches/b.toml:11 LC003"],
        "{}",
        staged.stderr
    );
}

#[test]
fn unknown_revisions_are_tool_errors() {
    let repo = Repo::new();
    repo.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    repo.commit("base");
    for option in ["--base", "--rev"] {
        let run = repo.check(&[option, "foo"]);
        assert_eq!(run.code, 2, "{option}: {}", run.stderr);
        assert!(
            run.stderr.contains("unknown revision 'foo'"),
            "{option}: {}",
            run.stderr
        );
        assert_eq!(run.json, Value::Null, "no report on a tool error");
    }
}

#[test]
fn outside_a_git_repository_git_modes_are_tool_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("launches")).expect("mkdir");
    fs::write(
        dir.path().join("launches/a.toml"),
        launch("LR-1", "submitted", ""),
    )
    .expect("write");
    let plain = run_in(dir.path(), &[]);
    assert_ne!(
        plain.code, 2,
        "the work tree needs no git: {}",
        plain.stderr
    );
    for args in [&["--staged"][..], &["--rev", "HEAD"], &["--base", "main"]] {
        let run = run_in(dir.path(), args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(
            run.stderr.contains("is not in a git repository"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn options_that_need_base_are_refused_without_it() {
    let repo = Repo::new();
    repo.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    repo.commit("base");
    for option in ["--policy-from-head", "--all"] {
        let run = repo.check(&[option]);
        assert_eq!(run.code, 2, "{option}");
        assert!(run.stderr.contains("--base"), "{option}: {}", run.stderr);
    }
}

/// An origin with `main` moving on after `change` branched off, for shallow clones.
fn origin_with_diverged_branches() -> (Repo, String) {
    let origin = Repo::new();
    origin.write("launches/a.toml", &launch("LR-1", "submitted", ""));
    let fork = origin.commit("fork point");
    origin.git(&["checkout", "-qb", "change"]);
    origin.write("launches/b.toml", &launch("LR-2", "submitted", ""));
    origin.commit("change");
    origin.git(&["checkout", "-q", "main"]);
    origin.write("launches/c.toml", &launch("LR-3", "submitted", ""));
    origin.commit("main moves on");
    (origin, fork)
}

fn shallow_clone(origin: &Repo, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.path().display());
    let mut args = vec!["clone", "-q", "--depth", "1", "--branch", "change"];
    args.extend_from_slice(extra);
    args.push(&url);
    args.push("clone");
    git_in(dir.path(), &args);
    let clone = dir.path().join("clone");
    (dir, clone)
}

#[test]
fn a_shallow_clone_without_the_base_commit_says_to_fetch_it() {
    let (origin, fork) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(&origin, &[]);
    let run = run_in(&clone, &["--base", &fork]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!("unknown revision '{fork}'")),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("shallow"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

#[test]
fn a_shallow_clone_without_the_merge_base_says_to_fetch_history() {
    let (origin, _) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(&origin, &["--no-single-branch"]);
    let run = run_in(&clone, &["--base", "origin/main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("merge base"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);

    // With the history fetched, the same run works.
    git_in(&clone, &["fetch", "-q", "--unshallow"]);
    let run = run_in(&clone, &["--base", "origin/main", "--select", "LC003,LC4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.findings(), Vec::<String>::new());
}
