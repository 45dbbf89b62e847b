//! The lobby and message handling every transport shares: who sits in which seat (several
//! people per role, observers, the projector), the hello handshake, rate-limiting orders and
//! handing them to the [`Drill`] (which authorises them with `sim::access`), and fanning out
//! per-seat briefings, views, the public situation, events, the clock and the controller's live
//! score.
//! It reads and writes encoded protocol bytes, so renet clients and in-process bots go through
//! exactly the same checks. The driver (network loop or `run`) moves the bytes.

pub mod rate;
#[cfg(test)]
mod tests;
mod views;

use std::collections::BTreeMap;
use std::time::Duration;

use protocol::{ClientMessage, Control, ControllerData, PROTOCOL_VERSION, Seat, ServerMessage, StaticData, channel};
use sim::Role;

use crate::drill::{Drill, Finished};
use crate::logs::{Say, Throttle};
use rate::RateLimit;
use sim::access::Refusal;

/// A connection: a renet client, or a bot living in this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ConnId {
    Net(u64),
    Local(u32),
}

impl std::fmt::Display for ConnId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnId::Net(id) => write!(f, "client {id}"),
            ConnId::Local(id) => write!(f, "bot {id}"),
        }
    }
}

/// Bytes for one connection on one channel.
#[derive(Clone, Debug)]
pub struct Outgoing {
    pub to: ConnId,
    pub channel: u8,
    pub bytes: Vec<u8>,
}

/// Any number of people may hold a role; a bot holds a role only while no human does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Peer {
    Human,
    Bot,
}

#[derive(Clone, Debug)]
pub struct HostOptions {
    /// Orders and controls a human client may send per second on average (bots are trusted).
    pub orders_per_s: f64,
    pub burst: f64,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions { orders_per_s: 20.0, burst: 20.0 }
    }
}

/// What a connection was admitted to.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Admitted {
    /// In-process bots and tests: any seat.
    Trusted,
    /// A network client: only the seat its connect token grants, under the name given at the
    /// token step (the one the server logged with the address and the code).
    Granted(Seat, String),
    /// A network client whose token carried no grant: no seat at all.
    Nothing,
}

struct Session {
    peer: Peer,
    admitted: Admitted,
    seat: Option<Seat>,
    player: String,
    rate: RateLimit,
    /// Hash of the last view (or public situation) sent, so an unchanged one is not sent again.
    last_view: Option<u64>,
    /// A controller watching a role ([`Control::ViewAs`]), and the hash of the last such view.
    watch: Option<Role>,
    last_watch: Option<u64>,
    /// The host generation this session's view was last built at.
    view_gen: Option<u64>,
    /// The last message of each [`DeltaKind`] sent to this session: the base of the next delta.
    bases: [Option<Base>; 3],
    /// Refused messages, for the log.
    refused: u32,
    /// Events of its role sent since the hello, so a [`ClientMessage::CatchUp`] sends only the
    /// ones before them that the seat lacks.
    events_sent: usize,
}

impl Session {
    fn role(&self) -> Option<&Role> {
        match &self.seat {
            Some(Seat::Role(r)) => Some(r),
            _ => None,
        }
    }
    fn is_public(&self) -> bool {
        matches!(self.seat, Some(Seat::Observer | Seat::Projector))
    }
}

/// Wall seconds between live score boards (when anything changed) and clock refreshes.
const SCORE_EVERY_S: f64 = 1.0;
const CLOCK_EVERY_S: f64 = 5.0;

/// What the host counted, for logs and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostStats {
    pub undecodable: u32,
    pub refused: u32,
    pub rate_limited: u32,
    /// Views sent, and the largest one in bytes (for BENCHMARKS.md and channel sizing).
    pub views_sent: u64,
    pub largest_view_bytes: usize,
    /// Of the views sent, how many went as deltas; the bytes sent on the views channel, and the
    /// bytes the same views would have taken whole.
    pub deltas_sent: u64,
    pub view_bytes: u64,
    pub view_bytes_whole: u64,
}

struct MapBytes {
    json: Vec<u8>,
    terrain: Vec<u8>,
}

pub struct Host {
    drill: Drill,
    sessions: BTreeMap<ConnId, Session>,
    /// The map asset's files, sent to every seat with its briefing.
    map: MapBytes,
    /// Each role's briefing, made when the drill opens: a seat that joins late is told the
    /// same as one that joined at the start.
    briefings: BTreeMap<Role, sim::access::Briefing>,
    out: Vec<Outgoing>,
    opts: HostOptions,
    /// The clock last sent (running, speed, what adaptive time waits for), and wall seconds
    /// since, so the expected end is refreshed now and then.
    clock_sent: Option<(bool, u32, Option<String>)>,
    clock_age_s: f64,
    /// The generation the last score board was built at, and wall seconds since.
    score_gen: Option<u64>,
    score_age_s: f64,
    public_briefing: sim::access::PublicBriefing,
    finished: Option<Finished>,
    stats: HostStats,
    /// Bumped whenever a view may have changed (a step, an accepted command).
    generation: u64,
    /// Views and deltas made at the current generation, shared by every seat that needs them.
    views: views::ViewCache,
    /// The last session a time-bounded [`Host::push_views_within`] served: the next pass starts
    /// after it, so every seat gets its turn.
    view_cursor: Option<ConnId>,
    /// The drill's codes for the controller's console and the projector; `None` without codes.
    codes: Option<protocol::ShownCodes>,
    /// Refusals logged once per connection and code, then summarised.
    refusal_log: Throttle<(ConnId, &'static str)>,
}

impl Host {
    pub fn new(drill: Drill, opts: HostOptions) -> std::io::Result<Host> {
        let setup = drill.setup();
        let read = |name: &str| {
            let path = setup.map_dir.join(name);
            std::fs::read(&path).map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        };
        let map = MapBytes { json: read(sim::map::MAP_JSON)?, terrain: read(sim::map::TERRAIN_BIN)? };
        let briefings = drill.roles().iter().map(|r| (r.clone(), drill.briefing(r))).collect();
        let public_briefing = sim::access::public_briefing(drill.world());
        Ok(Host {
            drill,
            sessions: BTreeMap::new(),
            map,
            briefings,
            out: Vec::new(),
            opts,
            clock_sent: None,
            clock_age_s: 0.0,
            score_gen: None,
            score_age_s: 0.0,
            public_briefing,
            finished: None,
            stats: HostStats::default(),
            generation: 0,
            views: views::ViewCache::default(),
            view_cursor: None,
            codes: None,
            refusal_log: Throttle::new(crate::logs::SUMMARY_EVERY),
        })
    }

    pub fn drill(&self) -> &Drill {
        &self.drill
    }
    pub fn drill_mut(&mut self) -> &mut Drill {
        &mut self.drill
    }
    pub fn stats(&self) -> &HostStats {
        &self.stats
    }
    pub fn finished(&self) -> Option<&Finished> {
        self.finished.as_ref()
    }
    /// Roles held now, with the player (`None` for a bot).
    pub fn holders(&self) -> Vec<(Role, Option<String>)> {
        let human = self.human_roles();
        self.sessions
            .values()
            .filter(|s| Self::active_with(s, &human))
            .filter_map(|s| s.role().cloned().map(|r| (r, (s.peer == Peer::Human).then(|| s.player.clone()))))
            .collect()
    }
    /// Seats held by kind, for the metrics: people in roles, observers, projectors, bots
    /// (benched ones included).
    pub fn seat_counts(&self) -> Vec<(&'static str, usize)> {
        let mut n = [0usize; 4];
        for s in self.sessions.values() {
            match (&s.seat, s.peer) {
                (Some(Seat::Role(_)), Peer::Human) => n[0] += 1,
                (Some(Seat::Observer), _) => n[1] += 1,
                (Some(Seat::Projector), _) => n[2] += 1,
                (Some(Seat::Role(_)), Peer::Bot) => n[3] += 1,
                (None, _) => {}
            }
        }
        vec![("role", n[0]), ("observer", n[1]), ("projector", n[2]), ("bot", n[3])]
    }
    /// What observers are shown: a role's view, or the public situation (`None`).
    pub fn shown_to_observers(&self) -> Option<&Role> {
        self.drill.shown().observers.as_ref()
    }

    /// The drill's codes, shown on the controller's console and the join code on the projector.
    pub fn set_codes(&mut self, codes: Option<protocol::ShownCodes>) {
        self.codes = codes;
    }

    /// Refusal lines written to the log so far (the rest were counted into summaries).
    pub fn refusal_log_lines(&self) -> u64 {
        self.refusal_log.lines()
    }

    /// A network client admitted by a connect token: its hello may take only the granted seat
    /// (`None`: a token without a grant, no seat at all).
    pub fn connect_granted(&mut self, id: ConnId, grant: Option<crate::admission::Grant>) {
        self.connect(id, Peer::Human);
        if let Some(s) = self.sessions.get_mut(&id) {
            s.admitted = grant.map_or(Admitted::Nothing, |g| Admitted::Granted(g.seat, g.player));
        }
    }

    /// A trusted connection (an in-process bot, a test): any seat.
    pub fn connect(&mut self, id: ConnId, peer: Peer) {
        match peer {
            Peer::Human => tracing::info!("{id} connected"),
            Peer::Bot => tracing::debug!("{id} connected"),
        }
        let rate = RateLimit::new(self.opts.orders_per_s, self.opts.burst);
        self.sessions.insert(
            id,
            Session {
                peer,
                admitted: Admitted::Trusted,
                seat: None,
                player: String::new(),
                rate,
                last_view: None,
                watch: None,
                last_watch: None,
                view_gen: None,
                bases: Default::default(),
                refused: 0,
                events_sent: 0,
            },
        );
    }

    pub fn disconnect(&mut self, id: ConnId) {
        if let Some(s) = self.sessions.remove(&id) {
            let seat = s.seat.map(|r| r.to_string()).unwrap_or_else(|| "-".into());
            tracing::info!("{id} ({seat}, {}) left", s.player);
            // A bot benched for that role resumes when its last human left: it needs a fresh view.
            for s2 in self.sessions.values_mut() {
                if s2.peer == Peer::Bot && s2.role().map(|r| r.to_string()) == Some(seat.clone()) {
                    s2.last_view = None;
                    s2.view_gen = None;
                }
            }
        }
    }

    /// A session plays its role unless it is a bot whose role a human has taken.
    fn is_active(&self, id: ConnId) -> bool {
        let Some(s) = self.sessions.get(&id) else { return false };
        let Some(role) = s.role() else { return false };
        s.peer == Peer::Human || !self.human_holds(role)
    }

    fn human_holds(&self, role: &Role) -> bool {
        self.sessions.values().any(|s| s.peer == Peer::Human && s.role() == Some(role))
    }

    /// The roles some person holds, worked out once for a pass over every session (with 200
    /// seats, asking [`Host::is_active`] per session would be quadratic).
    fn human_roles(&self) -> std::collections::BTreeSet<Role> {
        self.sessions.values().filter(|s| s.peer == Peer::Human).filter_map(|s| s.role().cloned()).collect()
    }

    /// [`Host::is_active`] with the human-held roles already known.
    fn active_with(s: &Session, human: &std::collections::BTreeSet<Role>) -> bool {
        s.role().is_some_and(|r| s.peer == Peer::Human || !human.contains(r))
    }

    /// Sessions that have a seat (role, observer or projector), benched bots included.
    fn seated(&self) -> Vec<ConnId> {
        self.sessions.iter().filter(|(_, s)| s.seat.is_some()).map(|(id, _)| *id).collect()
    }

    /// Handles one message from a connection at `now` (monotonic time since the host started).
    pub fn receive(&mut self, id: ConnId, bytes: &[u8], now: Duration) {
        self.handle(id, bytes, now);
        self.pump_events();
    }

    fn handle(&mut self, id: ConnId, bytes: &[u8], now: Duration) {
        if !self.sessions.contains_key(&id) {
            tracing::warn!("message from unknown {id} ignored");
            return;
        }
        // Bytes above the bound are refused unread: no decoder sees them.
        if bytes.len() > protocol::MAX_CLIENT_MESSAGE_BYTES {
            self.stats.undecodable += 1;
            let max = protocol::MAX_CLIENT_MESSAGE_BYTES;
            return self.refuse(id, Refusal::MessageTooLarge { bytes: bytes.len(), max });
        }
        let msg = match protocol::decode::<ClientMessage>(bytes) {
            Ok(m) => m,
            Err(e) => {
                self.stats.undecodable += 1;
                // A hello of another version may not decode: its leading version still reads.
                if let Some(v) = protocol::hello_version(bytes)
                    && v != PROTOCOL_VERSION
                {
                    return self.refuse(id, versions_differ(v));
                }
                return self.refuse(id, Refusal::Undecodable { bytes: bytes.len(), error: e.to_string() });
            }
        };
        match msg {
            ClientMessage::Hello { protocol, seat, player } => self.hello(id, protocol, seat, player),
            ClientMessage::Order(order) => {
                let Some((role, player)) = self.acting(id, now, || order.kind()) else { return };
                // A refused order changes nothing: no new view is due.
                match self.drill.order(&role, &player, order) {
                    Ok(()) => self.generation += 1,
                    Err(r) => self.refuse(id, r),
                }
            }
            ClientMessage::CatchUp { seen } => self.catch_up(id, seen),
            ClientMessage::Control(control) => {
                let label = control.clone();
                let Some((role, player)) = self.acting(id, now, || sim::OrderKind::Inject) else {
                    return;
                };
                match self.drill.control(&role, &player, control) {
                    Ok(()) => {
                        self.generation += 1;
                        self.seat_control(id, label);
                        // Every accepted control is answered with the clock (a step moves it).
                        self.clock_sent = None;
                        self.send_clock();
                    }
                    Err(r) => self.refuse(id, r),
                }
            }
        }
    }

    /// The controls that choose what seats see: the host applies them once the drill accepted
    /// (and journaled) them.
    fn seat_control(&mut self, id: ConnId, control: Control) {
        match control {
            Control::ViewAs(role) => {
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.watch = role;
                    s.last_watch = None;
                }
            }
            // The drill keeps what observers and the projector are shown (`drill::shown`).
            Control::ShowObservers(_) => {}
            Control::FocusArea(_) => {
                let bytes = protocol::encode(&ServerMessage::Focus(self.drill.shown().focus));
                let ids: Vec<ConnId> = self.sessions.iter().filter(|(_, s)| s.is_public()).map(|(id, _)| *id).collect();
                for to in ids {
                    self.push(to, channel::RELIABLE, bytes.clone());
                }
            }
            Control::Start | Control::Pause | Control::SetSpeed(_) | Control::Step | Control::Adaptive(_) => {}
        }
    }

    /// The role and player of a session allowed to act now, or `None` after refusing it.
    /// `kind` names the order for the refusal of a public seat.
    fn acting(&mut self, id: ConnId, now: Duration, kind: impl Fn() -> sim::OrderKind) -> Option<(Role, String)> {
        let s = self.sessions.get_mut(&id)?;
        let role = match &s.seat {
            None => {
                self.refuse(id, Refusal::HelloFirst);
                return None;
            }
            Some(Seat::Observer | Seat::Projector) => {
                let seat = s.seat.as_ref().map(|x| x.to_string()).unwrap_or_default();
                self.refuse(id, Refusal::NotAllowed { role: seat, order: kind() });
                return None;
            }
            Some(Seat::Role(r)) => r.clone(),
        };
        if s.peer == Peer::Human && !s.rate.allow(now) {
            self.stats.rate_limited += 1;
            self.refuse(id, Refusal::TooManyOrders { per_s: self.opts.orders_per_s });
            return None;
        }
        let player = s.player.clone();
        if !self.is_active(id) {
            tracing::debug!("{id}: bot for {role} is benched (a human holds the role); message dropped");
            return None;
        }
        Some((role, player))
    }

    fn hello(&mut self, id: ConnId, protocol: u64, seat: Seat, player: String) {
        let peer = self.sessions[&id].peer;
        if let Some(r) = &self.sessions[&id].seat {
            return self.refuse(id, Refusal::AlreadyJoined { role: r.to_string() });
        }
        if protocol != PROTOCOL_VERSION {
            return self.refuse(id, versions_differ(protocol));
        }
        let seat = match seat {
            Seat::Role(role) => match resolve_role(self.drill.roles(), &role) {
                Some(r) => Seat::Role(r),
                None => {
                    let offer: Vec<String> = self.drill.roles().iter().map(|r| r.to_string()).collect();
                    return self
                        .refuse(id, Refusal::RoleNotOnOffer { role: role.to_string(), offer: offer.join(", ") });
                }
            },
            public => public,
        };
        let granted = match &self.sessions[&id].admitted {
            Admitted::Trusted => None,
            Admitted::Granted(Seat::Role(r), _) => {
                Some(Seat::Role(resolve_role(self.drill.roles(), r).unwrap_or_else(|| r.clone())))
            }
            Admitted::Granted(public, _) => Some(public.clone()),
            Admitted::Nothing => None,
        };
        match (&self.sessions[&id].admitted, granted) {
            (Admitted::Trusted, _) => {}
            (_, Some(g)) if g == seat => {}
            (_, g) => {
                let granted = g.map_or_else(|| "-".to_string(), |g| g.to_string());
                return self.refuse(id, Refusal::NotYourSeat { granted, asked: seat.to_string() });
            }
        }
        // Several people may share a role (指挥长, 执行指挥长, 值班员...): each under their own name,
        // the one granted at the token step (a hello cannot act under another name).
        let player = match &self.sessions[&id].admitted {
            Admitted::Granted(_, granted) => granted.as_str(),
            _ => player.as_str(),
        };
        let player = if player.trim().is_empty() { format!("{id}") } else { player.chars().take(64).collect() };
        match peer {
            Peer::Human => tracing::info!("{id}: {player} takes {seat}"),
            Peer::Bot => tracing::debug!("{id}: {player} takes {seat}"),
        }
        let label = if peer == Peer::Human { player.clone() } else { "bot".into() };
        self.drill.record_mut().meta_mut().players.push((seat.to_string(), label));
        let s = self.sessions.get_mut(&id).expect("checked above");
        s.seat = Some(seat.clone());
        s.player = player;
        // A bot that held this role stops; its session stays to resume if the humans leave.
        let roles_on_offer = self.drill.roles().to_vec();
        let welcome = match &seat {
            Seat::Role(role) => ServerMessage::Welcome { role: role.clone(), roles_on_offer },
            _ => ServerMessage::Seated { seat: seat.clone(), roles_on_offer },
        };
        self.push(id, channel::RELIABLE, protocol::encode(&welcome));
        let static_bytes = self.static_data(&seat);
        self.push(id, channel::RELIABLE, static_bytes);
        let clock = ServerMessage::Clock(self.drill.clock_state());
        self.push(id, channel::RELIABLE, protocol::encode(&clock));
        if seat == Seat::Projector || seat == Seat::Observer {
            self.push(id, channel::RELIABLE, protocol::encode(&ServerMessage::Focus(self.drill.shown().focus)));
        }
        if let Some(f) = &self.finished {
            let ended = ServerMessage::Ended { score: f.score, summary: f.summary.clone() };
            self.push(id, channel::RELIABLE, protocol::encode(&ended));
        }
    }

    /// [`ClientMessage::CatchUp`]: the events of the seat's role it has not had, neither in its
    /// earlier sessions (`seen`) nor since this hello. Public seats have nothing to catch up.
    fn catch_up(&mut self, id: ConnId, seen: u32) {
        let Some(s) = self.sessions.get(&id) else { return };
        let Some(role) = s.role() else { return };
        let all = sim::access::events_for(role, self.drill.world().events());
        let end = all.len().saturating_sub(s.events_sent);
        let from = usize::try_from(seen).unwrap_or(usize::MAX).min(end);
        if from < end {
            let missed = all[from..end].to_vec();
            tracing::debug!("{id}: {} missed event(s) of {role} sent again", missed.len());
            self.push(id, channel::RELIABLE, protocol::encode(&ServerMessage::Events(missed)));
        }
    }

    /// The seat's briefing and the map; the scenario file and the seed for the controller only.
    fn static_data(&self, seat: &Seat) -> Vec<u8> {
        let setup = self.drill.setup();
        let role = match seat {
            Seat::Role(r) => Some(r),
            Seat::Observer | Seat::Projector => None,
        };
        let controller = role.filter(|r| sim::access::may_see_script(r)).map(|_| ControllerData {
            scenario_ron: setup.scenario_text.clone(),
            seed: setup.seed,
            codes: self.codes.clone(),
        });
        let data = StaticData {
            briefing: role.map(|r| self.briefings.get(r).cloned().unwrap_or_else(|| self.drill.briefing(r))),
            public: role.is_none().then(|| self.public_briefing.clone()),
            controller,
            map_name: setup.scenario.map.clone(),
            map_json: self.map.json.clone(),
            terrain_bin: self.map.terrain.clone(),
            join_code: (*seat == Seat::Projector).then(|| self.codes.as_ref().map(|c| c.join.clone())).flatten(),
        };
        protocol::encode(&ServerMessage::Static(Box::new(data)))
    }

    /// Tells a connection why its message was refused, and logs it with the refusal's code.
    fn refuse(&mut self, id: ConnId, refusal: Refusal) {
        self.stats.refused += 1;
        let (role, player) = match self.sessions.get_mut(&id) {
            Some(s) => {
                s.refused += 1;
                (s.seat.as_ref().map(|r| r.to_string()).unwrap_or_else(|| "-".into()), s.player.clone())
            }
            None => ("-".into(), String::new()),
        };
        let code = refusal.code();
        let reason = refusal.to_string();
        match self.refusal_log.hit((id, code), std::time::Instant::now()) {
            Say::First => tracing::warn!("refused {id} (role {role}, player {player}): [{code}] {reason}"),
            Say::Summary(n) => tracing::warn!(
                "refused {id} (role {role}, player {player}) {n} times [{code}] in the last {} s",
                crate::logs::SUMMARY_EVERY.as_secs()
            ),
            Say::Quiet => {}
        }
        self.push(id, channel::RELIABLE, protocol::encode(&ServerMessage::Refused { reason }));
    }

    fn push(&mut self, to: ConnId, channel: u8, bytes: Vec<u8>) {
        self.out.push(Outgoing { to, channel, bytes });
    }

    /// Sends the clock to every seat when it changed (running, speed, what adaptive time waits
    /// for), and refreshes it every [`CLOCK_EVERY_S`] while running (the expected end moves).
    fn send_clock(&mut self) {
        let state = self.drill.clock_state();
        let key = (state.running, state.speed.to_bits(), state.adaptive.as_ref().and_then(|a| a.waiting_for.clone()));
        let stale = state.running && self.clock_age_s >= CLOCK_EVERY_S;
        if self.clock_sent.as_ref() == Some(&key) && !stale {
            return;
        }
        self.clock_sent = Some(key);
        self.clock_age_s = 0.0;
        let bytes = protocol::encode(&ServerMessage::Clock(state));
        for id in self.seated() {
            self.push(id, channel::RELIABLE, bytes.clone());
        }
    }

    /// Advances the drill by `wall` time at the controller's speed; then events, the clock, the
    /// controller's score board and the end.
    pub fn tick(&mut self, wall: Duration, max_steps: u32) {
        for ((id, code), n) in self.refusal_log.due(std::time::Instant::now()) {
            tracing::warn!("refused {id} {n} more times [{code}]");
        }
        if self.drill.advance(wall, max_steps) > 0 {
            self.generation += 1;
        }
        self.clock_age_s += wall.as_secs_f64();
        self.score_age_s += wall.as_secs_f64();
        self.send_clock();
        self.pump_events();
        if self.score_age_s >= SCORE_EVERY_S && self.score_gen != Some(self.generation) {
            self.send_score();
        }
    }

    /// The live score board to every controller seat (people; a controller bot does not read it).
    pub fn send_score(&mut self) {
        self.score_age_s = 0.0;
        self.score_gen = Some(self.generation);
        let ids: Vec<ConnId> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.peer == Peer::Human && s.role() == Some(&Role::Controller))
            .map(|(id, _)| *id)
            .collect();
        if ids.is_empty() {
            return;
        }
        let bytes = protocol::encode(&ServerMessage::Score(Box::new(self.drill.score_so_far())));
        for id in ids {
            self.push(id, channel::RELIABLE, bytes.clone());
        }
    }

    /// As [`Host::step_fast`], returning the wall seconds the step would take in adaptive time
    /// (`run --adaptive`: nothing sleeps); `None` once the drill is over.
    pub fn step_counted(&mut self) -> Option<f64> {
        let wall = self.drill.step_counted();
        if wall.is_some() {
            self.generation += 1;
        }
        self.pump_events();
        wall
    }

    /// Steps one tick regardless of the clock (`run`, as fast as the machine allows).
    pub fn step_fast(&mut self) {
        if self.drill.step_once() {
            self.generation += 1;
        }
        self.pump_events();
    }

    /// Hands new events to the record and to the sessions each concerns.
    fn pump_events(&mut self) {
        let events = self.drill.new_events();
        if !events.is_empty() {
            self.generation += 1;
            // Each active role seat its role's events; observers those of the role they are shown.
            let shown = self.drill.shown().observers.clone();
            let human = self.human_roles();
            let targets: Vec<(ConnId, Role)> = self
                .sessions
                .iter()
                .filter_map(|(id, s)| match &s.seat {
                    Some(Seat::Role(r)) if Self::active_with(s, &human) => Some((*id, r.clone())),
                    Some(Seat::Observer) => shown.clone().map(|r| (*id, r)),
                    _ => None,
                })
                .collect();
            for (id, role) in targets {
                let mine = sim::access::events_for(&role, &events);
                if let Some(s) = self.sessions.get_mut(&id) {
                    s.events_sent += mine.len();
                }
                if !mine.is_empty() {
                    self.push(id, channel::RELIABLE, protocol::encode(&ServerMessage::Events(mine)));
                }
            }
        }
    }

    /// Sends each active session what it watches if it changed and `ready(id)` says the
    /// transport can take it (renet: the previous view was acked): a role seat its role's view
    /// (and a controller the role it views as), an observer the role it is shown or the public
    /// situation, the projector the public situation. A network seat gets a delta against the
    /// last message of that kind it was sent when that is smaller ([`views`]).
    pub fn push_views(&mut self, ready: impl Fn(ConnId) -> bool) {
        self.push_views_within(ready, Duration::MAX);
    }

    /// [`Host::push_views`] for at most `budget` of wall time, seats taken in turn from where the
    /// last pass stopped: after a step, 1,000 seats' views spread over a few network ticks instead
    /// of holding one (a seat skipped now gets the newest view at its turn).
    pub fn push_views_within(&mut self, ready: impl Fn(ConnId) -> bool, budget: Duration) {
        let generation = self.generation;
        let mut ids: Vec<ConnId> = self.due_views().into_iter().filter(|id| ready(*id)).collect();
        if ids.is_empty() {
            return;
        }
        if let Some(c) = self.view_cursor {
            let first_after = ids.partition_point(|id| *id <= c);
            ids.rotate_left(first_after);
        }
        self.views.at(generation);
        let started = std::time::Instant::now();
        for id in ids {
            if started.elapsed() > budget {
                break;
            }
            self.view_cursor = Some(id);
            for (w, is_main) in self.watches_of(id) {
                let drill = &self.drill;
                let whole = self.views.whole(&w, || encode_watch(drill, &w));
                let s = self.sessions.get_mut(&id).expect("listed above");
                let last = if is_main { &mut s.last_view } else { &mut s.last_watch };
                if *last == Some(whole.hash) {
                    continue;
                }
                *last = Some(whole.hash);
                let kind = w.kind();
                let base = match id {
                    ConnId::Net(_) => s.bases[kind.index()].replace(whole.clone()),
                    ConnId::Local(_) => None,
                };
                let delta = base.and_then(|b| self.views.delta(&w, &b, &whole));
                self.stats.views_sent += 1;
                self.stats.largest_view_bytes = self.stats.largest_view_bytes.max(whole.bytes.len());
                self.stats.view_bytes_whole += whole.bytes.len() as u64;
                let bytes = match delta {
                    Some(d) => {
                        self.stats.deltas_sent += 1;
                        d.to_vec()
                    }
                    None => whole.bytes.to_vec(),
                };
                self.stats.view_bytes += bytes.len() as u64;
                self.push(id, channel::VIEWS, bytes);
            }
            self.sessions.get_mut(&id).expect("listed above").view_gen = Some(generation);
        }
    }

    /// Makes this generation's views, and their deltas against the bases the seats hold, ahead
    /// of [`Host::push_views`], which then only looks them up. The serve loop calls it on the
    /// stepping thread right after the world step, while the last tick's packets go out: after
    /// a step, 1,000 seats would otherwise wait for 100 roles' views and diffs in one pass.
    pub fn prepare_views(&mut self) {
        let due = self.due_views();
        if due.is_empty() {
            return;
        }
        self.views.at(self.generation);
        for id in due {
            for (w, _) in self.watches_of(id) {
                let drill = &self.drill;
                let whole = self.views.whole(&w, || encode_watch(drill, &w));
                let base = match id {
                    ConnId::Net(_) => self.sessions[&id].bases[w.kind().index()].clone(),
                    ConnId::Local(_) => None,
                };
                if let Some(b) = base.filter(|b| b.hash != whole.hash) {
                    self.views.delta(&w, &b, &whole);
                }
            }
        }
    }

    /// Sessions whose views of this generation are not sent yet (benched bots have none).
    fn due_views(&self) -> Vec<ConnId> {
        let generation = self.generation;
        let human = self.human_roles();
        self.sessions
            .iter()
            .filter(|(_, s)| s.view_gen != Some(generation) && (Self::active_with(s, &human) || s.is_public()))
            .map(|(id, _)| *id)
            .collect()
    }

    /// What a session is sent on the views channel: its main view, and the role its controller
    /// watches (`true` marks the main one).
    fn watches_of(&self, id: ConnId) -> Vec<(Watch, bool)> {
        let Some(s) = self.sessions.get(&id) else { return Vec::new() };
        let main = match &s.seat {
            Some(Seat::Role(r)) => Watch::View(r.clone()),
            Some(Seat::Observer) => self.drill.shown().observers.clone().map_or(Watch::Public, Watch::View),
            Some(Seat::Projector) => Watch::Public,
            None => return Vec::new(),
        };
        std::iter::once((main, true)).chain(s.watch.clone().map(|w| (Watch::Watched(w), false))).collect()
    }

    /// Ends the drill once: scores it, writes the record, tells everyone. Later calls return
    /// the same result.
    pub fn end(&mut self) -> std::io::Result<Finished> {
        if let Some(f) = &self.finished {
            return Ok(f.clone());
        }
        self.pump_events();
        let f = match self.drill.finish() {
            Ok(f) => f,
            Err(e) => {
                self.tell_record_failed(&e);
                return Err(e);
            }
        };
        let bytes = protocol::encode(&ServerMessage::Ended { score: f.score, summary: f.summary.clone() });
        for id in self.seated() {
            self.push(id, channel::RELIABLE, bytes.clone());
        }
        self.finished = Some(f.clone());
        Ok(f)
    }

    /// The serve loop's group commit ([`Drill::commit_journal`]): the journal lines of the
    /// orders taken since the last commit reach the disk in one sync, before anything that
    /// follows from them is sent. When the sync fails the drill stops: what was queued since
    /// (outcomes of orders that may not be on the disk) is dropped, and every seat is told why.
    pub fn commit_journal(&mut self) -> std::io::Result<u64> {
        self.drill.commit_journal().inspect_err(|e| {
            self.out.clear();
            self.tell_record_failed(e);
        })
    }

    /// Every seat is told the record failed and the drill stopped (the refusal and the stopped
    /// clock).
    fn tell_record_failed(&mut self, e: &std::io::Error) {
        let reason = Refusal::RecordFailed { reason: e.to_string() }.to_string();
        let refused = protocol::encode(&ServerMessage::Refused { reason });
        let clock = protocol::encode(&ServerMessage::Clock(self.drill.clock_state()));
        for id in self.seated() {
            self.push(id, channel::RELIABLE, refused.clone());
            self.push(id, channel::RELIABLE, clock.clone());
        }
    }

    /// Everything queued for sending since the last call.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.out)
    }
}

use views::{Base, Watch, encode_watch};

/// `command` stands for the only township's command post when the scenario has one; any other
/// role stands for itself if the drill offers it. The host's hello and the token step both
/// resolve seats with it.
pub fn resolve_role(roles: &[Role], role: &Role) -> Option<Role> {
    if roles.contains(role) {
        return Some(role.clone());
    }
    if *role == Role::Command(None) {
        let commands: Vec<&Role> = roles.iter().filter(|r| matches!(r, Role::Command(_))).collect();
        if let [only] = commands[..] {
            return Some(only.clone());
        }
    }
    None
}

/// The refusal of a client of another protocol version, in words.
pub fn versions_differ(client: u64) -> Refusal {
    Refusal::VersionsDiffer { client: protocol::version_text(client), server: protocol::version_text(PROTOCOL_VERSION) }
}
