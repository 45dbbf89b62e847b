//! sandtable's wire protocol: the messages between server and clients, the renet channels that
//! carry them, and the protocol version both sides must agree on. Encoded with postcard; the
//! bytes of every message are pinned per version by `tests/wire.rs`.

pub mod delta;

pub use delta::{DeltaKind, ViewDelta};
use serde::{Deserialize, Serialize};
use sim::access::{Briefing, PublicBriefing, PublicView};
use sim::score::Report;
use sim::view::RoleView;
use sim::{Event, Order, Role};

/// The wire format's version, checked in the [`ClientMessage::Hello`]: a client of another
/// version is refused in words. Bump it by hand whenever any message changes shape;
/// `protocol/tests/wire.rs` compares every message's bytes with `tests/wire/v<VERSION>.hex` and
/// fails until it is bumped and the file regenerated
/// (`UPDATE_EXPECT=1 cargo test -p protocol --test wire`).
///
/// Builds before version 2 sent `0x5a4e_5441_0000_0001` here (their netcode id). Version 3:
/// seats (several people per role, observers, the projector), the controller's console
/// (step, adaptive time, view as, what observers see, the projector's area) and the live score.
/// Version 5: views as changes since the last one ([`ServerMessage::Delta`]); drill codes and
/// secure netcode (the token step, [`admission`]); the codes reach the controller
/// ([`ControllerData::codes`]) and the projector ([`StaticData::join_code`]);
/// [`ClientMessage::CatchUp`] (a seat that reconnects gets the events it missed).
/// Views carry only recent communications (`RoleView::messages_before`, `left_out`).
/// Version 6: depots, villages and teams in a view name their road node, so a player (or a
/// bot) can tell whether a load can get through before it sends one.
pub const PROTOCOL_VERSION: u64 = 6;

/// The major version: bump it only when the renet channels ([`connection_config`]) or the frozen
/// leading bytes of `Hello` and `Refused` change, i.e. when builds could not even tell each other
/// that their versions differ. It is the netcode protocol id ([`NETCODE_PROTOCOL_ID`]), so builds
/// of another major version are dropped by netcode without a word.
///
/// Major 2: netcode's secure mode (connect tokens from the token step, [`admission`]). A build of
/// major 1 (unsecure tokens) cannot connect at all; builds from major 2 on are told in words by
/// the token step, which reads the version first.
pub const PROTOCOL_MAJOR: u64 = 2;

/// netcode's protocol id: one per major version.
pub const NETCODE_PROTOCOL_ID: u64 = 0x5a4e_5441_0000_0000 | PROTOCOL_MAJOR;

/// The variant index of [`ClientMessage::Hello`] on the wire. Frozen: `Hello` stays the first
/// variant and `protocol` its first field in every version, so [`hello_version`] can read it.
pub const HELLO_TAG: u32 = 0;

/// The protocol version of an encoded `Hello`, read from its leading bytes only (variant tag and
/// varint version), so a server can answer "versions differ" even when the rest of a hello from
/// another version does not decode. `None` when the bytes are not a hello.
pub fn hello_version(bytes: &[u8]) -> Option<u64> {
    match postcard::take_from_bytes::<(u32, u64)>(bytes) {
        Ok(((HELLO_TAG, version), _)) => Some(version),
        _ => None,
    }
}

/// A version as people read it: small numbers as they are, the old 64-bit ids in hex.
pub fn version_text(version: u64) -> String {
    if version <= u64::from(u32::MAX) { version.to_string() } else { format!("{version:#x}") }
}

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
    /// Memory of the reliable channel, per direction (renet drops a connection that overflows it).
    pub const RELIABLE_MEMORY_BYTES: usize = 16 * 1024 * 1024;
    /// Memory of the views channel, per direction; the server checks it is free before sending.
    pub const VIEWS_MEMORY_BYTES: usize = 4 * 1024 * 1024;
}

/// Controller orders that steer the drill rather than act inside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Control {
    Start,
    Pause,
    /// Simulated seconds per wall second (1 = real time). Leaves adaptive time.
    SetSpeed(f32),
    /// Exactly one drill minute, then paused.
    Step,
    /// Adaptive time on (with its speeds) or off (the last fixed speed holds).
    Adaptive(Option<AdaptiveSpec>),
    /// The controller also receives this role's view (`None`: stop).
    ViewAs(Option<Role>),
    /// What observers see: a role's view, or the public situation (`None`).
    ShowObservers(Option<Role>),
    /// The projector's map area, map metres `[x0, y0, x1, y1]`; `None`: the whole map.
    FocusArea(Option<[f64; 4]>),
}

/// Adaptive time: `fast_speed` while nothing needs anyone, `decision_speed` from the moment
/// something needs a person until it is answered or `hold_min` drill minutes have passed.
/// Speeds in simulated seconds per wall second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdaptiveSpec {
    pub decision_speed: f32,
    pub fast_speed: f32,
    pub hold_min: f64,
}

/// Where adaptive time is now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdaptiveState {
    pub spec: AdaptiveSpec,
    /// At decision speed: what needs a person ("中文 / English"), `None` while fast-forwarding.
    pub waiting_for: Option<String>,
}

/// A seat: a role (several people may share one), an observer (观摩) or the projector (大屏).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Seat {
    Role(Role),
    Observer,
    Projector,
}

impl std::fmt::Display for Seat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Seat::Role(r) => write!(f, "{r}"),
            Seat::Observer => write!(f, "observer"),
            Seat::Projector => write!(f, "projector"),
        }
    }
}

impl std::str::FromStr for Seat {
    type Err = String;
    /// `observer`, `projector`, or a role as on the command line.
    fn from_str(s: &str) -> Result<Seat, String> {
        match s {
            "observer" | "观摩" => Ok(Seat::Observer),
            "projector" | "大屏" => Ok(Seat::Projector),
            _ => s.parse::<Role>().map(Seat::Role).map_err(|e| e.to_string()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientMessage {
    /// First message: which seat the client wants and who sits in it. Must stay the first
    /// variant with `protocol` first (see [`HELLO_TAG`]).
    Hello {
        protocol: u64,
        seat: Seat,
        player: String,
    },
    Order(Order),
    Control(Control),
    /// Sent right after a role seat's hello: the seat has `seen` events of its role from earlier
    /// sessions of this drill (0 the first time). The server sends the events of the role it
    /// has not had, so a seat that was offline misses none; views are whole and come anyway.
    CatchUp {
        seen: u32,
    },
}

/// The seat's briefing and the map, sent once after the welcome so clients need nothing but the
/// address. Never the scenario file itself: that goes to the controller alone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaticData {
    /// What this role knows before the drill starts ([`sim::access::briefing`]); `None` for the
    /// observer and projector seats, which get [`StaticData::public`].
    pub briefing: Option<Briefing>,
    /// What the public seats know ([`sim::access::public_briefing`]); `None` for role seats.
    pub public: Option<PublicBriefing>,
    /// The whole scenario and the drill's seed, for the controller (导调) only.
    pub controller: Option<ControllerData>,
    pub map_name: String,
    /// `map.json` and `terrain.bin` bytes of the map asset.
    pub map_json: Vec<u8>,
    pub terrain_bin: Vec<u8>,
    /// The drill's join code as people type it (`K7M-4QP`), for the projector (大屏) only, so
    /// the hall can read it off the screen; `None` for every other seat.
    pub join_code: Option<String>,
}

/// What only the controller receives: the script of the drill.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ControllerData {
    /// The scenario file's text (RON), exactly as loaded by the server.
    pub scenario_ron: String,
    pub seed: u64,
    /// The drill's codes, for the controller's console; `None` when the drill has none (a
    /// drill played only by bots in one process).
    pub codes: Option<ShownCodes>,
}

/// The drill codes as the controller's console shows them (`K7M-4QP`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownCodes {
    /// The join code: every seat without a code of its own.
    pub join: String,
    /// The controller's own code.
    pub controller: String,
    /// Seats with their own code: (role pattern, code).
    pub seats: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ServerMessage {
    /// The hello of a role seat was accepted.
    Welcome {
        role: Role,
        roles_on_offer: Vec<Role>,
    },
    Static(Box<StaticData>),
    /// The hello or an order was refused; the reason is shown to the player. Must stay the third
    /// variant with `reason` its only field, so a client of another version can read why.
    Refused {
        reason: String,
    },
    /// A role's view: the seat's own, or for an observer the role the controller shows.
    View(Box<RoleView>),
    /// Events this role may know of (its own orders' outcomes, messages to it).
    Events(Vec<Event>),
    /// The drill clock: paused or running, speed, adaptive time, and the expected end.
    Clock(ClockState),
    Ended {
        score: f64,
        summary: String,
    },
    /// The hello of an observer or the projector was accepted.
    Seated {
        seat: Seat,
        roles_on_offer: Vec<Role>,
    },
    /// The public situation ([`sim::access::public_view`]) for the projector and observers.
    Public(Box<PublicView>),
    /// The live score board ([`sim::score::score`] over the events so far), controller only.
    Score(Box<Report>),
    /// The role the controller watches ([`Control::ViewAs`]): its view, besides the controller's own.
    Watched(Box<RoleView>),
    /// The projector's map area, map metres `[x0, y0, x1, y1]`; `None`: the whole map.
    Focus(Option<[f64; 4]>),
    /// A [`ServerMessage::View`], [`ServerMessage::Watched`] or [`ServerMessage::Public`] as a
    /// byte delta of its encoding against the last message of that kind this client was sent
    /// (on [`channel::VIEWS`], reliable and ordered, so the client holds that base).
    /// [`delta::Bases`] rebuilds it; `NetClient::receive` hands on the whole message.
    Delta(Box<ViewDelta>),
}

pub mod admission;

/// The drill clock as every seat is told it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockState {
    pub running: bool,
    /// Simulated seconds per wall second now.
    pub speed: f32,
    pub t_s: u32,
    pub duration_s: u32,
    /// `Some` while adaptive time steers the speed.
    pub adaptive: Option<AdaptiveState>,
    /// Wall seconds until the drill's end at the current pace (adaptive: the pace so far).
    pub wall_left_s: Option<f64>,
    /// The scenario's suggested session length, hours of wall time.
    pub session_h: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
#[error("undecodable message: {0}")]
pub struct DecodeError(#[from] postcard::Error);

/// The largest client message a host reads, bytes: a bigger one is refused before it is decoded.
/// An order's texts are at most 4 KB each (`sim::access::MAX_TEXT_BYTES`) and a drawn path 200
/// points, so no honest message comes near it.
pub const MAX_CLIENT_MESSAGE_BYTES: usize = 64 * 1024;

/// The largest static data (briefing, map, the controller's scenario) a seat may be sent, bytes:
/// the reliable channel less room for the messages queued behind it. `check` and `serve` refuse a
/// scenario and map above it.
pub const MAX_STATIC_BYTES: usize = channel::RELIABLE_MEMORY_BYTES - 4 * 1024 * 1024;

pub fn encode<T: Serialize>(msg: &T) -> Vec<u8> {
    postcard::to_allocvec(msg).expect("protocol messages always serialise")
}

pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Result<T, DecodeError> {
    Ok(postcard::from_bytes(bytes)?)
}

/// How often each end sends its packets, and the server's tick. renet sends an ack packet on
/// every send while anything it received is unacknowledged, so an end that sends every frame (a
/// client at 60 fps, a server polling every 5 ms) sends a packet per call per connection: 200,000
/// packets a second for a 1,000-seat county exercise. At 10 Hz (as bare renet's 1,000-client
/// baseline in BENCHMARKS.md) an order still reaches the server within 100 ms.
pub const SEND_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

/// The renet channel configuration both ends must use.
pub fn connection_config() -> renet::ConnectionConfig {
    use renet::{ChannelConfig, SendType};
    use std::time::Duration;
    let channels = vec![
        ChannelConfig {
            channel_id: channel::RELIABLE,
            // The static map is ~3.2 MB: leave room for it (and see MAX_STATIC_BYTES).
            max_memory_usage_bytes: channel::RELIABLE_MEMORY_BYTES,
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
            seat: Seat::Role("informant:Pal".parse().unwrap()),
            player: "张三".into(),
        };
        assert_eq!(decode::<ClientMessage>(&encode(&m)).unwrap(), m);
        assert!(decode::<ClientMessage>(&[0xff, 0xff, 0xff, 0x01]).is_err());
    }

    #[test]
    fn the_version_of_a_hello_is_read_even_when_the_rest_does_not_decode() {
        let m = ClientMessage::Hello {
            protocol: PROTOCOL_VERSION,
            seat: Seat::Role(sim::Role::County),
            player: "x".into(),
        };
        assert_eq!(hello_version(&encode(&m)), Some(PROTOCOL_VERSION));
        // A hello of a future version whose fields changed: tag 0, varint 300, then garbage.
        let future = [0x00, 0xac, 0x02, 0xff, 0xff, 0xff];
        assert!(decode::<ClientMessage>(&future).is_err());
        assert_eq!(hello_version(&future), Some(300));
        // The old 64-bit version ids (builds before version 2) still read.
        let old = encode(&ClientMessage::Hello {
            protocol: 0x5a4e_5441_0000_0001,
            seat: Seat::Role(sim::Role::County),
            player: String::new(),
        });
        assert_eq!(hello_version(&old), Some(0x5a4e_5441_0000_0001));
        assert_eq!(version_text(0x5a4e_5441_0000_0001), "0x5a4e544100000001");
        assert_eq!(version_text(2), "2");
        for seat in ["observer", "projector", "command", "informant:Pal"] {
            assert_eq!(seat.parse::<Seat>().unwrap().to_string(), seat);
        }
        assert!("nobody".parse::<Seat>().is_err());
        // Not a hello: an order (tag 1), nothing, a truncated varint.
        assert_eq!(hello_version(&encode(&ClientMessage::Control(Control::Start))), None);
        assert_eq!(hello_version(&[]), None);
        assert_eq!(hello_version(&[0x00, 0x80]), None);
    }
}
