//! Ports on 127.0.0.1, and a recording proxy.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::transcript::{Chunk, Dir, Transcript};

/// A port on 127.0.0.1 that was free a moment ago: bound to port 0, read,
/// released. For peers that must be told their port on the command line.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("binding 127.0.0.1:0 failed")
        .port()
}

/// Waits until some process listens on TCP `port` (on 127.0.0.1 or on
/// every interface), at most `timeout`. Looks at `/proc/net/tcp{,6}`
/// instead of connecting, so that one-connection peers are not used up.
pub fn wait_listening(port: u16, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    let wanted = format!(":{port:04X}");
    loop {
        for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
            let text = std::fs::read_to_string(table).unwrap_or_default();
            let listening = text.lines().skip(1).any(|line| {
                let mut fields = line.split_whitespace();
                let local = fields.nth(1).unwrap_or("");
                let state = fields.nth(1).unwrap_or("");
                local.ends_with(&wanted) && state == "0A"
            });
            if listening {
                return Ok(());
            }
        }
        if Instant::now() >= deadline {
            return Err(format!("nothing listens on port {port} after {timeout:?}"));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// A TCP proxy between one client and one server that records every byte
/// in both directions with the time it passed.
///
/// The client connects to [`Recorder::addr`]; the recorder then connects to
/// the server and copies bytes both ways until each side has closed. Dropping
/// it closes both connections.
#[derive(Debug)]
pub struct Recorder {
    addr: SocketAddr,
    chunks: Arc<Mutex<Vec<Chunk>>>,
    closed_directions: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    sockets: Arc<Mutex<Vec<TcpStream>>>,
    error: Arc<Mutex<Option<String>>>,
}

impl Recorder {
    /// Listens on a free port of 127.0.0.1 for one client, to be relayed to
    /// the server at `server`.
    pub fn start(server: SocketAddr) -> Recorder {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("binding the recorder's port failed");
        let addr = listener.local_addr().expect("recorder address");
        let recorder = Recorder {
            addr,
            chunks: Arc::default(),
            closed_directions: Arc::default(),
            stop: Arc::default(),
            sockets: Arc::default(),
            error: Arc::default(),
        };
        let chunks = Arc::clone(&recorder.chunks);
        let closed = Arc::clone(&recorder.closed_directions);
        let stop = Arc::clone(&recorder.stop);
        let sockets = Arc::clone(&recorder.sockets);
        let error = Arc::clone(&recorder.error);
        thread::spawn(move || {
            let started = Instant::now();
            let fail = |message: String| *error.lock().unwrap() = Some(message);
            listener
                .set_nonblocking(true)
                .expect("nonblocking listener");
            let client = loop {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                match listener.accept() {
                    Ok((stream, _)) => break stream,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        if started.elapsed() > Duration::from_secs(120) {
                            return fail("no client connected to the recorder".into());
                        }
                        thread::sleep(Duration::from_millis(10));
                    }
                    Err(e) => return fail(format!("recorder accept failed: {e}")),
                }
            };
            let server = match TcpStream::connect_timeout(&server, Duration::from_secs(10)) {
                Ok(s) => s,
                Err(e) => {
                    let _ = client.shutdown(Shutdown::Both);
                    return fail(format!(
                        "recorder could not connect to the server {server}: {e}"
                    ));
                }
            };
            let _ = client.set_nonblocking(false);
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            {
                let mut held = sockets.lock().unwrap();
                for s in [&client, &server] {
                    if let Ok(clone) = s.try_clone() {
                        held.push(clone);
                    }
                }
            }
            if stop.load(Ordering::SeqCst) {
                let _ = client.shutdown(Shutdown::Both);
                let _ = server.shutdown(Shutdown::Both);
                return;
            }
            let pumps = [
                (client.try_clone(), server.try_clone(), Dir::ToServer),
                (server.try_clone(), client.try_clone(), Dir::ToClient),
            ];
            for (from, to, dir) in pumps {
                let (Ok(from), Ok(to)) = (from, to) else {
                    return fail("recorder could not clone its sockets".into());
                };
                let chunks = Arc::clone(&chunks);
                let closed = Arc::clone(&closed);
                thread::spawn(move || pump(from, to, dir, started, &chunks, &closed));
            }
        });
        recorder
    }

    /// Where the client should connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The recorder's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Everything recorded so far.
    pub fn transcript(&self) -> Transcript {
        Transcript::new(self.chunks.lock().unwrap().clone())
    }

    /// Whether both directions have ended (each side closed or failed).
    pub fn is_closed(&self) -> bool {
        self.closed_directions.load(Ordering::SeqCst) >= 2
    }

    /// A problem the recorder had (no client, server unreachable).
    pub fn error(&self) -> Option<String> {
        self.error.lock().unwrap().clone()
    }

    /// Waits until `done` holds for the transcript, at most `timeout`.
    /// `Err` carries the transcript as it was, for the failure message.
    pub fn wait_until(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&Transcript) -> bool,
    ) -> Result<Transcript, String> {
        let deadline = Instant::now() + timeout;
        loop {
            let transcript = self.transcript();
            if done(&transcript) {
                return Ok(transcript);
            }
            if let Some(e) = self.error() {
                return Err(format!("{e}\n{transcript}"));
            }
            if self.is_closed() || Instant::now() >= deadline {
                let why = if self.is_closed() {
                    "the connection closed".to_owned()
                } else {
                    format!("{timeout:?} passed")
                };
                return Err(format!(
                    "{why} before the awaited condition held; transcript:\n{transcript}"
                ));
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until both directions have closed, at most `timeout`.
    pub fn wait_closed(&self, timeout: Duration) -> Result<Transcript, String> {
        let deadline = Instant::now() + timeout;
        while !self.is_closed() {
            if Instant::now() >= deadline {
                return Err(format!(
                    "the connection did not close within {timeout:?}; transcript:\n{}",
                    self.transcript()
                ));
            }
            thread::sleep(Duration::from_millis(10));
        }
        Ok(self.transcript())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for socket in self.sockets.lock().unwrap().iter() {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }
}

fn pump(
    mut from: TcpStream,
    mut to: TcpStream,
    dir: Dir,
    started: Instant,
    chunks: &Mutex<Vec<Chunk>>,
    closed: &AtomicUsize,
) {
    let mut buf = [0u8; 16384];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                chunks.lock().unwrap().push(Chunk {
                    at: started.elapsed(),
                    dir,
                    bytes: buf[..n].to_vec(),
                });
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    // Pass the end on: the other side sees EOF once its peer is done.
    let _ = to.shutdown(Shutdown::Write);
    closed.fetch_add(1, Ordering::SeqCst);
}
