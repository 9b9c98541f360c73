//! 国民经济行业分类 (industrial classification), GB/T 4754-2017. domain.md §6.3.
//!
//! Four levels: 门类 section (letter) → 大类 division (2 digits) → 中类 group (3) → 小类 class (4).
//! A code is written as the section letter and up to four digits, e.g. `C3813`. Industry
//! (工业) is sections B, C and D: 41 divisions, 06–46.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::lang::{Lang, Localize};

/// Division ranges of each section (GB/T 4754-2017).
const SECTIONS: [(char, u8, u8); 20] = [
    ('A', 1, 5),
    ('B', 6, 12),
    ('C', 13, 43),
    ('D', 44, 46),
    ('E', 47, 50),
    ('F', 51, 52),
    ('G', 53, 60),
    ('H', 61, 62),
    ('I', 63, 65),
    ('J', 66, 69),
    ('K', 70, 70),
    ('L', 71, 72),
    ('M', 73, 75),
    ('N', 76, 79),
    ('O', 80, 82),
    ('P', 83, 83),
    ('Q', 84, 85),
    ('R', 86, 90),
    ('S', 91, 96),
    ('T', 97, 97),
];

/// The 41 industrial divisions (大类) with Chinese and English names.
pub const INDUSTRIAL_DIVISIONS: [(u8, &str, &str); 41] = [
    (6, "煤炭开采和洗选业", "Coal mining and washing"),
    (7, "石油和天然气开采业", "Oil and gas extraction"),
    (8, "黑色金属矿采选业", "Ferrous metal ore mining"),
    (9, "有色金属矿采选业", "Non-ferrous metal ore mining"),
    (10, "非金属矿采选业", "Non-metallic mineral mining"),
    (11, "开采专业及辅助性活动", "Mining support activities"),
    (12, "其他采矿业", "Other mining"),
    (13, "农副食品加工业", "Agricultural and sideline food processing"),
    (14, "食品制造业", "Food manufacturing"),
    (15, "酒、饮料和精制茶制造业", "Liquor, beverages and refined tea"),
    (16, "烟草制品业", "Tobacco products"),
    (17, "纺织业", "Textiles"),
    (18, "纺织服装、服饰业", "Textile garments and apparel"),
    (19, "皮革、毛皮、羽毛及其制品和制鞋业", "Leather, fur, feathers and footwear"),
    (20, "木材加工和木、竹、藤、棕、草制品业", "Wood, bamboo, rattan, palm and straw products"),
    (21, "家具制造业", "Furniture"),
    (22, "造纸和纸制品业", "Paper and paper products"),
    (23, "印刷和记录媒介复制业", "Printing and reproduction of recorded media"),
    (24, "文教、工美、体育和娱乐用品制造业", "Stationery, crafts, sports and entertainment goods"),
    (25, "石油、煤炭及其他燃料加工业", "Petroleum, coal and other fuel processing"),
    (26, "化学原料和化学制品制造业", "Chemical raw materials and products"),
    (27, "医药制造业", "Pharmaceuticals"),
    (28, "化学纤维制造业", "Chemical fibres"),
    (29, "橡胶和塑料制品业", "Rubber and plastic products"),
    (30, "非金属矿物制品业", "Non-metallic mineral products"),
    (31, "黑色金属冶炼和压延加工业", "Ferrous metal smelting and rolling"),
    (32, "有色金属冶炼和压延加工业", "Non-ferrous metal smelting and rolling"),
    (33, "金属制品业", "Metal products"),
    (34, "通用设备制造业", "General-purpose equipment"),
    (35, "专用设备制造业", "Special-purpose equipment"),
    (36, "汽车制造业", "Automobiles"),
    (37, "铁路、船舶、航空航天和其他运输设备制造业", "Railway, ship, aerospace and other transport equipment"),
    (38, "电气机械和器材制造业", "Electrical machinery and equipment"),
    (39, "计算机、通信和其他电子设备制造业", "Computers, communication and other electronic equipment"),
    (40, "仪器仪表制造业", "Instruments and meters"),
    (41, "其他制造业", "Other manufacturing"),
    (42, "废弃资源综合利用业", "Recycling of waste resources"),
    (43, "金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    (44, "电力、热力生产和供应业", "Electricity and heat production and supply"),
    (45, "燃气生产和供应业", "Gas production and supply"),
    (46, "水的生产和供应业", "Water production and supply"),
];

/// An industry code at any of the four levels, e.g. `C`, `C38`, `C381`, `C3813`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndustryCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndustryCodeError {
    #[error("'{0}' is not an industry code: a section letter A–T followed by 0, 2, 3 or 4 digits")]
    Format(String),
    #[error("division {division:02} does not belong to section {section}")]
    SectionMismatch { section: char, division: u8 },
}

impl IndustryCode {
    /// Parses `C3813`, `c3813`, `Ｃ３８１３`, or a bare 4-digit class `3813` (its section is
    /// derived from the division).
    pub fn parse(input: &str) -> Result<IndustryCode, IndustryCodeError> {
        let text = crate::text::normalize_code(input);
        let format_error = || IndustryCodeError::Format(text.clone());
        let (section, digits) = match text.chars().next() {
            Some(c) if c.is_ascii_uppercase() => (Some(c), &text[1..]),
            Some(c) if c.is_ascii_digit() => (None, text.as_str()),
            _ => return Err(format_error()),
        };
        if !matches!(digits.len(), 0 | 2 | 3 | 4) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format_error());
        }
        if digits.is_empty() {
            let s = section.ok_or_else(format_error)?;
            return if SECTIONS.iter().any(|(l, _, _)| *l == s) {
                Ok(IndustryCode(s.to_string()))
            } else {
                Err(format_error())
            };
        }
        let division: u8 = digits[..2].parse().map_err(|_| format_error())?;
        let owner = SECTIONS
            .iter()
            .find(|(_, lo, hi)| (*lo..=*hi).contains(&division))
            .map(|(l, _, _)| *l)
            .ok_or_else(format_error)?;
        match section {
            Some(s) if s != owner => Err(IndustryCodeError::SectionMismatch { section: s, division }),
            _ => Ok(IndustryCode(format!("{owner}{digits}"))),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 门类: the section letter.
    pub fn section(&self) -> char {
        self.0.chars().next().unwrap_or('?')
    }

    /// 大类: the two-digit division, if the code goes that deep.
    pub fn division(&self) -> Option<u8> {
        self.0.get(1..3).and_then(|d| d.parse().ok())
    }

    /// True for 工业: sections B, C and D.
    pub fn is_industrial(&self) -> bool {
        matches!(self.section(), 'B' | 'C' | 'D')
    }

    /// The Chinese or English name of the division, for industrial divisions.
    pub fn division_name(&self, lang: Lang) -> Option<&'static str> {
        let division = self.division()?;
        INDUSTRIAL_DIVISIONS.iter().find(|(d, _, _)| *d == division).map(|(_, zh, en)| lang.pick(zh, en))
    }
}

impl fmt::Display for IndustryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for IndustryCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl Localize for IndustryCodeError {
    fn code(&self) -> &'static str {
        match self {
            IndustryCodeError::Format(_) => "industry_code.format",
            IndustryCodeError::SectionMismatch { .. } => "industry_code.section",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (IndustryCodeError::Format(t), Lang::ZhCn) => {
                format!("“{t}”不是行业代码：应为门类字母A—T加2至4位数字")
            }
            (IndustryCodeError::Format(t), Lang::En) => {
                format!("'{t}' is not an industry code: a section letter A–T followed by 2 to 4 digits")
            }
            (IndustryCodeError::SectionMismatch { section, division }, Lang::ZhCn) => {
                format!("大类{division:02}不属于门类{section}")
            }
            (IndustryCodeError::SectionMismatch { section, division }, Lang::En) => {
                format!("Division {division:02} does not belong to section {section}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industrial_sections_span_the_41_divisions() {
        let count =
            (1..=97u8).filter(|d| IndustryCode::parse(&format!("{d:02}")).is_ok_and(|c| c.is_industrial())).count();
        assert_eq!(count, 41);
        assert_eq!(INDUSTRIAL_DIVISIONS.len(), 41);
    }

    #[test]
    fn codes_parse_at_every_level_and_derive_the_section() {
        assert_eq!(IndustryCode::parse("c3813").expect("class").as_str(), "C3813");
        assert_eq!(IndustryCode::parse("3813").expect("class").as_str(), "C3813");
        assert_eq!(IndustryCode::parse("Ｄ４４１１").expect("class").section(), 'D');
        assert_eq!(IndustryCode::parse("B").expect("section").division(), None);
        let code = IndustryCode::parse("C19").expect("division");
        assert_eq!(code.division(), Some(19));
        assert_eq!(code.division_name(Lang::ZhCn), Some("皮革、毛皮、羽毛及其制品和制鞋业"));
        assert!(!IndustryCode::parse("E4700").expect("construction").is_industrial());
    }

    #[test]
    fn mismatched_or_malformed_codes_are_rejected() {
        assert_eq!(
            IndustryCode::parse("B3813"),
            Err(IndustryCodeError::SectionMismatch { section: 'B', division: 38 })
        );
        assert!(IndustryCode::parse("C38131").is_err());
        assert!(IndustryCode::parse("C3").is_err());
        assert!(IndustryCode::parse("Z").is_err());
        assert!(IndustryCode::parse("9900").is_err());
        assert!(IndustryCode::parse("").is_err());
    }
}
