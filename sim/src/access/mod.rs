//! Who may do and see what: the one home of the drill's access rules.
//!
//! - which orders a role may give ([`orders_for`]), and whether it may steer the clock;
//! - the jurisdiction of townships over villages and teams ([`covers_village`], [`covers_team`]);
//! - [`authorise`]: every check an order passes before the server journals it; the world's
//!   `execute` repeats none of them;
//! - what a role sees: its view ([`view`]), the events it is told ([`events_for`]), and the
//!   briefing it gets instead of the scenario file ([`briefing`]).
//!
//! Refusals have stable codes and their words live in one place ([`Refusal`]).

mod briefing;
mod events;
mod public;
mod refusal;
mod view;

pub use briefing::{
    Briefing, BriefingDepot, BriefingPlan, BriefingShelter, BriefingTeam, BriefingVillage, DrillInfo, RegisteredPoint,
    briefing,
};
pub use events::events_for;
pub use public::{PublicBriefing, PublicReport, PublicView, PublicVillage, public_briefing, public_view};
pub use refusal::Refusal;
pub use view::view;

use crate::roles::Role;
use crate::world::{Command, Order, OrderKind, World};

/// The orders a role may give, as in real life: informants report, warn and start the first
/// evacuation of their own village; the command post decides; the county dispatches its teams;
/// teams report what they see; the controller injects messages.
pub fn orders_for(role: &Role) -> &'static [OrderKind] {
    use OrderKind::*;
    match role {
        Role::Controller => &[Inject],
        Role::Command(_) => &[Acknowledge, ActivateLevel, Warn, Evacuate, Dispatch, ReportUp],
        Role::County => &[Acknowledge, ActivateLevel, Dispatch],
        Role::Informant(_) => &[Report, Warn, Evacuate],
        Role::Team(_) => &[Report],
    }
}

/// Only the controller (导调) starts, pauses and sets the speed of the drill.
pub fn may_steer_clock(role: &Role) -> bool {
    *role == Role::Controller
}

/// Only the controller reads the script: the scenario file with its injects, hazard inputs and
/// seed. Every other seat gets its [`briefing`].
pub fn may_see_script(role: &Role) -> bool {
    *role == Role::Controller
}

/// Whether a village (index into the world's villages) is in a role's care: a township's
/// command post has its own villages, an informant its own village, the county and the
/// controller all of them, a team none (it acts where it is sent).
pub fn covers_village(world: &World, role: &Role, village: usize) -> bool {
    let Some(v) = world.people.villages.get(village) else { return false };
    match role {
        Role::Controller | Role::County | Role::Command(None) => true,
        Role::Command(Some(t)) => v.township.as_ref() == Some(t),
        Role::Informant(own) => world.people.index(own) == Some(village),
        Role::Team(_) => false,
    }
}

/// Whether a team (index into the world's teams) answers to a role: a township's command post
/// commands its own teams; the only township of a drill, the county and the controller every
/// team; a team itself.
pub fn covers_team(world: &World, role: &Role, team: usize) -> bool {
    let Some(t) = world.teams.list.get(team) else { return false };
    match role {
        Role::Controller | Role::County | Role::Command(None) => true,
        Role::Command(Some(township)) => t.township.as_ref() == Some(township),
        Role::Team(name) => *name == t.name,
        Role::Informant(_) => false,
    }
}

/// Every check an order passes before it is journaled and applied: the drill is on, the role
/// is on offer and may give this kind of order, the targets exist and are in its care.
pub fn authorise(world: &World, cmd: &Command) -> Result<(), Refusal> {
    if world.is_finished() {
        return Err(Refusal::Ended);
    }
    let from = &cmd.from;
    if !world.roles.contains(from) {
        return Err(Refusal::UnknownRole { role: from.to_string() });
    }
    let kind = cmd.order.kind();
    if !orders_for(from).contains(&kind) {
        return Err(Refusal::NotAllowed { role: from.to_string(), order: kind });
    }
    let village =
        |name: &str| world.people.index(name).ok_or_else(|| Refusal::NoSuchVillage { village: name.to_string() });
    let in_care = |vi: usize| {
        if covers_village(world, from, vi) {
            Ok(())
        } else {
            Err(Refusal::NotYourVillage { role: from.to_string(), village: world.people.villages[vi].name.clone() })
        }
    };
    match &cmd.order {
        Order::Report { village: name, .. } => {
            let vi = village(name)?;
            // An informant reports on its own village; a team on whatever it sees on its way.
            if matches!(from, Role::Informant(_)) {
                in_care(vi)?;
            }
        }
        Order::Acknowledge { report } => {
            let r = world.comms.report(*report).ok_or(Refusal::NoSuchReport { report: *report })?;
            in_care(r.village)?;
            if r.acknowledged {
                return Err(Refusal::AlreadyAcknowledged { report: *report });
            }
        }
        Order::Warn { village: name } | Order::Evacuate { village: name } => in_care(village(name)?)?,
        Order::Dispatch { team, village: name, .. } => {
            village(name)?;
            let ti = world.teams.index(team).ok_or_else(|| Refusal::NoSuchTeam { team: team.clone() })?;
            if !covers_team(world, from, ti) {
                return Err(Refusal::NotYourTeam { role: from.to_string(), team: team.clone() });
            }
        }
        Order::Inject { to, .. } => {
            if !world.roles.contains(to) {
                return Err(Refusal::NoSuchRole { role: to.to_string() });
            }
        }
        Order::ActivateLevel { .. } | Order::ReportUp { .. } => {}
    }
    Ok(())
}
