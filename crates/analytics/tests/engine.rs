//! The engine over a small city written through the store, on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL. Every figure is worked out by hand in the comments.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use xinzhi_analytics::alerts::AlertRules;
use xinzhi_analytics::cockpit::{CockpitRequest, cockpit, firms_behind};
use xinzhi_analytics::{Attribution, Dimension, Engine, Selection, Unit, Window};
use xinzhi_domain::targets::{Light, LightRule, TargetKind};
use xinzhi_domain::{
    CreditCode, DesignationLevel, DesignationStatus, IndustryCode, Lang, Month, RegionCode, Tier, Validity,
};
use xinzhi_store::monitoring::{NewTarget, TargetUnit};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::*;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn month(text: &str) -> Month {
    Month::parse(text).expect(text)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

struct City {
    east: RegionId,
    west: RegionId,
    firms: [EnterpriseId; 4],
}

/// Four firms, gross output (万元) by month:
///
/// | firm | district | above scale     | 2022-01..03 | 2023-01..03   | 2024-01..03   |
/// |------|----------|-----------------|-------------|---------------|---------------|
/// | A    | east     | always          |  90 each    | 100 100 100   | 110 120 130   |
/// | B    | west     | always          | 210 each    | 200 200 200   | 180 190 200   |
/// | C    | east     | from 2024-01    |  40 each    |  50  50  50   |  60  60  60   |
/// | D    | west     | until 2023-12   |  70 each    |  80  80  80   |  10  10  10   |
///
/// Electricity (万kWh) is output / 10, except A's, which falls to 8 a month in 2024.
async fn city(store: &Store) -> Result<City> {
    store.seed_monthly_data_set().await?;
    let region = |code: &str, zh: &str, parent| NewRegion {
        code: RegionCode::parse(code).expect(code),
        name_zh: zh.into(),
        name_en: zh.into(),
        parent_id: parent,
    };
    let city = store.insert_region(&region("436000", "潇州市", None)).await?;
    let east = store.insert_region(&region("436002", "东城区", Some(city))).await?;
    let west = store.insert_region(&region("436021", "西山县", Some(city))).await?;
    let codes = ["914403001922038216", "91330100799655058B", "9144030071526726XG", "911100006336912003"];
    let new = codes
        .iter()
        .enumerate()
        .map(|(i, c)| NewEnterprise {
            credit_code: CreditCode::parse(c).expect(c),
            name: format!("企业{}", ["甲", "乙", "丙", "丁"][i]),
            industry_code: IndustryCode::parse(if i % 2 == 0 { "3311" } else { "2611" }).expect("industry"),
            established_on: None,
            closed_on: None,
            land_area_mu: None,
            employees: None,
            address: None,
        })
        .collect::<Vec<_>>();
    let ids = store.insert_enterprises(&Scope::City, &new).await?;
    let [a, b, c, d] = [ids[0], ids[1], ids[2], ids[3]];
    let span = |e, target, from: &str, to: Option<&str>| NewMembership {
        enterprise_id: e,
        target,
        validity: Validity::new(month(from), to.map(month)).expect("ordered"),
        reason: None,
    };
    store
        .add_memberships(
            &Scope::City,
            &[
                span(a, MembershipTarget::District(east), "2020-01", None),
                span(b, MembershipTarget::District(west), "2020-01", None),
                span(c, MembershipTarget::District(east), "2020-01", None),
                span(d, MembershipTarget::District(west), "2020-01", None),
                span(a, MembershipTarget::AboveScale, "2020-01", None),
                span(b, MembershipTarget::AboveScale, "2020-01", None),
                span(c, MembershipTarget::AboveScale, "2024-01", None),
                span(d, MembershipTarget::AboveScale, "2020-01", Some("2023-12")),
            ],
        )
        .await?;
    store
        .add_designations(
            &Scope::City,
            &[NewDesignation {
                enterprise_id: c,
                tier: Tier::SrdiSme,
                level: DesignationLevel::Provincial,
                granted_on: 20240215,
                expires_on: Some(20270214),
                status: DesignationStatus::Active,
                batch: None,
            }],
        )
        .await?;
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let power = store.indicator_by_code("electricity").await?.indicator_id;
    let series: [(EnterpriseId, [f64; 9]); 4] = [
        (a, [90.0, 90.0, 90.0, 100.0, 100.0, 100.0, 110.0, 120.0, 130.0]),
        (b, [210.0, 210.0, 210.0, 200.0, 200.0, 200.0, 180.0, 190.0, 200.0]),
        (c, [40.0, 40.0, 40.0, 50.0, 50.0, 50.0, 60.0, 60.0, 60.0]),
        (d, [70.0, 70.0, 70.0, 80.0, 80.0, 80.0, 10.0, 10.0, 10.0]),
    ];
    let months = ["2022-01", "2022-02", "2022-03", "2023-01", "2023-02", "2023-03", "2024-01", "2024-02", "2024-03"];
    let mut values = Vec::new();
    for (firm, row) in series {
        for (m, v) in months.iter().zip(row) {
            values.push(NewDataValue { enterprise_id: firm, indicator_id: gross, period: month(m), value: v });
            let electricity = if firm == a && m.starts_with("2024") { 8.0 } else { v / 10.0 };
            values.push(NewDataValue {
                enterprise_id: firm,
                indicator_id: power,
                period: month(m),
                value: electricity,
            });
        }
    }
    store.insert_values(&Scope::City, &values, ValueSource::Import).await?;
    Ok(City { east, west, firms: [a, b, c, d] })
}

async fn engine_story(db: &TestDatabase) -> Result {
    let store = &db.store;
    let city = city(store).await?;
    let engine = Engine::load(store.clone(), &["gross_output", "electricity"], month("2024-03")).await?;
    let march = month("2024-03");
    let names = engine.names().await;
    let request = CockpitRequest {
        scope: &Scope::City,
        month: march,
        attribution: Attribution::AtMonth,
        lang: Lang::ZhCn,
        rules: AlertRules::default(),
        targets: &[],
        lead: "gross_output",
    };
    {
        let cube = engine.read().await?;
        let view = cockpit(&cube, &names, &request)?;
        let gross = view.headline.iter().find(|h| h.indicator.code == "gross_output").expect("headline");
        // The set of 2024-03 is A, B, C. 1—3月: 360 + 570 + 180 = 1110 against the same firms'
        // 300 + 600 + 150 = 1050: +5.714%. Nominally, against last year's own set (A, B, D:
        // 300 + 600 + 240 = 1140): −2.632%. March alone: 390 against 350, +11.429%.
        assert_eq!(gross.firms, 3);
        assert!(close(Some(gross.year_to_date.current), 1110.0) && close(Some(gross.year_to_date.previous), 1050.0));
        assert!(close(gross.year_to_date.growth_pct, 100.0 * (1110.0 / 1050.0 - 1.0)));
        assert!(close(gross.nominal_growth_pct, 100.0 * (1110.0 / 1140.0 - 1.0)));
        assert!(close(gross.month.growth_pct, 100.0 * (390.0 / 350.0 - 1.0)));
        // Two-year average: the same firms two years earlier made 270 + 630 + 120 = 1020;
        // √(1110 / 1020) − 1 = +4.319% a year.
        assert!(close(gross.two_year_average_pct, 100.0 * ((1110.0f64 / 1020.0).sqrt() - 1.0)));
        // Trend: January 350 against 350 (0%); 1—2月 720 against 700 (+2.857%); 1—3月 +5.714%.
        let trend: Vec<Option<f64>> = view.trend.iter().map(|t| t.growth_pct).collect();
        assert!(
            close(trend[0], 0.0)
                && close(trend[1], 100.0 * (720.0 / 700.0 - 1.0))
                && close(trend[2], 100.0 * (1110.0 / 1050.0 - 1.0))
        );
        // By district: east (A, C) 540 against 450, Δ 90; west (B) 570 against 600, Δ −30; the
        // total moved by 60: contributions 150% and −50%, pulls 8.571 and −2.857 pp.
        let districts = view.breakdowns.iter().find(|b| b.dimension == Dimension::District).expect("districts");
        let east = districts.parts.iter().find(|p| p.unit == Unit::District(city.east.0)).expect("east");
        let west = districts.parts.iter().find(|p| p.unit == Unit::District(city.west.0)).expect("west");
        assert!(close(east.contribution_pct, 150.0) && close(west.contribution_pct, -50.0));
        assert!(close(east.pull_pp, 100.0 * 90.0 / 1050.0) && close(west.pull_pp, -100.0 * 30.0 / 1050.0));
        assert_eq!((east.name.as_str(), east.rank, west.rank), ("东城区", 1, 2));
        // C joined the set this year, D left it; C became a provincial SRDI SME in February.
        assert_eq!((view.counts.above_scale, view.counts.entered, view.counts.exited), (3, 1, 1));
        assert!(view.counts.new_designations.contains(&(Tier::SrdiSme, 1)));
        // B fell 5% in 1—3月 (not past −10%); A's electricity fell 20% while output rose 20%.
        assert_eq!(view.declines.counts, vec![(10.0, 0), (20.0, 0)]);
        let electricity = view.electricity.as_ref().expect("electricity");
        let apart: Vec<&str> = electricity.output_up_power_down.firms.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(apart, ["企业甲"]);
        // Every figure leads to its firms: east's 540 is A's 360 and C's 180.
        let selection = Selection::above_scale(&Scope::City).within(Unit::District(city.east.0));
        let series = cube.series_by_code("gross_output").expect("series");
        let (whole, firms) = firms_behind(&cube, &selection, series, march, Window::YearToDate);
        assert!(close(Some(whole.current), 540.0));
        assert_eq!(firms.iter().map(|f| f.figure.current).collect::<Vec<_>>(), [360.0, 180.0]);
        assert!(close(firms[0].contribution_pct, 100.0 * 60.0 / 90.0));
        // A district officer sees only the district.
        let east_scope = Scope::District(city.east);
        let local = cockpit(&cube, &names, &CockpitRequest { scope: &east_scope, ..request.clone() })?;
        let local_gross = local.headline.iter().find(|h| h.indicator.code == "gross_output").expect("headline");
        assert!(close(Some(local_gross.year_to_date.current), 540.0));
        assert!(local.breakdowns.iter().all(|b| b.dimension != Dimension::District));
    }

    // Targets: the city's growth target of 9% and 2 new above-scale firms; east's 5%.
    let analyst = AuditActor::system("analyst");
    let growth = |unit, value| NewTarget {
        year: 2024,
        unit,
        metric: "gross_output".into(),
        kind: TargetKind::Growth,
        value,
        lights: LightRule::GROWTH_DEFAULT,
        note: None,
    };
    store.save_target(&Scope::City, &growth(TargetUnit::City, 9.0), &analyst).await?;
    store.save_target(&Scope::City, &growth(TargetUnit::District(city.east.0), 5.0), &analyst).await?;
    store.save_target(&Scope::City, &growth(TargetUnit::District(city.west.0), 5.0), &analyst).await?;
    let count = NewTarget {
        metric: "new_above_scale".into(),
        kind: TargetKind::Count,
        value: 2.0,
        lights: LightRule::QUANTITY_DEFAULT,
        ..growth(TargetUnit::City, 0.0)
    };
    store.save_target(&Scope::City, &count, &analyst).await?;
    assert!(matches!(
        store.save_target(&Scope::District(city.east), &count, &analyst).await,
        Err(StoreError::NotFound)
    ));
    let targets = store.targets(2024).await?;
    assert_eq!(targets.len(), 4);
    {
        let cube = engine.read().await?;
        let view = cockpit(&cube, &names, &CockpitRequest { targets: &targets, ..request.clone() })?;
        let row = |unit, metric: &str| {
            view.targets.iter().find(|t| t.unit == unit && t.metric == metric).expect("target row").clone()
        };
        // City: +5.714% against 9%: 3.29 pp short, past the 3 pp red line. East: 540/450 = +20%
        // against 5%: green. New above-scale firms: 1 of 2 after 3 months: 50% completion
        // against 25% time progress, +25 pp, green.
        let city_growth = row(TargetUnit::City, "gross_output");
        assert!(close(city_growth.progress.map(|p| p.gap_pp), 100.0 * (1110.0 / 1050.0 - 1.0) - 9.0));
        assert_eq!(city_growth.light, Some(Light::Red));
        let east = row(TargetUnit::District(city.east.0), "gross_output");
        assert_eq!(east.light, Some(Light::Green));
        // West: 570 against 600, −5%, 10 pp short of 5%: red, and second to east's +15 pp.
        let west = row(TargetUnit::District(city.west.0), "gross_output");
        assert_eq!((west.light, east.rank, west.rank), (Some(Light::Red), Some(1), Some(2)));
        assert_eq!(city_growth.rank, None, "the city has no peers");
        let entries = row(TargetUnit::City, "new_above_scale");
        assert!(close(entries.actual, 1.0) && close(entries.progress.map(|p| p.gap_pp), 25.0));
        assert_eq!(entries.light, Some(Light::Green));
        // The district officer sees the district's target, not the city's.
        let east_scope = Scope::District(city.east);
        let local =
            cockpit(&cube, &names, &CockpitRequest { scope: &east_scope, targets: &targets, ..request.clone() })?;
        assert_eq!(local.targets.len(), 1);
    }

    // Live: B submits a corrected March (200 → 260) through another connection pool, as a
    // second server would; the engine's next read has it. 1—3月: 1170 against 1050.
    let other = Store::connect(&db.url).await?;
    let set = other.data_set(reports::MONTHLY).await?;
    let gross_id = other.indicator_by_code("gross_output").await?.indicator_id;
    let write = |value: f64, submit: bool| ReportWrite {
        data_set_id: set.data_set_id,
        enterprise_id: city.firms[1],
        period: march,
        values: vec![(gross_id, Some(value))],
        submit,
        explanation: Some("更正".into()),
        source: ValueSource::Report,
    };
    let review = |decision: Review| {
        let other = other.clone();
        let analyst = analyst.clone();
        async move { other.review_report(&Scope::City, set.data_set_id, city.firms[1], march, &decision, &analyst).await }
    };
    other.save_report(&Scope::City, &write(260.0, true), &analyst).await?;
    // Submitted, March waits for approval: not reported, so 1110 − 200 (never a fall to zero
    // against its base: the firm's March of last year leaves the base as well).
    assert!(close(Some(ytd(&engine, march).await?), 910.0));
    review(Review::Approve).await?;
    assert!(close(Some(ytd(&engine, march).await?), 1170.0));
    // Returned, the report's values stop counting until it is approved again: 1170 − 260.
    review(Review::Return { reason: "核实".into() }).await?;
    assert!(close(Some(ytd(&engine, march).await?), 910.0));
    other.save_report(&Scope::City, &write(255.0, true), &analyst).await?;
    assert!(close(Some(ytd(&engine, march).await?), 910.0));
    review(Review::Approve).await?;
    assert!(close(Some(ytd(&engine, march).await?), 1165.0));
    other.close().await;
    Ok(())
}

/// The city's 1—N月 gross output through `month`, as the engine has it now.
async fn ytd(engine: &Engine, month: Month) -> Result<f64> {
    let cube = engine.read().await?;
    let series = cube.series_by_code("gross_output").expect("series");
    let members = cube.members(&Selection::above_scale(&Scope::City), month);
    Ok(xinzhi_analytics::measures::total(&cube.figures(series, &members, month, Window::YearToDate)).current)
}

#[tokio::test]
async fn the_engine_reproduces_hand_computed_figures_and_stays_live_on_every_backend() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("engine story on {}", db.label);
        engine_story(&db).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}
