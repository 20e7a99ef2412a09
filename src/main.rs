//! The torikumi command line: flags, the thread pool, progress and exit codes.
//! Everything else lives in the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use torikumi::pipeline::{self, DocOutput, Options};
use torikumi::source::{self, Input};
use torikumi::{Limits, emit};

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
        /// A file (or URL, where fetching is available).
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
    /// Largest decompressed PDF stream, in MB.
    #[arg(long, default_value_t = 64, value_name = "MB")]
    max_stream: u64,
    /// Most PDF pages read from one document.
    #[arg(long, default_value_t = 5000)]
    max_pages: u32,
    /// Wall time one document may take, in seconds; past it the document fails.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    timeout: u64,
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
    let bytes = match std::fs::read(input) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("torikumi: {input}: {e}");
            return ExitCode::from(1);
        }
    };
    match pipeline::read_document(&bytes, None, &limits) {
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
    let inputs: Vec<Input> = source::resolve(&inputs_args);
    if inputs.is_empty() {
        eprintln!("torikumi: no documents found in {}", inputs_args.join(" "));
        return ExitCode::from(2);
    }
    let limits = Limits {
        max_input_bytes: args.max_size.saturating_mul(1 << 20),
        max_stream_bytes: args.max_stream.saturating_mul(1 << 20),
        max_pages: args.max_pages,
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
    let summary = match pipeline::run(&inputs, &opts, None, &on_done) {
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
            if summary.resumed > 0 { format!(", {} resumed", summary.resumed) } else { String::new() },
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
