/// glibc's allocator fragments under the runtime's many small, short-lived JSON values
/// (a Distributed Map of 300,000 items ran 1.6x slower on it); the library leaves the
/// choice to the program that embeds it.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(sfn_runtime::cli::main());
}
