//! The schedule: launch windows, freezes and the deadlines that turn into findings when
//! nothing is done (a drill going stale, a plan review, drill actions, waiver expiry, an
//! emergency change's review, a launch whose outcome is not recorded, an incident's
//! postmortem and its actions, a breach notification, a role holder's contact verification). One model feeds the
//! iCalendar feed (`calendar`), the forecast (`due`), the Markdown "coming up" section and
//! the HTML page, so they always agree.
//!
//! Deadlines are read from the same index and rule parameters the rules judge with; the
//! forecast of which finding each one produces comes from running the rules themselves at
//! the day in question ([`forecast`]).

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::document::{Document, Kind, Seg};
use crate::index::{IncidentEntry, LaunchEntry, PlanEntry, Repo};
use crate::model::{ChangeType, Risk, Status};
use crate::rules::{self, Rule};
use crate::time::Clock;

pub mod calendar;
pub mod due;
pub mod forecast;

/// Everything with a date that the repository knows about, as of `now`.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub now: Timestamp,
    pub tz: TimeZone,
    pub launches: Vec<ScheduledLaunch>,
    pub freezes: Vec<ScheduledFreeze>,
    /// Incidents that are still going on (open or mitigated), by detection time.
    pub open_incidents: Vec<OpenIncident>,
    /// Sorted by date, then path, line and event.
    pub deadlines: Vec<Deadline>,
}

/// A launch window.
#[derive(Debug, Clone)]
pub struct ScheduledLaunch {
    pub id: String,
    pub title: String,
    pub path: String,
    pub file: usize,
    pub status: Status,
    pub risk: Risk,
    pub change_type: ChangeType,
    pub services: Vec<String>,
    pub requester: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

/// An incident that is still going on.
#[derive(Debug, Clone)]
pub struct OpenIncident {
    pub id: String,
    pub title: String,
    pub path: String,
    pub severity: String,
    pub status: String,
    pub services: Vec<String>,
    pub detected_at: Timestamp,
}

/// A policy `[[freeze]]`.
#[derive(Debug, Clone)]
pub struct ScheduledFreeze {
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub allow: Vec<String>,
    pub approvals: Vec<String>,
}

/// What kind of duty a deadline is; everything downstream works per deadline, not per kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DeadlineKind {
    /// A plan's last accepted drill reaches `max_age_days` (base policy).
    DrillStale,
    /// The same, earlier, for a launch whose override is stricter, before its window.
    DrillStaleForLaunch,
    PlanReview,
    DrillAction,
    WaiverExpiry,
    EmergencyReview,
    /// A draft, submitted or approved request's window ends: its outcome must be recorded.
    LaunchOutcome,
    /// A resolved incident's postmortem must be held.
    PostmortemDue,
    /// An action from a postmortem falls due.
    PostmortemAction,
    /// A data breach must be notified to the regulator.
    BreachNotification,
    /// A plan role holder's contact details must be verified again.
    ContactVerification,
}

/// A duty with a last valid day.
#[derive(Debug, Clone)]
pub struct Deadline {
    /// The last day on which nothing is wrong yet.
    pub date: Date,
    pub kind: DeadlineKind,
    /// The document it belongs to (its kind and id make the calendar UID).
    pub doc_kind: Kind,
    pub doc_id: String,
    /// Distinguishes the document's deadlines from each other; stable across runs.
    pub event: String,
    pub what: String,
    pub path: String,
    pub line: usize,
    /// The rule whose finding appears the day after.
    pub rule: &'static Rule,
}

/// The document a group of deadlines belongs to.
struct DeadlineOwner {
    doc_kind: Kind,
    doc_id: String,
    path: String,
}

impl DeadlineOwner {
    fn deadline(
        &self,
        date: Date,
        kind: DeadlineKind,
        event: String,
        what: String,
        line: usize,
        rule: &'static Rule,
    ) -> Deadline {
        Deadline {
            date,
            kind,
            doc_kind: self.doc_kind,
            doc_id: self.doc_id.clone(),
            event,
            what,
            path: self.path.clone(),
            line,
            rule,
        }
    }
}

impl Deadline {
    /// The first day the finding can appear.
    pub fn first_late_day(&self) -> Date {
        self.date.checked_add(1.day()).unwrap_or(self.date)
    }

    /// A UID that depends on the document's kind and id and the event, never on its path.
    pub fn uid(&self) -> String {
        format!(
            "{}/{}/{}@launchcheck",
            self.doc_kind.name(),
            self.doc_id,
            self.event
        )
    }
}

/// What starts, is in force or falls due within a number of days from now.
pub struct ComingUp<'s> {
    /// Launches whose window starts in `[now, now + days)`.
    pub launches: Vec<&'s ScheduledLaunch>,
    /// Freezes that overlap `[now, now + days)`.
    pub freezes: Vec<&'s ScheduledFreeze>,
    /// Deadlines whose last valid day is between today and today + days.
    pub deadlines: Vec<&'s Deadline>,
}

impl Schedule {
    /// The view of the next `days` days.
    pub fn coming_up(&self, days: i64) -> ComingUp<'_> {
        let clock = Clock::new(self.now, self.tz.clone());
        let horizon = self
            .now
            .checked_add(SignedDuration::from_hours(days.saturating_mul(24)))
            .unwrap_or(Timestamp::MAX);
        let today = clock.date_of(self.now);
        let last_day = add_days(today, days).unwrap_or(today);
        ComingUp {
            launches: self
                .launches
                .iter()
                .filter(|l| l.start >= self.now && l.start < horizon)
                .collect(),
            freezes: self
                .freezes
                .iter()
                .filter(|f| f.start < horizon && f.end > self.now)
                .collect(),
            deadlines: self
                .deadlines
                .iter()
                .filter(|d| d.date >= today && d.date <= last_day)
                .collect(),
        }
    }

    /// A clock at this schedule's now and zone.
    pub fn clock(&self) -> Clock {
        Clock::new(self.now, self.tz.clone())
    }
}

/// Reads the schedule out of the index.
pub fn build(repo: &Repo<'_>) -> Schedule {
    let clock = &repo.clock;
    let mut deadlines = Vec::new();
    for plan in &repo.plans {
        plan_deadlines(repo, plan, &mut deadlines);
    }
    for launch in &repo.launches {
        launch_deadlines(repo, launch, &mut deadlines);
    }
    for incident in &repo.incidents {
        incident_deadlines(repo, incident, &mut deadlines);
    }
    contact_deadlines(repo, &mut deadlines);
    deadlines.sort_by(|a, b| {
        (a.date, &a.path, a.line, a.kind, &a.event)
            .cmp(&(b.date, &b.path, b.line, b.kind, &b.event))
    });
    let mut launches: Vec<ScheduledLaunch> = repo
        .launches
        .iter()
        .map(|l| ScheduledLaunch {
            id: l.model.id.clone(),
            title: l.model.title.clone(),
            path: repo.files.get(l.doc.file).path.clone(),
            file: l.doc.file,
            status: l.model.status,
            risk: l.model.risk,
            change_type: l.model.change_type,
            services: l.model.services.clone(),
            requester: l.model.requester.clone(),
            start: l.model.window.start,
            end: l.model.window.end,
        })
        .collect();
    launches.sort_by(|a, b| (a.start, &a.id, &a.path).cmp(&(b.start, &b.id, &b.path)));
    let mut freezes: Vec<ScheduledFreeze> = repo
        .policy
        .freezes
        .iter()
        .map(|f| ScheduledFreeze {
            name: f.name.clone(),
            start: f.start,
            end: f.end,
            allow: f.allow.iter().map(|c| c.as_str().to_owned()).collect(),
            approvals: f.approvals.clone(),
        })
        .collect();
    freezes.sort_by(|a, b| (a.start, &a.name).cmp(&(b.start, &b.name)));
    let mut open_incidents: Vec<OpenIncident> = repo
        .incidents
        .iter()
        .filter(|i| !i.model.status.is_record())
        .map(|i| OpenIncident {
            id: i.model.id.clone(),
            title: i.model.title.clone(),
            path: repo.files.get(i.doc.file).path.clone(),
            severity: i.model.severity.clone(),
            status: i.model.status.as_str().to_owned(),
            services: i.model.services.clone(),
            detected_at: i.model.detected_at,
        })
        .collect();
    open_incidents.sort_by(|a, b| (a.detected_at, &a.id).cmp(&(b.detected_at, &b.id)));
    Schedule {
        now: clock.now,
        tz: clock.tz.clone(),
        launches,
        freezes,
        open_incidents,
        deadlines,
    }
}

/// The 1-based line of what a rule would point at for `path`.
fn line_of(repo: &Repo<'_>, doc: &Document<'_>, path: &[Seg<'_>]) -> usize {
    let span = doc.point_at(path);
    repo.files.get(doc.file).position(span.start).line
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    date.checked_add(days.days()).ok()
}

fn plan_deadlines(repo: &Repo<'_>, plan: &PlanEntry<'_>, out: &mut Vec<Deadline>) {
    let base = &repo.policy.base;
    let model = &plan.model;
    let path = repo.files.get(plan.doc.file).path.clone();
    let today = repo.clock.date_of(repo.clock.now);
    let owner = DeadlineOwner {
        doc_kind: Kind::ResponsePlan,
        doc_id: model.id.clone(),
        path,
    };
    let deadline =
        |date, kind, event, what, line, rule| owner.deadline(date, kind, event, what, line, rule);

    if base.level(&crate::rules::DRILL_RECENCY).is_some() {
        let params = &base.params.drill_recency;
        let latest =
            rules::lc202_drill_recency::latest_accepted(&model.drills, &params.accept, today);
        if let Some((index, drill)) = latest {
            if let Some(date) = add_days(drill.date, params.max_age_days) {
                let line = line_of(
                    repo,
                    plan.doc,
                    &["drills".into(), index.into(), "date".into()],
                );
                out.push(deadline(
                    date,
                    DeadlineKind::DrillStale,
                    "drill-recency".into(),
                    format!(
                        "{}: the last accepted drill ({}) reaches the {}-day limit",
                        model.id, drill.date, params.max_age_days
                    ),
                    line,
                    &rules::DRILL_RECENCY,
                ));
            }
        }
    }

    if base.level(&crate::rules::PLAN_REVIEW).is_some() {
        if let Some(reviewed_on) = model.reviewed_on {
            let max_age = base.params.plan_review.max_age_days;
            if let Some(date) = add_days(reviewed_on, max_age) {
                out.push(deadline(
                    date,
                    DeadlineKind::PlanReview,
                    "plan-review".into(),
                    format!(
                        "{}: plan review due (last reviewed {reviewed_on}, every {max_age} days)",
                        model.id
                    ),
                    line_of(repo, plan.doc, &["reviewed_on".into()]),
                    &rules::PLAN_REVIEW,
                ));
            }
        }
    }

    if base.level(&crate::rules::DRILL_ACTIONS).is_some() {
        for (i, drill) in model.drills.iter().enumerate() {
            for (j, action) in drill.actions.iter().enumerate() {
                if action.done {
                    continue;
                }
                let owner = if action.owner.is_empty() {
                    String::new()
                } else {
                    format!(" (owner {})", action.owner)
                };
                out.push(deadline(
                    action.due,
                    DeadlineKind::DrillAction,
                    format!("drill-{}-action-{j}", drill.date),
                    format!(
                        "{}: drill action \"{}\"{owner} due",
                        model.id, action.action
                    ),
                    line_of(
                        repo,
                        plan.doc,
                        &[
                            "drills".into(),
                            i.into(),
                            "actions".into(),
                            j.into(),
                            "due".into(),
                        ],
                    ),
                    &rules::DRILL_ACTIONS,
                ));
            }
        }
    }
}

fn launch_deadlines(repo: &Repo<'_>, launch: &LaunchEntry<'_>, out: &mut Vec<Deadline>) {
    let model = &launch.model;
    // Rejected and cancelled requests are records that no time-based rule judges (launched
    // and rolled-back ones still owe their emergency review).
    if model.status.is_closed() {
        return;
    }
    let clock = &repo.clock;
    let path = repo.files.get(launch.doc.file).path.clone();
    let owner = DeadlineOwner {
        doc_kind: Kind::LaunchRequest,
        doc_id: model.id.clone(),
        path,
    };
    let deadline =
        |date, kind, event, what, line, rule| owner.deadline(date, kind, event, what, line, rule);

    // A launched or rolled-back request is judged at its window start: its waivers do not
    // expire for it as the calendar moves.
    let waivers = if model.status.is_judged_record() {
        &[][..]
    } else {
        &model.waivers[..]
    };
    for (i, waiver) in waivers.iter().enumerate() {
        out.push(deadline(
            waiver.expires,
            DeadlineKind::WaiverExpiry,
            format!("waiver-{i}-{}", waiver.rule),
            format!("{}: the waiver of `{}` expires", model.id, waiver.rule),
            line_of(
                repo,
                launch.doc,
                &["waivers".into(), i.into(), "expires".into()],
            ),
            &rules::WAIVER_EXPIRED,
        ));
    }

    let rules = &launch.rules;
    if model.change_type == ChangeType::Emergency
        && rules.level(&crate::rules::EMERGENCY_REVIEW).is_some()
    {
        let reviewed = model
            .emergency
            .as_ref()
            .is_some_and(|e| e.reviewed_at.is_some() && e.reviewed_by.is_some());
        if !reviewed {
            let hours = rules.params.emergency_review.review_within_hours;
            let due = rules::lc109_emergency_review::review_due(model.window.end, hours);
            if due < Timestamp::MAX {
                out.push(deadline(
                    last_day_before(clock, due),
                    DeadlineKind::EmergencyReview,
                    "emergency-review".into(),
                    format!(
                        "{}: post-implementation review due by {}",
                        model.id,
                        clock.show(due)
                    ),
                    line_of(repo, launch.doc, &["emergency".into()]),
                    &rules::EMERGENCY_REVIEW,
                ));
            }
        }
    }

    if matches!(
        model.status,
        Status::Draft | Status::Submitted | Status::Approved
    ) && rules.level(&crate::rules::STALE_REQUEST).is_some()
    {
        out.push(deadline(
            last_day_before(clock, model.window.end),
            DeadlineKind::LaunchOutcome,
            "outcome".into(),
            format!(
                "{}: the window ends {}; record the outcome (status is still `{}`)",
                model.id,
                clock.show(model.window.end),
                model.status.as_str()
            ),
            line_of(repo, launch.doc, &["status".into()]),
            &rules::STALE_REQUEST,
        ));
    }

    // A stricter override for this launch makes the linked plan's drill stale earlier; it
    // matters only when that happens before the window starts.
    let Some(plan) = model.response_plan.as_deref().and_then(|id| repo.plan(id)) else {
        return;
    };
    if rules.level(&crate::rules::DRILL_RECENCY).is_none() {
        return;
    }
    let params = &rules.params.drill_recency;
    let base = &repo.policy.base.params.drill_recency;
    let today = clock.date_of(clock.now);
    let window_day = clock.date_of(model.window.start);
    let Some((_, drill)) =
        rules::lc202_drill_recency::latest_accepted(&plan.model.drills, &params.accept, today)
    else {
        return;
    };
    let Some(date) = add_days(drill.date, params.max_age_days) else {
        return;
    };
    let plan_date =
        rules::lc202_drill_recency::latest_accepted(&plan.model.drills, &base.accept, today)
            .and_then(|(_, d)| add_days(d.date, base.max_age_days));
    let stricter = plan_date.is_none_or(|p| date < p);
    if stricter && date < window_day {
        out.push(deadline(
            date,
            DeadlineKind::DrillStaleForLaunch,
            format!("drill-recency-{}", plan.model.id),
            format!(
                "{} for {}: the last accepted drill ({}) reaches this launch's {}-day limit before its window on {window_day}",
                plan.model.id, model.id, drill.date, params.max_age_days
            ),
            line_of(repo, launch.doc, &["response_plan".into()]),
            &rules::DRILL_RECENCY,
        ));
    }
}

fn incident_deadlines(repo: &Repo<'_>, incident: &IncidentEntry<'_>, out: &mut Vec<Deadline>) {
    let model = &incident.model;
    let base = &repo.policy.base;
    let path = repo.files.get(incident.doc.file).path.clone();
    let owner = DeadlineOwner {
        doc_kind: Kind::Incident,
        doc_id: model.id.clone(),
        path,
    };
    let deadline =
        |date, kind, event, what, line, rule| owner.deadline(date, kind, event, what, line, rule);

    if base.level(&crate::rules::POSTMORTEM).is_some()
        && !rules::lc604_postmortem::is_complete(incident)
    {
        if let Some(due) = rules::lc604_postmortem::due(repo, incident) {
            let at = if model.postmortem.is_some() {
                "postmortem"
            } else {
                "resolved_at"
            };
            out.push(deadline(
                due,
                DeadlineKind::PostmortemDue,
                "postmortem".into(),
                format!("{}: postmortem ({}) due", model.id, model.severity),
                line_of(repo, incident.doc, &[at.into()]),
                &rules::POSTMORTEM,
            ));
        }
    }

    if base.level(&crate::rules::POSTMORTEM_ACTIONS).is_some() {
        let actions = model.postmortem.iter().flat_map(|p| p.actions.iter());
        for (i, action) in actions.enumerate().filter(|(_, a)| !a.done) {
            let owner = if action.owner.is_empty() {
                String::new()
            } else {
                format!(" (owner {})", action.owner)
            };
            out.push(deadline(
                action.due,
                DeadlineKind::PostmortemAction,
                format!("postmortem-action-{i}"),
                format!(
                    "{}: postmortem action \"{}\"{owner} due",
                    model.id, action.action
                ),
                line_of(
                    repo,
                    incident.doc,
                    &[
                        "postmortem".into(),
                        "actions".into(),
                        i.into(),
                        "due".into(),
                    ],
                ),
                &rules::POSTMORTEM_ACTIONS,
            ));
        }
    }

    if base.level(&crate::rules::BREACH_NOTIFICATION).is_some() {
        if let Some(due) = rules::lc608_breach_notification::deadline(repo, incident) {
            let notified = model.notifications.iter().any(|n| n.to == "regulator");
            if !notified {
                out.push(deadline(
                    last_day_before(&repo.clock, due),
                    DeadlineKind::BreachNotification,
                    "breach-notification".into(),
                    format!(
                        "{}: notify the regulator of the data breach by {}",
                        model.id,
                        repo.clock.show(due)
                    ),
                    line_of(repo, incident.doc, &["data_breach".into()]),
                    &rules::BREACH_NOTIFICATION,
                ));
            }
        }
    }
}

/// When each plan role holder's contact verification runs out.
fn contact_deadlines(repo: &Repo<'_>, out: &mut Vec<Deadline>) {
    let Some(roster) = &repo.roster else {
        return;
    };
    if repo
        .policy
        .base
        .level(&crate::rules::CONTACT_CURRENT)
        .is_none()
    {
        return;
    }
    let path = repo.files.get(roster.doc.file).path.clone();
    for handle in rules::lc303_contact_current::role_holders(repo).into_keys() {
        let Some(person) = roster.model.people.get(&handle) else {
            continue;
        };
        let Some(verified) = person.contact_verified_on else {
            continue;
        };
        let Some(date) = rules::lc303_contact_current::verification_expires(repo, verified) else {
            continue;
        };
        out.push(Deadline {
            date,
            kind: DeadlineKind::ContactVerification,
            doc_kind: Kind::Roster,
            doc_id: handle.clone(),
            event: "contact-verification".into(),
            what: format!("{handle}: contact details verified on {verified} need verifying again"),
            path: path.clone(),
            line: line_of(
                repo,
                roster.doc,
                &[
                    "people".into(),
                    handle.as_str().into(),
                    "contact_verified_on".into(),
                ],
            ),
            rule: &rules::CONTACT_CURRENT,
        });
    }
}

/// The last day that ends before `at` (the day of `at` itself unless `at` is midnight).
fn last_day_before(clock: &Clock, at: Timestamp) -> Date {
    let just_before = at.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(at);
    clock.date_of(just_before)
}

/// An instant as iCalendar UTC text, `20261203T010000Z`.
pub fn ical_utc(at: Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deadline_at_midnight_leaves_the_previous_day() {
        let clock = Clock::new(
            Timestamp::UNIX_EPOCH,
            crate::time::parse_timezone("+08:00").unwrap(),
        );
        let midnight: Timestamp = "2026-12-03T16:00:00Z".parse().unwrap();
        assert_eq!(last_day_before(&clock, midnight).to_string(), "2026-12-03");
        let later = midnight.checked_add(SignedDuration::from_secs(1)).unwrap();
        assert_eq!(last_day_before(&clock, later).to_string(), "2026-12-04");
    }

    #[test]
    fn uids_ignore_the_path() {
        let deadline = Deadline {
            date: "2026-12-03".parse().unwrap(),
            kind: DeadlineKind::WaiverExpiry,
            doc_kind: Kind::LaunchRequest,
            doc_id: "LR-1".into(),
            event: "waiver-0-freeze-window".into(),
            what: String::new(),
            path: "launches/a.toml".into(),
            line: 3,
            rule: &rules::WAIVER_EXPIRED,
        };
        let moved = Deadline {
            path: "archive/a.toml".into(),
            ..deadline.clone()
        };
        assert_eq!(deadline.uid(), moved.uid());
        assert_eq!(
            deadline.uid(),
            "launch-request/LR-1/waiver-0-freeze-window@launchcheck"
        );
        assert_eq!(deadline.first_late_day().to_string(), "2026-12-04");
    }
}
