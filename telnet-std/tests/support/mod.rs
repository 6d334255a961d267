//! A scripted Telnet peer on 127.0.0.1 and stream wrappers for the tests.

#![allow(
    dead_code,
    unreachable_pub,
    reason = "each test file uses part of the helpers"
)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use telnet_std::Ready;

/// Every wait in the tests is bounded by this.
pub const LIMIT: Duration = Duration::from_secs(20);

/// One step of the scripted peer.
pub enum Step {
    /// Write these bytes.
    Send(Vec<u8>),
    /// Read until these bytes have been received (after the previous
    /// `Recv`'s match).
    Recv(Vec<u8>),
    /// Read until each of these has been received after the previous
    /// `Recv`'s match, in any order.
    RecvAll(Vec<Vec<u8>>),
    /// Wait for the test's signal.
    Go,
    /// Tell the test that the script got here.
    Notify(Sender<()>),
    /// Shut down the writing direction, then read until the client closes.
    Close,
}

pub fn send(bytes: impl AsRef<[u8]>) -> Step {
    Step::Send(bytes.as_ref().to_vec())
}

pub fn recv(bytes: impl AsRef<[u8]>) -> Step {
    Step::Recv(bytes.as_ref().to_vec())
}

/// A scripted peer: accepts one connection and plays its steps.
pub struct Peer {
    pub addr: SocketAddr,
    go: Sender<()>,
    handle: Option<JoinHandle<Vec<u8>>>,
}

impl Peer {
    pub fn start(steps: Vec<Step>) -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (go, go_rx) = mpsc::channel();
        let handle = thread::spawn(move || play(listener, steps, go_rx));
        Peer {
            addr,
            go,
            handle: Some(handle),
        }
    }

    /// Lets the peer pass its next `Go`.
    pub fn go(&self) {
        let _ = self.go.send(());
    }

    /// Waits for the peer to finish; returns everything it received.
    /// Panics if the script failed (a `Recv` that never came).
    pub fn finish(mut self) -> Vec<u8> {
        let _ = self.go.send(());
        self.handle
            .take()
            .unwrap()
            .join()
            .expect("the scripted peer failed")
    }
}

fn play(listener: TcpListener, steps: Vec<Step>, go: Receiver<()>) -> Vec<u8> {
    let (mut stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    stream.set_nodelay(true).unwrap();
    let mut received = Vec::new();
    let mut matched = 0;
    let mut buf = [0u8; 4096];
    for step in steps {
        match step {
            Step::Send(bytes) => {
                // The client may already be gone in EOF tests.
                let _ = stream.write_all(&bytes);
            }
            Step::Recv(want) => loop {
                if let Some(i) = find(&received[matched..], &want) {
                    matched += i + want.len();
                    break;
                }
                match stream.read(&mut buf) {
                    Ok(0) => panic!(
                        "client closed before sending {want:02x?}; got {:02x?}",
                        &received[matched..]
                    ),
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                    Err(e) => panic!(
                        "waiting for {want:02x?}: {e}; got {:02x?}",
                        &received[matched..]
                    ),
                }
            },
            Step::RecvAll(wanted) => loop {
                let ends: Option<Vec<usize>> = wanted
                    .iter()
                    .map(|w| find(&received[matched..], w).map(|i| matched + i + w.len()))
                    .collect();
                if let Some(ends) = ends {
                    matched = ends.into_iter().max().unwrap_or(matched);
                    break;
                }
                match stream.read(&mut buf) {
                    Ok(0) => panic!("client closed before sending all of {wanted:02x?}"),
                    Ok(n) => received.extend_from_slice(&buf[..n]),
                    Err(e) => panic!("waiting for {wanted:02x?}: {e}"),
                }
            },
            Step::Go => {
                let _ = go.recv_timeout(LIMIT);
            }
            Step::Notify(tx) => {
                let _ = tx.send(());
            }
            Step::Close => break,
        }
    }
    let _ = stream.shutdown(Shutdown::Write);
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => received.extend_from_slice(&buf[..n]),
        }
    }
    received
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A stream that returns at most `max` bytes per read, so that every
/// sequence is cut at chosen points.
#[derive(Debug)]
pub struct Chunked<S> {
    pub inner: S,
    pub max: usize,
}

impl<S: Read> Read for Chunked<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.max);
        self.inner.read(&mut buf[..n])
    }
}

impl<S: Write> Write for Chunked<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<S: Ready> Ready for Chunked<S> {
    fn wait_readable(&mut self, timeout: Option<Duration>) -> io::Result<bool> {
        self.inner.wait_readable(timeout)
    }
}

/// Connects to `addr` with at most `max` bytes per read.
pub fn connect_chunked(addr: SocketAddr, max: usize) -> Chunked<TcpStream> {
    let inner = TcpStream::connect(addr).unwrap();
    inner.set_nodelay(true).unwrap();
    Chunked { inner, max }
}
