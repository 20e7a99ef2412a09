//! Policy codes: a code column (施策Code, 施策コード, 事業番号, コード) or a
//! label in the text (施策コード：0305).
//!
//! A code is only ever read where something says it is one: a column whose
//! header names codes, or a label in the text. Any other 4-digit number is a
//! number (SPEC: "never just any 4-digit number").
//!
//! ```
//! use torikumi::parse::codes::{codes_in_cell, codes_in_text, is_code_header};
//! assert!(is_code_header("備考 (施策Code)"));
//! assert_eq!(codes_in_cell("0101"), vec!["0101"]);
//! assert!(codes_in_cell("-").is_empty());
//! assert_eq!(codes_in_text("…を推進(施策コード:0305)"), vec!["0305"]);
//! assert!(codes_in_text("予算 0305 千円").is_empty());
//! ```

use std::sync::LazyLock;

use regex::Regex;

/// A code: digits or letters joined by - or . with parenthesized parts
/// (0101, A-01-23, 1-2-3, II-1-(2)); at least one digit.
const CODE: &str =
    r"(?:[0-9A-Za-zⅠ-Ⅻ]+|\([0-9A-Za-z]+\))(?:[\-.](?:[0-9A-Za-zⅠ-Ⅻ]+|\([0-9A-Za-z]+\)))*";

static CODE_TOKEN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^(?:{CODE})$")).expect("code token regex"));

/// A label (施策コード, 施策Code, 事業番号, コード) followed by codes.
static LABELLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i:(?:施策|事業|政策|取組)?(?:コード|code)|(?:施策|事業|政策|取組)番号) ?[:：]? ?(?P<codes>(?:{CODE})(?: ?[、,・/] ?(?:{CODE}))*)"
    ))
    .expect("labelled code regex")
});

/// Whether a table header names a policy-code column.
///
/// ```
/// use torikumi::parse::codes::is_code_header;
/// assert!(is_code_header("施策コード"));
/// assert!(is_code_header("事業番号"));
/// assert!(!is_code_header("NO."));
/// assert!(!is_code_header("ページ"));
/// ```
pub fn is_code_header(header: &str) -> bool {
    let h: String = header
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    h.contains("コード")
        || h.contains("code")
        || h.contains("事業番号")
        || h.contains("施策番号")
        || h.contains("政策番号")
}

/// Whether a token looks like a code: the code shape, a digit in it, and no
/// longer than codes get.
fn is_code(token: &str) -> bool {
    token.len() <= 24 && token.chars().any(|c| c.is_ascii_digit()) && CODE_TOKEN.is_match(token)
}

/// The codes in a code column's cell ("-" or empty: none).
///
/// ```
/// use torikumi::parse::codes::codes_in_cell;
/// assert_eq!(codes_in_cell("0101、0102"), vec!["0101", "0102"]);
/// assert_eq!(codes_in_cell("II-1-(2)"), vec!["II-1-(2)"]);
/// assert!(codes_in_cell("―").is_empty());
/// ```
pub fn codes_in_cell(cell: &str) -> Vec<String> {
    cell.split(|c: char| c.is_whitespace() || matches!(c, '、' | ',' | '・' | '/' | ';' | '，'))
        .map(|t| t.trim_matches(|c: char| matches!(c, '。' | '.' | ':')))
        .filter(|t| is_code(t))
        .map(str::to_string)
        .collect()
}

/// Codes labelled in running text (施策コード：0305).
///
/// ```
/// use torikumi::parse::codes::codes_in_text;
/// assert_eq!(codes_in_text("施策コード：0305、0306"), vec!["0305", "0306"]);
/// assert_eq!(codes_in_text("施策番号 1-2-3 の取組"), vec!["1-2-3"]);
/// ```
pub fn codes_in_text(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for c in LABELLED.captures_iter(text) {
        let Some(codes) = c.name("codes") else {
            continue;
        };
        // A number followed by a counter or a date word is not a code (コード:0305年).
        if matches!(
            text[codes.end()..].chars().next(),
            Some('年' | '月' | '日' | '円' | '件' | '人' | '名')
        ) {
            continue;
        }
        out.extend(codes_in_cell(codes.as_str()));
    }
    out
}
