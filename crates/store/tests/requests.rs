//! Requests, the calendar's years, key projects and tasks with their inbox in storage, on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: who sees what, moves only from the stage a request is in,
//! the departments' record counted in SQL, a stored calendar year over the shipped one.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use xinzhi_domain::calendar::{Holiday, YearArrangement};
use xinzhi_domain::request::{Channel, Stage, Step};
use xinzhi_domain::{CreditCode, IndustryCode, Month, RegionCode, Validity};
use xinzhi_store::attachments::{NewFile, Owner};
use xinzhi_store::inbox::{Notice, Recipient, Subject};
use xinzhi_store::requests::{NewRequest, RequestMove};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::*;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::test]
async fn requests_move_by_stage_and_are_seen_by_their_department_and_firm() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("requests on {}", db.label);
        story(&db.store).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}

async fn story(store: &Store) -> Result {
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
            name_en: "East".into(),
            parent_id: Some(city),
        })
        .await?;
    let firm = NewEnterprise {
        credit_code: CreditCode::parse("914403001922038216")?,
        name: "达标甲".into(),
        industry_code: IndustryCode::parse("3311")?,
        established_on: None,
        closed_on: None,
        land_area_mu: None,
        employees: None,
        address: None,
    };
    let ids = store.insert_enterprises(&Scope::City, &[firm]).await?;
    let membership = NewMembership {
        enterprise_id: ids[0],
        target: MembershipTarget::District(east),
        validity: Validity::new(Month::parse("2020-01")?, None)?,
        reason: None,
    };
    store.add_memberships(&Scope::City, &[membership]).await?;
    let science = store.insert_department("kjj", "市科学技术局", "Science").await?;
    let finance = store.insert_department("czj", "市财政局", "Finance").await?;
    let actor = AuditActor::system("test");

    let categories = store.request_categories().await?;
    assert_eq!(categories.len(), 6, "the shipped categories are stored on first use");
    assert_eq!(store.request_categories().await?.len(), 6, "once");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let request = |due_at: i64, department| NewRequest {
        enterprise_id: ids[0],
        category: "policy".into(),
        channel: Channel::Online,
        title: "研发费用加计扣除".into(),
        body: "咨询研发费用加计扣除的申报口径。".into(),
        department_id: department,
        due_at: Some(due_at),
        remind_at: Some(due_at - 3_600),
        files: Vec::new(),
    };
    // Raised with a file: it is kept with the request, byte for byte.
    let scan = NewFile { name: "研发项目立项书.pdf".into(), content: b"%PDF-1.7 \x00\xff".to_vec() };
    let raised = NewRequest { files: vec![scan.clone()], ..request(now + 86_400, Some(science)) };
    let on_time = store.create_request(&Scope::Enterprise(ids[0]), &raised, &actor).await?;
    let files = store.attachments(&Scope::Department(science), Owner::Request(on_time)).await?;
    assert_eq!(files.iter().map(|f| (f.file_name.as_str(), f.size)).collect::<Vec<_>>(), [(scan.name.as_str(), 11)]);
    let (_, bytes) = store.attachment(&Scope::Enterprise(ids[0]), files[0].attachment_id).await?;
    assert_eq!(bytes, scan.content);
    assert!(matches!(
        store.attachment(&Scope::Department(finance), files[0].attachment_id).await,
        Err(StoreError::NotFound)
    ));
    let late = store.create_request(&Scope::City, &request(now - 1, Some(science)), &actor).await?;
    let elsewhere = store.create_request(&Scope::City, &request(now + 86_400, Some(finance)), &actor).await?;
    assert!(matches!(
        store.create_request(&Scope::District(RegionId(east.0 + 100)), &request(now, None), &actor).await,
        Err(StoreError::NotFound)
    ));

    // The department sees what is routed to it; the district and the firm all three.
    let seen = |scope: Scope| async move { store.requests(&scope, None).await.map(|r| r.len()) };
    assert_eq!(seen(Scope::Department(science)).await?, 2);
    assert_eq!(seen(Scope::Department(finance)).await?, 1);
    assert_eq!(seen(Scope::District(east)).await?, 3);
    assert_eq!(seen(Scope::Enterprise(ids[0])).await?, 3);
    assert!(matches!(store.request(&Scope::Department(finance), on_time).await, Err(StoreError::NotFound)));

    // Moves follow the stages; a reply before the limit is on time.
    let moved = |id, step, change: RequestMove| {
        let actor = &actor;
        async move { store.move_request(&Scope::Department(science), id, step, &change, actor).await }
    };
    assert!(matches!(moved(on_time, Step::Reply, RequestMove::default()).await, Err(StoreError::Conflict(_))));
    let accepted =
        moved(on_time, Step::Accept, RequestMove { due_at: Some(now + 5 * 86_400), ..Default::default() }).await?;
    assert_eq!(accepted.stage, Stage::Accepted);
    let reply = RequestMove { text: Some("可按研发费用的100%加计扣除。".into()), ..Default::default() };
    let replied = moved(on_time, Step::Reply, reply).await?;
    assert_eq!((replied.stage, replied.replied_on_time), (Stage::Replied, Some(true)));
    store
        .move_request(
            &Scope::Enterprise(ids[0]),
            on_time,
            Step::Rate,
            &RequestMove { rating: Some(4), ..Default::default() },
            &actor,
        )
        .await?;
    moved(late, Step::Accept, RequestMove { due_at: Some(now - 1), ..Default::default() }).await?;
    let (_, events) = store.request(&Scope::City, on_time).await?;
    let steps: Vec<&str> = events.iter().map(|e| e.step.as_str()).collect();
    assert_eq!(steps, ["raise", "accept", "reply", "rate"]);

    let records = store.department_records(&Scope::City, now).await?;
    let of = |d: DepartmentId| records.iter().find(|r| r.department_id == Some(d)).expect("a record");
    let kjj = of(science);
    assert_eq!((kjj.open, kjj.overdue, kjj.record.replied, kjj.record.on_time), (1, 1, 1, 1));
    assert_eq!((kjj.record.rated, kjj.record.rating_sum), (1, 4));
    assert_eq!((of(finance).open, of(finance).overdue), (1, 0));
    assert_eq!(store.department_records(&Scope::Department(finance), now).await?.len(), 1);

    // A breach: the department is told, the city's supervisors get the escalation.
    let overdue = |recipient, kind| Notice { recipient, subject: Subject::Request(late), kind, text: "逾期".into() };
    let breach = [overdue(Recipient::Department(science), "overdue"), overdue(Recipient::City, "escalated")];
    assert_eq!(store.deliver(&breach, 20240701).await?, 2);
    assert_eq!(store.deliver(&breach, 20240701).await?, 0, "once a day");
    let kinds = |items: Vec<xinzhi_store::inbox::InboxItem>| -> Vec<(String, Option<i64>)> {
        items.into_iter().map(|i| (i.kind, i.request_id)).collect()
    };
    assert_eq!(kinds(store.inbox(&Scope::Department(science)).await?), [("overdue".to_owned(), Some(late))]);
    assert_eq!(kinds(store.inbox(&Scope::Department(finance)).await?), []);
    assert_eq!(store.inbox(&Scope::City).await?.len(), 2);
    let _ = elsewhere;

    // A stored year replaces the shipped one; a new year joins them.
    let shipped = store.calendar_years().await?;
    assert_eq!(shipped.iter().map(|y| y.year).collect::<Vec<_>>(), [2024, 2025, 2026]);
    let year = YearArrangement {
        year: 2027,
        holidays: vec![Holiday { name_zh: "元旦".into(), name_en: "New Year".into(), from: 20270101, to: 20270101 }],
        working_weekends: vec![],
        source: "测试".into(),
    };
    store.save_calendar_year(&Scope::City, &year, &actor).await?;
    let mut corrected = shipped[2].clone();
    corrected.source = "更正".into();
    store.save_calendar_year(&Scope::City, &corrected, &actor).await?;
    store.save_calendar_year(&Scope::City, &corrected, &actor).await?;
    let years = store.calendar_years().await?;
    assert_eq!(years.iter().map(|y| y.year).collect::<Vec<_>>(), [2024, 2025, 2026, 2027]);
    assert_eq!(years[2].source, "更正");
    assert!(matches!(store.save_calendar_year(&Scope::District(east), &year, &actor).await, Err(StoreError::NotFound)));

    // A project: registered in the district, planned, reported twice for March (the second
    // replaces the first) and once in April; January–March sums 800, January–April 1,100.
    let project = xinzhi_store::projects::NewProject {
        name: "稀土永磁材料项目".into(),
        investor: "潇州稀土".into(),
        region_id: east,
        park_id: None,
        chain_id: None,
        is_new: true,
        ten_major: true,
        total_investment: 50_000.0,
        planned_start: Some(20240301),
        planned_producing: None,
        signed_on: Some(20240115),
    };
    let pid = store.create_project(&Scope::District(east), &project, &actor).await?;
    assert!(matches!(
        store.create_project(&Scope::Department(science), &project, &actor).await,
        Err(StoreError::NotFound)
    ));
    store.plan_project(&Scope::City, pid, 2024, 12_000.0, &actor).await?;
    let month = |m: &str| Month::parse(m).expect("month");
    store.report_project_investment(&Scope::City, pid, month("2024-03"), 500.0, &actor).await?;
    store.report_project_investment(&Scope::City, pid, month("2024-03"), 800.0, &actor).await?;
    store.report_project_investment(&Scope::City, pid, month("2024-04"), 300.0, &actor).await?;
    let sums = store.project_investments(&Scope::District(east), month("2024-03")).await?;
    assert_eq!(sums.get(&pid), Some(&(Some(12_000.0), 800.0)));
    assert_eq!(
        store.project_investments(&Scope::City, month("2024-04")).await?.get(&pid),
        Some(&(Some(12_000.0), 1_100.0))
    );
    let started =
        store.move_project(&Scope::City, pid, xinzhi_domain::project::ProjectStage::Started, 20240310, &actor).await?;
    assert_eq!((started.stage_dates[0], started.stage_dates[1]), (Some(20240115), Some(20240310)));
    assert!(matches!(
        store.move_project(&Scope::City, pid, xinzhi_domain::project::ProjectStage::Signed, 20240401, &actor).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(store.projects(&Scope::District(RegionId(east.0 + 100))).await?.len(), 0);
    assert_eq!(store.projects(&Scope::District(east)).await?.len(), 1);

    // A task led by the district: one reminder per kind and day, seen by the district only.
    let action = store.create_action(&Scope::City, "工业投资攻坚行动", 2024, &actor).await?;
    let task = xinzhi_store::tasks::NewTask {
        action_id: action,
        title: "重点项目用地报批".into(),
        lead: xinzhi_store::tasks::LeadUnit::District(east),
        cooperating: vec!["市自然资源和规划局".into()],
        deadline: 20240630,
        milestones: vec![("用地预审".into(), 20240515)],
    };
    let tid = store.create_task(&Scope::City, &task, 20240601, &actor).await?;
    assert!(matches!(
        store.create_task(&Scope::District(east), &task, 20240601, &actor).await,
        Err(StoreError::NotFound)
    ));
    let (stored, milestones, _) = store.task(&Scope::District(east), tid).await?;
    assert_eq!((stored.lead_name.as_str(), milestones.len()), ("东城区", 1));
    let notice =
        |kind| Notice { recipient: stored.recipient(), subject: Subject::Task(tid), kind, text: "逾期".into() };
    assert_eq!(store.deliver(&[notice("overdue"), notice("stalled")], 20240701).await?, 2);
    assert_eq!(store.deliver(&[notice("overdue")], 20240701).await?, 0, "once a day");
    assert_eq!(store.deliver(&[notice("overdue")], 20240702).await?, 1);
    assert_eq!(store.inbox(&Scope::District(east)).await?.len(), 3);
    assert_eq!(store.inbox(&Scope::Department(science)).await?.len(), 1, "only the request's notice");
    assert!(matches!(store.task(&Scope::Department(science), tid).await, Err(StoreError::NotFound)));
    let reply = NewFile { name: "用地批复.pdf".into(), content: vec![7; 2048] };
    let done = store
        .post_task_progress(&Scope::District(east), tid, "批复已下达", 100, Some(&reply), 20240703, &actor)
        .await?;
    let files = store.attachments(&Scope::City, Owner::Task(tid)).await?;
    assert_eq!((files.len(), files[0].size, files[0].owner), (1, 2048, Owner::Task(tid)));
    let (_, _, progress) = store.task(&Scope::City, tid).await?;
    assert_eq!(progress.last().and_then(|p| p.attachment.as_deref()), Some("用地批复.pdf"));
    assert_eq!((done.percent, done.done_on, done.last_progress), (100, Some(20240703), 20240703));
    assert!(matches!(
        store.post_task_progress(&Scope::District(east), tid, "再次", 100, None, 20240704, &actor).await,
        Err(StoreError::Conflict(_))
    ));
    Ok(())
}
