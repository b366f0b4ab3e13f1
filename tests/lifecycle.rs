//! The lifecycle of a launch repository over weeks: drafts report notes, launched records are
//! judged at their window and do not rot, waivers need authority and are judged once, plans
//! accept waivers, and commits are judged on what they change.

mod common;
use common::TempRepo;

const ROSTER: &str = r#"kind = "roster"
[people.alice]
name = "Alice"
[people.bob]
name = "Bob"
can_approve = ["service-owner"]
[people.carol]
name = "Carol"
can_approve = ["ops"]
[people.mia]
name = "Mia"
can_approve = ["change-board"]
"#;

/// A low-risk launch of `search-api` with a 10-hour window (LC105 `launch-window` fails on it:
/// the limit is 8 hours) and whatever `extra` adds.
fn launch(id: &str, status: &str, day: &str, extra: &str) -> String {
    format!(
        r#"kind = "launch-request"
id = "{id}"
title = "Reindex {id}"
services = ["search-api"]
change_type = "normal"
risk = "low"
status = "{status}"
requester = "alice"
submitted_at = 2026-08-01T09:00:00Z

[window]
start = {day}T00:00:00Z
end = {day}T10:00:00Z

[[steps]]
action = "Reindex"
owner = "bob"
minutes = 30

[rollback]
steps = ["Switch the alias back"]
minutes = 10
owner = "bob"

[[approvals]]
role = "service-owner"
by = "bob"
at = 2026-08-02T10:00:00Z
decision = "approved"
{extra}"#
    )
}

fn waiver(rule: &str, by: &str, expires: &str, approved_at: Option<&str>) -> String {
    let at = approved_at.map_or(String::new(), |at| format!("approved_at = {at}\n"));
    format!(
        "\n[[waivers]]\nrule = \"{rule}\"\nreason = \"The reindex needs the time\"\napproved_by = \"{by}\"\n{at}expires = {expires}\n"
    )
}

#[test]
fn a_draft_reports_notes_that_never_fail_the_run() {
    let repo = TempRepo::plain();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "draft", "2026-12-10", "").replace("[rollback]", "[x-old-rollback]"),
    );
    for args in [&[][..], &["--deny-warnings"][..]] {
        let run = repo.check(args);
        assert_eq!(run.code, 0, "{:?} {}", run.findings(), run.stderr);
        let findings = run.findings();
        assert!(
            findings.iter().any(|f| f.contains("LC102 note"))
                && findings.iter().any(|f| f.contains("LC105 note")),
            "{findings:?}"
        );
        assert!(
            findings.iter().all(|f| f.ends_with(" note")),
            "{findings:?}"
        );
        assert_eq!(run.summary()["errors"], 0);
        assert_eq!(run.summary()["notes"], findings.len());
    }
    // Submitting it makes the same findings errors.
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", "").replace("[rollback]", "[x-old-rollback]"),
    );
    let run = repo.check(&[]);
    assert_eq!(run.code, 1);
    assert!(
        run.findings().iter().any(|f| f.contains("LC102 error")),
        "{:?}",
        run.findings()
    );
}

#[test]
fn structure_errors_in_a_draft_keep_their_level() {
    let repo = TempRepo::plain();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "draft", "2026-12-10", "rolback = 1\n"),
    );
    let run = repo.check(&[]);
    assert_eq!(run.code, 1, "{:?}", run.findings());
    assert!(
        run.findings().iter().any(|f| f.contains("LC003 error")),
        "{:?}",
        run.findings()
    );
}

#[test]
fn a_collision_between_a_draft_and_a_request_is_the_drafts_note() {
    let repo = TempRepo::plain();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", ""),
    );
    repo.write("launches/b.toml", launch("LR-2", "draft", "2026-12-10", ""));
    let run = repo.check(&["--select", "LC111"]);
    assert_eq!(
        run.findings(),
        ["launches/b.toml:12 LC111 note"],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 0);
}

#[test]
fn a_launched_record_keeps_the_waiver_that_was_valid_at_launch() {
    let repo = TempRepo::plain();
    repo.write("people.toml", ROSTER);
    let valid_then = waiver(
        "launch-window",
        "mia",
        "2026-10-15",
        Some("2026-09-20T10:00:00Z"),
    );
    repo.write(
        "launches/a.toml",
        launch("LR-1", "launched", "2026-10-01", &valid_then),
    );
    let run = repo.check(&["--select", "LC1,LC5"]);
    assert_eq!(
        run.findings(),
        ["launches/a.toml:12 LC105 error (waived)"],
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 0);
    // The same request still waiting to launch is judged now: the waiver has expired.
    repo.write(
        "launches/a.toml",
        launch("LR-1", "approved", "2026-10-01", &valid_then),
    );
    let run = repo.check(&["--select", "LC105,LC501"]);
    assert_eq!(
        run.findings(),
        [
            "launches/a.toml:12 LC105 error",
            "launches/a.toml:36 LC501 error"
        ],
        "{}",
        run.stderr
    );
    assert!(
        run.messages("LC501")[0].contains("41 days ago"),
        "{:?}",
        run.messages("LC501")
    );
}

#[test]
fn a_record_is_not_waived_after_the_fact() {
    let repo = TempRepo::plain();
    repo.write("people.toml", ROSTER);
    let late = waiver(
        "launch-window",
        "mia",
        "2026-12-15",
        Some("2026-11-20T10:00:00Z"),
    );
    repo.write(
        "launches/a.toml",
        launch("LR-1", "launched", "2026-10-01", &late),
    );
    let undated = waiver("launch-window", "mia", "2026-12-15", None);
    repo.write(
        "launches/b.toml",
        launch("LR-2", "rolled-back", "2026-10-01", &undated).replace("search-api", "other-api"),
    );
    let run = repo.check(&["--select", "LC105,LC502"]);
    assert_eq!(
        run.findings(),
        [
            "launches/a.toml:12 LC105 error",
            "launches/a.toml:35 LC502 error",
            "launches/b.toml:12 LC105 error",
            "launches/b.toml:34 LC502 error",
        ],
        "{}",
        run.stderr
    );
    assert!(run.messages("LC502")[0].contains("after the window started"));
    assert!(run.messages("LC502")[1].contains("`approved_at`"));
}

#[test]
fn a_waiver_gets_one_finding_in_the_order_invalid_unauthorised_expired() {
    let repo = TempRepo::plain();
    repo.write("people.toml", ROSTER);
    // Self-approved, unauthorised and expired: invalid wins.
    let own = waiver("launch-window", "alice", "2026-11-01", None);
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", &own),
    );
    // Unauthorised and expired: unauthorised wins.
    let colleague = waiver("launch-window", "carol", "2026-11-01", None);
    repo.write(
        "launches/b.toml",
        launch("LR-2", "submitted", "2026-12-11", &colleague),
    );
    // Only expired.
    let expired = waiver("launch-window", "mia", "2026-11-01", None);
    repo.write(
        "launches/c.toml",
        launch("LR-3", "submitted", "2026-12-12", &expired),
    );
    let run = repo.check(&["--select", "LC5"]);
    assert_eq!(
        run.codes(),
        ["LC502", "LC504", "LC501"],
        "{:?}",
        run.findings()
    );
    // Without a roster nobody's authority can be judged.
    repo.remove("people.toml");
    let run = repo.check(&["--select", "LC5"]);
    assert_eq!(
        run.codes(),
        ["LC502", "LC501", "LC501"],
        "{:?}",
        run.findings()
    );
}

#[test]
fn an_unauthorised_waiver_suppresses_nothing() {
    let repo = TempRepo::plain();
    repo.write("people.toml", ROSTER);
    let colleague = waiver("launch-window", "carol", "2026-12-20", None);
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", &colleague),
    );
    let run = repo.check(&["--select", "LC105,LC504"]);
    assert_eq!(
        run.findings(),
        [
            "launches/a.toml:12 LC105 error",
            "launches/a.toml:34 LC504 error"
        ],
        "{}",
        run.stderr
    );
    // `by_rule` names who may waive a rule instead.
    repo.write(
        "policies/org.toml",
        "kind = \"policy\"\n[rules.waiver-authority.by_rule]\nlaunch-window = [\"ops\"]\n",
    );
    let run = repo.check(&["--select", "LC105,LC504"]);
    assert_eq!(
        run.findings(),
        ["launches/a.toml:12 LC105 error (waived)"],
        "{}",
        run.stderr
    );
}

#[test]
fn a_plan_accepts_waivers() {
    let repo = TempRepo::plain();
    repo.write("people.toml", ROSTER);
    repo.write(
        "plans/p.toml",
        r#"kind = "response-plan"
id = "RP-1"
title = "Search"
services = ["search-api"]
owner = "bob"
reviewed_on = 2025-10-01

[[waivers]]
rule = "plan-review"
reason = "Review booked for 2026-12-01"
approved_by = "mia"
expires = 2026-12-05
"#,
    );
    let run = repo.check(&["--select", "LC206,LC5"]);
    assert_eq!(
        run.findings(),
        ["plans/p.toml:6 LC206 warning (waived)"],
        "{}",
        run.stderr
    );
}

#[test]
fn a_launch_in_a_mistyped_folder_is_reported_even_when_named_unless_git_ignores_it() {
    let repo = TempRepo::init();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", ""),
    );
    repo.write(
        "launch/b.toml",
        launch("LR-2", "submitted", "2026-12-11", ""),
    );
    repo.write(
        "build/c.toml",
        launch("LR-3", "submitted", "2026-12-12", ""),
    );
    repo.write(".gitignore", "build/\n");
    let run = repo.check(&["--select", "LC006"]);
    assert_eq!(
        run.findings(),
        ["launch/b.toml:1 LC006 error"],
        "{}",
        run.stderr
    );
    let named = repo.check(&["--select", "LC006", "launch/b.toml"]);
    assert_eq!(
        named.findings(),
        ["launch/b.toml:1 LC006 error"],
        "{}",
        named.stderr
    );
    assert_eq!(named.code, 1);
}

#[test]
fn a_commit_is_judged_on_what_it_changes() {
    let repo = TempRepo::init();
    // A plan whose drill is stale: every full run fails on it.
    repo.write(
        "plans/p.toml",
        "kind = \"response-plan\"\nid = \"RP-1\"\ntitle = \"Search\"\nservices = [\"search-api\"]\nowner = \"bob\"\n\n[[drills]]\ndate = 2025-01-01\ntype = \"tabletop\"\noutcome = \"passed\"\n",
    );
    repo.write(
        "launches/a.toml",
        launch("LR-1", "cancelled", "2026-12-10", ""),
    );
    repo.commit("base");
    assert_eq!(repo.check(&["--staged", "--all"]).code, 1);
    // A README change commits cleanly: the stale plan is not this commit's doing.
    repo.write("README.md", "notes\n");
    repo.git(&["add", "README.md"]);
    let run = repo.check(&["--staged"]);
    assert_eq!(
        (run.code, run.findings()),
        (0, Vec::<String>::new()),
        "{}",
        run.stderr
    );
    // Staging a launch reports that launch, and the history rules run against HEAD.
    repo.write(
        "launches/a.toml",
        launch("LR-1", "approved", "2026-12-10", ""),
    );
    repo.git(&["add", "launches/a.toml"]);
    let run = repo.check(&["--staged", "--select", "LC105,LC402"]);
    assert_eq!(run.codes(), ["LC402", "LC105"], "{:?}", run.findings());
    // What is not staged does not count.
    repo.write("launches/a.toml", "broken = [\n");
    let run = repo.check(&["--staged", "--select", "LC0,LC105"]);
    assert_eq!(run.codes(), ["LC105"], "{:?}", run.findings());
}

#[test]
fn renewing_an_approval_by_editing_its_note_does_not_count() {
    let repo = TempRepo::init();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "approved", "2026-12-10", ""),
    );
    repo.commit("approved");
    repo.git(&["checkout", "-qb", "change"]);
    let moved = launch("LR-1", "approved", "2026-12-17", "").replace(
        "decision = \"approved\"",
        "decision = \"approved\"\nnote = \"ok\"",
    );
    repo.write("launches/a.toml", &moved);
    repo.commit("move the window");
    let run = repo.check(&["--base", "main", "--select", "LC103,LC104,LC401"]);
    assert_eq!(run.codes(), ["LC401"], "{:?}", run.findings());
    assert!(
        run.messages("LC401")[0].contains("`service-owner` must approve again"),
        "{:?}",
        run.messages("LC401")
    );
    // A new approval with a new `at` renews it.
    let renewed = moved.replace("at = 2026-08-02T10:00:00Z", "at = 2026-11-20T10:00:00Z");
    repo.write("launches/a.toml", &renewed);
    repo.commit("re-approved");
    let run = repo.check(&["--base", "main", "--select", "LC103,LC104,LC401"]);
    assert_eq!(run.codes(), Vec::<String>::new(), "{:?}", run.findings());
}

#[test]
fn a_pull_request_may_take_a_request_through_several_statuses() {
    let repo = TempRepo::init();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", ""),
    );
    repo.write(
        "launches/b.toml",
        launch("LR-2", "launched", "2026-10-10", ""),
    );
    repo.commit("submitted");
    repo.git(&["checkout", "-qb", "change"]);
    repo.write(
        "launches/a.toml",
        launch("LR-1", "launched", "2026-12-10", ""),
    );
    repo.commit("approved and launched");
    let run = repo.check(&["--base", "main", "--select", "LC402"]);
    assert_eq!(run.codes(), Vec::<String>::new(), "{:?}", run.findings());
    repo.write(
        "launches/b.toml",
        launch("LR-2", "cancelled", "2026-10-10", ""),
    );
    repo.commit("cancelled after launch");
    let run = repo.check(&["--base", "main", "--select", "LC402"]);
    assert_eq!(run.codes(), ["LC402"], "{:?}", run.findings());
}

#[test]
fn all_goes_with_base_or_staged() {
    let repo = TempRepo::plain();
    repo.write(
        "launches/a.toml",
        launch("LR-1", "submitted", "2026-12-10", ""),
    );
    let run = repo.check(&["--all"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--all goes with --base or --staged"),
        "{}",
        run.stderr
    );
}
