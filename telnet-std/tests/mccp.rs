//! MCCP2: the compressed part of a read, compressed data split anywhere,
//! the end of the zlib stream, corrupt data.

#![cfg(feature = "mccp")]

mod support;

use std::io::Write;

use flate2::write::ZlibEncoder;
use flate2::Compression;
use support::{connect_chunked, recv, send, Peer, Step, LIMIT};
use telnet_proto::{Side, TelnetOption};
use telnet_std::{Builder, Error};

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// WILL MCCP2, our DO, then the start marker, a compressed stream holding
/// data and a negotiation, and plain data after its end.
fn script() -> Vec<Step> {
    let mut compressed = b"\xff\xfa\x56\xff\xf0".to_vec();
    compressed.extend(zlib(b"squeezed \xff\xff data\xff\xfd\x18 and more"));
    compressed.extend(b"plain again\xff\xf1!");
    vec![
        send(b"\xff\xfb\x56"),
        recv(b"\xff\xfd\x56"),
        send(compressed),
        recv(b"\xff\xfc\x18"),
        Step::Go,
    ]
}

#[test]
fn compressed_stream_in_the_same_read_and_after() {
    for max in [1, 2, 3, 7, 64, 16 * 1024] {
        let peer = Peer::start(script());
        let mut tn = Builder::new()
            .timeout(Some(LIMIT))
            .mccp()
            .build(connect_chunked(peer.addr, max))
            .unwrap();
        assert_eq!(
            tn.read_until(b"!").unwrap(),
            b"squeezed \xff data and moreplain again!",
            "max {max}"
        );
        assert!(tn.is_enabled(Side::Remote, TelnetOption::MCCP2));
        drop(tn);
        // The DO TTYPE inside the compressed stream was answered.
        peer.finish();
    }
}

#[test]
fn corrupt_compressed_data_is_an_error_never_telnet() {
    let mut bad = b"\xff\xfa\x56\xff\xf0".to_vec();
    // Not a zlib header; contains what would be a telnet negotiation.
    bad.extend(b"\x00\x00\xff\xfd\x18visible?");
    let peer = Peer::start(vec![
        send(b"\xff\xfb\x56"),
        recv(b"\xff\xfd\x56"),
        send(b"before "),
        send(bad),
        Step::Go,
    ]);
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .mccp()
        .connect(peer.addr)
        .unwrap();
    let err = loop {
        match tn.read_until(b"visible?") {
            Ok(data) => assert!(b"before ".starts_with(&data) || data.is_empty(), "{data:?}"),
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::Decompression(_)), "{err}");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::InvalidData);
    // The data before it is kept; then the error is sticky.
    assert_eq!(tn.read_some().unwrap(), b"before ");
    assert!(matches!(tn.read_some(), Err(Error::Decompression(_))));
    drop(tn);
    // Nothing was answered to the DO TTYPE in the corrupt bytes.
    assert_eq!(peer.finish(), b"\xff\xfd\x56");
}

#[test]
fn compression_is_refused_unless_accepted() {
    let peer = Peer::start(vec![send(b"\xff\xfb\x56x"), Step::Close]);
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .connect(peer.addr)
        .unwrap();
    assert_eq!(tn.read_all().unwrap(), b"x");
    drop(tn);
    assert_eq!(peer.finish(), b"\xff\xfe\x56");
}
