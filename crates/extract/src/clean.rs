//! Making a copied report readable: site navigation, footers and comment prompts go; the
//! pinyin that some sites print after each character ("會(huì)議") and stray question marks
//! go; traditional characters become simplified; full-width digits and letters half-width;
//! spaces around numbers and inside quotation marks go. A place name replaced by spam (an
//! app or lottery advertisement where the city should be) is flagged, not guessed.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// A kind of noise found (and removed or flagged) in a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Noise {
    Traditional,
    PinyinArtifact,
    QuestionMarkArtifact,
    SpacesAroundNumbersAndQuotes,
    Navigation,
    Footer,
    CommentPrompts,
    SeoSpamPlaceName,
}

/// A cleaned report: its text, what was wrong with it, and the spam strings that stood where a
/// place name should.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Cleaned {
    pub text: String,
    pub noise: Vec<Noise>,
    pub spam: Vec<String>,
}

#[allow(clippy::expect_used)] // The patterns are constants; a typo fails every test at once.
pub(crate) fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("a valid constant pattern")
}

/// Pinyin in brackets right after a Han character: `會(huì)議`.
static PINYIN: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(\p{Han})[(（]([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,7})[)）]"));

/// Question marks standing for characters lost in an encoding: `2023?年度`, `??咐`.
static QUESTION: LazyLock<Regex> = LazyLock::new(|| regex(r"([\p{Han}\d])\?+|\?+(\p{Han})"));

/// A line that is the site around the article, not the article.
static NAVIGATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(您当前的位置|当前位置|您的位置|首页\s*[>›»])|[>›»]\s*(首页|正文)\s*$|^(首页|正文)\s*[>›»]")
});

static FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"扫一扫|网站地图|版权所有|版权声明|联系我们|ICP备|公网安备|网站标识码|主办单位|承办单位|技术支持|特别声明|Notice:|本平台仅提供|责任编辑|编辑[:：]|审核[:：]|打印本页|关闭窗口|分享到|【字体|字号[:：]|浏览次数|来源[:：]",
    )
});

static COMMENTS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"发布评论|发表评论|登录后|打开小程序|点赞|收藏|阅读原文|查看更多"));

/// A reporter's byline: `现代快报 + 记者 陈莹 严君臣`.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| regex(r"记者\s*\p{Han}{2,3}(\s+\p{Han}{2,3})*\s*$"));

/// A place name replaced by an advertisement: Latin letters or advertising words right
/// before 市/经开区/区.
static SPAM_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"[\p{Han}A-Za-z0-9]{0,6}(?:app|APP|App|官方下载|下载|彩票|福彩|体彩|棋牌|娱乐|博彩|赌|平台官网)[\p{Han}A-Za-z]{0,4}?(?:市|经开区)",
    )
});

static T2S: LazyLock<Option<OpenCC>> = LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).ok());

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303F}' | '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FF0F}' | '“' | '”' | '‘' | '’')
}

/// Full-width digits, letters and `%` as their ASCII forms (Chinese punctuation stays).
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '％' | '．' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' => ' ',
        other => other,
    }
}

/// Spaces next to Chinese text or a quotation mark carry nothing: `达到 2 万亿元`, `" 工业立市 "`.
fn drop_spaces(line: &str) -> (String, bool) {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    let mut dropped = false;
    let quote = |c: char| matches!(c, '"' | '“' | '”' | '\'' | '‘' | '’');
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' || chars[i] == '\t' {
            let start = i;
            while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            let keep = match (before, after) {
                (Some(b), Some(a)) => !(is_cjk(b) || is_cjk(a) || quote(b) || quote(a)),
                _ => false,
            };
            if keep {
                out.push(' ');
            } else {
                dropped |= before.is_some() && after.is_some();
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    (out, dropped)
}

/// Cleans a report's text (already out of its HTML or Word wrapping).
pub fn clean(raw: &str) -> Cleaned {
    let mut noise = Vec::new();
    let note = |n: Noise, noise: &mut Vec<Noise>| {
        if !noise.contains(&n) {
            noise.push(n);
        }
    };
    let text: String = raw.chars().map(half_width).collect();
    let text = if PINYIN.is_match(&text) {
        note(Noise::PinyinArtifact, &mut noise);
        PINYIN.replace_all(&text, "$1").into_owned()
    } else {
        text
    };
    let text = if QUESTION.is_match(&text) {
        note(Noise::QuestionMarkArtifact, &mut noise);
        QUESTION.replace_all(&text, "$1$2").into_owned()
    } else {
        text
    };
    let text = match T2S.as_ref() {
        Some(t2s) => {
            let simplified = t2s.convert(&text);
            let changed = simplified.chars().zip(text.chars()).filter(|(a, b)| a != b).count();
            if changed * 100 > text.chars().count().max(1) {
                note(Noise::Traditional, &mut noise);
            }
            simplified
        }
        None => text,
    };
    let mut lines = Vec::new();
    for line in text.lines() {
        let line = line.trim_matches(|c: char| c.is_whitespace() || c == '•' || c == '|');
        if line.is_empty() {
            continue;
        }
        let short = line.chars().count() < 60;
        if NAVIGATION.is_match(line) && short {
            note(Noise::Navigation, &mut noise);
            continue;
        }
        if FOOTER.is_match(line) && (short || line.starts_with("特别声明") || line.starts_with("Notice")) {
            note(Noise::Footer, &mut noise);
            continue;
        }
        if COMMENTS.is_match(line) && short {
            note(Noise::CommentPrompts, &mut noise);
            continue;
        }
        if BYLINE.is_match(line) && short {
            continue;
        }
        let (line, dropped) = drop_spaces(line);
        if dropped {
            note(Noise::SpacesAroundNumbersAndQuotes, &mut noise);
        }
        lines.push(line);
    }
    let mut text = lines.join("\n");
    let mut spam: Vec<String> = Vec::new();
    for m in SPAM_PLACE.find_iter(&text) {
        let found = m.as_str().trim_end_matches(['市']).trim_end_matches("经开区").to_owned();
        if !spam.contains(&found) {
            spam.push(found);
        }
    }
    if !spam.is_empty() {
        note(Noise::SeoSpamPlaceName, &mut noise);
        // The spam string stands elsewhere without 市 too ("…为中国福彩app官方下载发展"): mark it.
        for s in &spam {
            text = text.replace(s.as_str(), "□");
        }
    }
    noise.sort();
    Cleaned { text, noise, spam }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_after_each_character_and_traditional_characters_go() {
        let c = clean("2024年全市經(jīng)信新經(jīng)濟工作會議召開。");
        assert_eq!(c.text, "2024年全市经信新经济工作会议召开。");
        assert!(c.noise.contains(&Noise::PinyinArtifact) && c.noise.contains(&Noise::Traditional), "{:?}", c.noise);
    }

    #[test]
    fn pinyin_inside_a_bracketed_note_leaves_the_note() {
        assert_eq!(clean("畝均稅收增長8.5%(預(yù)計(jì))").text, "亩均税收增长8.5%(预计)");
    }

    #[test]
    fn stray_question_marks_go() {
        let c = clean("會議通報表揚了2023?年度十大類先進集體");
        assert_eq!(c.text, "会议通报表扬了2023年度十大类先进集体");
        assert!(c.noise.contains(&Noise::QuestionMarkArtifact));
    }

    #[test]
    fn spaces_around_numbers_and_inside_quotes_go_but_not_between_latin_words() {
        let c = clean("坚持 \" 工业立市、制造强市 \" 不动摇,达到 2 万亿元左右,占 GDP 比重超 40%。Notice board");
        assert_eq!(c.text, "坚持\"工业立市、制造强市\"不动摇,达到2万亿元左右,占GDP比重超40%。Notice board");
        assert!(c.noise.contains(&Noise::SpacesAroundNumbersAndQuotes));
    }

    #[test]
    fn navigation_footers_and_comment_prompts_are_dropped() {
        let raw = "您当前的位置: 首页> 政务信息 > 新区动态\n两江新区召开会议。\n扫一扫在手机打开当前页\n版权所有:重庆两江新区管理委员会\nICP备案号:渝ICP备15010887号\n登录后才可以发布评论哦\n现代快报 + 记者 陈莹 严君臣";
        let c = clean(raw);
        assert_eq!(c.text, "两江新区召开会议。");
        for n in [Noise::Navigation, Noise::Footer, Noise::CommentPrompts] {
            assert!(c.noise.contains(&n), "{n:?} in {:?}", c.noise);
        }
    }

    #[test]
    fn a_place_name_replaced_by_spam_is_flagged_and_masked() {
        let c = clean("2月18日,中国福彩app官方下载市召开万亿之城再出发动员大会,为中国福彩app官方下载发展作出贡献。");
        assert_eq!(c.spam, ["中国福彩app官方下载"]);
        assert!(c.noise.contains(&Noise::SeoSpamPlaceName));
        assert!(c.text.contains("□市召开") && c.text.contains("为□发展"), "{}", c.text);
    }

    #[test]
    fn full_width_digits_become_ascii() {
        assert_eq!(clean("增长４．１％").text, "增长4.1%");
    }
}
