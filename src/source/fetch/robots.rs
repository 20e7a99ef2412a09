//! A small robots.txt reader (RFC 9309): the group for our product token or
//! `*`, `Allow`/`Disallow` with `*` and `$`, the longest match winning and
//! `Allow` winning ties, and `Crawl-delay` (not in the RFC, but widely used).

/// The rules of one host that apply to torikumi.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Robots {
    /// (allow, pattern), in file order.
    rules: Vec<(bool, String)>,
    /// Seconds between requests the site asks for, if any.
    pub crawl_delay: Option<f64>,
}

impl Robots {
    /// Everything allowed (no robots.txt, or a 4xx answer for it).
    pub fn allow_all() -> Self {
        Robots::default()
    }

    /// Parses a robots.txt for the product token `agent` (e.g. "torikumi").
    /// The rules of the groups naming the token are used; failing those, the
    /// `*` groups'; failing those, everything is allowed.
    pub fn parse(text: &str, agent: &str) -> Self {
        let agent = agent.to_ascii_lowercase();
        let mut specific = Robots::default();
        let mut star = Robots::default();
        let (mut found_specific, mut found_star) = (false, false);
        // The user agents of the group being read, and whether its rules have begun.
        let mut group: Vec<String> = Vec::new();
        let mut in_rules = false;
        for raw in text.lines() {
            let line = raw.split('#').next().unwrap_or("").trim();
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let key = key.trim().to_ascii_lowercase();
            let value = value.trim();
            match key.as_str() {
                "user-agent" => {
                    if in_rules {
                        group.clear();
                        in_rules = false;
                    }
                    group.push(value.to_ascii_lowercase());
                }
                "allow" | "disallow" | "crawl-delay" => {
                    in_rules = true;
                    // The product token, case-insensitively; a version after `/` is ignored.
                    let mine = group
                        .iter()
                        .any(|g| g.split('/').next().is_some_and(|t| t.trim() == agent));
                    let starry = group.iter().any(|g| g == "*");
                    let targets: Vec<&mut Robots> = match (mine, starry) {
                        (true, _) => {
                            found_specific = true;
                            vec![&mut specific]
                        }
                        (false, true) => {
                            found_star = true;
                            vec![&mut star]
                        }
                        _ => vec![],
                    };
                    for t in targets {
                        if key == "crawl-delay" {
                            if let Ok(d) = value.parse::<f64>()
                                && d.is_finite()
                                && d >= 0.0
                            {
                                t.crawl_delay = Some(d);
                            }
                        } else if !value.is_empty() {
                            // An empty Disallow allows everything: no rule needed.
                            t.rules.push((key == "allow", value.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        if found_specific {
            specific
        } else if found_star {
            star
        } else {
            Robots::allow_all()
        }
    }

    /// Whether a path (with its query, percent-encoded as sent) may be fetched.
    pub fn allowed(&self, path_and_query: &str) -> bool {
        let mut best: Option<(usize, bool)> = None;
        for (allow, pat) in &self.rules {
            if matches(pat, path_and_query) {
                let len = pat.len();
                best = match best {
                    Some((l, a)) if l > len || (l == len && a) => Some((l, a)),
                    _ => Some((len, *allow)),
                };
            }
        }
        best.is_none_or(|(_, allow)| allow)
    }
}

/// Matches a robots.txt path pattern: a prefix match, with `*` any run of
/// characters and a final `$` anchoring the end. Non-recursive, so a hostile
/// pattern costs O(pattern × path).
fn matches(pattern: &str, path: &str) -> bool {
    let (pat, anchored) = match pattern.strip_suffix('$') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let pat = pat.as_bytes();
    let path = path.as_bytes();
    // Positions in `path` reachable after matching a prefix of the pattern.
    let mut reach = vec![false; path.len() + 1];
    reach[0] = true;
    for &pc in pat {
        let mut next = vec![false; path.len() + 1];
        if pc == b'*' {
            let mut on = false;
            for i in 0..=path.len() {
                on |= reach[i];
                next[i] = on;
            }
        } else {
            for i in 0..path.len() {
                if reach[i] && path[i] == pc {
                    next[i + 1] = true;
                }
            }
        }
        reach = next;
        if !reach.iter().any(|&r| r) {
            return false;
        }
    }
    if anchored {
        reach[path.len()]
    } else {
        reach.iter().any(|&r| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_and_precedence() {
        let txt = "# comment\nUser-agent: *\nDisallow: /private/\nAllow: /private/open.pdf\nCrawl-delay: 2\n\n\
                   User-agent: OtherBot\nDisallow: /\n";
        let r = Robots::parse(txt, "torikumi");
        assert!(!r.allowed("/private/x.pdf"));
        assert!(r.allowed("/private/open.pdf"));
        assert!(r.allowed("/public/x.pdf"));
        assert_eq!(r.crawl_delay, Some(2.0));
        let r = Robots::parse(
            "User-agent: Torikumi/1.0\nUser-agent: x\nDisallow: /a\nUser-agent: *\nDisallow: /",
            "torikumi",
        );
        assert!(!r.allowed("/a/b"));
        assert!(r.allowed("/b"));
    }

    #[test]
    fn wildcards() {
        let r = Robots::parse(
            "User-agent: *\nDisallow: /*.pdf$\nDisallow: /tmp*x\nDisallow:\n",
            "torikumi",
        );
        assert!(!r.allowed("/a/b.pdf"));
        assert!(r.allowed("/a/b.pdf?x=1"));
        assert!(!r.allowed("/tmp/abcx"));
        assert!(r.allowed("/tmp/abc"));
        assert!(Robots::parse("", "torikumi").allowed("/anything"));
    }
}
