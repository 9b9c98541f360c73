//! `xinzhi bench`: the speed claims of the monthly report, measured on this machine against the
//! configured database (a large demo city: `xinzhi demo --scale large`).
//!
//! - `import`: a district's month as one 10,000-row × 20-indicator .xlsx, read, checked and
//!   committed; then the same file again (nothing changes).
//! - `burst`: the month-end rush. The real server on a loopback port, and an open-loop load
//!   generator submitting reports at a fixed rate for distinct firms; latency is counted from
//!   each request's scheduled start (so a stalled server cannot hide its queue), and afterwards
//!   the stored reports are counted against the acknowledged submissions.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail};
use tokio::sync::{Mutex, Semaphore, oneshot};
use xinzhi_app::{clock, credentials};
use xinzhi_domain::{Lang, Month};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{AuditActor, DataSet, EnterpriseFilter, Page, Scope, Store};
use xinzhi_web::{Application, WebConfig};

use crate::commands::{cli_actor, open, peak_memory_mib, user_named};
use crate::config::Settings;

/// The first `count` credit codes of the city, by name.
async fn first_codes(store: &Store, count: usize) -> anyhow::Result<Vec<String>> {
    let mut codes = Vec::with_capacity(count);
    while codes.len() < count {
        let page = store
            .search_enterprises(&Scope::City, &EnterpriseFilter::default(), Page::new(500, codes.len() as i64))
            .await?;
        if page.items.is_empty() {
            bail!(
                "the database has {} enterprises; the benchmark needs {count} (generate one with `xinzhi demo --scale large`)",
                codes.len()
            );
        }
        codes.extend(page.items.into_iter().map(|e| e.credit_code.to_string()));
    }
    codes.truncate(count);
    Ok(codes)
}

/// A value for the indicator of firm number `n` that passes the standard rules (sales and
/// revenue below output, and so on).
fn plausible_value(indicator: &str, n: usize) -> f64 {
    let output = 1_000.0 + (n % 997) as f64 * 3.5;
    match indicator {
        "gross_output" => output,
        "sales_output" | "revenue" => output * 0.96,
        "main_revenue" => output * 0.9,
        "export_delivery" => output * 0.1,
        "capacity_utilization" => 80.0,
        "employees_end" | "employees_avg" => 120.0,
        "total_liabilities" => output * 0.5,
        _ => output * 0.2,
    }
}

fn memory() -> String {
    peak_memory_mib().map_or_else(|| "unknown".into(), |m| format!("{m:.0} MiB"))
}

/// `xinzhi bench import`: the monthly-import speed on this machine.
pub async fn import(settings: &Settings, rows: usize) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let codes = first_codes(&store, rows).await?;
    let span = store.value_months().await?.ok_or_else(|| anyhow!("the database has no values yet"))?;
    let period = span.last.next();
    let set = store.data_set(MONTHLY).await?;

    let started = Instant::now();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "统一社会信用代码")?;
    sheet.write_string(0, 1, "期别")?;
    for (c, i) in set.indicators.iter().enumerate() {
        sheet.write_string(0, c as u16 + 2, format!("{}({})", i.indicator.def.name_zh, i.indicator.def.unit_zh))?;
    }
    for (r, code) in codes.iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, code)?;
        sheet.write_string(row, 1, period.to_string())?;
        for (c, i) in set.indicators.iter().enumerate() {
            sheet.write_number(row, c as u16 + 2, plausible_value(i.indicator.def.code.as_str(), r))?;
        }
    }
    let bytes = workbook.save_to_buffer()?;
    println!(
        "workbook: {rows} rows × {} indicators, {:.1} MiB, built in {:.2} s (not part of the import)",
        set.indicators.len(),
        bytes.len() as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64()
    );

    let latest = Month::containing(clock::now()).ok_or_else(|| anyhow!("the clock is out of range"))?.max(period);
    for (run, label) in [(1, "first import (all new values)"), (2, "same file again (nothing changes)")] {
        let started = Instant::now();
        let request = xinzhi_app::imports::ImportRequest {
            bytes: &bytes,
            period: None,
            mode: xinzhi_store::ImportMode::ValidRows,
            dry_run: false,
            lang: Lang::En,
            latest,
        };
        let report = xinzhi_app::imports::run_import(&store, &xinzhi_app::Actor::system("bench"), request).await?;
        let elapsed = started.elapsed();
        if !report.committed {
            bail!("nothing was imported: {:?}", report.file_error.map(|e| e.message));
        }
        println!(
            "run {run}, {label}: {:.2} s; rows refused {}, values written {}, peak memory {}",
            elapsed.as_secs_f64(),
            report.rows_rejected,
            report.values_written,
            memory()
        );
    }
    println!("database: {} ({})", settings.database_url, store.backend().name());
    store.close().await;
    Ok(())
}

/// Options of `xinzhi bench burst`.
pub struct BurstOptions {
    pub seconds: u64,
    /// Submissions started per second.
    pub rate: u32,
    pub firms: usize,
    /// A city-level account that writes reports (the demo's `analyst`).
    pub user: String,
    /// Requests in flight at most; beyond, the generator waits (and the wait counts as latency).
    pub concurrency: usize,
}

/// One submission's result: acknowledged (2xx) or not, and its latency from its scheduled start.
struct Sample {
    ok: bool,
    status: u16,
    latency: Duration,
}

/// The month-end burst: see the module comment.
pub async fn burst(settings: &Settings, options: BurstOptions) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let total = options.seconds as usize * options.rate as usize;
    let codes = first_codes(&store, options.firms).await?;
    let span = store.value_months().await?.ok_or_else(|| anyhow!("the database has no values yet"))?;
    let set = store.data_set(MONTHLY).await?;
    // Distinct (firm, month) pairs: the firms in turn, over as many months as it takes, all
    // after the stored data and none in the future.
    let first = span.last.next();
    let months = total.div_ceil(options.firms).max(1);
    let last = first.plus(months as i64 - 1);
    let now = Month::containing(clock::now()).ok_or_else(|| anyhow!("the clock is out of range"))?;
    if last > now {
        bail!("{total} submissions for {} firms need the months {first} to {last}, past this month", options.firms);
    }
    let already = store.count_reports(set.data_set_id, first, last).await?;
    if already > 0 {
        bail!("{already} reports already exist for {first} to {last}; run the benchmark on a fresh demo database");
    }

    let server = LoopbackServer::start(&store, &options.user, "bench burst").await?;
    let (base, token) = (server.base.clone(), server.token.clone());

    println!(
        "burst: {total} submissions at {}/s for {} s, {} firms × {months} months ({first} to {last}), {} values each",
        options.rate,
        options.seconds,
        options.firms,
        set.indicators.len()
    );
    let client = reqwest::Client::builder().pool_max_idle_per_host(options.concurrency).build()?;
    let samples = Arc::new(Mutex::new(Vec::with_capacity(total)));
    let gate = Arc::new(Semaphore::new(options.concurrency));
    let bodies = Arc::new(BodyMaker::new(&set));
    let started = tokio::time::Instant::now();
    let interval = Duration::from_secs_f64(1.0 / f64::from(options.rate));
    let mut tasks = Vec::with_capacity(total);
    for n in 0..total {
        let scheduled = started + interval * n as u32;
        tokio::time::sleep_until(scheduled).await;
        let permit = gate.clone().acquire_owned().await?;
        let (client, samples, bodies) = (client.clone(), samples.clone(), bodies.clone());
        let url = format!("{base}/api/v1/reports/{}/{}", codes[n % codes.len()], first.plus((n / codes.len()) as i64));
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let response = client
                .put(url)
                .bearer_auth(token)
                .header("content-type", "application/json")
                .body(bodies.body(n))
                .send()
                .await;
            let status = response.as_ref().map_or(0, |r| r.status().as_u16());
            let latency = scheduled.elapsed();
            drop(permit);
            samples.lock().await.push(Sample { ok: (200..300).contains(&status), status, latency });
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    server.stop(&store).await?;

    let samples = sorted(&samples).await;
    let acknowledged = samples.iter().filter(|s| s.ok).count();
    let percentile = |p: f64| percentile(&samples, p);
    let mut failures: Vec<u16> = samples.iter().filter(|s| !s.ok).map(|s| s.status).collect();
    failures.sort_unstable();
    failures.dedup();
    let stored = store.count_reports(set.data_set_id, first, last).await?;
    println!(
        "sent {total} in {:.1} s: {:.0} acknowledged/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms; peak memory {}",
        elapsed.as_secs_f64(),
        acknowledged as f64 / elapsed.as_secs_f64(),
        ms(percentile(0.50)),
        ms(percentile(0.95)),
        ms(percentile(0.99)),
        ms(percentile(1.0)),
        memory()
    );
    println!(
        "acknowledged {acknowledged}, failed {} (statuses {failures:?}); stored submitted reports {stored}: {}",
        total - acknowledged,
        if stored == acknowledged as i64 { "equal, nothing lost or duplicated" } else { "MISMATCH" }
    );
    println!("database: {} ({})", settings.database_url, store.backend().name());
    store.close().await;
    if stored != acknowledged as i64 {
        bail!("stored reports ({stored}) differ from acknowledged submissions ({acknowledged})");
    }
    Ok(())
}

/// A server on a loopback port over the benchmark's store, with a day's token for one account.
struct LoopbackServer {
    base: String,
    token: String,
    token_id: xinzhi_store::ApiTokenId,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl LoopbackServer {
    async fn start(store: &Store, username: &str, token_name: &str) -> anyhow::Result<LoopbackServer> {
        let user = user_named(store, username).await?;
        let lifetime = xinzhi_domain::TokenLifetime { days: 1 };
        let (token, token_id) =
            credentials::issue_api_token(store, user.user_id, token_name, lifetime, &cli_actor()).await?;
        let app =
            Application::build(store.clone(), WebConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Ok(LoopbackServer { base, token, token_id, stop, server })
    }

    /// Stops the server and revokes its token.
    async fn stop(self, store: &Store) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.server.await??;
        store.revoke_api_token(self.token_id, None, &cli_actor()).await?;
        Ok(())
    }
}

/// The samples taken, fastest first.
async fn sorted(samples: &Mutex<Vec<Sample>>) -> Vec<Sample> {
    let mut samples = std::mem::take(&mut *samples.lock().await);
    samples.sort_by_key(|s| s.latency);
    samples
}

/// The latency below which a share `p` of the (sorted, non-empty) samples fall.
fn percentile(samples: &[Sample], p: f64) -> Duration {
    samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1].latency
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// Request bodies: every indicator of the data set filled, submitted, with an explanation in
/// case a value jumps against last year.
struct BodyMaker {
    codes: Vec<String>,
}

impl BodyMaker {
    fn new(set: &DataSet) -> BodyMaker {
        BodyMaker { codes: set.indicators.iter().map(|i| i.indicator.def.code.to_string()).collect() }
    }

    fn body(&self, n: usize) -> String {
        let values: serde_json::Map<String, serde_json::Value> =
            self.codes.iter().map(|c| (c.clone(), serde_json::json!(plausible_value(c, n)))).collect();
        serde_json::json!({"values": values, "submit": true, "explanation": "月末集中报送（基准测试）"}).to_string()
    }
}

/// Options of `xinzhi bench cockpit`.
pub struct CockpitOptions {
    /// Generated into an empty database first.
    pub scale: xinzhi_demo::Scale,
    /// The cockpit's month; default: the last month with values.
    pub month: Option<Month>,
    pub runs: usize,
    /// Where to write the cockpit's figures and times (for `bench/duckdb_cockpit.py`).
    pub json: Option<std::path::PathBuf>,
    /// Where to write the data as CSV (for DuckDB), before anything is changed.
    pub export: Option<std::path::PathBuf>,
}

/// `xinzhi bench cockpit`: the cockpit's query set on this machine, widget by widget, and the
/// time from an approved report to its visibility.
pub async fn cockpit(settings: &Settings, options: CockpitOptions) -> anyhow::Result<()> {
    use xinzhi_analytics::cockpit::{CockpitRequest, cockpit};
    let store = open(settings).await?;
    if store.is_empty().await? {
        crate::commands::generate(&store, options.scale, 42).await?;
    }
    let span = store.value_months().await?.ok_or_else(|| anyhow!("the database has no values"))?;
    let month = options.month.unwrap_or(span.last);
    if let Some(dir) = &options.export {
        let started = Instant::now();
        let rows = crate::export::analytics_csv(&store, dir, &xinzhi_analytics::COCKPIT_INDICATORS).await?;
        println!("exported {rows} values to {} in {:.1} s", dir.display(), started.elapsed().as_secs_f64());
    }

    let started = Instant::now();
    let engine = xinzhi_analytics::Engine::load(store.clone(), &xinzhi_analytics::COCKPIT_INDICATORS, month).await?;
    let (firms, mib) = {
        let cube = engine.read().await?;
        (cube.firm_count(), cube.bytes() as f64 / 1_048_576.0)
    };
    println!(
        "engine loaded in {:.1} s: {firms} firms, {} indicators × {} months ({mib:.0} MiB of values); peak memory {}",
        started.elapsed().as_secs_f64(),
        xinzhi_analytics::COCKPIT_INDICATORS.len(),
        span.first.months_through(month.max(span.last)),
        memory()
    );
    let names = engine.names().await;
    let targets = store.targets(month.year()).await?;
    let request = CockpitRequest {
        scope: &Scope::City,
        month,
        attribution: xinzhi_analytics::Attribution::AtMonth,
        lang: Lang::ZhCn,
        rules: Default::default(),
        targets: &targets,
        lead: "gross_output",
    };
    // Warm-up, then the measured runs: each a refresh (the change-log check every request
    // makes) and the whole cockpit.
    let mut whole = Vec::with_capacity(options.runs);
    let mut widgets: std::collections::BTreeMap<&'static str, Vec<u64>> = std::collections::BTreeMap::new();
    let mut last = None;
    for run in 0..options.runs + 3 {
        let started = Instant::now();
        let cube = engine.read().await?;
        let view = cockpit(&cube, &names, &request)?;
        let elapsed = started.elapsed();
        if run >= 3 {
            whole.push(elapsed.as_micros() as u64);
            for t in &view.timings {
                widgets.entry(t.widget).or_default().push(t.micros);
            }
        }
        last = Some(view);
    }
    let pct = |values: &mut Vec<u64>, p: f64| -> f64 {
        values.sort_unstable();
        let i = ((values.len() as f64 * p).ceil() as usize).clamp(1, values.len()) - 1;
        values[i] as f64 / 1000.0
    };
    println!("cockpit for {month}, {} runs (ms):", options.runs);
    println!("  {:<16} {:>8} {:>8}", "widget", "p50", "p95");
    for (widget, times) in &mut widgets {
        println!("  {widget:<16} {:>8.2} {:>8.2}", pct(times, 0.5), pct(times, 0.95));
    }
    println!(
        "  {:<16} {:>8.2} {:>8.2}  (refresh + every widget)",
        "whole cockpit",
        pct(&mut whole, 0.5),
        pct(&mut whole, 0.95)
    );
    println!("peak memory {}", memory());
    if let (Some(path), Some(view)) = (&options.json, &last) {
        let body = serde_json::json!({"month": month, "cockpit": view, "whole_ms": whole.iter().map(|t| *t as f64 / 1000.0).collect::<Vec<_>>()});
        std::fs::write(path, serde_json::to_vec_pretty(&body)?)?;
        println!("figures written to {}", path.display());
    }

    // An approved report and the first cockpit that shows it.
    let set = store.data_set(MONTHLY).await?;
    let cube = engine.read().await?;
    let members = cube.members(&xinzhi_analytics::Selection::above_scale(&Scope::City), month);
    let firm = members.first().map(|&f| cube.firm(f).enterprise_id).ok_or_else(|| anyhow!("no firm in the set"))?;
    drop(cube);
    let before = headline_output(&engine, &names, &request).await?;
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let original = store.values_of_pairs(&Scope::City, &[(firm, month)]).await?;
    let original = original.get(&(firm, month)).and_then(|v| v.iter().find(|(i, _)| *i == gross)).map(|(_, v)| *v);
    let actor = AuditActor::system("bench cockpit");
    let write = xinzhi_store::ReportWrite {
        data_set_id: set.data_set_id,
        enterprise_id: firm,
        period: month,
        values: vec![(gross, Some(original.unwrap_or(0.0) + 1_000.0))],
        submit: true,
        explanation: Some("基准测试".into()),
        source: xinzhi_store::ValueSource::Report,
    };
    store.save_report(&Scope::City, &write, &actor).await?;
    store.review_report(&Scope::City, set.data_set_id, firm, month, &xinzhi_store::Review::Approve, &actor).await?;
    let approved = Instant::now();
    let after = headline_output(&engine, &names, &request).await?;
    let visible = approved.elapsed();
    println!(
        "an approved report shows in the next cockpit: {:.1} ms after its commit (1—N月 output {before:.1} → {after:.1})",
        visible.as_secs_f64() * 1000.0
    );
    if (after - before - 1_000.0).abs() > 0.01 {
        bail!("the approved report was not visible: {before} → {after}");
    }
    // Put the value back, so the dataset can be reused.
    if let Some(value) = original {
        let value = xinzhi_store::NewDataValue { enterprise_id: firm, indicator_id: gross, period: month, value };
        store.put_value(&Scope::City, value, xinzhi_store::ValueSource::Import, Some("bench restore"), &actor).await?;
    }
    store.close().await;
    Ok(())
}

/// The cockpit's 1—N月 gross output, computed afresh.
async fn headline_output(
    engine: &xinzhi_analytics::Engine,
    names: &xinzhi_analytics::Names,
    request: &xinzhi_analytics::cockpit::CockpitRequest<'_>,
) -> anyhow::Result<f64> {
    let cube = engine.read().await?;
    let view = xinzhi_analytics::cockpit::cockpit(&cube, names, request)?;
    view.headline
        .iter()
        .find(|h| h.indicator.code == "gross_output")
        .map(|h| h.year_to_date.current)
        .ok_or_else(|| anyhow!("no gross output"))
}

/// `xinzhi bench cultivation`: every firm with a profile against every ladder tier, and the
/// 亩均 evaluation of both groups, as one pass; prints p50 and p95 over `runs` passes.
pub async fn cultivation(settings: &Settings, scale: xinzhi_demo::Scale, runs: usize) -> anyhow::Result<()> {
    let store = open(settings).await?;
    if store.is_empty().await? {
        crate::commands::generate(&store, scale, 42).await?;
    }
    let year =
        *store.profile_years().await?.first().ok_or_else(|| {
            anyhow!("the database has no annual profiles: generate a demo city into an empty database")
        })?;
    let span = store.value_months().await?.ok_or_else(|| anyhow!("the database has no values"))?;
    let date = i64::from(year + 1) * 10_000 + 101;
    let ladder = store.ladder_rules(None, date).await?;
    let mu = store.mu_rules(None, date).await?;
    let started = Instant::now();
    let engine =
        xinzhi_analytics::Engine::load(store.clone(), &xinzhi_analytics::COCKPIT_INDICATORS, span.last).await?;
    let loaded = started.elapsed();
    let started = Instant::now();
    let profiles = engine.profiles().await?;
    println!(
        "engine loaded in {:.1} s; {} profiles read in {:.1} s; peak memory {}",
        loaded.as_secs_f64(),
        profiles.len(),
        started.elapsed().as_secs_f64(),
        memory()
    );
    let cube = engine.read().await?;
    let mut times = Vec::with_capacity(runs);
    let mut last = (Vec::new(), Vec::new());
    for run in 0..runs + 1 {
        let started = Instant::now();
        let tiers = xinzhi_analytics::pools::assess_every_firm(&cube, &ladder, &profiles, year);
        let groups: Vec<(xinzhi_domain::mu::Group, usize, usize)> = mu
            .groups
            .iter()
            .map(|g| {
                let lines = xinzhi_analytics::evaluation::evaluate(&cube, &profiles, g, year);
                let graded = lines.iter().filter(|l| l.result.class.is_some()).count();
                (g.group, lines.len(), graded)
            })
            .collect();
        if run > 0 {
            times.push(started.elapsed().as_micros() as u64);
        }
        last = (tiers, groups);
    }
    times.sort_unstable();
    let pct = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1] as f64 / 1000.0;
    println!(
        "{} firms, {year} profiles, criteria {} and 亩均 rules {}:",
        cube.firm_count(),
        ladder.version,
        mu.version
    );
    for (tier, assessed, qualifying) in &last.0 {
        println!("  {:<16} {assessed:>6} assessed {qualifying:>6} qualify", tier.as_str());
    }
    for (group, evaluated, graded) in &last.1 {
        println!("  亩均 {:<11} {evaluated:>6} evaluated {graded:>6} graded", group.as_str());
    }
    println!("every firm × every tier + 亩均, {runs} runs: p50 {:.1} ms, p95 {:.1} ms", pct(0.5), pct(0.95));
    drop(cube);
    store.close().await;
    Ok(())
}

/// How `bench load` runs.
pub struct LoadOptions {
    /// Clients asking at once, each waiting for its answer before the next request.
    pub clients: usize,
    /// Requests of each client.
    pub requests: usize,
    /// The account the clients act as (the demo's `leader`: the whole city).
    pub user: String,
    /// Paths asked in turn; by default the cockpit as a leader opens it, naming no month.
    pub paths: Vec<String>,
}

/// Leaders opening the cockpit at once: CLIENTS clients over a loopback server, each asking
/// the paths in turn REQUESTS times; prints throughput, latency percentiles and every status
/// other than 2xx, and fails on any 5xx. Bounded in requests, so it always stops.
pub async fn load(settings: &Settings, options: LoadOptions) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let started_server = tokio::time::Instant::now();
    let server = LoopbackServer::start(&store, &options.user, "bench load").await?;
    let (base, token) = (server.base.clone(), server.token.clone());
    // The engine loads on the first request; that request is timed apart.
    let client = reqwest::Client::builder().pool_max_idle_per_host(options.clients).build()?;
    let first = client.get(format!("{base}{}", options.paths[0])).bearer_auth(&token).send().await?;
    let warm = started_server.elapsed();
    println!(
        "load: {} clients × {} requests of {:?} as {}; first answer {} after {:.1} s (server start and engine load)",
        options.clients,
        options.requests,
        options.paths,
        options.user,
        first.status(),
        warm.as_secs_f64()
    );
    let samples = Arc::new(Mutex::new(Vec::with_capacity(options.clients * options.requests)));
    let started = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(options.clients);
    for c in 0..options.clients {
        let (client, samples, token, base) = (client.clone(), samples.clone(), token.clone(), base.clone());
        let paths = options.paths.clone();
        let requests = options.requests;
        tasks.push(tokio::spawn(async move {
            for n in 0..requests {
                let path = &paths[(c + n) % paths.len()];
                let sent = tokio::time::Instant::now();
                let response = client.get(format!("{base}{path}")).bearer_auth(&token).send().await;
                let status = match response {
                    Ok(response) => {
                        let status = response.status().as_u16();
                        // The whole body, as a browser would read it.
                        let _ = response.bytes().await;
                        status
                    }
                    Err(_) => 0,
                };
                samples.lock().await.push(Sample { ok: (200..300).contains(&status), status, latency: sent.elapsed() });
            }
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    server.stop(&store).await?;
    let samples = sorted(&samples).await;
    let percentile = |p: f64| percentile(&samples, p);
    let server_errors = samples.iter().filter(|s| s.status >= 500 || s.status == 0).count();
    let mut statuses: Vec<u16> = samples.iter().filter(|s| !s.ok).map(|s| s.status).collect();
    statuses.sort_unstable();
    statuses.dedup();
    println!(
        "{} requests in {:.1} s: {:.1} requests/s; latency p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms; \
         not 2xx: {} (statuses {statuses:?}); peak memory {}",
        samples.len(),
        elapsed.as_secs_f64(),
        samples.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(0.50)),
        ms(percentile(0.95)),
        ms(percentile(0.99)),
        ms(percentile(1.0)),
        samples.iter().filter(|s| !s.ok).count(),
        memory()
    );
    println!("database: {} ({})", settings.database_url, store.backend().name());
    store.close().await;
    if server_errors > 0 {
        bail!("{server_errors} requests failed with a server error or no answer");
    }
    Ok(())
}
