//! Orders trainees and bots give, and the command that carries one with its sender.

use serde::{Deserialize, Serialize};

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
    /// Help the village evacuate (faster evacuation, vulnerable first).
    Evacuate,
    /// Build a sandbag line at the village.
    Sandbag,
    /// Cut a firebreak around the village.
    Firebreak,
    /// Search and rescue trapped people.
    Rescue,
    /// Clear a blocked road near the target.
    ClearRoad,
    /// Set up a drainage pump in the village (抽排): it runs to the end of the drill.
    Pump,
}

impl Task {
    pub fn label_zh(self) -> &'static str {
        match self {
            Task::Evacuate => "协助转移",
            Task::Sandbag => "沙袋筑堤",
            Task::Firebreak => "开设隔离带",
            Task::Rescue => "搜救",
            Task::ClearRoad => "抢通道路",
            Task::Pump => "抽排积水",
        }
    }
}

/// An order. Which roles may give which order, and on what, is decided in [`crate::access`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Order {
    /// 信息快报 from an informant (or a team) to the command post.
    Report {
        village: String,
        hazard: HazardKind,
        note: String,
    },
    /// The command post acknowledges a report (叫应).
    Acknowledge {
        report: u32,
    },
    ActivateLevel {
        level: Level,
    },
    /// Warn a village (gong, loudspeaker, broadcast).
    Warn {
        village: String,
    },
    /// Order a village to evacuate to its shelter.
    Evacuate {
        village: String,
    },
    Dispatch {
        team: String,
        village: String,
        task: Task,
    },
    /// Township → county report (the 20-minute phone report).
    ReportUp {
        note: String,
    },
    /// Controller inject: a message to a role.
    Inject {
        to: Role,
        message: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderKind {
    Report,
    Acknowledge,
    ActivateLevel,
    Warn,
    Evacuate,
    Dispatch,
    ReportUp,
    Inject,
}

impl Order {
    pub fn kind(&self) -> OrderKind {
        match self {
            Order::Report { .. } => OrderKind::Report,
            Order::Acknowledge { .. } => OrderKind::Acknowledge,
            Order::ActivateLevel { .. } => OrderKind::ActivateLevel,
            Order::Warn { .. } => OrderKind::Warn,
            Order::Evacuate { .. } => OrderKind::Evacuate,
            Order::Dispatch { .. } => OrderKind::Dispatch,
            Order::ReportUp { .. } => OrderKind::ReportUp,
            Order::Inject { .. } => OrderKind::Inject,
        }
    }
}

impl OrderKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            OrderKind::Report => "上报险情",
            OrderKind::Acknowledge => "确认收到",
            OrderKind::ActivateLevel => "启动响应",
            OrderKind::Warn => "发布预警",
            OrderKind::Evacuate => "组织转移",
            OrderKind::Dispatch => "派遣队伍",
            OrderKind::ReportUp => "向县报告",
            OrderKind::Inject => "导调注入",
        }
    }
}

/// An order with the role that gave it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Command {
    pub from: Role,
    pub order: Order,
}
