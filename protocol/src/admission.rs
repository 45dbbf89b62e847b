//! The token step's messages: before netcode, a client asks the server's TCP listener (the same
//! port number as the UDP socket) for a netcode connect token for its seat, with its drill code.
//! One request, one reply, each a frame: a 4-byte little-endian length, then postcard bytes, at
//! most [`MAX_FRAME_BYTES`]. The request's first field is the protocol version (frozen, like the
//! hello's), so a server reads it before anything else and refuses another version in words.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use crate::Seat;

/// The largest frame either side accepts (a connect token is about 1.2 KB).
pub const MAX_FRAME_BYTES: usize = 4096;

/// What a client asks for. `protocol` must stay the first field (see [`request_version`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenRequest {
    pub protocol: u64,
    pub seat: Seat,
    pub player: String,
    /// The drill's join code, or the seat's own code; as typed (case and dashes do not matter).
    pub code: Option<String>,
}

/// The server's answer. `Refused` must stay the first variant with `reason` its only field, so a
/// client of any version can read why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum TokenReply {
    /// Why not, "中文 / English".
    Refused { reason: String },
    /// A netcode connect token (`ConnectToken::write`), valid for a few seconds.
    Token { token: Vec<u8> },
}

/// The protocol version of an encoded [`TokenRequest`], read from its leading varint only.
pub fn request_version(body: &[u8]) -> Option<u64> {
    postcard::take_from_bytes::<u64>(body).ok().map(|(v, _)| v)
}

/// Why a frame could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("a frame of {0} bytes (at most {MAX_FRAME_BYTES})")]
    TooLarge(usize),
    #[error("undecodable: {0}")]
    Undecodable(#[from] postcard::Error),
}

/// Writes `msg` as one frame.
pub fn write_frame<T: Serialize>(w: &mut impl Write, msg: &T) -> io::Result<()> {
    let body = crate::encode(msg);
    if body.len() > MAX_FRAME_BYTES {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("frame of {} bytes", body.len())));
    }
    let len = u32::try_from(body.len()).map_err(io::Error::other)?;
    let mut bytes = len.to_le_bytes().to_vec();
    bytes.extend_from_slice(&body);
    w.write_all(&bytes)?;
    w.flush()
}

/// Reads one frame's body; a length above [`MAX_FRAME_BYTES`] is refused before reading it.
pub fn read_frame(r: &mut impl Read) -> Result<Vec<u8>, FrameError> {
    let mut len = [0u8; 4];
    r.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME_BYTES {
        return Err(FrameError::TooLarge(len));
    }
    let mut body = vec![0u8; len];
    r.read_exact(&mut body)?;
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_the_version_reads_first() {
        let req = TokenRequest {
            protocol: crate::PROTOCOL_VERSION,
            seat: Seat::Projector,
            player: "大屏".into(),
            code: Some("k7m-4qp".into()),
        };
        let mut buf = Vec::new();
        write_frame(&mut buf, &req).unwrap();
        let body = read_frame(&mut buf.as_slice()).unwrap();
        assert_eq!(request_version(&body), Some(crate::PROTOCOL_VERSION));
        assert_eq!(crate::decode::<TokenRequest>(&body).unwrap(), req);
        // A future request whose fields changed: the version still reads.
        assert_eq!(request_version(&[0xac, 0x02, 0xff]), Some(300));
        assert_eq!(request_version(&[]), None);
        let refused = crate::encode(&TokenReply::Refused { reason: "x".into() });
        assert_eq!(refused, [0, 1, b'x'], "Refused is frozen as variant 0 with its reason");
    }

    #[test]
    fn an_oversized_frame_is_refused_before_its_body_is_read() {
        let mut bytes = (MAX_FRAME_BYTES as u32 + 1).to_le_bytes().to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 16));
        assert!(matches!(read_frame(&mut bytes.as_slice()), Err(FrameError::TooLarge(n)) if n == MAX_FRAME_BYTES + 1));
        assert!(matches!(read_frame(&mut [1u8, 0].as_slice()), Err(FrameError::Io(_))));
    }
}
