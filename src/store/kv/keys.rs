//! Order-preserving key encoding.
//!
//! sled compares keys as raw bytes, so every key part is written so that byte
//! order equals value order: integers big-endian, strings escaped and
//! terminated. The terminator matters: without it a prefix scan for the
//! source `"fp"` would run into `"fp-lazarus-review"`. A `0x00` byte inside a
//! string is written `0x00 0xff`, and a string ends with `0x00 0x01`, which
//! sorts below any escaped byte, so `"a"` < `"a\0"` < `"ab"` as bytes too.
//! (The same scheme as toydb's keycode.)

/// Builds a key from parts.
#[derive(Debug, Default, Clone)]
pub struct KeyBuf(Vec<u8>);

impl KeyBuf {
    /// An empty key.
    pub fn new() -> Self {
        KeyBuf(Vec::with_capacity(32))
    }

    /// Appends a string part, escaped and terminated.
    pub fn str(mut self, s: &str) -> Self {
        for &b in s.as_bytes() {
            if b == 0 {
                self.0.extend_from_slice(&[0, 0xff]);
            } else {
                self.0.push(b);
            }
        }
        self.0.extend_from_slice(&[0, 1]);
        self
    }

    /// Appends a big-endian u64.
    pub fn u64(mut self, n: u64) -> Self {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// Appends a big-endian u16.
    pub fn u16(mut self, n: u16) -> Self {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// Appends one byte (an enum discriminant).
    pub fn u8(mut self, n: u8) -> Self {
        self.0.push(n);
        self
    }

    /// The encoded bytes.
    pub fn finish(self) -> Vec<u8> {
        self.0
    }
}

/// Reads a string part written by [`KeyBuf::str`] at the start of `key`:
/// the string and the rest of the key, or `None` if it is not one.
pub fn read_str(key: &[u8]) -> Option<(String, &[u8])> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        match (key.get(i)?, key.get(i + 1)) {
            (0, Some(1)) => return Some((String::from_utf8(out).ok()?, &key[i + 2..])),
            (0, Some(0xff)) => {
                out.push(0);
                i += 2;
            }
            (0, _) => return None,
            (&b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
}

/// Reads the big-endian u64 at the end of a key (index entries end with the claim id).
pub fn trailing_u64(key: &[u8]) -> Option<u64> {
    let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(u64::from_be_bytes(tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_sort_as_values_and_prefixes_do_not_bleed() {
        let k = |s: &str| KeyBuf::new().str(s).u64(7).finish();
        let mut keys = vec![k("ab"), k("a\0"), k("a"), k("b"), k("")];
        keys.sort();
        assert_eq!(keys, vec![k(""), k("a"), k("a\0"), k("ab"), k("b")]);
        for s in ["", "a", "a\0", "ab", "ünï\0code"] {
            let key = KeyBuf::new().str(s).u64(7).finish();
            let (back, rest) = read_str(&key).unwrap();
            assert_eq!((back.as_str(), trailing_u64(rest)), (s, Some(7)));
        }
        assert_eq!(read_str(b"no end"), None);
        let prefix = KeyBuf::new().str("Mori").finish();
        assert!(!k("Moriuchi").starts_with(&prefix));
        assert!(k("Mori").starts_with(&prefix));
    }

    #[test]
    fn integers_sort_numerically() {
        let a = KeyBuf::new().u16(255).u64(1).finish();
        let b = KeyBuf::new().u16(256).u64(0).finish();
        assert!(a < b);
        assert_eq!(trailing_u64(&a), Some(1));
        assert_eq!(trailing_u64(&b), Some(0));
    }
}
