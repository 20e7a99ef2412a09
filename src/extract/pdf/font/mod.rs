//! PDF fonts: from a font dictionary to a decoder of content-stream strings
//! into Unicode text with glyph widths.
//!
//! Interface stub: every byte decodes as Latin-1 with a width of 0.5 em.
//! The real decoder (ToUnicode, simple encodings, predefined Japanese CMaps,
//! Adobe-Japan1, TrueType cmap) replaces the body, not the interface.

use crate::limits::Limits;

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

/// A font resource, ready to decode strings.
#[derive(Debug, Clone)]
pub struct Font {
    vertical: bool,
}

impl Font {
    /// Builds a decoder from a font dictionary. Problems (a broken CMap, an
    /// unknown encoding) are pushed to `warnings`; a font always results, in the
    /// worst case one that decodes to U+FFFD.
    pub fn load(
        doc: &lopdf::Document,
        font: &lopdf::Dictionary,
        limits: &Limits,
        warnings: &mut Vec<String>,
    ) -> Font {
        let _ = (doc, font, limits, warnings);
        Font { vertical: false }
    }

    /// Decodes a string operand of Tj / TJ / ' / " into glyphs, appended to `out`.
    pub fn decode(&self, bytes: &[u8], out: &mut Vec<DecodedGlyph>) {
        out.extend(bytes.iter().map(|&b| DecodedGlyph {
            code: b as u32,
            code_len: 1,
            text: char::from(b).to_string(),
            width: 0.5,
            vertical_advance: -1.0,
            is_word_space: b == b' ',
        }));
    }

    /// True for vertical writing mode (WMode 1: Identity-V, -V CMaps).
    pub fn is_vertical(&self) -> bool {
        self.vertical
    }

    /// The FontMatrix of a Type 3 font (glyph space → text space), `None` for
    /// other fonts (whose matrix is the fixed 1/1000 scale, already applied to widths).
    pub fn type3_matrix(&self) -> Option<[f32; 6]> {
        None
    }
}
