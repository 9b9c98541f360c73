//! Writes a demo city into a store, streaming the monthly values firm by firm.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{CreditCode, DesignationStatus, IndustryCode, Month, RegionCode, Validity, Year};
use xinzhi_store::*;

use crate::layout::{self, INDUSTRIES};
use crate::plan::{CALIBRATION_YEAR, Plan};
use crate::{DemoConfig, DemoError};

/// The generator works for the city as a whole.
const CITY: Scope = Scope::City;

/// Firms whose values for one year are written per transaction: bounded memory at every scale.
const FIRMS_PER_BATCH: usize = 1_000;

/// What was generated, and the calibration figures read back through the store.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub enterprises: usize,
    pub above_scale_last_month: i64,
    pub values: u64,
    pub first_month: Month,
    pub last_month: Month,
    /// Same-caliber growth of above-scale gross output in the calibration year, percent.
    pub calibration_growth_percent: Option<f64>,
    /// Firms entering the above-scale set in the calibration year.
    pub calibration_entries: i64,
    pub elapsed: Duration,
}

fn parse_error(what: &str, e: impl std::fmt::Display) -> DemoError {
    DemoError::Parameter(format!("{what}: {e}"))
}

fn yyyymmdd(month: Month, day: u32) -> i64 {
    month.yyyymm() * 100 + i64::from(day)
}

/// Generates the city described by `config` into `store`, which must be migrated and hold
/// no enterprises yet. `progress` is told how many of the years' values are written so far.
pub async fn load(
    store: &Store,
    config: &DemoConfig,
    mut progress: impl FnMut(usize, usize),
) -> Result<DemoSummary, DemoError> {
    let started = Instant::now();
    if !store.is_empty().await? {
        return Err(DemoError::NotEmpty);
    }
    store.seed_standard_indicators().await?;
    let data_set = store.seed_monthly_data_set().await?;
    // The demo's months all lie in the past: with the lock on, nobody could try the forms.
    let set = store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let settings = xinzhi_store::DataSetSettings {
        deadline_day: set.deadline_day,
        lock_after_deadline: false,
        counts_submitted: set.counts_submitted,
        four_eyes: set.four_eyes,
        indicators: set.indicators.iter().map(|i| (i.indicator.indicator_id, i.required)).collect(),
    };
    store.update_data_set(&Scope::City, data_set, &settings, &AuditActor::system("demo")).await?;
    let plan = Plan::build(config)?;
    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, firms = plan.firms.len(), "demo plan built");
    let (first_month, last_month) = config.scale.window();

    // Regions and parks.
    let city = store
        .insert_region(&NewRegion {
            code: RegionCode::parse(layout::CITY_CODE).map_err(|e| parse_error("city code", e))?,
            name_zh: layout::CITY_ZH.into(),
            name_en: layout::CITY_EN.into(),
            parent_id: None,
        })
        .await?;
    let mut districts = Vec::new();
    for (code, zh, en, _, _) in layout::DISTRICTS {
        let code = RegionCode::parse(code).map_err(|e| parse_error("district code", e))?;
        districts.push(
            store
                .insert_region(&NewRegion { code, name_zh: zh.into(), name_en: en.into(), parent_id: Some(city) })
                .await?,
        );
    }
    let mut parks = Vec::new();
    for (code, zh, en, district, kind, area) in layout::PARKS {
        let kind = ParkKind::parse(kind).ok_or_else(|| parse_error("park kind", kind))?;
        parks.push(
            store
                .insert_park(&NewPark {
                    code: code.into(),
                    name_zh: zh.into(),
                    name_en: en.into(),
                    region_id: districts[district],
                    kind,
                    area_mu: Some(area),
                })
                .await?,
        );
    }

    // The industrial system.
    let mut segment_ids: HashMap<(usize, usize, usize), SegmentId> = HashMap::new();
    let mut chain_ids: HashMap<(usize, usize), ChainId> = HashMap::new();
    for (ci, cluster) in layout::CLUSTERS.iter().enumerate() {
        let cluster_id = store
            .insert_cluster(
                &NewCluster {
                    code: cluster.code.into(),
                    name_zh: cluster.name_zh.into(),
                    name_en: cluster.name_en.into(),
                    level: cluster.level.into(),
                },
                ci as i64 + 1,
            )
            .await?;
        for (hi, chain) in cluster.chains.iter().enumerate() {
            let chain_id = store
                .insert_chain(
                    &NewChain {
                        cluster_id,
                        code: chain.code.into(),
                        name_zh: chain.name_zh.into(),
                        name_en: chain.name_en.into(),
                    },
                    (ci * 2 + hi) as i64 + 1,
                )
                .await?;
            chain_ids.insert((ci, hi), chain_id);
            store
                .insert_chain_chief(
                    chain_id,
                    &ChainChief {
                        name: chain.chief_name.into(),
                        title: chain.chief_title.into(),
                        appointed_on: Some(yyyymmdd(first_month, 15)),
                    },
                )
                .await?;
            for (si, segment) in chain.segments.iter().enumerate() {
                let stage = Stage::parse(segment.stage).ok_or_else(|| parse_error("stage", segment.stage))?;
                let id = store
                    .insert_segment(
                        &NewSegment {
                            chain_id,
                            parent_id: None,
                            stage,
                            name_zh: segment.name_zh.into(),
                            name_en: segment.name_en.into(),
                        },
                        si as i64 + 1,
                    )
                    .await?;
                segment_ids.insert((ci, hi, si), id);
            }
        }
    }

    // Enterprises.
    let mut enterprise_ids = Vec::with_capacity(plan.firms.len());
    for chunk in plan.firms.chunks(1_000) {
        let batch = chunk
            .iter()
            .map(|f| {
                Ok(NewEnterprise {
                    credit_code: CreditCode::parse(f.credit_code.as_str())
                        .map_err(|e| parse_error("credit code", e))?,
                    name: f.name.clone(),
                    industry_code: IndustryCode::parse(INDUSTRIES[f.industry].code)
                        .map_err(|e| parse_error("industry", e))?,
                    established_on: Some(yyyymmdd(f.established, f.established_day)),
                    closed_on: f.closed.map(|c| yyyymmdd(c, 28)),
                    land_area_mu: Some(f.land_mu),
                    employees: Some(f.employees(plan.first_year, f.closed.map_or(plan.last_year, |c| c.year())) as i64),
                    address: Some(format!(
                        "{}{}路{}号",
                        layout::DISTRICTS[f.district].1,
                        ["工业", "创业", "科技", "园区", "兴业"][f.index % 5],
                        1 + f.index % 399
                    )),
                })
            })
            .collect::<Result<Vec<_>, DemoError>>()?;
        enterprise_ids.extend(store.insert_enterprises(&CITY, &batch).await?);
    }

    // Memberships over time.
    let mut memberships = Vec::new();
    for (firm, &id) in plan.firms.iter().zip(&enterprise_ids) {
        let membership =
            |target, from: Month, to: Option<Month>, reason: Option<&str>| -> Result<NewMembership, DemoError> {
                Ok(NewMembership {
                    enterprise_id: id,
                    target,
                    validity: Validity::new(from, to).map_err(|e| parse_error("validity", e))?,
                    reason: reason.map(str::to_owned),
                })
            };
        let start = firm.established;
        match firm.moved_to {
            Some((to, from)) if firm.closed.is_none_or(|c| c >= from) => {
                memberships.push(membership(
                    MembershipTarget::District(districts[firm.district]),
                    start,
                    Some(from.prev()),
                    Some("迁出"),
                )?);
                memberships.push(membership(
                    MembershipTarget::District(districts[to]),
                    from,
                    firm.closed,
                    Some("迁入"),
                )?);
            }
            _ => memberships.push(membership(
                MembershipTarget::District(districts[firm.district]),
                start,
                firm.closed,
                None,
            )?),
        }
        if let Some(park) = firm.park {
            let leaves = firm.moved_to.map(|(_, from)| from.prev()).filter(|m| *m >= start);
            let end = match (leaves, firm.closed) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            memberships.push(membership(MembershipTarget::Park(parks[park]), start, end, None)?);
        }
        for &(from, to) in &firm.above_scale {
            memberships.push(membership(
                MembershipTarget::AboveScale,
                from,
                to,
                Some(if from.month() == 1 { "年度入库" } else { "新投产入库" }),
            )?);
        }
        for &(ci, hi, si, from) in &firm.segments {
            if let Some(&segment) = segment_ids.get(&(ci, hi, si)) {
                memberships.push(membership(MembershipTarget::ChainSegment(segment), from, firm.closed, None)?);
            }
        }
        if memberships.len() >= 5_000 {
            store.add_memberships(&CITY, &memberships).await?;
            memberships.clear();
        }
    }
    store.add_memberships(&CITY, &memberships).await?;

    // Designations and chain owners.
    let data_end = yyyymmdd(last_month, 31);
    let designations: Vec<NewDesignation> = plan
        .designations
        .iter()
        .map(|d| {
            let expires_on = d.tier.validity_years().map(|y| d.granted_on + i64::from(y) * 10_000 - 1);
            NewDesignation {
                enterprise_id: enterprise_ids[d.firm],
                tier: d.tier,
                level: d.level,
                granted_on: d.granted_on,
                expires_on,
                status: if expires_on.is_none_or(|e| e >= data_end) {
                    DesignationStatus::Active
                } else {
                    DesignationStatus::Expired
                },
                batch: Some(d.batch.clone()),
            }
        })
        .collect();
    store.add_designations(&CITY, &designations).await?;
    for &(ci, hi, firm) in &plan.chain_owners {
        if let Some(&chain) = chain_ids.get(&(ci, hi)) {
            store
                .insert_chain_owner(
                    &CITY,
                    chain,
                    enterprise_ids[firm],
                    Some(i64::from(plan.first_year) * 10_000 + 630),
                    "市制造强市建设领导小组",
                )
                .await?;
        }
    }

    tracing::info!(elapsed_ms = started.elapsed().as_millis() as u64, "demo registry written");
    // Monthly values, streamed.
    let indicators = store.list_indicators().await?;
    let chosen: Vec<&Indicator> = indicators
        .iter()
        .filter(|i| config.indicators.as_ref().is_none_or(|only| only.iter().any(|c| c == i.def.code.as_str())))
        .collect();
    let codes: Vec<&str> = chosen.iter().map(|i| i.def.code.as_str()).collect();
    // Year by year, so that each batch appends to the same few key ranges of the
    // (period, enterprise, indicator) primary key instead of touching all of it.
    let mut values = 0u64;
    let mut buffer = Vec::new();
    let years = plan.last_year - plan.first_year + 1;
    for (y, year) in (plan.first_year..=plan.last_year).enumerate() {
        for chunk in plan.firms.chunks(FIRMS_PER_BATCH) {
            buffer.clear();
            for firm in chunk {
                let enterprise_id = enterprise_ids[firm.index];
                plan.firm_values_in_year(firm, &codes, year, |period, slot, value| {
                    buffer.push(NewDataValue { enterprise_id, indicator_id: chosen[slot].indicator_id, period, value });
                });
            }
            values += buffer.len() as u64;
            let writing = Instant::now();
            store.insert_values(&CITY, &buffer, ValueSource::Demo).await?;
            tracing::debug!(
                year,
                values = buffer.len(),
                write_ms = writing.elapsed().as_millis() as u64,
                "demo values batch"
            );
        }
        progress(y + 1, years as usize);
    }

    // Annual profiles of the last four years, for the ladder pools and the 亩均 evaluation.
    let mut profiles = Vec::new();
    for year in (plan.last_year - 3).max(plan.first_year)..=plan.last_year {
        for firm in &plan.firms {
            let enterprise_id = enterprise_ids[firm.index];
            profiles.extend(plan.firm_profile(firm, year).into_iter().map(|(field, value)| {
                xinzhi_store::cultivation::ProfileValue { enterprise_id, year, field: field.to_owned(), value }
            }));
        }
        if profiles.len() >= 50_000 {
            store.insert_profiles(&CITY, &profiles, "demo").await?;
            profiles.clear();
        }
    }
    store.insert_profiles(&CITY, &profiles, "demo").await?;
    store.seed_ladder_rules().await?;
    store.seed_mu_rules().await?;
    store.seed_rules::<xinzhi_domain::commendation::CommendationRules>().await?;

    // Digital and green recognitions of the last four years.
    let years = (plan.last_year - 3).max(plan.first_year)..=plan.last_year;
    let recognitions: Vec<xinzhi_store::programmes::NewProgrammeRecord> = plan
        .firms
        .iter()
        .flat_map(|firm| {
            let enterprise_id = enterprise_ids[firm.index];
            plan.programme_records(firm, years.clone()).into_iter().map(move |(programme, level, date, quantity)| {
                xinzhi_store::programmes::NewProgrammeRecord {
                    enterprise_id,
                    programme,
                    level: level.map(str::to_owned),
                    recognised_on: date,
                    quantity,
                    detail: None,
                }
            })
        })
        .collect();
    store.add_programme_records(&CITY, &recognitions, &xinzhi_store::AuditActor::system("demo")).await?;

    store.analyze().await?;
    store.set_setting("city_name_zh", layout::CITY_ZH).await?;
    store.set_setting("city_name_en", layout::CITY_EN).await?;
    store.set_setting("demo_seed", &config.seed.to_string()).await?;
    store.set_setting("demo_scale", config.scale.as_str()).await?;

    let calibration = MonthRange::new(Year(CALIBRATION_YEAR).months().first, Year(CALIBRATION_YEAR).months().last);
    let growth = if codes.contains(&xinzhi_domain::indicator::codes::GROSS_OUTPUT) && calibration.first >= first_month {
        store
            .same_caliber(&CITY, xinzhi_domain::indicator::codes::GROSS_OUTPUT, calibration, EnterpriseSet::AboveScale)
            .await?
            .growth_percent()
    } else {
        None
    };
    Ok(DemoSummary {
        enterprises: plan.firms.len(),
        above_scale_last_month: store.above_scale_count(&CITY, last_month).await?,
        values,
        first_month,
        last_month,
        calibration_growth_percent: growth,
        calibration_entries: store.above_scale_entries(&CITY, Year(CALIBRATION_YEAR)).await?,
        elapsed: started.elapsed(),
    })
}
