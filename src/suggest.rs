//! "Did you mean" suggestions for misspelt keys, kinds, rules and people.

/// The candidate closest to `word`, when it is close enough to be a plausible typo.
pub fn closest<'c>(word: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let mut best: Option<(f64, &'c str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&word.to_lowercase(), &candidate.to_lowercase());
        if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_close_words_only() {
        let keys = ["rollback", "rollout", "risk"];
        assert_eq!(closest("rolback", keys), Some("rollback"));
        assert_eq!(closest("zzz", keys), None);
    }
}
