//! `html`: one self-contained page for people who would rather look than read: the totals,
//! a timeline of the coming weeks (launch windows as bars in one lane per service, freezes
//! as hatched bands, deadline markers), the same schedule as tables, then the findings by
//! file with their source excerpts.
//!
//! The page loads nothing (a Content-Security-Policy forbids it), needs no script, and
//! says everything in text as well as colour: errors carry "✖", collisions "⚠", freezes a
//! hatch pattern and their name. Every finding is an element with `data-finding`, every
//! launch row one with `data-launch`, so a browser test can count what the page shows.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use jiff::{SignedDuration, Timestamp, ToSpan};

use super::plural;
use crate::diagnostic::{Finding, Level};
use crate::report::Report;
use crate::schedule::{DeadlineKind, Schedule, ScheduledLaunch};
use crate::source::SourceFile;

/// How many days the timeline shows, from today.
const TIMELINE_DAYS: i64 = 42;
/// Lines of context around a finding's span in its excerpt.
const CONTEXT_LINES: usize = 2;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line breaks are not valid HTML text.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink:#1a1a1a; --muted:#555; --line:#c8c8c8; --error:#a4001d; --warning:#7a4a00;
  --ok:#1d6b2f; --bar:#1f4e8c; --bg:#fff; --band:#6b6b6b; --lane:150px; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans",
  "Noto Sans CJK SC", sans-serif; color:var(--ink); background:var(--bg); }
header, main { max-width:1240px; margin:0 auto; padding:0 20px; }
header { padding-top:16px; }
h1 { font-size:1.5rem; margin:0 0 4px; }
h2 { font-size:1.2rem; margin:28px 0 10px; border-bottom:2px solid var(--ink); padding-bottom:2px; }
h3 { font-size:1rem; margin:20px 0 8px; }
h3.path { font-family:ui-monospace, Menlo, Consolas, monospace; overflow-wrap:anywhere; }
.meta { color:var(--muted); margin:0; }
.totals { display:flex; flex-wrap:wrap; gap:10px; list-style:none; padding:0; margin:8px 0; }
.totals li { border:2px solid var(--line); border-radius:6px; padding:6px 12px; min-width:120px; }
.totals .n { display:block; font-size:1.6rem; font-weight:700; }
.totals .error { border-color:var(--error); color:var(--error); }
.totals .warning { border-color:var(--warning); color:var(--warning); }
.scroll { overflow-x:auto; }
.timeline { position:relative; min-width:720px; border:1px solid var(--line); margin:6px 0; }
.axis, .lane { display:grid; grid-template-columns:var(--lane) 1fr; }
.axis .track { height:26px; }
.lane { border-top:1px solid var(--line); }
.lane .name { padding:6px 8px; font-weight:600; overflow-wrap:anywhere; font-size:.85rem;
  border-right:1px solid var(--line); background:#f6f6f6; }
.track { position:relative; min-height:46px;
  background:repeating-linear-gradient(to right, transparent 0, transparent calc(100%/42 - 1px),
  #ececec calc(100%/42 - 1px), #ececec calc(100%/42)); }
.tick { position:absolute; top:4px; font-size:.75rem; color:var(--muted); white-space:nowrap;
  border-left:1px solid var(--muted); padding-left:3px; }
.band { position:absolute; top:0; bottom:0; border-left:2px dashed var(--band);
  border-right:2px dashed var(--band); pointer-events:none;
  background:repeating-linear-gradient(135deg, rgba(90,90,90,.16) 0 6px, transparent 6px 12px); }
.band span { position:absolute; bottom:2px; left:4px; font-size:.75rem; font-weight:700;
  background:#fff; padding:0 3px; white-space:nowrap; }
.bar { position:absolute; top:8px; height:30px; min-width:10px; background:var(--bar); color:#fff;
  border-radius:3px; }
.bar .label { position:absolute; left:calc(100% + 4px); top:5px; color:var(--ink); font-size:.78rem;
  white-space:nowrap; background:rgba(255,255,255,.85); padding:0 2px; }
.bar.errors { background:var(--error); outline:3px dashed var(--error); outline-offset:2px; }
.bar.collision { border:3px double #fff; }
.bar.incident { background:repeating-linear-gradient(135deg, #9c4a00 0 6px, #b8641a 6px 12px); }
.bar.incident .label { left:6px; color:#fff; }
.bar.tentative { background:repeating-linear-gradient(90deg, var(--bar) 0 4px, #7f9cc4 4px 8px); }
.marker { position:absolute; top:6px; font-size:.78rem; white-space:nowrap;
  border-left:3px solid var(--ink); padding-left:4px; line-height:1.2; }
.marker.stale { border-left-style:double; }
table { border-collapse:collapse; width:100%; margin:8px 0; font-size:.9rem; }
th, td { border:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; }
th { background:#f0f0f0; }
td.day { white-space:nowrap; }
.finding { border:1px solid var(--line); border-left:6px solid var(--muted); border-radius:4px;
  padding:8px 12px; margin:10px 0; break-inside:avoid; }
.finding.error { border-left-color:var(--error); }
.finding.warning { border-left-color:var(--warning); border-left-style:double; }
.finding.waived { border-left-style:dotted; }
.finding p { margin:4px 0; }
.badge { font-weight:700; }
.finding.error .badge { color:var(--error); }
.finding.warning .badge { color:var(--warning); }
.help, .related, .waiver { color:var(--muted); }
pre.excerpt { background:#f7f7f7; border:1px solid var(--line); padding:6px 0; overflow-x:auto;
  font:13px/1.4 ui-monospace, Menlo, Consolas, "Noto Sans Mono CJK SC", monospace; margin:6px 0; }
pre.excerpt span.l { display:block; padding:0 10px; white-space:pre; }
pre.excerpt span.l.hit { background:#fff0c2; }
pre.excerpt .no { display:inline-block; min-width:4ch; color:var(--muted); text-align:right;
  margin-right:1ch; user-select:none; }
pre.excerpt mark { background:#ffd666; color:inherit; text-decoration:underline wavy var(--error); }
.ok { color:var(--ok); font-weight:700; }
.sr { position:absolute; width:1px; height:1px; overflow:hidden; clip:rect(0 0 0 0); }
footer { max-width:1240px; margin:30px auto; padding:0 20px; color:var(--muted); font-size:.85rem; }
@media (max-width: 640px) {
  :root { --lane:92px; }
  header, main { padding:0 10px; }
  .lane .name { font-size:.75rem; padding:4px; }
  .totals li { min-width:0; flex:1 1 40%; }
  table { display:block; overflow-x:auto; }
  h1 { font-size:1.25rem; }
}
@media print {
  body { font-size:11pt; }
  .scroll { overflow:visible; }
  .timeline { min-width:0; }
  pre.excerpt { white-space:pre-wrap; }
  h2 { break-after:avoid; }
  a { color:inherit; text-decoration:none; }
}
"#;

pub fn write(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render(report).as_bytes())
}

/// The page as a string.
pub fn render(report: &Report) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let checked_at = report.now.strftime("%Y-%m-%d %H:%M UTC").to_string();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>launchcheck report — {checked_at}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>launchcheck report</h1>\n<p class=\"meta\">Checked as of {checked_at} · {} · launchcheck {}</p>\n</header>\n<main>\n",
        plural(report.files_checked, "file"),
        env!("CARGO_PKG_VERSION")
    );
    totals(report, &mut page);
    if let Some(schedule) = &report.schedule {
        timeline(report, schedule, &mut page);
    }
    launches_table(report, &mut page);
    findings(report, &mut page);
    page.push_str("</main>\n<footer>Generated by launchcheck. This page is self-contained: it loads nothing and needs no script.</footer>\n</body>\n</html>\n");
    page
}

fn totals(report: &Report, page: &mut String) {
    let t = report.totals();
    let _ = write!(
        page,
        "<section aria-labelledby=\"totals\">\n<h2 id=\"totals\">Totals</h2>\n<ul class=\"totals\">\n\
         <li class=\"error\" data-total=\"errors\"><span class=\"n\">{}</span>✖ errors</li>\n\
         <li class=\"warning\" data-total=\"warnings\"><span class=\"n\">{}</span>▲ warnings</li>\n\
         <li data-total=\"notes\"><span class=\"n\">{}</span>✎ notes (drafts)</li>\n\
         <li data-total=\"waived\"><span class=\"n\">{}</span>○ waived</li>\n\
         <li data-total=\"files\"><span class=\"n\">{}</span>files checked</li>\n\
         <li data-total=\"launches\"><span class=\"n\">{}</span>launch requests</li>\n</ul>\n</section>\n",
        t.errors,
        t.warnings,
        t.notes,
        t.waived,
        report.files_checked,
        report.launches.len()
    );
}

/// What the findings say about a launch's file: active errors, and collisions.
struct LaunchState {
    errors: usize,
    collides_with: BTreeSet<String>,
}

fn launch_state(report: &Report, file: usize) -> LaunchState {
    let mut state = LaunchState {
        errors: 0,
        collides_with: BTreeSet::new(),
    };
    for finding in report.findings.iter().filter(|f| f.file == file) {
        if finding.waiver.is_none() && finding.level == Level::Error {
            state.errors += 1;
        }
        if std::ptr::eq(finding.rule, &crate::rules::CHANGE_COLLISION) {
            for related in &finding.related {
                if let Some(other) = report.launches.iter().find(|l| l.file == related.file) {
                    state.collides_with.insert(other.id.clone());
                }
            }
            if finding.related.is_empty() {
                state.collides_with.insert("another launch".to_owned());
            }
        }
    }
    state
}

fn describe_state(state: &LaunchState) -> String {
    let mut parts = Vec::new();
    if state.errors > 0 {
        parts.push(format!("✖ {}", plural(state.errors, "error")));
    }
    if !state.collides_with.is_empty() {
        let others: Vec<&str> = state.collides_with.iter().map(String::as_str).collect();
        parts.push(format!("⚠ collides with {}", others.join(", ")));
    }
    if parts.is_empty() {
        "✓ no errors".to_owned()
    } else {
        parts.join("; ")
    }
}

fn timeline(report: &Report, schedule: &Schedule, page: &mut String) {
    let clock = schedule.clock();
    let first_day = clock.date_of(schedule.now);
    let last_day = first_day
        .checked_add(TIMELINE_DAYS.days())
        .unwrap_or(first_day);
    let t0 = clock.start_of_day(first_day);
    let t1 = clock.start_of_day(last_day);
    let total = t1.duration_since(t0).as_secs_f64().max(1.0);
    let pct =
        |at: Timestamp| (at.duration_since(t0).as_secs_f64() / total * 100.0).clamp(0.0, 100.0);
    let in_range = |start: Timestamp, end: Timestamp| start < t1 && end > t0;

    let launches: Vec<&ScheduledLaunch> = schedule
        .launches
        .iter()
        .filter(|l| in_range(l.start, l.end.max(l.start)))
        .collect();
    let mut lanes: BTreeMap<&str, Vec<&ScheduledLaunch>> = BTreeMap::new();
    for launch in &launches {
        for service in &launch.services {
            lanes.entry(service.as_str()).or_default().push(launch);
        }
    }
    let freezes: Vec<_> = schedule
        .freezes
        .iter()
        .filter(|f| in_range(f.start, f.end))
        .collect();
    let deadlines: Vec<_> = schedule
        .deadlines
        .iter()
        .filter(|d| d.date >= first_day && d.date < last_day)
        .collect();

    let _ = write!(
        page,
        "<section aria-labelledby=\"timeline\">\n<h2 id=\"timeline\">Timeline: {first_day} – {last_day}</h2>\n\
         <p class=\"meta\">Days in {}. Bars are launch windows, one lane per service; hatched bands are freezes; \
         ✖ marks a launch with errors, ⚠ a collision, ⚑ an incident still going on, ◆ a drill going stale, ◇ a waiver expiring, • another deadline. \
         The tables below say the same in text.</p>\n<div class=\"scroll\">\n<div class=\"timeline\" aria-hidden=\"true\">\n",
        escape(&zone_name(schedule))
    );
    // Week ticks.
    page.push_str("<div class=\"axis\"><div class=\"name\"></div><div class=\"track\">");
    let mut day = first_day;
    while day < last_day {
        let left = pct(clock.start_of_day(day));
        let _ = write!(
            page,
            "<span class=\"tick\" style=\"left:{left:.3}%\">{}</span>",
            day.strftime("%b %-d")
        );
        day = day.checked_add(7.days()).unwrap_or(last_day);
    }
    page.push_str("</div></div>\n");

    // Deadline lane: drills going stale and waivers expiring, on their last valid day.
    let _ = write!(
        page,
        "<div class=\"lane\" data-lane=\"deadlines\"><div class=\"name\">Deadlines</div><div class=\"track\">"
    );
    for (stagger, deadline) in deadlines.iter().enumerate() {
        let (symbol, class) = match deadline.kind {
            DeadlineKind::DrillStale | DeadlineKind::DrillStaleForLaunch => ("◆", "stale"),
            DeadlineKind::WaiverExpiry => ("◇", "waiver"),
            _ => ("•", "other"),
        };
        let word = match deadline.kind {
            DeadlineKind::DrillStale | DeadlineKind::DrillStaleForLaunch => "drill",
            DeadlineKind::WaiverExpiry => "waiver",
            DeadlineKind::PlanReview => "review",
            DeadlineKind::DrillAction => "action",
            DeadlineKind::EmergencyReview => "emergency review",
            DeadlineKind::LaunchOutcome => "outcome",
            DeadlineKind::PostmortemDue => "postmortem",
            DeadlineKind::PostmortemAction => "postmortem action",
            DeadlineKind::BreachNotification => "breach notification",
            DeadlineKind::ContactVerification => "contact check",
        };
        let left = pct(clock.start_of_day(deadline.date));
        // Alternate rows so that deadlines a few days apart do not print over each other.
        let top = 4 + (stagger % 2) * 20;
        let _ = write!(
            page,
            "<span class=\"marker {class}\" data-marker=\"{class}\" style=\"left:{left:.3}%;top:{top}px\" title=\"{}\">{symbol} {} {word}</span>",
            escape(&deadline.what),
            escape(&deadline.doc_id)
        );
    }
    page.push_str("</div></div>\n");

    for (service, launches) in &lanes {
        let _ = write!(
            page,
            "<div class=\"lane\" data-lane=\"{}\"><div class=\"name\">{}</div><div class=\"track\">",
            escape(service),
            escape(service)
        );
        for launch in launches {
            let state = launch_state(report, launch.file);
            let left = pct(launch.start);
            let width = (pct(launch.end) - left).max(0.0);
            let mut classes = String::from("bar");
            let mut marks = String::new();
            if state.errors > 0 {
                classes.push_str(" errors");
                marks.push_str("✖ ");
            }
            if !state.collides_with.is_empty() {
                classes.push_str(" collision");
                marks.push_str("⚠ ");
            }
            if matches!(
                launch.status,
                crate::model::Status::Draft | crate::model::Status::Submitted
            ) {
                classes.push_str(" tentative");
            }
            let _ = write!(
                page,
                "<div class=\"{classes}\" data-bar=\"{}\" style=\"left:{left:.3}%;width:{width:.3}%\" title=\"{}\"><span class=\"label\">{marks}{}</span></div>",
                escape(&launch.id),
                escape(&format!("{} — {} ({})", launch.id, launch.title, describe_state(&state))),
                escape(&launch.id)
            );
        }
        page.push_str("</div></div>\n");
    }
    // Incidents still going on: a bar from detection to the end of the range, since a
    // launch on their services collides with them until they are resolved.
    if !schedule.open_incidents.is_empty() {
        page.push_str("<div class=\"lane\" data-lane=\"incidents\"><div class=\"name\">Open incidents</div><div class=\"track\">");
        for incident in &schedule.open_incidents {
            let left = pct(incident.detected_at);
            let _ = write!(
                page,
                "<div class=\"bar incident\" data-incident=\"{}\" style=\"left:{left:.3}%;width:{:.3}%\" title=\"{}\"><span class=\"label\">⚑ {}</span></div>",
                escape(&incident.id),
                (100.0 - left).max(0.0),
                escape(&format!(
                    "{} — {} ({}, {}, since {}; {})",
                    incident.id,
                    incident.title,
                    incident.severity,
                    incident.status,
                    clock.show(incident.detected_at),
                    incident.services.join(", ")
                )),
                escape(&incident.id)
            );
        }
        page.push_str("</div></div>\n");
    }
    if lanes.is_empty() {
        page.push_str("<div class=\"lane\"><div class=\"name\">Launches</div><div class=\"track\"><span class=\"tick\" style=\"left:1%\">No launch window in these weeks.</span></div></div>\n");
    }
    for freeze in &freezes {
        let left = pct(freeze.start);
        let width = (pct(freeze.end) - left).max(0.3);
        // The band spans every lane below the axis, offset by the lane-name column.
        let _ = write!(
            page,
            "<div class=\"band\" data-freeze style=\"left:calc(var(--lane) + (100% - var(--lane)) * {:.5});width:calc((100% - var(--lane)) * {:.5})\"><span>Freeze: {}</span></div>",
            left / 100.0,
            width / 100.0,
            escape(&freeze.name)
        );
    }
    page.push_str("</div>\n</div>\n");

    // The same in text: freezes and deadlines (launches follow in their own table).
    page.push_str("<h3>Freezes</h3>\n");
    if freezes.is_empty() {
        page.push_str("<p>No freeze in these weeks.</p>\n");
    } else {
        page.push_str("<table>\n<thead><tr><th scope=\"col\">Freeze</th><th scope=\"col\">From</th><th scope=\"col\">Until</th><th scope=\"col\">May still launch</th></tr></thead>\n<tbody>\n");
        for freeze in &freezes {
            let allow = if freeze.allow.is_empty() {
                "nothing".to_owned()
            } else {
                freeze.allow.join(", ")
            };
            let _ = writeln!(
                page,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&freeze.name),
                escape(&clock.show(freeze.start)),
                escape(&clock.show(freeze.end)),
                escape(&allow)
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    if !schedule.open_incidents.is_empty() {
        page.push_str("<h3>Open incidents</h3>\n<table>\n<thead><tr><th scope=\"col\">Incident</th><th scope=\"col\">Severity</th><th scope=\"col\">Status</th><th scope=\"col\">Since</th><th scope=\"col\">Services</th><th scope=\"col\">File</th></tr></thead>\n<tbody>\n");
        for incident in &schedule.open_incidents {
            let _ = writeln!(
                page,
                "<tr data-open-incident><td>{} — {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&incident.id),
                escape(&incident.title),
                escape(&incident.severity),
                escape(&incident.status),
                escape(&clock.show(incident.detected_at)),
                escape(&incident.services.join(", ")),
                escape(&incident.path)
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("<h3>Deadlines</h3>\n");
    if deadlines.is_empty() {
        page.push_str("<p>Nothing falls due in these weeks.</p>\n");
    } else {
        page.push_str("<table>\n<thead><tr><th scope=\"col\">Last day</th><th scope=\"col\">What</th><th scope=\"col\">Then</th><th scope=\"col\">File</th></tr></thead>\n<tbody>\n");
        for deadline in &deadlines {
            let rule = deadline.rule;
            let _ = writeln!(
                page,
                "<tr data-deadline><td class=\"day\">{}</td><td>{}</td><td>{} {} from {}</td><td>{}:{}</td></tr>",
                deadline.date,
                escape(&deadline.what),
                rule.code,
                rule.name,
                deadline.first_late_day(),
                escape(&deadline.path),
                deadline.line
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
    page.push_str("</section>\n");
}

fn zone_name(schedule: &Schedule) -> String {
    schedule
        .tz
        .iana_name()
        .map(str::to_owned)
        .unwrap_or_else(|| {
            let offset = schedule.tz.to_offset(schedule.now);
            format!("UTC{offset}")
        })
}

fn launches_table(report: &Report, page: &mut String) {
    let mut launches: Vec<_> = report.launches.iter().collect();
    launches.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let clock = report.schedule.as_ref().map(Schedule::clock);
    let show = |at: Timestamp| match &clock {
        Some(clock) => clock.show(at),
        None => at.strftime("%Y-%m-%d %H:%M UTC").to_string(),
    };
    page.push_str("<section aria-labelledby=\"launches\">\n<h2 id=\"launches\">Launches</h2>\n");
    if launches.is_empty() {
        page.push_str("<p>No launch request.</p>\n</section>\n");
        return;
    }
    page.push_str("<table>\n<thead><tr><th scope=\"col\">Launch</th><th scope=\"col\">Window</th><th scope=\"col\">Risk</th><th scope=\"col\">Status</th><th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n");
    for launch in launches {
        let state = launch_state(report, launch.file);
        let hours = launch.end.duration_since(launch.start);
        let _ = writeln!(
            page,
            "<tr data-launch=\"{}\"><td><strong>{}</strong> — {}<br><small>{}</small></td><td>{} ({})</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&launch.id),
            escape(&launch.id),
            escape(&launch.title),
            escape(&report.files.get(launch.file).path),
            escape(&show(launch.start)),
            duration(hours),
            escape(&launch.risk),
            escape(&launch.status),
            escape(&describe_state(&state))
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn duration(span: SignedDuration) -> String {
    let minutes = span.as_secs() / 60;
    match (minutes / 60, minutes % 60) {
        (h, 0) => format!("{h} h"),
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

fn findings(report: &Report, page: &mut String) {
    page.push_str(
        "<section aria-labelledby=\"findings\">\n<h2 id=\"findings\">Findings by file</h2>\n",
    );
    if report.findings.is_empty() {
        page.push_str("<p class=\"ok\">✓ No findings.</p>\n</section>\n");
        return;
    }
    // Findings are sorted by path already; group consecutive ones.
    let mut current: Option<usize> = None;
    for finding in &report.findings {
        if current != Some(finding.file) {
            if current.is_some() {
                page.push_str("</div>\n");
            }
            current = Some(finding.file);
            let path = &report.files.get(finding.file).path;
            let count = report
                .findings
                .iter()
                .filter(|f| f.file == finding.file)
                .count();
            let _ = write!(
                page,
                "<div class=\"file\" data-file=\"{}\">\n<h3 class=\"path\">{} <small>({})</small></h3>\n",
                escape(path),
                escape(path),
                plural(count, "finding")
            );
        }
        finding_html(report, finding, page);
    }
    page.push_str("</div>\n</section>\n");
}

fn finding_html(report: &Report, finding: &Finding, page: &mut String) {
    let file = report.files.get(finding.file);
    let (start, _) = file.range_positions(&finding.span);
    let (class, badge) = match (&finding.waiver, finding.level) {
        (Some(_), _) => ("waived", "○ waived"),
        (None, Level::Error) => ("error", "✖ error"),
        (None, Level::Warning) => ("warning", "▲ warning"),
        (None, Level::Note) => ("note", "✎ note"),
    };
    let _ = write!(
        page,
        "<article class=\"finding {class}\" data-finding data-level=\"{}\" data-code=\"{}\"{}>\n\
         <p><span class=\"badge\">{badge}</span> <code>{} {}</code> at line {}, column {}</p>\n<p>{}</p>\n",
        finding.level.as_str(),
        finding.rule.code,
        if finding.waiver.is_some() {
            " data-waived"
        } else {
            ""
        },
        finding.rule.code,
        finding.rule.name,
        start.line,
        start.column,
        escape(&finding.message)
    );
    excerpt(file, &finding.span, page);
    if let Some(help) = &finding.help {
        let _ = writeln!(page, "<p class=\"help\">help: {}</p>", escape(help));
    }
    for related in &finding.related {
        let other = report.files.get(related.file);
        let (at, _) = other.range_positions(&related.span);
        let _ = writeln!(
            page,
            "<p class=\"related\">see {}:{}: {}</p>",
            escape(&other.path),
            at.line,
            escape(&related.message)
        );
    }
    if let Some(waiver) = &finding.waiver {
        let _ = writeln!(
            page,
            "<p class=\"waiver\">waived by {} until {}: {}</p>",
            escape(&waiver.approved_by),
            escape(&waiver.expires),
            escape(&waiver.reason)
        );
    }
    page.push_str("</article>\n");
}

/// The span's lines with a little context, numbered, the span itself marked.
fn excerpt(file: &SourceFile, span: &std::ops::Range<usize>, page: &mut String) {
    let span = file.clamp(span.clone());
    let (start, end) = file.range_positions(&span);
    let first = start.line.saturating_sub(CONTEXT_LINES).max(1);
    let total_lines = file.text.lines().count().max(1);
    let last = (end.line + CONTEXT_LINES).min(total_lines);
    page.push_str("<pre class=\"excerpt\"><code>");
    for number in first..=last {
        let line = file.line_span(number);
        let hit = number >= start.line && number <= end.line;
        let _ = write!(
            page,
            "<span class=\"l{}\"><span class=\"no\">{}{number}</span>",
            if hit { " hit" } else { "" },
            if hit { "▶" } else { " " }
        );
        let text = &file.text[line.clone()];
        let mark_start = span.start.clamp(line.start, line.end);
        let mark_end = span.end.clamp(line.start, line.end);
        if hit && mark_end > mark_start {
            page.push_str(&escape(&file.text[line.start..mark_start]));
            page.push_str("<mark>");
            page.push_str(&escape(&file.text[mark_start..mark_end]));
            page.push_str("</mark>");
            page.push_str(&escape(&file.text[mark_end..line.end]));
        } else {
            page.push_str(&escape(text));
        }
        page.push_str("</span>");
    }
    page.push_str("</code></pre>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_quotes_and_control_characters() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
        assert_eq!(escape("bell\u{7}"), "bell\u{FFFD}");
        assert_eq!(escape("标题 🚀"), "标题 🚀");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(SignedDuration::from_mins(90)), "1 h 30 min");
        assert_eq!(duration(SignedDuration::from_mins(120)), "2 h");
        assert_eq!(duration(SignedDuration::from_mins(45)), "45 min");
    }
}
