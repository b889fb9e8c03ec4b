//! The one place values are encoded and decoded.
//!
//! Every stored value is one format-version byte followed by bincode 2
//! (standard config, a size limit so damaged bytes cannot ask for gigabytes).
//! Keeping every bincode call here means a change of codec is a new version
//! byte and a migration, not a hunt through the code (bincode is unmaintained
//! upstream; see TECH-NOTES).

use serde::{de::DeserializeOwned, Serialize};

use crate::error::{Error, Result};

/// The version byte written in front of every value.
pub const VALUE_VERSION: u8 = 1;

/// No stored value may be larger than this (source texts live in their own
/// tree as raw UTF-8 and are not decoded here).
const LIMIT: usize = 16 * 1024 * 1024;

fn config() -> impl bincode::config::Config {
    bincode::config::standard().with_limit::<LIMIT>()
}

/// Encodes a value with its version byte.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = vec![VALUE_VERSION];
    let body = bincode::serde::encode_to_vec(value, config())
        .map_err(|e| Error::Corrupt(format!("cannot encode value: {e}")))?;
    out.extend_from_slice(&body);
    Ok(out)
}

/// Decodes a value written by [`encode`]; `what` names it in errors.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    match bytes.split_first() {
        Some((&VALUE_VERSION, body)) => {
            let (value, used) = bincode::serde::decode_from_slice(body, config())
                .map_err(|e| Error::Corrupt(format!("cannot decode {what}: {e}")))?;
            if used != body.len() {
                return Err(Error::Corrupt(format!(
                    "{what}: {} trailing bytes after the value",
                    body.len() - used
                )));
            }
            Ok(value)
        }
        Some((v, _)) => Err(Error::Corrupt(format!("{what}: unknown value version {v}"))),
        None => Err(Error::Corrupt(format!("{what}: empty value"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let v = (String::from("White"), Some(3u64), vec![1.5f64]);
        let bytes = encode(&v).unwrap();
        assert_eq!(
            decode::<(String, Option<u64>, Vec<f64>)>(&bytes, "t").unwrap(),
            v
        );
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode::<(String, Option<u64>, Vec<f64>)>(&longer, "t").is_err());
        assert!(decode::<String>(&[9, 1], "t").is_err());
        assert!(decode::<String>(&[], "t").is_err());
        assert!(decode::<String>(&[1, 0xff, 0xff, 0xff, 0xff, 0xff], "t").is_err());
    }
}
