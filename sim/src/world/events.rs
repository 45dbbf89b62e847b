//! Everything that happens in a drill is an event; the score and the report are read from them.

use serde::{Deserialize, Serialize};

use crate::roles::Role;
use crate::scenario::{Level, Stage};
use crate::world::orders::{HazardKind, ReportStage, SupportKind, Task, TeamReportKind};

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
        stage: ReportStage,
    },
    /// The command post asked the reporter to check a report (核实).
    VerifyAsked {
        id: u32,
        by: Role,
    },
    CalledForHelp {
        village: String,
        by: Role,
    },
    /// 转移到位: the count the village gave, and the truth.
    HeadCounted {
        village: String,
        moved: u32,
        in_shelter: u32,
        by: Role,
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
    LevelLowered {
        level: Level,
        by: Role,
    },
    /// 终止: the command ended its response.
    ResponseEnded {
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
    /// The village's people go to this shelter from now on.
    ShelterAssigned {
        village: String,
        shelter: String,
        by: Role,
    },
    /// A shelter is full: people of the village wait at home.
    ShelterFull {
        shelter: String,
        village: String,
        waiting: u32,
    },
    /// 管控 set or lifted.
    VillageHeld {
        village: String,
        held: bool,
        by: Role,
    },
    /// Evacuated people went home.
    PeopleReturned {
        village: String,
        people: u32,
    },
    /// People wanted to go home but the village is held.
    ReturnStopped {
        village: String,
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
    TaskAccepted {
        team: String,
    },
    TaskRefused {
        team: String,
        reason: String,
    },
    /// On site without the material the task needs: the team waits.
    TaskWaiting {
        team: String,
        material: String,
        missing: u32,
    },
    MaterialsUsed {
        team: String,
        material: String,
        amount: u32,
    },
    TeamReported {
        team: String,
        kind: TeamReportKind,
    },
    /// A team moves to a point on its own initiative.
    TeamMoving {
        team: String,
    },
    /// A team put out burning cells (direct attack).
    FireAttacked {
        team: String,
        cells: u32,
    },
    MaterialsSent {
        depot: String,
        material: String,
        amount: u32,
        to: String,
        by: Role,
        arrive_s: u32,
    },
    MaterialsArrived {
        material: String,
        amount: u32,
        to: String,
    },
    ReportedUp {
        by: Role,
        stage: ReportStage,
    },
    SupportRequested {
        id: u32,
        kind: SupportKind,
        by: Role,
    },
    RequestDecided {
        id: u32,
        approved: bool,
        by: Role,
    },
    DirectiveSent {
        to: Role,
        by: Role,
    },
    /// A scripted inject's time or condition came: the controller may fire it.
    InjectDue {
        index: u32,
    },
    HazardFrozen {
        hazard: HazardKind,
        frozen: bool,
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
