//! What our servers report after serving one connection.

use std::net::SocketAddr;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use telnet_interop::PATIENCE;
use telnet_proto::{Side, TelnetOption as Opt};

/// What the server saw.
#[derive(Debug, Default)]
pub(crate) struct Report {
    /// Every TTYPE IS name, in order.
    pub(crate) ttypes: Vec<Vec<u8>>,
    /// Every NAWS payload.
    pub(crate) naws: Vec<Vec<u8>>,
    /// Every CHARSET subnegotiation from the client.
    pub(crate) charset: Vec<Vec<u8>>,
    /// All data received, as delivered by the session (CR NUL read as CR).
    pub(crate) data: Vec<u8>,
    /// Options on at the end: (side, option).
    pub(crate) enabled: Vec<(Side, Opt)>,
    /// The window size the adapter recorded, where it records one.
    pub(crate) window: Option<(u16, u16)>,
    /// The terminal type the adapter recorded, where it records one.
    pub(crate) terminal: Option<String>,
    /// Whether the adapter records the window size and terminal type
    /// itself (`window` and `terminal` are then its answers).
    pub(crate) records_peer_info: bool,
    /// How the connection ended.
    pub(crate) end: String,
}

impl Report {
    pub(crate) fn is_enabled(&self, side: Side, option: Opt) -> bool {
        self.enabled.contains(&(side, option))
    }
}

pub(crate) struct Server {
    addr: SocketAddr,
    handle: Option<JoinHandle<Report>>,
}

impl Server {
    pub(crate) fn new(addr: SocketAddr, handle: JoinHandle<Report>) -> Server {
        Server {
            addr,
            handle: Some(handle),
        }
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Waits for the connection to end (at most [`PATIENCE`] more than the
    /// server's own bound) and returns the report.
    pub(crate) fn report(mut self) -> Report {
        let handle = self.handle.take().expect("report taken once");
        let deadline = Instant::now() + PATIENCE * 2;
        while !handle.is_finished() {
            assert!(Instant::now() < deadline, "our server did not finish");
            thread::sleep(Duration::from_millis(10));
        }
        handle.join().expect("our server panicked")
    }
}
