//! Era dates, fiscal years and ranges (令和 / 平成 / 昭和, R / H / S, 元年,
//! ranges with ~ 〜 - から…まで) read from normalized text.
//!
//! The reader works on one "atom" at a time (an era date such as `H29.11.22`
//! or `令和元年度`, or a Gregorian date with 年 / 年度 such as `2018年5月`),
//! then looks right of it for what extends it: a Gregorian year in
//! parentheses (`令和元年度(2019年度)`: one period), or a range separator and
//! an end (`R4.7~R5.7`, `平成27~29年度`, `平成27年度から平成31年度まで`).
//!
//! A bare number is never a year: only an era, 年 or 年度 make one (SPEC), so
//! `5,000名`, `0101` and phone numbers give nothing. Durations and grades
//! (`5年間`, `3年ごと`, `2年生`) are not periods. Impossible dates (`R5.13`,
//! `令和0年`, `H29.2.30`) give no period.
//!
//! ```
//! use torikumi::parse::dates::{find_periods, fiscal_years};
//! let p = find_periods("研修(R4.7~R5.7)を実施、R5.1に報告");
//! assert_eq!(p[0].start, "2022-07");
//! assert_eq!(p[0].end.as_deref(), Some("2023-07"));
//! assert_eq!(p[1].raw, "R5.1");
//! assert_eq!(fiscal_years(&p), vec![2022, 2023]);
//! ```

use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::model::Period;
use crate::parse::numerals::kanji_number;

/// One date atom. Groups: era form (`era`, `ey`, `nen`, `km`, `kd`, `dm`,
/// `dd`), Gregorian range with a shared 年 (`ry1`, `ry2`, `rnen`), Gregorian
/// form (`gy`, `gnen`, `gm`, `gd`).
static ATOM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?P<era>令和|平成|昭和|大正|明治|[RHS]) ?",
        r"(?P<ey>元|[0-9]{1,2}|[〇一二三四五六七八九十]{1,3})",
        r"(?:",
        r" ?(?P<nen>年度|年)(?: ?(?P<km>[0-9]{1,2}|[一二三四五六七八九十]{1,3}) ?月",
        r"(?: ?(?P<kd>[0-9]{1,2}|[一二三四五六七八九十]{1,3}) ?日)?)?",
        r"|\.(?P<dm>[0-9]{1,2})(?:\.(?P<dd>[0-9]{1,2}))?",
        r")?",
        r"|(?P<ry1>[0-9]{4}) ?[~〜～\-−‐－―–] ?(?P<ry2>[0-9]{4}) ?(?P<rnen>年度|年)",
        r"|(?P<gy>[0-9]{4}|[〇一二三四五六七八九]{4}) ?(?P<gnen>年度|年)",
        r"(?: ?(?P<gm>[0-9]{1,2}) ?月(?: ?(?P<gd>[0-9]{1,2}) ?日)?)?",
    ))
    .expect("date atom regex")
});

/// An end of a range that inherits what it leaves out from the start
/// (`平成27~29年度`, `2018年4月~6月`, `H28.10.1~30.3.31`, `4月1日~15日`).
static PARTIAL_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:(?P<py>元|[0-9]{1,4}) ?(?P<pnen>年度|年)(?: ?(?P<pm>[0-9]{1,2}) ?月(?: ?(?P<pd>[0-9]{1,2}) ?日)?)?",
        r"|(?P<qy>[0-9]{1,2})\.(?P<qm>[0-9]{1,2})(?:\.(?P<qd>[0-9]{1,2}))?",
        r"|(?P<pm2>[0-9]{1,2}) ?月(?: ?(?P<pd2>[0-9]{1,2}) ?日)?",
        r"|(?P<pd3>[0-9]{1,2}) ?日)",
    ))
    .expect("partial end regex")
});

/// A further year of the same era in a list (平成28・29年度): digits,
/// with or without 年 or 年度.
static LISTED_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<y>元|[0-9]{1,2})(?P<nen> ?(?:年度|年))?").expect("listed year regex")
});

/// A range separator, with the spaces layout puts around it.
static SEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^ ?(?:(?P<t>[~〜～])|[\-−‐－―–]|(?P<kara>から)) ?").expect("separator regex")
});

/// A partial date: year, optional month, optional day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Ymd {
    y: i32,
    m: Option<u32>,
    d: Option<u32>,
}

impl Ymd {
    fn iso(self) -> String {
        match (self.m, self.d) {
            (Some(m), Some(d)) => format!("{:04}-{:02}-{:02}", self.y, m, d),
            (Some(m), None) => format!("{:04}-{:02}", self.y, m),
            _ => format!("{:04}", self.y),
        }
    }

    /// Checks month and day ranges (leap years included) and the year range
    /// the reports can mean.
    fn valid(self) -> bool {
        if !(1868..=2200).contains(&self.y) {
            return false;
        }
        match (self.m, self.d) {
            (None, None) => true,
            (Some(m), None) => (1..=12).contains(&m),
            (Some(m), Some(d)) => (1..=12).contains(&m) && d >= 1 && d <= days_in_month(self.y, m),
            (None, Some(_)) => false,
        }
    }
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Gregorian year of year 1 of an era, minus one.
fn era_base(era: &str) -> Option<i32> {
    Some(match era {
        "令和" | "R" => 2018,
        "平成" | "H" => 1988,
        "昭和" | "S" => 1925,
        "大正" => 1911,
        "明治" => 1867,
        _ => return None,
    })
}

/// Reads 元, ASCII or kanji digits.
fn small_number(s: &str) -> Option<u32> {
    if s == "元" {
        return Some(1);
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok();
    }
    kanji_number(s).and_then(|v| u32::try_from(v).ok())
}

fn char_before(text: &str, at: usize) -> Option<char> {
    text[..at].chars().next_back()
}

fn char_at(text: &str, at: usize) -> Option<char> {
    text[at..].chars().next()
}

/// What 年 must not be followed by for the expression to be a date:
/// durations (年間), grades (年生), intervals (年ごと, 年毎), counts (年目),
/// decades (2020年代).
fn duration_after(text: &str, at: usize) -> bool {
    matches!(
        char_at(text, at),
        Some('間' | '生' | '毎' | '目' | '分' | '余' | '超' | '代')
    ) || text[at..].starts_with("ごと")
        || text[at..].starts_with("おき")
}

/// The kind of atom read, for what a partial end may inherit.
#[derive(Debug, Clone, Copy)]
enum AtomKind {
    /// An era date; the Gregorian year of its year 1, minus one.
    Era(i32),
    /// A Gregorian date.
    Gregorian,
}

/// One atom read at a position.
struct Atom {
    start: usize,
    end: usize,
    from: Ymd,
    /// Set for a range read as one atom (2015~2019年).
    to: Option<Ymd>,
    kind: AtomKind,
    /// Whether the atom used the dotted form (R5.1).
    dotted: bool,
}

/// Reads the atom the regex matched, applying the guards a regex cannot:
/// letter eras inside ASCII words, 4-digit years inside longer numbers,
/// durations. `None` when the match is not a date at all; `Some(None)` when
/// it is a date but an impossible one (R5.13), which consumes the match.
fn read_atom(text: &str, c: &Captures<'_>) -> Option<Option<Atom>> {
    let m = c.get(0)?;
    let (start, end) = (m.start(), m.end());
    let before = char_before(text, start);
    let after = char_at(text, end);
    if let Some(era) = c.name("era") {
        let letter = era.as_str().len() == 1;
        if letter && before.is_some_and(|b| b.is_ascii_alphanumeric() || b == '_') {
            return None;
        }
        let ey = c.name("ey")?.as_str();
        let kanji_year = ey.chars().any(|ch| !ch.is_ascii_digit()) && ey != "元";
        let nen = c.name("nen");
        if kanji_year && nen.is_none() {
            return None;
        }
        let dm = c.name("dm");
        let km = c.name("km");
        // The number must end where the match ends: H2O, R123, R5.1.2.3 are not dates.
        if after.is_some_and(|a| a.is_ascii_digit()) {
            return None;
        }
        if letter && nen.is_none() && dm.is_none() && after.is_some_and(|a| a.is_ascii_alphabetic())
        {
            return None;
        }
        if dm.is_some() && after == Some('.') {
            // R5.1.2.3 or H29.11.22.1: a version or section number, not a date.
            if text[end..]
                .chars()
                .nth(1)
                .is_some_and(|x| x.is_ascii_digit())
            {
                return None;
            }
        }
        if nen.is_some_and(|n| n.as_str() == "年") && km.is_none() && duration_after(text, end) {
            return None;
        }
        let base = era_base(era.as_str())?;
        let year = small_number(ey)?;
        let month = match km.or(dm) {
            Some(x) => Some(small_number(x.as_str())?),
            None => None,
        };
        let day = match c.name("kd").or(c.name("dd")) {
            Some(x) => Some(small_number(x.as_str())?),
            None => None,
        };
        if !(1..=99).contains(&year) {
            return Some(None);
        }
        let ymd = Ymd {
            y: base + year as i32,
            m: month,
            d: day,
        };
        if !ymd.valid() {
            return Some(None);
        }
        return Some(Some(Atom {
            start,
            end,
            from: ymd,
            to: None,
            kind: AtomKind::Era(base),
            dotted: dm.is_some(),
        }));
    }
    // Gregorian forms: the year must not continue a longer number (12020年度, 1,2019年).
    if before.is_some_and(|b| b.is_ascii_digit() || b == ',' || b == '.') {
        return None;
    }
    if let (Some(y1), Some(y2)) = (c.name("ry1"), c.name("ry2")) {
        let a = Ymd {
            y: y1.as_str().parse().ok()?,
            m: None,
            d: None,
        };
        let b = Ymd {
            y: y2.as_str().parse().ok()?,
            m: None,
            d: None,
        };
        if !a.valid() || !b.valid() || a > b {
            return None;
        }
        return Some(Some(Atom {
            start,
            end,
            from: a,
            to: Some(b),
            kind: AtomKind::Gregorian,
            dotted: false,
        }));
    }
    let gy = c.name("gy")?.as_str();
    let y = if gy.bytes().all(|b| b.is_ascii_digit()) {
        gy.parse().ok()?
    } else {
        i32::try_from(kanji_number(gy)?).ok()?
    };
    let gm = c.name("gm");
    if c.name("gnen").is_some_and(|n| n.as_str() == "年")
        && gm.is_none()
        && duration_after(text, end)
    {
        return None;
    }
    if after.is_some_and(|a| a.is_ascii_digit()) {
        return None;
    }
    let month = match gm {
        Some(x) => Some(x.as_str().parse().ok()?),
        None => None,
    };
    let day = match c.name("gd") {
        Some(x) => Some(x.as_str().parse().ok()?),
        None => None,
    };
    let ymd = Ymd {
        y,
        m: month,
        d: day,
    };
    if !ymd.valid() {
        return Some(None);
    }
    Some(Some(Atom {
        start,
        end,
        from: ymd,
        to: None,
        kind: AtomKind::Gregorian,
        dotted: false,
    }))
}

/// The first atom at or after `pos`, skipping matches that are not dates.
/// Returns the atom (or `None` for an impossible date) and where to go on.
fn next_atom(text: &str, mut pos: usize) -> Option<(Option<Atom>, usize)> {
    while pos <= text.len() {
        let c = ATOM.captures_at(text, pos)?;
        let m = c.get(0)?;
        match read_atom(text, &c) {
            Some(a) => return Some((a, m.end())),
            None => {
                // Go on one character later: a shorter atom may start inside.
                let step = text[m.start()..].chars().next().map_or(1, char::len_utf8);
                pos = m.start() + step;
            }
        }
    }
    None
}

/// An atom that starts exactly at `pos` (after a separator).
fn atom_at(text: &str, pos: usize) -> Option<Atom> {
    let c = ATOM.captures_at(text, pos)?;
    let m = c.get(0)?;
    if m.start() != pos {
        return None;
    }
    read_atom(text, &c).flatten()
}

/// An end that inherits era, year or month from `from` (see [`PARTIAL_END`]).
fn partial_end_at(text: &str, pos: usize, start: &Atom) -> Option<(Ymd, usize)> {
    let c = PARTIAL_END.captures(&text[pos..])?;
    let m = c.get(0)?;
    let end = pos + m.end();
    if char_at(text, end).is_some_and(|a| a.is_ascii_digit() || a == '.') {
        return None;
    }
    let from = start.from;
    let num = |name: &str| c.name(name).and_then(|x| small_number(x.as_str()));
    let ymd = if let Some(py) = c.name("py") {
        let digits = py.as_str();
        let y = match (start.kind, digits.len()) {
            (_, 4) => digits.parse().ok()?,
            (AtomKind::Era(base), _) => base + small_number(digits)? as i32,
            (AtomKind::Gregorian, _) => return None,
        };
        if c.name("pnen").is_some_and(|n| n.as_str() == "年")
            && c.name("pm").is_none()
            && duration_after(text, end)
        {
            return None;
        }
        Ymd {
            y,
            m: num("pm"),
            d: num("pd"),
        }
    } else if c.name("qy").is_some() {
        let AtomKind::Era(base) = start.kind else {
            return None;
        };
        if !start.dotted {
            return None;
        }
        Ymd {
            y: base + num("qy")? as i32,
            m: num("qm"),
            d: num("qd"),
        }
    } else if c.name("pm2").is_some() {
        from.m?;
        let m = num("pm2")?;
        let d = num("pd2");
        // 令和4年10月~3月: the end month is in the next year.
        let y = if from.m.is_some_and(|fm| m < fm) {
            from.y + 1
        } else {
            from.y
        };
        Ymd { y, m: Some(m), d }
    } else {
        from.d?;
        Ymd {
            y: from.y,
            m: from.m,
            d: num("pd3"),
        }
    };
    ymd.valid().then_some((ymd, end))
}

/// If `(…)` right after `end` restates the same year in the other calendar
/// (令和元年度(2019年度), 2019年度(令和元年度)), where it ends.
fn restated_year(text: &str, end: usize, from: Ymd) -> Option<usize> {
    let rest = &text[end..];
    let skip = usize::from(rest.starts_with(' '));
    let open = end + skip;
    if !text[open..].starts_with('(') {
        return None;
    }
    let inner = atom_at(text, open + 1)?;
    if inner.to.is_some() || inner.from.y != from.y || !text[inner.end..].starts_with(')') {
        return None;
    }
    Some(inner.end + 1)
}

/// Every date or fiscal-year expression in `text`, in order.
///
/// ```
/// use torikumi::parse::dates::find_periods;
/// let p = find_periods("令和元年度(2019年度)");
/// assert_eq!(p.len(), 1);
/// assert_eq!(p[0].start, "2019");
/// let p = find_periods("開設(H28.10.1~)");
/// assert_eq!((p[0].start.as_str(), p[0].end.as_deref()), ("2016-10-01", None));
/// assert!(find_periods("5年間で5,000名、電話011-231-4111").is_empty());
/// ```
pub fn find_periods(text: &str) -> Vec<Period> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some((atom, next)) = next_atom(text, pos) {
        pos = next;
        let Some(atom) = atom else { continue };
        let start = atom.start;
        let mut end = atom.end;
        if let Some(to) = atom.to {
            out.push(Period {
                raw: text[start..end].to_string(),
                start: atom.from.iso(),
                end: Some(to.iso()),
            });
            continue;
        }
        if let Some(e) = restated_year(text, end, atom.from) {
            end = e;
        }
        let mut to = Some(atom.from);
        if let Some(sep) = SEP.captures(&text[end..]) {
            let sep_end = end + sep.get(0).map_or(0, |m| m.end());
            let kara = sep.name("kara").is_some();
            let tilde = sep.name("t").is_some();
            let right = atom_at(text, sep_end)
                .filter(|b| b.to.is_none())
                .map(|b| {
                    let e = restated_year(text, b.end, b.from).unwrap_or(b.end);
                    (b.from, e)
                })
                .or_else(|| partial_end_at(text, sep_end, &atom));
            match right {
                Some((b, e)) if atom.from.iso() <= b.iso() => {
                    to = Some(b);
                    end = e;
                    if kara {
                        let made = text[end..].strip_prefix(' ').unwrap_or(&text[end..]);
                        if made.starts_with("まで") {
                            end = text.len() - made.len() + "まで".len();
                        }
                    }
                }
                Some(_) => {} // reversed: the start stands alone; the end is read next
                None if tilde && open_range_end(text, sep_end) => {
                    to = None;
                    end = end + text[end..sep_end].trim_end().len();
                }
                None => {}
            }
        }
        pos = pos.max(end);
        out.push(Period {
            raw: text[start..end].to_string(),
            start: atom.from.iso(),
            end: to.map(Ymd::iso),
        });
        // 平成28・29年度, 平成28、29、30年度: more years of the same era listed
        // after the first; the list must end with 年 or 年度.
        if let (true, AtomKind::Era(base)) = (to == Some(atom.from), atom.kind) {
            let mut listed = Vec::new();
            let mut at_end = end;
            while let Some(sep) = text[at_end..]
                .chars()
                .next()
                .filter(|c| matches!(c, '・' | '、' | ','))
            {
                let at = at_end + sep.len_utf8();
                let Some(c) = LISTED_YEAR.captures(&text[at..]) else {
                    break;
                };
                let (Some(m), Some(y)) = (c.get(0), c.name("y")) else {
                    break;
                };
                let Some(n) = small_number(y.as_str()).filter(|n| (1..=99).contains(n)) else {
                    break;
                };
                let ymd = Ymd {
                    y: base + n as i32,
                    m: None,
                    d: None,
                };
                if !ymd.valid() || char_at(text, at + m.end()).is_some_and(|a| a.is_ascii_digit()) {
                    break;
                }
                at_end = at + m.end();
                listed.push((at, at_end, ymd, c.name("nen").is_some()));
            }
            while listed.last().is_some_and(|l| !l.3) {
                listed.pop();
            }
            for (a, e, ymd, _) in listed {
                out.push(Period {
                    raw: text[a..e].to_string(),
                    start: ymd.iso(),
                    end: Some(ymd.iso()),
                });
                pos = e;
            }
        }
    }
    out
}

/// Whether what follows a tilde ends the expression (H28.10.1~) rather than
/// continuing with something that is not a date.
fn open_range_end(text: &str, at: usize) -> bool {
    match text[..at].chars().next_back() {
        Some(' ') => true,
        _ => match char_at(text, at) {
            None => true,
            Some(c) => matches!(
                c,
                ')' | '】' | ']' | '〕' | '」' | '』' | '、' | '。' | ',' | ' ' | '>' | '〉' | ';'
            ),
        },
    }
}

/// Parses an ISO partial date this module wrote (or a caller typed).
fn parse_iso(s: &str) -> Option<Ymd> {
    let mut it = s.split('-');
    let y = it.next()?.parse().ok()?;
    let m = match it.next() {
        Some(x) => Some(x.parse().ok()?),
        None => None,
    };
    let d = match it.next() {
        Some(x) => Some(x.parse().ok()?),
        None => None,
    };
    Some(Ymd { y, m, d })
}

/// The fiscal year (April to March) of a point: a month before April belongs
/// to the year before; a year without a month is that fiscal year.
fn fiscal_year_of(p: Ymd) -> i32 {
    match p.m {
        Some(m) if m < 4 => p.y - 1,
        _ => p.y,
    }
}

/// Sorted, unique Gregorian fiscal years (April to March) that `periods` touch.
///
/// A point touches its own fiscal year (R5.1 = 2023-01 → FY2022); a range
/// every fiscal year from its start's to its end's; an open range only its
/// start's. Dates it cannot read are skipped.
///
/// ```
/// use torikumi::model::Period;
/// use torikumi::parse::dates::fiscal_years;
/// let p = |s: &str, e: Option<&str>| Period { raw: String::new(), start: s.into(), end: e.map(Into::into) };
/// assert_eq!(fiscal_years(&[p("2023-01", Some("2023-01"))]), vec![2022]);
/// assert_eq!(fiscal_years(&[p("2016-10-01", Some("2018-03-31"))]), vec![2016, 2017]);
/// assert_eq!(fiscal_years(&[p("2016-10-01", None)]), vec![2016]);
/// ```
pub fn fiscal_years(periods: &[Period]) -> Vec<i32> {
    let mut years = Vec::new();
    for p in periods {
        let Some(start) = parse_iso(&p.start) else {
            continue;
        };
        let first = fiscal_year_of(start);
        let last = match p.end.as_deref().map(parse_iso) {
            Some(Some(end)) => fiscal_year_of(end).max(first),
            Some(None) | None => first,
        };
        // A bound on the span keeps a typo'd range from listing centuries.
        let last = last.min(first.saturating_add(200));
        years.extend(first..=last);
    }
    years.sort_unstable();
    years.dedup();
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (String, String, Option<String>) {
        let p = find_periods(text);
        assert_eq!(p.len(), 1, "{text}: {p:?}");
        let p = &p[0];
        (p.raw.clone(), p.start.clone(), p.end.clone())
    }

    #[test]
    fn atoms() {
        assert_eq!(one("R5.1").1, "2023-01");
        assert_eq!(one("平成三十年").1, "2018");
        assert_eq!(one("令和元年度(2019年度)").0, "令和元年度(2019年度)");
        assert_eq!(one("平成27~29年度").2.as_deref(), Some("2017"));
        assert_eq!(
            one("平成27年度から平成31年度まで").0,
            "平成27年度から平成31年度まで"
        );
    }

    #[test]
    fn rejects() {
        assert!(find_periods("R5.13").is_empty());
        assert!(find_periods("令和0年").is_empty());
        assert!(find_periods("H29.2.30").is_empty());
        assert!(find_periods("12020年度").is_empty());
        assert!(find_periods("H2O").is_empty());
    }
}
