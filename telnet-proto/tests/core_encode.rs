//! Encoding behaviours (PROTOCOL.md items 13-16) and the MCCP boundary (35).

mod support;

use support::{check, data, run, sb, Ev};
use telnet_proto::{
    encode, BufferTooSmall, Command, Config, InvalidCommand, Negotiation, Policy, Session, Side,
    TelnetOption, Verb,
};

fn encoded(f: impl Fn(&mut [u8]) -> Result<usize, BufferTooSmall>) -> Vec<u8> {
    let mut buf = [0u8; 256];
    let n = f(&mut buf).expect("fits");
    buf[..n].to_vec()
}

// 13. Data: every 0xFF doubled.
#[test]
fn data_doubles_every_iac() {
    assert_eq!(encoded(|b| encode::data(b"", b)), b"");
    assert_eq!(encoded(|b| encode::data(b"abc", b)), b"abc");
    assert_eq!(encoded(|b| encode::data(b"\xff", b)), b"\xff\xff");
    assert_eq!(
        encoded(|b| encode::data(b"a\xffb\xff", b)),
        b"a\xff\xffb\xff\xff"
    );
    assert_eq!(encode::data_len(&[0xff; 10]), 20);
}

// 14. Text: \n -> CR LF, bare \r -> CR NUL, \r\n stays.
#[test]
fn text_uses_nvt_newlines() {
    let cases: &[(&[u8], &[u8])] = &[
        (b"", b""),
        (b"a\nb", b"a\r\nb"),
        (b"a\r\nb", b"a\r\nb"),
        (b"a\rb", b"a\r\0b"),
        (b"\r", b"\r\0"),
        (b"\n", b"\r\n"),
        (b"\r\r\n\n", b"\r\0\r\n\r\n"),
        (b"\xff\n", b"\xff\xff\r\n"),
        (b"\n\r", b"\r\n\r\0"),
    ];
    for (src, want) in cases {
        assert_eq!(encoded(|b| encode::text(src, b)), *want, "text {src:02x?}");
        assert_eq!(encode::text_len(src), want.len());
    }
}

#[test]
fn session_text_is_binary_aware() {
    let mut session: Session =
        Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::BINARY)));
    assert_eq!(
        encoded(|b| session.encode_text(b"a\nb\r", b)),
        b"a\r\nb\r\0"
    );
    let _ = run(&mut session, &[b"\xff\xfd\x00"]);
    assert!(session.is_enabled(Side::Local, TelnetOption::BINARY));
    assert_eq!(
        encoded(|b| session.encode_text(b"a\nb\r\xff", b)),
        b"a\nb\r\xff\xff"
    );
}

// 15. Subnegotiations escape 0xFF in the payload.
#[test]
fn subnegotiation_escapes_its_payload() {
    assert_eq!(
        encoded(|b| encode::subnegotiation(TelnetOption::NAWS, &[0xff, 0xff, 0xff, 0xff], b)),
        b"\xff\xfa\x1f\xff\xff\xff\xff\xff\xff\xff\xff\xff\xf0"
    );
    assert_eq!(
        encoded(|b| encode::subnegotiation(TelnetOption::TTYPE, b"", b)),
        b"\xff\xfa\x18\xff\xf0"
    );
    assert_eq!(
        encoded(|b| encode::command(Command::AreYouThere, b)),
        b"\xff\xf6"
    );
    assert_eq!(
        encoded(|b| encode::negotiation(Negotiation::new(Verb::Wont, TelnetOption::ECHO), b)),
        b"\xff\xfc\x01"
    );
}

#[test]
fn encoded_subnegotiation_parses_back() {
    for option in [TelnetOption::NAWS, TelnetOption::EXOPL, TelnetOption(240)] {
        let payload = b"\xff\xf0\x00\xff\xffend";
        let bytes = encoded(|b| encode::subnegotiation(option, payload, b));
        check(support::plain, &bytes, &[sb(option, payload)]);
    }
}

#[test]
fn every_command_the_parser_reports_encodes_back_to_its_bytes() {
    for code in 0..=255u8 {
        match Command::from_byte(code) {
            Some(command) => {
                assert!(command.is_valid(), "{command}");
                let bytes = encoded(|b| encode::command(command, b));
                assert_eq!(bytes, [0xff, code]);
                check(support::plain, &bytes, &[Ev::Cmd(command)]);
            }
            None => {
                let invalid = Command::Unknown(code).check().unwrap_err();
                assert_eq!(invalid, InvalidCommand(code));
                assert!(invalid
                    .to_string()
                    .starts_with(&format!("IAC {code} is not")));
            }
        }
    }
}

#[test]
#[should_panic(expected = "IAC 250 is not a two-byte command")]
fn an_unknown_command_holding_sb_is_not_encoded() {
    // `IAC SB` would make the peer take everything after it as a payload.
    let _ = encode::command(Command::Unknown(250), &mut [0; 2]);
}

// 16. A too-small buffer: error with the size needed, buffer untouched.
#[test]
fn too_small_buffer_is_left_untouched() {
    type Encoder = fn(&mut [u8]) -> Result<usize, BufferTooSmall>;
    let encoders: [(Encoder, usize); 5] = [
        (|b| encode::data(b"ab\xff", b), 4),
        (|b| encode::text(b"a\n\r", b), 5),
        (|b| encode::command(Command::Nop, b), 2),
        (
            |b| encode::negotiation(Negotiation::new(Verb::Do, TelnetOption::ECHO), b),
            3,
        ),
        (
            |b| encode::subnegotiation(TelnetOption::NAWS, &[0, 0xff, 0, 24], b),
            10,
        ),
    ];
    for (encoder, size) in encoders {
        for available in 0..size {
            let mut buf = vec![0xaa; available];
            assert_eq!(
                encoder(&mut buf),
                Err(BufferTooSmall {
                    required: size,
                    available
                })
            );
            assert!(buf.iter().all(|&b| b == 0xaa), "buffer was written");
        }
        let mut buf = vec![0xaa; size + 3];
        assert_eq!(encoder(&mut buf), Ok(size));
        assert_eq!(&buf[size..], &[0xaa; 3]);
    }
    let err = encode::data(&[0xff; 4], &mut [0; 4]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "output buffer too small: 8 bytes needed, 4 available"
    );
}

#[cfg(feature = "bytes")]
#[test]
fn bufmut_encoders_append() {
    use bytes::BufMut;
    let mut out = bytes::BytesMut::new();
    encode::put_data(b"\xff", &mut out).unwrap();
    encode::put_text(b"\n", &mut out).unwrap();
    encode::put_command(Command::GoAhead, &mut out).unwrap();
    encode::put_negotiation(Negotiation::new(Verb::Will, TelnetOption::EOR), &mut out).unwrap();
    encode::put_subnegotiation(TelnetOption::GMCP, b"a", &mut out).unwrap();
    assert_eq!(
        &out[..],
        b"\xff\xff\r\n\xff\xf9\xff\xfb\x19\xff\xfa\xc9a\xff\xf0"
    );
    let mut small = [0u8; 3];
    let mut slice = &mut small[..];
    assert_eq!(
        encode::put_data(b"\xff\xff", &mut slice),
        Err(BufferTooSmall {
            required: 4,
            available: 3
        })
    );
    assert_eq!(slice.remaining_mut(), 3);
}

// 35. MCCP: the exact byte where compression starts.
#[test]
fn compression_start_hands_back_the_rest() {
    let make = || {
        let mut session: Session =
            Session::new(Config::new().policy(Policy::new().with_remote(TelnetOption::MCCP2)));
        let _ = run(&mut session, &[b"\xff\xfb\x56"]);
        assert!(session.is_enabled(Side::Remote, TelnetOption::MCCP2));
        session
    };
    check(
        make,
        b"hi\xff\xfa\x56\xff\xf0\x78\x9c\xff\x01",
        &[
            data(b"hi"),
            Ev::Compressed(TelnetOption::MCCP2, b"\x78\x9c\xff\x01".to_vec()),
        ],
    );
    let mut session = make();
    let input = b"\xff\xfa\x56\xff\xf0\x78\x9c";
    let mut feed = session.feed(input);
    assert!(matches!(
        feed.poll_event(),
        Some(telnet_proto::Event::CompressionStart { option: TelnetOption::MCCP2, rest }) if rest == b"\x78\x9c"
    ));
    assert_eq!(feed.poll_event(), None);
    assert_eq!(feed.remaining(), b"\x78\x9c");
    assert_eq!(feed.consumed(), 5);
    // After decompression the plain bytes go to the same session.
    assert_eq!(
        run(&mut session, &[b"text\xff\xf9"]),
        [data(b"text"), Ev::Cmd(Command::GoAhead)]
    );
}

#[test]
fn mccp3_starts_on_our_side() {
    let make = || {
        let mut session: Session =
            Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::MCCP3)));
        let _ = run(&mut session, &[b"\xff\xfd\x57"]);
        session
    };
    check(
        make,
        b"\xff\xfa\x57\xff\xf0z",
        &[Ev::Compressed(TelnetOption::MCCP3, b"z".to_vec())],
    );
}

#[test]
fn compression_marker_without_the_option_is_a_plain_subnegotiation() {
    check(
        support::plain,
        b"\xff\xfa\x56\xff\xf0after",
        &[sb(TelnetOption::MCCP2, b""), data(b"after")],
    );
}

#[test]
fn session_state_is_small() {
    let size = core::mem::size_of::<Session>();
    assert!(
        size <= telnet_proto::DEFAULT_SUBNEGOTIATION_CAPACITY + 400,
        "Session is {size} bytes"
    );
    assert!(core::mem::size_of::<Session<0>>() <= 400);
    assert!(core::mem::size_of::<telnet_proto::Event<'_, '_>>() <= 32);
    // The sizes the documentation of `Session` states.
    #[cfg(target_pointer_width = "64")]
    {
        assert_eq!(
            size, 1360,
            "update the size in Session's docs and the README"
        );
        assert_eq!(core::mem::size_of::<telnet_proto::Event<'_, '_>>(), 24);
    }
}

/// The NVT encoding of `src`, one byte at a time, as RFC 854 reads.
fn reference_text(src: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, &byte) in src.iter().enumerate() {
        match byte {
            0xff => out.extend_from_slice(&[0xff, 0xff]),
            b'\r' if src.get(i + 1) == Some(&b'\n') => out.push(b'\r'),
            b'\r' => out.extend_from_slice(b"\r\0"),
            b'\n' if i > 0 && src[i - 1] == b'\r' => out.push(b'\n'),
            b'\n' => out.extend_from_slice(b"\r\n"),
            _ => out.push(byte),
        }
    }
    out
}

// The encoders take a faster path when the buffer has room for the worst
// case, and a byte loop where 0xFF, CR and LF are dense: every buffer size
// gives the same bytes, and nothing after them is written.
#[test]
fn encoders_agree_with_a_byte_loop_at_every_buffer_size() {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![0xff],
        vec![b'a', 0xff],
        vec![0xff; 200],
        b"\r".to_vec(),
        b"\r\n\n\r\r\xff\n".to_vec(),
    ];
    for len in [1, 7, 63, 64, 65, 130, 300] {
        for density in [2, 5, 40] {
            let bytes = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    if state % density == 0 {
                        [0xff, b'\r', b'\n'][(state >> 40) as usize % 3]
                    } else {
                        b'a' + (state >> 40) as u8 % 26
                    }
                })
                .collect();
            inputs.push(bytes);
        }
    }
    for src in &inputs {
        let doubled: Vec<u8> = src
            .iter()
            .flat_map(|&b| if b == 0xff { vec![0xff, 0xff] } else { vec![b] })
            .collect();
        let text = reference_text(src);
        for (encode, expected) in [
            (encode::data as fn(&[u8], &mut [u8]) -> _, &doubled),
            (encode::text, &text),
        ] {
            for size in 0..=2 * src.len() + 2 {
                let mut buf = vec![0xa5; size];
                match encode(src, &mut buf) {
                    Ok(n) => {
                        assert_eq!(&buf[..n], &expected[..], "{src:?} into {size}");
                        assert!(buf[n..].iter().all(|&b| b == 0xa5), "{src:?} into {size}");
                    }
                    Err(err) => {
                        assert!(size < expected.len(), "{src:?} into {size}");
                        assert_eq!(err.required, expected.len());
                        assert!(buf.iter().all(|&b| b == 0xa5), "{src:?} into {size}");
                    }
                }
            }
        }
    }
}

/// Text cut into pieces with `TextPieces` encodes as the whole text does,
/// wherever the cuts fall (a CR LF split between pieces included).
#[test]
fn text_pieces_encode_as_the_whole_text_at_every_cut() {
    fn encoded(src: &[u8]) -> Vec<u8> {
        let mut buf = vec![0u8; encode::text_len(src)];
        let n = encode::text(src, &mut buf).unwrap();
        buf.truncate(n);
        buf
    }
    let inputs: [&[u8]; 6] = [
        b"ls\r\nexit\r",
        b"a\r\r\nb\rc\n",
        b"\r",
        b"\r\r\r\n\n",
        b"x\xff\r\n\xff",
        b"no newline",
    ];
    for input in inputs {
        let whole = encoded(input);
        let cuts: Vec<Vec<&[u8]>> = (0..=input.len())
            .map(|at| vec![&input[..at], &input[at..]])
            .chain([input.chunks(1).collect()])
            .collect();
        for pieces in cuts {
            let mut text = encode::TextPieces::new();
            let mut wire = Vec::new();
            for piece in &pieces {
                let (head, body) = text.next(piece);
                wire.extend(encoded(head));
                wire.extend(encoded(body));
            }
            wire.extend(encoded(text.finish()));
            assert!(!text.is_holding());
            assert_eq!(wire, whole, "{input:?} cut as {pieces:?}");
        }
    }
}
