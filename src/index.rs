//! The repository index, built once per run: typed launches, plans and incidents with their documents,
//! lookups by id and service, the roster, the policy and the clock. Cross-file rules are
//! lookups here, not rescans.

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;

use crate::document::Document;
use crate::model::{Incident, LaunchRequest, ResponsePlan, Roster};
use crate::policy::{Policy, RuleSet};
use crate::source::{FileId, Files};
use crate::time::Clock;

/// A launch request with its document and the rule set its overrides resolve to.
pub struct LaunchEntry<'a> {
    pub doc: &'a Document<'a>,
    /// Boxed as parsed: the 10,000 launches of a large run are not copied into the index.
    pub model: Box<LaunchRequest>,
    pub rules: Arc<RuleSet>,
}

/// A response plan with its document.
pub struct PlanEntry<'a> {
    pub doc: &'a Document<'a>,
    pub model: ResponsePlan,
}

/// An incident record with its document.
pub struct IncidentEntry<'a> {
    pub doc: &'a Document<'a>,
    pub model: Incident,
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
    /// Per service, its launches' windows sorted by start, and the longest window: collision
    /// lookups are a binary search instead of a scan over every launch of the service.
    windows_by_service: HashMap<String, ServiceWindows>,
    launch_by_file: HashMap<FileId, usize>,
    /// For launches on a `depends_on` cycle: the cycle's component number.
    cyclic_component: HashMap<usize, usize>,
    /// The files whose launches rules judge; `None` for all.
    scope: Option<HashSet<FileId>>,
    /// Ids of launch requests that exist but could not be read (syntax or schema errors).
    unreadable_launches: HashSet<String>,
    /// Per file, the approvals a substantive change made stale (`approval-invalidated`).
    stale_approvals: HashMap<FileId, Vec<usize>>,
    /// Archived records: their ids resolve references and count for duplicates, but no rule
    /// beyond the file rules judges them.
    pub archived_launches: Vec<LaunchEntry<'a>>,
    pub archived_plans: Vec<PlanEntry<'a>>,
    /// Ids of response plans that exist but could not be read.
    unreadable_plans: HashSet<String>,
    pub incidents: Vec<IncidentEntry<'a>>,
    pub archived_incidents: Vec<IncidentEntry<'a>>,
    incident_ids: HashMap<String, Vec<usize>>,
    /// Per service, the live incidents on it.
    incidents_by_service: HashMap<String, Vec<usize>>,
    /// Ids of the launches some incident, live or archived, names in `caused_by`.
    caused_incidents: HashSet<String>,
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
        // The maps by id and by file, then the dependency cycles, beside the windows by
        // service: with 10,000 launches, each side is worth the other core.
        let by_id = || {
            let mut launch_ids = HashMap::with_capacity(launches.len());
            let mut launch_by_file = HashMap::with_capacity(launches.len());
            for (i, launch) in launches.iter().enumerate() {
                push_index(&mut launch_ids, &launch.model.id, i);
                launch_by_file.insert(launch.doc.file, i);
            }
            let cyclic_component = dependency_cycles(&launches, &launch_ids);
            (launch_ids, launch_by_file, cyclic_component)
        };
        let by_service = || {
            let mut launches_by_service: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, launch) in launches.iter().enumerate() {
                for service in &launch.model.services {
                    push_index(&mut launches_by_service, service, i);
                }
            }
            launches_by_service
                .iter()
                .map(|(service, ids)| (service.clone(), ServiceWindows::new(&launches, ids)))
                .collect()
        };
        let ((launch_ids, launch_by_file, cyclic_component), windows_by_service) =
            rayon::join(by_id, by_service);
        let mut plan_ids: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, plan) in plans.iter().enumerate() {
            push_index(&mut plan_ids, &plan.model.id, i);
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
            windows_by_service,
            launch_by_file,
            cyclic_component,
            scope: None,
            unreadable_launches: HashSet::new(),
            stale_approvals: HashMap::new(),
            archived_launches: Vec::new(),
            archived_plans: Vec::new(),
            unreadable_plans: HashSet::new(),
            incidents: Vec::new(),
            archived_incidents: Vec::new(),
            incident_ids: HashMap::new(),
            incidents_by_service: HashMap::new(),
            caused_incidents: HashSet::new(),
        }
    }

    /// Records the ids of launch requests that exist but could not be read.
    pub fn with_unreadable_launches(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.unreadable_launches = ids.into_iter().collect();
        self
    }

    /// Adds the archived documents.
    pub fn with_archive(
        mut self,
        launches: Vec<LaunchEntry<'a>>,
        plans: Vec<PlanEntry<'a>>,
    ) -> Self {
        self.archived_launches = launches;
        self.archived_plans = plans;
        self
    }

    /// Adds the incident records, live and archived.
    pub fn with_incidents(
        mut self,
        incidents: Vec<IncidentEntry<'a>>,
        archived: Vec<IncidentEntry<'a>>,
    ) -> Self {
        let mut ids: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, incident) in incidents.iter().enumerate() {
            ids.entry(incident.model.id.clone()).or_default().push(i);
        }
        let mut by_service: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, incident) in incidents.iter().enumerate() {
            for service in &incident.model.services {
                let list = by_service.entry(service.clone()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        self.caused_incidents = incidents
            .iter()
            .chain(&archived)
            .flat_map(|e| e.model.caused_by.iter().cloned())
            .collect();
        self.incident_ids = ids;
        self.incidents_by_service = by_service;
        self.incidents = incidents;
        self.archived_incidents = archived;
        self
    }

    /// The incident with this id (the first, when ids are duplicated), live or archived.
    pub fn incident(&self, id: &str) -> Option<&IncidentEntry<'a>> {
        self.incident_ids
            .get(id)
            .and_then(|ids| ids.first())
            .map(|&i| &self.incidents[i])
            .or_else(|| self.archived_incidents.iter().find(|e| e.model.id == id))
    }

    /// The live incidents on a service.
    pub fn incidents_for_service(&self, service: &str) -> impl Iterator<Item = &IncidentEntry<'a>> {
        self.incidents_by_service
            .get(service)
            .into_iter()
            .flatten()
            .map(|&i| &self.incidents[i])
    }

    /// Whether some incident record names this launch among its causes.
    pub fn is_incident_cause(&self, launch_id: &str) -> bool {
        self.caused_incidents.contains(launch_id)
    }

    /// The instant an incident is judged at: a resolved or closed incident records what
    /// happened, so time stops for it at `resolved_at`; an open or mitigated one is judged now.
    pub fn incident_reference_instant(&self, entry: &IncidentEntry<'_>) -> Timestamp {
        match entry.model.resolved_at {
            Some(resolved) if entry.model.status.is_record() => resolved,
            _ => self.clock.now,
        }
    }

    /// Records the approvals that no longer count after a change in substance.
    pub fn with_stale_approvals(
        mut self,
        stale: impl IntoIterator<Item = (FileId, Vec<usize>)>,
    ) -> Self {
        self.stale_approvals = stale.into_iter().collect();
        self
    }

    /// The indexes of a launch's approvals that approved an older version of it.
    pub fn stale_approvals(&self, file: FileId) -> &[usize] {
        self.stale_approvals.get(&file).map_or(&[], Vec::as_slice)
    }

    /// Records the ids of response plans that exist but could not be read.
    pub fn with_unreadable_plans(mut self, ids: impl IntoIterator<Item = String>) -> Self {
        self.unreadable_plans = ids.into_iter().collect();
        self
    }

    /// Whether a response plan with this id exists but could not be read into a model: a
    /// reference to it is not a second error, the plan's own finding is the root cause.
    pub fn plan_is_unreadable(&self, id: &str) -> bool {
        self.unreadable_plans.contains(id)
    }

    /// Whether a launch request with this id exists but could not be read into a model.
    pub fn launch_is_unreadable(&self, id: &str) -> bool {
        self.unreadable_launches.contains(id)
    }

    /// Limits which launches the launch rules judge (the files a run reports on): work in a
    /// pull request is proportional to the change, while every document stays indexed for
    /// the cross-file rules.
    pub fn with_scope(mut self, scope: Option<HashSet<FileId>>) -> Self {
        self.scope = scope;
        self
    }

    /// Whether rules judge the documents of this file.
    pub fn in_scope(&self, file: FileId) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(&file))
    }

    /// The component number of the `depends_on` cycle this launch lies on, if any. Two
    /// launches lie on a common cycle exactly when their numbers are equal.
    pub fn dependency_cycle(&self, id: &str) -> Option<usize> {
        let &index = self.launch_ids.get(id)?.first()?;
        self.cyclic_component.get(&index).copied()
    }

    /// The launch request with this id (the first, when ids are duplicated).
    /// A live one first, else an archived one: references still resolve into the archive.
    pub fn launch(&self, id: &str) -> Option<&LaunchEntry<'a>> {
        self.launch_ids
            .get(id)
            .and_then(|ids| ids.first())
            .map(|&i| &self.launches[i])
            .or_else(|| self.archived_launches.iter().find(|l| l.model.id == id))
    }

    /// The response plan with this id (the first, when ids are duplicated).
    pub fn plan(&self, id: &str) -> Option<&PlanEntry<'a>> {
        self.plan_ids
            .get(id)
            .and_then(|ids| ids.first())
            .map(|&i| &self.plans[i])
    }

    /// Indexes (into `launches`) of launches that touch a service.
    /// Indexes of the launches of a service whose window overlaps `[start, end)`, in index
    /// order.
    pub fn launches_overlapping(
        &self,
        service: &str,
        start: Timestamp,
        end: Timestamp,
    ) -> Vec<usize> {
        self.windows_by_service
            .get(service)
            .map(|w| w.overlapping(start, end))
            .unwrap_or_default()
    }

    /// The launch whose file this is.
    pub fn launch_in_file(&self, file: FileId) -> Option<&LaunchEntry<'a>> {
        self.launch_by_file.get(&file).map(|&i| &self.launches[i])
    }

    /// All launch ids with more than one document, and all such plan and incident ids.
    pub fn duplicate_ids(&self) -> impl Iterator<Item = Vec<&'a Document<'a>>> + '_ {
        // An archived document keeps its id: a live one may not take it again.
        let with_archived = |ids: &HashMap<String, Vec<usize>>,
                             live: &dyn Fn(usize) -> &'a Document<'a>,
                             archived: Vec<(&str, &'a Document<'a>)>|
         -> Vec<Vec<&'a Document<'a>>> {
            let mut groups: HashMap<&str, Vec<&'a Document<'a>>> = HashMap::new();
            for (id, indexes) in ids {
                groups
                    .entry(id.as_str())
                    .or_default()
                    .extend(indexes.iter().map(|&i| live(i)));
            }
            for (id, doc) in archived {
                groups.entry(id).or_default().push(doc);
            }
            let mut duplicated: Vec<_> = groups.into_values().filter(|d| d.len() > 1).collect();
            duplicated.sort_by_key(|docs| docs[0].file);
            duplicated
        };
        let launches = with_archived(
            &self.launch_ids,
            &|i| self.launches[i].doc,
            self.archived_launches
                .iter()
                .map(|l| (l.model.id.as_str(), l.doc))
                .collect(),
        );
        let plans = with_archived(
            &self.plan_ids,
            &|i| self.plans[i].doc,
            self.archived_plans
                .iter()
                .map(|p| (p.model.id.as_str(), p.doc))
                .collect(),
        );
        let incidents = with_archived(
            &self.incident_ids,
            &|i| self.incidents[i].doc,
            self.archived_incidents
                .iter()
                .map(|e| (e.model.id.as_str(), e.doc))
                .collect(),
        );
        launches.into_iter().chain(plans).chain(incidents)
    }

    /// The instant a launch is judged at: a launched or rolled-back request records what
    /// happened, so time stops for it at its window's start; every other request is judged now.
    pub fn reference_instant(&self, entry: &LaunchEntry<'_>) -> Timestamp {
        if entry.model.status.is_judged_record() {
            entry.model.window.start
        } else {
            self.clock.now
        }
    }

    /// Whether a handle is a known person (always true without a roster).
    pub fn knows(&self, handle: &str) -> bool {
        self.roster
            .as_ref()
            .is_none_or(|r| r.model.people.contains_key(handle))
    }
}

/// Adds index `i` under `key`, once even when a document names the key twice in a row
/// (a service listed twice); the key is copied only when it is new.
fn push_index(map: &mut HashMap<String, Vec<usize>>, key: &str, i: usize) {
    match map.get_mut(key) {
        Some(indexes) if indexes.last() == Some(&i) => {}
        Some(indexes) => indexes.push(i),
        None => {
            map.insert(key.to_owned(), vec![i]);
        }
    }
}

/// Strongly connected components of the `depends_on` graph of active launches (iterative
/// Tarjan, linear in launches plus edges, so deep chains cost no stack); returns the
/// component of each launch that lies on a cycle.
fn dependency_cycles(
    launches: &[LaunchEntry<'_>],
    ids: &HashMap<String, Vec<usize>>,
) -> HashMap<usize, usize> {
    let edges: Vec<Vec<usize>> = launches
        .iter()
        .map(|l| {
            if l.model.status.is_closed() {
                return Vec::new();
            }
            l.model
                .depends_on
                .iter()
                .filter_map(|d| ids.get(d).and_then(|v| v.first()).copied())
                .filter(|&t| !launches[t].model.status.is_closed())
                .collect()
        })
        .collect();
    let n = launches.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut cyclic = HashMap::new();
    let mut component = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        // (node, next edge to look at)
        let mut work = vec![(root, 0usize)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if index[next] == usize::MAX {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut members = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    members.push(member);
                    if member == node {
                        break;
                    }
                }
                let self_loop = edges[node].contains(&node);
                if members.len() > 1 || self_loop {
                    for member in members {
                        cyclic.insert(member, component);
                    }
                    component += 1;
                }
            }
        }
    }
    cyclic
}

/// The windows of one service's launches, sorted by start.
struct ServiceWindows {
    /// (start, end, launch index), sorted by start.
    windows: Vec<(Timestamp, Timestamp, usize)>,
    longest: SignedDuration,
}

impl ServiceWindows {
    fn new(launches: &[LaunchEntry<'_>], ids: &[usize]) -> Self {
        let mut windows: Vec<(Timestamp, Timestamp, usize)> = ids
            .iter()
            .map(|&i| {
                (
                    launches[i].model.window.start,
                    launches[i].model.window.end,
                    i,
                )
            })
            .collect();
        windows.sort();
        let longest = windows
            .iter()
            .map(|(start, end, _)| end.duration_since(*start))
            .max()
            .unwrap_or(SignedDuration::ZERO)
            .max(SignedDuration::ZERO);
        ServiceWindows { windows, longest }
    }

    /// Launches whose non-empty window overlaps the half-open `[start, end)`.
    fn overlapping(&self, start: Timestamp, end: Timestamp) -> Vec<usize> {
        // Only a window starting after `start - longest` can still be open at `start`.
        let earliest = start.checked_sub(self.longest).unwrap_or(Timestamp::MIN);
        let from = self.windows.partition_point(|(s, _, _)| *s < earliest);
        let mut found: Vec<usize> = self.windows[from..]
            .iter()
            .take_while(|(s, _, _)| *s < end)
            .filter(|(s, e, _)| s < e && start < *e)
            .map(|(_, _, i)| *i)
            .collect();
        found.sort_unstable();
        found
    }
}
