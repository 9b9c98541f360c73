//! The indicator catalogue (DHIS2's "data elements"): what an enterprise reports each month.
//!
//! The catalogue is data, kept in the `indicators` table and editable by the bureau; the list
//! below is only what a new installation starts with (the standard monthly report, domain.md
//! §8.2). Code that needs a particular indicator asks for it by its code.

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use crate::lang::{Lang, Localize};

/// An indicator's stable code: lower-case ASCII letters, digits and `_`, starting with a
/// letter, 2–40 characters (`gross_output`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IndicatorCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an indicator code: 2–40 lower-case letters, digits or _, starting with a letter")]
pub struct IndicatorCodeError(pub String);

impl IndicatorCode {
    pub fn parse(input: &str) -> Result<IndicatorCode, IndicatorCodeError> {
        let text = input.trim();
        let valid = (2..=40).contains(&text.len())
            && text.starts_with(|c: char| c.is_ascii_lowercase())
            && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if valid { Ok(IndicatorCode(text.to_owned())) } else { Err(IndicatorCodeError(text.to_owned())) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndicatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for IndicatorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl Localize for IndicatorCodeError {
    fn code(&self) -> &'static str {
        "indicator_code.format"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => format!("“{}”不是有效的指标代码：2—40位小写字母、数字或下划线，以字母开头", self.0),
            Lang::En => self.to_string(),
        }
    }
}

/// How an indicator's monthly values combine over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemporalKind {
    /// 流量: an amount within the month; a range of months is the sum of its months (1—N月累计).
    Flow,
    /// 存量: a value at the end of the month; a range of months takes its last month's value.
    Stock,
}

/// How an indicator's values combine across enterprises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Amounts and counts add up (output, revenue, employees).
    Sum,
    /// Rates are averaged (capacity utilisation).
    Mean,
}

impl TemporalKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TemporalKind::Flow => "flow",
            TemporalKind::Stock => "stock",
        }
    }

    pub fn parse(text: &str) -> Option<TemporalKind> {
        match text {
            "flow" => Some(TemporalKind::Flow),
            "stock" => Some(TemporalKind::Stock),
            _ => None,
        }
    }

    /// Combines one enterprise's monthly values, in month order, over a range of months.
    /// `None` when there is no value at all (never treat a missing report as zero).
    pub fn over_time(self, values_in_month_order: &[f64]) -> Option<f64> {
        match self {
            TemporalKind::Flow if values_in_month_order.is_empty() => None,
            TemporalKind::Flow => Some(values_in_month_order.iter().sum()),
            TemporalKind::Stock => values_in_month_order.last().copied(),
        }
    }
}

impl Aggregation {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregation::Sum => "sum",
            Aggregation::Mean => "mean",
        }
    }

    pub fn parse(text: &str) -> Option<Aggregation> {
        match text {
            "sum" => Some(Aggregation::Sum),
            "mean" => Some(Aggregation::Mean),
            _ => None,
        }
    }
}

/// One entry of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDef {
    pub code: IndicatorCode,
    pub name_zh: String,
    pub name_en: String,
    pub unit_zh: String,
    pub unit_en: String,
    pub temporal: TemporalKind,
    pub aggregation: Aggregation,
    /// Decimals shown to users; values are stored unrounded.
    pub decimals: u8,
}

impl IndicatorDef {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, &self.name_en)
    }

    pub fn unit(&self, lang: Lang) -> &str {
        lang.pick(&self.unit_zh, &self.unit_en)
    }
}

/// The values an indicator can plausibly take for one firm and month: finite, not negative
/// unless the indicator can be (profit, VAT payable after credits), whole for head counts, and
/// no larger than the largest Chinese firm could report (so that 1e308 never reaches a total).
/// 🛠 The bounds are this project's, by unit; domain.md names only profit as possibly negative.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    pub min: f64,
    pub max: f64,
    pub whole: bool,
}

/// Why a value is outside its indicator's range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RangeError {
    #[error("is not a finite number")]
    NotFinite,
    #[error("cannot be negative")]
    Negative,
    #[error("must be between {min} and {max}")]
    OutOfRange { min: f64, max: f64 },
    #[error("must be a whole number")]
    NotWhole,
}

impl Localize for RangeError {
    fn code(&self) -> &'static str {
        match self {
            RangeError::NotFinite => "value.not_finite",
            RangeError::Negative => "value.negative",
            RangeError::OutOfRange { .. } => "value.out_of_range",
            RangeError::NotWhole => "value.not_whole",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RangeError::NotFinite, Lang::ZhCn) => "不是有效的数值".into(),
            (RangeError::Negative, Lang::ZhCn) => "不能为负数".into(),
            (RangeError::OutOfRange { min, max }, Lang::ZhCn) => format!("应在{min}到{max}之间"),
            (RangeError::NotWhole, Lang::ZhCn) => "应为整数".into(),
            (other, Lang::En) => other.to_string(),
        }
    }
}

impl ValueRange {
    pub fn check(&self, value: f64) -> Result<(), RangeError> {
        if !value.is_finite() {
            return Err(RangeError::NotFinite);
        }
        if value < 0.0 && self.min == 0.0 {
            return Err(RangeError::Negative);
        }
        if value < self.min || value > self.max {
            return Err(RangeError::OutOfRange { min: self.min, max: self.max });
        }
        if self.whole && value.fract() != 0.0 {
            return Err(RangeError::NotWhole);
        }
        Ok(())
    }
}

impl IndicatorDef {
    /// The range of one firm's monthly value (see [`ValueRange`]).
    pub fn valid_range(&self) -> ValueRange {
        // A year's revenue of China's largest industrial firms is about 10^8 万元; stocks such
        // as assets reach 10^9. Ten times that leaves room and still refuses absurd magnitudes.
        let (max, whole) = match self.unit_zh.as_str() {
            "%" => (200.0, false),
            "人" => (5_000_000.0, true),
            "万千瓦时" | "吨标准煤" => (1e8, false),
            _ => (1e10, false),
        };
        let signed = matches!(self.code.as_str(), codes::TOTAL_PROFIT | codes::VAT_PAYABLE);
        ValueRange { min: if signed { -max } else { 0.0 }, max, whole }
    }
}

/// An indicator as entered by a person (form, command line, import), before validation.
#[derive(Debug, Clone, Default)]
pub struct IndicatorDraft {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit_zh: String,
    pub unit_en: String,
    pub temporal: String,
    pub aggregation: String,
    pub decimals: u8,
}

/// Longest name or unit an indicator may have.
pub const MAX_INDICATOR_TEXT: usize = 60;
/// Most decimals an indicator may show.
pub const MAX_DECIMALS: u8 = 6;

/// Why a draft is not a valid indicator; `field` names the draft's field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndicatorDraftError {
    #[error("code: {0}")]
    Code(IndicatorCodeError),
    #[error("{field}: must have 1 to {MAX_INDICATOR_TEXT} characters")]
    Text { field: &'static str },
    #[error("temporal: '{0}' is not flow or stock")]
    Temporal(String),
    #[error("aggregation: '{0}' is not sum or mean")]
    Aggregation(String),
    #[error("decimals: {0} is more than {MAX_DECIMALS}")]
    Decimals(u8),
}

impl IndicatorDraftError {
    pub fn field(&self) -> &'static str {
        match self {
            IndicatorDraftError::Code(_) => "code",
            IndicatorDraftError::Text { field } => field,
            IndicatorDraftError::Temporal(_) => "temporal",
            IndicatorDraftError::Aggregation(_) => "aggregation",
            IndicatorDraftError::Decimals(_) => "decimals",
        }
    }
}

impl Localize for IndicatorDraftError {
    fn code(&self) -> &'static str {
        match self {
            IndicatorDraftError::Code(e) => e.code(),
            IndicatorDraftError::Text { .. } => "indicator.text",
            IndicatorDraftError::Temporal(_) => "indicator.temporal",
            IndicatorDraftError::Aggregation(_) => "indicator.aggregation",
            IndicatorDraftError::Decimals(_) => "indicator.decimals",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (IndicatorDraftError::Code(e), _) => e.message(lang),
            (IndicatorDraftError::Text { field }, Lang::ZhCn) => format!("{field}：应为1—{MAX_INDICATOR_TEXT}个字符"),
            (IndicatorDraftError::Temporal(t), Lang::ZhCn) => {
                format!("temporal：“{t}”应为 flow（流量）或 stock（存量）")
            }
            (IndicatorDraftError::Aggregation(a), Lang::ZhCn) => {
                format!("aggregation：“{a}”应为 sum（求和）或 mean（平均）")
            }
            (IndicatorDraftError::Decimals(d), Lang::ZhCn) => format!("decimals：小数位{d}超过{MAX_DECIMALS}"),
            (other, Lang::En) => other.to_string(),
        }
    }
}

impl TryFrom<IndicatorDraft> for IndicatorDef {
    type Error = IndicatorDraftError;

    fn try_from(draft: IndicatorDraft) -> Result<IndicatorDef, IndicatorDraftError> {
        let text = |field: &'static str, value: String| {
            let value = value.trim().to_owned();
            if value.is_empty() || value.chars().count() > MAX_INDICATOR_TEXT {
                return Err(IndicatorDraftError::Text { field });
            }
            Ok(value)
        };
        if draft.decimals > MAX_DECIMALS {
            return Err(IndicatorDraftError::Decimals(draft.decimals));
        }
        Ok(IndicatorDef {
            code: IndicatorCode::parse(&draft.code).map_err(IndicatorDraftError::Code)?,
            name_zh: text("name_zh", draft.name_zh)?,
            name_en: text("name_en", draft.name_en)?,
            unit_zh: text("unit_zh", draft.unit_zh)?,
            unit_en: text("unit_en", draft.unit_en)?,
            temporal: TemporalKind::parse(draft.temporal.trim())
                .ok_or(IndicatorDraftError::Temporal(draft.temporal))?,
            aggregation: Aggregation::parse(draft.aggregation.trim())
                .ok_or(IndicatorDraftError::Aggregation(draft.aggregation))?,
            decimals: draft.decimals,
        })
    }
}

/// Codes of the standard indicators that code refers to by name.
pub mod codes {
    /// 工业总产值 (现价): the base of output growth and of the demo's calibration.
    pub const GROSS_OUTPUT: &str = "gross_output";
    /// 主营业务收入: decides the above-scale threshold (≥ 2000 万元 a year).
    pub const MAIN_REVENUE: &str = "main_revenue";
    pub const ELECTRICITY: &str = "electricity";
    pub const TOTAL_PROFIT: &str = "total_profit";
    pub const VAT_PAYABLE: &str = "vat_payable";
}

/// code, Chinese name, English name, (unit zh, unit en), temporal kind, aggregation, decimals.
type CatalogueRow =
    (&'static str, &'static str, &'static str, (&'static str, &'static str), TemporalKind, Aggregation, u8);

/// The standard monthly report of a new installation (domain.md §8.2), in form order.
pub fn standard_catalogue() -> Vec<IndicatorDef> {
    use Aggregation::{Mean, Sum};
    use TemporalKind::{Flow, Stock};
    const WAN: (&str, &str) = ("万元", "10k CNY");
    let rows: [CatalogueRow; 20] = [
        ("gross_output", "工业总产值（现价）", "Gross industrial output (current prices)", WAN, Flow, Sum, 1),
        ("sales_output", "工业销售产值", "Industrial sales output", WAN, Flow, Sum, 1),
        ("export_delivery", "出口交货值", "Export delivery value", WAN, Flow, Sum, 1),
        ("revenue", "营业收入", "Operating revenue", WAN, Flow, Sum, 1),
        ("main_revenue", "主营业务收入", "Main-business revenue", WAN, Flow, Sum, 1),
        ("operating_cost", "营业成本", "Operating cost", WAN, Flow, Sum, 1),
        ("total_profit", "利润总额", "Total profit", WAN, Flow, Sum, 1),
        ("vat_payable", "应交增值税", "VAT payable", WAN, Flow, Sum, 1),
        ("taxes_total", "税金总额", "Total taxes", WAN, Flow, Sum, 1),
        ("rd_expense", "研发费用", "R&D expense", WAN, Flow, Sum, 1),
        ("electricity", "工业用电量", "Industrial electricity use", ("万千瓦时", "10k kWh"), Flow, Sum, 1),
        ("energy_consumption", "综合能耗", "Comprehensive energy use", ("吨标准煤", "tce"), Flow, Sum, 1),
        ("employees_end", "从业人员期末人数", "Employees at period end", ("人", "persons"), Stock, Sum, 0),
        ("employees_avg", "从业人员平均人数", "Average employees", ("人", "persons"), Stock, Sum, 0),
        ("total_assets", "资产总计", "Total assets", WAN, Stock, Sum, 1),
        ("total_liabilities", "负债合计", "Total liabilities", WAN, Stock, Sum, 1),
        ("accounts_receivable", "应收账款", "Accounts receivable", WAN, Stock, Sum, 1),
        ("finished_goods", "产成品存货", "Finished-goods inventory", WAN, Stock, Sum, 1),
        ("orders_on_hand", "在手订单", "Orders on hand", WAN, Stock, Sum, 1),
        ("capacity_utilization", "产能利用率", "Capacity utilisation", ("%", "%"), Stock, Mean, 1),
    ];
    rows.into_iter()
        .filter_map(|(code, zh, en, (unit_zh, unit_en), temporal, aggregation, decimals)| {
            Some(IndicatorDef {
                code: IndicatorCode::parse(code).ok()?,
                name_zh: zh.into(),
                name_en: en.into(),
                unit_zh: unit_zh.into(),
                unit_en: unit_en.into(),
                temporal,
                aggregation,
                decimals,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_catalogue_has_twenty_unique_valid_codes() {
        let catalogue = standard_catalogue();
        assert_eq!(catalogue.len(), 20);
        let mut codes: Vec<&str> = catalogue.iter().map(|i| i.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 20);
        for code in [codes::GROSS_OUTPUT, codes::MAIN_REVENUE, codes::ELECTRICITY] {
            assert!(codes.contains(&code), "{code}");
        }
    }

    #[test]
    fn values_stay_finite_signed_where_they_may_be_and_within_a_firms_magnitude() {
        let catalogue = standard_catalogue();
        let range = |code: &str| catalogue.iter().find(|i| i.code.as_str() == code).map(IndicatorDef::valid_range);
        let output = range("gross_output").expect("output");
        assert_eq!(output.check(1234.5), Ok(()));
        assert_eq!(output.check(f64::INFINITY), Err(RangeError::NotFinite));
        assert_eq!(output.check(f64::NAN), Err(RangeError::NotFinite));
        assert_eq!(output.check(-1.0), Err(RangeError::Negative));
        assert_eq!(output.check(1e308), Err(RangeError::OutOfRange { min: 0.0, max: 1e10 }));
        let profit = range("total_profit").expect("profit");
        assert_eq!(profit.check(-350.0), Ok(()));
        assert!(profit.check(-1e308).is_err());
        let employees = range("employees_end").expect("employees");
        assert_eq!(employees.check(-3.0), Err(RangeError::Negative));
        assert_eq!(employees.check(12.5), Err(RangeError::NotWhole));
        assert_eq!(employees.check(1_200.0), Ok(()));
        assert_eq!(
            range("capacity_utilization").expect("%").check(250.0).map_err(|e| e.message(Lang::ZhCn)),
            Err("应在0到200之间".into())
        );
    }

    #[test]
    fn indicator_codes_are_checked() {
        assert!(IndicatorCode::parse("gross_output").is_ok());
        assert!(IndicatorCode::parse("x").is_err());
        assert!(IndicatorCode::parse("Gross").is_err());
        assert!(IndicatorCode::parse("1st").is_err());
        assert!(IndicatorCode::parse("gross output").is_err());
    }

    #[test]
    fn drafts_become_indicators_or_name_the_field_at_fault() {
        let draft = IndicatorDraft {
            code: "smart_workstations".into(),
            name_zh: " 智能工位 ".into(),
            name_en: "Smart workstations".into(),
            unit_zh: "个".into(),
            unit_en: "units".into(),
            temporal: "stock".into(),
            aggregation: "sum".into(),
            decimals: 0,
        };
        let def = IndicatorDef::try_from(draft.clone()).expect("valid");
        assert_eq!((def.name_zh.as_str(), def.temporal), ("智能工位", TemporalKind::Stock));
        let field = |d: IndicatorDraft| IndicatorDef::try_from(d).expect_err("invalid").field();
        assert_eq!(field(IndicatorDraft { code: "Bad".into(), ..draft.clone() }), "code");
        assert_eq!(field(IndicatorDraft { unit_en: " ".into(), ..draft.clone() }), "unit_en");
        assert_eq!(field(IndicatorDraft { name_zh: "长".repeat(61), ..draft.clone() }), "name_zh");
        assert_eq!(field(IndicatorDraft { temporal: "rate".into(), ..draft.clone() }), "temporal");
        assert_eq!(field(IndicatorDraft { aggregation: "max".into(), ..draft.clone() }), "aggregation");
        assert_eq!(field(IndicatorDraft { decimals: 7, ..draft }), "decimals");
    }

    #[test]
    fn flows_sum_over_time_and_stocks_take_the_last_month() {
        let jan_to_mar = [10.0, 12.0, 15.5];
        assert_eq!(TemporalKind::Flow.over_time(&jan_to_mar), Some(37.5));
        assert_eq!(TemporalKind::Stock.over_time(&jan_to_mar), Some(15.5));
        assert_eq!(TemporalKind::Flow.over_time(&[]), None);
        assert_eq!(TemporalKind::Stock.over_time(&[]), None);
    }
}
