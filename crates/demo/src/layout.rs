//! The fixed shape of the demo city 潇州市 (Xiaozhou), a fictional prefecture city in Hunan
//! modelled on Yongzhou (seed report 001): eight districts and counties, six parks, and a
//! "3×2" industrial system of three clusters with two chains each.

/// The city's admin code (Hunan 43; prefecture 60 is unused by real cities).
pub const CITY_CODE: &str = "436000";
pub const CITY_ZH: &str = "潇州市";
pub const CITY_EN: &str = "Xiaozhou";

/// (code, Chinese name, English name, short name for firm names, weight of firms).
pub const DISTRICTS: [(&str, &str, &str, &str, f64); 8] = [
    ("436002", "潇水区", "Xiaoshui District", "潇水", 0.17),
    ("436003", "湘源区", "Xiangyuan District", "湘源", 0.15),
    ("436021", "祁安县", "Qi'an County", "祁安", 0.16),
    ("436022", "东岭县", "Dongling County", "东岭", 0.10),
    ("436023", "双溪县", "Shuangxi County", "双溪", 0.09),
    ("436024", "道南县", "Daonan County", "道南", 0.10),
    ("436025", "江源县", "Jiangyuan County", "江源", 0.12),
    ("436081", "清水市", "Qingshui City", "清水", 0.11),
];

/// (code, Chinese name, English name, district index, kind, planned area in mu).
pub const PARKS: [(&str, &str, &str, usize, &str, f64); 6] = [
    (
        "XZETDZ",
        "潇州经济技术开发区",
        "Xiaozhou Economic and Technological Development Zone",
        0,
        "national_economic_zone",
        28_000.0,
    ),
    (
        "XZHTZ",
        "潇州高新技术产业开发区",
        "Xiaozhou High-tech Industrial Development Zone",
        1,
        "provincial_high_tech_zone",
        16_500.0,
    ),
    (
        "QAHTZ",
        "祁安高新技术产业开发区",
        "Qi'an High-tech Industrial Development Zone",
        2,
        "provincial_high_tech_zone",
        14_000.0,
    ),
    ("DLIP", "东岭工业集中区", "Dongling Industrial Park", 3, "provincial_industrial_park", 6_800.0),
    (
        "JYHTZ",
        "江源高新技术产业开发区",
        "Jiangyuan High-tech Industrial Development Zone",
        6,
        "provincial_high_tech_zone",
        12_000.0,
    ),
    ("QSIP", "清水产业开发区", "Qingshui Industrial Development Zone", 7, "provincial_industrial_park", 7_500.0),
];

/// An industry the demo populates: a GB/T 4754 class with the traits firms draw from.
pub struct IndustryProfile {
    pub code: &'static str,
    /// Word used in generated firm names.
    pub name_word: &'static str,
    /// Relative number of firms.
    pub weight: f64,
    /// Yearly growth drift relative to the city (fraction).
    pub drift: f64,
    /// Share of sales exported.
    pub export_share: f64,
    /// Electricity per output, 万kWh per 万元.
    pub kwh_per_wan: f64,
}

pub const INDUSTRIES: [IndustryProfile; 34] = [
    IndustryProfile {
        code: "B0932",
        name_word: "稀土矿业",
        weight: 0.6,
        drift: 0.00,
        export_share: 0.0,
        kwh_per_wan: 0.09,
    },
    IndustryProfile {
        code: "B1011",
        name_word: "矿业",
        weight: 1.8,
        drift: -0.03,
        export_share: 0.0,
        kwh_per_wan: 0.08,
    },
    IndustryProfile {
        code: "C1311",
        name_word: "米业",
        weight: 3.5,
        drift: -0.01,
        export_share: 0.01,
        kwh_per_wan: 0.02,
    },
    IndustryProfile {
        code: "C1331",
        name_word: "油脂",
        weight: 2.0,
        drift: 0.00,
        export_share: 0.0,
        kwh_per_wan: 0.015,
    },
    IndustryProfile {
        code: "C1391",
        name_word: "淀粉",
        weight: 1.0,
        drift: 0.00,
        export_share: 0.02,
        kwh_per_wan: 0.03,
    },
    IndustryProfile {
        code: "C1513",
        name_word: "酒业",
        weight: 0.8,
        drift: 0.02,
        export_share: 0.0,
        kwh_per_wan: 0.01,
    },
    IndustryProfile {
        code: "C1530",
        name_word: "茶业",
        weight: 2.2,
        drift: 0.02,
        export_share: 0.05,
        kwh_per_wan: 0.01,
    },
    IndustryProfile {
        code: "C1711",
        name_word: "纺织",
        weight: 3.0,
        drift: -0.02,
        export_share: 0.15,
        kwh_per_wan: 0.05,
    },
    IndustryProfile {
        code: "C1819",
        name_word: "服饰",
        weight: 3.2,
        drift: -0.01,
        export_share: 0.25,
        kwh_per_wan: 0.01,
    },
    IndustryProfile {
        code: "C1910",
        name_word: "皮革",
        weight: 1.5,
        drift: -0.01,
        export_share: 0.10,
        kwh_per_wan: 0.02,
    },
    IndustryProfile {
        code: "C1922",
        name_word: "皮具箱包",
        weight: 4.5,
        drift: 0.02,
        export_share: 0.35,
        kwh_per_wan: 0.008,
    },
    IndustryProfile {
        code: "C1951",
        name_word: "鞋业",
        weight: 3.5,
        drift: 0.01,
        export_share: 0.30,
        kwh_per_wan: 0.008,
    },
    IndustryProfile {
        code: "C1952",
        name_word: "鞋业",
        weight: 3.0,
        drift: 0.01,
        export_share: 0.35,
        kwh_per_wan: 0.008,
    },
    IndustryProfile {
        code: "C2011",
        name_word: "木业",
        weight: 2.0,
        drift: -0.02,
        export_share: 0.02,
        kwh_per_wan: 0.03,
    },
    IndustryProfile {
        code: "C2110",
        name_word: "家具",
        weight: 2.0,
        drift: -0.02,
        export_share: 0.08,
        kwh_per_wan: 0.015,
    },
    IndustryProfile {
        code: "C2221",
        name_word: "纸业",
        weight: 1.2,
        drift: -0.01,
        export_share: 0.0,
        kwh_per_wan: 0.07,
    },
    IndustryProfile {
        code: "C2614",
        name_word: "化工",
        weight: 1.6,
        drift: 0.01,
        export_share: 0.05,
        kwh_per_wan: 0.06,
    },
    IndustryProfile {
        code: "C2720",
        name_word: "制药",
        weight: 1.5,
        drift: 0.03,
        export_share: 0.03,
        kwh_per_wan: 0.015,
    },
    IndustryProfile {
        code: "C2740",
        name_word: "药业",
        weight: 1.2,
        drift: 0.02,
        export_share: 0.02,
        kwh_per_wan: 0.012,
    },
    IndustryProfile {
        code: "C2929",
        name_word: "塑业",
        weight: 2.5,
        drift: 0.00,
        export_share: 0.05,
        kwh_per_wan: 0.04,
    },
    IndustryProfile {
        code: "C3011",
        name_word: "水泥",
        weight: 1.0,
        drift: -0.05,
        export_share: 0.0,
        kwh_per_wan: 0.12,
    },
    IndustryProfile {
        code: "C3021",
        name_word: "建材",
        weight: 3.0,
        drift: -0.04,
        export_share: 0.0,
        kwh_per_wan: 0.04,
    },
    IndustryProfile {
        code: "C3232",
        name_word: "稀土",
        weight: 0.8,
        drift: 0.04,
        export_share: 0.08,
        kwh_per_wan: 0.10,
    },
    IndustryProfile {
        code: "C3240",
        name_word: "新材料",
        weight: 1.4,
        drift: 0.05,
        export_share: 0.05,
        kwh_per_wan: 0.06,
    },
    IndustryProfile {
        code: "C3311",
        name_word: "钢构",
        weight: 2.4,
        drift: -0.01,
        export_share: 0.0,
        kwh_per_wan: 0.03,
    },
    IndustryProfile {
        code: "C3612",
        name_word: "新能源汽车",
        weight: 0.3,
        drift: 0.10,
        export_share: 0.03,
        kwh_per_wan: 0.01,
    },
    IndustryProfile {
        code: "C3670",
        name_word: "汽车零部件",
        weight: 2.6,
        drift: 0.05,
        export_share: 0.10,
        kwh_per_wan: 0.02,
    },
    IndustryProfile {
        code: "C3813",
        name_word: "电机",
        weight: 3.0,
        drift: 0.05,
        export_share: 0.30,
        kwh_per_wan: 0.02,
    },
    IndustryProfile {
        code: "C3831",
        name_word: "电缆",
        weight: 1.2,
        drift: 0.01,
        export_share: 0.02,
        kwh_per_wan: 0.02,
    },
    IndustryProfile {
        code: "C3841",
        name_word: "锂电",
        weight: 1.2,
        drift: 0.08,
        export_share: 0.12,
        kwh_per_wan: 0.03,
    },
    IndustryProfile {
        code: "C3982",
        name_word: "电子",
        weight: 2.0,
        drift: 0.04,
        export_share: 0.30,
        kwh_per_wan: 0.02,
    },
    IndustryProfile {
        code: "C3985",
        name_word: "电子材料",
        weight: 1.0,
        drift: 0.06,
        export_share: 0.15,
        kwh_per_wan: 0.05,
    },
    IndustryProfile {
        code: "C4011",
        name_word: "智能装备",
        weight: 1.4,
        drift: 0.06,
        export_share: 0.08,
        kwh_per_wan: 0.01,
    },
    IndustryProfile {
        code: "D4413",
        name_word: "水电",
        weight: 1.5,
        drift: 0.00,
        export_share: 0.0,
        kwh_per_wan: 0.02,
    },
];

/// A segment of a chain map: its stage, names, and the industries whose firms sit on it.
pub struct SegmentSpec {
    pub stage: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub industries: &'static [&'static str],
}

pub struct ChainSpec {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub chief_name: &'static str,
    pub chief_title: &'static str,
    pub segments: &'static [SegmentSpec],
}

pub struct ClusterSpec {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    pub level: &'static str,
    pub chains: [ChainSpec; 2],
}

/// The "3×2" system.
pub const CLUSTERS: [ClusterSpec; 3] = [
    ClusterSpec {
        code: "advanced_equipment",
        name_zh: "先进装备制造产业集群",
        name_en: "Advanced equipment manufacturing cluster",
        level: "provincial",
        chains: [
            ChainSpec {
                code: "micro_motors",
                name_zh: "微特电机及智能装备产业链",
                name_en: "Micro motors and intelligent equipment chain",
                chief_name: "周立新",
                chief_title: "市委副书记",
                segments: &[
                    SegmentSpec {
                        stage: "upstream",
                        name_zh: "电工材料",
                        name_en: "Electrical materials",
                        industries: &["C3831", "C3240"],
                    },
                    SegmentSpec {
                        stage: "midstream",
                        name_zh: "微特电机制造",
                        name_en: "Micro motor manufacturing",
                        industries: &["C3813"],
                    },
                    SegmentSpec {
                        stage: "downstream",
                        name_zh: "智能装备与应用",
                        name_en: "Intelligent equipment and applications",
                        industries: &["C4011"],
                    },
                ],
            },
            ChainSpec {
                code: "nev_parts",
                name_zh: "新能源汽车及零部件产业链",
                name_en: "New-energy vehicles and parts chain",
                chief_name: "陈国栋",
                chief_title: "常务副市长",
                segments: &[
                    SegmentSpec {
                        stage: "upstream",
                        name_zh: "动力电池",
                        name_en: "Traction batteries",
                        industries: &["C3841"],
                    },
                    SegmentSpec {
                        stage: "midstream",
                        name_zh: "汽车零部件",
                        name_en: "Vehicle parts",
                        industries: &["C3670", "C2929"],
                    },
                    SegmentSpec {
                        stage: "downstream",
                        name_zh: "整车制造",
                        name_en: "Vehicle assembly",
                        industries: &["C3612"],
                    },
                ],
            },
        ],
    },
    ClusterSpec {
        code: "new_materials",
        name_zh: "新材料产业集群",
        name_en: "New materials cluster",
        level: "provincial",
        chains: [
            ChainSpec {
                code: "rare_earth",
                name_zh: "稀土新材料产业链",
                name_en: "Rare-earth new materials chain",
                chief_name: "刘文涛",
                chief_title: "副市长",
                segments: &[
                    SegmentSpec {
                        stage: "upstream",
                        name_zh: "稀土采选",
                        name_en: "Rare-earth mining",
                        industries: &["B0932"],
                    },
                    SegmentSpec {
                        stage: "midstream",
                        name_zh: "冶炼分离",
                        name_en: "Smelting and separation",
                        industries: &["C3232"],
                    },
                    SegmentSpec {
                        stage: "downstream",
                        name_zh: "稀土功能材料",
                        name_en: "Rare-earth functional materials",
                        industries: &["C3240", "C3985"],
                    },
                ],
            },
            ChainSpec {
                code: "battery_materials",
                name_zh: "先进储能材料产业链",
                name_en: "Advanced energy-storage materials chain",
                chief_name: "王建华",
                chief_title: "副市长",
                segments: &[
                    SegmentSpec {
                        stage: "upstream",
                        name_zh: "基础化工原料",
                        name_en: "Basic chemicals",
                        industries: &["C2614"],
                    },
                    SegmentSpec {
                        stage: "midstream",
                        name_zh: "电池材料",
                        name_en: "Battery materials",
                        industries: &["C3985"],
                    },
                    SegmentSpec {
                        stage: "downstream",
                        name_zh: "储能电池",
                        name_en: "Storage batteries",
                        industries: &["C3841"],
                    },
                ],
            },
        ],
    },
    ClusterSpec {
        code: "consumer_goods",
        name_zh: "轻纺消费品产业集群",
        name_en: "Light industry and consumer goods cluster",
        level: "municipal",
        chains: [
            ChainSpec {
                code: "leather_shoes",
                name_zh: "皮具箱包制鞋产业链",
                name_en: "Leather goods, luggage and footwear chain",
                chief_name: "赵敏",
                chief_title: "副市长",
                segments: &[
                    SegmentSpec {
                        stage: "upstream",
                        name_zh: "皮革与面料",
                        name_en: "Leather and fabrics",
                        industries: &["C1910", "C1711"],
                    },
                    SegmentSpec {
                        stage: "midstream",
                        name_zh: "箱包与鞋制造",
                        name_en: "Luggage and shoe making",
                        industries: &["C1922", "C1951", "C1952"],
                    },
                    SegmentSpec {
                        stage: "downstream",
                        name_zh: "服饰品牌",
                        name_en: "Apparel brands",
                        industries: &["C1819"],
                    },
                ],
            },
            ChainSpec {
                code: "agri_food",
                name_zh: "农产品精深加工产业链",
                name_en: "Agricultural products deep-processing chain",
                chief_name: "孙海燕",
                chief_title: "副市长",
                segments: &[
                    SegmentSpec {
                        stage: "upstream",
                        name_zh: "粮油初加工",
                        name_en: "Grain and oil processing",
                        industries: &["C1311", "C1331"],
                    },
                    SegmentSpec {
                        stage: "midstream",
                        name_zh: "食品与淀粉制品",
                        name_en: "Food and starch products",
                        industries: &["C1391"],
                    },
                    SegmentSpec {
                        stage: "downstream",
                        name_zh: "茶酒饮品",
                        name_en: "Tea, liquor and beverages",
                        industries: &["C1530", "C1513"],
                    },
                ],
            },
        ],
    },
];

/// Syllables combined into brand names (two per brand).
pub const BRAND_SYLLABLES: [&str; 64] = [
    "金", "华", "恒", "鑫", "瑞", "宏", "永", "远", "正", "天", "新", "中", "湘", "凯", "博", "晨", "立", "盛", "德",
    "银", "科", "三", "东", "长", "卓", "同", "嘉", "明", "汇", "润", "宝", "通", "锦", "万", "振", "和", "广", "众",
    "安", "佳", "泰", "达", "信", "源", "丰", "兴", "祥", "荣", "昌", "隆", "峰", "宇", "辉", "诚", "创", "力", "美",
    "鸿", "裕", "弘", "致", "联", "舜", "潇",
];

pub const COMPANY_SUFFIXES: [&str; 3] = ["有限公司", "有限责任公司", "股份有限公司"];
