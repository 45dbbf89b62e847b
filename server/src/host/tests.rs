//! Host tests: the hello handshake, refusals (garbage, unauthorised, before hello, rate),
//! bots giving way to people, several people per role, per-role views, the observer and
//! projector seats, the controller's console (step, view as, live score).

use std::time::Duration;

use protocol::{ClientMessage, Control, PROTOCOL_VERSION, Seat, ServerMessage, channel};
use sim::{Order, Role};

use super::{ConnId, Host, HostOptions, Outgoing, Peer};
use crate::drill::{Drill, record};
use crate::testkit;

fn host(tag: &str) -> (Host, std::path::PathBuf) {
    let dir = testkit::temp_dir(tag);
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let drill = Drill::new(setup, rec).unwrap();
    (Host::new(drill, HostOptions::default()).unwrap(), dir)
}

fn hello(role: &str, player: &str) -> Vec<u8> {
    protocol::encode(&ClientMessage::Hello {
        protocol: PROTOCOL_VERSION,
        seat: role.parse().unwrap(),
        player: player.into(),
    })
}

fn order(o: Order) -> Vec<u8> {
    protocol::encode(&ClientMessage::Order(o))
}

/// Decoded messages for `id`, draining the host's queue.
fn inbox(host: &mut Host, id: ConnId) -> Vec<ServerMessage> {
    host.take_outgoing()
        .into_iter()
        .filter(|o: &Outgoing| o.to == id)
        .map(|o| protocol::decode::<ServerMessage>(&o.bytes).expect("server messages decode"))
        .collect()
}

fn refusals(msgs: &[ServerMessage]) -> Vec<String> {
    msgs.iter()
        .filter_map(|m| if let ServerMessage::Refused { reason } = m { Some(reason.clone()) } else { None })
        .collect()
}

fn journal_lines(dir: &std::path::Path) -> usize {
    std::fs::read_to_string(dir.join("record").join(record::JOURNAL)).unwrap().lines().count()
}

const T: Duration = Duration::from_secs(1);
const A: ConnId = ConnId::Net(1);
const B: ConnId = ConnId::Net(2);

#[test]
fn garbage_is_refused_and_logged_and_the_client_can_go_on() {
    let (mut h, dir) = host("host-garbage");
    h.connect(A, Peer::Human);
    for junk in [&[][..], &[0xff, 0xff, 0xff, 0xff, 0x0f][..], &[7u8; 3000][..], b"hello"] {
        h.receive(A, junk, T);
    }
    let msgs = inbox(&mut h, A);
    let refused = refusals(&msgs);
    assert_eq!(refused.len(), 4, "{msgs:?}");
    assert!(refused[0].contains("undecodable"), "{refused:?}");
    assert_eq!(h.stats().undecodable, 4);
    // The same client can still join and act.
    h.receive(A, &hello("informant:Alpha", "李四"), T);
    let msgs = inbox(&mut h, A);
    assert!(
        matches!(msgs[0], ServerMessage::Welcome { ref role, .. } if role.to_string() == "informant:Alpha"),
        "{msgs:?}"
    );
    // An informant gets its briefing, never the scenario file.
    assert!(
        matches!(msgs[1], ServerMessage::Static(ref s) if s.controller.is_none()
            && s.public.is_none() && s.briefing.as_ref().unwrap().villages.iter().map(|v| v.name.as_str()).collect::<Vec<_>>() == ["Alpha"]),
        "{:?}",
        msgs[1]
    );
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    assert!(refusals(&inbox(&mut h, A)).is_empty());
    assert_eq!(journal_lines(&dir), 1);
}

#[test]
fn hello_checks_protocol_and_offer_and_several_people_share_a_role() {
    let (mut h, _dir) = host("host-hello");
    h.connect(A, Peer::Human);
    h.connect(B, Peer::Human);
    let old =
        protocol::encode(&ClientMessage::Hello { protocol: 1, seat: Seat::Role(Role::Controller), player: "x".into() });
    h.receive(A, &old, T);
    assert!(refusals(&inbox(&mut h, A))[0].contains("protocol"));
    h.receive(A, &hello("informant:Atlantis", "x"), T);
    let r = refusals(&inbox(&mut h, A));
    assert!(r[0].contains("not on offer") && r[0].contains("informant:Beta"), "{r:?}");
    // `command` is the scenario's command post.
    h.receive(A, &hello("command", "王五"), T);
    assert!(refusals(&inbox(&mut h, A)).is_empty());
    // A second person takes the same post (执行指挥长 beside 指挥长).
    h.receive(B, &hello("command", "赵六"), T);
    assert!(refusals(&inbox(&mut h, B)).is_empty());
    assert_eq!(h.holders().len(), 2);
    // Saying hello twice is refused.
    h.receive(A, &hello("controller", "王五"), T);
    assert!(refusals(&inbox(&mut h, A))[0].contains("already joined"));
}

#[test]
fn two_people_in_one_role_both_give_orders_and_the_journal_names_each() {
    let (mut h, dir) = host("host-two");
    h.connect(A, Peer::Human);
    h.connect(B, Peer::Human);
    h.receive(A, &hello("command", "指挥长 王五"), T);
    h.receive(B, &hello("command", "值班员 赵六"), T);
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    h.receive(B, &order(Order::Warn { village: "Beta".into() }), T);
    assert!(refusals(&inbox(&mut h, A)).is_empty() && refusals(&inbox(&mut h, B)).is_empty());
    let lines = crate::drill::journal::read_journal(&dir.join("record").join(record::JOURNAL)).unwrap();
    let who: Vec<(&str, &str)> = lines.iter().map(|l| (l.role.as_str(), l.player.as_str())).collect();
    assert_eq!(who.len(), 2);
    assert_eq!(who[0].1, "指挥长 王五");
    assert_eq!(who[1].1, "值班员 赵六");
    assert_eq!(who[0].0, who[1].0);
}

fn control(c: Control) -> Vec<u8> {
    protocol::encode(&ClientMessage::Control(c))
}

/// What `id` received on the views channel, decoded.
fn views_of(out: &[Outgoing], id: ConnId) -> Vec<ServerMessage> {
    out.iter()
        .filter(|o| o.to == id && o.channel == channel::VIEWS)
        .map(|o| protocol::decode::<ServerMessage>(&o.bytes).unwrap())
        .collect()
}

#[test]
fn observers_and_the_projector_see_the_public_situation_until_the_controller_shows_a_role() {
    let (mut h, dir) = host("host-public");
    const C: ConnId = ConnId::Net(3);
    const P: ConnId = ConnId::Net(4);
    for id in [A, C, P] {
        h.connect(id, Peer::Human);
    }
    h.receive(A, &hello("observer", "观摩 1"), T);
    h.receive(P, &hello("projector", "大屏"), T);
    h.receive(C, &hello("controller", "导调"), T);
    let msgs = inbox(&mut h, A);
    assert!(matches!(&msgs[0], ServerMessage::Seated { seat: Seat::Observer, .. }), "{msgs:?}");
    assert!(
        matches!(&msgs[1], ServerMessage::Static(s) if s.briefing.is_none() && s.controller.is_none()
            && s.public.as_ref().is_some_and(|p| p.villages.len() == 3)),
        "not the public static data"
    );
    assert!(msgs.iter().any(|m| matches!(m, ServerMessage::Clock(_))));
    assert!(msgs.iter().any(|m| matches!(m, ServerMessage::Focus(None))));
    // Public seats give no orders and steer nothing; nothing reaches the journal.
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    h.receive(P, &control(Control::Start), T);
    let out = h.take_outgoing();
    for id in [A, P] {
        let msgs: Vec<ServerMessage> =
            out.iter().filter(|o| o.to == id).map(|o| protocol::decode(&o.bytes).unwrap()).collect();
        assert_eq!(refusals(&msgs).len(), 1, "{msgs:?}");
    }
    assert_eq!(journal_lines(&dir), 0);
    h.push_views(|_| true);
    let out = h.take_outgoing();
    for id in [A, P] {
        let v = views_of(&out, id);
        assert!(matches!(v[..], [ServerMessage::Public(_)]), "{v:?}");
    }
    // The controller shows observers the informant's view; the projector keeps the public one.
    h.receive(C, &control(Control::ShowObservers(Some("informant:Alpha".parse().unwrap()))), T);
    h.receive(C, &control(Control::FocusArea(Some([0.0, 0.0, 1000.0, 800.0]))), T);
    let out = h.take_outgoing();
    assert!(out.iter().any(|o| o.to == P
        && protocol::decode::<ServerMessage>(&o.bytes).unwrap()
            == ServerMessage::Focus(Some([0.0, 0.0, 1000.0, 800.0]))));
    h.push_views(|_| true);
    let out = h.take_outgoing();
    let v = views_of(&out, A);
    assert!(matches!(&v[..], [ServerMessage::View(v)] if v.role.to_string() == "informant:Alpha"), "{v:?}");
    assert!(views_of(&out, P).is_empty(), "the public situation did not change");
    // Back to the public situation.
    h.receive(C, &control(Control::ShowObservers(None)), T);
    h.take_outgoing();
    h.push_views(|_| true);
    // Whole, or as a delta against the public situation it was sent before.
    let v = views_of(&h.take_outgoing(), A);
    assert!(
        matches!(&v[..], [ServerMessage::Public(_)])
            || matches!(&v[..], [ServerMessage::Delta(d)] if d.kind == protocol::DeltaKind::Public),
        "{v:?}"
    );
    // Showing a role not on offer is refused.
    h.receive(C, &control(Control::ShowObservers(Some("informant:Atlantis".parse().unwrap()))), T);
    assert_eq!(refusals(&inbox(&mut h, C)).len(), 1);
}

#[test]
fn the_controller_steps_one_minute_views_as_a_role_and_gets_the_live_score() {
    let (mut h, dir) = host("host-console");
    h.connect(A, Peer::Human);
    h.receive(A, &hello("controller", "导调"), T);
    h.take_outgoing();
    let t0 = h.drill().world().time_s();
    h.receive(A, &control(Control::Step), T);
    assert_eq!(h.drill().world().time_s(), t0 + 60, "exactly one drill minute");
    assert!(!h.drill().running(), "then paused");
    h.tick(Duration::from_secs(5), 100);
    assert_eq!(h.drill().world().time_s(), t0 + 60, "paused: no time passes");
    h.receive(A, &control(Control::Step), T);
    assert_eq!(h.drill().world().time_s(), t0 + 120);
    // View as the informant: its view comes besides the controller's own.
    h.receive(A, &control(Control::ViewAs(Some("informant:Alpha".parse().unwrap()))), T);
    h.take_outgoing();
    h.push_views(|_| true);
    let v = views_of(&h.take_outgoing(), A);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(matches!(&v[0], ServerMessage::View(v) if v.role == Role::Controller));
    assert!(matches!(&v[1], ServerMessage::Watched(v) if v.role.to_string() == "informant:Alpha"));
    // The live score board reaches the controller at the next tick.
    h.tick(Duration::from_secs(2), 100);
    let msgs = inbox(&mut h, A);
    let score = msgs.iter().find_map(|m| if let ServerMessage::Score(r) = m { Some(r) } else { None });
    assert!(score.is_some_and(|r| (0.0..=100.0).contains(&r.score)), "{msgs:?}");
    let lines = crate::drill::journal::read_journal(&dir.join("record").join(record::JOURNAL)).unwrap();
    assert_eq!(lines.iter().filter(|l| l.control == Some(Control::Step)).count(), 2);
}

#[test]
fn unauthorised_orders_and_orders_before_hello_are_refused_not_journaled() {
    let (mut h, dir) = host("host-auth");
    h.connect(A, Peer::Human);
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    assert!(refusals(&inbox(&mut h, A))[0].contains("Hello"));
    h.receive(A, &hello("informant:Alpha", "p"), T);
    inbox(&mut h, A);
    h.receive(A, &order(Order::ActivateLevel { level: sim::scenario::Level::I }), T);
    h.receive(A, &protocol::encode(&ClientMessage::Control(protocol::Control::Start)), T);
    let r = refusals(&inbox(&mut h, A));
    assert_eq!(r.len(), 2, "{r:?}");
    assert!(r[0].contains("may not give"), "{r:?}");
    assert!(r[1].contains("only the controller"), "{r:?}");
    assert_eq!(journal_lines(&dir), 0);
    assert!(!h.drill().running());
}

#[test]
fn a_client_flooding_orders_is_rate_limited() {
    let (mut h, dir) = host("host-rate");
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "p"), T);
    inbox(&mut h, A);
    for _ in 0..25 {
        h.receive(A, &order(Order::Report(sim::world::ReportForm::initial("Alpha", sim::HazardKind::Flood, "水"))), T);
    }
    let r = refusals(&inbox(&mut h, A));
    let limited = r.iter().filter(|r| r.contains("too many")).count();
    assert_eq!(limited, 5, "{r:?}");
    assert_eq!(h.stats().rate_limited, 5);
    assert_eq!(journal_lines(&dir), 20);
    // A second later there is room again.
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T + Duration::from_secs(1));
    assert!(refusals(&inbox(&mut h, A)).is_empty());
}

#[test]
fn a_person_takes_over_from_a_bot_and_the_bot_resumes_when_they_leave() {
    let (mut h, dir) = host("host-bench");
    let bot = ConnId::Local(0);
    h.connect(bot, Peer::Bot);
    h.receive(bot, &hello("informant:Alpha", "bot"), T);
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "p"), T);
    assert!(refusals(&inbox(&mut h, A)).is_empty(), "a person may take a bot's role");
    assert_eq!(h.holders(), vec![("informant:Alpha".parse().unwrap(), Some("p".into()))]);
    // The benched bot's orders are dropped silently; nothing is journaled.
    h.receive(bot, &order(Order::Warn { village: "Alpha".into() }), T);
    assert_eq!(journal_lines(&dir), 0);
    // Views go to the person only.
    h.push_views(|_| true);
    let out = h.take_outgoing();
    assert!(out.iter().any(|o| o.to == A && o.channel == channel::VIEWS));
    assert!(!out.iter().any(|o| o.to == bot && o.channel == channel::VIEWS));
    h.disconnect(A);
    h.receive(bot, &order(Order::Warn { village: "Alpha".into() }), T);
    assert_eq!(journal_lines(&dir), 1);
    h.push_views(|_| true);
    assert!(h.take_outgoing().iter().any(|o| o.to == bot && o.channel == channel::VIEWS));
}

#[test]
fn each_role_gets_its_own_view_and_unchanged_views_are_not_resent() {
    let (mut h, _dir) = host("host-views");
    h.connect(A, Peer::Human);
    h.connect(B, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "a"), T);
    h.receive(B, &hello("controller", "b"), T);
    h.take_outgoing();
    h.push_views(|_| true);
    let views: Vec<(ConnId, Role)> = h
        .take_outgoing()
        .into_iter()
        .filter(|o| o.channel == channel::VIEWS)
        .map(|o| match protocol::decode::<ServerMessage>(&o.bytes).unwrap() {
            ServerMessage::View(v) => (o.to, v.role.clone()),
            m => panic!("not a view on the views channel: {m:?}"),
        })
        .collect();
    assert_eq!(views, vec![(A, "informant:Alpha".parse().unwrap()), (B, Role::Controller)]);
    h.push_views(|_| true);
    assert!(h.take_outgoing().is_empty(), "nothing changed, nothing resent");
    // A view is held back while the transport is busy, and sent once it is ready.
    h.step_fast();
    h.push_views(|id| id != A);
    let out = h.take_outgoing();
    assert!(!out.iter().any(|o| o.to == A && o.channel == channel::VIEWS));
    h.push_views(|_| true);
    assert!(h.take_outgoing().iter().any(|o| o.to == A && o.channel == channel::VIEWS));
}

/// Issue 9: a report with a 12 MB note was accepted. A message above
/// `protocol::MAX_CLIENT_MESSAGE_BYTES` is refused before it is decoded (even one that would
/// decode), one just below with a note over the order limit is refused by `authorise`; neither
/// reaches the journal, and the client goes on.
#[test]
fn oversized_messages_and_texts_are_refused() {
    let (mut h, dir) = host("host-oversized");
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "李四"), T);
    inbox(&mut h, A);
    let lines = journal_lines(&dir);
    let note = |n: usize| {
        order(Order::Report(sim::world::ReportForm::initial("Alpha", sim::HazardKind::Flood, &"水".repeat(n))))
    };
    let huge = note(4 << 20);
    assert!(huge.len() > protocol::MAX_CLIENT_MESSAGE_BYTES);
    h.receive(A, &huge, T);
    let refused = refusals(&inbox(&mut h, A));
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0].contains("message too large: 12582934 bytes, at most 65536"), "{refused:?}");
    let long = note(2000);
    assert!(long.len() < protocol::MAX_CLIENT_MESSAGE_BYTES);
    h.receive(A, &long, T + T);
    let refused = refusals(&inbox(&mut h, A));
    assert!(refused.len() == 1 && refused[0].contains("the note is too long: 6000 bytes, at most 4096"), "{refused:?}");
    assert_eq!(journal_lines(&dir), lines, "nothing journaled");
    h.receive(A, &note(10), T * 3);
    assert!(refusals(&inbox(&mut h, A)).is_empty());
    assert_eq!(journal_lines(&dir), lines + 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A network client may take only the seat its connect token grants; a token without a grant
/// opens no seat; a trusted connection (a bot) any.
#[test]
fn a_granted_connection_takes_only_its_seat() {
    use crate::admission::Grant;
    let (mut h, _dir) = host("grant");
    let t = Duration::ZERO;
    let forger = ConnId::Net(1);
    let grant = Grant { seat: "informant:Alpha".parse().unwrap(), player: "张三".into() };
    h.connect_granted(forger, Some(grant));
    h.receive(forger, &hello("controller", "冒充导调"), t);
    let msgs = inbox(&mut h, forger);
    assert!(
        matches!(&msgs[..], [ServerMessage::Refused { reason }] if reason.contains("admits you to informant:Alpha, not controller")),
        "{msgs:?}"
    );
    h.receive(forger, &protocol::encode(&ClientMessage::Control(Control::Start)), t);
    assert!(matches!(&inbox(&mut h, forger)[..], [ServerMessage::Refused { reason }] if reason.contains("Hello")));
    assert!(!h.drill().clock_state().running, "the forged controller's start changed nothing");
    h.receive(forger, &hello("informant:Alpha", "张三"), t);
    assert!(matches!(inbox(&mut h, forger).first(), Some(ServerMessage::Welcome { .. })));

    // `command` resolves to the only post on both sides.
    let post = ConnId::Net(2);
    h.connect_granted(post, Some(Grant { seat: "command".parse().unwrap(), player: "p".into() }));
    h.receive(post, &hello("command", "王五"), t);
    assert!(matches!(inbox(&mut h, post).first(), Some(ServerMessage::Welcome { .. })));
    // The hello's name is not the one granted: the record holds the granted names.
    let players = &h.drill().record().meta().players;
    assert!(players.contains(&("command".into(), "p".into())), "{players:?}");
    assert!(players.contains(&("informant:Alpha".into(), "张三".into())), "{players:?}");
    assert!(!players.iter().any(|(_, name)| name == "王五"), "{players:?}");

    let nobody = ConnId::Net(3);
    h.connect_granted(nobody, None);
    h.receive(nobody, &hello("observer", "x"), t);
    assert!(
        matches!(&inbox(&mut h, nobody)[..], [ServerMessage::Refused { reason }] if reason.contains("not observer"))
    );
}

/// Above the bound a message is refused unread; 10,000 refusals of one client make a line or
/// two in the log, not 10,000.
#[test]
fn oversized_messages_are_refused_and_ten_thousand_refusals_log_a_few_lines() {
    let (mut h, _dir) = host("flood-log");
    let id = ConnId::Net(9);
    h.connect(id, Peer::Human);
    let big = vec![0u8; protocol::MAX_CLIENT_MESSAGE_BYTES + 1];
    h.receive(id, &big, Duration::ZERO);
    let msgs = inbox(&mut h, id);
    assert!(matches!(&msgs[..], [ServerMessage::Refused { reason }] if reason.contains("at most 65536")), "{msgs:?}");
    let before = h.refusal_log_lines();
    for i in 0..10_000u64 {
        h.receive(id, &[0xff, 0xfe, 0xfd], Duration::from_millis(i));
    }
    assert_eq!(inbox(&mut h, id).len(), 10_000, "each refusal is still answered");
    assert_eq!(h.stats().refused, 10_001);
    let lines = h.refusal_log_lines() - before;
    assert!(lines <= 2, "{lines} log lines for 10,000 refusals");
}

fn events_of(msgs: &[ServerMessage]) -> Vec<sim::EventKind> {
    msgs.iter()
        .filter_map(|m| if let ServerMessage::Events(e) = m { Some(e.clone()) } else { None })
        .flatten()
        .map(|e| e.kind)
        .collect()
}

#[test]
fn a_seat_that_comes_back_catches_up_the_events_of_its_role_it_missed_and_no_others() {
    let (mut h, dir) = host("host-catch-up");
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "李四"), T);
    h.receive(A, &protocol::encode(&ClientMessage::CatchUp { seen: 0 }), T);
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    // The first catch-up brings what happened before the hello (the start), then its warning.
    let first = events_of(&inbox(&mut h, A));
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(matches!(first[1], sim::EventKind::WarningIssued { .. }), "{first:?}");
    // The seat is lost; meanwhile its village is warned again (by its own role's other person).
    h.disconnect(A);
    h.connect(B, Peer::Human);
    h.receive(B, &hello("informant:Alpha", "王五"), T);
    h.receive(B, &order(Order::Warn { village: "Alpha".into() }), T);
    h.receive(B, &order(Order::Warn { village: "Alpha".into() }), T);
    let _ = inbox(&mut h, B);
    // A comes back as C, having seen two events: it gets the two it missed, and nothing twice.
    let c = ConnId::Net(3);
    h.connect(c, Peer::Human);
    h.receive(c, &hello("informant:Alpha", "李四"), T);
    h.receive(B, &order(Order::Warn { village: "Alpha".into() }), T);
    h.receive(c, &protocol::encode(&ClientMessage::CatchUp { seen: 2 }), T);
    let again = events_of(&inbox(&mut h, c));
    assert_eq!(again.len(), 3, "one live since the hello, then the two missed: {again:?}");
    assert!(again.iter().all(|k| matches!(k, sim::EventKind::WarningIssued { .. })), "{again:?}");
    // A public seat has nothing to catch up; a count beyond the end sends nothing.
    h.receive(c, &protocol::encode(&ClientMessage::CatchUp { seen: 99 }), T);
    assert!(events_of(&inbox(&mut h, c)).is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

/// An events writer that fails, as a full disk does.
struct FullDisk;
impl std::io::Write for FullDisk {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device"))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn when_the_record_cannot_be_written_the_clock_stops_and_every_seat_is_told() {
    let (mut h, dir) = host("host-record-failed");
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "张三"), T);
    h.connect(B, Peer::Human);
    h.receive(B, &hello("controller", "导调"), T);
    h.take_outgoing();
    h.drill_mut().record_mut().set_events_writer(Box::new(FullDisk));
    h.drill_mut().set_running(true);
    // The first events of the drill cannot be written.
    for _ in 0..5 {
        h.tick(Duration::from_secs(1), 100);
    }
    assert!(h.drill().record_failure().is_some_and(|f| f.contains(record::EVENTS)));
    assert!(h.drill().is_over() && !h.drill().running());
    let err = h.end().unwrap_err().to_string();
    assert!(err.contains(record::EVENTS) && err.contains("No space left"), "{err}");
    let out = h.take_outgoing();
    for id in [A, B] {
        let msgs: Vec<ServerMessage> =
            out.iter().filter(|o| o.to == id).map(|o| protocol::decode(&o.bytes).unwrap()).collect();
        let told = refusals(&msgs);
        assert!(told.iter().any(|r| r.contains(record::EVENTS)), "{id}: {told:?}");
        assert!(msgs.iter().any(|m| matches!(m, ServerMessage::Clock(c) if !c.running)), "{id}: the stopped clock");
        assert!(!msgs.iter().any(|m| matches!(m, ServerMessage::Ended { .. })), "not ended: resumable");
    }
    // Orders from now on are refused, naming the record.
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    let told = refusals(&inbox(&mut h, A));
    assert!(told.iter().any(|r| r.contains(record::EVENTS)), "{told:?}");
    assert_eq!(journal_lines(&dir), 0);
    assert!(!dir.join("record").join(record::REPORT).exists());
}

#[test]
fn a_failed_group_commit_sends_nothing_that_followed_from_the_orders() {
    let dir = testkit::temp_dir("host-commit-failed");
    let setup = testkit::setup(&dir);
    let rec =
        testkit::record_with(&dir, &setup, crate::drill::Journal::from_writer(Box::new(testkit::SyncFails::default())));
    let mut drill = Drill::new(setup, rec).unwrap();
    drill.group_journal_commits();
    let mut h = Host::new(drill, HostOptions::default()).unwrap();
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "张三"), T);
    h.connect(B, Peer::Human);
    h.receive(B, &hello("controller", "导调"), T);
    h.take_outgoing();
    // Accepted and applied: its outcome is queued for the seat...
    h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T);
    assert_eq!(h.drill().accepted(), 1);
    // ...but the sync fails, so the outcome never leaves; the seats are told why.
    let err = h.commit_journal().unwrap_err().to_string();
    assert!(err.contains(record::JOURNAL), "{err}");
    let out = h.take_outgoing();
    for id in [A, B] {
        let msgs: Vec<ServerMessage> =
            out.iter().filter(|o| o.to == id).map(|o| protocol::decode(&o.bytes).unwrap()).collect();
        assert!(refusals(&msgs).iter().any(|r| r.contains(record::JOURNAL)), "{id}: {msgs:?}");
        assert!(!msgs.iter().any(|m| matches!(m, ServerMessage::Events(_))), "{id}: an outcome was sent: {msgs:?}");
    }
    assert!(h.drill().is_over());
}

#[test]
fn a_group_commit_syncs_once_for_a_tick_of_orders() {
    let dir = testkit::temp_dir("host-group-commit");
    let setup = testkit::setup(&dir);
    let rec = testkit::record(&dir, &setup);
    let mut drill = Drill::new(setup, rec).unwrap();
    drill.group_journal_commits();
    let mut h = Host::new(drill, HostOptions::default()).unwrap();
    h.connect(A, Peer::Human);
    h.receive(A, &hello("informant:Alpha", "张三"), T);
    let syncs = h.drill().record().journal.syncs();
    for i in 0..3 {
        h.receive(A, &order(Order::Warn { village: "Alpha".into() }), T + Duration::from_secs(i));
    }
    assert_eq!(journal_lines(&dir), 3, "written at once");
    assert_eq!(h.drill().record().journal.syncs(), syncs, "not yet synced");
    assert_eq!(h.commit_journal().unwrap(), 3);
    assert_eq!(h.drill().record().journal.syncs(), syncs + 1, "one sync for the three");
}
