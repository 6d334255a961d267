//! RFC 1143 option negotiation ("the Q method"): [`Policy`], [`Side`],
//! [`OptionState`] and the table behind [`Session`](crate::Session).
//!
//! One table holds, for each of the 256 options and for each side (ours,
//! "us", and the peer's, "him"), one of four states and a queue bit:
//!
//! ```notrust
//! NO       the option is off
//! YES      the option is on
//! WANTNO   we sent WONT/DONT and wait for the answer
//! WANTYES  we sent WILL/DO and wait for the answer
//! OPPOSITE (queue bit) once the answer comes, ask for the opposite
//! ```
//!
//! The same transitions serve both sides and both roles, so a client and a
//! server built on this crate share every line of negotiation code. The
//! rules that matter in practice (RFC 1143 section 7):
//!
//! * a request for what is already in force is never answered, so two
//!   peers cannot loop by acknowledging each other's acknowledgements;
//! * a refusal (`DONT`/`WONT`) is sent only to change a state, never for
//!   an option that is already off;
//! * a new request while one is pending sets the queue bit instead of
//!   sending a second request.

use crate::{Negotiation, TelnetOption, Verb};

/// Which end of the connection an option is enabled on.
///
/// Each option is negotiated separately for each direction: `WILL`/`WONT`
/// (ours) and `DO`/`DONT` (theirs) are about [`Side::Local`];
/// `DO`/`DONT` (ours) and `WILL`/`WONT` (theirs) are about [`Side::Remote`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Side {
    /// Our end ("us" in RFC 1143): what we do, negotiated by our `WILL` and
    /// their `DO`.
    Local,
    /// The peer's end ("him" in RFC 1143): what the peer does, negotiated
    /// by our `DO` and their `WILL`.
    Remote,
}

/// The RFC 1143 state of one side of one option.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum OptionState {
    /// Off.
    No,
    /// On.
    Yes,
    /// We asked to turn it off and wait for the answer. The `bool` is the
    /// queue bit: `true` when a request to turn it back on is queued.
    WantNo(bool),
    /// We asked to turn it on and wait for the answer. The `bool` is the
    /// queue bit: `true` when a request to turn it off again is queued.
    WantYes(bool),
}

impl OptionState {
    /// Whether the option is on (`YES`). An option whose disabling is
    /// pending counts as off: we stopped using it when we asked.
    pub const fn is_enabled(self) -> bool {
        matches!(self, OptionState::Yes)
    }

    /// Whether a request of ours is waiting for the peer's answer.
    pub const fn is_pending(self) -> bool {
        matches!(self, OptionState::WantNo(_) | OptionState::WantYes(_))
    }

    const fn to_bits(self) -> u8 {
        match self {
            OptionState::No => 0,
            OptionState::Yes => 1,
            OptionState::WantNo(q) => 2 | ((q as u8) << 2),
            OptionState::WantYes(q) => 3 | ((q as u8) << 2),
        }
    }

    const fn from_bits(bits: u8) -> OptionState {
        let queued = bits & 4 != 0;
        match bits & 3 {
            0 => OptionState::No,
            1 => OptionState::Yes,
            2 => OptionState::WantNo(queued),
            _ => OptionState::WantYes(queued),
        }
    }
}

/// Which options we agree to when the peer asks.
///
/// Two sets of 256 bits: options we will enable on our side when the peer
/// sends `DO`, and options we let the peer enable on its side when it sends
/// `WILL`. The default allows nothing, as Python's telnetlib did: every
/// `DO x` is answered `WONT x` and every `WILL x` is answered `DONT x`
/// (but an option that is already off is never refused again).
///
/// ```
/// use telnet_proto::{Policy, TelnetOption};
///
/// let policy = Policy::new()
///     .with_local(TelnetOption::NAWS)
///     .with_local(TelnetOption::TTYPE)
///     .with_remote(TelnetOption::ECHO)
///     .with_remote(TelnetOption::SGA);
/// assert!(policy.allows_local(TelnetOption::NAWS));
/// assert!(!policy.allows_remote(TelnetOption::NAWS));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Policy {
    /// Bit sets of allowed options: `[Side::Local, Side::Remote]`.
    sides: [[u64; 4]; 2],
}

impl Policy {
    /// A policy that allows nothing.
    pub const fn new() -> Self {
        Policy { sides: [[0; 4]; 2] }
    }

    /// Whether we enable `option` on our side when the peer sends `DO`.
    pub const fn allows_local(&self, option: TelnetOption) -> bool {
        get_bit(&self.sides[0], option.0)
    }

    /// Whether we let the peer enable `option` on its side when it sends `WILL`.
    pub const fn allows_remote(&self, option: TelnetOption) -> bool {
        get_bit(&self.sides[1], option.0)
    }

    /// Whether `option` is allowed on `side`.
    pub const fn allows(&self, side: Side, option: TelnetOption) -> bool {
        get_bit(&self.sides[side as usize], option.0)
    }

    /// Allow or refuse `option` on `side`.
    pub fn set(&mut self, side: Side, option: TelnetOption, allowed: bool) {
        let word = &mut self.sides[side as usize][usize::from(option.0 >> 6)];
        let mask = 1u64 << (option.0 & 63);
        if allowed {
            *word |= mask;
        } else {
            *word &= !mask;
        }
    }

    /// This policy, also allowing `option` on our side.
    #[must_use]
    pub fn with_local(mut self, option: TelnetOption) -> Self {
        self.set(Side::Local, option, true);
        self
    }

    /// This policy, also allowing the peer to enable `option` on its side.
    #[must_use]
    pub fn with_remote(mut self, option: TelnetOption) -> Self {
        self.set(Side::Remote, option, true);
        self
    }
}

impl core::fmt::Debug for Policy {
    /// The allowed options of each side, e.g.
    /// `Policy { local: [NAWS(31)], remote: [ECHO(1), SGA(3)] }`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        /// The options allowed on one side, as a list.
        struct Allowed<'a>(&'a Policy, Side);
        impl core::fmt::Debug for Allowed<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let Allowed(policy, side) = *self;
                f.debug_list()
                    .entries(
                        (0..=u8::MAX)
                            .map(TelnetOption)
                            .filter(|&option| policy.allows(side, option)),
                    )
                    .finish()
            }
        }
        f.debug_struct("Policy")
            .field("local", &Allowed(self, Side::Local))
            .field("remote", &Allowed(self, Side::Remote))
            .finish()
    }
}

const fn get_bit(bits: &[u64; 4], code: u8) -> bool {
    bits[(code >> 6) as usize] & (1u64 << (code & 63)) != 0
}

/// The answer a received negotiation calls for.
#[derive(Clone, Copy)]
enum Reply {
    /// Nothing is sent.
    None,
    /// The acceptance: `WILL` about our side, `DO` about the peer's.
    Yes,
    /// The refusal: `WONT` about our side, `DONT` about the peer's.
    No,
}

/// RFC 1143 section 7: what a received request to enable (`WILL`/`DO`) or
/// disable (`WONT`/`DONT`) one side of an option does, in each state, when
/// the policy allows the option or not.
const fn transition(before: OptionState, enable: bool, allowed: bool) -> (OptionState, Reply) {
    if enable {
        match before {
            OptionState::No if allowed => (OptionState::Yes, Reply::Yes),
            OptionState::No => (OptionState::No, Reply::No),
            OptionState::Yes => (OptionState::Yes, Reply::None),
            // The peer answered our refusal with an acceptance: RFC 1143
            // calls it an error and takes the option as off ...
            OptionState::WantNo(false) => (OptionState::No, Reply::None),
            // ... or, with a re-enable queued, as on.
            OptionState::WantNo(true) => (OptionState::Yes, Reply::None),
            OptionState::WantYes(false) => (OptionState::Yes, Reply::None),
            OptionState::WantYes(true) => (OptionState::WantNo(false), Reply::No),
        }
    } else {
        match before {
            OptionState::No => (OptionState::No, Reply::None),
            OptionState::Yes => (OptionState::No, Reply::No),
            OptionState::WantNo(false) => (OptionState::No, Reply::None),
            OptionState::WantNo(true) => (OptionState::WantYes(false), Reply::Yes),
            OptionState::WantYes(_) => (OptionState::No, Reply::None),
        }
    }
}

const REPLY_MASK: u8 = 0b11 << 3;
const REPLY_YES: u8 = 1 << 3;
const REPLY_NO: u8 = 2 << 3;
/// Set when the side turned off.
const CHANGED_OFF: u8 = 1 << 5;
/// Set when the side turned on.
const CHANGED_ON: u8 = 2 << 5;
/// Set when the state (with its queue bit) is not what it was.
const STATE_CHANGED: u8 = 1 << 7;

/// The `changed` of an [`Outcome`], indexed by `(entry >> 5) & 3`.
const CHANGED: [Option<bool>; 4] = [None, Some(false), Some(true), None];

/// The verb of a reply, indexed by its kind (`REPLY_* >> 3`) and
/// `remote << 2`: the acceptance and refusal are `WILL`/`WONT` about our
/// side and `DO`/`DONT` about the peer's.
const REPLY_VERB: [Option<Verb>; 8] = [
    None,
    Some(Verb::Will),
    Some(Verb::Wont),
    None,
    None,
    Some(Verb::Do),
    Some(Verb::Dont),
    None,
];

/// [`REPLY_VERB`] as wire bytes, 0 for none.
const REPLY_BYTE: [u8; 8] = {
    let mut bytes = [0; 8];
    let mut index = 0;
    while index < 8 {
        if let Some(verb) = REPLY_VERB[index] {
            bytes[index] = verb as u8;
        }
        index += 1;
    }
    bytes
};

/// [`transition`] for every case, so that a received negotiation costs one
/// lookup instead of a chain of branches. Indexed by a side's nibble of a
/// [`Table`] byte (the state's bits, `OptionState::to_bits`, and `allowed
/// << 3`) and `enable << 4`; each entry
/// holds the new state's bits (bits 0-2), the [`Reply`] (`REPLY_*`),
/// `CHANGED_ON` or `CHANGED_OFF` when the side turned on or off, and
/// `STATE_CHANGED` when the state moved at all.
const RECEIVE: [u8; 32] = {
    let mut table = [0; 32];
    let mut index = 0;
    while index < 32 {
        let before = OptionState::from_bits(index as u8 & STATE);
        let (after, reply) = transition(before, index & 16 != 0, index & 8 != 0);
        let reply = match reply {
            Reply::None => 0,
            Reply::Yes => REPLY_YES,
            Reply::No => REPLY_NO,
        };
        let changed = match (before.is_enabled(), after.is_enabled()) {
            (false, true) => CHANGED_ON,
            (true, false) => CHANGED_OFF,
            _ => 0,
        };
        let moved = if after.to_bits() == before.to_bits() {
            0
        } else {
            STATE_CHANGED
        };
        table[index] = after.to_bits() | reply | changed | moved;
        index += 1;
    }
    table
};

/// [`QUIET`]'s entry for a negotiation that moves the state.
const NOTABLE: u8 = 1;

/// [`RECEIVE`] for [`Table::receive_quietly`], one lookup from what is at
/// hand: indexed by the verb (`WILL`, `WONT`, `DO`, `DONT` as 0 to 3) times
/// 256 and the option's [`Table`] byte (both sides' states and policy
/// bits). An entry is the reply's verb byte (0 for none) when the state
/// stays as it is, else [`NOTABLE`].
const QUIET: [u8; 1024] = {
    let mut table = [0; 1024];
    let mut index = 0;
    while index < 1024 {
        let v = index >> 8;
        let remote = (v >> 1) ^ 1;
        let enable = (v & 1) ^ 1;
        let nibble = ((index & 0xff) >> (remote * 4)) & 0x0f;
        let entry = RECEIVE[nibble | enable << 4];
        table[index] = if entry & STATE_CHANGED != 0 {
            NOTABLE
        } else {
            REPLY_BYTE[((entry & REPLY_MASK) >> 3) as usize | remote << 2]
        };
        index += 1;
    }
    table
};

/// What a received negotiation did to the table.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Outcome {
    /// A negotiation to send back, if any.
    pub(crate) reply: Option<Negotiation>,
    /// The new enabled-ness of the side concerned, if it changed.
    pub(crate) changed: Option<bool>,
}

/// A side's state bits in its nibble of a [`Table`] byte.
const STATE: u8 = 0b0111;
/// A side's policy bit in its nibble of a [`Table`] byte.
const ALLOWED: u8 = 0b1000;

/// The 256 × 2 RFC 1143 table, one byte per option: the low nibble our
/// side, the high nibble the peer's. In each, bits 0-2 are the state
/// (`OptionState::to_bits`) and bit 3 whether the policy allows the side:
/// a copy of the session's [`Policy`] ([`set_policy`](Table::set_policy)),
/// kept here so that one byte holds all a received negotiation depends on.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Table {
    states: [u8; 256],
}

impl Default for Table {
    fn default() -> Self {
        Table { states: [0; 256] }
    }
}

impl Table {
    pub(crate) fn get(&self, side: Side, option: TelnetOption) -> OptionState {
        let byte = self.states[usize::from(option.0)];
        OptionState::from_bits((byte >> (side as u8 * 4)) & STATE)
    }

    pub(crate) fn set(&mut self, side: Side, option: TelnetOption, state: OptionState) {
        let byte = &mut self.states[usize::from(option.0)];
        let shift = side as u8 * 4;
        *byte = (*byte & !(STATE << shift)) | (state.to_bits() << shift);
    }

    /// Copies `policy` into the table's policy bits.
    pub(crate) fn set_policy(&mut self, policy: &Policy) {
        for (code, byte) in (0..=u8::MAX).zip(&mut self.states) {
            let option = TelnetOption(code);
            *byte = (*byte & (STATE | STATE << 4))
                | if policy.allows_local(option) {
                    ALLOWED
                } else {
                    0
                }
                | if policy.allows_remote(option) {
                    ALLOWED << 4
                } else {
                    0
                };
        }
    }

    /// Sets the policy bit of `side` of `option` (as [`Policy::set`]).
    pub(crate) fn allow(&mut self, side: Side, option: TelnetOption, allowed: bool) {
        let byte = &mut self.states[usize::from(option.0)];
        let bit = ALLOWED << (side as u8 * 4);
        *byte = if allowed { *byte | bit } else { *byte & !bit };
    }

    #[inline]
    pub(crate) fn is_enabled(&self, side: Side, option: TelnetOption) -> bool {
        self.get(side, option).is_enabled()
    }

    /// Handle a received `WILL`/`WONT` (about the peer's side) or
    /// `DO`/`DONT` (about ours), following RFC 1143 section 7.
    #[inline]
    pub(crate) fn receive(&mut self, received: Negotiation) -> Outcome {
        let option = received.option;
        // RFC 860: a timing mark is answered, never remembered as a state.
        if option == TelnetOption::TIMING_MARK {
            return self.timing_mark(received.verb);
        }
        let (entry, remote) = self.apply(received.verb, option.0);
        let kind = usize::from((entry & REPLY_MASK) >> 3) | remote << 2;
        Outcome {
            reply: REPLY_VERB[kind].map(|verb| Negotiation::new(verb, option)),
            changed: CHANGED[usize::from((entry >> 5) & 3)],
        }
    }

    /// [`receive`](Self::receive) for the copying drive loop.
    ///
    /// A negotiation the application need not hear of comes back as its
    /// reply's verb byte alone (0 for none), cheap to write out. One it
    /// must hear of comes back as its whole [`Outcome`]: the side's state
    /// moved (turned on or off, or a request of ours was answered), or it
    /// is about TIMING-MARK, whose answers are the point of asking.
    #[inline]
    pub(crate) fn receive_quietly(&mut self, verb: Verb, code: u8) -> Result<u8, Outcome> {
        let option = TelnetOption(code);
        // RFC 860: a timing mark is answered, never remembered as a state.
        if option == TelnetOption::TIMING_MARK {
            return Err(self.timing_mark(verb));
        }
        let v = usize::from(verb as u8 - Verb::Will as u8);
        match QUIET[v << 8 | usize::from(self.states[usize::from(code)])] {
            NOTABLE => Err(self.receive(Negotiation::new(verb, option))),
            // The state stays as it is: nothing to write back.
            reply => Ok(reply),
        }
    }

    /// Applies a received negotiation to the table: returns the
    /// [`RECEIVE`] entry and whether it was about the peer's side.
    ///
    /// Written without branches on the verb or the states: in a stream of
    /// negotiations they are unpredictable, and a mispredicted branch
    /// costs more than the whole lookup.
    #[inline(always)]
    fn apply(&mut self, verb: Verb, code: u8) -> (u8, usize) {
        // WILL, WONT, DO, DONT are 251 to 254: bit 1 of `v` tells DO/DONT
        // (our side) from WILL/WONT (the peer's), bit 0 the disabling verbs.
        let v = verb as u8 - Verb::Will as u8;
        let remote = usize::from((v >> 1) ^ 1);
        let enable = usize::from((v & 1) ^ 1);
        let code = usize::from(code);
        let shift = remote * 4;
        let byte = self.states[code];
        let entry = RECEIVE[usize::from(byte >> shift) & 0x0f | enable << 4];
        self.states[code] = (byte & !(STATE << shift)) | ((entry & STATE) << shift);
        (entry, remote)
    }

    /// A received negotiation about TIMING-MARK (RFC 860): `DO` is
    /// answered `WILL` when the policy allows it on our side, else `WONT`;
    /// nothing else is answered, and nothing is recorded.
    #[cold]
    fn timing_mark(&self, verb: Verb) -> Outcome {
        let option = TelnetOption::TIMING_MARK;
        let reply = match verb {
            Verb::Do if self.states[usize::from(option.0)] & ALLOWED != 0 => Some(Verb::Will),
            Verb::Do => Some(Verb::Wont),
            _ => None,
        };
        Outcome {
            reply: reply.map(|verb| Negotiation::new(verb, option)),
            changed: None,
        }
    }

    /// Our own request to enable or disable `side` of `option`, following
    /// RFC 1143 section 7. Returns what to send, if anything.
    pub(crate) fn request(
        &mut self,
        side: Side,
        option: TelnetOption,
        enable: bool,
    ) -> Option<Negotiation> {
        // RFC 860: asking for a timing mark is `DO TIMING-MARK`, answered
        // `WILL` or `WONT`, and never changes a state. There is nothing to
        // ask of our own side.
        if option == TelnetOption::TIMING_MARK {
            return (side == Side::Remote && enable).then_some(Negotiation::new(Verb::Do, option));
        }
        let (yes, no) = match side {
            Side::Local => (Verb::Will, Verb::Wont),
            Side::Remote => (Verb::Do, Verb::Dont),
        };
        let before = self.get(side, option);
        let (after, send) = if enable {
            match before {
                OptionState::No => (OptionState::WantYes(false), Some(yes)),
                OptionState::Yes => (OptionState::Yes, None),
                OptionState::WantNo(_) => (OptionState::WantNo(true), None),
                OptionState::WantYes(_) => (OptionState::WantYes(false), None),
            }
        } else {
            match before {
                OptionState::No => (OptionState::No, None),
                OptionState::Yes => (OptionState::WantNo(false), Some(no)),
                OptionState::WantNo(_) => (OptionState::WantNo(false), None),
                OptionState::WantYes(_) => (OptionState::WantYes(true), None),
            }
        };
        self.set(side, option, after);
        send.map(|verb| Negotiation::new(verb, option))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_bits_round_trip() {
        for state in [
            OptionState::No,
            OptionState::Yes,
            OptionState::WantNo(false),
            OptionState::WantNo(true),
            OptionState::WantYes(false),
            OptionState::WantYes(true),
        ] {
            let mut table = Table::default();
            table.set(Side::Remote, TelnetOption::ECHO, state);
            table.set(Side::Local, TelnetOption::ECHO, OptionState::WantYes(true));
            assert_eq!(table.get(Side::Remote, TelnetOption::ECHO), state);
            assert_eq!(
                table.get(Side::Local, TelnetOption::ECHO),
                OptionState::WantYes(true)
            );
        }
    }

    #[test]
    fn policy_bits_cover_all_codes() {
        for code in 0..=255u8 {
            let policy = Policy::new().with_remote(TelnetOption(code));
            for other in 0..=255u8 {
                assert_eq!(policy.allows_remote(TelnetOption(other)), other == code);
                assert!(!policy.allows_local(TelnetOption(other)));
            }
        }
    }
}
