//! Organisation rules: the organisation's own checks, written in Rego (`policies/*.rego`) and
//! evaluated in-process by `regorus`.
//!
//! Conftest's conventions hold, so a conftest policy runs unchanged: in any package, rules
//! named `deny`, `deny_*`, `violation`, `violation_*` report errors and `warn`, `warn_*`
//! warnings; `input` is the document as JSON and `data.conftest.file` its `{name, dir}`.
//! Beyond conftest a result may carry `path`, `help`, `level` and `related` (see
//! [`results`]), and `data.launchcheck` holds the whole repository.
//!
//! Every rule is a first-class rule: it has a name (`db/migration-without-dba`), optionally
//! a code from the policy's `[custom."name"]`, a level, and can be selected, ignored and
//! waived. Anything wrong in a `.rego` file is a tool error (exit 2) at its file and line:
//! a rule that cannot be trusted never passes silently.

pub mod budget;
pub mod results;
pub mod testing;

use std::cell::RefCell;
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::ops::Range;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use regorus::unstable::{Expr, Rule, RuleHead};
use regorus::{Engine, Value};

use crate::config::Matchers;
use crate::diagnostic::{Finding, Level};
use crate::document::{Document, Seg};
use crate::error::{Error, Result};
use crate::index::Repo;
use crate::model::Status;
use crate::rules::{self, CustomSettings};
use crate::source::{Files, SourceFile};
use crate::tree::{ReadOutcome, Tree};
use toml::de::{DeTable, DeValue};

/// How long the organisation rules may take on one document: a safety net against a rule
/// that loops over a huge product, generous on purpose.
pub const TIME_LIMIT_PER_DOCUMENT: Duration = Duration::from_secs(1);

/// Builtins that reach outside the process or are not reproducible: a rule that calls one
/// is refused when it is loaded.
const REFUSED_BUILTINS: [&str; 6] = [
    "http.send",
    "net.lookup_ip_addr",
    "opa.runtime",
    "rand.",
    "uuid.rfc4122",
    "uuid.parse",
];

/// The name of the host function behind `data.launchcheck` and `data.conftest.file`.
const CONTEXT_FUNCTION: &str = "__launchcheck_context";

/// The most compiled patterns an engine keeps for `regex.match`.
const REGEX_CACHE_SIZE: usize = 256;

/// The largest compiled pattern `regex.match` accepts, as the engine's own builtin.
const REGEX_SIZE_LIMIT: usize = 100 * 1024;

/// Packages launchcheck adds so that rules can read the repository and the current file.
const CONTEXT_MODULES: [(&str, &str); 2] = [
    (
        "<launchcheck>/conftest.rego",
        "package conftest\n\
         file := __launchcheck_context(\"file\")\n",
    ),
    (
        "<launchcheck>/launchcheck.rego",
        "package launchcheck\n\
         now := __launchcheck_context(\"now\")\n\
         timezone := __launchcheck_context(\"timezone\")\n\
         reference := __launchcheck_context(\"reference\")\n\
         policy := __launchcheck_context(\"policy\")\n\
         launches := __launchcheck_context(\"launches\")\n\
         plans := __launchcheck_context(\"plans\")\n\
         incidents := __launchcheck_context(\"incidents\")\n\
         people := __launchcheck_context(\"people\")\n\
         archive := __launchcheck_context(\"archive\")\n",
    ),
];

/// A rule whose results are findings (`deny`, `warn_*`, …), as declared in a `.rego` file.
#[derive(Debug, Clone)]
pub struct Declared {
    /// `db/migration-without-dba`.
    pub name: String,
    /// `data.org.db.deny_migration_without_dba`.
    pub query: String,
    /// Error for `deny`/`violation` rules, warning for `warn` rules.
    pub kind_level: Level,
    /// Where it is declared: the `.rego` file's path and the line of its first definition.
    pub path: String,
    pub line: u32,
}

/// The loaded organisation rules of a run: parsed once, then cloned per worker thread.
pub struct OrgRules {
    /// The `.rego` files, for diagnostics.
    pub files: Files,
    engine: Engine,
    pub declared: Vec<Declared>,
    /// The declared rules, shared with the evaluating threads.
    shared: Arc<[Declared]>,
    /// Which parts of `data.launchcheck` some rule mentions (the rest is not built).
    needs: Needs,
    /// The only top-level keys of `input` the rules can reach, when every use of `input`
    /// names its key (`input.risk`, `input["x-ticket"]`); `None` when some use does not.
    input_keys: Option<Vec<String>>,
    /// The `data.launchcheck` of rules judged while the documents are parsed, built once.
    parse_repository: OnceLock<Arc<RepositoryData>>,
    /// Tells this run's engines apart from other runs' in a thread's cache.
    run_id: usize,
}

/// One organisation rule bound to the policy: its registered identity and its level.
#[derive(Debug, Clone)]
pub struct Bound {
    pub rule: &'static rules::Rule,
    pub declared: Declared,
    /// The level the policy sets (`None`: off); `explicit` when the policy named it, which
    /// then wins over a result's own `level`.
    pub level: Option<Level>,
    pub explicit: bool,
}

#[derive(Debug, Clone, Copy, Default)]
struct Needs {
    launches: bool,
    plans: bool,
    incidents: bool,
    people: bool,
    policy: bool,
}

impl std::fmt::Debug for OrgRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgRules")
            .field("declared", &self.declared)
            .finish()
    }
}

/// Reads the organisation rules' files from a tree (`*_test.rego` excluded), sorted by path.
pub fn read(tree: &dyn Tree, matchers: &Matchers, limit: u64) -> Result<Vec<SourceFile>> {
    let mut sources = Vec::new();
    for path in tree.paths()? {
        if !matchers.is_rego_rules(&path) {
            continue;
        }
        sources.push(read_one(tree, &path, limit)?);
    }
    Ok(sources)
}

/// Reads one `.rego` file; unreadable is a tool error, never a rule quietly left out.
pub fn read_one(tree: &dyn Tree, path: &str, limit: u64) -> Result<SourceFile> {
    let problem = |what: String| {
        Error::new(format!(
            "cannot read the organisation rules `{path}`: {what}"
        ))
        .help("fix or remove the file: a rule that cannot be read would pass silently")
    };
    match tree.read(path, limit) {
        ReadOutcome::Bytes(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceFile::new(path, text)),
            Err(_) => Err(problem("it is not UTF-8".into())),
        },
        ReadOutcome::TooLarge { size } => Err(problem(format!(
            "it is {size} bytes, over `max_file_bytes` ({limit})"
        ))),
        ReadOutcome::LinkOutside { target } => Err(problem(format!(
            "it links outside the repository, to `{target}`"
        ))),
        ReadOutcome::Failed(reason) => Err(problem(reason)),
    }
}

/// A new engine with launchcheck's context packages and host functions.
fn engine() -> Result<Engine> {
    let mut engine = Engine::new();
    for (path, text) in CONTEXT_MODULES {
        engine
            .add_policy(path.to_owned(), text.to_owned())
            .map_err(|e| Error::new("cannot prepare the Rego engine").cause(e))?;
    }
    engine
        .add_extension(
            CONTEXT_FUNCTION.to_owned(),
            1,
            Box::new(|args: Vec<Value>| Ok(context_value(args.first()))),
        )
        .map_err(|e| Error::new("cannot prepare the Rego engine").cause(e))?;
    // `time.now_ns()` is the instant the document is judged at, so results are reproducible.
    engine
        .add_extension(
            "time.now_ns".to_owned(),
            0,
            Box::new(|_: Vec<Value>| Ok(Value::from(reference_ns()))),
        )
        .map_err(|e| Error::new("cannot prepare the Rego engine").cause(e))?;
    // The engine's own `regex.match` takes its compiled pattern from a global cache as a
    // copy, and a copied pattern builds its matching state anew on every call: most of a
    // typical rule's time. Each engine (one per thread) keeps its patterns instead.
    engine
        .add_extension("regex.match".to_owned(), 2, Box::new(regex_match()))
        .map_err(|e| Error::new("cannot prepare the Rego engine").cause(e))?;
    Ok(engine)
}

/// `regex.match(pattern, value)`, as the engine's builtin (same compiler, same size limit),
/// with the compiled patterns kept by the engine that calls it.
fn regex_match() -> impl FnMut(Vec<Value>) -> anyhow::Result<Value> + Clone + Send + Sync {
    let mut compiled: HashMap<String, regex::Regex> = HashMap::new();
    move |args: Vec<Value>| {
        let (Some(Value::String(pattern)), Some(Value::String(value))) =
            (args.first(), args.get(1))
        else {
            anyhow::bail!("`regex.match` expects string arguments");
        };
        if !compiled.contains_key(pattern.as_ref()) {
            let regex = regex::RegexBuilder::new(pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| match e {
                    regex::Error::CompiledTooBig(_) => anyhow::anyhow!(
                        "regex.match: the pattern compiles to more than {REGEX_SIZE_LIMIT} bytes"
                    ),
                    _ => anyhow::anyhow!("invalid regex"),
                })?;
            if compiled.len() >= REGEX_CACHE_SIZE {
                compiled.clear();
            }
            compiled.insert(pattern.to_string(), regex);
        }
        Ok(Value::Bool(
            compiled
                .get(pattern.as_ref())
                .is_some_and(|regex| regex.is_match(value)),
        ))
    }
}

/// Adds one `.rego` file to an engine: Rego v1 first; a file that only parses as v0
/// (`deny[msg] { … }`, as older conftest policies are written) is read as v0.
fn add_file(engine: &mut Engine, file: &SourceFile) -> Result<String> {
    if let Some((line, name)) = refused_builtin(&file.text) {
        return Err(Error::new(format!(
            "{}:{line}: `{name}` is not allowed in organisation rules",
            file.path
        ))
        .help(
            "rules must not reach outside the repository or depend on chance \
             (http.send, net.lookup_ip_addr, rand.*, uuid.*, opa.runtime): pass what a rule \
             needs through the documents or the policy",
        ));
    }
    engine.set_rego_v0(false);
    let v1 = engine.add_policy(file.path.clone(), file.text.clone());
    let v1_error = match v1 {
        Ok(package) => return Ok(package),
        Err(error) => error.to_string(),
    };
    engine.set_rego_v0(true);
    let v0 = engine.add_policy(file.path.clone(), file.text.clone());
    engine.set_rego_v0(false);
    let v0_error = match v0 {
        Ok(package) => return Ok(package),
        Err(error) => error.to_string(),
    };
    // Report the reading that got further: that is the one the author meant.
    let line = |text: &str| error_location(text).map_or(0, |(_, line)| line);
    let shown = if line(&v0_error) > line(&v1_error) && !v0_error.contains("rego.v1") {
        v0_error
    } else {
        v1_error
    };
    Err(located_error(
        &shown,
        &file.path,
        1,
        "the organisation rules do not parse",
    ))
}

/// `path:line` from a regorus error message (`--> policies/db.rego:12:5`).
fn error_location(message: &str) -> Option<(String, u32)> {
    let rest = &message[message.find("--> ")? + 4..];
    let location = rest.lines().next()?.trim();
    let mut parts = location.rsplitn(3, ':');
    let _column = parts.next()?;
    let line = parts.next()?.parse().ok()?;
    let path = parts.next()?.to_owned();
    Some((path, line))
}

/// A tool error headed by the `.rego` location the engine named (else the fallback), with
/// the engine's own excerpt as the cause.
fn located_error(message: &str, fallback_path: &str, fallback_line: u32, what: &str) -> Error {
    let (path, line) =
        error_location(message).unwrap_or_else(|| (fallback_path.to_owned(), fallback_line));
    let headline = message
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("error:"))
        .map(|l| {
            l.trim_start()
                .trim_start_matches("error:")
                .trim()
                .to_owned()
        })
        .unwrap_or_else(|| message.lines().next().unwrap_or_default().trim().to_owned());
    Error::new(format!("{path}:{line}: {what}: {headline}")).cause(message.trim())
}

/// The first refused builtin the text calls, with its line, ignoring comments and strings.
fn refused_builtin(text: &str) -> Option<(usize, &'static str)> {
    for (index, line) in code_lines(text).iter().enumerate() {
        for name in REFUSED_BUILTINS {
            let mut from = 0;
            while let Some(found) = line[from..].find(name) {
                let at = from + found;
                let before = line[..at].chars().next_back();
                let starts_word =
                    before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'));
                if starts_word {
                    return Some((index + 1, name.trim_end_matches('.')));
                }
                from = at + name.len();
            }
        }
    }
    None
}

/// The text's lines with comments and string contents blanked out, so that a rule that
/// mentions `http.send` in a message is not refused.
fn code_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut in_string = false;
    let mut in_raw = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\n' {
            lines.push(std::mem::take(&mut current));
            if in_string {
                in_string = false;
            }
            continue;
        }
        if in_raw {
            current.push(if c == '`' { '`' } else { ' ' });
            in_raw = c != '`';
            continue;
        }
        if in_string {
            match c {
                '\\' => {
                    current.push(' ');
                    if chars.next().is_some() {
                        current.push(' ');
                    }
                }
                '"' => {
                    current.push('"');
                    in_string = false;
                }
                _ => current.push(' '),
            }
            continue;
        }
        match c {
            '#' => {
                // The rest of the line is a comment.
                for rest in chars.by_ref() {
                    if rest == '\n' {
                        break;
                    }
                }
                lines.push(std::mem::take(&mut current));
            }
            '"' => {
                in_string = true;
                current.push('"');
            }
            '`' => {
                in_raw = true;
                current.push('`');
            }
            _ => current.push(c),
        }
    }
    lines.push(current);
    lines
}

/// `deny_migrationWithoutDba` → (`migration-without-dba`, error); `None` for other rules.
fn result_rule(name: &str) -> Option<(String, Level)> {
    for (prefix, level) in [
        ("deny", Level::Error),
        ("violation", Level::Error),
        ("warn", Level::Warning),
    ] {
        if name == prefix {
            return Some((prefix.to_owned(), level));
        }
        if let Some(rest) = name.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) {
            if !rest.is_empty() {
                return Some((kebab(rest), level));
            }
        }
    }
    None
}

/// `migrationWithout_dba` → `migration-without-dba`.
pub fn kebab(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            previous_lower = false;
        } else if c.is_uppercase() {
            if previous_lower && !out.ends_with('-') {
                out.push('-');
            }
            out.extend(c.to_lowercase());
            previous_lower = false;
        } else {
            out.push(c);
            previous_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The name a rule head defines: `deny` for `deny[msg]`, `deny contains msg` and `deny := …`.
fn head_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Var { value, .. } => value.as_string().ok().map(|s| s.to_string()),
        Expr::RefDot { refr, .. } | Expr::RefBrack { refr, .. } => head_name(refr),
        _ => None,
    }
}

/// Words that may stand before `(` without being a call.
const KEYWORDS: [&str; 14] = [
    "not",
    "some",
    "every",
    "in",
    "if",
    "else",
    "with",
    "as",
    "contains",
    "default",
    "import",
    "package",
    "print",
    "__launchcheck_context",
];

/// The first call of a function that is neither a builtin nor defined by the loaded
/// modules, with its file and line: regorus only notices one when a rule reaches it, and a
/// rule that would fail on some documents must not load at all.
fn unknown_call(engine: &mut Engine, sources: &[SourceFile]) -> Option<(String, usize, String)> {
    let modules = engine.get_modules().clone();
    let mut defined: Vec<String> = Vec::new();
    let mut aliases: Vec<String> = vec![
        "data".into(),
        "input".into(),
        "future".into(),
        "rego".into(),
    ];
    for module in modules.iter() {
        for import in &module.imports {
            let alias = match &import.r#as {
                Some(alias) => alias.text().to_owned(),
                None => import
                    .refr
                    .span()
                    .text()
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            };
            aliases.push(alias);
        }
        for rule in &module.policy {
            if let Rule::Spec {
                head: RuleHead::Func { refr, .. },
                ..
            } = rule.as_ref()
            {
                defined.push(refr.span().text().to_owned());
            }
        }
    }
    let builtins = &*regorus::unstable::BUILTINS;
    for file in sources {
        for (index, line) in code_lines(&file.text).iter().enumerate() {
            let bytes = line.as_bytes();
            for (at, _) in line.match_indices('(') {
                // The dotted name just before the parenthesis.
                let mut start = at;
                while start > 0 {
                    let c = bytes[start - 1];
                    if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' {
                        start -= 1;
                    } else {
                        break;
                    }
                }
                let name = &line[start..at];
                if name.is_empty()
                    || name.starts_with('.')
                    || name.as_bytes()[0].is_ascii_digit()
                    || KEYWORDS.contains(&name)
                    || builtins.contains_key(name)
                    || defined
                        .iter()
                        .any(|d| d == name || d.ends_with(&format!(".{name}")))
                {
                    continue;
                }
                let first = name.split('.').next().unwrap_or_default();
                if aliases.iter().any(|a| a == first) || defined.iter().any(|d| d == first) {
                    continue;
                }
                return Some((file.path.clone(), index + 1, name.to_owned()));
            }
        }
    }
    None
}

/// Loads the organisation rules; `None` when there are none.
pub fn load(sources: Vec<SourceFile>) -> Result<Option<OrgRules>> {
    if sources.is_empty() {
        return Ok(None);
    }
    let mut engine = engine()?;
    let mut packages = Vec::new();
    for file in &sources {
        packages.push(add_file(&mut engine, file)?);
    }
    if let Some((path, line, name)) = unknown_call(&mut engine, &sources) {
        return Err(Error::new(format!(
            "{path}:{line}: `{name}` is neither a builtin nor a function the rules define"
        ))
        .help("check the name against the Rego builtins (https://www.openpolicyagent.org/docs/policy-reference)"));
    }
    let mut declared: Vec<Declared> = Vec::new();
    let modules = engine.get_modules().clone();
    // The context modules come first.
    for (module, (file, package)) in modules
        .iter()
        .skip(CONTEXT_MODULES.len())
        .zip(sources.iter().zip(&packages))
    {
        let segment = package.rsplit('.').next().unwrap_or(package);
        for rule in &module.policy {
            let (refr, line) = match rule.as_ref() {
                Rule::Spec { head, span, .. } => match head {
                    RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => (refr, span.line),
                    RuleHead::Func { .. } => continue,
                },
                Rule::Default { refr, span, .. } => (refr, span.line),
            };
            let Some(rule_name) = head_name(refr) else {
                continue;
            };
            let Some((short, kind_level)) = result_rule(&rule_name) else {
                continue;
            };
            let query = format!("{package}.{rule_name}");
            if declared.iter().any(|d| d.query == query) {
                continue;
            }
            declared.push(Declared {
                name: format!("{}/{short}", kebab(segment)),
                query,
                kind_level,
                path: file.path.clone(),
                line,
            });
        }
    }
    for (i, rule) in declared.iter().enumerate() {
        if let Some(other) = declared[..i].iter().find(|d| d.name == rule.name) {
            return Err(Error::new(format!(
                "{}:{}: two organisation rules are named `{}`",
                rule.path, rule.line, rule.name
            ))
            .cause(format!(
                "`{}` ({}:{}) and `{}` ({}:{})",
                other.query, other.path, other.line, rule.query, rule.path, rule.line
            ))
            .help("rename one rule or move it to a package whose last segment differs"));
        }
        if rules::RULES.iter().any(|r| r.name == rule.name) {
            return Err(Error::new(format!(
                "{}:{}: the organisation rule `{}` has a built-in rule's name",
                rule.path, rule.line, rule.name
            )));
        }
    }
    // Analyse the modules once here: every worker thread then clones a prepared engine
    // instead of preparing its own.
    engine
        .eval_query("data.launchcheck.timezone".to_owned(), false)
        .map_err(|e| {
            located_error(
                &format!("{e:#}"),
                "policies",
                1,
                "the organisation rules cannot be prepared",
            )
        })?;
    let needs = needs(&sources);
    let input_keys = input_keys(&sources);
    let mut files = Files::default();
    for source in sources {
        files.add(source);
    }
    Ok(Some(OrgRules {
        files,
        engine,
        shared: declared.clone().into(),
        declared,
        needs,
        input_keys,
        parse_repository: OnceLock::new(),
        run_id: RUN_IDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
    }))
}

/// Which parts of `data.launchcheck` the rules mention: building the whole repository as Rego
/// values costs time and memory, and most rules only read their own document. A rule that
/// reaches `data` or `data.launchcheck` as a whole gets everything.
fn needs(sources: &[SourceFile]) -> Needs {
    let code: Vec<String> = sources
        .iter()
        .map(|s| code_lines(&s.text).join("\n"))
        .collect();
    let whole = code.iter().any(|text| {
        text.match_indices("data").any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + 4..].chars().next();
            before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'))
                && after.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == '.'))
        }) || text.contains("launchcheck[")
            || text.contains("launchcheck ")
            || text.ends_with("launchcheck")
            || text.contains("launchcheck\n")
    });
    let mentions = |word: &str| whole || code.iter().any(|text| text.contains(word));
    Needs {
        launches: mentions("launches"),
        plans: mentions("plans"),
        incidents: mentions("incidents"),
        people: mentions("people"),
        policy: mentions("policy"),
    }
}

/// The top-level keys of `input` the rules name, when every use of `input` names one
/// (`input.risk`, `input["x-ticket"]`): a document judged while it is parsed then needs
/// only those keys as a Rego value, and no rule can tell the difference. `None` when a
/// rule uses `input` otherwise (`walk(input, …)`, `input[k]`, `import input`).
fn input_keys(sources: &[SourceFile]) -> Option<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    for source in sources {
        let originals: Vec<&str> = source.text.split('\n').collect();
        for (index, code) in code_lines(&source.text).iter().enumerate() {
            let code: Vec<char> = code.chars().collect();
            let original: Vec<char> = originals
                .get(index)
                .map(|l| l.chars().collect())
                .unwrap_or_default();
            let word = |c: char| c.is_alphanumeric() || c == '_';
            let mut at = 0;
            while at + 5 <= code.len() {
                let starts = code[at..at + 5].iter().copied().eq("input".chars())
                    && (at == 0 || !(word(code[at - 1]) || code[at - 1] == '.'))
                    && code.get(at + 5).is_none_or(|&c| !word(c));
                if !starts {
                    at += 1;
                    continue;
                }
                let rest = &code[at + 5..];
                let key: String = match rest.first() {
                    Some('.') => rest[1..].iter().take_while(|&&c| word(c)).collect(),
                    Some('[') if rest.get(1) == Some(&'"') => {
                        let from = at + 7;
                        let length = code[from..].iter().take_while(|&&c| c != '"').count();
                        let literal: String = original.iter().skip(from).take(length).collect();
                        if literal.contains('\\') || code.get(from + length + 1) != Some(&']') {
                            return None;
                        }
                        literal
                    }
                    _ => return None,
                };
                if key.is_empty() {
                    return None;
                }
                if !keys.contains(&key) {
                    keys.push(key);
                }
                at += 5;
            }
        }
    }
    Some(keys)
}

/// What the host function answers for the document being judged on this thread. The
/// values few rules read (`file`, `reference`) are built when a rule asks for them.
#[derive(Clone)]
struct Context {
    repository: Arc<RepositoryData>,
    /// The document's path relative to the root.
    path: String,
    reference: jiff::Timestamp,
    policy: Value,
}

/// `data.launchcheck` parts shared by every document of a run.
struct RepositoryData {
    now: Value,
    timezone: Value,
    launches: Value,
    plans: Value,
    incidents: Value,
    people: Value,
}

impl RepositoryData {
    /// Only the clock: for rules that read no other document.
    fn clock_only(clock: &crate::time::Clock) -> Self {
        RepositoryData {
            now: Value::from(clock.now.to_string()),
            timezone: Value::from(timezone_name(&clock.tz)),
            launches: Value::new_object(),
            plans: Value::new_object(),
            incidents: Value::new_object(),
            people: Value::new_object(),
        }
    }
}

/// Which organisation rule runs on this thread, and on which document, for the memory
/// budget's message: formatting it for every evaluation would cost more than many rules.
struct Running {
    rules: Option<Arc<[Declared]>>,
    path: String,
    index: usize,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
    static RUNNING: RefCell<Running> = const {
        RefCell::new(Running {
            rules: None,
            path: String::new(),
            index: 0,
        })
    };
}

/// "`policies/db.rego:12: `db/x` on `launches/a.toml`": the rule running on this thread.
fn describe_running() -> String {
    RUNNING
        .try_with(|running| {
            let running = running.try_borrow().ok()?;
            let rule = running.rules.as_ref()?.get(running.index)?;
            Some(format!(
                "{}:{}: `{}` on `{}`",
                rule.path, rule.line, rule.name, running.path
            ))
        })
        .ok()
        .flatten()
        .unwrap_or_else(|| "an organisation rule".to_owned())
}

fn context_value(key: Option<&Value>) -> Value {
    let key = key.and_then(|k| k.as_string().ok()).map(|k| k.to_string());
    CONTEXT.with(|context| {
        let context = context.borrow();
        let empty = Value::new_object;
        let Some(context) = context.as_ref() else {
            // Outside a check (`policy test`): empty, unless a test supplies it with `with`.
            return match key.as_deref() {
                Some("now" | "reference") => Value::from(jiff::Timestamp::now().to_string()),
                Some("timezone") => Value::from("UTC"),
                Some("file") => {
                    let mut file = Value::new_object();
                    if let Ok(map) = file.as_object_mut() {
                        map.insert(Value::from("name"), Value::from(""));
                        map.insert(Value::from("dir"), Value::from(""));
                    }
                    file
                }
                _ => empty(),
            };
        };
        match key.as_deref() {
            Some("file") => file_value(&context.path),
            Some("now") => context.repository.now.clone(),
            Some("timezone") => context.repository.timezone.clone(),
            Some("reference") => Value::from(context.reference.to_string()),
            Some("policy") => context.policy.clone(),
            Some("launches") => context.repository.launches.clone(),
            Some("plans") => context.repository.plans.clone(),
            Some("incidents") => context.repository.incidents.clone(),
            Some("people") => context.repository.people.clone(),
            Some("archive") => {
                let mut archive = Value::new_object();
                if let Ok(map) = archive.as_object_mut() {
                    for kind in ["launches", "plans", "incidents"] {
                        map.insert(Value::from(kind), Value::new_object());
                    }
                }
                archive
            }
            _ => empty(),
        }
    })
}

fn reference_ns() -> i64 {
    CONTEXT.with(|context| {
        context
            .borrow()
            .as_ref()
            .map(|c| i64::try_from(c.reference.as_nanosecond()).unwrap_or(i64::MAX))
            .unwrap_or_else(|| {
                i64::try_from(jiff::Timestamp::now().as_nanosecond()).unwrap_or(i64::MAX)
            })
    })
}

/// A JSON value as a Rego value (as the engine's own JSON reading builds it).
pub fn to_rego(json: &serde_json::Value) -> Value {
    KEYS.with(|keys| match keys.try_borrow_mut() {
        Ok(mut keys) => rego_value(json, &mut keys),
        Err(_) => rego_value(json, &mut KeyCache::default()),
    })
}

/// [`to_rego`] of an object's `keys` only (see [`input_keys`]).
fn to_rego_only(json: &serde_json::Value, keys: &[String]) -> Value {
    let serde_json::Value::Object(map) = json else {
        return to_rego(json);
    };
    let mut object = std::collections::BTreeMap::new();
    for key in keys {
        if let Some(value) = map.get(key) {
            object.insert(Value::from(key.as_str()), to_rego(value));
        }
    }
    Value::from(object)
}

/// Object keys as Rego strings. Hashed with foldhash: the keys are the documents' own, and
/// hashing them with the standard hasher cost more than building the values.
type KeyCache = foldhash::HashMap<Box<str>, Value>;

/// The most distinct object keys a thread keeps for [`to_rego`]: the documents share a
/// small vocabulary, and a hostile one must not grow the table without end.
const KEY_CACHE_SIZE: usize = 4096;

thread_local! {
    /// Object keys already built as Rego strings: every document repeats `id`, `kind`,
    /// `window`…, and sharing one string is cheaper than allocating and freeing a copy.
    static KEYS: RefCell<KeyCache> = RefCell::new(KeyCache::default());
}

fn rego_value(json: &serde_json::Value, keys: &mut KeyCache) -> Value {
    use serde_json::Value as Json;
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => {
            if let Some(u) = n.as_u64() {
                Value::from(u)
            } else if let Some(i) = n.as_i64() {
                Value::from(i)
            } else {
                n.as_f64().map_or(Value::Undefined, Value::from)
            }
        }
        Json::String(text) => Value::from(text.as_str()),
        Json::Array(items) => Value::from(
            items
                .iter()
                .map(|item| rego_value(item, keys))
                .collect::<Vec<_>>(),
        ),
        Json::Object(map) => {
            let mut object = std::collections::BTreeMap::new();
            for (key, value) in map {
                object.insert(key_value(key, keys), rego_value(value, keys));
            }
            Value::from(object)
        }
    }
}

/// [`to_rego`] of a document's spanned TOML tree: the same value as of its JSON form, built
/// without that copy.
pub fn tree_to_rego(table: &DeTable<'_>) -> Value {
    KEYS.with(|keys| match keys.try_borrow_mut() {
        Ok(mut keys) => rego_table(table, &mut keys),
        Err(_) => rego_table(table, &mut KeyCache::default()),
    })
}

/// [`tree_to_rego`] of a table's `keys` only (see [`input_keys`]).
fn tree_to_rego_only(table: &DeTable<'_>, only: &[String]) -> Value {
    let pick = |keys: &mut KeyCache| {
        let mut object = std::collections::BTreeMap::new();
        for key in only {
            if let Some(value) = table.get(key.as_str()) {
                object.insert(key_value(key, keys), rego_tree_value(value.get_ref(), keys));
            }
        }
        Value::from(object)
    };
    KEYS.with(|cache| match cache.try_borrow_mut() {
        Ok(mut cache) => pick(&mut cache),
        Err(_) => pick(&mut KeyCache::default()),
    })
}

fn rego_table(table: &DeTable<'_>, keys: &mut KeyCache) -> Value {
    let mut object = std::collections::BTreeMap::new();
    for (key, value) in table.iter() {
        object.insert(
            key_value(key.get_ref(), keys),
            rego_tree_value(value.get_ref(), keys),
        );
    }
    Value::from(object)
}

/// An object key as a Rego string, shared from the cache when it is there.
fn key_value(key: &str, keys: &mut KeyCache) -> Value {
    if let Some(known) = keys.get(key) {
        return known.clone();
    }
    let fresh = Value::from(key);
    if keys.len() < KEY_CACHE_SIZE {
        keys.insert(key.into(), fresh.clone());
    }
    fresh
}

/// One value, as [`rego_value`] reads its JSON form (`crate::document::value_to_json`).
fn rego_tree_value(value: &DeValue<'_>, keys: &mut KeyCache) -> Value {
    match value {
        DeValue::String(text) => Value::from(text.as_ref()),
        DeValue::Integer(integer) => match crate::document::integer_value(integer) {
            Some(n) if n >= 0 => Value::from(n.unsigned_abs()),
            Some(n) => Value::from(n),
            None => Value::Null,
        },
        DeValue::Float(float) => {
            let text = float.as_str().replace('_', "");
            match text.parse::<f64>() {
                Ok(number) if number.is_finite() => Value::from(number),
                _ => Value::from(text.as_str()),
            }
        }
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(dt) => Value::from(crate::document::datetime_to_string(dt).as_str()),
        DeValue::Array(items) => Value::from(
            items
                .iter()
                .map(|item| rego_tree_value(item.get_ref(), keys))
                .collect::<Vec<_>>(),
        ),
        DeValue::Table(table) => rego_table(table, keys),
    }
}

impl OrgRules {
    /// Binds the rules to the policy's `[custom."name"]` tables and registers them, so that
    /// they can be listed, selected, ignored and waived. A table that names no rule, a code
    /// taken twice or a code starting with `LC` is a configuration error.
    pub fn bind(&self, policy: &serde_json::Value) -> Result<Vec<Bound>> {
        let custom = policy.get("custom").and_then(|c| c.as_object());
        if let Some(custom) = custom {
            for name in custom.keys().filter(|k| !k.starts_with("x-")) {
                if !self.declared.iter().any(|d| &d.name == name) {
                    let names = self.declared.iter().map(|d| d.name.as_str());
                    let mut error = Error::new(format!(
                        "the policy's `[custom.\"{name}\"]` names no organisation rule"
                    ));
                    error = match crate::suggest::closest(name, names) {
                        Some(s) => error.help(format!("did you mean `{s}`?")),
                        None => error.help("`launchcheck rule --all` lists the rules"),
                    };
                    return Err(error);
                }
            }
        }
        rules::clear_custom();
        let mut bound = Vec::new();
        let mut codes: HashMap<String, String> = HashMap::new();
        for declared in &self.declared {
            let settings = custom.and_then(|c| c.get(&declared.name));
            let text = |key: &str| settings.and_then(|s| s.get(key)).and_then(|v| v.as_str());
            let code = text("code").unwrap_or(&declared.name).to_owned();
            if code.to_ascii_uppercase().starts_with("LC") {
                return Err(Error::new(format!(
                    "the organisation rule `{}` has the code `{code}`: codes starting with LC are the built-in rules'",
                    declared.name
                ))
                .help("use your own prefix, such as ORG001"));
            }
            if let Some(other) = codes.insert(code.to_ascii_lowercase(), declared.name.clone()) {
                return Err(Error::new(format!(
                    "the organisation rules `{other}` and `{}` share the code `{code}`",
                    declared.name
                ))
                .help("give each rule its own code in `[custom.\"name\"]`"));
            }
            let (level, explicit) = match text("level") {
                Some("off") => (None, true),
                Some("warning") => (Some(Level::Warning), true),
                Some("error") => (Some(Level::Error), true),
                _ => (Some(declared.kind_level), false),
            };
            let waivable = settings
                .and_then(|s| s.get("waivable"))
                .and_then(|v| v.as_bool())
                .unwrap_or(true);
            let summary = text("summary").map(str::to_owned).unwrap_or_else(|| {
                format!(
                    "Organisation rule `{}` (no summary in the policy).",
                    declared.query.trim_start_matches("data.")
                )
            });
            let doc = format!(
                "{summary}\n\n\
                 An organisation rule, written in Rego: `{query}` in `{path}` (line {line}). \
                 {kind} Its level, code, summary and waivability come from the policy's \
                 `[custom.\"{name}\"]` table{level_note}.",
                query = declared.query,
                path = declared.path,
                line = declared.line,
                kind = if declared.kind_level == Level::Error {
                    "Its results are errors unless the policy says otherwise."
                } else {
                    "Its results are warnings unless the policy says otherwise."
                },
                name = declared.name,
                level_note = if level.is_none() {
                    "; the policy turns it off"
                } else {
                    ""
                },
            );
            let rule = rules::register_custom(
                &code,
                &declared.name,
                level.unwrap_or(declared.kind_level),
                &doc,
                CustomSettings { waivable },
            );
            bound.push(Bound {
                rule,
                declared: declared.clone(),
                level,
                explicit,
            });
        }
        Ok(bound)
    }

    /// A regorus value for each document the rules will judge, built while the document's
    /// JSON form exists (it is released afterwards).
    pub fn input(json: &serde_json::Value) -> Value {
        to_rego(json)
    }

    /// A document's input, from its JSON form when it has one, else from its tree.
    pub fn input_of(doc: &Document<'_>) -> Value {
        if doc.has_json() {
            to_rego(doc.json())
        } else {
            tree_to_rego(doc.root().get_ref())
        }
    }

    /// Whether the rules read only their own document (no `data.launchcheck.launches`,
    /// `plans`, `incidents`, `people` or `policy`): then they are evaluated while the
    /// documents are parsed ([`OrgRules::judge_parsed`]), and no document is kept as a Rego
    /// value.
    pub fn judges_while_parsing(&self) -> bool {
        let n = self.needs;
        !(n.launches || n.plans || n.incidents || n.people || n.policy)
    }

    /// Evaluates every declared rule on one document while it is parsed (see
    /// [`OrgRules::judges_while_parsing`]); `None` when the rules do not judge it (rejected
    /// and cancelled requests, other kinds). The spans the results point at are found
    /// here, while the document's tree exists.
    pub fn judge_parsed(
        &self,
        doc: &Document<'_>,
        path: &str,
        clock: &crate::time::Clock,
    ) -> Option<Vec<Raw>> {
        let reference = reference_of_document(doc, clock.now)?;
        let repository = self
            .parse_repository
            .get_or_init(|| Arc::new(RepositoryData::clock_only(clock)))
            .clone();
        let input = match (&self.input_keys, doc.has_json()) {
            (Some(keys), true) => to_rego_only(doc.json(), keys),
            (Some(keys), false) => tree_to_rego_only(doc.root().get_ref(), keys),
            (None, _) => Self::input_of(doc),
        };
        let outcomes = self.with_engine(|engine| {
            run_rules(
                engine,
                &self.shared,
                input,
                Context {
                    repository,
                    path: path.to_owned(),
                    reference,
                    policy: Value::new_object(),
                },
                path,
            )
        });
        Some(
            outcomes
                .into_iter()
                .map(|outcome| {
                    let located = match &outcome {
                        Ok(value) => results::paths(value)
                            .into_iter()
                            .map(|p| (p.iter().map(Step::from).collect(), doc.point_at(&p)))
                            .collect(),
                        Err(_) => Vec::new(),
                    };
                    Raw { outcome, located }
                })
                .collect(),
        )
    }

    /// Runs `f` with this thread's copy of the prepared engine.
    fn with_engine<T>(&self, f: impl FnOnce(&mut Engine) -> T) -> T {
        ENGINES.with(|engines| {
            let mut engines = engines.borrow_mut();
            if !engines.iter().any(|(id, _)| *id == self.run_id) {
                engines.push((self.run_id, self.engine.clone()));
            }
            let engine = engines
                .iter_mut()
                .find(|(id, _)| *id == self.run_id)
                .map(|(_, engine)| engine);
            match engine {
                Some(engine) => f(engine),
                None => f(&mut self.engine.clone()),
            }
        })
    }

    /// Turns the rules' results on every judged launch request and response plan into
    /// findings (of the rules `wanted` runs; a failure stops the run when `selected` wants
    /// the rule). `parsed` holds what [`OrgRules::judge_parsed`] found per file id; without
    /// it (rules that read the repository) the rules run here, in parallel, on `inputs`.
    pub fn evaluate(
        &self,
        repo: &Repo<'_>,
        bound: &[Bound],
        wanted: &(dyn Fn(&rules::Rule) -> bool + Sync),
        selected: &(dyn Fn(&rules::Rule) -> bool + Sync),
        inputs: &[std::sync::OnceLock<Value>],
        parsed: &[std::sync::OnceLock<Vec<Raw>>],
    ) -> Result<Vec<Finding>> {
        let active: Vec<(usize, &Bound)> = bound
            .iter()
            .enumerate()
            .filter(|(_, b)| b.level.is_some() && wanted(b.rule))
            .collect();
        if active.is_empty() {
            return Ok(Vec::new());
        }
        let documents: HashMap<&str, &Document<'_>> = repo
            .launches
            .iter()
            .map(|l| l.doc)
            .chain(repo.plans.iter().map(|p| p.doc))
            .map(|doc| (repo.files.get(doc.file).path.as_str(), doc))
            .collect();
        let find_document = |path: &str| documents.get(path).copied();

        // One job per judged document: (document, reference instant, its policy).
        let mut jobs: Vec<(&Document<'_>, jiff::Timestamp, Value)> = Vec::new();
        let mut policies: HashMap<Vec<usize>, Value> = HashMap::new();
        let base_policy = if self.needs.policy {
            to_rego(&repo.policy.effective_document(&[]))
        } else {
            Value::new_object()
        };
        for entry in &repo.launches {
            if entry.model.status.is_closed() || !repo.in_scope(entry.doc.file) {
                continue;
            }
            let reference = match entry.model.status {
                Status::Launched | Status::RolledBack => entry.model.window.start,
                _ => repo.clock.now,
            };
            let policy = if self.needs.policy {
                let matched = repo.policy.matching_overrides(&entry.model);
                policies
                    .entry(matched)
                    .or_insert_with_key(|m| to_rego(&repo.policy.effective_document(m)))
                    .clone()
            } else {
                base_policy.clone()
            };
            jobs.push((entry.doc, reference, policy));
        }
        for plan in &repo.plans {
            if repo.in_scope(plan.doc.file) {
                jobs.push((plan.doc, repo.clock.now, base_policy.clone()));
            }
        }

        let evaluated: Vec<Option<Vec<Raw>>> = if self.judges_while_parsing() {
            Vec::new()
        } else {
            let repository = Arc::new(self.repository_data(repo, inputs));
            jobs.par_iter()
                .map(|(doc, reference, policy)| {
                    let path = &repo.files.get(doc.file).path;
                    let input = inputs.get(doc.file).and_then(|i| i.get())?.clone();
                    let context = Context {
                        repository: repository.clone(),
                        path: path.clone(),
                        reference: *reference,
                        policy: policy.clone(),
                    };
                    let outcomes = self.with_engine(|engine| {
                        run_rules(engine, &self.shared, input, context, path)
                    });
                    Some(
                        outcomes
                            .into_iter()
                            .map(|outcome| Raw {
                                outcome,
                                located: Vec::new(),
                            })
                            .collect(),
                    )
                })
                .collect()
        };

        let mut findings = Vec::new();
        for (job, (doc, _, _)) in jobs.iter().enumerate() {
            let raw = match evaluated.get(job) {
                Some(raw) => raw.as_ref(),
                None => parsed.get(doc.file).and_then(|p| p.get()),
            };
            let Some(raw) = raw else { continue };
            let path = &repo.files.get(doc.file).path;
            for &(index, bound) in &active {
                let Some(raw) = raw.get(index) else {
                    continue;
                };
                let value = match &raw.outcome {
                    Ok(value) => value,
                    // An ignored rule runs only so that waivers of it count as used; its
                    // failure does not stop the run.
                    Err(_) if !selected(bound.rule) => continue,
                    Err(error) => return Err(error.to_error()),
                };
                let point_at = |p: &[Seg<'_>]| raw.span_of(p).unwrap_or_else(|| doc.point_at(p));
                findings.extend(to_findings(
                    bound,
                    value,
                    doc,
                    path,
                    &point_at,
                    &find_document,
                )?);
            }
        }
        Ok(findings)
    }

    fn repository_data(
        &self,
        repo: &Repo<'_>,
        inputs: &[std::sync::OnceLock<Value>],
    ) -> RepositoryData {
        let by_id = |docs: &mut dyn Iterator<Item = (&str, usize)>| {
            let mut map = Value::new_object();
            if let Ok(object) = map.as_object_mut() {
                for (id, file) in docs {
                    if let Some(input) = inputs.get(file).and_then(|i| i.get()) {
                        object.insert(Value::from(id), input.clone());
                    }
                }
            }
            map
        };
        let launches = if self.needs.launches {
            by_id(
                &mut repo
                    .launches
                    .iter()
                    .map(|l| (l.model.id.as_str(), l.doc.file)),
            )
        } else {
            Value::new_object()
        };
        let plans = if self.needs.plans {
            by_id(&mut repo.plans.iter().map(|p| (p.model.id.as_str(), p.doc.file)))
        } else {
            Value::new_object()
        };
        // Incident records are not judged, so they have no input kept: their JSON form is
        // rebuilt from the text (they are few, next to launches).
        let incidents = if self.needs.incidents {
            let mut map = Value::new_object();
            if let Ok(object) = map.as_object_mut() {
                for incident in &repo.incidents {
                    let input = if incident.doc.has_json() {
                        to_rego(incident.doc.json())
                    } else {
                        let text = &repo.files.get(incident.doc.file).text;
                        let (root, _) = toml::de::DeTable::parse_recoverable(text);
                        to_rego(&crate::document::table_to_json(root.get_ref()))
                    };
                    object.insert(Value::from(incident.model.id.as_str()), input);
                }
            }
            map
        } else {
            Value::new_object()
        };
        let people = match (&repo.roster, self.needs.people) {
            (Some(roster), true) => roster
                .doc
                .json()
                .get("people")
                .map(to_rego)
                .unwrap_or_else(Value::new_object),
            _ => Value::new_object(),
        };
        let timezone = timezone_name(&repo.clock.tz);
        RepositoryData {
            now: Value::from(repo.clock.now.to_string()),
            timezone: Value::from(timezone),
            launches,
            plans,
            incidents,
            people,
        }
    }
}

/// Loads and registers the organisation rules of the repository `options` locate (work tree,
/// effective policy), so that `launchcheck rule` lists and explains them. Nothing happens
/// outside a launch repository (no configuration, no `--root`, no `policies/`).
pub fn register_from_repository(options: &crate::check::Options) -> Result<()> {
    rules::clear_custom();
    let located = crate::check::locate(options)?;
    // Outside a launch repository there is nothing to list (and nothing to walk).
    if options.root.is_none()
        && located.config_path.is_none()
        && !located.root.join("policies").is_dir()
    {
        return Ok(());
    }
    let config = crate::check::load_config(located.config_path.as_deref(), &located.root)?;
    let tree = crate::tree::WorkTree::new(&located.root)?;
    let matchers = Matchers::new(&config)?;
    let Some(org) = load(read(&tree, &matchers, config.files.max_file_bytes)?)? else {
        return Ok(());
    };
    let policy = crate::check::effective_policy(options)?;
    org.bind(&policy)?;
    Ok(())
}

/// `data.conftest.file`: the path relative to the root and its directory.
fn file_value(path: &str) -> Value {
    let dir = path.rsplit_once('/').map_or(".", |(dir, _)| dir);
    let mut file = Value::new_object();
    if let Ok(map) = file.as_object_mut() {
        map.insert(Value::from("name"), Value::from(path));
        map.insert(Value::from("dir"), Value::from(dir));
    }
    file
}

/// What one rule gave on one document: its value as JSON, or why it failed.
type Outcome = std::result::Result<serde_json::Value, RuleError>;

/// One rule's outcome on one document, with the spans of the keys its results point at
/// when they were found while the document's tree was at hand.
#[derive(Debug, Clone)]
pub struct Raw {
    outcome: Outcome,
    located: Vec<(Vec<Step>, Range<usize>)>,
}

impl Raw {
    fn span_of(&self, path: &[Seg<'_>]) -> Option<Range<usize>> {
        self.located
            .iter()
            .find(|(steps, _)| {
                steps.len() == path.len() && steps.iter().zip(path).all(|(a, b)| a.is(b))
            })
            .map(|(_, span)| span.clone())
    }
}

/// An owned [`Seg`].
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    fn is(&self, seg: &Seg<'_>) -> bool {
        match (self, seg) {
            (Step::Key(a), Seg::Key(b)) => a == b,
            (Step::Index(a), Seg::Index(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&Seg<'_>> for Step {
    fn from(seg: &Seg<'_>) -> Self {
        match seg {
            Seg::Key(key) => Step::Key((*key).to_owned()),
            Seg::Index(index) => Step::Index(*index),
        }
    }
}

/// A rule's failure on a document, kept until it is known whether the rule is wanted (an
/// ignored or disabled rule does not stop the run).
#[derive(Debug, Clone)]
pub struct RuleError {
    message: String,
    causes: Vec<String>,
    help: Option<String>,
}

impl RuleError {
    fn from_error(error: Error) -> Self {
        RuleError {
            message: error.message,
            causes: error.causes,
            help: error.help,
        }
    }

    fn to_error(&self) -> Error {
        let mut error = Error::new(self.message.clone());
        for cause in &self.causes {
            error = error.cause(cause);
        }
        if let Some(help) = &self.help {
            error = error.help(help.clone());
        }
        error
    }
}

thread_local! {
    /// Each worker thread's copy of the prepared engine, by run.
    static ENGINES: RefCell<Vec<(usize, Engine)>> = const { RefCell::new(Vec::new()) };
}

/// Tells runs apart in [`ENGINES`].
static RUN_IDS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The instant a document is judged at: a launched or rolled-back request's window start,
/// else now; `None` for documents the rules do not judge (rejected and cancelled requests,
/// kinds other than launch requests and plans).
pub fn reference_of(json: &serde_json::Value, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    let text = |path: &[&str]| {
        let mut value = json;
        for key in path {
            value = value.get(key)?;
        }
        value.as_str().map(std::borrow::Cow::Borrowed)
    };
    reference_by(text, now)
}

/// [`reference_of`] read from a document's tree (a datetime reads as its RFC 3339 text, as
/// in the JSON form).
fn reference_of_document(doc: &Document<'_>, now: jiff::Timestamp) -> Option<jiff::Timestamp> {
    if doc.has_json() {
        return reference_of(doc.json(), now);
    }
    let text = |path: &[&str]| {
        let mut table = doc.root().get_ref();
        let (last, parents) = path.split_last()?;
        for key in parents {
            match table.get(*key)?.get_ref() {
                DeValue::Table(inner) => table = inner,
                _ => return None,
            }
        }
        match table.get(*last)?.get_ref() {
            DeValue::String(s) => Some(std::borrow::Cow::Borrowed(s.as_ref())),
            DeValue::Datetime(dt) => Some(std::borrow::Cow::Owned(
                crate::document::datetime_to_string(dt),
            )),
            _ => None,
        }
    };
    reference_by(text, now)
}

fn reference_by<'t>(
    text: impl Fn(&[&str]) -> Option<std::borrow::Cow<'t, str>>,
    now: jiff::Timestamp,
) -> Option<jiff::Timestamp> {
    match text(&["kind"]).as_deref() {
        Some("response-plan") => Some(now),
        Some("launch-request") => match text(&["status"]).as_deref() {
            Some("rejected" | "cancelled") => None,
            Some("launched" | "rolled-back") => Some(
                text(&["window", "start"])
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(now),
            ),
            _ => Some(now),
        },
        _ => None,
    }
}

fn timezone_name(tz: &jiff::tz::TimeZone) -> String {
    match tz.iana_name() {
        Some(name) => name.to_owned(),
        None => tz
            .to_fixed_offset()
            .map_or_else(|_| "UTC".to_owned(), |offset| offset.to_string()),
    }
}

/// Runs the rules on one document (its input and context), within the time limit for the
/// document and the memory budget for each rule.
fn run_rules(
    engine: &mut Engine,
    rules: &Arc<[Declared]>,
    input: Value,
    context: Context,
    path: &str,
) -> Vec<Outcome> {
    CONTEXT.with(|c| *c.borrow_mut() = Some(context));
    RUNNING.with(|running| {
        let mut running = running.borrow_mut();
        if !running
            .rules
            .as_ref()
            .is_some_and(|known| Arc::ptr_eq(known, rules))
        {
            running.rules = Some(rules.clone());
        }
        running.path.clear();
        running.path.push_str(path);
    });
    engine.set_input(input);
    let started = Instant::now();
    let out = rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            RUNNING.with(|running| running.borrow_mut().index = index);
            run_rule(engine, rule, path, started).map_err(RuleError::from_error)
        })
        .collect();
    CONTEXT.with(|c| *c.borrow_mut() = None);
    out
}

fn set_time_limit(engine: &mut Engine, left: Duration) {
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: left,
        // Reading the clock at every step costs more than the rules themselves.
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    });
}

fn is_over_time(error: &anyhow::Error) -> bool {
    error.downcast_ref::<regorus::LimitError>().is_some()
        || error.to_string().contains("time limit")
}

fn json_of(value: &Value) -> serde_json::Value {
    match value {
        Value::Undefined => serde_json::Value::Null,
        value => serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
    }
}

fn over_time(rule: &Declared, path: &str) -> Error {
    Error::new(format!(
        "{}:{}: the organisation rule `{}` took longer than {} s on `{path}`",
        rule.path,
        rule.line,
        rule.name,
        TIME_LIMIT_PER_DOCUMENT.as_secs_f64()
    ))
    .help("a rule should look at one document and a few lookups; simplify the rule")
}

fn run_rule(
    engine: &mut Engine,
    rule: &Declared,
    path: &str,
    started: Instant,
) -> Result<serde_json::Value> {
    let left = TIME_LIMIT_PER_DOCUMENT.saturating_sub(started.elapsed());
    if left.is_zero() {
        return Err(over_time(rule, path));
    }
    set_time_limit(engine, left);
    let evaluated =
        budget::with_budget_described(describe_running, || engine.eval_rule(rule.query.clone()));
    match evaluated {
        Ok(value) => Ok(json_of(&value)),
        Err(error) => {
            if is_over_time(&error) {
                return Err(over_time(rule, path));
            }
            Err(located_error(
                &format!("{error:#}"),
                &rule.path,
                rule.line,
                &format!("the organisation rule `{}` failed on `{path}`", rule.name),
            ))
        }
    }
}

/// A rule's value on a document as findings, with the level from the policy (or the
/// result's own `level`, unless the policy sets one).
fn to_findings<'d>(
    bound: &Bound,
    value: &serde_json::Value,
    doc: &Document<'_>,
    path: &str,
    point_at: &dyn Fn(&[Seg<'_>]) -> Range<usize>,
    find_document: &dyn Fn(&str) -> Option<&'d Document<'d>>,
) -> Result<Vec<Finding>> {
    let produced = results::findings_at(bound.rule, value, doc.file, point_at, find_document).map_err(|e| {
        Error::new(format!(
            "{}:{}: the organisation rule `{}` returned a result launchcheck cannot report, on `{path}`",
            bound.declared.path, bound.declared.line, bound.rule.name
        ))
        .cause(e)
        .help("return a message string or an object with a string `msg` (and optionally `path`, `help`, `level`, `related`)")
    })?;
    let mut out = Vec::with_capacity(produced.len());
    for p in produced {
        let mut finding = p.finding;
        finding.level = match (bound.explicit, p.level, bound.level) {
            (false, Some(asked), _) => asked,
            (_, _, Some(level)) => level,
            (_, _, None) => continue,
        };
        out.push(finding);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tree and the JSON form give the same Rego input and the same reference instant,
    /// for every fixture and for values JSON writes differently (non-finite floats,
    /// datetimes of every kind, negative integers).
    #[test]
    fn input_from_the_tree_equals_input_from_json() {
        let now: jiff::Timestamp = "2026-12-01T00:00:00Z".parse().expect("instant");
        let mut texts = vec![
            "kind = \"launch-request\"\nstatus = \"launched\"\nn = -3\nf = nan\ng = -inf\nh = 1_0.5\n\
             [window]\nstart = 2027-01-01T09:00:00+08:00\n[x]\nd = 2027-01-01\nt = 07:32\nl = 2027-01-01T07:32:00.5\n"
                .to_owned(),
            "kind = \"launch-request\"\nstatus = \"rolled-back\"\nwindow = { start = \"2027-02-03T04:05:06Z\" }\n".to_owned(),
            "kind = \"launch-request\"\nstatus = \"cancelled\"\n".to_owned(),
            "kind = \"response-plan\"\n".to_owned(),
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.expect("walk");
            if entry.path().extension().is_some_and(|e| e == "toml") {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    texts.push(text);
                }
            }
        }
        let mut compared = 0;
        for text in &texts {
            let (root, errors) = DeTable::parse_recoverable(text);
            if !errors.is_empty() {
                continue;
            }
            let json = crate::document::table_to_json(root.get_ref());
            assert_eq!(tree_to_rego(root.get_ref()), to_rego(&json), "{text}");
            let keys = ["kind".to_owned(), "window".to_owned(), "x".to_owned()];
            assert_eq!(
                tree_to_rego_only(root.get_ref(), &keys),
                to_rego_only(&json, &keys),
                "{text}"
            );
            let doc = Document::new(0, text, root, None);
            assert_eq!(
                reference_of_document(&doc, now),
                reference_of(&json, now),
                "{text}"
            );
            compared += 1;
        }
        assert!(compared > 100, "only {compared} documents compared");
    }

    #[test]
    fn result_rules_are_named_conftest_style() {
        assert_eq!(
            result_rule("deny_migration_without_dba"),
            Some(("migration-without-dba".into(), Level::Error))
        );
        assert_eq!(result_rule("deny"), Some(("deny".into(), Level::Error)));
        assert_eq!(result_rule("violation_x"), Some(("x".into(), Level::Error)));
        assert_eq!(
            result_rule("warn_missingTicket"),
            Some(("missing-ticket".into(), Level::Warning))
        );
        assert_eq!(result_rule("denyAll"), None);
        assert_eq!(result_rule("allow"), None);
        assert_eq!(result_rule("deny_"), None);
    }

    #[test]
    fn refused_builtins_are_found_in_code_only() {
        let text = "package p\n# http.send in a comment\nx := \"http.send\"\ny := http.send({})\n";
        assert_eq!(refused_builtin(text), Some((4, "http.send")));
        assert_eq!(
            refused_builtin("package p\nx := rand.intn(\"a\", 3)\n"),
            Some((2, "rand"))
        );
        assert_eq!(refused_builtin("package p\nx := operand.y\n"), None);
    }

    #[test]
    fn the_input_keys_rules_name_are_found_or_all_are_kept() {
        let source = |text: &str| vec![SourceFile::new("p.rego", text.to_owned())];
        assert_eq!(
            input_keys(&source(
                "package p\n# input[k] in a comment\ndeny contains \"input\" if {\n\tinput.risk == \"high\"\n\tnot input[\"x-ticket\"]\n\tsome s in input.services\n\tmy_input.x\n}\n"
            )),
            Some(vec!["risk".into(), "x-ticket".into(), "services".into()])
        );
        for whole in [
            "package p\ndeny contains 1 if walk(input, [p, v])\n",
            "package p\ndeny contains k if input[k]\n",
            "package p\nimport input\n",
            "package p\ndeny contains 1 if object.get(input, \"a\", 0)\n",
            "package p\ndeny contains 1 if input[\"a\\\"b\"]\n",
        ] {
            assert_eq!(input_keys(&source(whole)), None, "{whole}");
        }
    }

    #[test]
    fn documents_become_the_values_the_engine_reads_from_json() {
        use serde::Deserialize;
        let json = serde_json::json!({
            "id": "LR-1", "n": [0, -3, 2.5, u64::MAX, i64::MIN], "ok": true, "none": null,
            "window": {"start": "2027-01-01T00:00:00Z", "nested": [{"id": "x"}, []]},
            "": {}, "键": "值"
        });
        let expected = Value::deserialize(&json).unwrap();
        assert_eq!(to_rego(&json), expected);
        // Twice: the second time the keys come from the thread's table.
        assert_eq!(to_rego(&json), expected);
        let only = to_rego_only(&json, &["id".into(), "window".into(), "absent".into()]);
        for key in ["id", "window"] {
            assert_eq!(only[&Value::from(key)], expected[&Value::from(key)]);
        }
        assert_eq!(only.as_object().unwrap().len(), 2);
    }

    #[test]
    fn locations_are_read_from_engine_errors() {
        let message = "\n--> policies/db.rego:5:1\n  |\n5 | }\n  | ^\nerror: expecting expression";
        assert_eq!(
            error_location(message),
            Some(("policies/db.rego".into(), 5))
        );
    }
}
