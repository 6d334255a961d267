//! Shared pieces of the fuzz targets: owned events, input chunking, the
//! configuration byte, a reference RFC 1143 table and a byte-at-a-time
//! reference parser that the real [`Session`] is compared against.
//!
//! The reference code is written from the RFCs and the crate's documented
//! behaviour, one byte at a time and without fast paths, so that it shares
//! no code (and so no bugs) with the optimised parser in `telnet-proto`.

use telnet_proto::{
    Command, Config, Event, Negotiation, Newline, OptionState, Policy, Session, Side, TelnetOption,
    Verb,
};

pub mod model;
pub mod qmethod;

/// An [`Event`] with its borrowed bytes copied, so that events can be
/// collected and compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Owned {
    /// [`Event::Data`].
    Data(Vec<u8>),
    /// [`Event::Command`].
    Command(Command),
    /// [`Event::Negotiation`].
    Negotiation {
        /// What the peer sent.
        received: Negotiation,
        /// The answer the session decided on.
        reply: Option<Negotiation>,
        /// Whether the option's side turned on or off.
        changed: Option<bool>,
    },
    /// [`Event::Subnegotiation`].
    Subnegotiation {
        /// The option.
        option: TelnetOption,
        /// The payload.
        payload: Vec<u8>,
    },
    /// [`Event::SubnegotiationOverflow`].
    Overflow {
        /// The option.
        option: TelnetOption,
        /// The full length.
        len: usize,
    },
    /// [`Event::SubnegotiationAborted`].
    Aborted {
        /// The option, if one came.
        option: Option<TelnetOption>,
        /// The length seen.
        len: usize,
    },
    /// [`Event::CompressionStart`] (the rest is handled by [`feed_all`]).
    CompressionStart {
        /// MCCP2 or MCCP3.
        option: TelnetOption,
    },
    /// An event variant added to the crate after these targets were written.
    Other(String),
}

impl Owned {
    /// Copies an event.
    pub fn from_event(event: &Event<'_, '_>) -> Owned {
        match *event {
            Event::Data(bytes) => Owned::Data(bytes.to_vec()),
            Event::Command(command) => Owned::Command(command),
            Event::Negotiation {
                received,
                reply,
                changed,
            } => Owned::Negotiation {
                received,
                reply,
                changed,
            },
            Event::Subnegotiation { option, payload } => Owned::Subnegotiation {
                option,
                payload: payload.to_vec(),
            },
            Event::SubnegotiationOverflow { option, len } => Owned::Overflow { option, len },
            Event::SubnegotiationAborted { option, len } => Owned::Aborted { option, len },
            Event::CompressionStart { option, .. } => Owned::CompressionStart { option },
            ref other => Owned::Other(format!("{other:?}")),
        }
    }
}

/// The body of the targets that take a [`Framed`] input: parses `$data`
/// (returning early if it is too short) and calls `$run::<CAP>(&framed)`
/// with the subnegotiation capacity the input chose.
#[macro_export]
macro_rules! run_framed {
    ($data:expr, $run:ident) => {
        let Some(framed) = $crate::Framed::parse($data) else {
            return;
        };
        match framed.setup.capacity {
            $crate::Capacity::Tiny => $run::<4>(&framed),
            $crate::Capacity::Small => $run::<64>(&framed),
            $crate::Capacity::Default => $run::<1024>(&framed),
        }
    };
}

/// Appends `event` to `events`, merging adjacent data.
pub fn push_merged(events: &mut Vec<Owned>, event: Owned) {
    if let Owned::Data(bytes) = &event {
        if bytes.is_empty() {
            return;
        }
        if let Some(Owned::Data(last)) = events.last_mut() {
            last.extend_from_slice(bytes);
            return;
        }
    }
    events.push(event);
}

/// Feeds `chunk` to `session` and hands every event to `on_event`, with the
/// chunk itself (for pointer checks).
///
/// After [`Event::CompressionStart`] the rest of the chunk is fed again, as
/// if decompressing were the identity: the parser must carry on from a clean
/// state. Checks that the feed consumed everything it was given, and that
/// the `rest` of a compression start is exactly the unparsed suffix.
pub fn feed_all<const CAP: usize>(
    session: &mut Session<CAP>,
    chunk: &[u8],
    mut on_event: impl FnMut(&Event<'_, '_>, &[u8]),
) {
    let mut input = chunk;
    loop {
        let mut feed = session.feed(input);
        let mut compressed = None;
        while let Some(event) = feed.poll_event() {
            on_event(&event, chunk);
            if let Event::CompressionStart { rest, .. } = event {
                assert!(
                    compressed.is_none(),
                    "a second event after CompressionStart"
                );
                compressed = Some(rest);
            }
        }
        let remaining = feed.remaining();
        match compressed {
            Some(rest) => {
                assert_eq!(
                    rest, remaining,
                    "CompressionStart's rest is not the unparsed input"
                );
                assert_eq!(
                    rest.as_ptr_range().end,
                    input.as_ptr_range().end,
                    "CompressionStart's rest is not a suffix of the input"
                );
                assert_eq!(feed.consumed() + rest.len(), input.len());
                input = rest;
            }
            None => {
                assert!(
                    remaining.is_empty(),
                    "a feed ended with {} bytes unparsed",
                    remaining.len()
                );
                assert_eq!(feed.consumed(), input.len());
                return;
            }
        }
    }
}

/// Cuts `bytes` into consecutive chunks whose sizes cycle through `sizes`
/// (a size of 0 is an empty feed). With no sizes, or only zeros, one chunk.
pub fn chunks<'a>(bytes: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    let mut out = Vec::new();
    if sizes.iter().all(|&s| s == 0) {
        if !sizes.is_empty() {
            out.push(&bytes[..0]);
        }
        out.push(bytes);
        return out;
    }
    let mut rest = bytes;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let n = usize::from(size).min(rest.len());
        let (head, tail) = rest.split_at(n);
        out.push(head);
        rest = tail;
    }
    out
}

/// The input format of the byte-stream targets (`parse`, `split`):
/// `[config, n, size_1 .. size_n, stream ...]`, where `n` is the second
/// byte's low four bits. See [`Setup`] for the configuration byte.
pub struct Framed<'a> {
    /// How the session is set up.
    pub setup: Setup,
    /// Chunk sizes, cycled (see [`chunks`]).
    pub sizes: &'a [u8],
    /// The bytes received.
    pub stream: &'a [u8],
}

impl<'a> Framed<'a> {
    /// Splits a fuzz input; `None` if it is shorter than its header.
    pub fn parse(data: &'a [u8]) -> Option<Framed<'a>> {
        let (&config, rest) = data.split_first()?;
        let (&n, rest) = rest.split_first()?;
        let n = usize::from(n & 0x0f);
        if rest.len() < n {
            return None;
        }
        let (sizes, stream) = rest.split_at(n);
        Some(Framed {
            setup: Setup::from_byte(config),
            sizes,
            stream,
        })
    }
}

/// The session's subnegotiation capacity chosen by the configuration byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Capacity {
    /// `Session::<4>`: NAWS fits, nearly everything else overflows.
    Tiny,
    /// `Session::<64>`.
    Small,
    /// The default, 1024.
    Default,
}

/// A session setup chosen by one byte.
///
/// * bits 0-1: newline mode (0 NVT, 1 Translate, 2 and 3 Raw);
/// * bit 2: manual negotiation;
/// * bits 3-4: policy (0 refuse all, 1 accept all, 2 a client's usual set,
///   3 accept all but BINARY);
/// * bits 5-6: capacity (0 tiny, 1 small, else default);
/// * bit 7: before any input, request a few options ourselves (so that
///   received negotiations meet WANTYES and WANTNO states).
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// The configuration given to `Session::new`.
    pub config: Config,
    /// The subnegotiation capacity.
    pub capacity: Capacity,
    /// Whether to make the early requests (see [`Setup::prepare`]).
    pub early_requests: bool,
}

impl Setup {
    /// Decodes the configuration byte.
    pub fn from_byte(byte: u8) -> Setup {
        let newline = match byte & 3 {
            0 => Newline::Nvt,
            1 => Newline::Translate,
            _ => Newline::Raw,
        };
        let all = {
            let mut p = Policy::new();
            for code in 0..=255u8 {
                p = p
                    .with_local(TelnetOption(code))
                    .with_remote(TelnetOption(code));
            }
            p
        };
        let policy = match (byte >> 3) & 3 {
            0 => Policy::new(),
            1 => all,
            2 => Policy::new()
                .with_local(TelnetOption::NAWS)
                .with_local(TelnetOption::TTYPE)
                .with_local(TelnetOption::TIMING_MARK)
                .with_remote(TelnetOption::ECHO)
                .with_remote(TelnetOption::SGA)
                .with_remote(TelnetOption::BINARY)
                .with_remote(TelnetOption::MCCP2)
                .with_local(TelnetOption::MCCP3)
                .with_remote(TelnetOption::EOR),
            _ => {
                let mut p = all;
                p.set(Side::Remote, TelnetOption::BINARY, false);
                p
            }
        };
        let capacity = match (byte >> 5) & 3 {
            0 => Capacity::Tiny,
            1 => Capacity::Small,
            _ => Capacity::Default,
        };
        Setup {
            config: Config::new()
                .newline(newline)
                .policy(policy)
                .manual_negotiation(byte & 4 != 0),
            capacity,
            early_requests: byte & 0x80 != 0,
        }
    }

    /// A new session for this setup, with the early requests made.
    pub fn session<const CAP: usize>(&self) -> Session<CAP> {
        let mut session = Session::new(self.config);
        if self.early_requests {
            // What is sent does not matter here, only the states it leaves.
            let _ = session.enable(Side::Remote, TelnetOption::BINARY);
            let _ = session.enable(Side::Remote, TelnetOption::ECHO);
            let _ = session.enable(Side::Local, TelnetOption::NAWS);
            let _ = session.enable(Side::Remote, TelnetOption::MCCP2);
            let _ = session.enable(Side::Local, TelnetOption::SGA);
            let _ = session.disable(Side::Local, TelnetOption::SGA); // WANTYES, queued off
            let _ = session.enable(Side::Remote, TelnetOption::EOR);
            let _ = session.disable(Side::Remote, TelnetOption::EOR);
            let _ = session.enable(Side::Remote, TelnetOption::EOR); // back to WANTYES, queue empty
        }
        session
    }
}

/// Every `(side, option)` pair.
pub fn all_sides() -> impl Iterator<Item = (Side, TelnetOption)> {
    (0..=255u8).flat_map(|code| {
        [Side::Local, Side::Remote]
            .into_iter()
            .map(move |side| (side, TelnetOption(code)))
    })
}

/// The negotiation verb that asks to turn `side` on (`true`) or off.
pub fn verb_for(side: Side, enable: bool) -> Verb {
    match (side, enable) {
        (Side::Local, true) => Verb::Will,
        (Side::Local, false) => Verb::Wont,
        (Side::Remote, true) => Verb::Do,
        (Side::Remote, false) => Verb::Dont,
    }
}

/// Which side a received verb is about, and whether it asks for "on".
pub fn received_side(verb: Verb) -> (Side, bool) {
    match verb {
        Verb::Will => (Side::Remote, true),
        Verb::Wont => (Side::Remote, false),
        Verb::Do => (Side::Local, true),
        Verb::Dont => (Side::Local, false),
    }
}

/// Whether an option state is a settled one (no request pending).
pub fn settled(state: OptionState) -> bool {
    matches!(state, OptionState::Yes | OptionState::No)
}

pub mod codec;
