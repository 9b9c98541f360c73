//! One storage story, told on every available backend: SQLite always, PostgreSQL when
//! `TEST_DATABASE_URL` is set. Figures are worked out by hand in the comments.

// Test helpers outside #[test] functions may panic too: a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{CreditCode, IndustryCode, Month, RegionCode, Tier, Validity, Year};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::*;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

fn month(text: &str) -> Month {
    Month::parse(text).expect(text)
}

fn code(text: &str) -> CreditCode {
    CreditCode::parse(text).expect(text)
}

fn enterprise(credit: &str, name: &str, industry: &str) -> NewEnterprise {
    NewEnterprise {
        credit_code: code(credit),
        name: name.into(),
        industry_code: IndustryCode::parse(industry).expect(industry),
        established_on: Some(20100101),
        closed_on: None,
        land_area_mu: Some(50.0),
        employees: Some(120),
        address: None,
    }
}

fn membership(e: EnterpriseId, target: MembershipTarget, from: &str, to: Option<&str>) -> NewMembership {
    NewMembership {
        enterprise_id: e,
        target,
        validity: Validity::new(month(from), to.map(month)).expect("ordered"),
        reason: None,
    }
}

#[tokio::test]
async fn a_city_is_recorded_and_read_back_the_same_on_every_backend() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("story on {}", db.label);
        story(&db.store).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}

async fn story(store: &Store) -> Result {
    // Migrations are idempotent: a second run applies nothing.
    assert_eq!(store.migrate().await?, Vec::<i64>::new());
    assert_eq!(store.seed_standard_indicators().await?, 20);
    assert_eq!(store.seed_standard_indicators().await?, 0);
    let gross = store.indicator_by_code("gross_output").await?;
    let employees = store.indicator_by_code("employees_end").await?;

    // Arrange: a city with two districts, a park, a cluster with one chain of two segments.
    let city = store
        .insert_region(&NewRegion {
            code: RegionCode::parse("436000")?,
            name_zh: "潇州市".into(),
            name_en: "Xiaozhou".into(),
            parent_id: None,
        })
        .await?;
    let east = store
        .insert_region(&NewRegion {
            code: RegionCode::parse("436002")?,
            name_zh: "东城区".into(),
            name_en: "Dongcheng".into(),
            parent_id: Some(city),
        })
        .await?;
    let west = store
        .insert_region(&NewRegion {
            code: RegionCode::parse("436021")?,
            name_zh: "西山县".into(),
            name_en: "Xishan".into(),
            parent_id: Some(city),
        })
        .await?;
    let park = store
        .insert_park(&NewPark {
            code: "P01".into(),
            name_zh: "潇州高新区".into(),
            name_en: "Xiaozhou HTZ".into(),
            region_id: east,
            kind: ParkKind::NationalHighTechZone,
            area_mu: Some(12_000.0),
        })
        .await?;
    let cluster = store
        .insert_cluster(
            &NewCluster {
                code: "K1".into(),
                name_zh: "新材料".into(),
                name_en: "New materials".into(),
                level: "provincial".into(),
            },
            1,
        )
        .await?;
    let chain = store
        .insert_chain(
            &NewChain {
                cluster_id: cluster,
                code: "rare_earth".into(),
                name_zh: "稀土新材料".into(),
                name_en: "Rare-earth materials".into(),
            },
            1,
        )
        .await?;
    let upstream = store
        .insert_segment(
            &NewSegment {
                chain_id: chain,
                parent_id: None,
                stage: Stage::Upstream,
                name_zh: "稀土采选".into(),
                name_en: "Mining".into(),
            },
            1,
        )
        .await?;
    let magnets = store
        .insert_segment(
            &NewSegment {
                chain_id: chain,
                parent_id: None,
                stage: Stage::Downstream,
                name_zh: "永磁电机".into(),
                name_en: "Magnet motors".into(),
            },
            2,
        )
        .await?;
    let wrong_stage = NewSegment {
        chain_id: chain,
        parent_id: Some(upstream),
        stage: Stage::Midstream,
        name_zh: "x".into(),
        name_en: "x".into(),
    };
    assert!(matches!(store.insert_segment(&wrong_stage, 3).await, Err(StoreError::Invalid(_))));

    let ids = store
        .insert_enterprises(
            &Scope::City,
            &[
                enterprise("914403001922038216", "潇州甲材料有限公司", "C3232"),
                enterprise("91330100799655058B", "潇州乙电机有限公司", "C3813"),
                enterprise("9144030071526726XG", "西山丙矿业有限公司", "B0932"),
            ],
        )
        .await?;
    let (a, b, c) = (ids[0], ids[1], ids[2]);

    // A duplicate credit code rolls back the whole batch: the new firm is not there either.
    let duplicate = store
        .insert_enterprises(
            &Scope::City,
            &[enterprise("91350100M000100Y43", "新公司", "C3813"), enterprise("914403001922038216", "重复", "C3813")],
        )
        .await;
    assert!(matches!(duplicate, Err(StoreError::Conflict(_))));
    assert!(matches!(
        store.enterprise_by_code(&Scope::City, &code("91350100M000100Y43")).await,
        Err(StoreError::NotFound)
    ));

    // A: above scale throughout; B: enters in 2024-03; C: leaves at the end of 2023 and
    // moves from the east district to the west one in 2024.
    store
        .add_memberships(
            &Scope::City,
            &[
                membership(a, MembershipTarget::District(east), "2020-01", None),
                membership(a, MembershipTarget::Park(park), "2020-01", None),
                membership(a, MembershipTarget::AboveScale, "2022-01", None),
                membership(a, MembershipTarget::ChainSegment(upstream), "2022-01", None),
                membership(b, MembershipTarget::District(east), "2020-01", None),
                membership(b, MembershipTarget::AboveScale, "2024-03", None),
                membership(b, MembershipTarget::ChainSegment(magnets), "2022-01", None),
                membership(c, MembershipTarget::District(east), "2020-01", Some("2023-12")),
                membership(c, MembershipTarget::District(west), "2024-01", None),
                membership(c, MembershipTarget::AboveScale, "2022-01", Some("2023-12")),
            ],
        )
        .await?;
    store.insert_chain_owner(&Scope::City, chain, a, Some(20230601), "市制造强市领导小组").await?;
    store
        .insert_chain_chief(
            chain,
            &ChainChief { name: "李明".into(), title: "副市长".into(), appointed_on: Some(20230101) },
        )
        .await?;
    store
        .add_designations(
            &Scope::City,
            &[NewDesignation {
                enterprise_id: b,
                tier: Tier::SrdiSme,
                level: xinzhi_domain::DesignationLevel::Provincial,
                granted_on: 20230815,
                expires_on: Some(20260814),
                status: xinzhi_domain::DesignationStatus::Active,
                batch: Some("2023年第一批".into()),
            }],
        )
        .await?;

    // An overlapping exclusive membership is rejected, and the valid row before it in the
    // same batch is not written either.
    let overlapping = store
        .add_memberships(
            &Scope::City,
            &[
                membership(a, MembershipTarget::Cluster(cluster), "2024-01", None),
                membership(b, MembershipTarget::District(west), "2023-06", None),
            ],
        )
        .await;
    assert!(matches!(overlapping, Err(StoreError::Invalid(_))));
    assert!(
        !store.memberships_of(&Scope::City, a).await?.iter().any(|m| m.kind == xinzhi_domain::MembershipKind::Cluster)
    );

    // Gross output, Jan–Mar of 2023 and 2024 (万元): A 100 → 110, B 50 → 60, C 80 → 70 a month.
    let mut values = Vec::new();
    for (e, before, after) in [(a, 100.0, 110.0), (b, 50.0, 60.0), (c, 80.0, 70.0)] {
        for m in 1..=3 {
            for (year, value) in [(2023, before), (2024, after)] {
                values.push(NewDataValue {
                    enterprise_id: e,
                    indicator_id: gross.indicator_id,
                    period: Month::new(year, m)?,
                    value,
                });
            }
        }
        values.push(NewDataValue {
            enterprise_id: e,
            indicator_id: employees.indicator_id,
            period: month("2024-03"),
            value: 100.0,
        });
    }
    store.insert_values(&Scope::City, &values, ValueSource::Demo).await?;

    // Same caliber, 1—3月 2024: the set is {A, B} in March (C has left).
    // Current 3·110 + 3·60 = 510; the same firms a year earlier 3·100 + 3·50 = 450; +13.33%.
    let q1 = MonthRange::new(month("2024-01"), month("2024-03"));
    let above = store.same_caliber(&Scope::City, "gross_output", q1, EnterpriseSet::AboveScale).await?;
    assert_eq!((above.current, above.previous), (510.0, 450.0));
    assert!((above.growth_percent().expect("base") - 13.333_333).abs() < 1e-4);
    // 1—2月: B is not yet in, so only A: 220 against 200, +10%.
    let jan_feb = store
        .same_caliber(
            &Scope::City,
            "gross_output",
            MonthRange::new(month("2024-01"), month("2024-02")),
            EnterpriseSet::AboveScale,
        )
        .await?;
    assert_eq!((jan_feb.current, jan_feb.previous), (220.0, 200.0));
    // Every firm: 330 + 180 + 210 = 720 against 300 + 150 + 240 = 690.
    let all = store.same_caliber(&Scope::City, "gross_output", q1, EnterpriseSet::All).await?;
    assert_eq!((all.current, all.previous), (720.0, 690.0));
    // A stock takes the last month only: 3 firms × 100 employees, none a year before.
    let staff = store.same_caliber(&Scope::City, "employees_end", q1, EnterpriseSet::All).await?;
    assert_eq!((staff.current, staff.previous), (300.0, 0.0));

    assert_eq!(store.above_scale_entries(&Scope::City, Year(2024)).await?, 1);
    assert_eq!(store.above_scale_entries(&Scope::City, Year(2023)).await?, 0);
    assert_eq!(store.above_scale_entries(&Scope::City, Year(2022)).await?, 2);
    assert_eq!(store.above_scale_count(&Scope::City, month("2023-12")).await?, 2);
    assert_eq!(store.above_scale_count(&Scope::City, month("2024-03")).await?, 2);

    // A correction keeps the old value as revision 1 and makes the new one revision 2.
    let correction =
        NewDataValue { enterprise_id: a, indicator_id: gross.indicator_id, period: month("2024-03"), value: 115.0 };
    assert_eq!(
        store
            .put_value(&Scope::City, correction, ValueSource::Report, Some("企业更正"), &AuditActor::system("story"))
            .await?,
        2
    );
    assert_eq!(
        store.put_value(&Scope::City, correction, ValueSource::Report, None, &AuditActor::system("story")).await?,
        2
    );
    let history = store.revisions_of(&Scope::City, a, gross.indicator_id, month("2024-03")).await?;
    let corrections = store
        .list_audit(&AuditFilter { action: Some("data_value.".into()), ..AuditFilter::default() }, Page::new(10, 0))
        .await?;
    let kinds: Vec<&str> = corrections.items.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(kinds, vec!["data_value.update"], "the unchanged rewrite is not audited");
    assert!(
        corrections.items[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("\"old\":110.0") && d.contains("\"new\":115.0"))
    );
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].revision, history[0].value, history[0].source.as_str()), (1, 110.0, "demo"));
    assert_eq!(history[0].changed_by.as_deref(), Some("story"), "who replaced it");
    assert_eq!(history[0].reason.as_deref(), Some("企业更正"));
    let march = store.values_of(&Scope::City, a, MonthRange::new(month("2024-03"), month("2024-03"))).await?;
    assert!(march.iter().any(|v| v.indicator_id == gross.indicator_id && v.value == 115.0 && v.revision == 2));
    let brand_new =
        NewDataValue { enterprise_id: a, indicator_id: gross.indicator_id, period: month("2024-04"), value: 1.0 };
    assert_eq!(
        store.put_value(&Scope::City, brand_new, ValueSource::Report, None, &AuditActor::system("story")).await?,
        1
    );
    let nan = NewDataValue { value: f64::NAN, ..brand_new };
    assert!(matches!(
        store.put_value(&Scope::City, nan, ValueSource::Report, None, &AuditActor::system("story")).await,
        Err(StoreError::Invalid(_))
    ));

    // Search: by name part, by code prefix, by district, park, industry and above-scale.
    let page = Page::new(10, 0);
    let by_name = store
        .search_enterprises(&Scope::City, &EnterpriseFilter { text: Some("电机".into()), ..Default::default() }, page)
        .await?;
    assert_eq!(by_name.total, 1);
    assert_eq!(by_name.items[0].credit_code, code("91330100799655058B"));
    let by_code = store
        .search_enterprises(&Scope::City, &EnterpriseFilter { text: Some("9144".into()), ..Default::default() }, page)
        .await?;
    assert_eq!(by_code.total, 2);
    let percent = store
        .search_enterprises(&Scope::City, &EnterpriseFilter { text: Some("%".into()), ..Default::default() }, page)
        .await?;
    assert_eq!(percent.total, 0, "% is matched literally");
    let east_firms = store
        .search_enterprises(
            &Scope::City,
            &EnterpriseFilter { district: Some(RegionCode::parse("436002")?), ..Default::default() },
            page,
        )
        .await?;
    assert_eq!(east_firms.total, 2, "C moved west");
    let in_park = store
        .search_enterprises(&Scope::City, &EnterpriseFilter { park: Some("P01".into()), ..Default::default() }, page)
        .await?;
    assert_eq!(in_park.items.iter().map(|e| e.enterprise_id).collect::<Vec<_>>(), vec![a]);
    assert_eq!(in_park.items[0].park_zh.as_deref(), Some("潇州高新区"));
    let manufacturing = store
        .search_enterprises(
            &Scope::City,
            &EnterpriseFilter { industry: Some(IndustryCode::parse("C")?), ..Default::default() },
            page,
        )
        .await?;
    assert_eq!(manufacturing.total, 2);
    let above_now = store
        .search_enterprises(&Scope::City, &EnterpriseFilter { above_scale: Some(true), ..Default::default() }, page)
        .await?;
    assert_eq!(above_now.total, 2);
    let srdi = store
        .search_enterprises(&Scope::City, &EnterpriseFilter { tier: Some(Tier::SrdiSme), ..Default::default() }, page)
        .await?;
    assert_eq!(srdi.total, 1);
    let second_page = store.search_enterprises(&Scope::City, &EnterpriseFilter::default(), Page::new(2, 2)).await?;
    assert_eq!((second_page.total, second_page.items.len()), (3, 1));

    // The record: C's two districts over time, in order.
    let history = store.memberships_of(&Scope::City, c).await?;
    let districts: Vec<_> = history
        .iter()
        .filter(|m| m.kind == xinzhi_domain::MembershipKind::District)
        .map(|m| (m.target_zh.clone().unwrap_or_default(), m.valid_from.to_string(), m.valid_to.map(|t| t.to_string())))
        .collect();
    assert_eq!(
        districts,
        vec![("东城区".into(), "2020-01".into(), Some("2023-12".into())), ("西山县".into(), "2024-01".into(), None)]
    );
    assert_eq!(store.designations_of(&Scope::City, b).await?.len(), 1);

    // The chain map: upstream before downstream, firms in their segments, A as owner.
    let map = store.chain_map(&Scope::City, "rare_earth").await?;
    assert_eq!(map.segments.iter().map(|s| s.stage).collect::<Vec<_>>(), vec![Stage::Upstream, Stage::Downstream]);
    assert_eq!(map.segments[0].members.len(), 1);
    assert!(map.segments[0].members[0].chain_owner);
    assert_eq!(map.owners.len(), 1);
    assert_eq!(map.chiefs[0].name, "李明");
    assert_eq!(map.enterprise_count, 2);
    assert!(matches!(store.chain_map(&Scope::City, "nope").await, Err(StoreError::NotFound)));

    // The overview counts current attributions.
    let overview = store.overview(&Scope::City).await?;
    assert_eq!((overview.enterprises, overview.above_scale), (3, 2));
    let counts: Vec<_> = overview.by_district.iter().map(|d| (d.code.as_str(), d.enterprises, d.above_scale)).collect();
    assert_eq!(counts, vec![("436002", 2, 2), ("436021", 1, 0)]);
    assert_eq!(overview.by_park[0].enterprises, 1);
    assert_eq!(overview.by_tier.len(), 1);
    assert_eq!(overview.first_month, Some(month("2023-01")));
    assert_eq!(overview.last_month, Some(month("2024-04")));

    scope_story(store, Ids { a, b, c, east, west, park, chain_code: "rare_earth" }).await?;
    access_story(store, east, b).await?;
    report_story(store, a, east, west).await?;
    import_story(store, a, b, east).await?;

    store.set_setting("city_name", "潇州市").await?;
    store.set_setting("city_name", "潇州").await?;
    assert_eq!(store.setting("city_name").await?.as_deref(), Some("潇州"));
    Ok(())
}

struct Ids {
    a: EnterpriseId,
    b: EnterpriseId,
    c: EnterpriseId,
    east: RegionId,
    west: RegionId,
    park: ParkId,
    chain_code: &'static str,
}

/// What each scope sees: the east district has A and B (C moved west), the park has A, a
/// reporter has only its firm, a department has no enterprise data. Outside its scope a firm
/// does not exist.
async fn scope_story(store: &Store, ids: Ids) -> Result {
    let Ids { a, b, c, east, west, park, chain_code } = ids;
    let page = Page::new(50, 0);
    let visible = |scope: Scope| async move {
        let found = store.search_enterprises(&scope, &EnterpriseFilter::default(), page).await?;
        let mut ids: Vec<EnterpriseId> = found.items.iter().map(|e| e.enterprise_id).collect();
        ids.sort();
        assert_eq!(found.total, ids.len() as i64);
        Ok::<_, StoreError>(ids)
    };
    let department = store.insert_department("kjk", "科技局", "Science Bureau").await?;
    assert_eq!(visible(Scope::City).await?, vec![a, b, c]);
    assert_eq!(visible(Scope::District(east)).await?, vec![a, b]);
    assert_eq!(visible(Scope::District(west)).await?, vec![c]);
    assert_eq!(visible(Scope::Park(park)).await?, vec![a]);
    assert_eq!(visible(Scope::Enterprise(b)).await?, vec![b]);
    assert_eq!(visible(Scope::Department(department)).await?, Vec::<EnterpriseId>::new());

    let east_scope = Scope::District(east);
    let c_code = store.enterprise_by_code(&Scope::City, &code("9144030071526726XG")).await?.credit_code;
    assert!(matches!(store.enterprise_by_code(&east_scope, &c_code).await, Err(StoreError::NotFound)));
    assert!(matches!(store.memberships_of(&east_scope, c).await, Err(StoreError::NotFound)));
    assert!(matches!(store.designations_of(&Scope::Enterprise(a), b).await, Err(StoreError::NotFound)));
    let q1 = MonthRange::new(month("2024-01"), month("2024-03"));
    assert!(matches!(store.values_of(&Scope::District(west), a, q1).await, Err(StoreError::NotFound)));
    assert_eq!(store.values_of(&east_scope, a, q1).await?.len(), 4, "3 months of output and March's employees");

    // Aggregates count only what the scope sees: east has A (110 + 110 + 115 after the March
    // correction) and B (3 × 60), against 3 × 100 + 3 × 50 a year earlier.
    let east_all = store.same_caliber(&east_scope, "gross_output", q1, EnterpriseSet::All).await?;
    assert_eq!((east_all.current, east_all.previous), (515.0, 450.0));
    let west_all = store.same_caliber(&Scope::District(west), "gross_output", q1, EnterpriseSet::All).await?;
    assert_eq!((west_all.current, west_all.previous), (210.0, 240.0));
    let overview = store.overview(&east_scope).await?;
    assert_eq!((overview.enterprises, overview.above_scale), (2, 2));
    let by_district: Vec<_> = overview.by_district.iter().map(|d| (d.code.as_str(), d.enterprises)).collect();
    assert_eq!(by_district, vec![("436002", 2), ("436021", 0)]);
    let nothing = store.overview(&Scope::Department(department)).await?;
    assert_eq!((nothing.enterprises, nothing.above_scale, nothing.by_tier.len()), (0, 0, 0));
    assert_eq!(store.above_scale_count(&Scope::Enterprise(b), month("2024-03")).await?, 1);

    // The chain map shows only visible firms; the owner A is hidden from B's reporter.
    let map = store.chain_map(&Scope::Enterprise(b), chain_code).await?;
    let names: Vec<&str> = map.segments.iter().flat_map(|s| s.members.iter().map(|m| m.name.as_str())).collect();
    assert_eq!(names, vec!["潇州乙电机有限公司"]);
    assert!(map.owners.is_empty());

    // Writes outside the scope are refused, and registry writes need the city scope.
    let value = NewDataValue {
        enterprise_id: a,
        indicator_id: store.indicator_by_code("gross_output").await?.indicator_id,
        period: month("2024-05"),
        value: 1.0,
    };
    assert!(matches!(
        store.put_value(&Scope::District(west), value, ValueSource::Report, None, &AuditActor::system("story")).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.insert_values(&Scope::District(west), &[value], ValueSource::Report).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.insert_enterprises(&east_scope, &[enterprise("91350100M000100Y43", "新公司", "C3813")]).await,
        Err(StoreError::Invalid(_))
    ));
    Ok(())
}

/// Users, sessions, tokens and the audit log.
async fn access_story(store: &Store, east: RegionId, b: EnterpriseId) -> Result {
    use xinzhi_domain::{Role, Username};
    let admin_actor = AuditActor::system("test");
    let new_user = |name: &str, role: Role, scope: Scope| NewUser {
        username: Username::parse(name).expect("valid username"),
        display_name: name.to_uppercase(),
        password_hash: "$argon2id$placeholder".into(),
        role,
        scope,
        must_change_password: false,
        role_pending: false,
    };
    let officer =
        store.create_user(&new_user("officer", Role::DistrictOfficer, Scope::District(east)), &admin_actor).await?;
    let reporter =
        store.create_user(&new_user("reporter", Role::EnterpriseReporter, Scope::Enterprise(b)), &admin_actor).await?;
    assert!(matches!(
        store.create_user(&new_user("officer", Role::CityAnalyst, Scope::City), &admin_actor).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.create_user(&new_user("nobody", Role::DistrictOfficer, Scope::City), &admin_actor).await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.count_users().await?, 2);
    let (found, hash) = store.user_for_login(&Username::parse("OFFICER")?).await?.ok_or("officer")?;
    assert_eq!((found.user_id, found.scope, hash.as_str()), (officer, Scope::District(east), "$argon2id$placeholder"));

    // Sessions: live while fresh, dead when idle, expired, or after "log out everywhere".
    let now = 1_800_000_000;
    let session = |hash: &str, created_at: i64| NewSession {
        session_hash: hash.into(),
        user_id: officer,
        csrf_token: "csrf".into(),
        created_at,
        expires_at: created_at + 8 * 3600,
        ip: Some("127.0.0.1".into()),
        user_agent: None,
    };
    store.create_session(&session("s1", now)).await?;
    let (live, user) = store.live_session("s1", now + 60, 1800).await?.ok_or("live")?;
    assert_eq!((live.csrf_token.as_str(), user.username.as_str()), ("csrf", "officer"));
    assert!(store.live_session("s1", now + 1801, 1800).await?.is_none(), "idle too long");
    store.touch_session("s1", now + 1700).await?;
    assert!(store.live_session("s1", now + 3000, 1800).await?.is_some(), "touched");
    assert!(store.live_session("s1", now + 8 * 3600, 1_000_000).await?.is_none(), "absolute expiry");
    assert!(store.live_session("nope", now, 1800).await?.is_none());

    // A role change ends the user's sessions and is audited old → new.
    store.create_session(&session("s2", now)).await?;
    let change = UserChange { role_and_scope: Some((Role::CityAnalyst, Scope::City)), ..UserChange::default() };
    let changed = store.update_user(officer, &change, &admin_actor).await?;
    assert_eq!(changed.scope, Scope::City);
    assert!(store.live_session("s2", now + 10, 1800).await?.is_none());
    let updates = store
        .list_audit(&AuditFilter { action: Some("user.update".into()), ..AuditFilter::default() }, Page::new(10, 0))
        .await?;
    assert_eq!(updates.total, 1);
    let detail = updates.items[0].detail.clone().ok_or("detail")?;
    assert!(detail.contains("\"old\":\"district_officer\"") && detail.contains("\"new\":\"city_analyst\""), "{detail}");

    // Disabled users have no live session; "log out everywhere" kills older sessions.
    store.create_session(&session("s3", now)).await?;
    store.update_user(officer, &UserChange { disabled: Some(true), ..UserChange::default() }, &admin_actor).await?;
    assert!(store.live_session("s3", now + 10, 1800).await?.is_none());
    store.update_user(officer, &UserChange { disabled: Some(false), ..UserChange::default() }, &admin_actor).await?;
    let recent = now_seconds();
    store.create_session(&NewSession { user_id: reporter, ..session("s4", recent - 5) }).await?;
    store.end_all_sessions(reporter, &admin_actor).await?;
    assert!(store.live_session("s4", recent, 1800).await?.is_none());

    // Sign-in throttling: an address is counted before its password is checked, waits after its
    // fifth failure, and a success takes its own count back.
    let policy = xinzhi_domain::SignInThrottle::DEFAULT;
    let attempt = |n: i64| store.begin_sign_in("203.0.113.9", now + n, &policy);
    for n in 1..=4 {
        assert_eq!(attempt(n).await?, AddressAttempt::Counted(n));
    }
    assert_eq!(attempt(5).await?, AddressAttempt::Counted(5), "the fifth is counted and earns a wait");
    assert_eq!(attempt(6).await?, AddressAttempt::Refused { until: now + 5 + 30, refused: 1 });
    assert_eq!(attempt(7).await?, AddressAttempt::Refused { until: now + 5 + 30, refused: 2 });
    assert_eq!(attempt(35).await?, AddressAttempt::Counted(6), "after the wait, one more");
    assert_eq!(attempt(36).await?, AddressAttempt::Refused { until: now + 35 + 60, refused: 1 });
    assert_eq!(
        store.begin_sign_in("198.51.100.1", now, &policy).await?,
        AddressAttempt::Counted(1),
        "others unaffected"
    );
    store.sign_in_succeeded(reporter, "198.51.100.1").await?;
    assert_eq!(store.begin_sign_in("198.51.100.1", now, &policy).await?, AddressAttempt::Counted(1), "taken back");
    assert_eq!(attempt(95).await?, AddressAttempt::Counted(7), "remembered while it waited");
    assert_eq!(attempt(95 + 90 + 901).await?, AddressAttempt::Counted(1), "forgotten after 15 quiet minutes");
    for n in 1..=9 {
        assert_eq!(store.account_sign_in_failed(reporter, now, &policy).await?, n);
    }
    assert_eq!(store.user_by_id(reporter).await?.locked_until, 0);
    store.account_sign_in_failed(reporter, now, &policy).await?;
    assert_eq!(store.user_by_id(reporter).await?.locked_until, now + 900, "the tenth locks");
    store.sign_in_succeeded(reporter, "198.51.100.1").await?;
    let unlocked = store.user_by_id(reporter).await?;
    assert_eq!((unlocked.failed_logins, unlocked.locked_until), (0, 0));
    assert_eq!(unlocked.last_login_ip.as_deref(), Some("198.51.100.1"));
    assert_eq!(store.purge_sign_in_throttle(now + 100_000, 3_600).await?, 2);
    // The security administrator lifts a lock before it runs out, audited.
    for _ in 1..=10 {
        store.account_sign_in_failed(reporter, now, &policy).await?;
    }
    assert_eq!(store.user_by_id(reporter).await?.locked_until, now + 900);
    store.unlock_user(reporter, &admin_actor).await?;
    assert_eq!(store.user_by_id(reporter).await?.locked_until, 0);
    let unlocks = AuditFilter { action: Some("user.unlock".into()), ..AuditFilter::default() };
    assert_eq!(store.list_audit(&unlocks, Page::new(10, 0)).await?.items[0].object_id.as_deref(), Some("reporter"));
    assert!(matches!(store.unlock_user(UserId(999_999), &admin_actor).await, Err(StoreError::NotFound)));

    // Separation of duties: an account the system administrator creates waits for its role, with
    // no live session, until the security administrator grants it; an audit administrator holds
    // no enterprise data.
    let auditor = store
        .create_user(
            &NewUser { role_pending: true, ..new_user("auditor", Role::AuditAdmin, Scope::NoData) },
            &admin_actor,
        )
        .await?;
    assert!(store.user_by_id(auditor).await?.role_pending);
    store.create_session(&NewSession { user_id: auditor, ..session("pending", now_seconds()) }).await?;
    assert!(store.live_session("pending", now_seconds(), 1800).await?.is_none(), "pending");
    let grant = UserChange { role_and_scope: Some((Role::AuditAdmin, Scope::NoData)), ..UserChange::default() };
    assert!(!store.update_user(auditor, &grant, &admin_actor).await?.role_pending);
    store.create_session(&NewSession { user_id: auditor, ..session("granted", now_seconds()) }).await?;
    let (_, granted) = store.live_session("granted", now_seconds(), 1800).await?.ok_or("granted")?;
    assert_eq!(granted.scope, Scope::NoData);
    let everything = EnterpriseFilter::default();
    assert_eq!(store.search_enterprises(&Scope::NoData, &everything, Page::new(10, 0)).await?.total, 0);
    assert!(store.search_enterprises(&Scope::City, &everything, Page::new(10, 0)).await?.total > 0);
    assert!(matches!(
        store.create_user(&new_user("noscope", Role::SecurityAdmin, Scope::City), &admin_actor).await,
        Err(StoreError::Invalid(_))
    ));
    // The security policy: none stored until the security administrator sets one.
    assert_eq!(store.security_policy().await?, None);
    let configured = xinzhi_domain::SecurityPolicy::new(90, &[])?;
    let stricter = xinzhi_domain::SecurityPolicy::new(60, &[Role::Admin, Role::SecurityAdmin])?;
    store.set_security_policy(&configured, &stricter, &admin_actor).await?;
    assert_eq!(store.security_policy().await?, Some(stricter));
    let set = AuditFilter { action: Some("security_policy.update".into()), ..AuditFilter::default() };
    let detail = store.list_audit(&set, Page::new(10, 0)).await?.items[0].detail.clone().ok_or("detail")?;
    assert!(detail.contains("\"password_max_age_days\":90") && detail.contains("\"security_admin\""), "{detail}");

    // A password's age starts when it is set; the demo's accounts, marked, must change their
    // published password outside a demo, and a new password clears the mark.
    let fresh = store.user_by_id(reporter).await?;
    assert!(fresh.password_changed_at > 0 && !fresh.demo);
    store.mark_demo_accounts(&[fresh.username.as_str()]).await?;
    assert!(store.user_by_id(reporter).await?.demo);
    assert_eq!(store.retire_demo_passwords(&admin_actor).await?, 1);
    assert_eq!(store.retire_demo_passwords(&admin_actor).await?, 0, "once");
    assert!(store.user_by_id(reporter).await?.must_change_password);
    store.set_password(reporter, "own-hash", false, None, "user.password_change", &admin_actor).await?;
    let changed = store.user_by_id(reporter).await?;
    assert!(!changed.demo && !changed.must_change_password && changed.password_changed_at >= fresh.password_changed_at);

    // Tokens work until they expire or are revoked, and revoking twice is NotFound.
    let issued = now_seconds();
    let new_token = |hash: &'static str| NewApiToken {
        name: "ci",
        token_hash: hash,
        prefix: "xz_abcd",
        expires_at: issued + 3_600,
    };
    let token = store.create_api_token(reporter, &new_token("tokenhash"), &admin_actor).await?;
    assert_eq!(store.token_user("tokenhash", issued).await?.map(|u| u.user_id), Some(reporter));
    assert!(store.token_user("tokenhash", issued + 3_600).await?.is_none(), "expired");
    assert_eq!(store.list_api_tokens(reporter).await?[0].expires_at, issued + 3_600);
    assert!(
        matches!(store.revoke_api_token(token, Some(officer), &admin_actor).await, Err(StoreError::NotFound)),
        "not the owner"
    );
    store.revoke_api_token(token, Some(reporter), &admin_actor).await?;
    assert!(store.token_user("tokenhash", now).await?.is_none());
    assert!(matches!(store.revoke_api_token(token, None, &admin_actor).await, Err(StoreError::NotFound)));
    assert_eq!(store.list_api_tokens(reporter).await?.len(), 1);
    // Whatever ends a user's sessions ends the tokens: a password reset, "sign out everywhere",
    // disabling (and enabling again brings none back).
    for (hash, end) in [("reset", 0), ("everywhere", 1), ("disabled", 2)] {
        store.create_api_token(reporter, &new_token(hash), &admin_actor).await?;
        assert!(store.token_user(hash, issued).await?.is_some());
        match end {
            0 => store.set_password(reporter, "new-hash", true, None, "user.password_reset", &admin_actor).await?,
            1 => store.end_all_sessions(reporter, &admin_actor).await?,
            _ => {
                let off = UserChange { disabled: Some(true), ..UserChange::default() };
                store.update_user(reporter, &off, &admin_actor).await?;
                let on = UserChange { disabled: Some(false), ..UserChange::default() };
                store.update_user(reporter, &on, &admin_actor).await?;
            }
        }
        assert!(store.token_user(hash, issued).await?.is_none(), "{hash}: the token ended");
    }

    // The audit log records all of it and refuses to be edited.
    store
        .append_audit(&AuditEntry {
            actor: &admin_actor,
            action: "auth.login",
            object_type: None,
            object_id: None,
            outcome: Outcome::Failure,
            detail: None,
        })
        .await?;
    let all = store.list_audit(&AuditFilter::default(), Page::new(100, 0)).await?;
    let actions: Vec<&str> = all.items.iter().map(|r| r.action.as_str()).collect();
    for expected in ["user.create", "user.update", "session.end_all", "token.create", "token.revoke", "auth.login"] {
        assert!(actions.contains(&expected), "{expected} in {actions:?}");
    }
    let failures = store
        .list_audit(&AuditFilter { outcome: Some(Outcome::Failure), ..AuditFilter::default() }, Page::new(10, 0))
        .await?;
    assert_eq!(failures.total, 1);
    assert!(xinzhi_store::testing::execute_raw(store, "UPDATE audit_log SET actor = 'x'").await.is_err());
    assert!(xinzhi_store::testing::execute_raw(store, "DELETE FROM audit_log").await.is_err());
    assert_eq!(store.list_audit(&AuditFilter::default(), Page::new(1, 0)).await?.total, all.total);
    Ok(())
}

fn now_seconds() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// A's February 2024 report: last year's 100 beside this year's 110 from the demo load; a
/// draft, a submission, a return with a reason, a resubmission and an approval.
async fn report_story(store: &Store, a: EnterpriseId, east: RegionId, west: RegionId) -> Result {
    let ds = store.seed_monthly_data_set().await?;
    assert_eq!(store.seed_monthly_data_set().await?, ds, "seeding twice is harmless");
    let set = store.data_set("monthly").await?;
    assert_eq!(set.indicators.len(), 20);
    assert_eq!(set.indicators.iter().filter(|i| i.required).count(), 5);
    assert_eq!(set.deadline_day, 8);
    assert_eq!(store.validation_rules(ds).await?.len(), xinzhi_domain::validation::STANDARD_RULES.len());

    let (east_scope, feb) = (Scope::District(east), month("2024-02"));
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let sales = store.indicator_by_code("sales_output").await?.indicator_id;
    let fresh = store.report(&east_scope, ds, a, feb).await?;
    assert_eq!(fresh.status, None);
    assert_eq!((fresh.values.clone(), fresh.last_year.clone()), (vec![(gross, 110.0)], vec![(gross, 100.0)]));
    assert!(matches!(store.report(&Scope::District(west), ds, a, feb).await, Err(StoreError::NotFound)));

    let reporter = AuditActor::system("reporter");
    let reviewer = AuditActor::system("district");
    let write = |values: Vec<(IndicatorId, Option<f64>)>, submit: bool| ReportWrite {
        data_set_id: ds,
        enterprise_id: a,
        period: feb,
        values,
        submit,
        explanation: None,
        source: ValueSource::Report,
    };
    assert_eq!(
        store
            .save_report(&east_scope, &write(vec![(gross, Some(120.0)), (sales, Some(118.0))], false), &reporter)
            .await?,
        ReportStatus::Draft
    );
    assert_eq!(store.save_report(&east_scope, &write(vec![], true), &reporter).await?, ReportStatus::Submitted);
    let submitted = store.report(&east_scope, ds, a, feb).await?;
    assert_eq!(
        (submitted.status, submitted.submitted_by.as_deref()),
        (Some(ReportStatus::Submitted), Some("reporter"))
    );
    let mut values = submitted.values.clone();
    values.sort_by_key(|(i, _)| i.0);
    assert_eq!(values, vec![(gross, 120.0), (sales, 118.0)]);
    // 110 from the demo load became 120: the old value is revision 1.
    assert_eq!(
        store.revisions_of(&Scope::City, a, gross, feb).await?.iter().map(|r| r.value).collect::<Vec<_>>(),
        vec![110.0]
    );

    // Submitted values do not change until a reviewer returns the report.
    assert!(matches!(
        store.save_report(&east_scope, &write(vec![(gross, Some(1.0))], false), &reporter).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        store.review_report(&Scope::District(west), ds, a, feb, &Review::Approve, &reviewer).await,
        Err(StoreError::NotFound)
    ));
    let returned = Review::Return { reason: "销售产值与上月差异过大，请核实".into() };
    assert_eq!(store.review_report(&east_scope, ds, a, feb, &returned, &reviewer).await?, ReportStatus::Returned);
    assert_eq!(
        store.report(&east_scope, ds, a, feb).await?.return_reason.as_deref(),
        Some("销售产值与上月差异过大，请核实")
    );
    assert!(matches!(
        store.review_report(&east_scope, ds, a, feb, &Review::Approve, &reviewer).await,
        Err(StoreError::Conflict(_))
    ));
    let corrected = ReportWrite { explanation: Some("已核实".into()), ..write(vec![(sales, Some(115.0))], true) };
    assert_eq!(store.save_report(&east_scope, &corrected, &reporter).await?, ReportStatus::Submitted);
    assert_eq!(store.report(&east_scope, ds, a, feb).await?.return_reason, None);
    // The replaced sales value says why it changed: a correction after the return.
    let sales_history = store.revisions_of(&Scope::City, a, sales, feb).await?;
    let last = sales_history.last().ok_or("a revision")?;
    assert_eq!((last.value, last.reason.as_deref()), (118.0, Some("returned")));
    assert_eq!(
        store.review_report(&east_scope, ds, a, feb, &Review::Approve, &reviewer).await?,
        ReportStatus::Approved
    );
    assert!(matches!(
        store.save_report(&east_scope, &write(vec![(gross, Some(2.0))], true), &reporter).await,
        Err(StoreError::Conflict(_))
    ));

    // The reviewer corrects the approved report in place: it stays approved, the old value is a
    // revision with the reason, and a second write of the same value changes nothing.
    assert!(matches!(
        store
            .correct_report(
                &Scope::District(west),
                ds,
                &Correction { enterprise: a, period: feb, values: &[(gross, 125.0)], reason: "核实" },
                &reviewer
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .correct_report(
                &east_scope,
                ds,
                &Correction {
                    enterprise: a,
                    period: feb,
                    values: &[(gross, 125.0), (sales, 115.0)],
                    reason: "统计局核实"
                },
                &reviewer
            )
            .await?,
        1
    );
    assert_eq!(
        store
            .correct_report(
                &east_scope,
                ds,
                &Correction { enterprise: a, period: feb, values: &[(gross, 125.0)], reason: "统计局核实" },
                &reviewer
            )
            .await?,
        0
    );
    let fixed = store.report(&east_scope, ds, a, feb).await?;
    assert_eq!(fixed.status, Some(ReportStatus::Approved));
    assert!(fixed.values.contains(&(gross, 125.0)));
    let last = store.revisions_of(&Scope::City, a, gross, feb).await?.pop().ok_or("a revision")?;
    assert_eq!((last.value, last.reason.as_deref()), (120.0, Some("统计局核实")));
    // Corrected back, as the rest of the story expects.
    assert_eq!(
        store
            .correct_report(
                &east_scope,
                ds,
                &Correction { enterprise: a, period: feb, values: &[(gross, 120.0)], reason: "撤销更正" },
                &reviewer
            )
            .await?,
        1
    );
    let may_draft = ReportWrite { period: month("2024-05"), ..write(vec![(gross, Some(1.0))], false) };
    store.save_report(&east_scope, &may_draft, &reporter).await?;
    assert!(matches!(
        store
            .correct_report(
                &east_scope,
                ds,
                &Correction { enterprise: a, period: month("2024-05"), values: &[(gross, 2.0)], reason: "x" },
                &reviewer
            )
            .await,
        Err(StoreError::Conflict(_)),
    ));

    // Four eyes: where the data set asks for it, whoever entered a report on the firm's behalf
    // cannot approve it; another reviewer can.
    let set = store.data_set(reports::MONTHLY).await?;
    let mut settings = DataSetSettings {
        deadline_day: set.deadline_day,
        lock_after_deadline: set.lock_after_deadline,
        counts_submitted: set.counts_submitted,
        four_eyes: true,
        indicators: set.indicators.iter().map(|i| (i.indicator.indicator_id, i.required)).collect(),
    };
    store.update_data_set(&Scope::City, ds, &settings, &reviewer).await?;
    let april = month("2024-04");
    let on_behalf = ReportWrite { period: april, ..write(vec![(gross, Some(130.0)), (sales, Some(120.0))], true) };
    store.save_report(&east_scope, &on_behalf, &reviewer).await?;
    assert!(matches!(
        store.review_report(&east_scope, ds, a, april, &Review::Approve, &reviewer).await,
        Err(StoreError::FourEyes)
    ));
    let second = AuditActor { name: "second_reviewer".into(), ..reviewer.clone() };
    assert_eq!(
        store.review_report(&east_scope, ds, a, april, &Review::Approve, &second).await?,
        ReportStatus::Approved
    );
    settings.four_eyes = false;
    store.update_data_set(&Scope::City, ds, &settings, &reviewer).await?;

    let queue = store.review_queue(&east_scope, ds, feb, None, Page::new(10, 0)).await?;
    assert_eq!((queue.total, queue.items[0].status), (1, ReportStatus::Approved));
    assert_eq!(
        store.review_queue(&east_scope, ds, feb, Some(ReportStatus::Submitted), Page::new(10, 0)).await?.total,
        0
    );
    assert_eq!(store.review_queue(&Scope::District(west), ds, feb, None, Page::new(10, 0)).await?.total, 0);

    // Clearing a field in a draft keeps the old value as a revision.
    let jan = month("2024-01");
    store
        .save_report(&east_scope, &ReportWrite { period: jan, ..write(vec![(gross, None)], false) }, &reporter)
        .await?;
    assert!(!store.report(&east_scope, ds, a, jan).await?.values.iter().any(|(i, _)| *i == gross));
    let history = store.revisions_of(&Scope::City, a, gross, jan).await?;
    assert_eq!((history.len(), history[0].value, history[0].reason.as_deref()), (1, 110.0, Some("cleared")));

    let actions: Vec<String> = store
        .list_audit(&AuditFilter { action: Some("report.".into()), ..AuditFilter::default() }, Page::new(20, 0))
        .await?
        .items
        .into_iter()
        .map(|r| r.action)
        .collect();
    for expected in ["report.save", "report.submit", "report.return", "report.approve", "report.correct"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} in {actions:?}");
    }
    Ok(())
}

/// A district's month imported at once: new values, a change with history, an approved
/// report left alone, a re-import that changes nothing, and all-or-nothing.
async fn import_story(store: &Store, a: EnterpriseId, b: EnterpriseId, east: RegionId) -> Result {
    use xinzhi_store::{ImportItem, ImportMode, ImportOptions, RowOutcome};
    let write = |mode| ImportOptions { mode, source: ValueSource::Import, dry_run: false };
    let ds = store.seed_monthly_data_set().await?;
    let east_scope = Scope::District(east);
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let sales = store.indicator_by_code("sales_output").await?.indicator_id;
    let feb = month("2024-02");
    let codes = [code("914403001922038216"), code("91330100799655058B"), code("9144030071526726XG")];
    let found = store.enterprises_by_codes(&east_scope, &codes).await?;
    assert_eq!(found.len(), 2, "C is in the west district, not visible here");
    let importer = AuditActor::system("importer");
    // A's February report was approved above (gross 120, sales 115); B's February has gross 60.
    let items = vec![
        ImportItem { row: 2, enterprise_id: a, period: feb, values: vec![(gross, 120.0), (sales, 115.0)] },
        ImportItem { row: 3, enterprise_id: b, period: feb, values: vec![(gross, 66.0), (sales, 63.0)] },
    ];
    // The preview says what would happen and writes nothing.
    let preview = store
        .import_reports(
            &east_scope,
            ds,
            &items,
            &importer,
            ImportOptions { dry_run: true, ..write(ImportMode::ValidRows) },
        )
        .await?;
    assert!(!preview.committed);
    assert_eq!(preview.rows, vec![(2, RowOutcome::Unchanged), (3, RowOutcome::Written { added: 1, changed: 1 })]);
    assert!(store.revisions_of(&Scope::City, b, gross, feb).await?.is_empty(), "a dry run writes nothing");
    let first = store.import_reports(&east_scope, ds, &items, &importer, write(ImportMode::ValidRows)).await?;
    assert!(first.committed);
    assert_eq!(first.rows, vec![(2, RowOutcome::Unchanged), (3, RowOutcome::Written { added: 1, changed: 1 })]);
    assert_eq!(first.values_written, 2);
    let report = store.report(&east_scope, ds, b, feb).await?;
    assert_eq!(report.status, Some(ReportStatus::Submitted));
    let history = store.revisions_of(&Scope::City, b, gross, feb).await?;
    assert_eq!(
        (history[0].value, history[0].reason.as_deref(), history[0].changed_by.as_deref()),
        (50.0 + 10.0, Some("import"), Some("importer"))
    );

    // The same file again changes nothing.
    let again = store.import_reports(&east_scope, ds, &items, &importer, write(ImportMode::ValidRows)).await?;
    assert_eq!(again.rows, vec![(2, RowOutcome::Unchanged), (3, RowOutcome::Unchanged)]);
    assert_eq!(store.revisions_of(&Scope::City, b, gross, feb).await?.len(), 1);

    // Other values for the approved report: locked; all-or-nothing then writes nothing at all.
    let conflicting = vec![
        ImportItem { row: 2, enterprise_id: a, period: feb, values: vec![(gross, 999.0)] },
        ImportItem { row: 3, enterprise_id: b, period: month("2024-01"), values: vec![(gross, 61.0)] },
    ];
    let refused =
        store.import_reports(&east_scope, ds, &conflicting, &importer, write(ImportMode::AllOrNothing)).await?;
    assert!(!refused.committed);
    assert_eq!(refused.rows[0].1, RowOutcome::Locked { status: ReportStatus::Approved });
    assert!(store.report(&east_scope, ds, b, month("2024-01")).await?.status.is_none(), "nothing was written");
    let partial = store.import_reports(&east_scope, ds, &conflicting, &importer, write(ImportMode::ValidRows)).await?;
    assert_eq!(partial.rows[1], (3, RowOutcome::Written { added: 0, changed: 1 }));

    // Writing a firm outside the scope is refused outright.
    let c = store.enterprise_by_code(&Scope::City, &codes[2]).await?.enterprise_id;
    let outside = vec![ImportItem { row: 9, enterprise_id: c, period: feb, values: vec![(gross, 1.0)] }];
    assert!(matches!(
        store.import_reports(&east_scope, ds, &outside, &importer, write(ImportMode::ValidRows)).await,
        Err(StoreError::NotFound)
    ));
    let values = store.values_of_pairs(&east_scope, &[(b, feb)]).await?;
    assert!(values[&(b, feb)].contains(&(gross, 66.0)));

    // What the rules read around B's February: January (61) as last month, January to
    // February summed (61 + 66) as the cumulative value; a firm outside the scope reads nothing.
    let sums = store.sums_through(&east_scope, &[(b, feb), (b, month("2024-01")), (c, feb)]).await?;
    assert!(sums[&(b, feb)].contains(&(gross, 127.0)), "{:?}", sums[&(b, feb)]);
    assert!(sums[&(b, month("2024-01"))].contains(&(gross, 61.0)));
    assert!(!sums.contains_key(&(c, feb)), "another district's firm is not summed");
    let set = store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let needs = xinzhi_domain::validation::RuleNeeds {
        this_month: true,
        last_month: true,
        earlier_this_year: true,
        ..Default::default()
    };
    let around = store.rule_values(&east_scope, &set, &[(b, feb)], needs).await?;
    let values = &around[&(b, feb)];
    assert_eq!(values.this_month.get("gross_output"), Some(&66.0));
    assert_eq!(values.last_month.get("gross_output"), Some(&61.0));
    assert_eq!(values.earlier_this_year.get("gross_output"), Some(&61.0));
    assert_eq!(values.get("gross_output", xinzhi_domain::validation::Moment::YearToDate), Some(127.0));
    assert!(values.last_year.is_empty(), "not asked for");
    Ok(())
}

/// Pages that name no month ask for the month range on every request: on SQLite both ends must
/// be read from the primary key, not by scanning it (MIN and MAX asked together scan).
#[tokio::test]
async fn the_month_range_reads_the_ends_of_the_key_without_a_scan() -> Result {
    let db = TestDatabase::sqlite().await?;
    let plan = db.store.sqlite_plan(VALUE_MONTHS).await?;
    assert!(plan.iter().filter(|line| line.contains("USING PRIMARY KEY")).count() == 2, "{plan:?}");
    assert!(!plan.iter().any(|line| line.starts_with("SCAN data_values")), "{plan:?}");
    assert_eq!(db.store.value_months().await?, None, "no values yet");
    db.remove().await?;
    Ok(())
}
