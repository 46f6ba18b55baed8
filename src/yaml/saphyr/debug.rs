//! Debug prints of the upstream parser, compiled out (upstream's `debug_prints` feature is not vendored).

/// Evaluates to nothing.
macro_rules! debug_print {
    ($($arg:tt)*) => {{}};
}
