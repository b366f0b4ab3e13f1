//! Read-only ("no input makes it … write"): `check` in every mode leaves the
//! repository — work tree and `.git` alike — exactly as it found it, down to modes and
//! modification times; and `init`, `new` and `hook install` never overwrite a file.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::time::SystemTime;

mod common;
use common::{git, TempRepo, NOW};

/// What is recorded of each entry: its kind, permission bits, modification time, and
/// content (a file's bytes, a link's target).
#[derive(Debug, PartialEq, Eq)]
struct Entry {
    kind: &'static str,
    mode: u32,
    modified: Option<SystemTime>,
    content: Vec<u8>,
}

/// Every entry under `root`, `.git` included, without following links.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut entries = BTreeMap::new();
    for item in walkdir::WalkDir::new(root).follow_links(false) {
        let item = item.expect("walk");
        let meta = item.path().symlink_metadata().expect("metadata");
        let (kind, content) = if meta.file_type().is_symlink() {
            let target = fs::read_link(item.path()).expect("link");
            ("link", target.into_os_string().into_encoded_bytes())
        } else if meta.is_dir() {
            ("dir", Vec::new())
        } else {
            ("file", fs::read(item.path()).expect("read"))
        };
        entries.insert(
            item.path()
                .strip_prefix(root)
                .expect("inside")
                .to_path_buf(),
            Entry {
                kind,
                mode: mode(&meta),
                modified: meta.modified().ok(),
                content,
            },
        );
    }
    entries
}

#[cfg(unix)]
fn mode(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode()
}

#[cfg(not(unix))]
fn mode(meta: &fs::Metadata) -> u32 {
    u32::from(meta.permissions().readonly())
}

fn assert_unchanged(
    before: &BTreeMap<PathBuf, Entry>,
    after: &BTreeMap<PathBuf, Entry>,
    what: &str,
) {
    let changed: BTreeSet<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert!(changed.is_empty(), "{what} changed {changed:?}");
}

fn launchcheck(dir: &Path, args: &[&str]) -> Output {
    common::launchcheck()
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run launchcheck")
}

/// A git repository holding the demo on `main`, a `feature` branch that edits a launch
/// request and the policy, a staged edit and an unstaged one on top.
fn demo_repository() -> TempRepo {
    let dir = TempRepo::demo();
    let root = dir.path();
    git(root, &["init", "-q"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "demo"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    let launch = root.join("launches/2026/LR-2026-0142.toml");
    let text = fs::read_to_string(&launch).expect("read");
    fs::write(
        &launch,
        text.replace("risk = \"high\"", "risk = \"medium\""),
    )
    .expect("write");
    let policy = root.join("policies/org.toml");
    let text = fs::read_to_string(&policy).expect("read");
    fs::write(
        &policy,
        text.replace("max_age_days = 90", "max_age_days = 365"),
    )
    .expect("write");
    git(root, &["commit", "-q", "-am", "loosen"]);
    let other = root.join("launches/2026/LR-2026-0145.toml");
    let text = fs::read_to_string(&other).expect("read");
    fs::write(&other, format!("{text}\n# staged edit\n")).expect("write");
    git(root, &["add", "launches/2026/LR-2026-0145.toml"]);
    fs::write(&other, format!("{text}\n# staged edit\n# unstaged edit\n")).expect("write");
    dir
}

#[test]
fn check_in_every_mode_leaves_the_repository_untouched() {
    let repo = demo_repository();
    let root = repo.path();
    let root_arg = root.to_str().expect("utf-8 path");
    let outside = TempRepo::plain();
    let report = outside.path().join("report.json");
    let report_arg = format!("json={}", report.display());
    let sarif_arg = format!("sarif={}", outside.path().join("report.sarif").display());
    let config = root.join("launchcheck.toml");
    let config_arg = config.to_str().expect("utf-8 path");

    let modes: Vec<(&str, Vec<&str>)> = vec![
        ("plain", vec![]),
        (
            "explicit paths",
            vec!["launches/2026/LR-2026-0142.toml", "plans/search.toml"],
        ),
        ("--staged", vec!["--staged"]),
        ("--rev HEAD", vec!["--rev", "HEAD"]),
        ("--rev main", vec!["--rev", "main"]),
        ("--base main", vec!["--base", "main"]),
        ("--base main --all", vec!["--base", "main", "--all"]),
        (
            "--base main --policy-from-head",
            vec!["--base", "main", "--policy-from-head"],
        ),
        ("--config", vec!["--config", config_arg]),
        (
            "reports outside",
            vec!["-f", &report_arg, "-f", &sarif_arg, "-f", "full"],
        ),
        (
            "every format",
            vec!["-f", "concise,json,sarif,github,junit,markdown"],
        ),
    ];
    let before = snapshot(root);
    assert!(
        before.keys().any(|p| p.starts_with(".git")),
        "the snapshot covers .git"
    );
    for (what, extra) in &modes {
        let mut args = vec!["check", "--root", root_arg, "--now", NOW];
        args.extend(extra);
        let output = launchcheck(root, &args);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{what}: exit {:?}\n{}",
            output.status.code(),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_unchanged(&before, &snapshot(root), what);
    }
    // The other read-only commands, from inside the repository.
    for args in [
        vec!["policy"],
        vec!["policy", "--default"],
        vec!["rule", "--all"],
        vec!["schema", "launch-request"],
        vec!["new", "launch", "--out", "-", "--now", NOW],
    ] {
        let output = launchcheck(root, &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_unchanged(&before, &snapshot(root), &format!("{args:?}"));
    }
    assert!(
        report.exists(),
        "the report outside the repository was written"
    );
}

#[test]
fn a_failing_check_writes_nothing_either() {
    let repo = demo_repository();
    let root = repo.path();
    fs::write(root.join("launchcheck.toml"), "[files]\nunknown = 1\n").expect("write");
    let before = snapshot(root);
    let root_arg = root.to_str().expect("utf-8 path");
    // The work tree's configuration is broken; `--staged` reads the index's, which is not.
    for (extra, code) in [
        (vec![], 2),
        (vec!["--staged"], 1),
        (vec!["--base", "main"], 2),
        (vec!["--rev", "nope"], 2),
    ] {
        let mut args = vec!["check", "--root", root_arg, "--now", NOW];
        args.extend(&extra);
        let output = launchcheck(root, &args);
        assert_eq!(output.status.code(), Some(code), "{extra:?}");
        assert_unchanged(&before, &snapshot(root), &format!("{extra:?}"));
    }
}

const KNOWN: &str = "# written by the test; must survive\n";

#[test]
fn init_keeps_every_existing_file() {
    let dir = TempRepo::plain();
    let root = dir.path();
    let existing = [
        "launchcheck.toml",
        "people.toml",
        "policies/org.toml",
        "launches/LR-EXAMPLE-0001.toml",
        "plans/RP-example.toml",
    ];
    // The editor schemas are init's own files: one that differs from the binary's is
    // replaced (an outdated copy would mislead editors); the user's documents never are.
    let schema = ".launchcheck/schemas/launch-request.schema.json";
    for path in existing.iter().chain([&schema]) {
        let full = root.join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, KNOWN).expect("write");
    }
    let before = snapshot(root);
    let output = launchcheck(root, &["init", ".", "--now", NOW]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    for path in existing {
        assert_eq!(
            fs::read_to_string(root.join(path)).expect("read"),
            KNOWN,
            "{path}"
        );
        assert!(
            stdout.contains(&format!("kept    ./{path}")),
            "{path} not reported as kept:\n{stdout}"
        );
    }
    assert!(
        stdout.contains(&format!("updated ./{schema}")),
        "{schema} not reported as updated:\n{stdout}"
    );
    // Only new files appeared; nothing that was there changed but the outdated schema.
    let after = snapshot(root);
    for (path, entry) in &before {
        if entry.kind == "file" && !path.ends_with(schema) {
            assert_eq!(after.get(path), Some(entry), "{}", path.display());
        }
    }
    assert!(root
        .join(".launchcheck/schemas/roster.schema.json")
        .exists());
    // A second run creates nothing and changes nothing.
    let settled = snapshot(root);
    let again = launchcheck(root, &["init", ".", "--now", NOW]);
    assert_eq!(again.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&again.stdout).contains("created"));
    assert_unchanged(&settled, &snapshot(root), "a second init");
}

#[test]
fn new_never_overwrites() {
    let dir = TempRepo::plain();
    let root = dir.path();
    fs::write(root.join("launchcheck.toml"), "").expect("write");
    fs::create_dir_all(root.join("launches")).expect("mkdir");
    fs::create_dir_all(root.join("plans")).expect("mkdir");
    fs::write(root.join("launches/LR-2026-0001.toml"), KNOWN).expect("write");
    fs::write(root.join("plans/RP-2026-0001.toml"), KNOWN).expect("write");
    fs::write(root.join("mine.toml"), KNOWN).expect("write");
    let before = snapshot(root);
    for args in [
        vec!["new", "launch", "--id", "LR-2026-0001"],
        vec!["new", "plan", "--id", "RP-2026-0001"],
        vec!["new", "launch", "--out", "mine.toml"],
        vec!["new", "plan", "--id", "RP-2026-0009", "--out", "mine.toml"],
    ] {
        let mut all = args.clone();
        all.extend(["--now", NOW]);
        let output = launchcheck(root, &all);
        assert_eq!(output.status.code(), Some(2), "{args:?} must refuse");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("never overwrites"),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_unchanged(&before, &snapshot(root), &format!("{args:?}"));
    }
}

#[cfg(unix)]
#[test]
fn hook_install_never_replaces_another_hook() {
    use std::os::unix::fs::symlink;
    let dir = TempRepo::plain();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let hooks = root.join(".git/hooks");
    fs::create_dir_all(&hooks).expect("mkdir");
    let hook = hooks.join("pre-commit");
    let elsewhere = TempRepo::plain();
    let target = elsewhere.path().join("shared-hook");

    // Someone else's hook as a file, as a link to a file, and as a dangling link (a hook
    // manager's, not installed yet): each is left alone, and nothing is written through.
    let script = format!("#!/bin/sh\n{KNOWN}");
    for what in ["a file", "a link to a file", "a dangling link"] {
        let _ = fs::remove_file(&hook);
        let _ = fs::remove_file(&target);
        match what {
            "a file" => fs::write(&hook, &script).expect("write"),
            "a link to a file" => {
                fs::write(&target, &script).expect("write");
                symlink(&target, &hook).expect("link");
            }
            _ => symlink(&target, &hook).expect("link"),
        }
        let before = (snapshot(root), snapshot(elsewhere.path()));
        let output = launchcheck(root, &["hook", "install"]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{what}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("was not written by launchcheck"),
            "{what}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_unchanged(&before.0, &snapshot(root), what);
        assert_unchanged(&before.1, &snapshot(elsewhere.path()), what);
    }

    // Its own hook may be rewritten; that is the only replacement allowed.
    fs::remove_file(&hook).expect("remove");
    let first = launchcheck(root, &["hook", "install"]);
    assert_eq!(first.status.code(), Some(0));
    let second = launchcheck(root, &["hook", "install"]);
    assert_eq!(second.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("updated"));
}
