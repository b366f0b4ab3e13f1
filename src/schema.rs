//! The embedded JSON Schemas (one per kind), compiled once per run on first use, and the
//! mapping of validation errors to findings at the offending TOML key (LC003).

use std::sync::OnceLock;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, Validator};
use serde_json::Value;

use crate::diagnostic::Finding;
use crate::document::{Document, Kind, Seg};
use crate::toml_json::{TomlJson, TomlNode};

/// The schema text of a kind, exactly as in `schemas/`.
pub fn text(kind: Kind) -> &'static str {
    match kind {
        Kind::LaunchRequest => include_str!("../schemas/launch-request.schema.json"),
        Kind::ResponsePlan => include_str!("../schemas/response-plan.schema.json"),
        Kind::Incident => include_str!("../schemas/incident.schema.json"),
        Kind::Roster => include_str!("../schemas/roster.schema.json"),
        Kind::Policy => include_str!("../schemas/policy.schema.json"),
        Kind::Config => include_str!("../schemas/config.schema.json"),
    }
}

struct Compiled {
    schema: Value,
    /// Validates the spanned TOML tree directly (no JSON copy).
    validator: Validator<TomlJson>,
    /// Validates the JSON form, for documents whose JSON exists anyway (their models are
    /// about to be built from it); compiled on first use.
    json_validator: OnceLock<Validator>,
}

static COMPILED: [OnceLock<Compiled>; 6] = [
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
    OnceLock::new(),
];

/// Compiles a kind's schema now (once per process), so that it can overlap other work;
/// `json` also compiles the validator for documents validated in their JSON form.
pub fn prepare(kind: Kind, json: bool) {
    let compiled = compiled(kind);
    if json {
        let _ = compiled.json_validator();
    }
}

impl Compiled {
    fn json_validator(&self) -> &Validator {
        self.json_validator
            .get_or_init(|| compile(&self.schema).expect("embedded schema compiles"))
    }
}

fn compiled(kind: Kind) -> &'static Compiled {
    let slot = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    COMPILED[slot].get_or_init(|| {
        // The schemas are part of the binary and tested; failing here is a build defect.
        let schema: Value = serde_json::from_str(text(kind)).expect("embedded schema is JSON");
        let validator = compile_for::<TomlJson>(&schema).expect("embedded schema compiles");
        Compiled {
            schema,
            validator,
            json_validator: OnceLock::new(),
        }
    })
}

/// Compiles a schema the one way launchcheck does: draft 2020-12, formats checked, and no
/// retrieval of any kind, so a `$ref` that leaves the schema is refused with a message
/// instead of being fetched from the network or the disk.
pub fn compile(schema: &Value) -> Result<Validator, String> {
    compile_for::<jsonschema::json::SerdeJson>(schema)
}

/// [`compile`] for any JSON representation; documents are validated as their spanned TOML
/// tree ([`TomlJson`]).
pub fn compile_for<F: jsonschema::json::Json>(schema: &Value) -> Result<Validator<F>, String> {
    jsonschema::options_for::<F>()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        // Dates and instants must be ones the rules can compute with: the same parser the
        // model uses decides, so a value the schema accepts can never fail later (Feb 30,
        // a datetime whose offset pushes it past year 9999).
        .with_format("date-time", |text: &str| {
            text.len() >= 20 && text.parse::<jiff::Timestamp>().is_ok()
        })
        .with_format("date", |text: &str| {
            text.len() == 10 && text.parse::<jiff::civil::Date>().is_ok()
        })
        .offline()
        .build(schema)
        .map_err(|e| {
            format!("the schema cannot be compiled: {e} (launchcheck resolves `$ref`s only within the schema itself and never fetches one)")
        })
}

/// Validates a document against its kind's schema; one finding per violation.
pub fn validate(doc: &Document<'_>, kind: Kind, tz: &jiff::tz::TimeZone) -> Vec<Finding> {
    let compiled = compiled(kind);
    // A document whose JSON form exists (its model is built from it) is validated in that
    // form; any other on the parsed tree itself, its JSON built only to describe errors.
    let errors = if doc.has_json() {
        let validator = compiled.json_validator();
        if validator.is_valid(doc.json()) {
            return Vec::new();
        }
        validator.iter_errors(doc.json())
    } else {
        let root = TomlNode::Table(doc.root().get_ref());
        if compiled.validator.is_valid(root) {
            return Vec::new();
        }
        compiled.validator.iter_errors(root)
    };
    let mut findings = Vec::new();
    for error in errors {
        let path: Vec<String> = error
            .instance_path()
            .iter()
            .map(|segment| segment.to_string())
            .collect();
        let segs = to_segs(&path, doc.json());
        map_error(
            doc,
            &compiled.schema,
            &segs,
            error.kind(),
            &error.to_string(),
            tz,
            &mut findings,
        );
    }
    // The validator reports in schema order; users read files top to bottom.
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.message).cmp(&(b.span.start, b.span.end, &b.message))
    });
    findings
}

/// Instance-path segments as key path segments (numeric segments inside arrays are indexes).
fn to_segs<'p>(path: &'p [String], json: &Value) -> Vec<Seg<'p>> {
    let mut current = Some(json);
    path.iter()
        .map(|segment| {
            let seg = match current {
                Some(Value::Array(_)) => segment.parse().map_or(Seg::Key(segment), Seg::Index),
                _ => Seg::Key(segment.as_str()),
            };
            current = current.and_then(|v| match (&seg, v) {
                (Seg::Index(i), Value::Array(a)) => a.get(*i),
                (Seg::Key(k), Value::Object(o)) => o.get(*k),
                _ => None,
            });
            seg
        })
        .collect()
}

fn map_error(
    doc: &Document<'_>,
    schema: &Value,
    path: &[Seg<'_>],
    kind: &ValidationErrorKind,
    fallback: &str,
    tz: &jiff::tz::TimeZone,
    out: &mut Vec<Finding>,
) {
    let rule = &crate::rules::SCHEMA;
    let where_ = describe(path);
    let value_span = || doc.span_of(path).unwrap_or_else(|| doc.point_at(path));
    let key = crate::document::display_path(path);
    match kind {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, path);
            for name in unexpected {
                let mut full: Vec<Seg<'_>> = path.to_vec();
                full.push(Seg::Key(name));
                let span = doc.key_span_of(&full).unwrap_or_else(value_span);
                let suggestion = crate::suggest::closest(name, allowed.iter().map(String::as_str));
                // A misspelling of a key the document lacks: the "missing" findings for that
                // key are this one's consequences.
                let stands_for = suggestion.and_then(|s| {
                    let mut meant: Vec<Seg<'_>> = path.to_vec();
                    meant.push(Seg::Key(s));
                    doc.locate(&meant)
                        .is_none()
                        .then(|| crate::document::display_path(&meant))
                });
                let help = match suggestion {
                    Some(s) => format!("did you mean `{}`?", crate::suggest::toml_key(s)),
                    None if allowed.is_empty() => {
                        "remove this key, or prefix it with `x-` for your own extensions".to_owned()
                    }
                    None => format!(
                        "known keys here: {}; prefix your own keys with `x-`",
                        allowed
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                let mut finding = Finding::new(
                    rule,
                    doc.file,
                    span,
                    format!("unknown key `{name}` {where_}"),
                )
                .key(crate::document::display_path(&full))
                .help(help);
                finding.stands_for = stands_for;
                out.push(finding);
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let span = if path.is_empty() {
                doc.first_line()
            } else {
                value_span()
            };
            out.push(
                Finding::new(
                    rule,
                    doc.file,
                    span,
                    format!("missing required key `{name}` {where_}"),
                )
                .key(key)
                .missing(crate::document::display_path(
                    &[path, &[Seg::Key(name)]].concat(),
                ))
                .help(format!(
                    "add `{name}`; `launchcheck schema {}` shows what it takes",
                    kind_name(doc)
                )),
            );
        }
        ValidationErrorKind::Format { format } => {
            let value = value_at(doc.json(), path);
            let text = value.and_then(Value::as_str).unwrap_or_default();
            let (message, help) = match format.as_str() {
                "date-time" if is_bare_date(text) => (
                    format!("`{text}` is a date; a date and time with a UTC offset is needed here"),
                    match crate::time::suggest_offset(&format!("{text}T00:00:00"), tz) {
                        Some(example) => {
                            format!("write a date and time with an offset, e.g. `{example}`")
                        }
                        None => {
                            "write a date and time with an offset, e.g. `2026-12-01T02:00:00+08:00`"
                                .to_owned()
                        }
                    },
                ),
                "date-time" => match crate::time::suggest_offset(text, tz) {
                    Some(with_offset) => (
                        format!("`{text}` has no UTC offset"),
                        format!("write it with an offset, e.g. `{with_offset}`"),
                    ),
                    None => (
                        format!("`{text}` is not an RFC 3339 date-time"),
                        "write a date and time with an offset, e.g. `2026-12-01T02:00:00+08:00`"
                            .to_owned(),
                    ),
                },
                "date" => (
                    format!("`{text}` is not a date"),
                    match text
                        .get(..10)
                        .filter(|day| is_bare_date(day) && text.len() > 10)
                    {
                        Some(day) => format!("write the date alone: `{day}`"),
                        None => "write a calendar date, e.g. `2026-11-20`".to_owned(),
                    },
                ),
                "email" => (
                    format!("`{text}` is not an email address"),
                    "write an address such as `alice@example.com`".to_owned(),
                ),
                "uri" => (
                    format!("`{text}` is not a URL"),
                    "write a full URL such as `https://ci.example.com/runs/123`".to_owned(),
                ),
                other => (
                    format!("`{text}` is not a valid {other}"),
                    format!("write a valid {other}"),
                ),
            };
            out.push(
                Finding::new(rule, doc.file, value_span(), message)
                    .key(key)
                    .help(help),
            );
        }
        ValidationErrorKind::Enum { options } => {
            let choices: Vec<String> = options
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let value = value_at(doc.json(), path)
                .map(show_value)
                .unwrap_or_default();
            let raw = value_at(doc.json(), path)
                .and_then(Value::as_str)
                .unwrap_or_default();
            let help = match crate::suggest::closest(raw, choices.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!(
                    "use one of {}",
                    choices
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Finding::new(
                    rule,
                    doc.file,
                    value_span(),
                    format!("{value} is not a valid value {where_}"),
                )
                .key(key)
                .help(help),
            );
        }
        ValidationErrorKind::Constant { expected_value } => {
            let value = value_at(doc.json(), path)
                .map(show_value)
                .unwrap_or_default();
            out.push(
                Finding::new(
                    rule,
                    doc.file,
                    value_span(),
                    format!("{value} must be {}", show_value(expected_value)),
                )
                .key(key)
                .help(format!("write {}", show_value(expected_value))),
            );
        }
        ValidationErrorKind::Type { kind: expected } => {
            let found = value_at(doc.json(), path).map_or("nothing", type_name);
            let quoted = value_at(doc.json(), path)
                .and_then(Value::as_str)
                .map(str::trim);
            let help = match (expected, quoted) {
                (TypeKind::Single(t), Some(text)) if unquoted_fits(&t.to_string(), text) => {
                    format!("write it without quotes: `{text}`")
                }
                _ => format!(
                    "`launchcheck schema {}` shows the expected shape",
                    kind_name(doc)
                ),
            };
            let expected = match expected {
                TypeKind::Single(t) => article(&t.to_string()),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| article(&t.to_string()))
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            out.push(
                Finding::new(
                    rule,
                    doc.file,
                    value_span(),
                    format!("expected {expected} {where_}, found {found}"),
                )
                .key(key)
                .help(help),
            );
        }
        _ => {
            let message = match kind {
                ValidationErrorKind::MinItems { limit: 1 } => {
                    format!("must not be empty ({where_})")
                }
                _ => format!("{fallback} ({where_})"),
            };
            out.push(
                Finding::new(rule, doc.file, value_span(), message)
                    .key(key)
                    .help(format!(
                        "`launchcheck schema {}` shows what is allowed here",
                        kind_name(doc)
                    )),
            );
        }
    }
}

/// Whether a quoted string would be a valid value of `json_type` without its quotes.
fn unquoted_fits(json_type: &str, text: &str) -> bool {
    match json_type {
        "integer" => text.parse::<i64>().is_ok(),
        "number" => text.parse::<f64>().is_ok_and(f64::is_finite),
        "boolean" => matches!(text, "true" | "false"),
        _ => false,
    }
}

/// `2026-11-24`: a TOML local date, which jiff would also read as midnight.
fn is_bare_date(text: &str) -> bool {
    text.len() == 10 && !text.contains(['T', 't', ' ', ':'])
}

fn kind_name(doc: &Document<'_>) -> &'static str {
    doc.kind.map_or("launch-request", Kind::name)
}

fn describe(path: &[Seg<'_>]) -> String {
    if path.is_empty() {
        "at the top level".to_owned()
    } else {
        format!("in `{}`", crate::document::display_path(path))
    }
}

fn value_at<'v>(json: &'v Value, path: &[Seg<'_>]) -> Option<&'v Value> {
    let mut current = json;
    for seg in path {
        current = match (seg, current) {
            (Seg::Key(k), Value::Object(o)) => o.get(*k)?,
            (Seg::Index(i), Value::Array(a)) => a.get(*i)?,
            _ => return None,
        };
    }
    Some(current)
}

fn show_value(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`\"{s}\"`"),
        other => format!("`{other}`"),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "a table",
    }
}

fn article(json_type: &str) -> String {
    match json_type {
        "object" => "a table".to_owned(),
        "integer" => "an integer".to_owned(),
        "array" => "an array".to_owned(),
        other => format!("a {other}"),
    }
}

/// The property names the schema allows at `path`, following local `$ref`s.
fn allowed_keys(schema: &Value, path: &[Seg<'_>]) -> Vec<String> {
    let mut node = resolve(schema, schema);
    for seg in path {
        let next = match seg {
            Seg::Key(k) => node
                .get("properties")
                .and_then(|p| p.get(*k))
                .or_else(|| node.get("additionalProperties").filter(|v| v.is_object())),
            Seg::Index(_) => node.get("items"),
        };
        match next {
            Some(n) => node = resolve(schema, n),
            None => return Vec::new(),
        }
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'s>(root: &'s Value, mut node: &'s Value) -> &'s Value {
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return node;
        };
        match root.pointer(pointer) {
            Some(target) => node = target,
            None => return node,
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_schema_compiles() {
        for kind in Kind::ALL {
            let _ = compiled(kind);
        }
    }

    /// (message, help, text at the span) of each finding for a launch request.
    fn problems(text: &str) -> Vec<(String, String, String)> {
        let (root, errors) = toml::de::DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{errors:?}");
        let doc = Document::new(0, text, root, Some(Kind::LaunchRequest));
        let tz = crate::time::parse_timezone("Asia/Shanghai").expect("zone");
        validate(&doc, Kind::LaunchRequest, &tz)
            .into_iter()
            .map(|f| {
                (
                    f.message,
                    f.help.unwrap_or_default(),
                    text[f.span].to_owned(),
                )
            })
            .collect()
    }

    const HEAD: &str = "kind = \"launch-request\"\nid = \"LR-1\"\ntitle = \"t\"\nservices = [\"a\"]\nchange_type = \"normal\"\nrisk = \"low\"\nstatus = \"draft\"\nrequester = \"alice\"\n";

    #[test]
    fn a_date_where_a_datetime_belongs_gets_a_full_example_in_the_zone() {
        let text = format!("{HEAD}[window]\nstart = 2026-12-01\nend = 2026-12-01T04:00:00\n");
        assert_eq!(
            problems(&text),
            [
                (
                    "`2026-12-01` is a date; a date and time with a UTC offset is needed here"
                        .to_owned(),
                    "write a date and time with an offset, e.g. `2026-12-01T00:00:00+08:00`"
                        .to_owned(),
                    "2026-12-01".to_owned(),
                ),
                (
                    "`2026-12-01T04:00:00` has no UTC offset".to_owned(),
                    "write it with an offset, e.g. `2026-12-01T04:00:00+08:00`".to_owned(),
                    "2026-12-01T04:00:00".to_owned(),
                ),
            ]
        );
    }

    #[test]
    fn quoted_numbers_and_datetimes_for_dates_get_the_fix_as_help() {
        let text = format!(
            "{HEAD}window = {{ start = 2026-12-01T02:00:00Z, end = 2026-12-01T04:00:00Z }}\n\
             [rollback]\nsteps = [\"x\"]\nminutes = \"15\"\n\
             [[waivers]]\nrule = \"launch-window\"\nreason = \"r\"\napproved_by = \"carol\"\nexpires = 2026-12-01T00:00:00Z\n"
        );
        let found = problems(&text);
        let helps: Vec<(&str, &str)> = found
            .iter()
            .map(|(_, h, at)| (h.as_str(), at.as_str()))
            .collect();
        assert_eq!(
            helps,
            [
                ("write it without quotes: `15`", "\"15\""),
                ("write the date alone: `2026-12-01`", "2026-12-01T00:00:00Z"),
            ]
        );
    }

    #[test]
    fn findings_come_in_document_order() {
        // The validator reports unknown keys of a table after the errors inside it; the file
        // has the misspelt `rolback` first.
        let text = format!("{HEAD}[rolback]\nsteps = [\"x\"]\n[window]\nstart = 1\nend = 2\n");
        let at: Vec<String> = problems(&text).into_iter().map(|(_, _, at)| at).collect();
        assert_eq!(at, ["rolback", "1", "2"]);
    }
}
