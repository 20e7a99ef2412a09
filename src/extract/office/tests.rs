//! Tests of the Office readers, on files built here.

use std::io::{Cursor, Write};

use super::*;
use crate::model::{Block, BlockKind, Format};

/// A zip of `(name, bytes)` entries, deflated.
pub(crate) fn package(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const DOCX_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
const PPTX_TYPES: &str = r#"<Types><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>"#;
const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

fn docx(body: &str, styles: &str, numbering: &str) -> Vec<u8> {
    let doc =
        format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
    let styles = format!(r#"<w:styles {W}>{styles}</w:styles>"#);
    let numbering = format!(r#"<w:numbering {W}>{numbering}</w:numbering>"#);
    package(&[
        ("[Content_Types].xml", DOCX_TYPES.as_bytes()),
        ("word/document.xml", doc.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
    ])
}

fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

fn kinds(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .map(|b| match &b.kind {
            BlockKind::Heading { level, text } => format!("h{level} {text}"),
            BlockKind::Paragraph { text } => format!("p {text}"),
            BlockKind::Line { text } => format!("l {text}"),
            BlockKind::ListItem {
                depth,
                implicit_marker,
                text,
            } => {
                format!(
                    "li{depth} [{}] {text}",
                    implicit_marker.as_deref().unwrap_or("")
                )
            }
            BlockKind::Table(t) => {
                let cells: Vec<String> = t
                    .rows
                    .iter()
                    .map(|r| {
                        r.cells
                            .iter()
                            .map(|c| {
                                format!(
                                    "{}{}@{}:{}x{}",
                                    if c.header { "*" } else { "" },
                                    c.text().replace('\n', "/"),
                                    c.col,
                                    c.row_span,
                                    c.col_span
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(" | ")
                    })
                    .collect();
                format!("table [{}]", cells.join(" // "))
            }
        })
        .collect()
}

#[test]
fn detects_office_formats_by_content() {
    let d = docx(&p("x"), "", "");
    assert_eq!(detect(&d), Some(Format::Docx));
    assert_eq!(crate::detect::format(&d), Some(Format::Docx));
    let x = package(&[(
        "[Content_Types].xml",
        br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
    )]);
    assert_eq!(detect(&x), Some(Format::Xlsx));
    assert_eq!(
        detect(&package(&[("[Content_Types].xml", PPTX_TYPES.as_bytes())])),
        Some(Format::Pptx)
    );
    assert_eq!(
        detect(&package(&[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet"
        )])),
        Some(Format::Ods)
    );
    // A zip that is no Office package, and an EPUB-like one.
    assert_eq!(detect(&package(&[("a.txt", b"hello")])), None);
    assert_eq!(
        detect(&package(&[("mimetype", b"application/epub+zip")])),
        None
    );
    assert_eq!(detect(&biff5(&[("シート", &[])], None)), Some(Format::Xls));
}

#[test]
fn word_headings_lists_and_markers() {
    let styles = r#"
        <w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
        <w:style w:type="paragraph" w:styleId="a3"><w:name w:val="見出し ３"/></w:style>
        <w:style w:type="paragraph" w:styleId="Mine"><w:name w:val="My Heading"/><w:basedOn w:val="Heading2"/></w:style>
        <w:style w:type="paragraph" w:styleId="Bul"><w:name w:val="Bullets"/><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style>"#;
    let numbering = r#"
        <w:abstractNum w:abstractNumId="0">
          <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="(%2)"/></w:lvl>
        </w:abstractNum>
        <w:abstractNum w:abstractNumId="1">
          <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="・"/></w:lvl>
        </w:abstractNum>
        <w:abstractNum w:abstractNumId="2">
          <w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0A1;"/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
        <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
        <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>"#;
    let li = |num: u32, lvl: u32, t: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{num}"/></w:numPr></w:pPr><w:r><w:t>{t}</w:t></w:r></w:p>"#
        )
    };
    let body = [
        r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>第1章 総則</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:pPr><w:pStyle w:val="a3"/></w:pPr><w:r><w:t>見出し三</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:pPr><w:pStyle w:val="Mine"/></w:pPr><w:r><w:t>継承</w:t></w:r></w:p>"#.to_string(),
        r#"<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>概要</w:t></w:r></w:p>"#.to_string(),
        li(1, 0, "研修の開催"),
        li(1, 1, "初級"),
        li(1, 1, "中級"),
        li(1, 0, "相談窓口"),
        li(1, 1, "電話"),
        li(2, 0, "点"),
        r#"<w:p><w:pPr><w:pStyle w:val="Bul"/></w:pPr><w:r><w:t>丸</w:t></w:r></w:p>"#.to_string(),
        // Run text split, a tab, a line break, a footnote reference, deleted and field-code text.
        r#"<w:p><w:r><w:t xml:space="preserve">本文 </w:t></w:r><w:r><w:t>続き&amp;</w:t><w:tab/><w:t>後</w:t><w:br/><w:t>次行</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r><w:del><w:r><w:delText>消</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>"#.to_string(),
        "<w:p/>".to_string(),
    ]
    .concat();
    let d = docx::extract(&docx(&body, styles, numbering), &Limits::default()).unwrap();
    assert_eq!(
        kinds(&d.blocks),
        [
            "h2 第1章 総則",
            "h3 見出し三",
            "h2 継承",
            "h1 概要",
            "li0 [①] 研修の開催",
            "li1 [(1)] 初級",
            "li1 [(2)] 中級",
            "li0 [②] 相談窓口",
            "li1 [(1)] 電話",
            "li0 [・] 点",
            "li0 [○] 丸",
            "p 本文 続き&\t後\n次行",
        ]
    );
}

#[test]
fn word_tables_spans_and_text_boxes() {
    let tc = |props: &str, t: &str| {
        format!(
            "<w:tc><w:tcPr>{props}</w:tcPr>{}</w:tc>",
            if t.is_empty() { "<w:p/>".into() } else { p(t) }
        )
    };
    let bold =
        |t: &str| format!("<w:tc><w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{t}</w:t></w:r></w:p></w:tc>");
    let body = [
        "<w:tbl><w:tblPr/><w:tblGrid/>".to_string(),
        format!("<w:tr>{}{}</w:tr>", bold("区分"), tc(r#"<w:gridSpan w:val="2"/>"#, "内容")),
        format!("<w:tr>{}{}{}</w:tr>", tc(r#"<w:vMerge w:val="restart"/>"#, "A"), tc("", "a1"), tc("", "a2")),
        format!("<w:tr>{}{}{}</w:tr>", tc("<w:vMerge/>", ""), tc("", "b1"), tc("", "b2")),
        "</w:tbl>".to_string(),
        // A text box (DrawingML with its VML fallback: read once) after its paragraph.
        r#"<w:p><w:r><w:t>前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>箱の中</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>箱の中</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"#.to_string(),
    ]
    .concat();
    let d = docx::extract(&docx(&body, "", ""), &Limits::default()).unwrap();
    assert_eq!(
        kinds(&d.blocks),
        [
            "table [*区分@0:1x1 | 内容@1:1x2 // A@0:2x1 | a1@1:1x1 | a2@2:1x1 // b1@1:1x1 | b2@2:1x1]",
            "p 前",
            "p 箱の中",
        ]
    );
}

#[test]
fn word_paragraphs_all_in_bold_are_bold() {
    let run = |t: &str, b: bool| {
        let props = if b { "<w:rPr><w:b/></w:rPr>" } else { "" };
        format!("<w:r>{props}<w:t>{t}</w:t></w:r>")
    };
    let body = [
        format!("<w:p>{}</w:p>", run("■太字の見出し", true)),
        format!("<w:p>{}{}</w:p>", run("一部だけ", true), run("太字", false)),
        format!("<w:p>{}</w:p>", run("地の文", false)),
    ]
    .concat();
    let d = docx::extract(&docx(&body, "", ""), &Limits::default()).unwrap();
    let bold: Vec<bool> = d.blocks.iter().map(|b| b.prov.bold).collect();
    assert_eq!(bold, [true, false, false]);
}

#[test]
fn word_list_of_links_reads_as_paragraphs() {
    let numbering = r#"<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>"#;
    let body = r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:hyperlink r:id="rId9" xmlns:r="r"><w:r><w:t>1.実施要領 (96KB)</w:t></w:r></w:hyperlink></w:p>"#;
    let d = docx::extract(&docx(body, "", numbering), &Limits::default()).unwrap();
    assert_eq!(kinds(&d.blocks), ["p 1.実施要領 (96KB)"]);
}

#[test]
fn list_counters_in_every_format() {
    use docx::format_counter as f;
    assert_eq!(f(3, "decimalEnclosedCircle"), "③");
    assert_eq!(f(21, "decimalEnclosedCircle"), "㉑");
    assert_eq!(f(2, "decimalEnclosedParen"), "⑵");
    assert_eq!(f(12, "decimalFullWidth"), "１２");
    assert_eq!(f(4, "upperRoman"), "IV");
    assert_eq!(f(2, "lowerLetter"), "b");
    assert_eq!(f(2, "aiueoFullWidth"), "イ");
    assert_eq!(f(3, "iroha"), "ハ");
    assert_eq!(f(23, "japaneseCounting"), "二十三");
    assert_eq!(f(10, "japaneseCounting"), "十");
}

fn pptx(slides: &[String]) -> Vec<u8> {
    let ids: String = (0..slides.len())
        .map(|i| format!(r#"<p:sldId id="{}" r:id="rId{}"/>"#, 256 + i, i + 1))
        .collect();
    // Presentation order is the reverse of the file names, to be sure it is followed.
    let rels: String = (0..slides.len())
        .map(|i| {
            format!(
                r#"<Relationship Id="rId{}" Type="slide" Target="slides/slide{}.xml"/>"#,
                i + 1,
                slides.len() - i
            )
        })
        .collect();
    let pres = format!(
        r#"<p:presentation xmlns:p="p" xmlns:r="r"><p:sldIdLst>{ids}</p:sldIdLst></p:presentation>"#
    );
    let rels = format!("<Relationships>{rels}</Relationships>");
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), PPTX_TYPES.as_bytes().to_vec()),
        ("ppt/presentation.xml".into(), pres.into_bytes()),
        ("ppt/_rels/presentation.xml.rels".into(), rels.into_bytes()),
    ];
    for (i, s) in slides.iter().enumerate() {
        entries.push((
            format!("ppt/slides/slide{}.xml", slides.len() - i),
            format!(r#"<p:sld xmlns:p="p" xmlns:a="a"><p:cSld><p:spTree>{s}</p:spTree></p:cSld></p:sld>"#).into_bytes(),
        ));
    }
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    package(&refs)
}

fn sp(ph: Option<&str>, pos: Option<(i64, i64)>, paras: &str) -> String {
    let ph = ph
        .map(|t| format!(r#"<p:ph type="{t}"/>"#))
        .unwrap_or_default();
    let xfrm = pos
        .map(|(x, y)| {
            format!(r#"<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="100" cy="100"/></a:xfrm>"#)
        })
        .unwrap_or_default();
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="1" name="x"/><p:cNvSpPr/><p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr>{xfrm}</p:spPr><p:txBody>{paras}</p:txBody></p:sp>"#
    )
}

#[test]
fn slides_in_order_with_titles_bullets_and_reading_order() {
    let para = |ppr: &str, t: &str| format!("<a:p>{ppr}<a:r><a:t>{t}</a:t></a:r></a:p>");
    let slide1 = [
        // In the file: the right-hand box first, then the left, then the title.
        sp(None, Some((5_000_000, 2_000_000)), &para("", "右")),
        sp(None, Some((100_000, 2_050_000)), &para("", "左")),
        sp(
            None,
            Some((100_000, 4_000_000)),
            &[
                para(r#"<a:pPr><a:buChar char="・"/></a:pPr>"#, "点一"),
                para(
                    r#"<a:pPr lvl="1"><a:buAutoNum type="circleNumDbPlain"/></a:pPr>"#,
                    "丸一",
                ),
                para(
                    r#"<a:pPr lvl="1"><a:buAutoNum type="circleNumDbPlain"/></a:pPr>"#,
                    "丸二",
                ),
                para(
                    r#"<a:pPr><a:buAutoNum type="arabicParenBoth"/></a:pPr>"#,
                    "括弧",
                ),
                para(r#"<a:pPr><a:buNone/></a:pPr>"#, "本文"),
            ]
            .concat(),
        ),
        sp(Some("title"), None, &para("", "第1回 会議資料")),
    ]
    .concat();
    let table = r#"<p:graphicFrame><p:xfrm><a:off x="0" y="6000000"/></p:xfrm><a:graphic><a:graphicData><a:tbl><a:tblPr firstRow="1"/><a:tr><a:tc gridSpan="2"><a:txBody><a:p><a:r><a:t>見出し</a:t></a:r></a:p></a:txBody></a:tc><a:tc hMerge="1"><a:txBody><a:p/></a:txBody></a:tc></a:tr><a:tr><a:tc><a:txBody><a:p><a:r><a:t>a</a:t></a:r></a:p></a:txBody></a:tc><a:tc><a:txBody><a:p><a:r><a:t>b</a:t></a:r></a:p></a:txBody></a:tc></a:tr></a:tbl></a:graphicData></a:graphic></p:graphicFrame>"#;
    let slide2 = [
        sp(Some("ctrTitle"), None, &para("", "表紙")),
        sp(
            None,
            Some((0, 1_000_000)),
            r#"<a:p><a:r><a:rPr b="1" sz="2400"/><a:t>太字の見出し</a:t></a:r></a:p>"#,
        ),
        table.to_string(),
    ]
    .concat();
    let d = pptx::extract(&pptx(&[slide1, slide2]), &Limits::default()).unwrap();
    assert_eq!(d.pages, Some(2));
    assert_eq!(
        kinds(&d.blocks),
        [
            "h2 第1回 会議資料",
            "p 左",
            "p 右",
            "li0 [・] 点一",
            "li1 [①] 丸一",
            "li1 [②] 丸二",
            "li0 [(1)] 括弧",
            "p 本文",
            "p 表紙",
            "h3 太字の見出し",
            "table [*見出し@0:1x2 // a@0:1x1 | b@1:1x1]",
        ]
    );
    assert_eq!(d.blocks[0].prov.page, Some(1));
    assert_eq!(d.blocks[8].prov.page, Some(2));
}

#[test]
fn numbers_and_dates_print_as_formatted() {
    use sheet::format_number as n;
    assert_eq!(n(1234567.0, "#,##0"), "1,234,567");
    assert_eq!(n(0.256, "0.0%"), "25.6%");
    assert_eq!(n(12.0, r#"0"件""#), "12件");
    assert_eq!(n(-5000.0, r#"#,##0"千円";[Red]-#,##0"千円""#), "-5,000千円");
    assert_eq!(n(12.3456, "0.00"), "12.35");
    assert_eq!(n(2.5, "General"), "2.5");
    assert_eq!(n(7.0, "General"), "7");
    let d = |serial: f64, code: &str| {
        sheet::format_date(
            &calamine::ExcelDateTime::new(serial, calamine::ExcelDateTimeType::DateTime, false),
            code,
        )
    };
    // 45017 = 2023-04-01.
    assert_eq!(d(45017.0, "yyyy/m/d"), "2023/4/1");
    assert_eq!(d(45017.0, r#"yyyy"年"m"月"d"日""#), "2023年4月1日");
    assert_eq!(d(45017.0, "[$-411]ge.m.d"), "R5.4.1");
    assert_eq!(
        d(45017.0, "[$-411]ggge\"年\"m\"月\"d\"日\""),
        "令和5年4月1日"
    );
    assert_eq!(
        d(43586.0, "[$-411]ggge\"年\"m\"月\"d\"日\""),
        "令和元年5月1日"
    );
    assert_eq!(d(45017.0, "yyyy/m"), "2023/4");
}

#[test]
fn xlsx_fixture_gives_headings_tables_and_spans() {
    let bytes = include_bytes!("../../../corpus/004_0736b6ba3a49c0cc.xlsx");
    assert_eq!(detect(bytes), Some(Format::Xlsx));
    let d = sheet::extract(Format::Xlsx, bytes, &Limits::default()).unwrap();
    let k = kinds(&d.blocks);
    assert!(k.iter().any(|b| b.starts_with("h1 ")), "{k:?}");
    // The KPI table: header cells in bold, a two-row header cell.
    let kpi = k
        .iter()
        .find(|b| b.starts_with("table [*") && b.contains(":2x1"))
        .expect("a table with a row span");
    assert!(kpi.contains('*'));
    assert!(d.pages.unwrap_or(0) >= 2);
    assert!(d.title.is_some());
}

// ------------------------------------------------------------------ BIFF5

/// A sheet's labels: row, column, text.
type Labels<'a> = &'a [(u16, u16, &'a str)];

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend_from_slice(&typ.to_le_bytes());
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
}

/// A BIFF5 workbook (Excel 5.0/95, a `Book` stream in a compound file) with
/// one sheet per `(name, cells)`, the labels encoded in Shift_JIS, with a
/// CODEPAGE record when `codepage` is given.
pub(crate) fn biff5(sheets: &[(&str, Labels)], codepage: Option<u16>) -> Vec<u8> {
    biff(false, sheets, codepage)
}

/// A BIFF8 workbook (Excel 97-2003, a `Workbook` stream): strings in UTF-16.
fn biff8(sheets: &[(&str, Labels)]) -> Vec<u8> {
    biff(true, sheets, Some(1200))
}

fn biff(biff8: bool, sheets: &[(&str, Labels)], codepage: Option<u16>) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut b = Vec::new();
        b.extend_from_slice(&(if biff8 { 0x0600u16 } else { 0x0500 }).to_le_bytes());
        b.extend_from_slice(&dt.to_le_bytes());
        b.extend_from_slice(&[0; 12][..if biff8 { 12 } else { 4 }]);
        b
    };
    // BIFF5: bytes in the code page; BIFF8: a flags byte, then UTF-16LE.
    let text = |s: &str| -> (usize, Vec<u8>) {
        if biff8 {
            let u: Vec<u16> = s.encode_utf16().collect();
            let mut b = vec![1u8];
            b.extend(u.iter().flat_map(|c| c.to_le_bytes()));
            (u.len(), b)
        } else {
            let b = encoding_rs::SHIFT_JIS.encode(s).0.into_owned();
            (b.len(), b)
        }
    };
    // Globals first, with placeholder sheet offsets patched below.
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    if let Some(cp) = codepage {
        record(&mut globals, 0x0042, &cp.to_le_bytes());
    }
    let mut patch = Vec::new();
    for (name, _) in sheets {
        let (n, t) = text(name);
        let mut b = vec![0, 0, 0, 0, 0, 0, n as u8];
        b.extend_from_slice(&t);
        patch.push(globals.len() + 4);
        record(&mut globals, 0x0085, &b);
    }
    record(&mut globals, 0x000A, &[]);
    let mut stream = globals;
    for (i, (_, cells)) in sheets.iter().enumerate() {
        let pos = stream.len() as u32;
        stream[patch[i]..patch[i] + 4].copy_from_slice(&pos.to_le_bytes());
        record(&mut stream, 0x0809, &bof(0x0010));
        for &(r, c, s) in cells.iter() {
            let (n, t) = text(s);
            let mut b = Vec::new();
            b.extend_from_slice(&r.to_le_bytes());
            b.extend_from_slice(&c.to_le_bytes());
            b.extend_from_slice(&15u16.to_le_bytes());
            b.extend_from_slice(&(n as u16).to_le_bytes());
            b.extend_from_slice(&t);
            record(&mut stream, 0x0204, &b);
        }
        record(&mut stream, 0x000A, &[]);
    }
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let name = if biff8 { "/Workbook" } else { "/Book" };
    cf.create_stream(name).unwrap().write_all(&stream).unwrap();
    cf.flush().unwrap();
    cf.into_inner().into_inner()
}

const SJIS_CELLS: &[(u16, u16, &str)] = &[
    (0, 0, "事務事業評価シート"),
    (2, 0, "番号"),
    (2, 1, "取組の内容"),
    (2, 2, "担当"),
    (3, 0, "①"),
    (
        3,
        1,
        "地域のこどもたちが安心してすごせるように、放課後の居場所づくりをすすめます",
    ),
    (3, 2, "こども課"),
    (4, 0, "②"),
    (
        4,
        1,
        "高齢者のみなさんが住みなれた地域でくらしつづけられるよう、見守りのしくみをつくります",
    ),
    (4, 2, "福祉課"),
];

#[test]
fn biff5_shift_jis_with_and_without_codepage_and_biff8() {
    for cp in [Some(932), None, Some(1200)] {
        // Some(1200) stands for BIFF8 here.
        let bytes = match cp {
            Some(1200) => biff8(&[("シート1", SJIS_CELLS)]),
            cp => biff5(&[("Sheet1", SJIS_CELLS)], cp),
        };
        assert_eq!(detect(&bytes), Some(Format::Xls), "codepage {cp:?}");
        let d = sheet::extract(Format::Xls, &bytes, &Limits::default()).unwrap();
        assert_eq!(
            kinds(&d.blocks),
            [
                "h1 事務事業評価シート",
                "table [*番号@0:1x1 | *取組の内容@1:1x1 | *担当@2:1x1 // ①@0:1x1 | 地域のこどもたちが安心してすごせるように、放課後の居場所づくりをすすめます@1:1x1 | こども課@2:1x1 // ②@0:1x1 | 高齢者のみなさんが住みなれた地域でくらしつづけられるよう、見守りのしくみをつくります@1:1x1 | 福祉課@2:1x1]",
            ],
            "codepage {cp:?}"
        );
    }
}

// ------------------------------------------------------------------ hostile

fn small_limits() -> Limits {
    Limits {
        max_stream_bytes: 1 << 20,
        ..Limits::default()
    }
}

#[test]
fn zip_bombs_are_refused() {
    // One part inflating past the per-part limit.
    let zeros = vec![0u8; 4 << 20];
    let bomb = package(&[
        ("[Content_Types].xml", DOCX_TYPES.as_bytes()),
        ("word/document.xml", &zeros),
    ]);
    assert!(bomb.len() < 64 << 10);
    let e = docx::extract(&bomb, &small_limits()).unwrap_err();
    assert!(e.to_string().contains("decompressed zip part bytes"), "{e}");
    // Many parts, each under the limit, over the total.
    let part = vec![b' '; 900 << 10];
    let names: Vec<String> = (0..6).map(|i| format!("xl/media/p{i}.xml")).collect();
    let mut entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), part.as_slice()))
        .collect();
    entries.push(("[Content_Types].xml", DOCX_TYPES.as_bytes()));
    let e = docx::extract(&package(&entries), &small_limits()).unwrap_err();
    assert!(
        e.to_string().contains("decompressed zip bytes in all"),
        "{e}"
    );
    // Under every size limit, but 1000 bytes out for each byte in.
    let zeros = vec![0u8; 24 << 20];
    let bomb = package(&[
        ("[Content_Types].xml", DOCX_TYPES.as_bytes()),
        ("word/document.xml", &zeros),
    ]);
    let e = docx::extract(&bomb, &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("zip compression ratio"), "{e}");
    // The spreadsheet reader checks the actual sizes before calamine unpacks.
    let bomb = package(&[("xl/sharedStrings.xml", &zeros)]);
    let e = sheet::extract(Format::Xlsx, &bomb, &small_limits()).unwrap_err();
    assert!(e.to_string().contains("limit exceeded"), "{e}");
}

#[test]
fn deeply_nested_xml_is_refused() {
    let body = "<w:sdt><w:sdtContent>".repeat(5000);
    let e = docx::extract(&docx(&body, "", ""), &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("XML nesting depth"), "{e}");
}

#[test]
fn encrypted_ooxml_gets_a_clear_error() {
    let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    cf.create_stream("/EncryptionInfo")
        .unwrap()
        .write_all(&[4, 0, 4, 0])
        .unwrap();
    cf.create_stream("/EncryptedPackage")
        .unwrap()
        .write_all(&[0u8; 4096])
        .unwrap();
    cf.flush().unwrap();
    let bytes = cf.into_inner().into_inner();
    assert_eq!(detect(&bytes), None);
    let out = crate::pipeline::process_bytes(&bytes, "secret.xlsx", None, &Limits::default());
    let e = out.record.error.unwrap();
    assert!(e.contains("encrypted") && e.contains("password"), "{e}");
}

#[test]
fn damaged_files_are_errors_not_panics() {
    let d = docx(&p("本文"), "", "");
    for cut in [10, d.len() / 2, d.len() - 10] {
        let _ = docx::extract(&d[..cut], &Limits::default());
        let _ = pptx::extract(&d[..cut], &Limits::default());
        let _ = sheet::extract(Format::Xlsx, &d[..cut], &Limits::default());
    }
    let x = biff5(&[("S", SJIS_CELLS)], Some(932));
    for cut in (0..x.len()).step_by(97) {
        let _ = sheet::extract(Format::Xls, &x[..cut], &Limits::default());
    }
}

/// Writes fuzz seeds for the Office targets (`fuzz/seed.sh` runs it with
/// TORIKUMI_OFFICE_SEEDS=DIR): BIFF5 workbooks and small hand-made DOCX/PPTX
/// packages beside the corpus fixtures.
#[test]
fn write_fuzz_seeds() {
    let Some(dir) = std::env::var_os("TORIKUMI_OFFICE_SEEDS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    for t in ["sheet", "docx", "pptx"] {
        std::fs::create_dir_all(dir.join(t)).unwrap();
    }
    for (name, cp) in [("biff5_932", Some(932)), ("biff5_nocp", None)] {
        // The sheet target's first byte picks the format: 1 = XLS.
        let mut b = vec![1u8];
        b.extend(biff5(
            &[("Sheet1", SJIS_CELLS), ("S2", &SJIS_CELLS[..3])],
            cp,
        ));
        std::fs::write(dir.join("sheet").join(name), b).unwrap();
    }
    let d = docx(&p("本文"), "", "");
    std::fs::write(dir.join("docx").join("small.docx"), d).unwrap();
    let s = pptx(&[sp(
        Some("title"),
        None,
        "<a:p><a:r><a:t>題</a:t></a:r></a:p>",
    )]);
    std::fs::write(dir.join("pptx").join("small.pptx"), s).unwrap();
}

#[test]
fn sheet_regions_make_separate_tables_with_their_titles() {
    let cells: &[(u16, u16, &str)] = &[
        (0, 0, "表1 研修"),
        (1, 0, "区分"),
        (1, 1, "件数"),
        (2, 0, "初級"),
        (2, 1, "12"),
        // An empty row, then a second table with its title right above it.
        (4, 0, "表2 相談"),
        (5, 1, "窓口"),
        (5, 2, "電話"),
        (6, 1, "3"),
        (6, 2, "4"),
        (8, 0, "※ 令和5年度末現在"),
    ];
    let d = sheet::extract(
        Format::Xls,
        &biff5(&[("S", cells)], Some(932)),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!(
        kinds(&d.blocks),
        [
            "h1 表1 研修",
            "table [*区分@0:1x1 | *件数@1:1x1 // 初級@0:1x1 | 12@1:1x1]",
            "h1 表2 相談",
            "table [*窓口@0:1x1 | *電話@1:1x1 // 3@0:1x1 | 4@1:1x1]",
            "p ※ 令和5年度末現在",
        ]
    );
    // The corpus workbook of 000: one sheet, its two tables apart.
    let bytes = include_bytes!("../../../corpus/000_a9577f83c0b17823.xlsx");
    let d = sheet::extract(Format::Xlsx, bytes, &Limits::default()).unwrap();
    assert_eq!(d.pages, Some(1));
    let tables = d
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Table(_)))
        .count();
    assert_eq!(tables, 2);
}

/// What the sheet fuzz target found in calamine, written out: a BOUNDSHEET
/// offset past the workbook stream (calamine slices the stream there
/// without a check) and a cell reference too large for a u32 (calamine
/// multiplies without a check).
#[test]
fn calamine_traps_are_errors() {
    let mut stream_file = biff5(&[("S", SJIS_CELLS)], Some(932));
    // The BOUNDSHEET's lbPlyPos: find the record (0x0085) in the stream and
    // point it far past the end.
    let pos = stream_file
        .windows(4)
        .position(|w| w == [0x85, 0x00, 0x08, 0x00])
        .expect("BOUNDSHEET");
    stream_file[pos + 4..pos + 8].copy_from_slice(&0x0100_002Eu32.to_le_bytes());
    let e = sheet::extract(Format::Xls, &stream_file, &Limits::default()).unwrap_err();
    assert!(e.to_string().contains("no BOF record"), "{e}");

    let sheet = br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A99999999999" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    let book = br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    let x = package(&[
        (
            "[Content_Types].xml",
            br#"<Types><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
        ),
        ("xl/workbook.xml", book),
        ("xl/_rels/workbook.xml.rels", rels),
        ("xl/worksheets/sheet1.xml", sheet),
    ]);
    // Read (the reference wraps) or refused; never a panic out of extract.
    let _ = sheet::extract(Format::Xlsx, &x, &Limits::default());
}

#[test]
fn xls_used_range_is_bounded() {
    // Two cells at opposite corners: calamine would allocate 65536 × 256 cells.
    let cells: &[(u16, u16, &str)] = &[(0, 0, "左上"), (65_535, 255, "右下")];
    let bytes = biff5(&[("S", cells)], Some(932));
    let e = sheet::extract(Format::Xls, &bytes, &Limits::default()).unwrap_err();
    assert!(
        e.to_string().contains("cells in a sheet's used range"),
        "{e}"
    );
}
