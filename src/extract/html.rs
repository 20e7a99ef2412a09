//! HTML through scraper (html5ever), with the encoding from BOM, HTTP header,
//! `<meta>` or detection.
//!
//! The page becomes a flat list of blocks in document order: headings,
//! paragraphs, list items (with their depth and the marker the list draws)
//! and tables (cells keep their own blocks). Navigation, headers, footers,
//! scripts and styles are left out: they hold no initiatives.

use ego_tree::NodeRef;
use encoding_rs::Encoding;
use scraper::{ElementRef, Html, Node};

use crate::detect::{self, EncodingSource};
use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Block, BlockKind, Cell, Document, Format, Provenance, Row, Table};

/// Reads an HTML page into blocks.
pub fn extract(bytes: &[u8], http_charset: Option<&str>, limits: &Limits) -> Result<Document> {
    let (doc, html) = parse_page(bytes, http_charset, limits)?;
    Ok(walk(doc, &html, limits))
}

/// [`extract`] on bytes it owns: they are freed once html5ever has built its
/// tree, before the tree is walked into blocks, so that a large page's bytes,
/// its tree and its blocks are not all alive at once.
pub fn extract_owned(
    bytes: Vec<u8>,
    http_charset: Option<&str>,
    limits: &Limits,
) -> Result<Document> {
    let large = bytes.len() >= crate::memory::LARGE_INPUT;
    let (doc, html) = parse_page(&bytes, http_charset, limits)?;
    drop(bytes);
    if large {
        crate::memory::give_back();
    }
    let doc = walk(doc, &html, limits);
    drop(html);
    if large {
        crate::memory::give_back();
    }
    Ok(doc)
}

/// Decodes a page and parses it into html5ever's tree: the document so far
/// (its warnings) and the tree.
fn parse_page(
    bytes: &[u8],
    http_charset: Option<&str>,
    limits: &Limits,
) -> Result<(Document, Html)> {
    let start = std::time::Instant::now();
    let mut doc = Document::new(Format::Html);
    // Borrowed from `bytes` when they are valid UTF-8: a large page is not
    // copied before html5ever reads it.
    let decoded = decode(bytes, http_charset, &mut doc.warnings)?;
    let mut text: &str = &decoded;
    // html5ever's tree builder scans its stack of open elements for many
    // tags, so extreme nesting costs quadratic time (100,000 nested <div>s:
    // over 30 s). Elements that deep are skipped by the walker anyway.
    let tree_limit = (limits.max_depth as usize)
        .saturating_mul(16)
        .clamp(256, MAX_TREE_DEPTH);
    if let Some(cut) = nesting_cut(text, tree_limit) {
        text = &text[..cut];
        doc.warnings.push(format!(
            "elements nested more than {tree_limit} deep; the rest of the page was skipped"
        ));
    }
    let html = parse_within(text, start, limits)?;
    Ok((doc, html))
}

/// The title and blocks of a parsed page.
fn walk(mut doc: Document, html: &Html, limits: &Limits) -> Document {
    let title_sel = scraper::Selector::parse("title").expect("static selector");
    doc.title = html
        .select(&title_sel)
        .next()
        .map(|t| collapse_html_space(&t.text().collect::<String>()))
        .filter(|t| !t.is_empty());
    let mut walker = Walker {
        limits,
        element_index: 0,
        depth_exceeded: false,
        in_cover: false,
        bold: false,
    };
    let mut out = Vec::new();
    walker.flow(*html.root_element(), &mut out, 0);
    if walker.depth_exceeded {
        doc.warnings.push(format!(
            "elements nested deeper than {} were skipped",
            limits.max_depth
        ));
    }
    doc.blocks = out;
    doc
}

/// `Html::parse_document`, fed a megabyte at a time with the clock checked
/// in between, so that a page over its wall time stops here instead of
/// running on in the background after the batch has given up on it.
fn parse_within(text: &str, start: std::time::Instant, limits: &Limits) -> Result<Html> {
    use html5ever::tendril::TendrilSink;
    let mut parser = html5ever::driver::parse_document(
        scraper::HtmlTreeSink::new(Html::new_document()),
        Default::default(),
    );
    let mut rest = text;
    while !rest.is_empty() {
        if start.elapsed() > limits.max_time {
            return Err(Error::new(
                Stage::Extract,
                ErrorKind::LimitExceeded {
                    what: "wall time per document (seconds)",
                    limit: limits.max_time.as_secs(),
                },
            ));
        }
        let mut n = rest.len().min(1 << 20);
        while !rest.is_char_boundary(n) {
            n += 1;
        }
        parser.process(rest[..n].into());
        rest = &rest[n..];
    }
    Ok(parser.finish())
}

/// Deepest element nesting handed to the HTML parser.
const MAX_TREE_DEPTH: usize = 4096;

/// Elements that do not nest in practice: void elements, and those whose end
/// tag may be left out (an unclosed `<li>` or `<p>` is closed by the next).
const FLAT_ELEMENTS: [&[u8]; 35] = [
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"keygen",
    b"frame",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"tr",
    b"td",
    b"th",
    b"option",
    b"optgroup",
    b"rb",
    b"rt",
    b"rp",
    b"rtc",
    b"thead",
    b"tbody",
    b"tfoot",
    b"colgroup",
    b"caption",
    b"body",
];

/// Elements whose content is text up to their end tag.
const RAW_TEXT: [&[u8]; 7] = [
    b"script",
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"noembed",
    b"iframe",
];

/// Where the page's element nesting, estimated from its tags, first goes
/// deeper than `max`: the byte offset of that start tag. A linear scan; an
/// end tag closes the nearest open element of its name among the top 64
/// (as a parser closes elements left open inside it) and is ignored if none.
fn nesting_cut(text: &str, max: usize) -> Option<usize> {
    let b = text.as_bytes();
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(pat.len())
            .position(|w| w.eq_ignore_ascii_case(pat))
            .map(|p| from + p)
    };
    let mut open: Vec<u64> = Vec::new();
    let mut i = 0;
    while let Some(p) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        let at = i + p;
        let rest = &b[at + 1..];
        if rest.starts_with(b"!--") {
            i = find(at + 4, b"-->").map_or(b.len(), |e| e + 3);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let start = at + 1 + usize::from(closing);
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if len == 0 || !b[start].is_ascii_alphabetic() {
            // `<!DOCTYPE`, `<?xml`, a lone `<` in text.
            i = at + 1;
            continue;
        }
        let name = &b[start..start + len];
        let gt = b[start + len..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |g| start + len + g);
        i = (gt + 1).min(b.len());
        let hash = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
            (h ^ u64::from(c.to_ascii_lowercase())).wrapping_mul(0x100_0000_01b3)
        });
        if FLAT_ELEMENTS.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            let top = open.len().saturating_sub(64);
            if let Some(k) = open[top..].iter().rposition(|&h| h == hash) {
                open.truncate(top + k);
            }
            continue;
        }
        if b[..gt].ends_with(b"/") {
            continue;
        }
        if RAW_TEXT.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            let mut end = b"</".to_vec();
            end.extend_from_slice(name);
            i = find(i, &end).unwrap_or(b.len());
            continue;
        }
        open.push(hash);
        if open.len() > max {
            return Some(at);
        }
    }
    None
}

/// Decodes the page: BOM, then the HTTP charset, then `<meta>`, then detection.
/// A page whose declared charset does not fit its bytes is read in the
/// Japanese encoding that does fit (with a warning), or refused.
fn decode<'a>(
    bytes: &'a [u8],
    http_charset: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<std::borrow::Cow<'a, str>> {
    let (enc, how) = detect::encoding(bytes, http_charset, true);
    let (text, _, had_errors) = enc.decode(bytes);
    if !had_errors {
        return Ok(text);
    }
    let bad = text.chars().filter(|&c| c == '\u{FFFD}').count();
    if how != EncodingSource::Detected {
        for alt in [
            encoding_rs::UTF_8,
            encoding_rs::SHIFT_JIS,
            encoding_rs::EUC_JP,
            encoding_rs::ISO_2022_JP,
        ] {
            if alt == enc {
                continue;
            }
            if let Some(t) = alt.decode_without_bom_handling_and_without_replacement(bytes)
                && japanese_share(&t) > 0.05
            {
                warnings.push(format!(
                        "declared charset {} does not fit the bytes ({bad} malformed sequences); read as {}",
                        enc.name(),
                        alt.name()
                    ));
                return Ok(t);
            }
        }
    }
    let total = text.chars().count().max(1);
    if bad * 100 > total || bad > 1000 {
        return Err(Error::new(
            Stage::Extract,
            ErrorKind::Encoding(format!(
                "invalid {} ({bad} malformed byte sequences, charset from {})",
                enc.name(),
                describe(how)
            )),
        ));
    }
    warnings.push(format!(
        "{bad} malformed {} byte sequences replaced by U+FFFD",
        enc.name()
    ));
    Ok(text)
}

fn describe(how: EncodingSource) -> &'static str {
    match how {
        EncodingSource::Bom => "byte-order mark",
        EncodingSource::Http => "HTTP header",
        EncodingSource::Meta => "<meta> declaration",
        EncodingSource::Detected => "detection",
    }
}

fn japanese_share(t: &str) -> f64 {
    // Share of Japanese characters among the non-ASCII ones: high for text
    // decoded in the right Japanese encoding, low for mojibake.
    let (mut n, mut ja) = (0usize, 0usize);
    for c in t.chars().filter(|c| !c.is_ascii()) {
        n += 1;
        ja += usize::from(crate::normalize::is_japanese(c));
    }
    if n == 0 { 0.0 } else { ja as f64 / n as f64 }
}

/// Collapses HTML white space (space, tab, CR, LF, FF) to one space.
fn collapse_html_space(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // HTML white space is ASCII: split on its bytes and copy the runs between.
    for run in s
        .split([' ', '\t', '\n', '\r', '\u{0C}'])
        .filter(|r| !r.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(run);
    }
    out
}

/// Elements whose content is never document text.
fn is_skipped(el: &scraper::node::Element) -> bool {
    let name = el.name();
    if matches!(
        name,
        "head"
            | "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "footer"
            | "aside"
            | "iframe"
            | "object"
            | "svg"
            | "button"
            | "select"
            | "option"
            | "input"
            | "textarea"
            | "map"
            | "canvas"
            | "video"
            | "audio"
    ) {
        return true;
    }
    if el
        .attr("role")
        .is_some_and(|r| r.eq_ignore_ascii_case("navigation"))
        || el.attr("hidden").is_some()
    {
        return true;
    }
    let classes = format!(
        "{} {}",
        el.attr("class").unwrap_or(""),
        el.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    [
        "breadcrumb",
        "pankuzu",
        "topicpath",
        "gnav",
        "globalnav",
        "skip",
        "sidebar",
        "sitemap",
    ]
    .iter()
    .any(|k| classes.contains(k))
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "body"
            | "html"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "td"
            | "th"
            | "caption"
            | "blockquote"
            | "pre"
            | "form"
            | "fieldset"
            | "figure"
            | "figcaption"
            | "address"
            | "hr"
            | "center"
            | "menu"
    )
}

struct Walker<'l> {
    limits: &'l Limits,
    element_index: u32,
    depth_exceeded: bool,
    /// Inside a cover page (`class="cover"`): its title is no section heading.
    in_cover: bool,
    /// Text here is set in bold (inside `<b>`, `<strong>`, `font-weight: bold`).
    bold: bool,
}

/// Text gathered for one block, and whether its visible characters are in bold.
#[derive(Default)]
struct Inline {
    text: String,
    /// Some non-white-space text is in bold.
    some_bold: bool,
    /// Some non-white-space text is not.
    some_plain: bool,
}

impl Inline {
    /// Appends text, set in bold or not.
    fn push(&mut self, t: &str, bold: bool) {
        self.text.push_str(t);
        // Only the first visible character of each kind needs looking for.
        let seen = if bold {
            &mut self.some_bold
        } else {
            &mut self.some_plain
        };
        if !*seen && t.chars().any(|c| !c.is_whitespace()) {
            *seen = true;
        }
    }

    /// Appends a line break (no text of its own).
    fn newline(&mut self) {
        self.text.push('\n');
    }

    /// Appends another run of gathered text.
    fn append(&mut self, o: &Inline) {
        self.text.push_str(&o.text);
        self.some_bold |= o.some_bold;
        self.some_plain |= o.some_plain;
    }

    /// True when there is visible text and all of it is bold.
    fn is_bold(&self) -> bool {
        self.some_bold && !self.some_plain
    }

    /// The text and whether it is all bold; leaves `self` empty.
    fn take(&mut self) -> (String, bool) {
        let bold = self.is_bold();
        self.some_bold = false;
        self.some_plain = false;
        (std::mem::take(&mut self.text), bold)
    }
}

/// Whether an element sets its text in bold (`Some(true)`), in a regular
/// weight (`Some(false)`: `font-weight: normal` inside a bold element), or
/// leaves the weight as it is (`None`). An inline `font-weight` wins over
/// the tag. Headings are not bold by their tag: browsers only draw them so.
fn weight(el: &scraper::node::Element) -> Option<bool> {
    // By scanning the (few) attributes: `attr` interns the name it is given.
    if let Some(style) = el
        .attrs()
        .find_map(|(k, v)| k.eq_ignore_ascii_case("style").then_some(v))
    {
        // The last declaration wins, as in CSS.
        let mut w = None;
        for decl in style.split(';') {
            let Some((prop, value)) = decl.split_once(':') else {
                continue;
            };
            if !prop.trim().eq_ignore_ascii_case("font-weight") {
                continue;
            }
            let v = value.split_whitespace().next().unwrap_or("");
            w = if v.eq_ignore_ascii_case("bold") || v.eq_ignore_ascii_case("bolder") {
                Some(true)
            } else if v.eq_ignore_ascii_case("normal") || v.eq_ignore_ascii_case("lighter") {
                Some(false)
            } else {
                v.parse::<f32>().ok().map(|n| n >= 600.0).or(w)
            };
        }
        if w.is_some() {
            return w;
        }
    }
    matches!(el.name(), "b" | "strong").then_some(true)
}

impl Walker<'_> {
    /// Takes up the weight an element sets (see [`weight`]); returns the
    /// weight before it, for the caller to restore on leaving the element.
    fn enter(&mut self, node: NodeRef<'_, Node>) -> bool {
        let was = self.bold;
        if let Node::Element(el) = node.value()
            && let Some(b) = weight(el)
        {
            self.bold = b;
        }
        was
    }

    /// Walks a flow container: block children become blocks, runs of inline
    /// content become paragraphs.
    fn flow(&mut self, node: NodeRef<'_, Node>, out: &mut Vec<Block>, depth: u32) {
        if depth > self.limits.max_depth {
            self.depth_exceeded = true;
            return;
        }
        let was_bold = self.enter(node);
        let mut inline = Inline::default();
        let mut inline_el: Option<u32> = None;
        for child in node.children() {
            match child.value() {
                Node::Text(t) => {
                    inline.push(t, self.bold);
                    inline_el.get_or_insert(self.element_index);
                }
                Node::Element(el) => {
                    if is_skipped(el) {
                        self.element_index += 1;
                        continue;
                    }
                    let name = el.name();
                    if name == "br" {
                        inline.newline();
                        continue;
                    }
                    if is_block(name) {
                        flush_paragraph(&mut inline, inline_el.take(), out);
                        self.block(child, name, out, depth + 1);
                    } else {
                        self.element_index += 1;
                        inline_el.get_or_insert(self.element_index);
                        self.inline_text(child, &mut inline, depth + 1);
                    }
                }
                _ => {}
            }
        }
        flush_paragraph(&mut inline, inline_el, out);
        self.bold = was_bold;
    }

    /// Appends the text of an inline element (and anything inside it).
    fn inline_text(&mut self, node: NodeRef<'_, Node>, acc: &mut Inline, depth: u32) {
        if depth > self.limits.max_depth {
            self.depth_exceeded = true;
            return;
        }
        let was_bold = self.enter(node);
        for child in node.children() {
            match child.value() {
                Node::Text(t) => acc.push(t, self.bold),
                Node::Element(el) => {
                    if is_skipped(el) {
                        continue;
                    }
                    if el.name() == "br" {
                        acc.newline();
                    } else {
                        self.inline_text(child, acc, depth + 1);
                    }
                }
                _ => {}
            }
        }
        self.bold = was_bold;
    }

    fn block(&mut self, node: NodeRef<'_, Node>, name: &str, out: &mut Vec<Block>, depth: u32) {
        self.element_index += 1;
        let index = self.element_index;
        match name {
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let mut t = Inline::default();
                self.inline_text(node, &mut t, depth);
                let (t, bold) = t.take();
                let text = clean(t);
                if !text.is_empty() {
                    let level = name.as_bytes()[1] - b'0';
                    let kind = if self.in_cover {
                        BlockKind::Paragraph { text }
                    } else {
                        BlockKind::Heading { level, text }
                    };
                    let mut prov = Provenance::element(index);
                    prov.bold = bold;
                    out.push(Block { kind, prov });
                }
            }
            "ul" | "ol" | "menu" => self.list(node, name == "ol", 0, out, depth),
            "table" => {
                let table = self.table(node, depth);
                if !table.rows.is_empty() {
                    out.push(Block {
                        kind: BlockKind::Table(table),
                        prov: Provenance::element(index),
                    });
                }
            }
            "hr" => {}
            "header" => {
                // A site header: skipped unless it holds the page's own title.
                let has_h1 = ElementRef::wrap(node)
                    .map(|e| {
                        e.select(&scraper::Selector::parse("h1").expect("static selector"))
                            .next()
                            .is_some()
                    })
                    .unwrap_or(false);
                if has_h1 {
                    self.flow(node, out, depth);
                }
            }
            "li" => {
                // A stray <li> outside a list: treat as an item of an unmarked list.
                self.list_item(node, None, 0, out, depth);
            }
            _ => {
                let cover = match node.value() {
                    Node::Element(el) => el.attr("class").is_some_and(|c| {
                        c.split_whitespace()
                            .any(|k| k.eq_ignore_ascii_case("cover"))
                    }),
                    _ => false,
                };
                let was = self.in_cover;
                self.in_cover |= cover;
                self.flow(node, out, depth);
                self.in_cover = was;
            }
        }
    }

    fn list(
        &mut self,
        node: NodeRef<'_, Node>,
        ordered: bool,
        list_depth: u8,
        out: &mut Vec<Block>,
        depth: u32,
    ) {
        if depth > self.limits.max_depth {
            self.depth_exceeded = true;
            return;
        }
        let el = match node.value() {
            Node::Element(e) => e,
            _ => return,
        };
        let was_bold = self.enter(node);
        let style = el
            .attr("style")
            .unwrap_or("")
            .to_ascii_lowercase()
            .replace(' ', "");
        let unmarked = style.contains("list-style-type:none") || style.contains("list-style:none");
        let mut n: i64 = el
            .attr("start")
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(1);
        let mut stray = Inline::default();
        for child in node.children() {
            if let Node::Text(t) = child.value() {
                // Text directly inside a list (malformed, but pasted tables have it).
                stray.push(t, self.bold);
                continue;
            }
            let Node::Element(ce) = child.value() else {
                continue;
            };
            flush_paragraph(&mut stray, Some(self.element_index), out);
            if is_skipped(ce) {
                continue;
            }
            match ce.name() {
                "li" => {
                    self.element_index += 1;
                    let marker = if unmarked {
                        None
                    } else if ordered {
                        Some(format!("{n}."))
                    } else {
                        Some("•".to_string())
                    };
                    n += 1;
                    self.list_item(child, marker, list_depth, out, depth + 1);
                }
                "ul" | "ol" => {
                    self.element_index += 1;
                    self.list(
                        child,
                        ce.name() == "ol",
                        list_depth.saturating_add(1),
                        out,
                        depth + 1,
                    )
                }
                _ => {
                    self.element_index += 1;
                    self.flow(child, out, depth + 1)
                }
            }
        }
        flush_paragraph(&mut stray, Some(self.element_index), out);
        self.bold = was_bold;
    }

    /// One `<li>`: its own text (nested lists and tables excluded) becomes a
    /// list item; nested lists follow as deeper items. An item that is only a
    /// link (attachments, menus) becomes a paragraph: it is no initiative.
    fn list_item(
        &mut self,
        node: NodeRef<'_, Node>,
        marker: Option<String>,
        list_depth: u8,
        out: &mut Vec<Block>,
        depth: u32,
    ) {
        let index = self.element_index;
        let mut own = Inline::default();
        let mut link_text = String::new();
        let mut after = Vec::new();
        self.li_content(
            node,
            &mut own,
            &mut link_text,
            &mut after,
            list_depth,
            depth,
        );
        let (own, bold) = own.take();
        let text = clean(own);
        if !text.is_empty() {
            let link_only = !link_text.trim().is_empty()
                && clean(link_text).chars().count() * 10 >= text.chars().count() * 8;
            let kind = if link_only {
                BlockKind::Paragraph { text }
            } else {
                BlockKind::ListItem {
                    depth: list_depth,
                    implicit_marker: marker,
                    text,
                }
            };
            let mut prov = Provenance::element(index);
            prov.bold = bold;
            out.push(Block { kind, prov });
        }
        out.extend(after);
    }

    fn li_content(
        &mut self,
        node: NodeRef<'_, Node>,
        own: &mut Inline,
        links: &mut String,
        after: &mut Vec<Block>,
        list_depth: u8,
        depth: u32,
    ) {
        if depth > self.limits.max_depth {
            self.depth_exceeded = true;
            return;
        }
        let was_bold = self.enter(node);
        for child in node.children() {
            match child.value() {
                Node::Text(t) => own.push(t, self.bold),
                Node::Element(el) => {
                    if is_skipped(el) {
                        continue;
                    }
                    match el.name() {
                        "ul" | "ol" => {
                            self.element_index += 1;
                            self.list(
                                child,
                                el.name() == "ol",
                                list_depth.saturating_add(1),
                                after,
                                depth + 1,
                            );
                        }
                        "table" => self.block(child, "table", after, depth + 1),
                        "br" => own.newline(),
                        "a" => {
                            let mut t = Inline::default();
                            self.inline_text(child, &mut t, depth + 1);
                            own.append(&t);
                            links.push_str(&t.text);
                        }
                        name => {
                            if is_block(name)
                                && !own.text.trim().is_empty()
                                && !own.text.ends_with('\n')
                            {
                                own.newline();
                            }
                            self.li_content(child, own, links, after, list_depth, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
        self.bold = was_bold;
    }

    fn table(&mut self, node: NodeRef<'_, Node>, depth: u32) -> Table {
        let was_bold = self.enter(node);
        let mut rows: Vec<(NodeRef<'_, Node>, bool)> = Vec::new();
        collect_rows(node, false, &mut rows, 0, self.limits.max_depth);
        let mut table = Table::default();
        // Columns still covered by a rowspan from an earlier row: col -> rows left.
        let mut covered: Vec<u32> = Vec::new();
        for (tr, in_head) in rows {
            self.element_index += 1;
            let mut row = Row::default();
            let mut col: usize = 0;
            for cell_node in tr.children() {
                let Node::Element(ce) = cell_node.value() else {
                    continue;
                };
                if !matches!(ce.name(), "td" | "th") {
                    continue;
                }
                self.element_index += 1;
                let index = self.element_index;
                while col < covered.len() && covered[col] > 0 {
                    col += 1;
                }
                let col_span = span(ce.attr("colspan"), 1000);
                let row_span = span(ce.attr("rowspan"), 65534);
                let mut blocks = Vec::new();
                let row_bold = self.enter(tr);
                self.flow(cell_node, &mut blocks, depth + 1);
                self.bold = row_bold;
                let end = col + col_span as usize;
                if covered.len() < end {
                    covered.resize(end, 0);
                }
                for c in covered.iter_mut().take(end).skip(col) {
                    *c = row_span;
                }
                // A cell is bold when all its text blocks are.
                let mut prov = Provenance::element(index);
                prov.bold = blocks.iter().any(|b| b.kind.text().is_some())
                    && blocks
                        .iter()
                        .all(|b| b.prov.bold || b.kind.text().is_none());
                row.cells.push(Cell {
                    header: in_head || ce.name() == "th",
                    col: col as u32,
                    col_span,
                    row_span,
                    blocks,
                    prov,
                });
                col = end;
            }
            for c in covered.iter_mut() {
                *c = c.saturating_sub(1);
            }
            table.rows.push(row);
        }
        self.bold = was_bold;
        table
    }
}

fn span(attr: Option<&str>, max: u32) -> u32 {
    attr.and_then(|s| s.trim().parse::<u32>().ok())
        .map(|n| n.clamp(1, max))
        .unwrap_or(1)
}

/// The rows of a table, outside nested tables; `true` for rows inside `<thead>`.
fn collect_rows<'a>(
    node: NodeRef<'a, Node>,
    in_head: bool,
    rows: &mut Vec<(NodeRef<'a, Node>, bool)>,
    depth: u32,
    max: u32,
) {
    if depth > max {
        return;
    }
    for child in node.children() {
        let Node::Element(el) = child.value() else {
            continue;
        };
        match el.name() {
            "tr" => rows.push((child, in_head)),
            "thead" => collect_rows(child, true, rows, depth + 1, max),
            "tbody" | "tfoot" => collect_rows(child, in_head, rows, depth + 1, max),
            _ => {}
        }
    }
}

fn flush_paragraph(inline: &mut Inline, element: Option<u32>, out: &mut Vec<Block>) {
    let (text, bold) = inline.take();
    let text = clean(text);
    if !text.is_empty() {
        let mut prov = Provenance::element(element.unwrap_or(0));
        prov.bold = bold;
        out.push(Block {
            kind: BlockKind::Paragraph { text },
            prov,
        });
    }
}

/// HTML white space collapsed within each line; explicit line breaks kept;
/// empty lines dropped. Done in place: only ASCII bytes are removed or
/// replaced by a space, so the text stays valid UTF-8 and a large paragraph
/// is not copied.
fn clean(s: String) -> String {
    let mut v = s.into_bytes();
    let mut w = 0;
    // Whether the current line has text yet, and which separator is owed
    // before the next character written.
    let (mut line_has_text, mut space, mut newline) = (false, false, false);
    for r in 0..v.len() {
        match v[r] {
            b'\n' => {
                newline |= line_has_text;
                line_has_text = false;
                space = false;
            }
            b' ' | b'\t' | b'\r' | 0x0C => space |= line_has_text,
            b => {
                if newline {
                    v[w] = b'\n';
                    w += 1;
                } else if space {
                    v[w] = b' ';
                    w += 1;
                }
                (newline, space, line_has_text) = (false, false, true);
                v[w] = b;
                w += 1;
            }
        }
    }
    v.truncate(w);
    String::from_utf8(v).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Parses an HTML fragment (such as a table cell of a text file that holds
/// list markup) into blocks.
/// Paragraphs that run several bulleted items together on one line
/// ("○研修を開催 ○会議を開催", as text pasted from a list) are split at each
/// bullet that repeats the first one after a space.
pub fn fragment_blocks(fragment: &str, limits: &Limits) -> Vec<Block> {
    let html = Html::parse_fragment(fragment);
    let mut walker = Walker {
        limits,
        element_index: 0,
        depth_exceeded: false,
        in_cover: false,
        bold: false,
    };
    let mut out = Vec::new();
    walker.flow(*html.root_element(), &mut out, 0);
    let mut split = Vec::with_capacity(out.len());
    for b in out {
        match &b.kind {
            BlockKind::Paragraph { text } if starts_with_bullet(text) => {
                let bullet = text.chars().next().unwrap_or('○');
                let pattern = format!(" {bullet}");
                let mut parts = Vec::new();
                let mut rest = text.as_str();
                while let Some(i) = rest.find(&pattern) {
                    parts.push(rest[..i].trim().to_string());
                    rest = &rest[i + 1..];
                }
                parts.push(rest.trim().to_string());
                for p in parts.into_iter().filter(|p| !p.is_empty()) {
                    split.push(Block {
                        kind: BlockKind::Paragraph { text: p },
                        prov: b.prov.clone(),
                    });
                }
            }
            _ => split.push(b),
        }
    }
    split
}

fn starts_with_bullet(t: &str) -> bool {
    t.starts_with(['○', '◇', '◆', '●', '・', '■'])
}

#[allow(dead_code)]
fn encoding_name(enc: &'static Encoding) -> &'static str {
    enc.name()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `clean` did before it worked in place, as the reference.
    fn clean_by_copy(s: &str) -> String {
        s.split('\n')
            .map(collapse_html_space)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }

    proptest::proptest! {
        #[test]
        fn clean_in_place_is_clean_by_copy(s in "[ \t\r\n\x0Ca○取組\u{3000}]{0,24}") {
            proptest::prop_assert_eq!(clean(s.clone()), clean_by_copy(&s));
        }
    }

    #[test]
    fn clean_examples() {
        for s in [
            "",
            " \n ",
            "a",
            " a  b \n\n c\t\n",
            "\n\na\n",
            "○ 研修\r\n 開催 ",
        ] {
            assert_eq!(clean(s.to_string()), clean_by_copy(s), "{s:?}");
        }
    }

    #[test]
    fn nesting_estimate() {
        assert_eq!(nesting_cut("<div><div></div></div>", 1), Some(5));
        assert_eq!(nesting_cut("<div><div></div></div>", 2), None);
        // Unclosed list items and paragraphs, void elements, self-closing
        // tags, comments and scripts do not nest.
        let flat = "<ul><li>a<li>b<p>c<br><img src=x><x/><!-- <div><div> -->\
                    <script>if (a<b) { '<div><div>' }</script></ul>";
        assert_eq!(nesting_cut(flat, 1), None);
        // An end tag closes what was left open inside its element.
        let spans = "<div><span><span><span></div>".repeat(1000);
        assert_eq!(nesting_cut(&spans, 4), None);
        // Stray end tags are ignored; odd bytes do not panic.
        assert_eq!(nesting_cut("</div></x><", 1), None);
        assert_eq!(nesting_cut("<a", 0), Some(0));
        assert_eq!(nesting_cut("<é<1<\u{3042}", 0), None);
    }

    #[test]
    fn parsing_in_pieces_is_the_same_and_stops_at_the_time_limit() {
        // Pieces split inside multi-byte characters and tags.
        let page = format!(
            "<html><body><h1>計画</h1><ul>{}</ul></body></html>",
            "<li>○地域の研修会を開催します。</li>".repeat(60_000)
        );
        assert!(page.len() > 2 << 20);
        let l = Limits::default();
        let doc = extract(page.as_bytes(), None, &l).unwrap();
        assert_eq!(doc.blocks.len(), 60_001);
        let whole = Html::parse_document(&page);
        let pieces = parse_within(&page, std::time::Instant::now(), &l).unwrap();
        assert_eq!(whole.html(), pieces.html());
        let l = Limits {
            max_time: std::time::Duration::ZERO,
            ..Limits::default()
        };
        let e = extract(page.as_bytes(), None, &l).unwrap_err().to_string();
        assert!(e.contains("wall time"), "{e}");
    }

    #[test]
    fn deep_nesting_is_cut_quickly() {
        let n = 100_000;
        let page = format!(
            "<html><body><h1>見出し</h1>{}<p>深い</p>{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        );
        let t = std::time::Instant::now();
        let doc = extract(page.as_bytes(), None, &Limits::default()).unwrap();
        // Was over 30 s in html5ever before the cut; about 0.1 s after.
        assert!(t.elapsed() < std::time::Duration::from_secs(10));
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.contains("nested more than 1024 deep"))
        );
        assert!(matches!(&doc.blocks[0].kind, BlockKind::Heading { text, .. } if text == "見出し"));
    }

    fn blocks(html: &str) -> Vec<BlockKind> {
        extract(html.as_bytes(), None, &Limits::default())
            .unwrap()
            .blocks
            .into_iter()
            .map(|b| b.kind)
            .collect()
    }

    /// Each text block's text and whether it is bold (table cells' blocks included).
    fn bold_blocks(html: &str) -> Vec<(String, bool)> {
        fn walk(bs: &[Block], out: &mut Vec<(String, bool)>) {
            for b in bs {
                match &b.kind {
                    BlockKind::Table(t) => {
                        for c in t.rows.iter().flat_map(|r| &r.cells) {
                            walk(&c.blocks, out);
                        }
                    }
                    k => out.push((k.text().unwrap_or("").to_string(), b.prov.bold)),
                }
            }
        }
        let d = extract(html.as_bytes(), None, &Limits::default()).unwrap();
        let mut out = Vec::new();
        walk(&d.blocks, &mut out);
        out
    }

    fn pairs(v: &[(&str, bool)]) -> Vec<(String, bool)> {
        v.iter().map(|(t, b)| (t.to_string(), *b)).collect()
    }

    #[test]
    fn bold_paragraphs_need_all_their_text_in_bold() {
        let got = bold_blocks(
            "<body><p><b>すべて太字</b></p>\
             <p> <strong>前後の空白</strong>\t<br> </p>\
             <p><b>一部</b>だけ太字</p>\
             <p>普通の段落</p>\
             <div><b>一行目</b><br><strong><a href=x>二行目</a></strong></div>\
             <ul><li><b>太字の項目</b></li><li>普通の<b>項目</b></li></ul>\
             <h2>見出し</h2><h3><strong>太字の見出し</strong></h3></body>",
        );
        assert_eq!(
            got,
            pairs(&[
                ("すべて太字", true),
                ("前後の空白", true),
                ("一部だけ太字", false),
                ("普通の段落", false),
                ("一行目\n二行目", true),
                ("太字の項目", true),
                ("普通の項目", false),
                // Browsers draw headings bold; only markup makes them bold here.
                ("見出し", false),
                ("太字の見出し", true),
            ])
        );
    }

    #[test]
    fn bold_by_inline_font_weight() {
        let got = bold_blocks(
            "<body><p style=\"font-weight: bold\">a</p>\
             <p><span style=\"color:red; FONT-WEIGHT:700 !important\">b</span></p>\
             <p><span style=\"font-weight:bolder\">c</span></p>\
             <div style=\"font-weight:600\"><p>d</p></div>\
             <p><span style=\"font-weight:500\">e</span></p>\
             <p><b>f <span style=\"font-weight: normal\">g</span></b></p>\
             <p><b style=\"font-weight:normal\">h</b></p>\
             <table><tr><td><b>i</b></td><th>j</th></tr>\
             <tr style=\"font-weight:bold\"><td>k</td></tr></table></body>",
        );
        assert_eq!(
            got,
            pairs(&[
                ("a", true),
                ("b", true),
                ("c", true),
                ("d", true),
                ("e", false),
                ("f g", false),
                ("h", false),
                ("i", true),
                // A header cell is a header, not bold.
                ("j", false),
                ("k", true),
            ])
        );
        // A cell is bold when all its text is.
        let d = extract(
            "<table><tr><td><b>i</b></td><td>j</td></tr></table>".as_bytes(),
            None,
            &Limits::default(),
        )
        .unwrap();
        let BlockKind::Table(t) = &d.blocks[0].kind else {
            panic!("{:?}", d.blocks)
        };
        let cells: Vec<bool> = t.rows[0].cells.iter().map(|c| c.prov.bold).collect();
        assert_eq!(cells, vec![true, false]);
    }

    #[test]
    fn headings_paragraphs_and_lists() {
        let b = blocks(
            "<html><head><title>T</title></head><body><nav><a>ホーム</a></nav><h1>見出し</h1><p>本文<br>二行目</p>\
             <ul><li>項目A<ul><li>子</li></ul></li><li><a href='x.pdf'>資料.pdf</a></li></ul><ol start=3><li>三</li></ol></body></html>",
        );
        assert_eq!(
            b[0],
            BlockKind::Heading {
                level: 1,
                text: "見出し".into()
            }
        );
        assert_eq!(
            b[1],
            BlockKind::Paragraph {
                text: "本文\n二行目".into()
            }
        );
        assert_eq!(
            b[2],
            BlockKind::ListItem {
                depth: 0,
                implicit_marker: Some("•".into()),
                text: "項目A".into()
            }
        );
        assert_eq!(
            b[3],
            BlockKind::ListItem {
                depth: 1,
                implicit_marker: Some("•".into()),
                text: "子".into()
            }
        );
        assert_eq!(
            b[4],
            BlockKind::Paragraph {
                text: "資料.pdf".into()
            }
        );
        assert_eq!(
            b[5],
            BlockKind::ListItem {
                depth: 0,
                implicit_marker: Some("3.".into()),
                text: "三".into()
            }
        );
        assert_eq!(b.len(), 6);
    }

    #[test]
    fn unmarked_list_has_no_implicit_marker() {
        let b = blocks("<ul style=\"list-style-type: none\"><li>○研修</li></ul>");
        assert_eq!(
            b[0],
            BlockKind::ListItem {
                depth: 0,
                implicit_marker: None,
                text: "○研修".into()
            }
        );
    }

    #[test]
    fn table_spans_are_resolved() {
        let b = blocks(
            "<table><thead><tr><th rowspan=2>A</th><th colspan=2>B</th></tr><tr><th>B1</th><th>B2</th></tr></thead>\
             <tr><th rowspan=2>L</th><td>x</td><td>y</td></tr><tr><td>z</td><td></td></tr></table>",
        );
        let BlockKind::Table(t) = &b[0] else {
            panic!("not a table: {b:?}")
        };
        assert_eq!(t.rows.len(), 4);
        assert_eq!(
            t.rows[1].cells.iter().map(|c| c.col).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(
            t.rows[3].cells.iter().map(|c| c.col).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert!(t.rows[0].cells[0].header && t.rows[0].cells[0].row_span == 2);
        assert_eq!(t.rows[2].cells[1].text(), "x");
    }

    #[test]
    fn declared_charset_is_used() {
        let page = "<html><head><meta charset=\"Shift_JIS\"></head><body><p>北海道の取組</p></body></html>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(page);
        let doc = extract(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(
            doc.blocks[0].kind,
            BlockKind::Paragraph {
                text: "北海道の取組".into()
            }
        );
        assert!(doc.warnings.is_empty());
    }

    #[test]
    fn wrong_declaration_falls_back_with_a_warning() {
        let page = "<html><head><meta charset=\"utf-8\"></head><body><p>北海道の地域づくりを支援する取組</p></body></html>";
        let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(page);
        let doc = extract(&bytes, None, &Limits::default()).unwrap();
        assert_eq!(
            doc.blocks[0].kind,
            BlockKind::Paragraph {
                text: "北海道の地域づくりを支援する取組".into()
            }
        );
        assert_eq!(doc.warnings.len(), 1);
    }

    #[test]
    fn invalid_utf8_declared_as_utf8_is_an_error() {
        let mut bytes = b"<html><head><meta charset=\"utf-8\"></head><body><p>".to_vec();
        bytes.extend((0..400).map(|i| if i % 2 == 0 { 0xC3 } else { 0x28 }));
        bytes.extend_from_slice(b"</p></body></html>");
        let err = extract(&bytes, None, &Limits::default()).unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Encoding(_)), "{err}");
    }
}
