//! What the client knows of the drill: built only from server messages (the server filters
//! views by role), read by the map view and the panels. No bevy systems here.

use std::sync::Arc;

use bevy::prelude::*;
use protocol::{ClientMessage, ServerMessage, StaticData};
use sim::map::MapAsset;
use sim::scenario::Scenario;
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
    pub seed: u64,
    pub scenario: Option<Scenario>,
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
            seed: 0,
            scenario: None,
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
            ServerMessage::Welcome { role, roles_on_offer, seed } => {
                self.role = role;
                self.roles_on_offer = roles_on_offer;
                self.seed = seed;
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
                // Views travel unreliably: never let an older one replace a newer one.
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
        match sim::scenario::parse_scenario("scenario from server", &data.scenario_ron) {
            Ok(s) => self.scenario = Some(s),
            Err(problems) => self.notices.push(format!(
                "scenario from server unreadable: {}",
                problems.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; ")
            )),
        }
        match sim::map::decode_map(&data.map_json, &data.terrain_bin) {
            Ok(map) => self.map = Some(Arc::new(map)),
            Err(e) => self.link = Link::Lost(format!("map `{}` from server: {e}", data.map_name)),
        }
    }

    /// The drill clock as "YYYY-MM-DD HH:MM" from the scenario's start plus `t_s`.
    pub fn clock_text(&self) -> Option<String> {
        let view = self.view.as_ref()?;
        let start = self.scenario.as_ref().map(|s| s.start.as_str()).unwrap_or("");
        Some(clock_text(start, view.t_s))
    }
}

/// Adds simulated seconds to a "YYYY-MM-DD HH:MM" start; days roll over by the civil calendar.
/// An unparseable start falls back to "T+HH:MM".
pub fn clock_text(start: &str, t_s: u32) -> String {
    let parsed = (|| {
        let (date, time) = start.trim().split_once(' ')?;
        let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
        let (y, m, day) = (d.next()??, d.next()??, d.next()??);
        let (h, min) = time.split_once(':')?;
        Some((y, m, day, h.parse::<i64>().ok()?, min.parse::<i64>().ok()?))
    })();
    let Some((y, m, d, h, min)) = parsed else {
        return format!("T+{:02}:{:02}", t_s / 3600, (t_s / 60) % 60);
    };
    let total_min = h * 60 + min + (t_s / 60) as i64;
    let days = days_from_civil(y, m, d) + total_min.div_euclid(1440);
    let (y, m, d) = civil_from_days(days);
    let mins = total_min.rem_euclid(1440);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", mins / 60, mins % 60)
}

// Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_adds_time_across_days_and_months() {
        assert_eq!(clock_text("2024-07-14 22:00", 0), "2024-07-14 22:00");
        assert_eq!(clock_text("2024-07-14 22:00", 3 * 3600 + 59), "2024-07-15 01:00");
        assert_eq!(clock_text("2024-02-28 23:30", 3600), "2024-02-29 00:30");
        assert_eq!(clock_text("2023-12-31 23:00", 7200), "2024-01-01 01:00");
        assert_eq!(clock_text("garbage", 3660), "T+01:01");
    }

    #[test]
    fn refusal_before_welcome_ends_the_session_after_it_is_a_notice() {
        let mut d = Drill::new(Role::County, "p".into());
        d.apply(ServerMessage::Refused { reason: "no such role".into() });
        assert_eq!(d.link, Link::Refused("no such role".into()));
        let mut d = Drill::new(Role::County, "p".into());
        d.apply(ServerMessage::Welcome { role: Role::County, roles_on_offer: vec![Role::County], seed: 1 });
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
            weather: sim::view::WeatherView {
                rain_mm_per_h: 0.0,
                rain_last_6h_mm: 0.0,
                wind_m_per_s: 0.0,
                wind_from_deg: 0.0,
                temperature_c: 20.0,
                humidity_percent: 50.0,
            },
            hazard: vec![],
            villages: vec![],
            teams: vec![],
            reports: vec![],
            gauges: vec![],
            messages: vec![],
            orders: vec![],
            closed_roads: vec![],
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
            scenario_ron: "(".into(),
            map_name: "andorra".into(),
            map_json: b"{}".to_vec(),
            terrain_bin: vec![1, 2, 3],
        })));
        assert!(d.map.is_none());
        assert!(matches!(&d.link, Link::Lost(m) if m.contains("andorra") && m.contains("map.json")), "{:?}", d.link);
        assert!(d.notices[0].contains("scenario from server"));
    }
}
