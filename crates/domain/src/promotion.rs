//! 小升规: below-scale industrial firms on their way into the above-scale set (domain.md §1).
//! The threshold is 20 M CNY of annual main-business revenue (§1.1); the pool signals are the
//! heuristics of §1.4, configurable: trailing-12-month revenue at a share of the threshold,
//! year-to-date revenue projected to the year end at the threshold, newly producing firms.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// A case's stage: pool → 准规上 → applied → admitted or rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromotionState {
    Pool,
    /// 准规上: revenue this year up to last month has reached the threshold (§1.2).
    Prospective,
    Applied,
    Admitted,
    Rejected,
}

impl PromotionState {
    pub const ALL: [PromotionState; 5] = [
        PromotionState::Pool,
        PromotionState::Prospective,
        PromotionState::Applied,
        PromotionState::Admitted,
        PromotionState::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PromotionState::Pool => "pool",
            PromotionState::Prospective => "prospective",
            PromotionState::Applied => "applied",
            PromotionState::Admitted => "admitted",
            PromotionState::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<PromotionState> {
        PromotionState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PromotionState::Pool => lang.pick("培育库", "In the pool"),
            PromotionState::Prospective => lang.pick("准规上", "Prospective"),
            PromotionState::Applied => lang.pick("已申报", "Applied"),
            PromotionState::Admitted => lang.pick("已入库", "Admitted"),
            PromotionState::Rejected => lang.pick("未通过", "Rejected"),
        }
    }

    /// Whether a case may move from `from` (None: no case yet) to `to`. A rejected case may go
    /// back to the pool; an admitted one is done.
    pub fn can_move(from: Option<PromotionState>, to: PromotionState) -> bool {
        use PromotionState::*;
        matches!(
            (from, to),
            (None, Pool | Prospective)
                | (Some(Pool), Prospective | Rejected)
                | (Some(Prospective), Applied | Pool | Rejected)
                | (Some(Applied), Admitted | Rejected)
                | (Some(Rejected), Pool)
        )
    }
}

/// The pool's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PromotionRules {
    /// Annual main-business revenue of the above-scale set, 万元 (2,000 since 2011).
    pub threshold_wan: f64,
    /// Trailing-12-month revenue at this share of the threshold flags a firm (0.5–0.75).
    pub pool_share: f64,
    /// Firms producing for fewer months than this are "newly producing".
    pub new_months: u32,
}

impl Default for PromotionRules {
    fn default() -> Self {
        PromotionRules { threshold_wan: 2_000.0, pool_share: 0.5, new_months: 24 }
    }
}

/// Why a firm is in the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Signal {
    /// Revenue this year has reached the threshold: a 准规上 firm.
    ReachedThreshold,
    /// The year-to-date revenue projected to December reaches the threshold.
    ProjectedToReach,
    /// Trailing-12-month revenue at the pool share of the threshold.
    Trailing12m,
    NewlyProducing,
}

impl Signal {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Signal::ReachedThreshold => lang.pick("本年营收已达2000万元", "Revenue this year has reached 20 M"),
            Signal::ProjectedToReach => lang.pick("预计年末达到2000万元", "Projected to reach 20 M by December"),
            Signal::Trailing12m => lang.pick("近12个月营收接近门槛", "Trailing 12 months near the threshold"),
            Signal::NewlyProducing => lang.pick("新投产企业", "Newly producing"),
        }
    }
}

/// A firm's revenue as the pool reads it, 万元.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Revenue {
    /// The twelve months through the month of the pool.
    pub trailing_12m: f64,
    /// January through the month of the pool.
    pub year_to_date: f64,
    /// Months of the year elapsed (1–12).
    pub months_elapsed: u32,
    /// Months since the firm first reported output, when known.
    pub months_producing: Option<u32>,
}

impl Revenue {
    /// `year_to_date × 12 / months_elapsed`.
    pub fn projected_year_end(&self) -> f64 {
        if self.months_elapsed == 0 { 0.0 } else { self.year_to_date * 12.0 / f64::from(self.months_elapsed) }
    }
}

/// The signals a below-scale firm shows, strongest first; empty: not a candidate.
pub fn signals(rules: &PromotionRules, revenue: &Revenue) -> Vec<Signal> {
    let mut found = Vec::new();
    if revenue.year_to_date >= rules.threshold_wan {
        found.push(Signal::ReachedThreshold);
    } else if revenue.projected_year_end() >= rules.threshold_wan {
        found.push(Signal::ProjectedToReach);
    }
    if revenue.trailing_12m >= rules.pool_share * rules.threshold_wan {
        found.push(Signal::Trailing12m);
    }
    if revenue.months_producing.is_some_and(|m| m < rules.new_months) && revenue.year_to_date > 0.0 {
        found.push(Signal::NewlyProducing);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pool_flags_reached_projected_near_and_new_firms() {
        let rules = PromotionRules::default();
        let revenue = |trailing: f64, ytd: f64, months: u32| Revenue {
            trailing_12m: trailing,
            year_to_date: ytd,
            months_elapsed: months,
            months_producing: Some(60),
        };
        // 1,800 by September projects to 2,400 by December.
        assert_eq!(signals(&rules, &revenue(1_900.0, 1_800.0, 9)), [Signal::ProjectedToReach, Signal::Trailing12m]);
        assert!((revenue(0.0, 1_800.0, 9).projected_year_end() - 2_400.0).abs() < 1e-9);
        assert_eq!(signals(&rules, &revenue(2_100.0, 2_000.0, 10)), [Signal::ReachedThreshold, Signal::Trailing12m]);
        // 999 trailing is below half the threshold; 1,000 is at it.
        assert_eq!(signals(&rules, &revenue(999.0, 600.0, 9)), []);
        assert_eq!(signals(&rules, &revenue(1_000.0, 600.0, 9)), [Signal::Trailing12m]);
        let new = Revenue { months_producing: Some(8), ..revenue(300.0, 300.0, 8) };
        assert_eq!(signals(&rules, &new), [Signal::NewlyProducing]);
    }

    #[test]
    fn cases_move_along_the_pipeline_only() {
        use PromotionState::*;
        assert!(PromotionState::can_move(None, Pool));
        assert!(PromotionState::can_move(Some(Pool), Prospective));
        assert!(PromotionState::can_move(Some(Prospective), Applied));
        assert!(PromotionState::can_move(Some(Applied), Admitted));
        assert!(PromotionState::can_move(Some(Rejected), Pool));
        assert!(!PromotionState::can_move(None, Admitted), "no admission without an application");
        assert!(!PromotionState::can_move(Some(Pool), Admitted));
        assert!(!PromotionState::can_move(Some(Admitted), Pool), "admitted is done");
    }
}
