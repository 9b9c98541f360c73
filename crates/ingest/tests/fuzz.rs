//! The readers under generated input (proptest): arbitrary bytes, CSV made of the pieces real
//! files are made of, and damaged .xlsx files. Whatever comes in, the answer is rows or
//! problems, never a panic, and every data row is accounted for exactly once.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;

use proptest::prelude::*;
use xinzhi_domain::text::parse_number;
use xinzhi_domain::{Lang, Localize, Month};
use xinzhi_ingest::*;

fn catalogue() -> Vec<IndicatorRef> {
    xinzhi_domain::indicator::standard_catalogue().iter().map(IndicatorRef::from_def).collect()
}

/// Cell texts of the kinds found in bureau files, good and bad.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("统一社会信用代码".to_owned()),
        Just("总产值(元)".to_owned()),
        Just("工业销售产值（万元）".to_owned()),
        Just("期别".to_owned()),
        Just("合计".to_owned()),
        Just("914403001922038216".to_owned()),
        Just("9144 0300 1922 0382 16".to_owned()),
        Just("91350100m000100y43".to_owned()),
        Just("91350100M000100Y44".to_owned()),
        Just("2024-03".to_owned()),
        Just("2024年13月".to_owned()),
        Just("１２，３４５．６".to_owned()),
        Just("1,234,567.89".to_owned()),
        Just("-".to_owned()),
        Just("#DIV/0!".to_owned()),
        Just("\"quoted, with comma\"".to_owned()),
        Just("\"unterminated".to_owned()),
        "[0-9]{1,12}(\\.[0-9]{1,4})?",
        "\\PC{0,12}",
    ]
}

/// A CSV text: rows of generated cells, sometimes with a real header among them.
fn csv_text() -> impl Strategy<Value = String> {
    let row = prop::collection::vec(cell(), 0..7).prop_map(|cells| cells.join(","));
    (prop::collection::vec(row, 0..30), any::<bool>(), 0usize..30).prop_map(|(mut rows, header, at)| {
        if header {
            let at = at.min(rows.len());
            rows.insert(at, "统一社会信用代码,企业名称,期别,总产值(元),用电量（千瓦时）".to_owned());
        }
        rows.join("\n")
    })
}

/// Every data row below the header is a read row, a row with problems, or skipped: once.
fn accounted_for(grid: &Grid, header: &Header, parsed: &Parsed) -> Result<(), TestCaseError> {
    let read: HashSet<usize> = parsed.rows.iter().map(|r| r.row).collect();
    let refused: HashSet<usize> = parsed.problems.iter().map(|p| p.row).collect();
    prop_assert!(read.is_disjoint(&refused), "a row both read and refused");
    prop_assert_eq!(read.len(), parsed.rows.len(), "a row read twice");
    let below_header = grid.rows.len() - header.row - 1;
    prop_assert_eq!(read.len() + refused.len() + parsed.skipped, below_header);
    for problem in &parsed.problems {
        prop_assert!(!problem.message(Lang::ZhCn).is_empty() && !problem.message(Lang::En).is_empty());
    }
    Ok(())
}

fn small_workbook() -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["统一社会信用代码", "期别", "总产值(万元)"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..20 {
        sheet.write_string(r, 0, "914403001922038216").unwrap();
        sheet.write_string(r, 1, "2024-03").unwrap();
        sheet.write_number(r, 2, f64::from(r) * 10.5).unwrap();
    }
    workbook.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_are_read_or_refused_never_a_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Err(e) = read_grid(&bytes, Limits::default()) {
            prop_assert!(!e.message(Lang::ZhCn).is_empty());
        }
    }

    #[test]
    fn generated_csv_rows_are_each_read_refused_or_skipped(text in csv_text(), gbk in any::<bool>()) {
        let bytes = if gbk { encoding_rs::GBK.encode(&text).0.into_owned() } else { text.into_bytes() };
        let Ok(grid) = read_grid(&bytes, Limits::default()) else { return Ok(()) };
        let Ok(header) = find_header(&grid, &catalogue()) else { return Ok(()) };
        let parsed = read_rows(&grid, &header, Month::parse("2024-03").ok());
        accounted_for(&grid, &header, &parsed)?;
        for row in &parsed.rows {
            prop_assert!(row.values.iter().all(|(_, v)| v.is_finite()));
        }
    }

    #[test]
    fn a_damaged_workbook_is_refused_or_read_never_a_panic(
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = small_workbook();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            bytes[i] = value;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        if let Ok(grid) = read_grid(&bytes, Limits::default())
            && let Ok(header) = find_header(&grid, &catalogue())
        {
            let parsed = read_rows(&grid, &header, None);
            accounted_for(&grid, &header, &parsed)?;
        }
    }

    #[test]
    fn numbers_written_with_separators_or_full_width_digits_read_back(value in -1e12f64..1e12) {
        let plain = format!("{value:.2}");
        let (sign, digits) = plain.strip_prefix('-').map_or(("", plain.as_str()), |d| ("-", d));
        let (int, frac) = digits.split_once('.').expect("two decimals");
        let grouped: Vec<String> =
            int.as_bytes().rchunks(3).rev().map(|c| String::from_utf8(c.to_vec()).expect("ascii")).collect();
        let with_commas = format!("{sign}{}.{frac}", grouped.join(","));
        let full_width: String =
            plain.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).expect("char") } else { c }).collect();
        let expected: f64 = plain.parse().expect("number");
        prop_assert_eq!(parse_number(&with_commas), Some(expected));
        prop_assert_eq!(parse_number(&full_width), Some(expected));
    }

    #[test]
    fn any_text_is_a_number_or_not_never_a_panic(text in "\\PC{0,40}") {
        if let Some(n) = parse_number(&text) {
            prop_assert!(n.is_finite());
        }
    }
}
