//! Commendation lists (表彰名单) from rules a city writes: star enterprises by tax contribution
//! and growth, "growth stars", … domain.md §9.5 found no published rule for "星级企业", so the
//! rules are a scorecard over the annual profiles (🛠): each award has eligibility conditions
//! (the ladder's rule trees and measures, domain::criteria), a measure that ranks the eligible
//! firms and an optional number of places. Awards are read in order; with
//! `one_award_per_firm` a firm receives only the first it wins (five stars, not also four).
//! Rule sets are versioned and effective-dated like the others; the shipped set is an example.

use crate::shipped::ShippedRulesError;
use serde::{Deserialize, Serialize};

use crate::criteria::{Evidence, Gap, Measure, Rule, RulesError};
use crate::lang::Lang;

/// One award of a rule set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Award {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Only firms above designated size at the end of the year.
    #[serde(default)]
    pub above_scale_only: bool,
    /// All must hold.
    pub eligibility: Vec<Rule>,
    /// Eligible firms are ranked by this, highest first (ties share a place, by name after).
    pub rank_by: Measure,
    /// How many places, when limited; firms tied at the last place all receive it.
    #[serde(default)]
    pub places: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommendationRules {
    pub version: String,
    /// yyyymmdd from which the rules apply.
    pub effective_from: i64,
    pub source: String,
    #[serde(default)]
    pub one_award_per_firm: bool,
    pub awards: Vec<Award>,
}

/// What an award reads of a firm besides its profiles.
pub trait CommendationEvidence: Evidence {
    fn above_scale(&self, year: i32) -> bool;
}

/// A firm on an award's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Winner {
    /// The caller's index of the firm.
    pub firm: usize,
    /// 1 = first; tied firms share a place.
    pub place: usize,
    /// The ranking measure's value.
    pub value: f64,
}

/// An award's list for a year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AwardList {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub winners: Vec<Winner>,
    /// Firms that met the conditions but lost their place to the limit (or to an earlier award).
    pub eligible: usize,
}

impl AwardList {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_zh, &self.name_en)
    }
}

impl CommendationRules {
    /// Checks the fields every condition and ranking reads and the version.
    pub fn check(&self) -> Result<(), RulesError> {
        if self.version.trim().is_empty() {
            return Err(RulesError::NoVersion);
        }
        for award in &self.awards {
            let measures = award.eligibility.iter().flat_map(Rule::conditions).map(|c| &c.measure);
            for measure in measures.chain([&award.rank_by]) {
                if let Some(f) = measure.fields().into_iter().find(|f| crate::profile::field(f).is_none()) {
                    return Err(RulesError::UnknownField(award.code.clone(), f));
                }
            }
        }
        Ok(())
    }

    /// What `firm` still misses for `award` in `year` (empty: eligible).
    pub fn gaps(award: &Award, firm: &impl Evidence, year: i32) -> Vec<Gap> {
        award.eligibility.iter().flat_map(|r| r.check(firm, year)).collect()
    }

    /// Every award's list for `year`. `names[i]` breaks ties between equal values.
    pub fn evaluate<E: CommendationEvidence>(&self, firms: &[E], names: &[&str], year: i32) -> Vec<AwardList> {
        let mut taken = vec![false; firms.len()];
        self.awards
            .iter()
            .map(|award| {
                let mut eligible: Vec<(usize, f64)> = firms
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| {
                        !(self.one_award_per_firm && taken[*i])
                            && (!award.above_scale_only || f.above_scale(year))
                            && CommendationRules::gaps(award, *f, year).is_empty()
                    })
                    .filter_map(|(i, f)| Some((i, award.rank_by.value(f, year)?)))
                    .collect();
                eligible.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| names[a.0].cmp(names[b.0])));
                let mut winners: Vec<Winner> = Vec::new();
                for (k, &(firm, value)) in eligible.iter().enumerate() {
                    let place = match winners.last() {
                        Some(w) if w.value == value => w.place,
                        _ => k + 1,
                    };
                    if award.places.is_some_and(|limit| place > limit) {
                        break;
                    }
                    winners.push(Winner { firm, place, value });
                }
                for w in &winners {
                    taken[w.firm] = true;
                }
                AwardList {
                    code: award.code.clone(),
                    name_zh: award.name_zh.clone(),
                    name_en: award.name_en.clone(),
                    eligible: eligible.len(),
                    winners,
                }
            })
            .collect()
    }
}

/// The shipped example (🛠, domain.md §9.5 ❓): five, four and three stars by taxes paid with
/// taxes not falling, and twenty "growth stars" by the growth of taxes among firms paying at
/// least 200万元. Each firm receives one award.
pub fn star_enterprises_example() -> Result<CommendationRules, ShippedRulesError> {
    crate::shipped::read(
        "commendation_star_enterprises_example.json",
        include_str!("../rules/commendation_star_enterprises_example.json"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Firm {
        taxes: [Option<f64>; 2],
        above: bool,
    }

    impl Evidence for Firm {
        fn field(&self, year: i32, field: &str) -> Option<f64> {
            (field == "taxes_paid").then(|| self.taxes[usize::try_from(year - 2023).ok()?]).flatten()
        }
        fn holds(&self, _: crate::Tier, _: i32) -> bool {
            false
        }
    }

    impl CommendationEvidence for Firm {
        fn above_scale(&self, _: i32) -> bool {
            self.above
        }
    }

    fn firm(before: f64, now: f64) -> Firm {
        Firm { taxes: [Some(before), Some(now)], above: true }
    }

    #[test]
    fn stars_go_to_the_first_award_won_at_the_edges_of_the_floors() {
        let rules = star_enterprises_example().expect("the shipped rules read");
        rules.check().expect("the example is valid");
        // 5000 exactly is five stars (at least); 4999 four; 2000 with a fall in taxes nothing
        // starred; 1000 growing 5% exactly three stars, 4.9% not; below scale: no star.
        let firms = [
            firm(4_000.0, 5_000.0),
            firm(4_000.0, 4_999.0),
            firm(2_500.0, 2_000.0),
            firm(1_000.0, 1_050.0),
            firm(1_000.0, 1_049.0),
            Firm { taxes: [Some(5_000.0), Some(9_000.0)], above: false },
        ];
        let names = ["甲", "乙", "丙", "丁", "戊", "己"];
        let lists = rules.evaluate(&firms, &names, 2024);
        let of = |code: &str| -> Vec<usize> {
            lists.iter().find(|l| l.code == code).expect(code).winners.iter().map(|w| w.firm).collect()
        };
        assert_eq!(of("five_star"), [0]);
        assert_eq!(of("four_star"), [1]);
        assert_eq!(of("three_star"), [3]);
        // Growth stars (≥ 200万, ≥ 20%): firm 0 (25%) is five stars already; firm 5 (80%) is
        // below scale, which this award allows.
        assert_eq!(of("growth_star"), [5]);
        let five = &lists[0];
        assert_eq!(five.winners[0].value, 5_000.0);
        let gaps = CommendationRules::gaps(&rules.awards[2], &firms[4], 2024);
        assert_eq!(gaps.len(), 1);
        assert_eq!(gaps[0].message(Lang::ZhCn), "实缴税金增长 4.9% < 5%");
    }

    #[test]
    fn places_are_shared_on_a_tie_and_the_tie_at_the_limit_comes_in_whole() {
        let mut rules = star_enterprises_example().expect("the shipped rules read");
        rules.one_award_per_firm = false;
        rules.awards.truncate(1);
        rules.awards[0].places = Some(2);
        let firms = [firm(5_000.0, 9_000.0), firm(5_000.0, 7_000.0), firm(5_000.0, 7_000.0), firm(5_000.0, 6_000.0)];
        let lists = rules.evaluate(&firms, &["a", "b", "c", "d"], 2024);
        let places: Vec<(usize, usize)> = lists[0].winners.iter().map(|w| (w.firm, w.place)).collect();
        assert_eq!(places, [(0, 1), (1, 2), (2, 2)], "two places, three firms: the tie at 2nd stays whole");
        assert_eq!(lists[0].eligible, 4);
    }

    #[test]
    fn a_misspelt_field_is_refused() {
        let mut rules = star_enterprises_example().expect("the shipped rules read");
        rules.awards[0].rank_by = Measure::Field { field: "taxes_payed".into() };
        assert_eq!(rules.check(), Err(RulesError::UnknownField("five_star".into(), "taxes_payed".into())));
    }
}
