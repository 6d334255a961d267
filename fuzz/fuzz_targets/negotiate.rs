//! `negotiate`: two sessions wired back to back, driven by an arbitrary
//! sequence of operations: policy changes, enable and disable requests,
//! switches between automatic and manual negotiation, manual answers, and
//! deliveries of any number of the bytes in flight each way (so sequences
//! arrive cut anywhere, and the two directions interleave as TCP allows).
//!
//! Checked, on every delivery: each received negotiation is answered as
//! RFC 1143 section 7 says (compared with a reference table), in
//! particular never for a request already in force; the session's table
//! equals the reference; manual mode sends and records nothing by itself.
//! Once the operations stop, all queued manual negotiations are answered
//! and the bytes in flight are delivered until both directions are empty:
//! this must happen within a bounded number of messages (no loop), and then
//! no request is left pending and both sides agree on every option: A's
//! local state is B's remote state and the other way round. Those three
//! promises of RFC 1143 hold only while both ends record what they send;
//! after a negotiation sent by hand (`Op::Raw`) only the answers are
//! checked.
#![no_main]

use std::collections::VecDeque;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use telnet_fuzz::qmethod::RefTable;
use telnet_fuzz::{feed_all, received_side, settled, verb_for, Owned};
use telnet_proto::{
    Config, Event, Negotiation, OptionState, Policy, Session, Side, TelnetOption, Verb,
};

/// The options the operations pick from: few, so that requests collide.
/// TIMING-MARK has no state; 255 is the escaped option code.
const OPTIONS: [TelnetOption; 8] = [
    TelnetOption::BINARY,
    TelnetOption::ECHO,
    TelnetOption::SGA,
    TelnetOption::TIMING_MARK,
    TelnetOption::TTYPE,
    TelnetOption::NAWS,
    TelnetOption::GMCP,
    TelnetOption(255),
];

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Opt(u8);

impl Opt {
    fn get(self) -> TelnetOption {
        OPTIONS[usize::from(self.0) % OPTIONS.len()]
    }
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum Peer {
    A,
    B,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    /// `enable(side, option)`; `local` chooses the side.
    Enable {
        peer: Peer,
        local: bool,
        option: Opt,
    },
    /// `disable(side, option)`.
    Disable {
        peer: Peer,
        local: bool,
        option: Opt,
    },
    /// `policy_mut().set(side, option, allow)`.
    Allow {
        peer: Peer,
        local: bool,
        option: Opt,
        allow: bool,
    },
    /// Switch between manual and automatic negotiation. Leaving manual mode
    /// first answers what is still queued, as an application's callback
    /// would have.
    Manual { peer: Peer, manual: bool },
    /// Deliver up to `max` bytes (at least one) of what `from` sent.
    Deliver { from: Peer, max: u8 },
    /// The application of a manual-mode peer answers the oldest
    /// negotiation it has not answered yet, accepting or refusing it.
    Answer { peer: Peer, accept: bool },
    /// The application sends a negotiation by hand, bypassing the table
    /// (as a telnetlib-style peer does, or a misbehaving one): the other
    /// end must still answer exactly as RFC 1143 says, which is how a
    /// request already in force reaches a table. After this the exchange
    /// need not end nor the ends agree (see the final phase).
    Raw { peer: Peer, verb: u8, option: Opt },
}

#[derive(Arbitrary, Debug)]
struct Input {
    policy_a: [u8; 2],
    policy_b: [u8; 2],
    manual_a: bool,
    manual_b: bool,
    ops: Vec<Op>,
}

struct End {
    name: &'static str,
    session: Session,
    /// Bytes sent to the other end and not delivered yet.
    outbox: Vec<u8>,
    /// Received negotiations a manual-mode application has not answered.
    queue: VecDeque<Negotiation>,
}

fn policy(bits: [u8; 2]) -> Policy {
    let mut policy = Policy::new();
    for (i, option) in OPTIONS.iter().enumerate() {
        policy.set(Side::Local, *option, bits[i / 4] & (1 << (i % 4)) != 0);
        policy.set(Side::Remote, *option, bits[i / 4] & (0x10 << (i % 4)) != 0);
    }
    policy
}

fn side(local: bool) -> Side {
    if local {
        Side::Local
    } else {
        Side::Remote
    }
}

impl End {
    fn new(name: &'static str, policy: Policy, manual: bool) -> End {
        End {
            name,
            session: Session::new(Config::new().policy(policy).manual_negotiation(manual)),
            outbox: Vec::new(),
            queue: VecDeque::new(),
        }
    }

    fn send(&mut self, n: Option<Negotiation>) {
        if let Some(n) = n {
            self.outbox.extend_from_slice(&n.to_bytes());
        }
    }

    /// Receives `bytes`; returns how many negotiations it sent in answer.
    fn receive(&mut self, bytes: &[u8]) -> usize {
        let manual = self.session.is_manual_negotiation();
        let mut reference = RefTable::of(&self.session);
        let policy = *self.session.policy();
        let mut events = Vec::new();
        feed_all(&mut self.session, bytes, |event: &Event<'_, '_>, _| {
            events.push(Owned::from_event(event));
        });
        let mut expected = Vec::new();
        let mut sent = 0;
        for event in &events {
            match *event {
                Owned::Negotiation {
                    received: n, reply, ..
                } => {
                    if manual {
                        expected.push(Owned::Negotiation {
                            received: n,
                            reply: None,
                            changed: None,
                        });
                        self.queue.push_back(n);
                        continue;
                    }
                    let (side, _) = received_side(n.verb);
                    let before = reference.get(side, n.option);
                    let outcome = reference.receive(n, &policy);
                    expected.push(Owned::Negotiation {
                        received: n,
                        reply: outcome.reply,
                        changed: outcome.changed,
                    });
                    // What the session decided is sent (checked against
                    // the reference below).
                    if let Some(reply) = reply {
                        self.outbox.extend_from_slice(&reply.to_bytes());
                        sent += 1;
                    }
                    let in_force = before == OptionState::Yes
                        && matches!(n.verb, Verb::Will | Verb::Do)
                        || before == OptionState::No && matches!(n.verb, Verb::Wont | Verb::Dont);
                    if in_force && n.option != TelnetOption::TIMING_MARK {
                        assert!(
                            outcome.reply.is_none(),
                            "{}: reference would answer {n} in force",
                            self.name
                        );
                    }
                }
                ref other => panic!(
                    "{}: unexpected event {other:?} from negotiations only",
                    self.name
                ),
            }
        }
        assert_eq!(
            events, expected,
            "{}: events (left) differ from RFC 1143 (manual: {manual})",
            self.name
        );
        reference.assert_matches(&self.session, self.name);
        sent
    }

    /// A careful application in manual mode answers `n`: the Q method by
    /// hand, through `set_option_state`, `enable` and `disable`, with its
    /// own decision whether to accept. Returns whether it sent something.
    fn answer(&mut self, n: Negotiation, accept: bool) -> bool {
        let s = &mut self.session;
        let option = n.option;
        let (side, on) = received_side(n.verb);
        let yes = Negotiation::new(verb_for(side, true), option);
        let no = Negotiation::new(verb_for(side, false), option);
        let reply = if option == TelnetOption::TIMING_MARK {
            (side == Side::Local && on).then_some(if accept { yes } else { no })
        } else {
            use OptionState::*;
            match (on, s.option_state(side, option)) {
                (true, No) => {
                    s.set_option_state(side, option, accept);
                    Some(if accept { yes } else { no })
                }
                (true, Yes) | (false, No) => None,
                (true, WantNo(queued)) => {
                    s.set_option_state(side, option, queued);
                    None
                }
                (true, WantYes(false)) => {
                    s.set_option_state(side, option, true);
                    None
                }
                (true, WantYes(true)) => {
                    s.set_option_state(side, option, true);
                    s.disable(side, option)
                }
                (false, Yes) => {
                    s.set_option_state(side, option, false);
                    Some(no)
                }
                (false, WantNo(true)) => {
                    s.set_option_state(side, option, false);
                    s.enable(side, option)
                }
                (false, WantNo(false) | WantYes(_)) => {
                    s.set_option_state(side, option, false);
                    None
                }
            }
        };
        let sent = reply.is_some();
        self.send(reply);
        sent
    }

    /// Answers every queued negotiation as the policy says.
    fn answer_all(&mut self) -> usize {
        let mut sent = 0;
        while let Some(n) = self.queue.pop_front() {
            let (side, _) = received_side(n.verb);
            let accept = self.session.policy().allows(side, n.option);
            sent += usize::from(self.answer(n, accept));
        }
        sent
    }
}

/// Moves up to `max` bytes from `from`'s outbox to `to`.
fn deliver(from: &mut End, to: &mut End, max: usize) -> usize {
    let n = max.min(from.outbox.len());
    let bytes: Vec<u8> = from.outbox.drain(..n).collect();
    to.receive(&bytes)
}

fuzz_target!(|input: Input| {
    let mut a = End::new("A", policy(input.policy_a), input.manual_a);
    let mut b = End::new("B", policy(input.policy_b), input.manual_b);
    let mut raw = false;
    for op in &input.ops {
        match *op {
            Op::Enable {
                peer,
                local,
                option,
            } => {
                let end = if peer == Peer::A { &mut a } else { &mut b };
                let n = end.session.enable(side(local), option.get());
                end.send(n);
            }
            Op::Disable {
                peer,
                local,
                option,
            } => {
                let end = if peer == Peer::A { &mut a } else { &mut b };
                let n = end.session.disable(side(local), option.get());
                end.send(n);
            }
            Op::Allow {
                peer,
                local,
                option,
                allow,
            } => {
                let end = if peer == Peer::A { &mut a } else { &mut b };
                end.session
                    .policy_mut()
                    .set(side(local), option.get(), allow);
            }
            Op::Manual { peer, manual } => {
                let end = if peer == Peer::A { &mut a } else { &mut b };
                if !manual {
                    end.answer_all();
                }
                end.session.set_manual_negotiation(manual);
            }
            Op::Deliver { from, max } => {
                let max = usize::from(max).max(1);
                if from == Peer::A {
                    deliver(&mut a, &mut b, max);
                } else {
                    deliver(&mut b, &mut a, max);
                }
            }
            Op::Answer { peer, accept } => {
                let end = if peer == Peer::A { &mut a } else { &mut b };
                if let Some(n) = end.queue.pop_front() {
                    end.answer(n, accept);
                }
            }
            Op::Raw { peer, verb, option } => {
                let end = if peer == Peer::A { &mut a } else { &mut b };
                let verb = [Verb::Will, Verb::Wont, Verb::Do, Verb::Dont][usize::from(verb % 4)];
                end.send(Some(Negotiation::new(verb, option.get())));
                raw = true;
            }
        }
    }

    // Quiet down. Every message in flight or waiting for an answer can
    // cause a bounded chain of answers (an answer that meets a queued
    // opposite request starts one new request, whose answer ends it).
    let pending = (a.outbox.len() + b.outbox.len()) / 3 + a.queue.len() + b.queue.len();
    let bound = 4 * pending + 4;
    let mut messages = 0;
    let mut rounds = 0;
    loop {
        messages += a.answer_all() + b.answer_all();
        if a.outbox.is_empty() && b.outbox.is_empty() {
            break;
        }
        messages += deliver(&mut a, &mut b, usize::MAX);
        messages += deliver(&mut b, &mut a, usize::MAX);
        rounds += 1;
        if raw {
            // RFC 1143 guarantees an end only when both ends record what
            // they send. A hand-sent `DO x`, `DONT x` pair between two
            // accepting ends circulates for ever (each end accepts, then
            // drops, as the RFC says it must), so after hand-made
            // negotiations only the answers themselves are checked (on
            // every delivery), not that the exchange ends.
            if rounds == 16 {
                return;
            }
            continue;
        }
        assert!(
            messages <= bound,
            "{messages} messages after the operations stopped, with {pending} pending: a loop"
        );
    }
    assert!(a.queue.is_empty() && b.queue.is_empty());
    if raw {
        // A hand-made negotiation can leave the two tables in states that
        // RFC 1143 cannot reconcile (it assumes both ends follow it).
        return;
    }

    for code in 0..=255u8 {
        let option = TelnetOption(code);
        for (x, y) in [(&a, &b), (&b, &a)] {
            let local = x.session.option_state(Side::Local, option);
            let remote = y.session.option_state(Side::Remote, option);
            assert!(
                settled(local) && settled(remote),
                "quiet, but {option} still pending: {} local {local:?}, {} remote {remote:?}",
                x.name,
                y.name
            );
            assert_eq!(
                local.is_enabled(),
                remote.is_enabled(),
                "{} local {option} is {local:?} but {} remote is {remote:?}",
                x.name,
                y.name
            );
        }
    }
});
