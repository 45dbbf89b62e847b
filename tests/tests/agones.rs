//! The real `sandtable-server serve` under a stand-in for the Agones SDK sidecar: a TCP listener
//! that records every request the process makes (`AGONES_SDK_HTTP_PORT` names it, as Agones does)
//! and answers 200. The server says ready once it listens, pings health while the drill runs,
//! and asks to shut down only after its record and review are written.

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc::channel;
use std::time::Duration;

/// One request as the sidecar saw it: its request line, its body, and whether the review was on
/// the disk when it came.
#[derive(Debug)]
struct Seen {
    line: String,
    body: String,
    review_written: bool,
}

/// `serve` of the flood drill at `speed`, recorded in `rec`, with the sidecar's port in
/// `AGONES_SDK_HTTP_PORT` and its log in `dir/server.log`.
fn serve_flood(bin: &Path, dir: &Path, rec: &Path, speed: &str, port: &str) -> common::ServerProcess {
    let rec_arg = rec.to_str().expect("utf-8 temp path");
    let args = [
        "serve",
        "scenarios/flood_valira.ron",
        "--record-dir",
        rec_arg,
        "--bind",
        "127.0.0.1:0",
        "--autostart",
        "--speed",
        speed,
    ];
    common::ServerProcess::spawn_env(bin, &args, &[("AGONES_SDK_HTTP_PORT", port)], &dir.join("server.log"))
}

#[test]
fn serve_tells_the_agones_sidecar_ready_health_and_shutdown() {
    let bin = common::server_binary();
    let dir = common::temp_dir("agones");
    let rec = dir.join("rec");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (tx, seen) = channel();
    let review: PathBuf = rec.join("report.html");
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            // Head, then the Content-Length body (the client sends `{}`).
            while !String::from_utf8_lossy(&req).contains("\r\n\r\n{}") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let text = String::from_utf8_lossy(&req).to_string();
            let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
            let line = head.lines().next().unwrap_or_default().to_string();
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            let seen = Seen { line, body: body.to_string(), review_written: review.is_file() };
            if tx.send(seen).is_err() {
                break;
            }
        }
    });
    // 16 drill hours in about 10 s: several health pings (one every 2 s).
    let mut srv = serve_flood(&bin, &dir, &rec, "6000", &port);
    srv.wait_for("监听 listening:", Duration::from_secs(60));
    let status = srv.wait_exit(Duration::from_secs(90));
    assert!(status.success(), "exited with {status}; stdout {:?}", srv.stdout);
    let seen: Vec<Seen> = seen.try_iter().collect();
    let lines: Vec<&str> = seen.iter().map(|s| s.line.as_str()).collect();
    assert_eq!(lines.first(), Some(&"POST /ready HTTP/1.1"), "{lines:?}");
    assert_eq!(lines.last(), Some(&"POST /shutdown HTTP/1.1"), "{lines:?}");
    let health = lines.iter().filter(|l| **l == "POST /health HTTP/1.1").count();
    assert!(health >= 2, "{health} health pings over a 10 s drill: {lines:?}");
    assert_eq!(lines.len(), health + 2, "nothing else: {lines:?}");
    assert!(seen.iter().all(|s| s.body == "{}"), "{seen:?}");
    assert!(seen.last().is_some_and(|s| s.review_written), "shutdown before the review was written");
    assert!(!seen[0].review_written);
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap();
    assert!(!log.contains("Agones SDK"), "no failure logged: {log}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without a sidecar, the drill goes on: the failures are logged once each, not fatal.
#[test]
fn serve_without_the_sidecar_logs_once_and_plays_on() {
    let bin = common::server_binary();
    let dir = common::temp_dir("agones-absent");
    // A port nobody listens on: bind one, then let it go.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
    let rec = dir.join("rec");
    let started = std::time::Instant::now();
    let mut srv = serve_flood(&bin, &dir, &rec, "14400", &port);
    let status = srv.wait_exit(Duration::from_secs(90));
    let ran = started.elapsed();
    assert!(status.success(), "exited with {status}; stdout {:?}", srv.stdout);
    assert!(rec.join("report.html").is_file());
    let log = std::fs::read_to_string(dir.join("server.log")).unwrap();
    for path in ["/ready", "/shutdown"] {
        let n = log.lines().filter(|l| l.contains("Agones SDK") && l.contains(path)).count();
        assert_eq!(n, 1, "{path} failure logged {n} times: {log}");
    }
    // The first failure, then at most a summary every 10 s (the drill takes 4-5 s on a quiet
    // machine, longer on a loaded one).
    let health = log.lines().filter(|l| l.contains("Agones SDK") && l.contains("/health")).count();
    let allowed = 1 + ran.as_secs() / 10;
    assert!(health as u64 <= allowed, "health failures logged {health} times in {ran:?}: {log}");
    let _ = std::fs::remove_dir_all(&dir);
}
