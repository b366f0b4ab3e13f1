//! What a `check` run found, in the form every emitter reads: the files, the findings and
//! the launches and schedule the summaries show.

use std::collections::HashSet;

use jiff::Timestamp;

use crate::diagnostic::{Finding, Totals};
use crate::source::Files;

/// A launch in the run, for summaries.
#[derive(Debug, Clone)]
pub struct LaunchSummary {
    pub file: usize,
    pub id: String,
    pub title: String,
    pub risk: String,
    pub status: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// Everything emitters need.
pub struct Report {
    pub files: Files,
    pub findings: Vec<Finding>,
    pub now: Timestamp,
    pub files_checked: usize,
    pub launches: Vec<LaunchSummary>,
    /// The files the run reports on (explicit paths or a pull request's changed files);
    /// `None` when it reports on the whole repository.
    pub scope: Option<HashSet<usize>>,
    /// The schedule, when [`Options::schedule`] asked for it.
    pub schedule: Option<crate::schedule::Schedule>,
}

impl Report {
    pub fn totals(&self) -> Totals {
        Totals::of(&self.findings)
    }

    /// Files with at least one finding.
    pub fn files_with_findings(&self) -> usize {
        self.findings
            .iter()
            .map(|f| f.file)
            .collect::<HashSet<_>>()
            .len()
    }
}
