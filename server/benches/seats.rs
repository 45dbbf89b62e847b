//! The county exercise load bench: N seats (default 200) on one server over real renet UDP on
//! loopback. Most seats are UDP bots (`bots::udp`, several people per role, like a hall of
//! trainees), some observers and the projector; in-process bots hold the roles no seat took.
//! The server loop is the one `hosting` runs (receive, bots, tick, views, send), timed here:
//! the world step, the whole loop's busy time per 100 ms tick, and the payload bytes sent to
//! each client while joining (briefing and map) and during the drill.
//!
//! `cargo bench -p server --bench seats --profile dev -- [--seats N] [--observers K]
//! [--seconds S] [--speed X] [SCENARIO]` (default scenarios/county_valira_orient.ron, 200 seats,
//! 10 observers + 1 projector, 60 s at 600×).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use server::bots::Bot;
use server::bots::local::LocalBots;
use server::bots::udp::run_udp_bot;
use server::drill::{Drill, DrillSetup, Record};
use server::host::{ConnId, Host, HostOptions};
use server::net::NetClient;
use server::net::NetServer;
use sim::Role;

struct Args {
    seats: usize,
    observers: usize,
    seconds: u64,
    speed: f32,
    scenario: PathBuf,
}

fn args() -> Args {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut a = Args {
        seats: 200,
        observers: 10,
        seconds: 60,
        speed: 600.0,
        scenario: root.join("scenarios/county_valira_orient.ron"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut num = |what: &str| it.next().and_then(|v| v.parse::<f64>().ok()).unwrap_or_else(|| panic!("{what} N"));
        match x.as_str() {
            "--seats" => a.seats = num("--seats") as usize,
            "--observers" => a.observers = num("--observers") as usize,
            "--seconds" => a.seconds = num("--seconds") as u64,
            "--speed" => a.speed = num("--speed") as f32,
            "--bench" => {}
            s if !s.starts_with('-') => a.scenario = PathBuf::from(s),
            s => panic!("unknown argument {s}"),
        }
    }
    a
}

/// This thread's CPU time in ns (Linux `/proc/thread-self/schedstat`), 0 elsewhere: the server's
/// own work, apart from the time the client threads take the cores from it.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Observers and the projector: plain renet clients that only read.
fn watchers(addr: std::net::SocketAddr, code: String, count: usize, stop: Arc<AtomicBool>) -> thread::JoinHandle<u64> {
    thread::spawn(move || {
        let mut clients: Vec<NetClient> = Vec::new();
        for i in 0..count {
            let seat = if i == 0 { protocol::Seat::Projector } else { protocol::Seat::Observer };
            let request = server::net::JoinRequest::new(seat, &format!("watcher-{i}")).with_code(Some(code.clone()));
            let mut c = NetClient::join(addr, &request).expect("connect");
            c.wait_connected(Duration::from_secs(30)).expect("connected");
            clients.push(c);
        }
        let mut received = 0u64;
        while !stop.load(Ordering::Relaxed) {
            for c in &mut clients {
                let _ = c.update();
                received += c.receive().len() as u64;
                let _ = c.flush();
            }
            thread::sleep(Duration::from_millis(10));
        }
        for c in &mut clients {
            c.disconnect();
        }
        received
    })
}

fn main() -> anyhow::Result<()> {
    let a = args();
    let setup = DrillSetup::load(&a.scenario, None)?;
    let name = setup.scenario.name.clone();
    let dir = std::env::temp_dir().join(format!("sandtable-seats-{}", std::process::id()));
    let record = Record::create(&dir, &setup, "bench")?;
    let mut drill = Drill::new(setup, record)?;
    drill.set_speed(a.speed).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut host = Host::new(drill, HostOptions::default())?;
    let codes = Arc::new(server::admission::DrillCodes::random());
    let mut net =
        NetServer::bind("127.0.0.1:0".parse()?, codes.clone(), host.drill().roles().to_vec(), Default::default())?;
    let addr = net.local_addr();
    let roles: Vec<Role> = host.drill().roles().iter().filter(|r| **r != Role::Controller).cloned().collect();
    let all_roles = host.drill().roles().to_vec();
    let mut bots = LocalBots::spawn(&mut host, &all_roles, None);

    let stop = Arc::new(AtomicBool::new(false));
    let players = a.seats.saturating_sub(a.observers + 1);
    let mut threads = Vec::new();
    for i in 0..players {
        let role = roles[i % roles.len()].clone();
        let stop = stop.clone();
        let bot = Bot::new(role).named(&format!("seat-{i}")).with_code(codes.join.to_string());
        threads.push(thread::spawn(move || run_udp_bot(addr, bot, &stop, Duration::from_secs(3600))));
    }
    let watch = watchers(addr, codes.join.to_string(), a.seats - players, stop.clone());

    // The server loop, as `hosting::Serving::run` runs it, timed.
    let started = Instant::now();
    let mut last_poll = started;
    let mut last_tick = started;
    let mut bytes: BTreeMap<u64, (u64, u64)> = BTreeMap::new(); // client -> (joining, drill)
    let mut running_since: Option<Instant> = None;
    let mut step_ms: Vec<f64> = Vec::new();
    let mut busy_ms: Vec<f64> = Vec::new();
    let mut busy_this_tick = 0.0;
    let mut cpu_ms: Vec<f64> = Vec::new();
    let mut cpu_this_tick = 0u64;
    let mut cpu_at_start = 0u64;
    let mut t_start = 0;
    loop {
        let t0 = Instant::now();
        let c0 = thread_cpu_ns();
        let now = t0 - started;
        net.receive(t0 - last_poll, &mut host, now);
        last_poll = t0;
        bots.exchange(&mut host, now);
        let seated = || host.holders().iter().filter(|(_, p)| p.is_some()).count();
        if running_since.is_none() && net.connected_clients() >= a.seats && seated() >= players {
            println!("{} seats connected after {:.1} s; the drill starts", net.connected_clients(), now.as_secs_f64());
            host.drill_mut().set_running(true);
            running_since = Some(t0);
            cpu_at_start = c0;
            t_start = host.drill().world().time_s();
        }
        if running_since.is_none() && now > Duration::from_secs(180) {
            anyhow::bail!("only {} of {} seats connected in 180 s", net.connected_clients(), a.seats);
        }
        let mut ticked = false;
        if t0 - last_tick >= server::hosting::TICK {
            let s = Instant::now();
            host.tick(t0 - last_tick, server::hosting::MAX_STEPS_PER_TICK);
            if running_since.is_some() {
                step_ms.push(s.elapsed().as_secs_f64() * 1e3);
            }
            last_tick = t0;
            ticked = true;
        }
        host.push_views(|id| net.view_ready(id));
        for out in host.take_outgoing() {
            if let ConnId::Net(c) = out.to {
                let e = bytes.entry(c).or_default();
                if running_since.is_some() {
                    e.1 += out.bytes.len() as u64;
                } else {
                    e.0 += out.bytes.len() as u64;
                }
            }
            if let Some(out) = net.send(out) {
                let _ = bots.deliver(out);
            }
        }
        net.flush();
        busy_this_tick += t0.elapsed().as_secs_f64() * 1e3;
        cpu_this_tick += thread_cpu_ns().saturating_sub(c0);
        if ticked {
            if running_since.is_some() {
                busy_ms.push(busy_this_tick);
                cpu_ms.push(cpu_this_tick as f64 / 1e6);
            }
            busy_this_tick = 0.0;
            cpu_this_tick = 0;
        }
        if running_since.is_some_and(|t| t.elapsed() >= Duration::from_secs(a.seconds)) || host.drill().is_over() {
            break;
        }
        thread::sleep(Duration::from_millis(5));
    }
    let wall = running_since.map_or(0.0, |t| t.elapsed().as_secs_f64());
    let server_cpu_s = thread_cpu_ns().saturating_sub(cpu_at_start) as f64 / 1e9;
    let drill_min = (host.drill().world().time_s() - t_start) / 60;
    stop.store(true, Ordering::Relaxed);
    let st = host.stats().clone();
    let refused = host.drill().refused();
    net.shutdown();
    let mut ok = 0;
    for t in threads {
        if matches!(t.join(), Ok(Ok(_))) {
            ok += 1;
        }
    }
    let _ = watch.join();
    let _ = std::fs::remove_dir_all(&dir);

    step_ms.sort_by(f64::total_cmp);
    busy_ms.sort_by(f64::total_cmp);
    cpu_ms.sort_by(f64::total_cmp);
    let n = bytes.len().max(1) as f64;
    let join_b: f64 = bytes.values().map(|b| b.0 as f64).sum::<f64>() / n;
    let drill_b: f64 = bytes.values().map(|b| b.1 as f64).sum::<f64>() / n;
    let max_drill_b = bytes.values().map(|b| b.1).max().unwrap_or(0);
    println!(
        "scenario: {name}; {} seats ({players} UDP bots, {} observers/projector), {ok} bots ended cleanly",
        a.seats,
        a.seats - players
    );
    println!("drill: {drill_min} drill min in {wall:.1} s wall at {}× ({} ticks timed)", a.speed, step_ms.len());
    println!(
        "host.tick (world steps + events + clock + score): mean {:.2} ms, p50 {:.2}, p95 {:.2}, max {:.2}",
        step_ms.iter().sum::<f64>() / step_ms.len().max(1) as f64,
        percentile(&step_ms, 0.5),
        percentile(&step_ms, 0.95),
        percentile(&step_ms, 1.0)
    );
    println!(
        "server loop busy per 100 ms tick (receive, bots, tick, views, send): p50 {:.1} ms, p95 {:.1}, max {:.1}",
        percentile(&busy_ms, 0.5),
        percentile(&busy_ms, 0.95),
        percentile(&busy_ms, 1.0)
    );
    println!(
        "server thread CPU per 100 ms tick: p50 {:.1} ms, p95 {:.1}, max {:.1}; {:.0} % of one core over the run",
        percentile(&cpu_ms, 0.5),
        percentile(&cpu_ms, 0.95),
        percentile(&cpu_ms, 1.0),
        100.0 * server_cpu_s / wall.max(1e-9)
    );
    println!(
        "payload per client: joining {:.0} KB (briefing + map); during the drill {:.0} KB mean ({:.1} KB/s), {:.0} KB max",
        join_b / 1024.0,
        drill_b / 1024.0,
        drill_b / 1024.0 / wall.max(1e-9),
        max_drill_b as f64 / 1024.0
    );
    println!(
        "views sent {} (largest {} bytes), orders refused {refused}, undecodable {}, rate-limited {}",
        st.views_sent, st.largest_view_bytes, st.undecodable, st.rate_limited
    );
    Ok(())
}
