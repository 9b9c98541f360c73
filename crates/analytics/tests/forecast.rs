//! Forecasts on the demo city's history: made at each month of a complete year from the years
//! before it, against what December brought. The demo city's seasons are drawn anew each year
//! around one pattern, as real firms' are; the bounds below are what a bureau can rely on.

use xinzhi_analytics::Engine;
use xinzhi_analytics::forecast::backtest;
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::Month;
use xinzhi_domain::targets::TargetKind;
use xinzhi_store::testing::TestDatabase;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::test]
async fn year_end_forecasts_of_the_demo_city_fall_within_the_stated_error() -> Result {
    let db = TestDatabase::sqlite().await?;
    let config = DemoConfig { indicators: Some(vec!["gross_output".into()]), ..DemoConfig::new(Scale::City, 42) };
    xinzhi_demo::load(&db.store, &config, |_, _| {}).await?;
    let last = db.store.value_months().await?.ok_or("months")?.last;
    let engine = Engine::load(db.store.clone(), &["gross_output"], last).await?;
    let cube = engine.read().await?;
    let growth = backtest(&cube, "gross_output", TargetKind::Growth);
    let entries = backtest(&cube, "new_above_scale", TargetKind::Count);
    for (g, e) in growth.iter().zip(&entries) {
        eprintln!(
            "month {:>2}: growth MAE {:.2} pp (max {:.2}, {} of {} within range); entries MAE {:.1}% (max {:.1}%, {}/{})",
            g.month,
            g.mean_abs_error,
            g.max_abs_error,
            g.within_range,
            g.cases,
            e.mean_abs_error,
            e.max_abs_error,
            e.within_range,
            e.cases
        );
    }
    // Three backtested years (2022–2024, each from the years before it) at every month.
    assert!(growth.iter().chain(&entries).all(|m| m.cases == 3), "{growth:?}");
    for g in &growth {
        let bound = if g.month >= 6 { 0.3 } else { 1.0 };
        assert!(
            g.mean_abs_error <= bound,
            "gross output growth at month {}: {} pp > {bound}",
            g.month,
            g.mean_abs_error
        );
        assert_eq!(g.within_range, g.cases, "the year-end growth lies in the range at month {}", g.month);
    }
    for e in &entries {
        let bound = match e.month {
            1 => 16.0,
            2..=5 => 12.0,
            6..=9 => 8.0,
            _ => 3.0,
        };
        assert!(e.mean_abs_error <= bound, "entries at month {}: {}% > {bound}%", e.month, e.mean_abs_error);
    }
    let covered: usize = entries.iter().map(|e| e.within_range).sum();
    assert!(covered >= 32, "{covered} of 33 year-end counts in their ranges");
    assert!(Month::parse("2024-12")? <= last, "the demo city's history runs through 2024");
    Ok(())
}
