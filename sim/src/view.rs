//! The shape of what one role may see of the drill. Built on the server from the true state by
//! [`crate::access::view`] and sent to that role only: a client never receives what its role
//! could not know.

use serde::{Deserialize, Serialize};

use crate::map::Xy;
use crate::roles::Role;
use crate::scenario::{Level, Stage};
use crate::weather::Weather;
use crate::world::orders::{HazardKind, OrderKind, Task};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub t_s: u32,
    pub duration_s: u32,
    pub finished: bool,
    /// The active response level, as announced (everyone hears it).
    pub level: Option<Level>,
    /// The weather of the last tick, rain totals included (felt everywhere on a township-sized map).
    pub weather: Weather,
    /// Hazard cells this role can see (near its village or team; everything for the controller).
    pub hazard: Vec<HazardCell>,
    pub villages: Vec<VillageView>,
    pub teams: Vec<TeamView>,
    pub reports: Vec<ReportView>,
    pub gauges: Vec<GaugeView>,
    /// Messages delivered to this role (injects, warnings received), newest last.
    pub messages: Vec<MessageView>,
    pub orders: Vec<OrderKind>,
    /// Closed road edges this role knows of.
    pub closed_roads: Vec<u32>,
}

/// One cell with a hazard: water deeper than 5 cm, fire burning or burned, debris.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HazardCell {
    pub cell: u32,
    pub kind: HazardCellKind,
    /// Water depth in cm, or fire intensity 0–255, or debris depth in dm.
    pub amount: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HazardCellKind {
    Water,
    Burning,
    Burned,
    Debris,
    /// A cut firebreak or sandbag line (team work, visible to all who see the cell).
    Barrier,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageView {
    pub name: String,
    pub name_zh: Option<String>,
    pub pos: Xy,
    pub township: Option<String>,
    /// Where its people go (逃生明白纸), when the scenario names a shelter.
    pub shelter: Option<String>,
    pub population: u32,
    /// People still at home; `None` when this role cannot know.
    pub at_home: Option<u32>,
    pub in_shelter: Option<u32>,
    pub casualties: Option<u32>,
    pub warned: bool,
    pub evacuation_ordered: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub name: String,
    pub kind_zh: String,
    pub size: u32,
    pub pos: Xy,
    pub state: TeamState,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TeamState {
    Idle,
    Mustering { village: String, task: Task },
    EnRoute { village: String, task: Task, eta_s: u32 },
    Working { village: String, task: Task },
    Blocked { village: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: u32,
    pub t_s: u32,
    pub by: Role,
    pub village: String,
    pub hazard: HazardKind,
    pub note: String,
    pub acknowledged: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GaugeView {
    pub name: String,
    pub pos: Xy,
    pub depth_m: f32,
    pub stage: Option<Stage>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub t_s: u32,
    pub text: String,
}
