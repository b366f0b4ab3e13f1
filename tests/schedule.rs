//! The schedule commands through the binary: `due`'s promise (every finding it forecasts for
//! day D is reported by `check --now D` and not by `check --now D-1`) on the demo and on
//! generated repositories, and the calendar's shape (CRLF, 75-octet lines, stable UIDs,
//! byte-identical runs, an edit touching only its own event).

mod common;

use std::fs;
use std::path::Path;

use jiff::civil::Date;
use jiff::ToSpan;
use proptest::prelude::*;
use serde_json::Value;

use common::{demo, launchcheck, TempRepo, NOW};

fn due_json(root: &Path, now: &str, within: &str) -> Value {
    let output = launchcheck()
        .args([
            "due", "-f", "json", "--within", within, "--now", now, "--root",
        ])
        .arg(root)
        .output()
        .expect("due runs");
    assert!(
        output.status.success(),
        "due failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("due JSON")
}

/// `(code, path, line)` of every finding `check --now DAY` reports.
fn findings_on(root: &Path, day: Date) -> Vec<(String, String, u64)> {
    let output = launchcheck()
        .args(["check", "-f", "json", "--exit-zero", "--quiet", "--now"])
        .arg(day.to_string())
        .arg("--root")
        .arg(root)
        .output()
        .expect("check runs");
    assert!(
        output.status.success(),
        "check failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("check JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["path"].as_str().unwrap_or_default().to_owned(),
                f["line"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Checks every forecast of a `due` run against two `check` runs; returns how many
/// forecasts there were.
fn assert_forecasts_hold(root: &Path, due: &Value) -> usize {
    let mut forecasts = 0;
    for item in due["items"].as_array().expect("items") {
        let date: Date = item["date"]
            .as_str()
            .expect("date")
            .parse()
            .expect("a date");
        let deadline: Date = item["deadline"]
            .as_str()
            .expect("deadline")
            .parse()
            .expect("a date");
        assert_eq!(date, deadline.checked_add(1.day()).unwrap(), "{item}");
        let Some(code) = item["code"].as_str() else {
            assert!(
                item["rule"].is_null() && item["message"].is_null(),
                "{item}"
            );
            continue;
        };
        forecasts += 1;
        let path = item["path"].as_str().expect("path");
        let line = item["line"].as_u64().expect("line");
        let on_day = findings_on(root, date);
        assert!(
            on_day
                .iter()
                .any(|f| f.0 == code && f.1 == path && f.2 == line),
            "check --now {date} does not report the forecast {item}\n{on_day:?}"
        );
        let day_before = findings_on(root, date.yesterday().expect("a day before"));
        // A finding is the rule at a place: a document's second overdue action is a new
        // finding even while the first one's is reported.
        assert!(
            !day_before
                .iter()
                .any(|f| f.0 == code && f.1 == path && f.2 == line),
            "check --now {} already reports the forecast {item}",
            date.yesterday().unwrap()
        );
    }
    forecasts
}

#[test]
fn every_forecast_on_the_demo_appears_on_its_day_and_not_the_day_before() {
    let mut forecasts = 0;
    for now in [NOW, "2026-12-28", "2027-02-20"] {
        let due = due_json(&demo(), now, "45d");
        assert_eq!(due["version"], 1);
        assert_eq!(due["within_days"], 45);
        forecasts += assert_forecasts_hold(&demo(), &due);
    }
    // Launch outcomes, the waiver, the plan review and the plan's own drill fall in these
    // horizons: the test must not pass by forecasting nothing.
    assert!(forecasts >= 6, "only {forecasts} forecasts");
}

#[test]
fn the_demo_forecast_lists_deadlines_soonest_first_with_and_without_findings() {
    let due = due_json(&demo(), NOW, "45d");
    assert_eq!(due["now"], NOW);
    let items = due["items"].as_array().expect("items");
    let dates: Vec<&str> = items.iter().map(|i| i["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);
    let first = &items[0];
    assert_eq!(first["date"], "2026-12-04");
    assert_eq!(first["code"], "LC110");
    assert_eq!(first["path"], "launches/2026/LR-2026-0142.toml");
    // LR-2026-0155's stricter drill limit passes on 2026-12-31, but the launch is already
    // told today (its window is judged, not now): listed, without a new finding.
    let stricter = items
        .iter()
        .find(|i| i["deadline"] == "2026-12-31")
        .expect("the override's drill deadline");
    assert_eq!(stricter["path"], "launches/2026/LR-2026-0155.toml");
    assert!(stricter["code"].is_null(), "{stricter}");

    let due_as = |format: &str| {
        let output = launchcheck()
            .args([
                "due", "--within", "45d", "-f", format, "--now", NOW, "--root",
            ])
            .arg(demo())
            .output()
            .expect("due runs");
        String::from_utf8(output.stdout).expect("UTF-8")
    };
    let text = due_as("text");
    assert_eq!(text.lines().count(), items.len());
    assert!(
        text.starts_with(
            "2026-12-04  LC110 stale-request on launches/2026/LR-2026-0142.toml: the request is still `approved`"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\n2027-01-01  RP-payments for LR-2026-0155: the last accepted drill (2026-10-02) reaches \
             this launch's 90-day limit before its window on 2027-01-12 \
             (launches/2026/LR-2026-0155.toml:19; last day 2026-12-31)\n"
        ),
        "{text}"
    );
    let markdown = due_as("markdown");
    assert!(
        markdown.starts_with("## Due in the next 45 days\n\n| from | last day |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("| 2026-12-04 | 2026-12-03 | LR-2026-0142: the window ends"),
        "{markdown}"
    );
    assert_eq!(
        markdown.matches("\n| 20").count(),
        items.len(),
        "{markdown}"
    );
}

#[test]
fn due_rejects_a_bad_horizon_as_a_usage_error() {
    let output = launchcheck()
        .args(["due", "--within", "soon", "--now", NOW, "--root"])
        .arg(demo())
        .output()
        .expect("due runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("horizon"));
}

// ---- generated repositories ----------------------------------------------------------

/// One generated repository, as offsets in days from "now" (so every case has deadlines
/// inside the horizon).
#[derive(Debug, Clone)]
struct GeneratedRepo {
    timezone: &'static str,
    now: &'static str,
    reviewed_ago: i64,
    drills: Vec<Drill>,
    override_days: Option<i64>,
    launches: Vec<Launch>,
}

/// A drill: days from now, passed (else partial), and an action (due in days, done).
type Drill = (i64, bool, Option<(i64, bool)>);

#[derive(Debug, Clone)]
struct Launch {
    status: &'static str,
    emergency: bool,
    reviewed: bool,
    start_days: i64,
    start_hour: i64,
    hours: i64,
    service: &'static str,
    waiver: Option<(&'static str, i64)>,
}

fn launch_strategy() -> impl Strategy<Value = Launch> {
    (
        prop::sample::select(vec![
            "draft",
            "submitted",
            "approved",
            "launched",
            "cancelled",
        ]),
        any::<bool>(),
        any::<bool>(),
        -6i64..40,
        0i64..24,
        1i64..4,
        prop::sample::select(vec!["svc-a", "svc-b"]),
        prop::option::of((
            prop::sample::select(vec!["freeze-window", "approvals", "drill-recency"]),
            -2i64..40,
        )),
    )
        .prop_map(
            |(status, emergency, reviewed, start_days, start_hour, hours, service, waiver)| {
                Launch {
                    status,
                    emergency,
                    reviewed,
                    start_days,
                    start_hour,
                    hours,
                    service,
                    waiver,
                }
            },
        )
}

fn repo_strategy() -> impl Strategy<Value = GeneratedRepo> {
    (
        prop::sample::select(vec!["UTC", "+08:00", "-05:00", "America/New_York"]),
        prop::sample::select(vec!["2026-11-25T00:00:00Z", "2027-03-07T15:30:00Z"]),
        330i64..380,
        prop::collection::vec(
            (
                -200i64..5,
                any::<bool>(),
                prop::option::of((-3i64..40, any::<bool>())),
            ),
            1..4,
        ),
        prop::option::of(30i64..150),
        prop::collection::vec(launch_strategy(), 1..5),
    )
        .prop_map(
            |(timezone, now, reviewed_ago, drills, override_days, launches)| GeneratedRepo {
                timezone,
                now,
                reviewed_ago,
                drills,
                override_days,
                launches,
            },
        )
}

/// The date `days` after the date of `now` in UTC (generated dates are whole days; the
/// zone only moves which day "today" is by one, which the offsets cover).
fn day(now: &str, days: i64) -> String {
    let now: jiff::Timestamp = now.parse().expect("now");
    let date = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    date.checked_add(days.days()).expect("in range").to_string()
}

/// 00:00 UTC of `day(now, days)` plus `hours`.
fn instant(now: &str, days: i64, hours: i64) -> String {
    let midnight: jiff::Timestamp = format!("{}T00:00:00Z", day(now, days))
        .parse()
        .expect("instant");
    midnight
        .checked_add(jiff::SignedDuration::from_hours(hours))
        .expect("in range")
        .to_string()
}

fn write_repo(dir: &Path, repo: &GeneratedRepo) {
    let now = repo.now;
    fs::create_dir_all(dir.join("launches")).unwrap();
    fs::create_dir_all(dir.join("plans")).unwrap();
    fs::create_dir_all(dir.join("policies")).unwrap();
    fs::write(
        dir.join("launchcheck.toml"),
        format!("[time]\ntimezone = \"{}\"\n", repo.timezone),
    )
    .unwrap();
    let mut policy = String::from("kind = \"policy\"\n\n[[freeze]]\nname = \"Freeze\"\n");
    policy.push_str(&format!(
        "start = {}\nend = {}\nallow = [\"emergency\"]\n",
        instant(now, 10, 0),
        instant(now, 14, 0)
    ));
    if let Some(days) = repo.override_days {
        policy.push_str(&format!(
            "\n[[override]]\nservices = [\"svc-a\"]\n[override.rules.drill-recency]\nmax_age_days = {days}\n"
        ));
    }
    fs::write(dir.join("policies/org.toml"), policy).unwrap();

    let mut plan = format!(
        "kind = \"response-plan\"\nid = \"RP-a\"\ntitle = \"Plan\"\nservices = [\"svc-a\", \"svc-b\"]\n\
         owner = \"bob\"\nreviewed_on = {}\n\n",
        day(now, -repo.reviewed_ago)
    );
    plan.push_str(
        "[roles.incident-commander]\nprimary = \"dave\"\nbackup = \"erin\"\n\
         [roles.tech-lead]\nprimary = \"bob\"\nbackup = \"frank\"\n\
         [roles.communications]\nprimary = \"gina\"\nbackup = \"hank\"\n\n",
    );
    for (level, minutes) in [("sev1", 15), ("sev2", 30), ("sev3", 240)] {
        plan.push_str(&format!(
            "[[severity]]\nlevel = \"{level}\"\ncriteria = \"c\"\nrespond_within_minutes = {minutes}\nnotify = [\"incident-commander\"]\n\n"
        ));
    }
    plan.push_str("[[escalation]]\nafter_minutes = 5\nto = \"erin\"\n\n[procedure]\n");
    for phase in [
        "identify",
        "report",
        "respond",
        "analyze",
        "remediate",
        "review",
    ] {
        plan.push_str(&format!("{phase} = [\"step\"]\n"));
    }
    for (ago, passed, action) in &repo.drills {
        plan.push_str(&format!(
            "\n[[drills]]\ndate = {}\ntype = \"tabletop\"\noutcome = \"{}\"\n",
            day(now, *ago),
            if *passed { "passed" } else { "partial" }
        ));
        if let Some((due, done)) = action {
            plan.push_str(&format!(
                "[[drills.actions]]\naction = \"Fix it\"\nowner = \"erin\"\ndue = {}\ndone = {done}\n",
                day(now, *due)
            ));
        }
    }
    fs::write(dir.join("plans/a.toml"), plan).unwrap();

    for (i, launch) in repo.launches.iter().enumerate() {
        let change_type = if launch.emergency {
            "emergency"
        } else {
            "normal"
        };
        let mut text = format!(
            "kind = \"launch-request\"\nid = \"LR-{i}\"\ntitle = \"Launch {i}\"\nservices = [\"{}\"]\n\
             change_type = \"{change_type}\"\nrisk = \"low\"\nstatus = \"{}\"\nrequester = \"alice\"\n\
             submitted_at = {}\nresponse_plan = \"RP-a\"\n\n[window]\nstart = {}\nend = {}\n",
            launch.service,
            launch.status,
            instant(now, -60, 9),
            instant(now, launch.start_days, launch.start_hour),
            instant(now, launch.start_days, launch.start_hour + launch.hours),
        );
        if launch.emergency {
            text.push_str("\n[emergency]\nreason = \"CVE\"\nincident = \"INC-1\"\n");
            if launch.reviewed {
                text.push_str(&format!(
                    "reviewed_by = \"dan\"\nreviewed_at = {}\n",
                    instant(now, launch.start_days + 1, 0)
                ));
            }
        }
        if let Some((rule, expires)) = launch.waiver {
            text.push_str(&format!(
                "\n[[waivers]]\nrule = \"{rule}\"\nreason = \"r\"\napproved_by = \"carol\"\nexpires = {}\n",
                day(now, expires)
            ));
        }
        fs::write(dir.join(format!("launches/LR-{i}.toml")), text).unwrap();
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 10,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_forecast_on_generated_repositories_holds(repo in repo_strategy()) {
        let dir = TempRepo::plain();
        write_repo(dir.path(), &repo);
        let due = due_json(dir.path(), repo.now, "40d");
        assert_forecasts_hold(dir.path(), &due);
    }
}

/// Generated repositories do produce forecasts of every kind the rules date: the property
/// above must not hold vacuously.
#[test]
fn generated_repositories_forecast_every_kind_of_deadline() {
    let repo = GeneratedRepo {
        timezone: "+08:00",
        now: "2026-11-25T00:00:00Z",
        reviewed_ago: 360,
        drills: vec![(-175, true, Some((3, false)))],
        override_days: None,
        launches: vec![
            Launch {
                status: "approved",
                emergency: false,
                reviewed: false,
                start_days: 12,
                start_hour: 2,
                hours: 2,
                service: "svc-b",
                waiver: Some(("freeze-window", 20)),
            },
            Launch {
                status: "launched",
                emergency: true,
                reviewed: false,
                start_days: 1,
                start_hour: 2,
                hours: 2,
                service: "svc-a",
                waiver: None,
            },
        ],
    };
    let dir = TempRepo::plain();
    write_repo(dir.path(), &repo);
    let due = due_json(dir.path(), repo.now, "40d");
    let mut codes: Vec<&str> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["code"].as_str())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(
        codes,
        ["LC109", "LC110", "LC202", "LC206", "LC207", "LC501"],
        "{due}"
    );
    assert_forecasts_hold(dir.path(), &due);
}

/// Incident duties and contact verification are deadlines too, each forecast as the
/// finding `check` reports on its first late day: a postmortem due five days after a sev1
/// was resolved, a postmortem action, a breach notification 72 hours after detection (an
/// instant, so its last day is the day it falls in), and a role holder's contact check.
#[test]
fn incident_and_contact_deadlines_are_forecast_and_hold() {
    let dir = TempRepo::plain();
    let root = dir.path();
    for sub in ["plans", "incidents"] {
        fs::create_dir_all(root.join(sub)).unwrap();
    }
    fs::write(
        root.join("launchcheck.toml"),
        "[time]\ntimezone = \"+08:00\"\n",
    )
    .unwrap();
    fs::write(
        root.join("plans/a.toml"),
        "kind = \"response-plan\"\nid = \"RP-a\"\ntitle = \"A\"\nservices = [\"svc\"]\nowner = \"dave\"\n\
         [roles.incident-commander]\nprimary = \"dave\"\n\n[[severity]]\nlevel = \"sev1\"\nrespond_within_minutes = 15\n",
    )
    .unwrap();
    fs::write(
        root.join("people.toml"),
        "kind = \"roster\"\n\n[people.dave]\nname = \"Dave\"\nphone = \"+86 1\"\ncontact_verified_on = 2026-06-10\n",
    )
    .unwrap();
    // Resolved 2026-11-24 (local): the postmortem is due by 2026-11-29.
    fs::write(
        root.join("incidents/INC-1.toml"),
        "kind = \"incident\"\nid = \"INC-1\"\ntitle = \"t\"\nservices = [\"svc\"]\nseverity = \"sev1\"\n\
         status = \"resolved\"\nresponse_plan = \"RP-a\"\ndetected_at = 2026-11-24T10:00:00+08:00\n\
         resolved_at = 2026-11-24T11:00:00+08:00\n",
    )
    .unwrap();
    // Detected 2026-11-24 20:00 (local): the regulator is due by 2026-11-27 20:00.
    fs::write(
        root.join("incidents/INC-2.toml"),
        "kind = \"incident\"\nid = \"INC-2\"\ntitle = \"t\"\nservices = [\"svc\"]\nseverity = \"sev1\"\n\
         status = \"resolved\"\nresponse_plan = \"RP-a\"\ndetected_at = 2026-11-24T20:00:00+08:00\n\
         resolved_at = 2026-11-24T21:00:00+08:00\ndata_breach = true\n\n[roles]\nlegal = \"dave\"\n\n\
         [postmortem]\nheld_on = 2026-11-25\nreport = \"https://wiki.example.com/pm/2\"\nroot_cause = \"x\"\n\n\
         [[postmortem.actions]]\naction = \"Fix\"\nowner = \"dave\"\ndue = 2026-12-02\n",
    )
    .unwrap();
    let due = due_json(root, "2026-11-25T00:00:00Z", "40d");
    let items = due["items"].as_array().expect("items");
    let forecast = |code: &str| {
        items.iter().find(|i| i["code"] == code).map(|i| {
            (
                i["deadline"].as_str().unwrap_or_default().to_owned(),
                i["path"].clone(),
            )
        })
    };
    assert_eq!(
        forecast("LC604").map(|f| f.0).as_deref(),
        Some("2026-11-29"),
        "{due}"
    );
    assert_eq!(
        forecast("LC608").map(|f| f.0).as_deref(),
        Some("2026-11-27"),
        "{due}"
    );
    assert_eq!(
        forecast("LC605").map(|f| f.0).as_deref(),
        Some("2026-12-02"),
        "{due}"
    );
    // Verified 2026-06-10, valid for 180 days: the last valid day is 2026-12-07.
    assert_eq!(
        forecast("LC303").map(|f| f.0).as_deref(),
        Some("2026-12-07"),
        "{due}"
    );
    assert_eq!(assert_forecasts_hold(root, &due), 4, "{due}");

    let calendar = calendar(root, &[]);
    for uid in [
        "UID:incident/INC-1/postmortem@launchcheck",
        "UID:incident/INC-2/postmortem-action-0@launchcheck",
        "UID:incident/INC-2/breach-notification@launchcheck",
        "UID:roster/dave/contact-verification@launchcheck",
    ] {
        assert!(calendar.contains(uid), "{uid} missing:\n{calendar}");
    }
}

// ---- calendar --------------------------------------------------------------------------

fn calendar(root: &Path, extra: &[&str]) -> String {
    let output = launchcheck()
        .args(["calendar", "--now", NOW, "--root"])
        .arg(root)
        .args(extra)
        .output()
        .expect("calendar runs");
    assert!(
        output.status.success(),
        "calendar failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The VEVENT blocks of a calendar by UID (unfolded UID line).
fn events_by_uid(text: &str) -> std::collections::BTreeMap<String, String> {
    let unfolded = text.replace("\r\n ", "");
    unfolded
        .split("BEGIN:VEVENT\r\n")
        .skip(1)
        .map(|block| {
            let block = block.split("END:VEVENT\r\n").next().unwrap_or_default();
            let uid = block
                .lines()
                .find_map(|l| l.strip_prefix("UID:"))
                .expect("every event has a UID")
                .trim_end()
                .to_owned();
            (uid, block.to_owned())
        })
        .collect()
}

#[test]
fn the_calendar_uses_crlf_folds_at_75_octets_and_dates_every_event() {
    let text = calendar(&demo(), &[]);
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{text}"
    );
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split_terminator("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break in {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let events = events_by_uid(&text);
    // Every live launch, the freeze and the deadlines (the archive is not scheduled).
    let launches = fs::read_dir(demo().join("launches/2026")).unwrap().count();
    assert_eq!(
        events
            .keys()
            .filter(|u| u.ends_with("/window@launchcheck"))
            .count(),
        launches
    );
    let launch = &events["launch-request/LR-2026-0142/window@launchcheck"];
    assert!(launch.contains("DTSTART:20261202T170000Z\r\n"), "{launch}");
    assert!(launch.contains("DTEND:20261202T200000Z\r\n"), "{launch}");
    assert!(launch.contains("DTSTAMP:20261125T000000Z\r\n"), "{launch}");
    assert!(launch.contains("STATUS:CONFIRMED\r\n"), "{launch}");
    assert!(
        launch.contains("SUMMARY:LR-2026-0142 — Payments API 2.3.0 — split-tender checkout\r\n")
    );
    assert!(
        launch.contains(
            "Risk: high\\nChange type: normal\\nServices: payments-api\\nRequester: alice"
        ),
        "{launch}"
    );
    let submitted = &events["launch-request/LR-2026-0155/window@launchcheck"];
    assert!(submitted.contains("STATUS:TENTATIVE\r\n"), "{submitted}");
    let freeze = events
        .iter()
        .find(|(uid, _)| uid.starts_with("policy/freeze/"))
        .expect("the freeze")
        .1;
    assert!(
        freeze.contains("SUMMARY:Freeze: Year-end freeze (年末封网)\r\n"),
        "{freeze}"
    );
    assert!(freeze.contains("DTSTART:20261219T160000Z\r\n"), "{freeze}");
    // A deadline sits on its last valid day, all day: the waiver is valid through 2027-01-10.
    let waiver = &events["launch-request/LR-2026-0152/waiver-0-freeze-window@launchcheck"];
    assert!(
        waiver.contains("DTSTART;VALUE=DATE:20270110\r\n"),
        "{waiver}"
    );
    assert!(waiver.contains("DTEND;VALUE=DATE:20270111\r\n"), "{waiver}");
    let drill = &events["response-plan/RP-payments/drill-recency@launchcheck"];
    assert!(drill.contains("DTSTART;VALUE=DATE:20270331\r\n"), "{drill}");
    let stricter = &events["launch-request/LR-2026-0155/drill-recency-RP-payments@launchcheck"];
    assert!(
        stricter.contains("DTSTART;VALUE=DATE:20261231\r\n"),
        "{stricter}"
    );
}

#[test]
fn calendar_runs_are_byte_identical_and_an_edit_changes_only_its_event() {
    let first = calendar(&demo(), &[]);
    assert_eq!(first, calendar(&demo(), &[]));

    let dir = TempRepo::plain();
    let copy = dir.path().join("demo");
    common::copy_tree(&demo(), &copy);
    let path = copy.join("launches/2026/LR-2026-0145.toml");
    let text = fs::read_to_string(&path).unwrap();
    let edited = text.replace(
        "title = \"search-api: reindex",
        "title = \"search-api (moved): reindex",
    );
    assert_ne!(text, edited);
    fs::write(&path, edited).unwrap();
    // Moving a file keeps its UIDs: the UID names the document, not its path.
    fs::rename(
        copy.join("launches/2026/LR-2026-0140.toml"),
        copy.join("launches/LR-2026-0140.toml"),
    )
    .unwrap();

    let before = events_by_uid(&first);
    let after = events_by_uid(&calendar(&copy, &[]));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    let changed: Vec<&String> = before
        .keys()
        .filter(|uid| before[*uid] != after[*uid])
        .collect();
    assert_eq!(
        changed,
        [
            "launch-request/LR-2026-0140/window@launchcheck",
            "launch-request/LR-2026-0145/window@launchcheck"
        ],
        "only the edited launch and the moved file's description (its path) change"
    );
}

#[test]
fn from_and_to_limit_the_calendar_to_events_that_touch_the_range() {
    let text = calendar(&demo(), &["--from", "2026-12-01", "--to", "2026-12-10"]);
    let uids: Vec<String> = events_by_uid(&text).into_keys().collect();
    assert!(uids.contains(&"launch-request/LR-2026-0142/window@launchcheck".to_owned()));
    assert!(uids.contains(&"launch-request/LR-2026-0145/outcome@launchcheck".to_owned()));
    assert!(
        !uids.iter().any(|u| u.contains("LR-2026-0155/window")),
        "{uids:?}"
    );
    assert!(
        !uids.iter().any(|u| u.starts_with("policy/freeze/")),
        "{uids:?}"
    );

    let output = launchcheck()
        .args(["calendar", "--from", "December", "--root"])
        .arg(demo())
        .output()
        .expect("calendar runs");
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_calendar_writes_to_a_file_with_dash_o() {
    let dir = TempRepo::plain();
    let out = dir.path().join("launches.ics");
    let stdout = calendar(&demo(), &["-o", out.to_str().unwrap()]);
    assert!(stdout.is_empty());
    assert_eq!(fs::read_to_string(&out).unwrap(), calendar(&demo(), &[]));
}

/// Two real parsers read the demo calendar: PyPI `icalendar` with no component errors and
/// PyPI `ical`, which validates strictly. Under CI both must be installed (`.ci/run`
/// installs them); elsewhere the test is skipped with a note when they are missing.
#[test]
fn two_independent_parsers_read_the_demo_calendar() {
    let available = std::process::Command::new("python3")
        .args(["-c", "import icalendar, ical.calendar_stream"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        common::skip_outside_ci(
            "the PyPI packages `icalendar` and `ical` are missing",
            "python3 -m pip install icalendar ical",
        );
        return;
    }
    let dir = TempRepo::plain();
    let out = dir.path().join("demo.ics");
    calendar(&demo(), &["-o", out.to_str().unwrap()]);
    let script = common::project("tests/support/parse_calendar.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .arg(&out)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected_events = events_by_uid(&fs::read_to_string(&out).unwrap()).len();
    assert_eq!(stdout.lines().count(), expected_events, "{stdout}");
    assert!(
        stdout.contains("launch-request/LR-2026-0142/window@launchcheck\t2026-12-02 17:00:00+00:00\t2026-12-02 20:00:00+00:00\tLR-2026-0142 — Payments API 2.3.0 — split-tender checkout"),
        "{stdout}"
    );
    assert!(
        stdout.contains("launch-request/LR-2026-0152/waiver-0-freeze-window@launchcheck\t2027-01-10\t2027-01-11\t"),
        "{stdout}"
    );
}

#[test]
fn the_markdown_summary_lists_what_comes_up_in_the_next_14_days() {
    let output = launchcheck()
        .args(["check", "-f", "markdown", "--now", "2026-12-10", "--root"])
        .arg(demo())
        .output()
        .expect("check runs");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let coming = text
        .split("## Coming up (next 14 days)\n")
        .nth(1)
        .expect("the section");
    // 2026-12-10 00:00 +08:00 is 2026-12-09 16:00Z; 14 days reach 2026-12-23 16:00Z.
    assert!(
        coming.contains("| 2026-12-11 17:00 | 2026-12-11 21:00 | LR-2026-0147 — "),
        "{coming}"
    );
    assert!(
        coming.contains("| 2026-12-21 17:00 | 2026-12-21 19:00 | LR-2026-0152 — "),
        "{coming}"
    );
    assert!(
        !coming.contains("LR-2026-0145 — "),
        "started before now: {coming}"
    );
    assert!(
        !coming.contains("LR-2026-0155 — "),
        "starts after 14 days: {coming}"
    );
    assert!(
        coming.contains(
            "| Year-end freeze (年末封网) | 2026-12-19 16:00 | 2027-01-03 16:00 | emergency |"
        ),
        "{coming}"
    );
    assert!(
        coming.contains("| 2026-12-12 | LR-2026-0147: the window ends"),
        "{coming}"
    );
    assert!(
        !coming.contains("| 2027-01-10 |"),
        "the waiver expires later: {coming}"
    );
}
