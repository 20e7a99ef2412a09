//! Numbers with a counter (件 人 名 回 ... 千円 % ポイント).
//!
//! The counters are SPEC's list plus what the gold adds (者, 社・団体), minus
//! 町村: the gold annotates numbers before 町村 as parts of place names
//! (留萌中北部 5 町村連携地域), while 市町村 counts (留萌南部 3 市町村連携地域).
//! 万 and 億 multiply the value of counters other than money
//! (460万人 → 4600000 人); money keeps its printed unit (5万円 → 5 万円).
//!
//! Not quantities: ordinals (第1回, 1回目), ages (3歳), つ, list numbers,
//! ratios without a counter, dates, and numbers inside longer numbers.
//!
//! ```
//! use torikumi::parse::quantities::find_quantities;
//! let q = find_quantities("相談件数 約1,366件、460~450万人、第1回");
//! let got: Vec<(f64, &str)> = q.iter().map(|q| (q.value, q.unit.as_str())).collect();
//! assert_eq!(got, vec![(1366.0, "件"), (4_600_000.0, "人"), (4_500_000.0, "人")]);
//! ```

use std::sync::LazyLock;

use regex::Regex;

use crate::model::Quantity;
use crate::parse::numerals::{ascii_number, kanji_number};

/// Number forms: grouped with commas, digits spaced out by layout (1 2),
/// plain or decimal digits, kanji numerals (三十, 三万).
const NUM: &str = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9](?: [0-9])+|[0-9]+(?:\.[0-9]+)?|[一二三四五六七八九十][〇一二三四五六七八九十百千万億]*";

/// Counters, longest first where one is a prefix of another.
const COUNTERS: &str = r"百万円|億円|万円|千円|円|社・団体|市町村|振興局|管内|地域|圏域|カ所|ヶ所|ケ所|ヵ所|箇所|か所|時間|倍|%|ポイント|団体|施設|事業|人|名|件|回|社|校|者";

static QTY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<approx>約 ?)?(?P<n1>{NUM})(?: ?(?P<sep>[~〜～\-−‐]) ?(?P<n2>{NUM}))? ?(?P<mul>[千百]?[万億]|[千百])? ?(?P<unit>{COUNTERS})"
    ))
    .expect("quantity regex")
});

/// Characters a kanji numeral may follow and still be a count (年三回, 計五件).
fn kanji_may_follow(c: char) -> bool {
    matches!(
        c,
        '年' | '月' | '週' | '日' | '計' | '約' | '全' | '各' | '毎' | '延'
    )
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}')
}

/// Value of a multiplier printed between a number and its counter.
fn multiplier(c: char) -> f64 {
    match c {
        '百' => 100.0,
        '千' => 1_000.0,
        '万' => 10_000.0,
        '億' => 100_000_000.0,
        _ => 1.0,
    }
}

/// Reads one printed number, kanji or ASCII.
fn read_number(s: &str) -> Option<f64> {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        ascii_number(s)
    } else {
        kanji_number(s).map(|v| v as f64)
    }
}

/// Whether what follows the counter makes it another word: 社会, 回目 (an
/// ordinal), 事業所, 名称.
fn counter_continues(unit: &str, rest: &str) -> bool {
    if rest.starts_with('目') {
        return true;
    }
    match unit {
        "社" => rest.starts_with('会') || rest.starts_with('員'),
        "事業" => rest.starts_with(['所', '者', '費']),
        "名" => rest.starts_with(['称', '簿', '前']),
        "回" => rest.starts_with(['生', '答', '復', '収', '避', '覧']),
        "人" => rest.starts_with(['口', '材']),
        "校" => rest.starts_with(['長', '舎', '区']),
        "地域" | "時間" | "倍" | "件" | "者" => false,
        _ => false,
    }
}

/// Why a match is not a quantity, judged from its surroundings.
fn rejected(text: &str, start: usize, n1: &str, approx: bool) -> bool {
    let before = text[..start].chars().next_back();
    // Inside a longer number or an identifier (R4 3回 is caught here too).
    if !approx
        && before.is_some_and(|b| {
            b.is_ascii_alphanumeric() || matches!(b, '.' | ',' | '_' | '第' | '-' | '/')
        })
    {
        return true;
    }
    // A list number opening the text: "1 圏域全体の…" is section 1, not 1 圏域.
    if start == 0 && !approx && n1.len() == 1 && n1.bytes().all(|b| b.is_ascii_digit()) {
        let after_num = &text[n1.len()..];
        if after_num.starts_with(' ') {
            return true;
        }
    }
    // 第 1 回: an ordinal with layout spaces.
    let trimmed = text[..start].trim_end_matches(' ');
    if trimmed.ends_with('第') {
        return true;
    }
    if n1.starts_with(|c: char| !c.is_ascii_digit()) {
        if n1 == "一" {
            return true; // 一人ひとり, 一回: idioms more often than counts
        }
        if !approx && before.is_some_and(|b| is_han(b) && !kanji_may_follow(b)) {
            return true; // 統一, 唯一: a numeral inside a word
        }
    }
    false
}

/// Every quantity in `text`, in order.
///
/// ```
/// use torikumi::parse::quantities::find_quantities;
/// let q = find_quantities("事業費 20,814千円、1 2 圏域、南空知 4 町連携地域、3歳、第2子");
/// assert_eq!(q.len(), 2);
/// assert_eq!((q[0].value, q[0].unit.as_str()), (20814.0, "千円"));
/// assert_eq!((q[1].value, q[1].unit.as_str(), q[1].raw.as_str()), (12.0, "圏域", "1 2 圏域"));
/// ```
pub fn find_quantities(text: &str) -> Vec<Quantity> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let Some(c) = QTY.captures_at(text, pos) else {
            break;
        };
        let (Some(m), Some(n1), Some(unit_m)) = (c.get(0), c.name("n1"), c.name("unit")) else {
            break;
        };
        let approx = c.name("approx").is_some();
        let rest = &text[m.end()..];
        if rejected(text, m.start(), n1.as_str(), approx)
            || counter_continues(unit_m.as_str(), rest)
        {
            // Go on one character later: a shorter match may start inside.
            let step = text[m.start()..].chars().next().map_or(1, char::len_utf8);
            pos = m.start() + step;
            continue;
        }
        pos = m.end();
        let mul = c.name("mul").map(|x| x.as_str());
        let mut unit = unit_m.as_str().to_string();
        let factor = match mul {
            // Money keeps its printed unit: 5万円 is 5 万円, 3千万円 is 3 千万円.
            Some(x) if unit.ends_with('円') => {
                unit = format!("{x}{unit}");
                1.0
            }
            Some(x) => x.chars().map(multiplier).product(),
            None => 1.0,
        };
        let Some(v1) = read_number(n1.as_str()) else {
            continue;
        };
        match c
            .name("n2")
            .and_then(|n2| read_number(n2.as_str()).map(|v| (n2, v)))
        {
            Some((n2, v2)) => {
                out.push(Quantity {
                    raw: text[m.start()..n1.end()].to_string(),
                    value: v1 * factor,
                    unit: unit.clone(),
                });
                out.push(Quantity {
                    raw: text[n2.start()..m.end()].to_string(),
                    value: v2 * factor,
                    unit,
                });
            }
            None => out.push(Quantity {
                raw: m.as_str().to_string(),
                value: v1 * factor,
                unit,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vu(text: &str) -> Vec<(f64, String)> {
        find_quantities(text)
            .into_iter()
            .map(|q| (q.value, q.unit))
            .collect()
    }

    #[test]
    fn basics() {
        assert_eq!(vu("約5,000名"), vec![(5000.0, "名".into())]);
        assert_eq!(vu("5万円"), vec![(5.0, "万円".into())]);
        assert_eq!(vu("三十件"), vec![(30.0, "件".into())]);
        assert_eq!(vu("第1回"), vec![]);
        assert_eq!(vu("R4 3回"), vec![(3.0, "回".into())]);
        assert_eq!(vu("2回目"), vec![]);
    }
}
