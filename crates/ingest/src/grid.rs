//! Any spreadsheet file (.xlsx, .xls, .csv in UTF-8 or GBK) as a grid of cells, within limits
//! that keep a hostile file from exhausting memory: file size, declared unpacked size (zip
//! bombs), rows and columns.

use std::io::Cursor;

use calamine::{Data, Reader};
use xinzhi_domain::{Lang, Localize};

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date/time serial (days since 1899-12-30).
    Date(f64),
    /// An Excel error value such as `#DIV/0!`.
    Error(String),
}

/// The first sheet of a file: rows of cells, and where they start in Excel's numbering.
#[derive(Debug, Clone)]
pub struct Grid {
    pub sheet: String,
    pub rows: Vec<Vec<Cell>>,
    /// Excel row number (1-based) of `rows[0]`.
    pub first_row: usize,
    /// Excel column index (0 = A) of each row's first cell.
    pub first_column: usize,
}

/// How big a file may be.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    /// Sum of the declared sizes of an .xlsx file's parts once unpacked.
    pub max_unpacked_bytes: u64,
    pub max_rows: usize,
    pub max_columns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            max_unpacked_bytes: 200 * 1024 * 1024,
            max_rows: 60_000,
            max_columns: 300,
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has {bytes} bytes; at most {max} are accepted")]
    TooLarge { bytes: usize, max: usize },
    #[error("the file would unpack to more than {max} bytes")]
    UnpacksTooLarge { max: u64 },
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the file has more than {max} columns")]
    TooManyColumns { max: usize },
    #[error("the file is damaged or not a spreadsheet: {0}")]
    Corrupt(String),
    #[error("the workbook has no sheet")]
    NoSheet,
}

impl Localize for ReadError {
    fn code(&self) -> &'static str {
        match self {
            ReadError::Empty => "file.empty",
            ReadError::TooLarge { .. } => "file.too_large",
            ReadError::UnpacksTooLarge { .. } => "file.unpacks_too_large",
            ReadError::TooManyRows { .. } => "file.too_many_rows",
            ReadError::TooManyColumns { .. } => "file.too_many_columns",
            ReadError::Corrupt(_) => "file.corrupt",
            ReadError::NoSheet => "file.no_sheet",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReadError::Empty, Lang::ZhCn) => "文件为空".into(),
            (ReadError::TooLarge { bytes, max }, Lang::ZhCn) => format!("文件大小为{bytes}字节，超过上限{max}字节"),
            (ReadError::UnpacksTooLarge { max }, Lang::ZhCn) => format!("文件解压后将超过{max}字节，拒绝处理"),
            (ReadError::TooManyRows { max }, Lang::ZhCn) => format!("文件超过{max}行"),
            (ReadError::TooManyColumns { max }, Lang::ZhCn) => format!("文件超过{max}列"),
            (ReadError::Corrupt(why), Lang::ZhCn) => format!("文件已损坏或不是电子表格（{why}）"),
            (ReadError::NoSheet, Lang::ZhCn) => "工作簿中没有工作表".into(),
            (other, Lang::En) => xinzhi_domain::text::capitalize(&other.to_string()),
        }
    }
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn is_ole(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// Reads the first sheet of an .xlsx/.xls file, or a CSV file, into a grid.
pub fn read_grid(bytes: &[u8], limits: Limits) -> Result<Grid, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(ReadError::TooLarge { bytes: bytes.len(), max: limits.max_bytes });
    }
    if is_zip(bytes) {
        check_unpacked_size(bytes, limits.max_unpacked_bytes)?;
        return read_workbook(bytes, limits);
    }
    if is_ole(bytes) {
        return read_workbook(bytes, limits);
    }
    read_csv(bytes, limits)
}

/// Refuses archives whose parts declare more unpacked bytes than allowed, before unpacking.
fn check_unpacked_size(bytes: &[u8], max: u64) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let file = archive.by_index_raw(i).map_err(|e| ReadError::Corrupt(e.to_string()))?;
        total = total.saturating_add(file.size());
        if total > max {
            return Err(ReadError::UnpacksTooLarge { max });
        }
    }
    Ok(())
}

fn read_workbook(bytes: &[u8], limits: Limits) -> Result<Grid, ReadError> {
    let mut workbook = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let sheet = workbook.sheet_names().first().cloned().ok_or(ReadError::NoSheet)?;
    let range = workbook.worksheet_range(&sheet).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let (height, width) = range.get_size();
    if height > limits.max_rows {
        return Err(ReadError::TooManyRows { max: limits.max_rows });
    }
    if width > limits.max_columns {
        return Err(ReadError::TooManyColumns { max: limits.max_columns });
    }
    let (first_row, first_column) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Data::Empty => Cell::Empty,
                    Data::String(s) => Cell::Text(s.clone()),
                    Data::Float(f) => Cell::Number(*f),
                    Data::Int(i) => Cell::Number(*i as f64),
                    Data::Bool(b) => Cell::Text(b.to_string()),
                    Data::DateTime(d) => Cell::Date(d.as_f64()),
                    Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
                    Data::Error(e) => Cell::Error(e.to_string()),
                })
                .collect()
        })
        .collect();
    Ok(Grid { sheet, rows, first_row: first_row + 1, first_column })
}

/// UTF-8 (with or without a byte-order mark) when the bytes are valid UTF-8, else GB18030,
/// which covers the GBK files Chinese Excel saves.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn read_csv(bytes: &[u8], limits: Limits) -> Result<Grid, ReadError> {
    let text = decode_text(bytes);
    if text.contains('\0') {
        return Err(ReadError::Corrupt("binary data".into()));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Corrupt(e.to_string()))?;
        if rows.len() >= limits.max_rows {
            return Err(ReadError::TooManyRows { max: limits.max_rows });
        }
        if record.len() > limits.max_columns {
            return Err(ReadError::TooManyColumns { max: limits.max_columns });
        }
        rows.push(
            record
                .iter()
                .map(|field| if field.trim().is_empty() { Cell::Empty } else { Cell::Text(field.to_owned()) })
                .collect(),
        );
    }
    Ok(Grid { sheet: "csv".into(), rows, first_row: 1, first_column: 0 })
}

/// Excel's column letters for a 0-based index: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// The 0-based index of Excel column letters (`A` → 0, `AA` → 26); `None` if not letters.
pub fn column_index(letters: &str) -> Option<usize> {
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    letters
        .chars()
        .try_fold(0usize, |n, c| c.is_ascii_uppercase().then(|| n * 26 + (c as usize - 'A' as usize + 1)))
        .map(|n| n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_excel() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        for i in [0, 25, 26, 701, 702, 16_383] {
            assert_eq!(column_index(&column_letter(i)), Some(i));
        }
        assert_eq!(column_index(""), None);
        assert_eq!(column_index("a1"), None);
    }

    #[test]
    fn gbk_csv_is_decoded_and_utf8_with_a_bom_too() {
        let (gbk, _, _) = encoding_rs::GBK.encode("企业名称,工业总产值\n甲,1\n");
        assert_eq!(decode_text(&gbk), "企业名称,工业总产值\n甲,1\n");
        assert_eq!(decode_text("\u{feff}名称".as_bytes()), "名称");
    }

    #[test]
    fn empty_huge_and_binary_files_are_refused() {
        assert_eq!(read_grid(b"", Limits::default()).map(|_| ()), Err(ReadError::Empty));
        let small = Limits { max_bytes: 10, ..Limits::default() };
        assert!(matches!(read_grid(&[b'a'; 11], small), Err(ReadError::TooLarge { bytes: 11, max: 10 })));
        assert!(matches!(read_grid(b"PK\x03\x04garbage", Limits::default()), Err(ReadError::Corrupt(_))));
        assert!(matches!(read_grid(b"a,b\0c", Limits::default()), Err(ReadError::Corrupt(_))));
        let rows = Limits { max_rows: 2, ..Limits::default() };
        assert!(matches!(read_grid(b"a\nb\nc\n", rows), Err(ReadError::TooManyRows { max: 2 })));
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        for length in 0..2_000usize {
            let bytes: Vec<u8> = (0..length % 300)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            let mut prefixed = b"PK\x03\x04".to_vec();
            prefixed.extend_from_slice(&bytes);
            let _ = read_grid(&bytes, Limits::default());
            let _ = read_grid(&prefixed, Limits::default());
        }
    }
}
