//! The rule reference in `docs/rules/`: one Markdown page per rule and an index page, all
//! generated from the rule registry and each rule's doc comment, and the address of each
//! page in the project's repository at the released version's tag (SARIF `helpUri`, the link
//! `launchcheck rule NAME` ends with). A test regenerates the pages and fails when the
//! files in the repository differ.

use crate::rules::{Rule, RULES};

/// Where the rule pages live, relative to the project's repository root.
pub const RULES_DIR: &str = "docs/rules";

/// The project's repository (`repository` in Cargo.toml).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The file name of a rule's page, e.g. `LC202-drill-recency.md`.
pub fn page_file(rule: &Rule) -> String {
    format!("{}-{}.md", rule.code, rule.name)
}

/// The rule's page at the tag of this version, e.g.
/// `https://github.com/launchcheck/launchcheck/blob/v0.2.0/docs/rules/LC202-drill-recency.md`.
/// Pointing at the tag keeps the text in step with the binary that links to it.
pub fn page_url(rule: &Rule) -> String {
    format!(
        "{REPOSITORY}/blob/v{}/{RULES_DIR}/{}",
        env!("CARGO_PKG_VERSION"),
        page_file(rule)
    )
}

fn yes_no(value: bool) -> &'static str {
    if value {
        "yes"
    } else {
        "no"
    }
}

const GENERATED_NOTE: &str = "<!-- Generated from the rule's doc comment in src/rules/ by \
`LAUNCHCHECK_BLESS=1 cargo test --test docs`; edit the comment, not this file. -->";

/// A rule's page: its code and name, the facts a policy author needs (group, default level,
/// whether it can be configured and waived), then its documentation.
pub fn rule_page(rule: &Rule) -> String {
    let configuration = if rule.is_configurable() {
        format!("yes, under `[rules.{}]` in a policy file", rule.name)
    } else {
        "no (always on)".to_owned()
    };
    format!(
        "{GENERATED_NOTE}\n\n\
         # {code} `{name}`\n\n\
         | | |\n\
         |---|---|\n\
         | Code | `{code}` |\n\
         | Name | `{name}` |\n\
         | Group | {group} |\n\
         | Default level | {level} |\n\
         | Configurable | {configuration} |\n\
         | Waivable | {waivable} |\n\n\
         {doc}\n\n\
         ---\n\n\
         [All rules](README.md) · [User guide](../guide.md) · `launchcheck rule {name}` prints this page\n",
        code = rule.code,
        name = rule.name,
        group = rule.group.title(),
        level = rule.default_level.as_str(),
        waivable = yes_no(rule.is_waivable()),
        doc = rule.doc(),
    )
}

/// The index of every rule: one table row each, linking to its page.
pub fn index_page() -> String {
    let mut out = format!(
        "{GENERATED_NOTE}\n\n\
         # Rules\n\n\
         Every rule has a stable code and a kebab-case name; either names it wherever rules \
         are named (`--select`, `--ignore`, waivers, policy files), and a code prefix such as \
         `LC1` names a group. `launchcheck rule NAME` prints a rule's page in the terminal.\n\n\
         | Code | Name | Group | Default level | Waivable | What it checks |\n\
         |---|---|---|---|---|---|\n"
    );
    for rule in RULES {
        out.push_str(&format!(
            "| {code} | [`{name}`]({file}) | {group} | {level} | {waivable} | {summary} |\n",
            code = rule.code,
            name = rule.name,
            file = page_file(rule),
            group = rule.group.title(),
            level = rule.default_level.as_str(),
            waivable = yes_no(rule.is_waivable()),
            summary = rule.summary().replace('|', "\\|"),
        ));
    }
    out.push_str("\nSee the [user guide](../guide.md) for how policies configure the rules.\n");
    out
}

/// Every generated file as (path relative to the project root, contents).
pub fn generated_files() -> Vec<(String, String)> {
    let mut files = vec![(format!("{RULES_DIR}/README.md"), index_page())];
    files.extend(
        RULES
            .iter()
            .map(|rule| (format!("{RULES_DIR}/{}", page_file(rule)), rule_page(rule))),
    );
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_urls_point_at_the_version_tag_in_the_repository() {
        let rule = &crate::rules::DRILL_RECENCY;
        assert_eq!(page_file(rule), "LC202-drill-recency.md");
        assert_eq!(
            page_url(rule),
            format!(
                "https://github.com/launchcheck/launchcheck/blob/v{}/docs/rules/LC202-drill-recency.md",
                env!("CARGO_PKG_VERSION")
            )
        );
    }

    #[test]
    fn every_rule_has_a_page_that_carries_its_documentation() {
        let files = generated_files();
        assert_eq!(files.len(), RULES.len() + 1);
        for rule in RULES {
            let page = rule_page(rule);
            assert!(page.contains(&format!("# {} `{}`", rule.code, rule.name)));
            assert!(page.contains(&rule.doc()));
            assert!(index_page().contains(&format!("]({})", page_file(rule))));
        }
    }
}
