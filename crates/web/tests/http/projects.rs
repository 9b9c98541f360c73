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
