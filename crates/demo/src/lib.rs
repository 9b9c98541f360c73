//! The demo city generator: a fictional but realistic prefecture city, deterministic for a
//! seed, calibrated to Yongzhou's 2023 figures (seed report 001): above-scale gross output
//! +2.5% on a same-caliber basis and 156 firms entering the above-scale set.
//!
//! [`plan::Plan`] decides every firm's identity, yearly levels and memberships (memory grows
//! with the number of firms, not with months × indicators); [`values`] derives the monthly
//! values firm by firm; [`load`] streams both into a [`xinzhi_store::Store`].

pub mod accounts;
pub mod layout;
pub mod load;
pub mod plan;
pub mod profiles;
pub mod values;

use xinzhi_domain::{Month, Year};

pub use load::{DemoSummary, load};

/// How big a city to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// 300 firms over 36 months, for tests.
    Small,
    /// About 3,000 firms (≈1,100 above scale) over 48 months: the demo city.
    City,
    /// 10,000 firms over 120 months, for benchmarks.
    Large,
}

impl Scale {
    pub fn parse(text: &str) -> Option<Scale> {
        match text {
            "small" => Some(Scale::Small),
            "city" => Some(Scale::City),
            "large" => Some(Scale::Large),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::Small => "small",
            Scale::City => "city",
            Scale::Large => "large",
        }
    }

    pub fn enterprises(self) -> usize {
        match self {
            Scale::Small => 300,
            Scale::City => 3_000,
            Scale::Large => 10_000,
        }
    }

    /// First and last month with values.
    pub fn window(self) -> (Month, Month) {
        let first_year = match self {
            Scale::Small => 2022,
            Scale::City => 2021,
            Scale::Large => 2015,
        };
        (Year(first_year).months().first, Year(LAST_YEAR).months().last)
    }
}

/// The demo's data ends with this year, the year after the calibration year 2023.
pub const LAST_YEAR: i32 = 2024;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoConfig {
    pub scale: Scale,
    pub seed: u64,
    /// Only these indicator codes get values; `None` means the whole catalogue. Values of an
    /// indicator are the same whichever others are chosen.
    pub indicators: Option<Vec<String>>,
}

impl DemoConfig {
    pub fn new(scale: Scale, seed: u64) -> DemoConfig {
        DemoConfig { scale, seed, indicators: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo parameter out of range: {0}")]
    Parameter(String),
    #[error("ran out of unique {0}")]
    Exhausted(&'static str),
    #[error("the database already holds data; the demo city is generated only into an empty one")]
    NotEmpty,
    #[error(transparent)]
    Store(#[from] xinzhi_store::StoreError),
}
