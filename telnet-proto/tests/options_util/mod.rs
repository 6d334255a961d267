//! Helpers for the option tests: feed bytes whole, byte by byte and split
//! at every point, collect the events, and wire two sessions back to back.

#![allow(dead_code, unreachable_pub)] // each test file uses a different part

use telnet_proto::options::OptionPayload;
use telnet_proto::{Event, Negotiation, Session, Side, TelnetOption};

/// An owned event, comparable across runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ev {
    Data(Vec<u8>),
    Neg(Negotiation),
    Reply(Negotiation),
    Changed(TelnetOption, Side, bool),
    Sb(TelnetOption, Vec<u8>),
    Other(String),
}

/// The owned form of an event. A negotiation becomes up to three entries,
/// in the order an application acts on them: what was received, the reply
/// to send, the state change.
pub fn owned(event: Event<'_, '_>) -> Vec<Ev> {
    match event {
        Event::Data(bytes) => vec![Ev::Data(bytes.to_vec())],
        Event::Negotiation {
            received,
            reply,
            changed,
        } => {
            let mut evs = vec![Ev::Neg(received)];
            evs.extend(reply.map(Ev::Reply));
            let side = received.verb.received_side();
            evs.extend(changed.map(|on| Ev::Changed(received.option, side, on)));
            evs
        }
        Event::Subnegotiation { option, payload } => vec![Ev::Sb(option, payload.to_vec())],
        other => vec![Ev::Other(format!("{other:?}"))],
    }
}

/// Feeds `chunks` to `session` in order; returns the events, adjacent data
/// merged.
pub fn run<const N: usize>(session: &mut Session<N>, chunks: &[&[u8]]) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::new();
    for chunk in chunks {
        let mut feed = session.feed(chunk);
        while let Some(event) = feed.poll_event() {
            for ev in owned(event) {
                match (out.last_mut(), ev) {
                    (Some(Ev::Data(prev)), Ev::Data(next)) => prev.extend_from_slice(&next),
                    (_, ev) => out.push(ev),
                }
            }
        }
    }
    out
}

/// Whole, byte by byte, and in two pieces at every split point.
pub fn splits(input: &[u8]) -> Vec<Vec<&[u8]>> {
    let mut ways = vec![vec![input], input.chunks(1).collect()];
    for at in 1..input.len() {
        ways.push(vec![&input[..at], &input[at..]]);
    }
    ways
}

/// Feeds `input` every way of [`splits`] to a fresh session from `make`;
/// asserts that every way gives the same events, and returns them.
pub fn events<const N: usize>(make: impl Fn() -> Session<N>, input: &[u8]) -> Vec<Ev> {
    let mut ways = splits(input).into_iter();
    let first = run(&mut make(), &ways.next().unwrap());
    for chunks in ways {
        let got = run(&mut make(), &chunks);
        assert_eq!(
            got,
            first,
            "input {input:02x?} split as {:?}",
            chunks.iter().map(|c| c.len()).collect::<Vec<_>>()
        );
    }
    first
}

/// The payloads of the subnegotiations of `option` among `events`.
pub fn payloads(events: &[Ev], option: TelnetOption) -> Vec<Vec<u8>> {
    events
        .iter()
        .filter_map(|ev| match ev {
            Ev::Sb(o, p) if *o == option => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// Encodes `value` as a frame (checking the size rule on the way), feeds
/// the frame every way to a default session, and returns the one payload
/// the session delivered.
pub fn through_session<'a, T: OptionPayload<'a>>(value: &T) -> Vec<u8> {
    let len = value.encoded_len();
    // Too small by one: an error naming the size, the buffer untouched.
    let mut small = vec![0xAAu8; len - 1];
    let err = value.encode(&mut small).unwrap_err();
    assert_eq!((err.required, err.available), (len, len - 1));
    assert!(small.iter().all(|&b| b == 0xAA), "a failed encode wrote");
    let mut frame = vec![0u8; len + 3];
    let n = value.encode(&mut frame).unwrap();
    assert_eq!(n, len);
    frame.truncate(n);
    let got = events(Session::<4096>::default, &frame);
    assert_eq!(
        got.len(),
        1,
        "one subnegotiation expected from {frame:02x?}: {got:?}"
    );
    let payload = match &got[0] {
        Ev::Sb(option, payload) if *option == T::OPTION => payload.clone(),
        other => panic!("expected a subnegotiation of {}, got {other:?}", T::OPTION),
    };
    // The unescaped payload is what `encode_payload` writes.
    let mut bare = vec![0u8; value.payload_len()];
    assert_eq!(value.encode_payload(&mut bare).unwrap(), bare.len());
    assert_eq!(bare, payload);
    payload
}

/// A bytes sink for the wire between two sessions.
#[derive(Default)]
pub struct Wire(pub Vec<u8>);

impl Wire {
    pub fn send_neg(&mut self, n: Option<Negotiation>) {
        if let Some(n) = n {
            self.0.extend_from_slice(&n.to_bytes());
        }
    }

    pub fn send<'a, T: OptionPayload<'a>>(&mut self, value: &T) {
        let mut buf = vec![0u8; value.encoded_len()];
        let n = value.encode(&mut buf).unwrap();
        self.0.extend_from_slice(&buf[..n]);
    }

    pub fn take(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.0)
    }
}

/// Two sessions back to back. `step` feeds what is on one wire to the
/// receiving session, sends its replies back automatically, and gives the
/// events to `on_event` (which may write more to the outgoing wire).
pub struct Pair {
    pub client: Session,
    pub server: Session,
    /// Bytes travelling to the client.
    pub to_client: Wire,
    /// Bytes travelling to the server.
    pub to_server: Wire,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Who {
    Client,
    Server,
}

impl Pair {
    pub fn new(client: Session, server: Session) -> Self {
        Pair {
            client,
            server,
            to_client: Wire::default(),
            to_server: Wire::default(),
        }
    }

    /// Delivers the wires until both are empty, at most `max_rounds`
    /// deliveries; `on_event(who, event, outgoing wire, session state)` sees
    /// every event. Panics if the exchange does not go quiet.
    pub fn run(
        &mut self,
        max_rounds: usize,
        mut on_event: impl FnMut(Who, &Ev, &mut Wire, &Session),
    ) {
        for _ in 0..max_rounds {
            let to_server = self.to_server.take();
            let to_client = self.to_client.take();
            if to_server.is_empty() && to_client.is_empty() {
                return;
            }
            for (who, bytes) in [(Who::Server, to_server), (Who::Client, to_client)] {
                if bytes.is_empty() {
                    continue;
                }
                let (session, out) = match who {
                    Who::Server => (&mut self.server, &mut self.to_client),
                    Who::Client => (&mut self.client, &mut self.to_server),
                };
                let evs = run(session, &[&bytes]);
                for ev in &evs {
                    if let Ev::Reply(n) = ev {
                        out.0.extend_from_slice(&n.to_bytes());
                    }
                    on_event(who, ev, out, session);
                }
            }
        }
        panic!("the two sessions did not go quiet in {max_rounds} rounds");
    }
}

/// Decodes `payload` as a `T` (which must not panic); if it decodes,
/// asserts that it encodes back to the same payload and frame round trip.
pub fn canonical<'a, T: OptionPayload<'a> + std::fmt::Debug>(payload: &'a [u8]) -> Option<T> {
    let value = T::decode(payload).ok()?;
    let mut bare = vec![0u8; value.payload_len()];
    value.encode_payload(&mut bare).unwrap();
    assert_eq!(bare, payload, "{value:?} re-encodes differently");
    assert_eq!(through_session(&value), payload);
    Some(value)
}

/// Short payloads, biased towards the bytes that matter to option
/// formats (small codes, separators, 0xFF).
pub fn payload_strategy(max: usize) -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
    use proptest::prelude::*;
    proptest::collection::vec(
        prop_oneof![
            0u8..8,
            Just(0xF0u8),
            Just(0xFF),
            Just(b';'),
            Just(b' '),
            b'a'..b'e',
            any::<u8>()
        ],
        0..max,
    )
}
