//! Word documents (.docx) of briefings: a title, headings, paragraphs and tables, with the
//! fonts Chinese official documents use (小标宋/黑体 for titles and headings, 仿宋 for the body,
//! Times New Roman for Latin text and digits), so that they open cleanly in Word and WPS.
//!
//! Written directly as Office Open XML through the zip crate the readers already use: the
//! parts a document needs are few and fixed, and the crates that write .docx pull in image
//! decoding and a second zip we do not need.

use std::io::Write;

use zip::write::SimpleFileOptions;

/// A block of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Heading(String),
    Paragraph(String),
    /// A note in smaller type (sources, who drafted it).
    Note(String),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // Characters XML 1.0 does not allow (control characters a paste may carry).
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(text))
}

fn paragraph(style: &str, text: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/></w:pPr>{}</w:p>", run(text))
}

fn table(headers: &[String], rows: &[Vec<String>]) -> String {
    let cell = |text: &str, header: bool| {
        let bold = if header { "<w:rPr><w:b/></w:rPr>" } else { "" };
        format!(
            "<w:tc><w:tcPr><w:tcW w:w=\"0\" w:type=\"auto\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"TableText\"/></w:pPr><w:r>{bold}<w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:tc>",
            escape(text)
        )
    };
    let row = |cells: &[String], header: bool| {
        format!("<w:tr>{}</w:tr>", cells.iter().map(|c| cell(c, header)).collect::<String>())
    };
    let border = |side: &str| format!("<w:{side} w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>");
    let borders: String = ["top", "left", "bottom", "right", "insideH", "insideV"].iter().map(|s| border(s)).collect();
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblBorders>{borders}</w:tblBorders></w:tblPr>{}{}</w:tbl><w:p/>",
        row(headers, true),
        rows.iter().map(|r| row(r, false)).collect::<String>()
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

/// Sizes are in half-points: 三号 16 pt = 32, 二号 22 pt = 44, 四号 14 pt = 28, 五号 10.5 pt = 21.
fn style(id: &str, name: &str, east_asia: &str, size: u32, bold: bool, center: bool) -> String {
    format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:pPr><w:spacing w:after=\"120\" w:line=\"560\" w:lineRule=\"exact\"/>{}</w:pPr><w:rPr><w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"{east_asia}\"/>{}<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr></w:style>",
        if center { "<w:jc w:val=\"center\"/>" } else { "" },
        if bold { "<w:b/>" } else { "" }
    )
}

fn styles() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="仿宋" w:cs="Times New Roman"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault></w:docDefaults>{}{}{}{}{}</w:styles>"#,
        style("Title", "Title", "方正小标宋简体", 44, false, true),
        style("Heading1", "heading 1", "黑体", 32, false, false),
        style("BodyText", "Body Text", "仿宋", 32, false, false)
            .replace("<w:spacing", "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:spacing"),
        style("Note", "Note", "仿宋", 24, false, false),
        style("TableText", "Table Text", "仿宋", 21, false, false)
            .replace("w:line=\"560\" w:lineRule=\"exact\"", "w:line=\"300\" w:lineRule=\"auto\""),
    )
}

fn core(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>新质 Xinzhi</dc:creator></cp:coreProperties>"#,
        escape(title)
    )
}

/// A .docx file of `blocks` on A4 with the margins of official documents (GB/T 9704).
pub fn document(title: &str, blocks: &[Block]) -> Result<Vec<u8>, zip::result::ZipError> {
    let body: String = blocks
        .iter()
        .map(|b| match b {
            Block::Title(t) => paragraph("Title", t),
            Block::Heading(t) => paragraph("Heading1", t),
            Block::Paragraph(t) => paragraph("BodyText", t),
            Block::Note(t) => paragraph("Note", t),
            Block::Table { headers, rows } => table(headers, rows),
        })
        .collect();
    // A4: 11906 × 16838 twips; margins 37 mm top, 35 mm bottom, 28 mm left, 26 mm right.
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>"#
    );
    let mut buffer = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buffer);
        let options = SimpleFileOptions::default();
        for (name, content) in [
            ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
            ("_rels/.rels", PACKAGE_RELS.to_owned()),
            ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_owned()),
            ("word/document.xml", document),
            ("word/styles.xml", styles()),
            ("docProps/core.xml", core(title)),
        ] {
            zip.start_file(name, options)?;
            zip.write_all(content.as_bytes())?;
        }
        zip.finish()?;
    }
    Ok(buffer.into_inner())
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn part(docx: &[u8], name: &str) -> String {
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
        let mut text = String::new();
        archive.by_name(name).expect("the part").read_to_string(&mut text).expect("utf-8");
        text
    }

    #[test]
    fn a_document_holds_its_blocks_escaped_and_names_chinese_fonts() {
        let blocks = [
            Block::Title("11月工业经济运行简报".into()),
            Block::Heading("一、总体情况".into()),
            Block::Paragraph("规上工业总产值增长4.1%，R&D投入<高>".into()),
            Block::Table {
                headers: vec!["区县".into(), "增速".into()],
                rows: vec![vec!["潇水区".into(), "5.2%".into()]],
            },
        ];
        let docx = document("简报", &blocks).expect("a docx");
        let body = part(&docx, "word/document.xml");
        assert!(body.contains("11月工业经济运行简报") && body.contains("R&amp;D投入&lt;高&gt;"));
        assert!(body.contains("<w:tbl>") && body.contains("潇水区"));
        let styles = part(&docx, "word/styles.xml");
        assert!(styles.contains("w:eastAsia=\"仿宋\"") && styles.contains("w:eastAsia=\"黑体\""));
        assert!(part(&docx, "[Content_Types].xml").contains("wordprocessingml.document.main+xml"));
    }
}
