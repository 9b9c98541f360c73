//! Importing a month from a CSV file through the same path the CLI and upload use.

use xinzhi_domain::{Lang, Month, RegionCode};
use xinzhi_store::{AuditActor, EnterpriseFilter, ImportMode, Page, RowOutcome, Scope};
use xinzhi_web::imports::{ImportRequest, run_import};

use crate::Result;
use crate::helpers::spawn_app;

fn request(bytes: &[u8], dry_run: bool) -> ImportRequest<'_> {
    ImportRequest {
        bytes,
        period: Month::parse("2024-12").ok(),
        mode: ImportMode::ValidRows,
        dry_run,
        lang: Lang::ZhCn,
        latest: Month::parse("2026-11").expect("month"),
    }
}

#[tokio::test]
async fn a_district_month_is_checked_then_written_once_and_re_imports_change_nothing() -> Result {
    let app = spawn_app().await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let firms = store.search_enterprises(&district, &EnterpriseFilter::default(), Page::new(3, 0)).await?.items;
    let other = store
        .search_enterprises(
            &Scope::City,
            &EnterpriseFilter { district: Some(RegionCode::parse("436021")?), ..Default::default() },
            Page::new(1, 0),
        )
        .await?
        .items;
    let (a, b, c, far) = (&firms[0].credit_code, &firms[1].credit_code, &firms[2].credit_code, &other[0].credit_code);
    // Row 2 and 3 are good (in 元); row 4 sells more than it made; row 5 is another district's firm.
    let csv = format!(
        "潇水区2024年12月报表\n统一社会信用代码,企业名称,总产值(元),工业销售产值(元)\n{a},甲,\"12,000,000\",11500000\n{b},乙,8000000,7900000\n{c},丙,1000000,2000000\n{far},丁,1,1\n合计,,21000000,\n"
    );
    let actor = AuditActor::system("潇水区工信局");

    let dry = run_import(store, &district, &actor, request(csv.as_bytes(), true)).await?;
    assert_eq!((dry.rows_read, dry.rows_rejected, dry.rows_skipped), (4, 2, 1));
    assert!(dry.summary.is_none(), "a dry run writes nothing");
    assert_eq!(dry.problems[0], format!("第6行：统一社会信用代码“{far}”不是您管辖范围内的已登记企业"));
    assert!(
        dry.problems[1].starts_with("第5行：工业销售产值不应超过工业总产值的105%（200 <= 105 不成立）"),
        "{}",
        dry.problems[1]
    );

    let done = run_import(store, &district, &actor, request(csv.as_bytes(), false)).await?;
    let summary = done.summary.as_ref().ok_or("summary")?;
    assert!(summary.committed && !done.clean(), "refused rows make the import unclean");
    assert_eq!(summary.rows.iter().filter(|(_, o)| matches!(o, RowOutcome::Written { .. })).count(), 2);
    let firm = store.enterprise_by_code(&district, a).await?;
    let stored = store.values_of_pairs(&district, &[(firm.enterprise_id, Month::parse("2024-12")?)]).await?;
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    assert!(stored.values().flatten().any(|(i, v)| *i == gross && *v == 1200.0), "12,000,000 元 is 1,200 万元");

    let again = run_import(store, &district, &actor, request(csv.as_bytes(), false)).await?;
    let again = again.summary.ok_or("summary")?;
    assert!(again.rows.iter().all(|(_, o)| *o == RowOutcome::Unchanged), "{:?}", again.rows);

    let broken = run_import(store, &district, &actor, request(b"\x00\x01garbage", false)).await?;
    assert!(broken.file_error.is_some());
    app.stop().await
}
