//! The quality-enterprise ladder (优质企业梯度培育). domain.md §3.
//!
//! Only the vocabulary lives here for now; the versioned criteria come with the cultivation
//! module.

use serde::Serialize;

use crate::lang::Lang;

/// A tier of the ladder, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 创新型中小企业
    InnovativeSme,
    /// 专精特新中小企业
    SrdiSme,
    /// 专精特新"小巨人"
    LittleGiant,
    /// 制造业单项冠军
    SingleChampion,
    /// 产业链领航企业 / 链主
    ChainLeader,
}

impl Tier {
    pub const ALL: [Tier; 5] =
        [Tier::InnovativeSme, Tier::SrdiSme, Tier::LittleGiant, Tier::SingleChampion, Tier::ChainLeader];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::InnovativeSme => "innovative_sme",
            Tier::SrdiSme => "srdi_sme",
            Tier::LittleGiant => "little_giant",
            Tier::SingleChampion => "single_champion",
            Tier::ChainLeader => "chain_leader",
        }
    }

    pub fn parse(text: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Tier::InnovativeSme => lang.pick("创新型中小企业", "Innovative SME"),
            Tier::SrdiSme => lang.pick("专精特新中小企业", "Specialised and innovative SME"),
            Tier::LittleGiant => lang.pick("专精特新“小巨人”", "Little giant"),
            Tier::SingleChampion => lang.pick("制造业单项冠军", "Single-item champion"),
            Tier::ChainLeader => lang.pick("产业链领航企业", "Chain-leading enterprise"),
        }
    }

    /// Years a designation of this tier stays valid before review (复核), where one is known
    /// (3 years for the SME tiers and little giants, domain.md §3.3–§3.4).
    pub fn validity_years(self) -> Option<i32> {
        match self {
            Tier::InnovativeSme | Tier::SrdiSme | Tier::LittleGiant | Tier::SingleChampion => Some(3),
            Tier::ChainLeader => None,
        }
    }
}

/// The authority level of a designation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationLevel {
    National,
    Provincial,
    Municipal,
}

impl DesignationLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            DesignationLevel::National => "national",
            DesignationLevel::Provincial => "provincial",
            DesignationLevel::Municipal => "municipal",
        }
    }

    pub fn parse(text: &str) -> Option<DesignationLevel> {
        [DesignationLevel::National, DesignationLevel::Provincial, DesignationLevel::Municipal]
            .into_iter()
            .find(|l| l.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DesignationLevel::National => lang.pick("国家级", "National"),
            DesignationLevel::Provincial => lang.pick("省级", "Provincial"),
            DesignationLevel::Municipal => lang.pick("市级", "Municipal"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignationStatus {
    Active,
    Expired,
    Revoked,
    UnderReview,
}

impl DesignationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DesignationStatus::Active => "active",
            DesignationStatus::Expired => "expired",
            DesignationStatus::Revoked => "revoked",
            DesignationStatus::UnderReview => "under_review",
        }
    }

    pub fn parse(text: &str) -> Option<DesignationStatus> {
        [
            DesignationStatus::Active,
            DesignationStatus::Expired,
            DesignationStatus::Revoked,
            DesignationStatus::UnderReview,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_round_trip_and_are_ordered_up_the_ladder() {
        for tier in Tier::ALL {
            assert_eq!(Tier::parse(tier.as_str()), Some(tier));
        }
        assert!(Tier::InnovativeSme < Tier::SrdiSme && Tier::SrdiSme < Tier::LittleGiant);
        assert_eq!(DesignationLevel::parse("provincial"), Some(DesignationLevel::Provincial));
        assert_eq!(DesignationStatus::parse("under_review"), Some(DesignationStatus::UnderReview));
    }
}
