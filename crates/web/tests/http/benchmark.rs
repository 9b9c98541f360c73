//! Benchmarking over HTTP: the Chengdu conference report of the development set (traditional
//! characters with pinyin after each one) pasted, read and kept; one figure corrected and one
//! rejected, audited; the peer table shows the accepted achievements with the city's own
//! figures beside, equal to the cockpit's; who may read and who may write.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::reports::post;

const REPORT: &str = include_str!("../../../../../shared/data/reports/000_486c41343e6ab2c2.txt");

#[tokio::test]
async fn a_pasted_report_is_read_corrected_and_stands_beside_the_citys_own_figures() -> Result {
    let app = spawn_signed_in("analyst").await?;
    assert_eq!(
        post(&app, "/api/v1/benchmark/reports", json!({"text": "太短"})).await?.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let added = post(&app, "/api/v1/benchmark/reports", json!({"text": REPORT})).await?;
    assert_eq!(added.status(), StatusCode::CREATED);
    let report: Value = added.json().await?;
    let id = report["peer_report_id"].as_i64().ok_or("id")?;
    assert_eq!(report["region"], "成都市");
    assert_eq!(report["title"], "2024年全市经信新经济工作会议", "the meeting names an untitled report");
    assert_eq!(report["report_year"], 2024);
    let facts = report["facts"].as_array().ok_or("facts")?;
    let find =
        |indicator: &str| facts.iter().find(|f| f["indicator"] == indicator).cloned().ok_or(indicator.to_owned());
    let new_firms = find("新增规上企业")?;
    assert_eq!(
        (new_firms["value"].as_f64(), new_firms["year"].as_i64(), new_firms["list"].as_str()),
        (Some(375.0), Some(2023), Some("achieved"))
    );
    let growth = find("规上工业增加值")?;
    assert_eq!((growth["value"].as_f64(), growth["kind"].as_str()), (Some(4.1), Some("growth")));
    assert_eq!(facts.len(), 6);
    assert!(
        report["noise"]
            .as_array()
            .is_some_and(|n| n.contains(&json!("traditional")) && n.contains(&json!("pinyin_artifact")))
    );

    // A wrong correction names its fields; a good one is kept and audited; a rejected figure
    // leaves the table.
    let fact_path = |f: &Value| format!("/api/v1/benchmark/reports/{id}/facts/{}", f["peer_fact_id"]);
    let wrong = post(&app, &fact_path(&new_firms), json!({"value": "很多", "kind": "big", "year": "20x"})).await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = wrong.json().await?;
    let fields: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["value", "kind", "year"]);
    let corrected: Value = post(&app, &fact_path(&new_firms), json!({"value": "376"})).await?.json().await?;
    assert_eq!((corrected["value"].as_f64(), corrected["status"].as_str()), (Some(376.0), Some("corrected")));
    let power = find("电网供电能力")?;
    let rejected: Value = post(&app, &fact_path(&power), json!({"rejected": true})).await?.json().await?;
    assert_eq!(rejected["status"], "rejected");

    let table: Value = app.get("/api/v1/benchmark").await?.json().await?;
    let rows = table.as_array().ok_or("table")?;
    assert_eq!(rows.len(), 5, "six achievements, one rejected");
    assert!(rows.iter().all(|r| r["region"] == "成都市" && r["year"] == 2023));
    let row = |indicator: &str| rows.iter().find(|r| r["indicator"] == indicator).cloned().ok_or(indicator.to_owned());
    assert_eq!(row("新增规上企业")?["value"], 376.0);

    // Beside them, the city's own 2023 figures: the cockpit's entries and gross output growth
    // for December 2023.
    let cockpit: Value = app.get("/api/v1/monitor/cockpit?month=2023-12").await?.json().await?;
    assert_eq!(row("新增规上企业")?["own"].as_f64(), cockpit["counts"]["entered"].as_f64());
    let gross = cockpit["headline"]
        .as_array()
        .and_then(|h| h.iter().find(|i| i["indicator"]["code"] == "gross_output"))
        .ok_or("gross")?;
    let own_growth = row("规上工业增加值")?;
    assert_eq!(own_growth["own"].as_f64(), gross["year_to_date"]["growth_pct"].as_f64());
    assert_eq!(own_growth["own_is_proxy"], true);
    let projects = rows
        .iter()
        .find(|r| r["indicator"].as_str().is_some_and(|i| i.ends_with("先进制造业项目")))
        .ok_or("projects")?;
    assert_eq!(projects["own"], Value::Null, "Xinzhi does not count introduced projects");

    let page = app.get("/benchmark").await?.text().await?;
    assert!(page.contains("id=\"peer-table\"") && page.contains("成都市") && page.contains("376家"), "{page}");
    let report_page = app.get(&format!("/benchmark/{id}")).await?.text().await?;
    assert!(report_page.contains("赵春淦") && report_page.contains("data-status=\"rejected\""));

    // The region corrected by hand; the audit log has the corrections.
    let fixed: Value = post(
        &app,
        &format!("/api/v1/benchmark/reports/{id}"),
        json!({"region": "四川省成都市", "report_year": "2024"}),
    )
    .await?
    .json()
    .await?;
    assert_eq!(fixed["region"], "四川省成都市");
    let audit = app.with_new_browser()?;
    audit.login("auditor", PASSWORD).await?;
    let log = audit.get("/admin/audit.csv").await?.text().await?;
    assert!(log.contains("peer_fact.correct") && log.contains("peer_report.correct"));

    // A district officer reads the table; a department handler sees nothing; writing is the city's.
    let district = audit.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    assert_eq!(district.get("/api/v1/benchmark").await?.status(), StatusCode::OK);
    assert_eq!(
        post(&district, "/api/v1/benchmark/reports", json!({"text": REPORT})).await?.status(),
        StatusCode::NOT_FOUND
    );
    district.stop().await
}
