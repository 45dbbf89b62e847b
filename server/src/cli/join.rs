//! `sandtable-server join ADDR --role ROLE` (or `--role observer|projector`): a headless seat in a served drill, for support staff
//! and tests. It joins over UDP with the shared [`NetClient`] like any player, writes every
//! message it receives to `--trace` as JSON lines, sends the orders of `--orders` when the drill
//! clock reaches their time, and leaves after `--seconds` or when the drill ends. When the link
//! drops it joins again by itself ([`SeatLink`]) and counts what became of every order.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, Seat, ServerMessage};
use serde::Deserialize;
use sim::Order;

use crate::admission::TlsPin;
use crate::host::rate::RateLimit;
use crate::net::JoinRequest;
use crate::net::client::ClientError;
use crate::net::{LinkEvent, SeatLink};

pub const EXAMPLE: &str = r#"Examples:
  sandtable-server join 127.0.0.1:5000 --code K7M-4QP --role informant:Canillo --trace seat.jsonl --seconds 600
  sandtable-server join 192.168.1.10:5000 --code K7M-4QP --role command --name 值班员 --orders orders.jsonl
  sandtable-server join 192.168.1.10:5000 --code K7M-4QP --role command --name 指挥长    # a second person, same post
  sandtable-server join 192.168.1.10:5000 --code K7M-4QP --role observer --trace hall.jsonl   # 观摩; or --role projector
  sandtable-server join 192.168.1.10:5000 --code D8R-2XW --role controller     # the controller's own code
  sandtable-server join drill.example.org:5000 --tls-pin 3f2a-9c1b-77e0-5d44-a8b2-0c6e-91f3-2b7d --code K7M-4QP --role county

--code CODE: the drill code `serve` printed (口令): the join code, or the seat's own code
(the controller's, or a command post's given with `serve --seat-code`). A wrong or missing code
is refused with the reason and exit status 1.

--tls-pin PIN: the pin of the server's certificate (证书指纹) `serve` printed with the codes.
The token step (code and token) then runs inside TLS and only that server is trusted; another
certificate is refused naming the pin expected and the fingerprint got, exit status 1.

--trace FILE: every message the seat receives, one JSON line each, as serde writes a
ServerMessage ({"Welcome":{...}}, {"View":{...}}, {"Refused":{"reason":...}}...). The byte
blobs of the static data (map.json, terrain.bin) are summarised as {"bytes": LENGTH}.

--orders FILE: one order a line, sent when the drill clock (t_s of the views received)
reaches at_min minutes; the order is written exactly as in a record's journal.jsonl, so a
seat's orders can be copied from another drill's journal. Blank lines and # comments are skipped:
  {"at_min": 12, "order": {"Report": {"village": "Canillo", "hazard": "Flood", "note": "河水漫堤"}}}
  {"at_min": 30, "order": {"Warn": {"village": "Canillo"}}}

When the link drops (network, server restart) the seat says 连接中断，正在重连… and joins
again by itself with backoff; orders whose time comes meanwhile wait and are sent once it is
back. On leaving it prints how many orders the server acknowledged (delivered), how many were
sent as the link died (unknown: check the journal) and how many never left (not sent).

Leaves after --seconds or when the drill ends. Exit status: 0 left normally; 1 refused (the
server's reason on stderr), no connection, connection lost or trace not writable; 2 bad
arguments or a bad --orders file (FILE:LINE: what is wrong)."#;

/// A file of orders is typed by hand or copied from journals: a few MB is already absurd.
pub const MAX_ORDERS_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Orders per second the seat sends at most: half the server's limit, never refused for it.
const ORDERS_PER_S: f64 = 10.0;
/// Static-data byte arrays longer than this are written to the trace as their length.
const BLOB_BYTES: usize = 64;

#[derive(clap::Args, Debug)]
pub struct JoinArgs {
    /// The server's address (host:port), as `serve` printed it.
    #[arg(value_name = "ADDR")]
    pub addr: String,
    /// The seat to take: controller, command, command:<township>, county, informant:<village>,
    /// team:<team> (several people may share a role), or observer (观摩), projector (大屏).
    #[arg(long, value_name = "ROLE")]
    pub role: Seat,
    /// The player's name, shown to the controller and written in the journal.
    #[arg(long, value_name = "NAME", default_value = "seat")]
    pub name: String,
    /// Write every message received here, one JSON line each (large byte blobs as their length).
    #[arg(long, value_name = "FILE")]
    pub trace: Option<PathBuf>,
    /// Send these orders at their drill time: lines of {"at_min": M, "order": ORDER}.
    #[arg(long, value_name = "FILE")]
    pub orders: Option<PathBuf>,
    /// Leave after this many seconds (default: when the drill ends).
    #[arg(long, value_name = "N")]
    pub seconds: Option<u64>,
    /// The drill code (口令) `serve` printed: the join code, or the seat's own code (the
    /// controller's for the controller). Case and dashes do not matter.
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,
    /// The pin of the server's certificate (证书指纹) `serve` printed: the token step then runs
    /// over TLS and trusts that server only. Dashes, colons and case do not matter.
    #[arg(long, value_name = "PIN")]
    pub tls_pin: Option<TlsPin>,
}

/// One line of an orders file.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedOrder {
    /// Drill minutes from the start.
    pub at_min: f64,
    /// As `JournalLine::order` writes it.
    pub order: Order,
}

/// Parses an orders file's text; `file` names it in errors (`FILE:LINE: ...`). Sorted by time,
/// lines of the same minute in file order.
pub fn parse_orders(text: &str, file: &str) -> Result<Vec<TimedOrder>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let n = i + 1;
        let o: TimedOrder = serde_json::from_str(line).map_err(|e| {
            format!(
                "{file}:{n}: bad order line ({e}); expected {{\"at_min\": M, \"order\": ORDER as in journal.jsonl}}"
            )
        })?;
        if !o.at_min.is_finite() || o.at_min < 0.0 {
            return Err(format!("{file}:{n}: at_min must be a number of minutes ≥ 0, not {}", o.at_min));
        }
        out.push(o);
    }
    out.sort_by(|a, b| a.at_min.total_cmp(&b.at_min));
    Ok(out)
}

/// Reads and parses an orders file (at most [`MAX_ORDERS_FILE_BYTES`]).
pub fn read_orders(path: &Path) -> Result<Vec<TimedOrder>, String> {
    let name = path.display().to_string();
    let len = std::fs::metadata(path).map_err(|e| format!("{name}: {e}"))?.len();
    if len > MAX_ORDERS_FILE_BYTES {
        return Err(format!("{name}: {len} bytes; an orders file may hold at most {MAX_ORDERS_FILE_BYTES}"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    parse_orders(&text, &name)
}

/// One trace line (without the newline): the message as JSON, static byte blobs as lengths.
pub fn trace_line(msg: &ServerMessage) -> String {
    let mut v = match serde_json::to_value(msg) {
        Ok(v) => v,
        Err(e) => return serde_json::json!({ "unserialisable": e.to_string() }).to_string(),
    };
    if let Some(data) = v.get_mut("Static") {
        summarise_blobs(data);
    }
    v.to_string()
}

fn summarise_blobs(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Array(a) if a.len() > BLOB_BYTES && a.iter().all(|x| x.as_u64().is_some_and(|b| b <= 255)) => {
            *v = serde_json::json!({ "bytes": a.len() });
        }
        Value::Array(a) => a.iter_mut().for_each(summarise_blobs),
        Value::Object(o) => o.values_mut().for_each(summarise_blobs),
        _ => {}
    }
}

/// What the seat does.
#[derive(Clone, Debug)]
pub struct SeatOptions {
    pub server: SocketAddr,
    pub role: Seat,
    pub name: String,
    pub trace: Option<PathBuf>,
    pub orders: Vec<TimedOrder>,
    /// Leave after this long; `None`: when the drill ends.
    pub limit: Option<Duration>,
    /// The drill code for the seat.
    pub code: Option<String>,
    /// The server certificate's pin (`--tls-pin`): the token step over TLS.
    pub tls_pin: Option<TlsPin>,
}

/// What the seat saw by the time it left.
#[derive(Clone, Debug, Default)]
pub struct SeatOutcome {
    /// The seat the server gave (e.g. `command` resolved to the only township's post).
    pub role: Option<Seat>,
    pub views: u64,
    /// The drill clock of the last view.
    pub t_s: Option<u32>,
    /// Orders whose time came (handed to the link).
    pub orders_sent: usize,
    /// Orders whose time had not come when the seat left.
    pub orders_unsent: usize,
    /// Orders the server acknowledged receiving.
    pub orders_delivered: usize,
    /// Orders sent just before the link died, which the server may or may not have received.
    pub orders_unknown: usize,
    /// Orders whose time came while the link was down and that never left (the seat gave up).
    pub orders_not_sent: usize,
    /// Times the link was lost, and times the seat was welcomed again.
    pub losses: u32,
    pub rejoins: u32,
    /// Refusals after the welcome (of orders).
    pub refusals: Vec<String>,
    pub ended: Option<(f64, String)>,
}

#[derive(Debug, thiserror::Error)]
pub enum SeatError {
    #[error("{0}")]
    Connect(#[from] ClientError),
    #[error("拒绝 refused: {0}")]
    Refused(String),
    #[error("no welcome from the server within {0} s")]
    NoWelcome(u64),
    #[error("connection lost: {0}")]
    Lost(String),
    #[error("cannot write the trace {path}: {source}")]
    Trace { path: PathBuf, source: std::io::Error },
}

/// Plays a seat until the drill ends or `opts.limit` has passed. A lost link is joined again
/// by itself ([`SeatLink`]); orders whose time comes meanwhile wait for it.
pub fn run_seat(opts: SeatOptions) -> Result<SeatOutcome, SeatError> {
    let start = Instant::now();
    let trace_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SeatError::Trace { path, source }
    };
    let mut trace = match &opts.trace {
        Some(p) => Some((BufWriter::new(File::create(p).map_err(trace_err(p))?), p.clone())),
        None => None,
    };
    let request =
        JoinRequest::new(opts.role.clone(), &opts.name).with_code(opts.code.clone()).with_tls_pin(opts.tls_pin.clone());
    let mut link = SeatLink::join(opts.server, request).map_err(|e| match e {
        ClientError::Refused(reason) => SeatError::Refused(reason),
        e => SeatError::Connect(e),
    })?;
    let mut out = SeatOutcome::default();
    let mut next = 0;
    let mut pace = RateLimit::new(ORDERS_PER_S, ORDERS_PER_S);
    let result = loop {
        if opts.limit.is_some_and(|l| start.elapsed() >= l) {
            if out.role.is_none() {
                break Err(SeatError::NoWelcome(start.elapsed().as_secs()));
            }
            break Ok(());
        }
        let events = link.poll();
        let msgs: Vec<&ServerMessage> =
            events.iter().filter_map(|e| if let LinkEvent::Message(m) = e { Some(m) } else { None }).collect();
        if let Some((w, path)) = &mut trace {
            let written: std::io::Result<()> = msgs.iter().try_for_each(|m| writeln!(w, "{}", trace_line(m)));
            if let Err(e) = written.and_then(|_| w.flush()) {
                break Err(trace_err(path)(e));
            }
        }
        let mut stop = None;
        for event in events {
            match event {
                LinkEvent::Message(msg) => seat_message(msg, &mut out),
                LinkEvent::Lost(why) => {
                    out.losses += 1;
                    eprintln!("连接中断，正在重连… link lost, reconnecting ({why})");
                }
                LinkEvent::Rejoined => {
                    out.rejoins += 1;
                    println!("已重新连接 reconnected");
                }
                LinkEvent::Refused(reason) => stop = Some(Err(SeatError::Refused(reason))),
                LinkEvent::Closed(_) if out.ended.is_some() => stop = Some(Ok(())),
                LinkEvent::Closed(why) => stop = Some(Err(SeatError::Lost(why))),
                other => count_fate(&other, &mut out),
            }
        }
        if let Some(result) = stop {
            break result;
        }
        if out.role.is_some()
            && let Some(t_s) = out.t_s
        {
            while let Some(o) = opts.orders.get(next) {
                if f64::from(t_s) < o.at_min * 60.0 || !pace.allow(start.elapsed()) {
                    break;
                }
                link.send(ClientMessage::Order(o.order.clone()));
                next += 1;
            }
        }
        if out.ended.is_some() {
            break Ok(());
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    for event in link.leave() {
        count_fate(&event, &mut out);
    }
    out.orders_sent = next;
    out.orders_unsent = opts.orders.len() - next;
    result.map(|()| out)
}

/// What a message from the server tells the seat.
fn seat_message(msg: ServerMessage, out: &mut SeatOutcome) {
    match msg {
        ServerMessage::Welcome { role, .. } => {
            println!("加入 joined: {role}");
            out.role = Some(Seat::Role(role));
        }
        ServerMessage::Seated { seat, .. } => {
            println!("加入 joined: {seat}");
            out.role = Some(seat);
        }
        ServerMessage::Public(p) => {
            out.views += 1;
            out.t_s = Some(p.t_s);
        }
        ServerMessage::Refused { reason } => {
            eprintln!("拒绝 refused: {reason}");
            out.refusals.push(reason);
        }
        ServerMessage::View(v) => {
            out.views += 1;
            out.t_s = Some(v.t_s);
        }
        ServerMessage::Ended { score, summary } => out.ended = Some((score, summary)),
        _ => {}
    }
}

/// Counts what became of orders; an order whose fate is unknown is said so.
fn count_fate(event: &LinkEvent, out: &mut SeatOutcome) {
    match event {
        LinkEvent::Delivered(t) => out.orders_delivered += t.len(),
        LinkEvent::Unknown(t) => {
            out.orders_unknown += t.len();
            eprintln!("注意 note: {} order(s) sent as the link died; the server may not have them", t.len());
        }
        LinkEvent::NotSent(t) => out.orders_not_sent += t.len(),
        _ => {}
    }
}

fn resolve(addr: &str) -> Result<SocketAddr, String> {
    addr.to_socket_addrs()
        .map_err(|e| format!("cannot resolve `{addr}`: {e}"))?
        .next()
        .ok_or_else(|| format!("`{addr}` resolves to no address"))
}

pub fn run(args: JoinArgs) -> ExitCode {
    let usage = |msg: String| {
        eprintln!("错误 error: {msg}");
        ExitCode::from(2)
    };
    let server = match resolve(&args.addr) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    let orders = match &args.orders {
        Some(p) => match read_orders(p) {
            Ok(o) => o,
            Err(e) => return usage(e),
        },
        None => Vec::new(),
    };
    let opts = SeatOptions {
        server,
        role: args.role,
        name: args.name,
        trace: args.trace,
        orders,
        limit: args.seconds.map(Duration::from_secs),
        code: args.code,
        tls_pin: args.tls_pin,
    };
    match run_seat(opts) {
        Ok(o) => {
            if let Some((_, summary)) = &o.ended {
                println!("{summary}");
            }
            let why = if o.ended.is_some() { "the drill ended" } else { "time is up" };
            let clock = o.t_s.map(|t| format!(" at drill minute {}", t / 60)).unwrap_or_default();
            println!(
                "离开 left{clock} ({why}): {} views, {} orders sent, {} refused",
                o.views,
                o.orders_sent,
                o.refusals.len()
            );
            println!(
                "命令 orders: {} delivered, {} unknown, {} not sent; link lost {} time(s), rejoined {}",
                o.orders_delivered, o.orders_unknown, o.orders_not_sent, o.losses, o.rejoins
            );
            if o.orders_not_sent > 0 {
                eprintln!("注意 note: {} order(s) not sent: the link was down", o.orders_not_sent);
            }
            if o.orders_unsent > 0 {
                eprintln!("注意 note: {} order(s) not sent: their time had not come", o.orders_unsent);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误 error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drill::JournalLine;

    #[test]
    fn an_order_copied_from_a_journal_line_parses_and_lines_are_sorted_by_time() {
        let order = Order::Report(sim::world::ReportForm::initial("Canillo", sim::HazardKind::Flood, "漫堤"));
        let line = JournalLine {
            seq: 1,
            t_s: 60,
            role: "informant:Canillo".into(),
            player: "x".into(),
            order: Some(order.clone()),
            control: None,
        };
        let journal: serde_json::Value = serde_json::from_str(&serde_json::to_string(&line).unwrap()).unwrap();
        let text = format!(
            "# a comment\n{{\"at_min\": 30, \"order\": {{\"Warn\": {{\"village\": \"Canillo\"}}}}}}\n\n{{\"at_min\": 2.5, \"order\": {}}}\n",
            journal["order"]
        );
        let orders = parse_orders(&text, "o.jsonl").unwrap();
        assert_eq!(orders.len(), 2);
        assert_eq!(orders[0], TimedOrder { at_min: 2.5, order });
        assert_eq!(orders[1].order, Order::Warn { village: "Canillo".into() });
    }

    #[test]
    fn a_bad_line_is_an_error_naming_the_file_and_line() {
        for (text, want) in [
            (
                "{\"at_min\": 1, \"order\": {\"Warn\": {\"village\": \"A\"}}}\n{\"at_min\": 2, \"order\": \"Fly\"}\n",
                "o.jsonl:2:",
            ),
            ("\n\n{\"at_min\": 1}\n", "o.jsonl:3:"),
            ("{\"at_min\": -1, \"order\": {\"Warn\": {\"village\": \"A\"}}}", "o.jsonl:1: at_min"),
            ("{\"at\": 1, \"order\": {\"Warn\": {\"village\": \"A\"}}}", "o.jsonl:1:"),
            ("not json", "o.jsonl:1:"),
        ] {
            let err = parse_orders(text, "o.jsonl").err().unwrap_or_else(|| panic!("{text} must fail"));
            assert!(err.starts_with(want), "{err}");
        }
    }

    #[test]
    fn an_oversized_orders_file_is_refused_before_reading() {
        let path = std::env::temp_dir().join(format!("sandtable-orders-big-{}", std::process::id()));
        let f = File::create(&path).unwrap();
        f.set_len(MAX_ORDERS_FILE_BYTES + 1).unwrap();
        let err = read_orders(&path).unwrap_err();
        assert!(err.contains("at most"), "{err}");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn the_trace_summarises_byte_blobs_and_keeps_everything_else() {
        let mut v = serde_json::json!({
            "scenario_ron": "(schema: 1)",
            "map_json": vec![b'{'; 1000],
            "nested": { "terrain_bin": vec![7u8; 5000], "small": [1, 2, 3] },
            "roles": ["command"],
        });
        summarise_blobs(&mut v);
        assert_eq!(v["nested"]["terrain_bin"], serde_json::json!({ "bytes": 5000 }));
        assert_eq!(v["map_json"], serde_json::json!({ "bytes": 1000 }));
        assert_eq!(v["nested"]["small"], serde_json::json!([1, 2, 3]));
        assert_eq!(v["scenario_ron"], "(schema: 1)");
        let refused = trace_line(&ServerMessage::Refused { reason: "不行".into() });
        assert_eq!(refused, r#"{"Refused":{"reason":"不行"}}"#);
    }
}
