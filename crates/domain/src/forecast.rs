//! Year-end forecasts from the months so far and the seasonal pattern of earlier years: by
//! month m, earlier years had reached a share s of their year's total; this year's total is
//! then what it has reached divided by s. The spread of the shares across years gives the
//! range. A growth rate divides this year's projected total by last year's, projected the
//! same way from last year's own share (the same firms, same caliber).

use serde::Serialize;

/// How likely a target is to be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    /// Even the low end of the range reaches the target.
    LikelyMet,
    /// The target lies within the range.
    AtRisk,
    /// Even the high end falls short.
    Unlikely,
}

impl Outlook {
    pub fn label(self, lang: crate::Lang) -> &'static str {
        match self {
            Outlook::LikelyMet => lang.pick("预计完成", "Likely met"),
            Outlook::AtRisk => lang.pick("存在风险", "At risk"),
            Outlook::Unlikely => lang.pick("预计难以完成", "Unlikely"),
        }
    }
}

/// A projected year-end value with its range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Projection {
    pub expected: f64,
    pub low: f64,
    pub high: f64,
}

/// How uncertain the rest of a year is at least, as a fraction of the projected total per unit
/// of the year still to come: a few years' shares may agree by chance. Sums of many firms'
/// output are steady; counts of firms entering a set come in lumps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread(pub f64);

impl Spread {
    /// For sums of an indicator (growth and level targets): ±3.7% of the total at the end of
    /// January, ±2% at midyear.
    pub const SUMS: Spread = Spread(0.04);
    /// For counts (new above-scale firms, designations, recognitions): ±23% at the end of
    /// January.
    pub const COUNTS: Spread = Spread(0.25);
}

/// The year-end total of what reached `so_far` by month `month` at which earlier years had
/// reached the given shares of their totals (each in (0, 1]). The range is the shares' spread
/// across years, at least `spread` of the total times the part of the calendar year still to
/// come. `None` without a usable share.
pub fn project(so_far: f64, shares: &[f64], spread: Spread, month: u32) -> Option<Projection> {
    let shares: Vec<f64> = shares.iter().copied().filter(|s| s.is_finite() && *s > 0.0 && *s <= 1.5).collect();
    if shares.is_empty() {
        return None;
    }
    let mean = shares.iter().sum::<f64>() / shares.len() as f64;
    let (min, max) = shares.iter().fold((f64::MAX, f64::MIN), |(lo, hi), s| (lo.min(*s), hi.max(*s)));
    let to_come = f64::from(12u32.saturating_sub(month)) / 12.0;
    let floor = mean * spread.0 * to_come;
    let (min, max) = (min.min(mean - floor).max(f64::EPSILON), max.max(mean + floor));
    let a = so_far / max;
    let b = so_far / min;
    Some(Projection { expected: so_far / mean, low: a.min(b), high: a.max(b) })
}

/// A year-end growth rate in percent: this year's projected total against last year's, whose
/// values through the month were `previous` and whose own share by then was `last_share`.
pub fn project_growth(current: f64, previous: f64, last_share: f64, shares: &[f64], month: u32) -> Option<Projection> {
    if previous <= 0.0 || last_share.is_nan() || last_share <= 0.0 {
        return None;
    }
    let this_year = project(current, shares, Spread::SUMS, month)?;
    let last_year = previous / last_share;
    let growth = |total: f64| (total / last_year - 1.0) * 100.0;
    Some(Projection { expected: growth(this_year.expected), low: growth(this_year.low), high: growth(this_year.high) })
}

/// Whether a target of `value` (more is better) will be met by a projection.
pub fn outlook(value: f64, projection: &Projection) -> Outlook {
    if projection.low >= value {
        Outlook::LikelyMet
    } else if projection.high < value {
        Outlook::Unlikely
    } else {
        Outlook::AtRisk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_is_what_it_reached_over_the_usual_share_with_the_spread_as_range() {
        // By June earlier years had 45% and 50% of their totals: 900 so far → 1800–2000, 1894.7.
        let p = project(900.0, &[0.45, 0.5], Spread::SUMS, 6).expect("a projection");
        assert!((p.expected - 900.0 / 0.475).abs() < 1e-9);
        assert!((p.low - 1800.0).abs() < 1e-9 && (p.high - 2000.0).abs() < 1e-9);
        assert_eq!(project(900.0, &[], Spread::SUMS, 6), None);
        assert_eq!(project(900.0, &[0.0, f64::NAN], Spread::SUMS, 6), None);
        // One year's share alone still leaves a range: ±4% × 6/12 of the total at midyear.
        let one = project(500.0, &[0.5], Spread::SUMS, 6).expect("a projection");
        assert!((one.expected - 1000.0).abs() < 1e-9);
        assert!((one.low - 500.0 / 0.51).abs() < 1e-9 && (one.high - 500.0 / 0.49).abs() < 1e-9);
    }

    #[test]
    fn growth_compares_with_last_years_total_projected_from_its_own_share() {
        // 1.1 million this year, 1.0 last year through June; last year had 50% by June and so
        // did the years before: 2.2 against 2.0, 10% growth.
        let p = project_growth(1_100.0, 1_000.0, 0.5, &[0.5], 6).expect("a growth");
        assert!((p.expected - 10.0).abs() < 1e-9);
        assert!(p.low < 10.0 && p.high > 10.0);
        assert_eq!(project_growth(1_100.0, 0.0, 0.5, &[0.5], 6), None);
    }

    #[test]
    fn the_outlook_reads_the_range_against_the_target() {
        let p = Projection { expected: 6.0, low: 5.0, high: 7.0 };
        assert_eq!(outlook(5.0, &p), Outlook::LikelyMet);
        assert_eq!(outlook(6.5, &p), Outlook::AtRisk);
        assert_eq!(outlook(7.5, &p), Outlook::Unlikely);
    }
}
