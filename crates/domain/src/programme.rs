//! Digital and green programmes (domain.md §9.1–9.2): what a firm can be recognised for, at
//! which levels, and how recognitions are counted against the programme targets ("推动9064家
//! 企业'上云'", "打造智能制造企业46家、智能工位458个"). domain.md marks the counting rule of
//! 上云 unconfirmed (§9.1 ❓): here a firm counts once per programme and year of recognition,
//! and a recognition that holds several units (smart stations) counts its quantity.

use serde::Serialize;

use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Programme {
    /// 企业上云 (star-rated cloud firms: 3, 4, 5 stars).
    Cloud,
    /// 上工业互联网平台.
    Platform,
    /// 智能工厂 (基础级 → 先进级 → 卓越级 → 领航级).
    SmartFactory,
    /// 智能（数字化）车间.
    SmartWorkshop,
    /// 智能制造示范产线.
    SmartLine,
    /// 智能工位: one recognition may hold many stations.
    SmartStation,
    /// 绿色工厂 (national / provincial / municipal).
    GreenFactory,
    /// 绿色设计产品: one recognition may cover several products.
    GreenProduct,
    /// 绿色供应链管理企业.
    GreenSupplyChain,
}

impl Programme {
    pub const ALL: [Programme; 9] = [
        Programme::Cloud,
        Programme::Platform,
        Programme::SmartFactory,
        Programme::SmartWorkshop,
        Programme::SmartLine,
        Programme::SmartStation,
        Programme::GreenFactory,
        Programme::GreenProduct,
        Programme::GreenSupplyChain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Programme::Cloud => "cloud",
            Programme::Platform => "platform",
            Programme::SmartFactory => "smart_factory",
            Programme::SmartWorkshop => "smart_workshop",
            Programme::SmartLine => "smart_line",
            Programme::SmartStation => "smart_station",
            Programme::GreenFactory => "green_factory",
            Programme::GreenProduct => "green_product",
            Programme::GreenSupplyChain => "green_supply_chain",
        }
    }

    pub fn parse(text: &str) -> Option<Programme> {
        Programme::ALL.into_iter().find(|p| p.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Programme::Cloud => lang.pick("企业上云", "Firms on cloud"),
            Programme::Platform => lang.pick("上工业互联网平台", "Firms on an industrial-internet platform"),
            Programme::SmartFactory => lang.pick("智能工厂", "Smart factories"),
            Programme::SmartWorkshop => lang.pick("智能车间", "Smart workshops"),
            Programme::SmartLine => lang.pick("智能制造示范产线", "Smart production lines"),
            Programme::SmartStation => lang.pick("智能工位", "Smart stations"),
            Programme::GreenFactory => lang.pick("绿色工厂", "Green factories"),
            Programme::GreenProduct => lang.pick("绿色设计产品", "Green-design products"),
            Programme::GreenSupplyChain => lang.pick("绿色供应链管理企业", "Green supply-chain firms"),
        }
    }

    /// Whether a recognition counts its quantity (stations, products) rather than once.
    pub fn counts_quantity(self) -> bool {
        matches!(self, Programme::SmartStation | Programme::GreenProduct)
    }

    /// The levels a recognition may carry (empty: none).
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Programme::Cloud => &["star3", "star4", "star5"],
            Programme::SmartFactory => &["basic", "advanced", "excellent", "leading"],
            Programme::Platform | Programme::SmartStation => &[],
            _ => &["national", "provincial", "municipal"],
        }
    }

    /// The target metric that counts this programme's new recognitions (`new_cloud`).
    pub fn metric(self) -> String {
        format!("new_{}", self.as_str())
    }
}

/// The name of a level code.
pub fn level_label(level: &str, lang: Lang) -> &'static str {
    match level {
        "star3" => lang.pick("三星级", "3 stars"),
        "star4" => lang.pick("四星级", "4 stars"),
        "star5" => lang.pick("五星级", "5 stars"),
        "basic" => lang.pick("基础级", "basic"),
        "advanced" => lang.pick("先进级", "advanced"),
        "excellent" => lang.pick("卓越级", "excellent"),
        "leading" => lang.pick("领航级", "leading"),
        "national" => lang.pick("国家级", "national"),
        "provincial" => lang.pick("省级", "provincial"),
        "municipal" => lang.pick("市级", "municipal"),
        _ => "",
    }
}

/// What one recognition adds to its programme's count.
pub fn count_of(programme: Programme, quantity: i64) -> i64 {
    if programme.counts_quantity() { quantity.max(0) } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programmes_round_trip_and_count_stations_by_quantity() {
        for p in Programme::ALL {
            assert_eq!(Programme::parse(p.as_str()), Some(p));
            assert!(p.levels().iter().all(|l| !level_label(l, Lang::ZhCn).is_empty()));
        }
        assert_eq!(count_of(Programme::SmartStation, 12), 12);
        assert_eq!(count_of(Programme::Cloud, 12), 1, "a firm is on cloud once");
        assert_eq!(Programme::Cloud.metric(), "new_cloud");
    }
}
