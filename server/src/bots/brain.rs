//! A bot's brain: given its role, its seat's briefing (the plan, the villages and teams in its
//! care, the hazard register of landslide points) and the latest view of its role, it decides
//! which orders to give. Pure: no I/O, no clock, no randomness; the same views give the same
//! orders, so a drill played by bots is reproducible. It knows only what its seat is told.
//! It decides *what*; when the order goes out is the bot's agenda (`bots::agenda`), which asks
//! [`Brain::still_needed`] once the time has come.
//! Triggers are judged by the one [`Trigger::met`](sim::scenario::Trigger) over what the view
//! shows; which villages and teams are its own comes from the briefing (`sim::access`).
//!
//! What each role does, following the plan (docs: plans.md):
//! - informant: reports a hazard seen near its village (信息快报), warns and starts evacuating its
//!   own village when the hazard is close, and on its landslide points' warning signs
//!   ("三个紧急撤离": strong rain on a hazard point means leave at once);
//! - command: acknowledges reports (叫应), activates each level whose trigger it can see met,
//!   warns and evacuates threatened villages, dispatches its teams, reports up to the county;
//! - county: acknowledges, activates county levels, sends county teams where villages are hit;
//! - team: accepts the tasks it is given, reports what it sees where it is;
//! - controller: fires each scripted inject once it is due (the clock is the server's
//!   `--autostart` or a human's).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sim::access::{Briefing, RegisteredPoint, orders_for};
use sim::map::{RoadGraph, Xy};
use sim::roles::fits;
use sim::scenario::{ActionKind, Anchor, Level, RequiredAction, Stage, Trigger};
use sim::triggers::TriggerFacts;
use sim::view::{DepotView, HazardCellKind, RoleView, TeamState};
use sim::weather::Weather;
use sim::world::{Consignee, ReportForm, ReportStage, SupportKind, Target};
use sim::{HazardKind, Order, Role, Task};

/// How far (m) from its position a team reports what it sees.
const REPORT_RADIUS_M: f64 = 2500.0;
/// A hazard this close to a village means warn and leave now.
const DANGER_RADIUS_M: f64 = 1500.0;
/// A hazard this close to a village is in it (about two cells).
const VILLAGE_RADIUS_M: f64 = 150.0;
/// Villages this close to a gauge at 警戒水位 or above count as threatened.
const GAUGE_RADIUS_M: f64 = 3000.0;

/// The grid geometry needed to place hazard cells (from the map's metadata).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    pub cols: usize,
    pub cell_size_m: f64,
}

impl Grid {
    fn centre(&self, cell: u32) -> Xy {
        let cols = self.cols.max(1);
        let (c, r) = (cell as usize % cols, cell as usize / cols);
        [(c as f64 + 0.5) * self.cell_size_m, (r as f64 + 0.5) * self.cell_size_m]
    }
}

pub struct Brain {
    role: Role,
    briefing: Arc<Briefing>,
    grid: Grid,
    /// The map's roads, to tell whether a load can get through before sending it.
    roads: Arc<RoadGraph>,
    /// Things already done, so no order is given twice ("warn:Canillo", "level:III"...).
    done: BTreeSet<String>,
    /// When this role first saw open flame.
    first_fire_t: Option<u32>,
    /// A team bot: the task it has decided to accept (and not yet seen accepted).
    accepting: Option<(String, Task)>,
    /// An informant: the note of each first report it made, by hazard (its own reports, told
    /// from any given in its name).
    own_reports: BTreeMap<HazardKind, String>,
    /// An informant: how far each hazard it reported was when it last reported it, m.
    last_distance: BTreeMap<HazardKind, f64>,
    /// When it first saw each village's evacuation ordered, drill seconds.
    evac_seen: BTreeMap<String, u32>,
    /// A post: when it last decided a report up, drill seconds.
    last_report_up_s: Option<u32>,
}

impl Brain {
    pub fn new(role: Role, briefing: Arc<Briefing>, grid: Grid, roads: Arc<RoadGraph>) -> Brain {
        Brain {
            role,
            briefing,
            grid,
            roads,
            done: BTreeSet::new(),
            first_fire_t: None,
            accepting: None,
            own_reports: BTreeMap::new(),
            last_distance: BTreeMap::new(),
            evac_seen: BTreeMap::new(),
            last_report_up_s: None,
        }
    }

    pub fn role(&self) -> &Role {
        &self.role
    }

    /// The orders to give after seeing `view`.
    pub fn decide(&mut self, view: &RoleView) -> Vec<Order> {
        self.observe(view);
        let mut out = Vec::new();
        match self.role.clone() {
            Role::Informant(v) => self.informant(&v, view, &mut out),
            Role::Command(t) => self.command(t.as_deref(), view, &mut out),
            Role::County => self.county(view, &mut out),
            Role::Team(t) => self.team(&t, view, &mut out),
            Role::Controller => {
                // Scripted injects are delivered when the controller fires them: at once when due.
                for &index in &view.injects_due {
                    self.once(format!("inject:{index}"), Order::FireInject { index }, &mut out);
                }
            }
        }
        self.plan_actions(view, &mut out);
        if out.iter().any(|o| matches!(o, Order::ReportUp { .. })) {
            self.last_report_up_s = Some(view.t_s);
        }
        out
    }

    fn observe(&mut self, view: &RoleView) {
        if self.first_fire_t.is_none() && view.hazard.iter().any(|h| h.kind == HazardCellKind::Burning) {
            self.first_fire_t = Some(view.t_s);
        }
    }

    /// Whether an order decided earlier is still worth giving now that its time has come: a
    /// report already answered, a level already on, a team no longer idle are not.
    pub fn still_needed(&self, order: &Order, view: &RoleView) -> bool {
        match order {
            Order::Acknowledge { report } => !view.reports.iter().any(|r| r.id == *report && r.acknowledged),
            Order::ActivateLevel { level } => !self.done.contains("end") && view.level.is_none_or(|cur| cur < *level),
            Order::Verify { report } => !view.reports.iter().any(|r| r.id == *report && r.verify_asked),
            Order::HoldVillage { village, held } => {
                !view.villages.iter().any(|v| &v.name == village && v.held == *held)
            }
            Order::EndResponse => view.level.is_some(),
            // The post looks at the stock and the roads before it sends: another load may have
            // taken the stock since, or the road may have closed.
            Order::SendMaterials { depot, material, amount, to } => {
                let waiting = match to {
                    Consignee::Team(team) => view.teams.iter().any(|t| {
                        &t.name == team && matches!(&t.state, TeamState::Waiting { material: m, .. } if m == material)
                    }),
                    Consignee::Village(_) => true,
                };
                waiting
                    && view.depots.iter().any(|d| {
                        &d.name == depot
                            && d.stock.get(material).is_some_and(|have| have >= amount)
                            && self.load_gets_through(view, d, to)
                    })
            }
            Order::Decide { request, .. } => view.requests.iter().any(|r| r.id == *request && r.decision.is_none()),
            Order::Dispatch { team, .. } => view.teams.iter().any(|t| &t.name == team && t.state == TeamState::Idle),
            Order::FireInject { index } => view.injects_due.contains(index),
            Order::AcceptTask => self.own_team(view).is_some_and(|t| task_of(&t.state).is_some() && !t.accepted),
            _ => true,
        }
    }

    /// Forgets having decided `order` (it was dropped as no longer needed), so the brain may
    /// decide afresh: a village whose team went elsewhere gets another one.
    pub fn retract(&mut self, order: &Order) {
        match order {
            Order::Dispatch { team, target, .. } => {
                self.done.remove(&format!("dispatch:{team}"));
                if let Target::Village(village) = target {
                    self.done.remove(&format!("dispatched-to:{village}"));
                }
            }
            Order::AcceptTask => self.accepting = None,
            Order::SendMaterials { to: Consignee::Village(village), .. } => {
                self.done.remove(&format!("materials:{village}"));
            }
            Order::SendMaterials { to: Consignee::Team(team), material, .. } => {
                self.done.remove(&format!("supply:{team}:{material}"));
            }
            _ => {}
        }
    }

    /// Gives `order` once per `key`.
    fn once(&mut self, key: String, order: Order, out: &mut Vec<Order>) {
        if self.done.insert(key) {
            out.push(order);
        }
    }

    // ---- roles -------------------------------------------------------------------------------

    fn informant(&mut self, village: &str, view: &RoleView, out: &mut Vec<Order>) {
        let Some(pos) = village_pos(view, village) else { return };
        // Whatever hazard the informant's view shows is in sight: report it (信息快报) at once.
        for (hazard, d, at) in self.hazard_points_near(view, pos, f64::INFINITY) {
            let note = format!(
                "{village} 附近发现{} (约 {d:.0} 米) / {hazard:?} seen {d:.0} m from {village}",
                hazard.label_zh()
            );
            let form = informant_form(view, village, hazard, d, at, note.clone());
            if self.done.insert(format!("report:{hazard:?}")) {
                self.own_reports.insert(hazard, note);
                self.last_distance.insert(hazard, d);
                out.push(Order::Report(form));
            }
            if d <= DANGER_RADIUS_M {
                self.warn_and_evacuate(village, out);
            }
        }
        // Landslide points the village sees (the world's rule): the monitor's word of cracks and
        // creep arrives as a message naming the point.
        let signs: Vec<(String, Xy)> = self
            .landslide_points()
            .filter(|p| sees_point(p, village, pos))
            .filter(|p| view.messages.iter().any(|m| m.text.contains(p.name.as_str()) && m.text.contains("裂缝")))
            .map(|p| (p.name.clone(), p.pos))
            .collect();
        for (point, at) in signs {
            let note = format!("{point} 出现裂缝蠕动迹象 / cracks and creep at {point}");
            let v = view.villages.iter().find(|v| v.name == village);
            let form = ReportForm {
                at: Some(at),
                // Signs of a slope about to fail above the village: 较大 (the danger radius).
                severity: 2,
                people_at_risk: v.and_then(|v| v.at_home).unwrap_or(0),
                actions_taken: v.map(duties::actions_taken).unwrap_or_default(),
                ..ReportForm::initial(village, HazardKind::Landslide, &note)
            };
            if self.done.insert(format!("report:slope:{point}")) {
                // One chain of 续报 per hazard: the first slope's.
                self.own_reports.entry(HazardKind::Landslide).or_insert(note);
                out.push(Order::Report(form));
            }
            self.warn_and_evacuate(village, out);
        }
        self.informant_duties(village, view, out);
    }

    fn command(&mut self, township: Option<&str>, view: &RoleView, out: &mut Vec<Order>) {
        self.acknowledge(view, out);
        self.activate_levels(view, out);
        let threatened = self.threatened(view);
        for (village, hazard) in &threatened {
            self.once(format!("warn:{village}"), Order::Warn { village: village.clone() }, out);
            let reported = self.trusted(view).any(|r| &r.village == village);
            if view.level.is_some() || reported {
                self.once(format!("evac:{village}"), Order::Evacuate { village: village.clone(), shelter: None }, out);
            }
            let _ = hazard;
        }
        // The hazard register (隐患点台账): once a level is on, villages below registered
        // landslide points are told to get ready, and moved out from level II (orange) up.
        if let Some(level) = view.level {
            let register: Vec<String> =
                self.landslide_points().flat_map(|p| p.threatens.iter().cloned()).filter(|v| self.in_care(v)).collect();
            for village in register {
                self.once(format!("warn:{village}"), Order::Warn { village: village.clone() }, out);
                if level >= Level::II {
                    self.once(format!("evac:{village}"), Order::Evacuate { village, shelter: None }, out);
                }
            }
        }
        // The township's own teams (the briefing lists the teams this post may send): the bot
        // leaves county teams to the county, as a township does.
        let mut mine: Vec<String> =
            self.briefing.teams.iter().filter(|t| t.township.is_some()).map(|t| t.name.clone()).collect();
        // County teams the county approved for this post show in its view: it sends them too.
        let approved =
            view.requests.iter().any(|r| r.kind == SupportKind::Teams && r.decision.as_ref().is_some_and(|d| d.0));
        if approved {
            for t in &view.teams {
                if !mine.contains(&t.name) {
                    mine.push(t.name.clone());
                }
            }
        }
        self.dispatch(view, &mine, &threatened, out);
        if !view.reports.is_empty() {
            let note = format!(
                "{} 首报: 收到 {} 条信息快报 / first report up: {} quick reports",
                label(township),
                view.reports.len(),
                view.reports.len()
            );
            let order = self.report_up(view, ReportStage::Initial, note);
            self.once("reportup:first".into(), order, out);
        }
        // Follow-up reports on levels come after the first report (续报 after 初报), never before.
        if let Some(level) = view.level.filter(|_| self.done.contains("reportup:first")) {
            let note = format!(
                "{} 已启动{}应急响应 / level {} response activated",
                label(township),
                level.label_zh(),
                level.name()
            );
            let order = self.report_up(view, ReportStage::FollowUp, note);
            self.once(format!("reportup:{}", level.name()), order, out);
        }
        self.command_duties(view, out);
    }

    fn county(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        // 叫应 is the township command post's duty; the county answers only reports from
        // townships that have no command post in this drill.
        let unanswered: Vec<u32> = view
            .reports
            .iter()
            .filter(|r| !r.acknowledged && !self.has_command_post(view, &r.village))
            .map(|r| r.id)
            .collect();
        for id in unanswered {
            self.once(format!("ack:{id}"), Order::Acknowledge { report: id }, out);
        }
        self.activate_levels(view, out);
        let hit: Vec<(String, HazardKind)> = self
            .threatened(view)
            .into_iter()
            .filter(|(v, _)| {
                let casualties = view.villages.iter().find(|x| &x.name == v).and_then(|x| x.casualties).unwrap_or(0);
                casualties > 0 || view.level.is_some_and(|l| l >= Level::III)
            })
            .collect();
        let county_teams: Vec<String> =
            self.briefing.teams.iter().filter(|t| t.township.is_none()).map(|t| t.name.clone()).collect();
        self.dispatch(view, &county_teams, &hit, out);
        self.county_duties(view, out);
    }

    fn team(&mut self, name: &str, view: &RoleView, out: &mut Vec<Order>) {
        // A task from its command post: accept it (the order waits on the agenda for the radio).
        if let Some(t) = self.own_team(view) {
            match task_of(&t.state) {
                Some(job) if !t.accepted => {
                    if self.accepting.as_ref() != Some(&job) {
                        self.accepting = Some(job);
                        out.push(Order::AcceptTask);
                    }
                }
                _ => self.accepting = None,
            }
        }
        let Some(pos) = view.teams.iter().find(|t| t.name == name).map(|t| t.pos) else { return };
        for (hazard, d) in self.hazards_near(view, pos, REPORT_RADIUS_M) {
            let Some(village) = nearest_village(view, pos) else { continue };
            let note =
                format!("{name} 在 {village} 附近发现{} / {hazard:?} seen by {name} near {village}", hazard.label_zh());
            let _ = d;
            self.once(
                format!("report:{village}:{hazard:?}"),
                Order::Report(ReportForm::initial(&village, hazard, &note)),
                out,
            );
        }
    }

    // ---- shared duties -----------------------------------------------------------------------

    fn warn_and_evacuate(&mut self, village: &str, out: &mut Vec<Order>) {
        self.once(format!("warn:{village}"), Order::Warn { village: village.into() }, out);
        self.once(format!("evac:{village}"), Order::Evacuate { village: village.into(), shelter: None }, out);
    }

    fn acknowledge(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        for r in view.reports.iter().filter(|r| !r.acknowledged) {
            self.once(format!("ack:{}", r.id), Order::Acknowledge { report: r.id }, out);
        }
    }

    /// Activates, lowest first, every level of the plan this role may start whose trigger it sees met.
    fn activate_levels(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let mut levels: Vec<(Level, Trigger, String)> =
            self.briefing.plan.levels.iter().map(|l| (l.level, l.trigger.clone(), l.by.clone())).collect();
        levels.sort_by_key(|l| l.0);
        for (level, trigger, by) in levels {
            if self.done.contains("end") || !fits(&by, &self.role) || view.level.is_some_and(|cur| cur >= level) {
                continue;
            }
            if trigger.met(&self.facts(view)) {
                self.once(format!("level:{}", level.name()), Order::ActivateLevel { level }, out);
            }
        }
    }

    /// Sends idle teams from `teams` to threatened villages: one team per village, nearest first.
    fn dispatch(
        &mut self,
        view: &RoleView,
        teams: &[String],
        threatened: &[(String, HazardKind)],
        out: &mut Vec<Order>,
    ) {
        for (village, hazard) in threatened {
            if self.done.contains(&format!("dispatched-to:{village}")) {
                continue;
            }
            let Some(vpos) = village_pos(view, village) else { continue };
            let idle = view
                .teams
                .iter()
                .filter(|t| {
                    teams.contains(&t.name)
                        && t.state == TeamState::Idle
                        && !self.done.contains(&format!("dispatch:{}", t.name))
                })
                .min_by(|a, b| dist(a.pos, vpos).total_cmp(&dist(b.pos, vpos)));
            let Some(team) = idle.map(|t| t.name.clone()) else { continue };
            let task = task_for(*hazard, view, village);
            self.done.insert(format!("dispatched-to:{village}"));
            self.once(
                format!("dispatch:{team}"),
                Order::Dispatch { team, task, target: Target::Village(village.clone()) },
                out,
            );
        }
    }

    /// The team a plan step names goes when the step is due, to the threatened village nearest
    /// the hazard, even where another team already went: the plan made it the force for that
    /// step (a fire's semi-professional team after the village volunteers, 打早打小).
    fn dispatch_named(
        &mut self,
        view: &RoleView,
        team: &str,
        threatened: &[(String, HazardKind)],
        out: &mut Vec<Order>,
    ) {
        let idle = view.teams.iter().any(|t| t.name == team && t.state == TeamState::Idle);
        if !idle || self.done.contains(&format!("dispatch:{team}")) {
            return;
        }
        let hazard_m = |village: &str| {
            village_pos(view, village)
                .and_then(|p| self.hazards_near(view, p, f64::INFINITY).first().map(|h| h.1))
                .unwrap_or(f64::INFINITY)
        };
        let Some((village, hazard)) =
            threatened.iter().min_by(|a, b| hazard_m(&a.0).total_cmp(&hazard_m(&b.0))).cloned()
        else {
            return;
        };
        let task = task_for(hazard, view, &village);
        self.done.insert(format!("dispatched-to:{village}"));
        self.once(
            format!("dispatch:{team}"),
            Order::Dispatch { team: team.into(), task, target: Target::Village(village) },
            out,
        );
    }

    /// Villages in this role's care (its briefing) it has reason to think threatened, with the
    /// hazard, in a stable order.
    fn threatened(&self, view: &RoleView) -> Vec<(String, HazardKind)> {
        let mut out: BTreeMap<String, HazardKind> = BTreeMap::new();
        let in_scope = |name: &str| self.in_care(name);
        for r in self.trusted(view) {
            out.entry(r.village.clone()).or_insert(r.hazard);
            // A slope moving above one village threatens every village below that point.
            if r.hazard == HazardKind::Landslide {
                for p in self.landslide_points().filter(|p| p.threatens.contains(&r.village)) {
                    for v in &p.threatens {
                        out.entry(v.clone()).or_insert(HazardKind::Landslide);
                    }
                }
            }
        }
        for v in &view.villages {
            if let Some((hazard, _)) = self.hazards_near(view, v.pos, DANGER_RADIUS_M).first() {
                out.entry(v.name.clone()).or_insert(*hazard);
            }
        }
        for g in view.gauges.iter().filter(|g| g.stage.is_some_and(|s| s >= sim::scenario::Stage::Warning)) {
            for v in view.villages.iter().filter(|v| dist(v.pos, g.pos) <= GAUGE_RADIUS_M) {
                out.entry(v.name.clone()).or_insert(HazardKind::Flood);
            }
        }
        out.into_iter().filter(|(v, _)| in_scope(v)).collect()
    }

    /// The plan's required actions for this role whose anchor this role can see has happened.
    fn plan_actions(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let actions: Vec<RequiredAction> =
            self.briefing.plan.actions.iter().filter(|a| fits(&a.who, &self.role)).cloned().collect();
        for a in actions {
            if !self.anchor_met(&a.after, view, 0) {
                continue;
            }
            let targets = |s: &Self, v: &Option<String>| -> Vec<String> {
                let all: Vec<String> = match v {
                    Some(v) => vec![v.clone()],
                    None => s.threatened(view).into_iter().map(|(v, _)| v).collect(),
                };
                // A role acts for the villages in its care only.
                all.into_iter().filter(|v| s.in_care(v)).collect()
            };
            let may = orders_for(&self.role);
            match &a.what {
                ActionKind::Warn(v) if may.contains(&sim::OrderKind::Warn) => {
                    for v in targets(self, v) {
                        self.once(format!("warn:{v}"), Order::Warn { village: v }, out);
                    }
                }
                ActionKind::Evacuate(v) | ActionKind::AllSafe(v) if may.contains(&sim::OrderKind::Evacuate) => {
                    for v in targets(self, v) {
                        self.once(format!("evac:{v}"), Order::Evacuate { village: v, shelter: None }, out);
                    }
                }
                ActionKind::ActivateLevel(l) if may.contains(&sim::OrderKind::ActivateLevel) => {
                    let by_me = self.briefing.plan.levels.iter().any(|s| s.level == *l && fits(&s.by, &self.role));
                    if by_me && !self.done.contains("end") && view.level.is_none_or(|cur| cur < *l) {
                        self.once(format!("level:{}", l.name()), Order::ActivateLevel { level: *l }, out);
                    }
                }
                ActionKind::ReportUp if may.contains(&sim::OrderKind::ReportUp) => {
                    let note = format!("按预案报告: {} / as the plan requires: {}", a.name, a.id);
                    let first = self.done.iter().any(|k| k.starts_with("reportup:"));
                    let stage = if first { ReportStage::FollowUp } else { ReportStage::Initial };
                    let order = self.report_up(view, stage, note);
                    self.once(format!("reportup:{}", a.id), order, out);
                }
                ActionKind::Acknowledge if may.contains(&sim::OrderKind::Acknowledge) => self.acknowledge(view, out),
                ActionKind::Dispatch(team) if may.contains(&sim::OrderKind::Dispatch) => {
                    let threatened = self.threatened(view);
                    match team {
                        Some(t) => self.dispatch_named(view, t, &threatened, out),
                        None => {
                            let teams: Vec<String> = self.briefing.teams.iter().map(|t| t.name.clone()).collect();
                            self.dispatch(view, &teams, &threatened, out);
                        }
                    }
                }
                ActionKind::SendMaterials if may.contains(&sim::OrderKind::SendMaterials) => {
                    self.send_village_materials(view, out)
                }
                ActionKind::RequestSupport if may.contains(&sim::OrderKind::RequestSupport) => {
                    self.request_teams(view, out)
                }
                // 续报, 终报, head counts, 管控, decisions and 终止 are the roles' own duties
                // (`duties`), done whether or not the plan names them.
                _ => {}
            }
        }
    }

    fn anchor_met(&self, anchor: &Anchor, view: &RoleView, depth: u32) -> bool {
        match anchor {
            Anchor::Start => true,
            Anchor::HazardSeen => {
                !view.reports.is_empty() || view.hazard.iter().any(|h| h.kind != HazardCellKind::Barrier)
            }
            Anchor::LevelTriggered(l) => {
                view.level.is_some_and(|cur| cur >= *l)
                    || self.briefing.plan.levels.iter().any(|s| s.level == *l && s.trigger.met(&self.facts(view)))
            }
            // A post that decides a level gives its measures with it (each level's actions are
            // due from its trigger, not from when the order reached the world).
            Anchor::LevelActivated(l) => view.level.is_some_and(|cur| cur >= *l) || self.deciding_level(*l),
            Anchor::Action(id) => {
                // Another required action counts as done when its effect shows in the view.
                depth < 8
                    && self
                        .briefing
                        .plan
                        .actions
                        .iter()
                        .find(|a| &a.id == id)
                        .is_some_and(|a| self.anchor_met(&a.after, view, depth + 1) && self.observed(&a.what, view, id))
            }
        }
    }

    /// Whether this bot has decided to activate `l` or a higher level (the order may still be on
    /// its agenda).
    fn deciding_level(&self, l: Level) -> bool {
        !self.done.contains("end")
            && self
                .briefing
                .plan
                .levels
                .iter()
                .any(|s| s.level >= l && self.done.contains(&format!("level:{}", s.level.name())))
    }

    fn observed(&self, what: &ActionKind, view: &RoleView, id: &str) -> bool {
        let village = |name: &Option<String>, f: &dyn Fn(&sim::view::VillageView) -> bool| match name {
            Some(n) => view.villages.iter().any(|v| &v.name == n && f(v)),
            None => view.villages.iter().any(f),
        };
        match what {
            ActionKind::Report => !view.reports.is_empty(),
            ActionKind::Acknowledge => view.reports.iter().any(|r| r.acknowledged),
            ActionKind::ActivateLevel(l) => view.level.is_some_and(|cur| cur >= *l),
            ActionKind::Warn(v) => village(v, &|x| x.warned),
            ActionKind::Evacuate(v) => village(v, &|x| x.evacuation_ordered),
            ActionKind::Dispatch(_) => view.teams.iter().any(|t| t.state != TeamState::Idle),
            ActionKind::ReportUp => {
                self.done.iter().any(|k| k.starts_with("reportup:")) || self.done.contains(&format!("reportup:{id}"))
            }
            ActionKind::AllSafe(v) => village(v, &|x| x.at_home == Some(0)),
            ActionKind::FollowUpReport => view.reports.iter().any(|r| r.form.stage == ReportStage::FollowUp),
            ActionKind::FinalReport => view.reports.iter().any(|r| r.form.stage == ReportStage::Final),
            ActionKind::HeadCount => self.done.iter().any(|k| k.starts_with("headcount:")),
            ActionKind::SendMaterials => {
                self.done.iter().any(|k| k.starts_with("materials:") || k.starts_with("supply:"))
            }
            ActionKind::RequestSupport => !view.requests.is_empty(),
            ActionKind::DecideRequest => view.requests.iter().any(|r| r.decision.is_some()),
            ActionKind::HoldVillage => view.villages.iter().any(|v| v.held),
            ActionKind::EndResponse => self.done.contains("end"),
        }
    }

    /// What this role can tell of the facts triggers ask about, from its view.
    fn facts<'a>(&'a self, view: &'a RoleView) -> ViewFacts<'a> {
        ViewFacts { brain: self, view }
    }

    // ---- what the role knows -----------------------------------------------------------------

    /// A report up (初报 / 续报) with the numbers this post knows of the villages in its care:
    /// casualties and people in shelters (trapped people it cannot count from its view).
    fn report_up(&self, view: &RoleView, stage: ReportStage, note: String) -> Order {
        let mine = || view.villages.iter().filter(|v| self.in_care(&v.name));
        let casualties = mine().filter_map(|v| v.casualties).sum();
        let evacuated = mine().filter_map(|v| v.in_shelter).sum();
        let trapped = self.trapped_known(view);
        Order::ReportUp { stage, casualties, trapped, evacuated, note }
    }

    /// A team bot's own team as its view shows it.
    fn own_team<'v>(&self, view: &'v RoleView) -> Option<&'v sim::view::TeamView> {
        let Role::Team(name) = &self.role else { return None };
        view.teams.iter().find(|t| &t.name == name)
    }

    /// Whether the drill offers a command post for the township of `village`.
    fn has_command_post(&self, view: &RoleView, village: &str) -> bool {
        let township = view.villages.iter().find(|v| v.name == village).and_then(|v| v.township.clone());
        self.briefing.roles_on_offer.iter().any(|r| match r {
            Role::Command(None) => true,
            Role::Command(Some(t)) => township.as_ref() == Some(t),
            _ => false,
        })
    }

    /// Whether a village is in this role's care: the briefing lists exactly those
    /// ([`sim::access::covers_village`] decided it on the server).
    fn in_care(&self, village: &str) -> bool {
        self.briefing.villages.iter().any(|v| v.name == village)
    }

    /// The hazard register (隐患点台账) of this role's villages.
    fn landslide_points(&self) -> impl Iterator<Item = &RegisteredPoint> {
        self.briefing.hazard_register.iter()
    }

    /// Hazards visible within `radius` of `pos`, nearest first, one entry per hazard kind.
    fn hazards_near(&self, view: &RoleView, pos: Xy, radius: f64) -> Vec<(HazardKind, f64)> {
        self.hazard_points_near(view, pos, radius).into_iter().map(|(k, d, _)| (k, d)).collect()
    }

    /// As [`Brain::hazards_near`], with the nearest hazard cell's centre of each kind.
    fn hazard_points_near(&self, view: &RoleView, pos: Xy, radius: f64) -> Vec<(HazardKind, f64, Xy)> {
        let mut best: BTreeMap<HazardKind, (f64, Xy)> = BTreeMap::new();
        for h in &view.hazard {
            let kind = match h.kind {
                HazardCellKind::Water => HazardKind::Flood,
                HazardCellKind::Burning | HazardCellKind::Burned => HazardKind::Fire,
                HazardCellKind::Debris => HazardKind::Landslide,
                HazardCellKind::Barrier => continue,
            };
            let at = self.grid.centre(h.cell);
            let d = dist(at, pos);
            if d <= radius {
                let e = best.entry(kind).or_insert((d, at));
                if d < e.0 {
                    *e = (d, at);
                }
            }
        }
        let mut v: Vec<(HazardKind, f64, Xy)> = best.into_iter().map(|(k, (d, at))| (k, d, at)).collect();
        v.sort_by(|a, b| a.1.total_cmp(&b.1));
        v
    }
}

/// A bot's view answering the facts of a trigger: what its role can see or has been told.
struct ViewFacts<'a> {
    brain: &'a Brain,
    view: &'a RoleView,
}

impl TriggerFacts for ViewFacts<'_> {
    fn now_s(&self) -> u32 {
        self.view.t_s
    }
    fn weather(&self) -> &Weather {
        &self.view.weather
    }
    fn gauge_stage(&self, gauge: &str) -> Option<Stage> {
        self.view.gauges.iter().find(|g| g.name == gauge).and_then(|g| g.stage)
    }
    /// The burning and burned cells in sight.
    fn fire_area_ha(&self) -> f64 {
        let cells = self
            .view
            .hazard
            .iter()
            .filter(|h| matches!(h.kind, HazardCellKind::Burning | HazardCellKind::Burned))
            .count();
        cells as f64 * self.brain.grid.cell_size_m * self.brain.grid.cell_size_m / 10_000.0
    }
    fn fire_burning_since_s(&self) -> Option<u32> {
        self.brain.first_fire_t
    }
    /// A landslide report from a village below the point, or the monitor's word naming it.
    fn slope_signs(&self, point: &str) -> bool {
        let p = self.brain.landslide_points().find(|p| p.name == point);
        self.view
            .reports
            .iter()
            .any(|r| r.hazard == HazardKind::Landslide && p.is_none_or(|p| p.threatens.contains(&r.village)))
            || self.view.messages.iter().any(|m| m.text.contains(point))
    }
    /// Debris in sight, or word of the slide.
    fn slope_failed(&self, point: &str) -> bool {
        self.view.hazard.iter().any(|h| h.kind == HazardCellKind::Debris)
            || self
                .view
                .messages
                .iter()
                .any(|m| m.text.contains(point) && (m.text.contains("滑") || m.text.contains("fail")))
    }
    /// A report the post trusts (`Brain::doubtful`: one nothing bears out waits for its 核实).
    fn first_report_in(&self) -> bool {
        self.brain.trusted(self.view).next().is_some()
    }
}

/// An informant's 初报 of a hazard `d` m from its village, nearest at `at`, every field filled
/// from what it sees: where (the point), how bad (`duties::severity_of`: 1 一般 far off; 2 within
/// the danger radius; 3 in the village or people already hurt), the people at home, the trend
/// (rising: it is in sight and coming), what was done.
fn informant_form(view: &RoleView, village: &str, hazard: HazardKind, d: f64, at: Xy, note: String) -> ReportForm {
    let v = view.villages.iter().find(|v| v.name == village);
    ReportForm {
        at: Some(at),
        severity: v.map_or(1, |v| duties::severity_of(v, d)),
        people_at_risk: v.map(|v| v.at_home.unwrap_or(v.population)).unwrap_or(0),
        actions_taken: v.map(duties::actions_taken).unwrap_or_default(),
        ..ReportForm::initial(village, hazard, &note)
    }
}

/// The task a team is on and where, as its state shows it.
fn task_of(state: &TeamState) -> Option<(String, Task)> {
    match state {
        TeamState::Mustering { village, task }
        | TeamState::EnRoute { village, task, .. }
        | TeamState::Working { village, task }
        | TeamState::Waiting { village, task, .. } => Some((village.clone(), *task)),
        TeamState::Idle | TeamState::Blocked { .. } | TeamState::Moving { .. } => None,
    }
}

fn task_for(hazard: HazardKind, view: &RoleView, village: &str) -> Task {
    let hit = view.villages.iter().find(|v| v.name == village).and_then(|v| v.casualties).unwrap_or(0) > 0;
    match hazard {
        _ if hit => Task::Rescue,
        HazardKind::Flood => Task::Evacuate,
        HazardKind::Fire => Task::Firebreak,
        HazardKind::Landslide => Task::Evacuate,
    }
}

fn label(township: Option<&str>) -> String {
    township.map(|t| format!("{t} 镇")).unwrap_or_else(|| "乡镇".into())
}

/// Whether `village` at `pos` sees registered point `p`: the world's own rule, asked.
fn sees_point(p: &RegisteredPoint, village: &str, pos: Xy) -> bool {
    sim::world::hazards::village_sees_slope(p.pos, pos, p.threatens.iter().any(|t| t == village))
}

impl Brain {
    /// Whether a load from depot `d` reaches `to` over the roads this role knows are open: the
    /// world's own rule ([`RoadGraph::joins`]) over the closures in the view, so the post never
    /// sends what the world would refuse as having no route.
    pub(super) fn load_gets_through(&self, view: &RoleView, d: &DepotView, to: &Consignee) -> bool {
        let node = match to {
            Consignee::Village(name) => view.villages.iter().find(|v| &v.name == name).map(|v| v.road_node),
            Consignee::Team(name) => view.teams.iter().find(|t| &t.name == name).map(|t| t.node),
        };
        let Some(node) = node else { return false };
        self.roads.joins(d.node, node, &|e| view.closed_roads.contains(&e))
    }
}

fn village_pos(view: &RoleView, name: &str) -> Option<Xy> {
    view.villages.iter().find(|v| v.name == name).map(|v| v.pos)
}

fn nearest_village(view: &RoleView, pos: Xy) -> Option<String> {
    view.villages.iter().min_by(|a, b| dist(a.pos, pos).total_cmp(&dist(b.pos, pos))).map(|v| v.name.clone())
}

fn dist(a: Xy, b: Xy) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

#[path = "duties.rs"]
mod duties;

pub use duties::{FOLLOW_UP_EVERY_MIN, follow_up_every_min};

#[cfg(test)]
#[path = "brain_tests.rs"]
mod tests;
