//! netcode over one UDP socket, split into shards of [`SHARD_SLOTS`] connections.
//!
//! renetcode's server finds a connection by walking its slots: by address for every packet
//! read, by client id for every packet sent and every keep-alive. Each slot holds a 2 KB replay
//! window, so at 1,000 clients every lookup touches a thousand cache lines, three thousand
//! times a tick. Here each shard is a whole `NetcodeServer` (same key, protocol id and
//! address) with 64 slots, and two maps say which shard holds an address and a client, so a
//! lookup walks 64 slots. Clients see one server: the shards share the socket and the address.
//!
//! A datagram from an address no shard holds goes to the shard with the most free slots
//! (connections and handshakes counted); the address is remembered only once that shard answers
//! it (a challenge, a denial, a connection), so garbage from random addresses leaves no trace here, and handshakes
//! that never finish are forgotten after [`HANDSHAKE_TIMEOUT`].

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::Duration;

use renet::RenetServer;
use renet_netcode::{NETCODE_USER_DATA_BYTES, ServerConfig};
use renetcode::{NETCODE_MAX_PACKET_BYTES, NetcodeServer, ServerResult};

/// Connections per shard: a slot walk over 64 replay windows stays within the L2 cache.
pub const SHARD_SLOTS: usize = 64;
/// An address assigned to a shard that has not connected by then is forgotten (netcode's own
/// handshake gives up sooner).
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(30);

/// Where an address's datagrams go.
struct Assigned {
    shard: usize,
    /// netcode time of the assignment (for forgetting handshakes that never finished).
    since: Duration,
    /// The client it connected as, once it has.
    client: Option<u64>,
}

pub struct ShardedTransport {
    socket: UdpSocket,
    shards: Vec<NetcodeServer>,
    by_addr: HashMap<SocketAddr, Assigned>,
    /// The shard and address of each connected client.
    by_client: HashMap<u64, (usize, SocketAddr)>,
    /// Addresses assigned per shard (connected or shaking hands): where the next one goes.
    load: Vec<usize>,
    /// Slots per shard (the last one may be smaller).
    slots: Vec<usize>,
    now: Duration,
    buffer: Box<[u8; NETCODE_MAX_PACKET_BYTES]>,
}

impl ShardedTransport {
    /// `make_config(max_clients)` gives one shard's config; `max_clients` in all are split
    /// into shards of [`SHARD_SLOTS`].
    pub fn new(
        max_clients: usize,
        make_config: impl Fn(usize) -> ServerConfig,
        socket: UdpSocket,
    ) -> io::Result<ShardedTransport> {
        socket.set_nonblocking(true)?;
        let count = max_clients.div_ceil(SHARD_SLOTS).max(1);
        let slots: Vec<usize> =
            (0..count).map(|i| SHARD_SLOTS.min(max_clients.saturating_sub(i * SHARD_SLOTS)).max(1)).collect();
        let shards: Vec<NetcodeServer> = slots.iter().map(|n| NetcodeServer::new(make_config(*n))).collect();
        Ok(ShardedTransport {
            socket,
            now: Duration::ZERO,
            load: vec![0; shards.len()],
            slots,
            shards,
            by_addr: HashMap::new(),
            by_client: HashMap::new(),
            buffer: Box::new([0; NETCODE_MAX_PACKET_BYTES]),
        })
    }

    /// The user data sealed in a connected client's token (its grant).
    pub fn user_data(&self, client_id: u64) -> Option<[u8; NETCODE_USER_DATA_BYTES]> {
        let (shard, _) = self.by_client.get(&client_id)?;
        self.shards[*shard].user_data(client_id)
    }

    /// Advances netcode by `dt`, reads every waiting datagram, and times out or disconnects
    /// clients (those renet dropped too).
    pub fn update(&mut self, dt: Duration, server: &mut RenetServer) -> io::Result<()> {
        self.advance(dt);
        loop {
            let (len, addr) = match self.socket.recv_from(&mut self.buffer[..]) {
                Ok(got) => got,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => break,
                // An ICMP "port unreachable" from an earlier send: not this read's business.
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => continue,
                Err(e) => return Err(e),
            };
            self.receive_datagram(addr, len, server);
        }
        self.tend_clients(server);
        Ok(())
    }

    /// As [`ShardedTransport::update`] without reading the socket: keep-alives, timeouts and
    /// disconnections only (datagrams wait in the socket's buffer).
    pub fn keep_alive(&mut self, dt: Duration, server: &mut RenetServer) {
        self.advance(dt);
        self.tend_clients(server);
    }

    fn advance(&mut self, dt: Duration) {
        self.now += dt;
        for shard in &mut self.shards {
            shard.update(dt);
        }
    }

    /// Sends keep-alives, times out silent clients and disconnects those renet dropped.
    fn tend_clients(&mut self, server: &mut RenetServer) {
        for s in 0..self.shards.len() {
            for client_id in self.shards[s].clients_id() {
                let result = self.shards[s].update_client(client_id);
                let effect = handle(result, &self.socket, server);
                self.note(s, effect);
            }
        }
        for client_id in server.disconnections_id() {
            if let Some(&(s, _)) = self.by_client.get(&client_id) {
                let result = self.shards[s].disconnect(client_id);
                let effect = handle(result, &self.socket, server);
                self.note(s, effect);
            }
        }
        self.forget_stale_handshakes();
    }

    fn receive_datagram(&mut self, addr: SocketAddr, len: usize, server: &mut RenetServer) {
        let known = self.by_addr.get(&addr).map(|a| a.shard);
        let s = known.unwrap_or_else(|| self.least_loaded());
        let result = self.shards[s].process_packet(addr, &mut self.buffer[..len]);
        let effect = handle(result, &self.socket, server);
        if known.is_none() && effect != Effect::Nothing {
            self.by_addr.insert(addr, Assigned { shard: s, since: self.now, client: None });
            self.load[s] += 1;
        }
        self.note(s, effect);
    }

    /// Keeps the maps in step with what a shard just did.
    fn note(&mut self, shard: usize, effect: Effect) {
        match effect {
            Effect::Nothing | Effect::Answered => {}
            Effect::Connected(client_id, addr) => {
                if let Some(&(other, _)) = self.by_client.get(&client_id) {
                    // One token used from two addresses landed in two shards; netcode alone
                    // would refuse the second, so do the same (the first keeps its seat).
                    tracing::warn!("client {client_id} connected twice (from {addr}); refusing the second");
                    let result = self.shards[shard].disconnect(client_id);
                    let _ = handle_without_renet(result, &self.socket);
                    debug_assert_ne!(other, shard);
                    self.forget_addr(addr);
                    return;
                }
                self.by_client.insert(client_id, (shard, addr));
                if let Some(a) = self.by_addr.get_mut(&addr) {
                    a.client = Some(client_id);
                }
            }
            Effect::Disconnected(client_id, addr) => {
                if self.by_client.get(&client_id).is_some_and(|(s, _)| *s == shard) {
                    self.by_client.remove(&client_id);
                }
                self.forget_addr(addr);
            }
        }
    }

    fn forget_addr(&mut self, addr: SocketAddr) {
        if let Some(a) = self.by_addr.remove(&addr) {
            self.load[a.shard] -= 1;
        }
    }

    /// The shard with the most free slots (the first of equals).
    fn least_loaded(&self) -> usize {
        (0..self.shards.len())
            .max_by_key(|s| (self.slots[*s].saturating_sub(self.load[*s]), usize::MAX - s))
            .unwrap_or(0)
    }

    fn forget_stale_handshakes(&mut self) {
        let now = self.now;
        let stale: Vec<SocketAddr> = self
            .by_addr
            .iter()
            .filter(|(_, a)| a.client.is_none() && now.saturating_sub(a.since) > HANDSHAKE_TIMEOUT)
            .map(|(addr, _)| *addr)
            .collect();
        for addr in stale {
            self.forget_addr(addr);
        }
    }

    /// Sends what renet has for each client, sealed by the client's shard.
    pub fn send_packets(&mut self, server: &mut RenetServer) {
        for client_id in server.clients_id() {
            let Ok(packets) = server.get_packets_to_send(client_id) else { continue };
            let Some(&(s, _)) = self.by_client.get(&client_id) else { continue };
            for packet in packets {
                match self.shards[s].generate_payload_packet(client_id, &packet) {
                    Ok((addr, payload)) => {
                        if let Err(e) = self.socket.send_to(payload, addr) {
                            tracing::warn!("cannot send to client {client_id} ({addr}): {e}");
                            break;
                        }
                    }
                    Err(e) => {
                        tracing::warn!("cannot seal a packet for client {client_id}: {e}");
                        break;
                    }
                }
            }
        }
    }

    /// Tells every client goodbye at once.
    pub fn disconnect_all(&mut self, server: &mut RenetServer) {
        for s in 0..self.shards.len() {
            for client_id in self.shards[s].clients_id() {
                let result = self.shards[s].disconnect(client_id);
                let effect = handle(result, &self.socket, server);
                self.note(s, effect);
            }
        }
    }

    /// Connections per shard (for tests and diagnostics).
    pub fn shard_loads(&self) -> Vec<usize> {
        self.shards.iter().map(|s| s.connected_clients()).collect()
    }
}

/// What a shard's answer changed, for the maps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Effect {
    /// Garbage, a replay, or a payload from a known client.
    Nothing,
    /// A packet went back to the address (a challenge, a denial, a keep-alive).
    Answered,
    Connected(u64, SocketAddr),
    Disconnected(u64, SocketAddr),
}

/// Does what a shard asked (send a packet, hand a payload or a connection to renet) and says
/// what changed; as renet_netcode's own transport does for a single server.
fn handle(result: ServerResult<'_, '_>, socket: &UdpSocket, server: &mut RenetServer) -> Effect {
    match result {
        ServerResult::Payload { client_id, payload } => {
            if let Err(e) = server.process_packet_from(payload, client_id) {
                tracing::warn!("bad payload from client {client_id}: {e}");
            }
            Effect::Nothing
        }
        ServerResult::ClientConnected { client_id, addr, payload, .. } => {
            server.add_connection(client_id);
            send(socket, payload, addr);
            Effect::Connected(client_id, addr)
        }
        ServerResult::ClientDisconnected { client_id, addr, payload } => {
            server.remove_connection(client_id);
            if let Some(payload) = payload {
                send(socket, payload, addr);
            }
            Effect::Disconnected(client_id, addr)
        }
        other => handle_without_renet(other, socket),
    }
}

/// The answers that need no renet: a packet back to an address.
fn handle_without_renet(result: ServerResult<'_, '_>, socket: &UdpSocket) -> Effect {
    match result {
        ServerResult::PacketToSend { addr, payload } => {
            send(socket, payload, addr);
            Effect::Answered
        }
        ServerResult::ClientDisconnected { client_id, addr, payload } => {
            if let Some(payload) = payload {
                send(socket, payload, addr);
            }
            Effect::Disconnected(client_id, addr)
        }
        _ => Effect::Nothing,
    }
}

fn send(socket: &UdpSocket, packet: &[u8], addr: SocketAddr) {
    if let Err(e) = socket.send_to(packet, addr) {
        tracing::warn!("cannot send to {addr}: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use renet::{DefaultChannel, RenetClient};
    use renet_netcode::{ClientAuthentication, ConnectToken, NetcodeClientTransport, ServerAuthentication};
    use std::time::Instant;

    const KEY: [u8; 32] = [7; 32];
    const PROTOCOL: u64 = 42;
    const STEP: Duration = Duration::from_millis(10);

    struct Server {
        renet: RenetServer,
        transport: ShardedTransport,
        addr: SocketAddr,
    }

    impl Server {
        fn new(max_clients: usize) -> Server {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            let addr = socket.local_addr().unwrap();
            let config = |max_clients| ServerConfig {
                current_time: crate::net::netcode_now(),
                max_clients,
                protocol_id: PROTOCOL,
                public_addresses: vec![addr],
                authentication: ServerAuthentication::Secure { private_key: KEY },
            };
            let transport = ShardedTransport::new(max_clients, config, socket).unwrap();
            Server { renet: RenetServer::new(renet::ConnectionConfig::default()), transport, addr }
        }
        fn step(&mut self) {
            self.renet.update(STEP);
            self.transport.update(STEP, &mut self.renet).unwrap();
            self.transport.send_packets(&mut self.renet);
        }
    }

    struct Client {
        renet: RenetClient,
        transport: NetcodeClientTransport,
    }

    impl Client {
        fn new(token: ConnectToken) -> Client {
            let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
            let auth = ClientAuthentication::Secure { connect_token: token };
            let transport = NetcodeClientTransport::new(crate::net::netcode_now(), auth, socket).unwrap();
            Client { renet: RenetClient::new(renet::ConnectionConfig::default()), transport }
        }
        fn step(&mut self) {
            self.renet.update(STEP);
            let _ = self.transport.update(STEP, &mut self.renet);
            let _ = self.transport.send_packets(&mut self.renet);
        }
    }

    fn token(server: &Server, client_id: u64) -> ConnectToken {
        let user_data = [client_id as u8; NETCODE_USER_DATA_BYTES];
        ConnectToken::generate(
            crate::net::netcode_now(),
            PROTOCOL,
            60,
            client_id,
            15,
            vec![server.addr],
            Some(&user_data),
            &KEY,
        )
        .unwrap()
    }

    /// Steps everyone until `done` holds (or fails after 10 s of real time).
    fn run_until(server: &mut Server, clients: &mut [Client], done: impl Fn(&Server, &[Client]) -> bool) {
        let start = Instant::now();
        while !done(server, clients) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out: {} connected to the server, {} clients connected, shards {:?}, {} addresses",
                server.renet.connected_clients(),
                clients.iter().filter(|c| c.renet.is_connected()).count(),
                server.transport.shard_loads(),
                server.transport.by_addr.len()
            );
            for c in clients.iter_mut() {
                c.step();
            }
            server.step();
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn clients_spread_over_shards_and_talk_both_ways() {
        // 150 slots: shards of 64, 64 and 22; 80 clients joining at once.
        let mut server = Server::new(150);
        let mut clients: Vec<Client> = (1..=80).map(|id| Client::new(token(&server, id))).collect();
        run_until(&mut server, &mut clients, |s, cs| {
            s.renet.connected_clients() == cs.len() && cs.iter().all(|c| c.renet.is_connected())
        });
        let loads = server.transport.shard_loads();
        assert_eq!(loads.len(), 3);
        assert_eq!(loads.iter().sum::<usize>(), 80);
        // Each goes where most slots are free: the two big shards share them, the small one waits.
        assert_eq!(loads, vec![40, 40, 0]);
        // Each client's grant comes back from its own shard.
        for id in 1..=80u64 {
            assert_eq!(server.transport.user_data(id), Some([id as u8; NETCODE_USER_DATA_BYTES]));
        }
        // A message from every client reaches the server, and one back reaches every client.
        for c in &mut clients {
            c.renet.send_message(DefaultChannel::ReliableOrdered, b"ping".to_vec());
        }
        for id in 1..=80u64 {
            server.renet.send_message(id, DefaultChannel::ReliableOrdered, id.to_le_bytes().to_vec());
        }
        let mut got_from = std::collections::BTreeSet::new();
        let mut got_back = vec![None; clients.len()];
        let start = Instant::now();
        while got_from.len() < 80 || got_back.iter().any(Option::is_none) {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "messages lost: {} in, {:?} out",
                got_from.len(),
                got_back
            );
            for (c, got) in clients.iter_mut().zip(got_back.iter_mut()) {
                c.step();
                if let Some(m) = c.renet.receive_message(DefaultChannel::ReliableOrdered) {
                    *got = Some(u64::from_le_bytes(m[..8].try_into().unwrap()));
                }
            }
            server.step();
            for id in server.renet.clients_id() {
                if server.renet.receive_message(id, DefaultChannel::ReliableOrdered).is_some() {
                    got_from.insert(id);
                }
            }
        }
        let want: Vec<Option<u64>> = (1..=80).map(Some).collect();
        assert_eq!(got_back, want, "each client got its own message");
        // Goodbye to all: every shard and map is empty again.
        server.transport.disconnect_all(&mut server.renet);
        assert_eq!(server.transport.shard_loads(), vec![0, 0, 0]);
        assert!(server.transport.by_addr.is_empty() && server.transport.by_client.is_empty());
    }

    #[test]
    fn keep_alive_reads_nothing_so_nothing_is_acknowledged_before_the_host_reads_it() {
        let mut server = Server::new(64);
        let mut clients = vec![Client::new(token(&server, 3))];
        run_until(&mut server, &mut clients, |s, cs| s.renet.connected_clients() == 1 && cs[0].renet.is_connected());
        let ch = || DefaultChannel::ReliableOrdered;
        let empty = clients[0].renet.channel_available_memory(ch());
        clients[0].renet.send_message(ch(), b"order".to_vec());
        // Half a second of a long world step: the server only keeps the connection alive.
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(500) {
            clients[0].step();
            server.renet.update(STEP);
            server.transport.keep_alive(STEP, &mut server.renet);
            server.transport.send_packets(&mut server.renet);
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(clients[0].renet.is_connected(), "keep-alives kept the client");
        assert_eq!(server.renet.receive_message(3, ch()), None, "nothing was read");
        assert!(clients[0].renet.channel_available_memory(ch()) < empty, "the order was acknowledged unread");
        // The next read hands the message over; only then is it acknowledged.
        run_until(&mut server, &mut clients, |_, cs| cs[0].renet.channel_available_memory(ch()) == empty);
        assert_eq!(server.renet.receive_message(3, ch()).as_deref(), Some(&b"order"[..]));
    }

    #[test]
    fn one_token_from_two_addresses_connects_once_and_garbage_leaves_no_trace() {
        let mut server = Server::new(1024);
        // Garbage from 50 addresses: nothing remembered.
        let junk = UdpSocket::bind("127.0.0.1:0").unwrap();
        for i in 0..50u8 {
            let s = UdpSocket::bind("127.0.0.1:0").unwrap();
            s.send_to(&[i; 200], server.addr).unwrap();
        }
        junk.send_to(&[0xff; 1200], server.addr).unwrap();
        server.step();
        assert!(server.transport.by_addr.is_empty(), "garbage was remembered");
        // Fill shard 0 with one client so the second copy of the token lands in another shard.
        let first = token(&server, 9);
        let mut clients = vec![Client::new(first.clone())];
        run_until(&mut server, &mut clients, |s, _| s.renet.connected_clients() == 1);
        clients.push(Client::new(first));
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(1500) {
            for c in clients.iter_mut() {
                c.step();
            }
            server.step();
            std::thread::sleep(Duration::from_millis(2));
        }
        assert_eq!(server.renet.connected_clients(), 1);
        assert_eq!(server.transport.shard_loads().iter().sum::<usize>(), 1, "{:?}", server.transport.shard_loads());
        assert!(clients[0].renet.is_connected(), "the first holder keeps its seat");
        assert!(!clients[1].renet.is_connected(), "the copy never connects");
    }
}
