//! Any spreadsheet file (.xlsx, .xls, .csv in UTF-8 or GBK) as a grid of cells, within limits
//! that keep a hostile file from exhausting memory: file size, declared unpacked size (zip
//! bombs), rows and columns.

use std::io::{Cursor, Read};

use calamine::{Data, DataRef, Reader};
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

/// How big a file may be. Every limit holds before anything is allocated from what a file
/// declares: a workbook's parts are unpacked once as a stream to count their real size, the
/// declared shared-string count and every cell position are checked, and a sheet is read cell by
/// cell instead of into the rectangle its furthest cell spans.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_bytes: usize,
    /// Sum of the sizes of an .xlsx file's parts once unpacked (counted while unpacking, not
    /// taken from the headers).
    pub max_unpacked_bytes: u64,
    pub max_rows: usize,
    pub max_columns: usize,
    /// Cells of the rectangle a sheet's used cells span (rows × columns), over all sheets of an
    /// .xls file, which is read whole.
    pub max_cells: usize,
    /// Shared strings an .xlsx file may declare or hold.
    pub max_shared_strings: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // Together these keep one read under about 200 MB: the shared strings (at most 32 MB of
        // XML, a million entries) and a million cells twice (as read, then in rows).
        Limits {
            max_bytes: 20 * 1024 * 1024,
            max_unpacked_bytes: 100 * 1024 * 1024,
            max_rows: 60_000,
            max_columns: 300,
            max_cells: 1_000_000,
            max_shared_strings: 1_000_000,
        }
    }
}

/// The most unpacked XML the shared strings of an .xlsx file may take.
const MAX_SHARED_STRINGS_BYTES: u64 = 32 * 1024 * 1024;

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
    #[error("the sheet spans more than {max} cells")]
    TooManyCells { max: usize },
    #[error("the workbook declares or holds more than {max} shared strings")]
    TooManyStrings { max: usize },
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
            ReadError::TooManyCells { .. } => "file.too_many_cells",
            ReadError::TooManyStrings { .. } => "file.too_many_strings",
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
            (ReadError::TooManyCells { max }, Lang::ZhCn) => format!("工作表范围超过{max}个单元格"),
            (ReadError::TooManyStrings { max }, Lang::ZhCn) => format!("工作簿声明或包含的共享字符串超过{max}个"),
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
        check_archive(bytes, limits)?;
        return read_xlsx(bytes, limits);
    }
    if is_ole(bytes) {
        check_xls(bytes, limits)?;
        return read_xls(bytes, limits);
    }
    read_csv(bytes, limits)
}

fn corrupt(error: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt(error.to_string())
}

/// Unpacks every part of an archive as a stream, counting the bytes that really come out (a
/// part's header may lie about its size), and checks what the shared strings declare and hold.
fn check_archive(bytes: &[u8], limits: Limits) -> Result<(), ReadError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).map_err(corrupt)?;
        let name = part.name().map_err(corrupt)?.to_ascii_lowercase();
        let shared_strings = name.ends_with("sharedstrings.xml");
        let mut strings = StringCount::default();
        let mut head = name.contains("worksheets/").then(SheetHead::default);
        let mut part_bytes: u64 = 0;
        loop {
            let n = part.read(&mut buffer).map_err(corrupt)?;
            if n == 0 {
                break;
            }
            part_bytes += n as u64;
            total += n as u64;
            if total > limits.max_unpacked_bytes {
                return Err(ReadError::UnpacksTooLarge { max: limits.max_unpacked_bytes });
            }
            if let Some(sheet) = &mut head
                && sheet.feed(&buffer[..n])?
            {
                head = None;
            }
            if shared_strings {
                if part_bytes > MAX_SHARED_STRINGS_BYTES {
                    return Err(ReadError::UnpacksTooLarge { max: MAX_SHARED_STRINGS_BYTES });
                }
                strings.feed(&buffer[..n]);
                if strings.declared.is_some_and(|d| d > limits.max_shared_strings as u64)
                    || strings.found > limits.max_shared_strings as u64
                {
                    return Err(ReadError::TooManyStrings { max: limits.max_shared_strings });
                }
            }
        }
    }
    Ok(())
}

/// The start of a worksheet part up to its cells, where the reader parses the declared
/// dimension: a reversed one (`Z9:A1`) makes it subtract past zero, so it is refused here.
#[derive(Default)]
struct SheetHead {
    bytes: Vec<u8>,
}

impl SheetHead {
    /// How much of a sheet may come before its cells.
    const MAX: usize = 1024 * 1024;

    /// Takes the next chunk; true once the head is complete and checked.
    fn feed(&mut self, chunk: &[u8]) -> Result<bool, ReadError> {
        self.bytes.extend_from_slice(chunk);
        let text = String::from_utf8_lossy(&self.bytes);
        let Some(end) = text.find("sheetData") else {
            return if self.bytes.len() > Self::MAX {
                Err(ReadError::Corrupt("no sheet data near the start of the sheet".into()))
            } else {
                Ok(false)
            };
        };
        for (at, _) in text[..end].match_indices("dimension") {
            let Some(reference) = text[at..end].split('"').nth(1) else { continue };
            if let Some((start, stop)) = reference.split_once(':')
                && let (Some(start), Some(stop)) = (cell_position(start), cell_position(stop))
                && (start.0 > stop.0 || start.1 > stop.1)
            {
                return Err(ReadError::Corrupt(format!("reversed dimension {reference}")));
            }
        }
        Ok(true)
    }
}

/// The (row, column) of a cell reference such as `AB12`.
fn cell_position(reference: &str) -> Option<(u64, u64)> {
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let column = letters.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_alphabetic()
            .then(|| n.saturating_mul(26).saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1))
    })?;
    Some((digits.parse().ok()?, column))
}

/// Counts `<si` elements in a shared-strings part fed in chunks, and reads the `uniqueCount`
/// the `<sst>` element declares (the reader reserves room for that many up front).
#[derive(Default)]
struct StringCount {
    /// The last bytes of the previous chunk, so that a tag split between chunks is seen.
    tail: Vec<u8>,
    head: Vec<u8>,
    declared: Option<u64>,
    found: u64,
}

impl StringCount {
    const HEAD: usize = 4096;

    fn feed(&mut self, chunk: &[u8]) {
        if self.head.len() < Self::HEAD {
            let take = (Self::HEAD - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
            self.declared = declared_count(&self.head);
        }
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(chunk);
        // `<si>` or `<si ` (not `<sider`), possibly with a namespace prefix such as `<x:si>`.
        self.found += window
            .windows(4)
            .filter(|w| (w[0] == b'<' || w[0] == b':') && &w[1..3] == b"si" && matches!(w[3], b'>' | b' ' | b'/'))
            .count() as u64;
        let keep = window.len().min(3);
        self.tail = window[window.len() - keep..].to_vec();
    }
}

/// The `uniqueCount` of the `<sst>` element at the start of a shared-strings part.
fn declared_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let sst = text.find("sst ")?;
    let attribute = text[sst..].find("uniqueCount=")? + sst + "uniqueCount=".len();
    let digits: String = text[attribute..].chars().skip(1).take_while(char::is_ascii_digit).collect();
    // A number too long for u64 declares more than any limit.
    Some(digits.parse().unwrap_or(u64::MAX))
}

/// The bounds of the cells seen so far, checked against the limits cell by cell.
#[derive(Default)]
struct Extent {
    rows: Option<(u32, u32)>,
    columns: Option<(u32, u32)>,
}

impl Extent {
    fn include(&mut self, row: u32, column: u32, limits: Limits) -> Result<(), ReadError> {
        if row as usize >= limits.max_rows {
            return Err(ReadError::TooManyRows { max: limits.max_rows });
        }
        if column as usize >= limits.max_columns {
            return Err(ReadError::TooManyColumns { max: limits.max_columns });
        }
        let widen = |span: Option<(u32, u32)>, at: u32| span.map_or((at, at), |(a, b)| (a.min(at), b.max(at)));
        self.rows = Some(widen(self.rows, row));
        self.columns = Some(widen(self.columns, column));
        if self.cells() > limits.max_cells {
            return Err(ReadError::TooManyCells { max: limits.max_cells });
        }
        Ok(())
    }

    fn cells(&self) -> usize {
        match (self.rows, self.columns) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1) as usize * (c1 - c0 + 1) as usize,
            _ => 0,
        }
    }
}

/// Reads the first sheet of an .xlsx file cell by cell (the library's own range would allocate
/// the whole rectangle up to the furthest cell before we could look at it).
fn read_xlsx(bytes: &[u8], limits: Limits) -> Result<Grid, ReadError> {
    let mut workbook: calamine::Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).map_err(corrupt)?;
    let sheet = workbook.sheet_names().first().cloned().ok_or(ReadError::NoSheet)?;
    let mut reader = workbook.worksheet_cells_reader(&sheet).map_err(corrupt)?;
    let mut extent = Extent::default();
    let mut cells = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(corrupt)? {
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
            DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Bool(b) => Cell::Text(b.to_string()),
            DataRef::DateTime(d) => Cell::Date(d.as_f64()),
            DataRef::Error(e) => Cell::Error(e.to_string()),
        };
        let (row, column) = cell.get_position();
        extent.include(row, column, limits)?;
        cells.push((row, column, value));
    }
    drop(reader);
    Ok(into_grid(sheet, cells, &extent))
}

/// Lays cells out in rows over their extent.
fn into_grid(sheet: String, cells: Vec<(u32, u32, Cell)>, extent: &Extent) -> Grid {
    let (Some((first_row, last_row)), Some((first_column, last_column))) = (extent.rows, extent.columns) else {
        return Grid { sheet, rows: Vec::new(), first_row: 1, first_column: 0 };
    };
    let width = (last_column - first_column + 1) as usize;
    let mut rows = vec![vec![Cell::Empty; width]; (last_row - first_row + 1) as usize];
    for (row, column, value) in cells {
        rows[(row - first_row) as usize][(column - first_column) as usize] = value;
    }
    Grid { sheet, rows, first_row: first_row as usize + 1, first_column: first_column as usize }
}

/// The BIFF records of an .xls file that place a cell, with where their row and column are.
fn biff_cell_columns(record: u16, data: &[u8]) -> Option<(u16, u16, u16)> {
    let u16_at = |at: usize| data.get(at..at + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    match record {
        // Number, Label, RString, BoolErr, Rk, LabelSst, Formula: row, column.
        0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
            let column = u16_at(2)?;
            Some((u16_at(0)?, column, column))
        }
        // MulRk: row, first column, …, last column.
        0x00BD => Some((u16_at(0)?, u16_at(2)?, u16_at(data.len().checked_sub(2)?)?)),
        _ => None,
    }
}

/// Walks the workbook stream of an .xls file before the library reads it (it reads every sheet
/// at once, reserving what each sheet's dimensions record declares, and lays every sheet out as
/// the rectangle up to its furthest cell): declared dimensions and every cell's position must
/// be within the limits, over all sheets together.
fn check_xls(bytes: &[u8], limits: Limits) -> Result<(), ReadError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(corrupt)?;
    let name = ["Workbook", "Book", "WORKBOOK", "BOOK"].into_iter().find(|n| file.is_stream(n));
    let Some(name) = name else { return Err(ReadError::Corrupt("no workbook stream".into())) };
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(corrupt)?
        .take(limits.max_bytes as u64 + 1)
        .read_to_end(&mut stream)
        .map_err(corrupt)?;
    let mut sheets_cells = 0usize;
    let mut extent = Extent::default();
    let mut at = 0usize;
    while let Some(header) = stream.get(at..at + 4) {
        let record = u16::from_le_bytes([header[0], header[1]]);
        let len = u16::from_le_bytes([header[2], header[3]]) as usize;
        let data = stream.get(at + 4..at + 4 + len).unwrap_or(&[]);
        at += 4 + len;
        match record {
            // BOF: a new substream (sheet); the cells of the previous one are counted.
            0x0809 => {
                sheets_cells += extent.cells();
                extent = Extent::default();
            }
            // Dimensions: rwMic, rwMac (u32 in BIFF8, u16 before), colMic, colMac.
            0x0200 => {
                let (rows, columns) = if data.len() >= 12 {
                    let u32_at = |i: usize| u32::from_le_bytes([data[i], data[i + 1], data[i + 2], data[i + 3]]);
                    let column = |i: usize| u16::from_le_bytes([data[i], data[i + 1]]) as usize;
                    (u32_at(4).saturating_sub(u32_at(0)) as usize, column(10).saturating_sub(column(8)))
                } else if data.len() >= 8 {
                    let u16_at = |i: usize| u16::from_le_bytes([data[i], data[i + 1]]) as usize;
                    (u16_at(2).saturating_sub(u16_at(0)), u16_at(6).saturating_sub(u16_at(4)))
                } else {
                    (0, 0)
                };
                if rows > limits.max_rows {
                    return Err(ReadError::TooManyRows { max: limits.max_rows });
                }
                if columns > limits.max_columns {
                    return Err(ReadError::TooManyColumns { max: limits.max_columns });
                }
                if rows.saturating_mul(columns) > limits.max_cells {
                    return Err(ReadError::TooManyCells { max: limits.max_cells });
                }
            }
            _ => {
                if let Some((row, first, last)) = biff_cell_columns(record, data) {
                    extent.include(row.into(), first.into(), limits)?;
                    extent.include(row.into(), last.into(), limits)?;
                }
            }
        }
        if sheets_cells + extent.cells() > limits.max_cells {
            return Err(ReadError::TooManyCells { max: limits.max_cells });
        }
    }
    Ok(())
}

/// Reads the first sheet of an .xls file checked by [`check_xls`].
fn read_xls(bytes: &[u8], limits: Limits) -> Result<Grid, ReadError> {
    let mut workbook: calamine::Xls<_> = calamine::Xls::new(Cursor::new(bytes)).map_err(corrupt)?;
    let sheet = workbook.sheet_names().first().cloned().ok_or(ReadError::NoSheet)?;
    let range = workbook.worksheet_range(&sheet).map_err(corrupt)?;
    let mut extent = Extent::default();
    let mut cells = Vec::new();
    for (row, column, value) in range.used_cells() {
        let value = match value {
            Data::Empty => continue,
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            Data::Float(f) => Cell::Number(*f),
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Bool(b) => Cell::Text(b.to_string()),
            Data::DateTime(d) => Cell::Date(d.as_f64()),
            Data::Error(e) => Cell::Error(e.to_string()),
        };
        let (row, column) = (row as u32, column as u32);
        let (row, column) = range.start().map_or((row, column), |(r, c)| (r + row, c + column));
        extent.include(row, column, limits)?;
        cells.push((row, column, value));
    }
    Ok(into_grid(sheet, cells, &extent))
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
    let mut cells = 0usize;
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Corrupt(e.to_string()))?;
        if rows.len() >= limits.max_rows {
            return Err(ReadError::TooManyRows { max: limits.max_rows });
        }
        if record.len() > limits.max_columns {
            return Err(ReadError::TooManyColumns { max: limits.max_columns });
        }
        // A line of bare commas is many cells in few bytes.
        cells += record.len();
        if cells > limits.max_cells {
            return Err(ReadError::TooManyCells { max: limits.max_cells });
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
