//! An in-memory, thread-safe, bidirectional byte stream for tests and for
//! connecting two sessions inside one process.
//!
//! ```
//! use std::io::{Read, Write};
//! use telnet_std::pipe::pipe;
//!
//! let (mut a, mut b) = pipe();
//! a.write_all(b"hello").unwrap();
//! drop(a); // closes a's direction: b reads the bytes, then end of stream
//! let mut got = Vec::new();
//! b.read_to_end(&mut got).unwrap();
//! assert_eq!(got, b"hello");
//! ```

use std::collections::VecDeque;
use std::io;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::Ready;

/// One direction of a pipe.
#[derive(Debug, Default)]
struct Channel {
    state: Mutex<ChannelState>,
    readable: Condvar,
}

#[derive(Debug, Default)]
struct ChannelState {
    bytes: VecDeque<u8>,
    /// The writing end is gone or shut down: end of stream once drained.
    write_closed: bool,
    /// The reading end is gone: writes fail.
    read_closed: bool,
}

impl Channel {
    fn lock(&self) -> MutexGuard<'_, ChannelState> {
        // A panic while holding this lock leaves the queue consistent (every
        // operation on it is a single push or drain), so poisoning is ignored.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// One end of an in-memory pipe made by [`pipe`]: what one end writes the
/// other reads, in both directions.
///
/// Reads block until data arrives or the other end closes its writing
/// direction (dropped, or [`shutdown_write`](Pipe::shutdown_write)); then
/// they return 0. Writes never block (the buffer grows) and fail with
/// [`io::ErrorKind::BrokenPipe`] once the other end is dropped. Implements
/// [`Ready`], so every [`Telnet`](crate::Telnet) method works over it.
#[derive(Debug)]
pub struct Pipe {
    rx: Arc<Channel>,
    tx: Arc<Channel>,
}

/// Two connected pipe ends.
pub fn pipe() -> (Pipe, Pipe) {
    let ab = Arc::new(Channel::default());
    let ba = Arc::new(Channel::default());
    (
        Pipe {
            rx: Arc::clone(&ba),
            tx: Arc::clone(&ab),
        },
        Pipe { rx: ab, tx: ba },
    )
}

impl Pipe {
    /// Closes this end's writing direction: the other end reads what was
    /// written, then end of stream. Reading from this end goes on.
    pub fn shutdown_write(&self) {
        self.tx.lock().write_closed = true;
        self.tx.readable.notify_all();
    }
}

impl Drop for Pipe {
    fn drop(&mut self) {
        self.shutdown_write();
        self.rx.lock().read_closed = true;
    }
}

impl io::Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut state = self.rx.lock();
        while state.bytes.is_empty() && !state.write_closed {
            state = self
                .rx
                .readable
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        let n = buf.len().min(state.bytes.len());
        for (dst, src) in buf.iter_mut().zip(state.bytes.drain(..n)) {
            *dst = src;
        }
        Ok(n)
    }
}

impl io::Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut state = self.tx.lock();
        if state.read_closed {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the other end of the pipe is closed",
            ));
        }
        if state.write_closed {
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "this end's writing direction was shut down",
            ));
        }
        state.bytes.extend(buf);
        self.tx.readable.notify_all();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Ready for Pipe {
    fn wait_readable(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut state = self.rx.lock();
        loop {
            if !state.bytes.is_empty() || state.write_closed {
                return Ok(true);
            }
            state = match deadline {
                None => self
                    .rx
                    .readable
                    .wait(state)
                    .unwrap_or_else(|poisoned| poisoned.into_inner()),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Ok(false);
                    }
                    self.rx
                        .readable
                        .wait_timeout(state, deadline - now)
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .0
                }
            };
        }
    }
}
