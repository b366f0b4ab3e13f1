//! Writing files for users: `launchcheck init` (a launch repository that passes its own
//! check), `launchcheck new launch|plan` (a document from a template) and `launchcheck hook
//! install` (a plain git pre-commit hook). None of them ever replaces a file it did not
//! write: `init` keeps existing files and says so, `new` and `hook install` refuse.
//!
//! `init` writes the sample documents, roster and policy only into a new launch repository
//! (one without `launchcheck.toml`): run again on an existing one, it leaves alone what the
//! user has deleted or changed since, and only brings the editor schemas in
//! `.launchcheck/schemas/` up to date with the binary, which are its own files.
//!
//! What they write is in `templates/`, one file per file written, compiled into the binary.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::document::Kind;
use crate::error::{Error, Result};
use crate::time::Clock;

/// Every `launchcheck hook install` hook carries this line; a hook without it is not ours.
pub const HOOK_MARKER: &str = "# launchcheck-managed-hook";

/// What `init` did with each file.
#[derive(Debug, Default)]
pub struct InitReport {
    pub created: Vec<PathBuf>,
    /// Files that already existed and were left as they were.
    pub kept: Vec<PathBuf>,
    /// Sample files not written because the repository already existed (they may have been
    /// deleted on purpose).
    pub skipped: Vec<PathBuf>,
    /// Schemas that differed from this binary's and were replaced.
    pub updated: Vec<PathBuf>,
}

/// Dates the templates are filled with, so that the sample documents pass at `now`.
struct Dates {
    yesterday: Date,
    today: Date,
    launch: Date,
}

impl Dates {
    fn at(now: Timestamp) -> Dates {
        Dates::in_zone(now, TimeZone::UTC)
    }

    /// The dates as the calendar shows them in `zone`, where the repository places bare
    /// dates.
    fn in_zone(now: Timestamp, zone: TimeZone) -> Dates {
        let today = Clock::new(now, zone).date_of(now);
        Dates {
            yesterday: today.checked_sub(1.day()).unwrap_or(today),
            today,
            launch: today.checked_add(14.days()).unwrap_or(today),
        }
    }

    fn fill(&self, template: &str) -> String {
        template
            .replace("{YESTERDAY}", &self.yesterday.to_string())
            .replace("{TODAY}", &self.today.to_string())
            .replace("{LAUNCH}", &self.launch.to_string())
            .replace("{YEAR}", &self.today.year().to_string())
    }
}

/// Writes `contents` to a new file; `Ok(false)` when the file already exists.
fn create_new(path: &Path, contents: &str) -> Result<bool> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| {
            Error::io(
                format!("cannot create the directory `{}`", parent.display()),
                e,
            )
        })?;
    }
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(Error::io(format!("cannot create `{}`", path.display()), e)),
    };
    file.write_all(contents.as_bytes())
        .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
    Ok(true)
}

/// Scaffolds a launch repository in `dir`: configuration (with `timezone`, an IANA name or
/// offset, as `[time].timezone`), roster, policy, schemas, and a sample launch request and
/// response plan that pass every rule at `now`. Existing files are kept; in an existing
/// repository (one with `launchcheck.toml`) only the schemas are written, and replaced when
/// they differ from this binary's.
pub fn init(dir: &Path, now: Timestamp, timezone: &str) -> Result<InitReport> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::new(format!(
            "`{}` exists and is not a directory",
            dir.display()
        )));
    }
    let existing = dir.join(crate::config::FILE_NAME).exists();
    let zone = TimeZone::get(timezone).unwrap_or(TimeZone::UTC);
    let dates = Dates::in_zone(now, zone);
    let samples: Vec<(PathBuf, String)> = vec![
        (
            dir.join(crate::config::FILE_NAME),
            CONFIG.replace("{TIMEZONE}", &toml_string(timezone)),
        ),
        (dir.join("people.toml"), dates.fill(ROSTER)),
        (dir.join("policies/org.toml"), POLICY.to_owned()),
        (dir.join("policies/ticket.rego"), EXAMPLE_RULE.to_owned()),
        (
            dir.join("policies/ticket_test.rego"),
            EXAMPLE_RULE_TEST.to_owned(),
        ),
        (
            dir.join("launches/LR-EXAMPLE-0001.toml"),
            dates.fill(SAMPLE_LAUNCH),
        ),
        (dir.join("plans/RP-example.toml"), dates.fill(SAMPLE_PLAN)),
    ];
    let mut report = InitReport::default();
    for (path, contents) in samples {
        if existing {
            if path.exists() {
                report.kept.push(path);
            } else {
                report.skipped.push(path);
            }
        } else if create_new(&path, &contents)? {
            report.created.push(path);
        } else {
            report.kept.push(path);
        }
    }
    // The schema associations for taplo (Even Better TOML): editors without `launchcheck lsp`
    // still complete and check keys, even in a file that lacks its `#:schema` line. Written
    // when missing, also into an existing repository; an edited copy is the user's.
    let taplo = dir.join(".taplo.toml");
    if create_new(&taplo, TAPLO)? {
        report.created.push(taplo);
    } else {
        report.kept.push(taplo);
    }
    for kind in Kind::ALL {
        let path = dir.join(".launchcheck/schemas").join(schema_file(kind));
        let contents = crate::schema::text(kind);
        if create_new(&path, contents)? {
            report.created.push(path);
            continue;
        }
        match fs::read(&path) {
            Ok(old) if old == contents.as_bytes() => report.kept.push(path),
            // An older (or edited) copy would make editors complete keys this version
            // rejects, or miss ones it accepts.
            _ => {
                fs::write(&path, contents)
                    .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
                report.updated.push(path);
            }
        }
    }
    Ok(report)
}

/// A TOML basic string.
fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn schema_file(kind: Kind) -> String {
    format!("{}.schema.json", kind.name())
}

/// The kinds `launchcheck new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    Launch,
    Plan,
    Incident,
}

impl NewKind {
    fn prefix(self) -> &'static str {
        match self {
            NewKind::Launch => "LR",
            NewKind::Plan => "RP",
            NewKind::Incident => "INC",
        }
    }

    fn dir(self) -> &'static str {
        match self {
            NewKind::Launch => "launches",
            NewKind::Plan => "plans",
            NewKind::Incident => "incidents",
        }
    }

    fn kind(self) -> Kind {
        match self {
            NewKind::Launch => Kind::LaunchRequest,
            NewKind::Plan => Kind::ResponsePlan,
            NewKind::Incident => Kind::Incident,
        }
    }
}

/// Where `new` writes: a file, or standard output (`--out -`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    File(PathBuf),
    Stdout,
}

/// A document `new` prepared.
#[derive(Debug)]
pub struct NewDocument {
    pub id: String,
    pub destination: Destination,
    pub text: String,
}

/// Whether a string is a valid document id (`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`).
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && id.len() <= 64
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The next free id of the form `LR-2026-0007` among the files under `dir`.
fn next_id(kind: NewKind, dir: &Path, year: i16) -> String {
    let stem = format!("{}-{year}-", kind.prefix());
    let highest = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_owned();
            name.strip_suffix(".toml")?
                .strip_prefix(&stem)?
                .parse::<u32>()
                .ok()
        })
        .max()
        .unwrap_or(0);
    format!("{stem}{:04}", highest.saturating_add(1))
}

/// The file under `root` that declares a document of `kind` with this `id`, if any (the
/// archive included: an archived record keeps its id).
fn document_with_id(root: &Path, kind: Kind, id: &str) -> Option<PathBuf> {
    let quoted = format!("\"{id}\"");
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || (e.file_name() != ".git" && e.file_name() != "target"))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "toml"))
        .find(|e| {
            let Ok(text) = std::fs::read_to_string(e.path()) else {
                return false;
            };
            if !text.contains(&quoted) {
                return false;
            }
            let Ok(table) = text.parse::<toml::Table>() else {
                return false;
            };
            table.get("kind").and_then(|k| k.as_str()) == Some(kind.name())
                && table.get("id").and_then(|v| v.as_str()) == Some(id)
        })
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_path_buf()
        })
}

/// Prepares a new document for `new`: its id (given or the next free one), where it goes
/// (given, or `launches/ID.toml` / `plans/ID.toml` under `root`) and its text.
pub fn new_document(
    kind: NewKind,
    id: Option<&str>,
    out: Option<&Path>,
    root: &Path,
    now: Timestamp,
) -> Result<NewDocument> {
    let dates = Dates::at(now);
    let id = match id {
        Some(id) if is_valid_id(id) => id.to_owned(),
        Some(id) => {
            return Err(Error::new(format!("`{id}` is not a valid id")).help(
                "an id is a letter or digit, then up to 63 letters, digits, `.`, `_` or `-`",
            ))
        }
        None => next_id(kind, &root.join(kind.dir()), dates.today.year()),
    };
    if let Some(existing) = document_with_id(root, kind.kind(), &id) {
        return Err(Error::new(format!(
            "a {} with the id `{id}` already exists in `{}`",
            kind.kind().name(),
            existing.display()
        ))
        .help(
            "ids are unique per kind: pick another --id, or leave it out to take the next free one",
        ));
    }
    let destination = match out {
        Some(path) if path == Path::new("-") => Destination::Stdout,
        Some(path) => Destination::File(path.to_path_buf()),
        None => Destination::File(root.join(kind.dir()).join(format!("{id}.toml"))),
    };
    let schema = match &destination {
        Destination::File(path) => schema_directive(path, root, kind.kind()),
        Destination::Stdout => None,
    };
    let template = match kind {
        NewKind::Launch => NEW_LAUNCH,
        NewKind::Plan => NEW_PLAN,
        NewKind::Incident => NEW_INCIDENT,
    };
    let mut text = String::new();
    if let Some(schema) = schema {
        text.push_str(&format!("#:schema {schema}\n"));
    }
    text.push_str(&dates.fill(template).replace("{ID}", &id));
    Ok(NewDocument {
        id,
        destination,
        text,
    })
}

/// Writes a prepared document; refuses to replace an existing file.
pub fn write_new(document: &NewDocument) -> Result<()> {
    let Destination::File(path) = &document.destination else {
        return Ok(());
    };
    if create_new(path, &document.text)? {
        Ok(())
    } else {
        Err(Error::new(format!(
            "`{}` already exists; launchcheck never overwrites a file",
            path.display()
        ))
        .help("pick another --id or --out"))
    }
}

/// The `#:schema` path from a document at `path` to the schema `init` writes under `root`.
fn schema_directive(path: &Path, root: &Path, kind: Kind) -> Option<String> {
    let absolute = |p: &Path| -> Option<PathBuf> {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().ok()?.join(p)
        };
        // The file does not exist yet; its directory may not either.
        let mut existing = p.parent()?.to_path_buf();
        let mut rest = Vec::new();
        while !existing.exists() {
            rest.push(existing.file_name()?.to_owned());
            existing = existing.parent()?.to_path_buf();
        }
        let mut resolved = existing.canonicalize().ok()?;
        resolved.extend(rest.iter().rev());
        Some(resolved)
    };
    let dir = absolute(path)?;
    let root = root.canonicalize().ok()?;
    let depth = dir.strip_prefix(&root).ok()?.components().count();
    Some(format!(
        "{}.launchcheck/schemas/{}",
        "../".repeat(depth),
        schema_file(kind)
    ))
}

/// What `hook install` did.
#[derive(Debug)]
pub struct HookReport {
    pub path: PathBuf,
    /// Whether a hook written by an earlier `hook install` was replaced.
    pub replaced: bool,
}

/// The hook script: `launchcheck check --staged`, from the launch repository's root.
fn hook_script(root_in_work_tree: &str) -> String {
    let root = if root_in_work_tree.is_empty() {
        String::new()
    } else {
        format!(" --root '{}'", root_in_work_tree.replace('\'', r"'\''"))
    };
    HOOK.replace("{ROOT}", &root)
}

/// Writes `.git/hooks/pre-commit` (or into `core.hooksPath`) for the repository holding
/// `root`. Refuses to replace a hook that `hook install` did not write.
pub fn install_hook(root: &Path) -> Result<HookReport> {
    let (hooks, workdir) = crate::git::hooks_dir(root)?;
    let root = root
        .canonicalize()
        .map_err(|e| Error::io(format!("cannot open `{}`", root.display()), e))?;
    let workdir = workdir.canonicalize().unwrap_or(workdir);
    let relative = root
        .strip_prefix(&workdir)
        .ok()
        .and_then(Path::to_str)
        .unwrap_or_default()
        .replace('\\', "/");
    let path = hooks.join("pre-commit");
    let foreign = || {
        Error::new(format!(
            "`{}` already exists and was not written by launchcheck; it is left as it is",
            path.display()
        ))
        .help("add `launchcheck check --staged` to that hook yourself, or remove it and run `launchcheck hook install` again")
    };
    let replaced = match fs::read(&path) {
        Ok(existing) => {
            if !String::from_utf8_lossy(&existing).contains(HOOK_MARKER) {
                return Err(foreign());
            }
            true
        }
        // A dangling link is another tool's hook (its target not written yet): writing here
        // would create that target, outside the repository.
        Err(e) if e.kind() == io::ErrorKind::NotFound && fs::symlink_metadata(&path).is_ok() => {
            return Err(foreign())
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(Error::io(format!("cannot read `{}`", path.display()), e)),
    };
    fs::create_dir_all(&hooks).map_err(|e| {
        Error::io(
            format!("cannot create the directory `{}`", hooks.display()),
            e,
        )
    })?;
    fs::write(&path, hook_script(&relative))
        .map_err(|e| Error::io(format!("cannot write `{}`", path.display()), e))?;
    make_executable(&path)?;
    Ok(HookReport { path, replaced })
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(format!("cannot make `{}` executable", path.display()), e))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}

// The templates, in `templates/` under the name of what they become. Placeholders are filled
// when written: `{TODAY}`, `{YESTERDAY}`, `{LAUNCH}` (two weeks ahead) and `{YEAR}` by
// `Dates::fill`, `{ID}` by `new`, `{TIMEZONE}` by `init`, `{ROOT}` by `hook install`.

/// `.taplo.toml`: which schema each of the default include globs' files follows.
const TAPLO: &str = include_str!("templates/taplo.toml");
/// `launchcheck.toml`, every key at its default.
const CONFIG: &str = include_str!("templates/launchcheck.toml");
/// `policies/org.toml`: an empty organisation policy with commented examples.
const POLICY: &str = include_str!("templates/policy.toml");
/// `policies/ticket.rego`, an organisation rule to start from: conftest's conventions, plus a
/// `path` so the finding points at the exact key.
const EXAMPLE_RULE: &str = include_str!("templates/ticket.rego");
/// `policies/ticket_test.rego`, the tests `launchcheck policy test` runs on it.
const EXAMPLE_RULE_TEST: &str = include_str!("templates/ticket_test.rego");
/// `people.toml`: a roster holding everyone the samples name.
const ROSTER: &str = include_str!("templates/people.toml");
/// `launches/LR-EXAMPLE-0001.toml`, which passes every rule at the time `init` ran.
const SAMPLE_LAUNCH: &str = include_str!("templates/sample-launch.toml");
/// `plans/RP-example.toml`, the plan the sample launch links.
const SAMPLE_PLAN: &str = include_str!("templates/sample-plan.toml");
/// `launchcheck new launch`.
const NEW_LAUNCH: &str = include_str!("templates/launch-request.new.toml");
/// `launchcheck new plan`.
const NEW_PLAN: &str = include_str!("templates/response-plan.new.toml");
/// `launchcheck new incident`.
const NEW_INCIDENT: &str = include_str!("templates/incident.new.toml");
/// The git pre-commit hook of `launchcheck hook install`; its second line carries
/// [`HOOK_MARKER`].
const HOOK: &str = include_str!("templates/pre-commit.sh");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_schema_pattern() {
        assert!(is_valid_id("LR-2026-0001"));
        assert!(is_valid_id("rp.payments_2"));
        assert!(!is_valid_id("-LR"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("LR 1"));
        assert!(!is_valid_id(&"a".repeat(65)));
    }

    #[test]
    fn hook_script_quotes_the_root() {
        let script = hook_script("ops/it's");
        assert!(script.contains(HOOK_MARKER));
        assert!(script.contains(r"--root 'ops/it'\''s'"));
        assert!(hook_script("").ends_with("check --staged --allow-empty\n"));
    }

    #[test]
    fn the_hook_template_carries_the_marker_on_its_second_line() {
        assert_eq!(
            HOOK.lines().nth(1).map(|l| l.starts_with(HOOK_MARKER)),
            Some(true)
        );
        assert!(HOOK.starts_with("#!/bin/sh\n"));
    }

    const NOW: &str = "2026-11-25T09:30:00Z";

    fn now() -> Timestamp {
        NOW.parse().expect("a timestamp")
    }

    /// A placeholder left in a written file: `{` and upper-case letters up to `}`.
    fn placeholder_in(text: &str) -> Option<&str> {
        text.match_indices('{').find_map(|(at, _)| {
            let rest = &text[at + 1..];
            let end = rest.find('}')?;
            let name = &rest[..end];
            (!name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase()))
                .then_some(&text[at..at + end + 2])
        })
    }

    /// Reads `text` as `check` reads a file of `kind` (syntax, kind, schema), and says what is
    /// wrong with it, if anything. Roster and policy files are read as that kind, like the
    /// files `[files]` names; documents declare their kind.
    fn problems_as_checked(path: &str, text: &str, kind: Kind) -> Vec<String> {
        let mut files = crate::source::Files::default();
        let id = files.add(crate::source::SourceFile::new(path, text));
        let expected = matches!(kind, Kind::Roster | Kind::Policy).then_some(kind);
        let parsed = crate::load::parse(id, files.get(id), expected, &TimeZone::UTC, true);
        let mut problems: Vec<String> = parsed
            .findings
            .iter()
            .map(|f| format!("{} {}", f.rule.code, f.message))
            .collect();
        match parsed.doc.as_ref().map(|doc| doc.kind) {
            Some(Some(declared)) if declared == kind => {}
            other => problems.push(format!("read as {other:?}, not {}", kind.name())),
        }
        if let Some(placeholder) = placeholder_in(text) {
            problems.push(format!("{placeholder} is left unfilled"));
        }
        problems
    }

    fn read(path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn every_toml_file_init_writes_passes_its_schema() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let report = init(dir.path(), now(), "Asia/Shanghai").expect("init");
        assert!(report.kept.is_empty() && report.updated.is_empty());
        let written = [
            ("people.toml", Kind::Roster),
            ("policies/org.toml", Kind::Policy),
            ("launches/LR-EXAMPLE-0001.toml", Kind::LaunchRequest),
            ("plans/RP-example.toml", Kind::ResponsePlan),
        ];
        for (file, kind) in written {
            let path = dir.path().join(file);
            assert!(report.created.contains(&path), "{file} not created");
            let problems = problems_as_checked(file, &read(&path), kind);
            assert!(problems.is_empty(), "{file}: {problems:#?}");
        }
        // The configuration is read by its own path, which also checks the time zone.
        let config = read(&dir.path().join(crate::config::FILE_NAME));
        assert_eq!(placeholder_in(&config), None);
        let parsed = crate::config::parse("launchcheck.toml", config, &TimeZone::UTC)
            .unwrap_or_else(|e| panic!("launchcheck.toml: {e:?}"));
        assert_eq!(parsed.time.timezone, "Asia/Shanghai");
    }

    #[test]
    fn every_template_of_new_passes_its_schema() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for kind in [NewKind::Launch, NewKind::Plan, NewKind::Incident] {
            let document = new_document(kind, None, None, dir.path(), now()).expect("new");
            assert_eq!(document.id, format!("{}-2026-0001", kind.prefix()));
            // The `#:schema` line `new` writes into a file is a comment; the schema check
            // is the same without it.
            let problems = problems_as_checked(
                &format!("{}.toml", document.id),
                &document.text,
                kind.kind(),
            );
            assert!(problems.is_empty(), "{kind:?}: {problems:#?}");
            assert!(document.text.contains(&format!("id = \"{}\"", document.id)));
        }
    }

    #[test]
    fn a_broken_template_would_be_caught() {
        // The check above must be able to fail: an unknown key, an unfilled placeholder.
        let text = NEW_INCIDENT
            .replace("{ID}", "INC-1")
            .replace("{TODAY}", "2026-11-25");
        let problems = problems_as_checked("x.toml", &text, Kind::Incident);
        assert!(
            problems.iter().any(|p| p.contains("{LAUNCH}")),
            "{problems:#?}"
        );
        let text = Dates::at(now())
            .fill(SAMPLE_PLAN)
            .replace("rto_minutes", "rto_mins");
        let problems = problems_as_checked("x.toml", &text, Kind::ResponsePlan);
        assert!(
            problems.iter().any(|p| p.starts_with("LC003")),
            "{problems:#?}"
        );
    }

    #[test]
    fn taplo_points_each_glob_at_a_schema_init_writes() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        init(dir.path(), now(), "UTC").expect("init");
        let taplo: toml::Table = read(&dir.path().join(".taplo.toml")).parse().expect("TOML");
        let rules = taplo
            .get("rule")
            .and_then(toml::Value::as_array)
            .expect("[[rule]] entries");
        let mut schemas = Vec::new();
        for rule in rules {
            let path = rule
                .get("schema")
                .and_then(|s| s.get("path"))
                .and_then(toml::Value::as_str)
                .expect("rule.schema.path");
            assert!(dir.path().join(path).is_file(), "{path} is not written");
            schemas.push(path.to_owned());
        }
        // Every kind but incidents, which `.taplo.toml` does not associate (yet): the
        // `#:schema` line `new incident` writes points editors at theirs.
        for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Incident) {
            let expected = format!(".launchcheck/schemas/{}", schema_file(kind));
            assert!(schemas.contains(&expected), "no [[rule]] for {expected}");
        }
    }

    #[test]
    fn the_example_rule_loads_and_passes_its_own_tests() {
        use crate::source::SourceFile;
        let rule = SourceFile::new("policies/ticket.rego", EXAMPLE_RULE);
        let test = SourceFile::new("policies/ticket_test.rego", EXAMPLE_RULE_TEST);
        let loaded = crate::org_rules::load(vec![rule.clone()]).expect("the rule compiles");
        assert!(loaded.is_some(), "no organisation rule found");
        let run = crate::org_rules::testing::run(&[rule, test], false).expect("the tests run");
        let tests = EXAMPLE_RULE_TEST
            .lines()
            .filter(|l| l.starts_with("test_"))
            .count();
        assert!(tests > 0);
        assert_eq!(run.outcomes.len(), tests, "{}", run.render(false));
        assert_eq!(run.failed(), 0, "{}", run.render(false));
    }
}
