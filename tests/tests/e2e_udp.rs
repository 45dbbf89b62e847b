//! End to end over real UDP: the real `sandtable-server serve` binary on a loopback port, renet
//! bot clients in some roles (the controller starts the drill at high speed), one client sending
//! garbage and one giving an order its role may not give; both are refused and logged, the drill
//! goes on to its end, and the record directory holds what it must.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::thread;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, Control, ServerMessage};
use server::bots::Bot;
use server::bots::udp::run_udp_bot;
use server::drill::journal::read_journal;
use server::net::NetClient;
use sim::{Order, Role};

/// A client and the messages it received but no test step has consumed yet.
struct Peer {
    c: NetClient,
    pending: Vec<ServerMessage>,
}

/// Pumps until a message matches `want` (earlier unmatched ones are kept); panics after 20 s.
fn wait_for(p: &mut Peer, what: &str, want: impl Fn(&ServerMessage) -> bool) -> ServerMessage {
    wait_longer_for(p, what, Duration::from_secs(20), want)
}

/// [`wait_for`] with its own time limit: a whole drill takes longer on a loaded machine.
fn wait_longer_for(p: &mut Peer, what: &str, limit: Duration, want: impl Fn(&ServerMessage) -> bool) -> ServerMessage {
    let start = Instant::now();
    while start.elapsed() < limit {
        if let Some(i) = p.pending.iter().position(&want) {
            return p.pending.remove(i);
        }
        p.c.update().expect("client update");
        p.pending.extend(p.c.receive());
        p.c.flush().expect("client flush");
        thread::sleep(Duration::from_millis(5));
    }
    panic!("no {what} from the server within {limit:?}");
}

fn refused_reason(m: &ServerMessage) -> &str {
    match m {
        ServerMessage::Refused { reason } => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_real_server_over_udp_refuses_bad_clients_and_plays_the_drill_to_its_end() {
    let bin = common::server_binary();
    let dir = common::temp_dir("udp");
    let rec = dir.join("record");
    let log = dir.join("server.log");
    let rec_arg = rec.to_str().expect("utf-8 temp path");
    // The default scenario on the bundled map; bots in every role nobody takes.
    let mut srv = common::ServerProcess::spawn(
        &bin,
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--record-dir",
            rec_arg,
            "--bots",
            "all",
            "--code",
            "e2e-join",
            "--controller-code",
            "E2E-BOSS",
        ],
        &log,
    );
    let roles: Vec<Role> = srv
        .wait_for("roles: ", Duration::from_secs(60))
        .split(", ")
        .map(|r| r.parse().unwrap_or_else(|e| panic!("server printed a bad role: {e}")))
        .collect();
    let printed_record = srv.wait_for("record: ", Duration::from_secs(5));
    assert_eq!(printed_record, rec_arg);
    // The codes, as given, printed to be read out in the hall.
    assert_eq!(srv.wait_for("join code:", Duration::from_secs(5)).trim(), "E2EJ-OIN");
    assert_eq!(srv.wait_for("controller code:", Duration::from_secs(5)).trim(), "E2EB-OSS");
    let addr: SocketAddr = srv.wait_for("listening: ", Duration::from_secs(5)).parse().expect("a socket address");
    assert_eq!(addr.ip().to_string(), "127.0.0.1");
    assert_ne!(addr.port(), 0);

    let informants: Vec<&Role> = roles.iter().filter(|r| matches!(r, Role::Informant(_))).collect();
    let command =
        roles.iter().find(|r| matches!(r, Role::Command(_))).expect("the scenario offers a command post").clone();
    assert!(informants.len() >= 2, "the default scenario should offer several informants: {roles:?}");
    assert!(roles.contains(&Role::Controller));

    let stop = Arc::new(AtomicBool::new(false));
    let spawn = |bot: Bot| {
        let stop = stop.clone();
        let bot = if *bot.role() == Role::Controller { bot.with_code("e2e-boss") } else { bot.with_code("E2EJOIN") };
        thread::spawn(move || run_udp_bot(addr, bot, &stop, Duration::from_secs(300)))
    };
    let informant_bot = spawn(Bot::new(informants[0].clone()).named("e2e-informant"));
    let command_bot = spawn(Bot::new(command.clone()).named("e2e-command"));

    // A rogue client in another informant's role: garbage, then an order informants may not give.
    let request = server::net::JoinRequest::role(informants[1].clone(), "rogue").with_code(Some("e2e-join".into()));
    let mut rogue = Peer { c: NetClient::join(addr, &request).expect("client socket"), pending: Vec::new() };
    rogue.c.wait_connected(Duration::from_secs(10)).expect("connect to the real server");
    let welcome = wait_for(&mut rogue, "welcome", |m| matches!(m, ServerMessage::Welcome { .. }));
    assert!(matches!(&welcome, ServerMessage::Welcome { role, .. } if role == informants[1]));
    let data = wait_for(&mut rogue, "static data", |m| matches!(m, ServerMessage::Static(_)));
    if let ServerMessage::Static(s) = &data {
        // Its briefing, for its own village, and never the scenario file.
        assert!(s.controller.is_none(), "the script went to an informant");
        let briefing = s.briefing.as_ref().expect("a role seat's briefing");
        assert_eq!(&briefing.role, informants[1]);
        assert!(!briefing.plan.levels.is_empty(), "the plan's levels");
        assert!(s.map_json.len() > 1000 && s.terrain_bin.len() > 1000, "the map's files");
    }
    let view = wait_for(&mut rogue, "view", |m| matches!(m, ServerMessage::View(_)));
    assert!(matches!(&view, ServerMessage::View(v) if &v.role == informants[1]), "a view built for the rogue's role");

    rogue.c.send_raw(b"\xff\xfe garbage \x00\x01".to_vec());
    let r = wait_for(&mut rogue, "refusal of garbage", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(refused_reason(&r).contains("undecodable"), "{r:?}");
    rogue.c.send(&ClientMessage::Order(Order::ActivateLevel { level: sim::scenario::Level::I }));
    let r = wait_for(&mut rogue, "refusal of the order", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(refused_reason(&r).contains("may not give"), "{r:?}");
    rogue.c.send(&ClientMessage::Control(Control::Start));
    let r = wait_for(&mut rogue, "refusal of the control", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(refused_reason(&r).contains("only the controller"), "{r:?}");

    // The controller starts the drill at high speed; everyone plays on to the end.
    let controller_bot = spawn(Bot::new(Role::Controller).named("e2e-controller").starting_at(5_000.0));
    let ended = wait_longer_for(&mut rogue, "end of the drill", Duration::from_secs(300), |m| {
        matches!(m, ServerMessage::Ended { .. })
    });
    let ServerMessage::Ended { score, summary } = ended else { unreachable!() };
    assert!((0.0..=100.0).contains(&score), "score {score}");
    assert!(summary.contains("得分 Score"), "{summary}");
    rogue.c.disconnect();

    for (name, h) in [("informant", informant_bot), ("command", command_bot), ("controller", controller_bot)] {
        let o = h.join().expect("bot thread").unwrap_or_else(|e| panic!("{name} bot: {e}"));
        assert!(o.views > 0, "the {name} bot got no view");
        assert_eq!(o.ended.as_ref().map(|e| e.0), Some(score), "the {name} bot did not see the same end");
        // An order in flight when the last tick ends the drill is refused as too late, and
        // materials sent down a road the post did not know was closed (its view holds only the
        // closures reported to it) find no route, as a person's would; any other refusal of a bot
        // means the bot and the server disagree about the rules.
        let unexpected: Vec<&String> = o
            .refusals
            .iter()
            .filter(|r| !r.contains("the drill has ended") && !r.contains("closed: no route"))
            .collect();
        assert!(unexpected.is_empty(), "the {name} bot was refused: {unexpected:?}");
    }
    let status = srv.wait_exit(Duration::from_secs(60));
    assert!(status.success(), "server exited with {status}; stdout: {:?}", srv.stdout);
    assert!(srv.stdout.iter().any(|l| l.contains("得分 Score")), "no summary printed: {:?}", srv.stdout);

    // The record.
    for f in ["scenario.ron", "seed.txt", "meta.json", "journal.jsonl", "events.jsonl", "report.json"] {
        assert!(rec.join(f).is_file(), "{f} missing from the record");
    }
    let journal = read_journal(&rec.join("journal.jsonl")).expect("journal parses");
    assert!(journal.windows(2).all(|w| w[1].seq == w[0].seq + 1 && w[0].t_s <= w[1].t_s), "journal out of order");
    let controls: Vec<&Control> =
        journal.iter().filter(|l| l.player == "e2e-controller").filter_map(|l| l.control.as_ref()).collect();
    assert_eq!(controls, vec![&Control::SetSpeed(5_000.0), &Control::Start], "the controller's commands, in order");
    assert!(
        journal.iter().any(|l| l.player == "e2e-command" && l.order.is_some()),
        "the UDP command post's orders are missing"
    );
    assert!(!journal.iter().any(|l| l.player == "rogue"), "a refused command reached the journal");
    assert!(journal.iter().any(|l| l.player.starts_with("bot-")), "in-process bots played the other roles");
    let report = common::read_json(&rec.join("report.json"));
    assert_eq!(report["score"].as_f64(), Some(score));
    assert!(report["actions"].as_array().is_some_and(|a| !a.is_empty()), "required actions in the report");
    let meta = common::read_json(&rec.join("meta.json"));
    assert_eq!(meta["finished"], true);
    assert_eq!(meta["mode"], "serve");
    let events = std::fs::read_to_string(rec.join("events.jsonl")).expect("events");
    assert!(events.contains("DrillEnded"));
    // Both refusals were logged with who sent them.
    let log = std::fs::read_to_string(&log).expect("server log");
    let refusals: Vec<&str> = log.lines().filter(|l| l.contains("refused") && l.contains("rogue")).collect();
    assert!(refusals.iter().any(|l| l.contains("undecodable")), "garbage not logged: {refusals:?}");
    assert!(refusals.iter().any(|l| l.contains("may not give")), "unauthorised order not logged: {refusals:?}");
}
