//! The monitoring engine of this server (loaded once, kept live from the change log) and what
//! every area asks of it: the cockpit of a scope, a 1—N月 comparison, the latest month with
//! values, and its errors as pages and API answers.

use std::sync::Arc;

use xinzhi_analytics::alerts::AlertRules;
use xinzhi_analytics::cockpit::{self, Cockpit, CockpitRequest};
use xinzhi_analytics::{Attribution, Engine, EngineError, Names, Selection, Window};
use xinzhi_domain::{Lang, Month};
use xinzhi_store::{Scope, Store, StoreError};

use crate::AppState;
use crate::kit::caller::Caller;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::i18n::Tr;

/// The engine of this server, loaded on first use (`Application` starts loading it at once).
#[derive(Default)]
pub struct EngineSlot {
    cell: tokio::sync::OnceCell<Arc<Engine>>,
}

impl EngineSlot {
    /// The engine, if a request has loaded it already.
    pub fn loaded(&self) -> Option<Arc<Engine>> {
        self.cell.get().cloned()
    }

    pub async fn get(&self, store: &Store) -> Result<Arc<Engine>, EngineError> {
        self.cell
            .get_or_try_init(|| async {
                let until = xinzhi_app::clock::current_month();
                Engine::load(store.clone(), &xinzhi_analytics::COCKPIT_INDICATORS, until).await.map(Arc::new)
            })
            .await
            .cloned()
    }
}

/// The 1—N月 same-caliber comparison of an indicator over the above-scale firms of `scope`,
/// from the engine (the overview and the official-figures pages show it).
pub(crate) async fn year_to_date(
    state: &AppState,
    scope: &Scope,
    code: &str,
    month: Month,
) -> Result<xinzhi_domain::Comparison, EngineError> {
    let engine = state.engine.get(&state.store).await?;
    engine.ensure_indicator(code).await?;
    let cube = engine.read().await?;
    let series = cube.series_by_code(code).ok_or_else(|| EngineError::UnknownIndicator(code.to_owned()))?;
    let members = cube.members(&Selection::above_scale(scope), month);
    Ok(xinzhi_analytics::measures::total(&cube.figures(series, &members, month, Window::YearToDate)))
}

pub(crate) fn page_error(lang: Lang, error: EngineError) -> PageError {
    match error {
        EngineError::Store(e) => PageError::from_store(lang, e),
        EngineError::UnknownIndicator(code) => PageError::invalid(lang, unknown_indicator(lang, &code)),
    }
}

pub(crate) fn api_error(lang: Lang, error: EngineError) -> ApiError {
    match error {
        EngineError::Store(e) => ApiError::from_store(lang, e),
        EngineError::UnknownIndicator(code) => ApiError::Invalid(unknown_indicator(lang, &code)),
    }
}

pub(crate) fn unknown_indicator(lang: Lang, code: &str) -> FieldError {
    FieldError::new("indicator", "indicator.unknown", Tr::new(lang).f("monitor.unknown_indicator", &[("code", code)]))
}

/// The last month with reported values, else this month.
pub(crate) async fn latest_data_month(state: &AppState) -> Result<Month, StoreError> {
    Ok(state.store.value_months().await?.map_or_else(xinzhi_app::clock::current_month, |span| span.last))
}

/// The cockpit of the caller's scope for a month, its trend, breakdowns and rankings about
/// `lead` (briefings read their figures from it).
pub(crate) async fn cockpit_of(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    (month, attribution): (Month, Attribution),
    lead: &str,
) -> Result<(Cockpit, Arc<Names>), EngineError> {
    let engine = state.engine.get(&state.store).await?;
    engine.ensure_indicator(lead).await?;
    let targets = state.store.targets(month.year()).await?;
    let names = engine.names().await;
    let cube = engine.read().await?;
    let request = CockpitRequest {
        scope: caller.scope(),
        month,
        attribution,
        lang,
        rules: AlertRules::default(),
        targets: &targets,
        lead,
    };
    let view = cockpit::cockpit(&cube, &names, &request)?;
    Ok((view, names))
}
