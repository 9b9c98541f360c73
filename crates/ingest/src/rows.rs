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
    /// The month's value of an indicator (本月).
    Indicator(String),
    /// The cumulative value from January (1—N月累计, 本年累计), from which the month's value
    /// follows once the earlier months are known.
    YearToDate(String),
}

impl Target {
    /// The indicator code of a value column.
    pub fn indicator(&self) -> Option<&str> {
        match self {
            Target::Indicator(code) | Target::YearToDate(code) => Some(code),
            _ => None,
        }
    }
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

/// Splits `工业总产值（现价）(万元)` into the name without any bracketed part (`工业总产值`), the
/// bracketed part that is a known unit (`万元`), and the other bracketed parts (`现价`), all
/// normalised.
fn split_header(header: &str) -> (String, Option<String>, Vec<String>) {
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
    let is_unit = |u: &String| {
        ["万元", "万千瓦时", "人", "吨标准煤", "%"].iter().any(|kind| unit_factor(Some(u), kind).is_some())
    };
    let unit = groups.iter().rposition(is_unit).map(|at| groups.remove(at));
    (name, unit, groups)
}

#[cfg(test)]
fn split_unit(header: &str) -> (String, Option<String>) {
    let (name, unit, _) = split_header(header);
    (name, unit)
}

/// Words that make a column something other than this period's value: a growth rate (同比,
/// 增长 %) or last year's figure (上年同期). Such columns are not read.
const NOT_A_VALUE_WORDS: [&str; 10] = ["同比", "增长", "增速", "增幅", "比上年", "比去年", "上年", "去年", "同期", "±"];
/// Words of a cumulative column (1—N月累计).
const CUMULATIVE_WORDS: [&str; 6] = ["累计", "本年", "年初至今", "自年初", "cumulative", "ytd"];
/// Words of a month's column, which say nothing beyond the default.
const MONTH_WORDS: [&str; 3] = ["本月", "当月", "本期"];

/// How a header qualifies a value: the month's (the default), cumulative, or not a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qualifier {
    Month,
    Cumulative,
    NotAValue,
}

/// Removes `1—3月`, `1-12月`, `1~3月份` and `2024年` from `text`; says whether a range of months
/// (which means a cumulative value) was there.
fn strip_months(text: &str) -> (String, bool) {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut range = false;
    let mut i = 0;
    let digits_from = |at: usize, most: usize| chars[at..].iter().take(most).take_while(|c| c.is_ascii_digit()).count();
    while i < chars.len() {
        let year = digits_from(i, 4);
        if year == 4 && chars.get(i + 4) == Some(&'年') {
            i += 5;
            continue;
        }
        let first = digits_from(i, 2);
        if first > 0 {
            let after = i + first;
            let separated = chars.get(after).is_some_and(|c| matches!(c, '—' | '–' | '-' | '~' | '至' | '到'));
            let second = if separated { digits_from(after + 1, 2) } else { 0 };
            let end = if second > 0 { after + 1 + second } else { after };
            if chars.get(end) == Some(&'月') {
                range |= second > 0;
                i = end + 1;
                if chars.get(i) == Some(&'份') {
                    i += 1;
                }
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, range)
}

/// The indicator name left in a header once its qualifiers are removed, and what they say.
fn qualify(name: &str, qualifiers: &[String]) -> (String, Qualifier) {
    let all = std::iter::once(name).chain(qualifiers.iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
    let lowered = all.to_lowercase();
    let (_, range) = strip_months(&lowered);
    let qualifier = if NOT_A_VALUE_WORDS.iter().any(|w| lowered.contains(w)) {
        Qualifier::NotAValue
    } else if range || CUMULATIVE_WORDS.iter().any(|w| lowered.contains(w)) {
        Qualifier::Cumulative
    } else {
        Qualifier::Month
    };
    let (mut bare, _) = strip_months(name);
    for word in CUMULATIVE_WORDS.iter().chain(MONTH_WORDS.iter()).chain(NOT_A_VALUE_WORDS.iter()) {
        bare = bare.replace(word, "");
    }
    let bare = bare.trim_matches(|c: char| matches!(c, ':' | '：' | '-' | '_' | '/' | '·' | '、')).to_owned();
    (bare, qualifier)
}

/// A cell of a second header row that only qualifies the column above it (`本月`,
/// `1—3月累计`, `同比%`), as under a merged `工业总产值(万元)` caption.
fn is_qualifier_only(text: &str) -> bool {
    let (name, _, groups) = split_header(text);
    let (bare, qualifier) = qualify(&name, &groups);
    let spoken = name.chars().count() > 0 || !groups.is_empty();
    spoken && (bare.is_empty() || bare == "%") && {
        let lowered = text.to_lowercase();
        qualifier != Qualifier::Month || MONTH_WORDS.iter().any(|w| lowered.contains(w))
    }
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
    let (name, unit, qualifiers) = split_header(raw);
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
        let (bare, qualifier) = qualify(&name, &qualifiers);
        let key = lower(&bare);
        let by_name = indicators.iter().find(|i| {
            let (zh, _, _) = split_header(&i.name_zh);
            lower(&i.code) == key || lower(&zh) == key || lower(&i.name_en).replace(' ', "") == key
        });
        let by_synonym = || {
            SYNONYMS.iter().find(|(s, _)| *s == bare).and_then(|(_, code)| indicators.iter().find(|i| i.code == *code))
        };
        let target = |code: &str| match qualifier {
            Qualifier::Month => Some(Target::Indicator(code.to_owned())),
            Qualifier::Cumulative => Some(Target::YearToDate(code.to_owned())),
            Qualifier::NotAValue => None,
        };
        by_name.or_else(by_synonym).and_then(|i| {
            let factor = unit_factor(unit.as_deref(), &i.unit_zh)?;
            target(&i.code).map(|t| (t, factor))
        })
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

/// The columns a header row gives, each target once (the first column wins).
fn columns_of(texts: &[Option<String>], indicators: &[IndicatorRef]) -> Vec<Column> {
    let mut columns: Vec<Column> = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let Some(column) = text.as_deref().and_then(|t| match_column(i, t, indicators)) else { continue };
        if !columns.iter().any(|c| c.target == column.target) {
            columns.push(column);
        }
    }
    columns
}

/// The header texts of `row` with the second header row `below` under it: a qualifier there
/// (`本月`, `1—3月累计`) joins the caption above it, which a merged cell writes only in its
/// first column. `None` if `below` is not such a row.
fn two_level_texts(row: &[Cell], below: &[Cell]) -> Option<Vec<Option<String>>> {
    let below_texts: Vec<Option<String>> = below.iter().map(cell_text).collect();
    let qualifies = below_texts.iter().flatten().any(|t| is_qualifier_only(t));
    let has_code = below_texts.iter().flatten().any(|t| CreditCode::parse(&normalize_code(t)).is_ok());
    if !qualifies || has_code {
        return None;
    }
    let width = row.len().max(below.len());
    let mut caption: Option<String> = None;
    let mut texts = Vec::with_capacity(width);
    for i in 0..width {
        let own = row.get(i).and_then(cell_text).filter(|t| !t.trim().is_empty());
        if own.is_some() {
            caption.clone_from(&own);
        }
        let sub = below_texts.get(i).cloned().flatten().filter(|t| !t.trim().is_empty());
        texts.push(match (sub, &caption) {
            (Some(sub), Some(caption)) if is_qualifier_only(&sub) => Some(format!("{caption}({sub})")),
            (Some(sub), _) => Some(sub),
            (None, _) => own,
        });
    }
    Some(texts)
}

/// Finds the header: the row among the first ones with a credit-code column and the most
/// known indicators, read together with a second header row under it when there is one.
pub fn find_header(grid: &Grid, indicators: &[IndicatorRef]) -> Result<Header, HeaderError> {
    let value_columns = |columns: &[Column]| columns.iter().filter(|c| c.target.indicator().is_some()).count();
    let mut best: Option<Header> = None;
    for (row_index, row) in grid.rows.iter().enumerate().take(HEADER_SEARCH) {
        let single = (row_index, columns_of(&row.iter().map(cell_text).collect::<Vec<_>>(), indicators));
        let double = grid
            .rows
            .get(row_index + 1)
            .and_then(|below| two_level_texts(row, below))
            .map(|texts| (row_index + 1, columns_of(&texts, indicators)));
        // The two-level reading first: on a tie it is the one that leaves no header row above
        // the data.
        for (header_row, columns) in double.into_iter().chain(std::iter::once(single)) {
            let has_code = columns.iter().any(|c| c.target == Target::CreditCode);
            let count = value_columns(&columns);
            let better = best.as_ref().is_none_or(|b| count > value_columns(&b.columns));
            if has_code && count > 0 && better {
                best = Some(Header { row: header_row, columns });
            }
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
    /// Indicator code and the month's value, in the indicator's unit.
    pub values: Vec<(String, f64)>,
    /// Indicator code and the cumulative value from January (1—N月累计), in the indicator's
    /// unit, from columns that give it.
    pub year_to_date: Vec<(String, f64)>,
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
        let (mut values, mut year_to_date) = (Vec::new(), Vec::new());
        let mut row_ok = true;
        for column in &header.columns {
            let Some(indicator) = column.target.indicator() else { continue };
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
            let read = (indicator.to_owned(), value * column.factor);
            match column.target {
                Target::YearToDate(_) => year_to_date.push(read),
                _ => values.push(read),
            }
        }
        if row_ok {
            let name =
                name_column.and_then(|c| cell_text(&at(c))).map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
            parsed.rows.push(ImportRow { row: excel_row, credit_code: code, name, period, values, year_to_date });
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
    fn header_words_say_month_cumulative_or_not_a_value() {
        let catalogue: Vec<IndicatorRef> =
            xinzhi_domain::indicator::standard_catalogue().iter().map(IndicatorRef::from_def).collect();
        let target = |header: &str| match_column(0, header, &catalogue).map(|c| c.target);
        let month = |code: &str| Some(Target::Indicator(code.into()));
        let ytd = |code: &str| Some(Target::YearToDate(code.into()));
        assert_eq!(target("工业总产值（万元）"), month("gross_output"));
        assert_eq!(target("本月工业总产值(万元)"), month("gross_output"));
        assert_eq!(target("工业总产值当月"), month("gross_output"));
        assert_eq!(target("3月工业总产值"), month("gross_output"), "one month is the month");
        assert_eq!(target("工业总产值（1—3月累计）（万元）"), ytd("gross_output"));
        assert_eq!(target("1-3月工业销售产值"), ytd("sales_output"));
        assert_eq!(target("2024年1～3月份总产值(元)"), ytd("gross_output"));
        assert_eq!(target("本年累计用电量"), ytd("electricity"));
        assert_eq!(target("工业总产值同比增长(%)"), None, "a growth rate is not a value");
        assert_eq!(target("工业总产值（同比%）"), None);
        assert_eq!(target("工业总产值（上年同期）"), None, "last year's figure is not this month's");
        assert_eq!(target("上年同期累计总产值"), None);
    }

    #[test]
    fn a_second_header_row_qualifies_the_merged_caption_above_it() {
        for text in ["本月", "当月", "1—3月累计", "累计", "本年累计", "同比%", "增长(%)", "本月(万元)"]
        {
            assert!(is_qualifier_only(text), "{text}");
        }
        for text in ["企业名称", "工业总产值", "914403001922038216", "3"] {
            assert!(!is_qualifier_only(text), "{text}");
        }
        let text = |t: &str| Cell::Text(t.into());
        let top = [text("统一社会信用代码"), text("工业总产值(万元)"), Cell::Empty, Cell::Empty, text("用电量")];
        let below = [Cell::Empty, text("本月"), text("1—3月累计"), text("同比%"), Cell::Empty];
        let texts = two_level_texts(&top, &below).expect("a second header row");
        assert_eq!(
            texts,
            [
                Some("统一社会信用代码".into()),
                Some("工业总产值(万元)(本月)".into()),
                Some("工业总产值(万元)(1—3月累计)".into()),
                Some("工业总产值(万元)(同比%)".into()),
                Some("用电量".into()),
            ]
        );
        let data = [text("914403001922038216"), text("1"), text("3"), text("2.5"), text("9")];
        assert_eq!(two_level_texts(&top, &data), None, "a data row is not a header");
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
