//! A posted form as its fields in order, urlencoded or multipart with its files.

use axum::body::Bytes;

/// A form as its fields in order, repeated names kept (checkbox lists): urlencoded, or
/// multipart with the files it carries (a progress report with its attachment).
#[derive(Default)]
pub struct FormFields {
    fields: Vec<(String, String)>,
    /// (field, file name as sent, bytes) of each non-empty file.
    files: Vec<(String, String, Bytes)>,
    /// Why a multipart body could not be read (over the size limit, cut short).
    pub(crate) unreadable: Option<String>,
}

impl FormFields {
    /// The first value of a field, if present.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Every field in order, repeated names kept.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.fields
    }

    /// Every value of a repeated field.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> {
        self.fields.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The files sent under `name`: (file name as sent, bytes).
    pub(crate) fn files<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a str, &'a [u8])> {
        self.files.iter().filter(move |(k, _, _)| k == name).map(|(_, f, b)| (f.as_str(), b.as_ref()))
    }

    async fn read_multipart(mut multipart: axum::extract::Multipart) -> FormFields {
        let mut form = FormFields::default();
        loop {
            match multipart.next_field().await {
                Ok(Some(field)) => {
                    let name = field.name().unwrap_or_default().to_owned();
                    match field.file_name().map(str::to_owned) {
                        Some(file_name) => match field.bytes().await {
                            Ok(bytes) if !bytes.is_empty() => form.files.push((name, file_name, bytes)),
                            Ok(_) => {}
                            Err(e) => {
                                form.unreadable = Some(e.body_text());
                                break;
                            }
                        },
                        None => match field.text().await {
                            Ok(text) => form.fields.push((name, text)),
                            Err(e) => {
                                form.unreadable = Some(e.body_text());
                                break;
                            }
                        },
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    form.unreadable = Some(e.body_text());
                    break;
                }
            }
        }
        form
    }
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for FormFields {
    type Rejection = std::convert::Infallible;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let multipart = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
        if multipart {
            return Ok(match axum::extract::Multipart::from_request(request, state).await {
                Ok(multipart) => FormFields::read_multipart(multipart).await,
                Err(e) => FormFields { unreadable: Some(e.body_text()), ..FormFields::default() },
            });
        }
        let bytes = Bytes::from_request(request, state).await.unwrap_or_default();
        Ok(FormFields { fields: serde_urlencoded::from_bytes(&bytes).unwrap_or_default(), ..FormFields::default() })
    }
}
