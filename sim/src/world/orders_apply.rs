//! What an order does. Orders reach here authorised by [`crate::access::authorise`]: no check is
//! repeated; a target that cannot be found (impossible after authorisation) changes nothing.

use super::materials::Holder;
use super::orders::{Consignee, SupportKind, Target, WorldEvent};
use super::teams::{Job, JobPlace, task_minutes};
use super::*;
use crate::world::comms::UpReport;
use crate::world::events::UpCounts;

/// Speed of a load where no road joins its ends, m/s (a truck off the network: 30 km/h).
const OFF_ROAD_M_PER_S: f64 = 30.0 / 3.6;

impl World {
    /// Applies an authorised order now.
    pub fn execute(&mut self, cmd: &Command) {
        let (from, by, now) = (&cmd.from, cmd.by.as_str(), self.t_s);
        match &cmd.order {
            Order::Report(form) => {
                let Some(vi) = self.people.index(&form.village) else { return };
                let id = self.comms.file(now, from, by, vi, form);
                let village = self.people.villages[vi].name.clone();
                let (hazard, stage) = (form.hazard, form.stage);
                self.emit(EventKind::ReportFiled { id, by: from.clone(), village, hazard, stage });
                self.record_report_truth(id);
            }
            Order::CallForHelp { village, note } => {
                let Some(vi) = self.people.index(village) else { return };
                let name = self.people.villages[vi].name.clone();
                let text = format!("{name} 呼救: {note} / call for help from {name}: {note}");
                self.comms.send_from(self.command_for_village(vi), now, from, by, text);
                self.emit(EventKind::CalledForHelp { village: name, by: from.clone() });
            }
            Order::Warn { village } => {
                let Some(vi) = self.people.index(village) else { return };
                self.people.villages[vi].warned = true;
                let name = self.people.villages[vi].name.clone();
                let text = format!("{} 发布预警 / warning from {}", from.label_zh(), from);
                self.comms.send_from(Role::Informant(name.clone()), now, from, by, text);
                self.emit(EventKind::WarningIssued { village: name, by: from.clone() });
            }
            Order::Evacuate { village, shelter } => {
                let Some(vi) = self.people.index(village) else { return };
                if let Some(si) = shelter.as_deref().and_then(|s| self.people.shelter_index(s)) {
                    self.people.redirect(vi, si);
                    let (village, shelter) =
                        (self.people.villages[vi].name.clone(), self.people.shelters[si].name.clone());
                    self.emit(EventKind::ShelterAssigned { village, shelter, by: from.clone() });
                }
                let v = &mut self.people.villages[vi];
                v.warned = true;
                v.evacuation_ordered = true;
                let name = v.name.clone();
                self.emit(EventKind::EvacuationOrdered { village: name, by: from.clone() });
            }
            Order::HeadCount { village, moved } => {
                let Some(vi) = self.people.index(village) else { return };
                let v = &mut self.people.villages[vi];
                v.head_count = Some(*moved);
                let (name, in_shelter) = (v.name.clone(), v.in_shelter);
                let text = format!("{name} 转移到位 {moved} 人 / {name}: {moved} people moved");
                self.comms.send_from(self.command_for_village(vi), now, from, by, text);
                self.emit(EventKind::HeadCounted { village: name, moved: *moved, in_shelter, by: from.clone() });
            }
            Order::Acknowledge { report } => {
                self.comms.acknowledge(*report, self.t_s);
                if let Some(r) = self.comms.report(*report) {
                    let text = format!("第 {report} 号报告已收到 / report {report} acknowledged");
                    self.comms.send_from(r.by.clone(), now, from, by, text);
                }
                self.emit(EventKind::ReportAcknowledged { id: *report, by: from.clone() });
            }
            Order::Verify { report } => {
                self.comms.ask_verify(*report, self.t_s);
                // A planted report's village never filed it: only its answer comes back.
                if let Some(r) = self.comms.report(*report).filter(|r| r.planted.is_none()) {
                    let text = format!("请核实第 {report} 号报告 / please check report {report}");
                    self.comms.send_from(r.by.clone(), now, from, by, text);
                }
                self.emit(EventKind::VerifyAsked { id: *report, by: from.clone() });
                if let Some(text) = self.verify_answer(*report)
                    && let Some(r) = self.comms.report(*report)
                {
                    let reporter = r.by.clone();
                    self.comms.send_from(from.clone(), now, &reporter, "", text);
                }
            }
            Order::ActivateLevel { level } => {
                self.plan.activate(from, *level);
                self.emit(EventKind::LevelActivated { level: *level, by: from.clone() });
            }
            Order::LowerLevel { level } => {
                self.plan.activate(from, *level);
                self.emit(EventKind::LevelLowered { level: *level, by: from.clone() });
            }
            Order::EndResponse => {
                self.plan.end(from);
                self.emit(EventKind::ResponseEnded { by: from.clone() });
            }
            Order::Dispatch { team, task, target } => {
                let Some(ti) = self.teams.index(team) else { return };
                let Some((place, village, node, line_m)) = self.resolve_target(target) else { return };
                let minutes = match task {
                    Task::Sandbag | Task::Firebreak => {
                        task_minutes(*task) * (line_m / teams::LINE_M_PER_SHIFT).max(1.0)
                    }
                    _ => task_minutes(*task),
                };
                let site = self.place_centre(&place);
                let job =
                    Job { task: Some(*task), place, node, site, minutes, accepted: false, by: from.clone(), village };
                self.teams.dispatch(ti, job, now);
                let vname = self.people.villages[village].name.clone();
                let text = format!(
                    "{} 派你{} ({vname}) / {from} sends you to {task:?} at {vname}",
                    from.label_zh(),
                    task.label_zh()
                );
                self.comms.send_from(Role::Team(team.clone()), now, from, by, text);
                self.emit(EventKind::TeamDispatched {
                    team: team.clone(),
                    village: vname,
                    task: *task,
                    by: from.clone(),
                });
            }
            Order::SendMaterials { depot, material, amount, to } => {
                let Some(di) = self.materials.depot_index(depot) else { return };
                let Some((holder, node, pos, label)) = self.consignee(to) else { return };
                let arrive_s =
                    now + self.drive_s(self.materials.depots[di].node, self.materials.depots[di].pos, node, pos);
                self.materials.send(di, material, *amount, holder, arrive_s);
                self.emit(EventKind::MaterialsSent {
                    depot: depot.clone(),
                    material: material.clone(),
                    amount: *amount,
                    to: label,
                    by: from.clone(),
                    arrive_s,
                });
            }
            Order::ReportUp { stage, casualties, trapped, evacuated, note } => {
                self.comms.report_up(UpReport {
                    t_s: now,
                    from: from.clone(),
                    by: by.to_string(),
                    stage: *stage,
                    casualties: *casualties,
                    trapped: *trapped,
                    evacuated: *evacuated,
                    note: note.clone(),
                });
                self.emit(EventKind::ReportedUp { by: from.clone(), stage: *stage });
                let claim = UpCounts { casualties: *casualties, trapped: *trapped, evacuated: *evacuated };
                self.record_up_truth(from, *stage, claim);
            }
            Order::RequestSupport { kind, detail, material } => {
                let id = self.requests.file(now, from, by, *kind, detail, material.clone());
                let text = format!(
                    "{} 请求支援{} (第 {id} 号): {detail} / {from} requests {kind:?} (request {id}): {detail}",
                    from.label_zh(),
                    kind.label_zh()
                );
                self.comms.send_from(Role::County, now, from, by, text);
                self.emit(EventKind::SupportRequested { id, kind: *kind, by: from.clone() });
            }
            Order::HoldVillage { village, held } => {
                let Some(vi) = self.people.index(village) else { return };
                self.people.villages[vi].held = *held;
                let name = self.people.villages[vi].name.clone();
                let text = if *held {
                    format!("{name} 实行管控, 转移群众不得返回 / {name} is held: no one returns")
                } else {
                    format!("{name} 解除管控 / {name} is no longer held")
                };
                self.comms.send_from(Role::Informant(name.clone()), now, from, by, text);
                self.emit(EventKind::VillageHeld { village: name, held: *held, by: from.clone() });
            }
            Order::AcceptTask => {
                let Some(ti) = self.team_of(from) else { return };
                let Some(job) = self.teams.list[ti].job.as_mut() else { return };
                job.accepted = true;
                let to = job.by.clone();
                let team = self.teams.list[ti].name.clone();
                self.comms.send_from(to, now, from, by, format!("{team} 接受任务 / {team} accepts the task"));
                self.emit(EventKind::TaskAccepted { team });
            }
            Order::RefuseTask { reason } => {
                let Some(ti) = self.team_of(from) else { return };
                let Some(job) = self.teams.list[ti].job.clone() else { return };
                self.teams.stand_down(ti);
                let team = self.teams.list[ti].name.clone();
                let text = format!("{team} 无法执行任务: {reason} / {team} refuses the task: {reason}");
                self.comms.send_from(job.by, now, from, by, text);
                self.emit(EventKind::TaskRefused { team, reason: reason.clone() });
            }
            Order::TeamReport { kind, note } => {
                let Some(ti) = self.team_of(from) else { return };
                let to = self.commander_of_team(ti);
                let team = self.teams.list[ti].name.clone();
                let text = format!("{team} {}: {note} / {team} reports {kind:?}: {note}", kind.label_zh());
                self.comms.send_from(to, now, from, by, text);
                self.emit(EventKind::TeamReported { team, kind: *kind });
            }
            Order::MoveTo { point } => {
                let Some(ti) = self.team_of(from) else { return };
                let Some((place, village, node, _)) = self.resolve_target(&Target::Point(*point)) else { return };
                let site = self.place_centre(&place);
                let job =
                    Job { task: None, place, node, site, minutes: 0.0, accepted: true, by: from.clone(), village };
                let (commander, name) = (self.commander_of_team(ti), self.teams.list[ti].name.clone());
                let text = format!(
                    "{name} 机动前往 ({:.0}, {:.0}) / {name} moves to ({:.0}, {:.0})",
                    point[0], point[1], point[0], point[1]
                );
                self.comms.send_from(commander, now, from, by, text);
                let t = &mut self.teams.list[ti];
                t.job = Some(job);
                t.activity = teams::Activity::Mustering { until_s: now };
                let team = t.name.clone();
                self.emit(EventKind::TeamMoving { team });
            }
            Order::Decide { request, approve, note } => {
                self.requests.decide(*request, *approve, note, now);
                let Some(r) = self.requests.get(*request).cloned() else { return };
                if *approve
                    && r.kind == SupportKind::Materials
                    && let Some((material, amount)) = &r.material
                    && let Some(src) = self.materials.county_source(material, *amount)
                {
                    let township = match &r.from {
                        Role::Command(t) => t.clone(),
                        _ => None,
                    };
                    let dest = match self.materials.township_depot(township.as_deref()) {
                        Some(d) => {
                            Some((Holder::Depot(d), self.materials.depots[d].node, self.materials.depots[d].pos))
                        }
                        None => (0..self.people.villages.len())
                            .find(|&vi| township.is_none() || self.people.villages[vi].township == township)
                            .map(|vi| {
                                (Holder::Village(vi), self.people.villages[vi].road_node, self.people.villages[vi].pos)
                            }),
                    };
                    if let Some((holder, node, pos)) = dest {
                        let d = &self.materials.depots[src];
                        let arrive_s = now + self.drive_s(d.node, d.pos, node, pos);
                        self.materials.send(src, material, *amount, holder, arrive_s);
                    }
                }
                let verdict = if *approve { ("批准", "approved") } else { ("不予批准", "refused") };
                let text = format!(
                    "县里{}第 {request} 号请求: {note} / the county {} request {request}: {note}",
                    verdict.0, verdict.1
                );
                self.comms.send_from(r.from.clone(), now, from, by, text);
                self.emit(EventKind::RequestDecided { id: *request, approved: *approve, by: from.clone() });
            }
            Order::Directive { to, text } => {
                self.comms.send_from(to.clone(), now, from, by, text.clone());
                self.emit(EventKind::DirectiveSent { to: to.clone(), by: from.clone() });
            }
            Order::Inject { to, message, event } => {
                if let Some(e) = event {
                    self.apply_world_event(e);
                }
                self.comms.send_from(to.clone(), now, from, by, message.clone());
                self.emit(EventKind::InjectDelivered { to: to.clone(), message: message.clone() });
            }
            Order::FireInject { index } => self.fire_inject(*index as usize),
            Order::Freeze { hazard, frozen } => {
                self.plan.freeze(*hazard, *frozen);
                self.emit(EventKind::HazardFrozen { hazard: *hazard, frozen: *frozen });
            }
        }
    }

    /// A world event at run time (the controller's inject).
    pub(crate) fn apply_world_event(&mut self, event: &WorldEvent) {
        match event {
            WorldEvent::Cloudburst { rain_mm_per_h, for_min } => {
                self.weather.add_cloudburst(self.t_s, *rain_mm_per_h, *for_min);
            }
            WorldEvent::Ignition(xy) => {
                if let Some(e) = self.hazards.ignite(&self.map, &self.people, self.t_s, *xy) {
                    self.emit(e);
                }
            }
            // The controller's block carries no cause on the wire: debris, as its label says.
            WorldEvent::RoadBlocked(xy) => {
                if let Some(e) = self.roads.block_near(&self.map, *xy, HazardKind::Landslide) {
                    self.emit(e);
                }
            }
            WorldEvent::ReturnHome { village } => {
                if let Some(vi) = self.people.index(village) {
                    self.return_home(vi);
                }
            }
        }
    }

    /// Evacuated people of a village go home, unless it is held.
    pub(crate) fn return_home(&mut self, vi: usize) {
        let village = self.people.villages[vi].name.clone();
        if self.people.villages[vi].held {
            self.emit(EventKind::ReturnStopped { village });
            return;
        }
        let people = self.people.return_home(vi);
        let text = format!("{village} 已转移的 {people} 人返回家中 / {people} evacuated people of {village} went home");
        self.comms.send(self.command_for_village(vi), self.t_s, text);
        self.emit(EventKind::PeopleReturned { village, people });
    }

    /// The command post a village reports to: its township's if on offer, else the drill's.
    pub(crate) fn command_for_village(&self, vi: usize) -> Role {
        let own = Role::Command(self.people.villages[vi].township.clone());
        if self.roles.contains(&own) { own } else { Role::Command(None) }
    }

    /// Who commands a team: the one who gave its job, else its township's post (the county for
    /// county teams).
    pub(crate) fn commander_of_team(&self, ti: usize) -> Role {
        let t = &self.teams.list[ti];
        if let Some(job) = &t.job
            && !matches!(job.by, Role::Team(_))
        {
            return job.by.clone();
        }
        match &t.township {
            Some(tw) if self.roles.contains(&Role::Command(Some(tw.clone()))) => Role::Command(Some(tw.clone())),
            Some(_) => Role::Command(None),
            None => Role::County,
        }
    }

    /// The team a `team:<name>` role plays.
    pub(crate) fn team_of(&self, role: &Role) -> Option<usize> {
        match role {
            Role::Team(name) => self.teams.index(name),
            _ => None,
        }
    }

    /// A dispatch target on the map: (place, nearest village, road node, line length in metres).
    pub(crate) fn resolve_target(&self, target: &Target) -> Option<(JobPlace, usize, Option<u32>, f64)> {
        let roads = &self.map.features.roads;
        let nearest = |xy: Xy| {
            (0..self.people.villages.len()).min_by(|&a, &b| {
                dist(self.people.villages[a].pos, xy).total_cmp(&dist(self.people.villages[b].pos, xy))
            })
        };
        match target {
            Target::Village(name) => {
                let vi = self.people.index(name)?;
                let v = &self.people.villages[vi];
                // A line round the village's own cell.
                Some((JobPlace::Village(vi), vi, v.road_node, 4.0 * self.map.grid.cell_size_m))
            }
            Target::Point(xy) => Some((JobPlace::Point(*xy), nearest(*xy)?, roads.nearest_node(*xy), 0.0)),
            Target::Path(points) => {
                let first = *points.first()?;
                let length: f64 = points.windows(2).map(|w| dist(w[0], w[1])).sum();
                Some((JobPlace::Path(points.clone()), nearest(first)?, roads.nearest_node(first), length))
            }
        }
    }

    /// Who receives a load: (holder, road node, position, label).
    fn consignee(&self, to: &Consignee) -> Option<(Holder, Option<u32>, Xy, String)> {
        match to {
            Consignee::Village(name) => {
                let vi = self.people.index(name)?;
                let v = &self.people.villages[vi];
                Some((Holder::Village(vi), v.road_node, v.pos, v.name.clone()))
            }
            Consignee::Team(name) => {
                let ti = self.teams.index(name)?;
                let t = &self.teams.list[ti];
                Some((Holder::Team(ti), Some(t.node), t.pos, t.name.clone()))
            }
        }
    }

    /// Seconds a load takes between two places: the drive over the open roads to the junction
    /// `to_node`, then the off-road leg to `to` ([`teams::last_leg_s`], the teams' rule); on
    /// foot in a straight line where no road route joins them.
    pub(crate) fn drive_s(&self, from_node: Option<u32>, from: Xy, to_node: Option<u32>, to: Xy) -> u32 {
        let roads = &self.map.features.roads;
        let route = match (from_node, to_node) {
            (Some(a), Some(b)) => roads.route(a, b, &|e| self.roads.is_closed(e)),
            _ => None,
        };
        match route {
            // The drive, then the leg off the road to the consignee, as a team walks it.
            Some(r) => (r.time_s + teams::last_leg_s(roads, to_node, to)).ceil() as u32,
            None => (dist(from, to) / OFF_ROAD_M_PER_S).ceil() as u32,
        }
    }

    /// Whether an open road route joins two nodes ([`crate::map::RoadGraph::joins`] over today's closures).
    pub(crate) fn route_open(&self, from: Option<u32>, to: Option<u32>) -> bool {
        self.map.features.roads.joins(from, to, &|e| self.roads.is_closed(e))
    }
}
