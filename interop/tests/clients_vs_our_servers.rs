//! Real Telnet clients against our servers, one written with `telnet-tokio`
//! (tests/support/tokio_server.rs) and one with `telnet-std`
//! (tests/support/std_server.rs), with a recorder between client and
//! server. Every test runs against both.
//!
//! What each client sends, learnt by running it against a raw socket that
//! sent `DO TTYPE, DO NAWS, WILL ECHO, WILL SGA, DO NEW-ENVIRON,
//! DO CHARSET, DO TSPEED, DO XDISPLOC` (asserted below where it matters):
//!
//! * inetutils telnet: `WILL TTYPE, WILL NAWS` + the size at once (0x0 when
//!   its terminal has no size, hence `stty rows 24 cols 80`), `DO ECHO,
//!   DO SGA, WILL NEW-ENVIRON, WONT CHARSET, WILL TSPEED, WONT XDISPLOC`.
//!   TTYPE IS is `$TERM` in upper case, the same at every SEND. In
//!   character mode Enter is CR NUL, a typed LF goes as a bare LF. Its stdin
//!   at EOF becomes a typed ^D.
//! * busybox telnet: the same opening but refuses NEW-ENVIRON, TSPEED;
//!   TTYPE IS is `$TERM` as is; Enter (CR or LF) goes as CR LF; 0xFF is
//!   doubled.
//! * libtelnet telnet-client: `WILL TTYPE, WONT NAWS, DO ECHO, DONT SGA`
//!   and refuses the rest; reads lines from stdin (no terminal needed) and
//!   sends each newline as CR LF.
//! * tintin++: `WILL TTYPE, WILL NAWS` + size, `DO ECHO, DO SGA,
//!   WILL NEW-ENVIRON, WILL CHARSET, WILL TSPEED`; TTYPE cycles `TINTIN++`,
//!   then `$TERM`, then `MTTS 271` repeated (MTTS); answers a CHARSET
//!   REQUEST `;UTF-8` with ACCEPTED `UTF-8`. Enter is CR LF.
//! * telnetlib3 client: `WILL TTYPE, WILL NAWS` + size, `DO ECHO, DO SGA,
//!   WILL NEW-ENVIRON, WILL CHARSET, WILL TSPEED, WILL XDISPLOC`; its CLI
//!   sends a bare CR for Enter (no NUL). Here it runs as a library
//!   (peers/telnetlib3_client.py) with encoding off.
//! * Python telnetlib: refuses every option, and answers DONT/WONT too.

mod support;

use support::report::{Report, Server};
use telnet_interop::{contains, escape, peers, Dir, Peer, Recorder, Transcript, PATIENCE};
use telnet_proto::{Side, TelnetOption as Opt, Verb};

/// The greeting as it goes on the wire (`\n` as CR LF, 0xFF doubled) and
/// as the client decodes it.
const GREETING_DECODED: &[u8] = b"interop server \xff ready\r\n";

type Start = fn() -> Server;

struct Run {
    server: Server,
    recorder: Recorder,
}

fn start(start_server: Start) -> Run {
    let server = start_server();
    let recorder = Recorder::start(server.addr());
    Run { server, recorder }
}

impl Run {
    fn wait(&self, peer: &Peer, what: &str, done: impl FnMut(&Transcript) -> bool) -> Transcript {
        self.recorder
            .wait_until(PATIENCE, done)
            .unwrap_or_else(|e| panic!("waiting for {what}: {e}\n{}", peer.describe_output()))
    }

    /// Waits for both directions to close, then for the server's report.
    fn finish(self, peer: &Peer) -> (Transcript, Report) {
        let t = self
            .recorder
            .wait_closed(PATIENCE)
            .unwrap_or_else(|e| panic!("{e}\n{}", peer.describe_output()));
        let report = self.server.report();
        (t, report)
    }
}

fn server_checks(t: &Transcript, report: &Report) {
    t.assert_negotiation_clean(Dir::ToClient);
    t.assert_negotiations_at_most(40);
    assert!(
        contains(&t.data(Dir::ToClient), GREETING_DECODED),
        "greeting\n{t}"
    );
    assert_eq!(report.end, "the client closed", "{t}");
    if report.records_peer_info {
        // The adapter's own record agrees with the last NAWS and TTYPE IS.
        let window = report.naws.last().map(|p| {
            (
                u16::from_be_bytes([p[0], p[1]]),
                u16::from_be_bytes([p[2], p[3]]),
            )
        });
        assert_eq!(report.window, window, "{t}");
        let terminal = report
            .ttypes
            .last()
            .map(|n| String::from_utf8_lossy(n).into_owned());
        assert_eq!(report.terminal, terminal, "{t}");
    }
}

fn inetutils_telnet(server: Start) {
    let run = start(server);
    let mut peer = peers::inetutils_telnet(run.recorder.port());
    run.wait(&peer, "the greeting and NAWS", |t| {
        contains(&t.data(Dir::ToClient), GREETING_DECODED)
            && !t.subnegotiations(Dir::ToServer, Opt::NAWS).is_empty()
            && t.subnegotiations(Dir::ToServer, Opt::TTYPE).len() >= 2
    });
    // Typed on its terminal: Enter is CR, sent as CR NUL.
    peer.write_stdin(b"typed \xc3\xa9\r");
    run.wait(&peer, "the echo", |t| {
        contains(&t.data(Dir::ToClient), b"typed \xc3\xa9\r\0")
    });
    // Escape to its command prompt and quit.
    peer.write_stdin(b"\x1d");
    peer.wait_for_stdout(b"telnet>", PATIENCE).unwrap();
    peer.write_stdin(b"quit\r");
    let (t, report) = run.finish(&peer);

    server_checks(&t, &report);
    assert_eq!(report.naws, [[0, 80, 0, 24]], "{t}");
    assert_eq!(report.ttypes, [b"XTERM".to_vec(), b"XTERM".to_vec()], "{t}");
    assert!(
        contains(&t.raw(Dir::ToServer), b"typed \xc3\xa9\r\0"),
        "{t}"
    );
    assert!(
        contains(&report.data, b"typed \xc3\xa9\r"),
        "{}",
        escape(&report.data)
    );
    assert!(!contains(&report.data, b"\r\0"), "{}", escape(&report.data));
    // It showed what we sent, 0xFF included.
    assert!(
        contains(&peer.stdout(), b"interop server \xff ready"),
        "{}",
        peer.describe_output()
    );
}

fn busybox_telnet(server: Start) {
    let run = start(server);
    let mut peer = peers::busybox_telnet(run.recorder.port());
    run.wait(&peer, "the greeting and NAWS", |t| {
        contains(&t.data(Dir::ToClient), GREETING_DECODED)
            && !t.subnegotiations(Dir::ToServer, Opt::NAWS).is_empty()
            && t.subnegotiations(Dir::ToServer, Opt::TTYPE).len() >= 2
    });
    peer.write_stdin(b"bb \xff\xc3\xa9\r");
    run.wait(&peer, "the echo", |t| {
        contains(&t.data(Dir::ToClient), b"bb \xff\xc3\xa9\r\n")
    });
    // Its escape menu: "e  exit telnet".
    peer.write_stdin(b"\x1d");
    peer.wait_for_stdout(b"Console escape", PATIENCE).unwrap();
    peer.write_stdin(b"e");
    let _ = peer.wait_exit(PATIENCE);
    let (t, report) = run.finish(&peer);

    server_checks(&t, &report);
    assert_eq!(report.naws, [[0, 80, 0, 24]], "{t}");
    assert_eq!(report.ttypes, [b"xterm".to_vec(), b"xterm".to_vec()], "{t}");
    assert!(
        contains(&t.raw(Dir::ToServer), b"bb \xff\xff\xc3\xa9\r\n"),
        "{t}"
    );
    assert!(
        contains(&report.data, b"bb \xff\xc3\xa9\r\n"),
        "{}",
        escape(&report.data)
    );
}

fn libtelnet_client(server: Start) {
    let run = start(server);
    let mut peer = peers::libtelnet_client(run.recorder.port());
    run.wait(&peer, "the greeting and TTYPE", |t| {
        contains(&t.data(Dir::ToClient), GREETING_DECODED)
            && t.subnegotiations(Dir::ToServer, Opt::TTYPE).len() >= 2
    });
    peer.write_stdin(b"lib \xff telnet\n");
    run.wait(&peer, "the echo", |t| {
        contains(&t.data(Dir::ToClient), b"lib \xff telnet\r\n")
    });
    peer.wait_for_stdout(b"lib \xff telnet", PATIENCE).unwrap();
    // At the end of its input it does not hang up; it is stopped instead.
    drop(peer);
    let (t, report) = run.finish_any();

    server_checks(&t, &report);
    assert!(t.sent(Dir::ToServer, Verb::Wont, Opt::NAWS), "{t}");
    assert!(report.naws.is_empty());
    assert_eq!(report.ttypes, [b"xterm".to_vec(), b"xterm".to_vec()], "{t}");
    assert!(
        contains(&report.data, b"lib \xff telnet\r\n"),
        "{}",
        escape(&report.data)
    );
}

fn python_telnetlib(server: Start) {
    let run = start(server);
    let payload = b"tl \xff\r\n";
    let mut peer = peers::telnetlib_client(run.recorder.port(), payload, b"tl \xff");
    peer.wait_exit(PATIENCE).unwrap();
    let greeting = peer.wait_for_line("GREETING", PATIENCE).unwrap();
    let echoed = peer.wait_for_line("ECHOED", PATIENCE).unwrap();
    let (t, report) = run.finish(&peer);

    server_checks(&t, &report);
    assert_eq!(peers::unhex(&greeting), GREETING_DECODED, "{t}");
    assert_eq!(peers::unhex(&echoed), b"tl \xff", "{t}");
    // telnetlib refused everything: nothing is on.
    assert!(report.enabled.is_empty(), "{:?}\n{t}", report.enabled);
    assert_eq!(report.data, payload, "{t}");
}

fn telnetlib3_client(server: Start) {
    let run = start(server);
    let payload = b"t3 \xff\x00\r\n";
    let mut peer = peers::telnetlib3_client(run.recorder.port(), payload, b"t3 \xff");
    peer.wait_exit(PATIENCE).unwrap();
    let greeting = peer.wait_for_line("GREETING", PATIENCE).unwrap();
    let echoed = peer.wait_for_line("ECHOED", PATIENCE).unwrap();
    let (t, report) = run.finish(&peer);

    server_checks(&t, &report);
    assert!(
        contains(&peers::unhex(&greeting), b"ready"),
        "{greeting}\n{t}"
    );
    assert!(
        contains(&peers::unhex(&echoed), b"t3 \xff"),
        "{echoed}\n{t}"
    );
    assert_eq!(report.naws, [[0, 100, 0, 30]], "{t}");
    assert_eq!(
        report.ttypes.first().map(Vec::as_slice),
        Some(&b"xterm-interop"[..]),
        "{t}"
    );
    assert!(
        contains(&report.data, b"t3 \xff\x00\r\n"),
        "{}",
        escape(&report.data)
    );
}

fn tintin(server: Start) {
    let run = start(server);
    let mut peer = peers::tintin(run.recorder.port());
    run.wait(&peer, "the greeting, NAWS and the TTYPE cycle", |t| {
        contains(&t.data(Dir::ToClient), GREETING_DECODED)
            && !t.subnegotiations(Dir::ToServer, Opt::NAWS).is_empty()
            && t.subnegotiations(Dir::ToServer, Opt::TTYPE)
                .iter()
                .filter(|p| p.starts_with(b"\0MTTS"))
                .count()
                >= 2
    });
    peer.write_stdin(b"tintin says hi\r");
    run.wait(&peer, "the echo", |t| {
        contains(&t.data(Dir::ToClient), b"tintin says hi\r\n")
    });
    // `#zap` closes the session (the connection); `#end` quits tintin++.
    peer.write_stdin(b"#zap\r");
    let (t, report) = run.finish(&peer);
    peer.write_stdin(b"#end\r");
    let _ = peer.wait_exit(PATIENCE);

    server_checks(&t, &report);
    assert_eq!(report.naws, [[0, 80, 0, 24]], "{t}");
    let names: Vec<String> = report
        .ttypes
        .iter()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect();
    assert_eq!(names, ["TINTIN++", "xterm", "MTTS 271", "MTTS 271"], "{t}");
    assert!(report.is_enabled(Side::Local, Opt::CHARSET), "{t}");
    assert_eq!(
        report.charset,
        [b"\x02UTF-8".to_vec()],
        "CHARSET ACCEPTED UTF-8\n{t}"
    );
    assert!(
        contains(&report.data, b"tintin says hi\r\n"),
        "{}",
        escape(&report.data)
    );
}

impl Run {
    /// Like [`Run::finish`] for a peer already stopped.
    fn finish_any(self) -> (Transcript, Report) {
        let t = self.recorder.wait_closed(PATIENCE).unwrap();
        (t, self.server.report())
    }
}

/// Each client against each of our servers.
macro_rules! against {
    ($server:ident) => {
        mod $server {
            use super::support::$server;

            #[test]
            fn inetutils_telnet() {
                super::inetutils_telnet($server::start)
            }

            #[test]
            fn busybox_telnet() {
                super::busybox_telnet($server::start)
            }

            #[test]
            fn libtelnet_client() {
                super::libtelnet_client($server::start)
            }

            #[test]
            fn python_telnetlib() {
                super::python_telnetlib($server::start)
            }

            #[test]
            fn telnetlib3_client() {
                super::telnetlib3_client($server::start)
            }

            #[test]
            fn tintin() {
                super::tintin($server::start)
            }
        }
    };
}

// `tokio_server::inetutils_telnet`, `std_server::tintin`, ...
against!(tokio_server);
against!(std_server);
