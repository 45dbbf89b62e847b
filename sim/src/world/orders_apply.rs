//! What an order does. Orders reach here authorised by [`crate::access::authorise`]: no check is
//! repeated; a target that cannot be found (impossible after authorisation) changes nothing.

use super::*;

impl World {
    /// Applies an authorised order now.
    pub fn execute(&mut self, cmd: &Command) {
        let from = &cmd.from;
        match &cmd.order {
            Order::Report { village, hazard, note } => {
                let Some(vi) = self.people.index(village) else { return };
                let id = self.comms.file(self.t_s, from, vi, *hazard, note);
                let village = self.people.villages[vi].name.clone();
                self.emit(EventKind::ReportFiled { id, by: from.clone(), village, hazard: *hazard });
            }
            Order::Acknowledge { report } => {
                self.comms.acknowledge(*report);
                self.emit(EventKind::ReportAcknowledged { id: *report, by: from.clone() });
            }
            Order::ActivateLevel { level } => {
                self.plan.activate(from, *level);
                self.emit(EventKind::LevelActivated { level: *level, by: from.clone() });
            }
            Order::Warn { village } => {
                let Some(vi) = self.people.index(village) else { return };
                self.people.villages[vi].warned = true;
                let name = self.people.villages[vi].name.clone();
                let text = format!("{} 发布预警 / warning from {}", from.label_zh(), from);
                self.comms.send(Role::Informant(name.clone()), self.t_s, text);
                self.emit(EventKind::WarningIssued { village: name, by: from.clone() });
            }
            Order::Evacuate { village } => {
                let Some(vi) = self.people.index(village) else { return };
                let v = &mut self.people.villages[vi];
                v.warned = true;
                v.evacuation_ordered = true;
                let name = v.name.clone();
                self.emit(EventKind::EvacuationOrdered { village: name, by: from.clone() });
            }
            Order::Dispatch { team, village, task } => {
                let (Some(vi), Some(ti)) = (self.people.index(village), self.teams.index(team)) else { return };
                self.teams.dispatch(ti, vi, *task, self.t_s);
                let village = self.people.villages[vi].name.clone();
                self.emit(EventKind::TeamDispatched { team: team.clone(), village, task: *task, by: from.clone() });
            }
            Order::ReportUp { note } => {
                self.comms.report_up(from, self.t_s, note);
                self.emit(EventKind::ReportedUp { by: from.clone() });
            }
            Order::Inject { to, message } => {
                self.comms.send(to.clone(), self.t_s, message.clone());
                self.emit(EventKind::InjectDelivered { to: to.clone(), message: message.clone() });
            }
        }
    }
}
