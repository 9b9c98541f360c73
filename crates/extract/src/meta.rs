//! A report's metadata: the region it is about, the meeting, its date, the year it speaks in,
//! and the officials with their titles and what they did.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::clean::regex;
use crate::{Official, places};

/// The region a report is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub name: String,
    pub explicit: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Meeting {
    pub name: String,
    /// The words it was read from.
    pub span: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Meta {
    pub region: Option<Region>,
    pub meeting: Option<Meeting>,
    pub date: Option<String>,
    pub report_year: Option<i32>,
    pub officials: Vec<Official>,
}

pub fn read(text: &str) -> Meta {
    let date_parts = meeting_date(text);
    // A date with its year says the year; otherwise the text does.
    let report_year = date_parts.and_then(|(y, _, _)| y).or_else(|| report_year(text, date_parts.map(|(_, m, _)| m)));
    let date = date_parts.map(|(y, m, d)| {
        let year = y.or(report_year).unwrap_or(0);
        format!("{year:04}-{m:02}-{d:02}")
    });
    let date = date.filter(|d| !d.starts_with("0000"));
    Meta { region: region(text), meeting: meeting(text), date, report_year, officials: officials(text) }
}

// ---------------------------------------------------------------------------------- region

/// `现代化新永州`, `新南通`: the city in a slogan.
static NEW_CITY: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:现代化|建设|谱写)新(\p{Han}{2,3})"));
static NEW_AREA: LazyLock<Regex> = LazyLock::new(|| regex(r"(\p{Han}{2})新区"));

/// The city (or national new area, or province) a report names most: `X市` counts three
/// times, a bare `X` or the slogan `现代化新X` once or three times. A report that names none
/// (its place name replaced by spam) has no region rather than a guess.
fn region(text: &str) -> Option<Region> {
    let slogans: Vec<String> = NEW_CITY.captures_iter(text).map(|c| c[1].to_owned()).collect();
    let score_of = |name: &str| {
        let explicit = text.matches(&format!("{name}市")).count() as u32;
        let bare = (text.matches(name).count() as u32).saturating_sub(explicit);
        let slogan = slogans.iter().filter(|s| s.starts_with(name)).count() as u32;
        (3 * explicit + bare + 3 * slogan, explicit > 0)
    };
    let best_city = places::CITIES
        .iter()
        .chain(places::MUNICIPALITIES)
        .map(|name| (*name, score_of(name)))
        .filter(|(_, (score, _))| *score >= 3)
        .max_by_key(|(_, (score, _))| *score);
    // A national new area (两江新区) that the report is about outranks its city.
    let mut areas: HashMap<String, u32> = HashMap::new();
    for c in NEW_AREA.captures_iter(text) {
        *areas.entry(c[1].to_owned()).or_default() += 1;
    }
    let best_area = areas.into_iter().filter(|(_, n)| *n >= 3).max_by_key(|(_, n)| *n);
    // A province's report speaks of 全省 more than of any city's 全市.
    let province = places::PROVINCES
        .iter()
        .filter(|p| !places::MUNICIPALITIES.contains(p))
        .map(|name| (*name, text.matches(name).count()))
        .filter(|(_, n)| *n >= 1)
        .max_by_key(|(_, n)| *n)
        .map(|(name, _)| province_region(text, name));
    let provincial =
        text.matches("全省").count() >= 3 && text.matches("全省").count() > text.matches("全市").count() * 2;
    if provincial && province.is_some() {
        return province;
    }
    match (best_area, best_city) {
        (Some((area, n)), city) if city.is_none_or(|(_, (s, _))| n * 3 >= s) => {
            let prefix = city.map(|(name, _)| name).unwrap_or_default();
            Some(Region { name: format!("{prefix}{area}新区"), explicit: true })
        }
        (_, Some((name, (_, explicit)))) => Some(Region { name: format!("{name}市"), explicit }),
        _ => places::PROVINCES
            .iter()
            .map(|name| (*name, text.matches(name).count()))
            .filter(|(_, n)| *n >= 3)
            .max_by_key(|(_, n)| *n)
            .map(|(name, _)| province_region(text, name)),
    }
}

/// A province by its full name: `湖南省`, `广西壮族自治区`.
fn province_region(text: &str, name: &str) -> Region {
    let full = match name {
        "内蒙古" => "内蒙古自治区".to_owned(),
        "广西" => "广西壮族自治区".to_owned(),
        "西藏" => "西藏自治区".to_owned(),
        "宁夏" => "宁夏回族自治区".to_owned(),
        "新疆" => "新疆维吾尔自治区".to_owned(),
        other => format!("{other}省"),
    };
    Region { explicit: text.contains(&full), name: full }
}

// ---------------------------------------------------------------------------------- meeting

static MEETING_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:召开|举行|举办)(?:了)?([^，。,;；：:]{2,60}?(?:工作会议|推进大会|动员大会|推进会|动员会|座谈会|现场会|大会|会议))",
    )
});
static MEETING_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"([^，。,;；：:\n]{2,60}?(?:工作会议|推进大会|动员大会|推进会|大会|会议))(?:召开|举行|在\p{Han}{2,8}召开)")
});
static MEETING_ANY: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"((?:全市|全区|全县|全省)[^，。,;；：:\n]{2,40}?(?:工作会议|推进大会|动员大会|大会|会议))")
});

/// Words before a meeting's name that are not part of it.
fn trim_meeting(name: &str) -> String {
    let name = name.trim_start_matches(['，', ',', ' ']);
    let lead = ["近日", "日前", "今天", "昨天", "上午", "下午", "当天"];
    let mut name = name.to_owned();
    for l in lead {
        if let Some(rest) = name.strip_prefix(l) {
            name = rest.trim_start_matches(['，', ',']).to_owned();
        }
    }
    name
}

/// A caption under a photograph: `全市工业和信息化工作会议现场`.
static MEETING_CAPTION: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^([^，。,;；：:\n]{4,40}?(?:工作会议|推进大会|动员大会|大会|会议))现场$"));

/// How much a candidate looks like the name of the meeting reported on.
fn meeting_rank(name: &str) -> i32 {
    let mut rank = 0;
    if ["工作会议", "推进大会", "动员大会", "全体会议", "扩大会议", "推进会"].iter().any(|w| name.contains(w))
    {
        rank += 3;
    }
    if ["全市", "全区", "全县", "20"].iter().any(|w| name.starts_with(w)) {
        rank += 2;
    }
    if name.starts_with("全省") || name.starts_with("全国") {
        rank -= 2;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) && name.contains('次') && !name.starts_with("20")
        || name.contains('“')
    {
        rank -= 5;
    }
    rank
}

fn meeting(text: &str) -> Option<Meeting> {
    let mut candidates: Vec<(usize, String, String)> = Vec::new();
    for re in [&*MEETING_AFTER, &*MEETING_BEFORE, &*MEETING_ANY, &*MEETING_CAPTION] {
        for c in re.captures_iter(text) {
            let at = c.get(0).map_or(0, |m| m.start());
            let name = trim_meeting(&c[1]);
            if name.chars().count() >= 4 {
                candidates.push((at, name, c[0].to_owned()));
            }
        }
    }
    candidates
        .into_iter()
        .max_by(|a, b| meeting_rank(&a.1).cmp(&meeting_rank(&b.1)).then_with(|| b.0.cmp(&a.0)))
        .map(|(_, name, span)| Meeting { name, span })
}

// ------------------------------------------------------------------------------ date and year

static FULL_DATE: LazyLock<Regex> = LazyLock::new(|| regex(r"(20\d\d)年(\d{1,2})月(\d{1,2})日"));
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| regex(r"(?:^|[^\d年])(\d{1,2})月(\d{1,2})日"));
static YEAR: LazyLock<Regex> = LazyLock::new(|| regex(r"(到|至|展望)?(20\d\d)\s*年"));

/// The meeting's date as (year if written, month, day): the first date in the opening lines.
fn meeting_date(text: &str) -> Option<(Option<i32>, u32, u32)> {
    let opening: String = text.chars().take(300).collect();
    let full = FULL_DATE.captures(&opening).and_then(|c| {
        Some((c.get(0)?.start(), (c[1].parse::<i32>().ok(), c[2].parse::<u32>().ok()?, c[3].parse::<u32>().ok()?)))
    });
    let short = MONTH_DAY
        .captures(&opening)
        .and_then(|c| Some((c.get(1)?.start(), (None, c[1].parse::<u32>().ok()?, c[2].parse::<u32>().ok()?))));
    let (_, date) = [full, short].into_iter().flatten().min_by_key(|(at, _)| *at)?;
    ((1..=12).contains(&date.1) && (1..=31).contains(&date.2)).then_some(date)
}

/// Words after `L年是` that look ahead (`2024年是…关键一年`), not back (`…里程碑意义的一年`).
const AHEAD: &[&str] = &["关键", "重要之年", "攻坚", "决胜", "开局", "冲刺", "奋进之年", "起步"];

/// The year a report speaks in: the latest year it names (horizons such as `到2035年`
/// aside), unless it names that year only looking back; then, and for a meeting held in
/// January–March, the year after: such meetings review the year before their own.
fn report_year(text: &str, month: Option<u32>) -> Option<i32> {
    let latest =
        YEAR.captures_iter(text).filter(|c| c.get(1).is_none()).filter_map(|c| c[2].parse::<i32>().ok()).max()?;
    let y = format!("{latest}年");
    let ahead =
        [format!("部署{y}"), format!("{y}重点"), format!("{y}工作目标"), format!("{y}第"), format!("{y}主要目标")]
            .iter()
            .any(|w| text.contains(w.as_str()))
            || text.match_indices(&format!("{y}是")).any(|(at, _)| {
                let window: String = text[at..].chars().take(36).collect();
                AHEAD.iter().any(|w| window.contains(w))
            });
    let looks_back =
        text.contains(&format!("总结{y}")) || text.contains(&format!("{y}度")) || text.contains(&format!("{y}是"));
    if ahead {
        Some(latest)
    } else if month.is_some_and(|m| m <= 3) || looks_back {
        Some(latest + 1)
    } else {
        Some(latest)
    }
}

// -------------------------------------------------------------------------------- officials

/// The last word of a title: a name follows it.
const TITLE_ENDS: &str = "书记|副书记|局长|副局长|主任|副主任|市长|副市长|区长|副区长|县长|副县长|州长|主席|副主席|部长|副部长|厅长|副厅长|常委|组长|秘书长|院长|处长|总经理|董事长|巡视员|调研员|检察长|委员";

static OFFICIAL: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"({TITLE_ENDS})(\p{{Han}}{{2,3}}?)(出席|主持|作|通报|宣读|讲话|参加|介绍|分别|代表|指出|强调|传达|致辞|发言|等|[,，、;；。]|$)"
    ))
});

/// Where a title starts at the latest: after these (and the previous official).
const TITLE_BREAKS: &[char] = &['。', ';', '；', '：', ':', '\n', '(', '（', '《', '“', '"'];

const TITLE_LEADS: &[&str] = &["会上", "会议由", "由", "△", "其中", "此外", "同时", "会议", "并", "和", "及"];

/// What an official did, from the words after the name: in its own clause, or, for a name in
/// a list (`A,B,C分别介绍了…`, `A,B等出席会议`), in the first clause of the sentence that says.
fn role_of(rest: &str) -> &'static str {
    let verbs = ["主持", "讲话", "报告", "通报", "介绍", "汇报", "出席", "参加", "宣读", "致辞", "发言"];
    let first_verb = |clause: &str| {
        verbs.iter().filter_map(|v| clause.find(v).map(|at| (at, *v))).min_by_key(|(at, _)| *at).map(|(_, v)| v)
    };
    let sentence: String = rest.chars().take_while(|c| !matches!(c, '。' | ';' | '；' | '\n')).collect();
    let own: String = sentence.chars().take_while(|c| !matches!(c, ',' | '，')).collect();
    let (clause, verb) = match first_verb(&own) {
        Some(v) => (own.clone(), Some(v)),
        None => {
            let from = sentence.find(|c: char| verbs.iter().any(|v| v.starts_with(c))).unwrap_or(0);
            let later: String = sentence[from..].chars().take_while(|c| !matches!(c, ',' | '，')).collect();
            let verb = first_verb(&later);
            (later, verb)
        }
    };
    match verb {
        Some("主持") => "chaired",
        Some("出席") if clause.contains("讲话") => "spoke",
        Some("讲话" | "致辞") => "spoke",
        Some("报告" | "通报" | "介绍" | "汇报" | "发言") => "reported",
        _ => "attended",
    }
}

/// A name is not a word that happens to follow a title.
fn plausible_name(name: &str) -> bool {
    const NOT_NAMES: &[&str] =
        &["出席", "主持", "会议", "同志", "讲话", "一行", "等人", "参加", "要求", "指出", "强调"];
    !NOT_NAMES.iter().any(|w| name.starts_with(w) || name == *w)
        && !name.chars().any(|c| "的了在和与对是为等会议市区县省局委".contains(c) && name.ends_with(c))
}

fn officials(text: &str) -> Vec<Official> {
    let mut found: Vec<Official> = Vec::new();
    let mut last_end = 0usize;
    for c in OFFICIAL.captures_iter(text) {
        let (Some(end_word), Some(name), Some(after)) = (c.get(1), c.get(2), c.get(3)) else { continue };
        // A name has two or three characters: the lazy regex takes three only when what
        // follows two is no verb or stop (`罗蔺出席` but `张新宇主持`).
        let name_text = name.as_str();
        if !plausible_name(name_text) {
            continue;
        }
        let head_start = last_end.min(end_word.start());
        let head = &text[head_start..end_word.start()];
        let head =
            head.rfind(TITLE_BREAKS).map_or(head, |i| &head[i + head[i..].chars().next().map_or(1, char::len_utf8)..]);
        // The title is the last comma-separated part before the name, with the parts before it
        // that are titles themselves (`市委常委,两江新区党工委书记`).
        let parts: Vec<&str> = head.split([',', '，']).collect();
        let mut title_parts: Vec<&str> = Vec::new();
        for (i, part) in parts.iter().enumerate().rev() {
            let last = i == parts.len() - 1;
            let is_title = TITLE_ENDS.split('|').any(|t| part.ends_with(t));
            if last || is_title && !part.is_empty() {
                title_parts.insert(0, part);
            } else {
                break;
            }
        }
        let mut title = format!("{}{}", title_parts.join(","), end_word.as_str());
        for lead in TITLE_LEADS {
            if let Some(rest) = title.strip_prefix(lead) {
                title = rest.trim_start_matches([',', '，', '、']).to_owned();
            }
        }
        last_end = name.end();
        if title.chars().count() < 2 || title.chars().count() > 40 {
            continue;
        }
        let rest = &text[after.start()..];
        let role = role_of(rest);
        let name = name_text.to_owned();
        match found.iter_mut().find(|o| o.name == name) {
            Some(existing) => {
                let rank = |r: &str| ["attended", "reported", "chaired", "spoke"].iter().position(|x| *x == r);
                if rank(role) > rank(&existing.role) {
                    existing.role = role.to_owned();
                }
            }
            None => found.push(Official { name, title, role: role.to_owned() }),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(String, String, String)> {
        officials(text).into_iter().map(|o| (o.name, o.title, o.role)).collect()
    }

    #[test]
    fn officials_are_read_with_their_titles_and_roles() {
        let text = "市委书记陈金虎出席会议并讲话,市委副书记、市长盛蕾主持会议。市人大常委会主任白云萍,市政协主席戴源,市委副书记、政法委书记季培东等市四套班子全体领导出席会议。";
        let got = roles(text);
        let names: Vec<&str> = got.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["陈金虎", "盛蕾", "白云萍", "戴源", "季培东"]);
        assert_eq!(got[0].1, "市委书记");
        assert_eq!(got[0].2, "spoke");
        assert_eq!((got[1].1.as_str(), got[1].2.as_str()), ("市委副书记、市长", "chaired"));
        assert_eq!((got[4].1.as_str(), got[4].2.as_str()), ("市委副书记、政法委书记", "attended"));
    }

    #[test]
    fn a_meeting_chaired_by_someone_and_reports_are_told_apart() {
        let text = "会上,两江新区党工委副书记、管委会副主任许宏球通报两江新区2023年经济工作情况。会议由两江新区党工委副书记皮涛主持。";
        let got = roles(text);
        assert_eq!(got[0], ("许宏球".into(), "两江新区党工委副书记、管委会副主任".into(), "reported".into()));
        assert_eq!(got[1], ("皮涛".into(), "两江新区党工委副书记".into(), "chaired".into()));
    }

    #[test]
    fn the_meeting_is_read_before_or_after_its_verb() {
        let m = meeting("近日,2024年全市经信新经济工作会议召开。").expect("a meeting");
        assert_eq!(m.name, "2024年全市经信新经济工作会议");
        let m = meeting("1月4日,南通召开全市新型工业化推进大会,以新年第一会").expect("a meeting");
        assert_eq!(m.name, "全市新型工业化推进大会");
    }

    #[test]
    fn dates_take_the_year_the_meeting_speaks_in() {
        let text = "2月18日,□市召开大会。2023年是具有里程碑意义的一年。表彰2023年度星级企业。";
        let meta = read(text);
        assert_eq!(meta.report_year, Some(2024));
        assert_eq!(meta.date.as_deref(), Some("2024-02-18"));
        let meta = read("2024年1月4日,全市新型工业化推进大会召开。到2035年基本实现。");
        assert_eq!(meta.date.as_deref(), Some("2024-01-04"));
        assert_eq!(meta.report_year, Some(2024));
    }

    #[test]
    fn the_region_is_the_city_the_report_names_most() {
        let r = region("南通召开大会。南通市委书记吴新明出席。新南通现代化建设。全市上下。").expect("a city");
        assert_eq!(r, Region { name: "南通市".into(), explicit: true });
        let r = region("建设现代化新永州。永州国际皮具箱包博览会。永州经开区主要负责人。").expect("a city");
        assert_eq!(r, Region { name: "永州市".into(), explicit: false });
        assert_eq!(region("全市上下。制造强市。□市召开大会。"), None);
        // A province's meeting names its cities as examples, and speaks of 全省.
        let text = "湖南省工业和信息化工作会议召开。2023年,全省规模工业增加值增长7.1%,长沙市、株洲市分别增长8%、9%。全省上下要推进新型工业化,全省制造业增加值占比提升,全省新增规上企业3000家。";
        assert_eq!(region(text), Some(Region { name: "湖南省".into(), explicit: true }));
    }
}
