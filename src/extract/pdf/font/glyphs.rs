//! Glyph names to Unicode (Adobe Glyph List plus the `uniXXXX` / `uXXXX`
//! conventions), the standard single-byte encodings, and the Adobe-Japan1
//! CID → Unicode table.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::adobe_japan1::{DENSE, WIDE};
use super::glyphs_data::{AGL, MAC_ROMAN, STANDARD, WIN_ANSI};

/// A built-in single-byte encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseEncoding {
    /// StandardEncoding (Type 1 default).
    Standard,
    /// WinAnsiEncoding (Windows code page 1252 plus bullets).
    WinAnsi,
    /// MacRomanEncoding.
    MacRoman,
}

impl BaseEncoding {
    /// From an `/Encoding` or `/BaseEncoding` name.
    pub fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" => Some(BaseEncoding::MacRoman),
            _ => None,
        }
    }

    /// The character of a code, if the encoding defines one.
    pub fn char_of(self, code: u8) -> Option<char> {
        let t = match self {
            BaseEncoding::Standard => &STANDARD,
            BaseEncoding::WinAnsi => &WIN_ANSI,
            BaseEncoding::MacRoman => &MAC_ROMAN,
        };
        match t[usize::from(code)] {
            0 => None,
            u => char::from_u32(u32::from(u)),
        }
    }
}

fn hex_units(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Unicode text of a glyph name: the AGL, `uniXXXX…` (groups of four hex
/// digits), `uXXXX`–`uXXXXXX`, ligatures joined by `_`, suffixes after `.`
/// dropped. Names without meaning (`g12`, `cid123`, `glyph5`) give `None`.
pub fn name_to_unicode(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    if name.len() > 256 {
        return None;
    }
    let base = name.split('.').next().unwrap_or("");
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let mut out = String::new();
        for part in base.split('_').take(16) {
            out.push_str(&component(part)?);
        }
        return Some(out);
    }
    component(base)
}

fn component(c: &str) -> Option<String> {
    // A hash lookup: fonts (Chromium's Type 3 ones, a hundred to a page)
    // name every one of their 256 codes, so a binary search of the list's
    // 4,000 names was a tenth of a PDF batch's time.
    static BY_NAME: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    let agl = BY_NAME.get_or_init(|| AGL.iter().copied().collect());
    if let Some(t) = agl.get(c) {
        return Some((*t).to_string());
    }
    if let Some(h) = c.strip_prefix("uni")
        && !h.is_empty()
        && h.len() % 4 == 0
    {
        let mut out = String::new();
        for k in (0..h.len()).step_by(4) {
            let u = hex_units(h.get(k..k + 4)?)?;
            out.push(char::from_u32(u).filter(|_| !(0xD800..0xE000).contains(&u))?);
        }
        return Some(out);
    }
    if let Some(h) = c.strip_prefix('u')
        && (4..=6).contains(&h.len())
    {
        return char::from_u32(hex_units(h)?).map(String::from);
    }
    None
}

/// Text of an Adobe-Japan1 CID.
pub fn japan1_to_unicode(cid: u32) -> Option<String> {
    let i = usize::try_from(cid).ok()?.checked_mul(2)?;
    if let Some(b) = DENSE.get(i..i + 2) {
        let u = u16::from_le_bytes([b[0], b[1]]);
        if u != 0 {
            return char::from_u32(u32::from(u)).map(String::from);
        }
    }
    let cid = u16::try_from(cid).ok()?;
    WIDE.binary_search_by_key(&cid, |e| e.0)
        .ok()
        .map(|k| WIDE[k].1.to_string())
}

/// Lowest Adobe-Japan1 CID of a character (for widths of predefined CMaps).
pub fn japan1_cid_of(c: char) -> Option<u32> {
    static REV: OnceLock<HashMap<u32, u32>> = OnceLock::new();
    let rev = REV.get_or_init(|| {
        let mut m = HashMap::with_capacity(DENSE.len() / 2);
        for (cid, b) in DENSE.chunks_exact(2).enumerate() {
            let u = u16::from_le_bytes([b[0], b[1]]);
            if u != 0 {
                m.entry(u32::from(u)).or_insert(cid as u32);
            }
        }
        m
    });
    rev.get(&u32::from(c)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glyph_names() {
        assert_eq!(name_to_unicode(b"A").as_deref(), Some("A"));
        assert_eq!(name_to_unicode(b"quoteright").as_deref(), Some("\u{2019}"));
        assert_eq!(name_to_unicode(b"uni65E5").as_deref(), Some("日"));
        assert_eq!(name_to_unicode(b"uni65E5672C").as_deref(), Some("日本"));
        assert_eq!(name_to_unicode(b"u20BB7").as_deref(), Some("\u{20BB7}"));
        assert_eq!(name_to_unicode(b"f_i").as_deref(), Some("fi"));
        assert_eq!(name_to_unicode(b"a.sc").as_deref(), Some("a"));
        assert_eq!(name_to_unicode(b"g12"), None);
        assert_eq!(name_to_unicode(b"uniD800"), None);
        assert_eq!(name_to_unicode(b"\xff\xfe"), None);
    }

    #[test]
    fn base_encodings() {
        assert_eq!(BaseEncoding::Standard.char_of(0x27), Some('\u{2019}'));
        assert_eq!(BaseEncoding::WinAnsi.char_of(0x80), Some('€'));
        assert_eq!(BaseEncoding::WinAnsi.char_of(0x27), Some('\''));
        assert_eq!(BaseEncoding::MacRoman.char_of(0x8A), Some('ä'));
    }

    #[test]
    fn japan1() {
        assert_eq!(japan1_to_unicode(1).as_deref(), Some(" "));
        assert_eq!(japan1_to_unicode(34).as_deref(), Some("A"));
        assert_eq!(japan1_to_unicode(232).as_deref(), Some("!"));
        assert_eq!(japan1_to_unicode(327).as_deref(), Some("\u{FF61}"));
        assert_eq!(japan1_to_unicode(843).as_deref(), Some("あ"));
        assert_eq!(japan1_to_unicode(1125).as_deref(), Some("亜"));
        assert_eq!(japan1_to_unicode(0), None);
        assert_eq!(japan1_to_unicode(u32::MAX), None);
        assert_eq!(japan1_cid_of('亜'), Some(1125));
        assert_eq!(japan1_cid_of('A'), Some(34));
    }
}
