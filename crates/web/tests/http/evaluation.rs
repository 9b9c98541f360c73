//! The 亩均 evaluation over HTTP on the small demo city: an analyst runs it, the classes keep
//! their quotas, a firm objects inside the publication window, the analyst upholds it and
//! re-scores, the run becomes final; the page, the low-efficiency list and who may do what.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::Result;
use crate::helpers::{PASSWORD, spawn_signed_in};
use crate::imports::store_token;

#[tokio::test]
async fn a_mu_run_is_published_objected_to_rescored_and_made_final() -> Result {
    // Tokens for the analyst and the reporter; the session stays the reporter's.
    let analyst = spawn_signed_in("analyst").await?;
    let token = store_token(&analyst).await?;
    let app = analyst.with_new_browser()?;
    app.login("reporter", PASSWORD).await?;
    let reporter_token = store_token(&app).await?;
    let client = reqwest::Client::new();
    let base = app.base.clone();
    let post =
        |path: String, body: Value| client.post(format!("{base}/api/v1{path}")).bearer_auth(&token).json(&body).send();
    let get = |path: String| client.get(format!("{base}{path}")).bearer_auth(&token).send();

    // Bad requests name their field.
    for (body, field) in [
        (json!({"year": 2024, "group": "giant"}), "group"),
        (json!({"year": 1800}), "year"),
        (json!({"year": 2024, "version": "NONE"}), "version"),
    ] {
        let refused = post("/mu/runs".into(), body.clone()).await?;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(refused.json::<Value>().await?["error"]["field"], field, "{body}");
    }

    // One run per group; each ranks its own firms.
    let mut runs = Vec::new();
    for group in ["above_scale", "below_scale"] {
        let created = post("/mu/runs".into(), json!({"year": 2024, "group": group})).await?;
        assert_eq!(created.status(), StatusCode::CREATED, "{group}");
        let run: Value = created.json().await?;
        assert_eq!((run["status"].as_str(), run["revision"].as_i64()), (Some("draft"), Some(1)));
        assert_eq!(run["rule_version"], "HY-2022");
        runs.push(run["mu_run_id"].as_i64().ok_or("id")?);
    }
    let mut answers = Vec::new();
    for &run in &runs {
        let answer: Value = get(format!("/api/v1/mu/runs/{run}")).await?.json().await?;
        let results = answer["results"].as_array().ok_or("results")?;
        let graded: Vec<&str> = results.iter().filter_map(|r| r["class"].as_str()).collect();
        let count = |class: &str| graded.iter().filter(|c| **c == class).count() as f64;
        let rated = results.iter().filter(|r| r["exempt"] == false).count() as f64;
        assert!(rated >= 20.0, "run {run} rates {rated} firms");
        assert!(count("A") <= 0.2 * rated && count("A") + count("B") <= 0.6 * rated, "run {run}");
        assert!(count("D") >= 0.05 * rated && count("C") > 0.0, "run {run}");
        assert_eq!(answer["classes"]["A"].as_f64(), Some(count("A")));
        // Best first; every rated firm's total is the sum of its item points.
        let totals: Vec<f64> =
            results.iter().filter(|r| r["exempt"] == false).filter_map(|r| r["total"].as_f64()).collect();
        assert!(totals.windows(2).all(|w| w[0] >= w[1]));
        for r in results.iter().filter(|r| r["exempt"] == false) {
            let points: f64 = r["items"].as_array().ok_or("items")?.iter().filter_map(|i| i["points"].as_f64()).sum();
            assert!((points - r["total"].as_f64().unwrap_or(f64::NAN)).abs() < 1e-6, "{r}");
        }
        let districts: usize = answer["by_district"]
            .as_array()
            .ok_or("districts")?
            .iter()
            .filter_map(|d| d["firms"].as_u64())
            .sum::<u64>() as usize;
        assert_eq!(districts, results.len(), "every firm has a district");
        answers.push(answer);
    }

    // The reporter sees only its own firm's result, in the run that rates it.
    let mut own = None;
    for &run in &runs {
        let theirs: Value = app.get(&format!("/api/v1/mu/runs/{run}")).await?.json().await?;
        let results = theirs["results"].as_array().ok_or("results")?;
        assert!(results.len() <= 1, "{theirs}");
        assert!(theirs["by_district"].as_array().is_some_and(Vec::is_empty), "no district view for a firm");
        if let Some(r) = results.first() {
            own = Some((run, r["credit_code"].as_str().ok_or("code")?.to_owned(), r["total"].as_f64()));
        }
    }
    let (run, code, _) = own.ok_or("the reporter's firm is rated in one of the runs")?;
    let object = |reason: &str| {
        client
            .post(format!("{base}/api/v1/mu/runs/{run}/objections"))
            .bearer_auth(&reporter_token)
            .json(&json!({"credit_code": code, "reason": reason}))
            .send()
    };
    let reason = "用地面积含代征道路，应按实际使用面积计算";
    let early = object(reason).await?;
    assert_eq!(early.status(), StatusCode::CONFLICT, "a draft takes no objections");
    assert!(early.json::<Value>().await?["error"]["message"].as_str().unwrap_or("").contains("公示"));

    // Published; the objection comes in; the run cannot be final while it is open.
    let act = |body: Value| post(format!("/mu/runs/{run}/actions"), body);
    let published: Value = act(json!({"action": "publish"})).await?.json().await?;
    assert_eq!(published["status"], "published");
    assert!(published["objection_until"].as_i64().is_some());
    assert_eq!(
        act(json!({"action": "publish", "until": "2020-01-01"})).await?.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(object("太短").await?.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let filed = object(reason).await?;
    assert_eq!(filed.status(), StatusCode::CREATED);
    let objection = filed.json::<Value>().await?["mu_objection_id"].as_i64().ok_or("objection id")?;
    assert_eq!(object(reason).await?.status(), StatusCode::CONFLICT, "one open objection per firm");
    let blocked = act(json!({"action": "finalize"})).await?;
    assert_eq!(blocked.status(), StatusCode::CONFLICT);
    assert!(blocked.json::<Value>().await?["error"]["message"].as_str().unwrap_or("").contains("异议"));

    // Upheld, re-scored (revision 2), final; the first revision stays readable.
    let missing = act(json!({"action": "resolve", "objection": objection, "upheld": true})).await?;
    assert_eq!(missing.json::<Value>().await?["error"]["field"], "response");
    let resolved = act(
        json!({"action": "resolve", "objection": objection, "upheld": true, "response": "已核实，按实际用地重新计分"}),
    )
    .await?;
    assert_eq!(resolved.status(), StatusCode::OK);
    let rescored: Value = act(json!({"action": "rescore"})).await?.json().await?;
    assert_eq!(rescored["revision"], 2);
    let final_run: Value = act(json!({"action": "finalize"})).await?.json().await?;
    assert_eq!(final_run["status"], "final");
    assert_eq!(act(json!({"action": "rescore"})).await?.status(), StatusCode::CONFLICT);
    let first: Value = get(format!("/api/v1/mu/runs/{run}?revision=1")).await?.json().await?;
    let index = runs.iter().position(|r| *r == run).ok_or("run")?;
    assert_eq!(first["results"], answers[index]["results"], "revision 1 as it was");
    let theirs: Value = app.get(&format!("/api/v1/mu/runs/{run}")).await?.json().await?;
    assert_eq!(theirs["objections"][0]["status"], "upheld");
    assert_eq!(app.get(&format!("/cultivation/mu/{run}/low-efficiency.xlsx")).await?.status(), StatusCode::NOT_FOUND);

    // The page: class counts and the district table; the low-efficiency list holds the D firms.
    let page = get(format!("/cultivation/mu/{run}")).await?.text().await?;
    assert!(page.contains("HY-2022") && page.contains("id=\"mu-districts\""), "run page");
    let xlsx = get(format!("/cultivation/mu/{run}/low-efficiency.xlsx")).await?.bytes().await?;
    let d_firms =
        get(format!("/api/v1/mu/runs/{run}")).await?.json::<Value>().await?["classes"]["D"].as_u64().ok_or("D")?;
    // A title row and a header row above the firms.
    assert_eq!(crate::helpers::sheet_rows(&xlsx)? as u64, d_firms + 2);

    // A leader reads runs but does not run them.
    let leader = app.with_new_browser()?;
    leader.login("leader", PASSWORD).await?;
    let leader_token = store_token(&leader).await?;
    let refused = client
        .post(format!("{base}/api/v1/mu/runs"))
        .bearer_auth(&leader_token)
        .json(&json!({"year": 2024}))
        .send()
        .await?;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert_eq!(leader.get(&format!("/api/v1/mu/runs/{run}")).await?.status(), StatusCode::OK);
    leader.stop().await
}
