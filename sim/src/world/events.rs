//! Everything that happens in a drill is an event; the score and the report are read from them.

use serde::{Deserialize, Serialize};

use crate::map::Xy;
use crate::roles::Role;
use crate::scenario::{Level, Stage};
use crate::world::orders::{HazardKind, ReportField, ReportStage, SupportKind, Task, TeamReportKind, Trend};

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
    /// Controller only: what a report claimed and the truth at that moment, so the score judges
    /// it (谎报, 瞒报, 初报 fields) from the record alone. Follows its `ReportFiled`.
    ReportTruth {
        id: u32,
        village: String,
        /// The village's township (`None` in a drill of one township).
        township: Option<String>,
        claim: ReportClaim,
        truth: TruthAtReport,
    },
    /// Controller only: report `id` is a false report planted by scripted inject `inject`; the
    /// command post received it as from the village's informant.
    FalseReportPlanted {
        id: u32,
        village: String,
        hazard: HazardKind,
        inject: u32,
    },
    /// Controller only: what a township's report up claimed, what its villages' reports had told
    /// it by then, and the truth summed over its villages. Follows its `ReportedUp`.
    ReportUpTruth {
        by: Role,
        stage: ReportStage,
        /// The villages in its care.
        villages: Vec<String>,
        claim: UpCounts,
        told: UpCounts,
        truth: UpCounts,
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

/// What a report (初报/续报/终报) said, as the form carried it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportClaim {
    pub hazard: HazardKind,
    pub stage: ReportStage,
    /// The point picked on the map, map metres.
    pub at: Option<Xy>,
    /// 1 一般 .. 4 特别严重.
    pub severity: u8,
    pub people_at_risk: u32,
    pub casualties: u32,
    pub trapped: u32,
    pub trend: Trend,
    /// The report a 续报 / 终报 follows.
    pub follows: Option<u32>,
    /// The 初报 fields the form filled ([`crate::world::ReportForm::filled_fields`]).
    pub fields: Vec<ReportField>,
}

/// The truth at the moment of a report, for the claimed hazard and village.
///
/// Severity on the form's 1–4 scale (0: the hazard is not there):
/// - 1 一般: within sight of the village (1.5 km), more than 500 m from it;
/// - 2 较大: within 500 m of the village, not yet in it;
/// - 3 重大: it reached the village, fewer than 3 casualties;
/// - 4 特别严重: it reached the village, 3 casualties or more (3 deaths is where 较大 events
///   begin in the national grading of emergencies).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TruthAtReport {
    /// The hazards within sight of the village (or the reporting team) now.
    pub hazards_here: Vec<HazardKind>,
    /// From the claimed point (the village when none) to the nearest cell of the claimed
    /// hazard anywhere on the map; `None` when there is none.
    pub distance_m: Option<f32>,
    pub severity: u8,
    /// People at home in the village (and trapped) while a hazard is within sight of it or
    /// reached it; 0 otherwise.
    pub people_at_risk: u32,
    pub casualties: u32,
    pub trapped: u32,
}

/// The numbers of a township's report up (伤亡, 被困, 已转移).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpCounts {
    pub casualties: u32,
    pub trapped: u32,
    pub evacuated: u32,
}
