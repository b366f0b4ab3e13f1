//! A launch links an existing response plan that covers all of its services.
//!
//! ## What it checks
//! For a launch whose risk is in `risk`, `response_plan` is set (a missing link is reported
//! at the `id`). Whenever `response_plan` is set, at any risk, it names a response plan that
//! exists in the repository, and that plan's `services` include every service of the launch;
//! both problems are reported at `response_plan`, an uncovered service with the plan's
//! `services` as a related location.
//!
//! Whether the linked plan itself is complete and drilled is checked by the plan rules
//! (LC2xx), at the launch's window start. A link to a plan that exists but does not parse or
//! fails its schema is not reported here: the plan's own finding is the root cause.
//!
//! ## Why it matters
//! When a launch goes wrong, the on-call team reaches for the response plan: who is incident
//! commander, who talks to customers, how to fail over. A launch without one, with a typo in
//! the link, or with a plan written for other services leaves them improvising mid-incident.
//!
//! ## Parameters
//! - `risk` (default `["medium", "high", "critical"]`): the risks that must link a plan.
//!
//! ## Failing example
//! ```toml
//! services = ["payments-api", "ledger"]
//! response_plan = "RP-payments"   # its services are payments-api and payments-worker
//! ```
//!
//! ## Passing example
//! ```toml
//! services = ["payments-api", "payments-worker"]
//! response_plan = "RP-payments"
//! ```

use crate::diagnostic::Finding;

use super::LaunchCx;

pub const CHECK: super::Check = super::Check::Launch(check);

/// `a`, `b` and `c`, for messages.
pub(super) fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn check(cx: &LaunchCx<'_, '_>, out: &mut Vec<Finding>) {
    let launch = cx.launch();
    let path = ["response_plan".into()];
    let Some(plan_id) = launch.response_plan.as_deref() else {
        if cx.rules().params.plan_link.risk.contains(&launch.risk) {
            out.push(
                cx.finding(
                    &super::PLAN_LINK,
                    &path,
                    format!(
                        "a {}-risk launch needs a response plan, but `response_plan` is not set",
                        launch.risk.as_str()
                    ),
                )
                .help(format!(
                    "set `response_plan` to the id of the plan that covers {}",
                    list(
                        &launch
                            .services
                            .iter()
                            .map(String::as_str)
                            .collect::<Vec<_>>()
                    )
                )),
            );
        }
        return;
    };
    let Some(plan) = cx.repo.plan(plan_id) else {
        if cx.repo.plan_is_unreadable(plan_id) {
            // The plan exists but has errors of its own; they are the root cause, reported
            // on the plan, not again on every launch that links it.
            return;
        }
        let suggestion =
            crate::suggest::closest(plan_id, cx.repo.plans.iter().map(|p| p.model.id.as_str()));
        let help = match suggestion {
            Some(id) => format!("did you mean `{id}`?"),
            None => "set `response_plan` to the id of a response plan in the repository (kind = \"response-plan\")".to_owned(),
        };
        out.push(
            cx.finding(
                &super::PLAN_LINK,
                &path,
                format!("there is no response plan with the id `{plan_id}`"),
            )
            .help(help),
        );
        return;
    };
    let mut uncovered: Vec<&str> = Vec::new();
    for service in &launch.services {
        if !plan.model.services.contains(service) && !uncovered.contains(&service.as_str()) {
            uncovered.push(service);
        }
    }
    if uncovered.is_empty() {
        return;
    }
    let covered: Vec<&str> = plan.model.services.iter().map(String::as_str).collect();
    let plan_services = plan.doc.point_at(&["services".into()]);
    out.push(
        cx.finding(
            &super::PLAN_LINK,
            &path,
            format!(
                "the response plan `{plan_id}` does not cover {} {} of this launch",
                if uncovered.len() == 1 {
                    "the service"
                } else {
                    "the services"
                },
                list(&uncovered)
            ),
        )
        .help(format!(
            "link a plan that covers {}, or add {} to the `services` of `{plan_id}`",
            list(&uncovered),
            if uncovered.len() == 1 { "it" } else { "them" }
        ))
        .related(
            plan.doc.file,
            plan_services,
            if covered.is_empty() {
                format!("`{plan_id}` lists no services")
            } else {
                format!("`{plan_id}` covers {}", list(&covered))
            },
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::list;
    use crate::rules::test_harness::{findings, launch, WINDOW};

    const PLAN: &str = "kind = \"response-plan\"\nid = \"RP-1\"\ntitle = \"p\"\nservices = [\"payments-api\"]\nowner = \"bob\"\n";

    #[test]
    fn a_link_to_a_plan_with_errors_of_its_own_is_not_a_second_error() {
        let text = launch(
            "change_type = \"normal\"\nrisk = \"high\"\nstatus = \"submitted\"\nresponse_plan = \"RP-1\"",
            WINDOW,
        );
        let unparsable = format!("{PLAN}services = [\"a\"\n");
        let invalid = PLAN.replace("owner = \"bob\"\n", "owner = 42\n");
        for plan in [PLAN.to_owned(), unparsable, invalid] {
            let found = findings(&crate::rules::PLAN_LINK, &[("launches/a.toml", &text), ("plans/p.toml", &plan)]);
            assert_eq!(found, Vec::<String>::new(), "{plan}");
        }
        let found = findings(&crate::rules::PLAN_LINK, &[("launches/a.toml", &text)]);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b"]), "`a` and `b`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}
