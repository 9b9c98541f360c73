//! Importing a month from a CSV file through the same path the CLI and upload use.

use xinzhi_app::Actor;
use xinzhi_app::imports::{ImportRequest, run_import};
use xinzhi_domain::{Lang, Month, RegionCode, Role};
use xinzhi_store::{AuditActor, EnterpriseFilter, ImportMode, Page, RowOutcome, Scope};

use reqwest::StatusCode;

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

    let dry =
        run_import(store, &Actor::user(Role::DistrictOfficer, district, actor.clone()), request(csv.as_bytes(), true))
            .await?;
    assert_eq!((dry.rows_read, dry.rows_rejected, dry.rows_skipped), (4, 2, 1));
    assert!(dry.dry_run && !dry.committed, "a dry run writes nothing");
    assert_eq!(dry.count(|o| matches!(o, RowOutcome::Written { .. })), 2, "but says what it would write");
    assert_eq!(
        (dry.problems[0].row, dry.problems[0].column.as_deref(), dry.problems[0].code.as_str()),
        (5, Some("D"), "rule.sales_within_output"),
        "the rule blames the first cell it reads: sales output in column D"
    );
    assert!(
        dry.problems[0]
            .message
            .starts_with("第5行 D列（工业销售产值(元)）：工业销售产值不应超过工业总产值的105%（200 <= 105 不成立）"),
        "{}",
        dry.problems[0].message
    );
    assert_eq!(
        dry.problems[1].message,
        format!("第6行 A列（统一社会信用代码）：统一社会信用代码“{far}”不是您管辖范围内的已登记企业")
    );
    assert_eq!(dry.problems[1].code, "enterprise.unknown");
    let firm = store.enterprise_by_code(&district, a).await?;
    let dec = Month::parse("2024-12")?;
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let before = store.values_of_pairs(&district, &[(firm.enterprise_id, dec)]).await?;
    assert!(!before.values().flatten().any(|(i, v)| *i == gross && *v == 1200.0), "nothing written by the dry run");

    let done =
        run_import(store, &Actor::user(Role::DistrictOfficer, district, actor.clone()), request(csv.as_bytes(), false))
            .await?;
    assert!(done.committed && !done.clean(), "refused rows make the import unclean");
    assert_eq!(done.count(|o| matches!(o, RowOutcome::Written { .. })), 2);
    let stored = store.values_of_pairs(&district, &[(firm.enterprise_id, dec)]).await?;
    assert!(stored.values().flatten().any(|(i, v)| *i == gross && *v == 1200.0), "12,000,000 元 is 1,200 万元");

    let again =
        run_import(store, &Actor::user(Role::DistrictOfficer, district, actor.clone()), request(csv.as_bytes(), false))
            .await?;
    assert!(again.rows.iter().all(|r| r.outcome == RowOutcome::Unchanged), "{:?}", again.rows);

    // All or nothing with a refused row writes nothing.
    let changed = csv.replace("8000000,7900000", "8100000,7900000");
    let all_or_nothing = ImportRequest { mode: ImportMode::AllOrNothing, ..request(changed.as_bytes(), false) };
    let refused =
        run_import(store, &Actor::user(Role::DistrictOfficer, district, actor.clone()), all_or_nothing).await?;
    assert!(!refused.committed && !refused.clean());
    let b_firm = store.enterprise_by_code(&district, b).await?;
    let b_values = store.values_of_pairs(&district, &[(b_firm.enterprise_id, dec)]).await?;
    assert!(b_values.values().flatten().any(|(i, v)| *i == gross && *v == 800.0), "b keeps 800 万元");

    // Once the data set locks after the deadline, a district's import of a past month is refused
    // row by row (the city's own import is not).
    let set = store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let settings = xinzhi_store::DataSetSettings {
        deadline_day: set.deadline_day,
        lock_after_deadline: true,
        counts_submitted: false,
        four_eyes: false,
        indicators: set.indicators.iter().map(|i| (i.indicator.indicator_id, i.required)).collect(),
    };
    store.update_data_set(&Scope::City, set.data_set_id, &settings, &actor).await?;
    let locked = run_import(
        store,
        &Actor::user(Role::DistrictOfficer, district, actor.clone()),
        request(changed.as_bytes(), true),
    )
    .await?;
    assert_eq!(locked.problems.iter().filter(|p| p.code == "period.locked").count(), 3, "{:?}", locked.problems);
    assert!(locked.problems.iter().any(|p| p.message.starts_with("第3行：已过报送截止日期（2025年1月")));
    // The city's analysts may write after the deadline.
    let analyst = Actor::user(Role::CityAnalyst, Scope::City, actor.clone());
    let city = run_import(store, &analyst, request(changed.as_bytes(), true)).await?;
    assert_eq!(city.problems.iter().filter(|p| p.code == "period.locked").count(), 0);

    let broken = run_import(
        store,
        &Actor::user(Role::DistrictOfficer, district, actor.clone()),
        request(b"\x00\x01garbage", false),
    )
    .await?;
    assert!(broken.file_error.is_some());
    // A firm's reporter uses the form: the import refuses it before reading the file.
    let reporter = Actor::user(Role::EnterpriseReporter, Scope::Enterprise(firms[0].enterprise_id), actor.clone());
    let denied = run_import(store, &reporter, request(csv.as_bytes(), false)).await;
    assert!(matches!(denied, Err(xinzhi_app::AppError::Denied(xinzhi_domain::Permission::ReviewReports))));
    app.stop().await
}

#[tokio::test]
async fn cumulative_columns_give_each_month_and_must_add_up() -> Result {
    let app = spawn_app().await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let firms = store.search_enterprises(&district, &EnterpriseFilter::default(), Page::new(4, 0)).await?.items;
    let [a, b, c, d] = [0, 1, 2, 3].map(|i| firms[i].credit_code.clone());
    // The months after the demo's data: a brings January and February, so February's month is
    // 250 − 100; b's February stands alone (no January stored), c's month and cumulative value
    // disagree, and d's February total is below its January. The stock column is not read.
    let csv = format!(
        "统一社会信用代码,期别,工业总产值（1—N月累计）(万元),工业销售产值(万元),工业总产值本月(万元),期末从业人员（累计）
         {a},2025-01,100,90,,10
{a},2025-02,250,140,,10
{b},2025-02,50,45,,10
{c},2025-01,120,90,100,10
         {d},2025-01,100,90,,10
{d},2025-02,80,10,,10
"
    );
    let actor = AuditActor::system("潇水区工信局");
    let request = ImportRequest { period: None, ..request(csv.as_bytes(), false) };
    let done = run_import(store, &Actor::user(Role::DistrictOfficer, district, actor.clone()), request).await?;
    let codes: Vec<(usize, &str)> = done.problems.iter().map(|p| (p.row, p.code.as_str())).collect();
    assert_eq!(
        codes,
        [(1, "column.cumulative_stock"), (5, "cumulative.inconsistent"), (7, "cumulative.below_earlier")],
        "{:?}",
        done.problems
    );
    assert_eq!(done.problems[0].column.as_deref(), Some("F"));
    assert!(done.problems[1].message.starts_with("第5行 C列（工业总产值（1—N月累计）(万元)）：本月值100与累计值不符"));
    assert!(done.problems[2].message.contains("累计值80小于此前各月已报合计100"), "{}", done.problems[2].message);
    assert_eq!(done.rows_rejected, 2);

    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let gross_of = |firm: &str, period: &str| {
        let (firm, period) = (firm.to_owned(), Month::parse(period).expect("month"));
        async move {
            let id =
                store.enterprise_by_code(&district, &xinzhi_domain::CreditCode::parse(&firm)?).await?.enterprise_id;
            let values = store.values_of_pairs(&district, &[(id, period)]).await?;
            Result::<Option<f64>>::Ok(
                values.get(&(id, period)).and_then(|v| v.iter().find(|(i, _)| *i == gross)).map(|(_, v)| *v),
            )
        }
    };
    assert_eq!(gross_of(a.as_str(), "2025-01").await?, Some(100.0));
    assert_eq!(gross_of(a.as_str(), "2025-02").await?, Some(150.0), "1—2月 250 less January's 100");
    assert_eq!(gross_of(b.as_str(), "2025-02").await?, Some(50.0));
    assert_eq!(gross_of(c.as_str(), "2025-01").await?, None, "the inconsistent row is not written");
    assert_eq!(gross_of(d.as_str(), "2025-01").await?, Some(100.0));
    assert_eq!(gross_of(d.as_str(), "2025-02").await?, None);
    let preview = done.rows.iter().find(|r| r.row == 3).ok_or("row 3")?;
    assert!(preview.values.contains(&("gross_output".to_owned(), 150.0)), "the preview shows the month derived");
    app.stop().await
}

/// A multipart body as a browser's upload form sends it: the CSRF token first, then the month
/// and the file.
pub(crate) fn upload_form(csrf: &str, period: &str, file_name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----xinzhi-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in [("csrf", csrf), ("period", period)] {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Posts an upload form for December 2024 to `path` with the session's client.
async fn post_upload(
    app: &crate::helpers::TestApp,
    path: &str,
    csrf: &str,
    file_name: &str,
    file: &[u8],
) -> Result<reqwest::Response> {
    post_upload_for(app, path, "2024-12", csrf, file_name, file).await
}

/// Posts an upload form for `period` (a month, or a year for profiles) to `path`.
pub(crate) async fn post_upload_for(
    app: &crate::helpers::TestApp,
    path: &str,
    period: &str,
    csrf: &str,
    file_name: &str,
    file: &[u8],
) -> Result<reqwest::Response> {
    let (content_type, body) = upload_form(csrf, period, file_name, file);
    Ok(app.client.post(format!("{}{path}", app.base)).header("content-type", content_type).body(body).send().await?)
}

/// The red cells of the error report's first sheet, as (row, column letter) pairs, read back
/// with the same reader as uploads.
pub(crate) fn red_cells(xlsx: &[u8]) -> Result<Vec<(usize, String)>> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx))?;
    let mut styles = String::new();
    archive.by_name("xl/styles.xml")?.read_to_string(&mut styles)?;
    let mut sheet = String::new();
    archive.by_name("xl/worksheets/sheet1.xml")?.read_to_string(&mut sheet)?;
    // The cell formats (xf) whose fill is the red one.
    let fills: Vec<&str> = styles.split("<fill>").skip(1).collect();
    let red_fill = fills.iter().position(|f| f.contains("FFFFC7CE")).ok_or("no red fill")?;
    let xfs = styles.split("<cellXfs").nth(1).ok_or("cellXfs")?;
    let red_xf: Vec<usize> = xfs
        .split("<xf ")
        .skip(1)
        .enumerate()
        .filter(|(_, xf)| xf.contains(&format!("fillId=\"{red_fill}\"")))
        .map(|(i, _)| i)
        .collect();
    let mut cells = Vec::new();
    for cell in sheet.split("<c r=\"").skip(1) {
        let reference = &cell[..cell.find('"').ok_or("ref")?];
        let style = cell.split(" s=\"").nth(1).and_then(|s| s[..s.find('"')?].parse::<usize>().ok());
        if style.is_some_and(|s| red_xf.contains(&s)) && cell.find('>') > cell.find(" s=\"") {
            let letters: String = reference.chars().take_while(char::is_ascii_uppercase).collect();
            let row: usize = reference[letters.len()..].parse()?;
            cells.push((row, letters));
        }
    }
    Ok(cells)
}

#[tokio::test]
async fn an_officer_uploads_previews_downloads_the_errors_and_commits_valid_rows() -> Result {
    let app = spawn_app().await?;
    app.login("district", crate::helpers::PASSWORD).await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let firms = store.search_enterprises(&district, &EnterpriseFilter::default(), Page::new(2, 0)).await?.items;
    let (a, b) = (&firms[0].credit_code, &firms[1].credit_code);
    // Row 3 is good; row 4 has text in a number cell (column C).
    let csv =
        format!("统一社会信用代码,企业名称,工业总产值(万元),工业销售产值(万元)\n{a},甲,1000,990\n{b},乙,abc,10\n");

    let csrf = app.csrf().await?;
    let posted = post_upload(&app, "/reports/import", &csrf, "潇水区12月.csv", csv.as_bytes()).await?;
    assert_eq!(posted.status(), StatusCode::SEE_OTHER, "{}", posted.text().await?);
    let preview_path = posted.headers()["location"].to_str()?.to_owned();
    assert!(preview_path.starts_with("/reports/import/"));

    let preview = app.get(&preview_path).await?.text().await?;
    assert!(preview.contains("id=\"preview-title\""), "a preview, not a result");
    assert!(preview.contains("id=\"count-rejected\">1<") && preview.contains("id=\"count-written\">1<"), "{preview}");
    assert!(preview.contains("第3行 C列（工业总产值(万元)）：“abc”不是数字"), "{preview}");
    let firm = store.enterprise_by_code(&district, a).await?;
    let dec = Month::parse("2024-12")?;
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    let stored = |values: std::collections::HashMap<_, Vec<(xinzhi_store::IndicatorId, f64)>>| {
        values.values().flatten().any(|(i, v)| *i == gross && *v == 1000.0)
    };
    assert!(!stored(store.values_of_pairs(&district, &[(firm.enterprise_id, dec)]).await?), "preview writes nothing");

    // The error report gives the rows back with the bad cell in red.
    let errors = app.get(&format!("{preview_path}/errors.xlsx")).await?;
    assert_eq!(errors.status(), StatusCode::OK);
    assert!(errors.headers()["content-disposition"].to_str()?.contains("filename*=UTF-8''"));
    let xlsx = errors.bytes().await?;
    assert_eq!(red_cells(&xlsx)?.into_iter().filter(|(_, c)| c == "C").collect::<Vec<_>>(), vec![(3, "C".to_owned())]);
    let grid = xinzhi_ingest::read_grid(&xlsx, xinzhi_ingest::Limits::default())?;
    assert_eq!(grid.rows[2][0], xinzhi_ingest::Cell::Text(b.to_string()), "codes stay text");

    // All or nothing refuses; valid rows writes row 2.
    let refused = app.post_form(&preview_path, &[("mode", "all_or_nothing")]).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await?.contains("id=\"import-refused\""));
    assert!(!stored(store.values_of_pairs(&district, &[(firm.enterprise_id, dec)]).await?));
    let done = app.post_form(&preview_path, &[("mode", "valid_rows")]).await?;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(done.text().await?.contains("id=\"import-done\""));
    assert!(stored(store.values_of_pairs(&district, &[(firm.enterprise_id, dec)]).await?));
    // The firm's month shows the change: old value, new value, why and who.
    let form = app.get(&format!("/reports/{a}/2024-12")).await?.text().await?;
    let changes = &form[form.find("id=\"value-changes\"").ok_or("a change history")?..];
    assert!(changes.contains("Excel导入") && changes.contains(">1,000.0<"), "{changes}");

    // A file over the upload limit is refused whole, with the limit named in the user's language.
    let huge = vec![b'1'; 21 * 1024 * 1024];
    let too_large = post_upload(&app, "/reports/import", &csrf, "huge.csv", &huge).await?;
    assert_eq!(too_large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_large.text().await?.contains("超过20 MB的上限"));

    // Another user cannot see the upload; a wrong CSRF token in the multipart body is refused.
    let other = app.with_new_browser()?;
    other.login("park", crate::helpers::PASSWORD).await?;
    assert_eq!(other.get(&preview_path).await?.status(), StatusCode::NOT_FOUND);
    let forged = post_upload(&other, "/reports/import", "wrong", "x.csv", csv.as_bytes()).await?;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    other.stop().await
}

#[tokio::test]
async fn the_template_round_trips_and_the_api_imports_with_the_same_problems() -> Result {
    let app = spawn_app().await?;
    app.login("district", crate::helpers::PASSWORD).await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let above = store
        .search_enterprises(
            &district,
            &EnterpriseFilter { above_scale: Some(true), ..Default::default() },
            Page::new(500, 0),
        )
        .await?;

    let template = app.get("/reports/template.xlsx?period=2024-12").await?;
    assert_eq!(template.status(), StatusCode::OK);
    let xlsx = template.bytes().await?;
    let set = store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let grid = xinzhi_ingest::read_grid(&xlsx, xinzhi_ingest::Limits::default())?;
    let header = xinzhi_ingest::find_header(&grid, &xinzhi_app::imports::indicator_refs(&set))?;
    let indicators = header.columns.iter().filter(|c| matches!(c.target, xinzhi_ingest::Target::Indicator(_))).count();
    assert_eq!(indicators, set.indicators.len(), "every indicator of the data set is a recognised column");
    let parsed = xinzhi_ingest::read_rows(&grid, &header, None);
    assert_eq!(parsed.problems.len(), 0);
    assert_eq!(parsed.rows.len() as i64, above.total, "the district's above-scale firms are prefilled");
    assert!(parsed.rows.iter().all(|r| r.period == Month::parse("2024-12").expect("month")));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec()))?;
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml")?, &mut sheet)?;
    assert!(sheet.contains("<dataValidation type=\"list\""), "the period column has a dropdown");
    assert!(archive.by_name("xl/worksheets/sheet2.xml").is_ok(), "an instructions sheet");

    // The API: a token, the file as the body, the same problems as the pages.
    let token = store_token(&app).await?;
    let a = &above.items[0].credit_code;
    let csv = format!("统一社会信用代码,工业总产值(万元)\n{a},\"1,234\"\n91110000000000000X,5\n");
    let client = reqwest::Client::new();
    let answer: serde_json::Value = client
        .post(format!("{}/api/v1/reports/import?period=2024-12&dry_run=true", app.base))
        .bearer_auth(&token)
        .body(csv.clone())
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(answer["clean"], false);
    assert_eq!(answer["rows"][0]["outcome"], "written");
    assert_eq!(answer["problems"][0]["row"], 3);
    assert_eq!(answer["problems"][0]["column"], "A");
    assert_eq!(answer["problems"][0]["code"], "credit_code.check_character");
    let unreadable = client
        .post(format!("{}/api/v1/reports/import?period=2024-12", app.base))
        .bearer_auth(&token)
        .header("accept-language", "en")
        .body(b"PK\x03\x04 not really a zip".to_vec())
        .send()
        .await?;
    assert_eq!(unreadable.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: serde_json::Value = unreadable.json().await?;
    assert_eq!(error["error"]["field"], "file");
    assert!(error["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
    let bad_mode = client
        .post(format!("{}/api/v1/reports/import?mode=some", app.base))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await?;
    assert_eq!(bad_mode.status(), StatusCode::UNPROCESSABLE_ENTITY);
    app.stop().await
}

/// A personal access token of the signed-in user, created through the account page.
pub(crate) async fn store_token(app: &crate::helpers::TestApp) -> Result<String> {
    let page = app.post_form("/account/tokens", &[("name", "import")]).await?.text().await?;
    let start = page.find("id=\"new-token\">").ok_or("new token on the page")? + "id=\"new-token\">".len();
    Ok(page[start..start + page[start..].find('<').ok_or("token end")?].to_owned())
}

#[tokio::test]
async fn official_figures_are_imported_whole_and_shown_beside_the_platform_estimate() -> Result {
    let app = spawn_app().await?;
    app.login("analyst", crate::helpers::PASSWORD).await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let dec = Month::parse("2024-12")?;
    // The platform's own figure for 潇水区, computed here through the store.
    let platform = store
        .same_caliber(&district, "gross_output", dec.year_to_date(), xinzhi_store::EnterpriseSet::AboveScale)
        .await?;
    let platform_growth = platform.growth_percent().ok_or("growth")?;
    let csv = "地区,指标,本月(万元),1—12月累计(万元),本月增长%,累计增长%\n潇州市,规模以上工业总产值,9000,98000,3.1,2.6\n436002,工业总产值,2100,23000,1.0,4.0\n";

    // One unknown region refuses the whole table.
    let bad = format!("{csv}潇湘区,工业总产值,1,1,1,1\n");
    let csrf = app.csrf().await?;
    let refused = post_upload(&app, "/reports/official", &csrf, "统计月报.csv", bad.as_bytes()).await?;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await?.contains("第4行 A列：“潇湘区”不是本市的地区"));
    let gross = store.indicator_by_code("gross_output").await?.indicator_id;
    assert!(store.official_figures(gross, dec).await?.is_empty(), "nothing of a refused table is kept");

    let done = post_upload(&app, "/reports/official", &csrf, "统计月报.csv", csv.as_bytes()).await?;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(store.official_figures(gross, dec).await?.len(), 8);
    let page = app.get(done.headers()["location"].to_str()?).await?.text().await?;
    assert!(page.contains("已导入 8 个数据"));
    // 潇水区's row: official +4.0%, the platform's growth, and the gap in points.
    let expected_gap = format!("{:.1} pp", platform_growth - 4.0);
    assert!(page.contains("+4.0%") && page.contains(&expected_gap), "{expected_gap} in the page");

    // The district sees its own row only.
    let officer = app.with_new_browser()?;
    officer.login("district", crate::helpers::PASSWORD).await?;
    let page = officer.get("/reports/official?period=2024-12").await?.text().await?;
    assert!(page.contains("潇水区") && !page.contains("潇州市</td>"), "one row");
    officer.stop().await
}

/// A workbook with a number in A1 and another at `(row, column)`: the rectangle between them is
/// what a reader that trusts positions would allocate (XFD1048576: 17 billion cells).
fn corner_workbook(row: u32, column: u16) -> Result<Vec<u8>> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_number(0, 0, 1.0)?;
    sheet.write_number(row, column, 2.0)?;
    Ok(workbook.save_to_buffer()?)
}

#[tokio::test]
async fn spreadsheet_bombs_are_refused_by_every_import_while_the_server_answers() -> Result {
    let app = spawn_app().await?;
    app.login("district", crate::helpers::PASSWORD).await?;
    let token = store_token(&app).await?;
    let far_column = corner_workbook(3_999, 16_383)?;
    let corner = corner_workbook(1_048_575, 16_383)?;
    let client = reqwest::Client::new();
    // Ten bombs at once on the monthly, profile and project imports, and a page read meanwhile.
    let routes =
        ["/api/v1/reports/import?period=2024-12", "/api/v1/profiles/import?year=2024", "/api/v1/projects/import"];
    let uploads = (0..10).map(|i| {
        let body = if i % 2 == 0 { far_column.clone() } else { corner.clone() };
        client.post(format!("{}{}", app.base, routes[i % routes.len()])).bearer_auth(&token).body(body).send()
    });
    let page = client.get(format!("{}/api/v1/enterprises?limit=1", app.base)).bearer_auth(&token).send();
    let (answers, page) = tokio::join!(futures_util::future::join_all(uploads), page);
    assert_eq!(page?.status(), StatusCode::OK, "the server answers while bombs are read");
    for (i, answer) in answers.into_iter().enumerate() {
        let answer = answer?;
        let status = answer.status();
        let text = answer.text().await?;
        assert!(status == StatusCode::UNPROCESSABLE_ENTITY || status == StatusCode::OK, "{i}: {status} {text}");
        let expected = if i % 2 == 0 { "文件超过300列" } else { "文件超过60000行" };
        assert!(text.contains(expected), "{i}: {text}");
    }
    app.stop().await
}

#[tokio::test]
async fn imported_values_outside_their_range_are_refused_by_row_and_column() -> Result {
    let app = spawn_app().await?;
    let store = &app.db.store;
    let district = Scope::District(store.region_by_code(RegionCode::parse("436002")?).await?.region_id);
    let firms = store.search_enterprises(&district, &EnterpriseFilter::default(), Page::new(2, 0)).await?.items;
    let (a, b) = (&firms[0].credit_code, &firms[1].credit_code);
    let csv = format!("统一社会信用代码,工业总产值(万元),从业人员期末人数(人)\n{a},1000000000000000,10\n{b},100,-5\n");
    let actor = AuditActor::system("潇水区工信局");
    let report =
        run_import(store, &Actor::user(Role::DistrictOfficer, district, actor.clone()), request(csv.as_bytes(), true))
            .await?;
    let problems: Vec<(usize, Option<&str>, &str)> =
        report.problems.iter().map(|p| (p.row, p.column.as_deref(), p.message.as_str())).collect();
    assert_eq!(
        problems,
        [
            (2, Some("B"), "第2行 B列（工业总产值(万元)）：“工业总产值（现价）”应在0到10000000000之间"),
            (3, Some("C"), "第3行 C列（从业人员期末人数(人)）：“从业人员期末人数”不能为负数"),
        ]
    );
    assert_eq!(report.rows_rejected, 2);
    app.stop().await
}
