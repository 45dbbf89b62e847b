//! The drill's world: state, orders, the deterministic step, and per-role views.
//!
//! One tick (`scenario.tick_s` simulated seconds) runs, in this order: weather → flood → fire →
//! landslides → road closures → gauges → villages (hits, evacuation) → teams → what informants
//! see → plan triggers → injects. Orders are applied between ticks, in the order received.

pub mod events;
mod observe;
pub mod orders;
mod orders_apply;
pub mod people;
pub mod teams;
mod tick;
mod triggers;

pub use events::{Event, EventKind};
pub use orders::{Command, HazardKind, Order, OrderKind, Task};

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use crate::hazard::fire::Fire;
use crate::hazard::flood::Flood;
use crate::hazard::landslide::SlopePoint;
use crate::map::{MapAsset, Xy};
use crate::roles::Role;
use crate::scenario::{Level, Scenario, Stage, resolve_place};
use crate::view::{HazardCell, MessageView};
use people::Village;
use teams::{Activity, Team};

/// How far an informant sees from the village, metres (the slopes and river around it).
pub const INFORMANT_SIGHT_M: f64 = 1500.0;
/// How far a team sees around itself, metres.
pub const TEAM_SIGHT_M: f64 = 1000.0;
/// A township's mobile drainage pump (the 抽排 units of flood stock lists), m³/s.
pub const PUMP_M3_PER_S: f64 = 0.5;
/// Water deeper than this on a road cuts it for vehicles, metres.
pub const ROAD_CUT_DEPTH_M: f32 = 0.3;
/// Margin of the 2-D flood domain around the flood's places, m.
const FLOOD_DOMAIN_MARGIN_M: f64 = 1500.0;

/// Why an order was refused. The drill goes on; the refusal is logged and becomes an event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("role {role} may not give the order {order}")]
    NotAllowed { role: String, order: String },
    #[error("role {0} is not part of this drill")]
    UnknownRole(String),
    #[error("{0}")]
    BadTarget(String),
    #[error("the drill has ended")]
    Ended,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("scenario cannot start: {0}")]
pub struct SetupError(pub String);

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Shelter {
    pub name: String,
    pub pos: Xy,
    pub capacity: u32,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Gauge {
    pub name: String,
    pub pos: Xy,
    pub cell: usize,
    pub stages: [(Stage, f64); 3],
    pub stage: Option<Stage>,
    pub depth_m: f32,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct FiledReport {
    pub id: u32,
    pub t_s: u32,
    pub by: Role,
    pub village: usize,
    pub hazard: HazardKind,
    pub note: String,
    pub acknowledged: bool,
}

/// Why a road edge is closed (bit set).
pub(crate) mod closure {
    pub const WATER: u8 = 1;
    pub const FIRE: u8 = 2;
    pub const DEBRIS: u8 = 4;
    pub const BLOCKED: u8 = 8;
}

/// The whole simulated drill. See the crate docs for the determinism invariant.
pub struct World {
    scenario: Arc<Scenario>,
    map: Arc<MapAsset>,
    seed: u64,
    t_s: u32,
    roles: Vec<Role>,
    villages: Vec<Village>,
    shelters: Vec<Shelter>,
    teams: Vec<Team>,
    flood: Option<Flood>,
    /// Pumps teams have set up: (cell, m³/s).
    pumps: Vec<(usize, f64)>,
    /// (cell, index into the scenario's inflows).
    inflow_cells: Vec<(usize, usize)>,
    gauges: Vec<Gauge>,
    fire: Option<Fire>,
    fire_started_s: Option<u32>,
    ignitions_done: Vec<bool>,
    slopes: Vec<(String, SlopePoint, Vec<usize>)>,
    debris: Vec<bool>,
    /// Rain per tick so far, mm (for rolling-window triggers).
    rain_mm: Vec<f32>,
    /// Extra rain from injects: (until, mm/h).
    cloudbursts: Vec<(u32, f64)>,
    reports: Vec<FiledReport>,
    /// Active level per role that activated it (a township's command, the county).
    levels: BTreeMap<Role, Level>,
    levels_triggered: Vec<Level>,
    closed: Vec<u8>,
    edge_cells: Vec<Vec<u32>>,
    injects_done: Vec<bool>,
    messages: Vec<(Role, MessageView)>,
    /// (hazard, village) pairs already seen.
    seen: Vec<(HazardKind, usize)>,
    reported_up: Vec<Role>,
    /// The hazard cells of the last tick: the truth that views filter.
    hazard_now: Vec<HazardCell>,
    events: Vec<Event>,
}

impl World {
    /// Builds the world of a validated scenario on its map.
    pub fn new(scenario: Arc<Scenario>, map: Arc<MapAsset>, seed: u64) -> Result<World, SetupError> {
        let s = &*scenario;
        let grid = &map.grid;
        let place = |what: &str, p: &crate::scenario::Place| -> Result<Xy, SetupError> {
            let xy = resolve_place(p, &map).ok_or_else(|| SetupError(format!("{what}: unknown place {p:?}")))?;
            if grid.contains(xy) { Ok(xy) } else { Err(SetupError(format!("{what}: {p:?} is off the map"))) }
        };
        if s.tick_s == 0 {
            return Err(SetupError("tick_s must be positive".into()));
        }
        let mut shelters = Vec::new();
        for sh in &s.shelters {
            shelters.push(Shelter { name: sh.name.clone(), pos: place(&sh.name, &sh.at)?, capacity: sh.capacity });
        }
        let mut villages = Vec::new();
        for v in &s.villages {
            let m = map
                .settlement(&v.name)
                .ok_or_else(|| SetupError(format!("village {} is not on map {}", v.name, s.map)))?;
            let cell = grid.cell_at(m.pos).ok_or_else(|| SetupError(format!("village {} is off the grid", v.name)))?;
            let node = m.road_node.or_else(|| map.features.roads.nearest_node(m.pos));
            let mut village = Village::new(
                v.name.clone(),
                v.name_zh.clone().or(m.name_zh.clone()),
                m.township.clone(),
                m.pos,
                cell,
                node,
                v.population,
                v.vulnerable,
            );
            if let Some(name) = &v.shelter {
                let i = shelters
                    .iter()
                    .position(|x| &x.name == name)
                    .ok_or_else(|| SetupError(format!("village {}: unknown shelter {name}", v.name)))?;
                village.set_shelter(i, shelters[i].pos);
            } else if let Some((i, sh)) =
                shelters.iter().enumerate().min_by(|a, b| dist(a.1.pos, m.pos).total_cmp(&dist(b.1.pos, m.pos)))
            {
                village.set_shelter(i, sh.pos);
            } else {
                // No shelter named: people go to high ground 1 km away.
                village.set_shelter(usize::MAX, [m.pos[0] + 1000.0, m.pos[1]]);
            }
            villages.push(village);
        }
        let roads = &map.features.roads;
        let mut teams = Vec::new();
        for t in &s.teams {
            let pos = place(&t.name, &t.base)?;
            let node = roads.nearest_node(pos).ok_or_else(|| SetupError("the map has no roads".into()))?;
            teams.push(Team {
                name: t.name.clone(),
                kind: t.kind,
                size: t.size,
                township: t.township.clone(),
                muster_s: (t.muster_min * 60.0).round() as u32,
                node,
                pos: roads.nodes[node as usize],
                activity: Activity::Idle,
                job: None,
            });
        }
        let roles = expand_roles(s)?;
        let (mut flood, mut inflow_cells, mut gauges) = (None, Vec::new(), Vec::new());
        if let Some(f) = &s.hazards.flood {
            // The 2-D flood runs on the valley around the flood's inflows, gauges and villages.
            let mut around: Vec<Xy> = villages.iter().map(|v| v.pos).collect();
            for (name, at) in
                f.inflows.iter().map(|i| (&i.name, &i.at)).chain(f.gauges.iter().map(|g| (&g.name, &g.at)))
            {
                around.push(place(name, at)?);
            }
            let model = Flood::around(grid, &around, FLOOD_DOMAIN_MARGIN_M);
            for (i, inflow) in f.inflows.iter().enumerate() {
                let xy = place(&inflow.name, &inflow.at)?;
                inflow_cells.push((snap_to_channel(&model, grid, xy), i));
            }
            for g in &f.gauges {
                let xy = place(&g.name, &g.at)?;
                let cell = snap_to_channel(&model, grid, xy);
                gauges.push(Gauge {
                    name: g.name.clone(),
                    pos: grid.cell_centre(cell),
                    cell,
                    stages: [
                        (Stage::Alert, g.alert_m),
                        (Stage::Warning, g.warning_m),
                        (Stage::Guaranteed, g.guaranteed_m),
                    ],
                    stage: None,
                    depth_m: 0.0,
                });
            }
            flood = Some(model);
        }
        let fire = s.hazards.fire.as_ref().map(|f| Fire::new(grid, f, seed));
        let ignitions_done = vec![false; s.hazards.fire.as_ref().map_or(0, |f| f.ignitions.len())];
        let mut slopes = Vec::new();
        for p in s.hazards.landslide.iter().flat_map(|l| &l.points) {
            let pos = place(&p.name, &p.at)?;
            let mut threatened = Vec::new();
            for name in &p.threatens {
                let i = villages
                    .iter()
                    .position(|v| &v.name == name)
                    .ok_or_else(|| SetupError(format!("{}: unknown village {name}", p.name)))?;
                threatened.push(i);
            }
            let towards = threatened.first().map(|&i| villages[i].pos).unwrap_or([pos[0], pos[1] - 1000.0]);
            let point = SlopePoint::from_spec(p, pos, towards, grid).map_err(SetupError)?;
            slopes.push((p.name.clone(), point, threatened));
        }
        let edge_cells = roads.edges.iter().map(|e| edge_cells(&map, e.a, e.b)).collect();
        let n_edges = roads.edges.len();
        let debris = if slopes.is_empty() { Vec::new() } else { vec![false; grid.len()] };
        Ok(World {
            injects_done: vec![false; s.injects.len()],
            scenario: scenario.clone(),
            map: map.clone(),
            seed,
            t_s: 0,
            roles,
            villages,
            shelters,
            teams,
            flood,
            pumps: Vec::new(),
            inflow_cells,
            gauges,
            fire,
            fire_started_s: None,
            ignitions_done,
            slopes,
            debris,
            rain_mm: Vec::new(),
            cloudbursts: Vec::new(),
            reports: Vec::new(),
            levels: BTreeMap::new(),
            levels_triggered: Vec::new(),
            closed: vec![0; n_edges],
            edge_cells,
            messages: Vec::new(),
            seen: Vec::new(),
            reported_up: Vec::new(),
            hazard_now: Vec::new(),
            events: vec![Event { t_s: 0, kind: EventKind::DrillStarted }],
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
    /// The roles the scenario offers, with `informant:*` and `team:*` expanded.
    pub fn roles(&self) -> Vec<Role> {
        self.roles.clone()
    }
    /// Per-village outcome, for scoring and the report.
    pub fn outcome(&self) -> Vec<crate::score::VillageOutcome> {
        self.villages
            .iter()
            .enumerate()
            .map(|(i, v)| crate::score::VillageOutcome {
                village: v.name.clone(),
                population: v.population,
                threatened: self.seen.iter().any(|&(_, vi)| vi == i) || !v.hit_by.is_empty(),
                hit_by: v.hit_by.clone(),
                at_home: v.at_home,
                in_shelter: v.in_shelter,
                in_transit: v.in_transit.iter().map(|(_, n)| n).sum(),
                casualties: v.casualties,
                trapped: v.trapped,
            })
            .collect()
    }

    /// Water pumped out of the flood so far, m³.
    pub fn pumped_m3(&self) -> f64 {
        self.flood.as_ref().map_or(0.0, |f| f.pumped_m3())
    }

    /// A hash of the full state, for determinism checks and recovery.
    pub fn state_hash(&self) -> u64 {
        let mut h = Fnv::default();
        h.bytes(&self.t_s.to_le_bytes());
        h.bytes(&postcard::to_allocvec(&self.events).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.villages).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.teams).unwrap_or_default());
        h.bytes(&postcard::to_allocvec(&self.gauges).unwrap_or_default());
        if let Some(f) = &self.flood {
            for d in &f.depth_m {
                h.bytes(&d.to_bits().to_le_bytes());
            }
        }
        if let Some(f) = &self.fire {
            h.bytes(&f.state.iter().map(|&s| s as u8).collect::<Vec<_>>());
        }
        h.bytes(&self.closed);
        h.0
    }

    fn emit(&mut self, kind: EventKind) {
        self.events.push(Event { t_s: self.t_s, kind });
    }

    fn village_index(&self, name: &str) -> Option<usize> {
        self.villages.iter().position(|v| v.name == name || v.name_zh.as_deref() == Some(name))
    }
}

fn dist(a: Xy, b: Xy) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The scenario's roles with `informant:*` and `team:*` expanded, in file order.
fn expand_roles(s: &Scenario) -> Result<Vec<Role>, SetupError> {
    let mut roles = Vec::new();
    for r in &s.roles {
        let expanded: Vec<Role> = match r.as_str() {
            "informant:*" => s.villages.iter().map(|v| Role::Informant(v.name.clone())).collect(),
            "team:*" => s.teams.iter().map(|t| Role::Team(t.name.clone())).collect(),
            other => vec![other.parse().map_err(|e| SetupError(format!("{e}")))?],
        };
        for role in expanded {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
    }
    Ok(roles)
}

/// The channel cell with the largest flow near a point (gauges and inflows sit on the river).
fn snap_to_channel(flood: &Flood, grid: &crate::map::TerrainGrid, xy: Xy) -> usize {
    let centre = grid.cell_at(xy).unwrap_or(0);
    let radius = (300.0 / grid.cell_size_m).ceil() as i32;
    let mut best = (f32::INFINITY, centre);
    for dr in -radius..=radius {
        for dc in -radius..=radius {
            if let Some(c) = crate::hazard::neighbour(grid.cols, grid.rows, centre, dc, dr)
                && flood.is_channel(c)
                && grid.elevation_m[c] < best.0
            {
                best = (grid.elevation_m[c], c);
            }
        }
    }
    best.1
}

/// Cells a road edge crosses, sampled every half cell.
fn edge_cells(map: &MapAsset, a: u32, b: u32) -> Vec<u32> {
    let (pa, pb) = (map.features.roads.nodes[a as usize], map.features.roads.nodes[b as usize]);
    let len = dist(pa, pb);
    let steps = (len / (map.grid.cell_size_m / 2.0)).ceil().max(1.0) as usize;
    let mut cells: Vec<u32> = Vec::new();
    for i in 0..=steps {
        let f = i as f64 / steps as f64;
        if let Some(c) = map.grid.cell_at([pa[0] + (pb[0] - pa[0]) * f, pa[1] + (pb[1] - pa[1]) * f]) {
            let c = c as u32;
            if !cells.contains(&c) {
                cells.push(c);
            }
        }
    }
    cells
}

/// FNV-1a, stable across builds and platforms (unlike `DefaultHasher`).
#[derive(Default)]
struct Fnv(u64);
impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        if self.0 == 0 {
            self.0 = 0xcbf2_9ce4_8422_2325;
        }
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}
