//! Messages show instants in the configured zone: every failing rule fixture, checked with
//! `[time].timezone` set to another zone, prints every date and time of its messages and
//! help lines with that zone's offset, never in UTC or the zone the files were written in.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{launchcheck, TempRepo, NOW_ARG};

/// `2026-12-01 02:00 +08:00`: how messages show an instant. Returns each offset shown.
fn shown_offsets(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut offsets = Vec::new();
    // Date (10) space time (5) space offset (6).
    for start in 0..bytes.len().saturating_sub(22) {
        let Some(candidate) = text.get(start..start + 23) else {
            continue;
        };
        let shape = candidate.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 | 16 => b == b' ',
            13 | 20 => b == b':',
            17 => b == b'+' || b == b'-',
            _ => b.is_ascii_digit(),
        });
        if shape {
            offsets.push(candidate[17..].to_owned());
        }
    }
    offsets
}

#[test]
fn the_shape_of_a_shown_instant_is_recognised() {
    assert_eq!(
        shown_offsets("ends 2026-12-01 02:00 +08:00, after 2026-12-01 03:00 -05:00"),
        ["+08:00", "-05:00"]
    );
    assert!(shown_offsets("due on 2026-10-31, 25 days ago").is_empty());
}

/// Sets `[time].timezone` in the case's configuration, keeping its other settings.
fn set_zone(root: &Path, zone: &str) {
    let path = root.join("launchcheck.toml");
    let mut config: toml::Table = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .parse()
        .expect("the fixture's configuration is TOML");
    let time = config
        .entry("time")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    time.as_table_mut()
        .expect("[time] is a table")
        .insert("timezone".into(), zone.into());
    std::fs::write(&path, config.to_string()).expect("write the configuration");
}

#[test]
fn every_instant_in_a_message_is_shown_in_the_configured_zone() {
    let fixtures = common::fixture("rules");
    let mut shown = 0;
    let mut wrong = Vec::new();
    let mut cases: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .map(|e| e.expect("entry").path().join("fail"))
        .filter(|dir| dir.is_dir() && !dir.join("base").exists())
        .collect();
    cases.sort();
    for case in cases {
        let dir = TempRepo::copy_of(&case);
        // New York is at -05:00 from November to March and at -04:00 before.
        set_zone(dir.path(), "America/New_York");
        let output = launchcheck()
            .args(["check", "--format=json", NOW_ARG, "--root"])
            .arg(dir.path())
            .current_dir(dir.path())
            .output()
            .expect("the binary runs");
        let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{}: {e}: {}",
                case.display(),
                String::from_utf8_lossy(&output.stderr)
            )
        });
        for finding in json["findings"].as_array().expect("findings") {
            for field in ["message", "help"] {
                let text = finding[field].as_str().unwrap_or_default();
                for offset in shown_offsets(text) {
                    shown += 1;
                    if offset != "-05:00" && offset != "-04:00" {
                        wrong.push(format!("{}: {text}", case.display()));
                    }
                }
            }
        }
    }
    assert!(shown >= 5, "only {shown} instants shown");
    assert!(
        wrong.is_empty(),
        "not in the configured zone:\n{}",
        wrong.join("\n")
    );
}
