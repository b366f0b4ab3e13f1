//! A `.toml` file that declares a launch request, response plan, incident, policy or roster is one the configuration reads.
//!
//! ## What it checks
//! Every `.toml` file under the root (outside `.git`, and not ignored by `.gitignore`) that
//! `[files].include`, `archive` and `exclude` all leave out is read: when its `kind` is
//! `launch-request`, `response-plan` or `incident`, it is a document no rule would ever
//! judge. Likewise a `kind = "policy"` file that `[files].policies` does not name, or a
//! `kind = "roster"` file other than `[files].roster`: a policy nobody applies is a silent
//! hole. The finding points at the `kind`, and the help names the include folder the path
//! nearly matches (`launch/` for `launches/`).
//!
//! To keep a file out on purpose (a template, an example), list it in `[files].exclude`.
//! A pull request cannot add that exclusion for itself: in pull-request mode the
//! configuration comes from the base. Reported in full runs, for paths named on the command
//! line, and for the changed files of `--base` and `--staged` runs.
//!
//! ## Why it matters
//! A typo in a folder name (`launch/` for `launches/`) would otherwise pass silently: the
//! checker sees no file, finds no problem, and the launch goes out unchecked.
//!
//! ## Parameters
//! None (configured through `[files]` in `launchcheck.toml`).
//!
//! ## Failing example
//! ```toml
//! # launch/LR-2026-0150.toml (the include glob is launches/**/*.toml)
//! kind = "launch-request"
//! id = "LR-2026-0150"
//! ```
//!
//! ## Passing example
//! ```toml
//! # launches/LR-2026-0150.toml
//! kind = "launch-request"
//! id = "LR-2026-0150"
//! ```

use crate::diagnostic::Finding;
use crate::source::{Files, SourceFile};
use crate::tree::{ReadOutcome, Tree};

pub const CHECK: super::Check = super::Check::Document;

/// Reads the candidate files, adds those that declare a known kind to `files`, and reports
/// them.
pub fn check(
    tree: &dyn Tree,
    files: &mut Files,
    candidates: &[String],
    prefixes: &[String],
    limit: u64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for path in candidates {
        let ReadOutcome::Bytes(bytes) = tree.read(path, limit) else {
            continue;
        };
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Some((kind, span)) = declared_kind(&text) else {
            continue;
        };
        let what = match kind.as_str() {
            "launch-request" | "response-plan" | "incident" => "no include glob matches it",
            "policy" => "the `policies` globs of the configuration do not name it, so its rules never apply",
            "roster" => "it is not the roster the configuration names",
            _ => continue,
        };
        let help = match kind.as_str() {
            "policy" | "roster" => format!(
                "move it to where `{}` in the `[files]` table of launchcheck.toml points, or name it there; list it in `exclude` there if it is not meant to be used",
                if kind == "policy" { "policies" } else { "roster" }
            ),
            _ => match nearest_prefix(path, prefixes) {
                Some(prefix) => format!(
                    "did you mean to put it under `{prefix}`? Otherwise add its folder to `include` in the `[files]` table of launchcheck.toml, or list it in `exclude` there if it is not a real document"
                ),
                None => "move it under a folder the `include` globs of the `[files]` table match, add its folder there, or list it in `exclude` there if it is not a real document".to_owned(),
            },
        };
        let id = files.add(SourceFile::new(path, text));
        // The source keeps a leading BOM out of its text: recompute the span on what it holds.
        let span = declared_kind(&files.get(id).text).map_or(span, |(_, s)| s);
        out.push(
            Finding::new(
                &super::UNMATCHED_DOCUMENT,
                id,
                span,
                format!("`{path}` declares `kind = \"{kind}\"`, but {what}: it is never checked"),
            )
            .key("kind")
            .help(help),
        );
    }
    out
}

/// The top-level `kind` string and its span, when the file parses as TOML.
fn declared_kind(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    if !text.contains("kind") {
        return None;
    }
    let root = toml::de::DeTable::parse(text).ok()?;
    let value = root.get_ref().get("kind")?;
    let kind = value.get_ref().as_str()?.to_owned();
    Some((kind, value.span()))
}

/// The include folder whose first differing directory is closest to the path's.
fn nearest_prefix<'p>(path: &str, prefixes: &'p [String]) -> Option<&'p str> {
    prefixes
        .iter()
        .filter(|p| !p.is_empty())
        .filter_map(|prefix| {
            let depth = prefix.matches('/').count();
            let candidate: String = path
                .split('/')
                .take(depth)
                .map(|part| format!("{part}/"))
                .collect();
            let distance = strsim::levenshtein(&candidate, prefix);
            (distance > 0 && distance <= prefix.len().div_ceil(3)).then_some((distance, prefix))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, prefix)| prefix.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_of_an_include_folder_are_named() {
        let prefixes = vec!["launches/".to_owned(), "plans/".to_owned()];
        assert_eq!(nearest_prefix("launch/a.toml", &prefixes), Some("launches/"));
        assert_eq!(nearest_prefix("plan/x/a.toml", &prefixes), Some("plans/"));
        assert_eq!(nearest_prefix("docs/a.toml", &prefixes), None);
    }

    #[test]
    fn the_kind_is_read_with_its_span() {
        let (kind, span) = declared_kind("id = \"x\"\nkind = \"policy\"\n").expect("kind");
        assert_eq!(kind, "policy");
        assert_eq!(span, 16..24);
        assert!(declared_kind("kind = [").is_none());
    }
}
