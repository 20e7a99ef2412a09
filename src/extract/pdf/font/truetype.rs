//! Embedded TrueType programs (FontFile2) without ToUnicode: the program's
//! own `cmap` table, read with ttf-parser. Only the `cmap` table is needed,
//! so fonts missing other tables (common in subsets) still work.

use std::collections::HashMap;

use ttf_parser::{PlatformId, RawFace, Tag, cmap};

/// Most subtables read from one cmap.
const MAX_SUBTABLES: usize = 8;

fn cmap_table(data: &[u8]) -> Option<cmap::Table<'_>> {
    let raw = RawFace::parse(data, 0).ok()?;
    cmap::Table::parse(raw.table(Tag::from_bytes(b"cmap"))?)
}

/// Worse code points lose when several map to one glyph: compatibility
/// ideographs, Kangxi/CJK radicals and private use.
fn rank(cp: u32) -> (bool, u32) {
    let bad = matches!(cp, 0x2E80..=0x2FDF | 0xE000..=0xF8FF | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F | 0xF0000..);
    (bad, cp)
}

/// Code points tried against each subtable. ttf-parser's own enumeration
/// walks every code of every segment or group, which a hostile table can make
/// billions long; probing fixed ranges costs a bounded ~135k lookups instead.
fn probe_ranges(sub: &cmap::Subtable<'_>) -> &'static [std::ops::RangeInclusive<u32>] {
    const BMP: &[std::ops::RangeInclusive<u32>] = &[0..=0xFFFF];
    // Beyond the BMP only CJK ideograph extensions and compatibility supplement matter here.
    const WIDE: &[std::ops::RangeInclusive<u32>] = &[0..=0xFFFF, 0x20000..=0x3134F];
    match sub.format {
        cmap::Format::SegmentedCoverage(_) | cmap::Format::ManyToOneRangeMappings(_) => WIDE,
        _ => BMP,
    }
}

fn reverse_of(table: &cmap::Table<'_>) -> HashMap<u16, u32> {
    let mut best: HashMap<u16, u32> = HashMap::new();
    for sub in table.subtables.into_iter().take(MAX_SUBTABLES) {
        if !sub.is_unicode() {
            continue;
        }
        for range in probe_ranges(&sub) {
            for cp in range.clone() {
                let Some(g) = sub.glyph_index(cp) else {
                    continue;
                };
                if g.0 == 0 || char::from_u32(cp).is_none_or(char::is_control) {
                    continue;
                }
                let e = best.entry(g.0).or_insert(cp);
                if rank(cp) < rank(*e) {
                    *e = cp;
                }
            }
        }
    }
    best
}

/// Glyph id → text from the font's Unicode cmap subtables; `None` when the
/// program or its cmap cannot be read.
pub fn reverse_cmap(data: &[u8]) -> Option<HashMap<u16, String>> {
    let t = cmap_table(data)?;
    Some(
        reverse_of(&t)
            .into_iter()
            .filter_map(|(g, cp)| Some((g, char::from_u32(cp)?.to_string())))
            .collect(),
    )
}

/// For a simple TrueType font without encoding: code → text, through the
/// (3,0) or (1,0) subtable (code → glyph) and the Unicode subtables
/// (glyph → text). Without a Unicode subtable, (1,0) codes are Mac Roman.
pub fn simple_codes_to_text(data: &[u8]) -> Option<Vec<Option<String>>> {
    let t = cmap_table(data)?;
    let has_code_table = t.subtables.into_iter().take(MAX_SUBTABLES).any(|s| {
        s.encoding_id == 0 && matches!(s.platform_id, PlatformId::Windows | PlatformId::Macintosh)
    });
    if !has_code_table {
        return None;
    }
    let rev = reverse_of(&t);
    let mut out = vec![None; 256];
    for sub in t.subtables.into_iter().take(MAX_SUBTABLES) {
        let sym = sub.platform_id == PlatformId::Windows && sub.encoding_id == 0;
        let mac = sub.platform_id == PlatformId::Macintosh && sub.encoding_id == 0;
        if !sym && !mac {
            continue;
        }
        for (c, slot) in out.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            let c32 = c as u32;
            let g = if sym {
                sub.glyph_index(0xF000 + c32)
                    .or_else(|| sub.glyph_index(c32))
            } else {
                sub.glyph_index(c32)
            };
            let Some(g) = g else { continue };
            if let Some(cp) = rev.get(&g.0) {
                *slot = char::from_u32(*cp).map(String::from);
            } else if mac {
                *slot = super::glyphs::BaseEncoding::MacRoman
                    .char_of(c as u8)
                    .map(String::from);
            }
        }
    }
    Some(out)
}
