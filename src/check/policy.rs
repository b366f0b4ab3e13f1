//! The effective policy: the embedded default merged with the repository's policy files,
//! and what the policy schema cannot say about them.

use jiff::Timestamp;

use crate::config::{Matchers, Role};
use crate::diagnostic::Finding;
use crate::document::{Document, Kind};
use crate::error::{Error, Result};
use crate::load;
use crate::policy::{Policy, PolicySource, DEFAULT_POLICY};
use crate::time;
use crate::tree::WorkTree;

use super::{load_config, locate, Options};

/// The embedded default policy merged with the user's policy files.
pub fn build_policy(user: Vec<PolicySource>) -> Result<Policy> {
    let default = default_policy_json()?;
    Policy::build(default, user).map_err(|e| Error::new("cannot build the policy").cause(e))
}

/// The embedded default policy as JSON.
pub fn default_policy_json() -> Result<serde_json::Value> {
    let (root, errors) = toml::de::DeTable::parse_recoverable(DEFAULT_POLICY);
    if let Some(error) = errors.first() {
        return Err(Error::new("the embedded default policy does not parse").cause(error.message()));
    }
    Ok(crate::document::table_to_json(root.get_ref()))
}

/// What the policy schema cannot say: override service globs must compile, and a freeze must
/// end after it starts (an inverted one could never match a window).
pub(super) fn policy_document_problems(doc: &Document<'_>) -> Vec<Finding> {
    let schema = &crate::rules::SCHEMA;
    let json = doc.json();
    let mut problems = Vec::new();
    let entries = |key: &str| {
        json.get(key)
            .and_then(|v| v.as_array())
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    for (i, entry) in entries("override").iter().enumerate() {
        let patterns = entry.get("services").and_then(|v| v.as_array());
        for (j, pattern) in patterns.into_iter().flatten().enumerate() {
            let Some(pattern) = pattern.as_str() else {
                continue;
            };
            if let Err(error) = globset::Glob::new(pattern) {
                let path = ["override".into(), i.into(), "services".into(), j.into()];
                problems.push(
                    Finding::new(
                        schema,
                        doc.file,
                        doc.point_at(&path),
                        format!("`{pattern}` is not a valid glob: {}", error.kind()),
                    )
                    .key(crate::document::display_path(&path))
                    .help("use `*` for any run of characters, `?` for one, `[abc]` for a set"),
                );
            }
        }
    }
    for (i, entry) in entries("freeze").iter().enumerate() {
        let instant = |key: &str| {
            entry
                .get(key)
                .and_then(|v| v.as_str())
                .and_then(|t| t.parse::<Timestamp>().ok())
        };
        if let (Some(start), Some(end)) = (instant("start"), instant("end")) {
            if end <= start {
                let name = entry
                    .get("name")
                    .and_then(|v| v.as_str())
                    .unwrap_or("freeze");
                let path = ["freeze".into(), i.into(), "end".into()];
                problems.push(
                    Finding::new(
                        schema,
                        doc.file,
                        doc.point_at(&path),
                        format!("the freeze `{name}` ends before it starts, so it can never apply"),
                    )
                    .key(crate::document::display_path(&path))
                    .help("set `end` after `start`"),
                );
            }
        }
    }
    problems
}

/// The merged policy document of a repository, for `launchcheck policy`.
pub fn effective_policy(options: &Options) -> Result<serde_json::Value> {
    let located = locate(options)?;
    let config = load_config(located.config_path.as_deref(), &located.root)?;
    let tz = time::parse_timezone(&config.time.timezone).map_err(Error::new)?;
    let tree = WorkTree::new(&located.root)?;
    let matchers = Matchers::new(&config)?;
    let matched: Vec<_> = load::discover(&tree, &matchers)?
        .into_iter()
        .filter(|m| matches!(m.role, Role::Policy))
        .collect();
    let read = load::read_all(&tree, matched, config.files.max_file_bytes);
    let mut problems = read.findings.clone();
    let mut sources = Vec::new();
    for i in 0..read.files.len() {
        if !read.readable[i] {
            continue;
        }
        let parsed = load::parse(i, read.files.get(i), Some(Kind::Policy), &tz, true);
        problems.extend(parsed.findings.iter().cloned());
        if let (true, Some(doc)) = (parsed.clean, &parsed.doc) {
            problems.extend(policy_document_problems(doc));
            sources.push(PolicySource {
                json: doc.json().clone(),
                freeze_origins: Vec::new(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(
            Error::new("the policy has problems").with_diagnostics(read.files.clone(), problems)
        );
    }
    Ok(build_policy(sources)?.merged)
}
