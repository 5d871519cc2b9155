//! sha256 that can feed two hashes the same bytes at once.
//!
//! Every evidence byte goes into two sha256: the evidence's own and the release digest (SPEC).
//! One stream is a chain of dependent rounds that leaves the processor's SHA unit waiting on
//! each result; stepping the two streams through their rounds side by side keeps it busy, so a
//! pair is hashed in about 70 % of the time of two streams one after the other (see
//! BENCHMARKS.md). Lone blocks, and processors without the SHA extensions, use the `sha2`
//! crate's compression function, and every result is tested against the `sha2` crate.

use sha2::digest::consts::U64;
use sha2::digest::generic_array::GenericArray;

type Block = [u8; 64];

const IV: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// A running sha256.
#[derive(Clone)]
pub struct Sha256 {
    state: [u32; 8],
    buf: Block,
    buffered: usize,
    len: u64,
}

impl Default for Sha256 {
    fn default() -> Self {
        Sha256 {
            state: IV,
            buf: [0; 64],
            buffered: 0,
            len: 0,
        }
    }
}

impl Sha256 {
    pub fn new() -> Self {
        Self::default()
    }

    /// The sha256 of `data`.
    pub fn digest(data: impl AsRef<[u8]>) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(data);
        h.finalize()
    }

    pub fn update(&mut self, data: impl AsRef<[u8]>) {
        let data = data.as_ref();
        self.len = self.len.wrapping_add(data.len() as u64);
        let rest = self.top_up(data);
        let (blocks, tail) = blocks(rest);
        compress(&mut self.state, blocks);
        self.keep(tail);
    }

    pub fn finalize(mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8);
        let n = self.buffered;
        self.buf[n] = 0x80;
        self.buf[n + 1..].fill(0);
        if n + 1 > 56 {
            compress(&mut self.state, std::slice::from_ref(&self.buf));
            self.buf.fill(0);
        }
        self.buf[56..].copy_from_slice(&bits.to_be_bytes());
        compress(&mut self.state, std::slice::from_ref(&self.buf));
        let mut out = [0u8; 32];
        for (o, w) in out.chunks_exact_mut(4).zip(self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
        out
    }

    /// Completes a partly filled block from the front of `data`; returns the rest of `data`.
    fn top_up<'d>(&mut self, data: &'d [u8]) -> &'d [u8] {
        if self.buffered == 0 {
            return data;
        }
        let take = (64 - self.buffered).min(data.len());
        self.buf[self.buffered..self.buffered + take].copy_from_slice(&data[..take]);
        self.buffered += take;
        if self.buffered == 64 {
            compress(&mut self.state, std::slice::from_ref(&self.buf));
            self.buffered = 0;
        }
        &data[take..]
    }

    /// Keeps the bytes that do not fill a block (`top_up` left the buffer empty).
    fn keep(&mut self, tail: &[u8]) {
        if !tail.is_empty() {
            self.buf[..tail.len()].copy_from_slice(tail);
            self.buffered = tail.len();
        }
    }
}

/// Feeds `data` to both hashes: the same as `a.update(data); b.update(data)`, in less time.
pub fn update_both(a: &mut Sha256, b: &mut Sha256, data: &[u8]) {
    for h in [&mut *a, &mut *b] {
        h.len = h.len.wrapping_add(data.len() as u64);
    }
    let rest_a = a.top_up(data);
    let rest_b = b.top_up(data);
    let (blocks_a, tail_a) = blocks(rest_a);
    let (blocks_b, tail_b) = blocks(rest_b);
    let n = blocks_a.len().min(blocks_b.len());
    compress_pair(&mut a.state, &blocks_a[..n], &mut b.state, &blocks_b[..n]);
    compress(&mut a.state, &blocks_a[n..]);
    compress(&mut b.state, &blocks_b[n..]);
    a.keep(tail_a);
    b.keep(tail_b);
}

/// `data` as whole blocks and the bytes after the last one.
fn blocks(data: &[u8]) -> (&[Block], &[u8]) {
    let n = data.len() / 64;
    let (whole, tail) = data.split_at(n * 64);
    // SAFETY: `whole` is exactly `n` blocks of 64 bytes, and `[u8; 64]` has alignment 1.
    let whole = unsafe { std::slice::from_raw_parts(whole.as_ptr().cast::<Block>(), n) };
    (whole, tail)
}

fn compress(state: &mut [u32; 8], blocks: &[Block]) {
    if blocks.is_empty() {
        return;
    }
    // SAFETY: `GenericArray<u8, U64>` is `repr(transparent)` over `repr(C)` halves of `u8`:
    // 64 bytes with alignment 1, the layout of `[u8; 64]`.
    let blocks = unsafe {
        std::slice::from_raw_parts(
            blocks.as_ptr().cast::<GenericArray<u8, U64>>(),
            blocks.len(),
        )
    };
    sha2::compress256(state, blocks);
}

/// Compresses `a_blocks` into `a` and `b_blocks` (as many) into `b`.
fn compress_pair(a: &mut [u32; 8], a_blocks: &[Block], b: &mut [u32; 8], b_blocks: &[Block]) {
    debug_assert_eq!(a_blocks.len(), b_blocks.len());
    #[cfg(target_arch = "x86_64")]
    if shani::available() {
        // SAFETY: the processor has the SHA, SSSE3 and SSE4.1 extensions (checked above).
        unsafe { shani::compress_pair(a, a_blocks, b, b_blocks) };
        return;
    }
    compress(a, a_blocks);
    compress(b, b_blocks);
}

#[cfg(target_arch = "x86_64")]
mod shani {
    //! Two sha256 streams through the x86 SHA instructions, round by round. The state is kept
    //! as the instructions want it: words A, B, E, F in one register and C, D, G, H in another.
    use super::Block;
    use std::arch::x86_64::*;

    pub fn available() -> bool {
        std::is_x86_feature_detected!("sha")
            && std::is_x86_feature_detected!("ssse3")
            && std::is_x86_feature_detected!("sse4.1")
    }

    /// The round constants, four per row.
    const K: [[u32; 4]; 16] = [
        [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5],
        [0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5],
        [0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3],
        [0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174],
        [0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc],
        [0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da],
        [0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7],
        [0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967],
        [0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13],
        [0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85],
        [0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3],
        [0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070],
        [0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5],
        [0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3],
        [0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208],
        [0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2],
    ];

    /// One stream's working state.
    #[derive(Clone, Copy)]
    struct Lane {
        abef: __m128i,
        cdgh: __m128i,
    }

    impl Lane {
        #[inline(always)]
        unsafe fn load(state: &[u32; 8]) -> Lane {
            let p = state.as_ptr().cast::<__m128i>();
            let dcba = _mm_loadu_si128(p);
            let efgh = _mm_loadu_si128(p.add(1));
            let cdab = _mm_shuffle_epi32(dcba, 0xB1);
            let hgfe = _mm_shuffle_epi32(efgh, 0x1B);
            Lane {
                abef: _mm_alignr_epi8(cdab, hgfe, 8),
                cdgh: _mm_blend_epi16(hgfe, cdab, 0xF0),
            }
        }

        #[inline(always)]
        unsafe fn store(self, state: &mut [u32; 8]) {
            let feba = _mm_shuffle_epi32(self.abef, 0x1B);
            let dchg = _mm_shuffle_epi32(self.cdgh, 0xB1);
            let p = state.as_mut_ptr().cast::<__m128i>();
            _mm_storeu_si128(p, _mm_blend_epi16(feba, dchg, 0xF0));
            _mm_storeu_si128(p.add(1), _mm_alignr_epi8(dchg, feba, 8));
        }

        /// Four rounds with message words `w` (already big-endian) and constants row `i`.
        #[inline(always)]
        unsafe fn rounds(&mut self, w: __m128i, i: usize) {
            let k = _mm_loadu_si128(K[i].as_ptr().cast::<__m128i>());
            let wk = _mm_add_epi32(w, k);
            self.cdgh = _mm_sha256rnds2_epu32(self.cdgh, self.abef, wk);
            self.abef = _mm_sha256rnds2_epu32(self.abef, self.cdgh, _mm_shuffle_epi32(wk, 0x0E));
        }

        #[inline(always)]
        unsafe fn add(self, other: Lane) -> Lane {
            Lane {
                abef: _mm_add_epi32(self.abef, other.abef),
                cdgh: _mm_add_epi32(self.cdgh, other.cdgh),
            }
        }
    }

    /// The next four message words from the sixteen before them.
    #[inline(always)]
    unsafe fn schedule(w0: __m128i, w1: __m128i, w2: __m128i, w3: __m128i) -> __m128i {
        let t = _mm_add_epi32(_mm_sha256msg1_epu32(w0, w1), _mm_alignr_epi8(w3, w2, 4));
        _mm_sha256msg2_epu32(t, w3)
    }

    /// A block's sixteen message words, four per register, in the byte order the rounds use.
    #[inline(always)]
    unsafe fn words(block: &Block) -> [__m128i; 4] {
        let swap = _mm_set_epi64x(0x0C0D_0E0F_0809_0A0B, 0x0405_0607_0001_0203);
        let p = block.as_ptr().cast::<__m128i>();
        [
            _mm_shuffle_epi8(_mm_loadu_si128(p), swap),
            _mm_shuffle_epi8(_mm_loadu_si128(p.add(1)), swap),
            _mm_shuffle_epi8(_mm_loadu_si128(p.add(2)), swap),
            _mm_shuffle_epi8(_mm_loadu_si128(p.add(3)), swap),
        ]
    }

    /// # Safety
    /// The processor must have the SHA, SSSE3 and SSE4.1 extensions.
    #[target_feature(enable = "sha,sse2,ssse3,sse4.1")]
    pub unsafe fn compress_pair(
        a: &mut [u32; 8],
        a_blocks: &[Block],
        b: &mut [u32; 8],
        b_blocks: &[Block],
    ) {
        let mut x = Lane::load(a);
        let mut y = Lane::load(b);
        for (block_x, block_y) in a_blocks.iter().zip(b_blocks) {
            let (x0, y0) = (x, y);
            // The last sixteen message words of each stream, four per register, as a ring.
            let [mut x0w, mut x1w, mut x2w, mut x3w] = words(block_x);
            let [mut y0w, mut y1w, mut y2w, mut y3w] = words(block_y);
            macro_rules! four {
                ($i:expr, $a:ident, $b:ident) => {
                    x.rounds($a, $i);
                    y.rounds($b, $i);
                };
            }
            macro_rules! next {
                ($i:expr, $w0:ident, $w1:ident, $w2:ident, $w3:ident,
                 $v0:ident, $v1:ident, $v2:ident, $v3:ident) => {
                    $w0 = schedule($w0, $w1, $w2, $w3);
                    $v0 = schedule($v0, $v1, $v2, $v3);
                    four!($i, $w0, $v0);
                };
            }
            four!(0, x0w, y0w);
            four!(1, x1w, y1w);
            four!(2, x2w, y2w);
            four!(3, x3w, y3w);
            // Rounds 16 to 63, four at a time: each step replaces the oldest four words.
            macro_rules! turn {
                ($i:expr) => {
                    next!($i, x0w, x1w, x2w, x3w, y0w, y1w, y2w, y3w);
                    next!($i + 1, x1w, x2w, x3w, x0w, y1w, y2w, y3w, y0w);
                    next!($i + 2, x2w, x3w, x0w, x1w, y2w, y3w, y0w, y1w);
                    next!($i + 3, x3w, x0w, x1w, x2w, y3w, y0w, y1w, y2w);
                };
            }
            turn!(4);
            turn!(8);
            turn!(12);
            x = x.add(x0);
            y = y.add(y0);
        }
        x.store(a);
        y.store(b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use sha2::Digest;

    fn reference(data: &[u8]) -> [u8; 32] {
        sha2::Sha256::digest(data).into()
    }

    fn bytes(n: usize, seed: u32) -> Vec<u8> {
        (0..n as u32)
            .map(|i| (i.wrapping_mul(2654435761).wrapping_add(seed) >> 13) as u8)
            .collect()
    }

    #[test]
    fn every_length_around_the_padding_boundaries() {
        for n in 0..300 {
            let data = bytes(n, 7);
            assert_eq!(Sha256::digest(&data), reference(&data), "length {n}");
        }
    }

    #[test]
    fn known_answers() {
        assert_eq!(
            hex(&Sha256::digest(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn the_pair_kernel_agrees_with_the_portable_compression() {
        let data = bytes(64 * 40, 3);
        let (blocks, _) = blocks(&data);
        for n in [0, 1, 2, 7, 40] {
            let (mut a, mut b) = (IV, [1, 2, 3, 4, 5, 6, 7, 8]);
            compress_pair(&mut a, &blocks[..n], &mut b, &blocks[40 - n..]);
            let (mut ra, mut rb) = (IV, [1, 2, 3, 4, 5, 6, 7, 8]);
            compress(&mut ra, &blocks[..n]);
            compress(&mut rb, &blocks[40 - n..]);
            assert_eq!((a, b), (ra, rb), "{n} blocks");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Two hashes fed the same pieces after different prefixes, as the digest and an
        /// evidence's own sha256 are.
        #[test]
        fn update_both_is_two_updates(
            prefix in 0usize..200,
            pieces in proptest::collection::vec(0usize..700, 0..12),
            seed in any::<u32>(),
        ) {
            let total: usize = pieces.iter().sum();
            let head = bytes(prefix, seed ^ 1);
            let data = bytes(total, seed);
            let (mut own, mut digest) = (Sha256::new(), Sha256::new());
            digest.update(&head);
            let mut at = 0;
            for p in &pieces {
                update_both(&mut own, &mut digest, &data[at..at + p]);
                at += p;
            }
            prop_assert_eq!(own.finalize(), reference(&data));
            let mut whole = head.clone();
            whole.extend_from_slice(&data);
            prop_assert_eq!(digest.finalize(), reference(&whole));
        }

        #[test]
        fn update_in_pieces_is_one_update(
            pieces in proptest::collection::vec(0usize..300, 0..10),
            seed in any::<u32>(),
        ) {
            let data = bytes(pieces.iter().sum(), seed);
            let mut h = Sha256::new();
            let mut at = 0;
            for p in &pieces {
                h.update(&data[at..at + p]);
                at += p;
            }
            prop_assert_eq!(h.finalize(), reference(&data));
        }
    }
}
