//! Features of units and table columns, as CRF attribute strings.
//!
//! Every feature describes a property any report can have: the marker a line
//! starts with and its rank against its neighbours, how the line ends, its
//! length, its font size against the body text, its indentation, where it
//! sits on the page, the words of the headings above it and of its column
//! header, the shape of its table. What were hand rules (a 【…】 line over
//! items heads them; lines under a 課題 heading are problems) are features
//! here, and the weights are learned from the gold. No feature names a
//! document.

use super::markers;
use super::table::{is_kpi_year_row, is_year_label, says_nothing};
use super::units::{ColRole, Segmented, TableView, Unit, UnitKind, one_line};
use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Word classes of the genre: the kinds of part a heading can announce, and
/// the kinds of column a header can name. A heading of expected effects
/// (期待される効果), of analysis (検証) or of present state (現状) lists no
/// actions; one of measures (主な事業, 施策) does. The words are the genre's
/// common vocabulary, not one document's.
const CLASSES: &[(&str, &[&str])] = &[
    ("problem", &["課題", "問題"]),
    ("effect", &["効果", "期待される", "成果"]),
    ("state", &["現状", "状況", "現況", "動向", "推移", "実態"]),
    ("analysis", &["分析", "検証", "評価", "点検", "調査"]),
    (
        "forecast",
        &[
            "推計",
            "見通し",
            "将来",
            "展望",
            "シミュレーション",
            "ビジョン",
        ],
    ),
    (
        "purpose",
        &["趣旨", "目的", "背景", "経緯", "位置づけ", "意義"],
    ),
    ("period", &["期間", "スケジュール", "日程"]),
    ("overview", &["概要", "構成", "体系", "説明", "について"]),
    ("approach", &["考え方", "方針", "基本", "方向", "視点"]),
    (
        "action",
        &[
            "取組",
            "取り組",
            "施策",
            "対策",
            "推進",
            "実施",
            "支援",
            "プロジェクト",
        ],
    ),
    ("project", &["事業", "工事", "業務", "計画"]),
    ("name", &["名称", "名", "内容", "項目", "概要"]),
    ("goal", &["目標", "指標", "KPI", "数値", "目指す"]),
    ("toc", &["目次"]),
    (
        "reference",
        &[
            "資料",
            "参考",
            "リンク",
            "問い合わせ",
            "問合せ",
            "用語",
            "出典",
        ],
    ),
    ("result", &["実績", "結果", "達成"]),
    ("money", &["費", "額", "円", "予算", "決算", "単価", "給"]),
    (
        "stat",
        &["人数", "件数", "割合", "率", "号", "数", "単位", "人口"],
    ),
    (
        "role",
        &["担当", "所管", "部局", "課", "推進者", "主体", "実施者"],
    ),
    ("time", &["年度", "時期", "期限", "年月", "日"]),
    ("note", &["備考", "注", "その他"]),
];

/// All the words of [`CLASSES`] in one automaton, and the class of each:
/// every unit's text is asked, so one pass over it, not one per word.
static CLASS_WORDS: LazyLock<(AhoCorasick, Vec<usize>)> = LazyLock::new(|| {
    let (words, class): (Vec<&str>, Vec<usize>) = CLASSES
        .iter()
        .enumerate()
        .flat_map(|(k, (_, words))| words.iter().map(move |w| (*w, k)))
        .unzip();
    (
        AhoCorasick::new(words).expect("class words automaton"),
        class,
    )
});

/// The word classes `text` mentions, in the order of [`CLASSES`].
fn classes(text: &str) -> impl Iterator<Item = &'static str> {
    let (ac, class) = &*CLASS_WORDS;
    let mut found = [false; CLASSES.len()];
    for m in ac.find_overlapping_iter(text) {
        found[class[m.pattern().as_usize()]] = true;
    }
    CLASSES
        .iter()
        .zip(found)
        .filter(|(_, f)| *f)
        .map(|((c, _), _)| *c)
}

/// Whether a heading ends in a clause of purpose (〜を実現するために, 〜に向けて,
/// 〜をめざして): such a heading announces what is to be done for that
/// purpose, whatever its words name (a projection, a vision, a goal), so it
/// reads as a heading of actions. Only the end counts: ために inside a
/// sentence says nothing about the lines below.
fn ends_in_aim(text: &str) -> bool {
    let t = text.trim_end_matches([
        ' ', '　', '］', ']', '】', '＞', '>', '〉', '》', ')', '）', '〕',
    ]);
    ["ために", "に向けて", "をめざして", "を目指して"]
        .iter()
        .any(|e| t.ends_with(e))
}

/// The word classes of a heading: those it mentions, and `aim` when it ends
/// in a clause of purpose ([`ends_in_aim`]).
fn heading_classes(text: &str) -> Vec<&'static str> {
    let mut c: Vec<&'static str> = classes(text).collect();
    if ends_in_aim(text) {
        c.push("aim");
    }
    c
}

fn len_bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1..=5 => "1-5",
        6..=10 => "6-10",
        11..=20 => "11-20",
        21..=40 => "21-40",
        41..=80 => "41-80",
        _ => "81+",
    }
}

fn share_bucket(x: f32) -> &'static str {
    if x <= 0.0 {
        "0"
    } else if x < 0.34 {
        "lo"
    } else if x < 0.67 {
        "mid"
    } else if x < 1.0 {
        "hi"
    } else {
        "all"
    }
}

/// How a line ends: a sentence, a polite or plain verb, a noun of action, a
/// noun phrase.
fn ending(text: &str) -> &'static str {
    let t = text.trim_end_matches([' ', '　', ')', '）', '」', '』']);
    if t.ends_with('。') {
        if t.ends_with("ます。") {
            return "masu.";
        }
        // A noun before the full stop is a noun-stopped sentence (〜を開催。
        // 〜の検討。), the style of bulleted points; a verb or こと before
        // it is prose or a definition (〜とする。 〜のこと。).
        let before = t.trim_end_matches('。').chars().last();
        if before.is_some_and(|c| !('\u{3040}'..='\u{309F}').contains(&c)) {
            return "noun.";
        }
        return "sent.";
    }
    const ENDS: &[(&str, &str)] = &[
        ("ます", "masu"),
        ("する", "suru"),
        ("図る", "hakaru"),
        ("めざす", "mezasu"),
        ("目指す", "mezasu"),
        ("実施", "jisshi"),
        ("推進", "suishin"),
        ("促進", "suishin"),
        ("支援", "shien"),
        ("強化", "kyouka"),
        ("整備", "seibi"),
        ("事業", "jigyou"),
        ("工事", "jigyou"),
        ("の開催", "kaisai"),
        ("開催", "kaisai"),
        ("です", "desu"),
        ("ある", "aru"),
        ("ない", "nai"),
        ("等", "tou"),
        ("など", "tou"),
        ("】", "bracket"),
        ("]", "bracket"),
        (">", "angle"),
        (":", "colon"),
    ];
    for (e, c) in ENDS {
        if t.ends_with(e) {
            return c;
        }
    }
    match t.chars().last() {
        None => "empty",
        Some(c) if c.is_ascii_digit() => "digit",
        Some(c) if c.is_ascii_punctuation() => "punct",
        Some(c) if ('\u{30A0}'..='\u{30FF}').contains(&c) => "katakana",
        Some(c) if ('\u{3040}'..='\u{309F}').contains(&c) => "hiragana",
        Some(_) => "noun",
    }
}

/// The kind of predicate a line ends with, finer than [`ending`] and beside
/// it: a present state (〜しています), a past result (〜しました), a forecast
/// (〜が見込まれます), an intention to go on (〜していきます, 〜に努めます),
/// or a noun of action closing a name or a noun-stopped sentence (〜の検討,
/// 〜を検討。). These
/// are the grammar of Japanese administrative prose, not one report's words.
fn predicate(text: &str) -> Option<&'static str> {
    let t = text.trim_end_matches([' ', '　', ')', '）', '」', '』', '。']);
    const ENDS: &[(&str, &str)] = &[
        ("見込まれます", "forecast"),
        ("予想されます", "forecast"),
        ("想定されます", "forecast"),
        ("と思われます", "forecast"),
        ("見込まれる", "forecast"),
        ("なります", "naru"),
        ("となる", "naru"),
        ("ていきます", "ikimasu"),
        ("てまいります", "ikimasu"),
        ("ていく", "ikimasu"),
        ("に努めます", "ikimasu"),
        ("ています", "teiru"),
        ("ている", "teiru"),
        ("ました", "past"),
        ("でした", "past"),
        ("検討", "actnoun"),
        ("提供", "actnoun"),
        ("運営", "actnoun"),
        ("構築", "actnoun"),
        ("創出", "actnoun"),
        ("確保", "actnoun"),
        ("育成", "actnoun"),
        ("拡大", "actnoun"),
        ("充実", "actnoun"),
        ("向上", "actnoun"),
        ("加速", "actnoun"),
        ("活用", "actnoun"),
        ("サポート", "actnoun"),
        ("導入", "actnoun"),
    ];
    ENDS.iter().find(|(e, _)| t.ends_with(e)).map(|(_, c)| *c)
}

/// Endings that state an action (〜の推進, 〜を支援, 〜を図る, 〜事業).
fn is_action_ending(e: &str) -> bool {
    matches!(
        e,
        "suru"
            | "hakaru"
            | "mezasu"
            | "jisshi"
            | "suishin"
            | "shien"
            | "kyouka"
            | "seibi"
            | "jigyou"
            | "kaisai"
            | "masu"
            | "masu."
    )
}

/// The marker's printed form, with numbers generalized: "(1)" → "(N)", "②" →
/// "circled".
fn marker_class(m: &markers::Marker<'_>) -> String {
    let s = m.marker;
    if s.is_empty() {
        return "markup".into();
    }
    // The glyph of a small bullet (・ • ▪ ►) is the author's or the
    // renderer's taste, not a difference of meaning: one class for all.
    if m.rank == 3 {
        return "small".into();
    }
    let c = s.chars().next().unwrap_or(' ');
    if ('\u{2460}'..='\u{2487}').contains(&c) {
        return "circled".into();
    }
    if s.starts_with('(') {
        return "(N)".into();
    }
    s.to_string()
}

/// A line wholly in angle brackets: ＜主な事業＞, <平成29年度実績>.
fn is_angle_line(t: &str) -> bool {
    (t.starts_with('<') && t.ends_with('>') && t.matches('<').count() == 1)
        || (t.starts_with('〈') && t.ends_with('〉'))
        || (t.starts_with('《') && t.ends_with('》'))
}

/// A line wholly between tildes: ~ 安心して子どもを生み育てる ~.
fn is_tilde_line(t: &str) -> bool {
    t.chars().count() > 4
        && (t.starts_with('~') || t.starts_with('〜') || t.starts_with('～'))
        && (t.ends_with('~') || t.ends_with('〜') || t.ends_with('～'))
}

/// A line that could head what follows (used for the heading context only;
/// whether it is a heading is the labeller's decision).
fn heading_style(u: &Unit) -> Option<u32> {
    let t = u.text.as_str();
    if let UnitKind::Heading { level } = u.kind {
        return Some(level as u32);
    }
    if matches!(u.kind, UnitKind::ListItem { .. } | UnitKind::ListCont) {
        return None;
    }
    if let Some(l) = markers::numbered_heading_level(t) {
        return Some(l);
    }
    if is_tilde_line(t) {
        return Some(16);
    }
    if markers::is_bracket_line(t) || is_angle_line(t) {
        return Some(19);
    }
    if u.marker().is_some_and(|m| m.rank == 0) {
        return Some(20);
    }
    None
}

/// A short plain line that could title what follows: no marker, no sentence
/// end, not a number or a date, outside tables.
fn is_plain_title(u: &Unit) -> bool {
    let t = u.text.as_str();
    is_plain_line(u)
        && (2..=30).contains(&t.chars().count())
        && !t.ends_with(|c: char| c.is_ascii_digit() || c == ')' || c == '、')
        && digit_share(t) < 0.3
        && !markers::is_note(t)
}

/// An unmarked line of text outside tables, with no full stop: what can
/// title a part ([`is_plain_title`]) or label a figure ([`is_label_like`]).
fn is_plain_line(u: &Unit) -> bool {
    u.cell.is_none()
        && matches!(u.kind, UnitKind::Line)
        && u.marker().is_none()
        && !u.text.contains('。')
}

/// A short plain line, as figures label their parts.
fn is_label_like(u: &Unit) -> bool {
    is_plain_line(u) && u.text.chars().filter(|c| !c.is_whitespace()).count() <= 12
}

/// Style key of a unit labelled heading, and the conventional level of its
/// style where it has one: the assembler nests headings by it.
pub fn heading_level(u: &Unit, body_size: f32) -> (String, Option<u32>) {
    let size = size_class(u, body_size);
    if let UnitKind::Heading { level } = u.kind {
        return (format!("h{level}"), Some(level as u32));
    }
    if let Some(l) = heading_style(u) {
        return (format!("s{l}{size}"), Some(l));
    }
    let m = u
        .marker()
        .map(|m| marker_class(&m))
        .unwrap_or_else(|| "plain".into());
    let kind = match u.kind {
        UnitKind::Row | UnitKind::CellLine => "t",
        _ => "",
    };
    (
        format!("{kind}{m}{size}{}", if u.bold { "b" } else { "" }),
        None,
    )
}

fn size_class(u: &Unit, body: f32) -> &'static str {
    match u.size {
        Some(s) if body > 0.0 => {
            let r = s / body;
            if r >= 1.6 {
                "xl"
            } else if r >= 1.15 {
                "big"
            } else if r <= 0.85 {
                "small"
            } else {
                "body"
            }
        }
        _ => "",
    }
}

/// The body text's font size: the size most characters are set in.
pub fn body_size(units: &[Unit]) -> f32 {
    let mut counts: HashMap<i32, usize> = HashMap::new();
    for u in units {
        if let Some(s) = u.size {
            *counts.entry((s * 2.0).round() as i32).or_default() += u.text.chars().count();
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(k, n)| (n, -k))
        .map_or(0.0, |(k, _)| k as f32 / 2.0)
}

/// A note: ※, *, 注 or (注 at the start of the line.
pub fn is_note_line(t: &str) -> bool {
    markers::is_note(t) || t.starts_with('*') || t.starts_with("(注") || t.starts_with("注")
}

/// The text with digits dropped, for finding page furniture repeated on pages.
fn furniture_key(t: &str) -> String {
    t.chars()
        .filter(|c| !c.is_ascii_digit() && !c.is_whitespace())
        .collect()
}

fn is_page_number(t: &str) -> bool {
    let core: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && !"-–—ー()[]/".contains(*c))
        .collect();
    !core.is_empty()
        && core.len() <= 6
        && core
            .trim_start_matches('P')
            .chars()
            .all(|c| c.is_ascii_digit())
}

fn digit_share(t: &str) -> f32 {
    let n = t.chars().filter(|c| !c.is_whitespace()).count();
    if n == 0 {
        return 0.0;
    }
    let d = t
        .chars()
        .filter(|c| c.is_ascii_digit() || ",.%".contains(*c))
        .count();
    d as f32 / n as f32
}

/// A table cell that only holds a number (with a unit sign) or nothing.
fn is_numeric_cell(t: &str) -> bool {
    let t = t.trim();
    !t.is_empty()
        && t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || ",.%-+△▲ 円人件千万億台回ha㎡m".contains(c) || c == '%')
}

fn is_mark_cell(t: &str) -> bool {
    matches!(t.trim(), "●" | "○" | "◎" | "◯" | "✓" | "✔" | "レ" | "〇")
}

/// What a unit's own words and shape say, without its neighbours.
fn core(u: &Unit, body: f32, out: &mut Vec<String>) {
    let t = u.text.as_str();
    out.push(format!("k={}", u.kind.name()));
    match u.kind {
        UnitKind::Heading { level } => out.push(format!("hl={level}")),
        UnitKind::ListItem { depth } => out.push(format!("lid={}", depth.min(3))),
        _ => {}
    }
    match u.marker() {
        Some(m) => {
            out.push(format!("m={}", marker_class(&m)));
            // List markup ("- ") is a converter's, not the author's bullet:
            // it gets no rank of its own, so a printed ・ or • is not judged
            // by what markup lines do.
            if m.marker.is_empty() {
                out.push("r=markup".into());
            } else {
                out.push(format!("r={}", m.rank));
            }
        }
        None => match &u.implicit_marker {
            Some(im) if matches!(u.kind, UnitKind::ListItem { .. }) => {
                out.push(format!("im={im}"));
                // The bullet the list draws is the bullet a text line would
                // start with: both say the same (an Office or PDF rendering
                // of an HTML list has the bullet in its text).
                match markers::marker(im) {
                    Some(m) if m.rank == 3 => out.push("m=small".into()),
                    _ => out.push(format!("m={im}")),
                }
                out.push("r=li".into());
            }
            _ => out.push("r=none".into()),
        },
    }
    if let Some(l) = markers::numbered_heading_level(t) {
        out.push(format!("nh={l}"));
    }
    if markers::is_bracket_line(t) {
        out.push("br".into());
    }
    if is_angle_line(t) {
        out.push("ang".into());
    }
    if is_tilde_line(t) {
        out.push("tilde".into());
    }
    if markers::is_bracket_line_note(t) {
        out.push("brnote".into());
    }
    if is_note_line(t) {
        out.push("note".into());
    }
    if t.starts_with("(単位") || t.starts_with("単位:") || t.starts_with("資料:") {
        out.push("unitnote".into());
    }
    if markers::is_toc_line(t) {
        out.push("toc".into());
    }
    if markers::is_form_instruction(t) {
        out.push("instr".into());
    }
    if says_nothing(u.title()) {
        out.push("nothing".into());
    }
    if u.cover {
        out.push("cover".into());
    }
    let title = u.title();
    let n = title.chars().count();
    out.push(format!("len={}", len_bucket(n)));
    out.push(format!("end={}", ending(title)));
    if let Some(p) = predicate(title) {
        out.push(format!("pred={p}"));
    }
    if title.trim_end_matches('。').contains('。') {
        out.push("sents".into());
    }
    if title.contains('、') {
        out.push("comma".into());
    }
    if title.starts_with(['「', '『', '"']) {
        out.push("quote0".into());
    }
    out.push(format!("dig={}", share_bucket(digit_share(title))));
    if is_kpi_year_row(t) {
        out.push("kpiyr".into());
    }
    if n <= 40 {
        for c in heading_classes(title) {
            out.push(format!("v={c}"));
        }
    }
    let sc = size_class(u, body);
    if !sc.is_empty() {
        out.push(format!("sz={sc}"));
    }
    if u.bold {
        out.push("bold".into());
    }
    if is_page_number(t) {
        out.push("pno".into());
    }
}

/// The per-unit attribute lists the unit model reads.
pub fn unit_features(seg: &Segmented<'_>) -> Vec<Vec<String>> {
    let units = &seg.units;
    let body = body_size(units);
    let cores: Vec<Vec<String>> = units
        .iter()
        .map(|u| {
            let mut v = Vec::with_capacity(24);
            core(u, body, &mut v);
            v
        })
        .collect();
    // Page furniture: a text repeated on three pages or more.
    let mut pages_of: HashMap<String, Vec<u32>> = HashMap::new();
    for u in units {
        if let (Some(p), UnitKind::Line | UnitKind::Heading { .. }) = (u.page, u.kind)
            && u.text.chars().count() <= 60
        {
            let e = pages_of.entry(furniture_key(&u.text)).or_default();
            if e.last() != Some(&p) {
                e.push(p);
            }
        }
    }
    // Page geometry: the left margin and the top and bottom of the text.
    let mut page_box: HashMap<u32, (f32, f32, f32)> = HashMap::new();
    for u in units {
        if let (Some(p), Some(b), None) = (u.page, u.bbox, u.cell) {
            let e = page_box.entry(p).or_insert((f32::MAX, f32::MIN, f32::MAX));
            e.0 = e.0.min(b.x0);
            e.1 = e.1.max(b.y1);
            e.2 = e.2.min(b.y0);
        }
    }

    let mut out = Vec::with_capacity(units.len());
    // Heading candidates above, innermost last: (style level, the heading's
    // word classes, found once per heading, not once per unit below it; the
    // marker class of the list it interrupts, when it comes a few units
    // after a marked one: a 【…実績】 line inside a ◆ item's block).
    let mut stack: Vec<(u32, Vec<&'static str>, Option<String>)> = Vec::new();
    let mut since_heading = 0usize;
    let mut top_rank: Option<u8> = None;
    let mut prev_rank: Option<u8> = None;
    // The nearest marked unit above (since the last heading candidate): its
    // marker class and how far up it is.
    let mut last_marked: Option<(String, usize)> = None;
    let mut in_kpi = false;
    // How much of the document is bulleted: documents that bullet their items
    // continue them with plain lines.
    let marked = cores
        .iter()
        .filter(|c| c.iter().any(|a| a == "r=1" || a == "r=0"))
        .count();
    let doc_bullets = share_bucket(marked as f32 / units.len().max(1) as f32 * 4.0);
    // The labels of a figure: runs of three or more short plain lines (出 生,
    // 死 亡, 転 入 …). None of them titles what follows.
    let short: Vec<bool> = units.iter().map(is_label_like).collect();
    let mut figure = Vec::with_capacity(units.len());
    for run in short.chunk_by(|a, b| a == b) {
        figure.extend(std::iter::repeat_n(run[0] && run.len() >= 3, run.len()));
    }
    for (i, u) in units.iter().enumerate() {
        let mut f = cores[i].clone();
        let t = u.text.as_str();
        let rank = u.marker().map(|m| m.rank).or(match u.kind {
            UnitKind::ListItem { depth } => Some(3 + depth.min(3)),
            _ => None,
        });
        // Heading context.
        if let Some(inner) = stack.last() {
            if inner.1.is_empty() {
                f.push("hv=plain".into());
            }
            f.extend(inner.1.iter().map(|c| format!("hv={c}")));
        } else {
            f.push("hv=none".into());
        }
        for (_, h, _) in &stack {
            for c in h {
                f.push(format!("hva={c}"));
            }
        }
        if let Some((_, _, Some(m))) = stack.last() {
            f.push(format!("hin={m}"));
            if let Some(mc) = u.marker().map(|mk| marker_class(&mk)) {
                f.push(if mc == *m { "hin_same" } else { "hin_other" }.into());
            }
        }
        f.push(format!("hd={}", len_bucket(since_heading)));
        f.push(format!("docbul={doc_bullets}"));
        match &last_marked {
            Some((m, at)) => {
                let d = len_bucket(i - at);
                f.push(format!("lastm={m}"));
                f.push(format!("lastmd={d}"));
                if rank.is_none() {
                    f.push(format!("plain_lastm={m}"));
                } else if let Some(mc) = u.marker().map(|m| marker_class(&m)) {
                    f.push(if mc == *m { "samem" } else { "otherm" }.into());
                }
            }
            None => f.push("lastm=none".into()),
        }
        // List structure: rank against the previous marked unit and the list's
        // top rank since the last heading candidate.
        match (rank, prev_rank) {
            (Some(r), Some(p)) => f.push(format!("pr={}", cmp_name(r, p))),
            (Some(_), None) => f.push("pr=first".into()),
            _ => {}
        }
        match (rank, top_rank) {
            (Some(r), Some(tr)) => f.push(format!("top={}", cmp_name(r, tr))),
            (Some(_), None) => f.push("top=first".into()),
            _ => {}
        }
        // The next unit.
        let next = units.get(i + 1);
        let nx = match next {
            None => "end".to_string(),
            Some(n) if matches!(n.kind, UnitKind::Heading { .. }) => "head".into(),
            Some(n) if n.cell.is_some() && u.cell.is_none() => "table".into(),
            Some(n) => {
                let nr = n.marker().map(|m| m.rank).or(match n.kind {
                    UnitKind::ListItem { depth } => Some(3 + depth.min(3)),
                    _ => None,
                });
                match (nr, rank) {
                    (Some(a), Some(b)) => cmp_name(a, b).to_string(),
                    (Some(_), None) => "marked".into(),
                    (None, _) if heading_style(n).is_some() => "headlike".into(),
                    (None, _) => "plain".into(),
                }
            }
        };
        f.push(format!("nx={nx}"));
        // Layout.
        if let (Some(p), Some(b)) = (u.page, u.bbox) {
            let h = (b.y1 - b.y0).max(1.0);
            if u.cell.is_none()
                && let Some(&(left, top, bottom)) = page_box.get(&p)
            {
                let m = ((b.x0 - left) / h).round() as i32;
                f.push(format!("mrg={}", m.clamp(0, 4)));
                if top - b.y1 < h * 0.5 {
                    f.push("ptop".into());
                }
                if b.y0 - bottom < h * 0.5 {
                    f.push("pbottom".into());
                }
            }
            if i > 0
                && let (Some(pp), Some(pb)) = (units[i - 1].page, units[i - 1].bbox)
                && pp == p
            {
                let d = (b.x0 - pb.x0) / h;
                f.push(
                    if d > 0.5 {
                        "ind=right"
                    } else if d < -0.5 {
                        "ind=left"
                    } else {
                        "ind=same"
                    }
                    .into(),
                );
                if pb.y0 - b.y1 > h * 1.2 {
                    f.push("gap".into());
                }
            }
        }
        if pages_of
            .get(&furniture_key(t))
            .is_some_and(|p| p.len() >= 3)
            && u.cell.is_none()
        {
            f.push("rep".into());
        }
        // Table context.
        if let Some(c) = u.cell {
            table_context(u, &seg.tables[c.table], c, &mut f);
        }
        if in_kpi && u.cell.is_none() {
            f.push("inkpi".into());
        }
        // Neighbours' core features.
        for (prefix, j) in [("p1", i.checked_sub(1)), ("n1", Some(i + 1))] {
            match j.and_then(|j| cores.get(j)) {
                Some(c) => {
                    for a in c.iter().filter(|a| is_window_feature(a)) {
                        f.push(format!("{prefix}:{a}"));
                    }
                }
                None => f.push(format!("{prefix}:none")),
            }
        }
        if let Some(c) = i.checked_sub(2).and_then(|j| cores.get(j)) {
            for a in c
                .iter()
                .filter(|a| a.starts_with("k=") || a.starts_with("r="))
            {
                f.push(format!("p2:{a}"));
            }
        }
        if figure[i] {
            f.push("fig".into());
        }
        let plain_title = is_plain_title(u)
            && !figure[i]
            && units.get(i + 1).is_some_and(|n| {
                n.cell.is_none()
                    && (n.marker().is_some_and(|m| m.rank <= 1)
                        || matches!(n.kind, UnitKind::ListItem { .. })
                        || n.text.chars().count() > 40)
            });
        if plain_title {
            f.push("ptitle".into());
        }
        // A table row is read on its own terms: the same words weigh
        // differently in a row than in a line of text.
        if matches!(u.kind, UnitKind::Row | UnitKind::HeaderRow) {
            for a in f.iter_mut() {
                a.insert_str(0, "R|");
            }
        }
        out.push(f);

        // Update the running context.
        since_heading += 1;
        if let Some(level) = heading_style(u)
            .filter(|_| u.cell.is_none() || u.title().len() < 90)
            .or(plain_title.then_some(18))
        {
            while stack.last().is_some_and(|(l, _, _)| *l >= level) {
                stack.pop();
            }
            let inside = last_marked
                .as_ref()
                .filter(|(_, at)| i - at <= 4)
                .map(|(m, _)| m.clone());
            stack.push((level, heading_classes(t), inside));
            since_heading = 0;
            top_rank = None;
            prev_rank = None;
            last_marked = None;
            in_kpi = false;
        } else if let Some(r) = rank.filter(|_| u.kind != UnitKind::HeaderRow) {
            let class = u
                .marker()
                .map(|m| marker_class(&m))
                .or_else(|| u.implicit_marker.clone())
                .unwrap_or_default();
            last_marked = Some((class, i));
            prev_rank = Some(r);
            top_rank = Some(top_rank.map_or(r, |tr| tr.min(r)));
        }
        if is_kpi_year_row(t) {
            in_kpi = true;
        }
    }
    out
}

fn is_window_feature(a: &str) -> bool {
    ["k=", "m=", "r=", "end=", "len=", "nh=", "v=", "sz="]
        .iter()
        .any(|p| a.starts_with(p))
        || matches!(
            a,
            "br" | "ang" | "tilde" | "note" | "kpiyr" | "bold" | "ptitle"
        )
}

fn cmp_name(a: u8, b: u8) -> &'static str {
    match a.cmp(&b) {
        std::cmp::Ordering::Less => "shallower",
        std::cmp::Ordering::Equal => "same",
        std::cmp::Ordering::Greater => "deeper",
    }
}

fn table_context(u: &Unit, tv: &TableView<'_>, c: super::units::CellRef, f: &mut Vec<String>) {
    // What the unit's whole column looks like: its header words, whether it
    // is the longest text column, how many of its cells state actions.
    if let Some(cf) = tv.column_features.get(c.col) {
        for a in cf.iter().filter(|a| !a.contains(':')) {
            f.push(format!("c:{a}"));
        }
    }
    f.push(format!(
        "trole={}",
        tv.roles.get(c.col).map_or("F", |r| r.label())
    ));
    match tv.header(c.col) {
        Some(h) => {
            for k in classes(&h) {
                f.push(format!("thv={k}"));
            }
        }
        None => f.push("thv=none".into()),
    }
    if c.col == 0 {
        f.push("tc0".into());
    }
    if c.row == tv.header_rows {
        f.push("tfirst".into());
    }
    if u.kind == UnitKind::CellLine {
        f.push(if c.line == 0 { "tcl=0" } else { "tcl=n" }.into());
    }
    // Both ways: a row of a table that is no KPI table is not a KPI row.
    f.push(if tv.kpi { "tkpi=1" } else { "tkpi=0" }.into());
    // The other cells of the row.
    let others: Vec<String> = (0..tv.grid.ncols)
        .filter(|&k| k != c.col)
        .filter_map(|k| tv.grid.origin_cell(c.row, k))
        .map(|cell| one_line(&cell.text()))
        .filter(|t| !t.is_empty())
        .collect();
    if others.is_empty() {
        f.push("tgrp".into());
    } else {
        if others.iter().any(|t| is_mark_cell(t)) {
            f.push("tmarks".into());
        }
        if others.iter().all(|t| is_numeric_cell(t)) {
            f.push("tnums".into());
        }
    }
    let labels = tv.roles.iter().filter(|r| **r == ColRole::Label).count();
    f.push(format!("tlab={}", labels.min(2)));
}

/// Whether the column model reads column `c`: a column whose body cells are
/// mostly numbers, marks (●) or empty names no initiative and labels no row,
/// so it is a field, unless its header names codes.
pub fn is_model_column(tv: &TableView<'_>, c: usize) -> bool {
    let g = &tv.grid;
    if tv
        .header(c)
        .is_some_and(|h| super::codes::is_code_header(&h))
    {
        return true;
    }
    let cells: Vec<String> = (tv.header_rows..g.rows.len())
        .filter_map(|r| g.cover(r, c).map(|(cell, _)| one_line(&cell.text())))
        .collect();
    let text = cells
        .iter()
        .filter(|t| !t.is_empty() && !is_numeric_cell(t) && !is_mark_cell(t))
        .count();
    text * 3 >= cells.len().max(1)
}

/// The columns the column model reads ([`is_model_column`]) and their
/// attribute lists.
pub fn model_columns(tv: &TableView<'_>) -> (Vec<usize>, Vec<Vec<String>>) {
    let cols: Vec<usize> = (0..tv.grid.ncols)
        .filter(|&c| is_model_column(tv, c))
        .collect();
    let feats = cols
        .iter()
        .map(|&c| tv.column_features[c].clone())
        .collect();
    (cols, feats)
}

/// The attribute lists of every column of a table (computed once, by
/// [`super::units::tables`], into [`TableView::column_features`]).
pub fn column_features(tv: &TableView<'_>) -> Vec<Vec<String>> {
    let g = &tv.grid;
    let body: Vec<usize> = (tv.header_rows..g.rows.len()).collect();
    let kpi = tv.kpi;
    let mut cols: Vec<Vec<String>> = Vec::with_capacity(g.ncols);
    let mut cores: Vec<Vec<String>> = Vec::with_capacity(g.ncols);
    // The columns of running text, longest first: a main column is usually
    // the longest text column, whatever its header says.
    let text_len = |c: usize| -> usize {
        let cells: Vec<String> = body
            .iter()
            .filter_map(|&r| g.origin_cell(r, c))
            .map(|cell| one_line(&cell.text()))
            .filter(|t| !t.is_empty() && !is_numeric_cell(t) && !is_mark_cell(t))
            .collect();
        if cells.len() * 2 < body.len().max(1) {
            return 0;
        }
        cells.iter().map(|t| t.chars().count()).sum::<usize>() / cells.len().max(1)
    };
    let lens: Vec<usize> = (0..g.ncols).map(text_len).collect();
    let any_marks = (0..g.ncols).any(|c| {
        body.iter()
            .filter_map(|&r| g.origin_cell(r, c))
            .any(|cell| is_mark_cell(&cell.text()))
    });
    for c in 0..g.ncols {
        let mut f = Vec::new();
        let rank = lens.iter().filter(|&&l| l > lens[c]).count();
        if lens[c] == 0 {
            f.push("lenrank=none".into());
        } else {
            f.push(format!("lenrank={}", rank.min(3)));
            f.push(format!(
                "lenrank{}_avg={}",
                rank.min(3),
                len_bucket(lens[c])
            ));
        }
        if any_marks {
            f.push("tmarks".into());
        }
        match tv
            .header(c)
            .map(|h| h.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        {
            Some(h) if !h.is_empty() => {
                for k in classes(&h) {
                    f.push(format!("hv={k}"));
                }
                let v: Vec<char> = h.chars().collect();
                if is_year_label(&h) {
                    f.push("hyear".into());
                }
                if super::codes::is_code_header(&h) {
                    f.push("hcode".into());
                }
                f.push(format!("hlen={}", len_bucket(v.len())));
            }
            _ => f.push("hv=none".into()),
        }
        let cells: Vec<String> = body
            .iter()
            .filter_map(|&r| g.origin_cell(r, c))
            .map(|cell| one_line(&cell.text()))
            .collect();
        let n = cells.len().max(1) as f32;
        let nonempty: Vec<&String> = cells.iter().filter(|t| !t.is_empty()).collect();
        let share = |p: &dyn Fn(&str) -> bool| nonempty.iter().filter(|t| p(t)).count() as f32 / n;
        f.push(format!(
            "empty={}",
            share_bucket(1.0 - nonempty.len() as f32 / n)
        ));
        f.push(format!("num={}", share_bucket(share(&is_numeric_cell))));
        f.push(format!("mark={}", share_bucket(share(&is_mark_cell))));
        f.push(format!(
            "bul={}",
            share_bucket(share(&|t| markers::marker(t).is_some()))
        ));
        f.push(format!(
            "sent={}",
            share_bucket(share(&|t| t.ends_with('。') || t.ends_with("ます")))
        ));
        f.push(format!(
            "nothing={}",
            share_bucket(share(&|t| says_nothing(t)))
        ));
        f.push(format!(
            "actend={}",
            share_bucket(share(&|t| is_action_ending(ending(t))))
        ));
        f.push(format!(
            "actvoc={}",
            share_bucket(share(
                &|t| classes(t).any(|c| c == "action" || c == "project")
            ))
        ));
        let avg = nonempty.iter().map(|t| t.chars().count()).sum::<usize>() / nonempty.len().max(1);
        f.push(format!("avg={}", len_bucket(avg)));
        let mut distinct: Vec<&String> = nonempty.clone();
        distinct.sort();
        distinct.dedup();
        f.push(format!(
            "distinct={}",
            share_bucket(distinct.len() as f32 / nonempty.len().max(1) as f32)
        ));
        let spans = body
            .iter()
            .filter_map(|&r| g.origin_cell(r, c))
            .filter(|cell| cell.row_span > 1)
            .count();
        f.push(format!("rspan={}", share_bucket(spans as f32 / n)));
        if g.is_row_label_col(tv.header_rows, c) {
            f.push("th".into());
        }
        // Several items in one cell.
        let multi = body
            .iter()
            .filter_map(|&r| g.origin_cell(r, c))
            .filter(|cell| {
                cell.text()
                    .lines()
                    .filter(|l| markers::marker(l.trim()).is_some_and(|m| m.rank >= 1))
                    .count()
                    >= 2
            })
            .count();
        f.push(format!("multi={}", share_bucket(multi as f32 / n)));
        // Text full of figures (a tariff: 10m3まで1,650円) is data, not a
        // list of measures; sentences of what is done now (〜しています)
        // describe the present state.
        f.push(format!(
            "digs={}",
            share_bucket(share(&|t| digit_share(t) >= 0.15))
        ));
        f.push(format!(
            "now={}",
            share_bucket(share(&|t| matches!(predicate(t), Some("teiru" | "past"))))
        ));
        cores.push(f.clone());
        f.push(format!("ci={}", c.min(3)));
        if c + 1 == g.ncols {
            f.push("clast".into());
        }
        if kpi {
            f.push("kpi".into());
        }
        cols.push(f);
    }
    for (c, f) in cols.iter_mut().enumerate() {
        for (prefix, j) in [("p1", c.checked_sub(1)), ("n1", Some(c + 1))] {
            match j.and_then(|j| cores.get(j)) {
                Some(o) => {
                    for a in o.iter().filter(|a| {
                        a.starts_with("hv=") || a.starts_with("avg=") || a.starts_with("num=")
                    }) {
                        f.push(format!("{prefix}:{a}"));
                    }
                }
                None => f.push(format!("{prefix}:none")),
            }
        }
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endings_and_classes() {
        assert_eq!(ending("研修を実施します。"), "masu.");
        assert_eq!(ending("方策の検討。"), "noun.");
        assert_eq!(ending("協力を行うものとする。"), "sent.");
        assert_eq!(ending("連携体制の強化を図る"), "hakaru");
        assert_eq!(ending("道路改良工事"), "jigyou");
        assert_eq!(ending("人材の育成"), "noun");
        let c: Vec<_> = classes("期待される施策の主な効果").collect();
        assert!(c.contains(&"effect"));
        assert!(c.contains(&"action"));
        assert!(classes("人口の現状").any(|c| c == "state"));
        let aim = heading_classes("［将来展望を実現するために］");
        assert!(aim.contains(&"forecast") && aim.contains(&"aim"), "{aim:?}");
        assert!(heading_classes("目標の達成に向けて").contains(&"aim"));
        assert!(!heading_classes("地域課題に対応するために、研修を実施します。").contains(&"aim"));
        assert!(!heading_classes("人口の将来推計").contains(&"aim"));
    }

    /// Features of each line of a text document, found by their text.
    fn features_of(text: &str) -> Vec<(String, Vec<String>)> {
        let doc = crate::pipeline::read_document(text.as_bytes(), None, &crate::Limits::default())
            .expect("text document");
        let seg = super::super::labeller::current().segment(&doc.blocks);
        let feats = unit_features(&seg);
        seg.units
            .iter()
            .map(|u| u.text.to_string())
            .zip(feats)
            .collect()
    }

    #[test]
    fn small_bullets_share_one_class_and_list_markup_has_no_rank() {
        let f = features_of("主な取組\n\n・研修の開催\n\n• 相談窓口の運営\n\n- 会議の開催\n\n");
        let of = |t: &str| &f.iter().find(|(u, _)| u.contains(t)).expect(t).1;
        for t in ["研修", "相談窓口"] {
            assert!(of(t).iter().any(|a| a == "m=small"), "{t}: {:?}", of(t));
            assert!(of(t).iter().any(|a| a == "r=3"), "{t}: {:?}", of(t));
        }
        let markup = of("会議");
        assert!(markup.iter().any(|a| a == "r=markup"), "{markup:?}");
        assert!(!markup.iter().any(|a| a == "r=3"), "{markup:?}");
    }

    #[test]
    fn a_bracket_line_inside_a_list_tells_the_lines_below() {
        let f = features_of(
            "施策の展開\n\n◆相談窓口の運営\n\n移住の相談に応じます。\n\n【令和4年度実績】\n\n             ・相談件数 120件\n\n◆交流会の開催\n\n",
        );
        let of = |t: &str| &f.iter().find(|(u, _)| u.contains(t)).expect(t).1;
        // The result line under 【…実績】 knows the ◆ list the bracket line
        // interrupts, and that its own marker is another one.
        let result = of("相談件数");
        assert!(result.iter().any(|a| a == "hin=◆"), "{result:?}");
        assert!(result.iter().any(|a| a == "hin_other"), "{result:?}");
        // The next ◆ item is of that list again.
        assert!(of("交流会").iter().any(|a| a == "hin_same"));
        // Under a heading that interrupts no list, nothing is said.
        assert!(!of("相談窓口").iter().any(|a| a.starts_with("hin")));
    }

    #[test]
    fn the_labels_of_a_figure_title_nothing() {
        let f = features_of(
            "人口推計の考え方\n\n○人口の変動は、出生・死亡・移動の3つの要素によるものです。\n\n\
             出 生\n\n死 亡\n\n転 入\n\n転 出\n\n\
             ○移動は、転入と転出の差引の結果としての移動数として考えることとします。\n\n",
        );
        let of = |t: &str| &f.iter().find(|(u, _)| u.contains(t)).expect(t).1;
        let last = of("転 出");
        assert!(last.iter().any(|a| a == "fig"), "{last:?}");
        assert!(!last.iter().any(|a| a == "ptitle"), "{last:?}");
        // The sentence after the figure is still under the heading above it.
        let after = of("移動は");
        assert!(after.iter().any(|a| a == "hv=forecast"), "{after:?}");
        assert!(!of("人口の変動は").iter().any(|a| a == "fig"));
    }

    #[test]
    fn a_column_of_figures_is_told_from_a_column_of_sentences() {
        let html = "<html><body><table border=1>\
            <tr><td>一般家庭用</td><td>基本使用料 10m3まで1,650円</td></tr>\
            <tr><td>業務用</td><td>営業1種 10m3まで 2,100円</td></tr>\
            <tr><td>その他</td><td>学校用 100m3まで 11,700円</td></tr>\
            <tr><td>組織</td><td>上下水道係で事業運営を行っています。</td></tr>\
            </table></body></html>";
        let doc = crate::pipeline::read_document(html.as_bytes(), None, &crate::Limits::default())
            .expect("html");
        let seg = super::super::labeller::current().segment(&doc.blocks);
        let cols = &seg.tables[0].column_features;
        assert!(cols[1].iter().any(|a| a == "digs=hi"), "{:?}", cols[1]);
        assert!(cols[1].iter().any(|a| a == "now=lo"), "{:?}", cols[1]);
        assert!(cols[0].iter().any(|a| a == "digs=0"), "{:?}", cols[0]);
    }

    #[test]
    fn line_shapes() {
        assert!(is_angle_line("<主な事業>"));
        assert!(is_tilde_line("~ 安心して子どもを生み育てる ~"));
        assert!(is_page_number("- 12 -"));
        assert!(!is_page_number("2040年"));
        assert!(is_numeric_cell("1,234千円"));
        assert!(!is_numeric_cell("研修の開催"));
    }
}
