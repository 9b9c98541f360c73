//! Errors of HTTP handlers. JSON endpoints answer with [`ApiError`], pages with [`PageError`];
//! both keep internal causes in the log and out of the response.

use askama::Template;
use axum::Json;
use axum::extract::FromRequest;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use xinzhi_domain::Lang;
use xinzhi_store::StoreError;

use crate::kit::i18n::Tr;

/// A rejected input, named by field (the operations of `xinzhi_app` answer them too).
pub use xinzhi_app::FieldError;

/// What a JSON endpoint answers when it cannot do what was asked.
#[derive(Debug)]
pub enum ApiError {
    /// 422: the input breaks a rule; the body names the field and the rule.
    Invalid(FieldError),
    /// 422 with every problem found, each naming its field (a report with several errors).
    Problems { code: &'static str, message: String, details: Vec<FieldError> },
    /// 422: an uploaded file that cannot be read as a whole (`field` is `file`).
    File { code: String, message: String },
    /// 409: the object is in a state that does not allow this (e.g. an approved report).
    Conflict { message: String },
    /// 404: no such object (or not visible to the caller, which must look the same).
    NotFound(Lang),
    /// 500: a failure on our side, logged with its cause.
    Internal(Lang, StoreError),
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    message: &'a str,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    details: &'a [FieldError],
}

impl ApiError {
    /// 422 naming `field` and the rule.
    pub fn invalid(field: &str, code: &'static str, message: String) -> ApiError {
        ApiError::Invalid(FieldError::new(field, code, message))
    }

    /// 422 for an input refused for `problems` (at least one): the problem itself when there is
    /// one, else all of them under the catalogue's `summary` ("{n} 处填写有误…").
    pub fn refused(lang: Lang, summary: &str, mut problems: Vec<FieldError>) -> ApiError {
        if problems.len() == 1 {
            return ApiError::Invalid(problems.remove(0));
        }
        ApiError::Problems {
            code: "validation",
            message: Tr::new(lang).f(summary, &[("n", &problems.len().to_string())]),
            details: problems,
        }
    }

    pub fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Invalid(_) | ApiError::Problems { .. } | ApiError::File { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Internal(..) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Maps an operation's error: a permission the caller lacks is 404, as for what does not
    /// exist; storage errors as [`ApiError::from_store`].
    pub fn from_app(lang: Lang, error: xinzhi_app::AppError) -> ApiError {
        match error {
            xinzhi_app::AppError::Denied(_) => ApiError::NotFound(lang),
            xinzhi_app::AppError::Store(e) => ApiError::from_store(lang, e),
        }
    }

    /// Maps a storage error: missing rows become 404, the rest 500.
    pub fn from_store(lang: Lang, error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound => ApiError::NotFound(lang),
            StoreError::FourEyes => ApiError::Conflict { message: Tr::new(lang).t("report.four_eyes").to_owned() },
            other => ApiError::Internal(lang, other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let none: &[FieldError] = &[];
        let details = match &self {
            ApiError::Problems { details, .. } => details.as_slice(),
            _ => none,
        };
        let (code, field, message) = match &self {
            ApiError::Invalid(e) => (e.code, Some(e.field.as_str()), e.message.clone()),
            ApiError::File { code, message } => (code.as_str(), Some("file"), message.clone()),
            ApiError::Problems { code, message, .. } => (*code, None, message.clone()),
            ApiError::Conflict { message } => ("conflict", None, message.clone()),
            ApiError::NotFound(lang) => ("not_found", None, Tr::new(*lang).t("error.not_found.message").to_owned()),
            ApiError::Internal(lang, cause) => {
                tracing::error!(error.message = %cause, error.cause_chain = ?cause, "request failed");
                ("internal", None, Tr::new(*lang).t("error.internal.message").to_owned())
            }
        };
        (status, Json(ErrorBody { error: ErrorDetail { code, field, message: &message, details } })).into_response()
    }
}

/// What a page answers when it cannot show what was asked: the error inside the layout.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub lang: Lang,
    pub title_key: &'static str,
    pub message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    tr: Tr,
    layout: crate::kit::layout::Layout,
    title: &'a str,
    message: &'a str,
}

impl ApiError {
    /// The problems a refused form shows beside its fields (field, message); errors that are
    /// not about the input are handed back.
    pub fn into_problems(self) -> Result<Vec<(String, String)>, ApiError> {
        match self {
            ApiError::Invalid(f) => Ok(vec![(f.field, f.message)]),
            ApiError::Problems { details, .. } => Ok(details.into_iter().map(|f| (f.field, f.message)).collect()),
            ApiError::Conflict { message } => Ok(vec![(String::new(), message)]),
            other => Err(other),
        }
    }
}

impl PageError {
    pub fn not_found(lang: Lang) -> PageError {
        let tr = Tr::new(lang);
        PageError {
            status: StatusCode::NOT_FOUND,
            lang,
            title_key: "error.not_found.title",
            message: tr.t("error.not_found.message").into(),
        }
    }

    /// 500 for a failure outside storage (hashing, rendering), logged here.
    pub fn internal(lang: Lang, cause: &dyn std::fmt::Display) -> PageError {
        tracing::error!(error.message = %cause, "page failed");
        PageError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            lang,
            title_key: "error.internal.title",
            message: Tr::new(lang).t("error.internal.message").into(),
        }
    }

    pub fn invalid(lang: Lang, error: FieldError) -> PageError {
        PageError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            lang,
            title_key: "error.invalid.title",
            message: error.message,
        }
    }

    /// A page's view of an API answer: invalid input and conflicts keep their message (422,
    /// 409); anything else not found or internal.
    pub fn from_api(lang: Lang, error: ApiError) -> PageError {
        match error {
            ApiError::Invalid(f) => PageError::invalid(lang, f),
            ApiError::Problems { message, .. } | ApiError::File { message, .. } => {
                PageError { status: StatusCode::UNPROCESSABLE_ENTITY, lang, title_key: "error.invalid.title", message }
            }
            ApiError::Conflict { message } => {
                PageError { status: StatusCode::CONFLICT, lang, title_key: "error.conflict.title", message }
            }
            ApiError::Internal(_, e) => PageError::from_store(lang, e),
            ApiError::NotFound(_) => PageError::not_found(lang),
        }
    }

    /// As [`ApiError::from_app`].
    pub fn from_app(lang: Lang, error: xinzhi_app::AppError) -> PageError {
        match error {
            xinzhi_app::AppError::Denied(_) => PageError::not_found(lang),
            xinzhi_app::AppError::Store(e) => PageError::from_store(lang, e),
        }
    }

    pub fn from_store(lang: Lang, error: StoreError) -> PageError {
        match error {
            StoreError::NotFound => PageError::not_found(lang),
            StoreError::FourEyes => PageError {
                status: StatusCode::CONFLICT,
                lang,
                title_key: "error.conflict.title",
                message: Tr::new(lang).t("report.four_eyes").into(),
            },
            other => {
                tracing::error!(error.message = %other, error.cause_chain = ?other, "page failed");
                PageError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    title_key: "error.internal.title",
                    message: Tr::new(lang).t("error.internal.message").into(),
                }
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let tr = Tr::new(self.lang);
        let page = ErrorPage {
            tr,
            layout: crate::kit::layout::Layout::plain(tr),
            title: tr.t(self.title_key),
            message: &self.message,
        };
        match page.render() {
            Ok(html) => (self.status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error.message = %e, "error page failed to render");
                (self.status, self.message).into_response()
            }
        }
    }
}

/// What a page's form answers: the page `to` names when the work was done; the form's page
/// again with the input's problems (422) when the input was refused; the error page for
/// anything else (not found, a failure of the store).
pub(crate) async fn form_answer<T, P: IntoResponse>(
    lang: Lang,
    done: Result<T, ApiError>,
    to: impl FnOnce(T) -> String,
    page: impl AsyncFnOnce(Vec<(String, String)>) -> Result<P, PageError>,
) -> Result<Response, PageError> {
    match done {
        Ok(value) => Ok(axum::response::Redirect::to(&to(value)).into_response()),
        Err(e) => {
            let problems = e.into_problems().map_err(|e| PageError::from_api(lang, e))?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page(problems).await?).into_response())
        }
    }
}

/// A JSON request body for the API. A body that is not JSON, or not of the shape the endpoint
/// takes, is the documented 422 naming the `body` and the place in it, in the caller's
/// language (axum's own rejection is a plain-text 400 or 415 in English).
pub struct JsonBody<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let crate::kit::language::Language(lang) =
            match <crate::kit::language::Language as axum::extract::FromRequestParts<S>>::from_request_parts(
                &mut parts, state,
            )
            .await
            {
                Ok(language) => language,
                Err(never) => match never {},
            };
        let is_json = parts
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim().to_ascii_lowercase();
                mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
            });
        if !is_json {
            let message = lang.pick(
                "请求体应为JSON，并带有 Content-Type: application/json",
                "The body must be JSON, sent with Content-Type: application/json",
            );
            return Err(
                ApiError::Invalid(FieldError::new("body", "body.content_type", message.to_owned())).into_response()
            );
        }
        let request = axum::extract::Request::from_parts(parts, body);
        let bytes = axum::body::Bytes::from_request(request, state).await.map_err(IntoResponse::into_response)?;
        serde_json::from_slice(&bytes).map(JsonBody).map_err(|e| {
            let (line, column) = (e.line(), e.column());
            let (code, message) = match (e.classify(), lang) {
                (serde_json::error::Category::Data, Lang::ZhCn) => {
                    ("body.shape", format!("请求体的内容不符合接口要求（第{line}行第{column}列：{e}）"))
                }
                (serde_json::error::Category::Data, Lang::En) => {
                    ("body.shape", format!("The body does not fit this endpoint (line {line}, column {column}: {e})"))
                }
                (_, Lang::ZhCn) => ("body.json", format!("请求体不是有效的JSON（第{line}行第{column}列）")),
                (_, Lang::En) => ("body.json", format!("The body is not valid JSON (line {line}, column {column})")),
            };
            ApiError::Invalid(FieldError::new("body", code, message)).into_response()
        })
    }
}
