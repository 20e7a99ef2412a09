//! Shards: the K-th of N slices of the input list, for running one batch as
//! N independent processes (GNU parallel, a Kubernetes Indexed Job, an AWS
//! Batch array job) whose outputs together hold exactly one run's records.
//!
//! A document's shard is a hash of its `source` (SHA-256, then Lamping and
//! Veach's jump consistent hash), never its position in the list: adding or
//! removing inputs moves no other document, and going from N to N+1 shards
//! moves only about 1/(N+1) of them. Record ids (`sha256[:12]-ordinal`)
//! depend on the document's bytes alone, so they are the same in every shard.

use sha2::{Digest, Sha256};

use super::Input;

/// Environment variables that carry a shard index, in the order they are
/// looked at: Kubernetes Indexed Jobs, AWS Batch array jobs.
pub const INDEX_VARS: [&str; 2] = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"];

/// Environment variable with the shard count, when `--shards` is not given.
pub const COUNT_VAR: &str = "TORIKUMI_SHARDS";

/// One slice of the inputs: shard `index` (from 0) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, `0..count`.
    pub index: u32,
    /// How many slices.
    pub count: u32,
}

/// Why a shard could not be chosen.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// `--shard` is not `K/N`.
    #[error("--shard takes K/N (K from 0 to N-1), not {0:?}")]
    Syntax(String),
    /// A count of 0, or an index not below the count.
    #[error("shard {index} of {count} does not exist (K runs from 0 to N-1, N from 1)")]
    OutOfRange {
        /// The index asked for.
        index: u64,
        /// The count asked for.
        count: u64,
    },
    /// A variable holds something that is not a number.
    #[error("{var}={value:?} is not a number")]
    NotANumber {
        /// The variable.
        var: String,
        /// Its value.
        value: String,
    },
    /// `--shard K/N` and `--shards N` disagree.
    #[error("--shard {given} contradicts --shards {count}")]
    Contradiction {
        /// The `--shard` argument.
        given: String,
        /// The `--shards` count.
        count: u32,
    },
    /// A shard count without an index to go with it.
    #[error(
        "a shard count ({0}) was given but no shard index: use --shard K/N, or set JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX"
    )]
    NoIndex(u32),
}

impl Shard {
    /// A shard, checked: `count >= 1`, `index < count`.
    pub fn new(index: u64, count: u64) -> Result<Shard, ShardError> {
        if count == 0 || index >= count || count > u64::from(u32::MAX) {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard {
            index: index as u32,
            count: count as u32,
        })
    }

    /// Parses `K/N`.
    pub fn parse(arg: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(arg.to_string());
        let (k, n) = arg.trim().split_once('/').ok_or_else(syntax)?;
        let k: u64 = k.trim().parse().map_err(|_| syntax())?;
        let n: u64 = n.trim().parse().map_err(|_| syntax())?;
        Shard::new(k, n)
    }

    /// The shard to run, from the command line and the environment
    /// (`env` looks a variable up; [`std::env::var`] in the tool):
    /// `--shard K/N` first; else an index from [`INDEX_VARS`] with the count
    /// from `--shards` or [`COUNT_VAR`]. `None`: no sharding (every input).
    /// An index variable without any count is not sharding either (the
    /// variables may be set for another program); a count without any
    /// index is an error.
    pub fn choose(
        shard: Option<&str>,
        shards: Option<u32>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Shard>, ShardError> {
        if let Some(arg) = shard {
            let s = Shard::parse(arg)?;
            if let Some(n) = shards.filter(|&n| n != s.count) {
                return Err(ShardError::Contradiction {
                    given: arg.to_string(),
                    count: n,
                });
            }
            return Ok(Some(s));
        }
        let number = |var: &str| -> Result<Option<u64>, ShardError> {
            match env(var).filter(|v| !v.trim().is_empty()) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse()
                    .map(Some)
                    .map_err(|_| ShardError::NotANumber {
                        var: var.to_string(),
                        value: v,
                    }),
            }
        };
        let count = match shards {
            Some(n) => Some(u64::from(n)),
            None => number(COUNT_VAR)?,
        };
        let Some(count) = count else {
            return Ok(None);
        };
        for var in INDEX_VARS {
            if let Some(index) = number(var)? {
                return Shard::new(index, count).map(Some);
            }
        }
        Err(ShardError::NoIndex(count.min(u64::from(u32::MAX)) as u32))
    }

    /// The shard a document of this `source` belongs to, among `count`.
    pub fn of(source: &str, count: u32) -> u32 {
        let digest = Sha256::digest(source.as_bytes());
        let mut key = [0u8; 8];
        key.copy_from_slice(&digest[..8]);
        jump_hash(u64::from_be_bytes(key), count)
    }

    /// Whether this shard reads the document of this `source`.
    pub fn contains(&self, source: &str) -> bool {
        Shard::of(source, self.count) == self.index
    }

    /// The inputs of this shard, in their order.
    pub fn select(&self, inputs: Vec<Input>) -> Vec<Input> {
        inputs
            .into_iter()
            .filter(|i| self.contains(i.source()))
            .collect()
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Jump consistent hash (Lamping and Veach, 2014): a bucket in `0..buckets`
/// for `key`, moving only `1/(n+1)` of the keys when `n` buckets become `n+1`.
fn jump_hash(mut key: u64, buckets: u32) -> u32 {
    let (mut b, mut j) = (-1i64, 0i64);
    while j < i64::from(buckets) {
        b = j;
        key = key.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(1);
        j = ((b + 1) as f64 * ((1u64 << 31) as f64 / ((key >> 33) + 1) as f64)) as i64;
    }
    b.max(0) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parse_and_range() {
        assert_eq!(Shard::parse("0/3"), Ok(Shard { index: 0, count: 3 }));
        assert_eq!(Shard::parse(" 2 / 3 "), Ok(Shard { index: 2, count: 3 }));
        assert!(matches!(
            Shard::parse("3/3"),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(
            Shard::parse("0/0"),
            Err(ShardError::OutOfRange { .. })
        ));
        assert!(matches!(Shard::parse("1"), Err(ShardError::Syntax(_))));
        assert!(matches!(Shard::parse("a/3"), Err(ShardError::Syntax(_))));
    }

    #[test]
    fn choose_from_flags_and_environment() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(Shard::choose(None, None, env(&none)), Ok(None));
        assert_eq!(
            Shard::choose(Some("1/4"), None, env(&none)),
            Ok(Some(Shard { index: 1, count: 4 }))
        );
        assert!(Shard::choose(Some("1/4"), Some(3), env(&none)).is_err());
        let k8s = [("JOB_COMPLETION_INDEX", "2")];
        // An index alone is not sharding; with a count it is.
        assert_eq!(Shard::choose(None, None, env(&k8s)), Ok(None));
        assert_eq!(
            Shard::choose(None, Some(5), env(&k8s)),
            Ok(Some(Shard { index: 2, count: 5 }))
        );
        let aws = [("AWS_BATCH_JOB_ARRAY_INDEX", "7"), ("TORIKUMI_SHARDS", "8")];
        assert_eq!(
            Shard::choose(None, None, env(&aws)),
            Ok(Some(Shard { index: 7, count: 8 }))
        );
        let bad = [("JOB_COMPLETION_INDEX", "x"), ("TORIKUMI_SHARDS", "2")];
        assert!(matches!(
            Shard::choose(None, None, env(&bad)),
            Err(ShardError::NotANumber { .. })
        ));
        let count_only = [("TORIKUMI_SHARDS", "2")];
        assert_eq!(
            Shard::choose(None, None, env(&count_only)),
            Err(ShardError::NoIndex(2))
        );
        let past = [("JOB_COMPLETION_INDEX", "2"), ("TORIKUMI_SHARDS", "2")];
        assert!(matches!(
            Shard::choose(None, None, env(&past)),
            Err(ShardError::OutOfRange { .. })
        ));
    }

    #[test]
    fn every_source_in_exactly_one_shard_and_few_move() {
        let sources: Vec<String> = (0..2000).map(|i| format!("dir/{i}.pdf")).collect();
        let n = 4;
        let mut sizes = [0usize; 4];
        for s in &sources {
            let owners: Vec<u32> = (0..n)
                .filter(|&k| Shard { index: k, count: n }.contains(s))
                .collect();
            assert_eq!(owners.len(), 1, "{s}");
            sizes[owners[0] as usize] += 1;
        }
        // Balanced within a few percent.
        assert!(sizes.iter().all(|&c| (400..600).contains(&c)), "{sizes:?}");
        // From 4 to 5 shards about a fifth of the documents move, and only to
        // the new shard.
        let moved: Vec<&String> = sources
            .iter()
            .filter(|s| Shard::of(s, 4) != Shard::of(s, 5))
            .collect();
        assert!((300..500).contains(&moved.len()), "{}", moved.len());
        assert!(moved.iter().all(|s| Shard::of(s, 5) == 4));
        // One shard is everything.
        assert!(sources.iter().all(|s| Shard::of(s, 1) == 0));
    }
}
