//! Xinzhi's monitoring engine (运行监测): the cockpit's figures from an in-memory cube of the
//! monthly values, kept live from the change log, with no nightly rebuild.
//!
//! - [`cube`]: firms, time-valid memberships, designations and dense firm × month matrices.
//! - [`measures`]: the set of a figure, same-caliber comparisons, breakdowns with
//!   contribution and pull.
//! - [`cockpit`]: the cockpit's widgets, each figure with the firms behind it.
//! - [`alerts`]: declining firms, streaks, electricity against output, seasonal outliers.
//!
//! Pure of HTTP. It reads through `xinzhi-store` and applies the caller's scope itself, as
//! storage does for every other read.
//!
//! **Live.** Every write of values or report statuses appends its firm-months to the change
//! log in the same transaction (`value_changes`). Before a query the engine reads the newest
//! change id (one cheap query) and rereads only the firm-months changed since, so a report
//! approved through any server shows in the next query. PostgreSQL hands out ids at insert
//! time and transactions can commit out of order: ids found missing below the newest are
//! looked for again on later refreshes, for [`GAP_PATIENCE`], before they are taken as
//! rolled back.

pub mod alerts;
pub mod cockpit;
pub mod commendations;
pub mod cube;
pub mod evaluation;
pub mod forecast;
pub mod measures;
pub mod policies;
pub mod pools;
pub mod programmes;
pub mod promotion;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, RwLock, RwLockReadGuard};
use xinzhi_domain::period::MonthRange;
use xinzhi_domain::{Lang, Month};
use xinzhi_store::changelog::ValueChange;
use xinzhi_store::cultivation::FirmProfile;
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{EnterpriseId, Scope, Store, StoreError};

pub use cube::Cube;
pub use measures::{Attribution, Dimension, Selection, Unit, Window};

/// How long an id missing from the change log is looked for before it counts as a rolled-back
/// transaction: longer than any write transaction takes.
pub const GAP_PATIENCE: Duration = Duration::from_secs(120);

/// The indicators the cockpit shows, loaded when the engine starts; others load on first use.
pub const COCKPIT_INDICATORS: [&str; 7] =
    ["gross_output", "sales_output", "export_delivery", "revenue", "total_profit", "taxes_total", "electricity"];

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("unknown indicator '{0}'")]
    UnknownIndicator(String),
}

/// Names of the units, for labels.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub districts: BTreeMap<i64, (String, String, String)>,
    pub parks: BTreeMap<i64, (String, String, String)>,
    pub clusters: BTreeMap<i64, (String, String, String)>,
    pub chains: BTreeMap<i64, (String, String, String)>,
    /// A park's district.
    pub park_district: HashMap<i64, i64>,
}

impl Names {
    /// The unit a query names by kind and code: `district:436002`, `park:XZETDZ`,
    /// `cluster:K1`, `chain:rare_earth`, `division:33`, `tier:little_giant`, `tier:none`,
    /// `city`.
    pub fn unit_by_code(&self, text: &str) -> Option<Unit> {
        let find = |map: &BTreeMap<i64, (String, String, String)>, code: &str| {
            map.iter().find(|(_, (c, _, _))| c == code).map(|(id, _)| *id)
        };
        let (kind, code) = text.split_once(':').unwrap_or((text, ""));
        Some(match kind {
            "city" => Unit::City,
            "district" => Unit::District(find(&self.districts, code)?),
            "park" => Unit::Park(find(&self.parks, code)?),
            "cluster" => Unit::Cluster(find(&self.clusters, code)?),
            "chain" => Unit::Chain(find(&self.chains, code)?),
            "division" => Unit::Division(code.parse().ok()?),
            "tier" if code == "none" => Unit::Tier(None),
            "tier" => Unit::Tier(Some(xinzhi_domain::Tier::parse(code)?)),
            _ => return None,
        })
    }

    /// The query form of a unit (see [`Names::unit_by_code`]).
    pub fn unit_code(&self, unit: Unit) -> String {
        let kind = match unit {
            Unit::City => return "city".into(),
            Unit::District(_) => "district",
            Unit::Park(_) => "park",
            Unit::Cluster(_) => "cluster",
            Unit::Chain(_) => "chain",
            Unit::Division(_) => "division",
            Unit::Tier(_) => "tier",
        };
        format!("{kind}:{}", self.of(unit, Lang::En).0)
    }

    /// (code, name) of a unit in the language.
    pub fn of(&self, unit: Unit, lang: Lang) -> (String, String) {
        let pick = |map: &BTreeMap<i64, (String, String, String)>, id: i64| {
            map.get(&id).map_or_else(
                || (id.to_string(), id.to_string()),
                |(code, zh, en)| (code.clone(), lang.pick(zh, en).to_owned()),
            )
        };
        match unit {
            Unit::City => ("city".into(), lang.pick("全市", "Whole city").into()),
            Unit::District(id) => pick(&self.districts, id),
            Unit::Park(id) => pick(&self.parks, id),
            Unit::Cluster(id) => pick(&self.clusters, id),
            Unit::Chain(id) => pick(&self.chains, id),
            Unit::Division(d) => {
                let name = xinzhi_domain::industry::INDUSTRIAL_DIVISIONS.iter().find(|(code, _, _)| *code == d);
                (format!("{d:02}"), name.map_or_else(|| format!("{d:02}"), |(_, zh, en)| lang.pick(zh, en).to_owned()))
            }
            Unit::Tier(Some(tier)) => (tier.as_str().into(), tier.label(lang).into()),
            Unit::Tier(None) => ("none".into(), lang.pick("未入梯度", "No tier").into()),
        }
    }
}

/// Where the engine is in the change log.
#[derive(Debug, Default)]
struct ChangeCursor {
    /// Every id up to this one is applied (or given up as rolled back).
    seen: i64,
    /// Ids above `seen` already applied.
    applied: BTreeSet<i64>,
    /// Ids above `seen` not found yet, with when they were first missed.
    missing: BTreeMap<i64, Instant>,
}

impl ChangeCursor {
    fn newest(&self) -> i64 {
        self.applied.last().copied().unwrap_or(self.seen).max(self.missing.keys().last().copied().unwrap_or(0))
    }

    /// Notes applied ids and the gaps they leave, then moves `seen` up as far as it can.
    fn advance(&mut self, ids: impl IntoIterator<Item = i64>, now: Instant) {
        for id in ids {
            if id > self.seen {
                self.applied.insert(id);
                self.missing.remove(&id);
            }
        }
        let top = self.applied.last().copied().unwrap_or(self.seen);
        for id in self.seen + 1..top {
            if !self.applied.contains(&id) {
                self.missing.entry(id).or_insert(now);
            }
        }
        loop {
            let next = self.seen + 1;
            if self.applied.remove(&next) {
                self.seen = next;
            } else if self.missing.get(&next).is_some_and(|at| now.duration_since(*at) >= GAP_PATIENCE) {
                self.missing.remove(&next);
                self.seen = next;
            } else {
                break;
            }
        }
    }
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub firm_months: usize,
    pub registry: bool,
    pub reloaded: bool,
}

/// The engine: one per server process, shared by its requests.
pub struct Engine {
    store: Store,
    cube: RwLock<Cube>,
    cursor: Mutex<ChangeCursor>,
    names: RwLock<Arc<Names>>,
    profiles: RwLock<ProfileBook>,
}

/// Every firm's annual profiles, at a revision of the profile counter.
#[derive(Default)]
struct ProfileBook {
    revision: Option<i64>,
    profiles: Arc<Profiles>,
}

/// Annual profiles by firm.
pub type Profiles = HashMap<EnterpriseId, FirmProfile>;

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").finish_non_exhaustive()
    }
}

impl Engine {
    /// Loads the registry and the values of `indicators` (codes), up to this month at least.
    pub async fn load(store: Store, indicators: &[&str], until: Month) -> Result<Engine, EngineError> {
        let cursor_start = store.change_marks().await?.last_change;
        let cube = load_cube(&store, indicators, until).await?;
        let names = load_names(&store).await?;
        let engine = Engine {
            store,
            cube: RwLock::new(cube),
            cursor: Mutex::new(ChangeCursor { seen: cursor_start, ..ChangeCursor::default() }),
            names: RwLock::new(Arc::new(names)),
            profiles: RwLock::new(ProfileBook::default()),
        };
        // Changes made while loading are applied again: applying twice is harmless.
        Ok(engine)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Catches up with the change log, then hands out the cube for reading.
    pub async fn read(&self) -> Result<RwLockReadGuard<'_, Cube>, EngineError> {
        self.refresh().await?;
        Ok(self.cube.read().await)
    }

    pub async fn names(&self) -> Arc<Names> {
        self.names.read().await.clone()
    }

    /// Applies what changed since the last refresh: the registry when its revision moved, and
    /// the firm-months of the change log (everything again after a bulk load).
    /// Change-log entries written after the newest one this engine has applied (0 when it is up
    /// to date): how far the cockpit would lag without its refresh before each read.
    pub async fn lag(&self) -> Result<i64, EngineError> {
        let newest = self.store.change_marks().await?.last_change;
        Ok((newest - self.cursor.lock().await.newest()).max(0))
    }

    pub async fn refresh(&self) -> Result<Refreshed, EngineError> {
        let mut cursor = self.cursor.lock().await;
        let marks = self.store.change_marks().await?;
        let mut done = Refreshed::default();
        if marks.registry_revision != self.cube.read().await.registry_revision {
            let registry = self.store.registry_snapshot().await?;
            let names = load_names(&self.store).await?;
            self.cube.write().await.set_registry(registry);
            *self.names.write().await = Arc::new(names);
            done.registry = true;
        }
        if marks.last_change <= cursor.newest() && cursor.missing.is_empty() {
            return Ok(done);
        }
        let mut changes: Vec<ValueChange> = Vec::new();
        if !cursor.missing.is_empty() {
            let ids: Vec<i64> = cursor.missing.keys().copied().collect();
            changes.extend(self.store.changes_with_ids(&ids).await?);
        }
        let mut after = cursor.newest();
        loop {
            let batch = self.store.changes_after(after, 10_000).await?;
            let Some(last) = batch.last() else { break };
            after = last.change_id;
            let full = batch.len() == 10_000;
            changes.extend(batch);
            if !full {
                break;
            }
        }
        if changes.iter().any(|c| c.pair.is_none()) {
            let codes: Vec<String> = self.cube.read().await.series.iter().map(|s| s.def.code.to_string()).collect();
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            let until = self.cube.read().await.months().last;
            let cube = load_cube(&self.store, &codes, until).await?;
            *self.cube.write().await = cube;
            done.reloaded = true;
        } else {
            let mut pairs: Vec<(EnterpriseId, Month)> = changes.iter().filter_map(|c| c.pair).collect();
            pairs.sort_unstable();
            pairs.dedup();
            let values = self.store.values_of_pairs(&Scope::City, &pairs).await?;
            let data_set = self.store.data_set(MONTHLY).await?;
            let statuses: HashMap<(EnterpriseId, Month), xinzhi_store::ReportStatus> = self
                .store
                .report_statuses_of(data_set.data_set_id, &pairs)
                .await?
                .into_iter()
                .map(|(e, m, s)| ((e, m), s))
                .collect();
            let mut cube = self.cube.write().await;
            for pair in &pairs {
                let stored = values.get(pair).map_or(&[][..], Vec::as_slice);
                cube.replace(pair.0, pair.1, stored, statuses.get(pair).copied());
            }
            done.firm_months = pairs.len();
        }
        cursor.advance(changes.iter().map(|c| c.change_id), Instant::now());
        Ok(done)
    }

    /// Every firm's annual profiles (all years), reread when any server wrote profiles since.
    /// Callers apply their scope through the cube.
    pub async fn profiles(&self) -> Result<Arc<Profiles>, EngineError> {
        let revision = self.store.change_marks().await?.profile_revision;
        if let Some(held) = self.held_profiles(revision).await {
            return Ok(held);
        }
        let mut book = self.profiles.write().await;
        if book.revision == Some(revision) {
            return Ok(book.profiles.clone());
        }
        // Read after the revision: a write in between makes the next call read again.
        let profiles = Arc::new(self.store.profiles(&Scope::City, 1900, 2200).await?);
        *book = ProfileBook { revision: Some(revision), profiles: profiles.clone() };
        Ok(profiles)
    }

    async fn held_profiles(&self, revision: i64) -> Option<Arc<Profiles>> {
        let book = self.profiles.read().await;
        (book.revision == Some(revision)).then(|| book.profiles.clone())
    }

    /// Loads an indicator's values if the cube does not hold them yet.
    pub async fn ensure_indicator(&self, code: &str) -> Result<(), EngineError> {
        if self.cube.read().await.series_by_code(code).is_some() {
            return Ok(());
        }
        let indicator = match self.store.indicator_by_code(code).await {
            Ok(i) => i,
            Err(StoreError::NotFound) => return Err(EngineError::UnknownIndicator(code.to_owned())),
            Err(e) => return Err(e.into()),
        };
        let months = self.cube.read().await.months();
        let mut loaded = Vec::new();
        self.store
            .scan_firm_months(months, &[indicator.indicator_id], |firm, month, values| {
                if let Some(value) = values.first().copied().flatten() {
                    loaded.push((firm, month, value));
                }
            })
            .await?;
        let mut cube = self.cube.write().await;
        if cube.series_by_code(code).is_some() {
            return Ok(());
        }
        cube.add_series(indicator.indicator_id, indicator.def);
        for (firm, month, value) in loaded {
            cube.put(firm, month, indicator.indicator_id, value);
        }
        cube.mask_uncounted();
        Ok(())
    }
}

/// The cube from the store: registry, report statuses, and the values of `codes`, one firm-month
/// a row. (Several month ranges read on parallel connections were tried: no faster on two
/// cores, where the rows' crossings between threads are the cost.)
async fn load_cube(store: &Store, codes: &[&str], until: Month) -> Result<Cube, EngineError> {
    let started = Instant::now();
    let registry = store.registry_snapshot().await?;
    let span = store.value_months().await?;
    let months = match span {
        Some(span) => MonthRange::new(span.first, span.last.max(until)),
        None => MonthRange::new(until.january().plus(-24), until),
    };
    let mut cube = Cube::new(registry, months);
    let mut ids = Vec::new();
    for code in codes {
        let indicator = match store.indicator_by_code(code).await {
            Ok(i) => i,
            Err(StoreError::NotFound) => return Err(EngineError::UnknownIndicator((*code).to_owned())),
            Err(e) => return Err(e.into()),
        };
        cube.add_series(indicator.indicator_id, indicator.def);
        ids.push(indicator.indicator_id);
    }
    // Fresh: a reload may be the answer to another server's change of this very setting.
    let data_set = store.data_set_fresh(MONTHLY).await?;
    cube.counts_submitted = data_set.counts_submitted;
    for (firm, month, status) in store.report_statuses(data_set.data_set_id, months).await? {
        cube.set_status(firm, month, Some(status));
    }
    let mut loaded = 0;
    store
        .scan_firm_months(months, &ids, |firm, month, values| {
            for (indicator, value) in ids.iter().zip(values) {
                if let Some(value) = value {
                    cube.put(firm, month, *indicator, *value);
                    loaded += 1;
                }
            }
        })
        .await?;
    cube.mask_uncounted();
    tracing::info!(
        firms = cube.firm_count(),
        values = loaded,
        mib = cube.bytes() / 1_048_576,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "analytics cube loaded"
    );
    Ok(cube)
}

async fn load_names(store: &Store) -> Result<Names, StoreError> {
    let mut names = Names::default();
    for region in store.list_regions().await? {
        names.districts.insert(region.region_id.0, (region.code.to_string(), region.name_zh, region.name_en));
    }
    for park in store.list_parks().await? {
        names.park_district.insert(park.park_id.0, park.region_id.0);
        names.parks.insert(park.park_id.0, (park.code, park.name_zh, park.name_en));
    }
    for (cluster, chains) in store.list_clusters().await? {
        names.clusters.insert(cluster.cluster_id.0, (cluster.code, cluster.name_zh, cluster.name_en));
        for chain in chains {
            names.chains.insert(chain.chain_id.0, (chain.code, chain.name_zh, chain.name_en));
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_waits_for_missing_ids_then_gives_them_up() {
        let start = Instant::now();
        let mut cursor = ChangeCursor { seen: 10, ..ChangeCursor::default() };
        cursor.advance([11, 12, 14], start);
        assert_eq!((cursor.seen, cursor.missing.keys().copied().collect::<Vec<_>>()), (12, vec![13]));
        assert_eq!(cursor.newest(), 14);
        // 13 commits later: found, applied, and the cursor moves past 14.
        cursor.advance([13], start + Duration::from_secs(1));
        assert_eq!((cursor.seen, cursor.missing.len()), (14, 0));
        // 16 arrives without 15; after the patience, 15 is taken as rolled back.
        cursor.advance([16], start + Duration::from_secs(2));
        assert_eq!(cursor.seen, 14);
        cursor.advance([], start + Duration::from_secs(2) + GAP_PATIENCE);
        assert_eq!((cursor.seen, cursor.missing.len()), (16, 0));
    }
}
