//! LINEMODE (RFC 1184) and STATUS (RFC 859).

mod options_util;

use options_util::{canonical, events, payload_strategy, payloads, through_session, Ev, Pair, Who};
use proptest::prelude::*;
use telnet_proto::options::linemode::{
    Linemode, Mode, Slc, SlcFlags, SlcLevel, SlcList, SLC_EC, SLC_IP, SLC_XOFF,
};
use telnet_proto::options::status::{self, Params, Status, StatusItem, StatusList};
use telnet_proto::options::{self, DecodeError, OptionPayload};
use telnet_proto::{Config, Negotiation, Policy, Session, Side, TelnetOption, Verb};

// RFC 1184 section 3's exchange: the server sends MODE EDIT|TRAPSIG, the
// client acknowledges with MODE_ACK set.
#[test]
fn mode_and_its_acknowledgement() {
    let mut buf = [0u8; 8];
    let n = Linemode::Mode(Mode::EDIT | Mode::TRAPSIG)
        .encode(&mut buf)
        .unwrap();
    assert_eq!(&buf[..n], b"\xff\xfa\x22\x01\x03\xff\xf0");
    let ack = Linemode::decode(&[1, 0x07]).unwrap();
    let Linemode::Mode(mode) = ack else { panic!() };
    assert!(mode.contains(Mode::MODE_ACK | Mode::EDIT | Mode::TRAPSIG));
    assert!(!mode.contains(Mode::SOFT_TAB) && !mode.contains(Mode::LIT_ECHO));
    assert_eq!(
        Linemode::decode(&[1, 0x18]),
        Ok(Linemode::Mode(Mode::SOFT_TAB | Mode::LIT_ECHO))
    );
}

#[test]
fn forwardmask_with_255_bytes_escaped() {
    let mask = [0xff, 0x00, 0x80];
    let msg = Linemode::DoForwardMask(&mask);
    let mut buf = [0u8; 16];
    let n = msg.encode(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"\xff\xfa\x22\xfd\x02\xff\xff\x00\x80\xff\xf0");
    assert_eq!(through_session(&msg), [0xfd, 2, 0xff, 0, 0x80]);
    assert_eq!(Linemode::decode(&[0xfe, 2]), Ok(Linemode::DontForwardMask));
    assert_eq!(Linemode::decode(&[0xfb, 2]), Ok(Linemode::WillForwardMask));
    assert_eq!(Linemode::decode(&[0xfc, 2]), Ok(Linemode::WontForwardMask));
    let full = [0xffu8; 32];
    assert_eq!(through_session(&Linemode::DoForwardMask(&full)).len(), 34);
}

// SLC triplets as BSD telnetd sends them, with a value of 255 (no
// character) escaped on the wire.
#[test]
fn slc_triplets() {
    let slcs = [
        Slc {
            function: SLC_IP,
            level: SlcLevel::Value,
            flags: Slc::FLUSHIN | Slc::FLUSHOUT,
            value: 0x03,
        },
        Slc {
            function: SLC_EC,
            level: SlcLevel::Value,
            flags: SlcFlags(0),
            value: 0x7f,
        },
        Slc {
            function: SLC_XOFF,
            level: SlcLevel::NoSupport,
            flags: Slc::ACK,
            value: 0xff,
        },
    ];
    let msg = Linemode::Slc(SlcList::new(&slcs));
    let mut buf = [0u8; 32];
    let n = msg.encode(&mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        b"\xff\xfa\x22\x03\x03\x62\x03\x0a\x02\x7f\x10\x80\xff\xff\xff\xf0"
    );
    let got = events(Session::<64>::default, &buf[..n]);
    let p = payloads(&got, TelnetOption::LINEMODE);
    let decoded = Linemode::decode(&p[0]).unwrap();
    assert_eq!(decoded, msg);
    assert_eq!(decoded.slcs().collect::<Vec<_>>(), slcs);
    assert_eq!(Slc::from_bytes([3, 0x63, 3]).level, SlcLevel::Default);
    assert_eq!(Slc::from_bytes([3, 0x01, 3]).level, SlcLevel::CantChange);
    assert_eq!(Linemode::Mode(Mode(0)).slcs().count(), 0);
}

#[test]
fn malformed_linemode() {
    let cases: &[(&[u8], DecodeError)] = &[
        (b"", DecodeError::Truncated { offset: 0 }),
        (b"\x01", DecodeError::Truncated { offset: 1 }),
        (b"\x01\x01\x01", DecodeError::TrailingBytes { offset: 2 }),
        (b"\x03\x03\x62", DecodeError::Truncated { offset: 3 }),
        (
            b"\x03\x03\x62\x03\x0a",
            DecodeError::Truncated { offset: 5 },
        ),
        (b"\xfd", DecodeError::Truncated { offset: 1 }),
        (b"\xfd\x02", DecodeError::Truncated { offset: 2 }),
        (
            b"\xfd\x01\x00",
            DecodeError::UnexpectedByte { offset: 1, byte: 1 },
        ),
        (b"\xfb\x02\x00", DecodeError::TrailingBytes { offset: 2 }),
        (b"\x04", DecodeError::UnexpectedByte { offset: 0, byte: 4 }),
    ];
    for (payload, error) in cases {
        assert_eq!(Linemode::decode(payload), Err(*error), "{payload:02x?}");
    }
    let mut long = vec![0xfd, 2];
    long.extend([0u8; 33]);
    assert_eq!(
        Linemode::decode(&long),
        Err(DecodeError::TrailingBytes { offset: 34 })
    );
}

// The server asks the client to do LINEMODE and sends MODE EDIT; the
// client acknowledges.
#[test]
fn mode_negotiated_between_two_sessions() {
    let client =
        Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::LINEMODE)));
    let mut pair = Pair::new(client, Session::default());
    pair.to_client
        .send_neg(pair.server.enable(Side::Remote, TelnetOption::LINEMODE));
    let mut acked = None;
    pair.run(10, |who, ev, out, _| match (who, ev) {
        (Who::Server, Ev::Changed(TelnetOption::LINEMODE, Side::Remote, true)) => {
            out.send(&Linemode::Mode(Mode::EDIT));
        }
        (Who::Client, Ev::Sb(option, payload)) => {
            let Some(Ok(Linemode::Mode(mode))) = options::decode_as(*option, payload) else {
                panic!("{payload:?}")
            };
            if !mode.contains(Mode::MODE_ACK) {
                out.send(&Linemode::Mode(mode | Mode::MODE_ACK));
            }
        }
        (Who::Server, Ev::Sb(option, payload)) => {
            acked = Some(format!(
                "{:?}",
                options::decode_as::<Linemode>(*option, payload)
            ));
        }
        _ => {}
    });
    let expected = Some(Ok::<_, DecodeError>(Linemode::Mode(
        Mode::EDIT | Mode::MODE_ACK,
    )));
    assert_eq!(acked, Some(format!("{expected:?}")));
}

// RFC 859's example shape: IS WILL ECHO DO SGA SB ... SE, with an SE data
// byte doubled.
#[test]
fn status_is_with_embedded_subnegotiation() {
    let payload = b"\x00\xfb\x01\xfd\x03\xfa\x22\x03\x05\xf0\xf0\x02\xf0\xfb\x1f";
    let status = Status::decode(payload).unwrap();
    let items: Vec<_> = status.items().collect();
    assert_eq!(items.len(), 4);
    let StatusItem::Subnegotiation { option, params } = items[2] else {
        panic!()
    };
    assert_eq!(option, TelnetOption::LINEMODE);
    assert!(params.eq_bytes(&[3, 5, 0xf0, 2]));
    assert_eq!(params.raw(), [3, 5, 0xf0, 0xf0, 2]);
    let mut buf = [0u8; 4];
    assert_eq!(params.unescape_into(&mut buf), Ok(&[3u8, 5, 0xf0, 2][..]));
    assert_eq!(
        items[3],
        StatusItem::Negotiation(Negotiation::new(Verb::Will, TelnetOption::NAWS))
    );
    canonical::<Status>(payload).unwrap();

    // Built from plain parameters, the SE is doubled on encoding.
    let built = [
        StatusItem::Negotiation(Negotiation::new(Verb::Will, TelnetOption::ECHO)),
        StatusItem::Subnegotiation {
            option: TelnetOption::LINEMODE,
            params: Params::new(&[3, 5, 0xf0, 2]),
        },
    ];
    let msg = Status::Is(StatusList::new(&built));
    assert_eq!(
        through_session(&msg),
        b"\x00\xfb\x01\xfa\x22\x03\x05\xf0\xf0\x02\xf0"
    );
    assert_eq!(through_session(&Status::Send), [1]);
}

#[test]
fn malformed_status() {
    let cases: &[(&[u8], DecodeError)] = &[
        (b"", DecodeError::Truncated { offset: 0 }),
        (b"\x01\x00", DecodeError::TrailingBytes { offset: 1 }),
        (b"\x02", DecodeError::UnexpectedByte { offset: 0, byte: 2 }),
        (b"\x00\xfb", DecodeError::Truncated { offset: 2 }),
        (
            b"\x00\xfb\x01\x41",
            DecodeError::UnexpectedByte {
                offset: 3,
                byte: 0x41,
            },
        ),
        (b"\x00\xfa", DecodeError::Truncated { offset: 2 }),
        (
            b"\x00\xfa\x18\x00vt",
            DecodeError::MissingTerminator { offset: 6 },
        ),
        (
            b"\x00\xfa\x18\xf0\xf0",
            DecodeError::MissingTerminator { offset: 5 },
        ),
    ];
    for (payload, error) in cases {
        assert_eq!(Status::decode(payload), Err(*error), "{payload:02x?}");
    }
}

// The client asks for status; the server answers with its option table,
// which the client reads back as the options it negotiated.
#[test]
fn status_of_a_session_between_two_sessions() {
    let server_policy = Policy::new()
        .with_local(TelnetOption::STATUS)
        .with_local(TelnetOption::ECHO)
        .with_remote(TelnetOption::NAWS);
    let client_policy = Policy::new()
        .with_remote(TelnetOption::STATUS)
        .with_remote(TelnetOption::ECHO)
        .with_local(TelnetOption::NAWS);
    let mut pair = Pair::new(
        Session::new(Config::new().policy(client_policy)),
        Session::new(Config::new().policy(server_policy)),
    );
    for option in [TelnetOption::STATUS, TelnetOption::ECHO] {
        pair.to_client
            .send_neg(pair.server.enable(Side::Local, option));
    }
    pair.to_client
        .send_neg(pair.server.enable(Side::Remote, TelnetOption::NAWS));
    pair.run(10, |_, _, _, _| {});
    pair.to_server.send(&Status::Send);
    let mut listed = Vec::new();
    pair.run(10, |who, ev, out, session| match (who, ev) {
        (Who::Server, Ev::Sb(option, payload)) => {
            assert_eq!(options::decode_as(*option, payload), Some(Ok(Status::Send)));
            let mut buf = [0u8; 64];
            let n = status::encode_is(session, &mut buf).unwrap();
            out.0.extend_from_slice(&buf[..n]);
        }
        (Who::Client, Ev::Sb(option, payload)) => {
            let status: Status = options::decode_as(*option, payload).unwrap().unwrap();
            listed = status
                .items()
                .collect::<Vec<_>>()
                .iter()
                .map(|i| format!("{i:?}"))
                .collect();
        }
        _ => {}
    });
    let expected = [
        Negotiation::new(Verb::Will, TelnetOption::ECHO),
        Negotiation::new(Verb::Will, TelnetOption::STATUS),
        Negotiation::new(Verb::Do, TelnetOption::NAWS),
    ]
    .map(|n| format!("{:?}", StatusItem::Negotiation(n)));
    assert_eq!(listed, expected);
    // Too small a buffer: the size, and nothing written.
    let mut small = [0u8; 8];
    let err = status::encode_is(&pair.server, &mut small).unwrap_err();
    assert_eq!((err.required, small), (12, [0; 8]));
}

fn slc_strategy() -> impl Strategy<Value = Slc> {
    any::<[u8; 3]>().prop_map(Slc::from_bytes)
}

proptest! {
    #[test]
    fn linemode_round_trip(
        kind in 0u8..6,
        mode: u8,
        mask in proptest::collection::vec(any::<u8>(), 1..=32),
        slcs in proptest::collection::vec(slc_strategy(), 0..6),
    ) {
        let value = match kind {
            0 => Linemode::Mode(Mode(mode)),
            1 => Linemode::DoForwardMask(&mask),
            2 => Linemode::DontForwardMask,
            3 => Linemode::WillForwardMask,
            4 => Linemode::WontForwardMask,
            _ => Linemode::Slc(SlcList::new(&slcs)),
        };
        let payload = through_session(&value);
        prop_assert_eq!(Linemode::decode(&payload), Ok(value));
    }

    #[test]
    fn status_round_trip(
        items in proptest::collection::vec(
            (0u8..5, any::<u8>(), proptest::collection::vec(prop_oneof![Just(0xf0u8), any::<u8>()], 0..6)),
            0..6,
        ),
    ) {
        let built: Vec<StatusItem> = items
            .iter()
            .map(|(kind, option, params)| match kind {
                0 => StatusItem::Negotiation(Negotiation::new(Verb::Will, TelnetOption(*option))),
                1 => StatusItem::Negotiation(Negotiation::new(Verb::Do, TelnetOption(*option))),
                2 => StatusItem::Negotiation(Negotiation::new(Verb::Wont, TelnetOption(*option))),
                3 => StatusItem::Negotiation(Negotiation::new(Verb::Dont, TelnetOption(*option))),
                _ => StatusItem::Subnegotiation { option: TelnetOption(*option), params: Params::new(params) },
            })
            .collect();
        let value = Status::Is(StatusList::new(&built));
        let payload = through_session(&value);
        prop_assert_eq!(Status::decode(&payload), Ok(value));
    }

    #[test]
    fn any_payload_decodes_canonically_or_errs(payload in payload_strategy(14)) {
        canonical::<Linemode>(&payload);
        canonical::<Status>(&payload);
        let mut with_verbs = payload.clone();
        if let Some(first) = with_verbs.first_mut() { *first = 0xfd; }
        canonical::<Linemode>(&with_verbs);
    }
}
