//! Annual targets (目标任务) and how far along they are: time progress (序时进度), completion,
//! the gap in percentage points, and traffic lights. domain.md §2.5.
//!
//! ```text
//! time_progress(N) = N / 12                      after month N (or day of year / days in year)
//! completion       = YTD actual / annual target
//! gap_pp           = (completion − time_progress) × 100     "超序时进度" if > 0, "滞后" if < 0
//! ```
//!
//! Growth-rate targets ("规上工业增加值增长9%") have no time progress: their gap is the
//! cumulative growth less the target growth, in percentage points.

use serde::Serialize;

use crate::lang::Lang;
use crate::period::Month;

/// What a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A year-on-year growth rate of an indicator, in percent (same caliber, cumulative).
    Growth,
    /// A cumulative amount of an indicator over the year, in the indicator's unit.
    Level,
    /// A number of firms or items over the year (新增规上企业, 新增"小巨人", 上云企业…).
    Count,
}

impl TargetKind {
    pub const ALL: [TargetKind; 3] = [TargetKind::Growth, TargetKind::Level, TargetKind::Count];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Growth => "growth",
            TargetKind::Level => "level",
            TargetKind::Count => "count",
        }
    }

    pub fn parse(text: &str) -> Option<TargetKind> {
        TargetKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TargetKind::Growth => lang.pick("增速", "Growth"),
            TargetKind::Level => lang.pick("总量", "Amount"),
            TargetKind::Count => lang.pick("数量", "Count"),
        }
    }
}

/// How elapsed time is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeBasis {
    /// N/12 after month N (the default, as bureaus write it).
    Months,
    /// Day of the year over the days of the year, at the end of the month.
    Days,
}

/// 序时进度 at the end of `month`, as a fraction of the year.
pub fn time_progress(month: Month, basis: TimeBasis) -> f64 {
    match basis {
        TimeBasis::Months => f64::from(month.month()) / 12.0,
        TimeBasis::Days => {
            let year = i64::from(month.year());
            let first = crate::period::days_from_civil(year, 1, 1);
            let next = month.next();
            let end = crate::period::days_from_civil(i64::from(next.year()), next.month(), 1);
            let days_in_year = crate::period::days_from_civil(year + 1, 1, 1) - first;
            (end - first) as f64 / days_in_year as f64
        }
    }
}

/// Where a target stands after some months of the year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    /// Growth: the cumulative growth in percent. Level and count: completion as a fraction.
    pub actual: f64,
    /// Level and count: 序时进度 as a fraction; `None` for growth targets.
    pub time_progress: Option<f64>,
    /// Ahead (> 0) or behind (< 0), in percentage points.
    pub gap_pp: f64,
}

/// The progress of a level or count target: `ytd` achieved of `annual` by `time_progress`.
/// `None` without a positive target.
pub fn quantity_progress(ytd: f64, annual: f64, time_progress: f64) -> Option<Progress> {
    (annual > 0.0).then(|| {
        let completion = ytd / annual;
        Progress {
            actual: completion,
            time_progress: Some(time_progress),
            gap_pp: (completion - time_progress) * 100.0,
        }
    })
}

/// The progress of a growth target: cumulative growth `growth_percent` against the target.
pub fn growth_progress(growth_percent: f64, target_percent: f64) -> Progress {
    Progress { actual: growth_percent, time_progress: None, gap_pp: growth_percent - target_percent }
}

/// A traffic light.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
}

impl Light {
    pub fn as_str(self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Yellow => "yellow",
            Light::Red => "red",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Light::Green => lang.pick("绿灯", "Green"),
            Light::Yellow => lang.pick("黄灯", "Yellow"),
            Light::Red => lang.pick("红灯", "Red"),
        }
    }
}

/// When a light turns yellow or red: behind by at least `yellow_pp` (and less than `red_pp`)
/// is yellow, by `red_pp` or more red. Bureaus set these per city; the defaults are the
/// issue's example for quantities (10 and 30 pp behind time progress) and 1 and 3 pp below a
/// growth target. With `green_needs_average`, green also needs a value at least the city's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LightRule {
    pub yellow_pp: f64,
    pub red_pp: f64,
    pub green_needs_average: bool,
}

impl LightRule {
    pub const QUANTITY_DEFAULT: LightRule = LightRule { yellow_pp: 10.0, red_pp: 30.0, green_needs_average: false };
    pub const GROWTH_DEFAULT: LightRule = LightRule { yellow_pp: 1.0, red_pp: 3.0, green_needs_average: false };

    pub fn default_for(kind: TargetKind) -> LightRule {
        match kind {
            TargetKind::Growth => LightRule::GROWTH_DEFAULT,
            TargetKind::Level | TargetKind::Count => LightRule::QUANTITY_DEFAULT,
        }
    }

    /// Thresholds must be non-negative and red at least as far behind as yellow.
    pub fn is_valid(&self) -> bool {
        self.yellow_pp.is_finite() && self.red_pp.is_finite() && 0.0 <= self.yellow_pp && self.yellow_pp <= self.red_pp
    }

    /// The light of a gap; `at_least_average` says whether the unit is at or above the city's
    /// value (ignored unless the rule asks for it).
    pub fn light(&self, gap_pp: f64, at_least_average: bool) -> Light {
        let behind = -gap_pp;
        if behind >= self.red_pp {
            Light::Red
        } else if behind >= self.yellow_pp || (self.green_needs_average && !at_least_average) {
            Light::Yellow
        } else {
            Light::Green
        }
    }
}

/// "超序时进度13.8个百分点" / "滞后序时进度2.0个百分点" / "与序时进度持平", as bureaus write it.
pub fn describe_time_gap(gap_pp: f64, lang: Lang) -> String {
    let rounded = (gap_pp * 10.0).round() / 10.0;
    match lang {
        Lang::ZhCn if rounded > 0.0 => format!("超序时进度{rounded:.1}个百分点"),
        Lang::ZhCn if rounded < 0.0 => format!("滞后序时进度{:.1}个百分点", -rounded),
        Lang::ZhCn => "与序时进度持平".to_owned(),
        Lang::En if rounded > 0.0 => format!("{rounded:.1} pp ahead of time progress"),
        Lang::En if rounded < 0.0 => format!("{:.1} pp behind time progress", -rounded),
        Lang::En => "level with time progress".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        Month::parse(text).expect(text)
    }

    #[test]
    fn time_progress_gaps_reproduce_the_four_published_examples() {
        // domain.md §2.5: [S17] 1–10月 629.0/647.4, +13.8 pp; [S18] 1–3月 30.90%, +5.90 pp;
        // [S19] 1–5月 44%, +2.3 pp; [S20] 1–7月 75.8%, +17.5 pp.
        let cases = [
            ("2023-10", 629.0, 647.4, 13.8),
            ("2023-03", 30.90, 100.0, 5.9),
            ("2023-05", 44.0, 100.0, 2.3),
            ("2023-07", 75.8, 100.0, 17.5),
        ];
        for (m, ytd, annual, published) in cases {
            let progress = quantity_progress(ytd, annual, time_progress(month(m), TimeBasis::Months)).expect("target");
            assert!((progress.gap_pp - published).abs() < 0.05, "{m}: {} against {published}", progress.gap_pp);
        }
        let october = quantity_progress(629.0, 647.4, time_progress(month("2023-10"), TimeBasis::Months));
        assert!(october.is_some_and(|p| (p.actual * 100.0 - 97.16).abs() < 0.005));
        assert_eq!(describe_time_gap(13.82, Lang::ZhCn), "超序时进度13.8个百分点");
        assert_eq!(describe_time_gap(-2.04, Lang::ZhCn), "滞后序时进度2.0个百分点");
        assert_eq!(quantity_progress(5.0, 0.0, 0.5), None, "no target, no progress");
    }

    #[test]
    fn day_based_progress_counts_the_days_to_the_end_of_the_month() {
        // End of February 2024 (a leap year): 60 of 366 days.
        assert!((time_progress(month("2024-02"), TimeBasis::Days) - 60.0 / 366.0).abs() < 1e-12);
        assert!((time_progress(month("2023-12"), TimeBasis::Days) - 1.0).abs() < 1e-12);
        assert!((time_progress(month("2023-06"), TimeBasis::Months) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn lights_turn_at_the_configured_thresholds() {
        let rule = LightRule::QUANTITY_DEFAULT;
        assert_eq!(rule.light(5.0, false), Light::Green);
        assert_eq!(rule.light(-9.99, false), Light::Green);
        assert_eq!(rule.light(-10.0, false), Light::Yellow, "10 pp behind is yellow");
        assert_eq!(rule.light(-29.9, false), Light::Yellow);
        assert_eq!(rule.light(-30.0, false), Light::Red);
        let strict = LightRule { green_needs_average: true, ..rule };
        assert_eq!(strict.light(2.0, false), Light::Yellow, "ahead but below the city average");
        assert_eq!(strict.light(2.0, true), Light::Green);
        assert_eq!(strict.light(-40.0, true), Light::Red);
        let growth = growth_progress(4.1, 9.0);
        assert!((growth.gap_pp + 4.9).abs() < 1e-9);
        assert_eq!(LightRule::GROWTH_DEFAULT.light(growth.gap_pp, true), Light::Red);
        assert!(!LightRule { yellow_pp: 5.0, red_pp: 2.0, green_needs_average: false }.is_valid());
    }
}
