//! Git modes against real repositories built with the git CLI: pull-request mode (`--base`)
//! reports only changed files and judges them by the base's policy and configuration;
//! `--rev` and `--staged` read their own content whatever the work tree holds; and broken
//! git situations (unknown revision, shallow clone, no repository) are exit-2 errors.

use std::path::PathBuf;

mod common;
use common::{check_in, git, TempRepo};

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
    let repo = TempRepo::init();
    repo.write("launches/old.toml", broken("LR-1"));
    repo.write("launches/edited.toml", launch("LR-2", "submitted", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write("launches/edited.toml", broken("LR-2"));
    repo.write("launches/new.toml", broken("LR-3"));
    repo.commit("change");
    // Not even committed: the work tree is the head.
    repo.write("launches/untracked.toml", broken("LR-4"));

    let run = repo.check(&["--base", "main", "--select", "LC003"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.located(),
        [
            "launches/edited.toml:11 LC003",
            "launches/new.toml:11 LC003",
            "launches/untracked.toml:11 LC003"
        ]
    );

    let all = repo.check(&["--base", "main", "--all", "--select", "LC003"]);
    assert_eq!(all.located().len(), 4, "{:?}", all.located());
    assert!(all
        .located()
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
    assert_eq!(one.located(), ["launches/new.toml:11 LC003"]);
}

#[test]
fn a_cross_file_finding_counts_when_any_of_its_files_changed() {
    let repo = TempRepo::init();
    repo.write("launches/a.toml", launch("LR-A", "submitted", ""));
    repo.write("launches/c.toml", launch("LR-C", "submitted", ""));
    repo.write("launches/d.toml", launch("LR-C", "submitted", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write("launches/b.toml", launch("LR-A", "submitted", ""));
    repo.commit("copy a");

    let run = repo.check(&["--base", "main", "--select", "LC004"]);
    // a.toml did not change, but its finding names b.toml; c and d share an id unchanged.
    assert_eq!(
        run.located(),
        ["launches/a.toml:2 LC004", "launches/b.toml:2 LC004"],
        "{}",
        run.stderr
    );
    let all = repo.check(&["--base", "main", "--all", "--select", "LC004"]);
    assert_eq!(all.located().len(), 4);
}

#[test]
fn a_pull_request_that_switches_a_rule_off_is_judged_by_the_base_policy() {
    let repo = TempRepo::init();
    repo.write("policies/org.toml", "kind = \"policy\"\n");
    repo.write("launches/a.toml", launch("LR-1", "cancelled", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write(
        "policies/org.toml",
        "kind = \"policy\"\n\n[rules.status-transition]\nlevel = \"off\"\n",
    );
    repo.write("launches/a.toml", launch("LR-1", "launched", ""));
    repo.commit("launch it and switch the rule off");

    let run = repo.check(&["--base", "main", "--select", "LC4"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.located(),
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
    assert_eq!(head.located(), ["policies/org.toml:3 LC404"]);
    assert!(head.messages("LC404")[0].contains("--policy-from-head"));
    assert!(
        head.stderr.contains("warning: --policy-from-head"),
        "{}",
        head.stderr
    );
}

#[test]
fn configuration_and_roster_come_from_the_base_too() {
    let repo = TempRepo::init();
    repo.write("launchcheck.toml", "[files]\nexclude = []\n");
    repo.write(
        "people.toml",
        "kind = \"roster\"\n[people.alice]\nname = \"Alice\"\n",
    );
    repo.write("launches/a.toml", launch("LR-1", "submitted", ""));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    // Hide a broken request from the checker, and vouch for an unknown approver.
    repo.write(
        "launchcheck.toml",
        "[files]\nexclude = [\"launches/bad.toml\"]\n",
    );
    repo.write("launches/bad.toml", broken("LR-2"));
    repo.write(
        "people.toml",
        "kind = \"roster\"\n[people.alice]\nname = \"Alice\"\n[people.mallory]\nname = \"Mallory\"\n",
    );
    repo.commit("change");

    let run = repo.check(&["--base", "main", "--select", "LC003,LC404"]);
    assert_eq!(
        run.located(),
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
    assert_eq!(head.located(), Vec::<String>::new(), "{}", head.stderr);
}

#[test]
fn rev_and_staged_read_their_own_content() {
    let repo = TempRepo::init();
    repo.write("launches/a.toml", launch("LR-1", "submitted", ""));
    let good = repo.commit("good");

    // The work tree breaks the file; nothing is staged.
    repo.write("launches/a.toml", broken("LR-1"));
    assert_eq!(
        repo.check(&["--select", "LC003"]).located(),
        ["launches/a.toml:11 LC003"]
    );
    assert_eq!(
        repo.check(&["--staged", "--select", "LC003"]).located(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--rev", "HEAD", "--select", "LC003"])
            .located(),
        Vec::<String>::new()
    );

    // Staged broken, work tree fixed again.
    repo.git(&["add", "-A"]);
    repo.write("launches/a.toml", launch("LR-1", "submitted", ""));
    assert_eq!(
        repo.check(&["--select", "LC003"]).located(),
        Vec::<String>::new()
    );
    let staged = repo.check(&["--staged", "--select", "LC003"]);
    assert_eq!(
        staged.located(),
        ["launches/a.toml:11 LC003"],
        "{}",
        staged.stderr
    );

    // Committed broken: the commit is broken, its parent and the work tree are not.
    repo.git(&["commit", "-qm", "broken"]);
    assert_eq!(
        repo.check(&["--rev", "HEAD", "--select", "LC003"])
            .located(),
        ["launches/a.toml:11 LC003"]
    );
    assert_eq!(
        repo.check(&["--rev", &good, "--select", "LC003"]).located(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--rev", "HEAD~1", "--select", "LC003"])
            .located(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--select", "LC003"]).located(),
        Vec::<String>::new()
    );
}

#[test]
fn rev_uses_the_configuration_of_that_commit() {
    let repo = TempRepo::init();
    repo.write(
        "launchcheck.toml",
        "[files]\nexclude = [\"launches/bad.toml\"]\n",
    );
    repo.write("launches/a.toml", launch("LR-1", "submitted", ""));
    repo.write("launches/bad.toml", broken("LR-2"));
    let excluded = repo.commit("bad one excluded");
    repo.write("launchcheck.toml", "[files]\nexclude = []\n");
    repo.commit("nothing excluded");
    assert_eq!(
        repo.check(&["--rev", &excluded, "--select", "LC003"])
            .located(),
        Vec::<String>::new()
    );
    assert_eq!(
        repo.check(&["--rev", "HEAD", "--select", "LC003"])
            .located(),
        ["launches/bad.toml:11 LC003"]
    );
}

#[test]
fn a_launch_repository_in_a_subdirectory_works_in_every_mode() {
    let repo = TempRepo::init();
    repo.write("README.md", "a monorepo\n");
    repo.write("ops/launchcheck.toml", "");
    repo.write("ops/launches/a.toml", launch("LR-1", "submitted", ""));
    repo.write("launches/elsewhere.toml", broken("LR-9"));
    repo.commit("base");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write("ops/launches/b.toml", broken("LR-2"));
    repo.commit("change");
    let root = repo.path().join("ops");
    let root = root.to_str().expect("utf-8 path");
    let base = repo.check(&["--root", root, "--base", "main", "--select", "LC003"]);
    assert_eq!(
        base.located(),
        ["launches/b.toml:11 LC003"],
        "{}",
        base.stderr
    );
    let rev = repo.check(&["--root", root, "--rev", "HEAD", "--select", "LC003"]);
    assert_eq!(
        rev.located(),
        ["launches/b.toml:11 LC003"],
        "{}",
        rev.stderr
    );
    // The index holds what HEAD holds: a commit would change nothing, so nothing is reported
    // unless --all asks for every file.
    let staged = repo.check(&["--root", root, "--staged", "--select", "LC003"]);
    assert_eq!(staged.located(), Vec::<String>::new(), "{}", staged.stderr);
    let staged = repo.check(&["--root", root, "--staged", "--all", "--select", "LC003"]);
    assert_eq!(
        staged.located(),
        ["launches/b.toml:11 LC003"],
        "{}",
        staged.stderr
    );
}

#[test]
fn unknown_revisions_are_tool_errors() {
    let repo = TempRepo::init();
    repo.write("launches/a.toml", launch("LR-1", "submitted", ""));
    repo.commit("base");
    for option in ["--base", "--rev"] {
        let run = repo.check(&[option, "foo"]);
        assert_eq!(run.code, 2, "{option}: {}", run.stderr);
        assert!(
            run.stderr.contains("unknown revision 'foo'"),
            "{option}: {}",
            run.stderr
        );
        assert!(run.json_or_null().is_null(), "no report on a tool error");
    }
}

#[test]
fn outside_a_git_repository_git_modes_are_tool_errors() {
    let dir = TempRepo::plain();
    dir.write("launches/a.toml", launch("LR-1", "submitted", ""));
    let plain = check_in(dir.path(), &[]);
    assert_ne!(
        plain.code, 2,
        "the work tree needs no git: {}",
        plain.stderr
    );
    for args in [&["--staged"][..], &["--rev", "HEAD"], &["--base", "main"]] {
        let run = check_in(dir.path(), args);
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
    let repo = TempRepo::init();
    repo.write("launches/a.toml", launch("LR-1", "submitted", ""));
    repo.commit("base");
    for option in ["--policy-from-head", "--all"] {
        let run = repo.check(&[option]);
        assert_eq!(run.code, 2, "{option}");
        assert!(run.stderr.contains("--base"), "{option}: {}", run.stderr);
    }
}

/// An origin with `main` moving on after `change` branched off, for shallow clones.
fn origin_with_diverged_branches() -> (TempRepo, String) {
    let origin = TempRepo::init();
    origin.write("launches/a.toml", launch("LR-1", "submitted", ""));
    let fork = origin.commit("fork point");
    origin.git(&["checkout", "-qb", "change"]);
    origin.write("launches/b.toml", launch("LR-2", "submitted", ""));
    origin.commit("change");
    origin.git(&["checkout", "-q", "main"]);
    origin.write("launches/c.toml", launch("LR-3", "submitted", ""));
    origin.commit("main moves on");
    (origin, fork)
}

fn shallow_clone(origin: &TempRepo, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("file://{}", origin.path().display());
    let mut args = vec!["clone", "-q", "--depth", "1", "--branch", "change"];
    args.extend_from_slice(extra);
    args.push(&url);
    args.push("clone");
    git(dir.path(), &args);
    let clone = dir.path().join("clone");
    (dir, clone)
}

#[test]
fn a_shallow_clone_without_the_base_commit_says_to_fetch_it() {
    let (origin, fork) = origin_with_diverged_branches();
    let (_dir, clone) = shallow_clone(&origin, &[]);
    let run = check_in(&clone, &["--base", &fork]);
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
    let run = check_in(&clone, &["--base", "origin/main"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("merge base"), "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);

    // With the history fetched, the same run works.
    git(&clone, &["fetch", "-q", "--unshallow"]);
    let run = check_in(&clone, &["--base", "origin/main", "--select", "LC003,LC4"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.located(), Vec::<String>::new());
}
