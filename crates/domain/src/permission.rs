//! Who may do what, in one table: every named permission and the roles that hold it. Pages,
//! the API and the CLI ask `role.may(Permission::…)`; none decides by a role's name what a
//! permission of another feature would say. `docs/permissions.md` is this table, printed by a
//! test that fails when the two differ.
//!
//! A permission says what a role may do; the data scope (`ScopeKind`) says over which firms.
//! Some pages add that the caller hold the whole city (targets, the reporting settings): those
//! checks stay beside the permission where the scope is known.

use crate::access::Role;
use crate::lang::Lang;

/// Something a role may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Create, rename, disable accounts and reset their passwords (系统管理员).
    ManageAccounts,
    /// Grant roles and scopes, lift locks, reset second factors, set the security policy
    /// (安全管理员).
    GrantRoles,
    /// Read and export the audit log (安全审计员).
    ReadAuditLog,
    /// Enter or correct the monthly values of the firms in scope.
    WriteReports,
    /// Approve or return submitted reports; import a month from a file for the scope.
    ReviewReports,
    /// Write a month after its deadline although the data set locks it.
    WriteAfterDeadline,
    /// Configure reporting: data sets, deadlines, per-firm exceptions, official figures.
    ConfigureReporting,
    /// See who has reported and chase those who have not (the progress board).
    ReadReportingProgress,
    /// Read the monitoring cockpit, the ladder and pools, 亩均 breakdowns, projects,
    /// eligibility lists, briefings and peer reports of the scope.
    ReadMonitoring,
    /// Set the year's targets.
    SetTargets,
    /// Edit the versioned rule sets (ladder criteria, 亩均, commendations).
    EditRules,
    /// Run 亩均 evaluations and decide objections.
    RunEvaluations,
    /// Record recognitions, 小升规 cases, eligibility decisions and projects; import profiles.
    ManageCultivation,
    /// Fill in a firm's annual profile.
    EditProfiles,
    /// Write the policy library.
    EditPolicies,
    /// See tough-action tasks: the city's, and a department's or district's own (the units that
    /// lead tasks); their inbox and supervision list.
    ReadTasks,
    /// Write tough-action tasks and actions.
    EditTasks,
    /// Edit request categories and their time limits.
    EditRequestCategories,
    /// Draft briefings.
    DraftBriefings,
    /// Edit briefing templates.
    EditBriefingTemplates,
    /// Correct the facts read from peer reports.
    EditPeerReports,
    /// Read 亩均 evaluation runs of the scope (a firm its own result).
    ReadEvaluations,
    /// Report progress on a task the unit leads, with files.
    ReportTaskProgress,
    /// Record an enterprise request (the firm, or staff on its behalf).
    RecordRequests,
    /// Accept, reroute and reply to requests: the city's staff, and a department for those routed to it.
    HandleRequests,
    /// Rate, reopen or close a request as the firm that raised it.
    RateRequests,
    /// Add files to a request one sees (everyone but the city's leaders, who read).
    AttachToRequests,
}

/// The city's staff who run the platform's business: the system administrator and analysts.
const CITY_STAFF: &[Role] = &[Role::Admin, Role::CityAnalyst];
/// Those who review firms' reports: the city's staff, districts and parks.
const REVIEWERS: &[Role] = &[Role::Admin, Role::CityAnalyst, Role::DistrictOfficer, Role::ParkOfficer];
/// Those who enter reports: the reviewers and the firm itself.
const WRITERS: &[Role] =
    &[Role::Admin, Role::CityAnalyst, Role::DistrictOfficer, Role::ParkOfficer, Role::EnterpriseReporter];
/// The units tasks are led by, and the city: the city's staff and leaders, departments and
/// districts (not parks, not firms).
const TASK_UNITS: &[Role] =
    &[Role::Admin, Role::CityLeader, Role::CityAnalyst, Role::DistrictOfficer, Role::DepartmentHandler];
/// Task units who work on tasks: as `TASK_UNITS` without the city's leaders, who read.
const TASK_WORKERS: &[Role] = &[Role::Admin, Role::CityAnalyst, Role::DistrictOfficer, Role::DepartmentHandler];
/// Those who see evaluation results: everyone with firms in scope (a firm its own).
const RESULT_READERS: &[Role] = &[
    Role::Admin,
    Role::CityLeader,
    Role::CityAnalyst,
    Role::DistrictOfficer,
    Role::ParkOfficer,
    Role::EnterpriseReporter,
];
/// Who handles requests: the city's staff, and departments for those routed to them.
const REQUEST_HANDLERS: &[Role] = &[Role::Admin, Role::CityAnalyst, Role::DepartmentHandler];
/// Who adds files to the requests they see: all but the city's leaders.
const REQUEST_ATTACHERS: &[Role] = &[
    Role::Admin,
    Role::CityAnalyst,
    Role::DistrictOfficer,
    Role::ParkOfficer,
    Role::DepartmentHandler,
    Role::EnterpriseReporter,
];
/// Those who oversee firms: the reviewers and the city's leaders.
const OVERSEERS: &[Role] =
    &[Role::Admin, Role::CityLeader, Role::CityAnalyst, Role::DistrictOfficer, Role::ParkOfficer];

impl Permission {
    pub const ALL: [Permission; 27] = [
        Permission::ManageAccounts,
        Permission::GrantRoles,
        Permission::ReadAuditLog,
        Permission::WriteReports,
        Permission::ReviewReports,
        Permission::WriteAfterDeadline,
        Permission::ConfigureReporting,
        Permission::ReadReportingProgress,
        Permission::ReadMonitoring,
        Permission::SetTargets,
        Permission::EditRules,
        Permission::RunEvaluations,
        Permission::ManageCultivation,
        Permission::EditProfiles,
        Permission::EditPolicies,
        Permission::ReadTasks,
        Permission::EditTasks,
        Permission::EditRequestCategories,
        Permission::DraftBriefings,
        Permission::EditBriefingTemplates,
        Permission::EditPeerReports,
        Permission::ReadEvaluations,
        Permission::ReportTaskProgress,
        Permission::RecordRequests,
        Permission::HandleRequests,
        Permission::RateRequests,
        Permission::AttachToRequests,
    ];

    /// The roles holding the permission: the table.
    pub fn roles(self) -> &'static [Role] {
        match self {
            Permission::ManageAccounts => &[Role::Admin],
            Permission::GrantRoles => &[Role::SecurityAdmin],
            Permission::ReadAuditLog => &[Role::AuditAdmin],
            Permission::WriteReports | Permission::EditProfiles => WRITERS,
            Permission::ReviewReports | Permission::ManageCultivation | Permission::DraftBriefings => REVIEWERS,
            Permission::ReadMonitoring | Permission::ReadReportingProgress => OVERSEERS,
            Permission::ReadTasks => TASK_UNITS,
            Permission::WriteAfterDeadline
            | Permission::ConfigureReporting
            | Permission::SetTargets
            | Permission::EditRules
            | Permission::RunEvaluations
            | Permission::EditPolicies
            | Permission::EditTasks
            | Permission::EditRequestCategories
            | Permission::EditBriefingTemplates
            | Permission::EditPeerReports => CITY_STAFF,
            Permission::ReadEvaluations => RESULT_READERS,
            Permission::ReportTaskProgress => TASK_WORKERS,
            Permission::RecordRequests => WRITERS,
            Permission::HandleRequests => REQUEST_HANDLERS,
            Permission::RateRequests => &[Role::EnterpriseReporter],
            Permission::AttachToRequests => REQUEST_ATTACHERS,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ManageAccounts => "manage_accounts",
            Permission::GrantRoles => "grant_roles",
            Permission::ReadAuditLog => "read_audit_log",
            Permission::WriteReports => "write_reports",
            Permission::ReviewReports => "review_reports",
            Permission::WriteAfterDeadline => "write_after_deadline",
            Permission::ConfigureReporting => "configure_reporting",
            Permission::ReadReportingProgress => "read_reporting_progress",
            Permission::ReadMonitoring => "read_monitoring",
            Permission::SetTargets => "set_targets",
            Permission::EditRules => "edit_rules",
            Permission::RunEvaluations => "run_evaluations",
            Permission::ManageCultivation => "manage_cultivation",
            Permission::EditProfiles => "edit_profiles",
            Permission::EditPolicies => "edit_policies",
            Permission::ReadTasks => "read_tasks",
            Permission::EditTasks => "edit_tasks",
            Permission::EditRequestCategories => "edit_request_categories",
            Permission::DraftBriefings => "draft_briefings",
            Permission::EditBriefingTemplates => "edit_briefing_templates",
            Permission::EditPeerReports => "edit_peer_reports",
            Permission::ReadEvaluations => "read_evaluations",
            Permission::ReportTaskProgress => "report_task_progress",
            Permission::RecordRequests => "record_requests",
            Permission::HandleRequests => "handle_requests",
            Permission::RateRequests => "rate_requests",
            Permission::AttachToRequests => "attach_to_requests",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Permission::ManageAccounts => lang.pick("管理账号", "Manage accounts"),
            Permission::GrantRoles => {
                lang.pick("授予角色、解除锁定、设定安全策略", "Grant roles, lift locks, set the security policy")
            }
            Permission::ReadAuditLog => lang.pick("查阅审计日志", "Read the audit log"),
            Permission::WriteReports => lang.pick("填报和修改月报", "Enter monthly reports"),
            Permission::ReviewReports => lang.pick("审核月报、导入月报", "Review and import monthly reports"),
            Permission::WriteAfterDeadline => lang.pick("截止后填报", "Write after the deadline"),
            Permission::ConfigureReporting => lang.pick("设置报表、截止日期和例外", "Configure reporting"),
            Permission::ReadReportingProgress => lang.pick("查看填报进度", "Read the reporting progress"),
            Permission::ReadMonitoring => lang.pick("查看运行监测和培育情况", "Read monitoring and cultivation"),
            Permission::SetTargets => lang.pick("设定年度目标", "Set targets"),
            Permission::EditRules => lang.pick("修订认定和评价规则", "Edit rule sets"),
            Permission::RunEvaluations => lang.pick("开展亩均评价", "Run 亩均 evaluations"),
            Permission::ManageCultivation => {
                lang.pick("登记培育、项目和政策兑现", "Record cultivation, projects and eligibility")
            }
            Permission::EditProfiles => lang.pick("填写企业年度信息", "Fill in annual profiles"),
            Permission::EditPolicies => lang.pick("维护政策库", "Edit the policy library"),
            Permission::ReadTasks => lang.pick("查看攻坚任务和待办", "Read tasks and the inbox"),
            Permission::EditTasks => lang.pick("下达攻坚任务", "Write tasks"),
            Permission::EditRequestCategories => lang.pick("设置诉求类别和时限", "Edit request categories"),
            Permission::DraftBriefings => lang.pick("起草简报", "Draft briefings"),
            Permission::EditBriefingTemplates => lang.pick("维护简报模板", "Edit briefing templates"),
            Permission::EditPeerReports => lang.pick("校正对标报告", "Correct peer reports"),
            Permission::ReadEvaluations => lang.pick("查看亩均评价结果", "Read 亩均 evaluations"),
            Permission::ReportTaskProgress => lang.pick("报送任务进展", "Report task progress"),
            Permission::RecordRequests => lang.pick("登记企业诉求", "Record requests"),
            Permission::HandleRequests => lang.pick("受理和答复诉求", "Handle requests"),
            Permission::RateRequests => lang.pick("评价诉求办理", "Rate requests"),
            Permission::AttachToRequests => lang.pick("为诉求添加附件", "Attach files to requests"),
        }
    }

    /// The table as Markdown: a row per permission, a column per role.
    pub fn table_markdown() -> String {
        let mut text = String::from("| permission |");
        for role in Role::ALL {
            text.push_str(&format!(" {} |", role.as_str()));
        }
        text.push_str("\n|---|");
        text.push_str(&"---|".repeat(Role::ALL.len()));
        text.push('\n');
        for permission in Permission::ALL {
            text.push_str(&format!("| `{}` {} |", permission.as_str(), permission.label(Lang::ZhCn)));
            for role in Role::ALL {
                text.push_str(if role.may(permission) { " ✓ |" } else { " |" });
            }
            text.push('\n');
        }
        text
    }
}

impl Role {
    /// Whether the role holds the permission.
    pub fn may(self, permission: Permission) -> bool {
        permission.roles().contains(&self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_administrative_duty_belongs_to_exactly_one_role_which_does_no_business() {
        let holders = |p: Permission| Role::ALL.into_iter().filter(|r| r.may(p)).collect::<Vec<_>>();
        assert_eq!(holders(Permission::ManageAccounts), [Role::Admin]);
        assert_eq!(holders(Permission::GrantRoles), [Role::SecurityAdmin]);
        assert_eq!(holders(Permission::ReadAuditLog), [Role::AuditAdmin]);
        for role in [Role::SecurityAdmin, Role::AuditAdmin] {
            let held: Vec<Permission> = Permission::ALL.into_iter().filter(|p| role.may(*p)).collect();
            assert_eq!(held.len(), 1, "{role:?} holds {held:?}");
        }
    }

    #[test]
    fn leaders_read_but_write_nothing_and_firms_write_only_their_own_reports() {
        let held = |role: Role| Permission::ALL.into_iter().filter(|p| role.may(*p)).collect::<Vec<_>>();
        assert_eq!(
            held(Role::CityLeader),
            [
                Permission::ReadReportingProgress,
                Permission::ReadMonitoring,
                Permission::ReadTasks,
                Permission::ReadEvaluations
            ]
        );
        assert_eq!(
            held(Role::EnterpriseReporter),
            [
                Permission::WriteReports,
                Permission::EditProfiles,
                Permission::ReadEvaluations,
                Permission::RecordRequests,
                Permission::RateRequests,
                Permission::AttachToRequests
            ]
        );
        assert_eq!(
            held(Role::DepartmentHandler),
            [
                Permission::ReadTasks,
                Permission::ReportTaskProgress,
                Permission::HandleRequests,
                Permission::AttachToRequests
            ]
        );
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = Permission::ALL.iter().map(|p| p.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Permission::ALL.len());
    }
}
