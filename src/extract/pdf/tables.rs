//! Tables from ruling lines: merged rules → connected grids → cells with spans.

use super::interp::{Fill, Rule};

/// Rules closer than this (points) across their length are one rule.
const POS_TOL: f32 = 1.6;
/// Slack when testing whether two rules touch.
const TOUCH_TOL: f32 = 2.5;
/// Most rules looked at on one page (pages of charts draw thousands).
const MAX_RULES: usize = 6_000;
/// Most grid boxes of one table.
const MAX_BOXES: usize = 100_000;

/// A cell of a grid, in grid units and display coordinates.
#[derive(Debug, Clone)]
pub(crate) struct GridCell {
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    pub bbox: [f32; 4],
    /// Shaded (a non-white fill covers most of it).
    pub filled: bool,
}

/// A table found on a page.
#[derive(Debug, Clone)]
pub(crate) struct Grid {
    /// Column boundaries, left to right.
    pub xs: Vec<f32>,
    /// Row boundaries, top to bottom (descending y).
    pub ys: Vec<f32>,
    pub cells: Vec<GridCell>,
    /// `owner[r * ncols + c]`: the cell covering grid box (r, c).
    pub owner: Vec<usize>,
}

impl Grid {
    pub(crate) fn bbox(&self) -> [f32; 4] {
        let x0 = self.xs.first().copied().unwrap_or(0.0);
        let x1 = self.xs.last().copied().unwrap_or(0.0);
        let y1 = self.ys.first().copied().unwrap_or(0.0);
        let y0 = self.ys.last().copied().unwrap_or(0.0);
        [x0, y0, x1, y1]
    }

    fn ncols(&self) -> usize {
        self.xs.len().saturating_sub(1)
    }

    /// The cell holding a point, if the point is inside the table.
    pub(crate) fn cell_at(&self, x: f32, y: f32) -> Option<usize> {
        let b = self.bbox();
        if x < b[0] || x > b[2] || y < b[1] || y > b[3] {
            return None;
        }
        let c = self
            .xs
            .partition_point(|&v| v <= x)
            .saturating_sub(1)
            .min(self.ncols().saturating_sub(1));
        // ys descend: count boundaries above the point.
        let r = self
            .ys
            .partition_point(|&v| v >= y)
            .saturating_sub(1)
            .min(self.ys.len().saturating_sub(2));
        self.owner.get(r * self.ncols() + c).copied()
    }
}

/// Merges collinear overlapping rules of one orientation.
fn merge(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.pos.total_cmp(&b.pos));
    let mut out: Vec<Rule> = Vec::new();
    let mut i = 0;
    while i < rules.len() {
        // A group of rules at about the same position.
        let mut j = i + 1;
        while j < rules.len() && rules[j].pos - rules[j - 1].pos <= POS_TOL {
            j += 1;
        }
        let group = &mut rules[i..j];
        let pos = group.iter().map(|r| r.pos).sum::<f32>() / group.len() as f32;
        group.sort_by(|a, b| a.from.total_cmp(&b.from));
        let mut cur: Option<Rule> = None;
        for r in group.iter() {
            match cur.as_mut() {
                Some(c) if r.from <= c.to + TOUCH_TOL => c.to = c.to.max(r.to),
                _ => {
                    if let Some(c) = cur.take() {
                        out.push(c);
                    }
                    cur = Some(Rule {
                        horizontal: r.horizontal,
                        pos,
                        from: r.from,
                        to: r.to,
                    });
                }
            }
        }
        if let Some(c) = cur {
            out.push(c);
        }
        i = j;
    }
    out
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Clusters sorted values that lie within `tol` of the previous one.
fn cluster(mut v: Vec<f32>, tol: f32) -> Vec<f32> {
    v.sort_by(f32::total_cmp);
    let mut out: Vec<f32> = Vec::new();
    let mut group: Vec<f32> = Vec::new();
    for x in v {
        if group.last().is_some_and(|&l| x - l > tol) {
            out.push(group.iter().sum::<f32>() / group.len() as f32);
            group.clear();
        }
        group.push(x);
    }
    if !group.is_empty() {
        out.push(group.iter().sum::<f32>() / group.len() as f32);
    }
    out
}

/// Finds the ruled tables of a page.
pub(crate) fn find_tables(rules: &[Rule], fills: &[Fill], warnings: &mut Vec<String>) -> Vec<Grid> {
    if rules.len() > MAX_RULES {
        let w = "a page draws too many lines to look for tables in; its tables read as text"
            .to_string();
        if !warnings.contains(&w) {
            warnings.push(w);
        }
        return Vec::new();
    }
    let hs = merge(rules.iter().filter(|r| r.horizontal).copied().collect());
    let vs = merge(rules.iter().filter(|r| !r.horizontal).copied().collect());
    let n = hs.len() + vs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    for (i, h) in hs.iter().enumerate() {
        for (j, v) in vs.iter().enumerate() {
            if v.pos >= h.from - TOUCH_TOL
                && v.pos <= h.to + TOUCH_TOL
                && h.pos >= v.from - TOUCH_TOL
                && h.pos <= v.to + TOUCH_TOL
            {
                let (a, b) = (find(&mut parent, i), find(&mut parent, hs.len() + j));
                if a != b {
                    parent[a] = b;
                }
            }
        }
    }
    let mut comps: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> = Default::default();
    for i in 0..n {
        let root = find(&mut parent, i);
        let e = comps.entry(root).or_default();
        if i < hs.len() {
            e.0.push(hs[i])
        } else {
            e.1.push(vs[i - hs.len()])
        }
    }
    let mut grids = Vec::new();
    for (_, (ch, cv)) in comps {
        if ch.len() < 2 || cv.len() < 2 {
            continue;
        }
        for (bh, bv) in split_stacked(&ch, &cv) {
            if bh.len() < 2 || bv.len() < 2 {
                continue;
            }
            if let Some(g) = grid_from(&bh, &bv, fills) {
                grids.push(g);
            }
        }
    }
    grids
}

fn grid_from(hs: &[Rule], vs: &[Rule], fills: &[Fill]) -> Option<Grid> {
    let mut xv: Vec<f32> = vs.iter().map(|r| r.pos).collect();
    xv.extend(hs.iter().map(|r| r.from));
    xv.extend(hs.iter().map(|r| r.to));
    let xs = cluster(xv, TOUCH_TOL);
    let mut yv: Vec<f32> = hs.iter().map(|r| r.pos).collect();
    yv.extend(vs.iter().map(|r| r.from));
    yv.extend(vs.iter().map(|r| r.to));
    let mut ys = cluster(yv, TOUCH_TOL);
    ys.reverse();
    // Drop slivers: boundaries closer than a few points (double rules, rule ends).
    let xs = drop_slivers(xs, 4.0);
    let ys = {
        let mut up: Vec<f32> = ys.into_iter().rev().collect();
        up = drop_slivers(up, 4.0);
        up.reverse();
        up
    };
    let (nc, nr) = (xs.len().checked_sub(1)?, ys.len().checked_sub(1)?);
    if nc == 0 || nr == 0 || nc * nr < 2 || nc * nr > MAX_BOXES {
        return None;
    }
    if !table_like(hs, vs, &xs, &ys) {
        return None;
    }
    let has_v = |xi: usize, r: usize| -> bool {
        if xi == 0 || xi == nc {
            return true;
        }
        let (lo, hi) = (ys[r + 1], ys[r]);
        let m = 0.25 * (hi - lo);
        vs.iter()
            .any(|v| (v.pos - xs[xi]).abs() <= TOUCH_TOL && v.from <= lo + m && v.to >= hi - m)
    };
    let has_h = |yi: usize, c: usize| -> bool {
        if yi == 0 || yi == nr {
            return true;
        }
        let (lo, hi) = (xs[c], xs[c + 1]);
        let m = 0.25 * (hi - lo);
        hs.iter()
            .any(|h| (h.pos - ys[yi]).abs() <= TOUCH_TOL && h.from <= lo + m && h.to >= hi - m)
    };
    let mut owner = vec![usize::MAX; nr * nc];
    let mut cells = Vec::new();
    for r in 0..nr {
        for c in 0..nc {
            if owner[r * nc + c] != usize::MAX {
                continue;
            }
            let mut cs = 1;
            while c + cs < nc && !has_v(c + cs, r) && owner[r * nc + c + cs] == usize::MAX {
                cs += 1;
            }
            let mut rs = 1;
            while r + rs < nr
                && (c..c + cs)
                    .all(|cc| !has_h(r + rs, cc) && owner[(r + rs) * nc + cc] == usize::MAX)
            {
                rs += 1;
            }
            let id = cells.len();
            for rr in r..r + rs {
                for cc in c..c + cs {
                    owner[rr * nc + cc] = id;
                }
            }
            let bbox = [xs[c], ys[r + rs], xs[c + cs], ys[r]];
            let area = (bbox[2] - bbox[0]) * (bbox[3] - bbox[1]);
            let filled = area > 0.0
                && fills.iter().any(|f| {
                    let ix = (f.x1.min(bbox[2]) - f.x0.max(bbox[0])).max(0.0);
                    let iy = (f.y1.min(bbox[3]) - f.y0.max(bbox[1])).max(0.0);
                    ix * iy >= 0.5 * area
                });
            cells.push(GridCell {
                row: r,
                col: c,
                row_span: rs,
                col_span: cs,
                bbox,
                filled,
            });
        }
    }
    if cells.len() < 2 {
        return None;
    }
    Some(Grid {
        xs,
        ys,
        cells,
        owner,
    })
}

/// The share of `[lo, hi]` that rules at `pos` cover.
fn coverage(rules: &[Rule], pos: f32, lo: f32, hi: f32) -> f32 {
    let mut spans: Vec<(f32, f32)> = rules
        .iter()
        .filter(|r| (r.pos - pos).abs() <= TOUCH_TOL)
        .map(|r| (r.from.max(lo), r.to.min(hi)))
        .filter(|s| s.1 > s.0)
        .collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut covered, mut x) = (0.0f32, lo);
    for (a, b) in spans {
        if b > x {
            covered += b - a.max(x);
            x = b;
        }
    }
    if hi > lo { covered / (hi - lo) } else { 0.0 }
}

/// True when the grid looks like a table: one side of its outline is mostly
/// ruled (a frame), or a rule runs across most of its width (an open table:
/// a rule under the header, rules between rows). Boxes of a flow chart drawn
/// with cell borders (boxes here and there, connector lines between them)
/// touch each other into one grid whose outline is open and whose
/// horizontal rules are all short: that is no table, and its text reads as
/// free text (read as cells, its words were cut at grid column borders).
fn table_like(hs: &[Rule], vs: &[Rule], xs: &[f32], ys: &[f32]) -> bool {
    let (Some(&x0), Some(&x1), Some(&top), Some(&bottom)) =
        (xs.first(), xs.last(), ys.first(), ys.last())
    else {
        return false;
    };
    coverage(hs, top, x0, x1) >= 0.5
        || coverage(hs, bottom, x0, x1) >= 0.5
        || coverage(vs, x0, bottom, top) >= 0.5
        || coverage(vs, x1, bottom, top) >= 0.5
        || hs.iter().any(|h| h.to - h.from >= 0.8 * (x1 - x0))
}

/// Removes boundaries closer than `min` to the previous one (ascending input).
fn drop_slivers(v: Vec<f32>, min: f32) -> Vec<f32> {
    let mut out: Vec<f32> = Vec::new();
    for x in v {
        if out.last().is_some_and(|&l| x - l < min) {
            continue;
        }
        out.push(x);
    }
    out
}

/// Splits rules of tables drawn one right under the other (sharing a border)
/// into one set per table: at a horizontal rule that no inner vertical rule
/// crosses, where the inner columns above and below are all different.
fn split_stacked(hs: &[Rule], vs: &[Rule]) -> Vec<(Vec<Rule>, Vec<Rule>)> {
    let x_lo = vs.iter().map(|v| v.pos).fold(f32::MAX, f32::min);
    let x_hi = vs.iter().map(|v| v.pos).fold(f32::MIN, f32::max);
    let inner: Vec<&Rule> = vs
        .iter()
        .filter(|v| v.pos > x_lo + TOUCH_TOL && v.pos < x_hi - TOUCH_TOL)
        .collect();
    let mut cuts: Vec<f32> = Vec::new();
    let mut ys: Vec<f32> = hs.iter().map(|h| h.pos).collect();
    ys.sort_by(|a, b| b.total_cmp(a));
    ys.dedup_by(|a, b| (*a - *b).abs() <= POS_TOL);
    for &y in &ys {
        if inner
            .iter()
            .any(|v| v.from < y - TOUCH_TOL && v.to > y + TOUCH_TOL)
        {
            continue;
        }
        let above: Vec<f32> = inner
            .iter()
            .filter(|v| (v.from - y).abs() <= TOUCH_TOL)
            .map(|v| v.pos)
            .collect();
        let below: Vec<f32> = inner
            .iter()
            .filter(|v| (v.to - y).abs() <= TOUCH_TOL)
            .map(|v| v.pos)
            .collect();
        let shared = above
            .iter()
            .any(|a| below.iter().any(|b| (a - b).abs() <= TOUCH_TOL));
        if !above.is_empty() && !below.is_empty() && !shared {
            cuts.push(y);
        }
    }
    if cuts.is_empty() {
        return vec![(hs.to_vec(), vs.to_vec())];
    }
    // Bands between cuts, top to bottom; a cut's rule belongs to both bands.
    let mut bounds = vec![f32::MAX];
    bounds.extend(&cuts);
    bounds.push(f32::MIN);
    let mut out = Vec::new();
    for w in bounds.windows(2) {
        let (top, bottom) = (w[0], w[1]);
        let bv: Vec<Rule> = vs
            .iter()
            .filter_map(|v| {
                let (from, to) = (v.from.max(bottom), v.to.min(top));
                (to - from > TOUCH_TOL).then_some(Rule { from, to, ..*v })
            })
            .collect();
        // A shared border reaches as far as the wider table: clip it to this one.
        let lo = bv.iter().map(|v| v.pos).fold(f32::MAX, f32::min) - TOUCH_TOL;
        let hi = bv.iter().map(|v| v.pos).fold(f32::MIN, f32::max) + TOUCH_TOL;
        let bh: Vec<Rule> = hs
            .iter()
            .filter(|h| h.pos <= top + POS_TOL && h.pos >= bottom - POS_TOL)
            .filter_map(|h| {
                if !cuts.iter().any(|c| (c - h.pos).abs() <= POS_TOL) {
                    return Some(*h);
                }
                let (from, to) = (h.from.max(lo), h.to.min(hi));
                (to - from > TOUCH_TOL).then_some(Rule { from, to, ..*h })
            })
            .collect();
        out.push((bh, bv));
    }
    out
}
