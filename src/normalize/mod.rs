//! Text normalization as SPEC.md defines it: NFKC for width and compatibility
//! forms, minus what Japanese reports need kept (circled and parenthesized
//! numbers), plus what NFKC misses but PDFs produce (CJK Radicals Supplement,
//! U+2027), line joining and white-space collapsing.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

mod radicals;

/// Characters NFKC would destroy but readers need as printed:
/// ①–⑳ (U+2460–2473) and ⑴–⒇ (U+2474–2487). NFKC makes "①2020年度" "12020年度".
fn kept_as_printed(c: char) -> bool {
    ('\u{2460}'..='\u{2487}').contains(&c)
}

/// Maps a character NFKC leaves alone but PDFs emit in place of an ideograph
/// or a middle dot.
fn fix_after_nfkc(c: char) -> char {
    match c {
        '\u{2027}' => '・',
        '\u{2E80}'..='\u{2EFF}' => radicals::RADICALS_SUPPLEMENT
            .binary_search_by_key(&c, |&(from, _)| from)
            .map(|i| radicals::RADICALS_SUPPLEMENT[i].1)
            .unwrap_or(c),
        _ => c,
    }
}

/// NFKC with torikumi's exceptions, without touching white space.
///
/// ```
/// use torikumi::normalize::nfkc;
/// assert_eq!(nfkc("ＤＸ推進Ａ－０１ ｶﾀｶﾅ"), "DX推進A-01 カタカナ");
/// assert_eq!(nfkc("①2020年度"), "①2020年度");
/// assert_eq!(nfkc("⽇本の⻘"), "日本の青");
/// assert_eq!(nfkc("R4.7～R5.7"), "R4.7~R5.7");
/// ```
pub fn nfkc(s: &str) -> String {
    nfkc_cow(s).into_owned()
}

/// [`nfkc`], borrowing `s` when it is normalized already: most lines are,
/// and a one-line page of 100 MB is then not held twice.
fn nfkc_cow(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    // Runs of characters that NFKC leaves as they are (ASCII, kana, unified
    // ideographs) are copied; only the rest goes through the normalizer. Most
    // of a Japanese text is such runs, so this is several times faster.
    // `out` is made at the first run the normalizer changes; until then the
    // text so far is `s` as it is.
    let mut out: Option<String> = None;
    // s[copy_from..i] is a run kept as it is, s[pending..copy_from] is not.
    let mut pending: Option<usize> = None;
    let mut copy_from = 0;
    let normalized = |run: &str, out: &mut Option<String>, start: usize| {
        let n = run.nfkc().map(fix_after_nfkc);
        match out {
            Some(o) => o.extend(n),
            None if n.clone().eq(run.chars()) => {}
            None => {
                let mut o = String::with_capacity(s.len());
                o.push_str(&s[..start]);
                o.extend(n);
                *out = Some(o);
            }
        }
    };
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next_combines = chars.peek().is_some_and(|&(_, n)| is_combining(n));
        if kept_as_printed(c) || (nfkc_stable(c) && !next_combines) {
            if let Some(start) = pending.take() {
                normalized(&s[start..i], &mut out, start);
                copy_from = i;
            }
        } else if pending.is_none() {
            if let Some(o) = &mut out {
                o.push_str(&s[copy_from..i]);
            }
            pending = Some(i);
        }
    }
    match pending {
        Some(start) => normalized(&s[start..], &mut out, start),
        None => {
            if let Some(o) = &mut out {
                o.push_str(&s[copy_from..]);
            }
        }
    }
    match out {
        Some(o) => Cow::Owned(o),
        None => Cow::Borrowed(s),
    }
}

/// Characters NFKC maps to themselves whatever precedes them (when no
/// combining mark follows).
fn nfkc_stable(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}' | '\u{4E00}'..='\u{9FFF}' | '\u{3001}'..='\u{3002}' | '\u{300C}'..='\u{300F}')
}

/// Combining marks (which NFKC may compose with the character before them).
fn is_combining(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{3099}'..='\u{309A}' | '\u{FF9E}'..='\u{FF9F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// Whether `c` is a Japanese character for line joining and spacing:
/// kana, ideographs, and full-width punctuation and brackets.
pub fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}'   // CJK punctuation
        | '\u{3040}'..='\u{30FF}' // kana
        | '\u{31F0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FF60}' // full-width forms
        | '\u{2460}'..='\u{24FF}' // circled numbers
        | '\u{25A0}'..='\u{25FF}' // ■ ○ ◆ ...
        | '\u{2010}'..='\u{2027}' // dashes, quotes, bullets
        | '\u{20000}'..='\u{3FFFF}')
}

/// Collapses every run of white space (U+3000 included) to one ASCII space
/// and trims the ends.
///
/// ```
/// assert_eq!(torikumi::normalize::collapse_space("  令和　４年度 \n x "), "令和 ４年度 x");
/// ```
pub fn collapse_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = false;
    // s[run..i] is a run of non-space characters not yet copied.
    let mut run = 0;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
            if run < i {
                if pending && !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(&s[run..i]);
            }
            pending = true;
            run = i + c.len_utf8();
        }
    }
    if run < s.len() {
        if pending && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s[run..]);
    }
    out
}

/// Appends `next` to `acc` as the continuation of a line broken by layout:
/// no space between two Japanese characters (or Japanese and anything else),
/// one space between two Latin words.
///
/// ```
/// let mut s = String::from("在宅");
/// torikumi::normalize::join_broken(&mut s, "医療を提供");
/// assert_eq!(s, "在宅医療を提供");
/// let mut s = String::from("Hokkaido");
/// torikumi::normalize::join_broken(&mut s, "Expanding");
/// assert_eq!(s, "Hokkaido Expanding");
/// ```
pub fn join_broken(acc: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    let acc_trim = acc.trim_end().len();
    acc.truncate(acc_trim);
    if let (Some(a), Some(b)) = (acc.chars().next_back(), next.chars().next())
        && needs_space(a, b)
    {
        acc.push(' ');
    }
    acc.push_str(next);
}

/// Appends a new logical line to `acc`, separated by one space.
pub fn join_logical(acc: &mut String, next: &str) {
    let next = next.trim();
    if next.is_empty() {
        return;
    }
    let acc_trim = acc.trim_end().len();
    acc.truncate(acc_trim);
    if !acc.is_empty() {
        acc.push(' ');
    }
    acc.push_str(next);
}

fn needs_space(a: char, b: char) -> bool {
    let latin = |c: char| c.is_ascii_alphanumeric() || matches!(c, '\u{00C0}'..='\u{024F}');
    (latin(a) && latin(b))
        || (matches!(a, ',' | '.' | ';' | ':' | '!' | '?') && latin(b) && !b.is_ascii_digit())
}

/// The full normalization of a piece of text: NFKC with exceptions, then
/// white space collapsed and trimmed. Spaces inside a line are content and
/// stay (one of them); line joining is [`join_broken`]'s job.
///
/// ```
/// use torikumi::normalize::text;
/// assert_eq!(text("令和　５年度　ＩＣＴ活用"), "令和 5年度 ICT活用");
/// assert_eq!(text("副　読　本"), "副 読 本");
/// ```
pub fn text(s: &str) -> String {
    text_cow(s).into_owned()
}

/// [`text`], borrowing `s` when it is normalized already.
fn text_cow(s: &str) -> Cow<'_, str> {
    let n = nfkc_cow(s);
    // Most lines need no collapsing: keep the normalized string rather than
    // copying it again (a one-line page of 100 MB is one such line).
    if space_is_collapsed(&n) {
        n
    } else {
        Cow::Owned(collapse_space(&n))
    }
}

/// Whether [`collapse_space`] would return `s` unchanged: no white space
/// but single ASCII spaces between other characters.
fn space_is_collapsed(s: &str) -> bool {
    let mut prev_space = true; // at the start, a space is not allowed
    for c in s.chars() {
        let space = c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}';
        if space && (c != ' ' || prev_space) {
            return false;
        }
        prev_space = space;
    }
    !prev_space || s.is_empty()
}

/// Normalizes every text of a document in place, line by line (explicit line
/// breaks stay, so the parser still sees them), table cells included.
pub fn document(doc: &mut crate::model::Document) {
    if let Some(t) = &doc.title {
        doc.title = Some(text(t));
    }
    blocks(&mut doc.blocks);
}

fn blocks(blocks: &mut Vec<crate::model::Block>) {
    use crate::model::BlockKind;
    for b in blocks.iter_mut() {
        match &mut b.kind {
            BlockKind::Heading { text: t, .. }
            | BlockKind::Paragraph { text: t }
            | BlockKind::Line { text: t }
            | BlockKind::ListItem { text: t, .. } => {
                // A text normalized already stays as it is, not copied.
                if let Some(n) = lines(t) {
                    *t = n;
                }
            }
            BlockKind::Table(table) => {
                for row in &mut table.rows {
                    for cell in &mut row.cells {
                        self::blocks(&mut cell.blocks);
                    }
                }
            }
        }
    }
    blocks.retain(|b| b.kind.text().is_none_or(|t| !t.is_empty()));
}

/// The text normalized line by line, or `None` when that leaves it as it is.
fn lines(s: &str) -> Option<String> {
    if !s.contains('\n') {
        return match text_cow(s) {
            Cow::Owned(n) => Some(n),
            Cow::Borrowed(_) => None,
        };
    }
    Some(
        s.split('\n')
            .map(text)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn collapsed_check_agrees(s in "[ a\u{3000}\u{200B}\n取]{0,12}") {
            proptest::prop_assert_eq!(space_is_collapsed(&s), collapse_space(&s) == s);
        }
    }

    proptest::proptest! {
        /// The run-copying fast paths agree with the plain definitions.
        #[test]
        fn fast_paths_agree_with_definitions(
            s in "[ a-zA-Z0-9\u{3000}\t\n\u{200B}ぁ-んァ-ン一-龠ｱ-ﾝﾞﾟ０-９Ａ-Ｚ①-⑳⑴㉑\u{0301}\u{3099}、。「」・○■⽇]{0,40}"
        ) {
            let reference: String = {
                let mut parts = Vec::new();
                for w in s.split(|c: char| c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}') {
                    if !w.is_empty() {
                        parts.push(w);
                    }
                }
                parts.join(" ")
            };
            proptest::prop_assert_eq!(collapse_space(&s), reference);
            // nfkc: a circled 1-20 stays; everything else as NFKC, then fixed.
            let mut expected = String::new();
            let mut rest = String::new();
            for c in s.chars() {
                if kept_as_printed(c) {
                    expected.extend(rest.nfkc().map(fix_after_nfkc));
                    rest.clear();
                    expected.push(c);
                } else {
                    rest.push(c);
                }
            }
            expected.extend(rest.nfkc().map(fix_after_nfkc));
            proptest::prop_assert_eq!(nfkc(&s), expected);
        }
    }

    #[test]
    fn nfkc_keeps_circled_and_parenthesized_numbers() {
        assert_eq!(nfkc("①2020年度"), "①2020年度");
        assert_eq!(nfkc("⑴研修"), "⑴研修");
        assert_eq!(nfkc("⑳"), "⑳");
        assert_eq!(nfkc("㉑"), "21");
    }

    #[test]
    fn nfkc_fixes_what_pdfs_produce() {
        assert_eq!(nfkc("⼦育て⽀援"), "子育て支援");
        assert_eq!(nfkc("⻘森"), "青森");
        assert_eq!(nfkc("防災‧減災"), "防災・減災");
        assert_eq!(nfkc("神"), "神");
    }

    #[test]
    fn nfkc_width_forms() {
        assert_eq!(nfkc("ＡＢＣ１２３"), "ABC123");
        assert_eq!(nfkc("ｶﾞｲﾄﾞ"), "ガイド");
        assert_eq!(nfkc("（振興局）"), "(振興局)");
        assert_eq!(nfkc("〜"), "〜");
        assert_eq!(nfkc("～"), "~");
    }

    #[test]
    fn joining() {
        let mut s = String::from("・地域において介護分野と連携した包括的かつ継続的に在宅 ");
        join_broken(&mut s, " 医療を提供できる");
        assert_eq!(
            s,
            "・地域において介護分野と連携した包括的かつ継続的に在宅医療を提供できる"
        );
        let mut s = String::from("ICT");
        join_broken(&mut s, "を活用");
        assert_eq!(s, "ICTを活用");
        let mut s = String::from("A");
        join_logical(&mut s, "B");
        assert_eq!(s, "A B");
    }

    #[test]
    fn fast_path_agrees_with_plain_nfkc() {
        for t in [
            "かﾞ",
            "か\u{3099}",
            "ｶﾞｲﾄﾞ",
            "ＩＣＴ活用（Ｒ４）",
            "令和５年度",
            "e\u{301}",
            "Ａ\u{301}",
            "日本語のテキスト、です。「引用」",
            "①2020年度",
        ] {
            let plain: String = t.nfkc().map(fix_after_nfkc).collect();
            let expected = if t.starts_with('①') {
                "①2020年度".to_string()
            } else {
                plain
            };
            assert_eq!(nfkc(t), expected, "{t}");
        }
    }

    #[test]
    fn collapse() {
        assert_eq!(collapse_space("\u{3000}a\u{3000}\u{3000}b\n"), "a b");
        assert_eq!(collapse_space(""), "");
    }
}
