//! libtelnet, the C library (0.21 in Debian's `libtelnet-dev`), through
//! the few declarations of `libtelnet.h` the benchmarks need.
//!
//! Its event handler folds events into a [`Tally`] exactly as
//! [`ours::run`](crate::ours::run) does: `DATA` sums bytes, `SEND` writes
//! to the sink, `IAC` counts a command, `SUBNEGOTIATION` counts payload.
//! Its telopt table accepts the same options as [`policy`](crate::policy),
//! and libtelnet implements the same RFC 1143 Q method, so on the corpora
//! it sends the same replies as our session. Differences in what is
//! delivered (checked by the tests):
//!
//! * libtelnet reports a `WILL`/`WONT`/`DO`/`DONT` event only when it
//!   changes an option's state; our session reports every negotiation;
//! * libtelnet does no NVT newline processing: it delivers CR NUL as is,
//!   where our session (in its default `Newline::Nvt` mode) drops the NUL.

#![allow(unsafe_code)]

use core::ffi::{c_char, c_int, c_short, c_uchar, c_void};
use core::ptr::NonNull;

use crate::{Tally, ACCEPT_LOCAL, ACCEPT_REMOTE};

/// `telnet_t`, opaque.
#[repr(C)]
struct TelnetT {
    _opaque: [u8; 0],
}

/// `telnet_telopt_t`.
#[repr(C)]
struct Telopt {
    telopt: c_short,
    us: c_uchar,
    him: c_uchar,
}

/// `struct data_t` and `struct subnegotiate_t` of `telnet_event_t`: the
/// event type, a buffer and its size (and, for a subnegotiation, the option).
#[repr(C)]
struct BufferEvent {
    kind: c_int,
    buffer: *const c_char,
    size: usize,
}

type Handler = unsafe extern "C" fn(*mut TelnetT, *mut c_void, *mut c_void);

extern "C" {
    fn telnet_init(
        telopts: *const Telopt,
        eh: Handler,
        flags: c_uchar,
        user_data: *mut c_void,
    ) -> *mut TelnetT;
    fn telnet_free(telnet: *mut TelnetT);
    fn telnet_recv(telnet: *mut TelnetT, buffer: *const c_char, size: usize);
}

// `enum telnet_event_type_t`.
const EV_DATA: c_int = 0;
const EV_SEND: c_int = 1;
const EV_IAC: c_int = 2;
const EV_WILL: c_int = 3;
const EV_DONT: c_int = 6;
const EV_SUBNEGOTIATION: c_int = 7;

const WILL: c_uchar = 251;
const WONT: c_uchar = 252;
const DO: c_uchar = 253;
const DONT: c_uchar = 254;

/// The telopt table: [`ACCEPT_REMOTE`] with `him = DO`, [`ACCEPT_LOCAL`]
/// with `us = WILL`, ended by `-1`.
static TELOPTS: [Telopt; 7] = [
    Telopt {
        telopt: ACCEPT_REMOTE[0] as c_short,
        us: WONT,
        him: DO,
    },
    Telopt {
        telopt: ACCEPT_REMOTE[1] as c_short,
        us: WONT,
        him: DO,
    },
    Telopt {
        telopt: ACCEPT_REMOTE[2] as c_short,
        us: WONT,
        him: DO,
    },
    Telopt {
        telopt: ACCEPT_REMOTE[3] as c_short,
        us: WONT,
        him: DO,
    },
    Telopt {
        telopt: ACCEPT_LOCAL[0] as c_short,
        us: WILL,
        him: DONT,
    },
    Telopt {
        telopt: ACCEPT_LOCAL[1] as c_short,
        us: WILL,
        him: DONT,
    },
    Telopt {
        telopt: -1,
        us: 0,
        him: 0,
    },
];

/// The storm's telopt table: both sides of every option of
/// [`storm`](crate::storm) accepted, ended by `-1`.
static STORM_TELOPTS: [Telopt; crate::storm::OPTIONS as usize + 1] = storm_telopts();

const fn storm_telopts() -> [Telopt; crate::storm::OPTIONS as usize + 1] {
    let mut table = [const {
        Telopt {
            telopt: -1,
            us: 0,
            him: 0,
        }
    }; crate::storm::OPTIONS as usize + 1];
    let mut i = 0;
    while i < crate::storm::OPTIONS as usize {
        table[i] = Telopt {
            telopt: crate::storm::FIRST_OPTION as c_short + i as c_short,
            us: WILL,
            him: DO,
        };
        i += 1;
    }
    table
}

unsafe extern "C" fn handler(_telnet: *mut TelnetT, event: *mut c_void, user: *mut c_void) {
    // SAFETY: `user` is the tally of the `Parser` that owns this
    // `telnet_t`, alive and not otherwise borrowed while `telnet_recv`
    // runs; `event` points to a `telnet_event_t`, whose first member is
    // the type, and whose `data` and `sub` members (used for the types
    // that carry them) start with a buffer and a size.
    let (tally, event) = unsafe { (&mut *user.cast::<Tally>(), &*event.cast::<BufferEvent>()) };
    tally.events += 1;
    match event.kind {
        EV_DATA => tally.data += event.size as u64,
        EV_SEND => {
            // SAFETY: libtelnet passes `size` valid bytes at `buffer`.
            let bytes =
                unsafe { core::slice::from_raw_parts(event.buffer.cast::<u8>(), event.size) };
            tally.sent.write(bytes);
        }
        EV_IAC => tally.commands += 1,
        EV_WILL..=EV_DONT => tally.negotiations += 1,
        EV_SUBNEGOTIATION => {
            tally.subnegotiations += 1;
            tally.sb_bytes += event.size as u64;
        }
        // COMPRESS, ZMP, TTYPE, ENVIRON, MSSP, WARNING, ERROR: the corpora
        // contain nothing that should cause them.
        _ => tally.anomalies += 1,
    }
}

/// A libtelnet state tracker and the tally its event handler fills.
#[derive(Debug)]
pub struct Parser {
    telnet: NonNull<TelnetT>,
    // A leaked `Box`, given to libtelnet as the handler's user data, and
    // freed in `Drop`: the handler is its only user while libtelnet runs.
    tally: NonNull<Tally>,
}

impl Parser {
    /// A tracker with the benchmarks' telopt table (see the module docs).
    pub fn new() -> Self {
        Self::with_telopts(&TELOPTS)
    }

    /// A tracker accepting both sides of the options of
    /// [`storm`](crate::storm).
    pub fn storm() -> Self {
        Self::with_telopts(&STORM_TELOPTS)
    }

    fn with_telopts(telopts: &'static [Telopt]) -> Self {
        let tally = NonNull::from(Box::leak(Box::<Tally>::default()));
        let user = tally.as_ptr().cast::<c_void>();
        // SAFETY: the table is static and ends with -1 (both tables above); the handler matches
        // `telnet_event_handler_t`; `user` outlives the tracker (both are
        // owned by the returned value, and `Drop` frees the tracker).
        let telnet = unsafe { telnet_init(telopts.as_ptr(), handler, 0, user) };
        Parser {
            telnet: NonNull::new(telnet).expect("telnet_init failed to allocate"),
            tally,
        }
    }

    /// Parses `bytes`, calling the handler for each event.
    pub fn recv(&mut self, bytes: &[u8]) {
        // SAFETY: the tracker is live; `bytes` is valid for its length; the
        // handler's `&mut Tally` is the only access during the call, as
        // `self` is borrowed mutably.
        unsafe { telnet_recv(self.telnet.as_ptr(), bytes.as_ptr().cast(), bytes.len()) }
    }

    /// What the handler has tallied so far.
    pub fn tally(&self) -> &Tally {
        // SAFETY: the tally lives as long as `self`; libtelnet touches it
        // only inside `recv`, which needs `&mut self`.
        unsafe { self.tally.as_ref() }
    }
}

impl Default for Parser {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for Parser {
    fn drop(&mut self) {
        // SAFETY: the tracker came from `telnet_init` and is freed once,
        // before the tally its handler writes to; the tally came from
        // `Box::leak` in `new`.
        unsafe {
            telnet_free(self.telnet.as_ptr());
            drop(Box::from_raw(self.tally.as_ptr()));
        }
    }
}

/// Feeds `input` to `parser` in `chunk`-byte pieces.
///
/// Never inlined, so that profilers can count its instructions alone.
#[inline(never)]
pub fn run(parser: &mut Parser, input: &[u8], chunk: usize) {
    for piece in input.chunks(chunk) {
        parser.recv(piece);
    }
}

/// A new tracker's tally of `input` fed in `chunk`-byte pieces.
pub fn parse(input: &[u8], chunk: usize) -> Tally {
    let mut parser = Parser::new();
    run(&mut parser, input, chunk);
    parser.tally().clone()
}
