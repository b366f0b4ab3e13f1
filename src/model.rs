//! Typed views of launch requests, response plans, incidents and the roster, deserialized from the
//! documents' JSON form. Fields the schema makes optional are `Option`s or default to empty;
//! rules judge what is missing.

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeType {
    Standard,
    Normal,
    Emergency,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Standard => "standard",
            ChangeType::Normal => "normal",
            ChangeType::Emergency => "emergency",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    Low,
    Medium,
    High,
    Critical,
}

impl Risk {
    pub fn as_str(self) -> &'static str {
        match self {
            Risk::Low => "low",
            Risk::Medium => "medium",
            Risk::High => "high",
            Risk::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    Submitted,
    Approved,
    Rejected,
    Launched,
    RolledBack,
    Cancelled,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Launched => "launched",
            Status::RolledBack => "rolled-back",
            Status::Cancelled => "cancelled",
        }
    }

    /// Rejected and cancelled requests are closed: only file, id and history rules judge them.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Rejected | Status::Cancelled)
    }

    /// Launched and rolled-back requests record what happened: they are judged at their
    /// window's start, so that they do not turn red as the calendar moves.
    pub fn is_judged_record(self) -> bool {
        matches!(self, Status::Launched | Status::RolledBack)
    }

    /// Any status that only records history: it may be archived.
    pub fn is_record(self) -> bool {
        self.is_closed() || self.is_judged_record()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Approved,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    AllAtOnce,
    Canary,
    Phased,
    BlueGreen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Partial,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Partial => "partial",
            Outcome::Failed => "failed",
        }
    }
}

/// A launch request (`kind = "launch-request"`).
#[derive(Debug, Clone, Deserialize)]
pub struct LaunchRequest {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub services: Vec<String>,
    pub change_type: ChangeType,
    pub risk: Risk,
    pub status: Status,
    #[serde(default)]
    pub requester: String,
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub submitted_at: Option<Timestamp>,
    pub response_plan: Option<String>,
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The incident this launch caused or was rolled back for.
    pub incident: Option<String>,
    pub window: Window,
    pub rollout: Option<Rollout>,
    #[serde(default)]
    pub steps: Vec<Step>,
    pub rollback: Option<Rollback>,
    pub testing: Option<Testing>,
    #[serde(default)]
    pub verification: Vec<Verification>,
    pub communication: Option<Communication>,
    #[serde(default)]
    pub approvals: Vec<Approval>,
    pub emergency: Option<Emergency>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Window {
    #[serde(deserialize_with = "timestamp")]
    pub start: Timestamp,
    #[serde(deserialize_with = "timestamp")]
    pub end: Timestamp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rollout {
    pub strategy: Option<Strategy>,
    #[serde(default)]
    pub stages: Vec<u32>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Step {
    #[serde(default)]
    pub action: String,
    pub owner: Option<String>,
    pub minutes: Option<u64>,
    #[serde(default)]
    pub irreversible: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Rollback {
    #[serde(default)]
    pub steps: Vec<String>,
    pub minutes: Option<u64>,
    pub owner: Option<String>,
    #[serde(default, deserialize_with = "opt_date")]
    pub tested_on: Option<Date>,
    #[serde(default)]
    pub triggers: Vec<String>,
    pub backup: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Testing {
    pub passed: Option<bool>,
    pub report: Option<String>,
    pub signed_off_by: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Verification {
    pub check: Option<String>,
    pub rollback_if: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Communication {
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub announced_at: Option<Timestamp>,
    #[serde(default)]
    pub channels: Vec<String>,
    #[serde(default)]
    pub notify: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Approval {
    pub role: String,
    pub by: String,
    #[serde(deserialize_with = "timestamp")]
    pub at: Timestamp,
    pub decision: Decision,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Emergency {
    pub reason: Option<String>,
    pub incident: Option<String>,
    pub reviewed_by: Option<String>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub reviewed_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Waiver {
    pub rule: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub approved_by: String,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub approved_at: Option<Timestamp>,
    #[serde(deserialize_with = "date")]
    pub expires: Date,
    pub path: Option<String>,
    pub ticket: Option<String>,
}

/// A response plan (`kind = "response-plan"`).
#[derive(Debug, Clone, Deserialize)]
pub struct ResponsePlan {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub owner: String,
    #[serde(default, deserialize_with = "opt_date")]
    pub reviewed_on: Option<Date>,
    /// Recovery time objective, in minutes.
    pub rto_minutes: Option<u64>,
    /// Recovery point objective, in minutes.
    pub rpo_minutes: Option<u64>,
    /// Role name → holders, in file order.
    #[serde(default)]
    pub roles: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub escalation: Vec<Escalation>,
    /// Phase name → steps; `x-` extension keys are left out.
    #[serde(default, deserialize_with = "phases")]
    pub procedure: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub drills: Vec<Drill>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

impl ResponsePlan {
    /// The holders of a role, when the plan defines it.
    pub fn role(&self, name: &str) -> Option<Role> {
        let value = self.roles.get(name)?;
        Some(Role {
            primary: value
                .get("primary")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
            backup: value
                .get("backup")
                .and_then(|v| v.as_str())
                .map(str::to_owned),
        })
    }
}

#[derive(Debug, Clone, Default)]
pub struct Role {
    pub primary: Option<String>,
    pub backup: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Severity {
    pub level: String,
    pub criteria: Option<String>,
    pub respond_within_minutes: Option<u64>,
    pub update_every_minutes: Option<u64>,
    #[serde(default)]
    pub notify: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Escalation {
    pub after_minutes: u64,
    pub to: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Drill {
    #[serde(deserialize_with = "date")]
    pub date: Date,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub scenario: Option<String>,
    pub outcome: Outcome,
    #[serde(default)]
    pub participants: Vec<String>,
    pub report: Option<String>,
    #[serde(default)]
    pub actions: Vec<DrillAction>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DrillAction {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub owner: String,
    #[serde(deserialize_with = "date")]
    pub due: Date,
    #[serde(default)]
    pub done: bool,
}

/// The roster (`kind = "roster"`): who exists and what they may approve.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Roster {
    #[serde(default)]
    pub people: BTreeMap<String, Person>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Person {
    #[serde(default)]
    pub name: String,
    pub email: Option<String>,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub can_approve: Vec<String>,
    pub phone: Option<String>,
    pub pager: Option<String>,
    #[serde(default, deserialize_with = "opt_date")]
    pub contact_verified_on: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IncidentStatus {
    Open,
    Mitigated,
    Resolved,
    Closed,
}

impl IncidentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IncidentStatus::Open => "open",
            IncidentStatus::Mitigated => "mitigated",
            IncidentStatus::Resolved => "resolved",
            IncidentStatus::Closed => "closed",
        }
    }

    /// Resolved and closed incidents record what happened: they are judged at `resolved_at`.
    pub fn is_record(self) -> bool {
        matches!(self, IncidentStatus::Resolved | IncidentStatus::Closed)
    }
}

/// An incident record (`kind = "incident"`).
#[derive(Debug, Clone, Deserialize)]
pub struct Incident {
    pub id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub severity: String,
    pub status: IncidentStatus,
    #[serde(default)]
    pub response_plan: String,
    #[serde(default)]
    pub caused_by: Vec<String>,
    #[serde(deserialize_with = "timestamp")]
    pub detected_at: Timestamp,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub acknowledged_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub mitigated_at: Option<Timestamp>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub resolved_at: Option<Timestamp>,
    #[serde(default)]
    pub data_breach: bool,
    /// Role name → who held it, in file order (`x-` keys left out by the rules).
    #[serde(default)]
    pub roles: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    pub timeline: Vec<TimelineEvent>,
    #[serde(default)]
    pub notifications: Vec<Notification>,
    pub postmortem: Option<Postmortem>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

impl Incident {
    /// Who held a role, when the incident names one.
    pub fn held_by(&self, role: &str) -> Option<&str> {
        self.roles.get(role).and_then(|v| v.as_str())
    }

    /// When the incident stopped going on: `resolved_at`, or never yet.
    pub fn end(&self) -> Option<Timestamp> {
        self.resolved_at
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct TimelineEvent {
    #[serde(deserialize_with = "timestamp")]
    pub at: Timestamp,
    pub phase: Option<String>,
    #[serde(default)]
    pub what: String,
    pub by: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Notification {
    #[serde(default)]
    pub to: String,
    #[serde(deserialize_with = "timestamp")]
    pub at: Timestamp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Postmortem {
    #[serde(default, deserialize_with = "opt_date")]
    pub held_on: Option<Date>,
    pub report: Option<String>,
    pub root_cause: Option<String>,
    #[serde(default)]
    pub actions: Vec<DrillAction>,
}

fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    timestamp(d).map(Some)
}

fn phases<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Vec<String>>, D::Error> {
    let table = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
    Ok(table
        .into_iter()
        .filter(|(name, _)| !name.starts_with("x-"))
        .filter_map(|(name, steps)| Some((name, Vec::<String>::deserialize(steps).ok()?)))
        .collect())
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    date(d).map(Some)
}
