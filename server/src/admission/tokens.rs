//! The token step: a TCP listener on the UDP socket's port number, on a thread of its own,
//! answering one `TokenRequest` per connection with a netcode connect token for the seat (or a
//! refusal in words). The [`Issuer`] decides: protocol version first, then the seat's code, and
//! no more than [`WRONG_CODES`] wrong codes per address per [`WRONG_CODE_WINDOW`]. Refusals are
//! logged once per address and reason, then summarised.
//!
//! Each connection is TLS or plain, told by its first bytes ([`looks_like_tls`]): a TLS
//! ClientHello gets a rustls session ([`super::tls`]) with the same frames inside; anything else
//! is the plain path, which the code crosses in clear, unless `serve --require-tls` refuses it
//! in words. Either way one connection has [`IO_TIMEOUT`] in all (a [`Deadline`] over every read
//! and write, the handshake's too). See docs/security.md.

use std::collections::HashMap;
use std::io::{self, Read, Write};
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
/// How long one connection may take in all: the TLS handshake, sending its request and reading
/// the answer.
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

    /// One connection: TLS or plain by its first bytes, then read the request (bounded, within
    /// [`IO_TIMEOUT`] in all), write the answer.
    fn serve(&self, stream: TcpStream, tls: &TokenTls) {
        let ip = stream.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let _ = stream.set_nodelay(true);
        let now = Instant::now();
        let mut conn = Deadline::new(stream, now + IO_TIMEOUT);
        let bad = |error: String| Refusal::BadTokenRequest { error };
        match (conn.looks_like_tls(), &tls.config) {
            (Err(e), _) => drop(self.refuse(ip, bad(e.kind().to_string()), now)),
            (Ok(None), _) => drop(self.refuse(ip, bad("closed before a request".into()), now)),
            (Ok(Some(true)), Some(config)) => self.serve_tls(ip, conn, config.clone(), now),
            (Ok(Some(true)), None) => drop(self.refuse(ip, bad("TLS is not offered here".into()), now)),
            (Ok(Some(false)), _) if tls.require => {
                // Read the request first (bounded), so the refusal is not lost to a reset.
                if !matches!(read_frame(&mut conn), Err(FrameError::Io(_))) {
                    let _ = write_frame(&mut conn, &self.refuse(ip, Refusal::TlsRequired, now));
                }
            }
            (Ok(Some(false)), _) => {
                if let Some(reply) = self.answer_stream(ip, &mut conn, now) {
                    let _ = write_frame(&mut conn, &reply);
                }
            }
        }
    }

    /// The same request and answer inside a TLS session (rustls; the handshake runs on the
    /// first read, within the connection's deadline).
    fn serve_tls(&self, ip: IpAddr, conn: Deadline, config: Arc<rustls::ServerConfig>, now: Instant) {
        let session = match rustls::ServerConnection::new(config) {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("token step: no TLS session: {e}");
                return;
            }
        };
        let mut tls = rustls::StreamOwned::new(session, conn);
        if let Some(reply) = self.answer_stream(ip, &mut tls, now)
            && write_frame(&mut tls, &reply).is_ok()
        {
            tls.conn.send_close_notify();
            let _ = tls.flush();
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

/// The first byte of a TLS record holding a handshake message (a ClientHello).
pub const TLS_HANDSHAKE: u8 = 0x16;

/// Whether a connection's first bytes open a TLS ClientHello: `0x16`, then a record version
/// `0x03 0x01..=0x04`. A plain frame starts with its length (little-endian u32, at most
/// [`protocol::admission::MAX_FRAME_BYTES`]), so its third byte is always 0 even when its first
/// is `0x16`. `None` while fewer than three bytes are in and they still could be either.
pub fn looks_like_tls(head: &[u8]) -> Option<bool> {
    match head {
        [] => None,
        [b, ..] if *b != TLS_HANDSHAKE => Some(false),
        [_, v, ..] if *v != 0x03 => Some(false),
        [_, _, minor, ..] => Some(*minor != 0),
        _ => None,
    }
}

/// A connection with one deadline for everything: each read and write may take only what is
/// left of it, and none starts after it.
pub struct Deadline {
    stream: TcpStream,
    until: Instant,
}

impl Deadline {
    pub fn new(stream: TcpStream, until: Instant) -> Deadline {
        Deadline { stream, until }
    }

    fn left(&self) -> io::Result<Duration> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "the token step's time is up"));
        }
        Ok(left)
    }

    /// Peeks at the first bytes ([`looks_like_tls`]); `None` when the peer closed first.
    fn looks_like_tls(&mut self) -> io::Result<Option<bool>> {
        let mut head = [0u8; 3];
        loop {
            self.stream.set_read_timeout(Some(self.left()?))?;
            let n = self.stream.peek(&mut head)?;
            if n == 0 {
                return Ok(None);
            }
            if let Some(tls) = looks_like_tls(&head[..n]) {
                return Ok(Some(tls));
            }
            // One or two bytes of a possible ClientHello: the rest is on its way.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        self.stream.read(buf)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        self.stream.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

/// How the token step speaks TLS.
#[derive(Clone, Default)]
pub struct TokenTls {
    /// The server's certificate and key as rustls holds them; `None`: plain only.
    pub config: Option<Arc<rustls::ServerConfig>>,
    /// `serve --require-tls`: a plain request is refused in words ([`Refusal::TlsRequired`]).
    pub require: bool,
}

/// The listener thread; stopped and joined on drop.
pub struct TokenService {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TokenService {
    /// Serves `listener` on a thread of its own. One connection at a time: a request is a few
    /// hundred bytes and a token is made in microseconds (a TLS handshake in about a
    /// millisecond), so hundreds a second go through; a connection that sends nothing, or
    /// drips bytes, holds the line for [`IO_TIMEOUT`] at most.
    pub fn start(listener: TcpListener, issuer: Arc<Issuer>, tls: TokenTls) -> io::Result<TokenService> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new().name("sandtable-tokens".into()).spawn(move || {
            for stream in listener.incoming() {
                if flag.load(Ordering::Relaxed) {
                    break;
                }
                match stream {
                    Ok(s) => issuer.serve(s, &tls),
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
        let service = TokenService::start(listener, Arc::new(issuer()), TokenTls::default()).unwrap();
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
mod tls_tests {
    use std::io::Read;

    use super::*;
    use crate::admission::tls::{TlsIdentity, TlsPin};
    use crate::net::JoinRequest;
    use crate::net::client::{ClientError, fetch_token};

    /// A token service on loopback with a fresh self-signed identity.
    fn service(require: bool) -> (TokenService, TlsIdentity, std::path::PathBuf) {
        let dir = crate::testkit::temp_dir("tls-tokens");
        let identity = TlsIdentity::in_record(&dir).unwrap();
        let tls = TokenTls { config: Some(identity.server_config().unwrap()), require };
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        (TokenService::start(listener, Arc::new(sample_issuer()), tls).unwrap(), identity, dir)
    }

    fn observer(pin: Option<TlsPin>) -> JoinRequest {
        JoinRequest::new(Seat::Observer, "x").with_code(Some("JOIN22".into())).with_tls_pin(pin)
    }

    #[test]
    fn a_token_comes_over_tls_with_the_right_pin_and_a_wrong_pin_names_both_fingerprints() {
        let (service, identity, dir) = service(false);
        let addr = service.local_addr();
        let token = fetch_token(addr, &observer(Some(identity.pin()))).expect("a token over TLS");
        assert_eq!(token.protocol_id, NETCODE_PROTOCOL_ID);
        // The full fingerprint in openssl's form works as a pin too.
        assert!(fetch_token(addr, &observer(Some(TlsPin::parse(&identity.fingerprint_colons()).unwrap()))).is_ok());
        // A refusal comes through TLS in words.
        let wrong_code = observer(Some(identity.pin())).with_code(Some("GUESS1".into()));
        assert!(matches!(fetch_token(addr, &wrong_code), Err(ClientError::Refused(r)) if r.contains("wrong code")));
        let mut other = identity.fingerprint();
        other[0] ^= 0xff;
        let wrong = TlsPin::of(&other);
        match fetch_token(addr, &observer(Some(wrong.clone()))) {
            Err(e @ ClientError::TlsPin { .. }) => {
                let words = e.to_string();
                assert!(words.contains("TLS pin mismatch"), "{words}");
                assert!(words.contains(&format!("expected {wrong}")), "{words}");
                assert!(words.contains(&identity.pin().to_string()), "names the fingerprint got: {words}");
            }
            other => panic!("a wrong pin must fail naming both: {other:?}"),
        }
        // Plain requests still work unless TLS is required.
        assert!(fetch_token(addr, &observer(None)).is_ok());
        drop(service);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_plain_request_to_a_tls_only_server_is_refused_in_words() {
        let (service, identity, dir) = service(true);
        let addr = service.local_addr();
        match fetch_token(addr, &observer(None)) {
            Err(ClientError::Refused(r)) => assert!(r.contains("over TLS only") && r.contains("--tls-pin"), "{r}"),
            other => panic!("a plain request must be refused in words: {other:?}"),
        }
        assert!(fetch_token(addr, &observer(Some(identity.pin()))).is_ok(), "TLS still gets a token");
        drop(service);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn garbage_and_truncated_tls_neither_panic_nor_hold_the_line_past_the_deadline() {
        use std::io::Write;
        let (service, identity, dir) = service(false);
        let addr = service.local_addr();
        // A record header announcing a ClientHello, then garbage: the session fails, nothing
        // is answered in clear, the connection ends.
        let mut garbage = TcpStream::connect(addr).unwrap();
        let mut bytes = vec![0x16, 0x03, 0x01, 0x00, 0x40];
        bytes.extend((0..64u8).map(|i| i.wrapping_mul(37)));
        garbage.write_all(&bytes).unwrap();
        garbage.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut back = Vec::new();
        let _ = garbage.read_to_end(&mut back);
        assert!(back.is_empty() || back[0] == 0x15, "an alert at most, never a frame: {back:?}");
        // A ClientHello cut short, and a lone 0x16 that might begin one: each holds the
        // listener for the deadline at most.
        for head in [&[0x16u8, 0x03, 0x01, 0x02, 0x00, 0x01][..], &[0x16u8][..]] {
            let start = Instant::now();
            let mut cut = TcpStream::connect(addr).unwrap();
            cut.write_all(head).unwrap();
            cut.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut back = Vec::new();
            let _ = cut.read_to_end(&mut back);
            let held = start.elapsed();
            assert!(held >= IO_TIMEOUT - Duration::from_millis(200), "waited for the rest: {held:?}");
            assert!(held < IO_TIMEOUT + Duration::from_secs(2), "the deadline holds: {held:?}");
        }
        // The service still answers.
        assert!(fetch_token(addr, &observer(Some(identity.pin()))).is_ok());
        drop(service);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn the_first_bytes_tell_tls_from_a_plain_frame() {
        assert_eq!(looks_like_tls(&[0x16, 0x03, 0x01]), Some(true));
        assert_eq!(looks_like_tls(&[0x16, 0x03, 0x03]), Some(true));
        // A plain frame of 790 bytes starts 0x16 0x03 too; its third byte is 0.
        assert_eq!(looks_like_tls(&790u32.to_le_bytes()[..3]), Some(false));
        assert_eq!(looks_like_tls(&22u32.to_le_bytes()[..3]), Some(false));
        assert_eq!(looks_like_tls(&[0x16]), None);
        assert_eq!(looks_like_tls(&[0x16, 0x03]), None);
        assert_eq!(looks_like_tls(&[]), None);
        assert_eq!(looks_like_tls(&[0x40, 0, 0]), Some(false));
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
