//! Sheets of records with named columns, such as a bureau's list of key projects: the header
//! row is found among the first rows under any of each field's names (a unit in brackets is
//! ignored: `总投资（万元）` is `总投资`), and every later row becomes a record of the fields'
//! texts, with its Excel row; each field's column letter is kept for error reports. What the texts
//! mean is the caller's to check.

use std::collections::BTreeMap;

use xinzhi_domain::{Lang, Localize};

use crate::grid::{Cell, Grid, column_letter};

/// A field of a record and the header texts that name it.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub key: &'static str,
    /// Header texts, compared without spaces, brackets and case.
    pub names: &'static [&'static str],
    pub required: bool,
}

/// Where a field's column is: its letter and header as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    /// `C`.
    pub column: String,
    pub header: String,
}

/// A row of the sheet under the header: the texts of its non-empty cells by field.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Excel's row number (1-based).
    pub row: usize,
    pub values: BTreeMap<&'static str, String>,
}

impl Record {
    /// The text of `key`, empty when the cell was empty or the column absent.
    pub fn text(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

/// The records of a sheet and where each field's column is.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordSheet {
    pub columns: BTreeMap<&'static str, Place>,
    pub records: Vec<Record>,
}

impl RecordSheet {
    /// Where `key`'s column is, when the sheet has one.
    pub fn place(&self, key: &str) -> Option<&Place> {
        self.columns.get(key)
    }
}

/// The header row was not found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("no header row names the columns {missing:?}")]
pub struct MissingColumns {
    /// The first name of each required field no row names.
    pub missing: Vec<String>,
}

impl Localize for MissingColumns {
    fn code(&self) -> &'static str {
        "file.no_header"
    }

    fn message(&self, lang: Lang) -> String {
        let names = self.missing.join(lang.pick("、", ", "));
        lang.pick(
            &format!("前10行中没有表头行，缺少列：{names}"),
            &format!("No header row among the first 10 rows; missing columns: {names}"),
        )
        .to_owned()
    }
}

/// How many rows from the top may hold titles above the header.
const HEADER_SEARCH_ROWS: usize = 10;

fn normalize(text: &str) -> String {
    let mut base = String::new();
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 && !c.is_whitespace() && c != '*' && c != '：' && c != ':' => {
                base.extend(c.to_lowercase());
            }
            _ => {}
        }
    }
    base
}

/// A cell as text: numbers without a needless `.0`, Excel dates as `yyyy-mm-dd`.
fn text_of(cell: &Cell) -> Option<String> {
    let text = match cell {
        Cell::Empty => return None,
        Cell::Text(t) => t.trim().to_owned(),
        Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Date(serial) => {
            let (y, m, d) = xinzhi_domain::period::civil_from_days(serial.floor() as i64 - 25_569);
            format!("{y:04}-{m:02}-{d:02}")
        }
        Cell::Error(e) => e.clone(),
    };
    (!text.is_empty()).then_some(text)
}

/// The column of each field a header row names (the first column wins).
fn columns_of(row: &[Cell], fields: &[FieldSpec]) -> BTreeMap<&'static str, (usize, String)> {
    let mut columns = BTreeMap::new();
    for (index, cell) in row.iter().enumerate() {
        let Some(header) = text_of(cell) else { continue };
        let base = normalize(&header);
        let field = fields.iter().find(|f| f.names.iter().any(|n| normalize(n) == base));
        if let Some(field) = field {
            columns.entry(field.key).or_insert((index, header));
        }
    }
    columns
}

/// The records of a grid's first sheet under the first row that names every required field.
/// Blank rows are skipped.
pub fn read_records(grid: &Grid, fields: &[FieldSpec]) -> Result<RecordSheet, MissingColumns> {
    let required = || fields.iter().filter(|f| f.required);
    let found = grid.rows.iter().take(HEADER_SEARCH_ROWS).enumerate().find_map(|(i, row)| {
        let columns = columns_of(row, fields);
        required().all(|f| columns.contains_key(f.key)).then_some((i, columns))
    });
    let Some((header_index, columns)) = found else {
        let best = grid.rows.iter().take(HEADER_SEARCH_ROWS).map(|row| columns_of(row, fields)).max_by_key(|c| c.len());
        let missing = required()
            .filter(|f| !best.as_ref().is_some_and(|c| c.contains_key(f.key)))
            .map(|f| f.names[0].to_owned())
            .collect();
        return Err(MissingColumns { missing });
    };
    let records = grid.rows[header_index + 1..]
        .iter()
        .enumerate()
        .filter_map(|(offset, row)| {
            let values: BTreeMap<&'static str, String> = columns
                .iter()
                .filter_map(|(key, (index, _))| Some((*key, row.get(*index).and_then(text_of)?)))
                .collect();
            (!values.is_empty()).then(|| Record { row: grid.first_row + header_index + 1 + offset, values })
        })
        .collect();
    let columns = columns
        .into_iter()
        .map(|(key, (index, header))| (key, Place { column: column_letter(grid.first_column + index), header }))
        .collect();
    Ok(RecordSheet { columns, records })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[FieldSpec] = &[
        FieldSpec { key: "name", names: &["项目名称", "name"], required: true },
        FieldSpec { key: "total", names: &["总投资", "total investment"], required: true },
        FieldSpec { key: "signed", names: &["签约日期"], required: false },
    ];

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    fn grid(rows: Vec<Vec<Cell>>) -> Grid {
        Grid { sheet: "Sheet1".into(), rows, first_row: 1, first_column: 0 }
    }

    #[test]
    fn the_header_is_found_under_a_title_with_units_and_spaces_ignored() {
        let g = grid(vec![
            vec![text("2026年重点项目清单")],
            vec![text("序号"), text(" 项目 名称 "), text("总投资（万元）"), text("签约日期")],
            vec![Cell::Number(1.0), text("年产10万吨铜箔"), Cell::Number(52_000.0), Cell::Date(46_082.0)],
            vec![Cell::Empty, Cell::Empty, Cell::Empty],
            vec![Cell::Number(2.0), text("稀土永磁"), Cell::Number(8_000.5)],
        ]);
        let sheet = read_records(&g, FIELDS).expect("a header");
        let records = &sheet.records;
        assert_eq!(records.len(), 2, "the blank row is skipped");
        assert_eq!(records[0].row, 3);
        assert_eq!(records[0].text("name"), "年产10万吨铜箔");
        assert_eq!(records[0].text("total"), "52000");
        // Serial 46082 is 2026-03-01 (25569 is 1970-01-01; 20513 days later).
        assert_eq!(records[0].text("signed"), "2026-03-01");
        assert_eq!(sheet.place("total").map(|p| p.column.as_str()), Some("C"));
        assert_eq!(sheet.place("signed").map(|p| p.header.as_str()), Some("签约日期"));
        assert_eq!(records[1].row, 5);
        assert_eq!(records[1].text("total"), "8000.5");
        assert_eq!(records[1].text("signed"), "");
    }

    #[test]
    fn a_sheet_without_the_required_columns_names_what_is_missing() {
        let g = grid(vec![vec![text("项目名称"), text("投资主体")], vec![text("铜箔"), text("某公司")]]);
        let error = read_records(&g, FIELDS).expect_err("no total column");
        assert_eq!(error.missing, vec!["总投资".to_owned()]);
        assert!(error.message(Lang::ZhCn).contains("总投资"), "{}", error.message(Lang::ZhCn));
    }

    #[test]
    fn english_headers_match_without_case() {
        let g = grid(vec![vec![text("Name"), text("Total Investment (10k yuan)")], vec![text("A"), Cell::Number(1.0)]]);
        let sheet = read_records(&g, FIELDS).expect("a header");
        assert_eq!(sheet.records[0].text("total"), "1");
    }
}
