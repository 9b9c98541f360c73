//! The monthly reporting calendar: when a month's report is due, whether one came in on time,
//! and whether a firm may still write its month (lock after the deadline, with exceptions).
//! Times are unix seconds; days are China Standard Time.

use serde::Serialize;

use crate::Month;
use crate::period::{CST_OFFSET_SECONDS, days_from_civil};

/// The first second after the deadline: the end of `deadline_day` of the month after `period`,
/// China Standard Time. A report submitted before this instant is on time.
pub fn deadline_end(period: Month, deadline_day: u32) -> i64 {
    let due = period.next();
    end_of_day(i64::from(due.year()), due.month(), deadline_day)
}

/// The first second after the civil day (CST).
fn end_of_day(year: i64, month: u32, day: u32) -> i64 {
    (days_from_civil(year, month, day) + 1) * 86_400 - CST_OFFSET_SECONDS
}

/// The first second after a `yyyymmdd` day (CST); `None` if it is not a date.
pub fn end_of_yyyymmdd(date: i64) -> Option<i64> {
    let (year, month, day) = (date / 10_000, (date / 100 % 100) as u32, (date % 100) as u32);
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && crate::period::civil_from_days(days_from_civil(year, month, day)) == (year, month, day);
    valid.then(|| end_of_day(year, month, day))
}

/// Where a firm that must report stands for a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Submitted (or approved) before the deadline.
    OnTime,
    /// Submitted after the deadline.
    Late,
    /// Nothing submitted: no report, a draft, or a returned report not yet resubmitted.
    Missing,
}

/// `submitted_at` is when the report was (last) submitted; `counts` says whether its status
/// counts as reported (submitted or approved, not a draft or a returned report).
pub fn timeliness(submitted_at: Option<i64>, counts: bool, deadline_end: i64) -> Timeliness {
    match submitted_at {
        Some(at) if counts && at < deadline_end => Timeliness::OnTime,
        Some(_) if counts => Timeliness::Late,
        _ => Timeliness::Missing,
    }
}

/// Whether a month is still open for writing at `now`: always, unless the data set locks after
/// the deadline; then until the deadline, or until the end of the firm's exception day.
pub fn window_open(now: i64, deadline_end: i64, lock_after_deadline: bool, exception_until: Option<i64>) -> bool {
    !lock_after_deadline || now < deadline_end || exception_until.and_then(end_of_yyyymmdd).is_some_and(|end| now < end)
}

/// What a statistics-bureau figure measures (domain.md §2.1–2.2): the month's or the
/// cumulative 1—N月 level, or their year-on-year growth in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficialMeasure {
    Month,
    Cumulative,
    MonthGrowth,
    CumulativeGrowth,
}

impl OfficialMeasure {
    pub const ALL: [OfficialMeasure; 4] = [
        OfficialMeasure::Month,
        OfficialMeasure::Cumulative,
        OfficialMeasure::MonthGrowth,
        OfficialMeasure::CumulativeGrowth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OfficialMeasure::Month => "month",
            OfficialMeasure::Cumulative => "cumulative",
            OfficialMeasure::MonthGrowth => "month_growth",
            OfficialMeasure::CumulativeGrowth => "cumulative_growth",
        }
    }

    pub fn parse(text: &str) -> Option<OfficialMeasure> {
        OfficialMeasure::ALL.into_iter().find(|m| m.as_str() == text)
    }

    /// Whether the figure is a growth rate in percent rather than a level.
    pub fn is_growth(self) -> bool {
        matches!(self, OfficialMeasure::MonthGrowth | OfficialMeasure::CumulativeGrowth)
    }

    /// The plausible bounds of a region's official figure: a growth rate cannot fall below
    /// −100% and is taken as a typing error above +1,000%; a level is at most 10^12 in its unit
    /// (a province's year is about 10^10 万元) and may be negative (profit).
    pub fn bounds(self) -> (f64, f64) {
        if self.is_growth() { (-100.0, 1_000.0) } else { (-1e12, 1e12) }
    }
}

/// A cumulative value (1—N月累计) that does not fit the months already reported.
#[derive(Debug, Clone, PartialEq)]
pub enum CumulativeProblem {
    /// The month's value and the cumulative value do not add up.
    Inconsistent { month: f64, cumulative: f64, earlier: f64 },
    /// The cumulative value is below what the earlier months already add up to.
    BelowEarlier { cumulative: f64, earlier: f64 },
}

impl crate::Localize for CumulativeProblem {
    fn code(&self) -> &'static str {
        match self {
            CumulativeProblem::Inconsistent { .. } => "cumulative.inconsistent",
            CumulativeProblem::BelowEarlier { .. } => "cumulative.below_earlier",
        }
    }

    fn message(&self, lang: crate::Lang) -> String {
        let n = |v: f64| {
            let text = format!("{v:.4}");
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        };
        match (self, lang) {
            (CumulativeProblem::Inconsistent { month, cumulative, earlier }, crate::Lang::ZhCn) => format!(
                "本月值{}与累计值不符：累计{}减去此前各月已报合计{}应为{}",
                n(*month),
                n(*cumulative),
                n(*earlier),
                n(cumulative - earlier)
            ),
            (CumulativeProblem::Inconsistent { month, cumulative, earlier }, crate::Lang::En) => format!(
                "the month's value {} does not match the cumulative value: {} minus the {} already reported for the earlier months is {}",
                n(*month),
                n(*cumulative),
                n(*earlier),
                n(cumulative - earlier)
            ),
            (CumulativeProblem::BelowEarlier { cumulative, earlier }, crate::Lang::ZhCn) => {
                format!("累计值{}小于此前各月已报合计{}", n(*cumulative), n(*earlier))
            }
            (CumulativeProblem::BelowEarlier { cumulative, earlier }, crate::Lang::En) => format!(
                "the cumulative value {} is below the {} already reported for the earlier months",
                n(*cumulative),
                n(*earlier)
            ),
        }
    }
}

/// How far a cumulative value may be from the sum of the months: half a unit of the last
/// shown decimal for each month of the range, since each month was rounded on its own.
pub fn cumulative_tolerance(decimals: u8, months: u32) -> f64 {
    0.5 * 10f64.powi(-i32::from(decimals)) * f64::from(months.max(1))
}

/// The month's value of a flow from its cumulative value and the sum of the earlier months of
/// the year (domain.md §2.2: month N = 1—N月 − 1—(N−1)月). When the month's value is given as
/// well, the two must agree within `tolerance`, and the given value is kept.
pub fn month_from_cumulative(
    cumulative: f64,
    earlier: f64,
    month: Option<f64>,
    tolerance: f64,
) -> Result<f64, CumulativeProblem> {
    let derived = cumulative - earlier;
    match month {
        Some(month) if (month - derived).abs() > tolerance => {
            Err(CumulativeProblem::Inconsistent { month, cumulative, earlier })
        }
        Some(month) => Ok(month),
        None if derived < -tolerance => Err(CumulativeProblem::BelowEarlier { cumulative, earlier }),
        None => Ok(derived.max(0.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_follows_from_the_cumulative_value_and_the_earlier_months() {
        // March: 1—3月 300, January and February reported 120 + 90 = 210, so March is 90.
        let tolerance = cumulative_tolerance(1, 3);
        assert!((tolerance - 0.15).abs() < 1e-12);
        assert_eq!(month_from_cumulative(300.0, 210.0, None, tolerance), Ok(90.0));
        assert_eq!(month_from_cumulative(300.0, 210.0, Some(90.1), tolerance), Ok(90.1), "rounding is allowed");
        assert_eq!(
            month_from_cumulative(300.0, 210.0, Some(100.0), tolerance),
            Err(CumulativeProblem::Inconsistent { month: 100.0, cumulative: 300.0, earlier: 210.0 })
        );
        assert_eq!(
            month_from_cumulative(200.0, 210.0, None, tolerance),
            Err(CumulativeProblem::BelowEarlier { cumulative: 200.0, earlier: 210.0 })
        );
        assert_eq!(month_from_cumulative(300.0, 0.0, None, tolerance), Ok(300.0), "January is its own total");
        use crate::Localize;
        let message = CumulativeProblem::Inconsistent { month: 100.0, cumulative: 300.0, earlier: 210.0 };
        assert_eq!(message.message(crate::Lang::ZhCn), "本月值100与累计值不符：累计300减去此前各月已报合计210应为90");
    }

    fn month(text: &str) -> Month {
        Month::parse(text).expect("month")
    }

    #[test]
    fn the_march_report_is_due_by_the_end_of_april_10_beijing_time() {
        // 2024-04-11 00:00 CST is 2024-04-10 16:00 UTC = 1712764800 (date -d '2024-04-10 16:00Z' +%s).
        assert_eq!(deadline_end(month("2024-03"), 10), 1_712_764_800);
        // December's report is due in January of the next year: 2025-01-11 00:00 CST.
        assert_eq!(deadline_end(month("2024-12"), 10), 1_736_524_800);
    }

    #[test]
    fn a_report_is_on_time_up_to_the_last_second_of_the_deadline_day() {
        let end = deadline_end(month("2024-03"), 10);
        assert_eq!(timeliness(Some(end - 1), true, end), Timeliness::OnTime);
        assert_eq!(timeliness(Some(end), true, end), Timeliness::Late);
        assert_eq!(timeliness(Some(end - 100), false, end), Timeliness::Missing, "returned, not resubmitted");
        assert_eq!(timeliness(None, false, end), Timeliness::Missing);
    }

    #[test]
    fn a_locked_month_opens_again_for_a_firm_with_an_exception() {
        let end = deadline_end(month("2024-03"), 10);
        assert!(window_open(end - 1, end, true, None));
        assert!(!window_open(end, end, true, None));
        assert!(window_open(end + 86_400 * 30, end, false, None), "no lock, always open");
        // An exception to 2024-04-15 keeps the month open until 2024-04-16 00:00 CST.
        let exception_end = end + 5 * 86_400;
        assert!(window_open(exception_end - 1, end, true, Some(20_240_415)));
        assert!(!window_open(exception_end, end, true, Some(20_240_415)));
        assert!(!window_open(end, end, true, Some(20_240_231)), "not a date");
        assert_eq!(end_of_yyyymmdd(20_240_229), Some(end_of_yyyymmdd(20_240_228).unwrap_or(0) + 86_400));
        assert_eq!(end_of_yyyymmdd(20_230_229), None);
    }
}
