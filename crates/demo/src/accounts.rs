//! Demo departments and one demo account per role, for trying the platform and for the
//! browser tests. Every account shares one password (the caller hashes it).

use xinzhi_domain::{RegionCode, Role, Username};
use xinzhi_store::{AuditActor, EnterpriseFilter, NewUser, Page, Scope, Store, StoreError};

use crate::DemoError;

/// The departments requests are routed to: (code, Chinese name, English name).
pub const DEPARTMENTS: [(&str, &str, &str); 6] = [
    ("fgw", "市发展和改革委员会", "Development and Reform Commission"),
    ("kjj", "市科学技术局", "Science and Technology Bureau"),
    ("czj", "市财政局", "Finance Bureau"),
    ("rsj", "市人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    ("zrzyj", "市自然资源和规划局", "Natural Resources and Planning Bureau"),
    ("scjgj", "市市场监督管理局", "Market Regulation Administration"),
];

/// The password every demo account has.
pub const DEMO_PASSWORD: &str = "xinzhi-demo";

/// One demo account: username, display name, role, and how its scope is found.
pub struct DemoAccount {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
}

pub const DEMO_ACCOUNTS: [DemoAccount; 9] = [
    DemoAccount { username: "admin", display_name: "系统管理员", role: Role::Admin },
    DemoAccount { username: "secadmin", display_name: "安全管理员", role: Role::SecurityAdmin },
    DemoAccount { username: "auditor", display_name: "安全审计员", role: Role::AuditAdmin },
    DemoAccount { username: "leader", display_name: "王局长", role: Role::CityLeader },
    DemoAccount { username: "analyst", display_name: "李分析", role: Role::CityAnalyst },
    DemoAccount { username: "district", display_name: "潇水区工信局", role: Role::DistrictOfficer },
    DemoAccount { username: "park", display_name: "潇州经开区经发局", role: Role::ParkOfficer },
    DemoAccount { username: "department", display_name: "市科技局经办人", role: Role::DepartmentHandler },
    DemoAccount { username: "reporter", display_name: "企业填报员", role: Role::EnterpriseReporter },
];

/// The district of the demo district officer and the park of the demo park officer.
pub const DEMO_DISTRICT: &str = "436002";
pub const DEMO_PARK: &str = "XZETDZ";
pub const DEMO_DEPARTMENT: &str = "kjj";

/// Creates the demo departments (where missing) and accounts (where missing). The reporter
/// reports for the first above-scale firm of the demo district.
pub async fn create_demo_accounts(store: &Store, password_hash: &str) -> Result<Vec<(String, Scope)>, DemoError> {
    let existing = store.list_departments().await?;
    for (code, zh, en) in DEPARTMENTS {
        if !existing.iter().any(|d| d.code == code) {
            store.insert_department(code, zh, en).await?;
        }
    }
    let district = store
        .region_by_code(RegionCode::parse(DEMO_DISTRICT).map_err(|e| DemoError::Parameter(e.to_string()))?)
        .await?;
    let filter =
        EnterpriseFilter { district: Some(district.code), above_scale: Some(true), ..EnterpriseFilter::default() };
    let firm = store
        .search_enterprises(&Scope::City, &filter, Page::new(1, 0))
        .await?
        .items
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound)?;
    let actor = AuditActor::system("demo");
    let users = store.list_users().await?;
    let mut created = Vec::new();
    for account in &DEMO_ACCOUNTS {
        if users.iter().any(|u| u.username.as_str() == account.username) {
            continue;
        }
        let code = match account.role {
            Role::DistrictOfficer => Some(DEMO_DISTRICT.to_owned()),
            Role::ParkOfficer => Some(DEMO_PARK.to_owned()),
            Role::DepartmentHandler => Some(DEMO_DEPARTMENT.to_owned()),
            Role::EnterpriseReporter => Some(firm.credit_code.to_string()),
            _ => None,
        };
        let scope = store.resolve_scope(account.role, code.as_deref()).await?;
        let user = NewUser {
            username: Username::parse(account.username).map_err(|e| DemoError::Parameter(e.to_string()))?,
            display_name: account.display_name.into(),
            password_hash: password_hash.into(),
            role: account.role,
            scope,
            must_change_password: false,
            role_pending: false,
        };
        store.create_user(&user, &actor).await?;
        created.push((account.username.to_owned(), scope));
    }
    // Marked, so that a deployment started without the demo makes them change it.
    let names: Vec<&str> = created.iter().map(|(name, _)| name.as_str()).collect();
    store.mark_demo_accounts(&names).await?;
    Ok(created)
}
