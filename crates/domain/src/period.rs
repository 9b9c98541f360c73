//! Reporting periods with ISO-like codes: a month `2024-03`, a year `2024`.
//!
//! Months are stored as the integer `yyyymm` (202403) in the database. Cumulative figures
//! (1—N月) are ranges of months from January, see [`Month::year_to_date`]. domain.md §2.2.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::lang::{Lang, Localize};

/// Earliest and latest years a period may name; outside them a value is surely a typo.
const MIN_YEAR: i32 = 1949;
const MAX_YEAR: i32 = 2200;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Month {
    year: i32,
    month: u8,
}

/// A calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Year(pub i32);

/// A month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Month(Month),
    Year(Year),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("'{0}' is not a period: use 2024-03 for a month or 2024 for a year")]
    Format(String),
    #[error("month {0} is out of range 1–12")]
    MonthOutOfRange(u32),
    #[error("year {0} is out of range {MIN_YEAR}–{MAX_YEAR}")]
    YearOutOfRange(i32),
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Month, PeriodError> {
        if !(1..=12).contains(&month) {
            return Err(PeriodError::MonthOutOfRange(month));
        }
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodError::YearOutOfRange(year));
        }
        Ok(Month { year, month: month as u8 })
    }

    /// Parses `2024-03` (also `2024-3` and `2024/03`, as typed in spreadsheets).
    pub fn parse(input: &str) -> Result<Month, PeriodError> {
        let text = input.trim();
        let format_error = || PeriodError::Format(text.to_owned());
        let (year, month) = text.split_once(['-', '/', '.']).ok_or_else(format_error)?;
        if year.len() != 4 || month.is_empty() || month.len() > 2 {
            return Err(format_error());
        }
        let year: i32 = year.parse().map_err(|_| format_error())?;
        let month: u32 = month.parse().map_err(|_| format_error())?;
        Month::new(year, month)
    }

    /// From the storage form `yyyymm`.
    pub fn from_yyyymm(value: i64) -> Result<Month, PeriodError> {
        let year = i32::try_from(value / 100).map_err(|_| PeriodError::Format(value.to_string()))?;
        Month::new(year, (value % 100) as u32)
    }

    /// The storage form `yyyymm`.
    pub fn yyyymm(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1–12.
    pub fn month(self) -> u32 {
        u32::from(self.month)
    }

    /// Months since year 0, for arithmetic.
    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Month {
        Month { year: index.div_euclid(12) as i32, month: (index.rem_euclid(12) + 1) as u8 }
    }

    /// The month `n` months later (earlier for negative `n`).
    pub fn plus(self, n: i64) -> Month {
        Month::from_index(self.index() + n)
    }

    pub fn next(self) -> Month {
        self.plus(1)
    }

    pub fn prev(self) -> Month {
        self.plus(-1)
    }

    /// 同期: the same month of the previous year.
    pub fn same_month_last_year(self) -> Month {
        self.plus(-12)
    }

    /// How many months `self` comes after `earlier` (negative if before).
    pub fn months_after(self, earlier: Month) -> i64 {
        self.index() - earlier.index()
    }

    /// Number of months from `self` to `later`, inclusive of both (0 if `later` is earlier).
    pub fn months_through(self, later: Month) -> i64 {
        (later.index() - self.index() + 1).max(0)
    }

    /// January of this month's year.
    pub fn january(self) -> Month {
        Month { year: self.year, month: 1 }
    }

    pub fn december(year: Year) -> Month {
        Month { year: year.0, month: 12 }
    }

    /// The cumulative range 1—N月 ending at this month.
    pub fn year_to_date(self) -> MonthRange {
        MonthRange { first: self.january(), last: self }
    }

    pub fn year_of(self) -> Year {
        Year(self.year)
    }

    /// Label in the user's language: `2024年3月` / `Mar 2024`.
    pub fn label(self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => format!("{}年{}月", self.year, self.month),
            Lang::En => {
                const NAMES: [&str; 12] =
                    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
                format!("{} {}", NAMES[usize::from(self.month - 1)], self.year)
            }
        }
    }
}

/// Seconds China Standard Time is ahead of UTC (no daylight saving).
pub const CST_OFFSET_SECONDS: i64 = 8 * 3600;

/// (year, month, day) of a day counted from 1970-01-01 (Howard Hinnant's civil algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// Days from 1970-01-01 to a civil date (the inverse of [`civil_from_days`]).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let (y, m) = if month <= 2 { (year - 1, i64::from(month) + 9) } else { (year, i64::from(month) - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days from 1970-01-01 to a `yyyymmdd` date; `None` if it is not a date.
pub fn days_of_yyyymmdd(date: i64) -> Option<i64> {
    let (year, month, day) = (date / 10_000, (date / 100 % 100) as u32, (date % 100) as u32);
    let days = days_from_civil(year, month, day);
    ((1..=12).contains(&month) && (1..=31).contains(&day) && civil_from_days(days) == (year, month, day))
        .then_some(days)
}

/// The `yyyymmdd` date of a day counted from 1970-01-01.
pub fn yyyymmdd_of_days(days: i64) -> i64 {
    let (year, month, day) = civil_from_days(days);
    year * 10_000 + i64::from(month) * 100 + i64::from(day)
}

/// The `yyyymmdd` date, China Standard Time, of a unix timestamp.
pub fn china_date(unix_seconds: i64) -> i64 {
    yyyymmdd_of_days((unix_seconds + CST_OFFSET_SECONDS).div_euclid(86_400))
}

impl Month {
    /// The month a unix timestamp falls in, in China Standard Time.
    pub fn containing(unix_seconds: i64) -> Option<Month> {
        let (year, month, _) = civil_from_days((unix_seconds + CST_OFFSET_SECONDS).div_euclid(86_400));
        Month::new(i32::try_from(year).ok()?, month).ok()
    }
}

/// An inclusive range of months, e.g. a cumulative 1—N月 period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MonthRange {
    pub first: Month,
    pub last: Month,
}

impl MonthRange {
    pub fn new(first: Month, last: Month) -> MonthRange {
        MonthRange { first, last }
    }

    pub fn months(self) -> impl Iterator<Item = Month> {
        let first = self.first;
        (0..first.months_through(self.last)).map(move |n| first.plus(n))
    }

    pub fn len(self) -> i64 {
        self.first.months_through(self.last)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn contains(self, month: Month) -> bool {
        self.first <= month && month <= self.last
    }

    /// The same months one year earlier: the base of a year-on-year comparison.
    pub fn same_period_last_year(self) -> MonthRange {
        MonthRange { first: self.first.same_month_last_year(), last: self.last.same_month_last_year() }
    }

    /// Label: `2024年1—3月` / `Jan–Mar 2024`; a single month gets the month label.
    pub fn label(self, lang: Lang) -> String {
        if self.first == self.last {
            return self.last.label(lang);
        }
        match lang {
            Lang::ZhCn if self.first.year == self.last.year => {
                format!("{}年{}—{}月", self.last.year, self.first.month, self.last.month)
            }
            Lang::ZhCn => format!("{}—{}", self.first.label(lang), self.last.label(lang)),
            Lang::En => format!("{}–{}", self.first.label(lang), self.last.label(lang)),
        }
    }
}

impl Year {
    pub fn parse(input: &str) -> Result<Year, PeriodError> {
        let text = input.trim();
        if text.len() != 4 {
            return Err(PeriodError::Format(text.to_owned()));
        }
        let year: i32 = text.parse().map_err(|_| PeriodError::Format(text.to_owned()))?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(PeriodError::YearOutOfRange(year));
        }
        Ok(Year(year))
    }

    pub fn months(self) -> MonthRange {
        MonthRange { first: Month { year: self.0, month: 1 }, last: Month { year: self.0, month: 12 } }
    }
}

impl Period {
    /// Parses `2024-03` as a month or `2024` as a year.
    pub fn parse(input: &str) -> Result<Period, PeriodError> {
        if input.trim().len() <= 4 {
            Year::parse(input).map(Period::Year)
        } else {
            Month::parse(input).map(Period::Month)
        }
    }

    pub fn same_period_last_year(self) -> Period {
        match self {
            Period::Month(m) => Period::Month(m.same_month_last_year()),
            Period::Year(y) => Period::Year(Year(y.0 - 1)),
        }
    }

    /// The months the period covers.
    pub fn months(self) -> MonthRange {
        match self {
            Period::Month(m) => MonthRange::new(m, m),
            Period::Year(y) => y.months(),
        }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.0)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month(m) => m.fmt(f),
            Period::Year(y) => y.fmt(f),
        }
    }
}

impl FromStr for Month {
    type Err = PeriodError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Month::parse(s)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Month::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Localize for PeriodError {
    fn code(&self) -> &'static str {
        match self {
            PeriodError::Format(_) => "period.format",
            PeriodError::MonthOutOfRange(_) => "period.month_range",
            PeriodError::YearOutOfRange(_) => "period.year_range",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PeriodError::Format(t), Lang::ZhCn) => {
                format!("“{t}”不是有效期别：月份写作2024-03，年份写作2024")
            }
            (PeriodError::Format(t), Lang::En) => {
                format!("'{t}' is not a period: use 2024-03 for a month or 2024 for a year")
            }
            (PeriodError::MonthOutOfRange(m), Lang::ZhCn) => format!("月份{m}超出1—12的范围"),
            (PeriodError::MonthOutOfRange(m), Lang::En) => format!("Month {m} is out of range 1–12"),
            (PeriodError::YearOutOfRange(y), Lang::ZhCn) => {
                format!("年份{y}超出{MIN_YEAR}—{MAX_YEAR}的范围")
            }
            (PeriodError::YearOutOfRange(y), Lang::En) => {
                format!("Year {y} is out of range {MIN_YEAR}–{MAX_YEAR}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        Month::parse(text).expect(text)
    }

    #[test]
    fn months_parse_display_and_round_trip_through_storage() {
        assert_eq!(month("2024-03").to_string(), "2024-03");
        assert_eq!(month("2024-3"), month("2024/03"));
        assert_eq!(month("2024-03").yyyymm(), 202403);
        assert_eq!(Month::from_yyyymm(202403).expect("valid"), month("2024-03"));
        assert_eq!(Month::from_yyyymm(202413), Err(PeriodError::MonthOutOfRange(13)));
    }

    #[test]
    fn bad_periods_are_rejected_with_the_reason() {
        assert_eq!(Month::parse("2024-13"), Err(PeriodError::MonthOutOfRange(13)));
        assert_eq!(Month::parse("2024-00"), Err(PeriodError::MonthOutOfRange(0)));
        assert!(matches!(Month::parse("24-03"), Err(PeriodError::Format(_))));
        assert!(matches!(Month::parse("2024-003"), Err(PeriodError::Format(_))));
        assert!(matches!(Period::parse("abcd"), Err(PeriodError::Format(_))));
        assert_eq!(Period::parse("1900"), Err(PeriodError::YearOutOfRange(1900)));
    }

    #[test]
    fn arithmetic_crosses_year_boundaries() {
        assert_eq!(month("2024-01").prev(), month("2023-12"));
        assert_eq!(month("2023-12").next(), month("2024-01"));
        assert_eq!(month("2024-02").same_month_last_year(), month("2023-02"));
        assert_eq!(month("2024-03").plus(-27), month("2021-12"));
        assert_eq!(month("2023-11").months_through(month("2024-02")), 4);
        assert_eq!(month("2024-02").months_through(month("2023-11")), 0);
    }

    #[test]
    fn year_to_date_lists_january_through_n() {
        let ytd = month("2024-03").year_to_date();
        let months: Vec<String> = ytd.months().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2024-01", "2024-02", "2024-03"]);
        assert_eq!(ytd.len(), 3);
        assert_eq!(ytd.same_period_last_year(), month("2023-03").year_to_date());
        assert_eq!(ytd.label(Lang::ZhCn), "2024年1—3月");
        assert_eq!(ytd.label(Lang::En), "Jan 2024–Mar 2024");
        assert!(ytd.contains(month("2024-02")) && !ytd.contains(month("2024-04")));
    }

    #[test]
    fn civil_dates_round_trip_and_months_follow_beijing_time() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2024, 2, 29), 19_782);
        for days in [-800_000, -1, 0, 59, 60, 19_782, 2_000_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        // 2023-12-31 16:00 UTC is already 2024-01-01 in Beijing.
        assert_eq!(Month::containing(1_704_038_400), Month::new(2024, 1).ok());
        assert_eq!(Month::containing(1_704_038_399), Month::new(2023, 12).ok());
    }

    #[test]
    fn periods_know_their_months_and_last_year() {
        let year = Period::parse("2023").expect("year");
        assert_eq!(year.months().len(), 12);
        assert_eq!(year.same_period_last_year().to_string(), "2022");
        let m = Period::parse("2024-02").expect("month");
        assert_eq!(m.same_period_last_year().to_string(), "2023-02");
        assert_eq!(m.months().len(), 1);
    }
}
