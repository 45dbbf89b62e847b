//! The renet/netcode UDP server in netcode's secure mode: clients connect only with a connect
//! token from the token step ([`crate::admission`]), sealed with the drill's private key; the
//! token step listens on TCP at the same port number. The netcode protocol id is
//! `protocol::NETCODE_PROTOCOL_ID`, one per major version. Hands messages to the host with the
//! seat each token granted, and sends back what the host queued.
//!
//! Addresses: netcode admits a token only if one of the server addresses sealed in it is among
//! the server's `public_addresses`. Both are the address the socket is bound to (`0.0.0.0:5000`
//! on a LAN, `127.0.0.1:PORT` in tests); the client sends to the address it dialed, which it
//! writes into the token's public copy (the sealed copy is what the server checks). So one
//! server answers on every interface, behind NAT too, and a token of another drill (another
//! key) never opens this one.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use protocol::{NETCODE_PROTOCOL_ID, channel};
use renet::{RenetServer, ServerEvent};
use renet_netcode::{ServerAuthentication, ServerConfig};
use sim::Role;

use crate::admission::{DrillCodes, Grant, Issuer, TokenService, TokenTls};
use crate::host::{ConnId, Host, Outgoing};

use super::transport::ShardedTransport;

/// netcode's own ceiling: a county exercise seats hundreds of people (BENCHMARKS.md has 1,000).
pub const MAX_CLIENTS: usize = 1024;
/// Tries at finding a free port for both UDP and TCP when bound to port 0.
const PORT_TRIES: usize = 20;

pub struct NetServer {
    server: RenetServer,
    transport: ShardedTransport,
    addr: SocketAddr,
    rcvbuf: Option<usize>,
    issuer: Arc<Issuer>,
    /// The token step's listener thread (stopped on drop).
    _tokens: TokenService,
}

impl NetServer {
    /// Binds UDP `addr` and TCP on the same port for the token step (port 0 picks a port free
    /// for both; see [`NetServer::local_addr`]). Tokens admit the `roles` of the drill with
    /// `codes` (the controller's, a seat's own, or the join code); the token step speaks TLS
    /// as `tls` says.
    pub fn bind(addr: SocketAddr, codes: Arc<DrillCodes>, roles: Vec<Role>, tls: TokenTls) -> io::Result<NetServer> {
        let (socket, rcvbuf, listener) = bind_both(addr)?;
        let bound = socket.local_addr()?;
        let now = super::netcode_now();
        let config = |max_clients| ServerConfig {
            current_time: now,
            max_clients,
            protocol_id: NETCODE_PROTOCOL_ID,
            public_addresses: vec![bound],
            authentication: ServerAuthentication::Secure { private_key: *codes.key() },
        };
        let transport = ShardedTransport::new(MAX_CLIENTS, config, socket)?;
        let issuer = Arc::new(Issuer::new(codes, roles, vec![bound]));
        let tokens = TokenService::start(listener, issuer.clone(), tls)?;
        let server = RenetServer::new(protocol::connection_config());
        Ok(NetServer { server, transport, addr: bound, rcvbuf, issuer, _tokens: tokens })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The socket's receive buffer as the OS reports it.
    pub fn rcvbuf(&self) -> Option<usize> {
        self.rcvbuf
    }

    pub fn connected_clients(&self) -> usize {
        self.server.connected_clients()
    }

    /// Tokens issued and token requests refused so far.
    pub fn token_counts(&self) -> (u64, u64) {
        self.issuer.counts()
    }

    /// Receives packets, then hands connections (with the seat their token grants),
    /// disconnections and messages to the host. `now` is the host's monotonic time (for rate
    /// limits). Garbage datagrams are logged once, then summarised ([`crate::logs`]).
    pub fn receive(&mut self, dt: Duration, host: &mut Host, now: Duration) {
        self.pump(dt);
        crate::logs::summarise_transport();
        while let Some(event) = self.server.get_event() {
            match event {
                ServerEvent::ClientConnected { client_id } => {
                    let grant = self.transport.user_data(client_id).and_then(|d| Grant::from_user_data(&d));
                    host.connect_granted(ConnId::Net(client_id), grant);
                }
                ServerEvent::ClientDisconnected { client_id, reason } => {
                    tracing::info!("client {client_id} disconnected: {reason}");
                    host.disconnect(ConnId::Net(client_id));
                }
            }
        }
        for client_id in self.server.clients_id() {
            for ch in [channel::RELIABLE, channel::VIEWS] {
                while let Some(bytes) = self.server.receive_message(client_id, ch) {
                    host.receive(ConnId::Net(client_id), &bytes, now);
                }
            }
        }
    }

    /// Reads every waiting packet and advances renet and netcode; the messages wait in renet
    /// for [`NetServer::receive`], which hands them to the host at once.
    fn pump(&mut self, dt: Duration) {
        self.server.update(dt);
        if let Err(e) = self.transport.update(dt, &mut self.server) {
            tracing::warn!("UDP transport: {e}");
        }
    }

    /// Keeps the connections going without the host while it steps the world: advances renet
    /// and netcode (resends, keep-alives, timeouts) but reads nothing. A packet read now would
    /// be acknowledged by renet at the next send, before its orders reach the host and the
    /// journal's disk; unread, it waits in the socket's 4 MB buffer for the next receive.
    pub fn keep_alive(&mut self, dt: Duration) {
        self.server.update(dt);
        self.transport.keep_alive(dt, &mut self.server);
    }

    /// True when the views channel to a client is empty (its last view was acked), so a new
    /// view may go out; local connections are always ready.
    pub fn view_ready(&self, id: ConnId) -> bool {
        match id {
            ConnId::Net(c) => {
                self.server.is_connected(c)
                    && self.server.channel_available_memory(c, channel::VIEWS) == channel::VIEWS_MEMORY_BYTES
            }
            ConnId::Local(_) => true,
        }
    }

    /// True when everything sent to a client on the reliable channel was acked.
    pub fn reliable_idle(&self, c: u64) -> bool {
        !self.server.is_connected(c)
            || self.server.channel_available_memory(c, channel::RELIABLE) == channel::RELIABLE_MEMORY_BYTES
    }

    /// Queues one outgoing message for a network client (local ones are not ours: returned).
    pub fn send(&mut self, out: Outgoing) -> Option<Outgoing> {
        match out.to {
            ConnId::Net(c) => {
                if self.server.is_connected(c) {
                    if !self.server.can_send_message(c, out.channel, out.bytes.len()) {
                        tracing::warn!(
                            "client {c}: channel {} full, disconnecting a client that stopped reading",
                            out.channel
                        );
                    }
                    // renet disconnects the client itself when a reliable channel overflows.
                    self.server.send_message(c, out.channel, out.bytes);
                }
                None
            }
            ConnId::Local(_) => Some(out),
        }
    }

    /// Sends the queued packets.
    pub fn flush(&mut self) {
        self.transport.send_packets(&mut self.server);
    }

    /// Tells every client goodbye (sends netcode disconnect packets at once).
    pub fn shutdown(&mut self) {
        self.transport.disconnect_all(&mut self.server);
    }
}

/// UDP at `addr` and TCP at the same IP and port; with port 0, a port free for both.
fn bind_both(addr: SocketAddr) -> io::Result<(std::net::UdpSocket, Option<usize>, TcpListener)> {
    let tries = if addr.port() == 0 { PORT_TRIES } else { 1 };
    let mut last = None;
    for _ in 0..tries {
        let (socket, rcvbuf) = super::socket::bind_udp(addr)?;
        let bound = socket.local_addr()?;
        match TcpListener::bind(bound) {
            Ok(listener) => return Ok((socket, rcvbuf, listener)),
            Err(e) => last = Some(e),
        }
    }
    let e = last.unwrap_or_else(|| io::Error::other("no port"));
    Err(io::Error::new(
        e.kind(),
        format!("cannot bind TCP {addr} for the token step (the same port number as UDP): {e}"),
    ))
}
