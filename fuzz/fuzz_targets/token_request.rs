//! The token step on any bytes, as its TCP listener reads a stranger's connection
//! (`Issuer::answer_stream`): the frame's length, the protocol version first, the request, the
//! seat and its code (wrong codes counted per address), and a connect token sealed when all is
//! right. Whatever comes, the answer is a frame the listener can send (at most 4 KB), so a
//! client always hears why.
#![no_main]

use std::net::IpAddr;
use std::sync::OnceLock;
use std::time::Instant;

use libfuzzer_sys::fuzz_target;
use protocol::admission::{TokenReply, write_frame};
use server::admission::tokens::{Issuer, sample_issuer};

fuzz_target!(|data: &[u8]| {
    // One issuer for the whole run, as one listener serves every connection: wrong codes pile
    // up per address (the first byte picks one of 16), and the memory of them stays bounded.
    static ISSUER: OnceLock<Issuer> = OnceLock::new();
    let issuer = ISSUER.get_or_init(sample_issuer);
    let ip = IpAddr::from([10, 0, 0, data.first().map_or(0, |b| b & 15)]);
    let Some(reply) = issuer.answer_stream(ip, &mut &data[..], Instant::now()) else { return };
    let mut framed = Vec::new();
    write_frame(&mut framed, &reply).expect("every answer fits a frame");
    if let TokenReply::Token { token } = &reply {
        renet_netcode::ConnectToken::read(&mut token.as_slice()).expect("a token reads back");
    }
});
