//! Which documents a limited run (a pull request, explicit paths) has to parse. Rules judge
//! only the reported files, but cross-file rules need some of the others: every plan, the
//! launches that share a service with a reported launch (collisions), and the launches
//! connected to one through `depends_on` (order, cycles) or a shared id (duplicates). Those
//! are found by searching the file texts for the reported documents' services and ids before
//! anything else is parsed, following dependency chains until nothing new turns up, so the
//! work follows the size of the change rather than of the repository.

use std::collections::HashSet;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use crate::config::Role;
use crate::load::{Model, Parsed};
use crate::source::{FileId, Files};

/// Parses the settings, the reported documents, anything that may be a plan, and the
/// documents related to them; returns them in file order.
pub fn parse_related<'a, F>(
    files: &'a Files,
    readable: &[FileId],
    roles: &[Role],
    reported: &HashSet<String>,
    parse_one: &F,
) -> (Vec<Parsed<'a>>, Vec<Model>)
where
    F: Fn(FileId) -> (Parsed<'a>, Model) + Sync,
{
    let in_scope = |i: FileId| reported.contains(&files.get(i).path);
    let is_document = |i: FileId| matches!(roles[i], Role::Document);
    let mut results: Vec<Option<(Parsed<'a>, Model)>> = (0..files.len()).map(|_| None).collect();

    // Plans are few and every launch may link one; a plan says so in its `kind`. Incidents
    // are few too, and any may overlap a reported launch's window or name it as a cause.
    let first: Vec<FileId> = readable
        .iter()
        .copied()
        .filter(|&i| {
            let text = &files.get(i).text;
            !is_document(i)
                || in_scope(i)
                || text.contains("response-plan")
                || text.contains("\"incident\"")
        })
        .collect();
    let mut service_keys = Vec::new();
    let mut dependency_keys = Vec::new();
    parse_round(&first, parse_one, &mut results);
    for (i, launch) in launches(&first, &results) {
        if in_scope(i) {
            service_keys.extend(launch.services.iter().cloned());
            dependency_keys.push(launch.id.clone());
            dependency_keys.extend(launch.depends_on.iter().cloned());
        }
    }
    // The launches a reported incident names as its causes.
    for &i in first.iter().filter(|&&i| in_scope(i)) {
        if let Some((_, Model::Incident(incident))) = &results[i] {
            dependency_keys.extend(incident.caused_by.iter().cloned());
        }
    }

    // Launches sharing a service with a reported one: the other side of a collision.
    let unparsed = |results: &[Option<(Parsed<'a>, Model)>]| -> Vec<FileId> {
        readable
            .iter()
            .copied()
            .filter(|&i| is_document(i) && results[i].is_none())
            .collect()
    };
    let candidates = unparsed(&results);
    let matching = search(files, &candidates, &mut HashSet::new(), service_keys);
    parse_round(&matching, parse_one, &mut results);

    // Launches connected through ids: dependencies, dependents, duplicates, transitively.
    let mut searched = HashSet::new();
    let mut keys = dependency_keys;
    loop {
        let candidates = unparsed(&results);
        let matching = search(files, &candidates, &mut searched, keys);
        if matching.is_empty() {
            break;
        }
        keys = Vec::new();
        parse_round(&matching, parse_one, &mut results);
        for (_, launch) in launches(&matching, &results) {
            keys.push(launch.id.clone());
            keys.extend(launch.depends_on.iter().cloned());
        }
    }
    results.into_iter().flatten().unzip()
}

/// Parses `ids` in parallel into `results`.
fn parse_round<'a, F>(ids: &[FileId], parse_one: &F, results: &mut [Option<(Parsed<'a>, Model)>])
where
    F: Fn(FileId) -> (Parsed<'a>, Model) + Sync,
{
    let done: Vec<(FileId, (Parsed<'a>, Model))> =
        ids.par_iter().map(|&i| (i, parse_one(i))).collect();
    for (i, result) in done {
        results[i] = Some(result);
    }
}

/// The launch models among `ids` that were just parsed.
fn launches<'r>(
    ids: &[FileId],
    results: &'r [Option<(Parsed<'_>, Model)>],
) -> Vec<(FileId, &'r crate::model::LaunchRequest)> {
    ids.iter()
        .filter_map(|&i| match &results[i] {
            Some((_, Model::Launch(launch))) => Some((i, launch.as_ref())),
            _ => None,
        })
        .collect()
}

/// The candidates whose text mentions any of `keys` not searched for before.
fn search(
    files: &Files,
    candidates: &[FileId],
    searched: &mut HashSet<String>,
    keys: Vec<String>,
) -> Vec<FileId> {
    let keys: Vec<String> = keys
        .into_iter()
        .filter(|k| !k.is_empty() && searched.insert(k.clone()))
        .collect();
    if keys.is_empty() || candidates.is_empty() {
        return Vec::new();
    }
    let Ok(matcher) = AhoCorasick::new(&keys) else {
        // Too many keys to build a matcher: read every candidate, which is always correct.
        return candidates.to_vec();
    };
    candidates
        .par_iter()
        .copied()
        .filter(|&i| matcher.is_match(&files.get(i).text))
        .collect()
}
