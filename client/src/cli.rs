//! The `sandtable` command line, and what it asks the app to do at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use protocol::Seat;
use sim::Role;

use crate::i18n::Lang;

const EXAMPLES: &str = "\
Examples:
  sandtable                                          open the launcher (join or host, pick a role)
  sandtable --host --role command                    host the default scenario, bots in every other role
  sandtable --host scenarios/fire_aubinya.ron --role informant:Aubinyà
  sandtable --join 192.168.1.20:5000 --code K7M-4QP --role county --name 张三
  sandtable --join drill.county.gov.cn:5000 --tls-pin 3f2a-9c1b-77e0-5d44-a8b2-0c6e-91f3-2b7d --code CAN-7K2 --role command:Canillo
  sandtable --join 192.168.1.20:5000 --projector --ui-scale 1.75     the hall's projector (大屏)
  sandtable --join 192.168.1.20:5000 --observe --name 李四          an observer (观摩)
  sandtable --host scenarios/flood_valira.ron --role command --screenshot shot.png
                                                     render the drill view once, save a PNG, exit
  sandtable --replay records/flood_valira-20260701T060000Z --at 37 --as command
                                                     replay a drill's record (回放) from minute 37,
                                                     as the command post saw it
  sandtable --edit scenarios/flood_valira.ron        edit a scenario on its map (场景编辑): drag
                                                     shelters, gauges, teams..., live checks, preview

Exit status with --screenshot: 0 saved; 1 the PNG could not be written; 2 timed out (or bad
arguments); 3 the session failed (refused, server unreachable, scenario, map or record
unreadable).";

#[derive(Parser, Debug, Clone)]
#[command(name = "sandtable", version, about = "sandtable drill client: 乡镇应急沙盘推演客户端", after_help = EXAMPLES)]
pub struct Args {
    /// Join a running `sandtable-server serve` at this address (host:port).
    #[arg(long, value_name = "ADDR", conflicts_with = "host", requires = "seat")]
    pub join: Option<String>,
    /// Host a drill on this machine (embedded server + bots in every role you do not take).
    /// Without a value, the default scenario (scenarios/flood_valira.ron).
    #[arg(long, value_name = "SCENARIO", num_args = 0..=1, requires = "seat")]
    pub host: Option<Option<PathBuf>>,
    /// The role to take: controller, command, command:<township>, county, informant:<village>, team:<team>.
    #[arg(long, value_name = "ROLE", group = "seat")]
    pub role: Option<Role>,
    /// Take the projector seat (大屏): the public situation and the clock, large, following the
    /// controller's choice of map area.
    #[arg(long, group = "seat")]
    pub projector: bool,
    /// Take an observer seat (观摩): what the controller chooses to show.
    #[arg(long, group = "seat")]
    pub observe: bool,
    /// Your name, shown to the controller and in the record.
    #[arg(long, default_value = "player")]
    pub name: String,
    /// The drill code (口令) the server printed: the join code, or your seat's own code (the
    /// controller's for the controller). Case and dashes do not matter.
    #[arg(long, value_name = "CODE", requires = "join", conflicts_with = "host")]
    pub code: Option<String>,
    /// The pin of the server's certificate (证书指纹) the server printed with the codes: the
    /// token step then runs over TLS and trusts that server only (over the internet).
    #[arg(long, value_name = "PIN", requires = "join", conflicts_with = "host")]
    pub tls_pin: Option<server::admission::TlsPin>,
    /// Render the drill view once the map and the first view have arrived, save a PNG here, exit.
    #[arg(long, value_name = "PATH", requires = "seat")]
    pub screenshot: Option<PathBuf>,
    /// Give up on `--screenshot` after this many seconds (exit code 2).
    #[arg(long, value_name = "SECONDS", default_value_t = 180)]
    pub screenshot_timeout_s: u64,
    /// UI scale: 1.0 for a laptop (the default), 1.5 for the projector seat unless given
    /// (A−/A+ in the top bar change it).
    #[arg(long, value_name = "FACTOR")]
    pub ui_scale: Option<f32>,
    /// Play a script of synthetic input into the UI (the end-to-end test of the forms; see
    /// `client/src/drive.rs`), then exit: 0 when it ran through, 1 when a step failed.
    #[arg(long, value_name = "SCRIPT", requires = "seat", conflicts_with = "screenshot")]
    pub drive: Option<PathBuf>,
    /// Give up on `--drive` after this many seconds (exit code 1).
    #[arg(long, value_name = "SECONDS", default_value_t = 240)]
    pub drive_timeout_s: u64,
    /// Print the frames drawn every 10 s (for measuring what the client costs when idle or busy).
    #[arg(long)]
    pub frame_stats: bool,
    /// Play back a drill's record directory (回放): the map, the communications log and the
    /// score at any moment, from the controller's or any role's point of view.
    #[arg(long, value_name = "RECORD_DIR", group = "seat", conflicts_with_all = ["join", "host"])]
    pub replay: Option<PathBuf>,
    /// With `--replay`: open at this drill minute (`end`: the end of the record).
    #[arg(long, value_name = "MINUTE", requires = "replay")]
    pub at: Option<At>,
    /// With `--replay`: whose point of view (controller, command, county, informant:<village>,
    /// team:<team>...); the controller's (everything) by default.
    #[arg(long = "as", value_name = "ROLE", requires = "replay")]
    pub as_role: Option<Role>,
    /// With `--replay`: write what the score board shows (the moment, the role, the headline
    /// drawn) to this JSON file whenever it changes, for tests and scripts.
    #[arg(long, value_name = "FILE", requires = "replay")]
    pub replay_dump: Option<PathBuf>,
    /// With `--replay`: no window; open the record, time jumps to 62 moments across it, print
    /// the figures and exit (BENCHMARKS.md, "Replay").
    #[arg(long, requires = "replay", conflicts_with_all = ["screenshot", "drive"])]
    pub bench_replay: bool,
    /// Open a scenario in the editor (场景编辑): its places on its map, dragged with the mouse,
    /// the checker's messages live, a hazard preview played by bots; saving rewrites only the
    /// entries moved.
    #[arg(long, value_name = "SCENARIO", group = "seat", conflicts_with_all = ["join", "host"])]
    pub edit: Option<PathBuf>,
    /// UI language (Chinese by default).
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
}

/// A moment of a replay: a drill minute, or the end of the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At {
    Minute(u32),
    End,
}

impl At {
    /// The simulated second, clamped to the record's end.
    pub fn t_s(self, end_s: u32) -> u32 {
        match self {
            At::Minute(m) => m.saturating_mul(60).min(end_s),
            At::End => end_s,
        }
    }
}

impl std::str::FromStr for At {
    type Err = String;
    fn from_str(s: &str) -> Result<At, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("end") {
            return Ok(At::End);
        }
        s.parse().map(At::Minute).map_err(|_| format!("`{s}` is not a drill minute (a whole number, or `end`)"))
    }
}

/// Where a session's server is.
#[derive(Clone, Debug)]
pub enum Target {
    Join { addr: SocketAddr },
    Host { scenario: PathBuf },
}

/// A session to start: a server, a seat, a player name.
#[derive(Clone, Debug)]
pub struct SessionRequest {
    pub target: Target,
    pub seat: Seat,
    pub player: String,
    /// The drill code for the seat (join mode; host mode knows its own).
    pub code: Option<String>,
    /// The server certificate's pin (`--tls-pin`, join mode): the token step over TLS.
    pub tls_pin: Option<server::admission::TlsPin>,
}

impl Args {
    /// The session asked for on the command line, `None` for the launcher.
    pub fn session(&self) -> Result<Option<SessionRequest>, String> {
        let seat = match (&self.role, self.projector, self.observe) {
            (Some(r), _, _) => Seat::Role(r.clone()),
            (None, true, _) => Seat::Projector,
            (None, false, true) => Seat::Observer,
            (None, false, false) => return Ok(None),
        };
        let target = if let Some(addr) = &self.join {
            Target::Join { addr: resolve(addr)? }
        } else if let Some(scenario) = &self.host {
            Target::Host { scenario: scenario.clone().unwrap_or_else(server::paths::default_scenario) }
        } else {
            return Err("--role, --projector and --observe need --join ADDR or --host [SCENARIO]".into());
        };
        Ok(Some(SessionRequest {
            target,
            seat,
            player: self.name.clone(),
            code: self.code.clone(),
            tls_pin: self.tls_pin.clone(),
        }))
    }
}

/// Parses `host:port`, looking host names up (first address wins).
pub fn resolve(addr: &str) -> Result<SocketAddr, String> {
    use std::net::ToSocketAddrs;
    addr.to_socket_addrs()
        .map_err(|e| format!("bad server address `{addr}`: {e} (use host:port, e.g. 127.0.0.1:5000)"))?
        .next()
        .ok_or_else(|| format!("server address `{addr}` resolves to nothing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_join_host_and_launcher() {
        let a = Args::try_parse_from(["sandtable"]).unwrap();
        assert!(a.session().unwrap().is_none());
        assert_eq!(a.lang, Lang::Zh);

        let a = Args::try_parse_from(["sandtable", "--join", "127.0.0.1:5000", "--role", "informant:Canillo"]).unwrap();
        let s = a.session().unwrap().unwrap();
        assert!(matches!(s.target, Target::Join { addr } if addr.port() == 5000));
        assert_eq!(s.seat, Seat::Role(Role::Informant("Canillo".into())));
        assert_eq!(s.code, None);
        let a = Args::try_parse_from(["sandtable", "--join", "h:1", "--code", "k7m-4qp", "--role", "county"]).unwrap();
        assert_eq!(a.code.as_deref(), Some("k7m-4qp"));
        assert!(Args::try_parse_from(["sandtable", "--host", "--code", "X", "--role", "county"]).is_err());
        let a =
            Args::try_parse_from(["sandtable", "--join", "127.0.0.1:5000", "--projector", "--ui-scale", "2"]).unwrap();
        assert_eq!(a.session().unwrap().unwrap().seat, Seat::Projector);
        let a = Args::try_parse_from(["sandtable", "--host", "--observe"]).unwrap();
        assert_eq!(a.session().unwrap().unwrap().seat, Seat::Observer);
        assert!(Args::try_parse_from(["sandtable", "--join", "a:1", "--observe", "--role", "county"]).is_err());

        let a = Args::try_parse_from(["sandtable", "--host", "--role", "command"]).unwrap();
        let s = a.session().unwrap().unwrap();
        assert!(matches!(s.target, Target::Host { scenario } if scenario.ends_with("flood_valira.ron")));

        let a = Args::try_parse_from(["sandtable", "--host", "x.ron", "--role", "county", "--screenshot", "s.png"])
            .unwrap();
        assert!(
            matches!(a.session().unwrap().unwrap().target, Target::Host { scenario } if scenario.as_path() == std::path::Path::new("x.ron"))
        );
    }

    #[test]
    fn parses_replay() {
        let a = Args::try_parse_from(["sandtable", "--replay", "rec", "--at", "37", "--as", "command"]).unwrap();
        assert!(a.session().unwrap().is_none(), "a replay is no session");
        assert_eq!(a.replay.as_deref(), Some(std::path::Path::new("rec")));
        assert_eq!(a.at, Some(At::Minute(37)));
        assert_eq!(a.as_role, Some(Role::Command(None)));
        let a = Args::try_parse_from(["sandtable", "--replay", "rec", "--at", "END", "--screenshot", "s.png"]).unwrap();
        assert_eq!(a.at, Some(At::End));
        assert_eq!(At::End.t_s(600), 600);
        assert_eq!(At::Minute(37).t_s(600), 600, "clamped to the end");
        assert_eq!(At::Minute(5).t_s(600), 300);
        assert!(Args::try_parse_from(["sandtable", "--at", "5"]).is_err(), "--at needs --replay");
        assert!(Args::try_parse_from(["sandtable", "--replay", "r", "--at", "soon"]).is_err());
        assert!(Args::try_parse_from(["sandtable", "--replay", "r", "--role", "county"]).is_err(), "use --as");
        assert!(Args::try_parse_from(["sandtable", "--replay", "r", "--host"]).is_err());
    }

    #[test]
    fn parses_edit() {
        let a = Args::try_parse_from(["sandtable", "--edit", "scenarios/flood_valira.ron"]).unwrap();
        assert!(a.session().unwrap().is_none(), "the editor is no session");
        assert_eq!(a.edit.as_deref(), Some(std::path::Path::new("scenarios/flood_valira.ron")));
        let a = Args::try_parse_from(["sandtable", "--edit", "x.ron", "--drive", "s.drive"]).unwrap();
        assert!(a.drive.is_some(), "the editor can be driven");
        assert!(Args::try_parse_from(["sandtable", "--edit", "x.ron", "--host"]).is_err());
        assert!(Args::try_parse_from(["sandtable", "--edit", "x.ron", "--role", "county"]).is_err());
        assert!(Args::try_parse_from(["sandtable", "--edit", "x.ron", "--replay", "r"]).is_err());
    }

    #[test]
    fn refuses_bad_combinations() {
        assert!(Args::try_parse_from(["sandtable", "--join", "a:1"]).is_err(), "join needs a role");
        assert!(Args::try_parse_from(["sandtable", "--join", "a:1", "--host", "--role", "county"]).is_err());
        assert!(Args::try_parse_from(["sandtable", "--host", "--role", "mayor"]).is_err());
        let a = Args::try_parse_from(["sandtable", "--role", "county"]).unwrap();
        assert!(a.session().is_err());
        let a = Args::try_parse_from(["sandtable", "--join", "no-port", "--role", "county"]).unwrap();
        assert!(a.session().unwrap_err().contains("no-port"));
    }
}
