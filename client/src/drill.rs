//! What the client knows of the drill: built only from server messages (the server filters
//! views by role), read by the map view and the panels. No bevy systems here. It also keeps the
//! orders this seat sent and what became of each (sent, accepted, refused), worked out from the
//! server's answers: the server handles one seat's messages in order and answers a refusal at
//! once, and every accepted order gives the seat an event of its own. Orders given while the
//! link is down wait for it; one sent as the link died is shown as not confirmed, and one that
//! never left as not sent: none is shown as accepted without its event.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use bevy::prelude::*;
use protocol::{ClientMessage, ClockState, Control, ControllerData, Seat, ServerMessage, StaticData};
use sim::access::{Briefing, DrillInfo, PublicBriefing, PublicView};
use sim::map::MapAsset;
use sim::view::RoleView;
use sim::{Event, EventKind, Order, Role};

use crate::i18n::{Lang, T, bilingual};

/// How many events the log keeps; older ones scroll away.
const EVENT_LOG_LEN: usize = 500;

/// Why a session stopped, in the catalogue's words plus the detail the system gave.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Network(String),
    NoAnswer {
        secs: u64,
    },
    ServerClosed(String),
    BadMap {
        map: String,
        detail: String,
    },
    CannotHost(String),
    /// A record that cannot be replayed (`--replay`).
    BadRecord(String),
}

impl Problem {
    /// The catalogue's words in `lang`; the system's detail (English, from the OS or netcode)
    /// follows in brackets.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Problem::Network(d) => format!("{} ({d})", T::NetworkError.text(lang)),
            Problem::NoAnswer { secs } => format!("{} [{secs} s]", T::NoAnswer.text(lang)),
            Problem::ServerClosed(d) => format!("{} ({d})", T::ServerClosed.text(lang)),
            Problem::BadMap { map, detail } => format!("{} `{map}` ({detail})", T::BadMap.text(lang)),
            Problem::CannotHost(d) => format!("{} ({d})", T::CannotHost.text(lang)),
            Problem::BadRecord(d) => format!("{} ({})", T::BadRecord.text(lang), bilingual(d, lang)),
        }
    }
}

/// The connection as the player sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Link {
    Connecting,
    /// Connected, hello sent, waiting for the welcome.
    Joining,
    Welcomed,
    /// The link dropped after the welcome; the network thread is joining again by itself (its
    /// reason, from netcode). Orders given meanwhile wait for it.
    Reconnecting(String),
    /// The server refused the seat; its reason as sent ("中文 / English").
    Refused(String),
    Lost(Problem),
}

/// Something the player should read once: a refused order, a decode problem.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// The server's reason, "中文 / English".
    Refused(String),
    Undecodable(u32),
}

impl Notice {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Notice::Refused(r) => format!("{}: {}", T::StatusRefused.text(lang), bilingual(r, lang)),
            Notice::Undecodable(n) => format!("{n} {}", T::UndecodableMessages.text(lang)),
        }
    }
}

/// What a sent message was.
#[derive(Clone, Debug, PartialEq)]
pub enum Sent {
    Order(Order),
    Control(Control),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Given while the link was down: it goes out when the seat is welcomed again.
    Waiting,
    Sent,
    Accepted,
    /// The server's reason, "中文 / English".
    Refused(String),
    /// Sent as the link died, before the server acknowledged it: it may or may not have
    /// arrived (its event, if it comes, still marks it accepted).
    Unknown,
    /// Never sent: the session ended while it waited for the link.
    NotSent,
}

/// What the network thread learnt of an order's journey.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Fate {
    /// It waited for the link and has now gone out.
    Sent,
    /// The server's transport acknowledged it (its event or refusal follows).
    Delivered,
    /// The link died before the server acknowledged it.
    Unknown,
    /// It never left.
    NotSent,
}

/// A point being picked or a path being drawn on the map for a form (by its order kind).
#[derive(Clone, Debug, PartialEq)]
pub struct MapPick {
    pub form: u8,
    pub path: bool,
    pub points: Vec<sim::map::Xy>,
}

/// One order (or clock control) this seat gave, and what became of it.
#[derive(Clone, Debug, PartialEq)]
pub struct SentOrder {
    pub what: Sent,
    /// Drill time when it was given.
    pub t_s: u32,
    pub status: Status,
}

#[derive(Resource)]
pub struct Drill {
    pub link: Link,
    /// The seat asked for: a role, an observer (观摩) or the projector (大屏).
    pub seat: Seat,
    /// The role of a role seat (`Role::Controller` stands in for the public seats, which give
    /// no orders and never show role panels: see [`Drill::is_public`]).
    pub role: Role,
    pub player: String,
    pub roles_on_offer: Vec<Role>,
    /// What this seat was told before the drill: its villages, teams, plan (never the script).
    pub briefing: Option<Briefing>,
    /// What the public seats (observer, projector) were told instead of a briefing.
    pub public_briefing: Option<PublicBriefing>,
    /// The public situation, for the observer and projector seats.
    pub public: Option<PublicView>,
    /// The clock as the server last told it (adaptive time, expected end).
    pub clock: Option<ClockState>,
    /// The live score board, controller only.
    pub score: Option<sim::score::Report>,
    /// The view of the role the controller watches ([`Control::ViewAs`]).
    pub watched: Option<RoleView>,
    /// The projector's map area the controller chose (map metres), `None`: the whole map.
    pub focus: Option<[f64; 4]>,
    /// Bumped when `focus` changes, so the map refits once.
    pub focus_changes: u32,
    /// The map area on screen now (map metres `[x0, y0, x1, y1]`), for the projector's area.
    pub view_extent: Option<[f64; 4]>,
    /// A point or path being picked on the map for a form.
    pub pick: Option<MapPick>,
    /// Points and paths picked for each form (by order kind), until the order is sent.
    pub picked: BTreeMap<u8, Vec<sim::map::Xy>>,
    /// The scenario file and seed, for the controller only.
    pub script: Option<ControllerData>,
    /// The drill's join code, sent to the projector (大屏) only, shown large for the hall.
    pub join_code: Option<String>,
    pub map: Option<Arc<MapAsset>>,
    pub view: Option<RoleView>,
    pub views_received: u64,
    pub events: Vec<Event>,
    pub running: bool,
    pub speed: f32,
    pub ended: Option<(f64, String)>,
    /// Refusals and decode problems the player should see, newest last.
    pub notices: Vec<Notice>,
    /// Messages for the server, sent by the net system when connected, each with the entry of
    /// [`Drill::sent`] it stands for.
    pub outbox: Vec<(Option<usize>, ClientMessage)>,
    /// Orders and controls this seat gave, oldest first.
    pub sent: Vec<SentOrder>,
    /// Chinese names of villages and places (Latin id → 中文), from the map, the briefing and
    /// the views, so names read in Chinese everywhere the map shows them in Chinese.
    pub names_zh: BTreeMap<String, String>,
    /// Reports that arrived since the player last looked (the alert).
    pub new_reports: BTreeSet<u32>,
    /// The highest report id seen, so only newer ones raise the alert.
    reports_seen: u32,
}

impl Drill {
    pub fn new(seat: Seat, player: String) -> Drill {
        let role = match &seat {
            Seat::Role(r) => r.clone(),
            Seat::Observer | Seat::Projector => Role::Controller,
        };
        Drill {
            link: Link::Connecting,
            seat,
            role,
            player,
            roles_on_offer: Vec::new(),
            briefing: None,
            public_briefing: None,
            public: None,
            clock: None,
            score: None,
            watched: None,
            focus: None,
            focus_changes: 0,
            view_extent: None,
            pick: None,
            picked: BTreeMap::new(),
            script: None,
            join_code: None,
            map: None,
            view: None,
            views_received: 0,
            events: Vec::new(),
            running: false,
            speed: 1.0,
            ended: None,
            notices: Vec::new(),
            outbox: Vec::new(),
            sent: Vec::new(),
            names_zh: BTreeMap::new(),
            new_reports: BTreeSet::new(),
            reports_seen: 0,
        }
    }

    /// An observer or the projector: no orders, the public situation.
    pub fn is_public(&self) -> bool {
        !matches!(self.seat, Seat::Role(_))
    }

    /// The drill's title, start and length, from the briefing or the public briefing.
    pub fn info(&self) -> Option<&DrillInfo> {
        self.briefing.as_ref().map(|b| &b.drill).or(self.public_briefing.as_ref().map(|b| &b.drill))
    }

    /// True once the map and the first view are here: the drill view can be drawn.
    pub fn ready(&self) -> bool {
        self.map.is_some() && self.view.is_some()
    }

    /// True once the drill is over: forms close, a dropped connection is no error.
    pub fn is_over(&self) -> bool {
        self.ended.is_some() || self.view.as_ref().is_some_and(|v| v.finished)
    }

    /// Queues a message; orders and controls also go into the list of what this seat gave.
    /// While the link is down they wait for it (status [`Status::Waiting`]).
    pub fn send(&mut self, msg: ClientMessage) {
        let t_s = self.view.as_ref().map(|v| v.t_s).unwrap_or(0);
        let offline = matches!(self.link, Link::Reconnecting(_));
        let what = match &msg {
            ClientMessage::Order(o) => Some(Sent::Order(o.clone())),
            ClientMessage::Control(c) => Some(Sent::Control(c.clone())),
            ClientMessage::Hello { .. } | ClientMessage::CatchUp { .. } => None,
        };
        let entry = what.map(|what| {
            let status = if offline { Status::Waiting } else { sent_status(&what) };
            self.sent.push(SentOrder { what, t_s, status });
            self.sent.len() - 1
        });
        self.outbox.push((entry, msg));
    }

    /// The link dropped (the network thread joins again by itself): orders sent and not yet
    /// answered may have been lost with it, or their answer may have been: not confirmed.
    pub fn link_lost(&mut self, why: String) {
        for s in &mut self.sent {
            if s.status == Status::Sent {
                s.status = Status::Unknown;
            }
        }
        self.link = Link::Reconnecting(why);
    }

    /// What the network thread learnt of these entries of [`Drill::sent`].
    pub fn fate(&mut self, entries: &[usize], fate: Fate) {
        for &i in entries {
            let Some(s) = self.sent.get_mut(i) else { continue };
            s.status = match (&s.status, fate) {
                (Status::Waiting, Fate::Sent) => sent_status(&s.what),
                (Status::Waiting | Status::Sent, Fate::NotSent) => Status::NotSent,
                (Status::Sent | Status::Waiting, Fate::Unknown) => Status::Unknown,
                (status, _) => status.clone(),
            };
        }
    }

    /// The session ended: what still waits for the link, here or on its way to the network
    /// thread, is never sent.
    pub fn orders_not_sent(&mut self) {
        for (entry, _) in std::mem::take(&mut self.outbox) {
            if let Some(s) = entry.and_then(|i| self.sent.get_mut(i)) {
                s.status = Status::NotSent;
            }
        }
        for s in &mut self.sent {
            if s.status == Status::Waiting {
                s.status = Status::NotSent;
            }
        }
    }

    /// True while an acknowledgement of `report` is on its way or was accepted: 确认收到 is
    /// sent once.
    pub fn ack_pending(&self, report: u32) -> bool {
        self.sent.iter().any(|s| {
            matches!(&s.what, Sent::Order(Order::Acknowledge { report: r }) if *r == report)
                && !matches!(s.status, Status::Refused(_) | Status::NotSent)
        })
    }

    /// Applies one message from the server.
    pub fn apply(&mut self, msg: ServerMessage) {
        match msg {
            ServerMessage::Welcome { role, roles_on_offer } => {
                self.role = role;
                self.roles_on_offer = roles_on_offer;
                self.link = Link::Welcomed;
            }
            ServerMessage::Static(data) => self.apply_static(*data),
            ServerMessage::Refused { reason } => {
                // Before the welcome a refusal ends the session; after it, only an order was refused.
                if self.link == Link::Welcomed {
                    if let Some(s) = self.sent.iter_mut().find(|s| s.status == Status::Sent) {
                        s.status = Status::Refused(reason.clone());
                    }
                    self.notices.push(Notice::Refused(reason));
                } else {
                    self.link = Link::Refused(reason);
                }
            }
            ServerMessage::View(mut view) => {
                // Never let an older view replace a newer one (a view from before a reconnect).
                if self.view.as_ref().is_none_or(|v| v.t_s <= view.t_s) {
                    // A view carries only recent communications: keep those seen before.
                    if let Some(old) = &self.view {
                        view.merge_history(old);
                    }
                    for v in &view.villages {
                        if let Some(zh) = &v.name_zh {
                            self.names_zh.entry(v.name.clone()).or_insert_with(|| zh.clone());
                        }
                    }
                    for r in &view.reports {
                        if r.id > self.reports_seen {
                            self.reports_seen = r.id;
                            if r.by != self.role && !r.acknowledged {
                                self.new_reports.insert(r.id);
                            }
                        }
                    }
                    self.new_reports.retain(|id| view.reports.iter().any(|r| r.id == *id && !r.acknowledged));
                    self.view = Some(*view);
                    self.views_received += 1;
                }
            }
            ServerMessage::Events(events) => {
                for e in &events {
                    self.resolve_by_event(&e.kind);
                }
                self.events.extend(events);
                let extra = self.events.len().saturating_sub(EVENT_LOG_LEN);
                self.events.drain(..extra);
            }
            ServerMessage::Clock(clock) => {
                self.running = clock.running;
                self.speed = clock.speed;
                // The clock is also sent every few seconds: a control is accepted when the clock
                // shows it.
                for s in &mut self.sent {
                    if s.status == Status::Sent
                        && let Sent::Control(c) = &s.what
                        && clock_shows(c, &clock)
                    {
                        s.status = Status::Accepted;
                    }
                }
                self.clock = Some(clock);
            }
            ServerMessage::Ended { score, summary } => self.ended = Some((score, summary)),
            ServerMessage::Seated { seat, roles_on_offer } => {
                self.seat = seat;
                self.roles_on_offer = roles_on_offer;
                self.link = Link::Welcomed;
            }
            ServerMessage::Public(public) => {
                // The public seats draw the public situation unless the controller shows them
                // a role (then views arrive).
                if self.is_public() && self.view.as_ref().is_none_or(|v| v.role == Role::Controller) {
                    self.view = Some(public_as_view(&public));
                    self.views_received += 1;
                }
                self.public = Some(*public);
            }
            ServerMessage::Score(report) => self.score = Some(*report),
            ServerMessage::Watched(view) => self.watched = Some(*view),
            ServerMessage::Focus(area) => {
                if self.focus != area {
                    self.focus = area;
                    self.focus_changes += 1;
                }
            }
            // `NetClient::receive` rebuilds deltas into whole views: none reaches the app.
            ServerMessage::Delta(_) => tracing::warn!("a view delta reached the app unapplied; ignored"),
        }
    }

    /// An event that an order of ours caused marks it accepted, and every older order still
    /// waiting too: the server answers in order, so a refusal of those would have come first.
    fn resolve_by_event(&mut self, kind: &EventKind) {
        let role = self.role.clone();
        if let Some(i) = self.sent.iter().position(|s| {
            matches!(s.status, Status::Sent | Status::Unknown)
                && matches!(&s.what, Sent::Order(o) if caused(o, kind, &role))
        }) {
            self.accept_up_to(i);
        }
    }

    fn accept_up_to(&mut self, i: usize) {
        if let Some(s) = self.sent.get_mut(i) {
            s.status = Status::Accepted;
        }
        for s in &mut self.sent[..i] {
            if s.status == Status::Sent {
                s.status = Status::Accepted;
            }
        }
    }

    fn apply_static(&mut self, data: StaticData) {
        for v in data.briefing.iter().flat_map(|b| &b.villages) {
            if let Some(zh) = &v.name_zh {
                self.names_zh.insert(v.name.clone(), zh.clone());
            }
        }
        for v in data.public.iter().flat_map(|b| &b.villages) {
            if let Some(zh) = &v.name_zh {
                self.names_zh.insert(v.name.clone(), zh.clone());
            }
        }
        self.briefing = data.briefing;
        self.join_code = data.join_code;
        self.public_briefing = data.public;
        self.script = data.controller;
        match sim::map::decode_map(&data.map_json, &data.terrain_bin) {
            Ok(map) => {
                for s in &map.features.settlements {
                    if let Some(zh) = &s.name_zh {
                        self.names_zh.entry(s.name.clone()).or_insert_with(|| zh.clone());
                    }
                }
                self.map = Some(Arc::new(map));
            }
            Err(e) => self.link = Link::Lost(Problem::BadMap { map: data.map_name, detail: e.to_string() }),
        }
    }

    /// The drill clock as "YYYY-MM-DD HH:MM" from the drill's start plus `t_s`.
    pub fn clock_text(&self) -> Option<String> {
        let view = self.view.as_ref()?;
        let start = self.info().map(|d| d.start.as_str()).unwrap_or("");
        Some(sim::scenario::clock_text(start, view.t_s))
    }
}

/// The status of an order or control as it goes out: controls the clock does not show are taken
/// as given (the server answers them only with what follows: a watched view, the projector's area).
fn sent_status(what: &Sent) -> Status {
    match what {
        Sent::Control(c) if !clock_answers(c) => Status::Accepted,
        _ => Status::Sent,
    }
}

/// Whether the clock answers this control (it changes what the clock says).
fn clock_answers(c: &Control) -> bool {
    matches!(c, Control::Start | Control::Pause | Control::SetSpeed(_) | Control::Step | Control::Adaptive(_))
}

/// Whether `clock` shows that `c` was done.
fn clock_shows(c: &Control, clock: &ClockState) -> bool {
    match c {
        Control::Start => clock.running,
        Control::Pause | Control::Step => !clock.running,
        Control::SetSpeed(s) => clock.adaptive.is_none() && (clock.speed - s).abs() < 1e-3,
        Control::Adaptive(spec) => clock.adaptive.is_some() == spec.is_some(),
        _ => true,
    }
}

/// The public situation drawn as a view: villages with what was announced for them, the
/// weather, the clock; no hazard cells, teams or reports' senders. Its role is the controller's
/// stand-in (a public seat has none).
pub fn public_as_view(p: &PublicView) -> RoleView {
    let villages = p
        .villages
        .iter()
        .map(|v| sim::view::VillageView {
            name: v.name.clone(),
            name_zh: v.name_zh.clone(),
            pos: v.pos,
            township: v.township.clone(),
            road_node: None,
            shelter: None,
            population: v.population,
            at_home: None,
            in_shelter: None,
            casualties: None,
            warned: v.warned,
            evacuation_ordered: v.evacuation_ordered,
            held: false,
            waiting: None,
        })
        .collect();
    let mut view = RoleView::still(Role::Controller, p.t_s, p.duration_s, p.weather.clone(), villages);
    view.finished = p.finished;
    view.level = p.levels.iter().map(|(_, l)| *l).max();
    view
}

/// True when `kind` is the event an accepted `order` from `me` gives: the one place that pairs
/// orders with their outcomes.
pub fn caused(order: &Order, kind: &EventKind, me: &Role) -> bool {
    use EventKind as E;
    let my_team = |t: &str| matches!(me, Role::Team(m) if m == t);
    match (order, kind) {
        (Order::Report(f), E::ReportFiled { by, village, hazard, stage, .. }) => {
            by == me && *village == f.village && *hazard == f.hazard && *stage == f.stage
        }
        (Order::CallForHelp { village, .. }, E::CalledForHelp { village: v, by }) => v == village && by == me,
        (Order::Warn { village }, E::WarningIssued { village: v, by }) => v == village && by == me,
        (Order::Evacuate { village, .. }, E::EvacuationOrdered { village: v, by }) => v == village && by == me,
        (Order::HeadCount { village, .. }, E::HeadCounted { village: v, by, .. }) => v == village && by == me,
        (Order::Acknowledge { report }, E::ReportAcknowledged { id, by }) => id == report && by == me,
        (Order::Verify { report }, E::VerifyAsked { id, by }) => id == report && by == me,
        (Order::ActivateLevel { level }, E::LevelActivated { level: l, by }) => l == level && by == me,
        (Order::LowerLevel { level }, E::LevelLowered { level: l, by }) => l == level && by == me,
        (Order::EndResponse, E::ResponseEnded { by }) => by == me,
        (Order::Dispatch { team, task, .. }, E::TeamDispatched { team: t, task: k, by, .. }) => {
            t == team && k == task && by == me
        }
        (Order::SendMaterials { depot, material, .. }, E::MaterialsSent { depot: d, material: m, by, .. }) => {
            d == depot && m == material && by == me
        }
        (Order::ReportUp { .. }, E::ReportedUp { by, .. }) => by == me,
        (Order::RequestSupport { kind, .. }, E::SupportRequested { kind: k, by, .. }) => k == kind && by == me,
        (Order::HoldVillage { village, held }, E::VillageHeld { village: v, held: h, by }) => {
            v == village && h == held && by == me
        }
        (Order::AcceptTask, E::TaskAccepted { team }) => my_team(team),
        (Order::RefuseTask { .. }, E::TaskRefused { team, .. }) => my_team(team),
        (Order::TeamReport { kind, .. }, E::TeamReported { team, kind: k }) => my_team(team) && k == kind,
        (Order::MoveTo { .. }, E::TeamMoving { team }) => my_team(team),
        (Order::Decide { request, .. }, E::RequestDecided { id, by, .. }) => id == request && by == me,
        (Order::Directive { to, .. }, E::DirectiveSent { to: t, by }) => t == to && by == me,
        (Order::Inject { to, message, .. }, E::InjectDelivered { to: t, message: m }) => t == to && m == message,
        (Order::FireInject { .. }, E::InjectDelivered { .. }) => true,
        (Order::Freeze { hazard, frozen }, E::HazardFrozen { hazard: h, frozen: f }) => h == hazard && f == frozen,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_before_welcome_ends_the_session_after_it_is_a_notice() {
        let mut d = Drill::new(Seat::Role(Role::County), "p".into());
        d.apply(ServerMessage::Refused { reason: "no such role".into() });
        assert_eq!(d.link, Link::Refused("no such role".into()));
        let mut d = Drill::new(Seat::Role(Role::County), "p".into());
        d.apply(ServerMessage::Welcome { role: Role::County, roles_on_offer: vec![Role::County] });
        d.apply(ServerMessage::Refused { reason: "not allowed".into() });
        assert_eq!(d.link, Link::Welcomed);
        assert_eq!(d.notices, vec![Notice::Refused("not allowed".into())]);
    }

    #[test]
    fn an_older_view_never_replaces_a_newer_one() {
        let view = view_at;
        let mut d = Drill::new(Seat::Role(Role::County), "p".into());
        d.apply(ServerMessage::View(Box::new(view(120))));
        d.apply(ServerMessage::View(Box::new(view(60))));
        assert_eq!(d.view.as_ref().map(|v| v.t_s), Some(120));
        assert_eq!(d.views_received, 1);
        assert!(!d.ready(), "no map yet");
    }

    #[test]
    fn corrupt_map_from_server_is_a_clear_error() {
        let mut d = Drill::new(Seat::Role(Role::County), "p".into());
        d.apply(ServerMessage::Static(Box::new(StaticData {
            briefing: Some(briefing(Role::County)),
            public: None,
            controller: None,
            map_name: "andorra".into(),
            map_json: b"{}".to_vec(),
            terrain_bin: vec![1, 2, 3],
            join_code: None,
        })));
        assert!(d.map.is_none());
        let Link::Lost(problem) = &d.link else { panic!("{:?}", d.link) };
        let (zh, en) = (problem.text(Lang::Zh), problem.text(Lang::En));
        assert!(zh.starts_with("服务器发来的地图无法读取") && zh.contains("andorra"), "{zh}");
        assert!(en.starts_with("the map from the server") && en.contains("map.json"), "{en}");
        assert_eq!(d.briefing.as_ref().map(|b| b.drill.start.as_str()), Some("2026-07-01 06:00"));
        assert!(d.script.is_none(), "no script for the county");
    }

    #[test]
    fn each_sent_order_is_accepted_by_its_event_or_refused_in_turn() {
        let me = Role::Command(None);
        let mut d = Drill::new(Seat::Role(me.clone()), "p".into());
        d.apply(ServerMessage::Welcome { role: me.clone(), roles_on_offer: vec![me.clone()] });
        d.send(ClientMessage::Order(Order::Warn { village: "A".into() }));
        d.send(ClientMessage::Order(Order::Acknowledge { report: 3 }));
        d.send(ClientMessage::Order(Order::Evacuate { village: "B".into(), shelter: None }));
        assert!(d.ack_pending(3), "an acknowledgement on its way is not sent twice");
        assert!(!d.ack_pending(4));
        // The warning is refused; the evacuation's event accepts it and the acknowledgement before it.
        d.apply(ServerMessage::Refused { reason: "不行 / no".into() });
        d.apply(ServerMessage::Events(vec![Event {
            t_s: 60,
            kind: EventKind::EvacuationOrdered { village: "B".into(), by: me.clone() },
        }]));
        let status: Vec<&Status> = d.sent.iter().map(|s| &s.status).collect();
        assert_eq!(status, vec![&Status::Refused("不行 / no".into()), &Status::Accepted, &Status::Accepted]);
        assert!(d.ack_pending(3), "accepted: still not sent again");
        assert_eq!(d.notices[0].text(Lang::Zh), "被拒绝: 不行");
        // Someone else's warning accepts nothing of ours.
        d.send(ClientMessage::Order(Order::Warn { village: "C".into() }));
        d.apply(ServerMessage::Events(vec![Event {
            t_s: 60,
            kind: EventKind::WarningIssued { village: "C".into(), by: Role::County },
        }]));
        assert_eq!(d.sent[3].status, Status::Sent);
    }

    #[test]
    fn orders_across_a_lost_link_wait_or_are_not_confirmed_and_none_shows_accepted_unanswered() {
        let me = Role::Command(None);
        let evacuated = |v: &str| {
            ServerMessage::Events(vec![Event {
                t_s: 60,
                kind: EventKind::EvacuationOrdered { village: v.into(), by: me.clone() },
            }])
        };
        let mut d = Drill::new(Seat::Role(me.clone()), "p".into());
        d.apply(ServerMessage::Welcome { role: me.clone(), roles_on_offer: vec![me.clone()] });
        d.send(ClientMessage::Order(Order::Warn { village: "A".into() }));
        d.send(ClientMessage::Order(Order::Evacuate { village: "B".into(), shelter: None }));
        assert_eq!(d.outbox.iter().map(|(e, _)| *e).collect::<Vec<_>>(), vec![Some(0), Some(1)]);
        // The net system hands the outbox to the network thread every frame.
        d.outbox.clear();
        // The transport acknowledged the warning; then the link drops before either is answered.
        d.fate(&[0], Fate::Delivered);
        d.link_lost("timed out".into());
        assert_eq!(d.link, Link::Reconnecting("timed out".into()));
        assert_eq!(d.sent[0].status, Status::Unknown, "its answer may have been lost");
        assert_eq!(d.sent[1].status, Status::Unknown);
        // Given while offline: it waits, and goes out after the second welcome.
        d.send(ClientMessage::Order(Order::Evacuate { village: "C".into(), shelter: None }));
        assert_eq!(d.sent[2].status, Status::Waiting);
        d.apply(ServerMessage::Welcome { role: me.clone(), roles_on_offer: vec![me.clone()] });
        assert_eq!(d.link, Link::Welcomed);
        d.fate(&[2], Fate::Sent);
        assert_eq!(d.sent[2].status, Status::Sent);
        // The evacuation of C is accepted; the unanswered warning stays not confirmed.
        d.apply(evacuated("C"));
        let status: Vec<&Status> = d.sent.iter().map(|s| &s.status).collect();
        assert_eq!(status, vec![&Status::Unknown, &Status::Unknown, &Status::Accepted]);
        // A late event still confirms an order whose fate was unknown.
        d.apply(evacuated("B"));
        assert_eq!(d.sent[1].status, Status::Accepted);
        // The session ends for good while an order waits: not sent, never accepted.
        d.outbox.clear();
        d.link_lost("timed out".into());
        d.send(ClientMessage::Order(Order::Warn { village: "D".into() }));
        d.orders_not_sent();
        assert_eq!(d.sent[3].status, Status::NotSent);
        assert!(d.outbox.is_empty());
        assert_eq!(d.sent[0].status, Status::Unknown);
    }

    #[test]
    fn the_end_closes_the_drill_and_new_reports_raise_the_alert() {
        let me = Role::Command(None);
        let mut d = Drill::new(Seat::Role(me.clone()), "p".into());
        let report = |id, acknowledged| sim::view::ReportView {
            id,
            t_s: 60,
            by: Role::Informant("A".into()),
            village: "A".into(),
            hazard: sim::HazardKind::Flood,
            note: String::new(),
            acknowledged,
            by_name: String::new(),
            form: sim::world::ReportForm::initial("A", sim::HazardKind::Flood, ""),
            verify_asked: false,
        };
        let mut v = view_at(60);
        v.reports = vec![report(1, false)];
        d.apply(ServerMessage::View(Box::new(v.clone())));
        assert_eq!(d.new_reports.iter().copied().collect::<Vec<_>>(), vec![1]);
        v.t_s = 120;
        v.reports = vec![report(1, true)];
        d.apply(ServerMessage::View(Box::new(v)));
        assert!(d.new_reports.is_empty(), "an acknowledged report no longer alerts");
        assert!(!d.is_over());
        d.apply(ServerMessage::Ended { score: 50.0, summary: String::new() });
        assert!(d.is_over());
    }

    fn view_at(t_s: u32) -> RoleView {
        RoleView::still(Role::County, t_s, 3600, weather(), vec![])
    }

    fn weather() -> sim::weather::Weather {
        sim::weather::Weather {
            rain_mm_per_h: 0.0,
            rain_totals_mm: [0.0; sim::weather::RAIN_RECORD_H],
            wind_m_per_s: 0.0,
            wind_from_deg: 0.0,
            temperature_c: 20.0,
            humidity_percent: 50.0,
        }
    }

    fn briefing(role: Role) -> Briefing {
        Briefing {
            role,
            drill: sim::access::DrillInfo {
                name: "演练".into(),
                name_en: None,
                description: String::new(),
                start: "2026-07-01 06:00".into(),
                duration_s: 3600,
                tick_s: 60,
                map: "andorra".into(),
            },
            roles_on_offer: vec![Role::County],
            hazards: vec![],
            villages: vec![],
            shelters: vec![],
            teams: vec![],
            depots: vec![],
            plan: sim::access::BriefingPlan { name: "预案".into(), levels: vec![], actions: vec![] },
            hazard_register: vec![],
            weather: weather(),
            reaction: vec![],
        }
    }
}
