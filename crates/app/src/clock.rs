//! The clock: unix seconds, read in one place.

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// This month in Beijing time.
pub fn current_month() -> xinzhi_domain::Month {
    // A clock reading is always within the years a Month allows.
    xinzhi_domain::Month::containing(now()).unwrap_or_else(|| xinzhi_domain::Year(2200).months().last)
}
