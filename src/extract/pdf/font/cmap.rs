//! CMap streams: ToUnicode maps (`bfchar`, `bfrange`) and embedded encoding
//! CMaps (`cidchar`, `cidrange`), with their code-space ranges and WMode.
//!
//! The parser is a small tokenizer plus a section state machine; it never
//! runs PostScript. Every loop consumes input, and the number of stored
//! entries is capped, so a hostile stream costs at most linear time and
//! bounded memory.

use std::collections::HashMap;

/// Most `bfchar`/`cidchar` entries kept from one CMap.
const MAX_CHARS: usize = 200_000;
/// Most `bfrange`/`cidrange` entries kept from one CMap.
const MAX_RANGES: usize = 100_000;
/// Most destination strings kept from all `bfrange` arrays of one CMap.
const MAX_ARRAY_ITEMS: usize = 200_000;
/// Longest destination string kept (UTF-16 code units); longer ones are garbage.
const MAX_DST_UNITS: usize = 64;

/// One code-space range: codes of `len` bytes whose bytes lie, byte by byte,
/// between those of `lo` and `hi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodespaceRange {
    /// Number of bytes of the codes.
    pub len: u8,
    /// Lowest bytes.
    pub lo: [u8; 4],
    /// Highest bytes.
    pub hi: [u8; 4],
}

/// How a string splits into character codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Codespace {
    /// The ranges; empty means "one byte per code".
    pub ranges: Vec<CodespaceRange>,
}

impl Codespace {
    /// Every code is one byte.
    pub fn one_byte() -> Codespace {
        Codespace { ranges: Vec::new() }
    }

    /// Every code is two bytes (Identity-H/V, UCS-2).
    pub fn two_bytes() -> Codespace {
        Codespace {
            ranges: vec![range(2, &[0, 0], &[0xff, 0xff])],
        }
    }

    /// Reads the next code from `bytes` (not empty): returns (code, length).
    /// A byte sequence matching no range takes the shortest code length present,
    /// as PDF readers commonly do, so decoding always advances.
    pub fn next_code(&self, bytes: &[u8]) -> (u32, usize) {
        if self.ranges.is_empty() {
            return (u32::from(bytes[0]), 1);
        }
        for n in 1..=4usize {
            if n > bytes.len() {
                break;
            }
            let hit = self.ranges.iter().any(|r| {
                usize::from(r.len) == n
                    && (0..n).all(|i| bytes[i] >= r.lo[i] && bytes[i] <= r.hi[i])
            });
            if hit {
                return (be(&bytes[..n]), n);
            }
        }
        let min = self
            .ranges
            .iter()
            .map(|r| usize::from(r.len))
            .min()
            .unwrap_or(1)
            .clamp(1, 4);
        let n = min.min(bytes.len());
        (be(&bytes[..n]), n)
    }
}

/// Builds a code-space range from byte slices of equal length (1 to 4).
pub fn range(len: u8, lo: &[u8], hi: &[u8]) -> CodespaceRange {
    let mut r = CodespaceRange {
        len,
        lo: [0; 4],
        hi: [0; 4],
    };
    for (i, (&a, &b)) in lo.iter().zip(hi.iter()).take(4).enumerate() {
        r.lo[i] = a;
        r.hi[i] = b;
    }
    r
}

fn be(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b))
}

/// Destination of a `bfrange`.
#[derive(Debug, Clone)]
enum RangeDst {
    /// The first code maps to these UTF-16 units; later codes increment the last unit.
    Start(Vec<u16>),
    /// Index of the first of `hi - lo + 1` strings in `array_items`.
    Array(usize),
}

#[derive(Debug, Clone)]
struct BfRange {
    lo: u32,
    hi: u32,
    dst: RangeDst,
}

/// A parsed CMap.
#[derive(Debug, Clone, Default)]
pub struct CMap {
    /// The code-space ranges, in stream order.
    pub codespace: Vec<CodespaceRange>,
    /// WMode (1 = vertical).
    pub wmode: i64,
    /// Name given to `usecmap`, if any (a predefined CMap this one extends).
    pub usecmap: Option<Vec<u8>>,
    chars: HashMap<u32, String>,
    ranges: Vec<BfRange>,
    array_items: Vec<String>,
    cid_chars: HashMap<u32, u32>,
    cid_ranges: Vec<(u32, u32, u32)>,
    /// Entries dropped because a cap was reached.
    pub dropped: usize,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Hex(Vec<u8>),
    Name(Vec<u8>),
    Num(i64),
    Kw(Vec<u8>),
    ArrOpen,
    ArrClose,
    Other,
}

struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

impl Lexer<'_> {
    fn next(&mut self) -> Option<Tok> {
        let s = self.s;
        loop {
            while self.i < s.len() && s[self.i].is_ascii_whitespace()
                || self.i < s.len() && s[self.i] == 0
            {
                self.i += 1;
            }
            if self.i >= s.len() {
                return None;
            }
            if s[self.i] == b'%' {
                while self.i < s.len() && s[self.i] != b'\n' && s[self.i] != b'\r' {
                    self.i += 1;
                }
                continue;
            }
            break;
        }
        let c = s[self.i];
        match c {
            b'<' => {
                if s.get(self.i + 1) == Some(&b'<') {
                    self.i += 2;
                    return Some(Tok::Other);
                }
                self.i += 1;
                let mut out = Vec::new();
                let mut hi: Option<u8> = None;
                while self.i < s.len() && s[self.i] != b'>' {
                    if let Some(v) = hex_val(s[self.i]) {
                        match hi.take() {
                            Some(h) => out.push(h << 4 | v),
                            None => hi = Some(v),
                        }
                    }
                    self.i += 1;
                }
                self.i += 1; // the '>' (or past the end)
                if let Some(h) = hi {
                    out.push(h << 4);
                }
                Some(Tok::Hex(out))
            }
            b'>' => {
                self.i += if s.get(self.i + 1) == Some(&b'>') {
                    2
                } else {
                    1
                };
                Some(Tok::Other)
            }
            b'[' => {
                self.i += 1;
                Some(Tok::ArrOpen)
            }
            b']' => {
                self.i += 1;
                Some(Tok::ArrClose)
            }
            b'(' => {
                // Literal string: kept as raw bytes (rare in CMaps; treated like hex).
                self.i += 1;
                let mut depth = 1u32;
                let mut out = Vec::new();
                while self.i < s.len() {
                    let b = s[self.i];
                    self.i += 1;
                    match b {
                        b'\\' => {
                            if let Some(&n) = s.get(self.i) {
                                self.i += 1;
                                out.push(match n {
                                    b'n' => b'\n',
                                    b'r' => b'\r',
                                    b't' => b'\t',
                                    _ => n,
                                });
                            }
                        }
                        b'(' => {
                            depth += 1;
                            out.push(b);
                        }
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            out.push(b);
                        }
                        _ => out.push(b),
                    }
                }
                Some(Tok::Hex(out))
            }
            b'/' => {
                self.i += 1;
                let st = self.i;
                while self.i < s.len() && !s[self.i].is_ascii_whitespace() && !is_delim(s[self.i]) {
                    self.i += 1;
                }
                Some(Tok::Name(s[st..self.i].to_vec()))
            }
            b'{' | b'}' | b')' => {
                self.i += 1;
                Some(Tok::Other)
            }
            _ => {
                let st = self.i;
                while self.i < s.len() && !s[self.i].is_ascii_whitespace() && !is_delim(s[self.i]) {
                    self.i += 1;
                }
                if self.i == st {
                    self.i += 1;
                    return Some(Tok::Other);
                }
                let w = &s[st..self.i];
                if let Some(n) = std::str::from_utf8(w)
                    .ok()
                    .and_then(|t| t.parse::<i64>().ok())
                {
                    Some(Tok::Num(n))
                } else {
                    Some(Tok::Kw(w.to_vec()))
                }
            }
        }
    }
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Section {
    None,
    Codespace,
    BfChar,
    BfRange,
    CidChar,
    CidRange,
    NotDef,
}

/// UTF-16BE bytes to code units; an odd trailing byte is dropped.
fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
        .collect()
}

/// Destination bytes of a ToUnicode entry to text. One byte destinations are
/// taken as Latin-1 (a common producer mistake); the rest as UTF-16BE, with
/// lone surrogates replaced.
pub fn dst_to_string(bytes: &[u8]) -> String {
    if bytes.len() == 1 {
        return char::from(bytes[0]).to_string();
    }
    let units = utf16_units(bytes);
    char::decode_utf16(units.iter().copied().take(MAX_DST_UNITS))
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

impl CMap {
    /// Parses a CMap program. Never fails: what cannot be read is skipped.
    pub fn parse(data: &[u8]) -> CMap {
        let mut cm = CMap::default();
        let mut lx = Lexer { s: data, i: 0 };
        let mut sec = Section::None;
        let mut buf: Vec<Tok> = Vec::new();
        let mut prev: Option<Tok> = None;
        let mut in_array: Option<Vec<String>> = None;
        while let Some(t) = lx.next() {
            if let Tok::Kw(k) = &t {
                let k = k.as_slice();
                let new_sec = match k {
                    b"begincodespacerange" => Some(Section::Codespace),
                    b"beginbfchar" => Some(Section::BfChar),
                    b"beginbfrange" => Some(Section::BfRange),
                    b"begincidchar" => Some(Section::CidChar),
                    b"begincidrange" => Some(Section::CidRange),
                    b"beginnotdefchar" | b"beginnotdefrange" => Some(Section::NotDef),
                    _ => None,
                };
                if let Some(ns) = new_sec {
                    sec = ns;
                    buf.clear();
                    in_array = None;
                    prev = None;
                    continue;
                }
                if k.starts_with(b"end") && sec != Section::None {
                    sec = Section::None;
                    buf.clear();
                    in_array = None;
                    prev = None;
                    continue;
                }
                if k == b"usecmap"
                    && let Some(Tok::Name(n)) = &prev
                {
                    cm.usecmap = Some(n.clone());
                }
                if k == b"def" {
                    // `/WMode 1 def` arrives as Name, Num, def.
                    if let (Some(Tok::Num(n)), Some(Tok::Name(name))) = (&prev, buf.last())
                        && name == b"WMode"
                    {
                        cm.wmode = *n;
                    }
                }
            }
            match sec {
                Section::None | Section::NotDef => {
                    // Remember the last two tokens for `/WMode 1 def` and `/Name usecmap`.
                    if let Some(p) = prev.take() {
                        buf.clear();
                        buf.push(p);
                    }
                    prev = Some(t);
                }
                Section::Codespace => {
                    if let Tok::Hex(_) = t {
                        buf.push(t);
                    }
                    if buf.len() == 2 {
                        if let (Tok::Hex(lo), Tok::Hex(hi)) = (&buf[0], &buf[1])
                            && !lo.is_empty()
                            && lo.len() <= 4
                            && lo.len() == hi.len()
                            && cm.codespace.len() < 1000
                        {
                            cm.codespace.push(range(lo.len() as u8, lo, hi));
                        }
                        buf.clear();
                    }
                }
                Section::BfChar => {
                    match t {
                        Tok::Hex(_) | Tok::Name(_) => buf.push(t),
                        _ => {}
                    }
                    if buf.len() == 2 {
                        if let Tok::Hex(src) = &buf[0]
                            && !src.is_empty()
                            && src.len() <= 4
                        {
                            let text = match &buf[1] {
                                Tok::Hex(d) => Some(dst_to_string(d)),
                                Tok::Name(n) => super::glyphs::name_to_unicode(n),
                                _ => None,
                            };
                            if let Some(text) = text {
                                if cm.chars.len() < MAX_CHARS {
                                    cm.chars.insert(be(src), text);
                                } else {
                                    cm.dropped += 1;
                                }
                            }
                        }
                        buf.clear();
                    }
                }
                Section::BfRange => {
                    if let Some(items) = in_array.as_mut() {
                        match t {
                            Tok::Hex(d) if items.len() < MAX_ARRAY_ITEMS => {
                                items.push(dst_to_string(&d));
                            }
                            Tok::Name(n) => {
                                items.push(super::glyphs::name_to_unicode(&n).unwrap_or_default())
                            }
                            Tok::ArrClose => {
                                let items = in_array.take().unwrap_or_default();
                                cm.push_array_range(&buf, items);
                                buf.clear();
                            }
                            _ => {}
                        }
                        continue;
                    }
                    match t {
                        Tok::Hex(_) => buf.push(t),
                        Tok::ArrOpen if buf.len() == 2 => {
                            in_array = Some(Vec::new());
                            continue;
                        }
                        _ => {}
                    }
                    if buf.len() == 3 {
                        if let (Tok::Hex(lo), Tok::Hex(hi), Tok::Hex(d)) =
                            (&buf[0], &buf[1], &buf[2])
                            && valid_src(lo, hi)
                        {
                            if cm.ranges.len() < MAX_RANGES {
                                let units = utf16_units(d);
                                let units = if d.len() == 1 {
                                    vec![u16::from(d[0])]
                                } else {
                                    units
                                };
                                if !units.is_empty() && units.len() <= MAX_DST_UNITS {
                                    cm.ranges.push(BfRange {
                                        lo: be(lo),
                                        hi: be(hi),
                                        dst: RangeDst::Start(units),
                                    });
                                }
                            } else {
                                cm.dropped += 1;
                            }
                        }
                        buf.clear();
                    }
                }
                Section::CidChar | Section::CidRange => {
                    let need = if sec == Section::CidChar { 2 } else { 3 };
                    match t {
                        Tok::Hex(_) | Tok::Num(_) => buf.push(t),
                        _ => {}
                    }
                    if buf.len() == need {
                        if sec == Section::CidChar {
                            if let (Tok::Hex(src), Tok::Num(cid)) = (&buf[0], &buf[1])
                                && !src.is_empty()
                                && src.len() <= 4
                                && (0..=0xffff).contains(cid)
                            {
                                if cm.cid_chars.len() < MAX_CHARS {
                                    cm.cid_chars.insert(be(src), *cid as u32);
                                } else {
                                    cm.dropped += 1;
                                }
                            }
                        } else if let (Tok::Hex(lo), Tok::Hex(hi), Tok::Num(cid)) =
                            (&buf[0], &buf[1], &buf[2])
                            && valid_src(lo, hi)
                            && (0..=0xffff).contains(cid)
                        {
                            if cm.cid_ranges.len() < MAX_RANGES {
                                cm.cid_ranges.push((be(lo), be(hi), *cid as u32));
                            } else {
                                cm.dropped += 1;
                            }
                        }
                        buf.clear();
                    }
                }
            }
        }
        cm.ranges.sort_by_key(|r| r.lo);
        cm.cid_ranges.sort_by_key(|r| r.0);
        cm
    }

    fn push_array_range(&mut self, buf: &[Tok], items: Vec<String>) {
        if let [Tok::Hex(lo), Tok::Hex(hi)] = buf {
            if !valid_src(lo, hi)
                || self.ranges.len() >= MAX_RANGES
                || self.array_items.len() >= MAX_ARRAY_ITEMS
            {
                self.dropped += 1;
                return;
            }
            let (lo, hi) = (be(lo), be(hi));
            // Only as many codes as the array has strings: a range 0000-FFFF
            // with a short array costs nothing extra.
            let n = (hi - lo).saturating_add(1).min(items.len() as u32);
            if n == 0 {
                return;
            }
            let start = self.array_items.len();
            let room = MAX_ARRAY_ITEMS - start;
            let n = n.min(room as u32);
            self.array_items.extend(items.into_iter().take(n as usize));
            self.ranges.push(BfRange {
                lo,
                hi: lo + n - 1,
                dst: RangeDst::Array(start),
            });
        }
    }

    /// Number of mappings to Unicode (chars plus ranges).
    pub fn unicode_entries(&self) -> usize {
        self.chars.len() + self.ranges.len()
    }

    /// True when the CMap maps codes to CIDs (an encoding CMap).
    pub fn has_cids(&self) -> bool {
        !self.cid_chars.is_empty() || !self.cid_ranges.is_empty()
    }

    /// The Unicode text of a code, if mapped.
    pub fn lookup(&self, code: u32) -> Option<String> {
        if let Some(s) = self.chars.get(&code) {
            return Some(s.clone());
        }
        let r = find_range(&self.ranges, code, |r| (r.lo, r.hi))?;
        let off = code - r.lo;
        match &r.dst {
            RangeDst::Array(start) => self.array_items.get(start + off as usize).cloned(),
            RangeDst::Start(units) => {
                let mut u = units.clone();
                let last = u.last_mut()?;
                // Offsets beyond the last unit's room wrap into nonsense; stop there.
                *last = last.checked_add(u16::try_from(off).ok()?)?;
                Some(
                    char::decode_utf16(u)
                        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                        .collect(),
                )
            }
        }
    }

    /// The CID of a code, if mapped.
    pub fn cid(&self, code: u32) -> Option<u32> {
        if let Some(&c) = self.cid_chars.get(&code) {
            return Some(c);
        }
        let r = find_range(&self.cid_ranges, code, |r| (r.0, r.1))?;
        r.2.checked_add(code - r.0).filter(|&c| c <= 0xffff)
    }

    /// Iterates over all single mappings (for garbage checks): a bounded sample.
    pub fn sample_texts(&self, max: usize) -> Vec<String> {
        let mut v: Vec<String> = self.chars.values().take(max).cloned().collect();
        for r in self.ranges.iter().take(max.saturating_sub(v.len())) {
            if let Some(s) = self.lookup(r.lo) {
                v.push(s);
            }
        }
        v
    }
}

fn valid_src(lo: &[u8], hi: &[u8]) -> bool {
    !lo.is_empty() && lo.len() <= 4 && hi.len() == lo.len() && be(lo) <= be(hi)
}

/// Finds the range containing `code` in a list sorted by start. Ranges rarely
/// overlap; a few earlier ones are checked in case they do.
fn find_range<T>(v: &[T], code: u32, key: impl Fn(&T) -> (u32, u32)) -> Option<&T> {
    let idx = v.partition_point(|r| key(r).0 <= code);
    v[..idx].iter().rev().take(16).find(|r| {
        let (lo, hi) = key(r);
        lo <= code && code <= hi
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bfchar_bfrange_array_surrogates() {
        let src = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0010> <D842DFB7>
<0011> <00660069>
endbfchar
2 beginbfrange
<0020> <0022> <3042>
<0030> <0032> [<65E5> <672C> <8A9E>]
endbfrange
endcmap";
        let cm = CMap::parse(src);
        assert_eq!(cm.codespace.len(), 1);
        assert_eq!(cm.lookup(3).as_deref(), Some(" "));
        assert_eq!(cm.lookup(0x10).as_deref(), Some("\u{20BB7}"));
        assert_eq!(cm.lookup(0x11).as_deref(), Some("fi"));
        assert_eq!(cm.lookup(0x21).as_deref(), Some("\u{3043}"));
        assert_eq!(cm.lookup(0x22).as_deref(), Some("\u{3044}"));
        assert_eq!(cm.lookup(0x23), None);
        assert_eq!(cm.lookup(0x31).as_deref(), Some("本"));
        assert_eq!(cm.lookup(0x33), None);
    }

    #[test]
    fn codespace_mixed_lengths() {
        let cm = CMap::parse(b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange");
        let cs = Codespace {
            ranges: cm.codespace,
        };
        assert_eq!(cs.next_code(b"A\x82\xa0"), (0x41, 1));
        assert_eq!(cs.next_code(b"\x82\xa0"), (0x82a0, 2));
        // No match: shortest length, so decoding advances.
        assert_eq!(cs.next_code(b"\xff\x00"), (0xff, 1));
    }

    #[test]
    fn huge_array_range_is_cheap() {
        let cm = CMap::parse(b"1 beginbfrange <00000000> <FFFFFFFF> [<0041> <0042>] endbfrange");
        assert_eq!(cm.lookup(1).as_deref(), Some("B"));
        assert_eq!(cm.lookup(2), None);
        assert_eq!(cm.lookup(0xffff_fffe), None);
    }

    #[test]
    fn cid_ranges_and_wmode() {
        let cm = CMap::parse(b"/WMode 1 def /90ms-RKSJ-H usecmap 1 begincidrange <8140> <817e> 633 endcidrange 1 begincidchar <20> 231 endcidchar");
        assert_eq!(cm.wmode, 1);
        assert_eq!(cm.usecmap.as_deref(), Some(&b"90ms-RKSJ-H"[..]));
        assert_eq!(cm.cid(0x8141), Some(634));
        assert_eq!(cm.cid(0x20), Some(231));
        assert_eq!(cm.cid(0x21), None);
    }

    #[test]
    fn garbage_never_panics() {
        for data in [
            &b"beginbfrange <> <> [ <"[..],
            b"beginbfchar <0",
            b"begincidrange <ff> <00> -5",
            b"((((\\",
            b"<<>>][}{",
        ] {
            let cm = CMap::parse(data);
            let _ = cm.lookup(0);
        }
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_cmaps_never_panic(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400), code in 0u32..0x1_0000) {
            let cm = CMap::parse(&data);
            let _ = cm.lookup(code);
            let _ = cm.cid(code);
            let cs = Codespace { ranges: cm.codespace.clone() };
            if !data.is_empty() {
                let (_, n) = cs.next_code(&data);
                proptest::prop_assert!((1..=4).contains(&n) && n <= data.len());
            }
        }

        #[test]
        fn mutated_cmaps_never_panic(pos in 0usize..300, byte in proptest::prelude::any::<u8>()) {
            let mut data = b"2 begincodespacerange <00> <80> <8140> <FFFF> endcodespacerange 2 beginbfrange <0000> <00ff> <3042> <8140> <8145> [<0041> <D842DFB7>] endbfrange 1 beginbfchar <20> <0020> endbfchar".to_vec();
            let p = pos % data.len();
            data[p] = byte;
            let cm = CMap::parse(&data);
            for code in [0u32, 0x20, 0x41, 0x8141, 0x8145, 0xffff] {
                let _ = cm.lookup(code);
            }
        }
    }
}
