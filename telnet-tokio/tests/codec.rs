//! TelnetCodec: the same items whether the input comes whole or byte by
//! byte, nothing rescanned, replies surfaced, frames encoded.

use bytes::{Bytes, BytesMut};
use futures_util::{SinkExt, StreamExt};
use telnet_proto::{Command, Config, Negotiation, Policy, Side, TelnetOption, Verb};
use telnet_tokio::{Frame, Item, Telnet, TelnetCodec};
use tokio_util::codec::{Decoder, Encoder, Framed};

const SESSION: &[u8] = b"Hello \xff\xff world\r\n\xff\xfd\x18\xff\xfb\x01\xff\xfa\x1f\x00\x50\xff\xff\x18\xff\xf0prompt> \xff\xf9\xff\xfa\x18\x01\xff\xf0\r\0end\r";

/// Decodes `chunks` one after another, then the end of the stream; merges
/// adjacent data items (their split depends on the reads).
fn decode_all(codec: &mut TelnetCodec, chunks: &[&[u8]]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut buf = BytesMut::new();
    let push = |items: &mut Vec<Item>, item| match (items.last_mut(), item) {
        (Some(Item::Data(prev)), Item::Data(next)) => {
            let mut joined = prev.to_vec();
            joined.extend_from_slice(&next);
            *prev = joined.into();
        }
        (_, item) => items.push(item),
    };
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(item) = codec.decode(&mut buf).unwrap() {
            push(&mut items, item);
        }
        // Never rescanned: whatever the session parsed left the buffer.
        assert!(buf.is_empty(), "{} bytes left in the buffer", buf.len());
    }
    while let Some(item) = codec.decode_eof(&mut buf).unwrap() {
        push(&mut items, item);
    }
    items
}

fn expected() -> Vec<Item> {
    vec![
        Item::Data(Bytes::from_static(b"Hello \xff world\r\n")),
        Item::Negotiation {
            received: Negotiation::new(Verb::Do, TelnetOption::TTYPE),
            reply: Some(Negotiation::new(Verb::Wont, TelnetOption::TTYPE)),
            changed: None,
        },
        Item::Negotiation {
            received: Negotiation::new(Verb::Will, TelnetOption::ECHO),
            reply: Some(Negotiation::new(Verb::Dont, TelnetOption::ECHO)),
            changed: None,
        },
        Item::Subnegotiation {
            option: TelnetOption::NAWS,
            payload: Bytes::from_static(b"\x00\x50\xff\x18"),
        },
        Item::Data(Bytes::from_static(b"prompt> ")),
        Item::Command(Command::GoAhead),
        Item::Subnegotiation {
            option: TelnetOption::TTYPE,
            payload: Bytes::from_static(b"\x01"),
        },
        // CR NUL is CR; the final CR is held until the end of the stream.
        Item::Data(Bytes::from_static(b"\rend\r")),
    ]
}

#[test]
fn whole_and_byte_by_byte_give_the_same_items() {
    let whole = decode_all(&mut TelnetCodec::new(), &[SESSION]);
    assert_eq!(whole, expected());
    let bytes: Vec<&[u8]> = SESSION.chunks(1).collect();
    assert_eq!(decode_all(&mut TelnetCodec::new(), &bytes), expected());
    for split in 0..SESSION.len() {
        let (a, b) = SESSION.split_at(split);
        assert_eq!(
            decode_all(&mut TelnetCodec::new(), &[a, b]),
            expected(),
            "split at {split}"
        );
    }
}

#[test]
fn an_empty_buffer_is_not_an_error() {
    let mut codec = TelnetCodec::new();
    let mut buf = BytesMut::new();
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
    assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
}

#[test]
fn data_items_share_the_read_buffer() {
    let mut codec = TelnetCodec::new();
    let mut buf = BytesMut::from(&b"abc\xff\xf1def"[..]);
    let start = buf.as_ptr() as usize;
    let Some(Item::Data(first)) = codec.decode(&mut buf).unwrap() else {
        panic!("data expected")
    };
    assert_eq!(&first[..], b"abc");
    assert_eq!(first.as_ptr() as usize, start, "data was copied");
    assert_eq!(
        codec.decode(&mut buf).unwrap(),
        Some(Item::Command(Command::Nop))
    );
    assert_eq!(
        codec.decode(&mut buf).unwrap(),
        Some(Item::Data("def".into()))
    );
}

#[test]
fn an_unfinished_subnegotiation_is_reported_at_eof() {
    let mut codec = TelnetCodec::new();
    let mut buf = BytesMut::from(&b"x\xff\xfa\x1f\x00\x50"[..]);
    assert_eq!(
        codec.decode(&mut buf).unwrap(),
        Some(Item::Data("x".into()))
    );
    assert_eq!(codec.decode(&mut buf).unwrap(), None);
    assert_eq!(
        codec.decode_eof(&mut buf).unwrap(),
        Some(Item::SubnegotiationAborted {
            option: Some(TelnetOption::NAWS),
            len: 2
        })
    );
    assert_eq!(codec.decode_eof(&mut buf).unwrap(), None);
}

#[test]
fn the_encoder_takes_every_frame() {
    let mut codec =
        TelnetCodec::with_config(Config::new().policy(Policy::new().with_local(TelnetOption::EOR)));
    let mut out = BytesMut::new();
    codec.encode(Frame::Data(b"\xff\n"), &mut out).unwrap();
    codec.encode(Frame::Text(b"a\nb\r"), &mut out).unwrap();
    codec
        .encode(Frame::Command(Command::AreYouThere), &mut out)
        .unwrap();
    // IAC SB is no command: an error, and nothing written.
    let err = codec
        .encode(Frame::Command(Command::Unknown(250)), &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("IAC 250 is not"), "{err}");
    codec
        .encode(
            Frame::Negotiation(Negotiation::new(Verb::Wont, TelnetOption::ECHO)),
            &mut out,
        )
        .unwrap();
    codec
        .encode(Frame::Enable(Side::Remote, TelnetOption::NAWS), &mut out)
        .unwrap();
    // Already requested: the RFC 1143 table sends nothing.
    codec
        .encode(Frame::Enable(Side::Remote, TelnetOption::NAWS), &mut out)
        .unwrap();
    codec
        .encode(
            Frame::Subnegotiation(TelnetOption::GMCP, b"Core.Hello {}"),
            &mut out,
        )
        .unwrap();
    codec.encode(Frame::EndOfPrompt, &mut out).unwrap(); // GA: EOR not on
    codec
        .encode(Frame::Disable(Side::Remote, TelnetOption::NAWS), &mut out)
        .unwrap();
    let mut want = Vec::new();
    want.extend_from_slice(b"\xff\xff\n");
    want.extend_from_slice(b"a\r\nb\r\0");
    want.extend_from_slice(b"\xff\xf6");
    want.extend_from_slice(b"\xff\xfc\x01");
    want.extend_from_slice(b"\xff\xfd\x1f");
    want.extend_from_slice(b"\xff\xfa\xc9Core.Hello {}\xff\xf0");
    want.extend_from_slice(b"\xff\xf9");
    assert_eq!(&out[..], &want[..]);
    // Once the peer accepts EOR, prompts end with EOR.
    let mut input = BytesMut::from(&b"\xff\xfd\x19"[..]);
    while codec.decode(&mut input).unwrap().is_some() {}
    out.clear();
    codec.encode(Frame::EndOfPrompt, &mut out).unwrap();
    assert_eq!(&out[..], b"\xff\xef");
}

#[tokio::test]
async fn framed_talks_to_a_telnet_session() {
    let (a, b) = tokio::io::duplex(4096);
    let policy = Policy::new().with_remote(TelnetOption::NAWS);
    let mut server = Framed::new(a, TelnetCodec::with_config(Config::new().policy(policy)));
    let mut client = Telnet::with_config(
        b,
        Config::new().policy(Policy::new().with_local(TelnetOption::NAWS)),
    );
    let client_task = tokio::spawn(async move {
        client.read_until(b"> ").await.unwrap();
        assert!(client.is_enabled(Side::Local, TelnetOption::NAWS));
        client
            .send_subnegotiation(TelnetOption::NAWS, &[0, 132, 0, 43])
            .await
            .unwrap();
        client.write_text("look\n").await.unwrap();
        client.read_until(b"bye\r\n").await.unwrap()
    });
    server
        .send(Frame::Enable(Side::Remote, TelnetOption::NAWS))
        .await
        .unwrap();
    server.send(Frame::Text(b"> ")).await.unwrap();
    let mut size = None;
    let mut line = Vec::new();
    while let Some(item) = server.next().await {
        match item.unwrap() {
            Item::Negotiation { reply: Some(n), .. } => {
                server.send(Frame::Negotiation(n)).await.unwrap()
            }
            Item::Subnegotiation {
                option: TelnetOption::NAWS,
                payload,
            } => size = Some(payload),
            Item::Data(data) => {
                line.extend_from_slice(&data);
                if line.ends_with(b"\r\n") {
                    break;
                }
            }
            _ => {}
        }
    }
    assert_eq!(size.as_deref(), Some(&[0, 132, 0, 43][..]));
    assert_eq!(line, b"look\r\n");
    server.send(Frame::Text(b"bye\n")).await.unwrap();
    assert_eq!(client_task.await.unwrap(), b"bye\r\n");
}
