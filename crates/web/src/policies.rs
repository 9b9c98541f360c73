//! The policy library (政策库) with automatic eligibility (免申即享): policies with their
//! conditions in the policy language, the firms of the caller's scope that meet them with the
//! evidence for each condition, the staff's confirmations and exclusions, the export of the
//! list, and each firm's own view of the policies it matches and why.
//! Pages under `/policies`, JSON under `/api/v1/policies`.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::policies::{EligibleFirm, PolicyContext, eligible, firm_outcome, known_fact};
use xinzhi_domain::policy::{Expr, Outcome, parse};
use xinzhi_domain::{CreditCode, Lang, Permission};
use xinzhi_ingest::{TableCell, TableSheet, table_workbook};
use xinzhi_store::policies::{Decision, Policy, PolicyDecision, PolicyDraft};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/policies", get(view_list_get).post(view_list_post))
        .route("/policies/{id}", get(view_policy_get).post(view_policy_post))
        .route("/policies/{id}/eligible.xlsx", get(view_eligible_xlsx))
        .route("/enterprises/{code}/policies", get(view_firm_policies))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/policies", get(api_list).post(api_create))
        .route("/policies/check", post(api_check))
        .route("/policies/{id}", get(api_policy).post(api_update))
        .route("/policies/{id}/eligible", get(api_eligible))
        .route("/policies/{id}/decisions", post(api_decide))
        .route("/enterprises/{code}/policies", get(api_firm_policies))
}

/// Eligible firms a page lists (the API and the export give all).
const PAGE_FIRMS: usize = 300;

/// Who writes policies: the city's analysts.
fn writes_policies(caller: &Caller) -> bool {
    caller.user.role.may(Permission::EditPolicies)
}

/// Who sees eligibility lists: officers of the city, districts and parks.
fn sees_lists(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ReadMonitoring)
}

/// The condition parsed against the facts Xinzhi knows, or the error at its position.
fn parse_condition(lang: Lang, text: &str) -> Result<Expr, FieldError> {
    parse(text, &known_fact).map_err(|e| FieldError::from_domain("condition", &e, lang))
}

/// A policy as entered in the form or the API.
#[derive(Debug, Default, Deserialize)]
pub struct PolicyInput {
    pub title: Option<String>,
    pub issuer: Option<String>,
    pub document_no: Option<String>,
    /// yyyy-mm-dd.
    pub issued_on: Option<String>,
    pub valid_from: Option<String>,
    pub valid_to: Option<String>,
    pub summary: Option<String>,
    pub benefit: Option<String>,
    pub condition: Option<String>,
    #[serde(default)]
    pub automatic: bool,
}

/// Checks every field; all problems at once.
fn check_input(lang: Lang, input: &PolicyInput) -> Result<PolicyDraft, ApiError> {
    let tr = Tr::new(lang);
    let mut problems = Vec::new();
    let text = |value: &Option<String>| value.as_deref().map(str::trim).unwrap_or("").to_owned();
    let required = |field: &'static str, value: &str, max: usize, problems: &mut Vec<FieldError>| {
        if value.is_empty() {
            problems.push(FieldError::new(field, "required", tr.t("policies.required").to_owned()));
        } else if value.chars().count() > max {
            problems.push(FieldError::new(field, "too_long", tr.f("policies.too_long", &[("max", &max.to_string())])));
        }
    };
    let (title, issuer, summary, benefit, condition) =
        (text(&input.title), text(&input.issuer), text(&input.summary), text(&input.benefit), text(&input.condition));
    required("title", &title, 200, &mut problems);
    required("issuer", &issuer, 100, &mut problems);
    required("summary", &summary, 20_000, &mut problems);
    required("benefit", &benefit, 2_000, &mut problems);
    required("condition", &condition, 5_000, &mut problems);
    if !condition.is_empty()
        && let Err(e) = parse_condition(lang, &condition)
    {
        problems.push(e);
    }
    let mut date = |field: &'static str, value: &Option<String>, needed: bool| match crate::kit::query::parse_date(
        lang,
        field,
        value.as_deref(),
    ) {
        Ok(None) if needed => {
            problems.push(FieldError::new(field, "required", tr.t("policies.required").to_owned()));
            None
        }
        Ok(d) => d,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let issued_on = date("issued_on", &input.issued_on, true);
    let valid_from = date("valid_from", &input.valid_from, true);
    let valid_to = date("valid_to", &input.valid_to, false);
    if let (Some(from), Some(to)) = (valid_from, valid_to)
        && to < from
    {
        problems.push(FieldError::new("valid_to", "policies.range", tr.t("policies.range").to_owned()));
    }
    match (problems.len(), issued_on, valid_from) {
        (0, Some(issued_on), Some(valid_from)) => Ok(PolicyDraft {
            title,
            issuer,
            document_no: input.document_no.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned),
            issued_on,
            valid_from,
            valid_to,
            summary,
            benefit,
            condition,
            automatic: input.automatic,
        }),
        _ => Err(ApiError::refused(lang, "policies.problems", problems)),
    }
}

async fn save(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: Option<i64>,
    input: &PolicyInput,
) -> Result<Policy, ApiError> {
    if !writes_policies(caller) {
        audit_denial(state, caller, "policies", "save").await;
        return Err(ApiError::NotFound(lang));
    }
    let draft = check_input(lang, input)?;
    let store_error = |e| ApiError::from_store(lang, e);
    let id = state.store.save_policy(caller.scope(), id, &draft, &caller.actor()).await.map_err(store_error)?;
    state.store.policy(id).await.map_err(store_error)
}

/// A firm of a list with its evidence and the staff's decision.
#[derive(Serialize)]
pub struct ListedFirm {
    #[serde(flatten)]
    pub firm: EligibleFirm,
    pub evidence: Vec<String>,
    pub decision: Option<PolicyDecision>,
}

#[derive(Serialize)]
pub struct EligibleAnswer {
    pub policy: Policy,
    pub in_force: bool,
    pub year: i32,
    pub firms: Vec<ListedFirm>,
    pub confirmed: usize,
    pub excluded: usize,
}

/// Builds the facts' context and runs `f` with it.
async fn with_context<T>(
    state: &AppState,
    lang: Lang,
    f: impl FnOnce(&PolicyContext<'_>) -> T,
) -> Result<(T, i32), ApiError> {
    let engine_error = |e| crate::kit::engine::api_error(lang, e);
    let year = crate::kit::query::year_or_latest(state, lang, None).await?;
    let month = crate::kit::engine::latest_data_month(state).await.map_err(|e| ApiError::from_store(lang, e))?;
    let mu_classes = state.store.final_mu_classes().await.map_err(|e| ApiError::from_store(lang, e))?;
    let engine = state.engine.get(&state.store).await.map_err(engine_error)?;
    let profiles = engine.profiles().await.map_err(engine_error)?;
    let names = engine.names().await;
    let cube = engine.read().await.map_err(engine_error)?;
    let ctx = PolicyContext {
        cube: &cube,
        names: &names,
        profiles: &profiles,
        mu_classes: &mu_classes,
        year,
        month,
        today: crate::kit::auth::today(),
    };
    Ok((f(&ctx), year))
}

async fn eligible_answer(state: &AppState, caller: &Caller, lang: Lang, id: i64) -> Result<EligibleAnswer, ApiError> {
    if !sees_lists(caller) {
        audit_denial(state, caller, "policies", "eligible").await;
        return Err(ApiError::NotFound(lang));
    }
    let store_error = |e| ApiError::from_store(lang, e);
    let policy = state.store.policy(id).await.map_err(store_error)?;
    let condition = parse_condition(lang, &policy.draft.condition).map_err(ApiError::Invalid)?;
    let (found, year) = with_context(state, lang, |ctx| eligible(ctx, caller.scope(), &condition)).await?;
    let mut decisions = state.store.policy_decisions(caller.scope(), id).await.map_err(store_error)?;
    let firms: Vec<ListedFirm> = found
        .into_iter()
        .map(|firm| ListedFirm {
            evidence: firm.outcome.checks.iter().map(|c| c.message(lang)).collect(),
            decision: decisions.remove(&firm.enterprise_id),
            firm,
        })
        .collect();
    let count = |d: Decision| firms.iter().filter(|f| f.decision.as_ref().is_some_and(|x| x.decision == d)).count();
    Ok(EligibleAnswer {
        in_force: policy.in_force(crate::kit::auth::today()),
        policy,
        year,
        confirmed: count(Decision::Confirmed),
        excluded: count(Decision::Excluded),
        firms,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionInput {
    pub credit_code: String,
    /// `confirmed` or `excluded`.
    pub decision: String,
    pub note: Option<String>,
}

async fn decide(state: &AppState, caller: &Caller, lang: Lang, id: i64, input: &DecisionInput) -> Result<(), ApiError> {
    if !caller.user.role.may(Permission::ManageCultivation) {
        audit_denial(state, caller, "policies", "decide").await;
        return Err(ApiError::NotFound(lang));
    }
    let tr = Tr::new(lang);
    let code = CreditCode::parse(&input.credit_code)
        .map_err(|e| ApiError::Invalid(FieldError::from_domain("credit_code", &e, lang)))?;
    let decision = Decision::parse(input.decision.trim()).ok_or_else(|| {
        ApiError::invalid(
            "decision",
            "decision.unknown",
            tr.f("policies.bad_decision", &[("decision", input.decision.trim())]),
        )
    })?;
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if decision == Decision::Excluded && note.is_none() {
        return Err(ApiError::invalid("note", "required", tr.t("policies.exclude_reason").to_owned()));
    }
    let enterprise =
        crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    state
        .store
        .decide_policy_firm(caller.scope(), id, enterprise.enterprise_id, decision, note, &caller.actor())
        .await
        .map_err(|e| ApiError::from_store(lang, e))
}

/// A policy as one firm sees it.
#[derive(Serialize)]
pub struct FirmPolicy {
    pub policy: Policy,
    pub outcome: Outcome,
    pub evidence: Vec<String>,
}

async fn firm_policies(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    code: &str,
) -> Result<(String, Vec<FirmPolicy>), ApiError> {
    let code =
        CreditCode::parse(code).map_err(|e| ApiError::Invalid(FieldError::from_domain("credit_code", &e, lang)))?;
    let enterprise =
        crate::kit::auth::visible_enterprise(state, caller, &code).await.map_err(|e| ApiError::from_store(lang, e))?;
    let today = crate::kit::auth::today();
    let policies: Vec<Policy> = state
        .store
        .policies()
        .await
        .map_err(|e| ApiError::from_store(lang, e))?
        .into_iter()
        .filter(|p| p.in_force(today))
        .collect();
    let conditions: Vec<Option<Expr>> =
        policies.iter().map(|p| parse_condition(lang, &p.draft.condition).ok()).collect();
    let (outcomes, _) = with_context(state, lang, |ctx| {
        conditions
            .iter()
            .map(|c| c.as_ref().and_then(|c| firm_outcome(ctx, enterprise.enterprise_id, c)))
            .collect::<Vec<_>>()
    })
    .await?;
    let mut found: Vec<FirmPolicy> = policies
        .into_iter()
        .zip(outcomes)
        .filter_map(|(policy, outcome)| {
            let outcome = outcome?;
            Some(FirmPolicy { evidence: outcome.checks.iter().map(|c| c.message(lang)).collect(), policy, outcome })
        })
        .collect();
    // Matches first.
    found.sort_by_key(|p| !p.outcome.eligible);
    Ok((enterprise.name, found))
}

// --------------------------------------------------------------------------------- the API

/// `GET /api/v1/policies`: every policy (any signed-in user).
async fn api_list(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
) -> Result<Json<Vec<Policy>>, ApiError> {
    Ok(Json(state.store.policies().await.map_err(|e| ApiError::from_store(lang, e))?))
}

/// `POST /api/v1/policies` with `{title, issuer, document_no?, issued_on, valid_from, valid_to?,
/// summary, benefit, condition, automatic}`: 422 names every wrong field, the condition's
/// error with its character position.
async fn api_create(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<PolicyInput>,
) -> Result<(StatusCode, Json<Policy>), ApiError> {
    Ok((StatusCode::CREATED, Json(save(&state, &caller, lang, None, &input).await?)))
}

/// `POST /api/v1/policies/{id}`: change a policy; its condition is parsed against the known facts.
async fn api_update(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<PolicyInput>,
) -> Result<Json<Policy>, ApiError> {
    Ok(Json(save(&state, &caller, lang, Some(id), &input).await?))
}

/// `GET /api/v1/policies/{id}`: one policy with its condition.
async fn api_policy(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Policy>, ApiError> {
    Ok(Json(state.store.policy(id).await.map_err(|e| ApiError::from_store(lang, e))?))
}

#[derive(Deserialize)]
pub struct CheckInput {
    pub condition: String,
}

#[derive(Serialize)]
pub struct CheckAnswer {
    pub condition: Expr,
}

/// `POST /api/v1/policies/check` with `{"condition": "…"}`: the parsed condition, or 422 with
/// the position and what was expected.
async fn api_check(
    Language(lang): Language,
    _caller: Caller,
    JsonBody(input): JsonBody<CheckInput>,
) -> Result<Json<CheckAnswer>, ApiError> {
    Ok(Json(CheckAnswer { condition: parse_condition(lang, &input.condition).map_err(ApiError::Invalid)? }))
}

/// `GET /api/v1/policies/{id}/eligible`: the firms of the caller's scope that meet the policy,
/// each with the evidence for every condition and the staff's decision.
async fn api_eligible(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<EligibleAnswer>, ApiError> {
    Ok(Json(eligible_answer(&state, &caller, lang, id).await?))
}

/// `POST /api/v1/policies/{id}/decisions` with `{credit_code, decision, note}` (a note is
/// required to exclude a firm).
async fn api_decide(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<DecisionInput>,
) -> Result<StatusCode, ApiError> {
    decide(&state, &caller, lang, id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/enterprises/{code}/policies`: the policies in force, each with whether the firm
/// meets it and why.
async fn api_firm_policies(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Json<Vec<FirmPolicy>>, ApiError> {
    Ok(Json(firm_policies(&state, &caller, lang, &code).await?.1))
}

// ------------------------------------------------------------------------------- the pages

/// The form's fields as text: the policy's, or what was sent when it was refused.
#[derive(Default)]
pub struct PolicyForm {
    pub title: String,
    pub issuer: String,
    pub document_no: String,
    pub issued_on: String,
    pub valid_from: String,
    pub valid_to: String,
    pub summary: String,
    pub benefit: String,
    pub condition: String,
    pub automatic: bool,
}

impl PolicyForm {
    fn of_policy(p: &PolicyDraft) -> PolicyForm {
        PolicyForm {
            title: p.title.clone(),
            issuer: p.issuer.clone(),
            document_no: p.document_no.clone().unwrap_or_default(),
            issued_on: crate::kit::query::iso_date(p.issued_on),
            valid_from: crate::kit::query::iso_date(p.valid_from),
            valid_to: p.valid_to.map(crate::kit::query::iso_date).unwrap_or_default(),
            summary: p.summary.clone(),
            benefit: p.benefit.clone(),
            condition: p.condition.clone(),
            automatic: p.automatic,
        }
    }

    fn of_input(input: &PolicyInput) -> PolicyForm {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        PolicyForm {
            title: text(&input.title),
            issuer: text(&input.issuer),
            document_no: text(&input.document_no),
            issued_on: text(&input.issued_on),
            valid_from: text(&input.valid_from),
            valid_to: text(&input.valid_to),
            summary: text(&input.summary),
            benefit: text(&input.benefit),
            condition: text(&input.condition),
            automatic: input.automatic,
        }
    }
}

pub struct PolicyRow {
    pub id: i64,
    pub title: String,
    pub issuer: String,
    pub document_no: String,
    pub valid: String,
    pub automatic: bool,
    pub in_force: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/policies.html")]
pub struct PoliciesPage {
    tr: Tr,
    layout: Layout,
    rows: Vec<PolicyRow>,
    editable: bool,
    problems: Vec<(String, String)>,
    facts: String,
    form: PolicyForm,
}

fn validity(tr: Tr, policy: &PolicyDraft) -> String {
    format!("{} — {}", tr.date(policy.valid_from), policy.valid_to.map_or_else(String::new, |d| tr.date(d)))
}

async fn list_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    problems: Vec<(String, String)>,
    form: PolicyForm,
) -> Result<PoliciesPage, PageError> {
    let tr = Tr::new(lang);
    let today = crate::kit::auth::today();
    let rows = state
        .store
        .policies()
        .await
        .map_err(|e| PageError::from_store(lang, e))?
        .iter()
        .map(|p| PolicyRow {
            id: p.policy_id,
            title: p.draft.title.clone(),
            issuer: p.draft.issuer.clone(),
            document_no: p.draft.document_no.clone().unwrap_or_default(),
            valid: validity(tr, &p.draft),
            automatic: p.draft.automatic,
            in_force: p.in_force(today),
        })
        .collect();
    Ok(PoliciesPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "policies", caller),
        rows,
        editable: writes_policies(caller),
        problems,
        facts: xinzhi_analytics::policies::FACTS.join(", "),
        form,
    })
}

async fn view_list_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
) -> Result<PoliciesPage, PageError> {
    list_page(&state, &caller, lang, &uri, Vec::new(), PolicyForm::default()).await
}

fn input_of(fields: &FormFields) -> PolicyInput {
    let text = |name: &str| fields.get(name).map(str::to_owned);
    PolicyInput {
        title: text("title"),
        issuer: text("issuer"),
        document_no: text("document_no"),
        issued_on: text("issued_on"),
        valid_from: text("valid_from"),
        valid_to: text("valid_to"),
        summary: text("summary"),
        benefit: text("benefit"),
        condition: text("condition"),
        automatic: fields.get("automatic").is_some(),
    }
}

async fn view_list_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let input = input_of(&fields);
    crate::kit::error::form_answer(
        lang,
        save(&state, &caller, lang, None, &input).await,
        |policy| format!("/policies/{}", policy.policy_id),
        async |problems| list_page(&state, &caller, lang, &uri, problems, PolicyForm::of_input(&input)).await,
    )
    .await
}

pub struct FirmRow {
    pub credit_code: String,
    pub name: String,
    pub district: String,
    pub evidence: Vec<String>,
    pub decision: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/policy.html")]
pub struct PolicyPage {
    tr: Tr,
    layout: Layout,
    policy: Policy,
    valid: String,
    in_force: bool,
    lists: bool,
    year: i32,
    total: usize,
    confirmed: usize,
    excluded: usize,
    firms: Vec<FirmRow>,
    more: usize,
    editable: bool,
    decides: bool,
    problems: Vec<(String, String)>,
    done: bool,
    facts: String,
    form: PolicyForm,
}

/// What a policy page shows after a post: the problems, a saved notice, the form as sent.
#[derive(Default)]
struct AfterPost<'a> {
    problems: Vec<(String, String)>,
    done: bool,
    sent: Option<&'a PolicyInput>,
}

#[derive(Debug, Default, Deserialize)]
pub struct PolicyQuery {
    pub done: Option<String>,
}

async fn policy_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    id: i64,
    after: AfterPost<'_>,
) -> Result<PolicyPage, PageError> {
    let AfterPost { problems, done, sent } = after;
    let tr = Tr::new(lang);
    let policy = state.store.policy(id).await.map_err(|e| PageError::from_store(lang, e))?;
    let answer = if sees_lists(caller) {
        Some(eligible_answer(state, caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?)
    } else {
        None
    };
    let decision_label = |d: &Option<PolicyDecision>| match d.as_ref().map(|d| d.decision) {
        Some(Decision::Confirmed) => tr.t("policies.confirmed").to_owned(),
        Some(Decision::Excluded) => tr.t("policies.excluded").to_owned(),
        None => String::new(),
    };
    let firms = answer
        .as_ref()
        .map(|a| {
            a.firms
                .iter()
                .take(PAGE_FIRMS)
                .map(|f| FirmRow {
                    credit_code: f.firm.credit_code.clone(),
                    name: f.firm.name.clone(),
                    district: f.firm.district.clone(),
                    evidence: f.evidence.clone(),
                    decision: decision_label(&f.decision),
                })
                .collect()
        })
        .unwrap_or_default();
    let total = answer.as_ref().map_or(0, |a| a.firms.len());
    let form = sent.map_or_else(|| PolicyForm::of_policy(&policy.draft), PolicyForm::of_input);
    Ok(PolicyPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "policies", caller),
        valid: validity(tr, &policy.draft),
        in_force: policy.in_force(crate::kit::auth::today()),
        policy,
        lists: answer.is_some(),
        year: answer.as_ref().map_or(0, |a| a.year),
        total,
        confirmed: answer.as_ref().map_or(0, |a| a.confirmed),
        excluded: answer.as_ref().map_or(0, |a| a.excluded),
        firms,
        more: total.saturating_sub(PAGE_FIRMS),
        editable: writes_policies(caller),
        decides: caller.user.role.may(Permission::ManageCultivation),
        problems,
        done,
        facts: xinzhi_analytics::policies::FACTS.join(", "),
        form,
    })
}

async fn view_policy_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<PolicyQuery>,
) -> Result<PolicyPage, PageError> {
    policy_page(&state, &caller, lang, &uri, id, AfterPost { done: query.done.is_some(), ..AfterPost::default() }).await
}

/// The page's forms: `action=update` (the policy's fields) or `action=decide` (`credit_code`,
/// `decision`, `note`).
async fn view_policy_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(id): Path<i64>,
    fields: FormFields,
) -> Result<Response, PageError> {
    let sent = (fields.get("action") == Some("update")).then(|| input_of(&fields));
    let outcome = match &sent {
        Some(input) => save(&state, &caller, lang, Some(id), input).await.map(|_| ()),
        _ => {
            let input = DecisionInput {
                credit_code: fields.get("credit_code").unwrap_or_default().to_owned(),
                decision: fields.get("decision").unwrap_or_default().to_owned(),
                note: fields.get("note").map(str::to_owned),
            };
            decide(&state, &caller, lang, id, &input).await
        }
    };
    crate::kit::error::form_answer(
        lang,
        outcome,
        |()| format!("/policies/{id}?done=1"),
        async |problems| {
            let after = AfterPost { problems, done: false, sent: sent.as_ref() };
            policy_page(&state, &caller, lang, &uri, id, after).await
        },
    )
    .await
}

/// `GET /policies/{id}/eligible.xlsx`: the 免申即享 list with the evidence and decisions.
async fn view_eligible_xlsx(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let tr = Tr::new(lang);
    let answer = eligible_answer(&state, &caller, lang, id).await.map_err(|e| PageError::from_api(lang, e))?;
    let headers = ["col.credit_code", "col.name", "col.district", "policies.col_evidence", "policies.col_decision"]
        .iter()
        .map(|k| tr.t(k).to_owned())
        .collect();
    let rows = answer
        .firms
        .iter()
        .map(|f| {
            let decision = match f.decision.as_ref().map(|d| d.decision) {
                Some(Decision::Confirmed) => tr.t("policies.confirmed"),
                Some(Decision::Excluded) => tr.t("policies.excluded"),
                None => "",
            };
            vec![
                TableCell::Text(f.firm.credit_code.clone()),
                TableCell::Text(f.firm.name.clone()),
                TableCell::Text(f.firm.district.clone()),
                TableCell::Text(f.evidence.join("；")),
                TableCell::Text(decision.to_owned()),
            ]
        })
        .collect();
    let sheet = TableSheet {
        name: tr.t("policies.eligible").to_owned(),
        title: format!(
            "{}（{}）",
            answer.policy.draft.title,
            answer.policy.draft.document_no.clone().unwrap_or_default()
        ),
        headers,
        rows,
    };
    let bytes = table_workbook(&[sheet]).map_err(|e| PageError::internal(lang, &e))?;
    Ok(crate::kit::files::xlsx(bytes, &format!("{}-{id}.xlsx", tr.t("policies.eligible"))))
}

#[derive(Template, WebTemplate)]
#[template(path = "policies/firm_policies.html")]
pub struct FirmPoliciesPage {
    tr: Tr,
    layout: Layout,
    code: String,
    name: String,
    rows: Vec<(i64, String, String, bool, Vec<String>)>,
}

async fn view_firm_policies(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<FirmPoliciesPage, PageError> {
    let tr = Tr::new(lang);
    let (name, found) = firm_policies(&state, &caller, lang, &code).await.map_err(|e| PageError::from_api(lang, e))?;
    Ok(FirmPoliciesPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "policies", &caller),
        code: code.trim().to_uppercase(),
        name,
        rows: found
            .into_iter()
            .map(|p| (p.policy.policy_id, p.policy.draft.title, p.policy.draft.benefit, p.outcome.eligible, p.evidence))
            .collect(),
    })
}
