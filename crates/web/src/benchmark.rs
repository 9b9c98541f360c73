//! Benchmarking against peers (对标): a published report of another region is pasted or
//! uploaded (.txt, .html, .docx), cleaned and read by `xinzhi_extract`; users correct what was
//! read (region, year, each figure, or reject it); the accepted achievements build the peer
//! table (region × indicator × year), shown with the city's own figure beside where Xinzhi
//! measures the same thing (domain::peer). Pages `/benchmark`, `/benchmark/{id}`; JSON under
//! `/api/v1/benchmark`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::peer::own_metric;
use xinzhi_domain::{Lang, Month, Permission};
use xinzhi_extract::{Extraction, Kind};
use xinzhi_store::peers::{NewPeerReport, PeerFact, PeerFactInput, PeerReport, PeerRow};

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/benchmark", get(view_table).post(view_add))
        .route("/benchmark/{id}", get(view_report).post(view_correct))
        .layer(crate::kit::attachments::body_limit())
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/benchmark", get(api_table))
        .route("/benchmark/reports", get(api_reports).post(api_add))
        .route("/benchmark/reports/{id}", get(api_report).post(api_correct_report))
        .route("/benchmark/reports/{id}/facts/{fact}", post(api_correct_fact))
}

fn reads(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ReadMonitoring)
}

fn writes(caller: &Caller) -> bool {
    caller.user.role.may(Permission::EditPeerReports)
}

async fn refuse_unless(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    allowed: bool,
    what: &str,
) -> Result<(), ApiError> {
    crate::kit::auth::refuse_unless(state, caller, lang, allowed, ("benchmark", what)).await
}

const KINDS: [&str; 5] =
    [Kind::Growth.as_str(), Kind::Count.as_str(), Kind::Amount.as_str(), Kind::Rank.as_str(), Kind::Share.as_str()];

/// What a report was read into, as it is kept.
fn to_new(title: &str, extraction: &Extraction, body: String) -> NewPeerReport {
    let facts = [("achieved", &extraction.achieved), ("target", &extraction.targets)]
        .into_iter()
        .flat_map(|(list, facts)| {
            facts.iter().map(move |f| PeerFactInput {
                list: list.to_owned(),
                indicator: f.indicator.clone(),
                value: f.value,
                unit: f.unit.clone(),
                kind: f.kind.as_str().to_owned(),
                year: f.year,
                qualifier: f.qualifier.clone(),
                span: f.span.clone(),
            })
        })
        .collect();
    let noise =
        extraction.noise.iter().filter_map(|n| serde_json::to_value(n).ok()?.as_str().map(str::to_owned)).collect();
    NewPeerReport {
        title: title.to_owned(),
        region: extraction.region.clone(),
        meeting: extraction.meeting.clone(),
        held_on: extraction.date.clone(),
        report_year: extraction.report_year,
        officials: serde_json::to_value(&extraction.officials).unwrap_or_default(),
        noise,
        body,
        facts,
    }
}

/// Reads and keeps a report; its id.
async fn add(state: &AppState, caller: &Caller, lang: Lang, title: &str, text: &str) -> Result<i64, ApiError> {
    refuse_unless(state, caller, lang, writes(caller), "add").await?;
    let tr = Tr::new(lang);
    if text.trim().chars().count() < 20 {
        return Err(ApiError::invalid("text", "benchmark.text", tr.t("benchmark.too_short").to_owned()));
    }
    let cleaned = xinzhi_extract::clean(text);
    let extraction = xinzhi_extract::extract_cleaned(&cleaned);
    let cleaned = cleaned.text;
    let title = match title.trim() {
        "" => extraction.meeting.clone().unwrap_or_else(|| cleaned.chars().take(30).collect()),
        t => t.chars().take(200).collect(),
    };
    let new = to_new(&title, &extraction, cleaned);
    state.store.save_peer_report(&new, &caller.actor()).await.map_err(|e| ApiError::from_store(lang, e))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportInput {
    pub title: Option<String>,
    pub text: String,
}

/// `POST /api/v1/benchmark/reports` with `{title?, text}`: the report read and kept.
async fn api_add(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<ReportInput>,
) -> Result<(StatusCode, Json<ReportAnswer>), ApiError> {
    let id = add(&state, &caller, lang, input.title.as_deref().unwrap_or(""), &input.text).await?;
    Ok((StatusCode::CREATED, Json(report(&state, &caller, lang, id).await?)))
}

#[derive(Serialize)]
pub struct ReportAnswer {
    #[serde(flatten)]
    pub report: PeerReport,
    pub facts: Vec<PeerFact>,
}

async fn report(state: &AppState, caller: &Caller, lang: Lang, id: i64) -> Result<ReportAnswer, ApiError> {
    refuse_unless(state, caller, lang, reads(caller), "report").await?;
    let (report, facts) = state.store.peer_report(id).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(ReportAnswer { report, facts })
}

/// `GET /api/v1/benchmark/reports/{id}`: one peer report with its extracted and corrected figures.
async fn api_report(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ReportAnswer>, ApiError> {
    Ok(Json(report(&state, &caller, lang, id).await?))
}

/// `GET /api/v1/benchmark/reports`: the peer reports read so far, with their region, year and figure counts.
async fn api_reports(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<PeerReport>>, ApiError> {
    refuse_unless(&state, &caller, lang, reads(&caller), "reports").await?;
    Ok(Json(state.store.peer_reports().await.map_err(|e| ApiError::from_store(lang, e))?))
}

#[derive(Debug, Default, Deserialize)]
pub struct ReportCorrection {
    pub region: Option<String>,
    pub report_year: Option<String>,
}

fn parse_year(lang: Lang, text: Option<&str>) -> Result<Option<i32>, FieldError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<i32>().ok().filter(|y| (1949..=2100).contains(y)).map(Some).ok_or_else(|| {
            FieldError::new("year", "year.invalid", Tr::new(lang).f("benchmark.bad_year", &[("year", t)]))
        }),
    }
}

async fn correct_report(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: i64,
    input: &ReportCorrection,
) -> Result<(), ApiError> {
    refuse_unless(state, caller, lang, writes(caller), "correct").await?;
    let year = parse_year(lang, input.report_year.as_deref())
        .map_err(|e| ApiError::Invalid(FieldError { field: "report_year".into(), ..e }))?;
    let region = input.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if region.is_some_and(|r| r.chars().count() > 40) {
        return Err(ApiError::invalid(
            "region",
            "benchmark.region",
            Tr::new(lang).t("benchmark.bad_region").to_owned(),
        ));
    }
    state.store.correct_peer_report(id, region, year, &caller.actor()).await.map_err(|e| ApiError::from_store(lang, e))
}

/// `POST /api/v1/benchmark/reports/{id}` with `{region?, report_year?}`.
async fn api_correct_report(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ReportCorrection>,
) -> Result<Json<ReportAnswer>, ApiError> {
    correct_report(&state, &caller, lang, id, &input).await?;
    Ok(Json(report(&state, &caller, lang, id).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct FactCorrection {
    /// `achieved` or `target`.
    pub list: Option<String>,
    pub indicator: Option<String>,
    pub value: Option<serde_json::Value>,
    pub unit: Option<String>,
    pub kind: Option<String>,
    pub year: Option<serde_json::Value>,
    pub qualifier: Option<String>,
    #[serde(default)]
    pub rejected: bool,
}

fn text_of_value(value: Option<&serde_json::Value>) -> String {
    match value {
        Some(serde_json::Value::String(s)) => s.trim().to_owned(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

/// Checks a correction field by field; the figure as it will be kept.
fn check_fact(lang: Lang, before: &PeerFactInput, input: &FactCorrection) -> Result<PeerFactInput, ApiError> {
    let tr = Tr::new(lang);
    let mut problems = Vec::new();
    let list = input.list.clone().unwrap_or_else(|| before.list.clone());
    if !matches!(list.as_str(), "achieved" | "target") {
        problems.push(FieldError::new("list", "benchmark.list", tr.f("benchmark.bad_list", &[("list", &list)])));
    }
    let indicator = input.indicator.as_deref().map_or_else(|| before.indicator.clone(), |i| i.trim().to_owned());
    if !(1..=60).contains(&indicator.chars().count()) {
        problems.push(FieldError::new("indicator", "benchmark.indicator", tr.t("benchmark.bad_indicator").to_owned()));
    }
    let value = match input.value.as_ref() {
        None => Some(before.value),
        Some(v) => xinzhi_domain::text::parse_number(&text_of_value(Some(v))).filter(|v| v.is_finite()),
    };
    if value.is_none() {
        let text = text_of_value(input.value.as_ref());
        problems.push(FieldError::new("value", "number.invalid", tr.f("benchmark.bad_value", &[("value", &text)])));
    }
    let unit = input.unit.as_deref().map_or_else(|| before.unit.clone(), |u| u.trim().to_owned());
    if !(1..=10).contains(&unit.chars().count()) {
        problems.push(FieldError::new("unit", "benchmark.unit", tr.t("benchmark.bad_unit").to_owned()));
    }
    let kind = input.kind.clone().unwrap_or_else(|| before.kind.clone());
    if !KINDS.contains(&kind.as_str()) {
        problems.push(FieldError::new("kind", "benchmark.kind", tr.f("benchmark.bad_kind", &[("kind", &kind)])));
    }
    let year = match input.year.as_ref() {
        None => Ok(before.year),
        Some(v) => parse_year(lang, Some(&text_of_value(Some(v)))),
    };
    let year = year.unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let qualifier = input.qualifier.as_deref().map_or_else(
        || before.qualifier.clone(),
        |q| {
            let q = q.trim();
            (!q.is_empty()).then(|| q.chars().take(60).collect())
        },
    );
    match (problems.is_empty(), value) {
        (true, Some(value)) => {
            Ok(PeerFactInput { list, indicator, value, unit, kind, year, qualifier, span: before.span.clone() })
        }
        _ => Err(ApiError::refused(lang, "benchmark.problems", problems)),
    }
}

async fn correct_fact(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (id, fact_id): (i64, i64),
    input: &FactCorrection,
) -> Result<PeerFact, ApiError> {
    refuse_unless(state, caller, lang, writes(caller), "correct").await?;
    let store_error = |e| ApiError::from_store(lang, e);
    let (_, facts) = state.store.peer_report(id).await.map_err(store_error)?;
    let before = facts.into_iter().find(|f| f.peer_fact_id == fact_id).ok_or(ApiError::NotFound(lang))?;
    let fact = check_fact(lang, &before.fact, input)?;
    state.store.correct_peer_fact(id, fact_id, &fact, input.rejected, &caller.actor()).await.map_err(store_error)
}

/// `POST /api/v1/benchmark/reports/{id}/facts/{fact}` with the fields to change (`list`,
/// `indicator`, `value`, `unit`, `kind`, `year`, `qualifier`) or `{"rejected": true}`.
async fn api_correct_fact(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path((id, fact)): Path<(i64, i64)>,
    JsonBody(input): JsonBody<FactCorrection>,
) -> Result<Json<PeerFact>, ApiError> {
    Ok(Json(correct_fact(&state, &caller, lang, (id, fact), &input).await?))
}

// ------------------------------------------------------------------------------ the table

/// A peer's figure with the city's own beside it.
#[derive(Debug, Clone, Serialize)]
pub struct TableRow {
    #[serde(flatten)]
    pub peer: PeerRow,
    /// The city's own figure of that year (growth in percent or a count), where Xinzhi
    /// measures it; through December, or through the latest month of the current year.
    pub own: Option<f64>,
    /// The month the own figure runs to.
    pub own_through: Option<Month>,
    /// The own figure is a reference (gross output beside value added), not the same measure.
    pub own_is_proxy: bool,
}

async fn table(state: &AppState, caller: &Caller, lang: Lang) -> Result<Vec<TableRow>, ApiError> {
    refuse_unless(state, caller, lang, reads(caller), "table").await?;
    let rows = state.store.peer_table().await.map_err(|e| ApiError::from_store(lang, e))?;
    let latest = crate::kit::engine::latest_data_month(state).await.map_err(|e| ApiError::from_store(lang, e))?;
    // Each row's own metric and the month its figure runs to; the engine is asked once.
    let asked: Vec<_> = rows
        .iter()
        .map(|peer| {
            let own = own_metric(&peer.indicator, peer.kind == "growth" && peer.unit == "%")
                .filter(|_| peer.kind == "growth" || peer.kind == "count");
            let december = Month::december(xinzhi_domain::Year(peer.year));
            let through =
                Some(december).filter(|m| *m <= latest).or_else(|| (latest.year() == peer.year).then_some(latest));
            (own, through)
        })
        .collect();
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
    for own in asked.iter().filter_map(|(own, _)| *own).filter(|o| o.kind != xinzhi_domain::targets::TargetKind::Count)
    {
        // An indicator the engine cannot load leaves its rows without an own figure.
        engine.ensure_indicator(own.metric).await.ok();
    }
    let cube = engine.read().await.map_err(engine_error)?;
    let mut out = Vec::with_capacity(rows.len());
    for (peer, (own, through)) in rows.into_iter().zip(asked) {
        let value = own.zip(through).and_then(|(own, month)| xinzhi_analytics::cockpit::own_figure(&cube, &own, month));
        out.push(TableRow {
            own: value,
            own_through: value.and(through),
            own_is_proxy: own.is_some_and(|o| o.proxy) && value.is_some(),
            peer,
        });
    }
    Ok(out)
}

/// `GET /api/v1/benchmark`: the peer table with the city's own figures.
async fn api_table(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<TableRow>>, ApiError> {
    Ok(Json(table(&state, &caller, lang).await?))
}

// ------------------------------------------------------------------------------ the pages

fn number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub struct TableLine {
    pub indicator: String,
    pub region: String,
    pub year: i32,
    pub value: String,
    pub qualifier: String,
    pub report: i64,
    pub own: String,
    pub proxy: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "benchmark/benchmark.html")]
pub struct TablePage {
    tr: Tr,
    layout: Layout,
    city: String,
    rows: Vec<TableLine>,
    reports: Vec<(i64, String, String, String, i64)>,
    editable: bool,
    problems: Vec<(String, String)>,
}

async fn table_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    problems: Vec<(String, String)>,
) -> Result<TablePage, PageError> {
    let tr = Tr::new(lang);
    let rows = table(state, caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let reports = state.store.peer_reports().await.map_err(|e| PageError::from_store(lang, e))?;
    let listed = reports
        .into_iter()
        .map(|r| (r.peer_report_id, r.title, r.region.unwrap_or_default(), r.held_on.unwrap_or_default(), r.kept_facts))
        .collect();
    let layout = Layout::for_caller(state, tr, uri, "benchmark", caller);
    Ok(TablePage {
        tr,
        city: layout.city.clone(),
        layout,
        rows: rows
            .into_iter()
            .map(|r| TableLine {
                own: r.own.map_or_else(String::new, |v| {
                    let unit = if r.peer.kind == "growth" { "%" } else { "" };
                    format!("{}{unit}", number(v))
                }),
                proxy: r.own_is_proxy,
                value: format!("{}{}", number(r.peer.value), r.peer.unit),
                indicator: r.peer.indicator,
                region: r.peer.region,
                year: r.peer.year,
                qualifier: r.peer.qualifier.unwrap_or_default(),
                report: r.peer.peer_report_id,
            })
            .collect(),
        reports: listed,
        editable: writes(caller),
        problems,
    })
}

async fn view_table(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<TablePage, PageError> {
    table_page(&state, &caller, lang, &uri, Vec::new()).await
}

/// `POST /benchmark` (multipart: `csrf`, `title`, `text` pasted, or `file`): reads and keeps
/// the report, then shows it for correction.
async fn view_add(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let pasted = fields.get("text").unwrap_or_default().to_owned();
    let text = match fields.files("file").next() {
        Some((_, bytes)) => xinzhi_extract::input::text_of(bytes).map_err(|e| {
            let message = format!("{}：{}", tr.t("benchmark.unreadable"), xinzhi_domain::Localize::message(&e, lang));
            ApiError::Invalid(FieldError::new("file", "benchmark.file", message))
        }),
        None => Ok(pasted),
    };
    let added = match text {
        Ok(text) => add(&state, &caller, lang, fields.get("title").unwrap_or_default(), &text).await,
        Err(e) => Err(e),
    };
    crate::kit::error::form_answer(
        lang,
        added,
        |id| format!("/benchmark/{id}"),
        async |problems| table_page(&state, &caller, lang, &uri, problems).await,
    )
    .await
}

pub struct FactLine {
    pub id: i64,
    pub list: String,
    pub indicator: String,
    pub value: String,
    pub unit: String,
    pub kind: String,
    pub year: String,
    pub qualifier: String,
    pub span: String,
    pub status: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "benchmark/benchmark_report.html")]
pub struct ReportPage {
    tr: Tr,
    layout: Layout,
    report: PeerReport,
    officials: Vec<(String, String, String)>,
    facts: Vec<FactLine>,
    kinds: [&'static str; 5],
    editable: bool,
    year: String,
    problems: Vec<(String, String)>,
}

async fn report_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    problems: Vec<(String, String)>,
) -> Result<ReportPage, PageError> {
    let tr = Tr::new(lang);
    let answer = report(state, caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?;
    let officials = answer
        .report
        .officials
        .as_array()
        .into_iter()
        .flatten()
        .map(|o| {
            let field = |k: &str| o[k].as_str().unwrap_or_default().to_owned();
            let role = match o["role"].as_str().unwrap_or_default() {
                "spoke" => tr.t("benchmark.role_spoke"),
                "chaired" => tr.t("benchmark.role_chaired"),
                "reported" => tr.t("benchmark.role_reported"),
                _ => tr.t("benchmark.role_attended"),
            };
            (field("title"), field("name"), role.to_owned())
        })
        .collect();
    Ok(ReportPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "benchmark", caller),
        year: answer.report.report_year.map_or_else(String::new, |y| y.to_string()),
        officials,
        facts: answer
            .facts
            .into_iter()
            .map(|f| FactLine {
                id: f.peer_fact_id,
                list: f.fact.list,
                indicator: f.fact.indicator,
                value: number(f.fact.value),
                unit: f.fact.unit,
                kind: f.fact.kind,
                year: f.fact.year.map_or_else(String::new, |y| y.to_string()),
                qualifier: f.fact.qualifier.unwrap_or_default(),
                span: f.fact.span,
                status: f.status,
            })
            .collect(),
        kinds: KINDS,
        editable: writes(caller),
        report: answer.report,
        problems,
    })
}

async fn view_report(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<ReportPage, PageError> {
    report_page(&state, &caller, lang, &uri, id, Vec::new()).await
}

/// `POST /benchmark/{id}`: `action=report` with `region`, `report_year`; or `action=fact`
/// with `fact` and the figure's fields (`reject` to reject it).
async fn view_correct(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let text = |k: &str| fields.get(k).map(str::to_owned);
    let done = match fields.get("action") {
        Some("report") => {
            let input = ReportCorrection { region: text("region"), report_year: text("report_year") };
            correct_report(&state, &caller, lang, id, &input).await
        }
        _ => {
            let fact: i64 = fields.get("fact").and_then(|f| f.parse().ok()).unwrap_or(-1);
            let value = |k: &str| text(k).map(serde_json::Value::String);
            let input = FactCorrection {
                list: text("list"),
                indicator: text("indicator"),
                value: value("value"),
                unit: text("unit"),
                kind: text("kind"),
                year: value("year"),
                qualifier: text("qualifier"),
                rejected: fields.get("reject").is_some(),
            };
            correct_fact(&state, &caller, lang, (id, fact), &input).await.map(|_| ())
        }
    };
    crate::kit::error::form_answer(
        lang,
        done,
        |()| format!("/benchmark/{id}"),
        async |problems| report_page(&state, &caller, lang, &uri, id, problems).await,
    )
    .await
}
