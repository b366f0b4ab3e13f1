//! What the editor features look up across the repository: the launch and plan ids (with
//! title, status and window) and the roster's people. Each file is scanned line by line,
//! which reads half-typed files as well as finished ones; an edit re-scans only the edited
//! document.

use std::collections::HashMap;
use std::ops::Range;

use crate::config::{Config, Matchers, Role};
use crate::tree::{ReadOutcome, Tree};

/// A launch request or response plan, as far as its top-level keys say.
#[derive(Debug, Clone, Default)]
pub struct DocumentSymbols {
    pub kind: Option<String>,
    pub id: Option<(String, Range<usize>)>,
    pub title: Option<String>,
    pub status: Option<String>,
    pub window_start: Option<String>,
    pub window_end: Option<String>,
    /// Roster entries: handle, the handle's span in its `[people.HANDLE]` header, and the
    /// entry's `key = value` lines.
    pub people: Vec<(String, Range<usize>, Vec<String>)>,
}

/// The symbols of every matched file.
#[derive(Default)]
pub struct Symbols {
    built: bool,
    matchers: Option<Matchers>,
    files: HashMap<String, DocumentSymbols>,
}

/// Where a symbol is defined, and the document that defines it.
pub struct Definition<'s> {
    pub path: &'s str,
    pub span: Range<usize>,
    pub doc: &'s DocumentSymbols,
}

impl Symbols {
    /// Scans every document and the roster of the tree.
    pub fn build(tree: &dyn Tree, config: &Config) -> Self {
        let mut symbols = Symbols {
            built: true,
            matchers: Matchers::new(config).ok(),
            files: HashMap::new(),
        };
        let paths = tree.paths().unwrap_or_default();
        let limit = config.files.max_file_bytes;
        for path in paths {
            if symbols.wanted(&path) {
                let text = read_text(tree, &path, limit);
                symbols.files.insert(path, scan(&text));
            }
        }
        symbols
    }

    pub fn is_built(&self) -> bool {
        self.built
    }

    fn wanted(&self, path: &str) -> bool {
        self.matchers.as_ref().is_some_and(|m| {
            matches!(
                m.role(path),
                Some(Role::Document | Role::Archive | Role::Roster)
            )
        })
    }

    /// Re-scans one file after an edit (`open` is the buffer's text) or a save or close (the
    /// disk text); nothing happens before the first build.
    pub fn refresh(&mut self, path: &str, open: Option<&str>, disk: &str) {
        if !self.built || !self.wanted(path) {
            return;
        }
        self.files
            .insert(path.to_owned(), scan(open.unwrap_or(disk)));
    }

    fn with_id<'s>(&'s self, kind: &str, id: &str) -> Option<Definition<'s>> {
        let mut found: Vec<(&String, &DocumentSymbols)> = self
            .files
            .iter()
            .filter(|(_, d)| {
                d.kind.as_deref() == Some(kind) && d.id.as_ref().is_some_and(|(i, _)| i == id)
            })
            .collect();
        // A duplicated id resolves to the first path, the same every time.
        found.sort_by(|a, b| a.0.cmp(b.0));
        let (path, doc) = found.into_iter().next()?;
        Some(Definition {
            path,
            span: doc.id.as_ref()?.1.clone(),
            doc,
        })
    }

    pub fn launch(&self, id: &str) -> Option<Definition<'_>> {
        self.with_id("launch-request", id)
    }

    pub fn plan(&self, id: &str) -> Option<Definition<'_>> {
        self.with_id("response-plan", id)
    }

    /// A person's roster entry: the roster path, the handle's span and the entry's lines.
    pub fn person(&self, handle: &str) -> Option<(&str, Range<usize>, &[String])> {
        let mut rosters: Vec<(&String, &DocumentSymbols)> = self
            .files
            .iter()
            .filter(|(_, d)| !d.people.is_empty())
            .collect();
        rosters.sort_by(|a, b| a.0.cmp(b.0));
        rosters.into_iter().find_map(|(path, doc)| {
            doc.people
                .iter()
                .find(|(h, _, _)| h == handle)
                .map(|(_, span, lines)| (path.as_str(), span.clone(), lines.as_slice()))
        })
    }

    /// Every id of a kind, sorted, with its title.
    pub fn ids(&self, kind: &str) -> Vec<(&str, &DocumentSymbols)> {
        let mut ids: Vec<(&str, &DocumentSymbols)> = self
            .files
            .values()
            .filter(|d| d.kind.as_deref() == Some(kind))
            .filter_map(|d| Some((d.id.as_ref()?.0.as_str(), d)))
            .collect();
        ids.sort_by(|a, b| a.0.cmp(b.0));
        ids.dedup_by(|a, b| a.0 == b.0);
        ids
    }

    /// Every person handle with its entry's lines, sorted.
    pub fn people(&self) -> Vec<(&str, &[String])> {
        let mut people: Vec<(&str, &[String])> = self
            .files
            .values()
            .flat_map(|d| d.people.iter())
            .map(|(h, _, lines)| (h.as_str(), lines.as_slice()))
            .collect();
        people.sort_by(|a, b| a.0.cmp(b.0));
        people.dedup_by(|a, b| a.0 == b.0);
        people
    }
}

/// A file's text through the tree, empty when it cannot be read as UTF-8.
pub fn read_text(tree: &dyn Tree, path: &str, limit: u64) -> String {
    match tree.read(path, limit) {
        ReadOutcome::Bytes(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        _ => String::new(),
    }
}

/// One `key = value` line: the key, and the value's text and span.
pub struct Assignment<'t> {
    pub key: &'t str,
    pub key_span: Range<usize>,
    pub value: &'t str,
    pub value_span: Range<usize>,
}

/// Reads a line as `key = value` (the key may be quoted or dotted); the value runs to the
/// end of the line, without a trailing comment.
pub fn assignment(line: &str, line_start: usize) -> Option<Assignment<'_>> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('#') {
        return None;
    }
    let indent = line.len() - trimmed.len();
    let equals = line.find('=')?;
    let key = line[indent..equals].trim_end();
    if key.is_empty() || key.contains(['"', '\'']) && !key.starts_with(['"', '\'']) {
        return None;
    }
    let after = &line[equals + 1..];
    let value_start = equals + 1 + (after.len() - after.trim_start().len());
    let value = line[value_start..].trim_end();
    let value = strip_comment(value);
    Some(Assignment {
        key: key.trim_matches(['"', '\'']),
        key_span: line_start + indent..line_start + indent + key.len(),
        value,
        value_span: line_start + value_start..line_start + value_start + value.len(),
    })
}

/// A value without a trailing `# comment` (a `#` inside a string stays).
fn strip_comment(value: &str) -> &str {
    let mut in_string = None;
    for (i, c) in value.char_indices() {
        match (c, in_string) {
            ('"' | '\'', None) => in_string = Some(c),
            (q, Some(open)) if q == open => in_string = None,
            ('#', None) => return value[..i].trim_end(),
            _ => {}
        }
    }
    value
}

/// A string value's content and span (without quotes); other values as written.
pub fn unquote(value: &str, span: Range<usize>) -> (&str, Range<usize>) {
    for quote in ['"', '\''] {
        if let Some(rest) = value.strip_prefix(quote) {
            let end = rest.find(quote).unwrap_or(rest.len());
            return (&rest[..end], span.start + 1..span.start + 1 + end);
        }
    }
    (value, span)
}

/// A table header's key path (`[window]` → `window`, `[[approvals]]` → `approvals`,
/// `[people.alice]` → `people.alice`), with the span of its text.
pub fn header(line: &str, line_start: usize) -> Option<(&str, Range<usize>)> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let open = if trimmed.starts_with("[[") { 2 } else { 1 };
    if !trimmed.starts_with('[') {
        return None;
    }
    let inner = &trimmed[open..];
    let end = inner.find(']').unwrap_or(inner.len());
    let name = inner[..end].trim();
    let offset = indent + open + (inner[..end].len() - inner[..end].trim_start().len());
    Some((name, line_start + offset..line_start + offset + name.len()))
}

/// Lines with their byte offsets.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    text.split_inclusive('\n').map(move |line| {
        let at = start;
        start += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}

/// Scans a document's top-level keys, its `[window]` and any `[people.HANDLE]` tables.
pub fn scan(text: &str) -> DocumentSymbols {
    let mut doc = DocumentSymbols::default();
    let mut table = String::new();
    for (start, line) in lines(text) {
        if let Some((name, span)) = header(line, start) {
            table = name.to_owned();
            if let Some(handle) = name.strip_prefix("people.") {
                let handle = handle.trim_matches(['"', '\'']);
                let offset = span.end - handle.len() - usize::from(name.ends_with(['"', '\'']));
                doc.people
                    .push((handle.to_owned(), offset..offset + handle.len(), Vec::new()));
            }
            continue;
        }
        let Some(a) = assignment(line, start) else {
            continue;
        };
        let (value, span) = unquote(a.value, a.value_span.clone());
        match (table.as_str(), a.key) {
            ("", "kind") => doc.kind = Some(value.to_owned()),
            ("", "id") => doc.id = Some((value.to_owned(), span)),
            ("", "title") => doc.title = Some(value.to_owned()),
            ("", "status") => doc.status = Some(value.to_owned()),
            ("window", "start") => doc.window_start = Some(value.to_owned()),
            ("window", "end") => doc.window_end = Some(value.to_owned()),
            (t, _) if t.starts_with("people.") => {
                if let Some(person) = doc.people.last_mut() {
                    person.2.push(format!("{} = {}", a.key, a.value));
                }
            }
            _ => {}
        }
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_ids_windows_and_people() {
        let text = "kind = \"launch-request\" # a comment\nid = \"LR-1\"\ntitle = 'T # 1'\n\
                    [window]\nstart = 2026-01-01T00:00:00Z\n[people.alice]\nname = \"Alice\"\n";
        let doc = scan(text);
        assert_eq!(doc.kind.as_deref(), Some("launch-request"));
        let (id, span) = doc.id.clone().unwrap();
        assert_eq!(id, "LR-1");
        assert_eq!(&text[span], "LR-1");
        assert_eq!(doc.title.as_deref(), Some("T # 1"));
        assert_eq!(doc.window_start.as_deref(), Some("2026-01-01T00:00:00Z"));
        let (handle, span, lines) = &doc.people[0];
        assert_eq!(handle, "alice");
        assert_eq!(&text[span.clone()], "alice");
        assert_eq!(lines, &["name = \"Alice\""]);
    }

    #[test]
    fn half_typed_lines_do_not_confuse_the_scan() {
        let doc = scan("kind = \"response-plan\nid =\n[window\n= 3\n\"\n");
        assert_eq!(doc.kind.as_deref(), Some("response-plan"));
        assert_eq!(doc.id.map(|i| i.0).as_deref(), Some(""));
    }
}
