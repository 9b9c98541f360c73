//! Exports for checking the engine against another one: the registry and the monthly values as
//! plain CSV files that DuckDB reads (`bench/duckdb_cockpit.py`). Only codes and numbers are
//! written, so no field needs quoting.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use xinzhi_domain::period::MonthRange;
use xinzhi_store::Store;
use xinzhi_store::reports::MONTHLY;

fn create(dir: &Path, name: &str) -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(std::io::BufWriter::with_capacity(1 << 20, file))
}

/// Writes `values.csv` (the values of `indicators`), `firms.csv`, `memberships.csv`,
/// `designations.csv`, `segment_chains.csv`, `chain_clusters.csv` and `statuses.csv` into `dir`; returns the values
/// written.
pub async fn analytics_csv(store: &Store, dir: &Path, indicators: &[&str]) -> anyhow::Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let registry = store.registry_snapshot().await?;
    let mut out = create(dir, "firms.csv")?;
    writeln!(out, "enterprise_id,credit_code,industry_code,division")?;
    for f in &registry.firms {
        writeln!(out, "{},{},{},{}", f.enterprise_id.0, f.credit_code, f.industry_code, f.division)?;
    }
    out.flush()?;
    let mut out = create(dir, "memberships.csv")?;
    writeln!(out, "enterprise_id,kind,target,valid_from,valid_to")?;
    for m in &registry.memberships {
        let to = m.valid_to.map_or_else(String::new, |t| t.yyyymm().to_string());
        writeln!(out, "{},{},{},{},{to}", m.enterprise_id.0, m.kind.as_str(), m.target, m.valid_from.yyyymm())?;
    }
    out.flush()?;
    let mut out = create(dir, "designations.csv")?;
    writeln!(out, "enterprise_id,tier,granted_on,expires_on,status")?;
    for d in &registry.designations {
        let expires = d.expires_on.map_or_else(String::new, |e| e.to_string());
        writeln!(out, "{},{},{},{expires},{}", d.enterprise_id.0, d.tier.as_str(), d.granted_on, d.status.as_str())?;
    }
    out.flush()?;
    let mut out = create(dir, "chain_clusters.csv")?;
    writeln!(out, "chain_id,cluster_id")?;
    for (chain, cluster) in &registry.chain_clusters {
        writeln!(out, "{chain},{cluster}")?;
    }
    out.flush()?;
    let mut out = create(dir, "segment_chains.csv")?;
    writeln!(out, "segment_id,chain_id")?;
    for (segment, chain) in &registry.segment_chains {
        writeln!(out, "{segment},{chain}")?;
    }
    out.flush()?;

    let Some(span) = store.value_months().await? else { return Ok(0) };
    let months = MonthRange::new(span.first, span.last);
    let set = store.data_set(MONTHLY).await?;
    let mut out = create(dir, "statuses.csv")?;
    writeln!(out, "enterprise_id,period,status")?;
    for (firm, month, status) in store.report_statuses(set.data_set_id, months).await? {
        writeln!(out, "{},{},{}", firm.0, month.yyyymm(), status.as_str())?;
    }
    out.flush()?;
    let mut ids = Vec::new();
    let mut codes = std::collections::HashMap::new();
    for code in indicators {
        let indicator = store.indicator_by_code(code).await?;
        codes.insert(indicator.indicator_id, *code);
        ids.push(indicator.indicator_id);
    }
    let mut out = create(dir, "values.csv")?;
    writeln!(out, "period,enterprise_id,indicator,value")?;
    let mut failed = None;
    let count = store
        .scan_values(months, &ids, |firm, month, indicator, value| {
            if failed.is_none()
                && let Err(e) =
                    writeln!(out, "{},{},{},{value}", month.yyyymm(), firm.0, codes.get(&indicator).unwrap_or(&"?"))
            {
                failed = Some(e);
            }
        })
        .await?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    out.flush()?;
    Ok(count)
}
