//! [`Ready`]: streams that can say whether a read would block.

use std::io;
use std::net::TcpStream;
use std::time::Duration;

/// A stream that can wait, for a bounded time, until a read would not block.
///
/// Timeouts and the non-blocking reads of [`Telnet`](crate::Telnet)
/// ([`read_eager`](crate::Telnet::read_eager),
/// [`read_very_eager`](crate::Telnet::read_very_eager), every `*_timeout`
/// method and the connection's default timeout) are built on this trait.
/// It is implemented for [`TcpStream`], for the in-memory
/// [`Pipe`](crate::pipe::Pipe), and forwarded through `&mut S` and
/// `Box<S>`.
///
/// A stream that cannot tell (a plain file, a serial port without a poll
/// interface) can be wrapped in [`AssumeReady`], which answers "ready" every
/// time: reads then block until data or end of stream arrives, timeouts are
/// not enforced, and the eager reads behave like
/// [`read_some`](crate::Telnet::read_some) when nothing is buffered.
pub trait Ready {
    /// Waits until a read would return at once (data, end of stream or an
    /// error are all "ready"), or until `timeout` passes. `None` waits
    /// without a limit; a zero duration only checks.
    ///
    /// Returns `Ok(true)` when a read would not block, `Ok(false)` on
    /// timeout.
    fn wait_readable(&mut self, timeout: Option<Duration>) -> io::Result<bool>;
}

impl<R: Ready + ?Sized> Ready for &mut R {
    fn wait_readable(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        (**self).wait_readable(timeout)
    }
}

impl<R: Ready + ?Sized> Ready for Box<R> {
    fn wait_readable(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        (**self).wait_readable(timeout)
    }
}

/// Peeks one byte: data or end of stream means ready.
fn peek_ready(result: io::Result<usize>) -> io::Result<bool> {
    match result {
        Ok(_) => Ok(true),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
            ) =>
        {
            Ok(false)
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(false),
        // A pending error (connection reset...) is reported by the read.
        Err(_) => Ok(true),
    }
}

impl Ready for TcpStream {
    /// Peeks at the socket: with `set_nonblocking` for a zero timeout, with
    /// a temporary read timeout otherwise. The socket's own read timeout and
    /// blocking mode are restored before returning.
    fn wait_readable(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        let mut byte = [0u8; 1];
        match timeout {
            None => Ok(true),
            Some(t) if t.is_zero() => {
                self.set_nonblocking(true)?;
                let result = peek_ready(self.peek(&mut byte));
                self.set_nonblocking(false)?;
                result
            }
            Some(t) => {
                let before = self.read_timeout()?;
                self.set_read_timeout(Some(t))?;
                let result = peek_ready(self.peek(&mut byte));
                self.set_read_timeout(before)?;
                result
            }
        }
    }
}

/// A stream wrapper for streams that cannot tell whether data is ready:
/// every [`wait_readable`](Ready::wait_readable) answers "ready".
///
/// With it, reads block until the stream returns, timeouts are not
/// enforced (a read may wait longer than asked), and
/// [`read_eager`](crate::Telnet::read_eager) /
/// [`read_very_eager`](crate::Telnet::read_very_eager) read once from the
/// stream when nothing is buffered. Use it for files, serial ports with
/// their own read timeouts, and other streams without a poll interface.
#[derive(Debug, Default, Clone)]
pub struct AssumeReady<S>(pub S);

impl<S> Ready for AssumeReady<S> {
    fn wait_readable(&mut self, _timeout: Option<Duration>) -> io::Result<bool> {
        Ok(true)
    }
}

impl<S: io::Read> io::Read for AssumeReady<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl<S: io::Write> io::Write for AssumeReady<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
