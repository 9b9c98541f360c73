//! Signing in, sessions, CSRF, tokens, scopes, and the role × route matrix.

use reqwest::StatusCode;
use serde_json::Value;
use xinzhi_domain::Role;

use crate::Result;
use crate::helpers::{PASSWORD, browser, hidden_value, spawn_app, spawn_behind_proxy, spawn_signed_in};

#[tokio::test]
async fn pages_ask_to_sign_in_and_the_api_answers_401() -> Result {
    let app = spawn_app().await?;
    let page = app.get("/enterprises?district=436002").await?;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/login?next=%2Fenterprises%3Fdistrict%3D436002");
    let api = app.get("/api/v1/enterprises").await?;
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    let body: Value = api.json().await?;
    assert_eq!(body["error"]["code"], "unauthorized");
    app.stop().await
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_generic_answer() -> Result {
    let app = spawn_app().await?;
    let wrong = app.try_login_with(&browser()?, "district", "not-the-password").await?;
    let unknown = app.try_login_with(&browser()?, "nobody-here", "not-the-password").await?;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let (wrong, unknown) = (wrong.text().await?, unknown.text().await?);
    for html in [&wrong, &unknown] {
        assert!(html.contains("id=\"login-error\">用户名或密码错误，或账户已临时锁定<"), "generic message");
    }
    // Both attempts are in the audit log as failures.
    let admin = app
        .db
        .store
        .list_audit(
            &xinzhi_store::AuditFilter { action: Some("auth.login".into()), ..Default::default() },
            xinzhi_store::Page::new(10, 0),
        )
        .await?;
    assert_eq!(admin.items.iter().filter(|r| r.outcome == "failure").count(), 2);
    app.stop().await
}

/// The sign-in entries of the audit log (the newest hundred).
async fn sign_in_audit(app: &crate::helpers::TestApp) -> Result<Vec<xinzhi_store::AuditRecord>> {
    let filter = xinzhi_store::AuditFilter { action: Some("auth.login".into()), ..Default::default() };
    Ok(app.db.store.list_audit(&filter, xinzhi_store::Page::new(100, 0)).await?.items)
}

/// The sign-in page's error line.
fn login_error(html: &str) -> &str {
    html.split("id=\"login-error\">").nth(1).and_then(|rest| rest.split('<').next()).unwrap_or("")
}

#[tokio::test]
async fn a_spray_from_many_addresses_locks_strangers_out_but_not_the_owner_at_home() -> Result {
    let app = spawn_behind_proxy().await?;
    let home = "198.51.100.7";
    // The owner has signed in from the office before.
    assert_eq!(app.try_login_from(&browser()?, Some(home), "analyst", PASSWORD).await?.status(), StatusCode::SEE_OTHER);
    // Ten guesses from ten addresses (each address well under its own limit) lock the account.
    for i in 0..10 {
        let address = format!("203.0.113.{i}");
        let guess = app.try_login_from(&browser()?, Some(&address), "analyst", "guess-Number-1").await?;
        assert_eq!(guess.status(), StatusCode::UNAUTHORIZED);
    }
    // From a stranger's address the right password and a wrong one get the same answer.
    let right = app.try_login_from(&browser()?, Some("203.0.113.50"), "analyst", PASSWORD).await?;
    let wrong = app.try_login_from(&browser()?, Some("203.0.113.51"), "analyst", "another-Guess-2").await?;
    assert_eq!((right.status(), wrong.status()), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    let (right, wrong) = (right.text().await?, wrong.text().await?);
    assert_eq!(login_error(&right), login_error(&wrong), "no oracle while locked");
    assert_eq!(login_error(&right), "用户名或密码错误，或账户已临时锁定");
    // The owner, at their own address, is not locked out; others are not affected.
    assert_eq!(app.try_login_from(&browser()?, Some(home), "analyst", PASSWORD).await?.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.try_login_with(&browser()?, "leader", PASSWORD).await?.status(), StatusCode::SEE_OTHER);
    // The lock is in the audit log.
    let locks = sign_in_audit(&app)
        .await?
        .into_iter()
        .filter(|r| r.detail.as_deref().is_some_and(|d| d.contains("account_locked")))
        .count();
    assert_eq!(locks, 1);
    app.stop().await
}

#[tokio::test]
async fn an_address_that_keeps_guessing_waits_and_the_audit_log_grows_with_the_logarithm() -> Result {
    let app = spawn_behind_proxy().await?;
    let attacker = Some("203.0.113.66");
    let mut statuses = Vec::new();
    for i in 0..12 {
        let response = app.try_login_from(&browser()?, attacker, "admin", &format!("guess-Number-{i}")).await?;
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            // 30 seconds from the fifth failure, less what has passed since.
            let wait: i64 = response.headers()["retry-after"].to_str()?.parse()?;
            assert!((25..=30).contains(&wait), "{wait}");
            let message = format!("本地址登录失败次数过多，请{wait}秒后再试");
            assert!(login_error(&response.text().await?).starts_with(&message));
        }
    }
    assert_eq!(statuses, [[401; 5].as_slice(), &[429; 7]].concat(), "five guesses, then a wait");
    // Even the right password waits; another address does not.
    let right = app.try_login_from(&browser()?, attacker, "admin", PASSWORD).await?;
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.try_login_from(&browser()?, Some("198.51.100.8"), "admin", PASSWORD).await?.status(),
        StatusCode::SEE_OTHER
    );
    // 13 refused attempts: failures 1, 2 and 4, refusals 1, 2, 4 and 8 are written.
    let rows = sign_in_audit(&app).await?.into_iter().filter(|r| r.outcome == "failure").count();
    assert_eq!(rows, 7);
    app.stop().await
}

#[tokio::test]
async fn a_tampered_or_unknown_session_cookie_is_not_a_session() -> Result {
    let app = spawn_signed_in("admin").await?;
    assert_eq!(app.get("/account").await?.status(), StatusCode::OK);
    // Made-up, empty and malformed session cookies.
    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    for forged in ["xz_session=AAAAforgedAAAA", "xz_session=", "xz_session=%00%27%22"] {
        let page = plain.get(format!("{}/", app.base)).header("cookie", forged).send().await?;
        assert_eq!(page.status(), StatusCode::SEE_OTHER, "{forged}: to the sign-in page");
        let api = plain.get(format!("{}/api/v1/overview", app.base)).header("cookie", forged).send().await?;
        assert_eq!(api.status(), StatusCode::UNAUTHORIZED, "{forged}: 401");
    }
    app.stop().await
}

#[tokio::test]
async fn sign_out_ends_the_session_and_sign_out_everywhere_ends_them_all() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let second = browser()?;
    assert_eq!(app.try_login_with(&second, "analyst", PASSWORD).await?.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.get(format!("{}/account", app.base)).send().await?.status(), StatusCode::OK);
    let out = app.post_form("/logout/all", &[]).await?;
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/account").await?.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        second.get(format!("{}/account", app.base)).send().await?.status(),
        StatusCode::SEE_OTHER,
        "the other browser too"
    );
    app.login("analyst", PASSWORD).await?;
    assert_eq!(app.post_form("/logout", &[]).await?.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/v1/overview").await?.status(), StatusCode::UNAUTHORIZED);
    app.stop().await
}

#[tokio::test]
async fn state_changes_without_the_csrf_token_or_from_another_site_are_refused() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let post = |path: &str, fields: &[(&str, &str)]| app.client.post(format!("{}{path}", app.base)).form(fields).send();
    assert_eq!(post("/account/lang", &[("lang", "en")]).await?.status(), StatusCode::FORBIDDEN, "missing token");
    assert_eq!(
        post("/account/lang", &[("lang", "en"), ("csrf", "wrong")]).await?.status(),
        StatusCode::FORBIDDEN,
        "wrong token"
    );
    let csrf = app.csrf().await?;
    let cross_site = app
        .client
        .post(format!("{}/account/lang", app.base))
        .header("origin", "https://evil.example")
        .form(&[("lang", "en"), ("csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN, "another origin");
    let sign_in_without_token = browser()?
        .post(format!("{}/login", app.base))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await?;
    assert_eq!(sign_in_without_token.status(), StatusCode::FORBIDDEN, "the sign-in form has a token too");
    // With the token it works, and the language choice persists for the user.
    assert_eq!(app.post_form("/account/lang", &[("lang", "en")]).await?.status(), StatusCode::SEE_OTHER);
    let fresh = browser()?;
    app.try_login_with(&fresh, "analyst", PASSWORD).await?;
    let html = fresh.get(format!("{}/", app.base)).send().await?.text().await?;
    assert!(html.contains("<html lang=\"en\">"), "the user's language comes back at the next sign-in");
    app.stop().await
}

#[tokio::test]
async fn a_district_officer_sees_only_the_district_and_others_get_404() -> Result {
    let app = spawn_signed_in("district").await?;
    let mine: Value = app.get("/api/v1/enterprises?limit=500").await?.json().await?;
    let items = mine["items"].as_array().ok_or("items")?;
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["district_code"] == "436002"), "only 潇水区");
    assert_eq!(mine["total"].as_i64(), Some(items.len() as i64));
    // A firm of another district, by URL and by API, does not exist for this officer.
    let other = app
        .db
        .store
        .search_enterprises(
            &xinzhi_store::Scope::City,
            &xinzhi_store::EnterpriseFilter {
                district: Some(xinzhi_domain::RegionCode::parse("436021")?),
                ..Default::default()
            },
            xinzhi_store::Page::new(1, 0),
        )
        .await?;
    let other_code = other.items[0].credit_code.to_string();
    assert_eq!(app.get(&format!("/enterprises/{other_code}")).await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/enterprises/{other_code}")).await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/enterprises/{other_code}/values")).await?.status(), StatusCode::NOT_FOUND);
    // The attempts are audited as denials.
    let denials = app
        .db
        .store
        .list_audit(
            &xinzhi_store::AuditFilter { action: Some("access.denied".into()), ..Default::default() },
            xinzhi_store::Page::new(10, 0),
        )
        .await?;
    assert_eq!(denials.total, 3);
    assert!(denials.items.iter().all(|d| d.actor == "district" && d.object_id.as_deref() == Some(other_code.as_str())));
    // The overview counts only the district.
    let overview: Value = app.get("/api/v1/overview").await?.json().await?;
    assert_eq!(overview["enterprises"].as_i64(), Some(items.len() as i64));
    app.stop().await
}

#[tokio::test]
async fn a_reporter_sees_only_its_enterprise_and_a_department_no_enterprise_data() -> Result {
    let app = spawn_signed_in("reporter").await?;
    let mine: Value = app.get("/api/v1/enterprises").await?.json().await?;
    assert_eq!(mine["total"], 1);
    let code = mine["items"][0]["credit_code"].as_str().ok_or("code")?.to_owned();
    assert_eq!(app.get(&format!("/enterprises/{code}")).await?.status(), StatusCode::OK);
    app.stop().await?;

    let app = spawn_signed_in("department").await?;
    let none: Value = app.get("/api/v1/enterprises").await?.json().await?;
    assert_eq!(none["total"], 0);
    let overview: Value = app.get("/api/v1/overview").await?.json().await?;
    assert_eq!(overview["enterprises"], 0);
    assert_eq!(app.get(&format!("/api/v1/enterprises/{code}")).await?.status(), StatusCode::NOT_FOUND);
    app.stop().await
}

#[tokio::test]
async fn api_tokens_carry_the_users_scope_and_stop_working_when_revoked() -> Result {
    let app = spawn_signed_in("district").await?;
    let created = app.post_form("/account/tokens", &[("name", "报表脚本")]).await?.text().await?;
    let at = created.find("id=\"new-token\">").ok_or("token shown once")? + 15;
    let token = created[at..at + created[at..].find('<').ok_or("end")?].to_owned();
    assert!(token.starts_with("xz_"));
    let plain = reqwest::Client::new();
    let call = || plain.get(format!("{}/api/v1/enterprises?limit=500", app.base)).bearer_auth(&token).send();
    let listed: Value = call().await?.json().await?;
    let items = listed["items"].as_array().ok_or("items")?;
    assert!(
        !items.is_empty() && items.iter().all(|i| i["district_code"] == "436002"),
        "the token has the officer's scope"
    );
    // Revoke it from the account page: the next call is 401.
    let account = app.get("/account").await?.text().await?;
    let form = account.find("/account/tokens/").ok_or("revoke form")? + 16;
    let id: String = account[form..].chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(app.post_form(&format!("/account/tokens/{id}/revoke"), &[]).await?.status(), StatusCode::SEE_OTHER);
    assert_eq!(call().await?.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        plain.get(format!("{}/api/v1/overview", app.base)).bearer_auth("xz_forged").send().await?.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await
}

#[tokio::test]
async fn a_new_user_must_change_the_temporary_password_first() -> Result {
    let app = spawn_signed_in("admin").await?;
    let created = app
        .post_form(
            "/admin/users",
            &[("username", "wang.wei"), ("display_name", "王伟"), ("role", "park_officer"), ("scope", "XZETDZ")],
        )
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let html = created.text().await?;
    let at = html.find("id=\"temporary-password\">").ok_or("password shown")? + 24;
    let temporary = html[at..at + html[at..].find('<').ok_or("end")?].to_owned();
    // The security administrator grants the role asked for.
    let security = app.with_new_browser()?;
    security.login("secadmin", PASSWORD).await?;
    let id = security.db.store.list_users().await?.into_iter().find(|u| u.username.as_str() == "wang.wei");
    let path = format!("/admin/users/{}", id.ok_or("wang.wei")?.user_id.0);
    let granted = security.post_form(&path, &[("role", "park_officer"), ("scope", "XZETDZ")]).await?;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);

    let user = security.with_new_browser()?;
    user.login("wang.wei", &temporary).await?;
    let forced = user.get("/enterprises").await?;
    assert_eq!(forced.status(), StatusCode::SEE_OTHER);
    assert_eq!(forced.headers()["location"], "/account/password");
    let csrf = hidden_value(&user.get("/account/password").await?.text().await?, "csrf").ok_or("csrf")?;
    let weak = user
        .client
        .post(format!("{}/account/password", user.base))
        .form(&[("csrf", csrf.as_str()), ("current", temporary.as_str()), ("new", "short"), ("confirm", "short")])
        .send()
        .await?;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().await?.contains("至少需要10个字符"));
    let strong = "潇州-Park-2026";
    let changed = user
        .client
        .post(format!("{}/account/password", user.base))
        .form(&[("csrf", csrf.as_str()), ("current", temporary.as_str()), ("new", strong), ("confirm", strong)])
        .send()
        .await?;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(user.get("/enterprises").await?.status(), StatusCode::OK);
    let bad_scope = user.db.store.resolve_scope(xinzhi_domain::Role::ParkOfficer, Some("NOPE")).await;
    assert!(bad_scope.is_err());
    user.stop().await
}

#[tokio::test]
async fn admin_pages_are_404_for_others_and_the_denial_is_audited() -> Result {
    let app = spawn_signed_in("leader").await?;
    for path in ["/admin/users", "/admin/audit", "/admin/audit.csv", "/admin/users/1"] {
        assert_eq!(app.get(path).await?.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let auditor = app.with_new_browser()?;
    auditor.login("auditor", PASSWORD).await?;
    let audit = auditor.get("/admin/audit?action=access.denied").await?.text().await?;
    assert!(audit.contains("id=\"audit-total\">共 4 条<"), "four denials logged");
    let csv = auditor.get("/admin/audit.csv?action=auth.login").await?;
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await?;
    assert!(text.contains("\"auth.login\"") && text.contains("\"leader\"") && text.contains("\"auditor\""));
    let bad = auditor.get("/admin/audit?from=yesterday").await?;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    auditor.stop().await
}

#[tokio::test]
async fn account_and_role_changes_are_audited_old_to_new_and_text_fields_are_escaped() -> Result {
    let app = spawn_signed_in("admin").await?;
    let users = app.db.store.list_users().await?;
    let analyst = users.iter().find(|u| u.username.as_str() == "analyst").ok_or("analyst")?;
    let path = format!("/admin/users/{}", analyst.user_id.0);
    let renamed = app.post_form(&path, &[("display_name", "<img src=x onerror=alert(1)>")]).await?;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    let list = app.get("/admin/users").await?.text().await?;
    assert!(!list.contains("<img src=x") && list.contains("&#60;img src=x"));
    let too_long = "名".repeat(61);
    let rejected = app.post_form(&path, &[("display_name", too_long.as_str())]).await?;
    assert_eq!(rejected.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(rejected.text().await?.contains("data-field=\"display_name\""));

    let security = app.with_new_browser()?;
    security.login("secadmin", PASSWORD).await?;
    let moved = security.post_form(&path, &[("role", "district_officer"), ("scope", "436021")]).await?;
    assert_eq!(moved.status(), StatusCode::SEE_OTHER);
    let auditor = security.with_new_browser()?;
    auditor.login("auditor", PASSWORD).await?;
    let audit = auditor.get("/admin/audit?action=user.update").await?.text().await?;
    assert!(audit.contains("city_analyst") && audit.contains("district_officer"), "old and new role");
    assert!(audit.contains("&#60;img src=x"), "the new name, escaped");
    auditor.stop().await
}

/// 三员分立: the system administrator creates an account, which cannot sign in until the
/// security administrator grants its role; neither can do the other's work or the auditor's,
/// and the auditor alone reads what they did.
#[tokio::test]
async fn the_three_administrators_each_do_their_own_duty_and_nothing_else() -> Result {
    let system = spawn_signed_in("admin").await?;
    let store = system.db.store.clone();
    let id_of = |name: &'static str| {
        let store = store.clone();
        async move {
            let users = store.list_users().await?;
            let user = users.into_iter().find(|u| u.username.as_str() == name).ok_or(name)?;
            Result::<xinzhi_store::User>::Ok(user)
        }
    };

    // The system administrator creates an account; the role it asks for waits to be granted.
    let created = system
        .post_form(
            "/admin/users",
            &[("username", "newbie"), ("display_name", "新同事"), ("role", "district_officer"), ("scope", "436021")],
        )
        .await?;
    assert_eq!(created.status(), StatusCode::CREATED);
    let page = created.text().await?;
    assert!(page.contains("id=\"role-pending\""));
    let temporary = page.split("id=\"temporary-password\">").nth(1).and_then(|r| r.split('<').next()).ok_or("pw")?;
    let temporary = temporary.to_owned();
    let newbie = id_of("newbie").await?;
    assert!(newbie.role_pending);
    let refused = system.try_login_with(&browser()?, "newbie", &temporary).await?;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED, "back to the sign-in form");
    assert!(refused.text().await?.contains("尚待安全管理员授权角色"));

    // It cannot grant or change a role (the fields are ignored), nor touch the other two
    // administrators' accounts, nor unlock, nor read the audit log.
    let newbie_path = format!("/admin/users/{}", newbie.user_id.0);
    let renamed = system
        .post_form(&newbie_path, &[("display_name", "新同事甲"), ("role", "city_analyst"), ("scope", "")])
        .await?;
    assert_eq!(renamed.status(), StatusCode::SEE_OTHER);
    let after = id_of("newbie").await?;
    assert_eq!(
        (after.display_name.as_str(), after.role, after.role_pending),
        ("新同事甲", Role::DistrictOfficer, true)
    );
    let auditor = id_of("auditor").await?;
    let secadmin = id_of("secadmin").await?;
    for (path, fields) in [
        (format!("/admin/users/{}", auditor.user_id.0), vec![("display_name", "x"), ("disabled", "on")]),
        (format!("/admin/users/{}/reset-password", secadmin.user_id.0), vec![]),
    ] {
        let response = system.post_form(&path, &fields).await?;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(response.text().await?.contains("xinzhi user"), "{path}");
    }
    assert!(!id_of("auditor").await?.disabled);
    assert_eq!(system.post_form(&format!("{newbie_path}/unlock"), &[]).await?.status(), StatusCode::NOT_FOUND);
    assert_eq!(system.get("/admin/audit").await?.status(), StatusCode::NOT_FOUND);

    // The security administrator grants the role; it cannot create accounts, rename them,
    // reset passwords, change its own role, or see any enterprise.
    let security = system.with_new_browser()?;
    security.login("secadmin", PASSWORD).await?;
    let home = security.get("/").await?;
    assert_eq!(home.headers()["location"], "/admin/users");
    let form = security.get(&newbie_path).await?.text().await?;
    assert!(
        form.contains("id=\"role-pending\"")
            && form.contains("name=\"role\"")
            && !form.contains("name=\"display_name\"")
    );
    let granted = security
        .post_form(&newbie_path, &[("display_name", "改名"), ("role", "district_officer"), ("scope", "436021")])
        .await?;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);
    let after = id_of("newbie").await?;
    assert_eq!((after.display_name.as_str(), after.role_pending), ("新同事甲", false));
    assert_eq!(security.try_login_with(&browser()?, "newbie", &temporary).await?.status(), StatusCode::SEE_OTHER);
    for (path, fields) in [
        ("/admin/users".to_owned(), vec![("username", "another"), ("display_name", "x"), ("role", "city_leader")]),
        (format!("{newbie_path}/reset-password"), vec![]),
    ] {
        assert_eq!(security.post_form(&path, &fields).await?.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let own = security
        .post_form(&format!("/admin/users/{}", secadmin.user_id.0), &[("role", "city_leader"), ("scope", "")])
        .await?;
    assert_eq!(own.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(id_of("secadmin").await?.role, Role::SecurityAdmin);
    for path in ["/enterprises", "/api/v1/enterprises", "/monitor", "/admin/audit"] {
        assert_eq!(security.get(path).await?.status(), StatusCode::NOT_FOUND, "{path}");
    }
    // It lifts a lock.
    let policy = xinzhi_domain::SignInThrottle::DEFAULT;
    for _ in 0..10 {
        store.account_sign_in_failed(newbie.user_id, auth_now(), &policy).await?;
    }
    assert!(id_of("newbie").await?.locked_until > auth_now());
    let unlocked = security.post_form(&format!("{newbie_path}/unlock"), &[]).await?;
    assert_eq!(unlocked.status(), StatusCode::SEE_OTHER);
    assert_eq!(id_of("newbie").await?.locked_until, 0);
    // And removes a lost second factor.
    let system_actor = xinzhi_store::AuditActor::system("test");
    store.begin_totp(newbie.user_id, "JBSWY3DPEHPK3PXP").await?;
    store.enable_totp(newbie.user_id, 1, &[], &system_actor).await?;
    assert!(security.get(&newbie_path).await?.text().await?.contains("id=\"reset-two-factor-form\""));
    let reset = security.post_form(&format!("{newbie_path}/reset-two-factor"), &[]).await?;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert!(!id_of("newbie").await?.two_factor);

    // The auditor reads it all, and nothing else.
    let audit = security.with_new_browser()?;
    audit.login("auditor", PASSWORD).await?;
    let csv = audit.get("/admin/audit.csv").await?.text().await?;
    for action in ["user.create", "user.update", "user.unlock", "two_factor.reset", "access.denied", "\"role_pending\""]
    {
        assert!(csv.contains(action), "{action} in the audit log");
    }
    for path in ["/admin/users", "/admin/users/new", "/enterprises", "/api/v1/overview"] {
        assert_eq!(audit.get(path).await?.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(audit.post_form(&format!("{newbie_path}/unlock"), &[]).await?.status(), StatusCode::NOT_FOUND);
    audit.stop().await
}

fn auth_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Every route × every role, against a table kept here. The table must name every route the
/// router has: the test reads the router sources and fails on a route missing from it.
#[tokio::test]
async fn the_scope_matrix_holds_for_every_route_and_role() -> Result {
    // Expected status per role: anonymous, the system, security and audit administrators,
    // leader, analyst, district, park, department, reporter.
    // 200 ok · 303 sign-in redirect · 401 API without auth · 404 hidden · 403 no CSRF token.
    const ROLES: [&str; 10] =
        ["", "admin", "secadmin", "auditor", "leader", "analyst", "district", "park", "department", "reporter"];
    let app = spawn_app().await?;
    let store = &app.db.store;
    let city = xinzhi_store::Scope::City;
    let firm_in = |district: &str, park: Option<&str>| {
        let district = xinzhi_domain::RegionCode::parse(district).ok();
        let park = park.map(str::to_owned);
        async move {
            let found = store
                .search_enterprises(
                    &city,
                    &xinzhi_store::EnterpriseFilter { district, park, ..Default::default() },
                    xinzhi_store::Page::new(1, 0),
                )
                .await?;
            Ok::<String, Box<dyn std::error::Error>>(found.items.first().ok_or("a firm")?.credit_code.to_string())
        }
    };
    // In the district and the park of the demo officers; in another district; the reporter's own.
    let near = firm_in("436002", Some("XZETDZ")).await?;
    let far = firm_in("436021", None).await?;
    let reporter =
        store.list_users().await?.into_iter().find(|u| u.username.as_str() == "reporter").ok_or("reporter")?;
    let (own, _, _) = store.describe_scope(&reporter.scope).await?;
    let own_in_park = store
        .search_enterprises(
            &city,
            &xinzhi_store::EnterpriseFilter {
                park: Some("XZETDZ".into()),
                text: Some(own.clone()),
                ..Default::default()
            },
            xinzhi_store::Page::new(1, 0),
        )
        .await?
        .total
        == 1;
    let near_is_own = near == own;
    let p = if own_in_park { 200 } else { 404 };
    let r = if near_is_own { 200 } else { 404 };
    let admin_id =
        store.list_users().await?.into_iter().find(|u| u.username.as_str() == "admin").ok_or("admin")?.user_id.0;
    // A 亩均 run (no results needed to see who may open it).
    let system = xinzhi_store::AuditActor::system("test");
    let group = xinzhi_domain::mu::Group::AboveScale;
    let run = store.create_mu_run(&city, 2024, group, "HY-2022", &[], &system).await?;
    let draft = xinzhi_store::policies::PolicyDraft {
        title: "测试政策".into(),
        issuer: "潇州市工业和信息化局".into(),
        document_no: None,
        issued_on: 20240101,
        valid_from: 20240101,
        valid_to: None,
        summary: "测试".into(),
        benefit: "测试".into(),
        condition: "above_scale".into(),
        automatic: true,
    };
    let policy = store.save_policy(&city, None, &draft, &system).await?;

    let get_rows: Vec<(String, [u16; 10])> = vec![
        ("/".into(), [303, 200, 303, 303, 200, 200, 200, 200, 200, 200]),
        ("/enterprises".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        (format!("/enterprises/{near}"), [303, 200, 404, 404, 200, 200, 200, 200, 404, r]),
        (format!("/enterprises/{far}"), [303, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        (format!("/enterprises/{own}"), [303, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        ("/chains".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/chains/rare_earth".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/account".into(), [303, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        ("/account/password".into(), [303, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        ("/account/two-factor".into(), [303, 200, 200, 200, 200, 200, 200, 200, 200, 200]),
        ("/admin/users".into(), [303, 200, 200, 404, 404, 404, 404, 404, 404, 404]),
        ("/admin/users/new".into(), [303, 200, 404, 404, 404, 404, 404, 404, 404, 404]),
        (format!("/admin/users/{admin_id}"), [303, 200, 200, 404, 404, 404, 404, 404, 404, 404]),
        ("/admin/security".into(), [303, 404, 200, 404, 404, 404, 404, 404, 404, 404]),
        ("/admin/audit".into(), [303, 404, 404, 200, 404, 404, 404, 404, 404, 404]),
        ("/admin/audit.csv".into(), [303, 404, 404, 200, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/overview".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/regions".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/parks".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/indicators".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/enterprises".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        (format!("/api/v1/enterprises/{far}"), [401, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        (format!("/api/v1/enterprises/{far}/values"), [401, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        (format!("/api/v1/enterprises/{own}/values"), [401, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        (format!("/api/v1/reports/{own}/2024-06"), [401, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        ("/reports".into(), [303, 303, 404, 404, 303, 303, 303, 303, 404, 303]),
        ("/reports/review".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/reports/import".into(), [303, 200, 404, 404, 404, 200, 200, 200, 404, 404]),
        ("/reports/settings".into(), [303, 200, 404, 404, 404, 200, 404, 404, 404, 404]),
        ("/reports/official?period=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 404, 404, 404]),
        ("/reports/completion?period=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/reports/completion.xlsx?period=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/reports/completion?period=2024-06".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/reports/import/nosuch1".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/reports/import/nosuch1/errors.xlsx".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/reports/template.xlsx?period=2024-06".into(), [303, 200, 404, 404, 404, 200, 200, 200, 404, 200]),
        ("/api/v1/reports/template.xlsx".into(), [401, 200, 404, 404, 404, 200, 200, 200, 404, 200]),
        (format!("/reports/{own}/2024-06"), [303, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        (format!("/reports/{far}/2024-06"), [303, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        (format!("/api/v1/reports/{far}/2024-06"), [401, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        ("/monitor?month=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        (
            "/monitor/firms?month=2024-06&unit=district:436002".into(),
            [303, 200, 404, 404, 200, 200, 200, 200, 404, 404],
        ),
        ("/monitor/targets?year=2024".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/monitor/cockpit?month=2024-06".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/monitor/firms?month=2024-06".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/monitor/targets?year=2024".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation/pools/little_giant".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation/rules".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/cultivation/ladder".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/cultivation/pools/little_giant".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/cultivation/rules/ladder".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation/rules?kind=mu".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/cultivation/rules/mu".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation/mu".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 200]),
        (format!("/cultivation/mu/{run}"), [303, 200, 404, 404, 200, 200, 200, 200, 404, 200]),
        (format!("/cultivation/mu/{run}/low-efficiency.xlsx"), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/mu/runs".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 200]),
        (format!("/api/v1/mu/runs/{run}"), [401, 200, 404, 404, 200, 200, 200, 200, 404, 200]),
        ("/cultivation/mu/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/cultivation/promotion?month=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/promotion?month=2024-06".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation/programmes".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/cultivation/commendations".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/policies".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/projects".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/tasks".into(), [303, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/tasks.xlsx".into(), [303, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/projects.xlsx?month=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/requests/departments.xlsx".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 404]),
        ("/tasks/supervision".into(), [303, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/tasks/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/inbox".into(), [303, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/api/v1/tasks".into(), [401, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/api/v1/tasks/supervision".into(), [401, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/api/v1/tasks/99999".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/inbox".into(), [401, 200, 404, 404, 200, 200, 200, 404, 200, 404]),
        ("/projects/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/projects/import".into(), [303, 200, 404, 404, 404, 200, 200, 200, 404, 404]),
        ("/projects/template.xlsx".into(), [303, 200, 404, 404, 404, 200, 200, 200, 404, 404]),
        ("/projects/import/nosuch1".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/briefings".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/briefings/templates".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/briefings/tables.xlsx?month=2024-06".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/briefings/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/briefings/99999/word.docx".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/briefings".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/briefings/templates".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/briefings/99999".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/benchmark".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/benchmark/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/benchmark".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/benchmark/reports".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/benchmark/reports/99999".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/requests/categories".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/requests/categories".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/attachments/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/attachments/99999".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/tasks/99999/attachments".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/requests/99999/attachments".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/projects".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/projects/99999".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/requests".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/requests/departments".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 404]),
        ("/requests/calendar".into(), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/requests/99999".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/api/v1/requests".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/requests/departments".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 404]),
        ("/api/v1/requests/calendar".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/requests/99999".into(), [401, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        (format!("/policies/{policy}"), [303, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        (format!("/policies/{policy}/eligible.xlsx"), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/policies".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        (format!("/api/v1/policies/{policy}"), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        (format!("/api/v1/policies/{policy}/eligible"), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        (format!("/enterprises/{own}/policies"), [303, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        (format!("/enterprises/{far}/policies"), [303, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        (format!("/api/v1/enterprises/{own}/policies"), [401, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        ("/cultivation/commendations.xlsx".into(), [303, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/commendations".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/cultivation/rules/commendation".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        ("/api/v1/programmes".into(), [401, 200, 404, 404, 200, 200, 200, 200, 404, 404]),
        (format!("/enterprises/{own}/profile"), [303, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        (format!("/enterprises/{far}/profile"), [303, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        (format!("/api/v1/profiles/{own}/2024"), [401, 200, 404, 404, 200, 200, 200, p, 404, 200]),
        (format!("/api/v1/profiles/{far}/2024"), [401, 200, 404, 404, 200, 200, 404, 404, 404, 404]),
        ("/cultivation/profiles/import".into(), [303, 200, 404, 404, 404, 200, 200, 200, 404, 404]),
        ("/cultivation/profiles/import/nosuch1".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/cultivation/profiles/import/nosuch1/errors.xlsx".into(), [303, 404, 404, 404, 404, 404, 404, 404, 404, 404]),
        ("/cultivation/profiles/template.xlsx?year=2024".into(), [303, 200, 404, 404, 404, 200, 200, 200, 404, 200]),
        ("/api/v1/chains".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/api/v1/chains/rare_earth".into(), [401, 200, 404, 404, 200, 200, 200, 200, 200, 200]),
        ("/healthz".into(), [200; 10]),
        ("/api/v1/openapi.json".into(), [200; 10]),
        ("/api/v1/docs".into(), [200; 10]),
        // Loopback may read the metrics (the tests' clients are all on 127.0.0.1).
        ("/metrics".into(), [200; 10]),
        ("/login".into(), [200; 10]),
        // Without a sign-in waiting for its second factor, back to the sign-in page.
        ("/login/two-factor".into(), [303; 10]),
        ("/lang/en?next=/".into(), [303; 10]),
        ("/static/app.css".into(), [200; 10]),
    ];
    // Unsafe requests without a CSRF token are refused for everyone, whatever the route.
    let post_routes = [
        "/login",
        "/logout",
        "/logout/all",
        "/account/password",
        "/account/two-factor",
        "/login/two-factor",
        "/account/lang",
        "/account/tokens",
        "/account/tokens/1/revoke",
        "/admin/users",
        "/admin/users/1",
        "/admin/users/1/reset-password",
        "/admin/users/1/unlock",
        "/admin/users/1/reset-two-factor",
        "/admin/security",
        "/api/v1/reports/91350100M000100Y43/2024-06/review",
        "/api/v1/reports/91350100M000100Y43/2024-06/correction",
        "/reports/review",
        "/reports/import",
        "/reports/import/nosuch1",
        "/reports/completion/exception",
        "/reports/settings",
        "/reports/settings/rules",
        "/reports/settings/firms",
        "/reports/official",
        "/api/v1/reports/import",
        "/reports/91350100M000100Y43/2024-06",
        "/reports/91350100M000100Y43/2024-06/review",
        "/monitor/targets",
        "/api/v1/monitor/targets",
        "/api/v1/monitor/targets/1/delete",
        "/cultivation/rules",
        "/api/v1/cultivation/rules/ladder",
        "/enterprises/91350100M000100Y43/profile",
        "/cultivation/profiles/import",
        "/cultivation/profiles/import/nosuch1",
        "/api/v1/profiles/import",
        "/cultivation/mu",
        "/cultivation/mu/1",
        "/api/v1/mu/runs",
        "/api/v1/mu/runs/1/actions",
        "/api/v1/mu/runs/1/objections",
        "/cultivation/promotion",
        "/api/v1/promotion/cases",
        "/cultivation/programmes",
        "/cultivation/programmes/1/delete",
        "/api/v1/programmes",
        "/api/v1/programmes/1/delete",
        "/policies",
        "/policies/1",
        "/requests",
        "/requests/calendar",
        "/projects",
        "/projects/1",
        "/tasks",
        "/tasks/1",
        "/api/v1/tasks",
        "/api/v1/tasks/actions",
        "/api/v1/tasks/1/progress",
        "/api/v1/projects",
        "/api/v1/projects/1/stage",
        "/api/v1/projects/1/plan",
        "/api/v1/projects/1/investments",
        "/projects/import",
        "/projects/import/nosuch1",
        "/api/v1/projects/import",
        "/requests/1/attachments",
        "/requests/categories",
        "/benchmark",
        "/briefings",
        "/briefings/templates",
        "/briefings/1",
        "/api/v1/briefings",
        "/api/v1/briefings/templates",
        "/api/v1/briefings/1",
        "/benchmark/1",
        "/api/v1/benchmark/reports",
        "/api/v1/benchmark/reports/1",
        "/api/v1/benchmark/reports/1/facts/1",
        "/api/v1/requests/categories",
        "/api/v1/tasks/1/attachments",
        "/api/v1/requests/1/attachments",
        "/requests/1",
        "/api/v1/requests",
        "/api/v1/requests/calendar",
        "/api/v1/requests/1/steps",
        "/api/v1/policies",
        "/api/v1/policies/check",
        "/api/v1/policies/1",
        "/api/v1/policies/1/decisions",
    ];

    // The table covers every route the router declares.
    // Every source file of the crate, so that a new module's routes are found too.
    let sources: Vec<String> =
        crate::helpers::source_files()?.into_iter().map(std::fs::read_to_string).collect::<std::io::Result<_>>()?;
    let declared: Vec<String> = sources
        .iter()
        .flat_map(|s| {
            s.match_indices(".route(\"").map(move |(i, _)| {
                let rest = &s[i + 8..];
                rest[..rest.find('"').unwrap_or(0)].to_owned()
            })
        })
        .collect();
    let normalise = |route: &str| -> String {
        route.split('/').map(|part| if part.starts_with('{') { "*" } else { part }).collect::<Vec<_>>().join("/")
    };
    let covered: Vec<String> = get_rows
        .iter()
        .map(|(path, _)| path.split('?').next().unwrap_or(""))
        .chain(post_routes.iter().copied())
        .map(|p| {
            let p = p.strip_prefix("/api/v1").unwrap_or(p);
            // A rule kind stands for `{kind}`.
            let p = p
                .replace("/rules/ladder", "/rules/*")
                .replace("/rules/mu", "/rules/*")
                .replace("/rules/commendation", "/rules/*");
            // Concrete ids and codes stand for the route's parameters.
            p.split('/')
                .map(|part| {
                    if part.chars().any(|c| c.is_ascii_digit())
                        || part == "rare_earth"
                        || part == "en"
                        || part == "little_giant"
                    {
                        "*"
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    for route in &declared {
        let route = normalise(route);
        assert!(
            covered.iter().any(|c| *c == route || c.ends_with(&route)),
            "route {route} is missing from the scope matrix"
        );
    }

    let mut checked = 0;
    for (column, role) in ROLES.iter().enumerate() {
        let client = browser()?;
        if !role.is_empty() {
            let signed_in = app.try_login_with(&client, role, PASSWORD).await?;
            assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "sign-in as {role}");
        }
        for (path, expected) in &get_rows {
            let status = client.get(format!("{}{path}", app.base)).send().await?.status().as_u16();
            assert_eq!(status, expected[column], "GET {path} as {}", if role.is_empty() { "anonymous" } else { role });
            checked += 1;
        }
        for path in post_routes {
            let status = client.post(format!("{}{path}", app.base)).form(&[("x", "1")]).send().await?.status();
            assert_eq!(status, StatusCode::FORBIDDEN, "POST {path} without a token as {role}");
            checked += 1;
        }
    }
    eprintln!("scope matrix: {checked} role × route checks");
    assert_eq!(checked, ROLES.len() * (get_rows.len() + post_routes.len()));
    app.stop().await
}

#[tokio::test]
async fn every_next_is_a_path_on_this_site_and_never_a_500() -> Result {
    let app = spawn_app().await?;
    for (next, expected) in [
        ("/\n/x", "/"),
        ("/\t/evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("/enterprises?q=潇水", "/enterprises?q=%E6%BD%87%E6%B0%B4"),
    ] {
        let client = browser()?;
        let form = client.get(format!("{}/login", app.base)).send().await?.text().await?;
        let csrf = hidden_value(&form, "csrf").ok_or("csrf")?;
        let signed_in = client
            .post(format!("{}/login", app.base))
            .form(&[("csrf", csrf.as_str()), ("username", "analyst"), ("password", PASSWORD), ("next", next)])
            .send()
            .await?;
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(signed_in.headers()["location"], expected, "after sign-in with {next:?}");
        let switched = client.get(format!("{}/lang/en", app.base)).query(&[("next", next)]).send().await?;
        assert_eq!(switched.status(), StatusCode::SEE_OTHER);
        assert_eq!(switched.headers()["location"], expected, "after a language switch with {next:?}");
    }
    app.stop().await
}

#[tokio::test]
async fn tokens_expire_end_with_the_sessions_and_wait_for_a_changed_password() -> Result {
    let app = spawn_signed_in("analyst").await?;
    let new_token = |days: &'static str| {
        let app = &app;
        async move {
            let page = app.post_form("/account/tokens", &[("name", "ci"), ("days", days)]).await?;
            let status = page.status();
            let html = page.text().await?;
            let token =
                html.split("id=\"new-token\">").nth(1).and_then(|rest| rest.split('<').next()).map(str::to_owned);
            Result::<(StatusCode, Option<String>, String)>::Ok((status, token, html))
        }
    };
    let (status, _, html) = new_token("400").await?;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("有效期应为1到365天"));
    let (_, token, html) = new_token("30").await?;
    let token = token.ok_or("a token")?;
    assert!(html.contains("到期时间"), "the list shows when it expires");
    let api = |token: String| {
        let base = app.base.clone();
        async move {
            Result::<StatusCode>::Ok(
                reqwest::Client::new().get(format!("{base}/api/v1/overview")).bearer_auth(token).send().await?.status(),
            )
        }
    };
    assert_eq!(api(token.clone()).await?, StatusCode::OK);
    let stored = app
        .db
        .store
        .list_api_tokens(
            app.db.store.user_for_login(&xinzhi_domain::Username::parse("analyst")?).await?.ok_or("analyst")?.0.user_id,
        )
        .await?;
    let expires = stored.iter().map(|t| t.expires_at - t.created_at).max();
    assert_eq!(expires, Some(30 * 86_400));
    // "Sign out everywhere" ends the token too.
    assert_eq!(app.post_form("/logout/all", &[]).await?.status(), StatusCode::SEE_OTHER);
    assert_eq!(api(token).await?, StatusCode::UNAUTHORIZED);

    // After an administrator's reset, the API waits until the temporary password is changed.
    let admin = app.with_new_browser()?;
    admin.login("admin", PASSWORD).await?;
    let analyst = admin.db.store.user_for_login(&xinzhi_domain::Username::parse("analyst")?).await?.ok_or("analyst")?.0;
    let reset =
        admin.post_form(&format!("/admin/users/{}/reset-password", analyst.user_id.0), &[]).await?.text().await?;
    let temporary = reset.split("Xz-").nth(1).map(|rest| format!("Xz-{}", &rest[..16])).ok_or("temporary password")?;
    let user = admin.with_new_browser()?;
    user.login("analyst", &temporary).await?;
    let blocked = user.get("/api/v1/overview").await?;
    assert_eq!(blocked.status(), StatusCode::FORBIDDEN);
    let body: Value = blocked.json().await?;
    assert_eq!(body["error"]["code"], "password_change_required");
    user.stop().await
}

/// The current code of a user's TOTP secret, as an authenticator app shows it.
fn authenticator_code(secret_base32: &str, at: u64) -> Result<String> {
    let secret = totp_rs::Secret::try_from_base32(secret_base32.replace(' ', "")).map_err(|e| format!("{e:?}"))?;
    let totp =
        totp_rs::Builder::new().with_secret(secret).with_account_name("x").build().map_err(|e| format!("{e:?}"))?;
    Ok(totp.generate(at).to_string())
}

#[tokio::test]
async fn a_role_that_needs_two_factor_enrols_then_signs_in_with_a_code_or_a_recovery_code() -> Result {
    let policy = xinzhi_domain::SecurityPolicy::new(90, &[Role::CityLeader])?;
    let web = xinzhi_web::WebConfig { security_policy: policy, ..Default::default() };
    let app =
        crate::helpers::TestApp::spawn_configured(xinzhi_store::testing::TestDatabase::sqlite().await?, web).await?;
    // Signed in with the password, the leader reaches only the enrolment page; the API says why.
    app.login("leader", PASSWORD).await?;
    let home = app.get("/").await?;
    assert_eq!((home.status(), home.headers()["location"].to_str()?), (StatusCode::SEE_OTHER, "/account/two-factor"));
    let api: Value = app.get("/api/v1/overview").await?.json().await?;
    assert_eq!(api["error"]["code"], "two_factor_required");
    let page = app.get("/account/two-factor").await?.text().await?;
    assert!(page.contains("您的角色须启用两步验证"));
    let secret = page.split("id=\"totp-secret\">").nth(1).and_then(|r| r.split('<').next()).ok_or("secret")?.to_owned();
    assert!(page.contains("otpauth://totp/Xinzhi:leader?"), "the key as a URL for authenticator apps");
    let now = || std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let wrong = app.post_form("/account/two-factor", &[("code", "000000")]).await?;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let first_code = authenticator_code(&secret, now())?;
    let enrolled = app.post_form("/account/two-factor", &[("code", &first_code)]).await?.text().await?;
    let codes: Vec<String> =
        enrolled.split("<li class=\"code\">").skip(1).filter_map(|r| r.split('<').next().map(str::to_owned)).collect();
    assert_eq!(codes.len(), 10, "ten recovery codes, shown once");
    assert_eq!(app.get("/").await?.status(), StatusCode::OK, "enrolled: the site opens");

    // Next sign-in: the password leads to the second step, not to a session.
    let client = browser()?;
    let step = app.try_login_with(&client, "leader", PASSWORD).await?;
    assert_eq!(step.headers()["location"], "/login/two-factor");
    assert_eq!(client.get(format!("{}/", app.base)).send().await?.status(), StatusCode::SEE_OTHER, "no session yet");
    let second = |code: String| {
        let client = client.clone();
        let base = app.base.clone();
        async move {
            let form = client.get(format!("{base}/login/two-factor")).send().await?.text().await?;
            let csrf = hidden_value(&form, "csrf").ok_or("csrf")?;
            Result::<reqwest::Response>::Ok(
                client
                    .post(format!("{base}/login/two-factor"))
                    .form(&[("csrf", csrf.as_str()), ("code", &code)])
                    .send()
                    .await?,
            )
        }
    };
    // The code used at enrolment was taken: it is refused (no replay).
    let replay = second(first_code).await?;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    let recovered = second(codes[0].to_lowercase()).await?;
    assert_eq!(recovered.status(), StatusCode::SEE_OTHER, "a recovery code, in any case");
    assert_eq!(client.get(format!("{}/", app.base)).send().await?.status(), StatusCode::OK);
    // A recovery code works once.
    let other = browser()?;
    app.try_login_with(&other, "leader", PASSWORD).await?;
    let form = other.get(format!("{}/login/two-factor", app.base)).send().await?.text().await?;
    let csrf = hidden_value(&form, "csrf").ok_or("csrf")?;
    let again = other
        .post(format!("{}/login/two-factor", app.base))
        .form(&[("csrf", csrf.as_str()), ("code", codes[0].as_str())])
        .send()
        .await?;
    assert_eq!(again.status(), StatusCode::UNAUTHORIZED);
    // Roles without the requirement sign in as before.
    assert_eq!(app.try_login_with(&browser()?, "analyst", PASSWORD).await?.headers()["location"], "/");
    app.stop().await
}

/// The security administrator sets the policy on its page: it replaces the configuration's,
/// takes effect at the next request, refuses what is out of bounds, and is audited.
#[tokio::test]
async fn the_security_administrator_sets_the_password_age_and_the_roles_that_need_a_second_factor() -> Result {
    let app = spawn_signed_in("secadmin").await?;
    let page = app.get("/admin/security").await?.text().await?;
    assert!(page.contains("id=\"policy-source\">当前策略来自部署配置"), "the configuration's until set");
    assert!(page.contains("name=\"password_max_age_days\" value=\"90\""));
    assert!(page.contains("至少10位") && page.contains("锁定15分钟"), "the fixed rules are shown");

    for (fields, field) in [
        (vec![("password_max_age_days", "400")], "password_max_age_days"),
        (vec![("password_max_age_days", "abc")], "password_max_age_days"),
        (vec![("password_max_age_days", "30"), ("two_factor", "boss")], "two_factor"),
    ] {
        let refused = app.post_form("/admin/security", &fields).await?;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(refused.text().await?.contains(&format!("data-field=\"{field}\"")), "{fields:?}");
    }
    assert_eq!(app.db.store.security_policy().await?, None, "nothing stored by a refusal");

    let saved =
        app.post_form("/admin/security", &[("password_max_age_days", "30"), ("two_factor", "city_leader")]).await?;
    assert_eq!(saved.headers()["location"], "/admin/security?saved=1");
    let stored = app.db.store.security_policy().await?.ok_or("stored")?;
    assert_eq!((stored.password_max_age_days, stored.two_factor_roles), (30, vec![Role::CityLeader]));
    assert!(app.get("/admin/security").await?.text().await?.contains("当前策略由安全管理员在本页设定"));

    // In force at once: a leader must enrol a second factor; a 31-day-old password must change.
    let leader = browser()?;
    assert_eq!(app.try_login_with(&leader, "leader", PASSWORD).await?.status(), StatusCode::SEE_OTHER);
    let home = leader.get(format!("{}/", app.base)).send().await?;
    assert_eq!(home.headers()["location"], "/account/two-factor");
    let analyst = app.db.store.user_for_login(&xinzhi_domain::Username::parse("analyst")?).await?.ok_or("analyst")?.0;
    app.db.store.backdate_password(analyst.user_id, auth_now() - 31 * 86_400).await?;
    let signed_in = app.try_login_with(&browser()?, "analyst", PASSWORD).await?;
    assert_eq!(signed_in.headers()["location"], "/account/password");

    // Only the security administrator sets it; the auditor reads the change old → new.
    let system = app.with_new_browser()?;
    system.login("admin", PASSWORD).await?;
    assert_eq!(system.get("/admin/security").await?.status(), StatusCode::NOT_FOUND);
    let auditor = system.with_new_browser()?;
    auditor.login("auditor", PASSWORD).await?;
    let csv = auditor.get("/admin/audit.csv?action=security_policy.update").await?.text().await?;
    assert!(csv.contains("password_max_age_days\"\":90") && csv.contains("password_max_age_days\"\":30"), "{csv}");
    auditor.stop().await
}

#[tokio::test]
async fn a_password_older_than_the_deployment_allows_must_be_changed_first() -> Result {
    let app = spawn_app().await?;
    let store = &app.db.store;
    let analyst = store.user_for_login(&xinzhi_domain::Username::parse("analyst")?).await?.ok_or("analyst")?.0;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    store.backdate_password(analyst.user_id, now - 91 * 86_400).await?;
    // 91 days against the default 90: the sign-in leads to the password form, the API waits.
    let signed_in = app.try_login_with(&app.client, "analyst", PASSWORD).await?;
    assert_eq!(signed_in.headers()["location"], "/account/password");
    assert_eq!(app.get("/").await?.headers()["location"], "/account/password");
    assert_eq!(app.get("/api/v1/overview").await?.status(), StatusCode::FORBIDDEN);
    let csrf = hidden_value(&app.get("/account/password").await?.text().await?, "csrf").ok_or("csrf")?;
    let changed = app
        .client
        .post(format!("{}/account/password", app.base))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", PASSWORD),
            ("new", "Qiantang-river-2026"),
            ("confirm", "Qiantang-river-2026"),
        ])
        .send()
        .await?;
    assert_eq!(changed.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/").await?.status(), StatusCode::OK, "a new password opens the site");
    app.stop().await
}

#[tokio::test]
async fn downloads_and_an_officers_reads_of_one_firm_are_in_the_audit_log() -> Result {
    let app = spawn_signed_in("district").await?;
    let mine: Value = app.get("/api/v1/enterprises?limit=1").await?.json().await?;
    let code = mine["items"][0]["credit_code"].as_str().ok_or("code")?.to_owned();
    assert_eq!(app.get(&format!("/enterprises/{code}")).await?.status(), StatusCode::OK);
    assert_eq!(app.get(&format!("/api/v1/enterprises/{code}/values")).await?.status(), StatusCode::OK);
    let template = app.get("/reports/template.xlsx?period=2024-03").await?;
    assert_eq!(template.status(), StatusCode::OK);
    let size = template.bytes().await?.len();
    let rows = |action: &'static str| {
        let store = app.db.store.clone();
        async move {
            let filter = xinzhi_store::AuditFilter { action: Some(action.into()), ..Default::default() };
            Result::<Vec<xinzhi_store::AuditRecord>>::Ok(
                store.list_audit(&filter, xinzhi_store::Page::new(50, 0)).await?.items,
            )
        }
    };
    let reads = rows("firm_record.read").await?;
    assert_eq!(reads.len(), 2, "the page and the values");
    assert!(reads.iter().all(|r| r.actor == "district" && r.detail.as_deref().is_some_and(|d| d.contains(&code))));
    let downloads = rows("data.download").await?;
    assert_eq!(downloads.len(), 1);
    assert_eq!(downloads[0].object_id.as_deref(), Some("/reports/template.xlsx?period=2024-03"));
    assert!(size > 0);
    // The firm's own reporter reading its record is no officer's read.
    let reporter = app.with_new_browser()?;
    reporter.login("reporter", PASSWORD).await?;
    let own: Value = reporter.get("/api/v1/enterprises").await?.json().await?;
    let own = own["items"][0]["credit_code"].as_str().ok_or("own")?.to_owned();
    assert_eq!(reporter.get(&format!("/enterprises/{own}")).await?.status(), StatusCode::OK);
    let filter = xinzhi_store::AuditFilter { action: Some("firm_record.read".into()), ..Default::default() };
    assert_eq!(reporter.db.store.list_audit(&filter, xinzhi_store::Page::new(50, 0)).await?.items.len(), 2);
    reporter.stop().await
}
