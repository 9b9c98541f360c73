//! The registry: the overview, the enterprises and their records, the clusters and chains, as
//! pages (here: one handler and one template struct per page; handlers collect the data,
//! templates only lay it out) and as JSON (`api.rs`).

pub(crate) mod api;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{CreditCode, DesignationStatus, Lang, Month, SizeBands, Tier, Year};
use xinzhi_store::*;

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::error::{FieldError, PageError};
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::query::{EnterpriseQuery, parse_integer};

/// Rows per page of the HTML enterprise list.
const PAGE_SIZE: i64 = 50;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(view_overview_get))
        .route("/enterprises", get(view_enterprises_get))
        .route("/enterprises/{credit_code}", get(view_enterprise_get))
        .route("/chains", get(view_chains_get))
        .route("/chains/{code}", get(view_chain_get))
}

// ---------------------------------------------------------------- overview

pub struct GrowthView {
    pub period: String,
    pub percent: String,
    pub current: String,
    pub previous: String,
}

pub struct TierRow {
    pub tier: String,
    pub level: String,
    pub code: &'static str,
    pub enterprises: i64,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/overview.html")]
pub struct OverviewPage {
    tr: Tr,
    layout: Layout,
    overview: Overview,
    period: Option<String>,
    growth: Option<GrowthView>,
    tiers: Vec<TierRow>,
}

async fn view_overview_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<Response, PageError> {
    // The security and audit administrators hold no enterprise data: they start at their duty.
    if let Some(home) = crate::kit::layout::administration_home(caller.user.role) {
        return Ok(Redirect::to(home).into_response());
    }
    let tr = Tr::new(lang);
    let overview = state.store.overview(caller.scope()).await.map_err(|e| PageError::from_store(lang, e))?;
    let growth = match overview.last_month {
        Some(last) => {
            let ytd = last.year_to_date();
            let cmp = crate::kit::engine::year_to_date(
                &state,
                caller.scope(),
                xinzhi_domain::indicator::codes::GROSS_OUTPUT,
                last,
            )
            .await
            .map_err(|e| crate::kit::engine::page_error(lang, e))?;
            cmp.growth_percent().map(|g| GrowthView {
                period: ytd.label(lang),
                percent: tr.percent(g),
                current: tr.amount_wan(cmp.current),
                previous: tr.amount_wan(cmp.previous),
            })
        }
        None => None,
    };
    let period = overview.first_month.zip(overview.last_month).map(|(f, l)| MonthRange::new(f, l).label(lang));
    let tiers = overview
        .by_tier
        .iter()
        .map(|t| TierRow {
            tier: t.tier.label(lang).into(),
            level: t.level.label(lang).into(),
            code: t.tier.as_str(),
            enterprises: t.enterprises,
        })
        .collect();
    Ok(OverviewPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "overview", &caller),
        overview,
        period,
        growth,
        tiers,
    }
    .into_response())
}

fn status_key(status: DesignationStatus) -> &'static str {
    match status {
        DesignationStatus::Active => "status.active",
        DesignationStatus::Expired => "status.expired",
        DesignationStatus::Revoked => "status.revoked",
        DesignationStatus::UnderReview => "status.under_review",
    }
}

// ---------------------------------------------------------------- enterprise list

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn options(selected: Option<&str>, items: impl Iterator<Item = (String, String)>) -> Vec<SelectOption> {
    items.map(|(value, label)| SelectOption { selected: selected == Some(value.as_str()), value, label }).collect()
}

pub struct ListRow {
    pub summary: EnterpriseSummary,
    pub district: String,
    pub park: String,
    pub industry: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/enterprises.html")]
pub struct EnterprisesPage {
    tr: Tr,
    layout: Layout,
    query: EnterpriseQuery,
    districts: Vec<SelectOption>,
    parks: Vec<SelectOption>,
    tiers: Vec<SelectOption>,
    scales: Vec<SelectOption>,
    total: i64,
    rows: Vec<ListRow>,
    page: i64,
    pages: i64,
    prev_link: Option<String>,
    next_link: Option<String>,
    error: Option<FieldError>,
}

impl EnterprisesPage {
    fn text(&self) -> &str {
        self.query.q.as_deref().unwrap_or("")
    }

    fn industry(&self) -> &str {
        self.query.industry.as_deref().unwrap_or("")
    }
}

async fn view_enterprises_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<EnterpriseQuery>,
) -> Result<(axum::http::StatusCode, EnterprisesPage), PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let regions = state.store.list_regions().await.map_err(store_error)?;
    let parks = state.store.list_parks().await.map_err(store_error)?;
    let parsed = query.filter(lang).and_then(|f| Ok((f, query.page_number(lang)?)));
    let (status, filter, page, error) = match parsed {
        Ok((filter, page)) => (axum::http::StatusCode::OK, Some(filter), page, None),
        Err(e) => (axum::http::StatusCode::UNPROCESSABLE_ENTITY, None, 1, Some(e)),
    };
    let result = match &filter {
        Some(filter) => state
            .store
            .search_enterprises(caller.scope(), filter, Page::new(PAGE_SIZE, (page - 1) * PAGE_SIZE))
            .await
            .map_err(store_error)?,
        None => PageOf { total: 0, items: Vec::new() },
    };
    let pages = ((result.total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
    let rows = result
        .items
        .into_iter()
        .map(|s| ListRow {
            district: tr
                .pick(s.district_zh.as_deref().unwrap_or(""), s.district_en.as_deref().unwrap_or(""))
                .to_owned(),
            park: tr.pick(s.park_zh.as_deref().unwrap_or(""), s.park_en.as_deref().unwrap_or("")).to_owned(),
            industry: format!("{} {}", s.industry_code, s.industry_code.division_name(lang).unwrap_or("")),
            summary: s,
        })
        .collect();
    let districts = options(
        query.district.as_deref(),
        regions
            .iter()
            .filter(|r| r.parent_id.is_some())
            .map(|r| (r.code.to_string(), tr.pick(&r.name_zh, &r.name_en).to_owned())),
    );
    let park_options = options(
        query.park.as_deref(),
        parks.iter().map(|p| (p.code.clone(), tr.pick(&p.name_zh, &p.name_en).to_owned())),
    );
    let tiers = options(
        query.tier.as_deref(),
        Tier::ALL.into_iter().map(|t| (t.as_str().to_owned(), t.label(lang).to_owned())),
    );
    let scales = options(
        query.above_scale.as_deref(),
        [("true", tr.t("filter.above")), ("false", tr.t("filter.below"))]
            .into_iter()
            .map(|(v, l)| (v.to_owned(), l.to_owned())),
    );
    let page_page = EnterprisesPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "enterprises", &caller),
        prev_link: (page > 1).then(|| format!("/enterprises?{}", query.with_page(page - 1))),
        next_link: (page < pages).then(|| format!("/enterprises?{}", query.with_page(page + 1))),
        query,
        districts,
        parks: park_options,
        tiers,
        scales,
        total: result.total,
        rows,
        page,
        pages,
        error,
    };
    Ok((status, page_page))
}

// ---------------------------------------------------------------- enterprise record

pub struct MembershipRow {
    pub kind: &'static str,
    pub target: String,
    pub from: String,
    pub to: String,
    pub current: bool,
    pub reason: String,
}

pub struct DesignationRow {
    pub tier: &'static str,
    pub level: &'static str,
    pub granted: String,
    pub expires: String,
    pub status: &'static str,
    pub batch: String,
}

pub struct ValueRow {
    pub name: String,
    pub unit: String,
    pub cells: Vec<String>,
}

pub struct YearLink {
    pub year: i32,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/enterprise.html")]
pub struct EnterprisePage {
    tr: Tr,
    layout: Layout,
    enterprise: Enterprise,
    /// Label and value of each known fact, in display order.
    facts: Vec<(&'static str, String)>,
    above_now: bool,
    memberships: Vec<MembershipRow>,
    designations: Vec<DesignationRow>,
    years: Vec<YearLink>,
    months: Vec<String>,
    rows: Vec<ValueRow>,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
}

async fn view_enterprise_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(credit_code): Path<String>,
    Query(year_query): Query<YearQuery>,
) -> Result<EnterprisePage, PageError> {
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let code = CreditCode::parse(&credit_code)
        .map_err(|e| PageError::invalid(lang, FieldError::from_domain("credit_code", &e, lang)))?;
    let enterprise = crate::kit::auth::visible_enterprise(&state, &caller, &code).await.map_err(store_error)?;
    let memberships =
        state.store.memberships_of(caller.scope(), enterprise.enterprise_id).await.map_err(store_error)?;
    let designations =
        state.store.designations_of(caller.scope(), enterprise.enterprise_id).await.map_err(store_error)?;
    let indicators = state.store.list_indicators().await.map_err(store_error)?;
    let span = state.store.value_months().await.map_err(store_error)?;

    let years: Vec<i32> = span.map(|s| (s.first.year()..=s.last.year()).rev().collect()).unwrap_or_default();
    let year = match year_query.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => {
            let (min, max) = (years.last().copied().unwrap_or(2000), years.first().copied().unwrap_or(2100));
            parse_integer(lang, "year", y, i64::from(min), i64::from(max)).map_err(|e| PageError::invalid(lang, e))?
                as i32
        }
        None => years.first().copied().unwrap_or(2024),
    };
    let range = Year(year).months();
    let values = state.store.values_of(caller.scope(), enterprise.enterprise_id, range).await.map_err(store_error)?;
    let months: Vec<Month> = range.months().collect();
    let rows = indicators
        .iter()
        .filter(|i| i.active)
        .map(|i| {
            let cells = months
                .iter()
                .map(|m| {
                    values
                        .iter()
                        .find(|v| v.indicator_id == i.indicator_id && v.period == *m)
                        .map_or_else(String::new, |v| tr.number(v.value, i.def.decimals))
                })
                .collect();
            ValueRow { name: i.def.name(lang).to_owned(), unit: i.def.unit(lang).to_owned(), cells }
        })
        .filter(|row: &ValueRow| row.cells.iter().any(|c| !c.is_empty()))
        .collect();

    // Size class (中小企业划型) from the shown year's main revenue and the recorded staff.
    let revenue: f64 = indicators
        .iter()
        .find(|i| i.def.code.as_str() == xinzhi_domain::indicator::codes::MAIN_REVENUE)
        .map(|main| values.iter().filter(|v| v.indicator_id == main.indicator_id).map(|v| v.value).sum())
        .unwrap_or(0.0);
    let size = enterprise
        .employees
        .map(|e| SizeBands::INDUSTRY_2011.classify(u32::try_from(e).unwrap_or(0), revenue).label(lang).to_owned())
        .unwrap_or_default();
    let above_now =
        memberships.iter().any(|m| m.kind == xinzhi_domain::MembershipKind::AboveScale && m.valid_to.is_none());
    let memberships = memberships
        .into_iter()
        .map(|m| MembershipRow {
            kind: m.kind.label(lang),
            target: match m.kind {
                xinzhi_domain::MembershipKind::AboveScale => tr.t("enterprise.above_now").to_owned(),
                _ => tr.pick(m.target_zh.as_deref().unwrap_or(""), m.target_en.as_deref().unwrap_or("")).to_owned(),
            },
            from: m.valid_from.label(lang),
            to: m.valid_to.map_or_else(|| tr.t("enterprise.present").to_owned(), |t| t.label(lang)),
            current: m.valid_to.is_none(),
            reason: m.reason.unwrap_or_default(),
        })
        .collect();
    let designations = designations
        .into_iter()
        .map(|d| DesignationRow {
            tier: d.tier.label(lang),
            level: d.level.label(lang),
            granted: tr.date(d.granted_on),
            expires: d.expires_on.map(|e| tr.date(e)).unwrap_or_default(),
            status: tr.t(status_key(d.status)),
            batch: d.batch.unwrap_or_default(),
        })
        .collect();
    let e = &enterprise;
    let facts: Vec<(&'static str, String)> = [
        Some(("col.industry", format!("{} {}", e.industry_code, e.industry_code.division_name(lang).unwrap_or("")))),
        e.established_on.map(|d| ("enterprise.established", tr.date(d))),
        e.closed_on.map(|d| ("enterprise.closed", tr.date(d))),
        e.land_area_mu.map(|m| ("enterprise.land", format!("{} {}", tr.number(m, 1), tr.t("unit.mu")))),
        e.employees.map(|n| ("enterprise.employees", format!("{n} {}", tr.t("unit.persons")))),
        (!size.is_empty()).then_some(("enterprise.size", size)),
        e.address.clone().map(|a| ("enterprise.address", a)),
    ]
    .into_iter()
    .flatten()
    .map(|(key, value)| (tr.t(key), value))
    .collect();
    Ok(EnterprisePage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "enterprises", &caller),
        facts,
        above_now,
        memberships,
        designations,
        years: years.into_iter().map(|y| YearLink { year: y, selected: y == year }).collect(),
        months: months
            .iter()
            .map(|m| match lang {
                Lang::ZhCn => format!("{}月", m.month()),
                Lang::En => m.label(lang).split(' ').next().unwrap_or("").to_owned(),
            })
            .collect(),
        rows,
        enterprise,
    })
}

// ---------------------------------------------------------------- clusters and chains

pub struct ClusterView {
    pub cluster: Cluster,
    pub chains: Vec<Chain>,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/chains.html")]
pub struct ChainsPage {
    tr: Tr,
    layout: Layout,
    clusters: Vec<ClusterView>,
}

async fn view_chains_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<ChainsPage, PageError> {
    let tr = Tr::new(lang);
    let clusters = state.store.list_clusters().await.map_err(|e| PageError::from_store(lang, e))?;
    Ok(ChainsPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "chains", &caller),
        clusters: clusters.into_iter().map(|(cluster, chains)| ClusterView { cluster, chains }).collect(),
    })
}

pub struct StageColumn {
    pub label: &'static str,
    pub nodes: Vec<SegmentNode>,
}

#[derive(Template, WebTemplate)]
#[template(path = "registry/chain.html")]
pub struct ChainPage {
    tr: Tr,
    layout: Layout,
    map: ChainMap,
    stages: Vec<StageColumn>,
}

async fn view_chain_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<ChainPage, PageError> {
    let tr = Tr::new(lang);
    let map = state.store.chain_map(caller.scope(), &code).await.map_err(|e| PageError::from_store(lang, e))?;
    let stages = Stage::ALL
        .into_iter()
        .map(|stage| StageColumn {
            label: tr.t(match stage {
                Stage::Upstream => "stage.upstream",
                Stage::Midstream => "stage.midstream",
                Stage::Downstream => "stage.downstream",
            }),
            nodes: map.segments.iter().filter(|s| s.stage == stage).cloned().collect(),
        })
        .collect();
    Ok(ChainPage { tr, layout: Layout::for_caller(&state, tr, &uri, "chains", &caller), map, stages })
}
