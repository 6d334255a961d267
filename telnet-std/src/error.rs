//! The one error type of this crate.

use std::fmt;
use std::io;

/// What went wrong in a [`Telnet`](crate::Telnet) call.
///
/// The variants a caller usually tells apart are [`Error::Eof`] (the peer
/// closed the connection and everything it sent has been read) and
/// [`Error::Timeout`] (no data yet, the connection is still open). Data
/// that was already received is never lost by an error: it stays buffered
/// for the next read.
///
/// `Error` converts into [`io::Error`] (for `?` in functions that return
/// `io::Result`) with these kinds: `Io` keeps its own, `Timeout` becomes
/// [`io::ErrorKind::TimedOut`], `Eof` [`io::ErrorKind::UnexpectedEof`],
/// `Protocol` and `Decompression` [`io::ErrorKind::InvalidData`], and
/// `BufferFull` [`io::ErrorKind::OutOfMemory`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The underlying stream failed.
    Io(io::Error),
    /// The call's timeout (or the connection's default timeout) passed
    /// before the call could complete. The connection is still usable.
    Timeout,
    /// The peer closed the connection and no received data is left
    /// (telnetlib's `EOFError`).
    Eof,
    /// The peer did something this crate cannot go on from, such as
    /// starting MCCP compression when the `mccp` feature is off.
    Protocol(String),
    /// The peer's compressed (MCCP2/MCCP3) data is corrupt. The connection
    /// cannot be used any more: what follows cannot be located.
    Decompression(String),
    /// The received-data buffer holds its limit (see
    /// [`Builder::max_buffered`](crate::Builder::max_buffered)) and the call
    /// needs more: nothing was read past the limit, and the buffered data
    /// is still there for [`read_very_lazy`](crate::Telnet::read_very_lazy).
    BufferFull {
        /// The limit, in bytes.
        limit: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "telnet I/O error: {e}"),
            Error::Timeout => f.write_str("telnet operation timed out"),
            Error::Eof => f.write_str("telnet connection closed"),
            Error::Protocol(why) => write!(f, "telnet protocol error: {why}"),
            Error::Decompression(why) => write!(f, "corrupt MCCP compressed data: {why}"),
            Error::BufferFull { limit } => write!(
                f,
                "telnet receive buffer full ({limit} bytes) before the call could complete"
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    /// Wraps an I/O error; `TimedOut` and `WouldBlock` (what a socket read
    /// timeout produces) become [`Error::Timeout`].
    fn from(e: io::Error) -> Self {
        match e.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => Error::Timeout,
            _ => Error::Io(e),
        }
    }
}

impl From<telnet_proto::InvalidCommand> for Error {
    /// A command that cannot be sent: an [`Error::Io`] of kind
    /// [`io::ErrorKind::InvalidInput`] carrying it.
    fn from(e: telnet_proto::InvalidCommand) -> Self {
        Error::Io(io::Error::new(io::ErrorKind::InvalidInput, e))
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> Self {
        let kind = match &e {
            Error::Io(_) => None,
            Error::Timeout => Some(io::ErrorKind::TimedOut),
            Error::Eof => Some(io::ErrorKind::UnexpectedEof),
            Error::Protocol(_) | Error::Decompression(_) => Some(io::ErrorKind::InvalidData),
            Error::BufferFull { .. } => Some(io::ErrorKind::OutOfMemory),
        };
        match (e, kind) {
            (Error::Io(inner), _) => inner,
            (other, kind) => io::Error::new(kind.unwrap_or(io::ErrorKind::Other), other),
        }
    }
}

/// `Result<T, telnet_std::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
