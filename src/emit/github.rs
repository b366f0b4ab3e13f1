//! `github`: GitHub Actions workflow commands, which the runner turns into annotations on
//! the pull request's changed lines.
//!
//! `::error file=PATH,line=L,endLine=L2,col=C,endColumn=C2,title=LC202 drill-recency::message`
//! — warnings as `::warning`, waived findings as `::notice` ending in "(waived: reason)".
//! Columns are only given for a single-line span: GitHub drops (or rejects) columns on an
//! annotation that spans lines. Values are escaped as the runner unescapes them: in the
//! message `%`, CR and LF; in property values also `:` and `,`, which would otherwise end
//! the property.

use std::io::{self, Write};

use super::Style;
use crate::diagnostic::{Finding, Level};
use crate::report::Report;
use crate::source::Files;

/// Escapes the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=…`, `title=…`) of a workflow command.
pub fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

/// One finding as a workflow command line (without the line break).
pub fn command(files: &Files, finding: &Finding) -> String {
    let file = files.get(finding.file);
    let (start, end) = file.range_positions(&finding.span);
    let name = match (&finding.waiver, finding.level) {
        (Some(_), _) => "notice",
        (None, Level::Error) => "error",
        (None, Level::Warning) => "warning",
        (None, Level::Note) => "notice",
    };
    let mut properties = format!(
        "file={},line={},endLine={}",
        escape_property(&file.path),
        start.line,
        end.line
    );
    if start.line == end.line {
        properties.push_str(&format!(",col={},endColumn={}", start.column, end.column));
    }
    let title = format!("{} {}", finding.rule.code, finding.rule.name);
    let mut message = finding.message.clone();
    if let Some(waiver) = &finding.waiver {
        message.push_str(&format!(" (waived: {})", waiver.reason));
    }
    if let Some(help) = &finding.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for related in &finding.related {
        let other = files.get(related.file);
        let at = other.position(related.span.start);
        message.push_str(&format!(
            "\n{}:{}:{}: {}",
            other.path, at.line, at.column, related.message
        ));
    }
    format!(
        "::{name} {properties},title={}::{}",
        escape_property(&title),
        escape_data(&message)
    )
}

pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        writeln!(out, "{}", command(&report.files, finding))?;
    }
    if !style.quiet {
        // A plain line, not a command: it shows in the log without adding an annotation.
        writeln!(out, "{}", escape_data(&super::summary_line(report)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::AppliedWaiver;
    use crate::source::SourceFile;

    fn files(path: &str, text: &str) -> Files {
        let mut files = Files::default();
        files.add(SourceFile::new(path, text));
        files
    }

    /// Undoes the runner's escaping, as the actions toolkit does when it reads a command.
    fn unescape(text: &str) -> String {
        text.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(
            escape_data("100% done:\r\nnext, then"),
            "100%25 done:%0D%0Anext, then"
        );
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn properties_also_escape_colons_and_commas() {
        assert_eq!(
            escape_property("dir,a:b/100%\nx.toml"),
            "dir%2Ca%3Ab/100%25%0Ax.toml"
        );
    }

    #[test]
    fn hostile_paths_and_messages_cannot_break_out_of_their_fields() {
        let path = "launches/a,line=99:b%2C\n::error file=x.toml";
        let text = "id = \"x\"\nkey = 1\n";
        let files = files(path, text);
        let span = text.find("1").unwrap()..text.find("1").unwrap() + 1;
        let finding = Finding::new(
            &crate::rules::SCHEMA,
            0,
            span,
            "bad: value, 100%\n::error::injected\r\nend",
        );
        let line = command(&files, &finding);
        assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
        assert!(line.starts_with("::error file="), "{line}");
        // Split the way the runner does: properties end at the first `::` after the name.
        let rest = line.strip_prefix("::error ").unwrap();
        let (properties, data) = rest.split_once("::").unwrap();
        let properties: Vec<(&str, &str)> = properties
            .split(',')
            .map(|p| p.split_once('=').unwrap())
            .collect();
        let keys: Vec<&str> = properties.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            ["file", "line", "endLine", "col", "endColumn", "title"]
        );
        assert_eq!(unescape(properties[0].1), path);
        assert_eq!(properties[1].1, "2");
        assert_eq!(properties[3].1, "7");
        assert_eq!(properties[4].1, "7");
        assert_eq!(unescape(properties[5].1), "LC003 schema");
        assert_eq!(unescape(data), "bad: value, 100%\n::error::injected\r\nend");
    }

    #[test]
    fn waived_findings_are_notices_with_the_reason_and_multiline_spans_have_no_columns() {
        let text = "a = [\n  1,\n]\n";
        let files = files("plans/p.toml", text);
        let mut finding = Finding::new(&crate::rules::DRILL_RECENCY, 0, 4..12, "too old")
            .help("run a drill")
            .related(0, 0..1, "the key");
        finding.level = Level::Warning;
        finding.waiver = Some(AppliedWaiver {
            reason: "drill, booked: 2026-12-01".into(),
            approved_by: "nora".into(),
            expires: "2027-01-10".into(),
            ticket: None,
            file: 0,
            span: 0..1,
        });
        let line = command(&files, &finding);
        assert_eq!(
            line,
            "::notice file=plans/p.toml,line=1,endLine=3,title=LC202 drill-recency::too old \
             (waived: drill, booked: 2026-12-01)%0Ahelp: run a drill%0Aplans/p.toml:1:1: the key"
        );
    }
}
