//! URL normalization and the links of an HTML page that `--follow` may take.

use scraper::{ElementRef, Html, Selector};
use url::Url;

/// Parses an absolute http(s) URL and puts it in the one form used as the
/// cache key and for "each URL once": fragment dropped, percent-escapes
/// upper-cased, escapes of unreserved characters decoded (so `%e5%a0%b1`,
/// `%E5%A0%B1` and a raw `報` name the same file).
pub fn normalize(input: &str) -> Result<Url, String> {
    let url = Url::parse(input.trim()).map_err(|e| format!("invalid URL {input:?}: {e}"))?;
    finish(url)
}

/// Resolves `href` against `base` and normalizes it like [`normalize`].
pub fn resolve(base: &Url, href: &str) -> Result<Url, String> {
    let url = base
        .join(href.trim())
        .map_err(|e| format!("invalid link {href:?}: {e}"))?;
    finish(url)
}

fn finish(mut url: Url) -> Result<Url, String> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("not an http(s) URL: {url}"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("URL without a host: {url}"));
    }
    url.set_fragment(None);
    let path = canonical_escapes(url.path());
    if path != url.path() {
        url.set_path(&path);
    }
    if let Some(q) = url.query() {
        let q2 = canonical_escapes(q);
        if q2 != q {
            url.set_query(Some(&q2));
        }
    }
    Ok(url)
}

/// Upper-cases the hex of percent-escapes and decodes escapes of unreserved
/// characters (RFC 3986 §6.2.2); everything else is kept as is.
fn canonical_escapes(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() && hex(b[i + 1]).is_some() && hex(b[i + 2]).is_some() {
            let v = hex(b[i + 1]).unwrap_or(0) * 16 + hex(b[i + 2]).unwrap_or(0);
            if v.is_ascii_alphanumeric() || matches!(v, b'-' | b'.' | b'_' | b'~') {
                out.push(v as char);
            } else {
                out.push('%');
                out.push(b[i + 1].to_ascii_uppercase() as char);
                out.push(b[i + 2].to_ascii_uppercase() as char);
            }
            i += 3;
        } else {
            // Non-ASCII cannot occur here (the url crate escapes it), but copy
            // whole characters anyway so that no input can split one.
            let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
            out.push(ch);
            i += ch.len_utf8().max(1);
        }
    }
    out
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The host a politeness budget and `--follow`'s "same site" are counted on:
/// host name and explicit port (`http` and `https` on default ports count as
/// one host).
pub fn host_key(url: &Url) -> String {
    match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    }
}

/// What a link's file name says it points to. Only a hint for what to fetch:
/// the format is finally found from the content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// `.pdf`.
    Pdf,
    /// `.txt`: plain text, which torikumi reads.
    Text,
    /// An Office document torikumi reads (docx, xlsx, xlsm, xls, pptx, ods); the extension.
    Office(String),
    /// `.html`, `.htm`, a script page, a directory or no extension.
    Page,
    /// A document format torikumi does not read yet (doc, ppt, odt, jtd, ...); the extension.
    Unsupported(String),
    /// Not a report at all (an image, an archive, ...); the extension.
    NotDocument(String),
}

/// The hint from a URL's last path segment.
pub fn hint(url: &Url) -> Hint {
    let seg = url
        .path_segments()
        .and_then(|mut s| s.next_back())
        .unwrap_or("");
    let ext = match seg.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => return Hint::Page,
    };
    match ext.as_str() {
        "pdf" => Hint::Pdf,
        "txt" => Hint::Text,
        "html" | "htm" | "shtml" | "xhtml" | "php" | "asp" | "aspx" | "jsp" | "cgi" | "do" => {
            Hint::Page
        }
        "docx" | "xlsx" | "xls" | "xlsm" | "pptx" | "ods" => Hint::Office(ext),
        "doc" | "ppt" | "odt" | "odp" | "rtf" | "csv" | "jtd" | "jtdc" => Hint::Unsupported(ext),
        // An extension we do not know (a dotted id, a version) may still be a page.
        e if e.len() > 5 || e.chars().all(|c| c.is_ascii_digit()) => Hint::Page,
        _ => Hint::NotDocument(ext),
    }
}

/// A link found on a page, in page order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The resolved, normalized URL.
    pub url: Url,
}

/// The links of an HTML page worth following: `<a href>` and `<area href>`
/// outside navigation (`<nav>`, `<header>`, `<footer>`, `role="navigation"`,
/// and elements whose id or class names a menu, breadcrumb, header or footer),
/// resolved against `<base href>` or the page URL, http(s) only, in page
/// order, each once.
pub fn extract(html: &str, page_url: &Url) -> Vec<Link> {
    let doc = Html::parse_document(html);
    let base = Selector::parse("base[href]")
        .ok()
        .and_then(|sel| {
            doc.select(&sel)
                .next()
                .and_then(|b| b.value().attr("href").map(str::to_string))
        })
        .and_then(|h| page_url.join(h.trim()).ok())
        .unwrap_or_else(|| page_url.clone());
    let Ok(sel) = Selector::parse("a[href], area[href]") else {
        return Vec::new();
    };
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for a in doc.select(&sel) {
        let href = a.value().attr("href").unwrap_or("").trim();
        if href.is_empty() || href.starts_with('#') || in_navigation(a) {
            continue;
        }
        let lower = href.to_ascii_lowercase();
        if lower.starts_with("mailto:")
            || lower.starts_with("javascript:")
            || lower.starts_with("tel:")
        {
            continue;
        }
        let Ok(url) = resolve(&base, href) else {
            continue;
        };
        if seen.insert(url.as_str().to_string()) {
            out.push(Link { url });
        }
    }
    out
}

fn in_navigation(a: ElementRef<'_>) -> bool {
    a.ancestors().filter_map(ElementRef::wrap).any(|el| {
        let v = el.value();
        if matches!(v.name(), "nav" | "header" | "footer") {
            return true;
        }
        if v.attr("role")
            .is_some_and(|r| r.eq_ignore_ascii_case("navigation"))
        {
            return true;
        }
        v.attr("id").is_some_and(names_navigation) || v.attr("class").is_some_and(names_navigation)
    })
}

/// True when an id or class value names page chrome, e.g. `gnavi`,
/// `globalNav`, `menu-box`, `pankuzu`, `topicpath`, `footer_inner`. Whole
/// tokens only, so that `unavailable` or `canvas` do not count.
fn names_navigation(value: &str) -> bool {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_ascii_lowercase)
        .any(|t| {
            const ENDS: [&str; 6] = ["nav", "navi", "navigation", "menu", "header", "footer"];
            const STARTS: [&str; 8] = [
                "nav",
                "menu",
                "breadcrumb",
                "pankuzu",
                "topicpath",
                "header",
                "footer",
                "sitemap",
            ];
            ENDS.iter().any(|e| t.ends_with(e)) || STARTS.iter().any(|s| t.starts_with(s))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_escapes_and_fragments() {
        let a = normalize("https://www.pref.example.lg.jp/a/報告書.pdf#p2").unwrap();
        let b = normalize("https://WWW.pref.example.lg.jp:443/a/%e5%a0%b1%e5%91%8a%e6%9b%b8.pdf")
            .unwrap();
        let c = normalize("https://www.pref.example.lg.jp/a/%E5%A0%B1%E5%91%8A%E6%9B%B8%2Epdf")
            .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(
            a.as_str(),
            "https://www.pref.example.lg.jp/a/%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf"
        );
        assert!(normalize("mailto:x@example.jp").is_err());
        assert!(normalize("not a url").is_err());
        // Reserved characters stay escaped.
        assert_eq!(
            normalize("http://h/a%2fb?q=%3d").unwrap().as_str(),
            "http://h/a%2Fb?q=%3D"
        );
    }

    #[test]
    fn hints() {
        let h = |s: &str| hint(&normalize(s).unwrap());
        assert_eq!(h("http://h/a/b.PDF"), Hint::Pdf);
        assert_eq!(h("http://h/a/"), Hint::Page);
        assert_eq!(h("http://h/a/index.html"), Hint::Page);
        assert_eq!(h("http://h/a/x.docx"), Hint::Office("docx".into()));
        assert_eq!(h("http://h/a/x.XLS"), Hint::Office("xls".into()));
        assert_eq!(h("http://h/a/x.doc"), Hint::Unsupported("doc".into()));
        assert_eq!(h("http://h/a/x.jpg"), Hint::NotDocument("jpg".into()));
        assert_eq!(h("http://h/a/x.jtd"), Hint::Unsupported("jtd".into()));
        assert_eq!(h("http://h/a/x.txt"), Hint::Text);
        assert_eq!(h("http://h/a/page.12345"), Hint::Page);
    }

    #[test]
    fn links_skip_navigation_and_resolve_base() {
        let html = r##"<html><head><base href="/docs/"></head><body>
            <nav><a href="/nav.html">nav</a></nav>
            <div id="gnavi"><a href="/gnavi.html">g</a></div>
            <div class="breadcrumb-list"><a href="/crumb.html">c</a></div>
            <footer><a href="/foot.html">f</a></footer>
            <div id="main" class="unavailable">
              <a href="r.pdf">1</a><a href="./r.pdf#x">dup</a><a href="mailto:a@b">m</a>
              <a href="javascript:void(0)">j</a><a href="#top">t</a>
              <a href="報告.pdf">jp</a><a href="http://other.example/x.pdf">o</a>
            </div></body></html>"##;
        let page = normalize("http://h.example/index.html").unwrap();
        let got: Vec<String> = extract(html, &page)
            .into_iter()
            .map(|l| l.url.to_string())
            .collect();
        assert_eq!(
            got,
            vec![
                "http://h.example/docs/r.pdf",
                "http://h.example/docs/%E5%A0%B1%E5%91%8A.pdf",
                "http://other.example/x.pdf"
            ]
        );
    }
}
