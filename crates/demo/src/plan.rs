//! The plan of a demo city: every firm's identity, traits and yearly output level, its
//! memberships and designations. Small enough to hold in memory at any scale (one record per
//! firm); the monthly values are derived from it on demand (see `values.rs`).
//!
//! Calibration, year by year, in order:
//! 1. raw levels: last year's level × (1 + industry drift + firm effect + shock);
//! 2. the above-scale set S_y of December is known (entries and exits were decided at the end
//!    of the year before; new plants are admitted in monthly batches; closures leave);
//! 3. every level of the year is scaled by one factor so that Σ_S output_y / Σ_S output_{y−1}
//!    is exactly the target growth of the year (the same-caliber rule of domain.md §2.3);
//! 4. the annual batch for next year: firms whose main revenue fell under 20 M CNY leave;
//!    exactly as many firms as the year's entry target cross the threshold and enter.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};
use xinzhi_domain::{CreditCode, DesignationLevel, Month, SizeBands, Tier};

use crate::layout::{self, INDUSTRIES};
use crate::{DemoConfig, DemoError};

/// The above-scale threshold: main-business revenue of 2000 万元 a year (domain.md §1.1).
pub const THRESHOLD_WAN: f64 = 2_000.0;

/// The seasonal shape of monthly output: the January–February dip around the Spring Festival
/// and the December push to close the year.
pub const SEASONALITY: [f64; 12] = [0.62, 0.66, 0.97, 0.97, 1.00, 1.06, 0.97, 0.98, 1.04, 1.01, 1.07, 1.28];

/// Same-caliber growth of above-scale gross output by year, in percent. 2023 is Yongzhou's
/// published 2.5% (seed report 001).
const GROWTH_TARGETS: [(i32, f64); 10] = [
    (2015, 6.8),
    (2016, 6.5),
    (2017, 7.6),
    (2018, 7.2),
    (2019, 7.9),
    (2020, 3.1),
    (2021, 12.4),
    (2022, 6.1),
    (2023, 2.5),
    (2024, 6.8),
];

/// Firms entering the above-scale set per year, for a city of 3,000 firms; 2023 is
/// Yongzhou's published 156.
const ENTRY_TARGETS: [(i32, f64); 10] = [
    (2015, 120.0),
    (2016, 115.0),
    (2017, 130.0),
    (2018, 125.0),
    (2019, 135.0),
    (2020, 98.0),
    (2021, 148.0),
    (2022, 139.0),
    (2023, 156.0),
    (2024, 142.0),
];

/// New ladder designations per year for 3,000 firms: (tier, level, per year, in 2023).
/// 2023 follows report 001: 105 provincial SRDI SMEs, 3 little giants, 6 provincial champions.
const DESIGNATION_TARGETS: [(Tier, DesignationLevel, f64, f64); 5] = [
    (Tier::InnovativeSme, DesignationLevel::Provincial, 110.0, 130.0),
    (Tier::SrdiSme, DesignationLevel::Provincial, 70.0, 105.0),
    (Tier::LittleGiant, DesignationLevel::National, 2.0, 3.0),
    (Tier::SingleChampion, DesignationLevel::Provincial, 3.0, 6.0),
    (Tier::SingleChampion, DesignationLevel::National, 0.3, 0.0),
];

/// Year whose figures the demo is calibrated to.
pub const CALIBRATION_YEAR: i32 = 2023;

/// A firm of the demo city.
#[derive(Debug, Clone)]
pub struct Firm {
    pub index: usize,
    pub credit_code: CreditCode,
    pub name: String,
    pub industry: usize,
    pub district: usize,
    /// (district, from) after a move within the window.
    pub moved_to: Option<(usize, Month)>,
    pub park: Option<usize>,
    pub established: Month,
    pub established_day: u32,
    /// Months from the start of production to admission in a monthly batch (new plants).
    pub admission_lag: i64,
    /// Last month of production.
    pub closed: Option<Month>,
    pub land_mu: f64,
    pub traits: Traits,
    /// Full-year-equivalent gross output (万元) per year, from the year before the window.
    pub levels: Vec<f64>,
    /// Above-scale memberships: (from, to).
    pub above_scale: Vec<(Month, Option<Month>)>,
    /// Chain segments: (cluster, chain, segment) indices into the layout, and from when.
    pub segments: Vec<(usize, usize, usize, Month)>,
}

/// Ratios that shape a firm's other indicators around its output.
#[derive(Debug, Clone, Copy)]
pub struct Traits {
    pub main_revenue_ratio: f64,
    pub sales_rate: f64,
    pub cost_ratio: f64,
    pub margin: f64,
    pub rd_ratio: f64,
    pub asset_ratio: f64,
    pub debt_ratio: f64,
    pub employee_factor: f64,
}

#[derive(Debug, Clone)]
pub struct PlannedDesignation {
    pub firm: usize,
    pub tier: Tier,
    pub level: DesignationLevel,
    pub granted_on: i64,
    pub batch: String,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub config: DemoConfig,
    pub first_year: i32,
    pub last_year: i32,
    pub firms: Vec<Firm>,
    pub designations: Vec<PlannedDesignation>,
    /// (cluster, chain) → chain-owner firm.
    pub chain_owners: Vec<(usize, usize, usize)>,
}

fn pick_weighted(rng: &mut ChaCha8Rng, weights: impl Iterator<Item = f64> + Clone) -> usize {
    let total: f64 = weights.clone().sum();
    let mut target = rng.random::<f64>() * total;
    let mut last = 0;
    for (i, w) in weights.enumerate() {
        if target < w {
            return i;
        }
        target -= w;
        last = i;
    }
    last
}

const USCI_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit_code(
    rng: &mut ChaCha8Rng,
    region: &str,
    modern: bool,
    taken: &mut HashSet<String>,
) -> Result<CreditCode, DemoError> {
    for _ in 0..1000 {
        let org: String = if modern {
            let tail: String =
                (0..6).map(|_| USCI_ALPHABET[rng.random_range(0..USCI_ALPHABET.len())] as char).collect();
            format!("MA{tail}")
        } else {
            (0..8).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
        };
        let Some(check) = CreditCode::organization_check(&org) else { continue };
        let Some(code) = CreditCode::from_prefix(&format!("91{region}{org}{check}")) else { continue };
        if taken.insert(code.as_str().to_owned()) {
            return Ok(code);
        }
    }
    Err(DemoError::Exhausted("credit codes"))
}

fn firm_name(
    rng: &mut ChaCha8Rng,
    district: usize,
    industry: usize,
    taken: &mut HashSet<String>,
) -> Result<String, DemoError> {
    let syllables = &layout::BRAND_SYLLABLES;
    for attempt in 0..200 {
        let a = syllables[rng.random_range(0..syllables.len())];
        let b = syllables[rng.random_range(0..syllables.len())];
        if a == b {
            continue;
        }
        let prefix = match rng.random_range(0..10) {
            0..=3 => layout::DISTRICTS[district].3,
            4..=5 => "潇州",
            _ => "",
        };
        let suffix = layout::COMPANY_SUFFIXES[pick_weighted(rng, [0.7, 0.1, 0.2].into_iter())];
        let word = INDUSTRIES[industry].name_word;
        let extra = if attempt > 100 { "科技" } else { "" };
        let name = format!("{prefix}{a}{b}{word}{extra}{suffix}");
        if taken.insert(name.clone()) {
            return Ok(name);
        }
    }
    Err(DemoError::Exhausted("firm names"))
}

/// A reproducible stream of random numbers for one (firm, year, purpose), independent of every
/// other stream, so that any subset of indicators yields the same values.
pub fn stream(seed: u64, firm: usize, year: i32, purpose: u64) -> ChaCha8Rng {
    // SplitMix64 finaliser over the packed key.
    let mut z = seed
        ^ (firm as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (year as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ purpose.wrapping_mul(0x1656_67B1_9E37_79F9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ChaCha8Rng::seed_from_u64(z ^ (z >> 31))
}

/// Month weights of a firm's year: the seasonal shape with ±4% noise, summing to 1, so that
/// the year's months add up exactly to its full-year level.
pub fn month_weights(seed: u64, firm: usize, year: i32) -> [f64; 12] {
    let mut rng = stream(seed, firm, year, 0);
    let mut weights = SEASONALITY;
    for w in &mut weights {
        *w *= 1.0 + (rng.random::<f64>() - 0.5) * 0.08;
    }
    let total: f64 = weights.iter().sum();
    weights.map(|w| w / total)
}

impl Firm {
    /// The months of `year` in which the firm produces.
    pub fn active_months(&self, year: i32) -> Option<(Month, Month)> {
        let first = Month::new(year, 1).ok()?.max(self.established);
        let last = Month::new(year, 12).ok()?;
        let last = self.closed.map_or(last, |c| c.min(last));
        (first <= last).then_some((first, last))
    }

    /// Share of the full-year level produced in `year` (the weights of the active months).
    pub fn active_share(&self, seed: u64, year: i32) -> f64 {
        let Some((first, last)) = self.active_months(year) else { return 0.0 };
        let weights = month_weights(seed, self.index, year);
        (first.month()..=last.month()).map(|m| weights[(m - 1) as usize]).sum()
    }

    pub fn level(&self, first_year: i32, year: i32) -> f64 {
        usize::try_from(year - first_year + 1).ok().and_then(|i| self.levels.get(i)).copied().unwrap_or(0.0)
    }

    pub fn is_above_scale(&self, month: Month) -> bool {
        self.above_scale.iter().any(|(from, to)| *from <= month && to.is_none_or(|t| month <= t))
    }

    pub fn district_at(&self, month: Month) -> usize {
        match self.moved_to {
            Some((district, from)) if month >= from => district,
            _ => self.district,
        }
    }

    /// Employees in `year`, growing with the square root-ish of output.
    pub fn employees(&self, first_year: i32, year: i32) -> f64 {
        (self.traits.employee_factor * self.level(first_year, year).max(50.0).powf(0.55)).round().max(5.0)
    }
}

impl Plan {
    pub fn build(config: &DemoConfig) -> Result<Plan, DemoError> {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let (first_month, last_month) = config.scale.window();
        let (first_year, last_year) = (first_month.year(), last_month.year());
        let n = config.scale.enterprises();
        let scale_factor = n as f64 / 3_000.0;
        let years = (last_year - first_year + 1) as usize;

        let size: LogNormal<f64> = LogNormal::new(6.98, 1.45).map_err(|e| DemoError::Parameter(e.to_string()))?;
        let unit_normal: Normal<f64> = Normal::new(0.0, 1.0).map_err(|e| DemoError::Parameter(e.to_string()))?;
        let mut codes = HashSet::new();
        let mut names = HashSet::new();

        // 1. Firms and their fixed traits.
        let mut firms = Vec::with_capacity(n);
        for index in 0..n {
            let industry = pick_weighted(&mut rng, INDUSTRIES.iter().map(|i| i.weight));
            let district = pick_weighted(&mut rng, layout::DISTRICTS.iter().map(|d| d.4));
            let in_chain = layout::CLUSTERS
                .iter()
                .flat_map(|c| &c.chains)
                .flat_map(|ch| ch.segments)
                .any(|s| s.industries.contains(&INDUSTRIES[industry].code));
            let park_here = layout::PARKS.iter().position(|p| p.3 == district);
            let park = park_here.filter(|_| rng.random::<f64>() < if in_chain { 0.85 } else { 0.6 });
            // About 3.5% of firms start production in each year of the window.
            let new_plant = rng.random::<f64>() < 0.035 * years as f64;
            let established = if new_plant {
                first_month.plus(rng.random_range(0..first_month.months_through(last_month)))
            } else {
                Month::new(rng.random_range(1993..first_year), rng.random_range(1..=12))
                    .map_err(|e| DemoError::Parameter(e.to_string()))?
            };
            let closes = rng.random::<f64>() < 0.012 * years as f64;
            let closed = closes
                .then(|| established.plus(18 + rng.random_range(0..120)))
                .filter(|c| *c >= first_month && *c < last_month);
            // About 1% of firms move to another district during the window, after they start
            // and before they close.
            let moved_to = (rng.random::<f64>() < 0.01)
                .then(|| {
                    let to =
                        (district + 1 + rng.random_range(0..layout::DISTRICTS.len() - 1)) % layout::DISTRICTS.len();
                    (to, first_month.plus(rng.random_range(6..first_month.months_through(last_month))))
                })
                .filter(|(_, from)| *from > established && closed.is_none_or(|c| *from <= c));
            let region = layout::DISTRICTS[district].0;
            let credit_code = credit_code(&mut rng, region, established.year() >= 2015, &mut codes)?;
            let name = firm_name(&mut rng, district, industry, &mut names)?;
            let base_level = size.sample(&mut rng).clamp(120.0, 2_500_000.0);
            let traits = Traits {
                main_revenue_ratio: rng.random_range(0.90..1.02),
                sales_rate: rng.random_range(0.93..0.995),
                cost_ratio: rng.random_range(0.78..0.90),
                margin: (0.055 + 0.04 * unit_normal.sample(&mut rng)).clamp(-0.15, 0.25),
                rd_ratio: (rng.random::<f64>().powi(2) * 0.045).max(0.001),
                asset_ratio: rng.random_range(0.6..1.6),
                debt_ratio: rng.random_range(0.30..0.78),
                employee_factor: rng.random_range(0.9..2.2),
            };
            let land_mu = (base_level.powf(0.45) * rng.random_range(0.25..0.9)).clamp(2.0, 1_500.0);
            let mut levels = vec![0.0; years + 1];
            levels[0] = base_level;
            firms.push(Firm {
                index,
                credit_code,
                name,
                industry,
                district,
                moved_to,
                park,
                established,
                established_day: rng.random_range(1..=28),
                admission_lag: rng.random_range(1..=2),
                closed,
                land_mu: (land_mu * 10.0).round() / 10.0,
                traits,
                levels,
                above_scale: Vec::new(),
                segments: Vec::new(),
            });
        }

        // 2. The above-scale set before the window: firms over the threshold the year before.
        for firm in &mut firms {
            let revenue = firm.levels[0] * firm.traits.main_revenue_ratio;
            if firm.established < first_month && revenue >= THRESHOLD_WAN {
                let earliest =
                    Month::new(firm.established.year() + 1, 1).map_err(|e| DemoError::Parameter(e.to_string()))?;
                let joined = Month::new(first_year - rng.random_range(1..=6), 1)
                    .map_err(|e| DemoError::Parameter(e.to_string()))?
                    .max(earliest)
                    .min(first_month);
                firm.above_scale.push((joined, None));
            }
        }
        // Firms starting production in the window with a large plant are admitted a month or
        // two after they start (the monthly batch for newly producing firms, domain.md §1.2).
        let admit_new = |firm: &Firm| {
            firm.established >= first_month && firm.levels[0] * firm.traits.main_revenue_ratio >= 1.3 * THRESHOLD_WAN
        };

        // 3. Year by year: levels, calibration, annual batch.
        let firm_effects: Vec<f64> = (0..n).map(|_| 0.03 * unit_normal.sample(&mut rng)).collect();
        for y in first_year..=last_year {
            let yi = (y - first_year + 1) as usize;
            for (firm, effect) in firms.iter_mut().zip(&firm_effects) {
                let growth = INDUSTRIES[firm.industry].drift + effect + 0.09 * unit_normal.sample(&mut rng);
                firm.levels[yi] = if firm.established.year() == y {
                    firm.levels[0]
                } else {
                    firm.levels[yi - 1] * (1.0 + growth.max(-0.55))
                };
                if admit_new(firm) && firm.established.year() == y {
                    let admitted = firm.established.plus(firm.admission_lag);
                    if admitted.year() == y {
                        firm.above_scale.push((admitted, None));
                    }
                }
                if let Some(closed) = firm.closed.filter(|c| c.year() == y)
                    && let Some(last) = firm.above_scale.last_mut().filter(|(_, to)| to.is_none())
                {
                    last.1 = Some(closed.max(last.0));
                }
            }
            let december = Month::new(y, 12).map_err(|e| DemoError::Parameter(e.to_string()))?;
            let (mut current, mut previous) = (0.0, 0.0);
            for firm in firms.iter().filter(|f| f.is_above_scale(december)) {
                current += firm.levels[yi] * firm.active_share(config.seed, y);
                previous += firm.levels[yi - 1] * firm.active_share(config.seed, y - 1);
            }
            let target = GROWTH_TARGETS.iter().find(|(year, _)| *year == y).map_or(6.0, |t| t.1);
            if current > 0.0 && previous > 0.0 {
                let factor = (1.0 + target / 100.0) * previous / current;
                for firm in firms.iter_mut().filter(|f| f.active_months(y).is_some()) {
                    firm.levels[yi] *= factor;
                }
            }
            if y < last_year {
                let entries = ENTRY_TARGETS.iter().find(|(year, _)| *year == y + 1).map_or(130.0, |t| t.1);
                let new_admitted = firms
                    .iter()
                    .filter(|f| {
                        admit_new(f)
                            && f.established.year() == y + 1
                            && f.established.plus(f.admission_lag).year() == y + 1
                    })
                    .count();
                let promoted = ((entries * scale_factor).round() as usize).saturating_sub(new_admitted);
                annual_batch(&mut firms, &mut rng, config.seed, y, yi, promoted)?;
            }
        }

        // 4. Chain segments, designations and chain owners.
        for firm in &mut firms {
            let code = INDUSTRIES[firm.industry].code;
            for (ci, cluster) in layout::CLUSTERS.iter().enumerate() {
                for (hi, chain) in cluster.chains.iter().enumerate() {
                    for (si, segment) in chain.segments.iter().enumerate() {
                        if segment.industries.contains(&code) && rng.random::<f64>() < 0.8 {
                            firm.segments.push((ci, hi, si, firm.established.max(first_month)));
                        }
                    }
                }
            }
        }
        let designations = plan_designations(&firms, &mut rng, first_year, last_year, scale_factor);
        let mut chain_owners = Vec::new();
        let last_december = last_month;
        for (ci, cluster) in layout::CLUSTERS.iter().enumerate() {
            for hi in 0..cluster.chains.len() {
                let owner = firms
                    .iter()
                    .filter(|f| f.segments.iter().any(|s| s.0 == ci && s.1 == hi) && f.is_above_scale(last_december))
                    .max_by(|a, b| a.level(first_year, last_year).total_cmp(&b.level(first_year, last_year)));
                if let Some(owner) = owner {
                    chain_owners.push((ci, hi, owner.index));
                }
            }
        }
        let mut designations = designations;
        for &(_, _, firm) in &chain_owners {
            if !designations.iter().any(|d| d.firm == firm && d.tier == Tier::ChainLeader) {
                designations.push(PlannedDesignation {
                    firm,
                    tier: Tier::ChainLeader,
                    level: DesignationLevel::Municipal,
                    granted_on: i64::from(first_year) * 10_000 + 630,
                    batch: format!("{first_year}年产业链链主企业"),
                });
            }
        }
        Ok(Plan { config: config.clone(), first_year, last_year, firms, designations, chain_owners })
    }
}

/// Decides who leaves and who enters the above-scale set at the start of `year + 1`, from
/// `year`'s main revenue, and adjusts the levels of non-members so that exactly `promoted`
/// firms are over the threshold.
fn annual_batch(
    firms: &mut [Firm],
    rng: &mut ChaCha8Rng,
    seed: u64,
    year: i32,
    yi: usize,
    promoted: usize,
) -> Result<(), DemoError> {
    let december = Month::new(year, 12).map_err(|e| DemoError::Parameter(e.to_string()))?;
    let january = december.next();
    // Full-year-equivalent main revenue: a plant that started this year is judged on its rate.
    let revenue = |f: &Firm| {
        let share = if f.established.year() == year { 1.0 } else { f.active_share(seed, year) };
        f.levels[yi] * f.traits.main_revenue_ratio * share
    };
    let alive_next = |f: &Firm| f.closed.is_none_or(|c| c >= january);
    for firm in firms.iter_mut() {
        if firm.is_above_scale(december)
            && alive_next(firm)
            && revenue(firm) < THRESHOLD_WAN
            && let Some(last) = firm.above_scale.last_mut()
        {
            last.1 = Some(december);
        }
    }
    let mut candidates: Vec<(usize, f64)> = firms
        .iter()
        .filter(|f| !f.is_above_scale(december) && f.active_months(year).is_some() && alive_next(f))
        .map(|f| (f.index, revenue(f)))
        .collect();
    candidates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (rank, &(index, rev)) in candidates.iter().enumerate() {
        let firm = &mut firms[index];
        let share = if firm.established.year() == year { 1.0 } else { firm.active_share(seed, year) };
        let per_level = firm.traits.main_revenue_ratio * share;
        if per_level <= 0.0 {
            continue;
        }
        if rank < promoted {
            if rev < THRESHOLD_WAN {
                firm.levels[yi] = THRESHOLD_WAN * rng.random_range(1.0..1.12) / per_level;
            }
            firm.above_scale.push((january, None));
        } else if rev >= THRESHOLD_WAN {
            // Over the line but not admitted in this batch: kept just under it (准规上 pool).
            firm.levels[yi] = THRESHOLD_WAN * rng.random_range(0.90..0.995) / per_level;
        }
    }
    Ok(())
}

fn plan_designations(
    firms: &[Firm],
    rng: &mut ChaCha8Rng,
    first_year: i32,
    last_year: i32,
    scale_factor: f64,
) -> Vec<PlannedDesignation> {
    let bands = SizeBands::INDUSTRY_2011;
    let mut designations: Vec<PlannedDesignation> = Vec::new();
    // A hidden "quality" per firm: higher for R&D-intensive, growing firms.
    let quality: Vec<f64> = firms
        .iter()
        .map(|f| f.traits.rd_ratio * 40.0 + INDUSTRIES[f.industry].drift * 5.0 + rng.random::<f64>())
        .collect();
    let first_designation_year = (last_year - 3).max(first_year);
    for y in first_designation_year..=last_year {
        let december = match Month::new(y, 12) {
            Ok(m) => m,
            Err(_) => continue,
        };
        for &(tier, level, per_year, in_2023) in &DESIGNATION_TARGETS {
            let wanted = if y == CALIBRATION_YEAR { in_2023 } else { per_year };
            let count = (wanted * scale_factor).round() as usize;
            if count == 0 {
                continue;
            }
            let prerequisite = match tier {
                Tier::SrdiSme => Some(Tier::InnovativeSme),
                Tier::LittleGiant => Some(Tier::SrdiSme),
                _ => None,
            };
            let mut pool: Vec<usize> = firms
                .iter()
                .filter(|f| f.active_months(y).is_some() && f.closed.is_none())
                .filter(|f| !designations.iter().any(|d| d.firm == f.index && d.tier == tier))
                .filter(|f| {
                    let employees = f.employees(first_year, y) as u32;
                    let revenue = f.level(first_year, y) * f.traits.main_revenue_ratio;
                    match tier {
                        Tier::InnovativeSme | Tier::SrdiSme | Tier::LittleGiant => {
                            bands.classify(employees, revenue).is_sme() && revenue >= 1_000.0
                        }
                        Tier::SingleChampion => f.is_above_scale(december) && revenue >= 20_000.0,
                        Tier::ChainLeader => false,
                    }
                })
                .map(|f| f.index)
                .collect();
            pool.sort_by(|&a, &b| {
                let has =
                    |i: usize| prerequisite.is_some_and(|p| designations.iter().any(|d| d.firm == i && d.tier == p));
                has(b).cmp(&has(a)).then(quality[b].total_cmp(&quality[a])).then(a.cmp(&b))
            });
            for &firm in pool.iter().take(count) {
                designations.push(PlannedDesignation {
                    firm,
                    tier,
                    level,
                    granted_on: i64::from(y) * 10_000 + [630, 930, 1231][rng.random_range(0..3)],
                    batch: format!("{y}年第{}批", rng.random_range(1..=2)),
                });
            }
        }
    }
    designations
}
