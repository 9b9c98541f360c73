//! Alerts on firms (预警): year-on-year decline beyond thresholds, decline several months
//! running, no report, electricity against output (domain.md §8.3), and months that break the
//! firm's own seasonal pattern. Each alert lists its firms, worst first.

use serde::Serialize;
use xinzhi_domain::Month;

use crate::cube::{Cube, Series};
use crate::measures::{FirmFigure, Window};

/// Alert thresholds. Bureaus set their own; the defaults follow the examples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlertRules {
    /// Declines (in percent, positive numbers) that are counted, e.g. 10 and 20.
    pub decline_pct: [f64; 2],
    /// Months of year-on-year decline in a row that make a streak.
    pub streak_months: usize,
    /// Electricity and output growth in opposite directions by at least this (percent).
    pub divergence_pct: f64,
    /// How far (in median absolute deviations) a month's share of its year may stray.
    pub outlier_mads: f64,
    /// Years of history an outlier needs.
    pub outlier_years: usize,
}

impl Default for AlertRules {
    fn default() -> AlertRules {
        AlertRules {
            decline_pct: [10.0, 20.0],
            streak_months: 3,
            divergence_pct: 10.0,
            outlier_mads: 4.0,
            outlier_years: 3,
        }
    }
}

/// A firm named by an alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FirmAlert {
    /// Index in the cube (the caller turns it into a code and name).
    pub firm: usize,
    /// The figure the alert is about (e.g. the growth in percent, or the month's share).
    pub value: f64,
    /// A second figure where the alert compares two (electricity growth; the usual share).
    pub other: Option<f64>,
}

/// Firms whose growth fell below each threshold, and the firms of the deepest, worst first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Declines {
    pub window: Window,
    /// (threshold in percent, firms below −threshold).
    pub counts: Vec<(f64, usize)>,
    /// Firms with a decline of at least the first threshold, by their absolute drop.
    pub firms: Vec<FirmAlert>,
    /// The firms compared (with a base last year).
    pub compared: usize,
}

/// Declines among firm figures (same-caliber firm comparisons).
/// Percent figures are compared with a little slack, so that −20% computed as
/// 80 / 100 − 1 = −19.999999999999996% still counts as a 20% decline.
const SLACK_PCT: f64 = 1e-9;

pub fn declines(figures: &[FirmFigure], window: Window, rules: &AlertRules) -> Declines {
    let with_base: Vec<(&FirmFigure, f64)> =
        figures.iter().filter_map(|f| f.comparison.growth_percent().map(|g| (f, g))).collect();
    let counts = rules
        .decline_pct
        .iter()
        .map(|&t| (t, with_base.iter().filter(|(_, g)| *g <= -t + SLACK_PCT).count()))
        .collect();
    let mut firms: Vec<(&FirmFigure, f64)> =
        with_base.iter().copied().filter(|(_, g)| *g <= -rules.decline_pct[0] + SLACK_PCT).collect();
    firms.sort_by(|a, b| a.0.comparison.delta().total_cmp(&b.0.comparison.delta()));
    Declines {
        window,
        counts,
        firms: firms.into_iter().map(|(f, g)| FirmAlert { firm: f.firm, value: g, other: None }).collect(),
        compared: with_base.len(),
    }
}

/// Firms whose month was below the same month a year earlier for `rules.streak_months`
/// months running, ending at `month`; `value` is the streak's length.
pub fn streaks(cube: &Cube, series: &Series, members: &[usize], month: Month, rules: &AlertRules) -> Vec<FirmAlert> {
    let Some(end) = cube.month_index(month) else { return Vec::new() };
    let mut found: Vec<FirmAlert> = members
        .iter()
        .filter_map(|&firm| {
            let row = cube.row(series, firm);
            let mut length = 0;
            let mut m = end as i64;
            while m >= 12 {
                let (now, before) = (row[m as usize], row[m as usize - 12]);
                if now.is_nan() || before.is_nan() || before <= 0.0 || now >= before {
                    break;
                }
                length += 1;
                m -= 1;
            }
            let growth = {
                let (now, before) = (row[end], if end >= 12 { row[end - 12] } else { f64::NAN });
                (before > 0.0).then(|| (now / before - 1.0) * 100.0)
            };
            (length >= rules.streak_months).then_some(FirmAlert { firm, value: length as f64, other: growth })
        })
        .collect();
    found.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.other.unwrap_or(0.0).total_cmp(&b.other.unwrap_or(0.0))));
    found
}

/// Members without a counted value of `series` in `month` (no report, or a draft or returned
/// one): the 未报 list.
pub fn not_reporting(cube: &Cube, series: &Series, members: &[usize], month: Month) -> Vec<usize> {
    let Some(m) = cube.month_index(month) else { return members.to_vec() };
    members.iter().copied().filter(|&f| cube.row(series, f)[m].is_nan()).collect()
}

/// Electricity and output moving apart (cumulative growth in opposite directions by at least
/// the divergence): `value` is output growth, `other` electricity growth, both in percent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Divergence {
    /// Electricity up, output down: output under-reported, or a firm losing efficiency.
    pub power_up_output_down: Vec<FirmAlert>,
    /// Output up, electricity down: output over-reported, or a real efficiency gain.
    pub output_up_power_down: Vec<FirmAlert>,
}

pub fn divergence(output: &[FirmFigure], electricity: &[FirmFigure], rules: &AlertRules) -> Divergence {
    let power: std::collections::HashMap<usize, f64> =
        electricity.iter().filter_map(|f| f.comparison.growth_percent().map(|g| (f.firm, g))).collect();
    let t = rules.divergence_pct;
    let mut result = Divergence { power_up_output_down: Vec::new(), output_up_power_down: Vec::new() };
    for figure in output {
        let (Some(g_out), Some(&g_power)) = (figure.comparison.growth_percent(), power.get(&figure.firm)) else {
            continue;
        };
        let alert = FirmAlert { firm: figure.firm, value: g_out, other: Some(g_power) };
        if g_power >= t - SLACK_PCT && g_out <= -t + SLACK_PCT {
            result.power_up_output_down.push(alert);
        } else if g_out >= t - SLACK_PCT && g_power <= -t + SLACK_PCT {
            result.output_up_power_down.push(alert);
        }
    }
    let gap = |a: &FirmAlert| (a.value - a.other.unwrap_or(0.0)).abs();
    result.power_up_output_down.sort_by(|a, b| gap(b).total_cmp(&gap(a)));
    result.output_up_power_down.sort_by(|a, b| gap(b).total_cmp(&gap(a)));
    result
}

/// Months that break the firm's own seasonal pattern: the month's share of its twelve months
/// (the month and the eleven before) against the same share in earlier years. An outlier
/// strays from the median of earlier years by more than `outlier_mads` median absolute
/// deviations (with a floor of a tenth of the median, so that a perfectly regular history does
/// not flag every wobble). `value` is this year's share, `other` the usual one.
pub fn seasonal_outliers(
    cube: &Cube,
    series: &Series,
    members: &[usize],
    month: Month,
    rules: &AlertRules,
) -> Vec<FirmAlert> {
    let Some(end) = cube.month_index(month) else { return Vec::new() };
    let share = |row: &[f64], m: usize| -> Option<f64> {
        if m < 11 {
            return None;
        }
        let window = &row[m - 11..=m];
        if window.iter().any(|v| v.is_nan()) {
            return None;
        }
        let total: f64 = window.iter().sum();
        (total > 0.0).then(|| row[m] / total)
    };
    let mut found: Vec<(FirmAlert, f64)> = members
        .iter()
        .filter_map(|&firm| {
            let row = cube.row(series, firm);
            let now = share(row, end)?;
            let mut history: Vec<f64> = (1..=rules.outlier_years)
                .filter_map(|years| end.checked_sub(12 * years).and_then(|m| share(row, m)))
                .collect();
            if history.len() < rules.outlier_years {
                return None;
            }
            let usual = median(&mut history);
            let mut deviations: Vec<f64> = history.iter().map(|h| (h - usual).abs()).collect();
            let spread = median(&mut deviations).max(usual * 0.1);
            let distance = (now - usual).abs() / spread;
            (distance > rules.outlier_mads).then_some((FirmAlert { firm, value: now, other: Some(usual) }, distance))
        })
        .collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1));
    found.into_iter().map(|(alert, _)| alert).collect()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return 0.0;
    }
    if n % 2 == 1 { values[n / 2] } else { (values[n / 2 - 1] + values[n / 2]) / 2.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xinzhi_domain::Comparison;

    fn figure(firm: usize, current: f64, previous: f64) -> FirmFigure {
        FirmFigure { firm, comparison: Comparison::new(current, previous), reported: true }
    }

    #[test]
    fn declines_count_each_threshold_and_list_the_largest_drops_first() {
        let figures = [
            figure(0, 89.0, 100.0),   // −11%
            figure(1, 790.0, 1000.0), // −21%, the largest drop
            figure(2, 95.0, 100.0),   // −5%
            figure(3, 50.0, 0.0),     // no base: not compared
            figure(4, 80.0, 100.0),   // −20% exactly
        ];
        let found = declines(&figures, Window::YearToDate, &AlertRules::default());
        assert_eq!(found.counts, vec![(10.0, 3), (20.0, 2)]);
        assert_eq!(found.compared, 4);
        assert_eq!(found.firms.iter().map(|f| f.firm).collect::<Vec<_>>(), [1, 4, 0]);
    }

    #[test]
    fn divergence_needs_both_directions_beyond_the_threshold() {
        let output = [figure(0, 85.0, 100.0), figure(1, 120.0, 100.0), figure(2, 95.0, 100.0)];
        let power = [figure(0, 112.0, 100.0), figure(1, 80.0, 100.0), figure(2, 130.0, 100.0)];
        let found = divergence(&output, &power, &AlertRules::default());
        assert_eq!(found.power_up_output_down.iter().map(|f| f.firm).collect::<Vec<_>>(), [0]);
        assert_eq!(found.output_up_power_down.iter().map(|f| f.firm).collect::<Vec<_>>(), [1]);
        assert!((found.power_up_output_down[0].value + 15.0).abs() < 1e-9);
    }

    #[test]
    fn the_median_of_an_even_count_is_the_middle_pair() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0, 4.0]), 2.5);
        assert_eq!(median(&mut [5.0]), 5.0);
    }
}
