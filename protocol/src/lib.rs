//! sandtable's wire protocol: the messages between server and clients, the renet channels that
//! carry them, and the protocol version both sides must agree on. Encoded with postcard.

use serde::{Deserialize, Serialize};
use sim::view::RoleView;
use sim::{Event, Order, Role};

/// Bumped whenever a message changes shape. Also the netcode protocol id, so mismatched
/// builds are refused at connection time, before any message is decoded.
pub const PROTOCOL_VERSION: u64 = 0x5a4e_5441_0000_0001;

/// renet channel ids.
pub mod channel {
    /// Orders, hello, welcome, static data, refusals: reliable and ordered.
    pub const RELIABLE: u8 = 0;
    /// Role views. Reliable and ordered on a channel of their own, so a large view never delays
    /// an order or a refusal on [`RELIABLE`]. A view is tens of KB (dozens of 1200-byte slices):
    /// on renet's unreliable channel one lost slice drops the whole view (renet warns above 20
    /// slices), so instead the server sends a new view only when the previous one was acked
    /// (the channel's memory is free again) and skips ticks in between: flow control for free.
    pub const VIEWS: u8 = 1;
    /// Memory of the views channel, per direction; the server checks it is free before sending.
    pub const VIEWS_MEMORY_BYTES: usize = 4 * 1024 * 1024;
}

/// Controller orders that steer the drill rather than act inside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Control {
    Start,
    Pause,
    /// Simulated seconds per wall second (1 = real time).
    SetSpeed(f32),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientMessage {
    /// First message: which role the client wants and who is playing it.
    Hello {
        protocol: u64,
        role: Role,
        player: String,
    },
    Order(Order),
    Control(Control),
}

/// Scenario and map, sent once after the welcome so clients need nothing but the address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaticData {
    /// The scenario file's text (RON), exactly as loaded by the server.
    pub scenario_ron: String,
    pub map_name: String,
    /// `map.json` and `terrain.bin` bytes of the map asset.
    pub map_json: Vec<u8>,
    pub terrain_bin: Vec<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ServerMessage {
    Welcome {
        role: Role,
        roles_on_offer: Vec<Role>,
        seed: u64,
    },
    Static(Box<StaticData>),
    /// The hello or an order was refused; the reason is shown to the player.
    Refused {
        reason: String,
    },
    View(Box<RoleView>),
    /// Events this role may know of (its own orders' outcomes, messages to it).
    Events(Vec<Event>),
    /// Drill paused or running, and its speed.
    Clock {
        running: bool,
        speed: f32,
    },
    Ended {
        score: f64,
        summary: String,
    },
}

#[derive(Debug, thiserror::Error)]
#[error("undecodable message: {0}")]
pub struct DecodeError(#[from] postcard::Error);

pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    postcard::to_allocvec(msg).expect("protocol messages always serialise")
}

pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, DecodeError> {
    Ok(postcard::from_bytes(bytes)?)
}

/// The renet channel configuration both ends must use.
pub fn connection_config() -> renet::ConnectionConfig {
    use renet::{ChannelConfig, SendType};
    use std::time::Duration;
    let channels = vec![
        ChannelConfig {
            channel_id: channel::RELIABLE,
            // The static map is ~1.5 MB: leave room for it.
            max_memory_usage_bytes: 16 * 1024 * 1024,
            send_type: SendType::ReliableOrdered { resend_time: Duration::from_millis(200) },
        },
        ChannelConfig {
            channel_id: channel::VIEWS,
            max_memory_usage_bytes: channel::VIEWS_MEMORY_BYTES,
            send_type: SendType::ReliableOrdered { resend_time: Duration::from_millis(100) },
        },
    ];
    renet::ConnectionConfig {
        // Per renet update (the server updates at 50 Hz): ~12 MB/s, far above any LAN drill's need,
        // while a 1.5 MB static map still goes out in a few updates.
        available_bytes_per_tick: 256 * 1024,
        server_channels_config: channels.clone(),
        client_channels_config: channels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        let m = ClientMessage::Hello {
            protocol: PROTOCOL_VERSION,
            role: "informant:Pal".parse().unwrap(),
            player: "张三".into(),
        };
        assert_eq!(decode::<ClientMessage>(&encode(&m)).unwrap(), m);
        assert!(decode::<ClientMessage>(&[0xff, 0xff, 0xff, 0x01]).is_err());
    }
}
