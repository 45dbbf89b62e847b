//! `sandtable-server swarm ADDR --clients N`: a load of N bot clients over UDP on a served
//! drill, driven from a few threads (not one per client). Seats are spread over the drill's
//! roles (many people per role), some observers and one projector; the first client of each
//! role plays it with a bot brain, the others read their views and now and then, when events
//! come, repeat their role's last order. Each client is a [`SeatLink`], as people's clients
//! are: a lost link is joined again with backoff, and every order gets a ticket that says
//! whether it was delivered, its fate is unknown, or it was never sent. Prints bytes received
//! per client each second, drops and disconnects, then a summary with the reconnections and
//! the orders' fates.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use protocol::{ClientMessage, Seat, ServerMessage};
use sim::Role;

use crate::admission::TlsPin;
use crate::bots::Bot;
use crate::host::rate::RateLimit;
use crate::net::{JoinRequest, LinkEvent, NetClient, SeatLink};

pub const EXAMPLE: &str = "Example:
  sandtable-server serve scenarios/load/county_andorra_21.ron --bind 127.0.0.1:5000 --autostart --speed 120 --metrics 127.0.0.1:9100 &
  sandtable-server swarm 127.0.0.1:5000 --clients 1000 --code 4821 --seconds 60
  sandtable-server swarm 127.0.0.1:5000 --clients 100 --code 4821 --tls-pin 3f2a-9c1b-77e0-5d44-a8b2-0c6e-91f3-2b7d

Each second prints: clients connected, kilobytes received per client in that second (mean
and max), views, orders sent, refusals, disconnects; at the end a summary, with the clients'
reconnections and how many orders were delivered, unknown (the link died before the server
acknowledged them) or not sent. A client whose link is lost joins again by itself; it counts
as disconnected only when its seat is refused or it gives up. Exit 1 when fewer than all
clients connected or any was disconnected.";

#[derive(clap::Args, Debug)]
pub struct SwarmArgs {
    /// The server's UDP address.
    pub addr: SocketAddr,
    /// How many clients.
    #[arg(long, default_value_t = 100)]
    pub clients: usize,
    /// The drill's join code (when the server asks for one).
    #[arg(long)]
    pub code: Option<String>,
    /// The controller's own code: with it one client takes the controller's seat; without it
    /// the swarm seats no controller (the join code does not open that seat).
    #[arg(long)]
    pub controller_code: Option<String>,
    /// How long to run once every client has connected, seconds.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// Observers among the clients (one more is the projector).
    #[arg(long, default_value_t = 10)]
    pub observers: usize,
    /// Threads driving the clients.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Clients joining per second: each seat is sent its briefing and the map (about 3 MB), so
    /// a whole hall joining in the same second floods the server's uplink.
    #[arg(long, default_value_t = 25.0)]
    pub join_per_s: f64,
    /// The pin of the server's certificate `serve` printed: every client's token step over TLS.
    #[arg(long, value_name = "PIN")]
    pub tls_pin: Option<TlsPin>,
}

/// The codes the swarm's clients join with.
#[derive(Clone, Debug)]
struct Codes {
    join: Option<String>,
    controller: Option<String>,
    tls_pin: Option<TlsPin>,
}

/// Counters every thread adds to.
#[derive(Default)]
struct Counts {
    connected: AtomicU64,
    bytes: AtomicU64,
    views: AtomicU64,
    orders: AtomicU64,
    refused: AtomicU64,
    disconnected: AtomicU64,
    undecodable: AtomicU64,
    ended: AtomicU64,
    /// Links joined again after a loss.
    reconnects: AtomicU64,
    /// The orders' fates, from their tickets.
    delivered: AtomicU64,
    unknown: AtomicU64,
    not_sent: AtomicU64,
}

/// One client of the swarm.
struct Member {
    link: SeatLink,
    role: Option<Role>,
    /// The role's player (a bot brain) for the first client of a role.
    brain: Option<Bot>,
    pace: RateLimit,
    last_order: Option<Instant>,
    /// Connected now (counted in [`Counts::connected`]).
    connected: bool,
    /// The link is closed for good.
    gone: bool,
    /// The drill's end was seen: the server going away is no disconnection.
    ended: bool,
    /// Bytes received in the current second (for the per-client maximum).
    second_bytes: u64,
    /// [`SeatLink::received_bytes`] and undecodable messages already counted.
    bytes_seen: u64,
    undecodable_seen: u32,
}

pub fn run(args: SwarmArgs) -> ExitCode {
    match swarm(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The roles on offer, asked as an observer.
fn roles_on_offer(addr: SocketAddr, code: &Option<String>, pin: &Option<TlsPin>) -> anyhow::Result<Vec<Role>> {
    let request = JoinRequest::new(Seat::Observer, "swarm-probe").with_code(code.clone()).with_tls_pin(pin.clone());
    let mut c = NetClient::join(addr, &request)?;
    c.wait_connected(Duration::from_secs(10))?;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        c.update()?;
        for m in c.receive() {
            match m {
                ServerMessage::Seated { roles_on_offer, .. } => {
                    c.disconnect();
                    return Ok(roles_on_offer);
                }
                ServerMessage::Refused { reason } => anyhow::bail!("refused: {reason}"),
                _ => {}
            }
        }
        c.flush()?;
        std::thread::sleep(Duration::from_millis(10));
    }
    anyhow::bail!("no answer to the observer's hello within 20 s")
}

/// The seats of `n` clients: one projector, `observers` observers, the rest round the roles
/// (the controller once, when `controller` says the swarm has its code).
fn seats(n: usize, observers: usize, roles: &[Role], controller: bool) -> Vec<Seat> {
    let mut out = Vec::with_capacity(n);
    if n > 0 {
        out.push(Seat::Projector);
    }
    out.extend(std::iter::repeat_n(Seat::Observer, observers.min(n.saturating_sub(1))));
    let playable: Vec<&Role> = roles.iter().filter(|r| **r != Role::Controller).collect();
    if controller && roles.contains(&Role::Controller) && out.len() < n {
        out.push(Seat::Role(Role::Controller));
    }
    let mut i = 0;
    while out.len() < n && !playable.is_empty() {
        out.push(Seat::Role(playable[i % playable.len()].clone()));
        i += 1;
    }
    out
}

fn swarm(args: &SwarmArgs) -> anyhow::Result<bool> {
    let roles = roles_on_offer(args.addr, &args.code, &args.tls_pin)?;
    let seats = seats(args.clients, args.observers, &roles, args.controller_code.is_some());
    println!("蜂群 swarm: {} clients on {} ({} roles)", seats.len(), args.addr, roles.len());
    let threads = args.threads.max(1);
    // A role's clients share a thread, so its followers can repeat its player's last order.
    let mut groups: Vec<Vec<(usize, Seat)>> = vec![Vec::new(); threads];
    let mut role_thread: std::collections::BTreeMap<Seat, usize> = Default::default();
    for (i, seat) in seats.into_iter().enumerate() {
        let n = role_thread.len();
        let t = *role_thread.entry(seat.clone()).or_insert(n % threads);
        groups[t].push((i, seat));
    }
    let counts = Arc::new(Counts::default());
    let stop = Arc::new(AtomicBool::new(false));
    let max_second = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut handles = Vec::new();
    for group in groups {
        let (counts, stop, max_second) = (counts.clone(), stop.clone(), max_second.clone());
        let addr = args.addr;
        let code =
            Codes { join: args.code.clone(), controller: args.controller_code.clone(), tls_pin: args.tls_pin.clone() };
        let every = Duration::from_secs_f64(threads as f64 / args.join_per_s.max(0.1));
        handles.push(std::thread::spawn(move || drive(addr, code, group, every, &counts, &stop, &max_second)));
    }
    let total = args.clients as u64;
    let mut all_in: Option<Instant> = None;
    let mut last_bytes = 0;
    let mut ticks = 0u64;
    let mut per_second: Vec<f64> = Vec::new();
    println!("秒 s | connected | KB/s per client (mean, max) | views | orders | refused | disconnected");
    loop {
        std::thread::sleep(Duration::from_secs(1));
        ticks += 1;
        let connected = counts.connected.load(Ordering::Relaxed);
        let bytes = counts.bytes.load(Ordering::Relaxed);
        let mean = (bytes - last_bytes) as f64 / connected.max(1) as f64 / 1024.0;
        last_bytes = bytes;
        let max = max_second.swap(0, Ordering::Relaxed) as f64 / 1024.0;
        let gone = counts.disconnected.load(Ordering::Relaxed);
        println!(
            "{ticks:4} | {connected:5} | {mean:7.2} {max:7.2} | {} | {} | {} | {gone}",
            counts.views.load(Ordering::Relaxed),
            counts.orders.load(Ordering::Relaxed),
            counts.refused.load(Ordering::Relaxed),
        );
        if all_in.is_none() && connected + gone >= total {
            all_in = Some(Instant::now());
            println!("全部连接 all connected after {:.1} s", started.elapsed().as_secs_f64());
        } else if all_in.is_some() {
            per_second.push(mean);
        }
        let join_s = args.clients as f64 / args.join_per_s.max(0.1);
        let timed_out = all_in.is_none() && started.elapsed() > Duration::from_secs_f64(120.0 + join_s);
        let done = all_in.is_some_and(|t| t.elapsed() >= Duration::from_secs(args.seconds));
        let ended = counts.ended.load(Ordering::Relaxed) >= connected.max(1);
        if timed_out || done || ended {
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        let _ = h.join();
    }
    let connected = counts.connected.load(Ordering::Relaxed);
    let gone = counts.disconnected.load(Ordering::Relaxed);
    let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
    per_second.sort_by(f64::total_cmp);
    let mean = per_second.iter().sum::<f64>() / per_second.len().max(1) as f64;
    let at = |p: f64| per_second.get(((per_second.len().max(1) - 1) as f64 * p) as usize).copied().unwrap_or(0.0);
    println!(
        "总结 summary: {connected} of {total} connected, {gone} disconnected; KB/s per client over the {} s after all connected: median {:.2}, mean {:.2} (the map and briefings while joining included), p99 second {:.2}; {} KB received in all; {} views, {} orders, {} refused, {} undecodable; {} reconnects; orders delivered {}, unknown {}, not sent {}",
        per_second.len(),
        at(0.5),
        mean,
        at(0.99),
        counts.bytes.load(Ordering::Relaxed) / 1024,
        counts.views.load(Ordering::Relaxed),
        counts.orders.load(Ordering::Relaxed),
        counts.refused.load(Ordering::Relaxed),
        counts.undecodable.load(Ordering::Relaxed),
        load(&counts.reconnects),
        load(&counts.delivered),
        load(&counts.unknown),
        load(&counts.not_sent),
    );
    Ok(connected == total && gone == 0)
}

/// Drives one thread's clients until `stop`.
fn drive(
    addr: SocketAddr,
    code: Codes,
    group: Vec<(usize, Seat)>,
    every: Duration,
    counts: &Counts,
    stop: &AtomicBool,
    max_second: &AtomicU64,
) {
    let mut members: Vec<Member> = Vec::new();
    let mut led: std::collections::HashSet<Role> = Default::default();
    let mut waiting = group.into_iter();
    let mut next_join = Instant::now();
    // The last order each role's player gave, which its other people repeat now and then.
    let mut last_given: HashMap<Role, ClientMessage> = HashMap::new();
    let started = Instant::now();
    let mut second = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        if Instant::now() >= next_join
            && let Some(next) = waiting.next()
        {
            members.extend(join(addr, &code, next, &mut led, counts));
            next_join += every;
        }
        for m in members.iter_mut().filter(|m| !m.gone) {
            pump(m, counts, &mut last_given, started.elapsed());
        }
        if second.elapsed() >= Duration::from_secs(1) {
            let max = members.iter().map(|m| m.second_bytes).max().unwrap_or(0);
            max_second.fetch_max(max, Ordering::Relaxed);
            members.iter_mut().for_each(|m| m.second_bytes = 0);
            second = Instant::now();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // Leaving reports the orders still in flight (unknown) or waiting (not sent).
    for m in members.iter_mut() {
        for event in m.link.leave() {
            fate(&event, counts);
        }
    }
}

/// Starts one client for `seat` (the first of a role gets the role's brain).
fn join(
    addr: SocketAddr,
    code: &Codes,
    (i, seat): (usize, Seat),
    led: &mut std::collections::HashSet<Role>,
    counts: &Counts,
) -> Option<Member> {
    let role = match &seat {
        Seat::Role(r) => Some(r.clone()),
        _ => None,
    };
    let brain = role.clone().filter(|r| led.insert(r.clone())).map(|r| Bot::new(r).named(&format!("swarm-{i}")));
    let pin = code.tls_pin.clone();
    let code = if seat == Seat::Role(Role::Controller) { &code.controller } else { &code.join };
    let request = JoinRequest::new(seat, &format!("swarm-{i}")).with_code(code.clone()).with_tls_pin(pin);
    match SeatLink::join(addr, request) {
        Ok(link) => Some(Member {
            link,
            role,
            brain,
            pace: RateLimit::new(5.0, 5.0),
            last_order: None,
            connected: false,
            gone: false,
            ended: false,
            second_bytes: 0,
            bytes_seen: 0,
            undecodable_seen: 0,
        }),
        Err(e) => {
            eprintln!("client {i}: {e}");
            counts.disconnected.fetch_add(1, Ordering::Relaxed);
            None
        }
    }
}

/// Counts what became of orders, from their tickets.
fn fate(event: &LinkEvent, counts: &Counts) {
    let (counter, n) = match event {
        LinkEvent::Delivered(t) => (&counts.delivered, t.len()),
        LinkEvent::Unknown(t) => (&counts.unknown, t.len()),
        LinkEvent::NotSent(t) => (&counts.not_sent, t.len()),
        _ => return,
    };
    counter.fetch_add(n as u64, Ordering::Relaxed);
}

/// One client's turn: network, messages, orders.
fn pump(m: &mut Member, counts: &Counts, last_given: &mut HashMap<Role, ClientMessage>, now: Duration) {
    let mut events = false;
    let mut orders = Vec::new();
    for event in m.link.poll() {
        match event {
            LinkEvent::Message(msg) => {
                match &msg {
                    ServerMessage::View(_) | ServerMessage::Public(_) | ServerMessage::Watched(_) => {
                        counts.views.fetch_add(1, Ordering::Relaxed);
                    }
                    ServerMessage::Events(_) => events = true,
                    ServerMessage::Refused { .. } => {
                        counts.refused.fetch_add(1, Ordering::Relaxed);
                    }
                    ServerMessage::Ended { .. } => {
                        m.ended = true;
                        counts.ended.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
                if let Some(b) = m.brain.as_mut() {
                    orders.extend(b.handle(msg));
                }
            }
            LinkEvent::Joining if !m.connected => {
                m.connected = true;
                counts.connected.fetch_add(1, Ordering::Relaxed);
            }
            LinkEvent::Lost(why) => {
                if std::mem::take(&mut m.connected) {
                    counts.connected.fetch_sub(1, Ordering::Relaxed);
                }
                tracing::info!("{:?} lost ({why}); joining again", m.role);
            }
            LinkEvent::Rejoined => {
                counts.reconnects.fetch_add(1, Ordering::Relaxed);
            }
            LinkEvent::Undecodable(total) => {
                let new = total.saturating_sub(m.undecodable_seen);
                m.undecodable_seen = total;
                counts.undecodable.fetch_add(u64::from(new), Ordering::Relaxed);
            }
            LinkEvent::Refused(why) | LinkEvent::Closed(why) if !m.ended => {
                tracing::warn!("{:?} lost for good: {why}", m.role);
            }
            other => fate(&other, counts),
        }
    }
    let received = m.link.received_bytes();
    let got = received - m.bytes_seen;
    m.bytes_seen = received;
    m.second_bytes += got;
    counts.bytes.fetch_add(got, Ordering::Relaxed);
    if m.link.is_closed() {
        m.gone = true;
        // After the drill's end the server going away is no disconnection (nor a lost client).
        if !m.ended {
            counts.disconnected.fetch_add(1, Ordering::Relaxed);
            if m.connected {
                counts.connected.fetch_sub(1, Ordering::Relaxed);
            }
        }
        return;
    }
    if let (Some(role), true) = (&m.role, m.brain.is_none() && events) {
        // A follower: now and then (events came, and at least 20 s since its last order) it
        // repeats what its role's player last did, as a second person at a post would.
        let due = m.last_order.is_none_or(|t| t.elapsed() >= Duration::from_secs(20));
        if due && let Some(order) = last_given.get(role) {
            orders.push(order.clone());
        }
    }
    for order in orders {
        let is_control = matches!(order, ClientMessage::Control(_));
        if !is_control && !m.pace.allow(now) {
            continue;
        }
        if let (Some(role), Some(_), ClientMessage::Order(_)) = (&m.role, &m.brain, &order) {
            last_given.insert(role.clone(), order.clone());
        }
        // Sent now if seated, else when the link is back; its ticket's fate is counted.
        m.link.send(order);
        m.last_order = Some(Instant::now());
        counts.orders.fetch_add(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_spread_over_roles_with_observers_a_projector_and_one_controller() {
        let roles: Vec<Role> =
            ["controller", "county", "command:A", "command:B"].iter().map(|r| r.parse().unwrap()).collect();
        let s = seats(10, 2, &roles, true);
        assert_eq!(s.len(), 10);
        assert_eq!(s.iter().filter(|x| **x == Seat::Projector).count(), 1);
        assert_eq!(s.iter().filter(|x| **x == Seat::Observer).count(), 2);
        assert_eq!(s.iter().filter(|x| **x == Seat::Role(Role::Controller)).count(), 1);
        assert_eq!(s.iter().filter(|x| **x == Seat::Role("command:A".parse().unwrap())).count(), 2);
        assert!(seats(0, 5, &roles, true).is_empty());
        assert_eq!(seats(3, 5, &roles, true), vec![Seat::Projector, Seat::Observer, Seat::Observer]);
        // Without the controller's code no client asks for that seat.
        assert!(!seats(10, 2, &roles, false).contains(&Seat::Role(Role::Controller)));
    }
}
