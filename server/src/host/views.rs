//! Views made once per generation and shared: each watched thing (a role's view, a watched
//! role, the public situation) is encoded once, and each delta once per base, so 300 people on
//! one role cost one view and one diff.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use protocol::{DeltaKind, ServerMessage};
use sim::Role;

use crate::drill::Drill;

/// What a session is sent on the views channel.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Watch {
    View(Role),
    Watched(Role),
    Public,
}

impl Watch {
    /// The message kind it goes as: each kind has its own base on both ends.
    pub(super) fn kind(&self) -> DeltaKind {
        match self {
            Watch::View(_) => DeltaKind::View,
            Watch::Watched(_) => DeltaKind::Watched,
            Watch::Public => DeltaKind::Public,
        }
    }
}

/// An encoded whole message and its hash.
#[derive(Clone, Debug)]
pub(super) struct Base {
    pub bytes: Arc<[u8]>,
    pub hash: u64,
}

/// The message a watch stands for now, encoded.
pub(super) fn encode_watch(drill: &Drill, w: &Watch) -> Base {
    let msg = match w {
        Watch::View(r) => ServerMessage::View(Box::new(drill.view(r))),
        Watch::Watched(r) => ServerMessage::Watched(Box::new(drill.view(r))),
        Watch::Public => ServerMessage::Public(Box::new(drill.public_view())),
    };
    let bytes = protocol::encode(&msg);
    let hash = protocol::delta::hash(&bytes);
    Base { bytes: bytes.into(), hash }
}

/// Whole views and deltas of one generation.
#[derive(Default)]
pub(super) struct ViewCache {
    generation: Option<u64>,
    whole: BTreeMap<Watch, Base>,
    /// `None`: the delta would not be smaller than the whole message.
    deltas: HashMap<(Watch, u64), Option<Arc<[u8]>>>,
}

impl ViewCache {
    /// Drops what was made at another generation.
    pub(super) fn at(&mut self, generation: u64) {
        if self.generation != Some(generation) {
            self.generation = Some(generation);
            self.whole.clear();
            self.deltas.clear();
        }
    }

    pub(super) fn whole(&mut self, w: &Watch, make: impl FnOnce() -> Base) -> Base {
        self.whole.entry(w.clone()).or_insert_with(make).clone()
    }

    /// The encoded [`ServerMessage::Delta`] from `base` to `whole`, if smaller than `whole`.
    pub(super) fn delta(&mut self, w: &Watch, base: &Base, whole: &Base) -> Option<Arc<[u8]>> {
        self.deltas
            .entry((w.clone(), base.hash))
            .or_insert_with(|| {
                let d = protocol::delta::diff(w.kind(), &base.bytes, &whole.bytes);
                let bytes = protocol::encode(&ServerMessage::Delta(Box::new(d)));
                (bytes.len() < whole.bytes.len()).then(|| bytes.into())
            })
            .clone()
    }
}
