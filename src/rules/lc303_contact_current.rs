//! Everyone who holds a plan role can be reached, and their contact details were checked
//! recently.
//!
//! ## What it checks
//! When the repository has a roster, every person who is the `primary` or `backup` of a role
//! in a response plan has a `phone` or a `pager` in the roster, and a `contact_verified_on`
//! date no more than `max_age_days` calendar days before now (in `[time].timezone`). One
//! finding per person, at their roster entry (`contact_verified_on`, else the
//! `[people.<handle>]` header), with the plan roles they hold as related spans. People who
//! are not in the roster are left to `unknown-person`. Without a roster this rule is off.
//!
//! ## Why it matters
//! The incident commander's phone number is only useful if it still rings. A plan whose role
//! holders cannot be reached at 3 a.m. fails at the first step.
//!
//! ## Parameters
//! - `max_age_days` (default `180`): how long a verification stays valid, in days.
//!
//! ## Failing example
//! ```toml
//! # people.toml, with --now 2026-11-25; dave is incident-commander of RP-payments
//! [people.dave]
//! name = "Dave Li"
//! contact_verified_on = 2025-10-01
//! ```
//!
//! ## Passing example
//! ```toml
//! [people.dave]
//! name = "Dave Li"
//! phone = "+86 138 0000 0001"
//! contact_verified_on = 2026-10-01
//! ```

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::ToSpan;

use crate::diagnostic::Finding;
use crate::document::Seg;
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::Repo(check);

/// Handle → the (plan index, role, primary/backup) places where the person holds a role.
pub fn role_holders(repo: &Repo<'_>) -> BTreeMap<String, Vec<(usize, String, &'static str)>> {
    let mut holders: BTreeMap<String, Vec<(usize, String, &'static str)>> = BTreeMap::new();
    for (p, plan) in repo.plans.iter().enumerate() {
        for (role, value) in plan.model.roles.iter().filter(|(r, _)| !r.starts_with("x-")) {
            for key in ["primary", "backup"] {
                if let Some(handle) = value.get(key).and_then(|v| v.as_str()) {
                    holders
                        .entry(handle.to_owned())
                        .or_default()
                        .push((p, role.clone(), key));
                }
            }
        }
    }
    holders
}

/// The last day a person's contact verification is valid, when it has a date.
pub fn verification_expires(repo: &Repo<'_>, verified_on: Date) -> Option<Date> {
    let max_age = repo.policy.base.params.contact_current.max_age_days;
    verified_on.checked_add(max_age.days()).ok()
}

fn check(repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let Some(roster) = &repo.roster else {
        return;
    };
    let max_age = repo.policy.base.params.contact_current.max_age_days;
    for (handle, places) in role_holders(repo) {
        let Some(person) = roster.model.people.get(&handle) else {
            continue;
        };
        let reachable = person.phone.is_some() || person.pager.is_some();
        let age = person
            .contact_verified_on
            .map(|d| repo.clock.age_days(d, repo.clock.now));
        let stale = age.is_none_or(|age| age > max_age);
        if reachable && !stale {
            continue;
        }
        let mut problems = Vec::new();
        if !reachable {
            problems.push("has no `phone` or `pager`".to_owned());
        }
        match (person.contact_verified_on, age) {
            (Some(date), Some(age)) if age > max_age => problems.push(format!(
                "was last verified on {date}, {age} days ago (limit {max_age})"
            )),
            (None, _) => problems.push("has no `contact_verified_on` date".to_owned()),
            _ => {}
        }
        let roles: Vec<String> = places
            .iter()
            .map(|(p, role, key)| format!("{role} {key} of {}", repo.plans[*p].model.id))
            .collect();
        let path = [
            Seg::Key("people"),
            Seg::Key(handle.as_str()),
            Seg::Key("contact_verified_on"),
        ];
        let mut finding = super::at_path(
            roster.doc,
            &super::CONTACT_CURRENT,
            &path,
            format!(
                "`{handle}` holds {} and {}",
                roles.join(", "),
                problems.join(" and ")
            ),
        )
        .help(format!(
            "call `{handle}`, confirm the phone or pager, and record the day you did, e.g. `contact_verified_on = {}`",
            repo.clock.date_of(repo.clock.now)
        ));
        for (p, role, key) in &places {
            let plan = &repo.plans[*p];
            finding = finding.related(
                plan.doc.file,
                plan.doc
                    .point_at(&["roles".into(), role.as_str().into(), (*key).into()]),
                format!("{role} {key} in {}", plan.model.id),
            );
        }
        out.push(finding);
    }
}
