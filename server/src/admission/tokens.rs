//! The token step: a TCP listener on the UDP socket's port number, on a thread of its own,
//! answering one `TokenRequest` per connection with a netcode connect token for the seat (or a
//! refusal in words). The [`Issuer`] decides: protocol version first, then the seat's code, and
//! no more than [`WRONG_CODES`] wrong codes per address per [`WRONG_CODE_WINDOW`]. Refusals are
//! logged once per address and reason, then summarised.
//!
//! Plain TCP: the code crosses the network in clear (see docs/security.md).

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use protocol::admission::{FrameError, TokenReply, TokenRequest, read_frame, request_version, write_frame};
use protocol::{NETCODE_PROTOCOL_ID, PROTOCOL_VERSION, Seat};
use renet_netcode::ConnectToken;
use sim::Role;
use sim::access::Refusal;

use super::{DrillCodes, Grant};
use crate::logs::{Say, Throttle};

/// A token is good for this long after it is made (the client uses it at once; a fresh one is
/// fetched for every reconnection).
pub const TOKEN_EXPIRE_S: u64 = 120;
/// netcode's connection timeout, as in unsecure mode.
pub const TIMEOUT_S: i32 = 15;
/// Wrong codes one address may send per window before it must wait.
pub const WRONG_CODES: u32 = 10;
pub const WRONG_CODE_WINDOW: Duration = Duration::from_secs(60);
/// How long one connection may take to send its request and read the answer.
pub const IO_TIMEOUT: Duration = Duration::from_secs(3);
/// Addresses remembered at most for wrong codes (older windows are forgotten first).
const MAX_ADDRESSES: usize = 10_000;

/// Wrong codes per address in its current window.
#[derive(Default)]
struct Guesses {
    by_ip: HashMap<IpAddr, (Instant, u32)>,
}

impl Guesses {
    /// Seconds to wait when `ip` has used up its wrong codes.
    fn blocked(&self, ip: IpAddr, now: Instant) -> Option<u64> {
        let (since, n) = self.by_ip.get(&ip)?;
        let age = now.saturating_duration_since(*since);
        (*n >= WRONG_CODES && age < WRONG_CODE_WINDOW).then(|| (WRONG_CODE_WINDOW - age).as_secs().max(1))
    }

    fn wrong(&mut self, ip: IpAddr, now: Instant) {
        if self.by_ip.len() >= MAX_ADDRESSES {
            self.by_ip.retain(|_, (since, _)| now.saturating_duration_since(*since) < WRONG_CODE_WINDOW);
        }
        let e = self.by_ip.entry(ip).or_insert((now, 0));
        if now.saturating_duration_since(e.0) >= WRONG_CODE_WINDOW {
            *e = (now, 0);
        }
        e.1 += 1;
    }
}

/// Decides token requests: the codes, the drill's roles (to resolve `command`), the addresses
/// written into tokens (the server's own: netcode checks them against its public addresses).
pub struct Issuer {
    codes: Arc<DrillCodes>,
    roles: Vec<Role>,
    server_addresses: Vec<SocketAddr>,
    next_id: AtomicU64,
    guesses: Mutex<Guesses>,
    log: Mutex<Throttle<(IpAddr, &'static str)>>,
    issued: AtomicU64,
    refused: AtomicU64,
}

impl Issuer {
    pub fn new(codes: Arc<DrillCodes>, roles: Vec<Role>, server_addresses: Vec<SocketAddr>) -> Issuer {
        // Client ids are unique per server: a random start (tokens of an earlier run of the same
        // drill never collide with new ones), then one by one.
        let start = u64::from_le_bytes(renet_netcode::generate_random_bytes::<8>()) >> 1;
        Issuer {
            codes,
            roles,
            server_addresses,
            next_id: AtomicU64::new(start),
            guesses: Mutex::new(Guesses::default()),
            log: Mutex::new(Throttle::new(crate::logs::SUMMARY_EVERY)),
            issued: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// Tokens issued and requests refused so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.issued.load(Ordering::Relaxed), self.refused.load(Ordering::Relaxed))
    }

    /// The answer to one request's bytes from `ip`.
    pub fn answer(&self, ip: IpAddr, body: &[u8], now: Instant) -> TokenReply {
        match self.decide(ip, body, now) {
            Ok(token) => {
                self.issued.fetch_add(1, Ordering::Relaxed);
                TokenReply::Token { token }
            }
            Err(refusal) => self.refuse(ip, refusal, now),
        }
    }

    /// Refuses, logging the first refusal per address and reason, then a count every so often.
    pub fn refuse(&self, ip: IpAddr, refusal: Refusal, now: Instant) -> TokenReply {
        self.refused.fetch_add(1, Ordering::Relaxed);
        let code = refusal.code();
        let reason = refusal.to_string();
        if let Ok(mut log) = self.log.lock() {
            match log.hit((ip, code), now) {
                Say::First => tracing::warn!("token step: refused {ip}: [{code}] {reason}"),
                Say::Summary(n) => tracing::warn!(
                    "token step: refused {ip} {n} times [{code}] in the last {} s",
                    crate::logs::SUMMARY_EVERY.as_secs()
                ),
                Say::Quiet => {}
            }
            for ((ip, code), n) in log.due(now) {
                tracing::warn!("token step: refused {ip} {n} more times [{code}]");
            }
        }
        TokenReply::Refused { reason }
    }

    fn decide(&self, ip: IpAddr, body: &[u8], now: Instant) -> Result<Vec<u8>, Refusal> {
        let bad = |error: String| Refusal::BadTokenRequest { error };
        let version = request_version(body).ok_or_else(|| bad("no protocol version".into()))?;
        if version != PROTOCOL_VERSION {
            return Err(crate::host::versions_differ(version));
        }
        let req: TokenRequest = protocol::decode(body).map_err(|e| bad(e.to_string()))?;
        let mut guesses = self.guesses.lock().map_err(|_| bad("busy".into()))?;
        if let Some(wait_s) = guesses.blocked(ip, now) {
            return Err(Refusal::TooManyCodeAttempts { wait_s });
        }
        let seat = match &req.seat {
            Seat::Role(r) => Seat::Role(crate::host::resolve_role(&self.roles, r).unwrap_or_else(|| r.clone())),
            public => public.clone(),
        };
        if let Err(r) = self.codes.check(&seat, req.code.as_deref()) {
            if matches!(r, Refusal::CodeWrong { .. }) {
                guesses.wrong(ip, now);
            }
            return Err(r);
        }
        drop(guesses);
        let grant = Grant { seat: req.seat.clone(), player: req.player.clone() };
        let user_data = grant.to_user_data().ok_or_else(|| bad("seat name too long".into()))?;
        let client_id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let token = ConnectToken::generate(
            crate::net::netcode_now(),
            NETCODE_PROTOCOL_ID,
            TOKEN_EXPIRE_S,
            client_id,
            TIMEOUT_S,
            self.server_addresses.clone(),
            Some(&user_data),
            self.codes.key(),
        )
        .map_err(|e| bad(format!("token: {e}")))?;
        let mut bytes = Vec::with_capacity(2048);
        token.write(&mut bytes).map_err(|e| bad(format!("token: {e}")))?;
        Ok(bytes)
    }

    /// One connection: read the request (bounded, with a timeout), write the answer.
    fn serve(&self, mut stream: TcpStream) {
        let ip = stream.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_nodelay(true);
        if let Some(reply) = self.answer_stream(ip, &mut stream, Instant::now()) {
            let _ = write_frame(&mut stream, &reply);
        }
    }

    /// The answer to what a connection from `ip` sends: its request frame read (bounded) and
    /// decided. `None` when no whole frame came (a port scan, a client that gave up): nothing
    /// to answer. The `token_request` fuzz target feeds this any bytes.
    pub fn answer_stream(&self, ip: IpAddr, stream: &mut impl std::io::Read, now: Instant) -> Option<TokenReply> {
        match read_frame(stream) {
            Ok(body) => Some(self.answer(ip, &body, now)),
            Err(FrameError::Io(e)) => {
                let _ = self.refuse(ip, Refusal::BadTokenRequest { error: e.kind().to_string() }, now);
                None
            }
            Err(e) => Some(self.refuse(ip, Refusal::BadTokenRequest { error: e.to_string() }, now)),
        }
    }
}

/// An issuer with known codes (join `JOIN22`, controller `BOSS22`, `command:T1` `POST22`) over
/// three roles: the tests' and the `token_request` fuzz target's.
#[doc(hidden)]
pub fn sample_issuer() -> Issuer {
    let code = |c: &str| super::Code::parse(c).ok();
    let seat = super::codes::parse_seat_code("command:T1=POST22").ok();
    let codes = DrillCodes::new(code("JOIN22"), code("BOSS22"), seat.into_iter().collect())
        .unwrap_or_else(|_| DrillCodes::random());
    let roles: Vec<Role> = ["controller", "command:T1", "informant:A"].iter().filter_map(|r| r.parse().ok()).collect();
    Issuer::new(Arc::new(codes), roles, vec![SocketAddr::from(([127, 0, 0, 1], 5000))])
}

/// Framed token requests, as a client sends them, for [`sample_issuer`]: the seeds of the
/// `token_request` fuzz target (`fuzz/corpus/token_request/`), named.
#[doc(hidden)]
pub fn sample_requests() -> Vec<(&'static str, Vec<u8>)> {
    let frame = |seat: &str, player: &str, code: Option<&str>| {
        let req = TokenRequest {
            protocol: PROTOCOL_VERSION,
            seat: seat.parse().unwrap_or(Seat::Observer),
            player: player.into(),
            code: code.map(String::from),
        };
        let mut bytes = Vec::new();
        let _ = write_frame(&mut bytes, &req);
        bytes
    };
    let mut other_version = frame("observer", "x", Some("JOIN22"));
    other_version[4] = 0x7f;
    vec![
        ("informant_join_code", frame("informant:A", "张三", Some("join-22"))),
        ("command_seat_code", frame("command", "指挥长", Some("post22"))),
        ("controller_code", frame("controller", "导调", Some("BOSS22"))),
        ("observer", frame("observer", "观摩", Some("JOIN22"))),
        ("projector", frame("projector", "大屏", Some("JOIN22"))),
        ("wrong_code", frame("controller", "x", Some("GUESS1"))),
        ("no_code", frame("informant:A", "x", None)),
        ("other_version", other_version),
    ]
}

/// The listener thread; stopped and joined on drop.
pub struct TokenService {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TokenService {
    /// Serves `listener` on a thread of its own. One connection at a time: a request is a few
    /// hundred bytes and a token is made in microseconds, so hundreds a second go through; a
    /// connection that sends nothing holds the line for [`IO_TIMEOUT`] at most.
    pub fn start(listener: TcpListener, issuer: Arc<Issuer>) -> io::Result<TokenService> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new().name("sandtable-tokens".into()).spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                match stream {
                    Ok(s) => issuer.serve(s),
                    Err(e) => tracing::debug!("token step: accept: {e}"),
                }
            }
        })?;
        Ok(TokenService { addr, stop, thread: Some(thread) })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for TokenService {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        // Wake the blocking accept with a connection of our own.
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(if wake.is_ipv4() {
                IpAddr::from([127, 0, 0, 1])
            } else {
                IpAddr::from([0u16, 0, 0, 0, 0, 0, 0, 1])
            });
        }
        let _ = TcpStream::connect_timeout(&wake, Duration::from_secs(1));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issuer() -> Issuer {
        sample_issuer()
    }

    fn ask(i: &Issuer, ip: [u8; 4], seat: &str, code: Option<&str>, now: Instant) -> TokenReply {
        let req = TokenRequest {
            protocol: PROTOCOL_VERSION,
            seat: seat.parse().unwrap(),
            player: "p".into(),
            code: code.map(String::from),
        };
        i.answer(IpAddr::from(ip), &protocol::encode(&req), now)
    }

    fn reason(r: TokenReply) -> String {
        match r {
            TokenReply::Refused { reason } => reason,
            TokenReply::Token { .. } => panic!("a token where a refusal was due"),
        }
    }

    #[test]
    fn a_token_carries_the_seat_it_was_asked_for_and_ids_differ() {
        let i = issuer();
        let now = Instant::now();
        let mut ids = Vec::new();
        for (seat, code) in [("informant:A", "join-22"), ("command", "post22"), ("controller", "BOSS22")] {
            let TokenReply::Token { token } = ask(&i, [10, 0, 0, 1], seat, Some(code), now) else {
                panic!("{seat} refused")
            };
            let t = ConnectToken::read(&mut token.as_slice()).unwrap();
            assert_eq!(t.protocol_id, NETCODE_PROTOCOL_ID);
            assert_eq!(t.server_addresses[0], Some("127.0.0.1:5000".parse().unwrap()));
            ids.push(t.client_id);
        }
        ids.dedup();
        assert_eq!(ids.len(), 3);
        assert_eq!(i.counts(), (3, 0));
    }

    #[test]
    fn wrong_codes_other_versions_and_garbage_are_refused_in_words() {
        let i = issuer();
        let now = Instant::now();
        assert!(reason(ask(&i, [10, 0, 0, 1], "controller", Some("JOIN22"), now)).contains("wrong code"));
        assert!(reason(ask(&i, [10, 0, 0, 1], "command", Some("JOIN22"), now)).contains("wrong code for command"));
        assert!(reason(ask(&i, [10, 0, 0, 1], "informant:A", None, now)).contains("needs a drill code"));
        let future = [0xac, 0x02, 0xff, 0xff];
        let r = reason(i.answer(IpAddr::from([10, 0, 0, 1]), &future, now));
        assert!(r.contains("client protocol 300"), "{r}");
        let r = reason(i.answer(IpAddr::from([10, 0, 0, 1]), &[PROTOCOL_VERSION as u8, 0xff, 0xff], now));
        assert!(r.contains("bad token request"), "{r}");
        assert!(reason(i.answer(IpAddr::from([10, 0, 0, 1]), &[], now)).contains("no protocol version"));
    }

    #[test]
    fn an_address_that_guesses_must_wait_and_others_are_not_held_up() {
        let i = issuer();
        let t0 = Instant::now();
        for _ in 0..WRONG_CODES {
            assert!(reason(ask(&i, [10, 0, 0, 9], "controller", Some("GUESS1"), t0)).contains("wrong code"));
        }
        let r = reason(ask(&i, [10, 0, 0, 9], "controller", Some("BOSS22"), t0));
        assert!(r.contains("too many wrong codes") && r.contains("60 s"), "even the right code waits: {r}");
        assert!(matches!(ask(&i, [10, 0, 0, 10], "controller", Some("BOSS22"), t0), TokenReply::Token { .. }));
        let later = t0 + WRONG_CODE_WINDOW;
        assert!(matches!(ask(&i, [10, 0, 0, 9], "controller", Some("BOSS22"), later), TokenReply::Token { .. }));
    }

    #[test]
    fn the_listener_answers_over_tcp_and_refuses_an_oversized_frame_unread() {
        use std::io::{Read, Write};
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let service = TokenService::start(listener, Arc::new(issuer())).unwrap();
        let addr = service.local_addr();
        let mut s = TcpStream::connect(addr).unwrap();
        let req = TokenRequest {
            protocol: PROTOCOL_VERSION,
            seat: Seat::Observer,
            player: "x".into(),
            code: Some("JOIN22".into()),
        };
        write_frame(&mut s, &req).unwrap();
        let reply: TokenReply = protocol::decode(&read_frame(&mut s).unwrap()).unwrap();
        assert!(matches!(reply, TokenReply::Token { .. }));
        let mut big = TcpStream::connect(addr).unwrap();
        big.write_all(&(1u32 << 30).to_le_bytes()).unwrap();
        let reply: TokenReply = protocol::decode(&read_frame(&mut big).unwrap()).unwrap();
        assert!(matches!(&reply, TokenReply::Refused { reason } if reason.contains("at most 4096")), "{reply:?}");
        let mut rest = Vec::new();
        let _ = big.read_to_end(&mut rest);
        drop(service);
        assert!(TcpStream::connect_timeout(&addr, Duration::from_millis(500)).is_err(), "the listener is closed");
    }
}

#[cfg(test)]
mod fuzz_seeds {
    use std::path::PathBuf;

    use super::*;

    /// The seeds of the `token_request` fuzz target are [`sample_requests`], one file each, and
    /// each gets the answer it names; `UPDATE_EXPECT=1` rewrites them.
    #[test]
    fn the_token_request_fuzz_seeds_are_current_and_answered_as_named() {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/token_request");
        let update = std::env::var_os("UPDATE_EXPECT").is_some();
        if update {
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("create fuzz/corpus/token_request");
        }
        let i = sample_issuer();
        let mut stale = Vec::new();
        for (name, bytes) in sample_requests() {
            let path = dir.join(format!("{name}.bin"));
            if update {
                std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
            } else if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
                stale.push(name);
            }
            let reply = i.answer_stream(IpAddr::from([10, 0, 0, 1]), &mut bytes.as_slice(), Instant::now());
            let granted = matches!(reply, Some(TokenReply::Token { .. }));
            let refused = ["wrong_code", "no_code", "other_version"].contains(&name);
            assert_eq!(granted, !refused, "{name}: {reply:?}");
        }
        assert!(
            stale.is_empty(),
            "fuzz seeds missing or stale: {stale:?}; regenerate with `UPDATE_EXPECT=1 cargo test -p server --lib fuzz_seeds`"
        );
    }
}
