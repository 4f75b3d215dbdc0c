// libsystemc references sc_main (its own main() calls it). Programs linking librknn_api have
// their own main() and never call sc_main, but the symbol must resolve; weak, so a program that
// does define sc_main keeps its own.
extern "C" __attribute__((weak)) int sc_main(int, char**) { return 0; }
