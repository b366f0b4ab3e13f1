//! Waivers: documented, approved, expiring exceptions in a launch request's `[[waivers]]`.
//! A valid, unexpired waiver marks matching findings as waived (they stay in the output and
//! do not count); LC501–LC503 report expired, invalid and unused waivers.

use std::collections::HashMap;

use crate::diagnostic::{AppliedWaiver, Finding};
use crate::index::Repo;
use crate::model::Waiver;
use crate::rules::{self, lc501_waiver_expired, lc502_waiver_invalid, lc503_waiver_unused};

/// Whether a waiver's `path` covers a finding's key path.
pub fn path_matches(waiver_path: Option<&str>, key: &str) -> bool {
    match waiver_path.map(str::trim) {
        None | Some("") => true,
        Some(path) => {
            key == path
                || key
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        }
    }
}

/// Applies the waivers of every launch to the findings in its file and adds LC5xx findings.
///
/// `history` says whether the git-history rules ran (pull-request mode); without them a
/// waiver for one of those rules has nothing to match and is not reported as unused.
pub fn apply(repo: &Repo<'_>, findings: &mut Vec<Finding>, history: bool) {
    let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, finding) in findings.iter().enumerate() {
        by_file.entry(finding.file).or_default().push(i);
    }
    let mut extra = Vec::new();
    for entry in &repo.launches {
        if entry.model.waivers.is_empty() {
            continue;
        }
        let doc = entry.doc;
        // Rejected and cancelled requests are records: only LC0xx, LC004 and LC4xx judge
        // them (DESIGN.md §3), so their waivers still apply but are not reported on.
        let mut judged = Vec::new();
        let usable: Vec<Option<&'static rules::RuleInfo>> = entry
            .model
            .waivers
            .iter()
            .enumerate()
            .map(|(i, waiver)| judge(repo, entry, i, waiver, &mut judged))
            .collect();
        let is_record = entry.model.status.is_record();
        if !is_record {
            extra.append(&mut judged);
        }
        let mut used = vec![false; usable.len()];
        for &fi in by_file.get(&doc.file).map_or(&[][..], Vec::as_slice) {
            let finding = &mut findings[fi];
            if !entry.rules.waivable(finding.rule) || finding.waiver.is_some() {
                continue;
            }
            let matched = entry.model.waivers.iter().enumerate().find(|(i, w)| {
                usable[*i].is_some_and(|r| std::ptr::eq(r, finding.rule))
                    && path_matches(w.path.as_deref(), &finding.key)
            });
            if let Some((i, waiver)) = matched {
                used[i] = true;
                finding.waiver = Some(AppliedWaiver {
                    reason: waiver.reason.clone(),
                    approved_by: waiver.approved_by.clone(),
                    expires: waiver.expires.to_string(),
                    ticket: waiver.ticket.clone(),
                    file: doc.file,
                    span: doc.point_at(&["waivers".into(), i.into()]),
                });
            }
        }
        for (i, waiver) in entry.model.waivers.iter().enumerate() {
            let could_match = usable[i].is_some_and(|r| history || r.group != rules::Group::Git);
            if could_match && !used[i] && !is_record {
                extra.push(lc503_waiver_unused::finding(doc, i, waiver));
            }
        }
    }
    findings.extend(crate::engine::resolve_levels(repo, extra));
}

/// Decides whether a waiver may be used; reports why not (LC501, LC502).
fn judge(
    repo: &Repo<'_>,
    entry: &crate::index::LaunchEntry<'_>,
    index: usize,
    waiver: &Waiver,
    out: &mut Vec<Finding>,
) -> Option<&'static rules::RuleInfo> {
    let doc = entry.doc;
    let Some(rule) = rules::find(&waiver.rule) else {
        out.push(lc502_waiver_invalid::unknown_rule(doc, index, &waiver.rule));
        return None;
    };
    if !entry.rules.waivable(rule) {
        out.push(lc502_waiver_invalid::not_waivable(doc, index, rule));
        return None;
    }
    if !waiver.approved_by.is_empty() && waiver.approved_by == entry.model.requester {
        out.push(lc502_waiver_invalid::self_approved(
            doc,
            index,
            &waiver.approved_by,
        ));
        return None;
    }
    let clock = &repo.clock;
    if clock.now >= clock.end_of_day(waiver.expires) {
        out.push(lc501_waiver_expired::finding(doc, index, waiver, clock));
        return None;
    }
    let max_days = entry.rules.params.waiver_invalid.max_days;
    let horizon = -clock.age_days(waiver.expires, clock.now);
    if horizon > max_days {
        out.push(lc502_waiver_invalid::too_long(
            doc, index, horizon, max_days,
        ));
        return None;
    }
    Some(rule)
}

#[cfg(test)]
mod tests {
    use super::path_matches;

    #[test]
    fn paths_match_keys_and_their_children() {
        assert!(path_matches(None, "window.start"));
        assert!(path_matches(Some("window"), "window.start"));
        assert!(path_matches(Some("approvals"), "approvals[1].by"));
        assert!(!path_matches(Some("window"), "windows.start"));
        assert!(!path_matches(Some("rollback.owner"), "rollback"));
    }
}
