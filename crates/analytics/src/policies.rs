//! A firm's facts for the policy language (domain::policy), read from the cube, the annual
//! profiles and the final 亩均 classes; the eligible firms of a condition with the evidence.
//!
//! Facts: `region` and `park` (codes), `industry` (GB/T 4754 class, e.g. "C3985"),
//! `division` (its 大类 number), `above_scale`, `size` ("large" … "micro" by employees and
//! operating revenue of the profile year), `tier` (the tiers held), `programme` (the programmes
//! it was recognised in), `mu_class`, `years_established`, every annual-profile field by its
//! code (`taxes_paid`, `rd_expense`, …), `growth("field")` (the field's growth on the year
//! before, %), and `ytd("indicator")` / `ytd_growth("indicator")` (January to the month of
//! the evaluation, and its growth on the same months a year earlier, %).

use std::collections::HashMap;

use serde::Serialize;
use xinzhi_domain::ladder::status_on;
use xinzhi_domain::policy::{Expr, Facts, Outcome, Value};
use xinzhi_domain::size_class::{SizeBands, SizeClass};
use xinzhi_domain::{DesignationStatus, Lang, MembershipKind, Month};
use xinzhi_store::{EnterpriseId, Scope};

use crate::cube::Cube;
use crate::{Names, Profiles, Unit};

/// The facts a condition may name besides the profile fields.
pub const FACTS: [&str; 13] = [
    "region",
    "park",
    "industry",
    "division",
    "above_scale",
    "size",
    "tier",
    "programme",
    "mu_class",
    "years_established",
    "growth",
    "ytd",
    "ytd_growth",
];

/// Whether a name is a fact of the language.
pub fn known_fact(name: &str) -> bool {
    FACTS.contains(&name) || xinzhi_domain::profile::field(name).is_some()
}

/// What the facts are read against.
pub struct PolicyContext<'a> {
    pub cube: &'a Cube,
    pub names: &'a Names,
    pub profiles: &'a Profiles,
    pub mu_classes: &'a HashMap<EnterpriseId, String>,
    /// The profile year.
    pub year: i32,
    /// The month of memberships and 1—N月 figures.
    pub month: Month,
    /// The day designations are held on (yyyymmdd).
    pub today: i64,
}

struct FirmFacts<'a> {
    ctx: &'a PolicyContext<'a>,
    firm: usize,
}

fn size_text(size: SizeClass) -> &'static str {
    match size {
        SizeClass::Large => "large",
        SizeClass::Medium => "medium",
        SizeClass::Small => "small",
        SizeClass::Micro => "micro",
    }
}

impl FirmFacts<'_> {
    fn month_index(&self) -> Option<i64> {
        self.ctx.cube.month_index(self.ctx.month).map(|m| m as i64)
    }

    fn profile(&self, year: i32, field: &str) -> Option<f64> {
        let firm = self.ctx.cube.firm(self.firm);
        self.ctx.profiles.get(&firm.enterprise_id)?.get(year, field)
    }

    fn unit_code(&self, kind: MembershipKind) -> Option<Value> {
        let id = self.ctx.cube.exclusive(kind, self.firm, self.month_index())?;
        let unit = if kind == MembershipKind::Park { Unit::Park(id) } else { Unit::District(id) };
        Some(Value::Text(self.ctx.names.of(unit, Lang::ZhCn).0))
    }

    /// January through the month, and the same months a year earlier (flows summed, stocks
    /// at the month).
    fn year_to_date(&self, indicator: &str) -> Option<(f64, Option<f64>)> {
        let cube = self.ctx.cube;
        let series = cube.series_by_code(indicator)?;
        let m = usize::try_from(self.month_index()?).ok()?;
        let row = cube.row(series, self.firm);
        let january = m.checked_sub(self.ctx.month.month() as usize - 1)?;
        let window = |from: usize, to: usize| -> Option<f64> {
            let stock = cube.temporal(series) == xinzhi_domain::TemporalKind::Stock;
            let values: Vec<f64> = if stock { vec![row[to]] } else { row[from..=to].to_vec() };
            let present: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
            (!present.is_empty()).then(|| present.iter().sum())
        };
        let now = window(january, m)?;
        let before = january.checked_sub(12).and_then(|j| window(j, m - 12));
        Some((now, before))
    }
}

impl Facts for FirmFacts<'_> {
    fn fact(&self, name: &str, args: &[Value]) -> Option<Value> {
        let cube = self.ctx.cube;
        let firm = cube.firm(self.firm);
        let text_arg = || match args {
            [Value::Text(t)] => Some(t.as_str()),
            _ => None,
        };
        match name {
            "region" => self.unit_code(MembershipKind::District),
            "park" => self.unit_code(MembershipKind::Park),
            "industry" => Some(Value::Text(firm.industry_code.clone())),
            "division" => Some(Value::Number(f64::from(firm.division))),
            "above_scale" => Some(Value::Bool(cube.is_above_scale(self.firm, self.month_index()?))),
            "size" => {
                let employees = self.profile(self.ctx.year, "employees")?;
                let revenue = self.profile(self.ctx.year, "operating_revenue")?;
                let size = SizeBands::INDUSTRY_2011.classify(employees.max(0.0) as u32, revenue);
                Some(Value::Text(size_text(size).into()))
            }
            "tier" => {
                let mut held: Vec<Value> = cube.designations[self.firm]
                    .iter()
                    .filter(|d| {
                        d.granted_on <= self.ctx.today
                            && status_on(self.ctx.today, d.expires_on, d.status) == DesignationStatus::Active
                    })
                    .map(|d| Value::Text(d.tier.as_str().into()))
                    .collect();
                held.dedup();
                Some(Value::List(held))
            }
            "programme" => {
                let mut programmes: Vec<&str> = cube.programmes[self.firm]
                    .iter()
                    .filter(|p| p.recognised_on <= self.ctx.today)
                    .map(|p| p.programme.as_str())
                    .collect();
                programmes.sort_unstable();
                programmes.dedup();
                Some(Value::List(programmes.into_iter().map(|p| Value::Text(p.into())).collect()))
            }
            "mu_class" => self.ctx.mu_classes.get(&firm.enterprise_id).map(|c| Value::Text(c.clone())),
            "years_established" => {
                let established = firm.established_on?;
                Some(Value::Number(((self.ctx.today - established) / 10_000) as f64))
            }
            "growth" => {
                let field = text_arg()?;
                let (now, before) = (self.profile(self.ctx.year, field)?, self.profile(self.ctx.year - 1, field)?);
                (before > 0.0).then(|| Value::Number((now / before - 1.0) * 100.0))
            }
            "ytd" => self.year_to_date(text_arg()?).map(|(now, _)| Value::Number(now)),
            "ytd_growth" => {
                let (now, before) = self.year_to_date(text_arg()?)?;
                before.filter(|b| *b > 0.0).map(|b| Value::Number((now / b - 1.0) * 100.0))
            }
            field if args.is_empty() => self.profile(self.ctx.year, field).map(Value::Number),
            _ => None,
        }
    }
}

/// A firm that meets a policy's condition, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EligibleFirm {
    pub enterprise_id: EnterpriseId,
    pub credit_code: String,
    pub name: String,
    pub district: String,
    pub outcome: Outcome,
}

/// The firms of `scope` that meet `condition`, by name.
pub fn eligible(ctx: &PolicyContext<'_>, scope: &Scope, condition: &Expr) -> Vec<EligibleFirm> {
    let cube = ctx.cube;
    let m = cube.month_index(ctx.month).map(|m| m as i64);
    let mut found: Vec<EligibleFirm> = (0..cube.firm_count())
        .filter(|&f| cube.in_scope(scope, f))
        .filter_map(|f| {
            let outcome = condition.evaluate(&FirmFacts { ctx, firm: f });
            if !outcome.eligible {
                return None;
            }
            let firm = cube.firm(f);
            let district = cube
                .exclusive(MembershipKind::District, f, m)
                .map_or_else(String::new, |d| ctx.names.of(Unit::District(d), Lang::ZhCn).1);
            Some(EligibleFirm {
                enterprise_id: firm.enterprise_id,
                credit_code: firm.credit_code.clone(),
                name: firm.name.clone(),
                district,
                outcome,
            })
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// One firm's outcome under a condition (its own view of a policy), when the cube holds it.
pub fn firm_outcome(ctx: &PolicyContext<'_>, enterprise: EnterpriseId, condition: &Expr) -> Option<Outcome> {
    let &f = ctx.cube.index.get(&enterprise)?;
    Some(condition.evaluate(&FirmFacts { ctx, firm: f }))
}
