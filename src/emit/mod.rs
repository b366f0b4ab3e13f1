//! Output formats, one file each, all fed the same sorted [`Report`].

use std::io::{self, Write};

use crate::check::Report;

pub mod concise;
pub mod full;
pub mod json;

/// An output format name as given to `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Full,
    Concise,
    Json,
}

impl Format {
    pub const NAMES: [&'static str; 3] = ["full", "concise", "json"];

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "full" => Some(Format::Full),
            "concise" => Some(Format::Concise),
            "json" => Some(Format::Json),
            _ => None,
        }
    }
}

/// Rendering choices that do not change content.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    pub quiet: bool,
    pub width: usize,
}

/// Writes `report` in `format`.
pub fn emit(format: Format, report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Full => full::write(report, style, out),
        Format::Concise => concise::write(report, style, out),
        Format::Json => json::write(report, out),
    }
}

/// `Found 3 errors and 1 warning in 12 files (1 waived).`
pub fn summary_line(report: &Report) -> String {
    let totals = report.totals();
    format!(
        "Found {} and {} in {} ({} waived).",
        plural(totals.errors, "error"),
        plural(totals.warnings, "warning"),
        plural(report.files_checked, "file"),
        totals.waived
    )
}

pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
