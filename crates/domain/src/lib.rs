//! Pure domain types and rules of Xinzhi.
//!
//! Everything here is deterministic and free of IO: no async, no database, no HTTP.
//! Types parse their input (`parse`/`TryFrom`) so that the layers above only ever hold
//! valid values. Rules carry the section of `shared/docs/domain.md` they come from.

pub mod access;
pub mod attachment;
pub mod briefing;
pub mod calendar;
pub mod commendation;
pub mod credit_code;
pub mod criteria;
pub mod forecast;
pub mod growth;
pub mod indicator;
pub mod industry;
pub mod ladder;
pub mod lang;
pub mod membership;
pub mod mu;
pub mod peer;
pub mod period;
pub mod permission;
pub mod policy;
pub mod profile;
pub mod programme;
pub mod project;
pub mod promotion;
pub mod region;
pub mod reporting;
pub mod request;
pub mod shipped;
pub mod size_class;
pub mod targets;
pub mod task;
pub mod text;
pub mod validation;

pub use access::{
    PasswordError, PasswordPolicy, Role, ScopeKind, SecurityPolicy, SecurityPolicyError, SignInThrottle, TokenLifetime,
    Username,
};
pub use credit_code::{CreditCode, CreditCodeError, CreditCodeWarning};
pub use growth::Comparison;
pub use indicator::{Aggregation, IndicatorCode, IndicatorDef, IndicatorDraft, RangeError, TemporalKind, ValueRange};
pub use industry::{IndustryCode, IndustryCodeError};
pub use ladder::{DesignationLevel, DesignationStatus, Tier};
pub use lang::{Lang, Localize};
pub use membership::{MembershipKind, Validity};
pub use period::{Month, Period, PeriodError, Year};
pub use permission::Permission;
pub use region::{RegionCode, RegionCodeError, RegionLevel};
pub use size_class::{SizeBands, SizeClass};
