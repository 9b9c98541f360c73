//! The demo city is deterministic for a seed and calibrated to Yongzhou 2023 (report 001).

// Test helpers outside #[test] functions may panic too: a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use xinzhi_demo::plan::Plan;
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{CreditCode, Month, Year};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::{EnterpriseSet, Page, Scope};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

const ALL_CODES: [&str; 20] = [
    "gross_output",
    "sales_output",
    "export_delivery",
    "revenue",
    "main_revenue",
    "operating_cost",
    "total_profit",
    "vat_payable",
    "taxes_total",
    "rd_expense",
    "electricity",
    "energy_consumption",
    "employees_end",
    "employees_avg",
    "total_assets",
    "total_liabilities",
    "accounts_receivable",
    "finished_goods",
    "orders_on_hand",
    "capacity_utilization",
];

/// A fingerprint of everything a plan decides and every value it produces.
fn fingerprint(plan: &Plan, codes: &[&str]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for firm in &plan.firms {
        firm.credit_code.as_str().hash(&mut hasher);
        firm.name.hash(&mut hasher);
        format!("{:?}{:?}{:?}", firm.above_scale, firm.segments, firm.levels).hash(&mut hasher);
        plan.firm_values(firm, codes, |month, slot, value| {
            (month.yyyymm(), slot, value.to_bits()).hash(&mut hasher);
        });
    }
    format!("{:?}", plan.designations).hash(&mut hasher);
    hasher.finish()
}

#[test]
fn the_same_seed_gives_the_same_city_and_another_seed_another() -> Result {
    let a = Plan::build(&DemoConfig::new(Scale::Small, 7))?;
    let b = Plan::build(&DemoConfig::new(Scale::Small, 7))?;
    let c = Plan::build(&DemoConfig::new(Scale::Small, 8))?;
    assert_eq!(fingerprint(&a, &ALL_CODES), fingerprint(&b, &ALL_CODES));
    assert_ne!(fingerprint(&a, &ALL_CODES), fingerprint(&c, &ALL_CODES));
    Ok(())
}

#[test]
fn an_indicator_has_the_same_values_whichever_others_are_generated() -> Result {
    let plan = Plan::build(&DemoConfig::new(Scale::Small, 3))?;
    for firm in plan.firms.iter().take(40) {
        let mut alone = Vec::new();
        plan.firm_values(firm, &["electricity"], |m, _, v| alone.push((m, v)));
        let mut among = Vec::new();
        plan.firm_values(firm, &ALL_CODES, |m, slot, v| {
            if ALL_CODES[slot] == "electricity" {
                among.push((m, v));
            }
        });
        assert_eq!(alone, among);
    }
    Ok(())
}

#[test]
fn every_firm_has_a_valid_unique_credit_code_and_name() -> Result {
    let plan = Plan::build(&DemoConfig::new(Scale::City, 42))?;
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for firm in &plan.firms {
        let parsed = CreditCode::parse(firm.credit_code.as_str())?;
        assert!(parsed.warnings().is_empty(), "{parsed}: {:?}", parsed.warnings());
        assert!(parsed.is_enterprise());
        assert!(codes.insert(parsed), "duplicate code");
        assert!(names.insert(firm.name.clone()), "duplicate name {}", firm.name);
    }
    assert_eq!(codes.len(), 3_000);
    Ok(())
}

#[test]
fn monthly_output_dips_in_january_and_february_and_peaks_in_december() -> Result {
    let plan = Plan::build(&DemoConfig::new(Scale::Small, 11))?;
    let mut by_month = [0.0f64; 12];
    for firm in &plan.firms {
        plan.firm_values(firm, &["gross_output"], |m, _, v| {
            if m.year() == 2023 {
                by_month[(m.month() - 1) as usize] += v;
            }
        });
    }
    let mean = by_month.iter().sum::<f64>() / 12.0;
    assert!(by_month[0] < 0.8 * mean && by_month[1] < 0.8 * mean, "{by_month:?}");
    let december = by_month[11];
    assert!(by_month.iter().all(|&v| v <= december), "{by_month:?}");
    Ok(())
}

/// The city loaded into a real SQLite file, then read back through the store's same-caliber
/// query: the published 2.5% (±0.3 pp) and 156 entries. Output and main revenue only, to keep
/// the test quick; the subset test above shows values do not depend on the selection.
#[tokio::test]
async fn the_demo_city_reproduces_yongzhou_2023() -> Result {
    let db = TestDatabase::sqlite().await?;
    let config = DemoConfig {
        indicators: Some(vec!["gross_output".into(), "main_revenue".into()]),
        ..DemoConfig::new(Scale::City, 42)
    };
    let summary = xinzhi_demo::load(&db.store, &config, |_, _| {}).await?;

    let year = Year(2023).months();
    let growth = db
        .store
        .same_caliber(&Scope::City, "gross_output", MonthRange::new(year.first, year.last), EnterpriseSet::AboveScale)
        .await?;
    let percent = growth.growth_percent().ok_or("no base")?;
    eprintln!("2023 same-caliber growth {percent:.3}%, above scale {}", summary.above_scale_last_month);
    assert!((percent - 2.5).abs() <= 0.3, "growth {percent}");
    assert_eq!(db.store.above_scale_entries(&Scope::City, Year(2023)).await?, 156);
    assert_eq!(summary.calibration_entries, 156);

    // About 3,000 firms, about 1,100 of them above scale, 48 months of values.
    assert_eq!(db.store.search_enterprises(&Scope::City, &Default::default(), Page::new(1, 0)).await?.total, 3_000);
    let above = db.store.above_scale_count(&Scope::City, Month::parse("2023-12")?).await?;
    assert!((950..=1_250).contains(&above), "above scale in 2023-12: {above}");
    let months = db.store.value_months().await?.ok_or("no values")?;
    assert_eq!(months.len(), 48);

    // Firms leave the set as well as enter it.
    let left: i64 = db.store.above_scale_count(&Scope::City, Month::parse("2022-12")?).await? + 156
        - db.store.above_scale_count(&Scope::City, Month::parse("2023-12")?).await?;
    assert!(left > 0, "some firms must have left during 2023 or at its start");
    db.remove().await?;
    Ok(())
}

#[tokio::test]
async fn the_demo_refuses_a_database_that_already_holds_a_city() -> Result {
    let db = TestDatabase::sqlite().await?;
    let config = DemoConfig { indicators: Some(vec![]), ..DemoConfig::new(Scale::Small, 1) };
    xinzhi_demo::load(&db.store, &config, |_, _| {}).await?;
    assert!(matches!(xinzhi_demo::load(&db.store, &config, |_, _| {}).await, Err(xinzhi_demo::DemoError::NotEmpty)));
    db.remove().await?;
    Ok(())
}
