//! Communications: reports filed by informants and teams, messages delivered to roles
//! (injects, warnings, monitors' word, directives, teams' word), and township reports up to
//! the county. Every entry carries the person who gave it (`Command.by`, empty for bots).

use serde::Serialize;

use crate::roles::Role;
use crate::view::MessageView;
use crate::world::orders::{ReportForm, ReportStage};

/// A report (信息快报: 初报, 续报, 终报) as the command post received it.
#[derive(Clone, Debug, Serialize)]
pub struct FiledReport {
    pub id: u32,
    pub t_s: u32,
    pub by: Role,
    /// The person who sent it.
    pub by_name: String,
    pub village: usize,
    pub form: ReportForm,
    pub acknowledged: bool,
    /// The command post asked the reporter to check it (核实).
    pub verify_asked: bool,
    /// When it last changed (filed, acknowledged, asked to be checked): views carry it while
    /// that is recent (`access::view`).
    pub changed_t: u32,
    /// Planted by this scripted inject (a false report): the command post sees it as the
    /// informant's; the informant never filed it and is not told of it.
    pub planted: Option<u32>,
}

/// A township's structured report up to the county.
#[derive(Clone, Debug, Serialize)]
pub struct UpReport {
    pub t_s: u32,
    pub from: Role,
    pub by: String,
    pub stage: ReportStage,
    pub casualties: u32,
    pub trapped: u32,
    pub evacuated: u32,
    pub note: String,
}

#[derive(Clone, Default)]
pub struct Comms {
    pub reports: Vec<FiledReport>,
    /// Messages delivered, with the role each went to.
    pub messages: Vec<(Role, MessageView)>,
    /// Roles that reported up to the county, in order.
    pub reported_up: Vec<Role>,
    pub up_reports: Vec<UpReport>,
}

impl Comms {
    /// Files a report; returns its number.
    pub(crate) fn file(&mut self, t_s: u32, by: &Role, by_name: &str, village: usize, form: &ReportForm) -> u32 {
        let id = self.reports.len() as u32 + 1;
        self.reports.push(FiledReport {
            id,
            t_s,
            by: by.clone(),
            by_name: by_name.to_string(),
            village,
            form: form.clone(),
            acknowledged: false,
            verify_asked: false,
            changed_t: t_s,
            planted: None,
        });
        id
    }

    pub fn report(&self, id: u32) -> Option<&FiledReport> {
        self.reports.iter().find(|r| r.id == id)
    }

    pub(crate) fn acknowledge(&mut self, id: u32, t_s: u32) {
        if let Some(r) = self.reports.iter_mut().find(|r| r.id == id) {
            r.acknowledged = true;
            r.changed_t = t_s;
        }
    }

    pub(crate) fn ask_verify(&mut self, id: u32, t_s: u32) {
        if let Some(r) = self.reports.iter_mut().find(|r| r.id == id) {
            r.verify_asked = true;
            r.changed_t = t_s;
        }
    }

    /// A message from the world (a monitor, the system): no sender.
    pub(crate) fn send(&mut self, to: Role, t_s: u32, text: String) {
        self.messages.push((to, MessageView { t_s, text, from: None, by: String::new() }));
    }

    /// A message a role's order sent, with the person who gave the order.
    pub(crate) fn send_from(&mut self, to: Role, t_s: u32, from: &Role, by: &str, text: String) {
        self.messages.push((to, MessageView { t_s, text, from: Some(from.clone()), by: by.to_string() }));
    }

    /// A township's report up: on the record, and a message to the county.
    pub(crate) fn report_up(&mut self, up: UpReport) {
        self.reported_up.push(up.from.clone());
        let text = format!(
            "{} {}: 伤亡 {} 人, 被困 {} 人, 已转移 {} 人. {} / {} report: {} casualties, {} trapped, {} evacuated",
            up.from.label_zh(),
            up.stage.label_zh(),
            up.casualties,
            up.trapped,
            up.evacuated,
            up.note,
            up.from,
            up.casualties,
            up.trapped,
            up.evacuated
        );
        self.send_from(Role::County, up.t_s, &up.from.clone(), &up.by.clone(), text);
        self.up_reports.push(up);
    }
}
