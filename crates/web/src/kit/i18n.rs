//! The user-interface message catalogue: every string a page shows, in Simplified Chinese (the
//! default) and English. Each entry holds both languages side by side, so a key cannot exist in
//! one language and be missing in the other.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::sync::LazyLock;

use xinzhi_domain::Lang;

/// (key, zh-CN, en)
const MESSAGES: &[(&str, &str, &str)] = &[
    ("app.name", "新质", "Xinzhi"),
    ("app.tagline", "新型工业化管理平台", "New industrialization platform"),
    (
        "app.footer",
        "新质 · 开源、可自托管的新型工业化管理平台",
        "Xinzhi · an open, self-hostable platform for new industrialization",
    ),
    ("lang.other", "English", "中文"),
    ("nav.overview", "总览", "Overview"),
    ("nav.enterprises", "企业名录", "Enterprises"),
    ("nav.chains", "产业集群与产业链", "Clusters and chains"),
    ("overview.title", "城市总览", "City overview"),
    ("overview.enterprises", "工业企业", "Industrial enterprises"),
    ("overview.above_scale", "规模以上工业企业", "Above-scale enterprises"),
    ("overview.months", "数据期间", "Data period"),
    ("overview.output_growth", "规上工业总产值同口径增长", "Above-scale gross output, same-caliber growth"),
    (
        "overview.output_growth_note",
        "按本期规上企业集合计算，与上年同期同一批企业比较",
        "Computed on this period's above-scale firms against the same firms a year earlier",
    ),
    ("overview.by_district", "分区县", "By district and county"),
    ("overview.by_park", "分园区", "By park"),
    ("overview.by_tier", "优质企业梯度", "Quality-enterprise ladder"),
    ("overview.no_data", "尚无数据", "No data yet"),
    ("col.district", "区县", "District"),
    ("col.park", "园区", "Park"),
    ("col.enterprises", "企业数", "Enterprises"),
    ("col.above_scale", "规上企业", "Above scale"),
    ("col.tier", "梯度", "Tier"),
    ("col.level", "级别", "Level"),
    ("col.name", "企业名称", "Name"),
    ("col.credit_code", "统一社会信用代码", "Credit code"),
    ("col.industry", "行业", "Industry"),
    ("col.kind", "类别", "Kind"),
    ("col.target", "归属", "Belongs to"),
    ("col.valid_from", "起始", "From"),
    ("col.valid_to", "截止", "To"),
    ("col.reason", "原因", "Reason"),
    ("col.indicator", "指标", "Indicator"),
    ("col.unit", "单位", "Unit"),
    ("col.granted", "认定日期", "Granted"),
    ("col.expires", "有效期至", "Valid until"),
    ("col.status", "状态", "Status"),
    ("col.batch", "批次", "Batch"),
    ("col.scale", "规模", "Scale"),
    ("enterprises.title", "企业名录", "Enterprise directory"),
    ("filter.text", "名称或信用代码", "Name or credit code"),
    ("filter.district", "区县", "District"),
    ("filter.park", "园区", "Park"),
    ("filter.industry", "行业代码", "Industry code"),
    ("filter.industry_hint", "如 C38 或 C3813", "e.g. C38 or C3813"),
    ("filter.scale", "规模", "Scale"),
    ("filter.tier", "梯度", "Tier"),
    ("filter.any", "全部", "Any"),
    ("filter.above", "规上", "Above scale"),
    ("filter.below", "规下", "Below scale"),
    ("filter.submit", "查询", "Search"),
    ("filter.reset", "重置", "Reset"),
    ("list.total", "共 {n} 家", "{n} {n:enterprise|enterprises}"),
    ("list.empty", "没有符合条件的企业", "No enterprise matches"),
    ("page.prev", "上一页", "Previous"),
    ("page.next", "下一页", "Next"),
    ("page.position", "第 {page} / {pages} 页", "Page {page} of {pages}"),
    ("enterprise.basic", "基本信息", "Basic information"),
    ("enterprise.established", "成立日期", "Established"),
    ("enterprise.closed", "停产日期", "Closed"),
    ("enterprise.land", "用地面积", "Land area"),
    ("enterprise.employees", "从业人员", "Employees"),
    ("enterprise.address", "地址", "Address"),
    ("enterprise.size", "企业规模", "Size class"),
    ("enterprise.memberships", "归属关系（按时间）", "Memberships over time"),
    ("enterprise.designations", "梯度培育认定", "Ladder designations"),
    ("enterprise.no_designations", "暂无认定", "No designations"),
    ("enterprise.values", "月度数据", "Monthly values"),
    ("enterprise.no_values", "该年度无数据", "No values for this year"),
    ("enterprise.present", "至今", "present"),
    ("enterprise.above_now", "规上企业", "Above scale"),
    ("enterprise.below_now", "规下企业", "Below scale"),
    ("unit.mu", "亩", "mu"),
    ("unit.persons", "人", "persons"),
    ("chains.title", "产业集群与产业链", "Industry clusters and chains"),
    (
        "chains.intro",
        "现代化产业体系：集群、产业链及其链长、链主和图谱",
        "The modern industrial system: clusters, chains, their chiefs, owners and maps",
    ),
    ("chain.chiefs", "链长", "Chain chiefs"),
    ("chain.owners", "链主企业", "Chain-owner enterprises"),
    ("chain.map", "产业链图谱", "Chain map"),
    ("chain.enterprises", "链上企业 {n} 家", "{n} {n:enterprise|enterprises} on the chain"),
    ("chain.owner_badge", "链主", "owner"),
    ("chain.above_badge", "规上", "above scale"),
    ("chain.empty", "暂无企业", "No enterprises yet"),
    ("stage.upstream", "上游", "Upstream"),
    ("stage.midstream", "中游", "Midstream"),
    ("stage.downstream", "下游", "Downstream"),
    ("cluster.provincial", "省级集群", "Provincial cluster"),
    ("cluster.municipal", "市级集群", "Municipal cluster"),
    ("status.active", "有效", "Active"),
    ("status.expired", "已过期", "Expired"),
    ("status.revoked", "已撤销", "Revoked"),
    ("status.under_review", "复核中", "Under review"),
    ("error.not_found.title", "未找到", "Not found"),
    (
        "error.not_found.message",
        "请求的内容不存在，或您无权查看。",
        "What you asked for does not exist or is not visible to you.",
    ),
    ("error.invalid.title", "输入有误", "Invalid input"),
    ("error.conflict.title", "无法执行", "Not possible now"),
    ("error.internal.title", "系统错误", "Server error"),
    (
        "error.internal.message",
        "服务器内部错误，已记录，请稍后重试。",
        "Something went wrong on our side; it has been logged. Please try again later.",
    ),
    ("error.back", "返回总览", "Back to the overview"),
    (
        "error.integer",
        "参数“{field}”应为整数，实际为“{value}”",
        "Parameter '{field}' must be an integer, got '{value}'",
    ),
    (
        "error.boolean",
        "参数“{field}”应为 true 或 false，实际为“{value}”",
        "Parameter '{field}' must be true or false, got '{value}'",
    ),
    (
        "error.range",
        "参数“{field}”应在 {min} 到 {max} 之间，实际为“{value}”",
        "Parameter '{field}' must be between {min} and {max}, got '{value}'",
    ),
    ("error.length", "“{field}”应为1至{max}个字符", "'{field}' must have 1 to {max} characters"),
    (
        "error.date",
        "参数“{field}”应为日期（如2024-03-31），实际为“{value}”",
        "Parameter '{field}' must be a date such as 2024-03-31, got '{value}'",
    ),
    ("nav.admin", "系统管理", "Administration"),
    ("nav.logout", "退出", "Sign out"),
    ("login.title", "登录", "Sign in"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Sign in"),
    (
        "login.failed",
        "用户名或密码错误，或账户已临时锁定",
        "Wrong username or password, or the account is temporarily locked",
    ),
    (
        "login.throttled",
        "本地址登录失败次数过多，请{seconds}秒后再试",
        "Too many failed sign-ins from this address; try again in {seconds} {seconds:second|seconds}",
    ),
    ("api_docs.title", "数据接口说明", "API reference"),
    (
        "api_docs.intro",
        "以下接口均在 /api/v1 下，使用个人访问令牌（Authorization: Bearer xz_…）或登录会话；机器可读的说明：",
        "Every route below is under /api/v1, called with a personal access token (Authorization: Bearer xz_…) or a session; machine-readable:",
    ),
    ("api_docs.area", "模块", "Area"),
    ("api_docs.method", "方法", "Method"),
    ("api_docs.path", "路径", "Path"),
    ("api_docs.summary", "说明", "Summary"),
    ("two_factor.title", "两步验证", "Two-step verification"),
    (
        "two_factor.prompt",
        "请输入验证器应用中的6位动态码，或一个恢复码。",
        "Enter the six-digit code from your authenticator app, or a recovery code.",
    ),
    ("two_factor.code", "动态码或恢复码", "Code or recovery code"),
    ("two_factor.verify", "验证", "Verify"),
    ("two_factor.first_code", "验证器显示的6位动态码", "The six-digit code the app shows"),
    ("two_factor.wrong", "动态码不正确或已使用", "The code is wrong or was used already"),
    ("two_factor.expired", "验证已过期，请重新登录", "The verification expired; sign in again"),
    ("two_factor.too_many", "动态码错误次数过多，请重新登录", "Too many wrong codes; sign in again"),
    ("two_factor.setup", "设置两步验证", "Set up two-step verification"),
    (
        "two_factor.required",
        "您的角色须启用两步验证后才能使用系统。",
        "Your role must use two-step verification before anything else.",
    ),
    (
        "two_factor.scan",
        "在验证器应用（如手机令牌）中添加以下密钥，然后输入它显示的6位动态码确认。",
        "Add this key to an authenticator app, then confirm with the six-digit code it shows.",
    ),
    ("two_factor.confirm", "确认启用", "Confirm and turn on"),
    (
        "two_factor.codes_once",
        "两步验证已启用。以下恢复码只显示这一次，每个只能用一次，请妥善保存：",
        "Two-step verification is on. These recovery codes are shown once and each works once; keep them safe:",
    ),
    ("two_factor.on", "两步验证已启用", "Two-step verification is on"),
    ("two_factor.codes_left", "剩余恢复码", "Recovery codes left"),
    ("account.title", "我的账户", "My account"),
    ("account.role", "角色", "Role"),
    ("account.scope", "数据范围", "Data scope"),
    ("account.change_password", "修改密码", "Change password"),
    (
        "account.must_change",
        "首次登录或密码被重置后，请先设置新密码。",
        "Please set a new password before you continue.",
    ),
    ("account.current", "当前密码", "Current password"),
    ("account.new", "新密码", "New password"),
    ("account.confirm", "确认新密码", "Confirm new password"),
    (
        "account.policy",
        "至少10个字符，包含小写字母、大写字母、数字、符号中的至少3类，不能包含用户名",
        "At least 10 characters mixing 3 of: lower-case, upper-case, digits, symbols; not containing the username",
    ),
    ("account.save", "保存", "Save"),
    (
        "account.password_changed",
        "密码已修改，其他设备上的登录已退出。",
        "Password changed; your other sessions have been signed out.",
    ),
    ("account.current_wrong", "当前密码不正确", "The current password is wrong"),
    ("account.password_same", "新密码不能与当前密码相同", "The new password must differ from the current one"),
    ("account.language", "界面语言", "Interface language"),
    ("account.lang_saved", "语言设置已保存", "Language saved"),
    ("account.logout_all", "退出所有设备", "Sign out everywhere"),
    ("account.tokens", "API访问令牌", "API access tokens"),
    ("account.token_expires", "到期时间", "Expires"),
    ("account.token_expired", "已过期", "expired"),
    ("account.token_days", "有效期（天）", "Valid for (days)"),
    ("account.token_days_invalid", "有效期应为1到{max}天", "The validity must be 1 to {max} days"),
    ("account.token_name", "令牌名称", "Token name"),
    ("account.token_create", "创建令牌", "Create token"),
    (
        "account.token_new",
        "新令牌如下，仅显示这一次，请妥善保存：",
        "Your new token, shown this once only; keep it safe:",
    ),
    ("account.token_revoke", "撤销", "Revoke"),
    ("account.token_revoked", "令牌已撤销", "Token revoked"),
    ("account.token_created_at", "创建时间", "Created"),
    ("account.token_last_used", "最近使用", "Last used"),
    ("admin.users", "用户管理", "Users"),
    (
        "import.mode",
        "导入方式“{mode}”无效：应为 valid_rows 或 all_or_nothing",
        "unknown mode '{mode}': use valid_rows or all_or_nothing",
    ),
    ("admin.audit", "审计日志", "Audit log"),
    ("admin.new_user", "新建用户", "New user"),
    ("admin.edit_user", "编辑用户", "Edit user"),
    ("admin.username", "用户名", "Username"),
    ("admin.display_name", "姓名", "Name"),
    ("admin.role", "角色", "Role"),
    ("admin.scope", "数据范围代码", "Scope code"),
    (
        "admin.scope_hint",
        "区县填行政区划代码，园区填园区代码，部门填部门代码，企业填统一社会信用代码；市级角色留空",
        "District: admin code; park: park code; department: department code; enterprise: credit code; city roles: leave empty",
    ),
    (
        "admin.scope_invalid",
        "“{role}”需要有效的数据范围代码，“{value}”无效",
        "The role '{role}' needs a valid scope code; '{value}' is not one",
    ),
    ("admin.disabled", "已停用", "Disabled"),
    ("admin.locked", "已锁定", "Locked"),
    ("admin.status", "状态", "Status"),
    ("admin.active", "正常", "Active"),
    ("admin.save", "保存", "Save"),
    ("admin.reset_password", "重置密码", "Reset password"),
    (
        "admin.temporary_password",
        "临时密码如下，仅显示这一次；用户首次登录须修改：",
        "Temporary password, shown this once; the user must change it at first sign-in:",
    ),
    ("admin.username_taken", "用户名“{username}”已被使用", "The username '{username}' is taken"),
    ("admin.not_yourself", "不能停用自己，也不能改变自己的角色", "You cannot disable yourself or change your own role"),
    (
        "admin.managed_by_operator",
        "安全管理员和安全审计员的账号由服务器运维人员用 xinzhi user 命令管理，系统管理员不能更改",
        "The security and audit administrators' accounts are managed by the server's operator with `xinzhi user`; the system administrator cannot change them",
    ),
    (
        "admin.duty_accounts",
        "系统管理员：新建、停用账号和重置密码。新账号的角色须经安全管理员授权后才能登录。",
        "System administrator: create and disable accounts, reset passwords. A new account signs in only after the security administrator grants its role.",
    ),
    (
        "admin.duty_roles",
        "安全管理员：授予和调整角色与数据范围，解除登录锁定，重置两步验证。",
        "Security administrator: grant and change roles and scopes, lift sign-in locks, reset second factors.",
    ),
    ("admin.pending", "待授权", "Awaiting role"),
    (
        "admin.pending_grant",
        "该账号由系统管理员新建，申请的角色如下；核对后授权，账号方可登录。",
        "The system administrator created this account and asked for the role below; grant it and the account can sign in.",
    ),
    (
        "admin.pending_wait",
        "该账号尚待安全管理员授权角色，授权前不能登录。",
        "This account waits for the security administrator to grant its role and cannot sign in until then.",
    ),
    (
        "admin.role_requested",
        "所选角色为申请角色，经安全管理员授权后生效。",
        "The role chosen is a request: it takes effect when the security administrator grants it.",
    ),
    ("admin.grant", "授权", "Grant role"),
    ("security.title", "安全策略", "Security policy"),
    (
        "security.source_stored",
        "当前策略由安全管理员在本页设定，变更记入审计日志。",
        "The policy in force was set on this page by the security administrator; changes go to the audit log.",
    ),
    (
        "security.source_config",
        "当前策略来自部署配置（password_max_age_days、two_factor_roles）；在本页保存后以本页为准。",
        "The policy in force comes from the deployment's configuration (password_max_age_days, two_factor_roles); once saved here, this page rules.",
    ),
    ("security.saved", "安全策略已保存", "Security policy saved"),
    ("security.password_age", "密码有效期（天）", "Password lifetime (days)"),
    (
        "security.password_age_hint",
        "0 表示不限；最长365天。超过有效期的用户登录后须先修改密码。",
        "0 means no limit; at most 365. A user whose password is older must change it after signing in.",
    ),
    ("security.two_factor_roles", "须启用两步验证的角色", "Roles that must use two-factor sign-in"),
    ("security.fixed", "平台固定的安全规则", "Rules the platform fixes"),
    ("security.rule.password", "密码复杂度", "Password strength"),
    (
        "security.rule.password_value",
        "至少{min}位，至少包含{classes}类字符（小写、大写、数字、符号），不得含用户名或常见密码",
        "At least {min} characters of at least {classes} kinds (lower-case, upper-case, digits, symbols), without the username or a common password",
    ),
    ("security.rule.address", "同一地址登录失败", "Failed sign-ins from one address"),
    (
        "security.rule.address_value",
        "第{free}次失败起须等待，每次多等{step}秒，最长{max}分钟",
        "From the {free}th failure on the address waits, {step} seconds more each time, at most {max} minutes",
    ),
    ("security.rule.account", "账号锁定", "Account lock"),
    (
        "security.rule.account_value",
        "来自他人地址连续失败{free}次锁定{minutes}分钟（本人常用地址不受影响）",
        "Locked {minutes} minutes after {free} failures from addresses other than its owner's usual one",
    ),
    ("security.rule.session", "会话", "Sessions"),
    (
        "security.rule.session_value",
        "空闲{idle}分钟或登录{hours}小时后失效",
        "End after {idle} idle minutes or {hours} hours after sign-in",
    ),
    ("security.rule.token", "接口访问令牌", "API access tokens"),
    (
        "security.rule.token_value",
        "默认{days}天有效，最长365天；重置密码、全部退出或停用账号即失效",
        "Valid {days} days by default, at most 365; ended by a password reset, signing out everywhere or disabling",
    ),
    ("admin.unlock", "解除锁定", "Lift the lock"),
    ("admin.reset_two_factor", "重置两步验证", "Reset two-factor sign-in"),
    (
        "login.role_pending",
        "账号尚待安全管理员授权角色，暂不能登录",
        "Your account waits for the security administrator to grant its role; you cannot sign in yet",
    ),
    ("audit.time", "时间", "Time"),
    ("audit.actor", "操作人", "Actor"),
    ("audit.ip", "来源地址", "Address"),
    ("audit.action", "操作", "Action"),
    ("audit.object", "对象", "Object"),
    ("audit.outcome", "结果", "Outcome"),
    ("audit.detail", "变更内容", "Changes"),
    ("audit.from", "起始日期", "From"),
    ("audit.to", "截止日期", "To"),
    ("audit.export", "导出CSV", "Export CSV"),
    ("audit.total", "共 {n} 条", "{n} {n:entry|entries}"),
    ("nav.reports", "月报", "Monthly reports"),
    ("nav.monitor", "运行监测", "Monitoring"),
    ("nav.cultivation", "梯度培育", "Cultivation"),
    ("list.separator", "；", "; "),
    ("growth.up", "增长{value}%", "up {value}%"),
    ("growth.down", "下降{value}%", "down {value}%"),
    ("growth.flat", "持平", "flat"),
    ("unit.pp", "{value}个百分点", "{value} pp"),
    ("unit.yi", "亿", "100m"),
    ("monitor.title", "运行监测驾驶舱", "Operations cockpit"),
    ("monitor.month", "月份", "Month"),
    (
        "monitor.attribution_current",
        "按企业现归属统计（默认按当月归属）",
        "Count firms where they are now (default: where they were that month)",
    ),
    ("monitor.show", "查看", "Show"),
    ("monitor.targets_link", "目标任务", "Targets"),
    (
        "monitor.caliber_note",
        "同比为同口径比较：本期规上企业与其上年同期相比（平台依据企业报表估算，统计局数据以发布为准）；名义增速为本期总量与上年同期总量直接相比。",
        "Growth compares this period's above-scale firms with themselves a year earlier (same caliber; a platform estimate from the firms' reports, official figures are the statistics bureau's); nominal growth compares this period's total with last year's total.",
    ),
    ("monitor.cumulative", "累计", "Cumulative"),
    ("monitor.yoy", "同比", "YoY "),
    ("monitor.this_month", "当月", "This month"),
    ("monitor.nominal", "名义", "nominal "),
    ("monitor.trend", "累计增速走势", "Cumulative growth by month"),
    ("monitor.monthly", "当月值（同口径）", "Monthly value (same firms)"),
    ("monitor.same_firms", "同口径", "same firms"),
    ("monitor.month_short", "{m}月", "M{m}"),
    ("monitor.year", "{y}年", "{y}"),
    ("monitor.by_district", "分区县", "By district"),
    ("monitor.by_park", "分园区", "By park"),
    ("monitor.by_cluster", "分产业集群", "By cluster"),
    ("monitor.by_chain", "分产业链", "By chain"),
    ("monitor.by_division", "分行业大类", "By industry division"),
    ("monitor.by_tier", "分梯度", "By ladder tier"),
    (
        "monitor.overlap_note",
        "一家企业可属于多个集群或产业链，各项贡献率之和不等于100%。",
        "A firm can belong to several clusters or chains: the contributions need not add up to 100%.",
    ),
    ("monitor.col_unit", "单位", "Unit"),
    ("monitor.col_contribution", "贡献率", "Contribution"),
    ("monitor.col_pull", "拉动", "Pull"),
    ("monitor.col_rank", "增速排名", "Rank"),
    ("monitor.total", "合计", "Total"),
    ("monitor.targets", "目标任务完成情况", "Targets"),
    ("monitor.no_targets", "本年尚未设置目标。", "No targets are set for this year."),
    ("monitor.set_targets", "设置目标", "Set a target"),
    ("monitor.col_metric", "指标", "Metric"),
    ("monitor.col_target", "目标", "Target"),
    ("monitor.col_actual", "完成", "Actual"),
    ("monitor.col_completion", "完成率", "Completion"),
    ("monitor.col_gap", "与序时进度/目标相比", "Against time or target"),
    ("monitor.col_light", "预警", "Light"),
    ("monitor.col_completion_rank", "进度排名", "Rank"),
    ("monitor.two_year", "两年平均", "two-year average "),
    ("monitor.gap_growth", "与目标相差{value}个百分点", "{value} pp against the target"),
    ("monitor.electricity", "用电量与产值", "Electricity and output"),
    (
        "monitor.electricity_summary",
        "累计工业总产值{output}，工业用电量{power}。",
        "Cumulative output {output}, electricity {power}.",
    ),
    ("monitor.short_output", "产值", "output"),
    ("monitor.short_power", "用电", "power"),
    ("monitor.alerts", "预警", "Alerts"),
    ("monitor.alert_declines", "累计产值同比下降企业", "Firms with falling cumulative output"),
    ("monitor.decline_count", "下降{t}%以上{n}家", "{n} down {t}% or more"),
    ("monitor.alert_streaks", "连续{n}个月同比下降", "Down on last year {n} {n:month|months} running"),
    ("monitor.alert_missing", "本月未报企业", "Firms without a report this month"),
    (
        "monitor.missing_note",
        "{of}家规上企业中{n}家未报（含草稿和退回）",
        "{n} of {of} above-scale {of:firm|firms} (drafts and returned reports included)",
    ),
    ("monitor.alert_power_up", "用电增、产值降", "Electricity up, output down"),
    ("monitor.alert_output_up", "产值增、用电降", "Output up, electricity down"),
    ("monitor.alert_outliers", "偏离自身季节规律", "Off the firm's own seasonal pattern"),
    (
        "monitor.outliers_note",
        "当月占近12个月的比重与往年同月明显不同，请核实。",
        "The month's share of its twelve months is far from the same month's share in earlier years: please check.",
    ),
    ("monitor.col_growth", "增速", "Growth"),
    ("monitor.col_months", "月数", "Months"),
    ("monitor.col_month_growth", "当月增速", "This month"),
    ("monitor.col_output_growth", "产值增速", "Output growth"),
    ("monitor.col_power_growth", "用电增速", "Electricity growth"),
    ("monitor.col_share", "当月占比", "Share"),
    ("monitor.col_usual_share", "往年占比", "Usual share"),
    ("monitor.count_above_scale", "规上工业企业", "Above-scale firms"),
    ("monitor.count_entered", "本年新增规上企业", "New above-scale firms this year"),
    ("monitor.count_exited", "退出{n}家", "{n} left"),
    ("monitor.count_loss", "亏损企业", "Loss-making firms"),
    ("monitor.loss_note", "亏损面{share}%，亏损额{amount}", "{share}% of firms, losing {amount}"),
    ("monitor.new_this_year", "本年新增", "new this year"),
    (
        "monitor.computed",
        "本页数据计算用时{ms}毫秒，报表审核通过后即时更新。",
        "Computed in {ms} ms; approved reports show at once.",
    ),
    ("monitor.back", "返回驾驶舱", "Back to the cockpit"),
    ("cultivation.title", "优质企业梯度培育", "Quality-enterprise cultivation"),
    ("cultivation.as_of", "截至日期", "As of"),
    ("cultivation.ladder", "梯度企业", "The ladder"),
    (
        "cultivation.ladder_note",
        "在册数为截至{date}仍在有效期内的认定；新增数为企业首次获得该梯度认定的年份计数",
        "Held: designations valid on {date}. New: firms designated at the tier for the first time, by year of grant",
    ),
    ("cultivation.col_tier", "梯度", "Tier"),
    ("cultivation.col_level", "级别", "Level"),
    ("cultivation.col_held", "在册", "Held"),
    ("cultivation.col_new", "{year}年新增", "New in {year}"),
    ("cultivation.pools", "后备库", "Candidate pools"),
    ("cultivation.pool", "后备库", "Candidate pool"),
    (
        "cultivation.pool_note",
        "按{year}年度企业画像、认定标准{version}逐项评价；已达标的排在前面，其余按差距由近到远排序",
        "Measured on the {year} profiles against criteria {version}; firms that qualify first, then the nearest",
    ),
    ("cultivation.candidates", "入库企业", "Candidates"),
    ("cultivation.qualifying", "已达标", "Qualifying"),
    ("cultivation.col_rank", "序号", "Rank"),
    ("cultivation.col_score", "评分", "Score"),
    ("cultivation.col_result", "评价结果", "Result"),
    ("cultivation.col_gaps", "尚缺条件", "Still missing"),
    ("cultivation.qualifies", "达到认定条件", "Qualifies"),
    ("cultivation.not_yet", "尚未达标", "Not yet"),
    ("cultivation.direct_pass", "直通条件", "Direct pass"),
    ("cultivation.reviews", "复核提醒", "Reviews due"),
    ("cultivation.overdue", "已到期未复核", "Expired, not reviewed"),
    ("cultivation.within_90", "90天内到期", "Expire within 90 days"),
    ("cultivation.within_180", "180天内到期", "Expire within 180 days"),
    ("cultivation.no_reviews", "近180天内没有需要复核的认定", "No designation is due for review in the next 180 days"),
    ("cultivation.col_granted", "认定日期", "Granted"),
    ("cultivation.col_expires", "有效期至", "Valid until"),
    ("cultivation.col_due", "提醒", "Reminder"),
    ("cultivation.rules", "认定标准版本", "Criteria versions"),
    (
        "cultivation.rules_note",
        "认定标准按版本保存并注明生效日期；每次评价记录所用版本，便于事后解释结果",
        "Criteria are kept by version with the date they take effect; each evaluation records the version it used",
    ),
    ("cultivation.version", "标准版本", "Version"),
    ("cultivation.col_effective", "生效日期", "Effective from"),
    ("cultivation.col_created", "录入", "Entered"),
    ("cultivation.in_force", "现行", "In force"),
    ("cultivation.new_version", "新增标准版本", "New version"),
    (
        "cultivation.new_version_note",
        "在现行版本的基础上修改：改写 version（新版本号）和 effective_from（生效日期，如20250101），保存前系统会检查字段、档次和分值",
        "Edit the version in force: give a new version and effective_from (e.g. 20250101); fields, brackets and points are checked before saving",
    ),
    ("cultivation.rules_saved", "已保存标准版本{version}", "Version {version} saved"),
    (
        "cultivation.version_exists",
        "标准版本{version}已存在，请使用新的版本号",
        "Version {version} exists already; use a new one",
    ),
    ("cultivation.unknown_version", "没有标准版本“{version}”", "There is no version '{version}'"),
    ("cultivation.bad_effective", "生效日期{date}不是有效日期（应如20250101）", "{date} is not a date like 20250101"),
    ("cultivation.tier_unknown", "梯度“{tier}”无效，应为：{tiers}", "Unknown tier '{tier}'; use one of: {tiers}"),
    ("cultivation.unknown_kind", "规则类别“{kind}”无效：应为 ladder 或 mu", "Unknown kind '{kind}': use ladder or mu"),
    ("commendation.title", "表彰名单", "Commendation lists"),
    ("commendation.rules", "表彰评选规则", "Commendation rules"),
    ("commendation.export", "导出名单（Excel）", "Export (Excel)"),
    (
        "commendation.note",
        "{year}年度，按规则 {version} 评选（{source}）。规则可在“表彰评选规则”中按版本修改。",
        "{year}, by rules {version} ({source}). The rules are versioned and editable.",
    ),
    ("commendation.eligible", "符合条件 {n} 户", "{n} {n:firm|firms} met the conditions"),
    ("commendation.col_place", "名次", "Place"),
    ("commendation.col_value", "排序依据", "Ranked by"),
    ("nav.policies", "政策库", "Policies"),
    ("policies.title", "政策库", "Policy library"),
    (
        "policies.intro",
        "每项政策的适用条件写成可自动判断的规则；免申即享政策由系统找出符合条件的企业，经办人员确认后导出名单。",
        "Each policy's conditions are rules Xinzhi checks; for no-application (免申即享) policies it finds the eligible firms, which staff confirm and export.",
    ),
    ("policies.col_title", "政策名称", "Title"),
    ("policies.col_issuer", "发文单位", "Issuer"),
    ("policies.col_document", "文号", "Document no."),
    ("policies.col_valid", "有效期", "Valid"),
    ("policies.col_kind", "兑现方式", "How it is granted"),
    ("policies.automatic", "免申即享", "Without application (免申即享)"),
    ("policies.on_application", "依申请", "On application"),
    ("policies.not_in_force", "不在有效期内", "not in force"),
    ("policies.none", "暂无政策", "No policies yet"),
    ("policies.new", "新增政策", "New policy"),
    ("policies.edit", "修改政策", "Edit the policy"),
    ("policies.issued_on", "发布日期", "Issued on"),
    ("policies.valid_from", "生效日期", "In force from"),
    ("policies.valid_to", "截止日期", "In force until"),
    ("policies.summary", "政策内容", "Text"),
    ("policies.benefit", "支持内容", "Benefit"),
    ("policies.condition", "适用条件（规则）", "Conditions (rule)"),
    (
        "policies.condition_help",
        "例：above_scale and industry starts_with \"C39\" and growth(\"taxes_paid\") >= 10 and (tier has \"srdi_sme\" or tier has \"little_giant\")。可用指标：{facts}，以及企业年度画像的各字段（如 taxes_paid、rd_expense）；ytd(\"gross_output\")、ytd_growth(\"gross_output\") 为本年累计及增速。",
        "E.g. above_scale and industry starts_with \"C39\" and growth(\"taxes_paid\") >= 10 and (tier has \"srdi_sme\" or tier has \"little_giant\"). Facts: {facts}, and every annual-profile field (taxes_paid, rd_expense, …); ytd(\"gross_output\") and ytd_growth(\"gross_output\") for the year to date.",
    ),
    ("policies.save", "保存", "Save"),
    ("policies.saved", "已保存", "Saved"),
    ("policies.required", "必填", "Required"),
    ("policies.too_long", "不能超过{max}个字", "At most {max} characters"),
    ("policies.bad_date", "“{date}”不是有效日期（应为 yyyy-mm-dd）", "'{date}' is not a date (yyyy-mm-dd)"),
    ("policies.range", "截止日期早于生效日期", "The end is before the start"),
    ("policies.problems", "{n} 处填写有误，政策未保存", "{n} {n:field is|fields are} wrong; the policy was not saved"),
    ("policies.eligible", "符合条件企业", "Eligible firms"),
    (
        "policies.eligible_note",
        "按{year}年度画像、最新月报数据和已定稿的亩均评价判断；每条依据写明企业的数值。",
        "Judged on the {year} profiles, the latest monthly data and the final 亩均 classes; each condition shows the firm's value.",
    ),
    ("policies.export", "导出名单（Excel）", "Export (Excel)"),
    ("policies.confirmed", "已确认", "Confirmed"),
    ("policies.excluded", "已排除", "Excluded"),
    ("policies.confirm", "确认", "Confirm"),
    ("policies.exclude", "排除", "Exclude"),
    ("policies.note", "说明", "Note"),
    ("policies.col_evidence", "判断依据", "Evidence"),
    ("policies.col_decision", "审核", "Decision"),
    ("policies.col_result", "结果", "Result"),
    (
        "policies.bad_decision",
        "“{decision}”不是审核结果（应为 confirmed 或 excluded）",
        "'{decision}' is not a decision (confirmed or excluded)",
    ),
    ("policies.exclude_reason", "排除企业须写明原因", "Say why the firm is excluded"),
    ("policies.for_firm", "适用政策", "Policies for the firm"),
    (
        "policies.for_firm_note",
        "有效期内的政策，逐条列出本企业是否符合及依据。",
        "The policies in force, each with whether the firm meets it and why.",
    ),
    ("policies.matches", "符合", "Meets it"),
    ("policies.no_match", "暂不符合", "Not yet"),
    ("nav.requests", "企业诉求", "Requests"),
    ("requests.title", "企业诉求", "Enterprise requests"),
    ("requests.all", "全部", "All"),
    ("requests.due_soon", "即将超时", "Due soon"),
    ("requests.overdue", "已超时（督办）", "Overdue (supervised)"),
    ("requests.departments", "部门办理情况", "Departments"),
    ("requests.calendar", "工作日历", "Working-day calendar"),
    (
        "requests.calendar_note",
        "时限按工作日计算：周末与法定节假日不计，调休上班日计入。各年放假安排录入后生效；未录入的年份暂按周末推算。",
        "Limits count working days: weekends and public holidays off, make-up working days on. A year without its arrangement is counted by weekends until it is entered.",
    ),
    ("requests.calendar_add", "录入或更正一年的放假安排（JSON）", "Add or correct a year (JSON)"),
    ("requests.calendar_syntax", "放假安排格式有误：{error}", "The arrangement cannot be read: {error}"),
    ("requests.holidays", "放假", "Holidays"),
    ("requests.working_weekends", "调休上班", "Make-up working days"),
    ("requests.source", "依据", "Source"),
    ("requests.col_title", "诉求事项", "Request"),
    ("requests.col_category", "类别", "Category"),
    ("requests.col_channel", "来源", "Channel"),
    ("requests.col_department", "承办部门", "Department"),
    ("requests.col_stage", "状态", "Stage"),
    ("requests.col_due", "办理时限", "Due"),
    ("requests.col_open", "办理中", "Open"),
    ("requests.col_replied", "已答复", "Replied"),
    ("requests.col_on_time", "按时答复率", "On time"),
    ("requests.col_rating", "满意度（5分制）", "Rating (of 5)"),
    ("requests.none", "暂无诉求", "No requests"),
    ("requests.new", "提出诉求", "Raise a request"),
    ("requests.body", "具体内容", "Details"),
    ("requests.submit", "提交", "Submit"),
    ("requests.reply", "答复", "Reply"),
    ("requests.rating", "评价", "Rating"),
    ("requests.note", "说明", "Note"),
    ("requests.history", "办理过程", "History"),
    ("requests.unrouted", "待分派", "Not routed"),
    ("requests.department_code", "部门代码", "Department code"),
    (
        "requests.provisional",
        "所跨年份的放假安排尚未录入，暂按周末推算",
        "counted by weekends: that year's arrangement is not entered yet",
    ),
    ("requests.step.accept", "受理", "Accept"),
    ("requests.step.reroute", "转办", "Send to another department"),
    ("requests.step.reply", "答复", "Reply"),
    ("requests.step.rate", "评价", "Rate"),
    ("requests.step.reopen", "不满意，重新办理", "Not satisfied: reopen"),
    ("requests.step.close", "办结", "Close"),
    ("requests.bad_category", "“{category}”不是诉求类别（可选：{codes}）", "'{category}' is not a category ({codes})"),
    ("requests.bad_department", "“{department}”不是部门代码", "'{department}' is not a department code"),
    ("requests.bad_title", "诉求事项应为1—100个字", "The title must have 1–100 characters"),
    ("requests.bad_body", "具体内容应为10—5000个字", "The details must have 10–5000 characters"),
    (
        "requests.bad_channel",
        "来源不正确：企业在线提交，工作人员登记电话、12345热线或走访诉求",
        "Wrong channel: firms submit online; staff record phone, hotline or visit requests",
    ),
    ("requests.problems", "{n} 处填写有误，诉求未提交", "{n} {n:field is|fields are} wrong; nothing was submitted"),
    ("requests.bad_step", "“{step}”不是办理步骤", "'{step}' is not a step"),
    ("requests.bad_stage", "“{stage}”不是诉求状态", "'{stage}' is not a stage"),
    ("requests.bad_timing", "“{timing}”应为 due_soon 或 overdue", "'{timing}' must be due_soon or overdue"),
    ("requests.reply_short", "答复应至少10个字", "A reply needs at least 10 characters"),
    ("requests.bad_rating", "评价应为1—5分", "A rating is 1 to 5"),
    ("requests.reopen_reason", "请写明不满意的原因", "Say why you are not satisfied"),
    (
        "requests.cannot_step",
        "诉求当前为“{stage}”，不能执行该步骤",
        "The request is '{stage}': that step does not apply",
    ),
    ("nav.projects", "重点项目", "Projects"),
    ("projects.title", "重点项目", "Key projects"),
    (
        "projects.note",
        "截至{month}：年度计划投资与本年累计完成投资对照序时进度（落后10个百分点黄灯、30个百分点红灯）。",
        "Through {month}: the year's planned against completed investment, compared with time progress (10 points behind yellow, 30 red).",
    ),
    ("projects.count", "项目数 · 总投资", "Projects · total investment"),
    ("projects.large", "亿元以上项目", "≥ 100 M CNY"),
    ("projects.ten_major", "十大产业项目", "Ten major projects"),
    ("projects.completion", "年度投资完成率", "Of the year's plan"),
    ("projects.start_rate", "开工率", "Start rate"),
    ("projects.producing_rate", "投产率", "Production rate"),
    ("projects.col_stage", "阶段", "Stage"),
    ("projects.col_chain", "产业链", "Chain"),
    ("projects.col_name", "项目名称", "Project"),
    ("projects.col_total", "总投资（万元）", "Total (10k CNY)"),
    ("projects.col_planned", "年度计划（万元）", "Planned this year"),
    ("projects.col_completed", "本年完成（万元）", "Completed this year"),
    ("projects.col_count", "项目数", "Projects"),
    ("projects.col_sum", "总投资", "Total investment"),
    ("projects.col_done", "本年完成", "Completed"),
    ("projects.no_chain", "未归链", "No chain"),
    ("projects.yi", "{value}亿元", "{value} 100 M CNY"),
    ("projects.new", "登记项目", "Register a project"),
    ("projects.investor", "投资方", "Investor"),
    ("projects.district", "区县代码", "District code"),
    ("projects.park", "园区代码", "Park code"),
    ("projects.chain", "产业链代码", "Chain code"),
    ("projects.is_new", "新建项目（否则为续建）", "New (else continuing)"),
    ("projects.signed_on", "签约日期", "Signed on"),
    ("projects.planned_start", "计划开工", "Planned start"),
    ("projects.planned_producing", "计划投产", "Planned production"),
    ("projects.move", "推进阶段", "Move to a stage"),
    ("projects.plan", "年度计划投资", "The year's planned investment"),
    ("projects.investment", "月度完成投资", "Investment completed in a month"),
    ("projects.amount", "金额（万元）", "Amount (10k CNY)"),
    ("projects.bad_text", "应为1—200个字", "1–200 characters"),
    ("projects.bad_district", "“{district}”不是本市的区县代码", "'{district}' is not a district code of the city"),
    ("projects.bad_park", "“{park}”不是园区代码", "'{park}' is not a park code"),
    ("projects.bad_chain", "“{chain}”不是产业链代码", "'{chain}' is not a chain code"),
    ("projects.bad_amount", "“{value}”不是有效金额（万元）", "'{value}' is not an amount (10k CNY)"),
    (
        "projects.stage",
        "“{stage}”不是项目阶段（signed、started、building、completed、producing）",
        "'{stage}' is not a stage",
    ),
    ("projects.stage_back", "项目阶段只能向前推进", "A project only moves forward"),
    ("projects.import_title", "导入重点项目", "Import key projects"),
    (
        "projects.import_intro",
        "上传重点项目清单（.xlsx、.xls或.csv）。先逐行检查，再选择导入有效行或全部无误才导入；同一区县已登记的同名项目保持不变。",
        "Upload a list of key projects (.xlsx, .xls or .csv). It is checked row by row first; then import the valid rows, or all only if none is wrong. A project registered already under the same name in the same district stays as it is.",
    ),
    (
        "projects.import_template_note",
        "重点项目导入模板：区县、园区、产业链可填代码或名称；是否类填“是”或“否”；日期如2026-03-01；金额单位万元",
        "Key projects: district, park and chain by code or name; yes/no columns as yes or no; dates as 2026-03-01; amounts in 10k CNY",
    ),
    ("projects.import_new", "新登记", "New"),
    ("projects.import_existing", "已登记，未改动", "Registered already, left as it is"),
    ("projects.import_bad_yes_no", "“{value}”应为“是”或“否”", "'{value}' should be yes or no"),
    ("projects.import_scope", "项目不在您的管辖范围内", "The project is outside your area"),
    (
        "projects.import_twice",
        "文件中已有同一区县的同名项目",
        "The file lists a project of this name in this district twice",
    ),
    ("projects.import_link", "从Excel导入", "Import from Excel"),
    ("projects.problems", "{n} 处填写有误，项目未登记", "{n} {n:field is|fields are} wrong; nothing was registered"),
    ("nav.tasks", "攻坚行动", "Actions"),
    ("tasks.title", "攻坚行动与任务", "Tough actions and tasks"),
    ("tasks.supervision", "督办清单", "Supervision list"),
    ("tasks.inbox", "消息提醒", "Inbox"),
    ("tasks.inbox_empty", "暂无提醒", "No reminders"),
    ("tasks.by_unit", "按牵头单位", "By lead unit"),
    ("tasks.col_lead", "牵头单位", "Lead unit"),
    ("tasks.col_tasks", "任务数", "Tasks"),
    ("tasks.col_done", "已完成", "Done"),
    ("tasks.col_flagged", "需督办", "To supervise"),
    ("tasks.col_task", "任务", "Task"),
    ("tasks.col_deadline", "完成时限", "Deadline"),
    ("tasks.col_percent", "进度", "Progress"),
    ("tasks.col_flags", "督办", "Supervision"),
    ("tasks.done", "已完成", "Done"),
    ("tasks.none", "暂无任务", "No tasks"),
    ("tasks.no_supervision", "没有逾期或长期无进展的任务", "No overdue or stalled tasks"),
    ("tasks.new_action", "新建攻坚行动", "New action"),
    ("tasks.action_name", "行动名称", "Action"),
    ("tasks.new_task", "分解任务", "New task"),
    ("tasks.action", "所属行动", "Action"),
    ("tasks.lead_code", "牵头单位（部门代码或区县代码）", "Lead unit (department or district code)"),
    ("tasks.cooperating", "配合单位", "Cooperating units"),
    ("tasks.milestones", "节点", "Milestones"),
    ("tasks.progress", "进展", "Progress"),
    ("tasks.progress_text", "进展情况", "What was done"),
    ("tasks.attachment", "附件名称", "Attachment"),
    ("tasks.post", "报送进展", "Post progress"),
    (
        "tasks.reminder",
        "任务“{task}”{flag}（时限{deadline}），请尽快推进并报送进展",
        "Task '{task}': {flag} (due {deadline}); please move it forward and report",
    ),
    (
        "requests.notice_due_soon",
        "诉求“{title}”（{firm}）将于{due}到期，请及时办理",
        "Request '{title}' ({firm}) is due {due}; please deal with it in time",
    ),
    (
        "requests.notice_overdue",
        "诉求“{title}”（{firm}）已超过办理时限（{due}），请立即办理",
        "Request '{title}' ({firm}) is past its limit ({due}); please deal with it now",
    ),
    (
        "requests.notice_escalated",
        "督办：{department}办理的诉求“{title}”已超过时限（{due}）",
        "Escalated: request '{title}' with {department} is past its limit ({due})",
    ),
    ("attachments.title", "附件", "Attachments"),
    (
        "attachments.kinds",
        "附件不超过10MB：PDF、OFD、Word、WPS、Excel、PPT、CSV、文本、JPEG、PNG、ZIP或RAR",
        "Up to 10 MB: PDF, OFD, Word, WPS, Excel, PowerPoint, CSV, text, JPEG, PNG, ZIP or RAR",
    ),
    ("attachments.add", "添加附件", "Add files"),
    ("requests.categories", "诉求类别与办理时限", "Request categories and time limits"),
    (
        "requests.categories_note",
        "时限按工作日计算（含调休）。修改只对此后开始计时的环节生效，已在计时的诉求仍按原时限。",
        "Limits count working days (with the make-up working days). A change holds for clocks started after it; running clocks keep their limit.",
    ),
    ("requests.category_code", "类别代码", "Code"),
    ("requests.accept_days", "受理时限（工作日）", "Accept within (working days)"),
    ("requests.reply_days", "答复时限（工作日）", "Reply within (working days)"),
    ("requests.remind_days", "提前提醒（工作日）", "Remind ahead (working days)"),
    ("requests.name_zh", "中文名称", "Chinese name"),
    ("requests.name_en", "英文名称", "English name"),
    ("requests.category_edit", "修改", "Edit"),
    ("requests.category_save", "新增或修改类别", "Add or change a category"),
    ("requests.bad_days", "“{value}”不是工作日天数", "'{value}' is not a number of working days"),
    (
        "requests.category_problems",
        "{n} 处填写有误，类别未保存",
        "{n} {n:field is|fields are} wrong; the category was not saved",
    ),
    ("requests.categories_link", "诉求类别与时限", "Categories and limits"),
    ("nav.benchmark", "对标", "Peers"),
    ("nav.briefings", "简报", "Briefings"),
    ("benchmark.title", "对标先进地区", "Benchmarking against peers"),
    (
        "benchmark.note",
        "粘贴或上传其他地区公开的会议报道、政府工作报告或统计公报（.txt、.html、.docx），系统清洗文本并抽取地区、会议、官员、已完成指标和目标；核对更正后，已完成指标进入对标表，与本市同口径数据并列。",
        "Paste or upload another region's published conference report, work report or statistical bulletin (.txt, .html, .docx). Xinzhi cleans it and reads the region, meeting, officials, achievements and targets; once checked, the achievements enter the peer table beside the city's own same-caliber figures.",
    ),
    ("benchmark.table", "对标表（地区 × 指标 × 年度）", "Peer table (region × indicator × year)"),
    ("benchmark.empty", "尚无对标数据", "No peer figures yet"),
    ("benchmark.indicator", "指标", "Indicator"),
    ("benchmark.region", "地区", "Region"),
    ("benchmark.year", "年度", "Year"),
    ("benchmark.value", "数值", "Value"),
    ("benchmark.unit", "单位", "Unit"),
    ("benchmark.kind", "类型", "Kind"),
    ("benchmark.qualifier", "限定", "Qualifier"),
    ("benchmark.span", "原文", "Source words"),
    ("benchmark.list", "类别", "List"),
    ("benchmark.achieved", "已完成", "Achieved"),
    ("benchmark.target", "目标", "Target"),
    ("benchmark.reject", "剔除", "Reject"),
    ("benchmark.meeting", "会议", "Meeting"),
    ("benchmark.date", "日期", "Date"),
    ("benchmark.noise", "已清理的干扰", "Noise cleaned"),
    ("benchmark.officials", "出席领导", "Officials"),
    ("benchmark.role_spoke", "讲话", "spoke"),
    ("benchmark.role_chaired", "主持", "chaired"),
    ("benchmark.role_reported", "作报告", "reported"),
    ("benchmark.role_attended", "出席", "attended"),
    ("benchmark.facts", "指标", "Figures"),
    ("benchmark.text", "清洗后的全文", "The cleaned text"),
    ("benchmark.reports", "已读取的报告", "Reports read"),
    ("benchmark.report", "报告", "Report"),
    ("benchmark.add", "读取一篇报告", "Read a report"),
    ("benchmark.title_hint", "可留空，默认用会议名称", "May stay empty: the meeting's name is used"),
    ("benchmark.paste", "粘贴全文", "Paste the text"),
    ("benchmark.file", "或上传文件", "Or upload a file"),
    ("benchmark.read", "读取", "Read"),
    (
        "benchmark.proxy",
        "本市工业增加值由统计部门核算，此处为规上工业总产值同口径增速，仅供参照",
        "The city's value added is the statistics bureau's; shown here is the same-caliber growth of above-scale gross output, for reference",
    ),
    ("benchmark.too_short", "报告全文过短（至少20个字）", "The report's text is too short (at least 20 characters)"),
    ("benchmark.unreadable", "文件无法读取", "The file cannot be read"),
    ("benchmark.bad_year", "“{year}”不是有效年份", "'{year}' is not a year"),
    ("benchmark.bad_region", "地区名称过长", "The region's name is too long"),
    ("benchmark.bad_list", "“{list}”应为 achieved 或 target", "'{list}' should be achieved or target"),
    ("benchmark.bad_indicator", "指标名称应为1—60个字", "The indicator should have 1–60 characters"),
    ("benchmark.bad_value", "“{value}”不是数字", "'{value}' is not a number"),
    ("benchmark.bad_unit", "单位应为1—10个字", "The unit should have 1–10 characters"),
    (
        "benchmark.bad_kind",
        "“{kind}”应为 growth、count、amount、rank 或 share",
        "'{kind}' should be growth, count, amount, rank or share",
    ),
    ("benchmark.problems", "{n} 处填写有误，未保存", "{n} {n:field is|fields are} wrong; nothing was saved"),
    ("briefings.title", "运行简报", "Briefings"),
    (
        "briefings.note",
        "按模板从监测数据起草简报，每个数字都链接到来源：指标、范围、期间、口径、报表审核情况和背后的企业。",
        "Draft a briefing from a template with the monitoring figures; every figure links to its source: indicator, scope, period, caliber, the approval state of the reports and the firms behind it.",
    ),
    ("briefings.templates", "简报模板", "Templates"),
    ("briefings.template", "模板", "Template"),
    ("briefings.placeholders", "可用占位符", "Placeholders"),
    ("briefings.tables", "月度统计表（.xlsx）", "Monthly tables (.xlsx)"),
    ("briefings.draft", "起草", "Draft"),
    ("briefings.col_title", "标题", "Title"),
    ("briefings.col_period", "期间", "Period"),
    ("briefings.col_by", "修改人", "Edited by"),
    ("briefings.col_figure", "数字", "Figure"),
    ("briefings.col_indicator", "指标", "Indicator"),
    ("briefings.col_scope", "范围", "Scope"),
    ("briefings.col_caliber", "口径", "Caliber"),
    ("briefings.col_approved", "审核情况", "Approval"),
    ("briefings.col_firms", "企业", "Firms"),
    ("briefings.firms", "查看企业", "The firms"),
    ("briefings.sources", "数据来源", "Sources of the figures"),
    ("briefings.word", "导出Word", "Export to Word"),
    ("briefings.edit", "修改简报", "Edit the briefing"),
    (
        "briefings.edit_note",
        "数字写作[[f1|增长4.1%]]：保留方括号即保留来源链接。",
        "Figures are written [[f1|up 4.1%]]: keep the brackets to keep the link to the source.",
    ),
    ("briefings.caliber_same", "同口径", "Same caliber"),
    ("briefings.caliber_nominal", "名义", "Nominal"),
    ("briefings.caliber_level", "累计值", "Cumulative level"),
    ("briefings.caliber_count", "计数", "Count"),
    ("briefings.above_scale", "规上工业企业数", "Above-scale firms"),
    ("briefings.entered", "新增规上企业", "New above-scale firms"),
    ("briefings.exited", "退出规上企业", "Firms that left the above-scale set"),
    ("briefings.loss_making", "亏损企业", "Loss-making firms"),
    ("briefings.city", "全市", "The city"),
    ("briefings.approved", "{month}报表已审核{approved}/{due}家", "{month}: {approved} of {due} reports approved"),
    (
        "briefings.default_title",
        "{scope}{year}年{period}工业经济运行简报",
        "{scope}: industrial briefing, {period} {year}",
    ),
    ("briefings.bad_template", "没有编号为{id}的模板", "No template {id}"),
    ("briefings.bad_title", "标题应为1—100个字", "The title should have 1–100 characters"),
    ("briefings.bad_body", "正文不能为空，且不超过50000字", "The text must not be empty nor exceed 50,000 characters"),
    ("briefings.bad_name", "模板名称应为1—40个字", "The template's name should have 1–40 characters"),
    ("briefings.drafted", "{by}于{at}修改", "Edited by {by} at {at}"),
    ("briefings.by_district", "分区县", "By district"),
    ("briefings.by_industry", "分行业", "By industry"),
    ("briefings.col_unit", "单位", "Unit"),
    ("briefings.col_month", "当月（亿元）", "Month (100 M CNY)"),
    ("briefings.col_month_growth", "当月同比（%）", "Month, year on year (%)"),
    ("briefings.col_ytd", "累计（亿元）", "Year to date (100 M CNY)"),
    ("briefings.col_ytd_growth", "累计同比（%）", "Year to date, year on year (%)"),
    ("briefings.col_contribution", "贡献率（%）", "Contribution (%)"),
    ("monitor.col_forecast", "预计年末（区间）", "Year-end forecast (range)"),
    ("monitor.col_outlook", "判断", "Outlook"),
    ("tasks.lead", "“{lead}”不是部门代码或区县代码", "'{lead}' is not a department or district code"),
    ("tasks.bad_action", "所属行动不存在", "No such action"),
    ("tasks.bad_action_form", "请填写行动名称和年度（2000—2100）", "Give the action's name and year (2000–2100)"),
    ("tasks.text", "进展情况应至少5个字", "At least 5 characters"),
    ("tasks.percent", "进度应在0—100之间", "Progress is 0–100"),
    ("tasks.done_already", "任务已完成", "The task is done"),
    ("programme.title", "数字化与绿色化", "Digital and green programmes"),
    (
        "programme.note",
        "按认定日期计数：上云、上平台、智能工厂、车间、产线每户每次认定计1，智能工位与绿色设计产品按数量计（计数口径可在目标中对照）。",
        "Counted by recognition date: one per recognition for cloud, platform, factories, workshops and lines; smart stations and green products count their quantity.",
    ),
    ("programme.col_programme", "项目", "Programme"),
    ("programme.col_target", "{year}年目标", "{year} target"),
    ("programme.col_completion", "完成率", "Completion"),
    ("programme.records", "认定记录", "Recognitions"),
    ("programme.col_level", "级别", "Level"),
    ("programme.col_date", "认定日期", "Recognised on"),
    ("programme.col_quantity", "数量", "Quantity"),
    ("programme.col_detail", "说明", "Detail"),
    ("programme.delete", "删除", "Delete"),
    ("programme.add", "登记认定", "Record a recognition"),
    (
        "programme.unknown",
        "“{programme}”不是数字化或绿色化项目（可选：{codes}）",
        "'{programme}' is not a programme ({codes})",
    ),
    ("programme.unknown_firm", "统一社会信用代码 {code} 不是您范围内的企业", "{code} is not a firm within your scope"),
    ("programme.no_levels", "该项目不分级别", "this programme has no levels"),
    (
        "programme.bad_level",
        "级别“{level}”不适用于该项目（可选：{allowed}）",
        "Level '{level}' does not apply ({allowed})",
    ),
    ("programme.bad_date", "认定日期“{date}”不是有效日期（应为 yyyy-mm-dd）", "'{date}' is not a date (yyyy-mm-dd)"),
    ("programme.bad_quantity", "数量 {quantity} 应在 1—100000 之间", "Quantity {quantity} must be 1–100000"),
    ("programme.bad_count", "每次应登记 1—5000 条认定", "Send 1–5000 recognitions at a time"),
    (
        "programme.problems",
        "{n} 条认定有误，均未保存",
        "{n} {n:recognition is|recognitions are} wrong; none was stored",
    ),
    ("promotion.title", "小升规培育库", "Below-scale to above-scale (小升规) pool"),
    (
        "promotion.note",
        "{month}：规下工业企业按近12个月与本年累计营业收入（万元）对照{threshold}万元门槛（营业收入）；含新投产企业。",
        "{month}: below-scale industrial firms by trailing-12-month and year-to-date operating revenue (10k CNY) against the {threshold} threshold, and newly producing firms.",
    ),
    ("promotion.candidates", "库内企业", "Firms in the pool"),
    ("promotion.col_trailing", "近12个月营收", "Trailing 12 months"),
    ("promotion.col_ytd", "本年累计营收", "Year to date"),
    ("promotion.col_projected", "预计全年营收", "Projected year"),
    ("promotion.col_signals", "入库依据", "Why in the pool"),
    ("promotion.col_state", "进度", "Stage"),
    ("promotion.move", "更新", "Move"),
    ("promotion.note_placeholder", "备注", "Note"),
    ("promotion.flows", "规上企业进退（按年）", "Entries into and exits from the above-scale set by year"),
    ("promotion.col_at_end", "年末规上企业", "Above-scale at year end"),
    ("promotion.col_entered", "新增（进规）", "Entered"),
    ("promotion.col_exited", "退出（退规）", "Exited"),
    (
        "promotion.unknown_state",
        "“{state}”不是培育进度（应为 pool、prospective、applied、admitted 或 rejected）",
        "'{state}' is not a stage (pool, prospective, applied, admitted or rejected)",
    ),
    ("promotion.bad_year", "年度 {year} 不在 2000—2100 之间", "Year {year} is outside 2000–2100"),
    ("projects.year", "计划年度 {year} 不在 2000—2100 之间", "The plan's year {year} is outside 2000–2100"),
    (
        "promotion.cannot_move",
        "该企业当前进度不能改为“{state}”",
        "The case cannot move to '{state}' from where it stands",
    ),
    ("mu.title", "亩均效益综合评价", "Per-mu efficiency evaluation"),
    (
        "mu.intro",
        "按年度、按规上和规下分组评价，各组内排序分类；评价结果公示期间企业可提出异议，复核后重新计分，历次结果均保留。",
        "Yearly, in separate groups for above- and below-scale firms ranked within each; while results are published firms may object, and re-scoring keeps every earlier result.",
    ),
    ("mu.rules", "亩均评价规则版本", "亩均 rule versions"),
    ("mu.col_group", "评价组", "Group"),
    ("mu.col_status", "状态", "Status"),
    ("mu.col_revision", "计分版次", "Revision"),
    ("mu.col_until", "异议截止", "Objections until"),
    ("mu.col_rank", "排名", "Rank"),
    ("mu.col_class", "类别", "Class"),
    ("mu.col_total", "综合得分", "Total"),
    ("mu.col_land", "用地面积（亩）", "Land (mu)"),
    ("mu.col_tax_per_mu", "亩均税收（万元/亩）", "Tax per mu (10k CNY)"),
    ("mu.col_reason", "异议理由", "Reason"),
    ("mu.col_response", "处理意见", "Response"),
    ("mu.group.above_scale", "规上工业企业", "Above-scale firms"),
    ("mu.group.below_scale", "规下工业企业", "Below-scale firms"),
    ("mu.status.draft", "草稿", "Draft"),
    ("mu.status.published", "公示中", "Published"),
    ("mu.status.final", "已定稿", "Final"),
    ("mu.no_runs", "尚未开展评价", "No evaluation yet"),
    ("mu.new_run", "开展评价", "New evaluation"),
    ("mu.run", "评价", "Evaluate"),
    ("mu.publish", "公示", "Publish"),
    ("mu.rescore", "重新计分", "Re-score"),
    ("mu.finalize", "定稿", "Make final"),
    ("mu.low_efficiency", "低效企业清单", "Low-efficiency firms"),
    ("mu.low_efficiency_xlsx", "下载低效企业清单（一企一策）", "Download the low-efficiency list (one plan per firm)"),
    ("mu.by_district", "分区县", "By district"),
    ("mu.by_park", "分园区", "By park"),
    ("mu.results", "评价结果", "Results"),
    (
        "mu.items_note",
        "各指标列为“指标值 → 得分”；带*者无数据，按同组平均得分计",
        "Each item shows value → points; * marks a missing value scored at the group's average",
    ),
    ("mu.class_t", "T类（只评不分类）", "T (rated, not graded)"),
    ("mu.objections", "异议", "Objections"),
    ("mu.no_objections", "暂无异议", "No objection"),
    ("mu.objection.open", "待处理", "Open"),
    ("mu.objection.upheld", "异议成立", "Upheld"),
    ("mu.objection.rejected", "异议不成立", "Rejected"),
    ("mu.uphold", "成立", "Uphold"),
    ("mu.reject", "不成立", "Reject"),
    ("mu.file_objection", "提出异议", "Object"),
    ("mu.submit_objection", "提交异议", "Submit the objection"),
    ("mu.objection_filed", "异议已提交，待审核", "Objection filed"),
    ("mu.saved", "已保存", "Saved"),
    (
        "mu.unknown_group",
        "评价组“{group}”无效：应为 above_scale 或 below_scale",
        "Unknown group '{group}': use above_scale or below_scale",
    ),
    ("mu.no_group_rules", "该规则版本没有评价组{group}的规则", "The rule version has no rules for the group {group}"),
    (
        "mu.no_firms",
        "{year}年度没有可评价的企业（需有年度画像和用地面积）",
        "No firm can be evaluated for {year} (a profile and land area are needed)",
    ),
    (
        "mu.bad_until",
        "异议截止日期“{date}”无效：应为今天或以后的日期，如2025-07-31",
        "'{date}' is not a date from today on, like 2025-07-31",
    ),
    ("mu.unknown_action", "操作“{action}”无效", "Unknown action '{action}'"),
    ("mu.objection_missing", "未指明要处理的异议", "Which objection is missing"),
    ("mu.response_missing", "请填写处理意见", "A response is needed"),
    ("mu.reason_short", "异议理由至少5个字", "The reason needs at least five characters"),
    ("mu.window_closed", "评价结果不在公示期内，不能提出异议", "The results are not open for objections"),
    ("mu.already_open", "该企业已有待处理的异议", "The firm has an open objection already"),
    ("mu.is_final", "评价已定稿，不能再修改", "The evaluation is final"),
    ("mu.publish_first", "请先公示再定稿", "Publish before making it final"),
    ("mu.objections_open", "还有待处理的异议，不能定稿", "Objections are still open"),
    ("mu.resolved_already", "该异议已处理", "The objection is resolved already"),
    ("profile.title", "企业年度画像", "Annual profile"),
    ("profile.year", "年度", "Year"),
    ("profile.values", "画像数据", "Profile values"),
    ("profile.field", "项目", "Item"),
    ("profile.value", "数值", "Value"),
    ("profile.reason", "修改说明", "Reason for the change"),
    ("profile.yes", "是", "yes"),
    ("profile.no", "否", "no"),
    ("profile.saved", "已保存，{n}项数据有变化", "Saved: {n} {n:value|values} changed"),
    ("profile.invalid", "画像数据有误，未保存", "The profile has errors; nothing was saved"),
    ("profile.ladder", "梯度认定条件对照", "Against the ladder criteria"),
    ("profile.ladder_note", "按认定标准{version}评价本年度画像", "This year's profile against criteria {version}"),
    ("profile.holds", "已认定", "Held"),
    ("profile.link", "年度画像与梯度评价", "Annual profile and ladder check"),
    ("profile.import_title", "导入企业年度画像", "Import annual profiles"),
    (
        "profile.import_intro",
        "上传 .xlsx、.xls 或 .csv 文件：每行一家企业的一个年度；表头可用项目名称或代码，单位可写元、万元或亿元。先预览，确认后再写入。",
        "Upload an .xlsx, .xls or .csv file: one firm's year per row; headers by item name or code, amounts in 元, 万元 or 亿元. A preview comes first.",
    ),
    ("monitor.firms_subtitle", "{period}，同口径，按本期值排序", "{period}, same caliber, largest first"),
    ("monitor.col_current", "本期", "This period"),
    ("monitor.col_previous", "上年同期", "A year earlier"),
    ("monitor.col_status", "报表状态", "Report"),
    ("monitor.not_reported", "未报（不计入）", "Not reported (not counted)"),
    ("monitor.status_none", "导入数据", "Imported"),
    ("monitor.unknown_indicator", "“{code}”不是已登记的指标", "'{code}' is not an indicator of the catalogue"),
    (
        "monitor.attribution_unknown",
        "“{value}”不是统计口径：应为 at_month 或 current",
        "'{value}' is not an attribution: use at_month or current",
    ),
    (
        "monitor.set_unknown",
        "“{value}”不是企业范围：应为 members、entered、exited 或 loss_making",
        "'{value}' is not a set of firms: use members, entered, exited or loss_making",
    ),
    ("monitor.window_unknown", "“{value}”不是统计期：应为 month 或 ytd", "'{value}' is not a window: use month or ytd"),
    (
        "monitor.unit_unknown",
        "“{value}”不是已登记的单位（如 district:436002、park:XZETDZ）",
        "'{value}' is not a known unit (such as district:436002 or park:XZETDZ)",
    ),
    ("monitor.year_invalid", "“{value}”不是年份（2000—2100）", "'{value}' is not a year (2000–2100)"),
    ("monitor.targets_note", "完成情况统计至{period}。", "Progress through {period}."),
    ("monitor.target_saved", "目标已保存。", "The target is saved."),
    ("monitor.target_invalid", "目标有误，未保存", "The target has errors and was not saved"),
    ("monitor.delete", "删除", "Delete"),
    ("monitor.save", "保存目标", "Save the target"),
    (
        "monitor.lights_note",
        "量的目标：落后序时进度达到黄灯阈值（默认10个百分点）为黄灯，达到红灯阈值（默认30个百分点）为红灯；增速目标：低于目标1个百分点为黄灯、3个百分点为红灯。勾选后，绿灯还须不低于全市水平。",
        "Quantities: yellow from the yellow threshold behind time progress (default 10 pp), red from the red one (30 pp); growth targets: yellow from 1 pp below the target, red from 3. When ticked, green also needs at least the city's figure.",
    ),
    ("monitor.field_required", "请填写{field}", "{field} is required"),
    ("monitor.field_number", "{field}应为数字", "{field} must be a number"),
    ("monitor.field.year", "年份", "Year"),
    ("monitor.field.unit", "单位", "Unit"),
    ("monitor.field.metric", "指标", "Metric"),
    ("monitor.field.kind", "目标类型", "Kind"),
    ("monitor.field.value", "目标值", "Target"),
    ("monitor.field.yellow_pp", "黄灯阈值（个百分点）", "Yellow from (pp behind)"),
    ("monitor.field.red_pp", "红灯阈值（个百分点）", "Red from (pp behind)"),
    ("monitor.field.green_needs_average", "绿灯须不低于全市水平", "Green needs at least the city's figure"),
    ("monitor.field.note", "备注", "Note"),
    ("monitor.kind.growth", "增速（%）", "Growth (%)"),
    ("monitor.kind.level", "总量", "Amount"),
    ("monitor.kind.count", "数量", "Count"),
    ("monitor.kind_invalid", "目标类型应为增速、总量或数量", "The kind must be growth, level or count"),
    (
        "monitor.metric_count",
        "“{value}”不是可计数的目标（新增规上企业、新增各梯度企业）",
        "'{value}' is not a count (new above-scale firms, new firms of a tier)",
    ),
    ("monitor.metric_indicator", "“{value}”不是已登记的指标", "'{value}' is not an indicator of the catalogue"),
    (
        "monitor.lights_order",
        "红灯阈值不能小于黄灯阈值，且都不能为负",
        "The red threshold must be at least the yellow one, and neither negative",
    ),
    ("monitor.value_positive", "总量和数量目标应大于0", "An amount or count target must be above 0"),
    ("monitor.note_long", "备注不能超过200个字符", "The note must have at most 200 characters"),
    ("monitor.unit.district", "区县", "District"),
    ("monitor.unit.park", "园区", "Park"),
    ("monitor.unit.cluster", "集群", "Cluster"),
    ("monitor.unit.chain", "产业链", "Chain"),
    ("monitor.metric.new_above_scale", "新增规上工业企业（家）", "New above-scale firms"),
    ("monitor.metric.new_tier", "新增{tier}（家）", "New {tier} firms"),
    ("report.title", "月报", "monthly report"),
    ("report.deadline", "报送截止", "Due"),
    ("report.last_year", "上年同期", "Same month last year"),
    ("report.this_month", "本月", "This month"),
    ("report.required", "必填", "required"),
    (
        "report.explanation",
        "异常说明（同比波动较大等情况须填写）",
        "Explanation (needed for unusual values such as large year-on-year changes)",
    ),
    ("report.save", "保存草稿", "Save draft"),
    ("report.submit", "提交", "Submit"),
    ("report.saved", "草稿已保存", "Draft saved"),
    ("report.submitted", "已提交，等待审核", "Submitted for review"),
    ("report.reviewed", "审核结果已保存", "Review saved"),
    ("report.returned_because", "退回原因", "Returned because"),
    ("report.review", "审核", "Review"),
    ("report.approve", "审核通过", "Approve"),
    ("report.return", "退回", "Return"),
    ("report.reason", "退回原因", "Reason for returning"),
    (
        "report.reason_required",
        "退回时须填写原因（不超过500字）",
        "A reason (up to 500 characters) is needed to return a report",
    ),
    (
        "report.decision_unknown",
        "审核决定应为 approve 或 return，实际为“{value}”",
        "The decision must be approve or return, got '{value}'",
    ),
    (
        "report.not_submitted",
        "只有已提交的报表可以审核，已审核的报表可以退回更正",
        "Only a submitted report can be approved; an approved one can be returned for correction",
    ),
    (
        "report.four_eyes",
        "四眼原则：代企业填报这份报表的人不能审核它，请由另一位审核人审核",
        "Four eyes: whoever entered this report on the firm's behalf cannot approve it; another reviewer must",
    ),
    ("report.correct", "更正", "Correct"),
    ("report.correction_reason", "更正原因", "Reason for the correction"),
    (
        "report.correct_note",
        "更正直接修改已审核的数值并保持审核状态，原值与原因记入修改记录和审计日志；如需企业重新填报，请用下方“退回”。",
        "A correction changes the approved values in place and keeps the report approved; the old values and the reason go to the change history and the audit log. To have the firm report again, return it below.",
    ),
    ("report.corrected", "已更正，监测数据已随之更新", "Corrected; the monitoring figures follow"),
    ("change.correction", "更正", "Correction"),
    ("report.history", "报送记录", "Report history"),
    ("report.status.none", "未填报", "Not started"),
    ("report.status.draft", "草稿", "Draft"),
    ("report.status.submitted", "已提交", "Submitted"),
    ("report.status.returned", "已退回", "Returned"),
    ("report.status.approved", "已审核", "Approved"),
    ("review.title", "月报审核", "Report review"),
    ("review.period", "月份", "Month"),
    ("review.submitted_at", "提交时间", "Submitted"),
    ("review.approve_selected", "批量审核通过", "Approve selected"),
    ("import.title", "导入月报", "Import monthly reports"),
    ("import.link", "Excel导入", "Import from Excel"),
    (
        "import.intro",
        "上传 .xlsx、.xls 或 .csv 文件。系统先预览：列出将写入的数据和每个问题（行、列、规则），确认后再导入。",
        "Upload an .xlsx, .xls or .csv file. You first see a preview: what will be written and every problem by row, column and rule; then you decide.",
    ),
    ("import.template", "下载填报模板", "Download the template"),
    ("import.file", "文件", "File"),
    ("import.period", "月份（文件无期别列时使用）", "Month (for files without a period column)"),
    ("import.upload", "上传并预览", "Upload and preview"),
    ("import.no_file", "请选择要上传的文件", "Choose a file to upload"),
    ("import.upload_failed", "上传失败", "The upload failed"),
    ("import.preview", "预览（尚未写入）", "Preview (nothing written yet)"),
    ("import.done", "已导入", "Imported"),
    (
        "import.refused",
        "未导入：选择了“全部无误才导入”，而文件中有被拒绝或已锁定的行",
        "Nothing imported: all or nothing was chosen and some rows were refused or locked",
    ),
    ("import.rows_read", "数据行", "Data rows"),
    ("import.rows_skipped", "跳过的空行和合计行", "Blank and total rows skipped"),
    ("import.rows_rejected", "被拒绝的行", "Rows refused"),
    ("import.rows_written", "写入的行", "Rows to write"),
    ("import.rows_unchanged", "无变化的行", "Rows unchanged"),
    ("import.rows_locked", "已审核/已提交而数值不同的行", "Rows locked (submitted or approved with other values)"),
    ("import.values_written", "写入的数值", "Values to write"),
    ("import.problems", "问题", "Problems"),
    ("import.no_problems", "没有发现问题", "No problems found"),
    ("import.col.row", "行", "Row"),
    ("import.col.column", "列", "Column"),
    ("import.col.outcome", "处理", "Outcome"),
    ("import.commit_valid", "导入有效行", "Import the valid rows"),
    ("import.commit_all", "全部无误才导入", "Import all or nothing"),
    (
        "import.errors_xlsx",
        "下载错误报告（.xlsx，问题单元格标红）",
        "Download the error report (.xlsx, faulty cells in red)",
    ),
    ("import.rows", "逐行处理", "Row by row"),
    ("import.more_rows", "另有 {n} 行未列出", "{n} more {n:row|rows} not listed"),
    ("import.again", "上传另一个文件", "Upload another file"),
    ("import.outcome.written", "新增{added}项，修改{changed}项", "{added} added, {changed} changed"),
    ("import.outcome.unchanged", "无变化", "Unchanged"),
    ("import.outcome.locked", "已锁定", "Locked"),
    ("completion.title", "报送进度", "Reporting progress"),
    ("completion.link", "报送进度", "Progress"),
    ("completion.due", "应报", "Due"),
    ("completion.on_time", "按时报送", "On time"),
    ("completion.late", "迟报", "Late"),
    ("completion.missing", "未报", "Missing"),
    ("completion.rate", "报送率", "Reported"),
    ("completion.by_district", "分区县", "By district"),
    ("completion.by_park", "分园区", "By park"),
    ("completion.urge_list", "催报名单", "Firms to remind"),
    ("completion.export", "导出催报名单（.xlsx）", "Export the reminder list (.xlsx)"),
    ("completion.locks", "截止后锁定，个别企业可开通补报", "Locked after the deadline; single firms can be reopened"),
    ("completion.exception_until", "补报截止", "Reopened until"),
    ("completion.grant", "开通补报", "Reopen for a firm"),
    ("completion.reason", "原因", "Reason"),
    ("completion.exception_saved", "已为该企业开通补报", "The month is reopened for the firm"),
    ("completion.until_invalid", "补报截止日期无效（应如2024-04-15）", "The date is not valid (like 2024-04-15)"),
    ("completion.reason_required", "请填写原因（不超过200字）", "Give a reason (up to 200 characters)"),
    ("settings.title", "月报设置", "Report settings"),
    ("settings.link", "月报设置", "Settings"),
    ("settings.saved", "已保存", "Saved"),
    ("settings.data_set", "报表与截止", "Report and deadline"),
    ("settings.deadline_day", "次月报送截止日（1—28）", "Due by this day of the next month (1–28)"),
    (
        "settings.four_eyes",
        "四眼原则：代企业填报的人不能审核同一份报表",
        "Four eyes: whoever entered a firm's report on its behalf cannot approve it",
    ),
    (
        "settings.counts_submitted",
        "已提交、尚未审核的报表也计入监测数据（默认只计已审核的）",
        "Submitted reports count in the monitoring figures before approval (by default only approved ones do)",
    ),
    ("settings.lock", "截止后锁定（可为个别企业开通补报）", "Lock after the deadline (single firms can be reopened)"),
    ("settings.included", "纳入报表", "In the report"),
    ("settings.save", "保存报表设置", "Save the report settings"),
    ("settings.deadline_invalid", "截止日应为1到28之间的整数", "The deadline day must be a whole number from 1 to 28"),
    ("settings.no_indicators", "报表至少要有一个指标", "The report needs at least one indicator"),
    ("settings.rules", "审核规则", "Validation rules"),
    (
        "settings.rules_help",
        "左式 运算符 右式，如 #{sales_output} <= #{gross_output} * 1.05；#{代码@last_year} 表示上年同期，@last_month 上月，@ytd 1—本月累计，@ytd_last_year 上年同期累计（累计只用于流量指标）。错误不能提交，警告须填写说明。",
        "Left operator right, e.g. #{sales_output} <= #{gross_output} * 1.05; #{code@last_year} is the same month a year earlier, @last_month the month before, @ytd January through this month, @ytd_last_year the same months a year earlier (cumulative values for flows only). Errors stop a submission; warnings need an explanation.",
    ),
    ("settings.rule", "规则", "Rule"),
    ("settings.rule_code", "规则代码", "Rule code"),
    ("settings.name_zh", "中文名称", "Chinese name"),
    ("settings.name_en", "英文名称", "English name"),
    ("settings.rule_left", "左式", "Left side"),
    ("settings.rule_right", "右式", "Right side"),
    ("settings.rule_operator_label", "运算符", "Operator"),
    ("settings.rule_importance_col", "级别", "Importance"),
    ("settings.rule_active", "启用", "Active"),
    ("settings.error", "错误（不能提交）", "Error (stops a submission)"),
    ("settings.warning", "警告（须说明）", "Warning (needs an explanation)"),
    ("settings.missing", "缺值时", "When a value is missing"),
    ("settings.skip_if_missing", "跳过本规则", "Skip the rule"),
    ("settings.never_skip", "按0计算", "Count it as 0"),
    ("settings.edit", "修改", "Edit"),
    ("settings.save_rule", "保存规则", "Save the rule"),
    (
        "settings.rule_code_invalid",
        "规则代码应为1—40个小写字母、数字或下划线",
        "The rule code must be 1–40 lower-case letters, digits or _",
    ),
    ("settings.rule_names", "请填写规则的中文和英文名称", "Give the rule a Chinese and an English name"),
    (
        "settings.rule_unknown_indicator",
        "{side}引用了不存在的指标“{code}”",
        "The {side} refers to an unknown indicator '{code}'",
    ),
    (
        "settings.rule_stock_accumulated",
        "{side}对存量指标“{code}”求累计：存量是期末数，不能按月相加，请改用本月值或 @last_month",
        "The {side} sums the stock '{code}' over months: a stock is a month-end level, so use this month or @last_month",
    ),
    ("settings.rule_operator", "运算符应为 <=、<、>=、>、== 或 !=", "The operator must be <=, <, >=, >, == or !="),
    ("settings.rule_importance", "级别或缺值处理方式无效", "The importance or the missing-value choice is not valid"),
    ("settings.firms", "另需报送的企业", "Other firms that must report"),
    (
        "settings.firms_help",
        "每月的规上企业都须报送；此处可另加重点监测的规下企业（每行一个统一社会信用代码）。",
        "Each month's above-scale firms must report; add other firms to watch here (one credit code per line).",
    ),
    ("settings.add_firms", "加入", "Add"),
    ("settings.remove_firms", "移出", "Remove"),
    (
        "settings.firm_unknown",
        "统一社会信用代码“{code}”不是已登记企业",
        "The credit code {code} is not a registered enterprise",
    ),
    ("settings.firms_empty", "请填写统一社会信用代码", "Give at least one credit code"),
    ("official.title", "统计部门数据对照", "Official figures and platform estimates"),
    ("official.link", "统计数据对照", "Official figures"),
    (
        "official.help",
        "统计部门发布的数据为准；平台估算按企业自报数据计算（当期规上企业的1—N月累计和同口径增速），用于早期研判。",
        "The statistics bureau's figures are authoritative; the platform's estimates come from the firms' own reports (this period's above-scale firms, cumulative and same-caliber growth) as early signals.",
    ),
    ("official.month", "统计：本月", "Official: month"),
    ("official.cumulative", "统计：累计", "Official: cumulative"),
    ("official.growth", "统计：累计增速", "Official: cumulative growth"),
    ("official.platform_cumulative", "平台估算：累计", "Platform: cumulative"),
    ("official.platform_growth", "平台估算：同口径增速", "Platform: same-caliber growth"),
    ("official.gap", "增速差", "Growth gap"),
    ("official.import", "导入统计数据", "Import official figures"),
    (
        "official.import_help",
        "表格列：地区（名称或行政区划代码）、指标、期别（可省略）、本月、1—N月累计、本月增长%、累计增长%。任何一行有误则全部不导入。",
        "Columns: region (name or admin code), indicator, period (optional), month, cumulative 1—N, month growth %, cumulative growth %. Any faulty row stops the whole import.",
    ),
    ("official.upload", "导入", "Import"),
    ("official.imported", "已导入 {n} 个数据", "{n} {n:figure|figures} imported"),
    ("change.title", "修改记录", "Changes"),
    ("change.old", "原值", "Old"),
    ("change.new", "新值", "New"),
    ("change.at", "修改时间", "When"),
    ("change.why", "原因", "Why"),
    ("change.by", "修改人", "By"),
    ("change.submit", "提交", "Submitted"),
    ("change.draft", "保存草稿", "Draft saved"),
    ("change.import", "Excel导入", "Imported"),
    ("change.cleared", "清空", "Cleared"),
    ("change.returned", "退回后修改", "Corrected after return"),
    ("change.edit", "更正", "Corrected"),
    ("error.unknown_value", "参数“{field}”的取值“{value}”无效", "Parameter '{field}' has an unknown value '{value}'"),
];

static CATALOGUE: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| MESSAGES.iter().map(|(key, zh, en)| (*key, (*zh, *en))).collect());

/// The catalogue in one language, handed to every page.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The message for `key`; the key itself if it is missing (a test keeps that from happening).
    pub fn t(&self, key: &str) -> &'static str {
        match CATALOGUE.get(key) {
            Some((zh, en)) => self.lang.pick(zh, en),
            None => {
                tracing::warn!(key, "missing message");
                "??"
            }
        }
    }

    /// The message with `{name}` placeholders replaced.
    /// The message `key` with its `{name}` placeholders filled. `{name:one|other}` is the word
    /// that agrees with the argument `name` in English ("1 enterprise", "2 enterprises"); Chinese
    /// messages need none.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let agreed = args.iter().fold(self.t(key).to_owned(), |text, (name, value)| plural(&text, name, value));
        args.iter().fold(agreed, |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }

    /// `tag` of the language: `zh-CN` or `en`.
    pub fn tag(&self) -> &'static str {
        self.lang.tag()
    }

    /// The other language, for the switch in the header.
    pub fn other(&self) -> Lang {
        match self.lang {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        }
    }

    /// Picks the Chinese or the English one of two names stored with a record.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(zh, en)
    }

    /// A number with thousands separators and fixed decimals: `12,345.6`.
    pub fn number(&self, value: impl Borrow<f64>, decimals: u8) -> String {
        format_number(*value.borrow(), decimals)
    }

    /// An amount in 万元, shown in 亿元 from 1 亿 up in Chinese and in million CNY in English.
    pub fn amount_wan(&self, value: impl Borrow<f64>) -> String {
        let value = *value.borrow();
        match self.lang {
            Lang::ZhCn if value.abs() >= 10_000.0 => format!("{}亿元", format_number(value / 10_000.0, 2)),
            Lang::ZhCn => format!("{}万元", format_number(value, 1)),
            Lang::En => format!("CNY {} m", format_number(value / 100.0, 1)),
        }
    }

    /// A growth rate in percent with its sign: `+2.5%`.
    pub fn percent(&self, value: impl Borrow<f64>) -> String {
        let value = *value.borrow();
        format!("{}{}%", if value > 0.0 { "+" } else { "" }, format_number(value, 1))
    }

    /// A unix timestamp in Beijing time: `2026-11-22 12:55`.
    pub fn timestamp(&self, unix: impl Borrow<i64>) -> String {
        let local = *unix.borrow() + xinzhi_domain::period::CST_OFFSET_SECONDS;
        let (days, seconds) = (local.div_euclid(86_400), local.rem_euclid(86_400));
        let (y, m, d) = xinzhi_domain::period::civil_from_days(days);
        format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
    }

    /// A date stored as yyyymmdd: `2023年6月30日` / `2023-06-30`.
    pub fn date(&self, yyyymmdd: impl Borrow<i64>) -> String {
        let yyyymmdd = *yyyymmdd.borrow();
        let (y, m, d) = (yyyymmdd / 10_000, yyyymmdd / 100 % 100, yyyymmdd % 100);
        match self.lang {
            Lang::ZhCn => format!("{y}年{m}月{d}日"),
            Lang::En => format!("{y:04}-{m:02}-{d:02}"),
        }
    }
}

/// `1234567.891` with 1 decimal → `1,234,567.9`.
pub fn format_number(value: f64, decimals: u8) -> String {
    if !value.is_finite() {
        return "—".into();
    }
    // Half away from zero, as statistical tables round (format! alone rounds ties to even).
    let factor = 10f64.powi(i32::from(decimals));
    let text = format!("{:.*}", usize::from(decimals), (value.abs() * factor).round() / factor);
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Replaces each `{name:one|other}` in `text` by `one` when `value` is 1, else by `other`.
fn plural(text: &str, name: &str, value: &str) -> String {
    let opener = format!("{{{name}:");
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(&opener) {
        let Some(end) = rest[start..].find('}').map(|e| start + e) else { break };
        let forms = &rest[start + opener.len()..end];
        let (one, other) = forms.split_once('|').unwrap_or((forms, forms));
        out.push_str(&rest[..start]);
        out.push_str(if value.trim() == "1" { one } else { other });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_both_languages_are_filled() {
        let mut keys: Vec<&str> = MESSAGES.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        let before = keys.len();
        keys.dedup();
        assert_eq!(before, keys.len(), "duplicate keys");
        for (key, zh, en) in MESSAGES {
            assert!(!zh.trim().is_empty() && !en.trim().is_empty(), "{key}");
        }
    }

    /// The text of every source file and template of the crate, found at test time: a new one
    /// cannot be left out.
    fn sources_and_templates() -> Vec<String> {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs" || e == "html") {
                    found.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        walk(&root.join("src"), &mut found);
        walk(&root.join("templates"), &mut found);
        found
    }

    #[test]
    fn every_key_used_in_templates_and_code_exists() {
        let sources = sources_and_templates();
        assert!(sources.len() > 80, "the sources and templates are found");
        let pattern = |text: &str, opener: &str| -> Vec<String> {
            text.match_indices(opener)
                .filter_map(|(i, _)| {
                    let rest = &text[i + opener.len()..];
                    let end = rest.find('"')?;
                    Some(rest[..end].to_owned())
                })
                .collect()
        };
        // Keys passed around as plain literals ("enterprise.established") count too: any quoted
        // dotted name whose first part is a catalogue prefix must be in the catalogue.
        let prefixes: std::collections::HashSet<&str> =
            MESSAGES.iter().filter_map(|(k, _, _)| k.split('.').next()).collect();
        let literals = |text: &str| -> Vec<String> {
            text.split('"')
                .skip(1)
                .step_by(2)
                .filter(|s| {
                    s.contains('.')
                        && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
                })
                .filter(|s| !s.ends_with(".html") && s.split('.').next().is_some_and(|p| prefixes.contains(p)))
                .map(str::to_owned)
                .collect()
        };
        let mut missing: Vec<String> = sources
            .iter()
            .flat_map(|source| {
                pattern(source, ".t(\"").into_iter().chain(pattern(source, ".f(\"")).chain(literals(source))
            })
            .filter(|key| !CATALOGUE.contains_key(key.as_str()))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        assert!(missing.is_empty(), "missing message keys: {missing:?}");
    }

    /// Every message is used somewhere: named in a template or a source file, or under a prefix
    /// a source builds keys from (`format!("requests.step.{}", …)`).
    #[test]
    fn no_message_is_unused() {
        let sources = sources_and_templates();
        // The catalogue itself names every key: only the code around it counts.
        let own = include_str!("i18n.rs");
        let table_start = own.find("const MESSAGES").unwrap_or(0);
        let table_end = own[table_start..].find("\n];").map_or(own.len(), |e| table_start + e);
        let code = [&own[..table_start], &own[table_end..]].concat();
        let text: String =
            sources.into_iter().filter(|s| !s.contains("const MESSAGES")).chain(std::iter::once(code)).collect();
        let prefixes: Vec<&str> = text
            .match_indices("format!(\"")
            .filter_map(|(i, _)| {
                let rest = &text[i + 9..];
                let literal = &rest[..rest.find('"')?];
                let prefix = &literal[..literal.find('{')?];
                (prefix.ends_with('.') && !prefix.contains(' ')).then_some(prefix)
            })
            .collect();
        let unused: Vec<&str> = MESSAGES
            .iter()
            .map(|(key, _, _)| *key)
            .filter(|key| !text.contains(&format!("\"{key}\"")) && !prefixes.iter().any(|p| key.starts_with(p)))
            .collect();
        assert!(unused.is_empty(), "messages nothing uses: {unused:?}");
    }

    #[test]
    fn numbers_and_amounts_are_formatted_for_the_language() {
        assert_eq!(format_number(1_234_567.891, 1), "1,234,567.9");
        assert_eq!(format_number(-1_234.5, 0), "-1,235");
        assert_eq!(format_number(-0.01, 1), "0.0");
        assert_eq!(format_number(999.0, 0), "999");
        let zh = Tr::new(Lang::ZhCn);
        let en = Tr::new(Lang::En);
        assert_eq!(zh.amount_wan(123_456.0), "12.35亿元");
        assert_eq!(zh.amount_wan(2_345.67), "2,345.7万元");
        assert_eq!(en.amount_wan(123_456.0), "CNY 1,234.6 m");
        assert_eq!(zh.percent(2.5), "+2.5%");
        assert_eq!(zh.percent(-3.04), "-3.0%");
        assert_eq!(zh.date(20230630), "2023年6月30日");
        assert_eq!(en.date(20230630), "2023-06-30");
        // 1704038400 is 2024-01-01 00:00 in Beijing.
        assert_eq!(zh.timestamp(1_704_038_400), "2024-01-01 00:00");
        assert_eq!(zh.timestamp(1_704_038_400 - 60), "2023-12-31 23:59");
        assert_eq!(en.f("page.position", &[("page", "2"), ("pages", "9")]), "Page 2 of 9");
    }

    #[test]
    fn english_words_agree_with_their_number_and_chinese_needs_none() {
        let en = Tr::new(Lang::En);
        assert_eq!(en.f("list.total", &[("n", "1")]), "1 enterprise");
        assert_eq!(en.f("list.total", &[("n", "2")]), "2 enterprises");
        assert_eq!(en.f("list.total", &[("n", "1,201")]), "1,201 enterprises");
        assert_eq!(en.f("policies.problems", &[("n", "1")]), "1 field is wrong; the policy was not saved");
        assert_eq!(Tr::new(Lang::ZhCn).f("list.total", &[("n", "1")]), "共 1 家");
        // Every placeholder of a message is filled: no "{", "|" or "}" is left behind.
        for lang in [Lang::ZhCn, Lang::En] {
            for (key, _, _) in MESSAGES {
                let tr = Tr::new(lang);
                let names: Vec<String> = tr
                    .t(key)
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split(['}', ':']).next().map(str::to_owned))
                    .collect();
                let args: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "2")).collect();
                let text = tr.f(key, &args);
                assert!(!text.contains('{') && !text.contains('}'), "{key}: {text}");
            }
        }
    }

    #[test]
    fn growth_is_written_as_bureaus_write_it() {
        let zh = Tr::new(Lang::ZhCn);
        assert_eq!(zh.growth(Some(4.14)), "增长4.1%");
        assert_eq!(zh.growth(Some(-2.25)), "下降2.3%");
        assert_eq!(zh.growth(Some(0.04)), "持平");
        assert_eq!(zh.growth(None), "—");
        assert_eq!(Tr::new(Lang::En).growth(Some(22.3)), "up 22.3%");
        assert_eq!(zh.points(Some(8.571)), "8.6个百分点");
        assert_eq!(zh.amount(15_000.0, "万元", "万元", 1), "1.50亿元");
        assert_eq!(zh.amount(1_234.5, "万千瓦时", "万千瓦时", 1), "1,234.5 万千瓦时");
    }
}
