//! The one renet/netcode UDP client speaking the sandtable protocol: connect, say hello, send
//! orders, receive messages. The UDP bots, the headless seat (`sandtable-server join`), the
//! bevy client (`client/src/net.rs`, one system over it) and the end-to-end tests all use it.
//! It never blocks except in [`NetClient::wait_connected`]; drive it with [`NetClient::update`],
//! [`NetClient::receive`] and [`NetClient::flush`].

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, NETCODE_PROTOCOL_ID, PROTOCOL_VERSION, ServerMessage, channel};
use renet::RenetClient;
use renet_netcode::{ClientAuthentication, NetcodeClientTransport};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot open a UDP socket: {0}")]
    Io(#[from] io::Error),
    #[error("netcode: {0}")]
    Netcode(String),
    #[error("no connection to {addr} within {secs} s (is the server running, and of the same major protocol version?)")]
    Timeout { addr: SocketAddr, secs: u64 },
    #[error("disconnected: {0}")]
    Disconnected(String),
}

/// Who a client is and what it asks for: everything needed to connect, and to connect again
/// after the link or the server was lost. The seat's drill code travels with it.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinRequest {
    pub seat: protocol::Seat,
    pub player: String,
    /// The drill's join code, or the seat's own code (the controller's); `None` when the server
    /// asks for none.
    pub code: Option<String>,
}

impl JoinRequest {
    pub fn new(seat: protocol::Seat, player: &str) -> JoinRequest {
        JoinRequest { seat, player: player.into(), code: None }
    }
    pub fn role(role: sim::Role, player: &str) -> JoinRequest {
        JoinRequest::new(protocol::Seat::Role(role), player)
    }
    pub fn with_code(mut self, code: Option<String>) -> JoinRequest {
        self.code = code;
        self
    }
    /// The `Hello` that takes this seat, with this build's protocol version.
    pub fn hello(&self) -> ClientMessage {
        hello_seat(self.seat.clone(), &self.player)
    }
}

pub struct NetClient {
    client: RenetClient,
    request: JoinRequest,
    transport: NetcodeClientTransport,
    server: SocketAddr,
    started: Instant,
    last: Instant,
    /// Messages the server sent that did not decode (a newer server, a bug): counted, skipped.
    pub undecodable: u32,
}

impl NetClient {
    /// Opens a socket and starts connecting to `server` for `request`'s seat (pump it, or call
    /// [`NetClient::wait_connected`]). Sends no hello: see [`NetClient::join`].
    pub fn connect(server: SocketAddr, request: &JoinRequest) -> Result<NetClient, ClientError> {
        let bind: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("valid");
        let (socket, _) = super::socket::bind_udp(bind)?;
        // Unsecure netcode needs a client id unique per server: 64 random bits.
        let id_bytes = renet_netcode::generate_random_bytes::<8>();
        let auth = ClientAuthentication::Unsecure {
            protocol_id: NETCODE_PROTOCOL_ID,
            client_id: u64::from_le_bytes(id_bytes),
            server_addr: server,
            user_data: None,
        };
        let transport = NetcodeClientTransport::new(super::netcode_now(), auth, socket)
            .map_err(|e| ClientError::Netcode(e.to_string()))?;
        let client = RenetClient::new(protocol::connection_config());
        let now = Instant::now();
        Ok(NetClient { client, request: request.clone(), transport, server, started: now, last: now, undecodable: 0 })
    }

    /// [`NetClient::connect`], then the hello for the request's seat (queued until connected).
    pub fn join(server: SocketAddr, request: &JoinRequest) -> Result<NetClient, ClientError> {
        let mut client = NetClient::connect(server, request)?;
        client.send(&request.hello());
        Ok(client)
    }

    /// What this client asked for when it connected.
    pub fn request(&self) -> &JoinRequest {
        &self.request
    }

    pub fn client_id(&self) -> u64 {
        self.transport.client_id()
    }
    pub fn server_addr(&self) -> SocketAddr {
        self.server
    }
    pub fn is_connected(&self) -> bool {
        self.client.is_connected()
    }
    pub fn is_connecting(&self) -> bool {
        self.client.is_connecting()
    }
    pub fn is_disconnected(&self) -> bool {
        self.client.is_disconnected() || self.transport.disconnect_reason().is_some()
    }
    /// Time since [`NetClient::connect`].
    pub fn age(&self) -> Duration {
        self.started.elapsed()
    }

    /// Why the connection ended, in words, once it has.
    pub fn disconnect_reason(&self) -> Option<String> {
        self.transport
            .disconnect_reason()
            .map(|r| format!("{r:?}"))
            .or_else(|| self.client.disconnect_reason().map(|r| format!("{r:?}")))
    }

    /// Pumps the connection until it is up, or fails after `timeout`.
    pub fn wait_connected(&mut self, timeout: Duration) -> Result<(), ClientError> {
        let start = Instant::now();
        while !self.client.is_connected() {
            if start.elapsed() > timeout {
                return Err(ClientError::Timeout { addr: self.server, secs: timeout.as_secs() });
            }
            self.update()?;
            self.flush()?;
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }

    /// Receives packets and advances renet's timers (by the wall time since the last call).
    pub fn update(&mut self) -> Result<(), ClientError> {
        let now = Instant::now();
        let dt = now - self.last;
        self.last = now;
        self.client.update(dt);
        if let Err(e) = self.transport.update(dt, &mut self.client) {
            return Err(ClientError::Disconnected(e.to_string()));
        }
        Ok(())
    }

    /// Every message received since the last call, decoded; undecodable ones are counted in
    /// [`NetClient::undecodable`], logged and skipped.
    pub fn receive(&mut self) -> Vec<ServerMessage> {
        let mut out = Vec::new();
        for ch in [channel::RELIABLE, channel::VIEWS] {
            while let Some(bytes) = self.client.receive_message(ch) {
                match protocol::decode::<ServerMessage>(&bytes) {
                    Ok(m) => out.push(m),
                    Err(e) => {
                        self.undecodable += 1;
                        tracing::warn!("undecodable message from the server ({} bytes): {e}", bytes.len());
                    }
                }
            }
        }
        out
    }

    pub fn send(&mut self, msg: &ClientMessage) {
        self.client.send_message(channel::RELIABLE, protocol::encode(msg));
    }

    /// Bytes of reliable messages sent and not yet acknowledged by the server's renet: 0 means
    /// everything sent so far arrived ([`super::SeatLink`] tells delivered orders by it).
    pub fn reliable_unacked_bytes(&self) -> usize {
        reliable_capacity().saturating_sub(self.client.channel_available_memory(channel::RELIABLE))
    }

    /// Sends raw bytes as a message (tests use it to send garbage or another version's hello).
    pub fn send_raw(&mut self, bytes: Vec<u8>) {
        self.client.send_message(channel::RELIABLE, bytes);
    }

    /// Sends queued packets.
    pub fn flush(&mut self) -> Result<(), ClientError> {
        self.transport.send_packets(&mut self.client).map_err(|e| ClientError::Disconnected(e.to_string()))
    }

    /// Tells the server goodbye at once (its role is freed without waiting for a timeout).
    pub fn disconnect(&mut self) {
        self.client.disconnect();
        self.transport.disconnect();
    }
}

/// Leaving without [`NetClient::disconnect`] (a dropped bevy resource, an early return) still
/// says goodbye; a second disconnect is a no-op.
impl Drop for NetClient {
    fn drop(&mut self) {
        self.transport.disconnect();
    }
}

/// The client's reliable channel's memory, as [`protocol::connection_config`] sets it.
fn reliable_capacity() -> usize {
    static CAPACITY: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CAPACITY.get_or_init(|| {
        protocol::connection_config()
            .client_channels_config
            .iter()
            .find(|c| c.channel_id == channel::RELIABLE)
            .map_or(0, |c| c.max_memory_usage_bytes)
    })
}

/// `Hello` for a role, with this build's protocol version.
pub fn hello(role: sim::Role, player: &str) -> ClientMessage {
    hello_seat(protocol::Seat::Role(role), player)
}

/// `Hello` for any seat (a role, an observer, the projector), with this build's protocol version.
pub fn hello_seat(seat: protocol::Seat, player: &str) -> ClientMessage {
    ClientMessage::Hello { protocol: PROTOCOL_VERSION, seat, player: player.into() }
}
