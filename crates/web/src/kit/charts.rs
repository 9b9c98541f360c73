//! Charts drawn on the server as SVG: this module works out the geometry, the templates in
//! `charts.html` write the elements (escaped like any other text). Every mark carries a
//! `<title>` with its value, shown on hover and read by screen readers; the charts need no
//! script and print as they are.
//!
//! Text is laid out without measuring glyphs: labels sit in a column of fixed width and a CJK
//! character is taken as one em, anything else as 0.6 em, which is close for the sans-serif
//! CJK fonts the stylesheet asks for (Noto Sans CJK, WenQuanYi, Microsoft YaHei).

/// Width a label takes at `size` px, by the rule above.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().map(|c| if (c as u32) < 0x2E80 { 0.6 } else { 1.0 }).sum::<f64>() * size
}

/// A tick of an axis.
pub struct Tick {
    pub at: f64,
    pub label: String,
}

/// A horizontal bar of a [`BarChart`].
pub struct Bar {
    pub label: String,
    /// Top of the bar's row.
    pub y: f64,
    pub x: f64,
    pub width: f64,
    pub negative: bool,
    /// The value as printed beside the bar.
    pub value: String,
    pub value_x: f64,
    pub title: String,
    pub href: String,
}

/// Horizontal bars around a zero line, one row per item: growth rates by district.
pub struct BarChart {
    pub width: f64,
    pub height: f64,
    pub label_width: f64,
    pub zero: f64,
    pub bar_height: f64,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
}

/// One item of a bar chart: label, value (none: no bar), tooltip and link.
pub struct BarItem {
    pub label: String,
    pub value: Option<f64>,
    pub shown: String,
    pub title: String,
    pub href: String,
}

const LABEL_SIZE: f64 = 13.0;

/// Nice round tick steps covering `low..high` with about `count` ticks.
fn ticks(low: f64, high: f64, count: usize) -> Vec<f64> {
    let span = (high - low).max(1e-9);
    let raw = span / count.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|s| *s >= raw).unwrap_or(raw);
    let mut out = Vec::new();
    let mut at = (low / step).floor() * step;
    // Up to the first tick at or above `high`, so that the axis covers every value.
    loop {
        out.push(if at.abs() < step * 1e-6 { 0.0 } else { at });
        if at >= high - step * 1e-6 || out.len() >= 50 {
            return out;
        }
        at += step;
    }
}

pub fn bar_chart(items: Vec<BarItem>, width: f64, tick_label: impl Fn(f64) -> String) -> BarChart {
    let row_height = 24.0;
    let label_width = items.iter().map(|i| text_width(&i.label, LABEL_SIZE)).fold(60.0, f64::max).min(180.0) + 12.0;
    let values: Vec<f64> = items.iter().filter_map(|i| i.value).collect();
    let low = values.iter().copied().fold(0.0, f64::min);
    let high = values.iter().copied().fold(0.0, f64::max);
    let axis = ticks(low, high.max(low + 1e-9), 4);
    let (low, high) = (axis.first().copied().unwrap_or(low).min(low), axis.last().copied().unwrap_or(high).max(high));
    // Room on the right for the printed values.
    let plot = (width - label_width - 60.0).max(80.0);
    let scale = |v: f64| label_width + (v - low) / (high - low).max(1e-9) * plot;
    let zero = scale(0.0);
    let bars = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let v = item.value.unwrap_or(0.0);
            let (a, b) = (scale(v.min(0.0)), scale(v.max(0.0)));
            Bar {
                label: item.label,
                y: 20.0 + i as f64 * row_height,
                x: a,
                width: if item.value.is_some() { (b - a).max(1.0) } else { 0.0 },
                negative: v < 0.0,
                value: item.shown,
                value_x: b + 4.0,
                title: item.title,
                href: item.href,
            }
        })
        .collect::<Vec<_>>();
    let height = 20.0 + bars.len() as f64 * row_height + 24.0;
    BarChart {
        width,
        height,
        label_width,
        zero,
        bar_height: row_height - 8.0,
        bars,
        ticks: axis.into_iter().map(|t| Tick { at: scale(t), label: tick_label(t) }).collect(),
    }
}

/// A point of a line.
pub struct Point {
    pub x: f64,
    pub y: f64,
    pub title: String,
    pub href: String,
}

/// A series of a [`LineChart`].
pub struct Line {
    pub name: String,
    /// `x,y x,y …` for `<polyline points>`.
    pub path: String,
    pub points: Vec<Point>,
    pub class: &'static str,
}

/// Lines over months: cumulative growth this year and last year.
pub struct LineChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
    pub zero: Option<f64>,
    pub lines: Vec<Line>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
}

/// One series for [`line_chart`]: name, CSS class, values by x position (gaps allowed), and a
/// tooltip and a link per value.
pub struct Series {
    pub name: String,
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
    pub titles: Vec<String>,
    pub hrefs: Vec<String>,
}

pub fn line_chart(
    series: Vec<Series>,
    x_labels: Vec<String>,
    width: f64,
    tick_label: impl Fn(f64) -> String,
) -> LineChart {
    let (left, right, top, bottom) = (48.0, width - 16.0, 16.0, 190.0);
    let all: Vec<f64> = series.iter().flat_map(|s| s.values.iter().flatten().copied()).collect();
    let low = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let high = all.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(0.0);
    let (low, high) = if low.is_finite() && high.is_finite() && high > low { (low, high) } else { (0.0, 1.0) };
    let axis = ticks(low, high, 4);
    let (low, high) = (axis.first().copied().unwrap_or(low).min(low), axis.last().copied().unwrap_or(high).max(high));
    let n = x_labels.len().max(1);
    let x = |i: usize| if n == 1 { (left + right) / 2.0 } else { left + (right - left) * i as f64 / (n - 1) as f64 };
    let y = |v: f64| bottom - (v - low) / (high - low).max(1e-9) * (bottom - top);
    let lines = series
        .into_iter()
        .map(|s| {
            let mut hrefs = s.hrefs.into_iter();
            let points: Vec<Point> = s
                .values
                .iter()
                .zip(s.titles)
                .enumerate()
                .filter_map(|(i, (v, title))| {
                    let href = hrefs.next().unwrap_or_default();
                    v.map(|v| Point { x: x(i), y: y(v), title, href })
                })
                .collect();
            let path = points.iter().map(|p| format!("{:.1},{:.1}", p.x, p.y)).collect::<Vec<_>>().join(" ");
            Line { name: s.name, path, points, class: s.class }
        })
        .collect();
    LineChart {
        width,
        height: bottom + 28.0,
        left,
        right,
        bottom,
        zero: (low < 0.0 && high > 0.0).then(|| y(0.0)),
        lines,
        x_ticks: x_labels.into_iter().enumerate().map(|(i, label)| Tick { at: x(i), label }).collect(),
        y_ticks: axis.into_iter().map(|t| Tick { at: y(t), label: tick_label(t) }).collect(),
    }
}

/// A column of a [`ColumnChart`].
pub struct Column {
    pub href: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    pub class: &'static str,
    pub title: String,
}

/// Columns in groups (a month: this year beside last year).
pub struct ColumnChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub bottom: f64,
    pub columns: Vec<Column>,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub legend: Vec<(&'static str, String)>,
}

/// A group of a [`column_chart`]: its x label, and per series a value and its tooltip.
pub struct ColumnGroup {
    pub label: String,
    /// Where every column of the group leads.
    pub href: String,
    pub values: Vec<(Option<f64>, String)>,
}

/// Groups of columns, one value per series (`names`, with CSS classes) in each group.
pub fn column_chart(
    groups: Vec<ColumnGroup>,
    names: Vec<(&'static str, String)>,
    width: f64,
    tick_label: impl Fn(f64) -> String,
) -> ColumnChart {
    let (left, right, top, bottom) = (64.0, width - 12.0, 12.0, 190.0);
    let high = groups.iter().flat_map(|g| g.values.iter().filter_map(|(x, _)| *x)).fold(0.0, f64::max);
    let axis = ticks(0.0, high.max(1e-9), 4);
    let top_value = axis.last().copied().unwrap_or(high).max(high).max(1e-9);
    let y = |v: f64| bottom - v / top_value * (bottom - top);
    let slot = (right - left) / groups.len().max(1) as f64;
    let per = names.len().max(1) as f64;
    let bar = (slot * 0.8 / per).max(1.0);
    let mut columns = Vec::new();
    let mut x_ticks = Vec::new();
    for (g, ColumnGroup { label, href, values }) in groups.into_iter().enumerate() {
        let start = left + g as f64 * slot + slot * 0.1;
        for (k, (value, title)) in values.into_iter().enumerate() {
            if let Some(v) = value {
                let top_y = y(v.max(0.0));
                columns.push(Column {
                    href: href.clone(),
                    x: start + k as f64 * bar,
                    y: top_y,
                    width: bar - 1.0,
                    height: (bottom - top_y).max(0.0),
                    class: names.get(k).map_or("a", |n| n.0),
                    title,
                });
            }
        }
        x_ticks.push(Tick { at: left + (g as f64 + 0.5) * slot, label });
    }
    ColumnChart {
        width,
        height: bottom + 28.0,
        left,
        bottom,
        columns,
        x_ticks,
        y_ticks: axis.into_iter().map(|t| Tick { at: y(t), label: tick_label(t) }).collect(),
        legend: names,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(ticks(0.0, 9.0, 4), vec![0.0, 2.5, 5.0, 7.5, 10.0]);
        assert_eq!(ticks(-3.2, 6.1, 4), vec![-5.0, -2.5, 0.0, 2.5, 5.0, 7.5]);
        assert_eq!(ticks(0.0, 10.0, 4), vec![0.0, 2.5, 5.0, 7.5, 10.0], "a round top stays the last tick");
    }

    #[test]
    fn bars_grow_from_the_zero_line_both_ways() {
        let item = |label: &str, value| BarItem {
            label: label.into(),
            value: Some(value),
            shown: String::new(),
            title: String::new(),
            href: String::new(),
        };
        let chart = bar_chart(vec![item("潇水区", 5.0), item("东岭县", -2.5)], 480.0, |t| format!("{t}"));
        let (up, down) = (&chart.bars[0], &chart.bars[1]);
        assert!((up.x - chart.zero).abs() < 1e-9 && up.width > 0.0 && !up.negative);
        assert!(down.negative && (down.x + down.width - chart.zero).abs() < 1e-9);
        // 5 is twice as far from zero as −2.5.
        assert!((up.width - 2.0 * down.width).abs() < 1e-6);
        assert!(chart.label_width >= text_width("潇水区", LABEL_SIZE), "the CJK label fits its column");
    }

    #[test]
    fn cjk_characters_are_an_em_wide_and_latin_ones_less() {
        assert_eq!(text_width("潇水区", 10.0), 30.0);
        assert_eq!(text_width("ab", 10.0), 12.0);
    }
}
