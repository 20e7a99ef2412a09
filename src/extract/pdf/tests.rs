//! Unit tests: small PDFs built in code with lopdf.

use lopdf::{Dictionary, Object, Stream, dictionary};

use super::extract;
use super::interp::{Dir, Glyph, Rule};
use super::layout::{self, Split};
use crate::error::ErrorKind;
use crate::limits::Limits;
use crate::model::{BlockKind, Document};

/// One page to build: its content stream and extra XObjects (name, stream).
struct PageSpec {
    content: Vec<u8>,
    xobjects: Vec<(&'static str, Stream)>,
}

fn page(content: &str) -> PageSpec {
    PageSpec {
        content: content.as_bytes().to_vec(),
        xobjects: Vec::new(),
    }
}

/// A Helvetica-like simple font whose glyphs are all 500 units wide, so that
/// positions do not depend on the font decoder's metrics.
fn font_dict() -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
        "FirstChar" => 32,
        "LastChar" => 126,
        "Widths" => (32..=126).map(|_| Object::Integer(500)).collect::<Vec<_>>(),
    }
}

/// Builds a PDF of A4 pages; XObjects may refer to each other by the names
/// given (self-reference is made by the caller through `Resources`).
fn build(pages: Vec<PageSpec>) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(font_dict());
    let mut bold = font_dict();
    bold.set("BaseFont", "Helvetica-Bold");
    let bold_id = doc.add_object(bold);
    let mut kids = Vec::new();
    for p in pages {
        let mut xobjs = Dictionary::new();
        for (name, s) in p.xobjects {
            let id = doc.add_object(s);
            xobjs.set(name, id);
        }
        let resources = dictionary! { "Font" => dictionary! { "F1" => font_id, "F2" => bold_id }, "XObject" => xobjs };
        let content_id = doc.add_object(Stream::new(dictionary! {}, p.content));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content_id,
            "Resources" => resources,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

fn lines(d: &Document) -> Vec<String> {
    d.blocks
        .iter()
        .filter_map(|b| b.kind.text().map(str::to_string))
        .collect()
}

fn read(bytes: &[u8]) -> Document {
    extract(bytes, &Limits::default()).expect("extract")
}

#[test]
fn text_positioning_operators() {
    let pdf = build(vec![page(
        "BT /F1 10 Tf 14 TL 72 700 Td (First line) Tj T* (Second) Tj 0 -14 TD (Third) Tj \
         1 0 0 1 72 600 Tm (Moved) Tj (Quoted) ' 2 1 (Dquote) \" ET",
    )]);
    let d = read(&pdf);
    assert_eq!(d.pages, Some(1));
    assert_eq!(
        lines(&d),
        vec!["First line", "Second", "Third", "Moved", "Quoted", "Dquote"]
    );
    // Positions: the first line starts at x=72, its baseline at 700.
    let b = d.blocks[0].prov.bbox.expect("bbox");
    assert!(
        (b.x0 - 72.0).abs() < 0.5 && b.y0 < 700.0 && b.y1 > 700.0,
        "{b:?}"
    );
    assert_eq!(d.blocks[0].prov.page, Some(1));
}

#[test]
fn tj_adjustments_make_spaces_only_for_wide_gaps() {
    let pdf = build(vec![page(
        "BT /F1 10 Tf 72 700 Td [(Hello) -400 (World)] TJ ET \
         BT /F1 10 Tf 72 680 Td [(ab) -50 (cd)] TJ ET \
         BT /F1 10 Tf 72 660 Td 1.5 Tc (xy) Tj ET",
    )]);
    assert_eq!(lines(&read(&pdf)), vec!["Hello World", "abcd", "xy"]);
}

#[test]
fn two_columns_read_column_by_column() {
    let mut c = String::from("BT /F1 10 Tf ");
    for (i, y) in [700, 686, 672, 658].iter().enumerate() {
        c += &format!(
            "1 0 0 1 50 {y} Tm (left column line number {i}) Tj 1 0 0 1 320 {y} Tm (right column line number {i}) Tj "
        );
    }
    c += "1 0 0 1 50 760 Tm (Title across the page) Tj ET";
    let d = read(&build(vec![page(&c)]));
    let expected: Vec<String> = std::iter::once("Title across the page".to_string())
        .chain((0..4).map(|i| format!("left column line number {i}")))
        .chain((0..4).map(|i| format!("right column line number {i}")))
        .collect();
    assert_eq!(lines(&d), expected);
}

/// A ruled table: a header row spanning both columns, then 2×2 cells, and
/// the left cell of the last two rows merged (row span 2).
fn ruled_table(top: f32, with_header_fill: bool, header: &str, rows: &[(&str, &str)]) -> String {
    let mut c = String::new();
    let n = rows.len() as f32 + 1.0;
    let bottom = top - 20.0 * n;
    if with_header_fill {
        c += &format!("0.9 0.9 1 rg 100 {} 300 20 re f 0 g ", top - 20.0);
    }
    c += "0.5 w ";
    for k in 0..=rows.len() + 1 {
        let y = top - 20.0 * k as f32;
        c += &format!("100 {y} m 400 {y} l S ");
    }
    c += &format!("100 {top} m 100 {bottom} l S 400 {top} m 400 {bottom} l S ");
    c += &format!("250 {} m 250 {bottom} l S ", top - 20.0);
    c += &format!(
        "BT /F1 10 Tf 1 0 0 1 105 {} Tm ({header}) Tj ET ",
        top - 15.0
    );
    for (k, (a, b)) in rows.iter().enumerate() {
        let y = top - 20.0 * (k as f32 + 1.0) - 15.0;
        c += &format!("BT /F1 10 Tf 1 0 0 1 105 {y} Tm ({a}) Tj 1 0 0 1 255 {y} Tm ({b}) Tj ET ");
    }
    c
}

fn tables(d: &Document) -> Vec<&crate::model::Table> {
    d.blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

#[test]
fn ruled_table_with_spanning_cells() {
    let mut c = ruled_table(700.0, true, "Header", &[("a1", "b1"), ("a2", "b2")]);
    // Erase the rule between the two body rows in the left column by drawing
    // the table again without it: build the left column's rule only on the right.
    c = c.replace("100 660 m 400 660 l S", "250 660 m 400 660 l S");
    c += "BT /F1 10 Tf 1 0 0 1 100 500 Tm (After the table) Tj ET";
    let d = read(&build(vec![page(&c)]));
    let ts = tables(&d);
    assert_eq!(ts.len(), 1, "{:?}", d.blocks);
    let t = ts[0];
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[0].cells.len(), 1);
    assert_eq!(t.rows[0].cells[0].col_span, 2);
    assert!(t.rows[0].cells[0].header);
    assert_eq!(t.rows[0].cells[0].text(), "Header");
    assert_eq!(t.rows[1].cells.len(), 2);
    assert_eq!(t.rows[1].cells[0].row_span, 2);
    assert!(!t.rows[1].cells[0].header);
    assert_eq!(t.rows[1].cells[0].text(), "a1\na2");
    assert_eq!(t.rows[1].cells[1].text(), "b1");
    assert_eq!(t.rows[2].cells.len(), 1);
    assert_eq!(
        (t.rows[2].cells[0].col, t.rows[2].cells[0].text().as_str()),
        (1, "b2")
    );
    assert_eq!(lines(&d), vec!["After the table"]);
}

#[test]
fn flow_chart_boxes_drawn_with_cell_borders_are_no_table() {
    // Two boxes joined by a connector line (with a long vertical leg) into
    // one set of touching rules: the outline open, every horizontal rule short.
    let mut c = String::from("0.5 w ");
    for (x0, y0, x1, y1) in [(100.0, 700.0, 200.0, 720.0), (300.0, 600.0, 400.0, 620.0)] {
        c += &format!("{x0} {y0} m {x1} {y0} l {x1} {y1} l {x0} {y1} l {x0} {y0} l S ");
    }
    c += "200 710 m 250 710 l S 250 710 m 250 610 l S 250 610 m 300 610 l S ";
    c += "BT /F1 10 Tf 1 0 0 1 105 705 Tm (Collect) Tj 1 0 0 1 305 605 Tm (Recycle) Tj ET";
    let d = read(&build(vec![page(&c)]));
    assert!(tables(&d).is_empty(), "{:?}", d.blocks);
    assert_eq!(lines(&d), vec!["Collect", "Recycle"]);
}

#[test]
fn a_chart_grid_through_its_labels_is_no_table() {
    // A plot frame with vertical grid lines every 50 points, a label set
    // across three of them, and numbers in the plot.
    let mut c = String::from("0.5 w 100 500 m 400 500 l S 100 700 m 400 700 l S ");
    for k in 0..=6 {
        let x = 100 + 50 * k;
        c += &format!("{x} 500 m {x} 700 l S ");
    }
    c += "BT /F1 10 Tf 1 0 0 1 142.5 650 Tm (Sarin gas attack in Tokyo 1995) Tj \
          1 0 0 1 210 600 Tm (-28) Tj 1 0 0 1 310 560 Tm (-102) Tj ET";
    let d = read(&build(vec![page(&c)]));
    assert!(tables(&d).is_empty(), "{:?}", d.blocks);
    assert_eq!(
        lines(&d),
        vec!["Sarin gas attack in Tokyo 1995", "-28", "-102"]
    );
}

#[test]
fn thin_filled_rectangles_are_rulings() {
    // Borders as 0.75-pt filled rectangles, the way LibreOffice and Chromium draw them.
    let mut c = String::from("0 g ");
    for y in [700.0, 680.0, 660.0] {
        c += &format!("100 {y} 300 0.75 re f ");
    }
    for x in [100.0, 250.0, 400.0] {
        c += &format!("{x} 660 0.75 40 re f ");
    }
    c += "BT /F1 10 Tf 1 0 0 1 105 685 Tm (k1) Tj 1 0 0 1 255 685 Tm (v1) Tj \
          1 0 0 1 105 665 Tm (k2) Tj 1 0 0 1 255 665 Tm (v2) Tj ET";
    let d = read(&build(vec![page(&c)]));
    let ts = tables(&d);
    assert_eq!(ts.len(), 1);
    let texts: Vec<Vec<String>> = ts[0]
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text()).collect())
        .collect();
    assert_eq!(texts, vec![vec!["k1", "v1"], vec!["k2", "v2"]]);
}

#[test]
fn table_continued_on_next_page_is_joined() {
    let p1 = ruled_table(300.0, true, "Head", &[("a1", "b1"), ("a2", "b2")]);
    let p2 = ruled_table(800.0, true, "Head", &[("a3", "b3")]);
    let d = read(&build(vec![page(&p1), page(&p2)]));
    let ts = tables(&d);
    assert_eq!(ts.len(), 1, "{:?}", d.blocks);
    let t = ts[0];
    let texts: Vec<String> = t
        .rows
        .iter()
        .map(|r| {
            r.cells
                .iter()
                .map(|c| c.text())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert_eq!(texts, vec!["Head", "a1|b1", "a2|b2", "a3|b3"]);
    assert_eq!(t.rows[3].cells[0].prov.page, Some(2));
}

#[test]
fn form_xobject_text_is_read_with_its_matrix() {
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 50.into()],
            "Matrix" => vec![1.into(), 0.into(), 0.into(), 1.into(), 100.into(), 400.into()],
        },
        b"BT /F1 10 Tf 0 10 Td (Inside form) Tj ET".to_vec(),
    );
    let mut p = page("BT /F1 10 Tf 72 700 Td (Before) Tj ET /Fm1 Do");
    p.xobjects.push(("Fm1", form));
    let d = read(&build(vec![p]));
    assert_eq!(lines(&d), vec!["Before", "Inside form"]);
    let b = d.blocks[1].prov.bbox.expect("bbox");
    assert!(
        (b.x0 - 100.0).abs() < 0.5 && b.y0 < 410.0 && b.y1 > 410.0,
        "{b:?}"
    );
}

#[test]
fn self_referencing_form_is_cut() {
    // The form's own resources name it again: draw it, and it draws itself.
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(font_dict());
    let form_id = doc.new_object_id();
    let form = Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 200.into(), 50.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "X" => form_id }, "Font" => dictionary! { "F1" => font_id } },
        },
        b"BT /F1 10 Tf 72 500 Td (loop) Tj ET /X Do".to_vec(),
    );
    doc.objects.insert(form_id, Object::Stream(form));
    let content = doc.add_object(Stream::new(dictionary! {}, b"/X Do".to_vec()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Contents" => content,
        "Resources" => dictionary! { "XObject" => dictionary! { "X" => form_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    let d = read(&bytes);
    assert_eq!(lines(&d), vec!["loop"]);
    assert!(
        d.warnings.iter().any(|w| w.contains("draws itself")),
        "{:?}",
        d.warnings
    );
    // A tight depth limit: nesting beyond it is an error, not a hang.
    let limits = Limits {
        max_depth: 0,
        ..Limits::default()
    };
    let e = extract(&bytes, &limits).expect_err("depth");
    assert!(matches!(e.kind(), ErrorKind::LimitExceeded { .. }), "{e}");
}

#[test]
fn actual_text_replaces_the_glyphs_it_covers() {
    let pdf = build(vec![page(
        "BT /F1 10 Tf 72 700 Td (Word: ) Tj /Span << /ActualText <FEFF004F004B> >> BDC (xx) Tj EMC (!) Tj ET",
    )]);
    assert_eq!(lines(&read(&pdf)), vec!["Word: OK!"]);
}

#[test]
fn inline_image_does_not_derail_the_parser() {
    let mut content = b"BT /F1 10 Tf 72 700 Td (Before) Tj ET q 10 0 0 10 72 600 cm BI /W 4 /H 1 /BPC 8 /CS /G ID ".to_vec();
    content.extend_from_slice(&[0x45, 0x49, 0x00, 0xFF]); // data holding the bytes "EI"
    content.extend_from_slice(b" EI Q BT /F1 10 Tf 72 580 Td (After) Tj ET");
    let d = read(&build(vec![PageSpec {
        content,
        xobjects: Vec::new(),
    }]));
    assert_eq!(lines(&d), vec!["Before", "After"]);
}

fn vglyph(text: &str, x: f32, y: f32) -> Glyph {
    // A vertical-writing glyph of size 10 whose top centre is at (x, y).
    let (cx, cy) = Dir::Down.to_canon(x, y);
    Glyph {
        text: text.into(),
        dir: Dir::Down,
        x0: cx,
        x1: cx + 10.0,
        y0: cy - 5.0,
        y1: cy + 5.0,
        size: 10.0,
        bold: false,
    }
}

#[test]
fn vertical_writing_reads_columns_right_to_left() {
    // Two columns: 縦書 at x=300 (read first), き文 at x=280.
    let glyphs = vec![
        vglyph("き", 280.0, 700.0),
        vglyph("文", 280.0, 690.0),
        vglyph("縦", 300.0, 700.0),
        vglyph("書", 300.0, 690.0),
    ];
    let idx: Vec<usize> = (0..glyphs.len()).collect();
    let ls = layout::build_lines(&glyphs, &idx, Split::AtGaps);
    let boxes: Vec<[f32; 4]> = ls.iter().map(|l| l.bbox).collect();
    let vertical = vec![true; ls.len()];
    let chars: Vec<usize> = ls.iter().map(|l| l.chars).collect();
    let order = layout::reading_order(&boxes, &vertical, &chars, 10.0);
    let texts: Vec<&str> = order.iter().map(|&i| ls[i].text.as_str()).collect();
    assert_eq!(texts, vec!["縦書", "き文"]);
    // Each column is tall and narrow on the page.
    let b = ls[0].bbox;
    assert!(b[3] - b[1] > b[2] - b[0], "{b:?}");
    // Columns closer than an em (no gutter) still read right to left.
    let near: Vec<Glyph> = vec![
        vglyph("左", 288.0, 700.0),
        vglyph("列", 288.0, 690.0),
        vglyph("右", 300.0, 700.0),
        vglyph("列", 300.0, 690.0),
    ];
    let ls = layout::build_lines(&near, &idx, Split::AtGaps);
    let boxes: Vec<[f32; 4]> = ls.iter().map(|l| l.bbox).collect();
    let chars: Vec<usize> = ls.iter().map(|l| l.chars).collect();
    let order = layout::reading_order(&boxes, &vertical, &chars, 10.0);
    let texts: Vec<&str> = order.iter().map(|&i| ls[i].text.as_str()).collect();
    assert_eq!(texts, vec!["右列", "左列"]);
}

/// Orders lines with [`layout::reading_order`] and returns their texts.
/// A horizontal glyph: `w` wide, `size` tall, its box from `y0` up.
fn across(t: &str, x0: f32, y0: f32, w: f32, size: f32) -> Glyph {
    Glyph {
        text: t.into(),
        dir: Dir::Right,
        x0,
        x1: x0 + w,
        y0,
        y1: y0 + size,
        size,
        bold: false,
    }
}

/// The texts of the lines that all of `glyphs` make, split at gaps.
fn line_texts(glyphs: &[Glyph]) -> Vec<String> {
    let idx: Vec<usize> = (0..glyphs.len()).collect();
    layout::build_lines(glyphs, &idx, Split::AtGaps)
        .into_iter()
        .map(|l| l.text)
        .collect()
}

fn ordered_texts(ls: &[layout::TextLine]) -> Vec<String> {
    let boxes: Vec<[f32; 4]> = ls.iter().map(|l| l.bbox).collect();
    let vertical: Vec<bool> = ls.iter().map(|l| l.dir == Dir::Down).collect();
    let chars: Vec<usize> = ls.iter().map(|l| l.chars).collect();
    let order = layout::reading_order(&boxes, &vertical, &chars, 10.0);
    order.iter().map(|&i| ls[i].text.clone()).collect()
}

#[test]
fn a_rule_between_tiers_splits_columns_and_tiers_read_top_first() {
    // A 官報 page: two tiers (段) of vertical columns, a rule between them,
    // the gap across it less than an em. Columns at x=300 and x=288.
    let mut glyphs = Vec::new();
    for (x, top, bottom) in [(300.0, "上右", "下右"), (288.0, "上左", "下左")] {
        for (k, c) in top.chars().enumerate() {
            glyphs.push(vglyph(&c.to_string(), x, 700.0 - 10.0 * k as f32));
        }
        for (k, c) in bottom.chars().enumerate() {
            glyphs.push(vglyph(&c.to_string(), x, 676.0 - 10.0 * k as f32));
        }
    }
    let idx: Vec<usize> = (0..glyphs.len()).collect();
    // Without the rule each column runs through both tiers.
    let ls = layout::build_lines(&glyphs, &idx, Split::AtGaps);
    assert_eq!(ls.len(), 2);
    let rule = Rule {
        horizontal: true,
        pos: 683.0,
        from: 250.0,
        to: 350.0,
    };
    let ls = layout::build_lines_ruled(&glyphs, &idx, Split::AtGaps, &[rule]);
    assert_eq!(ls.len(), 4);
    // The top tier's columns right to left, then the bottom tier's.
    assert_eq!(ordered_texts(&ls), vec!["上右", "上左", "下右", "下左"]);
    // A rule that does not reach across the columns splits nothing.
    let short = Rule {
        from: 320.0,
        ..rule
    };
    assert_eq!(
        layout::build_lines_ruled(&glyphs, &idx, Split::AtGaps, &[short]).len(),
        2
    );
}

#[test]
fn vertical_text_with_a_stray_upright_line_still_reads_right_to_left() {
    // Three vertical columns and a short upright label above the middle one:
    // the block is vertical writing by its characters, read right to left.
    let mut glyphs = Vec::new();
    for (x, col) in [
        (300.0, "一二三四"),
        (288.0, "五六七八"),
        (276.0, "九十百千"),
    ] {
        for (k, c) in col.chars().enumerate() {
            glyphs.push(vglyph(&c.to_string(), x, 700.0 - 10.0 * k as f32));
        }
    }
    glyphs.push(Glyph {
        text: "(1)".into(),
        dir: Dir::Right,
        x0: 287.0,
        x1: 297.0,
        y0: 712.0,
        y1: 720.0,
        size: 8.0,
        bold: false,
    });
    let idx: Vec<usize> = (0..glyphs.len()).collect();
    let ls = layout::build_lines(&glyphs, &idx, Split::AtGaps);
    let texts = ordered_texts(&ls);
    let pos = |t: &str| texts.iter().position(|x| x == t).unwrap();
    assert!(pos("一二三四") < pos("五六七八"), "{texts:?}");
    assert!(pos("五六七八") < pos("九十百千"), "{texts:?}");
}

#[test]
fn upright_glyphs_set_down_columns_read_as_columns() {
    // Vertical writing drawn with a horizontal font: six columns of five
    // characters, a column pitch of two ems. Read row-wise, the rows glue
    // across the one-em gaps into five lines, fewer than the six columns;
    // the columns are set solid, so they are the reading.
    let cols = [
        "あいうえお",
        "かきくけこ",
        "さしすせそ",
        "たちつてと",
        "なにぬねの",
        "はひふへほ",
    ];
    let mut glyphs = Vec::new();
    for (i, col) in cols.iter().enumerate() {
        let x = 400.0 - 28.0 * i as f32;
        for (k, c) in col.chars().enumerate() {
            let y = 700.0 - 15.0 * k as f32;
            glyphs.push(Glyph {
                text: c.to_string(),
                dir: Dir::Right,
                x0: x,
                x1: x + 14.0,
                y0: y,
                y1: y + 14.0,
                size: 14.0,
                bold: false,
            });
        }
    }
    let idx: Vec<usize> = (0..glyphs.len()).collect();
    let rows = layout::build_lines(&glyphs, &idx, Split::AtGaps);
    assert_eq!(rows.len(), 5);
    let ls = layout::fix_vertical_layout(&glyphs, rows, &[]);
    assert_eq!(ordered_texts(&ls), cols.to_vec());
}

#[test]
fn japanese_glyphs_get_no_spaces_latin_words_do() {
    let g = |t: &str, x: f32| across(t, x, 0.0, 10.0, 10.0);
    let glyphs = vec![g("日", 0.0), g("本", 14.0), g("A", 40.0), g("B", 54.0)];
    assert_eq!(line_texts(&glyphs), vec!["日本 A B"]);
}

#[test]
fn emphasis_dots_over_a_line_are_left_out_an_ellipsis_stays() {
    let g = |t: &str, x: f32, y0: f32| across(t, x, y0, 20.0, 20.0);
    // 危険な場所 at y0 = 100; a row of … (傍点) on a baseline 5 points
    // lower, their boxes reaching into the row of text.
    let mut glyphs: Vec<Glyph> = "危険な場所"
        .chars()
        .enumerate()
        .map(|(i, c)| g(&c.to_string(), 20.0 * i as f32, 100.0))
        .collect();
    glyphs.extend((0..5).map(|i| g("…", 20.0 * i as f32 + 2.0, 95.0)));
    // An ellipsis on the text's own baseline stays: 待つ……。
    for (i, t) in ["待", "つ", "…", "…", "…", "。"].iter().enumerate() {
        glyphs.push(g(t, 20.0 * i as f32, 50.0));
    }
    assert_eq!(line_texts(&glyphs), vec!["危険な場所", "待つ………。"]);
}

#[test]
fn a_tall_glyph_does_not_merge_two_rows_of_small_text() {
    let g = |t: &str, x: f32, y0: f32, size: f32| across(t, x, y0, 0.7 * size, size);
    // A 28-point axis title on the left; a chart legend far right, two
    // 12-point labels one right under the other, their boxes touching.
    let mut glyphs = vec![g("頻", 57.0, 419.4, 28.0), g("度", 85.0, 419.4, 28.0)];
    for (i, c) in "MAINICHI".chars().enumerate() {
        glyphs.push(g(&c.to_string(), 570.0 + 8.4 * i as f32, 430.2, 12.0));
    }
    for (i, c) in "NIKKEI".chars().enumerate() {
        glyphs.push(g(&c.to_string(), 585.0 + 8.4 * i as f32, 418.2, 12.0));
    }
    assert_eq!(line_texts(&glyphs), vec!["頻度", "MAINICHI", "NIKKEI"]);
}

#[test]
fn a_space_of_a_larger_font_does_not_merge_two_rows() {
    let g = |t: &str, x: f32, y0: f32, size: f32| across(t, x, y0, 0.5 * size, size);
    // Axis labels of a chart in 4-point type, two rows (年 over 西暦), and a
    // stray 11-point space drawn across both.
    let mut glyphs = vec![g(" ", 89.6, 435.6, 11.0)];
    for (i, c) in "S15".chars().enumerate() {
        glyphs.push(g(&c.to_string(), 80.0 + 2.2 * i as f32, 439.5, 4.4));
    }
    for (i, c) in "(1940)".chars().enumerate() {
        glyphs.push(g(&c.to_string(), 83.0 + 2.2 * i as f32, 434.0, 4.4));
    }
    assert_eq!(line_texts(&glyphs), vec!["S15", "(1940)"]);
}

#[test]
fn decompression_bomb_is_a_limit_error() {
    use std::io::Write;
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 16];
    for _ in 0..64 {
        enc.write_all(&chunk).expect("write");
    }
    let data = enc.finish().expect("finish");
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let content = doc.add_object(
        Stream::new(dictionary! { "Filter" => "FlateDecode" }, data).with_compression(false),
    );
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => content,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    assert!(bytes.len() < 64 << 10);
    let limits = Limits {
        max_stream_bytes: 1 << 20,
        ..Limits::default()
    };
    let e = extract(&bytes, &limits).expect_err("bomb");
    assert!(matches!(e.kind(), ErrorKind::LimitExceeded { .. }), "{e}");
    // Under a generous limit the same file reads (4 MiB of spaces: no text).
    assert!(extract(&bytes, &Limits::default()).is_ok());
}

#[test]
fn truncated_and_garbage_files_give_errors_not_panics() {
    let pdf = build(vec![page("BT /F1 10 Tf 72 700 Td (Some text) Tj ET")]);
    assert!(extract(&pdf[..20], &Limits::default()).is_err());
    assert!(extract(b"%PDF-1.4\n garbage", &Limits::default()).is_err());
    // Every prefix either reads or fails cleanly.
    for n in (0..pdf.len()).step_by(37) {
        let _ = extract(&pdf[..n], &Limits::default());
    }
}

#[test]
fn page_without_text_but_image_warns_scan() {
    let img = Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1, "BitsPerComponent" => 8, "ColorSpace" => "DeviceGray" },
        vec![0u8],
    );
    let mut p = page("q 595 0 0 842 0 0 cm /Im1 Do Q");
    p.xobjects.push(("Im1", img));
    let d = read(&build(vec![p]));
    assert!(d.blocks.is_empty());
    assert!(
        d.warnings.iter().any(|w| w.contains("no text layer")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn running_headers_and_page_numbers_are_dropped() {
    let pages = (1..=4)
        .map(|n| {
            page(&format!(
                "BT /F1 10 Tf 1 0 0 1 72 810 Tm (Annual Report 2023) Tj 1 0 0 1 72 600 Tm (Body of page {n}) Tj \
                 1 0 0 1 290 30 Tm (- {n} -) Tj ET"
            ))
        })
        .collect();
    let d = read(&build(pages));
    assert_eq!(
        lines(&d),
        vec![
            "Body of page 1",
            "Body of page 2",
            "Body of page 3",
            "Body of page 4"
        ]
    );
    assert_eq!(d.blocks[3].prov.page, Some(4));
}

#[test]
fn larger_text_is_a_heading() {
    let d = read(&build(vec![page(
        "BT /F1 20 Tf 72 760 Td (Big Title) Tj ET BT /F1 10 Tf 72 700 Td (Body text that is long enough to count) Tj \
         0 -14 Td (and more body text on a second line) Tj ET",
    )]));
    assert!(
        matches!(&d.blocks[0].kind, BlockKind::Heading { level: 1, text } if text == "Big Title"),
        "{:?}",
        d.blocks[0]
    );
    assert!(matches!(&d.blocks[1].kind, BlockKind::Line { .. }));
}

#[test]
fn rotated_page_reads_upright() {
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(font_dict());
    // Text drawn rotated 90° counter-clockwise on a /Rotate 90 page reads upright.
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 10 Tf 0 1 -1 0 300 100 Tm (Line one) Tj 0 1 -1 0 314 100 Tm (Line two) Tj ET"
            .to_vec(),
    ));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Rotate" => 90,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font_id } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    let d = read(&bytes);
    assert_eq!(lines(&d), vec!["Line one", "Line two"]);
}

#[test]
fn row_split_by_a_page_break_is_rejoined() {
    let p1 = ruled_table(300.0, true, "Head", &[("label", "first half")]);
    let p2 = ruled_table(800.0, true, "Head", &[("", "second half")]);
    let d = read(&build(vec![page(&p1), page(&p2)]));
    let ts = tables(&d);
    assert_eq!(ts.len(), 1, "{:?}", d.blocks);
    let texts: Vec<Vec<String>> = ts[0]
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.text()).collect())
        .collect();
    assert_eq!(
        texts,
        vec![
            vec!["Head".to_string()],
            vec!["label".into(), "first half\nsecond half".into()]
        ]
    );
}

/// Encrypts a one-page PDF with RC4 (V2, 128-bit) and the given passwords.
fn encrypted(user: &str, permissions: lopdf::Permissions) -> Vec<u8> {
    let plain = build(vec![page("BT /F1 10 Tf 72 700 Td (Secret text) Tj ET")]);
    let mut doc = lopdf::Document::load_mem(&plain).expect("load");
    let id = Object::String(
        b"0123456789abcdef".to_vec(),
        lopdf::StringFormat::Hexadecimal,
    );
    doc.trailer.set("ID", vec![id.clone(), id]);
    let version = lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: user,
        key_length: 128,
        permissions,
    };
    let state = lopdf::EncryptionState::try_from(version).expect("state");
    doc.encrypt(&state).expect("encrypt");
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

#[test]
fn encryption_with_empty_user_password_is_read_with_a_warning() {
    let bytes = encrypted("", lopdf::Permissions::PRINTABLE);
    let d = read(&bytes);
    assert_eq!(lines(&d), vec!["Secret text"]);
    assert!(
        d.warnings.iter().any(|w| w.contains("forbids copying")),
        "{:?}",
        d.warnings
    );
    let e = extract(
        &encrypted("secret", lopdf::Permissions::all()),
        &Limits::default(),
    )
    .expect_err("password");
    assert!(matches!(e.kind(), ErrorKind::Encrypted(_)), "{e}");
}

#[test]
fn mutated_files_never_panic_or_hang() {
    // A table, a form and compressed streams, then bytes flipped all over.
    let mut p = page(&ruled_table(700.0, true, "Head", &[("a", "b"), ("c", "d")]));
    p.xobjects.push((
        "Fm1",
        Stream::new(
            dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 9.into(), 9.into()] },
            b"BT /F1 10 Tf 0 0 Td (f) Tj ET".to_vec(),
        ),
    ));
    p.content.extend_from_slice(b" /Fm1 Do");
    let mut doc = lopdf::Document::load_mem(&build(vec![p])).expect("load");
    doc.compress();
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).expect("save");
    let limits = Limits {
        max_time: std::time::Duration::from_secs(5),
        ..Limits::default()
    };
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..300 {
        let mut m = pdf.clone();
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let at = (seed % m.len() as u64) as usize;
            m[at] = (seed >> 32) as u8;
        }
        let r = extract(&m, &limits);
        if let Err(e) = &r {
            assert!(!matches!(e.kind(), ErrorKind::Panic(_)), "panic: {e}");
        }
    }
}

#[test]
fn tables_drawn_one_under_the_other_stay_apart() {
    let mut c = String::from("0.5 w ");
    for y in [700, 680, 660, 640, 620] {
        c += &format!("100 {y} m 400 {y} l S ");
    }
    for x in [100, 250, 400] {
        c += &format!("{x} 660 m {x} 700 l S ");
    }
    for x in [100, 200, 300, 400] {
        c += &format!("{x} 620 m {x} 660 l S ");
    }
    c += "BT /F1 10 Tf";
    for (x, y, t) in [
        (105, 685, "A1"),
        (255, 685, "A2"),
        (105, 665, "A3"),
        (255, 665, "A4"),
    ] {
        c += &format!(" 1 0 0 1 {x} {y} Tm ({t}) Tj");
    }
    for (x, y, t) in [
        (105, 645, "B1"),
        (205, 645, "B2"),
        (305, 645, "B3"),
        (105, 625, "B4"),
    ] {
        c += &format!(" 1 0 0 1 {x} {y} Tm ({t}) Tj");
    }
    c += " ET";
    let d = read(&build(vec![page(&c)]));
    let ts = tables(&d);
    assert_eq!(ts.len(), 2, "{:?}", d.blocks);
    let widths: Vec<usize> = ts.iter().map(|t| t.rows[0].cells.len()).collect();
    assert_eq!(widths, vec![2, 3]);
    assert_eq!(ts[1].rows[1].cells[0].text(), "B4");
}

#[test]
fn double_letters_stay_and_fake_bold_goes() {
    let g = |t: &str, x: f32, w: f32| across(t, x, 0.0, w, 10.0);
    // "ll" of a narrow glyph, then a bold "A" drawn twice 0.3 pt apart.
    let glyphs = vec![
        g("l", 0.0, 2.2),
        g("l", 2.2, 2.2),
        g("A", 4.4, 6.7),
        g("A", 4.7, 6.7),
        g("B", 11.1, 6.7),
    ];
    assert_eq!(line_texts(&glyphs)[0], "llAB");
}

#[test]
fn bold_lines_by_font_render_mode_and_fake_bold() {
    let c = "BT /F2 10 Tf 1 0 0 1 72 700 Tm (Bold font) Tj ET \
             BT /F1 10 Tf 1 0 0 1 72 680 Tm (Regular) Tj ET \
             0.4 w BT /F1 10 Tf 2 Tr 1 0 0 1 72 660 Tm (Filled and stroked) Tj 0 Tr ET \
             BT /F1 10 Tf 1 0 0 1 72 640 Tm (Fake bold) Tj 1 0 0 1 72.3 640 Tm (Fake bold) Tj ET \
             BT /F1 10 Tf 1 0 0 1 72 620 Tm (Same spot) Tj 1 0 0 1 72 620 Tm (Same spot) Tj ET \
             BT /F1 10 Tf 1 0 0 1 72 600 Tm (Partly ) Tj /F2 10 Tf (bold) Tj ET \
             BT /F2 10 Tf 1 0 0 1 72 580 Tm (Nearly all bold) Tj /F1 10 Tf (1) Tj ET";
    let d = read(&build(vec![page(c)]));
    let got: Vec<(String, bool)> = d
        .blocks
        .iter()
        .map(|b| (b.kind.text().unwrap_or("").to_string(), b.prov.bold))
        .collect();
    let want = [
        ("Bold font", true),
        ("Regular", false),
        ("Filled and stroked", true),
        ("Fake bold", true),
        ("Same spot", false),
        ("Partly bold", false),
        ("Nearly all bold1", true),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(t, b)| (t.to_string(), *b)).collect();
    assert_eq!(got, want);
}

#[test]
fn bold_table_cells() {
    // A 2×2 ruled grid: the top row in the bold font, the bottom row regular.
    let mut c = String::new();
    for y in [700, 680, 660] {
        c += &format!("72 {y} m 272 {y} l S ");
    }
    for x in [72, 172, 272] {
        c += &format!("{x} 660 m {x} 700 l S ");
    }
    c += "BT /F2 10 Tf 1 0 0 1 80 686 Tm (Name) Tj 1 0 0 1 180 686 Tm (Value) Tj ET \
          BT /F1 10 Tf 1 0 0 1 80 666 Tm (Sewerage) Tj 1 0 0 1 180 666 Tm (12) Tj ET";
    let d = read(&build(vec![page(&c)]));
    let t = tables(&d);
    assert_eq!(t.len(), 1, "{:?}", d.blocks);
    let bold: Vec<Vec<bool>> = t[0]
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.prov.bold).collect())
        .collect();
    assert_eq!(bold, vec![vec![true, true], vec![false, false]]);
    assert!(t[0].rows[0].cells[0].blocks[0].prov.bold);
}

/// A filled circle of radius `r` centred at (x, y), as four Bézier curves.
fn disc(x: f32, y: f32, r: f32) -> String {
    let k = 0.5523 * r;
    let mut c = format!("{} {y} m ", x + r);
    c += &format!("{} {} {} {} {x} {} c ", x + r, y + k, x + k, y + r, y + r);
    c += &format!("{} {} {} {} {} {y} c ", x - k, y + r, x - r, y + k, x - r);
    c += &format!("{} {} {} {} {x} {} c ", x - r, y - k, x - k, y - r, y - r);
    c += &format!("{} {} {} {} {} {y} c f ", x + k, y - r, x + r, y - k, x + r);
    c
}

#[test]
fn drawn_discs_before_text_are_bullets_chart_dots_are_not() {
    let mut c = disc(76.0, 703.5, 2.0);
    c += &disc(300.0, 500.0, 2.0);
    c += &disc(76.0, 603.5, 2.0);
    c += "BT /F1 10 Tf 1 0 0 1 84 700 Tm (First item) Tj 1 0 0 1 84 600 Tm (12.5) Tj ET";
    let d = read(&build(vec![page(&c)]));
    assert_eq!(lines(&d), vec!["•First item", "12.5"]);
}

#[test]
fn labels_and_values_read_row_by_row() {
    let c = "BT /F1 10 Tf 1 0 0 1 50 700 Tm (Name:) Tj 1 0 0 1 120 700 Tm (Otoineppu village office) Tj \
             1 0 0 1 50 686 Tm (Project:) Tj 1 0 0 1 120 686 Tm (Rural sewerage) Tj \
             1 0 0 1 50 672 Tm (Date:) Tj 1 0 0 1 120 672 Tm (March 2017) Tj ET";
    let d = read(&build(vec![page(c)]));
    assert_eq!(
        lines(&d),
        [
            "Name:",
            "Otoineppu village office",
            "Project:",
            "Rural sewerage",
            "Date:",
            "March 2017"
        ]
    );
}

#[test]
fn a_column_of_short_values_reads_with_its_rows() {
    // A fee schedule: items on the left, their fees far to the right, set
    // flush right.
    let c = "BT /F1 10 Tf 1 0 0 1 50 700 Tm (1 Erythrocyte sedimentation rate) Tj 1 0 0 1 485 700 Tm (9 pts) Tj \
             1 0 0 1 50 686 Tm (2 Reticulocyte count) Tj 1 0 0 1 480 686 Tm (12 pts) Tj \
             1 0 0 1 50 672 Tm (3 Eosinophil count) Tj 1 0 0 1 480 672 Tm (17 pts) Tj ET";
    let d = read(&build(vec![page(c)]));
    assert_eq!(
        lines(&d),
        [
            "1 Erythrocyte sedimentation rate",
            "9 pts",
            "2 Reticulocyte count",
            "12 pts",
            "3 Eosinophil count",
            "17 pts"
        ]
    );
    // A list of short items set flush left beside a text column, on its
    // rows, is a column of its own.
    let c = "BT /F1 10 Tf 1 0 0 1 50 700 Tm (Text of the left column, first line) Tj 1 0 0 1 400 700 Tm (Sapporo) Tj \
             1 0 0 1 50 686 Tm (and its second line here) Tj 1 0 0 1 400 686 Tm (Asahikawa) Tj \
             1 0 0 1 50 672 Tm (and the third one) Tj 1 0 0 1 400 672 Tm (Nayoro) Tj ET";
    let d = read(&build(vec![page(c)]));
    assert_eq!(
        lines(&d),
        [
            "Text of the left column, first line",
            "and its second line here",
            "and the third one",
            "Sapporo",
            "Asahikawa",
            "Nayoro"
        ]
    );
}

#[test]
fn numbers_at_the_top_of_pages_are_no_running_header() {
    // Each page's first line is a different fee: digits differ, so it is
    // body text, though "###pt" would repeat on every page.
    let pages = (1..=4)
        .map(|n| {
            page(&format!(
                "BT /F1 10 Tf 1 0 0 1 72 810 Tm ({n}00 pt) Tj 1 0 0 1 72 600 Tm (Body of page {n}) Tj ET"
            ))
        })
        .collect();
    let d = read(&build(pages));
    assert_eq!(lines(&d).len(), 8, "{:?}", lines(&d));
    assert_eq!(lines(&d)[2], "200 pt");
}

#[test]
fn a_wide_gap_in_a_line_is_no_column() {
    // A title whose product name (in a font without text) left a wide gap,
    // a short line under its first part, then a full line.
    let c = "BT /F1 10 Tf 1 0 0 1 50 700 Tm (Removing and installing [) Tj 1 0 0 1 300 700 Tm (edition]) Tj \
             1 0 0 1 50 680 Tm ([Removal]) Tj \
             1 0 0 1 50 666 Tm (Open the control panel and choose uninstall a program.) Tj ET";
    let d = read(&build(vec![page(c)]));
    assert_eq!(
        lines(&d),
        [
            "Removing and installing [",
            "edition]",
            "[Removal]",
            "Open the control panel and choose uninstall a program."
        ]
    );
}

#[test]
fn a_single_line_beside_a_chart_is_no_column_the_heading_below_comes_after_it() {
    // Boxes of a flow chart on the left, one box far right between their
    // rows, and a heading under the chart that fits left of the right box.
    let c = "BT /F1 10 Tf 1 0 0 1 50 700 Tm (First box of the chart) Tj \
             1 0 0 1 400 690 Tm (Recycle) Tj \
             1 0 0 1 50 680 Tm (Second box of the chart) Tj \
             1 0 0 1 50 640 Tm (Heading below) Tj ET";
    let d = read(&build(vec![page(c)]));
    assert_eq!(
        lines(&d),
        [
            "First box of the chart",
            "Recycle",
            "Second box of the chart",
            "Heading below"
        ]
    );
}

#[test]
fn object_streams_xref_streams_and_incremental_updates_read() {
    let plain = build(vec![page("BT /F1 10 Tf 72 700 Td (Modern file) Tj ET")]);
    let mut doc = lopdf::Document::load_mem(&plain).expect("load");
    let mut modern = Vec::new();
    doc.save_modern(&mut modern).expect("save");
    assert!(modern.windows(7).any(|w| w == b"/ObjStm"));
    assert_eq!(lines(&read(&modern)), vec!["Modern file"]);

    // An incremental update replaces the page content; the newest revision wins.
    let mut inc = lopdf::IncrementalDocument::create_from(
        plain.clone(),
        lopdf::Document::load_mem(&plain).expect("load"),
    );
    let page_id = *inc.get_prev_documents().get_pages().get(&1).expect("page");
    inc.opt_clone_object_to_new_document(page_id)
        .expect("clone");
    let content = inc.new_document.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 10 Tf 72 700 Td (Updated) Tj ET".to_vec(),
    ));
    inc.new_document
        .get_object_mut(page_id)
        .and_then(Object::as_dict_mut)
        .expect("page")
        .set("Contents", content);
    let mut updated = Vec::new();
    inc.save_to(&mut updated).expect("save");
    assert!(updated.len() > plain.len());
    assert_eq!(lines(&read(&updated)), vec!["Updated"]);
}

#[test]
fn broken_xref_is_rebuilt() {
    let plain = build(vec![page("BT /F1 10 Tf 72 700 Td (Still here) Tj ET")]);
    let text = String::from_utf8_lossy(&plain).into_owned();
    let at = text.rfind("startxref").expect("startxref");
    let mut broken = plain[..at].to_vec();
    broken.extend_from_slice(b"startxref\n999999\n%%EOF\n");
    let d = read(&broken);
    assert_eq!(lines(&d), vec!["Still here"]);
    assert!(
        d.warnings.iter().any(|w| w.contains("rebuilt")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn a_dot_wrapped_to_the_next_line_is_no_bullet() {
    let line = |t: &str, y: f32, x1: f32| super::layout::TextLine {
        text: t.into(),
        dir: Dir::Right,
        bbox: [100.0, y, x1, y + 10.0],
        size: 10.0,
        chars: t.chars().count(),
        glyphs: Vec::new(),
        mean_gap: 0.0,
        bold: false,
    };
    let cell = vec![
        line("地域公共交通の維持", 700.0, 190.0),
        line("・向上に向けた取組", 686.0, 190.0),
        line("の推進。", 672.0, 140.0),
        line("・次の項目です", 658.0, 170.0),
    ];
    let texts: Vec<String> = super::join_wrapped_dots(cell)
        .into_iter()
        .map(|l| l.text)
        .collect();
    assert_eq!(
        texts,
        vec![
            "地域公共交通の維持・向上に向けた取組",
            "の推進。",
            "・次の項目です"
        ]
    );
}
