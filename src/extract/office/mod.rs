//! Office documents → blocks: spreadsheets (XLSX, BIFF5/BIFF8 `.xls`, ODS)
//! through calamine, Word (DOCX) and PowerPoint (PPTX) through `zip` and
//! `quick-xml` (the copies calamine brings).
//!
//! Every reader opens the file through [`Package`], which bounds what a zip
//! may unpack (each part at most [`Limits::max_stream_bytes`], all parts
//! together at most [`TOTAL_FACTOR`] times that, and at most
//! [`MAX_RATIO`] bytes out per byte in once more than [`RATIO_FLOOR`] bytes
//! come out), refuses encrypted parts, and parses XML with a depth bound
//! ([`xml::Xml`]).

pub mod docx;
pub mod pptx;
pub mod sheet;
pub(crate) mod xml;

use std::io::{Cursor, Read};

use crate::error::{Error, ErrorKind, Result, Stage};
use crate::limits::Limits;
use crate::model::{Document, Format};

/// All parts of one package together may unpack to at most this many times
/// [`Limits::max_stream_bytes`] (64 MB × 4 = 256 MB by default).
pub const TOTAL_FACTOR: u64 = 4;
/// Most bytes unpacked per byte of the zip file (a zip bomb's tell; real
/// XML parts compress 5 to 50 times).
pub const MAX_RATIO: u64 = 200;
/// The ratio is checked only once this much has come out (small files of
/// repetitive XML compress very well and harm no one).
pub const RATIO_FLOOR: u64 = 16 << 20;

/// The OLE2 compound-file signature (`.xls`, `.doc`, encrypted OOXML).
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The Office format of `bytes`, from their content: an OOXML package by the
/// main part its `[Content_Types].xml` names, an OpenDocument spreadsheet by
/// its `mimetype`, a BIFF workbook by the `Workbook` (BIFF8) or `Book` (BIFF5)
/// stream of its compound file. `None` for anything else.
pub fn detect(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return detect_zip(bytes);
    }
    if bytes.starts_with(&CFB_MAGIC)
        && (cfb_has_stream(bytes, "Workbook") || cfb_has_stream(bytes, "Book"))
    {
        return Some(Format::Xls);
    }
    None
}

/// Why a compound file that is no workbook cannot be read (an encrypted
/// OOXML package, a Word 97–2003 file, ...); `None` when `bytes` is not one.
pub fn unreadable(bytes: &[u8]) -> Option<ErrorKind> {
    if !bytes.starts_with(&CFB_MAGIC) {
        return None;
    }
    Some(if cfb_has_stream(bytes, "EncryptedPackage") {
        ErrorKind::Encrypted(
            "a password-protected Office document (encrypted OOXML package)".into(),
        )
    } else if cfb_has_stream(bytes, "WordDocument") {
        ErrorKind::Unsupported("Word 97-2003 document (.doc)".into())
    } else if cfb_has_stream(bytes, "PowerPoint Document") {
        ErrorKind::Unsupported("PowerPoint 97-2003 presentation (.ppt)".into())
    } else {
        ErrorKind::Unsupported("an OLE2 compound file that is no workbook".into())
    })
}

/// Reads an Office document of a format [`detect`] found.
pub fn extract(format: Format, bytes: &[u8], limits: &Limits) -> Result<Document> {
    match format {
        Format::Xlsx | Format::Xls | Format::Ods => sheet::extract(format, bytes, limits),
        Format::Docx => docx::extract(bytes, limits),
        Format::Pptx => pptx::extract(bytes, limits),
        other => Err(Error::new(
            Stage::Extract,
            ErrorKind::Unsupported(format!("{} is not an Office format", other.as_str())),
        )),
    }
}

fn detect_zip(bytes: &[u8]) -> Option<Format> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if let Ok(f) = zip.by_name("mimetype") {
        let mut s = String::new();
        if f.take(128).read_to_string(&mut s).is_ok()
            && s.trim() == "application/vnd.oasis.opendocument.spreadsheet"
        {
            return Some(Format::Ods);
        }
        return None;
    }
    let f = zip.by_name("[Content_Types].xml").ok()?;
    let mut s = String::new();
    f.take(1 << 20).read_to_string(&mut s).ok()?;
    main_part_format(&s)
}

/// The format whose main-part content type `[Content_Types].xml` lists.
fn main_part_format(types: &str) -> Option<Format> {
    const MAIN: [(&str, Format); 7] = [
        ("wordprocessingml.document.main", Format::Docx),
        ("wordprocessingml.template.main", Format::Docx),
        ("ms-word.document.macroEnabled.main", Format::Docx),
        ("spreadsheetml.sheet.main", Format::Xlsx),
        ("ms-excel.sheet.macroEnabled.main", Format::Xlsx),
        ("spreadsheetml.template.main", Format::Xlsx),
        ("presentationml.presentation.main", Format::Pptx),
    ];
    if types.contains("presentationml.slideshow.main")
        || types.contains("ms-powerpoint.presentation.macroEnabled.main")
    {
        return Some(Format::Pptx);
    }
    MAIN.iter()
        .find(|(ct, _)| types.contains(ct))
        .map(|&(_, f)| f)
}

/// True when a directory entry of the compound file is named `name`.
/// Directory entries are 128 bytes at multiples of 128 in the file, the name
/// in UTF-16LE at their start and its byte length (with the NUL) at +64.
fn cfb_has_stream(bytes: &[u8], name: &str) -> bool {
    let want: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    let len_field = (want.len() as u16 + 2).to_le_bytes();
    bytes
        .chunks_exact(128)
        .skip(4) // the 512-byte header
        .any(|e| {
            e.starts_with(&want)
                && e[want.len()..want.len() + 2] == [0, 0]
                && e[64..66] == len_field
        })
}

/// An OOXML or OpenDocument zip opened under the limits.
pub(crate) struct Package<'a> {
    zip: zip::ZipArchive<Cursor<&'a [u8]>>,
    input_len: u64,
    unpacked: u64,
    limits: &'a Limits,
    format: &'static str,
}

impl<'a> Package<'a> {
    /// Opens the zip, refusing encrypted entries and sizes over the limits
    /// as the central directory declares them (the reads check again: a
    /// directory may lie).
    pub(crate) fn open(bytes: &'a [u8], limits: &'a Limits, format: &'static str) -> Result<Self> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| Error::malformed(format, format!("zip: {e}")))?;
        let mut declared = 0u64;
        for i in 0..zip.len() {
            let f = zip
                .by_index_raw(i)
                .map_err(|e| Error::malformed(format, format!("zip: {e}")))?;
            if f.encrypted() {
                return Err(Error::new(
                    Stage::Extract,
                    ErrorKind::Encrypted(format!(
                        "zip entry {} is encrypted",
                        f.name().unwrap_or_default()
                    )),
                ));
            }
            if f.size() > limits.max_stream_bytes {
                return Err(Error::limit(
                    "decompressed zip part bytes",
                    limits.max_stream_bytes,
                ));
            }
            declared = declared.saturating_add(f.size());
        }
        let pkg = Package {
            zip,
            input_len: bytes.len() as u64,
            unpacked: 0,
            limits,
            format,
        };
        pkg.check_total(declared)?;
        Ok(pkg)
    }

    fn check_total(&self, total: u64) -> Result<()> {
        let max_total = self.limits.max_stream_bytes.saturating_mul(TOTAL_FACTOR);
        if total > max_total {
            return Err(Error::limit("decompressed zip bytes in all", max_total));
        }
        if total > RATIO_FLOOR && total / self.input_len.max(1) > MAX_RATIO {
            return Err(Error::limit("zip compression ratio", MAX_RATIO));
        }
        Ok(())
    }

    /// The part `name` as text (UTF-8, BOM dropped), or `None` when the
    /// package has no such part.
    pub(crate) fn part(&mut self, name: &str) -> Result<Option<String>> {
        let name = name.trim_start_matches('/');
        let max = self.limits.max_stream_bytes;
        let format = self.format;
        let mut f = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(Error::malformed(format, format!("zip part {name}: {e}"))),
        };
        let mut buf = Vec::with_capacity(f.size().min(max) as usize);
        (&mut f)
            .take(max + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Error::malformed(format, format!("zip part {name}: {e}")))?;
        drop(f);
        if buf.len() as u64 > max {
            return Err(Error::limit("decompressed zip part bytes", max));
        }
        self.unpacked += buf.len() as u64;
        self.check_total(self.unpacked)?;
        let text = match buf.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => String::from_utf8_lossy(rest).into_owned(),
            None => match String::from_utf8(buf) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            },
        };
        Ok(Some(text))
    }

    /// Unpacks every part once without keeping it, so that the actual sizes
    /// (not the declared ones) are held to the limits before a reader that
    /// does its own unpacking (calamine) sees the file.
    pub(crate) fn check_actual_sizes(&mut self) -> Result<()> {
        let max = self.limits.max_stream_bytes;
        let mut total = 0u64;
        let mut sink = vec![0u8; 64 * 1024];
        for i in 0..self.zip.len() {
            let mut f = self
                .zip
                .by_index(i)
                .map_err(|e| Error::malformed(self.format, format!("zip: {e}")))?;
            let mut n = 0u64;
            loop {
                let k = match f.read(&mut sink) {
                    Ok(0) => break,
                    Ok(k) => k,
                    // A damaged part is the reader's to report.
                    Err(_) => break,
                };
                n += k as u64;
                if n > max {
                    return Err(Error::limit("decompressed zip part bytes", max));
                }
            }
            total += n;
            drop(f);
            self.check_total(total)?;
        }
        Ok(())
    }

    /// The names of the package's parts.
    pub(crate) fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// The title in `docProps/core.xml` (`dc:title`), if any.
    pub(crate) fn core_title(&mut self) -> Result<Option<String>> {
        let Some(core) = self.part("docProps/core.xml")? else {
            return Ok(None);
        };
        let mut x = xml::Xml::new(&core, self.limits, self.format);
        let mut in_title = false;
        let mut title = String::new();
        while let Some(ev) = x.next()? {
            match ev {
                xml::Ev::Open {
                    name: "title",
                    empty: false,
                    ..
                } => in_title = true,
                xml::Ev::Close("title") => in_title = false,
                xml::Ev::Text(t) if in_title => title.push_str(&t),
                _ => {}
            }
        }
        let title = title.trim();
        Ok((!title.is_empty()).then(|| title.to_string()))
    }
}

/// Resolves a relationship target against the folder of the part that
/// names it (`ppt/slides` + `../media/x.png` → `ppt/media/x.png`).
pub(crate) fn resolve_target(base_dir: &str, target: &str) -> String {
    if let Some(abs) = target.strip_prefix('/') {
        return abs.to_string();
    }
    let mut parts: Vec<&str> = base_dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The relationships of a `_rels/*.rels` part: (id, target, type).
pub(crate) fn relationships(
    rels: &str,
    limits: &Limits,
    format: &'static str,
) -> Result<Vec<(String, String, String)>> {
    let mut x = xml::Xml::new(rels, limits, format);
    let mut out = Vec::new();
    while let Some(ev) = x.next()? {
        if let xml::Ev::Open {
            name: "Relationship",
            attrs,
            ..
        } = ev
        {
            let get = |k: &str| {
                attrs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            };
            if get("TargetMode") != "External" {
                out.push((get("Id"), get("Target"), get("Type")));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
