//! Validation rules of the monthly report, in DHIS2's shape: a left expression, an operator, a
//! right expression, an importance, and what to do when a value is missing. Rules are data
//! (stored, editable by the analyst); this module parses and evaluates them.
//!
//! Expressions are arithmetic over numbers and indicator references:
//! `#{gross_output}` is this month's value, `#{gross_output@last_year}` the same month a year
//! earlier. Example: "sales output at most 5% above gross output" is
//! `#{sales_output} <= #{gross_output} * 1.05`.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::lang::{Lang, Localize};

/// Longest expression text accepted.
pub const MAX_EXPRESSION: usize = 500;
/// Deepest nesting accepted, so that hostile input cannot exhaust the stack.
const MAX_DEPTH: usize = 32;

/// Which value of an indicator an expression reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    ThisMonth,
    /// The same month one year earlier (同期), `@last_year`.
    LastYear,
    /// The month before (上月), `@last_month`: what a stock is compared with.
    LastMonth,
    /// January through this month (1—N月累计), this month included, `@ytd`. Only flows add up
    /// over months; a stock's cumulative value means nothing.
    YearToDate,
    /// The same January-through-month range a year earlier (上年同期累计), `@ytd_last_year`.
    YearToDateLastYear,
}

impl Moment {
    pub const ALL: [Moment; 5] =
        [Moment::ThisMonth, Moment::LastYear, Moment::LastMonth, Moment::YearToDate, Moment::YearToDateLastYear];

    /// What follows `@` in a reference; nothing for this month.
    pub fn suffix(self) -> Option<&'static str> {
        match self {
            Moment::ThisMonth => None,
            Moment::LastYear => Some("last_year"),
            Moment::LastMonth => Some("last_month"),
            Moment::YearToDate => Some("ytd"),
            Moment::YearToDateLastYear => Some("ytd_last_year"),
        }
    }

    /// Sums months, which only a flow indicator may do.
    pub fn accumulates(self) -> bool {
        matches!(self, Moment::YearToDate | Moment::YearToDateLastYear)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expression {
    Number(f64),
    Value { code: String, moment: Moment },
    Negate(Box<Expression>),
    Binary { left: Box<Expression>, op: Arithmetic, right: Box<Expression> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arithmetic {
    Add,
    Subtract,
    Multiply,
    Divide,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpressionError {
    #[error("the expression is empty")]
    Empty,
    #[error("the expression is longer than {MAX_EXPRESSION} characters")]
    TooLong,
    #[error("unexpected '{found}' at character {position}")]
    Unexpected { found: String, position: usize },
    #[error("the expression ends too early")]
    UnexpectedEnd,
    #[error(
        "'{0}' is not an indicator reference: write #{{code}}, #{{code@last_year}}, #{{code@last_month}}, #{{code@ytd}} or #{{code@ytd_last_year}}"
    )]
    Reference(String),
    #[error("the expression is nested too deeply")]
    TooDeep,
}

impl Localize for ExpressionError {
    fn code(&self) -> &'static str {
        "validation.expression"
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (ExpressionError::Empty, Lang::ZhCn) => "表达式为空".into(),
            (ExpressionError::TooLong, Lang::ZhCn) => format!("表达式超过{MAX_EXPRESSION}个字符"),
            (ExpressionError::Unexpected { found, position }, Lang::ZhCn) => {
                format!("第{position}个字符处出现意外的“{found}”")
            }
            (ExpressionError::UnexpectedEnd, Lang::ZhCn) => "表达式不完整".into(),
            (ExpressionError::Reference(r), Lang::ZhCn) => {
                format!(
                    "“{r}”不是指标引用：应写作 #{{代码}}（本月）、#{{代码@last_year}}（上年同期）、#{{代码@last_month}}（上月）、#{{代码@ytd}}（1—本月累计）或 #{{代码@ytd_last_year}}（上年同期累计）"
                )
            }
            (ExpressionError::TooDeep, Lang::ZhCn) => "表达式嵌套过深".into(),
            (other, Lang::En) => other.to_string(),
        }
    }
}

struct Parser<'a> {
    chars: Vec<(usize, char)>,
    at: usize,
    text: &'a str,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.chars.get(self.at).is_some_and(|(_, c)| c.is_whitespace()) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_space();
        self.chars.get(self.at).map(|(_, c)| *c)
    }

    fn unexpected(&self) -> ExpressionError {
        match self.chars.get(self.at) {
            Some((_, c)) => ExpressionError::Unexpected { found: c.to_string(), position: self.at + 1 },
            None => ExpressionError::UnexpectedEnd,
        }
    }

    fn expression(&mut self, depth: usize) -> Result<Expression, ExpressionError> {
        if depth > MAX_DEPTH {
            return Err(ExpressionError::TooDeep);
        }
        let mut left = self.term(depth)?;
        while let Some(op) = self.peek().and_then(|c| match c {
            '+' => Some(Arithmetic::Add),
            '-' => Some(Arithmetic::Subtract),
            _ => None,
        }) {
            self.at += 1;
            let right = self.term(depth)?;
            left = Expression::Binary { left: Box::new(left), op, right: Box::new(right) };
        }
        Ok(left)
    }

    fn term(&mut self, depth: usize) -> Result<Expression, ExpressionError> {
        let mut left = self.factor(depth)?;
        while let Some(op) = self.peek().and_then(|c| match c {
            '*' => Some(Arithmetic::Multiply),
            '/' => Some(Arithmetic::Divide),
            _ => None,
        }) {
            self.at += 1;
            let right = self.factor(depth)?;
            left = Expression::Binary { left: Box::new(left), op, right: Box::new(right) };
        }
        Ok(left)
    }

    fn factor(&mut self, depth: usize) -> Result<Expression, ExpressionError> {
        if depth > MAX_DEPTH {
            return Err(ExpressionError::TooDeep);
        }
        match self.peek() {
            None => Err(ExpressionError::UnexpectedEnd),
            Some('-') => {
                self.at += 1;
                Ok(Expression::Negate(Box::new(self.factor(depth + 1)?)))
            }
            Some('(') => {
                self.at += 1;
                let inner = self.expression(depth + 1)?;
                if self.peek() != Some(')') {
                    return Err(self.unexpected());
                }
                self.at += 1;
                Ok(inner)
            }
            Some('#') => {
                let start = self.at;
                let close = self.chars[start..].iter().position(|(_, c)| *c == '}').map(|p| start + p);
                let Some(close) = close else {
                    return Err(ExpressionError::Reference(self.text[self.chars[start].0..].to_owned()));
                };
                let raw: String = self.chars[start..=close].iter().map(|(_, c)| c).collect();
                self.at = close + 1;
                let inner = raw
                    .strip_prefix("#{")
                    .and_then(|r| r.strip_suffix('}'))
                    .ok_or_else(|| ExpressionError::Reference(raw.clone()))?;
                let (code, moment) = match inner.split_once('@') {
                    None => (inner, Moment::ThisMonth),
                    Some((code, suffix)) => match Moment::ALL.into_iter().find(|m| m.suffix() == Some(suffix)) {
                        Some(moment) => (code, moment),
                        None => return Err(ExpressionError::Reference(raw)),
                    },
                };
                crate::indicator::IndicatorCode::parse(code).map_err(|_| ExpressionError::Reference(raw.clone()))?;
                Ok(Expression::Value { code: code.to_owned(), moment })
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let start = self.at;
                while self.chars.get(self.at).is_some_and(|(_, c)| c.is_ascii_digit() || *c == '.') {
                    self.at += 1;
                }
                let text: String = self.chars[start..self.at].iter().map(|(_, c)| c).collect();
                text.parse::<f64>()
                    .map(Expression::Number)
                    .map_err(|_| ExpressionError::Unexpected { found: text, position: start + 1 })
            }
            Some(_) => Err(self.unexpected()),
        }
    }
}

impl Expression {
    pub fn parse(text: &str) -> Result<Expression, ExpressionError> {
        if text.chars().count() > MAX_EXPRESSION {
            return Err(ExpressionError::TooLong);
        }
        if text.trim().is_empty() {
            return Err(ExpressionError::Empty);
        }
        let mut parser = Parser { chars: text.char_indices().collect(), at: 0, text };
        let expression = parser.expression(0)?;
        if parser.peek().is_some() {
            return Err(parser.unexpected());
        }
        Ok(expression)
    }

    /// The indicator references, for checking them against the catalogue.
    pub fn references(&self) -> Vec<(&str, Moment)> {
        match self {
            Expression::Number(_) => Vec::new(),
            Expression::Value { code, moment } => vec![(code.as_str(), *moment)],
            Expression::Negate(inner) => inner.references(),
            Expression::Binary { left, right, .. } => {
                let mut all = left.references();
                all.extend(right.references());
                all
            }
        }
    }

    /// Evaluates with `value(code, moment)`; `None` when a value is missing (or a division by
    /// zero), unless `missing_as_zero`.
    pub fn evaluate(&self, value: &impl Fn(&str, Moment) -> Option<f64>, missing_as_zero: bool) -> Option<f64> {
        match self {
            Expression::Number(n) => Some(*n),
            Expression::Value { code, moment } => value(code, *moment).or(missing_as_zero.then_some(0.0)),
            Expression::Negate(inner) => inner.evaluate(value, missing_as_zero).map(|v| -v),
            Expression::Binary { left, op, right } => {
                let (l, r) = (left.evaluate(value, missing_as_zero)?, right.evaluate(value, missing_as_zero)?);
                let result = match op {
                    Arithmetic::Add => l + r,
                    Arithmetic::Subtract => l - r,
                    Arithmetic::Multiply => l * r,
                    Arithmetic::Divide if r == 0.0 => return None,
                    Arithmetic::Divide => l / r,
                };
                result.is_finite().then_some(result)
            }
        }
    }
}

impl fmt::Display for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expression::Number(n) => write!(f, "{n}"),
            Expression::Value { code, moment } => match moment.suffix() {
                None => write!(f, "#{{{code}}}"),
                Some(suffix) => write!(f, "#{{{code}@{suffix}}}"),
            },
            Expression::Negate(inner) => write!(f, "-({inner})"),
            Expression::Binary { left, op, right } => {
                let symbol = match op {
                    Arithmetic::Add => "+",
                    Arithmetic::Subtract => "-",
                    Arithmetic::Multiply => "*",
                    Arithmetic::Divide => "/",
                };
                write!(f, "({left} {symbol} {right})")
            }
        }
    }
}

/// How the two sides are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Operator {
    Equal,
    NotEqual,
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

impl Operator {
    pub const ALL: [Operator; 6] = [
        Operator::Equal,
        Operator::NotEqual,
        Operator::Greater,
        Operator::GreaterOrEqual,
        Operator::Less,
        Operator::LessOrEqual,
    ];

    pub fn symbol(self) -> &'static str {
        match self {
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
            Operator::Greater => ">",
            Operator::GreaterOrEqual => ">=",
            Operator::Less => "<",
            Operator::LessOrEqual => "<=",
        }
    }

    pub fn parse(text: &str) -> Option<Operator> {
        Operator::ALL.into_iter().find(|o| o.symbol() == text.trim())
    }

    /// Compares with a relative tolerance, so that 万元 values rounded to 0.1 do not trip
    /// equality rules.
    pub fn holds(self, left: f64, right: f64) -> bool {
        let tolerance = 1e-9 * left.abs().max(right.abs()).max(1.0);
        let equal = (left - right).abs() <= tolerance;
        match self {
            Operator::Equal => equal,
            Operator::NotEqual => !equal,
            Operator::Greater => left > right && !equal,
            Operator::GreaterOrEqual => left > right || equal,
            Operator::Less => left < right && !equal,
            Operator::LessOrEqual => left < right || equal,
        }
    }
}

/// What a failed rule means for submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    /// The report cannot be submitted while this fails.
    Error,
    /// The report can be submitted with a written explanation (e.g. a year-on-year jump).
    Warning,
}

impl Importance {
    pub fn as_str(self) -> &'static str {
        match self {
            Importance::Error => "error",
            Importance::Warning => "warning",
        }
    }

    pub fn parse(text: &str) -> Option<Importance> {
        match text {
            "error" => Some(Importance::Error),
            "warning" => Some(Importance::Warning),
            _ => None,
        }
    }
}

/// What to do when a value the rule reads is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingValues {
    /// Skip the rule if any value is missing (the default: a rule about last year does not
    /// apply to a firm that did not report last year).
    SkipIfAnyMissing,
    /// Treat missing values as zero.
    NeverSkip,
}

impl MissingValues {
    pub fn as_str(self) -> &'static str {
        match self {
            MissingValues::SkipIfAnyMissing => "skip_if_any_missing",
            MissingValues::NeverSkip => "never_skip",
        }
    }

    pub fn parse(text: &str) -> Option<MissingValues> {
        match text {
            "skip_if_any_missing" => Some(MissingValues::SkipIfAnyMissing),
            "never_skip" => Some(MissingValues::NeverSkip),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ValidationRule {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub left: Expression,
    pub operator: Operator,
    pub right: Expression,
    pub importance: Importance,
    pub missing: MissingValues,
}

/// A rule that does not hold for a report, with the two sides' values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub rule: String,
    pub name_zh: String,
    pub name_en: String,
    pub importance: Importance,
    pub left: f64,
    pub operator: &'static str,
    pub right: f64,
}

impl Violation {
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => {
                format!("{}（{} {} {} 不成立）", self.name_zh, trim(self.left), self.operator, trim(self.right))
            }
            Lang::En => {
                format!("{} ({} {} {} does not hold)", self.name_en, trim(self.left), self.operator, trim(self.right))
            }
        }
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

impl ValidationRule {
    /// Every indicator reference of both sides.
    pub fn references(&self) -> impl Iterator<Item = (&str, Moment)> {
        self.left.references().into_iter().chain(self.right.references())
    }

    /// The moments the rule reads, so that a caller loads only the months it needs.
    pub fn reads(&self, moment: Moment) -> bool {
        self.references().any(|(_, m)| m == moment)
    }

    /// `Some(violation)` when the rule applies and does not hold.
    pub fn check(&self, value: &impl Fn(&str, Moment) -> Option<f64>) -> Option<Violation> {
        let zero = self.missing == MissingValues::NeverSkip;
        let left = self.left.evaluate(value, zero)?;
        let right = self.right.evaluate(value, zero)?;
        (!self.operator.holds(left, right)).then(|| Violation {
            rule: self.code.clone(),
            name_zh: self.name_zh.clone(),
            name_en: self.name_en.clone(),
            importance: self.importance,
            left,
            operator: self.operator.symbol(),
            right,
        })
    }
}

/// The first stock indicator that `expression` sums over months (`#{employees_end@ytd}`),
/// which is meaningless: a stock is a level at the end of a month (domain.md §2.2). `is_stock`
/// tells the catalogue's temporal kind of a code.
pub fn accumulated_stock(expression: &Expression, is_stock: impl Fn(&str) -> bool) -> Option<&str> {
    expression.references().into_iter().find(|(code, moment)| moment.accumulates() && is_stock(code)).map(|(c, _)| c)
}

/// What a report's rules read, by indicator code: this month's values as they will be after
/// the write, and the firm's stored history around the month.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleValues {
    pub this_month: BTreeMap<String, f64>,
    pub last_year: BTreeMap<String, f64>,
    pub last_month: BTreeMap<String, f64>,
    /// January through the month before this one, summed (empty in January).
    pub earlier_this_year: BTreeMap<String, f64>,
    /// January through the same month a year earlier, summed.
    pub ytd_last_year: BTreeMap<String, f64>,
}

/// Which of a [`RuleValues`]' parts to load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RuleNeeds {
    pub this_month: bool,
    pub last_year: bool,
    pub last_month: bool,
    pub earlier_this_year: bool,
    pub ytd_last_year: bool,
}

impl RuleNeeds {
    /// What `rules` read besides this month.
    pub fn of_rules(rules: &[ValidationRule]) -> RuleNeeds {
        let reads = |moment| rules.iter().any(|r| r.reads(moment));
        RuleNeeds {
            this_month: false,
            last_year: reads(Moment::LastYear),
            last_month: reads(Moment::LastMonth),
            earlier_this_year: reads(Moment::YearToDate),
            ytd_last_year: reads(Moment::YearToDateLastYear),
        }
    }
}

impl RuleValues {
    /// The value a reference reads. The cumulative value needs this month's; earlier months
    /// the firm did not report count as nothing.
    pub fn get(&self, code: &str, moment: Moment) -> Option<f64> {
        match moment {
            Moment::ThisMonth => self.this_month.get(code).copied(),
            Moment::LastYear => self.last_year.get(code).copied(),
            Moment::LastMonth => self.last_month.get(code).copied(),
            Moment::YearToDate => {
                self.this_month.get(code).map(|now| now + self.earlier_this_year.get(code).copied().unwrap_or(0.0))
            }
            Moment::YearToDateLastYear => self.ytd_last_year.get(code).copied(),
        }
    }
}

/// Checks every rule; errors first.
pub fn check_all(rules: &[ValidationRule], value: &impl Fn(&str, Moment) -> Option<f64>) -> Vec<Violation> {
    let mut violations: Vec<Violation> = rules.iter().filter_map(|r| r.check(value)).collect();
    violations.sort_by_key(|v| v.importance);
    violations
}

/// What stands between a report and its submission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportCheck {
    /// Required indicators without a value.
    pub missing: Vec<String>,
    /// Rules that fail, errors first.
    pub violations: Vec<Violation>,
}

impl ReportCheck {
    /// Required fields are filled and no error rule fails.
    pub fn passes_errors(&self) -> bool {
        self.missing.is_empty() && !self.violations.iter().any(|v| v.importance == Importance::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Violation> {
        self.violations.iter().filter(|v| v.importance == Importance::Warning)
    }

    /// Can be submitted: no errors, and warnings (if any) explained.
    pub fn allows_submission(&self, explained: bool) -> bool {
        self.passes_errors() && (explained || self.warnings().next().is_none())
    }
}

/// Checks a report before submission: required fields, then every rule.
pub fn check_report(
    required: &[&str],
    rules: &[ValidationRule],
    value: &impl Fn(&str, Moment) -> Option<f64>,
) -> ReportCheck {
    ReportCheck {
        missing: required
            .iter()
            .filter(|code| value(code, Moment::ThisMonth).is_none())
            .map(|c| (*c).to_owned())
            .collect(),
        violations: check_all(rules, value),
    }
}

/// The rules of a new installation: (code, zh, en, left, operator, right, importance).
pub const STANDARD_RULES: [(&str, &str, &str, &str, &str, &str, &str); 11] = [
    (
        "sales_within_output",
        "工业销售产值不应超过工业总产值的105%",
        "Sales output at most 105% of gross output",
        "#{sales_output}",
        "<=",
        "#{gross_output} * 1.05",
        "error",
    ),
    (
        "export_within_sales",
        "出口交货值不应超过工业销售产值",
        "Export delivery at most sales output",
        "#{export_delivery}",
        "<=",
        "#{sales_output}",
        "error",
    ),
    (
        "main_within_revenue",
        "主营业务收入不应超过营业收入",
        "Main-business revenue at most operating revenue",
        "#{main_revenue}",
        "<=",
        "#{revenue}",
        "error",
    ),
    (
        "output_not_negative",
        "工业总产值不能为负数",
        "Gross output is not negative",
        "#{gross_output}",
        ">=",
        "0",
        "error",
    ),
    (
        "revenue_not_negative",
        "营业收入不能为负数",
        "Operating revenue is not negative",
        "#{revenue}",
        ">=",
        "0",
        "error",
    ),
    (
        "capacity_at_most_100",
        "产能利用率不应超过100%",
        "Capacity utilisation at most 100%",
        "#{capacity_utilization}",
        "<=",
        "100",
        "error",
    ),
    (
        "liabilities_plausible",
        "负债合计超过资产总计的2倍，请核实",
        "Liabilities over twice the assets: please check",
        "#{total_liabilities}",
        "<=",
        "#{total_assets} * 2",
        "warning",
    ),
    // A stock is a level: it is checked against last month's level, never summed.
    (
        "employees_vs_last_month_up",
        "期末从业人员比上月增加超过50%，请核实",
        "Employees at month end up by more than half on last month: please check",
        "#{employees_end}",
        "<=",
        "#{employees_end@last_month} * 1.5",
        "warning",
    ),
    (
        "employees_vs_last_month_down",
        "期末从业人员比上月减少超过50%，请核实",
        "Employees at month end down by more than half on last month: please check",
        "#{employees_end}",
        ">=",
        "#{employees_end@last_month} * 0.5",
        "warning",
    ),
    (
        "output_yoy_jump_up",
        "工业总产值同比增长超过100%，请说明原因",
        "Gross output more than doubled on last year: explain",
        "#{gross_output}",
        "<=",
        "#{gross_output@last_year} * 2",
        "warning",
    ),
    (
        "output_yoy_jump_down",
        "工业总产值同比下降超过50%，请说明原因",
        "Gross output fell by more than half on last year: explain",
        "#{gross_output}",
        ">=",
        "#{gross_output@last_year} * 0.5",
        "warning",
    ),
];

/// The standard rules, parsed.
pub fn standard_rules() -> Vec<ValidationRule> {
    STANDARD_RULES
        .iter()
        .filter_map(|(code, zh, en, left, op, right, importance)| {
            Some(ValidationRule {
                code: (*code).to_owned(),
                name_zh: (*zh).to_owned(),
                name_en: (*en).to_owned(),
                left: Expression::parse(left).ok()?,
                operator: Operator::parse(op)?,
                right: Expression::parse(right).ok()?,
                importance: Importance::parse(importance)?,
                missing: MissingValues::SkipIfAnyMissing,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(pairs: &[(&str, f64)], last_year: &[(&str, f64)]) -> impl Fn(&str, Moment) -> Option<f64> {
        let now: Vec<(String, f64)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        let before: Vec<(String, f64)> = last_year.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        move |code, moment| {
            let list = if moment == Moment::ThisMonth { &now } else { &before };
            list.iter().find(|(k, _)| k == code).map(|(_, v)| *v)
        }
    }

    #[test]
    fn expressions_follow_precedence_and_parentheses() {
        let v = values(&[("ga", 10.0), ("gb", 4.0)], &[("ga", 5.0)]);
        let eval = |text: &str| Expression::parse(text).expect(text).evaluate(&v, false);
        assert_eq!(eval("#{ga} + #{gb} * 2"), Some(18.0));
        assert_eq!(eval("(#{ga} + #{gb}) * 2"), Some(28.0));
        assert_eq!(eval("-#{ga} + 1.5"), Some(-8.5));
        assert_eq!(eval("#{ga} / (#{gb} - 4)"), None, "division by zero is missing, not infinity");
        assert_eq!(eval("#{ga@last_year} * 2"), Some(10.0));
        assert_eq!(eval("#{zz} + 1"), None);
        assert_eq!(Expression::parse("#{zz} + 1").expect("parses").evaluate(&v, true), Some(1.0));
    }

    #[test]
    fn references_read_last_month_and_the_cumulative_values() {
        let lookup = |code: &str, moment: Moment| match (code, moment) {
            ("ga", Moment::ThisMonth) => Some(30.0),
            ("ga", Moment::LastMonth) => Some(20.0),
            ("ga", Moment::YearToDate) => Some(90.0),
            ("ga", Moment::YearToDateLastYear) => Some(60.0),
            _ => None,
        };
        let eval = |text: &str| Expression::parse(text).expect(text).evaluate(&lookup, false);
        assert_eq!(eval("#{ga} - #{ga@last_month}"), Some(10.0));
        assert_eq!(eval("#{ga@ytd} / #{ga@ytd_last_year}"), Some(1.5));
        for text in ["#{ga@last_month}", "#{ga@ytd}", "#{ga@ytd_last_year}", "#{ga@last_year}"] {
            let parsed = Expression::parse(text).expect(text);
            assert_eq!(parsed.to_string(), text, "a reference prints as it is written");
        }
        assert!(matches!(Expression::parse("#{ga@ytd_next_year}"), Err(ExpressionError::Reference(_))));
    }

    #[test]
    fn the_cumulative_value_adds_this_month_to_the_earlier_months() {
        let code = |pairs: &[(&str, f64)]| pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        let values = RuleValues {
            this_month: code(&[("ga", 30.0), ("gb", 5.0)]),
            earlier_this_year: code(&[("ga", 60.0)]),
            ytd_last_year: code(&[("ga", 80.0)]),
            ..RuleValues::default()
        };
        assert_eq!(values.get("ga", Moment::YearToDate), Some(90.0));
        assert_eq!(values.get("gb", Moment::YearToDate), Some(5.0), "a first report of the year is its own total");
        assert_eq!(values.get("gc", Moment::YearToDate), None, "no value this month, no total");
        assert_eq!(values.get("ga", Moment::YearToDateLastYear), Some(80.0));
        assert_eq!(values.get("ga", Moment::LastMonth), None);
    }

    #[test]
    fn a_stock_summed_over_months_is_named() {
        let is_stock = |code: &str| code == "employees_end";
        let summed = Expression::parse("#{employees_end@ytd} + #{gross_output@ytd}").expect("parses");
        assert_eq!(accumulated_stock(&summed, is_stock), Some("employees_end"));
        let levels = Expression::parse("#{employees_end@last_month} * 1.5 + #{gross_output@ytd}").expect("parses");
        assert_eq!(accumulated_stock(&levels, is_stock), None, "a stock's last month and a flow's total are fine");
    }

    #[test]
    fn the_stock_rules_compare_with_last_month_and_skip_a_first_report() {
        let rules = standard_rules();
        let employees = |now: f64, before: Option<f64>| {
            move |code: &str, moment: Moment| match (code, moment) {
                ("employees_end", Moment::ThisMonth) => Some(now),
                ("employees_end", Moment::LastMonth) => before,
                _ => None,
            }
        };
        let failing = |lookup| check_all(&rules, &lookup).into_iter().map(|v| v.rule).collect::<Vec<_>>();
        assert_eq!(failing(employees(151.0, Some(100.0))), ["employees_vs_last_month_up"]);
        assert_eq!(failing(employees(150.0, Some(100.0))), Vec::<String>::new(), "exactly +50% is allowed");
        assert_eq!(failing(employees(49.0, Some(100.0))), ["employees_vs_last_month_down"]);
        assert_eq!(failing(employees(500.0, None)), Vec::<String>::new(), "no last month, no comparison");
        assert!(
            rules.iter().filter(|r| r.code.starts_with("employees_vs")).all(|r| r.importance == Importance::Warning)
        );
    }

    #[test]
    fn malformed_expressions_say_where() {
        assert_eq!(Expression::parse(" "), Err(ExpressionError::Empty));
        assert_eq!(Expression::parse("#{ga} +"), Err(ExpressionError::UnexpectedEnd));
        assert_eq!(Expression::parse("#{ga} $ 2"), Err(ExpressionError::Unexpected { found: "$".into(), position: 7 }));
        assert!(matches!(Expression::parse("#{Bad Code}"), Err(ExpressionError::Reference(_))));
        assert!(matches!(Expression::parse("#{a@next_year}"), Err(ExpressionError::Reference(_))));
        assert!(matches!(Expression::parse("#{a"), Err(ExpressionError::Reference(_))));
        assert_eq!(Expression::parse(&"(".repeat(100)), Err(ExpressionError::TooDeep));
        assert_eq!(Expression::parse(&"1+".repeat(300)), Err(ExpressionError::TooLong));
        assert!(ExpressionError::Empty.message(Lang::ZhCn).contains("为空"));
    }

    #[test]
    fn the_parser_never_panics_on_random_input() {
        // A deterministic fuzz loop over an alphabet of the grammar's pieces.
        let pieces = [
            "#{",
            "}",
            "a",
            "@last_year",
            "@ytd",
            "@last_month",
            "(",
            ")",
            "+",
            "-",
            "*",
            "/",
            "1",
            ".",
            "9e9",
            " ",
            "#",
            "潇",
            "{",
            "@",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            let mut text = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            for k in 0..(state % 24) {
                text.push_str(pieces[((state >> (k % 50)) as usize + k as usize) % pieces.len()]);
            }
            if let Ok(e) = Expression::parse(&text) {
                // A parsed expression prints back to something that parses to the same tree.
                assert_eq!(Expression::parse(&e.to_string()), Ok(e), "{text}");
            }
        }
    }

    #[test]
    fn a_report_submits_when_required_fields_are_filled_and_warnings_explained() {
        let rules = standard_rules();
        let required = ["gross_output", "sales_output"];
        let missing = check_report(&required, &rules, &values(&[("gross_output", 100.0)], &[]));
        assert_eq!(missing.missing, vec!["sales_output".to_owned()]);
        assert!(!missing.allows_submission(true));
        let jump = check_report(
            &required,
            &rules,
            &values(&[("gross_output", 300.0), ("sales_output", 290.0)], &[("gross_output", 100.0)]),
        );
        assert!(jump.passes_errors());
        assert!(!jump.allows_submission(false), "a warning needs an explanation");
        assert!(jump.allows_submission(true));
        let clean = check_report(
            &required,
            &rules,
            &values(&[("gross_output", 110.0), ("sales_output", 100.0)], &[("gross_output", 100.0)]),
        );
        assert!(clean.allows_submission(false));
    }

    #[test]
    fn operators_compare_with_a_tolerance() {
        assert!(Operator::Equal.holds(100.0, 100.000_000_01));
        assert!(Operator::LessOrEqual.holds(105.000_000_01, 105.0));
        assert!(!Operator::Less.holds(105.0, 105.0));
        assert!(Operator::Greater.holds(2.0, 1.0) && !Operator::Greater.holds(1.0, 1.0));
        assert_eq!(Operator::parse(" <= "), Some(Operator::LessOrEqual));
    }

    #[test]
    fn the_standard_rules_catch_cross_field_and_year_on_year_problems() {
        let rules = standard_rules();
        assert_eq!(rules.len(), STANDARD_RULES.len(), "every standard rule parses");
        // Sales 110 on output 100 breaks the 105% rule; output 250 on last year's 100 is a jump.
        let report = values(
            &[("gross_output", 250.0), ("sales_output", 270.0), ("export_delivery", 10.0)],
            &[("gross_output", 100.0)],
        );
        let found = check_all(&rules, &report);
        let codes: Vec<&str> = found.iter().map(|v| v.rule.as_str()).collect();
        assert_eq!(codes, vec!["sales_within_output", "output_yoy_jump_up"], "errors first");
        assert_eq!(found[0].message(Lang::ZhCn), "工业销售产值不应超过工业总产值的105%（270 <= 262.5 不成立）");
        // A firm without last year's report is not flagged for a jump.
        let new_firm = values(&[("gross_output", 250.0), ("sales_output", 240.0)], &[]);
        assert!(check_all(&rules, &new_firm).is_empty());
    }
}
