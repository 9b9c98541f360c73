//! Year-end forecasts of targets (domain::forecast) from the cube: the year so far and the
//! seasonal shares of earlier complete years, and the backtest that measures how far such
//! forecasts fell from what the year then brought, by month of the year.

use serde::Serialize;
use xinzhi_domain::Month;
use xinzhi_domain::forecast::{Outlook, Projection, Spread, outlook, project, project_growth};
use xinzhi_domain::targets::TargetKind;
use xinzhi_store::Scope;
use xinzhi_store::monitoring::Target;

use crate::cockpit::{actual_for, unit_of};
use crate::cube::Cube;
use crate::measures::{Attribution, Selection, Unit, Window, total};

/// A target's forecast at a month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Forecast {
    pub target_id: i64,
    pub metric: String,
    pub kind: TargetKind,
    pub value: f64,
    /// The month the forecast is made at.
    pub month: Month,
    /// Growth through the month (percent), or the level or count so far.
    pub so_far: Option<f64>,
    pub projection: Option<Projection>,
    pub outlook: Option<Outlook>,
    /// The complete earlier years whose shares were used.
    pub years: Vec<i32>,
}

/// What a metric reached in a unit by a month: (this year's, last year's same firms') cumulative
/// sum for an indicator; the count (and nothing) for a count metric.
fn reached(cube: &Cube, unit: Unit, metric: &str, kind: TargetKind, month: Month) -> Option<(f64, f64)> {
    match kind {
        TargetKind::Count => {
            actual_for(cube, &Scope::City, unit, metric, kind, month, Attribution::AtMonth).map(|n| (n, 0.0))
        }
        TargetKind::Growth | TargetKind::Level => {
            let series = cube.series_by_code(metric)?;
            let selection =
                Selection { attribution: Attribution::AtMonth, ..Selection::above_scale(&Scope::City) }.within(unit);
            let members = cube.members(&selection, month);
            let sum = total(&cube.figures(series, &members, month, Window::YearToDate));
            Some((sum.current, sum.previous))
        }
    }
}

/// The share of its year's total a complete year had reached by month `m` of that year.
fn share(cube: &Cube, unit: Unit, metric: &str, kind: TargetKind, year: i32, m: u32) -> Option<f64> {
    let at = reached(cube, unit, metric, kind, Month::new(year, m).ok()?)?.0;
    let end = reached(cube, unit, metric, kind, Month::new(year, 12).ok()?)?.0;
    (end > 0.0).then(|| at / end)
}

/// The complete years of data before `year`.
fn complete_years_before(cube: &Cube, year: i32) -> Vec<i32> {
    let range = cube.months();
    (range.first.year()..year)
        .filter(|y| {
            let (Ok(january), Ok(december)) = (Month::new(*y, 1), Month::new(*y, 12)) else { return false };
            range.first <= january && december <= range.last
        })
        .collect()
}

/// The year-end projection of a metric in a unit from `month`, with the years it used.
pub fn projection(
    cube: &Cube,
    unit: Unit,
    metric: &str,
    kind: TargetKind,
    month: Month,
) -> (Option<f64>, Option<Projection>, Vec<i32>) {
    let years = complete_years_before(cube, month.year());
    let Some((current, previous)) = reached(cube, unit, metric, kind, month) else { return (None, None, years) };
    let shares: Vec<f64> = years.iter().filter_map(|y| share(cube, unit, metric, kind, *y, month.month())).collect();
    let so_far = value_of(kind, current, previous);
    match kind {
        TargetKind::Growth => {
            let last_share = share(cube, unit, metric, kind, month.year() - 1, month.month());
            let p = last_share.and_then(|s| project_growth(current, previous, s, &shares, month.month()));
            (so_far, p, years)
        }
        TargetKind::Level => (so_far, project(current, &shares, Spread::SUMS, month.month()), years),
        TargetKind::Count => (so_far, project(current, &shares, Spread::COUNTS, month.month()), years),
    }
}

/// What a target measures from what was reached: the growth rate in percent against last
/// year's same firms, or the level or count itself.
fn value_of(kind: TargetKind, current: f64, previous: f64) -> Option<f64> {
    match kind {
        TargetKind::Growth => (previous > 0.0).then(|| (current / previous - 1.0) * 100.0),
        TargetKind::Level | TargetKind::Count => Some(current),
    }
}

/// The forecast of each target at `month` (its year's).
pub fn forecasts(cube: &Cube, targets: &[Target], month: Month) -> Vec<Forecast> {
    targets
        .iter()
        .filter(|t| t.year == month.year())
        .map(|t| {
            let (so_far, p, years) = projection(cube, unit_of(t.unit), &t.metric, t.kind, month);
            Forecast {
                target_id: t.target_id,
                metric: t.metric.clone(),
                kind: t.kind,
                value: t.value,
                month,
                so_far,
                outlook: p.as_ref().map(|p| outlook(t.value, p)),
                projection: p,
                years,
            }
        })
        .collect()
}

/// The backtest's error at one month of the year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BacktestMonth {
    pub month: u32,
    /// Forecasts made (one per complete year with an earlier complete year).
    pub cases: usize,
    /// Mean absolute error: percentage points for a growth rate, percent of the actual total
    /// for a level or a count.
    pub mean_abs_error: f64,
    pub max_abs_error: f64,
    /// How often the actual year-end fell inside the forecast's range.
    pub within_range: usize,
}

/// For every complete year that has an earlier complete year, the forecast made at each month
/// January–November against what December brought, for the whole city.
pub fn backtest(cube: &Cube, metric: &str, kind: TargetKind) -> Vec<BacktestMonth> {
    let range = cube.months();
    let years: Vec<i32> = complete_years_before(cube, range.last.year() + 1);
    // What each backtested year brought by December, read once.
    let actuals: Vec<(i32, f64)> = years
        .iter()
        .skip(1)
        .filter_map(|&year| {
            let (current, previous) = reached(cube, Unit::City, metric, kind, Month::new(year, 12).ok()?)?;
            Some((year, value_of(kind, current, previous)?))
        })
        .collect();
    (1..=11)
        .map(|m| {
            let mut errors = Vec::new();
            let mut within = 0;
            for &(year, actual) in &actuals {
                let Ok(at) = Month::new(year, m) else { continue };
                let (_, Some(p), _) = projection(cube, Unit::City, metric, kind, at) else { continue };
                let error = match kind {
                    TargetKind::Growth => p.expected - actual,
                    _ if actual != 0.0 => (p.expected / actual - 1.0) * 100.0,
                    _ => continue,
                };
                within += usize::from(p.low - 1e-9 <= actual && actual <= p.high + 1e-9);
                errors.push(error.abs());
            }
            let cases = errors.len();
            BacktestMonth {
                month: m,
                cases,
                mean_abs_error: if cases == 0 { 0.0 } else { errors.iter().sum::<f64>() / cases as f64 },
                max_abs_error: errors.iter().copied().fold(0.0, f64::max),
                within_range: within,
            }
        })
        .collect()
}
