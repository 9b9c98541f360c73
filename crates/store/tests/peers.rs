//! Peer reports on SQLite and PostgreSQL: a report kept with its figures in one go, a figure
//! corrected and one rejected (both audited), the region corrected, and the peer table of
//! what is left.

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
