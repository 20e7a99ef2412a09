//! Sources: the inputs named on the command line (files, directories, globs,
//! manifests, URLs) resolved into a list of documents to read.

pub mod fetch;
