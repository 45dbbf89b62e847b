//! A 30-second outage of one seat: a real `sandtable-server join` process reaches a served drill
//! through the test relay, which cuts it off for 30 s. The seat notices, joins again by itself
//! and gets its role, briefing and view back; the orders whose time came while it was cut off
//! reach the journal after the reconnect, and every order is either in the journal or counted by
//! the seat as not delivered. None is silently lost. A UDP bot cut off likewise joins again.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use sandtable_tests::relay::{Link, Relay};
use server::drill::journal::{JournalLine, read_journal};
use server::hosting::{ServeOptions, ServerHandle};
use sim::{HazardKind, Order};

const OUTAGE: Duration = Duration::from_secs(30);
const SEAT: &str = "outage-seat";

fn report(n: usize) -> Order {
    Order::Report(sim::world::ReportForm::initial("Aubinyà", HazardKind::Fire, &format!("outage-{n}")))
}

/// The 8-hour fire drill at 600× (48 s of wall time), seed 9, bots in every other role, recorded
/// in `dir/record`.
fn serve_fire_drill(dir: &Path) -> ServerHandle {
    let mut opts = ServeOptions::new(common::workspace_root().join("scenarios").join("fire_aubinya.ron"));
    opts.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    opts.record_dir = Some(dir.join("record"));
    opts.autostart = true;
    opts.bots = true;
    opts.speed = 600.0;
    opts.seed = Some(9);
    opts.linger = Duration::from_millis(1000);
    ServerHandle::spawn(opts).expect("serve the fire drill")
}

/// The seat's lines of the journal, as they are now (a torn last line is not read yet).
fn seat_lines(journal: &Path) -> Vec<JournalLine> {
    read_journal(journal).unwrap_or_default().into_iter().filter(|l| l.player == SEAT).collect()
}

#[test]
fn a_seat_cut_off_for_30_seconds_rejoins_by_itself_and_loses_no_order() {
    let test_start = Instant::now();
    let bin = common::server_binary();
    let dir = common::temp_dir("outage");
    // Minutes of the orders: one before the outage, four whose time comes during it, one after.
    let minutes = [2.0, 60.0, 90.0, 120.0, 150.0, 440.0];
    let orders: String = minutes
        .iter()
        .enumerate()
        .map(|(n, m)| format!("{}\n", serde_json::json!({ "at_min": m, "order": report(n) })))
        .collect();
    std::fs::write(dir.join("orders.jsonl"), orders).unwrap();
    // The 8-hour fire drill at 600×: 48 s of wall time; bots in every other role.
    let server = serve_fire_drill(&dir);
    let relay = Relay::start(server.addr, Link::CLEAN, 9).expect("relay");
    let journal = dir.join("record").join("journal.jsonl");
    let trace = dir.join("trace.jsonl");
    let log = dir.join("seat.log");
    let mut seat = common::ServerProcess::spawn(
        &bin,
        &[
            "join",
            &relay.addr().to_string(),
            "--code",
            &server.codes.code_for(&protocol::Seat::Role("informant:Aubinyà".parse().expect("a role"))),
            "--role",
            "informant:Aubinyà",
            "--name",
            SEAT,
            "--trace",
            trace.to_str().expect("UTF-8 path"),
            "--orders",
            dir.join("orders.jsonl").to_str().expect("UTF-8 path"),
            "--seconds",
            "150",
        ],
        &log,
    );

    // The first order reaches the journal: the seat is playing. Then the link goes dark.
    seat.wait_for("joined: informant:Aubinyà", Duration::from_secs(60));
    let started = Instant::now();
    while seat_lines(&journal).is_empty() {
        assert!(started.elapsed() < Duration::from_secs(30), "the first order never reached the journal");
        std::thread::sleep(Duration::from_millis(20));
    }
    relay.outage(Some(OUTAGE));
    let cut = Instant::now();
    let before = relay.stats();

    // It comes back by itself once the outage is over.
    seat.wait_for("reconnected", OUTAGE + Duration::from_secs(30));
    let back = cut.elapsed();
    assert!(back >= OUTAGE, "rejoined after {back:?}, during the outage");
    let during = relay.stats();
    assert!(during.up.cut > before.up.cut, "the relay cut nothing: {during:?}");
    assert!(during.clients >= 2, "the seat reconnected on a new socket: {during:?}");

    let status = seat.wait_exit(Duration::from_secs(120));
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(status.success(), "the seat exited with {status}; stderr:\n{stderr}\nstdout: {:?}", seat.stdout);
    assert!(stderr.contains("连接中断，正在重连"), "the seat said the link was lost: {stderr}");
    assert!(seat.stdout.iter().any(|l| l.contains("the drill ended")), "{:?}", seat.stdout);
    let finished = server.join().expect("the drill ends and writes its record");

    // What the seat says became of its orders.
    let fate = seat.stdout.iter().find(|l| l.contains("命令 orders:")).expect("the orders' fate printed").clone();
    let numbers: Vec<usize> =
        fate.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).filter_map(|s| s.parse().ok()).collect();
    let [delivered, unknown, not_sent, lost, rejoined] = numbers[..] else { panic!("{fate}") };
    assert!(lost >= 1 && rejoined >= 1, "{fate}");
    assert_eq!(delivered + unknown + not_sent, minutes.len(), "every order accounted for: {fate}");

    // The journal holds every delivered order, in the file's order; the queued ones after the
    // reconnect, at the drill time the seat came back to.
    let mine = seat_lines(&journal);
    let given: Vec<&Order> = mine.iter().filter_map(|l| l.order.as_ref()).collect();
    assert!(given.len() >= delivered, "{} journaled, {delivered} said delivered", given.len());
    assert!(given.len() + unknown + not_sent >= minutes.len(), "an order was silently lost: {given:?} / {fate}");
    let expected: Vec<Order> = (0..minutes.len()).map(report).collect();
    let in_file_order: Vec<&Order> = expected.iter().filter(|o| given.contains(o)).collect();
    assert_eq!(given, in_file_order, "orders journaled once each, in the file's order");

    // The trace: two welcomes for the same role, and the briefing and views again after the second.
    let text = std::fs::read_to_string(&trace).unwrap();
    let msgs: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).expect("trace line")).collect();
    let kind = |m: &serde_json::Value| m.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
    let welcomes: Vec<usize> = (0..msgs.len()).filter(|&i| kind(&msgs[i]) == "Welcome").collect();
    assert!(welcomes.len() >= 2, "welcomed {} time(s)", welcomes.len());
    let again = welcomes[1];
    assert_eq!(msgs[again]["Welcome"]["role"], msgs[welcomes[0]]["Welcome"]["role"]);
    let after = &msgs[again..];
    assert!(after.iter().any(|m| kind(m) == "Static"), "no briefing after the reconnect");
    let view_back = after.iter().find(|m| kind(m) == "View").expect("no view after the reconnect");
    let back_t_s = view_back["View"]["t_s"].as_u64().expect("a view's clock");
    // Orders 1–4 came due while the seat was cut off (its clock stood still): they went out
    // when it was back, so the journal has them at or after the drill time it came back to.
    for line in mine.iter().filter(|l| l.order.as_ref().is_some_and(|o| expected[1..5].contains(o))) {
        assert!(u64::from(line.t_s) + 60 >= back_t_s, "{line:?} journaled before the reconnect at {back_t_s} s");
    }
    // Every event of its role reached the seat exactly once: the ones of the outage caught up
    // after the reconnect (ClientMessage::CatchUp), none twice.
    let role: sim::Role = "informant:Aubinyà".parse().expect("role");
    let record: Vec<sim::Event> = std::fs::read_to_string(dir.join("record").join("events.jsonl"))
        .expect("events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("an event line"))
        .collect();
    let key = |e: &serde_json::Value| format!("{:>8} {e}", e["t_s"].as_u64().unwrap_or(0));
    let mut want: Vec<String> = sim::access::events_for(&role, &record)
        .iter()
        .map(|e| key(&serde_json::to_value(e).expect("an event serialises")))
        .collect();
    let mut got: Vec<String> = msgs.iter().filter_map(|m| m["Events"].as_array()).flatten().map(key).collect();
    want.sort();
    got.sort();
    let t_back = back_t_s;
    let missed = got
        .iter()
        .filter(|k| {
            k.trim_start().split(' ').next().and_then(|t| t.parse::<u64>().ok()).is_some_and(|t| t + 600 < t_back)
        })
        .count();
    assert_eq!(got, want, "the seat's events are its role's events, each once");
    let ended = msgs.iter().find(|m| kind(m) == "Ended").expect("the end in the trace");
    assert_eq!(ended["Ended"]["score"].as_f64(), Some(finished.score));
    eprintln!(
        "outage: link cut for {OUTAGE:?}, seat back after {back:.1?}; orders {delivered} delivered, {unknown} unknown, \
         {not_sent} not sent; {} events of its role ({missed} before the reconnect); relay {:?}; test wall {:.1?}",
        got.len(),
        relay.stats(),
        test_start.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A UDP bot (`bots::udp`, on the same `SeatLink` as people's clients) playing the command post
/// through the relay, cut off for longer than netcode's timeout: it joins again by itself and
/// plays on to the end, and every order it gave is delivered, unknown or not sent — the journal
/// holds each delivered one; none is silently lost. A `sandtable-server swarm` of eight clients
/// on the same link goes through the same outage: its members join again by themselves and its
/// summary accounts for every order they sent.
#[test]
fn a_udp_bot_cut_off_joins_again_by_itself_and_accounts_for_every_order() {
    use server::bots::Bot;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    const NAME: &str = "udp-bot-outage";
    let bin = common::server_binary();
    let dir = common::temp_dir("udp-bot-outage");
    let server = serve_fire_drill(&dir);
    let relay = Relay::start(server.addr, Link::CLEAN, 11).expect("relay");
    let role = sim::Role::Command(None);
    let code = server.codes.code_for(&protocol::Seat::Role(role.clone()));
    let bot = Bot::new(role).named(NAME).with_code(code);
    let stop = Arc::new(AtomicBool::new(false));
    let addr = relay.addr();
    let flag = stop.clone();
    let playing =
        std::thread::spawn(move || server::bots::udp::run_udp_bot(addr, bot, &flag, Duration::from_secs(150)));
    let join_code = server.codes.code_for(&protocol::Seat::Observer);
    let swarm_log = dir.join("swarm.log");
    let mut swarm = common::ServerProcess::spawn(
        &bin,
        &["swarm", &addr.to_string(), "--clients", "8", "--observers", "1", "--code", &join_code, "--seconds", "300"],
        &swarm_log,
    );
    let journal = dir.join("record").join("journal.jsonl");
    let mine = |j: &Path| read_journal(j).unwrap_or_default().into_iter().filter(|l| l.player == NAME).count();
    let started = Instant::now();
    while mine(&journal) == 0 {
        assert!(started.elapsed() < Duration::from_secs(40), "the bot's first order never reached the journal");
        std::thread::sleep(Duration::from_millis(20));
    }
    swarm.wait_for("all connected", Duration::from_secs(30));
    // Past netcode's 15 s timeout: the link is lost, not just quiet.
    relay.outage(Some(Duration::from_secs(18)));
    let out = playing.join().expect("the bot thread").expect("the bot played");
    let finished = server.join().expect("the drill ends and writes its record");

    // The swarm ends with the drill: every member back and seated, every order accounted for.
    let status = swarm.wait_exit(Duration::from_secs(60));
    let stdout = swarm.stdout.join("\n");
    let stderr = std::fs::read_to_string(&swarm_log).unwrap_or_default();
    assert!(status.success(), "swarm exited with {status}:\n{stdout}\n{stderr}");
    let summary = swarm.stdout.iter().find(|l| l.contains("summary:")).expect("the swarm's summary");
    // The numbers after "delivered", "unknown", "not sent"; before " orders," and " reconnects".
    let after = |label: &str| -> u64 {
        let at = summary.find(label).unwrap_or_else(|| panic!("{label:?} in {summary}")) + label.len();
        let digits: String = summary[at..].trim_start().chars().take_while(char::is_ascii_digit).collect();
        digits.parse().unwrap_or_else(|_| panic!("a number after {label:?} in {summary}"))
    };
    let before = |label: &str| -> u64 {
        let at = summary.find(label).unwrap_or_else(|| panic!("{label:?} in {summary}"));
        let number = summary[..at].rsplit(' ').next().and_then(|n| n.parse().ok());
        number.unwrap_or_else(|| panic!("a number before {label:?} in {summary}"))
    };
    assert!(summary.contains("summary: 8 of 8 connected, 0 disconnected"), "{summary}");
    assert!(before(" reconnects") >= 1, "no member joined again: {summary}");
    let orders = before(" orders,");
    let accounted = after("delivered") + after("unknown") + after("not sent");
    assert!(orders >= 1, "the swarm's players gave no order: {summary}");
    assert_eq!(accounted, orders, "every swarm order delivered, unknown or not sent: {summary}");
    eprintln!("swarm through the outage: {summary}");
    assert!(out.rejoins >= 1, "the bot never joined again: {out:?}");
    assert!(out.ended.as_ref().is_some_and(|(score, _)| *score == finished.score), "the bot saw the end: {out:?}");
    assert_eq!(out.delivered + out.unknown + out.not_sent, out.orders_sent, "every order accounted for: {out:?}");
    let journaled = mine(&journal) as u32;
    let refused = out.refusals.len() as u32;
    assert!(journaled + refused >= out.delivered, "{journaled} journaled + {refused} refused < delivered: {out:?}");
    assert!(journaled + refused <= out.delivered + out.unknown, "more arrived than was sent: {out:?}");
    assert!(journaled > 1, "the bot played on after the outage: {out:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
