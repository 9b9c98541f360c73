//! Xinzhi's HTTP server: server-rendered pages in Chinese (English on request) and the JSON API
//! under `/api/v1/`, over one [`Store`].
//!
//! [`Application::build`] binds first, so a caller (the CLI, a test) knows the port before the
//! server runs; [`Application::run_until_stopped`] serves until the shutdown future completes,
//! then lets in-flight requests finish.

mod account;
mod admin;
mod attachments;
mod benchmark;
mod briefings;
mod cultivation;
pub mod inbox;
mod kit;
mod monitor;
mod openapi;
mod policies;
mod projects;
mod registry;
mod reports;
mod requests;
mod tasks;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use xinzhi_store::Store;

pub use kit::auth;
pub use kit::i18n::format_number;
use kit::{error, language, metrics};

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Longest a request may take before it is answered with 408.
    pub request_timeout: Duration,
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, used or not.
    pub session_absolute: Duration,
    /// Served over TLS, directly or behind a proxy that terminates it: cookies are `Secure` and
    /// every answer carries HSTS. A setting, never inferred from a client's `X-Forwarded-Proto`.
    pub https: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (sign-in throttling and the
    /// audit log see the client's address, not the proxy's).
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The security policy (password age; roles that must enrol a second factor before they
    /// reach anything else) until the security administrator sets one on `/admin/security`.
    pub security_policy: xinzhi_domain::SecurityPolicy,
    /// Addresses that may read `/metrics` (loopback unless configured).
    pub metrics_allow: Vec<std::net::IpAddr>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            request_timeout: Duration::from_secs(30),
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            https: false,
            trusted_proxies: Vec::new(),
            security_policy: xinzhi_domain::SecurityPolicy { password_max_age_days: 90, two_factor_roles: Vec::new() },
            metrics_allow: vec![std::net::Ipv4Addr::LOCALHOST.into(), std::net::Ipv6Addr::LOCALHOST.into()],
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    /// The city's name in both languages, read once at start.
    pub city: Arc<(String, String)>,
    /// The monitoring engine, loaded once per server.
    pub engine: Arc<kit::engine::EngineSlot>,
    /// The security policy in force, re-read every few seconds.
    pub policy: Arc<auth::PolicySlot>,
}

/// The router with every page, API endpoint and middleware.
pub fn router(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    Router::new()
        .merge(registry::router())
        .merge(account::router())
        .merge(account::two_factor::router())
        .merge(admin::router())
        .merge(reports::report_pages::router())
        .merge(reports::upload::router())
        .merge(reports::completion::router())
        .merge(reports::settings::router())
        .merge(reports::official::router())
        .merge(monitor::router())
        .merge(cultivation::router())
        .merge(cultivation::evaluation::router())
        .merge(cultivation::commendations::router())
        .merge(policies::router())
        .merge(cultivation::programmes::router())
        .merge(projects::router())
        .merge(projects::project_import::router())
        .merge(requests::router())
        .merge(requests::request_categories::router())
        .merge(tasks::router())
        .merge(inbox::router())
        .merge(attachments::router())
        .merge(benchmark::router())
        .merge(briefings::router())
        .merge(cultivation::promotion::router())
        .merge(cultivation::profiles::router())
        .nest(
            "/api/v1",
            registry::api::router()
                .merge(openapi::api_router())
                .merge(reports::router())
                .merge(reports::upload::api_router())
                .merge(reports::completion::api_router())
                .merge(monitor::api_router())
                .merge(cultivation::api_router())
                .merge(cultivation::evaluation::api_router())
                .merge(cultivation::commendations::api_router())
                .merge(policies::api_router())
                .merge(cultivation::programmes::api_router())
                .merge(projects::api_router())
                .merge(projects::project_import::api_router())
                .merge(requests::api_router())
                .merge(requests::request_categories::api_router())
                .merge(tasks::api_router())
                .merge(inbox::api_router())
                .merge(attachments::api_router())
                .merge(benchmark::api_router())
                .merge(briefings::api_router())
                .merge(cultivation::promotion::api_router())
                .merge(cultivation::profiles::api_router()),
        )
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::view_metrics))
        .route("/static/app.css", get(stylesheet))
        .route("/lang/{tag}", get(language::view_switch_language_get))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::audit_reads))
        .layer(middleware::from_fn_with_state(state.clone(), auth::csrf_guard))
        .layer(middleware::from_fn_with_state(state.clone(), security_headers))
        .with_state(state)
        .layer(CompressionLayer::new())
        // Bodies are read through extractors, which honour this; upload routes raise it.
        .layer(DefaultBodyLimit::max(2 * 1024 * 1024))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(CatchPanicLayer::new())
        .layer(middleware::from_fn(metrics::record))
        .layer(TraceLayer::new_for_http())
}

async fn healthz(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../static/app.css"),
    )
        .into_response()
}

async fn not_found(request: Request) -> Response {
    let lang = {
        let (mut parts, _) = request.into_parts();
        let language::Language(lang) =
            match <language::Language as axum::extract::FromRequestParts<()>>::from_request_parts(&mut parts, &()).await
            {
                Ok(l) => l,
                Err(never) => match never {},
            };
        if parts.uri.path().starts_with("/api/") {
            return error::ApiError::NotFound(lang).into_response();
        }
        lang
    };
    error::PageError::not_found(lang).into_response()
}

/// Headers that keep pages from being framed, sniffed or fed third-party scripts, keep what a
/// signed-in user saw out of every cache (pages, exports and API answers alike: only the
/// stylesheet says otherwise), and, over TLS, keep browsers on https.
async fn security_headers(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.config.https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
        ),
    );
    response
}

/// A bound server, ready to run.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

/// How often expired and idle sessions are removed from the database.
const SESSION_PURGE_INTERVAL: Duration = Duration::from_secs(10 * 60);

/// Removes dead sessions every few minutes until `stop` fires. Idempotent across servers
/// sharing a database, so every instance may run it.
async fn purge_sessions(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(SESSION_PURGE_INTERVAL);
    loop {
        tokio::select! {
            _ = ticker.tick() => {
                let idle = state.config.session_idle.as_secs() as i64;
                match state.store.purge_sessions(auth::now(), idle).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(task = "session-purge", removed = n, "expired sessions removed"),
                    Err(e) => tracing::warn!(task = "session-purge", error.message = %e, "session purge failed"),
                }
                // Addresses quiet for a day are forgotten, so a spray from many cannot grow the table.
                if let Err(e) = state.store.purge_sign_in_throttle(auth::now(), 24 * 3600).await {
                    tracing::warn!(task = "session-purge", error.message = %e, "sign-in throttle purge failed");
                }
                // Reminders and escalations reach the inboxes even when nobody opens a page.
                if let Err(e) = kit::notices::sweep(&state, xinzhi_domain::Lang::ZhCn).await {
                    tracing::warn!(task = "inbox-sweep", error.message = ?e, "inbox sweep failed");
                }
            }
            _ = stop.changed() => break,
        }
    }
}

impl Application {
    /// Binds `address` (port 0 picks a free port) and prepares the router.
    pub async fn build(store: Store, config: WebConfig, address: SocketAddr) -> std::io::Result<Application> {
        let listener = TcpListener::bind(address).await?;
        let city = (
            store.setting("city_name_zh").await.ok().flatten().unwrap_or_else(|| "新质".into()),
            store.setting("city_name_en").await.ok().flatten().unwrap_or_else(|| "Xinzhi".into()),
        );
        let state = AppState {
            store,
            config: Arc::new(config),
            city: Arc::new(city),
            engine: Arc::new(kit::engine::EngineSlot::default()),
            policy: Arc::new(auth::PolicySlot::default()),
        };
        Ok(Application { listener, router: router(state.clone()), state })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn port(&self) -> u16 {
        self.local_addr().map_or(0, |a| a.port())
    }

    /// Serves until `shutdown` completes, then drains in-flight requests and stops the
    /// background tasks.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let purge = tokio::spawn(purge_sessions(self.state.clone(), stopped));
        // The monitoring engine loads while the server already answers; the first cockpit
        // request waits for it if it comes sooner.
        let warm = self.state.clone();
        let engine = tokio::spawn(async move {
            if let Err(e) = warm.engine.get(&warm.store).await {
                tracing::warn!(task = "analytics", error.message = %e, "the monitoring engine did not load; it is tried again at the next request");
            }
        });
        let served = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop.send(true);
        let _ = purge.await;
        engine.abort();
        served
    }
}

/// Completes on ctrl-c or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error.message = %e, "cannot listen for ctrl-c");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error.message = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
