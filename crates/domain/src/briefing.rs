//! Briefing templates (运行简报): text with placeholders for the engine's figures, which the
//! bureau edits like any document. `{ytd_growth:gross_output}` is the 1—N月 same-caliber
//! growth of an indicator, `{entered}` the year's new above-scale firms, and so on (see
//! [`FIELDS`]). A draft keeps each figure as `[[f3|4.1%]]`: the text a reader sees and the
//! figure it links to, so an edited draft still says where each of its numbers came from.

use crate::lang::{Lang, Localize};

/// A part of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Field { name: String, arg: Option<String> },
}

/// The placeholders a template may use: (name, takes an argument, what it gives).
pub const FIELDS: &[(&str, bool, &str)] = &[
    ("period", false, "the months briefed: 1—11月"),
    ("month", false, "the month: 11月"),
    ("ytd_growth", true, "1—N月 same-caliber growth of an indicator, percent"),
    ("month_growth", true, "the month's same-caliber growth of an indicator, percent"),
    ("nominal_growth", true, "1—N月 nominal growth (this year's set against last year's), percent"),
    ("ytd_value", true, "1—N月 level of an indicator, 亿元 for amounts"),
    ("above_scale", false, "above-scale firms in the month"),
    ("entered", false, "new above-scale firms this year"),
    ("exited", false, "firms that left the above-scale set this year"),
    ("loss_making", false, "above-scale firms with a cumulative loss"),
    ("new", true, "new designations this year of a tier: little_giant, srdi_sme, …"),
    ("by_district", true, "each district's 1—N月 growth of an indicator, fastest first"),
];

/// What is wrong with a template, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("character {at}: a placeholder opened with {{ is not closed")]
    Unclosed { at: usize },
    #[error("character {at}: {{{name}}} is not a placeholder; known are {known}")]
    Unknown { at: usize, name: String, known: String },
    #[error("character {at}: {{{name}}} needs an argument, as in {{{name}:gross_output}}")]
    NeedsArgument { at: usize, name: String },
    #[error("the template is empty or longer than 20,000 characters")]
    Length,
}

impl Localize for TemplateError {
    fn code(&self) -> &'static str {
        match self {
            TemplateError::Unclosed { .. } => "template.unclosed",
            TemplateError::Unknown { .. } => "template.unknown",
            TemplateError::NeedsArgument { .. } => "template.argument",
            TemplateError::Length => "template.length",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (TemplateError::Unclosed { at }, Lang::ZhCn) => format!("第{at}个字符处：占位符的“{{”没有对应的“}}”"),
            (TemplateError::Unknown { at, name, known }, Lang::ZhCn) => {
                format!("第{at}个字符处：没有名为“{name}”的占位符，可用的有：{known}")
            }
            (TemplateError::NeedsArgument { at, name }, Lang::ZhCn) => {
                format!("第{at}个字符处：占位符“{name}”需要指标，例如 {{{name}:gross_output}}")
            }
            (TemplateError::Length, Lang::ZhCn) => "模板为空或超过20000字".into(),
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

/// The longest template, in characters.
pub const MAX_CHARS: usize = 20_000;

/// Splits a template into text and placeholders, checking each placeholder's name.
pub fn parse(template: &str) -> Result<Vec<Piece>, TemplateError> {
    let count = template.chars().count();
    if count == 0 || count > MAX_CHARS {
        return Err(TemplateError::Length);
    }
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = template.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '{' {
            text.push(c);
            continue;
        }
        let mut inside = String::new();
        let mut closed = false;
        for (_, d) in chars.by_ref() {
            if d == '}' {
                closed = true;
                break;
            }
            if d == '{' || d == '\n' || inside.chars().count() > 60 {
                break;
            }
            inside.push(d);
        }
        if !closed {
            return Err(TemplateError::Unclosed { at: i + 1 });
        }
        let (name, arg) = match inside.split_once(':') {
            Some((n, a)) => (n.trim().to_owned(), Some(a.trim().to_owned()).filter(|a| !a.is_empty())),
            None => (inside.trim().to_owned(), None),
        };
        let Some((_, takes_arg, _)) = FIELDS.iter().find(|(n, _, _)| *n == name) else {
            let known = FIELDS.iter().map(|(n, _, _)| *n).collect::<Vec<_>>().join(", ");
            return Err(TemplateError::Unknown { at: i + 1, name, known });
        };
        if *takes_arg && arg.is_none() {
            return Err(TemplateError::NeedsArgument { at: i + 1, name });
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        pieces.push(Piece::Field { name, arg: if *takes_arg { arg } else { None } });
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// A piece of a draft: text, or a figure with the id of its provenance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftPiece<'a> {
    Text(&'a str),
    Figure { id: &'a str, text: &'a str },
}

/// Reads a draft's `[[f3|4.1%]]` marks; anything else is text.
pub fn draft_pieces(draft: &str) -> Vec<DraftPiece<'_>> {
    let mut out = Vec::new();
    let mut rest = draft;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        let inner = &after[..end];
        match inner.split_once('|') {
            Some((id, text)) if id.starts_with('f') && id.len() <= 6 && !text.contains("[[") => {
                if start > 0 {
                    out.push(DraftPiece::Text(&rest[..start]));
                }
                out.push(DraftPiece::Figure { id, text });
            }
            _ => out.push(DraftPiece::Text(&rest[..start + 2 + end + 2])),
        }
        rest = &after[end + 2..];
    }
    if !rest.is_empty() {
        out.push(DraftPiece::Text(rest));
    }
    out
}

/// A draft as plain text (for Word and for reading aloud): the figures' text only.
pub fn plain(draft: &str) -> String {
    draft_pieces(draft)
        .into_iter()
        .map(|p| match p {
            DraftPiece::Text(t) | DraftPiece::Figure { text: t, .. } => t,
        })
        .collect()
}

/// The shipped monthly template, in the style of the conference reports.
pub const DEFAULT_MONTHLY: &str = "{period}，全市规上工业总产值同口径{ytd_growth:gross_output}，其中{month}当月{month_growth:gross_output}；规上工业营业收入同口径{ytd_growth:revenue}，实现营业收入{ytd_value:revenue}。\n\n全市规上工业企业{above_scale}家，今年以来新增规上企业{entered}家、退出{exited}家；亏损企业{loss_making}家。新增国家专精特新“小巨人”企业{new:little_giant}家、省级专精特新中小企业{new:srdi_sme}家。\n\n分区县看，{by_district:gross_output}。\n\n工业用电量同口径{ytd_growth:electricity}。";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_text_are_told_apart() {
        let pieces = parse("{period}，全市规上工业总产值{ytd_growth:gross_output}。").expect("a template");
        assert_eq!(
            pieces,
            [
                Piece::Field { name: "period".into(), arg: None },
                Piece::Text("，全市规上工业总产值".into()),
                Piece::Field { name: "ytd_growth".into(), arg: Some("gross_output".into()) },
                Piece::Text("。".into()),
            ]
        );
        assert!(parse(DEFAULT_MONTHLY).is_ok());
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let e = parse("全市{growth:gross_output}。").expect_err("unknown");
        assert!(matches!(&e, TemplateError::Unknown { at: 3, name, .. } if name == "growth"), "{e:?}");
        assert!(e.message(Lang::ZhCn).starts_with("第3个字符处"));
        assert_eq!(
            parse("增长{ytd_growth}").expect_err("arg"),
            TemplateError::NeedsArgument { at: 3, name: "ytd_growth".into() }
        );
        assert_eq!(parse("增长{ytd_growth:gross_output").expect_err("open"), TemplateError::Unclosed { at: 3 });
        assert_eq!(parse("").expect_err("empty"), TemplateError::Length);
    }

    #[test]
    fn a_drafts_figures_keep_their_links_through_editing() {
        let draft =
            "1—11月，全市规上工业总产值同口径[[f1|增长4.1%]]，高于全省[[f9|0.4个百分点]]。[[not a mark]] [[f2|375]]";
        let figures: Vec<(&str, &str)> = draft_pieces(draft)
            .into_iter()
            .filter_map(|p| match p {
                DraftPiece::Figure { id, text } => Some((id, text)),
                DraftPiece::Text(_) => None,
            })
            .collect();
        assert_eq!(figures, [("f1", "增长4.1%"), ("f9", "0.4个百分点"), ("f2", "375")]);
        assert_eq!(plain(draft), "1—11月，全市规上工业总产值同口径增长4.1%，高于全省0.4个百分点。[[not a mark]] 375");
    }
}
