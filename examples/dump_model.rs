//! Dumps a CRF model file as text (labels, transitions, state features).
//!
//! `cargo run --release --example dump_model -- models/columns.crf`
fn main() {
    let path = std::env::args().nth(1).expect("usage: dump_model FILE");
    let bytes = std::fs::read(path).expect("read");
    let m = crfs::Model::new(&bytes).expect("model");
    m.dump(&mut std::io::stdout()).expect("dump");
}
