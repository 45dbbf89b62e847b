//! Hostile clients against a served drill over real UDP (and the token step's TCP) on loopback:
//! wrong and missing codes, a forged role, another protocol version, replayed datagrams
//! (captured by a relay between a real client and the server, then sent again), a flood of
//! orders, oversized and malformed messages. A legitimate informant plays on through all of it,
//! and the journal holds its orders, each once, and nothing else.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use protocol::admission::{TokenReply, read_frame};
use protocol::{ClientMessage, Control, Seat, ServerMessage};
use server::admission::{Code, DrillCodes};
use server::drill::journal::read_journal;
use server::hosting::{ServeOptions, ServerHandle};
use server::net::client::ClientError;
use server::net::{JoinRequest, NetClient};
use sim::{HazardKind, Order, Role};

const JOIN: &str = "JOIN-22";
const BOSS: &str = "BOSS-22";
const VILLAGE: &str = "Aubinyà";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// The fire drill, paused, no bots: only the test's seats act.
fn serve(tag: &str) -> (ServerHandle, PathBuf) {
    let dir = std::env::temp_dir().join(format!("sandtable-hostile-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut opts = ServeOptions::new(root().join("scenarios").join("fire_aubinya.ron"));
    opts.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    opts.record_dir = Some(dir.join("rec"));
    opts.bots = false;
    opts.linger = Duration::from_millis(200);
    opts.codes = Some(DrillCodes::new(Code::parse(JOIN).ok(), Code::parse(BOSS).ok(), Vec::new()).unwrap());
    (ServerHandle::spawn(opts).expect("serve"), dir)
}

fn informant() -> JoinRequest {
    JoinRequest::role(Role::Informant(VILLAGE.into()), "信息员 张三").with_code(Some("join22".into()))
}

fn report(note: &str) -> ClientMessage {
    ClientMessage::Order(Order::Report(sim::world::ReportForm::initial(VILLAGE, HazardKind::Fire, note)))
}

/// Pumps `c` until a message matches `want`; panics after 20 s.
fn wait_for(c: &mut NetClient, what: &str, want: impl Fn(&ServerMessage) -> bool) -> ServerMessage {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        c.update().expect("client update");
        if let Some(m) = c.receive().into_iter().find(&want) {
            return m;
        }
        c.flush().expect("client flush");
        thread::sleep(Duration::from_millis(5));
    }
    panic!("no {what} within 20 s");
}

fn joined(server: SocketAddr, request: &JoinRequest) -> NetClient {
    let mut c = NetClient::join(server, request).expect("join");
    c.wait_connected(Duration::from_secs(10)).expect("connected");
    wait_for(&mut c, "welcome", |m| matches!(m, ServerMessage::Welcome { .. } | ServerMessage::Seated { .. }));
    c
}

/// Sends a report with `note`, then waits until the server tells of it (journaled and applied).
fn give_report(c: &mut NetClient, note: &str) {
    c.send(&report(note));
    c.flush_now().unwrap();
    let filed = |m: &ServerMessage| matches!(m, ServerMessage::Events(ev) if ev.iter().any(|e| matches!(e.kind, sim::EventKind::ReportFiled { .. })));
    let r = wait_for(c, "the report's event", |m| filed(m) || matches!(m, ServerMessage::Refused { .. }));
    assert!(filed(&r), "the report `{note}` was refused: {r:?}");
}

fn journal(dir: &Path) -> Vec<server::drill::JournalLine> {
    read_journal(&dir.join("rec").join("journal.jsonl")).expect("journal")
}

#[test]
fn wrong_codes_a_forged_role_and_another_version_are_refused_and_the_seat_plays_on() {
    let (server, dir) = serve("codes");
    let mut seat = joined(server.addr, &informant());

    // The join code does not open the controller's seat; no code opens nothing.
    let wrong = JoinRequest::role(Role::Controller, "冒充").with_code(Some(JOIN.into()));
    match NetClient::connect(server.addr, &wrong) {
        Err(ClientError::Refused(reason)) => assert!(reason.contains("wrong code for controller"), "{reason}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }
    match NetClient::connect(server.addr, &JoinRequest::new(Seat::Projector, "x")) {
        Err(ClientError::Refused(reason)) => assert!(reason.contains("needs a drill code"), "{reason}"),
        other => panic!("expected a refusal, got {:?}", other.map(|_| ())),
    }

    // A forged role: a token for an informant's seat, a hello for the controller's.
    let mut forger = NetClient::connect(
        server.addr,
        &JoinRequest::role(Role::Informant(VILLAGE.into()), "冒充").with_code(Some(JOIN.into())),
    )
    .unwrap();
    forger.wait_connected(Duration::from_secs(10)).unwrap();
    forger.send(&server::net::client::hello(Role::Controller, "冒充导调"));
    let r = wait_for(&mut forger, "refusal", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(matches!(&r, ServerMessage::Refused { reason } if reason.contains("not controller")), "{r:?}");
    forger.send(&ClientMessage::Control(Control::SetSpeed(100_000.0)));
    let r = wait_for(&mut forger, "refusal", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(matches!(&r, ServerMessage::Refused { reason } if reason.contains("Hello")), "{r:?}");

    // Another protocol version at the token step: read first, refused in words.
    let mut tcp = TcpStream::connect(server.addr).unwrap();
    let old = (4u64, Seat::Role(Role::Controller), "old".to_string(), Some(BOSS.to_string()));
    let body = protocol::encode(&old);
    tcp.write_all(&(body.len() as u32).to_le_bytes()).unwrap();
    tcp.write_all(&body).unwrap();
    let reply: TokenReply = protocol::decode(&read_frame(&mut tcp).unwrap()).unwrap();
    assert!(
        matches!(&reply, TokenReply::Refused { reason } if reason.contains("client protocol 4") && reason.contains("versions differ")),
        "{reply:?}"
    );
    // A build of the unsecure major version 1: netcode drops it without a session.
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let auth = renet_netcode::ClientAuthentication::Unsecure {
        protocol_id: 0x5a4e_5441_0000_0001,
        client_id: 77,
        server_addr: server.addr,
        user_data: None,
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    let mut old_transport = renet_netcode::NetcodeClientTransport::new(now, auth, socket).unwrap();
    let mut old_client = renet::RenetClient::new(protocol::connection_config());
    for _ in 0..100 {
        old_transport.update(Duration::from_millis(10), &mut old_client).unwrap();
        thread::sleep(Duration::from_millis(10));
    }
    assert!(!old_client.is_connected(), "an unsecure client got in");

    // The real informant plays on; the controller's seat is still free for the controller.
    give_report(&mut seat, "山火 1");
    let boss = JoinRequest::role(Role::Controller, "导调").with_code(Some("boss22".into()));
    let mut boss = joined(server.addr, &boss);
    for c in [&mut seat, &mut forger, &mut boss] {
        c.disconnect();
    }
    server.stop().unwrap();
    let lines = journal(&dir);
    assert_eq!(lines.len(), 1, "only the informant's report: {lines:?}");
    assert_eq!(lines[0].player, "信息员 张三");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A UDP relay (with the token step's TCP forwarded too) that keeps every datagram the client
/// sent, so the test can send them again.
struct Relay {
    addr: SocketAddr,
    upstream: Arc<UdpSocket>,
    captured: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
}

impl Relay {
    fn start(server: SocketAddr) -> Relay {
        let (front, tcp) = loop {
            let front = UdpSocket::bind("127.0.0.1:0").unwrap();
            if let Ok(tcp) = TcpListener::bind(front.local_addr().unwrap()) {
                break (front, tcp);
            }
        };
        let addr = front.local_addr().unwrap();
        let front = Arc::new(front);
        let upstream = Arc::new(UdpSocket::bind("127.0.0.1:0").unwrap());
        let captured = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let client: Arc<Mutex<Option<SocketAddr>>> = Arc::new(Mutex::new(None));
        for s in [&front, &upstream] {
            s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        }
        {
            let (front, upstream, captured, stop, client) =
                (front.clone(), upstream.clone(), captured.clone(), stop.clone(), client.clone());
            thread::spawn(move || {
                let mut buf = [0u8; 2048];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((n, from)) = front.recv_from(&mut buf) {
                        *client.lock().unwrap() = Some(from);
                        captured.lock().unwrap().push(buf[..n].to_vec());
                        let _ = upstream.send_to(&buf[..n], server);
                    }
                }
            });
        }
        {
            let (front, upstream, stop) = (front.clone(), upstream.clone(), stop.clone());
            thread::spawn(move || {
                let mut buf = [0u8; 2048];
                while !stop.load(Ordering::Relaxed) {
                    if let Ok((n, _)) = upstream.recv_from(&mut buf)
                        && let Some(to) = *client.lock().unwrap()
                    {
                        let _ = front.send_to(&buf[..n], to);
                    }
                }
            });
        }
        thread::spawn(move || {
            for conn in tcp.incoming().flatten() {
                let Ok(up) = TcpStream::connect(server) else { continue };
                let (mut a, b) = (conn.try_clone().unwrap(), up.try_clone().unwrap());
                thread::spawn(move || {
                    let _ = std::io::copy(&mut a, &mut b.try_clone().unwrap());
                    let _ = b.shutdown(std::net::Shutdown::Write);
                });
                let (mut up, mut conn) = (up, conn);
                thread::spawn(move || {
                    let mut buf = Vec::new();
                    let _ = up.read_to_end(&mut buf);
                    let _ = conn.write_all(&buf);
                });
            }
        });
        Relay { addr, upstream, captured, stop }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

#[test]
fn replayed_datagrams_are_dropped_and_nothing_is_journaled_twice() {
    let (server, dir) = serve("replay");
    let relay = Relay::start(server.addr);
    let mut seat = joined(relay.addr, &informant());
    for note in ["报告 1", "报告 2", "报告 3"] {
        give_report(&mut seat, note);
    }
    let captured = relay.captured.lock().unwrap().clone();
    assert!(captured.len() > 10, "the relay saw the client's datagrams: {}", captured.len());
    // Sent again from the client's own address as the server sees it (the relay's), three
    // times, and from a stranger's socket.
    let stranger = UdpSocket::bind("127.0.0.1:0").unwrap();
    for _ in 0..3 {
        for d in &captured {
            relay.upstream.send_to(d, server.addr).unwrap();
            stranger.send_to(d, server.addr).unwrap();
        }
    }
    // The seat plays on: a new report goes through after the replay, and is the fourth line.
    give_report(&mut seat, "报告 4");
    seat.disconnect();
    server.stop().unwrap();
    let notes: Vec<String> = journal(&dir)
        .iter()
        .filter_map(|l| match &l.order {
            Some(Order::Report(f)) => Some(f.note.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(notes, ["报告 1", "报告 2", "报告 3", "报告 4"], "each order once, in order");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_flood_of_orders_and_oversized_or_malformed_messages_change_nothing() {
    let (server, dir) = serve("flood");
    let mut seat = joined(server.addr, &informant());
    let flooder_request =
        JoinRequest::role(Role::Informant(VILLAGE.into()), "洪水").with_code(Some(JOIN.to_lowercase()));
    let mut flooder = joined(server.addr, &flooder_request);
    // Oversized (above 64 KB) and garbage: refused, never decoded into anything.
    flooder.send_raw(vec![0u8; 100 * 1024]);
    let r = wait_for(&mut flooder, "refusal", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(matches!(&r, ServerMessage::Refused { reason } if reason.contains("at most 65536")), "{r:?}");
    flooder.send_raw(vec![0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]);
    let r = wait_for(&mut flooder, "refusal", |m| matches!(m, ServerMessage::Refused { .. }));
    assert!(matches!(&r, ServerMessage::Refused { reason } if reason.contains("undecodable")), "{r:?}");
    // 1,000 orders at once: the burst goes through, the rest are refused as too many.
    for i in 0..1_000 {
        flooder.send(&report(&format!("flood {i}")));
    }
    flooder.flush_now().unwrap();
    wait_for(
        &mut flooder,
        "a rate refusal",
        |m| matches!(m, ServerMessage::Refused { reason } if reason.contains("too many orders")),
    );
    give_report(&mut seat, "真实报告");
    // The flooder shares the seat's role, so the event give_report saw may be a flood report's:
    // wait for the real one in the journal (written before it is applied).
    let start = std::time::Instant::now();
    while !journal(&dir).iter().any(|l| l.player == "信息员 张三") && start.elapsed() < Duration::from_secs(10) {
        seat.update().unwrap();
        seat.receive();
        seat.flush().unwrap();
        thread::sleep(Duration::from_millis(5));
    }
    for c in [&mut seat, &mut flooder] {
        c.disconnect();
    }
    server.stop().unwrap();
    let lines = journal(&dir);
    let flooded = lines.iter().filter(|l| l.player == "洪水").count();
    assert!(flooded <= 40, "{flooded} flood orders journaled");
    let players: Vec<&str> = lines.iter().map(|l| l.player.as_str()).collect();
    assert!(lines.iter().any(|l| l.player == "信息员 张三"), "the real report is journaled: {players:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
