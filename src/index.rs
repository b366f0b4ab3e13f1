//! The repository index, built once per run: typed launches and plans with their documents,
//! lookups by id and service, the roster, the policy and the clock. Cross-file rules are
//! lookups here, not rescans.

use std::collections::HashMap;
use std::sync::Arc;

use crate::document::Document;
use crate::model::{LaunchRequest, ResponsePlan, Roster};
use crate::policy::{Policy, RuleSet};
use crate::source::{FileId, Files};
use crate::time::Clock;

/// A launch request with its document and the rule set its overrides resolve to.
pub struct LaunchEntry<'a> {
    pub doc: &'a Document<'a>,
    pub model: LaunchRequest,
    pub rules: Arc<RuleSet>,
}

/// A response plan with its document.
pub struct PlanEntry<'a> {
    pub doc: &'a Document<'a>,
    pub model: ResponsePlan,
}

/// The roster with its document.
pub struct RosterEntry<'a> {
    pub doc: &'a Document<'a>,
    pub model: Roster,
}

/// Everything rules may look up.
pub struct Repo<'a> {
    pub files: &'a Files,
    pub launches: Vec<LaunchEntry<'a>>,
    pub plans: Vec<PlanEntry<'a>>,
    pub roster: Option<RosterEntry<'a>>,
    pub policy: &'a Policy,
    pub clock: Clock,
    launch_ids: HashMap<String, Vec<usize>>,
    plan_ids: HashMap<String, Vec<usize>>,
    launches_by_service: HashMap<String, Vec<usize>>,
    launch_by_file: HashMap<FileId, usize>,
}

impl<'a> Repo<'a> {
    pub fn new(
        files: &'a Files,
        launches: Vec<LaunchEntry<'a>>,
        plans: Vec<PlanEntry<'a>>,
        roster: Option<RosterEntry<'a>>,
        policy: &'a Policy,
        clock: Clock,
    ) -> Self {
        let mut launch_ids: HashMap<String, Vec<usize>> = HashMap::new();
        let mut launches_by_service: HashMap<String, Vec<usize>> = HashMap::new();
        let mut launch_by_file = HashMap::new();
        for (i, launch) in launches.iter().enumerate() {
            launch_ids.entry(launch.model.id.clone()).or_default().push(i);
            launch_by_file.insert(launch.doc.file, i);
            for service in &launch.model.services {
                let ids = launches_by_service.entry(service.clone()).or_default();
                if ids.last() != Some(&i) {
                    ids.push(i);
                }
            }
        }
        let mut plan_ids: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, plan) in plans.iter().enumerate() {
            plan_ids.entry(plan.model.id.clone()).or_default().push(i);
        }
        Repo {
            files,
            launches,
            plans,
            roster,
            policy,
            clock,
            launch_ids,
            plan_ids,
            launches_by_service,
            launch_by_file,
        }
    }

    /// The launch request with this id (the first, when ids are duplicated).
    pub fn launch(&self, id: &str) -> Option<&LaunchEntry<'a>> {
        self.launch_ids
            .get(id)
            .and_then(|ids| ids.first())
            .map(|&i| &self.launches[i])
    }

    /// The response plan with this id (the first, when ids are duplicated).
    pub fn plan(&self, id: &str) -> Option<&PlanEntry<'a>> {
        self.plan_ids
            .get(id)
            .and_then(|ids| ids.first())
            .map(|&i| &self.plans[i])
    }

    /// Indexes (into `launches`) of launches that touch a service.
    pub fn launches_for_service(&self, service: &str) -> &[usize] {
        self.launches_by_service
            .get(service)
            .map_or(&[], Vec::as_slice)
    }

    /// The launch whose file this is.
    pub fn launch_in_file(&self, file: FileId) -> Option<&LaunchEntry<'a>> {
        self.launch_by_file.get(&file).map(|&i| &self.launches[i])
    }

    /// All launch ids with more than one document, and all such plan ids.
    pub fn duplicate_ids(&self) -> impl Iterator<Item = Vec<&'a Document<'a>>> + '_ {
        let launches = self
            .launch_ids
            .values()
            .filter(|v| v.len() > 1)
            .map(|v| v.iter().map(|&i| self.launches[i].doc).collect());
        let plans = self
            .plan_ids
            .values()
            .filter(|v| v.len() > 1)
            .map(|v| v.iter().map(|&i| self.plans[i].doc).collect());
        launches.chain(plans)
    }

    /// Whether a roster was loaded (the LC3xx rules are on only then).
    pub fn has_roster(&self) -> bool {
        self.roster.is_some()
    }

    /// Whether a handle is a known person (always true without a roster).
    pub fn knows(&self, handle: &str) -> bool {
        self.roster
            .as_ref()
            .is_none_or(|r| r.model.people.contains_key(handle))
    }
}
