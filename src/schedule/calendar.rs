//! `launchcheck calendar`: the schedule as an RFC 5545 iCalendar feed, written with the
//! `icalendar` crate (CRLF line ends, lines folded at 75 octets on character boundaries,
//! TEXT values escaped).
//!
//! One VEVENT per launch window, per freeze and per deadline. A UID comes from the
//! document's kind and id and the event, never from its path, so a calendar that subscribes
//! sees updates rather than duplicates; DTSTAMP is the run's "now", so the same input gives
//! the same bytes. Times are UTC (`Z`); deadlines are all-day events on their last valid
//! day (`VALUE=DATE`, DTEND the next day).

use icalendar::{Calendar, Component, Event, Property};
use jiff::civil::Date;
use jiff::Timestamp;

use super::{ical_utc, Deadline, Schedule, ScheduledFreeze, ScheduledLaunch};
use crate::model::Status;
use crate::time::Clock;

/// Which days to include; an event is kept when any of its days falls in the range.
#[derive(Debug, Clone, Copy, Default)]
pub struct Range {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Range {
    fn keeps(&self, first: Date, last: Date) -> bool {
        self.from.is_none_or(|from| last >= from) && self.to.is_none_or(|to| first <= to)
    }
}

/// The calendar text.
pub fn render(schedule: &Schedule, range: Range) -> String {
    let clock = Clock::new(schedule.now, schedule.tz.clone());
    let stamp = ical_utc(schedule.now);
    let mut calendar = Calendar::empty();
    calendar.append_property(Property::new("VERSION", "2.0"));
    calendar.append_property(Property::new(
        "PRODID",
        format!(
            "-//launchcheck//launchcheck {}//EN",
            env!("CARGO_PKG_VERSION")
        ),
    ));
    calendar.append_property(Property::new("CALSCALE", "GREGORIAN"));
    calendar.append_property(Property::new("METHOD", "PUBLISH"));
    calendar.append_property(Property::new("X-WR-CALNAME", "Launch schedule"));

    let days = |start: Timestamp, end: Timestamp| {
        let last = super::last_day_before(&clock, end.max(start));
        (clock.date_of(start), last.max(clock.date_of(start)))
    };
    for launch in &schedule.launches {
        let (first, last) = days(launch.start, launch.end);
        if range.keeps(first, last) {
            calendar.push(launch_event(launch, &stamp));
        }
    }
    for freeze in &schedule.freezes {
        let (first, last) = days(freeze.start, freeze.end);
        if range.keeps(first, last) {
            calendar.push(freeze_event(freeze, &stamp));
        }
    }
    for deadline in &schedule.deadlines {
        if range.keeps(deadline.date, deadline.date) {
            calendar.push(deadline_event(deadline, &stamp));
        }
    }
    calendar.to_string()
}

/// Values come from user files; a bare CR would end a content line early.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

fn base_event(uid: &str, stamp: &str, summary: &str, description: &str) -> Event {
    let mut event = Event::new();
    event
        .uid(uid)
        .add_property("DTSTAMP", stamp)
        .summary(&clean(summary))
        .description(&clean(description));
    event
}

fn launch_event(launch: &ScheduledLaunch, stamp: &str) -> Event {
    let status = match launch.status {
        Status::Draft | Status::Submitted => "TENTATIVE",
        Status::Approved | Status::Launched | Status::RolledBack => "CONFIRMED",
        Status::Rejected | Status::Cancelled => "CANCELLED",
    };
    let description = format!(
        "Status: {}\nRisk: {}\nChange type: {}\nServices: {}\nRequester: {}\nFile: {}",
        launch.status.as_str(),
        launch.risk.as_str(),
        launch.change_type.as_str(),
        launch.services.join(", "),
        launch.requester,
        launch.path
    );
    let mut event = base_event(
        &format!("launch-request/{}/window@launchcheck", launch.id),
        stamp,
        &format!("{} — {}", launch.id, launch.title),
        &description,
    );
    event
        .add_property("DTSTART", ical_utc(launch.start))
        .add_property("DTEND", ical_utc(launch.end.max(launch.start)))
        .add_property("STATUS", status)
        .add_property("CATEGORIES", "launch");
    event.done()
}

fn freeze_event(freeze: &ScheduledFreeze, stamp: &str) -> Event {
    let mut description = String::from("Change freeze.");
    if freeze.allow.is_empty() {
        description.push_str(" No change type may launch.");
    } else {
        description.push_str(&format!(
            " Only these change types may launch: {}.",
            freeze.allow.join(", ")
        ));
    }
    if !freeze.approvals.is_empty() {
        description.push_str(&format!(
            " They need approval by: {}.",
            freeze.approvals.join(", ")
        ));
    }
    let uid = format!(
        "policy/freeze/{}-{}@launchcheck",
        slug(&freeze.name),
        ical_utc(freeze.start)
    );
    let mut event = base_event(
        &uid,
        stamp,
        &format!("Freeze: {}", freeze.name),
        &description,
    );
    event
        .add_property("DTSTART", ical_utc(freeze.start))
        .add_property("DTEND", ical_utc(freeze.end.max(freeze.start)))
        .add_property("STATUS", "CONFIRMED")
        .add_property("CATEGORIES", "freeze");
    event.done()
}

fn deadline_event(deadline: &Deadline, stamp: &str) -> Event {
    let description = format!(
        "Last valid day: {}. From {} on, {} reports it ({}:{}).",
        deadline.date,
        deadline.first_late_day(),
        deadline.rule.code,
        deadline.path,
        deadline.line
    );
    let mut event = base_event(
        &deadline.uid(),
        stamp,
        &format!("Due: {}", deadline.what),
        &description,
    );
    event
        .append_property(date_property("DTSTART", deadline.date))
        .append_property(date_property("DTEND", deadline.first_late_day()))
        .add_property("TRANSP", "TRANSPARENT")
        .add_property("CATEGORIES", "deadline");
    event.done()
}

fn date_property(key: &str, date: Date) -> Property {
    Property::new(key, date.strftime("%Y%m%d").to_string())
        .add_parameter("VALUE", "DATE")
        .done()
}

/// `Year-end freeze (年末封网)` → `year-end-freeze`: ASCII for UIDs.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule_with_title(title: &str) -> Schedule {
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        Schedule {
            now: at("2026-11-25T00:00:00Z"),
            tz: jiff::tz::TimeZone::UTC,
            launches: vec![ScheduledLaunch {
                id: "LR-1".into(),
                title: title.into(),
                path: "launches/a.toml".into(),
                file: 0,
                status: Status::Draft,
                risk: crate::model::Risk::Low,
                change_type: crate::model::ChangeType::Normal,
                services: vec!["支付-api".into(), "search".into()],
                requester: "王伟".into(),
                start: at("2026-12-01T02:00:00Z"),
                end: at("2026-12-01T03:00:00Z"),
            }],
            freezes: Vec::new(),
            open_incidents: Vec::new(),
            deadlines: Vec::new(),
        }
    }

    /// Unfolds content lines (RFC 5545 section 3.1) and returns the SUMMARY value.
    fn unfolded_summary(text: &str) -> String {
        let unfolded = text.replace("\r\n ", "");
        unfolded
            .split("\r\n")
            .find_map(|l| l.strip_prefix("SUMMARY:"))
            .expect("a summary")
            .to_owned()
    }

    #[test]
    fn long_multi_byte_lines_fold_at_75_octets_on_character_boundaries() {
        for title in [
            "上线申请：支付系统升级到 2.3.0，包含数据库迁移和灰度发布；回滚方案已演练 ".repeat(3),
            "a🚀".repeat(60),
            "x".repeat(74) + "é" + &" 空 格 ".repeat(20),
            "semi;colon, comma\\ back\nslash ".repeat(4),
        ] {
            let text = render(&schedule_with_title(&title), Range::default());
            for line in text.split_terminator("\r\n") {
                assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
                assert!(!line.contains(['\r', '\n']), "{line:?}");
            }
            let escaped = title
                .replace('\\', "\\\\")
                .replace(';', "\\;")
                .replace(',', "\\,")
                .replace('\n', "\\n");
            assert_eq!(unfolded_summary(&text), format!("LR-1 — {escaped}"));
        }
    }

    #[test]
    fn launch_status_maps_to_event_status_and_text_is_escaped() {
        let text = render(&schedule_with_title("a\r\nb"), Range::default()).replace("\r\n ", "");
        assert!(text.contains("STATUS:TENTATIVE\r\n"), "{text}");
        assert!(text.contains("SUMMARY:LR-1 — a\\nb\r\n"), "{text}");
        assert!(text.contains("Services: 支付-api\\, search"), "{text}");
    }

    #[test]
    fn slugs_keep_ascii_words() {
        assert_eq!(slug("Year-end freeze (年末封网)"), "year-end-freeze");
        assert_eq!(slug("年末"), "");
    }

    #[test]
    fn ranges_keep_events_that_touch_them() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        let range = Range {
            from: Some(d("2026-12-01")),
            to: Some(d("2026-12-31")),
        };
        assert!(range.keeps(d("2026-11-30"), d("2026-12-01")));
        assert!(!range.keeps(d("2026-11-01"), d("2026-11-30")));
        assert!(!range.keeps(d("2027-01-01"), d("2027-01-01")));
        assert!(Range::default().keeps(d("1999-01-01"), d("1999-01-01")));
    }
}
