#include <cstdio>
int main() { std::puts("ocpi-bridge: scaffold"); return 0; }
