//! Health and metrics of a served drill over plain HTTP on TCP (`serve --metrics ADDR`):
//! `/healthz` answers 200 with a small JSON status, `/metrics` the Prometheus text format. The
//! serve loop measures its own ticks and publishes a [`Snapshot`] every tick; one thread
//! answers requests one at a time, each bounded in size and time.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Ticks kept for the quantiles: one minute at 10 Hz.
pub const WINDOW: usize = 600;
/// Upper bounds of the tick-duration histogram, seconds.
pub const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.045, 0.1, 0.25, 0.5, 1.0];
/// A request's head is at most this long; longer ones are answered 431 and closed.
const MAX_REQUEST: usize = 4096;
const IO_TIMEOUT: Duration = Duration::from_secs(2);

/// What the serve loop measured, as of its last tick.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub running: bool,
    pub over: bool,
    pub drill_s: u32,
    pub clients: usize,
    /// Seats held: (kind, count), kind `role`, `observer`, `projector`, `bot`.
    pub seats: Vec<(&'static str, usize)>,
    pub bytes_sent: u64,
    pub views_sent: u64,
    pub deltas_sent: u64,
    pub view_bytes: u64,
    pub view_bytes_whole: u64,
    pub refused: u64,
    pub rate_limited: u64,
    pub undecodable: u64,
    pub ticks: Ticks,
    /// Busy seconds of the serve loop so far, by phase ([`PHASES`]): where a slow tick went.
    pub phases: [f64; PHASES.len()],
}

/// The serve loop's phases, in loop order: read the network (renet, netcode, the host's
/// handling of messages), serve in-process bots, step the world (and make its views, on the
/// stepping thread), send the views due, queue messages,
/// send packets.
pub const PHASES: [&str; 7] = ["receive", "journal", "bots", "step", "views", "route", "send"];

/// Tick durations: the busy time of the serve loop over each 100 ms tick (receive, bots, the
/// world step, views, send), and the world step's share of it.
#[derive(Clone, Debug, Default)]
pub struct Ticks {
    pub recent: VecDeque<f64>,
    pub recent_step: VecDeque<f64>,
    pub buckets: [u64; BUCKETS.len()],
    pub count: u64,
    pub sum: f64,
}

impl Ticks {
    /// Records one tick: its busy time and the world step's part, seconds.
    pub fn record(&mut self, busy: f64, step: f64) {
        for (b, le) in self.buckets.iter_mut().zip(BUCKETS) {
            if busy <= le {
                *b += 1;
            }
        }
        self.count += 1;
        self.sum += busy;
        for (q, v) in [(&mut self.recent, busy), (&mut self.recent_step, step)] {
            if q.len() == WINDOW {
                q.pop_front();
            }
            q.push_back(v);
        }
    }

    /// The `p` quantile (0–1) of the recent ticks' busy time, seconds.
    pub fn quantile(&self, p: f64) -> f64 {
        quantile(&self.recent, p)
    }
    pub fn step_quantile(&self, p: f64) -> f64 {
        quantile(&self.recent_step, p)
    }
}

fn quantile(q: &VecDeque<f64>, p: f64) -> f64 {
    if q.is_empty() {
        return 0.0;
    }
    let mut v: Vec<f64> = q.iter().copied().collect();
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * p.clamp(0.0, 1.0)).round() as usize]
}

/// Shared between the serve loop (writer) and the HTTP thread (reader).
pub type Shared = Arc<Mutex<Snapshot>>;

/// The `/healthz` body.
pub fn health_json(s: &Snapshot) -> String {
    format!(
        "{{\"status\":\"ok\",\"running\":{},\"over\":{},\"drill_s\":{},\"clients\":{},\"tick_p99_ms\":{:.1}}}\n",
        s.running,
        s.over,
        s.drill_s,
        s.clients,
        s.ticks.quantile(0.99) * 1000.0
    )
}

/// The `/metrics` body (Prometheus text format 0.0.4).
pub fn prometheus(s: &Snapshot) -> String {
    let mut o = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, lines: &[(String, String)]| {
        let _ = writeln!(o, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for (labels, v) in lines {
            let _ = writeln!(o, "{name}{labels} {v}");
        }
    };
    let one = |v: String| vec![(String::new(), v)];
    metric("sandtable_clients_connected", "gauge", "Network clients connected.", &one(s.clients.to_string()));
    let seats: Vec<(String, String)> =
        s.seats.iter().map(|(k, n)| (format!("{{kind=\"{k}\"}}"), n.to_string())).collect();
    metric("sandtable_seats", "gauge", "Seats held, by kind.", &seats);
    metric("sandtable_drill_seconds", "gauge", "Drill time, simulated seconds.", &one(s.drill_s.to_string()));
    metric("sandtable_drill_running", "gauge", "1 while the drill clock runs.", &one(u8::from(s.running).to_string()));
    let counters: [(&str, &str, u64); 8] = [
        ("sandtable_bytes_sent_total", "Message bytes queued to network clients.", s.bytes_sent),
        ("sandtable_views_sent_total", "Views, watched views and public situations sent.", s.views_sent),
        ("sandtable_view_deltas_sent_total", "Views sent as deltas.", s.deltas_sent),
        ("sandtable_view_bytes_total", "Bytes sent on the views channel.", s.view_bytes),
        ("sandtable_view_bytes_whole_total", "Bytes the same views would have taken whole.", s.view_bytes_whole),
        ("sandtable_refused_total", "Messages refused (every reason).", s.refused),
        ("sandtable_rate_limited_total", "Orders refused for coming too fast.", s.rate_limited),
        ("sandtable_undecodable_total", "Messages that did not decode.", s.undecodable),
    ];
    for (name, help, v) in counters {
        metric(name, "counter", help, &one(v.to_string()));
    }
    let phases: Vec<(String, String)> =
        PHASES.iter().zip(s.phases).map(|(p, v)| (format!("{{phase=\"{p}\"}}"), format!("{v:.6}"))).collect();
    metric("sandtable_loop_seconds_total", "counter", "Busy seconds of the serve loop, by phase.", &phases);
    let mut hist: Vec<(String, String)> =
        BUCKETS.iter().zip(s.ticks.buckets).map(|(le, n)| (format!("_bucket{{le=\"{le}\"}}"), n.to_string())).collect();
    hist.push(("_bucket{le=\"+Inf\"}".into(), s.ticks.count.to_string()));
    hist.push(("_sum".into(), format!("{:.6}", s.ticks.sum)));
    hist.push(("_count".into(), s.ticks.count.to_string()));
    let _ = writeln!(o, "# HELP sandtable_tick_seconds Busy time of the serve loop per 100 ms tick.");
    let _ = writeln!(o, "# TYPE sandtable_tick_seconds histogram");
    for (suffix, v) in hist {
        let _ = writeln!(o, "sandtable_tick_seconds{suffix} {v}");
    }
    let q = |f: &dyn Fn(f64) -> f64| -> Vec<(String, String)> {
        [0.5, 0.9, 0.99].iter().map(|p| (format!("{{quantile=\"{p}\"}}"), format!("{:.6}", f(*p)))).collect()
    };
    let _ = writeln!(o, "# HELP sandtable_tick_recent_seconds Busy time per tick over the last minute.");
    let _ = writeln!(o, "# TYPE sandtable_tick_recent_seconds summary");
    for (l, v) in q(&|p| s.ticks.quantile(p)) {
        let _ = writeln!(o, "sandtable_tick_recent_seconds{l} {v}");
    }
    let _ = writeln!(o, "# HELP sandtable_step_recent_seconds The world step's part of a tick over the last minute.");
    let _ = writeln!(o, "# TYPE sandtable_step_recent_seconds summary");
    for (l, v) in q(&|p| s.ticks.step_quantile(p)) {
        let _ = writeln!(o, "sandtable_step_recent_seconds{l} {v}");
    }
    o
}

/// Binds `addr` and answers on a background thread for as long as the process lives.
pub fn serve(addr: SocketAddr, shared: Shared) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot bind the metrics address {addr}: {e}")))?;
    let bound = listener.local_addr()?;
    std::thread::Builder::new().name("sandtable-metrics".into()).spawn(move || {
        for stream in listener.incoming() {
            match stream {
                Ok(s) => {
                    if let Err(e) = answer(s, &shared) {
                        tracing::debug!("metrics request: {e}");
                    }
                }
                Err(e) => tracing::debug!("metrics accept: {e}"),
            }
        }
    })?;
    Ok(bound)
}

/// Reads one request head (bounded) and answers it.
fn answer(mut stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(IO_TIMEOUT))?;
    stream.set_write_timeout(Some(IO_TIMEOUT))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && !head.windows(2).any(|w| w == b"\n\n") {
        if head.len() > MAX_REQUEST {
            return respond(&mut stream, "431 Request Header Fields Too Large", "text/plain", "too large\n");
        }
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let line = String::from_utf8_lossy(line);
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return respond(&mut stream, "405 Method Not Allowed", "text/plain", "GET only\n");
    }
    let snapshot = shared.lock().map(|s| s.clone()).unwrap_or_else(|p| p.into_inner().clone());
    match path.split('?').next().unwrap_or("") {
        "/healthz" => respond(&mut stream, "200 OK", "application/json", &health_json(&snapshot)),
        "/metrics" => respond(&mut stream, "200 OK", "text/plain; version=0.0.4", &prometheus(&snapshot)),
        _ => respond(&mut stream, "404 Not Found", "text/plain", "/healthz or /metrics\n"),
    }
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &str) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body.as_bytes())?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(addr: SocketAddr, request: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(request).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn quantiles_and_histogram_follow_the_ticks() {
        let mut t = Ticks::default();
        for i in 1..=100 {
            t.record(i as f64 / 1000.0, 0.0);
        }
        assert_eq!(t.quantile(0.5), 0.051);
        assert_eq!(t.quantile(0.99), 0.099);
        assert_eq!(t.buckets[0], 1);
        assert_eq!(t.buckets[5], 45);
        let phases = [0.5, 0.125, 0.0, 0.25, 0.0, 0.0, 2.0];
        let text = prometheus(&Snapshot { ticks: t, phases, ..Default::default() });
        assert!(text.contains("sandtable_tick_seconds_bucket{le=\"0.045\"} 45\n"), "{text}");
        assert!(text.contains("sandtable_loop_seconds_total{phase=\"receive\"} 0.500000\n"), "{text}");
        assert!(text.contains("sandtable_loop_seconds_total{phase=\"journal\"} 0.125000\n"), "{text}");
        assert!(text.contains("sandtable_loop_seconds_total{phase=\"send\"} 2.000000\n"), "{text}");
        assert!(text.contains("sandtable_tick_seconds_count 100\n"));
    }

    #[test]
    fn bad_requests_get_an_answer_not_a_panic() {
        let shared: Shared = Arc::default();
        let addr = serve("127.0.0.1:0".parse().unwrap(), shared).unwrap();
        assert!(get(addr, b"GET /nothing HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        assert!(get(addr, b"POST /metrics HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        assert!(get(addr, &[b'x'; 5000]).starts_with("HTTP/1.1 431"));
        assert!(get(addr, b"\xff\xfe\r\n\r\n").starts_with("HTTP/1.1 405"));
        assert!(get(addr, b"GET /healthz HTTP/1.0\r\n\r\n").contains("\"status\":\"ok\""));
    }
}
