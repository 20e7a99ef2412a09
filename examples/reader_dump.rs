//! Prints what the readers find on every line of the given text files, for
//! eyeballing false positives: `cargo run --example reader_dump -- FILE...`.

use torikumi::normalize;
use torikumi::parse::{codes, dates, owners, quantities};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (i, line) in text.lines().enumerate() {
            let t = normalize::text(line);
            let p: Vec<String> = dates::find_periods(&t)
                .iter()
                .map(|p| format!("{}=>{}~{}", p.raw, p.start, p.end.as_deref().unwrap_or("")))
                .collect();
            let q: Vec<String> = quantities::find_quantities(&t)
                .iter()
                .map(|q| format!("{}=>{} {}", q.raw, q.value, q.unit))
                .collect();
            let o = owners::find_orgs(&t);
            let r = owners::find_regions(&t);
            let c = codes::codes_in_text(&t);
            if p.is_empty() && q.is_empty() && o.is_empty() && r.is_empty() && c.is_empty() {
                continue;
            }
            let short: String = t.chars().take(70).collect();
            println!(
                "{path}:{} {short}\n    P{p:?} Q{q:?} O{o:?} R{r:?} C{c:?}",
                i + 1
            );
        }
    }
}
