//! Every file parses as TOML.
//!
//! ## What it checks
//! Each matched file is parsed as TOML 1.1. Every syntax error is reported at its own span,
//! not just the first: unquoted strings, missing commas, unclosed arrays, a key defined twice,
//! a table header repeated.
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

use crate::diagnostic::Finding;
use crate::source::FileId;

pub const CHECK: super::Check = super::Check::External;

/// A finding for one parse error reported by the TOML parser.
pub fn finding(file: FileId, error: &toml::de::Error, text_len: usize) -> Finding {
    let span = error.span().unwrap_or(0..0);
    let span = span.start.min(text_len)..span.end.min(text_len);
    let message = error.message().trim().to_owned();
    let help = if message.contains("duplicate key") {
        "each key may be defined once per table; remove or rename one of them"
    } else if message.contains("quoted") {
        "TOML strings need quotes: `risk = \"high\"`"
    } else {
        "fix the TOML syntax at this point"
    };
    Finding::new(super::rule("LC001"), file, span, message).help(help)
}
