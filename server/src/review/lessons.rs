//! Strengths and problems drawn from the score (verdicts, findings, objectives, people hit), each
//! at its moment of the drill, and the improvement plan (整改计划) generated from the problems:
//! problem, measure, owner (the role), deadline, status.

use sim::score::{ActionStatus, DisciplineKind, Psmu, Text};

use super::ReviewInput;
use super::text::role_label;

/// A strength or a problem, at a moment of the drill (simulated minutes).
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub at_min: f64,
    pub text: Text,
    /// The role it concerns (`command`, `informant:Canillo`...); empty when nobody in particular.
    pub who: String,
    /// What to do about it (problems only).
    pub measure: Text,
}

/// Days after the drill by which a problem should be put right.
pub const FIX_WITHIN_DAYS: i64 = 30;

pub fn strengths(input: &ReviewInput) -> Vec<Lesson> {
    let r = &input.report;
    let mut out = Vec::new();
    for a in &r.actions {
        if a.status == ActionStatus::OnTime && a.credit >= 0.999 {
            out.push(Lesson {
                at_min: a.done_at_min.unwrap_or(a.deadline_min),
                text: Text::new(format!("「{}」按时完成", a.name), format!("\"{}\" done on time", a.name)),
                who: a.done_by.clone().unwrap_or_else(|| a.who.clone()),
                measure: Text::default(),
            });
        }
    }
    for o in &r.objectives {
        if o.rating == Psmu::P {
            out.push(Lesson {
                at_min: o.evidence.first().map(|e| f64::from(e.t_s) / 60.0).unwrap_or(r.at_min),
                text: Text::new(
                    format!("{}：顺利完成 (P)", o.label.zh),
                    format!("{}: performed without challenges (P)", o.label.en),
                ),
                who: String::new(),
                measure: Text::default(),
            });
        }
    }
    sort(out)
}

pub fn problems(input: &ReviewInput) -> Vec<Lesson> {
    let r = &input.report;
    let mut out = Vec::new();
    for a in &r.actions {
        let (zh, en, mzh, men) = match a.status {
            ActionStatus::Late => (
                format!("「{}」迟了（时限 {:.0} 分钟）", a.name, a.deadline_min),
                format!("\"{}\" late (deadline {:.0} min)", a.name, a.deadline_min),
                format!("明确「{}」的时限与责任人，专项复训", a.name),
                format!("Make the deadline and owner of \"{}\" explicit; drill it again", a.name),
            ),
            ActionStatus::Missing => (
                format!("「{}」未完成", a.name),
                format!("\"{}\" not done", a.name),
                format!("将「{}」写入岗位职责卡（现场处置卡）并演练", a.name),
                format!("Put \"{}\" on the duty card and practise it", a.name),
            ),
            ActionStatus::OutOfOrder => (
                format!("「{}」顺序错误", a.name),
                format!("\"{}\" out of order", a.name),
                "按预案流程顺序复训".to_string(),
                "Retrain the plan's order of steps".to_string(),
            ),
            _ => continue,
        };
        let at = a.done_at_min.unwrap_or(a.due_from_min.unwrap_or(0.0) + a.deadline_min);
        out.push(Lesson { at_min: at, text: Text::new(zh, en), who: a.who.clone(), measure: Text::new(mzh, men) });
    }
    for f in &r.findings {
        let label = f.kind.label();
        out.push(Lesson {
            at_min: f.at_min,
            text: Text::new(format!("{}：{}", label.zh, f.text.zh), format!("{}: {}", label.en, f.text.en)),
            who: f.who.clone(),
            measure: discipline_measure(f.kind),
        });
    }
    for o in &r.objectives {
        if matches!(o.rating, Psmu::M | Psmu::U) {
            let l = o.rating.label();
            out.push(Lesson {
                at_min: o.evidence.first().map(|e| f64::from(e.t_s) / 60.0).unwrap_or(r.at_min),
                text: Text::new(format!("{}：{}", o.label.zh, l.zh), format!("{}: {}", o.label.en, l.en)),
                who: String::new(),
                measure: Text::new(
                    format!("针对「{}」制定专项整改，下次演练重点检验", o.label.zh),
                    format!("A plan to fix \"{}\", tested first at the next drill", o.label.en),
                ),
            });
        }
    }
    for e in &input.events {
        if let sim::EventKind::VillageHit { village, casualties, trapped, .. } = &e.kind
            && casualties + trapped > 0
        {
            out.push(Lesson {
                at_min: f64::from(e.t_s) / 60.0,
                text: Text::new(
                    format!("{village} 受灾时仍有人员：伤亡 {casualties}，被困 {trapped}"),
                    format!(
                        "People still in {village} when the hazard arrived: {casualties} casualties, {trapped} trapped"
                    ),
                ),
                who: String::new(),
                measure: Text::new(
                    format!("复核 {village} 的预警、转移路线和避险点，落实“逃生明白纸”"),
                    format!("Review warning, route and shelter for {village}; hand out the household evacuation sheet"),
                ),
            });
        }
    }
    sort(out)
}

fn sort(mut v: Vec<Lesson>) -> Vec<Lesson> {
    v.sort_by(|a, b| a.at_min.total_cmp(&b.at_min).then_with(|| a.text.zh.cmp(&b.text.zh)));
    v
}

fn discipline_measure(k: DisciplineKind) -> Text {
    let (zh, en) = match k {
        DisciplineKind::Late => {
            ("信息员培训：发现险情后按时限初报", "Train informants to send the first report within its deadline")
        }
        DisciplineKind::Missed => {
            ("落实信息员值守和报告责任", "Make each informant's watch and duty to report explicit")
        }
        DisciplineKind::False => ("先核实再报告；对谎报追责", "Check before reporting; hold false reports to account"),
        DisciplineKind::Concealed => (
            "如实报告伤亡、被困和范围，逐级上报",
            "Report casualties, trapped people and extent truthfully, and pass them up",
        ),
        DisciplineKind::Incomplete => ("使用初报模板，要素齐全", "Use the first-report form with every field"),
        DisciplineKind::FollowUpOverdue => ("按规定间隔续报", "Send follow-up reports at the plan's interval"),
        DisciplineKind::Unverified => {
            ("收到报告先核实（回拨、现场确认）再处置", "Verify a report (call back, look on site) before acting on it")
        }
    };
    Text::new(zh, en)
}

/// Who owns a problem, as the plan's table shows it.
pub fn owner(who: &str) -> Text {
    if who.is_empty() { Text::new("指挥部", "command post") } else { role_label(who) }
}

/// The deadline of the improvement plan: [`FIX_WITHIN_DAYS`] after the drill's date in
/// `meta.started_utc` (`2025-06-01T08:30:00Z`), or words when the date is unknown.
pub fn fix_deadline(started_utc: &str) -> Text {
    let date = started_utc.get(..10).and_then(|d| {
        let mut it = d.split('-').map(|p| p.parse::<i64>().ok());
        Some((it.next()??, it.next()??, it.next()??))
    });
    match date {
        Some((y, m, d)) if (1..=12).contains(&m) && (1..=31).contains(&d) => {
            let (y, m, d) = sim::scenario::civil_from_days(sim::scenario::days_from_civil(y, m, d) + FIX_WITHIN_DAYS);
            let s = format!("{y:04}-{m:02}-{d:02}");
            Text::new(s.clone(), s)
        }
        _ => Text::new(format!("演练后 {FIX_WITHIN_DAYS} 日内"), format!("within {FIX_WITHIN_DAYS} days of the drill")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_deadline_is_thirty_days_after_the_drill() {
        assert_eq!(fix_deadline("2025-06-01T08:30:00Z").zh, "2025-07-01");
        assert_eq!(fix_deadline("2024-12-15T00:00:00Z").en, "2025-01-14");
        assert!(fix_deadline("").zh.contains("30"));
        assert!(fix_deadline("2025-13-01").en.contains("within"));
    }
}
