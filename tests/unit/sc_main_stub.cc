// libsystemc provides main() and calls sc_main(); the unit tests use gtest's main instead, but the
// SystemC library still needs the symbol to link.
int sc_main(int, char**) { return 0; }
