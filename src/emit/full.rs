//! `full`: rustc-style diagnostics rendered by miette, with the source excerpt, labelled
//! spans (related spans in other files as their own excerpts), help, and a summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, Severity, SourceCode, SourceSpan, SpanContents,
};

use super::Style;
use crate::diagnostic::{Finding, Level};
use crate::report::Report;
use crate::source::{Files, SourceFile};

/// A file's text under its repository path, for miette.
struct NamedText<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for NamedText<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        // miette counts the column of the `file:line:col` header in bytes; the other formats
        // count characters, so a line with Chinese text before the span would disagree.
        let column = if before == 0 {
            char_column(self.text, span.offset())
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}

/// The 0-based column, in characters, of byte `offset` within its line.
fn char_column(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    text[line_start..offset].chars().count()
}

/// One finding (or a related location in another file) as a miette diagnostic.
struct Rendered<'a> {
    message: String,
    code: Option<String>,
    severity: Severity,
    help: Option<String>,
    source: NamedText<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered<'a>>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}

fn named(file: &SourceFile) -> NamedText<'_> {
    NamedText {
        name: &file.path,
        text: &file.text,
    }
}

/// A visible span: empty spans widen to one character (or the first line at the start).
fn visible(file: &SourceFile, span: &std::ops::Range<usize>) -> SourceSpan {
    let span = file.clamp(span.clone());
    if span.is_empty() {
        if span.start == 0 {
            let line = file.line_span(1);
            return (line.start, line.len()).into();
        }
        return (span.start, 0).into();
    }
    (span.start, span.len()).into()
}

fn render_finding<'a>(files: &'a Files, finding: &Finding) -> Rendered<'a> {
    let file = files.get(finding.file);
    let severity = match (finding.waiver.is_some(), finding.level) {
        (true, _) => Severity::Advice,
        (false, Level::Error) => Severity::Error,
        (false, Level::Warning) => Severity::Warning,
        (false, Level::Note) => Severity::Advice,
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        primary_label(finding),
        visible(file, &finding.span),
    )];
    let mut related = Vec::new();
    for r in &finding.related {
        let other = files.get(r.file);
        if r.file == finding.file {
            labels.push(LabeledSpan::new_with_span(
                Some(r.message.clone()),
                visible(other, &r.span),
            ));
        } else {
            // The excerpt's header names the file, so the underline needs no label.
            related.push(Rendered {
                message: r.message.clone(),
                code: None,
                severity: Severity::Advice,
                help: None,
                source: named(other),
                labels: vec![LabeledSpan::new_primary_with_span(
                    None,
                    visible(other, &r.span),
                )],
                related: Vec::new(),
            });
        }
    }
    let mut help = finding.help.clone();
    if let Some(waiver) = &finding.waiver {
        let ticket = waiver
            .ticket
            .as_deref()
            .map(|t| format!(" ({t})"))
            .unwrap_or_default();
        let note = format!("waiver reason: {}{ticket}", waiver.reason);
        help = Some(match help {
            Some(h) => format!("{h}\n{note}"),
            None => note,
        });
    }
    Rendered {
        message: finding.message.clone(),
        code: Some(format!("{} {}", finding.rule.code, finding.rule.name)),
        severity,
        help,
        source: named(file),
        labels,
        related,
    }
}

/// The message above the excerpt already says what is wrong, so an active finding's
/// underline carries no label; a waived one says who waived it and until when.
fn primary_label(finding: &Finding) -> Option<String> {
    finding
        .waiver
        .as_ref()
        .map(|w| format!("waived by {} until {}", w.approved_by, w.expires))
}

/// Renders diagnostics to text; used for findings and for configuration errors.
pub fn render(files: &Files, findings: &[Finding], style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_show_related_as_nested(true)
        // Ids and tickets (`LR-2026-0142`, `CHG-7003`) hold hyphens: a line may break between
        // words, never inside one at a hyphen.
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for finding in findings {
        let rendered = render_finding(files, finding);
        if handler.render_report(&mut out, &rendered).is_err() {
            // Rendering can only fail on a formatter error; fall back to the plain line.
            out.push_str(&format!("{}: {}\n", finding.rule.code, finding.message));
        }
        out.push('\n');
    }
    out
}

pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(&report.files, &report.findings, style).as_bytes())?;
    if !style.quiet {
        writeln!(out, "{}", super::summary_line(report))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{render, Style};
    use crate::diagnostic::Finding;
    use crate::source::{Files, SourceFile};

    /// Ids and tickets hold hyphens; wrapping must move them whole to the next line.
    #[test]
    fn wrapping_does_not_split_ids_at_their_hyphens() {
        let ids = [
            "LR-2026-0142",
            "LR-2026-0143",
            "LR-2026-0144",
            "RP-payments-eu",
            "CHG-7003",
            "INC-9921",
        ];
        let mut files = Files::default();
        // The excerpt holds no id, so every id in the output comes from the message or help.
        let text = "kind = \"launch-request\"\nid = \"a\"\n";
        let file = files.add(SourceFile::new("launches/a.toml", text));
        let message = format!(
            "the window overlaps {}, {} and {} on payments-api, which {} covers; see {} and {}",
            ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]
        );
        let finding =
            Finding::new(&crate::rules::CHANGE_COLLISION, file, 29..32, message).help(format!(
                "ask the owners of {}, {} and {} ({}, {}) to move",
                ids[0], ids[1], ids[2], ids[4], ids[5]
            ));
        let style = Style {
            color: false,
            quiet: true,
            width: 40,
        };
        let out = render(&files, &[finding], style);
        let message_lines = out.lines().take_while(|l| !l.contains("╭─")).count();
        assert!(message_lines > 3, "the message is wrapped:\n{out}");
        for id in ids {
            // Each id appears in the message, and all but the plan in the help.
            let wanted = if id.starts_with("RP-") { 1 } else { 2 };
            assert_eq!(
                out.matches(id).count(),
                wanted,
                "`{id}` split or lost:\n{out}"
            );
        }
    }
}
