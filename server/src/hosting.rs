//! Serving a drill over UDP: load, bind, then the loop that moves messages between renet
//! clients, in-process bots and the host, steps the world on the controller's clock, and writes
//! the record at the end (or on stop). `sandtable-server serve` and the client's "host a drill"
//! both use it.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::admission::{DrillCodes, TlsIdentity, TlsPin, TlsSource, TokenTls};
use crate::bots::local::LocalBots;
use crate::drill::resume::ResumeNote;
use crate::drill::{Drill, DrillSetup, Finished, Record, record};
use crate::host::{ConnId, Host, HostOptions, Outgoing};
use crate::metrics;
use crate::net::NetServer;

/// The world steps, and the network is read and written, this often (wall time):
/// `protocol::SEND_INTERVAL`. In-process bots are served every `POLL`.
pub const TICK: Duration = protocol::SEND_INTERVAL;
const POLL: Duration = Duration::from_millis(5);
/// Steps per wall tick at most: 100 per 100 ms keeps the server responsive at any speed.
pub const MAX_STEPS_PER_TICK: u32 = 100;

#[derive(Clone, Debug)]
pub struct ServeOptions {
    pub scenario: PathBuf,
    pub bind: SocketAddr,
    /// Default: `records/<scenario-stem>-<UTC timestamp>`.
    pub record_dir: Option<PathBuf>,
    /// Bots play every role nobody takes.
    pub bots: bool,
    /// How they play (`--bot-policy`).
    pub bot_policy: crate::bots::policy::BotPolicies,
    /// Start the clock at once instead of waiting for the controller.
    pub autostart: bool,
    /// Simulated seconds per wall second until the controller changes it.
    pub speed: f32,
    pub seed: Option<u64>,
    /// How long to keep sending after the end, so clients get the final messages.
    pub linger: Duration,
    /// `--resume RECORD_DIR`: rebuild the drill recorded there and go on (`scenario`, `seed`
    /// and `record_dir` are then the record's).
    pub resume: Option<PathBuf>,
    /// The drill's codes (`--code`, `--controller-code`, `--seat-code`, or those of a resumed
    /// record); `None`: random ones. Written to the record as `access.json`.
    pub codes: Option<DrillCodes>,
    /// `--metrics ADDR`: serve `/healthz` and `/metrics` over HTTP on this TCP address.
    pub metrics: Option<SocketAddr>,
    /// The token step's certificate: the record directory's (made if absent) or `--tls-cert`
    /// and `--tls-key`.
    pub tls: TlsSource,
    /// `--require-tls`: plain token requests are refused in words.
    pub require_tls: bool,
}

impl ServeOptions {
    pub fn new(scenario: PathBuf) -> ServeOptions {
        ServeOptions {
            scenario,
            bind: "0.0.0.0:5000".parse().expect("valid"),
            record_dir: None,
            bots: true,
            bot_policy: Default::default(),
            autostart: false,
            speed: 60.0,
            seed: None,
            linger: Duration::from_millis(1500),
            resume: None,
            codes: None,
            metrics: None,
            tls: TlsSource::default(),
            require_tls: false,
        }
    }
}

/// A loaded drill bound to its socket, ready to run.
pub struct Serving {
    net: NetServer,
    host: Host,
    bots: LocalBots,
    opts: ServeOptions,
    codes: Arc<DrillCodes>,
    /// The token step's certificate (its pin is printed with the codes).
    tls: TlsIdentity,
    /// What the loop measured, published every tick (read by the metrics endpoint).
    metrics: metrics::Shared,
    /// Where the metrics endpoint listens, when `opts.metrics` asked for one.
    metrics_addr: Option<SocketAddr>,
    /// Message bytes queued to network clients.
    bytes_sent: u64,
    /// Flow control of large messages (the static data at a hello, ~3 MB): see [`Serving::route`].
    held: BTreeMap<u64, VecDeque<Outgoing>>,
    /// Clients with a large message in flight on the reliable channel, and its size.
    big_in_flight: BTreeMap<u64, usize>,
    /// Busy seconds by phase of the loop (`metrics::PHASES`).
    phases: [f64; metrics::PHASES.len()],
    /// `phases` at the last tick, for the per-tick trace.
    phases_at_tick: [f64; metrics::PHASES.len()],
}

impl Serving {
    /// Loads `opts.scenario` and its map, creates the record directory and binds the socket;
    /// with `opts.resume`, rebuilds the recorded drill instead ([`Serving::resume`]).
    pub fn start(opts: ServeOptions) -> anyhow::Result<Serving> {
        if let Some(dir) = opts.resume.clone() {
            return Serving::resume(&dir, &crate::paths::maps_root(), opts).map(|(s, _)| s);
        }
        let setup = DrillSetup::load(&opts.scenario, opts.seed)?;
        Serving::from_setup(setup, opts)
    }

    /// A drill rebuilt from its record in `dir` (maps under `maps`), checked against its state
    /// hashes, served on: bots fill the roles as before, the clock paused unless `autostart`.
    pub fn resume(dir: &Path, maps: &Path, opts: ServeOptions) -> anyhow::Result<(Serving, ResumeNote)> {
        let (drill, note) = crate::drill::resume::resume(dir, maps, opts.speed)?;
        // Seats come back with the codes they had: the record's, unless new ones were given.
        let mut opts = opts;
        if opts.codes.is_none() {
            match DrillCodes::load(dir) {
                Ok(codes) => opts.codes = Some(codes),
                Err(e) => tracing::warn!("{}: no drill codes to keep ({e}); new ones are made", dir.display()),
            }
        }
        Ok((Serving::serve(drill, opts)?, note))
    }

    /// As [`Serving::start`] with the scenario and map already loaded.
    pub fn from_setup(setup: DrillSetup, opts: ServeOptions) -> anyhow::Result<Serving> {
        // Refused options leave no record behind.
        let offer = sim::roles::roles_on_offer(&setup.scenario).unwrap_or_default();
        opts.bot_policy.check(&offer).map_err(|e| anyhow::anyhow!("--bot-policy: {e}"))?;
        let dir = opts.record_dir.clone().unwrap_or_else(|| record::default_record_dir(&setup));
        let record = Record::create(&dir, &setup, "serve")?;
        let mut drill = Drill::new(setup, record)?;
        drill.set_speed(opts.speed).map_err(|e| anyhow::anyhow!("--speed: {e}"))?;
        Serving::serve(drill, opts)
    }

    /// Binds the socket for `drill` and seats the bots.
    fn serve(drill: Drill, opts: ServeOptions) -> anyhow::Result<Serving> {
        let mut drill = drill;
        // The loop commits the journal once a tick, before it sends ([`Serving::run`]).
        drill.group_journal_commits();
        let mut host = Host::new(drill, HostOptions::default())?;
        let codes = Arc::new(opts.codes.clone().unwrap_or_else(DrillCodes::random));
        codes.save(host.drill().record().dir())?;
        host.set_codes(Some(codes.shown()));
        let roles = host.drill().roles().to_vec();
        let tls = TlsIdentity::load(&opts.tls, host.drill().record().dir())?;
        let token_tls = TokenTls { config: Some(tls.server_config()?), require: opts.require_tls };
        let net = NetServer::bind(opts.bind, codes.clone(), roles.clone(), token_tls)?;
        let bots = if opts.bots {
            LocalBots::spawn_with(&mut host, &roles, None, &opts.bot_policy)
                .map_err(|e| anyhow::anyhow!("--bot-policy: {e}"))?
        } else {
            LocalBots::default()
        };
        if opts.autostart {
            host.drill_mut().set_running(true);
        }
        let shared = metrics::Shared::default();
        let metrics_addr = opts.metrics.map(|a| metrics::serve(a, shared.clone())).transpose()?;
        Ok(Serving {
            net,
            host,
            bots,
            opts,
            codes,
            tls,
            metrics: shared,
            metrics_addr,
            bytes_sent: 0,
            held: BTreeMap::new(),
            big_in_flight: BTreeMap::new(),
            phases: Default::default(),
            phases_at_tick: Default::default(),
        })
    }

    /// The drill's codes (what `serve` prints; tests join with them).
    pub fn codes(&self) -> &DrillCodes {
        &self.codes
    }

    /// The token step's certificate (`serve` prints its pin and fingerprint).
    pub fn tls(&self) -> &TlsIdentity {
        &self.tls
    }

    pub fn addr(&self) -> SocketAddr {
        self.net.local_addr()
    }
    pub fn record_dir(&self) -> &Path {
        self.host.drill().record().dir()
    }
    pub fn host(&self) -> &Host {
        &self.host
    }
    pub fn net(&self) -> &NetServer {
        &self.net
    }
    /// The metrics endpoint's address, if one was asked for.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }
    /// What the loop measured so far (tick times, bytes, counts).
    pub fn metrics(&self) -> metrics::Shared {
        self.metrics.clone()
    }

    /// Runs until the drill ends or `stop` is set; writes the record either way. When the
    /// record cannot be written the drill stops at once, seats are told, and the error (naming
    /// the file) is returned: no report, and the record stays resumable.
    pub fn run(mut self, stop: &AtomicBool) -> std::io::Result<Finished> {
        let started = Instant::now();
        let mut last_tick = started;
        let mut ended_at: Option<Instant> = None;
        let mut failed: Option<std::io::Error> = None;
        // Busy time of the loop since the last tick, and the world step's part of it.
        let (mut busy, mut step) = (Duration::ZERO, Duration::ZERO);
        loop {
            let now_i = Instant::now();
            let now = now_i - started;
            let mut lap = Lap::start();
            let mut idle = Duration::ZERO;
            self.bots.exchange(&mut self.host, now);
            lap.done(&mut self.phases, Phase::Bots);
            // The network is read and written once a tick (`protocol::SEND_INTERVAL`): each renet
            // send acknowledges, so polling faster only multiplies packets, and netcode walks its
            // client slots once per client on each read.
            if now_i - last_tick >= TICK {
                self.publish(busy, step);
                busy = Duration::ZERO;
                let wall = now_i - last_tick;
                last_tick = now_i;
                self.net.receive(wall, &mut self.host, now);
                lap.done(&mut self.phases, Phase::Receive);
                // The group commit: this tick's accepted orders (seats' and bots') reach the
                // disk in one sync before anything is sent, renet's acks of their packets
                // included. A failure stops the drill (the loop ends it below).
                if let Err(e) = self.host.commit_journal() {
                    tracing::error!("{e}");
                }
                lap.done(&mut self.phases, Phase::Journal);
                let net = &self.net;
                self.host.push_views_within(|id| net.view_ready(id), VIEWS_BUDGET);
                lap.done(&mut self.phases, Phase::Views);
                self.route();
                lap.done(&mut self.phases, Phase::Route);
                let stepped = self.step_while_sending(wall);
                self.phases[Phase::Step as usize] += stepped.step.as_secs_f64();
                self.phases[Phase::Send as usize] += stepped.send.as_secs_f64();
                step = stepped.step;
                // Waiting for the step is not the network thread's work: it kept renet going.
                idle = stepped.idle;
                if ended_at.is_none() && (self.host.drill().is_over() || stop.load(Ordering::Relaxed)) {
                    failed = self.host.end().err();
                    ended_at = Some(now_i);
                }
            }
            busy += now_i.elapsed().saturating_sub(idle);
            if let Some(t) = ended_at {
                let short = stop.load(Ordering::Relaxed) || failed.is_some();
                let linger = if short { Duration::from_millis(200) } else { self.opts.linger };
                if now_i - t >= linger {
                    break;
                }
            }
            std::thread::sleep(POLL);
        }
        self.net.shutdown();
        if let Some(e) = failed {
            return Err(e);
        }
        let f = self.host.end()?;
        crate::review::write_at_end(self.record_dir());
        let st = self.host.stats();
        let ticks = self.metrics.lock().map(|m| m.ticks.clone()).unwrap_or_default();
        tracing::info!(
            "drill over; record in {}; {} views sent (largest {} bytes, {} as deltas: {} bytes for {} whole), {} refused, {} undecodable, {} rate-limited; tick busy p50 {:.1} ms, p99 {:.1} ms over the last {} ticks",
            self.record_dir().display(),
            st.views_sent,
            st.largest_view_bytes,
            st.deltas_sent,
            st.view_bytes,
            st.view_bytes_whole,
            st.refused,
            st.undecodable,
            st.rate_limited,
            ticks.quantile(0.5) * 1e3,
            ticks.quantile(0.99) * 1e3,
            ticks.recent.len()
        );
        Ok(f)
    }

    /// Steps the world and makes its views ([`Host::prepare_views`]) on a second thread, off the
    /// network thread: this one sends the tick's packets, and while a long step runs (a flood
    /// over 21 townships, 100 roles' new views) it keeps renet going every tick (acks, resends,
    /// timeouts; messages wait in renet until the host is back). The host and the socket are
    /// disjoint halves of the server, so no lock is needed.
    fn step_while_sending(&mut self, wall: Duration) -> Stepped {
        let (host, net) = (&mut self.host, &mut self.net);
        std::thread::scope(|scope| {
            let stepping = scope.spawn(move || {
                yield_to_the_network();
                let t = Instant::now();
                host.tick(wall, MAX_STEPS_PER_TICK);
                host.prepare_views();
                t.elapsed()
            });
            let t = Instant::now();
            net.flush();
            let send = t.elapsed();
            let (mut idle, mut last_pump) = (Duration::ZERO, Instant::now());
            while !stepping.is_finished() {
                let nap = Instant::now();
                std::thread::sleep(STEP_WAIT);
                idle += nap.elapsed();
                if last_pump.elapsed() >= TICK {
                    // Sends, never reads: nothing is acknowledged that is not journaled.
                    net.keep_alive(last_pump.elapsed());
                    net.flush();
                    last_pump = Instant::now();
                }
            }
            let step = stepping.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            Stepped { step, send, idle }
        })
    }

    /// Records a tick's busy time and world step, and publishes what the host counted.
    fn publish(&mut self, busy: Duration, step: Duration) {
        // One line per tick at debug level (`RUST_LOG=sandtable::tick=debug`): which phase a
        // slow tick spent its time in, where the histogram only says that it was slow.
        if tracing::enabled!(target: "sandtable::tick", tracing::Level::DEBUG) {
            let ms: Vec<String> = (self.phases.iter().zip(self.phases_at_tick))
                .zip(metrics::PHASES)
                .map(|((now, then), name)| format!("{name}={:.1}", (now - then) * 1e3))
                .collect();
            tracing::debug!(target: "sandtable::tick", "busy={:.1} {} ms", busy.as_secs_f64() * 1e3, ms.join(" "));
        }
        self.phases_at_tick = self.phases;
        let st = self.host.stats();
        let drill = self.host.drill();
        let Ok(mut m) = self.metrics.lock() else { return };
        m.ticks.record(busy.as_secs_f64(), step.as_secs_f64());
        m.running = drill.running();
        m.over = drill.is_over();
        m.drill_s = drill.world().time_s();
        m.clients = self.net.connected_clients();
        m.seats = self.host.seat_counts();
        m.bytes_sent = self.bytes_sent;
        m.views_sent = st.views_sent;
        m.deltas_sent = st.deltas_sent;
        m.view_bytes = st.view_bytes;
        m.view_bytes_whole = st.view_bytes_whole;
        m.refused = u64::from(st.refused);
        m.rate_limited = u64::from(st.rate_limited);
        m.undecodable = u64::from(st.undecodable);
        m.phases = self.phases;
    }

    /// Hands the host's messages to renet or the bots. A large message (the static data a seat
    /// gets at its hello: briefing and map, ~3 MB) goes out only while fewer than
    /// [`BIG_IN_FLIGHT_BYTES`] of large messages are unacknowledged over all clients; until then
    /// it and every later message for that client wait here, in order. renet walks every
    /// unacknowledged slice on each update, so a hall of 1,000 joining at once would otherwise
    /// queue 3 GB and stall the loop for seconds.
    fn route(&mut self) {
        let acked: Vec<u64> = self.big_in_flight.keys().copied().filter(|c| self.net.reliable_idle(*c)).collect();
        for c in acked {
            self.big_in_flight.remove(&c);
        }
        for out in self.host.take_outgoing() {
            match out.to {
                ConnId::Net(c) => self.held.entry(c).or_default().push_back(out),
                ConnId::Local(_) => {
                    if let Some(out) = self.net.send(out)
                        && let Some(lost) = self.bots.deliver(out)
                    {
                        tracing::debug!("message for vanished {} dropped", lost.to);
                    }
                }
            }
        }
        let mut in_flight: usize = self.big_in_flight.values().sum();
        let clients: Vec<u64> = self.held.keys().copied().collect();
        for c in clients {
            let Some(queue) = self.held.get_mut(&c) else { continue };
            while let Some(next) = queue.front() {
                let big = next.bytes.len() >= BIG_MESSAGE_BYTES;
                if big && (self.big_in_flight.contains_key(&c) || in_flight + next.bytes.len() > BIG_IN_FLIGHT_BYTES) {
                    // A first large message always goes, so one larger than the budget cannot wait forever.
                    if in_flight > 0 || self.big_in_flight.contains_key(&c) {
                        break;
                    }
                }
                let Some(out) = queue.pop_front() else { break };
                if big {
                    in_flight += out.bytes.len();
                    self.big_in_flight.insert(c, out.bytes.len());
                }
                self.bytes_sent += out.bytes.len() as u64;
                self.net.send(out);
            }
            if queue.is_empty() {
                self.held.remove(&c);
            }
        }
    }
}

/// What [`Serving::step_while_sending`] measured: the step (and its views), the send, and the
/// time the network thread slept waiting for the step.
struct Stepped {
    step: Duration,
    send: Duration,
    idle: Duration,
}

/// Wall time the serve loop may spend sending views in one tick (the rest wait for the next).
const VIEWS_BUDGET: Duration = Duration::from_millis(4);
/// How often the network thread looks whether the step is done.
const STEP_WAIT: Duration = Duration::from_millis(1);

/// The serve loop's phases, indexing `metrics::PHASES`.
#[derive(Clone, Copy)]
enum Phase {
    Receive,
    Journal,
    Bots,
    Step,
    Views,
    Route,
    Send,
}

/// Times the phases of one pass of the loop: each `done` adds the time since the last one.
struct Lap {
    at: Instant,
}

impl Lap {
    fn start() -> Lap {
        Lap { at: Instant::now() }
    }
    fn done(&mut self, phases: &mut [f64; metrics::PHASES.len()], phase: Phase) {
        let now = Instant::now();
        phases[phase as usize] += (now - self.at).as_secs_f64();
        self.at = now;
    }
}

/// Lowers the calling thread's priority (nice 10) so the network thread, and the rest of the
/// machine, come first while it steps the world: a step that runs a little later only delays
/// views, while a network thread waiting for a core delays every seat's acks and orders. On a
/// 2-core laptop the stepping thread otherwise shares the cores evenly with the network thread
/// and stretches its ticks (BENCHMARKS.md, session 7).
fn yield_to_the_network() {
    // On Linux, setpriority on a thread id renices that thread alone.
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 10) {
        tracing::debug!("could not lower the stepping thread's priority: {e}");
    }
}

/// A message this large is flow-controlled (the static data is ~3 MB; a view delta a few KB).
const BIG_MESSAGE_BYTES: usize = 256 * 1024;
/// Large messages unacknowledged over all clients at most (about 20 seats' static data).
const BIG_IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

/// A drill served on a background thread (the client's "host a drill").
pub struct ServerHandle {
    pub addr: SocketAddr,
    pub record_dir: PathBuf,
    /// The drill's codes (the client's host mode shows them; tests join with them).
    pub codes: Arc<DrillCodes>,
    /// The pin of the token step's certificate (`JoinRequest::with_tls_pin`).
    pub tls_pin: TlsPin,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<std::io::Result<Finished>>>,
}

impl ServerHandle {
    pub fn spawn(opts: ServeOptions) -> anyhow::Result<ServerHandle> {
        ServerHandle::run(Serving::start(opts)?)
    }

    /// Runs an already started drill on a background thread.
    pub fn run(serving: Serving) -> anyhow::Result<ServerHandle> {
        let addr = serving.addr();
        let record_dir = serving.record_dir().to_path_buf();
        let codes = serving.codes.clone();
        let tls_pin = serving.tls.pin();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new().name("sandtable-server".into()).spawn(move || serving.run(&flag))?;
        Ok(ServerHandle { addr, record_dir, codes, tls_pin, stop, thread: Some(thread) })
    }

    /// The code `seat` joins with.
    pub fn code_for(&self, seat: &protocol::Seat) -> String {
        self.codes.code_for(seat)
    }

    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }

    /// Stops the drill (writing its record) and waits for the thread.
    pub fn stop(mut self) -> std::io::Result<Finished> {
        self.stop.store(true, Ordering::Relaxed);
        self.join_inner()
    }

    /// Waits for the drill to end by itself.
    pub fn join(mut self) -> std::io::Result<Finished> {
        self.join_inner()
    }

    fn join_inner(&mut self) -> std::io::Result<Finished> {
        match self.thread.take() {
            Some(t) => t.join().map_err(|_| std::io::Error::other("server thread panicked"))?,
            None => Err(std::io::Error::other("already joined")),
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests;
