//! Layout: glyphs → lines, and lines (and tables) → reading order.

use super::interp::{Dir, Glyph, Rule, canon_box_to_page};

/// A visual line (or a piece of one, where a wide gap splits it).
#[derive(Debug, Clone)]
pub(crate) struct TextLine {
    pub text: String,
    pub dir: Dir,
    /// Display box `[x0, y0, x1, y1]`.
    pub bbox: [f32; 4],
    /// Median font size of its glyphs.
    pub size: f32,
    /// Characters, for weighting.
    pub chars: usize,
    /// Its glyphs (indices into the page's glyphs), left to right.
    pub glyphs: Vec<usize>,
    /// Mean gap between its glyphs, in ems.
    pub mean_gap: f32,
    /// Set in bold: at least 80% of its visible glyphs are (see [`BOLD_SHARE`]).
    pub bold: bool,
}

/// Share of a line's visible glyphs that must be bold for the line to be:
/// a bold line may hold a regular bullet, bracket or digit of another font.
const BOLD_SHARE: f32 = 0.8;

/// True for characters set full width in Japanese text, between which a
/// space is never inserted.
pub(crate) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x2010..=0x206F | 0x2190..=0x2BFF
        | 0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31FF | 0x3200..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

/// How line pieces on one baseline are split.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Split {
    /// Split at gaps wider than about an em (free text: columns, unruled tables).
    AtGaps,
    /// Never split (inside a table cell).
    Never,
}

/// Groups glyphs (given by index) into lines, in the order top to bottom
/// within each direction's canonical frame. Work is O(n log n).
pub(crate) fn build_lines(glyphs: &[Glyph], idx: &[usize], split: Split) -> Vec<TextLine> {
    build_lines_ruled(glyphs, idx, split, &[])
}

/// Rules across a direction's lines, in its canonical frame: `(x, y_lo, y_hi)`
/// sorted by x.
fn cross_rules(rules: &[Rule], dir: Dir) -> Vec<(f32, f32, f32)> {
    let mut out: Vec<(f32, f32, f32)> = rules
        .iter()
        .filter_map(|r| {
            let (a, b) = if r.horizontal {
                ((r.from, r.pos), (r.to, r.pos))
            } else {
                ((r.pos, r.from), (r.pos, r.to))
            };
            let (ax, ay) = dir.to_canon(a.0, a.1);
            let (bx, by) = dir.to_canon(b.0, b.1);
            ((ax - bx).abs() < 0.5).then_some(((ax + bx) * 0.5, ay.min(by), ay.max(by)))
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// True when a rule runs between two glyphs of a row (canonical frame):
/// between their centres along the row, across both of their centres.
fn rule_between(cuts: &[(f32, f32, f32)], a: &Glyph, b: &Glyph) -> bool {
    let (xa, xb) = ((a.x0 + a.x1) * 0.5, (b.x0 + b.x1) * 0.5);
    let (lo, hi) = (a.cy().min(b.cy()), a.cy().max(b.cy()));
    let start = cuts.partition_point(|c| c.0 <= xa);
    cuts[start..]
        .iter()
        .take_while(|c| c.0 < xb)
        .any(|c| c.1 <= lo && c.2 >= hi)
}

/// [`build_lines`] where, with [`Split::AtGaps`], a ruling line drawn across
/// a row between two glyphs also splits it: text on the two sides of a rule
/// (the rule between the tiers of a 官報 page, a boxed note) is not one line.
pub(crate) fn build_lines_ruled(
    glyphs: &[Glyph],
    idx: &[usize],
    split: Split,
    rules: &[Rule],
) -> Vec<TextLine> {
    let mut out = Vec::new();
    let mut by_dir: Vec<(Dir, Vec<usize>)> = Vec::new();
    for &i in idx {
        let Some(g) = glyphs.get(i) else { continue };
        match by_dir.iter_mut().find(|(d, _)| *d == g.dir) {
            Some((_, v)) => v.push(i),
            None => by_dir.push((g.dir, vec![i])),
        }
    }
    for (dir, mut ids) in by_dir {
        let marks = emphasis_marks(glyphs, &ids);
        if !marks.is_empty() {
            ids.retain(|i| marks.binary_search(i).is_err());
        }
        let cuts = if split == Split::AtGaps {
            cross_rules(rules, dir)
        } else {
            Vec::new()
        };
        // Rows: glyphs sorted by centre from the top; a glyph joins the row
        // while it overlaps the row's reference band by half its height.
        ids.sort_by(|&a, &b| {
            glyphs[b]
                .cy()
                .total_cmp(&glyphs[a].cy())
                .then(glyphs[a].x0.total_cmp(&glyphs[b].x0))
        });
        let rows = group_rows(glyphs, &ids);
        // Glyphs of the row drawn again a hair apart (fake bold), sorted.
        let mut doubled: Vec<usize> = Vec::new();
        for mut row in rows {
            doubled.clear();
            // By centre: kerned glyphs (palt) overlap, and their left edges
            // can come in the wrong order.
            row.sort_by(|&a, &b| {
                let (ga, gb) = (&glyphs[a], &glyphs[b]);
                (ga.x0 + ga.x1).total_cmp(&(gb.x0 + gb.x1)).then(a.cmp(&b))
            });
            let mut pieces: Vec<Vec<usize>> = Vec::new();
            let mut last: Option<usize> = None;
            for &i in &row {
                let g = &glyphs[i];
                if let Some(p) = last {
                    let pg = &glyphs[p];
                    // Fake bold: the same glyph drawn again a hair to the right.
                    let w = (pg.x1 - pg.x0).max(0.05 * pg.size);
                    let (dx, dy) = ((g.x0 - pg.x0).abs(), (g.y0 - pg.y0).abs());
                    if pg.text == g.text && dx < 0.3 * w && dy < 0.3 * w {
                        // Drawn again on the very spot it is no bolder (a
                        // repeated layer); offset, it reads as bold.
                        if dx + dy > 0.01 * pg.size {
                            doubled.push(p);
                        }
                        continue;
                    }
                    let gap = g.x0 - pg.x1;
                    let em = g.size.max(pg.size).max(1.0);
                    if !cuts.is_empty() && rule_between(&cuts, pg, g) {
                        pieces.push(Vec::new());
                    } else if split == Split::AtGaps && gap > 1.2 * em {
                        let short = pieces.last().is_some_and(|p| is_marker_piece(glyphs, p));
                        if !(short && gap < 5.0 * em) {
                            pieces.push(Vec::new());
                        }
                    }
                }
                if pieces.is_empty() {
                    pieces.push(Vec::new());
                }
                if let Some(p) = pieces.last_mut() {
                    p.push(i);
                }
                last = Some(i);
            }
            doubled.sort_unstable();
            doubled.dedup();
            for p in pieces {
                // A tall glyph elsewhere on the row (a large heading
                // character) can widen the row's band over two rows of small
                // text side by side (two labels of a chart's legend): within
                // a piece, those rows stay apart.
                let mut by_cy = p.clone();
                by_cy.sort_by(|&a, &b| glyphs[b].cy().total_cmp(&glyphs[a].cy()));
                let sub = group_rows(glyphs, &by_cy);
                if sub.len() == 1 {
                    if let Some(l) = make_line(glyphs, &p, dir, &doubled) {
                        out.push(l);
                    }
                    continue;
                }
                for mut r in sub {
                    // In the piece's order (by centre, left to right).
                    r.sort_by(|&a, &b| {
                        let (ga, gb) = (&glyphs[a], &glyphs[b]);
                        (ga.x0 + ga.x1).total_cmp(&(gb.x0 + gb.x1)).then(a.cmp(&b))
                    });
                    if let Some(l) = make_line(glyphs, &r, dir, &doubled) {
                        out.push(l);
                    }
                }
            }
        }
    }
    out
}

/// True for the characters that emphasis marks (傍点) are set with.
fn is_emphasis_dot(t: &str) -> bool {
    matches!(t, "…" | "‥" | "・" | "･" | "﹅" | "﹆" | "ヽ")
}

/// Emphasis marks (傍点): a run of three or more dots of one size, set side
/// by side on a baseline of their own over (or under) a line of text. Their
/// nominal glyph boxes reach into that line, so that read as glyphs of it
/// they would be mixed into its words (危...険...な); they are no text, and
/// are left out. Dots on the text's own baseline (an ellipsis, leaders) stay.
/// Returns the marks' indices, sorted.
fn emphasis_marks(glyphs: &[Glyph], ids: &[usize]) -> Vec<usize> {
    let mut dots: Vec<usize> = ids
        .iter()
        .copied()
        .filter(|&i| is_emphasis_dot(&glyphs[i].text))
        .collect();
    if dots.len() < 3 {
        return Vec::new();
    }
    dots.sort_by(|&a, &b| {
        let (ga, gb) = (&glyphs[a], &glyphs[b]);
        gb.y0.total_cmp(&ga.y0).then(ga.x0.total_cmp(&gb.x0))
    });
    // Runs: same baseline and size, each dot close after the one before.
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for &i in &dots {
        let g = &glyphs[i];
        let em = g.size.max(1.0);
        let joins = runs.last().and_then(|r| r.last()).is_some_and(|&p| {
            let pg = &glyphs[p];
            (pg.y0 - g.y0).abs() < 0.1 * em
                && (pg.size - g.size).abs() < 0.1 * em
                && g.x0 >= pg.x0
                && g.x0 - pg.x1 < 0.6 * em
        });
        match runs.last_mut() {
            Some(r) if joins => r.push(i),
            _ => runs.push(vec![i]),
        }
    }
    runs.retain(|r| r.len() >= 3);
    if runs.is_empty() {
        return Vec::new();
    }
    // Other glyphs by centre, to find those a run overlaps.
    let mut text: Vec<usize> = ids
        .iter()
        .copied()
        .filter(|&i| !is_emphasis_dot(&glyphs[i].text))
        .collect();
    text.sort_by(|&a, &b| glyphs[a].cy().total_cmp(&glyphs[b].cy()));
    let mut out = Vec::new();
    // Glyphs looked at, all runs together: bounded on a hostile page (many
    // runs over one band of many glyphs); beyond it, runs stay as they are.
    let mut budget: usize = 4_000_000;
    for r in runs {
        if budget == 0 {
            break;
        }
        let (first, last) = (&glyphs[r[0]], &glyphs[r[r.len() - 1]]);
        let (x0, x1) = (first.x0, last.x1);
        let (y0, y1) = (first.y0, first.y1);
        let h = (y1 - y0).max(0.01);
        let lo = text.partition_point(|&i| glyphs[i].cy() < y0 - h);
        let band = text[lo..]
            .iter()
            .take_while(|&&i| glyphs[i].cy() <= y1 + h)
            .take(budget);
        let mut seen = 0usize;
        let covered = band
            .inspect(|_| seen += 1)
            .filter(|&&i| {
                let g = &glyphs[i];
                let gh = (g.y1 - g.y0).max(0.01);
                let ov = g.y1.min(y1) - g.y0.max(y0);
                g.x0 < x1
                    && g.x1 > x0
                    && ov >= 0.5 * gh.min(h)
                    && (g.y0 - y0).abs() >= 0.1 * first.size.max(1.0)
            })
            .take(2)
            .count();
        budget = budget.saturating_sub(seen);
        if covered >= 2 {
            out.extend(r);
        }
    }
    out.sort_unstable();
    out
}

/// Rows of glyphs given from the top (by centre): a glyph joins the row while
/// it overlaps the row's reference band by half its height.
/// A space drawn as a glyph (its box as tall as its font size) sets no band:
/// a space of a larger font would bridge two rows of small text.
fn group_rows(glyphs: &[Glyph], ids: &[usize]) -> Vec<Vec<usize>> {
    let mut rows: Vec<Vec<usize>> = Vec::new();
    let mut band = (0.0f32, 0.0f32);
    // The band comes from a space only (the row has no visible glyph yet).
    let mut band_blank = false;
    for &i in ids {
        let g = &glyphs[i];
        let blank = g.text.chars().all(char::is_whitespace);
        let h = (g.y1 - g.y0).max(0.01);
        let joins = rows.last().is_some_and(|_| {
            let ov = g.y1.min(band.1) - g.y0.max(band.0);
            ov >= 0.5 * h.min(band.1 - band.0)
        });
        if joins {
            if let Some(r) = rows.last_mut() {
                r.push(i);
            }
            // The tallest glyph sets the band, so that a row does not creep downwards.
            if !blank && (band_blank || h > band.1 - band.0) {
                band = (g.y0, g.y1);
                band_blank = false;
            }
        } else {
            rows.push(vec![i]);
            band = (g.y0, g.y1);
            band_blank = blank;
        }
    }
    rows
}

/// A piece that is only a list marker or a short number, kept with the text that follows it.
fn is_marker_piece(glyphs: &[Glyph], piece: &[usize]) -> bool {
    let n: usize = piece.iter().map(|&i| glyphs[i].text.chars().count()).sum();
    n <= 3
}

/// A line of the glyphs of a piece; `doubled` (sorted) lists those drawn
/// twice as fake bold.
fn make_line(glyphs: &[Glyph], piece: &[usize], dir: Dir, doubled: &[usize]) -> Option<TextLine> {
    let first = glyphs.get(*piece.first()?)?;
    let mut text = String::new();
    let mut b = [first.x0, first.y0, first.x1, first.y1];
    let mut sizes: Vec<f32> = Vec::with_capacity(piece.len());
    let mut prev: Option<&Glyph> = None;
    let is_bold =
        |i: usize| glyphs[i].bold || (!doubled.is_empty() && doubled.binary_search(&i).is_ok());
    // Whether any glyph is bold: most lines have none, and then their
    // glyphs' text need not be looked at again.
    let mut any_bold = false;
    for &i in piece {
        let g = &glyphs[i];
        any_bold |= g.bold;
        if let Some(p) = prev {
            let gap = g.x0 - p.x1;
            let em = g.size.max(p.size).max(1.0);
            let pc = text.chars().next_back();
            let nc = g.text.chars().next();
            if let (Some(pc), Some(nc)) = (pc, nc) {
                let (wp, wn) = (is_wide(pc), is_wide(nc));
                let ws = pc.is_whitespace() || nc.is_whitespace();
                // Latin–Latin: a word gap; Latin–Japanese: only a wide gap; Japanese–Japanese: never.
                let limit = match (wp, wn) {
                    (false, false) => 0.22,
                    (true, true) => f32::MAX,
                    _ => 0.8,
                };
                if !ws && gap > limit * em {
                    text.push(' ');
                }
            }
        }
        text.push_str(&g.text);
        b = [
            b[0].min(g.x0),
            b[1].min(g.y0),
            b[2].max(g.x1),
            b[3].max(g.y1),
        ];
        sizes.push(g.size);
        prev = Some(g);
    }
    let text = text
        .trim_matches(|c: char| c == ' ' || c == '\u{0}')
        .to_string();
    if text.trim().is_empty() {
        return None;
    }
    sizes.sort_by(f32::total_cmp);
    let size = sizes.get(sizes.len() / 2).copied().unwrap_or(10.0);
    let chars = text.chars().count();
    let bold = (any_bold || !doubled.is_empty()) && {
        // Visible glyphs, and how many of them are bold.
        let (mut visible, mut bold) = (0usize, 0usize);
        for &i in piece {
            if !glyphs[i]
                .text
                .chars()
                .all(|c| c.is_whitespace() || c == '\0')
            {
                visible += 1;
                bold += usize::from(is_bold(i));
            }
        }
        bold > 0 && bold as f32 >= BOLD_SHARE * visible as f32
    };
    let gaps: f32 = piece
        .windows(2)
        .map(|w| (glyphs[w[1]].x0 - glyphs[w[0]].x1) / glyphs[w[1]].size.max(1.0))
        .sum();
    let mean_gap = if piece.len() > 1 {
        gaps / (piece.len() - 1) as f32
    } else {
        0.0
    };
    Some(TextLine {
        text,
        dir,
        bbox: canon_box_to_page(dir, b),
        size,
        chars,
        glyphs: piece.to_vec(),
        mean_gap,
        bold,
    })
}

/// Orders items (display boxes `[x0, y0, x1, y1]`) for reading: a recursive
/// XY cut in which runs of rows that share a gutter are read column by column.
/// `vertical[i]` marks vertical-writing items, whose columns read right to left;
/// `chars[i]` is an item's length (it tells labels from text).
pub(crate) fn reading_order(
    boxes: &[[f32; 4]],
    vertical: &[bool],
    chars: &[usize],
    min_gap: f32,
) -> Vec<usize> {
    let mut out = Vec::with_capacity(boxes.len());
    let ids: Vec<usize> = (0..boxes.len()).collect();
    xy(boxes, vertical, chars, ids, min_gap.max(1.0), 0, &mut out);
    out
}

/// Free x-intervals.
type Intervals = Vec<(f32, f32)>;

/// A run of slabs: its items, their free x-intervals, its x extent, and
/// where each slab starts among the items.
type Run = (Vec<usize>, Intervals, (f32, f32), Vec<usize>);

const MAX_XY_DEPTH: u32 = 48;

fn xy(
    boxes: &[[f32; 4]],
    vertical: &[bool],
    chars: &[usize],
    mut ids: Vec<usize>,
    min_gap: f32,
    depth: u32,
    out: &mut Vec<usize>,
) {
    if ids.len() <= 1 || depth > MAX_XY_DEPTH {
        leaf_order(boxes, vertical, chars, &mut ids);
        out.extend(ids);
        return;
    }
    // Slabs: horizontal bands separated by white space.
    ids.sort_by(|&a, &b| boxes[b][3].total_cmp(&boxes[a][3]));
    let mut slabs: Vec<Vec<usize>> = Vec::new();
    let mut bottom = f32::MAX;
    for &i in &ids {
        let b = boxes[i];
        let h = (b[3] - b[1]).max(0.1);
        if slabs.is_empty() || b[3] < bottom + 0.3 * h.min(8.0) {
            slabs.push(vec![i]);
            bottom = b[1];
        } else {
            if let Some(s) = slabs.last_mut() {
                s.push(i);
            }
            bottom = bottom.min(b[1]);
        }
    }
    // Runs of slabs that share an interior gutter; each run keeps its x extent
    // so that extending it costs the new slab only. Slabs of vertical writing
    // are tiers (段), read one after the other, never joined into columns.
    let mut blocks: Vec<Run> = Vec::new();
    let mut last_vertical = false;
    for slab in slabs {
        let free = free_intervals(boxes, &slab);
        let ext = extent(boxes, &slab);
        let vertical_slab = mostly_vertical(vertical, chars, &slab);
        let joinable = !vertical_slab && !last_vertical;
        last_vertical = vertical_slab;
        if let Some((items, cur, run, starts)) = blocks.last_mut().filter(|_| joinable) {
            let inter = intersect(cur, &free);
            let merged_ext = (run.0.min(ext.0), run.1.max(ext.1));
            if !interior(merged_ext, &inter, min_gap).is_empty() {
                starts.push(items.len());
                items.extend(&slab);
                *cur = inter;
                *run = merged_ext;
                continue;
            }
        }
        blocks.push((slab, free, ext, vec![0]));
    }
    let n_blocks = blocks.len();
    for (items, free, ext, starts) in blocks {
        let gutters = interior(ext, &free, min_gap);
        let mut cols: Vec<Vec<usize>> = vec![Vec::new(); gutters.len() + 1];
        for &i in &items {
            let cx = (boxes[i][0] + boxes[i][2]) * 0.5;
            let k = gutters.iter().take_while(|g| cx > g.1).count();
            cols[k].push(i);
        }
        if !gutters.is_empty() && lone_row_column(boxes, &items, &starts, &cols) {
            // Not columns: a wide gap within one line. Slab by slab.
            let ends = starts.iter().skip(1).copied().chain([items.len()]);
            for (a, b) in starts.iter().copied().zip(ends) {
                xy(
                    boxes,
                    vertical,
                    chars,
                    items[a..b].to_vec(),
                    min_gap,
                    depth + 1,
                    out,
                );
            }
        } else if !gutters.is_empty() && !is_label_value(boxes, chars, &cols, min_gap) {
            if mostly_vertical(vertical, chars, &items) {
                cols.reverse();
            }
            for c in cols {
                if c.len() == items.len() {
                    // No progress: avoid looping.
                    let mut c = c;
                    leaf_order(boxes, vertical, chars, &mut c);
                    out.extend(c);
                } else {
                    xy(boxes, vertical, chars, c, min_gap, depth + 1, out);
                }
            }
        } else if n_blocks > 1 && items.len() > 1 {
            xy(boxes, vertical, chars, items, min_gap, depth + 1, out);
        } else {
            let mut items = items;
            leaf_order(boxes, vertical, chars, &mut items);
            out.extend(items);
        }
    }
}

/// True when a run of several slabs has a "column" that is only a piece of
/// one row, the rest of the row in another column: a line with a wide gap in
/// it (a word left out, a logo), not a column of its own. Read as columns,
/// the piece would come after the lines below the row's first part. So is a
/// "column" of a single line (a box of a flow chart beside the others): it
/// lies within one slab, and read as a column it would come after everything
/// left of it in the run, a heading below the chart included.
fn lone_row_column(
    boxes: &[[f32; 4]],
    items: &[usize],
    starts: &[usize],
    cols: &[Vec<usize>],
) -> bool {
    if starts.len() < 2 {
        return false;
    }
    if cols.iter().any(|c| c.len() == 1) {
        return true;
    }
    let slab_by_item: std::collections::HashMap<usize, usize> = items
        .iter()
        .enumerate()
        .map(|(pos, &i)| (i, starts.partition_point(|&s| s <= pos)))
        .collect();
    let slab_of = |i: usize| slab_by_item.get(&i).copied().unwrap_or(0);
    cols.iter().enumerate().any(|(k, col)| {
        let [first, rest @ ..] = col.as_slice() else {
            return false;
        };
        let b = boxes[*first];
        let one_row = rest.iter().all(|&i| {
            let o = boxes[i];
            let ov = o[3].min(b[3]) - o[1].max(b[1]);
            ov >= 0.5 * (o[3] - o[1]).min(b[3] - b[1])
        });
        if !one_row {
            return false;
        }
        let slab = slab_of(*first);
        // The rest of that row stands in another column.
        cols.iter().enumerate().any(|(j, other)| {
            j != k
                && other.iter().any(|&i| {
                    let o = boxes[i];
                    let ov = o[3].min(b[3]) - o[1].max(b[1]);
                    slab_of(i) == slab && ov >= 0.5 * (o[3] - o[1]).min(b[3] - b[1])
                })
        })
    })
}

/// A narrow column whose lines sit on the rows of the next column's lines is
/// a column of labels (団体名： 音威子府村), read row by row, not a column of text.
/// So is a column of short values right of the lines they belong to (the
/// fees of a fee schedule: ６ 顆粒球エラスターゼ定性 … 100点).
fn is_label_value(boxes: &[[f32; 4]], chars: &[usize], cols: &[Vec<usize>], em: f32) -> bool {
    let short = |ids: &[usize]| ids.iter().all(|&i| chars.get(i).is_some_and(|&n| n <= 8));
    // Values are set flush right (amounts, fees); a narrow list beside a
    // text column (flush left, ragged right) is a column of its own.
    let flush_right = |ids: &[usize]| {
        let right = ids.iter().map(|&i| boxes[i][2]).fold(f32::MIN, f32::max);
        let flush = ids
            .iter()
            .filter(|&&i| boxes[i][2] >= right - 0.5 * em)
            .count();
        flush * 10 >= ids.len() * 8
    };
    cols.windows(2).any(|w| {
        on_rows_of(boxes, &w[0], &w[1], em, short(&w[0]))
            || (short(&w[1]) && flush_right(&w[1]) && on_rows_of(boxes, &w[1], &w[0], 0.0, true))
    })
}

/// True when `left` is narrow (or `short`) and most of its lines sit on the
/// row of a line of `right`.
fn on_rows_of(boxes: &[[f32; 4]], left: &[usize], right: &[usize], em: f32, short: bool) -> bool {
    {
        let x0 = left.iter().map(|&i| boxes[i][0]).fold(f32::MAX, f32::min);
        let x1 = left.iter().map(|&i| boxes[i][2]).fold(f32::MIN, f32::max);
        if left.len() < 2 || (x1 - x0 > 12.0 * em && !short) {
            return false;
        }
        // Both sides sorted by top edge: a sweep finds the row partners.
        let mut r: Vec<[f32; 4]> = right.iter().map(|&i| boxes[i]).collect();
        r.sort_by(|a, b| b[3].total_cmp(&a[3]));
        let mut l: Vec<[f32; 4]> = left.iter().map(|&i| boxes[i]).collect();
        l.sort_by(|a, b| b[3].total_cmp(&a[3]));
        let mut j = 0;
        let mut paired = 0;
        for b in &l {
            while j < r.len() && r[j][1] > b[3] {
                j += 1;
            }
            let mut k = j;
            while k < r.len() && r[k][3] >= b[1] {
                let ov = b[3].min(r[k][3]) - b[1].max(r[k][1]);
                if ov >= 0.5 * (b[3] - b[1]).min(r[k][3] - r[k][1]) {
                    paired += 1;
                    break;
                }
                k += 1;
            }
        }
        paired * 10 >= l.len() * 6
    }
}

/// Orders a block that is not cut further: vertical writing column by
/// column, anything else row by row.
fn leaf_order(boxes: &[[f32; 4]], vertical: &[bool], chars: &[usize], ids: &mut Vec<usize>) {
    if mostly_vertical(vertical, chars, ids) {
        column_major(boxes, ids);
    } else {
        row_major(boxes, vertical, ids);
    }
}

/// True when most of the items' characters are in vertical writing: their
/// columns read right to left.
fn mostly_vertical(vertical: &[bool], chars: &[usize], ids: &[usize]) -> bool {
    let (mut v, mut h) = (0usize, 0usize);
    for &i in ids {
        let n = chars.get(i).copied().unwrap_or(1).min(100_000);
        if vertical.get(i).copied().unwrap_or(false) {
            v += n;
        } else {
            h += n;
        }
    }
    v > h
}

/// Groups items into bands along one axis, from the far end (the right for
/// columns, the top for rows): `lo` and `hi` index the box's extent across
/// the bands (0 and 2 for x, 1 and 3 for y). An item joins the current band
/// when it overlaps the band's first item by half the narrower extent.
fn bands(boxes: &[[f32; 4]], ids: &[usize], lo: usize, hi: usize) -> Vec<Vec<usize>> {
    let mut ids = ids.to_vec();
    ids.sort_by(|&a, &b| boxes[b][hi].total_cmp(&boxes[a][hi]));
    let mut bands: Vec<Vec<usize>> = Vec::new();
    let mut band = (0.0f32, 0.0f32);
    for i in ids {
        let b = boxes[i];
        let extent = (b[hi] - b[lo]).max(0.01);
        let joins = !bands.is_empty() && {
            let ov = b[hi].min(band.1) - b[lo].max(band.0);
            ov >= 0.5 * extent.min((band.1 - band.0).max(0.01))
        };
        match bands.last_mut() {
            Some(last) if joins => last.push(i),
            _ => {
                bands.push(vec![i]);
                band = (b[lo], b[hi]);
            }
        }
    }
    bands
}

/// Sorts items of vertical writing into columns from the right, each column
/// top to bottom.
fn column_major(boxes: &[[f32; 4]], ids: &mut Vec<usize>) {
    let cols = bands(boxes, ids, 0, 2);
    ids.clear();
    for mut c in cols {
        c.sort_by(|&a, &b| boxes[b][3].total_cmp(&boxes[a][3]));
        ids.extend(c);
    }
}

/// Sorts items into rows from the top, each row left to right.
fn row_major(boxes: &[[f32; 4]], vertical: &[bool], ids: &mut Vec<usize>) {
    let rows = bands(boxes, ids, 1, 3);
    ids.clear();
    for mut r in rows {
        // Columns of vertical writing read right to left.
        if r.iter().all(|&i| vertical.get(i).copied().unwrap_or(false)) {
            r.sort_by(|&a, &b| boxes[b][2].total_cmp(&boxes[a][2]));
        } else {
            r.sort_by(|&a, &b| boxes[a][0].total_cmp(&boxes[b][0]));
        }
        ids.extend(r);
    }
}

/// Free x-intervals of a set of items (white space between and around them).
fn free_intervals(boxes: &[[f32; 4]], ids: &[usize]) -> Vec<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = ids.iter().map(|&i| (boxes[i][0], boxes[i][2])).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut free = Vec::new();
    let mut x = f32::MIN;
    for (a, b) in spans {
        if a > x {
            free.push((x, a));
        }
        x = x.max(b);
    }
    free.push((x, f32::MAX));
    free
}

fn intersect(a: &[(f32, f32)], b: &[(f32, f32)]) -> Vec<(f32, f32)> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let lo = a[i].0.max(b[j].0);
        let hi = a[i].1.min(b[j].1);
        if hi > lo {
            out.push((lo, hi));
        }
        if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
    }
    out
}

/// The free intervals that have items on both sides and are wide enough.
fn interior(ext: (f32, f32), free: &[(f32, f32)], min_gap: f32) -> Vec<(f32, f32)> {
    let (lo, hi) = ext;
    free.iter()
        .copied()
        .filter(|&(a, b)| a > lo && b < hi && b - a >= min_gap)
        .collect()
}

/// The x extent of a set of items.
fn extent(boxes: &[[f32; 4]], ids: &[usize]) -> (f32, f32) {
    let lo = ids.iter().map(|&i| boxes[i][0]).fold(f32::MAX, f32::min);
    let hi = ids.iter().map(|&i| boxes[i][2]).fold(f32::MIN, f32::max);
    (lo, hi)
}

/// Some producers draw vertical writing with a horizontal font, placing
/// each character on its own. Read row-wise, such a page gives lines of
/// characters spaced a column pitch apart. When most of a page's upright
/// glyphs sit in such lines (or alone), they are read again as vertical
/// columns, and that reading is kept when it gives far fewer lines, or when
/// its columns are set solid the way lines of Japanese are (see
/// [`tight_columns`]) — rows glued across wide gaps can be few too.
pub(crate) fn fix_vertical_layout(
    glyphs: &[Glyph],
    lines: Vec<TextLine>,
    rules: &[Rule],
) -> Vec<TextLine> {
    let upright: usize = lines
        .iter()
        .filter(|l| l.dir == Dir::Right)
        .map(|l| l.glyphs.len())
        .sum();
    let down: usize = lines
        .iter()
        .filter(|l| l.dir == Dir::Down)
        .map(|l| l.glyphs.len())
        .sum();
    let suspicious = |l: &TextLine| {
        l.dir == Dir::Right
            && (l.glyphs.len() == 1
                || (l.mean_gap > 0.3 && l.text.chars().all(|c| is_wide(c) || c == ' ')))
    };
    let odd: usize = lines
        .iter()
        .filter(|l| suspicious(l))
        .map(|l| l.glyphs.len())
        .sum();
    // Either most upright glyphs look like vertical writing, or the page is
    // written vertically and stray upright glyphs (punctuation from another font) join its columns.
    let mostly_odd = upright >= 20 && odd * 10 >= upright * 6;
    let vertical_page = down >= 20 && odd > 0;
    if !mostly_odd && !vertical_page {
        return lines;
    }
    // On a page written that way, a row that also crosses digits or
    // markers set across a column (縦中横: "24", "(3)") is spaced the same
    // way, its characters a column pitch apart.
    let spaced_row = |l: &TextLine| l.dir == Dir::Right && l.glyphs.len() >= 2 && l.mean_gap > 0.3;
    let take = |l: &TextLine| {
        suspicious(l) || (mostly_odd && spaced_row(l)) || (vertical_page && l.dir == Dir::Down)
    };
    let (odd_lines, mut kept): (Vec<TextLine>, Vec<TextLine>) =
        lines.into_iter().partition(|l| take(l));
    let turned = turn_down(glyphs, &odd_lines);
    // Down glyphs of a vertical page keep their order along the column.
    let idx: Vec<usize> = (0..turned.len()).collect();
    let mut columns = build_lines_ruled(&turned, &idx, Split::AtGaps, rules);
    if !vertical_page && columns.len() * 2 > odd_lines.len() && !tight_columns(&columns) {
        kept.extend(odd_lines);
        return kept;
    }
    if mostly_odd {
        // Columns set solid, side by side with no gap (a boxed table of
        // vertical writing), read row-wise as short rows of touching wide
        // characters: they are columns too when turning them gives far fewer lines.
        let short_row = |l: &TextLine| {
            l.dir == Dir::Right
                && l.glyphs.len() <= 3
                && l.text.chars().all(|c| is_wide(c) || c == ' ')
        };
        let (rows, rest): (Vec<TextLine>, Vec<TextLine>) = kept.into_iter().partition(short_row);
        kept = rest;
        let turned_rows = turn_down(glyphs, &rows);
        let idx: Vec<usize> = (0..turned_rows.len()).collect();
        let more = build_lines_ruled(&turned_rows, &idx, Split::AtGaps, rules);
        if rows.len() >= 4 && more.len() * 2 <= rows.len() {
            columns.extend(more);
        } else {
            kept.extend(rows);
        }
    }
    for c in &mut columns {
        // Indices of the turned glyphs mean nothing to the caller.
        c.glyphs.clear();
    }
    kept.extend(columns);
    kept
}

/// The glyphs of lines as glyphs of vertical writing (Down), upright ones
/// turned: their display boxes kept, the canonical frame changed.
fn turn_down(glyphs: &[Glyph], lines: &[TextLine]) -> Vec<Glyph> {
    lines
        .iter()
        .flat_map(|l| l.glyphs.iter().map(move |&i| (i, l.bold)))
        .filter_map(|(i, line_bold)| Some((glyphs.get(i)?, line_bold)))
        .map(|(g, line_bold)| {
            // A bold line's glyphs stay bold: its fake bold was found
            // reading it, and its doubles are gone.
            let bold = g.bold || line_bold;
            if g.dir == Dir::Down {
                return Glyph { bold, ..g.clone() };
            }
            let b = g.page_box();
            let (x0, y0) = Dir::Down.to_canon(b[0], b[3]);
            let (x1, y1) = Dir::Down.to_canon(b[2], b[1]);
            Glyph {
                text: g.text.clone(),
                dir: Dir::Down,
                x0: x0.min(x1),
                x1: x0.max(x1),
                y0: y0.min(y1),
                y1: y0.max(y1),
                size: g.size,
                bold,
            }
        })
        .collect()
}

/// True when turned columns read like lines of Japanese: most of their
/// glyphs stand in columns of three or more whose characters follow each
/// other with at most a small gap (a quarter of an em on average). Rows read
/// across vertical columns are spaced a column pitch apart instead.
fn tight_columns(columns: &[TextLine]) -> bool {
    let total: usize = columns.iter().map(|c| c.glyphs.len()).sum();
    let long: Vec<&TextLine> = columns.iter().filter(|c| c.glyphs.len() >= 3).collect();
    let in_long: usize = long.iter().map(|c| c.glyphs.len()).sum();
    if total < 20 || in_long * 10 < total * 8 {
        return false;
    }
    let gaps: f32 = long
        .iter()
        .map(|c| c.mean_gap * (c.glyphs.len() - 1) as f32)
        .sum();
    let pairs: usize = long.iter().map(|c| c.glyphs.len() - 1).sum();
    gaps < 0.25 * pairs as f32
}
