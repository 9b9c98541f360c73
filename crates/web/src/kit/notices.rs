//! The reminders the platform writes by itself: tasks overdue or stalled, for their lead units,
//! and requests near or past their time limit, for whoever handles them, escalated to the city
//! when past. The sweep runs when an inbox or a supervision list is opened and every few
//! minutes in the server; each notice is written once a day. The inbox, the tasks and the
//! requests read from here; this module reads none of them.

use serde::Serialize;
use xinzhi_domain::Lang;
use xinzhi_domain::request::{Clock, Stage, Timing};
use xinzhi_domain::task::{Flag, TaskState, flags};
use xinzhi_store::inbox::{Notice, Recipient, Subject};
use xinzhi_store::requests::Request;
use xinzhi_store::tasks::Task;
use xinzhi_store::{Scope, StoreError};

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::i18n::Tr;

/// Who sees tasks: the city, and departments and districts for the tasks they lead.
pub(crate) fn sees_tasks(caller: &Caller) -> bool {
    caller.user.role.may(xinzhi_domain::Permission::ReadTasks)
}

/// A task with its flags on a day.
#[derive(Serialize)]
pub struct TaskLine {
    #[serde(flatten)]
    pub task: Task,
    pub flags: Vec<Flag>,
}

pub(crate) fn line(task: Task, today: i64) -> TaskLine {
    let state = TaskState { deadline: task.deadline, done: task.done_on.is_some(), last_progress: task.last_progress };
    TaskLine { flags: flags(&state, today), task }
}

/// Every task flagged today (overdue or stalled), city-wide.
pub(crate) async fn flagged(state: &AppState, day: i64) -> Result<Vec<TaskLine>, StoreError> {
    let all = state.store.tasks(&Scope::City).await?;
    Ok(all.into_iter().map(|t| line(t, day)).filter(|l| !l.flags.is_empty()).collect())
}

/// The reminders of flagged tasks for their lead units, one per flag.
fn task_notices(lang: Lang, flagged: &[TaskLine]) -> Vec<Notice> {
    let tr = Tr::new(lang);
    flagged
        .iter()
        .flat_map(|l| {
            l.flags.iter().map(move |flag| Notice {
                recipient: l.task.recipient(),
                subject: Subject::Task(l.task.task_id),
                kind: flag.as_str(),
                text: tr.f(
                    "tasks.reminder",
                    &[("task", &l.task.title), ("flag", flag.label(lang)), ("deadline", &tr.date(l.task.deadline))],
                ),
            })
        })
        .collect()
}

pub(crate) fn timing_of(request: &Request, at: i64) -> Option<Timing> {
    let (due_at, remind_at) = (request.due_at?, request.remind_at?);
    matches!(request.stage, Stage::Raised | Stage::Accepted).then(|| Clock { due_at, remind_at }.timing(at))
}

/// The notices of open requests at `at`: near the limit a reminder for whoever handles it (the
/// department, or the city while it is not routed); past it the handler is told it is overdue
/// and the city's supervisors get the escalation.
async fn request_notices(state: &AppState, lang: Lang, at: i64) -> Result<Vec<Notice>, StoreError> {
    let tr = Tr::new(lang);
    // Only the stages with a clock: replied and closed requests are the bulk and need none.
    let mut open = Vec::new();
    for stage in [Stage::Raised, Stage::Accepted] {
        open.extend(state.store.requests(&Scope::City, Some(stage)).await?);
    }
    let mut notices = Vec::new();
    for request in open {
        let (Some(timing), Some(due_at)) = (timing_of(&request, at), request.due_at) else { continue };
        let handler = request.department_id.map_or(Recipient::City, Recipient::Department);
        let due = tr.timestamp(due_at - 1);
        let args = [("title", request.title.as_str()), ("firm", request.firm.as_str()), ("due", due.as_str())];
        let subject = Subject::Request(request.request_id);
        let notice = |recipient, kind, key| Notice { recipient, subject, kind, text: tr.f(key, &args) };
        match timing {
            Timing::OnTime => {}
            Timing::DueSoon => notices.push(notice(handler, "due_soon", "requests.notice_due_soon")),
            Timing::Overdue => {
                notices.push(notice(handler, "overdue", "requests.notice_overdue"));
                if handler != Recipient::City {
                    let department = request.department.as_deref().unwrap_or("");
                    let text = tr.f("requests.notice_escalated", &[("department", department), args[0], args[2]]);
                    notices.push(Notice { recipient: Recipient::City, subject, kind: "escalated", text });
                }
            }
        }
    }
    Ok(notices)
}

/// Writes today's notices of flagged tasks and of requests near or past their limits, in one
/// transaction; gives the flagged tasks (for the supervision list).
pub(crate) async fn sweep(state: &AppState, lang: Lang) -> Result<Vec<TaskLine>, StoreError> {
    let day = crate::kit::auth::today();
    let flagged = flagged(state, day).await?;
    let mut notices = task_notices(lang, &flagged);
    notices.extend(request_notices(state, lang, crate::kit::auth::now()).await?);
    state.store.deliver(&notices, day).await?;
    Ok(flagged)
}
