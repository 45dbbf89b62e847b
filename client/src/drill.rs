//! What the client knows of the drill: built only from server messages (the server filters
//! views by role), read by the map view and the panels. No bevy systems here.

use std::sync::Arc;

use bevy::prelude::*;
use protocol::{ClientMessage, ControllerData, ServerMessage, StaticData};
use sim::access::Briefing;
use sim::map::MapAsset;
use sim::view::RoleView;
use sim::{Event, Role};

/// How many events the log keeps; older ones scroll away.
const EVENT_LOG_LEN: usize = 500;

/// The connection as the player sees it.
#[derive(Clone, Debug, PartialEq)]
pub enum Link {
    Connecting,
    /// Connected, hello sent, waiting for the welcome.
    Joining,
    Welcomed,
    Refused(String),
    Lost(String),
}

#[derive(Resource)]
pub struct Drill {
    pub link: Link,
    pub role: Role,
    pub player: String,
    pub roles_on_offer: Vec<Role>,
    /// What this seat was told before the drill: its villages, teams, plan (never the script).
    pub briefing: Option<Briefing>,
    /// The scenario file and seed, for the controller only.
    pub script: Option<ControllerData>,
    pub map: Option<Arc<MapAsset>>,
    pub view: Option<RoleView>,
    pub views_received: u64,
    pub events: Vec<Event>,
    pub running: bool,
    pub speed: f32,
    pub ended: Option<(f64, String)>,
    /// Refusals and decode problems the player should see.
    pub notices: Vec<String>,
    /// Messages for the server, sent by the net system when connected.
    pub outbox: Vec<ClientMessage>,
}

impl Drill {
    pub fn new(role: Role, player: String) -> Drill {
        Drill {
            link: Link::Connecting,
            role,
            player,
            roles_on_offer: Vec::new(),
            briefing: None,
            script: None,
            map: None,
            view: None,
            views_received: 0,
            events: Vec::new(),
            running: false,
            speed: 1.0,
            ended: None,
            notices: Vec::new(),
            outbox: Vec::new(),
        }
    }

    /// True once the map and the first view are here: the drill view can be drawn.
    pub fn ready(&self) -> bool {
        self.map.is_some() && self.view.is_some()
    }

    pub fn send(&mut self, msg: ClientMessage) {
        self.outbox.push(msg);
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
                    self.notices.push(reason);
                } else {
                    self.link = Link::Refused(reason);
                }
            }
            ServerMessage::View(view) => {
                // Never let an older view replace a newer one (a view from before a reconnect).
                if self.view.as_ref().is_none_or(|v| v.t_s <= view.t_s) {
                    self.view = Some(*view);
                    self.views_received += 1;
                }
            }
            ServerMessage::Events(events) => {
                self.events.extend(events);
                let extra = self.events.len().saturating_sub(EVENT_LOG_LEN);
                self.events.drain(..extra);
            }
            ServerMessage::Clock { running, speed } => {
                self.running = running;
                self.speed = speed;
            }
            ServerMessage::Ended { score, summary } => self.ended = Some((score, summary)),
        }
    }

    fn apply_static(&mut self, data: StaticData) {
        self.briefing = Some(data.briefing);
        self.script = data.controller;
        match sim::map::decode_map(&data.map_json, &data.terrain_bin) {
            Ok(map) => self.map = Some(Arc::new(map)),
            Err(e) => self.link = Link::Lost(format!("map `{}` from server: {e}", data.map_name)),
        }
    }

    /// The drill clock as "YYYY-MM-DD HH:MM" from the drill's start plus `t_s`.
    pub fn clock_text(&self) -> Option<String> {
        let view = self.view.as_ref()?;
        let start = self.briefing.as_ref().map(|b| b.drill.start.as_str()).unwrap_or("");
        Some(sim::scenario::clock_text(start, view.t_s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_before_welcome_ends_the_session_after_it_is_a_notice() {
        let mut d = Drill::new(Role::County, "p".into());
        d.apply(ServerMessage::Refused { reason: "no such role".into() });
        assert_eq!(d.link, Link::Refused("no such role".into()));
        let mut d = Drill::new(Role::County, "p".into());
        d.apply(ServerMessage::Welcome { role: Role::County, roles_on_offer: vec![Role::County] });
        d.apply(ServerMessage::Refused { reason: "not allowed".into() });
        assert_eq!(d.link, Link::Welcomed);
        assert_eq!(d.notices, vec!["not allowed".to_string()]);
    }

    #[test]
    fn an_older_view_never_replaces_a_newer_one() {
        let view = |t_s| RoleView {
            role: Role::County,
            t_s,
            duration_s: 3600,
            finished: false,
            level: None,
            weather: weather(),
            hazard: vec![],
            villages: vec![],
            teams: vec![],
            reports: vec![],
            gauges: vec![],
            messages: vec![],
            orders: vec![],
            closed_roads: vec![],
            depots: vec![],
            shelters: vec![],
            requests: vec![],
            frozen: vec![],
            injects_due: vec![],
        };
        let mut d = Drill::new(Role::County, "p".into());
        d.apply(ServerMessage::View(Box::new(view(120))));
        d.apply(ServerMessage::View(Box::new(view(60))));
        assert_eq!(d.view.as_ref().map(|v| v.t_s), Some(120));
        assert_eq!(d.views_received, 1);
        assert!(!d.ready(), "no map yet");
    }

    #[test]
    fn corrupt_map_from_server_is_a_clear_error() {
        let mut d = Drill::new(Role::County, "p".into());
        d.apply(ServerMessage::Static(Box::new(StaticData {
            briefing: briefing(Role::County),
            controller: None,
            map_name: "andorra".into(),
            map_json: b"{}".to_vec(),
            terrain_bin: vec![1, 2, 3],
        })));
        assert!(d.map.is_none());
        assert!(matches!(&d.link, Link::Lost(m) if m.contains("andorra") && m.contains("map.json")), "{:?}", d.link);
        assert_eq!(d.briefing.as_ref().map(|b| b.drill.start.as_str()), Some("2026-07-01 06:00"));
        assert!(d.script.is_none(), "no script for the county");
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
