//! The one error type of this crate.

use core::fmt;
use std::io;

/// What went wrong in a [`Telnet`](crate::Telnet) session or a
/// [`TelnetCodec`](crate::TelnetCodec).
///
/// The variants keep "the connection is closed" ([`Error::Eof`]) apart from
/// "nothing came in time" ([`Error::Timeout`]) and from failures of the
/// transport ([`Error::Io`]), so a caller can tell them apart without
/// looking at error kinds. It converts into [`io::Error`] with a matching
/// [`io::ErrorKind`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The underlying stream failed (reset, broken pipe, ...).
    Io(io::Error),
    /// The timeout ran out before the call could complete.
    Timeout,
    /// The peer closed the connection and nothing is left to read.
    Eof,
    /// MCCP compressed data could not be decompressed. The stream is
    /// unusable: nothing after the corruption is parsed as telnet.
    Decompress(String),
    /// The peer did something this session cannot follow, such as starting
    /// MCCP compression while the `mccp` feature is off.
    Protocol(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io(e) => write!(f, "telnet I/O error: {e}"),
            Error::Timeout => f.write_str("telnet operation timed out"),
            Error::Eof => f.write_str("telnet connection closed by the peer"),
            Error::Decompress(msg) => write!(f, "corrupt MCCP compressed data: {msg}"),
            Error::Protocol(msg) => write!(f, "telnet protocol error: {msg}"),
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
    fn from(e: io::Error) -> Self {
        Error::Io(e)
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
        match e {
            Error::Io(e) => e,
            Error::Timeout => io::Error::new(io::ErrorKind::TimedOut, Error::Timeout),
            Error::Eof => io::Error::new(io::ErrorKind::UnexpectedEof, Error::Eof),
            other => io::Error::new(io::ErrorKind::InvalidData, other),
        }
    }
}

impl Error {
    /// Whether this is [`Error::Eof`].
    pub fn is_eof(&self) -> bool {
        matches!(self, Error::Eof)
    }

    /// Whether this is [`Error::Timeout`].
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout)
    }
}

/// The result type of this crate.
pub type Result<T, E = Error> = core::result::Result<T, E>;
