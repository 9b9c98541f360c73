//! The 亩均 evaluation end to end over hand-made firms written through the store, on SQLite and
//! (with `TEST_DATABASE_URL`) PostgreSQL: who is in the group, the classes under the quotas with
//! a tie at the edge, the run's publication, an objection inside and outside its window, its
//! resolution, re-scoring under a new rule version with the history kept, and finalisation.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use xinzhi_analytics::Engine;
use xinzhi_analytics::evaluation::evaluate;
use xinzhi_domain::mu::{Benchmark, Group};
use xinzhi_domain::{CreditCode, IndustryCode, Month, RegionCode, Validity};
use xinzhi_store::cultivation::ProfileValue;
use xinzhi_store::evaluation::{NewMuResult, ObjectionRefusal, RunStatus};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::*;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::test]
async fn a_mu_run_is_classed_under_quotas_published_objected_to_rescored_and_made_final() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("亩均 run on {}", db.label);
        story(&db.store).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}

/// Ten rated firms on 10 mu each, with taxes giving 30, 25, 20, 15, 12, 10, 10, 8, 5 and 2
/// 万元/亩; a firm on 2 mu (under the below-scale group's 3 mu minimum); one established in
/// 2023 (exempt in its first two years); and a power plant (division 44, exempt).
const TAXES: [f64; 10] = [300.0, 250.0, 200.0, 150.0, 120.0, 100.0, 100.0, 80.0, 50.0, 20.0];

async fn story(store: &Store) -> Result {
    store.seed_monthly_data_set().await?;
    let city = store
        .insert_region(&NewRegion {
            code: RegionCode::parse("436000")?,
            name_zh: "潇州市".into(),
            name_en: "Xiaozhou".into(),
            parent_id: None,
        })
        .await?;
    let district = store
        .insert_region(&NewRegion {
            code: RegionCode::parse("436002")?,
            name_zh: "东城区".into(),
            name_en: "Dongcheng".into(),
            parent_id: Some(city),
        })
        .await?;
    let firm = |i: usize, industry: &str, land: f64, established_on: i64| NewEnterprise {
        credit_code: CreditCode::from_prefix(&format!("91436000MA{i:07}")).expect("code"),
        name: format!("企业{i:02}"),
        industry_code: IndustryCode::parse(industry).expect("industry"),
        established_on: Some(established_on),
        closed_on: None,
        land_area_mu: Some(land),
        employees: Some(50),
        address: None,
    };
    let mut new: Vec<NewEnterprise> = (0..10).map(|i| firm(i, "3311", 10.0, 20100101)).collect();
    new.push(firm(10, "3311", 2.0, 20100101));
    new.push(firm(11, "3311", 10.0, 20230301));
    new.push(firm(12, "4411", 10.0, 20100101));
    let ids = store.insert_enterprises(&Scope::City, &new).await?;
    let memberships: Vec<NewMembership> = ids
        .iter()
        .map(|&id| NewMembership {
            enterprise_id: id,
            target: MembershipTarget::District(district),
            validity: Validity::new(Month::parse("2020-01").expect("month"), None).expect("ordered"),
            reason: None,
        })
        .collect();
    store.add_memberships(&Scope::City, &memberships).await?;
    let taxes = TAXES.iter().copied().chain([400.0, 400.0, 400.0]);
    let profiles: Vec<ProfileValue> = ids
        .iter()
        .zip(taxes)
        .map(|(&id, tax)| ProfileValue { enterprise_id: id, year: 2024, field: "taxes_paid".into(), value: tax })
        .collect();
    store.insert_profiles(&Scope::City, &profiles, "test").await?;

    // One indicator, tax per mu, weight 100 against a benchmark of 10: points = 10 × 万元/亩.
    store.seed_mu_rules().await?;
    let mut rules = store.mu_rules(None, 20250101).await?;
    assert_eq!(rules.version, "HY-2022", "the shipped rules are seeded");
    rules.version = "TEST-1".into();
    rules.effective_from = 20250101;
    let below = rules.groups.iter_mut().find(|g| g.group == Group::BelowScale).ok_or("below")?;
    below.indicators.truncate(1);
    below.indicators[0].weight = 100.0;
    below.indicators[0].benchmark = Benchmark::Fixed(10.0);
    rules.check()?;
    let actor = AuditActor::system("test");
    store.save_mu_rules(&Scope::City, &rules, &actor).await?;
    assert_eq!(store.mu_rules(None, 20250101).await?.version, "TEST-1");
    assert_eq!(store.mu_rules(None, 20241231).await?.version, "HY-2022");

    let engine = Engine::load(store.clone(), &[], Month::parse("2024-12")?).await?;
    let cube = engine.read().await?;
    let profiles = engine.profiles().await?;
    let group = rules.group(Group::BelowScale).ok_or("below rules")?;
    let lines = evaluate(&cube, &profiles, group, 2024);
    assert_eq!(lines.len(), 12, "the 2 mu firm is not evaluated");
    assert!(lines.iter().all(|l| l.enterprise_id != ids[10]));
    let of = |id: EnterpriseId| lines.iter().find(|l| l.enterprise_id == id).expect("evaluated");
    assert!(of(ids[11]).result.exempt && of(ids[12]).result.exempt, "new firm and power plant exempt");
    assert_eq!((of(ids[11]).result.rank, of(ids[11]).result.class.as_deref()), (None, None));
    // A ≤ 20% of 10: two. A + B ≤ 60%: six, but the 6th and 7th tie at 100 points, so both stay
    // in C and B holds three. D ≥ 5%: one (the 2 万元/亩 firm).
    let classes: Vec<(f64, Option<usize>, &str)> = ids[..10]
        .iter()
        .map(|&id| {
            let r = &of(id).result;
            (r.total, r.rank, r.class.as_deref().unwrap_or("-"))
        })
        .collect();
    let expected = [
        (300.0, 1, "A"),
        (250.0, 2, "A"),
        (200.0, 3, "B"),
        (150.0, 4, "B"),
        (120.0, 5, "B"),
        (100.0, 6, "C"),
        (100.0, 6, "C"),
        (80.0, 8, "C"),
        (50.0, 9, "C"),
        (20.0, 10, "D"),
    ];
    for ((total, rank, class), (want_total, want_rank, want_class)) in classes.iter().zip(expected) {
        assert!((total - want_total).abs() < 1e-9, "{total} against {want_total}");
        assert_eq!((*rank, *class), (Some(want_rank), want_class));
    }

    // The run: a draft with its results, city scope only.
    let results: Vec<NewMuResult> = lines.into_iter().map(NewMuResult::from).collect();
    let scope_d = Scope::District(district);
    assert!(matches!(
        store.create_mu_run(&scope_d, 2024, Group::BelowScale, "TEST-1", &results, &actor).await,
        Err(StoreError::NotFound)
    ));
    let run = store.create_mu_run(&Scope::City, 2024, Group::BelowScale, "TEST-1", &results, &actor).await?;
    let record = store.mu_run(run).await?;
    assert_eq!((record.status, record.revision, record.rule_version.as_str()), (RunStatus::Draft, 1, "TEST-1"));
    let stored = store.mu_results(&scope_d, run, None).await?;
    assert_eq!(stored.len(), 12);
    assert_eq!((stored[0].name.as_str(), stored[0].class.as_deref()), ("企业00", Some("A")));
    assert!(stored[10].exempt && stored[11].exempt, "exempt firms last");

    // A draft takes no objections and cannot be final; publication opens the window.
    let worst = ids[9];
    let file = |today| store.file_mu_objection(&scope_d, run, worst, "电费数据有误，应扣除代建厂房用电", today, &actor);
    assert_eq!(file(20250110).await?, Err(ObjectionRefusal::WindowClosed));
    assert!(matches!(store.finalize_mu_run(&Scope::City, run, &actor).await, Err(StoreError::Conflict(_))));
    store.publish_mu_run(&Scope::City, run, 20250117, &actor).await?;
    assert_eq!(file(20250118).await?, Err(ObjectionRefusal::WindowClosed), "after the window");
    let objection = file(20250117).await?.map_err(|r| format!("{r:?}"))?;
    assert_eq!(file(20250117).await?, Err(ObjectionRefusal::AlreadyOpen));
    assert!(matches!(store.finalize_mu_run(&Scope::City, run, &actor).await, Err(StoreError::Conflict(_))));

    // Upheld: the firm's taxes were 60, not 20; a new rule version (benchmark 5: points double)
    // is in force. Re-scoring keeps revision 1 and adds revision 2 under the new version.
    store.resolve_mu_objection(&Scope::City, objection, true, "经核实，税收数据更正为60万元", &actor).await?;
    assert!(matches!(
        store.resolve_mu_objection(&Scope::City, objection, false, "重复处理", &actor).await,
        Err(StoreError::Conflict(_))
    ));
    let fix = [("taxes_paid".to_owned(), Some(60.0))];
    store.save_profile(&Scope::City, worst, 2024, &fix, "异议更正", &actor).await?;
    let mut doubled = rules.clone();
    doubled.version = "TEST-2".into();
    let below = doubled.groups.iter_mut().find(|g| g.group == Group::BelowScale).ok_or("below")?;
    below.indicators[0].benchmark = Benchmark::Fixed(5.0);
    store.save_mu_rules(&Scope::City, &doubled, &actor).await?;
    let profiles = engine.profiles().await?;
    let group = doubled.group(Group::BelowScale).ok_or("below rules")?;
    let again: Vec<NewMuResult> = evaluate(&cube, &profiles, group, 2024).into_iter().map(NewMuResult::from).collect();
    assert_eq!(store.rescore_mu_run(&Scope::City, run, "TEST-2", &again, &actor).await?, 2);
    let history = store.mu_result_history(&scope_d, run, worst).await?;
    let history: Vec<(i64, &str, f64, Option<&str>)> =
        history.iter().map(|h| (h.revision, h.rule_version.as_str(), h.total, h.class.as_deref())).collect();
    // 60 万元 on 10 mu is 6 万元/亩: 120 points against 5. The firm at 5 万元/亩 (100 points) is last.
    assert_eq!(history, [(1, "TEST-1", 20.0, Some("D")), (2, "TEST-2", 120.0, Some("C"))]);
    let now = store.mu_results(&Scope::City, run, None).await?;
    assert_eq!(now.iter().find(|r| r.class.as_deref() == Some("D")).map(|r| r.name.as_str()), Some("企业08"));
    assert!(now.iter().all(|r| r.revision == 2));
    assert_eq!(store.mu_results(&Scope::City, run, Some(1)).await?.len(), 12, "revision 1 is kept");

    // No open objections: final, after which nothing moves.
    let objections = store.mu_objections(&scope_d, run).await?;
    assert_eq!(objections.len(), 1);
    assert_eq!(objections[0].status, xinzhi_store::evaluation::ObjectionStatus::Upheld);
    store.finalize_mu_run(&Scope::City, run, &actor).await?;
    assert_eq!(store.mu_run(run).await?.status, RunStatus::Final);
    assert!(matches!(
        store.rescore_mu_run(&Scope::City, run, "TEST-2", &again, &actor).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(store.publish_mu_run(&Scope::City, run, 20250201, &actor).await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.mu_run(run + 100).await, Err(StoreError::NotFound)));

    // A policy for the D class with at least 40 万元 of taxes: the final class is read, and
    // the evidence names each value. 企业08 (D, 50 万元) qualifies; nobody else is D.
    let classes = store.final_mu_classes().await?;
    assert_eq!(classes.get(&ids[8]).map(String::as_str), Some("D"));
    let draft = xinzhi_store::policies::PolicyDraft {
        title: "低效企业技改扶持".into(),
        issuer: "潇州市工业和信息化局".into(),
        document_no: Some("潇工信〔2025〕1号".into()),
        issued_on: 20250201,
        valid_from: 20250201,
        valid_to: Some(20251231),
        summary: "亩均评价D类企业实施技术改造的，给予贴息。".into(),
        benefit: "技改贷款贴息50%".into(),
        condition: "mu_class = \"D\" and taxes_paid >= 40".into(),
        automatic: true,
    };
    let policy = store.save_policy(&Scope::City, None, &draft, &actor).await?;
    assert!(matches!(store.save_policy(&scope_d, None, &draft, &actor).await, Err(StoreError::NotFound)));
    let condition = xinzhi_domain::policy::parse(&draft.condition, &xinzhi_analytics::policies::known_fact)?;
    let names = engine.names().await;
    let ctx = xinzhi_analytics::policies::PolicyContext {
        cube: &cube,
        names: &names,
        profiles: &profiles,
        mu_classes: &classes,
        year: 2024,
        month: Month::parse("2024-12")?,
        today: 20250301,
    };
    let found = xinzhi_analytics::policies::eligible(&ctx, &scope_d, &condition);
    let names_found: Vec<&str> = found.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names_found, ["企业08"]);
    let evidence: Vec<String> = found[0].outcome.checks.iter().map(|c| c.message(xinzhi_domain::Lang::ZhCn)).collect();
    assert_eq!(evidence, ["mu_class = \"D\"：\"D\" ✓", "taxes_paid ≥ 40：50 ✓"]);
    store
        .decide_policy_firm(&scope_d, policy, ids[8], xinzhi_store::policies::Decision::Confirmed, None, &actor)
        .await?;
    let mut edited = draft.clone();
    edited.valid_to = Some(20261231);
    store.save_policy(&Scope::City, Some(policy), &edited, &actor).await?;
    let stored = store.policy(policy).await?;
    assert_eq!((stored.draft.valid_to, stored.in_force(20260601)), (Some(20261231), true));
    assert_eq!(store.policies().await?.len(), 1);
    let decisions = store.policy_decisions(&scope_d, policy).await?;
    assert_eq!(decisions.get(&ids[8]).map(|d| d.decision), Some(xinzhi_store::policies::Decision::Confirmed));
    Ok(())
}
