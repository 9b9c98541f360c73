//! Files as bureaus really have them, written as .xlsx by rust_xlsxwriter (and as CSV), then
//! read back: each messy case the reporting issue lists is checked here.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};
use xinzhi_domain::{Lang, Localize, Month};
use xinzhi_ingest::*;

fn catalogue() -> Vec<IndicatorRef> {
    xinzhi_domain::indicator::standard_catalogue().iter().map(IndicatorRef::from_def).collect()
}

fn month(text: &str) -> Month {
    Month::parse(text).expect(text)
}

/// A district's month as staff send it: a merged title over the table, a note row, headers with
/// units and synonyms, blank lines, a 小计 row, full-width digits, thousands separators,
/// numbers stored as text, codes with spaces and lower case, a formula, and a 合计 row.
fn messy_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.merge_range(0, 0, 0, 5, "潇水区规模以上工业企业2024年3月主要指标", &Format::new()).unwrap();
    sheet.write_string(1, 0, "填报单位：潇水区工信局    金额单位见表头").unwrap();
    let headers = ["序号", "单位名称", "统一社会信用代码", "总产值（元）", "工业销售产值(万元)", "用电量（千瓦时）"];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(3, c as u16, *h).unwrap();
    }
    // Row 5 (Excel): plain numbers; output in 元 becomes 万元.
    sheet.write_number(4, 0, 1.0).unwrap();
    sheet.write_string(4, 1, "潇州甲材料有限公司").unwrap();
    sheet.write_string(4, 2, "914403001922038216").unwrap();
    sheet.write_number(4, 3, 12_345_000.0).unwrap();
    sheet.write_number(4, 4, 1_200.5).unwrap();
    sheet.write_number(4, 5, 250_000.0).unwrap();
    // Row 6: blank. Row 7: text numbers, full-width, separators; a code with spaces in lower case.
    sheet.write_number(6, 0, 2.0).unwrap();
    sheet.write_string(6, 1, "潇州乙电机有限公司").unwrap();
    sheet.write_string(6, 2, " 9133 0100 7996 5505 8b ").unwrap();
    sheet.write_string(6, 3, "８，０００，０００").unwrap();
    sheet.write_string(6, 4, "1,234.5").unwrap();
    // A formula, with the result Excel saved beside it.
    sheet.write_formula(6, 5, Formula::new("=1000*2").set_result("2000")).unwrap();
    // Row 8: a subtotal.
    sheet.write_string(7, 1, "小计").unwrap();
    sheet.write_number(7, 3, 20_345_000.0).unwrap();
    // Row 9: a bad code and a word in a number column.
    sheet.write_number(8, 0, 3.0).unwrap();
    sheet.write_string(8, 2, "91350100M000100Y44").unwrap();
    sheet.write_string(8, 3, "不详").unwrap();
    // Row 10: a date typed into a number column.
    sheet.write_number(9, 0, 4.0).unwrap();
    sheet.write_string(9, 2, "9144030071526726XG").unwrap();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    sheet.write_datetime_with_format(9, 3, ExcelDateTime::from_ymd(2024, 3, 15).unwrap(), &date).unwrap();
    // Row 11: the same firm as row 5 again.
    sheet.write_string(10, 2, "914403001922038216").unwrap();
    sheet.write_number(10, 3, 1.0).unwrap();
    // Row 12: the grand total.
    sheet.write_string(11, 0, "合  计").unwrap();
    sheet.write_number(11, 3, 99.0).unwrap();
    workbook.save_to_buffer().unwrap()
}

#[test]
fn a_messy_district_file_is_read_row_by_row_with_located_problems() {
    let grid = read_grid(&messy_workbook(), Limits::default()).expect("readable");
    let header = find_header(&grid, &catalogue()).expect("header found under the title rows");
    assert_eq!(header.row, 3);
    let targets: Vec<&Target> = header.columns.iter().map(|c| &c.target).collect();
    assert_eq!(
        targets,
        [
            &Target::Name,
            &Target::CreditCode,
            &Target::Indicator("gross_output".into()),
            &Target::Indicator("sales_output".into()),
            &Target::Indicator("electricity".into())
        ]
    );
    let parsed = read_rows(&grid, &header, Some(month("2024-03")));

    // Two good rows, units converted: 12,345,000 元 = 1,234.5 万元; 250,000 kWh = 25 万kWh.
    assert_eq!(parsed.rows.len(), 2);
    let first = &parsed.rows[0];
    assert_eq!((first.row, first.credit_code.as_str(), first.period), (5, "914403001922038216", month("2024-03")));
    assert_eq!(
        first.values,
        vec![("gross_output".into(), 1_234.5), ("sales_output".into(), 1_200.5), ("electricity".into(), 25.0)]
    );
    let second = &parsed.rows[1];
    assert_eq!((second.row, second.credit_code.as_str()), (7, "91330100799655058B"));
    assert_eq!(
        second.values,
        vec![("gross_output".into(), 800.0), ("sales_output".into(), 1_234.5), ("electricity".into(), 0.2)]
    );
    assert_eq!(second.name.as_deref(), Some("潇州乙电机有限公司"));

    // Blank, subtotal and total rows are skipped, not errors.
    assert_eq!(parsed.skipped, 3);
    let messages: Vec<String> = parsed.problems.iter().map(|p| p.message(Lang::ZhCn)).collect();
    assert_eq!(
        messages,
        [
            "第9行 C列（统一社会信用代码）：统一社会信用代码校验位错误：应为“3”，实际为“4”",
            "第10行 D列（总产值（元））：该列应为数字，单元格却是日期",
            "第11行 C列（统一社会信用代码）：与第5行是同一企业同一月份，重复",
        ]
    );
    assert_eq!(
        parsed.problems[0].message(Lang::En),
        "Row 9, column C (统一社会信用代码): Wrong check character in the unified social credit code: expected '3', found '4'"
    );
}

/// The statistics office's layout: a caption merged over two columns per indicator, and a
/// second header row with 本月, 1—3月累计 and 同比% under it.
#[test]
fn a_two_level_header_gives_month_and_cumulative_columns_and_skips_growth_rates() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let merged = Format::new();
    sheet.merge_range(0, 0, 0, 6, "2024年1—3月规模以上工业企业主要指标", &merged).unwrap();
    sheet.merge_range(1, 0, 2, 0, "统一社会信用代码", &merged).unwrap();
    sheet.merge_range(1, 1, 2, 1, "企业名称", &merged).unwrap();
    sheet.merge_range(1, 2, 1, 4, "工业总产值（万元）", &merged).unwrap();
    sheet.merge_range(1, 5, 1, 6, "工业销售产值（万元）", &merged).unwrap();
    for (c, sub) in [(2, "本月"), (3, "1—3月累计"), (4, "同比%"), (5, "本月"), (6, "1—3月累计")] {
        sheet.write_string(2, c, sub).unwrap();
    }
    sheet.write_string(3, 0, "914403001922038216").unwrap();
    sheet.write_string(3, 1, "潇州甲材料有限公司").unwrap();
    for (c, v) in [(2, 100.0), (3, 300.0), (4, 5.2), (5, 95.0), (6, 280.0)] {
        sheet.write_number(3, c, v).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();

    let grid = read_grid(&bytes, Limits::default()).expect("readable");
    let header = find_header(&grid, &catalogue()).expect("header");
    assert_eq!(header.row, 2, "the data starts under the second header row");
    let targets: Vec<&Target> = header.columns.iter().map(|c| &c.target).collect();
    assert_eq!(
        targets,
        [
            &Target::CreditCode,
            &Target::Name,
            &Target::Indicator("gross_output".into()),
            &Target::YearToDate("gross_output".into()),
            &Target::Indicator("sales_output".into()),
            &Target::YearToDate("sales_output".into()),
        ],
        "the growth column is not read"
    );
    let parsed = read_rows(&grid, &header, Some(month("2024-03")));
    assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
    let row = &parsed.rows[0];
    assert_eq!(row.values, vec![("gross_output".into(), 100.0), ("sales_output".into(), 95.0)]);
    assert_eq!(row.year_to_date, vec![("gross_output".into(), 300.0), ("sales_output".into(), 280.0)]);
}

#[test]
fn a_gbk_csv_with_a_period_column_is_read_like_a_workbook() {
    let text = "统一社会信用代码,期别,工业总产值(万元),主营业务收入\n914403001922038216,2024年2月,\"1,000\",900\n91330100799655058B,2024-13,5,5\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let grid = read_grid(&bytes, Limits::default()).expect("csv");
    let header = find_header(&grid, &catalogue()).expect("header");
    let parsed = read_rows(&grid, &header, None);
    assert_eq!(parsed.rows.len(), 1);
    assert_eq!(parsed.rows[0].period, month("2024-02"));
    assert_eq!(parsed.rows[0].values, vec![("gross_output".into(), 1000.0), ("main_revenue".into(), 900.0)]);
    assert_eq!(parsed.problems.len(), 1);
    assert_eq!(parsed.problems[0].message(Lang::En), "Row 3, column B (期别): '2024-13' is not a month (like 2024-03)");
}

#[test]
fn rows_without_a_period_anywhere_are_reported() {
    let grid = read_grid("信用代码,总产值\n914403001922038216,1\n".as_bytes(), Limits::default()).expect("csv");
    let header = find_header(&grid, &catalogue()).expect("header");
    let parsed = read_rows(&grid, &header, None);
    assert!(parsed.rows.is_empty());
    assert_eq!(parsed.problems[0].message(Lang::ZhCn), "第2行：没有期别：文件无期别列，导入时也未指定月份");
}

#[test]
fn a_file_without_a_recognisable_header_says_so() {
    let grid = read_grid("a,b,c\n1,2,3\n".as_bytes(), Limits::default()).expect("csv");
    let error = find_header(&grid, &catalogue()).expect_err("no header");
    assert!(error.message(Lang::ZhCn).contains("统一社会信用代码"));
}

#[test]
fn a_zip_bomb_is_refused_before_it_is_unpacked() {
    // 700 distinct 30 kB strings: about 21 MB unpacked, a fraction of that compressed.
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let long = "x".repeat(30_000);
    for r in 0..700 {
        sheet.write_string(r, 0, format!("{r}{long}")).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    assert!(bytes.len() < 1_000_000, "small on disk: {}", bytes.len());
    let limits = Limits { max_unpacked_bytes: 10_000_000, ..Limits::default() };
    assert_eq!(read_grid(&bytes, limits).map(|_| ()), Err(ReadError::UnpacksTooLarge { max: 10_000_000 }));
}

#[test]
fn too_many_rows_are_refused_with_the_limit() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for r in 0..50 {
        sheet.write_number(r, 0, 1.0).unwrap();
    }
    let bytes = workbook.save_to_buffer().unwrap();
    let limits = Limits { max_rows: 10, ..Limits::default() };
    let error = read_grid(&bytes, limits).expect_err("too many");
    assert_eq!(error, ReadError::TooManyRows { max: 10 });
    assert_eq!(error.message(Lang::ZhCn), "文件超过10行");
}

#[test]
fn random_csv_text_never_panics_the_row_reader() {
    let pieces = [
        "统一社会信用代码",
        ",",
        "\n",
        "总产值(元)",
        "914403001922038216",
        "1,0",
        "\"",
        "合计",
        "２０",
        "-",
        "期别",
        "2024-3",
        " ",
    ];
    let mut state: u64 = 0x5DEE_CE66_D1CE_4E5B;
    for _ in 0..3_000 {
        let mut text = String::new();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        for k in 0..(state % 40) {
            text.push_str(pieces[((state >> (k % 40)) as usize + k as usize) % pieces.len()]);
        }
        if let Ok(grid) = read_grid(text.as_bytes(), Limits::default())
            && let Ok(header) = find_header(&grid, &catalogue())
        {
            let parsed = read_rows(&grid, &header, Some(month("2024-01")));
            for p in &parsed.problems {
                let _ = p.message(Lang::ZhCn);
            }
        }
    }
}
