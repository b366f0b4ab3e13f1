//! Every launch this one depends on exists, is active, ends before this one starts, and the
//! dependencies form no cycle.
//!
//! ## What it checks
//! For each id in `depends_on`:
//! - a launch request with that id exists (with a "did you mean" for a near miss); one that
//!   exists but does not parse or fails its schema is reported on itself, not here;
//! - it is not `rejected` or `cancelled` (it will never complete);
//! - its window ends no later than this launch's window starts (windows are `[start, end)`,
//!   so it may end exactly when this one starts);
//! - following `depends_on` from it never leads back to this launch. Every launch in a cycle
//!   gets a finding at its own `depends_on` entry that continues the cycle.
//!
//! ## Why it matters
//! A launch that needs another one first (a schema migration before the code that uses it)
//! must not be scheduled before or alongside it, and must not wait on a launch that was
//! called off or that in turn waits on it.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! id = "LR-2026-0142"
//! depends_on = ["LR-2026-0140"]   # its window ends 2026-12-01 03:00 +08:00
//!
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! ```
//!
//! ## Passing example
//! ```toml
//! id = "LR-2026-0142"
//! depends_on = ["LR-2026-0140"]   # its window ends 2026-11-30 04:00 +08:00
//!
//! [window]
//! start = 2026-12-01T02:00:00+08:00
//! end   = 2026-12-01T04:00:00+08:00
//! ```

use std::collections::{HashMap, HashSet, VecDeque};

use super::LaunchCx;
use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::Launch(check);


fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    // Launches known not to lead back to this one, shared by the walks from each entry.
    let mut dead_ends: HashSet<&str> = HashSet::new();
    for (index, id) in launch.depends_on.iter().enumerate() {
        let path = [Seg::Key("depends_on"), Seg::Index(index)];
        if *id == launch.id {
            out.push(
                cx.finding(&super::DEPENDENCY_ORDER, &path, format!("{} depends on itself", launch.id))
                    .help("remove this entry"),
            );
            continue;
        }
        let Some(dependency) = cx.repo.launch(id) else {
            // A launch that exists but has errors of its own is reported there, not again
            // on every launch that depends on it; its order is checked once it is fixed.
            if !cx.repo.launch_is_unreadable(id) {
                out.push(unknown(cx, &path, id));
            }
            continue;
        };
        let model = &dependency.model;
        if model.status.is_closed() {
            out.push(
                cx.finding(
                    &super::DEPENDENCY_ORDER,
                    &path,
                    format!(
                        "depends on {id}, which is {} and will never complete",
                        model.status.as_str()
                    ),
                )
                .help(format!(
                    "remove the dependency, or depend on the request that replaces {id}"
                ))
                .related(
                    dependency.doc.file,
                    dependency.doc.point_at(&[Seg::Key("status")]),
                    format!("the status of {id}"),
                ),
            );
            continue;
        }
        if model.window.end > launch.window.start {
            let clock = &cx.repo.clock;
            out.push(
                cx.finding(
                    &super::DEPENDENCY_ORDER,
                    &path,
                    format!(
                        "depends on {id}, whose window ends {}, after this window starts ({})",
                        clock.show(model.window.end),
                        clock.show(launch.window.start)
                    ),
                )
                .help(format!(
                    "start this window at {} or later, or move {id} earlier",
                    clock.show(model.window.end)
                ))
                .related(
                    dependency.doc.file,
                    dependency
                        .doc
                        .point_at(&[Seg::Key("window"), Seg::Key("end")]),
                    format!("the window of {id} ends here"),
                ),
            );
        }
        // Only launches on a common cycle (found once for the whole repository) can lead
        // back here, so the walk runs only for them.
        let own_cycle = cx.repo.dependency_cycle(&launch.id);
        if own_cycle.is_none() || own_cycle != cx.repo.dependency_cycle(id) {
            continue;
        }
        if let Some(cycle) = cycle_through(cx.repo, &launch.id, id, &mut dead_ends) {
            out.push(cycle_finding(cx, &path, &cycle));
        }
    }
}

fn unknown(cx: &LaunchCx<'_, '_>, path: &[Seg<'_>], id: &str) -> Finding {
    let ids = cx.repo.launches.iter().map(|l| l.model.id.as_str());
    let help = match crate::suggest::closest(id, ids) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "name the id of an existing launch request, or remove the entry".to_owned(),
    };
    cx.finding(
        &super::DEPENDENCY_ORDER,
        path,
        format!("depends on `{id}`, which is not a known launch request"),
    )
    .help(help)
}

/// The shortest chain `start → … → target` when following `depends_on` from `start` reaches
/// `target`. Iterative breadth-first walk, each launch visited once, so its cost is bounded
/// by the number of launches however deep the chains are.
fn cycle_through<'r>(
    repo: &'r Repo<'_>,
    target: &str,
    start: &'r str,
    dead_ends: &mut HashSet<&'r str>,
) -> Option<Vec<&'r str>> {
    if dead_ends.contains(start) {
        return None;
    }
    let mut came_from: HashMap<&'r str, &'r str> = HashMap::new();
    let mut visited: HashSet<&'r str> = HashSet::from([start]);
    let mut queue: VecDeque<&'r str> = VecDeque::from([start]);
    while let Some(id) = queue.pop_front() {
        // A rejected or cancelled launch waits for nothing (and is reported as such).
        let Some(entry) = repo.launch(id).filter(|e| !e.model.status.is_closed()) else {
            continue;
        };
        for next in entry.model.depends_on.iter().map(String::as_str) {
            if next == target {
                let mut chain = vec![id];
                let mut current = id;
                while let Some(&previous) = came_from.get(current) {
                    chain.push(previous);
                    current = previous;
                }
                chain.reverse();
                return Some(chain);
            }
            if !dead_ends.contains(next) && visited.insert(next) {
                came_from.insert(next, id);
                queue.push_back(next);
            }
        }
    }
    // Nothing reached from here leads back, so later walks can stop at these launches.
    dead_ends.extend(visited);
    None
}

fn cycle_finding(cx: &LaunchCx<'_, '_>, path: &[Seg<'_>], chain: &[&str]) -> Finding {
    let own = cx.launch().id.as_str();
    let mut members = vec![own];
    members.extend_from_slice(chain);
    members.push(own);
    let mut finding = cx
        .finding(
            &super::DEPENDENCY_ORDER,
            path,
            format!("the dependencies form a cycle: {}", show_cycle(&members)),
        )
        .help("remove one dependency of the cycle; launches that depend on each other can never go out in order");
    // Point at the entry that closes the cycle in the last launch of the chain.
    if let Some(last) = chain.last().and_then(|id| cx.repo.launch(id)) {
        if let Some(at) = last.model.depends_on.iter().position(|d| d == own) {
            finding = finding.related(
                last.doc.file,
                last.doc.point_at(&[Seg::Key("depends_on"), Seg::Index(at)]),
                format!("{} depends on {own}", last.model.id),
            );
        }
    }
    finding
}

/// The cycle as `A → B → C → A`; a long one keeps its ends so that every message stays short.
fn show_cycle(members: &[&str]) -> String {
    const HEAD: usize = 4;
    const TAIL: usize = 3;
    if members.len() <= HEAD + TAIL + 1 {
        return members.join(" → ");
    }
    let hidden = members.len() - HEAD - TAIL;
    format!(
        "{} → … {hidden} more … → {}",
        members[..HEAD].join(" → "),
        members[members.len() - TAIL..].join(" → ")
    )
}

#[cfg(test)]
mod tests {
    use super::show_cycle;
    use crate::rules::test_harness::{findings, launch};

    /// Launch `L{i}` with a one-hour window on day `day` of December, depending on `deps`.
    fn numbered(i: usize, day: usize, deps: &[String]) -> (String, String) {
        let deps = deps
            .iter()
            .map(|d| format!("\"{d}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let text = launch(
            &format!("change_type = \"normal\"\nrisk = \"low\"\nstatus = \"submitted\"\ndepends_on = [{deps}]"),
            &format!("[window]\nstart = 2026-12-{day:02}T{h:02}:00:00Z\nend = 2026-12-{day:02}T{h:02}:30:00Z\n", h = i % 24),
        )
        .replace("id = \"LR-1\"", &format!("id = \"L{i}\""))
        .replace("payments-api", &format!("svc-{i}"));
        (format!("launches/l{i:04}.toml"), text)
    }

    fn run(files: &[(String, String)]) -> Vec<String> {
        let borrowed: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        findings(&crate::rules::DEPENDENCY_ORDER, &borrowed)
    }

    #[test]
    fn deep_chains_are_walked_without_recursion() {
        // L0 ← L1 ← … ← L399, each on an earlier day-hour than the next: no finding.
        let files: Vec<_> = (0..400)
            .map(|i| {
                let deps = if i == 0 {
                    vec![]
                } else {
                    vec![format!("L{}", i - 1)]
                };
                numbered(i, 1 + i / 24, &deps)
            })
            .collect();
        assert_eq!(run(&files), Vec::<String>::new());
    }

    #[test]
    fn a_long_cycle_is_reported_on_every_member_and_shown_short() {
        let n = 30;
        let files: Vec<_> = (0..n)
            .map(|i| numbered(i, 1 + i / 24, &[format!("L{}", (i + n - 1) % n)]))
            .collect();
        let cycles: Vec<String> = run(&files)
            .into_iter()
            .filter(|f| f.contains("cycle"))
            .collect();
        assert_eq!(cycles.len(), n, "{cycles:?}");
        assert!(
            cycles[0].ends_with(
                "the dependencies form a cycle: L0 → L29 → L28 → L27 → … 24 more … → L2 → L1 → L0"
            ),
            "{cycles:?}"
        );
    }

    #[test]
    fn a_dependency_with_errors_of_its_own_is_not_a_second_error_here() {
        let (path, text) = numbered(1, 2, &["L0".to_owned()]);
        let (broken_path, broken) = numbered(0, 1, &[]);
        // L0 does not parse (an unclosed array), or lacks its required `title`.
        let unparsable = broken.replace("depends_on = []", "depends_on = [");
        let invalid = broken.replace("title = \"t\"\n", "");
        for broken in [unparsable, invalid] {
            let files = [(path.clone(), text.clone()), (broken_path.clone(), broken)];
            assert_eq!(run(&files), Vec::<String>::new());
        }
        // A dependency that does not exist at all still is one.
        assert_eq!(run(&[(path, text)]).len(), 1);
    }

    #[test]
    fn short_cycles_show_every_member() {
        assert_eq!(show_cycle(&["A", "B", "A"]), "A → B → A");
        let long: Vec<String> = (0..9).map(|i| i.to_string()).collect();
        let long: Vec<&str> = long.iter().map(String::as_str).collect();
        assert_eq!(show_cycle(&long), "0 → 1 → 2 → 3 → … 2 more … → 6 → 7 → 8");
    }
}
