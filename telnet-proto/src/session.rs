//! The session: parser, negotiation table and encoder state in one value.

mod find;
mod read;
pub use read::{NotableNegotiation, Read};

use crate::consts::{CR, IAC, LF, NUL, SB, SE};
use crate::encode::{self, BufferTooSmall};
use crate::negotiation::{Outcome, Table};
use crate::{Command, Negotiation, OptionState, Policy, Side, TelnetOption, Verb};

/// The default capacity of the subnegotiation buffer, in bytes of unescaped
/// payload: 1024.
///
/// Enough for every standard option (NAWS needs 4, a TTYPE or NEW-ENVIRON
/// answer rarely 100) and for typical GMCP and MSDP messages, while keeping
/// a session small enough to hold thousands at once or to live on a
/// microcontroller's stack. Choose another size with the const parameter:
/// `Session::<8192>::new(config)`.
pub const DEFAULT_SUBNEGOTIATION_CAPACITY: usize = 1024;

/// What the parser does with NVT end-of-line sequences in received data
/// (RFC 854: CR LF is a newline, CR NUL is a bare carriage return).
///
/// Whatever the mode, a direction in which BINARY (RFC 856) is enabled is
/// delivered raw: once the peer has `WILL BINARY` accepted, its CR and NUL
/// bytes are ordinary data.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum Newline {
    /// The default. CR NUL is delivered as CR alone; CR LF and everything
    /// else as received. A CR at the end of an input is held back until the
    /// next byte shows whether a NUL follows.
    #[default]
    Nvt,
    /// CR LF is delivered as `\n`, CR NUL as `\r`; everything else as
    /// received. A CR at the end of an input is held back until the next
    /// byte decides. This is what libtelnet and Twisted deliver.
    Translate,
    /// No end-of-line processing at all: CR NUL stays CR NUL.
    Raw,
}

/// How a [`Session`] behaves: newline handling, option policy and who
/// answers negotiations.
///
/// ```
/// use telnet_proto::{Config, Newline, Policy, TelnetOption};
///
/// let config = Config::new()
///     .newline(Newline::Translate)
///     .policy(Policy::new().with_local(TelnetOption::NAWS));
/// assert_eq!(config.newline, Newline::Translate);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
#[non_exhaustive]
pub struct Config {
    /// End-of-line handling of received data; default [`Newline::Nvt`].
    pub newline: Newline,
    /// Which options we agree to; default [`Policy::new`], which refuses all.
    pub policy: Policy,
    /// When `true`, received negotiations are only reported, never answered
    /// and never recorded: the application answers them itself (telnetlib's
    /// `set_option_negotiation_callback`). Default `false`.
    pub manual_negotiation: bool,
}

impl Config {
    /// The defaults: [`Newline::Nvt`], refuse every option, automatic answers.
    pub const fn new() -> Self {
        Config {
            newline: Newline::Nvt,
            policy: Policy::new(),
            manual_negotiation: false,
        }
    }

    /// This configuration with another newline mode.
    #[must_use]
    pub const fn newline(mut self, newline: Newline) -> Self {
        self.newline = newline;
        self
    }

    /// This configuration with another option policy.
    #[must_use]
    pub const fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// This configuration with automatic answers turned off (`true`) or on.
    #[must_use]
    pub const fn manual_negotiation(mut self, manual: bool) -> Self {
        self.manual_negotiation = manual;
        self
    }
}

/// Something the peer sent, or something the session decided, in wire order.
///
/// `'i` is the input given to [`Session::feed`]; `'s` is the borrow of the
/// [`Feed`], which subnegotiation payloads may point into. The borrow
/// checker therefore ends an event's life before the next
/// [`Feed::poll_event`], while data slices may be kept as long as the input.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Event<'i, 's> {
    /// Received application data, never empty. Usually a slice of the
    /// input; an escaped `IAC IAC` or a `CR NUL` ends one slice and the next
    /// starts after the dropped byte, so the data is never copied. (A byte
    /// whose escape was split between two inputs comes as a one-byte
    /// static slice.)
    Data(&'i [u8]),
    /// A two-byte command such as `IAC AYT`, or an unknown one.
    Command(Command),
    /// A negotiation the peer sent, and what the session did about it.
    ///
    /// In automatic mode the session has already applied the RFC 1143 Q
    /// method: `reply` is the answer to send, if one is called for, and
    /// `changed` says whether the option's side turned on or off. In
    /// manual mode ([`Config::manual_negotiation`]) both are `None` and the
    /// application answers.
    ///
    /// ```
    /// use telnet_proto::{Config, Event, Negotiation, Policy, Session, Side, TelnetOption, Verb};
    ///
    /// let policy = Policy::new().with_local(TelnetOption::NAWS);
    /// let mut session: Session = Session::new(Config::new().policy(policy));
    /// let mut feed = session.feed(b"\xff\xfd\x1f"); // DO NAWS
    /// let Some(Event::Negotiation { received, reply, changed }) = feed.poll_event() else {
    ///     panic!("a negotiation")
    /// };
    /// assert_eq!(received, Negotiation::new(Verb::Do, TelnetOption::NAWS));
    /// assert_eq!(reply, Some(Negotiation::new(Verb::Will, TelnetOption::NAWS)));
    /// assert_eq!((received.verb.received_side(), changed), (Side::Local, Some(true)));
    /// ```
    Negotiation {
        /// The negotiation the peer sent.
        received: Negotiation,
        /// The answer to send: write [`Negotiation::to_bytes`] to the peer,
        /// in order with your other output. `None` when nothing is to be
        /// sent (the request was already in force, or answered one of
        /// ours), and always in manual mode.
        reply: Option<Negotiation>,
        /// `Some(true)` when this negotiation turned the option on, on the
        /// side [`Verb::received_side`](crate::Verb::received_side) names
        /// (`WILL`/`WONT`: the peer's, `DO`/`DONT`: ours); `Some(false)`
        /// when it turned it off; `None` when the state did not change.
        /// Each change is reported once.
        changed: Option<bool>,
    },
    /// A complete subnegotiation, `IAC SB <option> <payload> IAC SE`, with
    /// `IAC IAC` in the payload unescaped. The payload is at most the
    /// session's capacity and may be empty.
    Subnegotiation {
        /// The option byte after `SB`.
        option: TelnetOption,
        /// The unescaped payload.
        payload: &'s [u8],
    },
    /// A subnegotiation whose payload was longer than the session's
    /// capacity. It was discarded up to its `IAC SE`; nothing of it is
    /// delivered. Reported once, when the subnegotiation ends.
    SubnegotiationOverflow {
        /// The option byte after `SB`.
        option: TelnetOption,
        /// The unescaped length of the payload that was seen.
        len: usize,
    },
    /// A subnegotiation that was cut off by `IAC` and a byte other than
    /// `IAC` or `SE`, before its end. Nothing of it is delivered; the
    /// interrupting `IAC x` is then processed as it would be outside a
    /// subnegotiation (a command, a negotiation, or a new `SB`).
    ///
    /// `option` is `None` when the cut came right after `IAC SB`, before
    /// any option byte. `IAC SB IAC SE` is reported this way too (option
    /// `None`, length 0, the `IAC SE` consumed), and parsing goes on with
    /// the next byte as data.
    SubnegotiationAborted {
        /// The option byte after `SB`, if one came.
        option: Option<TelnetOption>,
        /// The unescaped length of the payload seen before the cut.
        len: usize,
    },
    /// `IAC SB MCCP2 IAC SE` (with MCCP2 enabled on the peer's side) or
    /// `IAC SB MCCP3 IAC SE` (with MCCP3 enabled on ours): every byte after
    /// it is compressed. `rest` is the undecoded remainder of this input;
    /// the [`Feed`] stops here. Decompress `rest` and everything received
    /// later, and feed the decompressed bytes to the same session.
    CompressionStart {
        /// [`TelnetOption::MCCP2`] or [`TelnetOption::MCCP3`].
        option: TelnetOption,
        /// The rest of the input, which is compressed.
        rest: &'i [u8],
    },
}

/// Where the parser is between two bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
enum State {
    /// In data.
    Data,
    /// In data, and a CR that ended the previous input has not been
    /// delivered yet: the next byte says whether it is CR NUL.
    CrHeld,
    /// After `IAC` in data.
    Iac,
    /// After `IAC <verb>`, before the option byte.
    Verb(Verb),
    /// After `IAC SB`, before the option byte.
    SbOption,
    /// After `IAC SB IAC`.
    SbOptionIac,
    /// In a subnegotiation's payload.
    Sb,
    /// After `IAC` in a subnegotiation's payload.
    SbIac,
}

/// One step of the parser: an event that borrows only the input, or a
/// complete subnegotiation whose payload is in the session's buffer.
enum Step<'i> {
    Event(Event<'i, 'i>),
    Buffered(TelnetOption),
}

/// A Telnet connection's protocol state: one value per connection, client
/// or server alike.
///
/// It parses received bytes into [`Event`]s, answers negotiations by the
/// RFC 1143 Q method under a [`Policy`], and encodes text according to the
/// options in force. It does no I/O, reads no clock and never allocates.
/// `SB_CAP` is the capacity of the subnegotiation buffer
/// ([`DEFAULT_SUBNEGOTIATION_CAPACITY`] by default).
///
/// Its size is `SB_CAP` plus 336 bytes on a 64-bit target (the
/// negotiation table is 256 bytes, the policy 64); with the default
/// capacity a `Session` is 1360 bytes; an [`Event`] is 24 bytes.
///
/// See the [crate documentation](crate) for the drive loop.
#[derive(Clone)]
pub struct Session<const SB_CAP: usize = DEFAULT_SUBNEGOTIATION_CAPACITY> {
    table: Table,
    policy: Policy,
    /// Unescaped length of the current subnegotiation's payload so far; the
    /// payload was discarded once this exceeds `SB_CAP`.
    sb_len: usize,
    /// The payload so far: its first `sb_len` bytes, while that is at most
    /// `SB_CAP`. (Its own length is `sb_len`: starting a subnegotiation
    /// clears nothing, which a length kept apart would test for.)
    sb_buf: [u8; SB_CAP],
    sb_option: TelnetOption,
    state: State,
    newline: Newline,
    manual: bool,
    /// Set when the policy was handed out by [`policy_mut`](Self::policy_mut)
    /// and may differ from the table's copy of it; the next
    /// [`feed`](Self::feed) copies it over.
    policy_changed: bool,
}

impl<const SB_CAP: usize> core::fmt::Debug for Session<SB_CAP> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The subnegotiation buffer as far as it is used.
        f.debug_struct("Session")
            .field("table", &self.table)
            .field("policy", &self.policy)
            .field("sb_len", &self.sb_len)
            .field("sb_buf", &self.sb_payload())
            .field("sb_option", &self.sb_option)
            .field("state", &self.state)
            .field("newline", &self.newline)
            .field("manual", &self.manual)
            .field("policy_changed", &self.policy_changed)
            .finish()
    }
}

impl<const SB_CAP: usize> Default for Session<SB_CAP> {
    fn default() -> Self {
        Self::new(Config::new())
    }
}

impl<const SB_CAP: usize> Session<SB_CAP> {
    /// The capacity of the subnegotiation buffer, in bytes of unescaped payload.
    pub const SUBNEGOTIATION_CAPACITY: usize = SB_CAP;

    /// A session in its initial state: every option off, data expected.
    pub fn new(config: Config) -> Self {
        let mut table = Table::default();
        table.set_policy(&config.policy);
        Session {
            table,
            policy: config.policy,
            sb_len: 0,
            sb_buf: [0; SB_CAP],
            sb_option: TelnetOption(0),
            state: State::Data,
            newline: config.newline,
            manual: config.manual_negotiation,
            policy_changed: false,
        }
    }

    // ---- input --------------------------------------------------------

    /// Hands received bytes to the session. Take the events from the
    /// returned [`Feed`] until [`Feed::poll_event`] returns `None`.
    ///
    /// The session keeps its place between calls, so bytes may be split
    /// anywhere: a sequence cut between two inputs gives the same events as
    /// if it had come whole. Each byte is examined a bounded number of
    /// times, so parsing is linear in the input.
    pub fn feed<'s, 'i>(&'s mut self, input: &'i [u8]) -> Feed<'s, 'i, SB_CAP> {
        if self.policy_changed {
            self.table.set_policy(&self.policy);
            self.policy_changed = false;
        }
        Feed {
            session: self,
            input,
            pos: 0,
            compressed: &[],
            noted: arrayvec::ArrayVec::new_const(),
        }
    }

    /// The input has ended (the peer closed the connection): returns what the
    /// bytes fed so far still owe, and returns the parser to its initial
    /// state (the option table is kept).
    ///
    /// That is a CR held back at the end of the last input, as
    /// [`Event::Data`], or, for a subnegotiation that never ended,
    /// [`Event::SubnegotiationAborted`]. An incomplete command or
    /// negotiation (`IAC`, `IAC DO` without its option) has no meaning and is
    /// dropped. Returns `None` when the input ended cleanly.
    pub fn finish(&mut self) -> Option<Event<'static, 'static>> {
        let state = core::mem::replace(&mut self.state, State::Data);
        match state {
            State::CrHeld => Some(Event::Data(b"\r")),
            State::Sb | State::SbIac => Some(Event::SubnegotiationAborted {
                option: Some(self.sb_option),
                len: self.sb_len,
            }),
            State::SbOption | State::SbOptionIac => Some(Event::SubnegotiationAborted {
                option: None,
                len: 0,
            }),
            State::Data | State::Iac | State::Verb(_) => None,
        }
    }

    /// Whether the parser is inside a command, negotiation or
    /// subnegotiation, or holds back a CR: a byte more is needed before the
    /// bytes already fed are fully delivered.
    pub fn is_mid_sequence(&self) -> bool {
        self.state != State::Data
    }

    // ---- negotiation --------------------------------------------------

    /// The options we agree to when the peer asks.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Change the options we agree to. This affects future requests from
    /// the peer only; to change an option's current state use
    /// [`enable`](Self::enable) or [`disable`](Self::disable).
    pub fn policy_mut(&mut self) -> &mut Policy {
        self.policy_changed = true;
        &mut self.policy
    }

    /// The RFC 1143 state of `side` of `option`.
    pub fn option_state(&self, side: Side, option: TelnetOption) -> OptionState {
        self.table.get(side, option)
    }

    /// Whether `side` of `option` is on.
    pub fn is_enabled(&self, side: Side, option: TelnetOption) -> bool {
        self.table.is_enabled(side, option)
    }

    /// Ask for `side` of `option` to be turned on: `WILL` for
    /// [`Side::Local`], `DO` for [`Side::Remote`]. Also allows the option in
    /// the policy, so that the peer's own later request is accepted too.
    ///
    /// Returns the negotiation to send, or `None` when nothing is to be sent:
    /// the option is already on, or a request is already under way (a
    /// pending disable then gets the RFC 1143 queue bit, and the enable is
    /// sent when the peer answers).
    ///
    /// [`TelnetOption::TIMING_MARK`] has no state (RFC 860): enabling its
    /// remote side returns `DO TIMING-MARK` every time, so each call asks
    /// for a new mark; the peer's `WILL`/`WONT` answer comes as an
    /// [`Event::Negotiation`].
    #[must_use = "the returned negotiation must be sent to the peer"]
    pub fn enable(&mut self, side: Side, option: TelnetOption) -> Option<Negotiation> {
        self.policy.set(side, option, true);
        self.table.allow(side, option, true);
        self.table.request(side, option, true)
    }

    /// Ask for `side` of `option` to be turned off: `WONT` for
    /// [`Side::Local`], `DONT` for [`Side::Remote`]. Also removes the option
    /// from the policy, so that the peer cannot turn it back on.
    ///
    /// The option counts as off at once (no event reports a change the
    /// application made). Returns the negotiation
    /// to send, or `None` when nothing is to be sent.
    #[must_use = "the returned negotiation must be sent to the peer"]
    pub fn disable(&mut self, side: Side, option: TelnetOption) -> Option<Negotiation> {
        self.policy.set(side, option, false);
        self.table.allow(side, option, false);
        self.table.request(side, option, false)
    }

    /// Whether received negotiations are left to the application.
    pub fn is_manual_negotiation(&self) -> bool {
        self.manual
    }

    /// Turn automatic answers off (`true`) or on. See
    /// [`Config::manual_negotiation`].
    pub fn set_manual_negotiation(&mut self, manual: bool) {
        self.manual = manual;
    }

    /// Record that `side` of `option` is on or off, without sending
    /// anything. For applications that negotiate by hand (manual mode) and
    /// want the session to act on the outcome: BINARY turns NVT newline
    /// handling off, MCCP2/MCCP3 make [`Event::CompressionStart`] possible,
    /// SGA and EOR govern [`encode_go_ahead`](Self::encode_go_ahead) and
    /// [`encode_end_of_record`](Self::encode_end_of_record).
    pub fn set_option_state(&mut self, side: Side, option: TelnetOption, enabled: bool) {
        let state = if enabled {
            OptionState::Yes
        } else {
            OptionState::No
        };
        self.table.set(side, option, state);
    }

    // ---- output -------------------------------------------------------

    /// The newline mode for received data.
    pub fn newline(&self) -> Newline {
        self.newline
    }

    /// Change the newline mode for data received from now on.
    pub fn set_newline(&mut self, newline: Newline) {
        self.newline = newline;
    }

    /// Text to send: [`encode::text`] (NVT newlines, 0xFF doubled), or
    /// [`encode::data`] (0xFF doubled only) while BINARY is on our side.
    pub fn encode_text(&self, src: &[u8], dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
        if self.table.is_enabled(Side::Local, TelnetOption::BINARY) {
            encode::data(src, dst)
        } else {
            encode::text(src, dst)
        }
    }

    /// `IAC GA`, unless SGA is on our side (RFC 858: then no GA is sent, and
    /// this writes nothing and returns `Ok(0)`).
    pub fn encode_go_ahead(&self, dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
        if self.table.is_enabled(Side::Local, TelnetOption::SGA) {
            Ok(0)
        } else {
            encode::command(Command::GoAhead, dst)
        }
    }

    /// `IAC EOR`, if the EOR option is on our side (RFC 885: the mark may
    /// only be sent then); otherwise writes nothing and returns `Ok(0)`.
    pub fn encode_end_of_record(&self, dst: &mut [u8]) -> Result<usize, BufferTooSmall> {
        if self.table.is_enabled(Side::Local, TelnetOption::EOR) {
            encode::command(Command::EndOfRecord, dst)
        } else {
            Ok(0)
        }
    }

    // ---- parser internals ---------------------------------------------

    /// Whether received data gets NVT end-of-line processing now.
    #[inline]
    fn nvt_receive(&self) -> bool {
        self.newline != Newline::Raw && !self.table.is_enabled(Side::Remote, TelnetOption::BINARY)
    }

    /// A complete negotiation was received.
    #[inline]
    fn negotiate(&mut self, verb: Verb, option: u8) -> Event<'static, 'static> {
        let (received, Outcome { reply, changed }) = self.negotiation(verb, option);
        Event::Negotiation {
            received,
            reply,
            changed,
        }
    }

    /// A complete negotiation was received: what it is, and what the
    /// table made of it. In manual mode nothing is answered or recorded.
    #[inline]
    fn negotiation(&mut self, verb: Verb, option: u8) -> (Negotiation, Outcome) {
        let received = Negotiation::new(verb, TelnetOption(option));
        let outcome = if self.manual {
            Outcome::default()
        } else {
            self.table.receive(received)
        };
        (received, outcome)
    }

    /// [`negotiation`](Self::negotiation) as [`Feed::read`] wants it: the
    /// reply's verb byte (0 for none) when the negotiation is not notable,
    /// else the whole outcome. `MANUAL` is whether the session is in
    /// manual mode: [`Feed::read`] tests that once a call.
    #[inline]
    fn negotiation_quietly<const MANUAL: bool>(
        &mut self,
        verb: Verb,
        option: u8,
    ) -> Result<u8, Outcome> {
        debug_assert_eq!(MANUAL, self.manual);
        if MANUAL {
            // Every negotiation is the application's to answer.
            return Err(Outcome::default());
        }
        self.table.receive_quietly(verb, option)
    }

    fn sb_start(&mut self, option: u8) {
        self.sb_option = TelnetOption(option);
        self.sb_len = 0;
        self.state = State::Sb;
    }

    /// Appends unescaped payload, or only counts it once over capacity.
    #[inline]
    fn sb_push(&mut self, bytes: &[u8]) {
        let len = self.sb_len.saturating_add(bytes.len());
        if let Some(to) = self.sb_buf.get_mut(self.sb_len..len) {
            find::copy_short(to, bytes);
        }
        self.sb_len = len;
    }

    /// [`sb_push`](Self::sb_push) of `input[from..to]`. A piece in the
    /// input's last 64 bytes (a payload cut by the end of a small read) is
    /// copied as 64 bytes from a zero-padded copy of them, when the buffer
    /// has room for that many: the same moves whatever its length, where
    /// `memcpy` would branch on the length (which small reads make random).
    /// The bytes written past the payload's end are never read.
    #[inline]
    fn sb_push_in(&mut self, input: &[u8], from: usize, to: usize) {
        debug_assert!(from <= to && to <= input.len());
        if let (Some(last), Some(skip)) = (
            input.last_chunk::<64>(),
            from.checked_sub(input.len().wrapping_sub(64)),
        ) {
            let at = self.sb_len;
            if let Some(dst) = self.sb_buf.get_mut(at..at + 64) {
                let mut stage = [0; 128];
                stage[..64].copy_from_slice(last);
                dst.copy_from_slice(&stage[skip..skip + 64]);
                self.sb_len = at + (to - from);
                return;
            }
        }
        self.sb_push(input.get(from..to).unwrap_or_default());
    }

    /// The payload of the subnegotiation that just ended whole.
    fn sb_payload(&self) -> &[u8] {
        &self.sb_buf[..self.sb_len.min(SB_CAP)]
    }

    /// `IAC SE` ended the current subnegotiation.
    fn sb_end(&mut self) -> Step<'static> {
        self.state = State::Data;
        let option = self.sb_option;
        if self.sb_len > SB_CAP {
            Step::Event(Event::SubnegotiationOverflow {
                option,
                len: self.sb_len,
            })
        } else {
            Step::Buffered(option)
        }
    }

    /// Whether a subnegotiation of `option` that just ended starts
    /// compression of the rest of the input.
    fn starts_compression(&self, option: TelnetOption) -> bool {
        (option == TelnetOption::MCCP2 && self.table.is_enabled(Side::Remote, option))
            || (option == TelnetOption::MCCP3 && self.table.is_enabled(Side::Local, option))
    }

    /// `IAC` followed by `byte`, outside a subnegotiation; `byte` is not
    /// `IAC`, which the callers handle as data.
    fn after_iac(&mut self, byte: u8) -> Option<Event<'static, 'static>> {
        if let Some(verb) = Verb::from_byte(byte) {
            self.state = State::Verb(verb);
            None
        } else if byte == SB {
            self.state = State::SbOption;
            None
        } else {
            self.state = State::Data;
            // `from_byte` is `None` only for IAC, SB and the verbs, all
            // handled above; Unknown keeps the byte if that ever changed.
            Some(Event::Command(
                Command::from_byte(byte).unwrap_or(Command::Unknown(byte)),
            ))
        }
    }
}

/// The events of one input, pulled one at a time with
/// [`poll_event`](Feed::poll_event).
///
/// Take every event: dropping a `Feed` early loses the part of its input
/// that was not parsed yet (see [`remaining`](Feed::remaining)); each
/// event is complete when it is returned (a negotiation carries its reply),
/// so nothing already parsed is lost.
///
/// An event that borrows the session cannot be kept across the next poll;
/// copy what you need first. This does not compile:
///
/// ```compile_fail
/// use telnet_proto::Session;
///
/// let mut session: Session = Session::default();
/// let mut feed = session.feed(b"\xff\xfa\x18\x01\xff\xf0\xff\xfa\x18\x00x\xff\xf0");
/// let first = feed.poll_event();
/// let second = feed.poll_event(); // `first` may point into the buffer `second` reuses
/// assert_ne!(first, second);
/// ```
///
/// Data slices borrow only the input, so they may be kept:
///
/// ```
/// use telnet_proto::{Event, Session};
///
/// let input = b"one\xff\xf1two";
/// let mut session: Session = Session::default();
/// let mut feed = session.feed(input);
/// let mut slices: Vec<&[u8]> = Vec::new();
/// while let Some(event) = feed.poll_event() {
///     if let Event::Data(bytes) = event {
///         slices.push(bytes);
///     }
/// }
/// assert_eq!(slices, [&b"one"[..], &b"two"[..]]);
/// ```
#[must_use = "a Feed does nothing until its events are polled"]
#[derive(Debug)]
pub struct Feed<'s, 'i, const SB_CAP: usize = DEFAULT_SUBNEGOTIATION_CAPACITY> {
    session: &'s mut Session<SB_CAP>,
    /// The input; cut short after [`Event::CompressionStart`], so that
    /// parsing stops there without a flag to test on every poll.
    input: &'i [u8],
    /// How much of `input` has been parsed; never more than its length.
    pos: usize,
    /// The compressed rest of the input, after [`Event::CompressionStart`].
    compressed: &'i [u8],
    /// The notable negotiations of the latest [`read`](Feed::read) call
    /// (see [`Read::negotiations`]).
    noted: arrayvec::ArrayVec<read::NotableNegotiation, { read::NotableNegotiation::PER_READ }>,
}

impl<'i, const SB_CAP: usize> Feed<'_, 'i, SB_CAP> {
    /// The next event, or `None` when the input is used up (or, after
    /// [`Event::CompressionStart`], when the rest is not telnet).
    ///
    /// Parse errors do not exist: every byte sequence has a defined meaning
    /// or a defined report ([`Command::Unknown`],
    /// [`Event::SubnegotiationAborted`], [`Event::SubnegotiationOverflow`]),
    /// and parsing goes on after it.
    #[inline]
    pub fn poll_event(&mut self) -> Option<Event<'i, '_>> {
        match self.step()? {
            Step::Event(event) => Some(event),
            Step::Buffered(option) => Some(Event::Subnegotiation {
                option,
                payload: self.session.sb_payload(),
            }),
        }
    }

    /// The input not parsed yet. After [`Event::CompressionStart`] this is
    /// the compressed remainder.
    pub fn remaining(&self) -> &'i [u8] {
        match self.input.get(self.pos..) {
            Some(rest) if !rest.is_empty() => rest,
            _ => self.compressed,
        }
    }

    /// How many bytes of the input have been parsed.
    pub fn consumed(&self) -> usize {
        self.pos
    }

    /// Ends parsing at `pos`, where compression starts.
    fn compression_start(&mut self, option: TelnetOption) -> Step<'i> {
        let (parsed, rest) = self.input.split_at(self.pos);
        self.input = parsed;
        self.compressed = rest;
        Step::Event(Event::CompressionStart { option, rest })
    }

    /// Runs the state machine to the next event.
    #[inline]
    fn step(&mut self) -> Option<Step<'i>> {
        let input = self.input;
        loop {
            let rest = input.get(self.pos..)?;
            let &first = rest.first()?;
            // Data, and commands in it, come first: that is where the
            // bytes of a typical stream are.
            if matches!(self.session.state, State::Data) {
                if first == IAC {
                    if let Some(step) = self.command(rest) {
                        return Some(step);
                    }
                } else if let Some(event) = self.data(rest) {
                    return Some(Step::Event(event));
                }
            } else if matches!(self.session.state, State::Sb) {
                // A payload cut by the end of the last input: common with
                // small reads, and worth a guessable branch.
                if let Some(step) = self.subnegotiation(rest) {
                    return Some(step);
                }
            } else if let Some(step) = self.other_state(rest, first) {
                return Some(step);
            }
        }
    }

    /// One step in any state but [`State::Data`]: `rest` is not empty and
    /// starts with `first`.
    fn other_state(&mut self, rest: &'i [u8], first: u8) -> Option<Step<'i>> {
        let s = &mut *self.session;
        match s.state {
            State::Data => None,
            State::CrHeld => {
                s.state = State::Data;
                if s.nvt_receive() {
                    match first {
                        NUL => {
                            self.pos += 1;
                            return Some(Step::Event(Event::Data(b"\r")));
                        }
                        // CR LF translated: the CR is dropped, the LF delivered.
                        LF if s.newline == Newline::Translate => return None,
                        _ => {}
                    }
                }
                Some(Step::Event(Event::Data(b"\r")))
            }
            State::Iac => {
                self.pos += 1;
                if first == IAC {
                    s.state = State::Data;
                    return Some(Step::Event(Event::Data(&[IAC])));
                }
                s.after_iac(first).map(Step::Event)
            }
            State::Verb(verb) => {
                self.pos += 1;
                s.state = State::Data;
                Some(Step::Event(s.negotiate(verb, first)))
            }
            State::SbOption => {
                self.pos += 1;
                if first == IAC {
                    s.state = State::SbOptionIac;
                } else {
                    s.sb_start(first);
                }
                None
            }
            State::SbOptionIac => {
                if first == IAC {
                    // `IAC SB IAC IAC`: an escaped option code 255 (EXOPL).
                    self.pos += 1;
                    s.sb_start(IAC);
                    return None;
                }
                // `IAC SB IAC SE` or `IAC SB IAC x`: no option came. Report
                // it, and let `IAC x` be parsed as usual (the `IAC SE` as a
                // stray SE command is not repeated: the SE is consumed here).
                if first == SE {
                    self.pos += 1;
                    s.state = State::Data;
                } else {
                    s.state = State::Iac;
                }
                Some(Step::Event(Event::SubnegotiationAborted {
                    option: None,
                    len: 0,
                }))
            }
            State::Sb => self.subnegotiation(rest),
            State::SbIac => match first {
                IAC => {
                    self.pos += 1;
                    s.sb_push(&[IAC]);
                    s.state = State::Sb;
                    None
                }
                SE => {
                    self.pos += 1;
                    Some(self.end_subnegotiation())
                }
                _ => {
                    // RFC 854 allows nothing but IAC and SE after IAC in
                    // a subnegotiation: the subnegotiation is abandoned
                    // and `IAC x` is parsed as a command (not consumed).
                    s.state = State::Iac;
                    Some(Step::Event(Event::SubnegotiationAborted {
                        option: Some(s.sb_option),
                        len: s.sb_len,
                    }))
                }
            },
        }
    }

    /// Finishes a subnegotiation whose `IAC SE` was just consumed.
    fn end_subnegotiation(&mut self) -> Step<'i> {
        let step = self.session.sb_end();
        if let Step::Buffered(option) = step {
            if self.session.starts_compression(option) {
                return self.compression_start(option);
            }
        }
        step
    }

    /// In a subnegotiation's payload: collects it up to its `IAC SE`, or
    /// as far as the input goes. Escaped 0xFF (`IAC IAC`) are unescaped on
    /// the way; any other byte after `IAC` is left to
    /// [`other_state`](Self::other_state).
    #[inline(always)]
    fn subnegotiation(&mut self, rest: &'i [u8]) -> Option<Step<'i>> {
        // `rest[..from]` is collected; `self.pos` is still at `rest[0]`.
        let mut from = 0;
        // Where `rest` starts in the input, and ends (with the input).
        let (input, base) = (self.input, self.pos);
        let end = base + rest.len();
        loop {
            let s = &mut *self.session;
            let found = find::find_in(&rest[from..], input, [IAC]);
            let Some(i) = found.map(|i| from + i) else {
                s.sb_push_in(input, base + from, end);
                self.pos += rest.len();
                return None;
            };
            match rest.get(i + 1) {
                Some(&SE) => {
                    self.pos += i + 2;
                    if s.sb_len == 0 && i <= SB_CAP {
                        // A whole, unescaped payload in this input: deliver
                        // it from the input itself, without copying.
                        s.state = State::Data;
                        let option = s.sb_option;
                        if s.starts_compression(option) {
                            return Some(self.compression_start(option));
                        }
                        return Some(Step::Event(Event::Subnegotiation {
                            option,
                            payload: &rest[..i],
                        }));
                    }
                    s.sb_push_in(input, base + from, base + i);
                    return Some(self.end_subnegotiation());
                }
                Some(&IAC) => {
                    s.sb_push_in(input, base + from, base + i + 1);
                    from = i + 2;
                }
                _ => {
                    s.sb_push_in(input, base + from, base + i);
                    self.pos += i + 1;
                    s.state = State::SbIac;
                    return None;
                }
            }
        }
    }

    /// In data, not at an `IAC`: delivers the longest run of data. `rest`
    /// is not empty and does not start with `IAC`.
    #[inline]
    fn data(&mut self, rest: &'i [u8]) -> Option<Event<'i, 'i>> {
        // `rest` starts at `self.pos` (and may stop short of the input's
        // end): the input up to where it ends, to search it as its end
        // (`find_in`).
        let input = self.input.get(..self.pos + rest.len()).unwrap_or(rest);
        let s = &mut *self.session;
        let nvt = s.nvt_receive();
        let mut from = 0;
        loop {
            let found = match (nvt, s.newline) {
                (true, Newline::Translate) => find::find_in(&rest[from..], input, [IAC, CR]),
                (true, _) => find::find_in(&rest[from..], input, [IAC, NUL]),
                (false, _) => find::find_in(&rest[from..], input, [IAC]),
            };
            let Some(i) = found.map(|i| from + i) else {
                // The run goes to the end of the input; hold a final CR back.
                let mut end = rest.len();
                if nvt && rest[end - 1] == CR {
                    s.state = State::CrHeld;
                    end -= 1;
                }
                self.pos += rest.len();
                return (end > 0).then(|| Event::Data(&rest[..end]));
            };
            match rest[i] {
                IAC => {
                    // Data up to the IAC (`i > 0`: `rest` does not start
                    // with one); if it is `IAC IAC`, through the first one,
                    // and the second is dropped.
                    if rest.get(i + 1) == Some(&IAC) {
                        self.pos += i + 2;
                        return Some(Event::Data(&rest[..=i]));
                    }
                    self.pos += i;
                    return Some(Event::Data(&rest[..i]));
                }
                NUL => {
                    // Nvt mode: CR NUL is CR; any other NUL is data.
                    if i > 0 && rest[i - 1] == CR {
                        self.pos += i + 1;
                        return Some(Event::Data(&rest[..i]));
                    }
                    from = i + 1;
                }
                _ => {
                    // Translate mode, a CR at `i`.
                    match rest.get(i + 1) {
                        None => {
                            s.state = State::CrHeld;
                            self.pos += i + 1;
                            return (i > 0).then(|| Event::Data(&rest[..i]));
                        }
                        Some(&LF) => {
                            // Deliver up to the CR; the LF starts the next run.
                            self.pos += i + 1;
                            if i > 0 {
                                return Some(Event::Data(&rest[..i]));
                            }
                            return None;
                        }
                        Some(&NUL) => {
                            self.pos += i + 2;
                            return Some(Event::Data(&rest[..=i]));
                        }
                        Some(_) => from = i + 1,
                    }
                }
            }
        }
    }

    /// `rest` starts with an `IAC` in data: parse the sequence it starts,
    /// as far as the input goes.
    ///
    /// Always inlined: with `Feed::read`'s two copies (manual mode or not)
    /// as callers besides `poll_event`, the compiler stopped inlining it,
    /// and a stream of subnegotiations through `read` ran 9 % more
    /// instructions.
    #[inline(always)]
    fn command(&mut self, rest: &'i [u8]) -> Option<Step<'i>> {
        let s = &mut *self.session;
        let Some(&byte) = rest.get(1) else {
            self.pos += 1;
            s.state = State::Iac;
            return None;
        };
        if byte == IAC {
            self.pos += 2;
            return Some(Step::Event(Event::Data(&rest[..1])));
        }
        if let Some(&option) = rest.get(2) {
            if let Some(verb) = Verb::from_byte(byte) {
                self.pos += 3;
                return Some(Step::Event(s.negotiate(verb, option)));
            }
            if byte == SB && option != IAC {
                // `IAC SB <option>`: straight to the payload.
                self.pos += 3;
                s.sb_start(option);
                return self.subnegotiation(&rest[3..]);
            }
        }
        self.pos += 2;
        s.after_iac(byte).map(Step::Event)
    }
}
