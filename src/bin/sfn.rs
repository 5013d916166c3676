fn main() {
    std::process::exit(sfn_runtime::cli::main());
}
