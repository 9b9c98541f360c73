//! The policy library over HTTP on the small demo city: a policy refused naming every wrong
//! field (the condition's error by position), then stored; its eligible firms with evidence
//! that matches the firms' own figures; decisions, the export, and each firm's own view.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::reports::post;

fn policy(condition: &str) -> Value {
    json!({
        "title": "专精特新企业研发奖励",
        "issuer": "潇州市工业和信息化局",
        "document_no": "潇工信发〔2024〕3号",
        "issued_on": "2024-03-01",
        "valid_from": "2024-03-01",
        "valid_to": "2030-12-31",
        "summary": "对研发投入增长的专精特新中小企业给予奖励。",
        "benefit": "按研发费用增量的10%奖励，最高50万元",
        "condition": condition,
        "automatic": true
    })
}

#[tokio::test]
async fn a_policy_finds_its_firms_with_evidence_and_staff_confirm_and_export_the_list() -> Result {
    let app = spawn_signed_in("analyst").await?;
    // Everything wrong at once: a misspelt fact (its position), a bad date, a missing issuer.
    let mut wrong = policy("above_scale and growth(\"rd_expense\") >= 10 and tier hass \"srdi_sme\"");
    wrong["issued_on"] = json!("2024-02-30");
    wrong["issuer"] = json!("");
    let refused = post(&app, "/api/v1/policies", wrong).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await?;
    let details = body["error"]["details"].as_array().ok_or("details")?;
    let fields: Vec<&str> = details.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["issuer", "condition", "issued_on"]);
    // `tier` at 48, a space, then `hass` at 53 where an operator belongs.
    assert_eq!(
        details[1]["message"],
        "第53个字符处：应为比较运算符（>=、>、<=、<、=、!=、in、has、starts_with），实际为“hass”"
    );
    let check = post(&app, "/api/v1/policies/check", json!({"condition": "employees >"})).await?;
    assert_eq!(check.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let condition =
        "above_scale and (tier has \"srdi_sme\" or tier has \"innovative_sme\") and growth(\"rd_expense\") >= 5";
    let created = post(&app, "/api/v1/policies", policy(condition)).await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await?["policy_id"].as_i64().ok_or("id")?;
    let list: Value = app.get(&format!("/api/v1/policies/{id}/eligible")).await?.json().await?;
    let firms = list["firms"].as_array().ok_or("firms")?;
    assert!(!firms.is_empty(), "{list}");
    // Each firm's evidence is its own: the R&D growth from its 2023 and 2024 profiles.
    for firm in firms.iter().take(3) {
        let code = firm["credit_code"].as_str().ok_or("code")?;
        let checks = firm["outcome"]["checks"].as_array().ok_or("checks")?;
        assert!(firm["outcome"]["eligible"] == true && checks.iter().all(|c| c["holds"] == true), "{firm}");
        let mut rd = Vec::new();
        for year in [2023, 2024] {
            let profile: Value = app.get(&format!("/api/v1/profiles/{code}/{year}")).await?.json().await?;
            rd.push(profile["values"]["rd_expense"].as_f64().ok_or("rd_expense")?);
        }
        let growth = (rd[1] / rd[0] - 1.0) * 100.0;
        let shown = checks.iter().find(|c| c["condition"] == "growth(\"rd_expense\") ≥ 5").ok_or("growth check")?;
        assert!((shown["value"].as_f64().ok_or("value")? - growth).abs() < 1e-9);
        assert!(growth >= 5.0);
        let record: Value = app.get(&format!("/api/v1/enterprises/{code}")).await?.json().await?;
        let tiers: Vec<&str> =
            record["designations"].as_array().ok_or("d")?.iter().filter_map(|d| d["tier"].as_str()).collect();
        assert!(tiers.contains(&"srdi_sme") || tiers.contains(&"innovative_sme"), "{tiers:?}");
    }

    // A district officer sees the district's part, confirms one firm and excludes another.
    let total = firms.len();
    let district = app.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    let theirs: Value = district.get(&format!("/api/v1/policies/{id}/eligible")).await?.json().await?;
    let own = theirs["firms"].as_array().ok_or("firms")?;
    assert!(own.len() <= total && own.iter().all(|f| f["district"] == own[0]["district"]));
    assert!(own.len() >= 2, "the district has firms to decide on: {}", own.len());
    let path = format!("/api/v1/policies/{id}/decisions");
    let decide = |code: &Value, decision: &str, note: Option<&str>| {
        post(&district, &path, json!({"credit_code": code, "decision": decision, "note": note}))
    };
    assert_eq!(decide(&own[0]["credit_code"], "confirmed", None).await?.status(), StatusCode::NO_CONTENT);
    let no_reason = decide(&own[1]["credit_code"], "excluded", None).await?;
    assert_eq!(no_reason.json::<Value>().await?["error"]["field"], "note");
    assert_eq!(
        decide(&own[1]["credit_code"], "excluded", Some("已享受同类奖励")).await?.status(),
        StatusCode::NO_CONTENT
    );
    let after: Value = district.get(&format!("/api/v1/policies/{id}/eligible")).await?.json().await?;
    assert_eq!((after["confirmed"].as_u64(), after["excluded"].as_u64()), (Some(1), Some(1)));
    // The export: a title row, a header row and a row per firm.
    let xlsx = district.get(&format!("/policies/{id}/eligible.xlsx")).await?.bytes().await?;
    assert_eq!(crate::helpers::sheet_rows(&xlsx)?, own.len() + 2);

    // The reporter sees its own firm's view (matched or not, with the reasons), not the list.
    let reporter = district.with_new_browser()?;
    reporter.login("reporter", PASSWORD).await?;
    assert_eq!(reporter.get(&format!("/api/v1/policies/{id}/eligible")).await?.status(), StatusCode::NOT_FOUND);
    let list: Value = reporter.get("/api/v1/enterprises?limit=1").await?.json().await?;
    let code = list["items"][0]["credit_code"].as_str().ok_or("own code")?;
    let mine: Value = reporter.get(&format!("/api/v1/enterprises/{code}/policies")).await?.json().await?;
    let mine = mine.as_array().ok_or("policies")?;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["outcome"]["checks"].as_array().map(|c| !c.is_empty()), Some(true));
    let page = reporter.get(&format!("/enterprises/{code}/policies")).await?.text().await?;
    assert!(page.contains("专精特新企业研发奖励") && page.contains("above_scale"));
    // And cannot write a policy.
    assert_eq!(post(&reporter, "/api/v1/policies", policy("above_scale")).await?.status(), StatusCode::NOT_FOUND);
    reporter.stop().await
}
