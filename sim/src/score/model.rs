//! What a score says: the types of the report, shared by the server's review, the wire (the
//! controller's live score board) and the replay client. Every verdict carries its evidence.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

pub use crate::world::people::VillageOutcome;

/// Version of `report.json`'s layout; bump when a field changes meaning or shape.
pub const REPORT_SCHEMA: u32 = 2;

/// A label in both languages (Chinese first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Text {
        Text { zh: zh.into(), en: en.into() }
    }
}

/// What a verdict rests on: a moment of the record, with the event (its index in
/// `events.jsonl`, from 0) and the journal line (`seq`) behind it where there is one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub t_s: u32,
    pub event: Option<u32>,
    pub journal: Option<u64>,
    pub note: Text,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ActionStatus {
    OnTime,
    Late,
    /// Due (its fact happened, or its level's trigger was met) but never done, or done by a role
    /// the plan does not name, or done only on the strength of a false report.
    Missing,
    /// Done, but before the action it must follow.
    OutOfOrder,
    /// Done before its anchor (the fact it counts from); the scenario's `early` rule says
    /// whether that earns credit.
    Early,
    /// Its fact never happened by the moment scored, or its deadline has not yet passed.
    NotDue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionResult {
    pub id: String,
    pub name: String,
    pub who: String,
    pub status: ActionStatus,
    /// When the deadline started counting, simulated minutes.
    pub due_from_min: Option<f64>,
    pub deadline_min: f64,
    pub done_at_min: Option<f64>,
    pub done_by: Option<String>,
    /// 0–1: 1 on time, falling with lateness along the action's curve; 0 when missing.
    pub credit: f64,
    /// Why this verdict, in both languages.
    pub why: Text,
    pub evidence: Vec<Evidence>,
}

/// Minutes from the hazard first being seen to each step of the response.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseTimes {
    pub hazard_seen_min: Option<f64>,
    pub seen_to_reported_min: Option<f64>,
    pub reported_to_acknowledged_min: Option<f64>,
    /// To the command post's (or county's) first decision: a level, a warning, an evacuation
    /// or a dispatch. Informants' own actions do not count.
    pub seen_to_decided_min: Option<f64>,
    pub seen_to_people_safe_min: Option<f64>,
}

/// The rules of 信息报告 a report can break.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DisciplineKind {
    /// 迟报: after the deadline from when the reporter could see the hazard.
    Late,
    /// 漏报: a village saw the hazard and never reported.
    Missed,
    /// 谎报: claims a hazard, place, severity or people at risk the truth does not support.
    False,
    /// 瞒报: understates casualties, trapped people or the extent, or a township does not pass
    /// up what its informants told it.
    Concealed,
    /// 初报要素不全: a first report without the fields a 初报 needs.
    Incomplete,
    /// 续报超时: no follow-up report within the plan's interval.
    FollowUpOverdue,
    /// 未核实: the command post acted on a report that turned out false without checking it (核实).
    Unverified,
}

impl DisciplineKind {
    pub const ALL: [DisciplineKind; 7] = [
        DisciplineKind::Late,
        DisciplineKind::Missed,
        DisciplineKind::False,
        DisciplineKind::Concealed,
        DisciplineKind::Incomplete,
        DisciplineKind::FollowUpOverdue,
        DisciplineKind::Unverified,
    ];
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            DisciplineKind::Late => ("迟报", "late report"),
            DisciplineKind::Missed => ("漏报", "missed report"),
            DisciplineKind::False => ("谎报", "false report"),
            DisciplineKind::Concealed => ("瞒报", "concealed report"),
            DisciplineKind::Incomplete => ("初报要素不全", "incomplete first report"),
            DisciplineKind::FollowUpOverdue => ("续报超时", "follow-up overdue"),
            DisciplineKind::Unverified => ("未核实即处置", "acted without verifying"),
        };
        Text::new(zh, en)
    }
}

/// One breach of report discipline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: DisciplineKind,
    /// The role at fault, e.g. `informant:Canillo` or `command:Encamp`.
    pub who: String,
    pub village: Option<String>,
    /// The report it concerns (`ReportFiled.id`), if any.
    pub report: Option<u32>,
    pub at_min: f64,
    pub text: Text,
    pub evidence: Vec<Evidence>,
}

/// Reports judged false, from `discipline::false_reports`. Plan scoring reads them so that an
/// action done on the strength of a false report satisfies nothing: a false report is no
/// `Report`, acknowledging one is no `Acknowledge`, and an action on a village a false report
/// named (or, for actions on no village, after any false report) done before its true fact
/// does not count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FalseReports {
    /// `ReportFiled.id`s judged false.
    pub reports: BTreeSet<u32>,
    /// Villages a false claim named, with when (simulated s) the first false claim about each
    /// reached a command post. Villages of false `ReportFiled`s need not be listed: plan scoring
    /// adds them from the events.
    pub villages: BTreeMap<String, u32>,
}

impl FalseReports {
    pub fn is_false(&self, report: u32) -> bool {
        self.reports.contains(&report)
    }
}

/// The categories of Chinese drill evaluation forms (GB/T 46792-2025, AQ/T 9009).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Category {
    /// 预警与信息报告.
    WarningAndReporting,
    /// 预案启动与响应分级.
    ActivationAndLevels,
    /// 指挥与协调.
    CommandAndCoordination,
    /// 基层先期处置.
    FirstResponse,
    /// 警戒疏散与转移安置.
    EvacuationAndShelter,
    /// 资源保障.
    Resources,
    /// 联动.
    Liaison,
    /// 终止.
    Termination,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::WarningAndReporting,
        Category::ActivationAndLevels,
        Category::CommandAndCoordination,
        Category::FirstResponse,
        Category::EvacuationAndShelter,
        Category::Resources,
        Category::Liaison,
        Category::Termination,
    ];
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Category::WarningAndReporting => ("预警与信息报告", "Warning and reporting"),
            Category::ActivationAndLevels => ("预案启动与响应分级", "Plan activation and response levels"),
            Category::CommandAndCoordination => ("指挥与协调", "Command and coordination"),
            Category::FirstResponse => ("基层先期处置", "First response on the ground"),
            Category::EvacuationAndShelter => ("警戒疏散与转移安置", "Cordon, evacuation and shelter"),
            Category::Resources => ("资源保障", "Resources"),
            Category::Liaison => ("联动", "Liaison"),
            Category::Termination => ("终止", "Termination"),
        };
        Text::new(zh, en)
    }
}

/// Points taken off an item, and why (扣分依据).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deduction {
    pub points: f64,
    pub reason: Text,
    pub evidence: Vec<Evidence>,
}

/// An item of the evaluation form (评分项) with its maximum points.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub id: String,
    pub label: Text,
    pub max: f64,
    /// Points earned; `max` minus the deductions, never below 0.
    pub got: f64,
    /// 不适用: the item leaves the denominator.
    pub applicable: bool,
    pub deductions: Vec<Deduction>,
}

/// An indicator (指标) of a category, holding items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IndicatorResult {
    pub id: String,
    pub label: Text,
    pub items: Vec<ItemResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CategoryResult {
    pub category: Category,
    pub label: Text,
    /// Sums over the applicable items.
    pub max: f64,
    pub got: f64,
    pub indicators: Vec<IndicatorResult>,
}

/// The 100-point grade, thresholds from the scenario (default 90 / 75 / 60).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Grade {
    /// 优.
    Excellent,
    /// 良.
    Good,
    /// 一般.
    Fair,
    /// 差.
    Poor,
}

impl Grade {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Grade::Excellent => ("优", "excellent"),
            Grade::Good => ("良", "good"),
            Grade::Fair => ("一般", "fair"),
            Grade::Poor => ("差", "poor"),
        };
        Text::new(zh, en)
    }
}

/// HSEEP's rating of how an objective was performed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Psmu {
    /// Performed without challenges.
    P,
    /// Performed with some challenges.
    S,
    /// Performed with major challenges.
    M,
    /// Unable to be performed.
    U,
}

impl Psmu {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Psmu::P => ("P 顺利完成", "P: performed without challenges"),
            Psmu::S => ("S 基本完成，存在一些问题", "S: performed with some challenges"),
            Psmu::M => ("M 完成但存在重大问题", "M: performed with major challenges"),
            Psmu::U => ("U 未能完成", "U: unable to be performed"),
        };
        Text::new(zh, en)
    }
}

/// An objective (one per category that applies) rated P/S/M/U, with the evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectiveRating {
    pub category: Category,
    pub label: Text,
    pub rating: Psmu,
    /// Share of the category's applicable points earned, 0–1 (what the rating was read from).
    pub share: f64,
    pub reasons: Vec<Text>,
    pub evidence: Vec<Evidence>,
}

/// One township's part of a county exercise, for the comparison table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TownshipResult {
    pub township: String,
    pub score: f64,
    pub grade: Grade,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub findings: u32,
    pub response_times: ResponseTimes,
    pub casualties: u32,
    pub people_threatened: u32,
    pub people_safe: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// [`REPORT_SCHEMA`].
    pub schema: u32,
    pub scenario: String,
    pub seed: u64,
    /// The moment scored, simulated minutes (the end, or a moment of a replay).
    pub at_min: f64,
    pub duration_min: f64,
    /// 0–100, from the indicator tree.
    pub score: f64,
    pub grade: Grade,
    /// Components, 0–1: required actions done by the right role; their timeliness (credit);
    /// people of threatened villages not killed or left trapped.
    pub adherence: f64,
    pub timeliness: f64,
    pub outcome: f64,
    pub actions: Vec<ActionResult>,
    pub findings: Vec<Finding>,
    pub indicators: Vec<CategoryResult>,
    pub objectives: Vec<ObjectiveRating>,
    pub response_times: ResponseTimes,
    /// Empty unless the scenario has more than one township.
    pub townships: Vec<TownshipResult>,
    pub villages: Vec<VillageOutcome>,
    pub casualties: u32,
    pub trapped: u32,
    pub people_threatened: u32,
    pub people_safe: u32,
    pub orders_refused: u32,
}
