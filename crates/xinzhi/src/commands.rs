//! The subcommands. Each opens what it needs and reports failures as one actionable line.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::{CreditCode, IndicatorDef, IndicatorDraft, Lang, Localize};
use xinzhi_store::{Backend, Store, StoreError};
use xinzhi_web::{Application, WebConfig, shutdown_signal};

use crate::config::Settings;

/// Creates the data directory and proves it is writable.
fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!("cannot create the data directory '{}' (set --data or XINZHI_DATA_DIR)", dir.display())
    })?;
    let probe = dir.join(".xinzhi-write-test");
    std::fs::write(&probe, b"").with_context(|| {
        format!("the data directory '{}' is not writable (set --data or XINZHI_DATA_DIR)", dir.display())
    })?;
    // Best effort: the probe is empty and harmless if it stays.
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens and migrates the database named by the settings.
async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url.expose();
    if Backend::from_url(url)? == Backend::Sqlite {
        prepare_data_dir(&settings.data_dir)?;
    }
    let store = Store::connect(url).await.map_err(|e| match e {
        StoreError::Connect { url, reason } => anyhow!(
            "cannot open the database {url}: {reason} (check --database or XINZHI_DATABASE_URL, and that the server is running)"
        ),
        other => anyhow!(other),
    })?;
    let applied = store.migrate().await.context("while applying database migrations")?;
    if !applied.is_empty() {
        tracing::info!(?applied, backend = store.backend().name(), "migrations applied");
    }
    Ok(store)
}

/// Peak resident memory of this process in MiB (Linux), if known.
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

async fn generate(store: &Store, scale: Scale, seed: u64) -> anyhow::Result<()> {
    eprintln!("generating the {} demo city (seed {seed}) …", scale.as_str());
    let mut last_tenth = 0;
    let summary = xinzhi_demo::load(store, &DemoConfig::new(scale, seed), |done, total| {
        let tenth = done * 10 / total.max(1);
        if tenth > last_tenth {
            last_tenth = tenth;
            eprintln!("  values written for {done} of {total} years");
        }
    })
    .await?;
    let size = store.database_size().await.unwrap_or(0) as f64 / (1024.0 * 1024.0);
    println!(
        "demo city: {} enterprises, {} above scale in {}, {} monthly values from {} to {}",
        summary.enterprises,
        summary.above_scale_last_month,
        summary.last_month,
        summary.values,
        summary.first_month,
        summary.last_month
    );
    if let Some(growth) = summary.calibration_growth_percent {
        println!(
            "2023 above-scale gross output, same caliber: {growth:+.2}%; firms entering the above-scale set in 2023: {}",
            summary.calibration_entries
        );
    }
    println!(
        "elapsed {:.1} s, peak memory {}, database {size:.1} MiB",
        summary.elapsed.as_secs_f64(),
        peak_memory_mib().map_or_else(|| "unknown".into(), |m| format!("{m:.0} MiB"))
    );
    Ok(())
}

pub async fn serve(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = open(settings).await?;
    if demo && store.is_empty().await? {
        generate(&store, Scale::City, 42).await?;
    }
    let app = Application::build(store.clone(), WebConfig::default(), settings.listen)
        .await
        .with_context(|| format!("cannot listen on {} (set --listen or XINZHI_LISTEN)", settings.listen))?;
    let address = app.local_addr()?;
    tracing::info!(%address, database = %settings.database_url, ready_after_ms = started.elapsed().as_millis() as u64, "Xinzhi is serving");
    eprintln!("Xinzhi is serving at http://{address}");
    app.run_until_stopped(shutdown_signal()).await.context("the server stopped with an error")?;
    store.close().await;
    Ok(())
}

pub async fn demo(settings: &Settings, scale: &str, seed: u64) -> anyhow::Result<()> {
    let scale = Scale::parse(scale).ok_or_else(|| anyhow!("unknown scale '{scale}': use small, city or large"))?;
    let store = open(settings).await?;
    if !store.is_empty().await? {
        bail!(
            "the database {} already holds enterprises; generate the demo into a new --data directory or an empty database",
            settings.database_url
        );
    }
    generate(&store, scale, seed).await?;
    store.close().await;
    Ok(())
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store = open(settings).await?;
    println!("database {} ({}) is up to date", settings.database_url, store.backend().name());
    store.close().await;
    Ok(())
}

pub fn check_code(code: &str, lang: &str) -> anyhow::Result<()> {
    let lang = Lang::from_tag(lang).unwrap_or_default();
    match CreditCode::parse(code) {
        Ok(code) => {
            println!("{code}");
            for warning in code.warnings() {
                println!("{}: {}", lang.pick("提示", "warning"), warning.message(lang));
            }
            Ok(())
        }
        Err(error) => bail!("credit_code: {}", error.message(lang)),
    }
}

pub async fn list_indicators(settings: &Settings) -> anyhow::Result<()> {
    let store = open(settings).await?;
    store.seed_standard_indicators().await?;
    for i in store.list_indicators().await? {
        let d = &i.def;
        println!(
            "{:>3}  {:<22} {:<12} {:<6} {:<5} {}  {} / {}",
            i.position,
            d.code,
            d.unit_zh,
            d.temporal.as_str(),
            d.aggregation.as_str(),
            d.decimals,
            d.name_zh,
            d.name_en
        );
    }
    store.close().await;
    Ok(())
}

pub async fn set_indicator(settings: &Settings, draft: IndicatorDraft, position: Option<i64>) -> anyhow::Result<()> {
    let def = IndicatorDef::try_from(draft).map_err(|e| anyhow!("{}", e.message(Lang::En)))?;
    let store = open(settings).await?;
    store.seed_standard_indicators().await?;
    let indicators = store.list_indicators().await?;
    let existing = indicators.iter().find(|i| i.def.code == def.code);
    let position = position
        .or(existing.map(|i| i.position))
        .unwrap_or_else(|| indicators.iter().map(|i| i.position).max().unwrap_or(0) + 1);
    store.upsert_indicator(&def, position).await?;
    println!("{} {} ({})", if existing.is_some() { "updated" } else { "added" }, def.code, def.name_zh);
    store.close().await;
    Ok(())
}
