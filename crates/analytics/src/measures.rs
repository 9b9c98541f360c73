//! Figures over the cube: the set of firms a figure covers, each firm's current value and its
//! same-caliber base (domain.md §2.3), and their sums by any dimension with contribution and
//! pull (§2.4).
//!
//! The set is taken in the figure's month: the above-scale firms of that month within the
//! caller's scope (and a unit, such as a district). Every firm of the set is compared with
//! itself a year earlier; firms that left or joined the set since do not distort the growth.

use serde::Serialize;
use xinzhi_domain::{Comparison, MembershipKind, Month, TemporalKind, Tier};
use xinzhi_store::Scope;

use crate::cube::{Cube, Series};

/// The months a figure covers, ending at its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The month alone (当月).
    Month,
    /// January through the month (1—N月累计).
    YearToDate,
}

/// Where a firm is counted when it moved: in the district or park it belonged to in the
/// figure's month (the default), or where it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Attribution {
    AtMonth,
    Current,
}

/// A unit a figure or target can be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Unit {
    City,
    District(i64),
    Park(i64),
    Cluster(i64),
    Chain(i64),
    /// A 大类 of GB/T 4754 (two digits).
    Division(u8),
    /// The highest ladder tier held (`None`: no tier).
    Tier(Option<Tier>),
}

/// A dimension to break a figure down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    District,
    Park,
    Cluster,
    Chain,
    Division,
    Tier,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::District,
        Dimension::Park,
        Dimension::Cluster,
        Dimension::Chain,
        Dimension::Division,
        Dimension::Tier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::District => "district",
            Dimension::Park => "park",
            Dimension::Cluster => "cluster",
            Dimension::Chain => "chain",
            Dimension::Division => "division",
            Dimension::Tier => "tier",
        }
    }

    pub fn parse(text: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.as_str() == text)
    }

    /// A firm can sit in several clusters or chains: there, the parts overlap and their
    /// contributions do not add up to the whole.
    pub fn overlaps(self) -> bool {
        matches!(self, Dimension::Cluster | Dimension::Chain)
    }
}

/// Which firms a figure covers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Selection<'a> {
    pub scope: &'a Scope,
    pub unit: Unit,
    pub attribution: Attribution,
    /// Only the above-scale set of the month (规上), or every firm with values.
    pub above_scale_only: bool,
}

impl<'a> Selection<'a> {
    /// The above-scale firms of the scope, attributed by month: what bureaus publish.
    pub fn above_scale(scope: &'a Scope) -> Selection<'a> {
        Selection { scope, unit: Unit::City, attribution: Attribution::AtMonth, above_scale_only: true }
    }

    pub fn within(self, unit: Unit) -> Selection<'a> {
        Selection { unit, ..self }
    }
}

/// One firm's part of a figure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirmFigure {
    /// The firm's index in the cube.
    pub firm: usize,
    pub comparison: Comparison,
    /// Whether the firm reported any month of the window; one that did not is "not reported",
    /// and its comparison is empty on both sides.
    pub reported: bool,
}

impl Cube {
    /// Whether a caller of `scope` sees the firm: its current district or park, the firm
    /// itself, or everything for the city (as storage decides, `access::push_scope`).
    pub(crate) fn in_scope(&self, scope: &Scope, firm: usize) -> bool {
        match scope {
            Scope::City => true,
            Scope::District(region) => self.exclusive(MembershipKind::District, firm, None) == Some(region.0),
            Scope::Park(park) => self.exclusive(MembershipKind::Park, firm, None) == Some(park.0),
            Scope::Enterprise(id) => self.firms[firm].enterprise_id == *id,
            Scope::NoData | Scope::Department(_) => false,
        }
    }

    /// Whether the firm is in the unit in month `m` (its cube index).
    pub(crate) fn in_unit(&self, unit: Unit, firm: usize, m: i64, month: Month, attribution: Attribution) -> bool {
        let at = match attribution {
            Attribution::AtMonth => Some(m),
            Attribution::Current => None,
        };
        match unit {
            Unit::City => true,
            Unit::District(id) => self.exclusive(MembershipKind::District, firm, at) == Some(id),
            Unit::Park(id) => self.exclusive(MembershipKind::Park, firm, at) == Some(id),
            Unit::Cluster(id) => self.clusters_of(firm, at).contains(&id),
            Unit::Chain(id) => self.chains_of(firm, at).contains(&id),
            Unit::Division(d) => self.firms[firm].division == d,
            Unit::Tier(tier) => self.tier_at(firm, month) == tier,
        }
    }

    /// The firms of a selection in `month`.
    pub fn members(&self, selection: &Selection<'_>, month: Month) -> Vec<usize> {
        let Some(m) = self.month_index(month) else { return Vec::new() };
        let m = m as i64;
        (0..self.firms.len())
            .filter(|&f| {
                (!selection.above_scale_only || self.is_above_scale(f, m))
                    && self.in_scope(selection.scope, f)
                    && self.in_unit(selection.unit, f, m, month, selection.attribution)
            })
            .collect()
    }

    /// Each member's current value and base for a window ending at `month`: flows summed over
    /// the window, stocks taken at its end. Missing months add nothing.
    pub fn figures(&self, series: &Series, members: &[usize], month: Month, window: Window) -> Vec<FirmFigure> {
        self.figures_against(series, members, month, window, 12)
    }

    /// As [`Cube::figures`], with the base `back` months earlier (24: two years, for the
    /// two-year average growth of domain.md §2.6).
    pub fn figures_against(
        &self,
        series: &Series,
        members: &[usize],
        month: Month,
        window: Window,
        back: i64,
    ) -> Vec<FirmFigure> {
        let Some(end) = self.month_index(month) else { return Vec::new() };
        let start = match (series.def.temporal, window) {
            (TemporalKind::Stock, _) | (TemporalKind::Flow, Window::Month) => end,
            (TemporalKind::Flow, Window::YearToDate) => end + 1 - month.month() as usize,
        };
        members
            .iter()
            .map(|&firm| {
                let (current, previous, reported) = paired_sums(self.row(series, firm), start as i64, end as i64, back);
                FirmFigure { firm, comparison: Comparison::new(current, previous), reported }
            })
            .collect()
    }

    /// The group keys of a firm for a dimension in month `m` (several for clusters and chains).
    pub(crate) fn groups(
        &self,
        dimension: Dimension,
        firm: usize,
        m: i64,
        month: Month,
        attribution: Attribution,
    ) -> Vec<Unit> {
        let at = match attribution {
            Attribution::AtMonth => Some(m),
            Attribution::Current => None,
        };
        match dimension {
            Dimension::District => {
                self.exclusive(MembershipKind::District, firm, at).map(Unit::District).into_iter().collect()
            }
            Dimension::Park => self.exclusive(MembershipKind::Park, firm, at).map(Unit::Park).into_iter().collect(),
            Dimension::Cluster => self.clusters_of(firm, at).into_iter().map(Unit::Cluster).collect(),
            Dimension::Chain => self.chains_of(firm, at).into_iter().map(Unit::Chain).collect(),
            Dimension::Division => vec![Unit::Division(self.firms[firm].division)],
            Dimension::Tier => vec![Unit::Tier(self.tier_at(firm, month))],
        }
    }
}

/// A part of a breakdown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Part {
    pub unit: Unit,
    pub firms: usize,
    pub comparison: Comparison,
}

/// Sums firm figures by a dimension; parts come in descending order of their current value.
pub fn break_down(
    cube: &Cube,
    figures: &[FirmFigure],
    dimension: Dimension,
    month: Month,
    attribution: Attribution,
) -> Vec<Part> {
    let Some(m) = cube.month_index(month) else { return Vec::new() };
    let mut parts: std::collections::BTreeMap<Unit, (usize, Comparison)> = std::collections::BTreeMap::new();
    for figure in figures {
        for unit in cube.groups(dimension, figure.firm, m as i64, month, attribution) {
            let entry = parts.entry(unit).or_insert((0, Comparison::new(0.0, 0.0)));
            entry.0 += 1;
            entry.1 = entry.1.plus(&figure.comparison);
        }
    }
    let mut parts: Vec<Part> =
        parts.into_iter().map(|(unit, (firms, comparison))| Part { unit, firms, comparison }).collect();
    parts.sort_by(|a, b| b.comparison.current.total_cmp(&a.comparison.current));
    parts
}

/// The sum of firm figures.
pub fn total(figures: &[FirmFigure]) -> Comparison {
    figures.iter().fold(Comparison::new(0.0, 0.0), |acc, f| acc.plus(&f.comparison))
}

/// The sums of a firm's reported months `from..=to` (cube indices) and of the same months
/// `back` earlier, with whether any month was reported. A month without a value (never
/// reported, or a draft or returned report, held as missing) is left out of both sides: a gap
/// is "not reported", never a fall to zero against the base (domain.md §2.3, same caliber).
fn paired_sums(row: &[f64], from: i64, to: i64, back: i64) -> (f64, f64, bool) {
    let at = |m: i64| usize::try_from(m).ok().and_then(|m| row.get(m)).copied().filter(|v| !v.is_nan());
    let (mut current, mut previous, mut reported) = (0.0, 0.0, false);
    for m in from.max(0)..=to {
        let Some(value) = at(m) else { continue };
        reported = true;
        current += value;
        previous += at(m - back).unwrap_or(0.0);
    }
    (current, previous, reported)
}

#[cfg(test)]
mod tests {
    use super::paired_sums;

    #[test]
    fn a_month_not_reported_leaves_both_sides_not_the_base_alone() {
        let nan = f64::NAN;
        // Months 0–2 last year, 12–14 this year; this year's second month is missing.
        let mut row = vec![nan; 15];
        row[..3].copy_from_slice(&[10.0, 20.0, 30.0]);
        row[12..].copy_from_slice(&[11.0, nan, 33.0]);
        assert_eq!(paired_sums(&row, 12, 14, 12), (44.0, 40.0, true), "the base leaves out 20 as well");
        assert_eq!(paired_sums(&row, 13, 13, 12), (0.0, 0.0, false), "not reported, not −100%");
        // A firm new this year: no base, its months count on the current side.
        let new = [vec![nan; 12], vec![5.0, 6.0, 7.0]].concat();
        assert_eq!(paired_sums(&new, 12, 14, 12), (18.0, 0.0, true));
        // A window reaching before the cube's first month.
        assert_eq!(paired_sums(&row, 0, 2, 12), (60.0, 0.0, true));
    }
}
