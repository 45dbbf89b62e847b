//! What the public seats are shown, as the controller chose it: the role whose view observers
//! watch (or the public situation) and the projector's area. Both are controls, journaled like
//! any other; [`Shown::apply`] is the one home of what they change, used live by
//! [`super::Drill::control`] and by a resume replaying the journal, so a resumed drill shows
//! what the crashed one did.

use protocol::Control;
use sim::Role;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    /// Observers see this role's view; `None`: the public situation.
    pub observers: Option<Role>,
    /// The projector's (and observers') map area; `None`: the whole map.
    pub focus: Option<[f64; 4]>,
}

impl Shown {
    /// Applies an accepted control; true when it was one of these.
    pub fn apply(&mut self, control: &Control) -> bool {
        match control {
            Control::ShowObservers(role) => self.observers = role.clone(),
            // A non-finite area cannot be drawn: the whole map instead.
            Control::FocusArea(area) => self.focus = area.filter(|a| a.iter().all(|v| v.is_finite())),
            _ => return false,
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_control_of_each_kind_holds_and_a_bad_area_is_the_whole_map() {
        let mut s = Shown::default();
        assert!(!s.apply(&Control::Start));
        assert!(s.apply(&Control::ShowObservers(Some(Role::County))));
        assert!(s.apply(&Control::FocusArea(Some([0.0, 0.0, 10.0, 10.0]))));
        assert_eq!(s, Shown { observers: Some(Role::County), focus: Some([0.0, 0.0, 10.0, 10.0]) });
        s.apply(&Control::FocusArea(Some([0.0, f64::NAN, 1.0, 1.0])));
        s.apply(&Control::ShowObservers(None));
        assert_eq!(s, Shown::default());
    }
}
