//! The renet/netcode UDP server: accepts clients (unsecure netcode auth, fit for a LAN; the
//! netcode protocol id is `protocol::NETCODE_PROTOCOL_ID`, one per major version, so builds of
//! another minor version connect and the host tells them in words that the versions differ),
//! hands their messages to the host and sends back what the host queued.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use protocol::{NETCODE_PROTOCOL_ID, channel};
use renet::{RenetServer, ServerEvent};
use renet_netcode::{NetcodeServerTransport, ServerAuthentication, ServerConfig};

use crate::host::{ConnId, Host, Outgoing, Peer};

/// netcode's own ceiling: a county exercise seats hundreds of people (BENCHMARKS.md has 1,000).
pub const MAX_CLIENTS: usize = 1024;

pub struct NetServer {
    server: RenetServer,
    transport: NetcodeServerTransport,
    addr: SocketAddr,
    rcvbuf: Option<usize>,
}

impl NetServer {
    /// Binds `addr` (port 0 picks a free port; see [`NetServer::local_addr`]).
    pub fn bind(addr: SocketAddr) -> io::Result<NetServer> {
        let (socket, rcvbuf) = super::socket::bind_udp(addr)?;
        let bound = socket.local_addr()?;
        let config = ServerConfig {
            current_time: super::netcode_now(),
            max_clients: MAX_CLIENTS,
            protocol_id: NETCODE_PROTOCOL_ID,
            public_addresses: vec![bound],
            authentication: ServerAuthentication::Unsecure,
        };
        let transport = NetcodeServerTransport::new(config, socket)?;
        let server = RenetServer::new(protocol::connection_config());
        Ok(NetServer { server, transport, addr: bound, rcvbuf })
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

    /// Receives packets, then hands connections, disconnections and messages to the host.
    /// `now` is the host's monotonic time (for rate limits).
    pub fn receive(&mut self, dt: Duration, host: &mut Host, now: Duration) {
        self.server.update(dt);
        if let Err(e) = self.transport.update(dt, &mut self.server) {
            tracing::warn!("UDP transport: {e}");
        }
        while let Some(event) = self.server.get_event() {
            match event {
                ServerEvent::ClientConnected { client_id } => host.connect(ConnId::Net(client_id), Peer::Human),
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
