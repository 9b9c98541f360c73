//! Peer reports and briefings on SQLite and PostgreSQL: a report kept with its figures in one
//! go, a figure corrected and one rejected (both audited), the region corrected, and the peer
//! table of what is left; the shipped briefing template stored once, a template replaced by
//! name, drafts kept, edited and listed by scope.

use xinzhi_store::peers::{NewPeerReport, PeerFactInput};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::*;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::test]
async fn peer_reports_keep_their_figures_and_corrections() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("peers on {}", db.label);
        story(&db.store).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}

fn fact(list: &str, indicator: &str, value: f64, unit: &str, kind: &str, year: Option<i32>) -> PeerFactInput {
    PeerFactInput {
        list: list.into(),
        indicator: indicator.into(),
        value,
        unit: unit.into(),
        kind: kind.into(),
        year,
        qualifier: None,
        span: format!("{indicator}{value}{unit}"),
    }
}

async fn story(store: &Store) -> Result {
    let actor = AuditActor::system("test");
    let new = NewPeerReport {
        title: "全市工业和信息化工作会议".into(),
        region: None,
        meeting: Some("全市工业和信息化工作会议".into()),
        held_on: None,
        report_year: Some(2024),
        officials: serde_json::json!([{"name": "彭峰", "title": "市工信局党组书记", "role": "reported"}]),
        noise: vec!["traditional".into()],
        body: "……".into(),
        facts: vec![
            fact("achieved", "新增规模工业企业", 156.0, "家", "count", Some(2023)),
            fact("achieved", "规模工业增加值", 2.5, "%", "growth", Some(2023)),
            fact("target", "规模工业增加值", 9.0, "%", "growth", Some(2024)),
        ],
    };
    let id = store.save_peer_report(&new, &actor).await?;
    let (report, facts) = store.peer_report(id).await?;
    assert_eq!((report.report_year, report.noise.as_slice()), (Some(2024), ["traditional".to_owned()].as_slice()));
    assert_eq!(facts.len(), 3);
    assert!(facts.iter().all(|f| f.status == "extracted"));
    assert!(store.peer_table().await?.is_empty(), "no region yet: not in the table");

    store.correct_peer_report(id, Some("永州市"), Some(2024), &actor).await?;
    let growth = &facts[1];
    let fixed = PeerFactInput { value: 2.6, ..growth.fact.clone() };
    let after = store.correct_peer_fact(id, growth.peer_fact_id, &fixed, false, &actor).await?;
    assert_eq!((after.fact.value, after.status.as_str()), (2.6, "corrected"));
    store.correct_peer_fact(id, facts[0].peer_fact_id, &facts[0].fact, true, &actor).await?;
    assert!(matches!(
        store.correct_peer_fact(id + 1, facts[0].peer_fact_id, &fixed, false, &actor).await,
        Err(StoreError::NotFound)
    ));

    let table = store.peer_table().await?;
    let rows: Vec<(&str, &str, i32, f64)> =
        table.iter().map(|r| (r.region.as_str(), r.indicator.as_str(), r.year, r.value)).collect();
    assert_eq!(rows, [("永州市", "规模工业增加值", 2023, 2.6)], "targets and the rejected figure stay out");
    assert_eq!(store.peer_reports().await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn briefing_templates_and_drafts_keep_their_text_on_every_backend() -> Result {
    for db in TestDatabase::all().await? {
        eprintln!("briefings on {}", db.label);
        briefings(&db.store).await.map_err(|e| format!("{}: {e}", db.label))?;
        db.remove().await?;
    }
    Ok(())
}

async fn briefings(store: &Store) -> Result {
    use xinzhi_store::briefings::{DEFAULT_TEMPLATE_NAME, NewBriefing};
    let actor = AuditActor::system("test");
    let shipped = store.briefing_templates().await?;
    assert_eq!(shipped.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), [DEFAULT_TEMPLATE_NAME]);
    assert_eq!(store.briefing_templates().await?.len(), 1, "the shipped template is stored once");
    let quarterly = store.save_briefing_template("季度简报", "{period}，新增规上企业{entered}家。", &actor).await?;
    let again = store.save_briefing_template("季度简报", "{period}，退出{exited}家。", &actor).await?;
    assert_eq!(quarterly, again, "saving a name again replaces its text");
    let templates = store.briefing_templates().await?;
    assert_eq!(
        templates.iter().find(|t| t.template_id == quarterly).map(|t| t.body.as_str()),
        Some("{period}，退出{exited}家。")
    );

    let june = xinzhi_domain::Month::parse("2024-06")?;
    let new = |scope: &str| NewBriefing {
        title: "上半年简报".into(),
        period: june,
        scope: scope.into(),
        template_id: Some(quarterly),
        body: "1—6月，退出[[f1|5]]家。".into(),
        figures: serde_json::json!([{"id": "f1", "text": "5"}]),
    };
    let city = store.create_briefing(&new("city"), &actor).await?;
    let district = store.create_briefing(&new("district:7"), &actor).await?;
    let edited = store.update_briefing(city, "上半年运行简报", "上半年，退出[[f1|5]]家。", &actor).await?;
    assert_eq!((edited.title.as_str(), edited.period), ("上半年运行简报", june));
    assert_eq!(edited.figures[0]["id"], "f1");
    assert_eq!(store.briefings(None).await?.len(), 2);
    let theirs = store.briefings(Some(&["district:7".to_owned()])).await?;
    assert_eq!(theirs.iter().map(|b| b.briefing_id).collect::<Vec<_>>(), [district]);
    assert!(store.briefings(Some(&[])).await?.is_empty());
    assert!(matches!(store.briefing(district + 100).await, Err(StoreError::NotFound)));
    Ok(())
}
