//! A rule's parameters are stated in four places: the embedded default policy
//! (`policies/default.toml`), the policy schema (`launchcheck schema policy`), the typed
//! parameters the rules read (`policy::Params`) and the rule's documentation (`launchcheck
//! rule NAME`, `docs/rules/`). These tests hold the four to one another, rule by rule.

use std::collections::BTreeSet;

use launchcheck::policy::Params;
use launchcheck::rules::{Rule, RULES};
use serde_json::{Map, Value};

/// The keys of a rule table that are settings of every rule, not parameters.
const SETTINGS: [&str; 2] = ["level", "waivable"];

fn default_policy() -> Value {
    launchcheck::check::default_policy_json().expect("the default policy parses")
}

fn schema() -> Value {
    serde_json::from_str(launchcheck::schema::text(
        launchcheck::document::Kind::Policy,
    ))
    .expect("the policy schema is JSON")
}

/// Follows a local `$ref` (`#/$defs/name`).
fn resolve<'s>(schema: &'s Value, node: &'s Value) -> &'s Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference.strip_prefix('#').expect("a local $ref");
            schema.pointer(pointer).expect("the $ref resolves")
        }
        None => node,
    }
}

/// The schema of `[rules.NAME]`, if the schema lets the rule be configured.
fn rule_schema<'s>(schema: &'s Value, name: &str) -> Option<&'s Value> {
    let rules = resolve(schema, &schema["properties"]["rules"]);
    rules["properties"]
        .get(name)
        .map(|entry| resolve(schema, entry))
}

fn configurable() -> impl Iterator<Item = &'static Rule> {
    RULES.iter().copied().filter(|info| info.is_configurable())
}

/// A rule's parameters in the default policy: its table without `level` and `waivable`.
fn parameters(default: &Value, name: &str) -> Map<String, Value> {
    let table = default["rules"][name]
        .as_object()
        .unwrap_or_else(|| panic!("[rules.{name}] is missing from the default policy"));
    table
        .iter()
        .filter(|(key, _)| !SETTINGS.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// A value as the documentation writes it: TOML, inline (`["a", "b"]`, `{ sev1 = 5 }`).
fn toml_text(value: &Value) -> String {
    match value {
        Value::String(text) => toml::Value::String(text.clone()).to_string(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(toml_text).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) if map.is_empty() => "{}".to_owned(),
        Value::Object(map) => {
            let entries: Vec<String> = map
                .iter()
                .map(|(key, value)| format!("{key} = {}", toml_text(value)))
                .collect();
            format!("{{ {} }}", entries.join(", "))
        }
        other => other.to_string(),
    }
}

/// The `## Parameters` section of a rule's documentation, its whitespace collapsed (a default
/// may wrap over lines).
fn parameters_section(info: &Rule) -> String {
    let doc = info.doc();
    let section = doc
        .split_once("## Parameters")
        .map(|(_, rest)| rest.split("\n## ").next().unwrap_or_default())
        .unwrap_or_else(|| panic!("{}: no `## Parameters` section", info.code));
    section.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the section states `` `name` `` with this default: `(default VALUE)` or
/// ``(default `VALUE`)``; an empty list or table may be written `(default empty)`.
fn documents(section: &str, name: &str, value: &Value) -> bool {
    let text = toml_text(value);
    let mut forms = vec![
        format!("`{name}` (default {text})"),
        format!("`{name}` (default `{text}`)"),
    ];
    let empty = match value {
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    };
    if empty {
        forms.push(format!("`{name}` (default empty)"));
    }
    forms.iter().any(|form| section.contains(form))
}

/// The parameter names a Parameters section gives a default for (`required.low` included).
fn documented_names(section: &str) -> Vec<String> {
    section
        .match_indices("` (default")
        .filter_map(|(end, _)| {
            let start = section[..end].rfind('`')? + 1;
            Some(section[start..end].to_owned())
        })
        .collect()
}

#[test]
fn every_configurable_rule_has_a_table_in_the_default_policy_and_the_schema() {
    let default = default_policy();
    let schema = schema();
    let in_default: BTreeSet<&str> = default["rules"]
        .as_object()
        .expect("[rules]")
        .keys()
        .map(String::as_str)
        .collect();
    let in_schema: BTreeSet<&str> = resolve(&schema, &schema["properties"]["rules"])["properties"]
        .as_object()
        .expect("rules.properties")
        .keys()
        .map(String::as_str)
        .collect();
    let registry: BTreeSet<&str> = configurable().map(|info| info.name).collect();
    assert_eq!(in_default, registry, "default policy vs the rule registry");
    assert_eq!(in_schema, registry, "policy schema vs the rule registry");
    for info in configurable() {
        let table = &default["rules"][info.name];
        assert_eq!(
            table["level"].as_str(),
            Some(info.default_level.as_str()),
            "{}: the default policy's level is not the rule's default level",
            info.code
        );
        assert_eq!(
            table["waivable"].as_bool(),
            Some(info.is_waivable()),
            "{}: the default policy's `waivable`",
            info.code
        );
        let description = resolve(&schema, &schema["properties"]["rules"])["properties"][info.name]
            ["description"]
            .as_str()
            .unwrap_or_default();
        assert!(
            description.starts_with(&format!("{}: ", info.code)),
            "{}: the schema describes rules.{} as {description:?}",
            info.code,
            info.name
        );
    }
}

#[test]
fn the_default_policy_passes_the_policy_schema() {
    let mut files = launchcheck::source::Files::default();
    let id = files.add(launchcheck::source::SourceFile::new(
        "policies/default.toml",
        launchcheck::policy::DEFAULT_POLICY,
    ));
    let kind = launchcheck::document::Kind::Policy;
    let parsed = launchcheck::load::parse(
        id,
        files.get(id),
        Some(kind),
        &jiff::tz::TimeZone::UTC,
        true,
    );
    let problems: Vec<&str> = parsed.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(parsed.clean);
}

#[test]
fn schema_and_default_policy_name_the_same_parameters_with_the_same_defaults() {
    let default = default_policy();
    let schema = schema();
    for info in configurable() {
        let code = info.code;
        let rule_schema = rule_schema(&schema, info.name).expect("checked above");
        let properties = rule_schema["properties"]
            .as_object()
            .unwrap_or_else(|| panic!("{code}: the schema lists no properties"));
        let allowed: BTreeSet<&str> = properties
            .keys()
            .map(String::as_str)
            .filter(|key| !SETTINGS.contains(key))
            .collect();
        let params = parameters(&default, info.name);
        let stated: BTreeSet<&str> = params.keys().map(String::as_str).collect();
        assert_eq!(
            stated, allowed,
            "{code}: parameters in the default policy (left) vs in the schema (right)"
        );
        for (name, value) in &params {
            let property = resolve(&schema, &properties[name]);
            if let Some(schema_default) = property.get("default") {
                assert_eq!(schema_default, value, "{code}: `{name}`'s default");
            }
            // A table of values per risk or severity: each key it sets is one the schema
            // knows (the schema may allow more: a level left out has no value).
            if let (Value::Object(entries), Some(Value::Object(keys))) =
                (value, property.get("properties"))
            {
                for (key, entry) in entries {
                    let sub = keys.get(key).map(|s| resolve(&schema, s));
                    assert!(sub.is_some(), "{code}: `{name}.{key}` is not in the schema");
                    if let Some(schema_default) = sub.and_then(|s| s.get("default")) {
                        assert_eq!(schema_default, entry, "{code}: `{name}.{key}`'s default");
                    }
                }
            }
        }
    }
}

/// The rules' parameters as `policy::Params` reads them; `Err` when it cannot.
fn read_params(rules: &Value) -> Result<Params, String> {
    serde_json::from_value::<Params>(rules.clone()).map_err(|e| e.to_string())
}

/// A value of a type no parameter has at that place: a string for a table, else a table.
fn wrong_type(value: &Value) -> Value {
    if value.is_object() {
        Value::String("not a parameter value".to_owned())
    } else {
        serde_json::json!({ "not": "a parameter value" })
    }
}

#[test]
fn the_typed_parameters_read_every_parameter_of_the_default_policy() {
    let default = default_policy();
    let rules = &default["rules"];
    read_params(rules).expect("the default policy's parameters deserialize");
    // `Params` ignores keys it does not know (a policy may carry `x-` keys): a parameter it
    // reads is one whose value, given the wrong type, makes deserializing fail.
    for info in configurable() {
        for (name, value) in parameters(&default, info.name) {
            let mut paths = vec![vec![name.clone()]];
            if let Value::Object(entries) = &value {
                paths.extend(entries.keys().map(|key| vec![name.clone(), key.clone()]));
            }
            for path in paths {
                let mut broken = rules.clone();
                let mut slot = &mut broken[info.name];
                for key in &path {
                    slot = &mut slot[key.as_str()];
                }
                *slot = wrong_type(slot);
                assert!(
                    read_params(&broken).is_err(),
                    "{}: `{}` is in the default policy, but policy::Params does not read it",
                    info.code,
                    path.join(".")
                );
            }
        }
    }
    // And the check can fail: a key no rule has is ignored.
    let mut extra = rules.clone();
    extra["plan-link"]["x-note"] = wrong_type(&Value::Null);
    assert!(read_params(&extra).is_ok());
}

#[test]
fn every_rule_documents_its_parameters_with_their_defaults() {
    let default = default_policy();
    let mut problems = Vec::new();
    for info in configurable() {
        let code = info.code;
        let section = parameters_section(info);
        let params = parameters(&default, info.name);
        for (name, value) in &params {
            // A table per risk or severity is written whole, or key by key.
            let key_by_key = value.as_object().is_some_and(|entries| {
                !entries.is_empty()
                    && entries
                        .iter()
                        .all(|(key, entry)| documents(&section, &format!("{name}.{key}"), entry))
            });
            if !documents(&section, name, value) && !key_by_key {
                problems.push(format!(
                    "{code}: `{name}` (default `{}`) is not documented with that default",
                    toml_text(value)
                ));
            }
        }
        for documented in documented_names(&section) {
            let mut path = documented.split('.');
            let top = path.next().unwrap_or_default();
            let known = params
                .get(top)
                .is_some_and(|value| path.all(|key| value.get(key).is_some()));
            if !known {
                problems.push(format!(
                    "{code}: the documentation gives `{documented}` a default, but the default policy has no such parameter"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_documentation_check_can_fail() {
    let value = serde_json::json!(["sev1", "sev2"]);
    let section = "- `levels` (default `[\"sev1\"]`): the severities.";
    assert!(!documents(section, "levels", &value));
    assert!(documents(
        "- `levels` (default `[\"sev1\", \"sev2\"]`): the severities.",
        "levels",
        &value
    ));
    assert_eq!(documented_names(section), ["levels"]);
    assert_eq!(
        toml_text(&serde_json::json!({ "sev1": 5, "sev2": 10 })),
        "{ sev1 = 5, sev2 = 10 }"
    );
}
