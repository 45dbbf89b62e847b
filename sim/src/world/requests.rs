//! Township requests for county support (乡镇吹哨、部门报到; 横延到县区) and the county's
//! decisions on them.
//!
//! Rules: a request gets the next number and reaches the county at once. The county approves
//! or refuses it once. Approving `Teams` lets the requesting township's post dispatch the county
//! teams (its `covers_team` widens to county teams); approving `Materials` with an amount sends
//! that stock from the county depot that holds most of it to the township's depot (or, with
//! none, its first village) by road; `Experts` is a message.

use serde::{Deserialize, Serialize};

use crate::roles::Role;
use crate::world::orders::SupportKind;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportRequest {
    pub id: u32,
    pub t_s: u32,
    pub from: Role,
    /// The person who asked.
    pub by: String,
    pub kind: SupportKind,
    pub detail: String,
    pub material: Option<(String, u32)>,
    /// (approved, note, when) once the county decided.
    pub decision: Option<(bool, String, u32)>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Requests {
    pub list: Vec<SupportRequest>,
}

impl Requests {
    pub fn get(&self, id: u32) -> Option<&SupportRequest> {
        self.list.iter().find(|r| r.id == id)
    }

    pub(crate) fn file(
        &mut self,
        t_s: u32,
        from: &Role,
        by: &str,
        kind: SupportKind,
        detail: &str,
        material: Option<(String, u32)>,
    ) -> u32 {
        let id = self.list.len() as u32 + 1;
        self.list.push(SupportRequest {
            id,
            t_s,
            from: from.clone(),
            by: by.to_string(),
            kind,
            detail: detail.to_string(),
            material,
            decision: None,
        });
        id
    }

    pub(crate) fn decide(&mut self, id: u32, approve: bool, note: &str, t_s: u32) {
        if let Some(r) = self.list.iter_mut().find(|r| r.id == id) {
            r.decision = Some((approve, note.to_string(), t_s));
        }
    }

    /// Whether the county approved county teams for this command post.
    pub fn teams_approved_for(&self, role: &Role) -> bool {
        self.list
            .iter()
            .any(|r| &r.from == role && r.kind == SupportKind::Teams && matches!(r.decision, Some((true, _, _))))
    }
}
