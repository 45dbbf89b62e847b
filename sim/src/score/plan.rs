//! Required actions judged against the plan, each from its fact rather than from another
//! role's action: a level from its trigger (whether or not anyone activated it), what hangs on a
//! level from that trigger too, a first report from the moment its village saw the hazard, an
//! acknowledgement from the report it acknowledges, a township's report up from its own first
//! true report. Done before the fact is Early (credit by the action's `early` rule), late credit
//! halves every `half_life_min`, and anything done on the strength of a false report counts for
//! nothing.

use crate::roles::{Role, RoleKind, RolePattern, fits};
use crate::scenario::{ActionKind, Anchor, EarlyRule, Level, RequiredAction, Trigger};
use crate::world::{EventKind, ReportStage};

use super::{ActionResult, ActionStatus, Evidence, Facts, FiledReport, Scope, ScoreInput, Text, evidence, minutes};

/// The moment a deadline counts from, with the event behind it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Fact {
    pub t_s: u32,
    pub event: Option<usize>,
    pub label: Text,
}

#[derive(Clone, Debug)]
struct Hit {
    t_s: u32,
    index: usize,
    by: Option<Role>,
    village: Option<String>,
}

/// One thing the action must be done for: a village, a report, or the action as a whole.
struct Instance {
    subject: Option<Text>,
    fact: Option<Fact>,
    /// Minutes added to the deadline by a chain of `after: Action(..)`.
    extra_min: f64,
    hits: Vec<Hit>,
    /// When the action it must follow was done, if it was (for `OutOfOrder`).
    pred: Option<(String, u32)>,
    /// The village the false-report rule reads (the subject's), if any.
    village: Option<String>,
}

/// One instance judged.
struct Judged {
    status: ActionStatus,
    credit: f64,
    fact: Option<Fact>,
    deadline_min: f64,
    done: Option<Hit>,
    why: Text,
    evidence: Vec<Evidence>,
}

impl Judged {
    fn counted(&self) -> bool {
        self.status != ActionStatus::NotDue && self.fact.is_some()
    }
}

/// Whether an action result counts in the denominators: its fact happened and it is not
/// waiting on a deadline that has not passed.
pub fn counted(a: &ActionResult) -> bool {
    a.status != ActionStatus::NotDue && a.due_from_min.is_some()
}

/// Worst first: the verdict an action with several villages or reports carries.
fn rank(s: ActionStatus) -> u8 {
    match s {
        ActionStatus::Missing => 5,
        ActionStatus::OutOfOrder => 4,
        ActionStatus::Late => 3,
        ActionStatus::Early => 2,
        ActionStatus::OnTime => 1,
        ActionStatus::NotDue => 0,
    }
}

/// Late credit: 0.5^(minutes late / half-life).
pub fn late_credit(late_min: f64, half_life_min: f64) -> f64 {
    0.5f64.powf(late_min.max(0.0) / half_life_min.max(1e-9))
}

/// Minutes for the `why` texts: whole when whole.
pub(crate) fn fmt_min(m: f64) -> String {
    if (m - m.round()).abs() < 0.05 { format!("{:.0}", m) } else { format!("{:.1}", m) }
}

fn level_text(l: Level) -> &'static str {
    match l {
        Level::IV => "Ⅳ级",
        Level::III => "Ⅲ级",
        Level::II => "Ⅱ级",
        Level::I => "Ⅰ级",
    }
}

/// Whether the action is the plan's concern in this scope: another township's post's actions
/// and the county's are not a township's.
fn in_scope(scope: &Scope, facts: &Facts, a: &RequiredAction) -> bool {
    let Some(t) = &scope.township else { return true };
    match RolePattern::parse(&a.who) {
        Ok(p) => match (p.kind, &p.target) {
            (RoleKind::Command, Some(x)) => x == t,
            (RoleKind::County | RoleKind::Controller, _) => false,
            (RoleKind::Informant, Some(v)) => facts.township_of(v) == Some(t.as_str()),
            _ => true,
        },
        Err(_) => false,
    }
}

fn is_village_set(what: &ActionKind) -> bool {
    matches!(what, ActionKind::Warn(None) | ActionKind::Evacuate(None) | ActionKind::AllSafe(None))
}

/// Judges every required action of the plan that concerns the scope, in plan order.
pub(crate) fn judge_all(input: &ScoreInput, facts: &Facts, scope: &Scope) -> Vec<ActionResult> {
    let judge = Judge { input, facts, scope };
    input.scenario.plan.actions.iter().filter(|a| in_scope(scope, facts, a)).map(|a| judge.action(a)).collect()
}

struct Judge<'a> {
    input: &'a ScoreInput<'a>,
    facts: &'a Facts,
    scope: &'a Scope,
}

impl Judge<'_> {
    fn plan_action(&self, id: &str) -> Option<&RequiredAction> {
        self.input.scenario.plan.actions.iter().find(|a| a.id == id)
    }

    /// Whether `village` is one the action is about: in the scope, and in the care of `who`
    /// (a township's post its own villages, an informant its own village).
    fn acts_on(&self, a: &RequiredAction, village: &str) -> bool {
        if !self.scope.village(self.facts, village) {
            return false;
        }
        match RolePattern::parse(&a.who) {
            Ok(p) => match (p.kind, &p.target) {
                (RoleKind::Command, Some(t)) => self.facts.township_of(village) == Some(t.as_str()),
                (RoleKind::Informant, Some(v)) => v == village,
                _ => true,
            },
            Err(_) => false,
        }
    }

    fn who_ok(&self, a: &RequiredAction, role: &Role) -> bool {
        fits(&a.who, role) && self.scope.role(self.facts, role)
    }

    /// The first true report from one of the action's villages (a township's own first report).
    fn first_true_report(&self, a: &RequiredAction) -> Option<&FiledReport> {
        self.facts.reports.iter().find(|r| !r.false_report && self.acts_on(a, &r.village))
    }

    fn report_fact(r: &FiledReport, own: bool) -> Fact {
        let (zh, en) = if own {
            (
                format!("本辖区首条真实报告(第{}号, {})", r.id, r.village),
                format!("the first true report here (report {}, {})", r.id, r.village),
            )
        } else {
            (format!("第{}号报告({})", r.id, r.village), format!("report {} ({})", r.id, r.village))
        };
        Fact { t_s: r.t_s, event: Some(r.index), label: Text::new(zh, en) }
    }

    /// When a level's trigger was met. A trigger that is the command post's first report counts
    /// from the first true report when a false one came in first.
    fn trigger_fact(&self, l: Level) -> Option<Fact> {
        let &(t, i) = self.facts.triggered.get(&l)?;
        let label = Text::new(format!("{}触发", level_text(l)), format!("level {} triggered", l.name()));
        let on_report = self
            .input
            .scenario
            .plan
            .levels
            .iter()
            .find(|s| s.level == l)
            .is_some_and(|s| mentions_first_report(&s.trigger));
        if on_report && self.facts.first_false_s.is_some_and(|f| f <= t) {
            let first_true = self.facts.reports.iter().find(|r| !r.false_report)?;
            if first_true.t_s > t {
                return Some(Fact {
                    t_s: first_true.t_s,
                    event: Some(first_true.index),
                    label: Text::new(
                        format!("{}触发(首条真实报告 第{}号)", level_text(l), first_true.id),
                        format!("level {} triggered (first true report, {})", l.name(), first_true.id),
                    ),
                });
            }
        }
        Some(Fact { t_s: t, event: Some(i), label })
    }

    /// When a level's measures became due: its trigger, or an earlier activation of it (or a
    /// higher level) that was not made on the strength of a false report.
    fn level_fact(&self, l: Level) -> Option<Fact> {
        let trig = self.trigger_fact(l);
        let activated = self.input.events.iter().enumerate().find_map(|(i, e)| match &e.kind {
            EventKind::LevelActivated { level, .. } if *level >= l => {
                let before = trig.as_ref().is_none_or(|f| e.t_s < f.t_s);
                let on_false = self.facts.false_claim_s(None).is_some_and(|f| f <= e.t_s);
                (!(before && on_false)).then_some((e.t_s, i))
            }
            _ => None,
        });
        let act = activated.map(|(t, i)| Fact {
            t_s: t,
            event: Some(i),
            label: Text::new(format!("{}启动", level_text(l)), format!("level {} activated", l.name())),
        });
        match (trig, act) {
            (Some(a), Some(b)) => Some(if b.t_s < a.t_s { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// The fact an action (for a village, when it is about one) counts from, and the minutes a
    /// chain of `after: Action(..)` adds to its deadline.
    fn fact_for(&self, a: &RequiredAction, village: Option<&str>, depth: usize) -> (Option<Fact>, f64) {
        let (base, extra) = match &a.after {
            Anchor::Start => (Some(Fact { t_s: 0, event: None, label: Text::new("演练开始", "the start") }), 0.0),
            Anchor::HazardSeen => {
                let seen = match village {
                    Some(v) => self.facts.seen_of(v).map(|(t, i)| (v.to_string(), t, i)),
                    None => self.facts.seen.iter().find(|(v, ..)| self.acts_on(a, v)).cloned(),
                };
                let fact = seen.map(|(v, t, i)| Fact {
                    t_s: t,
                    event: Some(i),
                    label: Text::new(format!("{v}发现险情"), format!("hazard seen at {v}")),
                });
                (fact, 0.0)
            }
            Anchor::LevelTriggered(l) => (self.trigger_fact(*l), 0.0),
            Anchor::LevelActivated(l) => (self.level_fact(*l), 0.0),
            Anchor::Action(id) => match self.plan_action(id) {
                // After a report: from the report itself, the fact, not another role's action.
                Some(b) if b.what == ActionKind::Report => {
                    (self.first_true_report(a).map(|r| Self::report_fact(r, true)), 0.0)
                }
                Some(b) if depth < self.input.scenario.plan.actions.len() => {
                    let (f, e) = self.fact_for(b, village, depth + 1);
                    (f, e + b.deadline_min)
                }
                _ => (None, 0.0),
            },
        };
        // An action on every threatened village is due for a village once it is threatened too.
        if is_village_set(&a.what)
            && a.after != Anchor::HazardSeen
            && let (Some(v), Some(f)) = (village, &base)
        {
            let Some((t, i)) = self.facts.threatened_at(v) else { return (None, extra) };
            if t > f.t_s {
                return (
                    Some(Fact {
                        t_s: t,
                        event: Some(i),
                        label: Text::new(
                            format!("{v}受威胁({})", f.label.zh),
                            format!("{v} threatened ({})", f.label.en),
                        ),
                    }),
                    extra,
                );
            }
        }
        (base, extra)
    }

    /// Every event that does the action (for a village or a report when given), by a role that
    /// fits, in order.
    fn hits(&self, a: &RequiredAction, village: Option<&str>, report: Option<&FiledReport>) -> Vec<Hit> {
        let on = |v: &str| village.map_or_else(|| self.acts_on(a, v), |x| x == v);
        let mut out = Vec::new();
        for (i, e) in self.input.events.iter().enumerate() {
            let hit: Option<(Option<&Role>, Option<&String>)> = match (&a.what, &e.kind) {
                (ActionKind::Report, EventKind::ReportFiled { id, by, village: v, .. })
                    if !self.is_false(*id) && on(v) =>
                {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::FollowUpReport, EventKind::ReportFiled { id, by, village: v, stage, .. })
                    if *stage == ReportStage::FollowUp && !self.is_false(*id) && on(v) =>
                {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::FinalReport, EventKind::ReportFiled { id, by, village: v, stage, .. })
                    if *stage == ReportStage::Final && !self.is_false(*id) && on(v) =>
                {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::Acknowledge, EventKind::ReportAcknowledged { id, by }) => match report {
                    Some(r) if r.id == *id && self.covers(by, &r.village) => Some((Some(by), Some(&r.village))),
                    Some(_) => None,
                    None => self
                        .facts
                        .reports
                        .iter()
                        .find(|r| r.id == *id && !r.false_report && self.acts_on(a, &r.village))
                        .map(|r| (Some(by), Some(&r.village))),
                },
                (ActionKind::ActivateLevel(l), EventKind::LevelActivated { level, by }) if level >= l => {
                    Some((Some(by), None))
                }
                (
                    ActionKind::Warn(want),
                    EventKind::WarningIssued { village: v, by } | EventKind::EvacuationOrdered { village: v, by },
                )
                | (ActionKind::Evacuate(want), EventKind::EvacuationOrdered { village: v, by })
                    if want.as_ref().map_or_else(|| on(v), |w| w == v) =>
                {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::Dispatch(team), EventKind::TeamDispatched { team: t, village: v, by, .. })
                    if team.as_ref().is_none_or(|x| x == t) =>
                {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::ReportUp, EventKind::ReportedUp { by, .. }) => Some((Some(by), None)),
                (ActionKind::AllSafe(want), EventKind::VillageEvacuated { village: v, .. })
                    if want.as_ref().map_or_else(|| on(v), |w| w == v) =>
                {
                    Some((None, Some(v)))
                }
                (ActionKind::HeadCount, EventKind::HeadCounted { village: v, by, .. }) if on(v) => {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::SendMaterials, EventKind::MaterialsSent { by, .. }) => Some((Some(by), None)),
                (ActionKind::RequestSupport, EventKind::SupportRequested { by, .. }) => Some((Some(by), None)),
                (ActionKind::DecideRequest, EventKind::RequestDecided { by, .. }) => Some((Some(by), None)),
                (ActionKind::HoldVillage, EventKind::VillageHeld { village: v, held: true, by }) if on(v) => {
                    Some((Some(by), Some(v)))
                }
                (ActionKind::EndResponse, EventKind::ResponseEnded { by }) => Some((Some(by), None)),
                _ => None,
            };
            let Some((by, v)) = hit else { continue };
            if let Some(by) = by
                && !self.who_ok(a, by)
            {
                continue;
            }
            out.push(Hit { t_s: e.t_s, index: i, by: by.cloned(), village: v.cloned() });
        }
        out
    }

    fn is_false(&self, id: u32) -> bool {
        self.facts.reports.iter().any(|r| r.id == id && r.false_report)
    }

    /// Whether a role may answer for a village: a township's post only for its own.
    fn covers(&self, role: &Role, village: &str) -> bool {
        match role {
            Role::Command(Some(t)) => self.facts.township_of(village).is_none_or(|x| x == t),
            _ => true,
        }
    }

    /// The instances an action is judged on.
    fn instances(&self, a: &RequiredAction) -> Vec<Instance> {
        let single = |village: Option<&str>| {
            let (fact, extra_min) = self.fact_for(a, village, 0);
            Instance {
                subject: village.map(|v| Text::new(v, v)),
                fact,
                extra_min,
                hits: self.hits(a, village, None),
                pred: self.pred(a, village),
                village: village.map(str::to_string).or_else(|| match &a.what {
                    ActionKind::Warn(Some(v)) | ActionKind::Evacuate(Some(v)) | ActionKind::AllSafe(Some(v)) => {
                        Some(v.clone())
                    }
                    _ => None,
                }),
            }
        };
        let after_report = matches!(&a.after, Anchor::Action(id) if self.plan_action(id).is_some_and(|b| b.what == ActionKind::Report));
        if a.what == ActionKind::Acknowledge && after_report {
            // Each true first report (初报) from the action's villages is acknowledged from when it came in.
            let reports: Vec<&FiledReport> = self
                .facts
                .reports
                .iter()
                .filter(|r| r.initial && !r.false_report && self.acts_on(a, &r.village))
                .collect();
            if reports.is_empty() {
                return vec![Instance {
                    subject: None,
                    fact: None,
                    extra_min: 0.0,
                    hits: self.hits(a, None, None),
                    pred: None,
                    village: None,
                }];
            }
            return reports
                .into_iter()
                .map(|r| Instance {
                    subject: Some(Text::new(format!("第{}号报告", r.id), format!("report {}", r.id))),
                    fact: Some(Self::report_fact(r, false)),
                    extra_min: 0.0,
                    hits: self.hits(a, None, Some(r)),
                    pred: None,
                    village: Some(r.village.clone()),
                })
                .collect();
        }
        let villages: Option<Vec<String>> = if a.what == ActionKind::Report && a.after == Anchor::HazardSeen {
            Some(self.facts.seen.iter().map(|(v, ..)| v.clone()).filter(|v| self.acts_on(a, v)).collect())
        } else if is_village_set(&a.what) {
            Some(self.facts.threatened().into_iter().filter(|v| self.acts_on(a, v)).collect())
        } else {
            None
        };
        match villages {
            Some(vs) if !vs.is_empty() => vs.iter().map(|v| single(Some(v))).collect(),
            Some(_) => vec![Instance {
                subject: None,
                fact: None,
                extra_min: 0.0,
                hits: self.hits(a, None, None),
                pred: None,
                village: None,
            }],
            None => vec![single(None)],
        }
    }

    /// When the action this one must follow (`after: Action(..)`, not a report) was done.
    fn pred(&self, a: &RequiredAction, village: Option<&str>) -> Option<(String, u32)> {
        let Anchor::Action(id) = &a.after else { return None };
        let b = self.plan_action(id)?;
        if b.what == ActionKind::Report {
            return None;
        }
        let v = if is_village_set(&b.what) { village } else { None };
        self.hits(b, v, None).first().map(|h| (b.id.clone(), h.t_s))
    }

    fn hit_evidence(&self, h: &Hit, zh: &str, en: &str) -> Evidence {
        evidence(
            self.input,
            h.index,
            Text::new(
                format!("{zh} {}分", fmt_min(minutes(h.t_s))),
                format!("{en} at min {}", fmt_min(minutes(h.t_s))),
            ),
        )
    }

    /// Judges one instance.
    fn judge(&self, a: &RequiredAction, inst: &Instance) -> Judged {
        let deadline_min = a.deadline_min + inst.extra_min;
        let deadline_s = (deadline_min * 60.0).round().max(0.0) as u32;
        let at_s = self.input.at_s;
        let mut evidence_list = Vec::new();
        if let Some(f) = &inst.fact {
            let note = Text::new(format!("起算: {}", f.label.zh), format!("counted from: {}", f.label.en));
            evidence_list.push(match f.event {
                Some(i) => evidence(self.input, i, note),
                None => Evidence { t_s: f.t_s, event: None, journal: None, note },
            });
        }
        // Done on the strength of a false report: before the true fact, after a false claim
        // about the village (or any, for actions on no village).
        let fact_s = inst.fact.as_ref().map(|f| f.t_s);
        let (valid, on_false): (Vec<&Hit>, Vec<&Hit>) = inst.hits.iter().partition(|h| {
            let before = fact_s.is_none_or(|f| h.t_s < f);
            let claim = self.facts.false_claim_s(h.village.as_deref().or(inst.village.as_deref()));
            !(before && claim.is_some_and(|c| c <= h.t_s))
        });
        for h in &on_false {
            evidence_list.push(self.hit_evidence(h, "据不实报告所为, 不计", "done on a false report, not counted"));
        }
        let false_note = if on_false.is_empty() {
            Text::default()
        } else {
            Text::new("（另有依据不实报告所做，不计）", " (also done on a false report, not counted)")
        };
        let subject = inst
            .subject
            .as_ref()
            .map_or_else(Text::default, |s| Text::new(format!("{}: ", s.zh), format!("{}: ", s.en)));
        let words = |zh: String, en: String| {
            Text::new(format!("{}{zh}{}", subject.zh, false_note.zh), format!("{}{en}{}", subject.en, false_note.en))
        };
        let rule = a.early_rule();
        let dmin = fmt_min(deadline_min);
        let Some(fact) = inst.fact.clone() else {
            return match valid.first() {
                Some(h) => {
                    evidence_list.push(self.hit_evidence(h, "完成", "done"));
                    Judged {
                        status: ActionStatus::Early,
                        credit: if rule == EarlyRule::Counts { 1.0 } else { 0.0 },
                        fact: None,
                        deadline_min,
                        done: Some((*h).clone()),
                        why: words(
                            format!("提前: {}分已做, 其起算事实尚未发生(不计入总分)", fmt_min(minutes(h.t_s))),
                            format!(
                                "early: done at min {} though the fact it counts from has not happened (not in the score)",
                                fmt_min(minutes(h.t_s))
                            ),
                        ),
                        evidence: evidence_list,
                    }
                }
                None => Judged {
                    status: ActionStatus::NotDue,
                    credit: 0.0,
                    fact: None,
                    deadline_min,
                    done: None,
                    why: words(
                        "未到期: 起算事实尚未发生".into(),
                        "not due: the fact it counts from has not happened".into(),
                    ),
                    evidence: evidence_list,
                },
            };
        };
        let from = fmt_min(minutes(fact.t_s));
        let end_s = fact.t_s.saturating_add(deadline_s);
        let early = valid.iter().find(|h| h.t_s < fact.t_s).copied();
        let after = valid.iter().find(|h| h.t_s >= fact.t_s).copied();
        let judged = |status, credit, done: Option<&Hit>, why: Text, ev: Vec<Evidence>| Judged {
            status,
            credit,
            fact: Some(fact.clone()),
            deadline_min,
            done: done.cloned(),
            why,
            evidence: ev,
        };
        if let Some(e) = early {
            evidence_list.push(self.hit_evidence(e, "提前完成", "done early"));
            if rule == EarlyRule::Counts {
                let why = words(
                    format!("提前: {}分已做, 早于{}({}分), 按规则计分", fmt_min(minutes(e.t_s)), fact.label.zh, from),
                    format!(
                        "early: done at min {}, before {} (min {}); early counts",
                        fmt_min(minutes(e.t_s)),
                        fact.label.en,
                        from
                    ),
                );
                return judged(ActionStatus::Early, 1.0, Some(e), why, evidence_list);
            }
            if after.is_none() {
                let why = words(
                    format!(
                        "提前: {}分已做, 早于{}({}分), 按规则不计分; 其后未再做",
                        fmt_min(minutes(e.t_s)),
                        fact.label.zh,
                        from
                    ),
                    format!(
                        "early: done at min {}, before {} (min {}); early does not count and it was not done again",
                        fmt_min(minutes(e.t_s)),
                        fact.label.en,
                        from
                    ),
                );
                let status = if at_s >= end_s { ActionStatus::Early } else { ActionStatus::NotDue };
                return judged(status, 0.0, Some(e), why, evidence_list);
            }
        }
        let Some(h) = after else {
            if at_s >= end_s {
                let why = words(
                    format!("缺: 自{}({}分)起 {} 分钟内未完成", fact.label.zh, from, dmin),
                    format!("missing: not done within {} min of {} (min {})", dmin, fact.label.en, from),
                );
                return judged(ActionStatus::Missing, 0.0, None, why, evidence_list);
            }
            let why = words(
                format!(
                    "未到期: 时限至 {} 分(自{} {}分起 {} 分钟)",
                    fmt_min(minutes(end_s)),
                    fact.label.zh,
                    from,
                    dmin
                ),
                format!(
                    "not due yet: deadline min {} ({} min from {} at min {})",
                    fmt_min(minutes(end_s)),
                    dmin,
                    fact.label.en,
                    from
                ),
            );
            return judged(ActionStatus::NotDue, 0.0, None, why, evidence_list);
        };
        evidence_list.push(self.hit_evidence(h, "完成", "done"));
        let done = fmt_min(minutes(h.t_s));
        let (mut status, mut credit, mut why) = if h.t_s <= end_s {
            (
                ActionStatus::OnTime,
                1.0,
                words(
                    format!("按时: {}分完成(时限 {} 分钟, 自{} {}分起算)", done, dmin, fact.label.zh, from),
                    format!(
                        "on time: done at min {} (deadline {} min from {} at min {})",
                        done, dmin, fact.label.en, from
                    ),
                ),
            )
        } else {
            let late = minutes(h.t_s - end_s);
            let c = late_credit(late, a.half_life_min());
            (
                ActionStatus::Late,
                c,
                words(
                    format!(
                        "迟 {} 分钟(时限 {} 分钟, 自{} {}分起算), 得分 {:.2}",
                        fmt_min(late),
                        dmin,
                        fact.label.zh,
                        from,
                        c
                    ),
                    format!(
                        "{} min late (deadline {} min from {} at min {}), credit {:.2}",
                        fmt_min(late),
                        dmin,
                        fact.label.en,
                        from,
                        c
                    ),
                ),
            )
        };
        if let Some((pred, p)) = &inst.pred
            && h.by.is_some()
            && h.t_s < *p
        {
            status = ActionStatus::OutOfOrder;
            credit *= 0.5;
            why = words(
                format!(
                    "顺序错: {}分完成, 早于前置动作 {}({}分), 得分减半 {:.2}",
                    done,
                    pred,
                    fmt_min(minutes(*p)),
                    credit
                ),
                format!(
                    "out of order: done at min {}, before {} (min {}); credit halved to {:.2}",
                    done,
                    pred,
                    fmt_min(minutes(*p)),
                    credit
                ),
            );
        }
        judged(status, credit, Some(h), why, evidence_list)
    }

    /// Judges an action on all its instances: the worst verdict, the mean credit of those that
    /// count, every instance's evidence.
    fn action(&self, a: &RequiredAction) -> ActionResult {
        let judged: Vec<Judged> = self.instances(a).iter().map(|i| self.judge(a, i)).collect();
        let lateness = |j: &Judged| match (&j.done, &j.fact) {
            (Some(h), Some(f)) => h.t_s as f64 - f.t_s as f64,
            _ => f64::INFINITY,
        };
        let counted: Vec<&Judged> = judged.iter().filter(|j| j.counted()).collect();
        let pool: Vec<&Judged> = if counted.is_empty() { judged.iter().collect() } else { counted.clone() };
        let worst = pool
            .iter()
            .copied()
            .max_by(|x, y| rank(x.status).cmp(&rank(y.status)).then(lateness(x).total_cmp(&lateness(y))));
        let credit = if counted.is_empty() {
            worst.map_or(0.0, |w| w.credit)
        } else {
            counted.iter().map(|j| j.credit).sum::<f64>() / counted.len() as f64
        };
        let mut why = worst.map_or_else(Text::default, |w| w.why.clone());
        if judged.len() > 1 {
            let n = |s: ActionStatus| judged.iter().filter(|j| j.status == s).count();
            why = Text::new(
                format!(
                    "共 {} 项: 按时 {}, 提前 {}, 迟 {}, 缺 {}, 顺序错 {}, 未到期 {}; 平均得分 {:.2}; 最差: {}",
                    judged.len(),
                    n(ActionStatus::OnTime),
                    n(ActionStatus::Early),
                    n(ActionStatus::Late),
                    n(ActionStatus::Missing),
                    n(ActionStatus::OutOfOrder),
                    n(ActionStatus::NotDue),
                    credit,
                    why.zh
                ),
                format!(
                    "{} in all: {} on time, {} early, {} late, {} missing, {} out of order, {} not due; mean credit {:.2}; worst: {}",
                    judged.len(),
                    n(ActionStatus::OnTime),
                    n(ActionStatus::Early),
                    n(ActionStatus::Late),
                    n(ActionStatus::Missing),
                    n(ActionStatus::OutOfOrder),
                    n(ActionStatus::NotDue),
                    credit,
                    why.en
                ),
            );
        }
        ActionResult {
            id: a.id.clone(),
            name: a.name.clone(),
            who: a.who.clone(),
            status: worst.map_or(ActionStatus::NotDue, |w| w.status),
            due_from_min: worst.and_then(|w| w.fact.as_ref()).map(|f| minutes(f.t_s)),
            deadline_min: worst.map_or(a.deadline_min, |w| w.deadline_min),
            done_at_min: worst.and_then(|w| w.done.as_ref()).map(|h| minutes(h.t_s)),
            done_by: worst.and_then(|w| w.done.as_ref()).and_then(|h| h.by.as_ref()).map(|r| r.to_string()),
            credit,
            why,
            evidence: judged.into_iter().flat_map(|j| j.evidence).collect(),
        }
    }
}

/// Whether a trigger is (or may be met by) the command post's first report.
fn mentions_first_report(t: &Trigger) -> bool {
    match t {
        Trigger::FirstReport => true,
        Trigger::Any(any) => any.iter().any(mentions_first_report),
        _ => false,
    }
}
