//! Networking: renet + netcode over UDP. [`NetServer`] moves bytes between renet clients and the
//! [`Host`](crate::host::Host); [`NetClient`] is the one renet client: bots, the bevy client,
//! `join` and the tests use it. [`SeatLink`] keeps a seat joined over a lossy link: it connects
//! again by itself and tells what became of each order.

pub mod client;
pub mod seat_link;
pub mod server;
pub mod socket;
pub mod transport;

pub use client::{JoinRequest, NetClient};
pub use seat_link::{LinkEvent, LinkState, SeatLink, Ticket};
pub use server::NetServer;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// netcode's clock: time since the Unix epoch (connect tokens carry expiry timestamps).
pub(crate) fn netcode_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}
