//! Ladder criteria as data (梯度培育认定标准): for each tier, the gates every candidate must
//! pass, the scoring table with its brackets and group minima, and the direct-pass conditions,
//! read against a firm's annual profiles. domain.md §3.
//!
//! A rule set is versioned and effective-dated; every evaluation keeps the version it used.
//! The shipped default is MIIT's 2022 《优质中小企业梯度培育管理暂行办法》 (工信部企业〔2022〕63号)
//! as domain.md §3 reads it, with the bracket bounds the sources leave open (lower bound
//! inclusive, upper exclusive) written out so a bureau can change them.

use crate::shipped::ShippedRulesError;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::size_class::SizeBands;
use crate::{Localize, Tier};

/// What a criterion reads, for the evaluation year Y.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    /// A profile field of year Y.
    Field { field: String },
    /// `numerator / denominator × 100` of year Y, in percent.
    Ratio { numerator: String, denominator: String },
    /// The lowest of `Ratio` over the last `years` years (each year must qualify).
    RatioEachYear { numerator: String, denominator: String, years: u32 },
    /// Average annual growth of a field over `years` years, in percent:
    /// `(x_Y / x_{Y−years})^(1/years) − 1`.
    Growth { field: String, years: u32 },
    /// The mean of a field over the last `years` years.
    Average { field: String, years: u32 },
    /// 1 when the firm is a small or medium enterprise (中小企业划型, domain.md §3.1) by its
    /// employees and operating revenue of year Y, else 0.
    Sme,
    /// 1 when the firm holds the tier (active) at the end of year Y, else 0.
    Holds { tier: Tier },
}

/// How a condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = ">")]
    Above,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "<")]
    Below,
}

impl Comparison {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtLeast => value >= threshold,
            Comparison::Above => value > threshold,
            Comparison::AtMost => value <= threshold,
            Comparison::Below => value < threshold,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::Above => ">",
            Comparison::AtMost => "≤",
            Comparison::Below => "<",
        }
    }

    /// The sign that says it fails: `<` for a `≥` condition.
    fn failing_symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "<",
            Comparison::Above => "≤",
            Comparison::AtMost => ">",
            Comparison::Below => "≥",
        }
    }
}

/// A condition: a measure compared with a threshold, with its name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub name_zh: String,
    pub name_en: String,
    pub measure: Measure,
    pub comparison: Comparison,
    pub threshold: f64,
    /// The measure's unit as shown (`%`, `万元`, `年`…).
    #[serde(default)]
    pub unit: String,
}

/// A gate: a condition, or conditions that must all hold, or of which one is enough.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Condition(Condition),
    All(Vec<Rule>),
    Any(Vec<Rule>),
}

impl Rule {
    /// Whether the rule holds, and if not, what is missing: every failing part of `All`, the
    /// nearest alternative of `Any`.
    pub fn check(&self, evidence: &impl Evidence, year: i32) -> Vec<Gap> {
        match self {
            Rule::Condition(c) => {
                let value = c.measure.value(evidence, year);
                if value.is_some_and(|v| c.comparison.holds(v, c.threshold)) {
                    Vec::new()
                } else {
                    vec![Gap::of(c, value)]
                }
            }
            Rule::All(rules) => rules.iter().flat_map(|r| r.check(evidence, year)).collect(),
            Rule::Any(rules) => {
                let mut best: Option<Vec<Gap>> = None;
                for rule in rules {
                    let gaps = rule.check(evidence, year);
                    if gaps.is_empty() {
                        return gaps;
                    }
                    let off = |g: &[Gap]| g.iter().map(|x| x.shortfall.max(0.05)).sum::<f64>();
                    if best.as_ref().is_none_or(|b| off(&gaps) < off(b)) {
                        best = Some(gaps);
                    }
                }
                best.unwrap_or_default()
            }
        }
    }

    pub(crate) fn conditions(&self) -> Vec<&Condition> {
        match self {
            Rule::Condition(c) => vec![c],
            Rule::All(rules) | Rule::Any(rules) => rules.iter().flat_map(Rule::conditions).collect(),
        }
    }
}

/// One end of a bracket and whether the bracket includes it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bound {
    pub value: f64,
    pub inclusive: bool,
}

/// A bracket of a scored item: values from `from` to `to` score `points`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bracket {
    #[serde(default)]
    pub from: Option<Bound>,
    #[serde(default)]
    pub to: Option<Bound>,
    pub points: f64,
}

impl Bracket {
    pub fn contains(&self, value: f64) -> bool {
        let above = self.from.is_none_or(|b| if b.inclusive { value >= b.value } else { value > b.value });
        let below = self.to.is_none_or(|b| if b.inclusive { value <= b.value } else { value < b.value });
        above && below
    }
}

/// A way of scoring an item: a measure and its brackets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scale {
    pub measure: Measure,
    pub brackets: Vec<Bracket>,
}

/// A scored indicator; with several scales the best one counts (the SRDI R&D input scores
/// the amount or the ratio, whichever is higher).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub group: String,
    pub max: f64,
    pub scales: Vec<Scale>,
}

/// The scoring table: items, the total to reach, and minima per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scoring {
    pub items: Vec<Item>,
    pub pass_total: f64,
    #[serde(default)]
    pub group_minima: BTreeMap<String, f64>,
    /// Names of the groups (Chinese, English).
    #[serde(default)]
    pub group_names: BTreeMap<String, (String, String)>,
}

/// The criteria of one tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierRules {
    pub tier: Tier,
    /// All must hold.
    pub gates: Vec<Rule>,
    /// The score that must be reached, unless a direct-pass condition holds.
    #[serde(default)]
    pub scoring: Option<Scoring>,
    /// Any one of these passes the scoring requirement (not the gates).
    #[serde(default)]
    pub direct_pass: Vec<Condition>,
}

/// A versioned, effective-dated rule set for every tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LadderRules {
    pub version: String,
    /// yyyymmdd from which the rules apply.
    pub effective_from: i64,
    pub source: String,
    pub tiers: Vec<TierRules>,
}

/// What the evaluation of a firm reads: its profiles by year and field, and its tiers.
pub trait Evidence {
    /// A profile field of `year`.
    fn field(&self, year: i32, field: &str) -> Option<f64>;
    /// Whether the firm holds `tier` (active) at the end of `year`.
    fn holds(&self, tier: Tier, year: i32) -> bool;
}

impl Measure {
    /// The profile fields the measure reads.
    pub fn fields(&self) -> Vec<String> {
        match self {
            Measure::Field { field } | Measure::Growth { field, .. } | Measure::Average { field, .. } => {
                vec![field.clone()]
            }
            Measure::Ratio { numerator, denominator } | Measure::RatioEachYear { numerator, denominator, .. } => {
                vec![numerator.clone(), denominator.clone()]
            }
            Measure::Sme | Measure::Holds { .. } => Vec::new(),
        }
    }

    /// The measure for year `year`; `None` when what it needs is missing.
    pub fn value(&self, evidence: &impl Evidence, year: i32) -> Option<f64> {
        let ratio = |n: &str, d: &str, y: i32| {
            let (n, d) = (evidence.field(y, n)?, evidence.field(y, d)?);
            (d > 0.0).then(|| n / d * 100.0)
        };
        match self {
            Measure::Field { field } => evidence.field(year, field),
            Measure::Ratio { numerator, denominator } => ratio(numerator, denominator, year),
            Measure::RatioEachYear { numerator, denominator, years } => (0..*years as i32)
                .map(|back| ratio(numerator, denominator, year - back))
                .try_fold(f64::INFINITY, |low, r| r.map(|r| low.min(r))),
            Measure::Growth { field, years } => {
                let (now, then) = (evidence.field(year, field)?, evidence.field(year - *years as i32, field)?);
                (then > 0.0 && now >= 0.0).then(|| ((now / then).powf(1.0 / f64::from(*years)) - 1.0) * 100.0)
            }
            Measure::Average { field, years } => {
                let values: Option<Vec<f64>> =
                    (0..*years as i32).map(|back| evidence.field(year - back, field)).collect();
                values.filter(|v| !v.is_empty()).map(|v| v.iter().sum::<f64>() / v.len() as f64)
            }
            Measure::Sme => {
                let employees = evidence.field(year, "employees")?;
                let revenue = evidence.field(year, "operating_revenue")?;
                Some(f64::from(u8::from(SizeBands::INDUSTRY_2011.classify(employees as u32, revenue).is_sme())))
            }
            Measure::Holds { tier } => Some(f64::from(u8::from(evidence.holds(*tier, year)))),
        }
    }
}

/// A criterion a firm misses, with the figures: "研发费用占营业收入比重 2.4% < 3%".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub criterion_zh: String,
    pub criterion_en: String,
    /// The firm's value, when known.
    pub actual: Option<f64>,
    pub comparison: &'static str,
    pub required: f64,
    pub unit: String,
    /// How far off, as a share of the requirement (0 = met, 1 = nothing of it; missing data 1).
    pub shortfall: f64,
    /// A standing the firm must already have (a lower tier, the SME size), not a figure it can
    /// work on: a firm missing one is not a candidate for the tier yet.
    pub standing: bool,
}

impl Gap {
    fn of(condition: &Condition, actual: Option<f64>) -> Gap {
        let shortfall = match actual {
            None => 1.0,
            Some(a) if condition.threshold.abs() > 1e-12 => {
                let off = match condition.comparison {
                    Comparison::AtLeast | Comparison::Above => condition.threshold - a,
                    Comparison::AtMost | Comparison::Below => a - condition.threshold,
                };
                (off / condition.threshold.abs()).clamp(0.0, 1.0)
            }
            Some(_) => 1.0,
        };
        Gap {
            criterion_zh: condition.name_zh.clone(),
            criterion_en: condition.name_en.clone(),
            actual,
            comparison: condition.comparison.failing_symbol(),
            required: condition.threshold,
            unit: condition.unit.clone(),
            shortfall,
            standing: matches!(condition.measure, Measure::Sme | Measure::Holds { .. }),
        }
    }

    /// "研发费用占营业收入比重 2.4% < 3%", or "… 无数据" when the firm's value is missing. One
    /// decimal, more when one would show the firm's value equal to the requirement
    /// ("4.97% < 5%", not "5% < 5%").
    pub fn message(&self, lang: Lang) -> String {
        let n = |v: f64, decimals: usize| {
            let text = format!("{v:.decimals$}");
            if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
        };
        let name = lang.pick(&self.criterion_zh, &self.criterion_en);
        match self.actual {
            Some(a) => {
                let decimals = (1..=4).find(|&d| n(a, d) != n(self.required, d)).unwrap_or(4);
                let (a, r) = (n(a, decimals), n(self.required, decimals.max(1)));
                format!("{name} {a}{} {} {r}{}", self.unit, self.comparison, self.unit)
            }
            None => format!("{name} {}", lang.pick("无数据", "no data")),
        }
    }
}

/// An item's score, for explaining a result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScore {
    pub code: String,
    pub group: String,
    pub points: f64,
    pub max: f64,
    /// The measured value of the scale that scored best.
    pub value: Option<f64>,
}

/// A firm measured against a tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub tier: Tier,
    pub version: String,
    /// Every gate holds, and the score or a direct-pass condition does.
    pub qualifies: bool,
    pub score: Option<f64>,
    pub group_scores: BTreeMap<String, f64>,
    pub items: Vec<ItemScore>,
    /// The direct-pass condition that holds, if any (its Chinese and English names).
    pub direct_pass: Option<(String, String)>,
    /// What the firm still misses.
    pub gaps: Vec<Gap>,
    /// How close the firm is: 1 when it qualifies, less the further off it is.
    pub closeness: f64,
}

impl Item {
    fn score(&self, evidence: &impl Evidence, year: i32) -> ItemScore {
        let mut best: (f64, Option<f64>) = (0.0, None);
        for scale in &self.scales {
            let value = scale.measure.value(evidence, year);
            let points = value
                .and_then(|v| scale.brackets.iter().find(|b| b.contains(v)))
                .map_or(0.0, |b| b.points)
                .min(self.max);
            if points > best.0 || best.1.is_none() {
                best = (points.max(best.0), value.or(best.1));
            }
        }
        ItemScore { code: self.code.clone(), group: self.group.clone(), points: best.0, max: self.max, value: best.1 }
    }
}

impl TierRules {
    /// Measures a firm for year `year` (its latest annual data).
    pub fn assess(&self, version: &str, evidence: &impl Evidence, year: i32) -> Assessment {
        let mut gaps: Vec<Gap> = self.gates.iter().flat_map(|g| g.check(evidence, year)).collect();
        let direct = self
            .direct_pass
            .iter()
            .find(|c| c.measure.value(evidence, year).is_some_and(|v| c.comparison.holds(v, c.threshold)));
        let (mut score, mut group_scores, mut items) = (None, BTreeMap::new(), Vec::new());
        let mut score_ok = true;
        if let Some(scoring) = &self.scoring {
            items = scoring.items.iter().map(|i| i.score(evidence, year)).collect();
            for item in &items {
                *group_scores.entry(item.group.clone()).or_insert(0.0) += item.points;
            }
            let total: f64 = items.iter().map(|i| i.points).sum();
            score = Some(total);
            let mut score_gaps = Vec::new();
            if total < scoring.pass_total {
                score_gaps.push(score_gap(("总分", "Total score"), total, scoring.pass_total));
            }
            for (group, minimum) in &scoring.group_minima {
                let got = group_scores.get(group).copied().unwrap_or(0.0);
                if got < *minimum {
                    let (zh, en) =
                        scoring.group_names.get(group).cloned().unwrap_or_else(|| (group.clone(), group.clone()));
                    score_gaps.push(score_gap((&format!("{zh}得分"), &format!("{en} score")), got, *minimum));
                }
            }
            score_ok = score_gaps.is_empty();
            if !score_ok && direct.is_none() {
                gaps.extend(score_gaps);
            }
        }
        let qualifies = gaps.is_empty() && (score_ok || direct.is_some());
        let closeness = if qualifies {
            1.0
        } else {
            // Each gap takes away its shortfall, weighted equally; at least a little for any.
            let off: f64 = gaps.iter().map(|g| g.shortfall.max(0.05)).sum();
            1.0 / (1.0 + off)
        };
        Assessment {
            tier: self.tier,
            version: version.to_owned(),
            qualifies,
            score,
            group_scores,
            items,
            direct_pass: direct.map(|c| (c.name_zh.clone(), c.name_en.clone())),
            gaps,
            closeness,
        }
    }
}

fn score_gap((zh, en): (&str, &str), got: f64, required: f64) -> Gap {
    Gap {
        criterion_zh: zh.to_owned(),
        criterion_en: en.to_owned(),
        actual: Some(got),
        comparison: "<",
        required,
        unit: String::new(),
        shortfall: ((required - got) / required.max(1e-9)).clamp(0.0, 1.0),
        standing: false,
    }
}

/// What is wrong with a rule set as written.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RulesError {
    #[error("the rule set cannot be read: {0}")]
    Syntax(String),
    #[error("{0}: unknown profile field '{1}'")]
    UnknownField(String, String),
    #[error("{0}: the brackets of an item must not overlap")]
    OverlappingBrackets(String),
    #[error("{0}: a bracket scores more than the item's maximum")]
    AboveMaximum(String),
    #[error("the rule set has no version")]
    NoVersion,
}

impl Localize for RulesError {
    fn code(&self) -> &'static str {
        "rules.invalid"
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (RulesError::Syntax(e), Lang::ZhCn) => format!("规则集格式有误：{e}"),
            (RulesError::UnknownField(at, f), Lang::ZhCn) => format!("{at}：“{f}”不是企业年度画像的字段"),
            (RulesError::OverlappingBrackets(at), Lang::ZhCn) => format!("{at}：评分档次相互重叠"),
            (RulesError::AboveMaximum(at), Lang::ZhCn) => format!("{at}：档次得分超过该项满分"),
            (RulesError::NoVersion, Lang::ZhCn) => "规则集缺少版本号".into(),
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

impl LadderRules {
    /// Checks fields, brackets and maxima: a rule set is refused before it is stored.
    pub fn check(&self) -> Result<(), RulesError> {
        if self.version.trim().is_empty() {
            return Err(RulesError::NoVersion);
        }
        let known = |field: &str| crate::profile::field(field).is_some();
        let fields = Measure::fields;
        for tier in &self.tiers {
            let at = tier.tier.as_str();
            let conditions = tier.gates.iter().flat_map(Rule::conditions).chain(&tier.direct_pass);
            for condition in conditions {
                if let Some(f) = fields(&condition.measure).into_iter().find(|f| !known(f)) {
                    return Err(RulesError::UnknownField(at.into(), f));
                }
            }
            for item in tier.scoring.iter().flat_map(|s| &s.items) {
                let at = format!("{at}.{}", item.code);
                for scale in &item.scales {
                    if let Some(f) = fields(&scale.measure).into_iter().find(|f| !known(f)) {
                        return Err(RulesError::UnknownField(at, f));
                    }
                    if scale.brackets.iter().any(|b| b.points > item.max + 1e-9) {
                        return Err(RulesError::AboveMaximum(at));
                    }
                    // Probe the edges of every bracket: no value may fall in two.
                    let mut probes: Vec<f64> =
                        scale.brackets.iter().flat_map(|b| [b.from, b.to]).flatten().map(|b| b.value).collect();
                    probes.extend(probes.clone().iter().flat_map(|p| [p - 1e-6, p + 1e-6]));
                    if probes.iter().any(|p| scale.brackets.iter().filter(|b| b.contains(*p)).count() > 1) {
                        return Err(RulesError::OverlappingBrackets(at));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn tier(&self, tier: Tier) -> Option<&TierRules> {
        self.tiers.iter().find(|t| t.tier == tier)
    }
}

// ----------------------------------------------------------------------- the 2022 defaults

/// MIIT 2022 (工信部企业〔2022〕63号) and the champion rules of 2023, as domain.md §3 reads them.
pub fn miit_2022() -> Result<LadderRules, ShippedRulesError> {
    crate::shipped::read("ladder_miit_2022.json", include_str!("../rules/ladder_miit_2022.json"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[derive(Default)]
    struct Firm {
        values: HashMap<(i32, &'static str), f64>,
        tiers: Vec<Tier>,
    }

    impl Firm {
        fn with(mut self, year: i32, pairs: &[(&'static str, f64)]) -> Firm {
            for (k, v) in pairs {
                self.values.insert((year, *k), *v);
            }
            self
        }
    }

    impl Evidence for Firm {
        fn field(&self, year: i32, field: &str) -> Option<f64> {
            self.values.iter().find(|((y, f), _)| *y == year && *f == field).map(|(_, v)| *v)
        }

        fn holds(&self, tier: Tier, _year: i32) -> bool {
            self.tiers.contains(&tier)
        }
    }

    /// An SME (100 staff, 5,000 万元 revenue) scoring 75 as an innovative SME (domain.md §3.2):
    /// self-developed class I IP 15, R&D exactly 3% 15 (the lower bound belongs to the bracket),
    /// growth 10% 15, debt exactly 55% 5 (55 is not below 55), no strategic field 5, main share
    /// 70% 20.
    fn innovative_candidate() -> Firm {
        Firm::default()
            .with(
                2023,
                &[
                    ("employees", 100.0),
                    ("operating_revenue", 5_000.0),
                    ("main_revenue", 3_500.0),
                    ("rd_expense", 150.0),
                    ("ip_class1_own", 1.0),
                    ("total_assets", 10_000.0),
                    ("total_liabilities", 5_500.0),
                    ("strategic_emerging", 0.0),
                ],
            )
            .with(2022, &[("main_revenue", 3_500.0 / 1.1)])
    }

    #[test]
    fn brackets_include_their_lower_bound_and_scores_add_up_by_group() {
        let rules = miit_2022().expect("the shipped rules read");
        let tier = rules.tier(Tier::InnovativeSme).expect("tier");
        let result = tier.assess(&rules.version, &innovative_candidate(), 2023);
        let points: Vec<(String, f64)> = result.items.iter().map(|i| (i.code.clone(), i.points)).collect();
        assert_eq!(
            points,
            [("ip", 15.0), ("rd_ratio", 15.0), ("growth", 15.0), ("debt", 5.0), ("field", 5.0), ("main_share", 20.0)]
                .map(|(c, p)| (c.to_owned(), p))
        );
        assert_eq!(result.score, Some(75.0));
        assert_eq!(result.group_scores.get("innovation"), Some(&30.0));
        assert!(result.qualifies && result.gaps.is_empty() && result.closeness == 1.0);
        assert_eq!(result.version, "MIIT-2022");
    }

    #[test]
    fn a_group_minimum_fails_a_passing_total_unless_a_direct_pass_holds() {
        let rules = miit_2022().expect("the shipped rules read");
        let tier = rules.tier(Tier::InnovativeSme).expect("tier");
        // Class II IP only (5) and R&D at 2% (10): innovation 15 < 20 although the total is 60.
        let firm =
            innovative_candidate().with(2023, &[("ip_class1_own", 0.0), ("ip_class2", 3.0), ("rd_expense", 100.0)]);
        let result = tier.assess(&rules.version, &firm, 2023);
        assert_eq!(result.score, Some(60.0));
        assert!(!result.qualifies);
        let messages: Vec<String> = result.gaps.iter().map(|g| g.message(Lang::ZhCn)).collect();
        assert_eq!(messages, ["创新能力得分 15 < 20"]);
        // A valid high-tech title passes directly.
        let titled = firm.with(2023, &[("qualified_title", 1.0)]);
        let result = tier.assess(&rules.version, &titled, 2023);
        assert!(result.qualifies && result.direct_pass.is_some());
        assert_eq!(result.direct_pass.map(|d| d.0), Some("拥有高新技术企业等有效资质".to_owned()));
    }

    #[test]
    fn srdi_gates_name_what_is_missing_with_the_figures() {
        let rules = miit_2022().expect("the shipped rules read");
        let tier = rules.tier(Tier::SrdiSme).expect("tier");
        let mut firm = innovative_candidate().with(
            2023,
            &[("operating_revenue", 999.0), ("rd_expense", 24.0), ("niche_years", 2.0), ("employees", 80.0)],
        );
        firm.tiers.push(Tier::InnovativeSme);
        let result = tier.assess(&rules.version, &firm, 2023);
        let messages: Vec<String> = result.gaps.iter().map(|g| g.message(Lang::ZhCn)).collect();
        // 24 万元 of R&D is under 100 and 2.4% of 999 under 3%; of revenue ≥ 1,000 or
        // financing ≥ 2,000 the nearer is named.
        assert!(messages.contains(&"研发费用总额 24万元 < 100万元".to_owned()), "{messages:?}");
        assert!(messages.contains(&"研发费用占营业收入比重 2.4% < 3%".to_owned()), "{messages:?}");
        assert!(messages.contains(&"营业收入 999万元 < 1000万元".to_owned()), "{messages:?}");
        assert!(!messages.iter().any(|m| m.starts_with("近2年新增股权融资")), "only the nearer alternative is named");
        assert!(!result.qualifies && result.closeness < 1.0);
        // At the thresholds exactly, the gates hold.
        let met = firm.with(2023, &[("operating_revenue", 3_500.0), ("rd_expense", 105.0)]);
        let result = tier.assess(&rules.version, &met, 2023);
        assert!(result.gaps.iter().all(|g| g.criterion_en == "Total score"), "{:?}", result.gaps);
    }

    #[test]
    fn little_giant_rd_intensity_depends_on_revenue_size() {
        let rules = miit_2022().expect("the shipped rules read");
        let tier = rules.tier(Tier::LittleGiant).expect("tier");
        let base: &[(&'static str, f64)] = &[
            ("employees", 200.0),
            ("main_revenue", 5_000.0),
            ("niche_years", 5.0),
            ("core_it_system", 1.0),
            ("management_certified", 1.0),
            ("total_assets", 10_000.0),
            ("total_liabilities", 4_000.0),
            ("niche_share", 12.0),
            ("own_brand", 1.0),
            ("chain_role", 2.0),
            ("rd_institution", 3.0),
            ("ip_class1", 2.0),
        ];
        let firm = |revenue: f64, rd_ratio: f64| {
            let mut f = Firm::default()
                .with(2023, base)
                .with(
                    2023,
                    &[
                        ("operating_revenue", revenue),
                        ("main_revenue", revenue * 0.8),
                        ("rd_expense", revenue * rd_ratio),
                    ],
                )
                .with(
                    2022,
                    &[
                        ("operating_revenue", revenue),
                        ("main_revenue", revenue * 0.8 / 1.1),
                        ("rd_expense", revenue * rd_ratio),
                    ],
                )
                .with(2021, &[("main_revenue", revenue * 0.8 / 1.21)]);
            f.tiers.push(Tier::SrdiSme);
            f
        };
        // 60 M CNY of revenue needs 6% in each of two years; 4% is not enough.
        let small = tier.assess(&rules.version, &firm(6_000.0, 0.04), 2023);
        assert!(!small.qualifies);
        assert!(small.gaps.iter().any(|g| g.message(Lang::ZhCn).contains("4% < 6%")), "{:?}", small.gaps);
        // From 100 M CNY, 3% is.
        let large = tier.assess(&rules.version, &firm(12_000.0, 0.04), 2023);
        assert!(large.qualifies, "{:?}", large.gaps);
        // Employees 200 and revenue 1.2 bn CNY would not be an SME: large firms are out.
        let big = tier.assess(&rules.version, &firm(50_000.0, 0.04).with(2023, &[("employees", 1_200.0)]), 2023);
        assert!(big.gaps.iter().any(|g| g.criterion_en.contains("small or medium")));
    }

    #[test]
    fn rule_sets_are_checked_before_they_are_stored() {
        let mut rules = miit_2022().expect("the shipped rules read");
        assert_eq!(rules.check(), Ok(()));
        let srdi = rules.tiers.iter_mut().find(|t| t.tier == Tier::SrdiSme).expect("tier");
        let scoring = srdi.scoring.as_mut().expect("scoring");
        scoring.items[0].scales[0].brackets[0].from = Some(Bound { value: 65.0, inclusive: true });
        assert!(matches!(rules.check(), Err(RulesError::OverlappingBrackets(_))));
        let mut rules = miit_2022().expect("the shipped rules read");
        rules.tiers[0].gates.push(Rule::Condition(Condition {
            name_zh: "x".into(),
            name_en: "x".into(),
            measure: Measure::Field { field: "steam".into() },
            comparison: Comparison::AtLeast,
            threshold: 1.0,
            unit: String::new(),
        }));
        assert_eq!(rules.check(), Err(RulesError::UnknownField("innovative_sme".into(), "steam".into())));
        assert_eq!(
            RulesError::UnknownField("innovative_sme".into(), "steam".into()).message(Lang::ZhCn),
            "innovative_sme：“steam”不是企业年度画像的字段"
        );
    }

    #[test]
    fn a_gap_shows_enough_decimals_to_tell_the_value_from_the_requirement() {
        let gap = |actual: f64, required: f64| Gap {
            criterion_zh: "增长率".into(),
            criterion_en: "Growth".into(),
            actual: Some(actual),
            comparison: "<",
            required,
            unit: "%".into(),
            shortfall: 0.0,
            standing: false,
        };
        assert_eq!(gap(2.4, 3.0).message(Lang::ZhCn), "增长率 2.4% < 3%");
        assert_eq!(gap(4.97, 5.0).message(Lang::ZhCn), "增长率 4.97% < 5%");
        assert_eq!(gap(4.9996, 5.0).message(Lang::En), "Growth 4.9996% < 5%");
        assert_eq!(gap(5000.0, 6000.0).message(Lang::ZhCn), "增长率 5000% < 6000%");
    }
}
