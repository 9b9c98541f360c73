//! Statistics-bureau releases (统计月报) as tables: one row per region and indicator, with the
//! month's and the cumulative 1—N月 values and growth rates in columns. Headers are matched by
//! the words releases use (地区/区县, 指标, 本月/当月, 1—N月/累计, 增长/增速 %), so a table
//! copied from a release imports as it is.

use xinzhi_domain::reporting::OfficialMeasure;
use xinzhi_domain::text::{parse_number, to_half_width};
use xinzhi_domain::{Lang, Month};

use crate::grid::{Cell, Grid, column_letter};
use crate::rows::IndicatorRef;

/// A region the file may name, by its admin code or its Chinese name.
#[derive(Debug, Clone)]
pub struct RegionRef {
    pub code: String,
    pub name_zh: String,
}

/// One figure read.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialRow {
    pub row: usize,
    /// Index into the regions handed in.
    pub region: usize,
    /// The indicator's code.
    pub indicator: String,
    pub period: Month,
    pub measure: OfficialMeasure,
    pub value: f64,
}

/// A problem, located like the report reader's: `第5行 D列：…`.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficialProblem {
    pub row: usize,
    pub column: Option<String>,
    pub zh: String,
    pub en: String,
}

impl OfficialProblem {
    pub fn message(&self, lang: Lang) -> String {
        match (lang, &self.column) {
            (Lang::ZhCn, Some(c)) => format!("第{}行 {c}列：{}", self.row, self.zh),
            (Lang::ZhCn, None) => format!("第{}行：{}", self.row, self.zh),
            (Lang::En, Some(c)) => format!("Row {}, column {c}: {}", self.row, self.en),
            (Lang::En, None) => format!("Row {}: {}", self.row, self.en),
        }
    }
}

fn squeeze(text: &str) -> String {
    text.chars().map(to_half_width).filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase()
}

fn text_of(cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell::Text(t)) => t.trim().to_owned(),
        Some(Cell::Number(n)) => format!("{n}"),
        _ => String::new(),
    }
}

#[derive(Default)]
struct Columns {
    region: Option<usize>,
    indicator: Option<usize>,
    period: Option<usize>,
    measures: Vec<(usize, OfficialMeasure)>,
}

fn classify(header: &str) -> Option<Result<(), OfficialMeasure>> {
    let h = squeeze(header);
    if ["地区", "区县", "县市区", "行政区划", "行政区划代码", "region"].iter().any(|w| h.starts_with(w))
    {
        return None;
    }
    let growth = h.contains("增长") || h.contains("增速") || h.contains('%') || h.contains("growth");
    let cumulative =
        h.contains("累计") || h.contains("1—") || h.contains("1-") || h.contains("1～") || h.contains("cumulative");
    let month = h.contains("本月") || h.contains("当月") || h.starts_with("month");
    match (cumulative, month, growth) {
        (true, _, true) => Some(Err(OfficialMeasure::CumulativeGrowth)),
        (true, _, false) => Some(Err(OfficialMeasure::Cumulative)),
        (false, true, true) => Some(Err(OfficialMeasure::MonthGrowth)),
        (false, true, false) => Some(Err(OfficialMeasure::Month)),
        _ => Some(Ok(())),
    }
}

/// Reads the figures of `grid`; `default_period` applies without a period column.
pub fn read_official(
    grid: &Grid,
    regions: &[RegionRef],
    indicators: &[IndicatorRef],
    default_period: Option<Month>,
) -> Result<(Vec<OfficialRow>, Vec<OfficialProblem>), OfficialProblem> {
    // The header: the first row with a region column and at least one measure column.
    let mut found = None;
    for (index, row) in grid.rows.iter().enumerate().take(20) {
        let mut columns = Columns::default();
        for (c, cell) in row.iter().enumerate() {
            let text = text_of(Some(cell));
            if text.is_empty() {
                continue;
            }
            let h = squeeze(&text);
            match classify(&text) {
                None => columns.region = Some(c),
                Some(Err(measure)) => columns.measures.push((c, measure)),
                Some(Ok(())) if h.starts_with("指标") || h == "indicator" => columns.indicator = Some(c),
                Some(Ok(())) if ["期别", "月份", "报告期", "period"].contains(&h.as_str()) => {
                    columns.period = Some(c)
                }
                Some(Ok(())) => {}
            }
        }
        if columns.region.is_some() && !columns.measures.is_empty() {
            found = Some((index, columns));
            break;
        }
    }
    let Some((header_row, columns)) = found else {
        return Err(OfficialProblem {
            row: grid.first_row,
            column: None,
            zh: "未找到表头：需要“地区”列和“本月”“累计”“增长%”等数值列".into(),
            en: "no header: a region column and value columns such as 本月, 累计 or 增长% are needed".into(),
        });
    };
    let letter = |c: usize| Some(column_letter(grid.first_column + c));
    let problem = |row: usize, column: Option<usize>, zh: String, en: String| OfficialProblem {
        row,
        column: column.and_then(letter),
        zh,
        en,
    };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for (offset, cells) in grid.rows.iter().enumerate().skip(header_row + 1) {
        let excel_row = grid.first_row + offset;
        let region_text = text_of(columns.region.and_then(|c| cells.get(c)));
        if region_text.is_empty() || cells.iter().all(|c| matches!(c, Cell::Empty)) {
            continue;
        }
        let key = squeeze(&region_text);
        let Some(region) = regions.iter().position(|r| r.code == key || squeeze(&r.name_zh) == key) else {
            problems.push(problem(
                excel_row,
                columns.region,
                format!("“{region_text}”不是本市的地区"),
                format!("'{region_text}' is not a region of the city"),
            ));
            continue;
        };
        let indicator_text = text_of(columns.indicator.and_then(|c| cells.get(c)));
        let wanted = squeeze(&indicator_text);
        let indicator = indicators.iter().find(|i| {
            let name = squeeze(&i.name_zh);
            let bare = name.split(['(', '（']).next().unwrap_or_default().to_owned();
            i.code == wanted
                || name == wanted
                || bare == wanted
                || (!wanted.is_empty() && wanted.contains(&bare) && bare.len() > 3)
        });
        let Some(indicator) = indicator else {
            problems.push(problem(
                excel_row,
                columns.indicator,
                format!("“{indicator_text}”不是指标目录中的指标"),
                format!("'{indicator_text}' is not an indicator of the catalogue"),
            ));
            continue;
        };
        let period_text = text_of(columns.period.and_then(|c| cells.get(c)));
        let period = if period_text.is_empty() {
            default_period
        } else {
            let normalized = squeeze(&period_text).replace(['年', '/', '.'], "-").replace('月', "");
            Month::parse(&normalized).ok()
        };
        let Some(period) = period else {
            problems.push(problem(
                excel_row,
                columns.period,
                format!("“{period_text}”不是月份（应如2024-03），导入时也未指定月份"),
                format!("'{period_text}' is not a month (like 2024-03) and none was given"),
            ));
            continue;
        };
        for (c, measure) in &columns.measures {
            let value = match cells.get(*c) {
                None | Some(Cell::Empty) => continue,
                Some(Cell::Number(n)) => Some(*n),
                Some(Cell::Text(t)) if t.trim().is_empty() || t.trim() == "-" => continue,
                Some(Cell::Text(t)) => parse_number(t.trim().trim_end_matches('%')),
                Some(_) => None,
            };
            let (low, high) = measure.bounds();
            match value.filter(|v| v.is_finite()) {
                Some(value) if !(low..=high).contains(&value) => problems.push(problem(
                    excel_row,
                    Some(*c),
                    format!("{value}超出合理范围（应在{low}到{high}之间）"),
                    format!("{value} is out of range (it must lie between {low} and {high})"),
                )),
                Some(value) => rows.push(OfficialRow {
                    row: excel_row,
                    region,
                    indicator: indicator.code.clone(),
                    period,
                    measure: *measure,
                    value,
                }),
                None => problems.push(problem(excel_row, Some(*c), "不是数字".into(), "not a number".into())),
            }
        }
    }
    Ok((rows, problems))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grid::{Limits, read_grid};

    fn regions() -> Vec<RegionRef> {
        vec![
            RegionRef { code: "436000".into(), name_zh: "潇州市".into() },
            RegionRef { code: "436002".into(), name_zh: "潇水区".into() },
        ]
    }

    fn indicators() -> Vec<IndicatorRef> {
        vec![IndicatorRef {
            code: "gross_output".into(),
            name_zh: "工业总产值（现价）".into(),
            name_en: "Gross industrial output".into(),
            unit_zh: "万元".into(),
        }]
    }

    #[test]
    fn a_release_table_is_read_by_its_words() {
        let csv = "潇州市2024年1—3月规模以上工业主要指标\n地区,指标,本月(万元),1—3月累计(万元),本月增长%,累计增长%\n潇州市,规上工业总产值,\"1,234.5\",3600,5.2,4.8%\n436002,工业总产值（现价）,500,1400,-1.5,-\n潇湘区,工业总产值,1,1,1,1\n潇水区,钢产量,1,1,1,1\n";
        let grid = read_grid(csv.as_bytes(), Limits::default()).expect("grid");
        let (rows, problems) =
            read_official(&grid, &regions(), &indicators(), Month::parse("2024-03").ok()).expect("header");
        let figures: Vec<(usize, OfficialMeasure, f64)> = rows.iter().map(|r| (r.region, r.measure, r.value)).collect();
        assert_eq!(
            figures,
            vec![
                (0, OfficialMeasure::Month, 1234.5),
                (0, OfficialMeasure::Cumulative, 3600.0),
                (0, OfficialMeasure::MonthGrowth, 5.2),
                (0, OfficialMeasure::CumulativeGrowth, 4.8),
                (1, OfficialMeasure::Month, 500.0),
                (1, OfficialMeasure::Cumulative, 1400.0),
                (1, OfficialMeasure::MonthGrowth, -1.5),
            ]
        );
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].message(Lang::ZhCn), "第5行 A列：“潇湘区”不是本市的地区");
        assert_eq!(problems[1].message(Lang::ZhCn), "第6行 B列：“钢产量”不是指标目录中的指标");
    }

    #[test]
    fn growth_below_minus_100_or_absurd_levels_are_refused_by_cell() {
        let csv = "地区,指标,本月(万元),本月增长%\n潇州市,工业总产值,1e13,-150\n436002,工业总产值,500,1e300\n";
        let grid = read_grid(csv.as_bytes(), Limits::default()).expect("grid");
        let (rows, problems) =
            read_official(&grid, &regions(), &indicators(), Month::parse("2024-03").ok()).expect("header");
        assert_eq!(rows.iter().map(|r| r.value).collect::<Vec<_>>(), vec![500.0]);
        let messages: Vec<String> = problems.iter().map(|p| p.message(Lang::ZhCn)).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[1].contains("-150超出合理范围（应在-100到1000之间）"), "{messages:?}");
    }

    #[test]
    fn a_table_without_a_region_column_is_refused() {
        let grid = read_grid("指标,本月\n总产值,1\n".as_bytes(), Limits::default()).expect("grid");
        assert!(read_official(&grid, &regions(), &indicators(), None).is_err());
    }
}
