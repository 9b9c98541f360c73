//! Operations monitoring (运行监测): the cockpit (`/monitor`), the firms behind any of its
//! figures (`/monitor/firms`), the year's targets (`/monitor/targets`), and the same as JSON
//! under `/api/v1/monitor/…`. The figures come from the in-memory engine
//! (`xinzhi-analytics`), which catches up with the change log before every request.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use xinzhi_analytics::alerts::AlertRules;
use xinzhi_analytics::cockpit::{
    self, AlertList, Breakdown, COUNT_METRICS, Cockpit, CockpitRequest, Figure, FirmContribution, FirmLine, TargetRow,
};
use xinzhi_analytics::forecast::Forecast;
use xinzhi_analytics::{Attribution, Dimension, EngineError, Names, Selection, Unit, Window};
use xinzhi_domain::forecast::Outlook;
use xinzhi_domain::targets::{Light, LightRule, TargetKind, describe_time_gap};
use xinzhi_domain::{Lang, Month, Permission};
use xinzhi_store::monitoring::{NewTarget, Target, TargetUnit};
use xinzhi_store::{ReportStatus, Scope};

use crate::AppState;
use crate::kit::auth::{Caller, audit_denial};
use crate::kit::charts::{self, BarChart, BarItem, ColumnChart, LineChart};
use crate::kit::engine::{api_error, cockpit_of, latest_data_month, page_error, unknown_indicator};
use crate::kit::error::JsonBody;
use crate::kit::error::{ApiError, FieldError, PageError};
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;
use crate::kit::language::Language;
use crate::kit::layout::Layout;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/monitor", get(view_cockpit_get))
        .route("/monitor/firms", get(view_firms_get))
        .route("/monitor/targets", get(view_targets_get).post(view_targets_post))
}

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/monitor/cockpit", get(api_cockpit))
        .route("/monitor/firms", get(api_firms))
        .route("/monitor/targets", get(api_targets).post(api_save_target))
        .route("/monitor/targets/{id}/delete", post(api_delete_target))
}

/// The query of a cockpit: month (default: the last with values) and attribution.
#[derive(Debug, Default, Deserialize)]
pub struct CockpitQuery {
    pub month: Option<String>,
    /// `at_month` (default) or `current`.
    pub attribution: Option<String>,
}

/// What every monitoring request settles first.
struct Asked {
    month: Month,
    attribution: Attribution,
}

async fn settle(
    state: &AppState,
    lang: Lang,
    month: Option<&str>,
    attribution: Option<&str>,
) -> Result<Asked, FieldError> {
    let attribution = match attribution.map(str::trim).filter(|a| !a.is_empty()) {
        None | Some("at_month") => Attribution::AtMonth,
        Some("current") => Attribution::Current,
        Some(other) => {
            return Err(FieldError::new(
                "attribution",
                "unknown_value",
                Tr::new(lang).f("monitor.attribution_unknown", &[("value", other)]),
            ));
        }
    };
    let month = match crate::kit::query::parse_optional_month(lang, month)? {
        Some(m) => m,
        None => latest_data_month(state).await.unwrap_or_else(|_| xinzhi_app::clock::current_month()),
    };
    Ok(Asked { month, attribution })
}

async fn computed(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    asked: &Asked,
) -> Result<(Cockpit, Arc<Names>), EngineError> {
    cockpit_of(state, caller, lang, (asked.month, asked.attribution), "gross_output").await
}

// ------------------------------------------------------------------------- formatting

impl Tr {
    /// "增长4.1%" / "下降2.3%" / "持平", as bureaus write a growth rate; "—" without a base.
    pub fn growth(&self, percent: Option<f64>) -> String {
        match percent.map(|p| (p * 10.0).round() / 10.0) {
            None => "—".into(),
            Some(p) if p > 0.0 => self.f("growth.up", &[("value", &crate::format_number(p, 1))]),
            Some(p) if p < 0.0 => self.f("growth.down", &[("value", &crate::format_number(-p, 1))]),
            Some(_) => self.t("growth.flat").into(),
        }
    }

    /// A signed percent with one decimal, "—" when absent.
    pub fn share(&self, percent: Option<f64>) -> String {
        percent.map_or_else(|| "—".into(), |p| format!("{}%", crate::format_number(p, 1)))
    }

    /// Percentage points with one decimal.
    pub fn points(&self, pp: Option<f64>) -> String {
        pp.map_or_else(|| "—".into(), |p| self.f("unit.pp", &[("value", &crate::format_number(p, 1))]))
    }

    /// An amount in an indicator's unit: 万元 amounts in 亿元 from 1 亿 up.
    pub fn amount(&self, value: f64, unit_zh: &str, unit: &str, decimals: u8) -> String {
        if unit_zh == "万元" {
            self.amount_wan(value)
        } else {
            format!("{} {unit}", crate::format_number(value, decimals))
        }
    }
}

fn growth_class(percent: Option<f64>) -> &'static str {
    match percent {
        Some(p) if p >= 0.05 => "up",
        Some(p) if p <= -0.05 => "down",
        _ => "",
    }
}

fn firms_href(indicator: &str, window: Window, unit: &str, month: Month, attribution: Attribution) -> String {
    let window = match window {
        Window::Month => "month",
        Window::YearToDate => "ytd",
    };
    let attribution = match attribution {
        Attribution::AtMonth => "at_month",
        Attribution::Current => "current",
    };
    format!("/monitor/firms?indicator={indicator}&window={window}&unit={unit}&month={month}&attribution={attribution}")
}

/// The name of the caller's scope: the city, a district or a park.
fn scope_name(state: &AppState, names: &Names, scope: &Scope, lang: Lang) -> String {
    match scope {
        Scope::District(id) => names.of(Unit::District(id.0), lang).1,
        Scope::Park(id) => names.of(Unit::Park(id.0), lang).1,
        _ => Tr::new(lang).pick(&state.city.0, &state.city.1).to_owned(),
    }
}

// ------------------------------------------------------------------------- the cockpit page

pub struct HeadlineCard {
    pub code: String,
    pub name: String,
    pub ytd: String,
    pub ytd_growth: String,
    pub ytd_class: &'static str,
    pub month_value: String,
    pub month_growth: String,
    pub nominal: String,
    pub two_year: String,
    pub ytd_href: String,
    pub month_href: String,
}

pub struct CountCard {
    pub id: &'static str,
    pub label: &'static str,
    pub value: String,
    pub note: String,
    pub href: Option<String>,
}

pub struct PartLine {
    pub name: String,
    pub href: String,
    pub firms: usize,
    pub current: String,
    pub growth: String,
    pub class: &'static str,
    pub contribution: String,
    pub pull: String,
    pub rank: usize,
}

pub struct BreakdownView {
    pub id: &'static str,
    pub title: &'static str,
    pub overlapping: bool,
    pub total: String,
    pub total_growth: String,
    pub rows: Vec<PartLine>,
    pub chart: Option<BarChart>,
}

pub struct TargetLine {
    pub unit: String,
    pub metric: String,
    pub kind: &'static str,
    pub target: String,
    pub actual: String,
    pub progress: String,
    pub gap: String,
    pub light: &'static str,
    pub light_label: &'static str,
    pub rank: String,
    /// The year-end forecast with its range, and the outlook.
    pub forecast: String,
    pub outlook: &'static str,
    pub outlook_label: &'static str,
}

pub struct FirmLink {
    pub name: String,
    pub href: String,
    pub value: String,
    pub other: String,
}

pub struct AlertView {
    pub id: &'static str,
    pub title: String,
    pub count: usize,
    pub note: String,
    pub value_label: &'static str,
    pub other_label: &'static str,
    pub firms: Vec<FirmLink>,
}

#[derive(Template, WebTemplate)]
#[template(path = "monitor/monitor.html")]
pub struct CockpitPage {
    tr: Tr,
    layout: Layout,
    month: String,
    period_label: String,
    scope_label: String,
    current_attribution: bool,
    lead: String,
    headline: Vec<HeadlineCard>,
    counts: Vec<CountCard>,
    trend: LineChart,
    monthly: ColumnChart,
    breakdowns: Vec<BreakdownView>,
    targets: Vec<TargetLine>,
    can_set_targets: bool,
    alerts: Vec<AlertView>,
    electricity_summary: String,
    electricity_chart: Option<BarChart>,
    computed_ms: String,
}

impl AlertView {
    /// An alert's panel: its firms with two figures each (`cells`), under `labels`.
    fn new(
        (id, title, note): (&'static str, String, String),
        list: &AlertList,
        labels: (&'static str, &'static str),
        cells: impl Fn(&FirmLine) -> (String, String),
    ) -> AlertView {
        let firms = list
            .firms
            .iter()
            .map(|f| {
                let (value, other) = cells(f);
                FirmLink { name: f.name.clone(), href: format!("/enterprises/{}", f.credit_code), value, other }
            })
            .collect();
        AlertView { id, title, count: list.count, note, value_label: labels.0, other_label: labels.1, firms }
    }
}

fn breakdown_view(
    tr: Tr,
    names: &Names,
    b: &Breakdown,
    lead: &cockpit::IndicatorRef,
    month: Month,
    attribution: Attribution,
    unit_zh: &str,
) -> BreakdownView {
    let (id, title) = match b.dimension {
        Dimension::District => ("by-district", tr.t("monitor.by_district")),
        Dimension::Park => ("by-park", tr.t("monitor.by_park")),
        Dimension::Cluster => ("by-cluster", tr.t("monitor.by_cluster")),
        Dimension::Chain => ("by-chain", tr.t("monitor.by_chain")),
        Dimension::Division => ("by-division", tr.t("monitor.by_division")),
        Dimension::Tier => ("by-tier", tr.t("monitor.by_tier")),
    };
    let amount = |v: f64| tr.amount(v, unit_zh, &lead.unit, lead.decimals);
    let rows: Vec<PartLine> = b
        .parts
        .iter()
        .map(|p| PartLine {
            name: p.name.clone(),
            href: firms_href(&lead.code, Window::YearToDate, &names.unit_code(p.unit), month, attribution),
            firms: p.firms,
            current: amount(p.figure.current),
            growth: tr.growth(p.figure.growth_pct),
            class: growth_class(p.figure.growth_pct),
            contribution: tr.share(p.contribution_pct),
            pull: tr.points(p.pull_pp),
            rank: p.rank,
        })
        .collect();
    let chart = matches!(b.dimension, Dimension::District | Dimension::Park).then(|| {
        let mut parts: Vec<_> = b.parts.iter().collect();
        parts.sort_by(|a, b| {
            b.figure.growth_pct.unwrap_or(f64::MIN).total_cmp(&a.figure.growth_pct.unwrap_or(f64::MIN))
        });
        let items = parts
            .into_iter()
            .map(|p| BarItem {
                label: p.name.clone(),
                value: p.figure.growth_pct,
                shown: tr.share(p.figure.growth_pct),
                title: format!("{}：{}，{}", p.name, amount(p.figure.current), tr.growth(p.figure.growth_pct)),
                href: firms_href(&lead.code, Window::YearToDate, &names.unit_code(p.unit), month, attribution),
            })
            .collect();
        charts::bar_chart(items, 520.0, |t| format!("{}%", crate::format_number(t, 0)))
    });
    BreakdownView {
        id,
        title,
        overlapping: b.overlapping,
        total: amount(b.total.current),
        total_growth: tr.growth(b.total.growth_pct),
        rows,
        chart,
    }
}

fn target_line(tr: Tr, row: &TargetRow, forecast: Option<&Forecast>) -> TargetLine {
    let quantity = |v: f64| match row.kind {
        TargetKind::Count => crate::format_number(v, 0),
        _ => crate::format_number(v, 1),
    };
    let (target, actual, progress, gap) = match row.kind {
        TargetKind::Growth => (
            format!("{}%", crate::format_number(row.value, 1)),
            tr.growth(row.actual),
            "—".to_owned(),
            row.progress.map_or_else(
                || "—".into(),
                |p| tr.f("monitor.gap_growth", &[("value", &crate::format_number(p.gap_pp, 1))]),
            ),
        ),
        _ => (
            quantity(row.value),
            row.actual.map_or_else(|| "—".into(), quantity),
            row.progress.map_or_else(|| "—".into(), |p| format!("{}%", crate::format_number(p.actual * 100.0, 1))),
            row.progress.map_or_else(|| "—".into(), |p| describe_time_gap(p.gap_pp, tr.lang)),
        ),
    };
    TargetLine {
        unit: row.unit_name.clone(),
        metric: row.metric_name.clone(),
        kind: row.kind.label(tr.lang),
        target,
        actual,
        progress,
        gap,
        light: row.light.map_or("none", Light::as_str),
        light_label: row.light.map_or("—", |l| l.label(tr.lang)),
        rank: row.rank.map_or_else(|| "—".into(), |r| r.to_string()),
        forecast: forecast.and_then(|f| f.projection).map_or_else(
            || "—".into(),
            |p| {
                let show = |v: f64| match row.kind {
                    TargetKind::Growth => format!("{}%", crate::format_number(v, 1)),
                    _ => quantity(v),
                };
                format!("{}（{}—{}）", show(p.expected), show(p.low), show(p.high))
            },
        ),
        outlook: forecast.and_then(|f| f.outlook).map_or("none", |o| match o {
            Outlook::LikelyMet => "green",
            Outlook::AtRisk => "yellow",
            Outlook::Unlikely => "red",
        }),
        outlook_label: forecast.and_then(|f| f.outlook).map_or("—", |o| o.label(tr.lang)),
    }
}

async fn view_cockpit_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<CockpitQuery>,
) -> Result<Response, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "cockpit").await {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let asked = settle(&state, lang, query.month.as_deref(), query.attribution.as_deref())
        .await
        .map_err(|e| PageError::invalid(lang, e))?;
    let started = std::time::Instant::now();
    let (view, names) = computed(&state, &caller, lang, &asked).await.map_err(|e| page_error(lang, e))?;
    let computed_ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0);
    let month = asked.month;
    let attribution = asked.attribution;
    let lead = view.lead.clone();
    let lead_unit_zh = if lead.unit == "万元" || lead.unit == "10k CNY" { "万元" } else { "" };

    let headline = view
        .headline
        .iter()
        .map(|h| {
            let unit_zh = if h.indicator.unit == "万元" || h.indicator.unit == "10k CNY" { "万元" } else { "" };
            let amount = |v: f64| tr.amount(v, unit_zh, &h.indicator.unit, h.indicator.decimals);
            HeadlineCard {
                code: h.indicator.code.clone(),
                name: h.indicator.name.clone(),
                ytd: amount(h.year_to_date.current),
                ytd_growth: tr.growth(h.year_to_date.growth_pct),
                ytd_class: growth_class(h.year_to_date.growth_pct),
                month_value: amount(h.month.current),
                month_growth: tr.growth(h.month.growth_pct),
                nominal: tr.growth(h.nominal_growth_pct),
                two_year: tr.growth(h.two_year_average_pct),
                ytd_href: firms_href(&h.indicator.code, Window::YearToDate, "city", month, attribution),
                month_href: firms_href(&h.indicator.code, Window::Month, "city", month, attribution),
            }
        })
        .collect();

    let c = &view.counts;
    let mut counts = vec![
        CountCard {
            id: "count-above-scale",
            label: tr.t("monitor.count_above_scale"),
            value: crate::format_number(c.above_scale as f64, 0),
            note: String::new(),
            href: Some(firms_href(&lead.code, Window::YearToDate, "city", month, attribution)),
        },
        CountCard {
            id: "count-entered",
            label: tr.t("monitor.count_entered"),
            value: crate::format_number(c.entered as f64, 0),
            note: tr.f("monitor.count_exited", &[("n", &c.exited.to_string())]),
            href: Some(format!(
                "{}&set=entered",
                firms_href(&lead.code, Window::YearToDate, "city", month, attribution)
            )),
        },
        CountCard {
            id: "count-loss",
            label: tr.t("monitor.count_loss"),
            value: crate::format_number(c.loss_making as f64, 0),
            note: if c.above_scale > 0 {
                tr.f(
                    "monitor.loss_note",
                    &[
                        ("share", &crate::format_number(100.0 * c.loss_making as f64 / c.above_scale as f64, 1)),
                        ("amount", &tr.amount_wan(-c.loss)),
                    ],
                )
            } else {
                String::new()
            },
            href: Some(format!(
                "{}&set=loss_making",
                firms_href("total_profit", Window::YearToDate, "city", month, attribution)
            )),
        },
    ];
    for (tier, n) in &c.new_designations {
        if *n > 0 {
            counts.push(CountCard {
                id: "count-new-tier",
                label: tier.label(lang),
                value: crate::format_number(*n as f64, 0),
                note: tr.t("monitor.new_this_year").into(),
                href: None,
            });
        }
    }

    let month_label = |m: Month| tr.f("monitor.month_short", &[("m", &m.month().to_string())]);
    let trend = charts::line_chart(
        vec![
            charts::Series {
                name: tr.f("monitor.year", &[("y", &month.year().to_string())]),
                class: "this",
                values: view.trend.iter().map(|t| t.growth_pct).collect(),
                titles: view
                    .trend
                    .iter()
                    .map(|t| format!("1—{}：{}", month_label(t.month), tr.growth(t.growth_pct)))
                    .collect(),
                hrefs: view
                    .trend
                    .iter()
                    .map(|t| firms_href(&lead.code, Window::YearToDate, "city", t.month, attribution))
                    .collect(),
            },
            charts::Series {
                name: tr.f("monitor.year", &[("y", &(month.year() - 1).to_string())]),
                class: "last",
                values: view.trend.iter().map(|t| t.last_year_growth_pct).collect(),
                titles: view
                    .trend
                    .iter()
                    .map(|t| {
                        format!("{}：{}", t.month.same_month_last_year().label(lang), tr.growth(t.last_year_growth_pct))
                    })
                    .collect(),
                hrefs: view
                    .trend
                    .iter()
                    .map(|t| {
                        firms_href(&lead.code, Window::YearToDate, "city", t.month.same_month_last_year(), attribution)
                    })
                    .collect(),
            },
        ],
        view.trend.iter().map(|t| month_label(t.month)).collect(),
        560.0,
        |v| format!("{}%", crate::format_number(v, 1)),
    );
    let monthly = charts::column_chart(
        view.monthly
            .iter()
            .map(|p| {
                let amount = |v: f64| tr.amount(v, lead_unit_zh, &lead.unit, lead.decimals);
                charts::ColumnGroup {
                    href: firms_href(&lead.code, Window::Month, "city", p.month, attribution),
                    label: month_label(p.month),
                    values: vec![
                        (Some(p.figure.current), format!("{}：{}", p.month.label(lang), amount(p.figure.current))),
                        (
                            Some(p.figure.previous),
                            format!(
                                "{}：{}（{}）",
                                p.month.same_month_last_year().label(lang),
                                amount(p.figure.previous),
                                tr.t("monitor.same_firms")
                            ),
                        ),
                    ],
                }
            })
            .collect(),
        vec![
            ("this", tr.f("monitor.year", &[("y", &month.year().to_string())])),
            ("last", tr.f("monitor.year", &[("y", &(month.year() - 1).to_string())])),
        ],
        560.0,
        |v| {
            if lead_unit_zh == "万元" && v >= 10_000.0 {
                format!("{}{}", crate::format_number(v / 10_000.0, 0), tr.t("unit.yi"))
            } else {
                crate::format_number(v, 0)
            }
        },
    );

    let breakdowns = view
        .breakdowns
        .iter()
        .map(|b| breakdown_view(tr, &names, b, &lead, month, attribution, lead_unit_zh))
        .collect();
    let targets = view.targets.iter().map(|t| target_line(tr, t, None)).collect();

    let pct = |v: f64| format!("{}%", crate::format_number(v, 1));
    let pct_other = |f: &FirmLine| f.other.map_or_else(|| "—".into(), pct);
    let declines_note = view
        .declines
        .counts
        .iter()
        .map(|(t, n)| tr.f("monitor.decline_count", &[("t", &crate::format_number(*t, 0)), ("n", &n.to_string())]))
        .collect::<Vec<_>>()
        .join(tr.t("list.separator"));
    let declines =
        AlertList { count: view.declines.counts.first().map_or(0, |c| c.1), firms: view.declines.firms.clone() };
    let growth_cells = |f: &FirmLine| (pct(f.value), pct_other(f));
    let mut alerts = vec![
        AlertView::new(
            ("alert-declines", tr.t("monitor.alert_declines").into(), declines_note),
            &declines,
            (tr.t("monitor.col_growth"), ""),
            |f| (pct(f.value), String::new()),
        ),
        AlertView::new(
            (
                "alert-streaks",
                tr.f("monitor.alert_streaks", &[("n", &AlertRules::default().streak_months.to_string())]),
                String::new(),
            ),
            &view.streaks,
            (tr.t("monitor.col_months"), tr.t("monitor.col_month_growth")),
            |f| (crate::format_number(f.value, 0), pct_other(f)),
        ),
    ];
    let missing = AlertList { count: view.not_reporting.missing, firms: view.not_reporting.firms.clone() };
    let missing_note = tr.f(
        "monitor.missing_note",
        &[("n", &view.not_reporting.missing.to_string()), ("of", &view.not_reporting.population.to_string())],
    );
    alerts.push(AlertView::new(
        ("alert-missing", tr.t("monitor.alert_missing").into(), missing_note),
        &missing,
        ("", ""),
        |_| (String::new(), String::new()),
    ));
    let power_labels = (tr.t("monitor.col_output_growth"), tr.t("monitor.col_power_growth"));
    let (electricity_summary, electricity_chart) = match &view.electricity {
        Some(e) => {
            alerts.push(AlertView::new(
                ("alert-power-up", tr.t("monitor.alert_power_up").into(), String::new()),
                &e.power_up_output_down,
                power_labels,
                growth_cells,
            ));
            alerts.push(AlertView::new(
                ("alert-output-up", tr.t("monitor.alert_output_up").into(), String::new()),
                &e.output_up_power_down,
                power_labels,
                growth_cells,
            ));
            let summary = tr.f(
                "monitor.electricity_summary",
                &[("output", &tr.growth(e.output.growth_pct)), ("power", &tr.growth(e.electricity.growth_pct))],
            );
            let items = e
                .by_district
                .iter()
                .flat_map(|(code, name, output, power)| {
                    let unit = format!("district:{code}");
                    [
                        BarItem {
                            label: format!("{name} · {}", tr.t("monitor.short_output")),
                            value: *output,
                            shown: tr.share(*output),
                            title: format!("{name}：{}{}", tr.t("monitor.short_output"), tr.growth(*output)),
                            href: firms_href(&lead.code, Window::YearToDate, &unit, month, attribution),
                        },
                        BarItem {
                            label: format!("{name} · {}", tr.t("monitor.short_power")),
                            value: *power,
                            shown: tr.share(*power),
                            title: format!("{name}：{}{}", tr.t("monitor.short_power"), tr.growth(*power)),
                            href: firms_href("electricity", Window::YearToDate, &unit, month, attribution),
                        },
                    ]
                })
                .collect::<Vec<_>>();
            let chart = (!items.is_empty())
                .then(|| charts::bar_chart(items, 560.0, |t| format!("{}%", crate::format_number(t, 0))));
            (summary, chart)
        }
        None => (String::new(), None),
    };
    alerts.push(AlertView::new(
        ("alert-outliers", tr.t("monitor.alert_outliers").into(), tr.t("monitor.outliers_note").into()),
        &view.outliers,
        (tr.t("monitor.col_share"), tr.t("monitor.col_usual_share")),
        |f| (pct(f.value * 100.0), f.other.map_or_else(|| "—".into(), |o| pct(o * 100.0))),
    ));

    let scope_label = scope_name(&state, &names, caller.scope(), lang);
    let page = CockpitPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "monitor", &caller),
        month: month.to_string(),
        period_label: month.year_to_date().label(lang),
        scope_label,
        current_attribution: attribution == Attribution::Current,
        lead: lead.name.clone(),
        headline,
        counts,
        trend,
        monthly,
        breakdowns,
        targets,
        can_set_targets: caller.user.role.may(Permission::SetTargets),
        alerts,
        electricity_summary,
        electricity_chart,
        computed_ms,
    };
    Ok(page.into_response())
}

/// `GET /api/v1/monitor/cockpit?month=`: the whole cockpit of the caller's scope for a month (the latest with data when none is named).
async fn api_cockpit(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<CockpitQuery>,
) -> Result<Json<Cockpit>, ApiError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "cockpit").await {
        return Err(ApiError::NotFound(lang));
    }
    let asked =
        settle(&state, lang, query.month.as_deref(), query.attribution.as_deref()).await.map_err(ApiError::Invalid)?;
    let (view, _) = computed(&state, &caller, lang, &asked).await.map_err(|e| api_error(lang, e))?;
    Ok(Json(view))
}

// ------------------------------------------------------------------------- drill-down

#[derive(Debug, Default, Deserialize)]
pub struct FirmsQuery {
    pub indicator: Option<String>,
    /// `month` or `ytd` (default).
    pub window: Option<String>,
    /// `city` (default), `district:436002`, `park:XZETDZ`, `cluster:K1`, `chain:…`,
    /// `division:33`, `tier:little_giant`, `tier:none`.
    pub unit: Option<String>,
    pub month: Option<String>,
    pub attribution: Option<String>,
    /// Which firms: the figure's members (default), or those a count names: `entered`,
    /// `exited` (the above-scale set this year), `loss_making` (members with a cumulative loss).
    pub set: Option<String>,
}

#[derive(Serialize)]
pub struct FirmsAnswer {
    pub indicator: String,
    pub month: Month,
    pub window: Window,
    pub unit: String,
    pub total: Figure,
    pub firms: Vec<FirmContribution>,
}

async fn firms_answer(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    query: &FirmsQuery,
) -> Result<FirmsAnswer, ApiError> {
    let asked =
        settle(state, lang, query.month.as_deref(), query.attribution.as_deref()).await.map_err(ApiError::Invalid)?;
    let tr = Tr::new(lang);
    let window = match query.window.as_deref().map(str::trim) {
        None | Some("") | Some("ytd") => Window::YearToDate,
        Some("month") => Window::Month,
        Some(other) => {
            return Err(ApiError::Invalid(FieldError::new(
                "window",
                "unknown_value",
                tr.f("monitor.window_unknown", &[("value", other)]),
            )));
        }
    };
    let indicator = query.indicator.clone().filter(|i| !i.trim().is_empty()).unwrap_or_else(|| "gross_output".into());
    let engine = state.engine.get(&state.store).await.map_err(|e| api_error(lang, e))?;
    engine.ensure_indicator(&indicator).await.map_err(|e| api_error(lang, e))?;
    let names = engine.names().await;
    let unit_text = query.unit.clone().filter(|u| !u.trim().is_empty()).unwrap_or_else(|| "city".into());
    let unit = names.unit_by_code(&unit_text).ok_or_else(|| {
        ApiError::Invalid(FieldError::new(
            "unit",
            "unknown_unit",
            tr.f("monitor.unit_unknown", &[("value", &unit_text)]),
        ))
    })?;
    let cube = engine.read().await.map_err(|e| api_error(lang, e))?;
    let series =
        cube.series_by_code(&indicator).ok_or_else(|| ApiError::Invalid(unknown_indicator(lang, &indicator)))?;
    let selection = Selection { attribution: asked.attribution, ..Selection::above_scale(caller.scope()) }.within(unit);
    let listed = match query.set.as_deref().map(str::trim) {
        None | Some("") | Some("members") => cube.members(&selection, asked.month),
        Some("entered") => cockpit::flow_firms(&cube, &selection, asked.month).0,
        Some("exited") => cockpit::flow_firms(&cube, &selection, asked.month).1,
        Some("loss_making") => {
            let members = cube.members(&selection, asked.month);
            match cube.series_by_code("total_profit") {
                Some(profit) => cube
                    .figures(profit, &members, asked.month, Window::YearToDate)
                    .into_iter()
                    .filter(|f| f.comparison.current < 0.0)
                    .map(|f| f.firm)
                    .collect(),
                None => Vec::new(),
            }
        }
        Some(other) => {
            return Err(ApiError::Invalid(FieldError::new(
                "set",
                "unknown_value",
                tr.f("monitor.set_unknown", &[("value", other)]),
            )));
        }
    };
    let (total, firms) = cockpit::firms_of(&cube, &listed, series, asked.month, window);
    Ok(FirmsAnswer { indicator, month: asked.month, window, unit: unit_text, total, firms })
}

/// `GET /api/v1/monitor/firms?indicator=&window=&unit=&month=`: the firms behind a figure, each with its value, base, growth, contribution and whether it reported.
async fn api_firms(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<FirmsQuery>,
) -> Result<Json<FirmsAnswer>, ApiError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "firms").await {
        return Err(ApiError::NotFound(lang));
    }
    Ok(Json(firms_answer(&state, &caller, lang, &query).await?))
}

pub struct FirmRow {
    pub name: String,
    pub href: String,
    pub current: String,
    pub previous: String,
    pub growth: String,
    pub class: &'static str,
    pub contribution: String,
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "monitor/monitor_firms.html")]
pub struct FirmsPage {
    tr: Tr,
    layout: Layout,
    title: String,
    subtitle: String,
    total: String,
    total_growth: String,
    count: usize,
    rows: Vec<FirmRow>,
    back: String,
}

async fn view_firms_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<FirmsQuery>,
) -> Result<Response, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "firms").await {
        return Err(PageError::not_found(lang));
    }
    let tr = Tr::new(lang);
    let answer = firms_answer(&state, &caller, lang, &query).await.map_err(|e| match e {
        ApiError::Invalid(f) => PageError::invalid(lang, f),
        ApiError::Internal(_, e) => PageError::from_store(lang, e),
        _ => PageError::not_found(lang),
    })?;
    let engine = state.engine.get(&state.store).await.map_err(|e| page_error(lang, e))?;
    let names = engine.names().await;
    let (name, unit_zh, unit, decimals) = {
        let cube = engine.read().await.map_err(|e| page_error(lang, e))?;
        let series = cube
            .series_by_code(&answer.indicator)
            .ok_or_else(|| PageError::invalid(lang, unknown_indicator(lang, &answer.indicator)))?;
        (
            series.def.name(lang).to_owned(),
            series.def.unit_zh.clone(),
            tr.pick(&series.def.unit_zh, &series.def.unit_en).to_owned(),
            series.def.decimals,
        )
    };
    let amount = |v: f64| tr.amount(v, &unit_zh, &unit, decimals);
    let unit_name = match names.unit_by_code(&answer.unit) {
        Some(Unit::City) | None => scope_name(&state, &names, caller.scope(), lang),
        Some(unit) => names.of(unit, lang).1,
    };
    let period = match answer.window {
        Window::Month => answer.month.label(lang),
        Window::YearToDate => answer.month.year_to_date().label(lang),
    };
    let rows = answer
        .firms
        .iter()
        .map(|f| FirmRow {
            name: f.name.clone(),
            href: format!("/enterprises/{}", f.credit_code),
            current: if f.reported { amount(f.figure.current) } else { tr.t("monitor.not_reported").to_owned() },
            previous: if f.reported { amount(f.figure.previous) } else { "—".to_owned() },
            growth: if f.reported { tr.growth(f.figure.growth_pct) } else { "—".to_owned() },
            class: growth_class(f.figure.growth_pct),
            contribution: tr.share(f.contribution_pct),
            status: match f.status {
                None => tr.t("monitor.status_none"),
                Some(ReportStatus::Approved) => tr.t("report.status.approved"),
                Some(ReportStatus::Submitted) => tr.t("report.status.submitted"),
                Some(ReportStatus::Draft) => tr.t("report.status.draft"),
                Some(ReportStatus::Returned) => tr.t("report.status.returned"),
            },
        })
        .collect();
    let page = FirmsPage {
        tr,
        layout: Layout::for_caller(&state, tr, &uri, "monitor", &caller),
        title: format!("{unit_name} · {name}"),
        subtitle: tr.f("monitor.firms_subtitle", &[("period", &period)]),
        total: amount(answer.total.current),
        total_growth: tr.growth(answer.total.growth_pct),
        count: answer.firms.len(),
        rows,
        back: format!("/monitor?month={}", answer.month),
    };
    Ok(page.into_response())
}

// ------------------------------------------------------------------------- targets

#[derive(Debug, Default, Deserialize)]
pub struct TargetsQuery {
    pub year: Option<String>,
    pub month: Option<String>,
}

/// The targets of a year the caller sees, with progress through `month`.
async fn target_rows(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    year: i32,
    month: Month,
) -> Result<(Vec<TargetRow>, Vec<Target>, Vec<Forecast>), EngineError> {
    let engine = state.engine.get(&state.store).await?;
    let targets = state.store.targets(year).await?;
    let names = engine.names().await;
    let cube = engine.read().await?;
    let request = CockpitRequest {
        scope: caller.scope(),
        month,
        attribution: Attribution::AtMonth,
        lang,
        rules: AlertRules::default(),
        targets: &targets,
        lead: "gross_output",
    };
    let view = cockpit::cockpit(&cube, &names, &request)?;
    let visible: Vec<Target> =
        targets.iter().filter(|t| view.targets.iter().any(|r| r.target_id == t.target_id)).cloned().collect();
    let forecasts = xinzhi_analytics::forecast::forecasts(&cube, &visible, month);
    Ok((view.targets, targets, forecasts))
}

/// The year asked for and the month its progress is measured at: the year's December, or the
/// last month with values when the year is not over.
async fn target_period(state: &AppState, lang: Lang, query: &TargetsQuery) -> Result<(i32, Month), FieldError> {
    let latest = match state.store.value_months().await {
        Ok(Some(span)) => span.last,
        _ => xinzhi_app::clock::current_month(),
    };
    if let Some(month) = crate::kit::query::parse_optional_month(lang, query.month.as_deref())? {
        return Ok((month.year(), month));
    }
    let year = match query.year.as_deref().map(str::trim).filter(|y| !y.is_empty()) {
        None => latest.year(),
        Some(text) => text.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| {
            FieldError::new("year", "year.invalid", Tr::new(lang).f("monitor.year_invalid", &[("value", text)]))
        })?,
    };
    let december = Month::new(year, 12).map_err(|e| FieldError::from_domain("year", &e, lang))?;
    Ok((year, december.min(latest)))
}

#[derive(Serialize)]
pub struct TargetsAnswer {
    pub year: i32,
    pub month: Month,
    pub targets: Vec<TargetRow>,
    /// Each target's year-end forecast from the months so far and earlier years' seasons.
    pub forecasts: Vec<Forecast>,
}

/// `GET /api/v1/monitor/targets?year=`: the year's targets with progress against time, lights and year-end forecasts.
async fn api_targets(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Query(query): Query<TargetsQuery>,
) -> Result<Json<TargetsAnswer>, ApiError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "targets").await {
        return Err(ApiError::NotFound(lang));
    }
    let (year, month) = target_period(&state, lang, &query).await.map_err(ApiError::Invalid)?;
    let (targets, _, forecasts) =
        target_rows(&state, &caller, lang, year, month).await.map_err(|e| api_error(lang, e))?;
    Ok(Json(TargetsAnswer { year, month, targets, forecasts }))
}

/// A target as sent by the form or the API.
#[derive(Debug, Default, Deserialize)]
pub struct TargetInput {
    pub year: Option<serde_json::Value>,
    /// `city`, `district:436002`, `park:XZETDZ`, `cluster:K1`, `chain:…`.
    pub unit: Option<String>,
    pub metric: Option<String>,
    pub kind: Option<String>,
    pub value: Option<serde_json::Value>,
    pub yellow_pp: Option<serde_json::Value>,
    pub red_pp: Option<serde_json::Value>,
    #[serde(default)]
    pub green_needs_average: bool,
    pub note: Option<String>,
}

fn number_of(value: &Option<serde_json::Value>) -> Option<Option<f64>> {
    match value {
        None | Some(serde_json::Value::Null) => Some(None),
        Some(serde_json::Value::Number(n)) => n.as_f64().map(Some),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Some(None),
        Some(serde_json::Value::String(s)) => xinzhi_domain::text::parse_number(s).map(Some),
        Some(_) => None,
    }
}

/// Checks a target; every problem is named by its field.
fn parse_target(
    lang: Lang,
    names: &Names,
    input: &TargetInput,
    catalogue: &[xinzhi_store::Indicator],
) -> Result<NewTarget, Vec<FieldError>> {
    let tr = Tr::new(lang);
    let mut problems = Vec::new();
    let mut number = |field: &'static str, value: &Option<serde_json::Value>, required: bool| -> Option<f64> {
        match number_of(value) {
            Some(Some(v)) if v.is_finite() => Some(v),
            Some(None) if !required => None,
            Some(None) => {
                problems.push(FieldError::new(
                    field,
                    "required",
                    tr.f("monitor.field_required", &[("field", tr.t(&format!("monitor.field.{field}")))]),
                ));
                None
            }
            _ => {
                problems.push(FieldError::new(
                    field,
                    "number",
                    tr.f("monitor.field_number", &[("field", tr.t(&format!("monitor.field.{field}")))]),
                ));
                None
            }
        }
    };
    let year = number("year", &input.year, true);
    let value = number("value", &input.value, true);
    let kind = input.kind.as_deref().and_then(TargetKind::parse);
    let defaults = LightRule::default_for(kind.unwrap_or(TargetKind::Level));
    let yellow = number("yellow_pp", &input.yellow_pp, false).unwrap_or(defaults.yellow_pp);
    let red = number("red_pp", &input.red_pp, false).unwrap_or(defaults.red_pp);
    if kind.is_none() {
        problems.push(FieldError::new("kind", "unknown_value", tr.t("monitor.kind_invalid").into()));
    }
    let year = year.filter(|y| y.fract() == 0.0 && (2000.0..=2100.0).contains(y));
    if year.is_none() && !problems.iter().any(|p| p.field == "year") {
        problems.push(FieldError::new(
            "year",
            "year.invalid",
            tr.f("monitor.year_invalid", &[("value", &input.year.as_ref().map(|v| v.to_string()).unwrap_or_default())]),
        ));
    }
    let unit_text = input.unit.clone().unwrap_or_else(|| "city".into());
    let unit = match names.unit_by_code(unit_text.trim()) {
        Some(Unit::City) => Some(TargetUnit::City),
        Some(Unit::District(id)) => Some(TargetUnit::District(id)),
        Some(Unit::Park(id)) => Some(TargetUnit::Park(id)),
        Some(Unit::Cluster(id)) => Some(TargetUnit::Cluster(id)),
        Some(Unit::Chain(id)) => Some(TargetUnit::Chain(id)),
        _ => {
            problems.push(FieldError::new(
                "unit",
                "unknown_unit",
                tr.f("monitor.unit_unknown", &[("value", &unit_text)]),
            ));
            None
        }
    };
    let metric = input.metric.clone().unwrap_or_default().trim().to_owned();
    let is_count = COUNT_METRICS.contains(&metric.as_str());
    let is_indicator = catalogue.iter().any(|i| i.def.code.as_str() == metric);
    match kind {
        Some(TargetKind::Count) if !is_count => problems.push(FieldError::new(
            "metric",
            "metric.count",
            tr.f("monitor.metric_count", &[("value", &metric)]),
        )),
        Some(TargetKind::Growth | TargetKind::Level) if !is_indicator => problems.push(FieldError::new(
            "metric",
            "metric.indicator",
            tr.f("monitor.metric_indicator", &[("value", &metric)]),
        )),
        _ => {}
    }
    let lights = LightRule { yellow_pp: yellow, red_pp: red, green_needs_average: input.green_needs_average };
    if !lights.is_valid() {
        problems.push(FieldError::new("red_pp", "lights.order", tr.t("monitor.lights_order").into()));
    }
    if value.is_some_and(|v| kind != Some(TargetKind::Growth) && v <= 0.0) {
        problems.push(FieldError::new("value", "value.positive", tr.t("monitor.value_positive").into()));
    }
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > 200) {
        problems.push(FieldError::new("note", "length", tr.t("monitor.note_long").into()));
    }
    match (year, unit, kind, value) {
        (Some(year), Some(unit), Some(kind), Some(value)) if problems.is_empty() => {
            Ok(NewTarget { year: year as i32, unit, metric, kind, value, lights, note })
        }
        _ => Err(problems),
    }
}

async fn save_target(state: &AppState, caller: &Caller, lang: Lang, input: &TargetInput) -> Result<i64, ApiError> {
    if !caller.user.role.may(Permission::SetTargets) || *caller.scope() != Scope::City {
        audit_denial(state, caller, "target", "save").await;
        return Err(ApiError::NotFound(lang));
    }
    let engine = state.engine.get(&state.store).await.map_err(|e| api_error(lang, e))?;
    let names = engine.names().await;
    let catalogue = state.store.list_indicators().await.map_err(|e| ApiError::from_store(lang, e))?;
    let target = parse_target(lang, &names, input, &catalogue).map_err(|details| ApiError::Problems {
        code: "invalid",
        message: Tr::new(lang).t("monitor.target_invalid").into(),
        details,
    })?;
    state.store.save_target(caller.scope(), &target, &caller.actor()).await.map_err(|e| ApiError::from_store(lang, e))
}

/// `POST /api/v1/monitor/targets`: set a target (the city's analysts), checked field by field.
async fn api_save_target(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    JsonBody(input): JsonBody<TargetInput>,
) -> Result<Response, ApiError> {
    let id = save_target(&state, &caller, lang, &input).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({"target_id": id}))).into_response())
}

/// `POST /api/v1/monitor/targets/{id}/delete`: remove a target (the city's analysts).
async fn api_delete_target(
    State(state): State<AppState>,
    Language(lang): Language,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    if !caller.user.role.may(Permission::SetTargets) {
        audit_denial(&state, &caller, "target", &id.to_string()).await;
        return Err(ApiError::NotFound(lang));
    }
    state.store.delete_target(caller.scope(), id, &caller.actor()).await.map_err(|e| ApiError::from_store(lang, e))?;
    Ok(StatusCode::NO_CONTENT)
}

pub struct UnitOption {
    pub value: String,
    pub label: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "monitor/monitor_targets.html")]
pub struct TargetsPage {
    tr: Tr,
    layout: Layout,
    year: i32,
    month_label: String,
    rows: Vec<(i64, TargetLine)>,
    editable: bool,
    units: Vec<UnitOption>,
    metrics: Vec<UnitOption>,
    problems: Vec<String>,
    done: bool,
}

async fn targets_page(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    uri: &OriginalUri,
    query: &TargetsQuery,
    problems: Vec<String>,
    done: bool,
) -> Result<TargetsPage, PageError> {
    let tr = Tr::new(lang);
    let (year, month) = target_period(state, lang, query).await.map_err(|e| PageError::invalid(lang, e))?;
    let (rows, _, forecasts) = target_rows(state, caller, lang, year, month).await.map_err(|e| page_error(lang, e))?;
    let engine = state.engine.get(&state.store).await.map_err(|e| page_error(lang, e))?;
    let names = engine.names().await;
    let mut units = vec![UnitOption { value: "city".into(), label: tr.pick(&state.city.0, &state.city.1).to_owned() }];
    for (kind, map) in
        [("district", &names.districts), ("park", &names.parks), ("cluster", &names.clusters), ("chain", &names.chains)]
    {
        for (code, zh, en) in map.values() {
            if kind == "district" && code.ends_with("00") {
                continue;
            }
            units.push(UnitOption {
                value: format!("{kind}:{code}"),
                label: format!("{} · {}", tr.t(&format!("monitor.unit.{kind}")), tr.pick(zh, en)),
            });
        }
    }
    let catalogue = state.store.list_indicators().await.map_err(|e| PageError::from_store(lang, e))?;
    let mut metrics: Vec<UnitOption> = catalogue
        .iter()
        .filter(|i| i.active && i.def.temporal == xinzhi_domain::TemporalKind::Flow)
        .map(|i| UnitOption { value: i.def.code.to_string(), label: i.def.name(lang).to_owned() })
        .collect();
    metrics.extend(COUNT_METRICS.iter().map(|m| {
        let label = if *m == "new_above_scale" {
            tr.t("monitor.metric.new_above_scale").to_owned()
        } else {
            let what = m.strip_prefix("new_").unwrap_or(m);
            match (xinzhi_domain::Tier::parse(what), xinzhi_domain::programme::Programme::parse(what)) {
                (Some(t), _) => tr.f("monitor.metric.new_tier", &[("tier", t.label(lang))]),
                (None, Some(p)) => tr.f("monitor.metric.new_tier", &[("tier", p.label(lang))]),
                (None, None) => (*m).to_owned(),
            }
        };
        UnitOption { value: (*m).to_owned(), label }
    }));
    Ok(TargetsPage {
        tr,
        layout: Layout::for_caller(state, tr, uri, "monitor", caller),
        year,
        month_label: month.year_to_date().label(lang),
        rows: rows
            .iter()
            .map(|r| (r.target_id, target_line(tr, r, forecasts.iter().find(|f| f.target_id == r.target_id))))
            .collect(),
        editable: caller.user.role.may(Permission::SetTargets) && *caller.scope() == Scope::City,
        units,
        metrics,
        problems,
        done,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct TargetsPageQuery {
    pub year: Option<String>,
    pub month: Option<String>,
    pub done: Option<String>,
}

async fn view_targets_get(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    Query(query): Query<TargetsPageQuery>,
) -> Result<TargetsPage, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "targets").await {
        return Err(PageError::not_found(lang));
    }
    let asked = TargetsQuery { year: query.year, month: query.month };
    targets_page(&state, &caller, lang, &uri, &asked, Vec::new(), query.done.is_some()).await
}

/// The target form: `action=save` with the target's fields, or `action=delete` with `id`.
async fn view_targets_post(
    State(state): State<AppState>,
    Language(lang): Language,
    uri: OriginalUri,
    caller: Caller,
    fields: FormFields,
) -> Result<Response, PageError> {
    if !crate::kit::auth::permitted(&state, &caller, Permission::ReadMonitoring, "monitor", "targets").await {
        return Err(PageError::not_found(lang));
    }
    let text = |name: &str| fields.get(name).map(|v| serde_json::Value::String(v.to_owned()));
    let year = fields.get("year").unwrap_or_default().to_owned();
    let outcome = if fields.get("action") == Some("delete") {
        let id = fields.get("id").and_then(|i| i.trim().parse::<i64>().ok()).unwrap_or(-1);
        if !caller.user.role.may(Permission::SetTargets) {
            audit_denial(&state, &caller, "target", &id.to_string()).await;
            return Err(PageError::not_found(lang));
        }
        state
            .store
            .delete_target(caller.scope(), id, &caller.actor())
            .await
            .map(|_| 0)
            .map_err(|e| ApiError::from_store(lang, e))
    } else {
        let input = TargetInput {
            year: text("year"),
            unit: fields.get("unit").map(str::to_owned),
            metric: fields.get("metric").map(str::to_owned),
            kind: fields.get("kind").map(str::to_owned),
            value: text("value"),
            yellow_pp: text("yellow_pp"),
            red_pp: text("red_pp"),
            green_needs_average: fields.get("green_needs_average").is_some(),
            note: fields.get("note").map(str::to_owned),
        };
        save_target(&state, &caller, lang, &input).await
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/monitor/targets?year={}&done=1", year.trim())).into_response()),
        Err(ApiError::Problems { details, .. }) => {
            let query = TargetsQuery { year: Some(year), month: None };
            let problems = details.into_iter().map(|d| d.message).collect();
            let mut page = targets_page(&state, &caller, lang, &uri, &query, problems, false).await?.into_response();
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(ApiError::NotFound(_)) => Err(PageError::not_found(lang)),
        Err(ApiError::Internal(_, e)) => Err(PageError::from_store(lang, e)),
        Err(other) => Err(PageError::internal(lang, &format!("{other:?}"))),
    }
}
