//! `spawn_app`: a real server on port 0 over a fresh database with a small demo city and the
//! demo accounts; `TestApp` helpers sign in and send forms with their CSRF tokens.

use std::net::SocketAddr;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::{CreditCode, IndustryCode};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::{NewEnterprise, Scope};
use xinzhi_web::{Application, WebConfig};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

pub const PASSWORD: &str = xinzhi_demo::accounts::DEMO_PASSWORD;

pub struct TestApp {
    pub base: String,
    /// A client with its own cookie jar (its own browser).
    pub client: reqwest::Client,
    pub db: TestDatabase,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// A server over a fresh SQLite file; nobody signed in yet.
pub async fn spawn_app() -> Result<TestApp> {
    TestApp::spawn_on(TestDatabase::sqlite().await?).await
}

/// A server with `username` (a demo account) signed in.
pub async fn spawn_signed_in(username: &str) -> Result<TestApp> {
    let app = spawn_app().await?;
    app.login(username, PASSWORD).await?;
    Ok(app)
}

/// A new client with its own cookie jar, not following redirects.
pub fn browser() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build()?)
}

/// The value of the first `<input … name="NAME" value="…">` in a page.
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &html[at + name.len() + 15..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// A server that trusts 127.0.0.1 as its reverse proxy, so that tests can speak for clients at
/// other addresses through `X-Forwarded-For`.
pub async fn spawn_behind_proxy() -> Result<TestApp> {
    let config = WebConfig { trusted_proxies: vec![std::net::Ipv4Addr::LOCALHOST.into()], ..WebConfig::default() };
    TestApp::spawn_configured(TestDatabase::sqlite().await?, config).await
}

impl TestApp {
    pub async fn spawn_on(db: TestDatabase) -> Result<TestApp> {
        TestApp::spawn_configured(db, WebConfig::default()).await
    }

    pub async fn spawn_configured(db: TestDatabase, web: WebConfig) -> Result<TestApp> {
        // A small city with a few indicators keeps each test's setup around a second.
        let config = DemoConfig {
            indicators: Some(vec![
                "gross_output".into(),
                "main_revenue".into(),
                "revenue".into(),
                "electricity".into(),
            ]),
            ..DemoConfig::new(Scale::Small, 42)
        };
        xinzhi_demo::load(&db.store, &config, |_, _| {}).await?;
        let hash = xinzhi_web::auth::hash_password(PASSWORD.into()).await?;
        xinzhi_demo::accounts::create_demo_accounts(&db.store, &hash).await?;
        let app = Application::build(db.store.clone(), web, SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Ok(TestApp { base, client: browser()?, db, stop, server })
    }

    pub async fn get(&self, path: &str) -> Result<reqwest::Response> {
        Ok(self.client.get(format!("{}{path}", self.base)).send().await?)
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Result<reqwest::Response> {
        let mut request = self.client.get(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Ok(request.send().await?)
    }

    /// The same server seen from a new browser (fresh cookie jar).
    pub fn with_new_browser(self) -> Result<TestApp> {
        Ok(TestApp { client: browser()?, ..self })
    }

    /// Signs in through the form (with the form's CSRF token); the response of the POST.
    pub async fn try_login_with(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> Result<reqwest::Response> {
        self.try_login_from(client, None, username, password).await
    }

    /// Signs in as a client at `address`, as a trusted proxy in front of the server would say
    /// (`X-Forwarded-For`; the server must trust 127.0.0.1, see [`spawn_behind_proxy`]).
    pub async fn try_login_from(
        &self,
        client: &reqwest::Client,
        address: Option<&str>,
        username: &str,
        password: &str,
    ) -> Result<reqwest::Response> {
        let form = client.get(format!("{}/login", self.base)).send().await?.text().await?;
        let csrf = hidden_value(&form, "csrf").ok_or("csrf field on the sign-in form")?;
        let mut request = client.post(format!("{}/login", self.base)).form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("next", "/"),
        ]);
        if let Some(address) = address {
            request = request.header("x-forwarded-for", address);
        }
        Ok(request.send().await?)
    }

    /// Signs this app's client in, and fails unless it worked.
    pub async fn login(&self, username: &str, password: &str) -> Result {
        let response = self.try_login_with(&self.client, username, password).await?;
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(format!("sign-in as {username} answered {}", response.status()).into());
        }
        Ok(())
    }

    /// The CSRF token of the signed-in session, read from a page's sign-out form.
    pub async fn csrf(&self) -> Result<String> {
        // The password page: every signed-in user reaches it, even one still enrolling a second factor.
        let html = self.get("/account/password").await?.text().await?;
        Ok(hidden_value(&html, "csrf").ok_or("csrf field on the password page")?)
    }

    /// Posts a form with the session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Result<reqwest::Response> {
        let csrf = self.csrf().await?;
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        Ok(self.client.post(format!("{}{path}", self.base)).form(&all).send().await?)
    }

    /// Adds a firm directly through the store (there is no write endpoint for firms yet).
    pub async fn insert_enterprise(&self, credit_code: &str, name: &str) -> Result {
        self.db
            .store
            .insert_enterprises(
                &Scope::City,
                &[NewEnterprise {
                    credit_code: CreditCode::parse(credit_code)?,
                    name: name.into(),
                    industry_code: IndustryCode::parse("C3813")?,
                    established_on: None,
                    closed_on: None,
                    land_area_mu: None,
                    employees: None,
                    address: Some("<b>地址</b>".into()),
                }],
            )
            .await?;
        Ok(())
    }

    /// A second server over the same database, as a deployment with two instances has it;
    /// `login` signs its own client in.
    pub async fn spawn_beside(&self) -> Result<Beside> {
        let store = xinzhi_store::Store::connect(&self.db.url).await?;
        let app =
            Application::build(store.clone(), WebConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        Ok(Beside { base, client: browser()?, store, stop, server })
    }

    /// Stops the server gracefully and removes the database.
    pub async fn stop(self) -> Result {
        let _ = self.stop.send(());
        self.server.await??;
        self.db.remove().await?;
        Ok(())
    }
}

/// A second server of a [`TestApp`]'s database.
pub struct Beside {
    pub base: String,
    pub client: reqwest::Client,
    store: xinzhi_store::Store,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

impl Beside {
    pub async fn login(&self, username: &str) -> Result {
        let form = self.client.get(format!("{}/login", self.base)).send().await?.text().await?;
        let csrf = hidden_value(&form, "csrf").ok_or("csrf field on the sign-in form")?;
        let response = self
            .client
            .post(format!("{}/login", self.base))
            .form(&[("csrf", csrf.as_str()), ("username", username), ("password", PASSWORD), ("next", "/")])
            .send()
            .await?;
        if response.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(format!("sign-in as {username} answered {}", response.status()).into());
        }
        Ok(())
    }

    pub async fn stop(self) -> Result {
        let _ = self.stop.send(());
        self.server.await??;
        self.store.close().await;
        Ok(())
    }
}

/// The rows of the first sheet of a workbook the server handed out.
pub fn sheet_rows(xlsx: &[u8]) -> Result<usize> {
    use std::io::Read;
    let mut sheet = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(xlsx))?
        .by_name("xl/worksheets/sheet1.xml")?
        .read_to_string(&mut sheet)?;
    Ok(sheet.matches("<row ").count())
}

/// Every source file of the crate (areas' folders and the kit included), for the tests that
/// read the route declarations.
pub fn source_files() -> Result<Vec<std::path::PathBuf>> {
    fn walk(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                walk(&path, found)?;
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
        Ok(())
    }
    let mut found = Vec::new();
    walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut found)?;
    found.sort();
    Ok(found)
}
