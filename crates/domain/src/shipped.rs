//! The rule sets Xinzhi ships (the MIIT ladder criteria, a county's 亩均 indicators, an example
//! commendation list) are data, not code: JSON files under `crates/domain/rules/`, in the very
//! form in which analysts version and store their own rule sets. They are compiled into the
//! binary and read when first asked for; the tests of each rule set read them and check their
//! figures against the published documents (`docs/domain.md`).

use serde::de::DeserializeOwned;

/// A shipped rule file that does not read as its rule set (a broken build, never user input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the shipped rule file {file} does not read: {reason}")]
pub struct ShippedRulesError {
    pub file: &'static str,
    pub reason: String,
}

/// Reads a shipped rule file compiled into the binary.
pub(crate) fn read<T: DeserializeOwned>(file: &'static str, text: &str) -> Result<T, ShippedRulesError> {
    serde_json::from_str(text).map_err(|e| ShippedRulesError { file, reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use crate::{commendation, criteria, mu};

    /// Every shipped file reads as its rule set, passes that set's own checks, and is written
    /// the way the store writes rule sets (pretty JSON), so that a reader's edit stays a diff.
    #[test]
    fn every_shipped_rule_file_reads_and_checks() {
        let ladder = criteria::miit_2022().expect("ladder");
        assert_eq!(ladder.check(), Ok(()));
        assert_eq!((ladder.version.as_str(), ladder.tiers.len()), ("MIIT-2022", 4));
        let mu = mu::huangyan_2022().expect("mu");
        assert_eq!(mu.check(), Ok(()));
        let commendation = commendation::star_enterprises_example().expect("commendation");
        assert_eq!(commendation.check(), Ok(()));
        for (text, again) in [
            (include_str!("../rules/ladder_miit_2022.json"), serde_json::to_string_pretty(&ladder)),
            (include_str!("../rules/mu_huangyan_2022.json"), serde_json::to_string_pretty(&mu)),
            (
                include_str!("../rules/commendation_star_enterprises_example.json"),
                serde_json::to_string_pretty(&commendation),
            ),
        ] {
            assert_eq!(text.trim_end(), again.expect("json"));
        }
    }

    #[test]
    fn a_broken_file_is_named_in_the_error() {
        let error = super::read::<criteria::LadderRules>("x.json", "{").expect_err("broken");
        assert_eq!(error.file, "x.json");
        assert!(error.to_string().contains("x.json"));
    }
}
