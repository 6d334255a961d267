//! MCCP2/MCCP3 on what we send: after `IAC SB MCCP2 IAC SE` our output is
//! one zlib stream, flushed at each write, that the peer can decode at
//! once; ending it (by hand, at shutdown, or when the option goes off)
//! returns to plain telnet.
#![cfg(feature = "mccp")]

use std::time::Duration;

use bytes::BytesMut;
use flate2::{Decompress, FlushDecompress, Status};
use futures_util::FutureExt;
use telnet_proto::consts::{DO, DONT, IAC, NOP, SB, SE, WILL, WONT};
use telnet_proto::{Command, Config, Negotiation, Policy, Side, TelnetOption, Verb};
use telnet_tokio::{Error, Frame, Item, Telnet, TelnetCodec};
use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio_util::codec::{Decoder, Encoder};

const MCCP2: u8 = 86;
const START_MCCP2: [u8; 5] = [IAC, SB, MCCP2, IAC, SE];

/// Everything the peer has been sent so far (the session's writes are
/// complete when they return), waiting for the first byte.
async fn available(peer: &mut DuplexStream) -> Vec<u8> {
    let mut buf = vec![0u8; 1 << 16];
    let n = tokio::time::timeout(Duration::from_secs(5), peer.read(&mut buf))
        .await
        .expect("the session sent nothing")
        .unwrap();
    let mut got = buf[..n].to_vec();
    while let Some(read) = peer.read(&mut buf).now_or_never() {
        let n = read.unwrap();
        if n == 0 {
            break;
        }
        got.extend_from_slice(&buf[..n]);
    }
    got
}

/// What one piece of a zlib stream decompressed to.
#[derive(Debug, PartialEq)]
struct Inflated {
    data: Vec<u8>,
    /// The stream ended in this piece.
    ended: bool,
    /// The bytes after the end of the stream.
    after: Vec<u8>,
}

/// Decompresses all of `input` (or up to the end of the stream) with `z`.
/// Panics on corrupt data.
fn inflate(z: &mut Decompress, mut input: &[u8]) -> Inflated {
    let mut data = Vec::new();
    loop {
        let mut chunk = [0u8; 4096];
        let (in0, out0) = (z.total_in(), z.total_out());
        let status = z
            .decompress(input, &mut chunk, FlushDecompress::None)
            .expect("a valid zlib stream");
        let used = (z.total_in() - in0) as usize;
        let made = (z.total_out() - out0) as usize;
        data.extend_from_slice(&chunk[..made]);
        input = &input[used..];
        if status == Status::StreamEnd {
            return Inflated {
                data,
                ended: true,
                after: input.to_vec(),
            };
        }
        if input.is_empty() && made < chunk.len() {
            return Inflated {
                data,
                ended: false,
                after: Vec::new(),
            };
        }
        assert!(used > 0 || made > 0, "the decompressor is stuck");
    }
}

fn inflated(data: &[u8]) -> Inflated {
    Inflated {
        data: data.to_vec(),
        ended: false,
        after: Vec::new(),
    }
}

/// A server that has offered MCCP2 to a peer driven by hand, which agreed.
async fn server_with_mccp2() -> (Telnet<DuplexStream>, DuplexStream) {
    let (s, mut peer) = duplex(1 << 16);
    let mut server = Telnet::new(s);
    server.set_timeout(Some(Duration::from_secs(5)));
    server.set_event_capacity(16);
    server
        .enable(Side::Local, TelnetOption::MCCP2)
        .await
        .unwrap();
    assert_eq!(available(&mut peer).await, [IAC, WILL, MCCP2]);
    peer.write_all(&[IAC, DO, MCCP2]).await.unwrap();
    while !server.is_enabled(Side::Local, TelnetOption::MCCP2) {
        server.next_event().await.unwrap();
    }
    (server, peer)
}

/// A server and a client of this crate that agreed on MCCP2.
async fn pair_with_mccp2() -> (Telnet<DuplexStream>, Telnet<DuplexStream>) {
    let (s, c) = duplex(1 << 16);
    let mut server = Telnet::new(s);
    let client_policy = Policy::new().with_remote(TelnetOption::MCCP2);
    let mut client = Telnet::with_config(c, Config::new().policy(client_policy));
    for t in [&mut server, &mut client] {
        t.set_timeout(Some(Duration::from_secs(5)));
        t.set_event_capacity(16);
    }
    server
        .enable(Side::Local, TelnetOption::MCCP2)
        .await
        .unwrap();
    // The client answers DO while reading, the server records it.
    while !client.is_enabled(Side::Remote, TelnetOption::MCCP2) {
        client.next_event().await.unwrap();
    }
    while !server.is_enabled(Side::Local, TelnetOption::MCCP2) {
        server.next_event().await.unwrap();
    }
    (server, client)
}

fn events(t: &mut Telnet<DuplexStream>) -> Vec<Item> {
    std::iter::from_fn(|| t.try_next_event()).collect()
}

#[tokio::test]
async fn the_wire_carries_the_marker_then_a_zlib_stream_flushed_at_each_write() {
    let (mut server, mut peer) = server_with_mccp2().await;
    assert_eq!(server.output_compression(), None);
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    assert_eq!(server.output_compression(), Some(TelnetOption::MCCP2));
    // The marker alone, uncompressed: nothing else yet.
    assert_eq!(available(&mut peer).await, START_MCCP2);

    // Each write decodes on its own, before the stream ends.
    let mut z = Decompress::new(true);
    server.write(b"data \xff with IAC").await.unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(&wire[..2], [0x78, 0x9c], "a zlib header, default level");
    assert_eq!(inflate(&mut z, &wire), inflated(b"data \xff\xff with IAC"));

    server.send_command(Command::Nop).await.unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(inflate(&mut z, &wire), inflated(&[IAC, NOP]));

    server
        .send_subnegotiation(TelnetOption::GMCP, b"Core.Ping \xff")
        .await
        .unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(
        inflate(&mut z, &wire),
        inflated(b"\xff\xfa\xc9Core.Ping \xff\xff\xff\xf0")
    );

    server.write_text("a line\n").await.unwrap();
    server.write_prompt("> ").await.unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(
        inflate(&mut z, &wire),
        inflated(b"a line\r\n> \xff\xf9"),
        "text and the prompt's GA"
    );

    // Starting again sends nothing.
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"x").await.unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(inflate(&mut z, &wire), inflated(b"x"));
}

#[tokio::test]
async fn a_client_of_this_crate_decodes_the_compressed_output() {
    let (mut server, mut client) = pair_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"binary \xff\x00\xfe data\n").await.unwrap();
    server.write_text("line two\n").await.unwrap();
    assert_eq!(
        client.read_until(b"\n").await.unwrap(),
        b"binary \xff\x00\xfe data\n"
    );
    assert!(client.is_compressed(), "the client decompresses");
    assert_eq!(client.read_until(b"\n").await.unwrap(), b"line two\r\n");
    assert!(events(&mut client).contains(&Item::CompressionStart {
        option: TelnetOption::MCCP2
    }));
}

#[tokio::test]
async fn end_compression_ends_the_stream_and_later_output_is_plain() {
    let (mut server, mut peer) = server_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"inside").await.unwrap();
    let wire = available(&mut peer).await;
    let mut z = Decompress::new(true);
    assert_eq!(
        inflate(&mut z, &wire[START_MCCP2.len()..]),
        inflated(b"inside")
    );

    // The queued text is compressed, then the stream ends.
    server.write_text("last\n").await.unwrap();
    server.end_compression().await.unwrap();
    assert_eq!(server.output_compression(), None);
    server.write(b"plain \xff after").await.unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(
        inflate(&mut z, &wire),
        Inflated {
            data: b"last\r\n".to_vec(),
            ended: true,
            after: b"plain \xff\xff after".to_vec(),
        }
    );
    // Ending again sends nothing.
    server.end_compression().await.unwrap();
    server.write(b"!").await.unwrap();
    assert_eq!(available(&mut peer).await, b"!");
}

#[tokio::test]
async fn a_client_of_this_crate_reads_on_after_the_end() {
    let (mut server, mut client) = pair_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"packed\n").await.unwrap();
    server.end_compression().await.unwrap();
    server.write(b"plain\n").await.unwrap();
    assert_eq!(client.read_until(b"\n").await.unwrap(), b"packed\n");
    assert_eq!(client.read_until(b"\n").await.unwrap(), b"plain\n");
    assert!(!client.is_compressed());
    let marks: Vec<Item> = events(&mut client)
        .into_iter()
        .filter(|e| matches!(e, Item::CompressionStart { .. } | Item::CompressionEnd))
        .collect();
    assert_eq!(
        marks,
        [
            Item::CompressionStart {
                option: TelnetOption::MCCP2
            },
            Item::CompressionEnd
        ]
    );
}

#[tokio::test]
async fn dont_mccp2_ends_the_stream_after_the_reply() {
    let (mut server, mut peer) = server_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"one").await.unwrap();
    let wire = available(&mut peer).await;
    let mut z = Decompress::new(true);
    assert_eq!(
        inflate(&mut z, &wire[START_MCCP2.len()..]),
        inflated(b"one")
    );

    peer.write_all(&[IAC, DONT, MCCP2]).await.unwrap();
    let event = server.next_event().await.unwrap();
    assert_eq!(
        event.option_change(),
        Some((TelnetOption::MCCP2, Side::Local, false))
    );
    // The reply was sent while reading, as the stream's last bytes.
    assert_eq!(server.output_compression(), None);
    server.write(b"two").await.unwrap();
    let wire = available(&mut peer).await;
    assert_eq!(
        inflate(&mut z, &wire),
        Inflated {
            data: vec![IAC, WONT, MCCP2],
            ended: true,
            after: b"two".to_vec(),
        }
    );
}

#[tokio::test]
async fn a_client_of_this_crate_turning_mccp2_off_gets_plain_data_after() {
    let (mut server, mut client) = pair_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"before\n").await.unwrap();
    assert_eq!(client.read_until(b"\n").await.unwrap(), b"before\n");
    client
        .disable(Side::Remote, TelnetOption::MCCP2)
        .await
        .unwrap();
    while server.is_enabled(Side::Local, TelnetOption::MCCP2) {
        server.next_event().await.unwrap();
    }
    server.write(b"after\n").await.unwrap();
    assert_eq!(client.read_until(b"\n").await.unwrap(), b"after\n");
    assert!(!client.is_compressed(), "the stream ended");
    assert!(events(&mut client).contains(&Item::CompressionEnd));
}

#[tokio::test]
async fn disabling_mccp2_ourselves_ends_the_stream_after_the_wont() {
    let (mut server, mut peer) = server_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"one").await.unwrap();
    server
        .disable(Side::Local, TelnetOption::MCCP2)
        .await
        .unwrap();
    assert_eq!(server.output_compression(), None);
    server.write(b"two").await.unwrap();
    let wire = available(&mut peer).await;
    let mut z = Decompress::new(true);
    assert_eq!(&wire[..START_MCCP2.len()], START_MCCP2);
    assert_eq!(
        inflate(&mut z, &wire[START_MCCP2.len()..]),
        Inflated {
            data: [&b"one"[..], &[IAC, WONT, MCCP2]].concat(),
            ended: true,
            after: b"two".to_vec(),
        }
    );
}

#[tokio::test]
async fn starting_without_the_negotiation_fails_and_sends_nothing() {
    let (s, mut peer) = duplex(1 << 16);
    // The peer offered MCCP2 (WILL) and we agreed: MCCP2 is on the peer's
    // side, which lets the peer compress, not us.
    let policy = Policy::new().with_remote(TelnetOption::MCCP2);
    let mut t = Telnet::with_config(s, Config::new().policy(policy));
    t.set_timeout(Some(Duration::from_secs(5)));
    t.set_event_capacity(16);
    peer.write_all(&[IAC, WILL, MCCP2]).await.unwrap();
    t.next_event().await.unwrap();
    assert!(t.is_enabled(Side::Remote, TelnetOption::MCCP2));
    assert_eq!(available(&mut peer).await, [IAC, DO, MCCP2]);

    for (option, says) in [
        (TelnetOption::MCCP2, "MCCP2 is not enabled on our side"),
        (
            TelnetOption::MCCP3,
            "MCCP3 is not enabled on the peer's side",
        ),
        (TelnetOption::ECHO, "MCCP2 or MCCP3"),
    ] {
        let err = t.start_compression(option).await.unwrap_err();
        let Error::Io(io) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(io.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(says), "{err}");
        assert_eq!(t.output_compression(), None);
    }
    t.write(b"plain").await.unwrap();
    assert_eq!(available(&mut peer).await, b"plain");
}

#[tokio::test]
async fn async_write_goes_through_the_compressor() {
    let (mut server, mut peer) = server_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    assert_eq!(available(&mut peer).await, START_MCCP2);
    // More than the output limit and the pipe's capacity, with runs
    // without 0xFF (which a plain session writes straight through).
    let mut data = Vec::new();
    for i in 0..20_000u32 {
        data.extend_from_slice(format!("line {i} of the text\n").as_bytes());
        if i % 1000 == 0 {
            data.push(IAC);
        }
    }
    let mut expected = Vec::new();
    for &b in &data {
        expected.push(b);
        if b == IAC {
            expected.push(IAC);
        }
    }
    let both = async {
        tokio::join!(
            async {
                server.write_all(&data).await.unwrap();
                AsyncWriteExt::flush(&mut server).await.unwrap();
                AsyncWriteExt::shutdown(&mut server).await.unwrap();
            },
            async {
                let mut wire = Vec::new();
                peer.read_to_end(&mut wire).await.unwrap();
                wire
            }
        )
    };
    let ((), wire) = tokio::time::timeout(Duration::from_secs(10), both)
        .await
        .expect("written and read");
    let mut z = Decompress::new(true);
    let got = inflate(&mut z, &wire);
    assert!(got.ended, "poll_shutdown ends the stream");
    assert!(got.after.is_empty());
    assert_eq!(got.data, expected);
    assert!(
        wire.len() * 4 < data.len(),
        "{} bytes compressed to {}",
        data.len(),
        wire.len()
    );
}

#[tokio::test]
async fn async_write_reaches_a_client_of_this_crate() {
    let (mut server, mut client) = pair_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write_all(b"no IAC here, ").await.unwrap();
    server.write_all(b"\xff and one there\n").await.unwrap();
    AsyncWriteExt::flush(&mut server).await.unwrap();
    let mut got = vec![0u8; 29];
    tokio::time::timeout(Duration::from_secs(5), client.read_exact(&mut got))
        .await
        .expect("the data came")
        .unwrap();
    assert_eq!(got, b"no IAC here, \xff and one there\n");
    assert!(client.is_compressed());
}

#[tokio::test]
async fn shutdown_ends_the_stream() {
    let (mut server, mut peer) = server_with_mccp2().await;
    server.start_compression(TelnetOption::MCCP2).await.unwrap();
    server.write(b"bye").await.unwrap();
    server.shutdown().await.unwrap();
    assert_eq!(server.output_compression(), None);
    let mut wire = Vec::new();
    peer.read_to_end(&mut wire).await.unwrap();
    assert_eq!(&wire[..START_MCCP2.len()], START_MCCP2);
    let mut z = Decompress::new(true);
    assert_eq!(
        inflate(&mut z, &wire[START_MCCP2.len()..]),
        Inflated {
            data: b"bye".to_vec(),
            ended: true,
            after: Vec::new(),
        }
    );
}

#[tokio::test]
async fn a_client_compresses_under_mccp3_for_a_server_of_this_crate() {
    let (s, c) = duplex(1 << 16);
    let mut server = Telnet::new(s);
    let client_policy = Policy::new().with_remote(TelnetOption::MCCP3);
    let mut client = Telnet::with_config(c, Config::new().policy(client_policy));
    for t in [&mut server, &mut client] {
        t.set_timeout(Some(Duration::from_secs(5)));
        t.set_event_capacity(16);
    }
    server
        .enable(Side::Local, TelnetOption::MCCP3)
        .await
        .unwrap();
    while !client.is_enabled(Side::Remote, TelnetOption::MCCP3) {
        client.next_event().await.unwrap();
    }
    while !server.is_enabled(Side::Local, TelnetOption::MCCP3) {
        server.next_event().await.unwrap();
    }
    // MCCP3 is the client's to start, not the server's.
    assert!(server.start_compression(TelnetOption::MCCP3).await.is_err());
    client.start_compression(TelnetOption::MCCP3).await.unwrap();
    assert_eq!(client.output_compression(), Some(TelnetOption::MCCP3));
    client.write(b"look \xff here\n").await.unwrap();
    assert_eq!(server.read_until(b"\n").await.unwrap(), b"look \xff here\n");
    assert!(server.is_compressed(), "the server decompresses");
}

// ---- the codec ------------------------------------------------------

/// A server codec that offered MCCP2, and the client's DO decoded.
fn codec_with_mccp2() -> TelnetCodec {
    let mut codec = TelnetCodec::new();
    let mut out = BytesMut::new();
    codec
        .encode(Frame::Enable(Side::Local, TelnetOption::MCCP2), &mut out)
        .unwrap();
    assert_eq!(&out[..], [IAC, WILL, MCCP2]);
    let mut input = BytesMut::from(&[IAC, DO, MCCP2][..]);
    let item = codec.decode(&mut input).unwrap().unwrap();
    assert_eq!(
        item.option_change(),
        Some((TelnetOption::MCCP2, Side::Local, true))
    );
    codec
}

#[test]
fn the_codec_compresses_each_frame_after_the_start() {
    let mut codec = codec_with_mccp2();
    let mut out = BytesMut::new();
    codec
        .encode(Frame::StartCompression(TelnetOption::MCCP2), &mut out)
        .unwrap();
    assert_eq!(&out[..], START_MCCP2);
    assert_eq!(codec.output_compression(), Some(TelnetOption::MCCP2));
    let mut z = Decompress::new(true);
    let frames: [(Frame<'_>, &[u8]); 5] = [
        (Frame::Data(b"raw \xff"), b"raw \xff\xff"),
        (Frame::Text(b"text\n"), b"text\r\n"),
        (Frame::Command(Command::Nop), &[IAC, NOP]),
        (
            Frame::Subnegotiation(TelnetOption::GMCP, b"Core.Ping"),
            b"\xff\xfa\xc9Core.Ping\xff\xf0",
        ),
        (Frame::EndOfPrompt, &[IAC, 0xf9]),
    ];
    // Every frame decodes at once, on its own.
    for (frame, plain) in frames {
        let mut out = BytesMut::new();
        codec.encode(frame, &mut out).unwrap();
        assert_ne!(&out[..], plain, "{frame:?} went out uncompressed");
        assert_eq!(inflate(&mut z, &out), inflated(plain), "{frame:?}");
    }

    // The end: the stream ends, later frames are plain.
    let mut out = BytesMut::new();
    codec.encode(Frame::EndCompression, &mut out).unwrap();
    assert_eq!(codec.output_compression(), None);
    codec.encode(Frame::Data(b"plain"), &mut out).unwrap();
    assert_eq!(
        inflate(&mut z, &out),
        Inflated {
            data: Vec::new(),
            ended: true,
            after: b"plain".to_vec(),
        }
    );
}

#[test]
fn a_client_codec_decodes_what_the_server_codec_compressed() {
    let mut server = codec_with_mccp2();
    let mut wire = BytesMut::new();
    server
        .encode(Frame::StartCompression(TelnetOption::MCCP2), &mut wire)
        .unwrap();
    server
        .encode(Frame::Data(b"packed \xff "), &mut wire)
        .unwrap();
    server.encode(Frame::Text(b"text\n"), &mut wire).unwrap();
    server.encode(Frame::EndCompression, &mut wire).unwrap();
    server.encode(Frame::Data(b"plain"), &mut wire).unwrap();

    let policy = Policy::new().with_remote(TelnetOption::MCCP2);
    let mut client = TelnetCodec::with_config(Config::new().policy(policy));
    let mut input = BytesMut::from(&[IAC, WILL, MCCP2][..]);
    input.extend_from_slice(&wire);
    let mut data = Vec::new();
    let mut marks = Vec::new();
    while let Some(item) = client.decode(&mut input).unwrap() {
        match item {
            Item::Data(d) => data.extend_from_slice(&d),
            Item::CompressionStart { .. } | Item::CompressionEnd => marks.push(item),
            _ => {}
        }
    }
    assert_eq!(data, b"packed \xff text\r\nplain");
    assert_eq!(
        marks,
        [
            Item::CompressionStart {
                option: TelnetOption::MCCP2
            },
            Item::CompressionEnd
        ]
    );
}

#[test]
fn the_codec_ends_the_stream_with_the_reply_to_dont_mccp2() {
    let mut codec = codec_with_mccp2();
    let mut out = BytesMut::new();
    codec
        .encode(Frame::StartCompression(TelnetOption::MCCP2), &mut out)
        .unwrap();
    codec.encode(Frame::Data(b"one"), &mut out).unwrap();

    let mut input = BytesMut::from(&[IAC, DONT, MCCP2][..]);
    let Some(Item::Negotiation {
        reply: Some(reply), ..
    }) = codec.decode(&mut input).unwrap()
    else {
        panic!("no reply to DONT MCCP2")
    };
    assert_eq!(reply, Negotiation::new(Verb::Wont, TelnetOption::MCCP2));
    codec.encode(Frame::Negotiation(reply), &mut out).unwrap();
    assert_eq!(codec.output_compression(), None);
    codec.encode(Frame::Data(b"two"), &mut out).unwrap();

    assert_eq!(&out[..START_MCCP2.len()], START_MCCP2);
    let mut z = Decompress::new(true);
    assert_eq!(
        inflate(&mut z, &out[START_MCCP2.len()..]),
        Inflated {
            data: [&b"one"[..], &[IAC, WONT, MCCP2]].concat(),
            ended: true,
            after: b"two".to_vec(),
        }
    );
}

#[test]
fn the_codec_refuses_to_start_without_the_negotiation() {
    let mut codec = TelnetCodec::new();
    let mut out = BytesMut::from(&b"queued"[..]);
    for option in [TelnetOption::MCCP2, TelnetOption::MCCP3, TelnetOption::GMCP] {
        let err = codec
            .encode(Frame::StartCompression(option), &mut out)
            .unwrap_err();
        assert!(
            matches!(&err, Error::Io(e) if e.kind() == std::io::ErrorKind::InvalidInput),
            "{err:?}"
        );
        assert_eq!(&out[..], b"queued", "nothing written");
        assert_eq!(codec.output_compression(), None);
    }
    // Ending what never started writes nothing either.
    codec.encode(Frame::EndCompression, &mut out).unwrap();
    codec.encode(Frame::Data(b"!"), &mut out).unwrap();
    assert_eq!(&out[..], b"queued!");
}
