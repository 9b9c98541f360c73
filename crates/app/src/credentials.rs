//! Credentials: password hashes (argon2id, off the async threads), random tokens and
//! temporary passwords, and personal access tokens, stored only as their hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Prefix of personal access tokens, so they are recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "xz_";

/// The hash checked when the username is unknown, so that a wrong username costs the same
/// time as a wrong password (no user enumeration by timing). Made once, on first use.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        Argon2::default().hash_password(b"no user has this password").map(|h| h.to_string()).unwrap_or_default()
    })
}

/// `bytes` random bytes from the operating system, URL-safe base64 without padding.
pub fn random_token(bytes: usize) -> String {
    URL_SAFE_NO_PAD.encode(random_bytes(bytes))
}

/// Bytes from the operating system's random number generator.
pub fn random_bytes(bytes: usize) -> Vec<u8> {
    let mut buffer = vec![0u8; bytes];
    if let Err(e) = getrandom::fill(&mut buffer) {
        // The OS RNG failing is unrecoverable for a security token: refuse to continue.
        tracing::error!(error.message = %e, "operating-system random number generator failed");
        std::process::abort();
    }
    buffer
}

/// Hex SHA-256, the stored form of session and API tokens.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes and stores a personal access token for `user`; returns the token, shown once and
/// never stored in clear (the store keeps its hash and a prefix to recognise it by).
pub async fn issue_api_token(
    store: &xinzhi_store::Store,
    user: xinzhi_store::UserId,
    name: &str,
    lifetime: xinzhi_domain::TokenLifetime,
    actor: &xinzhi_store::AuditActor,
) -> Result<(String, xinzhi_store::ApiTokenId), xinzhi_store::StoreError> {
    let token = format!("{TOKEN_PREFIX}{}", random_token(32));
    let hash = token_hash(&token);
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let new = xinzhi_store::NewApiToken {
        name,
        token_hash: &hash,
        prefix: &prefix,
        expires_at: lifetime.expires_at(crate::clock::now()),
    };
    let id = store.create_api_token(user, &new, actor).await?;
    Ok((token, id))
}

/// A readable random password for resets and first accounts (about 95 bits).
pub fn temporary_password() -> String {
    format!("Xz-{}", random_token(12))
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// argon2id hash of a password, computed off the async threads.
pub async fn hash_password(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| HashError(e.to_string()))
    })
    .await
    .map_err(|e| HashError(e.to_string()))?
}

/// Checks a password against a stored hash (or the dummy hash), off the async threads.
pub async fn verify_password(password: String, hash: Option<String>) -> bool {
    let known = hash.is_some();
    let matches = tokio::task::spawn_blocking(move || {
        let hash = hash.as_deref().unwrap_or_else(|| dummy_hash());
        Argon2::default().verify_password(password.as_bytes(), hash).is_ok()
    })
    .await
    .unwrap_or(false);
    known && matches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed_hex() {
        let (a, b) = (random_token(32), random_token(32));
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[tokio::test]
    async fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("潇州Tea-leaves9".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("潇州Tea-leaves9".into(), Some(hash.clone())).await);
        assert!(!verify_password("wrong".into(), Some(hash)).await);
        assert!(!verify_password("anything".into(), None).await, "the dummy hash never matches");
    }
}
