//! The quality-enterprise ladder (优质企业梯度培育). domain.md §3.
//!
//! Only the vocabulary lives here for now; the versioned criteria come with the cultivation
//! module.

use serde::Serialize;

use crate::lang::Lang;
use crate::period::days_of_yyyymmdd;

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

/// How soon a designation is due for review (复核), as reminders go out: 180 and 90 days
/// before it expires, and overdue after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDue {
    /// Expired and not reviewed.
    Overdue,
    /// Expires within 90 days.
    Within90,
    /// Expires within 180 days.
    Within180,
}

impl ReviewDue {
    /// Days before expiry of the two reminders.
    pub const REMINDER_DAYS: [i64; 2] = [180, 90];

    /// The reminder due on `today` (yyyymmdd) for a designation expiring on `expires_on`
    /// (its last valid day), unless it is revoked or was reviewed already.
    pub fn on(today: i64, expires_on: Option<i64>, status: DesignationStatus) -> Option<ReviewDue> {
        if matches!(status, DesignationStatus::Revoked) {
            return None;
        }
        let (today, expires) = (days_of_yyyymmdd(today)?, days_of_yyyymmdd(expires_on?)?);
        match expires - today {
            left if left < 0 => Some(ReviewDue::Overdue),
            left if left <= ReviewDue::REMINDER_DAYS[1] => Some(ReviewDue::Within90),
            left if left <= ReviewDue::REMINDER_DAYS[0] => Some(ReviewDue::Within180),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewDue::Overdue => "overdue",
            ReviewDue::Within90 => "within_90",
            ReviewDue::Within180 => "within_180",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ReviewDue::Overdue => lang.pick("已到期未复核", "Expired, not reviewed"),
            ReviewDue::Within90 => lang.pick("90天内到期", "Expires within 90 days"),
            ReviewDue::Within180 => lang.pick("180天内到期", "Expires within 180 days"),
        }
    }
}

/// The status a designation has on `today`: an active one past its expiry is expired.
pub fn status_on(today: i64, expires_on: Option<i64>, status: DesignationStatus) -> DesignationStatus {
    match (status, expires_on) {
        (DesignationStatus::Active, Some(expires)) if expires < today => DesignationStatus::Expired,
        (status, _) => status,
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

    #[test]
    fn review_reminders_come_at_180_and_90_days_and_then_overdue() {
        let expires = Some(20250630);
        let active = DesignationStatus::Active;
        // 2025-06-30 less 180 days is 2025-01-01; less 90 days is 2025-04-01.
        assert_eq!(ReviewDue::on(20241231, expires, active), None);
        assert_eq!(ReviewDue::on(20250101, expires, active), Some(ReviewDue::Within180));
        assert_eq!(ReviewDue::on(20250331, expires, active), Some(ReviewDue::Within180));
        assert_eq!(ReviewDue::on(20250401, expires, active), Some(ReviewDue::Within90));
        assert_eq!(ReviewDue::on(20250630, expires, active), Some(ReviewDue::Within90), "the last valid day");
        assert_eq!(ReviewDue::on(20250701, expires, active), Some(ReviewDue::Overdue));
        assert_eq!(ReviewDue::on(20250701, expires, DesignationStatus::Revoked), None);
        assert_eq!(ReviewDue::on(20250701, None, active), None, "no expiry, no review");
        assert_eq!(status_on(20250701, expires, active), DesignationStatus::Expired);
        assert_eq!(status_on(20250630, expires, active), DesignationStatus::Active);
    }
}
