//! `launchcheck.toml`: discovery (working directory or a parent, `--config`,
//! `LAUNCHCHECK_CONFIG`), validation against the config schema with spans, and defaults.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use crate::diagnostic::Finding;
use crate::document::{Document, Kind};
use crate::error::{Error, Result};
use crate::source::{Files, SourceFile};

pub const FILE_NAME: &str = "launchcheck.toml";

/// The `[files]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct FilesConfig {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub roster: String,
    pub policies: Vec<String>,
    pub max_file_bytes: u64,
    /// Closed records kept for the audit trail: judged by the file rules only.
    pub archive: Vec<String>,
    /// Organisation rules in Rego; `*_test.rego` files among them are their tests.
    pub rego: Vec<String>,
}

impl Default for FilesConfig {
    fn default() -> Self {
        FilesConfig {
            include: vec![
                "launches/**/*.toml".into(),
                "plans/**/*.toml".into(),
                "incidents/**/*.toml".into(),
            ],
            exclude: Vec::new(),
            roster: "people.toml".into(),
            policies: vec!["policies/*.toml".into()],
            max_file_bytes: 1024 * 1024,
            archive: vec!["archive/**/*.toml".into()],
            rego: vec!["policies/*.rego".into()],
        }
    }
}

/// The `[time]` table.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TimeConfig {
    pub timezone: String,
}

impl Default for TimeConfig {
    fn default() -> Self {
        TimeConfig {
            timezone: "UTC".into(),
        }
    }
}

/// The whole configuration, defaults filled in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    pub files: FilesConfig,
    pub time: TimeConfig,
}

/// Globs compiled once: which paths are documents, the roster, policies.
pub struct Matchers {
    include: GlobSet,
    exclude: GlobSet,
    policies: GlobSet,
    archive: GlobSet,
    roster: String,
    rego: GlobSet,
}

pub enum Role {
    Document,
    Roster,
    Policy,
    /// A document in the archive: parsed and indexed, judged by the file rules only.
    Archive,
}

impl Role {
    /// Launch requests, plans and incidents, live or archived.
    pub fn is_document(&self) -> bool {
        matches!(self, Role::Document | Role::Archive)
    }
}

impl Matchers {
    pub fn new(config: &Config) -> Result<Self> {
        Ok(Matchers {
            include: glob_set(&config.files.include, "files.include")?,
            exclude: glob_set(&config.files.exclude, "files.exclude")?,
            policies: glob_set(&config.files.policies, "files.policies")?,
            archive: glob_set(&config.files.archive, "files.archive")?,
            roster: config.files.roster.trim_start_matches("./").to_owned(),
            rego: glob_set(&config.files.rego, "files.rego")?,
        })
    }

    /// Whether `[files].exclude` says a path is not a document.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.exclude.is_match(path)
    }

    /// The literal directory each include glob starts with (`launches/` of
    /// `launches/**/*.toml`), for "did you mean".
    pub fn include_prefixes(config: &Config) -> Vec<String> {
        config
            .files
            .include
            .iter()
            .chain(&config.files.archive)
            .map(|glob| {
                let glob = glob.trim_start_matches("./");
                let literal = glob
                    .find(['*', '?', '[', '{'])
                    .map_or(glob, |at| &glob[..at]);
                match literal.rfind('/') {
                    Some(slash) => literal[..=slash].to_owned(),
                    None => String::new(),
                }
            })
            .collect()
    }

    /// Whether a path is matched by `[files].rego` (rules and their `*_test.rego` tests).
    pub fn is_rego(&self, path: &str) -> bool {
        path.ends_with(".rego") && self.rego.is_match(path) && !self.exclude.is_match(path)
    }

    /// Whether a path holds organisation rules (a `.rego` file matched by `[files].rego` that
    /// is not a `*_test.rego` test file).
    pub fn is_rego_rules(&self, path: &str) -> bool {
        path.ends_with(".rego")
            && !path.ends_with("_test.rego")
            && self.rego.is_match(path)
            && !self.exclude.is_match(path)
    }

    /// What a repository path is to the run, if anything.
    pub fn role(&self, path: &str) -> Option<Role> {
        if self.exclude.is_match(path) {
            return None;
        }
        if path == self.roster {
            Some(Role::Roster)
        } else if self.policies.is_match(path) {
            Some(Role::Policy)
        } else if self.archive.is_match(path) {
            Some(Role::Archive)
        } else if self.include.is_match(path) {
            Some(Role::Document)
        } else {
            None
        }
    }
}

fn glob_set(patterns: &[String], key: &str) -> Result<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
            .literal_separator(true)
            .build()
            .map_err(|e| Error::new(format!("invalid glob `{pattern}` in `{key}`")).cause(e))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| Error::new(format!("invalid globs in `{key}`")).cause(e))
}

/// Finds `launchcheck.toml` in `start` or the nearest parent.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// Parses and validates config text; syntax, schema or time zone problems are an exit-2
/// error showing each problem at its key.
pub fn parse(display_path: &str, text: String, tz_hint: &jiff::tz::TimeZone) -> Result<Config> {
    let mut files = Files::default();
    let id = files.add(SourceFile::new(display_path, text));
    let source = files.get(id);
    let (root, first) = crate::rules::lc001_toml_syntax::first_in(id, &source.text);
    let mut findings: Vec<Finding> = first.into_iter().collect();
    if findings.is_empty() {
        let too_large = crate::document::out_of_range_integers(root.get_ref());
        if let Some(first) = too_large.first().cloned() {
            findings.push(crate::rules::lc001_toml_syntax::integer_out_of_range(
                id,
                first,
                &source.text,
                too_large.len() - 1,
            ));
        }
    }
    let mut config = None;
    if findings.is_empty() {
        let doc = Document::new(id, &source.text, root, Some(Kind::Config));
        findings = crate::schema::validate(&doc, Kind::Config, tz_hint);
        if findings.is_empty() {
            let parsed = Config::deserialize(doc.json()).map_err(|e| {
                Error::new(format!("cannot read the configuration `{display_path}`")).cause(e)
            })?;
            if let Err(message) = crate::time::parse_timezone(&parsed.time.timezone) {
                let path = ["time".into(), "timezone".into()];
                findings.push(
                    Finding::new(&crate::rules::SCHEMA, id, doc.point_at(&path), message)
                        .key("time.timezone")
                        .help("use an IANA name such as `Asia/Shanghai`, `UTC`, or an offset such as `+08:00`"),
                );
            } else {
                config = Some(parsed);
            }
        }
    }
    match config {
        Some(config) => Ok(config),
        None => {
            let count = findings.len();
            Err(Error::new(format!(
                "the configuration `{display_path}` has {count} problem{}",
                if count == 1 { "" } else { "s" }
            ))
            .with_diagnostics(files, findings))
        }
    }
}
