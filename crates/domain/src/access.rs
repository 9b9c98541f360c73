//! Roles, the kind of data scope each role holds, usernames, and the password, lockout and
//! security policies. What each role may do is the table in `permission.rs`.
//!
//! A scope narrows every read and write of enterprise data; which concrete district, park,
//! department or enterprise a user holds is stored with the user (ids are storage's business).

use std::fmt;

use serde::Serialize;

use crate::lang::{Lang, Localize};

/// A user's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 系统管理员: accounts (creates, renames, disables, resets passwords); sees everything.
    /// One of the three administrators of separation of duties (三员分立): it cannot grant
    /// roles, unlock accounts or read the audit log.
    Admin,
    /// 安全管理员: grants roles and scopes, unlocks accounts, resets second factors. Holds no
    /// enterprise data.
    SecurityAdmin,
    /// 安全审计员: the only reader of the audit log. Holds no enterprise data.
    AuditAdmin,
    /// 局领导: reads the whole city; sets targets.
    CityLeader,
    /// 运行科分析员: reviews, monitors, drafts briefings for the whole city.
    CityAnalyst,
    /// 区县工信部门: its own district's enterprises.
    DistrictOfficer,
    /// 园区: its own park's enterprises.
    ParkOfficer,
    /// 职能处室/部门: the tickets assigned to its department; no enterprise data of its own.
    DepartmentHandler,
    /// 企业填报员: its own enterprise only.
    EnterpriseReporter,
}

/// The kind of data scope a role holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// No enterprise data at all (the security and audit administrators).
    NoData,
    City,
    District,
    Park,
    Department,
    Enterprise,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Admin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
        Role::CityLeader,
        Role::CityAnalyst,
        Role::DistrictOfficer,
        Role::ParkOfficer,
        Role::DepartmentHandler,
        Role::EnterpriseReporter,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
            Role::CityLeader => "city_leader",
            Role::CityAnalyst => "city_analyst",
            Role::DistrictOfficer => "district_officer",
            Role::ParkOfficer => "park_officer",
            Role::DepartmentHandler => "department_handler",
            Role::EnterpriseReporter => "enterprise_reporter",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Role::Admin => lang.pick("系统管理员", "System administrator"),
            Role::SecurityAdmin => lang.pick("安全管理员", "Security administrator"),
            Role::AuditAdmin => lang.pick("安全审计员", "Audit administrator"),
            Role::CityLeader => lang.pick("局领导", "City leader"),
            Role::CityAnalyst => lang.pick("市级分析员", "City analyst"),
            Role::DistrictOfficer => lang.pick("区县工信部门", "District officer"),
            Role::ParkOfficer => lang.pick("园区管理人员", "Park officer"),
            Role::DepartmentHandler => lang.pick("职能部门经办人", "Department handler"),
            Role::EnterpriseReporter => lang.pick("企业填报员", "Enterprise reporter"),
        }
    }

    /// The scope a user of this role must hold.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Role::SecurityAdmin | Role::AuditAdmin => ScopeKind::NoData,
            Role::Admin | Role::CityLeader | Role::CityAnalyst => ScopeKind::City,
            Role::DistrictOfficer => ScopeKind::District,
            Role::ParkOfficer => ScopeKind::Park,
            Role::DepartmentHandler => ScopeKind::Department,
            Role::EnterpriseReporter => ScopeKind::Enterprise,
        }
    }

    /// One of the three administrators of separation of duties (三员分立).
    pub fn is_administrator(self) -> bool {
        matches!(self, Role::Admin | Role::SecurityAdmin | Role::AuditAdmin)
    }
}

impl ScopeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeKind::NoData => "no_data",
            ScopeKind::City => "city",
            ScopeKind::District => "district",
            ScopeKind::Park => "park",
            ScopeKind::Department => "department",
            ScopeKind::Enterprise => "enterprise",
        }
    }

    pub fn parse(text: &str) -> Option<ScopeKind> {
        [
            ScopeKind::NoData,
            ScopeKind::City,
            ScopeKind::District,
            ScopeKind::Park,
            ScopeKind::Department,
            ScopeKind::Enterprise,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// A login name: 3–32 characters of lower-case letters, digits, `.`, `_` and `-`, starting with
/// a letter. Input is trimmed and lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a username has 3 to 32 characters: letters, digits, '.', '_' or '-', starting with a letter")]
pub struct UsernameError;

impl Username {
    pub fn parse(input: &str) -> Result<Username, UsernameError> {
        let name = input.trim().to_ascii_lowercase();
        let valid = (3..=32).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if valid { Ok(Username(name)) } else { Err(UsernameError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Localize for UsernameError {
    fn code(&self) -> &'static str {
        "username.format"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => "用户名应为3—32位小写字母、数字、“.”“_”或“-”，并以字母开头".into(),
            Lang::En => {
                "A username has 3 to 32 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter"
                    .into()
            }
        }
    }
}

/// The security policy the security administrator sets (its part of 三员分立): how old a
/// password may grow, and which roles must sign in with a second factor. The deployment's
/// configuration gives the first one; once set on the page, the stored one rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SecurityPolicy {
    /// Days a password lives; 0: no limit.
    pub password_max_age_days: u32,
    /// Roles that must enrol a second factor before anything else.
    pub two_factor_roles: Vec<Role>,
}

/// Longest password life the policy accepts (a year).
pub const MAX_PASSWORD_AGE_DAYS: u32 = 365;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecurityPolicyError {
    #[error("a password lives 0 (no limit) to {MAX_PASSWORD_AGE_DAYS} days")]
    PasswordAge,
}

impl Localize for SecurityPolicyError {
    fn code(&self) -> &'static str {
        "security_policy.password_age"
    }

    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => format!("密码有效期应为0（不限）到{MAX_PASSWORD_AGE_DAYS}天"),
            Lang::En => format!("A password lives 0 (no limit) to {MAX_PASSWORD_AGE_DAYS} days"),
        }
    }
}

impl SecurityPolicy {
    /// Checks the bounds and puts the roles in [`Role::ALL`]'s order, once each.
    pub fn new(password_max_age_days: u32, two_factor_roles: &[Role]) -> Result<SecurityPolicy, SecurityPolicyError> {
        if password_max_age_days > MAX_PASSWORD_AGE_DAYS {
            return Err(SecurityPolicyError::PasswordAge);
        }
        let two_factor_roles = Role::ALL.into_iter().filter(|r| two_factor_roles.contains(r)).collect();
        Ok(SecurityPolicy { password_max_age_days, two_factor_roles })
    }

    /// Whether a password set at `changed_at` must be changed at `now` (unix seconds).
    pub fn password_expired(&self, changed_at: i64, now: i64) -> bool {
        let max_age = i64::from(self.password_max_age_days) * 86_400;
        max_age > 0 && now - changed_at > max_age
    }

    pub fn requires_two_factor(&self, role: Role) -> bool {
        self.two_factor_roles.contains(&role)
    }
}

impl<'de> serde::Deserialize<'de> for Role {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Role, D::Error> {
        let text = String::deserialize(deserializer)?;
        Role::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("unknown role '{text}'")))
    }
}

/// Rules a chosen password must meet (等保-style complexity with a length floor).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    pub max_length: usize,
    /// How many of: lower-case, upper-case, digits, other characters.
    pub min_classes: usize,
}

/// Passwords too common to allow whatever their composition.
const COMMON_PASSWORDS: [&str; 12] = [
    "password",
    "12345678",
    "123456789",
    "1234567890",
    "qwertyuiop",
    "11111111",
    "88888888",
    "abc12345",
    "a1234567",
    "password1",
    "iloveyou",
    "admin123",
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least {min} characters")]
    TooShort { min: usize },
    #[error("the password must have at most {max} characters")]
    TooLong { max: usize },
    #[error("the password must mix at least {classes} of: lower-case letters, upper-case letters, digits, symbols")]
    TooSimple { classes: usize },
    #[error("the password must not contain the username")]
    ContainsUsername,
    #[error("this password is too common")]
    Common,
    #[error("the two new passwords differ")]
    Mismatch,
}

impl PasswordPolicy {
    pub const DEFAULT: PasswordPolicy = PasswordPolicy { min_length: 10, max_length: 128, min_classes: 3 };

    pub fn check(&self, password: &str, username: &str) -> Result<(), PasswordError> {
        let length = password.chars().count();
        if length < self.min_length {
            return Err(PasswordError::TooShort { min: self.min_length });
        }
        if length > self.max_length {
            return Err(PasswordError::TooLong { max: self.max_length });
        }
        let lower = password.to_lowercase();
        if COMMON_PASSWORDS.iter().any(|c| lower.contains(c)) {
            return Err(PasswordError::Common);
        }
        if username.len() >= 3 && lower.contains(&username.to_lowercase()) {
            return Err(PasswordError::ContainsUsername);
        }
        let classes = [
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_alphanumeric()),
        ]
        .into_iter()
        .filter(|&has| has)
        .count();
        if classes < self.min_classes {
            return Err(PasswordError::TooSimple { classes: self.min_classes });
        }
        Ok(())
    }
}

impl Localize for PasswordError {
    fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort { .. } => "password.too_short",
            PasswordError::TooLong { .. } => "password.too_long",
            PasswordError::TooSimple { .. } => "password.too_simple",
            PasswordError::ContainsUsername => "password.contains_username",
            PasswordError::Common => "password.common",
            PasswordError::Mismatch => "password.mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PasswordError::TooShort { min }, Lang::ZhCn) => format!("密码至少需要{min}个字符"),
            (PasswordError::TooLong { max }, Lang::ZhCn) => format!("密码不能超过{max}个字符"),
            (PasswordError::TooSimple { classes }, Lang::ZhCn) => {
                format!("密码需包含小写字母、大写字母、数字、符号中的至少{classes}类")
            }
            (PasswordError::ContainsUsername, Lang::ZhCn) => "密码不能包含用户名".into(),
            (PasswordError::Common, Lang::ZhCn) => "密码过于常见，请换一个".into(),
            (PasswordError::Mismatch, Lang::ZhCn) => "两次输入的新密码不一致".into(),
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

/// How long a personal access token lives: 90 days unless its owner asks for fewer or more,
/// at most a year (a token that never expires outlives everyone who knew what it was for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenLifetime {
    pub days: u32,
}

impl TokenLifetime {
    pub const DEFAULT_DAYS: u32 = 90;
    pub const MAX_DAYS: u32 = 365;

    /// The lifetime asked for, or the default; `None` when outside 1 to 365 days.
    pub fn asked(days: Option<u32>) -> Option<TokenLifetime> {
        let days = days.unwrap_or(Self::DEFAULT_DAYS);
        (1..=Self::MAX_DAYS).contains(&days).then_some(TokenLifetime { days })
    }

    /// The unix second a token made at `now` stops working.
    pub fn expires_at(self, now: i64) -> i64 {
        now + i64::from(self.days) * 86_400
    }
}

/// How sign-in guessing is slowed, by source address and by account.
///
/// An address gets `address_free` failures, then waits `address_step` seconds more after each
/// further one (linear, so the store can set the wait in the same statement that counts the
/// failure, up to `address_max_wait`). An account is locked for `account_lock_seconds` after
/// `account_free` failures from addresses other than the one its owner last signed in from: a
/// spray from many addresses locks the account against strangers while its owner, at their
/// usual address, still signs in. Failures are forgotten after `forget_after` quiet seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInThrottle {
    pub address_free: u32,
    pub address_step: i64,
    pub address_max_wait: i64,
    pub account_free: u32,
    pub account_lock_seconds: i64,
    pub forget_after: i64,
}

impl SignInThrottle {
    pub const DEFAULT: SignInThrottle = SignInThrottle {
        address_free: 5,
        address_step: 30,
        address_max_wait: 300,
        account_free: 10,
        account_lock_seconds: 15 * 60,
        forget_after: 15 * 60,
    };

    /// Seconds an address waits after its `failures`-th failure (0 = none).
    pub fn address_wait(&self, failures: u32) -> i64 {
        if failures < self.address_free {
            return 0;
        }
        (i64::from(failures - self.address_free + 1) * self.address_step).min(self.address_max_wait)
    }

    /// Seconds an account is locked after its `failures`-th failure from a stranger's address.
    pub fn account_lock(&self, failures: u32) -> i64 {
        if failures < self.account_free { 0 } else { self.account_lock_seconds }
    }

    /// Whether the `count`-th failure of an address is written to the audit log: the 1st, 2nd,
    /// 4th, 8th… with the count, so a spray leaves a logarithmic trace, not a row per guess.
    pub fn audited(count: i64) -> bool {
        count > 0 && (count as u64).is_power_of_two()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_role_holds_one_kind_of_scope_and_only_admins_manage() {
        assert_eq!(Role::DistrictOfficer.scope_kind(), ScopeKind::District);
        assert_eq!(Role::EnterpriseReporter.scope_kind(), ScopeKind::Enterprise);
        assert_eq!(Role::CityLeader.scope_kind(), ScopeKind::City);
        assert_eq!(Role::AuditAdmin.scope_kind(), ScopeKind::NoData);
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn a_security_policy_bounds_the_password_age_and_orders_its_roles() {
        let policy = SecurityPolicy::new(90, &[Role::CityLeader, Role::Admin, Role::CityLeader]).expect("valid");
        assert_eq!(policy.two_factor_roles, [Role::Admin, Role::CityLeader]);
        assert!(policy.requires_two_factor(Role::Admin) && !policy.requires_two_factor(Role::AuditAdmin));
        // 90 days = 7,776,000 s: expired one second past it, not at it.
        assert!(!policy.password_expired(0, 7_776_000) && policy.password_expired(0, 7_776_001));
        assert!(!SecurityPolicy::new(0, &[]).expect("no limit").password_expired(0, i64::MAX / 2));
        assert_eq!(SecurityPolicy::new(366, &[]), Err(SecurityPolicyError::PasswordAge));
        let stored = serde_json::to_string(&policy).expect("json");
        assert_eq!(stored, r#"{"password_max_age_days":90,"two_factor_roles":["admin","city_leader"]}"#);
        assert_eq!(serde_json::from_str::<SecurityPolicy>(&stored).expect("read back"), policy);
        assert!(
            serde_json::from_str::<SecurityPolicy>(r#"{"password_max_age_days":9,"two_factor_roles":["x"]}"#).is_err()
        );
    }

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(Username::parse(" Zhang.San ").map(|u| u.to_string()), Ok("zhang.san".into()));
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("张三").is_err());
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn passwords_need_length_mix_and_no_username() {
        let policy = PasswordPolicy::DEFAULT;
        assert_eq!(policy.check("Short1!", "li"), Err(PasswordError::TooShort { min: 10 }));
        assert_eq!(policy.check("onlylowercaseletters", "li"), Err(PasswordError::TooSimple { classes: 3 }));
        assert_eq!(policy.check("Zhangsan-2024", "zhangsan"), Err(PasswordError::ContainsUsername));
        assert_eq!(policy.check("MyPassword1!", "li"), Err(PasswordError::Common));
        assert_eq!(policy.check("潇州Tea-leaves9", "li"), Ok(()));
        assert_eq!(policy.check(&"Aa1!".repeat(40), "li"), Err(PasswordError::TooLong { max: 128 }));
        assert!(PasswordError::Common.message(Lang::En).starts_with("This password"));
    }

    #[test]
    fn tokens_live_ninety_days_unless_asked_and_never_past_a_year() {
        assert_eq!(TokenLifetime::asked(None).map(|t| t.days), Some(90));
        assert_eq!(TokenLifetime::asked(Some(365)).map(|t| t.expires_at(0)), Some(365 * 86_400));
        assert_eq!(TokenLifetime::asked(Some(0)), None);
        assert_eq!(TokenLifetime::asked(Some(366)), None);
    }

    #[test]
    fn an_address_waits_more_after_each_failure_past_five_and_an_account_locks_after_ten() {
        let policy = SignInThrottle::DEFAULT;
        assert_eq!(policy.address_wait(4), 0);
        assert_eq!(policy.address_wait(5), 30);
        assert_eq!(policy.address_wait(6), 60);
        assert_eq!(policy.address_wait(14), 300);
        assert_eq!(policy.address_wait(1_000), 300);
        assert_eq!(policy.account_lock(9), 0);
        assert_eq!(policy.account_lock(10), 900);
        let audited: Vec<i64> = (1..=20).filter(|n| SignInThrottle::audited(*n)).collect();
        assert_eq!(audited, [1, 2, 4, 8, 16]);
    }
}
