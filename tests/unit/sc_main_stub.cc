// libsystemc provides main() and calls sc_main(); the unit tests use gtest's main instead, but the
// SystemC library still needs the symbol (declared extern "C" by SystemC) to link.
extern "C" int sc_main(int, char**) { return 0; }
