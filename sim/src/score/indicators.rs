//! The evaluation form (评估指标体系): the eight categories of Chinese drill evaluation forms,
//! indicators under them, items with maximum points. The scenario may give its own
//! (`plan.indicators`); otherwise [`default_tree`] builds one from the plan. Each item is scored
//! from a required action (credit × points), from report-discipline findings (each takes points
//! off), from the outcome (share of threatened people unharmed), or is 不适用 and leaves the
//! denominator. Every deduction (扣分依据) cites its evidence.

use crate::roles::{RoleKind, RolePattern};
use crate::scenario::{ActionKind, IndicatorSpec, ItemSource, ItemSpec, RequiredAction, Scenario};
use crate::world::EventKind;

use super::{
    ActionResult, ActionStatus, Category, CategoryResult, Deduction, DisciplineKind, Facts, Finding, IndicatorResult,
    ItemResult, People, Scope, ScoreInput, Text, evidence, plan,
};

/// Points of an action's item in the default form.
pub const ACTION_POINTS: f64 = 10.0;
/// Points of a report-discipline item in the default form.
pub const DISCIPLINE_POINTS: f64 = 5.0;

/// Points one finding takes off its item in the default form: a false or concealed report, or
/// acting on an unchecked false one, takes the whole item; a missed report half; a late,
/// incomplete or overdue one a fifth.
pub fn finding_points(kind: DisciplineKind) -> f64 {
    match kind {
        DisciplineKind::False | DisciplineKind::Concealed | DisciplineKind::Unverified => 5.0,
        DisciplineKind::Missed => 2.5,
        DisciplineKind::Late | DisciplineKind::Incomplete | DisciplineKind::FollowUpOverdue => 1.0,
    }
}

/// The category an action belongs to in the default form.
///
/// Reports, reports up, acknowledgements (叫应, the confirming half of the warning chain) and
/// warnings are 预警与信息报告; levels 预案启动与响应分级; a command post's dispatches 指挥与协调;
/// what informants and teams do themselves besides reporting 基层先期处置; evacuation, head counts,
/// holding villages and everyone safe 警戒疏散与转移安置; materials 资源保障; requests to the
/// county, its decisions and its dispatches 联动; ending the response 终止.
pub fn category_of(a: &RequiredAction) -> Category {
    let kind = RolePattern::parse(&a.who).map(|p| p.kind).ok();
    let report = matches!(a.what, ActionKind::Report | ActionKind::FollowUpReport | ActionKind::FinalReport);
    if matches!(kind, Some(RoleKind::Informant | RoleKind::Team)) && !report {
        return Category::FirstResponse;
    }
    match &a.what {
        ActionKind::Report
        | ActionKind::FollowUpReport
        | ActionKind::FinalReport
        | ActionKind::ReportUp
        | ActionKind::Acknowledge
        | ActionKind::Warn(_) => Category::WarningAndReporting,
        ActionKind::ActivateLevel(_) => Category::ActivationAndLevels,
        ActionKind::Dispatch(_) if kind == Some(RoleKind::County) => Category::Liaison,
        ActionKind::Dispatch(_) => Category::CommandAndCoordination,
        ActionKind::Evacuate(_) | ActionKind::AllSafe(_) | ActionKind::HeadCount | ActionKind::HoldVillage => {
            Category::EvacuationAndShelter
        }
        ActionKind::SendMaterials => Category::Resources,
        ActionKind::RequestSupport | ActionKind::DecideRequest => Category::Liaison,
        ActionKind::EndResponse => Category::Termination,
    }
}

/// The indicator (id, zh, en) an action's item sits under in the default form.
fn indicator_of(a: &RequiredAction) -> (&'static str, &'static str, &'static str) {
    match (category_of(a), &a.what) {
        (Category::WarningAndReporting, ActionKind::Warn(_)) => ("warning", "预警发布", "Warnings"),
        (Category::WarningAndReporting, _) => ("reporting", "信息报告与叫应", "Reports and acknowledgement"),
        (Category::ActivationAndLevels, _) => ("levels", "分级响应", "Response levels"),
        (Category::CommandAndCoordination, _) => ("dispatch", "力量调度", "Dispatching teams"),
        (Category::FirstResponse, _) => ("first_response", "先期处置", "First response"),
        (Category::EvacuationAndShelter, _) => ("evacuation", "转移避险", "Evacuation"),
        (Category::Resources, _) => ("materials", "物资调配", "Materials"),
        (Category::Liaison, _) => ("county_support", "上下联动", "County and townships"),
        (Category::Termination, _) => ("end", "响应终止", "Ending the response"),
    }
}

/// The default form built from the plan: every required action an item of `ACTION_POINTS`;
/// one item of `DISCIPLINE_POINTS` per report-discipline rule (核实 under 指挥与协调, the rest
/// under 预警与信息报告); the people unharmed under 警戒疏散与转移安置, worth the outcome's
/// share of the scenario's scoring weights.
pub fn default_tree(scenario: &Scenario) -> Vec<IndicatorSpec> {
    let mut out: Vec<IndicatorSpec> = Vec::new();
    let mut push = |category: Category, id: &str, zh: &str, en: &str, item: ItemSpec| match out
        .iter_mut()
        .find(|i| i.category == category && i.id == id)
    {
        Some(ind) => ind.items.push(item),
        None => out.push(IndicatorSpec {
            category,
            id: id.into(),
            label: zh.into(),
            label_en: Some(en.into()),
            items: vec![item],
        }),
    };
    let mut total = 0.0;
    for a in &scenario.plan.actions {
        let (id, zh, en) = indicator_of(a);
        total += ACTION_POINTS;
        push(
            category_of(a),
            id,
            zh,
            en,
            ItemSpec {
                id: a.id.clone(),
                label: a.name.clone(),
                label_en: Some(format!("required action `{}`", a.id)),
                max: ACTION_POINTS,
                from: ItemSource::Action(a.id.clone()),
            },
        );
    }
    for kind in DisciplineKind::ALL {
        let (category, id, zh, en) = match kind {
            DisciplineKind::Unverified => {
                (Category::CommandAndCoordination, "verification", "信息核实", "Checking reports")
            }
            _ => (Category::WarningAndReporting, "report_discipline", "报告纪律", "Report discipline"),
        };
        let label = kind.label();
        total += DISCIPLINE_POINTS;
        push(
            category,
            id,
            zh,
            en,
            ItemSpec {
                id: format!("discipline_{}", format!("{kind:?}").to_lowercase()),
                label: format!("无{}", label.zh),
                label_en: Some(format!("no {}", label.en)),
                max: DISCIPLINE_POINTS,
                from: ItemSource::Discipline { kinds: vec![kind], points: finding_points(kind) },
            },
        );
    }
    let w = &scenario.scoring;
    let (process, outcome) = (w.adherence.max(0.0) + w.timeliness.max(0.0), w.outcome.max(0.0));
    let outcome_points = if outcome <= 0.0 {
        0.0
    } else if process <= 0.0 {
        100.0
    } else {
        ((total * outcome / process) * 10.0).round() / 10.0
    };
    if outcome_points > 0.0 {
        push(
            Category::EvacuationAndShelter,
            "people_safe",
            "群众安全",
            "People unharmed",
            ItemSpec {
                id: "people_safe".into(),
                label: "受威胁群众无伤亡、无被困".into(),
                label_en: Some("threatened people neither killed nor left trapped".into()),
                max: outcome_points,
                from: ItemSource::Outcome,
            },
        );
    }
    out
}

/// The form scored, with what the ratings read besides the points.
pub(crate) struct Tree {
    pub categories: Vec<CategoryResult>,
    /// (category, item id) of items whose action is Missing.
    pub missing: Vec<(Category, String)>,
}

impl Tree {
    /// 100 × points earned / points of the applicable items, to 0.1 (100 when none applies yet).
    pub fn score(&self) -> f64 {
        let (got, max) = self.categories.iter().fold((0.0, 0.0), |(g, m), c| (g + c.got, m + c.max));
        if max <= 0.0 { 100.0 } else { (1000.0 * got / max).round() / 10.0 }
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores the form (the scenario's or the default) for a scope.
pub(crate) fn score_tree(
    input: &ScoreInput,
    facts: &Facts,
    scope: &Scope,
    actions: &[ActionResult],
    findings: &[&Finding],
    people: &People,
) -> Tree {
    let specs = input.scenario.plan.indicators.clone().unwrap_or_else(|| default_tree(input.scenario));
    // Report discipline applies once there was something to report in the scope.
    let reporting_due = facts.seen.iter().any(|(v, ..)| scope.village(facts, v))
        || facts.reports.iter().any(|r| scope.village(facts, &r.village));
    let mut categories: Vec<CategoryResult> = Category::ALL
        .iter()
        .map(|c| CategoryResult { category: *c, label: c.label(), max: 0.0, got: 0.0, indicators: Vec::new() })
        .collect();
    let mut missing = Vec::new();
    for spec in &specs {
        let mut items = Vec::new();
        for item in &spec.items {
            let label = Text::new(item.label.clone(), item.label_en.clone().unwrap_or_else(|| item.label.clone()));
            let max = item.max.max(0.0);
            let mut r =
                ItemResult { id: item.id.clone(), label, max, got: 0.0, applicable: false, deductions: Vec::new() };
            match &item.from {
                ItemSource::Action(id) => {
                    if let Some(a) = actions.iter().find(|a| &a.id == id).filter(|a| plan::counted(a)) {
                        r.applicable = true;
                        r.got = round2(max * a.credit.clamp(0.0, 1.0));
                        if max - r.got > 1e-9 {
                            r.deductions.push(Deduction {
                                points: round2(max - r.got),
                                reason: Text::new(
                                    format!("{}: {}", a.name, a.why.zh),
                                    format!("{}: {}", a.id, a.why.en),
                                ),
                                evidence: a.evidence.clone(),
                            });
                        }
                        if a.status == ActionStatus::Missing {
                            missing.push((spec.category, item.id.clone()));
                        }
                    }
                }
                ItemSource::Discipline { kinds, points } => {
                    if reporting_due {
                        r.applicable = true;
                        let mut left = max;
                        for f in findings.iter().filter(|f| kinds.contains(&f.kind)) {
                            let p = points.max(0.0).min(left);
                            left -= p;
                            let label = f.kind.label();
                            r.deductions.push(Deduction {
                                points: round2(p),
                                reason: Text::new(
                                    format!("{}({}): {}", label.zh, f.who, f.text.zh),
                                    format!("{} ({}): {}", label.en, f.who, f.text.en),
                                ),
                                evidence: f.evidence.clone(),
                            });
                        }
                        r.got = round2(left.max(0.0));
                    }
                }
                ItemSource::Outcome => {
                    if people.threatened > 0 {
                        r.applicable = true;
                        r.got = round2(max * people.share_unharmed());
                        if max - r.got > 1e-9 {
                            let ev = input
                                .events
                                .iter()
                                .enumerate()
                                .filter_map(|(i, e)| match &e.kind {
                                    EventKind::VillageHit { village, casualties, trapped, .. }
                                        if (*casualties > 0 || *trapped > 0) && scope.village(facts, village) =>
                                    {
                                        Some(evidence(
                                            input,
                                            i,
                                            Text::new(
                                                format!("{village}: 伤亡 {casualties} 人, 被困 {trapped} 人"),
                                                format!("{village}: {casualties} casualties, {trapped} trapped"),
                                            ),
                                        ))
                                    }
                                    _ => None,
                                })
                                .collect();
                            r.deductions.push(Deduction {
                                points: round2(max - r.got),
                                reason: Text::new(
                                    format!(
                                        "受威胁 {} 人中伤亡 {} 人, 被困 {} 人",
                                        people.threatened, people.casualties, people.trapped
                                    ),
                                    format!(
                                        "of {} people threatened, {} casualties and {} trapped",
                                        people.threatened, people.casualties, people.trapped
                                    ),
                                ),
                                evidence: ev,
                            });
                        }
                    }
                }
                ItemSource::NotApplicable => {}
            }
            items.push(r);
        }
        let cat = categories.iter_mut().find(|c| c.category == spec.category).expect("every category is listed");
        for r in items.iter().filter(|r| r.applicable) {
            cat.max += r.max;
            cat.got += r.got;
        }
        let label = Text::new(spec.label.clone(), spec.label_en.clone().unwrap_or_else(|| spec.label.clone()));
        cat.indicators.push(IndicatorResult { id: spec.id.clone(), label, items });
    }
    for c in &mut categories {
        c.max = round2(c.max);
        c.got = round2(c.got);
    }
    Tree { categories, missing }
}
