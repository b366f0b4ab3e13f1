//! What a rule is, apart from how it runs: its code, name, default level, group and
//! documentation. Findings and emitters know rules only through this; the registry in
//! [`crate::rules`] pairs each built-in rule with its check.

/// How much a finding counts for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// A draft's finding: shown everywhere, never failing the run.
    Note,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "note",
        }
    }
}

/// The rule groups, by code prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Files,
    Launch,
    Plan,
    People,
    Incidents,
    Git,
    Waivers,
    /// The organisation's own rules, written in Rego (`policies/*.rego`).
    Organisation,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Files => "Files and structure",
            Group::Launch => "Launch requests",
            Group::Plan => "Response plans",
            Group::People => "People",
            Group::Incidents => "Incidents",
            Group::Git => "Git history",
            Group::Waivers => "Waivers",
            Group::Organisation => "Organisation rules",
        }
    }
}

/// A rule's identity and documentation.
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub default_level: Level,
    pub group: Group,
    /// The rule's source file; its `//!` lines are the documentation.
    source: &'static str,
    /// Set for an organisation rule: what the policy says about it.
    custom: Option<CustomSettings>,
}

/// What a policy file's `[custom."name"]` table and the Rego file say about an organisation
/// rule beyond its code, name and level.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CustomSettings {
    pub waivable: bool,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.code, self.name)
    }
}

impl Rule {
    /// A built-in rule; `source` is its file, whose `//!` comment documents it.
    pub(crate) const fn builtin(
        code: &'static str,
        name: &'static str,
        default_level: Level,
        group: Group,
        source: &'static str,
    ) -> Rule {
        Rule {
            code,
            name,
            default_level,
            group,
            source,
            custom: None,
        }
    }

    /// An organisation rule; `doc` is its explanation, Markdown, first line the summary.
    pub(crate) fn organisation(
        code: &'static str,
        name: &'static str,
        default_level: Level,
        doc: &str,
        settings: CustomSettings,
    ) -> Rule {
        let source: String = doc.lines().map(|line| format!("//! {line}\n")).collect();
        Rule {
            code,
            name,
            default_level,
            group: Group::Organisation,
            source: Box::leak(source.into_boxed_str()),
            custom: Some(settings),
        }
    }

    /// Whether this organisation rule says the same as one defined from these parts.
    pub(crate) fn is_organisation_rule(
        &self,
        code: &str,
        name: &str,
        default_level: Level,
        doc: &str,
        settings: &CustomSettings,
    ) -> bool {
        let source: String = doc.lines().map(|line| format!("//! {line}\n")).collect();
        self.code == code
            && self.name == name
            && self.default_level == default_level
            && self.source == source
            && self.custom.as_ref() == Some(settings)
    }

    /// The rule's documentation (Markdown), from its file's `//!` comment.
    pub fn doc(&self) -> String {
        let mut out = String::new();
        for line in self.source.lines() {
            let Some(rest) = line.strip_prefix("//!") else {
                if out.is_empty() && line.trim().is_empty() {
                    continue;
                }
                break;
            };
            out.push_str(rest.strip_prefix(' ').unwrap_or(rest));
            out.push('\n');
        }
        out.trim_end().to_owned()
    }

    /// The first paragraph of the documentation, on one line: what the rule checks, in one
    /// sentence (which may wrap over several lines in the source).
    pub fn summary(&self) -> String {
        self.doc()
            .lines()
            .take_while(|line| !line.trim().is_empty())
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// LC0xx rules are always on and cannot be configured or waived; neither can LC5xx,
    /// which judge the waivers themselves.
    pub fn is_configurable(&self) -> bool {
        self.group != Group::Files
    }

    pub fn is_waivable(&self) -> bool {
        match &self.custom {
            Some(custom) => custom.waivable,
            None => !matches!(self.group, Group::Files | Group::Waivers),
        }
    }
}
