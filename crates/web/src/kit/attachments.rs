//! Files kept with tasks, requests and peer reports: checking what a form sends, and listing
//! what is kept. The downloads themselves are the `attachments` area's.

use axum::extract::DefaultBodyLimit;
use xinzhi_domain::attachment::{MAX_ATTACHMENT_BYTES, check};
use xinzhi_domain::{Lang, Localize};
use xinzhi_store::attachments::{Attachment, NewFile};

use crate::kit::error::FieldError;
use crate::kit::forms::FormFields;
use crate::kit::i18n::Tr;

/// Room for a form's other fields beside the largest file.
pub(crate) const BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 256 * 1024;

/// The body limit for routers whose forms carry files.
pub(crate) fn body_limit() -> DefaultBodyLimit {
    DefaultBodyLimit::max(BODY_LIMIT)
}

/// A file as sent, checked: its kept name and bytes, or the reason it is refused (`field`).
pub(crate) fn checked(lang: Lang, field: &str, name: &str, bytes: &[u8]) -> Result<NewFile, FieldError> {
    check(name, bytes.len())
        .map(|name| NewFile { name, content: bytes.to_vec() })
        .map_err(|e| FieldError::new(field, e.code(), e.message(lang)))
}

/// The files of a form's `file` field, checked; a form cut short is refused too.
pub(crate) fn form_files(lang: Lang, fields: &FormFields) -> Result<Vec<NewFile>, FieldError> {
    if let Some(reason) = &fields.unreadable {
        let what = Tr::new(lang).t("import.upload_failed");
        return Err(FieldError::new("file", "file.upload", format!("{what}: {reason}")));
    }
    fields.files("file").map(|(name, bytes)| checked(lang, "file", name, bytes)).collect()
}

/// A kept file as pages list it.
pub struct FileLine {
    pub id: i64,
    pub name: String,
    /// `1.2 MB`.
    pub size: String,
    pub by: String,
    pub at: String,
}

pub(crate) fn lines(tr: Tr, files: Vec<Attachment>) -> Vec<FileLine> {
    files
        .into_iter()
        .map(|a| FileLine {
            id: a.attachment_id,
            size: match a.size {
                n if n >= 1024 * 1024 => format!("{:.1} MB", n as f64 / (1024.0 * 1024.0)),
                n if n >= 1024 => format!("{} KB", (n + 1023) / 1024),
                n => format!("{n} B"),
            },
            name: a.file_name,
            by: a.created_by,
            at: tr.timestamp(a.created_at),
        })
        .collect()
}
