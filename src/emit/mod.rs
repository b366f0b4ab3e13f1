//! Output formats, one file each, all fed the same sorted [`Report`].

use std::io::{self, Write};

use crate::check::Report;

pub mod concise;
pub mod full;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;

/// An output format name as given to `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Full,
    Concise,
    Json,
    Sarif,
    Github,
    Junit,
    Markdown,
    Html,
}

impl Format {
    pub const NAMES: [&'static str; 8] = [
        "full", "concise", "json", "sarif", "github", "junit", "markdown", "html",
    ];

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "full" => Some(Format::Full),
            "concise" => Some(Format::Concise),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            "junit" => Some(Format::Junit),
            "markdown" => Some(Format::Markdown),
            "html" => Some(Format::Html),
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
        Format::Sarif => sarif::write(report, out),
        Format::Github => github::write(report, style, out),
        Format::Junit => junit::write(report, out),
        Format::Markdown => markdown::write(report, out),
        Format::Html => html::write(report, out),
    }
}

/// `Found 3 errors and 1 warning in 12 files (1 waived).`
pub fn summary_line(report: &Report) -> String {
    let totals = report.totals();
    let notes = if totals.notes > 0 {
        format!(", {}", plural(totals.notes, "note"))
    } else {
        String::new()
    };
    format!(
        "Found {} and {} in {}{notes} ({} waived).",
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

/// A repository path as a URI reference (SARIF `artifactLocation.uri`, Markdown link
/// targets): `/` stays, unreserved characters stay, everything else is percent-encoded so
/// that spaces, `#`, `%`, `:` or non-ASCII names survive as one path.
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'/' | b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_to_a_distinct_format() {
        let formats: Vec<Format> = Format::NAMES
            .iter()
            .filter_map(|n| Format::parse(n))
            .collect();
        assert_eq!(formats.len(), Format::NAMES.len());
        for (i, a) in formats.iter().enumerate() {
            assert!(!formats[i + 1..].contains(a), "{a:?} twice");
        }
        assert_eq!(Format::parse("xml"), None);
    }

    #[test]
    fn uri_path_encodes_everything_but_unreserved_characters_and_slashes() {
        assert_eq!(
            uri_path("launches/2026/LR-1.toml"),
            "launches/2026/LR-1.toml"
        );
        assert_eq!(uri_path("a b/c#d%e:f,g"), "a%20b/c%23d%25e%3Af%2Cg");
        assert_eq!(uri_path("计划.toml"), "%E8%AE%A1%E5%88%92.toml");
    }
}
