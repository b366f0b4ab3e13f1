//! Reading and parsing: files are read in parallel within their size limit (LC005), parsed
//! once into spanned TOML (LC001), their kind detected (LC002) and schema-checked (LC003).

use std::ops::Range;

use rayon::prelude::*;
use serde::Deserialize;

use crate::model::{Incident, LaunchRequest, ResponsePlan};
use crate::toml_serde::TomlTable;

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
/// Sorted here whatever order the tree lists in, so file ids, and with them which of two
/// duplicate ids wins and the order cycles are walked in, never depend on the listing.
pub fn discover(tree: &dyn Tree, matchers: &Matchers) -> crate::error::Result<Vec<Matched>> {
    Ok(discover_all(tree, matchers)?.0)
}

/// [`discover`], plus the `.toml` files that no glob matches or excludes (not ignored by
/// git): candidates for `unmatched-document`.
pub fn discover_all(
    tree: &dyn Tree,
    matchers: &Matchers,
) -> crate::error::Result<(Vec<Matched>, Vec<String>)> {
    // Matching ten thousand paths against the globs is worth the other core.
    let roles: Vec<(String, Option<Role>)> = tree
        .paths()?
        .into_par_iter()
        .map(|path| {
            let role = matchers.role(&path);
            (path, role)
        })
        .collect();
    let mut matched = Vec::new();
    let mut unmatched = Vec::new();
    for (path, role) in roles {
        match role {
            Some(role) => matched.push(Matched { path, role }),
            None if path.ends_with(".toml") && !matchers.is_excluded(&path) => unmatched.push(path),
            None => {}
        }
    }
    matched.sort_by(|a, b| a.path.cmp(&b.path));
    matched.dedup_by(|a, b| a.path == b.path);
    if !unmatched.is_empty() {
        let ignored = tree.ignored(&unmatched);
        unmatched.retain(|p| !ignored.contains(p));
    }
    Ok((matched, unmatched))
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
    let outcomes: Vec<(String, Result<String, Unreadable>)> = matched
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
            Err(unreadable) => {
                let id = files.add(SourceFile::new(path, unreadable.shown));
                findings.push(lc005_unreadable_file::at(
                    id,
                    unreadable.span,
                    unreadable.message,
                    unreadable.help,
                ));
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

/// Why a file could not be read, and what of it to show.
struct Unreadable {
    message: String,
    help: String,
    /// The text shown in excerpts: empty, or for a file that is not UTF-8 its text with
    /// invalid bytes replaced, so the finding can point at the first one.
    shown: String,
    span: Range<usize>,
}

impl Unreadable {
    fn new(message: String, help: &str) -> Self {
        Unreadable {
            message,
            help: help.to_owned(),
            shown: String::new(),
            span: 0..0,
        }
    }
}

fn decode(outcome: ReadOutcome, limit: u64) -> Result<String, Unreadable> {
    match outcome {
        ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let bad = bytes.get(valid).copied().unwrap_or_default();
            let mut shown = String::from_utf8_lossy(bytes).into_owned();
            // A leading BOM is dropped from the shown text as it is from readable files.
            let bom = usize::from(shown.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
            let start = valid.saturating_sub(bom);
            if bom > 0 {
                shown.drain(..bom);
            }
            Unreadable {
                message: format!("the file is not valid UTF-8 (byte 0x{bad:02X} here)"),
                help:
                    "save the file as UTF-8; it may be in a legacy encoding such as GBK or Latin-1"
                        .to_owned(),
                span: start..start + '\u{fffd}'.len_utf8(),
                shown,
            }
        }),
        ReadOutcome::TooLarge { size } => Err(Unreadable::new(
            format!("the file is {size} bytes, over the limit of {limit} bytes"),
            "split the file, or raise `max_file_bytes` under `[files]` in launchcheck.toml",
        )),
        ReadOutcome::LinkOutside { target } => Err(Unreadable::new(
            format!("the file is a link to `{target}`, outside the repository"),
            "replace the link with the file itself",
        )),
        ReadOutcome::Failed(reason) => Err(Unreadable::new(
            format!("the file cannot be read: {reason}"),
            "check the file's permissions and that it is a regular file",
        )),
    }
}

/// The typed model extracted from a launch request or plan.
pub enum Model {
    None,
    Launch(Box<LaunchRequest>),
    Plan(Box<ResponsePlan>),
    Incident(Box<Incident>),
    /// A launch request or plan that could not be read into a model, with its `id` when it
    /// has one: references to it are to a document that exists but cannot be judged.
    Unreadable(Kind, Option<String>),
}

impl Parsed<'_> {
    /// Builds the typed model of a launch request or plan. A document that passed its schema
    /// but still cannot be read is reported (LC003) rather than silently left out. With
    /// `release`, the document's tree and JSON are dropped afterwards (see [`Document`]).
    pub fn extract(&mut self, release: bool) -> Model {
        let Some(doc) = &mut self.doc else {
            return match &self.identity {
                Some((kind, id)) => Model::Unreadable(*kind, Some(id.clone())),
                None => Model::None,
            };
        };
        let kind = match doc.kind {
            Some(kind @ (Kind::LaunchRequest | Kind::ResponsePlan | Kind::Incident)) => kind,
            _ => return Model::None,
        };
        // From the JSON form when something else needed it anyway, else straight from the
        // tree: both read every value alike, and skipping the copy is a sixth of the parse.
        let model = if doc.has_json() {
            read_model(kind, doc.json())
        } else {
            read_model(kind, TomlTable(doc.root().get_ref()))
        };
        let model = match model {
            Ok(model) => model,
            Err(error) => {
                let id = doc
                    .json()
                    .get("id")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                let kind = doc.kind.unwrap_or(Kind::LaunchRequest);
                if self.clean {
                    self.findings.push(
                        Finding::new(
                            &crate::rules::SCHEMA,
                            self.file,
                            doc.first_line(),
                            format!("the document cannot be read: {error}"),
                        )
                        .help("fix the value the message names"),
                    );
                    self.clean = false;
                }
                Model::Unreadable(kind, id)
            }
        };
        if release {
            doc.release();
        }
        model
    }
}

/// The typed model of a document of `kind` (launch request, plan or incident).
fn read_model<'de, D: serde::Deserializer<'de>>(kind: Kind, from: D) -> Result<Model, String>
where
    D::Error: std::fmt::Display,
{
    let model = match kind {
        Kind::LaunchRequest => LaunchRequest::deserialize(from).map(|m| Model::Launch(Box::new(m))),
        Kind::ResponsePlan => ResponsePlan::deserialize(from).map(|m| Model::Plan(Box::new(m))),
        _ => Incident::deserialize(from).map(|m| Model::Incident(Box::new(m))),
    };
    model.map_err(|e| e.to_string())
}

/// A parsed file: its document (when it parsed) and the findings of parsing it.
pub struct Parsed<'a> {
    pub file: FileId,
    pub doc: Option<Document<'a>>,
    pub findings: Vec<Finding>,
    /// Whether parsing, kind and schema all passed.
    pub clean: bool,
    /// For a launch request or plan that does not parse: its kind and `id`, as far as the
    /// text before the first syntax error says, so references to it are known to be to a
    /// broken document rather than to none.
    pub identity: Option<(Kind, String)>,
}

/// The kind and `id` of a document from the part of it that parsed.
fn partial_identity(root: &toml::de::DeTable<'_>) -> Option<(Kind, String)> {
    let text = |key: &str| root.get(key).and_then(|v| v.get_ref().as_str());
    let kind = Kind::from_name(text("kind")?)?;
    Some((kind, text("id")?.to_owned()))
}

/// Parses one file: syntax, kind, schema. `expected` forces a kind (roster, policy files).
/// Nothing builds the document's JSON form here: the schema is checked on the spanned tree,
/// and models are read from it ([`Parsed::extract`]).
pub fn parse<'a>(
    file: FileId,
    source: &'a SourceFile,
    expected: Option<Kind>,
    tz: &jiff::tz::TimeZone,
    schema: bool,
) -> Parsed<'a> {
    let (root, first) = lc001_toml_syntax::first_in(file, &source.text);
    if let Some(finding) = first {
        return Parsed {
            file,
            doc: None,
            findings: vec![finding],
            clean: false,
            identity: partial_identity(root.get_ref()),
        };
    }
    let too_large = crate::document::out_of_range_integers(root.get_ref());
    if let Some(first) = too_large.first().cloned() {
        return Parsed {
            file,
            doc: None,
            findings: vec![lc001_toml_syntax::integer_out_of_range(
                file,
                first,
                &source.text,
                too_large.len() - 1,
            )],
            clean: false,
            identity: partial_identity(root.get_ref()),
        };
    }
    let mut doc = Document::new(file, &source.text, root, None);
    if let Some(finding) = lc002_unknown_kind::check(&doc) {
        return Parsed {
            file,
            doc: None,
            findings: vec![finding],
            clean: false,
            identity: None,
        };
    }
    let declared = doc
        .top("kind")
        .and_then(|v| v.as_str())
        .and_then(Kind::from_name);
    doc.kind = declared;
    if let (Some(expected), Some(declared)) = (expected, declared) {
        if expected != declared {
            let span = doc.span_of(&["kind".into()]).unwrap_or(0..0);
            let finding = Finding::new(
                &crate::rules::UNKNOWN_KIND,
                file,
                span,
                format!(
                    "this file is read as the {} but declares kind `{}`",
                    expected.name(),
                    declared.name()
                ),
            )
            .key("kind")
            .help(format!(
                "write `kind = \"{}\"`, or point the configuration elsewhere",
                expected.name()
            ));
            return Parsed {
                file,
                doc: None,
                findings: vec![finding],
                clean: false,
                identity: None,
            };
        }
    }
    if let (None, Some(declared @ (Kind::Roster | Kind::Policy))) = (expected, declared) {
        let span = doc.span_of(&["kind".into()]).unwrap_or(0..0);
        let (setting, default) = match declared {
            Kind::Roster => ("roster", "`people.toml`"),
            _ => ("policies", "`policies/*.toml`"),
        };
        let finding = Finding::new(
            &crate::rules::UNKNOWN_KIND,
            file,
            span,
            format!(
                "a `{}` document among the launch requests and plans is not used",
                declared.name()
            ),
        )
        .key("kind")
        .help(format!(
            "{} files are read from the `{setting}` setting under `[files]` in launchcheck.toml (default {default}); move this file there, or exclude it",
            declared.name()
        ));
        return Parsed {
            file,
            doc: None,
            findings: vec![finding],
            clean: false,
            identity: None,
        };
    }
    let findings = match (schema, declared) {
        (true, Some(kind)) => crate::schema::validate(&doc, kind, tz),
        _ => Vec::new(),
    };
    // Without a schema check nothing vouches for the document.
    let clean = schema && findings.is_empty();
    Parsed {
        file,
        doc: Some(doc),
        findings,
        clean,
        identity: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (code, line, column, message) of each finding of parsing `text` as a file is read.
    fn parsed(text: &str) -> Vec<(&'static str, usize, usize, String)> {
        let source = SourceFile::new("launches/a.toml", text);
        let parsed = parse(0, &source, None, &jiff::tz::TimeZone::UTC, false);
        parsed
            .findings
            .iter()
            .map(|f| {
                let at = source.position(f.span.start);
                (f.rule.code, at.line, at.column, f.message.clone())
            })
            .collect()
    }

    const BOM_MESSAGE: &str =
        "a byte-order mark (U+FEFF) is allowed only once, at the start of the file";

    #[test]
    fn one_leading_byte_order_mark_is_skipped() {
        assert_eq!(parsed("\u{feff}kind = \"launch-request\"\n"), []);
    }

    #[test]
    fn a_second_leading_byte_order_mark_is_a_syntax_error_at_line_1_column_1() {
        // The first BOM is invisible and no column; the second is the first character.
        assert_eq!(
            parsed("\u{feff}\u{feff}kind = \"launch-request\"\n"),
            [("LC001", 1, 1, BOM_MESSAGE.to_owned())]
        );
        assert_eq!(
            parsed("\u{feff}\u{feff}# comment\r\nkind = \"launch-request\"\r\n"),
            [("LC001", 1, 1, BOM_MESSAGE.to_owned())]
        );
    }

    #[test]
    fn three_leading_byte_order_marks_are_one_finding_at_the_second() {
        // One finding per file: the first error, the second BOM.
        let found = parsed("\u{feff}\u{feff}\u{feff}kind = \"launch-request\"\n");
        assert_eq!(found, [("LC001", 1, 1, BOM_MESSAGE.to_owned())]);
    }

    #[test]
    fn a_byte_order_mark_mid_file_is_a_syntax_error_at_its_place() {
        // After `"标题" = ` (7 characters) on line 2, and at the start of line 3.
        let found = parsed("kind = \"launch-request\"\n\"标题\" = \u{feff}1\n");
        assert_eq!(
            found.first(),
            Some(&("LC001", 2, 8, BOM_MESSAGE.to_owned()))
        );
        let found = parsed("\u{feff}kind = \"launch-request\"\r\na = 1\r\n\u{feff}b = 2\r\n");
        assert_eq!(
            found.first(),
            Some(&("LC001", 3, 1, BOM_MESSAGE.to_owned()))
        );
    }

    #[test]
    fn a_byte_order_mark_inside_a_string_or_comment_is_text() {
        // TOML allows any character but controls there; U+FEFF is not a control.
        assert_eq!(
            parsed("kind = \"launch-request\" # \u{feff}\n# \u{feff}\ntitle = \"a\u{feff}b\"\n"),
            []
        );
    }
}
