//! Candidate pools of the ladder (梯度培育后备库): every firm of the scope that does not hold a
//! tier yet, measured against the tier's criteria on its latest annual profile, nearest first,
//! each with what it still misses. domain.md §3.7.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use xinzhi_domain::criteria::{Assessment, Evidence, LadderRules};
use xinzhi_domain::ladder::{ReviewDue, status_on};
use xinzhi_domain::{DesignationLevel, DesignationStatus, MembershipKind, Tier};
use xinzhi_store::cultivation::FirmProfile;
use xinzhi_store::{EnterpriseId, Scope};

use crate::Names;
use crate::cube::Cube;

/// A firm's evidence: its profiles, and the designations the cube holds.
pub(crate) struct FirmEvidence<'a> {
    pub profile: Option<&'a FirmProfile>,
    pub cube: &'a Cube,
    pub firm: usize,
}

impl Evidence for FirmEvidence<'_> {
    fn field(&self, year: i32, field: &str) -> Option<f64> {
        self.profile?.get(year, field)
    }

    fn holds(&self, tier: Tier, year: i32) -> bool {
        holds(self.cube, self.firm, tier, year)
    }
}

/// Whether the firm holds `tier` at the end of `year`: granted by then, not lapsed, not revoked.
fn holds(cube: &Cube, firm: usize, tier: Tier, year: i32) -> bool {
    let end = i64::from(year) * 10_000 + 1231;
    cube.designations[firm].iter().any(|d| {
        d.tier == tier
            && d.granted_on <= end
            && d.expires_on.is_none_or(|e| e >= end)
            && !matches!(d.status, DesignationStatus::Revoked)
    })
}

/// How close a firm must be to enter a pool: its gaps add up to at most one whole criterion
/// (closeness is 1 / (1 + the sum of the shortfalls)).
pub const POOL_MIN_CLOSENESS: f64 = 0.5;

/// A firm in a pool.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub district: String,
    pub assessment: Assessment,
}

/// The pool of `tier` for `year` within `scope`: firms with a profile that year, without the
/// tier, with the standing it needs (the tier below, the SME size) and near enough
/// ([`POOL_MIN_CLOSENESS`]); those that qualify first, then by closeness and score.
pub fn pool(
    cube: &Cube,
    names: &Names,
    rules: &LadderRules,
    profiles: &HashMap<EnterpriseId, FirmProfile>,
    scope: &Scope,
    tier: Tier,
    year: i32,
) -> Vec<Candidate> {
    let Some(criteria) = rules.tier(tier) else { return Vec::new() };
    let mut candidates: Vec<Candidate> = (0..cube.firm_count())
        .filter(|&f| cube.in_scope(scope, f))
        .filter_map(|f| {
            let firm = cube.firm(f);
            let profile = profiles.get(&firm.enterprise_id)?;
            if holds(cube, f, tier, year) {
                return None;
            }
            let evidence = FirmEvidence { profile: Some(profile), cube, firm: f };
            let assessment = criteria.assess(&rules.version, &evidence, year);
            if assessment.gaps.iter().any(|g| g.standing) || assessment.closeness < POOL_MIN_CLOSENESS {
                return None;
            }
            let district = cube
                .exclusive(MembershipKind::District, f, None)
                .map_or_else(String::new, |d| names.of(crate::Unit::District(d), xinzhi_domain::Lang::ZhCn).1);
            Some(Candidate {
                enterprise_id: firm.enterprise_id,
                credit_code: firm.credit_code.clone(),
                name: firm.name.clone(),
                district,
                assessment,
            })
        })
        .collect();
    candidates.sort_by(|a, b| {
        b.assessment
            .closeness
            .total_cmp(&a.assessment.closeness)
            .then(b.assessment.score.unwrap_or(0.0).total_cmp(&a.assessment.score.unwrap_or(0.0)))
            .then(a.name.cmp(&b.name))
    });
    candidates
}

/// One firm against every tier of the rules, for its record page.
pub fn assess_firm(
    cube: &Cube,
    rules: &LadderRules,
    profile: Option<&FirmProfile>,
    enterprise: EnterpriseId,
    year: i32,
) -> Vec<(Tier, bool, Assessment)> {
    let Some(&f) = cube.index.get(&enterprise) else { return Vec::new() };
    let evidence = FirmEvidence { profile, cube, firm: f };
    rules
        .tiers
        .iter()
        .map(|t| (t.tier, holds(cube, f, t.tier, year), t.assess(&rules.version, &evidence, year)))
        .collect()
}

/// Every firm with a profile for `year` against every tier of the rules, whether it holds the
/// tier or not: per tier, the firms assessed and those that qualify (the benchmark's load).
pub fn assess_every_firm(
    cube: &Cube,
    rules: &LadderRules,
    profiles: &HashMap<EnterpriseId, FirmProfile>,
    year: i32,
) -> Vec<(Tier, usize, usize)> {
    rules
        .tiers
        .iter()
        .map(|t| {
            let (mut assessed, mut qualifying) = (0, 0);
            for f in 0..cube.firm_count() {
                let Some(profile) = profiles.get(&cube.firm(f).enterprise_id).filter(|p| p.has_year(year)) else {
                    continue;
                };
                let evidence = FirmEvidence { profile: Some(profile), cube, firm: f };
                assessed += 1;
                qualifying += usize::from(t.assess(&rules.version, &evidence, year).qualifies);
            }
            (t.tier, assessed, qualifying)
        })
        .collect()
}

/// Designations of one tier and level in the scope: held on the day asked, and 新增 (firms
/// designated for the first time at this tier) by year of grant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierCount {
    pub tier: Tier,
    pub level: DesignationLevel,
    pub held: usize,
    pub new_by_year: BTreeMap<i32, usize>,
}

/// The ladder of the scope on `today` (yyyymmdd): counts per tier and level, lowest tier first.
pub fn ladder_counts(cube: &Cube, scope: &Scope, today: i64) -> Vec<TierCount> {
    let mut counts: BTreeMap<(Tier, &'static str), TierCount> = BTreeMap::new();
    for f in (0..cube.firm_count()).filter(|&f| cube.in_scope(scope, f)) {
        let spans = &cube.designations[f];
        for d in spans {
            let entry = counts.entry((d.tier, d.level.as_str())).or_insert_with(|| TierCount {
                tier: d.tier,
                level: d.level,
                held: 0,
                new_by_year: BTreeMap::new(),
            });
            if d.granted_on <= today && status_on(today, d.expires_on, d.status) == DesignationStatus::Active {
                entry.held += 1;
            }
            let first = spans.iter().filter(|o| o.tier == d.tier).map(|o| o.granted_on).min();
            if first == Some(d.granted_on) {
                *entry.new_by_year.entry((d.granted_on / 10_000) as i32).or_default() += 1;
            }
        }
    }
    counts.into_values().collect()
}

/// A designation due for review.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReviewLine {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub tier: Tier,
    pub level: DesignationLevel,
    pub granted_on: i64,
    pub expires_on: i64,
    pub due: ReviewDue,
}

/// Designations of the scope whose review (复核) is due on `today`: overdue first, then by
/// expiry.
pub fn reviews_due(cube: &Cube, scope: &Scope, today: i64) -> Vec<ReviewLine> {
    let mut lines: Vec<ReviewLine> = (0..cube.firm_count())
        .filter(|&f| cube.in_scope(scope, f))
        .flat_map(|f| {
            let firm = cube.firm(f);
            cube.designations[f].iter().filter_map(move |d| {
                // A later grant of the same tier is the review already passed.
                let renewed = cube.designations[f].iter().any(|o| o.tier == d.tier && o.granted_on > d.granted_on);
                let due = ReviewDue::on(today, d.expires_on, d.status).filter(|_| !renewed)?;
                Some(ReviewLine {
                    enterprise_id: firm.enterprise_id,
                    credit_code: firm.credit_code.clone(),
                    name: firm.name.clone(),
                    tier: d.tier,
                    level: d.level,
                    granted_on: d.granted_on,
                    expires_on: d.expires_on?,
                    due,
                })
            })
        })
        .collect();
    lines.sort_by(|a, b| a.due.cmp(&b.due).then(a.expires_on.cmp(&b.expires_on)).then(a.name.cmp(&b.name)));
    lines
}
