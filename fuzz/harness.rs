//! The fuzzing harness, shared by the `pipeline` fuzz target, the replay of its seeds and
//! crashes in `tests/hostile.rs`, and `tests/properties.rs`: one input becomes the five files
//! of a launch repository, the whole pipeline runs in memory, every output format is
//! rendered, and the invariants every run must keep are checked. Errors are fine; a panic or
//! a broken invariant is a bug.

// Each user of this module (fuzz target, test) uses a different part of it.
#![allow(dead_code)]

use std::collections::HashSet;
use std::ops::Range;

use launchcheck::check::{self, Options};
use launchcheck::config::{self, Config};
use launchcheck::diagnostic::Finding;
use launchcheck::emit::{self, Format, Style};
use launchcheck::report::Report;
use launchcheck::source::Files;
use launchcheck::tree::MemoryTree;

/// Separates the parts of an input. 0xFF never occurs in UTF-8, so every part can still be
/// any text, and the other invalid bytes still reach the UTF-8 check.
pub const SEPARATOR: u8 = 0xFF;

/// Where the first four parts go; an empty part leaves its file out.
pub const PATHS: [&str; 4] = [
    "launches/a.toml",
    "plans/p.toml",
    "people.toml",
    "policies/p.toml",
];

/// The fifth part is the configuration's text.
pub const CONFIG_PATH: &str = "launchcheck.toml";

/// Every run is judged at this instant, so that a crash replays exactly.
pub const NOW: &str = "2026-11-25T00:00:00Z";

/// The five parts of an input: launch request, plan, roster, policy, configuration.
pub fn split(data: &[u8]) -> [&[u8]; 5] {
    let mut parts = data.splitn(5, |b| *b == SEPARATOR);
    std::array::from_fn(|_| parts.next().unwrap_or(&[]))
}

/// The input that [`split`] turns back into `parts` (used to write seeds).
pub fn join(parts: [&[u8]; 5]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(SEPARATOR);
        }
        out.extend_from_slice(part);
    }
    out
}

/// The repository and configuration an input describes. A configuration that is not UTF-8
/// or does not parse falls back to the defaults (after its error has been rendered).
pub fn repository(data: &[u8]) -> (MemoryTree, Config) {
    let parts = split(data);
    let mut tree = MemoryTree::new();
    for (path, bytes) in PATHS.iter().zip(parts) {
        if !bytes.is_empty() {
            tree.insert(*path, bytes.to_vec());
        }
    }
    let config = match std::str::from_utf8(parts[4]) {
        Ok(text) if !text.is_empty() => {
            tree.insert(CONFIG_PATH, text.as_bytes().to_vec());
            match config::parse(CONFIG_PATH, text.to_owned(), &jiff::tz::TimeZone::UTC) {
                Ok(config) => config,
                Err(error) => {
                    render_error(&error);
                    Config::default()
                }
            }
        }
        _ => Config::default(),
    };
    (tree, config)
}

/// Runs one input through everything; panics when an invariant breaks.
pub fn run(data: &[u8]) {
    let (tree, config) = repository(data);
    let options = Options {
        now: Some(NOW.to_owned()),
        allow_empty: true,
        ..Options::default()
    };
    // Some inputs report on the launch request alone, as `check PATH` does (the rest of
    // the repository is still loaded for cross-file rules).
    let only = (data.len() % 3 == 2).then(|| HashSet::from([PATHS[0].to_owned()]));
    match check::run_on(&tree, &config, &options, only) {
        Ok(report) => check_report(&report, data.len() % 2 == 1),
        Err(error) => render_error(&error),
    }
}

/// A tool error is shown the way the binary shows it: its diagnostics, then its message.
fn render_error(error: &launchcheck::error::Error) {
    if let Some((files, findings)) = &error.diagnostics {
        check_findings(files, findings);
        let style = Style {
            color: false,
            quiet: true,
            width: 100,
        };
        let _ = emit::full::render(files, findings, style);
    }
    let _ = error.to_string();
}

/// Every span is inside its file and on character boundaries; every format renders; the
/// machine-readable ones are valid JSON holding every finding.
pub fn check_report(report: &Report, color: bool) {
    check_findings(&report.files, &report.findings);
    let style = Style {
        color,
        quiet: false,
        width: 80,
    };
    for name in Format::NAMES {
        let format = Format::parse(name).expect("every listed format parses");
        let mut out = Vec::new();
        emit::emit(format, report, style, &mut out).expect("rendering into memory cannot fail");
        let text =
            String::from_utf8(out).unwrap_or_else(|e| panic!("`{name}` output is not UTF-8: {e}"));
        match format {
            Format::Json => {
                let value: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("json output does not parse: {e}\n{text}"));
                let count = value["findings"].as_array().map(Vec::len);
                assert_eq!(
                    count,
                    Some(report.findings.len()),
                    "json output lost findings"
                );
            }
            Format::Sarif => {
                let value: serde_json::Value = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("sarif output does not parse: {e}\n{text}"));
                assert_eq!(value["version"], "2.1.0", "sarif version");
            }
            _ => {}
        }
    }
}

/// Checks every span of `findings` (primary, related, waiver) against `files`.
pub fn check_findings(files: &Files, findings: &[Finding]) {
    for finding in findings {
        let what = format!("{} `{}`", finding.rule.code, finding.message);
        check_span(files, finding.file, &finding.span, &what);
        for related in &finding.related {
            check_span(
                files,
                related.file,
                &related.span,
                &format!("{what} related"),
            );
        }
        if let Some(waiver) = &finding.waiver {
            check_span(files, waiver.file, &waiver.span, &format!("{what} waiver"));
        }
    }
}

/// A span lies inside its file, starts no later than it ends, and both ends fall on
/// character boundaries; its line and column agree with counting characters.
pub fn check_span(files: &Files, file: usize, span: &Range<usize>, what: &str) {
    assert!(file < files.len(), "{what}: file id {file} out of range");
    let source = files.get(file);
    let text = &source.text;
    assert!(
        span.start <= span.end && span.end <= text.len(),
        "{what}: span {span:?} outside `{}` ({} bytes)",
        source.path,
        text.len()
    );
    assert!(
        text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
        "{what}: span {span:?} splits a character in `{}`",
        source.path
    );
    let (start, end) = source.range_positions(span);
    assert_eq!(
        (start.line, start.column),
        line_and_column(text, span.start),
        "{what}: start position of {span:?} in `{}`",
        source.path
    );
    assert!(end >= start, "{what}: end {end:?} before start {start:?}");
}

/// The 1-based line and character column of byte `offset`, by counting.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
