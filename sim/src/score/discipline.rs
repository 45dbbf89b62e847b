//! Report discipline (信息报告): every report judged against the hazard as it truly was, from
//! the record alone (plans.md §2). The world puts on the record, for the controller only, what
//! each report claimed and the truth at that moment (`ReportTruth`, `ReportUpTruth`) and which
//! reports were planted false (`FalseReportPlanted`); this module reads them with the plan's
//! [`ReportingRules`](crate::scenario::ReportingRules).
//!
//! - **迟报 (`Late`)**: a village's informant first reported a hazard more than
//!   `first_report_min` after the village saw it (`HazardSeen`).
//! - **漏报 (`Missed`)**: a village saw a hazard, the deadline passed by the moment scored, and
//!   its informant never reported it.
//! - **谎报 (`False`)**: a report claims a hazard the village never saw and cannot see, a point
//!   farther than `distance_m` from the nearest place of that hazard, a severity more than
//!   `severity_steps` above the truth, or more people (at risk, casualties, trapped) than the
//!   truth by more than `people_percent` % of it (and more than [`PEOPLE_SLACK`]); a township's
//!   report up claiming more casualties or evacuated people than the truth by as much; and every
//!   planted false report the command post treated as true (acted on: warned, evacuated,
//!   dispatched, activated a level) while it was the village's only report.
//! - **瞒报 (`Concealed`)**: a report that understates severity (beyond `severity_steps`), people
//!   at risk (beyond the tolerance), casualties or trapped people (by more than `people_percent`
//!   % of the truth); a township's report up that gives fewer casualties or trapped people than
//!   its villages' reports told it; a township that never reports up within the plan's
//!   `ReportUp` deadline (else `first_report_min`) what its informants reported.
//! - **初报要素不全 (`Incomplete`)**: a 初报 without every field of `required_fields`.
//! - **续报超时 (`FollowUpOverdue`)**: an informant's next report on a hazard came (or has not
//!   come) more than `follow_up_every_min` after its last, before its 终报 and before its
//!   township ended the response (终止).
//! - **未核实即处置 (`Unverified`)**: the command post (or the county) acted on a village whose
//!   only report was a planted false one without asking for it to be checked (核实) first.
//!
//! How bad and how many (severity, people, casualties, trapped) and the 初报 fields are judged on
//! reports by the village's own informant; a team's sighting is judged on what and where.
//!
//! Planted reports are never held against the village's informant.

use std::collections::{BTreeMap, BTreeSet};

use super::model::DisciplineKind;
use super::{Evidence, FalseReports, Finding, ScoreInput, Text};
use crate::roles::{Role, roles_on_offer};
use crate::scenario::ActionKind;
use crate::world::{EventKind, HazardKind, ReportClaim, ReportStage, TruthAtReport};

/// People a report may be off by whatever the percentage (a head count of a village is an
/// estimate): over-claims and understated people at risk within this are not judged.
pub const PEOPLE_SLACK: u32 = 5;

/// Whether a hazard was seen at `village` before event `index` (a report of it is then not a
/// claim of something that is not there, even if it has moved on).
fn seen_before(events: &[crate::world::Event], index: usize, village: &str, hazard: HazardKind) -> bool {
    events[..index.min(events.len())]
        .iter()
        .any(|e| matches!(&e.kind, EventKind::HazardSeen { hazard: h, village: v, .. } if *h == hazard && v == village))
}

/// The reports judged false, for plan scoring: every report planted by a scripted inject
/// (`FalseReportPlanted`), and every report claiming a hazard its village neither saw nor could
/// see at that moment (the 谎报 of the hazard itself). `villages`: those whose only reports by
/// the moment scored are false ones, with when the first false one came.
pub fn false_reports(input: &ScoreInput) -> FalseReports {
    let events = input.events;
    let mut out = FalseReports::default();
    let mut first_false: BTreeMap<String, u32> = BTreeMap::new();
    for (index, e) in events.iter().enumerate() {
        match &e.kind {
            EventKind::FalseReportPlanted { id, village, .. } => {
                out.reports.insert(*id);
                first_false.entry(village.clone()).or_insert(e.t_s);
            }
            EventKind::ReportTruth { id, village, claim, truth, .. }
                if !truth.hazards_here.contains(&claim.hazard)
                    && !seen_before(events, index, village, claim.hazard) =>
            {
                out.reports.insert(*id);
                first_false.entry(village.clone()).or_insert(e.t_s);
            }
            _ => {}
        }
    }
    let genuine: BTreeSet<&str> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::ReportFiled { id, village, .. } if !out.reports.contains(id) => Some(village.as_str()),
            _ => None,
        })
        .collect();
    out.villages = first_false.into_iter().filter(|(v, _)| !genuine.contains(v.as_str())).collect();
    out
}

/// A report on the record: its `ReportFiled` and, when the world recorded it, its claims and truth.
struct Filed<'a> {
    index: usize,
    t_s: u32,
    id: u32,
    by: &'a Role,
    village: &'a str,
    hazard: HazardKind,
    stage: ReportStage,
    planted: bool,
    township: Option<&'a str>,
    detail: Option<(&'a ReportClaim, &'a TruthAtReport)>,
}

fn minutes(t_s: u32) -> f64 {
    t_s as f64 / 60.0
}

fn hazard_en(h: HazardKind) -> &'static str {
    match h {
        HazardKind::Flood => "flood",
        HazardKind::Fire => "fire",
        HazardKind::Landslide => "landslide",
    }
}

/// Whether `claim` is above `truth` beyond the people tolerance.
fn over(claim: u32, truth: u32, percent: f64) -> bool {
    claim > truth && (claim - truth) as f64 > (truth as f64 * percent / 100.0).max(PEOPLE_SLACK as f64)
}

/// Whether `claim` is below `truth` by more than `percent` % of it (and by at least `slack`).
fn under(claim: u32, truth: u32, percent: f64, slack: u32) -> bool {
    claim < truth && (truth - claim) as f64 > (truth as f64 * percent / 100.0).max(slack as f64)
}

struct Judge<'a> {
    input: &'a ScoreInput<'a>,
    out: Vec<Finding>,
}

impl<'a> Judge<'a> {
    /// Evidence for event `index`, with the journal line of the command that produced it (an
    /// event at the same moment as, and not before, the latest command's first event).
    fn evidence(&self, index: usize, note: Text) -> Evidence {
        let events = self.input.events;
        let t_s = events.get(index).map_or(self.input.at_s, |e| e.t_s);
        let journal = self
            .input
            .journal_marks
            .iter()
            .rev()
            .find(|(first, _)| *first as usize <= index)
            .filter(|(first, _)| events.get(*first as usize).is_some_and(|e| e.t_s == t_s))
            .filter(|_| events.get(index).is_some_and(|e| from_command(&e.kind)))
            .map(|(_, seq)| *seq);
        Evidence { t_s, event: Some(index as u32), journal, note }
    }

    /// Evidence for a moment with no event (a deadline that passed).
    fn moment(&self, t_s: u32, note: Text) -> Evidence {
        Evidence { t_s, event: None, journal: None, note }
    }

    #[allow(clippy::too_many_arguments)]
    fn find(
        &mut self,
        kind: DisciplineKind,
        who: &Role,
        village: Option<&str>,
        report: Option<u32>,
        t_s: u32,
        text: Text,
        evidence: Vec<Evidence>,
    ) {
        self.out.push(Finding {
            kind,
            who: who.to_string(),
            village: village.map(str::to_string),
            report,
            at_min: minutes(t_s),
            text,
            evidence,
        });
    }
}

/// Events an accepted command produces (so a journal line stands behind them).
fn from_command(k: &EventKind) -> bool {
    use EventKind::*;
    matches!(
        k,
        ReportFiled { .. }
            | ReportTruth { .. }
            | FalseReportPlanted { .. }
            | ReportedUp { .. }
            | ReportUpTruth { .. }
            | VerifyAsked { .. }
            | ReportAcknowledged { .. }
            | WarningIssued { .. }
            | EvacuationOrdered { .. }
            | TeamDispatched { .. }
            | LevelActivated { .. }
            | ResponseEnded { .. }
    )
}

/// Whether a command role's response covers a village of `township` (`None`: the only township).
fn covers(role: &Role, township: Option<&str>) -> bool {
    match role {
        Role::Command(None) | Role::County => true,
        Role::Command(Some(t)) => township == Some(t.as_str()),
        _ => false,
    }
}

/// Every breach of report discipline in the record up to `input.at_s`, in time order.
pub fn findings(input: &ScoreInput) -> Vec<Finding> {
    let mut j = Judge { input, out: Vec::new() };
    let events = input.events;
    let planted: BTreeSet<u32> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::FalseReportPlanted { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let mut filed: Vec<Filed> = Vec::new();
    for (index, e) in events.iter().enumerate() {
        match &e.kind {
            EventKind::ReportFiled { id, by, village, hazard, stage } => filed.push(Filed {
                index,
                t_s: e.t_s,
                id: *id,
                by,
                village,
                hazard: *hazard,
                stage: *stage,
                planted: planted.contains(id),
                township: None,
                detail: None,
            }),
            EventKind::ReportTruth { id, township, claim, truth, .. } => {
                if let Some(f) = filed.iter_mut().rev().find(|f| f.id == *id) {
                    f.township = township.as_deref();
                    f.detail = Some((claim, truth));
                }
            }
            _ => {}
        }
    }
    late_and_missed(&mut j, &filed);
    for f in filed.iter().filter(|f| !f.planted) {
        judge_report(&mut j, f);
    }
    follow_ups(&mut j, &filed);
    reports_up(&mut j, &filed);
    planted_reports(&mut j, &filed);
    let mut out = j.out;
    out.sort_by(|a, b| a.at_min.total_cmp(&b.at_min));
    out
}

/// 迟报 and 漏报: each (village, hazard) its informant saw, against its first report of it.
fn late_and_missed(j: &mut Judge, filed: &[Filed]) {
    let limit_s = (j.input.scenario.plan.first_report_min() * 60.0).round() as u32;
    let mut done: BTreeSet<(&str, HazardKind)> = BTreeSet::new();
    for (index, e) in j.input.events.iter().enumerate() {
        let EventKind::HazardSeen { hazard, by, village } = &e.kind else { continue };
        if !matches!(by, Role::Informant(v) if v == village) || !done.insert((village.as_str(), *hazard)) {
            continue;
        }
        let deadline = e.t_s.saturating_add(limit_s);
        let (zh, en) = (hazard.label_zh(), hazard_en(*hazard));
        let seen = j.evidence(index, Text::new(format!("{village}发现{zh}"), format!("{village} saw the {en}")));
        let first = filed.iter().find(|f| !f.planted && f.by == by && f.hazard == *hazard);
        match first {
            Some(f) if f.t_s > deadline => {
                let late = minutes(f.t_s - e.t_s);
                let limit = minutes(limit_s);
                let text = Text::new(
                    format!("{village}{zh}险情发现后 {late:.0} 分钟才首报，超过时限 {limit:.0} 分钟"),
                    format!(
                        "{village} first reported the {en} {late:.0} min after seeing it, past the {limit:.0}-minute limit"
                    ),
                );
                let rep = j.evidence(f.index, Text::new(format!("第 {} 号报告", f.id), format!("report {}", f.id)));
                j.find(DisciplineKind::Late, by, Some(village), Some(f.id), f.t_s, text, vec![seen, rep]);
            }
            None if j.input.at_s > deadline => {
                let limit = minutes(limit_s);
                let text = Text::new(
                    format!("{village}发现{zh}险情后 {limit:.0} 分钟内未报告"),
                    format!("{village} saw the {en} and did not report it within {limit:.0} min"),
                );
                let due = j.moment(deadline, Text::new("报告时限已过", "the reporting deadline passed"));
                j.find(DisciplineKind::Missed, by, Some(village), None, deadline, text, vec![seen, due]);
            }
            _ => {}
        }
    }
}

/// 谎报, 瞒报 and 初报要素不全 of one real report, against the truth at its moment.
fn judge_report(j: &mut Judge, f: &Filed) {
    let Some((claim, truth)) = f.detail else { return };
    let rules = &j.input.scenario.plan.reporting;
    let tol = &rules.tolerances;
    let (v, zh, en, id) = (f.village, f.hazard.label_zh(), hazard_en(f.hazard), f.id);
    let present = truth.hazards_here.contains(&f.hazard) || seen_before(j.input.events, f.index, v, f.hazard);
    // How bad, how many and the 初报's fields are the village's own informant's to give; a team
    // passing by reports what it saw and where, and is judged on that alone.
    let own_village = matches!(f.by, Role::Informant(x) if x == v);
    let mut false_why: Vec<(String, String)> = Vec::new();
    let mut concealed_why: Vec<(String, String)> = Vec::new();
    if !present {
        false_why.push((format!("{v}并无{zh}险情"), format!("there was no {en} at {v}")));
    } else {
        if claim.at.is_some()
            && let Some(d) = truth.distance_m
            && d as f64 > tol.distance_m
        {
            false_why.push((
                format!("所报地点距最近的{zh} {d:.0} 米，超过允许的 {:.0} 米", tol.distance_m),
                format!("the point given is {d:.0} m from the nearest {en}, more than {:.0} m", tol.distance_m),
            ));
        }
        let true_sev = truth.severity.max(1);
        if own_village && claim.severity > true_sev.saturating_add(tol.severity_steps) {
            false_why.push((
                format!("报告严重程度 {}，实际 {true_sev}", claim.severity),
                format!("severity {} reported, {true_sev} in truth", claim.severity),
            ));
        }
        if own_village && claim.severity.saturating_add(tol.severity_steps) < true_sev {
            concealed_why.push((
                format!("报告严重程度 {}，实际 {true_sev}", claim.severity),
                format!("severity {} reported, {true_sev} in truth", claim.severity),
            ));
        }
    }
    let pct = tol.people_percent;
    let numbers = [
        ("受威胁人数", "people at risk", claim.people_at_risk, truth.people_at_risk, PEOPLE_SLACK),
        ("伤亡人数", "casualties", claim.casualties, truth.casualties, 0),
        ("被困人数", "trapped", claim.trapped, truth.trapped, 0),
    ];
    for (name_zh, name_en, said, real, slack) in numbers.into_iter().filter(|_| own_village) {
        if over(said, real, pct) {
            false_why.push((
                format!("报告{name_zh} {said}，实际 {real}"),
                format!("{said} {name_en} reported, {real} in truth"),
            ));
        }
        if under(said, real, pct, slack) {
            concealed_why.push((
                format!("报告{name_zh} {said}，实际 {real}"),
                format!("{said} {name_en} reported, {real} in truth"),
            ));
        }
    }
    let rep = |j: &Judge| j.evidence(f.index, Text::new(format!("第 {id} 号报告"), format!("report {id}")));
    for (kind, why) in [(DisciplineKind::False, false_why), (DisciplineKind::Concealed, concealed_why)] {
        if why.is_empty() {
            continue;
        }
        let text = Text::new(
            format!("第 {id} 号报告：{}", why.iter().map(|w| w.0.as_str()).collect::<Vec<_>>().join("；")),
            format!("report {id}: {}", why.iter().map(|w| w.1.as_str()).collect::<Vec<_>>().join("; ")),
        );
        let evidence = vec![rep(j)];
        j.find(kind, f.by, Some(v), Some(id), f.t_s, text, evidence);
    }
    if f.stage == ReportStage::Initial && own_village {
        let missing: Vec<_> = rules.required_fields.iter().filter(|r| !claim.fields.contains(r)).collect();
        if !missing.is_empty() {
            let text = Text::new(
                format!("第 {id} 号初报缺少：{}", missing.iter().map(|m| m.label_zh()).collect::<Vec<_>>().join("、")),
                format!(
                    "first report {id} lacks: {}",
                    missing.iter().map(|m| m.label_en()).collect::<Vec<_>>().join(", ")
                ),
            );
            let evidence = vec![rep(j)];
            j.find(DisciplineKind::Incomplete, f.by, Some(v), Some(id), f.t_s, text, evidence);
        }
    }
}

/// 续报超时: each informant's chain of reports on a hazard, until its 终报 or 终止.
fn follow_ups(j: &mut Judge, filed: &[Filed]) {
    let every_s = (j.input.scenario.plan.reporting.follow_up_every_min * 60.0).round() as u32;
    let mut chains: BTreeMap<(&str, HazardKind), Vec<&Filed>> = BTreeMap::new();
    for f in filed.iter().filter(|f| !f.planted && matches!(f.by, Role::Informant(_))) {
        chains.entry((f.village, f.hazard)).or_default().push(f);
    }
    for ((village, hazard), chain) in chains {
        let township = chain.iter().find_map(|f| f.township);
        let ended = j.input.events.iter().find_map(|e| match &e.kind {
            EventKind::ResponseEnded { by } if covers(by, township) && e.t_s >= chain[0].t_s => Some(e.t_s),
            _ => None,
        });
        let end = ended.unwrap_or(j.input.at_s).min(j.input.at_s);
        let (zh, en) = (hazard.label_zh(), hazard_en(hazard));
        for (k, f) in chain.iter().enumerate() {
            if f.stage == ReportStage::Final {
                break;
            }
            let due = f.t_s.saturating_add(every_s);
            let next = chain.get(k + 1);
            let overdue = match next {
                Some(n) => n.t_s > due && due < end,
                None => end > due,
            };
            if !overdue {
                continue;
            }
            let every = minutes(every_s);
            let text = Text::new(
                format!("{village}{zh}第 {} 号报告后 {every:.0} 分钟内无续报", f.id),
                format!("no follow-up on the {en} at {village} within {every:.0} min of report {}", f.id),
            );
            let mut evidence = vec![j.evidence(f.index, Text::new("上一次报告", "the last report"))];
            match next {
                Some(n) => evidence.push(j.evidence(n.index, Text::new("下一次报告", "the next report"))),
                None => evidence.push(j.moment(due, Text::new("续报时限", "the follow-up was due"))),
            }
            j.find(DisciplineKind::FollowUpOverdue, f.by, Some(village), Some(f.id), due, text, evidence);
        }
    }
}

/// A township's reports up: fewer casualties or trapped than its villages told it (瞒报), more
/// casualties or evacuated than the truth (谎报), or nothing passed up at all (瞒报).
fn reports_up(j: &mut Judge, filed: &[Filed]) {
    let scenario = j.input.scenario;
    let pct = scenario.plan.reporting.tolerances.people_percent;
    let mut ups: Vec<(usize, u32, &Role)> = Vec::new();
    for (index, e) in j.input.events.iter().enumerate() {
        let EventKind::ReportUpTruth { by, claim, told, truth, .. } = &e.kind else { continue };
        ups.push((index, e.t_s, by));
        let up = j.evidence(index, Text::new("向县报告", "the report up"));
        let mut concealed: Vec<(String, String)> = Vec::new();
        if claim.casualties < told.casualties {
            concealed.push((
                format!("上报伤亡 {}，村里已报 {}", claim.casualties, told.casualties),
                format!("{} casualties passed up, {} reported by its villages", claim.casualties, told.casualties),
            ));
        }
        if claim.trapped < told.trapped {
            concealed.push((
                format!("上报被困 {}，村里已报 {}", claim.trapped, told.trapped),
                format!("{} trapped passed up, {} reported by its villages", claim.trapped, told.trapped),
            ));
        }
        let mut false_why: Vec<(String, String)> = Vec::new();
        if over(claim.casualties, truth.casualties, pct) {
            false_why.push((
                format!("上报伤亡 {}，实际 {}", claim.casualties, truth.casualties),
                format!("{} casualties passed up, {} in truth", claim.casualties, truth.casualties),
            ));
        }
        if over(claim.evacuated, truth.evacuated, pct) {
            false_why.push((
                format!("上报已转移 {}，实际 {}", claim.evacuated, truth.evacuated),
                format!("{} evacuated passed up, {} in truth", claim.evacuated, truth.evacuated),
            ));
        }
        for (kind, why) in [(DisciplineKind::Concealed, concealed), (DisciplineKind::False, false_why)] {
            if !why.is_empty() {
                let text = Text::new(
                    format!(
                        "{}向县报告：{}",
                        by.label_zh(),
                        why.iter().map(|w| w.0.as_str()).collect::<Vec<_>>().join("；")
                    ),
                    format!("{by} reported up: {}", why.iter().map(|w| w.1.as_str()).collect::<Vec<_>>().join("; ")),
                );
                j.find(kind, by, None, None, e.t_s, text, vec![up.clone()]);
            }
        }
    }
    // Nothing passed up: only where the plan or the roles expect reports up.
    let roles = roles_on_offer(scenario).unwrap_or_default();
    let up_action = scenario.plan.actions.iter().find(|a| a.what == ActionKind::ReportUp);
    if up_action.is_none() && !roles.contains(&Role::County) {
        return;
    }
    let limit_s = (up_action.map_or(scenario.plan.first_report_min(), |a| a.deadline_min) * 60.0).round() as u32;
    let mut townships: BTreeSet<Option<&str>> = BTreeSet::new();
    for f in filed.iter().filter(|f| !f.planted && f.detail.is_some()) {
        townships.insert(f.township);
    }
    for township in townships {
        let post = match township {
            Some(t) if roles.contains(&Role::Command(Some(t.to_string()))) => Role::Command(Some(t.to_string())),
            _ => Role::Command(None),
        };
        // The first report that brought news (casualties or trapped, or any first report) the
        // township has not passed up since.
        let unpassed = filed.iter().filter(|f| !f.planted && f.township == township && f.detail.is_some()).find(|f| {
            let newsworthy = f.detail.is_some_and(|(c, _)| c.casualties > 0 || c.trapped > 0)
                || !ups.iter().any(|(_, _, by)| covers(by, township));
            newsworthy
                && !ups.iter().any(|(_, t, by)| covers(by, township) && *t >= f.t_s)
                && f.t_s.saturating_add(limit_s) < j.input.at_s
        });
        if let Some(f) = unpassed {
            let limit = minutes(limit_s);
            let text = Text::new(
                format!("{}收到第 {} 号报告后 {limit:.0} 分钟内未向县报告", post.label_zh(), f.id),
                format!("{post} did not pass report {} up to the county within {limit:.0} min", f.id),
            );
            let evidence = vec![
                j.evidence(f.index, Text::new(format!("第 {} 号报告", f.id), format!("report {}", f.id))),
                j.moment(f.t_s.saturating_add(limit_s), Text::new("向县报告时限", "the report up was due")),
            ];
            j.find(
                DisciplineKind::Concealed,
                &post,
                Some(f.village),
                Some(f.id),
                f.t_s.saturating_add(limit_s),
                text,
                evidence,
            );
        }
    }
}

/// Planted false reports the command post (or county) acted on as true (谎报), and without
/// asking for a check first (未核实即处置).
fn planted_reports(j: &mut Judge, filed: &[Filed]) {
    let events = j.input.events;
    for p in filed.iter().filter(|f| f.planted) {
        // Acting stops counting once a real report on the village came in.
        let genuine_at =
            filed.iter().find(|f| !f.planted && f.village == p.village && f.index > p.index).map(|f| f.index);
        let stop = genuine_at.unwrap_or(events.len());
        let township_all_planted =
            |upto: usize| filed.iter().filter(|f| f.index < upto && f.township == p.township).all(|f| f.planted);
        let act = (p.index + 1..stop).find_map(|i| {
            let by = match &events[i].kind {
                EventKind::WarningIssued { village, by }
                | EventKind::EvacuationOrdered { village, by }
                | EventKind::TeamDispatched { village, by, .. }
                    if village == p.village =>
                {
                    by
                }
                EventKind::LevelActivated { level, by }
                    if covers(by, p.township)
                        && township_all_planted(i)
                        && !events[..i]
                            .iter()
                            .any(|e| matches!(&e.kind, EventKind::LevelTriggered { level: l } if l >= level)) =>
                {
                    by
                }
                _ => return None,
            };
            matches!(by, Role::Command(_) | Role::County).then_some((i, by))
        });
        let Some((i, by)) = act else { continue };
        let verify = events[p.index..i]
            .iter()
            .position(|e| matches!(&e.kind, EventKind::VerifyAsked { id, .. } if *id == p.id))
            .map(|k| p.index + k);
        let (v, id, zh, en) = (p.village, p.id, p.hazard.label_zh(), hazard_en(p.hazard));
        let mut evidence = vec![
            j.evidence(p.index, Text::new(format!("第 {id} 号报告（虚假）"), format!("report {id} (false)"))),
            j.evidence(i, Text::new("据此处置", "acted on it")),
        ];
        if let Some(k) = verify {
            evidence.push(j.evidence(k, Text::new("已要求核实", "a check was asked")));
        }
        let text = Text::new(
            format!("{}把第 {id} 号虚假报告（{v}{zh}）当作真实情况处置", by.label_zh()),
            format!("{by} acted on false report {id} ({en} at {v}) as true"),
        );
        let t_s = events[i].t_s;
        j.find(DisciplineKind::False, by, Some(v), Some(id), t_s, text, evidence.clone());
        if verify.is_none() {
            let text = Text::new(
                format!("{}未核实第 {id} 号报告即处置", by.label_zh()),
                format!("{by} acted on report {id} without checking it (核实)"),
            );
            j.find(DisciplineKind::Unverified, by, Some(v), Some(id), t_s, text, evidence);
        }
    }
}
