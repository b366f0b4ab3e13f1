//! The policy: the embedded default merged with the user's policy files, rule levels and
//! parameters, freezes, and overrides resolved per launch (cached per set of matching
//! overrides, so thousands of launches share a handful of resolved rule sets).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobMatcher};
use jiff::Timestamp;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::diagnostic::Level;
use crate::model::{ChangeType, LaunchRequest, Outcome, Risk};
use crate::rules::{self, Rule};
use crate::source::FileId;

/// The embedded default policy, the repository's own `policies/default.toml`.
pub const DEFAULT_POLICY: &str = include_str!("../policies/default.toml");

/// A rule's configured level: off, or reported at a level.
pub type Setting = Option<Level>;

/// Parameters every rule that is scoped by risk shares.
#[derive(Debug, Clone, Deserialize)]
pub struct RiskScope {
    pub risk: Vec<Risk>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RollbackPlan {
    pub risk: Vec<Risk>,
    pub tested_risk: Vec<Risk>,
    pub max_test_age_days: i64,
}

/// A value per risk; a risk left out has no requirement.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PerRisk<T> {
    pub low: Option<T>,
    pub medium: Option<T>,
    pub high: Option<T>,
    pub critical: Option<T>,
}

impl<T> PerRisk<T> {
    pub fn get(&self, risk: Risk) -> Option<&T> {
        match risk {
            Risk::Low => self.low.as_ref(),
            Risk::Medium => self.medium.as_ref(),
            Risk::High => self.high.as_ref(),
            Risk::Critical => self.critical.as_ref(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Approvals {
    pub required: PerRisk<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeparationOfDuties {
    pub distinct_approvers: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LaunchWindow {
    pub max_hours: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LeadTime {
    pub min_days: PerRisk<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct NoticePeriod {
    pub min_hours: f64,
    pub risk: Vec<Risk>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EmergencyReview {
    pub review_within_hours: f64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RequiredRoles {
    pub roles: Vec<String>,
    pub require_backup: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DrillRecency {
    pub accept: Vec<Outcome>,
    pub max_age_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeverityLevels {
    pub levels: Vec<String>,
    pub max_response_minutes: HashMap<String, u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EscalationParams {
    pub max_first_minutes: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ProcedurePhases {
    pub phases: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MaxAge {
    pub max_age_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WaiverInvalid {
    pub max_days: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WaiverAuthority {
    pub approver_roles: Vec<String>,
    /// Waived rule (name or code) → the roles that may approve its waivers.
    #[serde(default)]
    pub by_rule: HashMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SeverityScope {
    pub levels: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PostmortemParams {
    pub required_for: Vec<String>,
    /// Severity → days after `resolved_at` by which the postmortem is held.
    pub within_days: HashMap<String, i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BreachNotification {
    pub within_hours: f64,
}

/// Every rule's parameters, resolved for one launch (or the base policy). No default is
/// restated here: every value comes from the merged policy, whose base is the embedded
/// default (`tests/parameters.rs` holds it to the policy schema and the rules' documentation).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Params {
    pub plan_link: RiskScope,
    pub rollback_plan: RollbackPlan,
    pub approvals: Approvals,
    pub separation_of_duties: SeparationOfDuties,
    pub launch_window: LaunchWindow,
    pub lead_time: LeadTime,
    pub notice_period: NoticePeriod,
    pub emergency_review: EmergencyReview,
    pub testing_evidence: RiskScope,
    pub rollout_strategy: RiskScope,
    pub verification: RiskScope,
    pub required_roles: RequiredRoles,
    pub drill_recency: DrillRecency,
    pub severity_levels: SeverityLevels,
    pub escalation: EscalationParams,
    pub procedure_phases: ProcedurePhases,
    pub plan_review: MaxAge,
    pub waiver_invalid: WaiverInvalid,
    pub waiver_authority: WaiverAuthority,
    pub maintenance_window: RiskScope,
    pub contact_current: MaxAge,
    pub incident_roles: SeverityScope,
    pub postmortem: PostmortemParams,
    pub change_during_incident: SeverityScope,
    pub breach_notification: BreachNotification,
}

/// Levels, waivability and parameters of every rule, as resolved for one launch.
#[derive(Debug)]
pub struct RuleSet {
    pub params: Params,
    /// By rule code; looked up for every rule and launch, hence the fast hasher.
    settings: foldhash::HashMap<&'static str, (Setting, bool)>,
}

impl RuleSet {
    fn from_rules_json(rules_json: &Value) -> Result<RuleSet, String> {
        let params = Params::deserialize(rules_json).map_err(|e| e.to_string())?;
        let mut settings = foldhash::HashMap::default();
        for info in rules::RULES {
            let entry = rules_json.get(info.name);
            let level = match entry.and_then(|e| e.get("level")).and_then(Value::as_str) {
                Some("off") => None,
                Some("warning") => Some(Level::Warning),
                Some("error") => Some(Level::Error),
                _ => Some(info.default_level),
            };
            let waivable = info.is_waivable()
                && entry
                    .and_then(|e| e.get("waivable"))
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
            settings.insert(info.code, (level, waivable));
        }
        Ok(RuleSet { params, settings })
    }

    /// The level a rule reports at, or `None` when it is off.
    pub fn level(&self, rule: &Rule) -> Setting {
        self.settings
            .get(rule.code)
            .map_or(Some(rule.default_level), |s| s.0)
    }

    pub fn waivable(&self, rule: &Rule) -> bool {
        self.settings
            .get(rule.code)
            .map_or(rule.is_waivable(), |s| s.1)
    }
}

/// Where a policy entry came from, for related spans.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: FileId,
    pub span: Range<usize>,
}

/// A `[[freeze]]` window.
#[derive(Debug, Clone)]
pub struct Freeze {
    pub name: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub allow: Vec<ChangeType>,
    pub approvals: Vec<String>,
    /// `None` for a freeze in the embedded default policy.
    pub origin: Option<Origin>,
}

#[derive(Debug)]
struct Override {
    services: Vec<GlobMatcher>,
    risk: Option<Vec<Risk>>,
    change_type: Option<Vec<ChangeType>>,
    rules: Value,
}

impl Override {
    fn matches(&self, launch: &LaunchRequest) -> bool {
        let services = self.services.is_empty()
            || launch
                .services
                .iter()
                .any(|s| self.services.iter().any(|g| g.is_match(s)));
        let risk = self.risk.as_ref().is_none_or(|r| r.contains(&launch.risk));
        let change = self
            .change_type
            .as_ref()
            .is_none_or(|c| c.contains(&launch.change_type));
        services && risk && change
    }
}

/// One policy document to merge: its JSON and where its `[[freeze]]` entries sit.
pub struct PolicySource {
    pub json: Value,
    /// Per `[[freeze]]` entry, its location (for related spans), when from a user file.
    pub freeze_origins: Vec<Origin>,
}

/// The effective policy of a run.
#[derive(Debug)]
pub struct Policy {
    /// The merged policy document (what `launchcheck policy` prints).
    pub merged: Value,
    pub base: Arc<RuleSet>,
    pub freezes: Vec<Freeze>,
    /// The recurring `[[maintenance]]` windows of every policy file.
    pub maintenance: Vec<crate::maintenance::Maintenance>,
    overrides: Vec<Override>,
    cache: Mutex<HashMap<Vec<usize>, Arc<RuleSet>>>,
}

impl Policy {
    /// Merges the embedded default with the user's policies (already schema-checked), in order.
    pub fn build(default: Value, user: Vec<PolicySource>) -> Result<Policy, String> {
        let mut merged = default;
        let mut freeze_origins: Vec<Option<Origin>> =
            freeze_entries(&merged).map(|_| None).collect();
        for source in user {
            let count = freeze_entries(&source.json).count();
            let mut origins = source
                .freeze_origins
                .into_iter()
                .map(Some)
                .collect::<Vec<_>>();
            origins.resize(count, None);
            freeze_origins.extend(origins);
            merge_policy(&mut merged, source.json);
        }
        let base = Arc::new(RuleSet::from_rules_json(
            merged.get("rules").unwrap_or(&Value::Null),
        )?);
        let mut freezes = Vec::new();
        for (entry, origin) in freeze_entries(&merged).zip(freeze_origins) {
            freezes.push(parse_freeze(entry, origin)?);
        }
        let maintenance = merged
            .get("maintenance")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(crate::maintenance::Maintenance::from_json)
            .collect::<Result<Vec<_>, _>>()?;
        let mut overrides = Vec::new();
        if let Some(Value::Array(entries)) = merged.get("override") {
            for entry in entries {
                overrides.push(parse_override(entry)?);
            }
        }
        Ok(Policy {
            merged,
            base,
            freezes,
            maintenance,
            overrides,
            cache: Mutex::new(HashMap::new()),
        })
    }

    /// Indexes of the overrides that match a launch, in order.
    pub fn matching_overrides(&self, launch: &LaunchRequest) -> Vec<usize> {
        self.overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.matches(launch))
            .map(|(i, _)| i)
            .collect()
    }

    /// The merged policy document with the `rules` of these overrides applied, later ones
    /// winning: the effective policy organisation rules see for a document.
    pub fn effective_document(&self, matched: &[usize]) -> Value {
        let mut document = self.merged.clone();
        if let Value::Object(map) = &mut document {
            let mut rules_json = map.get("rules").cloned().unwrap_or(Value::Null);
            for &i in matched {
                if let Some(o) = self.overrides.get(i) {
                    deep_merge(&mut rules_json, o.rules.clone());
                }
            }
            map.insert("rules".to_owned(), rules_json);
        }
        document
    }

    /// The rule set for a launch: the base plus every matching override, later ones winning.
    pub fn for_launch(&self, launch: &LaunchRequest) -> Result<Arc<RuleSet>, String> {
        let matched: Vec<usize> = self
            .overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.matches(launch))
            .map(|(i, _)| i)
            .collect();
        if matched.is_empty() {
            return Ok(self.base.clone());
        }
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(set) = cache.get(&matched) {
            return Ok(set.clone());
        }
        let mut rules_json = self.merged.get("rules").cloned().unwrap_or(Value::Null);
        for &i in &matched {
            deep_merge(&mut rules_json, self.overrides[i].rules.clone());
        }
        let set = Arc::new(RuleSet::from_rules_json(&rules_json)?);
        cache.insert(matched, set.clone());
        Ok(set)
    }
}

fn freeze_entries(policy: &Value) -> impl Iterator<Item = &Value> {
    policy
        .get("freeze")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Key-by-key merge; `[[freeze]]`, `[[maintenance]]` and `[[override]]` concatenate.
fn merge_policy(base: &mut Value, overlay: Value) {
    let Value::Object(overlay) = overlay else {
        return;
    };
    let Value::Object(base_map) = base else {
        *base = Value::Object(overlay);
        return;
    };
    for (key, value) in overlay {
        match (key.as_str(), base_map.get_mut(&key), value) {
            (
                "freeze" | "maintenance" | "override",
                Some(Value::Array(existing)),
                Value::Array(more),
            ) => {
                existing.extend(more);
            }
            (_, Some(existing), value) => deep_merge(existing, value),
            (_, None, value) => {
                base_map.insert(key, value);
            }
        }
    }
}

/// Tables merge key by key; anything else is replaced.
pub fn deep_merge(base: &mut Value, overlay: Value) {
    match (base, overlay) {
        (Value::Object(base), Value::Object(overlay)) => {
            for (key, value) in overlay {
                match base.get_mut(&key) {
                    Some(existing) => deep_merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overlay) => *base = overlay,
    }
}

fn parse_freeze(entry: &Value, origin: Option<Origin>) -> Result<Freeze, String> {
    let text = |key: &str| entry.get(key).and_then(Value::as_str).unwrap_or_default();
    let instant = |key: &str| -> Result<Timestamp, String> {
        text(key)
            .parse()
            .map_err(|e| format!("freeze `{}`: `{key}`: {e}", text("name")))
    };
    Ok(Freeze {
        name: text("name").to_owned(),
        start: instant("start")?,
        end: instant("end")?,
        allow: strings(entry.get("allow"))
            .iter()
            .filter_map(|s| serde_json::from_value(Value::String(s.clone())).ok())
            .collect(),
        approvals: strings(entry.get("approvals")),
        origin,
    })
}

fn parse_override(entry: &Value) -> Result<Override, String> {
    let services = strings(entry.get("services"))
        .iter()
        .map(|pattern| {
            Glob::new(pattern)
                .map(|g| g.compile_matcher())
                .map_err(|e| format!("override service glob `{pattern}`: {e}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let list = |key: &str| -> Option<Value> { entry.get(key).cloned() };
    let risk = list("risk")
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| e.to_string())?;
    let change_type = list("change_type")
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| e.to_string())?;
    Ok(Override {
        services,
        risk,
        change_type,
        rules: entry
            .get("rules")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new())),
    })
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
