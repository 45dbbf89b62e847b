//! The real `sandtable-server serve` binary under a stream of garbage: 10,000 random UDP
//! datagrams and junk on the token step's TCP port. netcode refuses each datagram; the log says
//! so once (then a count every 10 s), not 10,000 times, and a player with the code still joins.

mod common;

use std::io::Write;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::time::Duration;

use protocol::ServerMessage;
use server::net::{JoinRequest, NetClient};

#[test]
fn ten_thousand_garbage_datagrams_log_a_line_or_two_and_the_drill_still_admits() {
    let bin = common::server_binary();
    let dir = common::temp_dir("garbage");
    let log = dir.join("server.log");
    let rec = dir.join("record");
    let mut srv = common::ServerProcess::spawn(
        &bin,
        &[
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--record-dir",
            rec.to_str().expect("utf-8"),
            "--bots",
            "none",
            "--code",
            "GRB-AGE",
        ],
        &log,
    );
    let addr: SocketAddr = srv.wait_for("listening: ", Duration::from_secs(60)).parse().expect("an address");

    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    // A cheap deterministic stream of bytes (xorshift), lengths 1 to 1,400.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..10_000 {
        let len = 1 + (next() % 1400) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        socket.send_to(&bytes, addr).unwrap();
    }
    for _ in 0..20 {
        if let Ok(mut t) = TcpStream::connect(addr) {
            let _ = t.write_all(b"GET / HTTP/1.0\r\n\r\n");
        }
    }

    // A player with the code joins and is welcomed: the server lived through it.
    let request = JoinRequest::new(protocol::Seat::Observer, "观摩").with_code(Some("grbage".into()));
    let mut c = NetClient::join(addr, &request).expect("the token step answers");
    c.wait_connected(Duration::from_secs(20)).expect("connected");
    let start = std::time::Instant::now();
    loop {
        assert!(start.elapsed() < Duration::from_secs(20), "no seat within 20 s");
        c.update().unwrap();
        if c.receive().iter().any(|m| matches!(m, ServerMessage::Seated { .. })) {
            break;
        }
        c.flush().unwrap();
        std::thread::sleep(Duration::from_millis(5));
    }
    c.disconnect();

    let text = std::fs::read_to_string(&log).unwrap();
    let garbage = text.lines().filter(|l| l.contains("Failed to process packet")).count();
    assert!((1..=2).contains(&garbage), "{garbage} lines for 10,000 garbage datagrams:\n{text}");
    let token_step = text.lines().filter(|l| l.contains("token step: refused")).count();
    assert!((1..=2).contains(&token_step), "{token_step} token step lines for 20 junk connections:\n{text}");
    assert!(text.lines().count() < 40, "a short log:\n{text}");
    drop(srv);
    let _ = std::fs::remove_dir_all(&dir);
}
