// Compiles the precompiled header that every layer reuses (CMakeLists.txt).
