//! Enterprise requests over HTTP: a firm raises one, its limit in working days on the official
//! calendar; the city routes it, the department accepts and replies on time, the firm reopens
//! it and rates the second reply; the supervision list and the departments' record; who may
//! take which step; a calendar year entered and checked.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xinzhi_domain::calendar::{WorkCalendar, official_arrangements};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::reports::post;

/// Takes a step on request `id` as the app's signed-in user.
async fn step(app: &crate::helpers::TestApp, id: i64, body: Value) -> Result<reqwest::Response> {
    post(app, &format!("/api/v1/requests/{id}/steps"), body).await
}

fn calendar() -> WorkCalendar {
    WorkCalendar::new(&official_arrangements()).expect("the shipped years").with_weekend_fallback()
}

#[tokio::test]
async fn a_request_runs_against_working_day_limits_through_the_department_and_the_firm() -> Result {
    let reporter = spawn_signed_in("reporter").await?;
    let list: Value = reporter.get("/api/v1/enterprises?limit=1").await?.json().await?;
    let code = list["items"][0]["credit_code"].as_str().ok_or("own code")?.to_owned();

    // Everything wrong at once; then a phone channel, which is for staff.
    let wrong = post(
        &reporter,
        "/api/v1/requests",
        json!({"credit_code": code, "category": "roads", "title": "", "body": "短"}),
    )
    .await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = wrong.json().await?;
    let fields: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["title", "body", "category"]);
    let request = json!({"credit_code": code, "category": "factors", "title": "新厂房用电增容", "body": "新厂房投产需要增容至2000千伏安，请协调供电部门尽快办理。"});
    let mut phone = request.clone();
    phone["channel"] = json!("phone");
    assert_eq!(post(&reporter, "/api/v1/requests", phone).await?.json::<Value>().await?["error"]["field"], "channel");

    let raised = post(&reporter, "/api/v1/requests", request).await?;
    assert_eq!(raised.status(), StatusCode::CREATED);
    let raised: Value = raised.json().await?;
    let id = raised["request_id"].as_i64().ok_or("id")?;
    let created = raised["created_at"].as_i64().ok_or("created")?;
    // Accepted within 1 working day: the end of the next working day, China time.
    assert_eq!(raised["due_at"].as_i64(), Some(calendar().deadline(created, 1)?));
    assert_eq!(raised["stage"], "raised");
    assert_eq!(raised["channel"], "online");

    // Not routed yet: the department does not see it; the analyst sends it to 市科技局.
    let department = reporter.with_new_browser()?;
    department.login("department", PASSWORD).await?;
    assert_eq!(department.get(&format!("/api/v1/requests/{id}")).await?.status(), StatusCode::NOT_FOUND);
    let analyst = department.with_new_browser()?;
    analyst.login("analyst", PASSWORD).await?;
    let routed =
        step(&analyst, id, json!({"step": "reroute", "department": "kjj", "note": "涉及科技项目用电"})).await?;
    assert_eq!(routed.status(), StatusCode::OK);
    let routed: Value = routed.json().await?;
    assert_eq!((routed["stage"].as_str(), routed["department"].as_str()), (Some("raised"), Some("市科学技术局")));
    let wrong_department = step(&analyst, id, json!({"step": "reroute", "department": "nope"})).await?;
    assert_eq!(wrong_department.json::<Value>().await?["error"]["field"], "department");

    let department = analyst.with_new_browser()?;
    department.login("department", PASSWORD).await?;
    assert_eq!(
        step(&department, id, json!({"step": "reply", "text": "已协调"})).await?.status(),
        StatusCode::CONFLICT,
        "accept first"
    );
    let accepted: Value = step(&department, id, json!({"step": "accept"})).await?.json().await?;
    assert_eq!(accepted["stage"], "accepted");
    let started = accepted["stage_started_at"].as_i64().ok_or("started")?;
    assert_eq!(accepted["due_at"].as_i64(), Some(calendar().deadline(started, 5)?), "5 working days to reply");
    let short = step(&department, id, json!({"step": "reply", "text": "好的"})).await?;
    assert_eq!(short.json::<Value>().await?["error"]["field"], "text");
    let replied: Value =
        step(&department, id, json!({"step": "reply", "text": "已协调供电公司，增容方案下周现场勘察后实施。"}))
            .await?
            .json()
            .await?;
    assert_eq!((replied["stage"].as_str(), replied["replied_on_time"].as_bool()), (Some("replied"), Some(true)));

    // The firm is not satisfied: reopened (a reason needed), answered again, then rated.
    let firm = department.with_new_browser()?;
    firm.login("reporter", PASSWORD).await?;
    assert_eq!(
        step(&firm, id, json!({"step": "accept"})).await?.status(),
        StatusCode::NOT_FOUND,
        "a firm does not accept"
    );
    assert_eq!(step(&firm, id, json!({"step": "reopen"})).await?.json::<Value>().await?["error"]["field"], "note");
    let reopened: Value =
        step(&firm, id, json!({"step": "reopen", "note": "勘察时间太晚，影响投产"})).await?.json().await?;
    assert_eq!((reopened["stage"].as_str(), reopened["reopened"].as_i64()), (Some("accepted"), Some(1)));
    let department = firm.with_new_browser()?;
    department.login("department", PASSWORD).await?;
    step(&department, id, json!({"step": "reply", "text": "已安排本周五现场勘察，同步办理增容手续。"})).await?;
    let firm = department.with_new_browser()?;
    firm.login("reporter", PASSWORD).await?;
    assert_eq!(
        step(&firm, id, json!({"step": "rate", "rating": 7})).await?.json::<Value>().await?["error"]["field"],
        "rating"
    );
    let rated: Value = step(&firm, id, json!({"step": "rate", "rating": 5, "text": "响应及时"})).await?.json().await?;
    assert_eq!((rated["stage"].as_str(), rated["rating"].as_i64()), (Some("closed"), Some(5)));
    let detail: Value = firm.get(&format!("/api/v1/requests/{id}")).await?.json().await?;
    let steps: Vec<&str> =
        detail["events"].as_array().ok_or("events")?.iter().filter_map(|e| e["step"].as_str()).collect();
    assert_eq!(steps, ["raise", "reroute", "accept", "reply", "reopen", "reply", "rate"]);
    let page = firm.get(&format!("/requests/{id}")).await?.text().await?;
    assert!(page.contains("已办结") && page.contains("响应及时"));

    // A request past its limit shows on the supervision list and in the department's record.
    let store = &firm.db.store;
    let enterprise =
        store.enterprise_by_code(&xinzhi_store::Scope::City, &xinzhi_domain::CreditCode::parse(&code)?).await?;
    let department_id =
        store.list_departments().await?.into_iter().find(|d| d.code == "kjj").ok_or("kjj")?.department_id;
    let now = xinzhi_web::auth::now();
    let late = xinzhi_store::requests::NewRequest {
        enterprise_id: enterprise.enterprise_id,
        category: "finance".into(),
        channel: xinzhi_domain::request::Channel::Hotline,
        title: "贷款贴息咨询".into(),
        body: "12345热线转来：企业咨询技改贷款贴息申报条件。".into(),
        department_id: Some(department_id),
        due_at: Some(now - 60),
        remind_at: Some(now - 3_600),
        files: Vec::new(),
    };
    let late_id =
        store.create_request(&xinzhi_store::Scope::City, &late, &xinzhi_store::AuditActor::system("test")).await?;
    let soon = xinzhi_store::requests::NewRequest {
        title: "研发费用加计扣除".into(),
        due_at: Some(now + 3_600),
        remind_at: Some(now - 60),
        ..late.clone()
    };
    let soon_id =
        store.create_request(&xinzhi_store::Scope::City, &soon, &xinzhi_store::AuditActor::system("test")).await?;
    let analyst = firm.with_new_browser()?;
    analyst.login("analyst", PASSWORD).await?;
    let overdue: Value = analyst.get("/api/v1/requests?timing=overdue").await?.json().await?;
    let ids: Vec<i64> = overdue.as_array().ok_or("overdue")?.iter().filter_map(|r| r["request_id"].as_i64()).collect();
    assert_eq!(ids, [late_id]);
    // The breach reaches the inboxes: the department is told, the city gets the escalation; a
    // request past its reminder but not yet due reminds the department. Once a day each.
    let handler = crate::helpers::browser()?;
    assert_eq!(analyst.try_login_with(&handler, "department", PASSWORD).await?.status(), StatusCode::SEE_OTHER);
    let get = |path: &str| handler.get(format!("{}{path}", analyst.base)).send();
    let notices = |v: Value| -> Vec<(String, i64)> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| Some((i["kind"].as_str()?.to_owned(), i["request_id"].as_i64()?)))
            .collect()
    };
    let mut inbox = notices(get("/api/v1/inbox").await?.json().await?);
    inbox.sort();
    assert_eq!(inbox, [("due_soon".to_owned(), soon_id), ("overdue".to_owned(), late_id)]);
    let city = notices(analyst.get("/api/v1/inbox").await?.json().await?);
    assert!(city.contains(&("escalated".to_owned(), late_id)), "{city:?}");
    assert!(!city.contains(&("escalated".to_owned(), soon_id)), "not due yet: {city:?}");
    assert_eq!(notices(get("/api/v1/inbox").await?.json().await?).len(), 2, "once a day");
    let page = get("/inbox").await?.text().await?;
    assert!(page.contains("诉求“贷款贴息咨询”") && page.contains("已超过办理时限"), "{page}");
    assert!(page.contains(&format!("href=\"/requests/{late_id}\"")), "the notice links to the request");

    let records: Value = analyst.get("/api/v1/requests/departments").await?.json().await?;
    let kjj =
        records.as_array().ok_or("records")?.iter().find(|r| r["department"] == "市科学技术局").ok_or("kjj record")?;
    // Open: the late and the near-due requests; overdue: the late one.
    assert_eq!((kjj["open"].as_u64(), kjj["overdue"].as_u64(), kjj["replied"].as_u64()), (Some(2), Some(1), Some(1)));
    assert_eq!((kjj["on_time_pct"].as_f64(), kjj["mean_rating"].as_f64()), (Some(100.0), Some(5.0)));
    assert_eq!(analyst.get("/api/v1/requests?timing=soon").await?.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let xlsx = analyst.get("/requests/departments.xlsx").await?.bytes().await?;
    assert_eq!(crate::helpers::sheet_rows(&xlsx)?, records.as_array().map_or(0, Vec::len) + 2);

    // The calendar: 2027 entered; a weekday listed as a make-up working day is refused.
    let mut year = json!({"year": 2027, "holidays": [{"name_zh": "元旦", "name_en": "New Year", "from": 20270101, "to": 20270103}], "working_weekends": [20270104], "source": "测试"});
    let token = crate::imports::store_token(&analyst).await?;
    let client = reqwest::Client::new();
    let save = |body: String| {
        client.post(format!("{}/api/v1/requests/calendar", analyst.base)).bearer_auth(&token).body(body).send()
    };
    let refused = save(year.to_string()).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json::<Value>().await?["error"]["message"].as_str().unwrap_or("").contains("20270104"));
    year["working_weekends"] = json!([20270109]);
    assert_eq!(save(year.to_string()).await?.status(), StatusCode::CREATED);
    let years: Value = analyst.get("/api/v1/requests/calendar").await?.json().await?;
    let listed: Vec<i64> = years.as_array().ok_or("years")?.iter().filter_map(|y| y["year"].as_i64()).collect();
    assert_eq!(listed, [2024, 2025, 2026, 2027]);
    analyst.stop().await
}

/// A multipart form with text fields and files, as a browser sends it.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----xinzhi-attachment-boundary-91aZ";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn files_go_with_a_request_and_reach_only_those_who_see_it() -> Result {
    let reporter = spawn_signed_in("reporter").await?;
    let list: Value = reporter.get("/api/v1/enterprises?limit=1").await?.json().await?;
    let code = list["items"][0]["credit_code"].as_str().ok_or("own code")?.to_owned();
    let csrf = reporter.csrf().await?;
    let scan: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let send = |fields: Vec<(&'static str, String)>, files: Vec<(&'static str, Vec<u8>)>| {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let files: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        let (content_type, body) = multipart(&fields, &files);
        reporter
            .client
            .post(format!("{}/requests", reporter.base))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let form = |title: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("credit_code", code.clone()),
            ("category", "factors".to_owned()),
            ("channel", "online".to_owned()),
            ("title", title.to_owned()),
            ("body", "新厂房投产需要增容至2000千伏安，附供电方案。".to_owned()),
        ]
    };

    // A web page as an attachment is refused, naming the rule, and nothing is raised.
    let refused = send(form("用电增容"), vec![("方案.html", b"<script>alert(1)</script>".to_vec())]).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await?.contains("不接受.html类型的附件"));
    let raised: Value = reporter.get("/api/v1/requests").await?.json().await?;
    assert_eq!(raised.as_array().map(Vec::len), Some(0));

    let done =
        send(form("用电增容"), vec![("C:\\材料\\供电方案.pdf", scan.clone()), ("现场.jpg", vec![1, 2, 3])]).await?;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let page_path = done.headers()["location"].to_str()?.to_owned();
    let id: i64 = page_path.trim_start_matches("/requests/").parse()?;
    let page = reporter.get(&page_path).await?.text().await?;
    assert!(page.contains(">供电方案.pdf</a>") && page.contains("3 KB"), "{page}");
    let files: Value = reporter.get(&format!("/api/v1/requests/{id}/attachments")).await?.json().await?;
    let names: Vec<&str> = files.as_array().ok_or("files")?.iter().filter_map(|f| f["file_name"].as_str()).collect();
    assert_eq!(names, ["供电方案.pdf", "现场.jpg"]);
    let file_id = files[0]["attachment_id"].as_i64().ok_or("file id")?;

    // The download is the same bytes, saved rather than shown.
    let download = reporter.get(&format!("/attachments/{file_id}")).await?;
    assert_eq!(download.headers()["content-type"], "application/pdf");
    let disposition = download.headers()["content-disposition"].to_str()?.to_owned();
    assert!(disposition.starts_with("attachment;") && disposition.contains("filename*=UTF-8''"), "{disposition}");
    assert_eq!(download.bytes().await?.as_ref(), scan.as_slice());

    // More later through the API; the department it is not routed to sees none of it.
    let token = crate::imports::store_token(&reporter).await?;
    let client = reqwest::Client::new();
    let url = format!("{}/api/v1/requests/{id}/attachments?name=%E8%A1%A5%E5%85%85.docx", reporter.base);
    let added = client.post(&url).bearer_auth(&token).body(vec![9u8; 10]).send().await?;
    assert_eq!(added.status(), StatusCode::CREATED);
    let empty = client.post(&url).bearer_auth(&token).body(Vec::<u8>::new()).send().await?;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let department = reporter.with_new_browser()?;
    department.login("department", PASSWORD).await?;
    assert_eq!(department.get(&format!("/attachments/{file_id}")).await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(department.get(&format!("/api/v1/requests/{id}/attachments")).await?.status(), StatusCode::NOT_FOUND);
    department.stop().await
}

#[tokio::test]
async fn the_city_sets_a_categorys_limits_and_new_requests_run_on_them() -> Result {
    let analyst = spawn_signed_in("analyst").await?;
    let save = |body: Value| post(&analyst, "/api/v1/requests/categories", body);

    let wrong = save(json!({"code": "Finance!", "name_zh": "", "name_en": "Finance", "accept_days": "abc", "reply_days": 0, "remind_days_before": 1, "department": "nosuch"})).await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = wrong.json().await?;
    let fields: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["accept_days", "code", "name_zh", "reply_days", "department"]);

    // Finance: accepted within 2 working days and sent to 市科技局 unless said otherwise.
    let changed = save(json!({"code": "finance", "name_zh": "融资服务", "name_en": "Finance", "accept_days": 2, "reply_days": "3", "remind_days_before": 1, "department": "kjj"})).await?;
    assert_eq!(changed.status(), StatusCode::OK);
    let categories: Value = analyst.get("/api/v1/requests/categories").await?.json().await?;
    let finance = categories.as_array().ok_or("list")?.iter().find(|c| c["code"] == "finance").ok_or("finance")?;
    assert_eq!(
        (finance["limits"]["accept_days"].as_u64(), finance["limits"]["reply_days"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(finance["department"], "kjj");
    assert_eq!(categories.as_array().map(Vec::len), Some(6), "the other shipped categories stay");

    let list: Value = analyst.get("/api/v1/enterprises?limit=1").await?.json().await?;
    let code = list["items"][0]["credit_code"].as_str().ok_or("a firm")?.to_owned();
    let raised: Value = post(
        &analyst,
        "/api/v1/requests",
        json!({"credit_code": code, "category": "finance", "channel": "phone", "title": "技改贷款贴息", "body": "电话咨询技改贷款贴息的申报条件和时间。"}),
    )
    .await?
    .json()
    .await?;
    let created = raised["created_at"].as_i64().ok_or("created")?;
    assert_eq!(raised["due_at"].as_i64(), Some(calendar().deadline(created, 2)?));
    assert_eq!(raised["department"], "市科学技术局");

    // The page shows the change; a district officer may read but not change it.
    let page = analyst.get("/requests/categories?code=finance").await?.text().await?;
    assert!(page.contains("name=\"reply_days\" min=\"1\" max=\"60\" value=\"3\""), "{page}");
    let district = analyst.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    assert_eq!(district.get("/requests/categories").await?.status(), StatusCode::OK);
    let refused = post(&district, "/api/v1/requests/categories", json!({"code": "finance"})).await?;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    district.stop().await
}
