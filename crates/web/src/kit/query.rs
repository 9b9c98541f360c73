//! Query-string types of the enterprise list, shared by the page and the API, and their
//! conversion into the storage filter. Every parameter arrives as text so that a bad value is
//! answered with a message naming the parameter, not with the framework's generic rejection.

use serde::{Deserialize, Serialize};
use xinzhi_app::clock::current_month;
use xinzhi_domain::{IndustryCode, Lang, Month, RegionCode, Tier, Year};
use xinzhi_store::{EnterpriseFilter, Page};

use crate::AppState;
use crate::kit::error::{ApiError, FieldError};
use crate::kit::i18n::Tr;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct EnterpriseQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub park: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above_scale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

/// Longest search text accepted; longer input is rejected rather than cut.
pub const MAX_TEXT: usize = 100;

fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub fn parse_integer(lang: Lang, field: &'static str, value: &str, min: i64, max: i64) -> Result<i64, FieldError> {
    let tr = Tr::new(lang);
    let number: i64 = value
        .parse()
        .map_err(|_| FieldError::new(field, "integer", tr.f("error.integer", &[("field", field), ("value", value)])))?;
    if !(min..=max).contains(&number) {
        let (min, max) = (min.to_string(), max.to_string());
        return Err(FieldError::new(
            field,
            "range",
            tr.f("error.range", &[("field", field), ("value", value), ("min", &min), ("max", &max)]),
        ));
    }
    Ok(number)
}

impl EnterpriseQuery {
    /// The storage filter, or the first parameter that is wrong.
    pub fn filter(&self, lang: Lang) -> Result<EnterpriseFilter, FieldError> {
        let tr = Tr::new(lang);
        let text = present(&self.q).map(str::to_owned);
        if let Some(t) = &text
            && t.chars().count() > MAX_TEXT
        {
            let max = MAX_TEXT.to_string();
            let length = t.chars().count().to_string();
            return Err(FieldError::new(
                "q",
                "range",
                tr.f("error.range", &[("field", "q"), ("value", &length), ("min", "0"), ("max", &max)]),
            ));
        }
        let district = present(&self.district)
            .map(|d| RegionCode::parse(d).map_err(|e| FieldError::from_domain("district", &e, lang)))
            .transpose()?;
        let industry = present(&self.industry)
            .map(|i| IndustryCode::parse(i).map_err(|e| FieldError::from_domain("industry", &e, lang)))
            .transpose()?;
        let above_scale = match present(&self.above_scale) {
            None => None,
            Some("true" | "1" | "yes") => Some(true),
            Some("false" | "0" | "no") => Some(false),
            Some(other) => {
                return Err(FieldError::new(
                    "above_scale",
                    "boolean",
                    tr.f("error.boolean", &[("field", "above_scale"), ("value", other)]),
                ));
            }
        };
        let tier = present(&self.tier)
            .map(|t| {
                Tier::parse(t).ok_or_else(|| {
                    FieldError::new(
                        "tier",
                        "unknown_value",
                        tr.f("error.unknown_value", &[("field", "tier"), ("value", t)]),
                    )
                })
            })
            .transpose()?;
        Ok(EnterpriseFilter {
            text,
            district,
            park: present(&self.park).map(str::to_owned),
            industry,
            above_scale,
            tier,
        })
    }

    /// `limit`/`offset` (API style, default 50 from 0).
    pub fn page(&self, lang: Lang) -> Result<Page, FieldError> {
        let limit = present(&self.limit)
            .map(|l| parse_integer(lang, "limit", l, 1, Page::MAX_LIMIT))
            .transpose()?
            .unwrap_or(50);
        let offset =
            present(&self.offset).map(|o| parse_integer(lang, "offset", o, 0, i64::MAX)).transpose()?.unwrap_or(0);
        Ok(Page::new(limit, offset))
    }

    /// The 1-based page number of the HTML list.
    pub fn page_number(&self, lang: Lang) -> Result<i64, FieldError> {
        Ok(present(&self.page).map(|p| parse_integer(lang, "page", p, 1, 1_000_000)).transpose()?.unwrap_or(1))
    }

    /// This query as a URL query string with another page number.
    pub fn with_page(&self, page: i64) -> String {
        let query = EnterpriseQuery { page: Some(page.to_string()), limit: None, offset: None, ..self.clone() };
        serde_urlencoded::to_string(&query).unwrap_or_default()
    }
}

/// A `yyyy-mm-dd` (or `yyyymmdd`) date of a form or an API body as `yyyymmdd`; none when
/// empty, the field named when it is not a date.
pub(crate) fn parse_date(lang: Lang, field: &str, text: Option<&str>) -> Result<Option<i64>, FieldError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
    yyyymmdd_of(text)
        .map(Some)
        .ok_or_else(|| FieldError::new(field, "date.invalid", Tr::new(lang).f("policies.bad_date", &[("date", text)])))
}

/// The `yyyymmdd` of a date written with any separators (`2024-03-01`, `2024/3/1`,
/// `2024年3月1日`, `20240301`), when it is a real date.
pub(crate) fn yyyymmdd_of(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let date = match parts.as_slice() {
        [all] if all.len() == 8 => all.parse::<i64>().ok()?,
        [y, m, d] if y.len() == 4 && m.len() <= 2 && d.len() <= 2 => {
            y.parse::<i64>().ok()? * 10_000 + m.parse::<i64>().ok()? * 100 + d.parse::<i64>().ok()?
        }
        _ => return None,
    };
    xinzhi_domain::period::days_of_yyyymmdd(date).map(|_| date)
}

/// A `yyyymmdd` date as `yyyy-mm-dd` (for date inputs and tables).
pub(crate) fn iso_date(yyyymmdd: i64) -> String {
    format!("{:04}-{:02}-{:02}", yyyymmdd / 10_000, yyyymmdd / 100 % 100, yyyymmdd % 100)
}

/// The year asked for, else the latest with profiles (else last year).
pub(crate) async fn year_or_latest(state: &AppState, lang: Lang, text: Option<&str>) -> Result<i32, ApiError> {
    match text.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => Ok(parse_profile_year(lang, Some(y)).map_err(ApiError::Invalid)?.0),
        None => {
            let years = state.store.profile_years().await.map_err(|e| ApiError::from_store(lang, e))?;
            Ok(years.first().copied().unwrap_or(current_month().year() - 1))
        }
    }
}

/// The year of a profile form or upload: the last full year unless given; not before 2000 nor
/// after this year.
pub(crate) fn parse_profile_year(lang: Lang, text: Option<&str>) -> Result<Year, FieldError> {
    let this_year = current_month().year();
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Year(this_year - 1)),
        Some(t) => match t.trim_end_matches('年').parse::<i32>() {
            Ok(y) if (2000..=this_year).contains(&y) => Ok(Year(y)),
            _ => Err(FieldError::new(
                "year",
                "profile.year",
                match lang {
                    Lang::ZhCn => format!("年度“{t}”无效：应为2000至{this_year}年之间的年份"),
                    Lang::En => format!("'{t}' is not a year between 2000 and {this_year}"),
                },
            )),
        },
    }
}

/// A month typed in a form or a query (`2024-03`), or `None` when left empty.
pub(crate) fn parse_optional_month(lang: Lang, text: Option<&str>) -> Result<Option<Month>, FieldError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => Month::parse(t).map(Some).map_err(|e| FieldError::from_domain("period", &e, lang)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_with_any_separators_and_must_exist() {
        for text in ["2026-03-01", "2026/3/1", "2026年3月1日", "20260301", " 2026.03.01 "] {
            assert_eq!(yyyymmdd_of(text), Some(20_260_301), "{text}");
        }
        for text in ["2026-02-30", "2026-3", "26/3/1", "2026-003-01", "abc", "202631"] {
            assert_eq!(yyyymmdd_of(text), None, "{text}");
        }
    }

    fn query(pairs: &[(&str, &str)]) -> EnterpriseQuery {
        let text = serde_urlencoded::to_string(pairs).unwrap_or_default();
        serde_urlencoded::from_str(&text).unwrap_or_default()
    }

    #[test]
    fn good_parameters_become_a_filter_and_a_page() {
        let q = query(&[
            ("q", " 电机 "),
            ("district", "436002"),
            ("industry", "c38"),
            ("above_scale", "true"),
            ("tier", "srdi_sme"),
            ("limit", "20"),
            ("offset", "40"),
        ]);
        let filter = q.filter(Lang::ZhCn).expect("valid");
        assert_eq!(filter.text.as_deref(), Some("电机"));
        assert_eq!(filter.industry.map(|i| i.to_string()).as_deref(), Some("C38"));
        assert_eq!(filter.above_scale, Some(true));
        let page = q.page(Lang::ZhCn).expect("valid");
        assert_eq!((page.limit, page.offset), (20, 40));
    }

    #[test]
    fn bad_parameters_are_named_in_the_users_language() {
        let e = query(&[("limit", "abc")]).page(Lang::En).expect_err("not a number");
        assert_eq!((e.field.as_str(), e.code), ("limit", "integer"));
        assert_eq!(e.message, "Parameter 'limit' must be an integer, got 'abc'");
        let e = query(&[("limit", "501")]).page(Lang::ZhCn).expect_err("too big");
        assert!(e.message.contains("1 到 500"), "{}", e.message);
        let e = query(&[("district", "12")]).filter(Lang::ZhCn).expect_err("short code");
        assert_eq!(e.field, "district");
        let e = query(&[("above_scale", "maybe")]).filter(Lang::En).expect_err("not a flag");
        assert_eq!(e.field, "above_scale");
        let long = "长".repeat(MAX_TEXT + 1);
        assert_eq!(query(&[("q", &long)]).filter(Lang::En).expect_err("too long").field, "q");
    }

    #[test]
    fn page_links_keep_the_filters() {
        let q = query(&[("q", "鞋 业&x"), ("district", "436002"), ("page", "3")]);
        let link = q.with_page(4);
        let back: EnterpriseQuery = serde_urlencoded::from_str(&link).expect("round trip");
        assert_eq!(back.q.as_deref(), Some("鞋 业&x"));
        assert_eq!(back.page.as_deref(), Some("4"));
        assert_eq!(back.district.as_deref(), Some("436002"));
    }
}
