//! The one [`Finding`] type that every rule produces and every emitter consumes.

use std::ops::Range;

use crate::rule::Rule;
use crate::source::{FileId, Files};

pub use crate::rule::Level;

/// A secondary location, possibly in another file (the plan's last drill, the other launch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
}

/// The waiver that suppresses a finding, as reported in every format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedWaiver {
    pub reason: String,
    pub approved_by: String,
    pub expires: String,
    pub ticket: Option<String>,
    pub file: FileId,
    pub span: Range<usize>,
}

/// One problem found at one place.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static Rule,
    pub level: Level,
    pub file: FileId,
    pub span: Range<usize>,
    /// The TOML key path the finding is about (`rollback.tested_on`, `approvals[1].by`);
    /// waivers with a `path` match against it.
    pub key: String,
    /// The key path this finding reports as absent (`rollback`, `approvals[0].decision`), so
    /// that it can give way to a finding that explains the absence (see [`crate::root_cause`]).
    pub missing: Option<String>,
    /// For an unknown key that is a misspelling of a known key the document lacks: that
    /// key's path. Findings about that key being missing are consequences of this one.
    pub stands_for: Option<String>,
    pub message: String,
    pub help: Option<String>,
    pub related: Vec<Related>,
    pub waiver: Option<AppliedWaiver>,
}

impl Finding {
    pub fn new(
        rule: &'static Rule,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            level: rule.default_level,
            file,
            span,
            key: String::new(),
            missing: None,
            stands_for: None,
            message: message.into(),
            help: None,
            related: Vec::new(),
            waiver: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = key.into();
        self
    }

    /// Declares the key path this finding reports as absent.
    pub fn missing(mut self, path: impl Into<String>) -> Self {
        self.missing = Some(path.into());
        self
    }

    pub fn related(mut self, file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this finding counts towards the exit code.
    pub fn is_active(&self) -> bool {
        self.waiver.is_none()
    }
}

/// Totals shown in summaries.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub errors: usize,
    pub warnings: usize,
    pub waived: usize,
    pub notes: usize,
}

impl Totals {
    pub fn of(findings: &[Finding]) -> Self {
        let mut totals = Totals::default();
        for finding in findings {
            match (&finding.waiver, finding.level) {
                (Some(_), _) => totals.waived += 1,
                (None, Level::Error) => totals.errors += 1,
                (None, Level::Warning) => totals.warnings += 1,
                (None, Level::Note) => totals.notes += 1,
            }
        }
        totals
    }
}

/// Sorts findings by path, line, column, code, then message, so output never depends on
/// thread scheduling or directory order.
pub fn sort_findings(findings: &mut [Finding], files: &Files) {
    findings.sort_by(|a, b| {
        let fa = files.get(a.file);
        let fb = files.get(b.file);
        fa.path
            .cmp(&fb.path)
            .then_with(|| a.span.start.cmp(&b.span.start))
            .then_with(|| a.rule.code.cmp(b.rule.code))
            .then_with(|| a.span.end.cmp(&b.span.end))
            .then_with(|| a.message.cmp(&b.message))
    });
    // Same file and same start byte means same line and column, so sorting by byte offset is
    // the same as sorting by line and column.
}
