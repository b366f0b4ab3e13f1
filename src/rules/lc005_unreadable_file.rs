//! Every matched file can be read as a UTF-8 text file inside the repository.
//!
//! ## What it checks
//! A matched file must be readable, valid UTF-8 (a leading byte-order mark is accepted), no
//! larger than `[files].max_file_bytes` (default 1 MiB; larger files are not read whole), and
//! not a symbolic link that leads outside the repository root. A file that is not UTF-8 is
//! reported at its first invalid byte; the others at their first line.
//!
//! ## Why it matters
//! A file the checker cannot read is a file nobody checked. Links out of the repository
//! would let a pull request make the checker read files it was never meant to see.
//!
//! ## Parameters
//! None; the size limit is `max_file_bytes` in `launchcheck.toml`. Always on, not waivable.
//!
//! ## Failing example
//! ```toml
//! # launches/big.toml is 3 MiB of generated text
//! ```
//!
//! ## Passing example
//! ```toml
//! # launches/LR-2026-0142.toml, 2 KiB of UTF-8
//! kind = "launch-request"
//! ```

use crate::diagnostic::Finding;
use crate::source::FileId;

pub const CHECK: super::Check = super::Check::Document;

/// A finding at a place in an unreadable file (the first byte that is not UTF-8).
pub fn at(
    file: FileId,
    span: std::ops::Range<usize>,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Finding {
    Finding::new(&super::UNREADABLE_FILE, file, span, message).help(help)
}
