//! The document satisfies the JSON Schema of its kind.
//!
//! ## What it checks
//! Each document is validated against the embedded JSON Schema (draft 2020-12) of its kind
//! (`launchcheck schema KIND` prints it). Every violation is its own finding: a wrong type or
//! value at the value, an unknown key at the key with "did you mean", a missing required key
//! at the table that lacks it. Datetimes that must carry an offset get a hint showing the
//! value with one. Keys starting with `x-` are allowed everywhere.
//!
//! An unknown key whose "did you mean" is a key the document lacks (`[rolback]` for
//! `[rollback]`, `descision` for `decision`) is the only finding about it: the "missing
//! required key" for that key, and every rule that would report it missing, stay silent.
//!
//! ## Why it matters
//! Rules can only judge what they can read. A typo such as `rolback` would otherwise make a
//! launch look as if it had no rollback plan, or worse, hide one that is wrong.
//!
//! ## Parameters
//! None. This rule is always on and cannot be waived. Select it alone with `--select schema`.
//!
//! ## Failing example
//! ```toml
//! kind = "launch-request"
//! id = "LR-2026-0142"
//! title = "Payments API 2.3.0"
//! services = ["payments-api"]
//! change_type = "normal"
//! risk = "high"
//! status = "submitted"
//! requester = "alice"
//!
//! [window]
//! start = 2026-12-01T02:00:00
//! end = 2026-12-01T04:00:00+08:00
//!
//! [rolback]
//! steps = ["Shift traffic back to the blue pool"]
//! ```
//!
//! ## Passing example
//! ```toml
//! kind = "launch-request"
//! id = "LR-2026-0142"
//! title = "Payments API 2.3.0"
//! services = ["payments-api"]
//! change_type = "normal"
//! risk = "high"
//! status = "submitted"
//! requester = "alice"
//!
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end = 2026-12-01T04:00:00+08:00
//!
//! [rollback]
//! steps = ["Shift traffic back to the blue pool"]
//! ```

pub const CHECK: super::Check = super::Check::Document;
