//! Names of domain things (orders, tasks, hazards, levels, roles, team states, events) in the UI
//! language. Chinese texts come from `sim` where it has them so the UI and reports agree.

use bevy_egui::egui::Color32;
use sim::scenario::Level;
use sim::view::TeamState;
use sim::{EventKind, HazardKind, OrderKind, Role, Task};

use crate::i18n::Lang;

pub fn order(kind: OrderKind, lang: Lang) -> &'static str {
    let en = match kind {
        OrderKind::Report => "Report a hazard",
        OrderKind::Acknowledge => "Acknowledge",
        OrderKind::ActivateLevel => "Activate level",
        OrderKind::Warn => "Warn village",
        OrderKind::Evacuate => "Evacuate village",
        OrderKind::Dispatch => "Dispatch team",
        OrderKind::ReportUp => "Report to county",
        OrderKind::Inject => "Inject message",
        OrderKind::CallForHelp => "Call for help",
        OrderKind::HeadCount => "Head count",
        OrderKind::Verify => "Ask to verify",
        OrderKind::LowerLevel => "Lower level",
        OrderKind::EndResponse => "End response",
        OrderKind::SendMaterials => "Send materials",
        OrderKind::RequestSupport => "Request county support",
        OrderKind::HoldVillage => "Hold village",
        OrderKind::AcceptTask => "Accept task",
        OrderKind::RefuseTask => "Refuse task",
        OrderKind::TeamReport => "Team report",
        OrderKind::MoveTo => "Move to",
        OrderKind::Decide => "Decide request",
        OrderKind::Directive => "Directive",
        OrderKind::FireInject => "Fire scripted inject",
        OrderKind::Freeze => "Freeze hazard",
    };
    lang.pick(kind.label_zh(), en)
}

pub const TASKS: [Task; 9] = Task::ALL;

pub fn task(t: Task, lang: Lang) -> &'static str {
    let en = match t {
        Task::Evacuate => "help evacuate",
        Task::Sandbag => "sandbag line",
        Task::Firebreak => "cut firebreak",
        Task::Rescue => "search & rescue",
        Task::ClearRoad => "clear road",
        Task::Pump => "set up pump",
        Task::MoveVulnerable => "move the vulnerable",
        Task::AttackFire => "attack the fire edge",
        Task::Watch => "watch",
    };
    lang.pick(t.label_zh(), en)
}

pub const HAZARDS: [HazardKind; 3] = [HazardKind::Flood, HazardKind::Fire, HazardKind::Landslide];

pub fn hazard(h: HazardKind, lang: Lang) -> &'static str {
    let en = match h {
        HazardKind::Flood => "flood",
        HazardKind::Fire => "fire",
        HazardKind::Landslide => "landslide",
    };
    lang.pick(h.label_zh(), en)
}

pub const LEVELS: [Level; 4] = [Level::IV, Level::III, Level::II, Level::I];

pub fn level(l: Level, lang: Lang) -> String {
    match lang {
        Lang::Zh => l.label_zh().to_string(),
        Lang::En => {
            let colour = match l {
                Level::IV => "blue",
                Level::III => "yellow",
                Level::II => "orange",
                Level::I => "red",
            };
            format!("Level {} ({colour})", l.name())
        }
    }
}

/// The colour of a response level: blue, yellow, orange, red (IV → I).
pub fn level_colour(l: Level) -> Color32 {
    match l {
        Level::IV => Color32::from_rgb(40, 110, 230),
        Level::III => Color32::from_rgb(240, 200, 20),
        Level::II => Color32::from_rgb(245, 130, 20),
        Level::I => Color32::from_rgb(220, 30, 30),
    }
}

pub fn role(r: &Role, lang: Lang) -> String {
    match lang {
        Lang::Zh => r.label_zh(),
        Lang::En => match r {
            Role::Controller => "Controller".into(),
            Role::Command(None) => "Township command".into(),
            Role::Command(Some(t)) => format!("{t} command"),
            Role::County => "County command".into(),
            Role::Informant(v) => format!("Informant, {v}"),
            Role::Team(t) => format!("Team {t}"),
        },
    }
}

pub fn team_state(s: &TeamState, lang: Lang) -> String {
    match s {
        TeamState::Idle => lang.pick("待命", "standing by").into(),
        TeamState::Mustering { village, task: t } => {
            format!("{} → {village} ({})", lang.pick("集结", "mustering"), task(*t, lang))
        }
        TeamState::EnRoute { village, task: t, eta_s } => format!(
            "{} → {village} ({}), {} {}",
            lang.pick("途中", "en route"),
            task(*t, lang),
            lang.pick("预计", "ETA"),
            minutes(*eta_s)
        ),
        TeamState::Working { village, task: t } => {
            format!("{} @ {village}: {}", lang.pick("作业", "working"), task(*t, lang))
        }
        TeamState::Blocked { village } => format!("{} → {village}", lang.pick("受阻", "blocked")),
        TeamState::Waiting { village, task: t, material, missing } => format!(
            "{} @ {village} ({}): {material} {missing}",
            lang.pick("等待物资", "waiting for materials"),
            task(*t, lang)
        ),
        TeamState::Moving { eta_s, .. } => {
            format!("{}, {} {}", lang.pick("机动", "moving"), lang.pick("预计", "ETA"), minutes(*eta_s))
        }
    }
}

/// `12 min` / `12 分钟`-style short duration, shared by both languages.
pub fn minutes(s: u32) -> String {
    format!("{} min", s.div_ceil(60))
}

/// One line describing an event, for the events log.
pub fn event(kind: &EventKind, lang: Lang) -> String {
    use EventKind as E;
    let z = lang == Lang::Zh;
    let r = |r: &Role| role(r, lang);
    let h = |k: &HazardKind| hazard(*k, lang);
    match kind {
        E::DrillStarted => lang.pick("演练开始", "drill started").into(),
        E::DrillEnded => lang.pick("演练结束", "drill ended").into(),
        E::HazardStarted { hazard: k, near } => {
            if z {
                format!("{near} 附近发生{}", h(k))
            } else {
                format!("{} started near {near}", h(k))
            }
        }
        E::HazardSeen { hazard: k, by, village } => {
            if z {
                format!("{} 发现 {village} {}", r(by), h(k))
            } else {
                format!("{} sees {} at {village}", r(by), h(k))
            }
        }
        E::ReportFiled { id, by, village, hazard: k, .. } => {
            if z {
                format!("报告 #{id}: {} 报 {village} {}", r(by), h(k))
            } else {
                format!("report #{id}: {} reports {} at {village}", r(by), h(k))
            }
        }
        E::ReportAcknowledged { id, by } => {
            if z {
                format!("报告 #{id} 已由 {} 确认", r(by))
            } else {
                format!("report #{id} acknowledged by {}", r(by))
            }
        }
        E::LevelTriggered { level: l } => {
            if z {
                format!("达到 {} 启动条件", level(*l, lang))
            } else {
                format!("{} trigger met", level(*l, lang))
            }
        }
        E::LevelActivated { level: l, by } => {
            if z {
                format!("{} 启动 {}", r(by), level(*l, lang))
            } else {
                format!("{} activated {}", r(by), level(*l, lang))
            }
        }
        E::WarningIssued { village, by } => {
            if z {
                format!("{} 向 {village} 发布预警", r(by))
            } else {
                format!("{} warned {village}", r(by))
            }
        }
        E::EvacuationOrdered { village, by } => {
            if z {
                format!("{} 下令 {village} 转移", r(by))
            } else {
                format!("{} ordered {village} to evacuate", r(by))
            }
        }
        E::VillageEvacuated { village, people } => {
            if z {
                format!("{village} 已全部转移 ({people} 人)")
            } else {
                format!("{village} evacuated ({people} people)")
            }
        }
        E::TeamDispatched { team, village, task: t, by } => {
            if z {
                format!("{} 派 {team} 赴 {village} {}", r(by), task(*t, lang))
            } else {
                format!("{} sent {team} to {village}: {}", r(by), task(*t, lang))
            }
        }
        E::TeamArrived { team, village } => {
            if z {
                format!("{team} 到达 {village}")
            } else {
                format!("{team} arrived at {village}")
            }
        }
        E::TeamTaskDone { team, village, task: t } => {
            if z {
                format!("{team} 在 {village} 完成{}", task(*t, lang))
            } else {
                format!("{team} finished {} at {village}", task(*t, lang))
            }
        }
        E::TeamCannotReach { team, village } => {
            if z {
                format!("{team} 无法到达 {village}")
            } else {
                format!("{team} cannot reach {village}")
            }
        }
        E::ReportedUp { by, .. } => {
            if z {
                format!("{} 向县报告", r(by))
            } else {
                format!("{} reported to the county", r(by))
            }
        }
        E::RoadClosed { edge, cause } => {
            if z {
                format!("道路 {edge} 因{}中断", h(cause))
            } else {
                format!("road {edge} closed by {}", h(cause))
            }
        }
        E::GaugeStage { gauge, stage, depth_m } => format!("{gauge}: {} {depth_m:.2} m", stage_name(*stage, lang)),
        E::SlopeSigns { point } => {
            if z {
                format!("{point} 出现裂缝、蠕动迹象")
            } else {
                format!("{point} shows cracks and creep")
            }
        }
        E::SlopeFailed { point } => {
            if z {
                format!("{point} 发生滑坡")
            } else {
                format!("{point} failed")
            }
        }
        E::VillageHit { village, hazard: k, casualties, trapped } => {
            if z {
                format!("{} 冲击 {village}: 伤亡 {casualties}, 被困 {trapped}", h(k))
            } else {
                format!("{} hit {village}: {casualties} casualties, {trapped} trapped", h(k))
            }
        }
        E::Rescued { village, people, team } => {
            if z {
                format!("{team} 在 {village} 救出 {people} 人")
            } else {
                format!("{team} rescued {people} at {village}")
            }
        }
        E::InjectDelivered { to, message } => format!("→ {}: {message}", r(to)),
        // The events of issue 7 get their words in the client branch.
        other => format!("{other:?}"),
    }
}

pub fn stage_name(s: sim::scenario::Stage, lang: Lang) -> &'static str {
    use sim::scenario::Stage;
    match s {
        Stage::Alert => lang.pick("设防水位", "alert stage"),
        Stage::Warning => lang.pick("警戒水位", "warning stage"),
        Stage::Guaranteed => lang.pick("保证水位", "guaranteed stage"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_language() {
        assert_eq!(order(OrderKind::Warn, Lang::Zh), "发布预警");
        assert_eq!(order(OrderKind::Warn, Lang::En), "Warn village");
        assert_eq!(level(Level::I, Lang::En), "Level I (red)");
        let e = EventKind::WarningIssued { village: "Canillo".into(), by: Role::Command(None) };
        assert!(event(&e, Lang::Zh).contains("预警"));
        assert!(event(&e, Lang::En).contains("warned Canillo"));
        assert_eq!(minutes(61), "2 min");
    }
}
