//! Sorting more entries than memory should hold: what `verify` expects of
//! an index, computed claim by claim in id order, must be compared with
//! the index in key order. Entries are gathered up to a budget, sorted,
//! and written to a temporary file as a sorted run; the runs are then
//! merged, each read a little at a time (an external merge sort). A set
//! that fits the budget is never written.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};

use crate::error::{Error, Result, StorageError};

/// A key and the small value beside it (an index entry's confidence).
pub(crate) type Item = (Vec<u8>, u16);

/// Entries gathered for sorting.
pub(crate) struct Spill {
    buffer: Vec<Item>,
    bytes: usize,
    budget: usize,
    runs: Vec<File>,
}

fn io(e: std::io::Error) -> Error {
    Error::Storage(StorageError::io(&e))
}

impl Spill {
    /// Gathers entries, holding about `budget` bytes before writing a run.
    pub(crate) fn new(budget: usize) -> Spill {
        Spill {
            buffer: Vec::new(),
            bytes: 0,
            budget,
            runs: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, key: Vec<u8>, value: u16) -> Result<()> {
        // The key's allocation as the allocator rounds it, and its slot.
        self.bytes += key.capacity().max(24) + 8 + std::mem::size_of::<Item>();
        self.buffer.push((key, value));
        if self.bytes >= self.budget {
            self.write_run()?;
        }
        Ok(())
    }

    /// Writes the buffer, sorted, as a run.
    fn write_run(&mut self) -> Result<()> {
        self.buffer.sort_unstable();
        let mut file = tempfile::tempfile().map_err(io)?;
        {
            let mut out = BufWriter::new(&mut file);
            for (key, value) in self.buffer.drain(..) {
                out.write_all(&(key.len() as u32).to_le_bytes())
                    .map_err(io)?;
                out.write_all(&key).map_err(io)?;
                out.write_all(&value.to_le_bytes()).map_err(io)?;
            }
            out.flush().map_err(io)?;
        }
        file.rewind().map_err(io)?;
        self.runs.push(file);
        self.bytes = 0;
        Ok(())
    }

    /// Every entry, in key order, each key once.
    pub(crate) fn sorted(mut self) -> Result<Box<dyn Iterator<Item = Result<Item>>>> {
        if self.runs.is_empty() {
            self.buffer.sort_unstable();
            self.buffer.dedup_by(|a, b| a.0 == b.0);
            return Ok(Box::new(self.buffer.into_iter().map(Ok)));
        }
        if !self.buffer.is_empty() {
            self.write_run()?;
        }
        let mut readers: Vec<BufReader<File>> = self.runs.into_iter().map(BufReader::new).collect();
        let mut heap = BinaryHeap::new();
        for (n, r) in readers.iter_mut().enumerate() {
            if let Some(item) = read_item(r)? {
                heap.push(Reverse((item, n)));
            }
        }
        Ok(Box::new(Merge {
            readers,
            heap,
            last: None,
        }))
    }
}

/// The next entry of a run, if any.
fn read_item(r: &mut BufReader<File>) -> Result<Option<Item>> {
    let mut len = [0u8; 4];
    match r.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(io(e)),
    }
    let mut key = vec![0; u32::from_le_bytes(len) as usize];
    r.read_exact(&mut key).map_err(io)?;
    let mut value = [0u8; 2];
    r.read_exact(&mut value).map_err(io)?;
    Ok(Some((key, u16::from_le_bytes(value))))
}

/// The runs merged.
struct Merge {
    readers: Vec<BufReader<File>>,
    heap: BinaryHeap<Reverse<(Item, usize)>>,
    last: Option<Vec<u8>>,
}

impl Iterator for Merge {
    type Item = Result<Item>;

    fn next(&mut self) -> Option<Result<Item>> {
        loop {
            let Reverse((item, n)) = self.heap.pop()?;
            match read_item(&mut self.readers[n]) {
                Ok(Some(next)) => self.heap.push(Reverse((next, n))),
                Ok(None) => {}
                Err(e) => return Some(Err(e)),
            }
            if self.last.as_ref() == Some(&item.0) {
                continue;
            }
            self.last = Some(item.0.clone());
            return Some(Ok(item));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_into_one_sorted_set() {
        // A budget of a few entries: many runs.
        let mut spill = Spill::new(200);
        let mut expected = Vec::new();
        for i in 0u32..1000 {
            let key = ((i * 7919) % 1000).to_be_bytes().to_vec();
            spill.push(key.clone(), (i % 7) as u16).unwrap();
            expected.push(key);
        }
        // A duplicate key comes out once.
        spill.push(5u32.to_be_bytes().to_vec(), 0).unwrap();
        expected.sort();
        expected.dedup();
        let got: Vec<Vec<u8>> = spill.sorted().unwrap().map(|r| r.unwrap().0).collect();
        assert_eq!(got, expected);
        let mut small = Spill::new(1 << 20);
        small.push(b"b".to_vec(), 1).unwrap();
        small.push(b"a".to_vec(), 2).unwrap();
        let got: Vec<Item> = small.sorted().unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(got, [(b"a".to_vec(), 2), (b"b".to_vec(), 1)]);
    }
}
