//! Output formats, one file each, all fed the same sorted [`Report`].

use std::io::{self, Write};

use crate::report::Report;

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

/// What the formats for CI need to know about the run besides its findings.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    /// `--deny-warnings`: warnings fail the run (JUnit failures, the summary line).
    pub deny_warnings: bool,
    /// Where Markdown links point: `{server}/{owner}/{repo}/blob/{sha}/{dir}/`, the launch
    /// repository's root at the commit on the web; `None` for links relative to the root.
    pub blob_base: Option<String>,
    /// The repository and commit checked (SARIF `versionControlProvenance`).
    pub provenance: Option<crate::git::Provenance>,
}

impl RunContext {
    /// The blob base from GitHub Actions' `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and
    /// `GITHUB_SHA` (all three set and non-empty), with the launch root's directory inside
    /// the repository (`prefix`, empty or ending in `/`).
    pub fn github_blob_base(
        lookup: impl Fn(&str) -> Option<String>,
        prefix: &str,
    ) -> Option<String> {
        let var = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let server = var("GITHUB_SERVER_URL")?;
        let repository = var("GITHUB_REPOSITORY")?;
        let sha = var("GITHUB_SHA")?;
        Some(format!(
            "{}/{}/blob/{}/{}",
            server.trim_end_matches('/'),
            repository.trim_matches('/'),
            uri_path(&sha),
            uri_path(prefix)
        ))
    }
}

/// Writes `report` in `format`.
pub fn emit(format: Format, report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    emit_in(format, report, style, &RunContext::default(), out)
}

/// Writes `report` in `format`, with what the command line knows about the run.
pub fn emit_in(
    format: Format,
    report: &Report,
    style: Style,
    context: &RunContext,
    out: &mut dyn Write,
) -> io::Result<()> {
    // The summary line is written here so that it can tell `--deny-warnings` failures.
    let quiet = Style {
        quiet: true,
        ..style
    };
    let summary = |out: &mut dyn Write| {
        if style.quiet {
            Ok(())
        } else {
            writeln!(out, "{}", summary_line_in(report, context))
        }
    };
    match format {
        Format::Full => full::write(report, quiet, out).and_then(|()| summary(out)),
        Format::Concise => concise::write(report, quiet, out).and_then(|()| summary(out)),
        Format::Json => json::write(report, out),
        Format::Sarif => sarif::write_in(report, context, out),
        Format::Github => github::write(report, style, out),
        Format::Junit => junit::write_in(report, context, out),
        Format::Markdown => markdown::write_in(report, context, out),
        Format::Html => html::write(report, out),
    }
}

/// The summary line, and with `--deny-warnings` when warnings are all that fails the
/// run, a sentence that says so: `Found 0 errors and 2 warnings in 12 files (0 waived).
/// The warnings fail the run (--deny-warnings).`
pub fn summary_line_in(report: &Report, context: &RunContext) -> String {
    let line = summary_line(report);
    let totals = report.totals();
    if context.deny_warnings && totals.warnings > 0 {
        let which = if totals.warnings == 1 {
            "The warning fails"
        } else {
            "The warnings fail"
        };
        format!("{line} {which} the run (--deny-warnings).")
    } else {
        line
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
