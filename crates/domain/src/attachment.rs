//! Files attached to a task's progress or to an enterprise request: which may be kept, under
//! what name, and how they are handed back. Only documents and pictures of the kinds offices
//! exchange are kept, and never served as something a browser would run (HTML, SVG, scripts).

use crate::lang::{Lang, Localize};

/// The largest file kept (10 MiB): scans of signed documents, photographs of a site.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// The longest file name kept, in characters.
pub const MAX_NAME_CHARS: usize = 120;

/// The kinds kept, by extension, with the content type a download carries.
const KINDS: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("ofd", "application/ofd"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("wps", "application/vnd.ms-works"),
    ("xls", "application/vnd.ms-excel"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("et", "application/vnd.ms-excel"),
    ("ppt", "application/vnd.ms-powerpoint"),
    ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ("csv", "text/csv; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("png", "image/png"),
    ("zip", "application/zip"),
    ("rar", "application/vnd.rar"),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is empty")]
    Empty,
    #[error("the file has {bytes} bytes; at most {max} are kept")]
    TooLarge { bytes: usize, max: usize },
    #[error("a file name is needed")]
    NoName,
    #[error(
        "files of type .{0} are not kept; use PDF, OFD, Word, WPS, Excel, PowerPoint, CSV, text, JPEG, PNG, ZIP or RAR"
    )]
    Kind(String),
}

impl Localize for AttachmentError {
    fn code(&self) -> &'static str {
        match self {
            AttachmentError::Empty => "attachment.empty",
            AttachmentError::TooLarge { .. } => "attachment.too_large",
            AttachmentError::NoName => "attachment.no_name",
            AttachmentError::Kind(_) => "attachment.kind",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (AttachmentError::Empty, Lang::ZhCn) => "附件为空".into(),
            (AttachmentError::TooLarge { bytes, max }, Lang::ZhCn) => {
                format!("附件大小为{bytes}字节，超过上限{max}字节（10MB）")
            }
            (AttachmentError::NoName, Lang::ZhCn) => "附件需要文件名".into(),
            (AttachmentError::Kind(ext), Lang::ZhCn) => {
                format!("不接受.{ext}类型的附件：请使用PDF、OFD、Word、WPS、Excel、PPT、CSV、文本、JPEG、PNG、ZIP或RAR")
            }
            (other, Lang::En) => crate::text::capitalize(&other.to_string()),
        }
    }
}

/// The name a file is kept under: the last part of what the browser sent (no folders), with
/// control characters removed, cut to [`MAX_NAME_CHARS`] keeping its extension.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').collect();
    let cleaned = cleaned.trim();
    if cleaned.chars().count() <= MAX_NAME_CHARS {
        return cleaned.to_owned();
    }
    let ext = cleaned.rsplit_once('.').map_or("", |(_, e)| e);
    let keep = MAX_NAME_CHARS.saturating_sub(ext.chars().count() + 1);
    format!("{}.{ext}", cleaned.chars().take(keep).collect::<String>())
}

fn extension(name: &str) -> Option<String> {
    name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).filter(|e| !e.is_empty())
}

/// Checks a file before it is kept; its clean name.
pub fn check(name: &str, size: usize) -> Result<String, AttachmentError> {
    let name = clean_name(name);
    if name.is_empty() || name.starts_with('.') && !name[1..].contains('.') {
        return Err(AttachmentError::NoName);
    }
    let ext = extension(&name).unwrap_or_default();
    if !KINDS.iter().any(|(e, _)| *e == ext) {
        return Err(AttachmentError::Kind(ext));
    }
    match size {
        0 => Err(AttachmentError::Empty),
        n if n > MAX_ATTACHMENT_BYTES => Err(AttachmentError::TooLarge { bytes: n, max: MAX_ATTACHMENT_BYTES }),
        _ => Ok(name),
    }
}

/// The content type a kept file is downloaded with.
pub fn content_type(name: &str) -> &'static str {
    let ext = extension(name).unwrap_or_default();
    KINDS.iter().find(|(e, _)| *e == ext).map_or("application/octet-stream", |(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_documents_and_pictures_are_kept_under_their_last_name_part() {
        assert_eq!(check("C:\\Users\\张三\\用地批复.PDF", 1000), Ok("用地批复.PDF".into()));
        assert_eq!(check("../../现场照片.jpg", 1), Ok("现场照片.jpg".into()));
        assert_eq!(content_type("用地批复.PDF"), "application/pdf");
        assert_eq!(content_type("unknown.bin"), "application/octet-stream");
    }

    #[test]
    fn what_a_browser_would_run_or_a_nameless_file_is_refused() {
        for name in ["page.html", "drawing.svg", "run.exe", "script.js", "noextension"] {
            assert!(matches!(check(name, 10), Err(AttachmentError::Kind(_))), "{name}");
        }
        assert_eq!(check("", 10), Err(AttachmentError::NoName));
        assert_eq!(check("dir/", 10), Err(AttachmentError::NoName));
        assert_eq!(check(".pdf", 10), Err(AttachmentError::NoName));
    }

    #[test]
    fn size_limits_hold_at_their_edges() {
        assert_eq!(check("a.pdf", 0), Err(AttachmentError::Empty));
        assert!(check("a.pdf", MAX_ATTACHMENT_BYTES).is_ok());
        let over = check("a.pdf", MAX_ATTACHMENT_BYTES + 1).expect_err("too large");
        assert!(over.message(Lang::ZhCn).contains("10MB"), "{}", over.message(Lang::ZhCn));
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.docx", "很".repeat(300));
        let kept = check(&long, 5).expect("kept");
        assert_eq!(kept.chars().count(), MAX_NAME_CHARS);
        assert!(kept.ends_with(".docx"));
    }
}
