//! Starting and leaving a session: from a request (command line or launcher) to a running
//! connection (hosting first when asked), and back to the launcher when the player leaves.

use bevy::prelude::*;

use crate::app::Screen;
use crate::cli::{SessionRequest, Target};
use crate::drill::{Drill, Link, Problem};
use crate::host::HostedDrill;
use crate::map_view::MapCamera;
use crate::net::NetLink;

/// A session to start on the next frame.
#[derive(Resource)]
pub struct PendingSession(pub SessionRequest);

/// Leave the session (the player pressed "back").
#[derive(Message)]
pub struct LeaveSession;

pub fn plugin(app: &mut App) {
    app.add_message::<LeaveSession>().add_systems(Update, (begin.run_if(resource_exists::<PendingSession>), leave));
}

fn begin(
    mut commands: Commands,
    pending: Res<PendingSession>,
    mut next: ResMut<NextState<Screen>>,
    mut camera: ResMut<MapCamera>,
    proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>,
) {
    let req = pending.0.clone();
    commands.remove_resource::<PendingSession>();
    let mut drill = Drill::new(req.seat.clone(), req.player.clone());
    let addr = match &req.target {
        Target::Join { addr } => Ok::<_, Problem>((*addr, req.code.clone())),
        Target::Host { scenario } => HostedDrill::spawn(scenario, &req.seat)
            .map(|hosted| {
                let addr = hosted.addr();
                let code = hosted.code_for(&req.seat);
                commands.insert_resource(hosted);
                (addr, Some(code))
            })
            .map_err(Problem::CannotHost),
    };
    let waker = proxy.map(|p| (**p).clone());
    let connect = |(addr, code)| {
        NetLink::connect(addr, req.seat.clone(), req.player.clone(), code, req.tls_pin.clone(), waker)
            .map_err(Problem::Network)
    };
    match addr.and_then(connect) {
        Ok(link) => {
            info!("connecting to {:?} as {}", req.target, req.seat);
            commands.insert_resource(link);
        }
        Err(e) => {
            error!("{e:?}");
            drill.link = Link::Lost(e);
        }
    }
    commands.insert_resource(drill);
    camera.reset();
    next.set(Screen::Session);
}

fn leave(mut commands: Commands, mut reader: MessageReader<LeaveSession>, mut next: ResMut<NextState<Screen>>) {
    if reader.read().count() == 0 {
        return;
    }
    // Dropping the link and the hosted drill disconnects and stops the embedded server.
    commands.remove_resource::<NetLink>();
    commands.remove_resource::<HostedDrill>();
    commands.remove_resource::<Drill>();
    next.set(Screen::Launcher);
}
