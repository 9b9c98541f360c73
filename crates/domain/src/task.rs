//! Tough actions and their tasks (攻坚行动): each task has a lead unit, cooperating units, a
//! deadline and milestones; units post progress. A task not done past its deadline is overdue,
//! one without progress for a while is stalled; both go on the supervision (督办) list and
//! remind the lead unit in its inbox.

use serde::{Deserialize, Serialize};

use crate::lang::Lang;
use crate::period::days_of_yyyymmdd;

/// Days without progress after which an open task counts as stalled (🛠, a city may change it).
pub const STALLED_AFTER_DAYS: i64 = 14;

/// Why a task is on the supervision list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Overdue,
    Stalled,
}

impl Flag {
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Overdue => "overdue",
            Flag::Stalled => "stalled",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Flag::Overdue => lang.pick("逾期未完成", "Overdue"),
            Flag::Stalled => lang.pick("长期无进展", "Stalled"),
        }
    }
}

/// What the supervision list reads of a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskState {
    /// yyyymmdd.
    pub deadline: i64,
    pub done: bool,
    /// yyyymmdd of the last progress posted, or of the task's creation.
    pub last_progress: i64,
}

/// The flags of a task on `today` (yyyymmdd): overdue after its deadline, stalled after
/// `STALLED_AFTER_DAYS` without progress; none once done.
pub fn flags(task: &TaskState, today: i64) -> Vec<Flag> {
    if task.done {
        return Vec::new();
    }
    let mut found = Vec::new();
    if today > task.deadline {
        found.push(Flag::Overdue);
    }
    if let (Some(now), Some(last)) = (days_of_yyyymmdd(today), days_of_yyyymmdd(task.last_progress))
        && now - last > STALLED_AFTER_DAYS
    {
        found.push(Flag::Stalled);
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_is_overdue_after_its_deadline_and_stalled_after_two_weeks_without_progress() {
        let task = TaskState { deadline: 20240630, done: false, last_progress: 20240601 };
        assert!(flags(&task, 20240615).is_empty(), "14 days since progress, before the deadline");
        assert_eq!(flags(&task, 20240616), [Flag::Stalled]);
        assert_eq!(flags(&task, 20240630), [Flag::Stalled], "the deadline day itself is not late");
        assert_eq!(flags(&TaskState { last_progress: 20240628, ..task }, 20240701), [Flag::Overdue]);
        assert!(flags(&TaskState { done: true, ..task }, 20241231).is_empty());
    }
}
