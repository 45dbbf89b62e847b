//! The Agones SDK sidecar, over its REST API on localhost (`serve --agones`, or the
//! `AGONES_SDK_HTTP_PORT` Agones puts in the container's environment): `POST /ready` once the
//! drill listens, `POST /health` every [`HEALTH_EVERY`] while the serve loop is ticking, and
//! `POST /shutdown` when the drill ends. A tiny blocking HTTP/1.1 client on `std::net`: three
//! bodiless POSTs to localhost do not need an HTTP crate (ARCHITECTURE.md). Failures are logged,
//! once and then summarised, and never stop the drill.

use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::logs::{Say, Throttle};
use crate::metrics;

/// The environment variable Agones sets in a game server's container.
pub const PORT_ENV: &str = "AGONES_SDK_HTTP_PORT";
/// The sidecar's REST port when the environment names none (Agones' default).
pub const DEFAULT_PORT: u16 = 9358;
/// A health ping this often: well inside the fleet's `health.periodSeconds` (5 s).
pub const HEALTH_EVERY: Duration = Duration::from_secs(2);
const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// The sidecar's port: `AGONES_SDK_HTTP_PORT` when set (a value that is no port is an error),
/// else [`DEFAULT_PORT`] when `forced` (`--agones`), else none (not under Agones).
pub fn port_from_env(forced: bool) -> Result<Option<u16>, String> {
    port_from(std::env::var(PORT_ENV).ok(), forced)
}

/// [`port_from_env`] on the variable's value (`None`: unset).
fn port_from(value: Option<String>, forced: bool) -> Result<Option<u16>, String> {
    match value {
        Some(v) => v.trim().parse().map(Some).map_err(|_| format!("{PORT_ENV}={v:?} is not a port number")),
        None => Ok(forced.then_some(DEFAULT_PORT)),
    }
}

/// The SDK sidecar at `127.0.0.1:port`.
pub struct Sdk {
    addr: SocketAddr,
    log: Mutex<Throttle<&'static str>>,
}

impl Sdk {
    pub fn local(port: u16) -> Sdk {
        Sdk {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            log: Mutex::new(Throttle::new(crate::logs::SUMMARY_EVERY)),
        }
    }

    /// `POST /ready`: the game server may be allocated.
    pub fn ready(&self) -> bool {
        self.call("/ready")
    }
    /// `POST /health`: the drill is alive.
    pub fn health(&self) -> bool {
        self.call("/health")
    }
    /// `POST /shutdown`: the drill ended; Agones may remove the game server.
    pub fn shutdown(&self) -> bool {
        self.call("/shutdown")
    }

    /// One POST; a failure (no sidecar, a status other than 2xx) is logged, rate-limited.
    fn call(&self, path: &'static str) -> bool {
        match post(self.addr, path) {
            Ok(status) if (200..300).contains(&status) => true,
            Ok(status) => {
                self.failed(path, format!("HTTP {status}"));
                false
            }
            Err(e) => {
                self.failed(path, e.to_string());
                false
            }
        }
    }

    fn failed(&self, path: &'static str, why: String) {
        let Ok(mut log) = self.log.lock() else { return };
        match log.hit(path, Instant::now()) {
            Say::First => tracing::warn!("Agones SDK {}{path}: {why} (the drill goes on)", self.addr),
            Say::Summary(n) => tracing::warn!("Agones SDK {}{path}: failed {n} times, last: {why}", self.addr),
            Say::Quiet => {}
        }
    }
}

/// A bodiless JSON POST (`{}`, as the SDK's REST API takes), the status code of the answer.
fn post(addr: SocketAddr, path: &str) -> io::Result<u16> {
    let mut s = TcpStream::connect_timeout(&addr, IO_TIMEOUT)?;
    s.set_read_timeout(Some(IO_TIMEOUT))?;
    s.set_write_timeout(Some(IO_TIMEOUT))?;
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    s.write_all(req.as_bytes())?;
    // The status line is all we need: `HTTP/1.1 200 OK`.
    let mut head = [0u8; 64];
    let mut n = 0;
    while n < head.len() && !head[..n].contains(&b'\n') {
        match s.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    let line = String::from_utf8_lossy(&head[..n]);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("no HTTP status in {line:?}")))
}

/// Whether the serve loop ticked since the last look: its published tick count moved on. A
/// loop that is stuck (or panicked, poisoning the lock) stops the pings, so Agones sees it.
pub struct LoopWatch {
    metrics: metrics::Shared,
    seen: u64,
}

impl LoopWatch {
    pub fn new(metrics: metrics::Shared) -> LoopWatch {
        LoopWatch { metrics, seen: 0 }
    }

    pub fn ticked(&mut self) -> bool {
        let Ok(m) = self.metrics.lock() else { return false };
        let now = m.ticks.count;
        let moved = now > self.seen;
        self.seen = now;
        moved
    }
}

/// The health pings: a thread that pings every [`HEALTH_EVERY`] only when the loop ticked since
/// the last ping. Stopped and joined on drop.
pub struct Heartbeat {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Heartbeat {
    pub fn start(sdk: Arc<Sdk>, metrics: metrics::Shared) -> io::Result<Heartbeat> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new().name("sandtable-agones".into()).spawn(move || {
            let mut watch = LoopWatch::new(metrics);
            let mut last = Instant::now();
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(50));
                if last.elapsed() < HEALTH_EVERY {
                    continue;
                }
                last = Instant::now();
                if watch.ticked() {
                    sdk.health();
                } else {
                    tracing::warn!("the serve loop has not ticked for {HEALTH_EVERY:?}: no Agones health ping");
                }
            }
        })?;
        Ok(Heartbeat { stop, thread: Some(thread) })
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn the_port_comes_from_the_environment_and_a_bad_one_is_refused_with_its_value() {
        assert_eq!(port_from(Some(" 9400 ".into()), false), Ok(Some(9400)));
        assert_eq!(port_from(None, true), Ok(Some(DEFAULT_PORT)));
        assert_eq!(port_from(None, false), Ok(None));
        for bad in ["", "http://localhost:9358", "70000", "-1"] {
            let e = port_from(Some(bad.into()), true).expect_err(bad);
            assert!(e.contains(PORT_ENV) && e.contains(&format!("{bad:?}")), "{e}");
        }
    }

    #[test]
    fn health_follows_the_loop_and_a_stuck_loop_stops_it() {
        let shared = metrics::Shared::default();
        let mut watch = LoopWatch::new(shared.clone());
        assert!(!watch.ticked(), "no tick yet");
        shared.lock().unwrap().ticks.record(0.001, 0.0);
        assert!(watch.ticked());
        assert!(!watch.ticked(), "stuck: the same count twice");
        shared.lock().unwrap().ticks.record(0.001, 0.0);
        assert!(watch.ticked());
        let poisoned = shared.clone();
        let _ = std::thread::spawn(move || {
            let _g = poisoned.lock().unwrap();
            panic!("the loop panicked holding the lock");
        })
        .join();
        assert!(!watch.ticked(), "a panicked loop is not healthy");
    }

    #[test]
    fn posts_reach_a_listener_and_failures_are_not_fatal() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 512];
            let n = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n").unwrap();
            String::from_utf8_lossy(&buf[..n]).to_string()
        });
        let sdk = Sdk::local(port);
        assert!(!sdk.ready(), "a 500 is a failure");
        let req = server.join().unwrap();
        assert!(req.starts_with("POST /ready HTTP/1.1\r\n") && req.ends_with("\r\n\r\n{}"), "{req}");
        // Nobody listens now: refused, logged, no panic.
        assert!(!sdk.health());
        assert!(!sdk.shutdown());
    }
}
