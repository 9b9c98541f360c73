//! The completion board (报送进度): for a month, the firms that must report in the caller's
//! scope, counted as on time, late or missing by district and by park; the 催报 list of
//! missing firms to export; and, for the city, exceptions that reopen a locked month for one
//! firm.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::reporting::{Timeliness, deadline_end, timeliness};
use xinzhi_domain::{CreditCode, Lang, Month, Permission};
use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{DataSet, DueReport, ReportException, ReportStatus, Scope, StoreError};

use crate::AppState;
use crate::kit::auth::{Caller, visible_enterprise};
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::files::xlsx;
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::query::parse_optional_month;
use xinzhi_app::clock::current_month;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/completion", get(view_completion_get))
        .route("/reports/completion.xlsx", get(view_completion_xlsx_get))
        .route("/reports/completion/exception", post(view_exception_post))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/reports/completion", get(api_completion))
}

/// Who sees the board: everyone who oversees firms (not departments, not a firm itself).
fn may_see(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ReadReportingProgress)
}

/// Counts of one district or park.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Tally {
    pub code: String,
    pub name: String,
    pub due: usize,
    pub on_time: usize,
    pub late: usize,
    pub missing: usize,
}

impl Tally {
    fn add(&mut self, t: Timeliness) {
        self.due += 1;
        match t {
            Timeliness::OnTime => self.on_time += 1,
            Timeliness::Late => self.late += 1,
            Timeliness::Missing => self.missing += 1,
        }
    }

    /// Reported (on time or late) as a percentage of due, one decimal.
    pub fn rate(&self) -> String {
        if self.due == 0 {
            return "—".into();
        }
        format!("{:.1}%", (self.on_time + self.late) as f64 * 100.0 / self.due as f64)
    }
}

/// One firm on the board.
#[derive(Debug, Clone, Serialize)]
pub struct FirmLine {
    pub credit_code: String,
    pub name: String,
    pub district: String,
    pub park: String,
    pub timeliness: Timeliness,
    pub status: Option<ReportStatus>,
    pub exception_until: Option<i64>,
}

/// The board's figures, shared by the page, the export and the API.
#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub period: Month,
    /// The first second after the deadline (unix seconds).
    pub deadline_end: i64,
    pub total: Tally,
    pub by_district: Vec<Tally>,
    pub by_park: Vec<Tally>,
    /// Firms not yet reported (the 催报 list), then the late ones, in district order.
    pub missing: Vec<FirmLine>,
    pub late: Vec<FirmLine>,
}

/// Tallies the due reports of a month (pure: the store has already chosen the firms).
pub fn board(lang: Lang, set: &DataSet, period: Month, due: &[DueReport]) -> Board {
    let end = deadline_end(period, u32::try_from(set.deadline_day).unwrap_or(28));
    let mut total = Tally { name: lang.pick("合计", "Total").into(), ..Tally::default() };
    let mut districts: BTreeMap<String, Tally> = BTreeMap::new();
    let mut parks: BTreeMap<String, Tally> = BTreeMap::new();
    let (mut missing, mut late) = (Vec::new(), Vec::new());
    let none = lang.pick("（未归属）", "(none)");
    for firm in due {
        let counts = matches!(firm.status, Some(ReportStatus::Submitted | ReportStatus::Approved));
        let t = timeliness(firm.submitted_at, counts, end);
        total.add(t);
        let summary = &firm.firm;
        let district = summary.district_code.clone().unwrap_or_default();
        let district_name = lang
            .pick(summary.district_zh.as_deref().unwrap_or(none), summary.district_en.as_deref().unwrap_or(none))
            .to_owned();
        districts
            .entry(district.clone())
            .or_insert_with(|| Tally { code: district, name: district_name.clone(), ..Tally::default() })
            .add(t);
        let park_name =
            lang.pick(summary.park_zh.as_deref().unwrap_or(""), summary.park_en.as_deref().unwrap_or("")).to_owned();
        if let Some(park) = &summary.park_code {
            parks
                .entry(park.clone())
                .or_insert_with(|| Tally { code: park.clone(), name: park_name.clone(), ..Tally::default() })
                .add(t);
        }
        let line = FirmLine {
            credit_code: summary.credit_code.to_string(),
            name: summary.name.clone(),
            district: district_name,
            park: park_name,
            timeliness: t,
            status: firm.status,
            exception_until: firm.exception_until,
        };
        match t {
            Timeliness::Missing => missing.push(line),
            Timeliness::Late => late.push(line),
            Timeliness::OnTime => {}
        }
    }
    Board {
        period,
        deadline_end: end,
        total,
        by_district: districts.into_values().collect(),
        by_park: parks.into_values().collect(),
        missing,
        late,
    }
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

/// The month asked for, else the month being reported now.
fn period_of(lang: Lang, query: &PeriodQuery) -> Result<Month, FieldError> {
    Ok(parse_optional_month(lang, query.period.as_deref())?.unwrap_or_else(|| current_month().prev()))
}

async fn load(state: &AppState, caller: &Caller, lang: Lang, period: Month) -> Result<(DataSet, Board), StoreError> {
    let set = state.store.data_set(MONTHLY).await?;
    let due = state.store.due_reports(caller.scope(), set.data_set_id, period).await?;
    let board = board(lang, &set, period, &due);
    Ok((set, board))
}

fn status_label(tr: Tr, line: &FirmLine) -> &'static str {
    match line.status {
        None => tr.t("report.status.none"),
        Some(ReportStatus::Draft) => tr.t("report.status.draft"),
        Some(ReportStatus::Returned) => tr.t("report.status.returned"),
        Some(ReportStatus::Submitted) => tr.t("report.status.submitted"),
        Some(ReportStatus::Approved) => tr.t("report.status.approved"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/completion.html")]
pub struct CompletionPage {
    tr: Tr,
    layout: Layout,
    period: String,
    period_label: String,
    deadline: String,
    locks: bool,
    board: Board,
    /// (heading, element id, rows): by district, then by park.
    tally_tables: Vec<(&'static str, &'static str, Vec<Tally>)>,
    statuses: Vec<&'static str>,
    late_statuses: Vec<&'static str>,
    grants: bool,
    notice: Option<String>,
    prev_link: String,
    next_link: String,
}

#[derive(Deserialize)]
pub struct PageQuery {
    period: Option<String>,
    done: Option<String>,
}

async fn view_completion_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<PageQuery>,
) -> Result<CompletionPage, PageError> {
    if !may_see(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let period =
        period_of(lang, &PeriodQuery { period: query.period.clone() }).map_err(|e| PageError::invalid(lang, e))?;
    let (set, board) = load(&state, &caller, lang, period).await.map_err(|e| PageError::from_store(lang, e))?;
    let due = period.next();
    Ok(CompletionPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "reports", &caller),
        period: period.to_string(),
        period_label: period.label(lang),
        deadline: tr.date(due.yyyymm() * 100 + set.deadline_day),
        locks: set.lock_after_deadline,
        statuses: board.missing.iter().map(|l| status_label(tr, l)).collect(),
        late_statuses: board.late.iter().map(|l| status_label(tr, l)).collect(),
        tally_tables: vec![
            (tr.t("completion.by_district"), "by-district", board.by_district.clone()),
            (tr.t("completion.by_park"), "by-park", board.by_park.clone()),
        ],
        board,
        grants: caller.user.role.may(Permission::ConfigureReporting),
        notice: (query.done.as_deref() == Some("exception")).then(|| tr.t("completion.exception_saved").to_owned()),
        prev_link: format!("/reports/completion?period={}", period.prev()),
        next_link: format!("/reports/completion?period={}", period.next()),
    })
}

/// `GET /reports/completion.xlsx?period=`: the 催报 list, the late firms and the tallies.
async fn view_completion_xlsx_get(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    if !may_see(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let period = period_of(lang, &query).map_err(|e| PageError::invalid(lang, e))?;
    let (set, board) = load(&state, &caller, lang, period).await.map_err(|e| PageError::from_store(lang, e))?;
    let text = |s: &str| TableCell::Text(s.to_owned());
    let firm_rows = |lines: &[FirmLine]| -> Vec<Vec<TableCell>> {
        lines
            .iter()
            .map(|l| {
                vec![
                    text(&l.credit_code),
                    text(&l.name),
                    text(&l.district),
                    text(&l.park),
                    text(status_label(tr, l)),
                    l.exception_until.map_or(TableCell::Empty, |d| text(&tr.date(d))),
                ]
            })
            .collect()
    };
    let firm_headers: Vec<String> =
        ["col.credit_code", "col.name", "col.district", "col.park", "col.status", "completion.exception_until"]
            .iter()
            .map(|k| tr.t(k).to_owned())
            .collect();
    let tally_rows = |tallies: &[Tally]| -> Vec<Vec<TableCell>> {
        tallies
            .iter()
            .chain(std::iter::once(&board.total))
            .map(|t| {
                vec![
                    text(&t.name),
                    TableCell::Number(t.due as f64),
                    TableCell::Number(t.on_time as f64),
                    TableCell::Number(t.late as f64),
                    TableCell::Number(t.missing as f64),
                    text(&t.rate()),
                ]
            })
            .collect()
    };
    let tally_headers: Vec<String> = [
        "col.district",
        "completion.due",
        "completion.on_time",
        "completion.late",
        "completion.missing",
        "completion.rate",
    ]
    .iter()
    .map(|k| tr.t(k).to_owned())
    .collect();
    let title = |what: &str| format!("{} · {} · {what}", tr.pick(&set.name_zh, &set.name_en), period.label(lang));
    let sheets = [
        TableSheet {
            name: tr.t("completion.urge_list").to_owned(),
            title: title(tr.t("completion.urge_list")),
            headers: firm_headers.clone(),
            rows: firm_rows(&board.missing),
        },
        TableSheet {
            name: tr.t("completion.late").to_owned(),
            title: title(tr.t("completion.late")),
            headers: firm_headers,
            rows: firm_rows(&board.late),
        },
        TableSheet {
            name: tr.t("completion.by_district").to_owned(),
            title: title(tr.t("completion.by_district")),
            headers: tally_headers,
            rows: tally_rows(&board.by_district),
        },
    ];
    let bytes = table_workbook(&sheets).map_err(|e| PageError::internal(lang, &e))?;
    Ok(xlsx(bytes, &format!("{}-{period}.xlsx", tr.t("completion.urge_list"))))
}

/// `POST /reports/completion/exception`: `period`, `credit_code`, `until` (a date), `reason`.
async fn view_exception_post(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !caller.user.role.may(Permission::ConfigureReporting) || *caller.scope() != Scope::City {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let invalid = |e| PageError::invalid(lang, e);
    let period = period_of(lang, &PeriodQuery { period: fields.get("period").map(str::to_owned) }).map_err(invalid)?;
    let code = CreditCode::parse(&xinzhi_domain::text::normalize_code(fields.get("credit_code").unwrap_or("")))
        .map_err(|e| invalid(FieldError::from_domain("credit_code", &e, lang)))?;
    let until = fields
        .get("until")
        .map(|d| d.trim().replace('-', ""))
        .and_then(|d| d.parse::<i64>().ok())
        .filter(|d| xinzhi_domain::reporting::end_of_yyyymmdd(*d).is_some())
        .ok_or_else(|| invalid(FieldError::new("until", "date", tr.t("completion.until_invalid").to_owned())))?;
    let reason = fields.get("reason").map(str::trim).unwrap_or_default();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(invalid(FieldError::new("reason", "length", tr.t("completion.reason_required").to_owned())));
    }
    let enterprise = visible_enterprise(&state, &caller, &code).await.map_err(|e| PageError::from_store(lang, e))?;
    let set = state.store.data_set(MONTHLY).await.map_err(|e| PageError::from_store(lang, e))?;
    let exception = ReportException {
        enterprise_id: enterprise.enterprise_id,
        period,
        until_date: until,
        reason: reason.to_owned(),
        granted_by: caller.user.display_name.clone(),
    };
    state
        .store
        .grant_exception(caller.scope(), set.data_set_id, &exception, &caller.actor())
        .await
        .map_err(|e| PageError::from_store(lang, e))?;
    Ok(Redirect::to(&format!("/reports/completion?period={period}&done=exception")).into_response())
}

/// `GET /api/v1/reports/completion?period=`: the board as JSON.
async fn api_completion(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<PeriodQuery>,
) -> Result<Json<Board>, ApiError> {
    if !may_see(&caller) {
        return Err(ApiError::NotFound(lang));
    }
    let period = period_of(lang, &query).map_err(ApiError::Invalid)?;
    let (_, board) = load(&state, &caller, lang, period).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(Json(board))
}

#[cfg(test)]
mod tests {
    use xinzhi_store::{DataSetId, EnterpriseId, EnterpriseSummary};

    use super::*;

    fn due(id: i64, district: &str, park: Option<&str>, status: Option<ReportStatus>, at: Option<i64>) -> DueReport {
        DueReport {
            firm: EnterpriseSummary {
                enterprise_id: EnterpriseId(id),
                credit_code: CreditCode::parse("91350100M000100Y43").expect("code"),
                name: format!("firm {id}"),
                industry_code: xinzhi_domain::IndustryCode::parse("C3813").expect("industry"),
                district_code: Some(district.into()),
                district_zh: Some(format!("区{district}")),
                district_en: Some(format!("District {district}")),
                park_code: park.map(str::to_owned),
                park_zh: park.map(|p| format!("园{p}")),
                park_en: park.map(|p| format!("Park {p}")),
                above_scale: true,
            },
            status,
            submitted_at: at,
            exception_until: None,
        }
    }

    #[test]
    fn the_board_counts_on_time_late_and_missing_by_district_and_park() {
        let set = DataSet {
            data_set_id: DataSetId(1),
            code: "monthly".into(),
            name_zh: "月报".into(),
            name_en: "Monthly".into(),
            deadline_day: 10,
            lock_after_deadline: true,
            counts_submitted: false,
            four_eyes: false,
            indicators: Vec::new(),
        };
        let march = Month::parse("2024-03").expect("month");
        // Due by 2024-04-10 16:00 UTC (domain::reporting's test).
        let end = 1_712_764_800;
        let firms = [
            due(1, "A", Some("P"), Some(ReportStatus::Approved), Some(end - 1)),
            due(2, "A", Some("P"), Some(ReportStatus::Submitted), Some(end)),
            due(3, "A", None, Some(ReportStatus::Draft), None),
            due(4, "B", None, Some(ReportStatus::Returned), Some(end - 10)),
            due(5, "B", None, None, None),
        ];
        let board = board(Lang::ZhCn, &set, march, &firms);
        assert_eq!(board.deadline_end, end);
        let counts = |t: &Tally| (t.due, t.on_time, t.late, t.missing);
        assert_eq!(counts(&board.total), (5, 1, 1, 3));
        assert_eq!(board.by_district.iter().map(counts).collect::<Vec<_>>(), vec![(3, 1, 1, 1), (2, 0, 0, 2)]);
        assert_eq!(board.by_park.iter().map(counts).collect::<Vec<_>>(), vec![(2, 1, 1, 0)]);
        assert_eq!(board.by_district[0].rate(), "66.7%");
        assert_eq!(board.missing.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["firm 3", "firm 4", "firm 5"]);
        assert_eq!(board.late.len(), 1);
        assert_eq!(Tally::default().rate(), "—");
    }
}
