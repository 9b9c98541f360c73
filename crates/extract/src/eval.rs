//! Scoring extractions against hand-made annotations (`NAME.gold.json` beside `NAME.txt`).
//!
//! - **Facts**: an extracted figure matches an annotated one of the same list (achieved or
//!   targets) with the same value and unit whose indicator reads alike: the Dice coefficient
//!   of their character bigrams (quotation marks and spaces aside) is at least 0.5, or one
//!   contains the other. Each annotated figure matches at most once. Kind and year are
//!   reported as the share of matched figures that agree.
//! - **Officials**: by name; role agreement among the matched.
//! - **Metadata**: region, meeting and date, each a prediction when given: region and
//!   meeting right when one contains the other, the date when equal.
//!
//! Precision, recall and F1 are micro-averaged over the reports.

use serde::{Deserialize, Serialize};

use crate::{Extraction, Fact, Kind};

/// The parts of an annotation the scorer reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Gold {
    pub region: Option<String>,
    pub meeting: Option<String>,
    pub date: Option<String>,
    #[serde(default)]
    pub officials: Vec<GoldOfficial>,
    #[serde(default)]
    pub achieved: Vec<GoldFact>,
    #[serde(default)]
    pub targets: Vec<GoldFact>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldOfficial {
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GoldFact {
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    pub kind: Option<Kind>,
    pub year: Option<i32>,
}

/// Matched, extracted and annotated counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Tally {
    pub matched: usize,
    pub predicted: usize,
    pub gold: usize,
}

impl Tally {
    pub fn precision(&self) -> f64 {
        if self.predicted == 0 { 1.0 } else { self.matched as f64 / self.predicted as f64 }
    }

    pub fn recall(&self) -> f64 {
        if self.gold == 0 { 1.0 } else { self.matched as f64 / self.gold as f64 }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
    }

    fn add(&mut self, other: Tally) {
        self.matched += other.matched;
        self.predicted += other.predicted;
        self.gold += other.gold;
    }
}

/// The score of one report or of a set.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Score {
    pub facts: Tally,
    pub officials: Tally,
    pub metadata: Tally,
    /// Among matched facts: how many agree on kind, and on year.
    pub kind_agree: usize,
    pub year_agree: usize,
    /// Among matched officials: how many agree on role.
    pub role_agree: usize,
}

impl Score {
    pub fn add(&mut self, other: &Score) {
        self.facts.add(other.facts);
        self.officials.add(other.officials);
        self.metadata.add(other.metadata);
        self.kind_agree += other.kind_agree;
        self.year_agree += other.year_agree;
        self.role_agree += other.role_agree;
    }
}

fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace() && !"“”\"'‘’「」()（）".contains(*c)).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike two indicators read: 1 for the same words, 0 for nothing shared.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() || y.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let mut pool = y.clone();
    let mut shared = 0;
    for g in &x {
        if let Some(i) = pool.iter().position(|h| h == g) {
            pool.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / (x.len() + y.len()) as f64
}

fn alike(predicted: &str, gold: &str) -> bool {
    let strip = |s: &str| s.chars().filter(|c| !"“”\"'‘’ ".contains(*c)).collect::<String>();
    let (p, g) = (strip(predicted), strip(gold));
    (!p.is_empty() && (g.contains(&p) && p.chars().count() >= 2 || p.contains(&g))) || similarity(&p, &g) >= 0.5
}

fn same_unit(a: &str, b: &str) -> bool {
    let norm = |u: &str| if u == "位" { "名".to_owned() } else { u.to_owned() };
    norm(a) == norm(b)
}

fn score_facts(predicted: &[Fact], gold: &[GoldFact], score: &mut Score) {
    let mut used = vec![false; gold.len()];
    for p in predicted {
        // The best unused annotation of the same value and unit.
        let best = gold
            .iter()
            .enumerate()
            .filter(|(i, g)| !used[*i] && (g.value - p.value).abs() < 1e-9 && same_unit(&p.unit, &g.unit))
            .filter(|(_, g)| alike(&p.indicator, &g.indicator))
            .max_by(|a, b| {
                similarity(&p.indicator, &a.1.indicator).total_cmp(&similarity(&p.indicator, &b.1.indicator))
            });
        if let Some((i, g)) = best {
            used[i] = true;
            score.facts.matched += 1;
            score.kind_agree += usize::from(g.kind == Some(p.kind));
            score.year_agree += usize::from(g.year == p.year);
        }
    }
    score.facts.predicted += predicted.len();
    score.facts.gold += gold.len();
}

/// Scores one extraction against its annotation.
pub fn score(extraction: &Extraction, gold: &Gold) -> Score {
    let mut score = Score::default();
    score_facts(&extraction.achieved, &gold.achieved, &mut score);
    score_facts(&extraction.targets, &gold.targets, &mut score);

    for official in &extraction.officials {
        if let Some(g) = gold.officials.iter().find(|g| g.name == official.name) {
            score.officials.matched += 1;
            score.role_agree += usize::from(g.role.as_deref() == Some(official.role.as_str()));
        }
    }
    score.officials.predicted += extraction.officials.len();
    score.officials.gold += gold.officials.len();

    let contains = |p: &Option<String>, g: &Option<String>| match (p, g) {
        (Some(p), Some(g)) => g.contains(p.as_str()) || p.contains(g.as_str()),
        _ => false,
    };
    let fields = [
        (&extraction.region, &gold.region, contains(&extraction.region, &gold.region)),
        (&extraction.meeting, &gold.meeting, contains(&extraction.meeting, &gold.meeting)),
        (&extraction.date, &gold.date, extraction.date.is_some() && extraction.date == gold.date),
    ];
    for (predicted, annotated, right) in fields {
        score.metadata.predicted += usize::from(predicted.is_some());
        score.metadata.gold += usize::from(annotated.is_some());
        score.metadata.matched += usize::from(right && annotated.is_some());
    }
    score
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(indicator: &str, value: f64, unit: &str) -> Fact {
        Fact {
            indicator: indicator.into(),
            value,
            unit: unit.into(),
            kind: Kind::Count,
            year: Some(2023),
            qualifier: None,
            span: String::new(),
        }
    }

    fn gold_fact(indicator: &str, value: f64, unit: &str) -> GoldFact {
        GoldFact { indicator: indicator.into(), value, unit: unit.into(), kind: Some(Kind::Count), year: Some(2023) }
    }

    #[test]
    fn indicators_that_read_alike_match_once_and_values_must_agree() {
        assert!(alike("新认定工业互联网平台", "新认定省级工业互联网平台"));
        assert!(!alike("智能工位", "新增规上企业"));
        let gold = Gold {
            region: Some("永州市".into()),
            meeting: Some("全市工业和信息化工作会议".into()),
            date: None,
            officials: vec![GoldOfficial { name: "彭峰".into(), role: Some("reported".into()) }],
            achieved: vec![gold_fact("打造智能工位", 458.0, "个"), gold_fact("新增规上企业", 375.0, "家")],
            targets: vec![],
        };
        let extraction = Extraction {
            region: Some("永州市".into()),
            meeting: Some("全市工业和信息化工作会议".into()),
            date: Some("2024-01-01".into()),
            officials: vec![crate::Official { name: "彭峰".into(), title: String::new(), role: "spoke".into() }],
            // The second 智能工位 has nothing left to match; 375 个 is the wrong unit.
            achieved: vec![
                fact("智能工位", 458.0, "个"),
                fact("智能工位", 458.0, "个"),
                fact("新增规上企业", 375.0, "个"),
            ],
            ..Extraction::default()
        };
        let s = score(&extraction, &gold);
        assert_eq!(s.facts, Tally { matched: 1, predicted: 3, gold: 2 });
        assert_eq!((s.kind_agree, s.year_agree), (1, 1));
        assert_eq!(s.officials, Tally { matched: 1, predicted: 1, gold: 1 });
        assert_eq!(s.role_agree, 0);
        // Region and meeting right; a date where the annotation has none counts against.
        assert_eq!(s.metadata, Tally { matched: 2, predicted: 3, gold: 2 });
        assert!((s.facts.f1() - 0.4).abs() < 1e-9, "P 1/3, R 1/2: F1 0.4");
    }
}
