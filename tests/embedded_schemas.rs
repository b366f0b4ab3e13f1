//! The schemas and the default policy compiled into the binary are exactly the files in the
//! repository: `launchcheck schema KIND` prints `schemas/KIND.schema.json` byte for byte, and
//! `launchcheck policy --default` prints `policies/default.toml`.

use std::fs;

mod common;
use common::{TempRepo, NOW_ARG};

const KINDS: [&str; 6] = [
    "launch-request",
    "response-plan",
    "incident",
    "roster",
    "policy",
    "config",
];

fn launchcheck(args: &[&str]) -> Vec<u8> {
    let output = common::launchcheck()
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn repository_file(path: &str) -> Vec<u8> {
    let full = common::project(path);
    fs::read(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[test]
fn every_embedded_schema_is_the_file_in_schemas() {
    for kind in KINDS {
        let printed = launchcheck(&["schema", kind]);
        let file = repository_file(&format!("schemas/{kind}.schema.json"));
        assert!(
            printed == file,
            "`launchcheck schema {kind}` differs from schemas/{kind}.schema.json"
        );
    }
}

#[test]
fn there_is_one_schema_file_per_kind_and_each_is_a_2020_12_schema() {
    let dir = common::project("schemas");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .expect("schemas/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let mut expected: Vec<String> = KINDS.iter().map(|k| format!("{k}.schema.json")).collect();
    expected.sort();
    assert_eq!(files, expected);
    for kind in KINDS {
        let schema: serde_json::Value =
            serde_json::from_slice(&launchcheck(&["schema", kind])).expect("the schema is JSON");
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{kind}"
        );
        // Local references only: the checker never fetches anything.
        let text = schema.to_string();
        for reference in text.split("\"$ref\":\"").skip(1) {
            assert!(
                reference.starts_with('#'),
                "{kind}: non-local $ref {reference:.60}"
            );
        }
    }
}

#[test]
fn the_default_policy_is_policies_default_toml() {
    let printed = launchcheck(&["policy", "--default"]);
    assert!(
        printed == repository_file("policies/default.toml"),
        "`launchcheck policy --default` differs from policies/default.toml"
    );
}

#[test]
fn the_default_policy_is_valid_against_the_policy_schema() {
    // A repository whose only policy file is a copy of the default must check cleanly:
    // the embedded default satisfies its own schema, with every rule it names known.
    let dir = TempRepo::plain();
    dir.write(
        "policies/default.toml",
        repository_file("policies/default.toml"),
    );
    let run = dir.run(&["check", "--allow-empty", NOW_ARG, "--format=json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
