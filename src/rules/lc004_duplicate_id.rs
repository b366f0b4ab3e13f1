//! No two documents of a kind share an `id`.
//!
//! ## What it checks
//! Launch request ids are unique among launch requests, plan ids among plans. Each file
//! that shares an id gets a finding at its `id`, with the other files as related spans.
//!
//! ## Why it matters
//! Approvals, dependencies, plan links and waivers all refer to ids. Two documents with one
//! id make every such reference ambiguous, and a copied file may carry approvals it never got.
//!
//! ## Parameters
//! None. This rule is always on and cannot be waived.
//!
//! ## Failing example
//! ```toml
//! # launches/a.toml and launches/b.toml both say:
//! kind = "launch-request"
//! id = "LR-2026-0142"
//! ```
//!
//! ## Passing example
//! ```toml
//! # launches/b.toml
//! kind = "launch-request"
//! id = "LR-2026-0143"
//! ```

use crate::diagnostic::Finding;
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::Repo(check);

fn check(repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for docs in repo.duplicate_ids() {
        for doc in &docs {
            let id = doc
                .json()
                .get("id")
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let kind = doc.kind.map_or("document", |k| k.name());
            let mut finding = Finding::new(
                &super::DUPLICATE_ID,
                doc.file,
                doc.id_span().unwrap_or(0..0),
                format!("{} {kind}s share the id `{id}`", docs.len()),
            )
            .key("id")
            .help("give each document its own id; ids are how approvals, plans and waivers refer to it");
            for other in docs.iter().filter(|o| o.file != doc.file) {
                finding = finding.related(
                    other.file,
                    other.id_span().unwrap_or(0..0),
                    "also uses this id",
                );
            }
            out.push(finding);
        }
    }
}
