//! Responsible bodies in parentheses after an item (（振興局）) and region
//! tags (【宗谷】).
//!
//! Only the parentheses printed at the very end of an item name bodies
//! (region tags may follow them: `…（振興局、市町村）【宗谷】`). Their
//! content counts only when every part, split at 、 and ・, looks like the name
//! of a body (振興局, 本庁, 日赤, 関係機関等, …); parentheses that describe
//! (未就業者への就業斡旋…), place (東京) or date (H30.3) something are not
//! orgs. Regions come from 【…】 tags holding a region name, never from
//! notes such as 【上記、連携地域】 or 【R2:14振興局…】.
//!
//! ```
//! use torikumi::parse::owners::{find_orgs, find_regions};
//! let t = "「宗谷防災講座」の開催(振興局、市町村、関係機関等)【宗谷】";
//! assert_eq!(find_orgs(t), vec!["振興局", "市町村", "関係機関等"]);
//! assert_eq!(find_regions(t), vec!["宗谷"]);
//! ```

/// Names that are bodies on their own.
const BODIES: &[&str] = &[
    "本庁",
    "振興局",
    "総合振興局",
    "日赤",
    "道",
    "国",
    "市町村",
    "町村",
    "市",
    "町",
    "村",
    "民間",
    "企業",
    "関係機関",
    "関係団体",
    "事業者",
    "関係者",
    "警察",
    "消防",
    "社協",
    "大学",
    "学校",
    "道警",
    "医師会",
    "自治体",
    "NPO",
];

/// Endings that make a word a body (管理局, 関係機関, 協議会, 総務課).
const BODY_ENDINGS: &[&str] = &[
    "局",
    "庁",
    "機関",
    "団体",
    "協会",
    "協議会",
    "委員会",
    "本部",
    "センター",
    "事務所",
    "法人",
    "組合",
    "会議所",
    "課",
    "部",
    "係",
    "市町村",
    "町村",
    "企業",
    "大学",
    "事業者",
    "関係者",
    "病院",
    "医師会",
    "機構",
    "公社",
    "財団",
    "省",
    "保健所",
    "研究所",
    "試験場",
];

/// Hokkaido's 振興局 areas and other region names seen in tags.
const REGION_NAMES: &[&str] = &[
    "石狩",
    "渡島",
    "檜山",
    "後志",
    "空知",
    "上川",
    "留萌",
    "宗谷",
    "オホーツク",
    "胆振",
    "日高",
    "十勝",
    "釧路",
    "根室",
    "道央",
    "道南",
    "道北",
    "道東",
    "全道",
    "北海道",
];

/// Endings that make a short tag a region (道北連携地域, 上川管内, 稚内市).
const REGION_ENDINGS: &[&str] = &[
    "連携地域",
    "地域",
    "管内",
    "圏域",
    "振興局",
    "総合振興局",
    "地方",
    "市",
    "町",
    "村",
];

/// Words with a body's ending that name no body (一部: "partly").
const NOT_BODIES: &[&str] = &[
    "一部", "全部", "内部", "外部", "細部", "上部", "下部", "中部", "北部", "南部", "東部", "西部",
    "結局", "各部",
];

fn is_body(part: &str) -> bool {
    let core = part.strip_suffix('等').unwrap_or(part);
    if core.is_empty() || core.chars().count() > 14 || NOT_BODIES.contains(&core) {
        return false;
    }
    if core.chars().any(|c| {
        c.is_ascii_digit() || matches!(c, '。' | ':' | '~' | '(' | ')' | '「' | '」' | ' ')
    }) || core.contains("及び")
        || core.contains("への")
        || core.contains('の')
    {
        return false;
    }
    BODIES.contains(&core) || BODY_ENDINGS.iter().any(|e| core.ends_with(e))
}

/// Strips trailing region tags, spaces and a final 。.
fn strip_tail(text: &str) -> &str {
    let mut t = text.trim_end();
    loop {
        let before = t;
        t = t.trim_end_matches(['。', ' ']);
        if t.ends_with('】')
            && let Some(open) = t.rfind('【')
        {
            t = &t[..open];
        }
        if t == before {
            return t;
        }
    }
}

/// The content of the balanced `(…)` at the end of `t`, if it ends with one.
fn last_parens(t: &str) -> Option<&str> {
    let body = t.strip_suffix(')')?;
    let mut depth = 1usize;
    for (i, c) in body.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&body[i + c.len_utf8()..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// Bodies named in the parentheses printed after the item's text.
///
/// ```
/// use torikumi::parse::owners::find_orgs;
/// assert_eq!(find_orgs("研修の開催(振興局・関係機関等)"), vec!["振興局", "関係機関等"]);
/// assert_eq!(find_orgs("推進(日赤)"), vec!["日赤"]);
/// assert!(find_orgs("センター(東京)").is_empty());
/// assert!(find_orgs("策定 (H30.3)").is_empty());
/// ```
pub fn find_orgs(text: &str) -> Vec<String> {
    let t = strip_tail(text);
    let Some(inner) = last_parens(t) else {
        return Vec::new();
    };
    let parts: Vec<&str> = inner.split(['、', '・', ',']).map(str::trim).collect();
    if parts.iter().all(|p| is_body(p)) {
        parts.into_iter().map(str::to_string).collect()
    } else {
        Vec::new()
    }
}

fn is_region(name: &str) -> bool {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 10 {
        return false;
    }
    if n.chars().any(|c| {
        c.is_ascii_digit() || matches!(c, '、' | ',' | ':' | '(' | ')' | '。' | ' ' | '<' | '>')
    }) || n.contains("上記")
    {
        return false;
    }
    REGION_NAMES.contains(&n)
        || REGION_ENDINGS
            .iter()
            .any(|e| n.ends_with(e) && n.chars().count() > e.chars().count())
}

/// Region tags such as 【宗谷】, without brackets.
///
/// ```
/// use torikumi::parse::owners::find_regions;
/// assert_eq!(find_regions("…を促進【留萌】"), vec!["留萌"]);
/// assert!(find_regions("【上記、連携地域】").is_empty());
/// assert!(find_regions("【R2:14振興局、R3:14振興局】").is_empty());
/// assert!(find_regions("【再掲】【運営実績(H28.10.1~H30.3.31)】").is_empty());
/// ```
pub fn find_regions(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('【') {
        let after = &rest[open + '【'.len_utf8()..];
        let Some(close) = after.find('】') else {
            break;
        };
        let inner = &after[..close];
        // 【宗谷・留萌】: several regions in one tag, each must be one.
        let parts: Vec<&str> = inner.split('・').collect();
        if !inner.contains('【') && parts.iter().all(|p| is_region(p)) {
            out.extend(parts.into_iter().map(|p| p.trim().to_string()));
        }
        rest = &after[close + '】'.len_utf8()..];
    }
    out
}
