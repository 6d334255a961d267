//! STATUS (RFC 859): one side tells the other which options it believes
//! are in force.
//!
//! ```notrust
//! RFC 859, sections 2 and 5:
//!   IAC SB STATUS SEND IAC SE        (SEND = 1) sent by the side that
//!                                    sent DO STATUS
//!   IAC SB STATUS IS ... IAC SE      (IS = 0) sent by the side that
//!                                    sent WILL STATUS
//!   IS lists WILL <option> and DO <option> for the options in force,
//!   and SB <option> <parameters> SE for their subnegotiation state,
//!   SB ending with a bare SE rather than IAC SE; a data byte equal
//!   to SE is sent doubled (SE SE). Options not listed are off.
//! ```
//!
//! [`Status::Is`] iterates over the listed [`StatusItem`]s without
//! allocating. `WONT` and `DONT` entries, which some implementations list,
//! are accepted too. An embedded SB's parameters are [`Params`], which
//! borrow the payload with SE still doubled. [`encode_is`] writes the IS
//! that describes a [`Session`]'s option table. The format is canonical.
//!
//! ```
//! use telnet_proto::options::status::{Status, StatusItem};
//! use telnet_proto::options::OptionPayload;
//! use telnet_proto::{Negotiation, TelnetOption, Verb};
//!
//! // WILL ECHO, DO SGA, and the terminal type in an embedded SB.
//! let status = Status::decode(b"\x00\xfb\x01\xfd\x03\xfa\x18\x00vt100\xf0")?;
//! let items: Vec<_> = status.items().collect();
//! assert_eq!(items[0], StatusItem::Negotiation(Negotiation::new(Verb::Will, TelnetOption::ECHO)));
//! assert_eq!(items[1], StatusItem::Negotiation(Negotiation::new(Verb::Do, TelnetOption::SGA)));
//! let StatusItem::Subnegotiation { option, params } = items[2] else { unreachable!() };
//! assert_eq!(option, TelnetOption::TTYPE);
//! assert!(params.eq_bytes(b"\x00vt100"));
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use core::fmt;

use super::{frame, DecodeError, OptionPayload, PayloadSink};
use crate::consts::{SB, SE};
use crate::encode::BufferTooSmall;
use crate::{Negotiation, Session, Side, TelnetOption, Verb};

/// The IS code (0).
pub const IS: u8 = 0;
/// The SEND code (1).
pub const SEND: u8 = 1;

/// The parameters of an embedded SB: borrowed, with SE doubled as on the
/// wire (received) or plain (to send).
#[derive(Clone, Copy)]
pub struct Params<'a> {
    bytes: &'a [u8],
    doubled: bool,
}

impl<'a> Params<'a> {
    /// Plain parameters to send; SE bytes are doubled when encoded.
    pub const fn new(plain: &'a [u8]) -> Self {
        Params {
            bytes: plain,
            doubled: false,
        }
    }

    /// The bytes as carried (SE doubled when received).
    pub fn raw(&self) -> &'a [u8] {
        self.bytes
    }

    /// The parameters, one byte at a time, SE undoubled.
    pub fn bytes(&self) -> ParamBytes<'a> {
        ParamBytes {
            rest: self.bytes,
            doubled: self.doubled,
        }
    }

    /// Whether the undoubled parameters are `other`.
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        self.bytes().eq(other.iter().copied())
    }

    /// Writes the undoubled parameters at the start of `buf` and returns
    /// them; if they do not fit, writes nothing and says how much room they
    /// need.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], BufferTooSmall> {
        let required = self.bytes().count();
        if buf.len() < required {
            return Err(BufferTooSmall {
                required,
                available: buf.len(),
            });
        }
        for (slot, byte) in buf.iter_mut().zip(self.bytes()) {
            *slot = byte;
        }
        Ok(&buf[..required])
    }

    fn write(&self, sink: &mut (impl PayloadSink + ?Sized)) {
        if self.doubled {
            sink.put(self.bytes);
            return;
        }
        let mut start = 0;
        for (i, &byte) in self.bytes.iter().enumerate() {
            if byte == SE {
                sink.put(&self.bytes[start..=i]);
                sink.put(&[SE]);
                start = i + 1;
            }
        }
        sink.put(&self.bytes[start..]);
    }
}

impl PartialEq for Params<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes().eq(other.bytes())
    }
}

impl Eq for Params<'_> {}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.bytes()).finish()
    }
}

/// The bytes of [`Params`], SE undoubled.
#[derive(Clone, Debug)]
pub struct ParamBytes<'a> {
    rest: &'a [u8],
    doubled: bool,
}

impl Iterator for ParamBytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        // Received parameters hold SE only as SE SE.
        self.rest = if self.doubled && first == SE {
            rest.get(1..).unwrap_or_default()
        } else {
            rest
        };
        Some(first)
    }
}

/// One entry of a STATUS IS list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StatusItem<'a> {
    /// `WILL x` (the sender performs x), `DO x` (the sender asked the
    /// receiver to perform x); `WONT`/`DONT` where a peer lists them.
    Negotiation(Negotiation),
    /// `SB x <params> SE`: the subnegotiation state of x.
    Subnegotiation {
        /// The option.
        option: TelnetOption,
        /// Its parameters.
        params: Params<'a>,
    },
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    /// A checked list.
    Wire(&'a [u8]),
    /// Items to send.
    List(&'a [StatusItem<'a>]),
}

/// The list of a STATUS IS.
#[derive(Clone, Copy, Debug)]
pub struct StatusList<'a>(Repr<'a>);

impl<'a> StatusList<'a> {
    /// A list of items to send.
    pub const fn new(items: &'a [StatusItem<'a>]) -> Self {
        StatusList(Repr::List(items))
    }

    /// The items, in order.
    pub fn iter(&self) -> Items<'a> {
        Items(self.0)
    }
}

impl PartialEq for StatusList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for StatusList<'_> {}

/// The items of a [`StatusList`].
#[derive(Clone, Debug)]
pub struct Items<'a>(Repr<'a>);

/// Where the parameters of an SB that starts at `at` end (the index of the
/// closing single SE), or an error.
fn params_end(payload: &[u8], mut at: usize) -> Result<usize, DecodeError> {
    loop {
        match payload.get(at) {
            None => {
                return Err(DecodeError::MissingTerminator {
                    offset: payload.len(),
                })
            }
            Some(&SE) if payload.get(at + 1) == Some(&SE) => at += 2,
            Some(&SE) => return Ok(at),
            Some(_) => at += 1,
        }
    }
}

/// The item at the start of `list` and its length; `base` is the offset
/// of `list` in the payload, for errors.
fn item(list: &[u8], base: usize) -> Result<(StatusItem<'_>, usize), DecodeError> {
    let &code = list
        .first()
        .ok_or(DecodeError::Truncated { offset: base })?;
    let option = |at: usize| {
        list.get(at)
            .map(|&o| TelnetOption(o))
            .ok_or(DecodeError::Truncated { offset: base + at })
    };
    if let Some(verb) = Verb::from_byte(code) {
        return Ok((
            StatusItem::Negotiation(Negotiation::new(verb, option(1)?)),
            2,
        ));
    }
    if code == SB {
        let option = option(1)?;
        let end = params_end(list, 2).map_err(|e| match e {
            DecodeError::MissingTerminator { offset } => DecodeError::MissingTerminator {
                offset: base + offset,
            },
            other => other,
        })?;
        let params = Params {
            bytes: &list[2..end],
            doubled: true,
        };
        return Ok((StatusItem::Subnegotiation { option, params }, end + 1));
    }
    Err(DecodeError::UnexpectedByte {
        offset: base,
        byte: code,
    })
}

impl<'a> Iterator for Items<'a> {
    type Item = StatusItem<'a>;

    fn next(&mut self) -> Option<StatusItem<'a>> {
        match &mut self.0 {
            Repr::Wire(rest) => {
                // The list was checked when decoded, so `item` succeeds
                // until the list is empty.
                let (found, len) = item(rest, 0).ok()?;
                *rest = &rest[len..];
                Some(found)
            }
            Repr::List(list) => {
                let (&first, tail) = list.split_first()?;
                *list = tail;
                Some(first)
            }
        }
    }
}

/// A STATUS subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Status<'a> {
    /// `SEND`: asks the peer for its view of the options.
    Send,
    /// `IS <list>`: the sender's view.
    Is(StatusList<'a>),
}

impl<'a> Status<'a> {
    /// The items of an IS (none for SEND).
    pub fn items(&self) -> Items<'a> {
        match self {
            Status::Send => StatusList::new(&[]).iter(),
            Status::Is(list) => list.iter(),
        }
    }
}

fn write_item(item: &StatusItem<'_>, sink: &mut (impl PayloadSink + ?Sized)) {
    match item {
        StatusItem::Negotiation(n) => sink.put(&[n.verb.to_byte(), n.option.0]),
        StatusItem::Subnegotiation { option, params } => {
            sink.put(&[SB, option.0]);
            params.write(sink);
            sink.put(&[SE]);
        }
    }
}

impl<'a> OptionPayload<'a> for Status<'a> {
    const OPTION: TelnetOption = TelnetOption::STATUS;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        match super::first(payload)? {
            SEND if payload.len() == 1 => Ok(Status::Send),
            SEND => Err(DecodeError::TrailingBytes { offset: 1 }),
            IS => {
                let mut at = 1;
                while at < payload.len() {
                    at += item(&payload[at..], at)?.1;
                }
                Ok(Status::Is(StatusList(Repr::Wire(&payload[1..]))))
            }
            byte => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match self {
            Status::Send => sink.put(&[SEND]),
            Status::Is(list) => {
                sink.put(&[IS]);
                for item in list.iter() {
                    write_item(&item, sink);
                }
            }
        }
    }
}

/// Writes `IAC SB STATUS IS ... IAC SE` describing `session`: `WILL x` for
/// each option on for our side, `DO x` for each option on for the peer's,
/// in option order (RFC 859; options left out are off). Nothing is
/// written when `dst` is too small. TIMING-MARK has no state and is never
/// listed.
pub fn encode_is<const N: usize>(
    session: &Session<N>,
    dst: &mut [u8],
) -> Result<usize, BufferTooSmall> {
    let write = |sink: &mut dyn PayloadSink| {
        sink.put(&[IS]);
        for code in 0..=255u8 {
            let option = TelnetOption(code);
            if session.is_enabled(Side::Local, option) {
                sink.put(&[Verb::Will.to_byte(), code]);
            }
            if session.is_enabled(Side::Remote, option) {
                sink.put(&[Verb::Do.to_byte(), code]);
            }
        }
    };
    frame(TelnetOption::STATUS, &write, dst)
}
