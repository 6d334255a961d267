//! MCCP2: the rest of the read that ends with `IAC SB MCCP2 IAC SE` is
//! decompressed, and so is everything after it; the end of the zlib stream
//! returns to plain telnet; corrupt data is an error.
#![cfg(feature = "mccp")]

use std::io::Write as _;

use bytes::BytesMut;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use telnet_proto::{Config, Policy, TelnetOption};
use telnet_tokio::{Error, Item, Telnet, TelnetCodec};
use tokio::io::{duplex, AsyncReadExt, AsyncWriteExt};
use tokio_util::codec::Decoder;

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut z = ZlibEncoder::new(Vec::new(), Compression::default());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

fn mccp_config() -> Config {
    Config::new().policy(Policy::new().with_remote(TelnetOption::MCCP2))
}

/// WILL MCCP2, data, the boundary, compressed telnet, then plain again.
fn stream() -> Vec<u8> {
    let mut wire = b"plain \xff\xfb\x56\xff\xfa\x56\xff\xf0".to_vec();
    wire.extend(zlib(b"packed \xff\xff bytes\xff\xf6 more\r\n"));
    wire.extend_from_slice(b"plain again\n");
    wire
}

const DECODED: &[u8] = b"plain packed \xff bytes more\r\nplain again\n";

#[tokio::test]
async fn the_session_decompresses_from_the_boundary_on() {
    for chunk in [usize::MAX, 7, 1] {
        let (a, mut peer) = duplex(64 * 1024);
        let mut t = Telnet::with_config(a, mccp_config());
        t.set_event_capacity(16);
        let wire = stream();
        tokio::spawn(async move {
            for piece in wire.chunks(chunk.min(wire.len())) {
                peer.write_all(piece).await.unwrap();
                tokio::task::yield_now().await;
            }
            peer.shutdown().await.unwrap();
            let mut replies = Vec::new();
            peer.read_to_end(&mut replies).await.unwrap();
        });
        assert_eq!(t.read_all().await.unwrap(), DECODED, "chunks of {chunk}");
        let mut events = Vec::new();
        while let Some(e) = t.try_next_event() {
            events.push(e);
        }
        let start = events.iter().position(|e| {
            *e == Item::CompressionStart {
                option: TelnetOption::MCCP2,
            }
        });
        let end = events.iter().position(|e| *e == Item::CompressionEnd);
        assert!(
            matches!((start, end), (Some(s), Some(e)) if s < e),
            "{events:?}"
        );
        assert!(events.contains(&Item::Command(telnet_proto::Command::AreYouThere)));
    }
}

#[tokio::test]
async fn corrupt_compressed_data_is_an_error() {
    let (a, mut peer) = duplex(4096);
    let mut t = Telnet::with_config(a, mccp_config());
    let mut wire = b"ok\xff\xfb\x56\xff\xfa\x56\xff\xf0".to_vec();
    wire.extend_from_slice(b"this is not zlib at all");
    peer.write_all(&wire).await.unwrap();
    let err = t.read_until(b"never").await.unwrap_err();
    assert!(matches!(err, Error::Decompress(_)), "{err:?}");
    // The data before the boundary is kept, and the error stays.
    assert_eq!(t.read_very_lazy().unwrap(), b"ok");
    assert!(matches!(
        t.read_some().await.unwrap_err(),
        Error::Decompress(_)
    ));
}

#[test]
fn the_codec_decompresses_whole_and_byte_by_byte() {
    for chunk in [usize::MAX, 1] {
        let wire = stream();
        let mut codec = TelnetCodec::with_config(mccp_config());
        let mut buf = BytesMut::new();
        let mut data = Vec::new();
        let mut marks = Vec::new();
        for piece in wire.chunks(chunk.min(wire.len())) {
            buf.extend_from_slice(piece);
            while let Some(item) = codec.decode(&mut buf).unwrap() {
                match item {
                    Item::Data(d) => data.extend_from_slice(&d),
                    Item::CompressionStart { .. } | Item::CompressionEnd => marks.push(item),
                    _ => {}
                }
            }
            assert!(buf.is_empty());
        }
        assert_eq!(data, DECODED);
        assert_eq!(
            marks,
            [
                Item::CompressionStart {
                    option: TelnetOption::MCCP2
                },
                Item::CompressionEnd
            ]
        );
        assert!(!codec.is_compressed());
    }
}

#[test]
fn the_codec_rejects_corrupt_data() {
    let mut codec = TelnetCodec::with_config(mccp_config());
    let mut buf = BytesMut::from(&b"\xff\xfb\x56\xff\xfa\x56\xff\xf0garbage!"[..]);
    let mut result = Ok(None);
    for _ in 0..10 {
        result = codec.decode(&mut buf);
        if !matches!(result, Ok(Some(_))) {
            break;
        }
    }
    assert!(matches!(result, Err(Error::Decompress(_))), "{result:?}");
}
