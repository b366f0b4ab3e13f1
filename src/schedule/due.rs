//! `launchcheck due` output: the forecast as text (one line per deadline), JSON in its pinned
//! shape, or a Markdown table.

use serde::Serialize;

use super::forecast::{Due, Item};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    now: String,
    within_days: i64,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    date: String,
    deadline: String,
    what: &'a str,
    path: &'a str,
    line: usize,
    rule: Option<&'static str>,
    code: Option<&'static str>,
    message: Option<&'a str>,
}

/// `{"version":1, "now", "within_days", "items":[...]}`.
pub fn json(due: &Due) -> String {
    let items = due
        .items
        .iter()
        .map(|item| JsonItem {
            date: item.date.to_string(),
            deadline: item.deadline.date.to_string(),
            what: &item.deadline.what,
            path: &item.deadline.path,
            line: item.finding.as_ref().map_or(item.deadline.line, |f| f.line),
            rule: item.finding.as_ref().map(|f| f.rule),
            code: item.finding.as_ref().map(|f| f.code),
            message: item.finding.as_ref().map(|f| f.message.as_str()),
        })
        .collect();
    let output = Output {
        version: 1,
        now: due.schedule.now.to_string(),
        within_days: due.within_days,
        items,
    };
    serde_json::to_string_pretty(&output).unwrap_or_default() + "\n"
}

/// `2026-12-10  LC202 drill-recency on plans/search.toml: <message>`, or, for a deadline
/// that brings no new finding, `2026-12-10  <what> (plans/search.toml:12; last day 2026-12-09)`.
pub fn text(due: &Due) -> String {
    let mut out = String::new();
    for item in &due.items {
        out.push_str(&line(item));
        out.push('\n');
    }
    if due.items.is_empty() {
        out.push_str(&format!(
            "Nothing falls due in the next {} days.\n",
            due.within_days
        ));
    }
    out
}

fn line(item: &Item) -> String {
    let deadline = &item.deadline;
    match &item.finding {
        Some(f) => format!(
            "{}  {} {} on {}: {}",
            item.date, f.code, f.rule, deadline.path, f.message
        ),
        None => format!(
            "{}  {} ({}:{}; last day {})",
            item.date, deadline.what, deadline.path, deadline.line, deadline.date
        ),
    }
}

/// A Markdown table, for job summaries and wikis.
pub fn markdown(due: &Due) -> String {
    let mut out = format!("## Due in the next {} days\n\n", due.within_days);
    if due.items.is_empty() {
        out.push_str("Nothing falls due.\n");
        return out;
    }
    out.push_str("| from | last day | what | file | finding if nothing is done |\n");
    out.push_str("|---|---|---|---|---|\n");
    for item in &due.items {
        let finding = item.finding.as_ref().map_or_else(
            || "—".to_owned(),
            |f| format!("{} `{}`: {}", f.code, f.rule, cell(&f.message)),
        );
        out.push_str(&format!(
            "| {} | {} | {} | `{}:{}` | {} |\n",
            item.date,
            item.deadline.date,
            cell(&item.deadline.what),
            cell(&item.deadline.path),
            item.deadline.line,
            finding
        ));
    }
    out
}

/// Text safe inside a Markdown table cell.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
