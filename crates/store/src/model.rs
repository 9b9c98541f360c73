//! Records as stored and read back. Inserts use `New<Entity>`; ids are typed per entity so a
//! park id cannot be passed where a region id is expected.

use serde::Serialize;
use xinzhi_domain::{
    CreditCode, DesignationLevel, DesignationStatus, IndustryCode, MembershipKind, Month, RegionCode, RegionLevel,
    Tier, Validity,
};

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);
    )*};
}

id_type!(
    RegionId,
    ParkId,
    EnterpriseId,
    ClusterId,
    ChainId,
    SegmentId,
    IndicatorId,
    MembershipId,
    DesignationId,
    DepartmentId,
    UserId,
    ApiTokenId,
    AuditId
);

#[derive(Debug, Clone, Serialize)]
pub struct Region {
    pub region_id: RegionId,
    pub code: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    pub parent_id: Option<RegionId>,
    pub level: RegionLevel,
}

#[derive(Debug, Clone)]
pub struct NewRegion {
    pub code: RegionCode,
    pub name_zh: String,
    pub name_en: String,
    pub parent_id: Option<RegionId>,
}

/// Kinds of park, as the bureau calls them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParkKind {
    /// 国家级经济技术开发区
    NationalEconomicZone,
    /// 国家级高新技术产业开发区
    NationalHighTechZone,
    /// 省级高新技术产业开发区
    ProvincialHighTechZone,
    /// 省级工业园区 / 产业开发区
    ProvincialIndustrialPark,
}

impl ParkKind {
    pub const ALL: [ParkKind; 4] = [
        ParkKind::NationalEconomicZone,
        ParkKind::NationalHighTechZone,
        ParkKind::ProvincialHighTechZone,
        ParkKind::ProvincialIndustrialPark,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParkKind::NationalEconomicZone => "national_economic_zone",
            ParkKind::NationalHighTechZone => "national_high_tech_zone",
            ParkKind::ProvincialHighTechZone => "provincial_high_tech_zone",
            ParkKind::ProvincialIndustrialPark => "provincial_industrial_park",
        }
    }

    pub fn parse(text: &str) -> Option<ParkKind> {
        ParkKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Park {
    pub park_id: ParkId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub region_id: RegionId,
    pub kind: ParkKind,
    pub area_mu: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct NewPark {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub region_id: RegionId,
    pub kind: ParkKind,
    pub area_mu: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct NewEnterprise {
    pub credit_code: CreditCode,
    pub name: String,
    pub industry_code: IndustryCode,
    /// yyyymmdd
    pub established_on: Option<i64>,
    pub closed_on: Option<i64>,
    pub land_area_mu: Option<f64>,
    pub employees: Option<i64>,
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Enterprise {
    pub enterprise_id: EnterpriseId,
    pub credit_code: CreditCode,
    pub name: String,
    pub industry_code: IndustryCode,
    pub established_on: Option<i64>,
    pub closed_on: Option<i64>,
    pub land_area_mu: Option<f64>,
    pub employees: Option<i64>,
    pub address: Option<String>,
}

/// A row of the enterprise list: the record plus its current attributions.
#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseSummary {
    pub enterprise_id: EnterpriseId,
    pub credit_code: CreditCode,
    pub name: String,
    pub industry_code: IndustryCode,
    pub district_code: Option<String>,
    pub district_zh: Option<String>,
    pub district_en: Option<String>,
    pub park_code: Option<String>,
    pub park_zh: Option<String>,
    pub park_en: Option<String>,
    pub above_scale: bool,
}

/// Filters of the enterprise list; every field narrows the result.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseFilter {
    /// Part of the name, or the start of the credit code.
    pub text: Option<String>,
    /// Admin code of the current district.
    pub district: Option<RegionCode>,
    /// Code of the current park.
    pub park: Option<String>,
    /// An industry code at any level; matches its sub-classes.
    pub industry: Option<IndustryCode>,
    /// Currently in (true) or out of (false) the above-scale set.
    pub above_scale: Option<bool>,
    /// Holds an active designation of this tier.
    pub tier: Option<Tier>,
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    pub const MAX_LIMIT: i64 = 500;

    /// Clamps to 1..=500 rows and a non-negative offset.
    pub fn new(limit: i64, offset: i64) -> Page {
        Page { limit: limit.clamp(1, Page::MAX_LIMIT), offset: offset.max(0) }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PageOf<T> {
    pub total: i64,
    pub items: Vec<T>,
}

/// What a membership points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipTarget {
    District(RegionId),
    Park(ParkId),
    Cluster(ClusterId),
    ChainSegment(SegmentId),
    AboveScale,
}

impl MembershipTarget {
    pub fn kind(self) -> MembershipKind {
        match self {
            MembershipTarget::District(_) => MembershipKind::District,
            MembershipTarget::Park(_) => MembershipKind::Park,
            MembershipTarget::Cluster(_) => MembershipKind::Cluster,
            MembershipTarget::ChainSegment(_) => MembershipKind::ChainSegment,
            MembershipTarget::AboveScale => MembershipKind::AboveScale,
        }
    }

    /// Kinds where a firm belongs to at most one target at a time.
    pub fn is_exclusive(self) -> bool {
        matches!(self.kind(), MembershipKind::District | MembershipKind::Park | MembershipKind::AboveScale)
    }
}

#[derive(Debug, Clone)]
pub struct NewMembership {
    pub enterprise_id: EnterpriseId,
    pub target: MembershipTarget,
    pub validity: Validity,
    pub reason: Option<String>,
}

/// A membership with the names of what it points at, for the enterprise record.
#[derive(Debug, Clone, Serialize)]
pub struct MembershipView {
    pub membership_id: MembershipId,
    pub kind: MembershipKind,
    pub target_code: Option<String>,
    pub target_zh: Option<String>,
    pub target_en: Option<String>,
    pub valid_from: Month,
    pub valid_to: Option<Month>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewDesignation {
    pub enterprise_id: EnterpriseId,
    pub tier: Tier,
    pub level: DesignationLevel,
    /// yyyymmdd
    pub granted_on: i64,
    pub expires_on: Option<i64>,
    pub status: DesignationStatus,
    pub batch: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Designation {
    pub designation_id: DesignationId,
    pub tier: Tier,
    pub level: DesignationLevel,
    pub granted_on: i64,
    pub expires_on: Option<i64>,
    pub status: DesignationStatus,
    pub batch: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cluster {
    pub cluster_id: ClusterId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub level: String,
}

#[derive(Debug, Clone)]
pub struct NewCluster {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub level: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Chain {
    pub chain_id: ChainId,
    pub cluster_id: ClusterId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone)]
pub struct NewChain {
    pub cluster_id: ClusterId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// The three stages of a chain map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Upstream,
    Midstream,
    Downstream,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::Upstream, Stage::Midstream, Stage::Downstream];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Upstream => "upstream",
            Stage::Midstream => "midstream",
            Stage::Downstream => "downstream",
        }
    }

    pub fn parse(text: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct NewSegment {
    pub chain_id: ChainId,
    pub parent_id: Option<SegmentId>,
    pub stage: Stage,
    pub name_zh: String,
    pub name_en: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainChief {
    pub name: String,
    pub title: String,
    pub appointed_on: Option<i64>,
}

/// A firm placed on a chain map.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentMember {
    pub credit_code: CreditCode,
    pub name: String,
    pub above_scale: bool,
    pub chain_owner: bool,
}

/// A node of the chain map with its firms and sub-segments.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentNode {
    pub segment_id: SegmentId,
    pub stage: Stage,
    pub name_zh: String,
    pub name_en: String,
    pub members: Vec<SegmentMember>,
    pub children: Vec<SegmentNode>,
}

/// A chain with its chiefs, owners and map.
#[derive(Debug, Clone, Serialize)]
pub struct ChainMap {
    pub chain: Chain,
    pub cluster: Cluster,
    pub chiefs: Vec<ChainChief>,
    pub owners: Vec<SegmentMember>,
    /// Root segments, upstream first.
    pub segments: Vec<SegmentNode>,
    pub enterprise_count: i64,
}

/// An indicator as stored, with its id and place in the form.
#[derive(Debug, Clone, Serialize)]
pub struct Indicator {
    pub indicator_id: IndicatorId,
    #[serde(flatten)]
    pub def: xinzhi_domain::IndicatorDef,
    pub position: i64,
    pub active: bool,
}

/// One monthly value to write.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewDataValue {
    pub enterprise_id: EnterpriseId,
    pub indicator_id: IndicatorId,
    pub period: Month,
    pub value: f64,
}

/// A stored monthly value.
#[derive(Debug, Clone, Serialize)]
pub struct DataValue {
    pub indicator_id: IndicatorId,
    pub period: Month,
    pub value: f64,
    pub revision: i64,
    pub source: String,
}

/// One past version of a value.
#[derive(Debug, Clone, Serialize)]
pub struct DataValueRevision {
    pub revision: i64,
    pub value: f64,
    pub source: String,
    pub written_at: i64,
    pub replaced_at: i64,
    pub reason: Option<String>,
    /// Who replaced this version (absent on rows older than the column).
    pub changed_by: Option<String>,
}

/// Enterprise counts for the overview, per group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupCount {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub enterprises: i64,
    pub above_scale: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierCount {
    pub tier: Tier,
    pub level: DesignationLevel,
    pub enterprises: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub enterprises: i64,
    pub above_scale: i64,
    pub by_district: Vec<GroupCount>,
    pub by_park: Vec<GroupCount>,
    pub by_tier: Vec<TierCount>,
    pub first_month: Option<Month>,
    pub last_month: Option<Month>,
}
