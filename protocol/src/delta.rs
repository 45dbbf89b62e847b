//! Views as changes: a byte-level delta of an encoded message against the last one of its kind
//! the receiver holds (its base), as copy ranges of the base and added bytes, with FNV-1a hashes
//! of base and result so a mismatch is detected, never decoded as garbage.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// Which message a delta rebuilds: each kind has its own base on both ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DeltaKind {
    /// A [`crate::ServerMessage::View`].
    View,
    /// A [`crate::ServerMessage::Watched`].
    Watched,
    /// A [`crate::ServerMessage::Public`].
    Public,
}

impl DeltaKind {
    pub const ALL: [DeltaKind; 3] = [DeltaKind::View, DeltaKind::Watched, DeltaKind::Public];

    /// The slot of this kind in a per-kind array.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The kind of an encoded message (its variant tag), if it is one a delta can rebuild.
    pub fn of(msg: &crate::ServerMessage) -> Option<DeltaKind> {
        match msg {
            crate::ServerMessage::View(_) => Some(DeltaKind::View),
            crate::ServerMessage::Watched(_) => Some(DeltaKind::Watched),
            crate::ServerMessage::Public(_) => Some(DeltaKind::Public),
            _ => None,
        }
    }
}

/// One step of rebuilding: copy a range of the base, or add new bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeltaOp {
    Copy { at: u32, len: u32 },
    Add(Vec<u8>),
}

/// The encoded message of `kind` rebuilt from the base whose hash is `base` by `ops`; its hash
/// is `hash`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewDelta {
    pub kind: DeltaKind,
    pub base: u64,
    pub hash: u64,
    pub ops: Vec<DeltaOp>,
}

/// Why a delta could not be applied.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DeltaError {
    #[error("no base of kind {0:?} held")]
    NoBase(DeltaKind),
    #[error("base hash {have:#x} held, delta made against {want:#x}")]
    WrongBase { have: u64, want: u64 },
    #[error("copy range {at}+{len} outside the base of {base_len} bytes")]
    OutOfRange { at: u32, len: u32, base_len: usize },
    #[error("result hash {got:#x}, expected {want:#x}")]
    BadResult { got: u64, want: u64 },
    #[error("result longer than {0} bytes")]
    TooLong(usize),
}

/// The hash both ends use for bases and results.
pub fn hash(bytes: &[u8]) -> u64 {
    sim::hash::fnv(bytes)
}

/// Bytes compared at a time when looking for a copy source in the base.
const WINDOW: usize = 8;
/// A rebuilt message is never larger than this (the views channel's memory).
pub const MAX_RESULT: usize = crate::channel::VIEWS_MEMORY_BYTES;

/// An index of every `WINDOW`-byte string of a base to its last position.
pub struct BaseIndex<'a> {
    base: &'a [u8],
    /// Keyed by the window's bytes as a u64; a fixed fast hash (the bytes are the server's own).
    at: HashMap<u64, u32, foldhash::fast::FixedState>,
}

impl<'a> BaseIndex<'a> {
    pub fn new(base: &'a [u8]) -> BaseIndex<'a> {
        let mut at = HashMap::with_capacity_and_hasher(base.len(), foldhash::fast::FixedState::default());
        for (i, w) in base.windows(WINDOW).enumerate() {
            at.entry(u64::from_le_bytes(window(w))).or_insert(i as u32);
        }
        BaseIndex { base, at }
    }

    /// The ops that turn the base into `new`: greedy, preferring to continue the last copy.
    pub fn diff(&self, new: &[u8]) -> Vec<DeltaOp> {
        let base = self.base;
        let mut ops = Vec::new();
        let mut lit: Vec<u8> = Vec::new();
        let mut i = 0;
        // Where the last copy ended in the base: the next match is most likely there.
        let mut next = 0usize;
        while i < new.len() {
            let cont = common(&base[next.min(base.len())..], &new[i..]);
            let (from, len) = if cont >= WINDOW {
                (next, cont)
            } else if i + WINDOW <= new.len() {
                match self.at.get(&u64::from_le_bytes(window(&new[i..i + WINDOW]))) {
                    Some(&at) => (at as usize, common(&base[at as usize..], &new[i..])),
                    None => (0, 0),
                }
            } else {
                (0, 0)
            };
            if len >= WINDOW {
                if !lit.is_empty() {
                    ops.push(DeltaOp::Add(std::mem::take(&mut lit)));
                }
                ops.push(DeltaOp::Copy { at: from as u32, len: len as u32 });
                i += len;
                next = from + len;
            } else {
                lit.push(new[i]);
                i += 1;
                next += 1;
            }
        }
        if !lit.is_empty() {
            ops.push(DeltaOp::Add(lit));
        }
        ops
    }
}

fn window(w: &[u8]) -> [u8; WINDOW] {
    let mut k = [0u8; WINDOW];
    k.copy_from_slice(&w[..WINDOW]);
    k
}

fn common(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The delta from `base` to `new` of `kind`.
pub fn diff(kind: DeltaKind, base: &[u8], new: &[u8]) -> ViewDelta {
    ViewDelta { kind, base: hash(base), hash: hash(new), ops: BaseIndex::new(base).diff(new) }
}

/// Rebuilds the message from `base` (which must hash to `delta.base`), checking the result's hash.
pub fn apply(base: &[u8], delta: &ViewDelta) -> Result<Vec<u8>, DeltaError> {
    let have = hash(base);
    if have != delta.base {
        return Err(DeltaError::WrongBase { have, want: delta.base });
    }
    let mut out = Vec::new();
    for op in &delta.ops {
        match op {
            DeltaOp::Copy { at, len } => {
                let range = (*at as usize).checked_add(*len as usize).filter(|end| *end <= base.len());
                let Some(end) = range else {
                    return Err(DeltaError::OutOfRange { at: *at, len: *len, base_len: base.len() });
                };
                out.extend_from_slice(&base[*at as usize..end]);
            }
            DeltaOp::Add(bytes) => out.extend_from_slice(bytes),
        }
        if out.len() > MAX_RESULT {
            return Err(DeltaError::TooLong(MAX_RESULT));
        }
    }
    let got = hash(&out);
    if got != delta.hash {
        return Err(DeltaError::BadResult { got, want: delta.hash });
    }
    Ok(out)
}

/// What a receiver holds: the last message of each kind, to apply the next delta to.
#[derive(Clone, Debug, Default)]
pub struct Bases {
    held: [Option<Vec<u8>>; 3],
}

impl Bases {
    /// Remembers a whole message of `kind` as the base of the next delta.
    pub fn keep(&mut self, kind: DeltaKind, bytes: Vec<u8>) {
        self.held[kind.index()] = Some(bytes);
    }

    /// Applies a delta to the base of its kind; the result becomes the new base.
    pub fn apply(&mut self, delta: &ViewDelta) -> Result<Vec<u8>, DeltaError> {
        let base = self.held[delta.kind.index()].as_deref().ok_or(DeltaError::NoBase(delta.kind))?;
        let out = apply(base, delta)?;
        self.held[delta.kind.index()] = Some(out.clone());
        Ok(out)
    }

    /// Forgets every base (a new connection starts from whole messages).
    pub fn clear(&mut self) {
        self.held = Default::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(base: &[u8], new: &[u8]) -> ViewDelta {
        let d = diff(DeltaKind::View, base, new);
        assert_eq!(apply(base, &d).unwrap(), new);
        d
    }

    #[test]
    fn rebuilds_edits_shifts_and_empty_inputs() {
        let base: Vec<u8> = (0..5000u32).flat_map(|i| (i * 7919).to_le_bytes()).collect();
        let mut new = base.clone();
        new[100] ^= 0xff;
        new.splice(2000..2000, [1, 2, 3]);
        new.drain(9000..9100);
        new.extend_from_slice(b"tail");
        let d = round_trip(&base, &new);
        assert!(crate::encode(&d).len() < 100, "{} bytes", crate::encode(&d).len());
        round_trip(&[], b"abc");
        round_trip(b"abc", &[]);
        round_trip(b"", b"");
        round_trip(&base, &base[..7]);
        // A moved block is copied from where it was.
        let mut moved = base[10_000..].to_vec();
        moved.extend_from_slice(&base[..10_000]);
        assert!(crate::encode(&round_trip(&base, &moved)).len() < 40);
    }

    #[test]
    fn a_wrong_base_or_a_forged_delta_is_refused_not_applied() {
        let d = diff(DeltaKind::Public, b"hello world, hello", b"hello world, bye");
        assert!(matches!(apply(b"other", &d), Err(DeltaError::WrongBase { .. })));
        let mut forged = d.clone();
        forged.ops = vec![DeltaOp::Copy { at: u32::MAX, len: u32::MAX }];
        assert!(matches!(apply(b"hello world, hello", &forged), Err(DeltaError::OutOfRange { .. })));
        forged.ops = vec![DeltaOp::Add(b"hello world, bye!".to_vec())];
        assert!(matches!(apply(b"hello world, hello", &forged), Err(DeltaError::BadResult { .. })));
        let mut bases = Bases::default();
        assert_eq!(bases.apply(&d), Err(DeltaError::NoBase(DeltaKind::Public)));
        bases.keep(DeltaKind::Public, b"hello world, hello".to_vec());
        assert_eq!(bases.apply(&d).unwrap(), b"hello world, bye");
        // The result is the next base: the same delta no longer applies.
        assert!(matches!(bases.apply(&d), Err(DeltaError::WrongBase { .. })));
    }

    #[test]
    fn a_delta_that_rebuilds_too_much_stops() {
        let base = vec![7u8; 1 << 16];
        let ops = vec![DeltaOp::Copy { at: 0, len: 1 << 16 }; 100];
        let d = ViewDelta { kind: DeltaKind::View, base: hash(&base), hash: 0, ops };
        assert_eq!(apply(&base, &d), Err(DeltaError::TooLong(MAX_RESULT)));
    }
}
