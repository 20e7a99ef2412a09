//! Prints a PDF's blocks as text: lines in reading order, table rows as cells
//! separated by a tab (a cell's lines joined by " / "), a form feed between
//! pages. Warnings and errors go to stderr.
//!
//! Usage: `cargo run --example pdf_text -- FILE.pdf [--blocks]`
//! (`--blocks` marks each block's kind and page, `--bbox` prints line boxes).

use torikumi::limits::Limits;
use torikumi::model::BlockKind;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: pdf_text FILE.pdf [--blocks]");
        std::process::exit(2);
    };
    let verbose = args.iter().any(|a| a == "--blocks");
    let show_bbox = args.iter().any(|a| a == "--bbox");
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let t = std::time::Instant::now();
    let doc = match torikumi::extract::pdf::extract(&bytes, &Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: error: {e}");
            std::process::exit(1);
        }
    };
    eprintln!(
        "{path}: {} pages, {} blocks, title {:?}, {:.0} ms",
        doc.pages.unwrap_or(0),
        doc.blocks.len(),
        doc.title,
        t.elapsed().as_secs_f64() * 1000.0
    );
    for w in &doc.warnings {
        eprintln!("warning: {w}");
    }
    let mut page = 1;
    for b in &doc.blocks {
        let p = b.prov.page.unwrap_or(page);
        while page < p {
            print!("\x0c");
            page += 1;
        }
        match &b.kind {
            BlockKind::Table(t) => {
                if verbose {
                    println!("[table p{p} {} rows]", t.rows.len());
                }
                for r in &t.rows {
                    let cells: Vec<String> = r
                        .cells
                        .iter()
                        .map(|c| {
                            let s = c.text().replace('\n', " / ");
                            if verbose {
                                format!(
                                    "{}{}{}",
                                    if c.header { "[H]" } else { "" },
                                    if c.col_span > 1 || c.row_span > 1 {
                                        format!("[{}x{}]", c.row_span, c.col_span)
                                    } else {
                                        String::new()
                                    },
                                    s
                                )
                            } else {
                                s
                            }
                        })
                        .collect();
                    println!("{}", cells.join("\t"));
                }
                if verbose {
                    println!("[/table]");
                }
            }
            BlockKind::Heading { level, text } => {
                if verbose {
                    println!("[h{level}] {text}");
                } else {
                    println!("{text}");
                }
            }
            k => {
                if let (true, Some(b)) = (show_bbox, b.prov.bbox) {
                    print!("[{:.1} {:.1} {:.1} {:.1}] ", b.x0, b.y0, b.x1, b.y1);
                }
                println!("{}", k.text().unwrap_or(""))
            }
        }
    }
    println!();
}
