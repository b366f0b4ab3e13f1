//! What the editor features look up across the repository: the launch and plan ids (with
//! title, status and window) and the roster's people. Each file is scanned line by line,
//! which reads half-typed files as well as finished ones; an edit re-scans only the edited
//! document. The links between launches (services, `depends_on`) come from a real TOML
//! parse, since they decide which documents a re-check must read.

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
    /// Whether the file is a launch request or plan by its path (not the roster).
    pub is_document: bool,
    /// The parsed document's `kind`, `id`, `services` and `depends_on`; `None` when the
    /// TOML does not parse to a launch request.
    pub links: Option<Links>,
}

/// What ties a launch request to others: a rule judging one launch reads the launches that
/// share its id (duplicates), a service (collisions) or a dependency chain (order, cycles).
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub id: String,
    pub services: Vec<String>,
    pub depends_on: Vec<String>,
}

/// The links of a launch request; `None` for anything else, or TOML too broken to say.
fn links(text: &str) -> Option<Links> {
    use toml::de::{DeTable, DeValue};
    let (root, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return None;
    }
    let table = root.get_ref();
    let string = |key: &str| match table.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let strings = |key: &str| -> Option<Vec<String>> {
        match table.get(key).map(|v| v.get_ref()) {
            None => Some(Vec::new()),
            Some(DeValue::Array(items)) => items
                .iter()
                .map(|v| match v.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
            Some(_) => None,
        }
    };
    if string("kind")?.as_str() != "launch-request" {
        return None;
    }
    Some(Links {
        id: string("id")?,
        services: strings("services")?,
        depends_on: strings("depends_on")?,
    })
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
            if let Some(role) = symbols.role(&path) {
                let text = read_text(tree, &path, limit);
                symbols.files.insert(path, scan_as(&text, role));
            }
        }
        symbols
    }

    pub fn is_built(&self) -> bool {
        self.built
    }

    fn role(&self, path: &str) -> Option<Role> {
        self.matchers
            .as_ref()
            .and_then(|m| m.role(path))
            .filter(|r| matches!(r, Role::Document | Role::Archive | Role::Roster))
    }

    /// The launch requests a check of the `open` documents need not read: those linked to
    /// none of them by id, service or a dependency chain (in either direction). Every plan,
    /// every document whose links are unknown (broken TOML, another kind) and every other
    /// file stay, so the pipeline's own choice of related documents still sees all it needs.
    pub fn unrelated(&self, open: &[String]) -> std::collections::HashSet<String> {
        use std::collections::HashSet;
        let launches: Vec<(&String, &Links)> = self
            .files
            .iter()
            .filter(|(_, d)| d.is_document)
            .filter_map(|(p, d)| Some((p, d.links.as_ref()?)))
            .collect();
        let mut services: HashSet<&str> = HashSet::new();
        let mut ids: HashSet<&str> = HashSet::new();
        for path in open {
            let Some(doc) = self.files.get(path) else {
                continue;
            };
            // A plan relates to no launch by itself: every plan is read anyway.
            let is_plan = doc.kind.as_deref() == Some("response-plan");
            match (doc.is_document && !is_plan, doc.links.as_ref()) {
                (true, Some(links)) => {
                    services.extend(links.services.iter().map(String::as_str));
                    ids.insert(&links.id);
                    ids.extend(links.depends_on.iter().map(String::as_str));
                }
                // An open document whose links are unknown could relate to anything.
                (true, None) => return HashSet::new(),
                _ => {}
            }
        }
        let mut keep: HashSet<&str> = HashSet::new();
        for (path, links) in &launches {
            if links.services.iter().any(|s| services.contains(s.as_str())) {
                keep.insert(path);
            }
        }
        // Dependency chains, followed until nothing new turns up.
        loop {
            let mut grew = false;
            for (path, links) in &launches {
                let linked = ids.contains(links.id.as_str())
                    || links.depends_on.iter().any(|d| ids.contains(d.as_str()));
                if linked {
                    keep.insert(path);
                    grew |= ids.insert(&links.id);
                    for d in &links.depends_on {
                        grew |= ids.insert(d);
                    }
                }
            }
            if !grew {
                break;
            }
        }
        launches
            .iter()
            .filter(|(p, _)| !keep.contains(p.as_str()) && !open.contains(p))
            .map(|(p, _)| (*p).clone())
            .collect()
    }

    /// Re-scans one file after an edit (`open` is the buffer's text) or a save or close (the
    /// disk text); nothing happens before the first build.
    pub fn refresh(&mut self, path: &str, open: Option<&str>, disk: &str) {
        if !self.built {
            return;
        }
        let Some(role) = self.role(path) else { return };
        self.files
            .insert(path.to_owned(), scan_as(open.unwrap_or(disk), role));
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

/// Scans a file of a known role; documents also get their links.
fn scan_as(text: &str, role: Role) -> DocumentSymbols {
    let mut symbols = scan(text);
    if matches!(role, Role::Document | Role::Archive) {
        symbols.is_document = true;
        symbols.links = links(text);
    }
    symbols
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
    fn links_come_from_launch_requests_only() {
        let launch = "kind = \"launch-request\"\nid = \"LR-1\"\nservices = [\n  \"a\",\n]\n\
                      depends_on = [\"LR-0\"]\n";
        let found = links(launch).expect("links");
        assert_eq!(found.id, "LR-1");
        assert_eq!(found.services, ["a"]);
        assert_eq!(found.depends_on, ["LR-0"]);
        assert!(links("kind = \"response-plan\"\nid = \"RP\"\n").is_none());
        assert!(links("kind = \"launch-request\"\nid = \"LR-1\"\nservices = [").is_none());
    }

    fn launch(id: &str, services: &[&str], depends_on: &[&str]) -> DocumentSymbols {
        DocumentSymbols {
            is_document: true,
            links: Some(Links {
                id: id.into(),
                services: services.iter().map(|s| s.to_string()).collect(),
                depends_on: depends_on.iter().map(|s| s.to_string()).collect(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn unrelated_launches_are_those_linked_by_nothing() {
        let mut symbols = Symbols::default();
        for (path, doc) in [
            ("open", launch("A", &["s"], &["B"])),
            ("dependency", launch("B", &["t"], &["C"])),
            ("dependency-of-dependency", launch("C", &["u"], &[])),
            ("dependent", launch("D", &["v"], &["A"])),
            ("same-service", launch("E", &["s"], &[])),
            ("same-id", launch("A", &["w"], &[])),
            ("stranger", launch("F", &["x"], &["G"])),
        ] {
            symbols.files.insert(path.into(), doc);
        }
        symbols.files.insert(
            "broken".into(),
            DocumentSymbols {
                is_document: true,
                ..Default::default()
            },
        );
        let unrelated = symbols.unrelated(&["open".to_owned()]);
        assert_eq!(unrelated, ["stranger".to_owned()].into_iter().collect());
        // An open document whose links are unknown hides nothing.
        assert!(symbols.unrelated(&["broken".to_owned()]).is_empty());
    }

    #[test]
    fn half_typed_lines_do_not_confuse_the_scan() {
        let doc = scan("kind = \"response-plan\nid =\n[window\n= 3\n\"\n");
        assert_eq!(doc.kind.as_deref(), Some("response-plan"));
        assert_eq!(doc.id.map(|i| i.0).as_deref(), Some(""));
    }
}
