//! The rule registry: one table of every rule's code, name, default level and documentation,
//! and the contexts rules are evaluated in. Each rule lives in its own file whose `//!`
//! comment is the text `launchcheck rule NAME` prints.

use jiff::Timestamp;

use crate::diagnostic::{Finding, Level};
use crate::document::{display_path, Document, Seg};
use crate::index::{IncidentEntry, LaunchEntry, PlanEntry, Repo};
use crate::model::{Incident, LaunchRequest, ResponsePlan};
use crate::policy::RuleSet;

/// The rule groups, by code prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Files,
    Launch,
    Plan,
    People,
    Incidents,
    Git,
    Waivers,
    /// The organisation's own rules, written in Rego (`policies/*.rego`).
    Organisation,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Files => "Files and structure",
            Group::Launch => "Launch requests",
            Group::Plan => "Response plans",
            Group::People => "People",
            Group::Incidents => "Incidents",
            Group::Git => "Git history",
            Group::Waivers => "Waivers",
            Group::Organisation => "Organisation rules",
        }
    }
}

/// How the engine runs a rule.
#[derive(Clone, Copy)]
pub enum Check {
    /// Produced by another stage (loading, schema, waivers, git).
    External,
    /// Once per active launch request, with that launch's resolved rule set.
    Launch(fn(&LaunchCx<'_, '_>, &mut Vec<Finding>)),
    /// Once per plan at now with the base policy, and for LC201/LC202 again per linking launch.
    Plan(fn(&PlanCx<'_, '_>, &mut Vec<Finding>)),
    /// Once per incident record in scope, with the base policy.
    Incident(fn(&IncidentCx<'_, '_>, &mut Vec<Finding>)),
    /// Once per run over the whole index.
    Repo(fn(&Repo<'_>, &mut Vec<Finding>)),
}

/// A registered rule.
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    pub group: Group,
    pub check: Check,
    /// The rule's source file; its `//!` lines are the documentation.
    source: &'static str,
    /// Set for an organisation rule: what the policy says about it.
    custom: Option<CustomSettings>,
}

/// What a policy file's `[custom."name"]` table and the Rego file say about an organisation
/// rule beyond its code, name and level.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomSettings {
    pub waivable: bool,
}

impl std::fmt::Debug for RuleInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

impl RuleInfo {
    /// The rule's documentation (Markdown), from its file's `//!` comment.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                if out.is_empty() && line.trim().is_empty() {
                    continue;
                }
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out.trim_end().to_owned()
    }

    /// The first paragraph of the documentation, on one line: what the rule checks, in one
    /// sentence (which may wrap over several lines in the source).
    pub fn summary(&self) -> String {
        self.doc()
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// LC0xx rules are always on and cannot be configured or waived; neither can LC5xx,
    /// which judge the waivers themselves.
    pub fn is_configurable(&self) -> bool {
        self.group != Group::Files
    }

    pub fn is_waivable(&self) -> bool {
        match &self.custom {
            Some(custom) => custom.waivable,
            None => !matches!(self.group, Group::Files | Group::Waivers),
        }
    }

    /// Whether this is an organisation rule (written in Rego) rather than a built-in one.
    pub fn is_custom(&self) -> bool {
        self.custom.is_some()
    }
}

/// Organisation rules registered in this process. Findings refer to their rule as
/// `&'static RuleInfo`, like the built-in rules; organisation rules are read once per run, so
/// each distinct one is leaked once and then reused (interned by everything that defines it).
static CUSTOM_RULES: std::sync::RwLock<Vec<&'static RuleInfo>> = std::sync::RwLock::new(Vec::new());

/// Registers an organisation rule (or returns the identical one registered before).
/// `doc` is its explanation, Markdown, first line the summary.
pub fn register_custom(
    code: &str,
    name: &str,
    default_level: Level,
    doc: &str,
    settings: CustomSettings,
) -> &'static RuleInfo {
    let source: String = doc.lines().map(|line| format!("//! {line}\n")).collect();
    let mut registered = CUSTOM_RULES.write().unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = registered.iter().find(|r| {
        r.code == code
            && r.name == name
            && r.default_level == default_level
            && r.source == source
            && r.custom.as_ref() == Some(&settings)
    }) {
        return existing;
    }
    let rule: &'static RuleInfo = Box::leak(Box::new(RuleInfo {
        code: Box::leak(code.to_owned().into_boxed_str()),
        name: Box::leak(name.to_owned().into_boxed_str()),
        default_level,
        group: Group::Organisation,
        check: Check::External,
        source: Box::leak(source.into_boxed_str()),
        custom: Some(settings),
    }));
    registered.push(rule);
    rule
}

/// The organisation rules of the current run: the latest registration of each name.
pub fn custom_rules() -> Vec<&'static RuleInfo> {
    let registered = CUSTOM_RULES.read().unwrap_or_else(|e| e.into_inner());
    let mut latest: Vec<&'static RuleInfo> = Vec::new();
    for rule in registered.iter().rev() {
        if !latest.iter().any(|r| r.name == rule.name) {
            latest.push(rule);
        }
    }
    latest.sort_by(|a, b| a.code.cmp(b.code));
    latest
}

/// Forgets which organisation rules are current (a run without Rego files has none).
pub fn clear_custom() {
    CUSTOM_RULES
        .write()
        .unwrap_or_else(|e| e.into_inner())
        .clear();
}

/// Every rule: the built-in ones in code order, then the organisation rules.
pub fn all() -> Vec<&'static RuleInfo> {
    RULES.iter().chain(custom_rules()).collect()
}

macro_rules! registry {
    ($( $module:ident => $code:literal, $name:literal, $level:ident, $group:ident; )*) => {
        $( pub mod $module; )*

        /// Every rule, in code order.
        pub static RULES: &[RuleInfo] = &[
            $( RuleInfo {
                code: $code,
                name: $name,
                default_level: Level::$level,
                group: Group::$group,
                check: $module::CHECK,
                source: include_str!(concat!(stringify!($module), ".rs")),
                custom: None,
            }, )*
        ];
    };
}

registry! {
    lc001_toml_syntax => "LC001", "toml-syntax", Error, Files;
    lc002_unknown_kind => "LC002", "unknown-kind", Error, Files;
    lc003_schema => "LC003", "schema", Error, Files;
    lc004_duplicate_id => "LC004", "duplicate-id", Error, Files;
    lc005_unreadable_file => "LC005", "unreadable-file", Error, Files;
    lc006_unmatched_document => "LC006", "unmatched-document", Error, Files;
    lc101_plan_link => "LC101", "plan-link", Error, Launch;
    lc102_rollback_plan => "LC102", "rollback-plan", Error, Launch;
    lc103_approvals => "LC103", "approvals", Error, Launch;
    lc104_separation_of_duties => "LC104", "separation-of-duties", Error, Launch;
    lc105_launch_window => "LC105", "launch-window", Error, Launch;
    lc106_freeze_window => "LC106", "freeze-window", Error, Launch;
    lc107_lead_time => "LC107", "lead-time", Error, Launch;
    lc108_notice_period => "LC108", "notice-period", Warning, Launch;
    lc109_emergency_review => "LC109", "emergency-review", Error, Launch;
    lc110_stale_request => "LC110", "stale-request", Warning, Launch;
    lc111_change_collision => "LC111", "change-collision", Error, Launch;
    lc112_dependency_order => "LC112", "dependency-order", Error, Launch;
    lc113_testing_evidence => "LC113", "testing-evidence", Error, Launch;
    lc114_rollout_strategy => "LC114", "rollout-strategy", Warning, Launch;
    lc115_verification => "LC115", "verification", Warning, Launch;
    lc116_maintenance_window => "LC116", "maintenance-window", Warning, Launch;
    lc117_recovery_objective => "LC117", "recovery-objective", Error, Launch;
    lc201_required_roles => "LC201", "required-roles", Error, Plan;
    lc202_drill_recency => "LC202", "drill-recency", Error, Plan;
    lc203_severity_levels => "LC203", "severity-levels", Error, Plan;
    lc204_escalation => "LC204", "escalation", Warning, Plan;
    lc205_procedure_phases => "LC205", "procedure-phases", Error, Plan;
    lc206_plan_review => "LC206", "plan-review", Warning, Plan;
    lc207_drill_actions => "LC207", "drill-actions", Warning, Plan;
    lc208_recovery_objectives => "LC208", "recovery-objectives", Warning, Plan;
    lc301_unknown_person => "LC301", "unknown-person", Error, People;
    lc302_approver_authority => "LC302", "approver-authority", Error, People;
    lc303_contact_current => "LC303", "contact-current", Warning, People;
    lc401_approval_invalidated => "LC401", "approval-invalidated", Error, Git;
    lc402_status_transition => "LC402", "status-transition", Error, Git;
    lc403_history_rewrite => "LC403", "history-rewrite", Error, Git;
    lc404_policy_change => "LC404", "policy-change", Warning, Git;
    lc601_incident_plan => "LC601", "incident-plan", Error, Incidents;
    lc602_acknowledge_time => "LC602", "acknowledge-time", Warning, Incidents;
    lc603_incident_roles => "LC603", "incident-roles", Warning, Incidents;
    lc604_postmortem => "LC604", "postmortem", Error, Incidents;
    lc605_postmortem_actions => "LC605", "postmortem-actions", Warning, Incidents;
    lc606_rollback_incident => "LC606", "rollback-incident", Warning, Incidents;
    lc607_change_during_incident => "LC607", "change-during-incident", Error, Incidents;
    lc608_breach_notification => "LC608", "breach-notification", Error, Incidents;
    lc501_waiver_expired => "LC501", "waiver-expired", Error, Waivers;
    lc502_waiver_invalid => "LC502", "waiver-invalid", Error, Waivers;
    lc503_waiver_unused => "LC503", "waiver-unused", Warning, Waivers;
    lc504_waiver_authority => "LC504", "waiver-authority", Error, Waivers;
}

#[cfg(test)]
pub(crate) mod test_harness;

/// Looks a rule up by code (`LC202`) or name (`drill-recency`), case-insensitively.
pub fn find(name_or_code: &str) -> Option<&'static RuleInfo> {
    all().into_iter().find(|r| {
        r.code.eq_ignore_ascii_case(name_or_code) || r.name.eq_ignore_ascii_case(name_or_code)
    })
}

/// The registered rule with this code; rules use it to name themselves.
pub fn rule(code: &str) -> &'static RuleInfo {
    RULES
        .iter()
        .find(|r| r.code == code)
        .unwrap_or_else(|| unreachable!("rule {code} is registered"))
}

/// The closest rule name to a misspelling, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    let rules = all();
    crate::suggest::closest(name, rules.iter().map(|r| r.name))
}

/// A `--select`/`--ignore` entry: a name, a code or a code prefix (`LC1`).
pub fn matches_selector(rule: &RuleInfo, selector: &str) -> bool {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") {
        return true;
    }
    rule.name.eq_ignore_ascii_case(selector)
        || (selector.len() >= 2
            && rule.code.len() >= selector.len()
            && rule.code[..selector.len()].eq_ignore_ascii_case(selector))
}

/// Whether a selector names at least one rule.
pub fn selector_is_known(selector: &str) -> bool {
    all().iter().any(|r| matches_selector(r, selector))
}

/// What a launch rule sees.
pub struct LaunchCx<'r, 'a> {
    pub repo: &'r Repo<'a>,
    pub entry: &'r LaunchEntry<'a>,
}

impl<'r, 'a> LaunchCx<'r, 'a> {
    pub fn launch(&self) -> &'r LaunchRequest {
        &self.entry.model
    }

    pub fn doc(&self) -> &'r Document<'a> {
        self.entry.doc
    }

    /// This launch's rule set (base policy plus matching overrides).
    pub fn rules(&self) -> &'r RuleSet {
        &self.entry.rules
    }

    pub fn now(&self) -> Timestamp {
        self.repo.clock.now
    }

    /// A finding of `code` at key `path` of this launch (or where it should be, per
    /// the rule reference's "where findings point").
    pub fn finding(&self, code: &str, path: &[Seg<'_>], message: impl Into<String>) -> Finding {
        at_path(self.entry.doc, code, path, message)
    }
}

/// What a plan rule sees: the plan, the rule set and the instant it is judged at.
pub struct PlanCx<'r, 'a> {
    pub repo: &'r Repo<'a>,
    pub plan: &'r PlanEntry<'a>,
    pub rules: &'r RuleSet,
    /// Now, or the start of the linking launch's window.
    pub at: Timestamp,
    /// Set when judging the plan for a launch that links it.
    pub launch: Option<&'r LaunchEntry<'a>>,
}

impl<'r, 'a> PlanCx<'r, 'a> {
    pub fn plan(&self) -> &'r ResponsePlan {
        &self.plan.model
    }

    pub fn doc(&self) -> &'r Document<'a> {
        self.plan.doc
    }

    /// "is" when judged now, "will be" when judged at a future launch window.
    pub fn tense(&self) -> &'static str {
        if self.launch.is_some() && self.at > self.repo.clock.now {
            "will be"
        } else if self.launch.is_some() {
            "was"
        } else {
            "is"
        }
    }

    /// " at launch" when judged for a launch, else "".
    pub fn when(&self) -> &'static str {
        if self.launch.is_some() {
            " at launch"
        } else {
            ""
        }
    }

    pub fn finding(&self, code: &str, path: &[Seg<'_>], message: impl Into<String>) -> Finding {
        at_path(self.plan.doc, code, path, message)
    }
}

/// What an incident rule sees: the incident, its plan when it resolves, and the instant it
/// is judged at.
pub struct IncidentCx<'r, 'a> {
    pub repo: &'r Repo<'a>,
    pub entry: &'r IncidentEntry<'a>,
    /// `resolved_at` for a resolved or closed incident, else now.
    pub at: Timestamp,
}

impl<'r, 'a> IncidentCx<'r, 'a> {
    pub fn incident(&self) -> &'r Incident {
        &self.entry.model
    }

    pub fn doc(&self) -> &'r Document<'a> {
        self.entry.doc
    }

    /// The base policy: incidents are judged by it, like plans.
    pub fn rules(&self) -> &'r RuleSet {
        &self.repo.policy.base
    }

    /// The live plan the incident names, when it exists.
    pub fn plan(&self) -> Option<&'r PlanEntry<'a>> {
        self.repo.plan(&self.entry.model.response_plan)
    }

    pub fn finding(&self, code: &str, path: &[Seg<'_>], message: impl Into<String>) -> Finding {
        at_path(self.entry.doc, code, path, message)
    }
}

/// A finding at `path` in `doc`: the value when present, else the table that should hold
/// it, else the document's `id`. A finding about a path the document lacks is about that
/// key being missing, and says so ([`Finding::missing`]): when the document has the key
/// under a misspelt name, the schema's "unknown key" finding is the one that stays.
pub fn at_path(
    doc: &Document<'_>,
    code: &str,
    path: &[Seg<'_>],
    message: impl Into<String>,
) -> Finding {
    let key = display_path(path);
    let mut finding = Finding::new(rule(code), doc.file, doc.point_at(path), message);
    if !path.is_empty() && doc.locate(path).is_none() {
        finding = finding.missing(key.clone());
    }
    finding.key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            assert!(seen.insert(rule.code), "{} twice", rule.code);
            assert!(seen.insert(rule.name), "{} twice", rule.name);
            assert!(rule.code.starts_with("LC") && rule.code.len() == 5);
            assert!(rule
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-'));
        }
    }

    #[test]
    fn summaries_are_whole_sentences() {
        for rule in RULES {
            let summary = rule.summary();
            assert!(summary.ends_with('.'), "{}: {summary}", rule.code);
            assert!(!summary.contains('\n'), "{}: {summary}", rule.code);
        }
        assert!(find("LC502")
            .unwrap()
            .summary()
            .ends_with("within `max_days`."));
    }

    #[test]
    fn selectors_match_names_codes_and_prefixes() {
        let schema = find("schema").unwrap();
        assert!(matches_selector(schema, "LC003"));
        assert!(matches_selector(schema, "lc0"));
        assert!(matches_selector(schema, "schema"));
        assert!(!matches_selector(schema, "LC1"));
        assert!(!matches_selector(schema, "L"));
    }
}
