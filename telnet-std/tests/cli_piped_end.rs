//! `rtelnet` piped: a stdin that ends before the server's negotiation
//! arrives must not cut off the answers. Found against a telnetlib-style
//! server in the interop suite: `printf 'x\n' | rtelnet host` shut down
//! its direction at once, and every answer to the server's opening
//! (`DO TTYPE`, `WILL ECHO`...) was dropped unsent.

#![cfg(feature = "cli")]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(30);

/// A server that speaks only after the client's first line: by then the
/// client has read the whole of its stdin, and its end.
#[test]
fn negotiation_after_the_end_of_stdin_is_answered() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(LIMIT)).unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 1024];
        while !got.ends_with(b"late\r\n") {
            let n = conn.read(&mut buf).unwrap();
            assert!(n > 0, "the client ended before its line: {got:?}");
            got.extend_from_slice(&buf[..n]);
        }
        // IAC DO TTYPE, IAC WILL ECHO, then an answer to the line.
        conn.write_all(b"\xff\xfd\x18\xff\xfb\x01echo: late\r\n")
            .unwrap();
        let mut rest = Vec::new();
        conn.read_to_end(&mut rest).unwrap();
        rest
    });

    let mut child = Command::new(env!("CARGO_BIN_EXE_rtelnet"))
        .args(["-d", "127.0.0.1", &port])
        .env("TERM", "vt100")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // All of stdin at once, and its end.
    child.stdin.take().unwrap().write_all(b"late\n").unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rtelnet did not finish");
        }
        thread::sleep(Duration::from_millis(10));
    };
    let mut stdout = Vec::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_end(&mut stdout)
        .unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let after_line = server.join().unwrap();

    assert!(status.success(), "{status}\n{stderr}");
    assert_eq!(stdout, b"echo: late\r\n", "{stderr}");
    // WILL TTYPE, DO ECHO, and TTYPE IS when it asks: here it did not.
    assert!(
        after_line.windows(3).any(|w| w == b"\xff\xfb\x18"),
        "WILL TTYPE not sent: {after_line:?}\n{stderr}"
    );
    assert!(
        after_line.windows(3).any(|w| w == b"\xff\xfd\x01"),
        "DO ECHO not sent: {after_line:?}\n{stderr}"
    );
    assert!(!stderr.contains("not sent"), "{stderr}");
}
