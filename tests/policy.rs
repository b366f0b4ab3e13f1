//! The policy through the real binary: rule levels, policy files merged in
//! file-name order key by key, `[[override]]`s scoped by service, risk and change type (later
//! ones winning), user `[[freeze]]`s, `waivable = false`, the `policy` command, and policy
//! errors that stop the run with their position.
//!
//! Each test copies files from `fixtures/scenarios/policy/` (its README describes them; each
//! file's comment says what it holds) into a temporary launch repository under the names the
//! test gives them, so a test reads as "this launch, under this policy, gives these findings".

use std::path::PathBuf;

use serde_json::Value;

mod common;
use common::{Run, TempRepo};

// Launch requests, by their fixture path.
const PAYMENTS_10H: &str = "launches/payments-10h.toml";
const SEARCH_10H: &str = "launches/search-10h.toml";

/// LC105 on `launches/payments-10h.toml`, copied to the same name, at `window.start`.
fn payments_window_finding(level: &str, limit: &str) -> String {
    format!(
        "launches/payments-10h.toml:15:9 {level} LC105 the window is 10 h long (limit {limit} h)"
    )
}

fn search_window_finding(limit: &str) -> String {
    format!("launches/search-10h.toml:15:9 error LC105 the window is 10 h long (limit {limit} h)")
}

fn fixture(path: &str) -> PathBuf {
    common::fixture("scenarios/policy").join(path)
}

/// A repository holding each fixture file (second) at its path in the repository (first).
fn repo_of(files: &[(&str, &str)]) -> TempRepo {
    let repo = TempRepo::plain();
    for (at, from) in files {
        repo.copy_file(&fixture(from), at);
    }
    repo
}

/// Launch requests kept under their fixture names, plus policy files (repository path,
/// fixture path).
fn with_launches(launches: &[&str], policies: &[(&str, &str)]) -> TempRepo {
    let mut files: Vec<(&str, &str)> = launches.iter().map(|l| (*l, *l)).collect();
    files.extend_from_slice(policies);
    repo_of(&files)
}

/// The policy that `launchcheck policy` printed, parsed.
trait PrintedPolicy {
    fn policy(&self) -> toml::Table;
}

impl PrintedPolicy for Run {
    fn policy(&self) -> toml::Table {
        assert_eq!(self.code, 0, "{}", self.stderr);
        toml::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("the printed policy is not TOML ({e}):\n{}", self.stdout))
    }
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("<not a string>")
}

/// A policy value as text: strings and datetimes as written, anything else as TOML.
fn toml_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn strings(items: &[&str]) -> toml::Value {
    toml::Value::Array(items.iter().map(|s| toml::Value::from(*s)).collect())
}

// ---- a. rule levels -----------------------------------------------------------------------

#[test]
fn a_policy_level_turns_an_error_into_a_warning_or_off() {
    let run = with_launches(&[PAYMENTS_10H], &[]).check(&[]);
    assert_eq!(run.described(), [payments_window_finding("error", "8")]);
    assert_eq!(run.counts(), (1, 0, 0));
    assert_eq!(run.code, 1, "{}", run.stderr);

    let warning = with_launches(
        &[PAYMENTS_10H],
        &[("policies/org.toml", "policies/launch-window-warning.toml")],
    );
    let run = warning.check(&[]);
    assert_eq!(run.described(), [payments_window_finding("warning", "8")]);
    assert_eq!(run.counts(), (0, 1, 0));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let denied = warning.check(&["--deny-warnings"]);
    assert_eq!(
        denied.described(),
        [payments_window_finding("warning", "8")]
    );
    assert_eq!(denied.code, 1);

    let off = with_launches(
        &[PAYMENTS_10H],
        &[("policies/org.toml", "policies/launch-window-off.toml")],
    );
    let run = off.check(&[]);
    assert_eq!(run.described(), Vec::<String>::new());
    assert_eq!(run.counts(), (0, 0, 0));
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(off.check(&["--deny-warnings"]).code, 0);
}

// ---- b. merging ---------------------------------------------------------------------------

#[test]
fn policy_files_merge_in_file_name_order() {
    // a.toml says 12 h, b.toml says 9 h: b is read last and wins, whichever was written first.
    let run = with_launches(
        &[PAYMENTS_10H],
        &[
            ("policies/b.toml", "policies/max-hours-9.toml"),
            ("policies/a.toml", "policies/max-hours-12.toml"),
        ],
    )
    .check(&[]);
    assert_eq!(run.described(), [payments_window_finding("error", "9")]);
    assert_eq!(run.code, 1);

    // The same two values under swapped names: 12 h wins and the 10 h window passes.
    let run = with_launches(
        &[PAYMENTS_10H],
        &[
            ("policies/a.toml", "policies/max-hours-9.toml"),
            ("policies/b.toml", "policies/max-hours-12.toml"),
        ],
    )
    .check(&[]);
    assert_eq!(run.described(), Vec::<String>::new());
    assert_eq!(run.code, 0);
}

#[test]
fn a_later_policy_file_replaces_only_the_keys_it_states() {
    // a.toml sets the level, b.toml the limit of the same rule: both hold.
    let run = with_launches(
        &[PAYMENTS_10H],
        &[
            ("policies/a.toml", "policies/launch-window-warning.toml"),
            ("policies/b.toml", "policies/max-hours-9.toml"),
        ],
    )
    .check(&[]);
    assert_eq!(run.described(), [payments_window_finding("warning", "9")]);
    assert_eq!(run.code, 0);
}

// ---- c. overrides -------------------------------------------------------------------------

#[test]
fn an_override_tightens_a_parameter_only_for_the_launches_it_matches() {
    // The base limit is 12 h; the override (payments-*, low, standard) says 9 h.
    let run = with_launches(
        &[PAYMENTS_10H, SEARCH_10H],
        &[("policies/org.toml", "policies/override-payments.toml")],
    )
    .check(&[]);
    assert_eq!(run.described(), [payments_window_finding("error", "9")]);
    assert_eq!(run.code, 1);
}

#[test]
fn an_override_can_turn_a_rule_off_for_the_launches_it_matches() {
    let run = with_launches(
        &[PAYMENTS_10H, SEARCH_10H],
        &[("policies/org.toml", "policies/override-payments-off.toml")],
    )
    .check(&[]);
    assert_eq!(run.described(), [search_window_finding("8")]);
    assert_eq!(run.code, 1);
}

#[test]
fn later_overrides_win_over_earlier_ones() {
    // In one file: 6 h, then 9 h.
    let run = with_launches(
        &[PAYMENTS_10H],
        &[("policies/org.toml", "policies/override-two.toml")],
    )
    .check(&[]);
    assert_eq!(run.described(), [payments_window_finding("error", "9")]);

    // Across files, overrides concatenate in file-name order.
    let nine_then_six = with_launches(
        &[PAYMENTS_10H, SEARCH_10H],
        &[
            ("policies/a.toml", "policies/override-payments.toml"),
            ("policies/b.toml", "policies/override-payments-6.toml"),
        ],
    )
    .check(&[]);
    assert_eq!(
        nine_then_six.described(),
        [payments_window_finding("error", "6")]
    );
    let six_then_nine = with_launches(
        &[PAYMENTS_10H, SEARCH_10H],
        &[
            ("policies/a.toml", "policies/override-payments-6.toml"),
            ("policies/b.toml", "policies/override-payments.toml"),
        ],
    )
    .check(&[]);
    assert_eq!(
        six_then_nine.described(),
        [payments_window_finding("error", "9")]
    );
}

#[test]
fn an_override_that_misses_in_any_respect_changes_nothing() {
    // Three overrides, each wrong in one of risk, change type and service, would set 1, 2
    // and 3 h; the base limit of 12 h stays.
    let run = with_launches(
        &[PAYMENTS_10H],
        &[("policies/org.toml", "policies/override-misses.toml")],
    )
    .check(&[]);
    assert_eq!(run.described(), Vec::<String>::new());
    assert_eq!(run.code, 0, "{}", run.stderr);
}

// ---- d. freezes ---------------------------------------------------------------------------

const FREEZE_NORMAL: &str = "launches/freeze-normal.toml";
const FREEZE_EMERGENCY: &str = "launches/freeze-emergency.toml";
const FREEZE_EMERGENCY_CTO: &str = "launches/freeze-emergency-cto.toml";
const FREEZE_BACK_TO_BACK: &str = "launches/freeze-back-to-back.toml";
const FREEZE_AFTER: &str = "launches/freeze-after.toml";

/// The freeze as the messages show it: in UTC, the default zone.
const FREEZE_SHOWN: &str =
    "the freeze `Year-end freeze` (2026-12-19 16:00 +00:00 – 2027-01-03 16:00 +00:00)";

#[test]
fn a_user_freeze_stops_normal_changes_and_asks_allowed_ones_for_its_approvals() {
    let launches = [
        FREEZE_NORMAL,
        FREEZE_EMERGENCY,
        FREEZE_BACK_TO_BACK,
        FREEZE_AFTER,
    ];
    let without = with_launches(&launches, &[]).check(&[]);
    assert_eq!(
        without.described(),
        Vec::<String>::new(),
        "clean without the freeze"
    );
    assert_eq!(without.code, 0);

    let run = with_launches(&launches, &[("policies/org.toml", "policies/freeze.toml")]).check(&[]);
    assert_eq!(
        run.described(),
        [
            format!(
                "launches/freeze-emergency.toml:29:1 error LC103 the window overlaps {FREEZE_SHOWN}, \
                 where emergency changes also need approval from `cto`; there is none before the \
                 window start"
            ),
            format!(
                "launches/freeze-normal.toml:15:9 error LC106 the window overlaps {FREEZE_SHOWN}, \
                 which allows only emergency changes, not normal ones"
            ),
        ]
    );
    assert_eq!(run.code, 1);
    // Both point at the `[[freeze]]` entry of the policy file.
    for finding in run.finding_list() {
        assert_eq!(
            finding["related"],
            serde_json::json!([{
                "path": "policies/org.toml",
                "line": 4,
                "column": 1,
                "message": "the freeze `Year-end freeze`",
            }]),
            "{finding}"
        );
    }
}

#[test]
fn an_allowed_change_with_the_freeze_approvals_passes() {
    let run = with_launches(
        &[FREEZE_EMERGENCY_CTO],
        &[("policies/org.toml", "policies/freeze.toml")],
    )
    .check(&[]);
    assert_eq!(run.described(), Vec::<String>::new());
    assert_eq!(run.code, 0);
}

#[test]
fn freezes_concatenate_across_policy_files() {
    // The same freeze under two names: each is its own entry, each reported with its file.
    let run = with_launches(
        &[FREEZE_NORMAL],
        &[
            ("policies/a.toml", "policies/freeze.toml"),
            ("policies/b.toml", "policies/freeze.toml"),
        ],
    )
    .check(&[]);
    let related: Vec<String> = run
        .finding_list()
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{}",
                text(&f["code"]),
                text(&f["related"][0]["path"]),
                f["related"][0]["line"],
                f["related"][0]["column"]
            )
        })
        .collect();
    assert_eq!(
        related,
        ["LC106 policies/a.toml:4:1", "LC106 policies/b.toml:4:1"]
    );
}

// ---- e. waivable = false ------------------------------------------------------------------

#[test]
fn a_rule_the_policy_marks_unwaivable_cannot_be_waived() {
    let launch = "launches/payments-10h-waived.toml";
    let waived_finding =
        "launches/payments-10h-waived.toml:15:9 error LC105 the window is 10 h long (limit 8 h)";

    let run = with_launches(&[launch], &[]).check(&[]);
    assert_eq!(run.described(), [format!("{waived_finding} (waived)")]);
    assert_eq!(run.counts(), (0, 0, 1));
    assert_eq!(run.code, 0);

    let run = with_launches(
        &[launch],
        &[(
            "policies/org.toml",
            "policies/launch-window-not-waivable.toml",
        )],
    )
    .check(&[]);
    assert_eq!(
        run.described(),
        [
            waived_finding.to_owned(),
            "launches/payments-10h-waived.toml:35:8 error LC502 `launch-window` (LC105) cannot be \
             waived: the policy marks it `waivable = false`"
                .to_owned(),
        ]
    );
    assert_eq!(run.counts(), (2, 0, 0));
    assert_eq!(run.code, 1);
}

// ---- f. the policy command ----------------------------------------------------------------

#[test]
fn the_policy_command_prints_the_merged_policy() {
    let repo = repo_of(&[
        ("policies/a.toml", "policies/max-hours-9.toml"),
        ("policies/b.toml", "policies/approvals-low.toml"),
        ("policies/c.toml", "policies/freeze.toml"),
    ]);
    let policy = repo.run(&["policy"]).policy();
    let rules = &policy["rules"];
    // What the user changed, and what they left of the same rules.
    assert_eq!(rules["launch-window"]["max_hours"].as_integer(), Some(9));
    assert_eq!(rules["launch-window"]["level"].as_str(), Some("error"));
    let required = &rules["approvals"]["required"];
    assert_eq!(required["low"], strings(&["service-owner", "ops"]));
    assert_eq!(required["medium"], strings(&["service-owner", "ops"]));
    assert_eq!(
        required["critical"],
        strings(&["service-owner", "ops", "qa", "security", "change-board"])
    );
    // A rule nobody touched keeps its defaults.
    assert_eq!(
        rules["drill-recency"]["max_age_days"].as_integer(),
        Some(180)
    );
    assert_eq!(rules["drill-recency"]["accept"], strings(&["passed"]));
    // The user's freeze.
    let freezes = policy["freeze"].as_array().expect("a freeze list");
    assert_eq!(freezes.len(), 1);
    assert_eq!(freezes[0]["name"].as_str(), Some("Year-end freeze"));
    assert_eq!(toml_text(&freezes[0]["start"]), "2026-12-20T00:00:00+08:00");
    assert_eq!(toml_text(&freezes[0]["end"]), "2027-01-04T00:00:00+08:00");
    assert_eq!(freezes[0]["allow"], strings(&["emergency"]));
    assert_eq!(freezes[0]["approvals"], strings(&["cto"]));

    let default = repo.run(&["policy", "--default"]);
    assert_eq!(default.code, 0, "{}", default.stderr);
    let embedded = std::fs::read_to_string(common::project("policies/default.toml"))
        .expect("policies/default.toml");
    assert_eq!(default.stdout, embedded);
    let default = default.policy();
    assert_eq!(
        default["rules"]["launch-window"]["max_hours"].as_integer(),
        Some(8)
    );
    assert_eq!(
        default["rules"]["approvals"]["required"]["low"],
        strings(&["service-owner"])
    );
    assert!(default.get("freeze").is_none());
}

#[test]
fn the_printed_policy_is_a_policy_that_prints_the_same() {
    let repo = repo_of(&[
        ("policies/a.toml", "policies/override-payments.toml"),
        ("policies/b.toml", "policies/freeze.toml"),
    ]);
    let printed = repo.run(&["policy"]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let again = repo_of(&[]);
    again.write("policies/effective.toml", &printed.stdout);
    let reprinted = again.run(&["policy"]);
    assert_eq!(reprinted.code, 0, "{}", reprinted.stderr);
    assert_eq!(reprinted.stdout, printed.stdout);
}

// ---- g. policy errors ---------------------------------------------------------------------

/// (fixture, where the error points, words of the message) for errors tests/cli.rs does not
/// cover: inside `[[override]]` and `[[freeze]]` entries.
const BROKEN: [(&str, &str, &str); 6] = [
    (
        "broken/override-unknown-parameter.toml",
        "[policies/org.toml:7:1]",
        "unknown key `max_hour` in `override[0].rules.launch-window`",
    ),
    (
        "broken/override-unknown-rule.toml",
        "[policies/org.toml:5:17]",
        "unknown key `launch-windw` in `override[0].rules`",
    ),
    (
        "broken/override-wrong-type.toml",
        "[policies/org.toml:5:8]",
        "expected an array in `override[0].risk`, found a string",
    ),
    (
        "broken/override-parameter-wrong-type.toml",
        "[policies/org.toml:6:13]",
        "expected a number in `override[0].rules.launch-window.max_hours`, found a string",
    ),
    (
        "broken/freeze-local-datetime.toml",
        "[policies/org.toml:6:9]",
        "`2026-12-20T00:00:00` has no UTC offset",
    ),
    (
        "broken/freeze-unknown-change-type.toml",
        "[policies/org.toml:8:10]",
        "`\"emergncy\"` is not a valid value in `freeze[0].allow[0]`",
    ),
];

fn assert_policy_error(run: &Run, position: &str, message: &str, context: &str) {
    assert_eq!(run.code, 2, "{context}: {}{}", run.stdout, run.stderr);
    assert_eq!(run.stdout, "", "{context}");
    assert!(
        run.stderr.contains(position),
        "{context}: wanted {position} in\n{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(message),
        "{context}: wanted {message} in\n{}",
        run.stderr
    );
}

#[test]
fn errors_in_overrides_and_freezes_stop_the_run_with_their_position() {
    for (broken, position, message) in BROKEN {
        let repo = with_launches(&[PAYMENTS_10H], &[("policies/org.toml", broken)]);
        let run = repo.check(&[]);
        assert_policy_error(&run, position, message, broken);
        assert!(
            run.stderr.contains("error: the policy has 1 problem"),
            "{broken}: {}",
            run.stderr
        );
        assert_policy_error(&repo.run(&["policy"]), position, message, broken);
    }
}

#[test]
fn suggestions_name_the_intended_key_or_value() {
    for (broken, suggestion) in [
        (
            "broken/override-unknown-parameter.toml",
            "did you mean `max_hours`?",
        ),
        (
            "broken/override-unknown-rule.toml",
            "did you mean `launch-window`?",
        ),
        (
            "broken/freeze-unknown-change-type.toml",
            "did you mean `emergency`?",
        ),
        (
            "broken/freeze-local-datetime.toml",
            "`2026-12-20T00:00:00+00:00`",
        ),
    ] {
        let run = with_launches(&[PAYMENTS_10H], &[("policies/org.toml", broken)]).check(&[]);
        assert!(
            run.stderr.contains(suggestion),
            "{broken}: wanted {suggestion} in\n{}",
            run.stderr
        );
    }
}

#[test]
fn an_error_in_a_later_policy_file_names_that_file() {
    let run = with_launches(
        &[PAYMENTS_10H],
        &[
            ("policies/a.toml", "policies/max-hours-12.toml"),
            ("policies/b.toml", "broken/override-unknown-parameter.toml"),
        ],
    )
    .check(&[]);
    assert_policy_error(
        &run,
        "[policies/b.toml:7:1]",
        "unknown key `max_hour`",
        "b.toml",
    );
    assert!(!run.stderr.contains("policies/a.toml"), "{}", run.stderr);
}

#[test]
fn an_invalid_override_glob_points_at_the_pattern() {
    let repo = with_launches(
        &[PAYMENTS_10H],
        &[("policies/org.toml", "broken/override-bad-glob.toml")],
    );
    for run in [repo.check(&[]), repo.run(&["policy"])] {
        assert_policy_error(&run, "[policies/org.toml:5:13]", "payments-[*", "bad glob");
    }
}

#[test]
fn a_freeze_that_ends_before_it_starts_is_a_policy_error() {
    let run = with_launches(
        &[FREEZE_NORMAL],
        &[("policies/org.toml", "broken/freeze-ends-before-start.toml")],
    )
    .check(&[]);
    assert_policy_error(
        &run,
        "[policies/org.toml:8:7]",
        "Year-end freeze",
        "inverted freeze",
    );
}
