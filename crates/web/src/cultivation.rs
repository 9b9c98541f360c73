//! Enterprise cultivation (梯度培育): the ladder of the caller's scope (designations held and
//! 新增 per year, reviews due at 180 and 90 days), the candidate pool of each tier with the
//! criteria each firm still misses, and the ladder rule sets (versioned, effective-dated).
//! Pages under `/cultivation`, JSON under `/api/v1/cultivation/…`.

pub(crate) mod commendations;
pub(crate) mod evaluation;
pub(crate) mod profiles;
pub(crate) mod programmes;
pub(crate) mod promotion;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::pools::{self, Candidate, ReviewLine, TierCount};
use xinzhi_domain::commendation::CommendationRules;
use xinzhi_domain::criteria::LadderRules;
use xinzhi_domain::mu::MuRules;
use xinzhi_domain::period::days_of_yyyymmdd;
use xinzhi_domain::{Lang, Permission, Tier};
use xinzhi_store::StoreError;
use xinzhi_store::cultivation::{RuleSet, VersionedRules};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;
use crate::kit::rules::rules_of;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cultivation", get(view_ladder_get))
        .route("/cultivation/pools/{tier}", get(view_pool_get))
        .route("/cultivation/rules", get(view_rules_get).post(view_rules_post))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/cultivation/ladder", get(api_ladder))
        .route("/cultivation/pools/{tier}", get(api_pool))
        .route("/cultivation/rules/{kind}", get(api_rules).post(api_save_rules))
}

/// The tiers with criteria, in pool order.
const POOL_TIERS: [Tier; 4] = [Tier::InnovativeSme, Tier::SrdiSme, Tier::LittleGiant, Tier::SingleChampion];

/// Candidates a page shows (the API gives all up to its `limit`).
const PAGE_CANDIDATES: usize = 200;

/// A `yyyy-mm-dd` (or `yyyymmdd`) date; today when absent.
fn parse_date(lang: Lang, text: Option<&str>) -> Result<i64, FieldError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(crate::kit::auth::today()) };
    crate::kit::query::yyyymmdd_of(text).ok_or_else(|| {
        FieldError::new(
            "date",
            "date.invalid",
            match lang {
                Lang::ZhCn => format!("日期“{text}”无效：应如2025-06-30"),
                Lang::En => format!("'{text}' is not a date like 2025-06-30"),
            },
        )
    })
}

fn parse_tier(lang: Lang, text: &str) -> Result<Tier, FieldError> {
    Tier::parse(text).filter(|t| POOL_TIERS.contains(t)).ok_or_else(|| {
        FieldError::new(
            "tier",
            "tier.unknown",
            Tr::new(lang).f("cultivation.tier_unknown", &[("tier", text), ("tiers", &tier_codes())]),
        )
    })
}

fn tier_codes() -> String {
    POOL_TIERS.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")
}

// ---------------------------------------------------------------------------- the ladder

#[derive(Debug, Default, Deserialize)]
pub struct LadderQuery {
    /// As of this day (yyyy-mm-dd), default today.
    pub date: Option<String>,
}

#[derive(Serialize)]
pub struct LadderAnswer {
    pub date: i64,
    pub tiers: Vec<TierCount>,
    pub reviews_due: Vec<ReviewLine>,
}

async fn ladder(state: &AppState, caller: &Caller, lang: Lang, date: i64) -> Result<LadderAnswer, ApiError> {
    let engine = state.engine.get(&state.store).await.map_err(|e| crate::kit::engine::api_error(lang, e))?;
    let cube = engine.read().await.map_err(|e| crate::kit::engine::api_error(lang, e))?;
    Ok(LadderAnswer {
        date,
        tiers: pools::ladder_counts(&cube, caller.scope(), date),
        reviews_due: pools::reviews_due(&cube, caller.scope(), date),
    })
}

/// `GET /api/v1/cultivation/ladder?date=`: designations held and 新增 by year per tier and
/// level, and the designations due for review.
async fn api_ladder(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<LadderQuery>,
) -> Result<Json<LadderAnswer>, ApiError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "ladder").await {
        return Err(ApiError::NotFound(lang));
    }
    let date = parse_date(lang, query.date.as_deref()).map_err(ApiError::Invalid)?;
    Ok(Json(ladder(&state, &caller, lang, date).await?))
}

pub struct CountRow {
    pub tier: &'static str,
    pub level: &'static str,
    pub held: usize,
    pub new: Vec<String>,
}

pub struct ReviewRow {
    pub name: String,
    pub href: String,
    pub tier: &'static str,
    pub level: &'static str,
    pub granted: String,
    pub expires: String,
    pub due: &'static str,
    pub due_class: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/cultivation.html")]
pub struct LadderPage {
    tr: Tr,
    layout: Layout,
    date: String,
    date_label: String,
    years: Vec<i32>,
    counts: Vec<CountRow>,
    pools: Vec<(&'static str, &'static str)>,
    overdue: usize,
    within_90: usize,
    within_180: usize,
    reviews: Vec<ReviewRow>,
    reviews_more: usize,
    may_import: bool,
}

async fn view_ladder_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<LadderQuery>,
) -> Result<LadderPage, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "ladder").await {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let date = parse_date(lang, query.date.as_deref()).map_err(|e| PageError::invalid(lang, e))?;
    let answer = ladder(&state, &caller, lang, date).await.map_err(|e| PageError::from_api(lang, e))?;
    let last = answer.tiers.iter().flat_map(|t| t.new_by_year.keys().copied()).max().unwrap_or((date / 10_000) as i32);
    let years: Vec<i32> = (last - 3..=last).collect();
    let counts = answer
        .tiers
        .iter()
        .map(|t| CountRow {
            tier: t.tier.label(lang),
            level: t.level.label(lang),
            held: t.held,
            new: years.iter().map(|y| t.new_by_year.get(y).copied().unwrap_or(0).to_string()).collect(),
        })
        .collect();
    let due = |d: xinzhi_domain::ladder::ReviewDue| answer.reviews_due.iter().filter(|r| r.due == d).count();
    use xinzhi_domain::ladder::ReviewDue;
    let reviews = answer
        .reviews_due
        .iter()
        .take(PAGE_CANDIDATES)
        .map(|r| ReviewRow {
            name: r.name.clone(),
            href: format!("/enterprises/{}", r.credit_code),
            tier: r.tier.label(lang),
            level: r.level.label(lang),
            granted: tr.date(r.granted_on),
            expires: tr.date(r.expires_on),
            due: r.due.label(lang),
            due_class: match r.due {
                ReviewDue::Overdue => "red",
                ReviewDue::Within90 => "yellow",
                ReviewDue::Within180 => "green",
            },
        })
        .collect();
    Ok(LadderPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "cultivation", &caller),
        date: format!("{}-{:02}-{:02}", date / 10_000, date / 100 % 100, date % 100),
        date_label: tr.date(date),
        years,
        counts,
        pools: POOL_TIERS.iter().map(|t| (t.as_str(), t.label(lang))).collect(),
        overdue: due(ReviewDue::Overdue),
        within_90: due(ReviewDue::Within90),
        within_180: due(ReviewDue::Within180),
        reviews_more: answer.reviews_due.len().saturating_sub(PAGE_CANDIDATES),
        reviews,
        may_import: caller.user.role.may(Permission::ManageCultivation),
    })
}

// ----------------------------------------------------------------------------- the pools

#[derive(Debug, Default, Deserialize)]
pub struct PoolQuery {
    /// The profile year (default: the latest with profiles).
    pub year: Option<String>,
    /// A rule-set version (default: the one in force today).
    pub version: Option<String>,
    pub limit: Option<String>,
}

#[derive(Serialize)]
pub struct PoolAnswer {
    pub tier: Tier,
    pub year: i32,
    pub version: String,
    /// Candidates in the pool (all of them, before `limit`).
    pub total: usize,
    pub qualifying: usize,
    pub candidates: Vec<PoolCandidate>,
}

#[derive(Serialize)]
pub struct PoolCandidate {
    pub rank: usize,
    #[serde(flatten)]
    pub candidate: Candidate,
    /// The gaps as sentences in the caller's language.
    pub gap_messages: Vec<String>,
}

async fn pool(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    tier: Tier,
    query: &PoolQuery,
) -> Result<PoolAnswer, ApiError> {
    let limit = match query.limit.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => usize::MAX,
        Some(l) => crate::kit::query::parse_integer(lang, "limit", l, 1, 100_000).map_err(ApiError::Invalid)? as usize,
    };
    let year = crate::kit::query::year_or_latest(state, lang, query.year.as_deref()).await?;
    let rules: LadderRules = rules_of(state, lang, query.version.as_deref()).await?;
    let engine = state.engine.get(&state.store).await.map_err(|e| crate::kit::engine::api_error(lang, e))?;
    let profiles = engine.profiles().await.map_err(|e| crate::kit::engine::api_error(lang, e))?;
    let names = engine.names().await;
    let cube = engine.read().await.map_err(|e| crate::kit::engine::api_error(lang, e))?;
    let found = pools::pool(&cube, &names, &rules, &profiles, caller.scope(), tier, year);
    Ok(PoolAnswer {
        tier,
        year,
        version: rules.version.clone(),
        total: found.len(),
        qualifying: found.iter().filter(|c| c.assessment.qualifies).count(),
        candidates: found
            .into_iter()
            .take(limit)
            .enumerate()
            .map(|(i, candidate)| PoolCandidate {
                rank: i + 1,
                gap_messages: candidate.assessment.gaps.iter().map(|g| g.message(lang)).collect(),
                candidate,
            })
            .collect(),
    })
}

/// `GET /api/v1/cultivation/pools/{tier}?year=&version=&limit=`: firms of the scope without the
/// tier, those that qualify first, then nearest, each with its score and what it misses.
async fn api_pool(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(tier): Path<String>,
    Query(query): Query<PoolQuery>,
) -> Result<Json<PoolAnswer>, ApiError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "pool").await {
        return Err(ApiError::NotFound(lang));
    }
    let tier = parse_tier(lang, &tier).map_err(ApiError::Invalid)?;
    Ok(Json(pool(&state, &caller, lang, tier, &query).await?))
}

pub struct CandidateRow {
    pub rank: usize,
    pub name: String,
    pub href: String,
    pub district: String,
    pub score: String,
    pub qualifies: bool,
    pub direct_pass: String,
    pub gaps: Vec<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/cultivation_pool.html")]
pub struct PoolPage {
    tr: Tr,
    layout: Layout,
    tier: &'static str,
    tier_code: &'static str,
    tiers: Vec<(&'static str, &'static str)>,
    year: i32,
    version: String,
    versions: Vec<String>,
    total: usize,
    qualifying: usize,
    rows: Vec<CandidateRow>,
    more: usize,
}

async fn view_pool_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(tier): Path<String>,
    Query(mut query): Query<PoolQuery>,
) -> Result<PoolPage, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "pool").await {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let tier = parse_tier(lang, &tier).map_err(|e| PageError::invalid(lang, e))?;
    query.limit = Some(PAGE_CANDIDATES.to_string());
    let answer = pool(&state, &caller, lang, tier, &query).await.map_err(|e| PageError::from_api(lang, e))?;
    let versions = state
        .store
        .rule_sets("ladder")
        .await
        .map_err(|e| PageError::from_store(lang, e))?
        .into_iter()
        .map(|r| r.version)
        .collect();
    let rows = answer
        .candidates
        .iter()
        .map(|c| CandidateRow {
            rank: c.rank,
            name: c.candidate.name.clone(),
            href: format!("/enterprises/{}/profile?year={}", c.candidate.credit_code, answer.year),
            district: c.candidate.district.clone(),
            score: c.candidate.assessment.score.map_or_else(|| "—".into(), |s| tr.number(s, 0)),
            qualifies: c.candidate.assessment.qualifies,
            direct_pass: c
                .candidate
                .assessment
                .direct_pass
                .as_ref()
                .map_or_else(String::new, |(zh, en)| lang.pick(zh, en).to_owned()),
            gaps: c.gap_messages.clone(),
        })
        .collect();
    Ok(PoolPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "cultivation", &caller),
        tier: tier.label(lang),
        tier_code: tier.as_str(),
        tiers: POOL_TIERS.iter().map(|t| (t.as_str(), t.label(lang))).collect(),
        year: answer.year,
        version: answer.version,
        versions,
        total: answer.total,
        qualifying: answer.qualifying,
        more: answer.total.saturating_sub(answer.candidates.len()),
        rows,
    })
}

// ----------------------------------------------------------------------------- the rules

/// The kinds of rule sets kept as versions: the ladder criteria and the 亩均 rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RuleKind {
    Ladder,
    Mu,
    Commendation,
}

impl RuleKind {
    fn as_str(self) -> &'static str {
        match self {
            RuleKind::Ladder => "ladder",
            RuleKind::Mu => "mu",
            RuleKind::Commendation => "commendation",
        }
    }

    fn parse(lang: Lang, text: Option<&str>) -> Result<RuleKind, FieldError> {
        match text.map(str::trim).unwrap_or("ladder") {
            "" | "ladder" => Ok(RuleKind::Ladder),
            "mu" => Ok(RuleKind::Mu),
            "commendation" => Ok(RuleKind::Commendation),
            other => Err(FieldError::new(
                "kind",
                "rules.kind",
                Tr::new(lang).f("cultivation.unknown_kind", &[("kind", other)]),
            )),
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            RuleKind::Ladder => "cultivation.rules",
            RuleKind::Mu => "mu.rules",
            RuleKind::Commendation => "commendation.rules",
        }
    }
}

/// A rule set as pretty JSON with its version.
async fn body_of<R: VersionedRules>(
    state: &AppState,
    lang: Lang,
    version: Option<&str>,
) -> Result<(String, String), ApiError> {
    let rules: R = rules_of(state, lang, version).await?;
    let body = serde_json::to_string_pretty(&rules)
        .map_err(|e| ApiError::Internal(lang, StoreError::Invalid(e.to_string())))?;
    Ok((rules.version().to_owned(), body))
}

/// A rule set of `kind` as pretty JSON, with its version: the one named, else the one in force.
async fn rule_body(
    state: &AppState,
    lang: Lang,
    kind: RuleKind,
    version: Option<&str>,
) -> Result<(String, String), ApiError> {
    match kind {
        RuleKind::Ladder => body_of::<LadderRules>(state, lang, version).await,
        RuleKind::Mu => body_of::<MuRules>(state, lang, version).await,
        RuleKind::Commendation => body_of::<CommendationRules>(state, lang, version).await,
    }
}

#[derive(Serialize)]
pub struct RulesAnswer {
    /// The version in force today.
    pub in_force: String,
    pub versions: Vec<RuleSet>,
}

async fn rules_answer(state: &AppState, lang: Lang, kind: RuleKind) -> Result<RulesAnswer, ApiError> {
    let versions = state.store.rule_sets(kind.as_str()).await.map_err(|e| ApiError::from_store(lang, e))?;
    let in_force = rule_body(state, lang, kind, None).await?.0;
    Ok(RulesAnswer { in_force, versions })
}

/// `GET /api/v1/cultivation/rules/{kind}` (`ladder` or `mu`): every version with its body.
async fn api_rules(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(kind): Path<String>,
) -> Result<Json<RulesAnswer>, ApiError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "rules").await {
        return Err(ApiError::NotFound(lang));
    }
    let kind = RuleKind::parse(lang, Some(&kind)).map_err(ApiError::Invalid)?;
    Ok(Json(rules_answer(&state, lang, kind).await?))
}

fn syntax_error(lang: Lang, error: &serde_json::Error) -> ApiError {
    let error = xinzhi_domain::criteria::RulesError::Syntax(error.to_string());
    ApiError::Invalid(FieldError::from_domain("body", &error, lang))
}

/// Reads and checks a body of one kind, and stores it unless its date is wrong.
async fn parse_and_save<R: VersionedRules, E: xinzhi_domain::Localize>(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    body: &str,
    check: impl Fn(&R) -> Result<(), E>,
) -> Result<(String, Result<i64, StoreError>), ApiError> {
    let rules: R = serde_json::from_str(body).map_err(|e| syntax_error(lang, &e))?;
    check(&rules).map_err(|e| {
        ApiError::Invalid(FieldError { field: "body".into(), code: e.code(), message: e.message(lang) })
    })?;
    if days_of_yyyymmdd(rules.effective_from()).is_none() {
        return Err(ApiError::Invalid(FieldError::new(
            "effective_from",
            "date.invalid",
            Tr::new(lang).f("cultivation.bad_effective", &[("date", &rules.effective_from().to_string())]),
        )));
    }
    Ok((rules.version().to_owned(), state.store.save_rules(caller.scope(), &rules, &caller.actor()).await))
}

/// A new version: the body is the rule set as JSON (`LadderRules`, `MuRules` or
/// `CommendationRules`), checked, with its own `version` and `effective_from`.
async fn save_rules(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    kind: RuleKind,
    body: &str,
) -> Result<RuleSet, ApiError> {
    if !caller.user.role.may(Permission::EditRules) {
        audit_denial(state, caller, "cultivation", "rules.save").await;
        return Err(ApiError::NotFound(lang));
    }
    let (version, saved) = match kind {
        RuleKind::Ladder => parse_and_save(state, caller, lang, body, LadderRules::check).await?,
        RuleKind::Mu => parse_and_save(state, caller, lang, body, MuRules::check).await?,
        RuleKind::Commendation => parse_and_save(state, caller, lang, body, CommendationRules::check).await?,
    };
    let id = saved.map_err(|e| match e {
        StoreError::Conflict(_) => {
            ApiError::Conflict { message: Tr::new(lang).f("cultivation.version_exists", &[("version", &version)]) }
        }
        other => ApiError::from_store(lang, other),
    })?;
    let saved = state.store.rule_sets(kind.as_str()).await.map_err(|e| ApiError::from_store(lang, e))?;
    saved.into_iter().find(|r| r.rule_set_id == id).ok_or(ApiError::NotFound(lang))
}

/// `POST /api/v1/cultivation/rules/{kind}` with a rule set: checked (fields, brackets, maxima,
/// class quotas), then stored as a new version; an existing version is 409.
async fn api_save_rules(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(kind): Path<String>,
    body: String,
) -> Result<(StatusCode, Json<RuleSet>), ApiError> {
    let kind = RuleKind::parse(lang, Some(&kind)).map_err(ApiError::Invalid)?;
    let saved = save_rules(&state, &caller, lang, kind, &body).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

pub struct VersionRow {
    pub version: String,
    pub effective: String,
    pub created: String,
    pub by: String,
    pub in_force: bool,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "cultivation/cultivation_rules.html")]
pub struct RulesPage {
    tr: Tr,
    layout: Layout,
    kind: &'static str,
    title_key: &'static str,
    versions: Vec<VersionRow>,
    body: String,
    editable: bool,
    problem: Option<String>,
    saved: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RulesQuery {
    pub kind: Option<String>,
    pub version: Option<String>,
    pub saved: Option<String>,
}

async fn rules_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    kind: RuleKind,
    selected: Option<&str>,
) -> Result<RulesPage, PageError> {
    let tr = Tr::new(lang);
    let answer = rules_answer(state, lang, kind).await.map_err(|e| PageError::from_api(lang, e))?;
    let (shown, body) = rule_body(state, lang, kind, selected).await.map_err(|e| PageError::from_api(lang, e))?;
    let versions = answer
        .versions
        .iter()
        .map(|r| VersionRow {
            version: r.version.clone(),
            effective: tr.date(r.effective_from),
            created: tr.timestamp(r.created_at),
            by: r.created_by.clone(),
            in_force: r.version == answer.in_force,
            selected: r.version == shown,
        })
        .collect();
    Ok(RulesPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "cultivation", caller),
        kind: kind.as_str(),
        title_key: kind.title_key(),
        versions,
        body,
        editable: caller.user.role.may(Permission::EditRules),
        problem: None,
        saved: None,
    })
}

async fn view_rules_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<RulesQuery>,
) -> Result<RulesPage, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "rules").await {
        return Err(PageError::not_found(lang));
    }
    let kind = RuleKind::parse(lang, query.kind.as_deref()).map_err(|e| PageError::invalid(lang, e))?;
    let mut page = rules_page(&state, &caller, lang, &uri, kind, query.version.as_deref()).await?;
    page.saved = query.saved.map(|v| Tr::new(lang).f("cultivation.rules_saved", &[("version", &v)]));
    Ok(page)
}

/// `POST /cultivation/rules` (`kind`, `body`): a new version; a refused one shows the form
/// again with the text as typed and the reason.
async fn view_rules_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "cultivation", "rules").await {
        return Err(PageError::not_found(lang));
    }
    let kind = RuleKind::parse(lang, fields.get("kind")).map_err(|e| PageError::invalid(lang, e))?;
    let body = fields.get("body").unwrap_or("");
    let (status, message) = match save_rules(&state, &caller, lang, kind, body).await {
        Ok(saved) => {
            let target = format!("/cultivation/rules?kind={}&version={1}&saved={1}", kind.as_str(), saved.version);
            return Ok(Redirect::to(&target).into_response());
        }
        Err(ApiError::Invalid(e)) => (StatusCode::UNPROCESSABLE_ENTITY, e.message),
        Err(ApiError::Conflict { message }) => (StatusCode::CONFLICT, message),
        Err(other) => return Err(PageError::from_api(lang, other)),
    };
    let mut page = rules_page(&state, &caller, lang, &uri, kind, None).await?;
    page.body = body.to_owned();
    page.problem = Some(message);
    Ok((status, page).into_response())
}
