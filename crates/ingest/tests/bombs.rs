//! Files that lie about their size: what a workbook declares (its dimension, its shared-string
//! count, a part's unpacked size) or where its furthest cell stands must never decide what is
//! allocated. Each bomb is refused, or read, with the peak memory of the whole test process
//! measured by a counting allocator; the limit is the one the upload promises (256 MB).
//!
//! Everything runs in one test so that no other test's allocations share the counter.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{Cursor, Write};

use peak_alloc::PeakAlloc;
use xinzhi_domain::{Lang, Localize};
use xinzhi_ingest::{Cell, Limits, ReadError, read_grid};
use zip::write::SimpleFileOptions;

#[global_allocator]
static PEAK: PeakAlloc = PeakAlloc;

const PEAK_LIMIT: usize = 256 * 1024 * 1024;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// An .xlsx file with the given sheet data, dimension and shared strings part.
fn xlsx(dimension: &str, sheet_data: &str, shared_strings: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>"#
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_level(Some(9));
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/sharedStrings.xml", shared_strings),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(body.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn strings(unique_count: &str, items: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{unique_count}">{items}</sst>"#
    )
}

/// A cell with the first shared string at `at`, and a number in A1.
fn two_cells(at: &str) -> String {
    format!(r#"<row r="1"><c r="A1"><v>1</v></c></row><row><c r="{at}" t="s"><v>0</v></c></row>"#)
}

/// Sets every unpacked size the archive's headers declare to `size` (a lying zip).
fn lie_about_sizes(mut bytes: Vec<u8>, size: u32) -> Vec<u8> {
    for at in 0..bytes.len().saturating_sub(30) {
        let field = match &bytes[at..at + 4] {
            b"PK\x03\x04" => at + 22,
            b"PK\x01\x02" => at + 24,
            _ => continue,
        };
        bytes[field..field + 4].copy_from_slice(&size.to_le_bytes());
    }
    bytes
}

/// BIFF8 records for an .xls file: one sheet whose dimensions record and cells are given.
fn xls(dimensions: (u32, u32, u16, u16), cells: &[(u16, u16, f64)]) -> Vec<u8> {
    fn record(out: &mut Vec<u8>, kind: u16, data: &[u8]) {
        out.extend_from_slice(&kind.to_le_bytes());
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
    }
    let bof = |kind: u16| [&0x0600u16.to_le_bytes()[..], &kind.to_le_bytes(), &[0u8; 12]].concat();
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    let sheet_name = b"Sheet1";
    let boundsheet_len = 4 + 4 + 2 + 2 + sheet_name.len();
    let sheet_offset = (globals.len() + boundsheet_len + 4) as u32;
    let boundsheet = [&sheet_offset.to_le_bytes()[..], &[0, 0, sheet_name.len() as u8, 0], sheet_name].concat();
    record(&mut globals, 0x0085, &boundsheet);
    record(&mut globals, 0x000A, &[]);
    assert_eq!(globals.len() as u32, sheet_offset);
    let (r0, r1, c0, c1) = dimensions;
    record(&mut globals, 0x0809, &bof(0x0010));
    let dims = [&r0.to_le_bytes()[..], &r1.to_le_bytes(), &c0.to_le_bytes(), &c1.to_le_bytes(), &[0, 0]].concat();
    record(&mut globals, 0x0200, &dims);
    for (row, column, value) in cells {
        let number =
            [&row.to_le_bytes()[..], &column.to_le_bytes(), &0u16.to_le_bytes(), &value.to_le_bytes()].concat();
        record(&mut globals, 0x0203, &number);
    }
    record(&mut globals, 0x000A, &[]);
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    file.create_stream("Workbook").unwrap().write_all(&globals).unwrap();
    file.flush().unwrap();
    file.into_inner().into_inner()
}

/// The tests of this file take turns: the peak counter is the whole process's.
static ALONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn peak_of<T>(read: impl FnOnce() -> T) -> (T, usize) {
    PEAK.reset_peak_usage();
    let before = PEAK.current_usage();
    let result = read();
    (result, PEAK.peak_usage().saturating_sub(before))
}

#[test]
fn lying_files_are_refused_or_read_within_the_memory_limit() {
    let _alone = ALONE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let limits = Limits::default();
    let one_string = strings("1", "<si><t>企业</t></si>");
    let mut worst = (String::new(), 0usize);
    let mut check = |name: &str, bytes: Vec<u8>, expected: Result<(), ReadError>| {
        assert!(bytes.len() <= limits.max_bytes, "{name}: within the upload limit");
        let (result, peak) = peak_of(|| read_grid(&bytes, limits));
        let outcome = result.as_ref().map(|_| ()).map_err(Clone::clone);
        assert_eq!(outcome, expected, "{name}");
        if let Err(e) = &result {
            assert!(!e.message(Lang::ZhCn).is_empty());
        }
        println!("{name}: {} bytes, peak {:.1} MB", bytes.len(), peak as f64 / 1e6);
        assert!(peak < PEAK_LIMIT, "{name}: peak {peak} bytes");
        if peak > worst.1 {
            worst = (name.to_owned(), peak);
        }
        result
    };

    // One cell in A1 and one in XFD1048576: the library would lay out 17 billion cells.
    check(
        "corner cells",
        xlsx("A1:XFD1048576", &two_cells("XFD1048576"), &one_string),
        Err(ReadError::TooManyRows { max: 60_000 }),
    )
    .ok();
    // XFD4000: within Excel's rows but 16,384 columns wide.
    check(
        "far column",
        xlsx("A1:XFD4000", &two_cells("XFD4000"), &one_string),
        Err(ReadError::TooManyColumns { max: 300 }),
    )
    .ok();
    // Within rows and columns, but a rectangle of 18 million cells.
    check(
        "wide rectangle",
        xlsx("A1:KN59999", &two_cells("KN59999"), &one_string),
        Err(ReadError::TooManyCells { max: 1_000_000 }),
    )
    .ok();
    // A dimension that lies with cells that do not: read, and the dimension ignored.
    let grid = check("lying dimension", xlsx("A1:XFD1048576", &two_cells("B2"), &one_string), Ok(())).unwrap();
    assert_eq!(grid.rows.len(), 2);
    assert_eq!(grid.rows[0][0], Cell::Number(1.0));
    assert_eq!(grid.rows[1][1], Cell::Text("企业".into()));
    // Shared-string counts the reader would reserve room for.
    for count in ["1000000000000", "1000000000000000000", "1000000000000000000000000000000"] {
        check(
            &format!("uniqueCount={count}"),
            xlsx("A1:B2", &two_cells("B2"), &strings(count, "<si><t>企业</t></si>")),
            Err(ReadError::TooManyStrings { max: 1_000_000 }),
        )
        .ok();
    }
    // Two million real (empty) shared strings declared as one.
    let many = "<si><t/></si>".repeat(2_000_000);
    check(
        "two million strings",
        xlsx("A1:B2", &two_cells("B2"), &strings("1", &many)),
        Err(ReadError::TooManyStrings { max: 1_000_000 }),
    )
    .ok();
    // 150 MB of sheet XML in a small file, its headers claiming 1 kB per part.
    let cell = r#"<c r="A1" t="s"><v>0</v></c>"#;
    let rows = format!("<row r=\"1\">{}</row>", cell.repeat(150_000_000 / cell.len()));
    let bomb = xlsx("A1", &rows, &one_string);
    check("deflate bomb", bomb.clone(), Err(ReadError::UnpacksTooLarge { max: limits.max_unpacked_bytes })).ok();
    let lying = lie_about_sizes(bomb, 1_000);
    let (result, peak) = peak_of(|| read_grid(&lying, limits));
    assert!(result.is_err(), "a lying bomb is refused");
    assert!(peak < PEAK_LIMIT, "lying bomb: peak {peak}");

    // .xls: a dimensions record declaring four billion rows, and cells at the far corner.
    check("xls dimensions", xls((0, u32::MAX, 0, 255), &[(0, 0, 1.0)]), Err(ReadError::TooManyRows { max: 60_000 }))
        .ok();
    check(
        "xls far cell",
        xls((0, 1, 0, 1), &[(0, 0, 1.0), (59_999, 255, 2.0)]),
        Err(ReadError::TooManyCells { max: 1_000_000 }),
    )
    .ok();
    let grid = check("xls honest", xls((0, 2, 0, 2), &[(0, 0, 1.0), (1, 1, 2.5)]), Ok(())).unwrap();
    assert_eq!(grid.rows, vec![vec![Cell::Number(1.0), Cell::Empty], vec![Cell::Empty, Cell::Number(2.5)]]);

    // CSV: lines of bare commas are cells at a byte each.
    let commas = format!("{}\n", ",".repeat(299)).repeat(60_000 - 1);
    check("comma csv", commas.into_bytes(), Err(ReadError::TooManyCells { max: 1_000_000 })).ok();

    // An honest file at the size limits a bureau reaches: 40,000 firms × 25 columns, text and
    // numbers, read whole.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for row in 0..40_000u32 {
        sheet.write_string(row, 0, format!("91350100M0001{row:05}")).unwrap();
        sheet.write_string(row, 1, format!("企业{row}")).unwrap();
        for column in 2..25u16 {
            sheet.write_number(row, column, f64::from(row) * 1.5 + f64::from(column)).unwrap();
        }
    }
    let honest = workbook.save_to_buffer().unwrap();
    drop(workbook);
    let grid = check("40,000 × 25 report", honest, Ok(())).unwrap();
    assert_eq!(grid.rows.len(), 40_000);
    assert_eq!(grid.rows[39_999][1], Cell::Text("企业39999".into()));

    println!("worst: {} at {:.1} MB", worst.0, worst.1 as f64 / 1e6);
}

/// Generated workbooks whose headers lie at random: a dimension, a shared-string count and cell
/// positions anywhere in Excel's range (and beyond), strings that do or do not exist. Whatever
/// they say, reading ends in a grid or an error, within the memory limit.
mod generated {
    use proptest::prelude::*;

    use super::*;

    fn cell_ref() -> impl Strategy<Value = String> {
        (0usize..20_000, 1u32..2_000_000)
            .prop_map(|(column, row)| format!("{}{row}", xinzhi_ingest::column_letter(column)))
    }

    fn count() -> impl Strategy<Value = String> {
        prop_oneof![Just("0".to_owned()), "[0-9]{1,40}", Just("-1".to_owned()), Just("x".to_owned())]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
        #[test]
        fn lying_workbooks_are_read_or_refused_within_the_limit(
            dimension in (cell_ref(), cell_ref()).prop_map(|(a, b)| format!("{a}:{b}")),
            cells in prop::collection::vec((cell_ref(), 0u32..5, any::<bool>()), 0..6),
            unique_count in count(),
            strings_held in 0usize..4,
        ) {
            let sheet_data: String = cells
                .iter()
                .map(|(at, value, shared)| {
                    if *shared {
                        format!(r#"<row><c r="{at}" t="s"><v>{value}</v></c></row>"#)
                    } else {
                        format!(r#"<row><c r="{at}"><v>{value}</v></c></row>"#)
                    }
                })
                .collect();
            let bytes = xlsx(&dimension, &sheet_data, &strings(&unique_count, &"<si><t>企业</t></si>".repeat(strings_held)));
            let _alone = ALONE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let (result, peak) = peak_of(|| read_grid(&bytes, Limits::default()));
            if let Ok(grid) = &result {
                prop_assert!(grid.rows.len() <= 60_000);
            }
            prop_assert!(peak < PEAK_LIMIT, "peak {} bytes", peak);
        }
    }
}
