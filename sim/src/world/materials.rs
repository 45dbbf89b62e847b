//! Materials: the stock of each depot, what villages and teams hold, shipments on the road, and
//! the rates tasks use materials at.
//!
//! Rules (documented for trainers, ARCHITECTURE.md "Effects"):
//! - `SendMaterials` takes the amount out of the depot at once and delivers it after the drive
//!   of a vehicle from the depot to the consignee over the open roads (the team's position when
//!   sent, or the village), plus the off-road leg from the last junction to the consignee at a
//!   team's walking pace (`teams::last_leg_s`, the one rule for both); a road that closes on the
//!   way does not stop a load already sent.
//! - A sandbag line uses [`BAGS_PER_M`] woven bags (`woven_bags`) per metre; a line round a
//!   village's cell is 4 × 75 m. The task takes bags from what the team carries, then from the
//!   stock of the village at the job. Without enough the team waits on site and says so; a
//!   task needs a material only if the drill stocks it somewhere (a drill with no `diesel` in
//!   any depot assumes the pump team brings its fuel).
//! - A pump needs [`PUMP_DIESEL_L`] litres of `diesel` when set up.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::map::{MapAsset, Xy};
use crate::scenario::{Scenario, resolve_place};
use crate::world::SetupError;
use crate::world::orders::Task;
use crate::world::people::People;

/// The material a sandbag line uses.
pub const WOVEN_BAGS: &str = "woven_bags";
/// Woven bags per metre of sandbag line 0.3 m (1 ft) high: about 600 bags per 100 ft
/// (US Army Corps of Engineers, "Sandbagging Techniques", Northwestern Division) ≈ 19.7 / m.
pub const BAGS_PER_M: f64 = 20.0;
/// Height of a sandbag line the flood model sees, metres (the line the bag rate is for).
pub const SANDBAG_LINE_HEIGHT_M: f32 = 0.3;
/// Fuel for a pump, litres: a 0.5 m³/s diesel pump burns about 10 L/h; the team sets it up
/// with 4 hours of fuel (a drill assumption).
pub const PUMP_DIESEL_L: u32 = 40;
/// The fuel a pump uses.
pub const DIESEL: &str = "diesel";

/// What a task needs from stock: (material, amount) for a line of `line_m` metres.
pub fn task_needs(task: Task, line_m: f64) -> Option<(&'static str, u32)> {
    match task {
        Task::Sandbag => Some((WOVEN_BAGS, (line_m * BAGS_PER_M).ceil() as u32)),
        Task::Pump => Some((DIESEL, PUMP_DIESEL_L)),
        _ => None,
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Depot {
    pub name: String,
    pub pos: Xy,
    pub node: Option<u32>,
    /// A county reserve (县级储备): the county sends from it and draws on it for approved requests.
    pub county: bool,
    /// The township whose post may send from it: that of the village nearest to it.
    pub township: Option<String>,
    pub stock: BTreeMap<String, u32>,
}

/// Who holds or receives materials.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Holder {
    Depot(usize),
    Village(usize),
    Team(usize),
}

/// A load on its way.
#[derive(Clone, Debug, Serialize)]
pub struct Shipment {
    pub arrive_s: u32,
    pub material: String,
    pub amount: u32,
    pub to: Holder,
}

#[derive(Clone, Debug, Serialize)]
pub struct Materials {
    pub depots: Vec<Depot>,
    /// Stock delivered to each village (index as the world's villages).
    pub villages: Vec<BTreeMap<String, u32>>,
    /// What each team carries (index as the world's teams).
    pub teams: Vec<BTreeMap<String, u32>>,
    pub shipments: Vec<Shipment>,
    /// Every material some depot of the drill stocks at the start.
    pub stocked: Vec<String>,
}

impl Materials {
    pub(crate) fn new(s: &Scenario, map: &MapAsset, people: &People, teams: usize) -> Result<Materials, SetupError> {
        let mut depots = Vec::new();
        for d in &s.depots {
            let pos = resolve_place(&d.at, map)
                .ok_or_else(|| SetupError(format!("depot {}: unknown place {:?}", d.name, d.at)))?;
            let township = people.nearest(pos).and_then(|v| v.township.clone());
            depots.push(Depot {
                name: d.name.clone(),
                pos,
                node: map.features.roads.nearest_node(pos),
                county: d.county,
                township,
                stock: d.materials.clone(),
            });
        }
        let mut stocked: Vec<String> = depots.iter().flat_map(|d| d.stock.keys().cloned()).collect();
        stocked.sort();
        stocked.dedup();
        Ok(Materials {
            depots,
            villages: vec![BTreeMap::new(); people.villages.len()],
            teams: vec![BTreeMap::new(); teams],
            shipments: Vec::new(),
            stocked,
        })
    }

    pub fn depot_index(&self, name: &str) -> Option<usize> {
        self.depots.iter().position(|d| d.name == name)
    }

    pub fn depot_has(&self, depot: usize, material: &str) -> u32 {
        self.depots.get(depot).and_then(|d| d.stock.get(material)).copied().unwrap_or(0)
    }

    /// Takes stock out of a depot (the caller checked there is enough) and puts it on the road.
    pub(crate) fn send(&mut self, depot: usize, material: &str, amount: u32, to: Holder, arrive_s: u32) {
        if let Some(have) = self.depots[depot].stock.get_mut(material) {
            *have = have.saturating_sub(amount);
        }
        self.shipments.push(Shipment { arrive_s, material: material.to_string(), amount, to });
    }

    /// Loads that arrive by `now_s`, delivered; returns them.
    pub(crate) fn deliver(&mut self, now_s: u32) -> Vec<Shipment> {
        let (due, left): (Vec<Shipment>, Vec<Shipment>) =
            std::mem::take(&mut self.shipments).into_iter().partition(|s| s.arrive_s <= now_s);
        self.shipments = left;
        for s in &due {
            *self.holding(s.to).entry(s.material.clone()).or_insert(0) += s.amount;
        }
        due
    }

    fn holding(&mut self, h: Holder) -> &mut BTreeMap<String, u32> {
        match h {
            Holder::Depot(i) => &mut self.depots[i].stock,
            Holder::Village(i) => &mut self.villages[i],
            Holder::Team(i) => &mut self.teams[i],
        }
    }

    /// Whether a task needs this material in this drill (some depot stocks it).
    pub fn is_stocked(&self, material: &str) -> bool {
        self.stocked.iter().any(|m| m == material)
    }

    /// Takes `amount` of `material` for team `team` working at village `village`: from what it
    /// carries, then the village's stock. All or nothing: returns the amount missing (0 = taken).
    pub(crate) fn take_for_task(&mut self, team: usize, village: usize, material: &str, amount: u32) -> u32 {
        if !self.is_stocked(material) {
            return 0;
        }
        let carried = self.teams[team].get(material).copied().unwrap_or(0);
        let local = self.villages[village].get(material).copied().unwrap_or(0);
        if carried + local < amount {
            return amount - carried - local;
        }
        let from_team = carried.min(amount);
        if let Some(c) = self.teams[team].get_mut(material) {
            *c -= from_team;
        }
        if let Some(l) = self.villages[village].get_mut(material) {
            *l -= amount - from_team;
        }
        0
    }

    /// The county depot with the most of `material`, when it holds at least `amount`.
    pub fn county_source(&self, material: &str, amount: u32) -> Option<usize> {
        (0..self.depots.len())
            .filter(|&i| self.depots[i].county && self.depot_has(i, material) >= amount)
            .max_by_key(|&i| self.depot_has(i, material))
    }

    /// The depot of a township (its first), where county stock for it is delivered.
    pub fn township_depot(&self, township: Option<&str>) -> Option<usize> {
        self.depots.iter().position(|d| !d.county && d.township.as_deref() == township)
    }
}
