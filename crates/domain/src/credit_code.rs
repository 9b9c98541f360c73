//! 统一社会信用代码 (Unified Social Credit Identifier, USCI), GB 32100-2015. domain.md §6.1.
//!
//! Structure of the 18 characters:
//!
//! | Pos   | Meaning                                                                 |
//! |-------|-------------------------------------------------------------------------|
//! | 1     | registration authority (登记管理部门代码), e.g. `9` market regulation     |
//! | 2     | organisation category (机构类别代码), e.g. `1` enterprise                  |
//! | 3–8   | admin-division code of the registering authority (GB/T 2260)            |
//! | 9–17  | organisation code (GB 11714: 8 characters and its own check character)  |
//! | 18    | check character over positions 1–17                                     |
//!
//! Length, character set and the check character are errors; the admin-division part and the
//! embedded organisation-code check are only warnings, because retired codes and odd historic
//! organisation codes appear on real, valid records.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localize};
use crate::region::RegionCode;
use crate::text::normalize_code;

/// The 31 characters of the USCI alphabet in value order: digits, then upper-case letters
/// without I, O, Z, S and V.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights W_i = 3^(i−1) mod 31 for positions 1..=17.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Weights of the GB 11714 organisation-code check over its first 8 characters.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A valid, normalised (upper-case, half-width, no spaces) unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

/// Why a text is not a unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("the credit code is empty")]
    Empty,
    #[error("the credit code has {actual} characters; it must have 18")]
    Length { actual: usize },
    #[error("character '{character}' at position {position} is not allowed in a credit code")]
    InvalidCharacter { position: usize, character: char },
    #[error("check character is '{actual}', expected '{expected}'")]
    CheckCharacter { expected: char, actual: char },
}

/// Findings that do not make a code invalid but deserve a second look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditCodeWarning {
    /// Positions 3–8 are not a well-formed GB/T 2260 admin-division code.
    RegionPart { part: String },
    /// The GB 11714 check character of the embedded organisation code does not match.
    OrganizationCheck { expected: char, actual: char },
}

fn value_of(c: char) -> Option<u32> {
    ALPHABET.iter().position(|&a| a as char == c).map(|v| v as u32)
}

/// The USCI check character for the first 17 characters, each already known to be in the
/// alphabet: `C18 = (31 − Σ value·W mod 31) mod 31`.
fn check_character(first17: &[u32; 17]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    let value = (31 - sum % 31) % 31;
    ALPHABET[value as usize] as char
}

/// GB 11714 organisation-code check character: `C9 = 11 − Σ v·w mod 11`, 10 → `X`, 11 → `0`.
/// Character values here use the full Latin alphabet (A = 10 … Z = 35).
fn organization_check_character(first8: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first8.chars().zip(ORG_WEIGHTS) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

impl CreditCode {
    /// Normalises (trim, full-width → half-width, upper-case) and validates a credit code.
    pub fn parse(input: &str) -> Result<CreditCode, CreditCodeError> {
        let code = normalize_code(input);
        if code.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let length = code.chars().count();
        if length != 18 {
            return Err(CreditCodeError::Length { actual: length });
        }
        let mut values = [0u32; 17];
        let mut last = ' ';
        for (index, character) in code.chars().enumerate() {
            let value =
                value_of(character).ok_or(CreditCodeError::InvalidCharacter { position: index + 1, character })?;
            match values.get_mut(index) {
                Some(slot) => *slot = value,
                None => last = character,
            }
        }
        let expected = check_character(&values);
        if expected != last {
            return Err(CreditCodeError::CheckCharacter { expected, actual: last });
        }
        Ok(CreditCode(code))
    }

    /// Completes 17 characters with their check character, for generators and tests.
    /// Returns `None` when a character is outside the USCI alphabet or the length is wrong.
    pub fn from_prefix(prefix: &str) -> Option<CreditCode> {
        let mut values = [0u32; 17];
        if prefix.chars().count() != 17 {
            return None;
        }
        for (slot, c) in values.iter_mut().zip(prefix.chars()) {
            *slot = value_of(c)?;
        }
        let mut code = prefix.to_owned();
        code.push(check_character(&values));
        Some(CreditCode(code))
    }

    /// The organisation code check character for 8 characters, for generators that need codes
    /// whose embedded organisation code is consistent too.
    pub fn organization_check(first8: &str) -> Option<char> {
        organization_check_character(first8)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 3–8: the admin-division code of the registering authority.
    pub fn region_part(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the embedded organisation code.
    pub fn organization_code(&self) -> &str {
        &self.0[8..17]
    }

    /// True for firms registered by market regulation (`91…`), the usual industrial enterprise.
    pub fn is_enterprise(&self) -> bool {
        self.0.starts_with("91")
    }

    /// The non-fatal findings on this code (domain.md §6.1, validation levels 3 and 4).
    pub fn warnings(&self) -> Vec<CreditCodeWarning> {
        let mut warnings = Vec::new();
        if RegionCode::parse(self.region_part()).is_err() {
            warnings.push(CreditCodeWarning::RegionPart { part: self.region_part().to_owned() });
        }
        let org = self.organization_code();
        let actual = org.chars().last().unwrap_or(' ');
        if let Some(expected) = organization_check_character(&org[..8])
            && expected != actual
        {
            warnings.push(CreditCodeWarning::OrganizationCheck { expected, actual });
        }
        warnings
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl TryFrom<&str> for CreditCode {
    type Error = CreditCodeError;
    fn try_from(value: &str) -> Result<Self, Self::Error> {
        CreditCode::parse(value)
    }
}

impl Localize for CreditCodeError {
    fn code(&self) -> &'static str {
        match self {
            CreditCodeError::Empty => "credit_code.empty",
            CreditCodeError::Length { .. } => "credit_code.length",
            CreditCodeError::InvalidCharacter { .. } => "credit_code.character",
            CreditCodeError::CheckCharacter { .. } => "credit_code.check_character",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CreditCodeError::Empty, Lang::ZhCn) => "统一社会信用代码不能为空".into(),
            (CreditCodeError::Length { actual }, Lang::ZhCn) => {
                format!("统一社会信用代码应为18位，实际为{actual}位")
            }
            (CreditCodeError::InvalidCharacter { position, character }, Lang::ZhCn) => format!(
                "统一社会信用代码第{position}位的字符“{character}”不合法（只允许数字和除I、O、Z、S、V以外的大写字母）"
            ),
            (CreditCodeError::CheckCharacter { expected, actual }, Lang::ZhCn) => {
                format!("统一社会信用代码校验位错误：应为“{expected}”，实际为“{actual}”")
            }
            (CreditCodeError::Empty, Lang::En) => "The unified social credit code is empty".into(),
            (CreditCodeError::Length { actual }, Lang::En) => {
                format!("The unified social credit code must have 18 characters; it has {actual}")
            }
            (CreditCodeError::InvalidCharacter { position, character }, Lang::En) => format!(
                "Character '{character}' at position {position} is not allowed in a unified social credit code (digits and upper-case letters except I, O, Z, S, V)"
            ),
            (CreditCodeError::CheckCharacter { expected, actual }, Lang::En) => format!(
                "Wrong check character in the unified social credit code: expected '{expected}', found '{actual}'"
            ),
        }
    }
}

impl Localize for CreditCodeWarning {
    fn code(&self) -> &'static str {
        match self {
            CreditCodeWarning::RegionPart { .. } => "credit_code.region_part",
            CreditCodeWarning::OrganizationCheck { .. } => "credit_code.organization_check",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CreditCodeWarning::RegionPart { part }, Lang::ZhCn) => {
                format!("第3—8位“{part}”不是有效的行政区划代码")
            }
            (CreditCodeWarning::RegionPart { part }, Lang::En) => {
                format!("Positions 3–8 '{part}' are not a valid admin-division code")
            }
            (CreditCodeWarning::OrganizationCheck { expected, actual }, Lang::ZhCn) => {
                format!("内嵌组织机构代码校验位应为“{expected}”，实际为“{actual}”")
            }
            (CreditCodeWarning::OrganizationCheck { expected, actual }, Lang::En) => {
                format!("The embedded organisation code's check character should be '{expected}', found '{actual}'")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worked_example_of_the_standard_is_valid() {
        // domain.md §6.1 [S65]: 91350100M000100Y4 → S = 1640 → 1640 mod 31 = 28 → C18 = 3.
        let code = CreditCode::parse("91350100M000100Y43").expect("valid");
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert!(code.is_enterprise());
    }

    #[test]
    fn the_worked_example_with_a_wrong_check_character_is_rejected_naming_both() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y4Z"),
            Err(CreditCodeError::InvalidCharacter { position: 18, character: 'Z' })
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y44"),
            Err(CreditCodeError::CheckCharacter { expected: '3', actual: '4' })
        );
    }

    #[test]
    fn the_locally_computed_vectors_pass_both_checks() {
        for text in ["914403001922038216", "91330100799655058B", "9144030071526726XG"] {
            let code = CreditCode::parse(text).expect(text);
            assert_eq!(code.warnings(), vec![], "{text}");
        }
    }

    #[test]
    fn input_is_normalised_before_checking() {
        let code = CreditCode::parse(" ９１３３０１００７９９６５５０５８ｂ　").expect("valid");
        assert_eq!(code.as_str(), "91330100799655058B");
    }

    #[test]
    fn length_and_character_errors_name_what_is_wrong() {
        assert_eq!(CreditCode::parse("   "), Err(CreditCodeError::Empty));
        assert_eq!(CreditCode::parse("9135"), Err(CreditCodeError::Length { actual: 4 }));
        assert_eq!(
            CreditCode::parse("91350100M0001I0Y43"),
            Err(CreditCodeError::InvalidCharacter { position: 14, character: 'I' })
        );
        assert_eq!(CreditCode::parse("91350100M000100Y4-3"), Err(CreditCodeError::Length { actual: 19 }));
    }

    #[test]
    fn every_single_character_substitution_of_a_valid_code_is_caught() {
        // The weights are powers of 3 modulo the prime 31, so any one wrong character changes
        // the weighted sum and therefore the check character.
        let valid = "914403001922038216";
        for position in 0..18 {
            for &replacement in ALPHABET {
                let mut chars: Vec<char> = valid.chars().collect();
                if chars[position] == replacement as char {
                    continue;
                }
                chars[position] = replacement as char;
                let text: String = chars.into_iter().collect();
                assert!(CreditCode::parse(&text).is_err(), "{text} should be rejected");
            }
        }
    }

    #[test]
    fn from_prefix_completes_the_check_character() {
        let code = CreditCode::from_prefix("91350100M000100Y4").expect("alphabet");
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert_eq!(CreditCode::from_prefix("91350100M000100I4"), None);
    }

    #[test]
    fn region_and_organization_problems_are_warnings_not_errors() {
        // Region part 000000 and a broken organisation check, but a correct USCI check.
        let code = CreditCode::from_prefix("91000000M00010000").expect("alphabet");
        let parsed = CreditCode::parse(code.as_str()).expect("USCI check passes");
        let warnings = parsed.warnings();
        assert!(warnings.contains(&CreditCodeWarning::RegionPart { part: "000000".into() }));
        assert!(warnings.iter().any(|w| matches!(w, CreditCodeWarning::OrganizationCheck { .. })));
    }

    #[test]
    fn organization_check_follows_gb_11714() {
        // From the valid vectors: 19220382 → 1, 79965505 → 8, 71526726 → X.
        assert_eq!(CreditCode::organization_check("19220382"), Some('1'));
        assert_eq!(CreditCode::organization_check("79965505"), Some('8'));
        assert_eq!(CreditCode::organization_check("71526726"), Some('X'));
    }

    #[test]
    fn messages_name_expected_and_actual_in_both_languages() {
        let error = CreditCodeError::CheckCharacter { expected: '3', actual: '4' };
        assert!(error.message(Lang::ZhCn).contains("应为“3”"));
        assert!(error.message(Lang::En).contains("expected '3', found '4'"));
        assert_eq!(error.code(), "credit_code.check_character");
    }
}
