//! Commendation lists over the cube (domain::commendation): the firms of a scope with a
//! profile for the year, read as the ladder reads them (profiles and designations), above
//! designated size as the cube knows it at the year's end.

use serde::Serialize;
use xinzhi_domain::commendation::{CommendationEvidence, CommendationRules};
use xinzhi_domain::{Lang, MembershipKind};
use xinzhi_store::{EnterpriseId, Scope};

use crate::cube::Cube;
use crate::evaluation::year_end;
use crate::pools::FirmEvidence;
use crate::{Names, Profiles, Unit};

impl CommendationEvidence for FirmEvidence<'_> {
    fn above_scale(&self, year: i32) -> bool {
        year_end(self.cube, year).is_some_and(|end| self.cube.is_above_scale(self.firm, end))
    }
}

/// A firm on a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commended {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub district: String,
    pub place: usize,
    /// The ranking measure's value.
    pub value: f64,
}

/// An award's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommendationList {
    pub code: String,
    pub name: String,
    pub winners: Vec<Commended>,
    pub eligible: usize,
}

/// Every award's list of `year` among the firms of `scope` under `rules`.
pub fn lists(
    cube: &Cube,
    names: &Names,
    profiles: &Profiles,
    scope: &Scope,
    rules: &CommendationRules,
    year: i32,
    lang: Lang,
) -> Vec<CommendationList> {
    let firms: Vec<usize> = (0..cube.firm_count())
        .filter(|&f| {
            cube.in_scope(scope, f) && profiles.get(&cube.firm(f).enterprise_id).is_some_and(|p| p.has_year(year))
        })
        .collect();
    let evidence: Vec<FirmEvidence<'_>> = firms
        .iter()
        .map(|&f| FirmEvidence { profile: profiles.get(&cube.firm(f).enterprise_id), cube, firm: f })
        .collect();
    let firm_names: Vec<&str> = firms.iter().map(|&f| cube.firm(f).name.as_str()).collect();
    let end = year_end(cube, year);
    rules
        .evaluate(&evidence, &firm_names, year)
        .into_iter()
        .map(|list| CommendationList {
            name: list.name(lang).to_owned(),
            code: list.code,
            eligible: list.eligible,
            winners: list
                .winners
                .iter()
                .map(|w| {
                    let f = firms[w.firm];
                    let firm = cube.firm(f);
                    let district = cube
                        .exclusive(MembershipKind::District, f, end)
                        .map_or_else(String::new, |d| names.of(Unit::District(d), lang).1);
                    Commended {
                        enterprise_id: firm.enterprise_id,
                        credit_code: firm.credit_code.clone(),
                        name: firm.name.clone(),
                        district,
                        place: w.place,
                        value: w.value,
                    }
                })
                .collect(),
        })
        .collect()
}
