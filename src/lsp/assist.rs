//! The editor features beyond diagnostics: hover, completion, go to definition, and the
//! quick fixes the findings' own help suggests. Each reads the cursor's context from the
//! buffer's lines (the table it is in, the key it is on, the word under it), so that a
//! half-typed file still gets answers, and looks things up in the schemas and the symbols.

use std::ops::Range;
use std::sync::OnceLock;

use lsp_types as lsp;
use serde_json::Value;

use super::position::LineIndex;
use super::symbols::{self, Symbols};
use crate::diagnostic::Finding;
use crate::document::Kind;

/// What is under the cursor.
struct Cursor<'t> {
    /// The key path of the table the line is in (`approvals`, `window`, empty at the top).
    table: Vec<&'t str>,
    /// The key whose value the cursor is in, when it is right of a `=` (or inside an array
    /// that a `key = [` line opened).
    value_of: Option<&'t str>,
    /// The word under the cursor (letters, digits, `-`, `_`) and its span.
    word: &'t str,
    word_span: Range<usize>,
    /// Whether the word sits in a string's quotes.
    quoted: bool,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_')
}

fn cursor(text: &str, offset: usize) -> Cursor<'_> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .find(|(_, c)| !is_word(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_word(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let quoted = text[..start].ends_with(['"', '\'']);
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];

    let mut value_of = None;
    if let Some(a) = symbols::assignment(line, line_start) {
        if offset > a.key_span.end && offset > line_start + line.find('=').unwrap_or(0) {
            value_of = Some(a.key);
        }
    }
    // Walk up: the enclosing table header, and an array opened on an earlier line.
    let mut table = Vec::new();
    let mut open_array: Option<&str> = None;
    let mut array_closed = false;
    for (at, earlier) in symbols::lines(&text[..line_start])
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
    {
        if let Some((name, _)) = symbols::header(earlier, at) {
            table = name
                .split('.')
                .map(|s| s.trim().trim_matches(['"', '\'']))
                .collect();
            break;
        }
        if open_array.is_none() && !array_closed && value_of.is_none() {
            if earlier.contains(']') {
                array_closed = true;
            }
            if let Some(a) = symbols::assignment(earlier, at) {
                if a.value.starts_with('[') && !a.value.contains(']') {
                    open_array = Some(a.key);
                } else {
                    array_closed = true;
                }
            }
        }
    }
    if value_of.is_none() && !line.contains('=') {
        value_of = open_array;
    }
    Cursor {
        table,
        value_of,
        word: &text[start..end],
        word_span: start..end,
        quoted,
    }
}

/// The kind of the document at `path` with this text.
fn kind_of(_symbols: &Symbols, path: &str, text: &str) -> Option<Kind> {
    let declared = symbols::scan(text).kind;
    if let Some(kind) = declared.as_deref().and_then(Kind::from_name) {
        return Some(kind);
    }
    if path.ends_with(crate::config::FILE_NAME) {
        return Some(Kind::Config);
    }
    None
}

fn schema(kind: Kind) -> &'static Value {
    static PARSED: [OnceLock<Value>; 5] = [
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
        OnceLock::new(),
    ];
    let slot = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
    PARSED[slot]
        .get_or_init(|| serde_json::from_str(crate::schema::text(kind)).unwrap_or(Value::Null))
}

/// A schema node with its `$ref` followed; whether a person handle was referred to.
fn resolve<'s>(root: &'s Value, mut node: &'s Value, person: &mut bool) -> &'s Value {
    for _ in 0..8 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        if reference == "#/$defs/person" {
            *person = true;
        }
        match reference
            .strip_prefix("#/")
            .and_then(|p| root.pointer(&format!("/{p}")))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// The schema node at a key path; arrays of tables step into their items.
fn node_at<'s>(root: &'s Value, path: &[&str], person: &mut bool) -> Option<&'s Value> {
    let mut node = resolve(root, root, person);
    for key in path {
        if let Some(items) = node.get("items") {
            node = resolve(root, items, person);
        }
        *person = false;
        let next = node
            .get("properties")
            .and_then(|p| p.get(*key))
            .or_else(|| {
                node.get("patternProperties")
                    .and_then(Value::as_object)
                    .and_then(|p| p.values().next())
            })
            .or_else(|| node.get("additionalProperties").filter(|a| a.is_object()))?;
        node = resolve(root, next, person);
    }
    Some(node)
}

/// The values a node allows (its own enum or its items').
fn allowed_values(root: &Value, node: &Value) -> Vec<String> {
    let mut ignored = false;
    let node = match node.get("items") {
        Some(items) => resolve(root, items, &mut ignored),
        None => node,
    };
    node.get("enum")
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn launch_summary(doc: &symbols::DocumentSymbols, id: &str, path: &str) -> String {
    let mut out = format!("**{id}**");
    if let Some(title) = &doc.title {
        out.push_str(&format!(" — {title}"));
    }
    out.push_str("\n\n");
    if let Some(kind) = &doc.kind {
        out.push_str(&format!("- kind: `{kind}`\n"));
    }
    if let Some(status) = &doc.status {
        out.push_str(&format!("- status: `{status}`\n"));
    }
    if doc.window_start.is_some() || doc.window_end.is_some() {
        out.push_str(&format!(
            "- window: {} → {}\n",
            doc.window_start.as_deref().unwrap_or("?"),
            doc.window_end.as_deref().unwrap_or("?")
        ));
    }
    out.push_str(&format!("- file: `{path}`\n"));
    out
}

/// Hover text for the word under the cursor: a rule code, a launch or plan id, a person
/// handle, or a key the schema describes.
pub fn hover(
    symbols: &Symbols,
    path: &str,
    text: &str,
    offset: usize,
) -> Option<(Range<usize>, String)> {
    let c = cursor(text, offset);
    if c.word.is_empty() {
        return None;
    }
    let span = c.word_span.clone();
    let looks_like_code = c.word.len() == 5
        && c.word.starts_with("LC")
        && c.word[2..].bytes().all(|b| b.is_ascii_digit());
    if looks_like_code || c.value_of == Some("rule") {
        if let Some(rule) = crate::rules::find(c.word) {
            let text = format!(
                "**{} `{}`** ({})\n\n{}\n\n[Rule page]({})",
                rule.code,
                rule.name,
                rule.default_level.as_str(),
                rule.doc(),
                crate::docs::page_url(rule)
            );
            return Some((span, text));
        }
    }
    if c.value_of.is_some() {
        if let Some(found) = symbols.launch(c.word).or_else(|| symbols.plan(c.word)) {
            return Some((span, launch_summary(found.doc, c.word, found.path)));
        }
        if let Some((roster, _, lines)) = symbols.person(c.word) {
            let mut out = format!("**{}** (roster `{roster}`)\n\n", c.word);
            for line in lines {
                out.push_str(&format!("- `{line}`\n"));
            }
            return Some((span, out));
        }
        return None;
    }
    let kind = kind_of(symbols, path, text)?;
    let root = schema(kind);
    let mut key_path = c.table.clone();
    key_path.push(c.word);
    let node = node_at(root, &key_path, &mut false)?;
    let description = node.get("description").and_then(Value::as_str)?;
    let mut out = format!("**`{}`**\n\n{description}", key_path.join("."));
    let values = allowed_values(root, node);
    if !values.is_empty() {
        out.push_str("\n\nAllowed values: ");
        out.push_str(
            &values
                .iter()
                .map(|v| format!("`\"{v}\"`"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    Some((span, out))
}

fn item(
    label: &str,
    kind: lsp::CompletionItemKind,
    detail: Option<String>,
    replace: lsp::Range,
    new_text: String,
) -> lsp::CompletionItem {
    lsp::CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        filter_text: Some(label.to_owned()),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
            replace, new_text,
        ))),
        ..Default::default()
    }
}

/// Completions at the cursor: in a value, the ids, handles or enum values the key takes; on
/// a key, the keys the schema allows in this table.
pub fn completion(
    symbols: &Symbols,
    path: &str,
    text: &str,
    offset: usize,
) -> Vec<lsp::CompletionItem> {
    let c = cursor(text, offset);
    let replace = LineIndex::new(text).range(&c.word_span);
    let value = |v: &str| {
        if c.quoted {
            v.to_owned()
        } else {
            format!("\"{v}\"")
        }
    };
    let Some(kind) = kind_of(symbols, path, text) else {
        return Vec::new();
    };
    let root = schema(kind);
    if let Some(key) = c.value_of {
        let ids = match key {
            "response_plan" => Some("response-plan"),
            "depends_on" => Some("launch-request"),
            _ => None,
        };
        if let Some(kind) = ids {
            return symbols
                .ids(kind)
                .into_iter()
                .map(|(id, doc)| {
                    item(
                        id,
                        lsp::CompletionItemKind::REFERENCE,
                        doc.title.clone(),
                        replace,
                        value(id),
                    )
                })
                .collect();
        }
        let mut key_path = c.table.clone();
        key_path.push(key);
        let mut person = false;
        let Some(node) = node_at(root, &key_path, &mut person) else {
            return Vec::new();
        };
        if !person {
            if let Some(items) = node.get("items") {
                resolve(root, items, &mut person);
            }
        }
        if person {
            return symbols
                .people()
                .into_iter()
                .map(|(handle, lines)| {
                    let name = lines
                        .iter()
                        .find_map(|l| l.strip_prefix("name = "))
                        .map(|n| n.trim_matches('"').to_owned());
                    item(
                        handle,
                        lsp::CompletionItemKind::VALUE,
                        name,
                        replace,
                        value(handle),
                    )
                })
                .collect();
        }
        return allowed_values(root, node)
            .iter()
            .map(|v| {
                item(
                    v,
                    lsp::CompletionItemKind::ENUM_MEMBER,
                    None,
                    replace,
                    value(v),
                )
            })
            .collect();
    }
    let Some(node) = node_at(root, &c.table, &mut false) else {
        return Vec::new();
    };
    let mut ignored = false;
    let node = match node.get("items") {
        Some(items) => resolve(root, items, &mut ignored),
        None => node,
    };
    let Some(properties) = node.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(key, schema_node)| {
            let detail = resolve(root, schema_node, &mut false)
                .get("description")
                .or_else(|| schema_node.get("description"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            item(
                key,
                lsp::CompletionItemKind::PROPERTY,
                detail,
                replace,
                key.clone(),
            )
        })
        .collect()
}

/// Where the id or handle under the cursor is defined: its file and span.
pub fn definition(
    symbols: &Symbols,
    _path: &str,
    text: &str,
    offset: usize,
) -> Option<(String, Range<usize>)> {
    let c = cursor(text, offset);
    c.value_of?;
    if c.word.is_empty() {
        return None;
    }
    if let Some(found) = symbols.launch(c.word).or_else(|| symbols.plan(c.word)) {
        return Some((found.path.to_owned(), found.span));
    }
    let (roster, span, _) = symbols.person(c.word)?;
    Some((roster.to_owned(), span))
}

/// The text between the first pair of backticks after `marker` in `help`.
fn quoted_after<'h>(help: &'h str, marker: &str) -> Option<&'h str> {
    let rest = &help[help.find(marker)? + marker.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(&rest[start..end])
}

/// The quick fixes a finding's help suggests, as edits of the checked text.
pub(super) fn fixes(
    finding: &Finding,
    text: &str,
    index: &LineIndex<'_>,
    diagnostic: &lsp::Diagnostic,
) -> Vec<super::Fix> {
    let Some(help) = finding.help.as_deref() else {
        return Vec::new();
    };
    let span = finding.span.clone();
    let Some(written) = text.get(span.clone()) else {
        return Vec::new();
    };
    let fix = |title: String, range: Range<usize>, new_text: String| super::Fix {
        range: diagnostic.range,
        title,
        edit: lsp::TextEdit::new(index.range(&range), new_text),
        diagnostic: diagnostic.clone(),
    };
    let mut out = Vec::new();
    if finding.message.starts_with("unknown key") || finding.message.contains("not a valid value") {
        if let Some(better) = quoted_after(help, "did you mean") {
            out.push(fix(
                format!("Change to `{better}`"),
                span.clone(),
                better.to_owned(),
            ));
        }
    }
    if let Some(example) = quoted_after(help, "e.g.") {
        let is_offset_fix =
            finding.message.contains("has no UTC offset") || finding.message.contains("is a date;");
        if is_offset_fix {
            let replacement = if written.starts_with(['"', '\'']) {
                format!("\"{example}\"")
            } else {
                example.to_owned()
            };
            out.push(fix(
                format!("Add the UTC offset: `{example}`"),
                span.clone(),
                replacement,
            ));
        }
    }
    let needs_quotes = finding.message.contains("needs quotes");
    if let Some(quoted) = quoted_after(help, "write").filter(|_| needs_quotes) {
        out.push(fix(
            format!("Quote as `{quoted}`"),
            span.clone(),
            quoted.to_owned(),
        ));
    }
    if let Some(name) = finding.message.strip_prefix("missing required key `") {
        let name = name.split('`').next().unwrap_or_default();
        if !name.is_empty() {
            let (at, line) = insertion_point(text, &finding.key, &span);
            let placeholder = placeholder(text, &finding.key, name);
            out.push(fix(
                format!("Add `{name}` with a placeholder"),
                at..at,
                format!("{name} = {placeholder}{line}"),
            ));
        }
    }
    out
}

/// Where a missing key goes: at the top level, before the first table header (or at the
/// end); in a table, on the line after its header. Returns the offset and the line break
/// to end the inserted line with.
fn insertion_point(text: &str, table_key: &str, span: &Range<usize>) -> (usize, &'static str) {
    if table_key.is_empty() {
        for (at, line) in symbols::lines(text) {
            if symbols::header(line, at).is_some() {
                return (at, "\n");
            }
        }
        let at = text.len();
        return if text.is_empty() || text.ends_with('\n') {
            (at, "\n")
        } else {
            (at, "")
        };
    }
    match text.get(span.start..).and_then(|rest| rest.find('\n')) {
        Some(i) => (span.start + i + 1, "\n"),
        None => (text.len(), ""),
    }
}

/// A placeholder value of the type the schema gives the key.
fn placeholder(text: &str, table_key: &str, name: &str) -> &'static str {
    let kind = symbols::scan(text)
        .kind
        .as_deref()
        .and_then(Kind::from_name);
    let Some(kind) = kind else { return "\"\"" };
    let root = schema(kind);
    let mut path: Vec<&str> = table_key
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    path.push(name);
    let node = node_at(root, &path, &mut false);
    match node.and_then(|n| n.get("type")).and_then(Value::as_str) {
        Some("integer" | "number") => "0",
        Some("boolean") => "false",
        Some("array") => "[]",
        Some("object") => "{}",
        _ => "\"\"",
    }
}
