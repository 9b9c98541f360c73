//! The 亩均 evaluation over the cube (domain::mu): who is in each group for a year, what the
//! rules read of each firm (its profile, its land, the year's electricity from the monthly
//! reports), and the results by district and park, with tax per mu against the year before.

use std::collections::BTreeMap;

use serde::Serialize;
use xinzhi_domain::mu::{self, Group, GroupRules, MuEvidence, MuResult, Source};
use xinzhi_domain::{MembershipKind, Month};
use xinzhi_store::cultivation::FirmProfile;
use xinzhi_store::evaluation::NewMuResult;
use xinzhi_store::{EnterpriseId, Scope};

use crate::cube::Cube;
use crate::{Names, Profiles, Unit};

/// A firm as the 亩均 rules read it.
struct MuFirm<'a> {
    profile: &'a FirmProfile,
    year: i32,
    land: f64,
    electricity: Option<f64>,
    division: u8,
    established_on: Option<i64>,
}

impl MuEvidence for MuFirm<'_> {
    fn source(&self, source: &Source) -> Option<f64> {
        match source {
            Source::Profile { field } => self.profile.get(self.year, field),
            Source::Land => Some(self.land),
            Source::Electricity => self.electricity,
        }
    }

    fn division(&self) -> u8 {
        self.division
    }

    fn years_established(&self) -> Option<u32> {
        let established = i32::try_from(self.established_on? / 10_000).ok()?;
        u32::try_from(self.year - established).ok()
    }
}

/// The month index of December of `year`, or the cube's last month when it ends earlier.
pub(crate) fn year_end(cube: &Cube, year: i32) -> Option<i64> {
    let december = Month::new(year, 12).ok()?;
    match cube.month_index(december) {
        Some(m) => Some(m as i64),
        None if december > cube.months().last && cube.months().last.year() == year => {
            cube.month_index(cube.months().last).map(|m| m as i64)
        }
        None => None,
    }
}

/// The year's electricity of a firm from the cube (万kWh), when the series is loaded and the
/// firm reported any month of it.
fn electricity_of(cube: &Cube, firm: usize, year: i32) -> Option<f64> {
    let series = cube.series_by_code("electricity")?;
    let row = cube.row(series, firm);
    let first = usize::try_from(Month::new(year, 1).ok()?.months_after(cube.months().first)).ok()?;
    let months: Vec<f64> = (first..first + 12).filter_map(|m| row.get(m).copied()).filter(|v| !v.is_nan()).collect();
    (!months.is_empty()).then(|| months.iter().sum())
}

/// The firms of a group in `year`: above-scale at the year's end (or not, for below-scale
/// industrial firms), with a profile that year and at least the group's minimum land.
pub fn members(cube: &Cube, profiles: &Profiles, rules: &GroupRules, year: i32) -> Vec<usize> {
    let Some(end) = year_end(cube, year) else { return Vec::new() };
    (0..cube.firm_count())
        .filter(|&f| {
            let firm = cube.firm(f);
            let above = cube.is_above_scale(f, end);
            let in_group = match rules.group {
                Group::AboveScale => above,
                Group::BelowScale => !above && firm.is_industrial(),
            };
            in_group
                && firm.land_mu.is_some_and(|l| l > 0.0 && l >= rules.min_land_mu)
                && profiles.get(&firm.enterprise_id).is_some_and(|p| p.has_year(year))
        })
        .collect()
}

/// A firm's result in its group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MuLine {
    pub enterprise_id: EnterpriseId,
    #[serde(flatten)]
    pub result: MuResult,
}

impl From<MuLine> for NewMuResult {
    fn from(line: MuLine) -> NewMuResult {
        let MuResult { total, items, rank, class, exempt, .. } = line.result;
        NewMuResult { enterprise_id: line.enterprise_id, total, rank, class, exempt, items }
    }
}

/// Evaluates every firm of the group for `year` (the whole city: groups are ranked city-wide).
pub fn evaluate(cube: &Cube, profiles: &Profiles, rules: &GroupRules, year: i32) -> Vec<MuLine> {
    let firms = members(cube, profiles, rules, year);
    let evidence: Vec<MuFirm<'_>> = firms
        .iter()
        .filter_map(|&f| {
            let firm = cube.firm(f);
            Some(MuFirm {
                profile: profiles.get(&firm.enterprise_id)?,
                year,
                land: firm.land_mu.unwrap_or(0.0),
                electricity: electricity_of(cube, f, year),
                division: firm.division,
                established_on: firm.established_on,
            })
        })
        .collect();
    mu::evaluate(rules, &evidence)
        .into_iter()
        .map(|result| MuLine { enterprise_id: cube.firm(firms[result.firm]).enterprise_id, result })
        .collect()
}

/// The district or park a firm belonged to last in `year` (at the year's end, or when it
/// left: a firm closed in the year is still evaluated for it).
fn unit_in_year(cube: &Cube, kind: MembershipKind, firm: usize, year: i32, end: Option<i64>) -> Option<i64> {
    let end = end?;
    let january = Month::new(year, 1).ok().and_then(|m| cube.month_index(m)).map_or(0, |m| m as i64);
    (january..=end).rev().find_map(|m| cube.exclusive(kind, firm, Some(m)))
}

/// Classes and tax per mu of a district or park.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitEfficiency {
    pub code: String,
    pub name: String,
    /// Firms per class (T for rated, not graded).
    pub classes: BTreeMap<String, usize>,
    pub firms: usize,
    pub land_mu: f64,
    /// Taxes over land of the unit's evaluated firms, 万元/亩, this year and the year before
    /// (the same firms, as far as they have taxes both years).
    pub tax_per_mu: Option<f64>,
    pub tax_per_mu_last_year: Option<f64>,
    pub tax_per_mu_growth_pct: Option<f64>,
}

/// What a unit's firms add up to.
#[derive(Default)]
struct UnitTally {
    classes: BTreeMap<String, usize>,
    firms: usize,
    land: f64,
    /// Taxes this year and the year before, and the land, of the firms with both.
    taxes: f64,
    taxes_before: f64,
    land_with_both: f64,
}

/// The results of `lines` (firm and class, of `year`) by district or park, as the firms belong
/// last in the year, within `scope`.
#[allow(clippy::too_many_arguments)]
pub fn by_unit(
    cube: &Cube,
    names: &Names,
    profiles: &Profiles,
    scope: &Scope,
    lines: &[(EnterpriseId, Option<String>)],
    kind: MembershipKind,
    year: i32,
    lang: xinzhi_domain::Lang,
) -> Vec<UnitEfficiency> {
    let end = year_end(cube, year);
    let mut units: BTreeMap<i64, UnitTally> = BTreeMap::new();
    for (enterprise, class) in lines {
        let Some(&f) = cube.index.get(enterprise) else { continue };
        if !cube.in_scope(scope, f) {
            continue;
        }
        let Some(unit) = unit_in_year(cube, kind, f, year, end) else { continue };
        let tally = units.entry(unit).or_default();
        *tally.classes.entry(class.clone().unwrap_or_else(|| "T".into())).or_default() += 1;
        tally.firms += 1;
        let land = cube.firm(f).land_mu.unwrap_or(0.0);
        tally.land += land;
        let profile = profiles.get(enterprise);
        let (now, then) =
            (profile.and_then(|p| p.get(year, "taxes_paid")), profile.and_then(|p| p.get(year - 1, "taxes_paid")));
        if let (Some(now), Some(then)) = (now, then) {
            tally.taxes += now;
            tally.taxes_before += then;
            tally.land_with_both += land;
        }
    }
    units
        .into_iter()
        .map(|(id, tally)| {
            let unit = match kind {
                MembershipKind::Park => Unit::Park(id),
                _ => Unit::District(id),
            };
            let (code, name) = names.of(unit, lang);
            let per_mu = |t: f64| (tally.land_with_both > 0.0).then(|| t / tally.land_with_both);
            let (now, then) = (per_mu(tally.taxes), per_mu(tally.taxes_before));
            UnitEfficiency {
                code,
                name,
                classes: tally.classes,
                firms: tally.firms,
                land_mu: tally.land,
                tax_per_mu: now,
                tax_per_mu_last_year: then,
                tax_per_mu_growth_pct: match (now, then) {
                    (Some(n), Some(t)) if t > 0.0 => Some((n / t - 1.0) * 100.0),
                    _ => None,
                },
            }
        })
        .collect()
}
