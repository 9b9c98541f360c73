//! The cockpit (驾驶舱): about fifteen widgets of one month within the caller's scope, each
//! timed, each number traceable to the firms behind it ([`firms_behind`]).

use std::time::Instant;

use serde::Serialize;
use xinzhi_domain::programme::Programme;
use xinzhi_domain::targets::{self, Light, Progress, TargetKind, TimeBasis};
use xinzhi_domain::{Comparison, Lang, Month, Tier};
use xinzhi_store::Scope;
use xinzhi_store::monitoring::{Target, TargetUnit};

use crate::alerts::{self, AlertRules, FirmAlert};
use crate::cube::{Cube, Series};
use crate::measures::{Attribution, Dimension, FirmFigure, Part, Selection, Unit, Window, break_down, total};
use crate::{EngineError, Names};

/// What the cockpit is asked for.
#[derive(Debug, Clone)]
pub struct CockpitRequest<'a> {
    pub scope: &'a Scope,
    pub month: Month,
    pub attribution: Attribution,
    pub lang: Lang,
    pub rules: AlertRules,
    /// The targets of the month's year (all units; the cockpit keeps those of the scope).
    pub targets: &'a [Target],
    /// The indicator the trend, breakdowns, rankings and alerts are about.
    pub lead: &'a str,
}

/// A comparison as shown: current, same-caliber base, growth in percent.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub current: f64,
    pub previous: f64,
    pub growth_pct: Option<f64>,
}

impl From<Comparison> for Figure {
    fn from(c: Comparison) -> Figure {
        Figure { current: c.current, previous: c.previous, growth_pct: c.growth_percent() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IndicatorRef {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub decimals: u8,
}

/// A headline indicator: the month and 1—N月, same caliber, with the nominal growth beside.
#[derive(Debug, Clone, Serialize)]
pub struct Headline {
    pub indicator: IndicatorRef,
    pub month: Figure,
    pub year_to_date: Figure,
    /// This year's set against last year's own set (名义): what dividing published levels gives.
    pub nominal_growth_pct: Option<f64>,
    /// 两年平均增长: √(1 + growth against two years ago) − 1, the same firms (domain.md §2.6).
    pub two_year_average_pct: Option<f64>,
    pub firms: usize,
}

/// Firm counts of the month.
#[derive(Debug, Clone, Serialize)]
pub struct Counts {
    /// Above-scale firms in the month (规上企业数).
    pub above_scale: usize,
    /// Firms that joined the above-scale set this year through the month (新增规上).
    pub entered: usize,
    /// Firms that left it.
    pub exited: usize,
    /// Above-scale firms with a cumulative loss (亏损企业), and their loss.
    pub loss_making: usize,
    pub loss: f64,
    /// New designations this year through the month, by tier.
    pub new_designations: Vec<(Tier, usize)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub month: Month,
    /// 1—k月 same-caliber growth of the lead indicator.
    pub growth_pct: Option<f64>,
    /// The same a year earlier.
    pub last_year_growth_pct: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MonthPoint {
    pub month: Month,
    pub figure: Figure,
}

/// One part of a breakdown, as shown.
#[derive(Debug, Clone, Serialize)]
pub struct PartRow {
    pub unit: Unit,
    pub code: String,
    pub name: String,
    pub firms: usize,
    pub figure: Figure,
    /// 贡献率 in percent; `None` when the total barely moved.
    pub contribution_pct: Option<f64>,
    /// 拉动 in percentage points.
    pub pull_pp: Option<f64>,
    pub rank: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Breakdown {
    pub dimension: Dimension,
    pub window: Window,
    pub total: Figure,
    pub parts: Vec<PartRow>,
    /// Parts overlap (clusters, chains): contributions need not add up to 100%.
    pub overlapping: bool,
}

/// A firm as an alert or drill-down names it.
#[derive(Debug, Clone, Serialize)]
pub struct FirmLine {
    pub credit_code: String,
    pub name: String,
    pub value: f64,
    pub other: Option<f64>,
}

/// An alert's firms: how many in all, and the first of them, worst first.
#[derive(Debug, Clone, Serialize)]
pub struct AlertList {
    pub count: usize,
    pub firms: Vec<FirmLine>,
}

impl AlertList {
    fn of(cube: &Cube, alerts: &[FirmAlert]) -> AlertList {
        AlertList { count: alerts.len(), firms: alerts.iter().take(LIST_LENGTH).map(|a| firm_line(cube, a)).collect() }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DeclineWidget {
    pub window: Window,
    pub compared: usize,
    pub counts: Vec<(f64, usize)>,
    pub firms: Vec<FirmLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotReporting {
    pub population: usize,
    pub missing: usize,
    pub firms: Vec<FirmLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ElectricityWidget {
    /// 1—N月 growth of output and of electricity, same caliber.
    pub output: Figure,
    pub electricity: Figure,
    /// By district: (code, name, output growth, electricity growth).
    pub by_district: Vec<(String, String, Option<f64>, Option<f64>)>,
    pub power_up_output_down: AlertList,
    pub output_up_power_down: AlertList,
}

/// A target with its progress and light.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub target_id: i64,
    pub unit: TargetUnit,
    pub unit_name: String,
    pub metric: String,
    pub metric_name: String,
    pub kind: TargetKind,
    pub value: f64,
    /// Growth: the cumulative growth (percent); level: the cumulative amount; count: the count.
    pub actual: Option<f64>,
    pub progress: Option<Progress>,
    pub light: Option<Light>,
    /// The city's figure (growth) or completion (level, count) the light compares with.
    pub city_average: Option<f64>,
    /// Rank by progress among the targets of the same metric and kind set for units of the
    /// same kind (districts among districts), when there are several.
    pub rank: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WidgetTime {
    pub widget: &'static str,
    pub micros: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cockpit {
    pub month: Month,
    pub lead: IndicatorRef,
    pub headline: Vec<Headline>,
    pub counts: Counts,
    pub trend: Vec<TrendPoint>,
    pub monthly: Vec<MonthPoint>,
    pub breakdowns: Vec<Breakdown>,
    pub targets: Vec<TargetRow>,
    pub declines: DeclineWidget,
    pub streaks: AlertList,
    pub not_reporting: NotReporting,
    pub electricity: Option<ElectricityWidget>,
    pub outliers: AlertList,
    pub timings: Vec<WidgetTime>,
}

/// How many firms an alert list shows (the counts cover them all).
pub const LIST_LENGTH: usize = 20;

struct Timer {
    timings: Vec<WidgetTime>,
    at: Instant,
}

impl Timer {
    fn lap(&mut self, widget: &'static str) {
        let now = Instant::now();
        self.timings.push(WidgetTime { widget, micros: now.duration_since(self.at).as_micros() as u64 });
        self.at = now;
    }
}

fn indicator_ref(series: &Series, lang: Lang) -> IndicatorRef {
    IndicatorRef {
        code: series.def.code.to_string(),
        name: series.def.name(lang).to_owned(),
        unit: lang.pick(&series.def.unit_zh, &series.def.unit_en).to_owned(),
        decimals: series.def.decimals,
    }
}

fn firm_line(cube: &Cube, alert: &FirmAlert) -> FirmLine {
    let firm = cube.firm(alert.firm);
    FirmLine { credit_code: firm.credit_code.clone(), name: firm.name.clone(), value: alert.value, other: alert.other }
}

/// Computes the cockpit. The lead indicator must be loaded; the others of
/// [`crate::COCKPIT_INDICATORS`] show when they are.
pub fn cockpit(cube: &Cube, names: &Names, request: &CockpitRequest<'_>) -> Result<Cockpit, EngineError> {
    let lang = request.lang;
    let month = request.month;
    let lead =
        cube.series_by_code(request.lead).ok_or_else(|| EngineError::UnknownIndicator(request.lead.to_owned()))?;
    let mut timer = Timer { timings: Vec::new(), at: Instant::now() };
    let selection = Selection { attribution: request.attribution, ..Selection::above_scale(request.scope) };
    let members = cube.members(&selection, month);
    timer.lap("set");

    let headline: Vec<Headline> = crate::COCKPIT_INDICATORS
        .iter()
        .filter_map(|code| cube.series_by_code(code))
        .map(|series| headline_of(cube, &selection, series, &members, month, lang))
        .collect();
    timer.lap("headline");

    let counts = counts_of(cube, &selection, &members, month);
    timer.lap("counts");

    let trend = trend_of(cube, &selection, lead, month);
    timer.lap("trend");

    let monthly = (1..=month.month())
        .map(|k| {
            let at = month.january().plus(i64::from(k) - 1);
            let set = cube.members(&selection, at);
            MonthPoint { month: at, figure: total(&cube.figures(lead, &set, at, Window::Month)).into() }
        })
        .collect();
    timer.lap("monthly");

    let ytd = cube.figures(lead, &members, month, Window::YearToDate);
    let mut breakdowns = Vec::new();
    for dimension in Dimension::ALL {
        if *request.scope != Scope::City && dimension == Dimension::District {
            continue;
        }
        breakdowns.push(breakdown_rows(cube, names, &ytd, dimension, month, request.attribution, lang));
        timer.lap(match dimension {
            Dimension::District => "by_district",
            Dimension::Park => "by_park",
            Dimension::Cluster => "by_cluster",
            Dimension::Chain => "by_chain",
            Dimension::Division => "by_division",
            Dimension::Tier => "by_tier",
        });
    }

    let targets = target_rows(cube, names, request, &selection, month);
    timer.lap("targets");

    let found = alerts::declines(&ytd, Window::YearToDate, &request.rules);
    let declines = DeclineWidget {
        window: found.window,
        compared: found.compared,
        counts: found.counts,
        firms: found.firms.iter().take(LIST_LENGTH).map(|a| firm_line(cube, a)).collect(),
    };
    timer.lap("declines");

    let streaks = AlertList::of(cube, &alerts::streaks(cube, lead, &members, month, &request.rules));
    timer.lap("streaks");

    let missing = alerts::not_reporting(cube, lead, &members, month);
    let not_reporting = NotReporting {
        population: members.len(),
        missing: missing.len(),
        firms: missing
            .iter()
            .take(LIST_LENGTH)
            .map(|&f| firm_line(cube, &FirmAlert { firm: f, value: 0.0, other: None }))
            .collect(),
    };
    timer.lap("not_reporting");

    let electricity = cube.series_by_code("electricity").map(|power| {
        let power_ytd = cube.figures(power, &members, month, Window::YearToDate);
        let apart = alerts::divergence(&ytd, &power_ytd, &request.rules);
        let lead_parts = break_down(cube, &ytd, Dimension::District, month, request.attribution);
        let power_parts = break_down(cube, &power_ytd, Dimension::District, month, request.attribution);
        let by_district = lead_parts
            .iter()
            .map(|part| {
                let (code, name) = names.of(part.unit, lang);
                let power =
                    power_parts.iter().find(|p| p.unit == part.unit).and_then(|p| p.comparison.growth_percent());
                (code, name, part.comparison.growth_percent(), power)
            })
            .collect();
        ElectricityWidget {
            output: total(&ytd).into(),
            electricity: total(&power_ytd).into(),
            by_district,
            power_up_output_down: AlertList::of(cube, &apart.power_up_output_down),
            output_up_power_down: AlertList::of(cube, &apart.output_up_power_down),
        }
    });
    timer.lap("electricity");

    let outliers = AlertList::of(cube, &alerts::seasonal_outliers(cube, lead, &members, month, &request.rules));
    timer.lap("outliers");

    Ok(Cockpit {
        month,
        lead: indicator_ref(lead, lang),
        headline,
        counts,
        trend,
        monthly,
        breakdowns,
        targets,
        declines,
        streaks,
        not_reporting,
        electricity,
        outliers,
        timings: timer.timings,
    })
}

fn headline_of(
    cube: &Cube,
    selection: &Selection<'_>,
    series: &Series,
    members: &[usize],
    month: Month,
    lang: Lang,
) -> Headline {
    let month_figure = total(&cube.figures(series, members, month, Window::Month));
    let ytd = total(&cube.figures(series, members, month, Window::YearToDate));
    // Nominal: last year's own set, summed over last year's months.
    let last_year_set = cube.members(selection, month.same_month_last_year());
    let last_year = total(&cube.figures(series, &last_year_set, month.same_month_last_year(), Window::YearToDate));
    let two_years = total(&cube.figures_against(series, members, month, Window::YearToDate, 24));
    Headline {
        indicator: indicator_ref(series, lang),
        month: month_figure.into(),
        year_to_date: ytd.into(),
        nominal_growth_pct: Comparison::new(ytd.current, last_year.current).growth_percent(),
        two_year_average_pct: two_years.growth().map(|g| xinzhi_domain::growth::two_year_average(g) * 100.0),
        firms: members.len(),
    }
}

/// Entries into and exits from the above-scale set during the year through `month`, within
/// the selection (a firm entering in March counts even if it is in another unit now).
fn flows_of(cube: &Cube, selection: &Selection<'_>, month: Month) -> (usize, usize) {
    let (entered, exited) = flow_firms(cube, selection, month);
    (entered.len(), exited.len())
}

/// The firms that joined the above-scale set during the year through `month`, and those that
/// left it (a firm appears once per entry or exit), within the scope and unit of the selection
/// at the month of the move.
pub fn flow_firms(cube: &Cube, selection: &Selection<'_>, month: Month) -> (Vec<usize>, Vec<usize>) {
    let (Some(end), january) = (cube.month_index(month), month.january()) else { return (Vec::new(), Vec::new()) };
    let start = january.months_after(cube.first);
    let end = end as i64;
    let (mut entered, mut exited) = (Vec::new(), Vec::new());
    for firm in 0..cube.firm_count() {
        if !cube.in_scope(selection.scope, firm) {
            continue;
        }
        for span in &cube.above_scale[firm] {
            let in_unit = |m: i64| cube.in_unit(selection.unit, firm, m, cube.first.plus(m), selection.attribution);
            if span.from >= start && span.from <= end && !cube.is_above_scale(firm, span.from - 1) && in_unit(span.from)
            {
                entered.push(firm);
            }
            let left = span.to != i64::MAX && span.to >= start - 1 && span.to < end;
            if left && !cube.is_above_scale(firm, span.to + 1) && in_unit(span.to) {
                exited.push(firm);
            }
        }
    }
    (entered, exited)
}

/// New designations of a tier this year through `month`, among firms of the selection.
fn new_designations(cube: &Cube, selection: &Selection<'_>, tier: Tier, month: Month) -> usize {
    let Some(m) = cube.month_index(month) else { return 0 };
    let (from, to) = (i64::from(month.year()) * 10_000 + 101, month.yyyymm() * 100 + 31);
    (0..cube.firm_count())
        .filter(|&f| {
            cube.in_scope(selection.scope, f)
                && cube.in_unit(selection.unit, f, m as i64, month, selection.attribution)
                && cube.designations[f].iter().any(|d| d.tier == tier && (from..=to).contains(&d.granted_on))
        })
        .count()
}

/// What a programme's recognitions of the year through `month` add up to (domain::programme),
/// for firms of the selection.
pub fn new_recognitions(cube: &Cube, selection: &Selection<'_>, programme: Programme, month: Month) -> i64 {
    let Some(m) = cube.month_index(month) else { return 0 };
    let (from, to) = (i64::from(month.year()) * 10_000 + 101, month.yyyymm() * 100 + 31);
    (0..cube.firm_count())
        .filter(|&f| {
            cube.in_scope(selection.scope, f) && cube.in_unit(selection.unit, f, m as i64, month, selection.attribution)
        })
        .flat_map(|f| cube.programmes[f].iter())
        .filter(|p| p.programme == programme && (from..=to).contains(&p.recognised_on))
        .map(|p| xinzhi_domain::programme::count_of(programme, p.quantity))
        .sum()
}

fn counts_of(cube: &Cube, selection: &Selection<'_>, members: &[usize], month: Month) -> Counts {
    let (entered, exited) = flows_of(cube, selection, month);
    let (mut loss_making, mut loss) = (0, 0.0);
    if let Some(profit) = cube.series_by_code("total_profit") {
        for figure in cube.figures(profit, members, month, Window::YearToDate) {
            if figure.comparison.current < 0.0 {
                loss_making += 1;
                loss += figure.comparison.current;
            }
        }
    }
    Counts {
        above_scale: members.len(),
        entered,
        exited,
        loss_making,
        loss,
        new_designations: Tier::ALL.iter().map(|&t| (t, new_designations(cube, selection, t, month))).collect(),
    }
}

fn trend_of(cube: &Cube, selection: &Selection<'_>, series: &Series, month: Month) -> Vec<TrendPoint> {
    (1..=month.month())
        .map(|k| {
            let at = month.january().plus(i64::from(k) - 1);
            let growth = |m: Month| {
                let set = cube.members(selection, m);
                total(&cube.figures(series, &set, m, Window::YearToDate)).growth_percent()
            };
            TrendPoint { month: at, growth_pct: growth(at), last_year_growth_pct: growth(at.same_month_last_year()) }
        })
        .collect()
}

/// A breakdown with each part's contribution and pull, ranked by growth.
pub fn breakdown_rows(
    cube: &Cube,
    names: &Names,
    figures: &[FirmFigure],
    dimension: Dimension,
    month: Month,
    attribution: Attribution,
    lang: Lang,
) -> Breakdown {
    let whole = total(figures);
    let parts: Vec<Part> = break_down(cube, figures, dimension, month, attribution);
    let mut by_growth: Vec<(usize, f64)> = parts
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.comparison.growth_percent().unwrap_or(f64::NEG_INFINITY)))
        .collect();
    by_growth.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut ranks = vec![0; parts.len()];
    for (rank, (i, _)) in by_growth.iter().enumerate() {
        ranks[*i] = rank + 1;
    }
    let rows = parts
        .iter()
        .zip(ranks)
        .map(|(part, rank)| {
            let (code, name) = names.of(part.unit, lang);
            PartRow {
                unit: part.unit,
                code,
                name,
                firms: part.firms,
                figure: part.comparison.into(),
                contribution_pct: part.comparison.contribution_share(&whole),
                pull_pp: part.comparison.pull_pp(&whole),
                rank,
            }
        })
        .collect();
    Breakdown {
        dimension,
        window: Window::YearToDate,
        total: whole.into(),
        parts: rows,
        overlapping: dimension.overlaps(),
    }
}

/// The unit of a target, as the cube knows units.
pub fn unit_of(target: TargetUnit) -> Unit {
    match target {
        TargetUnit::City => Unit::City,
        TargetUnit::District(id) => Unit::District(id),
        TargetUnit::Park(id) => Unit::Park(id),
        TargetUnit::Cluster(id) => Unit::Cluster(id),
        TargetUnit::Chain(id) => Unit::Chain(id),
    }
}

/// Count metrics a target can name besides indicators.
pub const COUNT_METRICS: [&str; 15] = [
    "new_above_scale",
    "new_innovative_sme",
    "new_srdi_sme",
    "new_little_giant",
    "new_single_champion",
    "new_chain_leader",
    "new_cloud",
    "new_platform",
    "new_smart_factory",
    "new_smart_workshop",
    "new_smart_line",
    "new_smart_station",
    "new_green_factory",
    "new_green_product",
    "new_green_supply_chain",
];

/// The name of a target's metric.
pub fn metric_name(cube: &Cube, metric: &str, lang: Lang) -> String {
    if metric == "new_above_scale" {
        return lang.pick("新增规上工业企业", "New above-scale firms").to_owned();
    }
    if let Some(tier) = metric.strip_prefix("new_").and_then(Tier::parse) {
        return match lang {
            Lang::ZhCn => format!("新增{}", tier.label(lang)),
            Lang::En => format!("New {}", tier.label(lang)),
        };
    }
    if let Some(programme) = metric.strip_prefix("new_").and_then(Programme::parse) {
        return match lang {
            Lang::ZhCn => format!("新增{}", programme.label(lang)),
            Lang::En => format!("New: {}", programme.label(lang)),
        };
    }
    cube.series_by_code(metric).map_or_else(|| metric.to_owned(), |s| s.def.name(lang).to_owned())
}

/// A target's actual value through `month` in its unit: growth in percent, a cumulative
/// amount, or a count. `None` when the metric is not known to the cube.
pub fn actual_of(cube: &Cube, scope: &Scope, target: &Target, month: Month, attribution: Attribution) -> Option<f64> {
    actual_for(cube, scope, unit_of(target.unit), &target.metric, target.kind, month, attribution)
}

/// The city's own figure of a year through `month` beside a peer's published one
/// (domain::peer): a same-caliber growth rate in percent, or a count.
pub fn own_figure(cube: &Cube, own: &xinzhi_domain::peer::OwnMetric, month: Month) -> Option<f64> {
    actual_for(cube, &Scope::City, Unit::City, own.metric, own.kind, month, Attribution::AtMonth)
}

pub(crate) fn actual_for(
    cube: &Cube,
    scope: &Scope,
    unit: Unit,
    metric: &str,
    kind: TargetKind,
    month: Month,
    attribution: Attribution,
) -> Option<f64> {
    let selection = Selection { attribution, ..Selection::above_scale(scope) }.within(unit);
    match kind {
        TargetKind::Count if metric == "new_above_scale" => Some(flows_of(cube, &selection, month).0 as f64),
        TargetKind::Count => {
            let what = metric.strip_prefix("new_")?;
            if let Some(programme) = Programme::parse(what) {
                return Some(new_recognitions(cube, &selection, programme, month) as f64);
            }
            Some(new_designations(cube, &selection, Tier::parse(what)?, month) as f64)
        }
        TargetKind::Growth | TargetKind::Level => {
            let series = cube.series_by_code(metric)?;
            let members = cube.members(&selection, month);
            let sum = total(&cube.figures(series, &members, month, Window::YearToDate));
            match kind {
                TargetKind::Growth => sum.growth_percent(),
                _ => Some(sum.current),
            }
        }
    }
}

/// Progress and light of a target whose actual is known.
pub fn progress_of(target: &Target, actual: f64, month: Month) -> Option<Progress> {
    match target.kind {
        TargetKind::Growth => Some(targets::growth_progress(actual, target.value)),
        TargetKind::Level | TargetKind::Count => {
            targets::quantity_progress(actual, target.value, targets::time_progress(month, TimeBasis::Months))
        }
    }
}

fn target_rows(
    cube: &Cube,
    names: &Names,
    request: &CockpitRequest<'_>,
    selection: &Selection<'_>,
    month: Month,
) -> Vec<TargetRow> {
    let visible = |t: &Target| t.unit.visible_to(request.scope, |park| names.park_district.get(&park).copied());
    // The city's figure for a metric, for lights that need at least the city average: its
    // growth, or its completion of the city's own target.
    let city = |metric: &str, kind: TargetKind| -> Option<f64> {
        let actual = actual_for(cube, &Scope::City, Unit::City, metric, kind, month, selection.attribution)?;
        match kind {
            TargetKind::Growth => Some(actual),
            _ => {
                let own = request
                    .targets
                    .iter()
                    .find(|t| t.unit == TargetUnit::City && t.metric == metric && t.kind == kind)?;
                progress_of(own, actual, month).map(|p| p.actual)
            }
        }
    };
    let rows = request
        .targets
        .iter()
        .filter(|t| visible(t))
        .map(|t| {
            let actual = actual_of(cube, request.scope, t, month, selection.attribution);
            let progress = actual.and_then(|a| progress_of(t, a, month));
            let city_average = t.lights.green_needs_average.then(|| city(&t.metric, t.kind)).flatten();
            let light = progress.map(|p| {
                let at_least = city_average.is_none_or(|avg| p.actual >= avg);
                t.lights.light(p.gap_pp, at_least)
            });
            let unit_name = names.of(unit_of(t.unit), request.lang).1;
            TargetRow {
                target_id: t.target_id,
                unit: t.unit,
                unit_name,
                metric: t.metric.clone(),
                metric_name: metric_name(cube, &t.metric, request.lang),
                kind: t.kind,
                value: t.value,
                actual,
                progress,
                light,
                city_average,
                rank: None,
            }
        })
        .collect();
    rank_targets(rows)
}

fn unit_kind(unit: TargetUnit) -> u8 {
    match unit {
        TargetUnit::City => 0,
        TargetUnit::District(_) => 1,
        TargetUnit::Park(_) => 2,
        TargetUnit::Cluster(_) => 3,
        TargetUnit::Chain(_) => 4,
    }
}

/// Ranks targets by how far ahead they are (the gap in pp), within each group of the same
/// metric, kind and kind of unit: the completion ranking of districts and parks.
fn rank_targets(mut rows: Vec<TargetRow>) -> Vec<TargetRow> {
    let key = |r: &TargetRow| (r.metric.clone(), r.kind, unit_kind(r.unit));
    let groups: Vec<_> = rows.iter().map(key).collect();
    for (i, group) in groups.iter().enumerate() {
        let peers: Vec<f64> = rows
            .iter()
            .zip(&groups)
            .filter(|(_, g)| *g == group)
            .filter_map(|(r, _)| r.progress.map(|p| p.gap_pp))
            .collect();
        if peers.len() < 2 {
            continue;
        }
        if let Some(gap) = rows[i].progress.map(|p| p.gap_pp) {
            rows[i].rank = Some(1 + peers.iter().filter(|&&other| other > gap).count());
        }
    }
    rows
}

/// The firms behind a figure, by their share of it: each firm's current value, base, growth,
/// and contribution to the figure's change (贡献率, percent).
#[derive(Debug, Clone, Serialize)]
pub struct FirmContribution {
    pub credit_code: String,
    pub name: String,
    pub figure: Figure,
    pub contribution_pct: Option<f64>,
    /// The month's report: none (imported or official data), submitted or approved.
    pub status: Option<xinzhi_store::ReportStatus>,
    /// Whether any month of the window counts; a firm that has not reported (or whose report is
    /// a draft, returned or awaiting approval) has an empty figure, not a fall to zero.
    pub reported: bool,
}

pub fn firms_behind(
    cube: &Cube,
    selection: &Selection<'_>,
    series: &Series,
    month: Month,
    window: Window,
) -> (Figure, Vec<FirmContribution>) {
    let members = cube.members(selection, month);
    firms_of(cube, &members, series, month, window)
}

/// The figures of some firms (a figure's members, or the firms a count names), largest first.
pub fn firms_of(
    cube: &Cube,
    firms: &[usize],
    series: &Series,
    month: Month,
    window: Window,
) -> (Figure, Vec<FirmContribution>) {
    let figures = cube.figures(series, firms, month, window);
    let whole = total(&figures);
    let m = cube.month_index(month);
    let mut rows: Vec<(f64, FirmContribution)> = figures
        .iter()
        .map(|f| {
            let firm = cube.firm(f.firm);
            (
                f.comparison.current,
                FirmContribution {
                    credit_code: firm.credit_code.clone(),
                    name: firm.name.clone(),
                    figure: f.comparison.into(),
                    contribution_pct: f.comparison.contribution_share(&whole),
                    status: m.and_then(|m| cube.status_at(f.firm, m)),
                    reported: f.reported,
                },
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    (whole.into(), rows.into_iter().map(|(_, r)| r).collect())
}
