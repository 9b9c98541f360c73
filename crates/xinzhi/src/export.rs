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

/// What `xinzhi export` writes.
pub struct DataExport<'a> {
    pub months: MonthRange,
    /// The account whose data scope limits the export (the city when `None`).
    pub user: Option<&'a str>,
    pub out: &'a Path,
}

/// A month's or a year's monthly values of the firms in scope, one row per firm and month with
/// the data set's indicators as columns: .xlsx, or CSV (UTF-8 with a byte-order mark, so that
/// Excel opens it in Chinese) when the file name ends in `.csv`. Audited as an export.
pub async fn data(store: &Store, export: &DataExport<'_>) -> anyhow::Result<usize> {
    let (scope, actor) = match export.user {
        Some(name) => {
            let user = crate::commands::user_named(store, name).await?;
            let actor = xinzhi_store::AuditActor {
                user_id: Some(user.user_id),
                name: format!("{} (cli)", user.username),
                ip: None,
            };
            (user.scope, actor)
        }
        None => (xinzhi_store::Scope::City, crate::commands::cli_actor()),
    };
    let mut firms = std::collections::HashMap::new();
    loop {
        let page = xinzhi_store::Page::new(1_000, firms.len() as i64);
        let found = store.search_enterprises(&scope, &xinzhi_store::EnterpriseFilter::default(), page).await?;
        if found.items.is_empty() {
            break;
        }
        for firm in found.items {
            firms.insert(firm.enterprise_id, firm);
        }
    }
    let set = store.data_set(MONTHLY).await?;
    let ids: Vec<_> = set.indicators.iter().map(|i| i.indicator.indicator_id).collect();
    let mut rows = Vec::new();
    store
        .scan_firm_months(export.months, &ids, |firm, month, values| {
            if let Some(summary) = firms.get(&firm) {
                rows.push((summary.credit_code.to_string(), month, values.to_vec()));
            }
        })
        .await?;
    rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let names: std::collections::HashMap<String, (&str, &str)> = firms
        .values()
        .map(|f| (f.credit_code.to_string(), (f.name.as_str(), f.district_zh.as_deref().unwrap_or(""))))
        .collect();
    let mut headers =
        vec!["统一社会信用代码".to_owned(), "企业名称".to_owned(), "所在区县".to_owned(), "期别".to_owned()];
    headers
        .extend(set.indicators.iter().map(|i| format!("{}（{}）", i.indicator.def.name_zh, i.indicator.def.unit_zh)));
    let csv = export.out.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let bytes = if csv {
        let quote = |field: &str| format!("\"{}\"", field.replace('"', "\"\""));
        let mut text = String::from("\u{feff}");
        text.push_str(&headers.iter().map(|h| quote(h)).collect::<Vec<_>>().join(","));
        text.push_str("\r\n");
        for (code, month, values) in &rows {
            let (name, district) = names.get(code).copied().unwrap_or_default();
            let mut line = vec![quote(code), quote(name), quote(district), month.to_string()];
            line.extend(values.iter().map(|v| v.map_or_else(String::new, |v| v.to_string())));
            text.push_str(&line.join(","));
            text.push_str("\r\n");
        }
        text.into_bytes()
    } else {
        use xinzhi_ingest::{TableCell, TableSheet};
        let table = TableSheet {
            name: "月报数据".into(),
            title: format!("{} — {} 月报数据", export.months.first, export.months.last),
            headers,
            rows: rows
                .iter()
                .map(|(code, month, values)| {
                    let (name, district) = names.get(code).copied().unwrap_or_default();
                    let mut cells = vec![
                        TableCell::Text(code.clone()),
                        TableCell::Text(name.to_owned()),
                        TableCell::Text(district.to_owned()),
                        TableCell::Text(month.to_string()),
                    ];
                    cells.extend(values.iter().map(|v| v.map_or(TableCell::Empty, TableCell::Number)));
                    cells
                })
                .collect(),
        };
        xinzhi_ingest::table_workbook(&[table])?
    };
    std::fs::write(export.out, bytes).with_context(|| format!("cannot write {}", export.out.display()))?;
    let entry = xinzhi_store::AuditEntry {
        actor: &actor,
        action: "data.export",
        object_type: Some("export"),
        object_id: Some(format!("{}..{}", export.months.first, export.months.last)),
        outcome: xinzhi_store::Outcome::Success,
        detail: Some(
            serde_json::json!({"rows": rows.len(), "firms": firms.len(), "file": export.out.display().to_string()}),
        ),
    };
    store.append_audit(&entry).await?;
    Ok(rows.len())
}
