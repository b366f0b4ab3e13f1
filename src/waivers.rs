//! Waivers: documented, approved, expiring exceptions in a document's `[[waivers]]` (launch
//! requests, response plans and incidents). A usable waiver marks matching findings as waived (they stay
//! in the output and do not count); LC501–LC504 report expired, invalid, unused and
//! unauthorised waivers.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::diagnostic::{AppliedWaiver, Finding};
use crate::document::Document;
use crate::index::Repo;
use crate::model::Waiver;
use crate::policy::RuleSet;
use crate::rules::{
    self, lc501_waiver_expired, lc502_waiver_invalid, lc503_waiver_unused, lc504_waiver_authority,
    Rule,
};

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

/// A document that carries waivers, with what judging them needs.
struct Holder<'r, 'a> {
    doc: &'r Document<'a>,
    waivers: &'r [Waiver],
    rules: &'r RuleSet,
    /// The launch's requester, who may not approve its waivers.
    requester: Option<&'r str>,
    /// The instant the document is judged at: now, or a record's window start.
    at: Timestamp,
    /// A record (a launched or rolled-back request, a resolved or closed incident), by its
    /// status and what its reference instant is: its waivers must have been approved by `at`.
    record: Option<(&'static str, &'static str)>,
    /// Rejected and cancelled requests: their waivers are not reported on.
    closed: bool,
    /// The launch's window, for freeze waivers.
    window: Option<(Timestamp, Timestamp)>,
    change_type: Option<crate::model::ChangeType>,
}

fn holders<'r, 'a>(repo: &'r Repo<'a>) -> Vec<Holder<'r, 'a>> {
    let launches = repo.launches.iter().map(|entry| {
        let model = &entry.model;
        let record = model
            .status
            .is_judged_record()
            .then_some((model.status.as_str(), "the window start"));
        Holder {
            doc: entry.doc,
            waivers: &model.waivers,
            rules: &entry.rules,
            requester: Some(model.requester.as_str()),
            at: repo.reference_instant(entry),
            record,
            closed: model.status.is_closed(),
            window: Some((model.window.start, model.window.end)),
            change_type: Some(model.change_type),
        }
    });
    let plans = repo.plans.iter().map(|entry| Holder {
        doc: entry.doc,
        waivers: &entry.model.waivers,
        rules: &repo.policy.base,
        requester: None,
        at: repo.clock.now,
        record: None,
        closed: false,
        window: None,
        change_type: None,
    });
    let incidents = repo.incidents.iter().map(|entry| {
        let model = &entry.model;
        let judged_at_resolution = model.status.is_record() && model.resolved_at.is_some();
        Holder {
            doc: entry.doc,
            waivers: &model.waivers,
            rules: &repo.policy.base,
            requester: None,
            at: repo.incident_reference_instant(entry),
            record: judged_at_resolution.then_some((model.status.as_str(), "`resolved_at`")),
            closed: false,
            window: None,
            change_type: None,
        }
    });
    launches
        .chain(plans)
        .chain(incidents)
        .filter(|h| !h.waivers.is_empty())
        .collect()
}

/// Applies the waivers of every launch, plan and incident to the findings in its file and adds the
/// LC5xx findings.
///
/// `history` says whether the git-history rules ran (pull-request mode); without them a
/// waiver for one of those rules has nothing to match and is not reported as unused.
pub fn apply(repo: &Repo<'_>, findings: &mut Vec<Finding>, history: bool) {
    let mut by_file: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, finding) in findings.iter().enumerate() {
        by_file.entry(finding.file).or_default().push(i);
    }
    let mut extra = Vec::new();
    for holder in holders(repo) {
        let doc = holder.doc;
        let mut judged = Vec::new();
        let usable: Vec<Option<&'static Rule>> = holder
            .waivers
            .iter()
            .enumerate()
            .map(|(i, waiver)| judge(repo, &holder, i, waiver, &mut judged))
            .collect();
        if !holder.closed {
            extra.append(&mut judged);
        }
        let mut used = vec![false; usable.len()];
        for &fi in by_file.get(&doc.file).map_or(&[][..], Vec::as_slice) {
            let finding = &mut findings[fi];
            if !holder.rules.waivable(finding.rule) || finding.waiver.is_some() {
                continue;
            }
            let matched = holder.waivers.iter().enumerate().find(|(i, w)| {
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
        for (i, waiver) in holder.waivers.iter().enumerate() {
            let could_match = usable[i].is_some_and(|r| history || r.group != rules::Group::Git);
            if could_match && !used[i] && !holder.closed {
                extra.push(lc503_waiver_unused::finding(doc, i, waiver));
            }
        }
    }
    findings.extend(crate::engine::resolve_levels(repo, extra));
}

/// Decides whether a waiver may be used; reports why not with at most one finding, in the
/// order LC502 (invalid), LC504 (unauthorised), LC501 (expired).
fn judge(
    repo: &Repo<'_>,
    holder: &Holder<'_, '_>,
    index: usize,
    waiver: &Waiver,
    out: &mut Vec<Finding>,
) -> Option<&'static Rule> {
    let doc = holder.doc;
    let Some(rule) = rules::find(&waiver.rule) else {
        out.push(lc502_waiver_invalid::unknown_rule(doc, index, &waiver.rule));
        return None;
    };
    if !holder.rules.waivable(rule) {
        out.push(lc502_waiver_invalid::not_waivable(doc, index, rule));
        return None;
    }
    if !waiver.approved_by.is_empty() && holder.requester == Some(waiver.approved_by.as_str()) {
        out.push(lc502_waiver_invalid::self_approved(
            doc,
            index,
            &waiver.approved_by,
        ));
        return None;
    }
    let clock = &repo.clock;
    if let Some((status, _)) = holder.record {
        if waiver.approved_at.is_none_or(|at| at > holder.at) {
            out.push(lc502_waiver_invalid::approved_after_the_fact(
                doc,
                index,
                status,
                waiver.approved_at.map(|at| clock.show(at)).as_deref(),
                &clock.show(holder.at),
            ));
            return None;
        }
    }
    let max_days = holder.rules.params.waiver_invalid.max_days;
    let horizon = -clock.age_days(waiver.expires, holder.at);
    if horizon > max_days {
        let from = holder.record.map_or("now", |(_, reference)| reference);
        out.push(lc502_waiver_invalid::too_long(
            doc, index, horizon, max_days, from,
        ));
        return None;
    }
    if let Some(finding) = authority(repo, holder, index, waiver, rule) {
        out.push(finding);
        return None;
    }
    if holder.at >= clock.end_of_day(waiver.expires) {
        out.push(lc501_waiver_expired::finding(
            doc, index, waiver, clock, holder.at,
        ));
        return None;
    }
    Some(rule)
}

/// LC504: with a roster, the approver must hold a role that may approve this waiver.
fn authority(
    repo: &Repo<'_>,
    holder: &Holder<'_, '_>,
    index: usize,
    waiver: &Waiver,
    rule: &'static Rule,
) -> Option<Finding> {
    let authority_rule = &crate::rules::WAIVER_AUTHORITY;
    let roster = repo.roster.as_ref()?;
    holder.rules.level(authority_rule)?;
    let params = &holder.rules.params.waiver_authority;
    let roles: &[String] = params
        .by_rule
        .iter()
        .find(|(name, _)| rules::find(name).is_some_and(|r| std::ptr::eq(r, rule)))
        .map_or(&params.approver_roles, |(_, roles)| roles);
    let held: &[String] = roster
        .model
        .people
        .get(&waiver.approved_by)
        .map_or(&[], |p| &p.can_approve);
    let holds = |roles: &[String]| roles.iter().any(|r| held.contains(r));
    let who = waiver.approved_by.as_str();
    if !holds(roles) {
        let why = if held.is_empty() {
            "they hold no approval role".to_owned()
        } else {
            format!("their `can_approve` is {}", quoted(held))
        };
        return Some(lc504_waiver_authority::unauthorised(
            holder.doc, index, who, rule.name, roles, &why,
        ));
    }
    if !std::ptr::eq(rule, &rules::FREEZE_WINDOW) {
        return None;
    }
    let (start, end) = holder.window?;
    let change_type = holder.change_type?;
    for freeze in &repo.policy.freezes {
        let overlaps = start < freeze.end && freeze.start < end;
        let waived = overlaps && !freeze.allow.contains(&change_type);
        if waived && !freeze.approvals.is_empty() && !holds(&freeze.approvals) {
            let why = format!(
                "the freeze `{}` may only be lifted by {}",
                freeze.name,
                quoted(&freeze.approvals)
            );
            return Some(lc504_waiver_authority::unauthorised(
                holder.doc,
                index,
                who,
                rule.name,
                &freeze.approvals,
                &why,
            ));
        }
    }
    None
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("`{i}`"))
        .collect::<Vec<_>>()
        .join(", ")
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
