//! PDF fonts: from a font dictionary to a decoder of content-stream strings
//! into Unicode text with glyph widths.
//!
//! Text of a glyph, first answer wins:
//! 1. the font's `/ToUnicode` CMap (unless it is empty or garbage);
//! 2. for simple fonts, the encoding (`/Encoding` name or dictionary with
//!    `/Differences`) and glyph names through the Adobe Glyph List;
//! 3. for CID fonts with a predefined CMap (`90ms-RKSJ-H`, `UniJIS-UCS2-H`,
//!    `EUC-H`, `H`, …), the code bytes decoded with encoding_rs;
//! 4. for CID fonts with an embedded TrueType program, the program's own
//!    `cmap` read backwards (glyph id → Unicode);
//! 5. for Adobe-Japan1 CID fonts, the bundled CID → Unicode table.
//!
//! Unknown glyphs decode to empty text; the caller counts them.
//!
//! Widths come from `/Widths` + `/FirstChar` (simple fonts; standard 14
//! metrics when absent), `/W` + `/DW` and `/W2` + `/DW2` (CID fonts; for
//! predefined CMaps the CID is estimated, see `predefined`), and for Type 3
//! fonts through the FontMatrix.
//!
//! `Font::load` may parse CMaps and read the embedded font program; load a
//! font once per font dictionary (object id) of a document and reuse it. A
//! `Font` is `Send + Sync`; cloning shares its large tables (CMaps, cmap
//! reversals) and copies the small ones.

#[rustfmt::skip]
mod adobe_japan1;
pub mod cmap;
pub mod glyphs;
#[rustfmt::skip]
mod glyphs_data;
mod predefined;
#[rustfmt::skip]
mod std14;
mod truetype;
mod type1;

use std::collections::HashMap;
use std::sync::Arc;

use lopdf::{Dictionary, Document, Object};

use self::cmap::{CMap, Codespace};
use self::glyphs::BaseEncoding;
use self::predefined::Predefined;
use crate::limits::Limits;

/// Largest CMap or font program stream read, in bytes (also bounded by
/// `Limits::max_stream_bytes`).
const MAX_FONT_STREAM: u64 = 32 << 20;
/// Largest ToUnicode / encoding CMap stream read, in bytes.
const MAX_CMAP_STREAM: u64 = 4 << 20;
/// Most entries read from one `/W`, `/W2` or `/Widths` array.
const MAX_WIDTH_ITEMS: usize = 200_000;
/// Reference chains longer than this are treated as broken.
const MAX_DEREF: usize = 16;

/// One glyph of a decoded string.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedGlyph {
    /// The character code as read from the string (1 to 4 bytes).
    pub code: u32,
    /// Number of bytes the code took.
    pub code_len: u8,
    /// Unicode text of the glyph (may be several characters, e.g. a ligature;
    /// empty when unknown: the caller then counts it as undecodable).
    pub text: String,
    /// Horizontal advance in text space units before Tfs scaling
    /// (glyph-space width / 1000 for all fonts but Type 3, where the
    /// FontMatrix applies).
    pub width: f32,
    /// Vertical advance (w1y) in the same units, negative downwards; used in
    /// vertical writing mode.
    pub vertical_advance: f32,
    /// True for the single-byte code 32, the only code that word spacing (Tw) applies to.
    pub is_word_space: bool,
}

/// Font program kinds that matter for decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FontKind {
    /// Type1, MMType1 or TrueType simple font (one byte per code).
    Simple,
    /// Type 3 font (one byte per code, glyphs are content streams).
    Type3,
    /// Type0 composite font with a CIDFont descendant.
    Cid,
}

/// How the text of a CID-font code is found when ToUnicode gives nothing.
#[derive(Debug, Clone)]
enum CidText {
    None,
    /// The code bytes are text in a known encoding (predefined CMap).
    Predefined(Predefined),
    /// CID → Unicode through Adobe-Japan1.
    Japan1,
}

/// `/W` or `/W2` entries: (first CID, last CID, values).
type WidthRanges<T> = Vec<(u32, u32, T)>;

/// A font resource, ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    vertical: bool,
    kind: FontKind,
    base_font: String,
    codespace: Codespace,
    to_unicode: Option<Arc<CMap>>,
    /// Embedded encoding CMap of a Type0 font: code → CID.
    encoding_cmap: Option<Arc<CMap>>,
    /// Identity encoding: CID = code.
    identity: bool,
    /// For predefined CMaps, the CID of a code is estimated (see `predefined`).
    predefined: Option<Predefined>,
    /// Simple fonts: text per code from encoding and glyph names.
    simple_text: Vec<Option<String>>,
    cid_text: CidText,
    /// Embedded TrueType: reverse cmap (glyph id → text) and CID → GID map.
    tt_reverse: Option<Arc<HashMap<u16, String>>>,
    cid_to_gid: Option<Arc<Vec<u16>>>,
    first_char: u32,
    widths: Vec<f32>,
    missing_width: f32,
    cid_widths: WidthRanges<f32>,
    default_width: f32,
    cid_vmetrics: WidthRanges<f32>,
    default_vadvance: f32,
    /// Standard 14 font widths by character, for simple fonts without /Widths.
    std14: Option<&'static [(u16, u16)]>,
    /// Ascent and descent in text space per unit font size.
    ascent: f32,
    descent: f32,
    /// Glyph space → text space scale for widths (0.001, or the Type 3 FontMatrix).
    width_scale: f32,
    type3_matrix: Option<[f32; 6]>,
    /// Bold by its name or font descriptor (see [`is_bold_font`]).
    bold: bool,
}

fn deref<'a>(doc: &'a Document, mut o: &'a Object) -> Option<&'a Object> {
    for _ in 0..MAX_DEREF {
        match o {
            Object::Reference(id) => o = doc.get_object(*id).ok()?,
            _ => return Some(o),
        }
    }
    None
}

fn get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    deref(doc, d.get(key).ok()?)
}

fn get_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, d, key)? {
        Object::Dictionary(x) => Some(x),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn get_name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n.as_slice()),
        _ => None,
    }
}

fn num(doc: &Document, o: &Object) -> Option<f32> {
    match deref(doc, o)? {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
    .filter(|v| v.is_finite())
}

fn get_num(doc: &Document, d: &Dictionary, key: &[u8]) -> Option<f32> {
    num(doc, d.get(key).ok()?)
}

fn get_array<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
    match get(doc, d, key)? {
        Object::Array(a) => Some(a.as_slice()),
        _ => None,
    }
}

/// Reads a stream's decoded bytes with a size limit.
fn stream_bytes(
    doc: &Document,
    o: &Object,
    limit: u64,
    what: &str,
    warnings: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let s = match deref(doc, o)? {
        Object::Stream(s) => s,
        _ => {
            warnings.push(format!("{what} is not a stream"));
            return None;
        }
    };
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    match s.get_plain_content_with_limit(limit) {
        Ok(b) => Some(b),
        Err(e) => {
            warnings.push(format!(
                "{what} unreadable or larger than {limit} bytes: {e}"
            ));
            None
        }
    }
}

/// Font names may be raw Shift_JIS bytes (e.g. ＭＳ 明朝): decode them as
/// UTF-8 when valid, else as Shift_JIS, never failing.
fn font_name(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// True when the text is useless as a decoding (empty, NUL or other controls, U+FFFD).
fn is_garbage(s: &str) -> bool {
    s.is_empty()
        || s.chars()
            .all(|c| (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFD}')
}

impl Font {
    /// Builds a decoder from a font dictionary. Problems (a broken CMap, an
    /// unknown encoding) are pushed to `warnings`; a font always results, in the
    /// worst case one that decodes to U+FFFD.
    pub fn load(
        doc: &Document,
        font: &Dictionary,
        limits: &Limits,
        warnings: &mut Vec<String>,
    ) -> Font {
        let stream_limit = limits.max_stream_bytes.min(MAX_FONT_STREAM);
        let cmap_limit = limits.max_stream_bytes.min(MAX_CMAP_STREAM);
        let subtype = get_name(doc, font, b"Subtype").unwrap_or(b"Type1");
        let base_font = get_name(doc, font, b"BaseFont")
            .map(font_name)
            .unwrap_or_default();
        let kind = match subtype {
            b"Type0" => FontKind::Cid,
            b"Type3" => FontKind::Type3,
            _ => FontKind::Simple,
        };
        let mut f = Font {
            vertical: false,
            kind,
            base_font: base_font.clone(),
            codespace: Codespace::one_byte(),
            to_unicode: None,
            encoding_cmap: None,
            identity: false,
            predefined: None,
            simple_text: Vec::new(),
            cid_text: CidText::None,
            tt_reverse: None,
            cid_to_gid: None,
            first_char: 0,
            widths: Vec::new(),
            missing_width: 0.0,
            cid_widths: Vec::new(),
            default_width: 1.0,
            cid_vmetrics: Vec::new(),
            default_vadvance: -1.0,
            width_scale: 0.001,
            type3_matrix: None,
            std14: None,
            ascent: 0.88,
            descent: -0.12,
            bold: is_bold_font(doc, font, &base_font),
        };

        // ToUnicode first; a broken one is dropped with a warning. A name
        // (`/Identity-H`, seen in the wild) carries no mapping.
        let tu = font.get(b"ToUnicode").ok().filter(|o| {
            let named = matches!(deref(doc, o), Some(Object::Name(_)));
            if named {
                warnings.push(format!(
                    "font {base_font}: ToUnicode is a name, not a CMap; ignored"
                ));
            }
            !named
        });
        if let Some(o) = tu
            && let Some(data) = stream_bytes(doc, o, cmap_limit, "ToUnicode", warnings)
        {
            let cm = CMap::parse(&data);
            if cm.dropped > 0 {
                warnings.push(format!(
                    "font {base_font}: ToUnicode capped, {} entries dropped",
                    cm.dropped
                ));
            }
            let sample = cm.sample_texts(256);
            let bad = sample.iter().filter(|s| is_garbage(s)).count();
            if cm.unicode_entries() == 0 {
                warnings.push(format!(
                    "font {base_font}: ToUnicode has no mappings, ignored"
                ));
            } else if bad * 2 > sample.len() {
                warnings.push(format!(
                    "font {base_font}: ToUnicode maps mostly to garbage, ignored"
                ));
            } else {
                f.to_unicode = Some(Arc::new(cm));
            }
        }

        match kind {
            FontKind::Cid => f.load_cid(doc, font, stream_limit, cmap_limit, warnings),
            FontKind::Simple | FontKind::Type3 => {
                f.load_simple(doc, font, subtype, stream_limit, warnings)
            }
        }
        f
    }

    fn load_simple(
        &mut self,
        doc: &Document,
        font: &Dictionary,
        subtype: &[u8],
        stream_limit: u64,
        warnings: &mut Vec<String>,
    ) {
        let desc = get_dict(doc, font, b"FontDescriptor");
        if self.kind == FontKind::Type3 {
            let m = get_array(doc, font, b"FontMatrix")
                .filter(|a| a.len() == 6)
                .and_then(|a| {
                    let v: Vec<f32> = a.iter().filter_map(|o| num(doc, o)).collect();
                    <[f32; 6]>::try_from(v).ok()
                })
                .unwrap_or([0.001, 0.0, 0.0, 0.001, 0.0, 0.0]);
            self.type3_matrix = Some(m);
            // Widths are in glyph space; the matrix's x scale takes them to text space.
            self.width_scale = if m[0].is_finite() && m[0] != 0.0 && m[0].abs() < 1.0e3 {
                m[0]
            } else {
                0.001
            };
        }

        self.set_vmetrics(doc, desc);

        // Widths.
        self.first_char = get_num(doc, font, b"FirstChar")
            .filter(|v| (0.0..=255.0).contains(v))
            .unwrap_or(0.0) as u32;
        if let Some(ws) = get_array(doc, font, b"Widths") {
            self.widths = ws
                .iter()
                .take(256)
                .map(|o| num(doc, o).unwrap_or(0.0))
                .collect();
        }
        self.missing_width = desc
            .and_then(|d| get_num(doc, d, b"MissingWidth"))
            .unwrap_or(0.0);
        if self.widths.is_empty() && self.kind == FontKind::Simple {
            // Standard 14 fonts may come without /Widths: bundled metrics by
            // character; Courier is fixed at 600; others get a typical 500.
            let (table, fallback) = std14_metrics(&self.base_font);
            self.std14 = table;
            if self.missing_width == 0.0 {
                self.missing_width = fallback;
            }
        }

        // Encoding → glyph names → text.
        let flags = desc.and_then(|d| get_num(doc, d, b"Flags")).unwrap_or(0.0) as u32;
        let symbolic = flags & 4 != 0 && flags & 32 == 0;
        let mut base = match subtype {
            b"TrueType" if !symbolic => Some(BaseEncoding::WinAnsi),
            b"Type3" => None,
            _ if self.base_font.contains("Symbol") || self.base_font.contains("Dingbats") => None,
            _ => Some(BaseEncoding::Standard),
        };
        let mut diffs: Vec<(u8, Vec<u8>)> = Vec::new();
        let mut has_encoding = false;
        let mut explicit_base = false;
        match font.get(b"Encoding").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Name(n)) => {
                has_encoding = true;
                match BaseEncoding::from_name(n) {
                    Some(b) => {
                        base = Some(b);
                        explicit_base = true;
                    }
                    None => warnings.push(format!(
                        "font {}: unknown simple encoding /{}",
                        self.base_font,
                        String::from_utf8_lossy(n)
                    )),
                }
            }
            Some(Object::Dictionary(d)) => {
                has_encoding = true;
                if let Some(b) = get_name(doc, d, b"BaseEncoding").and_then(BaseEncoding::from_name)
                {
                    base = Some(b);
                    explicit_base = true;
                }
                if let Some(arr) = get_array(doc, d, b"Differences") {
                    let mut code: Option<u32> = None;
                    for o in arr.iter().take(4096) {
                        match deref(doc, o) {
                            Some(Object::Integer(i)) => code = u32::try_from(*i).ok(),
                            Some(Object::Name(n)) => {
                                if let Some(c) = code.filter(|&c| c < 256) {
                                    diffs.push((c as u8, n.clone()));
                                }
                                code = code.and_then(|c| c.checked_add(1));
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
        let mut table: Vec<Option<String>> = (0..=255u8)
            .map(|c| base.and_then(|b| b.char_of(c)).map(String::from))
            .collect();
        // No base encoding named: an embedded Type 1 / CFF program's own
        // encoding replaces the default.
        if !explicit_base && matches!(subtype, b"Type1" | b"MMType1") {
            let builtin = desc.and_then(|d| {
                if let Ok(o) = d.get(b"FontFile") {
                    let data = stream_bytes(doc, o, stream_limit, "FontFile", warnings)?;
                    type1::type1_builtin(&data)
                } else if let Ok(o) = d.get(b"FontFile3") {
                    let data = stream_bytes(doc, o, stream_limit, "FontFile3", warnings)?;
                    type1::cff_builtin(&data)
                } else {
                    None
                }
            });
            if let Some(names) = builtin {
                for (slot, name) in table.iter_mut().zip(names) {
                    if let Some(n) = name {
                        *slot = glyphs::name_to_unicode(&n);
                    }
                }
            }
        }
        // Differences often repeat one name for long runs of codes (/g0 … /g0).
        let mut last: Option<(&[u8], Option<String>)> = None;
        for (c, name) in &diffs {
            let text = match &last {
                Some((n, t)) if *n == name.as_slice() => t.clone(),
                _ => {
                    let t = glyphs::name_to_unicode(name);
                    last = Some((name, t.clone()));
                    t
                }
            };
            table[usize::from(*c)] = text;
        }
        // An embedded TrueType program: its (3,0)/(1,0) cmap says which glyph
        // a code draws; the (3,1) cmap, if any, says what it means. That wins
        // for symbolic fonts and fonts without encoding, and fills the codes
        // the encoding leaves empty in the others when there is no ToUnicode.
        let wins = !has_encoding || symbolic;
        if subtype == b"TrueType"
            && (wins || self.to_unicode.is_none())
            && let Some(ff) = desc.and_then(|d| d.get(b"FontFile2").ok())
            && let Some(data) = stream_bytes(doc, ff, stream_limit, "FontFile2", warnings)
            && let Some(t) = truetype::simple_codes_to_text(&data)
        {
            for (c, s) in t.into_iter().enumerate() {
                if s.is_some() && (wins || table[c].is_none()) {
                    table[c] = s;
                }
            }
        }
        self.simple_text = table;
    }

    fn load_cid(
        &mut self,
        doc: &Document,
        font: &Dictionary,
        stream_limit: u64,
        cmap_limit: u64,
        warnings: &mut Vec<String>,
    ) {
        let desc_font = get_array(doc, font, b"DescendantFonts")
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        let empty = Dictionary::new();
        let cidfont = desc_font.unwrap_or(&empty);
        if desc_font.is_none() {
            warnings.push(format!(
                "font {}: Type0 without DescendantFonts",
                self.base_font
            ));
        }

        // Encoding: a predefined CMap name or an embedded CMap stream.
        match font.get(b"Encoding").ok().and_then(|o| deref(doc, o)) {
            Some(Object::Name(n)) => self.set_predefined(n, warnings),
            Some(Object::Stream(_)) => {
                let enc = font.get(b"Encoding").ok();
                if let Some(data) =
                    enc.and_then(|o| stream_bytes(doc, o, cmap_limit, "Encoding CMap", warnings))
                {
                    let cm = CMap::parse(&data);
                    if let Some(u) = cm.usecmap.clone() {
                        self.set_predefined(&u, warnings);
                    }
                    if !cm.codespace.is_empty() {
                        self.codespace = Codespace {
                            ranges: cm.codespace.clone(),
                        };
                    } else if cm.usecmap.is_none() {
                        self.codespace = Codespace::two_bytes();
                    }
                    if cm.wmode == 1 {
                        self.vertical = true;
                    }
                    if cm.has_cids() {
                        self.identity = false;
                        self.encoding_cmap = Some(Arc::new(cm));
                    }
                }
            }
            _ => {
                warnings.push(format!(
                    "font {}: Type0 without a usable /Encoding, Identity-H assumed",
                    self.base_font
                ));
                self.identity = true;
                self.codespace = Codespace::two_bytes();
            }
        }

        // Widths.
        self.default_width = get_num(doc, cidfont, b"DW").unwrap_or(1000.0) / 1000.0;
        if let Some(w) = get_array(doc, cidfont, b"W") {
            self.cid_widths = parse_w(doc, w, 1);
        }
        if let Some(dw2) = get_array(doc, cidfont, b"DW2")
            && let Some(w1y) = dw2.get(1).and_then(|o| num(doc, o))
        {
            self.default_vadvance = w1y / 1000.0;
        }
        if let Some(w2) = get_array(doc, cidfont, b"W2") {
            self.cid_vmetrics = parse_w(doc, w2, 3);
        }

        // Text without ToUnicode.
        let ordering = get_dict(doc, cidfont, b"CIDSystemInfo")
            .and_then(|d| get(doc, d, b"Ordering"))
            .and_then(|o| o.as_str().ok())
            .map(|s| s.to_vec())
            .unwrap_or_default();
        let japan1 = ordering == b"Japan1";
        if let Some(p) = self.predefined {
            self.cid_text = CidText::Predefined(p);
        } else if japan1 {
            self.cid_text = CidText::Japan1;
        }
        let desc = get_dict(doc, cidfont, b"FontDescriptor");
        self.set_vmetrics(doc, desc);
        let ff2 = desc.and_then(|d| d.get(b"FontFile2").ok());
        let is_type2 = get_name(doc, cidfont, b"Subtype") == Some(b"CIDFontType2");
        if self.to_unicode.is_none()
            && self.predefined.is_none()
            && is_type2
            && let Some(data) =
                ff2.and_then(|o| stream_bytes(doc, o, stream_limit, "FontFile2", warnings))
        {
            match truetype::reverse_cmap(&data) {
                Some(rev) if !rev.is_empty() => {
                    self.tt_reverse = Some(Arc::new(rev));
                    // The embedded program's CIDs are glyph ids, not Adobe-Japan1.
                    self.cid_text = CidText::None;
                }
                _ => warnings.push(format!(
                    "font {}: embedded TrueType has no usable Unicode cmap",
                    self.base_font
                )),
            }
            if let Some(Object::Stream(_)) = get(doc, cidfont, b"CIDToGIDMap") {
                let o = cidfont.get(b"CIDToGIDMap").ok();
                if let Some(b) =
                    o.and_then(|o| stream_bytes(doc, o, 1 << 17, "CIDToGIDMap", warnings))
                {
                    self.cid_to_gid = Some(Arc::new(
                        b.chunks_exact(2)
                            .map(|c| u16::from_be_bytes([c[0], c[1]]))
                            .collect(),
                    ));
                }
            }
        }
        // An embedded TrueType program addressed without a CIDToGIDMap stream
        // has glyph ids for CIDs, whatever its CIDSystemInfo says: reading
        // them as Adobe-Japan1 would invent characters for codes the
        // ToUnicode leaves out. Without ToUnicode or cmap it stays the last resort.
        let gid_cids = is_type2
            && ff2.is_some()
            && !matches!(get(doc, cidfont, b"CIDToGIDMap"), Some(Object::Stream(_)));
        if gid_cids && self.to_unicode.is_some() && matches!(self.cid_text, CidText::Japan1) {
            self.cid_text = CidText::None;
        }
        if self.to_unicode.is_none()
            && matches!(self.cid_text, CidText::None)
            && self.tt_reverse.is_none()
        {
            warnings.push(format!(
                "font {}: no ToUnicode and no known CID→Unicode path (ordering {})",
                self.base_font,
                String::from_utf8_lossy(&ordering)
            ));
        }
    }

    /// Ascent and descent from the font descriptor (glyph space / 1000),
    /// when plausible; Type 3 fonts scale by their matrix.
    fn set_vmetrics(&mut self, doc: &Document, desc: Option<&Dictionary>) {
        let Some(d) = desc else { return };
        let scale = if self.kind == FontKind::Type3 {
            self.width_scale.abs()
        } else {
            0.001
        };
        let a = get_num(doc, d, b"Ascent").map(|v| v * scale);
        let de = get_num(doc, d, b"Descent").map(|v| v * scale);
        if let Some(a) = a.filter(|a| *a > 0.0 && *a <= 3.0) {
            self.ascent = a;
        }
        if let Some(de) = de
            .map(|v| if v > 0.0 { -v } else { v })
            .filter(|v| *v < 0.0 && *v >= -3.0)
        {
            self.descent = de;
        }
    }

    fn set_predefined(&mut self, name: &[u8], warnings: &mut Vec<String>) {
        if name == b"Identity-H" || name == b"Identity-V" {
            self.identity = true;
            self.codespace = Codespace::two_bytes();
            self.vertical = name == b"Identity-V";
            return;
        }
        match Predefined::from_name(name) {
            Some(p) => {
                self.codespace = p.codespace();
                self.vertical = p.vertical;
                self.predefined = Some(p);
            }
            None => {
                warnings.push(format!(
                    "font {}: unsupported predefined CMap /{}, decoded as Identity-H",
                    self.base_font,
                    String::from_utf8_lossy(name)
                ));
                self.identity = true;
                self.codespace = Codespace::two_bytes();
                self.vertical = name.ends_with(b"-V");
            }
        }
    }

    /// The CID of a code in a composite font.
    fn cid_of(&self, code: u32, bytes: &[u8], text: &str) -> Option<u32> {
        if let Some(cm) = &self.encoding_cmap
            && let Some(c) = cm.cid(code)
        {
            return Some(c);
        }
        if let Some(p) = &self.predefined {
            return p.estimate_cid(bytes, text);
        }
        if self.identity || self.encoding_cmap.is_none() {
            Some(code)
        } else {
            None
        }
    }

    fn cid_text_of(&self, code: u32, bytes: &[u8], cid: Option<u32>) -> String {
        match &self.cid_text {
            CidText::Predefined(p) => {
                let s = p.decode(bytes);
                if !s.is_empty() {
                    return s;
                }
            }
            CidText::Japan1 => {
                if let Some(s) = cid.and_then(glyphs::japan1_to_unicode) {
                    return s;
                }
            }
            CidText::None => {}
        }
        if let (Some(rev), Some(cid)) = (&self.tt_reverse, cid) {
            let gid = match &self.cid_to_gid {
                Some(map) => usize::try_from(cid).ok().and_then(|c| map.get(c).copied()),
                None => u16::try_from(cid).ok(),
            };
            if let Some(s) = gid.and_then(|g| rev.get(&g)) {
                return s.clone();
            }
        }
        let _ = code;
        String::new()
    }

    /// Decodes a string operand of Tj / TJ / ' / " into glyphs, appended to `out`.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<DecodedGlyph>) {
        let mut i = 0usize;
        while i < bytes.len() {
            let (code, n) = self.codespace.next_code(&bytes[i..]);
            let n = n.clamp(1, bytes.len() - i);
            let cb = &bytes[i..i + n];
            i += n;
            let mut text = self
                .to_unicode
                .as_ref()
                .and_then(|cm| cm.lookup(code))
                .filter(|s| !is_garbage(s));
            let (width, vadv) = match self.kind {
                FontKind::Cid => {
                    let fallback;
                    let t = match &text {
                        Some(t) => t.as_str(),
                        None => {
                            fallback = self.predefined.map(|p| p.decode(cb)).unwrap_or_default();
                            fallback.as_str()
                        }
                    };
                    let cid = self.cid_of(code, cb, t);
                    if text.is_none() {
                        text = Some(self.cid_text_of(code, cb, cid));
                    }
                    let w = cid
                        .and_then(|c| lookup_w(&self.cid_widths, c))
                        .unwrap_or(self.default_width * 1000.0);
                    let v = cid
                        .and_then(|c| lookup_w(&self.cid_vmetrics, c))
                        .map(|v| v / 1000.0)
                        .unwrap_or(self.default_vadvance);
                    (w / 1000.0, v)
                }
                FontKind::Simple | FontKind::Type3 => {
                    if text.is_none() {
                        text = self.simple_text.get(code as usize).cloned().flatten();
                    }
                    let w = code
                        .checked_sub(self.first_char)
                        .and_then(|k| self.widths.get(k as usize).copied())
                        .or_else(|| std14_width(self.std14?, text.as_deref()?))
                        .unwrap_or(self.missing_width);
                    (w * self.width_scale, -1.0)
                }
            };
            out.push(DecodedGlyph {
                code,
                code_len: n as u8,
                text: text.unwrap_or_default(),
                width: if width.is_finite() { width } else { 0.0 },
                vertical_advance: if vadv.is_finite() { vadv } else { -1.0 },
                is_word_space: n == 1 && code == 32,
            });
        }
    }

    /// True for vertical writing mode (WMode 1: Identity-V, -V CMaps).
    pub fn is_vertical(&self) -> bool {
        self.vertical
    }

    /// The FontMatrix of a Type 3 font (glyph space → text space), `None` for
    /// other fonts (whose matrix is the fixed 1/1000 scale, already applied to widths).
    /// Widths from [`Font::decode`] already include the matrix's x scale.
    pub fn type3_matrix(&self) -> Option<[f32; 6]> {
        self.type3_matrix
    }

    /// The kind of font.
    pub fn kind(&self) -> FontKind {
        self.kind
    }

    /// The /BaseFont name (Shift_JIS names decoded).
    pub fn base_font(&self) -> &str {
        &self.base_font
    }

    /// Ascent above the baseline in text space per unit font size, from the
    /// font descriptor (0.88 when missing or implausible).
    pub fn ascent(&self) -> f32 {
        self.ascent
    }

    /// Descent below the baseline (negative) in text space per unit font size
    /// (-0.12 when missing or implausible).
    pub fn descent(&self) -> f32 {
        self.descent
    }

    /// True when a ToUnicode CMap is in use.
    pub fn has_to_unicode(&self) -> bool {
        self.to_unicode.is_some()
    }

    /// True when the font is a bold face, by its /BaseFont name or its font
    /// descriptor (see [`is_bold_font`]).
    pub fn is_bold(&self) -> bool {
        self.bold
    }
}

/// FontDescriptor /Flags bit 19 (ForceBold), counting bits from 1.
const FORCE_BOLD: u32 = 1 << 18;

/// True for a bold font dictionary: its /BaseFont name (or, for a Type0
/// font, its descendant's) names a bold weight (see [`is_bold_name`]), or
/// its font descriptor (the descendant's for Type0) gives a /FontWeight of
/// 600 or more or sets the ForceBold flag.
fn is_bold_font(doc: &Document, font: &Dictionary, base_font: &str) -> bool {
    if is_bold_name(base_font) {
        return true;
    }
    let desc_bold = |d: &Dictionary| {
        get_dict(doc, d, b"FontDescriptor").is_some_and(|fd| {
            get_num(doc, fd, b"FontWeight").is_some_and(|w| w >= 600.0)
                || get_num(doc, fd, b"Flags").is_some_and(|f| (f as u32) & FORCE_BOLD != 0)
        })
    };
    if desc_bold(font) {
        return true;
    }
    // Type0: the weight is the descendant CIDFont's.
    get_array(doc, font, b"DescendantFonts")
        .and_then(|a| a.first())
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
        .is_some_and(|cf| {
            get_name(doc, cf, b"BaseFont").is_some_and(|n| is_bold_name(&font_name(n)))
                || desc_bold(cf)
        })
}

/// True when a font name names a bold weight: Bold (SemiBold, ExtraBold,
/// `Calibri,Bold`), Heavy, Black, Demi, or a Japanese weight W6 to W9
/// (HiraKakuPro-W6), case ignored. The subset tag (`ABCDEF+`) is no part of it.
pub fn is_bold_name(name: &str) -> bool {
    let n = name.split_once('+').map_or(name, |(_, b)| b).as_bytes();
    let has = |word: &[u8]| n.windows(word.len()).any(|w| w.eq_ignore_ascii_case(word));
    if has(b"bold") || has(b"heavy") || has(b"black") || has(b"demi") {
        return true;
    }
    // W6–W9 as a token of its own: not preceded by a letter, not followed by a digit.
    n.windows(2).enumerate().any(|(i, w)| {
        w[0].eq_ignore_ascii_case(&b'w')
            && (b'6'..=b'9').contains(&w[1])
            && (i == 0 || !n[i - 1].is_ascii_alphabetic())
            && !n.get(i + 2).is_some_and(u8::is_ascii_digit)
    })
}

/// Width table and fallback width of a standard 14 font name (subset tag
/// and style suffixes tolerated; Arial and Times New Roman are metric clones).
fn std14_metrics(name: &str) -> (Option<&'static [(u16, u16)]>, f32) {
    let n = name.split_once('+').map_or(name, |(_, b)| b);
    let bold = n.contains("Bold");
    let italic = n.contains("Italic") || n.contains("Oblique");
    if n.starts_with("Courier") {
        return (None, 600.0);
    }
    let table = if n.starts_with("Helvetica") || n.starts_with("Arial") {
        Some(if bold {
            std14::HELVETICA_BOLD
        } else {
            std14::HELVETICA
        })
    } else if n.starts_with("Times") {
        Some(match (bold, italic) {
            (true, true) => std14::TIMES_BOLD_ITALIC,
            (true, false) => std14::TIMES_BOLD,
            (false, true) => std14::TIMES_ITALIC,
            (false, false) => std14::TIMES_ROMAN,
        })
    } else {
        None
    };
    (table, 500.0)
}

fn std14_width(table: &[(u16, u16)], text: &str) -> Option<f32> {
    let mut it = text.chars();
    let c = u16::try_from(u32::from(it.next()?)).ok()?;
    let i = table.binary_search_by_key(&c, |e| e.0).ok()?;
    Some(f32::from(table[i].1))
}

/// Parses `/W` (values = 1: width) or `/W2` (values = 3: w1y vx vy; only w1y
/// is kept) into sorted ranges.
fn parse_w(doc: &Document, arr: &[Object], values: usize) -> WidthRanges<f32> {
    let mut out = Vec::new();
    let items: Vec<&Object> = arr
        .iter()
        .take(MAX_WIDTH_ITEMS)
        .filter_map(|o| deref(doc, o))
        .collect();
    let mut i = 0;
    let mut budget = MAX_WIDTH_ITEMS;
    while i < items.len() && budget > 0 {
        let Some(first) = num(doc, items[i]).filter(|v| *v >= 0.0 && *v <= 65535.0) else {
            i += 1;
            continue;
        };
        let first = first as u32;
        match items.get(i + 1) {
            Some(Object::Array(a)) => {
                for (k, chunk) in a.chunks(values).enumerate().take(budget) {
                    if let Some(w) = chunk.first().and_then(|o| num(doc, o)) {
                        let c = first.saturating_add(k as u32);
                        out.push((c, c, w));
                    }
                    budget = budget.saturating_sub(1);
                }
                i += 2;
            }
            Some(o) => {
                let last = num(doc, o)
                    .filter(|v| *v >= 0.0)
                    .map(|v| v.min(65535.0) as u32);
                let w = items.get(i + 2).and_then(|o| num(doc, o));
                if let (Some(last), Some(w)) = (last, w)
                    && last >= first
                {
                    out.push((first, last, w));
                }
                i += 2 + values;
                budget = budget.saturating_sub(1);
            }
            None => break,
        }
    }
    out.sort_by_key(|e| e.0);
    out
}

fn lookup_w(v: &WidthRanges<f32>, cid: u32) -> Option<f32> {
    let idx = v.partition_point(|e| e.0 <= cid);
    v[..idx]
        .iter()
        .rev()
        .take(8)
        .find(|e| e.0 <= cid && cid <= e.1)
        .map(|e| e.2)
}

#[cfg(test)]
mod tests;
