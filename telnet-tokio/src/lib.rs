//! Async adapter (work in progress).
