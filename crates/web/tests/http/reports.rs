//! The monthly report over the API: read with last year beside it, draft, submit against the
//! rules, explain warnings, and review.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{TestApp, spawn_signed_in};

/// The reporter's own firm (the demo reporter reports for one 潇水区 firm).
async fn own_code(app: &TestApp) -> Result<String> {
    let mine: Value = app.get("/api/v1/enterprises").await?.json().await?;
    Ok(mine["items"][0]["credit_code"].as_str().ok_or("code")?.to_owned())
}

pub(crate) async fn put(app: &TestApp, path: &str, body: Value) -> Result<reqwest::Response> {
    let csrf = app.csrf().await?;
    Ok(app.client.put(format!("{}{path}", app.base)).header("x-csrf-token", csrf).json(&body).send().await?)
}

pub(crate) async fn post(app: &TestApp, path: &str, body: Value) -> Result<reqwest::Response> {
    let csrf = app.csrf().await?;
    Ok(app.client.post(format!("{}{path}", app.base)).header("x-csrf-token", csrf).json(&body).send().await?)
}

#[tokio::test]
async fn a_report_shows_last_years_values_beside_this_months() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let report: Value = app.get(&format!("/api/v1/reports/{code}/2024-12")).await?.json().await?;
    assert_eq!(report["status"], Value::Null, "not started");
    assert!(report["values"]["gross_output"].as_f64().is_some_and(|v| v > 0.0));
    assert!(report["last_year"]["gross_output"].as_f64().is_some_and(|v| v > 0.0));
    let required: Vec<&str> =
        report["required"].as_array().ok_or("required")?.iter().filter_map(Value::as_str).collect();
    assert_eq!(required, ["gross_output", "sales_output", "revenue", "main_revenue", "employees_end"]);
    app.stop().await
}

#[tokio::test]
async fn submitting_needs_required_fields_passing_rules_and_explained_jumps() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let path = format!("/api/v1/reports/{code}/2024-12");
    let before: Value = app.get(&path).await?.json().await?;
    let last_year = before["last_year"]["gross_output"].as_f64().ok_or("last year")?;

    // Bad input is named field by field, all at once, and nothing is written.
    let bad = put(&app, &path, json!({"values": {"gross_output": "12,3", "nonsense": 1}, "submit": false})).await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = bad.json().await?;
    assert_eq!(body["error"]["details"].as_array().map(Vec::len), Some(2));
    let unchanged: Value = app.get(&path).await?.json().await?;
    assert_eq!(unchanged["values"], before["values"]);

    // Submitting without the required fields lists each one.
    let missing = put(&app, &path, json!({"values": {}, "submit": true})).await?;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = missing.json().await?;
    assert_eq!(body["error"]["code"], "validation");
    let required: Vec<&str> = body["error"]["details"]
        .as_array()
        .ok_or("details")?
        .iter()
        .filter(|d| d["code"] == "required")
        .filter_map(|d| d["field"].as_str())
        .collect();
    assert_eq!(required.len(), 2, "sales output and employees are empty in the test city: {required:?}");
    assert!(required.iter().all(|f| f.contains("sales_output") || f.contains("employees_end")), "{required:?}");

    // Sales above 105% of output is an error.
    let output = last_year * 3.0;
    let values = |sales: f64| json!({"gross_output": output, "sales_output": sales, "revenue": output, "main_revenue": output * 0.9, "employees_end": 120});
    let error = put(&app, &path, json!({"values": values(output * 1.2), "submit": true})).await?;
    let body: Value = error.json().await?;
    assert!(body["error"]["details"].as_array().ok_or("details")?.iter().any(|d| d["code"] == "rule.error"
        && d["message"].as_str().is_some_and(|m| m.starts_with("工业销售产值不应超过工业总产值的105%"))));

    // Tripling last year's output passes the errors but needs an explanation.
    let jump = put(&app, &path, json!({"values": values(output * 0.98), "submit": true})).await?;
    assert_eq!(jump.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = jump.json().await?;
    assert_eq!(body["error"]["code"], "explanation_required");
    let explained =
        put(&app, &path, json!({"values": values(output * 0.98), "submit": true, "explanation": "新生产线12月投产"}))
            .await?;
    assert_eq!(explained.status(), StatusCode::OK);
    let body: Value = explained.json().await?;
    assert_eq!(body["status"], "submitted");
    assert_eq!(body["warnings"].as_array().map(Vec::len), Some(1));
    let stored: Value = app.get(&path).await?.json().await?;
    assert_eq!(
        (stored["status"].as_str(), stored["values"]["gross_output"].as_f64()),
        (Some("submitted"), Some(output))
    );
    assert_eq!(stored["explanation"], "新生产线12月投产");

    // A submitted report is not changed until it is returned.
    let again = put(&app, &path, json!({"values": {"gross_output": 1}, "submit": false})).await?;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    app.stop().await
}

#[tokio::test]
async fn the_district_reviews_and_returns_with_a_reason_and_leaders_cannot_write() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let path = format!("/api/v1/reports/{code}/2024-11");
    let before: Value = app.get(&path).await?.json().await?;
    let output = before["values"]["gross_output"].as_f64().ok_or("output")?;
    let values = json!({"gross_output": output, "sales_output": output * 0.97, "revenue": output, "main_revenue": output * 0.95, "employees_end": 88});
    assert_eq!(put(&app, &path, json!({"values": values, "submit": true})).await?.status(), StatusCode::OK);
    // The reporter cannot approve its own report.
    assert_eq!(
        post(&app, &format!("{path}/review"), json!({"decision": "approve"})).await?.status(),
        StatusCode::NOT_FOUND
    );

    let district = app.with_new_browser()?;
    district.login("district", crate::helpers::PASSWORD).await?;
    let review = format!("{path}/review");
    let no_reason = post(&district, &review, json!({"decision": "return"})).await?;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let returned = post(&district, &review, json!({"decision": "return", "reason": "从业人员与上月不符"})).await?;
    assert_eq!(returned.status(), StatusCode::OK);
    let seen: Value = district.get(&path).await?.json().await?;
    assert_eq!(
        (seen["status"].as_str(), seen["return_reason"].as_str()),
        (Some("returned"), Some("从业人员与上月不符"))
    );
    assert_eq!(
        post(&district, &review, json!({"decision": "approve"})).await?.status(),
        StatusCode::CONFLICT,
        "nothing to review now"
    );

    // A leader reads but does not write; a department does not even see the firm.
    let leader = district.with_new_browser()?;
    leader.login("leader", crate::helpers::PASSWORD).await?;
    assert_eq!(leader.get(&path).await?.status(), StatusCode::OK);
    assert_eq!(put(&leader, &path, json!({"values": {}})).await?.status(), StatusCode::NOT_FOUND);
    let department = leader.with_new_browser()?;
    department.login("department", crate::helpers::PASSWORD).await?;
    assert_eq!(department.get(&path).await?.status(), StatusCode::NOT_FOUND);
    department.stop().await
}

#[tokio::test]
async fn future_months_and_bad_periods_are_refused_and_tokens_need_no_csrf() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let future = put(&app, &format!("/api/v1/reports/{code}/2199-01"), json!({"values": {}})).await?;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = future.json().await?;
    assert_eq!(body["error"]["field"], "period");
    let bad_period = app.get(&format!("/api/v1/reports/{code}/2024-13")).await?;
    assert_eq!(bad_period.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A cookie session needs the CSRF header for PUT; a token does not.
    let no_csrf = app
        .client
        .put(format!("{}/api/v1/reports/{code}/2024-10", app.base))
        .json(&json!({"values": {}}))
        .send()
        .await?;
    assert_eq!(no_csrf.status(), StatusCode::FORBIDDEN);
    let created = app.post_form("/account/tokens", &[("name", "erp")]).await?.text().await?;
    let at = created.find("id=\"new-token\">").ok_or("token")? + 15;
    let token = &created[at..at + created[at..].find('<').ok_or("end")?];
    let draft = reqwest::Client::new()
        .put(format!("{}/api/v1/reports/{code}/2024-10", app.base))
        .bearer_auth(token)
        .json(&json!({"values": {"electricity": 12.5}}))
        .send()
        .await?;
    assert_eq!(draft.status(), StatusCode::OK);
    let body: Value = draft.json().await?;
    assert_eq!(body["status"], "draft");
    app.stop().await
}

/// The form as a reporter uses it, and the queue as the district uses it.
#[tokio::test]
async fn the_form_saves_typed_numbers_and_the_district_approves_from_its_queue() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let start = app.get("/reports").await?;
    assert_eq!(start.status(), StatusCode::SEE_OTHER);
    assert!(start.headers()["location"].to_str()?.starts_with(&format!("/reports/{code}/")));

    let page = app.get(&format!("/reports/{code}/2024-12")).await?.text().await?;
    assert!(page.contains("id=\"report-fields\"") && page.contains("上年同期"));
    // Numbers as typed in China: thousands separators and full-width digits.
    let form = format!("/reports/{code}/2024-12");
    let saved = app
        .post_form(&form, &[("v.gross_output", "1,234.5"), ("v.sales_output", "１２００"), ("action", "save")])
        .await?;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let report: Value = app.get(&format!("/api/v1/reports/{code}/2024-12")).await?.json().await?;
    assert_eq!(
        (
            report["status"].as_str(),
            report["values"]["gross_output"].as_f64(),
            report["values"]["sales_output"].as_f64()
        ),
        (Some("draft"), Some(1234.5), Some(1200.0))
    );

    // A wrong entry is shown next to its field, with what was typed kept.
    let wrong =
        app.post_form(&form, &[("v.gross_output", "十二"), ("v.revenue", "1300"), ("action", "submit")]).await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = wrong.text().await?;
    assert!(
        html.contains("class=\"field-error\">“工业总产值（现价）”应为数字，实际为“十二”")
            && html.contains("value=\"十二\"")
    );

    let submitted = app
        .post_form(
            &form,
            &[
                ("v.gross_output", "1234.5"),
                ("v.sales_output", "1200"),
                ("v.revenue", "1300"),
                ("v.main_revenue", "1250"),
                ("v.employees_end", "96"),
                ("explanation", "年底订单集中交付"),
                ("action", "submit"),
            ],
        )
        .await?;
    assert_eq!(submitted.status(), StatusCode::SEE_OTHER, "{}", submitted.text().await?);

    let district = app.with_new_browser()?;
    district.login("district", crate::helpers::PASSWORD).await?;
    let queue = district.get("/reports/review?period=2024-12").await?.text().await?;
    assert!(queue.contains(&format!("value=\"{code}\"")), "the submitted report is in the queue");
    let approved = district.post_form("/reports/review", &[("period", "2024-12"), ("code", code.as_str())]).await?;
    assert_eq!(approved.status(), StatusCode::SEE_OTHER);
    let report: Value = district.get(&format!("/api/v1/reports/{code}/2024-12")).await?.json().await?;
    assert_eq!(report["status"], "approved");
    // Returning needs a reason; an approved report can still go back to the firm for correction,
    // but cannot be approved twice.
    let no_reason = district.post_form(&format!("/reports/{code}/2024-12/review"), &[("decision", "return")]).await?;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let twice = district.post_form(&format!("/reports/{code}/2024-12/review"), &[("decision", "approve")]).await?;
    assert_eq!(twice.status(), StatusCode::CONFLICT);
    let page = district.get(&format!("/reports/{code}/2024-12")).await?.text().await?;
    assert!(page.contains("id=\"correct-report\"") && page.contains("id=\"return-form\""), "correct or return");
    let back = district
        .post_form(&format!("/reports/{code}/2024-12/review"), &[("decision", "return"), ("reason", "请核实")])
        .await?;
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    let report: Value = district.get(&format!("/api/v1/reports/{code}/2024-12")).await?.json().await?;
    assert_eq!(report["status"], "returned");
    district.stop().await
}

#[tokio::test]
async fn a_locked_month_refuses_late_reports_until_the_city_reopens_it_and_the_board_counts_them() -> Result {
    use xinzhi_store::{AuditActor, DataSetSettings, EnterpriseFilter, Page, Scope};
    let app = spawn_signed_in("reporter").await?;
    let store = app.db.store.clone();
    let set = store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let lock = |on: bool| DataSetSettings {
        deadline_day: 10,
        lock_after_deadline: on,
        counts_submitted: false,
        four_eyes: false,
        indicators: set.indicators.iter().map(|i| (i.indicator.indicator_id, i.required)).collect(),
    };
    store.update_data_set(&Scope::City, set.data_set_id, &lock(true), &AuditActor::system("test")).await?;
    let own: Value = app.get("/api/v1/enterprises?limit=1").await?.json().await?;
    let code = own["items"][0]["credit_code"].as_str().ok_or("own firm")?.to_owned();
    let path = format!("/api/v1/reports/{code}/2024-06");
    let refused = put(&app, &path, json!({"values": {"gross_output": 10}})).await?;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let error: Value = refused.json().await?;
    assert!(
        error["error"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("已过报送截止日期（2024年7月10日），2024年6月的报表已锁定")),
        "{error}"
    );

    // The analyst reopens the month for this firm until a day in the future.
    let analyst = crate::helpers::browser()?;
    assert_eq!(
        app.try_login_with(&analyst, "analyst", crate::helpers::PASSWORD).await?.status(),
        StatusCode::SEE_OTHER
    );
    let account = analyst.get(format!("{}/account", app.base)).send().await?.text().await?;
    let csrf = crate::helpers::hidden_value(&account, "csrf").ok_or("csrf")?;
    let granted = analyst
        .post(format!("{}/reports/completion/exception", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("period", "2024-06"),
            ("credit_code", &code),
            ("until", "2099-12-31"),
            ("reason", "系统故障补报"),
        ])
        .send()
        .await?;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);
    let values = json!({"gross_output": 4500, "sales_output": 4400, "main_revenue": 4300, "revenue": 4300, "employees_end": 100});
    let saved = put(&app, &path, json!({"values": values, "submit": true, "explanation": "系统故障后补报"})).await?;
    assert!(saved.status().is_success(), "{}", saved.text().await?);
    let filter = xinzhi_store::AuditFilter { action: Some("report.exception".into()), ..Default::default() };
    assert_eq!(store.list_audit(&filter, Page::new(50, 0)).await?.total, 1, "the exception is audited");

    // The district's board for June 2024: the firms above scale in June, this one late.
    let district_app = app.with_new_browser()?;
    district_app.login("district", crate::helpers::PASSWORD).await?;
    let board: Value = district_app.get("/api/v1/reports/completion?period=2024-06").await?.json().await?;
    let district = Scope::District(store.region_by_code(xinzhi_domain::RegionCode::parse("436002")?).await?.region_id);
    let june = xinzhi_domain::Month::parse("2024-06")?;
    let mut expected = 0;
    for firm in store.search_enterprises(&district, &EnterpriseFilter::default(), Page::new(500, 0)).await?.items {
        let memberships = store.memberships_of(&district, firm.enterprise_id).await?;
        expected += usize::from(memberships.iter().any(|m| {
            m.kind == xinzhi_domain::MembershipKind::AboveScale
                && m.valid_from <= june
                && m.valid_to.is_none_or(|to| to >= june)
        }));
    }
    assert!(expected > 0);
    assert_eq!(board["total"]["due"], expected, "{board}");
    let late: Vec<&str> =
        board["late"].as_array().ok_or("late")?.iter().filter_map(|l| l["credit_code"].as_str()).collect();
    assert_eq!(late, vec![code.as_str()], "the reporter's firm reported late, the only one");
    assert_eq!(board["missing"].as_array().ok_or("missing")?.len(), expected - 1, "nobody else reported in this test");
    // The 催报 export lists the missing firms.
    let export = district_app.get("/reports/completion.xlsx?period=2024-06").await?;
    assert_eq!(export.status(), StatusCode::OK);
    let grid = xinzhi_ingest::read_grid(&export.bytes().await?, xinzhi_ingest::Limits::default())?;
    let first_missing = board["missing"][0]["credit_code"].as_str().ok_or("a missing firm")?;
    assert!(grid.rows.iter().any(|r| r.first() == Some(&xinzhi_ingest::Cell::Text(first_missing.to_owned()))));
    let page = district_app.get("/reports/completion?period=2024-06").await?.text().await?;
    assert!(page.contains(&format!("id=\"count-due\">{expected}<")), "the page shows the API's figures");
    district_app.stop().await
}

#[tokio::test]
async fn a_cumulative_value_gives_the_month_against_the_months_stored() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    // January to November 2024 as stored: the base of December's 1—12月 value.
    let stored: Value =
        app.get(&format!("/api/v1/enterprises/{code}/values?from=2024-01&to=2024-11")).await?.json().await?;
    let earlier: f64 = stored
        .as_array()
        .ok_or("values")?
        .iter()
        .filter(|v| v["indicator"] == "gross_output")
        .filter_map(|v| v["value"].as_f64())
        .sum();
    assert!(earlier > 0.0, "the firm reported in 2024");
    let path = format!("/api/v1/reports/{code}/2024-12");

    // 1—12月 = earlier + 500: December is 500.
    let saved = put(&app, &path, json!({"year_to_date": {"gross_output": earlier + 500.0}, "submit": false})).await?;
    assert_eq!(saved.status(), StatusCode::OK, "{}", saved.text().await?);
    let report: Value = app.get(&path).await?.json().await?;
    let december = report["values"]["gross_output"].as_f64().ok_or("value")?;
    assert!((december - 500.0).abs() < 1e-6, "{december}");

    // A month's value that does not add up with the cumulative one is refused, naming both.
    let both = json!({"values": {"gross_output": 400}, "year_to_date": {"gross_output": earlier + 500.0}});
    let refused = put(&app, &path, both).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await?;
    let detail = &body["error"]["details"][0];
    assert_eq!(
        (detail["field"].as_str(), detail["code"].as_str()),
        (Some("year_to_date.gross_output"), Some("cumulative.inconsistent"))
    );
    assert!(detail["message"].as_str().is_some_and(|m| m.starts_with("本月值400与累计值不符")), "{detail}");

    // Below what the earlier months already add up to, and a stock's cumulative value: refused.
    let below =
        put(&app, &path, json!({"year_to_date": {"gross_output": earlier - 1.0, "employees_end": 900}})).await?;
    let body: Value = below.json().await?;
    let codes: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["cumulative.stock", "cumulative.below_earlier"], "{body}");
    let unchanged: Value = app.get(&path).await?.json().await?;
    assert_eq!(unchanged["values"], report["values"], "nothing written by a refused request");
    app.stop().await
}

#[tokio::test]
async fn the_analyst_edits_rules_and_the_data_set_and_the_forms_follow() -> Result {
    let app = spawn_signed_in("analyst").await?;
    assert_eq!(app.get("/reports/settings").await?.status(), StatusCode::OK);

    // A rule that does not parse, or reads an unknown indicator, is refused with the reason.
    let rule = |left: &'static str, active: bool| {
        let mut fields = vec![
            ("code", "electricity_positive"),
            ("name_zh", "用电量应大于0"),
            ("name_en", "Electricity above zero"),
            ("left", left),
            ("operator", ">"),
            ("right", "0"),
            ("importance", "error"),
            ("missing", "never_skip"),
        ];
        if active {
            fields.push(("active", "on"));
        }
        fields
    };
    let broken = app.post_form("/reports/settings/rules", &rule("#{electricity", true)).await?;
    assert_eq!(broken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.text().await?.contains("左式："), "the side is named");
    let unknown = app.post_form("/reports/settings/rules", &rule("#{steam}", true)).await?;
    assert!(unknown.text().await?.contains("左式引用了不存在的指标“steam”"));
    // A stock is a level at month end: summing it over the months is refused.
    let summed = app.post_form("/reports/settings/rules", &rule("#{employees_end@ytd}", true)).await?;
    assert_eq!(summed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(summed.text().await?.contains("左式对存量指标“employees_end”求累计"));
    let saved = app.post_form("/reports/settings/rules", &rule("#{electricity}", true)).await?;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);

    // The reporter's submission now needs electricity above zero (missing counts as 0).
    let reporter = app.with_new_browser()?;
    reporter.login("reporter", crate::helpers::PASSWORD).await?;
    let code = own_code(&reporter).await?;
    let path = format!("/api/v1/reports/{code}/2024-07");
    let values = json!({"gross_output": 4500, "sales_output": 4400, "main_revenue": 4300, "revenue": 4300, "employees_end": 100, "electricity": 0});
    let body = json!({"values": values, "submit": true, "explanation": "测试"});
    let refused = put(&reporter, &path, body.clone()).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = refused.json().await?;
    assert!(error.to_string().contains("用电量应大于0"), "{error}");

    // Switched off, the rule no longer applies.
    let analyst = reporter.with_new_browser()?;
    analyst.login("analyst", crate::helpers::PASSWORD).await?;
    let off = analyst.post_form("/reports/settings/rules", &rule("#{electricity}", false)).await?;
    assert_eq!(off.status(), StatusCode::SEE_OTHER);
    let filter = xinzhi_store::AuditFilter { action: Some("validation_rule.".into()), ..Default::default() };
    assert_eq!(analyst.db.store.list_audit(&filter, xinzhi_store::Page::new(10, 0)).await?.total, 2);

    // A deadline day outside 1–28 is refused; dropping an indicator takes it off the form.
    let bad = analyst.post_form("/reports/settings", &[("deadline_day", "31"), ("inc.gross_output", "on")]).await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let set = analyst.db.store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let mut fields: Vec<(String, String)> = vec![("deadline_day".into(), "12".into())];
    for i in set.indicators.iter().filter(|i| i.indicator.def.code.as_str() != "electricity") {
        fields.push((format!("inc.{}", i.indicator.def.code), "on".into()));
        if i.required {
            fields.push((format!("req.{}", i.indicator.def.code), "on".into()));
        }
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(analyst.post_form("/reports/settings", &fields).await?.status(), StatusCode::SEE_OTHER);
    let set = analyst.db.store.data_set(xinzhi_store::reports::MONTHLY).await?;
    assert_eq!(set.deadline_day, 12);
    assert!(!set.lock_after_deadline, "the unchecked box turns the lock off");
    assert!(set.indicators.iter().all(|i| i.indicator.def.code.as_str() != "electricity"));
    let form: Value = analyst.get(&path).await?.json().await?;
    assert!(form["required"].as_array().is_some_and(|r| !r.is_empty()));

    // A below-scale firm added to the population is due on the board.
    let before: Value = analyst.get("/api/v1/reports/completion?period=2024-07").await?.json().await?;
    let below = analyst
        .db
        .store
        .search_enterprises(
            &xinzhi_store::Scope::City,
            &xinzhi_store::EnterpriseFilter { above_scale: Some(false), ..Default::default() },
            xinzhi_store::Page::new(1, 0),
        )
        .await?
        .items;
    let below_code = below[0].credit_code.to_string();
    let typed = format!("{}\n", below_code.to_lowercase());
    let added = analyst.post_form("/reports/settings/firms", &[("action", "add"), ("codes", &typed)]).await?;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let after: Value = analyst.get("/api/v1/reports/completion?period=2024-07").await?.json().await?;
    assert_eq!(after["total"]["due"].as_i64(), before["total"]["due"].as_i64().map(|d| d + 1));
    let wrong =
        analyst.post_form("/reports/settings/firms", &[("action", "add"), ("codes", "91350100M000100Y44")]).await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    analyst.stop().await
}

#[tokio::test]
async fn values_outside_their_indicators_range_are_refused_field_by_field() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let path = format!("/api/v1/reports/{code}/2024-12");
    let before: Value = app.get(&path).await?.json().await?;
    let body = json!({"values": {"gross_output": 1e308, "employees_end": -5, "total_profit": -1e308, "revenue": 2.5e10}, "submit": false});
    let refused = put(&app, &path, body).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = refused.json().await?;
    let mut details: Vec<(String, String)> = answer["error"]["details"]
        .as_array()
        .ok_or("details")?
        .iter()
        .map(|d| (d["field"].as_str().unwrap_or("").to_owned(), d["message"].as_str().unwrap_or("").to_owned()))
        .collect();
    details.sort();
    assert_eq!(
        details,
        [
            ("values.employees_end".to_owned(), "“从业人员期末人数”不能为负数".to_owned()),
            ("values.gross_output".to_owned(), "“工业总产值（现价）”应在0到10000000000之间".to_owned()),
            ("values.revenue".to_owned(), "“营业收入”应在0到10000000000之间".to_owned()),
            ("values.total_profit".to_owned(), "“利润总额”应在-10000000000到10000000000之间".to_owned()),
        ]
    );
    let unchanged: Value = app.get(&path).await?.json().await?;
    assert_eq!(unchanged["values"], before["values"], "nothing written");
    // A loss and a plausible head count are fine.
    let fine =
        put(&app, &path, json!({"values": {"total_profit": -350.5, "employees_end": 120}, "submit": false})).await?;
    assert_eq!(fine.status(), StatusCode::OK);
    app.stop().await
}

/// The district's month value of gross output in the cockpit.
async fn district_month_output(app: &TestApp, month: &str) -> Result<f64> {
    let cockpit: Value = app.get(&format!("/api/v1/monitor/cockpit?month={month}")).await?.json().await?;
    let gross = cockpit["headline"]
        .as_array()
        .and_then(|h| h.iter().find(|i| i["indicator"]["code"] == "gross_output"))
        .ok_or("headline")?;
    Ok(gross["month"]["current"].as_f64().ok_or("month value")?)
}

#[tokio::test]
async fn an_approved_report_is_corrected_by_its_reviewer_or_returned_and_the_cockpit_follows() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let code = own_code(&app).await?;
    let path = format!("/api/v1/reports/{code}/2024-10");
    let before: Value = app.get(&path).await?.json().await?;
    let output = before["values"]["gross_output"].as_f64().ok_or("output")?;
    let values = json!({"gross_output": output, "sales_output": output * 0.97, "revenue": output, "main_revenue": output * 0.95, "employees_end": 88});
    assert_eq!(put(&app, &path, json!({"values": values, "submit": true})).await?.status(), StatusCode::OK);
    // The firm cannot correct; the reviewer needs a reason and values within range.
    let correction = format!("{path}/correction");
    let by_firm = post(&app, &correction, json!({"values": {"gross_output": 1.0}, "reason": "x"})).await?;
    assert_eq!(by_firm.status(), StatusCode::NOT_FOUND);
    let district = app.with_new_browser()?;
    district.login("district", crate::helpers::PASSWORD).await?;
    let review = format!("{path}/review");
    assert_eq!(post(&district, &review, json!({"decision": "approve"})).await?.status(), StatusCode::OK);
    let approved_total = district_month_output(&district, "2024-10").await?;
    let no_reason = post(&district, &correction, json!({"values": {"gross_output": output + 1000.0}})).await?;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let negative = post(&district, &correction, json!({"values": {"gross_output": -1.0}, "reason": "核实"})).await?;
    assert_eq!(negative.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A correction: the report stays approved, the cockpit moves by the difference at once.
    let corrected = post(
        &district,
        &correction,
        json!({"values": {"gross_output": output + 1000.0, "sales_output": output * 0.97}, "reason": "统计局核实后更正"}),
    )
    .await?;
    assert_eq!(corrected.status(), StatusCode::OK);
    let answer: Value = corrected.json().await?;
    assert_eq!((answer["status"].as_str(), answer["changed"].as_u64()), (Some("approved"), Some(1)));
    let seen: Value = district.get(&path).await?.json().await?;
    assert_eq!(seen["status"], "approved");
    assert_eq!(seen["values"]["gross_output"].as_f64(), Some(output + 1000.0));
    let corrected_total = district_month_output(&district, "2024-10").await?;
    assert!((corrected_total - approved_total - 1000.0).abs() < 1e-6, "{approved_total} → {corrected_total}");
    // Old and new values, who and why, are in the audit log and the page's change history.
    let audit = district
        .db
        .store
        .list_audit(
            &xinzhi_store::AuditFilter { action: Some("report.correct".into()), ..Default::default() },
            xinzhi_store::Page::new(10, 0),
        )
        .await?;
    let detail = audit.items[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("统计局核实后更正") && detail.contains(&format!("\"old\":{output}")), "{detail}");
    let page = district.get(&format!("/reports/{code}/2024-10")).await?.text().await?;
    assert!(page.contains("更正：统计局核实后更正"), "the change history names the correction");

    // Or it goes back to the firm: returned with a reason, it leaves the totals until approved.
    let back = post(&district, &review, json!({"decision": "return", "reason": "请企业重新核对"})).await?;
    assert_eq!(back.status(), StatusCode::OK);
    let seen: Value = district.get(&path).await?.json().await?;
    assert_eq!(seen["status"], "returned");
    let after_return = district_month_output(&district, "2024-10").await?;
    assert!((corrected_total - after_return - (output + 1000.0)).abs() < 1e-6, "the firm leaves the month");
    let not_again = post(&district, &correction, json!({"values": {"gross_output": 5.0}, "reason": "x"})).await?;
    assert_eq!(not_again.status(), StatusCode::CONFLICT, "only an approved report is corrected");
    district.stop().await
}
