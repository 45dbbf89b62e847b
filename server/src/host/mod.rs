//! The lobby and message handling every transport shares: who holds which role, the hello
//! handshake, rate-limiting orders and handing them to the [`Drill`] (which authorises them with
//! `sim::access`), and fanning out per-role briefings, views and events.
//! It reads and writes encoded protocol bytes, so renet clients and in-process bots go through
//! exactly the same checks. The driver (network loop or `run`) moves the bytes.

pub mod rate;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::time::Duration;

use protocol::{ClientMessage, ControllerData, PROTOCOL_VERSION, ServerMessage, StaticData, channel};
use sim::Role;

use crate::drill::{Drill, Finished};
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

/// A human holds a role exclusively; a bot holds a role only while no human does.
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

struct Session {
    peer: Peer,
    role: Option<Role>,
    player: String,
    rate: RateLimit,
    /// Hash of the last view sent, so an unchanged view is not sent again.
    last_view: Option<u64>,
    /// The host generation this session's view was last built at.
    view_gen: Option<u64>,
    /// Refused messages, for the log.
    refused: u32,
}

/// What the host counted, for logs and tests.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostStats {
    pub undecodable: u32,
    pub refused: u32,
    pub rate_limited: u32,
    /// Views sent, and the largest one in bytes (for BENCHMARKS.md and channel sizing).
    pub views_sent: u64,
    pub largest_view_bytes: usize,
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
    clock_sent: Option<(bool, u32)>,
    finished: Option<Finished>,
    stats: HostStats,
    /// Bumped whenever a view may have changed (a step, an accepted command).
    generation: u64,
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
        Ok(Host {
            drill,
            sessions: BTreeMap::new(),
            map,
            briefings,
            out: Vec::new(),
            opts,
            clock_sent: None,
            finished: None,
            stats: HostStats::default(),
            generation: 0,
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
        self.sessions
            .iter()
            .filter(|(id, _)| self.is_active(**id))
            .filter_map(|(_, s)| s.role.clone().map(|r| (r, (s.peer == Peer::Human).then(|| s.player.clone()))))
            .collect()
    }

    pub fn connect(&mut self, id: ConnId, peer: Peer) {
        match peer {
            Peer::Human => tracing::info!("{id} connected"),
            Peer::Bot => tracing::debug!("{id} connected"),
        }
        let rate = RateLimit::new(self.opts.orders_per_s, self.opts.burst);
        self.sessions.insert(
            id,
            Session { peer, role: None, player: String::new(), rate, last_view: None, view_gen: None, refused: 0 },
        );
    }

    pub fn disconnect(&mut self, id: ConnId) {
        if let Some(s) = self.sessions.remove(&id) {
            let role = s.role.map(|r| r.to_string()).unwrap_or_else(|| "-".into());
            tracing::info!("{id} ({role}, {}) left", s.player);
            // A bot benched for that role resumes: it needs a fresh view.
            for s2 in self.sessions.values_mut() {
                if s2.peer == Peer::Bot && s2.role.as_ref().map(|r| r.to_string()) == Some(role.clone()) {
                    s2.last_view = None;
                    s2.view_gen = None;
                }
            }
        }
    }

    /// A session plays its role unless it is a bot whose role a human has taken.
    fn is_active(&self, id: ConnId) -> bool {
        let Some(s) = self.sessions.get(&id) else { return false };
        let Some(role) = &s.role else { return false };
        s.peer == Peer::Human || !self.human_holds(role)
    }

    fn human_holds(&self, role: &Role) -> bool {
        self.sessions.values().any(|s| s.peer == Peer::Human && s.role.as_ref() == Some(role))
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
            ClientMessage::Hello { protocol, role, player } => self.hello(id, protocol, role, player),
            ClientMessage::Order(order) => {
                let Some((role, player)) = self.acting(id, now) else { return };
                // A refused order changes nothing: no new view is due.
                match self.drill.order(&role, &player, order) {
                    Ok(()) => self.generation += 1,
                    Err(r) => self.refuse(id, r),
                }
            }
            ClientMessage::Control(control) => {
                let Some((role, player)) = self.acting(id, now) else { return };
                match self.drill.control(&role, &player, control) {
                    Ok(()) => self.send_clock(),
                    Err(r) => self.refuse(id, r),
                }
            }
        }
    }

    /// The role and player of a session allowed to act now, or `None` after refusing it.
    fn acting(&mut self, id: ConnId, now: Duration) -> Option<(Role, String)> {
        let s = self.sessions.get_mut(&id)?;
        let Some(role) = s.role.clone() else {
            self.refuse(id, Refusal::HelloFirst);
            return None;
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

    fn hello(&mut self, id: ConnId, protocol: u64, role: Role, player: String) {
        let peer = self.sessions[&id].peer;
        if let Some(r) = &self.sessions[&id].role {
            return self.refuse(id, Refusal::AlreadyJoined { role: r.to_string() });
        }
        if protocol != PROTOCOL_VERSION {
            return self.refuse(id, versions_differ(protocol));
        }
        let Some(role) = self.resolve(&role) else {
            let offer: Vec<String> = self.drill.roles().iter().map(|r| r.to_string()).collect();
            return self.refuse(id, Refusal::RoleNotOnOffer { role: role.to_string(), offer: offer.join(", ") });
        };
        if peer == Peer::Human
            && let Some(other) =
                self.sessions.values().find(|s| s.peer == Peer::Human && s.role.as_ref() == Some(&role))
        {
            let who = other.player.clone();
            return self.refuse(id, Refusal::RoleTaken { role: role.to_string(), by: who });
        }
        let player = if player.trim().is_empty() { format!("{id}") } else { player.chars().take(64).collect() };
        match peer {
            Peer::Human => tracing::info!("{id}: {player} takes {role}"),
            Peer::Bot => tracing::debug!("{id}: {player} takes {role}"),
        }
        let label = if peer == Peer::Human { player.clone() } else { "bot".into() };
        self.drill.record_mut().meta_mut().players.push((role.to_string(), label));
        let s = self.sessions.get_mut(&id).expect("checked above");
        s.role = Some(role.clone());
        s.player = player;
        // A bot that held this role stops; its session stays to resume if the human leaves.
        let welcome = ServerMessage::Welcome { role: role.clone(), roles_on_offer: self.drill.roles().to_vec() };
        self.push(id, channel::RELIABLE, protocol::encode(&welcome));
        let static_bytes = self.static_data(&role);
        self.push(id, channel::RELIABLE, static_bytes);
        let clock = ServerMessage::Clock { running: self.drill.running(), speed: self.drill.speed() };
        self.push(id, channel::RELIABLE, protocol::encode(&clock));
        if let Some(f) = &self.finished {
            let ended = ServerMessage::Ended { score: f.score, summary: f.summary.clone() };
            self.push(id, channel::RELIABLE, protocol::encode(&ended));
        }
    }

    /// The seat's briefing and the map; the scenario file and the seed for the controller only.
    fn static_data(&self, role: &Role) -> Vec<u8> {
        let setup = self.drill.setup();
        let controller = sim::access::may_see_script(role)
            .then(|| ControllerData { scenario_ron: setup.scenario_text.clone(), seed: setup.seed });
        let data = StaticData {
            briefing: self.briefings.get(role).cloned().unwrap_or_else(|| self.drill.briefing(role)),
            controller,
            map_name: setup.scenario.map.clone(),
            map_json: self.map.json.clone(),
            terrain_bin: self.map.terrain.clone(),
        };
        protocol::encode(&ServerMessage::Static(Box::new(data)))
    }

    /// `command` stands for the only township's command post when the scenario has one.
    fn resolve(&self, role: &Role) -> Option<Role> {
        let roles = self.drill.roles();
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

    /// Tells a connection why its message was refused, and logs it with the refusal's code.
    fn refuse(&mut self, id: ConnId, refusal: Refusal) {
        self.stats.refused += 1;
        let (role, player) = match self.sessions.get_mut(&id) {
            Some(s) => {
                s.refused += 1;
                (s.role.as_ref().map(|r| r.to_string()).unwrap_or_else(|| "-".into()), s.player.clone())
            }
            None => ("-".into(), String::new()),
        };
        let code = refusal.code();
        let reason = refusal.to_string();
        tracing::warn!("refused {id} (role {role}, player {player}): [{code}] {reason}");
        self.push(id, channel::RELIABLE, protocol::encode(&ServerMessage::Refused { reason }));
    }

    fn push(&mut self, to: ConnId, channel: u8, bytes: Vec<u8>) {
        self.out.push(Outgoing { to, channel, bytes });
    }

    fn send_clock(&mut self) {
        let now = (self.drill.running(), self.drill.speed().to_bits());
        if self.clock_sent == Some(now) {
            return;
        }
        self.clock_sent = Some(now);
        let bytes = protocol::encode(&ServerMessage::Clock { running: now.0, speed: self.drill.speed() });
        let ids: Vec<ConnId> = self.sessions.iter().filter(|(_, s)| s.role.is_some()).map(|(id, _)| *id).collect();
        for id in ids {
            self.push(id, channel::RELIABLE, bytes.clone());
        }
    }

    /// Advances the drill by `wall` time at the controller's speed; then events and the end.
    pub fn tick(&mut self, wall: Duration, max_steps: u32) {
        if self.drill.advance(wall, max_steps) > 0 {
            self.generation += 1;
        }
        self.send_clock();
        self.pump_events();
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
            let targets: Vec<(ConnId, Role)> = self
                .sessions
                .iter()
                .filter(|(id, _)| self.is_active(**id))
                .filter_map(|(id, s)| s.role.clone().map(|r| (*id, r)))
                .collect();
            for (id, role) in targets {
                let mine = sim::access::events_for(&role, &events);
                if !mine.is_empty() {
                    self.push(id, channel::RELIABLE, protocol::encode(&ServerMessage::Events(mine)));
                }
            }
        }
    }

    /// Sends each active session its role's view if it changed and `ready(id)` says the
    /// transport can take it (renet: the previous view was acked).
    pub fn push_views(&mut self, ready: impl Fn(ConnId) -> bool) {
        let generation = self.generation;
        let ids: Vec<ConnId> = self
            .sessions
            .iter()
            .filter(|(id, s)| s.view_gen != Some(generation) && self.is_active(**id) && ready(**id))
            .map(|(id, _)| *id)
            .collect();
        let mut cache: BTreeMap<Role, (Vec<u8>, u64)> = BTreeMap::new();
        for id in ids {
            let role = self.sessions[&id].role.clone().expect("active sessions have a role");
            let (bytes, hash) = cache
                .entry(role.clone())
                .or_insert_with(|| {
                    let bytes = protocol::encode(&ServerMessage::View(Box::new(self.drill.view(&role))));
                    let hash = sim::hash::fnv(&bytes);
                    (bytes, hash)
                })
                .clone();
            let s = self.sessions.get_mut(&id).expect("listed above");
            s.view_gen = Some(generation);
            if s.last_view != Some(hash) {
                s.last_view = Some(hash);
                self.stats.views_sent += 1;
                self.stats.largest_view_bytes = self.stats.largest_view_bytes.max(bytes.len());
                self.push(id, channel::VIEWS, bytes);
            }
        }
    }

    /// Ends the drill once: scores it, writes the record, tells everyone. Later calls return
    /// the same result.
    pub fn end(&mut self) -> std::io::Result<Finished> {
        if let Some(f) = &self.finished {
            return Ok(f.clone());
        }
        self.pump_events();
        let f = self.drill.finish()?;
        let bytes = protocol::encode(&ServerMessage::Ended { score: f.score, summary: f.summary.clone() });
        let ids: Vec<ConnId> = self.sessions.iter().filter(|(_, s)| s.role.is_some()).map(|(id, _)| *id).collect();
        for id in ids {
            self.push(id, channel::RELIABLE, bytes.clone());
        }
        self.finished = Some(f.clone());
        Ok(f)
    }

    /// Everything queued for sending since the last call.
    pub fn take_outgoing(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.out)
    }
}

/// The refusal of a client of another protocol version, in words.
fn versions_differ(client: u64) -> Refusal {
    Refusal::VersionsDiffer { client: protocol::version_text(client), server: protocol::version_text(PROTOCOL_VERSION) }
}
