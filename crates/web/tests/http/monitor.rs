//! The monitoring cockpit over HTTP: the page and the API agree, every number leads to the
//! firms behind it, targets are set by the city and seen by the units, and an approved report
//! shows at once, also through a second server on the same database.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{TestApp, spawn_app, spawn_signed_in};
use crate::reports::{post, put};
use xinzhi_store::testing::TestDatabase;

async fn api(app: &TestApp, path: &str) -> Result<Value> {
    let response = app.get(path).await?;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    Ok(response.json().await?)
}

fn headline<'a>(cockpit: &'a Value, code: &str) -> &'a Value {
    cockpit["headline"].as_array().and_then(|h| h.iter().find(|i| i["indicator"]["code"] == code)).expect("headline")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(1.0)
}

#[tokio::test]
async fn the_cockpit_page_shows_the_apis_figures_and_every_number_leads_to_its_firms() -> Result {
    let app = spawn_signed_in("leader").await?;
    let cockpit = api(&app, "/api/v1/monitor/cockpit?month=2024-06").await?;
    let gross = headline(&cockpit, "gross_output");
    let ytd = gross["year_to_date"]["current"].as_f64().ok_or("ytd")?;
    let growth = gross["year_to_date"]["growth_pct"].as_f64().ok_or("growth")?;

    // The page writes the same figures the way bureaus do: 亿元 and "增长/下降 x.x%".
    let page = app.get("/monitor?month=2024-06").await?.text().await?;
    assert!(page.contains("运行监测驾驶舱") && page.contains("2024年1—6月"), "the page is in Chinese");
    let written =
        if growth >= 0.0 { format!("同比增长{:.1}%", growth) } else { format!("同比下降{:.1}%", -growth) };
    assert!(page.contains(&written), "{written} on the page");
    assert!(page.contains(&format!("{:.2}亿元", ytd / 10_000.0)) || ytd < 10_000.0);
    assert!(page.contains("<svg class=\"chart lines\"") && page.contains("<title>"), "charts with values on hover");

    // The city's 1—6月 output is the sum of its firms', and each district's of its own.
    let firms = api(&app, "/api/v1/monitor/firms?indicator=gross_output&window=ytd&unit=city&month=2024-06").await?;
    let sum: f64 =
        firms["firms"].as_array().ok_or("firms")?.iter().filter_map(|f| f["figure"]["current"].as_f64()).sum();
    assert!(close(sum, ytd), "{sum} against {ytd}");
    let districts = cockpit["breakdowns"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["dimension"] == "district"))
        .ok_or("districts")?;
    let parts = districts["parts"].as_array().ok_or("parts")?;
    let part_sum: f64 = parts.iter().filter_map(|p| p["figure"]["current"].as_f64()).sum();
    assert!(close(part_sum, ytd), "the districts add up to the city");
    let pulls: f64 = parts.iter().filter_map(|p| p["pull_pp"].as_f64()).sum();
    assert!((pulls - growth).abs() < 1e-6, "the pulls add up to the growth: {pulls} against {growth}");
    let first = &parts[0];
    let unit = format!("district:{}", first["code"].as_str().ok_or("code")?);
    let behind = api(&app, &format!("/api/v1/monitor/firms?indicator=gross_output&unit={unit}&month=2024-06")).await?;
    assert!(close(
        behind["total"]["current"].as_f64().ok_or("total")?,
        first["figure"]["current"].as_f64().ok_or("part")?
    ));

    // The counts lead to the firms they count.
    let counts = &cockpit["counts"];
    let entered = api(&app, "/api/v1/monitor/firms?set=entered&month=2024-06").await?;
    assert_eq!(entered["firms"].as_array().map(Vec::len), counts["entered"].as_u64().map(|n| n as usize));
    let above = api(&app, "/api/v1/monitor/firms?month=2024-06").await?;
    assert_eq!(above["firms"].as_array().map(Vec::len), counts["above_scale"].as_u64().map(|n| n as usize));
    let wrong = app.get("/api/v1/monitor/firms?set=everyone&month=2024-06").await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Every drill-down link of the page opens.
    let mut links: Vec<String> = page
        .match_indices("href=\"/monitor/firms?")
        .map(|(i, _)| {
            let rest = &page[i + 6..];
            rest[..rest.find('"').unwrap_or(0)].replace("&amp;", "&")
        })
        .collect();
    links.sort();
    links.dedup();
    assert!(links.len() > 10, "{} drill-down links", links.len());
    for link in links.iter().take(25) {
        let response = app.get(link).await?;
        assert_eq!(response.status(), StatusCode::OK, "{link}");
    }

    // Bad parameters are named.
    let bad = app.get("/api/v1/monitor/firms?unit=district:999999&month=2024-06").await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await?;
    assert_eq!(body["error"]["field"], "unit");
    let month = app.get("/api/v1/monitor/cockpit?month=2024-13").await?;
    assert_eq!(month.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let indicator = app.get("/api/v1/monitor/firms?indicator=steam&month=2024-06").await?;
    assert_eq!(indicator.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await
}

#[tokio::test]
async fn a_district_sees_its_own_figures_and_the_city_row_for_it_agrees() -> Result {
    let app = spawn_signed_in("leader").await?;
    let city = api(&app, "/api/v1/monitor/cockpit?month=2024-06&attribution=current").await?;
    let row = city["breakdowns"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["dimension"] == "district"))
        .and_then(|d| d["parts"].as_array()?.iter().find(|p| p["code"] == "436002").cloned())
        .ok_or("潇水区 row")?;
    let district = app.with_new_browser()?;
    district.login("district", crate::helpers::PASSWORD).await?;
    let own = api(&district, "/api/v1/monitor/cockpit?month=2024-06&attribution=current").await?;
    let gross = headline(&own, "gross_output");
    assert!(close(
        gross["year_to_date"]["current"].as_f64().ok_or("own")?,
        row["figure"]["current"].as_f64().ok_or("row")?
    ));
    assert!(
        own["breakdowns"].as_array().ok_or("breakdowns")?.iter().all(|b| b["dimension"] != "district"),
        "no district breakdown inside a district"
    );
    district.stop().await
}

#[tokio::test]
async fn targets_are_set_by_the_city_checked_field_by_field_and_lit() -> Result {
    let app = spawn_signed_in("analyst").await?;
    // Through the API: a 9% growth target for the city.
    let path = "/api/v1/monitor/targets";
    let growth =
        post(&app, path, json!({"year": 2024, "unit": "city", "metric": "gross_output", "kind": "growth", "value": 9}))
            .await?;
    assert_eq!(growth.status(), StatusCode::CREATED);
    let wrong = json!({"year": 2024, "unit": "district:999999", "metric": "steam", "kind": "growth", "value": "x"});
    let bad = post(&app, path, wrong).await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await?;
    let fields: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert!(fields.contains(&"unit") && fields.contains(&"metric") && fields.contains(&"value"), "{fields:?}");

    // Through the page's form: a district target.
    let saved = app
        .post_form(
            "/monitor/targets",
            &[
                ("action", "save"),
                ("year", "2024"),
                ("unit", "district:436002"),
                ("metric", "gross_output"),
                ("kind", "growth"),
                ("value", "5"),
            ],
        )
        .await?;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let refused = app
        .post_form(
            "/monitor/targets",
            &[
                ("action", "save"),
                ("year", "2024"),
                ("unit", "city"),
                ("metric", "gross_output"),
                ("kind", "level"),
                ("value", "-3"),
            ],
        )
        .await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await?.contains("总量和数量目标应大于0"));

    // Both show with progress and a light; the city's growth target compares growth with 9%.
    let targets = api(&app, "/api/v1/monitor/targets?month=2024-06").await?;
    let rows = targets["targets"].as_array().ok_or("targets")?;
    assert_eq!(rows.len(), 2);
    let city = rows.iter().find(|r| r["unit"]["kind"] == "city").ok_or("city target")?;
    let actual = city["actual"].as_f64().ok_or("actual")?;
    assert!((city["progress"]["gap_pp"].as_f64().ok_or("gap")? - (actual - 9.0)).abs() < 1e-9);
    assert!(["green", "yellow", "red"].contains(&city["light"].as_str().ok_or("light")?));
    let page = app.get("/monitor/targets?year=2024").await?.text().await?;
    assert!(page.contains("与目标相差"), "the gap is written out");

    // Each target has its year-end forecast from June: a range around the expected value, and
    // the outlook that the range gives against the target.
    let forecasts = targets["forecasts"].as_array().ok_or("forecasts")?;
    assert_eq!(forecasts.len(), 2);
    let f = forecasts.iter().find(|f| f["target_id"] == city["target_id"]).ok_or("city forecast")?;
    let (low, expected, high) = (
        f["projection"]["low"].as_f64().ok_or("low")?,
        f["projection"]["expected"].as_f64().ok_or("expected")?,
        f["projection"]["high"].as_f64().ok_or("high")?,
    );
    assert!(low <= expected && expected <= high, "{f}");
    let outlook = if low >= 9.0 {
        "likely_met"
    } else if high < 9.0 {
        "unlikely"
    } else {
        "at_risk"
    };
    assert_eq!(f["outlook"], outlook);
    assert_eq!(f["so_far"].as_f64(), city["actual"].as_f64(), "growth so far is the target's actual");
    assert!(f["years"].as_array().is_some_and(|y| !y.is_empty()), "earlier complete years give the season");
    assert!(page.contains("class=\"num forecast\""));

    // A district officer sees the district's target only, and cannot set one.
    let district = app.with_new_browser()?;
    district.login("district", crate::helpers::PASSWORD).await?;
    let seen = api(&district, "/api/v1/monitor/targets?year=2024").await?;
    assert_eq!(seen["targets"].as_array().map(Vec::len), Some(1));
    let denied = district
        .post_form(
            "/monitor/targets",
            &[
                ("action", "save"),
                ("year", "2024"),
                ("unit", "city"),
                ("metric", "gross_output"),
                ("kind", "growth"),
                ("value", "5"),
            ],
        )
        .await?;
    assert_eq!(denied.status(), StatusCode::NOT_FOUND);
    let audit = xinzhi_store::AuditFilter { action: Some("target.".into()), ..Default::default() };
    assert_eq!(
        district.db.store.list_audit(&audit, xinzhi_store::Page::new(10, 0)).await?.total,
        2,
        "each target audited"
    );
    district.stop().await
}

/// A report submitted or approved through one server shows in the next cockpit of another
/// server on the same database, and a returned one stops counting there (PostgreSQL when configured, as deployments with several instances run).
#[tokio::test]
async fn an_approved_report_shows_at_once_through_a_second_server() -> Result {
    let db = match TestDatabase::postgres().await? {
        Some(db) => db,
        None => TestDatabase::sqlite().await?,
    };
    let app = TestApp::spawn_on(db).await?;
    app.login("analyst", crate::helpers::PASSWORD).await?;
    let other = app.spawn_beside().await?;
    other.login("leader").await?;
    let cockpit = |base: String, client: reqwest::Client| async move {
        let response = client.get(format!("{base}/api/v1/monitor/cockpit?month=2024-06")).send().await?;
        let body: Value = response.json().await?;
        Result::<f64>::Ok(headline(&body, "gross_output")["year_to_date"]["current"].as_f64().ok_or("ytd")?)
    };
    let before = cockpit(other.base.clone(), other.client.clone()).await?;

    // The analyst submits a June report for an above-scale firm with 500 more output, and it
    // is approved.
    let firms = api(&app, "/api/v1/monitor/firms?indicator=gross_output&window=month&month=2024-06").await?;
    let firm = &firms["firms"][0];
    let code = firm["credit_code"].as_str().ok_or("code")?;
    let june = firm["figure"]["current"].as_f64().ok_or("june")?;
    let report = format!("/api/v1/reports/{code}/2024-06");
    let corrected = json!({"values": {
        "gross_output": june + 500.0, "sales_output": (june + 500.0) * 0.95, "revenue": (june + 500.0) * 0.95,
        "main_revenue": (june + 500.0) * 0.9, "employees_end": 100,
    }, "submit": true, "explanation": "更正"});
    let saved = put(&app, &report, corrected).await?;
    assert_eq!(saved.status(), StatusCode::OK, "{}", saved.text().await?);
    // Submitted, the firm's June waits for approval: not reported (left out of both sides of
    // the comparison, never counted as zero); approved, it counts.
    let submitted = cockpit(other.base.clone(), other.client.clone()).await?;
    assert!(close(submitted, before - june), "{before} − {june} → {submitted}");
    let review_path = format!("{report}/review");
    assert_eq!(post(&app, &review_path, json!({"decision": "approve"})).await?.status(), StatusCode::OK);
    let approved = cockpit(other.base.clone(), other.client.clone()).await?;
    assert!(close(approved, before + 500.0), "{before} → {approved}");
    let review = post(&app, &review_path, json!({"decision": "return", "reason": "请核实"})).await?;
    assert_eq!(review.status(), StatusCode::OK);
    // Returned, its values stop counting until it is approved again, on both servers.
    let returned = cockpit(other.base.clone(), other.client.clone()).await?;
    assert!(close(returned, before - june), "{before} − {june} → {returned}");
    let here = cockpit(app.base.clone(), app.client.clone()).await?;
    assert!(close(here, returned));
    // Corrected and resubmitted: where the city counts submitted reports, it counts at once.
    let again = json!({"values": {"gross_output": june + 400.0}, "submit": true, "explanation": "已核实"});
    let resubmit = put(&app, &report, again).await?;
    assert_eq!(resubmit.status(), StatusCode::OK, "{}", resubmit.text().await?);
    assert!(close(cockpit(other.base.clone(), other.client.clone()).await?, before - june));
    let store = &app.db.store;
    let set = store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let settings = xinzhi_store::DataSetSettings {
        deadline_day: set.deadline_day,
        lock_after_deadline: set.lock_after_deadline,
        counts_submitted: true,
        four_eyes: false,
        indicators: set.indicators.iter().map(|i| (i.indicator.indicator_id, i.required)).collect(),
    };
    store
        .update_data_set(
            &xinzhi_store::Scope::City,
            set.data_set_id,
            &settings,
            &xinzhi_store::AuditActor::system("test"),
        )
        .await?;
    let counted = cockpit(other.base.clone(), other.client.clone()).await?;
    assert!(close(counted, before + 400.0), "{before} → {counted}");
    let approve = post(&app, &review_path, json!({"decision": "approve"})).await?;
    assert_eq!(approve.status(), StatusCode::OK);
    let approved = cockpit(other.base.clone(), other.client.clone()).await?;
    assert!(close(approved, before + 400.0), "{before} → {approved}");
    other.stop().await?;
    app.stop().await
}

#[tokio::test]
async fn reporters_and_departments_have_no_cockpit() -> Result {
    let app = spawn_app().await?;
    for user in ["reporter", "department"] {
        let client = crate::helpers::browser()?;
        app.try_login_with(&client, user, crate::helpers::PASSWORD).await?;
        let page = client.get(format!("{}/monitor", app.base)).send().await?;
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{user}");
    }
    let audit = xinzhi_store::AuditFilter { action: Some("access.denied".into()), ..Default::default() };
    assert!(app.db.store.list_audit(&audit, xinzhi_store::Page::new(10, 0)).await?.total >= 2);
    app.stop().await
}

/// A draft over a past month is not data: the firm is "not reported" for that month, left out
/// of both sides of the same-caliber comparison, and never a −100% fall against its base.
#[tokio::test]
async fn a_draft_over_a_past_month_is_not_reported_and_never_counts_as_zero() -> Result {
    let app = spawn_app().await?;
    app.login("reporter", crate::helpers::PASSWORD).await?;
    let mine: Value = app.get("/api/v1/enterprises").await?.json().await?;
    let code = mine["items"][0]["credit_code"].as_str().ok_or("code")?.to_owned();
    let leader = app.with_new_browser()?;
    leader.login("leader", crate::helpers::PASSWORD).await?;
    let path = "/api/v1/monitor/firms?indicator=gross_output&window=month&month=2024-06&unit=city";
    let before = api(&leader, path).await?;
    let reporter = leader.with_new_browser()?;
    reporter.login("reporter", crate::helpers::PASSWORD).await?;
    // The reporter saves a draft over June with a field cleared.
    let draft = put(
        &reporter,
        &format!("/api/v1/reports/{code}/2024-06"),
        json!({"values": {"gross_output": null}, "submit": false}),
    )
    .await?;
    assert_eq!(draft.status(), StatusCode::OK, "{}", draft.text().await?);
    let leader = reporter.with_new_browser()?;
    leader.login("leader", crate::helpers::PASSWORD).await?;
    let after = api(&leader, path).await?;
    let row = |answer: &Value| -> Result<Value> {
        Ok(answer["firms"]
            .as_array()
            .ok_or("firms")?
            .iter()
            .find(|f| f["credit_code"] == code.as_str())
            .cloned()
            .ok_or("the firm")?)
    };
    let (was, now) = (row(&before)?, row(&after)?);
    assert_eq!((was["reported"].as_bool(), now["reported"].as_bool()), (Some(true), Some(false)));
    assert_eq!(now["figure"]["current"].as_f64(), Some(0.0));
    assert_eq!(now["figure"]["previous"].as_f64(), Some(0.0), "its base leaves too");
    assert_eq!(now["figure"]["growth_pct"], Value::Null, "not −100%");
    // The city's June is the other firms' June against their own base.
    let total = |a: &Value, key: &str| a["total"][key].as_f64().unwrap_or(f64::NAN);
    let was_current = was["figure"]["current"].as_f64().ok_or("current")?;
    let was_previous = was["figure"]["previous"].as_f64().ok_or("previous")?;
    assert!(close(total(&after, "current"), total(&before, "current") - was_current));
    assert!(close(total(&after, "previous"), total(&before, "previous") - was_previous));
    let page =
        leader.get("/monitor/firms?indicator=gross_output&window=month&month=2024-06&unit=city").await?.text().await?;
    assert!(page.contains("未报（不计入）"), "the page says so");
    leader.stop().await
}

/// Twenty leaders open the cockpit at once, naming no month (as the menu opens it): every
/// answer is 200 (the month range costs nothing; `xinzhi bench load` measures it at scale).
#[tokio::test]
async fn twenty_leaders_opening_the_default_cockpit_at_once_all_get_it() -> Result {
    let app = spawn_signed_in("leader").await?;
    let token = crate::imports::store_token(&app).await?;
    let client = reqwest::Client::new();
    let requests = (0..20).flat_map(|_| ["/api/v1/monitor/cockpit", "/monitor", "/"]).map(|path| {
        let request = client.get(format!("{}{path}", app.base)).bearer_auth(&token).send();
        async move { Result::<u16>::Ok(request.await?.status().as_u16()) }
    });
    let statuses = futures_util::future::try_join_all(requests).await?;
    assert_eq!(statuses.len(), 60);
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    app.stop().await
}
