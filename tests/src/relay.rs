//! A lossy, delaying, reordering UDP relay for tests (netem is not available on these machines):
//! clients send to [`Relay::addr`] instead of the server; each client gets an upstream socket of
//! its own, so the server sees distinct peers. Each direction drops, delays (with jitter) and
//! reorders datagrams by a seeded ChaCha stream, so a run is reproducible; an outage drops
//! everything for a while or until lifted. [`Relay::stats`] counts what it did. The token step
//! (TCP at the server's port number, `server::admission`) is passed through untouched on the
//! same port number as the relay's UDP socket, so a client that dials the relay gets its connect
//! token there and sends its datagrams through the relay.
//!
//! ```no_run
//! # use std::time::Duration;
//! use sandtable_tests::relay::{Link, Relay};
//! let server = "127.0.0.1:5000".parse().unwrap();
//! let relay = Relay::start(server, Link::lossy(0.2, Duration::from_millis(100)), 7).unwrap();
//! // clients connect to relay.addr(); later:
//! relay.outage(Some(Duration::from_secs(30)));
//! ```

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use server::net::socket::bind_udp;

/// How long the relay thread waits for a datagram when nothing is due sooner.
const POLL: Duration = Duration::from_millis(1);
/// Largest datagram relayed (netcode's packets are at most 1300 bytes or so).
const MAX_DATAGRAM: usize = 2048;

/// What one direction of the link does to datagrams.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Direction {
    /// Probability that a datagram is dropped.
    pub loss: f64,
    /// Fixed one-way delay.
    pub delay: Duration,
    /// A uniform extra delay in `0..=jitter` per datagram (reorders datagrams closer than it).
    pub jitter: Duration,
    /// Probability that a datagram is held back by `reorder_by` more, overtaken by later ones.
    pub reorder: f64,
    pub reorder_by: Duration,
}

impl Direction {
    /// A perfect direction: nothing lost, nothing delayed.
    pub const CLEAN: Direction = Direction {
        loss: 0.0,
        delay: Duration::ZERO,
        jitter: Duration::ZERO,
        reorder: 0.0,
        reorder_by: Duration::ZERO,
    };
}

/// Both directions of the link.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    /// Client → server.
    pub up: Direction,
    /// Server → client.
    pub down: Direction,
}

impl Link {
    pub const CLEAN: Link = Link { up: Direction::CLEAN, down: Direction::CLEAN };

    /// `loss` each way, `one_way` delay each way (round trip twice that), jitter of half the
    /// one-way delay, and one datagram in ten held back by the one-way delay (reordered).
    pub fn lossy(loss: f64, one_way: Duration) -> Link {
        let d = Direction { loss, delay: one_way, jitter: one_way / 2, reorder: 0.1, reorder_by: one_way };
        Link { up: d, down: d }
    }
}

/// What the relay did, per direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub received: u64,
    /// Dropped by the loss probability.
    pub lost: u64,
    /// Dropped during an outage.
    pub cut: u64,
    /// Delivered later than received (delay or jitter), and held back to be overtaken.
    pub delayed: u64,
    pub reordered: u64,
    pub delivered: u64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub up: Counts,
    pub down: Counts,
    /// Distinct client addresses seen (a client that reconnects on a new socket counts again).
    pub clients: usize,
}

/// An outage: until a moment, or until lifted (`None`).
#[derive(Clone, Copy, Debug)]
enum Outage {
    Until(Instant),
    Lifted,
    Open,
}

impl Outage {
    fn active(&self, now: Instant) -> bool {
        match self {
            Outage::Until(t) => now < *t,
            Outage::Open => true,
            Outage::Lifted => false,
        }
    }
}

struct Shared {
    link: Link,
    /// The outage of every client, and of single clients by address.
    all: Outage,
    one: BTreeMap<SocketAddr, Outage>,
    stats: Stats,
    clients: Vec<SocketAddr>,
}

/// The relay; its thread stops when it is dropped.
pub struct Relay {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    tcp: Option<JoinHandle<()>>,
}

/// Tries at finding a loopback port free for both UDP and TCP.
const PORT_TRIES: usize = 20;

/// Binds a loopback UDP socket and a TCP listener on the same port number.
fn bind_both() -> io::Result<(UdpSocket, TcpListener)> {
    let mut last = None;
    for _ in 0..PORT_TRIES {
        let (socket, _) = bind_udp(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        match TcpListener::bind(socket.local_addr()?) {
            Ok(tcp) => return Ok((socket, tcp)),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free port")))
}

/// Passes each TCP connection (the token step) through to `server`'s TCP port, untouched.
fn pass_tcp(listener: TcpListener, server: SocketAddr, stop: &AtomicBool) {
    if listener.set_nonblocking(true).is_err() {
        return;
    }
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((down, _)) => {
                let _ = down.set_nonblocking(false);
                let Ok(up) = TcpStream::connect(server) else { continue };
                let (Ok(mut down2), Ok(mut up2)) = (down.try_clone(), up.try_clone()) else { continue };
                let (mut down, mut up) = (down, up);
                std::thread::spawn(move || {
                    let _ = io::copy(&mut down, &mut up);
                    let _ = up.shutdown(std::net::Shutdown::Write);
                });
                std::thread::spawn(move || {
                    let _ = io::copy(&mut up2, &mut down2);
                    let _ = down2.shutdown(std::net::Shutdown::Write);
                });
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

impl Relay {
    /// Listens on a free loopback port and relays to `server` with `link`, drawing losses and
    /// delays from a ChaCha8 stream seeded with `seed`.
    pub fn start(server: SocketAddr, link: Link, seed: u64) -> io::Result<Relay> {
        let (socket, listener) = bind_both()?;
        socket.set_nonblocking(true)?;
        let addr = socket.local_addr()?;
        let shared = Arc::new(Mutex::new(Shared {
            link,
            all: Outage::Lifted,
            one: BTreeMap::new(),
            stats: Stats::default(),
            clients: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            listen: socket,
            server,
            upstream: BTreeMap::new(),
            queue: BinaryHeap::new(),
            order: 0,
            rng: ChaCha8Rng::seed_from_u64(seed),
            shared: shared.clone(),
        };
        let thread = {
            let stop = stop.clone();
            std::thread::Builder::new().name("udp-relay".into()).spawn(move || worker.run(&stop))?
        };
        let tcp = {
            let stop = stop.clone();
            std::thread::Builder::new().name("tcp-relay".into()).spawn(move || pass_tcp(listener, server, &stop))?
        };
        Ok(Relay { addr, shared, stop, thread: Some(thread), tcp: Some(tcp) })
    }

    /// Where clients send to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn stats(&self) -> Stats {
        self.lock().stats
    }

    /// Client addresses in the order they first sent.
    pub fn clients(&self) -> Vec<SocketAddr> {
        self.lock().clients.clone()
    }

    /// Changes the link from now on (datagrams already queued keep their delivery time).
    pub fn set_link(&self, link: Link) {
        self.lock().link = link;
    }

    /// Drops everything both ways, for every client (also ones that appear meanwhile), for
    /// `duration`, or until [`Relay::lift`] when `None`.
    pub fn outage(&self, duration: Option<Duration>) {
        self.lock().all = outage(duration);
    }

    /// Drops everything both ways for the client at `client` (as in [`Relay::clients`]).
    pub fn outage_of(&self, client: SocketAddr, duration: Option<Duration>) {
        self.lock().one.insert(client, outage(duration));
    }

    /// Ends every outage.
    pub fn lift(&self) {
        let mut s = self.lock();
        s.all = Outage::Lifted;
        s.one.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Shared> {
        // A panic while holding the lock cannot leave the counters inconsistent: go on.
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn outage(duration: Option<Duration>) -> Outage {
    match duration {
        Some(d) => Outage::Until(Instant::now() + d),
        None => Outage::Open,
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in [self.thread.take(), self.tcp.take()].into_iter().flatten() {
            let _ = t.join();
        }
    }
}

/// A datagram waiting for its delivery time; `seq` keeps equal times in arrival order.
struct Due {
    at: Instant,
    seq: u64,
    /// `None`: to the server from the client's upstream socket; `Some`: down to this client.
    to_client: Option<SocketAddr>,
    from_client: SocketAddr,
    bytes: Vec<u8>,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Due {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

struct Worker {
    listen: UdpSocket,
    server: SocketAddr,
    /// One socket towards the server per client address.
    upstream: BTreeMap<SocketAddr, UdpSocket>,
    queue: BinaryHeap<Reverse<Due>>,
    order: u64,
    rng: ChaCha8Rng,
    shared: Arc<Mutex<Shared>>,
}

impl Worker {
    fn run(mut self, stop: &AtomicBool) {
        let mut buf = vec![0u8; MAX_DATAGRAM];
        while !stop.load(Ordering::Relaxed) {
            let mut busy = false;
            // Up: from clients.
            while let Ok((n, from)) = self.listen.recv_from(&mut buf) {
                busy = true;
                if let std::collections::btree_map::Entry::Vacant(slot) = self.upstream.entry(from) {
                    let Ok((sock, _)) = bind_udp(SocketAddr::from(([127, 0, 0, 1], 0))) else { continue };
                    if sock.set_nonblocking(true).is_err() {
                        continue;
                    }
                    slot.insert(sock);
                    let mut s = self.shared.lock().unwrap_or_else(|e| e.into_inner());
                    s.clients.push(from);
                    s.stats.clients = s.clients.len();
                }
                self.admit(from, None, buf[..n].to_vec());
            }
            // Down: from the server, on each client's upstream socket.
            let clients: Vec<SocketAddr> = self.upstream.keys().copied().collect();
            for client in clients {
                while let Some(Ok((n, _))) = self.upstream.get(&client).map(|sock| sock.recv_from(&mut buf)) {
                    busy = true;
                    self.admit(client, Some(client), buf[..n].to_vec());
                }
            }
            self.deliver_due();
            if !busy {
                let next = self.queue.peek().map(|Reverse(d)| d.at.saturating_duration_since(Instant::now()));
                std::thread::sleep(next.map_or(POLL, |n| n.min(POLL)));
            }
        }
    }

    /// Decides a datagram's fate: cut, lost, or queued for its delivery time.
    fn admit(&mut self, client: SocketAddr, to_client: Option<SocketAddr>, bytes: Vec<u8>) {
        let now = Instant::now();
        let mut s = self.shared.lock().unwrap_or_else(|e| e.into_inner());
        let dir = if to_client.is_some() { s.link.down } else { s.link.up };
        let cut = s.all.active(now) || s.one.get(&client).is_some_and(|o| o.active(now));
        let counts = if to_client.is_some() { &mut s.stats.down } else { &mut s.stats.up };
        counts.received += 1;
        // Draw the same numbers whatever happens, so one datagram's fate does not shift the
        // stream of the others.
        let lose = self.rng.random_bool(dir.loss.clamp(0.0, 1.0));
        let jitter_ns = u64::try_from(dir.jitter.as_nanos()).unwrap_or(u64::MAX);
        let jitter = Duration::from_nanos(if jitter_ns > 0 { self.rng.random_range(0..=jitter_ns) } else { 0 });
        let held = self.rng.random_bool(dir.reorder.clamp(0.0, 1.0));
        if cut {
            counts.cut += 1;
            return;
        }
        if lose {
            counts.lost += 1;
            return;
        }
        let mut delay = dir.delay + jitter;
        if held {
            delay += dir.reorder_by;
            counts.reordered += 1;
        }
        if delay > Duration::ZERO {
            counts.delayed += 1;
        }
        drop(s);
        self.order += 1;
        self.queue.push(Reverse(Due { at: now + delay, seq: self.order, to_client, from_client: client, bytes }));
    }

    /// Sends every datagram whose time has come. A full send buffer (the socket is
    /// non-blocking) keeps the rest queued for the next round: the relay itself never loses.
    fn deliver_due(&mut self) {
        let now = Instant::now();
        while self.queue.peek().is_some_and(|Reverse(d)| d.at <= now) {
            let Some(Reverse(d)) = self.queue.pop() else { break };
            let sent = match d.to_client {
                Some(client) => self.listen.send_to(&d.bytes, client),
                None => match self.upstream.get(&d.from_client) {
                    Some(sock) => sock.send_to(&d.bytes, self.server),
                    None => continue,
                },
            };
            match sent {
                Ok(_) => {
                    let mut s = self.shared.lock().unwrap_or_else(|e| e.into_inner());
                    let counts = if d.to_client.is_some() { &mut s.stats.down } else { &mut s.stats.up };
                    counts.delivered += 1;
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    self.queue.push(Reverse(d));
                    break;
                }
                // The peer is gone (ICMP port unreachable on loopback): nothing to deliver to.
                Err(_) => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn echo_server() -> (SocketAddr, Arc<AtomicBool>) {
        let (sock, _) = bind_udp(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        sock.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
        let addr = sock.local_addr().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            while !flag.load(Ordering::Relaxed) {
                if let Ok((n, from)) = sock.recv_from(&mut buf) {
                    let _ = sock.send_to(&buf[..n], from);
                }
            }
        });
        (addr, stop)
    }

    /// Sends `n` numbered datagrams through the relay and returns the numbers echoed back
    /// within `wait`, in arrival order.
    fn round_trip(relay: &Relay, n: u16, wait: Duration) -> Vec<u16> {
        let (client, _) = bind_udp(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        client.set_read_timeout(Some(Duration::from_millis(10))).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 8];
        let start = Instant::now();
        for i in 0..n {
            client.send_to(&i.to_le_bytes(), relay.addr()).unwrap();
        }
        while start.elapsed() < wait && got.len() < usize::from(n) {
            if let Ok((2, _)) = client.recv_from(&mut buf) {
                got.push(u16::from_le_bytes([buf[0], buf[1]]));
            }
        }
        got
    }

    #[test]
    fn a_clean_relay_passes_everything_in_order() {
        let (server, stop) = echo_server();
        let relay = Relay::start(server, Link::CLEAN, 1).unwrap();
        let got = round_trip(&relay, 200, Duration::from_secs(5));
        assert_eq!(got, (0..200).collect::<Vec<_>>());
        let s = relay.stats();
        assert_eq!((s.up.delivered, s.down.delivered, s.clients), (200, 200, 1));
        stop.store(true, Ordering::Relaxed);
    }

    #[test]
    fn a_lossy_relay_drops_about_its_share_delays_and_reorders() {
        let (server, stop) = echo_server();
        let link = Link::lossy(0.2, Duration::from_millis(20));
        let relay = Relay::start(server, link, 7).unwrap();
        let start = Instant::now();
        let got = round_trip(&relay, 1000, Duration::from_secs(3));
        let s = relay.stats();
        // Both ways 20 %: about 64 % come back.
        assert!((550..=730).contains(&got.len()), "{} of 1000 came back; {s:?}", got.len());
        assert!(s.up.lost > 120 && s.down.lost > 90, "{s:?}");
        assert!(got.windows(2).any(|w| w[0] > w[1]), "nothing was reordered");
        assert!(start.elapsed() >= Duration::from_millis(40), "no delay");
        stop.store(true, Ordering::Relaxed);
    }

    #[test]
    fn an_outage_drops_everything_until_lifted() {
        let (server, stop) = echo_server();
        let relay = Relay::start(server, Link::CLEAN, 3).unwrap();
        relay.outage(None);
        assert!(round_trip(&relay, 50, Duration::from_millis(300)).is_empty());
        assert_eq!(relay.stats().up.cut, 50);
        relay.lift();
        assert_eq!(round_trip(&relay, 50, Duration::from_secs(5)).len(), 50);
        relay.outage(Some(Duration::from_millis(100)));
        assert!(round_trip(&relay, 10, Duration::from_millis(50)).is_empty());
        std::thread::sleep(Duration::from_millis(100)); // the outage's own length
        assert_eq!(round_trip(&relay, 10, Duration::from_secs(5)).len(), 10);
        stop.store(true, Ordering::Relaxed);
    }
}
