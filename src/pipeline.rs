//! One document through every stage, and a batch of them in parallel.
