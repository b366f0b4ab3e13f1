//! Reading and parsing: files are read in parallel within their size limit (LC005), parsed
//! once into spanned TOML (LC001), their kind detected (LC002) and schema-checked (LC003).

use rayon::prelude::*;

use crate::config::{Matchers, Role};
use crate::diagnostic::Finding;
use crate::document::{Document, Kind};
use crate::rules::{lc001_toml_syntax, lc002_unknown_kind, lc005_unreadable_file};
use crate::source::{FileId, Files, SourceFile};
use crate::tree::{ReadOutcome, Tree};

/// A file the run reads, and what it is for.
pub struct Matched {
    pub path: String,
    pub role: Role,
}

/// Lists the tree and keeps the paths the configuration gives a role, in path order.
pub fn discover(tree: &dyn Tree, matchers: &Matchers) -> crate::error::Result<Vec<Matched>> {
    Ok(tree
        .paths()?
        .into_iter()
        .filter_map(|path| matchers.role(&path).map(|role| Matched { path, role }))
        .collect())
}

/// The files as read: every matched file gets a [`FileId`], unreadable ones with empty text
/// and an LC005 finding.
pub struct ReadFiles {
    pub files: Files,
    pub roles: Vec<Role>,
    pub readable: Vec<bool>,
    pub findings: Vec<Finding>,
}

pub fn read_all(tree: &dyn Tree, matched: Vec<Matched>, limit: u64) -> ReadFiles {
    let outcomes: Vec<(String, Result<String, (String, String)>)> = matched
        .par_iter()
        .map(|m| (m.path.clone(), decode(tree.read(&m.path, limit), limit)))
        .collect();
    let mut files = Files::default();
    let mut readable = Vec::with_capacity(outcomes.len());
    let mut findings = Vec::new();
    for (path, outcome) in outcomes {
        match outcome {
            Ok(text) => {
                files.add(SourceFile::new(path, text));
                readable.push(true);
            }
            Err((message, help)) => {
                let id = files.add(SourceFile::new(path, String::new()));
                findings.push(lc005_unreadable_file::finding(id, message, help));
                readable.push(false);
            }
        }
    }
    ReadFiles {
        files,
        roles: matched.into_iter().map(|m| m.role).collect(),
        readable,
        findings,
    }
}

fn decode(outcome: ReadOutcome, limit: u64) -> Result<String, (String, String)> {
    match outcome {
        ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).map_err(|e| {
            (
                format!("the file is not valid UTF-8 (invalid byte at offset {})", e.utf8_error().valid_up_to()),
                "save the file as UTF-8".to_owned(),
            )
        }),
        ReadOutcome::TooLarge { size } => Err((
            format!("the file is {size} bytes, over the limit of {limit} bytes"),
            "split the file, or raise `[files].max_file_bytes` in launchcheck.toml".to_owned(),
        )),
        ReadOutcome::LinkOutside { target } => Err((
            format!("the file is a link to `{target}`, outside the repository"),
            "replace the link with the file itself".to_owned(),
        )),
        ReadOutcome::Failed(reason) => Err((
            format!("the file cannot be read: {reason}"),
            "check the file's permissions and that it is a regular file".to_owned(),
        )),
    }
}

/// A parsed file: its document (when it parsed) and the findings of parsing it.
pub struct Parsed<'a> {
    pub file: FileId,
    pub doc: Option<Document<'a>>,
    pub findings: Vec<Finding>,
    /// Whether parsing, kind and schema all passed.
    pub clean: bool,
}

/// Parses one file: syntax, kind, schema. `expected` forces a kind (roster, policy files).
pub fn parse<'a>(
    file: FileId,
    source: &'a SourceFile,
    expected: Option<Kind>,
    tz: &jiff::tz::TimeZone,
    schema: bool,
) -> Parsed<'a> {
    let (root, errors) = toml::de::DeTable::parse_recoverable(&source.text);
    if !errors.is_empty() {
        let mut findings: Vec<Finding> = errors
            .iter()
            .map(|e| lc001_toml_syntax::finding(file, e, source.text.len()))
            .collect();
        findings.dedup_by(|a, b| a.span == b.span && a.message == b.message);
        return Parsed {
            file,
            doc: None,
            findings,
            clean: false,
        };
    }
    let mut doc = Document::new(file, root, None);
    if let Some(finding) = lc002_unknown_kind::check(&doc) {
        return Parsed {
            file,
            doc: None,
            findings: vec![finding],
            clean: false,
        };
    }
    let declared = doc
        .json
        .get("kind")
        .and_then(|v| v.as_str())
        .and_then(Kind::from_name);
    doc.kind = declared;
    if let (Some(expected), Some(declared)) = (expected, declared) {
        if expected != declared {
            let span = doc.span_of(&["kind".into()]).unwrap_or(0..0);
            let finding = crate::diagnostic::Finding::new(
                crate::rules::rule("LC002"),
                file,
                span,
                format!("this file is read as the {} but declares kind `{}`", expected.name(), declared.name()),
            )
            .key("kind")
            .help(format!("write `kind = \"{}\"`, or point the configuration elsewhere", expected.name()));
            return Parsed {
                file,
                doc: None,
                findings: vec![finding],
                clean: false,
            };
        }
    }
    let findings = match (schema, declared) {
        (true, Some(kind)) => crate::schema::validate(&doc, kind, tz),
        _ => Vec::new(),
    };
    let clean = findings.is_empty();
    Parsed {
        file,
        doc: Some(doc),
        findings,
        clean,
    }
}
