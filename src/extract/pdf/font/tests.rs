//! Font decoding tests: each decoding path on a font dictionary built in code.

use lopdf::{Dictionary, Document, Object, Stream, dictionary};

use super::*;

fn stream(doc: &mut Document, data: &[u8]) -> Object {
    Object::Reference(doc.add_object(Stream::new(Dictionary::new(), data.to_vec())))
}

fn load(doc: &Document, font: &Dictionary) -> (Font, Vec<String>) {
    let mut w = Vec::new();
    let f = Font::load(doc, font, &Limits::default(), &mut w);
    (f, w)
}

fn text(f: &Font, bytes: &[u8]) -> String {
    let mut out = Vec::new();
    f.decode(bytes, &mut out);
    out.iter().map(|g| g.text.as_str()).collect()
}

fn glyphs(f: &Font, bytes: &[u8]) -> Vec<DecodedGlyph> {
    let mut out = Vec::new();
    f.decode(bytes, &mut out);
    out
}

/// A Type0 font with a descendant CIDFont.
fn type0(
    doc: &mut Document,
    encoding: Object,
    cidfont: Dictionary,
    to_unicode: Option<&[u8]>,
) -> Dictionary {
    let cid = doc.add_object(cidfont);
    let mut d = dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => "Test",
        "Encoding" => encoding,
        "DescendantFonts" => vec![Object::Reference(cid)],
    };
    if let Some(tu) = to_unicode {
        let s = stream(doc, tu);
        d.set("ToUnicode", s);
    }
    d
}

fn japan1_cidfont(subtype: &str) -> Dictionary {
    dictionary! {
        "Type" => "Font",
        "Subtype" => Object::Name(subtype.as_bytes().to_vec()),
        "BaseFont" => "Ryumin-Light",
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Japan1"),
            "Supplement" => 2,
        },
    }
}

const TO_UNICODE: &[u8] = b"/CIDInit /ProcSet findresource begin
12 dict begin begincmap
/CMapName /Test def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar
<0005> <65E5>
<0009> <D842DFB7>
endbfchar
2 beginbfrange
<0010> <0012> <3042>
<0020> <0021> [<672C> <00660069>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

#[test]
fn to_unicode_identity_h_with_widths() {
    let mut doc = Document::with_version("1.7");
    let mut cf = japan1_cidfont("CIDFontType2");
    cf.set("DW", 900);
    cf.set(
        "W",
        vec![
            Object::Integer(5),
            Object::Array(vec![Object::Integer(500)]),
            16.into(),
            18.into(),
            250.into(),
        ],
    );
    let font = type0(
        &mut doc,
        Object::Name(b"Identity-H".to_vec()),
        cf,
        Some(TO_UNICODE),
    );
    let (f, w) = load(&doc, &font);
    assert!(w.is_empty(), "{w:?}");
    assert!(!f.is_vertical());
    let g = glyphs(&f, b"\x00\x05\x00\x09\x00\x11\x00\x20\x00\x21");
    let t: Vec<&str> = g.iter().map(|g| g.text.as_str()).collect();
    assert_eq!(t, ["日", "\u{20BB7}", "ぃ", "本", "fi"]);
    assert_eq!(g[0].code, 5);
    assert_eq!(g[0].code_len, 2);
    assert!((g[0].width - 0.5).abs() < 1e-6);
    assert!((g[1].width - 0.9).abs() < 1e-6);
    assert!((g[2].width - 0.25).abs() < 1e-6);
    assert!(!g[0].is_word_space);
    assert!((g[0].vertical_advance + 1.0).abs() < 1e-6);
}

#[test]
fn to_unicode_on_simple_truetype_font_with_widths() {
    let mut doc = Document::with_version("1.7");
    let tu = stream(&mut doc, b"1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <01> <5E73> <20> <0020> endbfchar 1 beginbfrange <02> <03> <6210> endbfrange");
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "TrueType", "BaseFont" => "AAAAAA+IPAMincho",
        "FirstChar" => 0, "Widths" => vec![0.into(), 1000.into(), 1000.into(), 1000.into()],
        "ToUnicode" => tu,
    };
    let (f, _) = load(&doc, &font);
    let g = glyphs(&f, b"\x01\x02\x03\x20");
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "平成我 "
    );
    assert!((g[0].width - 1.0).abs() < 1e-6);
    assert!(g[3].is_word_space);
    assert_eq!(g[3].width, 0.0); // beyond /Widths, no MissingWidth
}

#[test]
fn multibyte_codespace_in_to_unicode() {
    // A ToUnicode for a Type0 font whose embedded encoding CMap mixes 1- and 2-byte codes.
    let mut doc = Document::with_version("1.7");
    let enc = stream(
        &mut doc,
        b"/WMode 0 def 2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange 1 begincidrange <00> <7F> 1 endcidrange 1 begincidrange <8000> <FFFF> 200 endcidrange",
    );
    let tu = b"2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange 2 beginbfchar <41> <0041> <8001> <65E5> endbfchar";
    let mut cf = japan1_cidfont("CIDFontType0");
    cf.set(
        "W",
        vec![
            Object::Integer(66),
            Object::Array(vec![Object::Integer(600)]),
            201.into(),
            Object::Array(vec![Object::Integer(1000)]),
        ],
    );
    cf.set("DW", 0);
    let font = type0(&mut doc, enc, cf, Some(tu));
    let (f, w) = load(&doc, &font);
    assert!(w.is_empty(), "{w:?}");
    let g = glyphs(&f, b"A\x80\x01");
    assert_eq!(g.len(), 2);
    assert_eq!((g[0].text.as_str(), g[0].code_len), ("A", 1));
    assert_eq!(
        (g[1].text.as_str(), g[1].code_len, g[1].code),
        ("日", 2, 0x8001)
    );
    // CIDs from the encoding CMap: A → 1 + 0x41 = 66, 8001 → 201.
    assert!((g[0].width - 0.6).abs() < 1e-6);
    assert!((g[1].width - 1.0).abs() < 1e-6);
}

#[test]
fn garbage_to_unicode_falls_back_with_warning() {
    let mut doc = Document::with_version("1.7");
    let tu = stream(&mut doc, b"1 beginbfrange <00> <FF> <0000> endbfrange");
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding", "ToUnicode" => tu,
    };
    let (f, w) = load(&doc, &font);
    assert!(w.iter().any(|w| w.contains("garbage")), "{w:?}");
    assert!(!f.has_to_unicode());
    assert_eq!(text(&f, b"Hi"), "Hi");

    // An empty ToUnicode is ignored too.
    let tu = stream(&mut doc, b"begincmap endcmap");
    let font =
        dictionary! { "Subtype" => "Type1", "Encoding" => "WinAnsiEncoding", "ToUnicode" => tu };
    let (f, w) = load(&doc, &font);
    assert!(w.iter().any(|w| w.contains("no mappings")), "{w:?}");
    assert_eq!(text(&f, b"\x80"), "€");
}

#[test]
fn winansi_differences_and_glyph_names() {
    let mut doc = Document::with_version("1.7");
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Times-Roman",
        "FirstChar" => 32, "Widths" => vec![250.into(), 333.into()],
        "Encoding" => dictionary! {
            "Type" => "Encoding", "BaseEncoding" => "WinAnsiEncoding",
            "Differences" => vec![128.into(), "uni65E5".into(), "fi".into(), 200.into(), "g12".into(), "u1F600".into()],
        },
    };
    let (f, _) = load(&doc, &font);
    assert_eq!(
        text(&f, b"A \x80\x81\x93\xc9"),
        "A 日\u{FB01}\u{201C}\u{1F600}"
    );
    let g = glyphs(&f, b"\xc8 !");
    assert_eq!(g[0].text, ""); // g12: no meaning without ToUnicode
    assert!((g[1].width - 0.25).abs() < 1e-6);
    assert!((g[2].width - 0.333).abs() < 1e-6);
    let _ = &mut doc;

    // Standard encoding is the Type 1 default: 0x27 is a right quote.
    let font = dictionary! { "Subtype" => "Type1", "BaseFont" => "Times-Roman" };
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"'"), "\u{2019}");
    // MacRoman by name.
    let font = dictionary! { "Subtype" => "TrueType", "Encoding" => "MacRomanEncoding" };
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"\x8a"), "ä");
}

#[test]
fn type3_with_font_matrix_differences_and_to_unicode() {
    let mut doc = Document::with_version("1.7");
    let tu = stream(
        &mut doc,
        b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <01> <898B> endbfchar",
    );
    let font = dictionary! {
        "Type" => "Font", "Subtype" => "Type3",
        "FontMatrix" => vec![0.01.into(), 0.into(), 0.into(), 0.01.into(), 0.into(), 0.into()],
        "FirstChar" => 0, "Widths" => vec![50.into(), 100.into()],
        "Encoding" => dictionary! { "Differences" => vec![0.into(), "g0".into(), "g1".into()] },
        "ToUnicode" => tu,
    };
    let (f, _) = load(&doc, &font);
    assert_eq!(f.kind(), FontKind::Type3);
    let m = f.type3_matrix().unwrap();
    assert!((m[0] - 0.01).abs() < 1e-6);
    let g = glyphs(&f, b"\x00\x01");
    assert_eq!(g[0].text, ""); // g0 without a ToUnicode entry
    assert_eq!(g[1].text, "見");
    assert!((g[0].width - 0.5).abs() < 1e-6);
    assert!((g[1].width - 1.0).abs() < 1e-6);
}

#[test]
fn predefined_90ms_rksj_h() {
    let mut doc = Document::with_version("1.7");
    let mut cf = japan1_cidfont("CIDFontType0");
    cf.set("W", vec![231.into(), 389.into(), 500.into()]); // half-width ASCII and kana
    let font = type0(&mut doc, "90ms-RKSJ-H".into(), cf, None);
    let (f, w) = load(&doc, &font);
    assert!(w.is_empty(), "{w:?}");
    // 日本語テスト, then ASCII "A1" and half-width katakana ｱ.
    let g = glyphs(
        &f,
        b"\x93\xfa\x96\x7b\x8c\xea\x83\x65\x83\x58\x83\x67A1\xb1",
    );
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "日本語テストA1ｱ"
    );
    assert_eq!(g.len(), 9);
    assert_eq!(g[0].code_len, 2);
    assert_eq!(g[6].code_len, 1);
    assert!((g[0].width - 1.0).abs() < 1e-6);
    assert!((g[6].width - 0.5).abs() < 1e-6);
    assert!((g[8].width - 0.5).abs() < 1e-6);
    assert!(!f.is_vertical());

    let font = type0(
        &mut doc,
        "90ms-RKSJ-V".into(),
        japan1_cidfont("CIDFontType0"),
        None,
    );
    let (f, _) = load(&doc, &font);
    assert!(f.is_vertical());
    assert_eq!(text(&f, b"\x82\xa0"), "あ");
}

#[test]
fn predefined_unijis_ucs2_and_utf16() {
    let mut doc = Document::with_version("1.7");
    let mut cf = japan1_cidfont("CIDFontType0");
    cf.set("W", vec![34.into(), Object::Array(vec![611.into()])]);
    let font = type0(&mut doc, "UniJIS-UCS2-H".into(), cf, None);
    let (f, _) = load(&doc, &font);
    let g = glyphs(&f, b"\x65\xe5\x00A");
    assert_eq!(g.iter().map(|g| g.text.as_str()).collect::<String>(), "日A");
    assert!((g[1].width - 0.611).abs() < 1e-6); // U+0041 → CID 34
    assert!((g[0].width - 1.0).abs() < 1e-6);

    let font = type0(
        &mut doc,
        "UniJIS-UTF16-V".into(),
        japan1_cidfont("CIDFontType0"),
        None,
    );
    let (f, _) = load(&doc, &font);
    assert!(f.is_vertical());
    let g = glyphs(&f, b"\xd8\x42\xdf\xb7\x30\x42");
    assert_eq!(g.len(), 2);
    assert_eq!((g[0].text.as_str(), g[0].code_len), ("\u{20BB7}", 4));
    assert_eq!(g[1].text, "あ");
}

#[test]
fn predefined_euc_h_and_jis_h() {
    let mut doc = Document::with_version("1.7");
    let font = type0(
        &mut doc,
        "EUC-H".into(),
        japan1_cidfont("CIDFontType0"),
        None,
    );
    let (f, _) = load(&doc, &font);
    // 日本 in EUC-JP, ASCII x, half-width ｱ (8E B1).
    let g = glyphs(&f, b"\xc6\xfc\xcb\xdcx\x8e\xb1");
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "日本xｱ"
    );
    assert_eq!(g.len(), 4);

    let font = type0(&mut doc, "H".into(), japan1_cidfont("CIDFontType0"), None);
    let (f, _) = load(&doc, &font);
    // JIS X 0208 7-bit: 日 = 0x467C, 本 = 0x4B5C.
    assert_eq!(text(&f, b"\x46\x7c\x4b\x5c"), "日本");
    assert!(!f.is_vertical());
    let font = type0(&mut doc, "V".into(), japan1_cidfont("CIDFontType0"), None);
    assert!(load(&doc, &font).0.is_vertical());
}

#[test]
fn identity_h_adobe_japan1_without_to_unicode() {
    let mut doc = Document::with_version("1.7");
    let mut cf = japan1_cidfont("CIDFontType0");
    cf.set("DW2", vec![880.into(), (-1100).into()]);
    cf.set(
        "W2",
        vec![
            843.into(),
            843.into(),
            (-500).into(),
            500.into(),
            880.into(),
        ],
    );
    let font = type0(&mut doc, "Identity-V".into(), cf, None);
    let (f, w) = load(&doc, &font);
    assert!(w.is_empty(), "{w:?}");
    assert!(f.is_vertical());
    // CID 843 = あ, 1125 = 亜, 34 = A.
    let g = glyphs(&f, b"\x03\x4b\x04\x65\x00\x22");
    assert_eq!(
        g.iter().map(|g| g.text.as_str()).collect::<String>(),
        "あ亜A"
    );
    assert!((g[0].vertical_advance + 0.5).abs() < 1e-6);
    assert!((g[1].vertical_advance + 1.1).abs() < 1e-6);
}

/// A TrueType file holding only a `cmap` table with a format 4 subtable (3,1).
fn tiny_truetype(map: &[(u16, u16)]) -> Vec<u8> {
    let mut segs: Vec<(u16, u16)> = map.to_vec();
    segs.sort();
    segs.push((0xFFFF, 0));
    let n = segs.len() as u16;
    let mut sub = Vec::new();
    let len = 16 + 8 * n;
    for v in [4u16, len, 0, n * 2, 0, 0, 0] {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    for (cp, _) in &segs {
        sub.extend_from_slice(&cp.to_be_bytes());
    }
    sub.extend_from_slice(&[0, 0]);
    for (cp, _) in &segs {
        sub.extend_from_slice(&cp.to_be_bytes());
    }
    for (cp, g) in &segs {
        let delta = if *cp == 0xFFFF {
            1
        } else {
            g.wrapping_sub(*cp)
        };
        sub.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &segs {
        sub.extend_from_slice(&[0, 0]);
    }
    let mut cmap = vec![0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12];
    cmap.extend_from_slice(&sub);
    let mut f = vec![0, 1, 0, 0, 0, 1, 0, 16, 0, 0, 0, 0];
    f.extend_from_slice(b"cmap");
    f.extend_from_slice(&0u32.to_be_bytes());
    f.extend_from_slice(&28u32.to_be_bytes());
    f.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
    f.extend_from_slice(&cmap);
    f
}

#[test]
fn embedded_truetype_cmap_identity_h() {
    let mut doc = Document::with_version("1.7");
    let ttf = tiny_truetype(&[(0x65E5, 5), (0x672C, 7), (0x2F47, 5), (0x41, 9)]);
    let ff = stream(&mut doc, &ttf);
    let fd = doc.add_object(
        dictionary! { "Type" => "FontDescriptor", "FontName" => "X", "FontFile2" => ff },
    );
    let mut cf = japan1_cidfont("CIDFontType2");
    cf.set("FontDescriptor", Object::Reference(fd));
    let font = type0(&mut doc, "Identity-H".into(), cf.clone(), None);
    let (f, w) = load(&doc, &font);
    assert!(w.is_empty(), "{w:?}");
    // gid 5 is shared by 日 and the Kangxi radical ⽇: the ideograph wins.
    assert_eq!(text(&f, b"\x00\x05\x00\x07\x00\x09"), "日本A");
    assert_eq!(text(&f, b"\x00\x06"), "");

    // With a CIDToGIDMap stream: CID 1 → gid 7, CID 2 → gid 5.
    let map = stream(&mut doc, &[0, 0, 0, 7, 0, 5]);
    cf.set("CIDToGIDMap", map);
    let font = type0(&mut doc, "Identity-H".into(), cf, None);
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"\x00\x01\x00\x02"), "本日");
}

#[test]
fn simple_truetype_without_encoding_uses_cmap() {
    let mut doc = Document::with_version("1.7");
    // Symbolic font: (3,0) maps F041 → gid 3; (3,1) maps U+2713 → gid 3.
    let mut ttf = tiny_truetype(&[(0x2713, 3), (0xF041, 3)]);
    // Turn the cmap into two records sharing the subtable: (3,0) and (3,1).
    let cmap_start = 28;
    let sub = ttf[cmap_start + 12..].to_vec();
    let mut cmap = vec![0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 20, 0, 3, 0, 1, 0, 0, 0, 20];
    cmap.extend_from_slice(&sub);
    ttf.truncate(cmap_start);
    ttf[24..28].copy_from_slice(&(cmap.len() as u32).to_be_bytes());
    ttf.extend_from_slice(&cmap);
    let ff = stream(&mut doc, &ttf);
    let fd =
        doc.add_object(dictionary! { "Type" => "FontDescriptor", "Flags" => 4, "FontFile2" => ff });
    let font = dictionary! { "Subtype" => "TrueType", "BaseFont" => "Sym", "FontDescriptor" => Object::Reference(fd) };
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"A"), "\u{2713}");
}

#[test]
fn shift_jis_base_font_name() {
    let doc = Document::with_version("1.7");
    // ＭＳ 明朝 as raw Shift_JIS bytes.
    let font = dictionary! {
        "Subtype" => "TrueType",
        "BaseFont" => Object::Name(b"ABCDEF+\x82\x6c\x82\x72\x20\x96\xbe\x92\xa9".to_vec()),
        "Encoding" => "WinAnsiEncoding",
    };
    let (f, _) = load(&doc, &font);
    assert_eq!(f.base_font(), "ABCDEF+ＭＳ 明朝");
    assert_eq!(text(&f, b"ok"), "ok");
}

#[test]
fn broken_dictionaries_never_panic() {
    let mut doc = Document::with_version("1.7");
    let junk = stream(
        &mut doc,
        b"\xff\x00<<>>[[[ beginbfrange <0000> <ffff> [ <00",
    );
    let loop_ref = doc.new_object_id();
    doc.objects.insert(loop_ref, Object::Reference(loop_ref));
    let fonts = [
        dictionary! {},
        dictionary! { "Subtype" => "Type0" },
        dictionary! { "Subtype" => "Type0", "Encoding" => "Nonsense-H", "DescendantFonts" => vec![Object::Null] },
        dictionary! { "Subtype" => "Type0", "Encoding" => junk.clone(), "ToUnicode" => junk.clone() },
        dictionary! { "Subtype" => "Type3", "FontMatrix" => vec![0.into()], "Widths" => Object::Reference(loop_ref) },
        dictionary! { "Subtype" => "Type1", "FirstChar" => -5, "Widths" => vec![Object::Null], "Encoding" => dictionary! { "Differences" => vec![(-1).into(), "A".into(), 300.into(), "B".into()] } },
        dictionary! { "Subtype" => "Type0", "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Dictionary(dictionary! { "W" => vec![0.into(), (-3).into(), 1.into(), Object::Array(vec![]), 5.into()], "W2" => vec![1.into()] })] },
    ];
    let mut seed = 0x1234_5678u32;
    for font in &fonts {
        let (f, _) = load(&doc, font);
        for len in 0..64 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    (seed >> 16) as u8
                })
                .collect();
            let g = glyphs(&f, &bytes);
            assert_eq!(
                g.iter().map(|g| g.code_len as usize).sum::<usize>(),
                bytes.len()
            );
            assert!(
                g.iter()
                    .all(|g| g.width.is_finite() && g.vertical_advance.is_finite())
            );
        }
    }
}

#[test]
fn type1_builtin_encoding_from_font_program() {
    let mut doc = Document::with_version("1.7");
    let prog = stream(
        &mut doc,
        b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\ndup 65 /B put\ndup 11 /ff put\nreadonly def\ncurrentfile eexec\xde\xad",
    );
    let fd = doc.add_object(dictionary! { "Type" => "FontDescriptor", "FontFile" => prog });
    let font = dictionary! { "Subtype" => "Type1", "BaseFont" => "CMR10", "FontDescriptor" => Object::Reference(fd) };
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"A\x0bC"), "B\u{FB00}C");
    // A named base encoding wins over the program's.
    let font = dictionary! { "Subtype" => "Type1", "Encoding" => "WinAnsiEncoding", "FontDescriptor" => Object::Reference(fd) };
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"A"), "A");
}

#[test]
fn standard_14_widths_without_widths_array() {
    let doc = Document::with_version("1.7");
    let font = dictionary! { "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" };
    let (f, _) = load(&doc, &font);
    let g = glyphs(&f, b"il W");
    let w: Vec<i32> = g
        .iter()
        .map(|g| (g.width * 1000.0).round() as i32)
        .collect();
    assert_eq!(w, [222, 222, 278, 944]);
    let font = dictionary! { "Subtype" => "Type1", "BaseFont" => "Courier-Bold" };
    let (f, _) = load(&doc, &font);
    assert!(
        glyphs(&f, b"iW")
            .iter()
            .all(|g| (g.width - 0.6).abs() < 1e-6)
    );
    let font = dictionary! { "Subtype" => "TrueType", "BaseFont" => "ABCDEF+Times-BoldItalic" };
    let (f, _) = load(&doc, &font);
    assert!((glyphs(&f, b"A")[0].width - 0.667).abs() < 1e-6);
}

#[test]
fn predefined_cid_estimates_pick_the_right_widths() {
    let mut doc = Document::with_version("1.7");
    // Proportional CIDs 1–95 get 0.3, half-width CIDs 231–325 get 0.5.
    let w = vec![
        1.into(),
        95.into(),
        300.into(),
        231.into(),
        325.into(),
        500.into(),
    ];
    let widths = |enc: &str, doc: &mut Document, bytes: &[u8]| {
        let mut cf = japan1_cidfont("CIDFontType0");
        cf.set("W", w.clone());
        let font = type0(doc, Object::Name(enc.as_bytes().to_vec()), cf, None);
        let (f, _) = load(doc, &font);
        glyphs(&f, bytes)
            .iter()
            .map(|g| (g.width * 1000.0).round() as i32)
            .collect::<Vec<_>>()
    };
    assert_eq!(widths("90msp-RKSJ-H", &mut doc, b"Ab"), [300, 300]);
    assert_eq!(widths("90ms-RKSJ-H", &mut doc, b"Ab"), [500, 500]);
    assert_eq!(widths("UniJIS-UCS2-H", &mut doc, b"\x00A"), [300]);
    assert_eq!(widths("UniJIS-UCS2-HW-H", &mut doc, b"\x00A"), [500]);
    assert_eq!(widths("EUC-H", &mut doc, b"A\xa4\xa2"), [500, 1000]);
}

#[test]
fn ascent_and_descent_from_descriptor() {
    let mut doc = Document::with_version("1.7");
    let fd = doc
        .add_object(dictionary! { "Type" => "FontDescriptor", "Ascent" => 859, "Descent" => -137 });
    let font = dictionary! { "Subtype" => "TrueType", "FontDescriptor" => Object::Reference(fd) };
    let (f, _) = load(&doc, &font);
    assert!((f.ascent() - 0.859).abs() < 1e-6 && (f.descent() + 0.137).abs() < 1e-6);
    let mut cf = japan1_cidfont("CIDFontType2");
    cf.set("FontDescriptor", Object::Reference(fd));
    let font = type0(&mut doc, "Identity-H".into(), cf, None);
    let (f, _) = load(&doc, &font);
    assert!((f.ascent() - 0.859).abs() < 1e-6);
    // Missing or absurd values fall back to defaults.
    let fd = doc.add_object(dictionary! { "Ascent" => 1.0e9, "Descent" => 0 });
    let font = dictionary! { "Subtype" => "Type1", "FontDescriptor" => Object::Reference(fd) };
    let (f, _) = load(&doc, &font);
    assert!((f.ascent() - 0.88).abs() < 1e-6 && (f.descent() + 0.12).abs() < 1e-6);
}

/// A TrueType file whose only table is a cmap with one (3,10) subtable.
fn sfnt_with_subtable(sub: &[u8]) -> Vec<u8> {
    let mut cmap = vec![0, 0, 0, 1, 0, 3, 0, 10, 0, 0, 0, 12];
    cmap.extend_from_slice(sub);
    let mut f = vec![0, 1, 0, 0, 0, 1, 0, 16, 0, 0, 0, 0];
    f.extend_from_slice(b"cmap");
    f.extend_from_slice(&0u32.to_be_bytes());
    f.extend_from_slice(&28u32.to_be_bytes());
    f.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
    f.extend_from_slice(&cmap);
    f
}

#[test]
fn hostile_format12_cmap_is_bounded() {
    // A group claiming almost 2^32 codes after a real entry beyond the BMP.
    let mut sub = Vec::new();
    let groups: [(u32, u32, u32); 3] =
        [(0x1, 0x1, 3), (0x20BB7, 0x20BB7, 4), (0x30000, u32::MAX, 5)];
    sub.extend_from_slice(&12u16.to_be_bytes());
    sub.extend_from_slice(&0u16.to_be_bytes());
    sub.extend_from_slice(&((16 + 12 * groups.len()) as u32).to_be_bytes());
    sub.extend_from_slice(&0u32.to_be_bytes());
    sub.extend_from_slice(&(groups.len() as u32).to_be_bytes());
    for (a, b, g) in groups {
        for v in [a, b, g] {
            sub.extend_from_slice(&v.to_be_bytes());
        }
    }
    let started = std::time::Instant::now();
    let rev = truetype::reverse_cmap(&sfnt_with_subtable(&sub));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let rev = rev.unwrap();
    assert_eq!(rev.get(&4).map(String::as_str), Some("\u{20BB7}"));
    assert_eq!(rev.get(&3), None); // a control character means nothing
}

#[test]
fn embedded_truetype_cids_are_not_read_as_japan1() {
    let mut doc = Document::with_version("1.7");
    let ff = stream(&mut doc, &tiny_truetype(&[(0x65E5, 5)]));
    let fd = doc.add_object(dictionary! { "Type" => "FontDescriptor", "FontFile2" => ff });
    let mut cf = japan1_cidfont("CIDFontType2");
    cf.set("FontDescriptor", Object::Reference(fd));
    cf.set("CIDToGIDMap", "Identity");
    let tu = b"1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfchar <0005> <65E5> endbfchar";
    let font = type0(&mut doc, "Identity-H".into(), cf.clone(), Some(tu));
    let (f, _) = load(&doc, &font);
    // CID 843 would be あ in Adobe-Japan1, but here it is a glyph id the ToUnicode omits.
    assert_eq!(text(&f, b"\x00\x05\x03\x4b"), "日");
    // Without an embedded program the CIDs are Adobe-Japan1.
    cf.remove(b"FontDescriptor");
    let font = type0(&mut doc, "Identity-H".into(), cf, Some(tu));
    let (f, _) = load(&doc, &font);
    assert_eq!(text(&f, b"\x00\x05\x03\x4b"), "日あ");
}

#[test]
fn whole_document_round_trip_through_page_fonts() {
    // A one-page PDF written to bytes, read back, and decoded the way the
    // content-stream interpreter does: page fonts by resource name, Tf, Tj/TJ.
    let mut doc = Document::with_version("1.7");
    let pages_id = doc.new_object_id();
    let f1 = type0(
        &mut doc,
        "90ms-RKSJ-H".into(),
        japan1_cidfont("CIDFontType0"),
        None,
    );
    let f1 = doc.add_object(f1);
    let tu = stream(&mut doc, TO_UNICODE);
    let cid = doc.add_object(japan1_cidfont("CIDFontType2"));
    let f2 = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type0", "BaseFont" => Object::Name(b"\x82\x6c\x82\x72\x96\xbe\x92\xa9".to_vec()),
        "Encoding" => "Identity-H", "DescendantFonts" => vec![Object::Reference(cid)], "ToUnicode" => tu,
    });
    let content =
        b"BT /F1 12 Tf (\x93\xfa\x96\x7b) Tj /F2 12 Tf [<00050010> -120 <0009>] TJ ET".to_vec();
    let content_id = doc.add_object(Stream::new(Dictionary::new(), content));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => Object::Reference(pages_id), "Contents" => Object::Reference(content_id),
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => Object::Reference(f1), "F2" => Object::Reference(f2) } },
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![Object::Reference(page)], "Count" => 1 }));
    let catalog =
        doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => Object::Reference(pages_id) });
    doc.trailer.set("Root", Object::Reference(catalog));
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();

    let doc = Document::load_mem(&bytes).unwrap();
    let (_, page_id) = doc.get_pages().into_iter().next().unwrap();
    let fonts = doc.get_page_fonts(page_id).unwrap();
    let content = lopdf::content::Content::decode(&doc.get_page_content(page_id)).unwrap();
    let mut current: Option<Font> = None;
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => {
                let name = op.operands[0].as_name().unwrap();
                current = Some(Font::load(
                    &doc,
                    fonts[name],
                    &Limits::default(),
                    &mut warnings,
                ));
            }
            "Tj" | "TJ" => {
                let f = current.as_ref().unwrap();
                let strings: Vec<&[u8]> = match &op.operands[0] {
                    Object::String(s, _) => vec![s],
                    Object::Array(a) => a.iter().filter_map(|o| o.as_str().ok()).collect(),
                    _ => vec![],
                };
                for s in strings {
                    f.decode(s, &mut out);
                }
            }
            _ => {}
        }
    }
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(
        out.iter().map(|g| g.text.as_str()).collect::<String>(),
        "日本日あ\u{20BB7}"
    );
}

#[test]
fn font_is_send_sync_and_cheap_to_clone() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<Font>();
}

#[test]
fn bold_by_font_name() {
    for n in [
        "Calibri,Bold",
        "ABCDEF+Arial-BoldMT",
        "Helvetica-BoldOblique",
        "Meiryo-Bold",
        "NotoSansCJKjp-Heavy",
        "SourceHanSans-Black",
        "MyriadPro-Semibold",
        "ITCAvantGarde-Demi",
        "HiraKakuPro-W6",
        "ABCDEF+HiraginoSans-W8",
        "W9",
    ] {
        assert!(is_bold_name(n), "{n}");
    }
    for n in [
        "",
        "Calibri",
        "ABCDEF+Arial-ItalicMT",
        "HiraMinPro-W3",
        "MS-Gothic",
        "ＭＳ 明朝",
        // W6 inside a longer token is no weight.
        "FontW60",
        "NEWFONT+XW6x",
        "Ryumin-Light",
    ] {
        assert!(!is_bold_name(n), "{n}");
    }
}

#[test]
fn bold_by_font_descriptor() {
    let doc = Document::with_version("1.7");
    let simple = |desc: Dictionary| {
        dictionary! {
            "Type" => "Font",
            "Subtype" => "TrueType",
            "BaseFont" => "ABCDEF+Regular",
            "FontDescriptor" => desc,
        }
    };
    // FontWeight 600 or more is bold; 400 is not.
    let (f, _) = load(&doc, &simple(dictionary! { "FontWeight" => 700 }));
    assert!(f.is_bold());
    let (f, _) = load(&doc, &simple(dictionary! { "FontWeight" => 600.0 }));
    assert!(f.is_bold());
    let (f, _) = load(
        &doc,
        &simple(dictionary! { "FontWeight" => 400, "Flags" => 32 }),
    );
    assert!(!f.is_bold());
    // ForceBold: flag bit 19.
    let (f, _) = load(&doc, &simple(dictionary! { "Flags" => (1 << 18) | 32 }));
    assert!(f.is_bold());
    // By name alone, without a descriptor.
    let mut d = simple(dictionary! {});
    d.set("BaseFont", "Calibri,Bold");
    let (f, _) = load(&doc, &d);
    assert!(f.is_bold());
    let (f, _) = load(&doc, &simple(dictionary! {}));
    assert!(!f.is_bold());
}

#[test]
fn bold_type0_by_its_descendant() {
    let mut doc = Document::with_version("1.7");
    // The descendant's font descriptor gives the weight.
    let mut cf = japan1_cidfont("CIDFontType0");
    cf.set("FontDescriptor", dictionary! { "FontWeight" => 800 });
    let d = type0(&mut doc, Object::Name(b"Identity-H".to_vec()), cf, None);
    let (f, _) = load(&doc, &d);
    assert!(f.is_bold());
    // Or its name does.
    let mut cf = japan1_cidfont("CIDFontType0");
    cf.set("BaseFont", "GothicBBB-Medium-W7");
    let d = type0(&mut doc, Object::Name(b"Identity-H".to_vec()), cf, None);
    assert!(load(&doc, &d).0.is_bold());
    let cf = japan1_cidfont("CIDFontType0");
    let d = type0(&mut doc, Object::Name(b"Identity-H".to_vec()), cf, None);
    assert!(!load(&doc, &d).0.is_bold());
}
