//! The forecast behind `due`: for each deadline within the horizon, the finding that will
//! appear if nothing is done, and the first day it appears.
//!
//! The finding is not predicted from a copy of the rules' logic: the whole check runs at
//! 00:00 (in `[time].timezone`) of the day after the deadline and of the deadline itself,
//! and the forecast is the finding of the deadline's rule, in its file, that the first run
//! reports and the second does not. So `check --now DAY` agrees with the forecast by
//! construction, waivers, drafts and overrides included, and a deadline whose finding
//! already exists (or never comes) is listed without one.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::ToSpan;

use super::{Deadline, Schedule};
use crate::check::{self, Options};
use crate::error::{Error, Result};

/// A deadline within the horizon and what it turns into.
#[derive(Debug, Clone)]
pub struct Item {
    pub deadline: Deadline,
    /// The first day the finding appears (the day after the deadline).
    pub date: Date,
    pub finding: Option<Forecast>,
}

/// The finding `check` will report from `Item::date` on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Forecast {
    pub rule: &'static str,
    pub code: &'static str,
    pub line: usize,
    pub message: String,
}

/// The forecast for a horizon of `within_days` days from today.
pub struct Due {
    pub schedule: Schedule,
    pub within_days: i64,
    pub items: Vec<Item>,
}

/// One finding of a run, reduced to what identifies it across runs.
#[derive(Debug, Clone)]
struct Seen {
    rule: &'static str,
    code: &'static str,
    path: String,
    line: usize,
    message: String,
}

/// Reads the schedule and forecasts every deadline from today to `within_days` days ahead.
pub fn due(options: &Options, within_days: i64) -> Result<Due> {
    let mut now_options = options.clone();
    now_options.schedule = true;
    let report = check::run(&now_options)?;
    let Some(schedule) = report.schedule else {
        return Err(Error::new("the run produced no schedule"));
    };
    let clock = crate::time::Clock::new(schedule.now, schedule.tz.clone());
    let today = clock.date_of(schedule.now);
    let last = today
        .checked_add(within_days.days())
        .map_err(|e| Error::new("the horizon is out of range").cause(e))?;

    // Runs are limited to the files with a deadline: an explicit-paths run parses only
    // those files and what they refer to, so the forecast costs little more than the files
    // it is about.
    let root = check::locate(options)?.root;
    let mut by_day: BTreeMap<Date, Vec<&Deadline>> = BTreeMap::new();
    for deadline in schedule
        .deadlines
        .iter()
        .filter(|d| d.date >= today && d.date <= last)
    {
        by_day.entry(deadline.date).or_default().push(deadline);
    }
    let findings_on = |day: Date, paths: &BTreeSet<&str>| -> Result<Vec<Seen>> {
        let mut day_options = options.clone();
        day_options.schedule = false;
        day_options.now = Some(clock.start_of_day(day).to_string());
        day_options.paths = paths.iter().map(|p| root.join(p)).collect();
        let report = check::run(&day_options)?;
        Ok(report
            .findings
            .iter()
            .map(|f| {
                let file = report.files.get(f.file);
                Seen {
                    rule: f.rule.name,
                    code: f.rule.code,
                    path: file.path.clone(),
                    line: file.position(f.span.start).line,
                    message: f.message.clone(),
                }
            })
            .collect())
    };

    // Each deadline day needs a run on that day and on the next; consecutive deadline days
    // share a run that covers the files of both.
    let mut run_paths: BTreeMap<Date, BTreeSet<&str>> = BTreeMap::new();
    for (day, deadlines) in &by_day {
        let next = day.checked_add(1.day()).unwrap_or(*day);
        for deadline in deadlines {
            run_paths.entry(*day).or_default().insert(&deadline.path);
            run_paths.entry(next).or_default().insert(&deadline.path);
        }
    }
    let mut runs = BTreeMap::new();
    for (day, paths) in &run_paths {
        runs.insert(*day, findings_on(*day, paths)?);
    }

    let mut items = Vec::new();
    for (day, deadlines) in by_day {
        let date = day.checked_add(1.day()).unwrap_or(day);
        let before = runs.get(&day).map(Vec::as_slice).unwrap_or_default();
        let after = runs.get(&date).map(Vec::as_slice).unwrap_or_default();
        for deadline in deadlines {
            let same = |s: &&Seen| s.code == deadline.rule.code && s.path == deadline.path;
            // The finding the deadline turns into is the one at its line when there is one
            // (a second overdue action of the same document is a new finding, even though
            // the first one's finding already exists); it is new if the day before has no
            // finding of that rule at that place.
            let finding = after
                .iter()
                .filter(same)
                .min_by_key(|s| (s.line != deadline.line, s.line))
                .filter(|candidate| !before.iter().filter(same).any(|s| s.line == candidate.line))
                .map(|s| Forecast {
                    rule: s.rule,
                    code: s.code,
                    line: s.line,
                    message: s.message.clone(),
                });
            items.push(Item {
                deadline: deadline.clone(),
                date,
                finding,
            });
        }
    }
    items.sort_by(|a, b| {
        (a.date, &a.deadline.path, a.deadline.line, &a.deadline.event).cmp(&(
            b.date,
            &b.deadline.path,
            b.deadline.line,
            &b.deadline.event,
        ))
    });
    Ok(Due {
        schedule,
        within_days,
        items,
    })
}
