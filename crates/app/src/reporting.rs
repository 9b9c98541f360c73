//! Rules of the monthly report that every way of writing one shares: whether a month is still
//! open, and the sentences that say why a value or a month is refused.

use xinzhi_domain::{IndicatorDef, Lang, Localize, Month, RangeError, reporting};
use xinzhi_store::reports::DataSet;

/// Whether `period` can still be written at `now` (see `domain::reporting::window_open`).
pub fn month_open(set: &DataSet, period: Month, exception: Option<i64>, now: i64) -> bool {
    let end = reporting::deadline_end(period, u32::try_from(set.deadline_day).unwrap_or(28));
    reporting::window_open(now, end, set.lock_after_deadline, exception)
}

/// Why `period` can no longer be written at `now`, or `None` while it is open (see
/// `domain::reporting::window_open`).
pub fn lock_message(lang: Lang, set: &DataSet, period: Month, exception: Option<i64>, now: i64) -> Option<String> {
    if month_open(set, period, exception, now) {
        return None;
    }
    let deadline_day = u32::try_from(set.deadline_day).unwrap_or(28);
    let due = period.next();
    Some(match lang {
        Lang::ZhCn => format!(
            "已过报送截止日期（{}年{}月{}日），{}的报表已锁定；如需补报，请联系市工信局为该企业开通补报",
            due.year(),
            due.month(),
            deadline_day,
            period.label(lang)
        ),
        Lang::En => format!(
            "The deadline ({due}-{deadline_day:02}) has passed and the {} report is locked; the city bureau can open it for this firm",
            period.label(lang)
        ),
    })
}

/// "“从业人员期末人数”不能为负数": the indicator named, then the range's rule.
pub fn range_message(lang: Lang, def: &IndicatorDef, problem: &RangeError) -> String {
    match lang {
        Lang::ZhCn => format!("“{}”{}", def.name(lang), problem.message(lang)),
        Lang::En => format!("'{}' {}", def.name(lang), problem.message(lang)),
    }
}
