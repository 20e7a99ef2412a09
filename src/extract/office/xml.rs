//! A pull reader over one XML part with a nesting bound: element names and
//! attribute names without their namespace prefix, attribute values and
//! text with entities resolved.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::error::{Error, Result};
use crate::limits::Limits;

/// One event of [`Xml`].
#[derive(Debug)]
pub(crate) enum Ev<'a> {
    /// A start tag (`empty`: `<x/>`, no `Close` follows).
    Open {
        /// Local name.
        name: &'a str,
        /// Attributes: local name, unescaped value.
        attrs: Vec<(&'a str, Cow<'a, str>)>,
        /// A self-closing tag.
        empty: bool,
    },
    /// An end tag (local name).
    Close(&'a str),
    /// Character data, entities resolved.
    Text(Cow<'a, str>),
}

/// Deepest nesting accepted, per level of [`Limits::max_depth`]: Office XML
/// nests a dozen levels for one table cell's run.
const DEPTH_PER_LEVEL: u32 = 8;

/// A pull reader over one XML part.
pub(crate) struct Xml<'a> {
    input: &'a str,
    reader: Reader<&'a [u8]>,
    depth: u32,
    max_depth: u32,
    format: &'static str,
}

impl<'a> Xml<'a> {
    /// A reader over `text`; `format` names the file type in errors.
    pub(crate) fn new(text: &'a str, limits: &Limits, format: &'static str) -> Self {
        let mut reader = Reader::from_str(text);
        let cfg = reader.config_mut();
        cfg.check_end_names = false;
        cfg.trim_text(false);
        Xml {
            input: text,
            reader,
            depth: 0,
            max_depth: limits.max_depth.saturating_mul(DEPTH_PER_LEVEL).max(64),
            format,
        }
    }

    /// The next event, `None` at the end of the part.
    pub(crate) fn next(&mut self) -> Result<Option<Ev<'a>>> {
        loop {
            let before = self.reader.buffer_position() as usize;
            let ev = self
                .reader
                .read_event()
                .map_err(|e| Error::malformed(self.format, format!("XML: {e}")))?;
            let empty = matches!(ev, Event::Empty(_));
            return Ok(Some(match ev {
                Event::Start(_) | Event::Empty(_) => {
                    // The tag as it stands in the input: `<` content `>` or `/>`.
                    let after = self.reader.buffer_position() as usize;
                    let Some(tag) = self.input.get(before..after) else {
                        continue;
                    };
                    let content = tag
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .trim_end_matches('/');
                    let name_len = content
                        .find(|c: char| c.is_ascii_whitespace() || c == '/')
                        .unwrap_or(content.len());
                    let name = local(&content[..name_len]);
                    let mut attrs = Vec::new();
                    for a in quick_xml::events::attributes::Attributes::new(content, name_len)
                        .with_checks(false)
                        .flatten()
                    {
                        let key = local(a.key.0);
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap_or_else(|_| a.value.clone());
                        attrs.push((key, value));
                    }
                    if !empty {
                        self.depth += 1;
                        if self.depth > self.max_depth {
                            return Err(Error::limit(
                                "XML nesting depth",
                                u64::from(self.max_depth),
                            ));
                        }
                    }
                    Ev::Open { name, attrs, empty }
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    let after = self.reader.buffer_position() as usize;
                    let Some(tag) = self.input.get(before..after) else {
                        continue;
                    };
                    Ev::Close(local(
                        tag.trim_start_matches("</")
                            .trim_end_matches('>')
                            .trim_end(),
                    ))
                }
                Event::Text(t) => Ev::Text(t.into_inner()),
                Event::CData(t) => Ev::Text(Cow::Owned(t.to_string())),
                Event::GeneralRef(r) => {
                    let c = if r.is_char_ref() {
                        r.resolve_char_ref().ok().flatten()
                    } else {
                        match &*r {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        }
                    };
                    match c {
                        Some(c) => Ev::Text(Cow::Owned(c.to_string())),
                        None => continue,
                    }
                }
                Event::Eof => return Ok(None),
                _ => continue,
            }));
        }
    }

    /// Skips to the end of the element just opened (not an empty one).
    pub(crate) fn skip(&mut self) -> Result<()> {
        let target = self.depth.saturating_sub(1);
        while self.depth > target {
            if self.next()?.is_none() {
                break;
            }
        }
        Ok(())
    }
}

fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

/// The value of attribute `key` among `attrs`.
pub(crate) fn attr<'b>(attrs: &'b [(&str, Cow<'_, str>)], key: &str) -> Option<&'b str> {
    attrs
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_ref())
}

/// A WordprocessingML / SpreadsheetML on-off element (`<w:b/>`, `<b val="0"/>`):
/// on unless its `val` says off.
pub(crate) fn truthy(attrs: &[(&str, Cow<'_, str>)]) -> bool {
    !matches!(attr(attrs, "val"), Some("0" | "false" | "off"))
}
