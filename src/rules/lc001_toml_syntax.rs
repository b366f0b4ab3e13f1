//! Every file parses as TOML.
//!
//! ## What it checks
//! Each matched file is parsed as TOML 1.1. Every syntax error is reported at its own span,
//! not just the first: unquoted strings, missing commas, unclosed arrays, a key defined twice,
//! a table header repeated, an integer too large for 64 bits, a byte-order mark anywhere but
//! at the very start of the file (a second one there included).
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

use toml::de::DeTable;
use toml::Spanned;

use crate::diagnostic::Finding;
use crate::source::FileId;

pub const CHECK: super::Check = super::Check::External;

const BOM: char = '\u{feff}';

/// Parses a file's text and reports every syntax error, a second leading BOM first. `text`
/// is the text as read ([`crate::source::SourceFile`]): the one byte-order mark a file may
/// start with is already gone, so a BOM still at its start is a second one, which the
/// parser would skip without a word.
pub fn parse<'a>(file: FileId, text: &'a str) -> (Spanned<DeTable<'a>>, Vec<Finding>) {
    let (root, errors) = DeTable::parse_recoverable(text);
    let mut findings: Vec<Finding> = text
        .starts_with(BOM)
        .then(|| byte_order_mark(file, 0))
        .into_iter()
        .chain(errors.iter().map(|e| finding(file, e, text)))
        .collect();
    findings.dedup_by(|a, b| a.span == b.span && a.message == b.message);
    (root, findings)
}

/// A byte-order mark (U+FEFF) at byte `at`, where TOML allows none.
fn byte_order_mark(file: FileId, at: usize) -> Finding {
    Finding::new(
        super::rule("LC001"),
        file,
        at..at + BOM.len_utf8(),
        "a byte-order mark (U+FEFF) is allowed only once, at the start of the file",
    )
    .help("delete this invisible character; editors often show it as `<feff>` or not at all")
}

/// A finding for one parse error reported by the TOML parser; `text` is the file's text. A
/// byte-order mark where the parser stopped is named as such.
fn finding(file: FileId, error: &toml::de::Error, text: &str) -> Finding {
    let span = error.span().unwrap_or(0..0);
    let start = floor_boundary(text, span.start.min(text.len()));
    let end = floor_boundary(text, span.end.clamp(start, text.len()));
    if text[start..].starts_with(BOM) {
        return byte_order_mark(file, start);
    }
    let found = text[start..end].trim();
    let parser_message = error.message().trim();
    let (message, help) = if parser_message.contains("duplicate key") && !found.is_empty() {
        (
            format!("duplicate key `{found}`"),
            "a key or table may be defined once per table; merge the two or remove one".to_owned(),
        )
    } else if parser_message.contains("recursion") {
        // The parser's guard against stack overflow on hostile input: its own wording
        // ("recursion limit") says nothing to someone who wrote a file.
        (
            "tables, arrays or dotted keys are nested too deeply to be read".to_owned(),
            "flatten the structure; no launchcheck document needs more than a few levels"
                .to_owned(),
        )
    } else if parser_message.contains("quoted") && is_bare_word(found) {
        (
            parser_message.to_owned(),
            format!("TOML strings need quotes: write `\"{found}\"`"),
        )
    } else {
        (
            parser_message.to_owned(),
            "fix the TOML syntax at this point".to_owned(),
        )
    };
    Finding::new(super::rule("LC001"), file, start..end, message).help(help)
}

/// A finding for an integer that TOML cannot represent (beyond 64 bits).
pub fn integer_out_of_range(file: FileId, span: std::ops::Range<usize>, text: &str) -> Finding {
    let written = text.get(span.clone()).unwrap_or_default().trim();
    Finding::new(
        super::rule("LC001"),
        file,
        span,
        format!("the integer `{written}` does not fit in 64 bits"),
    )
    .help(format!(
        "TOML integers range from {} to {}",
        i64::MIN,
        i64::MAX
    ))
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
