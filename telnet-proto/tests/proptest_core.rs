//! Invariants of the core over arbitrary input: encode-then-parse round
//! trips under any chunking, arbitrary bytes never panic and parse the same
//! however they are cut, and two sessions always converge.

mod support;

use proptest::collection::vec;
use proptest::prelude::*;
use support::{run, Ev};
use telnet_proto::{
    encode, Command, Config, Negotiation, Newline, Policy, Session, Side, TelnetOption, Verb,
};

const CAP: usize = 64;

#[derive(Clone, Debug)]
enum Item {
    Data(Vec<u8>),
    Text(Vec<u8>),
    Command(Command),
    Negotiation(Negotiation),
    Subnegotiation(TelnetOption, Vec<u8>),
}

fn bytes_with_specials() -> impl Strategy<Value = Vec<u8>> {
    // Mostly the bytes that matter to the parser.
    vec(
        prop_oneof![
            4 => any::<u8>(),
            2 => Just(0xffu8),
            1 => Just(b'\r'),
            1 => Just(b'\n'),
            1 => Just(0u8),
            1 => Just(0xf0u8),
        ],
        0..40,
    )
}

fn command() -> impl Strategy<Value = Command> {
    (0u8..=255)
        .prop_filter_map("a two-byte command", Command::from_byte)
        .boxed()
}

fn verb() -> impl Strategy<Value = Verb> {
    prop_oneof![
        Just(Verb::Will),
        Just(Verb::Wont),
        Just(Verb::Do),
        Just(Verb::Dont)
    ]
}

/// Data (binary-safe) items are parsed back raw; text items are parsed back
/// with NVT newline translation. `text` chooses which kind a stream has.
fn item(text: bool) -> impl Strategy<Value = Item> {
    prop_oneof![
        bytes_with_specials().prop_map(move |b| if text { Item::Text(b) } else { Item::Data(b) }),
        command().prop_map(Item::Command),
        (verb(), any::<u8>())
            .prop_map(|(v, o)| Item::Negotiation(Negotiation::new(v, TelnetOption(o)))),
        (any::<u8>(), vec(any::<u8>(), 0..=CAP))
            .prop_map(|(o, p)| Item::Subnegotiation(TelnetOption(o), p)),
    ]
}

/// Cuts `bytes` at the given points (taken modulo the length).
fn chunked(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points
        .windows(2)
        .map(|w| bytes[w[0]..w[1]].to_vec())
        .collect()
}

fn feed_chunks<const N: usize>(session: &mut Session<N>, chunks: &[Vec<u8>]) -> Vec<Ev> {
    let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
    run(session, &refs)
}

fn merge(events: Vec<Ev>) -> Vec<Ev> {
    let mut out: Vec<Ev> = Vec::new();
    for ev in events {
        if let (Some(Ev::Data(prev)), Ev::Data(next)) = (out.last_mut(), &ev) {
            prev.extend_from_slice(next);
            continue;
        }
        if matches!(&ev, Ev::Data(d) if d.is_empty()) {
            continue;
        }
        out.push(ev);
    }
    out
}

fn encode_item(item: &Item, out: &mut Vec<u8>) {
    let mut buf = vec![0u8; 4 * CAP + 16];
    let n = match item {
        Item::Data(d) => encode::data(d, &mut buf),
        Item::Text(t) => encode::text(t, &mut buf),
        Item::Command(c) => encode::command(*c, &mut buf),
        Item::Negotiation(n) => encode::negotiation(*n, &mut buf),
        Item::Subnegotiation(o, p) => encode::subnegotiation(*o, p, &mut buf),
    }
    .expect("buffer is large enough");
    out.extend_from_slice(&buf[..n]);
}

/// What a manual session should report for `item`.
fn expected(item: &Item) -> Ev {
    match item {
        Item::Data(d) => Ev::Data(d.clone()),
        // Text comes back with CR LF as `\n`: only an original `\r\n`
        // changes.
        Item::Text(t) => {
            let mut back = Vec::new();
            let mut i = 0;
            while i < t.len() {
                if t[i] == b'\r' && t.get(i + 1) == Some(&b'\n') {
                    i += 1;
                    continue;
                }
                back.push(t[i]);
                i += 1;
            }
            Ev::Data(back)
        }
        Item::Command(c) => Ev::Cmd(*c),
        Item::Negotiation(n) => Ev::Neg(*n),
        Item::Subnegotiation(o, p) => Ev::Sb(*o, p.clone()),
    }
}

fn policy() -> impl Strategy<Value = Policy> {
    (vec(any::<u8>(), 0..6), vec(any::<u8>(), 0..6)).prop_map(|(local, remote)| {
        let mut policy = Policy::new();
        for o in local {
            policy.set(Side::Local, TelnetOption(o % 8), true);
        }
        for o in remote {
            policy.set(Side::Remote, TelnetOption(o % 8), true);
        }
        policy
    })
}

#[derive(Clone, Debug)]
struct Request {
    on_a: bool,
    side: Side,
    option: TelnetOption,
    enable: bool,
    /// Deliver what is in flight (partially) before the next request.
    deliver: u8,
}

fn request() -> impl Strategy<Value = Request> {
    (
        any::<bool>(),
        any::<bool>(),
        0u8..8,
        any::<bool>(),
        any::<u8>(),
    )
        .prop_map(|(on_a, local, option, enable, deliver)| Request {
            on_a,
            side: if local { Side::Local } else { Side::Remote },
            option: TelnetOption(option),
            enable,
            deliver,
        })
}

/// Feeds `input` to `session`, appending its replies to `out`; returns how
/// many replies it sent.
fn deliver(session: &mut Session, input: &[u8], out: &mut Vec<u8>) -> usize {
    let mut sent = 0;
    let mut feed = session.feed(input);
    while let Some(event) = feed.poll_event() {
        if let telnet_proto::Event::Negotiation { reply: Some(n), .. } = event {
            out.extend_from_slice(&n.to_bytes());
            sent += 1;
        }
    }
    sent
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn encode_then_parse_round_trips(
        (text, items) in any::<bool>().prop_flat_map(|text| (Just(text), vec(item(text), 0..12))),
        cuts in vec(any::<usize>(), 0..8),
    ) {
        let mut wire = Vec::new();
        for item in &items {
            encode_item(item, &mut wire);
        }
        let newline = if text { Newline::Translate } else { Newline::Raw };
        let mut session: Session<CAP> =
            Session::new(Config::new().newline(newline).manual_negotiation(true));
        let got = merge(feed_chunks(&mut session, &chunked(&wire, &cuts)));
        let want = merge(items.iter().map(expected).collect());
        prop_assert_eq!(got, want);
        prop_assert!(!session.is_mid_sequence());
    }

    #[test]
    fn arbitrary_bytes_parse_the_same_however_cut(
        bytes in vec(prop_oneof![3 => any::<u8>(), 1 => Just(0xffu8), 1 => 236u8..=255], 0..300),
        cuts in vec(any::<usize>(), 0..16),
        newline in prop_oneof![Just(Newline::Nvt), Just(Newline::Translate), Just(Newline::Raw)],
        manual in any::<bool>(),
        policy in policy(),
    ) {
        let make = || -> Session<16> {
            Session::new(Config::new().newline(newline).manual_negotiation(manual).policy(policy))
        };
        let mut whole = make();
        let expected = merge(feed_chunks(&mut whole, std::slice::from_ref(&bytes)));
        let mut cut = make();
        let got = merge(feed_chunks(&mut cut, &chunked(&bytes, &cuts)));
        prop_assert_eq!(&got, &expected);
        for ev in &expected {
            if let Ev::Sb(_, payload) = ev {
                prop_assert!(payload.len() <= 16);
            }
            if let Ev::Overflow(_, len) = ev {
                prop_assert!(*len > 16);
            }
        }
        // The total data never exceeds the input.
        let data: usize = expected.iter().map(|e| if let Ev::Data(d) = e { d.len() } else { 0 }).sum();
        prop_assert!(data <= bytes.len());
    }

    #[test]
    fn two_sessions_go_quiet_and_agree(
        policy_a in policy(),
        policy_b in policy(),
        requests in vec(request(), 0..24),
    ) {
        let mut a: Session = Session::new(Config::new().policy(policy_a));
        let mut b: Session = Session::new(Config::new().policy(policy_b));
        let (mut to_a, mut to_b) = (Vec::new(), Vec::new());
        let mut messages = 0usize;
        for r in &requests {
            let (session, out) = if r.on_a { (&mut a, &mut to_b) } else { (&mut b, &mut to_a) };
            let sent = if r.enable { session.enable(r.side, r.option) } else { session.disable(r.side, r.option) };
            if let Some(n) = sent {
                out.extend_from_slice(&n.to_bytes());
                messages += 1;
            }
            // Deliver part of what is in flight, in whole messages, as TCP
            // might: the rest stays in flight and crosses later messages.
            let k = usize::from(r.deliver % 4) * 3;
            if k > 0 {
                let take = k.min(to_b.len());
                let chunk: Vec<u8> = to_b.drain(..take).collect();
                messages += deliver(&mut b, &chunk, &mut to_a);
                let take = k.min(to_a.len());
                let chunk: Vec<u8> = to_a.drain(..take).collect();
                messages += deliver(&mut a, &chunk, &mut to_b);
            }
        }
        // Once requests stop, the exchange must end quickly.
        let mut rounds = 0;
        while !to_a.is_empty() || !to_b.is_empty() {
            rounds += 1;
            prop_assert!(rounds <= 8, "still negotiating after {} rounds", rounds);
            let chunk = std::mem::take(&mut to_b);
            messages += deliver(&mut b, &chunk, &mut to_a);
            let chunk = std::mem::take(&mut to_a);
            messages += deliver(&mut a, &chunk, &mut to_b);
        }
        // Each request causes at most a bounded exchange.
        prop_assert!(messages <= 4 * requests.len() + 4);
        for code in 0..8u8 {
            let o = TelnetOption(code);
            prop_assert_eq!(a.is_enabled(Side::Local, o), b.is_enabled(Side::Remote, o), "{} a->b", o);
            prop_assert_eq!(a.is_enabled(Side::Remote, o), b.is_enabled(Side::Local, o), "{} b->a", o);
            prop_assert!(!a.option_state(Side::Local, o).is_pending());
            prop_assert!(!a.option_state(Side::Remote, o).is_pending());
            prop_assert!(!b.option_state(Side::Local, o).is_pending());
            prop_assert!(!b.option_state(Side::Remote, o).is_pending());
        }
    }
}
