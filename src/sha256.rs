//! sha256 and its hex form: the one place relcheck hashes.
//!
//! The `sha2` crate picks the processor's SHA extensions at run time when it has them.

pub use sha2::{Digest, Sha256};

/// The sha256 of `data`.
pub fn of(data: impl AsRef<[u8]>) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Lower-case hex, as reports and `sha256sum` show a hash.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The 32 bytes of a sha256 written as 64 hex digits (either case); `None` for anything else.
pub fn from_hex(s: &str) -> Option<[u8; 32]> {
    let s = s.as_bytes();
    if s.len() != 64 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(s.chunks_exact(2)) {
        *o = digit(pair[0])? << 4 | digit(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sha256_of_no_bytes_is_the_well_known_one() {
        assert_eq!(
            hex(&of(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn hex_reads_back_and_refuses_what_is_not_a_hash() {
        let h = of(b"abc");
        assert_eq!(from_hex(&hex(&h)), Some(h));
        assert_eq!(from_hex(&hex(&h).to_uppercase()), Some(h));
        assert_eq!(from_hex("abc"), None);
        assert_eq!(from_hex(&"g".repeat(64)), None);
    }
}
