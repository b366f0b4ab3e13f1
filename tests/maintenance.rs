//! `[[maintenance]]` windows in the policy: lists from several policy files concatenate, a
//! bad zone is a configuration error, and `maintenance-window` is off without windows.

mod common;
use common::TempRepo;

const PLAN: &str =
    include_str!("../fixtures/rules/LC116-maintenance-window/pass/plans/payments.toml");
const LAUNCH: &str =
    include_str!("../fixtures/rules/LC116-maintenance-window/fail/launches/LR-116-1.toml");

fn window(days: &str, zone: &str) -> String {
    format!(
        "kind = \"policy\"\n\n[[maintenance]]\ndays = [{days}]\nstart = \"01:00\"\nend = \"05:00\"\ntimezone = \"{zone}\"\n"
    )
}

fn repo() -> TempRepo {
    let repo = TempRepo::plain();
    repo.write("plans/payments.toml", PLAN);
    // A high-risk launch on Wednesday 2026-12-02, 02:00–04:00 UTC.
    repo.write("launches/LR-116-1.toml", LAUNCH);
    repo
}

#[test]
fn without_maintenance_windows_the_rule_is_off() {
    let run = repo().check(&["--select", "LC116"]);
    assert!(run.findings().is_empty(), "{:?}", run.findings());
}

#[test]
fn windows_from_several_policy_files_concatenate() {
    let repo = repo();
    repo.write("policies/a.toml", window("\"tue\"", "UTC"));
    let run = repo.check(&["--select", "LC116"]);
    assert_eq!(run.codes(), ["LC116"], "{:?}", run.findings());
    // A second file adds Wednesday; the first file's Tuesday window stays.
    repo.write("policies/b.toml", window("\"wed\"", "UTC"));
    let run = repo.check(&["--select", "LC116"]);
    assert!(run.findings().is_empty(), "{:?}", run.findings());
    let printed = common::launchcheck()
        .args(["policy"])
        .current_dir(repo.path())
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&printed.stdout);
    assert_eq!(text.matches("[[maintenance]]").count(), 2, "{text}");
}

#[test]
fn a_window_in_another_zone_is_placed_in_that_zone() {
    let repo = repo();
    // Wednesday 01:00–05:00 in Shanghai is Tuesday 17:00–21:00 UTC: not the launch's time.
    repo.write("policies/a.toml", window("\"wed\"", "Asia/Shanghai"));
    let run = repo.check(&["--select", "LC116"]);
    assert_eq!(run.codes(), ["LC116"], "{:?}", run.findings());
}

#[test]
fn an_unknown_zone_is_a_configuration_error() {
    let repo = repo();
    repo.write("policies/a.toml", window("\"tue\"", "Mars/Olympus"));
    let run = repo.check(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("Mars/Olympus"), "{}", run.stderr);
}
