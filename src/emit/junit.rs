//! `junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure).
//!
//! One `<testsuite>` per file (the files the run reports on, plus any file with a finding),
//! sorted by path. In each, one `<testcase name="LC202 drill-recency">` per rule with
//! findings in that file, or one passing `<testcase name="no findings">` for a clean file.
//! A test case fails (`<failure type="error|warning">`) when the rule has an unwaived
//! error there, or an unwaived warning under `--deny-warnings`; its text lists every finding
//! of the rule in the file, one `path:line:col: level CODE name: message` line each. Without
//! `--deny-warnings` warnings do not fail the run, so a test case with only warnings passes
//! and carries them in `<system-out>`. A test case whose findings are all waived does not
//! fail: it is `<skipped message="waived: reason">`, with the findings in `<system-out>`,
//! because a waiver is an accepted exception, not a passing check.
//!
//! Text is escaped for XML 1.0; characters XML 1.0 cannot carry at all (most control
//! characters) are dropped.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::RunContext;
use crate::diagnostic::{Finding, Level};
use crate::report::Report;
use crate::source::{FileId, Files};

/// Whether XML 1.0 allows the character anywhere in a document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes character data.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| is_xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A bare CR would be read back as LF.
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a double-quoted attribute value; whitespace other than a space is written as a
/// character reference so that attribute-value normalisation keeps it.
pub fn escape_attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| is_xml_char(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// `path:line:col: level CODE name: message`, marked when waived.
fn finding_line(files: &Files, finding: &Finding) -> String {
    let file = files.get(finding.file);
    let (start, _) = file.range_positions(&finding.span);
    let mut line = format!(
        "{}:{}:{}: {} {} {}: {}",
        file.path,
        start.line,
        start.column,
        finding.level.as_str(),
        finding.rule.code,
        finding.rule.name,
        finding.message
    );
    if let Some(waiver) = &finding.waiver {
        line.push_str(&format!(" (waived: {})", waiver.reason));
    }
    if let Some(help) = &finding.help {
        line.push_str(&format!("\n  help: {help}"));
    }
    line
}

/// What one test case holds: the findings of one rule in one file.
enum Outcome<'a> {
    Passed,
    Failed(Vec<&'a Finding>),
    /// Unwaived warnings that do not fail the run: a passing case that shows them.
    Warned(Vec<&'a Finding>),
    Waived(Vec<&'a Finding>),
}

struct Case<'a> {
    name: String,
    outcome: Outcome<'a>,
}

fn cases<'a>(findings: &[&'a Finding], deny_warnings: bool) -> Vec<Case<'a>> {
    if findings.is_empty() {
        return vec![Case {
            name: "no findings".to_owned(),
            outcome: Outcome::Passed,
        }];
    }
    let mut by_rule: BTreeMap<&str, Vec<&'a Finding>> = BTreeMap::new();
    for finding in findings {
        by_rule.entry(finding.rule.code).or_default().push(finding);
    }
    by_rule
        .into_values()
        .map(|findings| {
            let rule = findings[0].rule;
            let active = findings.iter().filter(|f| f.is_active());
            // A draft's notes never fail, not even with --deny-warnings: like warnings
            // without it, they are shown in the case's output.
            let failing = active
                .clone()
                .any(|f| f.level == Level::Error || (deny_warnings && f.level == Level::Warning));
            let warned = active.count() > 0;
            Case {
                name: format!("{} {}", rule.code, rule.name),
                outcome: if failing {
                    Outcome::Failed(findings)
                } else if warned {
                    Outcome::Warned(findings)
                } else {
                    Outcome::Waived(findings)
                },
            }
        })
        .collect()
}

fn write_case(out: &mut dyn Write, files: &Files, path: &str, case: &Case<'_>) -> io::Result<()> {
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\"",
        escape_attribute(&case.name),
        escape_attribute(path),
        escape_attribute(path)
    );
    let lines = |findings: &[&Finding]| {
        findings
            .iter()
            .map(|f| finding_line(files, f))
            .collect::<Vec<_>>()
            .join("\n")
    };
    match &case.outcome {
        Outcome::Passed => writeln!(out, "{open}/>"),
        Outcome::Warned(findings) => {
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape_text(&lines(findings))
            )?;
            writeln!(out, "    </testcase>")
        }
        Outcome::Failed(findings) => {
            let active: Vec<&&Finding> = findings.iter().filter(|f| f.is_active()).collect();
            let level = if active.iter().any(|f| f.level == Level::Error) {
                Level::Error
            } else {
                Level::Warning
            };
            let message = match active.len() {
                1 => active[0].message.clone(),
                n => format!("{n} findings; the first: {}", active[0].message),
            };
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                level.as_str(),
                escape_attribute(&message),
                escape_text(&lines(findings))
            )?;
            writeln!(out, "    </testcase>")
        }
        Outcome::Waived(findings) => {
            let reasons: BTreeSet<&str> = findings
                .iter()
                .filter_map(|f| f.waiver.as_ref().map(|w| w.reason.as_str()))
                .collect();
            let reasons: Vec<&str> = reasons.into_iter().collect();
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                "      <skipped message=\"{}\"/>",
                escape_attribute(&format!("waived: {}", reasons.join("; ")))
            )?;
            writeln!(
                out,
                "      <system-out>{}</system-out>",
                escape_text(&lines(findings))
            )?;
            writeln!(out, "    </testcase>")
        }
    }
}

struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
}

fn count(cases: &[Case<'_>]) -> Counts {
    Counts {
        tests: cases.len(),
        failures: cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Failed(_)))
            .count(),
        skipped: cases
            .iter()
            .filter(|c| matches!(c.outcome, Outcome::Waived(_)))
            .count(),
    }
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_in(report, &RunContext::default(), out)
}

/// JUnit XML; `--deny-warnings` (in `context`) turns warnings into failures.
pub fn write_in(report: &Report, context: &RunContext, out: &mut dyn Write) -> io::Result<()> {
    let files = &report.files;
    let mut by_file: BTreeMap<&str, (FileId, Vec<&Finding>)> = BTreeMap::new();
    for (id, file) in files.iter() {
        if report
            .scope
            .as_ref()
            .is_none_or(|scope| scope.contains(&id))
        {
            by_file.entry(&file.path).or_insert((id, Vec::new()));
        }
    }
    for finding in &report.findings {
        let path = files.get(finding.file).path.as_str();
        by_file
            .entry(path)
            .or_insert((finding.file, Vec::new()))
            .1
            .push(finding);
    }
    let suites: Vec<(&str, Vec<Case<'_>>)> = by_file
        .into_iter()
        .map(|(path, (_, findings))| (path, cases(&findings, context.deny_warnings)))
        .collect();
    let all: Vec<Counts> = suites.iter().map(|(_, cases)| count(cases)).collect();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="launchcheck" tests="{}" failures="{}" errors="0" skipped="{}">"#,
        all.iter().map(|c| c.tests).sum::<usize>(),
        all.iter().map(|c| c.failures).sum::<usize>(),
        all.iter().map(|c| c.skipped).sum::<usize>(),
    )?;
    for ((path, cases), counts) in suites.iter().zip(&all) {
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{}" errors="0" skipped="{}">"#,
            escape_attribute(path),
            counts.tests,
            counts.failures,
            counts.skipped
        )?;
        for case in cases {
            write_case(out, files, path, case)?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_escape_markup_and_drop_characters_xml_cannot_hold() {
        assert_eq!(
            escape_text("a < b && c > d\u{0}\u{1b}\u{FFFE}"),
            "a &lt; b &amp;&amp; c &gt; d"
        );
        assert_eq!(
            escape_attribute("\"x\" 'y'\n\tz\r<"),
            "&quot;x&quot; &apos;y&apos;&#10;&#9;z&#13;&lt;"
        );
        assert_eq!(escape_text("标题 ✓ 𝄞"), "标题 ✓ 𝄞");
    }
}
