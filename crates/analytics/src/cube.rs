//! The in-memory cube: every firm of the city, its time-valid memberships and designations,
//! and the monthly values of the loaded indicators as dense firm × month matrices.
//!
//! A firm's months are contiguous in a matrix (firm-major), because nearly every figure is a
//! sum over a firm's months (1—N月) and the same months a year earlier. A missing value is NaN.
//! Values of a firm-month whose report is a draft or was returned are not counted, nor (unless
//! the data set counts them) those of a submitted one: they are held as NaN, "not reported",
//! until the report is approved.

use std::collections::HashMap;

use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{DesignationStatus, IndicatorDef, MembershipKind, Month, TemporalKind, Tier};
use xinzhi_store::monitoring::{DesignationSpan, MembershipSpan, ProgrammeSpan, RegistrySnapshot};
use xinzhi_store::{EnterpriseId, IndicatorId, ReportStatus};

/// A firm of the cube.
#[derive(Debug, Clone)]
pub struct Firm {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    /// GB/T 4754 class code.
    pub industry_code: String,
    /// The 大类 (two digits), or 0 when the code is malformed.
    pub division: u8,
    /// Land in mu (亩), where recorded.
    pub land_mu: Option<f64>,
    /// yyyymmdd, where recorded.
    pub established_on: Option<i64>,
}

impl Firm {
    /// Whether the firm's industry is 工业: sections B, C and D of GB/T 4754 (domain.md §1.1).
    pub fn is_industrial(&self) -> bool {
        matches!(self.industry_code.as_bytes().first(), Some(b'B' | b'C' | b'D'))
    }
}

/// A membership span in month indices of the cube (`to` inclusive, `i64::MAX` when open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub from: i64,
    pub to: i64,
    pub target: i64,
}

/// The values of one indicator.
#[derive(Debug, Clone)]
pub struct Series {
    pub indicator_id: IndicatorId,
    pub def: IndicatorDef,
    /// `firms × months`, firm-major.
    pub(crate) values: Vec<f64>,
}

/// Whether the values of a firm-month count: no report (an import of official or demo data)
/// or an approved one, and a submitted one where the data set says so. Drafts and returned
/// reports never do: their months are "not reported".
pub(crate) fn counts(status: Option<ReportStatus>, counts_submitted: bool) -> bool {
    match status {
        None | Some(ReportStatus::Approved) => true,
        Some(ReportStatus::Submitted) => counts_submitted,
        Some(ReportStatus::Draft | ReportStatus::Returned) => false,
    }
}

/// Report status codes as stored per firm-month.
pub(crate) const NO_REPORT: u8 = 0;
fn status_code(status: ReportStatus) -> u8 {
    match status {
        ReportStatus::Draft => 1,
        ReportStatus::Submitted => 2,
        ReportStatus::Approved => 3,
        ReportStatus::Returned => 4,
    }
}

pub(crate) fn status_of(code: u8) -> Option<ReportStatus> {
    match code {
        1 => Some(ReportStatus::Draft),
        2 => Some(ReportStatus::Submitted),
        3 => Some(ReportStatus::Approved),
        4 => Some(ReportStatus::Returned),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Cube {
    /// The first month held.
    pub(crate) first: Month,
    /// How many months are held from `first`.
    pub(crate) months: usize,
    pub(crate) firms: Vec<Firm>,
    pub(crate) index: HashMap<EnterpriseId, usize>,
    /// Spans per firm, per exclusive or multiple membership kind.
    pub(crate) district: Vec<Vec<Span>>,
    pub(crate) park: Vec<Vec<Span>>,
    pub(crate) cluster: Vec<Vec<Span>>,
    pub(crate) segment: Vec<Vec<Span>>,
    pub(crate) above_scale: Vec<Vec<Span>>,
    pub(crate) designations: Vec<Vec<DesignationSpan>>,
    pub(crate) programmes: Vec<Vec<ProgrammeSpan>>,
    pub(crate) segment_chain: HashMap<i64, i64>,
    pub(crate) chain_cluster: HashMap<i64, i64>,
    pub(crate) series: Vec<Series>,
    /// Report status per firm-month (`firms × months`), [`NO_REPORT`] when there is none.
    pub(crate) status: Vec<u8>,
    pub(crate) registry_revision: i64,
    /// Submitted reports count before approval (the monthly data set's setting).
    pub(crate) counts_submitted: bool,
}

impl Cube {
    /// An empty cube over `months` for the registry.
    pub(crate) fn new(registry: RegistrySnapshot, months: MonthRange) -> Cube {
        let count = usize::try_from(months.len()).unwrap_or(0).max(1);
        let mut cube = Cube {
            first: months.first,
            months: count,
            firms: Vec::new(),
            index: HashMap::new(),
            district: Vec::new(),
            park: Vec::new(),
            cluster: Vec::new(),
            segment: Vec::new(),
            above_scale: Vec::new(),
            designations: Vec::new(),
            programmes: Vec::new(),
            segment_chain: HashMap::new(),
            chain_cluster: HashMap::new(),
            series: Vec::new(),
            status: Vec::new(),
            registry_revision: 0,
            counts_submitted: false,
        };
        cube.set_registry(registry);
        cube.status = vec![NO_REPORT; cube.firms.len() * cube.months];
        cube
    }

    /// Replaces the registry. Firms keep their values; new firms start empty.
    pub(crate) fn set_registry(&mut self, registry: RegistrySnapshot) {
        let old_index = std::mem::take(&mut self.index);
        let firms: Vec<Firm> = registry
            .firms
            .into_iter()
            .map(|f| Firm {
                enterprise_id: f.enterprise_id,
                division: f.division,
                land_mu: f.land_mu,
                established_on: f.established_on,
                credit_code: f.credit_code,
                name: f.name,
                industry_code: f.industry_code,
            })
            .collect();
        let index: HashMap<EnterpriseId, usize> = firms.iter().enumerate().map(|(i, f)| (f.enterprise_id, i)).collect();
        if !self.firms.is_empty() {
            // Move each firm's rows to its new position.
            let moves: Vec<(usize, usize)> =
                index.iter().filter_map(|(id, &new)| old_index.get(id).map(|&old| (old, new))).collect();
            for series in &mut self.series {
                series.values = relay(&series.values, f64::NAN, self.months, firms.len(), &moves);
            }
            self.status = relay(&self.status, NO_REPORT, self.months, firms.len(), &moves);
        }
        let n = firms.len();
        self.firms = firms;
        self.index = index;
        for spans in [&mut self.district, &mut self.park, &mut self.cluster, &mut self.segment, &mut self.above_scale] {
            *spans = vec![Vec::new(); n];
        }
        for m in registry.memberships {
            let Some(&firm) = self.index.get(&m.enterprise_id) else { continue };
            let span = self.span(&m);
            let list = match m.kind {
                MembershipKind::District => &mut self.district,
                MembershipKind::Park => &mut self.park,
                MembershipKind::Cluster => &mut self.cluster,
                MembershipKind::ChainSegment => &mut self.segment,
                MembershipKind::AboveScale => &mut self.above_scale,
            };
            list[firm].push(span);
        }
        self.designations = vec![Vec::new(); n];
        for d in registry.designations {
            if let Some(&firm) = self.index.get(&d.enterprise_id) {
                self.designations[firm].push(d);
            }
        }
        self.programmes = vec![Vec::new(); n];
        for p in registry.programmes {
            if let Some(&firm) = self.index.get(&p.enterprise_id) {
                self.programmes[firm].push(p);
            }
        }
        self.segment_chain = registry.segment_chains.into_iter().collect();
        self.chain_cluster = registry.chain_clusters.into_iter().collect();
        self.registry_revision = registry.revision;
    }

    fn span(&self, m: &MembershipSpan) -> Span {
        Span {
            from: m.valid_from.months_after(self.first),
            to: m.valid_to.map_or(i64::MAX, |to| to.months_after(self.first)),
            target: m.target,
        }
    }

    /// The months held.
    pub fn months(&self) -> MonthRange {
        MonthRange::new(self.first, self.first.plus(self.months as i64 - 1))
    }

    /// The cube's index of `month`, if held.
    pub(crate) fn month_index(&self, month: Month) -> Option<usize> {
        usize::try_from(month.months_after(self.first)).ok().filter(|i| *i < self.months)
    }

    /// Holds `month` too, moving every row when the range grows.
    pub(crate) fn ensure_month(&mut self, month: Month) {
        let range = self.months();
        if range.contains(month) {
            return;
        }
        let first = range.first.min(month);
        let last = range.last.max(month);
        let new_months = usize::try_from(first.months_through(last)).unwrap_or(self.months);
        let shift = usize::try_from(range.first.months_after(first)).unwrap_or(0);
        let (old_months, firms) = (self.months, self.firms.len());
        for series in &mut self.series {
            series.values = widen(&series.values, f64::NAN, firms, old_months, new_months, shift);
        }
        self.status = widen(&self.status, NO_REPORT, firms, old_months, new_months, shift);
        let delta = shift as i64;
        for spans in [&mut self.district, &mut self.park, &mut self.cluster, &mut self.segment, &mut self.above_scale] {
            for span in spans.iter_mut().flatten() {
                span.from += delta;
                if span.to != i64::MAX {
                    span.to += delta;
                }
            }
        }
        self.first = first;
        self.months = new_months;
    }

    /// Adds an empty series for an indicator.
    pub(crate) fn add_series(&mut self, indicator_id: IndicatorId, def: IndicatorDef) -> usize {
        self.series.push(Series { indicator_id, def, values: vec![f64::NAN; self.firms.len() * self.months] });
        self.series.len() - 1
    }

    pub(crate) fn series_index(&self, indicator: IndicatorId) -> Option<usize> {
        self.series.iter().position(|s| s.indicator_id == indicator)
    }

    pub fn series_by_code(&self, code: &str) -> Option<&Series> {
        self.series.iter().find(|s| s.def.code.as_str() == code)
    }

    /// Writes one loaded value (bulk load).
    pub(crate) fn put(&mut self, firm: EnterpriseId, month: Month, indicator: IndicatorId, value: f64) {
        let (Some(&f), Some(m), Some(s)) =
            (self.index.get(&firm), self.month_index(month), self.series_index(indicator))
        else {
            return;
        };
        self.series[s].values[f * self.months + m] = value;
    }

    pub(crate) fn set_status(&mut self, firm: EnterpriseId, month: Month, status: Option<ReportStatus>) {
        if let (Some(&f), Some(m)) = (self.index.get(&firm), self.month_index(month)) {
            self.status[f * self.months + m] = status.map_or(NO_REPORT, status_code);
        }
    }

    /// Replaces a firm-month with what is stored now: its values (those not given are gone)
    /// and its report status. Values of a draft or returned report are held as missing.
    pub(crate) fn replace(
        &mut self,
        firm: EnterpriseId,
        month: Month,
        values: &[(IndicatorId, f64)],
        status: Option<ReportStatus>,
    ) {
        self.ensure_month(month);
        let (Some(&f), Some(m)) = (self.index.get(&firm), self.month_index(month)) else { return };
        let at = f * self.months + m;
        for series in &mut self.series {
            series.values[at] = f64::NAN;
        }
        self.status[at] = status.map_or(NO_REPORT, status_code);
        if counts(status, self.counts_submitted) {
            for (indicator, value) in values {
                if let Some(s) = self.series_index(*indicator) {
                    self.series[s].values[at] = *value;
                }
            }
        }
    }

    /// After a bulk load: drop the values of reports that do not count.
    pub(crate) fn mask_uncounted(&mut self) {
        for (at, code) in self.status.iter().enumerate() {
            if !counts(status_of(*code), self.counts_submitted) {
                for series in &mut self.series {
                    series.values[at] = f64::NAN;
                }
            }
        }
    }

    /// One firm's months of a series.
    pub(crate) fn row<'a>(&self, series: &'a Series, firm: usize) -> &'a [f64] {
        &series.values[firm * self.months..(firm + 1) * self.months]
    }

    pub(crate) fn status_at(&self, firm: usize, month: usize) -> Option<ReportStatus> {
        status_of(self.status[firm * self.months + month])
    }

    /// The target of an exclusive membership kind for a firm in month `m` (or, with `m` =
    /// `None`, its open-ended span: the current one).
    pub(crate) fn exclusive(&self, kind: MembershipKind, firm: usize, m: Option<i64>) -> Option<i64> {
        self.spans(kind)[firm].iter().find(|s| covers(s, m)).map(|s| s.target)
    }

    /// Every target of a membership kind for a firm in month `m` (chain segments become
    /// their chains).
    pub(crate) fn all_of(&self, kind: MembershipKind, firm: usize, m: Option<i64>) -> Vec<i64> {
        let mut targets: Vec<i64> = self.spans(kind)[firm].iter().filter(|s| covers(s, m)).map(|s| s.target).collect();
        targets.sort_unstable();
        targets.dedup();
        targets
    }

    /// The firms' chains in month `m` (through their chain segments).
    pub(crate) fn chains_of(&self, firm: usize, m: Option<i64>) -> Vec<i64> {
        let mut chains: Vec<i64> = self.segment[firm]
            .iter()
            .filter(|s| covers(s, m))
            .filter_map(|s| self.segment_chain.get(&s.target).copied())
            .collect();
        chains.sort_unstable();
        chains.dedup();
        chains
    }

    /// The firm's clusters in month `m`: those it belongs to directly and those of its
    /// chains.
    pub(crate) fn clusters_of(&self, firm: usize, m: Option<i64>) -> Vec<i64> {
        let mut clusters = self.all_of(MembershipKind::Cluster, firm, m);
        clusters.extend(self.chains_of(firm, m).iter().filter_map(|chain| self.chain_cluster.get(chain).copied()));
        clusters.sort_unstable();
        clusters.dedup();
        clusters
    }

    pub(crate) fn is_above_scale(&self, firm: usize, m: i64) -> bool {
        self.above_scale[firm].iter().any(|s| covers(s, Some(m)))
    }

    fn spans(&self, kind: MembershipKind) -> &[Vec<Span>] {
        match kind {
            MembershipKind::District => &self.district,
            MembershipKind::Park => &self.park,
            MembershipKind::Cluster => &self.cluster,
            MembershipKind::ChainSegment => &self.segment,
            MembershipKind::AboveScale => &self.above_scale,
        }
    }

    /// The highest tier a firm holds at the end of month `m` (granted on or before it, not
    /// expired, revoked or lapsed).
    pub(crate) fn tier_at(&self, firm: usize, month: Month) -> Option<Tier> {
        let end = month.yyyymm() * 100 + 31;
        self.designations[firm]
            .iter()
            .filter(|d| {
                d.granted_on <= end
                    && d.expires_on.is_none_or(|e| e >= end)
                    && !matches!(d.status, DesignationStatus::Revoked)
            })
            .map(|d| d.tier)
            .max()
    }

    pub fn firm(&self, firm: usize) -> &Firm {
        &self.firms[firm]
    }

    /// A firm by its id, when the cube holds it.
    pub fn firm_by_id(&self, enterprise: EnterpriseId) -> Option<&Firm> {
        self.index.get(&enterprise).map(|&f| &self.firms[f])
    }

    pub fn firm_count(&self) -> usize {
        self.firms.len()
    }

    /// Bytes held by the value matrices and statuses.
    pub fn bytes(&self) -> usize {
        self.series.iter().map(|s| s.values.len() * 8).sum::<usize>() + self.status.len()
    }

    pub fn temporal(&self, series: &Series) -> TemporalKind {
        series.def.temporal
    }
}

/// Rows of `months` cells moved from old to new firm positions; firms not moved start `empty`.
fn relay<T: Copy>(old: &[T], empty: T, months: usize, firms: usize, moves: &[(usize, usize)]) -> Vec<T> {
    let mut moved = vec![empty; firms * months];
    for &(from, to) in moves {
        moved[to * months..(to + 1) * months].copy_from_slice(&old[from * months..(from + 1) * months]);
    }
    moved
}

/// Rows of `old_months` cells widened to `new_months`, the old months starting at `shift`.
fn widen<T: Copy>(old: &[T], empty: T, firms: usize, old_months: usize, new_months: usize, shift: usize) -> Vec<T> {
    let mut wide = vec![empty; firms * new_months];
    for f in 0..firms {
        wide[f * new_months + shift..f * new_months + shift + old_months]
            .copy_from_slice(&old[f * old_months..(f + 1) * old_months]);
    }
    wide
}

fn covers(span: &Span, m: Option<i64>) -> bool {
    match m {
        Some(m) => span.from <= m && m <= span.to,
        None => span.to == i64::MAX,
    }
}
