//! Growth arithmetic of operations monitoring (运行监测). domain.md §2.3–§2.4.
//!
//! Same-caliber (同口径) year-on-year growth compares a set of enterprises with **the same
//! set** a year earlier:
//!
//! ```text
//! S_t        = enterprises in scope in period t (e.g. above-scale members in month t)
//! X_cur      = Σ_{e∈S_t} x_e(t)
//! X_prev_cmp = Σ_{e∈S_t} x_e(t − 12 months)
//! yoy        = X_cur / X_prev_cmp − 1
//! ```
//!
//! The sums come from storage (which knows the set); the arithmetic on them lives here.

use serde::Serialize;

/// Below this absolute total change, contribution shares are meaningless and shown as "—".
pub const CONTRIBUTION_EPSILON: f64 = 1e-9;

/// A current value and its same-caliber comparison base.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Comparison {
    pub current: f64,
    /// The same enterprises' value in the same period last year.
    pub previous: f64,
}

impl Comparison {
    pub fn new(current: f64, previous: f64) -> Comparison {
        Comparison { current, previous }
    }

    /// ΔX = X_cur − X_prev_cmp.
    pub fn delta(&self) -> f64 {
        self.current - self.previous
    }

    /// Year-on-year growth as a fraction (0.025 = +2.5%). `None` without a positive base.
    pub fn growth(&self) -> Option<f64> {
        (self.previous > 0.0).then(|| self.current / self.previous - 1.0)
    }

    /// Growth in percent (2.5 = +2.5%).
    pub fn growth_percent(&self) -> Option<f64> {
        self.growth().map(|g| g * 100.0)
    }

    /// 贡献率: this part's share of the total's change, in percent. `None` when the total
    /// barely changed, where the share has no meaning.
    pub fn contribution_share(&self, total: &Comparison) -> Option<f64> {
        let total_delta = total.delta();
        (total_delta.abs() > CONTRIBUTION_EPSILON).then(|| self.delta() / total_delta * 100.0)
    }

    /// 拉动: this part's change relative to the total's base, in percentage points. The pulls
    /// of all parts add up to the total's growth in percent.
    pub fn pull_pp(&self, total: &Comparison) -> Option<f64> {
        (total.previous > 0.0).then(|| self.delta() / total.previous * 100.0)
    }

    /// Adds two parts into their total.
    pub fn plus(&self, other: &Comparison) -> Comparison {
        Comparison { current: self.current + other.current, previous: self.previous + other.previous }
    }
}

/// Two-year average growth from the growth against two years ago: `sqrt(1 + g₂) − 1`
/// (domain.md §2.6).
pub fn two_year_average(growth_vs_two_years_ago: f64) -> f64 {
    (1.0 + growth_vs_two_years_ago).sqrt() - 1.0
}

/// The increment of a part known only by its level and growth rate: `X − X/(1+g)` (§2.4).
pub fn increment_from_level(level: f64, growth: f64) -> f64 {
    level - level / (1.0 + growth)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn contribution_and_pull_reproduce_the_published_worked_check() {
        // domain.md §2.4 [S14]: part 2556 → 3433, total 4888 → 6341:
        // pull 17.9 pp, contribution 60.4% (recomputed 17.94 and 60.36).
        let part = Comparison::new(3433.0, 2556.0);
        let total = Comparison::new(6341.0, 4888.0);
        let pull = part.pull_pp(&total).expect("base");
        let share = part.contribution_share(&total).expect("change");
        assert!(close(pull, 17.94, 0.005), "{pull}");
        assert!(close(share, 60.36, 0.005), "{share}");
    }

    #[test]
    fn increments_from_levels_reproduce_the_investment_example() {
        // [S15]: manufacturing 23.58 bn at +27%; total 40.98 bn at +19.6%:
        // contribution 74.65%, pull 14.63 pp.
        let part_delta = increment_from_level(23.58, 0.27);
        let total_delta = increment_from_level(40.98, 0.196);
        let part = Comparison::new(23.58, 23.58 - part_delta);
        let total = Comparison::new(40.98, 40.98 - total_delta);
        assert!(close(part.contribution_share(&total).expect("change"), 74.65, 0.01));
        assert!(close(part.pull_pp(&total).expect("base"), 14.63, 0.01));
    }

    #[test]
    fn pulls_add_up_to_the_total_growth_and_shares_to_one_hundred() {
        let parts = [Comparison::new(120.0, 100.0), Comparison::new(45.0, 50.0), Comparison::new(10.0, 0.0)];
        let total = parts.iter().fold(Comparison::new(0.0, 0.0), |acc, p| acc.plus(p));
        let pulls: f64 = parts.iter().filter_map(|p| p.pull_pp(&total)).sum();
        let shares: f64 = parts.iter().filter_map(|p| p.contribution_share(&total)).sum();
        assert!(close(pulls, total.growth_percent().expect("base"), 1e-9));
        assert!(close(shares, 100.0, 1e-9));
    }

    #[test]
    fn growth_needs_a_positive_base_and_shares_a_real_change() {
        assert_eq!(Comparison::new(5.0, 0.0).growth(), None);
        assert!(close(Comparison::new(102.5, 100.0).growth_percent().expect("base"), 2.5, 1e-9));
        let flat = Comparison::new(100.0, 100.0);
        assert_eq!(Comparison::new(3.0, 1.0).contribution_share(&flat), None);
    }

    #[test]
    fn two_year_average_reproduces_the_published_example() {
        // [S22]: +13.5% against 2019 → two-year average 6.5% (recomputed 6.54%).
        assert!(close(two_year_average(0.135) * 100.0, 6.54, 0.005));
    }
}
