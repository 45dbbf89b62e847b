//! `sandtable-server serve`: a drill over UDP for people on the LAN, bots in the roles nobody takes.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use crate::admission::codes::parse_seat_code;
use crate::admission::{Code, DrillCodes, SeatCode, TlsIdentity, TlsSource};
use crate::bots::policy::BotPolicies;
use crate::hosting::{ServeOptions, Serving};

pub const EXAMPLE: &str = "Examples:
  sandtable-server serve                                   # the default scenario on 0.0.0.0:5000
  sandtable-server serve scenarios/flood_valira.ron --bind 127.0.0.1:0 --autostart --speed 600
  sandtable-server serve --bot-policy command=late,informant:*=absent    # bots that show what a late post costs
  sandtable-server serve --resume records/flood_valira-20250601T083000Z   # go on after a crash
  sandtable-server serve --code K7M-4QP --controller-code D8R-2XW --seat-code command:Canillo=H3N-9TB
  sandtable-server serve --require-tls     # over the internet: every seat joins with --tls-pin
  sandtable-server serve --tls-cert county.pem --tls-key county.key   # the county's own certificate
  sandtable-server serve scenarios/load/county_andorra_21.ron --metrics 0.0.0.0:9100   # /healthz and /metrics over HTTP
  AGONES_SDK_HTTP_PORT=9358 sandtable-server serve --bind 0.0.0.0:7000   # in an Agones GameServer (docs/deploy.md)

Prints the drill codes (口令) at start: the join code for every seat, the controller's own code,
and each --seat-code. Random unless given; kept in the record as access.json (mode 0600).
People join with the code over a token step on TCP at the same port number as UDP: open both.
The token step also speaks TLS: serve prints its certificate's pin (证书指纹), and a seat that
joins with --tls-pin PIN gets its token inside TLS from this server only (over the internet;
--require-tls refuses plain requests). The certificate is made once and kept in the record
(tls-cert.pem, tls-key.pem mode 0600), so a resumed drill keeps its pin; --tls-cert/--tls-key
use a county's own.

Prints the record directory and the bound address at start (`监听 listening: ADDR`), then
runs until the drill ends, Ctrl+C, SIGTERM or SIGHUP; either way the record (journal.jsonl,
events.jsonl...) and its review (report.html, report.json, actions.csv) are written. A record
directory that holds a drill is never overwritten: `--resume DIR` rebuilds that drill from its
journal (checked against its state hashes) and goes on, paused unless --autostart. If the record
cannot be written (a full disk) the drill stops and serve exits non-zero naming the file.
For many clients raise net.core.rmem_max to 4 MB or more.";

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BotsArg {
    /// Bots play every role nobody takes (a person joining takes over from the bot).
    All,
    /// No bots: roles nobody takes stay empty.
    None,
}

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Scenario file (.ron); default: scenarios/flood_valira.ron.
    pub scenario: Option<PathBuf>,
    /// UDP address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "0.0.0.0:5000")]
    pub bind: SocketAddr,
    /// Where to write the record; default records/<scenario>-<UTC time>.
    #[arg(long)]
    pub record_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "all")]
    pub bots: BotsArg,
    /// How the bots play (as `run --bot-policy`): diligent, late, absent, or per role
    /// `command=late,county=absent,informant:*=diligent`.
    #[arg(long, value_name = "P", default_value = "diligent")]
    pub bot_policy: BotPolicies,
    /// Start the clock at once instead of waiting for the controller's start.
    #[arg(long)]
    pub autostart: bool,
    /// Simulated seconds per wall second (60 = one drill minute per second).
    #[arg(long, default_value_t = 60.0)]
    pub speed: f32,
    /// Seed for the simulation; default: the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Go on with the drill recorded in RECORD_DIR (after a crash or a stop): rebuilt from its
    /// scenario, seed and journal, checked against its state hashes; the clock comes back
    /// paused unless --autostart. It keeps its codes (access.json).
    #[arg(long, value_name = "RECORD_DIR", conflicts_with_all = ["scenario", "record_dir", "seed", "code", "controller_code", "seat_code"])]
    pub resume: Option<PathBuf>,
    /// The join code (口令) every seat without its own code needs; default: a random one.
    /// 4–32 letters or digits; case and dashes do not matter.
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    pub code: Option<Code>,
    /// The controller's (导调) own code; default: a random one.
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    pub controller_code: Option<Code>,
    /// A seat's own code, e.g. `command:Canillo=H3N-9TB` (ROLE a role pattern: `informant:*`
    /// too); the join code does not open that seat. Repeatable.
    #[arg(long, value_name = "ROLE=CODE", value_parser = parse_seat_code)]
    pub seat_code: Vec<SeatCode>,
    /// Serve `/healthz` (JSON status) and `/metrics` (Prometheus text) over HTTP on this TCP
    /// address, e.g. 0.0.0.0:9100.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
    /// Talk to the Agones SDK sidecar on localhost (ready, health pings, shutdown at the end).
    /// On by itself when `AGONES_SDK_HTTP_PORT` is set (Agones sets it); with this flag and no
    /// such variable, port 9358.
    #[arg(long)]
    pub agones: bool,
    /// The token step's TLS certificate (PEM, the server's first, then its chain) instead of the
    /// self-signed one kept in the record directory; with --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Refuse token requests that are not over TLS (every seat then joins with --tls-pin).
    #[arg(long)]
    pub require_tls: bool,
}

fn parse_code(s: &str) -> Result<Code, String> {
    Code::parse(s)
}

/// The codes, prominent: the trainer reads the join code out in the hall; the pin goes with
/// them to anyone joining over the internet.
fn print_codes(codes: &DrillCodes, tls: &TlsIdentity) {
    let shown = codes.shown();
    println!("==============================================");
    println!("加入口令 join code:        {}", shown.join);
    println!("导调口令 controller code:  {}", shown.controller);
    for (seat, code) in &shown.seats {
        println!("席位口令 seat code {seat}: {code}");
    }
    println!("证书指纹 TLS pin:          {}", tls.pin());
    println!("SHA-256 指纹 fingerprint:  {}", tls.fingerprint_colons());
    println!("==============================================");
}

/// How to join with the pin, for the county to pass on with the codes.
fn print_how_to_join(addr: SocketAddr, tls: &TlsIdentity) {
    println!(
        "经互联网加入 join over the internet (TLS): sandtable --join HOST:{} --tls-pin {} --code CODE --role ROLE",
        addr.port(),
        tls.pin()
    );
}

pub fn run(args: ServeArgs) -> ExitCode {
    let scenario = args.scenario.unwrap_or_else(crate::paths::default_scenario);
    let mut opts = ServeOptions::new(scenario);
    opts.bind = args.bind;
    opts.record_dir = args.record_dir;
    opts.bots = args.bots == BotsArg::All;
    opts.bot_policy = args.bot_policy;
    opts.autostart = args.autostart;
    opts.speed = args.speed;
    opts.seed = args.seed;
    opts.metrics = args.metrics;
    opts.require_tls = args.require_tls;
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        opts.tls = TlsSource::Files { cert, key };
    }
    opts.codes = match &args.resume {
        // A resumed drill keeps the codes in its record (Serving::resume reads them).
        Some(_) => None,
        None => match DrillCodes::new(args.code, args.controller_code, args.seat_code) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("错误 error: {e}");
                return ExitCode::from(2);
            }
        },
    };
    let started = match &args.resume {
        Some(dir) => Serving::resume(dir, &crate::paths::maps_root(), opts).map(|(s, note)| {
            println!(
                "续演 resumed at drill minute {} ({} 条指令重放 journal lines replayed, {} 个状态校验 state hashes checked, {} bytes torn)",
                note.t_s / 60,
                note.journal_lines,
                note.hashes_checked,
                note.torn_bytes
            );
            s
        }),
        None => Serving::start(opts),
    };
    let serving = match started {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let agones_port = match crate::agones::port_from_env(args.agones) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("错误 error: {e}");
            return ExitCode::from(2);
        }
    };
    let drill = serving.host().drill();
    let roles: Vec<String> = drill.roles().iter().map(|r| r.to_string()).collect();
    println!("场景 scenario: {} ({})", drill.setup().scenario.name, drill.setup().scenario_path.display());
    println!("角色 roles: {}", roles.join(", "));
    println!("记录目录 record: {}", serving.record_dir().display());
    if let Some(b) = serving.net().rcvbuf() {
        println!("UDP 接收缓冲 receive buffer: {b} bytes");
    }
    print_codes(serving.codes(), serving.tls());
    if let Some(m) = serving.metrics_addr() {
        println!("指标 metrics: http://{m}/metrics  http://{m}/healthz");
    }
    print_how_to_join(serving.addr(), serving.tls());
    if args.require_tls {
        println!("只接受 TLS 入场请求 token requests over TLS only (--require-tls)");
    }
    println!("监听 listening: {}", serving.addr());
    let _ = std::io::stdout().flush();
    let stop = super::stop::on_termination();
    let record = serving.record_dir().to_path_buf();
    // Under Agones: ready now that the drill listens, health pings while the loop ticks, and
    // shutdown once the record and review are written.
    let agones = agones_port.map(|p| Arc::new(crate::agones::Sdk::local(p)));
    let heartbeat = agones.as_ref().and_then(|sdk| {
        sdk.ready();
        crate::agones::Heartbeat::start(sdk.clone(), serving.metrics())
            .map_err(|e| tracing::warn!("no Agones health pings: {e}"))
            .ok()
    });
    let result = serving.run(&stop);
    drop(heartbeat);
    if let Some(sdk) = &agones {
        sdk.shutdown();
    }
    match result {
        Ok(f) => {
            println!("{}", f.summary);
            println!("记录目录 record: {}", record.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误 error: cannot write the record in {}: {e}", record.display());
            ExitCode::FAILURE
        }
    }
}
