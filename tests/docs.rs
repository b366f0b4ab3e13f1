//! The user documentation in `docs/`: the rule reference is generated from the rule
//! registry and must match the files in the repository (`LAUNCHCHECK_BLESS=1 cargo test
//! --test docs` rewrites them), and no page sends users to files outside the repository.

use std::collections::BTreeSet;
use std::fs;
mod common;
use common::{launchcheck, project, TempRepo};

#[test]
fn the_rule_reference_is_up_to_date() {
    let bless = std::env::var_os("LAUNCHCHECK_BLESS").is_some_and(|v| v == "1");
    let expected = launchcheck::docs::generated_files();
    let mut stale = Vec::new();
    for (path, text) in &expected {
        let file = project(path);
        if fs::read_to_string(&file).ok().as_deref() == Some(text.as_str()) {
            continue;
        }
        if bless {
            fs::create_dir_all(file.parent().expect("a parent")).expect("mkdir");
            fs::write(&file, text).expect("write");
        } else {
            stale.push(path.clone());
        }
    }
    // A page left behind by a renamed or removed rule is stale too.
    let wanted: BTreeSet<&str> = expected.iter().map(|(p, _)| p.as_str()).collect();
    let dir = project(launchcheck::docs::RULES_DIR);
    for entry in fs::read_dir(&dir).expect("docs/rules exists") {
        let name = entry.expect("entry").file_name();
        let path = format!(
            "{}/{}",
            launchcheck::docs::RULES_DIR,
            name.to_string_lossy()
        );
        if !wanted.contains(path.as_str()) {
            if bless {
                fs::remove_file(project(&path)).expect("remove");
            } else {
                stale.push(path);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run `LAUNCHCHECK_BLESS=1 cargo test --test docs` to regenerate"
    );
}

#[test]
fn every_rule_page_is_linked_from_the_index_and_the_guide_exists() {
    let index = fs::read_to_string(project("docs/rules/README.md")).expect("index");
    for rule in launchcheck::rules::RULES {
        let page = launchcheck::docs::page_file(rule);
        assert!(index.contains(&format!("]({page})")), "{page}");
        assert!(project("docs/rules").join(&page).is_file(), "{page}");
    }
    let guide = fs::read_to_string(project("docs/guide.md")).expect("docs/guide.md");
    assert!(
        guide.contains("rules/README.md"),
        "the guide links the rule index"
    );
}

#[test]
fn user_documentation_never_points_outside_the_repository() {
    let mut pages: Vec<_> = [
        "README.md",
        "BENCHMARKS.md",
        "CHANGELOG.md",
        "CONTRIBUTING.md",
        "FUZZING.md",
    ]
    .into_iter()
    .map(project)
    // The published crate ships the README and the changelog only.
    .filter(|page| page.is_file())
    .collect();
    for entry in walkdir::WalkDir::new(project("docs")) {
        let entry = entry.expect("walk");
        if entry.path().extension().is_some_and(|e| e == "md") {
            pages.push(entry.into_path());
        }
    }
    for page in pages {
        let text = fs::read_to_string(&page).expect("read");
        // The specification the developers work from lives outside the repository; user
        // documentation must not send readers there (spelled in parts so that this check does
        // not itself name it).
        let spec = concat!("DESIGN", ".md");
        for word in [spec, "shared/", "§"] {
            assert!(!text.contains(word), "{} mentions {word}", page.display());
        }
    }
}

#[test]
fn rule_explanations_end_with_the_link_to_their_page() {
    let output = launchcheck()
        .args(["rule", "drill-recency"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let url = launchcheck::docs::page_url(&launchcheck::rules::DRILL_RECENCY);
    assert!(url.starts_with("https://github.com/launchcheck/launchcheck/blob/v"));
    assert!(
        text.trim_end().ends_with(&url),
        "the explanation ends with {url}:\n{text}"
    );
}

/// The TOML blocks of the README that are whole documents (they declare `kind`).
fn readme_documents() -> Vec<String> {
    let readme = fs::read_to_string(project("README.md")).expect("README");
    readme
        .split("```toml\n")
        .skip(1)
        .filter_map(|block| block.split_once("\n```").map(|(toml, _)| toml.to_owned()))
        .filter(|toml| toml.lines().any(|l| l.starts_with("kind = ")))
        .collect()
}

#[test]
fn the_readme_examples_are_documents_that_pass_their_schemas() {
    let documents = readme_documents();
    let kinds: Vec<&str> = documents
        .iter()
        .filter_map(|d| d.lines().find_map(|l| l.strip_prefix("kind = ")))
        .collect();
    assert!(kinds.contains(&"\"response-plan\""), "{kinds:?}");
    assert!(kinds.contains(&"\"roster\""), "{kinds:?}");
    assert!(kinds.contains(&"\"launch-request\""), "{kinds:?}");

    // In a repository as `init` lays it out, at the places their `#:schema` lines assume.
    let dir = TempRepo::plain();
    let root = dir.path();
    fs::write(root.join("launchcheck.toml"), "").expect("write");
    for (i, document) in documents.iter().enumerate() {
        let path = if document.contains("kind = \"roster\"") {
            root.join("people.toml")
        } else if document.contains("kind = \"response-plan\"") {
            root.join(format!("plans/plan{i}.toml"))
        } else if document.contains("kind = \"policy\"") {
            root.join(format!("policies/p{i}.toml"))
        } else {
            root.join(format!("launches/launch{i}.toml"))
        };
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, document).expect("write");
    }
    let output = launchcheck()
        .args(["check", "--format", "concise", "--select", "LC0,LC3"])
        .args(["--now", common::NOW])
        .current_dir(root)
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
