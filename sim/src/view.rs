//! The shape of what one role may see of the drill. Built on the server from the true state by
//! [`crate::access::view`] and sent to that role only: a client never receives what its role
//! could not know.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::map::Xy;
use crate::roles::Role;
use crate::scenario::{Level, Stage};
use crate::weather::Weather;
use crate::world::orders::{HazardKind, OrderKind, ReportForm, SupportKind, Task};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleView {
    pub role: Role,
    pub t_s: u32,
    pub duration_s: u32,
    pub finished: bool,
    /// The active response level, as announced (everyone hears it).
    pub level: Option<Level>,
    /// The weather of the last tick, rain totals included (felt everywhere on a township-sized map).
    pub weather: Weather,
    /// Hazard cells this role can see (near its village or team; everything for the controller).
    pub hazard: Vec<HazardCell>,
    pub villages: Vec<VillageView>,
    pub teams: Vec<TeamView>,
    pub reports: Vec<ReportView>,
    pub gauges: Vec<GaugeView>,
    /// Messages delivered to this role (injects, warnings received), newest last: only the
    /// recent ones (`access::view`); [`RoleView::messages_before`] older ones are not carried.
    pub messages: Vec<MessageView>,
    pub orders: Vec<OrderKind>,
    /// Closed road edges this role knows of.
    pub closed_roads: Vec<u32>,
    /// Depot stock, for the roles that keep the books (command posts: their own depots; the
    /// county and the controller: all).
    #[serde(default)]
    pub depots: Vec<DepotView>,
    /// Shelters in this role's care, with how many they hold.
    #[serde(default)]
    pub shelters: Vec<ShelterView>,
    /// Support requests this role made (a command post) or decides (the county, the controller).
    #[serde(default)]
    pub requests: Vec<RequestView>,
    /// Hazards the controller froze (their models do not step).
    #[serde(default)]
    pub frozen: Vec<HazardKind>,
    /// Scripted injects due and not yet fired (indices into the script; controller only).
    #[serde(default)]
    pub injects_due: Vec<u32>,
    /// How many of this role's messages come before the first one carried in `messages` (the
    /// client keeps those it saw: [`RoleView::merge_history`]).
    #[serde(default)]
    pub messages_before: u32,
    /// How many of this role's reports and requests the view leaves out (settled and old).
    #[serde(default)]
    pub left_out: u32,
}

impl RoleView {
    /// A still moment: the clock, the weather and the villages, nothing else (no hazard,
    /// teams, messages or orders). The client's stand-in views (the editor's scenario standing
    /// still, the public situation) start from it.
    pub fn still(role: Role, t_s: u32, duration_s: u32, weather: Weather, villages: Vec<VillageView>) -> RoleView {
        RoleView {
            role,
            t_s,
            duration_s,
            finished: false,
            level: None,
            weather,
            hazard: Vec::new(),
            villages,
            teams: Vec::new(),
            reports: Vec::new(),
            gauges: Vec::new(),
            messages: Vec::new(),
            orders: Vec::new(),
            closed_roads: Vec::new(),
            depots: Vec::new(),
            shelters: Vec::new(),
            requests: Vec::new(),
            frozen: Vec::new(),
            injects_due: Vec::new(),
            messages_before: 0,
            left_out: 0,
        }
    }

    /// Puts back the communications an earlier view (or the history kept so far) carried and
    /// this one leaves out: the messages before this view's first, the reports and requests it
    /// no longer carries (settled and old, so they do not change any more). What this view
    /// carries wins. A client or a bot calls it on every view, so it keeps the whole drill's
    /// communications while each view stays small.
    pub fn merge_history(&mut self, older: &RoleView) {
        if older.role != self.role {
            return;
        }
        let (new_from, old_from) = (self.messages_before as usize, older.messages_before as usize);
        // The older list covers messages old_from..old_from + len: take what comes before ours.
        if old_from <= new_from && old_from + older.messages.len() >= new_from {
            let mut all = older.messages[..new_from - old_from].to_vec();
            all.append(&mut self.messages);
            self.messages = all;
            self.messages_before = older.messages_before;
        }
        let kept_reports: Vec<ReportView> =
            older.reports.iter().filter(|o| !self.reports.iter().any(|r| r.id == o.id)).cloned().collect();
        if !kept_reports.is_empty() {
            self.reports.extend(kept_reports);
            self.reports.sort_by_key(|r| r.id);
        }
        let kept_requests: Vec<RequestView> =
            older.requests.iter().filter(|o| !self.requests.iter().any(|r| r.id == o.id)).cloned().collect();
        if !kept_requests.is_empty() {
            self.requests.extend(kept_requests);
            self.requests.sort_by_key(|r| r.id);
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepotView {
    pub name: String,
    pub pos: Xy,
    /// The road node loads leave from (`None`: no road reaches the depot).
    #[serde(default)]
    pub node: Option<u32>,
    pub county: bool,
    pub stock: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ShelterView {
    pub name: String,
    pub pos: Xy,
    pub capacity: u32,
    /// People in it or on their way to it.
    pub occupied: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub id: u32,
    pub t_s: u32,
    pub from: Role,
    pub by: String,
    pub kind: SupportKind,
    pub detail: String,
    pub material: Option<(String, u32)>,
    /// `None` while undecided; then whether it was approved, with the county's note.
    pub decision: Option<(bool, String)>,
}

/// One cell with a hazard: water deeper than 5 cm, fire burning or burned, debris.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct HazardCell {
    pub cell: u32,
    pub kind: HazardCellKind,
    /// Water depth in cm, or fire intensity 0–255, or debris depth in dm.
    pub amount: u16,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum HazardCellKind {
    Water,
    Burning,
    Burned,
    Debris,
    /// A cut firebreak or sandbag line (team work, visible to all who see the cell).
    Barrier,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageView {
    pub name: String,
    pub name_zh: Option<String>,
    pub pos: Xy,
    pub township: Option<String>,
    /// The road node that serves it (`None`: no road reaches it; teams walk in).
    #[serde(default)]
    pub road_node: Option<u32>,
    /// Where its people go (逃生明白纸), when the scenario names a shelter.
    pub shelter: Option<String>,
    pub population: u32,
    /// People still at home; `None` when this role cannot know.
    pub at_home: Option<u32>,
    pub in_shelter: Option<u32>,
    pub casualties: Option<u32>,
    pub warned: bool,
    pub evacuation_ordered: bool,
    /// 管控: people may not return.
    #[serde(default)]
    pub held: bool,
    /// People waiting at home because their shelter is full; `None` when this role cannot know.
    #[serde(default)]
    pub waiting: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TeamView {
    pub name: String,
    pub kind_zh: String,
    pub size: u32,
    pub pos: Xy,
    /// The road node it is at or last passed.
    #[serde(default)]
    pub node: Option<u32>,
    pub state: TeamState,
    /// The team accepted its current task (`AcceptTask`).
    #[serde(default)]
    pub accepted: bool,
    /// Materials the team carries (its own view, its commanders' and the controller's).
    #[serde(default)]
    pub carrying: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TeamState {
    Idle,
    Mustering {
        village: String,
        task: Task,
    },
    EnRoute {
        village: String,
        task: Task,
        eta_s: u32,
    },
    Working {
        village: String,
        task: Task,
    },
    /// On site, waiting for materials: `missing` of `material`.
    Waiting {
        village: String,
        task: Task,
        material: String,
        missing: u32,
    },
    Blocked {
        village: String,
    },
    /// Driving to a point on its own initiative (`MoveTo`).
    Moving {
        to: Xy,
        eta_s: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub id: u32,
    pub t_s: u32,
    pub by: Role,
    pub village: String,
    pub hazard: HazardKind,
    pub note: String,
    pub acknowledged: bool,
    /// The person who sent it (empty for bots).
    #[serde(default)]
    pub by_name: String,
    /// Every field of the form (stage, point, severity, people at risk, trend, actions...).
    pub form: ReportForm,
    /// The command post asked for it to be checked (核实).
    #[serde(default)]
    pub verify_asked: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GaugeView {
    pub name: String,
    pub pos: Xy,
    pub depth_m: f32,
    pub stage: Option<Stage>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub t_s: u32,
    pub text: String,
    /// The role whose order sent it; `None` for the world's own word (a monitor, the script).
    #[serde(default)]
    pub from: Option<Role>,
    /// The person who gave that order (empty for bots).
    #[serde(default)]
    pub by: String,
}
