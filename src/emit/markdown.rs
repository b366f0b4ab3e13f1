//! `markdown`: a GitHub-flavoured Markdown summary for `$GITHUB_STEP_SUMMARY` (or a pull
//! request comment): the totals, a table of findings with `path:line` links, and the
//! launches in the change with their windows in UTC.
//!
//! Links are relative to the launch repository's root, or, when the run knows where the
//! files are on the web (GitHub Actions' `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY` and
//! `GITHUB_SHA`), absolute links to the blob at that commit: a job summary is not shown next
//! to the files, so relative links would lead nowhere.
//!
//! "Launches in this change" are the launches whose files the run reports on (a pull
//! request's changed files, or the paths given); a run over the whole repository lists the
//! upcoming launches instead, those whose window ends after now. The output depends only on
//! the report, so the same input gives the same summary.

use std::io::{self, Write};

use super::{plural, uri_path, RunContext};
use crate::diagnostic::{Finding, Level};
use crate::report::{LaunchSummary, Report};

/// More rows than this would approach the 1 MiB limit of a job summary.
const MAX_ROWS: usize = 1000;

/// Escapes text outside code spans: every ASCII punctuation character Markdown could read
/// as markup gets a backslash, line breaks become `<br>`.
fn escape_plain(text: &str, out: &mut String) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
}

/// Escapes text for one table cell. Backtick code spans in messages (`` `rollback` ``) stay
/// code spans; inside them only `|` needs escaping (the table is split before code spans
/// are read) and line breaks become spaces. Unbalanced backticks are escaped like the rest.
pub fn escape_cell(text: &str) -> String {
    // Control characters have no business in a summary and some break rendering.
    let text: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    let text = text.as_str();
    let mut out = String::with_capacity(text.len() + 8);
    if text.matches('`').count() % 2 == 1 {
        escape_plain(text, &mut out);
        return out;
    }
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 0 {
            escape_plain(part, &mut out);
        } else if part.is_empty() {
            // "``" is no code span; keep both backticks visible.
            out.push_str("\\`\\`");
        } else {
            out.push('`');
            out.push_str(&part.replace('|', "\\|").replace(['\r', '\n'], " "));
            out.push('`');
        }
    }
    out
}

/// Where a file is: `base` (the root on the web, ending in `/`) and the encoded path, or
/// the path alone, relative to the root.
fn target(path: &str, base: Option<&str>) -> String {
    format!("{}{}", base.unwrap_or_default(), uri_path(path))
}

/// `[path:line](path#Lline)`, relative to the repository root or under `base`.
fn link(path: &str, line: usize, base: Option<&str>) -> String {
    let mut text = String::new();
    escape_plain(&format!("{path}:{line}"), &mut text);
    format!("[{text}]({}#L{line})", target(path, base))
}

fn level_cell(finding: &Finding) -> &'static str {
    match (&finding.waiver, finding.level) {
        (Some(_), _) => "💤 waived",
        (None, Level::Error) => "❌ error",
        (None, Level::Warning) => "⚠️ warning",
        (None, Level::Note) => "📝 note",
    }
}

fn window(launch: &LaunchSummary) -> String {
    let start = launch.start.strftime("%Y-%m-%d %H:%M").to_string();
    let same_day = launch.start.strftime("%Y-%m-%d").to_string()
        == launch.end.strftime("%Y-%m-%d").to_string();
    let end = if same_day {
        launch.end.strftime("%H:%M").to_string()
    } else {
        launch.end.strftime("%Y-%m-%d %H:%M").to_string()
    };
    format!("{start} – {end}")
}

fn headline(report: &Report) -> String {
    let totals = report.totals();
    let files = plural(report.files_checked, "file");
    let waived = if totals.waived > 0 {
        format!(" ({} waived)", totals.waived)
    } else {
        String::new()
    };
    if totals.errors == 0 && totals.warnings == 0 {
        format!("✅ No errors or warnings in {files} checked{waived}.")
    } else {
        let mark = if totals.errors > 0 { "❌" } else { "⚠️" };
        format!(
            "{mark} **{}** and **{}** in {files} checked{waived}.",
            plural(totals.errors, "error"),
            plural(totals.warnings, "warning"),
        )
    }
}

fn write_findings(report: &Report, base: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    if report.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "| Level | Rule | Location | Message |")?;
    writeln!(out, "|---|---|---|---|")?;
    for finding in report.findings.iter().take(MAX_ROWS) {
        let file = report.files.get(finding.file);
        let (start, _) = file.range_positions(&finding.span);
        let mut message = escape_cell(&finding.message);
        if let Some(waiver) = &finding.waiver {
            message.push_str(&format!("<br>*waived: {}*", escape_cell(&waiver.reason)));
        } else if let Some(help) = &finding.help {
            message.push_str(&format!("<br>*help: {}*", escape_cell(help)));
        }
        writeln!(
            out,
            "| {} | `{}` {} | {} | {message} |",
            level_cell(finding),
            finding.rule.code,
            finding.rule.name,
            link(&file.path, start.line, base),
        )?;
    }
    if report.findings.len() > MAX_ROWS {
        writeln!(
            out,
            "\n… and {} more; the other output formats list them all.",
            plural(report.findings.len() - MAX_ROWS, "finding")
        )?;
    }
    writeln!(out)
}

/// The launches to list and whether they are the change's or the upcoming ones.
fn launches_shown(report: &Report) -> (Vec<&LaunchSummary>, bool) {
    let mut launches: Vec<&LaunchSummary> = match &report.scope {
        Some(scope) => report
            .launches
            .iter()
            .filter(|l| scope.contains(&l.file))
            .collect(),
        None => report
            .launches
            .iter()
            .filter(|l| l.end > report.now)
            .collect(),
    };
    launches.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    (launches, report.scope.is_some())
}

fn launch_findings(report: &Report, launch: &LaunchSummary) -> String {
    let mut errors = 0;
    let mut warnings = 0;
    for finding in report
        .findings
        .iter()
        .filter(|f| f.file == launch.file && f.is_active())
    {
        match finding.level {
            Level::Error => errors += 1,
            Level::Warning => warnings += 1,
            Level::Note => {}
        }
    }
    match (errors, warnings) {
        (0, 0) => "✅".to_owned(),
        (e, 0) => format!("❌ {}", plural(e, "error")),
        (0, w) => format!("⚠️ {}", plural(w, "warning")),
        (e, w) => format!("❌ {}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

fn write_launches(report: &Report, base: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
    let (launches, in_change) = launches_shown(report);
    if in_change {
        writeln!(out, "### Launches in this change\n")?;
    } else {
        writeln!(out, "### Upcoming launches\n")?;
    }
    if launches.is_empty() {
        let none = if in_change {
            "This change touches no launch request."
        } else {
            "No launch window ends after now."
        };
        return writeln!(out, "{none}");
    }
    writeln!(
        out,
        "| Launch | Title | Window (UTC) | Risk | Status | Findings |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|")?;
    for launch in launches {
        let path = &report.files.get(launch.file).path;
        writeln!(
            out,
            "| [{}]({}) | {} | {} | {} | {} | {} |",
            escape_cell(&launch.id),
            target(path, base),
            escape_cell(&launch.title),
            window(launch),
            escape_cell(&launch.risk),
            escape_cell(&launch.status),
            launch_findings(report, launch),
        )?;
    }
    Ok(())
}

/// How far ahead the "coming up" section looks.
const COMING_UP_DAYS: i64 = 14;

/// `## Coming up (next 14 days)`: launch windows that start, freezes in force and deadlines
/// (the schedule of `launchcheck calendar`) within the next 14 days.
fn write_coming_up(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let Some(schedule) = &report.schedule else {
        return Ok(());
    };
    let mut coming = schedule.coming_up(COMING_UP_DAYS);
    // A run limited to some files (a pull request's changes, explicit paths) did not read
    // the whole repository; its schedule is that of those files.
    if let Some(scope) = &report.scope {
        let paths: std::collections::HashSet<&str> = scope
            .iter()
            .map(|&id| report.files.get(id).path.as_str())
            .collect();
        coming.launches.retain(|l| scope.contains(&l.file));
        coming.deadlines.retain(|d| paths.contains(d.path.as_str()));
    }
    let utc = |at: jiff::Timestamp| at.strftime("%Y-%m-%d %H:%M").to_string();
    writeln!(out, "\n## Coming up (next {COMING_UP_DAYS} days)\n")?;
    if report.scope.is_some() {
        writeln!(out, "For the files this run reports on.\n")?;
    }
    writeln!(out, "#### Launch windows\n")?;
    if coming.launches.is_empty() {
        writeln!(out, "No launch window starts.\n")?;
    } else {
        writeln!(
            out,
            "| Starts (UTC) | Ends (UTC) | Launch | Services | Risk | Status |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for launch in &coming.launches {
            writeln!(
                out,
                "| {} | {} | {} — {} | {} | {} | {} |",
                utc(launch.start),
                utc(launch.end),
                escape_cell(&launch.id),
                escape_cell(&launch.title),
                escape_cell(&launch.services.join(", ")),
                launch.risk.as_str(),
                launch.status.as_str(),
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "#### Freezes\n")?;
    if coming.freezes.is_empty() {
        writeln!(out, "No freeze is in force.\n")?;
    } else {
        writeln!(
            out,
            "| Freeze | From (UTC) | Until (UTC) | May still launch |"
        )?;
        writeln!(out, "|---|---|---|---|")?;
        for freeze in &coming.freezes {
            let allowed = if freeze.allow.is_empty() {
                "nothing".to_owned()
            } else {
                freeze.allow.join(", ")
            };
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                escape_cell(&freeze.name),
                utc(freeze.start),
                utc(freeze.end),
                escape_cell(&allowed),
            )?;
        }
        writeln!(out)?;
    }
    writeln!(out, "#### Deadlines\n")?;
    if coming.deadlines.is_empty() {
        return writeln!(out, "Nothing falls due.");
    }
    writeln!(out, "| Last day | What | File | Then |")?;
    writeln!(out, "|---|---|---|---|")?;
    for deadline in &coming.deadlines {
        let rule = deadline.rule;
        writeln!(
            out,
            "| {} | {} | {} | `{}` {} |",
            deadline.date,
            escape_cell(&deadline.what),
            escape_cell(&format!("{}:{}", deadline.path, deadline.line)),
            rule.code,
            rule.name,
        )?;
    }
    Ok(())
}

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    write_in(report, &RunContext::default(), out)
}

/// The summary, with absolute links when `context` has a blob base.
pub fn write_in(report: &Report, context: &RunContext, out: &mut dyn Write) -> io::Result<()> {
    let base = context.blob_base.as_deref();
    writeln!(out, "## launchcheck\n")?;
    writeln!(out, "{}\n", headline(report))?;
    write_findings(report, base, out)?;
    write_launches(report, base, out)?;
    write_coming_up(report, out)?;
    writeln!(
        out,
        "\n<sub>launchcheck {} · checked as of {}</sub>",
        env!("CARGO_PKG_VERSION"),
        report.now.strftime("%Y-%m-%d %H:%M UTC")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_markup_and_line_breaks() {
        assert_eq!(escape_cell("a | b"), "a \\| b");
        assert_eq!(
            escape_cell("line1\r\nline2\nline3"),
            "line1<br>line2<br>line3"
        );
        assert_eq!(escape_cell("<script>*x*"), "\\<script\\>\\*x\\*");
        assert_eq!(escape_cell("[link](http://x)"), "\\[link\\](http://x)");
        assert_eq!(escape_cell("bell\u{7}\u{0}"), "bell");
    }

    #[test]
    fn code_spans_stay_code_spans_with_only_pipes_escaped() {
        assert_eq!(
            escape_cell("unknown key `a|b*c` at `x`"),
            "unknown key `a\\|b*c` at `x`"
        );
        assert_eq!(escape_cell("odd ` tick"), "odd \\` tick");
        assert_eq!(escape_cell("`multi\nline`"), "`multi line`");
    }

    #[test]
    fn links_point_at_the_line_with_encoded_paths() {
        assert_eq!(
            link("launches/a b#1.toml", 14, None),
            "[launches/a b\\#1.toml:14](launches/a%20b%231.toml#L14)"
        );
        assert_eq!(
            link("a b.toml", 3, Some("https://github.com/o/r/blob/abc/ops/")),
            "[a b.toml:3](https://github.com/o/r/blob/abc/ops/a%20b.toml#L3)"
        );
    }
}
