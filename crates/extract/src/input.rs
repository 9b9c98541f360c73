//! A report's text out of the file it came in: text in UTF-8 or GB18030/GBK, an HTML page
//! (tags, scripts and styles dropped, blocks kept as lines, entities decoded), or a Word .docx
//! file (the paragraphs of `word/document.xml`). Anything else is refused with a clear error.

use std::io::Read;

use xinzhi_domain::{Lang, Localize};

/// Why a file could not be read as a report.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the file is not UTF-8 text, HTML or a .docx document")]
    NotText,
    #[error("the .docx file is damaged: {0}")]
    Docx(String),
    #[error("the file has {0} bytes; at most 5 MB are read")]
    TooLarge(usize),
}

impl Localize for InputError {
    fn code(&self) -> &'static str {
        match self {
            InputError::NotText => "report.not_text",
            InputError::Docx(_) => "report.docx",
            InputError::TooLarge(_) => "report.too_large",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (InputError::NotText, Lang::ZhCn) => "文件不是文本、网页或Word（.docx）文档".into(),
            (InputError::Docx(why), Lang::ZhCn) => format!("Word文档已损坏（{why}）"),
            (InputError::TooLarge(bytes), Lang::ZhCn) => format!("文件大小为{bytes}字节，最多读取5MB"),
            (other, Lang::En) => xinzhi_domain::text::capitalize(&other.to_string()),
        }
    }
}

/// The largest file read.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

/// The text of a file, whatever of the three kinds it is.
pub fn text_of(bytes: &[u8]) -> Result<String, InputError> {
    if bytes.len() > MAX_BYTES {
        return Err(InputError::TooLarge(bytes.len()));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx_text(bytes);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => {
            // Not UTF-8: GB18030 (which GBK is part of), as Chinese Windows saves text, or nothing.
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors || text.contains('\0') {
                return Err(InputError::NotText);
            }
            text
        }
    };
    let head: String = text.chars().take(2000).collect::<String>().to_ascii_lowercase();
    if head.contains("<html") || head.contains("<body") || head.contains("<p>") || head.contains("<div") {
        Ok(html_text(&text))
    } else {
        Ok(text.into_owned())
    }
}

fn entity(name: &str) -> Option<char> {
    match name {
        "nbsp" => Some(' '),
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "ldquo" => Some('“'),
        "rdquo" => Some('”'),
        "mdash" => Some('—'),
        "middot" => Some('·'),
        _ => {
            let code = name.strip_prefix('#')?;
            let n = match code.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => code.parse().ok()?,
            };
            char::from_u32(n)
        }
    }
}

/// Decodes `&amp;`, `&#20013;` and their kin.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        match tail.find(';').filter(|&end| end <= 10).and_then(|end| entity(&tail[..end]).map(|c| (c, end))) {
            Some((c, end)) => {
                out.push(c);
                rest = &tail[end + 1..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

const BLOCKS: &[&str] =
    &["p", "br", "div", "li", "tr", "td", "h1", "h2", "h3", "h4", "h5", "section", "article", "header", "footer"];

/// The text of an HTML page: what a reader sees, one block per line.
pub fn html_text(html: &str) -> String {
    // ASCII lower-casing keeps byte offsets, so positions found in `lower` hold in `html`.
    let lower = html.to_ascii_lowercase();
    let mut visible = String::with_capacity(html.len());
    let mut i = 0;
    while i < html.len() {
        let next = ["<script", "<style", "<noscript"]
            .iter()
            .filter_map(|t| lower[i..].find(t).map(|p| (p + i, *t)))
            .min_by_key(|(at, _)| *at);
        let Some((at, tag)) = next else {
            visible.push_str(&html[i..]);
            break;
        };
        visible.push_str(&html[i..at]);
        let close = format!("</{}", &tag[1..]);
        i = lower[at..].find(&close).map_or(html.len(), |c| {
            let after = at + c;
            lower[after..].find('>').map_or(html.len(), |g| after + g + 1)
        });
    }
    let mut out = String::with_capacity(visible.len());
    let mut rest = visible.as_str();
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let Some(end) = rest[at..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[at + 1..at + end].trim_start_matches('/').to_ascii_lowercase();
        let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect();
        if BLOCKS.contains(&name.as_str()) {
            out.push('\n');
        }
        rest = &rest[at + end + 1..];
    }
    out.push_str(rest);
    let decoded = decode_entities(&out);
    decoded.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// The paragraphs of a .docx file's body.
pub fn docx_text(bytes: &[u8]) -> Result<String, InputError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| InputError::Docx(e.to_string()))?;
    let part = archive.by_name("word/document.xml").map_err(|e| InputError::Docx(e.to_string()))?;
    if part.size() > 50 * 1024 * 1024 {
        return Err(InputError::Docx("word/document.xml is over 50 MB".into()));
    }
    let mut xml = String::new();
    part.take(50 * 1024 * 1024).read_to_string(&mut xml).map_err(|e| InputError::Docx(e.to_string()))?;
    let mut out = String::new();
    for paragraph in xml.split("</w:p>") {
        let mut line = String::new();
        let mut rest = paragraph;
        while let Some(at) = rest.find("<w:t") {
            let after = &rest[at..];
            let Some(open_end) = after.find('>') else { break };
            // `<w:tab/>` and `<w:tbl…>` are not text runs.
            let tag = &after[..open_end];
            if tag.ends_with('/') || !(tag == "<w:t" || tag.starts_with("<w:t ")) {
                rest = &after[open_end + 1..];
                continue;
            }
            let body = &after[open_end + 1..];
            let close = body.find("</w:t>").unwrap_or(body.len());
            line.push_str(&body[..close]);
            rest = &body[close..];
        }
        let line = decode_entities(&line);
        if !line.trim().is_empty() {
            out.push_str(line.trim());
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_html_page_gives_its_text_without_scripts_and_with_entities_decoded() {
        let html = "<html><head><style>p{color:red}</style><script>var a='<p>no</p>';</script></head><body><div>首页 &gt; 新闻</div><p>全市规上工业增加值增长4.1&#37;，&ldquo;稳&rdquo;</p><p>第二段</p></body></html>";
        assert_eq!(text_of(html.as_bytes()).as_deref(), Ok("首页 > 新闻\n全市规上工业增加值增长4.1%，“稳”\n第二段"));
    }

    #[test]
    fn a_docx_file_gives_its_paragraphs() {
        use std::io::Write;
        let mut buffer = std::io::Cursor::new(Vec::new());
        {
            let mut zip = zip::ZipWriter::new(&mut buffer);
            let options = zip::write::SimpleFileOptions::default();
            assert!(zip.start_file("word/document.xml", options).is_ok());
            let xml = r#"<w:document><w:body><w:p><w:r><w:t>会议指出,</w:t></w:r><w:r><w:t xml:space="preserve">增长4.1%</w:t></w:r></w:p><w:p><w:r><w:tab/><w:t>第二段 &amp; 完</w:t></w:r></w:p></w:body></w:document>"#;
            assert!(zip.write_all(xml.as_bytes()).is_ok());
            assert!(zip.finish().is_ok());
        }
        assert_eq!(text_of(buffer.get_ref()).as_deref(), Ok("会议指出,增长4.1%\n第二段 & 完\n"));
    }

    #[test]
    fn text_saved_as_gbk_is_read() {
        let (gbk, _, _) = encoding_rs::GBK.encode("全市规上工业增加值增长4.1%");
        assert_eq!(text_of(&gbk).as_deref(), Ok("全市规上工业增加值增长4.1%"));
    }

    #[test]
    fn bytes_that_are_no_text_are_refused() {
        assert_eq!(text_of(&[0xff, 0xfe, 0x00, 0xd8]), Err(InputError::NotText));
        assert_eq!(InputError::NotText.message(Lang::ZhCn), "文件不是文本、网页或Word（.docx）文档");
        assert!(matches!(text_of(b"PK\x03\x04garbage"), Err(InputError::Docx(_))));
    }
}
