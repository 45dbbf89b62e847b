//! `sandtable-server serve`: a drill over UDP for people on the LAN, bots in the roles nobody takes.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::bots::policy::BotPolicies;
use crate::hosting::{ServeOptions, Serving};

pub const EXAMPLE: &str = "Examples:
  sandtable-server serve                                   # the default scenario on 0.0.0.0:5000
  sandtable-server serve scenarios/flood_valira.ron --bind 127.0.0.1:0 --autostart --speed 600
  sandtable-server serve --bot-policy command=late,informant:*=absent    # bots that show what a late post costs
  sandtable-server serve scenarios/load/county_andorra_21.ron --metrics 0.0.0.0:9100   # /healthz and /metrics over HTTP

Prints the record directory and the bound address at start (`监听 listening: ADDR`), then
runs until the drill ends or Ctrl+C; either way the record (journal.jsonl, events.jsonl...)
and its review (report.html, report.json, actions.csv) are written. For many clients raise net.core.rmem_max to 4 MB or more.";

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
    /// Serve `/healthz` (JSON status) and `/metrics` (Prometheus text) over HTTP on this TCP
    /// address, e.g. 0.0.0.0:9100.
    #[arg(long, value_name = "ADDR")]
    pub metrics: Option<SocketAddr>,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let scenario = args.scenario.unwrap_or_else(crate::paths::default_scenario);
    let mut opts = ServeOptions::new(scenario.clone());
    opts.bind = args.bind;
    opts.record_dir = args.record_dir;
    opts.bots = args.bots == BotsArg::All;
    opts.bot_policy = args.bot_policy;
    opts.autostart = args.autostart;
    opts.speed = args.speed;
    opts.seed = args.seed;
    opts.metrics = args.metrics;
    let serving = match Serving::start(opts) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    let drill = serving.host().drill();
    let roles: Vec<String> = drill.roles().iter().map(|r| r.to_string()).collect();
    println!("场景 scenario: {} ({})", drill.setup().scenario.name, scenario.display());
    println!("角色 roles: {}", roles.join(", "));
    println!("记录目录 record: {}", serving.record_dir().display());
    if let Some(b) = serving.net().rcvbuf() {
        println!("UDP 接收缓冲 receive buffer: {b} bytes");
    }
    if let Some(m) = serving.metrics_addr() {
        println!("指标 metrics: http://{m}/metrics  http://{m}/healthz");
    }
    println!("监听 listening: {}", serving.addr());
    let _ = std::io::stdout().flush();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    if let Err(e) = ctrlc::set_handler(move || flag.store(true, Ordering::Relaxed)) {
        tracing::warn!("no Ctrl+C handler: {e}");
    }
    let record = serving.record_dir().to_path_buf();
    match serving.run(&stop) {
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
