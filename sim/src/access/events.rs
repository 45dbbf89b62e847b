//! Which events a role is told about directly. The controller sees everything; other roles get
//! the events that name them (their own orders and their outcomes, messages to them) and what
//! everyone hears (levels activated, drill start and end). Everything else reaches them only
//! through their filtered [`RoleView`](crate::view::RoleView). The truth behind reports
//! (`ReportTruth`, `ReportUpTruth`) and planted false reports (`FalseReportPlanted`) reach no
//! one but the controller; a planted report's `ReportFiled` names the controller.

use crate::roles::Role;
use crate::world::{Event, EventKind};

/// The events of `events` that `role` is told about.
pub fn events_for(role: &Role, events: &[Event]) -> Vec<Event> {
    if *role == Role::Controller {
        return events.to_vec();
    }
    events.iter().filter(|e| concerns(role, &e.kind)).cloned().collect()
}

fn concerns(role: &Role, kind: &EventKind) -> bool {
    use EventKind::*;
    let team = |t: &str| matches!(role, Role::Team(r) if r == t);
    match kind {
        DrillStarted | DrillEnded | LevelActivated { .. } | LevelLowered { .. } | ResponseEnded { .. } => true,
        HazardSeen { by, .. }
        | ReportFiled { by, .. }
        | ReportAcknowledged { by, .. }
        | VerifyAsked { by, .. }
        | CalledForHelp { by, .. }
        | HeadCounted { by, .. }
        | WarningIssued { by, .. }
        | EvacuationOrdered { by, .. }
        | ShelterAssigned { by, .. }
        | VillageHeld { by, .. }
        | MaterialsSent { by, .. }
        | ReportedUp { by, .. } => by == role,
        TeamDispatched { team: t, by, .. } => by == role || team(t),
        TeamArrived { team: t, .. }
        | TeamTaskDone { team: t, .. }
        | TeamCannotReach { team: t, .. }
        | TaskAccepted { team: t }
        | TaskRefused { team: t, .. }
        | TaskWaiting { team: t, .. }
        | MaterialsUsed { team: t, .. }
        | TeamReported { team: t, .. }
        | TeamMoving { team: t }
        | FireAttacked { team: t, .. } => team(t),
        Rescued { team: t, .. } => team(t),
        // A request is heard by the county and by the post that made it.
        SupportRequested { by, .. } => by == role || *role == Role::County,
        RequestDecided { by, .. } => by == role,
        DirectiveSent { to, by } => to == role || by == role,
        InjectDelivered { to, .. } => to == role,
        // The truth behind reports and which reports are false: the controller's alone.
        ReportTruth { .. } | FalseReportPlanted { .. } | ReportUpTruth { .. } => false,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_hears_only_what_names_it() {
        let me: Role = "informant:Canillo".parse().unwrap();
        let other: Role = "informant:Encamp".parse().unwrap();
        let ev = |kind| Event { t_s: 60, kind };
        let events = vec![
            ev(EventKind::InjectDelivered { to: me.clone(), message: "看看河".into() }),
            ev(EventKind::InjectDelivered { to: other.clone(), message: "secret".into() }),
            ev(EventKind::SlopeFailed { point: "P1".into() }),
            ev(EventKind::ReportFiled {
                id: 1,
                by: other.clone(),
                village: "Encamp".into(),
                hazard: crate::world::HazardKind::Flood,
                stage: crate::world::ReportStage::Initial,
            }),
            ev(EventKind::InjectDue { index: 0 }),
        ];
        let mine = events_for(&me, &events);
        assert_eq!(mine, vec![events[0].clone()]);
        assert_eq!(events_for(&Role::Controller, &events).len(), 5);
    }
}
