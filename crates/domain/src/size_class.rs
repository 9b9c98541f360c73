//! 中小企业划型: size class of an industrial enterprise. domain.md §3.1.
//!
//! The bands are a versioned rule set (工信部联企业〔2011〕300号 for industry); a revision is a
//! new constant, not an edit of this one.

use serde::Serialize;

use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SizeClass {
    Large,
    Medium,
    Small,
    Micro,
}

impl SizeClass {
    /// True for the 中小微 classes, the precondition of the SME ladder tiers.
    pub fn is_sme(self) -> bool {
        self != SizeClass::Large
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SizeClass::Large => lang.pick("大型", "Large"),
            SizeClass::Medium => lang.pick("中型", "Medium"),
            SizeClass::Small => lang.pick("小型", "Small"),
            SizeClass::Micro => lang.pick("微型", "Micro"),
        }
    }
}

/// One band: both the employee and the revenue floor must be reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub min_employees: u32,
    /// Operating revenue (营业收入) in 万元.
    pub min_revenue_wan: f64,
}

/// The bands of one version of the standard, tested large → medium → small; else micro.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeBands {
    pub version: &'static str,
    pub large: Band,
    pub medium: Band,
    pub small: Band,
}

impl SizeBands {
    /// 工业, 工信部联企业〔2011〕300号.
    pub const INDUSTRY_2011: SizeBands = SizeBands {
        version: "工信部联企业〔2011〕300号",
        large: Band { min_employees: 1000, min_revenue_wan: 40_000.0 },
        medium: Band { min_employees: 300, min_revenue_wan: 2_000.0 },
        small: Band { min_employees: 20, min_revenue_wan: 300.0 },
    };

    /// Classifies by employees (从业人员) and operating revenue in 万元.
    pub fn classify(&self, employees: u32, revenue_wan: f64) -> SizeClass {
        let reaches = |band: Band| employees >= band.min_employees && revenue_wan >= band.min_revenue_wan;
        if reaches(self.large) {
            SizeClass::Large
        } else if reaches(self.medium) {
            SizeClass::Medium
        } else if reaches(self.small) {
            SizeClass::Small
        } else {
            SizeClass::Micro
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn industry_bands_follow_the_2011_standard_at_their_edges() {
        let bands = SizeBands::INDUSTRY_2011;
        assert_eq!(bands.classify(1000, 40_000.0), SizeClass::Large);
        // Large needs both: many employees but revenue just under the floor is medium.
        assert_eq!(bands.classify(5000, 39_999.9), SizeClass::Medium);
        assert_eq!(bands.classify(999, 90_000.0), SizeClass::Medium);
        assert_eq!(bands.classify(300, 2_000.0), SizeClass::Medium);
        assert_eq!(bands.classify(299, 2_000.0), SizeClass::Small);
        assert_eq!(bands.classify(20, 300.0), SizeClass::Small);
        assert_eq!(bands.classify(19, 10_000.0), SizeClass::Micro);
        assert_eq!(bands.classify(500, 299.0), SizeClass::Micro);
        assert!(!SizeClass::Large.is_sme() && SizeClass::Micro.is_sme());
    }
}
