//! From a grid to report rows: find the header row among title rows, map each column to the
//! credit code, the firm name, the period or an indicator (by code, name or synonym, with the
//! unit in the header converted), then read every data row, skipping blank and total rows.

use std::collections::HashSet;

use xinzhi_domain::text::{normalize_code, parse_number, to_half_width};
use xinzhi_domain::{CreditCode, Lang, Localize, Month};

use crate::grid::{Cell, Grid, column_letter};

/// An indicator the file may contain: code, Chinese and English name, and its unit.
#[derive(Debug, Clone)]
pub struct IndicatorRef {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub unit_zh: String,
}

impl IndicatorRef {
    pub fn from_def(def: &xinzhi_domain::IndicatorDef) -> IndicatorRef {
        IndicatorRef {
            code: def.code.to_string(),
            name_zh: def.name_zh.clone(),
            name_en: def.name_en.clone(),
            unit_zh: def.unit_zh.clone(),
        }
    }
}

/// What a column holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    CreditCode,
    Name,
    Period,
    Indicator(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub index: usize,
    pub target: Target,
    /// Multiplies the file's numbers into the indicator's unit (元 → 万元 is 0.0001).
    pub factor: f64,
    pub header: String,
}

#[derive(Debug, Clone)]
pub struct Header {
    /// Index into `grid.rows` of the header row.
    pub row: usize,
    pub columns: Vec<Column>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HeaderError {
    #[error("no header row with a credit-code column and at least one known indicator was found in the first {0} rows")]
    NotFound(usize),
}

impl Localize for HeaderError {
    fn code(&self) -> &'static str {
        "file.no_header"
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (HeaderError::NotFound(n), Lang::ZhCn) => {
                format!("前{n}行中未找到表头：需要“统一社会信用代码”列和至少一个已知指标列")
            }
            (e, Lang::En) => xinzhi_domain::text::capitalize(&e.to_string()),
        }
    }
}

/// Rows searched for the header (title rows, notes and merged captions come first).
const HEADER_SEARCH: usize = 20;

const CODE_NAMES: [&str; 6] = ["统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "creditcode", "credit_code"];
const NAME_NAMES: [&str; 6] = ["企业名称", "单位名称", "单位详细名称", "企业", "name", "enterprise"];
const PERIOD_NAMES: [&str; 5] = ["期别", "月份", "报告期", "所属期", "period"];

/// Header words that mean an indicator, besides its code and names.
const SYNONYMS: [(&str, &str); 12] = [
    ("总产值", "gross_output"),
    ("工业总产值", "gross_output"),
    ("现价工业总产值", "gross_output"),
    ("销售产值", "sales_output"),
    ("出口交货值", "export_delivery"),
    ("主营收入", "main_revenue"),
    ("营业收入", "revenue"),
    ("利润", "total_profit"),
    ("用电量", "electricity"),
    ("工业用电", "electricity"),
    ("期末从业人员", "employees_end"),
    ("从业人员", "employees_end"),
];

/// Splits `工业总产值（现价）(万元)` into the name without any bracketed part (`工业总产值`) and
/// the last bracketed part when it is a known unit (`万元`), both normalised.
fn split_unit(header: &str) -> (String, Option<String>) {
    let text: String = header.chars().map(to_half_width).filter(|c| !c.is_whitespace()).collect();
    let text = text.replace('（', "(").replace('）', ")");
    let mut name = String::new();
    let mut groups = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                if depth > 1 {
                    current.push(c);
                }
            }
            ')' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    groups.push(std::mem::take(&mut current));
                } else {
                    current.push(c);
                }
            }
            _ if depth > 0 => current.push(c),
            _ => name.push(c),
        }
    }
    let unit = groups.pop().filter(|u| {
        unit_factor(Some(u), "万元").is_some()
            || unit_factor(Some(u), "万千瓦时").is_some()
            || unit_factor(Some(u), "人").is_some()
            || unit_factor(Some(u), "吨标准煤").is_some()
            || unit_factor(Some(u), "%").is_some()
    });
    (name, unit)
}

/// The factor from a header's unit to the indicator's unit; `None` if the two do not match.
fn unit_factor(from: Option<&str>, to: &str) -> Option<f64> {
    let Some(from) = from.filter(|f| !f.is_empty()) else { return Some(1.0) };
    let scale = |unit: &str| -> Option<(&'static str, f64)> {
        Some(match unit {
            "元" => ("money", 1.0),
            "千元" => ("money", 1e3),
            "万元" => ("money", 1e4),
            "亿元" => ("money", 1e8),
            "千瓦时" | "kWh" | "kwh" | "度" => ("energy", 1.0),
            "万千瓦时" | "万kWh" | "万度" => ("energy", 1e4),
            "人" => ("people", 1.0),
            "吨标准煤" | "吨标煤" | "tce" => ("coal", 1.0),
            "%" => ("percent", 1.0),
            _ => return None,
        })
    };
    let (from_kind, from_scale) = scale(from)?;
    let (to_kind, to_scale) = scale(to)?;
    (from_kind == to_kind).then(|| from_scale / to_scale)
}

fn lower(text: &str) -> String {
    text.to_lowercase()
}

fn match_column(index: usize, raw: &str, indicators: &[IndicatorRef]) -> Option<Column> {
    let (name, unit) = split_unit(raw);
    if name.is_empty() {
        return None;
    }
    let key = lower(&name);
    let fixed = |names: &[&str]| names.iter().any(|n| lower(n) == key);
    let target_factor = if fixed(&CODE_NAMES) {
        Some((Target::CreditCode, 1.0))
    } else if fixed(&NAME_NAMES) {
        Some((Target::Name, 1.0))
    } else if fixed(&PERIOD_NAMES) {
        Some((Target::Period, 1.0))
    } else {
        let by_name = indicators.iter().find(|i| {
            let (zh, _) = split_unit(&i.name_zh);
            lower(&i.code) == key || lower(&zh) == key || lower(&i.name_en).replace(' ', "") == key
        });
        let by_synonym = || {
            SYNONYMS.iter().find(|(s, _)| *s == name).and_then(|(_, code)| indicators.iter().find(|i| i.code == *code))
        };
        by_name
            .or_else(by_synonym)
            .and_then(|i| unit_factor(unit.as_deref(), &i.unit_zh).map(|f| (Target::Indicator(i.code.clone()), f)))
    };
    target_factor.map(|(target, factor)| Column { index, target, factor, header: raw.trim().to_owned() })
}

fn cell_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) => Some(t.clone()),
        Cell::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Finds the header: the row among the first ones with a credit-code column and the most
/// known indicators.
pub fn find_header(grid: &Grid, indicators: &[IndicatorRef]) -> Result<Header, HeaderError> {
    let mut best: Option<Header> = None;
    for (row_index, row) in grid.rows.iter().enumerate().take(HEADER_SEARCH) {
        let columns: Vec<Column> = row
            .iter()
            .enumerate()
            .filter_map(|(i, cell)| cell_text(cell).and_then(|t| match_column(i, &t, indicators)))
            .collect();
        let has_code = columns.iter().any(|c| c.target == Target::CreditCode);
        let indicator_count = columns.iter().filter(|c| matches!(c.target, Target::Indicator(_))).count();
        let better = best.as_ref().is_none_or(|b| {
            indicator_count > b.columns.iter().filter(|c| matches!(c.target, Target::Indicator(_))).count()
        });
        if has_code && indicator_count > 0 && better {
            best = Some(Header { row: row_index, columns });
        }
    }
    best.ok_or(HeaderError::NotFound(HEADER_SEARCH))
}

/// One data row, read.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    /// Excel row number.
    pub row: usize,
    pub credit_code: CreditCode,
    pub name: Option<String>,
    pub period: Month,
    /// Indicator code and value, in the indicator's unit.
    pub values: Vec<(String, f64)>,
}

/// What is wrong with a cell or a row.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    CreditCode(xinzhi_domain::CreditCodeError),
    NotANumber(String),
    DateInNumberColumn,
    CellError(String),
    Period(String),
    NoPeriod,
    Duplicate { first_row: usize },
}

/// A problem, located by Excel row and column.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub row: usize,
    /// Excel column letter, when one cell is at fault.
    pub column: Option<String>,
    /// The column's header as written in the file.
    pub header: Option<String>,
    pub kind: ProblemKind,
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match &self.kind {
            ProblemKind::CreditCode(e) => e.code(),
            ProblemKind::NotANumber(_) => "cell.number",
            ProblemKind::DateInNumberColumn => "cell.date",
            ProblemKind::CellError(_) => "cell.error",
            ProblemKind::Period(_) => "cell.period",
            ProblemKind::NoPeriod => "row.no_period",
            ProblemKind::Duplicate { .. } => "row.duplicate",
        }
    }

    /// `第12行 C列（工业总产值）：…` / `Row 12, column C (…): …`
    pub fn message(&self, lang: Lang) -> String {
        let place = match (&self.column, &self.header, lang) {
            (Some(c), Some(h), Lang::ZhCn) => format!("第{}行 {c}列（{h}）", self.row),
            (Some(c), None, Lang::ZhCn) => format!("第{}行 {c}列", self.row),
            (None, _, Lang::ZhCn) => format!("第{}行", self.row),
            (Some(c), Some(h), Lang::En) => format!("Row {}, column {c} ({h})", self.row),
            (Some(c), None, Lang::En) => format!("Row {}, column {c}", self.row),
            (None, _, Lang::En) => format!("Row {}", self.row),
        };
        let what = match (&self.kind, lang) {
            (ProblemKind::CreditCode(e), _) => e.message(lang),
            (ProblemKind::NotANumber(t), Lang::ZhCn) => format!("“{t}”不是数字"),
            (ProblemKind::NotANumber(t), Lang::En) => format!("'{t}' is not a number"),
            (ProblemKind::DateInNumberColumn, Lang::ZhCn) => "该列应为数字，单元格却是日期".into(),
            (ProblemKind::DateInNumberColumn, Lang::En) => "a date in a number column".into(),
            (ProblemKind::CellError(e), Lang::ZhCn) => format!("单元格为错误值 {e}"),
            (ProblemKind::CellError(e), Lang::En) => format!("the cell holds the error {e}"),
            (ProblemKind::Period(t), Lang::ZhCn) => format!("“{t}”不是月份（应如2024-03）"),
            (ProblemKind::Period(t), Lang::En) => format!("'{t}' is not a month (like 2024-03)"),
            (ProblemKind::NoPeriod, Lang::ZhCn) => "没有期别：文件无期别列，导入时也未指定月份".into(),
            (ProblemKind::NoPeriod, Lang::En) => "no period: the file has no period column and none was given".into(),
            (ProblemKind::Duplicate { first_row }, Lang::ZhCn) => format!("与第{first_row}行是同一企业同一月份，重复"),
            (ProblemKind::Duplicate { first_row }, Lang::En) => format!("the same firm and month as row {first_row}"),
        };
        match lang {
            Lang::ZhCn => format!("{place}：{what}"),
            Lang::En => format!("{place}: {what}"),
        }
    }
}

/// The rows read, the problems found, and how many rows were skipped as blank or totals.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub rows: Vec<ImportRow>,
    pub problems: Vec<Problem>,
    pub skipped: usize,
}

/// Words that mark a total row (合计/小计/总计), which is not a firm.
fn is_total_row(row: &[Cell]) -> bool {
    row.iter().take(4).filter_map(cell_text).any(|t| {
        let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        ["合计", "小计", "总计", "合 计"].iter().any(|w| t.contains(w)) || t.eq_ignore_ascii_case("total")
    })
}

/// A month from a period cell: `2024-03`, `2024/3`, `2024年3月`, `202403`, or an Excel date.
fn parse_period(cell: &Cell) -> Result<Option<Month>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(serial) => {
            let days = serial.floor() as i64 - 25_569;
            let (y, m, _) = xinzhi_domain::period::civil_from_days(days);
            Month::new(y as i32, m).map(Some).map_err(|_| serial.to_string())
        }
        Cell::Number(n) if n.fract() == 0.0 && (190_001.0..=220_012.0).contains(n) => {
            Month::from_yyyymm(*n as i64).map(Some).map_err(|_| n.to_string())
        }
        Cell::Number(n) => Err(n.to_string()),
        Cell::Text(t) => {
            let text: String = t.chars().map(to_half_width).filter(|c| !c.is_whitespace()).collect();
            let text = text.replace(['年', '/', '.'], "-").replace('月', "");
            if let Ok(m) = Month::parse(&text) {
                return Ok(Some(m));
            }
            text.parse::<i64>().ok().and_then(|v| Month::from_yyyymm(v).ok()).map(Some).ok_or_else(|| t.clone())
        }
        Cell::Error(e) => Err(e.clone()),
    }
}

/// Reads the rows below the header. `default_period` applies to rows without a period cell.
pub fn read_rows(grid: &Grid, header: &Header, default_period: Option<Month>) -> Parsed {
    let mut parsed = Parsed::default();
    let code_column = header.columns.iter().find(|c| c.target == Target::CreditCode);
    let name_column = header.columns.iter().find(|c| c.target == Target::Name);
    let period_column = header.columns.iter().find(|c| c.target == Target::Period);
    let mut seen: Vec<(String, Month, usize)> = Vec::new();
    let mut seen_keys: HashSet<(String, Month)> = HashSet::new();
    for (offset, row) in grid.rows.iter().enumerate().skip(header.row + 1) {
        let excel_row = grid.first_row + offset;
        let at = |column: &Column| row.get(column.index).cloned().unwrap_or(Cell::Empty);
        let letter = |column: &Column| column_letter(grid.first_column + column.index);
        if row.iter().all(|c| matches!(c, Cell::Empty)) || is_total_row(row) {
            parsed.skipped += 1;
            continue;
        }
        let problem = |column: Option<&Column>, kind| Problem {
            row: excel_row,
            column: column.map(letter),
            header: column.map(|c| c.header.clone()),
            kind,
        };
        let Some(code_column) = code_column else { break };
        let code_text = cell_text(&at(code_column)).unwrap_or_default();
        let code = match CreditCode::parse(&normalize_code(&code_text)) {
            Ok(code) => code,
            Err(e) => {
                parsed.problems.push(problem(Some(code_column), ProblemKind::CreditCode(e)));
                continue;
            }
        };
        let period = match period_column.map(|c| (c, parse_period(&at(c)))) {
            Some((c, Err(text))) => {
                parsed.problems.push(problem(Some(c), ProblemKind::Period(text)));
                continue;
            }
            Some((_, Ok(Some(month)))) => month,
            Some((_, Ok(None))) | None => match default_period {
                Some(month) => month,
                None => {
                    parsed.problems.push(problem(None, ProblemKind::NoPeriod));
                    continue;
                }
            },
        };
        if !seen_keys.insert((code.to_string(), period)) {
            let first_row = seen.iter().find(|(c, p, _)| *c == code.as_str() && *p == period).map_or(0, |(_, _, r)| *r);
            parsed.problems.push(problem(Some(code_column), ProblemKind::Duplicate { first_row }));
            continue;
        }
        seen.push((code.to_string(), period, excel_row));
        let mut values = Vec::new();
        let mut row_ok = true;
        for column in &header.columns {
            let Target::Indicator(indicator) = &column.target else { continue };
            let value = match at(column) {
                Cell::Empty => continue,
                Cell::Number(n) => n,
                Cell::Text(t) if t.trim().is_empty() || t.trim() == "-" => continue,
                Cell::Text(t) => match parse_number(&t) {
                    Some(n) => n,
                    None => {
                        parsed.problems.push(problem(Some(column), ProblemKind::NotANumber(t)));
                        row_ok = false;
                        continue;
                    }
                },
                Cell::Date(_) => {
                    parsed.problems.push(problem(Some(column), ProblemKind::DateInNumberColumn));
                    row_ok = false;
                    continue;
                }
                Cell::Error(e) => {
                    parsed.problems.push(problem(Some(column), ProblemKind::CellError(e)));
                    row_ok = false;
                    continue;
                }
            };
            values.push((indicator.clone(), value * column.factor));
        }
        if row_ok {
            let name =
                name_column.and_then(|c| cell_text(&at(c))).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            parsed.rows.push(ImportRow { row: excel_row, credit_code: code, name, period, values });
        }
    }
    parsed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_in_headers_convert_to_the_indicators_unit() {
        assert_eq!(unit_factor(Some("元"), "万元"), Some(0.0001));
        assert_eq!(unit_factor(Some("亿元"), "万元"), Some(10_000.0));
        assert_eq!(unit_factor(None, "万元"), Some(1.0));
        assert_eq!(unit_factor(Some("千瓦时"), "万千瓦时"), Some(0.0001));
        assert_eq!(unit_factor(Some("人"), "万元"), None, "a unit of another kind is not this indicator");
        assert_eq!(split_unit("工业总产值（万元）"), ("工业总产值".into(), Some("万元".into())));
        assert_eq!(split_unit(" 总产值 (元) "), ("总产值".into(), Some("元".into())));
        assert_eq!(split_unit("工业总产值（现价）(万元)"), ("工业总产值".into(), Some("万元".into())));
        assert_eq!(
            split_unit("工业总产值（现价）"),
            ("工业总产值".into(), None),
            "a bracket that is not a unit belongs to the name"
        );
    }

    #[test]
    fn periods_are_read_in_the_ways_people_write_them() {
        let month = |t: &str| parse_period(&Cell::Text(t.into()));
        let march = Month::new(2024, 3).ok();
        for text in ["2024-03", "2024/3", "2024年3月", "202403", "2024.03", "２０２４年３月"] {
            assert_eq!(month(text), Ok(march), "{text}");
        }
        assert_eq!(parse_period(&Cell::Number(202_403.0)), Ok(march));
        // 2024-03-15 as an Excel serial.
        assert_eq!(parse_period(&Cell::Date(45_366.0)), Ok(march));
        assert!(month("三月").is_err());
        assert_eq!(parse_period(&Cell::Empty), Ok(None));
    }
}
