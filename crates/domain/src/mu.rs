//! Per-mu efficiency evaluation (亩均效益综合评价, "亩均论英雄"). domain.md §4.
//!
//! A rule set names, per evaluation group (above-scale and below-scale firms are ranked
//! separately, §4.4), the indicators (a numerator over a denominator, e.g. taxes over land),
//! their weights, direction and benchmark, how values become points (ratio to a benchmark, or
//! min–max with a floor, §4.3), an optional cap per item, and the classes with their quotas
//! (A ≤ 20%, D ≥ 5%, …). Rule sets are data, versioned and effective-dated like the ladder's;
//! every result keeps the version, the raw values and the item points that made it.

use crate::shipped::ShippedRulesError;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localize};

/// The evaluation groups, each ranked on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    AboveScale,
    BelowScale,
}

impl Group {
    pub const ALL: [Group; 2] = [Group::AboveScale, Group::BelowScale];

    pub fn as_str(self) -> &'static str {
        match self {
            Group::AboveScale => "above_scale",
            Group::BelowScale => "below_scale",
        }
    }

    pub fn parse(text: &str) -> Option<Group> {
        Group::ALL.into_iter().find(|g| g.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Group::AboveScale => lang.pick("规上工业企业", "Above-scale firms"),
            Group::BelowScale => lang.pick("规下工业企业", "Below-scale firms"),
        }
    }
}

/// Where a number of an indicator comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A field of the firm's annual profile (domain::profile), e.g. `taxes_paid`.
    Profile { field: String },
    /// The land the firm uses, in mu.
    Land,
    /// The year's electricity use from the monthly reports, in 万kWh.
    Electricity,
}

/// Whether more is better (tax per mu) or less (energy per unit of output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// What an indicator's value is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Benchmark {
    /// A published figure (Huangyan 2022: tax per mu 24.097).
    Fixed(f64),
    /// `multiple` × the group's average of the indicator this year (Huai'an: about 2×).
    GroupAverage { multiple: f64 },
}

/// An indicator of a group: `numerator / denominator × factor`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit: String,
    pub numerator: Source,
    pub denominator: Source,
    /// Multiplies the ratio into the indicator's unit (1 unless stated).
    #[serde(default = "one")]
    pub factor: f64,
    pub weight: f64,
    pub direction: Direction,
    /// For ratio-to-benchmark scoring; min–max scoring ignores it.
    pub benchmark: Benchmark,
    /// Points at most `cap_multiple × weight` (none when absent). domain.md §4.3 ❓.
    #[serde(default)]
    pub cap_multiple: Option<f64>,
}

fn one() -> f64 {
    1.0
}

/// How values become points (domain.md §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scoring {
    /// `weight × value / benchmark`; lower-is-better: `weight × (2 − value / benchmark)`,
    /// not below 0.
    RatioToBenchmark,
    /// `weight × [floor + (100 − floor) × (x − min) / (max − min)] / 100` over the group.
    MinMax { floor: f64 },
}

/// A firm with no value for an indicator (no emissions reported): the group's average points
/// on it (Huangyan), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    AveragePoints,
    Zero,
}

/// Where a class ends, counted over the ranked group.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cut {
    /// The classes down to this one hold at most this share of the group, from the top (A ≤ 20%,
    /// A + B ≤ 60%). Firms tied at the edge stay together below it.
    TopAtMost(f64),
    /// This class, the last one, holds at least this share, from the bottom (D ≥ 5%). Firms tied
    /// at the edge come in together.
    BottomAtLeast(f64),
    /// Whatever the others leave.
    Rest,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassRule {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub cut: Cut,
}

/// The rules of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRules {
    pub group: Group,
    /// Firms with less land are not evaluated (below-scale: 3 mu in Huai'an).
    #[serde(default)]
    pub min_land_mu: f64,
    pub indicators: Vec<Indicator>,
    pub scoring: Scoring,
    pub missing: Missing,
    /// Best first: top cuts, the rest, the bottom cut.
    pub classes: Vec<ClassRule>,
    /// Industry 大类 rated but not graded (T类: water, power and gas suppliers 44–46).
    #[serde(default)]
    pub exempt_divisions: Vec<u8>,
    /// Firms established within this many years are rated but not graded.
    #[serde(default)]
    pub exempt_new_years: Option<u32>,
}

/// A versioned 亩均 rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MuRules {
    pub version: String,
    /// yyyymmdd.
    pub effective_from: i64,
    pub source: String,
    pub groups: Vec<GroupRules>,
}

impl MuRules {
    pub fn group(&self, group: Group) -> Option<&GroupRules> {
        self.groups.iter().find(|g| g.group == group)
    }

    /// Checks a rule set before it is stored.
    pub fn check(&self) -> Result<(), MuRulesError> {
        if self.version.trim().is_empty() {
            return Err(MuRulesError::NoVersion);
        }
        for g in &self.groups {
            if g.indicators.is_empty() {
                return Err(MuRulesError::NoIndicators(g.group.as_str()));
            }
            for i in &g.indicators {
                for source in [&i.numerator, &i.denominator] {
                    if let Source::Profile { field } = source
                        && crate::profile::field(field).is_none()
                    {
                        return Err(MuRulesError::UnknownField(i.code.clone(), field.clone()));
                    }
                }
                if !(i.weight.is_finite() && i.weight > 0.0) {
                    return Err(MuRulesError::BadWeight(i.code.clone()));
                }
                if let Benchmark::Fixed(b) = i.benchmark
                    && !(b.is_finite() && b > 0.0)
                {
                    return Err(MuRulesError::BadBenchmark(i.code.clone()));
                }
            }
            let shares: Vec<f64> = g
                .classes
                .iter()
                .filter_map(|c| match c.cut {
                    Cut::TopAtMost(s) => Some(s),
                    _ => None,
                })
                .collect();
            let bottoms = g.classes.iter().filter(|c| matches!(c.cut, Cut::BottomAtLeast(_))).count();
            let rests = g.classes.iter().filter(|c| matches!(c.cut, Cut::Rest)).count();
            let ordered = shares.windows(2).all(|w| w[0] < w[1]) && shares.iter().all(|s| (0.0..=1.0).contains(s));
            let last_is_bottom = bottoms == 0 || matches!(g.classes.last().map(|c| c.cut), Some(Cut::BottomAtLeast(_)));
            if rests != 1 || bottoms > 1 || !ordered || !last_is_bottom {
                return Err(MuRulesError::BadClasses(g.group.as_str()));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MuRulesError {
    #[error("the rule set has no version")]
    NoVersion,
    #[error("group {0} has no indicator")]
    NoIndicators(&'static str),
    #[error("{0}: unknown profile field '{1}'")]
    UnknownField(String, String),
    #[error("{0}: the weight must be above 0")]
    BadWeight(String),
    #[error("{0}: the benchmark must be above 0")]
    BadBenchmark(String),
    #[error(
        "group {0}: classes must be top shares in rising order, one 'rest' class, and at most one bottom share, last"
    )]
    BadClasses(&'static str),
}

impl Localize for MuRulesError {
    fn code(&self) -> &'static str {
        "mu_rules.invalid"
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (MuRulesError::NoVersion, Lang::ZhCn) => "规则集缺少版本号".into(),
            (MuRulesError::NoIndicators(g), Lang::ZhCn) => format!("评价组{g}没有指标"),
            (MuRulesError::UnknownField(i, f), Lang::ZhCn) => format!("{i}：“{f}”不是企业年度画像的字段"),
            (MuRulesError::BadWeight(i), Lang::ZhCn) => format!("{i}：权重应大于0"),
            (MuRulesError::BadBenchmark(i), Lang::ZhCn) => format!("{i}：基准值应大于0"),
            (MuRulesError::BadClasses(g), Lang::ZhCn) => {
                format!("评价组{g}：分类应为由高到低的累计比例上限、一个“其余”类，以及最后至多一个末位比例下限")
            }
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

/// What the evaluation reads of a firm.
pub trait MuEvidence {
    fn source(&self, source: &Source) -> Option<f64>;
    /// The firm's industry 大类 (0 when unknown).
    fn division(&self) -> u8;
    /// Whole years since establishment at the end of the evaluation year, where known.
    fn years_established(&self) -> Option<u32>;
}

/// An indicator of a firm: its value and the points it earned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub code: String,
    pub value: Option<f64>,
    pub points: f64,
    /// The benchmark applied (ratio scoring).
    pub benchmark: Option<f64>,
    /// No value: the points are the group's average (or zero).
    pub imputed: bool,
}

/// A firm's result in its group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MuResult {
    /// The caller's index of the firm.
    pub firm: usize,
    pub total: f64,
    pub items: Vec<ItemResult>,
    /// 1 = best; firms with equal totals share a rank. None for exempt firms.
    pub rank: Option<usize>,
    /// The class code, or None when rated but not graded (T类).
    pub class: Option<String>,
    pub exempt: bool,
}

/// Points of one value under ratio scoring.
fn ratio_points(indicator: &Indicator, value: f64, benchmark: f64) -> f64 {
    let ratio = value / benchmark;
    let raw = match indicator.direction {
        Direction::HigherIsBetter => indicator.weight * ratio,
        Direction::LowerIsBetter => indicator.weight * (2.0 - ratio),
    };
    let capped = indicator.cap_multiple.map_or(raw, |c| raw.min(c * indicator.weight));
    capped.max(0.0)
}

/// The value of an indicator for a firm: numerator / denominator × factor, when both are
/// known and the denominator is positive.
pub fn indicator_value(indicator: &Indicator, evidence: &impl MuEvidence) -> Option<f64> {
    let (n, d) = (evidence.source(&indicator.numerator)?, evidence.source(&indicator.denominator)?);
    (d > 0.0 && n.is_finite()).then(|| n / d * indicator.factor)
}

/// Scores and classes every firm of a group. `firms[i]` is firm `i` of the results.
pub fn evaluate<E: MuEvidence>(rules: &GroupRules, firms: &[E]) -> Vec<MuResult> {
    let values: Vec<Vec<Option<f64>>> =
        firms.iter().map(|f| rules.indicators.iter().map(|i| indicator_value(i, f)).collect()).collect();
    let mut points: Vec<Vec<Option<f64>>> = vec![vec![None; rules.indicators.len()]; firms.len()];
    let mut benchmarks: Vec<Option<f64>> = vec![None; rules.indicators.len()];
    for (k, indicator) in rules.indicators.iter().enumerate() {
        let present: Vec<f64> = values.iter().filter_map(|v| v[k]).collect();
        if present.is_empty() {
            continue;
        }
        match rules.scoring {
            Scoring::RatioToBenchmark => {
                let benchmark = match indicator.benchmark {
                    Benchmark::Fixed(b) => b,
                    Benchmark::GroupAverage { multiple } => {
                        multiple * present.iter().sum::<f64>() / present.len() as f64
                    }
                };
                benchmarks[k] = Some(benchmark);
                if benchmark > 0.0 {
                    for (f, v) in values.iter().enumerate() {
                        points[f][k] = v[k].map(|x| ratio_points(indicator, x, benchmark));
                    }
                }
            }
            Scoring::MinMax { floor } => {
                let (min, max) =
                    present.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| (lo.min(*x), hi.max(*x)));
                for (f, v) in values.iter().enumerate() {
                    points[f][k] = v[k].map(|x| {
                        let position = if max > min {
                            match indicator.direction {
                                Direction::HigherIsBetter => (x - min) / (max - min),
                                Direction::LowerIsBetter => (max - x) / (max - min),
                            }
                        } else {
                            1.0
                        };
                        indicator.weight * (floor + (100.0 - floor) * position) / 100.0
                    });
                }
            }
        }
    }
    let averages: Vec<f64> = (0..rules.indicators.len())
        .map(|k| {
            let got: Vec<f64> = points.iter().filter_map(|p| p[k]).collect();
            if got.is_empty() { 0.0 } else { got.iter().sum::<f64>() / got.len() as f64 }
        })
        .collect();
    let mut results: Vec<MuResult> = firms
        .iter()
        .enumerate()
        .map(|(f, evidence)| {
            let items: Vec<ItemResult> = rules
                .indicators
                .iter()
                .enumerate()
                .map(|(k, indicator)| {
                    let imputed = points[f][k].is_none();
                    let fallback = match rules.missing {
                        Missing::AveragePoints => averages[k],
                        Missing::Zero => 0.0,
                    };
                    ItemResult {
                        code: indicator.code.clone(),
                        value: values[f][k],
                        points: points[f][k].unwrap_or(fallback),
                        benchmark: benchmarks[k],
                        imputed,
                    }
                })
                .collect();
            let exempt = rules.exempt_divisions.contains(&evidence.division())
                || rules.exempt_new_years.is_some_and(|n| evidence.years_established().is_some_and(|y| y < n));
            MuResult { firm: f, total: items.iter().map(|i| i.points).sum(), items, rank: None, class: None, exempt }
        })
        .collect();
    classify(rules, &mut results);
    results
}

/// Totals rounded to the hundredth decide ties, as published lists show two decimals.
fn tie_key(total: f64) -> i64 {
    (total * 100.0).round() as i64
}

/// Ranks the graded firms by total and gives each its class under the quotas. Ties share a rank
/// and a class: at a top edge they stay below it (so "at most" holds), at the bottom edge they
/// come in together (so "at least" holds).
fn classify(rules: &GroupRules, results: &mut [MuResult]) {
    let mut order: Vec<usize> = (0..results.len()).filter(|&i| !results[i].exempt).collect();
    order.sort_by(|&a, &b| results[b].total.total_cmp(&results[a].total).then(a.cmp(&b)));
    let n = order.len();
    if n == 0 {
        return;
    }
    // Tie groups as [start, end) ranges of `order`.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (i, &f) in order.iter().enumerate() {
        match groups.last_mut() {
            Some((_, end)) if tie_key(results[order[*end - 1]].total) == tie_key(results[f].total) => *end = i + 1,
            _ => groups.push((i, i + 1)),
        }
    }
    for &(start, end) in &groups {
        for &f in &order[start..end] {
            results[f].rank = Some(start + 1);
        }
    }
    let mut class_of: Vec<Option<usize>> = vec![None; groups.len()];
    // The bottom class first: whole tie groups from the bottom until its share is reached.
    if let Some((c, Cut::BottomAtLeast(share))) =
        rules.classes.iter().enumerate().map(|(c, r)| (c, r.cut)).find(|(_, cut)| matches!(cut, Cut::BottomAtLeast(_)))
    {
        let wanted = (share * n as f64 - 1e-9).ceil().max(0.0) as usize;
        let mut taken = 0;
        for g in (0..groups.len()).rev() {
            if taken >= wanted {
                break;
            }
            class_of[g] = Some(c);
            taken += groups[g].1 - groups[g].0;
        }
    }
    // Top classes: cumulative shares from the top, whole tie groups that still fit.
    let mut g = 0;
    for (c, rule) in rules.classes.iter().enumerate() {
        let Cut::TopAtMost(share) = rule.cut else { continue };
        let limit = (share * n as f64 + 1e-9).floor() as usize;
        while g < groups.len() && class_of[g].is_none() && groups[g].1 <= limit {
            class_of[g] = Some(c);
            g += 1;
        }
    }
    let rest = rules.classes.iter().position(|r| matches!(r.cut, Cut::Rest));
    for (i, &(start, end)) in groups.iter().enumerate() {
        let class = class_of[i].or(rest).map(|c| rules.classes[c].code.clone());
        for &f in &order[start..end] {
            results[f].class = class.clone();
        }
    }
}

/// Counts of each class code, for the summary of a run.
pub fn class_counts(results: &[MuResult]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for r in results {
        *counts.entry(r.class.clone().unwrap_or_else(|| "T".into())).or_insert(0) += 1;
    }
    counts
}

// ---------------------------------------------------------------------------- the default

/// The shipped default: Huangyan's 2022 indicators, weights and benchmarks (domain.md §4.2,
/// §4.3 [S42]) with Huai'an's class quotas (A top 20%, B to 60%, C, D bottom 5%, §4.4 [S45]).
/// Benchmarks in 万元/亩, 万元/tce, 万元/t, 万元/人, a ratio for R&D and 万元/万kWh (元/kWh)
/// for tax per electricity; R&D intensity as a fraction (0.0302), as published.
pub fn huangyan_2022() -> Result<MuRules, ShippedRulesError> {
    crate::shipped::read("mu_huangyan_2022.json", include_str!("../rules/mu_huangyan_2022.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Firm {
        tax: Option<f64>,
        land: f64,
        division: u8,
        age: Option<u32>,
    }

    impl MuEvidence for Firm {
        fn source(&self, source: &Source) -> Option<f64> {
            match source {
                Source::Land => Some(self.land),
                Source::Profile { field } if field == "taxes_paid" => self.tax,
                _ => None,
            }
        }
        fn division(&self) -> u8 {
            self.division
        }
        fn years_established(&self) -> Option<u32> {
            self.age
        }
    }

    fn firm(tax: f64) -> Firm {
        Firm { tax: Some(tax), land: 10.0, division: 33, age: Some(10) }
    }

    /// One indicator, tax per mu, weight 100, benchmark 10 万元/亩.
    fn tax_rules(scoring: Scoring) -> GroupRules {
        let mut rules = huangyan_2022().expect("the shipped rules read").groups.remove(1);
        rules.indicators.truncate(1);
        rules.indicators[0].weight = 100.0;
        rules.indicators[0].benchmark = Benchmark::Fixed(10.0);
        rules.scoring = scoring;
        rules
    }

    #[test]
    fn the_shipped_rules_are_valid_and_a_benchmark_firm_scores_the_weight() {
        let rules = huangyan_2022().expect("the shipped rules read");
        rules.check().expect("valid");
        let above = rules.group(Group::AboveScale).expect("above");
        assert_eq!(above.indicators.iter().map(|i| i.weight).sum::<f64>(), 100.0, "30+20+20+10+10+10");
        // A firm paying exactly Huangyan's 2022 benchmark, 24.097 万元 per mu, earns all 30 points.
        let tax = &above.indicators[0];
        assert!((ratio_points(tax, 24.097, 24.097) - 30.0).abs() < 1e-12);
        assert!((ratio_points(tax, 36.1455, 24.097) - 45.0).abs() < 1e-9, "1.5 × the benchmark, 1.5 × 30");
        let mut capped = tax.clone();
        capped.cap_multiple = Some(1.2);
        assert!((ratio_points(&capped, 48.194, 24.097) - 36.0).abs() < 1e-9, "capped at 1.2 × 30");
        let mut lower = tax.clone();
        lower.direction = Direction::LowerIsBetter;
        assert!((ratio_points(&lower, 12.0485, 24.097) - 45.0).abs() < 1e-9, "(2 − 0.5) × 30");
        assert_eq!(ratio_points(&lower, 60.0, 24.097), 0.0, "floored at 0");
    }

    #[test]
    fn quotas_hold_with_ties_at_each_edge() {
        let rules = tax_rules(Scoring::RatioToBenchmark);
        // Twenty firms, taxes 20, 19, …, 1 per mu … with ties: positions 4 and 5 tie (A's edge
        // at 20% = 4 firms), and the last two tie (D's edge at 5% = 1 firm).
        let taxes = [
            200.0, 190.0, 180.0, 170.0, 170.0, 150.0, 140.0, 130.0, 120.0, 110.0, 100.0, 90.0, 80.0, 70.0, 60.0, 50.0,
            40.0, 30.0, 10.0, 10.0,
        ];
        let firms: Vec<Firm> = taxes.iter().map(|t| firm(*t)).collect();
        let results = evaluate(&rules, &firms);
        let class = |i: usize| results[i].class.clone().unwrap_or_default();
        // A ≤ 20% (4): the tie at 4–5 would make 5, so both stay in B: A has 3.
        assert_eq!((0..20).filter(|&i| class(i) == "A").count(), 3);
        assert_eq!((class(3), class(4)), ("B".into(), "B".into()));
        assert_eq!((results[3].rank, results[4].rank), (Some(4), Some(4)), "a tie shares its rank");
        // A + B ≤ 60% (12): firms 4–12 are B.
        assert_eq!((0..20).filter(|&i| class(i) == "B").count(), 9);
        // D ≥ 5% (1): the last two tie, so both are D.
        assert_eq!((class(18), class(19)), ("D".into(), "D".into()));
        assert_eq!((0..20).filter(|&i| class(i) == "C").count(), 6);
        // Totals: 100 × tax/mu / 10 = tax / 1 (land 10 mu): firm 0 has 200 points.
        assert!((results[0].total - 200.0).abs() < 1e-9);
    }

    #[test]
    fn exempt_firms_are_rated_not_graded_and_missing_values_get_the_average() {
        let rules = tax_rules(Scoring::RatioToBenchmark);
        let firms = vec![
            firm(100.0),
            firm(50.0),
            Firm { division: 44, ..firm(500.0) },
            Firm { age: Some(1), ..firm(400.0) },
            Firm { tax: None, ..firm(0.0) },
        ];
        let results = evaluate(&rules, &firms);
        assert!(results[2].exempt && results[2].class.is_none() && results[2].rank.is_none(), "a power supplier");
        assert!(results[3].exempt, "in production for less than two years");
        assert!((results[2].total - 500.0).abs() < 1e-9, "rated all the same");
        // Missing: the average points of the firms with a value, (100 + 50 + 500 + 400) / 4.
        assert!(results[4].items[0].imputed);
        assert!((results[4].total - 262.5).abs() < 1e-9);
        assert_eq!(results[4].rank, Some(1), "it ranks among the graded firms on its imputed total");
        assert_eq!(class_counts(&results).get("T"), Some(&2));
    }

    #[test]
    fn min_max_scoring_runs_from_the_floor_to_the_weight() {
        let rules = tax_rules(Scoring::MinMax { floor: 20.0 });
        let firms = vec![firm(100.0), firm(50.0), firm(200.0)];
        let results = evaluate(&rules, &firms);
        // Weight 100: min (50) → 20 points, max (200) → 100, 100 → 20 + 80 × 50/150 = 46.67.
        assert!((results[1].total - 20.0).abs() < 1e-9);
        assert!((results[2].total - 100.0).abs() < 1e-9);
        assert!((results[0].total - (20.0 + 80.0 / 3.0)).abs() < 1e-9);
        let mut avg = tax_rules(Scoring::RatioToBenchmark);
        avg.indicators[0].benchmark = Benchmark::GroupAverage { multiple: 2.0 };
        // Benchmark 2 × the average of 10, 5 and 20 per mu = 23.33: 100 × 10 / 23.33 = 42.86.
        let results = evaluate(&avg, &firms);
        assert!((results[0].total - 100.0 * 10.0 / (2.0 * 35.0 / 3.0)).abs() < 1e-9);
        assert!((results[0].items[0].benchmark.unwrap_or(0.0) - 70.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn malformed_rule_sets_are_refused() {
        let mut rules = huangyan_2022().expect("the shipped rules read");
        rules.groups[0].indicators[0].numerator = Source::Profile { field: "tax".into() };
        assert!(matches!(rules.check(), Err(MuRulesError::UnknownField(..))));
        let mut rules = huangyan_2022().expect("the shipped rules read");
        rules.groups[0].classes.swap(0, 1);
        assert_eq!(rules.check(), Err(MuRulesError::BadClasses("above_scale")));
        let mut rules = huangyan_2022().expect("the shipped rules read");
        rules.groups[1].indicators[0].weight = 0.0;
        assert!(matches!(rules.check(), Err(MuRulesError::BadWeight(_))));
        assert!(MuRulesError::NoVersion.message(Lang::ZhCn).contains("版本"));
    }
}
