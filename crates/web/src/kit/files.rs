//! Files in and out: a spreadsheet or document handed to the browser as a download, the fields
//! of an upload form, how an import is asked for (`mode`) and the API's answer to one.

use axum::body::Bytes;
use axum::extract::Multipart;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use xinzhi_app::imports::ImportReport;
use xinzhi_domain::Lang;
use xinzhi_store::ImportMode;

use crate::kit::error::{ApiError, FieldError};
use crate::kit::i18n::Tr;

pub(crate) fn parse_mode(lang: Lang, text: Option<&str>) -> Result<ImportMode, FieldError> {
    match text.unwrap_or("valid_rows") {
        "valid_rows" => Ok(ImportMode::ValidRows),
        "all_or_nothing" => Ok(ImportMode::AllOrNothing),
        other => Err(FieldError::new("mode", "import.mode", Tr::new(lang).f("import.mode", &[("mode", other)]))),
    }
}

/// An .xlsx download named `file_name` (UTF-8, e.g. Chinese).
pub(crate) fn xlsx(bytes: Vec<u8>, file_name: &str) -> Response {
    download(bytes, file_name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
}

/// A file to save, never shown in the browser, under `file_name` (UTF-8, e.g. Chinese).
pub(crate) fn download(bytes: Vec<u8>, file_name: &str, content_type: &'static str) -> Response {
    // RFC 5987: a UTF-8 file name (Chinese) with an ASCII fallback of the same extension.
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let extension: String = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.chars().filter(char::is_ascii_alphanumeric).collect())
        .unwrap_or_default();
    let fallback = if extension.is_empty() { "download".to_owned() } else { format!("download.{extension}") };
    let disposition = format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// The fields of an upload form: the month typed, if any, and the file (name and bytes).
pub struct UploadForm {
    pub period: Option<String>,
    pub file: Option<(String, Bytes)>,
}

/// Reads an upload form's `period` and `file` fields (the CSRF field was checked already);
/// the error is the reason the body could not be read, e.g. over the size limit.
pub(crate) async fn read_upload_form(mut multipart: Multipart) -> Result<UploadForm, String> {
    let mut form = UploadForm { period: None, file: None };
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        match field.name() {
            Some("period") => form.period = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_owned();
                form.file = Some((name, field.bytes().await.map_err(|e| e.body_text())?));
            }
            _ => {}
        }
    }
    Ok(form)
}

#[derive(Serialize)]
struct ApiImportBody {
    /// Nothing refused or locked and, unless a dry run, committed.
    clean: bool,
    #[serde(flatten)]
    report: ImportReport,
}

/// The API's answer to an import: 422 when the file could not be read, else every outcome.
pub(crate) fn import_answer(report: ImportReport) -> Result<Response, ApiError> {
    if let Some(e) = report.file_error {
        return Err(ApiError::File { code: e.code, message: e.message });
    }
    Ok(axum::Json(ApiImportBody { clean: report.clean(), report }).into_response())
}
