//! Tough actions over HTTP: the city sets tasks for a district and a department; an overdue
//! task reminds its lead unit once a day in the inbox and sits on the supervision list until
//! progress reaches 100%; each unit sees the tasks it leads.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xinzhi_domain::period::{china_date, days_of_yyyymmdd, yyyymmdd_of_days};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::reports::post;

fn iso(days: i64) -> String {
    let d = yyyymmdd_of_days(days);
    format!("{:04}-{:02}-{:02}", d / 10_000, d / 100 % 100, d % 100)
}

#[tokio::test]
async fn an_overdue_task_reminds_its_lead_unit_and_leaves_the_list_when_done() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let today = days_of_yyyymmdd(china_date(xinzhi_web::auth::now())).ok_or("today")?;
    let action: Value =
        post(&app, "/api/v1/tasks/actions", json!({"name": "工业投资攻坚行动", "year": 2026})).await?.json().await?;
    let action = action["action_id"].as_i64().ok_or("action")?;
    let task = |title: &str, lead: &str, deadline: String| {
        json!({"action_id": action, "title": title, "lead": lead, "cooperating": ["市发展和改革委员会"], "deadline": deadline,
               "milestones": [["完成用地报批", iso(today - 10)]]})
    };
    let bad = post(&app, "/api/v1/tasks", task("用地报批", "nowhere", iso(today))).await?;
    assert_eq!(bad.json::<Value>().await?["error"]["field"], "lead");
    let late: Value =
        post(&app, "/api/v1/tasks", task("重点项目用地报批", "436002", iso(today - 1))).await?.json().await?;
    let late = late["task_id"].as_i64().ok_or("late")?;
    let later: Value =
        post(&app, "/api/v1/tasks", task("科技项目申报辅导", "kjj", iso(today + 30))).await?.json().await?;
    let later = later["task_id"].as_i64().ok_or("later")?;

    // The district leads the late one: on its list, and reminded once however often it looks.
    let district = app.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    let list: Value = district.get("/api/v1/tasks/supervision").await?.json().await?;
    let flagged: Vec<(i64, Value)> = list
        .as_array()
        .ok_or("list")?
        .iter()
        .map(|t| (t["task_id"].as_i64().unwrap_or(0), t["flags"].clone()))
        .collect();
    assert_eq!(flagged, [(late, json!(["overdue"]))]);
    district.get("/api/v1/inbox").await?;
    let inbox: Value = district.get("/api/v1/inbox").await?.json().await?;
    let items = inbox.as_array().ok_or("inbox")?;
    assert_eq!(items.len(), 1, "one reminder a day: {inbox}");
    assert_eq!(items[0]["link"], format!("/tasks/{late}"));
    assert!(items[0]["text"].as_str().unwrap_or("").contains("重点项目用地报批"));
    assert_eq!(district.get(&format!("/api/v1/tasks/{later}")).await?.status(), StatusCode::NOT_FOUND, "not its task");

    // Progress: checked, then 100% closes it and it leaves the list.
    let path = format!("/api/v1/tasks/{late}/progress");
    let progress = |body: Value| post(&district, &path, body);
    assert_eq!(progress(json!({"text": "报", "percent": 50})).await?.json::<Value>().await?["error"]["field"], "text");
    assert_eq!(
        progress(json!({"text": "已提交用地预审材料", "percent": 120})).await?.json::<Value>().await?["error"]["field"],
        "percent"
    );
    let half: Value = progress(json!({"text": "已提交用地预审材料", "percent": 60})).await?.json().await?;
    assert_eq!((half["percent"].as_i64(), half["done_on"].is_null()), (Some(60), true));
    // The lead unit files the approval with the task; the department, not leading it, cannot.
    let csrf = district.csrf().await?;
    let files_url = format!("{}/api/v1/tasks/{late}/attachments", district.base);
    let filed = district
        .client
        .post(format!("{files_url}?name=%E6%89%B9%E5%A4%8D%E6%96%87%E4%BB%B6.pdf"))
        .header("x-csrf-token", &csrf)
        .body(b"%PDF-1.4 approval".to_vec())
        .send()
        .await?;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let files: Value = district.get(&format!("/api/v1/tasks/{late}/attachments")).await?.json().await?;
    assert_eq!(files[0]["file_name"], "批复文件.pdf");
    assert_eq!(files[0]["size"], 17);
    let done: Value = progress(json!({"text": "用地批复已下达", "percent": 100})).await?.json().await?;
    assert!(done["done_on"].as_i64().is_some());
    assert_eq!(progress(json!({"text": "再次报送进展", "percent": 100})).await?.status(), StatusCode::CONFLICT);
    let list: Value = district.get("/api/v1/tasks/supervision").await?.json().await?;
    assert!(list.as_array().is_some_and(Vec::is_empty));
    let detail: Value = district.get(&format!("/api/v1/tasks/{late}")).await?.json().await?;
    assert_eq!(detail["progress"].as_array().map(Vec::len), Some(2));
    assert_eq!(detail["milestones"][0][0], "完成用地报批");

    // The department sees its own task only; the leader sees the board.
    let department = district.with_new_browser()?;
    department.login("department", PASSWORD).await?;
    let csrf = department.csrf().await?;
    let theirs_not = department
        .client
        .post(format!("{files_url}?name=x.pdf"))
        .header("x-csrf-token", &csrf)
        .body(vec![1u8])
        .send()
        .await?;
    assert_eq!(theirs_not.status(), StatusCode::NOT_FOUND, "only the lead unit files with a task");
    let theirs: Value = department.get("/api/v1/tasks").await?.json().await?;
    assert_eq!(
        theirs.as_array().map(|t| t.iter().map(|x| x["task_id"].as_i64().unwrap_or(0)).collect::<Vec<_>>()),
        Some(vec![later])
    );
    let leader = department.with_new_browser()?;
    leader.login("leader", PASSWORD).await?;
    let board = leader.get("/tasks").await?.text().await?;
    assert!(board.contains("工业投资攻坚行动") && board.contains("id=\"tasks-by-unit\""));
    let xlsx = leader.get("/tasks.xlsx").await?.bytes().await?;
    assert_eq!(crate::helpers::sheet_rows(&xlsx)?, 2 + 2, "two tasks under a title and a header");
    assert_eq!(
        post(&leader, "/api/v1/tasks/actions", json!({"name": "x", "year": 2026})).await?.status(),
        StatusCode::NOT_FOUND
    );
    leader.stop().await
}
