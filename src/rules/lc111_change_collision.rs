//! No two active launches that share a service have overlapping windows.
//!
//! ## What it checks
//! Two launch requests that are not `rejected` or `cancelled`, that name a common service,
//! and whose windows overlap. Windows are half-open, `[start, end)`: one that ends at 04:00
//! and one that starts at 04:00 do not collide. Each of the two launches gets a finding at
//! its `window.start`, with the other launch's window as related span.
//!
//! ## Why it matters
//! Two changes to one service at once make each other's verification meaningless: when the
//! error rate climbs, nobody knows which change to roll back, and one rollback may undo the
//! other launch.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # launches/LR-2026-0142.toml
//! id = "LR-2026-0142"
//! services = ["payments-api"]
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//!
//! # launches/LR-2026-0150.toml
//! id = "LR-2026-0150"
//! services = ["payments-api"]
//! [window]
//! start = 2026-12-01T03:00:00+08:00
//! end   = 2026-12-01T05:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! # launches/LR-2026-0150.toml: starts when LR-2026-0142 ends
//! id = "LR-2026-0150"
//! services = ["payments-api"]
//! [window]
//! start = 2026-12-01T04:00:00+08:00
//! end   = 2026-12-01T06:00:00+08:00
//! ```

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::LaunchCx;
use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::index::LaunchEntry;
use crate::model::Status;
use crate::time::Clock;

pub const CHECK: super::Check = super::Check::Launch(check);

const START: [Seg<'static>; 2] = [Seg::Key("window"), Seg::Key("start")];

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let (start, end) = (launch.window.start, launch.window.end);
    // An empty or inverted window (LC105 reports it) occupies no time.
    if start >= end {
        return;
    }
    // Each other launch once, with every service it shares, in index order.
    let mut others: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for service in &launch.services {
        for index in cx.repo.launches_overlapping(service, start, end) {
            let other = &cx.repo.launches[index];
            if other.doc.file == cx.entry.doc.file || other.model.status.is_closed() {
                continue;
            }
            // A draft's collision with a real request is the draft's to resolve: it is
            // reported on the draft only, as a note.
            if other.model.status == Status::Draft && launch.status != Status::Draft {
                continue;
            }
            let shared = others.entry(index).or_default();
            if !shared.contains(&service.as_str()) {
                shared.push(service);
            }
        }
    }
    for (index, shared) in others {
        out.push(finding(cx, &cx.repo.launches[index], &shared));
    }
}

fn finding(cx: &LaunchCx<'_, '_>, other: &LaunchEntry<'_>, shared: &[&str]) -> Finding {
    let window = &other.model.window;
    let range = show_range(&cx.repo.clock, window.start, window.end);
    let related_span = other
        .doc
        .span_of(&START)
        .unwrap_or_else(|| other.doc.point_at(&START));
    cx.finding(
        &super::CHANGE_COLLISION,
        &START,
        format!(
            "the window overlaps {} on {} ({range})",
            other.model.id,
            shared.join(", ")
        ),
    )
    .help(
        "move one of the windows so that they do not overlap (one may start when the other \
         ends), or combine the changes into one request",
    )
    .related(
        other.doc.file,
        related_span,
        format!("the window of {}", other.model.id),
    )
}

/// `2026-12-01 02:00–04:00 +08:00`, or both ends in full when they differ in date or offset.
fn show_range(clock: &Clock, start: Timestamp, end: Timestamp) -> String {
    let (from, to) = (clock.show(start), clock.show(end));
    // `Clock::show` writes `date time offset`; only the time differs within one day.
    let from_parts: Vec<&str> = from.split(' ').collect();
    let to_parts: Vec<&str> = to.split(' ').collect();
    match (from_parts.as_slice(), to_parts.as_slice()) {
        ([date, from_time, offset], [to_date, to_time, to_offset])
            if date == to_date && offset == to_offset =>
        {
            format!("{date} {from_time}–{to_time} {offset}")
        }
        _ => format!("{from} – {to}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_harness::{findings, launch};

    fn at(id: &str, services: &str, start: &str, end: &str, status: &str) -> String {
        launch(
            &format!("change_type = \"normal\"\nrisk = \"low\"\nstatus = \"{status}\""),
            &format!("[window]\nstart = {start}\nend = {end}\n"),
        )
        .replace("id = \"LR-1\"", &format!("id = \"{id}\""))
        .replace(
            "services = [\"payments-api\"]",
            &format!("services = {services}"),
        )
    }

    #[test]
    fn back_to_back_windows_do_not_collide() {
        let a = at(
            "A",
            "[\"api\"]",
            "2026-12-01T02:00:00Z",
            "2026-12-01T04:00:00Z",
            "submitted",
        );
        let b = at(
            "B",
            "[\"api\"]",
            "2026-12-01T04:00:00Z",
            "2026-12-01T06:00:00Z",
            "submitted",
        );
        assert!(findings(&crate::rules::CHANGE_COLLISION, &[("launches/a.toml", &a), ("launches/b.toml", &b)]).is_empty());
    }

    #[test]
    fn each_launch_reports_the_other_once_with_every_shared_service() {
        let a = at(
            "A",
            "[\"api\", \"worker\", \"db\"]",
            "2026-12-01T02:00:00Z",
            "2026-12-01T04:00:00Z",
            "approved",
        );
        let b = at(
            "B",
            "[\"db\", \"worker\", \"api\"]",
            "2026-12-01T03:59:00Z",
            "2026-12-01T05:00:00Z",
            "launched",
        );
        let found = findings(&crate::rules::CHANGE_COLLISION, &[("launches/a.toml", &a), ("launches/b.toml", &b)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("launches/a.toml:10:9: the window overlaps B on api, worker, db (2026-12-01 03:59–05:00 "), "{found:?}");
        assert!(found[1].starts_with("launches/b.toml:10:9: the window overlaps A on db, worker, api (2026-12-01 02:00–04:00 "), "{found:?}");
    }

    #[test]
    fn records_and_empty_windows_collide_with_nothing() {
        let a = at(
            "A",
            "[\"api\"]",
            "2026-12-01T02:00:00Z",
            "2026-12-01T04:00:00Z",
            "submitted",
        );
        let cancelled = at(
            "B",
            "[\"api\"]",
            "2026-12-01T02:00:00Z",
            "2026-12-01T04:00:00Z",
            "cancelled",
        );
        let inverted = at(
            "C",
            "[\"api\"]",
            "2026-12-01T03:00:00Z",
            "2026-12-01T01:00:00Z",
            "submitted",
        );
        let found = findings(
            &crate::rules::CHANGE_COLLISION,
            &[
                ("launches/a.toml", &a),
                ("launches/b.toml", &cancelled),
                ("launches/c.toml", &inverted),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn ranges_spanning_midnight_show_both_ends() {
        let clock = crate::time::Clock::new(jiff::Timestamp::UNIX_EPOCH, jiff::tz::TimeZone::UTC);
        let start = "2026-12-01T23:00:00Z".parse().unwrap();
        let end = "2026-12-02T01:00:00Z".parse().unwrap();
        assert_eq!(
            super::show_range(&clock, start, end),
            format!("{} – {}", clock.show(start), clock.show(end))
        );
    }
}
