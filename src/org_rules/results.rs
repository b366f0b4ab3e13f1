//! Turning what an organisation rule returned into findings.
//!
//! A rule's value is a set or array of results (a single string or object counts as one);
//! each result is a message string or an object with `msg` and optionally `path` (keys and
//! 0-based indexes into the document), `help`, `level` and `related`
//! (`[{file, path, message}]`). Anything else is the rule's mistake, reported as a tool error
//! so that a malformed rule never passes silently. Nothing here panics, whatever the value.

use std::ops::Range;

use serde_json::Value;

use crate::diagnostic::{Finding, Level};
use crate::document::{display_path, Document, Seg};
use crate::rules::Rule;
use crate::source::FileId;

/// What a rule produced for one document, before levels from the policy are applied.
#[derive(Debug)]
pub struct Produced {
    pub finding: Finding,
    /// The level the result asked for, when it named one.
    pub level: Option<Level>,
}

/// Converts a rule's value for `doc` into findings. `find_document` resolves a `related`
/// entry's `file` (relative to the root) to a loaded document.
pub fn findings<'d>(
    rule: &'static Rule,
    value: &Value,
    doc: &Document<'_>,
    find_document: &dyn Fn(&str) -> Option<&'d Document<'d>>,
) -> Result<Vec<Produced>, String> {
    findings_at(
        rule,
        value,
        doc.file,
        &|path| doc.point_at(path),
        find_document,
    )
}

/// [`findings`] for a document of `file` whose spans `point_at` gives: spans located while
/// the document's tree existed spare parsing it again to report.
pub fn findings_at<'d>(
    rule: &'static Rule,
    value: &Value,
    file: FileId,
    point_at: &dyn Fn(&[Seg<'_>]) -> Range<usize>,
    find_document: &dyn Fn(&str) -> Option<&'d Document<'d>>,
) -> Result<Vec<Produced>, String> {
    let items: Vec<&Value> = match value {
        Value::Null | Value::Bool(false) => Vec::new(),
        Value::Array(items) => items.iter().collect(),
        Value::String(_) | Value::Object(_) => vec![value],
        Value::Bool(true) | Value::Number(_) => {
            return Err(format!(
            "the rule's value is `{}`, not a set of messages; write `deny contains msg if {{ … }}`",
            short(value)
        ))
        }
    };
    items
        .into_iter()
        .map(|item| one(rule, item, file, point_at, find_document))
        .collect()
}

/// The key paths the well-formed results of a rule's value point at (the document itself
/// for a plain message), so that their spans can be found while the tree is at hand.
pub fn paths(value: &Value) -> Vec<Vec<Seg<'_>>> {
    let items: Vec<&Value> = match value {
        Value::Array(items) => items.iter().collect(),
        Value::String(_) | Value::Object(_) => vec![value],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| match item {
            Value::String(_) => Some(Vec::new()),
            Value::Object(object) => match object.get("path") {
                None | Some(Value::Null) => Some(Vec::new()),
                Some(path) => key_path(path).ok(),
            },
            _ => None,
        })
        .collect()
}

fn one<'d>(
    rule: &'static Rule,
    item: &Value,
    file: FileId,
    point_at: &dyn Fn(&[Seg<'_>]) -> Range<usize>,
    find_document: &dyn Fn(&str) -> Option<&'d Document<'d>>,
) -> Result<Produced, String> {
    let object = match item {
        Value::String(message) => {
            return Ok(Produced {
                finding: Finding::new(rule, file, point_at(&[]), message.clone()),
                level: None,
            })
        }
        Value::Object(object) => object,
        other => {
            return Err(format!(
                "a result is `{}`: each result must be a message string or an object with `msg`",
                short(other)
            ))
        }
    };
    let message = match object.get("msg") {
        Some(Value::String(message)) => message.clone(),
        Some(other) => {
            return Err(format!(
                "a result's `msg` is `{}`, not a string",
                short(other)
            ))
        }
        None => {
            return Err(format!(
                "a result has no `msg`: `{}`",
                short(&Value::Object(object.clone()))
            ))
        }
    };
    let path = match object.get("path") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => key_path(value)?,
    };
    let mut finding = Finding::new(rule, file, point_at(&path), message).key(display_path(&path));
    match object.get("help") {
        None | Some(Value::Null) => {}
        Some(Value::String(help)) => finding = finding.help(help.clone()),
        Some(other) => {
            return Err(format!(
                "a result's `help` is `{}`, not a string",
                short(other)
            ))
        }
    }
    let level = match object.get("level") {
        None | Some(Value::Null) => None,
        Some(Value::String(level)) if level == "error" => Some(Level::Error),
        Some(Value::String(level)) if level == "warning" => Some(Level::Warning),
        Some(other) => {
            return Err(format!(
                "a result's `level` is `{}`; use \"error\" or \"warning\"",
                short(other)
            ))
        }
    };
    match object.get("related") {
        None | Some(Value::Null) => {}
        Some(Value::Array(entries)) => {
            for entry in entries {
                let (file, path, message) = related(entry)?;
                let Some(other) = find_document(file) else {
                    return Err(format!(
                        "a result's `related` names `{file}`, which is not a checked document"
                    ));
                };
                finding = finding.related(other.file, other.point_at(&path), message);
            }
        }
        Some(other) => {
            return Err(format!(
                "a result's `related` is `{}`, not an array of {{file, path, message}}",
                short(other)
            ))
        }
    }
    Ok(Produced { finding, level })
}

/// A `path` value: an array of keys (strings) and indexes (integers from 0).
fn key_path(value: &Value) -> Result<Vec<Seg<'_>>, String> {
    let Value::Array(items) = value else {
        return Err(format!(
            "a result's `path` is `{}`, not an array of keys and indexes",
            short(value)
        ));
    };
    items
        .iter()
        .map(|item| match item {
            Value::String(key) => Ok(Seg::Key(key.as_str())),
            Value::Number(n) => n
                .as_u64()
                .and_then(|i| usize::try_from(i).ok())
                .map(Seg::Index)
                .ok_or_else(|| format!("a result's `path` holds `{n}`, not an index from 0")),
            other => Err(format!(
                "a result's `path` holds `{}`, neither a key nor an index",
                short(other)
            )),
        })
        .collect()
}

fn related(entry: &Value) -> Result<(&str, Vec<Seg<'_>>, String), String> {
    let problem = || {
        format!(
            "a `related` entry is `{}`, not {{file, path, message}}",
            short(entry)
        )
    };
    let Value::Object(object) = entry else {
        return Err(problem());
    };
    let Some(Value::String(file)) = object.get("file") else {
        return Err(problem());
    };
    let path = match object.get("path") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => key_path(value)?,
    };
    let message = match object.get("message").or_else(|| object.get("msg")) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(message)) => message.clone(),
        Some(_) => return Err(problem()),
    };
    Ok((file.as_str(), path, message))
}

/// A value shown in an error message, cut short: results can be huge.
fn short(value: &Value) -> String {
    const LIMIT: usize = 80;
    let text = value.to_string();
    if text.chars().count() <= LIMIT {
        return text;
    }
    let cut: String = text.chars().take(LIMIT).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use toml::de::DeTable;

    fn rule() -> &'static Rule {
        &crate::rules::PLAN_LINK
    }

    fn doc(text: &str) -> Document<'_> {
        let (root, _) = DeTable::parse_recoverable(text);
        Document::new(0, text, root, None)
    }

    fn none(_: &str) -> Option<&'static Document<'static>> {
        None
    }

    #[test]
    fn strings_and_objects_become_findings_at_their_path() {
        let text = "id = \"A\"\n[[approvals]]\nby = \"x\"\n[[approvals]]\nby = \"y\"\n";
        let d = doc(text);
        let value = json!(["plain", {"msg": "second", "path": ["approvals", 1, "by"], "help": "ask", "level": "warning"}]);
        let found = findings(rule(), &value, &d, &none).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].finding.message, "plain");
        assert_eq!(&text[found[0].finding.span.clone()], "\"A\"");
        assert_eq!(&text[found[1].finding.span.clone()], "\"y\"");
        assert_eq!(found[1].finding.key, "approvals[1].by");
        assert_eq!(found[1].finding.help.as_deref(), Some("ask"));
        assert_eq!(found[1].level, Some(Level::Warning));
    }

    #[test]
    fn a_missing_key_points_at_its_nearest_parent() {
        let text = "id = \"A\"\n[rollback]\nsteps = []\n";
        let d = doc(text);
        let value = json!([{"msg": "m", "path": ["rollback", "owner"]}]);
        let found = findings(rule(), &value, &d, &none).unwrap();
        assert_eq!(&text[found[0].finding.span.clone()], "[rollback]");
    }

    #[test]
    fn malformed_results_are_errors() {
        let d = doc("id = \"A\"\n");
        for bad in [
            json!([{"message": "no msg"}]),
            json!([{"msg": 3}]),
            json!([7]),
            json!(true),
            json!([{"msg": "m", "path": "rollback"}]),
            json!([{"msg": "m", "path": [-1]}]),
            json!([{"msg": "m", "path": [1.5]}]),
            json!([{"msg": "m", "level": "fatal"}]),
            json!([{"msg": "m", "related": [{"file": "nowhere.toml"}]}]),
            json!([{"msg": "m", "related": "x"}]),
        ] {
            assert!(findings(rule(), &bad, &d, &none).is_err(), "{bad}");
        }
        assert!(findings(rule(), &json!([]), &d, &none).unwrap().is_empty());
        assert!(findings(rule(), &json!(false), &d, &none)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn huge_results_and_deep_paths_are_reported_without_trouble() {
        let text = "id = \"A\"\n[rollback]\nsteps = [\"x\"]\n";
        let d = doc(text);
        let many: Vec<Value> = (0..100_000).map(|i| json!(format!("m{i}"))).collect();
        assert_eq!(
            findings(rule(), &Value::Array(many), &d, &none)
                .unwrap()
                .len(),
            100_000
        );
        let deep: Vec<Value> = std::iter::once(json!("rollback"))
            .chain((0..100_000).map(|_| json!(0)))
            .collect();
        let found = findings(rule(), &json!([{"msg": "m", "path": deep}]), &d, &none).unwrap();
        assert_eq!(&text[found[0].finding.span.clone()], "[rollback]");
    }

    fn any_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            prop_oneof![
                Just("msg".to_owned()),
                Just("path".to_owned()),
                Just("approvals".to_owned()),
                Just("rollback".to_owned()),
                Just("plans/p.toml".to_owned()),
                ".{0,12}"
            ]
            .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec(
                    (
                        prop_oneof![
                            Just("msg".to_owned()),
                            Just("path".to_owned()),
                            Just("help".to_owned()),
                            Just("level".to_owned()),
                            Just("related".to_owned()),
                            Just("file".to_owned()),
                            ".{0,6}"
                        ],
                        inner
                    ),
                    0..6
                )
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Whatever a rule returns, converting it never panics, and every finding points
        /// inside its document.
        #[test]
        fn hostile_results_never_panic(value in any_json()) {
            let text = "id = \"A\"\n[rollback]\nsteps = [\"x\", \"y\"]\n[[approvals]]\nby = \"b\"\n";
            let d = doc(text);
            let related = doc(text);
            let find = |path: &str| (path == "plans/p.toml").then_some(&related);
            if let Ok(found) = findings(rule(), &value, &d, &find) {
                for produced in found {
                    proptest::prop_assert!(produced.finding.span.end <= text.len());
                    for r in &produced.finding.related {
                        proptest::prop_assert!(r.span.end <= text.len());
                    }
                }
            }
        }
    }
}
