//! Who may join: drill codes ([`codes`]), the token step that turns a seat and its code into a
//! netcode connect token ([`tokens`]), and the [`Grant`] a token carries in its user data, which
//! the host holds a hello to (a token for one seat never opens another).
//!
//! The flow: a client sends a `protocol::admission::TokenRequest` (version, seat, player, code)
//! over TCP to the server's port number; [`tokens::Issuer`] checks the version, the code for the
//! seat and the address's wrong guesses, and answers with a connect token sealed with the
//! drill's private key, its user data the grant. netcode (secure mode) admits only such tokens;
//! on connect `NetServer` reads the grant back and `Host::connect_granted` keeps it.

pub mod codes;
pub mod tls;
pub mod tokens;

pub use codes::{Code, DrillCodes, SeatCode};
pub use tls::{TlsIdentity, TlsPin, TlsSource};
pub use tokens::{Issuer, TokenService, TokenTls};

use protocol::Seat;
use renet_netcode::NETCODE_USER_DATA_BYTES;

/// Writes a secret file (`access.json`, the TLS key) readable by its owner only (mode 0600):
/// written aside, synced, then renamed over `path`.
pub fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Error, Write};
    fn named(p: &std::path::Path) -> impl Fn(Error) -> Error + '_ {
        move |e| Error::new(e.kind(), format!("{}: {e}", p.display()))
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.mode(0o600);
    }
    let mut f = open.open(&tmp).map_err(named(&tmp))?;
    f.write_all(bytes).map_err(named(&tmp))?;
    f.sync_all().map_err(named(&tmp))?;
    std::fs::rename(&tmp, path).map_err(named(path))
}

/// Format byte of the user data (0 would be a token without a grant).
const GRANT_FORMAT: u8 = 1;

/// What a connect token admits its holder to: one seat, under one name.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Grant {
    pub seat: Seat,
    pub player: String,
}

impl Grant {
    /// The token's user data: a format byte, then the grant (postcard). The player's name is
    /// shortened to fit; `None` when the seat alone does not fit (no real seat is that long).
    pub fn to_user_data(&self) -> Option<[u8; NETCODE_USER_DATA_BYTES]> {
        let mut player: Vec<char> = self.player.chars().collect();
        loop {
            let g = Grant { seat: self.seat.clone(), player: player.iter().collect() };
            let bytes = protocol::encode(&g);
            if bytes.len() < NETCODE_USER_DATA_BYTES {
                let mut out = [0u8; NETCODE_USER_DATA_BYTES];
                out[0] = GRANT_FORMAT;
                out[1..=bytes.len()].copy_from_slice(&bytes);
                return Some(out);
            }
            player.pop()?;
        }
    }

    /// The grant of a token's user data; `None` for anything else.
    pub fn from_user_data(data: &[u8; NETCODE_USER_DATA_BYTES]) -> Option<Grant> {
        if data[0] != GRANT_FORMAT {
            return None;
        }
        protocol::decode(&data[1..]).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grant_fits_the_user_data_and_reads_back() {
        let g = Grant { seat: Seat::Role("informant:Canillo".parse().unwrap()), player: "张三".into() };
        assert_eq!(Grant::from_user_data(&g.to_user_data().unwrap()), Some(g));
        let long = Grant { seat: Seat::Projector, player: "长".repeat(300) };
        let back = Grant::from_user_data(&long.to_user_data().unwrap()).unwrap();
        assert_eq!(back.seat, Seat::Projector);
        assert!(back.player.starts_with("长长") && back.player.len() < NETCODE_USER_DATA_BYTES);
        assert_eq!(Grant::from_user_data(&[0u8; NETCODE_USER_DATA_BYTES]), None);
        let mut garbage = [0xffu8; NETCODE_USER_DATA_BYTES];
        garbage[0] = GRANT_FORMAT;
        assert_eq!(Grant::from_user_data(&garbage), None);
    }
}
