//! Names of domain things (orders, tasks, hazards, levels, roles, team states, events) in the UI
//! language. Chinese texts come from `sim` where it has them so the UI and reports agree.

use std::collections::BTreeMap;

use bevy_egui::egui::Color32;
use sim::scenario::Level;
use sim::view::TeamState;
use sim::{EventKind, HazardKind, OrderKind, Role, Task};

use crate::i18n::Lang;

/// The UI language with the Chinese names of places, so a village reads in Chinese in role
/// names, reports and events as it does on the map.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub lang: Lang,
    names_zh: Option<&'a BTreeMap<String, String>>,
}

impl<'a> Words<'a> {
    pub fn new(lang: Lang, names_zh: &'a BTreeMap<String, String>) -> Words<'a> {
        Words { lang, names_zh: Some(names_zh) }
    }
    /// Without place names (the launcher, before the map arrives).
    pub fn bare(lang: Lang) -> Words<'static> {
        Words { lang, names_zh: None }
    }
    /// A server text ("中文 / English") in the UI language, with the Latin names of places in
    /// the Chinese half written in Chinese ("在 La Margineda 附近" → "在 拉马尔希内达 附近").
    pub fn text(&self, s: &str) -> String {
        let mut out = crate::i18n::bilingual(s, self.lang);
        if let (Lang::Zh, Some(names)) = (self.lang, self.names_zh) {
            // Longest names first, so "Sant Julià de Lòria" wins over a shorter name inside it.
            let mut by_len: Vec<(&String, &String)> =
                names.iter().filter(|(latin, _)| out.contains(latin.as_str())).collect();
            by_len.sort_by_key(|(latin, _)| std::cmp::Reverse(latin.len()));
            for (latin, zh) in by_len {
                out = out.replace(latin.as_str(), zh);
            }
        }
        out
    }

    /// A place's name: Chinese in the Chinese UI where the map or scenario has one.
    pub fn place(&self, name: &str) -> String {
        match (self.lang, self.names_zh.and_then(|m| m.get(name))) {
            (Lang::Zh, Some(zh)) => zh.clone(),
            _ => name.to_string(),
        }
    }
}

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

/// One line naming an order this seat gave: what, and on what.
pub fn order_text(o: &sim::Order, w: &Words) -> String {
    use sim::Order as O;
    use sim::world::{Consignee, Target};
    let lang = w.lang;
    let what = order(o.kind(), lang);
    match o {
        O::Report(f) => format!(
            "{what} ({}) · {} · {} · {}/4",
            stage(f.stage, lang),
            w.place(&f.village),
            hazard(f.hazard, lang),
            f.severity
        ),
        O::CallForHelp { village, .. } | O::Warn { village } | O::Evacuate { village, shelter: None } => {
            format!("{what} · {}", w.place(village))
        }
        O::Evacuate { village, shelter: Some(s) } => format!("{what} · {} → {s}", w.place(village)),
        O::HeadCount { village, moved } => format!("{what} · {} {moved}", w.place(village)),
        O::Acknowledge { report } | O::Verify { report } => format!("{what} #{report}"),
        O::ActivateLevel { level: l } | O::LowerLevel { level: l } => format!("{what} · {}", level(*l, lang)),
        O::EndResponse | O::AcceptTask => what.to_string(),
        O::Dispatch { team, task: t, target } => {
            let at = match target {
                Target::Village(v) => w.place(v),
                Target::Point(p) => format!("({:.0}, {:.0})", p[0], p[1]),
                Target::Path(ps) => format!("{} {}", lang.pick("线路", "path of"), ps.len()),
            };
            format!("{what} · {team} → {at} · {}", task(*t, lang))
        }
        O::SendMaterials { depot, material, amount, to } => {
            let to = match to {
                Consignee::Village(v) => w.place(v),
                Consignee::Team(t) => t.clone(),
            };
            format!("{what} · {depot} {material} {amount} → {to}")
        }
        O::ReportUp { stage: s, .. } => format!("{what} ({})", stage(*s, lang)),
        O::RequestSupport { kind, .. } => format!("{what} · {}", support(*kind, lang)),
        O::HoldVillage { village, held } => {
            format!(
                "{what} · {} {}",
                w.place(village),
                if *held { lang.pick("管控", "hold") } else { lang.pick("解除", "release") }
            )
        }
        O::RefuseTask { .. } | O::MoveTo { .. } => what.to_string(),
        O::TeamReport { kind, .. } => format!("{what} · {}", team_report(*kind, lang)),
        O::Decide { request, approve, .. } => {
            format!(
                "{what} #{request} {}",
                if *approve { lang.pick("批准", "approve") } else { lang.pick("驳回", "refuse") }
            )
        }
        O::Directive { to, .. } | O::Inject { to, .. } => format!("{what} → {}", role(to, w)),
        O::FireInject { index } => format!("{what} #{index}"),
        O::Freeze { hazard: h, frozen } => format!(
            "{what} · {} {}",
            hazard(*h, lang),
            if *frozen { lang.pick("冻结", "freeze") } else { lang.pick("解冻", "unfreeze") }
        ),
    }
}

/// One line naming a clock control the controller gave.
pub fn control_text(c: &protocol::Control, lang: Lang) -> String {
    use protocol::Control as C;
    match c {
        C::Start => lang.pick("开始/继续", "start / resume").into(),
        C::Pause => lang.pick("暂停", "pause").into(),
        C::SetSpeed(s) => format!("{} ×{s}", lang.pick("倍速", "speed")),
        C::Step => lang.pick("单步一分钟", "step one minute").into(),
        C::Adaptive(Some(_)) => lang.pick("自适应时间: 开", "adaptive time on").into(),
        C::Adaptive(None) => lang.pick("自适应时间: 关", "adaptive time off").into(),
        C::ViewAs(Some(r)) => format!("{} {r}", lang.pick("查看角色", "view as")),
        C::ViewAs(None) => lang.pick("停止查看角色", "stop viewing a role").into(),
        C::ShowObservers(Some(r)) => format!("{} {r}", lang.pick("观摩者看", "observers see")),
        C::ShowObservers(None) => lang.pick("观摩者看公开态势", "observers see the public situation").into(),
        C::FocusArea(_) => lang.pick("大屏区域", "projector area").into(),
    }
}

pub const TASKS: [Task; 9] = Task::ALL;

pub fn stage(s: sim::world::ReportStage, lang: Lang) -> &'static str {
    use sim::world::ReportStage as S;
    let en = match s {
        S::Initial => "initial",
        S::FollowUp => "follow-up",
        S::Final => "final",
    };
    lang.pick(s.label_zh(), en)
}

pub fn trend(t: sim::world::Trend, lang: Lang) -> &'static str {
    use sim::world::Trend as R;
    match t {
        R::Rising => lang.pick("发展", "rising"),
        R::Steady => lang.pick("稳定", "steady"),
        R::Easing => lang.pick("减弱", "easing"),
    }
}

pub fn support(k: sim::world::SupportKind, lang: Lang) -> &'static str {
    use sim::world::SupportKind as K;
    let en = match k {
        K::Teams => "teams",
        K::Materials => "materials",
        K::Experts => "experts",
    };
    lang.pick(k.label_zh(), en)
}

pub fn team_report(k: sim::world::TeamReportKind, lang: Lang) -> &'static str {
    use sim::world::TeamReportKind as K;
    let en = match k {
        K::Arrived => "arrived",
        K::Progress => "progress",
        K::Done => "done",
        K::Problem => "problem",
    };
    lang.pick(k.label_zh(), en)
}

pub fn task(t: Task, lang: Lang) -> &'static str {
    let en = match t {
        Task::Evacuate => "help evacuate",
        Task::Sandbag => "sandbag line",
        Task::Firebreak => "cut firebreak",
        Task::Rescue => "search & rescue",
        Task::ClearRoad => "clear road",
        Task::Pump => "set up pump",
        Task::MoveVulnerable => "move the vulnerable first",
        Task::AttackFire => "attack the fire edge",
        Task::Watch => "watch a hazard point",
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

pub fn role(r: &Role, w: &Words) -> String {
    match w.lang {
        Lang::Zh => match r {
            Role::Command(Some(t)) => format!("{} 指挥部", w.place(t)),
            Role::Informant(v) => format!("{} 信息员", w.place(v)),
            _ => r.label_zh(),
        },
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

/// A seat: a role, or the observer (观摩) and projector (大屏) seats.
pub fn seat(s: &protocol::Seat, w: &Words) -> String {
    match s {
        protocol::Seat::Role(r) => role(r, w),
        protocol::Seat::Observer => w.lang.pick("观摩", "Observer").into(),
        protocol::Seat::Projector => w.lang.pick("大屏", "Projector").into(),
    }
}

pub fn team_state(s: &TeamState, w: &Words) -> String {
    let lang = w.lang;
    let p = |v: &str| w.place(v);
    match s {
        TeamState::Idle => lang.pick("待命", "standing by").into(),
        TeamState::Mustering { village, task: t } => {
            format!("{} → {} ({})", lang.pick("集结", "mustering"), p(village), task(*t, lang))
        }
        TeamState::EnRoute { village, task: t, eta_s } => format!(
            "{} → {} ({}), {} {}",
            lang.pick("途中", "en route"),
            p(village),
            task(*t, lang),
            lang.pick("预计", "ETA"),
            minutes(*eta_s)
        ),
        TeamState::Working { village, task: t } => {
            format!("{} @ {}: {}", lang.pick("作业", "working"), p(village), task(*t, lang))
        }
        TeamState::Blocked { village } => format!("{} → {}", lang.pick("受阻", "blocked"), p(village)),
        TeamState::Waiting { village, task: t, material, missing } => format!(
            "{} @ {} ({}): {material} {missing}",
            lang.pick("等待物资", "waiting for materials"),
            p(village),
            task(*t, lang)
        ),
        TeamState::Moving { eta_s, .. } => {
            format!("{}, {} {}", lang.pick("机动", "moving"), lang.pick("预计", "ETA"), minutes(*eta_s))
        }
    }
}

/// `12 min`: a short duration, the same in both languages.
pub fn minutes(s: u32) -> String {
    format!("{} min", s.div_ceil(60))
}

/// One line describing an event, for the events log.
pub fn event(kind: &EventKind, w: &Words) -> String {
    use EventKind as E;
    let lang = w.lang;
    let z = lang == Lang::Zh;
    let r = |r: &Role| role(r, w);
    let h = |k: &HazardKind| hazard(*k, lang);
    match kind {
        E::DrillStarted => lang.pick("演练开始", "drill started").into(),
        E::DrillEnded => lang.pick("演练结束", "drill ended").into(),
        E::HazardStarted { hazard: k, near } => {
            let near = w.place(near);
            if z { format!("{near} 附近发生{}", h(k)) } else { format!("{} started near {near}", h(k)) }
        }
        E::HazardSeen { hazard: k, by, village } => {
            let village = w.place(village);
            if z {
                format!("{} 发现 {village} {}", r(by), h(k))
            } else {
                format!("{} sees {} at {village}", r(by), h(k))
            }
        }
        E::ReportFiled { id, by, village, hazard: k, .. } => {
            let village = w.place(village);
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
            let village = w.place(village);
            if z { format!("{} 向 {village} 发布预警", r(by)) } else { format!("{} warned {village}", r(by)) }
        }
        E::EvacuationOrdered { village, by } => {
            let village = w.place(village);
            if z {
                format!("{} 下令 {village} 转移", r(by))
            } else {
                format!("{} ordered {village} to evacuate", r(by))
            }
        }
        E::VillageEvacuated { village, people } => {
            let village = w.place(village);
            if z {
                format!("{village} 已全部转移 ({people} 人)")
            } else {
                format!("{village} evacuated ({people} people)")
            }
        }
        E::TeamDispatched { team, village, task: t, by } => {
            let village = w.place(village);
            if z {
                format!("{} 派 {team} 赴 {village} {}", r(by), task(*t, lang))
            } else {
                format!("{} sent {team} to {village}: {}", r(by), task(*t, lang))
            }
        }
        E::TeamArrived { team, village } => {
            let village = w.place(village);
            if z { format!("{team} 到达 {village}") } else { format!("{team} arrived at {village}") }
        }
        E::TeamTaskDone { team, village, task: t } => {
            let village = w.place(village);
            if z {
                format!("{team} 在 {village} 完成{}", task(*t, lang))
            } else {
                format!("{team} finished {} at {village}", task(*t, lang))
            }
        }
        E::TeamCannotReach { team, village } => {
            let village = w.place(village);
            if z { format!("{team} 无法到达 {village}") } else { format!("{team} cannot reach {village}") }
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
            let village = w.place(village);
            if z {
                format!("{} 冲击 {village}: 伤亡 {casualties}, 被困 {trapped}", h(k))
            } else {
                format!("{} hit {village}: {casualties} casualties, {trapped} trapped", h(k))
            }
        }
        E::Rescued { village, people, team } => {
            let village = w.place(village);
            if z {
                format!("{team} 在 {village} 救出 {people} 人")
            } else {
                format!("{team} rescued {people} at {village}")
            }
        }
        E::InjectDelivered { to, message } => format!("→ {}: {}", r(to), w.text(message)),
        other => event_issue7(other, w),
    }
}

/// Words for the events of issue 7's orders (materials, shelters, teams, county, controller).
fn event_issue7(kind: &EventKind, w: &Words) -> String {
    use EventKind as E;
    let lang = w.lang;
    let r = |x: &Role| role(x, w);
    let pick = |zh: String, en: String| if lang == Lang::Zh { zh } else { en };
    match kind {
        E::VerifyAsked { id, by } => {
            pick(format!("{} 要求核实报告 #{id}", r(by)), format!("{} asks to verify report #{id}", r(by)))
        }
        E::CalledForHelp { village, by } => {
            pick(format!("{} 为 {} 求援", r(by), w.place(village)), format!("{} calls for help for {village}", r(by)))
        }
        E::HeadCounted { village, moved, in_shelter, .. } => pick(
            format!("{} 转移到位 {moved} 人 (安置点实有 {in_shelter})", w.place(village)),
            format!("{village}: {moved} moved (shelter holds {in_shelter})"),
        ),
        E::LevelLowered { level: l, by } => {
            pick(format!("{} 调低为 {}", r(by), level(*l, lang)), format!("{} lowered to {}", r(by), level(*l, lang)))
        }
        E::ResponseEnded { by } => pick(format!("{} 终止应急响应", r(by)), format!("{} ended the response", r(by))),
        E::ShelterAssigned { village, shelter, .. } => {
            pick(format!("{} 转往 {shelter}", w.place(village)), format!("{village} goes to {shelter}"))
        }
        E::ShelterFull { shelter, village, waiting } => pick(
            format!("{shelter} 已满: {} {waiting} 人等待", w.place(village)),
            format!("{shelter} is full: {waiting} of {village} wait"),
        ),
        E::VillageHeld { village, held, .. } => pick(
            format!("{} {}", w.place(village), if *held { "实施管控" } else { "解除管控" }),
            format!("{village} {}", if *held { "held" } else { "released" }),
        ),
        E::PeopleReturned { village, people } => {
            pick(format!("{} {people} 人返回家中", w.place(village)), format!("{people} returned home to {village}"))
        }
        E::ReturnStopped { village } => {
            pick(format!("{} 管控: 劝阻返家", w.place(village)), format!("{village} held: nobody goes home"))
        }
        E::TaskAccepted { team } => pick(format!("{team} 接受任务"), format!("{team} accepted the task")),
        E::TaskRefused { team, reason } => {
            pick(format!("{team} 拒绝任务: {reason}"), format!("{team} refused the task: {reason}"))
        }
        E::TaskWaiting { team, material, missing } => {
            pick(format!("{team} 缺 {material} {missing}, 等待"), format!("{team} waits: {missing} {material} missing"))
        }
        E::MaterialsUsed { team, material, amount } => {
            pick(format!("{team} 用去 {material} {amount}"), format!("{team} used {amount} {material}"))
        }
        E::TeamReported { team, kind: k } => pick(
            format!("{team} 报告: {}", team_report(*k, lang)),
            format!("{team} reports: {}", team_report(*k, lang)),
        ),
        E::TeamMoving { team } => pick(format!("{team} 机动"), format!("{team} moves")),
        E::FireAttacked { team, cells } => {
            pick(format!("{team} 扑灭 {cells} 处火点"), format!("{team} put out {cells} cells"))
        }
        E::MaterialsSent { depot, material, amount, to, .. } => pick(
            format!("{depot} 调出 {material} {amount} → {}", w.place(to)),
            format!("{depot} sent {amount} {material} to {to}"),
        ),
        E::MaterialsArrived { material, amount, to } => {
            pick(format!("{material} {amount} 运抵 {}", w.place(to)), format!("{amount} {material} arrived at {to}"))
        }
        E::SupportRequested { id, kind: k, by } => pick(
            format!("{} 请求县支援 #{id}: {}", r(by), support(*k, lang)),
            format!("{} requests county support #{id}: {}", r(by), support(*k, lang)),
        ),
        E::RequestDecided { id, approved, by } => pick(
            format!("{} {} 请求 #{id}", r(by), if *approved { "批准" } else { "驳回" }),
            format!("{} {} request #{id}", r(by), if *approved { "approved" } else { "refused" }),
        ),
        E::DirectiveSent { to, by } => {
            pick(format!("{} 向 {} 下达指示", r(by), r(to)), format!("{} sent a directive to {}", r(by), r(to)))
        }
        E::InjectDue { index } => {
            pick(format!("脚本注入 #{index} 已到时, 可发出"), format!("scripted inject #{index} is due"))
        }
        E::HazardFrozen { hazard: h, frozen } => pick(
            format!("{} {}", hazard(*h, lang), if *frozen { "已冻结" } else { "已解冻" }),
            format!("{} {}", hazard(*h, lang), if *frozen { "frozen" } else { "unfrozen" }),
        ),
        E::ReportTruth { id, village, claim, truth, .. } => pick(
            format!(
                "第 {id} 号报告({}) 所报 {}/4、受威胁 {}；实际 {}/4、受威胁 {}",
                w.place(village),
                claim.severity,
                claim.people_at_risk,
                truth.severity,
                truth.people_at_risk
            ),
            format!(
                "report #{id} ({}) claimed {}/4, {} at risk; truth {}/4, {} at risk",
                w.place(village),
                claim.severity,
                claim.people_at_risk,
                truth.severity,
                truth.people_at_risk
            ),
        ),
        E::FalseReportPlanted { id, village, hazard: k, inject } => pick(
            format!("第 {id} 号报告为虚假报告 ({} {}, 注入 #{inject})", w.place(village), hazard(*k, lang)),
            format!(
                "report #{id} is a planted false report ({} at {}, inject #{inject})",
                hazard(*k, lang),
                w.place(village)
            ),
        ),
        E::ReportUpTruth { by, claim, truth, .. } => pick(
            format!(
                "{} 上报伤亡 {} 被困 {}；实际伤亡 {} 被困 {}",
                r(by),
                claim.casualties,
                claim.trapped,
                truth.casualties,
                truth.trapped
            ),
            format!(
                "{} reported up {} casualties, {} trapped; truth {} and {}",
                r(by),
                claim.casualties,
                claim.trapped,
                truth.casualties,
                truth.trapped
            ),
        ),
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
        let names = BTreeMap::from([("Canillo".to_string(), "卡尼略".to_string())]);
        let (zh, en) = (Words::new(Lang::Zh, &names), Words::new(Lang::En, &names));
        assert_eq!(event(&e, &zh), "乡镇指挥部 向 卡尼略 发布预警");
        assert!(event(&e, &en).contains("warned Canillo"));
        assert_eq!(role(&Role::Informant("Canillo".into()), &zh), "卡尼略 信息员");
        assert_eq!(role(&Role::Informant("Canillo".into()), &Words::bare(Lang::Zh)), "Canillo 信息员");
        assert_eq!(zh.text("在 Canillo 附近发现洪水 / flood seen at Canillo"), "在 卡尼略 附近发现洪水");
        assert_eq!(en.text("在 Canillo 附近发现洪水 / flood seen at Canillo"), "flood seen at Canillo");
        assert_eq!(minutes(61), "2 min");
    }
}
