//! Time semantics: the reference instant, the configured zone for bare
//! dates, and whole-day ages.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};

/// "Now" and the zone that places bare dates in time.
#[derive(Debug, Clone)]
pub struct Clock {
    pub now: Timestamp,
    pub tz: TimeZone,
}

impl Clock {
    pub fn new(now: Timestamp, tz: TimeZone) -> Self {
        Clock { now, tz }
    }

    /// The calendar date of an instant in the configured zone.
    pub fn date_of(&self, at: Timestamp) -> Date {
        at.to_zoned_datetime(self.tz.clone()).date()
    }

    /// Whole calendar days from `date` to the date of `at` (negative when `date` is later).
    pub fn age_days(&self, date: Date, at: Timestamp) -> i64 {
        let reference = self.date_of(at);
        i64::from(
            date.until(reference)
                .map(|span| span.get_days())
                .unwrap_or(0),
        )
    }

    /// The first instant of `date` in the configured zone.
    pub fn start_of_day(&self, date: Date) -> Timestamp {
        date.to_zoned_datetime(self.tz.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MIN)
    }

    /// The first instant after `date` ends (a date is valid through the whole day).
    pub fn end_of_day(&self, date: Date) -> Timestamp {
        match date.checked_add(1.day()) {
            Ok(next) => self.start_of_day(next),
            Err(_) => Timestamp::MAX,
        }
    }

    /// An instant shown in the configured zone, e.g. `2026-12-01 02:00 +08:00`.
    pub fn show(&self, at: Timestamp) -> String {
        let zoned = at.to_zoned_datetime(self.tz.clone());
        format!(
            "{} {:02}:{:02} {}",
            zoned.date(),
            zoned.hour(),
            zoned.minute(),
            format_offset(zoned.offset().seconds())
        )
    }
}

/// `+08:00`, `-05:30`, `+00:00`.
fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let seconds = seconds.abs();
    format!("{sign}{:02}:{:02}", seconds / 3600, (seconds % 3600) / 60)
}

/// Parses `[time].timezone`: an IANA name or a fixed offset like `+08:00`.
pub fn parse_timezone(name: &str) -> Result<TimeZone, String> {
    if name.eq_ignore_ascii_case("utc") || name == "Z" {
        return Ok(TimeZone::UTC);
    }
    if let Some(offset) = parse_offset(name) {
        return Ok(TimeZone::fixed(offset));
    }
    TimeZone::get(name).map_err(|_| {
        format!("`{name}` is neither an IANA time zone name (such as `Asia/Shanghai`) nor an offset (such as `+08:00`)")
    })
}

fn parse_offset(text: &str) -> Option<Offset> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let (hours, minutes) = rest.split_once(':').unwrap_or((rest, "0"));
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

/// Parses `--now`: RFC 3339 with an offset, or a bare date (its start in `tz`).
pub fn parse_now(text: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts);
    }
    if let Ok(date) = text.parse::<Date>() {
        return date
            .to_zoned_datetime(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    Err(format!(
        "`{text}` is not an RFC 3339 time with an offset (2026-11-25T09:00:00+08:00) or a date (2026-11-25)"
    ))
}

/// The offset a local datetime would have in `tz`, for "add an offset" hints.
pub fn suggest_offset(local: &str, tz: &TimeZone) -> Option<String> {
    let civil: jiff::civil::DateTime = local.parse().ok()?;
    let zoned = civil.to_zoned_datetime(tz.clone()).ok()?;
    Some(format!(
        "{local}{}",
        format_offset(zoned.offset().seconds())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_are_calendar_days_in_the_zone() {
        let clock = Clock::new(
            "2026-11-25T00:30:00+08:00".parse().unwrap(),
            parse_timezone("Asia/Shanghai").unwrap(),
        );
        let date: Date = "2026-11-24".parse().unwrap();
        assert_eq!(clock.age_days(date, clock.now), 1);
        let utc = Clock::new(clock.now, TimeZone::UTC);
        // 2026-11-24T16:30Z is still the 24th in UTC.
        assert_eq!(utc.age_days(date, utc.now), 0);
    }

    #[test]
    fn offsets_and_now_parse() {
        assert!(parse_timezone("+08:00").is_ok());
        assert!(parse_timezone("Mars/Base").is_err());
        let now = parse_now("2026-11-25", &TimeZone::UTC).unwrap();
        assert_eq!(now.to_string(), "2026-11-25T00:00:00Z");
        assert!(parse_now("tomorrow", &TimeZone::UTC).is_err());
        let hint = suggest_offset(
            "2026-12-01T02:00:00",
            &parse_timezone("Asia/Shanghai").unwrap(),
        );
        assert_eq!(hint.as_deref(), Some("2026-12-01T02:00:00+08:00"));
    }

    #[test]
    fn instants_show_with_full_offsets() {
        let clock = Clock::new(
            Timestamp::UNIX_EPOCH,
            parse_timezone("Asia/Shanghai").unwrap(),
        );
        let at: Timestamp = "2026-11-23T07:30:00Z".parse().unwrap();
        assert_eq!(clock.show(at), "2026-11-23 15:30 +08:00");
    }

    #[test]
    fn waiver_day_lasts_until_midnight_in_zone() {
        let clock = Clock::new(Timestamp::UNIX_EPOCH, parse_timezone("+08:00").unwrap());
        let end = clock.end_of_day("2026-12-15".parse().unwrap());
        assert_eq!(end.to_string(), "2026-12-15T16:00:00Z");
    }
}
