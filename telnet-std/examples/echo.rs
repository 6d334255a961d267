//! An echo server: `cargo run -p telnet-std --example echo -- --port PORT`.
//!
//! Listens on 127.0.0.1:PORT (0 or no `--port`: a free port), prints
//! `listening on 127.0.0.1:PORT` on stdout once it accepts connections, and
//! serves each connection on its own thread with
//! [`telnet_std::echo::serve`]: offers ECHO and SGA, asks for NAWS and
//! TTYPE, refuses everything else, and echoes every data byte back until
//! the client closes. With `--mccp` it also offers MCCP2 and compresses
//! what it sends once the client agrees. Set `RUST_LOG=debug` to see the
//! negotiation trace.

use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let mut port: u16 = 0;
    #[cfg_attr(not(feature = "mccp"), allow(unused_mut))]
    let mut options = telnet_std::echo::Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" | "-p" => match args.next().map(|p| p.parse()) {
                Some(Ok(p)) => port = p,
                _ => {
                    eprintln!("echo: --port needs a number from 0 to 65535");
                    return ExitCode::from(2);
                }
            },
            #[cfg(feature = "mccp")]
            "--mccp" => options.mccp = true,
            "--help" | "-h" => {
                println!(
                    "usage: echo [--port PORT] [--mccp]   (listens on 127.0.0.1; 0 = a free port;\n\
                     --mccp offers MCCP2 and compresses once the client agrees)"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("echo: unexpected argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("echo: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("echo: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {addr}");
    let _ = stdout.flush();
    match telnet_std::echo::run_with(listener, options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("echo: accept failed: {e}");
            ExitCode::FAILURE
        }
    }
}
