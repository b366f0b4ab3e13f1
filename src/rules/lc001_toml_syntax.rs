//! Every file parses as TOML.
//!
//! ## What it checks
//! Each matched file is parsed as TOML 1.1: unquoted strings, missing commas, unclosed
//! arrays, inline tables and strings, a key defined twice, a table header repeated, an
//! invalid date or time, an integer too large for 64 bits.
//!
//! One finding per file: the first error, at its span, with a help line for that kind of
//! mistake (a key defined twice shows its first definition too). The errors a parser finds after the first are usually echoes of it (one missing
//! `]` makes every later line look wrong), so the message only counts them ("2 more syntax
//! errors may follow from this one"); fix the first and run again.
//!
//! ## Why it matters
//! A file that does not parse cannot be judged at all; a launch request that silently drops
//! out of the check is worse than one that fails loudly.
//!
//! ## Parameters
//! None. This rule is always on and cannot be waived.
//!
//! ## Failing example
//! ```toml
//! kind = "launch-request"
//! id = "LR-2026-0142"
//! risk = high
//! ```
//!
//! ## Passing example
//! ```toml
//! kind = "launch-request"
//! id = "LR-2026-0142"
//! risk = "high"
//! ```

use std::ops::Range;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostic::Finding;
use crate::source::FileId;

pub const CHECK: super::Check = super::Check::Document;

const BOM: char = '\u{feff}';

/// Parses a file's text; returns the tree and the file's one syntax finding, if any. `text`
/// is the text as read ([`crate::source::SourceFile`]): the one byte-order mark a file may
/// start with is already gone, so a BOM still at its start is a second one, which the
/// parser would skip without a word.
pub fn first_in(file: FileId, text: &str) -> (Spanned<DeTable<'_>>, Option<Finding>) {
    let (root, errors) = DeTable::parse_recoverable(text);
    let finding = if text.starts_with(BOM) {
        Some(byte_order_mark(file, 0))
    } else {
        first_of(file, &errors, text, root.get_ref())
    };
    (root, finding)
}

/// A byte-order mark (U+FEFF) at byte `at`, where TOML allows none.
fn byte_order_mark(file: FileId, at: usize) -> Finding {
    Finding::new(
        &super::TOML_SYNTAX,
        file,
        at..at + BOM.len_utf8(),
        "a byte-order mark (U+FEFF) is allowed only once, at the start of the file",
    )
    .help("delete this invisible character; editors often show it as `<feff>` or not at all")
}

/// The one finding for a file the TOML parser rejected: its first error, classified, with
/// the number of errors after it; `None` when there are no errors. `parsed` is what the
/// parser read despite the errors: a duplicate key's first definition is shown from it.
pub fn first_of(
    file: FileId,
    errors: &[toml::de::Error],
    text: &str,
    parsed: &DeTable<'_>,
) -> Option<Finding> {
    let first = errors
        .iter()
        .min_by_key(|e| e.span().map_or(usize::MAX, |s| s.start))?;
    let mut distinct: Vec<(Option<Range<usize>>, &str)> =
        errors.iter().map(|e| (e.span(), e.message())).collect();
    distinct.sort_by_key(|(span, message)| (span.as_ref().map(|s| (s.start, s.end)), *message));
    distinct.dedup();
    let unclosed = |what: &str| {
        errors
            .iter()
            .any(|e| e.message().starts_with(&format!("unclosed {what}")))
    };
    let mistake = classify(first, text, unclosed("array"), unclosed("inline table"));
    let more = distinct.len().saturating_sub(1);
    let duplicate = first.message().contains("duplicate key");
    let earlier = match (duplicate, text.get(mistake.span.clone())) {
        (true, Some(name)) => earlier_definition(parsed, name.trim(), mistake.span.start)
            .or_else(|| earlier_header(text, mistake.span.start, name.trim())),
        _ => None,
    };
    let first_at = first.span().map_or(0, |s| s.start);
    if text.get(first_at..).is_some_and(|rest| rest.starts_with(BOM)) {
        return Some(byte_order_mark(file, first_at));
    }
    let mut finding = mistake.into_finding(file, more);
    if let Some(span) = earlier {
        finding = finding.related(file, span, "first defined here");
    }
    Some(finding)
}

/// For a table header defined twice: the name in the same header written earlier (the
/// parser's tree keeps only the later one).
fn earlier_header(text: &str, at: usize, name: &str) -> Option<Range<usize>> {
    let start = line_start(text, at);
    let without_comment = |line: &str| line.split('#').next().unwrap_or_default().trim().to_owned();
    let header = without_comment(text[start..].lines().next()?);
    if !header.starts_with('[') || name.is_empty() {
        return None;
    }
    let mut offset = 0;
    let mut found = None;
    for line in text[..start].split_inclusive('\n') {
        if without_comment(line) == header {
            found = line.find(name).map(|i| offset + i..offset + i + name.len());
        }
        offset += line.len();
    }
    found
}

/// The key span of the last definition of `name` that starts before `before`, anywhere in
/// the tree: the definition a duplicate repeats (usually in the same table, and nearest).
fn earlier_definition<'t, 'a>(
    root: &'t DeTable<'a>,
    name: &str,
    before: usize,
) -> Option<Range<usize>> {
    let mut best: Option<Range<usize>> = None;
    // Iterative, so a deeply nested hostile file cannot overflow the stack.
    let mut tables: Vec<&'t DeTable<'a>> = vec![root];
    let mut values: Vec<&'t DeValue<'a>> = Vec::new();
    while let Some(table) = tables.pop() {
        for (key, value) in table.iter() {
            let span = key.span();
            if key.get_ref().as_ref() == name
                && span.start < before
                && best.as_ref().is_none_or(|b| span.start > b.start)
            {
                best = Some(span);
            }
            values.push(value.get_ref());
            while let Some(value) = values.pop() {
                match value {
                    DeValue::Table(inner) => tables.push(inner),
                    DeValue::Array(items) => values.extend(items.iter().map(|i| i.get_ref())),
                    _ => {}
                }
            }
        }
    }
    best
}

/// What went wrong, where, and how to fix it.
struct Mistake {
    span: Range<usize>,
    message: String,
    help: String,
}

impl Mistake {
    fn new(span: Range<usize>, message: impl Into<String>, help: impl Into<String>) -> Self {
        Mistake {
            span,
            message: message.into(),
            help: help.into(),
        }
    }

    fn into_finding(self, file: FileId, more: usize) -> Finding {
        let message = match more {
            0 => self.message,
            1 => format!(
                "{} (1 more syntax error may follow from this one)",
                self.message
            ),
            n => format!(
                "{} ({n} more syntax errors may follow from this one)",
                self.message
            ),
        };
        Finding::new(&super::TOML_SYNTAX, file, self.span, message).help(self.help)
    }
}

/// Names the kind of mistake from the parser's message and the text around its position.
/// `unclosed_array` / `unclosed_table` say whether the parser reached the end of the file
/// inside an array / inline table: then the first error is an echo of the missing bracket,
/// and the bracket that was opened is the place to show.
fn classify(error: &toml::de::Error, text: &str, unclosed_array: bool, unclosed_table: bool) -> Mistake {
    let span = error.span().unwrap_or(0..0);
    let start = floor_boundary(text, span.start.min(text.len()));
    let end = floor_boundary(text, span.end.clamp(start, text.len()));
    let at = start..end;
    let found = text[start..end].trim();
    let parser = error.message().trim();
    let opener = open_bracket_at(text, start);
    let opened = |bracket: char| opener.filter(|&(_, c)| c == bracket).map(|(i, _)| i..i + 1);

    if parser.contains("recursion") {
        // The parser's guard against stack overflow on hostile input: its own wording
        // ("recursion limit") says nothing to someone who wrote a file.
        return Mistake::new(
            at,
            "tables, arrays or dotted keys are nested too deeply to be read",
            "flatten the structure; no launchcheck document needs more than a few levels",
        );
    }
    if let (true, Some(bracket)) = (unclosed_array || parser.starts_with("unclosed array"), opened('[')) {
        return Mistake::new(
            bracket,
            "this array is never closed",
            "end the array with `]` after its last element, before the next key or table",
        );
    }
    if let (true, Some(brace)) = (unclosed_table || parser.starts_with("unclosed inline table"), opened('{')) {
        return Mistake::new(
            brace,
            "this inline table is never closed",
            "end the inline table with `}` after its last `key = value`, or write it as a `[table]` of its own",
        );
    }
    if parser.contains("duplicate key") && !found.is_empty() {
        return Mistake::new(
            at,
            format!("duplicate key `{found}`"),
            "a key or table may be defined once per table; merge the two or remove one",
        );
    }
    if parser.starts_with("invalid basic string")
        || parser.starts_with("invalid literal string")
        || parser.starts_with("invalid multi-line")
    {
        let quote = string_start(text, start).unwrap_or(start);
        let help = if parser.contains("multi-line") {
            "close the string with the same three quotes that open it: `\"\"\"…\"\"\"`"
        } else {
            "close the string with the quote it opens with, on the same line; for text over several lines use three quotes: `\"\"\"…\"\"\"`"
        };
        return Mistake::new(
            quote..(quote + 1).min(text.len()).max(quote),
            "this string is never closed",
            help,
        );
    }
    if parser.starts_with("unclosed table") {
        return Mistake::new(
            line_start(text, start)..start,
            "this table header is never closed",
            "end the header with `]` on the same line, e.g. `[rollback]`",
        );
    }
    if parser.starts_with("key with no value") {
        return Mistake::new(
            at,
            "a key without `=` and a value",
            "write the key, `=` and the value: `risk = \"high\"`; text needs quotes",
        );
    }
    if parser.starts_with("unquoted keys cannot be empty") {
        return Mistake::new(at, "a value without a key", "write the key before `=`: `risk = \"high\"`");
    }
    if (parser.contains("quoted") || parser.starts_with("invalid boolean") || parser.starts_with("invalid float"))
        && is_bare_word(found)
    {
        return Mistake::new(
            at,
            format!("`{found}` is not a TOML value; text needs quotes"),
            format!("write `{}`", crate::suggest::toml_string(found)),
        );
    }
    if parser.contains("quoted") && !found.is_empty() && !found.contains('\n') {
        return Mistake::new(
            at,
            format!("`{found}` is not a TOML value"),
            format!(
                "text needs quotes: `{}`; two keys on one line go on lines of their own",
                crate::suggest::toml_string(found)
            ),
        );
    }
    if parser.contains("quoted") && found.is_empty() {
        return Mistake::new(at, "a key without a value", "write a value after `=`; text needs quotes");
    }
    if parser.starts_with("missing comma between array elements") {
        return Mistake::new(
            at,
            "a comma is missing between array elements",
            "separate the elements of an array with `,`: `[\"a\", \"b\"]`",
        );
    }
    if parser.starts_with("missing comma between key-value pairs") {
        return Mistake::new(
            at,
            "a comma is missing in an inline table",
            "separate the pairs of an inline table with `,`: `{ start = 1, end = 2 }`",
        );
    }
    if parser.starts_with("unexpected key or value") {
        return Mistake::new(
            at,
            "something follows a value on the same line",
            "put each `key = value` on a line of its own; text needs quotes",
        );
    }
    if parser.starts_with("invalid date") || parser.starts_with("invalid time") || parser.contains("offset") {
        return Mistake::new(
            at,
            parser,
            "write a date as `2026-12-01`, a date and time as `2026-12-01T02:00:00+08:00`",
        );
    }
    if parser.contains("escape") {
        return Mistake::new(
            at,
            parser,
            "in a `\"…\"` string write a backslash as `\\\\`, or use a literal string in single quotes: `'C:\\path'`",
        );
    }
    Mistake::new(
        at,
        parser,
        "see how TOML writes this value: text in quotes (`\"high\"`), arrays in brackets (`[\"a\", \"b\"]`), dates as `2026-12-01`",
    )
}

/// A finding for an integer that TOML cannot represent (beyond 64 bits); `more` counts the
/// others in the file.
pub fn integer_out_of_range(
    file: FileId,
    span: std::ops::Range<usize>,
    text: &str,
    more: usize,
) -> Finding {
    let written = text.get(span.clone()).unwrap_or_default().trim();
    Mistake::new(
        span,
        format!("the integer `{written}` does not fit in 64 bits"),
        format!("TOML integers range from {} to {}", i64::MIN, i64::MAX),
    )
    .into_finding(file, more)
}

/// The innermost `[` or `{` that is still open at byte `at`, skipping strings, comments and
/// table headers; its byte offset and the bracket.
fn open_bracket_at(text: &str, at: usize) -> Option<(usize, char)> {
    let mut stack: Vec<(usize, char)> = Vec::new();
    let bytes = text.as_bytes();
    let end = at.min(bytes.len());
    // Only blanks so far on this line, outside any bracket: a `[` here opens a table header.
    let mut header_possible = true;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'#' => i = line_end(bytes, i),
            b'"' | b'\'' => {
                i = skip_string(bytes, i);
                header_possible = false;
            }
            b'\n' => {
                header_possible = stack.is_empty();
                i += 1;
            }
            b'[' if header_possible => i = line_end(bytes, i),
            b if b.is_ascii_whitespace() => i += 1,
            b => {
                match b {
                    b'[' | b'{' => stack.push((i, char::from(b))),
                    b']' | b'}' => {
                        stack.pop();
                    }
                    _ => {}
                }
                header_possible = false;
                i += 1;
            }
        }
    }
    stack.last().copied()
}

fn line_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i] != b'\n' {
        i += 1;
    }
    i
}

/// The index just past the string that opens at `i` (or the end of its line when unclosed).
fn skip_string(bytes: &[u8], i: usize) -> usize {
    let quote = bytes[i];
    let triple = bytes.get(i..i + 3) == Some(&[quote, quote, quote][..]);
    let mut j = i + if triple { 3 } else { 1 };
    while j < bytes.len() {
        let b = bytes[j];
        if b == b'\\' && quote == b'"' {
            j += 2;
            continue;
        }
        if triple {
            if bytes.get(j..j + 3) == Some(&[quote, quote, quote][..]) {
                return j + 3;
            }
        } else if b == quote {
            return j + 1;
        } else if b == b'\n' {
            return j;
        }
        j += 1;
    }
    bytes.len()
}

/// The opening quote of the string that is still open at `at`, on the line (or, for a
/// multi-line string, anywhere) before it.
fn string_start(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut open = None;
    while i < at.min(bytes.len()) {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let end = skip_string(bytes, i);
                if end >= at {
                    open = Some(i);
                    break;
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    open
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// A value someone meant as a string: one word without quotes or spaces.
fn is_bare_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@'))
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    while index > 0 && !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    /// The one finding for `text`: (message, help, text at its span).
    fn one(text: &str) -> (String, String, String) {
        let (root, errors) = toml::de::DeTable::parse_recoverable(text);
        let finding = super::first_of(0, &errors, text, root.get_ref()).expect("a syntax error");
        (
            finding.message,
            finding.help.unwrap_or_default(),
            text[finding.span].to_owned(),
        )
    }

    #[test]
    fn an_unclosed_array_is_shown_at_its_opening_bracket_with_the_echoes_counted() {
        let (message, help, at) =
            one("kind = \"x\"\nstages = [5, 25\n\n[rollback]\nsteps = 1\nowner = \"bob\"\n");
        assert!(
            message.starts_with("this array is never closed ("),
            "{message}"
        );
        assert!(
            message.ends_with(" more syntax errors may follow from this one)"),
            "{message}"
        );
        assert_eq!(at, "[");
        assert!(help.contains("`]`"), "{help}");
    }

    #[test]
    fn each_kind_of_mistake_gets_its_own_help() {
        let cases = [
            ("a = { x = 1\nb = 3\n", "this inline table is never closed", "{", "`}`"),
            ("a = \"abc\nb = 3\n", "this string is never closed", "\"", "quote"),
            ("a = 'abc\n", "this string is never closed", "'", "quote"),
            ("a = 1\na = 2\n", "duplicate key `a`", "a", "defined once"),
            ("[a]\n[a]\n", "duplicate key `a`", "a", "defined once"),
            (
                "a = high\n",
                "`high` is not a TOML value; text needs quotes",
                "high",
                "write `\"high\"`",
            ),
            (
                "owner = 王伟\n",
                "`王伟` is not a TOML value; text needs quotes",
                "王伟",
                "write `\"王伟\"`",
            ),
            ("a 1\n", "a key without `=` and a value", "", "`risk = \"high\"`"),
            (
                "a = 2026-13-01\n",
                "invalid date, expected month between 01 and 12",
                "2026-13-01",
                "`2026-12-01T02:00:00+08:00`",
            ),
            ("[a\nb = 1\n", "this table header is never closed", "[a", "`]`"),
            (
                "a = [\"x\" \"y\"]\n",
                "a comma is missing between array elements",
                "",
                "`,`",
            ),
            (
                "a = 1 b = 2\n",
                "`1 b` is not a TOML value",
                "1 b",
                "lines of their own",
            ),
            ("a = \"x\" b = 2\n", "something follows a value on the same line", "", "line of its own"),
        ];
        for (text, message, at, help) in cases {
            let found = one(text);
            let first = found.0.split(" (").next().unwrap_or_default();
            assert_eq!((first, found.2.as_str()), (message, at), "{text:?}");
            assert!(found.1.contains(help), "{text:?}: {}", found.1);
        }
    }

    #[test]
    fn a_duplicate_shows_its_first_definition() {
        for (text, first) in [
            ("a = 1\nb = 2\na = 3\n", 0),
            ("[w]\na = 1\n[x]\nb = 1\n[w] # again\nc = 2\n", 1),
            ("[x]\nowner = 1\n[w]\nowner = 1\nowner = 2\n", 18),
        ] {
            let (root, errors) = toml::de::DeTable::parse_recoverable(text);
            let finding = super::first_of(0, &errors, text, root.get_ref()).expect("an error");
            let related: Vec<_> = finding.related.iter().map(|r| r.span.start).collect();
            assert_eq!(related, [first], "{text:?}: {}", finding.message);
            assert_eq!(finding.related[0].message, "first defined here");
        }
    }

    #[test]
    fn a_single_error_is_not_said_to_have_followers() {
        let (message, ..) = one("a = high\n");
        assert!(!message.contains("more syntax"), "{message}");
        let (message, ..) = one("a = 1 b = 2\n");
        assert!(
            message.ends_with("(1 more syntax error may follow from this one)"),
            "{message}"
        );
    }

    #[test]
    fn brackets_in_strings_comments_and_headers_do_not_count() {
        let text = "[t]\na = \"[\" # [\n[[s]]\nb = [\"]\", 1\nc = 2\n";
        let (root, errors) = toml::de::DeTable::parse_recoverable(text);
        let finding = super::first_of(0, &errors, text, root.get_ref()).expect("a syntax error");
        assert!(
            finding.message.starts_with("this array is never closed"),
            "{}",
            finding.message
        );
        let offset = text.find("b = [").expect("b") + 4;
        assert_eq!(finding.span, offset..offset + 1);
    }
}
