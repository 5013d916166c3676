/// glibc's allocator fragments under the runtime's many small, short-lived JSON values
/// (a Distributed Map of 300,000 items ran 1.6x slower on it); the library leaves the
/// choice to the program that embeds it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // Rust ignores SIGPIPE, so a print to a closed pipe (`sfn history ... | head`) would
    // panic; a command-line tool ends quietly instead, as `cat` does.
    // SAFETY: setting a signal's disposition to its default, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(sfn_runtime::cli::main());
}
