//! The torikumi command line: flags, the thread pool, progress and exit codes.
//! Everything else lives in the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use torikumi::pipeline::{self, DocOutput, Options};
use torikumi::source::fetch::{self, FetchOptions, Fetcher};
use torikumi::source::{self, Input};
use torikumi::{Limits, emit};

// Allocation-heavy work on short-lived per-document threads: mimalloc's
// thread-local heaps are faster than glibc malloc there (benches/README.md).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turns Japanese prefectural and municipal reports (HTML, PDF, text) into a
/// JSON Lines dataset of the initiatives they list.
#[derive(Parser)]
#[command(name = "torikumi", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read documents and write documents.jsonl, initiatives.jsonl and kpis.jsonl.
    ///
    /// Formats are detected from content (PDF, HTML in UTF-8 / Shift_JIS /
    /// EUC-JP / ISO-2022-JP, plain text), never from file names. One bad
    /// document gets an `error` in documents.jsonl and a line on stderr; the
    /// others go on. Exit status: 0 all read, 1 some failed, 2 bad usage.
    Ingest(IngestArgs),
    /// Print the JSON Schema of the output records (one object keyed by file name).
    Schema,
    /// Print a document's text as torikumi reads it: normalized, in reading
    /// order, a table row's cells separated by a tab, pages by a form feed.
    Text {
        /// A file or a URL.
        input: String,
    },
}

#[derive(clap::Args)]
struct IngestArgs {
    /// Files, directories (read recursively), glob patterns, URLs, or @FILE
    /// for a manifest (one path or URL a line). Default: the shipped corpus/.
    inputs: Vec<String>,
    /// Output directory; its three files are replaced atomically at the end.
    #[arg(long, short, default_value = "output")]
    out: PathBuf,
    /// Worker threads (default: one per core). The output does not depend on it.
    #[arg(long, short = 'j')]
    threads: Option<usize>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Largest document read, in MB.
    #[arg(long, default_value_t = 256, value_name = "MB")]
    max_size: u64,
    /// Largest decompressed PDF stream or Office zip part, in MB (all parts of one file: 4 times this).
    #[arg(long, default_value_t = 64, value_name = "MB")]
    max_stream: u64,
    /// Most PDF pages (workbook sheets, slides) read from one document.
    #[arg(long, default_value_t = 5000)]
    max_pages: u32,
    /// Deepest nesting followed (PDF arrays and dictionaries, form XObjects,
    /// HTML elements); deeper content is cut off with a warning or an error.
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_depth: u32,
    /// Wall time one document may take, in seconds; past it the document fails.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    timeout: u64,
    /// From each URL given, also fetch the PDF and HTML reports it links on the
    /// same host, Word/Excel/PowerPoint files included (.doc, .jtd and the like are listed as skipped).
    #[arg(long)]
    follow: bool,
    /// How many links deep --follow goes.
    #[arg(long, default_value_t = 1, value_name = "N")]
    depth: u32,
    /// Most requests per second to one host.
    #[arg(long, default_value_t = 1.0, value_name = "R")]
    rate: f64,
    /// Cache of fetched documents (bodies by sha256, ETag / Last-Modified per
    /// URL). Default: $XDG_CACHE_HOME/torikumi or ~/.cache/torikumi.
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Do not cache fetched documents.
    #[arg(long, conflicts_with_all = ["cache", "offline"])]
    no_cache: bool,
    /// Use only the cache: no network.
    #[arg(long)]
    offline: bool,
    /// Continue an interrupted run on the same --out: documents it finished
    /// (same source, same sha256) are taken from its journal, not read again.
    #[arg(long)]
    resume: bool,
}

fn main() -> ExitCode {
    // A panic inside one document is caught and reported as that document's
    // error; the default hook would print a second, noisier message.
    std::panic::set_hook(Box::new(|_| {}));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Schema => {
            let s = serde_json::to_string_pretty(&emit::schema()).expect("schema serializes");
            println!("{s}");
            ExitCode::SUCCESS
        }
        Command::Text { input } => text(&input),
        Command::Ingest(args) => ingest(args),
    }
}

fn text(input: &str) -> ExitCode {
    let limits = Limits::default();
    let (bytes, charset) = if source::is_url(input) {
        let opts = FetchOptions {
            cache_dir: Some(fetch::default_cache_dir()),
            ..FetchOptions::default()
        };
        match Fetcher::new(opts).and_then(|f| f.fetch(input)) {
            Ok(f) => (f.bytes, f.charset),
            Err(e) => {
                eprintln!("torikumi: {input}: {e}");
                return ExitCode::from(1);
            }
        }
    } else {
        match std::fs::read(input) {
            Ok(b) => (b, None),
            Err(e) => {
                eprintln!("torikumi: {input}: {e}");
                return ExitCode::from(1);
            }
        }
    };
    match pipeline::read_document(&bytes, charset.as_deref(), &limits) {
        Ok(doc) => {
            for w in &doc.warnings {
                eprintln!("torikumi: {input}: warning: {w}");
            }
            let mut out = std::io::stdout().lock();
            if out.write_all(emit::text::render(&doc).as_bytes()).is_err() {
                return ExitCode::SUCCESS; // broken pipe: the reader has what it wanted
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("torikumi: {input}: {e}");
            ExitCode::from(1)
        }
    }
}

fn make_fetcher(args: &IngestArgs) -> Result<Fetcher, torikumi::Error> {
    let cache_dir = if args.no_cache {
        None
    } else {
        Some(args.cache.clone().unwrap_or_else(fetch::default_cache_dir))
    };
    Fetcher::new(FetchOptions {
        cache_dir,
        offline: args.offline,
        depth: args.depth,
        rate_per_host: args.rate,
        timeout_total: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_size.saturating_mul(1 << 20),
        ..FetchOptions::default()
    })
}

/// --follow: each URL input becomes the documents found from it, in order;
/// linked files not read are listed as skipped.
fn follow(inputs: Vec<Input>, fetcher: &Fetcher) -> Vec<Input> {
    let start: Vec<String> = inputs
        .iter()
        .filter_map(|i| {
            if let Input::Url(u) = i {
                Some(u.clone())
            } else {
                None
            }
        })
        .collect();
    let found = fetcher.discover(&start);
    let mut out: Vec<Input> = inputs
        .into_iter()
        .filter(|i| !matches!(i, Input::Url(_)))
        .collect();
    out.extend(found.documents.into_iter().map(Input::Url));
    out.extend(
        found
            .skipped
            .into_iter()
            .filter(|s| !matches!(s.kind, fetch::SkipKind::NotDocument))
            .map(|s| Input::Skipped {
                source: s.url,
                reason: format!("{} (linked from {})", s.reason, s.found_on),
            }),
    );
    out
}

/// The shipped corpus: `corpus/` here, else the one beside the crate's sources.
fn default_corpus() -> String {
    if Path::new("corpus").is_dir() {
        "corpus".to_string()
    } else {
        concat!(env!("CARGO_MANIFEST_DIR"), "/corpus").to_string()
    }
}

fn ingest(args: IngestArgs) -> ExitCode {
    let inputs_args = if args.inputs.is_empty() {
        vec![default_corpus()]
    } else {
        args.inputs.clone()
    };
    let mut inputs: Vec<Input> = source::resolve(&inputs_args);
    let fetcher = if inputs.iter().any(|i| matches!(i, Input::Url(_))) {
        match make_fetcher(&args) {
            Ok(f) => Some(f),
            Err(e) => {
                eprintln!("torikumi: {e}");
                return ExitCode::from(2);
            }
        }
    } else {
        None
    };
    if let (true, Some(f)) = (args.follow, &fetcher) {
        inputs = follow(inputs, f);
    }
    if inputs.is_empty() {
        eprintln!("torikumi: no documents found in {}", inputs_args.join(" "));
        return ExitCode::from(2);
    }
    let limits = Limits {
        max_input_bytes: args.max_size.saturating_mul(1 << 20),
        max_stream_bytes: args.max_stream.saturating_mul(1 << 20),
        max_pages: args.max_pages,
        max_depth: args.max_depth,
        max_time: Duration::from_secs(args.timeout),
        ..Limits::default()
    };
    let opts = Options {
        limits,
        threads: args.threads.unwrap_or(0),
        out: args.out.clone(),
        resume: args.resume,
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal() && inputs.len() > 1;
    let bar = if show_progress {
        let b = ProgressBar::new(inputs.len() as u64);
        b.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} documents {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Some(b)
    } else {
        None
    };
    let on_done = |d: &DocOutput| {
        if let Some(err) = &d.record.error {
            let line = format!("torikumi: {}: {err}", d.record.source);
            match &bar {
                Some(b) => b.println(line),
                None => eprintln!("{line}"),
            }
        }
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let fetch_dyn = fetcher.as_ref().map(|f| f as &dyn pipeline::Fetch);
    let summary = match pipeline::run(&inputs, &opts, fetch_dyn, &on_done) {
        Ok(s) => s,
        Err(e) => {
            if let Some(b) = &bar {
                b.abandon();
            }
            eprintln!(
                "torikumi: cannot write output to {}: {e}",
                args.out.display()
            );
            return ExitCode::from(1);
        }
    };
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if !args.quiet {
        eprintln!(
            "torikumi: {} documents ({} failed{}), {} initiatives, {} KPI rows in {:.2} s -> {}",
            summary.documents,
            summary.failed,
            if summary.resumed > 0 {
                format!(", {} resumed", summary.resumed)
            } else {
                String::new()
            },
            summary.initiatives,
            summary.kpis,
            summary.elapsed.as_secs_f64(),
            args.out.display()
        );
    }
    if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
