//! `--select` and `--ignore`: which rules a run reports.

use crate::error::{Error, Result};
use crate::rules::{self, Rule};

use super::Options;

/// The selection filter from `--select` and `--ignore`.
pub fn selection(options: &Options) -> Result<impl Fn(&Rule) -> bool + Sync + '_> {
    check_selectors(options)?;
    Ok(selection_unchecked(options))
}

/// Fails when a `--select`/`--ignore` entry names no rule (organisation rules included, once
/// they are registered).
pub(super) fn check_selectors(options: &Options) -> Result<()> {
    for selector in options.select.iter().chain(&options.ignore) {
        if !rules::selector_is_known(selector) {
            let mut error = Error::new(format!("`{selector}` names no rule"));
            if let Some(s) = rules::suggest(selector) {
                error = error.help(format!("did you mean `{s}`?"));
            } else {
                error = error.help("`launchcheck rule --all` lists the rules");
            }
            return Err(error);
        }
    }
    Ok(())
}

/// The selection filter, before the selectors are known to name rules.
pub(super) fn selection_unchecked(options: &Options) -> impl Fn(&Rule) -> bool + Sync + '_ {
    move |rule: &Rule| {
        (options.select.is_empty()
            || options
                .select
                .iter()
                .any(|s| rules::matches_selector(rule, s)))
            && !options
                .ignore
                .iter()
                .any(|s| rules::matches_selector(rule, s))
    }
}
