//! Briefings (运行简报): a draft for a month and the caller's scope, written from a template the
//! bureau edits (domain::briefing) with the engine's figures. Every figure of a draft links to
//! where it came from: indicator, scope, period, caliber (同口径 / 名义 / 计数), the approval
//! state of the month's reports, and the firms behind it. Drafts are edited and saved, and
//! exported as Word; the standard monthly tables (by district and by industry: 当月, 累计, 同比,
//! 贡献率) as Excel. Pages under `/briefings`, JSON under `/api/v1/briefings`.

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::cockpit::{Breakdown, Cockpit, Figure};
use xinzhi_analytics::{Attribution, Dimension, Window};
use xinzhi_domain::briefing::{DraftPiece, Piece, draft_pieces, parse, plain};
use xinzhi_domain::{Lang, Month, Permission, Tier};
use xinzhi_store::briefings::{Briefing, BriefingTemplate, NewBriefing};
use xinzhi_store::reports::ReportStatus;
use xinzhi_store::{Scope, StoreError};

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
        .route("/briefings", get(view_list).post(view_draft))
        .route("/briefings/templates", get(view_templates).post(view_save_template))
        .route("/briefings/tables.xlsx", get(view_tables_xlsx))
        .route("/briefings/{id}", get(view_briefing).post(view_edit))
        .route("/briefings/{id}/word.docx", get(view_docx))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/briefings", get(api_list).post(api_draft))
        .route("/briefings/templates", get(api_templates).post(api_save_template))
        .route("/briefings/{id}", get(api_briefing).post(api_edit))
}

fn reads(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ReadMonitoring)
}

/// Who drafts and edits: the officers of the city, districts and parks.
fn writes(caller: &Caller) -> bool {
    caller.user.role.may(Permission::DraftBriefings)
}

async fn refuse_unless(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    allowed: bool,
    what: &str,
) -> Result<(), ApiError> {
    crate::kit::auth::refuse_unless(state, caller, lang, allowed, ("briefings", what)).await
}

/// The scope a draft is kept under.
fn scope_label(scope: &Scope) -> String {
    match scope {
        Scope::NoData => "no_data".into(),
        Scope::City => "city".into(),
        Scope::District(r) => format!("district:{}", r.0),
        Scope::Park(p) => format!("park:{}", p.0),
        Scope::Department(d) => format!("department:{}", d.0),
        Scope::Enterprise(e) => format!("enterprise:{}", e.0),
    }
}

fn sees(caller: &Caller, briefing: &Briefing) -> bool {
    matches!(caller.scope(), Scope::City) || briefing.scope == scope_label(caller.scope())
}

/// Where a figure of a draft came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub id: String,
    /// The placeholder it was written for: `ytd_growth:gross_output`.
    pub field: String,
    pub text: String,
    pub value: Option<f64>,
    pub indicator: Option<String>,
    pub indicator_name: String,
    pub scope: String,
    pub period: String,
    /// 同口径, 名义, 累计 or 计数.
    pub caliber: String,
    /// The approval state of the month's reports in the scope.
    pub approved: String,
    /// The firms behind the figure.
    pub firms: Option<String>,
}

/// What a draft is computed from: the month's cockpits by lead indicator.
struct Sources<'a> {
    state: &'a AppState,
    caller: &'a Caller,
    lang: Lang,
    month: Month,
    scope_name: String,
    approved: String,
    cockpits: BTreeMap<String, Cockpit>,
}

impl Sources<'_> {
    async fn cockpit(&mut self, lead: &str) -> Result<&Cockpit, ApiError> {
        if !self.cockpits.contains_key(lead) {
            let (view, _) = crate::kit::engine::cockpit_of(
                self.state,
                self.caller,
                self.lang,
                (self.month, Attribution::AtMonth),
                lead,
            )
            .await
            .map_err(|e| crate::kit::engine::api_error(self.lang, e))?;
            self.cockpits.insert(lead.to_owned(), view);
        }
        self.cockpits.get(lead).ok_or(ApiError::NotFound(self.lang))
    }
}

fn ytd_breakdown(cockpit: &Cockpit, dimension: Dimension) -> Option<&Breakdown> {
    cockpit.breakdowns.iter().find(|b| b.dimension == dimension && b.window == Window::YearToDate)
}

fn month_param(month: Month) -> String {
    format!("{:04}-{:02}", month.year(), month.month())
}

/// Writes a template's figures into a draft; the draft and each figure's provenance.
async fn render(sources: &mut Sources<'_>, pieces: &[Piece]) -> Result<(String, Vec<Provenance>), ApiError> {
    let tr = Tr::new(sources.lang);
    let lang = sources.lang;
    let month = sources.month;
    let period = month.year_to_date().label(lang);
    let mut body = String::new();
    let mut figures: Vec<Provenance> = Vec::new();
    let mark = |body: &mut String, figures: &mut Vec<Provenance>, p: Provenance| {
        let id = format!("f{}", figures.len() + 1);
        body.push_str(&format!("[[{id}|{}]]", p.text));
        figures.push(Provenance { id, ..p });
    };
    for piece in pieces {
        let (name, arg) = match piece {
            Piece::Text(t) => {
                body.push_str(t);
                continue;
            }
            Piece::Field { name, arg } => (name.as_str(), arg.clone().unwrap_or_default()),
        };
        let base = Provenance {
            id: String::new(),
            field: if arg.is_empty() { name.to_owned() } else { format!("{name}:{arg}") },
            text: String::new(),
            value: None,
            indicator: None,
            indicator_name: String::new(),
            scope: sources.scope_name.clone(),
            period: period.clone(),
            caliber: tr.t("briefings.caliber_count").to_owned(),
            approved: sources.approved.clone(),
            firms: None,
        };
        let m = month_param(month);
        match name {
            // Within the briefing of a year, `1—6月` as the reports write it.
            "period" => body.push_str(period.trim_start_matches(&format!("{}年", month.year()))),
            "month" => body.push_str(&month.label(lang).replace(&format!("{}年", month.year()), "")),
            "ytd_growth" | "month_growth" | "nominal_growth" | "ytd_value" => {
                let cockpit = sources.cockpit(&arg).await?;
                let headline = cockpit.headline.iter().find(|h| h.indicator.code == arg);
                let fallback = ytd_breakdown(cockpit, Dimension::District).map(|b| b.total);
                let (figure, window): (Option<Figure>, &str) = match name {
                    "month_growth" => (headline.map(|h| h.month), "month"),
                    _ => (headline.map(|h| h.year_to_date).or(fallback), "ytd"),
                };
                let indicator_name = headline.map_or_else(|| cockpit.lead.name.clone(), |h| h.indicator.name.clone());
                let (value, text, caliber) = match name {
                    "nominal_growth" => {
                        let v = headline.and_then(|h| h.nominal_growth_pct);
                        (v, tr.growth(v), tr.t("briefings.caliber_nominal"))
                    }
                    "ytd_value" => {
                        let v = figure.map(|f| f.current);
                        (v, v.map_or_else(|| "—".into(), |v| tr.amount_wan(v)), tr.t("briefings.caliber_level"))
                    }
                    _ => {
                        let v = figure.and_then(|f| f.growth_pct);
                        (v, tr.growth(v), tr.t("briefings.caliber_same"))
                    }
                };
                let firms = format!("/monitor/firms?indicator={arg}&window={window}&month={m}");
                let period = if window == "month" { month.label(lang) } else { period.clone() };
                mark(
                    &mut body,
                    &mut figures,
                    Provenance {
                        text,
                        value,
                        indicator: Some(arg.clone()),
                        indicator_name,
                        caliber: caliber.to_owned(),
                        period,
                        firms: Some(firms),
                        ..base
                    },
                );
            }
            "above_scale" | "entered" | "exited" | "loss_making" => {
                let cockpit = sources.cockpit("gross_output").await?;
                let c = &cockpit.counts;
                let (value, key, set) = match name {
                    "above_scale" => (c.above_scale, "briefings.above_scale", None),
                    "entered" => (c.entered, "briefings.entered", Some("entered")),
                    "exited" => (c.exited, "briefings.exited", Some("exited")),
                    _ => (c.loss_making, "briefings.loss_making", Some("loss_making")),
                };
                let firms = match set {
                    Some(set) => format!("/monitor/firms?set={set}&month={m}"),
                    None => format!("/monitor/firms?indicator=gross_output&window=month&month={m}"),
                };
                let period =
                    if name == "above_scale" || name == "loss_making" { month.label(lang) } else { period.clone() };
                mark(
                    &mut body,
                    &mut figures,
                    Provenance {
                        text: value.to_string(),
                        value: Some(value as f64),
                        indicator_name: tr.t(key).to_owned(),
                        period,
                        firms: Some(firms),
                        ..base
                    },
                );
            }
            "new" => {
                let cockpit = sources.cockpit("gross_output").await?;
                let tier = Tier::parse(&arg);
                let count = tier
                    .and_then(|t| cockpit.counts.new_designations.iter().find(|(x, _)| *x == t))
                    .map_or(0, |(_, n)| *n);
                mark(
                    &mut body,
                    &mut figures,
                    Provenance {
                        text: count.to_string(),
                        value: Some(count as f64),
                        indicator_name: tier.map_or_else(|| arg.clone(), |t| t.label(lang).to_owned()),
                        firms: Some("/cultivation".into()),
                        ..base
                    },
                );
            }
            "by_district" => {
                let cockpit = sources.cockpit(&arg).await?;
                let indicator_name = cockpit.lead.name.clone();
                let mut parts: Vec<_> =
                    ytd_breakdown(cockpit, Dimension::District).map(|b| b.parts.clone()).unwrap_or_default();
                parts.sort_by(|a, b| {
                    b.figure.growth_pct.unwrap_or(f64::MIN).total_cmp(&a.figure.growth_pct.unwrap_or(f64::MIN))
                });
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        body.push('、');
                    }
                    body.push_str(&part.name);
                    // The district's own reports, not the whole scope's.
                    let approved = match part.unit {
                        xinzhi_analytics::Unit::District(id) => {
                            let scope = Scope::District(xinzhi_store::RegionId(id));
                            approval(sources.state, &scope, lang, month)
                                .await
                                .map_err(|e| ApiError::from_store(lang, e))?
                        }
                        _ => base.approved.clone(),
                    };
                    mark(
                        &mut body,
                        &mut figures,
                        Provenance {
                            text: tr.growth(part.figure.growth_pct),
                            value: part.figure.growth_pct,
                            indicator: Some(arg.clone()),
                            indicator_name: indicator_name.clone(),
                            scope: part.name.clone(),
                            approved,
                            caliber: tr.t("briefings.caliber_same").to_owned(),
                            firms: Some(format!(
                                "/monitor/firms?indicator={arg}&window=ytd&month={m}&unit=district:{}",
                                part.code
                            )),
                            ..base.clone()
                        },
                    );
                }
            }
            _ => {}
        }
    }
    Ok((body, figures))
}

/// The approval state of the month's reports in the caller's scope.
async fn approval(state: &AppState, scope: &Scope, lang: Lang, month: Month) -> Result<String, StoreError> {
    let set = state.store.data_set(xinzhi_store::reports::MONTHLY).await?;
    let due = state.store.due_reports(scope, set.data_set_id, month).await?;
    let approved = due.iter().filter(|d| d.status == Some(ReportStatus::Approved)).count();
    let label = month.label(lang);
    Ok(Tr::new(lang).f(
        "briefings.approved",
        &[("month", &label), ("approved", &approved.to_string()), ("due", &due.len().to_string())],
    ))
}

async fn scope_name(state: &AppState, caller: &Caller, lang: Lang) -> String {
    match caller.scope() {
        Scope::District(r) => state
            .store
            .list_regions()
            .await
            .ok()
            .and_then(|rs| rs.into_iter().find(|x| x.region_id == *r))
            .map(|x| x.name_zh),
        Scope::Park(p) => state
            .store
            .list_parks()
            .await
            .ok()
            .and_then(|ps| ps.into_iter().find(|x| x.park_id == *p))
            .map(|x| x.name_zh),
        _ => None,
    }
    .unwrap_or_else(|| Tr::new(lang).t("briefings.city").to_owned())
}

#[derive(Debug, Default, Deserialize)]
pub struct DraftInput {
    /// `2024-11`; default the latest month with data.
    pub month: Option<String>,
    pub template_id: Option<i64>,
    pub title: Option<String>,
}

async fn draft(state: &AppState, caller: &Caller, lang: Lang, input: &DraftInput) -> Result<Briefing, ApiError> {
    refuse_unless(state, caller, lang, writes(caller), "draft").await?;
    let tr = Tr::new(lang);
    let store_error = |e| ApiError::from_store(lang, e);
    let month =
        match crate::kit::query::parse_optional_month(lang, input.month.as_deref()).map_err(ApiError::Invalid)? {
            Some(m) => m,
            None => crate::kit::engine::latest_data_month(state).await.map_err(store_error)?,
        };
    let templates = state.store.briefing_templates().await.map_err(store_error)?;
    let template = match input.template_id {
        Some(id) => templates.iter().find(|t| t.template_id == id).ok_or_else(|| {
            ApiError::invalid(
                "template_id",
                "briefing.template",
                tr.f("briefings.bad_template", &[("id", &id.to_string())]),
            )
        })?,
        None => templates.first().ok_or(ApiError::NotFound(lang))?,
    };
    let pieces = parse(&template.body).map_err(|e| ApiError::Invalid(FieldError::from_domain("template", &e, lang)))?;
    let scope_name = scope_name(state, caller, lang).await;
    let approved = approval(state, caller.scope(), lang, month).await.map_err(store_error)?;
    let mut sources =
        Sources { state, caller, lang, month, scope_name: scope_name.clone(), approved, cockpits: BTreeMap::new() };
    let (body, figures) = render(&mut sources, &pieces).await?;
    let title = match input.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.chars().take(100).collect(),
        None => tr.f(
            "briefings.default_title",
            &[
                ("scope", &scope_name),
                ("period", month.year_to_date().label(lang).trim_start_matches(&format!("{}年", month.year()))),
                ("year", &month.year().to_string()),
            ],
        ),
    };
    let new = NewBriefing {
        title,
        period: month,
        scope: scope_label(caller.scope()),
        template_id: Some(template.template_id),
        body,
        figures: serde_json::to_value(&figures).unwrap_or_default(),
    };
    let id = state.store.create_briefing(&new, &caller.actor()).await.map_err(store_error)?;
    state.store.briefing(id).await.map_err(store_error)
}

async fn briefing(state: &AppState, caller: &Caller, lang: Lang, id: i64) -> Result<Briefing, ApiError> {
    refuse_unless(state, caller, lang, reads(caller), "read").await?;
    let found = state.store.briefing(id).await.map_err(|e| ApiError::from_store(lang, e))?;
    if !sees(caller, &found) {
        return Err(ApiError::NotFound(lang));
    }
    Ok(found)
}

#[derive(Debug, Default, Deserialize)]
pub struct EditInput {
    pub title: String,
    pub body: String,
}

async fn edit(state: &AppState, caller: &Caller, lang: Lang, id: i64, input: &EditInput) -> Result<Briefing, ApiError> {
    refuse_unless(state, caller, lang, writes(caller), "edit").await?;
    briefing(state, caller, lang, id).await?;
    let tr = Tr::new(lang);
    let title = input.title.trim();
    if !(1..=100).contains(&title.chars().count()) {
        return Err(ApiError::invalid("title", "briefing.title", tr.t("briefings.bad_title").to_owned()));
    }
    if input.body.trim().is_empty() || input.body.chars().count() > 50_000 {
        return Err(ApiError::invalid("body", "briefing.body", tr.t("briefings.bad_body").to_owned()));
    }
    state
        .store
        .update_briefing(id, title, &input.body, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))
}

async fn list(state: &AppState, caller: &Caller, lang: Lang) -> Result<Vec<Briefing>, ApiError> {
    refuse_unless(state, caller, lang, reads(caller), "list").await?;
    let scopes = match caller.scope() {
        Scope::City => None,
        other => Some(vec![scope_label(other)]),
    };
    state.store.briefings(scopes.as_deref()).await.map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/briefings`: the briefing drafts in the caller's scope.
async fn api_list(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<Briefing>>, ApiError> {
    Ok(Json(list(&state, &caller, lang).await?))
}

/// `POST /api/v1/briefings` with `{month?, template_id?, title?}`: a new draft.
async fn api_draft(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<DraftInput>,
) -> Result<(StatusCode, Json<Briefing>), ApiError> {
    Ok((StatusCode::CREATED, Json(draft(&state, &caller, lang, &input).await?)))
}

/// `GET /api/v1/briefings/{id}`: one draft with every figure's provenance.
async fn api_briefing(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Briefing>, ApiError> {
    Ok(Json(briefing(&state, &caller, lang, id).await?))
}

/// `POST /api/v1/briefings/{id}` with `{title, body}`: the edited draft saved.
async fn api_edit(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<EditInput>,
) -> Result<Json<Briefing>, ApiError> {
    Ok(Json(edit(&state, &caller, lang, id, &input).await?))
}

#[derive(Debug, Default, Deserialize)]
pub struct TemplateInput {
    pub name: String,
    pub body: String,
}

async fn save_template(state: &AppState, caller: &Caller, lang: Lang, input: &TemplateInput) -> Result<i64, ApiError> {
    refuse_unless(state, caller, lang, caller.user.role.may(Permission::EditBriefingTemplates), "template").await?;
    let name = input.name.trim();
    if !(1..=40).contains(&name.chars().count()) {
        return Err(ApiError::invalid("name", "briefing.name", Tr::new(lang).t("briefings.bad_name").to_owned()));
    }
    parse(&input.body).map_err(|e| ApiError::Invalid(FieldError::from_domain("body", &e, lang)))?;
    state
        .store
        .save_briefing_template(name, &input.body, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))
}

/// `GET /api/v1/briefings/templates`: the briefing templates the city's analysts edit.
async fn api_templates(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
) -> Result<Json<Vec<BriefingTemplate>>, ApiError> {
    refuse_unless(&state, &caller, lang, reads(&caller), "templates").await?;
    Ok(Json(state.store.briefing_templates().await.map_err(|e| ApiError::from_store(lang, e))?))
}

/// `POST /api/v1/briefings/templates` with `{name, body}`: checked, then added or replaced.
async fn api_save_template(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<TemplateInput>,
) -> Result<(StatusCode, Json<Vec<BriefingTemplate>>), ApiError> {
    save_template(&state, &caller, lang, &input).await?;
    Ok((StatusCode::CREATED, Json(state.store.briefing_templates().await.map_err(|e| ApiError::from_store(lang, e))?)))
}

// ------------------------------------------------------------------------------ the pages

#[derive(Template, WebTemplate)]
#[template(path = "briefings/briefings.html")]
pub struct ListPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<(i64, String, String, String)>,
    templates: Vec<(i64, String)>,
    month: String,
    editable: bool,
    problems: Vec<(String, String)>,
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    problems: Vec<(String, String)>,
) -> Result<ListPage, PageError> {
    let tr = Tr::new(lang);
    let drafts = list(state, caller, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let templates = state.store.briefing_templates().await.map_err(|e| PageError::from_store(lang, e))?;
    let month = crate::kit::engine::latest_data_month(state).await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(ListPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "briefings", caller),
        rows: drafts.into_iter().map(|b| (b.briefing_id, b.title, b.period.label(lang), b.updated_by)).collect(),
        templates: templates.into_iter().map(|t| (t.template_id, t.name)).collect(),
        month: month_param(month),
        editable: writes(caller),
        problems,
    })
}

async fn view_list(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<ListPage, PageError> {
    list_page(&state, &caller, lang, &uri, Vec::new()).await
}

async fn view_draft(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = DraftInput {
        month: fields.get("month").map(str::to_owned),
        template_id: fields.get("template_id").and_then(|t| t.parse().ok()),
        title: fields.get("title").map(str::to_owned),
    };
    crate::kit::error::form_answer(
        lang,
        draft(&state, &caller, lang, &input).await,
        |b| format!("/briefings/{}", b.briefing_id),
        async |problems| list_page(&state, &caller, lang, &uri, problems).await,
    )
    .await
}

/// A piece of a draft as the page shows it.
pub enum Shown {
    Text(String),
    Figure { id: String, text: String, known: bool },
}

#[derive(Template, WebTemplate)]
#[template(path = "briefings/briefing.html")]
pub struct BriefingPage {
    tr: Tr,
    layout: Layout,
    b: Briefing,
    paragraphs: Vec<Vec<Shown>>,
    figures: Vec<Provenance>,
    editable: bool,
    problems: Vec<(String, String)>,
}

fn figures_of(b: &Briefing) -> Vec<Provenance> {
    serde_json::from_value(b.figures.clone()).unwrap_or_default()
}

fn shown(b: &Briefing, figures: &[Provenance]) -> Vec<Vec<Shown>> {
    b.body
        .split('\n')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            draft_pieces(p)
                .into_iter()
                .map(|piece| match piece {
                    DraftPiece::Text(t) => Shown::Text(t.to_owned()),
                    DraftPiece::Figure { id, text } => Shown::Figure {
                        id: id.to_owned(),
                        text: text.to_owned(),
                        known: figures.iter().any(|f| f.id == id),
                    },
                })
                .collect()
        })
        .collect()
}

async fn briefing_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    problems: Vec<(String, String)>,
) -> Result<BriefingPage, PageError> {
    let tr = Tr::new(lang);
    let b = briefing(state, caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?;
    let figures = figures_of(&b);
    Ok(BriefingPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "briefings", caller),
        paragraphs: shown(&b, &figures),
        figures,
        editable: writes(caller),
        b,
        problems,
    })
}

async fn view_briefing(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<BriefingPage, PageError> {
    briefing_page(&state, &caller, lang, &uri, id, Vec::new()).await
}

async fn view_edit(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = EditInput {
        title: fields.get("title").unwrap_or_default().to_owned(),
        body: fields.get("body").unwrap_or_default().replace("\r\n", "\n"),
    };
    crate::kit::error::form_answer(
        lang,
        edit(&state, &caller, lang, id, &input).await,
        |_| format!("/briefings/{id}"),
        async |problems| briefing_page(&state, &caller, lang, &uri, id, problems).await,
    )
    .await
}

/// `GET /briefings/{id}/word.docx`: the draft as a Word document, its figures' sources in a
/// table after the text.
async fn view_docx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    use xinzhi_ingest::docx::{Block, document};
    let tr = Tr::new(lang);
    let b = briefing(&state, &caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?;
    let figures = figures_of(&b);
    let mut blocks = vec![Block::Title(b.title.clone())];
    blocks.extend(b.body.split('\n').filter(|p| !p.trim().is_empty()).map(|p| Block::Paragraph(plain(p))));
    if !figures.is_empty() {
        blocks.push(Block::Heading(tr.t("briefings.sources").to_owned()));
        blocks.push(Block::Table {
            headers: [
                "briefings.col_figure",
                "briefings.col_indicator",
                "briefings.col_scope",
                "briefings.col_period",
                "briefings.col_caliber",
                "briefings.col_approved",
            ]
            .iter()
            .map(|k| tr.t(k).to_owned())
            .collect(),
            rows: figures
                .iter()
                .map(|f| {
                    vec![
                        f.text.clone(),
                        f.indicator_name.clone(),
                        f.scope.clone(),
                        f.period.clone(),
                        f.caliber.clone(),
                        f.approved.clone(),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(Block::Note(tr.f("briefings.drafted", &[("by", &b.updated_by), ("at", &tr.timestamp(b.updated_at))])));
    let bytes = document(&b.title, &blocks).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::download(
        bytes,
        &format!("{}.docx", b.title),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "briefings/briefing_templates.html")]
pub struct TemplatesPage {
    tr: Tr,
    layout: Layout,
    templates: Vec<BriefingTemplate>,
    fields: Vec<(String, &'static str)>,
    editable: bool,
    name: String,
    body: String,
    problems: Vec<(String, String)>,
}

async fn templates_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    form: Option<(String, String)>,
    problems: Vec<(String, String)>,
) -> Result<TemplatesPage, PageError> {
    refuse_unless(state, caller, lang, reads(caller), "templates").await.map_err(|e| PageError::from_api(lang, e))?;
    let tr = Tr::new(lang);
    let templates = state.store.briefing_templates().await.map_err(|e| PageError::from_store(lang, e))?;
    let (name, body) =
        form.unwrap_or_else(|| templates.first().map(|t| (t.name.clone(), t.body.clone())).unwrap_or_default());
    Ok(TemplatesPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "briefings", caller),
        fields: xinzhi_domain::briefing::FIELDS
            .iter()
            .map(|(n, arg, what)| (if *arg { format!("{{{n}:…}}") } else { format!("{{{n}}}") }, *what))
            .collect(),
        templates,
        editable: caller.user.role.may(Permission::EditBriefingTemplates),
        name,
        body,
        problems,
    })
}

async fn view_templates(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<TemplatesPage, PageError> {
    templates_page(&state, &caller, lang, &uri, None, Vec::new()).await
}

async fn view_save_template(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = TemplateInput {
        name: fields.get("name").unwrap_or_default().to_owned(),
        body: fields.get("body").unwrap_or_default().replace("\r\n", "\n"),
    };
    crate::kit::error::form_answer(
        lang,
        save_template(&state, &caller, lang, &input).await,
        |_| "/briefings/templates".to_owned(),
        async |problems| templates_page(&state, &caller, lang, &uri, Some((input.name, input.body)), problems).await,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct TablesQuery {
    pub month: Option<String>,
    pub indicator: Option<String>,
}

/// `GET /briefings/tables.xlsx?month=&indicator=`: the standard monthly tables of an indicator
/// (gross output by default), one sheet by district and one by industry: the month, 1—N月,
/// same-caliber growth of each, and the contribution (贡献率) to the 1—N月 growth.
async fn view_tables_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<TablesQuery>,
) -> Result<Response, PageError> {
    use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
    if !reads(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let month = match crate::kit::query::parse_optional_month(lang, query.month.as_deref())
        .map_err(|e| PageError::invalid(lang, e))?
    {
        Some(m) => m,
        None => crate::kit::engine::latest_data_month(&state).await.map_err(|e| PageError::from_store(lang, e))?,
    };
    let lead = query.indicator.as_deref().unwrap_or("gross_output");
    let (view, _) = crate::kit::engine::cockpit_of(&state, &caller, lang, (month, Attribution::AtMonth), lead)
        .await
        .map_err(|e| crate::kit::engine::page_error(lang, e))?;
    let number = |v: Option<f64>, d: f64| v.map_or(TableCell::Empty, |v| TableCell::Number((v * d).round() / d));
    let mut sheets = Vec::new();
    for (dimension, key) in
        [(Dimension::District, "briefings.by_district"), (Dimension::Division, "briefings.by_industry")]
    {
        let find = |window: Window| view.breakdowns.iter().find(|b| b.dimension == dimension && b.window == window);
        let (Some(ytd), monthly) = (find(Window::YearToDate), find(Window::Month)) else { continue };
        let rows = ytd
            .parts
            .iter()
            .map(|p| {
                let m = monthly.and_then(|b| b.parts.iter().find(|q| q.code == p.code));
                vec![
                    TableCell::Text(p.name.clone()),
                    number(m.map(|m| m.figure.current / 10_000.0), 100.0),
                    number(m.and_then(|m| m.figure.growth_pct), 10.0),
                    number(Some(p.figure.current / 10_000.0), 100.0),
                    number(p.figure.growth_pct, 10.0),
                    number(p.contribution_pct, 10.0),
                ]
            })
            .collect();
        sheets.push(TableSheet {
            name: tr.t(key).to_owned(),
            title: format!("{} · {} · {}", view.lead.name, tr.t(key), month.year_to_date().label(lang)),
            headers: [
                "briefings.col_unit",
                "briefings.col_month",
                "briefings.col_month_growth",
                "briefings.col_ytd",
                "briefings.col_ytd_growth",
                "briefings.col_contribution",
            ]
            .iter()
            .map(|k| tr.t(k).to_owned())
            .collect(),
            rows,
        });
    }
    let bytes = table_workbook(&sheets).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}-{}.xlsx", tr.t("briefings.tables"), month_param(month))))
}
