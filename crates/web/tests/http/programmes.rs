//! 小升规 and the digital and green programmes over HTTP on the small demo city: the pool's
//! figures against the firm's own monthly values, a case through the pipeline, entries by year
//! against the cockpit; recognitions stored whole or not at all, counted against a target.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::reports::post;

#[tokio::test]
async fn the_promotion_pool_reads_the_firms_revenue_and_moves_cases_through_the_pipeline() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let pool: Value = app.get("/api/v1/promotion?month=2024-06").await?.json().await?;
    let candidates = pool["candidates"].as_array().ok_or("candidates")?;
    assert!(candidates.len() >= 5, "{} candidates", candidates.len());
    // Those that reached the threshold first, then by projected revenue.
    let reached = |c: &Value| c["signals"].as_array().is_some_and(|s| s.contains(&json!("reached_threshold")));
    let firsts: Vec<bool> = candidates.iter().map(reached).collect();
    assert!(firsts.windows(2).all(|w| w[0] >= w[1]), "reached first");
    let first = &candidates[0];
    let code = first["credit_code"].as_str().ok_or("code")?.to_owned();

    // The figures are the firm's own: twelve months to June, January to June × 2.
    let values: Value =
        app.get(&format!("/api/v1/enterprises/{code}/values?from=2023-07&to=2024-06")).await?.json().await?;
    let revenue: Vec<(String, f64)> = values
        .as_array()
        .ok_or("values")?
        .iter()
        .filter(|v| v["indicator"] == "revenue")
        .filter_map(|v| Some((v["period"].as_str()?.to_owned(), v["value"].as_f64()?)))
        .collect();
    let trailing: f64 = revenue.iter().map(|(_, v)| v).sum();
    let ytd: f64 = revenue.iter().filter(|(p, _)| p.starts_with("2024")).map(|(_, v)| v).sum();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b.abs().max(1.0);
    assert!(close(first["revenue"]["trailing_12m"].as_f64().ok_or("trailing")?, trailing), "{first}");
    assert!(close(first["revenue"]["year_to_date"].as_f64().ok_or("ytd")?, ytd));
    assert!(close(first["projected_year_end"].as_f64().ok_or("projected")?, ytd * 2.0));
    let threshold = pool["rules"]["threshold_wan"].as_f64().ok_or("threshold")?;
    assert_eq!(threshold, 2_000.0);
    assert!(candidates.iter().all(|c| {
        let t = c["revenue"]["trailing_12m"].as_f64().unwrap_or(0.0);
        let p = c["projected_year_end"].as_f64().unwrap_or(0.0);
        t >= 0.5 * threshold
            || p >= threshold
            || c["signals"].as_array().is_some_and(|s| s.contains(&json!("newly_producing")))
    }));

    // A case: straight to "applied" is refused; pool → 准规上 → applied → admitted is kept.
    let path = "/api/v1/promotion/cases";
    let skip = post(&app, path, json!({"credit_code": code, "state": "applied", "year": 2024})).await?;
    assert_eq!(skip.status(), StatusCode::CONFLICT);
    let bad = post(&app, path, json!({"credit_code": code, "state": "done", "year": 2024})).await?;
    assert_eq!(bad.json::<Value>().await?["error"]["field"], "state");
    let mut last = Value::Null;
    for (to, note) in
        [("pool", "入库"), ("prospective", "1—5月营收已达2000万元"), ("applied", ""), ("admitted", "统计局已审核")]
    {
        let moved = post(&app, path, json!({"credit_code": code, "state": to, "year": 2024, "note": note})).await?;
        assert_eq!(moved.status(), StatusCode::OK, "{to}");
        last = moved.json().await?;
    }
    let history: Vec<(Option<&str>, &str)> = last["history"]
        .as_array()
        .ok_or("history")?
        .iter()
        .map(|e| (e["from"].as_str(), e["to"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        history,
        [
            (None, "pool"),
            (Some("pool"), "prospective"),
            (Some("prospective"), "applied"),
            (Some("applied"), "admitted")
        ]
    );
    let again: Value = app.get("/api/v1/promotion?month=2024-06").await?.json().await?;
    let states: Vec<(String, u64)> = again["cases_by_state"]
        .as_array()
        .ok_or("cases")?
        .iter()
        .filter_map(|p| Some((p[0].as_str()?.to_owned(), p[1].as_u64()?)))
        .collect();
    assert!(states.contains(&("admitted".into(), 1)), "{states:?}");
    let page = app.get("/cultivation/promotion?month=2024-06").await?.text().await?;
    assert!(page.contains("已入库") && page.contains("id=\"promotion-flows\""));

    // Entries of 2024 are the cockpit's 新增规上 of December.
    let cockpit: Value = app.get("/api/v1/monitor/cockpit?month=2024-12").await?.json().await?;
    let flows: Value = app.get("/api/v1/promotion?month=2024-12").await?.json().await?;
    let y2024 = flows["flows"].as_array().ok_or("flows")?.iter().find(|f| f["year"] == 2024).ok_or("2024")?;
    assert_eq!(y2024["entered"], cockpit["counts"]["entered"]);
    assert_eq!(y2024["above_scale_at_end"], cockpit["counts"]["above_scale"]);

    // A district officer moves only the district's firms.
    let district = app.with_new_browser()?;
    district.login("district", PASSWORD).await?;
    let theirs: Value = district.get("/api/v1/promotion?month=2024-06").await?.json().await?;
    let own: Vec<&str> =
        theirs["candidates"].as_array().ok_or("c")?.iter().filter_map(|c| c["credit_code"].as_str()).collect();
    let outside =
        candidates.iter().filter_map(|c| c["credit_code"].as_str()).find(|c| !own.contains(c)).ok_or("outside")?;
    let refused = post(&district, path, json!({"credit_code": outside, "state": "pool", "year": 2024})).await?;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    district.stop().await
}

#[tokio::test]
async fn recognitions_are_stored_whole_and_counted_against_the_programme_target() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let target = json!({"year": 2024, "unit": "city", "metric": "new_smart_station", "kind": "count", "value": 200});
    assert_eq!(post(&app, "/api/v1/monitor/targets", target).await?.status(), StatusCode::CREATED);
    let counts = |v: &Value, programme: &str| -> (i64, Option<f64>, Option<f64>) {
        let line = v["counts"].as_array().and_then(|c| c.iter().find(|l| l["programme"] == programme));
        let line = line.cloned().unwrap_or(Value::Null);
        (line["count"].as_i64().unwrap_or(-1), line["target"].as_f64(), line["completion_pct"].as_f64())
    };
    let before: Value = app.get("/api/v1/programmes?year=2024").await?.json().await?;
    let (stations, target, completion) = counts(&before, "smart_station");
    assert_eq!(target, Some(200.0));
    assert!((completion.ok_or("completion")? - stations as f64 / 2.0).abs() < 1e-9);
    let (clouds, _, _) = counts(&before, "cloud");

    let list: Value = app.get("/api/v1/enterprises?limit=2").await?.json().await?;
    let a = list["items"][0]["credit_code"].as_str().ok_or("a")?.to_owned();
    let b = list["items"][1]["credit_code"].as_str().ok_or("b")?.to_owned();
    let good = json!({"credit_code": a, "programme": "smart_station", "recognised_on": "2024-09-30", "quantity": 12});
    let cloud = json!({"credit_code": b, "programme": "cloud", "level": "star4", "recognised_on": "2024-10-08"});
    // One wrong level and one wrong date: 422 naming both, nothing stored.
    let wrong = json!({"records": [
        good,
        {"credit_code": b, "programme": "cloud", "level": "national", "recognised_on": "2024-10-08"},
        {"credit_code": b, "programme": "green_factory", "recognised_on": "2024-02-30"},
    ]});
    let refused = post(&app, "/api/v1/programmes", wrong).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await?;
    let fields: Vec<&str> =
        body["error"]["details"].as_array().ok_or("details")?.iter().filter_map(|d| d["field"].as_str()).collect();
    assert_eq!(fields, ["records[1].level", "records[2].recognised_on"]);
    let same: Value = app.get("/api/v1/programmes?year=2024").await?.json().await?;
    assert_eq!(counts(&same, "smart_station").0, stations, "nothing of a refused batch is kept");

    let added = post(&app, "/api/v1/programmes", json!({"records": [good, cloud]})).await?;
    assert_eq!(added.status(), StatusCode::CREATED);
    let ids: Vec<i64> =
        added.json::<Value>().await?["ids"].as_array().ok_or("ids")?.iter().filter_map(Value::as_i64).collect();
    let after: Value = app.get("/api/v1/programmes?year=2024").await?.json().await?;
    assert_eq!(counts(&after, "smart_station").0, stations + 12, "stations count their quantity");
    assert_eq!(counts(&after, "cloud").0, clouds + 1);
    // The cockpit's target reads the same count.
    let targets: Value = app.get("/api/v1/monitor/targets?month=2024-12").await?.json().await?;
    let row = targets["targets"]
        .as_array()
        .ok_or("targets")?
        .iter()
        .find(|t| t["metric"] == "new_smart_station")
        .ok_or("row")?;
    assert_eq!(row["actual"].as_f64(), Some((stations + 12) as f64));
    let page = app.get("/cultivation/programmes?year=2024").await?.text().await?;
    assert!(page.contains("data-programme=\"smart_station\"") && page.contains("四星级"));

    // Removed again; the leader reads but does not write.
    let removed = post(&app, &format!("/api/v1/programmes/{}/delete", ids[0]), json!({})).await?;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let last: Value = app.get("/api/v1/programmes?year=2024").await?.json().await?;
    assert_eq!(counts(&last, "smart_station").0, stations);
    let leader = app.with_new_browser()?;
    leader.login("leader", PASSWORD).await?;
    assert_eq!(leader.get("/api/v1/programmes").await?.status(), StatusCode::OK);
    let denied = post(&leader, "/api/v1/programmes", json!({"records": [cloud]})).await?;
    assert_eq!(denied.status(), StatusCode::NOT_FOUND);
    leader.stop().await
}
