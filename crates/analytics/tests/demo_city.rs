//! The demo city through the engine: its 2023 figures are the ones it was calibrated to
//! (Yongzhou 2023: 规模工业增加值增长2.5%, 新增规模工业企业156家), and the engine agrees with
//! the store's own same-caliber sum to the last digit.

use xinzhi_analytics::alerts::AlertRules;
use xinzhi_analytics::cockpit::{CockpitRequest, cockpit};
use xinzhi_analytics::{Attribution, Dimension, Engine};
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{DesignationLevel, Lang, Month, Tier, Year};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::{EnterpriseSet, Scope};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::test]
async fn the_cockpit_of_december_2023_shows_the_demo_citys_calibration() -> Result {
    let db = TestDatabase::sqlite().await?;
    let config = DemoConfig { indicators: Some(vec!["gross_output".into()]), ..DemoConfig::new(Scale::City, 42) };
    let summary = xinzhi_demo::load(&db.store, &config, |_, _| {}).await?;
    let december = Month::parse("2023-12")?;
    let engine = Engine::load(db.store.clone(), &["gross_output"], december).await?;
    let names = engine.names().await;
    let cube = engine.read().await?;
    let request = CockpitRequest {
        scope: &Scope::City,
        month: december,
        attribution: Attribution::AtMonth,
        lang: Lang::ZhCn,
        rules: AlertRules::default(),
        targets: &[],
        lead: "gross_output",
    };
    let view = cockpit(&cube, &names, &request)?;
    let gross = view.headline.iter().find(|h| h.indicator.code == "gross_output").ok_or("headline")?;
    let growth = gross.year_to_date.growth_pct.ok_or("no base")?;
    let calibrated = summary.calibration_growth_percent.ok_or("no calibration")?;
    assert!((growth - calibrated).abs() < 0.005, "engine {growth}% against the calibration {calibrated}%");
    assert!((growth - 2.5).abs() < 0.05, "{growth}");
    let year = Year(2023).months();
    let stored = db
        .store
        .same_caliber(&Scope::City, "gross_output", MonthRange::new(year.first, year.last), EnterpriseSet::AboveScale)
        .await?;
    assert!((gross.year_to_date.current - stored.current).abs() < 1e-6 * stored.current);
    assert!((gross.year_to_date.previous - stored.previous).abs() < 1e-6 * stored.previous);
    assert_eq!(view.counts.entered, 156, "firms entering the above-scale set in 2023");
    // The "3×2" system: three clusters, each reached through its two chains.
    let clusters = view.breakdowns.iter().find(|b| b.dimension == Dimension::Cluster).ok_or("clusters")?;
    let chains = view.breakdowns.iter().find(|b| b.dimension == Dimension::Chain).ok_or("chains")?;
    assert_eq!((clusters.parts.len(), chains.parts.len()), (3, 6));
    let divisions = view.breakdowns.iter().find(|b| b.dimension == Dimension::Division).ok_or("divisions")?;
    assert!(divisions.parts.iter().all(|p| p.code != "00"), "every firm has its 大类");
    assert_eq!(view.counts.entered as i64, summary.calibration_entries);

    // 新增 per tier in 2023, as report 001 gives them: 105 provincial SRDI SMEs, 3 little
    // giants, 6 provincial single champions (and the generator's 130 innovative SMEs).
    let ladder = xinzhi_analytics::pools::ladder_counts(&cube, &Scope::City, 20231231);
    let new_2023 = |tier: Tier, level: DesignationLevel| {
        ladder
            .iter()
            .find(|t| t.tier == tier && t.level == level)
            .and_then(|t| t.new_by_year.get(&2023).copied())
            .unwrap_or(0)
    };
    assert_eq!(new_2023(Tier::InnovativeSme, DesignationLevel::Provincial), 130);
    assert_eq!(new_2023(Tier::SrdiSme, DesignationLevel::Provincial), 105);
    assert_eq!(new_2023(Tier::LittleGiant, DesignationLevel::National), 3);
    assert_eq!(new_2023(Tier::SingleChampion, DesignationLevel::Provincial), 6);
    drop(cube);
    db.remove().await?;
    Ok(())
}
