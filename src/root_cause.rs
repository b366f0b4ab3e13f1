//! One mistake, one finding. A misspelt key (`[rolback]`, `tested_om`, `descision`) makes
//! the key it stands for look missing, and every check that needs that key would say so.
//! The schema's "unknown key … did you mean" finding already names the cause; this step
//! drops the findings that only report its consequence: those that declare as missing
//! ([`Finding::missing`]) the key, or a key inside it, that an unknown key of the same
//! document stands for ([`Finding::stands_for`]). Rules never special-case it.

use std::collections::HashMap;

use crate::diagnostic::Finding;
use crate::source::FileId;

/// Drops the findings that are consequences of a misspelt key in the same document.
pub fn drop_consequences(findings: &mut Vec<Finding>) {
    let mut explained: HashMap<FileId, Vec<String>> = HashMap::new();
    for finding in findings.iter() {
        if let Some(path) = &finding.stands_for {
            explained
                .entry(finding.file)
                .or_default()
                .push(path.clone());
        }
    }
    if explained.is_empty() {
        return;
    }
    findings.retain(|finding| {
        let (Some(missing), Some(roots)) = (&finding.missing, explained.get(&finding.file)) else {
            return true;
        };
        !roots.iter().any(|root| within(missing, root))
    });
}

/// Whether the key path `path` is `root` or lies inside it (`rollback.backup` in
/// `rollback`, `approvals[0].decision` in `approvals[0]`).
fn within(path: &str, root: &str) -> bool {
    path.strip_prefix(root)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn paths_lie_within_their_own_tables_only() {
        assert!(within("rollback", "rollback"));
        assert!(within("rollback.tested_on", "rollback"));
        assert!(within("approvals[0].decision", "approvals[0].decision"));
        assert!(within("approvals[0].decision", "approvals"));
        assert!(!within("rollbacks", "rollback"));
        assert!(!within("approvals[1].decision", "approvals[0].decision"));
        assert!(!within("approvals[10].decision", "approvals[1]"));
    }
}
