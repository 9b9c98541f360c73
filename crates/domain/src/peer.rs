//! Peer benchmarking (对标): which of the city's own figures stands beside a figure another
//! region published. The indicator names of reports vary (`规上工业增加值`, `规模工业增加值`,
//! `规模以上工业增加值`); the rules below read them by their words. 工业增加值 itself is the
//! statistics bureau's figure, computed from more than the firms' reports; the city's own
//! same-caliber growth of gross output stands beside it as a reference and says so.

use crate::targets::TargetKind;

/// The city's own figure for a peer indicator: a target metric (`gross_output`,
/// `new_above_scale`, `new_little_giant`…) read as a growth rate or a count of the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnMetric {
    pub metric: &'static str,
    pub kind: TargetKind,
    /// A reference, not the same measure (gross output growth beside value added growth).
    pub proxy: bool,
}

/// (words that must all appear, is a growth rate, metric, target kind, proxy)
const RULES: &[(&[&str], bool, &str, TargetKind, bool)] = &[
    (&["工业增加值"], true, "gross_output", TargetKind::Growth, true),
    (&["工业总产值"], true, "gross_output", TargetKind::Growth, false),
    (&["营业收入"], true, "revenue", TargetKind::Growth, false),
    (&["利润"], true, "total_profit", TargetKind::Growth, false),
    (&["用电量"], true, "electricity", TargetKind::Growth, false),
    (&["出口交货值"], true, "export_delivery", TargetKind::Growth, false),
    (&["小巨人"], false, "new_little_giant", TargetKind::Count, false),
    (&["单项冠军"], false, "new_single_champion", TargetKind::Count, false),
    (&["专精特新", "中小企业"], false, "new_srdi_sme", TargetKind::Count, false),
    (&["创新型中小企业"], false, "new_innovative_sme", TargetKind::Count, false),
    (&["上云"], false, "new_cloud", TargetKind::Count, false),
    (&["上平台"], false, "new_platform", TargetKind::Count, false),
    (&["智能工厂"], false, "new_smart_factory", TargetKind::Count, false),
    (&["智能车间"], false, "new_smart_workshop", TargetKind::Count, false),
    (&["智能工位"], false, "new_smart_station", TargetKind::Count, false),
    (&["绿色工厂"], false, "new_green_factory", TargetKind::Count, false),
    (&["规上", "企业"], false, "new_above_scale", TargetKind::Count, false),
    (&["规模以上", "企业"], false, "new_above_scale", TargetKind::Count, false),
    (&["规模工业企业"], false, "new_above_scale", TargetKind::Count, false),
];

/// The city's own metric for a peer's indicator, if Xinzhi has one: `growth` for a rate in
/// percent, otherwise a count. Counts must be of new things (`新增`, `新认定`, `推动`…).
pub fn own_metric(indicator: &str, growth: bool) -> Option<OwnMetric> {
    let words: String = indicator.chars().filter(|c| !"“”\"' ".contains(*c)).collect();
    let new_things =
        ["新增", "新认定", "新培育", "推动", "打造", "培育", "认定", "创建"].iter().any(|w| words.contains(w));
    RULES
        .iter()
        .find(|(all, is_growth, _, _, _)| *is_growth == growth && all.iter().all(|w| words.contains(w)))
        .filter(|(_, is_growth, _, _, _)| *is_growth || new_things)
        .map(|(_, _, metric, kind, proxy)| OwnMetric { metric, kind: *kind, proxy: *proxy })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_genres_names_find_the_citys_own_metrics() {
        let va = own_metric("规模工业增加值", true).expect("value added");
        assert_eq!((va.metric, va.kind, va.proxy), ("gross_output", TargetKind::Growth, true));
        assert_eq!(own_metric("新增规上企业", false).map(|m| m.metric), Some("new_above_scale"));
        assert_eq!(own_metric("新增规模以上工业企业", false).map(|m| m.metric), Some("new_above_scale"));
        assert_eq!(own_metric("新增国家专精特新“小巨人”企业", false).map(|m| m.metric), Some("new_little_giant"));
        assert_eq!(own_metric("新增省级专精特新中小企业", false).map(|m| m.metric), Some("new_srdi_sme"));
        assert_eq!(own_metric("推动企业“上云”", false).map(|m| m.metric), Some("new_cloud"));
    }

    #[test]
    fn what_xinzhi_does_not_measure_has_no_own_figure() {
        assert_eq!(own_metric("电网供电能力", false), None);
        assert_eq!(own_metric("工业固定资产投资", true), None);
        // A stock of firms is not the year's new ones.
        assert_eq!(own_metric("规上企业总数", false), None);
        // A count is not a growth rate.
        assert_eq!(own_metric("规上工业增加值", false), None);
    }
}
