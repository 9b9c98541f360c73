//! Cultivation over HTTP: the ladder's counts, candidate pools with their gaps, the criteria
//! versions, and the annual profile through its form, its API and its import.

use reqwest::StatusCode;
use serde_json::{Value, json};
use xinzhi_domain::RegionCode;
use xinzhi_store::{EnterpriseFilter, Page, Scope};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_app, spawn_signed_in};
use crate::imports::{post_upload_for, red_cells, store_token};

#[tokio::test]
async fn the_ladder_counts_new_designations_and_pools_list_gaps_within_the_scope() -> Result {
    let app = spawn_signed_in("analyst").await?;
    // The small city is a tenth of the demo city: 2023's 105 new SRDI SMEs become 10.5 → 11,
    // 130 innovative SMEs 13, 6 provincial champions 0.6 → 1, 3 little giants 0.3 → 0.
    let ladder: Value = app.get("/api/v1/cultivation/ladder?date=2024-12-31").await?.json().await?;
    let new_2023 = |tier: &str, level: &str| {
        ladder["tiers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|t| t["tier"] == tier && t["level"] == level)
            .and_then(|t| t["new_by_year"]["2023"].as_i64())
            .unwrap_or(0)
    };
    assert_eq!(new_2023("srdi_sme", "provincial"), 11);
    assert_eq!(new_2023("innovative_sme", "provincial"), 13);
    assert_eq!(new_2023("single_champion", "provincial"), 1);
    assert_eq!(new_2023("little_giant", "national"), 0);
    let page = app.get("/cultivation?date=2024-12-31").await?.text().await?;
    assert!(page.contains("id=\"ladder-counts\"") && page.contains("2023年新增"), "{page}");

    // The SRDI pool: nearest first, every firm short of the criteria says what it misses.
    let pool: Value = app.get("/api/v1/cultivation/pools/srdi_sme?year=2024").await?.json().await?;
    assert_eq!(pool["version"], "MIIT-2022");
    let candidates = pool["candidates"].as_array().ok_or("candidates")?;
    assert!(!candidates.is_empty());
    assert_eq!(pool["total"].as_u64(), Some(candidates.len() as u64));
    let closeness: Vec<f64> = candidates.iter().filter_map(|c| c["assessment"]["closeness"].as_f64()).collect();
    assert!(closeness.windows(2).all(|w| w[0] >= w[1]), "nearest first");
    for c in candidates {
        let gaps = c["gap_messages"].as_array().ok_or("gaps")?;
        assert_eq!(c["assessment"]["qualifies"].as_bool(), Some(gaps.is_empty()), "{c}");
    }
    let short = candidates.iter().find(|c| c["assessment"]["qualifies"] == false).ok_or("a firm short of it")?;
    let gap = short["gap_messages"][0].as_str().ok_or("message")?;
    let html = app.get("/cultivation/pools/srdi_sme?year=2024").await?.text().await?;
    assert!(html.contains(&gap.replace('<', "&#60;").replace('>', "&#62;")) || html.contains(gap), "{gap}");

    // Bad parameters name themselves.
    for (query, field) in [
        ("/api/v1/cultivation/pools/giant", "tier"),
        ("/api/v1/cultivation/pools/srdi_sme?year=abc", "year"),
        ("/api/v1/cultivation/pools/srdi_sme?version=NONE", "version"),
        ("/api/v1/cultivation/pools/srdi_sme?limit=0", "limit"),
        ("/api/v1/cultivation/ladder?date=2025-13-01", "date"),
    ] {
        let response = app.get(query).await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(response.json::<Value>().await?["error"]["field"], field, "{query}");
    }
    // A district officer's pool holds only the district's firms.
    let region = app.db.store.region_by_code(RegionCode::parse("436002")?).await?;
    let district = app.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    let theirs: Value = district.get("/api/v1/cultivation/pools/innovative_sme").await?.json().await?;
    let districts: std::collections::HashSet<&str> =
        theirs["candidates"].as_array().ok_or("candidates")?.iter().filter_map(|c| c["district"].as_str()).collect();
    assert_eq!(districts.len(), 1, "{districts:?}");
    assert!(districts.contains(region.name_zh.as_str()));

    district.stop().await
}

#[tokio::test]
async fn a_new_criteria_version_is_checked_stored_and_used_when_asked() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let rules: Value = app.get("/api/v1/cultivation/rules/ladder").await?.json().await?;
    assert_eq!(rules["in_force"], "MIIT-2022");
    let current: Value = serde_json::from_str(rules["versions"][0]["body"].as_str().ok_or("body")?)?;

    // The SRDI R&D intensity relaxed from 3% to 1%: a new version, effective in the past.
    let mut relaxed = current.clone();
    relaxed["version"] = json!("XZ-2025");
    relaxed["effective_from"] = json!(20250101);
    let srdi =
        relaxed["tiers"].as_array_mut().ok_or("tiers")?.iter_mut().find(|t| t["tier"] == "srdi_sme").ok_or("srdi")?;
    let gate = srdi["gates"][0]["all"].as_array_mut().ok_or("the first gate is a list")?;
    let rd = gate.iter_mut().find(|g| g["condition"]["name_zh"] == "研发费用占营业收入比重").ok_or("R&D gate")?;
    rd["condition"]["threshold"] = json!(1.0);
    let token = store_token(&app).await?;
    let client = reqwest::Client::new();
    let post = |body: String| {
        client.post(format!("{}/api/v1/cultivation/rules/ladder", app.base)).bearer_auth(&token).body(body).send()
    };
    let created = post(relaxed.to_string()).await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(post(relaxed.to_string()).await?.status(), StatusCode::CONFLICT, "a version is written once");

    // A misspelt field and overlapping brackets are refused, naming what is wrong.
    let mut wrong = relaxed.clone();
    wrong["version"] = json!("XZ-BAD");
    wrong["tiers"][1]["gates"][0]["all"][2]["condition"]["measure"] = json!({"kind": "field", "field": "niche_yeras"});
    let refused = post(wrong.to_string()).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = refused.json::<Value>().await?["error"]["message"].as_str().unwrap_or_default().to_owned();
    assert!(message.contains("niche_yeras"), "{message}");
    assert_eq!(post("{not json".into()).await?.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Now in force; the old version still answers when asked, each result naming its version.
    let rules: Value = app.get("/api/v1/cultivation/rules/ladder").await?.json().await?;
    assert_eq!(rules["in_force"], "XZ-2025");
    let now: Value = app.get("/api/v1/cultivation/pools/srdi_sme?year=2024").await?.json().await?;
    let then: Value = app.get("/api/v1/cultivation/pools/srdi_sme?year=2024&version=MIIT-2022").await?.json().await?;
    assert_eq!((now["version"].as_str(), then["version"].as_str()), (Some("XZ-2025"), Some("MIIT-2022")));
    let qualifying = |v: &Value| v["qualifying"].as_u64().unwrap_or(0);
    assert!(qualifying(&now) >= qualifying(&then), "a lower bar lets no firm fall");
    let rd_gaps = |v: &Value| {
        v["candidates"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|c| c["gap_messages"].as_array().cloned().unwrap_or_default())
            .filter(|g| g.as_str().is_some_and(|g| g.starts_with("研发费用占营业收入比重") && g.ends_with("< 1%")))
            .count()
    };
    assert_eq!(rd_gaps(&then), 0, "the 2022 rules ask 3%");

    // The page shows the versions; a leader reads them but cannot add one.
    let page = app.get("/cultivation/rules").await?.text().await?;
    assert!(page.contains("XZ-2025") && page.contains("id=\"rules-form\""));
    let leader = app.with_new_browser()?;
    leader.login("leader", PASSWORD).await?;
    let read = leader.get("/cultivation/rules").await?.text().await?;
    assert!(read.contains("XZ-2025") && !read.contains("id=\"rules-form\""));
    leader.stop().await
}

#[tokio::test]
async fn a_profile_is_checked_whole_saved_with_its_history_and_scoped() -> Result {
    let app = spawn_app().await?;
    let store = &app.db.store;
    let reporter =
        store.list_users().await?.into_iter().find(|u| u.username.as_str() == "reporter").ok_or("reporter")?;
    let (own, _, _) = store.describe_scope(&reporter.scope).await?;
    app.login("reporter", PASSWORD).await?;
    let path = format!("/api/v1/profiles/{own}/2024");
    let before: Value = app.get(&path).await?.json().await?;
    assert!(before["values"]["operating_revenue"].as_f64().is_some(), "the demo city has profiles: {before}");

    // Two bad fields and an unknown one: 422 naming each, and nothing saved.
    let csrf = app.csrf().await?;
    let put =
        |body: Value| app.client.put(format!("{}{path}", app.base)).header("x-csrf-token", &csrf).json(&body).send();
    let refused =
        put(json!({"values": {"rd_expense": 350, "own_brand": 2, "niche_share": 120, "nonsense": 1}})).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: Value = refused.json().await?;
    let fields: Vec<&str> =
        error["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["values.niche_share", "values.nonsense", "values.own_brand"]);
    assert_eq!(app.get(&path).await?.json::<Value>().await?, before, "nothing saved");

    // A good change; a cleared field; numbers as people type them.
    let saved =
        put(json!({"values": {"rd_expense": "1,234.5", "own_brand": 1, "ip_class2": null}, "reason": "年报"})).await?;
    assert_eq!(saved.status(), StatusCode::OK);
    let after: Value = saved.json().await?;
    assert_eq!(after["values"]["rd_expense"].as_f64(), Some(1234.5));
    assert_eq!(after["values"]["own_brand"].as_f64(), Some(1.0));
    assert!(after["values"].get("ip_class2").is_none());
    // The replaced value is kept with why and who; the audit log has old → new.
    let firm = store.enterprise_by_code(&Scope::City, &xinzhi_domain::CreditCode::parse(&own)?).await?;
    let filter = xinzhi_store::AuditFilter { action: Some("profile.save".into()), ..Default::default() };
    let audit = store.list_audit(&filter, Page::new(20, 0)).await?;
    let entry = audit.items.first().ok_or("audited")?;
    assert_eq!(entry.object_id.as_deref(), Some(format!("{}/2024", firm.enterprise_id.0).as_str()));
    let detail: Value = serde_json::from_str(entry.detail.as_deref().ok_or("detail")?)?;
    assert_eq!(detail["values"]["rd_expense"]["new"].as_f64(), Some(1234.5));
    assert_eq!(detail["values"]["rd_expense"]["old"], before["values"]["rd_expense"]);

    // The form: a bad value shows the form again with the message and saves nothing.
    let form_path = format!("/enterprises/{own}/profile");
    let page = app.get(&format!("{form_path}?year=2024")).await?.text().await?;
    assert!(page.contains("id=\"profile-tiers\"") && page.contains("f.rd_expense"));
    let bad = app.post_form(&form_path, &[("year", "2024"), ("f.rd_expense", "很多"), ("f.employees", "12.5")]).await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = bad.text().await?;
    assert!(html.contains("“研发费用”应为数字") && html.contains("从业人员"), "{html}");
    assert_eq!(app.get(&path).await?.json::<Value>().await?["values"]["rd_expense"].as_f64(), Some(1234.5));

    // Another district's firm does not exist for this reporter.
    let far = store
        .search_enterprises(
            &Scope::City,
            &EnterpriseFilter { district: Some(RegionCode::parse("436021")?), ..Default::default() },
            Page::new(1, 0),
        )
        .await?
        .items[0]
        .credit_code
        .to_string();
    assert_eq!(app.get(&format!("/api/v1/profiles/{far}/2024")).await?.status(), StatusCode::NOT_FOUND);
    let foreign = app
        .client
        .put(format!("{}/api/v1/profiles/{far}/2024", app.base))
        .header("x-csrf-token", &csrf)
        .json(&json!({"values": {}}))
        .send()
        .await?;
    assert_eq!(foreign.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/profiles/{own}/1999")).await?.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await
}

#[tokio::test]
async fn profiles_import_from_a_messy_file_with_a_preview_and_the_errors_marked() -> Result {
    let app = spawn_app().await?;
    app.login("district", PASSWORD).await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let firms = store.search_enterprises(&district, &EnterpriseFilter::default(), Page::new(2, 0)).await?.items;
    let (a, b) = (&firms[0].credit_code, &firms[1].credit_code);
    // A title row; R&D in 元 and revenue in 亿元; full-width digits; a total row; row 5 has a
    // flag that is neither 0 nor 1 (column E); row 6 is not a firm of the district.
    let csv = format!(
        "潇水区2023年度企业画像\n统一社会信用代码,企业名称,研发费用(元),营业收入（亿元）,拥有自主品牌,Ⅰ类知识产权(项)\n\
         {a},甲,\"3,500,000\",１.２,1,4\n{},乙,800000,0.5,3,\n911100006336912003,外,1,1,1,1\n合计,,4300000,1.7,,\n",
        b.as_str().to_lowercase()
    );
    let csrf = app.csrf().await?;
    let posted =
        post_upload_for(&app, "/cultivation/profiles/import", "2023", &csrf, "画像.csv", csv.as_bytes()).await?;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER, "{}", posted.text().await?);
    let preview_path = posted.headers()["location"].to_str()?.to_owned();
    assert!(preview_path.starts_with("/cultivation/profiles/import/"));
    let preview = app.get(&preview_path).await?.text().await?;
    assert!(preview.contains("id=\"count-read\">3<") && preview.contains("id=\"count-rejected\">2<"), "{preview}");
    assert!(preview.contains("第4行 E列（拥有自主品牌）：“拥有自主品牌”的值3不在允许范围内（应为0或1）"), "{preview}");
    assert!(preview.contains("第5行 A列（统一社会信用代码）"), "{preview}");
    let firm = store.enterprise_by_code(&district, a).await?;
    let stored =
        |p: &xinzhi_store::cultivation::FirmProfile| (p.get(2023, "rd_expense"), p.get(2023, "operating_revenue"));
    let untouched = store.profile_of(&district, firm.enterprise_id, 2023, 2023).await?;
    assert_ne!(stored(&untouched), (Some(350.0), Some(12_000.0)), "the preview writes nothing");

    // The error report marks the flag cell red.
    let xlsx = app.get(&format!("{preview_path}/errors.xlsx")).await?.bytes().await?;
    assert!(red_cells(&xlsx)?.contains(&(4, "E".to_owned())));

    // Commit valid rows: 3,500,000 元 is 350 万元, １.２ 亿元 is 12,000 万元.
    let done = app.post_form(&preview_path, &[("mode", "valid_rows")]).await?;
    assert_eq!(done.status(), StatusCode::OK);
    let written = store.profile_of(&district, firm.enterprise_id, 2023, 2023).await?;
    assert_eq!(stored(&written), (Some(350.0), Some(12_000.0)));
    assert_eq!(written.get(2023, "ip_class1"), Some(4.0));

    // The same file again through the API changes nothing; an unreadable one is 422.
    let token = store_token(&app).await?;
    let client = reqwest::Client::new();
    let again: Value = client
        .post(format!("{}/api/v1/profiles/import?year=2023", app.base))
        .bearer_auth(&token)
        .body(csv.clone())
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(again["rows"][0]["outcome"], "unchanged", "{again}");
    assert_eq!(again["values_written"], 0);
    let unreadable = client
        .post(format!("{}/api/v1/profiles/import?year=2023", app.base))
        .bearer_auth(&token)
        .body(b"PK\x03\x04 broken".to_vec())
        .send()
        .await?;
    assert_eq!(unreadable.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let future = client
        .post(format!("{}/api/v1/profiles/import?year=2999", app.base))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await?;
    assert_eq!(future.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The template names every field, and a filled-in template imports as is.
    let template = app.get("/cultivation/profiles/template.xlsx?year=2023").await?;
    assert_eq!(template.status(), StatusCode::OK);
    let bytes = template.bytes().await?;
    let checked: Value = client
        .post(format!("{}/api/v1/profiles/import?year=2023&dry_run=true", app.base))
        .bearer_auth(&token)
        .body(bytes.to_vec())
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(checked["clean"], true, "{checked}");
    assert!(checked["rows_read"].as_u64().unwrap_or(0) > 0);
    app.stop().await
}

#[tokio::test]
async fn commendation_lists_follow_the_rules_version_and_export_one_sheet_per_award() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let lists: Value = app.get("/api/v1/commendations?year=2024").await?.json().await?;
    assert_eq!(lists["version"], "XZ-STAR-EXAMPLE");
    let awards = lists["lists"].as_array().ok_or("lists")?;
    let codes: Vec<&str> = awards.iter().filter_map(|l| l["code"].as_str()).collect();
    assert_eq!(codes, ["five_star", "four_star", "three_star", "growth_star"]);
    // Each firm on one list at most; values highest first; five stars pay at least 5000万元,
    // which is the firm's own profile figure.
    let mut seen = std::collections::HashSet::new();
    for award in awards {
        let values: Vec<f64> =
            award["winners"].as_array().ok_or("winners")?.iter().filter_map(|w| w["value"].as_f64()).collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{award}");
        for w in award["winners"].as_array().ok_or("winners")? {
            assert!(seen.insert(w["credit_code"].as_str().unwrap_or("").to_owned()), "one award per firm: {w}");
        }
    }
    // The stars rank by taxes paid: each value is the firm's own profile figure, above the floor.
    let mut lowest_star = f64::INFINITY;
    for (award, floor) in awards.iter().zip([5_000.0, 2_000.0, 1_000.0]) {
        for w in award["winners"].as_array().ok_or("winners")? {
            let code = w["credit_code"].as_str().ok_or("code")?;
            let profile: Value = app.get(&format!("/api/v1/profiles/{code}/2024")).await?.json().await?;
            assert_eq!(profile["values"]["taxes_paid"], w["value"]);
            let value = w["value"].as_f64().unwrap_or(0.0);
            assert!(value >= floor, "{w}");
            lowest_star = lowest_star.min(value);
        }
    }
    assert!(lowest_star.is_finite(), "the small city has starred firms");
    let five = awards[0]["winners"].as_array().ok_or("five")?;
    let growth = &awards[3];
    assert!(
        growth["winners"].as_array().map_or(0, Vec::len) <= 20
            || growth["winners"][20]["place"] == growth["winners"][19]["place"]
    );

    // A version with the five-star floor at the lowest starred firm's taxes, in force from
    // 2025: that firm becomes five stars; the example still answers when named.
    let rules: Value = app.get("/api/v1/cultivation/rules/commendation").await?.json().await?;
    let mut lower: Value = serde_json::from_str(rules["versions"][0]["body"].as_str().ok_or("body")?)?;
    lower["version"] = json!("XZ-STAR-2025");
    lower["effective_from"] = json!(20250101);
    lower["awards"][0]["eligibility"][0]["condition"]["threshold"] = json!(lowest_star);
    let token = store_token(&app).await?;
    let saved = reqwest::Client::new()
        .post(format!("{}/api/v1/cultivation/rules/commendation", app.base))
        .bearer_auth(&token)
        .body(lower.to_string())
        .send()
        .await?;
    assert_eq!(saved.status(), StatusCode::CREATED);
    let now: Value = app.get("/api/v1/commendations?year=2024").await?.json().await?;
    assert_eq!(now["version"], "XZ-STAR-2025");
    let five_now = now["lists"][0]["winners"].as_array().ok_or("five")?;
    assert!(five_now.len() > five.len());
    assert!(five_now.iter().all(|w| w["value"].as_f64().unwrap_or(0.0) >= lowest_star));
    let then: Value = app.get("/api/v1/commendations?year=2024&version=XZ-STAR-EXAMPLE").await?.json().await?;
    assert_eq!(then["lists"], lists["lists"]);

    // The workbook: one sheet per award.
    use std::io::Read;
    let xlsx = app.get("/cultivation/commendations.xlsx?year=2024").await?.bytes().await?;
    let mut workbook = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec()))?
        .by_name("xl/workbook.xml")?
        .read_to_string(&mut workbook)?;
    assert_eq!(workbook.matches("<sheet ").count(), 4);
    let page = app.get("/cultivation/commendations?year=2024").await?.text().await?;
    assert!(page.contains("data-award=\"five_star\"") && page.contains("XZ-STAR-2025"));
    app.stop().await
}
