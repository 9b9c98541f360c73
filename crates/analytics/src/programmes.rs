//! The digital and green programmes' counts (domain::programme) of a scope, year by year, as
//! the cockpit's targets count them (`new_cloud`, `new_smart_station`, …).

use std::collections::BTreeMap;

use serde::Serialize;
use xinzhi_domain::Month;
use xinzhi_domain::programme::Programme;
use xinzhi_store::Scope;

use crate::cockpit::new_recognitions;
use crate::cube::Cube;
use crate::measures::Selection;

/// A programme's count per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProgrammeCount {
    pub programme: Programme,
    /// The count of each year (a current year counts to date).
    pub by_year: BTreeMap<i32, i64>,
}

/// Every programme's count per year of the cube through `through` within `scope`.
pub fn programme_counts(cube: &Cube, scope: &Scope, through: Month) -> Vec<ProgrammeCount> {
    let mut span = cube.months();
    span.last = span.last.min(through);
    let selection = Selection::above_scale(scope);
    let year_ends: Vec<(i32, Month)> = (span.first.year()..=span.last.year())
        .filter_map(|y| Some((y, Month::new(y, 12).ok()?.min(span.last))))
        .collect();
    Programme::ALL
        .iter()
        .map(|&programme| ProgrammeCount {
            programme,
            by_year: year_ends
                .iter()
                .map(|&(y, end)| (y, new_recognitions(cube, &selection, programme, end)))
                .collect(),
        })
        .collect()
}
