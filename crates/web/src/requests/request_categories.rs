//! The categories of enterprise requests and their limits in working days: the city's staff
//! add or change them (`/requests/categories`, `GET|POST /api/v1/requests/categories`);
//! everyone who raises or handles requests reads them. A change holds for clocks started after
//! it; a running clock keeps the limit it started with.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_domain::request::{Category, Limits};
use xinzhi_domain::{Lang, Permission};
use xinzhi_store::DepartmentId;

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new().route("/requests/categories", get(view_get).post(view_post))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/requests/categories", get(api_list).post(api_save))
}

/// Who edits categories: the city's staff who set targets.
fn edits_categories(caller: &Caller) -> bool {
    caller.user.role.may(Permission::EditRequestCategories)
}

/// A category with the code of its default department.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryLine {
    #[serde(flatten)]
    pub category: Category,
    pub department: Option<String>,
}

async fn list(state: &AppState, lang: Lang) -> Result<Vec<CategoryLine>, ApiError> {
    let store_error = |e| ApiError::from_store(lang, e);
    let departments = state.store.list_departments().await.map_err(store_error)?;
    let categories = state.store.request_categories().await.map_err(store_error)?;
    Ok(categories
        .into_iter()
        .map(|(category, department)| CategoryLine {
            department: department
                .and_then(|id| departments.iter().find(|d| d.department_id == id))
                .map(|d| d.code.clone()),
            category,
        })
        .collect())
}

/// A category as entered: numbers as text, so that a form's "abc" is named, not dropped.
#[derive(Debug, Default, Deserialize)]
pub struct CategoryInput {
    pub code: Option<String>,
    pub name_zh: Option<String>,
    pub name_en: Option<String>,
    pub accept_days: Option<serde_json::Value>,
    pub reply_days: Option<serde_json::Value>,
    pub remind_days_before: Option<serde_json::Value>,
    /// A department's code; empty for none.
    pub department: Option<String>,
}

fn days(lang: Lang, field: &'static str, value: Option<&serde_json::Value>, problems: &mut Vec<FieldError>) -> u32 {
    let text = match value {
        Some(serde_json::Value::String(s)) => s.trim().to_owned(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    text.parse::<u32>().unwrap_or_else(|_| {
        let message = Tr::new(lang).f("requests.bad_days", &[("value", &text)]);
        problems.push(FieldError::new(field, "number.invalid", message));
        0
    })
}

async fn save(state: &AppState, caller: &Caller, lang: Lang, input: &CategoryInput) -> Result<CategoryLine, ApiError> {
    if !edits_categories(caller) {
        audit_denial(state, caller, "request_categories", "save").await;
        return Err(ApiError::NotFound(lang));
    }
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let mut problems = Vec::new();
    let limits = Limits {
        accept_days: days(lang, "accept_days", input.accept_days.as_ref(), &mut problems),
        reply_days: days(lang, "reply_days", input.reply_days.as_ref(), &mut problems),
        remind_days_before: days(lang, "remind_days_before", input.remind_days_before.as_ref(), &mut problems),
    };
    let category =
        Category { code: text(&input.code), name_zh: text(&input.name_zh), name_en: text(&input.name_en), limits };
    for (field, error) in category.check() {
        if !problems.iter().any(|p| p.field == field) {
            problems.push(FieldError::from_domain(field, &error, lang));
        }
    }
    let department: Option<DepartmentId> = match text(&input.department).as_str() {
        "" => None,
        code => match crate::requests::department_by_code(state, lang, code).await {
            Ok(id) => Some(id),
            Err(ApiError::Invalid(e)) => {
                problems.push(e);
                None
            }
            Err(other) => return Err(other),
        },
    };
    if !problems.is_empty() {
        return Err(ApiError::refused(lang, "requests.category_problems", problems));
    }
    let store_error = |e| ApiError::from_store(lang, e);
    state.store.save_request_category(&category, department, &caller.actor()).await.map_err(store_error)?;
    list(state, lang).await?.into_iter().find(|l| l.category.code == category.code).ok_or(ApiError::NotFound(lang))
}

/// `GET /api/v1/requests/categories`: every category with its limits and default department.
async fn api_list(
    State(state): State<AppState>,
    Language(lang): Language,
    _caller: Caller,
) -> Result<Json<Vec<CategoryLine>>, ApiError> {
    Ok(Json(list(&state, lang).await?))
}

/// `POST /api/v1/requests/categories` with `{code, name_zh, name_en, accept_days, reply_days,
/// remind_days_before, department?}`: adds the category or changes the one of that code.
async fn api_save(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<CategoryInput>,
) -> Result<Json<CategoryLine>, ApiError> {
    Ok(Json(save(&state, &caller, lang, &input).await?))
}

// ------------------------------------------------------------------------------ the page

#[derive(Template, WebTemplate)]
#[template(path = "requests/request_categories.html")]
pub struct CategoriesPage {
    tr: Tr,
    layout: Layout,
    lang: Lang,
    categories: Vec<CategoryLine>,
    editable: bool,
    /// The form's values: the category being edited, or what was sent with its problems.
    form: FormValues,
    problems: Vec<(String, String)>,
}

#[derive(Default)]
pub struct FormValues {
    code: String,
    name_zh: String,
    name_en: String,
    accept_days: String,
    reply_days: String,
    remind_days_before: String,
    department: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    code: Option<String>,
}

async fn page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    form: Option<FormValues>,
    editing: Option<&str>,
    problems: Vec<(String, String)>,
) -> Result<CategoriesPage, PageError> {
    let tr = Tr::new(lang);
    let categories = list(state, lang).await.map_err(|e| PageError::from_api(lang, e))?;
    let form = form.unwrap_or_else(|| {
        categories.iter().find(|l| Some(l.category.code.as_str()) == editing).map_or_else(
            || FormValues {
                accept_days: "1".into(),
                reply_days: "5".into(),
                remind_days_before: "1".into(),
                ..FormValues::default()
            },
            |l| FormValues {
                code: l.category.code.clone(),
                name_zh: l.category.name_zh.clone(),
                name_en: l.category.name_en.clone(),
                accept_days: l.category.limits.accept_days.to_string(),
                reply_days: l.category.limits.reply_days.to_string(),
                remind_days_before: l.category.limits.remind_days_before.to_string(),
                department: l.department.clone().unwrap_or_default(),
            },
        )
    });
    Ok(CategoriesPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "requests", caller),
        lang,
        categories,
        editable: edits_categories(caller),
        form,
        problems,
    })
}

/// `GET /requests/categories?code=`: the categories, and the form (with `code`'s values).
async fn view_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<EditQuery>,
) -> Result<CategoriesPage, PageError> {
    page(&state, &caller, lang, &uri, None, query.code.as_deref(), Vec::new()).await
}

async fn view_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    let value = |name: &str| fields.get(name).unwrap_or_default().to_owned();
    let form = FormValues {
        code: value("code"),
        name_zh: value("name_zh"),
        name_en: value("name_en"),
        accept_days: value("accept_days"),
        reply_days: value("reply_days"),
        remind_days_before: value("remind_days_before"),
        department: value("department"),
    };
    let number = |text: &str| Some(serde_json::Value::String(text.to_owned()));
    let input = CategoryInput {
        code: Some(form.code.clone()),
        name_zh: Some(form.name_zh.clone()),
        name_en: Some(form.name_en.clone()),
        accept_days: number(&form.accept_days),
        reply_days: number(&form.reply_days),
        remind_days_before: number(&form.remind_days_before),
        department: Some(form.department.clone()),
    };
    crate::kit::error::form_answer(
        lang,
        save(&state, &caller, lang, &input).await,
        |_| "/requests/categories".to_owned(),
        async |problems| page(&state, &caller, lang, &uri, Some(form), None, problems).await,
    )
    .await
}
