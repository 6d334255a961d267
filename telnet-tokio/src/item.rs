//! Owned events: what the codec yields and what a session reports.

use bytes::Bytes;
use telnet_proto::{Command, Negotiation, Side, TelnetOption};

/// Something the peer sent or the session decided, owned.
///
/// The owned counterpart of [`telnet_proto::Event`]: payloads are
/// [`Bytes`], so an item can be kept, sent to another task, or held across
/// an `.await`. [`TelnetCodec`](crate::TelnetCodec) yields every variant;
/// [`Telnet::next_event`](crate::Telnet::next_event) yields all but
/// [`Item::Data`] (which goes to the read methods), and sends the reply of
/// an [`Item::Negotiation`] itself.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Item {
    /// Received application data, never empty.
    Data(Bytes),
    /// A two-byte command such as `IAC AYT`, or an unknown one.
    Command(Command),
    /// A negotiation the peer sent, and what the RFC 1143 table did about
    /// it (both `None` when negotiation is manual).
    Negotiation {
        /// The negotiation the peer sent.
        received: Negotiation,
        /// The answer the session decided on. With the codec, send it
        /// ([`Frame::Negotiation`](crate::Frame::Negotiation)), in order
        /// with your other output; [`Telnet`](crate::Telnet) has sent it
        /// already.
        reply: Option<Negotiation>,
        /// `Some(true)` when the option turned on, `Some(false)` when it
        /// turned off, on the side given by
        /// [`Verb::received_side`](telnet_proto::Verb::received_side)
        /// (see [`Item::option_change`]); `None` when nothing changed.
        changed: Option<bool>,
    },
    /// A complete subnegotiation with its unescaped payload.
    Subnegotiation {
        /// The option byte after `SB`.
        option: TelnetOption,
        /// The unescaped payload (may be empty).
        payload: Bytes,
    },
    /// A subnegotiation longer than the core's buffer; discarded whole.
    SubnegotiationOverflow {
        /// The option byte after `SB`.
        option: TelnetOption,
        /// Its unescaped length.
        len: usize,
    },
    /// A subnegotiation cut off by another command, or by the end of the
    /// connection; nothing of it is delivered.
    SubnegotiationAborted {
        /// The option byte after `SB`, if one came.
        option: Option<TelnetOption>,
        /// The unescaped length seen before the cut.
        len: usize,
    },
    /// The peer started MCCP compression; what follows is decompressed
    /// before parsing (feature `mccp`).
    CompressionStart {
        /// [`TelnetOption::MCCP2`] or [`TelnetOption::MCCP3`].
        option: TelnetOption,
    },
    /// The compressed stream ended; what follows is plain telnet again.
    CompressionEnd,
}

impl Item {
    /// For a negotiation that turned an option on or off: the option, the
    /// side it is on, and whether it is now on.
    ///
    /// ```
    /// use telnet_proto::{Negotiation, Side, TelnetOption, Verb};
    /// use telnet_tokio::Item;
    ///
    /// let item = Item::Negotiation {
    ///     received: Negotiation::new(Verb::Will, TelnetOption::ECHO),
    ///     reply: Some(Negotiation::new(Verb::Do, TelnetOption::ECHO)),
    ///     changed: Some(true),
    /// };
    /// assert_eq!(item.option_change(), Some((TelnetOption::ECHO, Side::Remote, true)));
    /// ```
    pub fn option_change(&self) -> Option<(TelnetOption, Side, bool)> {
        match *self {
            Item::Negotiation {
                received,
                changed: Some(enabled),
                ..
            } => Some((received.option, received.verb.received_side(), enabled)),
            _ => None,
        }
    }

    /// The owned form of a core event that borrows nothing but static or
    /// session data; `data` turns a data slice into [`Bytes`].
    pub(crate) fn from_event(
        event: &telnet_proto::Event<'_, '_>,
        data: impl FnOnce(&[u8]) -> Bytes,
    ) -> Option<Item> {
        use telnet_proto::Event;
        Some(match *event {
            Event::Data(bytes) => Item::Data(data(bytes)),
            Event::Command(c) => Item::Command(c),
            Event::Negotiation {
                received,
                reply,
                changed,
            } => Item::Negotiation {
                received,
                reply,
                changed,
            },
            Event::Subnegotiation { option, payload } => Item::Subnegotiation {
                option,
                payload: Bytes::copy_from_slice(payload),
            },
            Event::SubnegotiationOverflow { option, len } => {
                Item::SubnegotiationOverflow { option, len }
            }
            Event::SubnegotiationAborted { option, len } => {
                Item::SubnegotiationAborted { option, len }
            }
            Event::CompressionStart { option, .. } => Item::CompressionStart { option },
            // A later core event this version does not know: nothing to
            // report in its place.
            _ => return None,
        })
    }
}
