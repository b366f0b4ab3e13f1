//! What the history rules (LC4xx) compare: the base copies of changed documents, and the
//! changed policy, roster and configuration files, paired with what the run checked.

use std::collections::HashMap;

use crate::config::{Matchers, Role};
use crate::document::Document;
use crate::git::{Change, DocChange, History, SettingsChange};
use crate::load::Parsed;
use crate::source::{FileId, Files, SourceFile};
use crate::tree::{ReadOutcome, Tree};

use super::change::PullInput;

/// The extra files pull-request mode loads: base copies of changed documents and the
/// changed policy, roster and configuration files.
pub(super) struct HistoryFiles {
    /// Each changed document with the file id of its base copy, when it had one.
    pub(super) documents: Vec<(Change, Option<FileId>)>,
    settings: Vec<SettingsChange>,
}

fn read_text(tree: &dyn Tree, path: &str, limit: u64) -> Option<String> {
    match tree.read(path, limit) {
        ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).ok(),
        _ => None,
    }
}

/// Adds the files the LC4xx rules need to `files`: they must be in the store before any
/// document borrows it.
pub(super) fn add_history_files(
    input: &PullInput<'_>,
    files: &mut Files,
    run_matchers: &Matchers,
    limit: u64,
) -> HistoryFiles {
    let checked = files.len();
    let is_document = |path: &str| run_matchers.role(path).is_some_and(|r| r.is_document());
    let setting = |path: &str| -> Option<&'static str> {
        if input.config_path.as_deref() == Some(path) {
            return Some("configuration");
        }
        if std::iter::once(run_matchers)
            .chain(&input.matchers)
            .any(|m| m.is_rego_rules(path))
        {
            return Some("policy");
        }
        std::iter::once(run_matchers)
            .chain(&input.matchers)
            .find_map(|m| match m.role(path) {
                Some(Role::Policy) => Some("policy"),
                Some(Role::Roster) => Some("roster"),
                _ => None,
            })
    };
    let mut documents = Vec::new();
    let mut settings = Vec::new();
    for change in &input.pull.changes {
        let old = change.old.as_deref();
        let new = change.new.as_deref();
        if old.is_some_and(is_document) || new.is_some_and(is_document) {
            let base = old
                .filter(|p| is_document(p))
                .and_then(|p| read_text(&input.pull.merge_base, p, limit).map(|text| (p, text)))
                .map(|(p, text)| files.add(SourceFile::new(p, text)));
            documents.push((change.clone(), base));
        }
        let Some(what) = old.and_then(setting).or_else(|| new.and_then(setting)) else {
            continue;
        };
        let old_text = old.and_then(|p| read_text(&input.pull.merge_base, p, limit));
        let new_text = new.and_then(|p| read_text(input.head, p, limit));
        let (path, text, line) = match (new, new_text, old, old_text) {
            (Some(path), Some(text), _, old_text) => {
                let line = first_changed_line(old_text.as_deref(), &text);
                (path, text, line)
            }
            (_, _, Some(path), Some(text)) => (path, text, 1),
            _ => continue,
        };
        let existing = (0..checked).find(|&id| {
            let file = files.get(id);
            file.path == path && file.text == text.strip_prefix('\u{feff}').unwrap_or(&text)
        });
        let file = existing.unwrap_or_else(|| files.add(SourceFile::new(path, text)));
        let span = files.get(file).line_span(line);
        settings.push(SettingsChange {
            kind: change.kind,
            what,
            path: path.to_owned(),
            file,
            span,
        });
    }
    HistoryFiles {
        documents,
        settings,
    }
}

/// The line (1-based) to point at for an edit: the first line where `new` differs from
/// `old`, moved on to the next non-blank line (the first line when there was no old text;
/// the last line when `new` only lost lines at its end).
fn first_changed_line(old: Option<&str>, new: &str) -> usize {
    let Some(old) = old else { return 1 };
    let new_lines: Vec<&str> = new.lines().collect();
    let mut old_lines = old.lines();
    let Some(first) = new_lines
        .iter()
        .position(|line| old_lines.next() != Some(*line))
    else {
        return new_lines.len().max(1);
    };
    let shown = (first..new_lines.len())
        .find(|&i| !new_lines[i].trim().is_empty())
        .unwrap_or(first);
    shown + 1
}

/// Pairs each changed document's base copy with the document the run checked.
pub(super) fn pair_history<'a>(
    pull: &PullInput<'_>,
    loaded: HistoryFiles,
    parsed: &'a [Parsed<'a>],
    base_parsed: &'a [Parsed<'a>],
    files: &'a Files,
    roles: &[Role],
    matchers: &Matchers,
) -> History<'a> {
    let archived = |path: &Option<String>| {
        path.as_deref()
            .is_some_and(|p| matches!(matchers.role(p), Some(Role::Archive)))
    };
    let head: HashMap<&str, &'a Document<'a>> = parsed
        .iter()
        .filter(|p| roles[p.file].is_document())
        .filter_map(|p| {
            p.doc
                .as_ref()
                .map(|doc| (files.get(p.file).path.as_str(), doc))
        })
        .collect();
    let base: HashMap<FileId, &'a Document<'a>> = base_parsed
        .iter()
        .filter_map(|p| p.doc.as_ref().map(|doc| (p.file, doc)))
        .collect();
    let documents = loaded
        .documents
        .into_iter()
        .map(|(change, base_file)| DocChange {
            old_archived: archived(&change.old),
            kind: change.kind,
            base: base_file.and_then(|id| base.get(&id).copied()),
            head: change
                .new
                .as_deref()
                .and_then(|path| head.get(path).copied()),
            old_path: change.old,
            new_path: change.new,
        })
        .collect();
    History {
        documents,
        settings: loaded.settings,
        base: pull.pull.label(),
        merge_base: pull.pull.merge_base_id.clone(),
        policy_from_head: pull.policy_from_head,
    }
}

#[cfg(test)]
mod tests {
    use super::first_changed_line;

    #[test]
    fn edits_point_at_their_first_non_blank_changed_line() {
        assert_eq!(first_changed_line(None, "a\nb\n"), 1);
        assert_eq!(first_changed_line(Some("a\nb\n"), "a\nc\n"), 2);
        assert_eq!(first_changed_line(Some("a\n"), "a\n\n[x]\ny\n"), 3);
        assert_eq!(first_changed_line(Some("a\nb\nc\n"), "a\nb\n"), 2);
        assert_eq!(first_changed_line(Some("a\r\nb\r\n"), "a\nb\n"), 2);
    }
}
