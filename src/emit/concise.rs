//! `concise`: one line per finding, `path:line:col: LEVEL CODE name: message`.

use std::io::{self, Write};

use super::Style;
use crate::report::Report;

pub fn write(report: &Report, style: Style, out: &mut dyn Write) -> io::Result<()> {
    for finding in &report.findings {
        let file = report.files.get(finding.file);
        let (start, _) = file.range_positions(&finding.span);
        let waived = if finding.waiver.is_some() {
            " (waived)"
        } else {
            ""
        };
        writeln!(
            out,
            "{}:{}:{}: {} {} {}: {}{waived}",
            file.path,
            start.line,
            start.column,
            finding.level.as_str(),
            finding.rule.code,
            finding.rule.name,
            single_line(&finding.message),
        )?;
    }
    if !style.quiet {
        writeln!(out, "{}", super::summary_line(report))?;
    }
    Ok(())
}

fn single_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}
