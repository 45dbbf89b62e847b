//! UDP sockets for renet, with a 4 MB receive buffer where the OS allows it: with Linux's
//! default (~208 KB) a server with hundreds of clients drops packets and orders arrive late.

use std::io;
use std::net::{SocketAddr, UdpSocket};

/// What we ask for; the kernel caps it at `net.core.rmem_max` (raise that for big deployments).
pub const WANTED_RCVBUF: usize = 4 * 1024 * 1024;

/// Binds `addr` and enlarges the receive buffer; returns the socket and the buffer size obtained
/// (`None` where it cannot be read on this OS).
pub fn bind_udp(addr: SocketAddr) -> io::Result<(UdpSocket, Option<usize>)> {
    let socket = UdpSocket::bind(addr).map_err(|e| io::Error::new(e.kind(), format!("cannot bind UDP {addr}: {e}")))?;
    let got = grow_rcvbuf(&socket);
    Ok((socket, got))
}

#[cfg(unix)]
fn grow_rcvbuf(socket: &UdpSocket) -> Option<usize> {
    use nix::sys::socket::{getsockopt, setsockopt, sockopt::RcvBuf};
    if let Err(e) = setsockopt(socket, RcvBuf, &WANTED_RCVBUF) {
        tracing::warn!("cannot set SO_RCVBUF to {WANTED_RCVBUF}: {e}");
    }
    // Linux reports twice the usable size (bookkeeping overhead included).
    let got = getsockopt(socket, RcvBuf).ok();
    if let Some(got) = got
        && got < WANTED_RCVBUF
    {
        tracing::info!(
            "UDP receive buffer is {got} bytes (asked {WANTED_RCVBUF}); raise net.core.rmem_max for many clients"
        );
    }
    got
}

#[cfg(not(unix))]
fn grow_rcvbuf(_socket: &UdpSocket) -> Option<usize> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_loopback_on_port_zero() {
        let (s, got) = bind_udp("127.0.0.1:0".parse().unwrap()).unwrap();
        assert_ne!(s.local_addr().unwrap().port(), 0);
        if cfg!(unix) {
            assert!(got.unwrap() > 0);
        }
    }
}
