//! Both sha256 of an evidence (its own and the release digest) fed one after the other, and
//! side by side (`relcheck::sha256::update_both`), on the same 64 MiB in 1 MiB pieces.
//!
//!     cargo bench --bench sha256
//!
//! Prints the median of seven rounds of each, in GB/s of hashed bytes (two streams count
//! twice), and checks that both ways give the same hashes.

use relcheck::sha256::{update_both, Sha256};
use std::time::Instant;

const SIZE: usize = 64 << 20;
const PIECE: usize = 1 << 20;

fn main() {
    let data: Vec<u8> = (0..SIZE as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    // The digest has other files in front of the evidence: a prefix of odd length.
    let prefix = b"manifest, template and answers";
    let one_after_the_other = || {
        let (mut own, mut digest) = (Sha256::new(), Sha256::new());
        digest.update(prefix);
        for piece in data.chunks(PIECE) {
            own.update(piece);
            digest.update(piece);
        }
        (own.finalize(), digest.finalize())
    };
    let side_by_side = || {
        let (mut own, mut digest) = (Sha256::new(), Sha256::new());
        digest.update(prefix);
        for piece in data.chunks(PIECE) {
            update_both(&mut own, &mut digest, piece);
        }
        (own.finalize(), digest.finalize())
    };
    assert_eq!(one_after_the_other(), side_by_side());
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..7 {
        for (i, run) in [&one_after_the_other as &dyn Fn() -> _, &side_by_side]
            .into_iter()
            .enumerate()
        {
            let start = Instant::now();
            std::hint::black_box(run());
            times[i].push(start.elapsed().as_secs_f64());
        }
    }
    println!("| two sha256 of {} MiB | median | throughput |", SIZE >> 20);
    println!("|---|---|---|");
    for (name, t) in ["one after the other", "side by side"]
        .iter()
        .zip(&mut times)
    {
        t.sort_by(f64::total_cmp);
        let median = t[t.len() / 2];
        println!(
            "| {name} | {:.1} ms | {:.2} GB/s |",
            median * 1e3,
            2.0 * SIZE as f64 / median / 1e9
        );
    }
}
