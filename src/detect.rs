//! Format and character-encoding detection from the bytes themselves.

use encoding_rs::Encoding;

use crate::model::Format;

/// The format of `bytes`, from their content (Office files by their
/// package structure, see [`crate::extract::office::detect`]). `None` for
/// data that is none of the formats torikumi reads (binary data).
pub fn format(bytes: &[u8]) -> Option<Format> {
    if let Some(f) = crate::extract::office::detect(bytes) {
        return Some(f);
    }
    let head = &bytes[..bytes.len().min(1024)];
    // A PDF header may follow some junk; readers accept it within the first KB.
    if find(head, b"%PDF-").is_some() {
        return Some(Format::Pdf);
    }
    let text_head = strip_bom(head);
    if looks_like_html(text_head) {
        return Some(Format::Html);
    }
    if looks_binary(bytes) {
        return None;
    }
    Some(Format::Text)
}

fn strip_bom(b: &[u8]) -> &[u8] {
    match Encoding::for_bom(b) {
        Some((_, n)) => &b[n..],
        None => b,
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn looks_like_html(head: &[u8]) -> bool {
    let lower: Vec<u8> = head
        .iter()
        .take(1024)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let trimmed = lower
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map(|i| &lower[i..])
        .unwrap_or(&[]);
    if trimmed.starts_with(b"<!doctype html") || trimmed.starts_with(b"<html") {
        return true;
    }
    [
        "<html", "<head", "<body", "<meta ", "<title>", "<table", "<div", "<p>",
    ]
    .iter()
    .any(|tag| find(&lower, tag.as_bytes()).is_some())
        && trimmed.first() == Some(&b'<')
}

/// True when the bytes hold control characters no text has (NUL and
/// friends), in more than a trace.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    // UTF-16 text has many NULs but a BOM; we do not read it as text here.
    let bad = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b)))
        .count();
    bad * 100 > sample.len()
        || sample.iter().filter(|&&b| b == 0).count() > 0 && bad * 1000 > sample.len()
}

/// How the character encoding of a text or HTML document was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP `Content-Type` header.
    Http,
    /// The document's own `<meta charset>` or `http-equiv` declaration.
    Meta,
    /// Guessed from the bytes (see [`guess`]).
    Detected,
}

/// The encoding of a document, and how it was found.
pub fn encoding(
    bytes: &[u8],
    http_charset: Option<&str>,
    html: bool,
) -> (&'static Encoding, EncodingSource) {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return (enc, EncodingSource::Bom);
    }
    if let Some(enc) = http_charset.and_then(|c| Encoding::for_label(c.trim().as_bytes())) {
        return (enc, EncodingSource::Http);
    }
    if html && let Some(enc) = meta_charset(bytes) {
        return (enc, EncodingSource::Meta);
    }
    (guess(bytes), EncodingSource::Detected)
}

/// How many non-ASCII bytes [`guess`] feeds chardetng before it decides.
const SAMPLE_NON_ASCII: usize = 4096;

/// Guesses the encoding of undeclared bytes. ISO-2022-JP by its escapes,
/// then valid UTF-8; then Shift_JIS or EUC-JP when only one of them reads as
/// Japanese; otherwise chardetng with the Japanese top-level domain as a hint.
pub fn guess(bytes: &[u8]) -> &'static Encoding {
    // ISO-2022-JP is 7-bit, so valid UTF-8 too: its escape sequences tell it apart.
    if bytes
        .windows(3)
        .any(|w| w == b"\x1b$B" || w == b"\x1b$@" || w == b"\x1b(J")
        && encoding_rs::ISO_2022_JP
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
    {
        return encoding_rs::ISO_2022_JP;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return encoding_rs::UTF_8;
    }
    if let Some(enc) = japanese(bytes) {
        return enc;
    }
    // ISO-2022-JP is 7-bit with ESC sequences; chardetng only reports it when allowed.
    // A sample holding a few thousand non-ASCII bytes (some 2,000 Japanese
    // characters) decides as well as the whole document does, and chardetng
    // costs more per byte than parsing the page.
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
    let mut non_ascii = 0usize;
    let mut chunks = bytes.chunks(4 * 1024).peekable();
    while let Some(chunk) = chunks.next() {
        non_ascii += chunk.iter().filter(|b| !b.is_ascii()).count();
        if chunks.peek().is_none() {
            det.feed(chunk, true);
            break;
        }
        if non_ascii >= SAMPLE_NON_ASCII {
            // A character cut in two would count against the right
            // encoding; where the chunk has no place to cut, the sample goes on.
            if let Some(head) = whole_characters(chunk) {
                det.feed(head, true);
                break;
            }
        }
        det.feed(chunk, false);
    }
    det.guess(Some(b"jp"), chardetng::Utf8Detection::Allow)
}

/// `bytes` up to and including their last byte below 0x40, which is never
/// part of a multi-byte character in UTF-8, Shift_JIS or EUC-JP: a prefix
/// that ends between characters. `None` when there is no such byte.
fn whole_characters(bytes: &[u8]) -> Option<&[u8]> {
    let last = bytes.iter().rposition(|&b| b < 0x40)?;
    Some(&bytes[..=last])
}

/// Shift_JIS or EUC-JP, when exactly one of them decodes the start of the
/// document without error into text that reads as Japanese: one in five
/// non-ASCII characters hiragana (particles and endings; Japanese prose
/// has far more), hardly any half-width katakana (what EUC-JP bytes become
/// when read as Shift_JIS). This settles the common undeclared page at a
/// fraction of chardetng's cost; anything else goes to chardetng.
fn japanese(bytes: &[u8]) -> Option<&'static Encoding> {
    const SAMPLE: usize = 64 * 1024;
    let sample = if bytes.len() <= SAMPLE {
        bytes
    } else {
        whole_characters(&bytes[..SAMPLE])?
    };
    let mut found = None;
    // The lead byte of every hiragana in each encoding: without it, the
    // sample cannot read as Japanese that way (and need not be decoded).
    for (enc, hiragana_lead) in [(encoding_rs::SHIFT_JIS, 0x82), (encoding_rs::EUC_JP, 0xA4)] {
        if !sample.contains(&hiragana_lead) {
            continue;
        }
        let Some(text) = enc.decode_without_bom_handling_and_without_replacement(sample) else {
            continue;
        };
        let (mut non_ascii, mut hiragana, mut half_kana) = (0usize, 0usize, 0usize);
        for c in text.chars().filter(|c| !c.is_ascii()) {
            non_ascii += 1;
            match c {
                '\u{3041}'..='\u{309f}' => hiragana += 1,
                '\u{ff61}'..='\u{ff9f}' => half_kana += 1,
                _ => {}
            }
        }
        if non_ascii >= 64 && hiragana * 5 >= non_ascii && half_kana * 20 < non_ascii {
            if found.is_some() {
                return None;
            }
            found = Some(enc);
        }
    }
    found
}

/// The charset an HTML document declares in its first 1024 bytes
/// (`<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">`),
/// as the WHATWG prescan finds it. UTF-16 declarations mean UTF-8, as browsers do.
pub fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut pos = 0;
    while let Some(i) = find(&lower[pos..], b"<meta") {
        let start = pos + i;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map(|e| start + e)
            .unwrap_or(lower.len());
        let tag = &lower[start..end];
        if let Some(c) = find(tag, b"charset") {
            let mut rest = &tag[c + 7..];
            while let Some((&b, r)) = rest.split_first() {
                if b.is_ascii_whitespace() || b == b'=' {
                    rest = r;
                } else {
                    break;
                }
            }
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let label: Vec<u8> = rest
                .iter()
                .copied()
                .take_while(|b| !matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                .collect();
            if let Some(enc) = Encoding::for_label(&label) {
                if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
                    return Some(encoding_rs::UTF_8);
                }
                if enc == encoding_rs::X_USER_DEFINED {
                    return Some(encoding_rs::WINDOWS_1252);
                }
                return Some(enc);
            }
        }
        pos = end.max(start + 1);
        if pos >= lower.len() {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_from_content() {
        assert_eq!(format(b"%PDF-1.7\n..."), Some(Format::Pdf));
        assert_eq!(format(b"<!DOCTYPE html><html></html>"), Some(Format::Html));
        assert_eq!(
            format(b"\xef\xbb\xbf<html><body>x</body></html>"),
            Some(Format::Html)
        );
        assert_eq!(
            format("取組の一覧\n○ 研修を開催".as_bytes()),
            Some(Format::Text)
        );
        assert_eq!(format(&[0u8; 100]), None);
        assert_eq!(
            format(&[
                0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0, 1, 0, 0,
                0
            ]),
            None
        );
    }

    #[test]
    fn meta_declarations() {
        let sjis = br#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS"></head>"#;
        assert_eq!(meta_charset(sjis), Some(encoding_rs::SHIFT_JIS));
        assert_eq!(
            meta_charset(b"<meta charset='euc-jp'>"),
            Some(encoding_rs::EUC_JP)
        );
        assert_eq!(
            meta_charset(b"<META CHARSET=utf-8>"),
            Some(encoding_rs::UTF_8)
        );
        assert_eq!(
            meta_charset(b"<meta charset=\"windows-31j\">"),
            Some(encoding_rs::SHIFT_JIS)
        );
        assert_eq!(meta_charset(b"<meta name=x>"), None);
    }

    #[test]
    fn undeclared_japanese_is_detected() {
        let text = "北海道の地域づくりを支援する取組の一覧です。市町村との連携を強化します。";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let (euc, _, _) = encoding_rs::EUC_JP.encode(text);
        let (jis, _, _) = encoding_rs::ISO_2022_JP.encode(text);
        assert_eq!(guess(&sjis), encoding_rs::SHIFT_JIS);
        assert_eq!(guess(&euc), encoding_rs::EUC_JP);
        assert_eq!(guess(&jis), encoding_rs::ISO_2022_JP);
        assert_eq!(guess(text.as_bytes()), encoding_rs::UTF_8);
    }

    #[test]
    fn long_undeclared_japanese_is_detected_from_a_sample() {
        // Long enough that only a sample is fed to the detector, with lines
        // of odd lengths so that chunk boundaries fall inside characters.
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(&"北海道の取組を推進します。"[..3 * (1 + i % 13)]);
            text.push('\n');
        }
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
        let (euc, _, _) = encoding_rs::EUC_JP.encode(&text);
        assert!(euc.len() > 8 * SAMPLE_NON_ASCII);
        assert_eq!(guess(&sjis), encoding_rs::SHIFT_JIS);
        assert_eq!(guess(&euc), encoding_rs::EUC_JP);
        // Without any line break to cut at.
        let flat = text.replace('\n', "");
        let (euc, _, _) = encoding_rs::EUC_JP.encode(&flat);
        assert_eq!(guess(&euc), encoding_rs::EUC_JP);
    }

    #[test]
    fn latin_text_is_not_taken_for_japanese() {
        // "é" followed by a letter is a valid Shift_JIS double-byte character:
        // the text decodes without error but holds no hiragana.
        let text = "Les cafés réputés sont prés des étés. ".repeat(40);
        let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(&text);
        assert!(
            encoding_rs::SHIFT_JIS
                .decode_without_bom_handling_and_without_replacement(&latin)
                .is_some()
        );
        assert_eq!(japanese(&latin), None);
    }

    proptest::proptest! {
        /// Any bytes get an encoding, without panicking; Japanese text
        /// encoded either way round is told apart, whatever its length.
        #[test]
        fn guesses_any_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..70_000)) {
            let _ = guess(&bytes);
        }

        #[test]
        fn japanese_round_trips(
            parts in proptest::collection::vec("[一-龠ァ-ン]{1,4}[ぁ-ん]{1,3}[、。 \na-z0-9]?", 40..200)
        ) {
            let text = parts.concat();
            let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
            let (euc, _, _) = encoding_rs::EUC_JP.encode(&text);
            proptest::prop_assert_eq!(guess(&sjis), encoding_rs::SHIFT_JIS);
            proptest::prop_assert_eq!(guess(&euc), encoding_rs::EUC_JP);
        }
    }
}
