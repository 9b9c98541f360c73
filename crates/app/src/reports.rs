//! The monthly report as a user writes one: save or submit (the form and the API), and
//! correct an approved one (更正). Every field and rule problem is named at once, in the user's
//! language. A month of reports from a file goes through `imports`, with the same rules.

use std::collections::BTreeMap;

use xinzhi_domain::validation::{RuleNeeds, RuleValues, check_report};
use xinzhi_domain::{IndicatorDef, Lang, Localize, Month, Permission, RangeError, reporting};
use xinzhi_store::reports::MONTHLY;
use xinzhi_store::{Correction, DataSet, ReportStatus, ReportWrite, Store, StoreError, ValueSource};

use crate::clock::current_month;
use crate::reporting::{lock_message, month_open, range_message};
use crate::{Actor, FieldError};

/// Longest explanation or reason accepted.
pub const MAX_EXPLANATION: usize = 500;

/// A firm's values by indicator code.
pub fn by_code(set: &DataSet, values: &[(xinzhi_store::IndicatorId, f64)]) -> BTreeMap<String, f64> {
    values
        .iter()
        .filter_map(|(id, v)| {
            set.indicators
                .iter()
                .find(|i| i.indicator.indicator_id == *id)
                .map(|i| (i.indicator.def.code.to_string(), *v))
        })
        .collect()
}

/// A value as it arrived, before it is known to be a number.
#[derive(Debug, Clone)]
pub enum RawValue {
    Number(f64),
    /// Clear the field.
    Empty,
    /// Not a number; what was sent, for the message.
    Invalid(String),
}

/// Why a report was not saved.
pub enum SaveFailure {
    /// The caller may see the firm but not write its reports (answered as 404).
    Forbidden,
    /// One thing about the request itself is wrong (e.g. the period).
    Field(FieldError),
    /// Problems with fields or rules; each detail's field is `values.<indicator code>` or
    /// `explanation`.
    Invalid {
        code: &'static str,
        message: String,
        details: Vec<FieldError>,
    },
    /// Submitted or approved: a reviewer must return it first.
    Conflict(String),
    Store(StoreError),
}

/// What a caller sends for one report.
pub struct ReportInput {
    /// Indicator code and the value as sent.
    pub values: Vec<(String, RawValue)>,
    /// Indicator code and the cumulative value (1—N月累计) as sent.
    pub year_to_date: Vec<(String, RawValue)>,
    pub submit: bool,
    pub explanation: Option<String>,
}

/// A value as sent and understood: the indicator's code and id, and the number (`None` clears).
type SentValue = (String, xinzhi_store::IndicatorId, Option<f64>);

/// The values sent for a report, each checked to be a number of one of the data set's
/// indicators: (code, indicator, value or cleared), and a problem per field that is not.
fn read_values(lang: Lang, set: &DataSet, input: Vec<(String, RawValue)>) -> (Vec<SentValue>, Vec<FieldError>) {
    let mut details = Vec::new();
    let mut values = Vec::new();
    for (key, value) in input {
        let Some(indicator) = set.indicators.iter().find(|i| i.indicator.def.code.as_str() == key) else {
            let message = match lang {
                Lang::ZhCn => format!("“{key}”不是本报表的指标"),
                Lang::En => format!("'{key}' is not an indicator of this report"),
            };
            details.push(FieldError::new(format!("values.{key}"), "indicator.unknown", message));
            continue;
        };
        match value {
            RawValue::Empty => values.push((key, indicator.indicator.indicator_id, None)),
            RawValue::Number(n) if n.is_finite() => values.push((key, indicator.indicator.indicator_id, Some(n))),
            RawValue::Number(n) => {
                details.push(not_a_number(lang, &key, indicator.indicator.def.name(lang), &n.to_string()))
            }
            RawValue::Invalid(text) => {
                details.push(not_a_number(lang, &key, indicator.indicator.def.name(lang), &text))
            }
        }
    }
    (values, details)
}

/// A problem for each value outside its indicator's range.
fn range_problems(lang: Lang, set: &DataSet, values: &[SentValue]) -> Vec<FieldError> {
    values
        .iter()
        .filter_map(|(key, id, value)| {
            let def = &set.indicators.iter().find(|i| i.indicator.indicator_id == *id)?.indicator.def;
            let problem = def.valid_range().check((*value)?).err()?;
            Some(out_of_range(lang, key, def, &problem))
        })
        .collect()
}

/// Corrects (更正) an approved report: the reviewing district or park, or the city's analysts,
/// change values with a reason; the report stays approved and the change is audited old → new.
/// The one path for the API and the report page.
pub async fn correct(
    store: &Store,
    actor: &Actor,
    lang: Lang,
    enterprise: &xinzhi_store::Enterprise,
    period: Month,
    input: Vec<(String, RawValue)>,
    reason: Option<&str>,
) -> Result<usize, SaveFailure> {
    if !actor.may(Permission::ReviewReports) {
        actor.audit_denial(store, "report", enterprise.credit_code.as_str()).await;
        return Err(SaveFailure::Forbidden);
    }
    let set = store.data_set(MONTHLY).await.map_err(SaveFailure::Store)?;
    let (values, mut details) = read_values(lang, &set, input);
    details.extend(range_problems(lang, &set, &values));
    for (key, _, value) in &values {
        if value.is_none() {
            let message = lang.pick("更正时不能清空数值", "A correction cannot clear a value").to_owned();
            details.push(FieldError::new(format!("values.{key}"), "required", message));
        }
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    match reason {
        None => details.push(FieldError::new(
            "reason",
            "required",
            lang.pick("请说明更正原因", "Give the reason for the correction").to_owned(),
        )),
        Some(r) if r.chars().count() > MAX_EXPLANATION => details.push(FieldError::new(
            "reason",
            "length",
            lang.pick("原因不能超过500个字符", "The reason must have at most 500 characters").to_owned(),
        )),
        Some(_) => {}
    }
    if !details.is_empty() {
        let message = lang.pick("更正中有无效的数据", "The correction has invalid data").to_owned();
        return Err(SaveFailure::Invalid { code: "invalid", message, details });
    }
    let changes: Vec<_> = values.iter().filter_map(|(_, id, v)| Some((*id, (*v)?))).collect();
    store
        .correct_report(
            &actor.scope,
            set.data_set_id,
            &Correction {
                enterprise: enterprise.enterprise_id,
                period,
                values: &changes,
                reason: reason.unwrap_or_default(),
            },
            &actor.audit,
        )
        .await
        .map_err(|e| match e {
            StoreError::Conflict(_) => SaveFailure::Conflict(
                lang.pick(
                    "只有已审核的报表可以更正；未审核的报表请退回企业修改",
                    "Only an approved report can be corrected; return any other to the firm",
                )
                .to_owned(),
            ),
            other => SaveFailure::Store(other),
        })
}

/// Checks and saves (or submits) a report: the one path for the API, the form and imports.
pub async fn save(
    store: &Store,
    actor: &Actor,
    lang: Lang,
    enterprise: &xinzhi_store::Enterprise,
    period: Month,
    input: ReportInput,
) -> Result<(ReportStatus, Vec<String>), SaveFailure> {
    let ReportInput { values: input, year_to_date, submit, explanation } = input;
    if !actor.may(Permission::WriteReports) {
        actor.audit_denial(store, "report", enterprise.credit_code.as_str()).await;
        return Err(SaveFailure::Forbidden);
    }
    if period > current_month() {
        let message = lang.pick("不能填报未来月份", "A future month cannot be reported").to_owned();
        return Err(SaveFailure::Field(FieldError::new("period", "period.future", message)));
    }
    let set = store.data_set(MONTHLY).await.map_err(SaveFailure::Store)?;
    // The firm's exception is read only once the month is closed.
    let now = crate::clock::now();
    if !actor.may(Permission::WriteAfterDeadline) && !month_open(&set, period, None, now) {
        let exception = store
            .report_exception(set.data_set_id, enterprise.enterprise_id, period)
            .await
            .map_err(SaveFailure::Store)?;
        if let Some(message) = lock_message(lang, &set, period, exception, now) {
            return Err(SaveFailure::Conflict(message));
        }
    }

    // Every field is named in the answer, with all problems at once.
    let (mut values, mut details) = read_values(lang, &set, input);
    if !year_to_date.is_empty() {
        let pair = (enterprise.enterprise_id, period);
        let derived = months_from_cumulative(store, actor, lang, &set, pair, year_to_date, &values)
            .await
            .map_err(SaveFailure::Store)?;
        for outcome in derived {
            match outcome {
                Ok((key, id, value)) => {
                    values.retain(|(k, _, _)| *k != key);
                    values.push((key, id, Some(value)));
                }
                Err(detail) => details.push(detail),
            }
        }
    }
    // Sent or derived from a cumulative value, every number stays within its indicator's range.
    details.extend(range_problems(lang, &set, &values));
    let explanation = explanation.as_deref().map(str::trim).filter(|e| !e.is_empty()).map(str::to_owned);
    if explanation.as_ref().is_some_and(|e| e.chars().count() > MAX_EXPLANATION) {
        let message = lang.pick("说明不能超过500个字符", "The explanation must have at most 500 characters").to_owned();
        details.push(FieldError::new("explanation", "length", message));
    }
    if !details.is_empty() {
        let message = lang.pick("报表中有无效的数据", "The report has invalid data").to_owned();
        return Err(SaveFailure::Invalid { code: "invalid", message, details });
    }

    let mut warnings = Vec::new();
    if submit {
        // The values after this write: what is stored, overlaid with what was sent.
        let stored = store
            .report(&actor.scope, set.data_set_id, enterprise.enterprise_id, period)
            .await
            .map_err(SaveFailure::Store)?;
        let mut now: BTreeMap<String, f64> = by_code(&set, &stored.values);
        for (key, _, value) in &values {
            match value {
                Some(v) => now.insert(key.clone(), *v),
                None => now.remove(key),
            };
        }
        let rules = store.validation_rules(set.data_set_id).await.map_err(SaveFailure::Store)?;
        let mut values = RuleValues {
            this_month: now,
            last_year: by_code(&set, &stored.last_year),
            last_month: by_code(&set, &stored.last_month),
            ..RuleValues::default()
        };
        // Cumulative values only when a rule reads them: the report read has the rest.
        let needs = RuleNeeds::of_rules(&rules);
        let sums = RuleNeeds {
            earlier_this_year: needs.earlier_this_year,
            ytd_last_year: needs.ytd_last_year,
            ..RuleNeeds::default()
        };
        if sums != RuleNeeds::default() {
            let pair = (enterprise.enterprise_id, period);
            let mut loaded = store.rule_values(&actor.scope, &set, &[pair], sums).await.map_err(SaveFailure::Store)?;
            if let Some(loaded) = loaded.remove(&pair) {
                values.earlier_this_year = loaded.earlier_this_year;
                values.ytd_last_year = loaded.ytd_last_year;
            }
        }
        let required: Vec<&str> =
            set.indicators.iter().filter(|i| i.required).map(|i| i.indicator.def.code.as_str()).collect();
        let check = check_report(&required, &rules, &|code: &str, moment| values.get(code, moment));
        if !check.allows_submission(explanation.is_some()) {
            let mut details: Vec<FieldError> = check
                .missing
                .iter()
                .map(|code| {
                    let name = set
                        .indicators
                        .iter()
                        .find(|i| i.indicator.def.code.as_str() == code)
                        .map_or(code.as_str(), |i| i.indicator.def.name(lang));
                    let message = match lang {
                        Lang::ZhCn => format!("必填指标“{name}”未填写"),
                        Lang::En => format!("The required indicator '{name}' is empty"),
                    };
                    FieldError::new(format!("values.{code}"), "required", message)
                })
                .collect();
            details.extend(check.violations.iter().map(|v| {
                let code = if v.importance == xinzhi_domain::validation::Importance::Error {
                    "rule.error"
                } else {
                    "rule.warning"
                };
                FieldError::new(format!("rule.{}", v.rule), code, v.message(lang))
            }));
            let (code, message) = if check.passes_errors() {
                (
                    "explanation_required",
                    lang.pick(
                        "存在需要说明的异常，请填写说明后提交",
                        "Some values need an explanation before submitting",
                    ),
                )
            } else {
                (
                    "validation",
                    lang.pick(
                        "报表未通过审核规则，不能提交",
                        "The report fails its validation rules and cannot be submitted",
                    ),
                )
            };
            return Err(SaveFailure::Invalid { code, message: message.to_owned(), details });
        }
        warnings = check.warnings().map(|w| w.message(lang)).collect();
    }

    // The firm's own report, or values entered for it.
    let source = if actor.is_firm() { ValueSource::Report } else { ValueSource::Import };
    let write = ReportWrite {
        data_set_id: set.data_set_id,
        enterprise_id: enterprise.enterprise_id,
        period,
        values: values.into_iter().map(|(_, id, value)| (id, value)).collect(),
        submit,
        explanation,
        source,
    };
    let status = store.save_report(&actor.scope, &write, &actor.audit).await.map_err(|e| match e {
        StoreError::Conflict(_) => SaveFailure::Conflict(
            lang.pick(
                "报表已提交或已审核，需审核人员退回后才能修改",
                "The report is submitted or approved; a reviewer must return it before it changes",
            )
            .to_owned(),
        ),
        other => SaveFailure::Store(other),
    })?;
    Ok((status, warnings))
}

/// The month's values that cumulative values sent for `period` give, against the earlier
/// months stored (domain.md §2.2), or what is wrong with each; `values` are the month's values
/// sent beside them, which must agree.
async fn months_from_cumulative(
    store: &Store,
    actor: &Actor,
    lang: Lang,
    set: &DataSet,
    (enterprise, period): (xinzhi_store::EnterpriseId, Month),
    year_to_date: Vec<(String, RawValue)>,
    values: &[(String, xinzhi_store::IndicatorId, Option<f64>)],
) -> Result<Vec<Result<(String, xinzhi_store::IndicatorId, f64), FieldError>>, StoreError> {
    let pair = (enterprise, period);
    let needs = RuleNeeds { earlier_this_year: true, ..RuleNeeds::default() };
    let earlier = store.rule_values(&actor.scope, set, &[pair], needs).await?.remove(&pair).unwrap_or_default();
    let mut outcomes = Vec::new();
    for (key, raw) in year_to_date {
        let field = format!("year_to_date.{key}");
        let Some(indicator) = set.indicators.iter().find(|i| i.indicator.def.code.as_str() == key) else {
            let message = match lang {
                Lang::ZhCn => format!("“{key}”不是本报表的指标"),
                Lang::En => format!("'{key}' is not an indicator of this report"),
            };
            outcomes.push(Err(FieldError::new(field, "indicator.unknown", message)));
            continue;
        };
        let def = &indicator.indicator.def;
        let cumulative = match raw {
            RawValue::Number(n) if n.is_finite() => n,
            RawValue::Empty => continue,
            RawValue::Number(n) => {
                outcomes.push(Err(not_a_number(lang, &key, def.name(lang), &n.to_string())));
                continue;
            }
            RawValue::Invalid(text) => {
                outcomes.push(Err(not_a_number(lang, &key, def.name(lang), &text)));
                continue;
            }
        };
        if def.temporal == xinzhi_domain::TemporalKind::Stock {
            let message = match lang {
                Lang::ZhCn => format!("“{}”是存量指标（期末数），没有累计值", def.name(lang)),
                Lang::En => {
                    format!("'{}' is a stock (a level at month end) and has no cumulative value", def.name(lang))
                }
            };
            outcomes.push(Err(FieldError::new(field, "cumulative.stock", message)));
            continue;
        }
        let given = values.iter().find(|(k, _, _)| *k == key).and_then(|(_, _, v)| *v);
        let before = earlier.earlier_this_year.get(&key).copied().unwrap_or(0.0);
        let tolerance = reporting::cumulative_tolerance(def.decimals, period.month());
        outcomes.push(match reporting::month_from_cumulative(cumulative, before, given, tolerance) {
            Ok(value) => Ok((key, indicator.indicator.indicator_id, value)),
            Err(problem) => {
                use xinzhi_domain::Localize;
                Err(FieldError::new(field, problem.code(), problem.message(lang)))
            }
        });
    }
    Ok(outcomes)
}

fn out_of_range(lang: Lang, key: &str, def: &IndicatorDef, problem: &RangeError) -> FieldError {
    FieldError::new(format!("values.{key}"), problem.code(), range_message(lang, def, problem))
}

fn not_a_number(lang: Lang, key: &str, name: &str, sent: &str) -> FieldError {
    let message = match lang {
        Lang::ZhCn => format!("“{name}”应为数字，实际为“{sent}”"),
        Lang::En => format!("'{name}' must be a number, got '{sent}'"),
    };
    FieldError::new(format!("values.{key}"), "number", message)
}
