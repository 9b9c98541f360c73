//! The working-day calendar (工作日) of the mainland: weekends off, public holidays off, and the
//! weekend days that become working days when a holiday is bridged (调休). Time limits of
//! enterprise requests are counted on it (domain.md §10.8). The calendar is data: the State
//! Council publishes each year's arrangement in November or December; the shipped years are
//! 2024–2026 from those notices, and a city adds later years as they are published.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::lang::{Lang, Localize};
use crate::period::{CST_OFFSET_SECONDS, days_of_yyyymmdd, yyyymmdd_of_days};

/// A holiday period of the year's arrangement: `from` to `to` inclusive (yyyymmdd).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub name_zh: String,
    pub name_en: String,
    pub from: i64,
    pub to: i64,
}

/// One year's arrangement as the State Council's notice gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearArrangement {
    pub year: i32,
    pub holidays: Vec<Holiday>,
    /// Saturdays and Sundays that are working days (调休上班).
    pub working_weekends: Vec<i64>,
    pub source: String,
}

/// What is wrong with an arrangement, or why a day cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar has no arrangement for {0}")]
    NotCovered(i32),
    #[error("{0} is not a date")]
    BadDate(i64),
    #[error("{date} is not in {year}")]
    OutsideYear { date: i64, year: i32 },
    #[error("{0} is listed as a working weekend day but is a weekday")]
    NotAWeekend(i64),
    #[error("{0} is both a holiday and a working day")]
    HolidayAndWorkingDay(i64),
    #[error("the holiday {0} ends before it starts")]
    Reversed(String),
}

impl Localize for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            CalendarError::NotCovered(_) => "calendar.not_covered",
            _ => "calendar.invalid",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CalendarError::NotCovered(y), Lang::ZhCn) => format!("工作日历缺少{y}年的放假安排，请先录入"),
            (CalendarError::BadDate(d), Lang::ZhCn) => format!("“{d}”不是有效日期"),
            (CalendarError::OutsideYear { date, year }, Lang::ZhCn) => format!("{date} 不在{year}年内"),
            (CalendarError::NotAWeekend(d), Lang::ZhCn) => format!("{d} 是工作日，不能列为调休上班日"),
            (CalendarError::HolidayAndWorkingDay(d), Lang::ZhCn) => format!("{d} 既是假日又是调休上班日"),
            (CalendarError::Reversed(name), Lang::ZhCn) => format!("假期“{name}”的结束日期早于开始日期"),
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

/// 1 = Monday … 7 = Sunday, for a day counted from 1970-01-01 (a Thursday).
pub fn weekday(days: i64) -> u32 {
    ((days + 3).rem_euclid(7) + 1) as u32
}

fn is_weekend(days: i64) -> bool {
    weekday(days) >= 6
}

impl YearArrangement {
    /// Dates inside the year, holidays ordered, working weekends on weekends, no day both.
    pub fn check(&self) -> Result<(), CalendarError> {
        let day = |date: i64| -> Result<i64, CalendarError> {
            let days = days_of_yyyymmdd(date).ok_or(CalendarError::BadDate(date))?;
            if date / 10_000 != i64::from(self.year) {
                return Err(CalendarError::OutsideYear { date, year: self.year });
            }
            Ok(days)
        };
        let mut off = BTreeSet::new();
        for h in &self.holidays {
            let (from, to) = (day(h.from)?, day(h.to)?);
            if to < from {
                return Err(CalendarError::Reversed(h.name_zh.clone()));
            }
            off.extend(from..=to);
        }
        for &w in &self.working_weekends {
            let d = day(w)?;
            if !is_weekend(d) {
                return Err(CalendarError::NotAWeekend(w));
            }
            if off.contains(&d) {
                return Err(CalendarError::HolidayAndWorkingDay(w));
            }
        }
        Ok(())
    }
}

/// The calendar: the arrangements of the years it covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeMap<i32, YearDays>,
    /// Count a year without an arrangement by weekends alone instead of refusing it.
    weekend_fallback: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct YearDays {
    off: BTreeSet<i64>,
    working_weekends: BTreeSet<i64>,
}

impl WorkCalendar {
    /// A calendar of checked arrangements (a later one for the same year replaces an earlier).
    pub fn new(arrangements: &[YearArrangement]) -> Result<WorkCalendar, CalendarError> {
        let mut years = BTreeMap::new();
        for a in arrangements {
            a.check()?;
            let days = |d: i64| days_of_yyyymmdd(d).unwrap_or_default();
            let off = a.holidays.iter().flat_map(|h| days(h.from)..=days(h.to)).collect();
            let working_weekends = a.working_weekends.iter().map(|&w| days(w)).collect();
            years.insert(a.year, YearDays { off, working_weekends });
        }
        Ok(WorkCalendar { years, weekend_fallback: false })
    }

    /// The same calendar, counting a year it does not cover by weekends alone (before the
    /// State Council publishes that year's arrangement a limit still has a date, to be read
    /// as provisional; see `covers`).
    pub fn with_weekend_fallback(mut self) -> WorkCalendar {
        self.weekend_fallback = true;
        self
    }

    /// Whether the calendar holds the arrangement of `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years the calendar covers.
    pub fn years(&self) -> Vec<i32> {
        self.years.keys().copied().collect()
    }

    /// Whether a day (counted from 1970-01-01) is a working day.
    pub fn is_working_day(&self, days: i64) -> Result<bool, CalendarError> {
        let year = (yyyymmdd_of_days(days) / 10_000) as i32;
        let Some(y) = self.years.get(&year) else {
            return if self.weekend_fallback { Ok(!is_weekend(days)) } else { Err(CalendarError::NotCovered(year)) };
        };
        Ok(if y.off.contains(&days) {
            false
        } else if is_weekend(days) {
            y.working_weekends.contains(&days)
        } else {
            true
        })
    }

    /// The day of the `n`-th working day after `start` (the day itself does not count: a
    /// request received on Friday with one working day has Monday, or the next working day).
    /// `n = 0` is `start` itself.
    pub fn add_working_days(&self, start: i64, n: u32) -> Result<i64, CalendarError> {
        let (mut day, mut left) = (start, n);
        while left > 0 {
            day += 1;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Working days after `from` up to and including `to` (0 when `to` ≤ `from`).
    pub fn working_days_between(&self, from: i64, to: i64) -> Result<u32, CalendarError> {
        let mut count = 0;
        for day in from + 1..=to {
            count += u32::from(self.is_working_day(day)?);
        }
        Ok(count)
    }

    /// The unix second at which a time limit of `n` working days, started at `at`, runs out:
    /// the end (24:00 China time) of the `n`-th working day after the day of `at`.
    pub fn deadline(&self, at: i64, n: u32) -> Result<i64, CalendarError> {
        let start = (at + CST_OFFSET_SECONDS).div_euclid(86_400);
        let last = self.add_working_days(start, n)?;
        Ok((last + 1) * 86_400 - CST_OFFSET_SECONDS)
    }
}

fn holiday(zh: &str, en: &str, from: i64, to: i64) -> Holiday {
    Holiday { name_zh: zh.into(), name_en: en.into(), from, to }
}

/// The State Council's arrangements for 2024 (国办发明电〔2023〕7号), 2025 (国办发明电〔2024〕12号,
/// after the 2024 revision of the holiday rules that added New Year's Eve and 2 May) and 2026
/// (国务院办公厅 2025年11月4日通知).
pub fn official_arrangements() -> Vec<YearArrangement> {
    vec![
        YearArrangement {
            year: 2024,
            holidays: vec![
                holiday("元旦", "New Year", 20240101, 20240101),
                holiday("春节", "Spring Festival", 20240210, 20240217),
                holiday("清明节", "Qingming", 20240404, 20240406),
                holiday("劳动节", "Labour Day", 20240501, 20240505),
                holiday("端午节", "Dragon Boat Festival", 20240610, 20240610),
                holiday("中秋节", "Mid-Autumn Festival", 20240915, 20240917),
                holiday("国庆节", "National Day", 20241001, 20241007),
            ],
            working_weekends: vec![20240204, 20240218, 20240407, 20240428, 20240511, 20240914, 20240929, 20241012],
            source: "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）".into(),
        },
        YearArrangement {
            year: 2025,
            holidays: vec![
                holiday("元旦", "New Year", 20250101, 20250101),
                holiday("春节", "Spring Festival", 20250128, 20250204),
                holiday("清明节", "Qingming", 20250404, 20250406),
                holiday("劳动节", "Labour Day", 20250501, 20250505),
                holiday("端午节", "Dragon Boat Festival", 20250531, 20250602),
                holiday("国庆节、中秋节", "National Day and Mid-Autumn", 20251001, 20251008),
            ],
            working_weekends: vec![20250126, 20250208, 20250427, 20250928, 20251011],
            source: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）".into(),
        },
        YearArrangement {
            year: 2026,
            holidays: vec![
                holiday("元旦", "New Year", 20260101, 20260103),
                holiday("春节", "Spring Festival", 20260215, 20260223),
                holiday("清明节", "Qingming", 20260404, 20260406),
                holiday("劳动节", "Labour Day", 20260501, 20260505),
                holiday("端午节", "Dragon Boat Festival", 20260619, 20260621),
                holiday("中秋节", "Mid-Autumn Festival", 20260925, 20260927),
                holiday("国庆节", "National Day", 20261001, 20261007),
            ],
            working_weekends: vec![20260104, 20260214, 20260228, 20260509, 20260920, 20261010],
            source: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）".into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(date: i64) -> i64 {
        days_of_yyyymmdd(date).expect("a date")
    }

    fn calendar() -> WorkCalendar {
        WorkCalendar::new(&official_arrangements()).expect("the shipped years are valid")
    }

    #[test]
    fn weekdays_follow_the_epoch_thursday() {
        assert_eq!(weekday(0), 4);
        assert_eq!(weekday(day(20240210)), 6, "2024-02-10 was a Saturday");
        assert_eq!(weekday(day(20260104)), 7, "2026-01-04 is a Sunday");
    }

    #[test]
    fn spring_festival_and_its_working_sundays() {
        let c = calendar();
        // 2024: off 10–17 February; Sunday 4 and Sunday 18 February are working days.
        assert!(c.is_working_day(day(20240204)).expect("covered"));
        assert!(!c.is_working_day(day(20240212)).expect("covered"), "a Monday of the holiday");
        assert!(c.is_working_day(day(20240218)).expect("covered"));
        // Friday 9 February (除夕) + 1 working day: Sunday 18 February, the first working day.
        assert_eq!(yyyymmdd_of_days(c.add_working_days(day(20240209), 1).expect("covered")), 20240218);
        // + 5 working days: 18, 19, 20, 21, 22 February.
        assert_eq!(yyyymmdd_of_days(c.add_working_days(day(20240209), 5).expect("covered")), 20240222);
        // 2026: off 15–23 February, Saturdays 14 and 28 February working.
        assert_eq!(yyyymmdd_of_days(c.add_working_days(day(20260213), 1).expect("covered")), 20260214);
        assert_eq!(yyyymmdd_of_days(c.add_working_days(day(20260214), 1).expect("covered")), 20260224);
        assert_eq!(c.working_days_between(day(20260213), day(20260228)).expect("covered"), 6, "14, 24, 25, 26, 27, 28");
    }

    #[test]
    fn a_time_limit_crosses_the_year_boundary() {
        let c = calendar();
        // Wednesday 31 December 2025 + 3 working days: 1–3 January 2026 are off, Sunday 4
        // January works, then Monday 5 and Tuesday 6.
        assert_eq!(yyyymmdd_of_days(c.add_working_days(day(20251231), 3).expect("covered")), 20260106);
        assert_eq!(c.working_days_between(day(20251230), day(20260104)).expect("covered"), 2, "31 Dec and 4 Jan");
        // A request at 16:00 on 31 December 2025 (China time) with 1 working day runs out at the
        // end of Sunday 4 January 2026.
        let at = (day(20251231) * 86_400) - CST_OFFSET_SECONDS + 16 * 3600;
        assert_eq!(c.deadline(at, 1).expect("covered"), (day(20260105) * 86_400) - CST_OFFSET_SECONDS);
        // 2026 + many days runs off the calendar: an error naming the year, not a guess.
        assert_eq!(c.add_working_days(day(20261225), 10), Err(CalendarError::NotCovered(2027)));
        // With the weekend fallback (which knows no holidays, so 1 January counts): 28–31
        // December, Friday 1 January, then 4–8 January 2027.
        let provisional = c.with_weekend_fallback();
        assert!(!provisional.covers(2027));
        assert_eq!(yyyymmdd_of_days(provisional.add_working_days(day(20261225), 10).expect("fallback")), 20270108);
    }

    #[test]
    fn arrangements_are_checked() {
        let mut bad = official_arrangements().remove(0);
        bad.working_weekends.push(20240205);
        assert_eq!(bad.check(), Err(CalendarError::NotAWeekend(20240205)));
        let mut bad = official_arrangements().remove(0);
        bad.working_weekends.push(20240211);
        assert_eq!(bad.check(), Err(CalendarError::HolidayAndWorkingDay(20240211)));
        let mut bad = official_arrangements().remove(0);
        bad.holidays[0].to = 20250101;
        assert_eq!(bad.check(), Err(CalendarError::OutsideYear { date: 20250101, year: 2024 }));
        assert_eq!(CalendarError::NotCovered(2027).message(Lang::ZhCn), "工作日历缺少2027年的放假安排，请先录入");
    }
}
