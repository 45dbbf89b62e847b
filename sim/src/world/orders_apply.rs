//! Applying orders: who may order what, and what each order does. A refused order changes nothing
//! but an `OrderRefused` event.

use super::*;
use crate::world::teams::Activity;

impl World {
    /// Applies one order now.
    pub fn apply(&mut self, cmd: &Command) -> Result<(), Refusal> {
        let result = self.try_apply(cmd);
        if let Err(refusal) = &result {
            self.emit(EventKind::OrderRefused { from: cmd.from.clone(), reason: refusal.to_string() });
        }
        result
    }

    fn try_apply(&mut self, cmd: &Command) -> Result<(), Refusal> {
        if self.is_finished() {
            return Err(Refusal::Ended);
        }
        let from = &cmd.from;
        if !self.roles.contains(from) {
            return Err(Refusal::UnknownRole(from.to_string()));
        }
        let kind = cmd.order.kind();
        if !OrderKind::allowed_for(from).contains(&kind) {
            return Err(Refusal::NotAllowed { role: from.to_string(), order: format!("{kind:?}") });
        }
        match &cmd.order {
            Order::Report { village, hazard, note } => {
                let vi = self.village(village)?;
                if let Role::Informant(own) = from
                    && self.village_index(own) != Some(vi)
                {
                    return Err(Refusal::BadTarget(format!(
                        "the informant of {own} reports on {own}, not on {village}"
                    )));
                }
                let id = self.reports.len() as u32 + 1;
                self.reports.push(FiledReport {
                    id,
                    t_s: self.t_s,
                    by: from.clone(),
                    village: vi,
                    hazard: *hazard,
                    note: note.clone(),
                    acknowledged: false,
                });
                let village = self.villages[vi].name.clone();
                self.emit(EventKind::ReportFiled { id, by: from.clone(), village, hazard: *hazard });
            }
            Order::Acknowledge { report } => {
                let r = self
                    .reports
                    .iter()
                    .position(|r| r.id == *report)
                    .ok_or_else(|| Refusal::BadTarget(format!("no report number {report}")))?;
                self.check_jurisdiction(from, self.reports[r].village)?;
                if self.reports[r].acknowledged {
                    return Err(Refusal::BadTarget(format!("report {report} is already acknowledged")));
                }
                self.reports[r].acknowledged = true;
                self.emit(EventKind::ReportAcknowledged { id: *report, by: from.clone() });
            }
            Order::ActivateLevel { level } => {
                self.levels.insert(from.clone(), *level);
                self.emit(EventKind::LevelActivated { level: *level, by: from.clone() });
            }
            Order::Warn { village } => {
                let vi = self.village(village)?;
                self.check_jurisdiction(from, vi)?;
                self.villages[vi].warned = true;
                let name = self.villages[vi].name.clone();
                self.messages.push((
                    Role::Informant(name.clone()),
                    MessageView {
                        t_s: self.t_s,
                        text: format!("{} 发布预警 / warning from {}", from.label_zh(), from),
                    },
                ));
                self.emit(EventKind::WarningIssued { village: name, by: from.clone() });
            }
            Order::Evacuate { village } => {
                let vi = self.village(village)?;
                self.check_jurisdiction(from, vi)?;
                let v = &mut self.villages[vi];
                v.warned = true;
                v.evacuation_ordered = true;
                let name = v.name.clone();
                self.emit(EventKind::EvacuationOrdered { village: name, by: from.clone() });
            }
            Order::Dispatch { team, village, task } => {
                let vi = self.village(village)?;
                let ti = self
                    .teams
                    .iter()
                    .position(|t| &t.name == team)
                    .ok_or_else(|| Refusal::BadTarget(format!("no team named {team}")))?;
                if let Role::Command(Some(township)) = from
                    && self.teams[ti].township.as_ref() != Some(township)
                {
                    return Err(Refusal::BadTarget(format!(
                        "team {team} does not belong to {township}; ask the county"
                    )));
                }
                let t = &mut self.teams[ti];
                t.job = Some((vi, *task));
                t.activity = match t.activity {
                    // A team at rest musters first; one already deployed turns to the new job at once.
                    Activity::Idle => Activity::Mustering { until_s: self.t_s + t.muster_s },
                    _ => Activity::Mustering { until_s: self.t_s },
                };
                let village = self.villages[vi].name.clone();
                self.emit(EventKind::TeamDispatched { team: team.clone(), village, task: *task, by: from.clone() });
            }
            Order::ReportUp { note } => {
                self.reported_up.push(from.clone());
                self.messages
                    .push((Role::County, MessageView { t_s: self.t_s, text: format!("{}: {note}", from.label_zh()) }));
                self.emit(EventKind::ReportedUp { by: from.clone() });
            }
            Order::Inject { to, message } => {
                if !self.roles.contains(to) {
                    return Err(Refusal::BadTarget(format!("no role {to} in this drill")));
                }
                self.messages.push((to.clone(), MessageView { t_s: self.t_s, text: message.clone() }));
                self.emit(EventKind::InjectDelivered { to: to.clone(), message: message.clone() });
            }
        }
        Ok(())
    }

    fn village(&self, name: &str) -> Result<usize, Refusal> {
        self.village_index(name).ok_or_else(|| Refusal::BadTarget(format!("no village named {name} in this drill")))
    }

    /// Informants act for their own village, a township's command post for its own villages.
    fn check_jurisdiction(&self, from: &Role, vi: usize) -> Result<(), Refusal> {
        let v = &self.villages[vi];
        match from {
            Role::Informant(own) if self.village_index(own) != Some(vi) => {
                Err(Refusal::BadTarget(format!("the informant of {own} cannot act for {}", v.name)))
            }
            Role::Command(Some(t)) if v.township.as_ref() != Some(t) => {
                Err(Refusal::BadTarget(format!("{} is not in {t}", v.name)))
            }
            _ => Ok(()),
        }
    }
}
