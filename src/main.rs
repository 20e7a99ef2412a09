//! The torikumi command line.
fn main() {}
