//! The CI output formats (`sarif`, `github`, `junit`, `markdown`) through the real binary.
//!
//! Snapshots pin every format on `fixtures/demo` at a fixed clock. The other tests check
//! each format against the `json` output of the same run (the pinned format the others must
//! agree with): SARIF against the official 2.1.0 schema and JSON's positions, workflow
//! commands by parsing them back the way the runner does, JUnit with an XML parser, and the
//! Markdown tables' shape. A "hostile" copy of the demo adds a file whose name holds a
//! comma, a colon, `%` and `#`, a key with a line break, markup and a control character,
//! and a waiver reason with the same, so that every escape is exercised.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

use launchcheck::rules::RULES;
use serde_json::Value;

mod common;
use common::{demo, launchcheck, TempRepo, NOW_ARG};
const SARIF_SCHEMA: &str = "../shared/testdata/sarif-schema-2.1.0.json";
const ODD_FILE: &str = "launches/2026/odd, name: 100% #1.toml";
const ODD_KEY: &str = "evil\nkey,: 100% | <b>&amp; `tick` \u{7}";
const ODD_REASON: &str = "regulator, deadline: 2027-01-01\n100% | <mandatory> & `final`";

/// Runs `launchcheck check` in `root` with a fixed clock; returns stdout and the exit code.
fn check(root: &Path, args: &[&str]) -> (String, i32) {
    let output = launchcheck()
        .arg("check")
        .arg(NOW_ARG)
        .args(args)
        .current_dir(root)
        .output()
        .expect("the binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code().expect("exited");
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");
    (
        String::from_utf8(output.stdout).expect("UTF-8 output"),
        code,
    )
}

fn format(root: &Path, format: &str) -> String {
    check(root, &["-f", format]).0
}

fn json(root: &Path) -> Value {
    serde_json::from_str(&format(root, "json")).expect("json output")
}

/// TOML basic-string form of `text`.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The demo plus a launch under an awkward name with an unknown key full of specials, and a
/// waiver reason full of them.
fn hostile() -> TempRepo {
    let dir = TempRepo::demo();
    let base = fs::read_to_string(dir.path().join("launches/2026/LR-2026-0140.toml")).unwrap();
    let odd = base
        .replace("id = \"LR-2026-0140\"", "id = \"LR-2026-0199\"")
        .replace(
            "x-jira = \"PAY-2188\"",
            &format!("{} = 1", toml_string(ODD_KEY)),
        );
    assert_ne!(odd, base);
    fs::write(dir.path().join(ODD_FILE), odd).unwrap();
    let waived = dir.path().join("launches/2026/LR-2026-0152.toml");
    let text = fs::read_to_string(&waived).unwrap();
    let start = text.find("reason = ").unwrap();
    let end = start + text[start..].find('\n').unwrap();
    let text = format!(
        "{}reason = {}{}",
        &text[..start],
        toml_string(ODD_REASON),
        &text[end..]
    );
    fs::write(&waived, text).unwrap();
    dir
}

fn findings(json: &Value) -> &Vec<Value> {
    json["findings"].as_array().unwrap()
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {value}"))
}

fn num(value: &Value, key: &str) -> u64 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} in {value}"))
}

// --- snapshots -------------------------------------------------------------------------

/// SARIF with the rule table cut down to ids, names and levels: the rule documentation is
/// checked against the registry in `sarif_describes_every_rule_from_its_documentation`, and
/// would otherwise make this snapshot change with every wording fix in a rule.
fn sarif_for_snapshot(text: &str) -> String {
    let mut sarif: Value = serde_json::from_str(text).unwrap();
    let rules = &mut sarif["runs"][0]["tool"]["driver"]["rules"];
    let short: Vec<Value> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            Value::String(format!(
                "{} {} {}",
                str_of(r, "id"),
                str_of(r, "name"),
                r["defaultConfiguration"]["level"].as_str().unwrap()
            ))
        })
        .collect();
    *rules = Value::Array(short);
    serde_json::to_string_pretty(&sarif).unwrap()
}

#[test]
fn demo_snapshots_of_every_ci_format() {
    // A copy outside any git repository: this project's commit and clone address would
    // otherwise be in the SARIF's provenance.
    let copy = TempRepo::demo();
    let root = copy.path().to_path_buf();
    insta::assert_snapshot!("demo_github", format(&root, "github"));
    insta::assert_snapshot!("demo_markdown", format(&root, "markdown"));
    insta::assert_snapshot!("demo_junit", format(&root, "junit"));
    insta::assert_snapshot!("demo_sarif", sarif_for_snapshot(&format(&root, "sarif")));
}

#[test]
fn demo_markdown_for_a_change_lists_the_launches_it_touches() {
    let root = demo();
    let (text, _) = check(
        &root,
        &[
            "-f",
            "markdown",
            "launches/2026/LR-2026-0145.toml",
            "plans/search.toml",
        ],
    );
    insta::assert_snapshot!("demo_markdown_paths", text);
    let (plan_only, _) = check(&root, &["-f", "markdown", "plans/payments.toml"]);
    assert!(
        plan_only.contains("### Launches in this change\n\nThis change touches no launch request.")
    );
}

// --- SARIF -----------------------------------------------------------------------------

/// Validators for the official SARIF schema, which lives beside the repository (in the
/// project's shared test data) or at `$LAUNCHCHECK_SARIF_SCHEMA`. CI always has it and must
/// use it; a checkout without it skips the schema check with a note instead of failing.
fn sarif_validators() -> Vec<jsonschema::Validator> {
    let path = std::env::var_os("LAUNCHCHECK_SARIF_SCHEMA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| common::project(SARIF_SCHEMA));
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            common::skip_outside_ci(
                &format!("the SARIF schema cannot be read: {}: {e}", path.display()),
                "set LAUNCHCHECK_SARIF_SCHEMA",
            );
            return Vec::new();
        }
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    // The schema declares draft-04; check with that and with draft-07, formats included.
    [jsonschema::Draft::Draft4, jsonschema::Draft::Draft7]
        .into_iter()
        .map(|draft| {
            jsonschema::options()
                .with_draft(draft)
                .should_validate_formats(true)
                .build(&schema)
                .unwrap()
        })
        .collect()
}

fn assert_valid_sarif(sarif: &Value) {
    for validator in sarif_validators() {
        let errors: Vec<String> = validator
            .iter_errors(sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "SARIF does not validate:\n{}",
            errors.join("\n")
        );
    }
}

#[test]
fn the_schema_check_catches_invalid_sarif() {
    let mut sarif: Value = serde_json::from_str(&format(&demo(), "sarif")).unwrap();
    assert_valid_sarif(&sarif);
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    for validator in sarif_validators() {
        assert!(!validator.is_valid(&sarif));
    }
}

/// `uri` percent-decoded.
fn decode_uri(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn assert_sarif_matches_json(root: &Path) {
    let sarif: Value = serde_json::from_str(&format(root, "sarif")).unwrap();
    assert_valid_sarif(&sarif);
    let json = json(root);
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["tool"]["driver"]["name"], "launchcheck");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert!(run["originalUriBaseIds"]["%SRCROOT%"].is_object());
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    let expected = findings(&json);
    assert_eq!(results.len(), expected.len());
    let mut fingerprints = BTreeSet::new();
    for (result, finding) in results.iter().zip(expected) {
        assert_eq!(result["ruleId"], finding["code"]);
        let index = num(result, "ruleIndex") as usize;
        assert_eq!(rules[index]["id"], finding["code"]);
        assert_eq!(result["level"], finding["level"]);
        let text = str_of(&result["message"], "text");
        assert!(text.starts_with(str_of(finding, "message")), "{text}");
        let location = &result["locations"][0]["physicalLocation"];
        let artifact = &location["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert_eq!(decode_uri(str_of(artifact, "uri")), str_of(finding, "path"));
        let region = &location["region"];
        assert_eq!(num(region, "startLine"), num(finding, "line"));
        assert_eq!(num(region, "startColumn"), num(finding, "column"));
        assert_eq!(num(region, "endLine"), num(finding, "end_line"));
        // SARIF's end column is exclusive; JSON's is inclusive.
        assert_eq!(num(region, "endColumn"), num(finding, "end_column") + 1);
        let related = finding["related"].as_array().unwrap();
        let sarif_related = result["relatedLocations"].as_array().map_or(&[][..], |r| r);
        assert_eq!(sarif_related.len(), related.len());
        for (i, (s, j)) in sarif_related.iter().zip(related).enumerate() {
            assert_eq!(num(s, "id") as usize, i + 1);
            assert_eq!(s["message"]["text"], j["message"]);
            let location = &s["physicalLocation"];
            assert_eq!(
                decode_uri(str_of(&location["artifactLocation"], "uri")),
                str_of(j, "path")
            );
            assert_eq!(num(&location["region"], "startLine"), num(j, "line"));
        }
        let fingerprint = str_of(&result["partialFingerprints"], "launchcheck/v1");
        assert!(
            fingerprints.insert(fingerprint.to_owned()),
            "{fingerprint} twice"
        );
        match finding["waiver"].as_object() {
            Some(waiver) => {
                let suppressions = result["suppressions"].as_array().unwrap();
                assert_eq!(suppressions.len(), 1);
                assert_eq!(suppressions[0]["kind"], "inSource");
                assert_eq!(suppressions[0]["justification"], waiver["reason"]);
            }
            None => assert!(result.get("suppressions").is_none()),
        }
    }
}

#[test]
fn sarif_validates_and_agrees_with_json_on_the_demo() {
    assert_sarif_matches_json(&demo());
}

#[test]
fn sarif_validates_and_agrees_with_json_with_hostile_names_and_texts() {
    let dir = hostile();
    assert_sarif_matches_json(dir.path());
    let sarif = format(dir.path(), "sarif");
    assert!(sarif.contains("\"uri\": \"launches/2026/odd%2C%20name%3A%20100%25%20%231.toml\""));
}

#[test]
fn sarif_describes_every_rule_from_its_documentation() {
    let sarif: Value = serde_json::from_str(&format(&demo(), "sarif")).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    // The built-in rules, then the demo's organisation rules with their policy's codes.
    assert_eq!(rules.len(), RULES.len() + 3);
    let custom: Vec<(&str, &str, &str)> = rules[RULES.len()..]
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["defaultConfiguration"]["level"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        custom,
        [
            ("ORG001", "db/migration-without-dba", "error"),
            ("ORG002", "calendar/critical-on-friday", "error"),
            ("ORG003", "ticket/emergency-without-ticket", "warning"),
        ]
    );
    assert_eq!(
        rules[RULES.len()]["shortDescription"]["text"],
        "A migration of a `*-db` service needs the approval of a DBA."
    );
    for (sarif_rule, rule) in rules.iter().zip(RULES) {
        assert_eq!(sarif_rule["id"], rule.code);
        assert_eq!(sarif_rule["name"], rule.name);
        assert_eq!(
            sarif_rule["shortDescription"]["text"],
            rule.summary().as_str()
        );
        assert_eq!(sarif_rule["fullDescription"]["text"], rule.doc().as_str());
        assert_eq!(sarif_rule["help"]["text"], rule.doc().as_str());
        assert_eq!(sarif_rule["help"]["markdown"], rule.doc().as_str());
        assert_eq!(
            sarif_rule["defaultConfiguration"]["level"],
            rule.default_level.as_str()
        );
    }
}

fn fingerprints_by_rule(root: &Path) -> BTreeMap<(String, String), Vec<(String, u64)>> {
    let sarif: Value = serde_json::from_str(&format(root, "sarif")).unwrap();
    let mut out: BTreeMap<(String, String), Vec<(String, u64)>> = BTreeMap::new();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        let location = &result["locations"][0]["physicalLocation"];
        let key = (
            str_of(result, "ruleId").to_owned(),
            str_of(&location["artifactLocation"], "uri").to_owned(),
        );
        out.entry(key).or_default().push((
            str_of(&result["partialFingerprints"], "launchcheck/v1").to_owned(),
            num(&location["region"], "startLine"),
        ));
    }
    out
}

#[test]
fn sarif_fingerprints_survive_unrelated_edits_and_runs() {
    let dir = TempRepo::demo();
    let before = fingerprints_by_rule(dir.path());
    assert_eq!(
        before,
        fingerprints_by_rule(dir.path()),
        "same input, same fingerprints"
    );
    // Push every finding in the plan down by three lines.
    let plan = dir.path().join("plans/search.toml");
    let text = fs::read_to_string(&plan).unwrap();
    fs::write(&plan, format!("# one\n# two\n# three\n{text}")).unwrap();
    let after = fingerprints_by_rule(dir.path());
    assert_eq!(before.len(), after.len());
    let mut moved = 0;
    for (key, old) in &before {
        let new = &after[key];
        let old_prints: Vec<&String> = old.iter().map(|(f, _)| f).collect();
        let new_prints: Vec<&String> = new.iter().map(|(f, _)| f).collect();
        assert_eq!(old_prints, new_prints, "{key:?}");
        if key.1 == "plans/search.toml" {
            for ((_, a), (_, b)) in old.iter().zip(new) {
                assert_eq!(a + 3, *b);
                moved += 1;
            }
        }
    }
    assert!(moved >= 2, "the plan's findings moved ({moved})");
}

// --- github ----------------------------------------------------------------------------

/// Undoes the workflow-command escaping (the runner's `unescapeProperty`/`unescapeData`).
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i..i + 3).unwrap_or("");
        match code {
            "%25" => out.push('%'),
            "%0D" => out.push('\r'),
            "%0A" => out.push('\n'),
            "%3A" => out.push(':'),
            "%2C" => out.push(','),
            _ => panic!("stray % in {text:?}"),
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

struct Annotation {
    command: String,
    properties: BTreeMap<String, String>,
    message: String,
}

/// Parses a workflow command the way the runner does: the command name up to a space, the
/// properties up to the first `::`, split at `,` and the first `=`.
fn parse_command(line: &str) -> Annotation {
    let body = line.strip_prefix("::").expect("a command");
    let (head, data) = body.split_once("::").expect("a data part");
    let (command, properties) = head.split_once(' ').expect("properties");
    let properties = properties
        .split(',')
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_owned(), unescape(v))
        })
        .collect();
    Annotation {
        command: command.to_owned(),
        properties,
        message: unescape(data),
    }
}

fn assert_github_matches_json(root: &Path) {
    let text = format(root, "github");
    let json = json(root);
    let lines: Vec<&str> = text.lines().collect();
    let expected = findings(&json);
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    assert!(lines.last().unwrap().starts_with("Found "));
    for (line, finding) in lines.iter().zip(expected) {
        let annotation = parse_command(line);
        let command = match (finding["waiver"].is_null(), str_of(finding, "level")) {
            (false, _) | (true, "note") => "notice",
            (true, level) => level,
        };
        assert_eq!(annotation.command, command);
        let p = &annotation.properties;
        assert_eq!(p["file"], str_of(finding, "path"));
        assert_eq!(p["line"], finding["line"].to_string());
        assert_eq!(p["endLine"], finding["end_line"].to_string());
        if finding["line"] == finding["end_line"] {
            assert_eq!(p["col"], finding["column"].to_string());
            assert_eq!(p["endColumn"], finding["end_column"].to_string());
        } else {
            assert!(!p.contains_key("col") && !p.contains_key("endColumn"));
        }
        assert_eq!(
            p["title"],
            format!("{} {}", str_of(finding, "code"), str_of(finding, "rule"))
        );
        assert!(
            annotation.message.starts_with(str_of(finding, "message")),
            "{:?}",
            annotation.message
        );
        if let Some(waiver) = finding["waiver"].as_object() {
            let reason = waiver["reason"].as_str().unwrap();
            assert!(annotation.message.contains(&format!("(waived: {reason})")));
        }
    }
}

#[test]
fn github_annotations_round_trip_on_the_demo() {
    assert_github_matches_json(&demo());
}

#[test]
fn github_annotations_round_trip_hostile_paths_and_messages() {
    let dir = hostile();
    assert_github_matches_json(dir.path());
    let text = format(dir.path(), "github");
    let odd: Vec<Annotation> = text
        .lines()
        .filter(|l| l.contains("file=launches/2026/odd"))
        .map(parse_command)
        .collect();
    assert!(!odd.is_empty());
    for annotation in &odd {
        assert_eq!(annotation.properties["file"], ODD_FILE);
    }
    assert!(odd
        .iter()
        .any(|a| a.message.contains("evil\nkey,: 100% | <b>&amp;")));
    assert!(text.contains("file=launches/2026/odd%2C name%3A 100%25 #1.toml,"));
    assert!(
        text.contains("(waived: regulator, deadline: 2027-01-01%0A100%25 | <mandatory> & `final`)")
    );
}

// --- JUnit -----------------------------------------------------------------------------

/// Without `--deny-warnings` a rule with only warnings in a file is a passing test case
/// that shows them in `<system-out>`; with it, a failure like an error.
fn assert_junit_matches_json(root: &Path, deny_warnings: bool) {
    let text = if deny_warnings {
        check(root, &["-f", "junit", "--deny-warnings"]).0
    } else {
        format(root, "junit")
    };
    let json = json(root);
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let suites_node = doc.root_element();
    assert_eq!(suites_node.tag_name().name(), "testsuites");
    let attr = |node: roxmltree::Node<'_, '_>, name: &str| -> usize {
        node.attribute(name).unwrap().parse().unwrap()
    };

    // What the JSON says should fail, be skipped (all waived) and pass.
    let mut failing: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut waived: BTreeSet<(String, String)> = BTreeSet::new();
    for finding in findings(&json) {
        let key = (
            str_of(finding, "path").to_owned(),
            format!("{} {}", str_of(finding, "code"), str_of(finding, "rule")),
        );
        if finding["waiver"].is_null() {
            failing
                .entry(key)
                .or_default()
                .push(str_of(finding, "level").to_owned());
        } else {
            waived.insert(key);
        }
    }
    waived.retain(|key| !failing.contains_key(key));

    let warned: BTreeSet<(String, String)> = failing
        .iter()
        .filter(|(_, levels)| {
            levels.iter().all(|l| l == "note")
                || (!deny_warnings && levels.iter().all(|l| l == "warning" || l == "note"))
        })
        .map(|(key, _)| key.clone())
        .collect();
    failing.retain(|key, _| !warned.contains(key));

    let mut seen_failing = BTreeMap::new();
    let mut seen_skipped = BTreeSet::new();
    let mut seen_warned = BTreeSet::new();
    let mut clean_files = 0;
    let (mut tests, mut failures, mut skipped) = (0, 0, 0);
    let suites: Vec<_> = suites_node.children().filter(|n| n.is_element()).collect();
    assert_eq!(suites.len(), num(&json, "files_checked") as usize);
    for suite in &suites {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let path = suite.attribute("name").unwrap();
        let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
        assert_eq!(attr(*suite, "tests"), cases.len());
        let mut suite_failures = 0;
        let mut suite_skipped = 0;
        for case in &cases {
            assert_eq!(case.attribute("classname"), Some(path));
            let name = case.attribute("name").unwrap().to_owned();
            let key = (path.to_owned(), name.clone());
            if let Some(failure) = case.children().find(|n| n.has_tag_name("failure")) {
                suite_failures += 1;
                let text = failure.text().unwrap();
                seen_failing.insert(key, failure.attribute("type").unwrap().to_owned());
                assert!(text.starts_with(&format!("{path}:")), "{text}");
                assert!(!failure.attribute("message").unwrap().is_empty());
            } else if let Some(skip) = case.children().find(|n| n.has_tag_name("skipped")) {
                suite_skipped += 1;
                assert!(skip.attribute("message").unwrap().starts_with("waived: "));
                seen_skipped.insert(key);
            } else if let Some(out) = case.children().find(|n| n.has_tag_name("system-out")) {
                let out = out.text().unwrap();
                assert!(
                    out.contains(": warning ") || out.contains(": note "),
                    "{key:?}"
                );
                seen_warned.insert(key);
            } else {
                assert_eq!(name, "no findings");
                assert_eq!(cases.len(), 1);
                clean_files += 1;
            }
        }
        assert_eq!(attr(*suite, "failures"), suite_failures);
        assert_eq!(attr(*suite, "skipped"), suite_skipped);
        tests += cases.len();
        failures += suite_failures;
        skipped += suite_skipped;
    }
    assert_eq!(attr(suites_node, "tests"), tests);
    assert_eq!(attr(suites_node, "failures"), failures);
    assert_eq!(attr(suites_node, "skipped"), skipped);
    let expected_failing: BTreeMap<(String, String), String> = failing
        .into_iter()
        .map(|(key, levels)| {
            let level = if levels.iter().any(|l| l == "error") {
                "error"
            } else {
                "warning"
            };
            (key, level.to_owned())
        })
        .collect();
    assert_eq!(seen_failing, expected_failing);
    assert_eq!(seen_skipped, waived);
    assert_eq!(seen_warned, warned);
    let files_with_findings: BTreeSet<&str> =
        findings(&json).iter().map(|f| str_of(f, "path")).collect();
    assert_eq!(clean_files, suites.len() - files_with_findings.len());
}

#[test]
fn junit_parses_and_agrees_with_json_on_the_demo() {
    assert_junit_matches_json(&demo(), false);
    assert_junit_matches_json(&demo(), true);
}

#[test]
fn junit_parses_and_agrees_with_json_with_hostile_names_and_texts() {
    let dir = hostile();
    assert_junit_matches_json(dir.path(), false);
    let text = format(dir.path(), "junit");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(ODD_FILE))
        .expect("a suite for the odd file");
    let failure = suite
        .descendants()
        .find(|n| {
            n.has_tag_name("failure") && n.attribute("message").is_some_and(|m| m.contains("evil"))
        })
        .expect("the unknown key's failure");
    // Markup and line breaks survive; the control character XML cannot hold is dropped.
    let key_without_bell = ODD_KEY.replace('\u{7}', "");
    assert!(failure
        .attribute("message")
        .unwrap()
        .contains(&key_without_bell));
    assert!(failure.text().unwrap().contains(&key_without_bell));
    assert!(!text.contains('\u{7}'));
    let expected = format!("waived: {ODD_REASON}");
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped") && n.attribute("message") == Some(expected.as_str()));
    assert!(
        skipped.is_some(),
        "the hostile waiver's reason survives: {text}"
    );
}

// --- Markdown --------------------------------------------------------------------------

/// The number of table-cell separators: `|` not escaped by a backslash.
fn cell_separators(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match (c, escaped) {
            ('\\', false) => escaped = true,
            ('|', false) => count += 1,
            _ => escaped = false,
        }
    }
    count
}

fn assert_markdown_tables_are_well_formed(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut width = None;
    for line in text.lines() {
        if !line.starts_with('|') {
            width = None;
            continue;
        }
        let separators = cell_separators(line);
        match width {
            None => width = Some(separators),
            Some(w) => assert_eq!(separators, w, "row shape: {line}"),
        }
        rows.push(line.split(" | ").map(str::to_owned).collect());
    }
    rows
}

#[test]
fn markdown_tables_keep_their_shape_with_hostile_texts() {
    let dir = hostile();
    let text = format(dir.path(), "markdown");
    let json = json(dir.path());
    assert!(!text.contains('\u{7}'));
    let rows = assert_markdown_tables_are_well_formed(&text);
    let finding_rows: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| {
            r[0].starts_with("| ❌")
                || r[0].starts_with("| ⚠️")
                || r[0].starts_with("| 💤")
                || r[0].starts_with("| 📝")
        })
        .collect();
    assert_eq!(finding_rows.len(), findings(&json).len());
    assert!(text.contains(
        "[launches/2026/odd, name: 100% \\#1.toml:21](launches/2026/odd%2C%20name%3A%20100%25%20%231.toml#L21)"
    ));
    // The key's four backticks pair up into two code spans around `tick`; inside a span
    // the line break becomes a space and only `|` is escaped; the bell is dropped.
    assert!(
        text.contains("unknown key `evil key,: 100% \\| <b>&amp; `tick` ` at the top level"),
        "{text}"
    );
    assert!(text.contains(
        "*waived: regulator, deadline: 2027-01-01<br>100% \\| \\<mandatory\\> \\& `final`*"
    ));
}

#[test]
fn markdown_totals_and_upcoming_launches_follow_the_json() {
    let root = demo();
    let text = format(&root, "markdown");
    let json = json(&root);
    let summary = &json["summary"];
    let plural = |n: &Value| if n == 1 { "" } else { "s" };
    assert!(text.contains(&format!(
        "**{} errors** and **{} warning{}** in {} files checked ({} waived).",
        summary["errors"],
        summary["warnings"],
        plural(&summary["warnings"]),
        json["files_checked"],
        summary["waived"]
    )));
    assert_markdown_tables_are_well_formed(&text);
    let upcoming = &text[text.find("### Upcoming launches").unwrap()..];
    // Windows from the demo files, in UTC: 0140 and 0150 ended before 2026-11-25.
    for id in [
        "LR-2026-0142",
        "LR-2026-0145",
        "LR-2026-0147",
        "LR-2026-0152",
    ] {
        assert!(upcoming.contains(&format!("[{id}]")), "{id}");
    }
    for id in ["LR-2026-0140", "LR-2026-0150"] {
        assert!(!upcoming.contains(id), "{id}");
    }
    assert!(
        upcoming.contains("2026-12-21 17:00 – 19:00"),
        "LR-2026-0152 01:00–03:00 +08"
    );
}

// --- all at once -----------------------------------------------------------------------

#[test]
fn every_format_at_once_writes_what_each_writes_alone() {
    let root = demo();
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name);
    let spec = |format: &str, file: &str| format!("{format}={}", out(file).display());
    let (stdout, code) = check(
        &root,
        &[
            "-f",
            "github",
            "-f",
            &spec("markdown", "summary.md"),
            "-f",
            &spec("sarif", "out.sarif"),
            "-f",
            &spec("junit", "junit.xml"),
            "-f",
            &spec("json", "out.json"),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(stdout, format(&root, "github"));
    for (file, format_name) in [
        ("summary.md", "markdown"),
        ("out.sarif", "sarif"),
        ("junit.xml", "junit"),
        ("out.json", "json"),
    ] {
        assert_eq!(
            fs::read_to_string(out(file)).unwrap(),
            format(&root, format_name),
            "{file}"
        );
    }
}
