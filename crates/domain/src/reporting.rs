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
}

#[cfg(test)]
mod tests {
    use super::*;

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
