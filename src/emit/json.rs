//! `json`: one object in the pinned shape documented in the guide; 1-based lines, character
//! columns, inclusive ends.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::Report;
use crate::source::Files;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    now: String,
    files_checked: usize,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'static str,
    code: &'static str,
    level: &'static str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    waiver: Option<JsonWaiver<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonWaiver<'a> {
    reason: &'a str,
    approved_by: &'a str,
    expires: &'a str,
    ticket: Option<&'a str>,
    path: &'a str,
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    waived: usize,
    notes: usize,
}

fn start(files: &Files, file: usize, span: &std::ops::Range<usize>) -> (usize, usize) {
    let p = files.get(file).position(span.start);
    (p.line, p.column)
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let files = &report.files;
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let file = files.get(f.file);
            let (s, e) = file.range_positions(&f.span);
            JsonFinding {
                rule: f.rule.name,
                code: f.rule.code,
                level: f.level.as_str(),
                path: &file.path,
                line: s.line,
                column: s.column,
                end_line: e.line,
                end_column: e.column,
                message: &f.message,
                help: f.help.as_deref(),
                related: f
                    .related
                    .iter()
                    .map(|r| {
                        let (line, column) = start(files, r.file, &r.span);
                        JsonRelated {
                            path: &files.get(r.file).path,
                            line,
                            column,
                            message: &r.message,
                        }
                    })
                    .collect(),
                waiver: f.waiver.as_ref().map(|w| {
                    let (line, column) = start(files, w.file, &w.span);
                    JsonWaiver {
                        reason: &w.reason,
                        approved_by: &w.approved_by,
                        expires: &w.expires,
                        ticket: w.ticket.as_deref(),
                        path: &files.get(w.file).path,
                        line,
                        column,
                    }
                }),
            }
        })
        .collect();
    let totals = report.totals();
    let output = Output {
        version: 1,
        tool: Tool {
            name: "launchcheck",
            version: env!("CARGO_PKG_VERSION"),
        },
        now: report.now.to_string(),
        files_checked: report.files_checked,
        findings,
        summary: Summary {
            errors: totals.errors,
            warnings: totals.warnings,
            waived: totals.waived,
            notes: totals.notes,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
