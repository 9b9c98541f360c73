//! The `xinzhi` binary as a user runs it: bad settings end with one actionable line and a
//! non-zero exit, never a panic trace; good ones do what they say.

// Test helpers outside #[test] functions may panic too: a panic is the failure report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::process::{Command, Output};

fn xinzhi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xinzhi"))
        .args(args)
        .env_remove("XINZHI_DATABASE_URL")
        .env_remove("XINZHI_DATA_DIR")
        .env("XINZHI_LOG", "error")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Starts `xinzhi serve` on a free port over `data` and returns the child with everything it
/// wrote to stderr up to the line that says where it listens.
fn start_serve(data: &std::path::Path) -> (std::process::Child, String) {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_xinzhi"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data", data.to_str().expect("utf-8")])
        .env("XINZHI_LOG", "warn")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr"));
    let mut seen = String::new();
    let mut line = String::new();
    while lines.read_line(&mut line).expect("read") > 0 {
        seen.push_str(&line);
        if line.contains("Xinzhi is serving at http://") {
            break;
        }
        line.clear();
    }
    (child, seen)
}

fn stop(mut child: std::process::Child) -> std::process::ExitStatus {
    let killed = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().expect("kill runs");
    assert!(killed.success());
    child.wait().expect("serve exits")
}

fn assert_one_line_error(output: &Output, needles: &[&str]) {
    assert!(!output.status.success(), "must fail");
    let text = stderr(output);
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line in:\n{text}");
    assert!(!text.contains("panicked") && !text.contains("RUST_BACKTRACE"), "no panic:\n{text}");
    for needle in needles {
        assert!(errors[0].contains(needle), "'{needle}' missing in: {}", errors[0]);
    }
}

#[test]
fn an_unknown_database_scheme_is_refused_naming_the_setting() {
    let output = xinzhi(&["migrate", "--database", "mysql://root:secret@localhost/x"]);
    assert_one_line_error(
        &output,
        &["unsupported database URL", "XINZHI_DATABASE_URL", "mysql://root:***@localhost/x"],
    );
    assert!(!stderr(&output).contains("secret"));
}

#[test]
fn an_unwritable_data_directory_is_refused_naming_the_setting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, b"x").expect("write");
    let data = file.join("data");
    let output = xinzhi(&["migrate", "--data", data.to_str().expect("utf-8")]);
    assert_one_line_error(&output, &["cannot create the data directory", "XINZHI_DATA_DIR"]);
}

#[test]
fn an_unreachable_postgres_is_reported_in_one_line() {
    // Port 9 (discard) has no PostgreSQL behind it.
    let output = xinzhi(&["migrate", "--database", "postgres://postgres@127.0.0.1:9/none"]);
    assert_one_line_error(&output, &["cannot open the database", "XINZHI_DATABASE_URL"]);
}

#[test]
fn migrate_creates_and_then_confirms_a_sqlite_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8");
    for _ in 0..2 {
        let output = xinzhi(&["migrate", "--data", data]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(String::from_utf8_lossy(&output.stdout).contains("is up to date"));
    }
    assert!(dir.path().join("data/xinzhi.db").exists());
}

#[test]
fn check_code_accepts_a_valid_code_and_names_the_wrong_check_character() {
    let ok = xinzhi(&["check-code", "９１３５０１００m000100y43"]);
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with("91350100M000100Y43"));
    let bad = xinzhi(&["check-code", "91350100M000100Y44", "--lang", "en"]);
    assert_one_line_error(&bad, &["credit_code", "expected '3', found '4'"]);
    let bad_zh = xinzhi(&["check-code", "91350100M000100Y44"]);
    assert_one_line_error(&bad_zh, &["应为“3”"]);
}

#[test]
fn the_demo_refuses_an_unknown_scale() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = xinzhi(&["demo", "--scale", "huge", "--data", dir.path().to_str().expect("utf-8")]);
    assert_one_line_error(&output, &["unknown scale 'huge'"]);
}

#[test]
fn serve_answers_on_its_port_and_stops_cleanly_on_sigterm() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().expect("temp dir");
    let (child, seen) = start_serve(dir.path());
    let address = seen
        .lines()
        .find_map(|l| l.trim().strip_prefix("Xinzhi is serving at http://"))
        .expect("listening line")
        .to_owned();
    let mut stream = std::net::TcpStream::connect(&address).expect("connect");
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let status = stop(child);
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
}

#[test]
fn a_new_indicator_is_added_to_the_catalogue_without_code_changes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().to_str().expect("utf-8");
    let set = xinzhi(&[
        "indicator",
        "set",
        "--code",
        "smart_workstations",
        "--name-zh",
        "智能工位",
        "--name-en",
        "Smart workstations",
        "--unit-zh",
        "个",
        "--unit-en",
        "units",
        "--temporal",
        "stock",
        "--decimals",
        "0",
        "--data",
        data,
    ]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(String::from_utf8_lossy(&set.stdout).starts_with("added smart_workstations"));
    let list = xinzhi(&["indicator", "list", "--data", data]);
    let text = String::from_utf8_lossy(&list.stdout);
    assert_eq!(text.lines().count(), 21, "20 standard indicators and the new one:\n{text}");
    let last = text.lines().last().expect("a line");
    assert!(last.contains("smart_workstations") && last.contains("stock") && last.contains("智能工位"), "{last}");

    let bad = xinzhi(&[
        "indicator",
        "set",
        "--code",
        "Bad Code",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--unit-zh",
        "x",
        "--unit-en",
        "x",
        "--data",
        data,
    ]);
    assert_one_line_error(&bad, &["indicator code"]);
    let bad = xinzhi(&[
        "indicator",
        "set",
        "--code",
        "ok_code",
        "--name-zh",
        "x",
        "--name-en",
        "x",
        "--unit-zh",
        "x",
        "--unit-en",
        "x",
        "--temporal",
        "rate",
        "--data",
        data,
    ]);
    assert_one_line_error(&bad, &["temporal: 'rate' is not flow or stock"]);
}

#[test]
fn users_are_managed_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().to_str().expect("utf-8");
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--data", data]);
        xinzhi(&all)
    };
    let added = run(&["user", "add", "--username", "Chen.Jing", "--name", "陈静", "--role", "city_analyst"]);
    assert!(added.status.success(), "{}", stderr(&added));
    let out = String::from_utf8_lossy(&added.stdout).into_owned();
    assert!(out.starts_with("created chen.jing (city_analyst); temporary password"), "{out}");
    // A district officer needs a district that exists.
    let no_district = run(&[
        "user",
        "add",
        "--username",
        "li.wei",
        "--name",
        "李",
        "--role",
        "district_officer",
        "--scope",
        "436002",
    ]);
    assert_one_line_error(&no_district, &["--scope", "no district with code '436002'"]);
    let bad_role = run(&["user", "add", "--username", "li.ming", "--name", "李", "--role", "boss"]);
    assert_one_line_error(&bad_role, &["--role: 'boss' is not one of"]);
    let taken = run(&["user", "add", "--username", "chen.jing", "--name", "x", "--role", "city_leader"]);
    assert_one_line_error(&taken, &["'chen.jing' is taken"]);

    let token = run(&["user", "token", "chen.jing", "--name", "etl"]);
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(String::from_utf8_lossy(&token.stdout).trim().starts_with("xz_"));
    assert!(run(&["user", "revoke-token", "1"]).status.success());
    assert_one_line_error(&run(&["user", "revoke-token", "1"]), &["no live token with id 1"]);
    assert!(run(&["user", "disable", "chen.jing"]).status.success());
    let listed = String::from_utf8_lossy(&run(&["user", "list"]).stdout).into_owned();
    assert!(listed.contains("chen.jing") && listed.contains("[disabled]"), "{listed}");
    assert!(run(&["user", "enable", "chen.jing"]).status.success());
    let reset = run(&["user", "reset-password", "chen.jing"]);
    assert!(String::from_utf8_lossy(&reset.stdout).contains("temporary password"));
    assert_one_line_error(&run(&["user", "disable", "nobody"]), &["no user named 'nobody'"]);
}

#[test]
fn the_first_start_of_an_empty_database_prints_the_three_administrators_one_time_passwords() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (first, seen) = start_serve(dir.path());
    stop(first);
    assert!(seen.contains("one-time password") && seen.matches("password=Xz-").count() == 3, "{seen}");
    for role in ["role=\"admin\"", "role=\"security_admin\"", "role=\"audit_admin\""] {
        assert!(seen.contains(role), "{role} in {seen}");
    }
    // A second start does not make another one.
    let (second, seen) = start_serve(dir.path());
    stop(second);
    assert!(!seen.contains("one-time password"), "{seen}");
}

#[test]
fn import_reports_prints_row_problems_and_fails_when_rows_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let file = dir.path().join("月报.csv");
    std::fs::write(&file, "统一社会信用代码,总产值(万元)\n914403001922038216,12\n91350100M000100Y44,3\n")
        .expect("write");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "import",
            "reports",
            file.to_str().expect("utf-8"),
            "--period",
            "2024-03",
            "--data",
            data.to_str().expect("utf-8"),
        ];
        args.extend_from_slice(extra);
        xinzhi(&args)
    };
    let output = run(&["--dry-run"]);
    assert!(!output.status.success());
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(out.contains("第3行 A列（统一社会信用代码）：统一社会信用代码校验位错误：应为“3”，实际为“4”"), "{out}");
    assert!(
        out.contains("第2行 A列（统一社会信用代码）：统一社会信用代码“914403001922038216”不是您管辖范围内的已登记企业"),
        "{out}"
    );
    assert!(out.contains("读取2行") && out.contains("拒绝2行"), "{out}");
    let english = run(&["--dry-run", "--lang", "en"]);
    assert!(String::from_utf8_lossy(&english.stdout).contains("Row 3, column A"));
    std::fs::write(&file, b"\x00\x01 not a spreadsheet").expect("write");
    assert_one_line_error(&run(&[]), &["文件已损坏或不是电子表格"]);
    let bad_period = xinzhi(&[
        "import",
        "reports",
        file.to_str().expect("utf-8"),
        "--period",
        "2024-13",
        "--data",
        data.to_str().expect("utf-8"),
    ]);
    assert_one_line_error(&bad_period, &["--period: 月份13超出1—12的范围"]);
}

/// What an import left: (submitted reports, stored values) for the file's firms and months.
fn imported(db: &std::path::Path, pairs: &[(xinzhi_store::EnterpriseId, xinzhi_domain::Month)]) -> (i64, usize) {
    use xinzhi_domain::Month;
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let store = xinzhi_store::Store::connect(&format!("sqlite://{}", db.display())).await.expect("open");
        let set = store.data_set(xinzhi_store::reports::MONTHLY).await.expect("data set");
        let first = pairs.iter().map(|p| p.1).min().unwrap_or(Month::parse("2025-01").expect("month"));
        let last = pairs.iter().map(|p| p.1).max().unwrap_or(first);
        let reports = store.count_reports(set.data_set_id, first, last).await.expect("count");
        let values = store.values_of_pairs(&xinzhi_store::Scope::City, pairs).await.expect("values");
        store.close().await;
        (reports, values.values().map(Vec::len).sum())
    })
}

#[test]
fn killing_an_import_leaves_either_nothing_or_the_whole_commit() {
    use std::time::{Duration, Instant};
    use xinzhi_domain::Month;
    let dir = tempfile::tempdir().expect("temp dir");
    let pristine = dir.path().join("pristine");
    let demo = xinzhi(&["demo", "--scale", "small", "--data", pristine.to_str().expect("utf-8")]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    // The database file alone is the whole city: the command closed the store, so SQLite
    // folded its write-ahead log into the file (the copies below take the file only).
    assert!(!pristine.join("xinzhi.db-wal").exists(), "the demo left a write-ahead log beside the database");

    // Every firm of the small city, for 22 months after its data: 6,600 rows, 13,200 values.
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let firms = runtime.block_on(async {
        let store = xinzhi_store::Store::connect(&format!("sqlite://{}", pristine.join("xinzhi.db").display()))
            .await
            .expect("open");
        let page = store
            .search_enterprises(&xinzhi_store::Scope::City, &Default::default(), xinzhi_store::Page::new(500, 0))
            .await
            .expect("firms");
        store.close().await;
        page.items
    });
    drop(runtime);
    let months: Vec<Month> = (0..22).map(|i| Month::parse("2025-01").expect("month").plus(i)).collect();
    let mut csv = String::from("统一社会信用代码,期别,工业总产值(万元),工业销售产值(万元)\n");
    let mut pairs = Vec::new();
    for firm in &firms {
        for (i, month) in months.iter().enumerate() {
            csv.push_str(&format!("{},{month},{},{}\n", firm.credit_code, 100 + i, 95 + i));
            pairs.push((firm.enterprise_id, *month));
        }
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, csv).expect("write");
    let (rows, values) = (pairs.len() as i64, pairs.len() * 2);

    let attempt = |name: &str, kill_after: Option<Duration>| -> ((i64, usize), bool) {
        let data = dir.path().join(name);
        std::fs::create_dir_all(&data).expect("dir");
        std::fs::copy(pristine.join("xinzhi.db"), data.join("xinzhi.db")).expect("copy");
        let mut child = Command::new(env!("CARGO_BIN_EXE_xinzhi"))
            .args(["import", "reports", file.to_str().expect("utf-8"), "--data", data.to_str().expect("utf-8")])
            .env("XINZHI_LOG", "error")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("import starts");
        let interrupted = match kill_after {
            Some(after) => {
                std::thread::sleep(after);
                let running = child.try_wait().expect("status").is_none();
                child.kill().expect("SIGKILL");
                running
            }
            None => false,
        };
        let status = child.wait().expect("exits");
        if kill_after.is_none() {
            assert!(status.success(), "the import fails: {status}");
            assert!(!data.join("xinzhi.db-wal").exists(), "the import left a write-ahead log beside the database");
        }
        (imported(&data.join("xinzhi.db"), &pairs), interrupted)
    };

    let started = Instant::now();
    let (complete, _) = attempt("complete", None);
    let full = started.elapsed();
    assert_eq!(complete, (rows, values), "an import left alone writes everything");
    let mut interrupted_runs = 0;
    // Kills spread over the whole run, the last ones near the commit.
    for step in 0..12 {
        let after = full.mul_f64(f64::from(step) / 12.0);
        let (found, interrupted) = attempt(&format!("killed-{step}"), Some(after));
        interrupted_runs += usize::from(interrupted);
        eprintln!("killed after {after:?}: running {interrupted}, found {found:?}");
        assert!(
            found == (0, 0) || found == (rows, values),
            "killed after {after:?}: {found:?} is neither nothing nor the whole import"
        );
    }
    assert!(interrupted_runs >= 6, "most kills must land while the import runs ({interrupted_runs} did)");
}

#[test]
fn cultivation_commands_list_pools_classes_and_commendations_of_a_demo_city() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let data = data.to_str().expect("utf-8");
    let demo = xinzhi(&["demo", "--scale", "small", "--data", data]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--json", "--data", data]);
        let output = xinzhi(&all);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        serde_json::from_slice(&output.stdout).expect("JSON")
    };
    // 亩均: the class counts add up to the firms evaluated, and --create stores a draft run.
    let mu = json(&["mu", "--group", "above_scale", "--year", "2024", "--create"]);
    let again = xinzhi(&["mu", "--group", "below_scale", "--year", "2024", "--create", "--data", data]);
    assert!(stderr(&again).contains("已保存为评价草稿 #2"), "{}", stderr(&again));
    let classes: u64 = mu["classes"].as_object().expect("classes").values().filter_map(|v| v.as_u64()).sum();
    assert_eq!(classes as usize, mu["results"].as_array().map_or(0, Vec::len));
    assert!(classes > 0 && mu["classes"]["A"].as_u64().is_some());
    let commend = json(&["commend", "--year", "2024"]);
    assert_eq!(commend["lists"].as_array().map(Vec::len), Some(4));
    let pool = json(&["promotion", "--month", "2024-06", "--limit", "5"]);
    let pool = pool.as_array().expect("pool");
    assert!(!pool.is_empty() && pool.iter().all(|c| c["signals"].as_array().is_some_and(|s| !s.is_empty())));
    let programmes = json(&["programmes"]);
    let cloud = programmes.as_array().and_then(|p| p.iter().find(|c| c["programme"] == "cloud")).expect("cloud");
    assert!(cloud["by_year"]["2024"].as_i64().is_some_and(|n| n > 0), "{cloud}");
    let srdi = json(&["pool", "srdi_sme", "--year", "2024", "--limit", "3"]);
    assert!(srdi.as_array().is_some_and(|c| c.len() == 3));
    assert_one_line_error(&xinzhi(&["mu", "--group", "giant", "--data", data]), &["giant", "above_scale"]);
    assert_one_line_error(&xinzhi(&["commend", "--version", "NONE", "--data", data]), &["--version", "NONE"]);
    // The policy language from the command line: JSON for a condition, the place of an error.
    let parsed = xinzhi(&["policy", "check", "mu_class in [\"A\", \"B\"] and above_scale"]);
    assert!(parsed.status.success(), "{}", stderr(&parsed));
    let parsed: serde_json::Value = serde_json::from_slice(&parsed.stdout).expect("JSON");
    assert_eq!(parsed["kind"], "and");
    assert_one_line_error(&xinzhi(&["policy", "check", "above_scale and tier hass \"x\""]), &["第22个字符处", "hass"]);
    assert_one_line_error(&xinzhi(&["policy", "eligible", "7", "--data", data]), &["no policy 7"]);
    // Projects, tasks and requests list what the city holds (nothing in a fresh demo city).
    for command in ["projects", "tasks", "requests"] {
        assert_eq!(json(&[command]).as_array().map(Vec::len), Some(0), "{command}");
    }
    assert_one_line_error(&xinzhi(&["requests", "--timing", "late", "--data", data]), &["--timing", "late"]);
    assert_one_line_error(&xinzhi(&["projects", "--month", "2024-13", "--data", data]), &["--month"]);
    // The forecast backtest over the small city's history: two years (2023 from 2022, 2024
    // from both) at each month of the year.
    let backtest = json(&["forecast", "--backtest"]);
    let growth = backtest["gross_output_growth"].as_array().expect("growth");
    assert_eq!(growth.len(), 11);
    assert!(
        growth.iter().all(|m| m["cases"] == 2 && m["mean_abs_error"].as_f64().is_some_and(|e| e < 5.0)),
        "{backtest}"
    );
    // Reports read from a file, and the dev set scored.
    let report = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/reports/003_463368a5b9489ad9.txt");
    if std::path::Path::new(report).exists() {
        let read = xinzhi(&["extract", report, "--json"]);
        assert!(read.status.success(), "{}", stderr(&read));
        let read: serde_json::Value = serde_json::from_slice(&read.stdout).expect("JSON");
        assert_eq!(read["region"], "南通市");
        assert_eq!(read["targets"].as_array().map(Vec::len), Some(2));
    }
    assert_one_line_error(&xinzhi(&["extract", "/no/such/report.txt"]), &["/no/such/report.txt"]);
    // A reader that goes away (`| head`) ends the output without a panic.
    if std::path::Path::new(report).exists() {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_xinzhi"))
            .args(["extract", "--cleaned", report])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("xinzhi starts");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("xinzhi ends");
        assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    }
}

#[test]
fn a_deployment_started_without_the_demo_makes_the_demo_accounts_change_their_published_password() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().to_str().expect("utf-8");
    let demo = xinzhi(&["demo", "--scale", "small", "--data", data]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let (server, seen) = start_serve(dir.path());
    stop(server);
    assert!(seen.contains("demo accounts found outside a demo"), "{seen}");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let forced = runtime.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("xinzhi.db").display());
        let store = xinzhi_store::Store::connect(&url).await.expect("open");
        let users = store.list_users().await.expect("users");
        store.close().await;
        users.iter().filter(|u| u.demo).map(|u| u.must_change_password).collect::<Vec<_>>()
    });
    assert_eq!(forced.len(), 9, "every demo account is marked");
    assert!(forced.iter().all(|f| *f), "and must change the published password");
}

/// A backup taken while the database is written to is one consistent snapshot: restored into a
/// new data directory it passes SQLite's integrity check and holds every write acknowledged
/// before the backup began and none half-done.
#[test]
fn a_backup_under_write_load_restores_to_a_consistent_database() {
    let dir = tempfile::tempdir().expect("temp dir");
    let live = dir.path().join("live");
    let demo = xinzhi(&["demo", "--scale", "small", "--data", live.to_str().expect("utf-8")]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let url = format!("sqlite://{}", live.join("xinzhi.db").display());
    let count_audit = |url: String| async move {
        let store = xinzhi_store::Store::connect(&url).await.expect("open");
        let summary = store.backup_summary().await.expect("summary");
        store.close().await;
        summary
    };
    let before = runtime.block_on(count_audit(url.clone()));
    // Writers append to the audit log (one row per transaction) while the backup runs.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let written = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
    let writer = {
        let (stop, written, url) = (stop.clone(), written.clone(), url.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().expect("runtime");
            runtime.block_on(async {
                let store = xinzhi_store::Store::connect(&url).await.expect("open");
                let actor = xinzhi_store::AuditActor::system("load");
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let entry = xinzhi_store::AuditEntry {
                        actor: &actor,
                        action: "load.write",
                        object_type: None,
                        object_id: None,
                        outcome: xinzhi_store::Outcome::Success,
                        detail: None,
                    };
                    store.append_audit(&entry).await.expect("write");
                    written.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
                store.close().await;
            });
        })
    };
    while written.load(std::sync::atomic::Ordering::SeqCst) < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let acknowledged_before = written.load(std::sync::atomic::Ordering::SeqCst);
    let file = dir.path().join("xinzhi-backup.db");
    let backup = xinzhi(&["backup", file.to_str().expect("utf-8"), "--data", live.to_str().expect("utf-8")]);
    let acknowledged_after = written.load(std::sync::atomic::Ordering::SeqCst);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    writer.join().expect("writer");
    assert!(backup.status.success(), "{}", stderr(&backup));
    let printed = String::from_utf8_lossy(&backup.stdout).to_string();
    assert!(printed.contains("checked: schema"), "{printed}");

    let restored = dir.path().join("restored");
    let restore = xinzhi(&["restore", file.to_str().expect("utf-8"), "--data", restored.to_str().expect("utf-8")]);
    assert!(restore.status.success(), "{}", stderr(&restore));
    let copy = runtime.block_on(count_audit(format!("sqlite://{}", restored.join("xinzhi.db").display())));
    assert_eq!((copy.enterprises, copy.values), (before.enterprises, before.values));
    let load_rows = copy.audit_entries - before.audit_entries;
    assert!(
        (acknowledged_before..=acknowledged_after + 1).contains(&load_rows),
        "{acknowledged_before} ≤ {load_rows} ≤ {acknowledged_after} (+1 in flight)"
    );
    // A second restore keeps the database it replaces.
    let again = xinzhi(&["restore", file.to_str().expect("utf-8"), "--data", restored.to_str().expect("utf-8")]);
    assert!(again.status.success() && stderr(&again).contains("before-restore"), "{}", stderr(&again));
}

#[test]
fn logs_are_json_lines_when_asked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_xinzhi"));
    // Only this test's settings: a variable of the surrounding run (CI sets one for another
    // test) would be warned about in plain text before the logs start.
    for (name, _) in std::env::vars().filter(|(name, _)| name.starts_with("XINZHI_")) {
        command.env_remove(name);
    }
    let output = command
        .args(["migrate", "--data", dir.path().to_str().expect("utf-8")])
        .env("XINZHI_LOG", "info")
        .env("XINZHI_LOG_FORMAT", "json")
        .output()
        .expect("runs");
    assert!(output.status.success(), "{}", stderr(&output));
    let logs = stderr(&output);
    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(!lines.is_empty(), "the migrations are logged");
    for line in lines {
        let parsed: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(parsed["level"].is_string() && parsed["fields"].is_object(), "{line}");
    }
}

#[test]
fn export_writes_a_month_in_a_users_scope_as_csv_and_a_year_as_xlsx() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().to_str().expect("utf-8");
    let demo = xinzhi(&["demo", "--scale", "small", "--data", data]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    // The demo's district officer sees 潇水区 only: so does the export made for that account.
    let csv = dir.path().join("june.csv");
    let month =
        xinzhi(&["export", csv.to_str().expect("utf-8"), "--month", "2024-06", "--user", "district", "--data", data]);
    assert!(month.status.success(), "{}", stderr(&month));
    let text = std::fs::read_to_string(&csv).expect("csv");
    assert!(text.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].contains("统一社会信用代码") && lines[0].contains("工业总产值（现价）（万元）"));
    assert!(lines.len() > 2);
    assert!(lines[1..].iter().all(|l| l.contains("\"潇水区\"") && l.contains(",2024-06,")), "{}", lines[1]);
    // The whole city's year as a workbook: twelve months per firm.
    let xlsx = dir.path().join("2024.xlsx");
    let year = xinzhi(&["export", xlsx.to_str().expect("utf-8"), "--year", "2024", "--data", data]);
    assert!(year.status.success(), "{}", stderr(&year));
    let grid = xinzhi_ingest::read_grid(&std::fs::read(&xlsx).expect("xlsx"), xinzhi_ingest::Limits::default())
        .expect("reads back");
    let rows = grid.rows.len() - 2;
    assert!(rows > lines.len() - 1, "more firms and months than one district's June");
    let in_2024 =
        grid.rows[2..].iter().all(|r| matches!(&r[3], xinzhi_ingest::Cell::Text(m) if m.starts_with("2024-")));
    assert!(in_2024, "only the year's months");
    assert!(String::from_utf8_lossy(&year.stdout).contains(&format!("{rows} rows")));
    // Neither a month nor a year: said in one line.
    let neither = xinzhi(&["export", xlsx.to_str().expect("utf-8"), "--data", data]);
    assert!(!neither.status.success() && stderr(&neither).contains("--month"));
}
