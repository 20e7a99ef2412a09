//! Numbers as Japanese reports print them: ASCII digits (full-width ones are
//! ASCII after normalization), thousands separators, digits spaced out by
//! layout, and kanji numerals (三十, 二〇一九, 二千十九, 五千万).

/// Value of one kanji digit (〇 and 零 included).
fn kanji_digit(c: char) -> Option<u64> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// Whether `c` can be part of a kanji numeral.
pub fn is_kanji_numeral_char(c: char) -> bool {
    kanji_digit(c).is_some() || matches!(c, '十' | '百' | '千' | '万' | '億')
}

/// Reads a kanji numeral: positional digits (二〇一九 → 2019) or digits with
/// multipliers (三十一 → 31, 二千十九 → 2019, 五千万 → 50000000).
/// `None` for an empty or malformed string, or on overflow.
///
/// ```
/// use torikumi::parse::numerals::kanji_number;
/// assert_eq!(kanji_number("三十"), Some(30));
/// assert_eq!(kanji_number("二〇一九"), Some(2019));
/// assert_eq!(kanji_number("二千十九"), Some(2019));
/// assert_eq!(kanji_number("三億五千万"), Some(350_000_000));
/// assert_eq!(kanji_number("年"), None);
/// ```
pub fn kanji_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    // Only plain digits: read positionally (二〇一九).
    if s.chars().all(|c| kanji_digit(c).is_some()) {
        let mut v: u64 = 0;
        for c in s.chars() {
            v = v.checked_mul(10)?.checked_add(kanji_digit(c)?)?;
        }
        return Some(v);
    }
    let mut total: u64 = 0; // completed 万/億 groups
    let mut group: u64 = 0; // below 万
    let mut digit: Option<u64> = None;
    for c in s.chars() {
        if let Some(d) = kanji_digit(c) {
            if digit.is_some() {
                return None; // 二三十: two digits in a row in multiplier form
            }
            digit = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' | '億' => {
                let big: u64 = if c == '万' { 10_000 } else { 100_000_000 };
                let g = group.checked_add(digit.take().unwrap_or(0))?;
                let g = if g == 0 { 1 } else { g };
                total = total.checked_add(g.checked_mul(big)?)?;
                group = 0;
                continue;
            }
            _ => return None,
        };
        group = group.checked_add(digit.take().unwrap_or(1).checked_mul(unit)?)?;
    }
    total.checked_add(group)?.checked_add(digit.unwrap_or(0))
}

/// Reads an ASCII number as printed: `1,366`, `20.5`, `1 2` (digits spaced out
/// by layout are joined). `None` when it is not one.
///
/// ```
/// use torikumi::parse::numerals::ascii_number;
/// assert_eq!(ascii_number("5,000"), Some(5000.0));
/// assert_eq!(ascii_number("1 2"), Some(12.0));
/// assert_eq!(ascii_number("111.6"), Some(111.6));
/// assert_eq!(ascii_number("x"), None);
/// ```
pub fn ascii_number(s: &str) -> Option<f64> {
    let cleaned: String = s.chars().filter(|c| *c != ',' && *c != ' ').collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if cleaned.starts_with('.') || cleaned.ends_with('.') || cleaned.matches('.').count() > 1 {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reads a number that is either ASCII or kanji.
pub fn number(s: &str) -> Option<f64> {
    ascii_number(s).or_else(|| kanji_number(s).map(|v| v as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kanji() {
        assert_eq!(kanji_number("十"), Some(10));
        assert_eq!(kanji_number("三十一"), Some(31));
        assert_eq!(kanji_number("百二十三"), Some(123));
        assert_eq!(kanji_number("一億"), Some(100_000_000));
        assert_eq!(kanji_number("二三十"), None);
        assert_eq!(
            kanji_number("九九九九九九九九九九九九九九九九九九九九九九"),
            None
        );
    }
}
