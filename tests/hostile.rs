//! Hostile input: deep nesting, huge arrays, files and strings,
//! impossible dates, DST edges, NUL bytes, bad encodings, symlink tricks, odd paths, files
//! that vanish or cannot be read, empty and enormous repositories. Every case must end in a
//! clear finding or an exit-2 message, within a wall-clock guard, and a known-bad sibling
//! file must still be reported, proving that one bad file does not stop the run.
//!
//! Also here: the replay of the fuzz target's seeds and crash regressions through the same
//! harness (`fuzz/harness.rs`), and the refusal of remote `$ref`s in schemas.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use launchcheck::check::{self, Options};
use launchcheck::config::Config;
use launchcheck::tree::{ReadOutcome, Tree, WorkTree};
use serde_json::{json, Value};

mod common;
use common::{head, launchcheck, Run, TempRepo, NOW};

/// Any run longer than this is a hang.
const GUARD: Duration = Duration::from_secs(60);

/// A launch request with schema errors that every run must still report, whatever its
/// neighbours do: it lacks `title` (and more).
const SIBLING_PATH: &str = "launches/sibling.toml";
const SIBLING: &str = "kind = \"launch-request\"\nid = \"LR-SIBLING\"\n";

/// A valid low-risk launch request; `{id}` and `{extra}` are filled in per test.
const VALID_LAUNCH: &str = r#"kind = "launch-request"
id = "{id}"
title = "Search API 1.4.2"
services = ["search-api"]
change_type = "normal"
risk = "low"
status = "submitted"
requester = "alice"
submitted_at = 2026-11-20T09:00:00Z
{extra}
[window]
start = 2026-12-01T02:00:00Z
end = 2026-12-01T04:00:00Z

[[steps]]
action = "Deploy 1.4.2"
owner = "bob"
minutes = 20

[rollback]
steps = ["Redeploy 1.4.1"]
minutes = 10
owner = "bob"
"#;

fn valid_launch(id: &str, extra: &str) -> String {
    VALID_LAUNCH.replace("{id}", id).replace("{extra}", extra)
}

/// A launch repository in a temporary directory, with the bad sibling already in it.
fn repo() -> TempRepo {
    let repo = TempRepo::plain();
    repo.write(SIBLING_PATH, SIBLING);
    repo
}

/// Checks under the wall-clock guard.
trait GuardedCheck {
    /// `check --root REPO --now NOW -f json` plus `args`.
    fn check_guarded(&self, args: &[&str]) -> Run;
    /// [`GuardedCheck::check_guarded`] at another `--now`.
    fn check_guarded_at(&self, now: &str, args: &[&str]) -> Run;
}

impl GuardedCheck for TempRepo {
    fn check_guarded(&self, args: &[&str]) -> Run {
        self.check_guarded_at(NOW, args)
    }

    fn check_guarded_at(&self, now: &str, args: &[&str]) -> Run {
        let root = self.path().to_str().expect("utf-8 temp path").to_owned();
        let mut all = vec!["check", "--root", &root, "--now", now, "-f", "json"];
        all.extend_from_slice(args);
        run_guarded(self.path(), &all)
    }
}

/// What the hostile cases read from a report.
trait HostileView {
    /// Findings in one file, as `(code, line, column, message)`.
    fn in_file(&self, path: &str) -> Vec<(String, u64, u64, String)>;
    /// The one finding of `code` in `path`; fails when there is none or several.
    fn only(&self, path: &str, code: &str) -> (u64, u64, String);
    /// The bad sibling was still checked.
    fn assert_sibling_reported(&self);
}

impl HostileView for Run {
    fn in_file(&self, path: &str) -> Vec<(String, u64, u64, String)> {
        self.findings_in(path)
            .into_iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap_or_default().to_owned(),
                    f["line"].as_u64().unwrap_or_default(),
                    f["column"].as_u64().unwrap_or_default(),
                    f["message"].as_str().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    fn only(&self, path: &str, code: &str) -> (u64, u64, String) {
        let found: Vec<_> = self
            .in_file(path)
            .into_iter()
            .filter(|(c, ..)| c == code)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "expected one {code} in {path}, got {found:?}\nall: {:?}",
            self.in_file(path)
        );
        let (_, line, column, message) = found.into_iter().next().expect("one");
        (line, column, message)
    }

    fn assert_sibling_reported(&self) {
        let sibling = self.in_file(SIBLING_PATH);
        assert!(
            sibling
                .iter()
                .any(|(code, line, column, message)| code == "LC003"
                    && (*line, *column) == (1, 1)
                    && message == "missing required key `title` at the top level"),
            "the bad sibling was not reported; its findings: {sibling:?}\nstderr:\n{}",
            head(&self.stderr)
        );
        assert_eq!(
            self.code,
            1,
            "findings exit 1; stderr:\n{}",
            head(&self.stderr)
        );
    }
}

/// Runs the binary with output in files (no pipe can fill up), killing it after [`GUARD`].
fn run_guarded(cwd: &Path, args: &[&str]) -> Run {
    let out = tempfile::tempdir().expect("temp dir");
    let stdout_path = out.path().join("stdout");
    let stderr_path = out.path().join("stderr");
    let started = Instant::now();
    let mut child = launchcheck()
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .expect("run launchcheck");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("launchcheck {args:?} ran longer than {GUARD:?}: a hang");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let read = |p: &Path| String::from_utf8_lossy(&fs::read(p).expect("read output")).into_owned();
    Run::new(
        status
            .code()
            .unwrap_or_else(|| panic!("killed by a signal: {status:?}")),
        read(&stdout_path),
        read(&stderr_path),
        elapsed,
    )
}

// ---------------------------------------------------------------------------------------
// Structure: nesting, size

#[test]
fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
    let repo = repo();
    let depth = 10_000;
    let kind = "kind = \"launch-request\"\n";
    let deep = [
        (
            "arrays",
            format!(
                "{kind}x-deep = {}{}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            ),
        ),
        (
            "inline-tables",
            format!(
                "{kind}x-deep = {}1{}\n",
                "{a=".repeat(depth),
                "}".repeat(depth)
            ),
        ),
        (
            "mixed",
            format!(
                "{kind}x-deep = {}1{}\n",
                "[{a=".repeat(depth / 2),
                "}]".repeat(depth / 2)
            ),
        ),
        (
            "dotted-keys",
            format!("{kind}{} = 1\n", vec!["a"; depth].join(".")),
        ),
        (
            "table-header",
            format!("{kind}[{}]\n", vec!["a"; depth].join(".")),
        ),
        (
            "array-of-tables",
            format!("{kind}[[{}]]\n", vec!["a"; depth].join(".")),
        ),
        (
            "unclosed",
            format!("{kind}x-deep = {}\n", "[".repeat(100_000)),
        ),
    ];
    for (name, text) in &deep {
        repo.write(&format!("launches/{name}.toml"), text);
    }
    // Nesting the parser accepts is read like any other value (an `x-` key is ignored).
    let shallow = valid_launch(
        "LR-SHALLOW",
        &format!("x-deep = {}{}\n", "[".repeat(40), "]".repeat(40)),
    );
    repo.write("launches/shallow.toml", shallow);

    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    for (name, _) in &deep {
        let path = format!("launches/{name}.toml");
        let found = run.in_file(&path);
        assert!(
            !found.is_empty() && found.iter().all(|(code, ..)| code == "LC001"),
            "{path}: {found:?}"
        );
    }
    for name in ["arrays", "inline-tables", "dotted-keys", "table-header"] {
        let (_, _, message) = run.only(&format!("launches/{name}.toml"), "LC001");
        assert_eq!(
            message,
            "tables, arrays or dotted keys are nested too deeply to be read"
        );
    }
    assert_eq!(run.in_file("launches/shallow.toml"), []);
}

/// The work tree is listed by parallel recursion, one directory per task: a directory
/// nested as deep as a path can go is listed without exhausting a worker's stack, and the
/// document at its bottom is checked.
#[test]
fn directories_nested_as_deep_as_paths_go_are_listed() {
    let repo = repo();
    // `a/` repeated up to some 3,800 bytes of path, under the 4,096 a path may have.
    let budget = 3_800usize.saturating_sub(repo.path().as_os_str().len());
    let depth = budget / 2 - 20;
    let path = format!("launches/{}x.toml", "a/".repeat(depth));
    repo.write(&path, "kind = \"launch-request\"\nid = 7\n");
    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    let found = run.in_file(&path);
    assert!(
        found.iter().any(|(code, ..)| code == "LC003"),
        "the deepest document ({depth} directories down) is checked: {found:?}"
    );
}

#[test]
fn arrays_of_100_000_elements() {
    let repo = repo();
    let services: Vec<String> = (0..100_000).map(|i| format!("\"s{i}\"")).collect();
    let wide = valid_launch("LR-WIDE", "")
        .replace("[\"search-api\"]", &format!("[{}]", services.join(",")));
    assert!(
        wide.len() < 1024 * 1024,
        "stays under the default size limit"
    );
    repo.write("launches/wide.toml", &wide);
    let numbers = vec!["1"; 100_000].join(",");
    repo.write(
        "launches/numbers.toml",
        valid_launch("LR-NUMBERS", &format!("x-numbers = [{numbers}]\n")),
    );
    // 10,000 schema errors in one array: each is reported at its own element.
    let wrong_numbers = vec!["1"; 10_000].join(",");
    repo.write(
        "launches/wrong.toml",
        valid_launch("LR-WRONG", "").replace("[\"search-api\"]", &format!("[{wrong_numbers}]")),
    );

    let run = repo.check_guarded(&["--select", "LC0"]);
    run.assert_sibling_reported();
    assert_eq!(run.in_file("launches/wide.toml"), []);
    assert_eq!(run.in_file("launches/numbers.toml"), []);
    let wrong = run.in_file("launches/wrong.toml");
    assert_eq!(wrong.len(), 10_000);
    assert_eq!(
        wrong[0],
        (
            "LC003".to_owned(),
            4,
            13,
            "expected a string in `services[0]`, found an integer".to_owned()
        )
    );
    assert!(run.elapsed < GUARD, "bounded: took {:?}", run.elapsed);
}

#[test]
fn a_50_megabyte_file_is_rejected_by_its_size_without_being_read() {
    let repo = repo();
    let huge = repo.write("launches/huge.toml", "");
    fs::File::options()
        .write(true)
        .open(&huge)
        .and_then(|f| f.set_len(50 * 1024 * 1024))
        .expect("grow to 50 MB");
    // A sparse 64 GiB file: reading it whole would outlast the guard and the memory, so a
    // prompt LC005 shows that the size is judged before reading.
    let enormous = repo.write("launches/enormous.toml", "");
    let sparse = fs::File::options()
        .write(true)
        .open(&enormous)
        .and_then(|f| f.set_len(64 << 30));
    if sparse.is_err() {
        fs::remove_file(&enormous).expect("remove");
    }

    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    let (line, column, message) = run.only("launches/huge.toml", "LC005");
    assert_eq!((line, column), (1, 1));
    assert_eq!(
        message,
        "the file is 52428800 bytes, over the limit of 1048576 bytes"
    );
    if sparse.is_ok() {
        let (_, _, message) = run.only("launches/enormous.toml", "LC005");
        assert_eq!(
            message,
            format!(
                "the file is {} bytes, over the limit of 1048576 bytes",
                64u64 << 30
            )
        );
    }
    assert!(
        run.elapsed < Duration::from_secs(20),
        "took {:?}",
        run.elapsed
    );
}

#[test]
fn megabyte_strings_keys_and_ids() {
    let repo = repo();
    let mega = "a".repeat(1_000_000);
    repo.write(
        "launches/title.toml",
        valid_launch("LR-TITLE", "").replace("\"Search API 1.4.2\"", &format!("\"{mega}\"")),
    );
    // A megabyte of multi-byte text where an enum value belongs: the finding quotes it.
    repo.write(
        "launches/risk.toml",
        valid_launch("LR-RISK", "").replace("\"low\"", &format!("\"{}\"", "标".repeat(300_000))),
    );
    // A megabyte-long unknown key: the "did you mean" search must not compare it.
    repo.write(
        "launches/key.toml",
        valid_launch("LR-KEY", &format!("{mega} = 1\n")),
    );
    // Two near-identical 200 kB ids: a link from one to the other used to take minutes to
    // find its "did you mean" suggestion.
    let long_id = "P".repeat(200_000);
    repo.write(
        "plans/long.toml",
        format!(
            "kind = \"response-plan\"\nid = \"{long_id}a\"\ntitle = \"t\"\nservices = [\"search-api\"]\nowner = \"bob\"\n"
        ),
    );
    repo.write(
        "launches/link.toml",
        valid_launch("LR-LINK", &format!("response_plan = \"{long_id}b\"\n")),
    );

    // The graphical report quotes megabyte lines too, in the same bounded run.
    let full = repo.path().join("report.txt");
    let run = repo.check_guarded(&["-f", &format!("full={}", full.display())]);
    run.assert_sibling_reported();
    assert!(fs::metadata(&full).expect("full report").len() > 1_000_000);
    assert!(run
        .in_file("launches/title.toml")
        .iter()
        .all(|(code, ..)| code != "LC001" && code != "LC003"));
    let (line, column, message) = run.only("launches/risk.toml", "LC003");
    assert_eq!((line, column), (6, 8));
    assert!(
        message.ends_with("is not a valid value in `risk`"),
        "{}",
        head(&message)
    );
    let (line, column, message) = run.only("launches/key.toml", "LC003");
    assert_eq!((line, column), (10, 1));
    assert!(
        message.starts_with("unknown key `aaaa"),
        "{}",
        head(&message)
    );
    let (line, column, message) = run.only("launches/link.toml", "LC101");
    assert_eq!((line, column), (10, 17));
    assert!(message.starts_with("there is no response plan with the id `PPPP"));
}

// ---------------------------------------------------------------------------------------
// Time: impossible dates, the ends of the calendar, DST

#[test]
fn impossible_and_extreme_dates() {
    let repo = repo();
    let with_window = |id: &str, start: &str, end: &str| {
        valid_launch(id, "")
            .replace("2026-12-01T02:00:00Z", start)
            .replace("2026-12-01T04:00:00Z", end)
    };
    repo.write(
        "launches/feb30-datetime.toml",
        with_window("LR-A", "2026-02-30T02:00:00Z", "2026-03-01T04:00:00Z"),
    );
    repo.write(
        "launches/feb30-date.toml",
        valid_launch("LR-B", "")
            .replace("minutes = 10\n", "minutes = 10\ntested_on = 2026-02-30\n"),
    );
    repo.write(
        "launches/feb29-non-leap.toml",
        valid_launch("LR-C", "")
            .replace("minutes = 10\n", "minutes = 10\ntested_on = 2027-02-29\n"),
    );
    repo.write(
        "launches/month13.toml",
        with_window("LR-D", "2026-13-01T02:00:00Z", "2026-12-01T04:00:00Z"),
    );
    repo.write(
        "launches/hour25.toml",
        with_window("LR-E", "2026-12-01T25:00:00Z", "2026-12-01T04:00:00Z"),
    );
    // Year 0 is a valid RFC 3339 year: judged like any other date, thousands of years ago.
    repo.write(
        "launches/year0.toml",
        with_window("LR-F", "0000-01-01T00:00:00Z", "0000-01-01T01:00:00Z")
            .replace("2026-11-20T09:00:00Z", "0000-01-01T00:00:00Z")
            .replace("minutes = 10\n", "minutes = 10\ntested_on = 0000-01-01\n"),
    );
    // The last representable instants and beyond, with extreme offsets.
    repo.write(
        "launches/year9999.toml",
        with_window(
            "LR-G",
            "9999-12-31T20:00:00+23:59",
            "9999-12-31T23:59:59-23:59",
        ),
    );

    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    let expected_syntax = [
        ("launches/feb30-datetime.toml", 12, 9),
        ("launches/feb30-date.toml", 23, 13),
        ("launches/feb29-non-leap.toml", 23, 13),
        ("launches/month13.toml", 12, 9),
        ("launches/hour25.toml", 12, 9),
    ];
    for (path, line, column) in expected_syntax {
        let (at_line, at_column, message) = run.only(path, "LC001");
        assert_eq!((at_line, at_column), (line, column), "{path}: {message}");
    }
    let (_, _, message) = run.only("launches/feb30-date.toml", "LC001");
    assert!(message.starts_with("invalid date"), "{message}");
    // Year 0: the rules run and measure in days, no error of the tool.
    let year0 = run.in_file("launches/year0.toml");
    assert!(
        year0.iter().all(|(code, ..)| !code.starts_with("LC00")),
        "{year0:?}"
    );
    assert!(
        year0.iter().any(|(code, _, _, message)| code == "LC102"
            && message.contains("days before the window")
            || code == "LC110"),
        "{year0:?}"
    );
    // Beyond the representable range: reported, not dropped and not a crash.
    assert!(
        !run.in_file("launches/year9999.toml").is_empty(),
        "an unrepresentable window must not vanish from the report"
    );
}

#[test]
fn an_unrepresentable_datetime_is_reported_at_its_value() {
    let repo = repo();
    repo.write(
        "launches/year9999.toml",
        valid_launch("LR-G", "").replace("2026-12-01T04:00:00Z", "9999-12-31T23:59:59-23:59"),
    );
    let run = repo.check_guarded(&[]);
    let (line, column, _) = run.only("launches/year9999.toml", "LC003");
    assert_eq!((line, column), (13, 7), "points at `window.end`");
}

const NEW_YORK: &str = "[time]\ntimezone = \"America/New_York\"\n";

#[test]
fn local_datetimes_in_a_dst_gap_or_fold_get_an_offset_hint() {
    let repo = repo();
    repo.write("launchcheck.toml", NEW_YORK);
    // 02:30 on 2026-03-08 does not exist in New York; 01:30 on 2026-11-01 happens twice.
    repo.write(
        "launches/gap.toml",
        valid_launch("LR-GAP", "")
            .replace("2026-12-01T02:00:00Z", "2026-03-08T02:30:00")
            .replace("2026-12-01T04:00:00Z", "2026-03-08T04:00:00-04:00")
            .replace("2026-11-20T09:00:00Z", "2026-03-01T09:00:00-05:00"),
    );
    repo.write(
        "launches/fold.toml",
        valid_launch("LR-FOLD", "")
            .replace("2026-12-01T02:00:00Z", "2026-11-01T01:30:00")
            .replace("2026-12-01T04:00:00Z", "2026-11-01T04:00:00-05:00"),
    );
    let run = repo.check_guarded_at("2026-02-01", &[]);
    run.assert_sibling_reported();
    let help_at = |path: &str| -> String {
        let findings = run.finding_list();
        let finding = findings
            .iter()
            .find(|f| f["path"] == path && f["code"] == "LC003")
            .unwrap_or_else(|| panic!("no LC003 in {path}: {:?}", run.in_file(path)));
        assert_eq!(
            (finding["line"].as_u64(), finding["column"].as_u64()),
            (Some(12), Some(9))
        );
        finding["help"].as_str().unwrap_or_default().to_owned()
    };
    let gap = help_at("launches/gap.toml");
    assert!(
        gap.contains("2026-03-08T02:30:00-05:00") || gap.contains("2026-03-08T02:30:00-04:00"),
        "{gap}"
    );
    let fold = help_at("launches/fold.toml");
    assert!(
        fold.contains("2026-11-01T01:30:00-04:00") || fold.contains("2026-11-01T01:30:00-05:00"),
        "{fold}"
    );
}

#[test]
fn bare_now_dates_start_at_the_zones_first_instant_even_across_dst() {
    let repo = repo();
    repo.write("launchcheck.toml", NEW_YORK);
    // Midnight exists on both New York transition days: EST (-05:00) on the spring day,
    // EDT (-04:00) on the autumn day.
    for (date, expected) in [
        ("2026-03-08", "2026-03-08T05:00:00Z"),
        ("2026-11-01", "2026-11-01T04:00:00Z"),
    ] {
        let run = repo.check_guarded_at(date, &[]);
        run.assert_sibling_reported();
        assert_eq!(run.json()["now"], expected, "--now {date}");
    }
    // Where midnight itself falls in a gap (Santiago moves 00:00 to 01:00), the day starts
    // at its first existing instant.
    let santiago = jiff::tz::TimeZone::get("America/Santiago").expect("zone");
    let day = (0..366)
        .map(|i| {
            jiff::civil::date(2026, 1, 1)
                .checked_add(jiff::Span::new().days(i))
                .expect("date")
        })
        .find(|d| {
            matches!(
                santiago
                    .to_ambiguous_zoned_datetime(d.to_datetime(jiff::civil::Time::midnight()))
                    .offset(),
                jiff::tz::AmbiguousOffset::Gap { .. }
            )
        })
        .expect("Santiago skips a midnight in 2026");
    repo.write(
        "launchcheck.toml",
        "[time]\ntimezone = \"America/Santiago\"\n",
    );
    let run = repo.check_guarded_at(&day.to_string(), &[]);
    run.assert_sibling_reported();
    let now: jiff::Timestamp = run.json()["now"]
        .as_str()
        .expect("now")
        .parse()
        .expect("timestamp");
    let local_date = |t: jiff::Timestamp| t.to_zoned_datetime(santiago.clone()).date();
    assert_eq!(local_date(now), day);
    let before = now
        .checked_sub(jiff::SignedDuration::from_secs(1))
        .expect("instant");
    assert!(
        local_date(before) < day,
        "{now} is not the first instant of {day}"
    );
}

#[test]
fn a_waiver_lasts_through_its_whole_day_on_dst_transition_days() {
    let repo = TempRepo::plain();
    repo.write("launchcheck.toml", NEW_YORK);
    for (day, last_valid, first_expired) in [
        // Spring forward: the 8th ends at 00:00 EDT on the 9th = 04:00Z.
        ("2026-03-08", "2026-03-09T03:59:59Z", "2026-03-09T04:00:00Z"),
        // Fall back: the 1st ends at 00:00 EST on the 2nd = 05:00Z.
        ("2026-11-01", "2026-11-02T04:59:59Z", "2026-11-02T05:00:00Z"),
    ] {
        let waiver = format!(
            "[[waivers]]\nrule = \"launch-window\"\nreason = \"r\"\napproved_by = \"carol\"\nexpires = {day}\n"
        );
        repo.write(
            "launches/waived.toml",
            valid_launch("LR-W", "").replace("[window]", &format!("{waiver}\n[window]")),
        );
        let at = |now: &str| {
            let run = repo.check_guarded_at(now, &["--select", "LC501"]);
            assert_ne!(run.code, 2, "{}", run.stderr);
            run.in_file("launches/waived.toml").len()
        };
        assert_eq!(at(last_valid), 0, "valid through {day} at {last_valid}");
        assert_eq!(
            at(first_expired),
            1,
            "expired after {day} at {first_expired}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Bytes: NUL, encodings

#[test]
fn nul_bytes_are_syntax_errors_at_their_place() {
    let repo = repo();
    repo.write(
        "launches/in-string.toml",
        b"kind = \"launch-request\"\ntitle = \"a\x00b\"\n".as_slice(),
    );
    repo.write(
        "launches/in-comment.toml",
        b"kind = \"launch-request\"\n# a\x00b\n".as_slice(),
    );
    repo.write("launches/all-nul.toml", vec![0u8; 4096]);
    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    assert_eq!(
        run.only("launches/in-string.toml", "LC001").0,
        2,
        "on the line of the NUL"
    );
    assert_eq!(run.only("launches/in-comment.toml", "LC001").0, 2);
    let all = run.in_file("launches/all-nul.toml");
    assert!(
        !all.is_empty() && all.iter().all(|(code, ..)| code == "LC001"),
        "{all:?}"
    );
}

#[test]
fn files_that_are_not_utf8_are_unreadable_at_the_first_bad_byte() {
    let repo = repo();
    repo.write(
        "launches/latin1.toml",
        b"kind = \"launch-request\"\ntitle = \"caf\xe9\"\n".as_slice(),
    );
    repo.write(
        "launches/bom-latin1.toml",
        b"\xef\xbb\xbfkind = \"launch-request\"\ntitle = \"caf\xe9\"\n".as_slice(),
    );
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(
            "kind = \"launch-request\"\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes),
        )
        .collect();
    repo.write("launches/utf16.toml", utf16);
    repo.write(
        "launches/truncated.toml",
        b"kind = \"launch-request\"\n# \xe6\xa0".as_slice(),
    );
    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    assert_eq!(
        run.only("launches/latin1.toml", "LC005"),
        (
            2,
            13,
            "the file is not valid UTF-8 (byte 0xE9 here)".to_owned()
        )
    );
    assert_eq!(
        run.only("launches/bom-latin1.toml", "LC005"),
        (
            2,
            13,
            "the file is not valid UTF-8 (byte 0xE9 here)".to_owned()
        )
    );
    assert_eq!(
        run.only("launches/utf16.toml", "LC005"),
        (
            1,
            1,
            "the file is not valid UTF-8 (byte 0xFF here)".to_owned()
        )
    );
    assert_eq!(run.only("launches/truncated.toml", "LC005").0, 2);
}

// ---------------------------------------------------------------------------------------
// The file system: links, directories, vanishing and locked files, names

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_root() {
    use std::os::unix::fs::symlink;
    let repo = repo();
    let outside = tempfile::tempdir().expect("temp dir");
    let secret = outside.path().join("secret.toml");
    fs::write(&secret, "kind = \"launch-request\"\nid = \"TOP-SECRET\"\n").expect("write");
    let launches = repo.path().join("launches");
    symlink(&secret, launches.join("out.toml")).expect("link");
    symlink("self.toml", launches.join("self.toml")).expect("link");
    symlink("ping.toml", launches.join("pong.toml")).expect("link");
    symlink("pong.toml", launches.join("ping.toml")).expect("link");
    symlink("missing.toml", launches.join("dangling.toml")).expect("link");
    // A link to a directory above: the walk must not follow it round and round.
    symlink("..", launches.join("up")).expect("link");
    symlink("..", launches.join("up.toml")).expect("link");
    // A link inside the root is read through.
    repo.write(
        "elsewhere/inside.toml",
        SIBLING.replace("LR-SIBLING", "LR-INSIDE"),
    );
    symlink("../elsewhere/inside.toml", launches.join("inside.toml")).expect("link");

    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    let (_, _, message) = run.only("launches/out.toml", "LC005");
    assert!(message.contains("outside the repository"), "{message}");
    for path in ["self", "ping", "pong", "dangling"] {
        let (_, _, message) = run.only(&format!("launches/{path}.toml"), "LC005");
        assert!(
            message.starts_with("the file cannot be read"),
            "{path}: {message}"
        );
    }
    let (_, _, message) = run.only("launches/up.toml", "LC005");
    assert!(message.contains("not a regular file"), "{message}");
    assert!(run
        .in_file("launches/inside.toml")
        .iter()
        .any(|(code, ..)| code == "LC003"));
    assert!(
        !run.stdout.contains("TOP-SECRET"),
        "read the file outside the root"
    );
    // Duplicate ids would show if the walk had entered `launches/up` (the root again).
    assert!(run.in_file("launches/up/launches/sibling.toml").is_empty());
}

#[test]
fn a_directory_named_like_a_file_is_not_a_file() {
    let repo = repo();
    fs::create_dir_all(repo.path().join("launches/empty.toml")).expect("mkdir");
    repo.write(
        "launches/holder.toml/inner.toml",
        SIBLING.replace("LR-SIBLING", "LR-INNER"),
    );
    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    assert!(run.in_file("launches/empty.toml").is_empty());
    assert!(!run.in_file("launches/holder.toml/inner.toml").is_empty());
    assert_eq!(run.json()["files_checked"], 2);
}

#[test]
fn an_explicit_path_that_is_a_directory_or_missing_is_an_error() {
    let repo = repo();
    fs::create_dir_all(repo.path().join("launches/empty.toml")).expect("mkdir");
    for path in ["launches/empty.toml", "launches/missing.toml"] {
        let run = repo.check_guarded(&[path]);
        assert_eq!(run.code, 2, "{path}: {}", run.stderr);
        assert!(run.stderr.contains(path), "{}", run.stderr);
    }
}

/// A work tree in which one file disappears between listing and reading.
struct Vanishing {
    inner: WorkTree,
    root: PathBuf,
    victim: &'static str,
}

impl Tree for Vanishing {
    fn paths(&self) -> launchcheck::error::Result<Vec<String>> {
        self.inner.paths()
    }

    fn read(&self, path: &str, limit: u64) -> ReadOutcome {
        if path == self.victim {
            let _ = fs::remove_file(self.root.join(path));
        }
        self.inner.read(path, limit)
    }

    fn contains(&self, path: &str) -> bool {
        self.inner.contains(path)
    }
}

#[test]
fn a_file_that_disappears_mid_run_is_unreadable_and_the_rest_is_checked() {
    let repo = repo();
    repo.write("launches/gone.toml", valid_launch("LR-GONE", ""));
    let tree = Vanishing {
        inner: WorkTree::new(repo.path()).expect("tree"),
        root: repo.path().to_path_buf(),
        victim: "launches/gone.toml",
    };
    let options = Options {
        now: Some(NOW.to_owned()),
        ..Options::default()
    };
    let report = check::run_on(&tree, &Config::default(), &options, None).expect("run");
    assert!(!repo.path().join("launches/gone.toml").exists());
    let in_file = |path: &str| -> Vec<(&str, String)> {
        report
            .findings
            .iter()
            .filter(|f| report.files.get(f.file).path == path)
            .map(|f| (f.rule.code, f.message.clone()))
            .collect()
    };
    let gone = in_file("launches/gone.toml");
    assert_eq!(gone.len(), 1, "{gone:?}");
    assert_eq!(gone[0].0, "LC005");
    assert!(
        gone[0].1.starts_with("the file cannot be read: "),
        "{}",
        gone[0].1
    );
    assert!(in_file(SIBLING_PATH)
        .iter()
        .any(|(code, message)| *code == "LC003"
            && message == "missing required key `title` at the top level"));
    harness::check_report(&report, false);
}

#[cfg(unix)]
#[test]
fn unreadable_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let repo = repo();
    let locked = repo.write(
        "launches/locked.toml",
        SIBLING.replace("LR-SIBLING", "LR-LOCKED"),
    );
    let locked_dir = repo.write(
        "launches/locked-dir/inner.toml",
        SIBLING.replace("LR-SIBLING", "LR-LOCKED-DIR"),
    );
    let locked_dir = locked_dir.parent().expect("dir").to_path_buf();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o000)).expect("chmod");
    // Root (as in CI) reads through any permission bits; anyone else is refused.
    let privileged = fs::read(&locked).is_ok();

    let run = repo.check_guarded(&[]);
    fs::set_permissions(&locked_dir, fs::Permissions::from_mode(0o755)).expect("chmod back");
    run.assert_sibling_reported();
    let found = run.in_file("launches/locked.toml");
    if privileged {
        assert!(found.iter().any(|(code, ..)| code == "LC003"), "{found:?}");
        assert!(!run.in_file("launches/locked-dir/inner.toml").is_empty());
    } else {
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "LC005");
        assert!(found[0].3.contains("ermission denied"), "{}", found[0].3);
    }
}

#[test]
fn paths_with_spaces_unicode_and_newlines_survive_every_format() {
    let repo = repo();
    let names = [
        "launches/with space.toml",
        "launches/计划 é.toml",
        "launches/new\nline.toml",
        "launches/comma,colon:percent%hash#.toml",
        "launches/quote\"back\\slash.toml",
    ];
    for (i, name) in names.iter().enumerate() {
        repo.write(name, SIBLING.replace("LR-SIBLING", &format!("LR-ODD-{i}")));
    }
    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    for name in names {
        assert!(
            run.in_file(name).iter().any(|(code, ..)| code == "LC003"),
            "{name:?} not reported under its own name"
        );
    }
    let out = tempfile::tempdir().expect("temp dir");
    let mut args = Vec::new();
    for format in launchcheck::emit::Format::NAMES {
        args.push("-f".to_owned());
        args.push(format!("{format}={}", out.path().join(format).display()));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let all = repo.check_guarded(&args);
    assert_eq!(all.code, 1, "{}", all.stderr);
    let read = |format: &str| fs::read_to_string(out.path().join(format)).expect("output");
    // GitHub workflow commands are one line each: the newline is escaped in `file=`.
    let github = read("github");
    assert!(github.contains("file=launches/new%0Aline.toml"), "{github}");
    assert!(
        github.contains("file=launches/comma%2Ccolon%3Apercent%25hash#.toml"),
        "{github}"
    );
    assert!(
        github
            .lines()
            .all(|l| l.starts_with("::") || l.starts_with("Found ")),
        "{github}"
    );
    let sarif: Value = serde_json::from_str(&read("sarif")).expect("sarif is JSON");
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str())
        .collect();
    assert!(uris.contains(&"launches/new%0Aline.toml"), "{uris:?}");
    assert!(uris.contains(&"launches/with%20space.toml"), "{uris:?}");
    assert!(
        uris.iter().all(|u| !u.contains([' ', '\n', '"', '#'])),
        "{uris:?}"
    );
    roxmltree::Document::parse(&read("junit")).expect("junit is well-formed XML");
    let json: Value = serde_json::from_str(&read("json")).expect("json");
    assert_eq!(json["findings"], all.json()["findings"]);
}

// ---------------------------------------------------------------------------------------
// Repositories: empty, enormous

#[test]
fn an_empty_repository_is_a_clear_exit_2_unless_allowed() {
    let repo = TempRepo::plain();
    let run = repo.check_guarded(&[]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr
            .contains("error: no launch request or response plan matched"),
        "{}",
        run.stderr
    );
    let allowed = repo.check_guarded(&["--allow-empty"]);
    assert_eq!(allowed.code, 0, "{}", allowed.stderr);
    assert_eq!(allowed.json()["files_checked"], 0);
    assert_eq!(allowed.json()["findings"], json!([]));

    // A git repository without a single commit.
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(repo.path())
        .status();
    if git.is_ok_and(|s| s.success()) {
        let staged = repo.check_guarded(&["--staged"]);
        assert_eq!(staged.code, 2);
        assert!(staged
            .stderr
            .contains("no launch request or response plan matched"));
        let rev = repo.check_guarded(&["--rev", "HEAD"]);
        assert_eq!(rev.code, 2);
        assert!(
            rev.stderr.contains("unknown revision 'HEAD'"),
            "{}",
            rev.stderr
        );
    }
}

#[test]
fn twenty_thousand_tiny_files() {
    let repo = repo();
    for i in 0..20_000 {
        let dir = format!("launches/batch-{:02}", i / 1000);
        repo.write(&format!("{dir}/tiny-{i:05}.toml"), format!("# {i}\n"));
    }
    let run = repo.check_guarded(&[]);
    run.assert_sibling_reported();
    let json = run.json();
    assert_eq!(json["files_checked"], 20_001);
    let findings = run.finding_list();
    let unknown_kind = findings.iter().filter(|f| f["code"] == "LC002").count();
    assert_eq!(
        unknown_kind, 20_000,
        "one missing-kind finding per tiny file"
    );
    assert_eq!(
        findings[0]["path"], "launches/batch-00/tiny-00000.toml",
        "sorted by path"
    );
}

// ---------------------------------------------------------------------------------------
// The fuzz target's corpus, replayed through its harness

#[test]
fn fuzz_seeds_and_regressions_replay_clean() {
    let manifest = common::project_dir();
    let mut replayed = 0;
    for dir in ["fuzz/seeds", "fixtures/fuzz-regressions"] {
        let Ok(entries) = fs::read_dir(manifest.join(dir)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
        paths.sort();
        for path in paths {
            let data = fs::read(&path).expect("read seed");
            let outcome = std::panic::catch_unwind(|| harness::run(&data));
            assert!(outcome.is_ok(), "{} panics", path.display());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "fuzz/seeds holds inputs");
}

/// Builds one harness input per fixture repository, as fuzz/seed.sh does for the corpus.
#[test]
fn every_fixture_repository_keeps_the_harness_invariants() {
    let fixtures = common::project("fixtures");
    let mut repositories: Vec<PathBuf> = walkdir::WalkDir::new(&fixtures)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_type().is_dir() && matches!(e.file_name().to_str(), Some("launches" | "plans"))
        })
        .filter_map(|e| e.path().parent().map(Path::to_path_buf))
        .collect();
    repositories.sort();
    repositories.dedup();
    assert!(repositories.len() > 50, "found {}", repositories.len());
    let first = |dir: &Path| -> Vec<u8> {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        files.sort();
        files
            .first()
            .map(|p| fs::read(p).expect("read"))
            .unwrap_or_default()
    };
    let file = |path: PathBuf| fs::read(path).unwrap_or_default();
    for repo in repositories {
        let parts = [
            first(&repo.join("launches")),
            first(&repo.join("plans")),
            file(repo.join("people.toml")),
            first(&repo.join("policies")),
            file(repo.join("launchcheck.toml")),
        ];
        let data = harness::join([&parts[0], &parts[1], &parts[2], &parts[3], &parts[4]]);
        assert_eq!(
            harness::split(&data),
            [&parts[0][..], &parts[1], &parts[2], &parts[3], &parts[4]]
        );
        let outcome = std::panic::catch_unwind(|| harness::run(&data));
        assert!(outcome.is_ok(), "{} breaks an invariant", repo.display());
    }
}

// ---------------------------------------------------------------------------------------
// No network

#[test]
fn schemas_with_remote_refs_are_refused_with_a_message_never_fetched() {
    // Nothing listens on this port: a fetch would fail differently, and slowly.
    for reference in [
        "https://schemas.example.invalid/launch.json",
        "http://127.0.0.1:9/schema.json",
        "file:///etc/passwd",
    ] {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "properties": { "a": { "$ref": reference } }
        });
        let started = Instant::now();
        let error = match launchcheck::schema::compile(&schema) {
            Ok(_) => panic!("a schema referring to {reference} compiled"),
            Err(error) => error,
        };
        assert!(error.contains(reference), "{error}");
        assert!(error.contains("never fetches"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
    // Local references still resolve.
    let local = json!({
        "$defs": { "id": { "type": "string" } },
        "properties": { "id": { "$ref": "#/$defs/id" } }
    });
    let validator = launchcheck::schema::compile(&local).expect("local refs compile");
    assert!(!validator.is_valid(&json!({ "id": 1 })));
}

#[test]
fn the_embedded_schemas_refer_only_to_themselves() {
    fn refs<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    match (key.as_str(), item) {
                        ("$ref" | "$dynamicRef", Value::String(target)) => out.push(target),
                        _ => refs(item, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| refs(item, out)),
            _ => {}
        }
    }
    for kind in launchcheck::document::Kind::ALL {
        let schema: Value =
            serde_json::from_str(launchcheck::schema::text(kind)).expect("schema JSON");
        let mut found = Vec::new();
        refs(&schema, &mut found);
        for target in found {
            assert!(
                target.starts_with('#'),
                "{}: `$ref` to {target}",
                kind.name()
            );
        }
        launchcheck::schema::compile(&schema).expect("embedded schema compiles offline");
    }
}
