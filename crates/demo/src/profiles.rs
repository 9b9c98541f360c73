//! Annual profiles of the demo firms (domain::profile), derived from the plan: the financial
//! fields follow the firm's yearly level and traits (so that they agree with its monthly
//! values), the rest are drawn per firm from its own random stream, better for firms that
//! hold a ladder tier, as the designated firms of a real city are.

use rand::Rng;
use xinzhi_domain::programme::Programme;
use xinzhi_domain::{Month, Tier};

use crate::layout::INDUSTRIES;
use crate::plan::{Firm, Plan, stream};

/// The random stream of a firm's profile (distinct from every indicator's).
const PROFILE_STREAM: u64 = 9_001;

/// The random stream of a firm's programme recognitions.
const PROGRAMME_STREAM: u64 = 9_002;

/// A recognition of a demo firm: programme, level, date (yyyymmdd) and quantity.
pub type PlannedRecognition = (Programme, Option<&'static str>, i64, i64);

/// Industries whose main products count as strategic emerging (战略性新兴产业), by code prefix.
const STRATEGIC: [&str; 6] = ["C38", "C39", "C35", "C27", "C34", "C30"];

impl Plan {
    /// The tiers the firm holds at the end of `year`.
    pub fn tiers_held(&self, firm: usize, year: i32) -> Vec<Tier> {
        let end = i64::from(year) * 10_000 + 1231;
        self.designations.iter().filter(|d| d.firm == firm && d.granted_on <= end).map(|d| d.tier).collect()
    }

    /// The firm's profile of `year`, field by field; empty when it did not produce that year.
    pub fn firm_profile(&self, firm: &Firm, year: i32) -> Vec<(&'static str, f64)> {
        let share = firm.active_share(self.config.seed, year);
        if share <= 0.0 {
            return Vec::new();
        }
        let t = firm.traits;
        let level = firm.level(self.first_year, year);
        let output = level * share;
        let revenue = output * t.main_revenue_ratio * 1.04;
        let main_revenue = output * t.main_revenue_ratio;
        let employees = firm.employees(self.first_year, year);
        let held = self.tiers_held(firm.index, year);
        let holds = |tier: Tier| held.contains(&tier);
        let lift = if holds(Tier::LittleGiant) || holds(Tier::SingleChampion) {
            0.5
        } else if holds(Tier::SrdiSme) {
            0.35
        } else if holds(Tier::InnovativeSme) {
            0.2
        } else {
            0.0
        };
        // A per-firm draw (the same every year) and one per year.
        let mut own = stream(self.config.seed, firm.index, 0, PROFILE_STREAM);
        let mut yearly = stream(self.config.seed, firm.index, year, PROFILE_STREAM);
        let talent: f64 = own.random::<f64>() * 0.6 + lift;
        let chance =
            |rng: &mut rand_chacha::ChaCha8Rng, p: f64| f64::from(u8::from(rng.random::<f64>() < p.clamp(0.0, 1.0)));
        let rd_percent = t.rd_ratio * 100.0;
        let ip_class1 = (rd_percent * (talent + yearly.random::<f64>() * 0.5)).floor().max(0.0);
        let ip_class1_own = (ip_class1 * (0.4 + own.random::<f64>() * 0.5)).floor();
        let high_value = if lift >= 0.5 { 1.0 + (own.random::<f64>() * 2.0).floor() } else { chance(&mut own, 0.02) };
        let ip_class2 = (rd_percent * 2.0 * (talent + yearly.random::<f64>())).floor();
        let financed = own.random::<f64>() < 0.06 + lift * 0.1;
        let equity_2y = if financed { (500.0 + own.random::<f64>() * 8_000.0).round() } else { 0.0 };
        let institution = ((talent * 4.0 + yearly.random::<f64>() * 0.8).floor()).clamp(0.0, 4.0);
        let digital = ((talent * 3.0 + 1.0 + yearly.random::<f64>() * 0.7).floor()).clamp(0.0, 4.0);
        let code = INDUSTRIES[firm.industry].code;
        let strategic = f64::from(u8::from(STRATEGIC.iter().any(|p| code.starts_with(p))));
        let on_chain = !firm.segments.is_empty();
        let chain_role = if on_chain { if talent > 0.55 { 2.0 } else { 1.0 } } else { chance(&mut own, 0.1) };
        let niche_years = f64::from((year - firm.established.year()).max(0));
        let (niche_share, global_rank) = if holds(Tier::SingleChampion) {
            (35.0 + own.random::<f64>() * 30.0, (1.0 + own.random::<f64>() * 3.0).floor().min(3.0))
        } else if holds(Tier::LittleGiant) {
            (10.0 + own.random::<f64>() * 20.0, 0.0)
        } else {
            ((own.random::<f64>() * 12.0 * (0.4 + talent)).min(100.0), 0.0)
        };
        let round = |v: f64| (v * 10.0).round() / 10.0;
        let industry = &INDUSTRIES[firm.industry];
        let energy = output * industry.kwh_per_wan * 1.229 * 1.15;
        vec![
            ("operating_revenue", round(revenue)),
            ("main_revenue", round(main_revenue)),
            ("net_profit", round(revenue * t.margin * 0.75)),
            ("total_assets", round(level * t.asset_ratio)),
            ("total_liabilities", round(level * t.asset_ratio * t.debt_ratio)),
            ("rd_expense", round(revenue * t.rd_ratio)),
            ("employees", employees),
            ("rd_staff", (employees * (t.rd_ratio * 4.0 + 0.02).min(0.6)).round()),
            ("niche_years", niche_years),
            ("niche_share", round(niche_share)),
            ("global_rank", global_rank),
            ("ip_class1_high_value", high_value),
            ("ip_class1_own", ip_class1_own),
            ("ip_class1", ip_class1),
            ("ip_class2", ip_class2),
            ("equity_financing_2y", equity_2y),
            ("equity_financing_3y", equity_2y + if chance(&mut own, 0.3) > 0.0 { 300.0 } else { 0.0 }),
            ("rd_institution", institution),
            ("digital_level", digital),
            ("quality_items", ((talent * 4.0 + yearly.random::<f64>()).floor()).clamp(0.0, 4.0)),
            ("management_certified", chance(&mut own, 0.3 + talent)),
            ("core_it_system", chance(&mut own, 0.35 + talent)),
            ("own_brand", chance(&mut own, 0.5 + talent * 0.6)),
            ("strategic_emerging", strategic),
            ("chain_role", chain_role),
            ("st_award", if chance(&mut own, 0.01 + lift * 0.2) > 0.0 { 1.0 + chance(&mut own, 0.3) } else { 0.0 }),
            ("qualified_title", chance(&mut own, if rd_percent >= 3.0 { 0.25 + lift } else { 0.03 })),
            ("maker_china", if chance(&mut own, 0.01 + lift * 0.05) > 0.0 { 1.0 + chance(&mut own, 0.2) } else { 0.0 }),
            ("taxes_paid", round(output * 0.041)),
            ("value_added", round(output * 0.27)),
            ("energy_tce", round(energy)),
            ("emissions", round(energy * 0.02)),
        ]
    }
}

impl Plan {
    /// The firm's digital and green recognitions over the years of `years`: larger and
    /// designated firms more often; each programme once, stations and products in any year.
    pub fn programme_records(&self, firm: &Firm, years: std::ops::RangeInclusive<i32>) -> Vec<PlannedRecognition> {
        let mut rng = stream(self.config.seed, firm.index, 0, PROGRAMME_STREAM);
        let mut found: Vec<PlannedRecognition> = Vec::new();
        for year in years {
            let Ok(december) = Month::new(year, 12) else { continue };
            if firm.active_share(self.config.seed, year) <= 0.0 {
                continue;
            }
            let above = firm.is_above_scale(december);
            let tiered = !self.tiers_held(firm.index, year).is_empty();
            let boost = if tiered {
                2.5
            } else if above {
                1.5
            } else {
                1.0
            };
            let date = i64::from(year) * 10_000 + [331, 630, 930, 1215][rng.random_range(0..4)];
            let once = |p: Programme, found: &[PlannedRecognition]| !found.iter().any(|r| r.0 == p);
            let mut draw = |p: f64| rng.random::<f64>() < p * boost;
            if once(Programme::Cloud, &found) && draw(0.12) {
                found.push((Programme::Cloud, Some(if tiered { "star4" } else { "star3" }), date, 1));
            }
            if above && once(Programme::Platform, &found) && draw(0.06) {
                found.push((Programme::Platform, None, date, 1));
            }
            if above && once(Programme::SmartWorkshop, &found) && draw(0.03) {
                found.push((Programme::SmartWorkshop, Some("municipal"), date, 1));
            }
            if above && once(Programme::SmartFactory, &found) && draw(0.01) {
                found.push((Programme::SmartFactory, Some("basic"), date, 1));
            }
            if above && draw(0.04) {
                let stations = 2 + (firm.index as i64 + i64::from(year)) % 12;
                found.push((Programme::SmartStation, None, date, stations));
            }
            if above && once(Programme::GreenFactory, &found) && draw(0.01) {
                found.push((Programme::GreenFactory, Some(if tiered { "provincial" } else { "municipal" }), date, 1));
            }
            if above && draw(0.006) {
                found.push((Programme::GreenProduct, Some("provincial"), date, 1 + (firm.index as i64) % 3));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DemoConfig, Scale};

    #[test]
    fn profiles_are_valid_and_designated_firms_look_the_part() {
        let plan = Plan::build(&DemoConfig::new(Scale::Small, 42)).expect("plan");
        let year = plan.last_year;
        let rd_of = |tiered: bool| {
            let values: Vec<f64> = plan
                .firms
                .iter()
                .filter(|f| plan.tiers_held(f.index, year).is_empty() != tiered)
                .filter_map(|f| {
                    let profile = plan.firm_profile(f, year);
                    for (code, value) in &profile {
                        let field = xinzhi_domain::profile::field(code).expect("a catalogue field");
                        assert!(field.check(*value).is_ok(), "{code} = {value}");
                    }
                    profile.iter().find(|(c, _)| *c == "rd_institution").map(|(_, v)| *v)
                })
                .collect();
            values.iter().sum::<f64>() / values.len().max(1) as f64
        };
        let (tiered, others) = (rd_of(true), rd_of(false));
        assert!(tiered > others, "designated firms have better R&D institutions: {tiered} against {others}");
        let firm = &plan.firms[0];
        assert_eq!(plan.firm_profile(firm, year), plan.firm_profile(firm, year), "deterministic");
    }
}
