//! MCCP2/MCCP3 on what we send: the start marker, one zlib stream holding
//! exactly the Telnet bytes written, its end (asked for, by the peer's
//! `DONT`, at shutdown), and the checks before it starts.

#![cfg(feature = "mccp")]

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use telnet_proto::{Command, Side, TelnetOption};
use telnet_std::pipe::{pipe, Pipe};
use telnet_std::{Builder, Error, Ready, Telnet};

const LIMIT: Duration = Duration::from_secs(10);
const START_MCCP2: &[u8] = b"\xff\xfa\x56\xff\xf0";

/// Splits `wire` at the end of the zlib stream it starts with: what the
/// stream decodes to, and the bytes after it. Panics if it does not end.
fn inflate(wire: &[u8]) -> (Vec<u8>, &[u8]) {
    let mut z = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(64 * 1024);
    let status = z
        .decompress_vec(wire, &mut out, flate2::FlushDecompress::Finish)
        .expect("a valid zlib stream");
    assert_eq!(status, flate2::Status::StreamEnd, "the zlib stream ended");
    (out, &wire[z.total_in() as usize..])
}

/// Decodes a zlib stream that has not ended: everything flushed so far.
fn inflate_flushed(wire: &[u8]) -> Vec<u8> {
    let mut z = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(64 * 1024);
    let status = z
        .decompress_vec(wire, &mut out, flate2::FlushDecompress::Sync)
        .expect("a valid zlib stream");
    assert_ne!(
        status,
        flate2::Status::StreamEnd,
        "the stream is still open"
    );
    assert_eq!(z.total_in() as usize, wire.len(), "every byte was used");
    out
}

/// Reads from `raw` until `n` bytes came.
fn read_n(raw: &mut Pipe, n: usize) -> Vec<u8> {
    let mut got = vec![0; n];
    raw.read_exact(&mut got).unwrap();
    got
}

/// A server on `end` that offered MCCP2 to a raw peer that agreed, with
/// compression started; the raw peer has read the `WILL`.
fn compressing_server() -> (Telnet<Pipe>, Pipe) {
    let (end, mut raw) = pipe();
    raw.write_all(b"\xff\xfd\x56").unwrap();
    let mut server = Builder::new()
        .timeout(Some(LIMIT))
        .request(Side::Local, TelnetOption::MCCP2)
        .build(end)
        .unwrap();
    assert_eq!(read_n(&mut raw, 3), b"\xff\xfb\x56");
    server.negotiate(Some(LIMIT)).unwrap();
    assert!(server.is_enabled(Side::Local, TelnetOption::MCCP2));
    assert_eq!(server.output_compression(), None);
    server.start_compression(TelnetOption::MCCP2).unwrap();
    assert_eq!(server.output_compression(), Some(TelnetOption::MCCP2));
    (server, raw)
}

#[test]
fn everything_after_the_marker_is_one_zlib_stream_of_the_telnet_bytes() {
    let (mut server, mut raw) = compressing_server();
    assert_eq!(read_n(&mut raw, START_MCCP2.len()), START_MCCP2);
    server.write(b"data \xff here").unwrap();
    server.send_command(Command::GoAhead).unwrap();
    server
        .send_subnegotiation(TelnetOption::NAWS, &[0, 80, 0xff, 24])
        .unwrap();
    server.write_text("a line\n").unwrap();
    // Starting again while compressing sends nothing.
    server.start_compression(TelnetOption::MCCP2).unwrap();
    server.end_compression().unwrap();
    assert_eq!(server.output_compression(), None);
    server.write(b"plain \xff after").unwrap();
    drop(server);
    let mut wire = Vec::new();
    raw.read_to_end(&mut wire).unwrap();
    let (decoded, after) = inflate(&wire);
    assert_eq!(
        decoded,
        b"data \xff\xff here\xff\xf9\xff\xfa\x1f\x00\x50\xff\xff\x18\xff\xf0a line\r\n"
    );
    assert_eq!(after, b"plain \xff\xff after");
}

#[test]
fn each_write_is_flushed_so_the_peer_decodes_it_at_once() {
    let (mut server, mut raw) = compressing_server();
    assert_eq!(read_n(&mut raw, START_MCCP2.len()), START_MCCP2);
    let mut wire = Vec::new();
    let mut buf = [0u8; 4096];
    for (k, line) in ["first\n", "second \u{ff}\n", "third\n"].iter().enumerate() {
        server.write_text(line).unwrap();
        // Nothing more is coming until the next write: what has come must
        // decode to every line so far.
        let expected: Vec<u8> = ["first\r\n", "second \u{ff}\r\n", "third\r\n"][..=k]
            .iter()
            .flat_map(|l| l.bytes())
            .collect();
        loop {
            // (Without the flush, the bytes would never come.)
            assert!(
                raw.wait_readable(Some(Duration::from_secs(2))).unwrap(),
                "line {k} not decodable: {:?} so far",
                inflate_flushed(&wire)
            );
            let n = raw.read(&mut buf).unwrap();
            wire.extend_from_slice(&buf[..n]);
            let got = inflate_flushed(&wire);
            if got.len() >= expected.len() {
                assert_eq!(got, expected);
                break;
            }
        }
    }
}

#[test]
fn the_peers_dont_ends_the_stream_with_our_answer_inside() {
    let (mut server, mut raw) = compressing_server();
    server.write(b"squeezed").unwrap();
    raw.write_all(b"\xff\xfe\x56").unwrap(); // DONT MCCP2
    server.process_input(Some(LIMIT)).unwrap();
    assert!(!server.is_enabled(Side::Local, TelnetOption::MCCP2));
    assert_eq!(server.output_compression(), None);
    server.write(b"plain").unwrap();
    drop(server);
    let mut wire = Vec::new();
    raw.read_to_end(&mut wire).unwrap();
    let wire = wire.strip_prefix(START_MCCP2).expect("the start marker");
    let (decoded, after) = inflate(wire);
    // WONT MCCP2 is the stream's last message.
    assert_eq!(decoded, b"squeezed\xff\xfc\x56");
    assert_eq!(after, b"plain");
}

#[test]
fn our_own_client_reads_a_compressed_server() {
    let (client_end, server_end) = pipe();
    let server = thread::spawn(move || -> telnet_std::Result<()> {
        let mut server = Builder::server()
            .timeout(Some(LIMIT))
            .request(Side::Local, TelnetOption::MCCP2)
            .build(server_end)?;
        server.negotiate(Some(LIMIT))?;
        server.start_compression(TelnetOption::MCCP2)?;
        server.write(b"binary \xff\x00\xfd bytes, ")?;
        server.write_text("text\nend!")?;
        // The client's answer to our next question arrives compressed-free
        // (it does not compress), while ours stay compressed.
        let got = server.read_until(b"thanks")?;
        assert_eq!(got, b"thanks");
        server.end_compression()?;
        server.write(b" plain again.")?;
        Ok(())
    });
    let mut client = Builder::new()
        .timeout(Some(LIMIT))
        .mccp()
        .build(client_end)
        .unwrap();
    assert_eq!(
        client.read_until(b"end!").unwrap(),
        b"binary \xff\x00\xfd bytes, text\r\nend!"
    );
    assert!(client.is_enabled(Side::Remote, TelnetOption::MCCP2));
    client.write(b"thanks").unwrap();
    assert_eq!(client.read_until(b"again.").unwrap(), b" plain again.");
    server.join().unwrap().unwrap();
}

#[test]
fn a_client_compresses_under_mccp3() {
    let (end, mut raw) = pipe();
    raw.write_all(b"\xff\xfb\x57").unwrap(); // WILL MCCP3
    let mut client = Builder::new()
        .timeout(Some(LIMIT))
        .allow(Side::Remote, TelnetOption::MCCP3)
        .build(end)
        .unwrap();
    client.process_input(Some(LIMIT)).unwrap();
    assert!(client.is_enabled(Side::Remote, TelnetOption::MCCP3));
    // MCCP2 is the server's to send.
    assert!(client.start_compression(TelnetOption::MCCP2).is_err());
    client.start_compression(TelnetOption::MCCP3).unwrap();
    client.write_text("look\n").unwrap();
    client.end_compression().unwrap();
    drop(client);
    let mut wire = Vec::new();
    raw.read_to_end(&mut wire).unwrap();
    let wire = wire
        .strip_prefix(b"\xff\xfd\x57\xff\xfa\x57\xff\xf0".as_slice())
        .expect("DO MCCP3, then the start marker");
    let (decoded, after) = inflate(wire);
    assert_eq!(decoded, b"look\r\n");
    assert_eq!(after, b"");
}

#[test]
fn compression_needs_the_option_on_and_sends_nothing_otherwise() {
    let (end, mut raw) = pipe();
    let mut server = Builder::new().timeout(Some(LIMIT)).build(end).unwrap();
    for option in [TelnetOption::MCCP2, TelnetOption::MCCP3, TelnetOption::ECHO] {
        match server.start_compression(option) {
            Err(Error::Io(e)) => {
                assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
                assert!(e.to_string().contains("compress"), "{e}");
            }
            other => panic!("{option}: {other:?}"),
        }
    }
    assert_eq!(server.output_compression(), None);
    server.end_compression().unwrap();
    server.write(b"plain").unwrap();
    drop(server);
    let mut wire = Vec::new();
    raw.read_to_end(&mut wire).unwrap();
    assert_eq!(wire, b"plain");
}

#[test]
fn shutting_our_direction_down_ends_the_stream() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = thread::spawn(move || {
        let (mut raw, _) = listener.accept().unwrap();
        raw.write_all(b"\xff\xfd\x56").unwrap();
        let mut wire = Vec::new();
        raw.read_to_end(&mut wire).unwrap();
        wire
    });
    let mut server = Builder::new()
        .timeout(Some(LIMIT))
        .request(Side::Local, TelnetOption::MCCP2)
        .build(TcpStream::connect(addr).unwrap())
        .unwrap();
    server.negotiate(Some(LIMIT)).unwrap();
    server.start_compression(TelnetOption::MCCP2).unwrap();
    server.write(b"bye").unwrap();
    server.shutdown_write().unwrap();
    let wire = peer.join().unwrap();
    let wire = wire
        .strip_prefix(b"\xff\xfb\x56\xff\xfa\x56\xff\xf0".as_slice())
        .expect("WILL MCCP2, then the start marker");
    let (decoded, after) = inflate(wire);
    assert_eq!(decoded, b"bye");
    assert_eq!(after, b"");
}
