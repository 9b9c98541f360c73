//! `spawn_app`: a real server on port 0 over a fresh database with a small demo city.

use std::net::SocketAddr;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use xinzhi_demo::{DemoConfig, Scale};
use xinzhi_domain::{CreditCode, IndustryCode};
use xinzhi_store::testing::TestDatabase;
use xinzhi_store::{NewEnterprise, Scope};
use xinzhi_web::{Application, WebConfig};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

pub struct TestApp {
    pub base: String,
    client: reqwest::Client,
    db: TestDatabase,
    stop: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// A server over a fresh SQLite file.
pub async fn spawn_app() -> Result<TestApp> {
    TestApp::spawn_on(TestDatabase::sqlite().await?).await
}

impl TestApp {
    pub async fn spawn_on(db: TestDatabase) -> Result<TestApp> {
        // A small city with a few indicators keeps each test's setup around a second.
        let config = DemoConfig {
            indicators: Some(vec!["gross_output".into(), "main_revenue".into(), "electricity".into()]),
            ..DemoConfig::new(Scale::Small, 42)
        };
        xinzhi_demo::load(&db.store, &config, |_, _| {}).await?;
        let app =
            Application::build(db.store.clone(), WebConfig::default(), SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let base = format!("http://127.0.0.1:{}", app.port());
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        }));
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(TestApp { base, client, db, stop, server })
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

    /// Adds a firm directly through the store (the HTTP layer has no write endpoint yet).
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

    /// Stops the server gracefully and removes the database.
    pub async fn stop(self) -> Result {
        let _ = self.stop.send(());
        self.server.await??;
        self.db.remove().await?;
        Ok(())
    }
}
