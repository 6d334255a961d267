//! A reference RFC 1143 ("Q method") table for received negotiations,
//! written from section 7 of the RFC, to compare the session's answers
//! against.

use telnet_proto::{Negotiation, OptionState, Policy, Session, Side, TelnetOption};

use crate::{received_side, verb_for};

/// What a received negotiation should cause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The reply to send, if any.
    pub reply: Option<Negotiation>,
    /// `Some(now_on)` if the side's enabled-ness changed.
    pub changed: Option<bool>,
}

/// Both sides of all 256 options.
#[derive(Clone, Debug)]
pub struct RefTable {
    local: [OptionState; 256],
    remote: [OptionState; 256],
}

impl Default for RefTable {
    fn default() -> Self {
        RefTable {
            local: [OptionState::No; 256],
            remote: [OptionState::No; 256],
        }
    }
}

impl RefTable {
    /// A copy of a session's table.
    pub fn of<const CAP: usize>(session: &Session<CAP>) -> RefTable {
        let mut table = RefTable::default();
        for code in 0..=255u8 {
            let option = TelnetOption(code);
            table.local[usize::from(code)] = session.option_state(Side::Local, option);
            table.remote[usize::from(code)] = session.option_state(Side::Remote, option);
        }
        table
    }

    /// The state of one side of one option.
    pub fn get(&self, side: Side, option: TelnetOption) -> OptionState {
        match side {
            Side::Local => self.local[usize::from(option.0)],
            Side::Remote => self.remote[usize::from(option.0)],
        }
    }

    fn set(&mut self, side: Side, option: TelnetOption, state: OptionState) {
        match side {
            Side::Local => self.local[usize::from(option.0)] = state,
            Side::Remote => self.remote[usize::from(option.0)] = state,
        }
    }

    /// Asserts that `session` is in exactly these states.
    pub fn assert_matches<const CAP: usize>(&self, session: &Session<CAP>, who: &str) {
        for code in 0..=255u8 {
            let option = TelnetOption(code);
            for side in [Side::Local, Side::Remote] {
                assert_eq!(
                    session.option_state(side, option),
                    self.get(side, option),
                    "{who}: {side:?} {option} differs from RFC 1143"
                );
            }
        }
    }

    /// A negotiation received in automatic mode under `policy`.
    pub fn receive(&mut self, received: Negotiation, policy: &Policy) -> Expected {
        let option = received.option;
        let (side, on) = received_side(received.verb);
        let yes = Negotiation::new(verb_for(side, true), option);
        let no = Negotiation::new(verb_for(side, false), option);
        // RFC 860 as the crate documents it: DO TIMING-MARK is answered WILL
        // (if allowed) or WONT, and nothing is recorded.
        if option == TelnetOption::TIMING_MARK {
            let reply = match (side, on) {
                (Side::Local, true) if policy.allows(side, option) => Some(yes),
                (Side::Local, true) => Some(no),
                _ => None,
            };
            return Expected {
                reply,
                changed: None,
            };
        }
        use OptionState::*;
        let before = self.get(side, option);
        // RFC 1143 section 7, "Upon receipt of WILL/DO" and "of WONT/DONT".
        let (after, reply) = match (on, before) {
            (true, No) => {
                if policy.allows(side, option) {
                    (Yes, Some(yes))
                } else {
                    (No, Some(no))
                }
            }
            (true, Yes) => (Yes, None),
            (true, WantNo(false)) => (No, None), // error: DONT answered by WILL
            (true, WantNo(true)) => (Yes, None), // error: DONT answered by WILL
            (true, WantYes(false)) => (Yes, None),
            (true, WantYes(true)) => (WantNo(false), Some(no)),
            (false, No) => (No, None),
            (false, Yes) => (No, Some(no)),
            (false, WantNo(false)) => (No, None),
            (false, WantNo(true)) => (WantYes(false), Some(yes)),
            (false, WantYes(_)) => (No, None),
        };
        // The rules that keep two peers from looping, stated on their own.
        if on && before == Yes || !on && before == No {
            assert!(
                reply.is_none(),
                "reference answers a request already in force"
            );
        }
        self.set(side, option, after);
        let changed = (before.is_enabled() != after.is_enabled()).then_some(after.is_enabled());
        Expected { reply, changed }
    }
}
