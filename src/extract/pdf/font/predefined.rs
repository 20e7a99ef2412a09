//! Predefined CMaps named in `/Encoding` of Type0 fonts, for fonts without a
//! ToUnicode map. The code bytes are text in a legacy encoding (Shift_JIS,
//! EUC-JP, JIS X 0208, UTF-16, …), so encoding_rs decodes them directly; no
//! CMap table is bundled. The CID (needed only for `/W` widths) is estimated:
//! half-width and proportional single-byte ranges by formula, the rest
//! through the reverse Adobe-Japan1 table.

use super::cmap::{Codespace, range};
use super::glyphs::japan1_cid_of;

/// Byte encoding of a predefined CMap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Shift_JIS / Windows-31J (`90ms-RKSJ-H`, `83pv-RKSJ-H`, …).
    Rksj,
    /// EUC-JP (`EUC-H`).
    EucJp,
    /// JIS X 0208 in 7-bit form (`H`, `V`).
    Jis,
    /// UCS-2 (`UniJIS-UCS2-H`).
    Ucs2,
    /// UTF-16BE (`UniJIS-UTF16-H`).
    Utf16,
    /// UTF-32BE (`UniJIS-UTF32-H`).
    Utf32,
    /// UTF-8 (`UniJIS-UTF8-H`).
    Utf8,
    /// GBK (`GBK-EUC-H`, `GB-EUC-H`).
    Gbk,
    /// Big5 (`B5pc-H`, `ETen-B5-H`).
    Big5,
    /// EUC-KR / UHC (`KSC-EUC-H`, `KSCms-UHC-H`).
    EucKr,
}

/// A predefined CMap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Predefined {
    /// Byte encoding.
    pub family: Family,
    /// `-V`: vertical writing.
    pub vertical: bool,
    /// Single-byte codes use proportional CIDs 1–95 (`90msp-`).
    proportional: bool,
    /// ASCII uses half-width CIDs 231–325 (`-HW-` UCS-2 CMaps).
    halfwidth: bool,
    /// Japanese (Adobe-Japan1) CMap: CIDs can be estimated.
    japanese: bool,
}

impl Predefined {
    /// Recognizes a CMap name; `None` for unknown names.
    pub fn from_name(name: &[u8]) -> Option<Predefined> {
        let name = std::str::from_utf8(name).ok()?;
        let (stem, vertical) = if name == "H" || name == "V" {
            ("", name == "V")
        } else if let Some(s) = name.strip_suffix("-H") {
            (s, false)
        } else if let Some(s) = name.strip_suffix("-V") {
            (s, true)
        } else {
            return None;
        };
        let mut p = Predefined {
            family: Family::Jis,
            vertical,
            proportional: false,
            halfwidth: false,
            japanese: true,
        };
        if stem.contains("RKSJ") {
            p.family = Family::Rksj;
            p.proportional = stem.starts_with("90msp");
        } else if stem.starts_with("Uni") {
            p.japanese = stem.starts_with("UniJIS") || stem.starts_with("UniHojo");
            p.family = if stem.contains("UCS2") {
                Family::Ucs2
            } else if stem.contains("UTF16") {
                Family::Utf16
            } else if stem.contains("UTF32") {
                Family::Utf32
            } else if stem.contains("UTF8") {
                Family::Utf8
            } else {
                return None;
            };
            p.halfwidth = stem.ends_with("-HW");
        } else if matches!(stem, "EUC" | "78-EUC" | "Hojo-EUC") {
            p.family = Family::EucJp;
        } else if matches!(stem, "" | "78" | "Add" | "Ext" | "NWP" | "Hojo") {
            p.family = Family::Jis;
        } else if stem.starts_with("GB") {
            p.family = Family::Gbk;
            p.japanese = false;
        } else if stem.contains("B5") {
            p.family = Family::Big5;
            p.japanese = false;
        } else if stem.starts_with("KSC") {
            p.family = Family::EucKr;
            p.japanese = false;
        } else {
            return None;
        }
        Some(p)
    }

    /// Which bytes form 1-, 2- (3-, 4-) byte codes.
    pub fn codespace(&self) -> Codespace {
        let r = match self.family {
            Family::Rksj => vec![
                range(1, &[0x00], &[0x80]),
                range(1, &[0xA0], &[0xDF]),
                range(1, &[0xFD], &[0xFF]),
                range(2, &[0x81, 0x40], &[0x9F, 0xFC]),
                range(2, &[0xE0, 0x40], &[0xFC, 0xFC]),
            ],
            Family::EucJp => vec![
                range(1, &[0x00], &[0x80]),
                range(2, &[0x8E, 0xA0], &[0x8E, 0xDF]),
                range(2, &[0xA1, 0xA1], &[0xFE, 0xFE]),
                range(3, &[0x8F, 0xA1, 0xA1], &[0x8F, 0xFE, 0xFE]),
            ],
            Family::Jis => vec![range(2, &[0x21, 0x21], &[0x7E, 0x7E])],
            Family::Ucs2 => vec![range(2, &[0, 0], &[0xFF, 0xFF])],
            Family::Utf16 => vec![
                range(2, &[0x00, 0x00], &[0xD7, 0xFF]),
                range(2, &[0xE0, 0x00], &[0xFF, 0xFF]),
                range(4, &[0xD8, 0x00, 0xDC, 0x00], &[0xDB, 0xFF, 0xDF, 0xFF]),
            ],
            Family::Utf32 => vec![range(4, &[0, 0, 0, 0], &[0, 0x10, 0xFF, 0xFF])],
            Family::Utf8 => vec![
                range(1, &[0x00], &[0x7F]),
                range(2, &[0xC2, 0x80], &[0xDF, 0xBF]),
                range(3, &[0xE0, 0x80, 0x80], &[0xEF, 0xBF, 0xBF]),
                range(4, &[0xF0, 0x80, 0x80, 0x80], &[0xF4, 0xBF, 0xBF, 0xBF]),
            ],
            Family::Gbk => vec![
                range(1, &[0x00], &[0x80]),
                range(2, &[0x81, 0x40], &[0xFE, 0xFE]),
            ],
            Family::Big5 => vec![
                range(1, &[0x00], &[0x80]),
                range(2, &[0x81, 0x40], &[0xFE, 0xFE]),
            ],
            Family::EucKr => vec![
                range(1, &[0x00], &[0x80]),
                range(2, &[0x81, 0x41], &[0xFE, 0xFE]),
            ],
        };
        Codespace { ranges: r }
    }

    /// Text of one code's bytes; empty when the bytes mean nothing.
    pub fn decode(&self, bytes: &[u8]) -> String {
        let enc = match self.family {
            Family::Rksj => encoding_rs::SHIFT_JIS,
            Family::EucJp => encoding_rs::EUC_JP,
            Family::Jis => {
                if bytes.len() != 2 || !bytes.iter().all(|b| (0x21..=0x7E).contains(b)) {
                    return String::new();
                }
                let euc = [bytes[0] | 0x80, bytes[1] | 0x80];
                return clean(
                    encoding_rs::EUC_JP
                        .decode_without_bom_handling_and_without_replacement(&euc)
                        .map(|c| c.into_owned()),
                );
            }
            Family::Ucs2 | Family::Utf16 => encoding_rs::UTF_16BE,
            Family::Utf32 => {
                if bytes.len() != 4 {
                    return String::new();
                }
                let v = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
                return char::from_u32(v)
                    .map(String::from)
                    .filter(|s| !super::is_garbage(s))
                    .unwrap_or_default();
            }
            Family::Utf8 => return clean(std::str::from_utf8(bytes).ok().map(String::from)),
            Family::Gbk => encoding_rs::GBK,
            Family::Big5 => encoding_rs::BIG5,
            Family::EucKr => encoding_rs::EUC_KR,
        };
        clean(
            enc.decode_without_bom_handling_and_without_replacement(bytes)
                .map(|c| c.into_owned()),
        )
    }

    /// Estimated Adobe-Japan1 CID of a code (for widths); `None` when unknown.
    pub fn estimate_cid(&self, bytes: &[u8], text: &str) -> Option<u32> {
        if !self.japanese {
            return None;
        }
        let single = match (self.family, bytes) {
            (Family::Rksj | Family::EucJp, [b]) => Some(*b),
            (Family::EucJp, [0x8E, b]) => Some(*b),
            _ => None,
        };
        if let Some(b) = single {
            return match b {
                0x20..=0x7E if self.proportional => Some(1 + u32::from(b - 0x20)),
                0x20..=0x7E => Some(231 + u32::from(b - 0x20)),
                0xA1..=0xDF => Some(327 + u32::from(b - 0xA1)),
                _ => None,
            };
        }
        let mut chars = text.chars();
        let c = chars.next()?;
        if chars.next().is_some() {
            return None;
        }
        if self.halfwidth && (' '..='~').contains(&c) {
            return Some(231 + (u32::from(c) - 0x20));
        }
        japan1_cid_of(c)
    }
}

fn clean(s: Option<String>) -> String {
    s.filter(|s| !super::is_garbage(s)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let p = Predefined::from_name(b"90ms-RKSJ-V").unwrap();
        assert_eq!(p.family, Family::Rksj);
        assert!(p.vertical);
        assert_eq!(Predefined::from_name(b"H").unwrap().family, Family::Jis);
        assert!(Predefined::from_name(b"V").unwrap().vertical);
        assert_eq!(
            Predefined::from_name(b"EUC-H").unwrap().family,
            Family::EucJp
        );
        assert_eq!(
            Predefined::from_name(b"UniJIS-UCS2-HW-H").unwrap().family,
            Family::Ucs2
        );
        assert!(
            Predefined::from_name(b"UniJIS-UCS2-HW-H")
                .unwrap()
                .halfwidth
        );
        assert_eq!(
            Predefined::from_name(b"UniJIS-UTF16-V").unwrap().family,
            Family::Utf16
        );
        assert_eq!(
            Predefined::from_name(b"GBK-EUC-H").unwrap().family,
            Family::Gbk
        );
        assert!(Predefined::from_name(b"Foo").is_none());
    }

    #[test]
    fn rksj_codespace_and_text() {
        let p = Predefined::from_name(b"90ms-RKSJ-H").unwrap();
        let cs = p.codespace();
        assert_eq!(cs.next_code(b"\x93\xfa"), (0x93fa, 2));
        assert_eq!(cs.next_code(b"A\x93"), (0x41, 1));
        assert_eq!(cs.next_code(b"\xb1"), (0xb1, 1));
        assert_eq!(p.decode(b"\x93\xfa"), "日");
        assert_eq!(p.decode(b"\xb1"), "ｱ");
        assert_eq!(p.estimate_cid(b"A", "A"), Some(231 + 0x21));
        assert_eq!(p.estimate_cid(b"\x88\x9f", "亜"), Some(1125));
    }
}
