//! The 小升规 pool over the cube (domain::promotion): below-scale industrial firms by their
//! trailing-12-month and year-to-date main-business revenue, and the above-scale set's entries
//! and exits year by year.

use serde::Serialize;
use xinzhi_domain::promotion::{PromotionRules, Revenue, Signal, signals};
use xinzhi_domain::{Lang, MembershipKind, Month};
use xinzhi_store::{EnterpriseId, Scope};

use crate::cockpit::flow_firms;
use crate::cube::Cube;
use crate::measures::{Attribution, Selection};
use crate::{Names, Unit};

/// A below-scale firm in the pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PromotionCandidate {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub district: String,
    pub revenue: Revenue,
    pub projected_year_end: f64,
    pub signals: Vec<Signal>,
}

/// Below-scale industrial firms of `scope` in `month` showing any signal, those that reached
/// the threshold first, then by projected year-end revenue. Reads 营业收入 (`revenue`, the
/// threshold's measure, domain.md §1.1), or `main_revenue` when the cube holds only that.
pub fn pool(
    cube: &Cube,
    names: &Names,
    scope: &Scope,
    month: Month,
    rules: &PromotionRules,
    lang: Lang,
) -> Vec<PromotionCandidate> {
    let revenue = cube.series_by_code("revenue").or_else(|| cube.series_by_code("main_revenue"));
    let (Some(series), Some(m)) = (revenue, cube.month_index(month)) else {
        return Vec::new();
    };
    let output = cube.series_by_code("gross_output");
    let january = usize::try_from(month.january().months_after(cube.months().first)).unwrap_or(0);
    let sum = |row: &[f64], from: usize, to: usize| -> f64 { row[from..=to].iter().filter(|v| !v.is_nan()).sum() };
    let mut found: Vec<PromotionCandidate> = (0..cube.firm_count())
        .filter(|&f| cube.in_scope(scope, f) && !cube.is_above_scale(f, m as i64) && cube.firm(f).is_industrial())
        .filter_map(|f| {
            let row = cube.row(series, f);
            // The first month with output or revenue: how long the firm has produced, when
            // that start lies inside the cube (a firm reporting from its first month is old).
            let started = |row: &[f64]| row.iter().position(|v| !v.is_nan() && *v > 0.0);
            let first = started(row).into_iter().chain(output.and_then(|o| started(cube.row(o, f)))).min();
            let months_producing = first.filter(|&s| s > 0).and_then(|s| u32::try_from(m.checked_sub(s)? + 1).ok());
            let revenue = Revenue {
                trailing_12m: sum(row, m.saturating_sub(11), m),
                year_to_date: if january <= m { sum(row, january, m) } else { 0.0 },
                months_elapsed: month.month(),
                months_producing,
            };
            let found = signals(rules, &revenue);
            if found.is_empty() {
                return None;
            }
            let firm = cube.firm(f);
            let district = cube
                .exclusive(MembershipKind::District, f, None)
                .map_or_else(String::new, |d| names.of(Unit::District(d), lang).1);
            Some(PromotionCandidate {
                enterprise_id: firm.enterprise_id,
                credit_code: firm.credit_code.clone(),
                name: firm.name.clone(),
                district,
                projected_year_end: revenue.projected_year_end(),
                revenue,
                signals: found,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        let reached = |c: &PromotionCandidate| c.signals.contains(&Signal::ReachedThreshold);
        reached(b)
            .cmp(&reached(a))
            .then(b.projected_year_end.total_cmp(&a.projected_year_end))
            .then(a.name.cmp(&b.name))
    });
    found
}

/// The above-scale set of one year in the scope: firms at its end, entries and exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearFlows {
    pub year: i32,
    pub above_scale_at_end: usize,
    pub entered: usize,
    pub exited: usize,
}

/// Entries into and exits from the above-scale set for every year of the cube through
/// `through` (the last month with data; a current year counts to date).
pub fn flows_by_year(cube: &Cube, scope: &Scope, through: Month) -> Vec<YearFlows> {
    let mut span = cube.months();
    span.last = span.last.min(through);
    let selection = Selection { scope, unit: Unit::City, attribution: Attribution::AtMonth, above_scale_only: true };
    (span.first.year()..=span.last.year())
        .filter_map(|year| {
            let end = Month::new(year, 12).ok()?.min(span.last);
            let m = cube.month_index(end)? as i64;
            let (entered, exited) = flow_firms(cube, &selection, end);
            let above =
                (0..cube.firm_count()).filter(|&f| cube.in_scope(scope, f) && cube.is_above_scale(f, m)).count();
            Some(YearFlows { year, above_scale_at_end: above, entered: entered.len(), exited: exited.len() })
        })
        .collect()
}
