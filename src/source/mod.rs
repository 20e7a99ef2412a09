//! Sources: the inputs named on the command line (files, directories, globs,
//! manifests, URLs) resolved into a list of documents to read.

pub mod fetch;
pub mod shard;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One document to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File {
        /// Where it is.
        path: PathBuf,
        /// Its `source` in the output: relative to the directory it was found
        /// in, or the path as given.
        source: String,
    },
    /// A URL to fetch.
    Url(String),
    /// A linked document that is not read (a format not supported yet, or a
    /// path robots.txt disallows); listed in documents.jsonl with a warning.
    Skipped {
        /// Its URL.
        source: String,
        /// Why it is not read.
        reason: String,
    },
    /// An argument that names nothing readable; reported as that document's error.
    Missing {
        /// The argument as given.
        source: String,
        /// Why it could not be used.
        reason: String,
    },
}

impl Input {
    /// The document's `source` in the output.
    pub fn source(&self) -> &str {
        match self {
            Input::File { source, .. }
            | Input::Missing { source, .. }
            | Input::Skipped { source, .. } => source,
            Input::Url(u) => u,
        }
    }
}

/// True for an argument that is a URL.
pub fn is_url(arg: &str) -> bool {
    let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Resolves command-line arguments into inputs, in the order given;
/// directories are walked recursively in name order, globs expanded in name
/// order, `@FILE` reads a manifest (one path or URL a line, `#` comments).
/// Each file appears once.
pub fn resolve(args: &[String]) -> Vec<Input> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for arg in args {
        resolve_one(arg, &mut out, &mut seen, 0);
    }
    out
}

fn resolve_one(arg: &str, out: &mut Vec<Input>, seen: &mut HashSet<String>, depth: u32) {
    let arg = arg.trim();
    if arg.is_empty() {
        return;
    }
    if is_url(arg) {
        if seen.insert(arg.to_string()) {
            out.push(Input::Url(arg.to_string()));
        }
        return;
    }
    if let Some(manifest) = arg.strip_prefix('@') {
        match fs::read_to_string(manifest) {
            Ok(text) if depth < 4 => {
                for line in text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                {
                    resolve_one(line, out, seen, depth + 1);
                }
            }
            Ok(_) => out.push(Input::Missing {
                source: arg.to_string(),
                reason: "manifests nested too deeply".into(),
            }),
            Err(e) => out.push(Input::Missing {
                source: arg.to_string(),
                reason: format!("cannot read manifest: {e}"),
            }),
        }
        return;
    }
    let path = Path::new(arg);
    if path.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files, 0);
        files.sort();
        for f in files {
            let rel = f
                .strip_prefix(path)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            push_file(f, rel, out, seen);
        }
        return;
    }
    if path.exists() {
        push_file(path.to_path_buf(), arg.to_string(), out, seen);
        return;
    }
    if arg.contains(['*', '?', '[']) {
        match glob::glob(arg) {
            Ok(paths) => {
                let mut files: Vec<PathBuf> = paths
                    .filter_map(|p| p.ok())
                    .filter(|p| p.is_file())
                    .collect();
                files.sort();
                if files.is_empty() {
                    out.push(Input::Missing {
                        source: arg.to_string(),
                        reason: "no file matches the pattern".into(),
                    });
                }
                for f in files {
                    let source = f.to_string_lossy().into_owned();
                    push_file(f, source, out, seen);
                }
            }
            Err(e) => out.push(Input::Missing {
                source: arg.to_string(),
                reason: format!("bad pattern: {e}"),
            }),
        }
        return;
    }
    out.push(Input::Missing {
        source: arg.to_string(),
        reason: "no such file or directory".into(),
    });
}

fn push_file(path: PathBuf, source: String, out: &mut Vec<Input>, seen: &mut HashSet<String>) {
    let key = fs::canonicalize(&path)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| source.clone());
    if seen.insert(key) {
        out.push(Input::File { path, source });
    }
}

/// Files under `dir`, recursively. Hidden entries and the directory's own
/// README / LICENSE notes are not documents.
fn walk(dir: &Path, files: &mut Vec<PathBuf>, depth: u32) {
    if depth > 64 {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if ft.is_dir() {
            walk(&path, files, depth + 1);
        } else if ft.is_file() || ft.is_symlink() && path.is_file() {
            let upper = name.to_ascii_uppercase();
            if upper.starts_with("README")
                || upper.starts_with("LICENSE")
                || upper.starts_with("COPYING")
            {
                continue;
            }
            files.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_globs_manifests_and_missing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir(d.join("sub")).unwrap();
        fs::write(d.join("b.txt"), "x").unwrap();
        fs::write(d.join("sub/a.html"), "x").unwrap();
        fs::write(d.join(".hidden"), "x").unwrap();
        fs::write(d.join("README.md"), "x").unwrap();
        let inputs = resolve(&[d.to_string_lossy().into_owned()]);
        let sources: Vec<&str> = inputs.iter().map(Input::source).collect();
        assert_eq!(sources, vec!["b.txt", "sub/a.html"]);

        let pattern = format!("{}/*.txt", d.display());
        let manifest = d.join("list");
        fs::write(
            &manifest,
            format!(
                "# list\n{}\nhttps://example.jp/a.pdf\n\n{}/nope\n",
                d.join("b.txt").display(),
                d.display()
            ),
        )
        .unwrap();
        let inputs = resolve(&[pattern, format!("@{}", manifest.display())]);
        assert_eq!(inputs.len(), 3, "{inputs:?}");
        assert!(matches!(&inputs[0], Input::File { .. }));
        assert_eq!(inputs[1], Input::Url("https://example.jp/a.pdf".into()));
        assert!(matches!(&inputs[2], Input::Missing { .. }));
    }
}
