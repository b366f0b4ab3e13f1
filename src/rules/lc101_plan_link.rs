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
//! (LC2xx), at the launch's window start.
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
                    "LC101",
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
        let suggestion =
            crate::suggest::closest(plan_id, cx.repo.plans.iter().map(|p| p.model.id.as_str()));
        let help = match suggestion {
            Some(id) => format!("did you mean `{id}`?"),
            None => "set `response_plan` to the id of a response plan in the repository (kind = \"response-plan\")".to_owned(),
        };
        out.push(
            cx.finding(
                "LC101",
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
            "LC101",
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

    #[test]
    fn lists_read_as_prose() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a"]), "`a`");
        assert_eq!(list(&["a", "b"]), "`a` and `b`");
        assert_eq!(list(&["a", "b", "c"]), "`a`, `b` and `c`");
    }
}

/// Runs one rule through the whole `check` pipeline over in-memory files, for the unit tests
/// of the launch rules LC101–LC108.
#[cfg(test)]
pub(super) mod harness {
    use crate::check::{run_on, Options};
    use crate::config::Config;
    use crate::error::Result;
    use crate::tree::{ReadOutcome, Tree};

    struct Memory(Vec<(String, String)>);

    impl Tree for Memory {
        fn paths(&self) -> Result<Vec<String>> {
            let mut paths: Vec<String> = self.0.iter().map(|(p, _)| p.clone()).collect();
            paths.sort();
            Ok(paths)
        }

        fn read(&self, path: &str, _limit: u64) -> ReadOutcome {
            match self.0.iter().find(|(p, _)| p == path) {
                Some((_, text)) => ReadOutcome::Bytes(text.clone().into_bytes()),
                None => ReadOutcome::Failed(format!("no file {path}")),
            }
        }

        fn contains(&self, path: &str) -> bool {
            self.0.iter().any(|(p, _)| p == path)
        }
    }

    /// A launch request: lines 1–5 are fixed (`kind`, `id = "LR-1"`, `title`, `services =
    /// ["payments-api"]`, `requester = "alice"`), `head` follows from line 6, then `tables`.
    pub fn launch(head: &str, tables: &str) -> String {
        format!(
            "kind = \"launch-request\"\nid = \"LR-1\"\ntitle = \"t\"\nservices = [\"payments-api\"]\n\
             requester = \"alice\"\n{head}\n{tables}\n"
        )
    }

    /// A low-risk standard change, approved, submitted well ahead (four lines).
    pub const HEAD: &str = "change_type = \"standard\"\nrisk = \"low\"\nstatus = \"approved\"\n\
                            submitted_at = 2026-11-20T09:00:00Z";

    /// A one-hour window on 2026-12-01 from 02:00 UTC.
    pub const WINDOW: &str = "[window]\nstart = 2026-12-01T02:00:00Z\nend = 2026-12-01T03:00:00Z\n";

    /// An `[[approvals]]` entry dated 2026-11-23T10:00Z.
    pub fn approval(role: &str, by: &str, decision: &str) -> String {
        format!("[[approvals]]\nrole = \"{role}\"\nby = \"{by}\"\nat = 2026-11-23T10:00:00Z\ndecision = \"{decision}\"\n")
    }

    /// `path:line:col: message` of every finding of rule `code`, at now = 2026-11-25T00:00Z (UTC).
    pub fn findings(code: &str, files: &[(&str, &str)]) -> Vec<String> {
        let tree = Memory(
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        );
        let options = Options {
            now: Some("2026-11-25T00:00:00Z".to_owned()),
            select: vec![code.to_owned()],
            ..Options::default()
        };
        let report = match run_on(&tree, &Config::default(), &options, None) {
            Ok(report) => report,
            Err(e) => panic!("check failed: {e:?}"),
        };
        report
            .findings
            .iter()
            .filter(|f| f.rule.code == code)
            .map(|f| {
                let file = report.files.get(f.file);
                let at = file.position(f.span.start);
                format!("{}:{}:{}: {}", file.path, at.line, at.column, f.message)
            })
            .collect()
    }
}
