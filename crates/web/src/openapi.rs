//! The JSON API described as OpenAPI 3.1 at `/api/v1/openapi.json`, and as a readable page at
//! `/api/v1/docs`, built from the route table that `build.rs` reads out of the routers and the
//! handlers' doc comments, so a route cannot be served without being documented.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Map, Value, json};

use crate::AppState;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

/// One route of the API.
#[derive(Debug, Clone, Copy)]
pub struct ApiRoute {
    pub method: &'static str,
    /// Under `/api/v1`, with `{parameters}`.
    pub path: &'static str,
    pub handler: &'static str,
    /// The handler's doc comment.
    pub summary: &'static str,
    /// The source module, used as the tag.
    pub area: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/api_routes.rs"));

pub fn api_router() -> Router<AppState> {
    Router::new().route("/openapi.json", get(view_openapi)).route("/docs", get(view_docs))
}

/// The OpenAPI 3.1 document of every `/api/v1` route.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in API_ROUTES {
        let parameters: Vec<Value> = route
            .path
            .split('/')
            .filter_map(|part| part.strip_prefix('{').and_then(|p| p.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut responses = json!({
            "200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}},
            "401": {"$ref": "#/components/responses/Unauthorized"},
            "404": {"$ref": "#/components/responses/NotFound"},
            "422": {"$ref": "#/components/responses/Invalid"},
        });
        if route.method != "get" {
            responses["409"] = json!({"$ref": "#/components/responses/Conflict"});
        }
        let mut operation = json!({
            "operationId": format!("{}_{}", route.area, route.handler),
            "summary": if route.summary.is_empty() { route.handler } else { route.summary },
            "tags": [route.area],
            "responses": responses,
        });
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        if route.method != "get" {
            operation["requestBody"] = json!({
                "required": false,
                "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
                },
            });
        }
        let entry = paths.entry(format!("/api/v1{}", route.path)).or_insert_with(|| json!({}));
        entry[route.method] = operation;
    }
    let error = json!({
        "type": "object",
        "required": ["error"],
        "properties": {"error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "field": {"type": "string"},
                "message": {"type": "string", "description": "In the caller's language (Accept-Language, ?lang=, or the language cookie)"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }},
    });
    let response = |description: &str| json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}});
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Xinzhi API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The JSON API of Xinzhi (新质). Authenticate with a personal access token (Authorization: Bearer xz_…) or a session cookie; outside the caller's data scope an object does not exist (404).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "xz_session"},
            },
            "schemas": {"Error": error},
            "responses": {
                "Unauthorized": response("Not signed in, or the token is unknown, revoked or expired"),
                "NotFound": response("No such object, or outside the caller's data scope"),
                "Invalid": response("The input breaks a rule; the field and the rule are named"),
                "Conflict": response("The object's state does not allow this"),
            },
        },
        "paths": paths,
    })
}

/// `GET /api/v1/openapi.json`: this document.
async fn view_openapi() -> Response {
    Json(document()).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "openapi/api_docs.html")]
pub struct DocsPage {
    tr: Tr,
    layout: Layout,
    routes: Vec<ApiRoute>,
}

/// `GET /api/v1/docs`: the routes as a page, for people.
async fn view_docs(State(state): State<AppState>, Language(lang): Language) -> Response {
    let tr = Tr::new(lang);
    let mut routes = API_ROUTES.to_vec();
    routes.sort_by_key(|r| (r.area, r.path, r.method));
    DocsPage { tr, layout: Layout::public(&state, tr), routes }.into_response()
}
