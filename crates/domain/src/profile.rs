//! The annual enterprise profile (企业年度画像): what the ladder criteria, the 亩均 evaluation
//! and the programmes read about a firm for a year, beyond its monthly report. domain.md §3,
//! §4, §9. Values of year Y describe the firm at the end of Y (financial figures for Y).
//!
//! Every field is a number: amounts in 万元, counts, years, percentages in percent, flags as
//! 0/1 and levels as small integers whose meaning the field's `levels` names.

use serde::Serialize;

use crate::lang::Lang;

/// How a profile field's number is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Amount,
    Count,
    Percent,
    /// 1 for yes, 0 for no.
    Flag,
    /// One of `levels`, by index.
    Level,
}

/// A field of the annual profile.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProfileField {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub unit_zh: &'static str,
    pub unit_en: &'static str,
    pub kind: FieldKind,
    /// For levels: the names of 0, 1, 2, … (Chinese, English).
    pub levels: &'static [(&'static str, &'static str)],
}

impl ProfileField {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.name_zh, self.name_en)
    }

    pub fn unit(&self, lang: Lang) -> &'static str {
        lang.pick(self.unit_zh, self.unit_en)
    }

    /// Whether `value` is acceptable for the field: finite, not negative (profits aside),
    /// flags 0/1, levels one of the named ones, percentages at most 100 for shares.
    pub fn check(&self, value: f64) -> Result<(), ProfileError> {
        if !value.is_finite() {
            return Err(ProfileError::NotANumber(self.code));
        }
        let ok = match self.kind {
            FieldKind::Amount => value >= 0.0 || self.code == "net_profit",
            FieldKind::Count => value >= 0.0 && value.fract() == 0.0,
            FieldKind::Percent => (0.0..=100.0).contains(&value),
            FieldKind::Flag => value == 0.0 || value == 1.0,
            FieldKind::Level => value >= 0.0 && value.fract() == 0.0 && (value as usize) < self.levels.len(),
        };
        if ok { Ok(()) } else { Err(ProfileError::OutOfRange { field: self.code, value }) }
    }

    /// The value as a user reads it: the level's name, 是/否, or the number and unit.
    pub fn show(&self, value: f64, lang: Lang) -> String {
        match self.kind {
            FieldKind::Flag => {
                lang.pick(if value != 0.0 { "是" } else { "否" }, if value != 0.0 { "yes" } else { "no" }).into()
            }
            FieldKind::Level => self
                .levels
                .get(value as usize)
                .map_or_else(|| value.to_string(), |(zh, en)| lang.pick(zh, en).to_owned()),
            FieldKind::Percent => format!("{value}%"),
            _ => format!("{value}{}", self.unit(lang)),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    #[error("{0}: not a number")]
    NotANumber(&'static str),
    #[error("{field}: {value} is out of range")]
    OutOfRange { field: &'static str, value: f64 },
    #[error("'{0}' is not a profile field")]
    Unknown(String),
}

impl crate::Localize for ProfileError {
    fn code(&self) -> &'static str {
        match self {
            ProfileError::NotANumber(_) => "profile.number",
            ProfileError::OutOfRange { .. } => "profile.range",
            ProfileError::Unknown(_) => "profile.unknown",
        }
    }

    fn message(&self, lang: Lang) -> String {
        let name = |code: &str| field(code).map_or(code.to_owned(), |f| f.name(lang).to_owned());
        match (self, lang) {
            (ProfileError::NotANumber(code), Lang::ZhCn) => format!("“{}”应为数字", name(code)),
            (ProfileError::NotANumber(code), Lang::En) => format!("'{}' must be a number", name(code)),
            (ProfileError::OutOfRange { field: code, value }, Lang::ZhCn) => {
                let hint = field(code).map_or(String::new(), |f| range_hint(f, lang));
                format!("“{}”的值{value}不在允许范围内{hint}", name(code))
            }
            (ProfileError::OutOfRange { field: code, value }, Lang::En) => {
                let hint = field(code).map_or(String::new(), |f| range_hint(f, lang));
                format!("{value} is not allowed for '{}'{hint}", name(code))
            }
            (ProfileError::Unknown(code), Lang::ZhCn) => format!("“{code}”不是企业年度画像的字段"),
            (ProfileError::Unknown(code), Lang::En) => format!("'{code}' is not a field of the annual profile"),
        }
    }
}

fn range_hint(field: &ProfileField, lang: Lang) -> String {
    match (field.kind, lang) {
        (FieldKind::Flag, Lang::ZhCn) => "（应为0或1）".into(),
        (FieldKind::Flag, Lang::En) => " (0 or 1)".into(),
        (FieldKind::Level, _) => {
            let names: Vec<String> =
                field.levels.iter().enumerate().map(|(i, (zh, en))| format!("{i}={}", lang.pick(zh, en))).collect();
            match lang {
                Lang::ZhCn => format!("（{}）", names.join("，")),
                Lang::En => format!(" ({})", names.join(", ")),
            }
        }
        (FieldKind::Percent, Lang::ZhCn) => "（0—100）".into(),
        (FieldKind::Percent, Lang::En) => " (0–100)".into(),
        (_, Lang::ZhCn) => "（不能为负，数量须为整数）".into(),
        (_, Lang::En) => " (not negative; counts are whole numbers)".into(),
    }
}

const NONE_TO_NATIONAL: &[(&str, &str)] = &[
    ("无", "none"),
    ("市级以下", "below municipal"),
    ("市级", "municipal"),
    ("省级", "provincial"),
    ("国家级", "national"),
];

macro_rules! field {
    ($code:literal, $zh:literal, $en:literal, $uzh:literal, $uen:literal, $kind:ident) => {
        ProfileField {
            code: $code,
            name_zh: $zh,
            name_en: $en,
            unit_zh: $uzh,
            unit_en: $uen,
            kind: FieldKind::$kind,
            levels: &[],
        }
    };
    ($code:literal, $zh:literal, $en:literal, $levels:expr) => {
        ProfileField {
            code: $code,
            name_zh: $zh,
            name_en: $en,
            unit_zh: "",
            unit_en: "",
            kind: FieldKind::Level,
            levels: $levels,
        }
    };
}

/// The profile's fields, in form order.
pub const FIELDS: [ProfileField; 32] = [
    field!("operating_revenue", "营业收入", "Operating revenue", "万元", "10k CNY", Amount),
    field!("main_revenue", "主营业务收入", "Main-business revenue", "万元", "10k CNY", Amount),
    field!("net_profit", "净利润", "Net profit", "万元", "10k CNY", Amount),
    field!("total_assets", "资产总计", "Total assets", "万元", "10k CNY", Amount),
    field!("total_liabilities", "负债合计", "Total liabilities", "万元", "10k CNY", Amount),
    field!("rd_expense", "研发费用", "R&D expense", "万元", "10k CNY", Amount),
    field!("employees", "从业人员（年平均）", "Employees (annual average)", "人", "persons", Count),
    field!("rd_staff", "研发人员", "R&D staff", "人", "persons", Count),
    field!("niche_years", "从事特定细分市场年限", "Years in the niche market", "年", "years", Count),
    field!(
        "niche_share",
        "主导产品国内细分市场占有率",
        "Domestic niche market share of the main product",
        "%",
        "%",
        Percent
    ),
    field!(
        "global_rank",
        "主导产品全球市场占有率排名",
        "Global market-share rank of the main product",
        "名",
        "",
        Count
    ),
    field!("ip_class1_high_value", "Ⅰ类高价值知识产权", "Class I high-value IP", "项", "items", Count),
    field!("ip_class1_own", "自主研发Ⅰ类知识产权", "Self-developed class I IP", "项", "items", Count),
    field!("ip_class1", "Ⅰ类知识产权", "Class I IP", "项", "items", Count),
    field!("ip_class2", "Ⅱ类知识产权", "Class II IP", "项", "items", Count),
    field!("equity_financing_2y", "近2年新增股权融资", "New equity financing, last 2 years", "万元", "10k CNY", Amount),
    field!("equity_financing_3y", "近3年新增股权融资", "New equity financing, last 3 years", "万元", "10k CNY", Amount),
    field!("rd_institution", "研发机构级别", "Level of the R&D institution", NONE_TO_NATIONAL),
    field!(
        "digital_level",
        "数字化水平等级",
        "Digitalisation level",
        &[
            ("未评估", "not assessed"),
            ("一级", "level 1"),
            ("二级", "level 2"),
            ("三级", "level 3"),
            ("四级", "level 4")
        ]
    ),
    field!(
        "quality_items",
        "质量管理事项数（奖项、认证、品牌、标准）",
        "Quality items (award, certification, brand, standard)",
        "项",
        "items",
        Count
    ),
    field!(
        "management_certified",
        "通过管理体系或发达国家产品认证",
        "Management-system or developed-country product certification",
        "",
        "",
        Flag
    ),
    field!("core_it_system", "核心业务采用信息系统", "Core business runs on an information system", "", "", Flag),
    field!("own_brand", "拥有自主品牌", "Own brand", "", "", Flag),
    field!(
        "strategic_emerging",
        "主导产品属战略性新兴产业",
        "Main product in a strategic emerging industry",
        "",
        "",
        Flag
    ),
    field!(
        "chain_role",
        "主导产品在产业链中的作用",
        "Role of the main product in its chain",
        &[
            ("一般", "ordinary"),
            ("工业六基、老字号或链主企业配套", "industrial base, heritage brand or supplier to a chain leader"),
            ("补短板、锻长板、填空白", "fills a gap or strengthens a key link")
        ]
    ),
    field!(
        "st_award",
        "近3年科技奖励",
        "Science and technology award, last 3 years",
        &[
            ("无", "none"),
            ("省级奖（排名前三）", "provincial, ranked top 3"),
            ("国家级奖（排名前五）", "national, ranked top 5")
        ]
    ),
    field!("qualified_title", "高新技术企业等有效资质", "Valid high-tech or IP-demonstration title", "", "", Flag),
    field!(
        "maker_china",
        "近3年创客中国大赛成绩",
        "Maker China contest, last 3 years",
        &[("无", "none"), ("全国500强", "national top 500"), ("全国50强", "national top 50")]
    ),
    field!("taxes_paid", "实缴税金", "Taxes paid", "万元", "10k CNY", Amount),
    field!("value_added", "工业增加值", "Industrial value added", "万元", "10k CNY", Amount),
    field!("energy_tce", "综合能耗", "Comprehensive energy use", "吨标准煤", "tce", Amount),
    field!("emissions", "主要污染物排放量", "Major-pollutant emissions", "吨", "t", Amount),
];

/// The position of a field in [`FIELDS`].
pub fn field_index(code: &str) -> Option<usize> {
    FIELDS.iter().position(|f| f.code == code)
}

/// The field with `code`.
pub fn field(code: &str) -> Option<&'static ProfileField> {
    FIELDS.iter().find(|f| f.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Localize;

    #[test]
    fn codes_are_unique_and_values_are_checked_by_kind() {
        let mut codes: Vec<&str> = FIELDS.iter().map(|f| f.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), FIELDS.len());
        let flag = field("own_brand").expect("field");
        assert!(flag.check(1.0).is_ok() && flag.check(2.0).is_err());
        let level = field("rd_institution").expect("field");
        assert!(level.check(4.0).is_ok() && level.check(5.0).is_err() && level.check(1.5).is_err());
        assert!(field("niche_share").expect("field").check(100.5).is_err());
        assert!(field("net_profit").expect("field").check(-30.0).is_ok(), "a loss is a profit below zero");
        assert!(field("rd_expense").expect("field").check(-1.0).is_err());
        let error = level.check(7.0).expect_err("out of range");
        assert_eq!(
            error.message(Lang::ZhCn),
            "“研发机构级别”的值7不在允许范围内（0=无，1=市级以下，2=市级，3=省级，4=国家级）"
        );
        assert_eq!(level.show(3.0, Lang::ZhCn), "省级");
    }
}
