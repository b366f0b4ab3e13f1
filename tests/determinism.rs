//! Determinism: the same repository gives byte-identical output in every
//! format with one and with two worker threads, across repeated runs, and whatever order
//! the files were created in or the tree lists them in.
//!
//! The repository is the demo plus generated launch requests built to produce findings
//! whose order could depend on scheduling: duplicate ids (each with the other as related
//! span), colliding windows, dependency cycles, waivers used and unused, and findings at
//! the same position from different rules.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Stdio;

use launchcheck::check::{self, Options};
use launchcheck::config::Config;
use launchcheck::emit::{self, Format, Style};
use launchcheck::tree::{MemoryTree, ReadOutcome, Tree};

mod common;
use common::{launchcheck, TempRepo, NOW};

/// Every file of the test repository: the demo's files, then generated launch requests.
fn repository() -> BTreeMap<String, Vec<u8>> {
    let demo = common::demo();
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&demo).sort_by_file_name() {
        let entry = entry.expect("walk demo");
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&demo).expect("inside");
            let relative = relative.to_str().expect("utf-8").replace('\\', "/");
            files.insert(relative, fs::read(entry.path()).expect("read"));
        }
    }
    for i in 0..60 {
        // Every seventh id is taken twice; windows of the same service overlap in pairs;
        // each launch depends on the next, and every tenth on one ten back (cycles).
        let id = if i % 7 == 6 {
            format!("LR-2027-{:04}", i - 1)
        } else {
            format!("LR-2027-{i:04}")
        };
        let service = ["search-api", "payments-api", "catalogue", "搜索"][i % 4];
        let hour = (i / 2) % 20;
        let depends = if i % 10 == 9 {
            format!("LR-2027-{:04}", i - 9)
        } else {
            format!("LR-2027-{:04}", i + 1)
        };
        let waiver = if i % 3 == 0 {
            "\n[[waivers]]\nrule = \"launch-window\"\nreason = \"long reindex\"\napproved_by = \"mia\"\nexpires = 2026-12-20\n"
        } else {
            ""
        };
        let text = format!(
            r#"kind = "launch-request"
id = "{id}"
title = "Generated change {i} — 生成的变更"
services = ["{service}"]
change_type = "{change}"
risk = "{risk}"
status = "submitted"
requester = "alice"
submitted_at = 2026-11-2{day}T09:00:00+08:00
response_plan = "RP-{plan}"
depends_on = ["{depends}"]

[window]
start = 2026-12-10T{hour:02}:00:00+08:00
end = 2026-12-10T{end:02}:30:00+08:00

[[steps]]
action = "Deploy"
owner = "{owner}"
minutes = {minutes}

[rollback]
steps = ["Roll back"]
minutes = 10
owner = "bob"
{waiver}"#,
            change = ["normal", "standard", "emergency"][i % 3],
            risk = ["low", "medium", "high", "critical"][(i / 3) % 4],
            day = i % 4,
            plan = ["payments", "search", "missing"][i % 3],
            end = hour + 1 + i % 12 / 5,
            owner = ["bob", "alice", "nobody"][i % 3],
            minutes = 20 + i * 7,
        );
        files.insert(format!("launches/gen/{i:02}.toml"), text.into_bytes());
    }
    files
}

/// Writes `files` into `dir` in the given order.
fn write_in_order<'a>(dir: &Path, order: impl IntoIterator<Item = (&'a String, &'a Vec<u8>)>) {
    for (path, bytes) in order {
        let full = dir.join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, bytes).expect("write");
    }
}

/// Every format's output of one `check` run, read back from files.
fn outputs(root: &Path, extra: &[&str]) -> BTreeMap<&'static str, Vec<u8>> {
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = launchcheck();
    command
        .args(["check", "--root"])
        .arg(root)
        .args(["--now", NOW, "--color", "never"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null());
    for format in Format::NAMES {
        command
            .arg("-f")
            .arg(format!("{format}={}", out.path().join(format).display()));
    }
    let result = command.output().expect("run launchcheck");
    assert_eq!(
        result.status.code(),
        Some(1),
        "the repository has findings; stderr:\n{}",
        String::from_utf8_lossy(&result.stderr)
    );
    Format::NAMES
        .into_iter()
        .map(|format| (format, fs::read(out.path().join(format)).expect("output")))
        .collect()
}

fn assert_same(a: &BTreeMap<&str, Vec<u8>>, b: &BTreeMap<&str, Vec<u8>>, what: &str) {
    for format in Format::NAMES {
        let (x, y) = (&a[format], &b[format]);
        if x != y {
            let at = x
                .iter()
                .zip(y)
                .position(|(p, q)| p != q)
                .unwrap_or(x.len().min(y.len()));
            let from = at.saturating_sub(200);
            panic!(
                "{what}: `{format}` output differs at byte {at}:\n{}\n---- versus ----\n{}",
                String::from_utf8_lossy(&x[from..(at + 200).min(x.len())]),
                String::from_utf8_lossy(&y[from..(at + 200).min(y.len())]),
            );
        }
    }
}

#[test]
fn output_is_identical_with_one_and_two_threads_and_across_runs() {
    let files = repository();
    let dir = TempRepo::plain();
    write_in_order(dir.path(), &files);

    let one = outputs(dir.path(), &["--jobs", "1"]);
    let json: serde_json::Value = serde_json::from_slice(&one["json"]).expect("json");
    let findings = json["findings"].as_array().expect("findings");
    // The repository exercises what could be ordered by scheduling.
    for code in ["LC004", "LC111", "LC112", "LC101", "LC105", "LC503"] {
        assert!(
            findings.iter().any(|f| f["code"] == code),
            "no {code} finding to order"
        );
    }
    assert!(
        findings.iter().any(|f| !f["waiver"].is_null()),
        "no waived finding"
    );
    assert!(findings.len() > 100, "only {} findings", findings.len());

    let two = outputs(dir.path(), &["--jobs", "2"]);
    assert_same(&one, &two, "--jobs 1 versus --jobs 2");
    for run in 0..3 {
        let again = outputs(dir.path(), &["--jobs", "2"]);
        assert_same(&two, &again, &format!("--jobs 2, run {}", run + 2));
    }
    let default = outputs(dir.path(), &[]);
    assert_same(&one, &default, "--jobs 1 versus the default thread count");
}

#[test]
fn output_is_identical_whatever_order_the_files_were_created_in() {
    let files = repository();
    let forward = TempRepo::plain();
    let backward = TempRepo::plain();
    let interleaved = TempRepo::plain();
    write_in_order(forward.path(), &files);
    write_in_order(backward.path(), files.iter().rev());
    // Odd positions first, then even ones: directories are created in yet another order.
    let (odd, even): (Vec<_>, Vec<_>) = files.iter().enumerate().partition(|(i, _)| i % 2 == 1);
    write_in_order(
        interleaved.path(),
        odd.into_iter().chain(even).map(|(_, entry)| entry),
    );

    let reference = outputs(forward.path(), &["--jobs", "2"]);
    assert_same(
        &reference,
        &outputs(backward.path(), &["--jobs", "2"]),
        "created backwards",
    );
    assert_same(
        &reference,
        &outputs(interleaved.path(), &["--jobs", "1"]),
        "created interleaved",
    );
}

/// A tree that lists its files in reverse order (the trait asks for sorted paths; the
/// output must not depend on it being honoured).
struct Reversed(MemoryTree);

impl Tree for Reversed {
    fn paths(&self) -> launchcheck::error::Result<Vec<String>> {
        let mut paths = self.0.paths()?;
        paths.reverse();
        Ok(paths)
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        self.0.read(path, limit)
    }

    fn contains(&self, path: &str) -> bool {
        self.0.contains(path)
    }
}

fn render_all(tree: &dyn Tree, config: &Config) -> BTreeMap<&'static str, Vec<u8>> {
    let options = Options {
        now: Some(NOW.to_owned()),
        ..Options::default()
    };
    let report = check::run_on(tree, config, &options, None).expect("run");
    let style = Style {
        color: false,
        quiet: false,
        width: 100,
    };
    Format::NAMES
        .into_iter()
        .map(|name| {
            let mut out = Vec::new();
            let format = Format::parse(name).expect("format");
            emit::emit(format, &report, style, &mut out).expect("render");
            (name, out)
        })
        .collect()
}

#[test]
fn output_is_identical_whatever_order_the_tree_lists_files_in() {
    let files = repository();
    let config_text = String::from_utf8(files["launchcheck.toml"].clone()).expect("utf-8");
    let config =
        launchcheck::config::parse("launchcheck.toml", config_text, &jiff::tz::TimeZone::UTC)
            .expect("demo config");
    let mut tree = MemoryTree::new();
    for (path, bytes) in &files {
        tree.insert(path.clone(), bytes.clone());
    }
    let sorted = render_all(&tree, &config);
    let reversed = render_all(&Reversed(tree), &config);
    assert_same(&sorted, &reversed, "listed in reverse");
}
