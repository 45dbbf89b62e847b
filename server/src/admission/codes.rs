//! Drill codes (口令): the join code, the controller's code and any seat's own code, which code a
//! seat needs, and `access.json` in the record directory (mode 0600) with the codes and the
//! drill's netcode private key, so a resumed drill keeps both.

use std::fmt;
use std::io;
use std::path::Path;

use protocol::{Seat, ShownCodes};
use serde::{Deserialize, Serialize};
use sim::Role;
use sim::access::Refusal;
use sim::roles::RolePattern;

/// Digits and capitals people cannot confuse when a code is read aloud or off a screen: no 0/O,
/// 1/I/L, U/V.
pub const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTWXYZ";
/// Characters in a random code (29^6 ≈ 600 million; wrong guesses are limited per address).
pub const RANDOM_LEN: usize = 6;
/// The file in the record directory.
pub const ACCESS_JSON: &str = "access.json";

/// A code, kept normalised: capitals and digits, no dashes or spaces.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    /// A random code from the OS random number generator.
    pub fn random() -> Code {
        let bytes = renet_netcode::generate_random_bytes::<RANDOM_LEN>();
        // 256 % 29 = 24: a slight bias towards the first letters, irrelevant for a short-lived code.
        Code(bytes.iter().map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char).collect())
    }

    /// A code as typed: case, dashes and spaces do not matter; 4 to 32 letters or digits.
    pub fn parse(typed: &str) -> Result<Code, String> {
        let n = normalise(typed);
        if !(4..=32).contains(&n.chars().count()) || !n.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "口令须为 4–32 个字母或数字 / a code is 4 to 32 letters or digits (dashes and spaces are ignored), not `{typed}`"
            ));
        }
        Ok(Code(n))
    }

    /// Whether `typed` is this code (case, dashes and spaces ignored), comparing every byte.
    pub fn matches(&self, typed: &str) -> bool {
        let n = normalise(typed);
        n.len() == self.0.len() && n.bytes().zip(self.0.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

/// Upper case, without dashes, spaces or other separators people type.
fn normalise(typed: &str) -> String {
    typed.chars().filter(|c| !matches!(c, '-' | ' ' | '_' | '–' | '—')).flat_map(char::to_uppercase).collect()
}

impl TryFrom<String> for Code {
    type Error = String;
    fn try_from(s: String) -> Result<Code, String> {
        Code::parse(&s)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}

/// As read aloud and shown: in groups joined by dashes, of three (`K7M-4QP`) or four
/// (`ABCD-EFGH`) where the length allows, else two halves (`E2EJ-OIN`); short codes whole.
impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        let size = match n {
            0..=5 => n.max(1),
            _ if n.is_multiple_of(3) => 3,
            _ if n.is_multiple_of(4) => 4,
            _ => n.div_ceil(2),
        };
        let groups: Vec<String> = chars.chunks(size).map(|c| c.iter().collect()).collect();
        write!(f, "{}", groups.join("-"))
    }
}

/// Codes stay out of debug output and logs.
impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code(…)")
    }
}

/// A seat's own code: every role the pattern matches needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeatCode {
    /// A [`RolePattern`] (`command:Canillo`, `informant:*`).
    pub seat: String,
    pub code: Code,
}

/// Which code a seat needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Needed<'a> {
    Join,
    Controller,
    /// The seat code of this entry.
    Seat(&'a SeatCode),
}

/// Everything the server needs to admit people: the codes and the netcode private key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillCodes {
    pub join: Code,
    pub controller: Code,
    /// Seats with their own code; a later entry wins where patterns overlap.
    #[serde(default)]
    pub seats: Vec<SeatCode>,
    /// netcode's private key for this drill's connect tokens (hex in the file).
    #[serde(with = "hex_key")]
    key: [u8; renet_netcode::NETCODE_KEY_BYTES],
}

impl fmt::Debug for DrillCodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seats: Vec<&str> = self.seats.iter().map(|s| s.seat.as_str()).collect();
        write!(f, "DrillCodes {{ seats with codes: {seats:?} }}")
    }
}

impl DrillCodes {
    /// Codes given on the command line; the rest random, with a random key. The join code and
    /// the controller's code must differ (else anyone could take the controller's seat).
    pub fn new(join: Option<Code>, controller: Option<Code>, seats: Vec<SeatCode>) -> Result<DrillCodes, String> {
        let join = join.unwrap_or_else(Code::random);
        let controller = match controller {
            Some(c) => c,
            None => std::iter::repeat_with(Code::random).find(|c| *c != join).expect("an endless iterator"),
        };
        if controller == join {
            return Err("导调口令须与加入口令不同 / the controller code must differ from the join code".into());
        }
        for s in &seats {
            let p = RolePattern::parse(&s.seat).map_err(|e| format!("--seat-code {}: {e}", s.seat))?;
            if p.matches(&Role::Controller) {
                return Err(
                    "导调的口令用 --controller-code 设置 / set the controller's code with --controller-code".into()
                );
            }
            if s.code == join || s.code == controller {
                return Err(format!(
                    "{} 的口令须与加入口令和导调口令不同 / the code of {} must differ from the join and controller codes",
                    s.seat, s.seat
                ));
            }
        }
        let key = renet_netcode::generate_random_bytes::<{ renet_netcode::NETCODE_KEY_BYTES }>();
        Ok(DrillCodes { join, controller, seats, key })
    }

    /// Random codes and key.
    pub fn random() -> DrillCodes {
        DrillCodes::new(None, None, Vec::new()).expect("random codes differ")
    }

    pub fn key(&self) -> &[u8; renet_netcode::NETCODE_KEY_BYTES] {
        &self.key
    }

    /// Which code `seat` needs (a role as the host resolves it): the controller its own, a role
    /// matched by a seat code that code (the last match), everyone else the join code.
    pub fn needed(&self, seat: &Seat) -> Needed<'_> {
        match seat {
            Seat::Role(Role::Controller) => Needed::Controller,
            Seat::Role(role) => self
                .seats
                .iter()
                .rev()
                .find(|s| RolePattern::parse(&s.seat).is_ok_and(|p| p.matches(role)))
                .map_or(Needed::Join, Needed::Seat),
            Seat::Observer | Seat::Projector => Needed::Join,
        }
    }

    /// Whether `typed` opens `seat`; the refusal names the seat, never the code.
    pub fn check(&self, seat: &Seat, typed: Option<&str>) -> Result<(), Refusal> {
        let want = match self.needed(seat) {
            Needed::Join => &self.join,
            Needed::Controller => &self.controller,
            Needed::Seat(s) => &s.code,
        };
        match typed.map(str::trim).filter(|t| !t.is_empty()) {
            None => Err(Refusal::CodeMissing { seat: seat.to_string() }),
            Some(t) if want.matches(t) => Ok(()),
            Some(_) => Err(Refusal::CodeWrong { seat: seat.to_string() }),
        }
    }

    /// The code that opens `seat` (a role as the host resolves it), as shown: for tests, bots
    /// and the swarm.
    pub fn code_for(&self, seat: &Seat) -> String {
        match self.needed(seat) {
            Needed::Join => self.join.to_string(),
            Needed::Controller => self.controller.to_string(),
            Needed::Seat(s) => s.code.to_string(),
        }
    }

    /// The codes as the controller's console shows them.
    pub fn shown(&self) -> ShownCodes {
        ShownCodes {
            join: self.join.to_string(),
            controller: self.controller.to_string(),
            seats: self.seats.iter().map(|s| (s.seat.clone(), s.code.to_string())).collect(),
        }
    }

    /// Writes `access.json` in `dir`, readable by the owner only ([`super::write_private`]).
    pub fn save(&self, dir: &Path) -> io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(io::Error::other)?;
        super::write_private(&dir.join(ACCESS_JSON), text.as_bytes())
    }

    /// Reads `access.json` from `dir` (a resumed drill keeps its codes and key).
    pub fn load(dir: &Path) -> io::Result<DrillCodes> {
        let path = dir.join(ACCESS_JSON);
        let text =
            std::fs::read_to_string(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        let codes: DrillCodes = serde_json::from_str(&text)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))?;
        for s in &codes.seats {
            RolePattern::parse(&s.seat).map_err(|e| {
                io::Error::new(io::ErrorKind::InvalidData, format!("{}: {}: {e}", path.display(), s.seat))
            })?;
        }
        Ok(codes)
    }
}

/// `ROLE=CODE` of `--seat-code`.
pub fn parse_seat_code(arg: &str) -> Result<SeatCode, String> {
    let (seat, code) =
        arg.split_once('=').ok_or_else(|| format!("expected ROLE=CODE (e.g. command:Canillo=H3N-9TB), not `{arg}`"))?;
    RolePattern::parse(seat).map_err(|e| format!("`{seat}`: {e}"))?;
    Ok(SeatCode { seat: seat.trim().to_string(), code: Code::parse(code)? })
}

mod hex_key {
    use serde::{Deserialize, Deserializer, Serializer};

    const N: usize = renet_netcode::NETCODE_KEY_BYTES;

    pub fn serialize<S: Serializer>(key: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&key.iter().map(|b| format!("{b:02x}")).collect::<String>())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; N], D::Error> {
        let text = String::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("key: {N} bytes as {} hex digits", 2 * N));
        if text.len() != 2 * N || !text.is_ascii() {
            return Err(bad());
        }
        let mut key = [0u8; N];
        for (i, k) in key.iter_mut().enumerate() {
            *k = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(s: &str) -> Seat {
        Seat::Role(s.parse().unwrap())
    }

    #[test]
    fn codes_are_read_as_typed_and_shown_in_groups() {
        let c = Code::parse("k7m-4qp").unwrap();
        assert_eq!(c.to_string(), "K7M-4QP");
        for (typed, shown) in
            [("abcd", "ABCD"), ("abcdefgh", "ABCD-EFGH"), ("e2e-join", "E2EJ-OIN"), ("a1b2c3d4e", "A1B-2C3-D4E")]
        {
            assert_eq!(Code::parse(typed).unwrap().to_string(), shown);
        }
        for typed in ["K7M4QP", "k7m 4qp", " K7M-4QP", "k7m–4qp"] {
            assert!(c.matches(typed), "{typed}");
        }
        assert!(!c.matches("K7M4Q"));
        assert!(!c.matches("K7M4QPP"));
        assert!(!c.matches(""));
        for bad in ["", "ab", "abc-", "口令口令", "K7M;4QP", &"A".repeat(33)] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{c:?}"), "Code(…)", "a code never reaches a debug log");
        let r = Code::random();
        assert_eq!(r.0.len(), RANDOM_LEN);
        assert!(r.0.bytes().all(|b| ALPHABET.contains(&b)));
        assert_ne!(Code::random(), Code::random());
    }

    #[test]
    fn each_seat_needs_its_own_code_and_the_join_code_opens_no_other() {
        let seat_code = parse_seat_code("command:Canillo=H3N-9TB").unwrap();
        let codes = DrillCodes::new(Code::parse("K7M4QP").ok(), Code::parse("D8R2XW").ok(), vec![seat_code]).unwrap();
        assert_eq!(codes.check(&Seat::Observer, Some("k7m-4qp")), Ok(()));
        assert_eq!(codes.check(&role("informant:Canillo"), Some("K7M4QP")), Ok(()));
        assert_eq!(codes.check(&role("command:Encamp"), Some("K7M4QP")), Ok(()));
        assert_eq!(codes.check(&role("command:Canillo"), Some("h3n9tb")), Ok(()));
        assert_eq!(codes.check(&role("controller"), Some("D8R-2XW")), Ok(()));
        assert_eq!(
            codes.check(&role("command:Canillo"), Some("K7M4QP")),
            Err(Refusal::CodeWrong { seat: "command:Canillo".into() })
        );
        assert_eq!(
            codes.check(&role("controller"), Some("K7M4QP")),
            Err(Refusal::CodeWrong { seat: "controller".into() })
        );
        assert_eq!(codes.check(&role("controller"), None), Err(Refusal::CodeMissing { seat: "controller".into() }));
        assert_eq!(codes.check(&Seat::Projector, Some(" ")), Err(Refusal::CodeMissing { seat: "projector".into() }));
        assert!(codes.check(&Seat::Projector, Some("D8R2XW")).is_err(), "the controller code opens only its seat");
        assert_eq!(codes.shown().seats, vec![("command:Canillo".to_string(), "H3N-9TB".to_string())]);
    }

    #[test]
    fn codes_that_would_open_each_other_are_refused() {
        let same = DrillCodes::new(Code::parse("AAAA").ok(), Code::parse("aaaa").ok(), vec![]);
        assert!(same.unwrap_err().contains("controller code"));
        let ctl = DrillCodes::new(None, None, vec![parse_seat_code("controller=BBBB").unwrap()]);
        assert!(ctl.unwrap_err().contains("--controller-code"));
        let dup = DrillCodes::new(Code::parse("AAAA").ok(), None, vec![parse_seat_code("county=AAAA").unwrap()]);
        assert!(dup.is_err());
        assert!(parse_seat_code("nobody=ABCD").is_err());
        assert!(parse_seat_code("county").is_err());
        assert!(parse_seat_code("county=x").is_err());
        let random = DrillCodes::random();
        assert_ne!(random.join, random.controller);
    }

    #[test]
    fn access_json_round_trips_readable_by_the_owner_only() {
        let dir = std::env::temp_dir().join(format!("sandtable-access-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let codes = DrillCodes::new(None, None, vec![parse_seat_code("informant:*=QQQQ").unwrap()]).unwrap();
        codes.save(&dir).unwrap();
        let back = DrillCodes::load(&dir).unwrap();
        assert_eq!(back, codes);
        assert_eq!(back.key(), codes.key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(ACCESS_JSON)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.join(ACCESS_JSON), "{\"join\": \"x\"}").unwrap();
        let err = DrillCodes::load(&dir).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(DrillCodes::load(&dir).unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
