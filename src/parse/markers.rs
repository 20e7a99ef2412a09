//! Bullets and numbered titles at the start of a line.
//!
//! Read on normalized text: torikumi's normalizer keeps ①–⒇ as printed, so
//! "①2020年度" still starts with the marker ①, not with "12020".

/// A bullet at the start of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker<'a> {
    /// The marker as printed ("○", "①", "(1)"); "" for list markup that is dropped ("- ").
    pub marker: &'a str,
    /// Nesting rank: lower ranks hold higher ones. 0: ■ □; 1: ◆ ◇ ○ ● ◎;
    /// 2: ① ⑴ (1); 3: ・ • - and other small bullets.
    pub rank: u8,
    /// The line without the marker and the space after it.
    pub rest: &'a str,
}

/// The rank of a single-character bullet, if `c` is one.
fn bullet_rank(c: char) -> Option<u8> {
    Some(match c {
        '■' | '□' => 0,
        '◆' | '◇' | '○' | '◯' | '●' | '◎' | '❖' => 1,
        '・' | '•' | '▪' | '▫' | '►' | '▶' | '➢' | '➤' | '✓' | '✔' | '◦' | '‣' | '∙' | '·' => {
            3
        }
        _ => return None,
    })
}

/// The marker at the start of `line`, if any. `※` is not a marker (notes are
/// not items); see [`is_note`].
///
/// ```
/// use torikumi::parse::markers::marker;
/// assert_eq!(marker("○研修の開催").unwrap().marker, "○");
/// assert_eq!(marker("①2020年度の取組").unwrap().rest, "2020年度の取組");
/// assert_eq!(marker("(2)派遣先の調整を行う").unwrap().marker, "(2)");
/// assert!(marker("2040年に").is_none());
/// ```
pub fn marker(line: &str) -> Option<Marker<'_>> {
    let mut chars = line.char_indices();
    let (_, c) = chars.next()?;
    if let Some(rank) = bullet_rank(c) {
        let end = c.len_utf8();
        let rest = line[end..].trim_start();
        // A lone bullet, or a bullet followed by another bullet ("• ○…", LibreOffice's
        // list bullet before a printed one): the printed one counts.
        if let Some(inner) = marker(rest)
            && rank == 3
            && inner.rank < 3
        {
            return Some(inner);
        }
        return Some(Marker {
            marker: &line[..end],
            rank,
            rest,
        });
    }
    if ('\u{2460}'..='\u{2487}').contains(&c) {
        let end = c.len_utf8();
        return Some(Marker {
            marker: &line[..end],
            rank: 2,
            rest: line[end..].trim_start(),
        });
    }
    if line.starts_with("- ") || line.starts_with("– ") {
        let end = line.find(' ').unwrap_or(1);
        let rest = line[end..].trim_start();
        // "- ◆ …": list markup before a printed bullet; the printed one counts.
        if let Some(inner) = marker(rest).filter(|m| !m.marker.is_empty()) {
            return Some(inner);
        }
        return Some(Marker {
            marker: "",
            rank: 3,
            rest,
        });
    }
    if let Some(m) = paren_number(line) {
        return Some(m);
    }
    None
}

/// `line` without its marker (and the space after it), trimmed.
pub fn without_marker(line: &str) -> &str {
    match marker(line) {
        Some(m) => m.rest.trim(),
        None => line.trim(),
    }
}

/// "(1)text" / "(１)text": a parenthesized number of one or two digits.
fn paren_number(line: &str) -> Option<Marker<'_>> {
    let b = line.as_bytes();
    if b.first() != Some(&b'(') {
        return None;
    }
    let digits = b[1..].iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&digits) || b.get(1 + digits) != Some(&b')') {
        return None;
    }
    let end = digits + 2;
    let rest = line[end..].trim_start();
    if rest.is_empty() || refers_back(rest) {
        return None;
    }
    Some(Marker {
        marker: &line[..end],
        rank: 2,
        rest,
    })
}

/// "(1)において…": a sentence that refers to part (1), not a bullet; a
/// particle follows the number directly.
fn refers_back(rest: &str) -> bool {
    [
        "において",
        "における",
        "により",
        "による",
        "のとおり",
        "では",
        "と同様",
        "を参照",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
}

/// True for a note line (※ …): never an initiative of its own.
pub fn is_note(line: &str) -> bool {
    line.starts_with('※')
}

/// The style of a numbered title, which fixes its heading level: 第1章 (11),
/// 1 / 1. (12), (1) (13), ア (14).
pub fn numbered_heading_level(line: &str) -> Option<u32> {
    let len = line.chars().count();
    if len > 50 || line.ends_with('。') {
        return None;
    }
    let b = line.as_bytes();
    // 第1章, 第一節
    if let Some(rest) = line.strip_prefix('第') {
        let num: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
            .collect();
        if !num.is_empty() {
            let after = rest[num.len()..].chars().next();
            if matches!(after, Some('章' | '節' | '部' | '編')) {
                return Some(11);
            }
        }
        return None;
    }
    // 1 趣旨 / 1.ラウンド / 1．xx / 3 実施後の対応 — but not 2040年, 1 2 圏域 or 1,366件
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=2).contains(&digits) {
        let rest = &line[digits..];
        let mut it = rest.chars();
        let sep = it.next();
        let next = it.next();
        if matches!(sep, Some(' ' | '.' | '、'))
            && next.is_some_and(|c| !c.is_ascii_digit() && !c.is_whitespace())
        {
            return Some(12);
        }
        return None;
    }
    // Long "(3)…の概要" titles exist; a 、 in a long line makes it a sentence.
    if paren_number(line).is_some() && (len <= 30 || (len <= 45 && !line.contains('、'))) {
        return Some(13);
    }
    let mut it = line.chars();
    if let (Some(k), Some(sep)) = (it.next(), it.next())
        && "アイウエオカキクケコサシスセソ".contains(k)
        && matches!(sep, ' ' | '.' | '、')
    {
        return Some(14);
    }
    None
}

/// True for a line that is wholly one 【…】 bracket, or one square bracket
/// [［…］ after NFKC], which reports use the same way for box titles.
pub fn is_bracket_line(line: &str) -> bool {
    (line.starts_with('【') && line.ends_with('】') && line.matches('【').count() == 1)
        || (line.starts_with('[')
            && line.ends_with(']')
            && line.matches('[').count() == 1
            && line.chars().count() > 2)
}

/// A table-of-contents line: a title, a run of leader dots and a page number
/// ("(1)人口動向 ・・・・・・ 5"). Neither a heading nor an item.
pub fn is_toc_line(line: &str) -> bool {
    let t = line.trim_end();
    let body = t.trim_end_matches(|c: char| c.is_ascii_digit());
    if body.len() == t.len() {
        return false;
    }
    let body = body.trim_end();
    let leaders = body
        .chars()
        .rev()
        .take_while(|c| matches!(c, '・' | '…' | '‥' | '.' | '･' | ' ' | '·'))
        .filter(|c| *c != ' ')
        .count();
    leaders >= 3 && body.chars().count() > leaders
}

/// A sentence that tells the reader how to fill in a form ("…を記載すること。").
pub fn is_form_instruction(text: &str) -> bool {
    let t = text.trim_end();
    [
        "記載すること。",
        "記入すること。",
        "添付すること。",
        "記載すること",
        "記入すること",
    ]
    .iter()
    .any(|e| t.ends_with(e))
}

/// A bracketed note that is not part of an item: 【上記、連携地域】.
pub fn is_bracket_line_note(line: &str) -> bool {
    is_bracket_line(line) && line.contains("上記")
}

/// Titles that report sections print on a line of their own, with the level
/// they take: a project name (…プロジェクト, 15), a subtitle between tildes
/// (~ … ~, 16), and the part headings これまでの主な取組 / 2018年度の推進方向 (17).
///
/// ```
/// use torikumi::parse::markers::phrase_heading_level;
/// assert_eq!(phrase_heading_level("2018年度の推進方向"), Some(17));
/// assert_eq!(phrase_heading_level("~ 多様な人材の活躍促進と呼び込みの強化 ~"), Some(16));
/// assert_eq!(phrase_heading_level("推進方向を検討する会議を開催"), None);
/// ```
pub fn phrase_heading_level(line: &str) -> Option<u32> {
    let len = line.chars().count();
    if len > 40 || line.contains(['。', '、']) {
        return None;
    }
    let t = line.trim();
    if t.len() > 4
        && (t.starts_with('~') || t.starts_with('〜'))
        && (t.ends_with('~') || t.ends_with('〜'))
    {
        return Some(16);
    }
    if t.ends_with("プロジェクト") && !t.starts_with(['・', '○', '◆', '■']) && len >= 8
    {
        return Some(15);
    }
    const PARTS: [&str; 8] = [
        "の推進方向",
        "これまでの主な取組",
        "これまでの取組",
        "主な取組実績",
        "今後の取組",
        "今後の方向性",
        "今年度の主な取組",
        "次年度の取組",
    ];
    if PARTS
        .iter()
        .any(|p| t.ends_with(p) || t == p.trim_start_matches('の'))
    {
        return Some(17);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bullets() {
        let m = marker("◆結婚サポートセンターの運営").unwrap();
        assert_eq!(
            (m.marker, m.rank, m.rest),
            ("◆", 1, "結婚サポートセンターの運営")
        );
        assert_eq!(marker("・圏域連携").unwrap().rank, 3);
        assert_eq!(marker("■全ての世代").unwrap().rank, 0);
        assert_eq!(marker("• ○「北海道…").unwrap().marker, "○");
        assert_eq!(marker("- 相談対応件数 1,366件").unwrap().marker, "");
        assert_eq!(marker("⑴研修").unwrap().marker, "⑴");
        assert!(marker("※第1回").is_none());
        assert!(marker("(政策展開の方向性)").is_none());
        assert!(marker("2040年に").is_none());
        assert!(marker("").is_none());
    }

    #[test]
    fn numbered_headings() {
        assert_eq!(numbered_heading_level("1 趣旨"), Some(12));
        assert_eq!(
            numbered_heading_level("1.ラウンドテーブルミーティング"),
            Some(12)
        );
        assert_eq!(numbered_heading_level("(3)派遣の対象業務"), Some(13));
        assert_eq!(numbered_heading_level("第1章 計画の概要"), Some(11));
        assert_eq!(numbered_heading_level("2040年に"), None);
        assert_eq!(numbered_heading_level("1 2 圏域での定住自立圏"), None);
        assert_eq!(numbered_heading_level("2018年度の推進方向"), None);
        assert_eq!(numbered_heading_level("1 趣旨を説明する。"), None);
    }

    #[test]
    fn toc_lines_and_form_instructions() {
        assert!(is_toc_line("(1)人口動向 ・・・・・・・・・ 5"));
        assert!(is_toc_line("策定の趣旨 ・・・・・・・・ 12"));
        assert!(!is_toc_line("(1)人口動向"));
        assert!(!is_toc_line("・・・ 5"));
        assert!(!is_toc_line("2060年に社会増へ転換 2025"));
        assert!(is_form_instruction(
            "処理区ごとに考え方が異なる場合は、処理区ごとに記載すること。"
        ));
        assert!(!is_form_instruction(
            "修繕計画を基に機器の維持延命を図ります。"
        ));
    }

    #[test]
    fn references_to_parts_are_not_bullets() {
        assert!(marker("(1)において黒字の場合は、その内容を記載する。").is_none());
        assert_eq!(marker("(1)はじめに").unwrap().marker, "(1)");
        assert_eq!(
            numbered_heading_level(
                "(3)投資・財政計画(収支計画)に未反映の取組や今後検討予定の取組の概要"
            ),
            Some(13)
        );
        assert_eq!(
            numbered_heading_level(
                "(3)計画の策定に当たっては、関係機関と連携して推進する体制を整えるとともに"
            ),
            None
        );
    }

    #[test]
    fn square_bracket_lines() {
        assert!(is_bracket_line("[将来展望を実現するために]"));
        assert!(!is_bracket_line("[1] 2"));
        assert!(!is_bracket_line("[]"));
    }

    #[test]
    fn bracket_lines() {
        assert!(is_bracket_line("【結婚期】"));
        assert!(!is_bracket_line("【宗谷】の取組"));
    }
}
