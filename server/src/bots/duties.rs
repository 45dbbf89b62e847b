//! The duties of issue 7's orders that a plan asks for after the first moves, as a diligent bot
//! does them (a `late` bot does the same, each order 30–90 min later; an `absent` one never):
//!
//! - informant: a 续报 at the plan's interval while its hazard is in sight, a 终报 once the
//!   hazard at its village is over or the village is empty, a head count (转移到位) of the people
//!   in shelter once the village is empty (or, with people still refusing, an hour and a half
//!   after the evacuation order), and a 续报 answering a 核实 of a report it made when it can
//!   still see what it reported (a report it did not make it leaves unanswered);
//! - command post: asks for a 核实 of a report nothing else it knows bears out, and does not act
//!   on it until something does; holds (管控) every village whose people reached a shelter;
//!   sends a waiting team the material it lacks from its own depots (or asks the county when it
//!   has none); sends materials to threatened villages when the plan asks for it; asks the
//!   county for teams when the plan asks for it; passes up a 续报 with the numbers it knows at
//!   the plan's interval; ends the response (终止) once the hazard is over and the villages safe;
//! - county: approves the townships' requests, and ends its response as a post does.
//!
//! Like the rest of the brain: pure, from the view and the briefing only.

use std::collections::BTreeMap;

use sim::scenario::Stage;
use sim::view::{DepotView, HazardCellKind, ReportView, RoleView, TeamState, VillageView};
use sim::world::{Consignee, ReportForm, ReportStage, SupportKind, Trend};
use sim::{HazardKind, Order, Role};

use super::{Brain, DANGER_RADIUS_M, GAUGE_RADIUS_M, VILLAGE_RADIUS_M, dist, sees_point, village_pos};

/// The plan's interval between 续报, minutes, until the plan says otherwise.
pub const FOLLOW_UP_EVERY_MIN: f64 = 60.0;
/// A 续报 is decided this long before its interval is up, so that it is given within the
/// interval after a diligent reaction time (2–8 min for an informant, 5–15 for a post).
const FOLLOW_UP_LEAD_MIN: f64 = 15.0;
/// With people still at home (refusers, the vulnerable waiting for a team), an informant counts
/// those in shelter this long after the evacuation order.
const HEAD_COUNT_AFTER_MIN: f64 = 90.0;
/// A response ends only once no report came for this long.
const QUIET_MIN: f64 = 60.0;
/// A response ends only with less rain than this over the last 3 hours, mm (below the lowest
/// rainstorm signal's pace: 50 mm in 12 h).
const QUIET_RAIN_3H_MM: f64 = 10.0;
/// Sight of an informant (and of a post round a village that reported), m (`sim::world`).
const SIGHT_M: f64 = sim::world::INFORMANT_SIGHT_M;
/// What a diligent post sends a threatened village when the plan asks for materials: life
/// jackets first (转移), woven bags next (沙袋).
const VILLAGE_MATERIALS: [(&str, u32); 2] = [("life_jackets", 20), ("woven_bags", 500)];

/// The interval between 续报 the plan sets, minutes.
pub fn follow_up_every_min(_plan: &sim::access::BriefingPlan) -> f64 {
    // The plan's `reporting.follow_up_every_min` (default 60) once the schema carries it.
    FOLLOW_UP_EVERY_MIN
}

impl Brain {
    // ---- informant -----------------------------------------------------------------------------

    /// 续报, 终报, the head count and answers to 核实, for the informant of `village`.
    pub(super) fn informant_duties(&mut self, village: &str, view: &RoleView, out: &mut Vec<Order>) {
        let Some(v) = view.villages.iter().find(|v| v.name == village).cloned() else { return };
        if v.evacuation_ordered {
            self.evac_seen.entry(village.to_string()).or_insert(view.t_s);
        }
        let emptied = arrived(&v);
        let every_s = (follow_up_every_min(&self.briefing.plan) - FOLLOW_UP_LEAD_MIN).max(1.0) * 60.0;
        for (hazard, note) in self.own_reports.clone() {
            let Some(first) = own_first(view, hazard, &note) else { continue };
            let chain: Vec<&ReportView> =
                view.reports.iter().filter(|r| r.id == first.id || r.form.follows == Some(first.id)).collect();
            if chain.iter().any(|r| r.form.stage == ReportStage::Final) {
                continue;
            }
            let (first_id, asked) = (first.id, first.verify_asked);
            let last_t = chain.iter().map(|r| r.t_s).max().unwrap_or(first.t_s);
            let n = chain.len();
            let near = self.nearest(view, v.pos, hazard);
            let going = self.ongoing(view, v.pos, hazard);
            if emptied || !going {
                let form = self.follow_form(&v, hazard, near, ReportStage::Final, first_id, going);
                self.once(format!("final:{hazard:?}"), Order::Report(form), out);
                continue;
            }
            if asked && near.is_some() {
                let mut form = self.follow_form(&v, hazard, near, ReportStage::FollowUp, first_id, going);
                form.note = format!("经核实属实: {} / checked and confirmed: {}", form.note, hazard_en(hazard));
                self.file(format!("confirm:{first_id}"), form, near, out);
            }
            // A 续报 when the village starts moving out (what was done changed), then at the
            // plan's interval.
            let moving = v.evacuation_ordered && v.in_shelter.unwrap_or(0) > 0;
            if moving && !self.done.contains(&format!("followup:{hazard:?}:evac")) {
                let form = self.follow_form(&v, hazard, near, ReportStage::FollowUp, first_id, going);
                self.file(format!("followup:{hazard:?}:evac"), form, near, out);
            } else if f64::from(view.t_s.saturating_sub(last_t)) >= every_s {
                let form = self.follow_form(&v, hazard, near, ReportStage::FollowUp, first_id, going);
                self.file(format!("followup:{hazard:?}:{n}"), form, near, out);
            }
        }
        // 转移到位: the people in shelter, once the village is empty (or long after the order).
        let moved = v.in_shelter.unwrap_or(0);
        let long_after =
            self.evac_seen.get(village).is_some_and(|t| f64::from(view.t_s - t) >= HEAD_COUNT_AFTER_MIN * 60.0);
        if v.evacuation_ordered && moved > 0 && (arrived(&v) || long_after) {
            let order = Order::HeadCount { village: village.to_string(), moved: moved.min(v.population) };
            self.once(format!("headcount:{village}"), order, out);
        }
    }

    /// Files a 续报 once per `key`, remembering how far the hazard was.
    fn file(&mut self, key: String, form: ReportForm, near: Option<(f64, [f64; 2])>, out: &mut Vec<Order>) {
        if self.done.insert(key) {
            if let Some((d, _)) = near {
                self.last_distance.insert(form.hazard, d);
            }
            out.push(Order::Report(form));
        }
    }

    /// A 续报 or 终报 of `hazard` following report `follows`, from what the informant sees now.
    fn follow_form(
        &self,
        v: &VillageView,
        hazard: HazardKind,
        near: Option<(f64, [f64; 2])>,
        stage: ReportStage,
        follows: u32,
        going: bool,
    ) -> ReportForm {
        let at_home = v.at_home.unwrap_or(0);
        let moved = v.in_shelter.unwrap_or(0);
        let (severity, trend, what) = match near {
            Some((d, _)) if going => {
                let before = self.last_distance.get(&hazard).copied().unwrap_or(d);
                let trend = if d + 75.0 < before {
                    Trend::Rising
                } else if d > before + 75.0 {
                    Trend::Easing
                } else {
                    Trend::Steady
                };
                (
                    severity_of(v, d),
                    trend,
                    format!("{}距村约 {d:.0} 米 / {} {d:.0} m away", hazard.label_zh(), hazard_en(hazard)),
                )
            }
            _ => (1, Trend::Easing, format!("{}已消退 / the {} is over", hazard.label_zh(), hazard_en(hazard))),
        };
        let note = match stage {
            ReportStage::Final => format!(
                "{} 终报: {what}; 在家 {at_home} 人, 已转移 {moved} 人 / final report: {at_home} at home, {moved} moved",
                v.name
            ),
            _ => format!(
                "{} 续报: {what}; 在家 {at_home} 人, 已转移 {moved} 人 / follow-up: {at_home} at home, {moved} moved",
                v.name
            ),
        };
        ReportForm {
            stage,
            at: near.map(|(_, at)| at),
            severity,
            people_at_risk: at_home,
            trend,
            actions_taken: actions_taken(v),
            follows: Some(follows),
            ..ReportForm::initial(&v.name, hazard, &note)
        }
    }

    /// The nearest cell of `hazard` in sight round `pos`: distance and centre.
    fn nearest(&self, view: &RoleView, pos: [f64; 2], hazard: HazardKind) -> Option<(f64, [f64; 2])> {
        self.hazard_points_near(view, pos, f64::INFINITY).into_iter().find(|h| h.0 == hazard).map(|(_, d, at)| (d, at))
    }

    /// Whether `hazard` is still going on within sight of `pos`: water or debris in sight, open
    /// flame (burned ground is over); a slope whose signs were reported stays a danger.
    fn ongoing(&self, view: &RoleView, pos: [f64; 2], hazard: HazardKind) -> bool {
        let cell = |kind: HazardCellKind| {
            view.hazard.iter().any(|h| h.kind == kind && dist(self.grid.centre(h.cell), pos) <= SIGHT_M)
        };
        match hazard {
            HazardKind::Flood => cell(HazardCellKind::Water),
            HazardKind::Fire => cell(HazardCellKind::Burning),
            HazardKind::Landslide => true,
        }
    }

    // ---- command post and county ---------------------------------------------------------------

    /// Whether nothing the post knows bears a report out: no hazard of its kind in sight round
    /// the village (the post sees round every village that reported), no other report of it
    /// there, no gauge at 设防水位 or above near it (a flood), no registered slope the village sees (a
    /// landslide), and no 续报 after it. A 续报 or 终报 is never doubtful.
    pub(super) fn doubtful(&self, view: &RoleView, r: &ReportView) -> bool {
        if r.form.stage != ReportStage::Initial {
            return false;
        }
        let Some(pos) = village_pos(view, &r.village) else { return true };
        let seen = self.nearest(view, pos, r.hazard).is_some_and(|(d, _)| d <= SIGHT_M + self.grid.cell_size_m);
        let others = view.reports.iter().any(|o| {
            o.id != r.id
                && (o.form.follows == Some(r.id)
                    || o.hazard == r.hazard
                        && o.by != r.by
                        && village_pos(view, &o.village).is_some_and(|p| dist(p, pos) <= SIGHT_M))
        });
        let gauge = r.hazard == HazardKind::Flood
            && view
                .gauges
                .iter()
                .any(|g| g.stage.is_some_and(|s| s >= Stage::Alert) && dist(g.pos, pos) <= GAUGE_RADIUS_M);
        let slope =
            r.hazard == HazardKind::Landslide && self.landslide_points().any(|p| sees_point(p, &r.village, pos));
        !(seen || others || gauge || slope)
    }

    /// Reports the post acts on: all but the doubtful.
    pub(super) fn trusted<'v>(&self, view: &'v RoleView) -> impl Iterator<Item = &'v ReportView> {
        view.reports.iter().filter(move |r| !self.doubtful(view, r))
    }

    /// 核实, 管控, materials, support, 续报 up and 终止, for a township post.
    pub(super) fn command_duties(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let asks: Vec<u32> =
            view.reports.iter().filter(|r| !r.verify_asked && self.doubtful(view, r)).map(|r| r.id).collect();
        for id in asks {
            self.once(format!("verify:{id}"), Order::Verify { report: id }, out);
        }
        if self.done.contains("end") {
            return;
        }
        // 管控: people who reached a shelter may not go back before the end (plans.md §3).
        let hold: Vec<String> = view
            .villages
            .iter()
            .filter(|v| self.in_care(&v.name) && v.evacuation_ordered && !v.held && v.in_shelter.unwrap_or(0) > 0)
            .map(|v| v.name.clone())
            .collect();
        for village in hold {
            self.once(format!("hold:{village}"), Order::HoldVillage { village, held: true }, out);
        }
        self.supply_waiting_teams(view, out);
        // 续报 up at the plan's interval while the response runs, with the numbers it knows.
        if view.level.is_some()
            && let Some(last) = self.last_report_up_s
        {
            let every_s = (follow_up_every_min(&self.briefing.plan) - FOLLOW_UP_LEAD_MIN).max(1.0) * 60.0;
            if f64::from(view.t_s.saturating_sub(last)) >= every_s {
                let note = "按预案定时续报 / follow-up at the plan's interval".to_string();
                let order = self.report_up(view, ReportStage::FollowUp, note);
                self.once(format!("reportup:every:{}", view.t_s), order, out);
            }
        }
        self.end_when_over(view, out);
    }

    /// The county: approves every township request it has not decided, and ends its response.
    pub(super) fn county_duties(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let open: Vec<u32> = view.requests.iter().filter(|r| r.decision.is_none()).map(|r| r.id).collect();
        for id in open {
            let note = "同意, 县里调派 / approved, the county sends it".to_string();
            self.once(format!("decide:{id}"), Order::Decide { request: id, approve: true, note }, out);
        }
        if !self.done.contains("end") {
            self.end_when_over(view, out);
        }
    }

    /// A team of this post waiting on site for material gets it from the nearest depot that has
    /// it; with none, the post asks the county (when the drill has one).
    fn supply_waiting_teams(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let waiting: Vec<(String, [f64; 2], String, u32)> = view
            .teams
            .iter()
            .filter_map(|t| match &t.state {
                TeamState::Waiting { material, missing, .. } if *missing > 0 => {
                    Some((t.name.clone(), t.pos, material.clone(), *missing))
                }
                _ => None,
            })
            .collect();
        // A team no longer waiting may be sent to again later.
        let keys: Vec<String> = self.done.iter().filter(|k| k.starts_with("supply:")).cloned().collect();
        for k in keys {
            if !waiting.iter().any(|(team, _, m, _)| *k == format!("supply:{team}:{m}")) {
                self.done.remove(&k);
            }
        }
        for (team, pos, material, missing) in waiting {
            let to = Consignee::Team(team.clone());
            let depot = view
                .depots
                .iter()
                .filter(|d| d.stock.get(&material).copied().unwrap_or(0) > 0 && self.load_gets_through(view, d, &to))
                .min_by(|a, b| dist(a.pos, pos).total_cmp(&dist(b.pos, pos)));
            match depot {
                Some(d) => {
                    let amount = missing.min(d.stock[&material]);
                    let order = Order::SendMaterials { depot: d.name.clone(), material: material.clone(), amount, to };
                    self.once(format!("supply:{team}:{material}"), order, out);
                }
                None if self.has_county() => {
                    let order = Order::RequestSupport {
                        kind: SupportKind::Materials,
                        detail: format!("{team} 缺少 {material} {missing} / {team} lacks {missing} {material}"),
                        material: Some((material.clone(), missing)),
                    };
                    self.once(format!("ask:{material}"), order, out);
                }
                None => {}
            }
        }
    }

    /// Materials for the threatened villages in this post's care, as the plan asks: from the
    /// nearest depot holding each that an open road joins to the village, once per village.
    pub(super) fn send_village_materials(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let villages: Vec<(String, [f64; 2])> =
            self.threatened(view).into_iter().filter_map(|(v, _)| village_pos(view, &v).map(|p| (v, p))).collect();
        // What the loads decided in this view take, so two villages are not promised one stock.
        let mut claimed: BTreeMap<(String, String), u32> = BTreeMap::new();
        for (village, pos) in villages {
            if self.done.contains(&format!("materials:{village}")) {
                continue;
            }
            let left = |d: &DepotView, m: &str, claimed: &BTreeMap<(String, String), u32>| {
                let taken = claimed.get(&(d.name.clone(), m.to_string())).copied().unwrap_or(0);
                d.stock.get(m).copied().unwrap_or(0).saturating_sub(taken)
            };
            let to = Consignee::Village(village.clone());
            let pick = VILLAGE_MATERIALS.iter().find_map(|(m, want)| {
                view.depots
                    .iter()
                    .filter(|d| left(d, m, &claimed) > 0 && self.load_gets_through(view, d, &to))
                    .min_by(|a, b| dist(a.pos, pos).total_cmp(&dist(b.pos, pos)))
                    .map(|d| (d.name.clone(), m.to_string(), (*want).min(left(d, m, &claimed))))
            });
            if let Some((depot, material, amount)) = pick {
                *claimed.entry((depot.clone(), material.clone())).or_insert(0) += amount;
                let order = Order::SendMaterials { depot, material, amount, to };
                self.once(format!("materials:{village}"), order, out);
            }
        }
    }

    /// Asks the county for teams, as the plan asks.
    pub(super) fn request_teams(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        let threatened: Vec<String> = self.threatened(view).into_iter().map(|(v, _)| v).collect();
        let detail = if threatened.is_empty() {
            "请县里派专业队伍待命 / please hold county teams ready".to_string()
        } else {
            format!(
                "请县里派专业队伍协助转移: {} / county teams to help evacuate {}",
                threatened.join("、"),
                threatened.join(", ")
            )
        };
        self.once("ask:teams".into(), Order::RequestSupport { kind: SupportKind::Teams, detail, material: None }, out);
    }

    /// 终止: the level is on, the hazard is over as the post can tell (no open flame in sight,
    /// no gauge at 设防水位, little rain over 3 h, no report for an hour) and every village of its
    /// care whose evacuation was ordered is empty.
    /// A response to nothing (a level from a warning alone) is not ended by the bot, nor a
    /// geological danger: its end is for an expert group to confirm (plans.md §1, "End").
    fn end_when_over(&mut self, view: &RoleView, out: &mut Vec<Order>) {
        if view.level.is_none()
            || !self.done.iter().any(|k| k.starts_with("level:"))
            || self.trusted(view).next().is_none()
            || self.landslide_points().next().is_some()
        {
            return;
        }
        let flame = view.hazard.iter().any(|h| h.kind == HazardCellKind::Burning);
        let gauges = view.gauges.iter().any(|g| g.stage.is_some());
        let rain = view.weather.rain_over(3.0).unwrap_or(0.0) >= QUIET_RAIN_3H_MM;
        let last_report = view.reports.iter().map(|r| r.t_s).max().unwrap_or(0);
        let recent = f64::from(view.t_s.saturating_sub(last_report)) < QUIET_MIN * 60.0;
        let unsafe_villages =
            view.villages.iter().any(|v| self.in_care(&v.name) && v.evacuation_ordered && v.at_home.unwrap_or(0) > 0);
        let signs = view
            .messages
            .iter()
            .any(|m| m.text.contains("裂缝") && f64::from(view.t_s.saturating_sub(m.t_s)) < QUIET_MIN * 60.0);
        if !(flame || gauges || rain || recent || unsafe_villages || signs) {
            self.once("end".into(), Order::EndResponse, out);
        }
    }

    /// Whether the drill has a county to ask.
    fn has_county(&self) -> bool {
        self.briefing.roles_on_offer.contains(&Role::County)
    }

    /// The trapped people of the villages in this post's care it can tell: those still at home
    /// in a village the hazard reached (people hurt there, or the hazard within it).
    pub(super) fn trapped_known(&self, view: &RoleView) -> u32 {
        view.villages
            .iter()
            .filter(|v| self.in_care(&v.name))
            .filter(|v| {
                v.casualties.unwrap_or(0) > 0
                    || self.hazards_near(view, v.pos, VILLAGE_RADIUS_M).iter().any(|(k, _)| *k != HazardKind::Fire)
            })
            .filter_map(|v| v.at_home)
            .sum()
    }
}

/// Whether every person of an evacuated village reached a shelter (or was hurt): nobody at home
/// or on the way.
fn arrived(v: &VillageView) -> bool {
    v.evacuation_ordered
        && v.at_home == Some(0)
        && v.in_shelter.unwrap_or(0) + v.casualties.unwrap_or(0) >= v.population
}

/// The first report of `hazard` this informant made itself (by its note: a report planted in its
/// name is not its own).
fn own_first<'v>(view: &'v RoleView, hazard: HazardKind, note: &str) -> Option<&'v ReportView> {
    view.reports.iter().find(|r| r.form.stage == ReportStage::Initial && r.hazard == hazard && r.form.note == note)
}

/// 1 一般 far off; 2 within the danger radius; 3 in the village or people already hurt.
pub(super) fn severity_of(v: &VillageView, d: f64) -> u8 {
    if v.casualties.unwrap_or(0) > 0 || d <= VILLAGE_RADIUS_M {
        3
    } else if d <= DANGER_RADIUS_M {
        2
    } else {
        1
    }
}

/// What was done in the village, as its informant knows.
pub(super) fn actions_taken(v: &VillageView) -> String {
    let moved = v.in_shelter.unwrap_or(0);
    match (v.evacuation_ordered, v.warned) {
        (true, _) => format!("已预警并组织转移, 已转移 {moved} 人 / warned and evacuating, {moved} moved"),
        (false, true) => "已发出预警 / villagers warned".into(),
        (false, false) => "正在观察, 准备预警 / watching, ready to warn".into(),
    }
}

fn hazard_en(h: HazardKind) -> &'static str {
    match h {
        HazardKind::Flood => "flood",
        HazardKind::Fire => "fire",
        HazardKind::Landslide => "landslide",
    }
}
