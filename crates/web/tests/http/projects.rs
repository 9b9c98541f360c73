//! Key projects over HTTP on the small demo city: registration refused naming every wrong
//! field, then three projects with plans, monthly investment and stages; the year's progress
//! with lights, 开工率 and 投产率, counts and sums by district, computed by hand; a district's
//! share; stages forward only.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::reports::post;

/// Posts to `/api/v1/projects/{project}/{what}` as the app's user.
async fn act(app: &crate::helpers::TestApp, project: i64, what: &str, body: Value) -> Result<reqwest::Response> {
    post(app, &format!("/api/v1/projects/{project}/{what}"), body).await
}

#[tokio::test]
async fn projects_report_investment_against_plan_with_lights_and_the_start_and_production_rates() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let regions: Value = app.get("/api/v1/regions").await?.json().await?;
    let other = regions
        .as_array()
        .ok_or("regions")?
        .iter()
        .filter_map(|r| r["code"].as_str())
        .find(|c| *c != "436002" && !c.ends_with("00"))
        .ok_or("another district")?
        .to_owned();

    let wrong = json!({"name": "", "investor": "潇州稀土", "district": "999999", "total_investment": "abc", "signed_on": "2024-02-30"});
    let refused = post(&app, "/api/v1/projects", wrong).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await?;
    let fields: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["name", "district", "total_investment", "signed_on"]);

    let register = |body: Value| post(&app, "/api/v1/projects", body);
    let id = |v: &Value| v["project_id"].as_i64().ok_or("id");
    // A: 5亿元, a ten-major project, planned to start and produce this year; B: 3000万元, new;
    // C: 2亿元 continuing elsewhere, planned to produce in May.
    let a: Value = register(json!({"name": "稀土永磁材料项目", "investor": "潇州稀土", "district": "436002", "park": "XZETDZ", "chain": "rare_earth",
        "total_investment": "50,000", "is_new": true, "ten_major": true, "signed_on": "2024-01-15", "planned_start": "2024-03-01", "planned_producing": "2024-12-31"}))
    .await?
    .json()
    .await?;
    let b: Value = register(json!({"name": "包装材料扩产项目", "investor": "潇水包装", "district": "436002", "total_investment": "3000", "is_new": true, "planned_start": "2024-05-01"}))
        .await?
        .json()
        .await?;
    let c: Value = register(json!({"name": "锂电正极材料二期", "investor": "湘源锂电", "district": other, "total_investment": "20000", "is_new": false, "planned_producing": "2024-05-20"}))
        .await?
        .json()
        .await?;
    let (a, b, c) = (id(&a)?, id(&b)?, id(&c)?);
    for (project, planned) in [(a, "12000"), (b, "2000"), (c, "10000")] {
        assert_eq!(
            act(&app, project, "plan", json!({"year": 2024, "planned": planned})).await?.status(),
            StatusCode::OK
        );
    }
    for month in 1..=6 {
        act(&app, a, "investments", json!({"month": format!("2024-{month:02}"), "amount": "1000"})).await?;
    }
    act(&app, b, "investments", json!({"month": "2024-06", "amount": "400"})).await?;
    act(&app, c, "investments", json!({"month": "2024-06", "amount": "5000"})).await?;
    assert_eq!(
        act(&app, c, "investments", json!({"month": "2024-13", "amount": "1"})).await?.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        act(&app, a, "stage", json!({"stage": "started", "date": "2024-03-10"})).await?.status(),
        StatusCode::OK
    );
    assert_eq!(
        act(&app, c, "stage", json!({"stage": "producing", "date": "2024-05-25"})).await?.status(),
        StatusCode::OK
    );
    assert_eq!(
        act(&app, c, "stage", json!({"stage": "building", "date": "2024-06-01"})).await?.status(),
        StatusCode::CONFLICT,
        "forward only"
    );

    let s: Value = app.get("/api/v1/projects?month=2024-06").await?.json().await?;
    // 3 projects, 7.3亿元; planned 24,000, completed 6,000 + 400 + 5,000 = 11,400: 47.5% against
    // 50% time progress, 2.5 points behind: green.
    assert_eq!((s["all"]["projects"].as_u64(), s["all"]["total_investment"].as_f64()), (Some(3), Some(73_000.0)));
    assert_eq!((s["all"]["planned"].as_f64(), s["all"]["completed"].as_f64()), (Some(24_000.0), Some(11_400.0)));
    assert!((s["investment"]["progress"]["gap_pp"].as_f64().ok_or("gap")? + 2.5).abs() < 1e-9);
    assert_eq!(s["investment"]["light"], "green");
    assert_eq!((s["large"]["projects"].as_u64(), s["ten_major"]["projects"].as_u64()), (Some(2), Some(1)));
    // 开工率: A and B were to start this year, A did: 1 of 2. 投产率: A (December) and C (May)
    // were to produce; C did: 1 of 2.
    assert_eq!(
        (s["start_rate"]["done"].as_u64(), s["start_rate"]["planned"].as_u64(), s["start_rate"]["pct"].as_f64()),
        (Some(1), Some(2), Some(50.0))
    );
    assert_eq!((s["producing_rate"]["done"].as_u64(), s["producing_rate"]["planned"].as_u64()), (Some(1), Some(2)));
    // Per project: A on time (6,000 of 12,000), B red (400 of 2,000 is 20%: 30 points behind).
    let light = |pid: i64| {
        s["projects"]
            .as_array()
            .and_then(|p| p.iter().find(|x| x["project_id"] == pid))
            .map(|x| x["investment"]["light"].clone())
    };
    assert_eq!((light(a), light(b), light(c)), (Some(json!("green")), Some(json!("red")), Some(json!("green"))));
    assert_eq!(s["by_district"]["潇水区"]["projects"].as_u64(), Some(2));
    assert_eq!(s["by_stage"]["signed"]["projects"].as_u64(), Some(1));
    let page = app.get("/projects?month=2024-06").await?.text().await?;
    assert!(page.contains("稀土永磁材料项目") && page.contains("（1/2）"), "page");

    // The export: a title row, a header row and the three projects.
    let xlsx = app.get("/projects.xlsx?month=2024-06").await?.bytes().await?;
    assert_eq!(crate::helpers::sheet_rows(&xlsx)?, 3 + 2);

    // The district sees its two; another district's project is not there for it.
    let district = app.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    let theirs: Value = district.get("/api/v1/projects?month=2024-06").await?.json().await?;
    assert_eq!(theirs["all"]["projects"].as_u64(), Some(2));
    assert_eq!(district.get(&format!("/api/v1/projects/{c}")).await?.status(), StatusCode::NOT_FOUND);
    let elsewhere = post(
        &district,
        "/api/v1/projects",
        json!({"name": "越界项目", "investor": "某公司", "district": other, "total_investment": "100"}),
    )
    .await?;
    assert_eq!(elsewhere.status(), StatusCode::NOT_FOUND);
    district.stop().await
}

/// Posts a file to the project import as the session's user.
async fn import(app: &crate::helpers::TestApp, query: &str, file: &[u8]) -> Result<reqwest::Response> {
    let csrf = app.csrf().await?;
    let url = format!("{}/api/v1/projects/import?{query}", app.base);
    Ok(app.client.post(url).header("x-csrf-token", csrf).body(file.to_vec()).send().await?)
}

#[tokio::test]
async fn a_project_list_is_checked_row_by_row_then_imported_once() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let regions: Value = app.get("/api/v1/regions").await?.json().await?;
    let district = regions
        .as_array()
        .ok_or("regions")?
        .iter()
        .find(|r| r["code"] == "436002")
        .and_then(|r| r["name_zh"].as_str())
        .ok_or("district 436002")?
        .to_owned();
    // A title row, then the header with units; the district by name in row 3 and by code in
    // row 4; row 5 wrong in five cells; row 6 repeats row 4.
    let csv = format!(
        "2026年重点项目清单\n\
         项目名称,投资方,区县,园区,产业链,总投资（万元）,本年计划投资（万元）,十大产业项目,签约日期,计划开工\n\
         高端铜箔项目,潇州铜业,{district},XZETDZ,rare_earth,52000,12000,是,2026/3/1,2026-05-01\n\
         包装材料项目,潇水包装,436002,,,3000,,否,,\n\
         坏行,,999999,,,abc,,可能,2026-02-30,\n\
         包装材料项目,潇水包装,436002,,,3000,,,,\n"
    );
    let dry: Value = import(&app, "dry_run=true", csv.as_bytes()).await?.json().await?;
    assert_eq!(dry["rows_read"], 4);
    assert_eq!(dry["rows_rejected"], 2);
    assert_eq!(dry["committed"], false);
    let problems: Vec<(i64, &str)> = dry["problems"]
        .as_array()
        .ok_or("problems")?
        .iter()
        .map(|p| (p["row"].as_i64().unwrap_or(0), p["column"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(problems, [(5, "H"), (5, "B"), (5, "C"), (5, "F"), (5, "I"), (6, "-")]);
    let messages = dry["problems"].to_string();
    assert!(messages.contains("第5行 H列（十大产业项目）：“可能”应为“是”或“否”"), "{messages}");
    assert!(messages.contains("第5行 C列（区县）"), "{messages}");
    assert!(messages.contains("第6行"), "{messages}");
    assert_eq!(app.get("/api/v1/projects").await?.json::<Value>().await?["projects"].as_array().map(Vec::len), Some(0));

    // All or nothing refuses the file; valid rows registers the two good ones, in one go.
    let refused: Value = import(&app, "mode=all_or_nothing", csv.as_bytes()).await?.json().await?;
    assert_eq!(refused["committed"], false);
    let done: Value = import(&app, "mode=valid_rows", csv.as_bytes()).await?.json().await?;
    assert_eq!(done["committed"], true);
    let ids: Vec<i64> =
        done["rows"].as_array().ok_or("rows")?.iter().filter_map(|r| r["project_id"].as_i64()).collect();
    assert_eq!(ids.len(), 2);
    let copper: Value = app.get(&format!("/api/v1/projects/{}", ids[0])).await?.json().await?;
    assert_eq!(copper["name"], "高端铜箔项目");
    assert_eq!(copper["total_investment"], 52_000.0);
    assert_eq!(copper["ten_major"], true);
    assert!(copper["chain"].as_str().is_some_and(|c| !c.is_empty()), "the chain by its code: {copper}");
    assert_eq!(copper["planned_start"], 20_260_501);
    let list: Value = app.get("/api/v1/projects?month=2026-06").await?.json().await?;
    let line =
        list["projects"].as_array().ok_or("projects")?.iter().find(|l| l["project_id"] == ids[0]).ok_or("copper")?;
    assert_eq!(line["investment"]["planned_wan"], 12_000.0, "the year's plan came with the row");

    // The same list again registers nothing new.
    let again: Value = import(&app, "mode=valid_rows", csv.as_bytes()).await?.json().await?;
    let existing: Vec<bool> =
        again["rows"].as_array().ok_or("rows")?.iter().filter_map(|r| r["existing"].as_bool()).collect();
    assert_eq!(existing, [true, true]);
    let all: Value = app.get("/api/v1/projects").await?.json().await?;
    assert_eq!(all["projects"].as_array().map(Vec::len), Some(2));

    // The page: the upload is kept and checked; committing it again changes nothing.
    let csrf = app.csrf().await?;
    let posted =
        crate::imports::post_upload_for(&app, "/projects/import", "", &csrf, "项目.csv", csv.as_bytes()).await?;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    let check_path = posted.headers()["location"].to_str()?.to_owned();
    let check = app.get(&check_path).await?.text().await?;
    assert!(check.contains("id=\"preview-title\"") && check.contains("id=\"count-new\">0<"), "{check}");
    assert!(check.contains("第5行 F列（总投资（万元））"), "{check}");
    let committed = app.post_form(&check_path, &[("mode", "valid_rows")]).await?.text().await?;
    assert!(committed.contains("id=\"import-done\"") && committed.contains("id=\"count-new\">0<"), "{committed}");

    // A file that is not a project list says which columns are missing.
    let wrong = import(&app, "", "名称,金额\nA,1\n".as_bytes()).await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = wrong.text().await?;
    assert!(body.contains("缺少列：投资方、区县、总投资"), "{body}");
    app.stop().await
}
