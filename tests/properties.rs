//! Property tests (proptest) for positions and output: for generated documents — valid and
//! broken TOML, LF and CRLF, with and without a BOM, with multi-byte text — every finding's
//! span lies inside its file and on character boundaries, its line and column agree with
//! counting characters, its end is not before its start, and the JSON output parses back
//! with the same findings at the same places.
//!
//! Case counts are modest so the suite runs in seconds in a debug build; a failing case is
//! shrunk and its seed saved in `tests/properties.proptest-regressions`.

mod common;
#[path = "../fuzz/harness.rs"]
mod harness;

use std::ops::Range;

use launchcheck::check::{self, Options};
use launchcheck::config::Config;
use launchcheck::emit::{self, Format, Style};
use launchcheck::report::Report;
use launchcheck::source::SourceFile;
use launchcheck::tree::MemoryTree;
use proptest::prelude::*;
use serde_json::Value;

/// Text that stresses positions: ASCII, two-, three- and four-byte characters, tabs and
/// carriage returns.
fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[a-z0-9 =\"\\[\\]{},.#-]{1,8}",
            1 => Just("é".to_owned()),
            1 => Just("标题".to_owned()),
            1 => Just("🚀".to_owned()),
            1 => Just("\t".to_owned()),
            1 => Just("\r".to_owned()),
            2 => Just("\n".to_owned()),
            1 => Just("\r\n".to_owned()),
        ],
        0..40,
    )
    .prop_map(|pieces| pieces.concat())
}

/// A well-formed TOML value: scalars of every type (multi-byte strings, dates, local and
/// offset datetimes, enum values of the schemas), arrays and inline tables.
fn value() -> impl Strategy<Value = String> {
    let string = "[a-zA-Z0-9 _-]{0,12}".prop_map(|s| format!("\"{s}\""));
    let scalar = prop_oneof![
        string,
        Just("\"发布 ✓\"".to_owned()),
        Just("\"🚀 launch\"".to_owned()),
        Just("'''多行\n文本'''".to_owned()),
        Just("\"é\\u00e9\\U0001F680\"".to_owned()),
        (-100_000i64..100_000).prop_map(|n| n.to_string()),
        Just("true".to_owned()),
        Just("3.5".to_owned()),
        Just("2026-12-01".to_owned()),
        Just("2026-12-01T02:00:00Z".to_owned()),
        Just("2026-12-01T02:00:00+08:00".to_owned()),
        Just("2026-12-01T02:00:00".to_owned()),
        Just("0000-01-01T00:00:00Z".to_owned()),
        Just("\"low\"".to_owned()),
        Just("\"emergency\"".to_owned()),
        Just("\"LR-2026-0001\"".to_owned()),
        Just("\"RP-1\"".to_owned()),
        Just("\"alice\"".to_owned()),
    ];
    scalar.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            prop::collection::vec((key(), inner), 0..3).prop_map(|pairs| {
                // Keys of an inline table must differ.
                let mut seen = std::collections::HashSet::new();
                let body: Vec<String> = pairs
                    .iter()
                    .filter(|(k, _)| seen.insert(k.split('.').next().unwrap_or(k).to_owned()))
                    .map(|(k, v)| format!("{k} = {v}"))
                    .collect();
                format!("{{ {} }}", body.join(", "))
            }),
        ]
    })
}

/// A value that is not TOML (unquoted word, unclosed string or array, nothing), or TOML
/// the parser rejects (an impossible date, an integer beyond 64 bits).
fn broken_value() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "high",
        "\"unclosed",
        "[1, 2",
        "",
        "2026-02-30",
        "99999999999999999999",
        "{ a = 1, a = 2 }",
    ])
    .prop_map(str::to_owned)
}

/// Keys of the launch request, plan and waiver schemas, with typos, extensions and
/// multi-byte names.
fn key() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "kind",
        "id",
        "title",
        "services",
        "change_type",
        "risk",
        "status",
        "requester",
        "submitted_at",
        "response_plan",
        "depends_on",
        "start",
        "end",
        "steps",
        "action",
        "owner",
        "minutes",
        "tested_on",
        "rule",
        "reason",
        "approved_by",
        "expires",
        "by",
        "role",
        "at",
        "decision",
        "rolback",
        "x-note",
        "\"标题\"",
        "\"key with space\"",
        "a.b",
    ])
    .prop_map(str::to_owned)
}

/// A launch request close to valid, so that the rules run: each `{name}` slot keeps its
/// value or gets a generated one, with multi-byte text before and around the slots.
const LAUNCH: &str = r#"kind = "launch-request"
id = {"LR-2026-0001"}
title = {"发布 🚀 search 1.4.2"}
services = {["search-api"]}
change_type = {"normal"}
risk = {"low"}
status = {"submitted"}
requester = {"alice"}
submitted_at = {2026-11-20T09:00:00+08:00}
response_plan = {"RP-1"}
depends_on = {["LR-2026-0002"]}
"x-注释" = "多字节 ✓"

[window]
start = {2026-12-01T02:00:00+08:00}
end = {2026-12-01T04:00:00+08:00}

[[steps]]
action = "部署 1.4.2"
owner = {"bob"}
minutes = {20}

[rollback]
steps = ["回滚到 1.4.1"]
minutes = {10}
owner = "bob"
tested_on = {2026-11-01}

[[approvals]]
role = {"service-owner"}
by = {"carol"}
at = {2026-11-21T10:00:00+08:00}
decision = {"approved"}

[[waivers]]
rule = {"launch-window"}
reason = "原因 🚀"
approved_by = {"carol"}
expires = {2026-12-15}
"#;

/// A response plan close to valid, with slots like [`LAUNCH`].
const PLAN: &str = r#"kind = "response-plan"
id = {"RP-1"}
title = {"搜索紧急响应预案"}
services = {["search-api"]}
owner = {"oscar"}
reviewed_on = {2026-03-01}

[roles.incident-commander]
primary = {"dave"}
backup = "erin"

[roles.tech-lead]
primary = "oscar"

[[severity]]
level = {"sev1"}
respond_within_minutes = {15}
notify = {["incident-commander"]}

[[escalation]]
after_minutes = {10}
to = {"erin"}

[[drills]]
date = {2026-09-10}
type = {"tabletop"}
outcome = {"passed"}

[[drills.actions]]
action = "加一个告警"
owner = {"paul"}
due = {2026-10-31}
done = {false}
"#;

/// Another value of the same TOML type as `original`, so that documents stay mostly valid
/// and the rules get to judge varied dates, times, numbers, people and ids.
fn same_type(original: &str) -> BoxedStrategy<String> {
    let words = prop::sample::select(vec![
        "alice",
        "bob",
        "carol",
        "dave",
        "erin",
        "nobody",
        "发布者",
        "LR-2026-0001",
        "LR-2026-0002",
        "RP-1",
        "RP-2",
        "search-api",
        "payments-api",
        "low",
        "medium",
        "high",
        "critical",
        "normal",
        "standard",
        "emergency",
        "draft",
        "submitted",
        "approved",
        "launched",
        "rejected",
        "approved",
        "rejected",
        "service-owner",
        "cto",
        "sev1",
        "sev2",
        "tabletop",
        "simulation",
        "passed",
        "failed",
        "partial",
        "launch-window",
        "freeze-window",
        "lead-time",
        "LC105",
        "LC1",
    ]);
    let date =
        (2024i32..2028, 1u8..13, 1u8..29).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let offset = prop::sample::select(vec!["Z", "+08:00", "-05:00", "+05:45", "-00:00"]);
    if original.starts_with('"') {
        words.prop_map(|w| format!("\"{w}\"")).boxed()
    } else if original.starts_with('[') {
        prop::collection::vec(words, 0..3)
            .prop_map(|ws| {
                let quoted: Vec<String> = ws.iter().map(|w| format!("\"{w}\"")).collect();
                format!("[{}]", quoted.join(", "))
            })
            .boxed()
    } else if original.contains('T') {
        (date, 0u8..24, 0u8..60, offset)
            .prop_map(|(d, h, m, o)| format!("{d}T{h:02}:{m:02}:00{o}"))
            .boxed()
    } else if original.contains('-') {
        date.boxed()
    } else if original == "true" || original == "false" {
        any::<bool>().prop_map(|b| b.to_string()).boxed()
    } else {
        (0i64..2000).prop_map(|n| n.to_string()).boxed()
    }
}

/// Fills the `{…}` slots of a template, keeping each original value with probability 3/4;
/// `broken` lets some slots hold values that do not parse.
fn from_template(template: &'static str, broken: bool) -> impl Strategy<Value = String> {
    let mut pieces = Vec::new();
    let mut originals = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').expect("closed slot");
        pieces.push(&rest[..open]);
        originals.push(rest[open + 1..close].to_owned());
        rest = &rest[close + 1..];
    }
    pieces.push(rest);
    let slots: Vec<_> = originals
        .into_iter()
        .map(|original| {
            let odd = if broken {
                broken_value().boxed()
            } else {
                value().boxed()
            };
            prop_oneof![
                24 => Just(original.clone()),
                6 => same_type(&original),
                1 => value(),
                1 => odd,
            ]
        })
        .collect();
    slots.prop_map(move |values| {
        let mut text = String::new();
        for (piece, value) in pieces.iter().zip(&values) {
            text.push_str(piece);
            text.push_str(value);
        }
        text.push_str(pieces.last().expect("tail"));
        text
    })
}

/// Free-form lines: key/value pairs, table headers (some broken), comments and junk.
fn free_lines(kind: &'static str) -> impl Strategy<Value = String> {
    let line = prop_oneof![
        6 => (key(), prop_oneof![3 => value(), 1 => broken_value()])
            .prop_map(|(k, v)| format!("{k} = {v}")),
        2 => prop::sample::select(vec![
            "[window]", "[rollback]", "[[steps]]", "[[approvals]]", "[[waivers]]",
            "[[drills]]", "[roles.incident-commander]", "[window", "[[steps]",
        ]).prop_map(str::to_owned),
        1 => tricky_text().prop_map(|t| format!("# {}", t.replace(['\r', '\n'], " "))),
        1 => tricky_text(),
        1 => Just(String::new()),
    ];
    (
        prop::option::weighted(0.85, Just(format!("kind = \"{kind}\""))),
        prop::collection::vec(line, 0..24),
    )
        .prop_map(|(kind_line, lines)| {
            let all: Vec<String> = kind_line.into_iter().chain(lines).collect();
            all.join("\n") + "\n"
        })
}

/// A document: mostly a template with some values replaced (so that the rules run), else
/// a template with broken values or free-form lines; then LF or CRLF, with or without a BOM.
fn document(kind: &'static str, template: &'static str) -> impl Strategy<Value = String> {
    (
        prop_oneof![
            5 => from_template(template, false),
            2 => from_template(template, true),
            1 => free_lines(kind),
        ],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(text, crlf, bom)| {
            let text = if crlf {
                text.replace('\n', "\r\n")
            } else {
                text
            };
            if bom {
                format!("\u{feff}{text}")
            } else {
                text
            }
        })
}

fn run(launch: &str, plan: &str) -> Report {
    let mut tree = MemoryTree::new();
    tree.insert("launches/a.toml", launch.as_bytes().to_vec());
    tree.insert("plans/p.toml", plan.as_bytes().to_vec());
    let options = Options {
        now: Some(common::NOW.to_owned()),
        ..Options::default()
    };
    check::run_on(&tree, &Config::default(), &options, None).expect("a repository with files runs")
}

/// The start and (inclusive) end position agree with counting characters: the start at the
/// span's first byte, the end at a character inside the span.
fn assert_positions(source: &SourceFile, span: &Range<usize>) {
    let text = &source.text;
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "span {span:?} outside {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "span {span:?} splits a character"
    );
    let (start, end) = source.range_positions(span);
    assert_eq!(
        (start.line, start.column),
        harness::line_and_column(text, span.start),
        "start of {span:?}"
    );
    assert!(end >= start, "end {end:?} before start {start:?}");
    let inside: Vec<(usize, usize)> = text[span.clone()]
        .char_indices()
        .map(|(i, _)| harness::line_and_column(text, span.start + i))
        .collect();
    assert!(
        (end.line, end.column) == (start.line, start.column)
            || inside.contains(&(end.line, end.column)),
        "end {end:?} is not a character of {span:?}"
    );
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// Positions of arbitrary spans in arbitrary text (clamped as findings are).
    #[test]
    fn positions_count_characters(
        bom in any::<bool>(),
        text in tricky_text(),
        a in 0usize..200,
        b in 0usize..200,
    ) {
        let text = if bom { format!("\u{feff}{text}") } else { text };
        let source = SourceFile::new("a.toml", text);
        let span = source.clamp(a.min(b)..a.max(b));
        assert_positions(&source, &span);
        // `line_span` of every line stays inside the text, without its line break.
        let lines = source.text.matches('\n').count() + 1;
        for line in 1..=lines {
            let span = source.line_span(line);
            prop_assert!(span.start <= span.end && span.end <= source.text.len());
            prop_assert!(!source.text[span].contains(['\n', '\r']));
        }
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// The whole pipeline on generated documents: spans, positions, JSON round trip.
    #[test]
    fn findings_point_inside_their_files_and_json_round_trips(
        launch in document("launch-request", LAUNCH),
        plan in document("response-plan", PLAN),
    ) {
        let report = run(&launch, &plan);
        prop_assert!(report.files_checked == 2);
        for finding in &report.findings {
            assert_positions(report.files.get(finding.file), &finding.span);
            for related in &finding.related {
                assert_positions(report.files.get(related.file), &related.span);
            }
        }

        let mut out = Vec::new();
        let style = Style { color: false, quiet: false, width: 80 };
        emit::emit(Format::Json, &report, style, &mut out).expect("render");
        let json: Value = serde_json::from_slice(&out).expect("json output parses");
        let findings = json["findings"].as_array().expect("findings");
        prop_assert_eq!(findings.len(), report.findings.len());
        for (shown, finding) in findings.iter().zip(&report.findings) {
            let source = report.files.get(finding.file);
            let (line, column) = harness::line_and_column(&source.text, finding.span.start);
            prop_assert_eq!(&shown["path"], &Value::from(source.path.as_str()));
            prop_assert_eq!(&shown["code"], &Value::from(finding.rule.code));
            prop_assert_eq!(&shown["message"], &Value::from(finding.message.as_str()));
            prop_assert_eq!(shown["line"].as_u64(), Some(line as u64));
            prop_assert_eq!(shown["column"].as_u64(), Some(column as u64));
            let end = (shown["end_line"].as_u64(), shown["end_column"].as_u64());
            prop_assert!(end >= (Some(line as u64), Some(column as u64)), "{:?}", shown);
        }
        // Serialising the parsed value again gives the same document: nothing was lost to
        // an encoding the parser reads differently.
        let again: Value = serde_json::from_str(&serde_json::to_string(&json).expect("serialise"))
            .expect("reparse");
        prop_assert_eq!(again, json);

        // And every other format renders, with the harness's invariants.
        harness::check_report(&report, false);
    }
}
