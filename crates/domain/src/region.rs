//! 行政区划代码 (administrative-division codes), GB/T 2260. domain.md §6.2.
//!
//! Six digits in three levels: 1–2 province, 3–4 prefecture, 5–6 county level. Parks are not
//! derived from these codes: development zones have their own ids (see the `parks` table).

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localize};

/// Province-level prefixes in use (GB/T 2260; 71 Taiwan, 81 Hong Kong, 82 Macao).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// A well-formed six-digit admin-division code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(u32);

/// The level a code names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province,
    Prefecture,
    County,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("an admin-division code has 6 digits, got '{0}'")]
    Format(String),
    #[error("'{0}' does not start with a known province code")]
    Province(String),
}

impl RegionCode {
    /// Parses six ASCII digits whose first two name a province. A code such as `436000` that
    /// is well formed but not (yet) in the ministry's list is accepted: the list changes every
    /// year and is kept as data, not in code.
    pub fn parse(input: &str) -> Result<RegionCode, RegionCodeError> {
        let text = input.trim();
        if text.len() != 6 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionCodeError::Format(text.to_owned()));
        }
        let value: u32 = text.parse().map_err(|_| RegionCodeError::Format(text.to_owned()))?;
        let province = (value / 10_000) as u8;
        if !PROVINCES.contains(&province) {
            return Err(RegionCodeError::Province(text.to_owned()));
        }
        Ok(RegionCode(value))
    }

    pub fn level(self) -> RegionLevel {
        if self.0.is_multiple_of(10_000) {
            RegionLevel::Province
        } else if self.0.is_multiple_of(100) {
            RegionLevel::Prefecture
        } else {
            RegionLevel::County
        }
    }

    /// The code of the level above: county → prefecture → province.
    pub fn parent(self) -> Option<RegionCode> {
        match self.level() {
            RegionLevel::Province => None,
            RegionLevel::Prefecture => Some(RegionCode(self.0 / 10_000 * 10_000)),
            RegionLevel::County => Some(RegionCode(self.0 / 100 * 100)),
        }
    }

    /// True when `self` lies inside `ancestor` (or is it).
    pub fn is_within(self, ancestor: RegionCode) -> bool {
        match ancestor.level() {
            RegionLevel::Province => self.0 / 10_000 == ancestor.0 / 10_000,
            RegionLevel::Prefecture => self.0 / 100 == ancestor.0 / 100,
            RegionLevel::County => self == ancestor,
        }
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Localize for RegionCodeError {
    fn code(&self) -> &'static str {
        match self {
            RegionCodeError::Format(_) => "region_code.format",
            RegionCodeError::Province(_) => "region_code.province",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RegionCodeError::Format(t), Lang::ZhCn) => format!("行政区划代码应为6位数字，实际为“{t}”"),
            (RegionCodeError::Format(t), Lang::En) => {
                format!("An admin-division code has 6 digits, got '{t}'")
            }
            (RegionCodeError::Province(t), Lang::ZhCn) => format!("行政区划代码“{t}”的省级代码不存在"),
            (RegionCodeError::Province(t), Lang::En) => {
                format!("'{t}' does not start with a known province code")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> RegionCode {
        RegionCode::parse(text).expect(text)
    }

    #[test]
    fn levels_and_parents_follow_the_three_two_digit_groups() {
        assert_eq!(code("430000").level(), RegionLevel::Province);
        assert_eq!(code("431100").level(), RegionLevel::Prefecture);
        assert_eq!(code("431102").level(), RegionLevel::County);
        assert_eq!(code("431102").parent(), Some(code("431100")));
        assert_eq!(code("431100").parent(), Some(code("430000")));
        assert_eq!(code("430000").parent(), None);
        assert!(code("431122").is_within(code("431100")));
        assert!(!code("431222").is_within(code("431100")));
        assert_eq!(code("110101").to_string(), "110101");
    }

    #[test]
    fn malformed_codes_are_rejected() {
        assert!(matches!(RegionCode::parse("43110"), Err(RegionCodeError::Format(_))));
        assert!(matches!(RegionCode::parse("43110A"), Err(RegionCodeError::Format(_))));
        assert!(matches!(RegionCode::parse("001100"), Err(RegionCodeError::Province(_))));
        assert!(matches!(RegionCode::parse("991100"), Err(RegionCodeError::Province(_))));
    }
}
