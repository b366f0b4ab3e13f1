//! `sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF consumers.
//!
//! One run; `tool.driver.rules` lists every registered rule (so `ruleIndex` is the rule's
//! position in [`rules::all`], organisation rules after the built-in ones); locations are repository-relative URIs under `%SRCROOT%`; columns
//! count Unicode code points and `endColumn` is exclusive, as SARIF defines it; each region
//! carries the text it covers as `snippet`. Waived findings keep their level and carry an
//! `inSource` suppression. Every rule links its page in the rule reference (`helpUri`),
//! and when the root is in a git repository the run names the repository and commit
//! (`versionControlProvenance`).
//!
//! `partialFingerprints` identify a result across runs without line numbers, so that an
//! edit elsewhere in the file does not turn one alert into a new one: they hash the rule,
//! the path, the key path and the message with its digits removed (ages and counts change
//! from day to day), plus an occurrence number for results that would otherwise collide.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::ops::Range;

use serde::Serialize;

use super::{uri_path, RunContext};
use crate::diagnostic::{AppliedWaiver, Finding, Level};
use crate::report::Report;
use crate::rules::{self, Rule};
use crate::source::{FileId, Files};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
const REPOROOT: &str = "REPOROOT";
/// The key under `partialFingerprints`; the version lets the scheme change without
/// colliding with fingerprints computed the old way.
const FINGERPRINT_KEY: &str = "launchcheck/v1";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    version_control_provenance: Vec<VersionControl>,
    original_uri_base_ids: BTreeMap<&'static str, BaseId>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BaseId {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    description: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VersionControl {
    repository_uri: String,
    revision_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    branch: Option<String>,
    mapped_to: MappedTo,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MappedTo {
    uri_base_id: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: [&'static str; 2],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: HashMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<TextRef<'a>>,
}

#[derive(Serialize)]
struct TextRef<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
    location: Location<'a>,
    properties: WaiverProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WaiverProperties<'a> {
    approved_by: &'a str,
    expires: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ticket: Option<&'a str>,
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

/// The project's address from `Cargo.toml` (`repository`, else `homepage`), if it has one.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_HOMEPAGE")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

fn physical(files: &Files, file: FileId, span: &Range<usize>) -> PhysicalLocation {
    let source = files.get(file);
    let (start, end) = source.range_positions(span);
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri_path(&source.path),
            uri_base_id: SRCROOT,
        },
        region: Region {
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column + 1,
            snippet: snippet(&source.text, span).map(|text| Text { text }),
        },
    }
}

/// The text a region covers: the span without trailing line breaks, or for an empty span
/// the one character the region then spans (see `SourceFile::range_positions`).
fn snippet(text: &str, span: &Range<usize>) -> Option<String> {
    let start = span.start.min(text.len());
    let start = (0..=start).rev().find(|&i| text.is_char_boundary(i))?;
    let covered = if span.end > span.start {
        let end = span.end.min(text.len());
        let end = (start..=end).rev().find(|&i| text.is_char_boundary(i))?;
        text[start..end].trim_end_matches(['\r', '\n'])
    } else {
        let c = text[start..].chars().next()?;
        &text[start..start + c.len_utf8()]
    };
    (!covered.is_empty() && !matches!(covered, "\n" | "\r")).then(|| covered.to_owned())
}

fn rules(all: &[&'static Rule]) -> Vec<ReportingDescriptor> {
    all.iter()
        .map(|rule| {
            let doc = rule.doc();
            ReportingDescriptor {
                id: rule.code,
                name: rule.name,
                short_description: Text {
                    text: rule.summary(),
                },
                full_description: Text { text: doc.clone() },
                help_uri: crate::docs::page_url(rule),
                help: Help {
                    text: doc.clone(),
                    markdown: doc,
                },
                default_configuration: Configuration {
                    level: level(rule.default_level),
                },
                properties: RuleProperties {
                    tags: ["launchcheck", rule.group.title()],
                },
            }
        })
        .collect()
}

/// 64-bit FNV-1a: tiny, dependency-free and the same on every platform and run.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

/// The line-independent identity of a finding (see the module documentation).
pub fn fingerprint_base(finding: &Finding, path: &str) -> u64 {
    let message: String = finding
        .message
        .chars()
        .filter(|c| !c.is_ascii_digit())
        .collect();
    fnv1a(&[finding.rule.code, path, &finding.key, &message])
}

fn suppression<'a>(files: &Files, waiver: &'a AppliedWaiver) -> Suppression<'a> {
    Suppression {
        kind: "inSource",
        status: "accepted",
        justification: &waiver.reason,
        location: Location {
            id: None,
            physical_location: physical(files, waiver.file, &waiver.span),
            message: None,
        },
        properties: WaiverProperties {
            approved_by: &waiver.approved_by,
            expires: &waiver.expires,
            ticket: waiver.ticket.as_deref(),
        },
    }
}

fn results<'r>(report: &'r Report, all: &[&'static Rule]) -> Vec<SarifResult<'r>> {
    let files = &report.files;
    let mut seen: HashMap<u64, usize> = HashMap::new();
    report
        .findings
        .iter()
        .map(|finding| {
            let path = &files.get(finding.file).path;
            let base = fingerprint_base(finding, path);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            let text = match &finding.help {
                Some(help) => format!("{}\nhelp: {help}", finding.message),
                None => finding.message.clone(),
            };
            SarifResult {
                rule_id: finding.rule.code,
                rule_index: all
                    .iter()
                    .position(|r| r.code == finding.rule.code)
                    .unwrap_or_default(),
                level: level(finding.level),
                message: Text { text },
                locations: [Location {
                    id: None,
                    physical_location: physical(files, finding.file, &finding.span),
                    message: None,
                }],
                related_locations: finding
                    .related
                    .iter()
                    .enumerate()
                    .map(|(i, related)| Location {
                        id: Some(i + 1),
                        physical_location: physical(files, related.file, &related.span),
                        message: Some(TextRef {
                            text: &related.message,
                        }),
                    })
                    .collect(),
                partial_fingerprints: HashMap::from([(
                    FINGERPRINT_KEY,
                    format!("{base:016x}:{occurrence}"),
                )]),
                suppressions: finding
                    .waiver
                    .iter()
                    .map(|w| suppression(files, w))
                    .collect(),
            }
        })
        .collect()
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_in(report, &RunContext::default(), out)
}

/// The base ids: `%SRCROOT%`, the launch repository's root. When that root is a directory
/// inside the git repository, `REPOROOT` is the git work tree and `%SRCROOT%` is defined
/// as that directory under it, so that the provenance can say where the repository is.
fn uri_base_ids(prefix: Option<&str>) -> BTreeMap<&'static str, BaseId> {
    let description = |text: &str| Text {
        text: text.to_owned(),
    };
    match prefix.filter(|p| !p.is_empty()) {
        None => BTreeMap::from([(
            SRCROOT,
            BaseId {
                uri: None,
                uri_base_id: None,
                description: description("The root of the launch repository"),
            },
        )]),
        Some(prefix) => BTreeMap::from([
            (
                SRCROOT,
                BaseId {
                    uri: Some(uri_path(prefix)),
                    uri_base_id: Some(REPOROOT),
                    description: description("The root of the launch repository"),
                },
            ),
            (
                REPOROOT,
                BaseId {
                    uri: None,
                    uri_base_id: None,
                    description: description("The root of the git repository"),
                },
            ),
        ]),
    }
}

/// SARIF 2.1.0; `context` adds the version-control provenance.
pub fn write_in(report: &Report, context: &RunContext, out: &mut dyn Write) -> io::Result<()> {
    let provenance = context.provenance.as_ref();
    let version_control_provenance = provenance
        .map(|p| VersionControl {
            repository_uri: p.repository_uri.clone(),
            revision_id: p.revision.clone(),
            branch: p.branch.clone(),
            mapped_to: MappedTo {
                uri_base_id: if p.prefix.is_empty() {
                    SRCROOT
                } else {
                    REPOROOT
                },
            },
        })
        .into_iter()
        .collect();
    let all = rules::all();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "launchcheck",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rules(&all),
                },
            },
            version_control_provenance,
            original_uri_base_ids: uri_base_ids(provenance.map(|p| p.prefix.as_str())),
            column_kind: "unicodeCodePoints",
            results: results(report, &all),
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // The offset basis, and FNV-1a 64 of "a\0" (each part ends in a NUL byte).
        assert_eq!(fnv1a(&[]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(&["a"]), 0x089b_e207_b544_f1e4);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }

    #[test]
    fn fingerprints_ignore_digits_but_not_words() {
        let a = Finding::new(
            &crate::rules::DRILL_RECENCY,
            0,
            10..20,
            "the drill is 200 days old",
        )
        .key("drills");
        let b = Finding::new(
            &crate::rules::DRILL_RECENCY,
            0,
            90..99,
            "the drill is 201 days old",
        )
        .key("drills");
        let c = Finding::new(
            &crate::rules::DRILL_RECENCY,
            0,
            10..20,
            "the plan is 200 days old",
        )
        .key("drills");
        assert_eq!(
            fingerprint_base(&a, "p.toml"),
            fingerprint_base(&b, "p.toml")
        );
        assert_ne!(
            fingerprint_base(&a, "p.toml"),
            fingerprint_base(&c, "p.toml")
        );
        assert_ne!(
            fingerprint_base(&a, "p.toml"),
            fingerprint_base(&a, "q.toml")
        );
    }
}
