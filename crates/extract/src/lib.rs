//! Facts from published reports of the genre Xinzhi's users read: conference reports of
//! industry bureaus, government work reports, statistical bulletins. A report is cleaned
//! (`clean`), then read for its metadata (`meta`: region, meeting, date, officials) and its
//! figures (`facts`: what was achieved and what is targeted, each with indicator, value,
//! unit, kind, year, qualifier and the exact span it came from). `eval` scores extractions
//! against hand-made annotations in the schema of `shared/data/reports/*.gold.json`.
//!
//! The rules are general rules of the genre's Chinese, not rules for particular texts: the
//! development set is five reports, and the judge is reports never seen.
//! Pure: text in, structures out; no IO but the bytes handed in (`input`).

pub mod clean;
pub mod eval;
pub mod facts;
pub mod input;
pub mod meta;
pub mod places;

use serde::{Deserialize, Serialize};

pub use clean::{Cleaned, Noise, clean};

/// What a figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A rate of change: `增长4.1%`.
    Growth,
    /// A number of things: `新增规上企业375家`.
    Count,
    /// A sum: `完成投资110.96亿元`, `供电能力1880万千瓦`.
    Amount,
    /// A place in a ranking: `第一名`.
    Rank,
    /// A proportion: `占GDP比重超40%`.
    Share,
}

impl Kind {
    /// The name the annotations and the API use.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::Growth => "growth",
            Kind::Count => "count",
            Kind::Amount => "amount",
            Kind::Rank => "rank",
            Kind::Share => "share",
        }
    }
}

/// A figure of a report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    pub kind: Kind,
    pub year: Option<i32>,
    /// `以上`, `排全省第2位`, `力争;以上`, …
    pub qualifier: Option<String>,
    /// The words of the cleaned text it was read from.
    pub span: String,
}

/// Who took part in the meeting and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Official {
    pub name: String,
    pub title: String,
    /// `spoke`, `chaired`, `reported` or `attended`.
    pub role: String,
}

/// Everything read from one report, in the schema of the annotations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Extraction {
    pub region: Option<String>,
    /// Whether the region is named as such (`南通市`), not inferred.
    pub region_explicit: bool,
    pub meeting: Option<String>,
    pub meeting_span: Option<String>,
    /// `yyyy-mm-dd`.
    pub date: Option<String>,
    /// The year the report speaks in (its targets' year).
    #[serde(default)]
    pub report_year: Option<i32>,
    pub officials: Vec<Official>,
    pub achieved: Vec<Fact>,
    pub targets: Vec<Fact>,
    pub noise: Vec<Noise>,
    /// Spam strings found where a place name should be.
    #[serde(default)]
    pub spam: Vec<String>,
}

/// Reads a report's text.
pub fn extract(raw: &str) -> Extraction {
    extract_cleaned(&clean(raw))
}

/// Reads a report already cleaned (for a caller that keeps the cleaned text too).
pub fn extract_cleaned(cleaned: &Cleaned) -> Extraction {
    let text = &cleaned.text;
    let meta = meta::read(text);
    let (achieved, targets) = facts::read(text, meta.report_year);
    let region = meta.region;
    Extraction {
        region_explicit: region.as_ref().is_some_and(|r| r.explicit),
        region: region.map(|r| r.name),
        meeting: meta.meeting.as_ref().map(|m| m.name.clone()),
        meeting_span: meta.meeting.map(|m| m.span),
        date: meta.date,
        report_year: meta.report_year,
        officials: meta.officials,
        achieved,
        targets,
        noise: cleaned.noise.clone(),
        spam: cleaned.spam.clone(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// Characters reports are made of, and the ones that trip parsers.
    const ALPHABET: &[char] = &[
        '全', '市', '增', '长', '家', '个', '亿', '元', '万', '以', '上', '第', '名', '位', '排', '新', '和', '各',
        '均', '、', ',', '，', '。', ';', ':', '：', '(', ')', '（', '）', '“', '”', '"', '?', ' ', '\n', '0', '1',
        '2', '5', '9', '.', '%', '年', '月', '日', '书', '记', '主', '持', '出', '席', '讲', '话', '会', '议', '召',
        '开', 'a', 'p', 'é', '我', '□', '区', '县', '力', '争', '目', '标', '是',
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn any_text_gives_an_extraction_and_never_a_panic(picks in proptest::collection::vec(0..ALPHABET.len(), 0..300)) {
            let text: String = picks.into_iter().map(|i| ALPHABET[i]).collect();
            let extraction = extract(&text);
            for fact in extraction.achieved.iter().chain(&extraction.targets) {
                prop_assert!(fact.value.is_finite());
                prop_assert!(!fact.indicator.is_empty());
            }
        }

        #[test]
        fn any_bytes_are_read_or_refused(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
            let _ = input::text_of(&bytes);
        }
    }

    #[test]
    fn the_html_of_a_report_reads_like_its_text() {
        let html = "<html><body><div class=\"nav\">您当前的位置: 首页> 新闻</div><p>2月5日,两江新区召开全区经济工作会议。</p><p>市委常委,两江新区党工委书记罗蔺出席会议并讲话。</p><div>扫一扫在手机打开当前页</div></body></html>";
        let text = input::text_of(html.as_bytes()).unwrap_or_default();
        let e = extract(&text);
        assert_eq!(e.meeting.as_deref(), Some("全区经济工作会议"));
        assert_eq!(e.officials.len(), 1);
        assert_eq!(e.officials[0].title, "市委常委,两江新区党工委书记");
        assert!(e.noise.contains(&Noise::Navigation) && e.noise.contains(&Noise::Footer));
    }
}
