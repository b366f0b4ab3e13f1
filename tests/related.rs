//! A run limited to some files (explicit paths here; a pull request's changed files work the
//! same way) parses only the documents related to them, and must still see every
//! cross-file relation: collisions, dependencies, dependency cycles and duplicate ids with
//! files it does not report on. Each scenario is compared with a full run of the same
//! repository.

mod common;
use common::{check_in, TempRepo};

fn launch(id: &str, service: &str, day: u32, extra: &str) -> String {
    format!(
        r#"kind = "launch-request"
id = "{id}"
title = "t"
services = ["{service}"]
change_type = "normal"
risk = "low"
status = "submitted"
requester = "alice"
submitted_at = 2026-11-20T09:00:00Z
{extra}
[window]
start = 2026-12-{day:02}T02:00:00Z
end = 2026-12-{day:02}T04:00:00Z

[rollback]
steps = ["Redeploy"]
minutes = 10
owner = "bob"
"#
    )
}

/// `(code, message)` of the findings in `path`, from a run reporting on `paths` only (or on
/// everything when `paths` is empty).
fn findings_in(repo: &TempRepo, path: &str, paths: &[&str]) -> Vec<(String, String)> {
    let mut args = vec!["--exit-zero"];
    args.extend_from_slice(paths);
    let run = check_in(repo.path(), &args);
    let json = run.json();
    let mut found: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            (
                f["code"].as_str().unwrap_or_default().to_owned(),
                f["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_limited_run_sees_every_relation_of_the_files_it_reports_on() {
    let root = TempRepo::plain();
    root.write("launchcheck.toml", "");
    // The reported launch: collides with `other`, depends on `late` (which ends after it
    // starts), on `a` (which closes a cycle a → b → changed → a), and shares its id with
    // `twin`.
    root.write(
        "launches/changed.toml",
        launch(
            "LR-CHANGED",
            "payments-api",
            10,
            "depends_on = [\"LR-LATE\", \"LR-A\"]",
        ),
    );
    root.write(
        "launches/other.toml",
        launch("LR-OTHER", "payments-api", 10, ""),
    );
    root.write(
        "launches/late.toml",
        launch("LR-LATE", "search-api", 11, ""),
    );
    root.write(
        "launches/a.toml",
        launch("LR-A", "mail-api", 3, "depends_on = [\"LR-B\"]"),
    );
    root.write(
        "launches/b.toml",
        launch("LR-B", "mail-api", 2, "depends_on = [\"LR-CHANGED\"]"),
    );
    root.write(
        "launches/twin.toml",
        launch("LR-CHANGED", "auth-api", 20, ""),
    );
    // Unrelated launches that the limited run has no reason to read.
    for i in 0..20 {
        root.write(
            &format!("launches/unrelated-{i}.toml"),
            launch(&format!("LR-U{i}"), "billing-api", 1 + i % 28, ""),
        );
    }

    let full = findings_in(&root, "launches/changed.toml", &[]);
    let limited = findings_in(&root, "launches/changed.toml", &["launches/changed.toml"]);
    let codes: Vec<&str> = full.iter().map(|(c, _)| c.as_str()).collect();
    for code in ["LC004", "LC111", "LC112"] {
        assert!(
            codes.contains(&code),
            "the scenario must produce {code}: {full:?}"
        );
    }
    assert!(
        full.iter()
            .any(|(c, m)| c == "LC112" && m.contains("cycle")),
        "{full:?}"
    );
    assert_eq!(limited, full);
}
