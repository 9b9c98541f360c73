//! Monthly values of one firm, derived from its plan.
//!
//! Gross output is the firm's yearly level spread over its active months by the seasonal
//! weights; every other indicator follows from output and the firm's traits with a little
//! noise of its own. Each (firm, year, indicator) draws from its own random stream, so a value
//! never depends on which other indicators were generated.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use xinzhi_domain::Month;

use crate::layout::INDUSTRIES;
use crate::plan::{Firm, Plan, month_weights, stream};

/// Tons of standard coal per 10,000 kWh (the equivalent-value factor 0.1229 kgce/kWh).
const TCE_PER_WAN_KWH: f64 = 1.229;

fn jitter(rng: &mut ChaCha8Rng, spread: f64) -> f64 {
    1.0 + (rng.random::<f64>() - 0.5) * 2.0 * spread
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

/// Stable number of an indicator's random stream (its position in the standard catalogue;
/// unknown codes hash their name).
fn purpose(code: &str) -> u64 {
    xinzhi_domain::indicator::standard_catalogue().iter().position(|d| d.code.as_str() == code).map_or_else(
        || code.bytes().fold(1469598103934665603u64, |h, b| (h ^ u64::from(b)).wrapping_mul(1099511628211)),
        |p| p as u64 + 1,
    )
}

impl Plan {
    /// Calls `emit(month, indicator index, value)` for every value of the firm, for the
    /// indicators given by code (in that order), month by month.
    pub fn firm_values(&self, firm: &Firm, codes: &[&str], mut emit: impl FnMut(Month, usize, f64)) {
        for year in self.first_year..=self.last_year {
            self.firm_values_in_year(firm, codes, year, &mut emit);
        }
    }

    /// The same for one year only; a year's values never depend on another year's.
    pub fn firm_values_in_year(&self, firm: &Firm, codes: &[&str], year: i32, mut emit: impl FnMut(Month, usize, f64)) {
        let seed = self.config.seed;
        {
            let Some((first, last)) = firm.active_months(year) else { return };
            let level = firm.level(self.first_year, year);
            let weights = month_weights(seed, firm.index, year);
            let employees = firm.employees(self.first_year, year);
            let t = firm.traits;
            let industry = &INDUSTRIES[firm.industry];
            for (slot, code) in codes.iter().enumerate() {
                let mut rng = stream(seed, firm.index, year, purpose(code));
                for m in first.month()..=last.month() {
                    let Ok(month) = Month::new(year, m) else { continue };
                    let output = level * weights[(m - 1) as usize];
                    let sales = output * t.sales_rate;
                    let revenue = output * t.main_revenue_ratio * 1.04;
                    let value = match *code {
                        "gross_output" => output,
                        "sales_output" => sales * jitter(&mut rng, 0.01),
                        "export_delivery" => sales * industry.export_share * jitter(&mut rng, 0.3),
                        "revenue" => revenue,
                        // Exactly proportional to output, so that the yearly sum is the revenue the
                        // plan used to decide the above-scale threshold.
                        "main_revenue" => output * t.main_revenue_ratio,
                        "operating_cost" => revenue * t.cost_ratio * jitter(&mut rng, 0.02),
                        "total_profit" => revenue * (t.margin + (rng.random::<f64>() - 0.5) * 0.03),
                        "vat_payable" => output * 0.028 * jitter(&mut rng, 0.15),
                        "taxes_total" => output * 0.041 * jitter(&mut rng, 0.15),
                        "rd_expense" => revenue * t.rd_ratio * jitter(&mut rng, 0.3),
                        "electricity" => output * industry.kwh_per_wan * jitter(&mut rng, 0.06),
                        "energy_consumption" => {
                            output * industry.kwh_per_wan * TCE_PER_WAN_KWH * 1.15 * jitter(&mut rng, 0.08)
                        }
                        "employees_end" => (employees * jitter(&mut rng, 0.02)).round(),
                        "employees_avg" => (employees * 0.99 * jitter(&mut rng, 0.01)).round(),
                        "total_assets" => level * t.asset_ratio * jitter(&mut rng, 0.01),
                        "total_liabilities" => level * t.asset_ratio * t.debt_ratio * jitter(&mut rng, 0.02),
                        "accounts_receivable" => level * 0.18 * jitter(&mut rng, 0.15),
                        "finished_goods" => output * 0.6 * jitter(&mut rng, 0.2),
                        "orders_on_hand" => output * 1.8 * jitter(&mut rng, 0.25),
                        "capacity_utilization" => (62.0
                            + 30.0 * (weights[(m - 1) as usize] * 12.0 / 1.4).min(1.0)
                            + (rng.random::<f64>() - 0.5) * 6.0)
                            .min(100.0),
                        // An indicator the bureau added: values are left for the firms to report.
                        _ => continue,
                    };
                    emit(month, slot, round_to(value, 1));
                }
            }
        }
    }
}
