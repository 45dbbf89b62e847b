//! The headless seat, `sandtable-server join`, against a real server on loopback UDP: its trace
//! holds what it really got (welcome, static data, views, the end), its `--orders` reach the
//! drill's journal at their drill time, and a refused seat exits non-zero with the server's
//! reason. And a client of another protocol version is told in words that the versions differ.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use protocol::{ClientMessage, PROTOCOL_VERSION, ServerMessage};
use server::drill::journal::read_journal;
use server::hosting::{ServeOptions, ServerHandle};
use server::net::NetClient;
use sim::{HazardKind, Order, Role};

/// The shortest bundled drill (8 h of fire), served in this process on a loopback port.
fn serve(dir: &Path, autostart: bool, speed: f32) -> ServerHandle {
    let mut opts = ServeOptions::new(common::workspace_root().join("scenarios").join("fire_aubinya.ron"));
    opts.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    opts.record_dir = Some(dir.join("record"));
    opts.autostart = autostart;
    opts.speed = speed;
    opts.bots = autostart;
    opts.linger = Duration::from_millis(1000);
    ServerHandle::spawn(opts).expect("serve the fire drill")
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

#[test]
fn a_headless_seat_traces_what_it_gets_and_sends_its_orders_at_their_drill_time() {
    let bin = common::server_binary();
    let dir = common::temp_dir("join");
    let orders = dir.join("orders.jsonl");
    let order = Order::Report(sim::world::ReportForm::initial("Aubinyà", HazardKind::Fire, "join-seat: 山火"));
    // The order exactly as a journal writes it.
    let line = serde_json::json!({ "at_min": 2, "order": order });
    std::fs::write(&orders, format!("# copied from a journal\n{line}\n")).unwrap();
    let trace = dir.join("trace.jsonl");
    // At 4000× the 8-hour drill takes about 7 s; bots play every other role.
    let server = serve(&dir, true, 4000.0);
    let addr = server.addr.to_string();
    let code = server.codes.join.to_string();

    let mut refused = common::ServerProcess::spawn(
        &bin,
        &["join", &addr, "--code", &code, "--role", "informant:Nowhere", "--seconds", "60"],
        &dir.join("refused.log"),
    );
    // The controller's seat with the join code, and a seat with no code: refused by the token
    // step, in words, before any UDP.
    let mut wrong = common::ServerProcess::spawn(
        &bin,
        &["join", &addr, "--code", &code, "--role", "controller", "--seconds", "60"],
        &dir.join("wrong.log"),
    );
    let mut missing = common::ServerProcess::spawn(
        &bin,
        &["join", &addr, "--role", "informant:Aubinyà", "--seconds", "60"],
        &dir.join("missing.log"),
    );
    let mut seat = common::ServerProcess::spawn(
        &bin,
        &[
            "join",
            &addr,
            "--code",
            &code.to_lowercase().replace('-', ""),
            "--role",
            "informant:Aubinyà",
            "--name",
            "join-seat",
            "--trace",
            path_str(&trace),
            "--orders",
            path_str(&orders),
            "--seconds",
            "120",
        ],
        &dir.join("seat.log"),
    );

    let status = refused.wait_exit(Duration::from_secs(60));
    let log = std::fs::read_to_string(dir.join("refused.log")).unwrap();
    assert_eq!(status.code(), Some(1), "a refused seat exits 1; stderr:\n{log}");
    assert!(log.contains("refused") && log.contains("informant:Nowhere") && log.contains("not on offer"), "{log}");
    for (p, file, words) in [
        (&mut wrong, "wrong.log", "wrong code for controller"),
        (&mut missing, "missing.log", "informant:Aubinyà needs a drill code"),
    ] {
        let status = p.wait_exit(Duration::from_secs(60));
        let log = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(status.code(), Some(1), "a seat without its code exits 1; stderr:\n{log}");
        assert!(log.contains("拒绝 refused") && log.contains(words), "{log}");
    }

    let status = seat.wait_exit(Duration::from_secs(150));
    let log = std::fs::read_to_string(dir.join("seat.log")).unwrap();
    assert!(status.success(), "the seat exited with {status}; stderr:\n{log}\nstdout: {:?}", seat.stdout);
    assert!(seat.stdout.iter().any(|l| l.contains("joined: informant:Aubinyà")), "{:?}", seat.stdout);
    assert!(seat.stdout.iter().any(|l| l.contains("the drill ended")), "left at the end: {:?}", seat.stdout);
    let finished = server.join().expect("the drill ends and writes its record");

    // The trace: one JSON object a line, in the order the seat got them.
    let text = std::fs::read_to_string(&trace).unwrap();
    let msgs: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("trace line {l}: {e}"))).collect();
    let kind = |m: &serde_json::Value| m.as_object().and_then(|o| o.keys().next().cloned()).unwrap_or_default();
    assert_eq!(kind(&msgs[0]), "Welcome", "the welcome comes first: {}", &text[..text.len().min(300)]);
    assert_eq!(msgs[0]["Welcome"]["role"], serde_json::json!({ "Informant": "Aubinyà" }));
    let data = msgs.iter().find(|m| kind(m) == "Static").expect("static data in the trace");
    assert!(data.to_string().contains("\"bytes\""), "the map's blobs are summarised: {data}");
    assert!(data.to_string().len() < 200_000, "the terrain is not written out byte by byte");
    let views: Vec<&serde_json::Value> = msgs.iter().filter(|m| kind(m) == "View").collect();
    assert!(views.len() >= 2, "views in the trace: {}", views.len());
    assert!(
        views.iter().all(|v| v["View"]["role"] == msgs[0]["Welcome"]["role"]),
        "every view built for the seat's role"
    );
    let ended = msgs.iter().find(|m| kind(m) == "Ended").expect("the end in the trace");
    assert_eq!(ended["Ended"]["score"].as_f64(), Some(finished.score));

    // The journal holds the seat's report, given at or after its drill time, and nothing refused.
    let journal = read_journal(&dir.join("record").join("journal.jsonl")).unwrap();
    let mine: Vec<_> = journal.iter().filter(|l| l.player == "join-seat").collect();
    assert_eq!(mine.len(), 1, "exactly the one ordered report: {mine:?}");
    assert_eq!(mine[0].order.as_ref(), Some(&order));
    assert_eq!(mine[0].role, "informant:Aubinyà");
    assert!(mine[0].t_s >= 120, "sent at drill minute 2 or later, not at {} s", mine[0].t_s);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Pumps `c` until a refusal comes (bounded).
fn refusal(c: &mut NetClient) -> String {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        c.update().expect("client update");
        if let Some(m) = c.receive().into_iter().next() {
            match m {
                ServerMessage::Refused { reason } => return reason,
                other => panic!("expected a refusal, got {other:?}"),
            }
        }
        c.flush().expect("client flush");
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("no refusal within 20 s");
}

#[test]
fn a_client_of_another_protocol_version_is_told_the_versions_differ() {
    let dir = common::temp_dir("versions");
    let server = serve(&dir, false, 60.0);
    let request =
        server::net::JoinRequest::role(Role::Controller, "now").with_code(Some(server.codes.controller.to_string()));
    let mut c = NetClient::connect(server.addr, &request).expect("client socket");
    c.wait_connected(Duration::from_secs(10)).expect("same major version: netcode connects");

    // A future version's hello whose fields no longer decode: tag 0, varint version, then junk.
    let future = PROTOCOL_VERSION + 1;
    assert!(future < 128, "one-byte varint in this sample");
    c.send_raw(vec![0x00, future as u8, 0xff, 0xff, 0xff]);
    let reason = refusal(&mut c);
    assert!(reason.contains("versions differ"), "{reason}");
    assert!(reason.contains(&format!("client protocol {future}")), "{reason}");
    assert!(reason.contains(&format!("server protocol {PROTOCOL_VERSION}")), "{reason}");

    // An old build's hello (version 1's 64-bit id), which decodes.
    c.send(&ClientMessage::Hello {
        protocol: 0x5a4e_5441_0000_0001,
        seat: protocol::Seat::Role(Role::Controller),
        player: "old".into(),
    });
    let reason = refusal(&mut c);
    assert!(reason.contains("versions differ") && reason.contains("0x5a4e544100000001"), "{reason}");

    // The same client may still join with this build's version.
    c.send(&server::net::client::hello(Role::Controller, "now"));
    let start = Instant::now();
    let welcomed = loop {
        assert!(start.elapsed() < Duration::from_secs(20), "no welcome within 20 s");
        c.update().expect("client update");
        if c.receive().iter().any(|m| matches!(m, ServerMessage::Welcome { .. })) {
            break true;
        }
        c.flush().expect("client flush");
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(welcomed);
    c.disconnect();
    server.stop().expect("stop writes the record");
    let _ = std::fs::remove_dir_all(&dir);
}
