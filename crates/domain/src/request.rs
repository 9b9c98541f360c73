//! Enterprise requests (企业诉求): the stages a request passes, the time limit of each in
//! working days on the official calendar (domain::calendar), the reminder before a limit and
//! the escalation after it. Nantong's 惠企通 answers simple questions within 1 working day and
//! complex ones within 3 (domain.md §7); the limits are data a city sets per category.

use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkCalendar};
use crate::lang::{Lang, Localize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Raised by the firm (or recorded by staff), waiting for a department to accept it.
    Raised,
    /// Accepted by the department it was routed to; the reply is due.
    Accepted,
    /// Replied; the firm may rate it or reopen it.
    Replied,
    /// Rated by the firm, or closed without a rating after the rating period.
    Closed,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Raised, Stage::Accepted, Stage::Replied, Stage::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Raised => "raised",
            Stage::Accepted => "accepted",
            Stage::Replied => "replied",
            Stage::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Stage::Raised => lang.pick("待受理", "Waiting to be accepted"),
            Stage::Accepted => lang.pick("办理中", "In progress"),
            Stage::Replied => lang.pick("已答复", "Replied"),
            Stage::Closed => lang.pick("已办结", "Closed"),
        }
    }
}

/// A move of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Accept,
    /// Sent to another department (stays raised, its acceptance limit starts again).
    Reroute,
    Reply,
    Rate,
    /// The firm is not satisfied: back to accepted, with a new reply limit.
    Reopen,
    Close,
}

impl Step {
    /// The stage after the step, when the step is allowed from `from`.
    pub fn from(self, from: Stage) -> Option<Stage> {
        match (from, self) {
            (Stage::Raised, Step::Accept) => Some(Stage::Accepted),
            (Stage::Raised | Stage::Accepted, Step::Reroute) => Some(Stage::Raised),
            (Stage::Accepted, Step::Reply) => Some(Stage::Replied),
            (Stage::Replied, Step::Rate | Step::Close) => Some(Stage::Closed),
            (Stage::Replied | Stage::Closed, Step::Reopen) => Some(Stage::Accepted),
            _ => None,
        }
    }
}

/// Time limits of a category, in working days from the start of the stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub accept_days: u32,
    pub reply_days: u32,
    /// The reminder comes at the start of the working day this many working days before the
    /// last one (0: at the start of the last day; at least the limit: at once).
    pub remind_days_before: u32,
}

impl Default for Limits {
    /// Accept within 1 working day, reply within 5, remind on the last day.
    fn default() -> Self {
        Limits { accept_days: 1, reply_days: 5, remind_days_before: 0 }
    }
}

impl Limits {
    /// The working days a stage may take; none for stages without a limit.
    pub fn of(&self, stage: Stage) -> Option<u32> {
        match stage {
            Stage::Raised => Some(self.accept_days),
            Stage::Accepted => Some(self.reply_days),
            Stage::Replied | Stage::Closed => None,
        }
    }
}

/// How a request came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Raised by the firm on the platform.
    Online,
    /// Recorded by staff from a phone call.
    Phone,
    /// From the 12345 hotline.
    Hotline,
    /// Raised during a visit (走访).
    Visit,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Channel::Online, Channel::Phone, Channel::Hotline, Channel::Visit];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Phone => "phone",
            Channel::Hotline => "hotline",
            Channel::Visit => "visit",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Channel::Online => lang.pick("企业在线提交", "Online"),
            Channel::Phone => lang.pick("电话", "Phone"),
            Channel::Hotline => lang.pick("12345热线", "12345 hotline"),
            Channel::Visit => lang.pick("走访", "Visit"),
        }
    }
}

/// A category of requests with its limits. A change of limits holds for clocks started after
/// it; a running clock keeps the limit it started with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub limits: Limits,
}

/// The longest limit a category may set, in working days (about three months).
pub const MAX_LIMIT_DAYS: u32 = 60;

/// What is wrong with a category as edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    #[error("the code '{0}' should be 1–32 lower-case letters, digits or underscores, starting with a letter")]
    Code(String),
    #[error("the name should have 1–40 characters")]
    Name,
    #[error("a limit of {0} working days is outside 1–{MAX_LIMIT_DAYS}")]
    Days(u32),
    #[error("a reminder {0} working days ahead is more than {MAX_LIMIT_DAYS}")]
    Reminder(u32),
}

impl Localize for CategoryError {
    fn code(&self) -> &'static str {
        match self {
            CategoryError::Code(_) => "category.code",
            CategoryError::Name => "category.name",
            CategoryError::Days(_) => "category.days",
            CategoryError::Reminder(_) => "category.reminder",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CategoryError::Code(code), Lang::ZhCn) => {
                format!("类别代码“{code}”应为1—32位小写字母、数字或下划线，以字母开头")
            }
            (CategoryError::Name, Lang::ZhCn) => "名称应为1—40个字".into(),
            (CategoryError::Days(days), Lang::ZhCn) => format!("时限{days}个工作日不在1—{MAX_LIMIT_DAYS}之间"),
            (CategoryError::Reminder(days), Lang::ZhCn) => {
                format!("提前{days}个工作日提醒超过了{MAX_LIMIT_DAYS}个工作日")
            }
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

impl Category {
    /// Every rule the category breaks, by field (`code`, `name_zh`, `name_en`, `accept_days`,
    /// `reply_days`, `remind_days_before`).
    pub fn check(&self) -> Vec<(&'static str, CategoryError)> {
        let mut problems = Vec::new();
        let code_ok = self.code.len() <= 32
            && self.code.starts_with(|c: char| c.is_ascii_lowercase())
            && self.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !code_ok {
            problems.push(("code", CategoryError::Code(self.code.clone())));
        }
        for (field, name) in [("name_zh", &self.name_zh), ("name_en", &self.name_en)] {
            if !(1..=40).contains(&name.trim().chars().count()) {
                problems.push((field, CategoryError::Name));
            }
        }
        let limits = &self.limits;
        for (field, days) in [("accept_days", limits.accept_days), ("reply_days", limits.reply_days)] {
            if !(1..=MAX_LIMIT_DAYS).contains(&days) {
                problems.push((field, CategoryError::Days(days)));
            }
        }
        // A reminder at least as far ahead as the limit comes at once (see `Clock::of`).
        if limits.remind_days_before > MAX_LIMIT_DAYS {
            problems.push(("remind_days_before", CategoryError::Reminder(limits.remind_days_before)));
        }
        problems
    }
}

/// The shipped categories (🛠): simple policy questions answered within 1 working day, as
/// Nantong's 惠企通 promises, the rest within 5 (complex ones 3 in Nantong; a city sets its own).
pub fn default_categories() -> Vec<Category> {
    let category = |code: &str, zh: &str, en: &str, reply_days| Category {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        limits: Limits { accept_days: 1, reply_days, remind_days_before: 1 },
    };
    vec![
        category("policy", "政策咨询", "Policy questions", 1),
        category("factors", "要素保障（用地、用能、用水）", "Land, energy and water", 5),
        category("finance", "融资服务", "Finance", 5),
        category("labour", "用工招聘", "Labour", 5),
        category("approval", "审批办证", "Permits and approvals", 5),
        category("other", "其他", "Other", 5),
    ]
}

/// The clock of a stage that started at `started_at` (unix seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// When the limit runs out (end of its last working day, China time).
    pub due_at: i64,
    /// When the reminder is sent.
    pub remind_at: i64,
}

/// Whether a stage is on time at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    OnTime,
    /// Past the reminder, not yet due.
    DueSoon,
    /// Past the limit: escalated.
    Overdue,
}

impl Clock {
    /// The clock of `stage` under `limits`, or none for a stage without a limit.
    pub fn of(
        calendar: &WorkCalendar,
        limits: &Limits,
        stage: Stage,
        started_at: i64,
    ) -> Result<Option<Clock>, CalendarError> {
        let Some(days) = limits.of(stage) else { return Ok(None) };
        let due_at = calendar.deadline(started_at, days)?;
        // The reminder: the start of the working day `remind_days_before` before the last one.
        let remind_at = if limits.remind_days_before >= days {
            started_at
        } else {
            let last_but = calendar.deadline(started_at, days - limits.remind_days_before)?;
            last_but - 86_400
        };
        Ok(Some(Clock { due_at, remind_at: remind_at.max(started_at) }))
    }

    pub fn timing(&self, now: i64) -> Timing {
        if now >= self.due_at {
            Timing::Overdue
        } else if now >= self.remind_at {
            Timing::DueSoon
        } else {
            Timing::OnTime
        }
    }
}

/// A department's record over a period: answered within the limit, and satisfaction.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct ServiceRecord {
    pub replied: usize,
    pub on_time: usize,
    pub rated: usize,
    /// Sum of the ratings (1–5).
    pub rating_sum: u32,
}

impl ServiceRecord {
    pub fn on_time_pct(&self) -> Option<f64> {
        (self.replied > 0).then(|| self.on_time as f64 / self.replied as f64 * 100.0)
    }

    /// Share of ratings of 4 or 5 is the usual 满意率; here the mean rating, 1–5.
    pub fn mean_rating(&self) -> Option<f64> {
        (self.rated > 0).then(|| f64::from(self.rating_sum) / self.rated as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_categories_pass_their_own_checks_and_bad_edits_name_each_field() {
        for c in default_categories() {
            assert_eq!(c.check(), [], "{}", c.code);
        }
        let bad = Category {
            code: "Land use".into(),
            name_zh: String::new(),
            name_en: "Land".into(),
            limits: Limits { accept_days: 0, reply_days: MAX_LIMIT_DAYS + 1, remind_days_before: 61 },
        };
        let fields: Vec<&str> = bad.check().iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["code", "name_zh", "accept_days", "reply_days", "remind_days_before"]);
        let edge = Category {
            code: "land_2".into(),
            limits: Limits { accept_days: 1, reply_days: MAX_LIMIT_DAYS, remind_days_before: MAX_LIMIT_DAYS },
            ..bad
        };
        assert_eq!(edge.check().len(), 1, "only the empty Chinese name");
        assert!(edge.check()[0].1.message(Lang::ZhCn).contains("1—40"));
    }
    use crate::calendar::official_arrangements;
    use crate::period::{CST_OFFSET_SECONDS, days_of_yyyymmdd};

    /// Unix seconds of a China-time date and hour.
    fn at(date: i64, hour: i64) -> i64 {
        days_of_yyyymmdd(date).expect("date") * 86_400 - CST_OFFSET_SECONDS + hour * 3600
    }

    #[test]
    fn a_request_before_the_spring_festival_is_due_after_it_and_escalates_when_late() {
        let calendar = WorkCalendar::new(&official_arrangements()).expect("calendar");
        let limits = Limits { accept_days: 1, reply_days: 5, remind_days_before: 1 };
        // Raised on Friday 13 February 2026 at 17:00. Saturday 14th is a working day: it must be
        // accepted by its end.
        let raised = Clock::of(&calendar, &limits, Stage::Raised, at(20260213, 17)).expect("ok").expect("a limit");
        assert_eq!(raised.due_at, at(20260215, 0));
        assert_eq!(raised.timing(at(20260214, 9)), Timing::DueSoon, "remind_days_before ≥ the limit: at once");
        assert_eq!(raised.timing(at(20260215, 0)), Timing::Overdue);
        // Accepted at 10:00 on the 14th: five working days are 24, 25, 26, 27, 28 February
        // (the 28th a working Saturday); the reminder at the start of the 27th.
        let accepted = Clock::of(&calendar, &limits, Stage::Accepted, at(20260214, 10)).expect("ok").expect("a limit");
        assert_eq!(accepted.due_at, at(20260301, 0));
        assert_eq!(accepted.remind_at, at(20260228, 0) - 86_400);
        assert_eq!(accepted.timing(at(20260220, 12)), Timing::OnTime, "during the holiday");
        assert_eq!(accepted.timing(at(20260227, 8)), Timing::DueSoon);
        assert_eq!(accepted.timing(at(20260301, 1)), Timing::Overdue);
        assert_eq!(Clock::of(&calendar, &limits, Stage::Replied, at(20260301, 1)), Ok(None));
    }

    #[test]
    fn steps_follow_the_stages() {
        assert_eq!(Step::Accept.from(Stage::Raised), Some(Stage::Accepted));
        assert_eq!(Step::Reply.from(Stage::Raised), None, "not before it is accepted");
        assert_eq!(Step::Reopen.from(Stage::Closed), Some(Stage::Accepted));
        assert_eq!(Step::Rate.from(Stage::Accepted), None);
        let record = ServiceRecord { replied: 8, on_time: 6, rated: 4, rating_sum: 17 };
        assert_eq!((record.on_time_pct(), record.mean_rating()), (Some(75.0), Some(4.25)));
    }
}
