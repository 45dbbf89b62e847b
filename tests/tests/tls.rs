//! The token step over TLS, against a real server on loopback: a seat that joins with the
//! server's pin (`join --tls-pin`) plays the drill to its end; a wrong pin is refused naming the
//! pin expected and the fingerprint got, exit 1; a plain request to a `--require-tls` server is
//! refused in words; a resumed drill keeps its certificate, so its pin still opens it.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use server::admission::TlsPin;
use server::hosting::{ServeOptions, ServerHandle};
use server::net::{JoinRequest, NetClient};

/// The fire drill on a loopback port, TLS required.
fn options(dir: &Path, autostart: bool) -> ServeOptions {
    let mut opts = ServeOptions::new(common::workspace_root().join("scenarios").join("fire_aubinya.ron"));
    opts.bind = SocketAddr::from(([127, 0, 0, 1], 0));
    opts.record_dir = Some(dir.join("record"));
    opts.autostart = autostart;
    opts.speed = 4000.0;
    opts.bots = autostart;
    opts.linger = Duration::from_millis(1000);
    opts.require_tls = true;
    opts
}

#[test]
fn a_pinned_seat_plays_and_a_wrong_pin_or_a_plain_request_is_refused_in_words() {
    let bin = common::server_binary();
    let dir = common::temp_dir("tls");
    let server = ServerHandle::spawn(options(&dir, true)).expect("serve the fire drill");
    let addr = server.addr.to_string();
    let code = server.codes.join.to_string();
    let pin = server.tls_pin.to_string();
    // The same pin with its first digit changed.
    let wrong = {
        let mut p = pin.clone();
        let first = if p.starts_with('0') { "1" } else { "0" };
        p.replace_range(0..1, first);
        p
    };
    let join = |extra: &[&str], log: &str| {
        let mut args = vec!["join", &addr, "--code", &code, "--role", "informant:Aubinyà", "--seconds", "120"];
        args.extend_from_slice(extra);
        common::ServerProcess::spawn(&bin, &args, &dir.join(log))
    };
    let mut mismatch = join(&["--tls-pin", &wrong], "wrong-pin.log");
    let mut plain = join(&[], "plain.log");
    let mut seat = join(&["--tls-pin", &pin.to_uppercase(), "--name", "tls-seat"], "seat.log");

    let status = mismatch.wait_exit(Duration::from_secs(60));
    let log = std::fs::read_to_string(dir.join("wrong-pin.log")).unwrap();
    assert_eq!(status.code(), Some(1), "a wrong pin exits 1; stderr:\n{log}");
    assert!(log.contains("TLS pin mismatch"), "{log}");
    assert!(log.contains(&format!("expected {wrong}")), "names the pin expected: {log}");
    assert!(log.contains(&format!("got {pin}")), "names the fingerprint got: {log}");

    let status = plain.wait_exit(Duration::from_secs(60));
    let log = std::fs::read_to_string(dir.join("plain.log")).unwrap();
    assert_eq!(status.code(), Some(1), "a plain request to a TLS-only server exits 1; stderr:\n{log}");
    assert!(log.contains("拒绝 refused") && log.contains("over TLS only") && log.contains("--tls-pin"), "{log}");

    let status = seat.wait_exit(Duration::from_secs(150));
    let log = std::fs::read_to_string(dir.join("seat.log")).unwrap();
    assert!(status.success(), "the pinned seat exited with {status}; stderr:\n{log}\nstdout: {:?}", seat.stdout);
    assert!(seat.stdout.iter().any(|l| l.contains("joined: informant:Aubinyà")), "{:?}", seat.stdout);
    assert!(seat.stdout.iter().any(|l| l.contains("the drill ended")), "left at the end: {:?}", seat.stdout);
    server.join().expect("the drill ends and writes its record");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_resumed_drill_keeps_its_certificate_and_pin() {
    let dir = common::temp_dir("tls-resume");
    let first = ServerHandle::spawn(options(&dir, false)).expect("serve");
    let pin = first.tls_pin.clone();
    first.stop().expect("stop writes the record");
    let record = dir.join("record");
    let key = std::fs::read(record.join("tls-key.pem")).expect("the key is kept in the record");

    let mut again = options(&dir, false);
    again.record_dir = None;
    again.resume = Some(record.clone());
    let resumed = ServerHandle::spawn(again).expect("resume");
    assert_eq!(resumed.tls_pin, pin, "the same certificate after a resume");
    assert_eq!(std::fs::read(record.join("tls-key.pem")).unwrap(), key, "the key is not made again");
    // The old pin opens the resumed drill.
    let request = JoinRequest::new(protocol::Seat::Observer, "观摩")
        .with_code(Some(resumed.codes.join.to_string()))
        .with_tls_pin(Some(TlsPin::parse(&pin.to_string()).unwrap()));
    let mut c = NetClient::join(resumed.addr, &request).expect("a token over TLS with the old pin");
    c.wait_connected(Duration::from_secs(10)).expect("netcode connects with it");
    c.disconnect();
    resumed.stop().expect("stop writes the record");
    let _ = std::fs::remove_dir_all(&dir);
}
