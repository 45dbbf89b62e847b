//! Everything that happens in a drill is an event; the score and the report are read from them.

use serde::{Deserialize, Serialize};

use crate::roles::Role;
use crate::scenario::{Level, Stage};
use crate::world::orders::{HazardKind, Task};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Simulated seconds since the start.
    pub t_s: u32,
    pub kind: EventKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    DrillStarted,
    DrillEnded,
    HazardStarted {
        hazard: HazardKind,
        near: String,
    },
    /// The hazard became visible to a role (an informant's village or a team's position).
    HazardSeen {
        hazard: HazardKind,
        by: Role,
        village: String,
    },
    ReportFiled {
        id: u32,
        by: Role,
        village: String,
        hazard: HazardKind,
    },
    ReportAcknowledged {
        id: u32,
        by: Role,
    },
    LevelTriggered {
        level: Level,
    },
    LevelActivated {
        level: Level,
        by: Role,
    },
    WarningIssued {
        village: String,
        by: Role,
    },
    EvacuationOrdered {
        village: String,
        by: Role,
    },
    /// Everyone left at home in the village has reached the shelter.
    VillageEvacuated {
        village: String,
        people: u32,
    },
    TeamDispatched {
        team: String,
        village: String,
        task: Task,
        by: Role,
    },
    TeamArrived {
        team: String,
        village: String,
    },
    TeamTaskDone {
        team: String,
        village: String,
        task: Task,
    },
    TeamCannotReach {
        team: String,
        village: String,
    },
    ReportedUp {
        by: Role,
    },
    RoadClosed {
        edge: u32,
        cause: HazardKind,
    },
    GaugeStage {
        gauge: String,
        stage: Stage,
        depth_m: f32,
    },
    SlopeSigns {
        point: String,
    },
    SlopeFailed {
        point: String,
    },
    /// People still in a village when a hazard reached it.
    VillageHit {
        village: String,
        hazard: HazardKind,
        casualties: u32,
        trapped: u32,
    },
    Rescued {
        village: String,
        people: u32,
        team: String,
    },
    InjectDelivered {
        to: Role,
        message: String,
    },
}
