//! `xinzhi`: one binary with subcommands. `main` only parses the command line, sets up logging
//! and dispatches; the work is done by the library crates.

mod bench;
mod commands;
mod config;
mod export;
mod extract;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Layer, Settings};

#[derive(Parser)]
#[command(
    name = "xinzhi",
    version,
    about = "Xinzhi (新质): a self-hostable platform for a city's new-industrialization work"
)]
struct Cli {
    /// Config file (TOML); default: $XINZHI_CONFIG, else ./xinzhi.toml if present.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; shared by the commands that open the database.
#[derive(Args, Clone, Default)]
struct StorageArgs {
    /// Data directory (the SQLite file lives here) [env: XINZHI_DATA_DIR]
    #[arg(long = "data", value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST:PORT/DB [env: XINZHI_DATABASE_URL]
    #[arg(long = "database", value_name = "URL", global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve {
        /// Generate the demo city first if the database holds no enterprise yet.
        #[arg(long)]
        demo: bool,
        /// Address to listen on [env: XINZHI_LISTEN] [default: 127.0.0.1:8080]
        #[arg(long, value_name = "ADDR")]
        listen: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Generate a demo city into an empty database.
    Demo {
        /// small (300 firms, 36 months), city (3,000 firms, 48 months) or large (10,000 firms, 120 months)
        #[arg(long, default_value = "city")]
        scale: String,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Apply database migrations.
    Migrate {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// A month's or a year's monthly values of the firms in scope as .xlsx, or CSV when FILE
    /// ends in .csv; `--user` limits it to that account's data scope. Audited.
    Export {
        /// The file to write (.xlsx or .csv).
        file: PathBuf,
        /// A month, e.g. 2024-06.
        #[arg(long, conflicts_with = "year")]
        month: Option<String>,
        /// A year, e.g. 2024: its twelve months.
        #[arg(long)]
        year: Option<i32>,
        /// Whose data scope to export (default: the whole city).
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Copy the SQLite database, attachments included, while the server runs (one consistent
    /// snapshot), then check the copy. For PostgreSQL it prints the pg_dump command to use.
    Backup {
        /// The backup file to write (it must not exist).
        file: PathBuf,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Put a backup in place of the SQLite database, after checking it. Stop the server first;
    /// an existing database is kept beside it as xinzhi.db.before-restore-<time>.
    Restore {
        file: PathBuf,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// List or edit the indicator catalogue (no code change needed for a new indicator).
    Indicator {
        #[command(subcommand)]
        action: IndicatorAction,
    },
    /// Manage user accounts and API tokens.
    User {
        #[command(subcommand)]
        action: UserAction,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Measure the platform's speed on this machine.
    Bench {
        #[command(subcommand)]
        what: BenchWhat,
    },
    /// The candidate pool (后备库) of a ladder tier for the whole city: firms nearest to the
    /// criteria first, each with its score and what it still misses.
    Pool {
        /// innovative_sme, srdi_sme, little_giant or single_champion
        tier: String,
        #[command(flatten)]
        list: ListArgs,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The 亩均 evaluation (亩均效益综合评价) of a group for the whole city: class counts and the
    /// lowest firms; `--create` stores it as a draft run for publication on the page.
    Mu {
        /// above_scale or below_scale
        #[arg(long, default_value = "above_scale")]
        group: String,
        #[arg(long)]
        create: bool,
        #[command(flatten)]
        list: ListArgs,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The commendation lists (表彰名单) of the city's rules for a year.
    Commend {
        #[command(flatten)]
        list: ListArgs,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The digital and green programmes' counts of the city by year (上云, smart stations, …).
    Programmes {
        #[command(flatten)]
        list: ListArgs,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The 小升规 pool: below-scale industrial firms near the 20 M CNY threshold.
    Promotion {
        /// The month (default: the last with values).
        #[arg(long)]
        month: Option<String>,
        #[command(flatten)]
        list: ListArgs,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Policies (政策库): check a condition, or list the firms a stored policy finds.
    Policy {
        #[command(subcommand)]
        what: PolicyWhat,
    },
    /// Key projects (重点项目) of the city with the year's investment against plan.
    Projects {
        /// The month of the figures (default: this month).
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Tasks of the tough actions (攻坚行动) with their supervision flags.
    Tasks {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Enterprise requests (企业诉求) with their clocks; `--timing overdue|due_soon` for the
    /// supervision list.
    Requests {
        #[arg(long)]
        timing: Option<String>,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Year-end forecasts of this year's targets from the months so far and the seasons of
    /// earlier years; with `--backtest`, the forecast error by month of the year over the
    /// database's history (gross output growth and new above-scale firms).
    Forecast {
        #[arg(long)]
        backtest: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Read a published report (.txt, .html or .docx): region, meeting, date, officials,
    /// achieved figures and targets. With `--eval DIR`, score every `NAME.txt` of DIR against
    /// `NAME.gold.json` (precision, recall and F1 for facts, officials and metadata).
    Extract {
        /// The report to read.
        #[arg(required_unless_present = "eval")]
        file: Option<std::path::PathBuf>,
        /// Print the extraction as JSON (the schema of the annotations).
        #[arg(long)]
        json: bool,
        /// Print the cleaned text instead (what the extraction reads).
        #[arg(long, conflicts_with = "json")]
        cleaned: bool,
        /// Score a directory of reports against their annotations.
        #[arg(long, value_name = "DIR", conflicts_with = "file")]
        eval: Option<std::path::PathBuf>,
        /// With --eval: fail when the facts' F1 is below this.
        #[arg(long, value_name = "F1")]
        min_f1: Option<f64>,
    },
    /// Check a unified social credit code (统一社会信用代码).
    CheckCode {
        code: String,
        /// Language of the messages: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        lang: String,
    },
}

#[derive(Subcommand)]
enum PolicyWhat {
    /// Parse a condition of the policy language and print it as JSON, or the error with its
    /// character position.
    Check {
        condition: String,
        #[arg(long, default_value = "zh-CN")]
        lang: String,
    },
    /// The firms of the whole city that meet policy ID, with the evidence.
    Eligible {
        id: i64,
        #[command(flatten)]
        list: ListArgs,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// What the cultivation listings share.
#[derive(clap::Args)]
struct ListArgs {
    /// Profile year [default: the latest with profiles]
    #[arg(long)]
    year: Option<i32>,
    /// Rule-set version [default: the one in force today]
    #[arg(long)]
    version: Option<String>,
    /// Lines to print.
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Print JSON instead of lines.
    #[arg(long)]
    json: bool,
    /// Language of the messages: zh-CN or en.
    #[arg(long, default_value = "zh-CN")]
    lang: String,
}

impl ListArgs {
    fn options(self) -> commands::ListOptions {
        commands::ListOptions {
            year: self.year,
            version: self.version,
            limit: self.limit,
            json: self.json,
            lang: self.lang,
        }
    }
}

#[derive(Subcommand)]
enum IndicatorAction {
    /// Print the catalogue in form order.
    List {
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Create an indicator, or update the one with this code.
    Set {
        #[command(flatten)]
        indicator: IndicatorArgs,
        /// Place in the form; default: after the last one.
        #[arg(long)]
        position: Option<i64>,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// Create a user with a temporary password (printed once) that must be changed at sign-in.
    Add {
        #[arg(long)]
        username: String,
        /// Display name
        #[arg(long)]
        name: String,
        /// admin (accounts), security_admin (roles, locks), audit_admin (audit log), city_leader,
        /// city_analyst, district_officer, park_officer, department_handler, enterprise_reporter
        #[arg(long)]
        role: String,
        /// District admin code, park code, department code or credit code, by role.
        #[arg(long)]
        scope: Option<String>,
    },
    /// List users.
    List,
    /// Stop a user from signing in and end their sessions.
    Disable { username: String },
    /// Let a disabled user sign in again.
    Enable { username: String },
    /// Give a user a new temporary password (printed once).
    ResetPassword { username: String },
    /// Issue a personal access token for the API (printed once).
    Token {
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until the token stops working (1 to 365).
        #[arg(long, default_value_t = xinzhi_domain::TokenLifetime::DEFAULT_DAYS)]
        days: u32,
    },
    /// Revoke a personal access token by its id.
    RevokeToken { id: i64 },
    /// Remove a user's second factor (a lost phone); the user sets it up again.
    ResetTwoFactor { username: String },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Monthly reports from an .xlsx, .xls or .csv file (GBK or UTF-8), for the whole city.
    Reports {
        file: PathBuf,
        /// The month of rows without a period column, e.g. 2024-03.
        #[arg(long)]
        period: Option<String>,
        /// Check and print the problems without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Write nothing if any row is refused.
        #[arg(long)]
        all_or_nothing: bool,
        /// Language of the messages: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        lang: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Annual enterprise profiles (企业年度画像) from an .xlsx, .xls or .csv file, for the whole city.
    Profiles {
        file: PathBuf,
        /// The year of the profiles, e.g. 2024 [default: last year]
        #[arg(long)]
        year: Option<i32>,
        /// Check and print the problems without writing anything.
        #[arg(long)]
        dry_run: bool,
        /// Write nothing if any row is refused.
        #[arg(long)]
        all_or_nothing: bool,
        /// Language of the messages: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        lang: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(Subcommand)]
enum BenchWhat {
    /// Build an .xlsx of ROWS firms × every indicator for the month after the data, import it
    /// (read, check, commit), then import it again (nothing changes), and print the times.
    /// Needs a city with at least ROWS enterprises, e.g. `xinzhi demo --scale large`.
    Import {
        #[arg(long, default_value_t = 10_000)]
        rows: usize,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The month-end rush: start the server on a loopback port and submit monthly reports over
    /// the API at RATE per second for SECONDS, for distinct firms and months after the data;
    /// print throughput and latency percentiles, then check that the stored reports equal the
    /// acknowledged submissions. Needs a fresh large demo city (`xinzhi demo --scale large`).
    Burst {
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        #[arg(long, default_value_t = 1_000)]
        rate: u32,
        #[arg(long, default_value_t = 10_000)]
        firms: usize,
        /// A city-level account that writes reports; a token is issued for the run and revoked.
        #[arg(long, default_value = "analyst")]
        user: String,
        /// Requests in flight at most.
        #[arg(long, default_value_t = 256)]
        concurrency: usize,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Leaders opening the cockpit at once: CLIENTS clients over a loopback server, each asking
    /// the cockpit (no month named, as the pages open it) REQUESTS times in turn with the
    /// cockpit page; prints throughput and latency percentiles, fails on any 5xx.
    Load {
        #[arg(long, default_value_t = 20)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        requests: usize,
        #[arg(long, default_value = "leader")]
        user: String,
        /// A path to ask (repeat for several); default the cockpit's API and page.
        #[arg(long = "path")]
        paths: Vec<String>,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Every firm against every ladder tier and the 亩均 evaluation of both groups, timed.
    /// Generates a demo city of SCALE into an empty database first.
    Cultivation {
        #[arg(long, default_value = "large")]
        scale: String,
        #[arg(long, default_value_t = 10)]
        runs: usize,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// The monitoring cockpit's query set: load the engine, compute the whole cockpit RUNS
    /// times, print p50 and p95 per widget and in all, peak memory, and the time from an
    /// approved report to the cockpit showing it. An empty database gets a demo city of SCALE
    /// first (`large`: 10,000 firms × 20 indicators × 120 months).
    Cockpit {
        #[arg(long, default_value = "large")]
        scale: String,
        /// The cockpit's month (default: the last month with values).
        #[arg(long)]
        month: Option<String>,
        #[arg(long, default_value_t = 50)]
        runs: usize,
        /// Write the cockpit's figures and times as JSON (for bench/duckdb_cockpit.py).
        #[arg(long)]
        json: Option<PathBuf>,
        /// First export the data as CSV files into this folder (for DuckDB).
        #[arg(long)]
        export: Option<PathBuf>,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

/// An indicator's fields as command-line flags.
#[derive(Args)]
struct IndicatorArgs {
    /// Stable code: lower-case letters, digits and _, e.g. smart_workstations
    #[arg(long)]
    code: String,
    #[arg(long)]
    name_zh: String,
    #[arg(long)]
    name_en: String,
    #[arg(long)]
    unit_zh: String,
    #[arg(long)]
    unit_en: String,
    /// flow (summed over months) or stock (end-of-month value)
    #[arg(long, default_value = "flow")]
    temporal: String,
    /// sum or mean across enterprises
    #[arg(long, default_value = "sum")]
    aggregation: String,
    #[arg(long, default_value_t = 1)]
    decimals: u8,
}

impl From<IndicatorArgs> for xinzhi_domain::IndicatorDraft {
    fn from(a: IndicatorArgs) -> Self {
        xinzhi_domain::IndicatorDraft {
            code: a.code,
            name_zh: a.name_zh,
            name_en: a.name_en,
            unit_zh: a.unit_zh,
            unit_en: a.unit_en,
            temporal: a.temporal,
            aggregation: a.aggregation,
            decimals: a.decimals,
        }
    }
}

fn settings(cli_config: Option<&PathBuf>, flags: Layer) -> anyhow::Result<Settings> {
    let env: BTreeMap<String, String> = std::env::vars().collect();
    for name in Settings::unknown_env(&env) {
        eprintln!("warning: unknown environment variable {name} ignored (known: {})", config::KNOWN_ENV.join(", "));
    }
    let file = match Settings::config_path(cli_config.map(PathBuf::as_path), &env) {
        Some(path) => Layer::from_file(&path)?,
        None => Layer::default(),
    };
    Settings::resolve(file, Layer::from_env(&env), flags)
}

fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_new(&settings.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Logs go to stderr so that command output on stdout stays clean: JSON lines when asked
    // (for a log collector), else text with colours only on a terminal.
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if settings.log_json {
        builder.json().init();
    } else {
        builder.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())).init();
    }
}

fn storage_layer(storage: StorageArgs) -> Layer {
    Layer { data_dir: storage.data_dir, database_url: storage.database_url, ..Layer::default() }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.command {
        Command::CheckCode { code, lang } => commands::check_code(&code, &lang),
        Command::Extract { eval: Some(dir), min_f1, .. } => extract::evaluate(&dir, min_f1),
        Command::Extract { file: Some(file), json, cleaned, .. } => extract::print(&file, json, cleaned),
        Command::Extract { .. } => Err(anyhow::anyhow!("give a FILE or --eval DIR")),
        Command::Projects { month, json, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let month = month
                .map(|m| xinzhi_domain::Month::parse(&m).map_err(|e| anyhow::anyhow!("--month: {e}")))
                .transpose()?;
            runtime.block_on(commands::projects(&settings, month, json))
        }
        Command::Tasks { json, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::tasks(&settings, json))
        }
        Command::Requests { timing, json, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::requests(&settings, timing.as_deref(), json))
        }
        Command::Policy { what: PolicyWhat::Check { condition, lang } } => commands::policy_check(&condition, &lang),
        Command::Policy { what: PolicyWhat::Eligible { id, list, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::policy_eligible(&settings, id, list.options()))
        }
        Command::Serve { demo, listen, storage } => {
            let settings = settings(cli.config.as_ref(), Layer { listen, ..storage_layer(storage) })?;
            init_logging(&settings);
            runtime.block_on(commands::serve(&settings, demo))
        }
        Command::Demo { scale, seed, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::demo(&settings, &scale, seed))
        }
        Command::Indicator { action } => {
            let storage = match &action {
                IndicatorAction::List { storage } | IndicatorAction::Set { storage, .. } => storage.clone(),
            };
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(async {
                match action {
                    IndicatorAction::List { .. } => commands::list_indicators(&settings).await,
                    IndicatorAction::Set { indicator, position, .. } => {
                        commands::set_indicator(&settings, indicator.into(), position).await
                    }
                }
            })
        }
        Command::User { action, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(async {
                match action {
                    UserAction::Add { username, name, role, scope } => {
                        commands::add_user(&settings, &username, &name, &role, scope.as_deref()).await
                    }
                    UserAction::List => commands::list_users(&settings).await,
                    UserAction::Disable { username } => commands::set_disabled(&settings, &username, true).await,
                    UserAction::Enable { username } => commands::set_disabled(&settings, &username, false).await,
                    UserAction::ResetPassword { username } => commands::reset_password(&settings, &username).await,
                    UserAction::Token { username, name, days } => {
                        commands::issue_token(&settings, &username, &name, days).await
                    }
                    UserAction::RevokeToken { id } => commands::revoke_token(&settings, id).await,
                    UserAction::ResetTwoFactor { username } => commands::reset_two_factor(&settings, &username).await,
                }
            })
        }
        Command::Import { what: ImportWhat::Reports { file, period, dry_run, all_or_nothing, lang, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let options = commands::ImportOptions { period, dry_run, all_or_nothing, lang };
            runtime.block_on(commands::import_reports(&settings, &file, options))
        }
        Command::Import { what: ImportWhat::Profiles { file, year, dry_run, all_or_nothing, lang, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let options = commands::ProfileImportOptions { year, dry_run, all_or_nothing, lang };
            runtime.block_on(commands::import_profiles(&settings, &file, options))
        }
        Command::Forecast { backtest, json, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::forecast(&settings, backtest, json))
        }
        Command::Pool { tier, list, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::pool(&settings, &tier, list.options()))
        }
        Command::Mu { group, create, list, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::mu(&settings, &group, create, list.options()))
        }
        Command::Commend { list, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::commend(&settings, list.options()))
        }
        Command::Programmes { list, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::programmes(&settings, list.options()))
        }
        Command::Promotion { month, list, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let month = month
                .map(|m| xinzhi_domain::Month::parse(&m).map_err(|e| anyhow::anyhow!("--month: {e}")))
                .transpose()?;
            runtime.block_on(commands::promotion(&settings, month, list.options()))
        }
        Command::Bench { what: BenchWhat::Import { rows, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(bench::import(&settings, rows))
        }
        Command::Bench { what: BenchWhat::Burst { seconds, rate, firms, user, concurrency, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let options = bench::BurstOptions { seconds, rate, firms, user, concurrency };
            runtime.block_on(bench::burst(&settings, options))
        }
        Command::Bench { what: BenchWhat::Load { clients, requests, user, paths, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let paths = if paths.is_empty() {
                vec!["/api/v1/monitor/cockpit".to_owned(), "/monitor".to_owned()]
            } else {
                paths
            };
            let options = bench::LoadOptions { clients: clients.max(1), requests: requests.max(1), user, paths };
            runtime.block_on(bench::load(&settings, options))
        }
        Command::Bench { what: BenchWhat::Cultivation { scale, runs, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let scale = xinzhi_demo::Scale::parse(&scale)
                .ok_or_else(|| anyhow::anyhow!("--scale: '{scale}' is not small, city or large"))?;
            runtime.block_on(bench::cultivation(&settings, scale, runs.max(1)))
        }
        Command::Bench { what: BenchWhat::Cockpit { scale, month, runs, json, export, storage } } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let scale = xinzhi_demo::Scale::parse(&scale)
                .ok_or_else(|| anyhow::anyhow!("--scale: '{scale}' is not small, city or large"))?;
            let month = month
                .map(|m| xinzhi_domain::Month::parse(&m).map_err(|e| anyhow::anyhow!("--month: {e}")))
                .transpose()?;
            let options = bench::CockpitOptions { scale, month, runs: runs.max(1), json, export };
            runtime.block_on(bench::cockpit(&settings, options))
        }
        Command::Migrate { storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::migrate(&settings))
        }
        Command::Export { file, month, year, user, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            let months = match (month, year) {
                (Some(m), None) => {
                    let m = xinzhi_domain::Month::parse(&m)
                        .map_err(|_| anyhow::anyhow!("--month: '{m}' is not a month such as 2024-06"))?;
                    xinzhi_domain::period::MonthRange::new(m, m)
                }
                (None, Some(y)) => {
                    let january = xinzhi_domain::Month::parse(&format!("{y:04}-01"))
                        .map_err(|_| anyhow::anyhow!("--year: {y} is not a year"))?;
                    xinzhi_domain::period::MonthRange::new(january, january.plus(11))
                }
                _ => anyhow::bail!("give --month 2024-06 or --year 2024"),
            };
            runtime.block_on(async {
                let store = commands::open(&settings).await?;
                let rows =
                    export::data(&store, &export::DataExport { months, user: user.as_deref(), out: &file }).await?;
                store.close().await;
                println!("{}: {rows} rows ({} to {})", file.display(), months.first, months.last);
                anyhow::Ok(())
            })
        }
        Command::Backup { file, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::backup(&settings, &file))
        }
        Command::Restore { file, storage } => {
            let settings = settings(cli.config.as_ref(), storage_layer(storage))?;
            init_logging(&settings);
            runtime.block_on(commands::restore(&settings, &file))
        }
    }
}

/// A reader that went away (`xinzhi extract … | head`) ends the command quietly with the
/// status Unix tools give, instead of `println!`'s panic.
fn stop_quietly_on_a_closed_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message =
            payload.downcast_ref::<String>().map(String::as_str).or_else(|| payload.downcast_ref::<&str>().copied());
        if message.is_some_and(|m| m.contains("failed printing to stdout") && m.contains("Broken pipe")) {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn main() -> ExitCode {
    stop_quietly_on_a_closed_pipe();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line, with the chain of causes; never a panic trace.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
