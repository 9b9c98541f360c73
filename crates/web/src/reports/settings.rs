//! The city analyst configures the monthly data set (`/reports/settings`): which indicators it
//! has and which are required, the deadline day and the lock after it, the validation rules
//! (written as expressions, checked before they are stored), and the firms that must report
//! besides the month's above-scale set.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use xinzhi_domain::validation::{Expression, Importance, MissingValues, Operator, accumulated_stock};
use xinzhi_domain::{CreditCode, Lang, Localize, Permission, TemporalKind};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{DataSetSettings, Indicator, RuleRecord, Scope};

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::error::{FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/settings", get(view_settings_get).post(view_settings_post))
        .route("/reports/settings/rules", post(view_rule_post))
        .route("/reports/settings/firms", post(view_firms_post))
}

/// Only the city's analysts (and the administrator) configure the data set.
fn may_configure(caller: &Caller) -> bool {
    caller.user.role.may(Permission::ConfigureReporting) && *caller.scope() == Scope::City
}

pub struct IndicatorLine {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub included: bool,
    pub required: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/settings.html")]
pub struct SettingsPage {
    tr: Tr,
    layout: Layout,
    name: String,
    deadline_day: i64,
    lock: bool,
    counts_submitted: bool,
    four_eyes: bool,
    indicators: Vec<IndicatorLine>,
    rules: Vec<RuleRecord>,
    /// The rule in the form: the one being edited, or what was typed.
    form: RuleRecord,
    firms: Vec<(String, String)>,
    problems: Vec<String>,
    notice: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct SettingsQuery {
    rule: Option<String>,
    done: Option<String>,
}

fn empty_rule() -> RuleRecord {
    RuleRecord {
        code: String::new(),
        name_zh: String::new(),
        name_en: String::new(),
        left: String::new(),
        operator: "<=".into(),
        right: String::new(),
        importance: "error".into(),
        missing: "skip_if_any_missing".into(),
        active: true,
    }
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: SettingsQuery,
    typed: Option<RuleRecord>,
    problems: Vec<String>,
) -> Result<SettingsPage, PageError> {
    if !may_configure(caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let catalogue = state.store.list_indicators().await.map_err(store_error)?;
    let rules = state.store.rule_records(set.data_set_id).await.map_err(store_error)?;
    let firms = state.store.data_set_firms(set.data_set_id).await.map_err(store_error)?;
    let form = typed
        .or_else(|| query.rule.as_ref().and_then(|code| rules.iter().find(|r| r.code == *code).cloned()))
        .unwrap_or_else(empty_rule);
    Ok(SettingsPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "reports", caller),
        name: tr.pick(&set.name_zh, &set.name_en).to_owned(),
        deadline_day: set.deadline_day,
        lock: set.lock_after_deadline,
        counts_submitted: set.counts_submitted,
        four_eyes: set.four_eyes,
        indicators: catalogue
            .iter()
            .filter(|i| i.active)
            .map(|i| {
                let member = set.indicators.iter().find(|m| m.indicator.indicator_id == i.indicator_id);
                IndicatorLine {
                    code: i.def.code.to_string(),
                    name: i.def.name(lang).to_owned(),
                    unit: i.def.unit(lang).to_owned(),
                    included: member.is_some(),
                    required: member.is_some_and(|m| m.required),
                }
            })
            .collect(),
        rules,
        form,
        firms,
        problems,
        notice: query.done.map(|_| tr.t("settings.saved").to_owned()),
    })
}

/// The page again with what was typed and why it was refused.
async fn refuse(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    typed: Option<RuleRecord>,
    problems: Vec<String>,
) -> Result<Response, PageError> {
    let page = page(state, caller, lang, uri, SettingsQuery::default(), typed, problems).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn view_settings_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<SettingsQuery>,
) -> Result<SettingsPage, PageError> {
    page(&state, &caller, lang, &uri, query, None, Vec::new()).await
}

/// Form fields `deadline_day`, `lock` (present when checked), `inc.<code>` and `req.<code>`.
async fn view_settings_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !may_configure(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let deadline_day =
        fields.get("deadline_day").and_then(|d| d.trim().parse::<i64>().ok()).filter(|d| (1..=28).contains(d));
    let Some(deadline_day) = deadline_day else {
        let problems = vec![tr.t("settings.deadline_invalid").to_owned()];
        return refuse(&state, &caller, lang, &uri, None, problems).await;
    };
    let catalogue = state.store.list_indicators().await.map_err(store_error)?;
    let indicators: Vec<_> = catalogue
        .iter()
        .filter(|i| i.active && fields.get(&format!("inc.{}", i.def.code)).is_some())
        .map(|i| (i.indicator_id, fields.get(&format!("req.{}", i.def.code)).is_some()))
        .collect();
    if indicators.is_empty() {
        let problems = vec![tr.t("settings.no_indicators").to_owned()];
        return refuse(&state, &caller, lang, &uri, None, problems).await;
    }
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let settings = DataSetSettings {
        deadline_day,
        lock_after_deadline: fields.get("lock").is_some(),
        counts_submitted: fields.get("counts_submitted").is_some(),
        four_eyes: fields.get("four_eyes").is_some(),
        indicators,
    };
    state
        .store
        .update_data_set(caller.scope(), set.data_set_id, &settings, &caller.actor())
        .await
        .map_err(store_error)?;
    Ok(Redirect::to("/reports/settings?done=settings").into_response())
}

/// Checks a rule as typed against the catalogue; every problem is named.
fn check_rule(lang: Lang, rule: &RuleRecord, catalogue: &[Indicator]) -> Vec<String> {
    let tr = Tr::new(lang);
    let mut problems = Vec::new();
    let code_ok = (1..=40).contains(&rule.code.len())
        && rule.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !code_ok {
        problems.push(tr.t("settings.rule_code_invalid").to_owned());
    }
    if rule.name_zh.trim().is_empty() || rule.name_en.trim().is_empty() {
        problems.push(tr.t("settings.rule_names").to_owned());
    }
    for (side, text) in [(tr.t("settings.rule_left"), &rule.left), (tr.t("settings.rule_right"), &rule.right)] {
        match Expression::parse(text) {
            Err(e) => problems.push(format!("{side}：{}", e.message(lang))),
            Ok(expression) => {
                for (code, _) in expression.references() {
                    if !catalogue.iter().any(|i| i.def.code.as_str() == code) {
                        problems.push(tr.f("settings.rule_unknown_indicator", &[("side", side), ("code", code)]));
                    }
                }
                let is_stock = |code: &str| {
                    catalogue.iter().any(|i| i.def.code.as_str() == code && i.def.temporal == TemporalKind::Stock)
                };
                if let Some(code) = accumulated_stock(&expression, is_stock) {
                    problems.push(tr.f("settings.rule_stock_accumulated", &[("side", side), ("code", code)]));
                }
            }
        }
    }
    if Operator::parse(&rule.operator).is_none() {
        problems.push(tr.t("settings.rule_operator").to_owned());
    }
    if Importance::parse(&rule.importance).is_none() || MissingValues::parse(&rule.missing).is_none() {
        problems.push(tr.t("settings.rule_importance").to_owned());
    }
    problems
}

/// Creates or replaces a rule: `code`, `name_zh`, `name_en`, `left`, `operator`, `right`,
/// `importance`, `missing`, `active`.
async fn view_rule_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !may_configure(&caller) {
        return Err(PageError::not_found(lang));
    }
    let store_error = |e| PageError::from_store(lang, e);
    let text = |name: &str| fields.get(name).unwrap_or_default().trim().to_owned();
    let rule = RuleRecord {
        code: text("code"),
        name_zh: text("name_zh"),
        name_en: text("name_en"),
        left: text("left"),
        operator: text("operator"),
        right: text("right"),
        importance: text("importance"),
        missing: text("missing"),
        active: fields.get("active").is_some(),
    };
    let catalogue = state.store.list_indicators().await.map_err(store_error)?;
    let problems = check_rule(lang, &rule, &catalogue);
    if !problems.is_empty() {
        return refuse(&state, &caller, lang, &uri, Some(rule), problems).await;
    }
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    state.store.save_rule(caller.scope(), set.data_set_id, &rule, &caller.actor()).await.map_err(store_error)?;
    Ok(Redirect::to("/reports/settings?done=rule").into_response())
}

/// Adds or removes firms of the population: `action` (`add` or `remove`) and `codes` (one or
/// more credit codes, separated by lines, commas or spaces).
async fn view_firms_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !may_configure(&caller) {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let store_error = |e| PageError::from_store(lang, e);
    let mut codes = Vec::new();
    let mut problems = Vec::new();
    for text in fields.get("codes").unwrap_or_default().split(|c: char| c == ',' || c == '，' || c.is_whitespace()) {
        if text.is_empty() {
            continue;
        }
        match CreditCode::parse(&xinzhi_domain::text::normalize_code(text)) {
            Ok(code) => codes.push(code),
            Err(e) => problems.push(format!("{text}：{}", FieldError::from_domain("codes", &e, lang).message)),
        }
    }
    let found = state.store.enterprises_by_codes(caller.scope(), &codes).await.map_err(store_error)?;
    for code in &codes {
        if !found.contains_key(code.as_str()) {
            problems.push(tr.f("settings.firm_unknown", &[("code", code.as_str())]));
        }
    }
    if !problems.is_empty() || codes.is_empty() {
        if codes.is_empty() && problems.is_empty() {
            problems.push(tr.t("settings.firms_empty").to_owned());
        }
        return refuse(&state, &caller, lang, &uri, None, problems).await;
    }
    let set = state.store.data_set(MONTHLY).await.map_err(store_error)?;
    let ids: Vec<_> = found.values().map(|(id, _)| *id).collect();
    let add = fields.get("action") != Some("remove");
    state
        .store
        .set_data_set_firms(caller.scope(), set.data_set_id, &ids, add, &caller.actor())
        .await
        .map_err(store_error)?;
    Ok(Redirect::to("/reports/settings?done=firms").into_response())
}
