//! Content-stream interpreter: operators → positioned glyphs, ruling lines and
//! filled areas of one page, in display coordinates (page rotation applied,
//! points, origin bottom left).

use std::collections::HashMap;
use std::time::Instant;

use lopdf::{Dictionary, Document as PdfDoc, Object, ObjectId};

use super::font::{DecodedGlyph, Font};
use crate::error::{Error, Result};
use crate::limits::Limits;

/// Most glyphs kept from one page; beyond it the page is cut short with a warning.
const MAX_GLYPHS_PER_PAGE: usize = 400_000;
/// Most path segments kept from one page.
const MAX_SEGMENTS_PER_PAGE: usize = 200_000;
/// Most operators interpreted per page (form XObjects included).
const MAX_OPS_PER_PAGE: usize = 5_000_000;

/// An affine matrix `[a b c d e f]` as PDF writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Matrix(pub [f32; 6]);

impl Matrix {
    pub(crate) const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other`: apply `self` first, then `other`.
    pub(crate) fn mul(&self, o: &Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [oa, ob, oc, od, oe, of] = o.0;
        Matrix([
            a * oa + b * oc,
            a * ob + b * od,
            c * oa + d * oc,
            c * ob + d * od,
            e * oa + f * oc + oe,
            e * ob + f * od + of,
        ])
    }

    pub(crate) fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// Applies only the linear part (a direction vector).
    fn apply_vec(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, _, _] = self.0;
        (a * x + c * y, b * x + d * y)
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn is_finite(&self) -> bool {
        self.0.iter().all(|v| v.is_finite())
    }
}

/// Direction in which a run of text advances on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Dir {
    /// Left to right, upright.
    Right,
    /// Top to bottom: vertical writing, or text turned clockwise; lines follow right to left.
    Down,
    /// Bottom to top: text turned counter-clockwise; lines follow left to right.
    Up,
    /// Right to left, upside down.
    Left,
}

impl Dir {
    /// Maps a display point into the frame where this direction's text reads
    /// left to right and its lines follow downwards.
    pub(crate) fn to_canon(self, x: f32, y: f32) -> (f32, f32) {
        match self {
            Dir::Right => (x, y),
            Dir::Down => (-y, x),
            Dir::Up => (y, -x),
            Dir::Left => (-x, -y),
        }
    }

    /// Inverse of [`Dir::to_canon`].
    pub(crate) fn to_page(self, x: f32, y: f32) -> (f32, f32) {
        match self {
            Dir::Right => (x, y),
            Dir::Down => (y, -x),
            Dir::Up => (-y, x),
            Dir::Left => (-x, -y),
        }
    }
}

/// One glyph placed on the page. The box is in the canonical frame of its
/// direction (see [`Dir::to_canon`]), so that line building is the same for
/// every direction.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub text: String,
    pub dir: Dir,
    /// Box in the canonical frame: x along the text, y upwards across it.
    pub x0: f32,
    pub x1: f32,
    pub y0: f32,
    pub y1: f32,
    /// Effective font size in points.
    pub size: f32,
    /// Set in bold: a bold font, or text filled and stroked (render mode 2).
    /// Fake bold (a glyph drawn twice) is found later, in layout.
    pub bold: bool,
}

impl Glyph {
    pub(crate) fn cy(&self) -> f32 {
        (self.y0 + self.y1) * 0.5
    }
    /// The glyph's box in display coordinates.
    pub(crate) fn page_box(&self) -> [f32; 4] {
        canon_box_to_page(self.dir, [self.x0, self.y0, self.x1, self.y1])
    }
}

/// True when text drawn in this state is bold: its font is a bold face, or
/// it is filled and stroked (render mode 2, or 6 with clipping) with a line
/// of some width, the way word processors embolden a regular font.
fn is_bold(gs: &GState) -> bool {
    gs.text.font.as_ref().is_some_and(|f| f.is_bold())
        || (matches!(gs.text.render, 2 | 6) && gs.line_width > 0.0)
}

/// Maps a canonical-frame box back to a display box `[x0, y0, x1, y1]`.
pub(crate) fn canon_box_to_page(dir: Dir, b: [f32; 4]) -> [f32; 4] {
    let (ax, ay) = dir.to_page(b[0], b[1]);
    let (bx, by) = dir.to_page(b[2], b[3]);
    [ax.min(bx), ay.min(by), ax.max(bx), ay.max(by)]
}

/// A straight ruling: horizontal (`y0 == y1`) or vertical (`x0 == x1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rule {
    pub horizontal: bool,
    /// Position across the rule (y for horizontal, x for vertical).
    pub pos: f32,
    /// Extent along it.
    pub from: f32,
    pub to: f32,
}

/// A filled, non-white rectangle (cell shading).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Fill {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

/// What one page draws.
#[derive(Debug, Default)]
pub(crate) struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub rules: Vec<Rule>,
    pub fills: Vec<Fill>,
    /// Area of the page covered by images (display units²), to tell scans.
    pub image_area: f32,
    /// Glyphs whose text the font could not decode.
    pub undecodable: usize,
    /// Set when a per-page bound cut the page short.
    pub truncated: bool,
    /// Small filled discs: list bullets when text follows them (see
    /// [`bullet_discs`]).
    pub discs: Vec<Glyph>,
}

/// Fonts loaded once per document, keyed by object id.
#[derive(Default)]
pub(crate) struct FontCache {
    by_id: HashMap<ObjectId, std::rc::Rc<Font>>,
}

impl FontCache {
    pub(crate) fn len(&self) -> usize {
        self.by_id.len()
    }
}

/// The state shared while interpreting one page.
pub(crate) struct Interp<'a> {
    doc: &'a PdfDoc,
    limits: &'a Limits,
    start: Instant,
    fonts: &'a mut FontCache,
    warnings: &'a mut Vec<String>,
    out: PageContent,
    ops: usize,
    /// Form XObjects being drawn, to stop self-reference.
    form_stack: Vec<ObjectId>,
    glyph_buf: Vec<DecodedGlyph>,
    /// Inline (non-reference) fonts of this page, by resource name.
    inline_fonts: HashMap<Vec<u8>, std::rc::Rc<Font>>,
}

#[derive(Clone)]
struct TextState {
    font: Option<std::rc::Rc<Font>>,
    size: f32,
    char_space: f32,
    word_space: f32,
    scale: f32,
    leading: f32,
    rise: f32,
    /// Text rendering mode (Tr): 0 fill, 1 stroke, 2 fill and stroke, …
    render: u8,
}

impl Default for TextState {
    fn default() -> Self {
        TextState {
            font: None,
            size: 0.0,
            char_space: 0.0,
            word_space: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            render: 0,
        }
    }
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    text: TextState,
    line_width: f32,
    /// Fill colour is (near) white: such fills are not shading.
    fill_white: bool,
}

/// A marked-content span carrying /ActualText.
struct ActualSpan {
    text: String,
    /// Glyphs suppressed inside the span: their union box is where the text goes.
    bbox: Option<(Dir, [f32; 4], f32)>,
    depth: usize,
}

/// Resource dictionaries in lookup order (the nearest first).
#[derive(Clone)]
pub(crate) struct Resources<'a> {
    dicts: Vec<&'a Dictionary>,
}

impl<'a> Resources<'a> {
    pub(crate) fn new(dicts: Vec<&'a Dictionary>) -> Self {
        Resources { dicts }
    }

    fn lookup(&self, doc: &'a PdfDoc, category: &[u8], name: &[u8]) -> Option<&'a Object> {
        for d in &self.dicts {
            let Ok(cat) = d.get(category) else { continue };
            let Some(cat) = deref(doc, cat).and_then(|o| o.as_dict().ok()) else {
                continue;
            };
            if let Ok(o) = cat.get(name) {
                return Some(o);
            }
        }
        None
    }
}

/// Follows references, a bounded number of times.
pub(crate) fn deref<'a>(doc: &'a PdfDoc, mut obj: &'a Object) -> Option<&'a Object> {
    for _ in 0..32 {
        match obj {
            Object::Reference(id) => obj = doc.get_object(*id).ok()?,
            _ => return Some(obj),
        }
    }
    None
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) if r.is_finite() => Some(*r),
        _ => None,
    }
}

fn nums<const N: usize>(ops: &[Object]) -> Option<[f32; N]> {
    if ops.len() < N {
        return None;
    }
    let base = ops.len() - N;
    let mut out = [0.0; N];
    for (i, o) in ops[base..].iter().enumerate() {
        out[i] = num(o)?;
    }
    Some(out)
}

/// Path under construction, in display coordinates.
/// A subpath: its points, whether it has a curve, whether it is closed.
type Subpath = (Vec<(f32, f32)>, bool, bool);

#[derive(Default)]
struct Path {
    subpaths: Vec<Subpath>,
    start: Option<(f32, f32)>,
}

impl<'a> Interp<'a> {
    pub(crate) fn new(
        doc: &'a PdfDoc,
        limits: &'a Limits,
        start: Instant,
        fonts: &'a mut FontCache,
        warnings: &'a mut Vec<String>,
    ) -> Self {
        Interp {
            doc,
            limits,
            start,
            fonts,
            warnings,
            out: PageContent::default(),
            ops: 0,
            form_stack: Vec::new(),
            glyph_buf: Vec::new(),
            inline_fonts: HashMap::new(),
        }
    }

    /// Interprets a page's content with `base` as the initial CTM (page
    /// rotation and crop offset).
    pub(crate) fn run_page(
        mut self,
        content: &[u8],
        res: &Resources<'a>,
        base: Matrix,
    ) -> Result<PageContent> {
        let gs = GState {
            ctm: base,
            text: TextState::default(),
            line_width: 1.0,
            fill_white: false,
        };
        self.run(content, res, gs, 0)?;
        Ok(self.out)
    }

    fn check_time(&self) -> Result<()> {
        if self.start.elapsed() > self.limits.max_time {
            return Err(Error::limit(
                "time per document (s)",
                self.limits.max_time.as_secs(),
            ));
        }
        Ok(())
    }

    fn font_for(&mut self, res: &Resources<'a>, name: &[u8]) -> Option<std::rc::Rc<Font>> {
        let obj = res.lookup(self.doc, b"Font", name)?;
        if let Object::Reference(id) = obj {
            if let Some(f) = self.fonts.by_id.get(id) {
                return Some(f.clone());
            }
            let dict = deref(self.doc, obj)?.as_dict().ok()?;
            let f = std::rc::Rc::new(Font::load(self.doc, dict, self.limits, self.warnings));
            self.fonts.by_id.insert(*id, f.clone());
            Some(f)
        } else {
            if let Some(f) = self.inline_fonts.get(name) {
                return Some(f.clone());
            }
            let dict = obj.as_dict().ok()?;
            let f = std::rc::Rc::new(Font::load(self.doc, dict, self.limits, self.warnings));
            self.inline_fonts.insert(name.to_vec(), f.clone());
            Some(f)
        }
    }

    fn run(
        &mut self,
        content: &[u8],
        res: &Resources<'a>,
        mut gs: GState,
        depth: u32,
    ) -> Result<()> {
        if depth > self.limits.max_depth {
            return Err(Error::limit(
                "form XObject nesting",
                self.limits.max_depth as u64,
            ));
        }
        let mut stack: Vec<GState> = Vec::new();
        let mut tm = Matrix::IDENTITY;
        let mut tlm = Matrix::IDENTITY;
        let mut path = Path::default();
        let mut spans: Vec<ActualSpan> = Vec::new();
        let mut marked_depth = 0usize;
        for op in lopdf::content::Content::decode_iter(content) {
            let Ok(op) = op else {
                self.warnings
                    .push("content stream: syntax error, rest of the stream skipped".into());
                break;
            };
            self.ops += 1;
            if self.ops.is_multiple_of(1024) {
                self.check_time()?;
            }
            if self.ops > MAX_OPS_PER_PAGE {
                self.out.truncated = true;
                break;
            }
            let o = &op.operands;
            match op.operator.as_str() {
                "q" if stack.len() < 4096 => {
                    stack.push(gs.clone());
                }
                "Q" => {
                    if let Some(g) = stack.pop() {
                        gs = g;
                    }
                }
                "cm" => {
                    if let Some(m) = nums::<6>(o) {
                        let m = Matrix(m).mul(&gs.ctm);
                        if m.is_finite() {
                            gs.ctm = m;
                        }
                    }
                }
                "w" => {
                    if let Some([w]) = nums::<1>(o) {
                        gs.line_width = w;
                    }
                }
                "g" => gs.fill_white = nums::<1>(o).is_some_and(|[v]| v > 0.97),
                "rg" => gs.fill_white = nums::<3>(o).is_some_and(|v| v.iter().all(|&c| c > 0.97)),
                "k" => gs.fill_white = nums::<4>(o).is_some_and(|v| v.iter().all(|&c| c < 0.03)),
                "sc" | "scn" => {
                    let v: Vec<f32> = o.iter().filter_map(num).collect();
                    gs.fill_white = match v.len() {
                        1 | 3 => v.iter().all(|&c| c > 0.97),
                        4 => v.iter().all(|&c| c < 0.03),
                        _ => false,
                    };
                }
                "cs" => gs.fill_white = false,
                // Text objects and state.
                "BT" => {
                    tm = Matrix::IDENTITY;
                    tlm = Matrix::IDENTITY;
                }
                "ET" => {}
                "Tf" if o.len() >= 2 => {
                    if let Object::Name(n) = &o[o.len() - 2] {
                        gs.text.font = self.font_for(res, n);
                        if gs.text.font.is_none() {
                            self.warn_once(format!(
                                "font /{} is not in the resources",
                                String::from_utf8_lossy(n)
                            ));
                        }
                    }
                    if let Some(s) = num(&o[o.len() - 1]) {
                        gs.text.size = s;
                    }
                }
                "Tc" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.text.char_space = v;
                    }
                }
                "Tw" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.text.word_space = v;
                    }
                }
                "Tz" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.text.scale = v / 100.0;
                    }
                }
                "TL" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.text.leading = v;
                    }
                }
                "Ts" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.text.rise = v;
                    }
                }
                "Tr" => {
                    if let Some([v]) = nums::<1>(o) {
                        gs.text.render = v.clamp(0.0, 7.0) as u8;
                    }
                }
                "Td" => {
                    if let Some([tx, ty]) = nums::<2>(o) {
                        tlm = Matrix::translate(tx, ty).mul(&tlm);
                        tm = tlm;
                    }
                }
                "TD" => {
                    if let Some([tx, ty]) = nums::<2>(o) {
                        gs.text.leading = -ty;
                        tlm = Matrix::translate(tx, ty).mul(&tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = nums::<6>(o) {
                        let m = Matrix(m);
                        if m.is_finite() {
                            tlm = m;
                            tm = m;
                        }
                    }
                }
                "T*" => {
                    tlm = Matrix::translate(0.0, -gs.text.leading).mul(&tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = o.last() {
                        self.show(&gs, &mut tm, s, &mut spans);
                    }
                }
                "'" => {
                    tlm = Matrix::translate(0.0, -gs.text.leading).mul(&tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = o.last() {
                        self.show(&gs, &mut tm, s, &mut spans);
                    }
                }
                "\"" => {
                    if o.len() >= 3 {
                        if let Some(v) = num(&o[o.len() - 3]) {
                            gs.text.word_space = v;
                        }
                        if let Some(v) = num(&o[o.len() - 2]) {
                            gs.text.char_space = v;
                        }
                    }
                    tlm = Matrix::translate(0.0, -gs.text.leading).mul(&tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = o.last() {
                        self.show(&gs, &mut tm, s, &mut spans);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = o.last() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(&gs, &mut tm, s, &mut spans),
                                other => {
                                    if let Some(adj) = num(other) {
                                        self.adjust(&gs, &mut tm, adj);
                                    }
                                }
                            }
                        }
                    }
                }
                // Marked content.
                "BMC" => marked_depth += 1,
                "BDC" => {
                    marked_depth += 1;
                    if let Some(text) = self.actual_text(o, res) {
                        spans.push(ActualSpan {
                            text,
                            bbox: None,
                            depth: marked_depth,
                        });
                    }
                }
                "EMC" => {
                    if spans.last().is_some_and(|s| s.depth == marked_depth)
                        && let Some(span) = spans.pop()
                    {
                        self.emit_actual(span, &gs, &tm);
                    }
                    marked_depth = marked_depth.saturating_sub(1);
                }
                // Paths.
                "m" => {
                    if let Some([x, y]) = nums::<2>(o) {
                        let p = gs.ctm.apply(x, y);
                        path.subpaths.push((vec![p], false, false));
                        path.start = Some(p);
                    }
                }
                "l" => {
                    if let Some([x, y]) = nums::<2>(o) {
                        let p = gs.ctm.apply(x, y);
                        if let Some(sp) = path.subpaths.last_mut()
                            && sp.0.len() < 10_000
                        {
                            sp.0.push(p);
                        }
                    }
                }
                "c" | "v" | "y" => {
                    if let Some(last) = o.len().checked_sub(2)
                        && let (Some(x), Some(y)) = (num(&o[last]), num(&o[last + 1]))
                    {
                        let p = gs.ctm.apply(x, y);
                        if let Some(sp) = path.subpaths.last_mut() {
                            sp.1 = true;
                            if sp.0.len() < 10_000 {
                                sp.0.push(p);
                            }
                        }
                    }
                }
                "h" => {
                    if let Some(sp) = path.subpaths.last_mut() {
                        sp.2 = true;
                    }
                }
                "re" => {
                    if let Some([x, y, w, h]) = nums::<4>(o) {
                        let pts = vec![
                            gs.ctm.apply(x, y),
                            gs.ctm.apply(x + w, y),
                            gs.ctm.apply(x + w, y + h),
                            gs.ctm.apply(x, y + h),
                        ];
                        path.subpaths.push((pts, false, true));
                    }
                }
                "S" | "s" => {
                    self.stroke(&path, &gs);
                    path = Path::default();
                }
                "f" | "F" | "f*" => {
                    self.fill(&path, &gs);
                    path = Path::default();
                }
                "B" | "B*" | "b" | "b*" => {
                    self.fill(&path, &gs);
                    self.stroke(&path, &gs);
                    path = Path::default();
                }
                "n" => path = Path::default(),
                // XObjects and images.
                "Do" => {
                    if let Some(Object::Name(n)) = o.last() {
                        self.do_xobject(n, res, &gs, depth)?;
                    }
                }
                "BI" => {
                    // Inline image: lopdf's parser has skipped its data already.
                    let (ax, ay) = gs.ctm.apply_vec(1.0, 1.0);
                    self.out.image_area += (ax * ay).abs().min(1e7);
                }
                _ => {}
            }
            if self.out.truncated {
                break;
            }
        }
        // Spans left open at the end of the stream still cover their glyphs.
        while let Some(span) = spans.pop() {
            self.emit_actual(span, &gs, &tm);
        }
        Ok(())
    }

    fn warn_once(&mut self, w: String) {
        if !self.warnings.contains(&w) && self.warnings.len() < 200 {
            self.warnings.push(w);
        }
    }

    /// The /ActualText of a BDC's property list, inline or named in /Properties.
    fn actual_text(&self, o: &[Object], res: &Resources<'a>) -> Option<String> {
        let props = match o.last()? {
            Object::Dictionary(d) => d,
            Object::Name(n) => deref(self.doc, res.lookup(self.doc, b"Properties", n)?)?
                .as_dict()
                .ok()?,
            _ => return None,
        };
        match deref(self.doc, props.get(b"ActualText").ok()?)? {
            Object::String(s, _) => Some(decode_text_string(s)),
            _ => None,
        }
    }

    fn emit_actual(&mut self, span: ActualSpan, gs: &GState, tm: &Matrix) {
        if span.text.is_empty() {
            return;
        }
        let (dir, b, size) = match span.bbox {
            Some(x) => x,
            None => {
                // No glyph inside: place it at the current text position.
                let trm = Matrix([gs.text.size, 0.0, 0.0, gs.text.size, 0.0, gs.text.rise])
                    .mul(tm)
                    .mul(&gs.ctm);
                let (ox, oy) = trm.apply(0.0, 0.0);
                let size = vec_len(trm.apply_vec(0.0, 1.0)).max(1.0);
                (
                    Dir::Right,
                    [ox, oy - 0.2 * size, ox + 0.01, oy + 0.8 * size],
                    size,
                )
            }
        };
        if self.glyph_cap().is_some() {
            return;
        }
        self.out.glyphs.push(Glyph {
            text: span.text,
            dir,
            x0: b[0],
            y0: b[1],
            x1: b[2],
            y1: b[3],
            size,
            bold: is_bold(gs),
        });
    }

    /// `Some(())` when the page already holds the most glyphs allowed.
    fn glyph_cap(&mut self) -> Option<()> {
        if self.out.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
            self.out.truncated = true;
            Some(())
        } else {
            None
        }
    }

    fn adjust(&mut self, gs: &GState, tm: &mut Matrix, adj: f32) {
        let vertical = gs.text.font.as_ref().is_some_and(|f| f.is_vertical());
        let d = -adj / 1000.0 * gs.text.size;
        if vertical {
            *tm = Matrix::translate(0.0, d).mul(tm);
        } else {
            *tm = Matrix::translate(d * gs.text.scale, 0.0).mul(tm);
        }
    }

    fn show(&mut self, gs: &GState, tm: &mut Matrix, bytes: &[u8], spans: &mut [ActualSpan]) {
        let Some(font) = gs.text.font.clone() else {
            return;
        };
        let mut buf = std::mem::take(&mut self.glyph_buf);
        buf.clear();
        font.decode(bytes, &mut buf);
        let ts = &gs.text;
        let vertical = font.is_vertical();
        // Em height in text space: Type 3 glyph space is scaled by its FontMatrix.
        let em = font
            .type3_matrix()
            .map_or(1.0, |m| (m[3].abs() * 1000.0).clamp(0.01, 100.0));
        let bold = is_bold(gs);
        for g in &buf {
            let trm = Matrix([ts.size * ts.scale, 0.0, 0.0, ts.size, 0.0, ts.rise])
                .mul(tm)
                .mul(&gs.ctm);
            let spacing = ts.char_space + if g.is_word_space { ts.word_space } else { 0.0 };
            if vertical {
                // Origin at the top centre of the glyph; advance downwards.
                let adv = if g.vertical_advance < 0.0 {
                    -g.vertical_advance
                } else {
                    1.0
                };
                let (ox, oy) = trm.apply(0.0, 0.0);
                let down = trm.apply_vec(0.0, -1.0);
                let right = trm.apply_vec(1.0, 0.0);
                let dir = classify(down);
                let size = vec_len(right).max(0.01) * em;
                let (cx, cy) = dir.to_canon(ox, oy);
                let adv_len = adv * vec_len(trm.apply_vec(0.0, 1.0));
                let (x0, x1) = (cx, cx + adv_len.max(0.01));
                let (y0, y1) = (cy - 0.5 * size, cy + 0.5 * size);
                self.push_glyph(g, dir, [x0, y0, x1, y1], size, bold, spans);
                let ty = -(adv * ts.size) - spacing;
                *tm = Matrix::translate(0.0, ty).mul(tm);
            } else {
                let (ox, oy) = trm.apply(0.0, 0.0);
                let adv_v = trm.apply_vec(1.0, 0.0);
                let up_v = trm.apply_vec(0.0, 1.0);
                let dir = classify(adv_v);
                let size = vec_len(up_v).max(0.01) * em;
                let (cx, cy) = dir.to_canon(ox, oy);
                let w = g.width * vec_len(adv_v);
                let (y0, y1) = (cy - 0.2 * size, cy + 0.8 * size);
                self.push_glyph(g, dir, [cx, y0, cx + w.max(0.0), y1], size, bold, spans);
                let tx = (g.width * ts.size + spacing) * ts.scale;
                *tm = Matrix::translate(tx, 0.0).mul(tm);
            }
            if self.out.truncated {
                break;
            }
        }
        self.glyph_buf = buf;
    }

    fn push_glyph(
        &mut self,
        g: &DecodedGlyph,
        dir: Dir,
        b: [f32; 4],
        size: f32,
        bold: bool,
        spans: &mut [ActualSpan],
    ) {
        if !b.iter().all(|v| v.is_finite()) || !(size.is_finite()) {
            return;
        }
        if let Some(span) = spans.last_mut() {
            span.bbox = Some(match span.bbox {
                None => (dir, b, size),
                Some((d, o, s)) => (
                    d,
                    [
                        o[0].min(b[0]),
                        o[1].min(b[1]),
                        o[2].max(b[2]),
                        o[3].max(b[3]),
                    ],
                    s.max(size),
                ),
            });
            return;
        }
        if self.glyph_cap().is_some() {
            return;
        }
        let text = if g.text.is_empty() {
            self.out.undecodable += 1;
            "\u{FFFD}".to_string()
        } else {
            g.text.clone()
        };
        self.out.glyphs.push(Glyph {
            text,
            dir,
            x0: b[0],
            x1: b[2],
            y0: b[1],
            y1: b[3],
            size,
            bold,
        });
    }

    fn stroke(&mut self, path: &Path, gs: &GState) {
        let lw = vec_len(gs.ctm.apply_vec(gs.line_width.max(0.0), 0.0));
        if lw > 6.0 {
            return;
        }
        for (pts, _curve, closed) in &path.subpaths {
            let n = pts.len();
            if n < 2 {
                continue;
            }
            let segs = if *closed { n } else { n - 1 };
            for i in 0..segs {
                let a = pts[i];
                let b = pts[(i + 1) % n];
                self.push_rule(a, b);
            }
        }
    }

    fn push_rule(&mut self, a: (f32, f32), b: (f32, f32)) {
        if self.out.rules.len() >= MAX_SEGMENTS_PER_PAGE {
            self.out.truncated = true;
            return;
        }
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if !(dx.is_finite() && dy.is_finite()) {
            return;
        }
        if dy <= 0.5 && dx > 1.0 {
            self.out.rules.push(Rule {
                horizontal: true,
                pos: (a.1 + b.1) * 0.5,
                from: a.0.min(b.0),
                to: a.0.max(b.0),
            });
        } else if dx <= 0.5 && dy > 1.0 {
            self.out.rules.push(Rule {
                horizontal: false,
                pos: (a.0 + b.0) * 0.5,
                from: a.1.min(b.1),
                to: a.1.max(b.1),
            });
        }
    }

    fn fill(&mut self, path: &Path, gs: &GState) {
        for (pts, curve, _) in &path.subpaths {
            if *curve {
                self.disc(pts, gs);
                continue;
            }
            if pts.len() < 4 || pts.len() > 5 {
                continue;
            }
            // An axis-aligned rectangle?
            let xs: Vec<f32> = pts.iter().map(|p| p.0).collect();
            let ys: Vec<f32> = pts.iter().map(|p| p.1).collect();
            let (x0, x1) = (
                xs.iter().cloned().fold(f32::MAX, f32::min),
                xs.iter().cloned().fold(f32::MIN, f32::max),
            );
            let (y0, y1) = (
                ys.iter().cloned().fold(f32::MAX, f32::min),
                ys.iter().cloned().fold(f32::MIN, f32::max),
            );
            let axis = pts.iter().all(|p| {
                ((p.0 - x0).abs() < 0.5 || (p.0 - x1).abs() < 0.5)
                    && ((p.1 - y0).abs() < 0.5 || (p.1 - y1).abs() < 0.5)
            });
            if !axis || !x0.is_finite() || !y1.is_finite() {
                continue;
            }
            let (w, h) = (x1 - x0, y1 - y0);
            if h <= 2.5 && w > 2.0 {
                self.push_rule((x0, (y0 + y1) * 0.5), (x1, (y0 + y1) * 0.5));
            } else if w <= 2.5 && h > 2.0 {
                self.push_rule(((x0 + x1) * 0.5, y0), ((x0 + x1) * 0.5, y1));
            } else if !gs.fill_white && w > 2.0 && h > 2.0 && self.out.fills.len() < 50_000 {
                self.out.fills.push(Fill { x0, y0, x1, y1 });
            }
        }
    }

    /// A small filled disc is a list bullet drawn as a shape (browsers draw
    /// `<ul>` markers so): it becomes a "•" glyph, so that its line reads as an item.
    fn disc(&mut self, pts: &[(f32, f32)], gs: &GState) {
        if gs.fill_white || pts.len() < 4 || self.out.discs.len() >= 2000 {
            return;
        }
        let x0 = pts.iter().map(|p| p.0).fold(f32::MAX, f32::min);
        let x1 = pts.iter().map(|p| p.0).fold(f32::MIN, f32::max);
        let y0 = pts.iter().map(|p| p.1).fold(f32::MAX, f32::min);
        let y1 = pts.iter().map(|p| p.1).fold(f32::MIN, f32::max);
        let (w, h) = (x1 - x0, y1 - y0);
        if !(1.5..=8.0).contains(&w) || (w - h).abs() > 0.25 * w {
            return;
        }
        // A bullet is about a third of the font size; centre it on the x-height.
        let size = w * 3.0;
        let cy = (y0 + y1) * 0.5;
        self.out.discs.push(Glyph {
            text: "•".into(),
            dir: Dir::Right,
            x0,
            x1,
            y0: cy - 0.45 * size,
            y1: cy + 0.55 * size,
            size,
            bold: false,
        });
    }

    fn do_xobject(
        &mut self,
        name: &[u8],
        res: &Resources<'a>,
        gs: &GState,
        depth: u32,
    ) -> Result<()> {
        let doc = self.doc;
        let Some(obj) = res.lookup(doc, b"XObject", name) else {
            return Ok(());
        };
        let id = if let Object::Reference(id) = obj {
            Some(*id)
        } else {
            None
        };
        let Some(Object::Stream(stream)) = deref(doc, obj) else {
            return Ok(());
        };
        let subtype = stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|o| o.as_name().ok())
            .unwrap_or(b"");
        if subtype == b"Image" {
            let (ax, ay) = gs.ctm.apply_vec(1.0, 0.0);
            let (bx, by) = gs.ctm.apply_vec(0.0, 1.0);
            self.out.image_area += (ax * by - ay * bx).abs().min(1e7);
            return Ok(());
        }
        if subtype != b"Form" {
            return Ok(());
        }
        if let Some(id) = id
            && self.form_stack.contains(&id)
        {
            self.warn_once("a form XObject draws itself; the loop was cut".into());
            return Ok(());
        }
        if depth + 1 > self.limits.max_depth {
            return Err(Error::limit(
                "form XObject nesting",
                self.limits.max_depth as u64,
            ));
        }
        let data = match stream.decompressed_content_with_limit(stream_limit(self.limits)) {
            Ok(d) => d,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                return Err(Error::limit(
                    "decompressed stream bytes",
                    self.limits.max_stream_bytes,
                ));
            }
            Err(_) => {
                if stream.dict.get(b"Filter").is_ok() {
                    self.warn_once("a form XObject could not be decompressed; skipped".into());
                    return Ok(());
                }
                stream.content.clone()
            }
        };
        let mut inner = gs.clone();
        if let Ok(m) = stream.dict.get(b"Matrix").and_then(|o| o.as_array()) {
            let v: Vec<f32> = m.iter().filter_map(num).collect();
            if v.len() == 6 {
                let m = Matrix([v[0], v[1], v[2], v[3], v[4], v[5]]).mul(&gs.ctm);
                if m.is_finite() {
                    inner.ctm = m;
                }
            }
        }
        let mut inner_res = res.clone();
        if let Some(r) = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        {
            inner_res.dicts.insert(0, r);
        }
        if let Some(id) = id {
            self.form_stack.push(id);
        }
        let r = self.run(&data, &inner_res, inner, depth + 1);
        if id.is_some() {
            self.form_stack.pop();
        }
        r
    }
}

/// The per-stream decompression bound as lopdf wants it.
pub(crate) fn stream_limit(limits: &Limits) -> usize {
    usize::try_from(limits.max_stream_bytes).unwrap_or(usize::MAX)
}

fn vec_len((x, y): (f32, f32)) -> f32 {
    (x * x + y * y).sqrt()
}

fn classify((x, y): (f32, f32)) -> Dir {
    if x.abs() >= y.abs() {
        if x >= 0.0 { Dir::Right } else { Dir::Left }
    } else if y < 0.0 {
        Dir::Down
    } else {
        Dir::Up
    }
}

/// Decodes a PDF text string: UTF-16BE with a BOM, UTF-8 with a BOM, else PDFDocEncoding
/// (read as Latin-1, which matches it for the printable range).
pub(crate) fn decode_text_string(s: &[u8]) -> String {
    if s.len() >= 2 && s[0] == 0xFE && s[1] == 0xFF {
        let units: Vec<u16> = s[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if s.len() >= 2 && s[0] == 0xFF && s[1] == 0xFE {
        let units: Vec<u16> = s[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if s.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(&s[3..]).into_owned();
    }
    s.iter().map(|&b| char::from(b)).collect()
}

/// The discs that are list bullets: text starts just right of the disc, on
/// its line, in a font clearly larger than the disc. Glyphs are bucketed by
/// position so that the check is linear.
pub(crate) fn bullet_discs(glyphs: &[Glyph], discs: &[Glyph]) -> Vec<Glyph> {
    if discs.is_empty() {
        return Vec::new();
    }
    const CELL: f32 = 16.0;
    let key = |x: f32, y: f32| ((x / CELL).floor() as i64, (y / CELL).floor() as i64);
    let mut grid: HashMap<(i64, i64), Vec<usize>> = HashMap::new();
    for (i, g) in glyphs.iter().enumerate() {
        if g.dir == Dir::Right && g.x0.is_finite() && g.y0.is_finite() {
            grid.entry(key(g.x0, (g.y0 + g.y1) * 0.5))
                .or_default()
                .push(i);
        }
    }
    let mut out = Vec::new();
    for d in discs {
        let w = d.x1 - d.x0;
        let cy = (d.y0 + d.y1) * 0.5;
        let (kx, ky) = key(d.x1, cy);
        let follows = (kx..=kx + 3).any(|x| {
            (ky - 1..=ky + 1).any(|y| {
                grid.get(&(x, y)).is_some_and(|v| {
                    v.iter().any(|&i| {
                        let g = &glyphs[i];
                        g.x0 >= d.x1 - 0.5
                            && g.x0 - d.x1 <= 2.5 * g.size
                            && cy >= g.y0
                            && cy <= g.y1
                            && w <= 0.6 * g.size
                            && g.text.chars().next().is_some_and(|c| {
                                !c.is_whitespace() && !c.is_ascii_digit() && !".,%-+".contains(c)
                            })
                    })
                })
            })
        });
        if follows {
            out.push(d.clone());
        }
    }
    out
}
