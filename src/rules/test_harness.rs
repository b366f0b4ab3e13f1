//! Unit-test support for rules: runs one rule through the whole `check` pipeline over
//! in-memory files and returns its findings as `path:line:col: message` lines.

use crate::check::{run_on, Options};
use crate::config::Config;
use crate::rule::Rule;
use crate::tree::MemoryTree;

/// A launch request: lines 1–5 are fixed (`kind`, `id = "LR-1"`, `title`, `services =
/// ["payments-api"]`, `requester = "alice"`), `head` follows from line 6, then `tables`.
pub fn launch(head: &str, tables: &str) -> String {
    format!(
        "kind = \"launch-request\"\nid = \"LR-1\"\ntitle = \"t\"\nservices = [\"payments-api\"]\n\
         requester = \"alice\"\n{head}\n{tables}\n"
    )
}

/// A low-risk standard change, approved, submitted well ahead (four lines).
pub const HEAD: &str = "change_type = \"standard\"\nrisk = \"low\"\nstatus = \"approved\"\n\
                        submitted_at = 2026-11-20T09:00:00Z";

/// A one-hour window on 2026-12-01 from 02:00 UTC.
pub const WINDOW: &str = "[window]\nstart = 2026-12-01T02:00:00Z\nend = 2026-12-01T03:00:00Z\n";

/// An `[[approvals]]` entry dated 2026-11-23T10:00Z.
pub fn approval(role: &str, by: &str, decision: &str) -> String {
    format!("[[approvals]]\nrole = \"{role}\"\nby = \"{by}\"\nat = 2026-11-23T10:00:00Z\ndecision = \"{decision}\"\n")
}

/// `path:line:col: message` of every finding of `rule`, at now = 2026-11-25T00:00Z (UTC).
pub fn findings(rule: &Rule, files: &[(&str, &str)]) -> Vec<String> {
    let mut tree = MemoryTree::new();
    for (path, text) in files {
        tree.insert(*path, *text);
    }
    let options = Options {
        now: Some("2026-11-25T00:00:00Z".to_owned()),
        select: vec![rule.code.to_owned()],
        ..Options::default()
    };
    let report = match run_on(&tree, &Config::default(), &options, None) {
        Ok(report) => report,
        Err(e) => panic!("check failed: {e:?}"),
    };
    report
        .findings
        .iter()
        .filter(|f| std::ptr::eq(f.rule, rule))
        .map(|f| {
            let file = report.files.get(f.file);
            let at = file.position(f.span.start);
            format!("{}:{}:{}: {}", file.path, at.line, at.column, f.message)
        })
        .collect()
}
