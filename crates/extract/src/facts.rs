//! The figures of a report: every number with a unit, read with the words before it (the
//! indicator) and around it (qualifiers such as `以上`, `力争`, `排全省第2位`), sorted into
//! what was achieved and what is targeted. Rules of the genre:
//!
//! - A sentence speaks of the past until the report turns to the year ahead (`2024年是…关键
//!   一年`, `今年`, `要重点抓好`, `力争`, `目标`); the past year's figures are achievements.
//! - In a list (`、`) the items share the first item's verb (`新认定A2个、B1个`), and
//!   `A和B各100家` or `A、B均增长15%` give one figure to each.
//! - A threshold inside an indicator (`投资5000万元以上项目387个`) is not a figure; neither is
//!   a number describing a structure (`16条优势产业链的…体系`) or a list of places
//!   (`…金堂县5个区(市)县`).

use std::sync::LazyLock;

use regex::Regex;

use crate::clean::regex;
use crate::{Fact, Kind};

const AMOUNT_UNITS: &[&str] = &[
    "万亿元",
    "亿元",
    "万元",
    "元",
    "万千瓦时",
    "亿千瓦时",
    "万千瓦",
    "千瓦",
    "万吨",
    "吨",
    "万平方米",
    "平方米",
    "万亩",
    "亩",
    "亿美元",
    "万美元",
];
const COUNT_UNITS: &[&str] =
    &["家", "个", "条", "项", "座", "台", "套", "户", "人次", "万人", "人", "名", "件", "所", "批", "款", "只"];

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    let mut units: Vec<&str> = AMOUNT_UNITS.iter().chain(COUNT_UNITS).copied().chain(["个百分点", "%", "倍"]).collect();
    units.sort_by_key(|u| std::cmp::Reverse(u.chars().count()));
    regex(&format!(
        r"(?P<pre>超过|超|突破|达到|达|约|近|接近|高于)?[“\x22]?(?P<num>\d+(?:,\d{{3}})*(?:\.\d+)?)[”\x22]?(?P<unit>{})(?P<post>以上|左右|以内|多)?",
        units.join("|")
    ))
});

/// A ranking standing alone: `蝉联全省制造业招商引资百日攻坚第一名`.
static RANK: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?P<verb>蝉联|位列|位居|排名|排|居)(?P<what>\p{Han}{0,30}?)第(?P<num>\d+|[一二三四五六七八九十]+)(?P<unit>名|位)",
    )
});

/// Sentences that turn to the year ahead.
static FUTURE_SECTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"今年(工作|是|要|经济)|新的一年|要重点|重点抓好|重点任务|主要目标|奋斗目标|工作目标|预期目标|总体要求|下一步",
    )
});
static PAST_SECTION: LazyLock<Regex> = LazyLock::new(|| regex(r"过去一年|一年来|去年|回顾|成绩|取得"));
/// Words in a clause that make its figure a target.
static TARGET_CUE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"力争|确保|目标|争取|力求|预期|用\p{Han}{1,4}时间|到20\d\d年"));
static HORIZON: LazyLock<Regex> = LazyLock::new(|| regex(r"用\p{Han}{1,4}时间|用\p{Han}{1,3}年|到(20\d\d)年"));
/// A year at the start of an indicator, after the place it is of: `南通市2023年规上工业增加值`.
static LEADING_YEAR: LazyLock<Regex> = LazyLock::new(|| regex(r"^(\p{Han}{2,6}?[市区县省])?(20\d\d)年"));
static GROWTH_WORD: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(增长|增速|提高|提升|下降|增加|上涨|降低|回升|增幅|均增长)$"));

/// Verbs a list's first item lends to the items after it.
const LIST_VERBS: &[&str] = &[
    "新增",
    "新认定",
    "新培育",
    "新引进",
    "打造",
    "推动",
    "培育",
    "引进",
    "建成",
    "创建",
    "认定",
    "列入",
    "开工建设",
    "新建",
    "获评",
];

/// Words at the start of an indicator that are not part of it.
const LEADS: &[&str] = &[
    "全市",
    "全区",
    "全县",
    "全省",
    "其中",
    "同时",
    "并且",
    "并",
    "全年",
    "今年",
    "去年",
    "实现",
    "确保",
    "锚定",
    "共",
    "另有",
    "以及",
    "和",
    "及",
    "累计",
    "力争",
    "要",
    "将",
    "比上年",
    "比去年同期",
    "比去年",
    "较上年",
    "较去年",
    "同比",
];

/// Words at the end of an indicator that belong to the figure.
const TAILS: &[&str] = &[
    "均增长",
    "增长",
    "增速",
    "提高到",
    "提高",
    "提升至",
    "提升",
    "达到",
    "达",
    "超过",
    "超",
    "突破",
    "为",
    "至",
    "约",
    "近",
    "增加",
    "下降",
    "回升",
    "上涨",
    "实现",
    "完成",
    "总数",
    "各",
    "均",
    "同比",
    "比上年",
    "比去年",
];

/// A clause comparing the figure before it with a wider area: `高于全省0.4个百分点`.
const COMPARISONS: &[&str] = &["高于", "低于", "快于", "慢于", "比全省", "比全国", "比全市", "较全省", "较全国"];

fn trim_indicator(text: &str) -> String {
    let mut t = text.trim_matches(|c: char| c.is_whitespace() || ",，、：:;；".contains(c)).to_owned();
    loop {
        let before = t.clone();
        if let Some(m) = LEADING_YEAR.find(&t) {
            t = t[m.end()..].trim_start_matches([',', '，']).to_owned();
        }
        for lead in LEADS {
            if let Some(rest) = t.strip_prefix(lead)
                && !rest.is_empty()
            {
                t = rest.to_owned();
            }
        }
        for tail in TAILS {
            if let Some(rest) = t.strip_suffix(tail) {
                t = rest.to_owned();
            }
        }
        if t == before {
            return t;
        }
    }
}

fn number(text: &str) -> Option<f64> {
    text.replace(',', "").parse().ok()
}

fn chinese_number(text: &str) -> Option<f64> {
    if let Ok(n) = text.parse::<f64>() {
        return Some(n);
    }
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as f64);
    match text.chars().collect::<Vec<_>>().as_slice() {
        [c] if *c == '十' => Some(10.0),
        [c] => digit(*c),
        ['十', c] => Some(10.0 + digit(*c)?),
        [a, '十'] => Some(digit(*a)? * 10.0),
        [a, '十', b] => Some(digit(*a)? * 10.0 + digit(*b)?),
        _ => None,
    }
}

fn kind_of(unit: &str, before: &str) -> Kind {
    if AMOUNT_UNITS.contains(&unit) {
        Kind::Amount
    } else if unit == "%" || unit == "个百分点" {
        if GROWTH_WORD.is_match(before) { Kind::Growth } else { Kind::Share }
    } else {
        Kind::Count
    }
}

/// Adds a qualifier to a figure (`以上;排全省第2位`).
fn qualify(fact: &mut Fact, qualifier: &str) {
    fact.qualifier = Some(match fact.qualifier.take() {
        Some(old) => format!("{old};{qualifier}"),
        None => qualifier.to_owned(),
    });
}

/// A clause of a sentence.
struct Clause<'a> {
    text: &'a str,
    /// Whether the clause ends with `、` (an item of a list).
    listed: bool,
}

fn clauses(sentence: &str) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in sentence.char_indices() {
        if matches!(c, ',' | '，' | '、' | ':' | '：') {
            out.push(Clause { text: &sentence[start..i], listed: c == '、' });
            start = i + c.len_utf8();
        }
    }
    out.push(Clause { text: &sentence[start..], listed: false });
    out
}

fn list_verb(text: &str) -> Option<&'static str> {
    let t = trim_lead_only(text);
    LIST_VERBS.iter().copied().filter(|v| t.starts_with(v)).max_by_key(|v| v.len())
}

fn trim_lead_only(text: &str) -> &str {
    let mut t = text;
    for lead in LEADS {
        if let Some(rest) = t.strip_prefix(lead) {
            t = rest;
        }
    }
    t
}

/// Reads every figure of `text`; (achieved, targets). `report_year` is the year the report
/// speaks in: achievements are of the year before unless a sentence names its year.
pub fn read(text: &str, report_year: Option<i32>) -> (Vec<Fact>, Vec<Fact>) {
    let mut achieved = Vec::new();
    let mut targets = Vec::new();
    let mut future = false;
    for sentence in text.split(['。', '！', '？', '；', ';', '\n']) {
        if sentence.trim().is_empty() {
            continue;
        }
        let explicit_year = report_year.and_then(|y| {
            let past = format!("{}年", y - 1);
            let now = format!("{y}年");
            let head: String = sentence.chars().take(14).collect();
            if head.contains(&past) && !head.contains("是") {
                Some(y - 1)
            } else if head.contains(&now) {
                Some(y)
            } else {
                None
            }
        });
        // `2024年是…关键一年` opens the year ahead; `2023年是…的一年` looks back.
        let speaks_of = |y: i32| {
            ["年是", "年要", "年工作是", "年工作要"].iter().any(|w| sentence.contains(&format!("{y}{w}")))
                || sentence.contains(&format!("部署{y}年"))
        };
        let ahead = report_year.is_some_and(speaks_of);
        let back = report_year.is_some_and(|y| speaks_of(y - 1));
        if ahead
            || FUTURE_SECTION.is_match(sentence) && !back
            || explicit_year.is_some() && explicit_year == report_year
        {
            future = true;
        } else if back || explicit_year.is_some() || PAST_SECTION.is_match(sentence) && !TARGET_CUE.is_match(sentence) {
            future = false;
        }
        let sentence_cue = TARGET_CUE.is_match(sentence);
        for (target_cue, mut fact) in sentence_facts(sentence) {
            let target = future || target_cue || sentence_cue;
            let horizon = HORIZON.captures(sentence);
            fact.year = match (&horizon, target) {
                (Some(h), true) => h.get(1).and_then(|y| y.as_str().parse().ok()),
                (None, true) => report_year,
                (_, false) => explicit_year.filter(|y| Some(*y) != report_year).or(report_year.map(|y| y - 1)),
            };
            if target { targets.push(fact) } else { achieved.push(fact) }
        }
    }
    (achieved, targets)
}

/// The figures of one sentence, each with whether its own clause marks it as a target.
fn sentence_facts(sentence: &str) -> Vec<(bool, Fact)> {
    let parts = clauses(sentence);
    let mut out: Vec<(bool, Fact)> = Vec::new();
    let mut lent_verb: Option<&'static str> = None;
    // Items of a list without a figure of their own wait for the list's figure (`A、B均增长`).
    let mut waiting: Vec<String> = Vec::new();
    let mut previous_text = "";
    let mut previous_had_fact = false;
    for (index, clause) in parts.iter().enumerate() {
        let text = clause.text;
        let target_cue = TARGET_CUE.is_match(text);
        let found: Vec<regex::Captures> = NUMBER.captures_iter(text).collect();
        let own_verb = list_verb(text);
        if index == 0 || !parts[index - 1].listed {
            lent_verb = own_verb;
        }
        // A ranking right after a figure qualifies it; alone it is a figure.
        if found.is_empty() {
            if let Some(rank) = RANK.captures(text) {
                if previous_had_fact && text.chars().count() <= 16 {
                    if let Some((_, last)) = out.last_mut() {
                        qualify(last, text.trim());
                        last.span = format!("{},{}", last.span, text.trim());
                    }
                } else if let Some(value) = chinese_number(&rank["num"]) {
                    let what = rank["what"].trim().to_owned();
                    if !what.is_empty() {
                        out.push((
                            target_cue,
                            Fact {
                                indicator: format!("{what}排名"),
                                value,
                                unit: "名".into(),
                                kind: Kind::Rank,
                                year: None,
                                qualifier: Some(format!("{}第{}{}", &rank["verb"], &rank["num"], &rank["unit"])),
                                span: rank[0].to_owned(),
                            },
                        ));
                        previous_had_fact = true;
                        previous_text = text;
                        continue;
                    }
                }
            } else if matches!(text.trim(), "创历史新高" | "创历史最好水平" | "居全省前列")
                && previous_had_fact
                && let Some((_, last)) = out.last_mut()
            {
                qualify(last, text.trim());
            }
            if clause.listed {
                waiting.push(text.to_owned());
            } else {
                waiting.clear();
            }
            previous_had_fact = false;
            previous_text = text;
            continue;
        }
        // `…增长2.3%,高于全省0.4个百分点`: the comparison qualifies the figure before it.
        if previous_had_fact && COMPARISONS.iter().any(|c| text.trim().starts_with(c)) && text.chars().count() <= 20 {
            if let Some((_, last)) = out.last_mut() {
                qualify(last, text.trim());
                last.span = format!("{},{}", last.span, text.trim());
            }
            previous_text = text;
            continue;
        }
        let mut had = false;
        for (i, m) in found.iter().enumerate() {
            let (Some(whole), Some(num)) = (m.get(0), m.name("num")) else { continue };
            let unit = &m["unit"];
            let before = &text[..whole.start()];
            let after = &text[whole.end()..];
            // Not a figure: a year, an ordinal, part of a list of places, a threshold inside
            // the indicator, or a number describing a structure.
            let prev_char = before.chars().last();
            if prev_char.is_some_and(|c| "第区市县镇乡".contains(c)) {
                continue;
            }
            if i + 1 < found.len() && after.starts_with(|c: char| c > '\u{2E80}') {
                continue;
            }
            let noun_after: String = after.chars().take_while(|c| !",，、。;；".contains(*c)).collect();
            if noun_after.contains('的') && !noun_after.starts_with('的') {
                continue;
            }
            let Some(value) = number(num.as_str()) else { continue };
            let mut indicator = trim_indicator(before);
            let counted_after = noun_after.trim_start_matches(['以', '左', '多']);
            let counted_after =
                counted_after.strip_prefix("上").or(counted_after.strip_prefix("右")).unwrap_or(counted_after);
            if COUNT_UNITS.contains(&unit)
                && m.name("post").is_none()
                && !noun_after.trim().is_empty()
                && !counted_after.starts_with('(')
            {
                // What is counted comes after the number: `推动9064家企业“上云”`,
                // `做大做强“3”个省级产业集群`.
                indicator = format!("{indicator}{}", noun_after.trim());
            }
            if indicator.is_empty() {
                // `…总规模翻番,达到2万亿元左右`, `地区生产总值5123亿元,比上年增长5.6%`: the
                // subject is in the clause before, ahead of its own figure.
                let subject = NUMBER.find(previous_text).map_or(previous_text, |m| &previous_text[..m.start()]);
                indicator = trim_indicator(subject.trim_end_matches("翻番").trim_end_matches("翻一番"));
            }
            if indicator.is_empty() {
                continue;
            }
            let kind = kind_of(unit, before);
            let mut qualifiers: Vec<String> = Vec::new();
            if let Some(pre) = m.name("pre") {
                qualifiers.push(pre.as_str().to_owned());
            }
            if let Some(post) = m.name("post") {
                qualifiers.push(post.as_str().to_owned());
            }
            if text.contains("力争") {
                qualifiers.insert(0, "力争".into());
            }
            if before.contains("累计") {
                qualifiers.push("累计".into());
            }
            if let Some(note) = after.strip_prefix("(").and_then(|a| a.split_once(')')).map(|(n, _)| n)
                && note.chars().count() <= 4
            {
                qualifiers.push(note.to_owned());
            }
            let span = format!("{}{}", before.trim_start_matches(|c: char| c.is_whitespace()), whole.as_str());
            let base = Fact {
                indicator: String::new(),
                value,
                unit: unit.to_owned(),
                kind,
                year: None,
                qualifier: (!qualifiers.is_empty()).then(|| qualifiers.join(";")),
                span,
            };
            // `A和B各100家`, `A、B均增长15%`: one figure each.
            let mut names: Vec<String> = Vec::new();
            let shared = before.ends_with('各') || before.contains("均增长") || before.ends_with('均');
            if shared {
                names.extend(waiting.iter().map(|w| trim_indicator(w)));
                let own = trim_indicator(before.trim_end_matches('各'));
                names.extend(own.split(['和', '及']).map(trim_indicator).filter(|s| !s.is_empty()));
            } else {
                names.push(indicator);
            }
            for name in names.into_iter().filter(|n| !n.is_empty()) {
                let name = match (lent_verb, list_verb(&name)) {
                    (Some(verb), None) if index > 0 && parts[index - 1].listed || shared => format!("{verb}{name}"),
                    _ => name,
                };
                out.push((target_cue, Fact { indicator: name, ..base.clone() }));
            }
            had = true;
        }
        waiting.clear();
        previous_had_fact = had;
        previous_text = text;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (indicator, value, unit, kind)
    type Flat = Vec<(String, f64, String, Kind)>;

    fn facts(text: &str, year: i32) -> (Flat, Flat) {
        let (a, t) = read(text, Some(year));
        let flat = |v: Vec<Fact>| v.into_iter().map(|f| (f.indicator, f.value, f.unit, f.kind)).collect();
        (flat(a), flat(t))
    }

    #[test]
    fn growth_counts_and_amounts_of_the_past_year_are_achievements() {
        let (a, t) = facts(
            "2023年,全市规上工业增加值增长4.1%,引进华虹等先进制造业项目281个,电网供电能力提升至1880万千瓦。",
            2024,
        );
        assert_eq!(
            a,
            [
                ("规上工业增加值".into(), 4.1, "%".into(), Kind::Growth),
                ("引进华虹等先进制造业项目".into(), 281.0, "个".into(), Kind::Count),
                ("电网供电能力".into(), 1880.0, "万千瓦".into(), Kind::Amount),
            ]
        );
        assert!(t.is_empty());
        let (achieved, _) = read("2023年,全市规上工业增加值增长4.1%。", Some(2024));
        assert_eq!(achieved[0].year, Some(2023));
    }

    #[test]
    fn a_ranking_alone_is_a_figure_and_after_a_figure_its_qualifier() {
        let (a, _) = read("2023年,引进项目281个,蝉联全省制造业招商引资百日攻坚第一名。", Some(2024));
        assert_eq!(a[1].kind, Kind::Rank);
        assert_eq!((a[1].value, a[1].unit.as_str()), (1.0, "名"));
        assert_eq!(a[1].indicator, "全省制造业招商引资百日攻坚排名");
        let (a, _) = read("2023年,新增规模工业企业156家,排同类市州第1位。", Some(2024));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].qualifier.as_deref(), Some("排同类市州第1位"));
    }

    #[test]
    fn list_items_share_the_first_verb_and_numbers_may_come_first() {
        let (a, _) = facts(
            "2023年,新认定省级智能制造标杆车间2个、工业互联网平台1个,推动9064家企业“上云”、1171家企业“上平台”。",
            2024,
        );
        let names: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["新认定省级智能制造标杆车间", "新认定工业互联网平台", "推动企业“上云”", "推动企业“上平台”"]);
    }

    #[test]
    fn targets_come_from_the_section_on_the_year_ahead_and_share_each_or_all() {
        let text = "2024年是关键一年。要新增国家专精特新“小巨人”企业3家以上、省级专精特新中小企业和规模以上工业企业各100家以上,实现园区亩均税收、实缴税收均增长15%以上。";
        let (a, t) = read(text, Some(2024));
        assert!(a.is_empty(), "{a:?}");
        let got: Vec<(&str, f64)> = t.iter().map(|f| (f.indicator.as_str(), f.value)).collect();
        assert_eq!(
            got,
            [
                ("新增国家专精特新“小巨人”企业", 3.0),
                ("新增省级专精特新中小企业", 100.0),
                ("新增规模以上工业企业", 100.0),
                ("园区亩均税收", 15.0),
                ("实缴税收", 15.0),
            ]
        );
        assert!(t.iter().all(|f| f.year == Some(2024)));
        assert_eq!(t[0].qualifier.as_deref(), Some("以上"));
        assert_eq!(t[3].kind, Kind::Growth);
    }

    #[test]
    fn thresholds_structures_and_places_are_not_figures() {
        let (a, _) = facts(
            "2023年,新引进投资5000万元以上项目387个。成华区、金堂县5个区(市)县交流了经验。构建6大集群加16条优势产业链的现代化产业体系。",
            2024,
        );
        assert_eq!(a, [("新引进投资5000万元以上项目".into(), 387.0, "个".into(), Kind::Count)]);
    }

    #[test]
    fn a_statistical_bulletin_and_a_work_reports_targets_read_alike() {
        let text = "2023年全年全市地区生产总值5123.4亿元,比上年增长5.6%。规模以上工业增加值增长7.2%。\n今年经济社会发展的主要预期目标是:地区生产总值增长6%左右,一般公共预算收入增长5%。";
        let (a, t) = read(text, Some(2024));
        let got: Vec<(&str, f64, Kind)> = a.iter().map(|f| (f.indicator.as_str(), f.value, f.kind)).collect();
        assert_eq!(
            got,
            [
                ("地区生产总值", 5123.4, Kind::Amount),
                ("地区生产总值", 5.6, Kind::Growth),
                ("规模以上工业增加值", 7.2, Kind::Growth)
            ]
        );
        assert!(a.iter().all(|f| f.year == Some(2023)));
        let got: Vec<(&str, f64, Option<&str>)> =
            t.iter().map(|f| (f.indicator.as_str(), f.value, f.qualifier.as_deref())).collect();
        assert_eq!(got, [("地区生产总值", 6.0, Some("左右")), ("一般公共预算收入", 5.0, None)]);
    }

    #[test]
    fn a_comparison_with_the_province_qualifies_the_figure_before_it() {
        let (a, _) = read("1—11月,全市规上工业增加值同比增长2.3%,高于全省0.4个百分点,新增规上企业156家。", Some(2023));
        let got: Vec<(&str, f64, Option<&str>)> =
            a.iter().map(|f| (f.indicator.as_str(), f.value, f.qualifier.as_deref())).collect();
        assert_eq!(got, [("规上工业增加值", 2.3, Some("高于全省0.4个百分点")), ("新增规上企业", 156.0, None)]);
    }

    #[test]
    fn a_horizon_target_borrows_its_subject_and_has_no_year() {
        let (_, t) = read(
            "用五年左右时间,力争6大重点产业集群总规模翻番,达到2万亿元左右,制造业增加值占GDP比重超40%。",
            Some(2024),
        );
        assert_eq!(t.len(), 2, "{t:?}");
        assert_eq!((t[0].indicator.as_str(), t[0].value, t[0].unit.as_str()), ("6大重点产业集群总规模", 2.0, "万亿元"));
        assert_eq!((t[1].indicator.as_str(), t[1].kind), ("制造业增加值占GDP比重", Kind::Share));
        assert!(t.iter().all(|f| f.year.is_none()));
    }
}
