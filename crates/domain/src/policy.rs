//! Policy conditions as machine-checkable rules (免申即享): a small expression language over a
//! firm's facts, e.g.
//!
//! ```text
//! above_scale and industry starts_with "C39" and tax_growth >= 10
//!   and (tier has "srdi_sme" or tier has "little_giant") and mu_class in ["A", "B"]
//! ```
//!
//! Words: `and`/`且`, `or`/`或`, `not`/`非`; comparisons `>= > <= < = !=`; `in [..]`,
//! `has` (a list fact holds a value), `starts_with` (text prefix); numbers, "text", true/false,
//! lists, parentheses, and calls `growth("gross_output")` for facts that take arguments. A
//! parse error names the character where it went wrong and what was expected there. The
//! evaluation gives, for each comparison, the firm's value and whether it held: the evidence
//! a reviewer sees beside the eligibility list.

use serde::Serialize;

use crate::lang::{Lang, Localize};

/// A value of the language.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Text(String),
    Bool(bool),
    List(Vec<Value>),
}

impl Value {
    fn show(&self) -> String {
        match self {
            Value::Number(n) => {
                // Two decimals, four for small ratios (0.0302).
                let text = if n.abs() >= 1.0 { format!("{n:.2}") } else { format!("{n:.4}") };
                text.trim_end_matches('0').trim_end_matches('.').to_owned()
            }
            Value::Text(t) => format!("\"{t}\""),
            Value::Bool(b) => b.to_string(),
            Value::List(items) => format!("[{}]", items.iter().map(Value::show).collect::<Vec<_>>().join(", ")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = ">")]
    Above,
    #[serde(rename = "<=")]
    AtMost,
    #[serde(rename = "<")]
    Below,
    #[serde(rename = "=")]
    Equal,
    #[serde(rename = "!=")]
    NotEqual,
    #[serde(rename = "in")]
    In,
    #[serde(rename = "has")]
    Has,
    #[serde(rename = "starts_with")]
    StartsWith,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::Above => ">",
            Op::AtMost => "≤",
            Op::Below => "<",
            Op::Equal => "=",
            Op::NotEqual => "≠",
            Op::In => "in",
            Op::Has => "has",
            Op::StartsWith => "starts_with",
        }
    }
}

/// A fact of the firm: a name, with arguments for facts that take them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub name: String,
    pub args: Vec<Value>,
    /// Where it stands in the text (character offset), for errors.
    pub at: usize,
}

impl Fact {
    fn show(&self) -> String {
        if self.args.is_empty() {
            self.name.clone()
        } else {
            format!("{}({})", self.name, self.args.iter().map(Value::show).collect::<Vec<_>>().join(", "))
        }
    }
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Expr {
    And {
        parts: Vec<Expr>,
    },
    Or {
        parts: Vec<Expr>,
    },
    Not {
        inner: Box<Expr>,
    },
    Compare {
        fact: Fact,
        op: Op,
        value: Value,
    },
    /// A fact standing alone must be true (`above_scale`).
    Truth {
        fact: Fact,
    },
}

/// Why a text is not a condition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("at character {at}: expected {expected}, found {found}")]
    Unexpected { at: usize, expected: &'static str, found: String },
    #[error("at character {at}: unknown fact '{name}'")]
    UnknownFact { at: usize, name: String },
    #[error("at character {at}: the text is not closed with \"")]
    OpenText { at: usize },
    #[error("the condition is empty")]
    Empty,
    #[error("the condition nests too deeply")]
    TooDeep,
}

impl Localize for ParseError {
    fn code(&self) -> &'static str {
        "policy.syntax"
    }

    fn message(&self, lang: Lang) -> String {
        let zh_expected = |e: &str| {
            match e {
                "a value" => "数值、文本或列表",
                "a fact" => "企业指标名",
                "an operator" => "比较运算符（>=、>、<=、<、=、!=、in、has、starts_with）",
                "and, or or the end" => "and、or 或条件结束",
                ")" => "右括号“)”",
                "]" => "右方括号“]”",
                "a list" => "列表 [..]",
                "text" => "带引号的文本",
                _ => e,
            }
            .to_owned()
        };
        let zh_found = |f: &str| if f == "the end" { "条件结束".to_owned() } else { format!("“{f}”") };
        match (self, lang) {
            (ParseError::Unexpected { at, expected, found }, Lang::ZhCn) => {
                format!("第{at}个字符处：应为{}，实际为{}", zh_expected(expected), zh_found(found))
            }
            (ParseError::UnknownFact { at, name }, Lang::ZhCn) => format!("第{at}个字符处：“{name}”不是可用的企业指标"),
            (ParseError::OpenText { at }, Lang::ZhCn) => format!("第{at}个字符处：文本缺少结束引号"),
            (ParseError::Empty, Lang::ZhCn) => "条件为空".into(),
            (ParseError::TooDeep, Lang::ZhCn) => "条件嵌套层数过多".into(),
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(f64),
    Text(String),
    Word(String),
    Symbol(&'static str),
}

const MAX_DEPTH: usize = 64;
const MAX_CHARS: usize = 10_000;

fn tokenize(text: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<char> = text.chars().take(MAX_CHARS + 1).collect();
    if chars.len() > MAX_CHARS {
        return Err(ParseError::TooDeep);
    }
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || c == '“' {
            let close = if c == '"' { '"' } else { '”' };
            let end = chars[i + 1..].iter().position(|&d| d == close).ok_or(ParseError::OpenText { at })?;
            tokens.push((at, Token::Text(chars[i + 1..i + 1 + end].iter().collect())));
            i += end + 2;
        } else if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let literal: String = chars[start..i].iter().collect();
            let number = literal.parse::<f64>().map_err(|_| ParseError::Unexpected {
                at,
                expected: "a value",
                found: literal.clone(),
            })?;
            tokens.push((at, Token::Number(number)));
        } else if matches!(c, '且' | '或' | '非') {
            // The Chinese connectives stand alone: `上规且上云` is three words.
            tokens.push((at, Token::Word(c.to_string())));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                && !matches!(chars[i], '且' | '或' | '非')
            {
                i += 1;
            }
            tokens.push((at, Token::Word(chars[start..i].iter().collect())));
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let symbol = [
                ">=", "<=", "!=", "&&", "||", "==", "≥", "≤", "≠", ">", "<", "=", "!", "(", ")", "[", "]", ",", "（",
                "）",
            ]
            .into_iter()
            .find(|s| two.starts_with(s))
            .ok_or_else(|| ParseError::Unexpected { at, expected: "a value", found: c.to_string() })?;
            i += symbol.chars().count();
            let symbol = match symbol {
                "≥" => ">=",
                "≤" => "<=",
                "≠" => "!=",
                "==" => "=",
                "（" => "(",
                "）" => ")",
                other => other,
            };
            tokens.push((at, Token::Symbol(symbol)));
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: Vec<(usize, Token)>,
    next: usize,
    end: usize,
    known: &'a dyn Fn(&str) -> bool,
    depth: usize,
}

fn describe(token: &Token) -> String {
    match token {
        Token::Number(n) => Value::Number(*n).show(),
        Token::Text(t) => format!("\"{t}\""),
        Token::Word(w) => w.clone(),
        Token::Symbol(s) => (*s).to_owned(),
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next).map(|(_, t)| t)
    }

    fn at(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |(at, _)| *at)
    }

    fn unexpected(&self, expected: &'static str) -> ParseError {
        let found = self.peek().map_or_else(|| "the end".to_owned(), describe);
        ParseError::Unexpected { at: self.at(), expected, found }
    }

    fn word_is(&self, words: &[&str]) -> bool {
        match self.peek() {
            Some(Token::Word(w)) => words.contains(&w.to_lowercase().as_str()),
            Some(Token::Symbol(s)) => words.contains(s),
            _ => false,
        }
    }

    fn descend(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(ParseError::TooDeep) } else { Ok(()) }
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        self.descend()?;
        let mut parts = vec![self.and()?];
        while self.word_is(&["or", "或", "||"]) {
            self.next += 1;
            parts.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::Or { parts } })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut parts = vec![self.not()?];
        while self.word_is(&["and", "且", "&&"]) {
            self.next += 1;
            parts.push(self.not()?);
        }
        Ok(if parts.len() == 1 { parts.remove(0) } else { Expr::And { parts } })
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.word_is(&["not", "非", "!"]) {
            self.next += 1;
            self.descend()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not { inner: Box::new(inner) });
        }
        if self.peek() == Some(&Token::Symbol("(")) {
            self.next += 1;
            let inner = self.or()?;
            if self.peek() != Some(&Token::Symbol(")")) {
                return Err(self.unexpected(")"));
            }
            self.next += 1;
            return Ok(inner);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let fact = self.fact()?;
        let op = match self.peek() {
            Some(Token::Symbol(">=")) => Some(Op::AtLeast),
            Some(Token::Symbol(">")) => Some(Op::Above),
            Some(Token::Symbol("<=")) => Some(Op::AtMost),
            Some(Token::Symbol("<")) => Some(Op::Below),
            Some(Token::Symbol("=")) => Some(Op::Equal),
            Some(Token::Symbol("!=")) => Some(Op::NotEqual),
            Some(Token::Word(w)) => match w.to_lowercase().as_str() {
                "in" => Some(Op::In),
                "has" => Some(Op::Has),
                "starts_with" => Some(Op::StartsWith),
                _ => None,
            },
            _ => None,
        };
        let Some(op) = op else {
            // A fact alone: a flag. Anything but a connective or the end is a mistake.
            return match self.peek() {
                None | Some(Token::Symbol(")")) => Ok(Expr::Truth { fact }),
                _ if self.word_is(&["and", "且", "&&", "or", "或", "||"]) => Ok(Expr::Truth { fact }),
                _ => Err(self.unexpected("an operator")),
            };
        };
        self.next += 1;
        let value = self.value()?;
        if op == Op::In && !matches!(value, Value::List(_)) {
            return Err(ParseError::Unexpected {
                at: self.tokens[self.next - 1].0,
                expected: "a list",
                found: value.show(),
            });
        }
        if op == Op::StartsWith && !matches!(value, Value::Text(_)) {
            return Err(ParseError::Unexpected {
                at: self.tokens[self.next - 1].0,
                expected: "text",
                found: value.show(),
            });
        }
        Ok(Expr::Compare { fact, op, value })
    }

    fn fact(&mut self) -> Result<Fact, ParseError> {
        let at = self.at();
        let name = match self.peek() {
            Some(Token::Word(w)) if !w.chars().next().is_some_and(|c| c.is_ascii_digit()) => w.clone(),
            _ => return Err(self.unexpected("a fact")),
        };
        if !(self.known)(&name) {
            return Err(ParseError::UnknownFact { at, name });
        }
        self.next += 1;
        let mut args = Vec::new();
        if self.peek() == Some(&Token::Symbol("(")) {
            self.next += 1;
            while self.peek() != Some(&Token::Symbol(")")) {
                args.push(self.value()?);
                match self.peek() {
                    Some(Token::Symbol(",")) => self.next += 1,
                    Some(Token::Symbol(")")) => {}
                    _ => return Err(self.unexpected(")")),
                }
            }
            self.next += 1;
        }
        Ok(Fact { name, args, at })
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        let value = match self.peek().cloned() {
            Some(Token::Number(n)) => Value::Number(n),
            Some(Token::Text(t)) => Value::Text(t),
            Some(Token::Word(w)) if w == "true" || w == "是" => Value::Bool(true),
            Some(Token::Word(w)) if w == "false" || w == "否" => Value::Bool(false),
            Some(Token::Symbol("[")) => {
                self.next += 1;
                let mut items = Vec::new();
                while self.peek() != Some(&Token::Symbol("]")) {
                    self.descend()?;
                    items.push(self.value()?);
                    self.depth -= 1;
                    match self.peek() {
                        Some(Token::Symbol(",")) => self.next += 1,
                        Some(Token::Symbol("]")) => {}
                        _ => return Err(self.unexpected("]")),
                    }
                }
                Value::List(items)
            }
            _ => return Err(self.unexpected("a value")),
        };
        self.next += 1;
        Ok(value)
    }
}

/// Parses a condition; `known` says which fact names exist (an unknown one is an error at its
/// position, so a misspelt `tax_grwoth` is caught when the policy is saved).
pub fn parse(text: &str, known: &dyn Fn(&str) -> bool) -> Result<Expr, ParseError> {
    let tokens = tokenize(text)?;
    if tokens.is_empty() {
        return Err(ParseError::Empty);
    }
    let end = text.chars().count() + 1;
    let mut parser = Parser { tokens, next: 0, end, known, depth: 0 };
    let expr = parser.or()?;
    if parser.next < parser.tokens.len() {
        return Err(parser.unexpected("and, or or the end"));
    }
    Ok(expr)
}

/// What a firm is, for the language: facts by name (with arguments for those that take them).
pub trait Facts {
    fn fact(&self, name: &str, args: &[Value]) -> Option<Value>;
}

/// One comparison's outcome for a firm: what was asked, the firm's value, whether it held.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub condition: String,
    pub value: Option<Value>,
    pub holds: bool,
}

impl Check {
    /// "tax_growth = 12.5 ≥ 10 ✓", "industry (无数据) starts_with \"C39\" ✗".
    pub fn message(&self, lang: Lang) -> String {
        let value = self.value.as_ref().map_or_else(|| lang.pick("无数据", "no data").to_owned(), Value::show);
        format!("{}：{value} {}", self.condition, if self.holds { "✓" } else { "✗" })
    }
}

/// A firm's result: eligible or not, and every comparison read on the way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub eligible: bool,
    pub checks: Vec<Check>,
}

fn compare(value: &Value, op: Op, wanted: &Value) -> bool {
    let number = |v: &Value| match v {
        Value::Number(n) => Some(*n),
        _ => None,
    };
    match op {
        Op::AtLeast | Op::Above | Op::AtMost | Op::Below => match (number(value), number(wanted)) {
            (Some(a), Some(b)) => match op {
                Op::AtLeast => a >= b,
                Op::Above => a > b,
                Op::AtMost => a <= b,
                _ => a < b,
            },
            _ => false,
        },
        Op::Equal => value == wanted,
        Op::NotEqual => value != wanted,
        Op::In => matches!(wanted, Value::List(items) if items.contains(value)),
        Op::Has => matches!(value, Value::List(items) if items.contains(wanted)),
        Op::StartsWith => matches!((value, wanted), (Value::Text(a), Value::Text(b)) if a.starts_with(b.as_str())),
    }
}

impl Expr {
    /// Evaluates the condition for a firm, keeping every comparison as evidence. `or` stops at
    /// the first branch that holds; `and` reads every part, so that a firm sees all it misses.
    pub fn evaluate(&self, facts: &impl Facts) -> Outcome {
        let mut checks = Vec::new();
        let eligible = self.eval(facts, &mut checks);
        Outcome { eligible, checks }
    }

    fn eval(&self, facts: &impl Facts, checks: &mut Vec<Check>) -> bool {
        match self {
            // Every part is read (no short circuit), so that a firm sees all it misses.
            Expr::And { parts } => {
                let held: Vec<bool> = parts.iter().map(|p| p.eval(facts, checks)).collect();
                held.into_iter().all(|h| h)
            }
            Expr::Or { parts } => {
                let mut tried = Vec::new();
                for p in parts {
                    let mut own = Vec::new();
                    if p.eval(facts, &mut own) {
                        checks.extend(own);
                        return true;
                    }
                    tried.extend(own);
                }
                checks.extend(tried);
                false
            }
            Expr::Not { inner } => {
                let mut own = Vec::new();
                let held = inner.eval(facts, &mut own);
                checks.extend(own.into_iter().map(|c| Check {
                    condition: format!("not {}", c.condition),
                    holds: !c.holds,
                    ..c
                }));
                !held
            }
            Expr::Compare { fact, op, value } => {
                let actual = facts.fact(&fact.name, &fact.args);
                let holds = actual.as_ref().is_some_and(|a| compare(a, *op, value));
                checks.push(Check {
                    condition: format!("{} {} {}", fact.show(), op.symbol(), value.show()),
                    value: actual,
                    holds,
                });
                holds
            }
            Expr::Truth { fact } => {
                let actual = facts.fact(&fact.name, &fact.args);
                let holds = actual == Some(Value::Bool(true));
                checks.push(Check { condition: fact.show(), value: actual, holds });
                holds
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    const FACTS: [&str; 7] = ["above_scale", "industry", "tax_growth", "tier", "mu_class", "employees", "growth"];

    fn known(name: &str) -> bool {
        FACTS.contains(&name)
    }

    struct Firm(HashMap<&'static str, Value>);

    impl Facts for Firm {
        fn fact(&self, name: &str, args: &[Value]) -> Option<Value> {
            match (name, args) {
                ("growth", [Value::Text(i)]) if i == "gross_output" => Some(Value::Number(6.5)),
                (_, []) => self.0.get(name).cloned(),
                _ => None,
            }
        }
    }

    fn firm() -> Firm {
        let text = |t: &str| Value::Text(t.into());
        Firm(HashMap::from([
            ("above_scale", Value::Bool(true)),
            ("industry", text("C3985")),
            ("tax_growth", Value::Number(12.5)),
            ("tier", Value::List(vec![text("innovative_sme"), text("srdi_sme")])),
            ("mu_class", text("B")),
            ("employees", Value::Number(180.0)),
        ]))
    }

    #[test]
    fn a_policy_condition_holds_with_its_evidence() {
        let text = r#"above_scale and industry starts_with "C39" and tax_growth >= 10
            and (tier has "srdi_sme" or tier has "little_giant") and mu_class in ["A", "B"]"#;
        let expr = parse(text, &known).expect("parses");
        let outcome = expr.evaluate(&firm());
        assert!(outcome.eligible);
        let lines: Vec<String> = outcome.checks.iter().map(|c| c.message(Lang::ZhCn)).collect();
        assert_eq!(
            lines,
            [
                "above_scale：true ✓",
                "industry starts_with \"C39\"：\"C3985\" ✓",
                "tax_growth ≥ 10：12.5 ✓",
                "tier has \"srdi_sme\"：[\"innovative_sme\", \"srdi_sme\"] ✓",
                "mu_class in [\"A\", \"B\"]：\"B\" ✓",
            ]
        );
    }

    #[test]
    fn a_firm_that_fails_sees_every_part_it_misses() {
        let expr =
            parse("tax_growth > 12.5 且 employees <= 100 且 growth(\"gross_output\") ≥ 5", &known).expect("parses");
        let outcome = expr.evaluate(&firm());
        assert!(!outcome.eligible);
        let held: Vec<bool> = outcome.checks.iter().map(|c| c.holds).collect();
        assert_eq!(held, [false, false, true], "12.5 is not above 12.5; 180 staff; growth 6.5");
        let missing = parse("not mu_class = \"D\" and employees >= 50", &known).expect("parses");
        assert!(missing.evaluate(&firm()).eligible);
        let unknown = parse("growth(\"steel\") >= 0", &known).expect("parses");
        let outcome = unknown.evaluate(&firm());
        assert!(!outcome.eligible && outcome.checks[0].message(Lang::ZhCn).contains("无数据"));
    }

    #[test]
    fn parse_errors_name_the_place_and_what_was_expected() {
        let message = |text: &str| parse(text, &known).expect_err(text).message(Lang::ZhCn);
        assert_eq!(message("tax_growth >= "), "第15个字符处：应为数值、文本或列表，实际为条件结束");
        assert_eq!(message("tax_grwoth >= 10"), "第1个字符处：“tax_grwoth”不是可用的企业指标");
        assert_eq!(message("(above_scale and employees > 5"), "第31个字符处：应为右括号“)”，实际为条件结束");
        assert_eq!(message("mu_class in \"A\""), "第13个字符处：应为列表 [..]，实际为“\"A\"”");
        assert_eq!(
            message("employees 5"),
            "第11个字符处：应为比较运算符（>=、>、<=、<、=、!=、in、has、starts_with），实际为“5”"
        );
        assert_eq!(message("industry = \"C39"), "第12个字符处：文本缺少结束引号");
        assert_eq!(message("   "), "条件为空");
        assert_eq!(
            parse("employees > 5 employees", &known).expect_err("trailing").message(Lang::En),
            "At character 15: expected and, or or the end, found employees"
        );
    }

    #[test]
    fn random_input_gives_errors_never_panics() {
        // A fixed xorshift stream over pieces of the language and stray characters.
        let pieces = [
            "above_scale",
            "tax_growth",
            "tier",
            "industry",
            "growth",
            "(",
            ")",
            "[",
            "]",
            ",",
            "\"",
            "“",
            "”",
            ">=",
            ">",
            "=",
            "!",
            "in",
            "has",
            "and",
            "or",
            "not",
            "且",
            "或",
            "非",
            "12",
            "-3.5",
            "1.2.3",
            "\"C39\"",
            " ",
            "·",
            "😀",
            "starts_with",
            "true",
            "（",
            "）",
            "≥",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut parsed = 0;
        for _ in 0..20_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for k in 0..(state % 12) {
                let mut s = state.wrapping_add(k.wrapping_mul(0x2545_F491_4F6C_DD1D));
                s ^= s >> 29;
                text.push_str(pieces[(s % pieces.len() as u64) as usize]);
            }
            if let Ok(expr) = parse(&text, &known) {
                parsed += 1;
                let _ = expr.evaluate(&firm());
            }
        }
        assert!(parsed > 0, "some random conditions are well formed");
        // Deep nesting is refused, not a stack overflow.
        let deep = format!("{}above_scale{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&deep, &known).is_err());
        let negated = format!("{}above_scale", "not ".repeat(5_000));
        assert_eq!(parse(&negated, &known), Err(ParseError::TooDeep));
    }
}
