//! An approved, launched or rolled-back launch request is not deleted, moved out of view or given a new id; the archive holds only records.
//!
//! ## What it checks
//! In pull-request mode (`--base REV`) and for commits (`--staged`), for each launch request
//! whose status at the base was `approved`, `launched` or `rolled-back`:
//!
//! * the change does not delete its file — the finding sits on the base copy of the deleted
//!   file (the only place it still exists), at its `id`;
//! * the change does not move it out of the include globs (`git mv` to `other/`), where no
//!   rule would see it again — also on the base copy;
//! * an `approved` request is not moved into the archive: only records (launched,
//!   rolled-back, rejected, cancelled) belong there; moving a record into the archive, or
//!   between folders the include globs match, is fine — a document is its kind and id;
//! * its `id` stays the same — the finding sits on the new `id`, with the old one as a
//!   related span;
//! * it stays a launch request (`kind`).
//!
//! In every run, archived documents (`[files].archive`, default `archive/**/*.toml`) must
//! carry a record status (for incidents: resolved or closed); and a change may not delete an
//! archived record.
//!
//! ## Why it matters
//! Approved and launched requests are the audit record of what went out and who signed it
//! off. Links, waivers, dependencies and reports refer to them by id; deleting one, hiding
//! it outside the checked folders or renumbering it loses that history, and a new id makes
//! an old approval look like a new one. The archive is where old records go so that policy
//! changes stop reaching them; an active request there would escape every rule.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # at base: launches/LR-2026-0142.toml with status = "launched"
//! # the change renumbers it:
//! id = "LR-2026-0999"
//! status = "launched"
//! ```
//!
//! ## Passing example
//! ```toml
//! # the record keeps its id and moves to archive/2026/LR-2026-0142.toml
//! id = "LR-2026-0142"
//! status = "launched"
//! ```

use crate::diagnostic::Finding;
use crate::document::{Document, Seg};
use crate::git::{top_level_text, ChangeKind, DocChange, History};
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::History {
    change: check,
    every_run: Some(archived_without_record),
};

const HELP: &str = "keep approved and launched requests where they are, under their id: correct \
one in place (and have it approved again), or cancel it with `status = \"cancelled\"`, and \
write a new request for new work";

fn id_span(doc: &Document<'_>) -> std::ops::Range<usize> {
    doc.point_at(&[Seg::Key("id")])
}

pub fn check(history: &History<'_>, repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for change in &history.documents {
        let Some(base) = change.base_launch().filter(|_| !change.old_archived) else {
            continue;
        };
        let Some(status @ ("approved" | "launched" | "rolled-back")) =
            top_level_text(base, "status")
        else {
            continue;
        };
        let old_id = top_level_text(base, "id").unwrap_or_default();
        let old_path = change.old_path.as_deref().unwrap_or_default();
        let at_base = format!("at base ({})", history.merge_base);
        match change.kind {
            ChangeKind::Deleted => out.push(deleted(history, repo, base, old_id, old_path, status)),
            ChangeKind::Added => {}
            ChangeKind::Modified | ChangeKind::Renamed => {
                let Some(head) = change.head else {
                    // The new path is no document: the request left the include globs.
                    let new_path = change.new_path.as_deref().unwrap_or_default();
                    let message = format!(
                        "`{old_id}` was {status} at base as `{old_path}`; this change moves it to `{new_path}`, outside the include globs, where it is no longer checked"
                    );
                    out.push(at_base_copy(history, base, status, message));
                    continue;
                };
                // An active request moved into the archive is `archived_without_record`'s
                // finding, which every run reports.
                if let Some(finding) = changed(change, head, base, old_id, status, &at_base) {
                    out.push(finding);
                }
            }
        }
    }
    archived_records_deleted(history, out);
}

/// A finding on the base copy of a request the change removed from view.
fn at_base_copy(history: &History<'_>, base: &Document<'_>, status: &str, message: String) -> Finding {
    super::at_path(base, &super::HISTORY_REWRITE, &[Seg::Key("id")], message)
        .help(HELP)
        .related(
            base.file,
            base.span_of(&[Seg::Key("status")])
                .unwrap_or_else(|| id_span(base)),
            format!("{status} at base ({})", history.merge_base),
        )
}

/// Deleting an archived record erases the audit trail.
fn archived_records_deleted(history: &History<'_>, out: &mut Vec<Finding>) {
    for change in &history.documents {
        let (ChangeKind::Deleted, true, Some(base)) = (change.kind, change.old_archived, change.base)
        else {
            continue;
        };
        let id = top_level_text(base, "id").unwrap_or_default();
        let path = change.old_path.as_deref().unwrap_or_default();
        let kind = top_level_text(base, "kind").unwrap_or("document");
        out.push(
            super::at_path(
                base,
                &super::HISTORY_REWRITE,
                &[Seg::Key("id")],
                format!("this change deletes the archived {kind} `{id}` (`{path}`): the archive is the audit trail"),
            )
            .help("keep archived records; to correct one, add a note in an `x-` key rather than deleting it"),
        );
    }
}

/// In any run: the archive holds only records. An active request there would escape every
/// rule but the file rules.
pub fn archived_without_record(repo: &Repo<'_>, out: &mut Vec<Finding>) {
    let launches = repo.archived_launches.iter().map(|e| {
        let status = e.model.status;
        (e.doc, &e.model.id, status.as_str(), status.is_record())
    });
    let incidents = repo.archived_incidents.iter().map(|e| {
        let status = e.model.status;
        (e.doc, &e.model.id, status.as_str(), status.is_record())
    });
    for (doc, id, status, is_record) in launches.chain(incidents) {
        if is_record {
            continue;
        }
        let (belong, help) = if top_level_text(doc, "kind") == Some("incident") {
            (
                "resolved and closed incidents",
                "move it back under `incidents/` until it is resolved or closed",
            )
        } else {
            (
                "launched, rolled-back, rejected and cancelled requests",
                "move it back under the include globs (e.g. `launches/`) until it is launched, rolled back, rejected or cancelled",
            )
        };
        out.push(
            super::at_path(
                doc,
                &super::HISTORY_REWRITE,
                &[Seg::Key("status")],
                format!("`{id}` is archived but `{status}`: only {belong} belong in the archive"),
            )
            .help(help),
        );
    }
}

fn deleted(
    history: &History<'_>,
    repo: &Repo<'_>,
    base: &Document<'_>,
    id: &str,
    path: &str,
    status: &str,
) -> Finding {
    // Moved without git seeing a rename (the content changed too much): say where it went.
    let moved_to = repo
        .launch(id)
        .filter(|l| repo.files.get(l.doc.file).path != path);
    let message = match moved_to {
        Some(entry) => format!(
            "`{id}` was {status} at base; this change deletes `{path}` and `{id}` reappears in `{}`",
            repo.files.get(entry.doc.file).path
        ),
        None => format!("`{id}` was {status} at base; this change deletes its file `{path}`"),
    };
    let mut finding = super::at_path(base, &super::HISTORY_REWRITE, &[Seg::Key("id")], message)
        .help(HELP)
        .related(
            base.file,
            base.span_of(&[Seg::Key("status")])
                .unwrap_or_else(|| id_span(base)),
            format!("{status} at base ({})", history.merge_base),
        );
    if let Some(entry) = moved_to {
        finding = finding.related(entry.doc.file, id_span(entry.doc), "now here");
    }
    finding
}

fn changed(
    change: &DocChange<'_>,
    head: &Document<'_>,
    base: &Document<'_>,
    old_id: &str,
    status: &str,
    at_base: &str,
) -> Option<Finding> {
    if change.head_launch().is_none() {
        let kind = top_level_text(head, "kind").unwrap_or("something else");
        let finding = super::at_path(
            head,
            &super::HISTORY_REWRITE,
            &[Seg::Key("kind")],
            format!(
                "`{old_id}` was a {status} launch request at base; this change makes it a `{kind}`"
            ),
        )
        .help(HELP)
        .related(
            base.file,
            base.point_at(&[Seg::Key("kind")]),
            format!("a launch request {at_base}"),
        );
        return Some(finding);
    }
    let new_id = top_level_text(head, "id").unwrap_or_default();
    let renamed = change.kind == ChangeKind::Renamed;
    let new_id_given = !new_id.is_empty() && new_id != old_id;
    let old_path = change.old_path.as_deref().unwrap_or_default();
    let message = match (renamed, new_id_given) {
        // A document is its kind and id: moving it between folders the include globs match,
        // or a record into the archive, keeps it.
        (_, false) => return None,
        (false, true) => format!("`{old_id}` was {status} at base; this change gives it the new id `{new_id}`"),
        (true, true) => format!(
            "`{old_id}` was {status} at base as `{old_path}`; this change moves it and gives it the new id `{new_id}`"
        ),
    };
    let related = if new_id_given {
        format!("`{old_id}` {at_base}")
    } else {
        format!("`{old_path}` {at_base}")
    };
    Some(
        super::at_path(head, &super::HISTORY_REWRITE, &[Seg::Key("id")], message)
            .help(HELP)
            .related(base.file, id_span(base), related),
    )
}
