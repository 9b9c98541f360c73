//! Versioned rule sets (ladder criteria, 亩均, commendations) as the areas that apply them read
//! them.

use xinzhi_domain::Lang;
use xinzhi_store::StoreError;
use xinzhi_store::cultivation::VersionedRules;

use crate::AppState;
use crate::kit::error::{ApiError, FieldError};
use crate::kit::i18n::Tr;

/// Rules of a kind: the version named, else the one in force today; an unknown version is
/// refused naming the `version` field.
pub(crate) async fn rules_of<R: VersionedRules>(
    state: &AppState,
    lang: Lang,
    version: Option<&str>,
) -> Result<R, ApiError> {
    let version = version.map(str::trim).filter(|v| !v.is_empty());
    state.store.rules(version, crate::kit::auth::today()).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::Invalid(FieldError::new(
            "version",
            "rules.unknown_version",
            Tr::new(lang).f("cultivation.unknown_version", &[("version", version.unwrap_or(""))]),
        )),
        other => ApiError::from_store(lang, other),
    })
}
