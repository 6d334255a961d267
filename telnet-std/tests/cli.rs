//! `rtelnet` end to end: piped mode against the echo service and against a
//! scripted peer sending tricky sequences, connect failures, the trace,
//! and `--demo`.

#![cfg(feature = "cli")]

mod support;

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::Instant;

use support::{recv, send, Peer, Step, LIMIT};

/// Runs rtelnet with `args`, feeding `stdin`, bounded by [`LIMIT`].
fn rtelnet(args: &[&str], stdin: &[u8]) -> Output {
    rtelnet_until(args, stdin, None)
}

/// Runs rtelnet; its stdin ends only when `close` fires (if given).
fn rtelnet_until(args: &[&str], stdin: &[u8], close: Option<Receiver<()>>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtelnet"))
        .args(args)
        .env("TERM", "vt100")
        .env("USER", "tester")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let stdin = stdin.to_vec();
    thread::spawn(move || {
        let _ = input.write_all(&stdin);
        if let Some(close) = close {
            let _ = close.recv_timeout(LIMIT);
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rtelnet {args:?} did not finish");
        }
        thread::sleep(std::time::Duration::from_millis(10));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

#[test]
fn piped_mode_against_the_echo_service() {
    let addr = telnet_std::echo::spawn("127.0.0.1:0").unwrap();
    let port = addr.port().to_string();
    let out = rtelnet(&["127.0.0.1", &port], b"hello\n\xff\x00 binary\nno newline");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // \n went as CR LF and came back so; 0xFF went doubled and came back
    // as one byte.
    assert_eq!(out.stdout, b"hello\r\n\xff\x00 binary\r\nno newline");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn piped_raw_mode_sends_newlines_as_they_are() {
    let peer = Peer::start(vec![recv(b"end"), Step::Close]);
    let port = peer.addr.port().to_string();
    let out = rtelnet(&["--raw", "127.0.0.1", &port], b"a\nb\xffend");
    assert!(out.status.success());
    assert_eq!(peer.finish(), b"a\nb\xff\xffend");
}

#[test]
fn piped_mode_against_tricky_sequences() {
    let mut flood = b"\xff\xfa\xc9".to_vec();
    flood.extend(std::iter::repeat_n(b'{', 70_000));
    flood.extend(b"\xff\xf0");
    let mut storm = Vec::new();
    for option in 0..=255u8 {
        storm.extend([0xff, 0xfd, option, 0xff, 0xfb, option]);
    }
    let (notify, close) = mpsc::channel();
    let peer = Peer::start(vec![
        // A split IAC IAC, a split negotiation, a split CR NUL.
        send(b"one\xff"),
        send(b"\xfftwo\xff\xfd"),
        send(b"\x01three\r"),
        send(b"\x00four\r\nfive\r\n"),
        send(flood),
        send(b"after flood|"),
        send(storm.clone()),
        send(b"after storm|\xff\xf1\xff\xfa\x18\x01\xff\xf0"),
        // The answer to the last request proves the client read it all.
        Step::RecvAll(vec![
            b"\xff\xfa\x18\x00VT100\xff\xf0".to_vec(),
            b"ping\r\n".to_vec(),
        ]),
        Step::Notify(notify),
        send(b"bye\xff\xff"),
        Step::Close,
    ]);
    let port = peer.addr.port().to_string();
    let out = rtelnet_until(&["-d", "127.0.0.1", &port], b"ping\n", Some(close));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.stdout,
        b"one\xfftwothree\rfour\r\nfive\r\nafter flood|after storm|bye\xff"
    );
    let sent = peer.finish();
    // Every DO but TTYPE (from $TERM) refused once with WONT, every WILL
    // but ECHO and SGA with DONT, except WILL TIMING-MARK, which is the
    // answer to a DO TIMING-MARK, never a request (RFC 860); no loops.
    let count = |pattern: &[u8]| {
        sent.windows(pattern.len())
            .filter(|w| *w == pattern)
            .count()
    };
    assert_eq!(count(b"\xff\xfc"), 255, "WONTs");
    assert_eq!(count(b"\xff\xfe"), 253, "DONTs");
    assert_eq!(count(b"\xff\xfb\x18"), 1, "WILL TTYPE");
    assert_eq!(count(b"\xff\xfd\x01"), 1, "DO ECHO");
    assert_eq!(count(b"\xff\xfd\x03"), 1, "DO SGA");
    assert_eq!(count(b"\xff\xfa\x18\x00VT100\xff\xf0"), 1, "TTYPE IS");
    let trace = String::from_utf8_lossy(&out.stderr);
    for line in [
        "RCVD DO ECHO",
        "SENT WONT ECHO",
        "RCVD NOP",
        "SENT SB TTYPE IS \"VT100\"",
    ] {
        assert!(
            trace.contains(line),
            "{line:?} missing from the trace:\n{trace}"
        );
    }
    assert!(trace.contains("over the 16384-byte capacity"), "{trace}");
}

#[test]
fn new_environ_answers_user_and_term_only_when_asked() {
    let (notify, close) = mpsc::channel();
    let peer = Peer::start(vec![
        send(b"\xff\xfd\x27"),
        recv(b"\xff\xfb\x27"),
        send(b"\xff\xfa\x27\x01\x00USER\x03TERM\x03HOME\xff\xf0"),
        recv(b"\xff\xf0"),
        Step::Notify(notify),
        Step::Close,
    ]);
    let port = peer.addr.port().to_string();
    let out = rtelnet_until(&["127.0.0.1", &port], b"", Some(close));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        peer.finish(),
        b"\xff\xfb\x27\xff\xfa\x27\x00\x00USER\x01tester\x03TERM\x01vt100\x03HOME\xff\xf0"
    );
}

#[test]
fn connect_failure_is_one_line_and_nonzero() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let out = rtelnet(&["127.0.0.1", &port.to_string()], b"");
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("rtelnet: cannot connect to 127.0.0.1 port"),
        "{err}"
    );
}

#[test]
fn usage_errors_are_clap_errors() {
    let out = rtelnet(&[], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage:"));
    let out = rtelnet(&["host", "notaport"], b"");
    assert_eq!(out.status.code(), Some(2));
    let out = rtelnet(&["--connect-timeout", "-1", "host"], b"");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn demo_runs_and_shows_the_trace() {
    let out = rtelnet(&["--demo"], b"");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for line in [
        "RCVD WILL ECHO",
        "SENT DO ECHO",
        "RCVD DO NAWS",
        "SENT WILL NAWS",
        "SENT SB NAWS 80 24",
        "received \"hello, telnet\\r\\n\"",
        "received \"0xFF goes as IAC IAC: \\xff\\r\\n\"",
        "server closed the connection",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
}
