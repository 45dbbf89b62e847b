//! The drill's world: the state, split by what owns it, and the deterministic step.
//!
//! - [`hazards`]: flood, fire, landslides, gauges and the hazard cells of the tick (the truth);
//! - [`roads`]: which road edges are closed, and why;
//! - [`people`]: villages and shelters, evacuation, hits;
//! - [`teams`]: rescue teams on the road graph;
//! - [`comms`]: reports, messages to roles, reports up to the county;
//! - [`materials`]: depot stock, shipments, what villages and teams hold, the rates tasks use;
//! - [`requests`]: township requests for county support and the county's decisions;
//! - [`plan_state`]: response levels (triggered, activated), injects delivered, hazards seen;
//! - [`orders_apply`]: what an authorised order does (authorisation is [`crate::access`]);
//! - [`team_work`]: what teams do on site each tick (materials, direct attack, finished tasks);
//! - [`tick`]: one step, in the order: weather → flood → fire → landslides → road closures →
//!   gauges → villages (hits, evacuation) → shipments → teams → hazard cells → what informants
//!   see → plan triggers → injects due. Orders are applied between ticks, in the order received.
//!   A hazard the controller froze does not step.

pub mod comms;
pub mod events;
pub mod hazards;
pub mod materials;
pub mod orders;
mod orders_apply;
#[cfg(test)]
pub(crate) mod orders_tests;
pub mod people;
pub mod plan_state;
pub mod requests;
pub mod roads;
mod team_work;
pub mod teams;
#[cfg(test)]
mod tests;
mod tick;

pub use events::{Event, EventKind};
pub use orders::{
    Command, Consignee, HazardKind, Order, OrderKind, ReportForm, ReportStage, SupportKind, Target, Task,
    TeamReportKind, Trend, WorldEvent,
};

use std::sync::Arc;

use crate::access::Refusal;
use crate::hash::Fnv;
use crate::map::{MapAsset, Xy};
use crate::roles::{Role, roles_on_offer};
use crate::scenario::{Scenario, Stage};
use crate::triggers::TriggerFacts;
use crate::weather::{Weather, WeatherState};
use comms::Comms;
use hazards::Hazards;
use materials::Materials;
use people::People;
use plan_state::PlanState;
use requests::Requests;
use roads::Roads;
use teams::Teams;

/// How far an informant sees from the village, metres (the slopes and river around it).
pub const INFORMANT_SIGHT_M: f64 = 1500.0;
/// How far a team sees around itself, metres.
pub const TEAM_SIGHT_M: f64 = 1000.0;
/// A township's mobile drainage pump (the 抽排 units of flood stock lists), m³/s.
pub const PUMP_M3_PER_S: f64 = 0.5;
/// Water deeper than this on a road cuts it for vehicles, metres.
pub const ROAD_CUT_DEPTH_M: f32 = 0.3;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("scenario cannot start: {0}")]
pub struct SetupError(pub String);

/// The whole simulated drill. See the crate docs for the determinism invariant. `Clone` makes
/// the snapshots a replay jumps between ([`crate::replay`]).
#[derive(Clone)]
pub struct World {
    pub(crate) scenario: Arc<Scenario>,
    pub(crate) map: Arc<MapAsset>,
    seed: u64,
    pub(crate) t_s: u32,
    pub(crate) roles: Vec<Role>,
    pub(crate) weather: WeatherState,
    pub(crate) hazards: Hazards,
    pub(crate) roads: Roads,
    pub(crate) people: People,
    pub(crate) teams: Teams,
    pub(crate) comms: Comms,
    pub(crate) plan: PlanState,
    pub(crate) materials: Materials,
    pub(crate) requests: Requests,
    events: Vec<Event>,
    /// (index of the first event a journaled command produced, its journal seq), ascending.
    journal_marks: Vec<(u32, u64)>,
}

impl World {
    /// Builds the world of a validated scenario on its map.
    pub fn new(scenario: Arc<Scenario>, map: Arc<MapAsset>, seed: u64) -> Result<World, SetupError> {
        let s = &*scenario;
        if s.tick_s == 0 {
            return Err(SetupError("tick_s must be positive".into()));
        }
        let place = |what: &str, p: &crate::scenario::Place| place_on_map(&map, what, p);
        let people = People::new(s, &map, &place)?;
        let teams = Teams::new(s, &map, &place)?;
        let roles = roles_on_offer(s).map_err(|e| SetupError(e.to_string()))?;
        let hazards = Hazards::new(s, &map, seed, &people, &place)?;
        let materials = Materials::new(s, &map, &people, teams.list.len())?;
        Ok(World {
            materials,
            requests: Requests::default(),
            plan: PlanState::new(s),
            weather: WeatherState::new(&s.weather, s.tick_s),
            roads: Roads::new(&map),
            scenario: scenario.clone(),
            map: map.clone(),
            seed,
            t_s: 0,
            roles,
            hazards,
            people,
            teams,
            comms: Comms::default(),
            events: vec![Event { t_s: 0, kind: EventKind::DrillStarted }],
            journal_marks: Vec::new(),
        })
    }

    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    pub fn map(&self) -> &MapAsset {
        &self.map
    }
    pub fn seed(&self) -> u64 {
        self.seed
    }
    pub fn time_s(&self) -> u32 {
        self.t_s
    }
    pub fn duration_s(&self) -> u32 {
        (self.scenario.duration_h * 3600.0).round() as u32
    }
    pub fn is_finished(&self) -> bool {
        self.t_s >= self.duration_s()
    }
    /// Every event so far, in order.
    pub fn events(&self) -> &[Event] {
        &self.events
    }
    /// Where each journaled command's events begin: `(event index, journal seq)`, ascending, so
    /// a verdict can cite the journal line behind an event ([`crate::score::Evidence`]).
    pub fn journal_marks(&self) -> &[(u32, u64)] {
        &self.journal_marks
    }
    /// [`World::execute`] for a command the server journaled as line `seq`.
    pub fn execute_journaled(&mut self, cmd: &Command, seq: u64) {
        let first = u32::try_from(self.events.len()).unwrap_or(u32::MAX);
        self.execute(cmd);
        if self.events.len() > first as usize {
            self.journal_marks.push((first, seq));
        }
    }
    /// The roles the scenario offers, with `informant:*` and `team:*` expanded.
    pub fn roles(&self) -> Vec<Role> {
        self.roles.clone()
    }
    /// The weather of the last tick (what the flood, fire, slopes, triggers and views read).
    pub fn weather(&self) -> &Weather {
        self.weather.now()
    }

    /// Per-village outcome, for scoring and the report.
    pub fn outcome(&self) -> Vec<people::VillageOutcome> {
        self.people.outcome(&self.plan)
    }

    /// Stock of a depot now (for tests and tools; roles see it through their views).
    pub fn depot_stock(&self, depot: &str, material: &str) -> Option<u32> {
        self.materials.depot_index(depot).map(|i| self.materials.depot_has(i, material))
    }

    /// (occupied, capacity) of a shelter now.
    pub fn shelter_occupancy(&self, shelter: &str) -> Option<(u32, u32)> {
        self.people.shelters.iter().find(|s| s.name == shelter).map(|s| (s.occupied, s.capacity))
    }

    /// Water pumped out of the flood so far, m³.
    pub fn pumped_m3(&self) -> f64 {
        self.hazards.pumped_m3()
    }

    /// Whether the fire at a cell is burning (for tests that probe the truth).
    pub fn fire_burning_at(&self, cell: usize) -> bool {
        self.hazards.fire_burning_at(cell)
    }

    /// Authorises and applies one order now (for tests and in-process tools; the server calls
    /// [`crate::access::authorise`] itself, journals, then [`World::execute`]).
    pub fn apply(&mut self, cmd: &Command) -> Result<(), Refusal> {
        crate::access::authorise(self, cmd)?;
        self.execute(cmd);
        Ok(())
    }

    /// A hash of the full state, for determinism checks and recovery.
    pub fn state_hash(&self) -> u64 {
        let mut h = Fnv::new();
        h.bytes(&self.t_s.to_le_bytes());
        h.bytes(&postcard::to_allocvec(&self.events).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.people.villages).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.teams.list).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.people.shelters).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.materials).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.requests).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.plan.frozen).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.plan.injects_due).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.plan.injects_done).unwrap_or_default());
        self.hazards.hash_into(&mut h);
        h.bytes(self.roads.closed());
        h.finish()
    }

    pub(crate) fn emit(&mut self, kind: EventKind) {
        self.events.push(Event { t_s: self.t_s, kind });
    }

    pub(crate) fn emit_all(&mut self, kinds: Vec<EventKind>) {
        for kind in kinds {
            self.emit(kind);
        }
    }
}

/// The world answers triggers with the truth (the plan's levels and the scripted injects).
impl TriggerFacts for World {
    fn now_s(&self) -> u32 {
        self.t_s
    }
    fn weather(&self) -> &Weather {
        self.weather.now()
    }
    fn gauge_stage(&self, gauge: &str) -> Option<Stage> {
        self.hazards.gauges.iter().find(|g| g.name == gauge).and_then(|g| g.stage)
    }
    fn fire_area_ha(&self) -> f64 {
        self.hazards.fire.as_ref().map_or(0.0, |f| f.model.area_ha())
    }
    fn fire_burning_since_s(&self) -> Option<u32> {
        let fire = self.hazards.fire.as_ref()?;
        if fire.model.is_active() { fire.started_s } else { None }
    }
    fn slope_signs(&self, point: &str) -> bool {
        self.hazards.slopes.iter().any(|s| s.name == point && s.point.signs)
    }
    fn slope_failed(&self, point: &str) -> bool {
        self.hazards.slopes.iter().any(|s| s.name == point && s.point.failed)
    }
    fn first_report_in(&self) -> bool {
        !self.comms.reports.is_empty()
    }
}

/// A scenario place on this map, refused when unknown or off the grid.
fn place_on_map(map: &MapAsset, what: &str, p: &crate::scenario::Place) -> Result<Xy, SetupError> {
    let xy =
        crate::scenario::resolve_place(p, map).ok_or_else(|| SetupError(format!("{what}: unknown place {p:?}")))?;
    if map.grid.contains(xy) { Ok(xy) } else { Err(SetupError(format!("{what}: {p:?} is off the map"))) }
}

pub(crate) fn dist(a: Xy, b: Xy) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}
