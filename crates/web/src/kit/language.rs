//! Which language a request is answered in: `?lang=` first, then the `lang` cookie set by the
//! switch in the header, then `Accept-Language`, then Chinese.

use std::convert::Infallible;

use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use xinzhi_domain::Lang;

/// Name of the cookie that remembers the chosen language.
pub const COOKIE: &str = "lang";

/// The language of this request.
#[derive(Debug, Clone, Copy)]
pub struct Language(pub Lang);

fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
}

fn query_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.uri.query()?.split('&').find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

impl<S: Send + Sync> FromRequestParts<S> for Language {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let lang = query_value(parts, "lang")
            .and_then(Lang::from_tag)
            .or_else(|| cookie_value(parts, COOKIE).and_then(Lang::from_tag))
            .or_else(|| {
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default();
        Ok(Language(lang))
    }
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// The `Set-Cookie` value that remembers a language.
pub fn cookie(lang: Lang) -> String {
    format!("{COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", lang.tag())
}

/// Where to go after a sign-in or a language switch: only a path on this site, the one checker
/// for every `next`. Refused (→ `/`): anything not starting with one `/`, backslashes, and
/// control characters anywhere (browsers drop tabs and newlines from a URL, so `/\t/evil.example`
/// would become `//evil.example`). Spaces and non-ASCII text are percent-encoded so that the
/// path always makes a valid `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    let Some(path) = next else { return "/".to_owned() };
    let local = path.starts_with('/') && !path.starts_with("//");
    if !local || path.chars().any(|c| c == '\\' || c.is_control()) {
        return "/".to_owned();
    }
    let mut safe = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() {
            safe.push(c);
        } else {
            let mut bytes = [0u8; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                safe.push_str(&format!("%{byte:02X}"));
            }
        }
    }
    safe
}

/// `GET /lang/{tag}?next=/path`: remembers the language in a cookie and goes back.
pub async fn view_switch_language_get(Path(tag): Path<String>, Query(query): Query<SwitchQuery>) -> Response {
    let Some(lang) = Lang::from_tag(&tag) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let target = safe_next(query.next.as_deref());
    let target = target.as_str();
    let cookie = cookie(lang);
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let (Ok(location), Ok(cookie)) = (HeaderValue::from_str(target), HeaderValue::from_str(&cookie)) {
        headers.insert(header::LOCATION, location);
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_a_switch() {
        assert_eq!(safe_next(Some("/enterprises?q=1")), "/enterprises?q=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
        for hostile in ["/\t/evil.example/", "/\n/x", "/\r\n/evil", "/%09/ok\u{7f}", "\\evil", " /evil"] {
            assert_eq!(safe_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(safe_next(Some("/enterprises?q=潇水 区")), "/enterprises?q=%E6%BD%87%E6%B0%B4%20%E5%8C%BA");
    }
}
