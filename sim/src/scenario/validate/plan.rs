//! Checks of who plays and what the plan asks: roles on offer, response levels and their triggers,
//! required actions (who, what, after what), injects and scoring weights.

use std::collections::BTreeSet;

use crate::access::orders_for;
use crate::roles::{RoleKind, RolePattern};
use crate::weather::{RAIN_RECORD_H, RAIN_WINDOWS_H, window_index};
use crate::world::OrderKind;

use super::super::{ActionKind, Anchor, InjectEvent, ItemSource, Level, Trigger};
use super::{Check, suggest};

/// The order a required action is done with, if it is done by an order.
fn order_of(what: &ActionKind) -> Option<OrderKind> {
    Some(match what {
        ActionKind::Report => OrderKind::Report,
        ActionKind::Acknowledge => OrderKind::Acknowledge,
        ActionKind::ActivateLevel(_) => OrderKind::ActivateLevel,
        ActionKind::Warn(_) => OrderKind::Warn,
        ActionKind::Evacuate(_) => OrderKind::Evacuate,
        ActionKind::Dispatch(_) => OrderKind::Dispatch,
        ActionKind::ReportUp => OrderKind::ReportUp,
        ActionKind::AllSafe(_) => return None,
        ActionKind::FollowUpReport | ActionKind::FinalReport => OrderKind::Report,
        ActionKind::HeadCount => OrderKind::HeadCount,
        ActionKind::SendMaterials => OrderKind::SendMaterials,
        ActionKind::RequestSupport => OrderKind::RequestSupport,
        ActionKind::DecideRequest => OrderKind::Decide,
        ActionKind::HoldVillage => OrderKind::HoldVillage,
        ActionKind::EndResponse => OrderKind::EndResponse,
    })
}

/// A role pattern, with the validator's hint on what else may be written.
fn parse_pattern(s: &str) -> Result<RolePattern, String> {
    RolePattern::parse(s).map_err(|e| format!("{e}, or informant:* / team:* for all"))
}

impl Check<'_> {
    fn offered(&self) -> Vec<RolePattern> {
        self.s.roles.iter().filter_map(|r| parse_pattern(r).ok()).collect()
    }

    /// Checks a role name's target (township, village, team) exists.
    fn role_target(&mut self, path: &str, pat: &RolePattern) {
        let Some(t) = &pat.target else { return };
        match pat.kind {
            RoleKind::Command => self.township_ref(path, t),
            RoleKind::Informant => self.village_ref(path, t),
            RoleKind::Team => {
                if !self.s.teams.iter().any(|x| &x.name == t) {
                    let hint = suggest(t, self.s.teams.iter().map(|x| x.name.as_str()));
                    self.problem(path, format!("unknown team `{t}`: not in `teams`{hint}"));
                }
            }
            RoleKind::Controller | RoleKind::County => {}
        }
    }

    /// Parses a role used by the plan or an inject and checks the scenario offers it (`None` if not).
    fn role_on_offer(&mut self, path: &str, who: &str) -> Option<RolePattern> {
        let pat = match parse_pattern(who) {
            Ok(p) => p,
            Err(e) => {
                self.problem(path, e);
                return None;
            }
        };
        let on_offer = self.offered().iter().any(|o| {
            o.kind == pat.kind
                && (pat.target.is_none()
                    || o.target == pat.target
                    || (o.target.is_none() && matches!(o.kind, RoleKind::Informant | RoleKind::Team)))
        });
        if !on_offer {
            self.problem(
                path,
                format!(
                    "role `{who}` does not exist in this drill: it is not among `roles` ({})",
                    self.s.roles.join(", ")
                ),
            );
            return None;
        }
        self.role_target(path, &pat);
        Some(pat)
    }

    pub(super) fn roles(&mut self) {
        let s = self.s;
        if s.roles.is_empty() {
            self.problem("roles", "no roles on offer: list at least the command post, e.g. [\"controller\", \"command\", \"informant:*\"]");
        }
        let mut seen = BTreeSet::new();
        for (i, r) in s.roles.iter().enumerate() {
            let p = format!("roles[{i}]");
            match parse_pattern(r) {
                Err(e) => self.problem(&p, e),
                Ok(pat) => {
                    if !seen.insert(r.trim()) {
                        self.problem(&p, format!("role `{r}` is listed twice"));
                    }
                    if pat.kind == RoleKind::Team && pat.target.is_none() && s.teams.is_empty() {
                        self.problem(&p, "`team:*` offers every team, but `teams` is empty");
                    }
                    self.role_target(&p, &pat);
                }
            }
        }
    }

    fn level_defined(&mut self, path: &str, level: Level) {
        if !self.s.plan.levels.iter().any(|l| l.level == level) {
            self.problem(path, format!("level {} is not defined in plan.levels", level.name()));
        }
    }

    fn trigger(&mut self, path: &str, t: &Trigger) {
        let s = self.s;
        match t {
            Trigger::RainOver { hours, mm } => {
                if window_index(*hours).is_none() {
                    let windows: Vec<String> = RAIN_WINDOWS_H.iter().map(|h| h.to_string()).collect();
                    self.problem(
                        format!("{path}.hours"),
                        format!(
                            "{hours} h: rain is recorded in whole hours from 1 to {RAIN_RECORD_H}; the rainstorm signals use {}",
                            windows.join(", ")
                        ),
                    );
                }
                self.positive(&format!("{path}.mm"), *mm, "mm");
            }
            Trigger::GaugeAbove { gauge, .. } => {
                let gauges: Vec<&str> =
                    s.hazards.flood.iter().flat_map(|f| f.gauges.iter().map(|g| g.name.as_str())).collect();
                if !gauges.contains(&gauge.as_str()) {
                    self.problem(
                        format!("{path}.gauge"),
                        format!(
                            "unknown gauge `{gauge}`: not in hazards.flood.gauges{}",
                            suggest(gauge, gauges.into_iter())
                        ),
                    );
                }
            }
            Trigger::FireArea { hectares } => self.positive(&format!("{path}.hectares"), *hectares, "hectares"),
            Trigger::FireBurning { hours } => self.positive(&format!("{path}.hours"), *hours, "hours"),
            Trigger::RainIntensityDuration { scale_mm_per_h, exponent } => {
                self.positive(&format!("{path}.scale_mm_per_h"), *scale_mm_per_h, "scale_mm_per_h");
                if !(exponent.is_finite() && (0.0..=2.0).contains(exponent)) {
                    self.problem(
                        format!("{path}.exponent"),
                        format!("exponent {exponent} is out of range: give a value from 0 up to 2 (Caine 1980: 0.39)"),
                    );
                }
            }
            Trigger::SlopeSigns { point } | Trigger::SlopeFailed { point } => {
                let points: Vec<&str> =
                    s.hazards.landslide.iter().flat_map(|l| l.points.iter().map(|p| p.name.as_str())).collect();
                if !points.contains(&point.as_str()) {
                    self.problem(
                        format!("{path}.point"),
                        format!(
                            "unknown hazard point `{point}`: not in hazards.landslide.points{}",
                            suggest(point, points.into_iter())
                        ),
                    );
                }
            }
            Trigger::FirstReport => {}
            Trigger::AtMinute(m) => {
                self.time(path, *m);
            }
            Trigger::Any(any) => {
                if any.is_empty() {
                    self.problem(path, "Any([...]) needs at least one trigger".to_string());
                }
                for (i, t) in any.iter().enumerate() {
                    self.trigger(&format!("{path}[{i}]"), t);
                }
            }
        }
    }

    pub(super) fn plan(&mut self) {
        let plan = &self.s.plan;
        if plan.levels.is_empty() {
            self.problem("plan.levels", "no response levels: give levels IV to I with their triggers");
        }
        if plan.actions.is_empty() {
            self.problem("plan.actions", "no required actions: the drill is scored on them");
        }
        let mut seen = BTreeSet::new();
        for (i, l) in plan.levels.iter().enumerate() {
            let p = format!("plan.levels[{i}]");
            if !seen.insert(l.level) {
                self.problem(format!("{p}.level"), format!("level {} is defined twice", l.level.name()));
            }
            self.trigger(&format!("{p}.trigger"), &l.trigger);
            if let Some(by) = self.role_on_offer(&format!("{p}.by"), &l.by) {
                self.may_give(&format!("{p}.by"), &l.by, &by, OrderKind::ActivateLevel);
            }
        }
        self.unique_ids();
        for (i, a) in plan.actions.iter().enumerate() {
            let p = format!("plan.actions[{i}]");
            if a.name.trim().is_empty() {
                self.problem(format!("{p}.name"), "name is empty: say what the plan requires");
            }
            if let Some(who) = self.role_on_offer(&format!("{p}.who"), &a.who)
                && let Some(order) = order_of(&a.what)
            {
                self.may_give(&format!("{p}.who"), &a.who, &who, order);
            }
            self.positive(&format!("{p}.deadline_min"), a.deadline_min, "deadline_min");
            let wp = format!("{p}.what");
            match &a.what {
                ActionKind::ActivateLevel(l) => self.level_defined(&wp, *l),
                ActionKind::Warn(Some(v)) | ActionKind::Evacuate(Some(v)) | ActionKind::AllSafe(Some(v)) => {
                    self.village_ref(&wp, v)
                }
                ActionKind::Dispatch(Some(t)) if !self.s.teams.iter().any(|x| &x.name == t) => {
                    let hint = suggest(t, self.s.teams.iter().map(|x| x.name.as_str()));
                    self.problem(&wp, format!("unknown team `{t}`: not in `teams`{hint}"));
                }
                _ => {}
            }
            let ap = format!("{p}.after");
            match &a.after {
                Anchor::LevelTriggered(l) | Anchor::LevelActivated(l) => self.level_defined(&ap, *l),
                Anchor::Action(id) => {
                    if !plan.actions.iter().any(|x| &x.id == id) {
                        let hint = suggest(id, plan.actions.iter().map(|x| x.id.as_str()));
                        self.problem(
                            &ap,
                            format!("unknown action `{id}`: no action in plan.actions has this id{hint}"),
                        );
                    }
                }
                Anchor::Start | Anchor::HazardSeen => {}
            }
            if let Some(c) = &a.late {
                self.positive(&format!("{p}.late.half_life_min"), c.half_life_min, "half_life_min");
            }
        }
        self.action_cycles();
        self.indicators();
        self.grades();
        self.reporting();
    }

    /// The evaluation form: items name actions that exist, points are 0 or more, ids are unique.
    fn indicators(&mut self) {
        let Some(specs) = &self.s.plan.indicators else { return };
        let actions = &self.s.plan.actions;
        let mut ids = BTreeSet::new();
        for (i, spec) in specs.iter().enumerate() {
            let p = format!("plan.indicators[{i}]");
            if spec.id.trim().is_empty() {
                self.problem(format!("{p}.id"), "indicator id is empty");
            }
            if spec.items.is_empty() {
                self.problem(format!("{p}.items"), "indicator has no items: give at least one item with its points");
            }
            for (k, item) in spec.items.iter().enumerate() {
                let ip = format!("{p}.items[{k}]");
                if item.id.trim().is_empty() {
                    self.problem(format!("{ip}.id"), "item id is empty");
                } else if !ids.insert(item.id.as_str()) {
                    self.problem(format!("{ip}.id"), format!("item id `{}` is used twice in plan.indicators", item.id));
                }
                if !(item.max.is_finite() && item.max >= 0.0) {
                    self.problem(format!("{ip}.max"), format!("points must be 0 or more, found {}", item.max));
                }
                match &item.from {
                    ItemSource::Action(id) if !actions.iter().any(|a| &a.id == id) => {
                        let hint = suggest(id, actions.iter().map(|a| a.id.as_str()));
                        self.problem(
                            format!("{ip}.from"),
                            format!("unknown action `{id}`: no action in plan.actions has this id{hint}"),
                        );
                    }
                    ItemSource::Discipline { kinds, points } => {
                        if kinds.is_empty() {
                            self.problem(format!("{ip}.from"), "Discipline(kinds: []) names no kind of finding");
                        }
                        if !(points.is_finite() && *points >= 0.0) {
                            self.problem(
                                format!("{ip}.from"),
                                format!("points per finding must be 0 or more, found {points}"),
                            );
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Grade thresholds: 0 ≤ fair ≤ good ≤ excellent ≤ 100.
    fn grades(&mut self) {
        let Some(g) = &self.s.plan.grades else { return };
        for (name, v) in [("excellent", g.excellent), ("good", g.good), ("fair", g.fair)] {
            self.range(&format!("plan.grades.{name}"), v, 0.0, 100.0, name);
        }
        if !(g.fair <= g.good && g.good <= g.excellent) {
            self.problem(
                "plan.grades",
                format!(
                    "thresholds out of order: need fair ≤ good ≤ excellent (一般 ≤ 良 ≤ 优), found fair {}, good {}, excellent {}",
                    g.fair, g.good, g.excellent
                ),
            );
        }
    }

    /// `plan.reporting`: the minutes are positive, the tolerances sensible, the fields unique.
    fn reporting(&mut self) {
        let r = &self.s.plan.reporting;
        if let Some(m) = r.first_report_min {
            self.positive("plan.reporting.first_report_min", m, "first_report_min");
        }
        self.positive("plan.reporting.follow_up_every_min", r.follow_up_every_min, "follow_up_every_min");
        let t = &r.tolerances;
        if t.severity_steps > 3 {
            self.problem(
                "plan.reporting.tolerances.severity_steps",
                format!("severity_steps must be 0 to 3 (the scale is 1–4), found {}", t.severity_steps),
            );
        }
        let (pp, dm) = (t.people_percent, t.distance_m);
        self.range("plan.reporting.tolerances.people_percent", pp, 0.0, 1000.0, "people_percent");
        self.range("plan.reporting.tolerances.distance_m", dm, 0.0, 100_000.0, "distance_m");
        let mut seen = BTreeSet::new();
        for (i, f) in r.required_fields.iter().enumerate() {
            if !seen.insert(*f) {
                self.problem(format!("plan.reporting.required_fields[{i}]"), format!("field {f:?} is listed twice"));
            }
        }
    }

    /// The role kind must be allowed to give the order the action needs.
    fn may_give(&mut self, path: &str, who: &str, pat: &RolePattern, order: OrderKind) {
        let allowed = orders_for(&pat.sample());
        if !allowed.contains(&order) {
            let names: Vec<String> = allowed.iter().map(|o| format!("{o:?}")).collect();
            self.problem(
                path,
                format!(
                    "role `{who}` cannot give the order {order:?} (a {} may give: {})",
                    pat.kind.label_zh(),
                    names.join(", ")
                ),
            );
        }
    }

    fn unique_ids(&mut self) {
        let mut seen = BTreeSet::new();
        for (i, a) in self.s.plan.actions.iter().enumerate() {
            if a.id.trim().is_empty() {
                self.problem(format!("plan.actions[{i}].id"), "id is empty");
            } else if !seen.insert(a.id.as_str()) {
                self.problem(format!("plan.actions[{i}].id"), format!("action id `{}` is used twice", a.id));
            }
        }
    }

    /// `after: Action(..)` chains must end at a trigger, not loop.
    fn action_cycles(&mut self) {
        let actions = &self.s.plan.actions;
        let next = |i: usize| match &actions[i].after {
            Anchor::Action(id) => actions.iter().position(|a| &a.id == id),
            _ => None,
        };
        for start in 0..actions.len() {
            let mut chain = vec![start];
            let mut cur = start;
            while let Some(n) = next(cur) {
                if n == start {
                    // Report each cycle once, at its first action in the file.
                    if chain.iter().all(|&k| k >= start) {
                        let ids: Vec<&str> = chain.iter().chain([&start]).map(|&k| actions[k].id.as_str()).collect();
                        self.problem(
                            format!("plan.actions[{start}].after"),
                            format!("actions wait for each other in a cycle: {}", ids.join(" → ")),
                        );
                    }
                    break;
                }
                if chain.contains(&n) {
                    break;
                }
                chain.push(n);
                cur = n;
            }
        }
    }

    /// Reaction times: a role pattern on offer, and `0 <= min_min <= max_min <= 1440`.
    pub(super) fn reaction(&mut self) {
        for (i, r) in self.s.reaction.iter().enumerate() {
            let p = format!("reaction[{i}]");
            self.role_on_offer(&format!("{p}.who"), &r.who);
            self.range(&format!("{p}.min_min"), r.min_min, 0.0, 24.0 * 60.0, "min_min");
            self.range(&format!("{p}.max_min"), r.max_min, 0.0, 24.0 * 60.0, "max_min");
            if r.max_min < r.min_min {
                self.problem(
                    format!("{p}.max_min"),
                    format!("max_min {} is less than min_min {}", r.max_min, r.min_min),
                );
            }
        }
    }

    pub(super) fn injects(&mut self) {
        for (i, inj) in self.s.injects.iter().enumerate() {
            let p = format!("injects[{i}]");
            match (&inj.at_min, &inj.when) {
                (None, None) => self.problem(&p, "give `at_min` or `when` to say when the inject happens"),
                (Some(_), Some(_)) => self.problem(&p, "give either `at_min` or `when`, not both"),
                (Some(t), None) => {
                    self.time(&format!("{p}.at_min"), *t);
                }
                (None, Some(w)) => self.trigger(&format!("{p}.when"), w),
            }
            self.role_on_offer(&format!("{p}.to"), &inj.to);
            if inj.message.trim().is_empty() {
                self.problem(format!("{p}.message"), "message is empty");
            }
            let ep = format!("{p}.event");
            match &inj.event {
                Some(InjectEvent::Ignition(place)) | Some(InjectEvent::RoadBlocked(place, _)) => self.place(&ep, place),
                Some(InjectEvent::ReturnHome(v)) => self.village_ref(&ep, v),
                Some(InjectEvent::FalseReport { village, .. }) => {
                    self.village_ref(&format!("{ep}.village"), village);
                    if !self.offered().iter().any(|p| p.kind == RoleKind::Command) {
                        self.problem(&ep, "a false report goes to the command post, but no `command` role is on offer");
                    }
                }
                Some(InjectEvent::Cloudburst { rain_mm_per_h, for_min }) => {
                    self.range(&format!("{ep}.rain_mm_per_h"), *rain_mm_per_h, 0.0, 300.0, "rain_mm_per_h");
                    self.positive(&format!("{ep}.for_min"), *for_min, "for_min");
                }
                None => {}
            }
        }
    }

    pub(super) fn scoring(&mut self) {
        let w = &self.s.scoring;
        let all = [("adherence", w.adherence), ("timeliness", w.timeliness), ("outcome", w.outcome)];
        for (name, v) in all {
            if !(v.is_finite() && v >= 0.0) {
                self.problem(format!("scoring.{name}"), format!("weight {name} must be 0 or more, found {v}"));
            }
        }
        let sum: f64 = all.iter().map(|(_, v)| v.max(0.0)).sum();
        // Written so that NaN also fails.
        if sum.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
            self.problem("scoring", "the scoring weights add up to 0: give at least one weight more than 0");
        }
    }
}
