//! Inputs that made a fuzz target (fuzz/fuzz_targets) fail, kept as plain
//! tests so that the normal test suite replays them.
//!
//! The targets have not found a fault in the crate itself so far. The
//! inputs here are the ones they produced while their own checks were
//! being validated: each was found within two minutes against a copy of
//! the crate with one deliberate fault (named on each test), or made the
//! `negotiate` target fail before its expectations were corrected. Each
//! test states the behaviour that input pins down, and fails on the fault
//! it caught.

mod support;

use support::{check, data, owned, run, sb, Ev};
use telnet_proto::{
    Config, Event, Negotiation, Newline, Policy, Session, Side, TelnetOption, Verb,
};

const NAWS: TelnetOption = TelnetOption::NAWS;

/// `parse`, against a fast path that accepted a payload one byte over the
/// capacity when the whole subnegotiation came in one input: a payload of
/// `SB_CAP + 1` bytes is an overflow however it is cut, and `SB_CAP` bytes
/// are delivered.
#[test]
fn payload_one_over_capacity_overflows_in_one_input() {
    let over = b"\xff\xfa\x1f\x00\x50\x00\x18\x01\xff\xf0ok";
    check(
        Session::<4>::default,
        over,
        &[Ev::Overflow(NAWS, 5), data(b"ok")],
    );
    let exact = b"\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0ok";
    check(
        Session::<4>::default,
        exact,
        &[sb(NAWS, &[0, 0x50, 0, 0x18]), data(b"ok")],
    );
    // An empty capacity delivers only empty payloads.
    check(
        Session::<0>::default,
        b"\xff\xfa\x1f\xff\xf0\xff\xfa\x1f\x00\xff\xf0",
        &[sb(NAWS, &[]), Ev::Overflow(NAWS, 1)],
    );
}

/// `parse` (input `80 00 ff fb 00 ff fb 00 3f 3f`), against a table that
/// answered a request already in force: after our `DO BINARY` is accepted,
/// a second `WILL BINARY` is not answered (RFC 1143; answering it is how
/// two peers loop).
#[test]
fn repeated_will_after_our_request_is_not_answered() {
    let mut session: Session = Session::default();
    assert_eq!(
        session.enable(Side::Remote, TelnetOption::BINARY),
        Some(Negotiation::new(Verb::Do, TelnetOption::BINARY))
    );
    let will = Negotiation::new(Verb::Will, TelnetOption::BINARY);
    let got = run(&mut session, &[b"\xff\xfb\x00\xff\xfb\x00??"]);
    assert_eq!(
        got,
        [
            Ev::Neg(will),
            Ev::Changed(TelnetOption::BINARY, Side::Remote, true),
            Ev::Neg(will),
            data(b"??"),
        ]
    );
}

/// `split` (data `00 ff ff 0d` then `00`), against a parser that forgot a
/// CR at the end of an input in `Newline::Translate`: the CR is held until
/// the next byte decides, however the bytes are cut.
#[test]
fn translate_holds_a_final_cr_across_inputs() {
    let make = || Session::<1024>::new(Config::new().newline(Newline::Translate));
    check(make, b"\x00\xff\xff\r\x00", &[data(b"\x00\xff\r")]);
    check(make, b"a\r\nb\r\x00c\r\rd", &[data(b"a\nb\rc\r\rd")]);
    // Held at the very end, it comes out of `finish`.
    let mut session = make();
    assert_eq!(run(&mut session, &[b"x\r"]), [data(b"x")]);
    assert_eq!(session.finish(), Some(Event::Data(b"\r")));
}

/// `negotiate`, first version: A's application sent `DO ECHO` and
/// `DONT ECHO` by hand, without its session knowing, to a B that accepts
/// ECHO. Each end answers exactly as RFC 1143 says (B: `WILL ECHO`, then
/// `WONT ECHO`; A, which accepts the peer's ECHO: `DO ECHO`, then
/// `DONT ECHO`), so the pair circulates for as long as both keep accepting.
/// The target now expects this: RFC 1143 ends an exchange only when both
/// ends record what they send (use `Session::enable`, not
/// `encode::negotiation`).
#[test]
fn hand_sent_do_dont_pair_is_answered_by_the_rules() {
    let mut a: Session =
        Session::new(Config::new().policy(Policy::new().with_remote(TelnetOption::ECHO)));
    let mut b: Session =
        Session::new(Config::new().policy(Policy::new().with_local(TelnetOption::ECHO)));
    let mut to_b = b"\xff\xfd\x01\xff\xfe\x01".to_vec();
    for _round in 0..3 {
        let mut to_a = Vec::new();
        let mut feed = b.feed(&to_b);
        while let Some(event) = feed.poll_event() {
            if let Event::Negotiation { reply: Some(n), .. } = event {
                to_a.extend_from_slice(&n.to_bytes());
            }
        }
        assert_eq!(to_a, b"\xff\xfb\x01\xff\xfc\x01", "B: WILL ECHO, WONT ECHO");
        assert!(!b.is_enabled(Side::Local, TelnetOption::ECHO));

        to_b.clear();
        let mut feed = a.feed(&to_a);
        let mut events = Vec::new();
        while let Some(event) = feed.poll_event() {
            if let Event::Negotiation { reply: Some(n), .. } = event {
                to_b.extend_from_slice(&n.to_bytes());
            }
            events.extend(owned(event));
        }
        assert_eq!(to_b, b"\xff\xfd\x01\xff\xfe\x01", "A: DO ECHO, DONT ECHO");
        assert!(events.contains(&Ev::Changed(TelnetOption::ECHO, Side::Remote, true)));
        assert!(events.contains(&Ev::Changed(TelnetOption::ECHO, Side::Remote, false)));
        assert!(!a.is_enabled(Side::Remote, TelnetOption::ECHO));
    }
}
