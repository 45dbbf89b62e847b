//! Communications: reports filed by informants and teams, messages delivered to roles
//! (injects, warnings, monitors' word), and township reports up to the county.

use serde::Serialize;

use crate::roles::Role;
use crate::view::MessageView;
use crate::world::orders::HazardKind;

/// A report (信息快报) as the command post received it.
#[derive(Clone, Debug, Serialize)]
pub struct FiledReport {
    pub id: u32,
    pub t_s: u32,
    pub by: Role,
    pub village: usize,
    pub hazard: HazardKind,
    pub note: String,
    pub acknowledged: bool,
}

#[derive(Default)]
pub struct Comms {
    pub reports: Vec<FiledReport>,
    /// Messages delivered, with the role each went to.
    pub messages: Vec<(Role, MessageView)>,
    /// Roles that reported up to the county, in order.
    pub reported_up: Vec<Role>,
}

impl Comms {
    /// Files a report; returns its number.
    pub(crate) fn file(&mut self, t_s: u32, by: &Role, village: usize, hazard: HazardKind, note: &str) -> u32 {
        let id = self.reports.len() as u32 + 1;
        self.reports.push(FiledReport {
            id,
            t_s,
            by: by.clone(),
            village,
            hazard,
            note: note.to_string(),
            acknowledged: false,
        });
        id
    }

    pub fn report(&self, id: u32) -> Option<&FiledReport> {
        self.reports.iter().find(|r| r.id == id)
    }

    pub(crate) fn acknowledge(&mut self, id: u32) {
        if let Some(r) = self.reports.iter_mut().find(|r| r.id == id) {
            r.acknowledged = true;
        }
    }

    pub(crate) fn send(&mut self, to: Role, t_s: u32, text: String) {
        self.messages.push((to, MessageView { t_s, text }));
    }

    /// A township's report up: on the record, and a message to the county.
    pub(crate) fn report_up(&mut self, from: &Role, t_s: u32, note: &str) {
        self.reported_up.push(from.clone());
        self.send(Role::County, t_s, format!("{}: {note}", from.label_zh()));
    }
}
