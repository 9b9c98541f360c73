//! The workbooks Xinzhi hands out: the report template a firm or district fills in, and the
//! error report that gives an uploader their own rows back with the faulty cells highlighted.
//! Both are read back by [`crate::read_grid`] and [`crate::find_header`]: a filled template
//! imports as is, and a corrected error report can be uploaded again.

use rust_xlsxwriter::{Color, DataValidation, DataValidationRule, Format, FormatBorder, Workbook, XlsxError};
use xinzhi_domain::{Lang, Month};

use crate::grid::{Cell, Grid};

/// One indicator column of a template.
#[derive(Debug, Clone)]
pub struct TemplateColumn {
    pub name_zh: String,
    pub unit_zh: String,
    pub required: bool,
    /// Whether the value may be negative (profit may, output may not).
    pub signed: bool,
}

/// A firm prefilled in the template.
#[derive(Debug, Clone)]
pub struct TemplateFirm {
    pub credit_code: String,
    pub name: String,
}

/// What a template holds.
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    /// `潇州市 企业月报` — the title above the table.
    pub title: String,
    pub period: Month,
    /// Months the 期别 dropdown offers (the open ones), newest first.
    pub periods: Vec<Month>,
    pub columns: Vec<TemplateColumn>,
    pub firms: Vec<TemplateFirm>,
    /// Deadline as the instructions state it, e.g. `2024年4月10日`.
    pub deadline: String,
}

/// A problem to mark: Excel row (1-based), Excel column index (0 = A) if one cell is at fault.
#[derive(Debug, Clone)]
pub struct MarkedProblem {
    pub row: usize,
    pub column: Option<usize>,
    pub message: String,
}

fn header_format() -> Format {
    Format::new().set_bold().set_background_color(Color::RGB(0xDDEBF7)).set_border(FormatBorder::Thin)
}

/// The monthly report template: instructions, then the table with the firms prefilled.
pub fn report_template(spec: &TemplateSpec) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("月报")?;
    let bold = Format::new().set_bold();
    let required = header_format().set_font_color(Color::RGB(0xC00000));
    let text = Format::new().set_num_format("@");
    sheet.write_string_with_format(0, 0, format!("{}（{}）", spec.title, spec.period.label(Lang::ZhCn)), &bold)?;
    let header_row = 1;
    let fixed = ["统一社会信用代码", "企业名称", "期别"];
    for (c, name) in fixed.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, *name, &header_format())?;
    }
    for (c, column) in spec.columns.iter().enumerate() {
        let format = if column.required { &required } else { &header_format() };
        let header = format!("{}({})", column.name_zh, column.unit_zh);
        sheet.write_string_with_format(header_row, (c + fixed.len()) as u16, header, format)?;
    }
    for (r, firm) in spec.firms.iter().enumerate() {
        let row = header_row + 1 + r as u32;
        sheet.write_string_with_format(row, 0, &firm.credit_code, &text)?;
        sheet.write_string(row, 1, &firm.name)?;
        sheet.write_string_with_format(row, 2, spec.period.to_string(), &text)?;
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(2, 10)?;
    for c in 0..spec.columns.len() {
        sheet.set_column_width((c + fixed.len()) as u16, 16)?;
    }
    sheet.set_freeze_panes(header_row + 1, 2)?;

    // Dropdowns and checks on the rows to fill (at least a screenful when no firm is prefilled).
    let last_row = header_row + spec.firms.len().max(200) as u32;
    let periods: Vec<String> = spec.periods.iter().map(Month::to_string).collect();
    if !periods.is_empty() {
        let dropdown = DataValidation::new()
            .allow_list_strings(&periods)?
            .set_error_title("期别")?
            .set_error_message("请从下拉列表中选择开放填报的月份")?;
        sheet.add_data_validation(header_row + 1, 2, last_row, 2, &dropdown)?;
    }
    let non_negative = DataValidation::new()
        .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
        .set_error_title("数值")?
        .set_error_message("请填写不小于0的数字")?;
    let any_number = DataValidation::new()
        .allow_decimal_number(DataValidationRule::Between(-1e15, 1e15))
        .set_error_title("数值")?
        .set_error_message("请填写数字")?;
    for (c, column) in spec.columns.iter().enumerate() {
        let rule = if column.signed { &any_number } else { &non_negative };
        let c = (c + fixed.len()) as u16;
        sheet.add_data_validation(header_row + 1, c, last_row, c, rule)?;
    }

    let notes = workbook.add_worksheet();
    notes.set_name("填报说明")?;
    notes.set_column_width(0, 100)?;
    let mut lines = vec![
        format!("{}（{}）填报说明", spec.title, spec.period.label(Lang::ZhCn)),
        format!("1. 报送截止日期：{}。", spec.deadline),
        "2. 每行一家企业一个月份；统一社会信用代码和企业名称已按您的管辖范围预填，请勿修改代码。".into(),
        "3. 金额单位为表头括号中的单位（如万元）；表头写“元”或“亿元”也可识别，系统自动换算。".into(),
        "4. 红色表头为必填指标；数值不得为负（利润总额等可为负的指标除外）。".into(),
        "5. 不填的指标请留空，不要填0；数字可带千分位逗号。".into(),
        "6. 可在表格中增加“合计”行，导入时自动跳过。".into(),
        "7. 导入前系统会先预览：逐行列出将写入的数据和每个问题（行、列、规则），确认后再提交。".into(),
        String::new(),
        "指标：".into(),
    ];
    lines.extend(
        spec.columns
            .iter()
            .map(|c| format!("· {}（{}）{}", c.name_zh, c.unit_zh, if c.required { "，必填" } else { "" })),
    );
    for (r, line) in lines.iter().enumerate() {
        if r == 0 {
            notes.write_string_with_format(0, 0, line, &bold)?;
        } else {
            notes.write_string(r as u32, 0, line)?;
        }
    }
    workbook.save_to_buffer()
}

/// A column of the annual-profile template.
#[derive(Debug, Clone)]
pub struct ProfileColumn {
    pub name_zh: String,
    pub unit_zh: String,
    /// For flags and levels: the allowed numbers with their meanings (`0 = 否`).
    pub choices: Vec<(u32, String)>,
    pub signed: bool,
}

/// The annual-profile template (企业年度画像): one row per firm for `year`.
#[derive(Debug, Clone)]
pub struct ProfileTemplateSpec {
    pub title: String,
    pub year: i32,
    pub columns: Vec<ProfileColumn>,
    pub firms: Vec<TemplateFirm>,
}

/// The profile template: the table with the firms prefilled, dropdowns for flags and levels,
/// checks on the numbers, and an instructions sheet naming every level.
pub fn profile_template(spec: &ProfileTemplateSpec) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("年度画像")?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    sheet.write_string_with_format(0, 0, format!("{}（{}年度）", spec.title, spec.year), &bold)?;
    let header_row = 1;
    let fixed = ["统一社会信用代码", "企业名称"];
    for (c, name) in fixed.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, *name, &header_format())?;
    }
    for (c, column) in spec.columns.iter().enumerate() {
        let header = if column.unit_zh.is_empty() {
            column.name_zh.clone()
        } else {
            format!("{}({})", column.name_zh, column.unit_zh)
        };
        sheet.write_string_with_format(header_row, (c + fixed.len()) as u16, header, &header_format())?;
        sheet.set_column_width((c + fixed.len()) as u16, 16)?;
    }
    for (r, firm) in spec.firms.iter().enumerate() {
        let row = header_row + 1 + r as u32;
        sheet.write_string_with_format(row, 0, &firm.credit_code, &text)?;
        sheet.write_string(row, 1, &firm.name)?;
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_freeze_panes(header_row + 1, 2)?;
    let last_row = header_row + spec.firms.len().max(200) as u32;
    for (c, column) in spec.columns.iter().enumerate() {
        let c = (c + fixed.len()) as u16;
        let rule = if column.choices.is_empty() {
            let bound = if column.signed { -1e15 } else { 0.0 };
            DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(bound, 1e15))
                .set_error_title("数值")?
                .set_error_message(if column.signed { "请填写数字" } else { "请填写不小于0的数字" })?
        } else {
            let choices: Vec<String> = column.choices.iter().map(|(n, _)| n.to_string()).collect();
            DataValidation::new()
                .allow_list_strings(&choices)?
                .set_error_title(&column.name_zh)?
                .set_error_message("请从下拉列表中选择，含义见“填报说明”")?
        };
        sheet.add_data_validation(header_row + 1, c, last_row, c, &rule)?;
    }

    let notes = workbook.add_worksheet();
    notes.set_name("填报说明")?;
    notes.set_column_width(0, 100)?;
    let mut lines = vec![
        format!("{}（{}年度）填报说明", spec.title, spec.year),
        format!("1. 每行一家企业，填写{}年度（年末或全年）数据；统一社会信用代码已预填，请勿修改。", spec.year),
        "2. 金额单位为表头括号中的单位（如万元）；写“元”或“亿元”也可识别，系统自动换算。".into(),
        "3. 不了解的项目请留空，不要填0；留空的项目不会覆盖已有数据。".into(),
        "4. 是/否项填1（是）或0（否）；等级项填下列编号。".into(),
        String::new(),
        "项目：".into(),
    ];
    for column in &spec.columns {
        let unit = if column.unit_zh.is_empty() { String::new() } else { format!("（{}）", column.unit_zh) };
        let choices: Vec<String> = column.choices.iter().map(|(n, meaning)| format!("{n}={meaning}")).collect();
        let choices = if choices.is_empty() { String::new() } else { format!("：{}", choices.join("，")) };
        lines.push(format!("· {}{unit}{choices}", column.name_zh));
    }
    for (r, line) in lines.iter().enumerate() {
        if r == 0 {
            notes.write_string_with_format(0, 0, line, &bold)?;
        } else {
            notes.write_string(r as u32, 0, line)?;
        }
    }
    workbook.save_to_buffer()
}

/// The uploaded rows as read, with each problem's cell (or, for a row problem, the row's first
/// cell) filled red, every message in a last column, and a second sheet listing the problems.
pub fn error_report(grid: &Grid, problems: &[MarkedProblem], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(lang.pick("错误报告", "Error report"))?;
    let bad = Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006));
    let plain = Format::new();
    let text = Format::new().set_num_format("@");
    let width = grid.rows.iter().map(Vec::len).max().unwrap_or(0) + grid.first_column;
    let message_column = width as u16;
    let mut by_row: std::collections::BTreeMap<usize, Vec<&MarkedProblem>> = Default::default();
    for p in problems {
        by_row.entry(p.row).or_default().push(p);
    }
    for (offset, cells) in grid.rows.iter().enumerate() {
        let excel_row = grid.first_row + offset;
        let marks = by_row.get(&excel_row);
        let marked = |column: usize| {
            marks.is_some_and(|ps| {
                ps.iter().any(|p| p.column == Some(column) || (p.column.is_none() && column == grid.first_column))
            })
        };
        let row = (excel_row - 1) as u32;
        for (i, cell) in cells.iter().enumerate() {
            let column = grid.first_column + i;
            let format = if marked(column) { &bad } else { &plain };
            let c = column as u16;
            match cell {
                Cell::Empty if marked(column) => {
                    sheet.write_blank(row, c, &bad)?;
                }
                Cell::Empty => {}
                Cell::Number(n) => {
                    sheet.write_number_with_format(row, c, *n, format)?;
                }
                Cell::Date(serial) => {
                    sheet.write_number_with_format(row, c, *serial, &format.clone().set_num_format("yyyy-mm-dd"))?;
                }
                // Text stays text, so that a credit code or "1,234" is given back as typed.
                Cell::Text(t) | Cell::Error(t) => {
                    let format = if marked(column) { &bad } else { &text };
                    sheet.write_string_with_format(row, c, t, format)?;
                }
            }
        }
        if let Some(ps) = marks {
            let joined = ps.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("；");
            sheet.write_string_with_format(row, message_column, joined, &bad)?;
        }
    }
    sheet.set_column_width(message_column, 60)?;

    let list = workbook.add_worksheet();
    list.set_name(lang.pick("问题清单", "Problems"))?;
    list.write_string_with_format(0, 0, lang.pick("行", "Row"), &header_format())?;
    list.write_string_with_format(0, 1, lang.pick("列", "Column"), &header_format())?;
    list.write_string_with_format(0, 2, lang.pick("问题", "Problem"), &header_format())?;
    list.set_column_width(2, 100)?;
    for (i, p) in problems.iter().enumerate() {
        let r = i as u32 + 1;
        list.write_number(r, 0, p.row as f64)?;
        if let Some(c) = p.column {
            list.write_string(r, 1, crate::column_letter(c))?;
        }
        list.write_string(r, 2, &p.message)?;
    }
    workbook.save_to_buffer()
}

/// A sheet of a plain table workbook (exports such as the 催报 list).
#[derive(Debug, Clone)]
pub struct TableSheet {
    pub name: String,
    /// A line above the table, e.g. what and when.
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<TableCell>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TableCell {
    Text(String),
    Number(f64),
    Empty,
}

/// A workbook of plain tables: a bold title, a header row, the rows; text stays text (codes).
pub fn table_workbook(sheets: &[TableSheet]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let text = Format::new().set_num_format("@");
    for table in sheets {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&table.name)?;
        sheet.write_string_with_format(0, 0, &table.title, &Format::new().set_bold())?;
        for (c, header) in table.headers.iter().enumerate() {
            sheet.write_string_with_format(1, c as u16, header, &header_format())?;
            sheet.set_column_width(c as u16, if c == 1 { 32 } else { 20 })?;
        }
        for (r, cells) in table.rows.iter().enumerate() {
            let row = r as u32 + 2;
            for (c, cell) in cells.iter().enumerate() {
                match cell {
                    TableCell::Text(t) => {
                        sheet.write_string_with_format(row, c as u16, t, &text)?;
                    }
                    TableCell::Number(n) => {
                        sheet.write_number(row, c as u16, *n)?;
                    }
                    TableCell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(2, 0)?;
    }
    workbook.save_to_buffer()
}
