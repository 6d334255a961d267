//! NAWS (RFC 1073): codec, malformed payloads, and the negotiation between
//! two sessions.

mod options_util;

use options_util::{events, payloads, through_session, Ev, Pair, Who};
use proptest::prelude::*;
use telnet_proto::options::naws::WindowSize;
use telnet_proto::options::{self, DecodeError, OptionPayload};
use telnet_proto::{Config, Policy, Session, Side, TelnetOption};

// RFC 1073's own example: an 80 x 24 window.
#[test]
fn rfc_example_80_by_24() {
    let frame = b"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0";
    let size = WindowSize::new(80, 24);
    let mut buf = [0u8; 9];
    assert_eq!(size.encode(&mut buf), Ok(9));
    assert_eq!(&buf, frame);
    let got = events(Session::<1024>::default, frame);
    assert_eq!(payloads(&got, TelnetOption::NAWS), [vec![0, 80, 0, 24]]);
    assert_eq!(WindowSize::decode(&[0, 80, 0, 24]), Ok(size));
}

// RFC 1073: a value of 255 must be doubled; 65535 is four 0xFF bytes.
#[test]
fn widths_of_255_are_escaped() {
    let mut buf = [0u8; 16];
    let n = WindowSize::new(65535, 255).encode(&mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        b"\xff\xfa\x1f\xff\xff\xff\xff\x00\xff\xff\xff\xf0"
    );
    assert_eq!(WindowSize::new(65535, 255).encoded_len(), 12);
    let got = events(Session::<1024>::default, &buf[..n]);
    assert_eq!(payloads(&got, TelnetOption::NAWS), [vec![255, 255, 0, 255]]);
}

#[test]
fn malformed_payloads_say_what_is_wrong() {
    assert_eq!(
        WindowSize::decode(&[]),
        Err(DecodeError::Truncated { offset: 0 })
    );
    assert_eq!(
        WindowSize::decode(&[0, 80, 0]),
        Err(DecodeError::Truncated { offset: 3 })
    );
    assert_eq!(
        WindowSize::decode(&[0, 80, 0, 24, 0]),
        Err(DecodeError::TrailingBytes { offset: 4 })
    );
    assert_eq!(
        DecodeError::Truncated { offset: 3 }.to_string(),
        "subnegotiation payload truncated: ends at byte 3"
    );
}

#[test]
fn decode_as_filters_by_option() {
    assert_eq!(
        options::decode_as::<WindowSize>(TelnetOption::NAWS, &[0, 1, 0, 2]),
        Some(Ok(WindowSize::new(1, 2)))
    );
    assert_eq!(
        options::decode_as::<WindowSize>(TelnetOption::TTYPE, &[0, 1, 0, 2]),
        None
    );
}

// A client that sends its size right after WILL NAWS, before the server's
// DO: the payload is delivered and decodes, whatever the option state.
#[test]
fn size_before_the_will_is_accepted() {
    let input = b"\xff\xfa\x1f\x00\x78\x00\x28\xff\xf0\xff\xfb\x1f";
    let got = events(
        || {
            Session::<1024>::new(
                Config::new().policy(Policy::new().with_remote(TelnetOption::NAWS)),
            )
        },
        input,
    );
    assert_eq!(got[0], Ev::Sb(TelnetOption::NAWS, vec![0, 120, 0, 40]));
    assert_eq!(
        WindowSize::decode(&[0, 120, 0, 40]),
        Ok(WindowSize::new(120, 40))
    );
    assert!(got.contains(&Ev::Changed(TelnetOption::NAWS, Side::Remote, true)));
}

// The server asks DO NAWS; the client's policy allows local NAWS, so it
// answers WILL and sends its size; the server sees a typed size.
#[test]
fn server_asks_client_answers_with_its_size() {
    let client = Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::NAWS)));
    let mut pair = Pair::new(client, Session::default());
    let request = pair.server.enable(Side::Remote, TelnetOption::NAWS);
    pair.to_client.send_neg(request);
    let mut seen = Vec::new();
    pair.run(10, |who, ev, out, _| match (who, ev) {
        (Who::Client, Ev::Changed(TelnetOption::NAWS, Side::Local, true)) => {
            out.send(&WindowSize::new(132, 43));
        }
        (Who::Server, Ev::Sb(option, payload)) => {
            seen.push(
                options::decode_as::<WindowSize>(*option, payload)
                    .unwrap()
                    .unwrap(),
            );
        }
        _ => {}
    });
    assert_eq!(seen, [WindowSize::new(132, 43)]);
    assert!(pair.server.is_enabled(Side::Remote, TelnetOption::NAWS));
    assert!(pair.client.is_enabled(Side::Local, TelnetOption::NAWS));
}

proptest! {
    #[test]
    fn round_trip_through_a_session(width: u16, height: u16) {
        let size = WindowSize::new(width, height);
        let payload = through_session(&size);
        prop_assert_eq!(WindowSize::decode(&payload), Ok(size));
    }

    #[test]
    fn every_payload_decodes_or_errs_and_reencodes(payload in proptest::collection::vec(any::<u8>(), 0..8)) {
        match WindowSize::decode(&payload) {
            Ok(size) => {
                let mut bare = [0u8; 4];
                prop_assert_eq!(size.encode_payload(&mut bare), Ok(4));
                prop_assert_eq!(&bare[..], &payload[..]);
            }
            Err(_) => prop_assert_ne!(payload.len(), 4),
        }
    }
}
