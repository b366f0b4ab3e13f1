//! Where every key and array item of a document was, kept in a few bytes per entry once the
//! document's tree is released: a finding can then point at the exact key without the file
//! being parsed a second time (in a large run, about one document in ten has a finding).

use std::borrow::Cow;
use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::document::{Located, Seg};

/// `Entry::name_len` of an array item, which has no key.
const ITEM: u16 = u16::MAX;
/// In `Entry::name_len`: the name is the key's text without its quotes.
const QUOTED: u16 = 1 << 15;
/// In `Entry::name_len`: the name differs from the key's text (escapes); see `KeySpans::names`.
const ESCAPED: u16 = 1 << 14;
const FLAGS: u16 = QUOTED | ESCAPED;

/// One key or array item, in document order (a depth-first walk of the tree); 16 bytes, as
/// every document of a run keeps one per key.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key_start: u32,
    value_start: u32,
    value_len: u32,
    /// The key's length with the `QUOTED`/`ESCAPED` flags, or `ITEM`.
    name_len: u16,
    /// How many entries this entry's descendants take: the next sibling, if any, follows them.
    descendants: u16,
}

impl Entry {
    fn is_item(&self) -> bool {
        self.name_len == ITEM
    }

    fn key_span(&self) -> Range<usize> {
        let start = self.key_start as usize;
        start..start + usize::from(self.name_len & !FLAGS)
    }

    fn value_span(&self) -> Range<usize> {
        let start = self.value_start as usize;
        start..start + self.value_len as usize
    }
}

/// The key and value spans of a document's tree, without its values.
#[derive(Debug)]
pub(crate) struct KeySpans {
    /// Entry 0 stands for the root table.
    entries: Box<[Entry]>,
    /// The names of the few keys whose text is not their name (a quoted key with escapes),
    /// by entry index.
    names: Box<[(u32, Box<str>)]>,
}

impl KeySpans {
    /// The spans of `root`, parsed from `text`; `None` for a document too large for the
    /// compact form (over 4 GiB, 65,535 keys, or a key of 16 KiB): the tree is then parsed
    /// again when asked.
    pub(crate) fn new(text: &str, root: &DeTable<'_>) -> Option<KeySpans> {
        u32::try_from(text.len()).ok()?;
        thread_local! {
            // Reused, so that what each document keeps is allocated once, at its exact size.
            static SCRATCH: std::cell::Cell<Vec<Entry>> = const { std::cell::Cell::new(Vec::new()) };
        }
        let mut entries = SCRATCH.take();
        entries.clear();
        let mut builder = Builder {
            text,
            entries,
            names: Vec::new(),
            too_large: false,
        };
        builder.push(None, 0..0);
        builder.table(root);
        builder.close(0);
        let spans = (!builder.too_large).then(|| KeySpans {
            entries: builder.entries.as_slice().into(),
            names: builder.names.into_boxed_slice(),
        });
        SCRATCH.set(builder.entries);
        spans
    }

    /// Finds a key path, as [`crate::document::Document::locate`] does in the tree.
    pub(crate) fn locate(&self, text: &str, path: &[Seg<'_>]) -> Option<Located> {
        let mut node = 0;
        let mut located = None;
        for seg in path {
            let found = self.child(text, node, seg)?;
            let entry = &self.entries[found];
            located = Some(Located {
                key: (!entry.is_item()).then(|| entry.key_span()),
                value: entry.value_span(),
            });
            node = found;
        }
        located
    }

    /// The child of entry `node` that `seg` names: a key of a table, an item of an array.
    fn child(&self, text: &str, node: usize, seg: &Seg<'_>) -> Option<usize> {
        let end = node + 1 + usize::from(self.entries.get(node)?.descendants);
        let mut child = node + 1;
        let mut items = 0;
        while child < end {
            let entry = &self.entries[child];
            match seg {
                Seg::Key(key) if !entry.is_item() && self.name(text, child) == Some(*key) => {
                    return Some(child)
                }
                Seg::Index(index) if entry.is_item() => {
                    if items == *index {
                        return Some(child);
                    }
                    items += 1;
                }
                _ => {}
            }
            child += 1 + usize::from(entry.descendants);
        }
        None
    }

    fn name<'t>(&'t self, text: &'t str, at: usize) -> Option<&'t str> {
        let entry = &self.entries[at];
        let span = entry.key_span();
        if entry.name_len & ESCAPED != 0 {
            let at = offset(at);
            self.names
                .iter()
                .find(|(index, _)| *index == at)
                .map(|(_, name)| &**name)
        } else if entry.name_len & QUOTED != 0 {
            text.get(span.start + 1..span.end - 1)
        } else {
            text.get(span)
        }
    }
}

struct Builder<'t> {
    text: &'t str,
    entries: Vec<Entry>,
    names: Vec<(u32, Box<str>)>,
    too_large: bool,
}

impl Builder<'_> {
    fn table(&mut self, table: &DeTable<'_>) {
        for (key, value) in table {
            self.value(Some(key), value);
        }
    }

    fn value(&mut self, key: Option<&Spanned<Cow<'_, str>>>, value: &Spanned<DeValue<'_>>) {
        let at = self.push(key, value.span());
        match value.get_ref() {
            DeValue::Table(table) => self.table(table),
            DeValue::Array(items) => items.iter().for_each(|item| self.value(None, item)),
            _ => {}
        }
        self.close(at);
    }

    /// Adds the entry of a key (or an item, without one) and its value's span.
    fn push(&mut self, key: Option<&Spanned<Cow<'_, str>>>, value: Range<usize>) -> usize {
        let at = self.entries.len();
        let (key_start, name_len) = match key {
            Some(key) => self.key(at, key),
            None => (0, ITEM),
        };
        self.entries.push(Entry {
            key_start,
            value_start: offset(value.start),
            value_len: offset(value.len()),
            name_len,
            descendants: 0,
        });
        at
    }

    /// Records how many entries followed entry `at`: its descendants.
    fn close(&mut self, at: usize) {
        let descendants = u16::try_from(self.entries.len() - at - 1);
        self.too_large |= descendants.is_err();
        self.entries[at].descendants = descendants.unwrap_or(0);
    }

    /// The key's start and its length with the flag saying where its name is.
    fn key(&mut self, at: usize, key: &Spanned<Cow<'_, str>>) -> (u32, u16) {
        let span = key.span();
        let name: &str = key.get_ref();
        let raw = self.text.get(span.clone()).unwrap_or_default();
        let flag = if raw == name {
            0
        } else if raw.len() >= 2 && raw.get(1..raw.len() - 1) == Some(name) {
            QUOTED
        } else {
            self.names.push((offset(at), name.into()));
            ESCAPED
        };
        let len = u16::try_from(span.len()).unwrap_or(u16::MAX);
        self.too_large |= len & FLAGS != 0;
        (offset(span.start), len | flag)
    }
}

/// An offset into a text whose length fits in 32 bits.
fn offset(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    /// Every key path of a value, and a few that are not there.
    fn paths<'v>(value: &'v DeValue<'_>, prefix: Vec<Seg<'v>>, out: &mut Vec<Vec<Seg<'v>>>) {
        let extend = |seg: Seg<'v>| {
            let mut path = prefix.clone();
            path.push(seg);
            path
        };
        match value {
            DeValue::Table(table) => {
                out.push(extend(Seg::Key("absent")));
                out.push(extend(Seg::Index(0)));
                for (key, value) in table {
                    let path = extend(Seg::Key(key.get_ref()));
                    out.push(path.clone());
                    paths(value.get_ref(), path, out);
                }
            }
            DeValue::Array(items) => {
                out.push(extend(Seg::Index(items.len())));
                out.push(extend(Seg::Key("0")));
                for (i, item) in items.iter().enumerate() {
                    let path = extend(Seg::Index(i));
                    out.push(path.clone());
                    paths(item.get_ref(), path, out);
                }
            }
            _ => {
                out.push(extend(Seg::Key("below")));
                out.push(extend(Seg::Index(0)));
            }
        }
    }

    /// Asserts that the spans answer every path of `text` as the tree does; returns how many
    /// paths were compared.
    fn agree(text: &str) -> usize {
        let (root, errors) = DeTable::parse_recoverable(text);
        assert!(errors.is_empty(), "{errors:?}");
        let spans = KeySpans::new(text, root.get_ref()).expect("short text");
        let tree = Document::new(0, text, root.clone(), None);
        let mut all = vec![Vec::new()];
        let table = DeValue::Table(root.into_inner());
        paths(&table, Vec::new(), &mut all);
        for path in &all {
            let from_tree = tree.locate(path).map(|l| (l.key, l.value));
            let from_spans = spans.locate(text, path).map(|l| (l.key, l.value));
            assert_eq!(from_spans, from_tree, "path {path:?} of\n{text}");
        }
        all.len()
    }

    #[test]
    fn spans_answer_every_path_as_the_tree_does() {
        let text = r#"
id = "LR-1"
"quoted key" = 1
'literal.key' = 2
"esc\u0061ped" = 3
"tab\tkey" = 4
"" = 5
a.b.c = 6
a.d = [1, [2, 3], { e = 7, "f g" = [8] }]
"标题" = "x"
[rollback]
steps = ["x", "y"]
[rollback."nested.table"]
z = 2026-12-01T00:00:00Z
[[approvals]]
by = "c"
[[approvals]]
by = "d"
role.name = "release"
[[approvals.notes]]
text = "n"
"#;
        let compared = agree(text);
        assert!(compared > 60, "only {compared} paths compared");
    }

    #[test]
    fn spans_agree_on_every_fixture_document() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut compared = 0;
        for dir in ["fixtures", "tests"] {
            for entry in walkdir::WalkDir::new(root.join(dir)) {
                let entry = entry.expect("readable fixture tree");
                if entry.path().extension().is_some_and(|e| e == "toml") {
                    let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                    if DeTable::parse_recoverable(&text).1.is_empty() {
                        compared += agree(&text);
                    }
                }
            }
        }
        assert!(compared > 10_000, "only {compared} paths compared");
    }

    #[test]
    fn an_escaped_key_is_found_by_its_name_and_points_at_its_text() {
        let text = "\"esc\\u0061ped\" = 3\n";
        let (root, _) = DeTable::parse_recoverable(text);
        let spans = KeySpans::new(text, root.get_ref()).expect("short text");
        let found = spans.locate(text, &[Seg::Key("escaped")]).expect("found");
        assert_eq!(&text[found.key.expect("a key")], "\"esc\\u0061ped\"");
        assert_eq!(&text[found.value], "3");
        assert!(spans.locate(text, &[Seg::Key("esc\\u0061ped")]).is_none());
    }
}
