//! What the byte-level JTL path buys: the same JTL parsed by it and by the plain `csv`-crate
//! reader (the test oracle's way), on one thread, from memory, no hashing; and one sha256 pass
//! over the same bytes with the `sha2` crate, which runs beside the parse in `check`.
//!
//!     cargo bench --bench jtl [FILE]     (default: $RELCHECK_BENCH_DATA/jtl-2m.jtl, made by
//!                                         bench/run.sh; /tmp/relcheck-bench without the variable)
//!
//! Prints the median of five rounds of each, in ms and MB/s, and checks both parsers agree.

use relcheck::evidence::jmeter::{self, Stats};
use sha2::{Digest, Sha256};
use std::time::Instant;

fn with_csv_crate(bytes: &[u8]) -> relcheck::evidence::Reading {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let cols = jmeter::columns(&rdr.byte_headers().unwrap().clone()).unwrap();
    let mut stats = Stats::default();
    let mut record = csv::ByteRecord::new();
    let int = |b: &[u8]| {
        std::str::from_utf8(b.trim_ascii())
            .ok()?
            .parse::<i64>()
            .ok()
    };
    while rdr.read_byte_record(&mut record).unwrap() {
        if record.len() < cols.need {
            continue;
        }
        let t = int(&record[cols.ts]).unwrap();
        let e = int(&record[cols.el]).unwrap() as u64;
        stats.add(t, e, &record[cols.ok] == b"true");
    }
    stats.reading()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn time<T>(f: impl Fn() -> T) -> (f64, T) {
    let mut runs = Vec::new();
    let mut out = None;
    for _ in 0..5 {
        let start = Instant::now();
        out = Some(f());
        runs.push(start.elapsed().as_secs_f64());
    }
    (median(runs), out.unwrap())
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with('-'))
        .unwrap_or_else(|| {
            let dir = std::env::var("RELCHECK_BENCH_DATA").unwrap_or("/tmp/relcheck-bench".into());
            format!("{dir}/jtl-2m.jtl")
        });
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("{path}: not found; run bench/run.sh --only jtl first to make it");
        return;
    };
    let mb = bytes.len() as f64 / 1e6;
    let (fast, a) = time(|| jmeter::read(&mut &bytes[..]).unwrap());
    let (plain, b) = time(|| with_csv_crate(&bytes));
    let (hash, _) = time(|| Sha256::digest(&bytes));
    assert_eq!(a, b, "the two parsers disagree");
    println!("{path}: {mb:.0} MB, one thread, from memory, median of 5");
    for (name, t) in [
        ("byte-level JTL path", fast),
        ("csv crate, record by record", plain),
        ("sha256 (sha2 crate)", hash),
    ] {
        println!("{name:<28} {:>6.0} ms {:>6.0} MB/s", t * 1e3, mb / t);
    }
}
