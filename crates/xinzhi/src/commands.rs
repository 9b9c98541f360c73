//! The subcommands. Each opens what it needs and reports failures as one actionable line.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, anyhow, bail};
use xinzhi_app::{clock, credentials};
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::{CreditCode, IndicatorDef, IndicatorDraft, Lang, Localize, Role, Username};
use xinzhi_store::{AuditActor, Backend, NewUser, Store, StoreError, UserChange};
use xinzhi_web::{Application, shutdown_signal};

use crate::config::Settings;

/// Creates the data directory and proves it is writable.
fn prepare_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!("cannot create the data directory '{}' (set --data or XINZHI_DATA_DIR)", dir.display())
    })?;
    let probe = dir.join(".xinzhi-write-test");
    std::fs::write(&probe, b"").with_context(|| {
        format!("the data directory '{}' is not writable (set --data or XINZHI_DATA_DIR)", dir.display())
    })?;
    // Best effort: the probe is empty and harmless if it stays.
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens and migrates the database named by the settings.
pub(crate) async fn open(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url.expose();
    if Backend::from_url(url)? == Backend::Sqlite {
        prepare_data_dir(&settings.data_dir)?;
    }
    let store = Store::connect(url).await.map_err(|e| match e {
        StoreError::Connect { url, reason } => anyhow!(
            "cannot open the database {url}: {reason} (check --database or XINZHI_DATABASE_URL, and that the server is running)"
        ),
        other => anyhow!(other),
    })?;
    let applied = store.migrate().await.context("while applying database migrations")?;
    store.seed_monthly_data_set().await.context("while preparing the monthly report")?;
    if !applied.is_empty() {
        tracing::info!(?applied, backend = store.backend().name(), "migrations applied");
    }
    Ok(store)
}

/// Peak resident memory of this process in MiB (Linux), if known.
pub(crate) fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib / 1024.0)
}

pub(crate) async fn generate(store: &Store, scale: Scale, seed: u64) -> anyhow::Result<()> {
    eprintln!("generating the {} demo city (seed {seed}) …", scale.as_str());
    let mut last_tenth = 0;
    let summary = xinzhi_demo::load(store, &DemoConfig::new(scale, seed), |done, total| {
        let tenth = done * 10 / total.max(1);
        if tenth > last_tenth {
            last_tenth = tenth;
            eprintln!("  values written for {done} of {total} years");
        }
    })
    .await?;
    let size = store.database_size().await.unwrap_or(0) as f64 / (1024.0 * 1024.0);
    println!(
        "demo city: {} enterprises, {} above scale in {}, {} monthly values from {} to {}",
        summary.enterprises,
        summary.above_scale_last_month,
        summary.last_month,
        summary.values,
        summary.first_month,
        summary.last_month
    );
    if let Some(growth) = summary.calibration_growth_percent {
        println!(
            "2023 above-scale gross output, same caliber: {growth:+.2}%; firms entering the above-scale set in 2023: {}",
            summary.calibration_entries
        );
    }
    println!(
        "elapsed {:.1} s, peak memory {}, database {size:.1} MiB",
        summary.elapsed.as_secs_f64(),
        peak_memory_mib().map_or_else(|| "unknown".into(), |m| format!("{m:.0} MiB"))
    );
    Ok(())
}

/// The demo accounts, one per role, all with the demo password.
async fn demo_accounts(store: &Store) -> anyhow::Result<()> {
    let hash = credentials::hash_password(xinzhi_demo::accounts::DEMO_PASSWORD.to_owned()).await?;
    let created = xinzhi_demo::accounts::create_demo_accounts(store, &hash).await?;
    if !created.is_empty() {
        let names: Vec<&str> = created.iter().map(|(n, _)| n.as_str()).collect();
        eprintln!("demo accounts ({}): password {}", names.join(", "), xinzhi_demo::accounts::DEMO_PASSWORD);
    }
    Ok(())
}

/// The three administrators of separation of duties (三员分立), with the username each gets
/// when the server creates it.
const ADMINISTRATORS: [(Role, &str, &str); 3] = [
    (Role::Admin, "admin", "System administrator"),
    (Role::SecurityAdmin, "secadmin", "Security administrator"),
    (Role::AuditAdmin, "auditor", "Audit administrator"),
];

/// Each administrative duty held by somebody: where no user holds a role, it is created with a
/// one-time password, printed once (the first start, and an upgrade from before the duties
/// were separated).
async fn ensure_administrators(store: &Store) -> anyhow::Result<()> {
    let users = store.list_users().await?;
    for (role, username, display_name) in ADMINISTRATORS {
        if users.iter().any(|u| u.role == role) {
            continue;
        }
        if users.iter().any(|u| u.username.as_str() == username) {
            tracing::warn!(
                role = role.as_str(),
                "nobody holds this role and its username is taken: create one with `xinzhi user add --role {}`",
                role.as_str()
            );
            continue;
        }
        let password = credentials::temporary_password();
        let user = NewUser {
            username: Username::parse(username).map_err(|e| anyhow!(e))?,
            display_name: display_name.into(),
            password_hash: credentials::hash_password(password.clone()).await?,
            role,
            scope: store.resolve_scope(role, None).await?,
            must_change_password: true,
            role_pending: false,
        };
        store.create_user(&user, &AuditActor::system("first start")).await?;
        tracing::warn!(username, role = role.as_str(), password = %password, "sign in with this one-time password; it must be changed at once and is not shown again");
    }
    Ok(())
}

pub async fn serve(settings: &Settings, demo: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let store = open(settings).await?;
    if demo {
        if store.is_empty().await? {
            generate(&store, Scale::City, 42).await?;
        }
        demo_accounts(&store).await?;
    } else {
        // A real deployment never keeps the demo's published password.
        let retired = store.retire_demo_passwords(&AuditActor::system("serve")).await?;
        if retired > 0 {
            tracing::warn!(
                accounts = retired,
                "demo accounts found outside a demo: each must change its published password at its first sign-in"
            );
        }
    }
    ensure_administrators(&store).await?;
    let app = Application::build(store.clone(), settings.web_config(), settings.listen)
        .await
        .with_context(|| format!("cannot listen on {} (set --listen or XINZHI_LISTEN)", settings.listen))?;
    let address = app.local_addr()?;
    tracing::info!(%address, database = %settings.database_url, ready_after_ms = started.elapsed().as_millis() as u64, "Xinzhi is serving");
    eprintln!("Xinzhi is serving at http://{address}");
    app.run_until_stopped(shutdown_signal()).await.context("the server stopped with an error")?;
    store.close().await;
    Ok(())
}

pub async fn demo(settings: &Settings, scale: &str, seed: u64) -> anyhow::Result<()> {
    let scale = Scale::parse(scale).ok_or_else(|| anyhow!("unknown scale '{scale}': use small, city or large"))?;
    let store = open(settings).await?;
    if !store.is_empty().await? {
        bail!(
            "the database {} already holds enterprises; generate the demo into a new --data directory or an empty database",
            settings.database_url
        );
    }
    generate(&store, scale, seed).await?;
    demo_accounts(&store).await?;
    store.close().await;
    Ok(())
}

pub async fn migrate(settings: &Settings) -> anyhow::Result<()> {
    let store = open(settings).await?;
    println!("database {} ({}) is up to date", settings.database_url, store.backend().name());
    store.close().await;
    Ok(())
}

/// The SQLite file behind the settings, or why there is none (PostgreSQL: its own tools).
fn sqlite_file(settings: &Settings, what: &str) -> anyhow::Result<PathBuf> {
    let url = settings.database_url.expose();
    if Backend::from_url(url)? != Backend::Sqlite {
        bail!(
            "{what} of PostgreSQL uses its own tools: pg_dump --format=custom --file=xinzhi.dump '{}' and pg_restore --clean --dbname=… xinzhi.dump (see docs/deployment.md)",
            settings.database_url
        );
    }
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    Ok(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

pub async fn backup(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    sqlite_file(settings, "a backup")?;
    let started = Instant::now();
    let store = open(settings).await?;
    store.backup_to(file).await.with_context(|| format!("cannot write the backup {}", file.display()))?;
    let copied = started.elapsed();
    store.close().await;
    let copy = Store::connect(&format!("sqlite://{}", file.display())).await?;
    let summary = copy.backup_summary().await.context("the backup does not read back")?;
    copy.close().await;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "backup {}: {:.1} MB in {:.1} s, checked: schema {}, {} enterprises, {} values, {} reports, {} attachments, {} audit entries",
        file.display(),
        bytes as f64 / 1e6,
        copied.as_secs_f64(),
        summary.schema_version,
        summary.enterprises,
        summary.values,
        summary.reports,
        summary.attachments,
        summary.audit_entries
    );
    Ok(())
}

pub async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<()> {
    let target = sqlite_file(settings, "a restore")?;
    let started = Instant::now();
    if !file.exists() {
        bail!("no backup at {}", file.display());
    }
    prepare_data_dir(&settings.data_dir)?;
    // Checked where it lies, then copied beside the database and renamed over it, so that the
    // database is always either the old one or the whole backup.
    let backup = Store::connect(&format!("sqlite://{}", file.display())).await?;
    let summary = backup.backup_summary().await.context("the file is not a readable Xinzhi backup")?;
    backup.close().await;
    let staging = target.with_extension("db.restoring");
    std::fs::copy(file, &staging).with_context(|| format!("cannot copy the backup to {}", staging.display()))?;
    if target.exists() {
        let kept = target.with_extension(format!("db.before-restore-{}", clock::now()));
        std::fs::rename(&target, &kept)?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", target.display()));
            if side.exists() {
                std::fs::rename(&side, PathBuf::from(format!("{}{suffix}", kept.display())))?;
            }
        }
        eprintln!("the database that was there is kept as {}", kept.display());
    }
    std::fs::rename(&staging, &target)?;
    // Opening applies any migration newer than the backup.
    let store = open(settings).await?;
    let after = store.backup_summary().await?;
    store.close().await;
    println!(
        "restored {} in {:.1} s: schema {} (now {}), {} enterprises, {} values, {} reports, {} attachments, {} audit entries",
        file.display(),
        started.elapsed().as_secs_f64(),
        summary.schema_version,
        after.schema_version,
        after.enterprises,
        after.values,
        after.reports,
        after.attachments,
        after.audit_entries
    );
    Ok(())
}

pub fn check_code(code: &str, lang: &str) -> anyhow::Result<()> {
    let lang = Lang::from_tag(lang).unwrap_or_default();
    match CreditCode::parse(code) {
        Ok(code) => {
            println!("{code}");
            for warning in code.warnings() {
                println!("{}: {}", lang.pick("提示", "warning"), warning.message(lang));
            }
            Ok(())
        }
        Err(error) => bail!("credit_code: {}", error.message(lang)),
    }
}

pub async fn list_indicators(settings: &Settings) -> anyhow::Result<()> {
    let store = open(settings).await?;
    store.seed_standard_indicators().await?;
    for i in store.list_indicators().await? {
        let d = &i.def;
        println!(
            "{:>3}  {:<22} {:<12} {:<6} {:<5} {}  {} / {}",
            i.position,
            d.code,
            d.unit_zh,
            d.temporal.as_str(),
            d.aggregation.as_str(),
            d.decimals,
            d.name_zh,
            d.name_en
        );
    }
    store.close().await;
    Ok(())
}

pub async fn set_indicator(settings: &Settings, draft: IndicatorDraft, position: Option<i64>) -> anyhow::Result<()> {
    let def = IndicatorDef::try_from(draft).map_err(|e| anyhow!("{}", e.message(Lang::En)))?;
    let store = open(settings).await?;
    store.seed_standard_indicators().await?;
    let indicators = store.list_indicators().await?;
    let existing = indicators.iter().find(|i| i.def.code == def.code);
    let position = position
        .or(existing.map(|i| i.position))
        .unwrap_or_else(|| indicators.iter().map(|i| i.position).max().unwrap_or(0) + 1);
    store.upsert_indicator(&def, position).await?;
    println!("{} {} ({})", if existing.is_some() { "updated" } else { "added" }, def.code, def.name_zh);
    store.close().await;
    Ok(())
}

pub(crate) fn cli_actor() -> AuditActor {
    cli_acting().audit
}

/// The command line acts as the system (every permission, the whole city), named after the
/// operating-system user in the audit log.
pub(crate) fn cli_acting() -> xinzhi_app::Actor {
    let who = std::env::var("USER").unwrap_or_else(|_| "unknown".into());
    xinzhi_app::Actor::system(&format!("cli:{who}"))
}

pub(crate) async fn user_named(store: &Store, username: &str) -> anyhow::Result<xinzhi_store::User> {
    let name = Username::parse(username).map_err(|e| anyhow!("username: {}", e.message(Lang::En)))?;
    let (user, _) = store.user_for_login(&name).await?.ok_or_else(|| anyhow!("no user named '{name}'"))?;
    Ok(user)
}

pub async fn add_user(
    settings: &Settings,
    username: &str,
    name: &str,
    role: &str,
    scope: Option<&str>,
) -> anyhow::Result<()> {
    let username = Username::parse(username).map_err(|e| anyhow!("--username: {}", e.message(Lang::En)))?;
    let role = Role::parse(role).ok_or_else(|| {
        let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        anyhow!("--role: '{role}' is not one of {}", roles.join(", "))
    })?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        bail!("--name: must have 1 to 60 characters");
    }
    let store = open(settings).await?;
    let scope = store.resolve_scope(role, scope).await.map_err(|e| match e {
        StoreError::Invalid(reason) => anyhow!("--scope: {reason}"),
        other => anyhow!(other),
    })?;
    let password = credentials::temporary_password();
    let user = NewUser {
        username: username.clone(),
        display_name: name.to_owned(),
        password_hash: credentials::hash_password(password.clone()).await?,
        role,
        scope,
        must_change_password: true,
        // The server's operator grants the role itself.
        role_pending: false,
    };
    store.create_user(&user, &cli_actor()).await.map_err(|e| match e {
        StoreError::Conflict(_) => anyhow!("--username: '{username}' is taken"),
        other => anyhow!(other),
    })?;
    println!("created {username} ({}); temporary password, to be changed at first sign-in: {password}", role.as_str());
    store.close().await;
    Ok(())
}

pub async fn list_users(settings: &Settings) -> anyhow::Result<()> {
    let store = open(settings).await?;
    for user in store.list_users().await? {
        let (code, zh, _) = store.describe_scope(&user.scope).await?;
        println!(
            "{:<16} {:<20} {:<10} {}{}",
            user.username,
            user.role.as_str(),
            if code.is_empty() { user.scope.kind().as_str().to_owned() } else { code },
            zh,
            if user.disabled {
                "  [disabled]"
            } else if user.role_pending {
                "  [awaiting role]"
            } else {
                ""
            }
        );
    }
    store.close().await;
    Ok(())
}

pub async fn set_disabled(settings: &Settings, username: &str, disabled: bool) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let user = user_named(&store, username).await?;
    store
        .update_user(user.user_id, &UserChange { disabled: Some(disabled), ..UserChange::default() }, &cli_actor())
        .await?;
    println!("{} {}", user.username, if disabled { "disabled" } else { "enabled" });
    store.close().await;
    Ok(())
}

pub async fn reset_password(settings: &Settings, username: &str) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let user = user_named(&store, username).await?;
    let password = credentials::temporary_password();
    let hash = credentials::hash_password(password.clone()).await?;
    store.set_password(user.user_id, &hash, true, None, "user.password_reset", &cli_actor()).await?;
    println!("{}: temporary password, to be changed at next sign-in: {password}", user.username);
    store.close().await;
    Ok(())
}

pub async fn issue_token(settings: &Settings, username: &str, name: &str, days: u32) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        bail!("--name: must have 1 to 60 characters");
    }
    let Some(lifetime) = xinzhi_domain::TokenLifetime::asked(Some(days)) else {
        bail!("--days: must be from 1 to {}", xinzhi_domain::TokenLifetime::MAX_DAYS);
    };
    let store = open(settings).await?;
    let user = user_named(&store, username).await?;
    let (token, id) = credentials::issue_api_token(&store, user.user_id, name, lifetime, &cli_actor()).await?;
    eprintln!(
        "token {} for {}, valid {} days (shown once; send it as 'Authorization: Bearer <token>'):",
        id.0, user.username, lifetime.days
    );
    println!("{token}");
    store.close().await;
    Ok(())
}

pub async fn reset_two_factor(settings: &Settings, username: &str) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let user = user_named(&store, username).await?;
    store.reset_totp(user.user_id, &cli_actor()).await?;
    println!("{}: second factor removed; it is set up again at the next sign-in", user.username);
    store.close().await;
    Ok(())
}

pub async fn revoke_token(settings: &Settings, id: i64) -> anyhow::Result<()> {
    let store = open(settings).await?;
    store.revoke_api_token(xinzhi_store::ApiTokenId(id), None, &cli_actor()).await.map_err(|e| match e {
        StoreError::NotFound => anyhow!("no live token with id {id}"),
        other => anyhow!(other),
    })?;
    println!("token {id} revoked");
    store.close().await;
    Ok(())
}

/// Options of `xinzhi import reports`.
pub struct ImportOptions {
    pub period: Option<String>,
    pub dry_run: bool,
    pub all_or_nothing: bool,
    pub lang: String,
}

/// Imports a file of monthly reports for the whole city; prints every problem, then a summary,
/// and fails when anything was refused.
pub async fn import_reports(settings: &Settings, file: &Path, options: ImportOptions) -> anyhow::Result<()> {
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let period = options
        .period
        .as_deref()
        .map(|p| xinzhi_domain::Month::parse(p).map_err(|e| anyhow!("--period: {}", e.message(lang))))
        .transpose()?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = open(settings).await?;
    let latest = xinzhi_domain::Month::containing(clock::now()).ok_or_else(|| anyhow!("the clock is out of range"))?;
    let mode = if options.all_or_nothing {
        xinzhi_store::ImportMode::AllOrNothing
    } else {
        xinzhi_store::ImportMode::ValidRows
    };
    // The command line is the city's own tool (the system, every permission): a locked month
    // can be written.
    let request =
        xinzhi_app::imports::ImportRequest { bytes: &bytes, period, mode, dry_run: options.dry_run, lang, latest };
    let report = xinzhi_app::imports::run_import(&store, &cli_acting(), request).await?;
    store.close().await;
    print_import(file, &report, lang)
}

/// Prints every problem and the tally; fails when anything was refused or not committed.
fn print_import(file: &Path, report: &xinzhi_app::imports::ImportReport, lang: Lang) -> anyhow::Result<()> {
    if let Some(error) = &report.file_error {
        bail!("{}: {}", file.display(), error.message);
    }
    for problem in &report.problems {
        println!("{}", problem.message);
    }
    let written = report.count(|o| matches!(o, xinzhi_store::RowOutcome::Written { .. }));
    let unchanged = report.count(|o| matches!(o, xinzhi_store::RowOutcome::Unchanged));
    let locked = report.count(|o| matches!(o, xinzhi_store::RowOutcome::Locked { .. }));
    let committed = report.committed;
    match lang {
        Lang::ZhCn => println!(
            "读取{}行（跳过空行和合计行{}行），拒绝{}行；{}写入{}行，未变化{}行，已锁定{}行",
            report.rows_read,
            report.rows_skipped,
            report.rows_rejected,
            if committed { "" } else { "未提交：" },
            written,
            unchanged,
            locked
        ),
        Lang::En => println!(
            "read {} rows ({} blank or total rows skipped), refused {}; {}written {}, unchanged {}, locked {}",
            report.rows_read,
            report.rows_skipped,
            report.rows_rejected,
            if committed { "" } else { "nothing committed: " },
            written,
            unchanged,
            locked
        ),
    }
    if report.clean() {
        Ok(())
    } else {
        bail!("{}", lang.pick("有数据行被拒绝，见上文", "some rows were refused; see above"))
    }
}

/// `xinzhi import profiles FILE --year 2024`: a year of annual profiles for the whole city.
pub async fn import_profiles(settings: &Settings, file: &Path, options: ProfileImportOptions) -> anyhow::Result<()> {
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let this_year = xinzhi_domain::Month::containing(clock::now()).map_or(2100, |m| m.year());
    let year = match options.year {
        Some(y) if (2000..=this_year).contains(&y) => y,
        Some(y) => bail!("--year: {y} is not between 2000 and {this_year}"),
        None => this_year - 1,
    };
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let store = open(settings).await?;
    let mode = if options.all_or_nothing {
        xinzhi_store::ImportMode::AllOrNothing
    } else {
        xinzhi_store::ImportMode::ValidRows
    };
    let request =
        xinzhi_app::profile_imports::ProfileImportRequest { bytes: &bytes, year, mode, dry_run: options.dry_run, lang };
    let report = xinzhi_app::profile_imports::run_profile_import(&store, &cli_acting(), request).await?;
    store.close().await;
    print_import(file, &report, lang)
}

pub struct ProfileImportOptions {
    pub year: Option<i32>,
    pub dry_run: bool,
    pub all_or_nothing: bool,
    pub lang: String,
}

/// What the cultivation listings (`pool`, `mu`, `commend`, `promotion`, `programmes`) share.
pub struct ListOptions {
    pub year: Option<i32>,
    pub version: Option<String>,
    pub limit: usize,
    pub json: bool,
    pub lang: String,
}

/// `xinzhi pool TIER`: the candidate pool of a tier for the whole city, nearest first, with
/// what each firm still misses.
pub async fn pool(settings: &Settings, tier: &str, options: ListOptions) -> anyhow::Result<()> {
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let tier = xinzhi_domain::Tier::parse(tier).ok_or_else(|| {
        anyhow!("'{tier}' is not a tier: use innovative_sme, srdi_sme, little_giant or single_champion")
    })?;
    let store = open(settings).await?;
    let rules: xinzhi_domain::criteria::LadderRules = rules_or_bail(&store, options.version.as_deref()).await?;
    let year = year_or_latest(&store, options.year).await?;
    let (engine, profiles, names) = city_engine(&store, &[]).await?;
    let found = {
        let cube = engine.read().await?;
        xinzhi_analytics::pools::pool(&cube, &names, &rules, &profiles, &xinzhi_store::Scope::City, tier, year)
    };
    store.close().await;
    if options.json {
        println!("{}", serde_json::to_string_pretty(&found.iter().take(options.limit).collect::<Vec<_>>())?);
        return Ok(());
    }
    let qualifying = found.iter().filter(|c| c.assessment.qualifies).count();
    match lang {
        Lang::ZhCn => println!(
            "{}后备库（{year}年度画像，标准{}）：{}家，已达标{}家",
            tier.label(lang),
            rules.version,
            found.len(),
            qualifying
        ),
        Lang::En => println!(
            "{} pool ({year} profiles, criteria {}): {} firms, {} qualifying",
            tier.label(lang),
            rules.version,
            found.len(),
            qualifying
        ),
    }
    for (rank, c) in found.iter().take(options.limit).enumerate() {
        let score = c.assessment.score.map_or_else(|| "—".into(), |s| format!("{s:.0}"));
        let result = if c.assessment.qualifies {
            lang.pick("达标", "qualifies").to_owned()
        } else {
            c.assessment.gaps.iter().map(|g| g.message(lang)).collect::<Vec<_>>().join("；")
        };
        println!("{:>4}. {} {} {} [{score}] {result}", rank + 1, c.credit_code, c.name, c.district);
    }
    Ok(())
}

/// The engine over the whole city through this month with `indicators` (none: the registry
/// only), the annual profiles and the names.
/// `xinzhi forecast [--backtest]`.
pub async fn forecast(settings: &Settings, backtest: bool, json: bool) -> anyhow::Result<()> {
    use xinzhi_analytics::forecast;
    use xinzhi_domain::targets::TargetKind;
    let store = open(settings).await?;
    let last = store.value_months().await?.ok_or_else(|| anyhow!("the database holds no monthly values"))?.last;
    let targets = store.targets(last.year()).await?;
    let mut metrics: Vec<&str> = vec!["gross_output"];
    metrics.extend(targets.iter().filter(|t| t.kind != TargetKind::Count).map(|t| t.metric.as_str()));
    let engine = xinzhi_analytics::Engine::load(store.clone(), &metrics, last).await?;
    let cube = engine.read().await?;
    if backtest {
        let growth = forecast::backtest(&cube, "gross_output", TargetKind::Growth);
        let entries = forecast::backtest(&cube, "new_above_scale", TargetKind::Count);
        if json {
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"gross_output_growth": growth, "new_above_scale": entries})
                )?
            );
        } else {
            println!(
                "month  gross output growth: MAE pp (max, in range)   new above-scale firms: MAE % (max, in range)"
            );
            for (g, e) in growth.iter().zip(&entries) {
                println!(
                    "{:>5}  {:>6.2} ({:.2}, {}/{})                        {:>6.1} ({:.1}, {}/{})",
                    g.month,
                    g.mean_abs_error,
                    g.max_abs_error,
                    g.within_range,
                    g.cases,
                    e.mean_abs_error,
                    e.max_abs_error,
                    e.within_range,
                    e.cases
                );
            }
        }
    } else {
        let found = forecast::forecasts(&cube, &targets, last);
        if json {
            println!("{}", serde_json::to_string_pretty(&found)?);
        } else {
            println!("{} targets of {}, forecast at {last}", found.len(), last.year());
            for f in &found {
                let p = f
                    .projection
                    .map_or_else(|| "—".to_owned(), |p| format!("{:.1} ({:.1}–{:.1})", p.expected, p.low, p.high));
                let outlook = f.outlook.map_or("—", |o| o.label(Lang::En));
                println!(
                    "  {} {:?} target {}: so far {}, year-end {p}: {outlook}",
                    f.metric,
                    f.kind,
                    f.value,
                    f.so_far.map_or("—".into(), |v| format!("{v:.1}"))
                );
            }
        }
    }
    drop(cube);
    store.close().await;
    Ok(())
}

async fn city_engine(
    store: &Store,
    indicators: &[&str],
) -> anyhow::Result<(
    xinzhi_analytics::Engine,
    std::sync::Arc<xinzhi_analytics::Profiles>,
    std::sync::Arc<xinzhi_analytics::Names>,
)> {
    let now = xinzhi_domain::Month::containing(clock::now()).ok_or_else(|| anyhow!("the clock is out of range"))?;
    let engine = xinzhi_analytics::Engine::load(store.clone(), indicators, now).await?;
    let profiles = engine.profiles().await?;
    let names = engine.names().await;
    Ok((engine, profiles, names))
}

async fn year_or_latest(store: &Store, year: Option<i32>) -> anyhow::Result<i32> {
    Ok(match year {
        Some(y) => y,
        None => store
            .profile_years()
            .await?
            .first()
            .copied()
            .unwrap_or_else(|| xinzhi_domain::Month::containing(clock::now()).map_or(2024, |m| m.year()) - 1),
    })
}

async fn rules_or_bail<R: xinzhi_store::cultivation::VersionedRules>(
    store: &Store,
    version: Option<&str>,
) -> anyhow::Result<R> {
    match store.rules(version, xinzhi_domain::period::china_date(clock::now())).await {
        Err(StoreError::NotFound) => bail!("--version: no rule set {}", version.unwrap_or_default()),
        other => Ok(other?),
    }
}

/// `xinzhi mu --group G`: the 亩均 evaluation of a group for the whole city: class counts and
/// the lowest firms; with `--create`, stored as a draft run (as the page does).
pub async fn mu(settings: &Settings, group: &str, create: bool, options: ListOptions) -> anyhow::Result<()> {
    use xinzhi_domain::mu::{Group, MuRules};
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let group =
        Group::parse(group).ok_or_else(|| anyhow!("'{group}' is not a group: use above_scale or below_scale"))?;
    let store = open(settings).await?;
    let rules: MuRules = rules_or_bail(&store, options.version.as_deref()).await?;
    let year = year_or_latest(&store, options.year).await?;
    let group_rules =
        rules.group(group).ok_or_else(|| anyhow!("the rules {} have no {} group", rules.version, group.as_str()))?;
    // The below-scale group reads the year's electricity.
    let (engine, profiles, _) = city_engine(&store, &["electricity"]).await?;
    let cube = engine.read().await?;
    let lines = xinzhi_analytics::evaluation::evaluate(&cube, &profiles, group_rules, year);
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for line in &lines {
        *counts.entry(line.result.class.clone().unwrap_or_else(|| "T".into())).or_default() += 1;
    }
    if options.json {
        let body = serde_json::json!({"year": year, "version": rules.version, "classes": counts, "results": lines});
        println!("{}", serde_json::to_string_pretty(&body)?);
    } else {
        let classes: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
        println!("{year} {} ({}): {} — {}", group.label(lang), rules.version, lines.len(), classes.join(" · "));
        let mut lowest: Vec<&xinzhi_analytics::evaluation::MuLine> =
            lines.iter().filter(|l| l.result.rank.is_some()).collect();
        lowest.sort_by(|a, b| a.result.total.total_cmp(&b.result.total));
        for line in lowest.iter().take(options.limit) {
            let (code, name) = cube.firm_by_id(line.enterprise_id).map_or(("", ""), |f| (&f.credit_code, &f.name));
            let class = line.result.class.as_deref().unwrap_or("T");
            println!("  #{:<5} {class} {:>8.2}  {code} {name}", line.result.rank.unwrap_or(0), line.result.total);
        }
    }
    drop(cube);
    if create {
        let results: Vec<xinzhi_store::evaluation::NewMuResult> = lines.into_iter().map(Into::into).collect();
        let actor = AuditActor::system("xinzhi mu");
        let run =
            store.create_mu_run(&xinzhi_store::Scope::City, year, group, &rules.version, &results, &actor).await?;
        // After the JSON, on stderr, so that stdout stays one document.
        eprintln!("{}", lang.pick(&format!("已保存为评价草稿 #{run}"), &format!("stored as draft run #{run}")));
    }
    store.close().await;
    Ok(())
}

/// `xinzhi commend`: the commendation lists of the city's rules for a year.
pub async fn commend(settings: &Settings, options: ListOptions) -> anyhow::Result<()> {
    use xinzhi_domain::commendation::CommendationRules;
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let store = open(settings).await?;
    let rules: CommendationRules = rules_or_bail(&store, options.version.as_deref()).await?;
    let year = year_or_latest(&store, options.year).await?;
    let (engine, profiles, names) = city_engine(&store, &[]).await?;
    let lists = {
        let cube = engine.read().await?;
        xinzhi_analytics::commendations::lists(&cube, &names, &profiles, &xinzhi_store::Scope::City, &rules, year, lang)
    };
    store.close().await;
    if options.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"year": year, "version": rules.version, "lists": lists}))?
        );
        return Ok(());
    }
    for list in &lists {
        println!("{year} {}（{}）: {}", list.name, rules.version, list.winners.len());
        for w in list.winners.iter().take(options.limit) {
            println!("  {:>3}. {} {} {} {:.1}", w.place, w.credit_code, w.name, w.district, w.value);
        }
    }
    Ok(())
}

/// `xinzhi promotion`: the 小升规 pool of the city for a month (default: the last with data).
pub async fn promotion(
    settings: &Settings,
    month: Option<xinzhi_domain::Month>,
    options: ListOptions,
) -> anyhow::Result<()> {
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let store = open(settings).await?;
    let month = match month {
        Some(m) => m,
        None => store.value_months().await?.ok_or_else(|| anyhow!("the database has no values"))?.last,
    };
    let (engine, _, names) = city_engine(&store, &["revenue", "gross_output"]).await?;
    let rules = xinzhi_domain::promotion::PromotionRules::default();
    let pool = {
        let cube = engine.read().await?;
        xinzhi_analytics::promotion::pool(&cube, &names, &xinzhi_store::Scope::City, month, &rules, lang)
    };
    store.close().await;
    if options.json {
        println!("{}", serde_json::to_string_pretty(&pool.iter().take(options.limit).collect::<Vec<_>>())?);
        return Ok(());
    }
    println!("{month} {}: {}", lang.pick("小升规培育库", "promotion pool"), pool.len());
    for c in pool.iter().take(options.limit) {
        let signals: Vec<&str> = c.signals.iter().map(|s| s.label(lang)).collect();
        println!(
            "  {} {} {} {:.0} / {:.0} → {:.0}  {}",
            c.credit_code,
            c.name,
            c.district,
            c.revenue.trailing_12m,
            c.revenue.year_to_date,
            c.projected_year_end,
            signals.join("；")
        );
    }
    Ok(())
}

/// `xinzhi programmes`: the digital and green programmes' counts of the city by year.
pub async fn programmes(settings: &Settings, options: ListOptions) -> anyhow::Result<()> {
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let store = open(settings).await?;
    let through = store.value_months().await?.ok_or_else(|| anyhow!("the database has no values"))?.last;
    let through = options.year.and_then(|y| xinzhi_domain::Month::new(y, 12).ok()).map_or(through, |m| m.max(through));
    let (engine, _, _) = city_engine(&store, &[]).await?;
    let counts = {
        let cube = engine.read().await?;
        xinzhi_analytics::programmes::programme_counts(&cube, &xinzhi_store::Scope::City, through)
    };
    store.close().await;
    if options.json {
        println!("{}", serde_json::to_string_pretty(&counts)?);
        return Ok(());
    }
    for c in &counts {
        let years: Vec<String> = c.by_year.iter().map(|(y, n)| format!("{y}: {n}")).collect();
        println!("{:<20} {}", c.programme.label(lang), years.join("  "));
    }
    Ok(())
}

/// `xinzhi policy check CONDITION`: the parsed condition as JSON, or the error.
pub fn policy_check(condition: &str, lang: &str) -> anyhow::Result<()> {
    let lang = Lang::from_tag(lang).unwrap_or_default();
    match xinzhi_domain::policy::parse(condition, &xinzhi_analytics::policies::known_fact) {
        Ok(expr) => {
            println!("{}", serde_json::to_string_pretty(&expr)?);
            Ok(())
        }
        Err(e) => bail!("{}", e.message(lang)),
    }
}

/// `xinzhi policy eligible ID`: the firms of the city that meet a stored policy.
pub async fn policy_eligible(settings: &Settings, id: i64, options: ListOptions) -> anyhow::Result<()> {
    let lang = Lang::from_tag(&options.lang).unwrap_or_default();
    let store = open(settings).await?;
    let policy = match store.policy(id).await {
        Err(StoreError::NotFound) => bail!("no policy {id}"),
        other => other?,
    };
    let condition = xinzhi_domain::policy::parse(&policy.draft.condition, &xinzhi_analytics::policies::known_fact)
        .map_err(|e| anyhow!("policy {id}: {}", e.message(lang)))?;
    let year = year_or_latest(&store, options.year).await?;
    let month = store.value_months().await?.ok_or_else(|| anyhow!("the database has no values"))?.last;
    let mu_classes = store.final_mu_classes().await?;
    let (engine, profiles, names) = city_engine(&store, &["gross_output", "revenue"]).await?;
    let found = {
        let cube = engine.read().await?;
        let today = xinzhi_domain::period::china_date(clock::now());
        let ctx = xinzhi_analytics::policies::PolicyContext {
            cube: &cube,
            names: &names,
            profiles: &profiles,
            mu_classes: &mu_classes,
            year,
            month,
            today,
        };
        xinzhi_analytics::policies::eligible(&ctx, &xinzhi_store::Scope::City, &condition)
    };
    store.close().await;
    if options.json {
        println!("{}", serde_json::to_string_pretty(&found.iter().take(options.limit).collect::<Vec<_>>())?);
        return Ok(());
    }
    println!("{}（{}）: {}", policy.draft.title, policy.draft.condition, found.len());
    for f in found.iter().take(options.limit) {
        let evidence: Vec<String> = f.outcome.checks.iter().map(|c| c.message(lang)).collect();
        println!("  {} {} {}  {}", f.credit_code, f.name, f.district, evidence.join("；"));
    }
    Ok(())
}

/// `xinzhi projects`: the city's key projects with their stage and the year's investment.
pub async fn projects(settings: &Settings, month: Option<xinzhi_domain::Month>, json: bool) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let month = match month {
        Some(m) => m,
        None => xinzhi_domain::Month::containing(clock::now()).ok_or_else(|| anyhow!("the clock is out of range"))?,
    };
    let city = xinzhi_store::Scope::City;
    let projects = store.projects(&city).await?;
    let investments = store.project_investments(&city, month).await?;
    store.close().await;
    let lines: Vec<serde_json::Value> = projects
        .iter()
        .map(|p| {
            let (planned, completed) = investments.get(&p.project_id).copied().unwrap_or((None, 0.0));
            let progress = xinzhi_domain::project::investment_progress(planned.unwrap_or(0.0), completed, month);
            serde_json::json!({"project": p, "investment": progress})
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&lines)?);
        return Ok(());
    }
    println!("{month}: {} projects", projects.len());
    for (p, line) in projects.iter().zip(&lines) {
        let light = line["investment"]["light"].as_str().unwrap_or("-");
        println!(
            "  #{:<4} {} {} {} {:.0}/{:.0} [{light}]",
            p.project_id,
            p.name,
            p.region,
            p.stage.as_str(),
            line["investment"]["completed_wan"].as_f64().unwrap_or(0.0),
            line["investment"]["planned_wan"].as_f64().unwrap_or(0.0)
        );
    }
    Ok(())
}

/// `xinzhi tasks`: every task with its lead unit, progress and supervision flags.
pub async fn tasks(settings: &Settings, json: bool) -> anyhow::Result<()> {
    let store = open(settings).await?;
    let today = xinzhi_domain::period::china_date(clock::now());
    let tasks = store.tasks(&xinzhi_store::Scope::City).await?;
    store.close().await;
    let lines: Vec<(xinzhi_store::tasks::Task, Vec<xinzhi_domain::task::Flag>)> = tasks
        .into_iter()
        .map(|t| {
            let state = xinzhi_domain::task::TaskState {
                deadline: t.deadline,
                done: t.done_on.is_some(),
                last_progress: t.last_progress,
            };
            let flags = xinzhi_domain::task::flags(&state, today);
            (t, flags)
        })
        .collect();
    if json {
        let body: Vec<serde_json::Value> =
            lines.iter().map(|(t, f)| serde_json::json!({"task": t, "flags": f})).collect();
        println!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(());
    }
    println!("{} tasks", lines.len());
    for (t, flags) in &lines {
        let flags: Vec<&str> = flags.iter().map(|f| f.as_str()).collect();
        println!(
            "  #{:<4} {} · {} · {} · {}% {}",
            t.task_id,
            t.action,
            t.title,
            t.lead_name,
            t.percent,
            flags.join(",")
        );
    }
    Ok(())
}

/// `xinzhi requests [--timing overdue|due_soon]`: the city's open requests with their clocks.
pub async fn requests(settings: &Settings, timing: Option<&str>, json: bool) -> anyhow::Result<()> {
    use xinzhi_domain::request::{Clock, Timing};
    let wanted = match timing {
        None => None,
        Some("overdue") => Some(Timing::Overdue),
        Some("due_soon") => Some(Timing::DueSoon),
        Some(other) => bail!("--timing: '{other}' is not overdue or due_soon"),
    };
    let store = open(settings).await?;
    let now = clock::now();
    let found = store.requests(&xinzhi_store::Scope::City, None).await?;
    store.close().await;
    let lines: Vec<(&xinzhi_store::requests::Request, Option<Timing>)> = found
        .iter()
        .map(|r| {
            let open =
                matches!(r.stage, xinzhi_domain::request::Stage::Raised | xinzhi_domain::request::Stage::Accepted);
            let timing = match (r.due_at, r.remind_at) {
                (Some(due_at), Some(remind_at)) if open => Some(Clock { due_at, remind_at }.timing(now)),
                _ => None,
            };
            (r, timing)
        })
        .filter(|(_, t)| wanted.is_none() || *t == wanted)
        .collect();
    if json {
        let body: Vec<serde_json::Value> =
            lines.iter().map(|(r, t)| serde_json::json!({"request": r, "timing": t})).collect();
        println!("{}", serde_json::to_string_pretty(&body)?);
        return Ok(());
    }
    println!("{} requests", lines.len());
    for (r, t) in &lines {
        let timing = t.map_or("-", |t| match t {
            Timing::OnTime => "on_time",
            Timing::DueSoon => "due_soon",
            Timing::Overdue => "overdue",
        });
        println!(
            "  #{:<4} {} · {} · {} · {} [{timing}]",
            r.request_id,
            r.firm,
            r.title,
            r.department.as_deref().unwrap_or("-"),
            r.stage.as_str()
        );
    }
    Ok(())
}
