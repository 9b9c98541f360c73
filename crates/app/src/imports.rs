//! Importing a month of reports from a spreadsheet: read the file (ingest), find the firms in
//! the actor's scope, check each row against the data set's rules, then commit in one
//! transaction (store) or only report what would happen (dry run). Used by the command line,
//! the upload page and the API; every problem is located by row (and column) in the user's
//! language.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use xinzhi_domain::validation::{Importance, Moment, RuleNeeds, check_all};
use xinzhi_domain::{Lang, Localize, Month, TemporalKind, reporting};
use xinzhi_ingest::{
    Grid, Header, IndicatorRef, Limits, Parsed, ReadError, Target, column_letter, find_header, read_grid, read_rows,
};
use xinzhi_store::reports::MONTHLY;

use xinzhi_domain::Permission;
use xinzhi_store::{ImportItem, ImportMode, ImportOptions, RowOutcome, Store, ValueSource};

use crate::reporting::{lock_message, range_message};
use crate::{Actor, AppError};

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    pub bytes: &'a [u8],
    /// The month of rows without a period column.
    pub period: Option<Month>,
    pub mode: ImportMode,
    pub dry_run: bool,
    pub lang: Lang,
    /// Months after this one are refused.
    pub latest: Month,
}

/// Something wrong with one row, located by Excel row and, when one cell is at fault, column.
#[derive(Debug, Clone, Serialize)]
pub struct RowProblem {
    pub row: usize,
    /// Excel column letter.
    pub column: Option<String>,
    /// Stable machine-readable reason (`cell.number`, `enterprise.unknown`, `rule.<code>`, …).
    pub code: String,
    /// The whole sentence, place included, in the requested language.
    pub message: String,
}

/// A row that reached the store, with what happened (or, in a dry run, would happen) to it.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewRow {
    pub row: usize,
    pub credit_code: String,
    pub name: Option<String>,
    pub period: Month,
    pub values: Vec<(String, f64)>,
    #[serde(flatten)]
    pub outcome: RowOutcome,
}

/// The answer: the problems, and what was (or would be) written.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    /// Why the file could not be read at all.
    pub file_error: Option<RowProblem>,
    /// Row problems, in file order.
    pub problems: Vec<RowProblem>,
    pub rows_read: usize,
    pub rows_skipped: usize,
    /// Rows refused (problems, unknown firms, failed rules).
    pub rows_rejected: usize,
    pub dry_run: bool,
    /// False for a dry run, and when all-or-nothing refused the import.
    pub committed: bool,
    pub values_written: usize,
    /// Rows that reached the store, in file order.
    pub rows: Vec<PreviewRow>,
}

impl ImportReport {
    /// Nothing read yet.
    pub fn empty(dry_run: bool) -> ImportReport {
        ImportReport {
            file_error: None,
            problems: Vec::new(),
            rows_read: 0,
            rows_skipped: 0,
            rows_rejected: 0,
            dry_run,
            committed: false,
            values_written: 0,
            rows: Vec::new(),
        }
    }

    /// Nothing was refused, nothing was locked and, unless a dry run, everything was written
    /// or unchanged.
    pub fn clean(&self) -> bool {
        self.file_error.is_none()
            && self.rows_rejected == 0
            && (self.dry_run || self.committed)
            && self.rows.iter().all(|r| !matches!(r.outcome, RowOutcome::Locked { .. }))
    }

    /// Counts the rows a file reader gave and takes over the problems of those it refused.
    pub(crate) fn count_read(&mut self, parsed: &Parsed, lang: Lang) {
        self.rows_skipped = parsed.skipped;
        self.rows_read = parsed.rows.len() + parsed.problems.len();
        self.rows_rejected = parsed.problems.len();
        self.problems.extend(parsed.problems.iter().map(|p| RowProblem {
            row: p.row,
            column: p.column.clone(),
            code: p.code().to_owned(),
            message: p.message(lang),
        }));
    }

    pub fn count(&self, kind: fn(&RowOutcome) -> bool) -> usize {
        self.rows.iter().filter(|r| kind(&r.outcome)).count()
    }
}

fn at_row(lang: Lang, row: usize, what: &str) -> String {
    match lang {
        Lang::ZhCn => format!("第{row}行：{what}"),
        Lang::En => format!("Row {row}: {what}"),
    }
}

/// A problem of `row`, at a cell of `column` (its letter and header) when one is to blame, worded
/// like the file reader's own problems (`第3行 A列（统一社会信用代码）：…`).
pub fn row_problem(
    lang: Lang,
    row: usize,
    column: Option<&(String, String)>,
    code: impl Into<String>,
    what: &str,
) -> RowProblem {
    let message = match (column, lang) {
        (Some((letter, header)), Lang::ZhCn) => format!("第{row}行 {letter}列（{header}）：{what}"),
        (Some((letter, header)), Lang::En) => format!("Row {row}, column {letter} ({header}): {what}"),
        (None, _) => at_row(lang, row, what),
    };
    RowProblem { row, column: column.map(|(letter, _)| letter.clone()), code: code.into(), message }
}

/// A row whose firm is not registered in the caller's scope (existence outside it does not leak).
pub fn unknown_firm(
    lang: Lang,
    row: usize,
    place: Option<&(String, String)>,
    code: &xinzhi_domain::CreditCode,
) -> RowProblem {
    let what = match lang {
        Lang::ZhCn => format!("统一社会信用代码“{code}”不是您管辖范围内的已登记企业"),
        Lang::En => format!("the credit code {code} is not a registered enterprise in your scope"),
    };
    row_problem(lang, row, place, "enterprise.unknown", &what)
}

pub fn file_problem(error: &impl Localize, lang: Lang) -> RowProblem {
    RowProblem { row: 0, column: None, code: error.code().to_owned(), message: error.message(lang) }
}

/// Spreadsheets read at once by this process. Reading is bounded per file (`ingest::Limits`,
/// about 200 MB at worst); this bounds the sum, and keeps the async workers free meanwhile.
static READERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Reads an uploaded spreadsheet on the blocking pool, two at a time per process: any other
/// upload waits its turn while the server goes on answering everything else.
pub async fn read_upload(bytes: &[u8]) -> Result<Grid, ReadError> {
    let _permit = READERS.acquire().await.map_err(|_| ReadError::Corrupt("the server is stopping".into()))?;
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || read_grid(&bytes, Limits::default()))
        .await
        .map_err(|e| ReadError::Corrupt(e.to_string()))?
}

/// Reads an upload and finds its header row against `refs`, or says why the file is unusable.
pub(crate) async fn read_with_header(
    bytes: &[u8],
    refs: &[IndicatorRef],
    lang: Lang,
) -> Result<(Grid, Header), RowProblem> {
    let grid = read_upload(bytes).await.map_err(|e| file_problem(&e, lang))?;
    let header = find_header(&grid, refs).map_err(|e| file_problem(&e, lang))?;
    Ok((grid, header))
}

/// Runs an import for the actor's scope: reviewers import for their firms; months locked after
/// their deadline are refused (unless the firm has an exception) for whoever may not write
/// after the deadline.
pub async fn run_import(store: &Store, actor: &Actor, request: ImportRequest<'_>) -> Result<ImportReport, AppError> {
    actor.require(Permission::ReviewReports)?;
    let scope = &actor.scope;
    let enforce_lock = !actor.may(Permission::WriteAfterDeadline);
    let lang = request.lang;
    let mut report = ImportReport::empty(request.dry_run);
    tracing::debug!(bytes = request.bytes.len(), "import: started");
    let set = store.data_set(MONTHLY).await?;
    let (grid, header) = match read_with_header(request.bytes, &indicator_refs(&set), lang).await {
        Ok(read) => read,
        Err(problem) => {
            report.file_error = Some(problem);
            return Ok(report);
        }
    };
    let parsed = read_rows(&grid, &header, request.period);
    tracing::debug!(rows = parsed.rows.len(), "import: file read");
    report.count_read(&parsed, lang);
    let place = |target: &Target| {
        header
            .columns
            .iter()
            .find(|c| c.target == *target)
            .map(|c| (column_letter(grid.first_column + c.index), c.header.clone()))
    };
    let code_place = place(&Target::CreditCode);
    let period_place = place(&Target::Period);
    let indicator_place: HashMap<&str, (String, String)> = set
        .indicators
        .iter()
        .filter_map(|i| {
            let code = i.indicator.def.code.as_str();
            place(&Target::Indicator(code.to_owned())).map(|p| (code, p))
        })
        .collect();

    // Firms in scope; anyone else's code is "unknown" (existence outside the scope does not leak).
    let codes: Vec<_> = parsed.rows.iter().map(|r| r.credit_code.clone()).collect();
    let firms = store.enterprises_by_codes(scope, &codes).await?;
    tracing::debug!(firms = firms.len(), "import: firms resolved");
    let indicator_ids: HashMap<&str, xinzhi_store::IndicatorId> =
        set.indicators.iter().map(|i| (i.indicator.def.code.as_str(), i.indicator.indicator_id)).collect();
    let mut candidates = Vec::new();
    let mut exceptions: HashMap<Month, HashMap<xinzhi_store::EnterpriseId, i64>> = HashMap::new();
    let now = crate::clock::now();
    for row in &parsed.rows {
        let Some(&(enterprise_id, _)) = firms.get(row.credit_code.as_str()) else {
            report.problems.push(unknown_firm(lang, row.row, code_place.as_ref(), &row.credit_code));
            report.rows_rejected += 1;
            continue;
        };
        if row.period > request.latest {
            let what = lang.pick("不能导入未来月份的数据", "a future month cannot be imported");
            report.problems.push(row_problem(lang, row.row, period_place.as_ref(), "period.future", what));
            report.rows_rejected += 1;
            continue;
        }
        if enforce_lock {
            if let std::collections::hash_map::Entry::Vacant(slot) = exceptions.entry(row.period) {
                slot.insert(store.exceptions_of_month(set.data_set_id, row.period).await?);
            }
            let exception = exceptions.get(&row.period).and_then(|m| m.get(&enterprise_id)).copied();
            if let Some(what) = lock_message(lang, &set, row.period, exception, now) {
                report.problems.push(row_problem(lang, row.row, period_place.as_ref(), "period.locked", &what));
                report.rows_rejected += 1;
                continue;
            }
        }
        candidates.push((row, enterprise_id));
    }

    // A stock has no cumulative value: such a column is named once and not read.
    let indicator_of = |code: &str| set.indicators.iter().find(|i| i.indicator.def.code.as_str() == code);
    let is_stock = |code: &str| indicator_of(code).is_some_and(|i| i.indicator.def.temporal == TemporalKind::Stock);
    for column in &header.columns {
        if let Target::YearToDate(code) = &column.target
            && is_stock(code)
        {
            let name = indicator_of(code).map_or(code.as_str(), |i| i.indicator.def.name(lang));
            let what = match lang {
                Lang::ZhCn => format!("“{name}”是存量指标（期末数），没有累计值，该列未读取"),
                Lang::En => format!(
                    "'{name}' is a stock (a level at month end) and has no cumulative value; the column was not read"
                ),
            };
            let place = (column_letter(grid.first_column + column.index), column.header.clone());
            let header_row = grid.first_row + header.row;
            report.problems.push(row_problem(lang, header_row, Some(&place), "column.cumulative_stock", &what));
        }
    }

    // Rules see the stored values overlaid with the row's, and the firm's stored history;
    // cumulative columns need the months before.
    let rules = store.validation_rules(set.data_set_id).await?;
    let mut needs = RuleNeeds::of_rules(&rules);
    needs.this_month = true;
    needs.earlier_this_year |= candidates.iter().any(|(row, _)| !row.year_to_date.is_empty());
    let pairs: Vec<_> = candidates.iter().map(|(row, firm)| (*firm, row.period)).collect();
    let mut history = store.rule_values(scope, &set, &pairs, needs).await?;
    tracing::debug!(pairs = history.len(), "import: stored values read");
    // A firm's months in order, so that a file with January to March derives March from the
    // January and February it brings itself.
    candidates.sort_by_key(|(row, firm)| (*firm, row.period, row.row));
    let mut brought: HashMap<(xinzhi_store::EnterpriseId, i32, String), f64> = HashMap::new();
    let mut accepted = Vec::new();
    for (row, enterprise_id) in candidates {
        let mut values = history.remove(&(enterprise_id, row.period)).unwrap_or_default();
        let stored = values.this_month.clone();
        let mut month: BTreeMap<String, f64> = row.values.iter().cloned().collect();
        let mut refused = false;
        for (code, cumulative) in &row.year_to_date {
            if is_stock(code) {
                continue;
            }
            let earlier = values.earlier_this_year.get(code).copied().unwrap_or(0.0)
                + brought.get(&(enterprise_id, row.period.year(), code.clone())).copied().unwrap_or(0.0);
            let decimals = indicator_of(code).map_or(2, |i| i.indicator.def.decimals);
            let tolerance = reporting::cumulative_tolerance(decimals, row.period.month());
            match reporting::month_from_cumulative(*cumulative, earlier, month.get(code).copied(), tolerance) {
                Ok(value) => {
                    month.insert(code.clone(), value);
                }
                Err(problem) => {
                    let place = place(&Target::YearToDate(code.clone()));
                    report.problems.push(row_problem(
                        lang,
                        row.row,
                        place.as_ref(),
                        problem.code(),
                        &problem.message(lang),
                    ));
                    refused = true;
                }
            }
        }
        for (code, value) in &month {
            let Some(def) = indicator_of(code).map(|i| &i.indicator.def) else { continue };
            if let Err(problem) = def.valid_range().check(*value) {
                let place =
                    place(&Target::Indicator(code.clone())).or_else(|| place(&Target::YearToDate(code.clone())));
                let what = range_message(lang, def, &problem);
                report.problems.push(row_problem(lang, row.row, place.as_ref(), problem.code(), &what));
                refused = true;
            }
        }
        if refused {
            report.rows_rejected += 1;
            continue;
        }
        values.this_month.extend(month.iter().map(|(code, v)| (code.clone(), *v)));
        let errors: Vec<_> = check_all(&rules, &|code: &str, moment| values.get(code, moment))
            .into_iter()
            .filter(|v| v.importance == Importance::Error)
            .collect();
        if !errors.is_empty() {
            report.rows_rejected += 1;
            for violation in errors {
                // The cell to blame: the first value of this month the rule reads that the file has.
                let column =
                    rules.iter().find(|r| r.code == violation.rule).into_iter().flat_map(|r| r.references()).find_map(
                        |(code, moment)| (moment == Moment::ThisMonth).then(|| indicator_place.get(code)).flatten(),
                    );
                report.problems.push(row_problem(
                    lang,
                    row.row,
                    column,
                    format!("rule.{}", violation.rule),
                    &violation.message(lang),
                ));
            }
            continue;
        }
        for (code, value) in &month {
            let change = value - stored.get(code).copied().unwrap_or(0.0);
            *brought.entry((enterprise_id, row.period.year(), code.clone())).or_default() += change;
        }
        let ids = month.iter().filter_map(|(code, v)| indicator_ids.get(code.as_str()).map(|id| (*id, *v))).collect();
        let item = ImportItem { row: row.row, enterprise_id, period: row.period, values: ids };
        accepted.push((row, month.into_iter().collect::<Vec<_>>(), item));
    }
    // Back to file order for the answer.
    accepted.sort_by_key(|(row, _, _)| row.row);
    let (mut items, mut passed) = (Vec::with_capacity(accepted.len()), Vec::with_capacity(accepted.len()));
    for (row, values, item) in accepted {
        items.push(item);
        passed.push((row, values));
    }
    tracing::debug!(rows = items.len(), "import: rows checked");
    if request.mode == ImportMode::AllOrNothing && report.rows_rejected > 0 && !request.dry_run {
        return Ok(report);
    }
    let options = ImportOptions { mode: request.mode, source: ValueSource::Import, dry_run: request.dry_run };
    let summary = store.import_reports(scope, set.data_set_id, &items, &actor.audit, options).await?;
    report.committed = summary.committed;
    report.values_written = summary.values_written;
    for ((row, outcome), (read, values)) in summary.rows.into_iter().zip(passed) {
        if let RowOutcome::Locked { status } = &outcome {
            let what = match lang {
                Lang::ZhCn => format!("该企业本月报表状态为“{}”，数值不同，需退回后才能修改", status.as_str()),
                Lang::En => {
                    format!("the firm's report is {} with other values; it must be returned first", status.as_str())
                }
            };
            report.problems.push(row_problem(lang, row, None, "report.locked", &what));
        }
        report.rows.push(PreviewRow {
            row,
            credit_code: read.credit_code.to_string(),
            // The registry's name: the file's may be missing or abbreviated.
            name: firms.get(read.credit_code.as_str()).map(|(_, name)| name.clone()).or_else(|| read.name.clone()),
            period: read.period,
            values,
            outcome,
        });
    }
    report.problems.sort_by_key(|p| p.row);
    Ok(report)
}

/// The indicators of a data set, as the file reader matches headers against them.
pub fn indicator_refs(set: &xinzhi_store::DataSet) -> Vec<IndicatorRef> {
    set.indicators.iter().map(|i| IndicatorRef::from_def(&i.indicator.def)).collect()
}
