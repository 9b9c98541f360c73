//! `/metrics` in the Prometheus text format: requests by status class and their latencies,
//! imports and report saves, and how far the monitoring engine is behind the change log.
//! Answered only to configured addresses (loopback by default); anyone else gets 404.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 11] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's counters (one server process, one set; each instance is scraped on its own).
pub struct Metrics {
    by_class: [AtomicU64; 5],
    buckets: [AtomicU64; BUCKETS.len()],
    duration_micros: AtomicU64,
    pub imports: AtomicU64,
    pub reports_saved: AtomicU64,
}

pub static METRICS: Metrics = Metrics {
    by_class: [const { AtomicU64::new(0) }; 5],
    buckets: [const { AtomicU64::new(0) }; BUCKETS.len()],
    duration_micros: AtomicU64::new(0),
    imports: AtomicU64::new(0),
    reports_saved: AtomicU64::new(0),
};

impl Metrics {
    fn observe(&self, status: StatusCode, seconds: f64) {
        let class = usize::from(status.as_u16() / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.duration_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }
}

/// Counts every request and its time (the layer outermost but tracing).
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    METRICS.observe(response.status(), started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics`.
pub async fn view_metrics(State(state): State<AppState>, request: Request) -> Response {
    let (parts, _) = request.into_parts();
    let allowed = crate::kit::auth::client_ip(&parts, &state.config.trusted_proxies)
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .is_some_and(|ip| state.config.metrics_allow.contains(&ip));
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let load = |counter: &AtomicU64| counter.load(Ordering::Relaxed);
    let mut out = String::new();
    out.push_str("# HELP xinzhi_http_requests_total HTTP requests answered, by status class.\n");
    out.push_str("# TYPE xinzhi_http_requests_total counter\n");
    for (i, counter) in METRICS.by_class.iter().enumerate() {
        out.push_str(&format!("xinzhi_http_requests_total{{class=\"{}xx\"}} {}\n", i + 1, load(counter)));
    }
    out.push_str("# HELP xinzhi_http_request_duration_seconds Time to answer an HTTP request.\n");
    out.push_str("# TYPE xinzhi_http_request_duration_seconds histogram\n");
    for (bound, bucket) in BUCKETS.iter().zip(&METRICS.buckets) {
        out.push_str(&format!("xinzhi_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}\n", load(bucket)));
    }
    let count: u64 = METRICS.by_class.iter().map(load).sum();
    out.push_str(&format!("xinzhi_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"));
    out.push_str(&format!(
        "xinzhi_http_request_duration_seconds_sum {}\n",
        load(&METRICS.duration_micros) as f64 / 1e6
    ));
    out.push_str(&format!("xinzhi_http_request_duration_seconds_count {count}\n"));
    out.push_str("# HELP xinzhi_imports_total Spreadsheet imports of monthly reports run (previews included).\n");
    out.push_str("# TYPE xinzhi_imports_total counter\n");
    out.push_str(&format!("xinzhi_imports_total {}\n", load(&METRICS.imports)));
    out.push_str("# HELP xinzhi_reports_saved_total Monthly reports saved or submitted through forms and the API.\n");
    out.push_str("# TYPE xinzhi_reports_saved_total counter\n");
    out.push_str(&format!("xinzhi_reports_saved_total {}\n", load(&METRICS.reports_saved)));
    out.push_str("# HELP xinzhi_engine_lag_changes Change-log entries the monitoring engine has not applied yet (-1: not loaded).\n");
    out.push_str("# TYPE xinzhi_engine_lag_changes gauge\n");
    let lag = match state.engine.loaded() {
        Some(engine) => engine.lag().await.unwrap_or(-1),
        None => -1,
    };
    out.push_str(&format!("xinzhi_engine_lag_changes {lag}\n"));
    let mut response = out.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"));
    response
}
