//! Every document declares a known `kind`.
//!
//! ## What it checks
//! A file matched by the include globs must declare `kind` as one of `launch-request`,
//! `response-plan`, `incident`, `roster` or `policy`. A missing or misspelt kind is reported, with a
//! "did you mean" suggestion, instead of the file being skipped. A roster or policy among
//! the launch requests and plans is reported too: those are read only from
//! `[files].roster` and `[files].policies`, so such a file would silently count for nothing.
//!
//! ## Why it matters
//! The kind decides which schema and which rules apply. A file with a typo in its kind
//! would otherwise escape every check.
//!
//! ## Parameters
//! None. This rule is always on and cannot be waived.
//!
//! ## Failing example
//! ```toml
//! kind = "launch-requst"
//! id = "LR-2026-0142"
//! ```
//!
//! ## Passing example
//! ```toml
//! kind = "launch-request"
//! id = "LR-2026-0142"
//! ```

use crate::diagnostic::Finding;
use crate::document::{Document, Kind};

pub const CHECK: super::Check = super::Check::Document;

/// Reports a document whose `kind` is missing, not a string, or not a known kind.
pub fn check(doc: &Document<'_>) -> Option<Finding> {
    let rule = &super::UNKNOWN_KIND;
    let known = Kind::DECLARABLE.map(Kind::name).join("`, `");
    match doc.top("kind") {
        None => Some(
            Finding::new(
                rule,
                doc.file,
                doc.first_line(),
                "this document has no `kind`",
            )
            .key("kind")
            .help(format!(
                "add a first line such as `kind = \"launch-request\"`; known kinds: `{known}`"
            )),
        ),
        Some(toml::de::DeValue::String(name)) => {
            let name: &str = name;
            if Kind::DECLARABLE.iter().any(|k| k.name() == name) {
                return None;
            }
            let span = doc.span_of(&["kind".into()]).unwrap_or(0..0);
            let help = match crate::suggest::closest(name, Kind::DECLARABLE.map(Kind::name)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("known kinds: `{known}`"),
            };
            Some(
                Finding::new(rule, doc.file, span, format!("unknown kind `{name}`"))
                    .key("kind")
                    .help(help),
            )
        }
        Some(_) => {
            let span = doc.span_of(&["kind".into()]).unwrap_or(0..0);
            Some(
                Finding::new(rule, doc.file, span, "`kind` must be a string")
                    .key("kind")
                    .help(format!("known kinds: `{known}`")),
            )
        }
    }
}
