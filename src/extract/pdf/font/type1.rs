//! Built-in encodings of embedded Type 1 (FontFile) and CFF (FontFile3
//! /Type1C) programs, used when the PDF names no base encoding (TeX fonts
//! such as CMR10 rely on them).

/// Most tokens scanned in a Type 1 clear-text part.
const MAX_TOKENS: usize = 100_000;

/// Glyph names by code from a Type 1 program's `/Encoding` array
/// (`dup 65 /A put`); `None` for `StandardEncoding` or no array.
pub fn type1_builtin(data: &[u8]) -> Option<Vec<Option<Vec<u8>>>> {
    // The encoding lives in the clear-text part, before `eexec`.
    let end = find(data, b"eexec").unwrap_or(data.len());
    let clear = &data[..end];
    let start = find(clear, b"/Encoding")? + b"/Encoding".len();
    let rest = &clear[start..];
    let mut toks = rest
        .split(|b| b.is_ascii_whitespace() || *b == b'[' || *b == b']')
        .filter(|t| !t.is_empty())
        .take(MAX_TOKENS);
    let first = toks.next()?;
    if first == b"StandardEncoding" {
        return None;
    }
    let mut out: Vec<Option<Vec<u8>>> = vec![None; 256];
    let mut any = false;
    let mut prev: [&[u8]; 3] = [b"", b"", b""];
    for t in toks {
        // `readonly def` (or a bare `def`) closes the array.
        if t == b"def" {
            break;
        }
        if t == b"put"
            && prev[0] == b"dup"
            && let Some(code) = std::str::from_utf8(prev[1])
                .ok()
                .and_then(|s| s.parse::<u8>().ok())
            && let Some(name) = prev[2].strip_prefix(b"/")
        {
            out[usize::from(code)] = Some(name.to_vec());
            any = true;
        }
        prev = [prev[1], prev[2], t];
    }
    any.then_some(out)
}

/// Glyph names by code from a bare CFF font's encoding and charset.
pub fn cff_builtin(data: &[u8]) -> Option<Vec<Option<Vec<u8>>>> {
    let t = ttf_parser::cff::Table::parse(data)?;
    let mut out: Vec<Option<Vec<u8>>> = vec![None; 256];
    let mut any = false;
    for (code, slot) in out.iter_mut().enumerate() {
        if let Some(g) = t.glyph_index(code as u8).filter(|g| g.0 != 0)
            && let Some(name) = t.glyph_name(g)
        {
            *slot = Some(name.as_bytes().to_vec());
            any = true;
        }
    }
    any.then_some(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type1_encoding_array() {
        let prog = b"%!PS-AdobeFont-1.0: CMR10\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 11 /ff put\ndup 65 /A put\nreadonly def\ncurrentfile eexec\x80\x81";
        let e = type1_builtin(prog).unwrap();
        assert_eq!(e[11].as_deref(), Some(&b"ff"[..]));
        assert_eq!(e[65].as_deref(), Some(&b"A"[..]));
        assert_eq!(e[66], None);
        assert!(type1_builtin(b"/Encoding StandardEncoding def").is_none());
        assert!(type1_builtin(b"garbage \xff").is_none());
        assert!(cff_builtin(b"\x01\x00\x04").is_none());
    }
}
