//! sandtable's simulation core: scenario schema and validation, the map asset, hazards, people,
//! teams, orders, events, role views, the plan and its scoring.
//!
//! **Architecture invariant:** nothing here touches the clock, the network, the OS RNG or bevy.
//! [`World::step`] is a function of (scenario, map, seed, ordered commands); iteration is over
//! `Vec`s and `BTreeMap`s only, so the same inputs give the same drill bit for bit.

pub mod access;
pub mod hash;
pub mod hazard;
pub mod lint;
pub mod map;
pub mod replay;
pub mod roles;
pub mod scenario;
pub mod score;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod triggers;
pub mod view;
pub mod weather;
pub mod world;

pub use roles::{Role, RoleKind, RolePattern};
pub use world::{Command, Event, EventKind, HazardKind, Order, OrderKind, Task, World};
