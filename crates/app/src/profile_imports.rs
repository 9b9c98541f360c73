//! Importing a year of enterprise profiles (企业年度画像) from a spreadsheet, through the same
//! reading, checking and answer as the monthly import.

use xinzhi_domain::{CreditCode, Lang, Localize, Month, Permission, Year, profile};
use xinzhi_ingest::{IndicatorRef, Target, column_letter, read_rows};
use xinzhi_store::{ImportMode, Store};

use crate::imports::{ImportReport, PreviewRow, read_with_header, row_problem, unknown_firm};
use crate::{Actor, AppError};

/// What to import: a year of profiles.
pub struct ProfileImportRequest<'a> {
    pub bytes: &'a [u8],
    /// The year of rows without a period column.
    pub year: i32,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub lang: Lang,
}

/// The profile fields as the file reader matches headers against them.
fn profile_refs() -> Vec<IndicatorRef> {
    profile::FIELDS
        .iter()
        .map(|f| IndicatorRef {
            code: f.code.into(),
            name_zh: f.name_zh.into(),
            name_en: f.name_en.into(),
            unit_zh: f.unit_zh.into(),
        })
        .collect()
}

/// Reads a year of profiles from a spreadsheet, checks every value against its field, finds
/// the firms in the caller's scope, then writes valid rows (or all or nothing) in one
/// transaction, or, in a dry run, says what would be written. Problems are located by row and
/// column, as for the monthly import.
pub async fn run_profile_import(
    store: &Store,
    actor: &Actor,
    request: ProfileImportRequest<'_>,
) -> Result<ImportReport, AppError> {
    actor.require(Permission::ManageCultivation)?;
    let scope = &actor.scope;
    let lang = request.lang;
    let mut report = ImportReport::empty(request.dry_run);
    let (grid, header) = match read_with_header(request.bytes, &profile_refs(), lang).await {
        Ok(read) => read,
        Err(problem) => {
            report.file_error = Some(problem);
            return Ok(report);
        }
    };
    let parsed = read_rows(&grid, &header, Some(Month::december(Year(request.year))));
    report.count_read(&parsed, lang);
    let place = |code: &str| {
        header
            .columns
            .iter()
            .find(|c| c.target.indicator() == Some(code))
            .map(|c| (column_letter(grid.first_column + c.index), c.header.clone()))
    };
    let code_place = header
        .columns
        .iter()
        .find(|c| c.target == Target::CreditCode)
        .map(|c| (column_letter(grid.first_column + c.index), c.header.clone()));
    let codes: Vec<CreditCode> = parsed.rows.iter().map(|r| r.credit_code.clone()).collect();
    let firms = store.enterprises_by_codes(scope, &codes).await?;
    let this_year = crate::clock::current_month().year();
    let mut accepted = Vec::new();
    for row in &parsed.rows {
        let Some(&(enterprise_id, _)) = firms.get(row.credit_code.as_str()) else {
            report.problems.push(unknown_firm(lang, row.row, code_place.as_ref(), &row.credit_code));
            report.rows_rejected += 1;
            continue;
        };
        let year = row.period.year();
        if year > this_year {
            let what = lang.pick("不能导入未来年度的数据", "a future year cannot be imported");
            report.problems.push(row_problem(lang, row.row, None, "period.future", what));
            report.rows_rejected += 1;
            continue;
        }
        // An annual figure may come as "本年累计": for a year it is the year's value.
        let mut values: Vec<(String, f64)> = Vec::new();
        let mut refused = false;
        for (code, value) in row.values.iter().chain(&row.year_to_date) {
            let Some(field) = profile::field(code) else { continue };
            if values.iter().any(|(c, _)| c == code) {
                continue;
            }
            match field.check(*value) {
                Ok(()) => values.push((code.clone(), *value)),
                Err(e) => {
                    report.problems.push(row_problem(lang, row.row, place(code).as_ref(), e.code(), &e.message(lang)));
                    refused = true;
                }
            }
        }
        if refused {
            report.rows_rejected += 1;
            continue;
        }
        accepted.push((row, enterprise_id, year, values));
    }
    if request.mode == ImportMode::AllOrNothing && report.rows_rejected > 0 && !request.dry_run {
        report.problems.sort_by_key(|p| p.row);
        return Ok(report);
    }
    let items: Vec<_> = accepted.iter().map(|(_, id, year, values)| (*id, *year, values.clone())).collect();
    let done = store.import_profiles(scope, &items, &actor.audit, request.dry_run).await?;
    report.committed = done.committed;
    report.values_written = done.values_written;
    for ((row, _, year, values), outcome) in accepted.into_iter().zip(done.outcomes) {
        report.rows.push(PreviewRow {
            row: row.row,
            credit_code: row.credit_code.to_string(),
            name: firms.get(row.credit_code.as_str()).map(|(_, name)| name.clone()).or_else(|| row.name.clone()),
            period: Month::december(Year(year)),
            values,
            outcome,
        });
    }
    report.problems.sort_by_key(|p| p.row);
    Ok(report)
}
