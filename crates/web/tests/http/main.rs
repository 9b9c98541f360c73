//! Black-box HTTP tests: the real server on a random port over a fresh database holding a
//! small demo city. One binary for all of them (fewer link steps).

// Test helpers outside #[test] functions may panic too: a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod helpers;

mod benchmark;
mod briefings;
mod cultivation;
mod evaluation;
mod imports;
mod monitor;
mod policies;
mod programmes;
mod projects;
mod reports;
mod requests;
mod security;
mod tasks;

use helpers::{TestApp, browser, spawn_app, spawn_signed_in};
use reqwest::StatusCode;
use serde_json::Value;
use xinzhi_store::testing::TestDatabase;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::test]
async fn health_check_answers_200_without_signing_in() -> Result {
    let app = spawn_app().await?;
    let response = app.get("/healthz").await?;
    assert_eq!(response.status(), StatusCode::OK);
    app.stop().await
}

#[tokio::test]
async fn the_overview_is_in_chinese_by_default_and_counts_match_the_api() -> Result {
    let app = spawn_signed_in("admin").await?;
    let overview: Value = app.get("/api/v1/overview").await?.json().await?;
    let page = app.get("/").await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("潇州市") && html.contains("规模以上工业企业"));
    let above = overview["above_scale"].as_i64().ok_or("above_scale")?;
    assert!(html.contains(&format!("id=\"count-above-scale\">{above}<")), "above-scale count {above} on the page");
    // Districts add up to every current enterprise that has a district.
    let by_district: i64 =
        overview["by_district"].as_array().ok_or("by_district")?.iter().filter_map(|d| d["enterprises"].as_i64()).sum();
    assert!(by_district > 0 && by_district <= overview["enterprises"].as_i64().ok_or("enterprises")?);
    app.stop().await
}

#[tokio::test]
async fn english_comes_from_accept_language_the_query_or_the_switch_cookie() -> Result {
    let app = spawn_signed_in("admin").await?;
    let html = app.get_with("/", &[("accept-language", "en-US,en;q=0.9")]).await?.text().await?;
    assert!(
        html.contains("<html lang=\"en\">") && html.contains("Above-scale enterprises") && html.contains("Xiaozhou")
    );
    let html = app.get("/enterprises?lang=en").await?.text().await?;
    assert!(html.contains("Enterprise directory"));

    // The switch remembers the choice in a cookie and returns to the page it came from.
    let switch = app.get("/lang/en?next=/chains").await?;
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()["location"], "/chains");
    let cookie = switch.headers()["set-cookie"].to_str()?.to_owned();
    assert!(cookie.starts_with("lang=en") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    // The browser's cookie jar now holds the choice.
    let html = app.get("/chains").await?.text().await?;
    assert!(html.contains("Industry clusters and chains"));
    // An off-site target is not followed.
    let switch = app.get("/lang/zh-CN?next=//evil.example/").await?;
    assert_eq!(switch.headers()["location"], "/");
    app.stop().await
}

#[tokio::test]
async fn the_enterprise_list_filters_and_pages_consistently() -> Result {
    let app = spawn_signed_in("admin").await?;
    let overview: Value = app.get("/api/v1/overview").await?.json().await?;
    let district = &overview["by_district"][0];
    let code = district["code"].as_str().ok_or("code")?;
    let expected = district["enterprises"].as_i64().ok_or("count")?;
    let first: Value = app.get(&format!("/api/v1/enterprises?district={code}&limit=7&offset=0")).await?.json().await?;
    assert_eq!(first["total"].as_i64(), Some(expected));
    assert_eq!(first["items"].as_array().ok_or("items")?.len() as i64, expected.min(7));
    // Walking every page visits each firm of the district once.
    let mut seen = std::collections::HashSet::new();
    for offset in (0..expected).step_by(7) {
        let page: Value =
            app.get(&format!("/api/v1/enterprises?district={code}&limit=7&offset={offset}")).await?.json().await?;
        for item in page["items"].as_array().ok_or("items")? {
            assert_eq!(item["district_code"].as_str(), Some(code));
            assert!(seen.insert(item["credit_code"].as_str().ok_or("code")?.to_owned()));
        }
    }
    assert_eq!(seen.len() as i64, expected);
    let above: Value =
        app.get(&format!("/api/v1/enterprises?district={code}&above_scale=true&limit=500")).await?.json().await?;
    assert_eq!(above["total"].as_i64(), district["above_scale"].as_i64());
    assert!(above["items"].as_array().ok_or("items")?.iter().all(|i| i["above_scale"] == Value::Bool(true)));
    app.stop().await
}

#[tokio::test]
async fn an_enterprise_is_found_by_name_and_shown_with_its_history() -> Result {
    let app = spawn_signed_in("admin").await?;
    let list: Value = app.get("/api/v1/enterprises?above_scale=true&limit=1").await?.json().await?;
    let item = &list["items"][0];
    let code = item["credit_code"].as_str().ok_or("code")?;
    let name = item["name"].as_str().ok_or("name")?;
    let by_name: Value = app.get(&format!("/api/v1/enterprises?q={}", name)).await?.json().await?;
    assert!(by_name["items"].as_array().ok_or("items")?.iter().any(|i| i["credit_code"] == code));

    let record: Value = app.get(&format!("/api/v1/enterprises/{code}")).await?.json().await?;
    assert_eq!(record["name"], name);
    let kinds: Vec<&str> =
        record["memberships"].as_array().ok_or("memberships")?.iter().filter_map(|m| m["kind"].as_str()).collect();
    assert!(kinds.contains(&"district") && kinds.contains(&"above_scale"), "{kinds:?}");
    // Lower-case and full-width input finds the same record.
    let lower = app.get(&format!("/api/v1/enterprises/{}", code.to_lowercase())).await?;
    assert_eq!(lower.status(), StatusCode::OK);

    let values: Value =
        app.get(&format!("/api/v1/enterprises/{code}/values?from=2024-01&to=2024-03")).await?.json().await?;
    let values = values.as_array().ok_or("values")?;
    assert!(values.iter().any(|v| v["indicator"] == "gross_output" && v["period"] == "2024-03"));
    assert!(values.iter().all(|v| v["period"].as_str().is_some_and(|p| ("2024-01"..="2024-03").contains(&p))));

    let page = app.get(&format!("/enterprises/{code}")).await?;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await?;
    assert!(html.contains(code) && html.contains("id=\"memberships\"") && html.contains("id=\"monthly-values\""));
    assert!(html.contains("工业总产值"));
    app.stop().await
}

#[tokio::test]
async fn an_invalid_credit_code_gets_422_naming_the_field_and_the_check_character() -> Result {
    let app = spawn_signed_in("admin").await?;
    let response = app.get("/api/v1/enterprises/91350100M000100Y44").await?;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await?;
    assert_eq!(body["error"]["field"], "credit_code");
    assert_eq!(body["error"]["code"], "credit_code.check_character");
    assert!(body["error"]["message"].as_str().ok_or("message")?.contains("应为“3”"));
    let english: Value =
        app.get_with("/api/v1/enterprises/91350100M000100Y44", &[("accept-language", "en")]).await?.json().await?;
    assert!(english["error"]["message"].as_str().ok_or("message")?.contains("expected '3', found '4'"));
    let short: Value = app.get("/api/v1/enterprises/9135?lang=en").await?.json().await?;
    assert_eq!(short["error"]["code"], "credit_code.length");
    let page = app.get("/enterprises/91350100M000100Y44").await?;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await?.contains("校验位"));
    app.stop().await
}

#[tokio::test]
async fn a_valid_but_unknown_credit_code_is_404() -> Result {
    let app = spawn_signed_in("admin").await?;
    let response = app.get("/api/v1/enterprises/91350100M000100Y43").await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await?;
    assert_eq!(body["error"]["code"], "not_found");
    assert_eq!(app.get("/enterprises/91350100M000100Y43").await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/chains/no_such_chain").await?.status(), StatusCode::NOT_FOUND);
    let unknown_route = app.get("/api/v1/nothing").await?;
    assert_eq!(unknown_route.status(), StatusCode::NOT_FOUND);
    assert!(unknown_route.headers()["content-type"].to_str()?.starts_with("application/json"));
    assert_eq!(app.get("/nothing").await?.status(), StatusCode::NOT_FOUND);
    app.stop().await
}

#[tokio::test]
async fn bad_list_parameters_get_422_naming_the_parameter() -> Result {
    let app = spawn_signed_in("admin").await?;
    for (query, field) in [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("offset=-1", "offset"),
        ("district=12", "district"),
        ("industry=B3813", "industry"),
        ("above_scale=maybe", "above_scale"),
        ("tier=giant", "tier"),
    ] {
        let response = app.get(&format!("/api/v1/enterprises?{query}")).await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        let body: Value = response.json().await?;
        assert_eq!(body["error"]["field"], field, "{query}");
    }
    let long = "长".repeat(101);
    assert_eq!(app.get(&format!("/api/v1/enterprises?q={long}")).await?.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.get("/enterprises?district=12").await?;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await?.contains("data-field=\"district\""));
    let bad_month = app.get("/api/v1/enterprises/914403001922038216/values?from=2024-13").await?;
    assert_eq!(bad_month.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await
}

#[tokio::test]
async fn the_chain_map_places_firms_in_segments_with_the_chain_owner_marked() -> Result {
    let app = spawn_signed_in("admin").await?;
    let chains: Value = app.get("/api/v1/chains").await?.json().await?;
    let clusters = chains.as_array().ok_or("clusters")?;
    assert_eq!(clusters.len(), 3);
    assert!(clusters.iter().all(|c| c["chains"].as_array().is_some_and(|a| a.len() == 2)), "a 3×2 system");
    let map: Value = app.get("/api/v1/chains/leather_shoes").await?.json().await?;
    let stages: Vec<&str> =
        map["segments"].as_array().ok_or("segments")?.iter().filter_map(|s| s["stage"].as_str()).collect();
    assert_eq!(stages, ["upstream", "midstream", "downstream"]);
    let members: usize =
        map["segments"].as_array().ok_or("segments")?.iter().map(|s| s["members"].as_array().map_or(0, Vec::len)).sum();
    assert!(members > 0);
    let html = app.get("/chains/leather_shoes").await?.text().await?;
    assert!(
        html.contains("id=\"chain-map\"") && html.contains("上游") && html.contains("下游") && html.contains("链长")
    );
    app.stop().await
}

#[tokio::test]
async fn markup_in_stored_text_is_escaped_on_every_page() -> Result {
    let app = spawn_signed_in("admin").await?;
    let evil = "<script>alert('x')</script>恶意公司";
    app.insert_enterprise("91350100M000100Y43", evil).await?;
    let list = app.get("/enterprises?q=%E6%81%B6%E6%84%8F").await?.text().await?;
    let record = app.get("/enterprises/91350100M000100Y43").await?.text().await?;
    for html in [&list, &record] {
        assert!(!html.contains("<script>alert"), "raw markup rendered");
        assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"), "escaped name shown");
    }
    let searched = app.get("/enterprises?q=%3Cscript%3E").await?.text().await?;
    assert!(!searched.contains("value=\"<script>"), "the search box echoes escaped text");
    app.stop().await
}

#[tokio::test]
async fn pages_carry_security_headers() -> Result {
    let app = spawn_signed_in("admin").await?;
    let response = app.get("/").await?;
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert!(response.headers()["content-security-policy"].to_str()?.contains("default-src 'self'"));
    // What a signed-in user saw stays out of caches: pages, exports and the API; not over TLS,
    // no HSTS, and a client's X-Forwarded-Proto does not make the cookie Secure.
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(!response.headers().contains_key("strict-transport-security"));
    for path in ["/api/v1/overview", "/reports/template.xlsx?period=2024-03", "/admin/users"] {
        assert_eq!(app.get(path).await?.headers()["cache-control"], "no-store", "{path}");
    }
    assert_eq!(app.get("/static/app.css").await?.headers()["cache-control"], "public, max-age=3600");
    let forwarded = browser()?;
    let form = forwarded.get(format!("{}/login", app.base)).send().await?.text().await?;
    let csrf = helpers::hidden_value(&form, "csrf").ok_or("csrf")?;
    let signed_in = forwarded
        .post(format!("{}/login", app.base))
        .header("x-forwarded-proto", "https")
        .form(&[("csrf", csrf.as_str()), ("username", "leader"), ("password", helpers::PASSWORD), ("next", "/")])
        .send()
        .await?;
    let cookie = signed_in.headers()["set-cookie"].to_str()?.to_owned();
    assert!(cookie.starts_with("xz_session=") && !cookie.contains("Secure"), "{cookie}");
    app.stop().await
}

#[tokio::test]
async fn served_over_tls_the_cookie_is_secure_and_hsts_is_sent() -> Result {
    let web = xinzhi_web::WebConfig { https: true, ..xinzhi_web::WebConfig::default() };
    let app = TestApp::spawn_configured(TestDatabase::sqlite().await?, web).await?;
    let login = app.try_login_with(&browser()?, "leader", helpers::PASSWORD).await?;
    let cookie = login.headers()["set-cookie"].to_str()?.to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert_eq!(login.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains");
    app.stop().await
}

#[tokio::test]
async fn a_body_that_is_not_json_gets_the_documented_422_in_the_callers_language() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let token = imports::store_token(&app).await?;
    let client = reqwest::Client::new();
    let send = |body: &'static str, content_type: &'static str, lang: &'static str| {
        client
            .post(format!("{}/api/v1/monitor/targets", app.base))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .header("accept-language", lang)
            .body(body)
            .send()
    };
    let broken = send("{\"year\": 2024,", "application/json", "zh-CN").await?;
    assert_eq!(broken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = broken.json().await?;
    assert_eq!((body["error"]["field"].as_str(), body["error"]["code"].as_str()), (Some("body"), Some("body.json")));
    assert_eq!(body["error"]["message"], "请求体不是有效的JSON（第1行第14列）");
    let english: Value = send("{", "application/json", "en").await?.json().await?;
    assert!(english["error"]["message"].as_str().is_some_and(|m| m.starts_with("The body is not valid JSON")));
    let shape = send("[1, 2]", "application/json", "zh-CN").await?;
    assert_eq!(shape.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = shape.json().await?;
    assert_eq!(body["error"]["code"], "body.shape");
    let plain = send("{}", "text/plain", "zh-CN").await?;
    assert_eq!(plain.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = plain.json().await?;
    assert_eq!(body["error"]["code"], "body.content_type");
    app.stop().await
}

/// The same requests on PostgreSQL, when a server is configured.
#[tokio::test]
async fn the_api_behaves_the_same_on_postgres() -> Result {
    let Some(db) = TestDatabase::postgres().await? else {
        eprintln!("note: PostgreSQL part skipped; set TEST_DATABASE_URL to run it");
        return Ok(());
    };
    let app = TestApp::spawn_on(db).await?;
    app.login("admin", helpers::PASSWORD).await?;
    let list: Value = app.get("/api/v1/enterprises?q=%E6%BD%87&limit=5").await?.json().await?;
    assert!(list["total"].as_i64().ok_or("total")? > 0);
    let code = list["items"][0]["credit_code"].as_str().ok_or("code")?.to_owned();
    assert_eq!(app.get(&format!("/api/v1/enterprises/{code}")).await?.status(), StatusCode::OK);
    assert_eq!(app.get(&format!("/enterprises/{code}")).await?.status(), StatusCode::OK);
    assert_eq!(app.get("/").await?.status(), StatusCode::OK);
    assert_eq!(app.get("/chains/rare_earth").await?.status(), StatusCode::OK);
    assert_eq!(app.get("/api/v1/enterprises/91350100M000100Y44").await?.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await
}

#[tokio::test]
async fn metrics_are_served_in_prometheus_text_to_allowed_addresses_only() -> Result {
    let app = spawn_signed_in("leader").await?;
    assert_eq!(app.get("/api/v1/monitor/cockpit?month=2024-06").await?.status(), StatusCode::OK);
    let metrics = app.get("/metrics").await?;
    assert_eq!(metrics.status(), StatusCode::OK);
    assert!(metrics.headers()["content-type"].to_str()?.starts_with("text/plain; version=0.0.4"));
    let text = metrics.text().await?;
    let value = |name: &str| -> Option<f64> {
        text.lines().find(|l| l.starts_with(name)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
    };
    assert!(value("xinzhi_http_requests_total{class=\"2xx\"}").is_some_and(|n| n >= 2.0), "{text}");
    assert!(value("xinzhi_http_request_duration_seconds_count").is_some_and(|n| n >= 2.0));
    assert_eq!(value("xinzhi_engine_lag_changes"), Some(0.0), "loaded by the cockpit and up to date");
    assert!(text.contains("# TYPE xinzhi_http_request_duration_seconds histogram"));
    // Behind a proxy, a client elsewhere does not see it.
    let proxied = helpers::spawn_behind_proxy().await?;
    let outside = reqwest::Client::new()
        .get(format!("{}/metrics", proxied.base))
        .header("x-forwarded-for", "203.0.113.5")
        .send()
        .await?;
    assert_eq!(outside.status(), StatusCode::NOT_FOUND);
    proxied.stop().await?;
    app.stop().await
}

/// Every route of the routers nested under `/api/v1`, read from the sources the way a reader
/// would: the `.route("…")` calls in `api::router`, `reports::router` and each `api_router`.
fn declared_api_routes() -> Result<Vec<String>> {
    let mut routes = Vec::new();
    for path in helpers::source_files()? {
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()).map(str::to_owned) else { continue };
        let source = std::fs::read_to_string(&path)?;
        let name = if stem == "api" || stem == "reports" { "fn router()" } else { "fn api_router()" };
        let Some(start) = source.find(name) else { continue };
        let body = &source[start..start + source[start..].find("\n}\n").unwrap_or(source.len() - start)];
        for piece in body.split(".route(\"").skip(1) {
            routes.push(format!("/api/v1{}", &piece[..piece.find('"').unwrap_or(0)]));
        }
    }
    routes.sort();
    routes.dedup();
    Ok(routes)
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() -> Result {
    let app = spawn_app().await?;
    let document: Value = app.get("/api/v1/openapi.json").await?.json().await?;
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().ok_or("paths")?;
    let declared = declared_api_routes()?;
    assert!(declared.len() > 60, "{} routes", declared.len());
    for route in &declared {
        assert!(paths.contains_key(route), "{route} is missing from openapi.json");
    }
    assert_eq!(paths.len(), declared.len(), "nothing documented that is not served");
    // Every operation is described by its handler's doc comment (without one, the summary
    // would be the handler's name, the end of the operation id).
    for (path, operations) in paths {
        for (method, operation) in operations.as_object().ok_or("operations")? {
            let summary = operation["summary"].as_str().unwrap_or("");
            let id = operation["operationId"].as_str().unwrap_or("");
            assert!(summary.contains(' ') && !id.ends_with(summary), "{method} {path}: no doc comment on its handler");
        }
    }
    let correction = &paths["/api/v1/reports/{credit_code}/{period}/correction"]["post"];
    assert!(correction["summary"].as_str().is_some_and(|s| s.contains("更正")));
    assert_eq!(correction["parameters"].as_array().map(Vec::len), Some(2));
    assert_eq!(correction["responses"]["422"]["$ref"], "#/components/responses/Invalid");
    let page = app.get("/api/v1/docs").await?.text().await?;
    assert!(page.contains("/api/v1/reports/{credit_code}/{period}/correction"));
    app.stop().await
}
