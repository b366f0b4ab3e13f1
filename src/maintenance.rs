//! Recurring maintenance windows (`[[maintenance]]` in the policy): on some days of the week,
//! from a local start time to a local end time in a zone. Turns them into concrete intervals
//! around a launch window, joining back-to-back occurrences, so that `maintenance-window` can
//! ask whether a launch lies inside one.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::Value;

/// One `[[maintenance]]` entry.
#[derive(Debug, Clone)]
pub struct Maintenance {
    pub name: Option<String>,
    pub days: Vec<Weekday>,
    pub start: Time,
    pub end: Time,
    /// `None`: the repository's `[time].timezone`.
    pub timezone: Option<TimeZone>,
    /// The zone as written, for messages.
    pub timezone_name: Option<String>,
}

/// The longest launch window whose maintenance cover is looked for; a longer one lies in
/// no weekly window anyway unless the windows cover every hour, which is not maintenance.
const MAX_SEARCH_DAYS: i64 = 400;

impl Maintenance {
    /// Reads an entry of the merged policy (already schema-checked: days, `HH:MM` times).
    pub fn from_json(entry: &Value) -> Result<Maintenance, String> {
        let text = |key: &str| entry.get(key).and_then(Value::as_str);
        let time = |key: &str| -> Result<Time, String> {
            let value = text(key).unwrap_or_default();
            format!("{value}:00")
                .parse::<Time>()
                .map_err(|e| format!("maintenance `{key}` = \"{value}\": {e}"))
        };
        let days = entry
            .get("days")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|day| weekday(day).ok_or_else(|| format!("maintenance day `{day}` is unknown")))
            .collect::<Result<Vec<_>, _>>()?;
        let timezone_name = text("timezone").map(str::to_owned);
        let timezone = timezone_name
            .as_deref()
            .map(|name| {
                crate::time::parse_timezone(name)
                    .map_err(|e| format!("maintenance `timezone` = \"{name}\": {e}"))
            })
            .transpose()?;
        Ok(Maintenance {
            name: text("name").map(str::to_owned),
            days,
            start: time("start")?,
            end: time("end")?,
            timezone,
            timezone_name,
        })
    }

    /// How the window reads in a message: `tue, thu 01:00–05:00 Asia/Shanghai`.
    pub fn describe(&self, default_zone: &str) -> String {
        let days: Vec<&str> = self.days.iter().map(|d| day_name(*d)).collect();
        let name = self
            .name
            .as_deref()
            .map(|n| format!("\"{n}\" "))
            .unwrap_or_default();
        format!(
            "{name}({} {}–{} {})",
            days.join(", "),
            self.start.strftime("%H:%M"),
            self.end.strftime("%H:%M"),
            self.timezone_name.as_deref().unwrap_or(default_zone)
        )
    }

    /// The occurrences that start on local dates `from..=to`, as instants. A window whose end
    /// is at or before its start crosses midnight and belongs to the day it starts.
    fn occurrences(&self, zone: &TimeZone, from: Date, to: Date) -> Vec<(Timestamp, Timestamp)> {
        let mut out = Vec::new();
        let mut day = from;
        while day <= to {
            if self.days.contains(&day.weekday()) {
                let end_day = if self.end <= self.start {
                    day.checked_add(1.day()).ok()
                } else {
                    Some(day)
                };
                let start = day.to_datetime(self.start).to_zoned_datetime(zone.clone());
                let end = end_day
                    .and_then(|d| d.to_datetime(self.end).to_zoned_datetime(zone.clone()).ok());
                if let (Ok(start), Some(end)) = (start, end) {
                    if start.timestamp() < end.timestamp() {
                        out.push((start.timestamp(), end.timestamp()));
                    }
                }
            }
            match day.checked_add(1.day()) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        out
    }
}

/// Whether `[start, end)` lies inside one maintenance interval, after joining overlapping and
/// back-to-back occurrences of every window.
pub fn covers(
    windows: &[Maintenance],
    default_zone: &TimeZone,
    start: Timestamp,
    end: Timestamp,
) -> bool {
    if end <= start {
        return false;
    }
    let mut intervals = Vec::new();
    for window in windows {
        let zone = window.timezone.as_ref().unwrap_or(default_zone);
        let first = start.to_zoned_datetime(zone.clone()).date();
        let last = end.to_zoned_datetime(zone.clone()).date();
        if first
            .until(last)
            .map_or(true, |s| i64::from(s.get_days()) > MAX_SEARCH_DAYS)
        {
            return false;
        }
        // An occurrence that started the day before may still be open at `start`.
        let from = first.checked_sub(1.day()).unwrap_or(first);
        intervals.extend(window.occurrences(zone, from, last));
    }
    intervals.sort();
    let mut joined: Vec<(Timestamp, Timestamp)> = Vec::new();
    for (s, e) in intervals {
        match joined.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => joined.push((s, e)),
        }
    }
    joined.iter().any(|(s, e)| *s <= start && end <= *e)
}

fn weekday(name: &str) -> Option<Weekday> {
    Some(match name {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(days: &[&str], start: &str, end: &str, zone: Option<&str>) -> Maintenance {
        let mut entry = serde_json::json!({ "days": days, "start": start, "end": end });
        if let Some(zone) = zone {
            entry["timezone"] = Value::String(zone.to_owned());
        }
        Maintenance::from_json(&entry).expect("valid window")
    }

    fn at(text: &str) -> Timestamp {
        text.parse().expect("timestamp")
    }

    #[test]
    fn a_launch_inside_a_window_is_covered_and_one_sticking_out_is_not() {
        // 2026-12-01 is a Tuesday.
        let w = [window(&["tue"], "01:00", "05:00", Some("+08:00"))];
        let utc = TimeZone::UTC;
        assert!(covers(
            &w,
            &utc,
            at("2026-12-01T02:00:00+08:00"),
            at("2026-12-01T04:00:00+08:00")
        ));
        assert!(covers(
            &w,
            &utc,
            at("2026-12-01T01:00:00+08:00"),
            at("2026-12-01T05:00:00+08:00")
        ));
        assert!(!covers(
            &w,
            &utc,
            at("2026-12-01T04:00:00+08:00"),
            at("2026-12-01T06:00:00+08:00")
        ));
        // Wednesday is not a maintenance day.
        assert!(!covers(
            &w,
            &utc,
            at("2026-12-02T02:00:00+08:00"),
            at("2026-12-02T04:00:00+08:00")
        ));
    }

    #[test]
    fn the_zone_defaults_to_the_repository_zone() {
        let w = [window(&["tue"], "01:00", "05:00", None)];
        let shanghai = crate::time::parse_timezone("Asia/Shanghai").unwrap();
        assert!(covers(
            &w,
            &shanghai,
            at("2026-12-01T02:00:00+08:00"),
            at("2026-12-01T04:00:00+08:00")
        ));
        assert!(!covers(
            &w,
            &TimeZone::UTC,
            at("2026-12-01T02:00:00+08:00"),
            at("2026-12-01T04:00:00+08:00")
        ));
    }

    #[test]
    fn a_window_crossing_midnight_belongs_to_the_day_it_starts() {
        // Saturday 22:00 to Sunday 04:00; 2026-12-05 is a Saturday.
        let w = [window(&["sat"], "22:00", "04:00", Some("UTC"))];
        let utc = TimeZone::UTC;
        assert!(covers(
            &w,
            &utc,
            at("2026-12-05T23:00:00Z"),
            at("2026-12-06T03:00:00Z")
        ));
        assert!(covers(
            &w,
            &utc,
            at("2026-12-06T01:00:00Z"),
            at("2026-12-06T02:00:00Z")
        ));
        // Sunday night is not a window: it would be if the window belonged to the day it ends.
        assert!(!covers(
            &w,
            &utc,
            at("2026-12-06T23:00:00Z"),
            at("2026-12-07T01:00:00Z")
        ));
    }

    #[test]
    fn back_to_back_occurrences_join() {
        // Friday 20:00–24:00 and Saturday 00:00–06:00 are one night.
        let w = [
            window(&["fri"], "20:00", "00:00", Some("UTC")),
            window(&["sat"], "00:00", "06:00", Some("UTC")),
        ];
        let utc = TimeZone::UTC;
        assert!(covers(
            &w,
            &utc,
            at("2026-12-04T22:00:00Z"),
            at("2026-12-05T02:00:00Z")
        ));
        // Alone, neither covers the night.
        assert!(!covers(
            &w[..1],
            &utc,
            at("2026-12-04T22:00:00Z"),
            at("2026-12-05T02:00:00Z")
        ));
        assert!(!covers(
            &w[1..],
            &utc,
            at("2026-12-04T22:00:00Z"),
            at("2026-12-05T02:00:00Z")
        ));
    }

    #[test]
    fn daylight_saving_changes_keep_local_times() {
        // New York: 01:00–05:00 local on Sundays. On 2026-11-01 the clocks fall back at 02:00,
        // so the window is five hours long in UTC (05:00Z–10:00Z); a week earlier, with
        // daylight time, it is 05:00Z–09:00Z.
        let w = [window(&["sun"], "01:00", "05:00", Some("America/New_York"))];
        let utc = TimeZone::UTC;
        assert!(covers(
            &w,
            &utc,
            at("2026-11-01T05:00:00Z"),
            at("2026-11-01T10:00:00Z")
        ));
        assert!(!covers(
            &w,
            &utc,
            at("2026-10-25T05:00:00Z"),
            at("2026-10-25T10:00:00Z")
        ));
        assert!(covers(
            &w,
            &utc,
            at("2026-10-25T05:00:00Z"),
            at("2026-10-25T09:00:00Z")
        ));
        // Spring forward on 2026-03-08: 01:00 EST is 06:00Z, 05:00 EDT is 09:00Z.
        assert!(covers(
            &w,
            &utc,
            at("2026-03-08T06:00:00Z"),
            at("2026-03-08T09:00:00Z")
        ));
        assert!(!covers(
            &w,
            &utc,
            at("2026-03-08T06:00:00Z"),
            at("2026-03-08T10:00:00Z")
        ));
    }
}
