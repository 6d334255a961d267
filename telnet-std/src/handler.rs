//! [`Handler`]: the application's hook into negotiation, and [`Control`],
//! what it may do from there.

use telnet_proto::{encode, Command, Negotiation, OptionState, Session, Side, TelnetOption};

use crate::trace::describe_subnegotiation;
use crate::SUBNEGOTIATION_CAPACITY;

/// Callbacks for what the peer sends besides data.
///
/// Install one with [`Builder::handler`](crate::Builder::handler) or
/// [`Telnet::set_handler`](crate::Telnet::set_handler). Every method has a
/// default that does nothing, so implement only what you need. Each is
/// called while a read call of [`Telnet`](crate::Telnet) processes input,
/// in wire order, and what it sends through [`Control`] is written before
/// that read call returns.
///
/// In the automatic mode (the default), the session has already answered a
/// negotiation by the time [`negotiation`](Handler::negotiation) is
/// called, and [`option_changed`](Handler::option_changed) follows for a
/// change: act on the change (send your NAWS on `NAWS` enabled locally,
/// for instance). In the manual mode
/// ([`Builder::manual_negotiation`](crate::Builder::manual_negotiation),
/// telnetlib's `set_option_negotiation_callback`), nothing is answered or
/// recorded for you: `negotiation` receives every `DO`/`DONT`/`WILL`/`WONT`
/// and answers with [`Control::send_negotiation`], recording the outcome with
/// [`Control::set_option_state`] if it wants the session to act on it.
///
/// A closure `FnMut(Negotiation, &mut Control<'_>)` is a handler that only
/// implements [`negotiation`](Handler::negotiation):
///
/// ```
/// use telnet_std::{Builder, Control, pipe::pipe};
/// use telnet_proto::{Negotiation, Verb};
///
/// let (client_end, _server_end) = pipe();
/// let telnet = Builder::new()
///     .manual_negotiation(true)
///     .handler(|received: Negotiation, ctl: &mut Control<'_>| {
///         // Refuse everything, as telnetlib did without a callback.
///         let answer = match received.verb {
///             Verb::Do => Verb::Wont,
///             Verb::Will => Verb::Dont,
///             _ => return,
///         };
///         ctl.send_negotiation(Negotiation::new(answer, received.option));
///     })
///     .build(client_end)
///     .unwrap();
/// # drop(telnet);
/// ```
pub trait Handler {
    /// The peer sent `DO`, `DONT`, `WILL` or `WONT`.
    fn negotiation(&mut self, received: Negotiation, ctl: &mut Control<'_>) {
        let _ = (received, ctl);
    }

    /// A side of an option was turned on or off by the peer's negotiation
    /// (automatic mode only).
    fn option_changed(
        &mut self,
        option: TelnetOption,
        side: Side,
        enabled: bool,
        ctl: &mut Control<'_>,
    ) {
        let _ = (option, side, enabled, ctl);
    }

    /// The peer sent a complete subnegotiation, `IAC SB option payload
    /// IAC SE` (payload unescaped). The same payload is then kept for
    /// [`read_sb_data`](crate::Telnet::read_sb_data).
    fn subnegotiation(&mut self, option: TelnetOption, payload: &[u8], ctl: &mut Control<'_>) {
        let _ = (option, payload, ctl);
    }

    /// The peer sent a two-byte command such as `IAC AYT`.
    fn command(&mut self, command: Command, ctl: &mut Control<'_>) {
        let _ = (command, ctl);
    }
}

impl<F: FnMut(Negotiation, &mut Control<'_>)> Handler for F {
    fn negotiation(&mut self, received: Negotiation, ctl: &mut Control<'_>) {
        self(received, ctl);
    }
}

/// What a [`Handler`] can do: read and change the option table, and send.
///
/// Everything sent is queued and written, in order, before the read call
/// that is processing input returns.
#[derive(Debug)]
pub struct Control<'a> {
    pub(crate) session: &'a mut Session<SUBNEGOTIATION_CAPACITY>,
    pub(crate) out: &'a mut Vec<u8>,
}

impl Control<'_> {
    /// The protocol session, for state queries.
    pub fn session(&self) -> &Session<SUBNEGOTIATION_CAPACITY> {
        self.session
    }

    /// Whether `side` of `option` is on.
    pub fn is_enabled(&self, side: Side, option: TelnetOption) -> bool {
        self.session.is_enabled(side, option)
    }

    /// The RFC 1143 state of `side` of `option`.
    pub fn option_state(&self, side: Side, option: TelnetOption) -> OptionState {
        self.session.option_state(side, option)
    }

    /// Ask for `side` of `option` to be on, through the RFC 1143 table
    /// (nothing is sent if it is on or a request is pending). Returns
    /// whether a negotiation was sent.
    pub fn enable(&mut self, side: Side, option: TelnetOption) -> bool {
        let request = self.session.enable(side, option);
        request
            .inspect(|&n| queue_negotiation(self.out, n))
            .is_some()
    }

    /// Ask for `side` of `option` to be off, through the RFC 1143 table.
    /// Returns whether a negotiation was sent.
    pub fn disable(&mut self, side: Side, option: TelnetOption) -> bool {
        let request = self.session.disable(side, option);
        request
            .inspect(|&n| queue_negotiation(self.out, n))
            .is_some()
    }

    /// Record that `side` of `option` is on or off without sending anything
    /// (for the manual mode; see [`Session::set_option_state`]).
    pub fn set_option_state(&mut self, side: Side, option: TelnetOption, enabled: bool) {
        self.session.set_option_state(side, option, enabled);
    }

    /// Send a negotiation as is, bypassing the RFC 1143 table: what an
    /// application answering in the manual mode does.
    pub fn send_negotiation(&mut self, negotiation: Negotiation) {
        queue_negotiation(self.out, negotiation);
    }

    /// Send `IAC SB option payload IAC SE`, 0xFF in the payload doubled.
    pub fn send_subnegotiation(&mut self, option: TelnetOption, payload: &[u8]) {
        queue_subnegotiation(self.out, option, payload);
    }

    /// Send a two-byte command such as `IAC AYT`.
    ///
    /// # Panics
    ///
    /// If the command is not valid ([`Command::is_valid`]: an `Unknown`
    /// holding 250 to 255, which would start a subnegotiation or a
    /// negotiation on the wire).
    #[track_caller]
    pub fn send_command(&mut self, command: Command) {
        queue_command(self.out, command);
    }

    /// Send data, 0xFF doubled.
    pub fn send_data(&mut self, data: &[u8]) {
        queue_encoded(self.out, encode::data_len(data), |dst| {
            encode::data(data, dst)
        });
    }

    /// Send text: NVT newlines (unless BINARY is on our side), 0xFF doubled.
    pub fn send_text(&mut self, text: &[u8]) {
        let session = &*self.session;
        queue_encoded(self.out, encode::text_len(text), |dst| {
            session.encode_text(text, dst)
        });
    }
}

/// Appends what `encode` writes, given a buffer of at least `len` bytes
/// (the encoders' own length functions give it).
pub(crate) fn queue_encoded(
    out: &mut Vec<u8>,
    len: usize,
    encode: impl FnOnce(&mut [u8]) -> Result<usize, telnet_proto::BufferTooSmall>,
) {
    let start = out.len();
    out.resize(start + len, 0);
    // The buffer has the length the encoder's own `*_len` function asked
    // for, so it cannot be too small; on a mismatch nothing is kept.
    let written = encode(&mut out[start..]).unwrap_or(0);
    out.truncate(start + written);
}

pub(crate) fn queue_negotiation(out: &mut Vec<u8>, negotiation: Negotiation) {
    tracing::debug!(target: "telnet_std", "SENT {negotiation}");
    out.extend_from_slice(&negotiation.to_bytes());
}

/// Queues `IAC <code>`; panics if the command is not valid (see
/// [`encode::command`]).
#[track_caller]
pub(crate) fn queue_command(out: &mut Vec<u8>, command: Command) {
    // Two bytes always fit; as in `queue_encoded`, nothing is kept if not.
    let mut bytes = [0; 2];
    let written = encode::command(command, &mut bytes).unwrap_or(0);
    tracing::debug!(target: "telnet_std", "SENT {command}");
    out.extend_from_slice(&bytes[..written]);
}

pub(crate) fn queue_subnegotiation(out: &mut Vec<u8>, option: TelnetOption, payload: &[u8]) {
    tracing::debug!(target: "telnet_std", "SENT {}", describe_subnegotiation(option, payload));
    queue_encoded(out, encode::subnegotiation_len(option, payload), |dst| {
        encode::subnegotiation(option, payload, dst)
    });
}
