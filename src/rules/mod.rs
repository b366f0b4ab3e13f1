//! The rule registry: one table of every rule's code, name, default level and documentation,
//! and the contexts rules are evaluated in. Each rule lives in its own file whose `//!`
//! comment is the text `launchcheck rule NAME` prints.

use jiff::Timestamp;

use crate::diagnostic::Finding;
use crate::document::{display_path, Document, Seg};
use crate::git::History;
use crate::index::{IncidentEntry, LaunchEntry, PlanEntry, Repo};
use crate::model::{Incident, LaunchRequest, ResponsePlan};
use crate::policy::RuleSet;
pub use crate::rule::{CustomSettings, Group, Level, Rule};

/// How the engine runs a rule: the kind of check it is.
#[derive(Clone, Copy)]
pub enum Check {
    /// Produced while the files are read and loaded (LC0xx).
    Document,
    /// Once per active launch request, with that launch's resolved rule set.
    Launch(fn(&LaunchCx<'_, '_>, &mut Vec<Finding>)),
    /// Once per plan at now with the base policy.
    Plan(fn(&PlanCx<'_, '_>, &mut Vec<Finding>)),
    /// Like [`Check::Plan`], and again for each launch that links the plan, at the start of
    /// its window with its rule set.
    PlanInLaunchContext(fn(&PlanCx<'_, '_>, &mut Vec<Finding>)),
    /// Once per incident record in scope, with the base policy.
    Incident(fn(&IncidentCx<'_, '_>, &mut Vec<Finding>)),
    /// Once per run over the whole index.
    Repo(fn(&Repo<'_>, &mut Vec<Finding>)),
    /// In pull-request and commit mode, once over the change (and, when set, once in every
    /// run over the whole index).
    History {
        change: fn(&History<'_>, &Repo<'_>, &mut Vec<Finding>),
        every_run: Option<fn(&Repo<'_>, &mut Vec<Finding>)>,
    },
    /// Judges the waivers, after every other rule.
    Waivers,
}

/// A registered built-in rule: its identity and how it runs.
pub struct Registered {
    pub rule: &'static Rule,
    pub check: Check,
}

/// Organisation rules registered in this process. Findings refer to their rule as
/// `&'static Rule`, like the built-in rules; organisation rules are read once per run, so
/// each distinct one is leaked once and then reused (interned by everything that defines it).
static CUSTOM_RULES: std::sync::RwLock<Vec<&'static Rule>> = std::sync::RwLock::new(Vec::new());

/// Registers an organisation rule (or returns the identical one registered before).
/// `doc` is its explanation, Markdown, first line the summary.
pub fn register_custom(
    code: &str,
    name: &str,
    default_level: Level,
    doc: &str,
    settings: CustomSettings,
) -> &'static Rule {
    let mut registered = CUSTOM_RULES.write().unwrap_or_else(|e| e.into_inner());
    if let Some(existing) = registered
        .iter()
        .find(|r| r.is_organisation_rule(code, name, default_level, doc, &settings))
    {
        return existing;
    }
    let rule: &'static Rule = Box::leak(Box::new(Rule::organisation(
        Box::leak(code.to_owned().into_boxed_str()),
        Box::leak(name.to_owned().into_boxed_str()),
        default_level,
        doc,
        settings,
    )));
    registered.push(rule);
    rule
}

/// The organisation rules of the current run: the latest registration of each name.
pub fn custom_rules() -> Vec<&'static Rule> {
    let registered = CUSTOM_RULES.read().unwrap_or_else(|e| e.into_inner());
    let mut latest: Vec<&'static Rule> = Vec::new();
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
pub fn all() -> Vec<&'static Rule> {
    RULES.iter().copied().chain(custom_rules()).collect()
}

macro_rules! registry {
    ($( $module:ident => $constant:ident = $code:literal, $name:literal, $level:ident, $group:ident; )*) => {
        $( pub mod $module; )*

        $(
            #[doc = concat!("`", $code, "` `", $name, "`: see the rule's module.")]
            pub static $constant: Rule = Rule::builtin(
                $code,
                $name,
                Level::$level,
                Group::$group,
                include_str!(concat!(stringify!($module), ".rs")),
            );
        )*

        /// Every built-in rule, in code order.
        pub static RULES: &[&Rule] = &[ $( &$constant, )* ];

        /// Every built-in rule with its check, in code order.
        pub static REGISTRY: &[Registered] = &[
            $( Registered { rule: &$constant, check: $module::CHECK }, )*
        ];
    };
}

registry! {
    lc001_toml_syntax => TOML_SYNTAX = "LC001", "toml-syntax", Error, Files;
    lc002_unknown_kind => UNKNOWN_KIND = "LC002", "unknown-kind", Error, Files;
    lc003_schema => SCHEMA = "LC003", "schema", Error, Files;
    lc004_duplicate_id => DUPLICATE_ID = "LC004", "duplicate-id", Error, Files;
    lc005_unreadable_file => UNREADABLE_FILE = "LC005", "unreadable-file", Error, Files;
    lc006_unmatched_document => UNMATCHED_DOCUMENT = "LC006", "unmatched-document", Error, Files;
    lc101_plan_link => PLAN_LINK = "LC101", "plan-link", Error, Launch;
    lc102_rollback_plan => ROLLBACK_PLAN = "LC102", "rollback-plan", Error, Launch;
    lc103_approvals => APPROVALS = "LC103", "approvals", Error, Launch;
    lc104_separation_of_duties => SEPARATION_OF_DUTIES = "LC104", "separation-of-duties", Error, Launch;
    lc105_launch_window => LAUNCH_WINDOW = "LC105", "launch-window", Error, Launch;
    lc106_freeze_window => FREEZE_WINDOW = "LC106", "freeze-window", Error, Launch;
    lc107_lead_time => LEAD_TIME = "LC107", "lead-time", Error, Launch;
    lc108_notice_period => NOTICE_PERIOD = "LC108", "notice-period", Warning, Launch;
    lc109_emergency_review => EMERGENCY_REVIEW = "LC109", "emergency-review", Error, Launch;
    lc110_stale_request => STALE_REQUEST = "LC110", "stale-request", Warning, Launch;
    lc111_change_collision => CHANGE_COLLISION = "LC111", "change-collision", Error, Launch;
    lc112_dependency_order => DEPENDENCY_ORDER = "LC112", "dependency-order", Error, Launch;
    lc113_testing_evidence => TESTING_EVIDENCE = "LC113", "testing-evidence", Error, Launch;
    lc114_rollout_strategy => ROLLOUT_STRATEGY = "LC114", "rollout-strategy", Warning, Launch;
    lc115_verification => VERIFICATION = "LC115", "verification", Warning, Launch;
    lc116_maintenance_window => MAINTENANCE_WINDOW = "LC116", "maintenance-window", Warning, Launch;
    lc117_recovery_objective => RECOVERY_OBJECTIVE = "LC117", "recovery-objective", Error, Launch;
    lc201_required_roles => REQUIRED_ROLES = "LC201", "required-roles", Error, Plan;
    lc202_drill_recency => DRILL_RECENCY = "LC202", "drill-recency", Error, Plan;
    lc203_severity_levels => SEVERITY_LEVELS = "LC203", "severity-levels", Error, Plan;
    lc204_escalation => ESCALATION = "LC204", "escalation", Warning, Plan;
    lc205_procedure_phases => PROCEDURE_PHASES = "LC205", "procedure-phases", Error, Plan;
    lc206_plan_review => PLAN_REVIEW = "LC206", "plan-review", Warning, Plan;
    lc207_drill_actions => DRILL_ACTIONS = "LC207", "drill-actions", Warning, Plan;
    lc208_recovery_objectives => RECOVERY_OBJECTIVES = "LC208", "recovery-objectives", Warning, Plan;
    lc301_unknown_person => UNKNOWN_PERSON = "LC301", "unknown-person", Error, People;
    lc302_approver_authority => APPROVER_AUTHORITY = "LC302", "approver-authority", Error, People;
    lc303_contact_current => CONTACT_CURRENT = "LC303", "contact-current", Warning, People;
    lc401_approval_invalidated => APPROVAL_INVALIDATED = "LC401", "approval-invalidated", Error, Git;
    lc402_status_transition => STATUS_TRANSITION = "LC402", "status-transition", Error, Git;
    lc403_history_rewrite => HISTORY_REWRITE = "LC403", "history-rewrite", Error, Git;
    lc404_policy_change => POLICY_CHANGE = "LC404", "policy-change", Warning, Git;
    lc601_incident_plan => INCIDENT_PLAN = "LC601", "incident-plan", Error, Incidents;
    lc602_acknowledge_time => ACKNOWLEDGE_TIME = "LC602", "acknowledge-time", Warning, Incidents;
    lc603_incident_roles => INCIDENT_ROLES = "LC603", "incident-roles", Warning, Incidents;
    lc604_postmortem => POSTMORTEM = "LC604", "postmortem", Error, Incidents;
    lc605_postmortem_actions => POSTMORTEM_ACTIONS = "LC605", "postmortem-actions", Warning, Incidents;
    lc606_rollback_incident => ROLLBACK_INCIDENT = "LC606", "rollback-incident", Warning, Incidents;
    lc607_change_during_incident => CHANGE_DURING_INCIDENT = "LC607", "change-during-incident", Error, Incidents;
    lc608_breach_notification => BREACH_NOTIFICATION = "LC608", "breach-notification", Error, Incidents;
    lc501_waiver_expired => WAIVER_EXPIRED = "LC501", "waiver-expired", Error, Waivers;
    lc502_waiver_invalid => WAIVER_INVALID = "LC502", "waiver-invalid", Error, Waivers;
    lc503_waiver_unused => WAIVER_UNUSED = "LC503", "waiver-unused", Warning, Waivers;
    lc504_waiver_authority => WAIVER_AUTHORITY = "LC504", "waiver-authority", Error, Waivers;
}

#[cfg(test)]
pub(crate) mod test_harness;

/// Looks a rule up by code (`LC202`) or name (`drill-recency`), case-insensitively.
pub fn find(name_or_code: &str) -> Option<&'static Rule> {
    all().into_iter().find(|r| {
        r.code.eq_ignore_ascii_case(name_or_code) || r.name.eq_ignore_ascii_case(name_or_code)
    })
}

/// The closest rule name to a misspelling, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    let rules = all();
    crate::suggest::closest(name, rules.iter().map(|r| r.name))
}

/// A `--select`/`--ignore` entry: a name, a code or a code prefix (`LC1`).
pub fn matches_selector(rule: &Rule, selector: &str) -> bool {
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
    pub fn finding(
        &self,
        rule: &'static Rule,
        path: &[Seg<'_>],
        message: impl Into<String>,
    ) -> Finding {
        at_path(self.entry.doc, rule, path, message)
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

    pub fn finding(
        &self,
        rule: &'static Rule,
        path: &[Seg<'_>],
        message: impl Into<String>,
    ) -> Finding {
        at_path(self.plan.doc, rule, path, message)
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

    /// The base policy: incidents are judged by it, like plans.
    pub fn rules(&self) -> &'r RuleSet {
        &self.repo.policy.base
    }

    /// The live plan the incident names, when it exists.
    pub fn plan(&self) -> Option<&'r PlanEntry<'a>> {
        self.repo.plan(&self.entry.model.response_plan)
    }

    pub fn finding(
        &self,
        rule: &'static Rule,
        path: &[Seg<'_>],
        message: impl Into<String>,
    ) -> Finding {
        at_path(self.entry.doc, rule, path, message)
    }
}

/// A finding at `path` in `doc`: the value when present, else the table that should hold
/// it, else the document's `id`. A finding about a path the document lacks is about that
/// key being missing, and says so ([`Finding::missing`]): when the document has the key
/// under a misspelt name, the schema's "unknown key" finding is the one that stays.
pub fn at_path(
    doc: &Document<'_>,
    rule: &'static Rule,
    path: &[Seg<'_>],
    message: impl Into<String>,
) -> Finding {
    let key = display_path(path);
    let mut finding = Finding::new(rule, doc.file, doc.point_at(path), message);
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
