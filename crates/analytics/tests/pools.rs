//! Candidate pools, the ladder's counts and review reminders over hand-made firms written
//! through the store, on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL. Each firm is built
//! to sit on one side of one criterion of the 2022 little-giant rules (domain.md §3.4).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use xinzhi_analytics::Engine;
use xinzhi_analytics::pools::{Candidate, ladder_counts, pool, reviews_due};
use xinzhi_domain::ladder::ReviewDue;
use xinzhi_domain::{
    CreditCode, DesignationLevel, DesignationStatus, IndustryCode, Lang, Month, RegionCode, Tier, Validity,
};
use xinzhi_store::cultivation::ProfileValue;
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::*;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// A profile that meets every little-giant gate in 2024: an SME (200 staff, 2亿 revenue), five
/// years in the niche, main business 90% of revenue growing 9.5% a year over 2022–2024
/// (18,000 against 15,000), certified, on an information system, 50% debt, 15% of its niche,
/// its own brand, on a key link of its chain, and a provincial S&T award (the innovation pass).
fn good_profile(debt: f64) -> Vec<(i32, &'static str, f64)> {
    let mut values = vec![
        (2022, "main_revenue", 15_000.0),
        (2022, "operating_revenue", 16_500.0),
        (2024, "employees", 200.0),
        (2024, "operating_revenue", 20_000.0),
        (2024, "main_revenue", 18_000.0),
        (2024, "niche_years", 5.0),
        (2024, "core_it_system", 1.0),
        (2024, "management_certified", 1.0),
        (2024, "total_assets", 10_000.0),
        (2024, "niche_share", 15.0),
        (2024, "own_brand", 1.0),
        (2024, "chain_role", 1.0),
        (2024, "st_award", 1.0),
    ];
    values.push((2024, "total_liabilities", debt));
    values
}

#[tokio::test]
async fn pools_rank_candidates_name_their_gaps_and_follow_profile_and_rule_changes() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("pools on {}", db.label);
        story(&db.store).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}

async fn story(store: &Store) -> Result {
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
    let codes =
        ["914403001922038216", "91330100799655058B", "9144030071526726XG", "911100006336912003", "91350100M000100Y43"];
    let names = ["达标甲", "负债乙", "无资格丙", "已认定丁", "边界戊"];
    let new: Vec<NewEnterprise> = codes
        .iter()
        .zip(names)
        .map(|(c, name)| NewEnterprise {
            credit_code: CreditCode::parse(c).expect(c),
            name: name.into(),
            industry_code: IndustryCode::parse("3311").expect("industry"),
            established_on: None,
            closed_on: None,
            land_area_mu: None,
            employees: None,
            address: None,
        })
        .collect();
    let ids = store.insert_enterprises(&Scope::City, &new).await?;
    let [a, b, c, d, e] = [ids[0], ids[1], ids[2], ids[3], ids[4]];
    let district = |firm, region| NewMembership {
        enterprise_id: firm,
        target: MembershipTarget::District(region),
        validity: Validity::new(Month::parse("2020-01").expect("month"), None).expect("ordered"),
        reason: None,
    };
    store
        .add_memberships(
            &Scope::City,
            &[district(a, east), district(b, east), district(c, east), district(d, west), district(e, west)],
        )
        .await?;
    let designation = |firm, tier, granted_on: i64, expires_on: i64| NewDesignation {
        enterprise_id: firm,
        tier,
        level: DesignationLevel::Provincial,
        granted_on,
        expires_on: Some(expires_on),
        status: DesignationStatus::Active,
        batch: Some("2023年第1批".into()),
    };
    // A, B, D and E are SRDI SMEs (C is not); D is a little giant already.
    store
        .add_designations(
            &Scope::City,
            &[
                designation(a, Tier::SrdiSme, 20230630, 20260629),
                designation(b, Tier::SrdiSme, 20230630, 20260629),
                designation(d, Tier::SrdiSme, 20221231, 20251230),
                designation(e, Tier::SrdiSme, 20240331, 20270330),
                NewDesignation {
                    level: DesignationLevel::National,
                    ..designation(d, Tier::LittleGiant, 20240701, 20270630)
                },
            ],
        )
        .await?;
    // B owes 71% of its assets; E exactly 70%, which the rule allows (at most 70%).
    let mut profiles = Vec::new();
    for (firm, debt) in [(a, 5_000.0), (b, 7_100.0), (c, 5_000.0), (d, 5_000.0), (e, 7_000.0)] {
        profiles.extend(good_profile(debt).into_iter().map(|(year, field, value)| ProfileValue {
            enterprise_id: firm,
            year,
            field: field.into(),
            value,
        }));
    }
    store.insert_profiles(&Scope::City, &profiles, "test").await?;

    let engine = Engine::load(store.clone(), &[], Month::parse("2024-12")?).await?;
    let rules = store.ladder_rules(None, 20250101).await?;
    assert_eq!(rules.version, "MIIT-2022", "the shipped rules when none are stored");
    let found = little_giants(&engine, &rules).await;
    // C lacks the standing (not an SRDI SME), D holds the tier: neither is a candidate.
    let order: Vec<&str> = found.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(order, ["边界戊", "达标甲", "负债乙"], "qualifying first (by name on a tie), then the nearest");
    assert!(found[0].assessment.qualifies && found[1].assessment.qualifies && !found[2].assessment.qualifies);
    assert_eq!(found[0].district, "西山县");
    let gaps: Vec<String> = found[2].assessment.gaps.iter().map(|g| g.message(Lang::ZhCn)).collect();
    assert_eq!(gaps, ["资产负债率 71% > 70%"]);
    assert_eq!(found[2].assessment.gaps[0].message(Lang::En), "Asset-liability ratio 71% > 70%");
    assert!(found.iter().all(|c| c.assessment.version == "MIIT-2022"));

    // B pays down its debt: the next read of the profiles sees it, and B qualifies.
    let fix = [("total_liabilities".to_owned(), Some(6_000.0))];
    store.save_profile(&Scope::City, b, 2024, &fix, "年报更正", &AuditActor::system("test")).await?;
    let profiles = engine.profiles().await?;
    assert_eq!(profiles[&b].get(2024, "total_liabilities"), Some(6_000.0));
    let found = little_giants(&engine, &rules).await;
    assert!(found.iter().all(|c| c.assessment.qualifies), "B qualifies once its debt is 60%");
    let undo = [("total_liabilities".to_owned(), Some(7_100.0))];
    store.save_profile(&Scope::City, b, 2024, &undo, "复原", &AuditActor::system("test")).await?;

    // A new version that allows 75% debt, effective 2026: B qualifies under it, and each result
    // names the version it used; the rules in force on a date follow the effective dates.
    let mut relaxed = rules.clone();
    relaxed.version = "TEST-2026".into();
    relaxed.effective_from = 20260101;
    for tier in &mut relaxed.tiers {
        for gate in &mut tier.gates {
            relax_debt(gate, 75.0);
        }
    }
    relaxed.check()?;
    store.seed_ladder_rules().await?;
    store.save_ladder_rules(&Scope::City, &relaxed, &AuditActor::system("test")).await?;
    assert!(matches!(
        store.save_ladder_rules(&Scope::City, &relaxed, &AuditActor::system("test")).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.ladder_rules(None, 20251231).await?.version, "MIIT-2022");
    assert_eq!(store.ladder_rules(None, 20260101).await?.version, "TEST-2026");
    assert!(matches!(store.ladder_rules(Some("NONE"), 20260101).await, Err(StoreError::NotFound)));
    let rescored = little_giants(&engine, &store.ladder_rules(Some("TEST-2026"), 0).await?).await;
    let b_now = rescored.iter().find(|c| c.enterprise_id == b).ok_or("B")?;
    assert!(b_now.assessment.qualifies && b_now.assessment.version == "TEST-2026");
    let before = little_giants(&engine, &store.ladder_rules(Some("MIIT-2022"), 0).await?).await;
    assert!(!before.iter().find(|c| c.enterprise_id == b).ok_or("B")?.assessment.qualifies);

    // The ladder: held on a day, 新增 by year (D's little giant is new in 2024).
    let cube = engine.read().await?;
    let counts = ladder_counts(&cube, &Scope::City, 20250101);
    let srdi = counts.iter().find(|t| t.tier == Tier::SrdiSme).ok_or("srdi")?;
    assert_eq!(srdi.held, 4);
    assert_eq!(srdi.new_by_year.iter().map(|(y, n)| (*y, *n)).collect::<Vec<_>>(), [(2022, 1), (2023, 2), (2024, 1)]);
    let giants = counts.iter().find(|t| t.tier == Tier::LittleGiant).ok_or("giants")?;
    assert_eq!((giants.held, giants.new_by_year.get(&2024).copied()), (1, Some(1)));
    // On 2025-12-31 D's SRDI designation (valid until 2025-12-30) is no longer held.
    let later = ladder_counts(&cube, &Scope::City, 20251231);
    assert_eq!(later.iter().find(|t| t.tier == Tier::SrdiSme).ok_or("srdi")?.held, 3);
    let east_only = ladder_counts(&cube, &Scope::District(east), 20250101);
    assert_eq!(east_only.iter().find(|t| t.tier == Tier::SrdiSme).ok_or("srdi")?.held, 2, "A and B");

    // Reviews on 2025-12-01: D's SRDI expires 2025-12-30 (within 90 days); A's and B's on
    // 2026-06-29 (210 days: none yet). On 2026-01-05, D's is overdue and A's and B's within 180.
    let due = reviews_due(&cube, &Scope::City, 20251201);
    let due: Vec<(&str, Tier, ReviewDue)> = due.iter().map(|r| (r.name.as_str(), r.tier, r.due)).collect();
    assert_eq!(due, [("已认定丁", Tier::SrdiSme, ReviewDue::Within90)]);
    let due = reviews_due(&cube, &Scope::City, 20260105);
    let due: Vec<(&str, ReviewDue)> = due.iter().map(|r| (r.name.as_str(), r.due)).collect();
    assert_eq!(
        due,
        [("已认定丁", ReviewDue::Overdue), ("负债乙", ReviewDue::Within180), ("达标甲", ReviewDue::Within180)],
        "overdue first, then by expiry and name"
    );
    Ok(())
}

/// The little-giant pool of 2024 for the whole city.
async fn little_giants(engine: &Engine, rules: &xinzhi_domain::criteria::LadderRules) -> Vec<Candidate> {
    let profiles = engine.profiles().await.expect("profiles");
    let names = engine.names().await;
    let cube = engine.read().await.expect("cube");
    pool(&cube, &names, rules, &profiles, &Scope::City, Tier::LittleGiant, 2024)
}

/// Sets the asset-liability ceiling of every rule tree to `ceiling`.
fn relax_debt(rule: &mut xinzhi_domain::criteria::Rule, ceiling: f64) {
    use xinzhi_domain::criteria::Rule;
    match rule {
        Rule::Condition(c) if c.name_zh == "资产负债率" => c.threshold = ceiling,
        Rule::Condition(_) => {}
        Rule::All(rules) | Rule::Any(rules) => rules.iter_mut().for_each(|r| relax_debt(r, ceiling)),
    }
}
