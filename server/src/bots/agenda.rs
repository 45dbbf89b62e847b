//! A bot's agenda: the orders it has decided to give and the drill time it will give each, so
//! its reaction time is real. Times are drill seconds from the views, never the wall clock, so
//! `run` stays reproducible. Within one duty the bot works through its list in order (a later
//! decision never overtakes an earlier one: a 续报 never goes before its 初报).

use std::collections::BTreeMap;

use sim::Order;

use super::reaction::Duty;

/// One order on the agenda.
#[derive(Clone, Debug, PartialEq)]
pub struct Planned {
    /// When the bot made up its mind (the view's time), drill seconds.
    pub decided_s: u32,
    /// When it gives the order, drill seconds.
    pub due_s: u32,
    pub duty: Duty,
    pub order: Order,
}

#[derive(Clone, Debug, Default)]
pub struct Agenda {
    items: Vec<Planned>,
    /// The due time of the last order planned per duty.
    last_due: BTreeMap<Duty, u32>,
}

impl Agenda {
    /// Puts `order` on the agenda `delay_s` after `now_s`, and not before the last order of the
    /// same duty.
    pub fn plan(&mut self, now_s: u32, order: Order, duty: Duty, delay_s: u32) -> u32 {
        let after = self.last_due.get(&duty).copied().unwrap_or(0);
        let due_s = now_s.saturating_add(delay_s).max(after);
        self.last_due.insert(duty, due_s);
        self.items.push(Planned { decided_s: now_s, due_s, duty, order });
        due_s
    }

    /// Takes the orders due at `now_s`, earliest first (planning order among equals).
    pub fn take_due(&mut self, now_s: u32) -> Vec<Planned> {
        let (mut due, rest): (Vec<Planned>, Vec<Planned>) =
            std::mem::take(&mut self.items).into_iter().partition(|p| p.due_s <= now_s);
        self.items = rest;
        due.sort_by_key(|p| p.due_s);
        due
    }

    /// What is still to come.
    pub fn pending(&self) -> &[Planned] {
        &self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warn(v: &str) -> Order {
        Order::Warn { village: v.into() }
    }

    #[test]
    fn orders_come_due_at_their_time_in_order_per_duty() {
        let mut a = Agenda::default();
        assert_eq!(a.plan(60, warn("A"), Duty::Decide, 600), 660);
        // Decided later with a shorter delay: waits behind the first decision.
        assert_eq!(a.plan(120, warn("B"), Duty::Decide, 60), 660);
        // Another duty keeps its own pace.
        assert_eq!(a.plan(120, Order::Acknowledge { report: 1 }, Duty::Acknowledge, 60), 180);
        assert!(a.take_due(120).is_empty());
        let due = a.take_due(180);
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].order, Order::Acknowledge { report: 1 });
        assert_eq!((due[0].decided_s, due[0].due_s), (120, 180));
        assert_eq!(a.pending().len(), 2);
        let due: Vec<Order> = a.take_due(10_000).into_iter().map(|p| p.order).collect();
        assert_eq!(due, vec![warn("A"), warn("B")]);
        assert!(a.pending().is_empty());
    }
}
