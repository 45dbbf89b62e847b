//! The one renet/netcode UDP client speaking the sandtable protocol: connect, say hello, send
//! orders, receive messages. The UDP bots, the headless seat (`sandtable-server join`), the
//! bevy client (`client/src/net.rs`, one system over it) and the end-to-end tests all use it.
//! It never blocks except in [`NetClient::wait_connected`]; drive it with [`NetClient::update`],
//! [`NetClient::receive`] and [`NetClient::flush`].

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use protocol::admission::{TokenReply, TokenRequest, read_frame, write_frame};
use protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage, channel};
use renet::RenetClient;
use renet_netcode::{ClientAuthentication, ConnectToken, NetcodeClientTransport};

use crate::admission::TlsPin;
use crate::admission::tls;

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
    /// The token step refused the seat (wrong or missing code, another version...): its words.
    #[error("拒绝 refused: {0}")]
    Refused(String),
    /// The server's certificate is not the one the pin names (another server, a machine in
    /// between, or a mistyped pin).
    #[error(
        "证书指纹不符 / TLS pin mismatch at {addr}: expected {expected}, got {got} (another server, something in between, or a mistyped pin: check the pin the server printed)"
    )]
    TlsPin { addr: SocketAddr, expected: String, got: String },
    #[error(
        "no answer from the token step at {addr} (TCP, the server's port number): {error} (is the server running, and of the same major protocol version?)"
    )]
    TokenStep { addr: SocketAddr, error: String },
}

/// How long the token step may take (connect, ask, answer).
pub const TOKEN_STEP_TIMEOUT: Duration = Duration::from_secs(10);

/// Who a client is and what it asks for: everything needed to connect, and to connect again
/// after the link or the server was lost. The seat's drill code travels with it.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinRequest {
    pub seat: protocol::Seat,
    pub player: String,
    /// The drill's join code, or the seat's own code (the controller's); `None` when the server
    /// asks for none.
    pub code: Option<String>,
    /// The pin of the server's certificate (`--tls-pin`): with it the token step speaks TLS and
    /// trusts only that certificate; `None`: plain TCP.
    pub tls_pin: Option<TlsPin>,
}

impl JoinRequest {
    pub fn new(seat: protocol::Seat, player: &str) -> JoinRequest {
        JoinRequest { seat, player: player.into(), code: None, tls_pin: None }
    }
    pub fn role(role: sim::Role, player: &str) -> JoinRequest {
        JoinRequest::new(protocol::Seat::Role(role), player)
    }
    pub fn with_code(mut self, code: Option<String>) -> JoinRequest {
        self.code = code;
        self
    }
    pub fn with_tls_pin(mut self, pin: Option<TlsPin>) -> JoinRequest {
        self.tls_pin = pin;
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
    /// When packets last went out ([`NetClient::flush`] sends at most every `SEND_INTERVAL`).
    last_sent: Option<Instant>,
    /// Messages the server sent that did not decode (a newer server, a bug), and view deltas
    /// that did not apply to the base held: counted, skipped.
    pub undecodable: u32,
    /// The last view, watched view and public situation received: the bases of the next deltas.
    bases: protocol::delta::Bases,
    /// Message bytes received (as sent: deltas counted as deltas), for load figures; and of
    /// those, the bytes on the views channel.
    pub received_bytes: u64,
    pub view_bytes: u64,
}

impl NetClient {
    /// Asks the server's token step for a connect token for `request`'s seat and code (a
    /// refusal comes back as [`ClientError::Refused`] with the server's words), opens a socket
    /// and starts connecting to `server` with the token (pump it, or call
    /// [`NetClient::wait_connected`]). Sends no hello: see [`NetClient::join`]. Calling it again
    /// after a lost link fetches a fresh token.
    pub fn connect(server: SocketAddr, request: &JoinRequest) -> Result<NetClient, ClientError> {
        let mut connect_token = fetch_token(server, request)?;
        // The sealed copy names the server's bound address (what netcode checks); the client
        // sends to the address it dialed.
        connect_token.server_addresses = [None; 32];
        connect_token.server_addresses[0] = Some(server);
        let bind: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("valid");
        let (socket, _) = super::socket::bind_udp(bind)?;
        let auth = ClientAuthentication::Secure { connect_token };
        let transport = NetcodeClientTransport::new(super::netcode_now(), auth, socket)
            .map_err(|e| ClientError::Netcode(e.to_string()))?;
        let client = RenetClient::new(protocol::connection_config());
        let now = Instant::now();
        Ok(NetClient {
            client,
            request: request.clone(),
            transport,
            server,
            started: now,
            last: now,
            last_sent: None,
            undecodable: 0,
            bases: Default::default(),
            received_bytes: 0,
            view_bytes: 0,
        })
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
    /// [`NetClient::undecodable`], logged and skipped. A view sent as a delta
    /// ([`ServerMessage::Delta`]) comes out whole: callers never see deltas.
    pub fn receive(&mut self) -> Vec<ServerMessage> {
        let mut out = Vec::new();
        for ch in [channel::RELIABLE, channel::VIEWS] {
            while let Some(bytes) = self.client.receive_message(ch) {
                self.received_bytes += bytes.len() as u64;
                if ch == channel::VIEWS {
                    self.view_bytes += bytes.len() as u64;
                }
                match self.decode_view(bytes.to_vec()) {
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

    /// Decodes one message, rebuilding a delta from the base of its kind; whole views become
    /// the next bases.
    fn decode_view(&mut self, bytes: Vec<u8>) -> Result<ServerMessage, String> {
        let msg = protocol::decode::<ServerMessage>(&bytes).map_err(|e| e.to_string())?;
        match msg {
            ServerMessage::Delta(d) => {
                let whole = self.bases.apply(&d).map_err(|e| format!("view delta: {e}"))?;
                let msg = protocol::decode::<ServerMessage>(&whole).map_err(|e| e.to_string())?;
                if protocol::DeltaKind::of(&msg) != Some(d.kind) {
                    return Err(format!("view delta of kind {:?} rebuilt another message", d.kind));
                }
                Ok(msg)
            }
            msg => {
                if let Some(kind) = protocol::DeltaKind::of(&msg) {
                    self.bases.keep(kind, bytes);
                }
                Ok(msg)
            }
        }
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

    /// Sends queued packets, at most every [`protocol::SEND_INTERVAL`] (call it every frame:
    /// messages wait at most that long). While netcode is still connecting, messages stay queued
    /// (the hello [`NetClient::join`] queued): netcode refuses payload packets before it is
    /// connected.
    pub fn flush(&mut self) -> Result<(), ClientError> {
        if self.last_sent.is_some_and(|t| t.elapsed() < protocol::SEND_INTERVAL) {
            return Ok(());
        }
        self.flush_now()
    }

    /// Sends queued packets now, whatever the cadence (before leaving, in a test's last step).
    pub fn flush_now(&mut self) -> Result<(), ClientError> {
        if self.client.is_connecting() && self.transport.disconnect_reason().is_none() {
            return Ok(());
        }
        self.last_sent = Some(Instant::now());
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

/// The token step: one request over TCP to the server's port number, one reply; inside TLS
/// when the request has a pin.
pub fn fetch_token(server: SocketAddr, request: &JoinRequest) -> Result<ConnectToken, ClientError> {
    let fail = |error: String| ClientError::TokenStep { addr: server, error };
    let stream = std::net::TcpStream::connect_timeout(&server, TOKEN_STEP_TIMEOUT).map_err(|e| fail(e.to_string()))?;
    let _ = stream.set_read_timeout(Some(TOKEN_STEP_TIMEOUT));
    let _ = stream.set_write_timeout(Some(TOKEN_STEP_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let ask = TokenRequest {
        protocol: PROTOCOL_VERSION,
        seat: request.seat.clone(),
        player: request.player.clone(),
        code: request.code.clone(),
    };
    let body = match &request.tls_pin {
        None => exchange(stream, &ask).map_err(fail)?,
        Some(pin) => {
            let (config, seen) = tls::client_config(pin).map_err(|e| fail(format!("TLS: {e}")))?;
            // The pin, not a name, says which server this is; the name only fills the handshake.
            let name = rustls::pki_types::ServerName::IpAddress(server.ip().into());
            let session = rustls::ClientConnection::new(config, name).map_err(|e| fail(format!("TLS: {e}")))?;
            let mut tls = rustls::StreamOwned::new(session, stream);
            match exchange(&mut tls, &ask) {
                Ok(body) => body,
                Err(error) => {
                    let got = seen.lock().ok().and_then(|s| *s);
                    return Err(match got {
                        Some(fp) if !pin.matches(&fp) => ClientError::TlsPin {
                            addr: server,
                            expected: pin.to_string(),
                            got: tls::shown_fingerprint(&fp),
                        },
                        _ => fail(format!("TLS: {error}")),
                    });
                }
            }
        }
    };
    match protocol::decode::<TokenReply>(&body) {
        Ok(TokenReply::Token { token }) => {
            ConnectToken::read(&mut token.as_slice()).map_err(|e| fail(format!("bad connect token: {e}")))
        }
        Ok(TokenReply::Refused { reason }) => Err(ClientError::Refused(reason)),
        // A server of another version: its refusal still reads (frozen as the first variant).
        Err(e) => match postcard_refusal(&body) {
            Some(reason) => Err(ClientError::Refused(reason)),
            None => Err(fail(format!("undecodable answer: {e}"))),
        },
    }
}

/// Writes the request's frame and reads the answer's.
fn exchange(mut stream: impl std::io::Read + std::io::Write, ask: &TokenRequest) -> Result<Vec<u8>, String> {
    write_frame(&mut stream, ask).map_err(|e| e.to_string())?;
    read_frame(&mut stream).map_err(|e| e.to_string())
}

/// The reason of a `TokenReply::Refused` from any version (variant 0, a string first).
fn postcard_refusal(body: &[u8]) -> Option<String> {
    match protocol::decode::<(u32, String)>(body) {
        Ok((0, reason)) => Some(reason),
        _ => None,
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
