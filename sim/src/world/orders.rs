//! Orders trainees and bots give, and the command that carries one with its sender and author.
//! The names here are the shared contract of issue 7 (`/work/i7-spec.md`): other crates code
//! against them.

use serde::{Deserialize, Serialize};

use crate::map::Xy;
use crate::roles::Role;
use crate::scenario::Level;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum HazardKind {
    Flood,
    Fire,
    Landslide,
}

impl HazardKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            HazardKind::Flood => "洪水",
            HazardKind::Fire => "山火",
            HazardKind::Landslide => "滑坡",
        }
    }
}

/// What a dispatched team does on arrival.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Task {
    /// Help the village evacuate (faster evacuation; refusers are talked round).
    Evacuate,
    /// Move the vulnerable (elderly, disabled, children) first, at the pace of the others.
    MoveVulnerable,
    /// Build a sandbag line along a path (or round the village's cell).
    Sandbag,
    /// Cut a firebreak along a path (or round the village).
    Firebreak,
    /// Attack the fire edge round a point: put out burning cells within the crew's reach.
    AttackFire,
    /// Search and rescue trapped people.
    Rescue,
    /// Clear a blocked road near the target.
    ClearRoad,
    /// Watch a hazard point: the team stays there and sees round it.
    Watch,
    /// Set up a drainage pump (抽排): it runs to the end of the drill.
    Pump,
}

impl Task {
    pub const ALL: [Task; 9] = [
        Task::Evacuate,
        Task::MoveVulnerable,
        Task::Sandbag,
        Task::Firebreak,
        Task::AttackFire,
        Task::Rescue,
        Task::ClearRoad,
        Task::Watch,
        Task::Pump,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Task::Evacuate => "协助转移",
            Task::MoveVulnerable => "优先转移老弱病残",
            Task::Sandbag => "沙袋筑堤",
            Task::Firebreak => "开设隔离带",
            Task::AttackFire => "扑打火线",
            Task::Rescue => "搜救",
            Task::ClearRoad => "抢通道路",
            Task::Watch => "值守观察",
            Task::Pump => "抽排积水",
        }
    }
}

/// 初报 / 续报 / 终报.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReportStage {
    /// 初报.
    Initial,
    /// 续报.
    FollowUp,
    /// 终报.
    Final,
}

impl ReportStage {
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStage::Initial => "初报",
            ReportStage::FollowUp => "续报",
            ReportStage::Final => "终报",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Trend {
    /// 发展.
    Rising,
    /// 稳定.
    Steady,
    /// 减弱.
    Easing,
}

/// The fields of a real quick report (信息快报): what, where, how bad, people at risk, trend,
/// what was done, free text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportForm {
    pub stage: ReportStage,
    pub village: String,
    pub hazard: HazardKind,
    /// The point picked on the map, map metres.
    pub at: Option<Xy>,
    /// 1 一般 .. 4 特别严重.
    pub severity: u8,
    pub people_at_risk: u32,
    /// 伤亡: people killed or injured, as far as the reporter knows.
    #[serde(default)]
    pub casualties: u32,
    /// 被困: people trapped.
    #[serde(default)]
    pub trapped: u32,
    pub trend: Trend,
    /// What was done already.
    pub actions_taken: String,
    /// Free text.
    pub note: String,
    /// The report id a 续报 / 终报 follows.
    pub follows: Option<u32>,
}

impl ReportForm {
    /// A first report with only the essentials (bots and tests).
    pub fn initial(village: &str, hazard: HazardKind, note: &str) -> ReportForm {
        ReportForm {
            stage: ReportStage::Initial,
            village: village.to_string(),
            hazard,
            at: None,
            severity: 1,
            people_at_risk: 0,
            casualties: 0,
            trapped: 0,
            trend: Trend::Rising,
            actions_taken: String::new(),
            note: note.to_string(),
            follows: None,
        }
    }
}

/// The fields of a 初报 (plans.md §2: time and source, place, type, extent, casualties, trend,
/// measures taken). Time and source are stamped by the world; the rest come from the form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReportField {
    /// 地点: a point picked on the map.
    Place,
    /// 类型: the hazard.
    Hazard,
    /// 程度: the severity, 1–4.
    Extent,
    /// 人员: people at risk, casualties, trapped (numbers; 0 is a claim of none).
    People,
    /// 趋势.
    Trend,
    /// 已采取措施: what was done already.
    ActionsTaken,
}

impl ReportField {
    /// Every field a form can carry: the default required fields of a 初报.
    pub const ALL: [ReportField; 6] = [
        ReportField::Place,
        ReportField::Hazard,
        ReportField::Extent,
        ReportField::People,
        ReportField::Trend,
        ReportField::ActionsTaken,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            ReportField::Place => "地点",
            ReportField::Hazard => "险情类型",
            ReportField::Extent => "严重程度",
            ReportField::People => "人员情况",
            ReportField::Trend => "发展趋势",
            ReportField::ActionsTaken => "已采取措施",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            ReportField::Place => "place",
            ReportField::Hazard => "hazard",
            ReportField::Extent => "severity",
            ReportField::People => "people",
            ReportField::Trend => "trend",
            ReportField::ActionsTaken => "actions taken",
        }
    }
}

impl ReportForm {
    /// The fields this form fills: a point picked, a severity of 1–4, words on what was done.
    /// The hazard, the numbers and the trend are always given.
    pub fn filled_fields(&self) -> Vec<ReportField> {
        ReportField::ALL
            .into_iter()
            .filter(|f| match f {
                ReportField::Place => self.at.is_some(),
                ReportField::Extent => (1..=4).contains(&self.severity),
                ReportField::ActionsTaken => !self.actions_taken.trim().is_empty(),
                ReportField::Hazard | ReportField::People | ReportField::Trend => true,
            })
            .collect()
    }
}

/// Where a dispatched team goes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Target {
    Village(String),
    /// A point on the map, map metres.
    Point(Xy),
    /// A path drawn on the map (a sandbag line, a firebreak), map metres.
    Path(Vec<Xy>),
}

/// Who receives materials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Consignee {
    Village(String),
    Team(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SupportKind {
    Teams,
    Materials,
    Experts,
}

impl SupportKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            SupportKind::Teams => "队伍",
            SupportKind::Materials => "物资",
            SupportKind::Experts => "专家",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TeamReportKind {
    Arrived,
    Progress,
    Done,
    Problem,
}

impl TeamReportKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            TeamReportKind::Arrived => "到达",
            TeamReportKind::Progress => "进展",
            TeamReportKind::Done => "完成",
            TeamReportKind::Problem => "遇到问题",
        }
    }
}

/// Something the controller makes happen in the world at run time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorldEvent {
    /// Extra rain over the whole map for a while.
    Cloudburst { rain_mm_per_h: f64, for_min: f64 },
    /// A fire lit at a point.
    Ignition(Xy),
    /// The road nearest a point blocked (debris, a fallen tree).
    RoadBlocked(Xy),
    /// Evacuated people of a village go home, unless the village is held (管控).
    ReturnHome { village: String },
}

/// An order. Which roles may give which order, and on what, is decided in [`crate::access`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Order {
    // Informant (信息员); teams file reports too.
    /// 初报 / 续报 / 终报 to the command post.
    Report(ReportForm),
    CallForHelp {
        village: String,
        note: String,
    },
    /// Warn a village (gong, loudspeaker, broadcast). Informant: its own; command: its own villages.
    Warn {
        village: String,
    },
    /// Evacuate a village; `None` = the shelter of its evacuation sheet (逃生明白纸).
    Evacuate {
        village: String,
        shelter: Option<String>,
    },
    /// 转移到位: the head count of the people moved.
    HeadCount {
        village: String,
        moved: u32,
    },
    // Command post (乡镇指挥部).
    /// 叫应.
    Acknowledge {
        report: u32,
    },
    /// 核实: asks the reporter to check.
    Verify {
        report: u32,
    },
    /// Activate or raise a response level.
    ActivateLevel {
        level: Level,
    },
    LowerLevel {
        level: Level,
    },
    /// 终止: end the response.
    EndResponse,
    Dispatch {
        team: String,
        task: Task,
        target: Target,
    },
    SendMaterials {
        depot: String,
        material: String,
        amount: u32,
        to: Consignee,
    },
    /// Township → county: structured 初报 / 续报 with the numbers.
    ReportUp {
        stage: ReportStage,
        casualties: u32,
        trapped: u32,
        evacuated: u32,
        note: String,
    },
    RequestSupport {
        kind: SupportKind,
        detail: String,
        material: Option<(String, u32)>,
    },
    /// 管控: people may not return.
    HoldVillage {
        village: String,
        held: bool,
    },
    // Rescue team (救援队).
    AcceptTask,
    RefuseTask {
        reason: String,
    },
    TeamReport {
        kind: TeamReportKind,
        note: String,
    },
    MoveTo {
        point: Xy,
    },
    // County (县应急指挥部).
    Decide {
        request: u32,
        approve: bool,
        note: String,
    },
    /// An order to a township command post.
    Directive {
        to: Role,
        text: String,
    },
    // Controller (导调).
    Inject {
        to: Role,
        message: String,
        event: Option<WorldEvent>,
    },
    /// A scripted inject, now.
    FireInject {
        index: u32,
    },
    Freeze {
        hazard: HazardKind,
        frozen: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderKind {
    Report,
    CallForHelp,
    Warn,
    Evacuate,
    HeadCount,
    Acknowledge,
    Verify,
    ActivateLevel,
    LowerLevel,
    EndResponse,
    Dispatch,
    SendMaterials,
    ReportUp,
    RequestSupport,
    HoldVillage,
    AcceptTask,
    RefuseTask,
    TeamReport,
    MoveTo,
    Decide,
    Directive,
    Inject,
    FireInject,
    Freeze,
}

impl Order {
    pub fn kind(&self) -> OrderKind {
        match self {
            Order::Report(_) => OrderKind::Report,
            Order::CallForHelp { .. } => OrderKind::CallForHelp,
            Order::Warn { .. } => OrderKind::Warn,
            Order::Evacuate { .. } => OrderKind::Evacuate,
            Order::HeadCount { .. } => OrderKind::HeadCount,
            Order::Acknowledge { .. } => OrderKind::Acknowledge,
            Order::Verify { .. } => OrderKind::Verify,
            Order::ActivateLevel { .. } => OrderKind::ActivateLevel,
            Order::LowerLevel { .. } => OrderKind::LowerLevel,
            Order::EndResponse => OrderKind::EndResponse,
            Order::Dispatch { .. } => OrderKind::Dispatch,
            Order::SendMaterials { .. } => OrderKind::SendMaterials,
            Order::ReportUp { .. } => OrderKind::ReportUp,
            Order::RequestSupport { .. } => OrderKind::RequestSupport,
            Order::HoldVillage { .. } => OrderKind::HoldVillage,
            Order::AcceptTask => OrderKind::AcceptTask,
            Order::RefuseTask { .. } => OrderKind::RefuseTask,
            Order::TeamReport { .. } => OrderKind::TeamReport,
            Order::MoveTo { .. } => OrderKind::MoveTo,
            Order::Decide { .. } => OrderKind::Decide,
            Order::Directive { .. } => OrderKind::Directive,
            Order::Inject { .. } => OrderKind::Inject,
            Order::FireInject { .. } => OrderKind::FireInject,
            Order::Freeze { .. } => OrderKind::Freeze,
        }
    }
}

impl OrderKind {
    pub const ALL: [OrderKind; 24] = [
        OrderKind::Report,
        OrderKind::CallForHelp,
        OrderKind::Warn,
        OrderKind::Evacuate,
        OrderKind::HeadCount,
        OrderKind::Acknowledge,
        OrderKind::Verify,
        OrderKind::ActivateLevel,
        OrderKind::LowerLevel,
        OrderKind::EndResponse,
        OrderKind::Dispatch,
        OrderKind::SendMaterials,
        OrderKind::ReportUp,
        OrderKind::RequestSupport,
        OrderKind::HoldVillage,
        OrderKind::AcceptTask,
        OrderKind::RefuseTask,
        OrderKind::TeamReport,
        OrderKind::MoveTo,
        OrderKind::Decide,
        OrderKind::Directive,
        OrderKind::Inject,
        OrderKind::FireInject,
        OrderKind::Freeze,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            OrderKind::Report => "上报险情",
            OrderKind::CallForHelp => "呼救",
            OrderKind::Warn => "发布预警",
            OrderKind::Evacuate => "组织转移",
            OrderKind::HeadCount => "转移到位清点",
            OrderKind::Acknowledge => "确认收到",
            OrderKind::Verify => "要求核实",
            OrderKind::ActivateLevel => "启动响应",
            OrderKind::LowerLevel => "降低响应",
            OrderKind::EndResponse => "终止响应",
            OrderKind::Dispatch => "派遣队伍",
            OrderKind::SendMaterials => "调拨物资",
            OrderKind::ReportUp => "向县报告",
            OrderKind::RequestSupport => "请求县里支援",
            OrderKind::HoldVillage => "管控村庄",
            OrderKind::AcceptTask => "接受任务",
            OrderKind::RefuseTask => "拒绝任务",
            OrderKind::TeamReport => "队伍报告",
            OrderKind::MoveTo => "机动前往",
            OrderKind::Decide => "审批请求",
            OrderKind::Directive => "下达指示",
            OrderKind::Inject => "导调注入",
            OrderKind::FireInject => "发出预设情况",
            OrderKind::Freeze => "冻结灾情",
        }
    }
}

/// An order with the role that gave it and the person who gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Command {
    pub from: Role,
    /// The person's name, as they joined; empty for bots and tools.
    #[serde(default)]
    pub by: String,
    pub order: Order,
}

impl Command {
    /// A command from a bot or a tool (no person's name).
    pub fn new(from: Role, order: Order) -> Command {
        Command { from, by: String::new(), order }
    }
}
