//! Time-valid memberships of an enterprise: its district, park, clusters, chain segments, and
//! the above-scale set (规上). domain.md §1.3, §2.7, §10.4.
//!
//! A membership holds from its first month to its last month inclusive; an open end means
//! "until further notice". A firm moving district gets a new membership rather than an edit,
//! so history stays auditable and past periods can be recomputed.

use serde::Serialize;

use crate::lang::Lang;
use crate::period::Month;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipKind {
    /// The district or county (区县) the firm is attributed to.
    District,
    /// The industrial park (园区).
    Park,
    /// An industry cluster (产业集群), without a specific chain.
    Cluster,
    /// A segment of an industry chain's map (产业链环节).
    ChainSegment,
    /// The above-scale statistical set (规模以上工业企业).
    AboveScale,
}

impl MembershipKind {
    pub const ALL: [MembershipKind; 5] = [
        MembershipKind::District,
        MembershipKind::Park,
        MembershipKind::Cluster,
        MembershipKind::ChainSegment,
        MembershipKind::AboveScale,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MembershipKind::District => "district",
            MembershipKind::Park => "park",
            MembershipKind::Cluster => "cluster",
            MembershipKind::ChainSegment => "chain_segment",
            MembershipKind::AboveScale => "above_scale",
        }
    }

    pub fn parse(text: &str) -> Option<MembershipKind> {
        MembershipKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MembershipKind::District => lang.pick("所属区县", "District"),
            MembershipKind::Park => lang.pick("所在园区", "Park"),
            MembershipKind::Cluster => lang.pick("产业集群", "Cluster"),
            MembershipKind::ChainSegment => lang.pick("产业链环节", "Chain segment"),
            MembershipKind::AboveScale => lang.pick("规模以上工业", "Above designated size"),
        }
    }
}

/// The months a membership holds: `from` through `to` inclusive, open-ended if `to` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Validity {
    pub from: Month,
    pub to: Option<Month>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a membership cannot end ({to}) before it starts ({from})")]
pub struct ValidityError {
    pub from: Month,
    pub to: Month,
}

impl Validity {
    pub fn new(from: Month, to: Option<Month>) -> Result<Validity, ValidityError> {
        match to {
            Some(to) if to < from => Err(ValidityError { from, to }),
            _ => Ok(Validity { from, to }),
        }
    }

    pub fn open(from: Month) -> Validity {
        Validity { from, to: None }
    }

    pub fn contains(&self, month: Month) -> bool {
        self.from <= month && self.to.is_none_or(|to| month <= to)
    }

    /// True if the two validities share at least one month.
    pub fn overlaps(&self, other: &Validity) -> bool {
        let ends_before = |a: &Validity, b: &Validity| a.to.is_some_and(|to| to < b.from);
        !ends_before(self, other) && !ends_before(other, self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month(text: &str) -> Month {
        Month::parse(text).expect(text)
    }

    #[test]
    fn validity_is_inclusive_at_both_ends_and_open_ended_without_an_end() {
        let closed = Validity::new(month("2023-01"), Some(month("2023-12"))).expect("ordered");
        assert!(closed.contains(month("2023-01")) && closed.contains(month("2023-12")));
        assert!(!closed.contains(month("2022-12")) && !closed.contains(month("2024-01")));
        let open = Validity::open(month("2023-06"));
        assert!(open.contains(month("2030-01")) && !open.contains(month("2023-05")));
    }

    #[test]
    fn reversed_validity_is_rejected_and_overlaps_are_detected() {
        assert!(Validity::new(month("2024-02"), Some(month("2024-01"))).is_err());
        let a = Validity::new(month("2022-01"), Some(month("2022-12"))).expect("ordered");
        let b = Validity::open(month("2023-01"));
        let c = Validity::open(month("2022-12"));
        assert!(!a.overlaps(&b) && a.overlaps(&c) && b.overlaps(&c));
    }
}
