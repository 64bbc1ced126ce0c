build-asan/compiler/toml_shim.o: compiler/toml_shim.cc \
 compiler/toml_shim.h
compiler/toml_shim.h:
