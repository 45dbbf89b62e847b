//! A renet/netcode UDP client speaking the sandtable protocol: connect, say hello, send orders,
//! receive messages. Bots and the end-to-end tests use it; so can any headless tool.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage, channel};
use renet::RenetClient;
use renet_netcode::{ClientAuthentication, NetcodeClientTransport};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("cannot open a UDP socket: {0}")]
    Io(#[from] io::Error),
    #[error("netcode: {0}")]
    Netcode(String),
    #[error("no connection to {addr} within {secs} s (is the server running?)")]
    Timeout { addr: SocketAddr, secs: u64 },
    #[error("disconnected: {0}")]
    Disconnected(String),
}

pub struct NetClient {
    client: RenetClient,
    transport: NetcodeClientTransport,
    server: SocketAddr,
    last: Instant,
    /// Messages the server sent that did not decode (a newer server, a bug): counted, skipped.
    pub undecodable: u32,
}

impl NetClient {
    /// Opens a socket and starts connecting to `server` (call [`NetClient::wait_connected`]).
    pub fn connect(server: SocketAddr) -> Result<NetClient, ClientError> {
        let bind: SocketAddr = if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" }.parse().expect("valid");
        let (socket, _) = super::socket::bind_udp(bind)?;
        let id_bytes = renet_netcode::generate_random_bytes::<8>();
        let auth = ClientAuthentication::Unsecure {
            protocol_id: PROTOCOL_VERSION,
            client_id: u64::from_le_bytes(id_bytes),
            server_addr: server,
            user_data: None,
        };
        let transport = NetcodeClientTransport::new(super::netcode_now(), auth, socket)
            .map_err(|e| ClientError::Netcode(e.to_string()))?;
        let client = RenetClient::new(protocol::connection_config());
        Ok(NetClient { client, transport, server, last: Instant::now(), undecodable: 0 })
    }

    pub fn client_id(&self) -> u64 {
        self.transport.client_id()
    }
    pub fn is_connected(&self) -> bool {
        self.client.is_connected()
    }
    pub fn is_disconnected(&self) -> bool {
        self.client.is_disconnected()
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

    /// Receives packets and advances renet's timers.
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

    /// Every message received since the last call, decoded.
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

    /// Sends raw bytes as a message (tests use it to send garbage).
    pub fn send_raw(&mut self, bytes: Vec<u8>) {
        self.client.send_message(channel::RELIABLE, bytes);
    }

    /// Sends queued packets.
    pub fn flush(&mut self) -> Result<(), ClientError> {
        self.transport.send_packets(&mut self.client).map_err(|e| ClientError::Disconnected(e.to_string()))
    }

    pub fn disconnect(&mut self) {
        self.client.disconnect();
        self.transport.disconnect();
    }
}

/// `Hello` for a role, with this build's protocol version.
pub fn hello(role: sim::Role, player: &str) -> ClientMessage {
    ClientMessage::Hello { protocol: PROTOCOL_VERSION, role, player: player.into() }
}
