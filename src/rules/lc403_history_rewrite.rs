//! An approved, launched or rolled-back launch request is not deleted, moved or given a new id.
//!
//! ## What it checks
//! In pull-request mode (`--base REV`), for each launch request whose status at the merge
//! base was `approved`, `launched` or `rolled-back`:
//!
//! * the change does not delete its file — the finding sits on the base copy of the deleted
//!   file (the only place it still exists), at its `id`;
//! * the change does not rename or move its file — the finding sits on the new file's `id`,
//!   with the old location as a related span;
//! * its `id` stays the same — the finding sits on the new `id`, with the old one as a
//!   related span;
//! * it stays a launch request (`kind`).
//!
//! ## Why it matters
//! Approved and launched requests are the audit record of what went out and who signed it
//! off. Links, waivers, dependencies and reports refer to them by id and path; deleting or
//! renaming one loses that history, and a new id makes an old approval look like a new one.
//!
//! ## Parameters
//! None.
//!
//! ## Failing example
//! ```toml
//! # at base: launches/LR-2026-0142.toml with status = "launched"
//! # the change moves it to launches/archive/LR-2026-0142.toml and renumbers it:
//! id = "LR-2026-0999"
//! status = "launched"
//! ```
//!
//! ## Passing example
//! ```toml
//! # the file stays where it is and keeps its id; only the status moves on
//! id = "LR-2026-0142"
//! status = "rolled-back"
//! ```

use crate::diagnostic::Finding;
use crate::document::{Document, Seg};
use crate::git::{top_level_text, ChangeKind, DocChange, History};
use crate::index::Repo;

pub const CHECK: super::Check = super::Check::External;

const HELP: &str = "keep approved and launched requests where they are, under their id: correct \
one in place (and have it approved again), or cancel it with `status = \"cancelled\"`, and \
write a new request for new work";

fn id_span(doc: &Document<'_>) -> std::ops::Range<usize> {
    doc.point_at(&[Seg::Key("id")])
}

pub fn check(history: &History<'_>, repo: &Repo<'_>, out: &mut Vec<Finding>) {
    for change in &history.documents {
        let Some(base) = change.base_launch() else {
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
                let Some(head) = change.head else { continue };
                if let Some(finding) = changed(change, head, base, old_id, status, &at_base) {
                    out.push(finding);
                }
            }
        }
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
    let mut finding = super::at_path(base, "LC403", &[Seg::Key("id")], message)
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
            "LC403",
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
        (false, false) => return None,
        (true, false) => format!("`{old_id}` was {status} at base as `{old_path}`; this change moves it"),
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
        super::at_path(head, "LC403", &[Seg::Key("id")], message)
            .help(HELP)
            .related(base.file, id_span(base), related),
    )
}
