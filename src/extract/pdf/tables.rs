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
        if let Some(g) = grid_from(&ch, &cv, fills) {
            grids.push(g);
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
