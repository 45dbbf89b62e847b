//! Builds the drill's report with `sim::score::score_world` (a pure function of the record up
//! to now) and a short summary with Chinese and English labels for the terminal and clients.

use sim::World;
use sim::score::{ActionStatus, DisciplineKind, Report};

use super::Finished;

/// `refused`: the orders and controls the server refused (they never reach the world).
pub fn build(world: &World, refused: u32) -> Finished {
    let report = score_of(world, refused);
    let summary = summary(&report, world);
    let score = report.score;
    let report = serde_json::to_value(&report).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
    Finished { score, summary, report }
}

/// The score of the world as it stands, with the orders the server refused.
pub fn score_of(world: &World, refused: u32) -> Report {
    let mut report = sim::score::score_world(world);
    report.orders_refused = refused;
    report
}

fn summary(r: &Report, world: &World) -> String {
    let count = |s: ActionStatus| r.actions.iter().filter(|a| a.status == s).count();
    let mins = |m: Option<f64>| m.map(|m| format!("{m:.0} min")).unwrap_or_else(|| "—".into());
    let mut lines = vec![
        format!("演练 Drill: {} ({:.0} 分钟 min, 种子 seed {})", r.scenario, r.duration_min, r.seed),
        format!(
            "得分 Score: {:.1}/100 {} {}  (预案执行 adherence {:.2}, 时效 timeliness {:.2}, 结果 outcome {:.2})",
            r.score,
            r.grade.label().zh,
            r.grade.label().en,
            r.adherence,
            r.timeliness,
            r.outcome
        ),
        format!(
            "规定动作 Required actions: 按时 on time {}, 迟 late {}, 缺 missing {}, 顺序错 out of order {}, 提前 early {}, 未触发 not due {}",
            count(ActionStatus::OnTime),
            count(ActionStatus::Late),
            count(ActionStatus::Missing),
            count(ActionStatus::OutOfOrder),
            count(ActionStatus::Early),
            count(ActionStatus::NotDue)
        ),
        format!(
            "信息报告 Report discipline: {}",
            if r.findings.is_empty() {
                "无问题 no findings".to_string()
            } else {
                DisciplineKind::ALL
                    .iter()
                    .map(|k| (k, r.findings.iter().filter(|f| f.kind == *k).count()))
                    .filter(|(_, n)| *n > 0)
                    .map(|(k, n)| format!("{} {} {n}", k.label().zh, k.label().en))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        ),
        format!(
            "响应时间 Response: 发现→上报 seen→reported {}, 上报→叫应 reported→acknowledged {}, 发现→决策 seen→decided {}",
            mins(r.response_times.seen_to_reported_min),
            mins(r.response_times.reported_to_acknowledged_min),
            mins(r.response_times.seen_to_decided_min)
        ),
        format!(
            "人员 People: 受威胁 threatened {}, 安全 safe {}, 伤亡 casualties {}, 被困 trapped {}, 被拒指令 orders refused {}",
            r.people_threatened, r.people_safe, r.casualties, r.trapped, r.orders_refused
        ),
    ];
    if !world.is_finished() {
        lines.push(format!("(演练提前结束 stopped early at {} min)", world.time_s() / 60));
    }
    lines.join("\n")
}
