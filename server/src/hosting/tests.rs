//! The serve loop over real UDP on loopback: renet bot clients, a client sending garbage and one
//! giving an order its role may not give, in-process bots in the other roles; the record checked.

use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::{Duration, Instant};

use protocol::ServerMessage;
use sim::{Order, Role};

use super::{ServeOptions, ServerHandle, Serving};
use crate::bots::Bot;
use crate::bots::udp::run_udp_bot;
use crate::drill::{journal, record};
use crate::net::NetClient;
use crate::testkit;

/// A client and the messages it received but no test step has consumed yet.
struct Peer {
    c: NetClient,
    pending: Vec<ServerMessage>,
}

/// Pumps until a message matches `want` (earlier unmatched ones are kept) or 10 s pass.
fn wait_for(p: &mut Peer, want: impl Fn(&ServerMessage) -> bool) -> ServerMessage {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Some(i) = p.pending.iter().position(&want) {
            return p.pending.remove(i);
        }
        p.c.update().unwrap();
        p.pending.extend(p.c.receive());
        p.c.flush().unwrap();
        thread::sleep(Duration::from_millis(5));
    }
    panic!("no matching message within 10 s");
}

#[test]
fn a_drill_over_udp_refuses_garbage_and_unauthorised_orders_and_goes_on_to_the_end() {
    let dir = testkit::temp_dir("udp");
    let setup = testkit::setup(&dir);
    let mut opts = ServeOptions::new(setup.scenario_path.clone());
    opts.bind = "127.0.0.1:0".parse().unwrap();
    opts.record_dir = Some(dir.join("rec"));
    opts.linger = Duration::from_millis(800);
    let server = ServerHandle::run(Serving::from_setup(setup, opts).unwrap()).unwrap();
    let addr = server.addr;

    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let codes = server.codes.clone();
    let spawn = |bot: Bot| {
        let stop = stop.clone();
        let code = codes.code_for(&protocol::Seat::Role(bot.role().clone()));
        let bot = bot.with_code(code);
        thread::spawn(move || run_udp_bot(addr, bot, &stop, Duration::from_secs(60)))
    };
    let informant = spawn(Bot::new("informant:Alpha".parse().unwrap()).named("udp-alpha"));
    let command = spawn(Bot::new(Role::Command(None)).named("udp-command"));

    // A client that sends garbage, then an order its role may not give.
    let request = crate::net::JoinRequest::role("informant:Beta".parse().unwrap(), "rogue")
        .with_code(Some(server.codes.join.to_string()));
    let mut rogue = Peer { c: NetClient::join(addr, &request).unwrap(), pending: Vec::new() };
    rogue.c.wait_connected(Duration::from_secs(10)).unwrap();
    wait_for(&mut rogue, |m| matches!(m, ServerMessage::Welcome { .. }));
    rogue.c.send_raw(vec![0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff]);
    let r = wait_for(&mut rogue, |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(matches!(&r, ServerMessage::Refused { reason } if reason.contains("undecodable")), "{r:?}");
    rogue.c.send(&protocol::ClientMessage::Order(Order::ActivateLevel { level: sim::scenario::Level::I }));
    let r = wait_for(&mut rogue, |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(matches!(&r, ServerMessage::Refused { reason } if reason.contains("may not give")), "{r:?}");

    // Now the controller starts the drill fast; everyone plays to the end.
    let controller = spawn(Bot::new(Role::Controller).named("udp-controller").starting_at(3600.0));
    let ended = wait_for(&mut rogue, |m| matches!(m, ServerMessage::Ended { .. }));
    rogue.c.disconnect();
    let finished = server.join().unwrap();
    let ServerMessage::Ended { score, .. } = ended else { unreachable!() };
    assert_eq!(score, finished.score);

    for (name, h) in [("informant", informant), ("command", command), ("controller", controller)] {
        let o = h.join().unwrap().unwrap_or_else(|e| panic!("{name} bot: {e}"));
        assert!(o.ended.is_some(), "{name} bot did not see the end");
        assert!(o.views > 0, "{name} bot got no view");
        // At 3600× an order decided on the last view before the end can reach the server after
        // it (one drill hour a second): that refusal is the race, not a bot at fault.
        let ended = sim::access::Refusal::Ended.to_string();
        let wrong: Vec<&String> = o.refusals.iter().filter(|r| **r != ended).collect();
        assert!(wrong.is_empty(), "{name} bot was refused: {:?}", o.refusals);
    }

    let rec = dir.join("rec");
    let lines = journal::read_journal(&rec.join(record::JOURNAL)).unwrap();
    assert!(lines.windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[0].t_s <= w[1].t_s), "journal out of order");
    // The controller's start is journaled; the refused order is not.
    assert!(lines.iter().any(|l| l.player == "udp-controller" && l.control == Some(protocol::Control::Start)));
    assert!(lines.iter().any(|l| l.player == "udp-alpha"), "the UDP informant's orders are missing");
    assert!(lines.iter().any(|l| l.player == "udp-command"), "the UDP command post's orders are missing");
    assert!(!lines.iter().any(|l| l.player == "rogue"), "a refused order reached the journal");
    // Roles nobody took over UDP were played by in-process bots.
    assert!(lines.iter().any(|l| l.role == "informant:Gamma" && l.player == "bot-informant:Gamma"));
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(rec.join(record::REPORT)).unwrap()).unwrap();
    assert!(report["score"].as_f64().is_some());
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(rec.join(record::META)).unwrap()).unwrap();
    assert_eq!(meta["finished"], true);
}

/// Seats over real UDP: two people share the command post and both their orders are journaled
/// under their names; the controller steps exactly one drill minute; an observer and the
/// projector get the public situation, then the observer the role the controller shows, and
/// the projector the area it focuses on; neither gets a role's briefing or the script.
#[test]
fn several_people_in_one_role_an_observer_and_the_projector_over_udp() {
    use protocol::{ClientMessage, Control, Seat};

    let dir = testkit::temp_dir("udp-seats");
    let setup = testkit::setup(&dir);
    let mut opts = ServeOptions::new(setup.scenario_path.clone());
    opts.bind = "127.0.0.1:0".parse().unwrap();
    opts.record_dir = Some(dir.join("rec"));
    let server = ServerHandle::run(Serving::from_setup(setup, opts).unwrap()).unwrap();
    let join = |seat: &str, name: &str| {
        let seat = seat.parse::<Seat>().unwrap();
        let request = crate::net::JoinRequest::new(seat.clone(), name).with_code(Some(server.code_for(&seat)));
        let mut p = Peer { c: NetClient::join(server.addr, &request).unwrap(), pending: Vec::new() };
        p.c.wait_connected(Duration::from_secs(10)).unwrap();
        p
    };
    let mut chief = join("command", "指挥长 王五");
    let mut duty = join("command", "值班员 赵六");
    let mut observer = join("observer", "观摩 甲");
    let mut projector = join("projector", "大屏");
    let mut controller = join("controller", "导调 李");
    let join_code = server.codes.join.to_string();
    for (i, p) in [&mut chief, &mut duty, &mut controller].into_iter().enumerate() {
        wait_for(p, |m| matches!(m, ServerMessage::Welcome { .. }));
        // The codes reach the controller's console, and no other role.
        let s = wait_for(p, |m| matches!(m, ServerMessage::Static(_)));
        let ServerMessage::Static(d) = s else { unreachable!() };
        assert_eq!(d.join_code, None);
        let codes = d.controller.and_then(|c| c.codes);
        if i == 2 {
            let codes = codes.expect("the controller's console shows the codes");
            assert_eq!((codes.join.as_str(), codes.controller.len()), (join_code.as_str(), 7));
        } else {
            assert_eq!(codes, None, "a command post got the codes");
        }
    }
    for (p, shows_code) in [(&mut observer, false), (&mut projector, true)] {
        wait_for(p, |m| matches!(m, ServerMessage::Seated { .. }));
        let s = wait_for(p, |m| matches!(m, ServerMessage::Static(_)));
        assert!(
            matches!(&s, ServerMessage::Static(d) if d.briefing.is_none() && d.controller.is_none() && d.public.is_some()),
            "a public seat got a role's static data"
        );
        // The projector shows the join code to the hall; observers are not given it.
        let ServerMessage::Static(d) = &s else { unreachable!() };
        assert_eq!(d.join_code.as_deref(), shows_code.then_some(join_code.as_str()));
        wait_for(p, |m| matches!(m, ServerMessage::Public(_)));
    }
    chief.c.send(&ClientMessage::Order(Order::Warn { village: "Alpha".into() }));
    duty.c.send(&ClientMessage::Order(Order::Warn { village: "Beta".into() }));
    for p in [&mut chief, &mut duty] {
        p.c.update().unwrap();
        p.c.flush_now().unwrap();
    }
    // One drill minute, then paused.
    controller.c.send(&ClientMessage::Control(Control::Step));
    let clock = wait_for(&mut controller, |m| matches!(m, ServerMessage::Clock(c) if c.t_s > 0));
    assert!(matches!(&clock, ServerMessage::Clock(c) if c.t_s == 60 && !c.running), "{clock:?}");
    // The projector's public situation follows: the two warnings are announced.
    // (The orders and the step may reach the server in one tick or in two: a situation at
    // 0 s with the warnings may come first.)
    wait_for(&mut projector, |m| matches!(m, ServerMessage::Public(p) if p.villages_warned >= 2 && p.t_s == 60));
    // The controller shows observers the command post, and focuses the projector.
    let area = [0.0, 0.0, 1500.0, 1200.0];
    controller.c.send(&ClientMessage::Control(Control::ShowObservers(Some(Role::Command(None)))));
    controller.c.send(&ClientMessage::Control(Control::FocusArea(Some(area))));
    controller.c.flush_now().unwrap();
    let v = wait_for(&mut observer, |m| matches!(m, ServerMessage::View(_)));
    assert!(matches!(&v, ServerMessage::View(v) if v.role == Role::Command(None)), "the observer sees the post");
    wait_for(&mut projector, |m| *m == ServerMessage::Focus(Some(area)));
    // The live score board reaches the controller.
    wait_for(&mut controller, |m| matches!(m, ServerMessage::Score(_)));
    for p in [&mut observer, &mut projector] {
        assert!(
            !p.pending.iter().any(|m| matches!(m, ServerMessage::Welcome { .. } | ServerMessage::Score(_))),
            "a public seat got a role seat's message"
        );
    }
    for mut p in [chief, duty, observer, projector, controller] {
        p.c.disconnect();
    }
    server.stop().unwrap();
    let lines = journal::read_journal(&dir.join("rec").join(record::JOURNAL)).unwrap();
    let warned: Vec<(&str, &str)> = lines
        .iter()
        .filter_map(|l| match &l.order {
            Some(Order::Warn { village }) => Some((village.as_str(), l.player.as_str())),
            _ => None,
        })
        .collect();
    assert!(warned.contains(&("Alpha", "指挥长 王五")), "{warned:?}");
    assert!(warned.contains(&("Beta", "值班员 赵六")), "{warned:?}");
    assert!(lines.iter().any(|l| l.control == Some(Control::Step) && l.player == "导调 李"));
}

/// Views go as deltas over real UDP: a command seat, the controller viewing as an informant and
/// the projector follow a whole drill; every message they rebuild decodes (none is refused as
/// undecodable), the views after the first of each kind are deltas, and the bytes on the views
/// channel are a fraction of what the same views would have taken whole.
#[test]
fn views_go_as_deltas_against_the_last_view_and_rebuild_exactly() {
    use protocol::{ClientMessage, Control, Seat};

    let dir = testkit::temp_dir("udp-deltas");
    let setup = testkit::setup(&dir);
    let mut opts = ServeOptions::new(setup.scenario_path.clone());
    opts.bind = "127.0.0.1:0".parse().unwrap();
    opts.record_dir = Some(dir.join("rec"));
    opts.linger = Duration::from_millis(800);
    opts.speed = 1200.0;
    let server = ServerHandle::run(Serving::from_setup(setup, opts).unwrap()).unwrap();
    let join = |seat: &str| {
        let seat = seat.parse::<Seat>().unwrap();
        let code = server.codes.code_for(&seat);
        let request = crate::net::JoinRequest::new(seat, "delta").with_code(Some(code));
        let mut p = Peer { c: NetClient::join(server.addr, &request).unwrap(), pending: Vec::new() };
        p.c.wait_connected(Duration::from_secs(10)).unwrap();
        p
    };
    let mut seats = [join("command"), join("projector"), join("controller")];
    wait_for(&mut seats[2], |m| matches!(m, ServerMessage::Welcome { .. }));
    let watched: Role = "informant:Alpha".parse().unwrap();
    seats[2].c.send(&ClientMessage::Control(Control::ViewAs(Some(watched.clone()))));
    seats[2].c.send(&ClientMessage::Control(Control::Start));
    let mut whole = [0u64; 3];
    let mut counts = [0u32; 3];
    let (mut firsts, mut first_bytes) = (<[std::collections::BTreeSet<String>; 3]>::default(), [0u64; 3]);
    let mut ended = [false; 3];
    let start = Instant::now();
    while ended.iter().any(|e| !e) && start.elapsed() < Duration::from_secs(60) {
        for (i, p) in seats.iter_mut().enumerate() {
            p.c.update().unwrap();
            for m in p.c.receive() {
                match &m {
                    ServerMessage::View(v) => {
                        assert_eq!(v.role, if i == 0 { Role::Command(None) } else { Role::Controller })
                    }
                    ServerMessage::Watched(v) => assert_eq!(v.role, watched),
                    ServerMessage::Public(_) => assert_eq!(i, 1),
                    ServerMessage::Ended { .. } => ended[i] = true,
                    ServerMessage::Delta(_) => panic!("a delta reached the caller"),
                    _ => continue,
                }
                if let Some(kind) = protocol::DeltaKind::of(&m) {
                    let bytes = protocol::encode(&m).len() as u64;
                    // The first view of each kind goes whole: it is not what deltas save on.
                    if firsts[i].insert(format!("{kind:?}")) {
                        first_bytes[i] += bytes;
                    }
                    whole[i] += bytes;
                    counts[i] += 1;
                }
            }
            p.c.flush().unwrap();
        }
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(ended, [true; 3], "every seat saw the end");
    for (i, p) in seats.iter_mut().enumerate() {
        assert_eq!(p.c.undecodable, 0, "seat {i}: a view did not rebuild");
        assert!(counts[i] >= 10, "seat {i}: only {} views", counts[i]);
        let (sent, whole) = (p.c.view_bytes - first_bytes[i], whole[i] - first_bytes[i]);
        // The projector's public situation is a few hundred bytes, most of which change between
        // views at this speed: its deltas save less than a role's view's do.
        let saving = if i == 1 { 1.5 } else { 2.0 };
        assert!(
            sent as f64 * saving < whole as f64,
            "seat {i}: {sent} bytes of views after the first sent for {whole} whole ({} views)",
            counts[i]
        );
        p.c.disconnect();
    }
    server.join().unwrap();
}

/// `serve --metrics`: `/healthz` and `/metrics` scraped over real TCP while a drill runs with a
/// person in the command post over UDP: the client and its seat are counted, the drill time
/// moves and ticks are measured.
#[test]
fn health_and_metrics_are_served_over_http_while_the_drill_runs() {
    use std::io::{Read, Write};

    fn get(addr: std::net::SocketAddr, path: &str) -> String {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }
    let dir = testkit::temp_dir("metrics");
    let setup = testkit::setup(&dir);
    let mut opts = ServeOptions::new(setup.scenario_path.clone());
    opts.bind = "127.0.0.1:0".parse().unwrap();
    opts.record_dir = Some(dir.join("rec"));
    opts.metrics = Some("127.0.0.1:0".parse().unwrap());
    opts.autostart = true;
    let serving = Serving::from_setup(setup, opts).unwrap();
    let metrics = serving.metrics_addr().expect("metrics bound");
    let server = ServerHandle::run(serving).unwrap();
    let code = server.codes.code_for(&protocol::Seat::Role(Role::Command(None)));
    let request = crate::net::JoinRequest::role(Role::Command(None), "指挥长").with_code(Some(code));
    let mut chief = Peer { c: NetClient::join(server.addr, &request).unwrap(), pending: Vec::new() };
    chief.c.wait_connected(Duration::from_secs(10)).unwrap();
    wait_for(&mut chief, |m| matches!(m, ServerMessage::Welcome { .. }));
    wait_for(&mut chief, |m| matches!(m, ServerMessage::View(v) if v.t_s >= 120));
    // The loop publishes every tick: wait for the one after the join.
    let start = Instant::now();
    let mut text = get(metrics, "/metrics");
    while !text.contains("sandtable_seats{kind=\"role\"} 1\n") && start.elapsed() < Duration::from_secs(10) {
        thread::sleep(Duration::from_millis(100));
        text = get(metrics, "/metrics");
    }
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("sandtable_clients_connected 1\n"), "{text}");
    assert!(text.contains("sandtable_seats{kind=\"role\"} 1\n"), "{text}");
    assert!(text.contains("sandtable_drill_running 1\n"), "{text}");
    let count = text.lines().find_map(|l| l.strip_prefix("sandtable_tick_seconds_count ")).unwrap();
    assert!(count.parse::<u64>().unwrap() > 0, "{text}");
    assert!(!text.contains("sandtable_bytes_sent_total 0\n"), "{text}");
    let health = get(metrics, "/healthz");
    assert!(health.starts_with("HTTP/1.1 200 OK\r\n"), "{health}");
    assert!(health.contains("\"running\":true") && health.contains("\"clients\":1"), "{health}");
    let drill_s: u32 = health.split("\"drill_s\":").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(drill_s >= 60, "{health}");
    chief.c.disconnect();
    server.stop().unwrap();
}
