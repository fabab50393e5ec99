#pragma once

#include "CommandLine.h"

namespace portico {

class MockServices;

// --import FILE / --export FILE: moves a configuration in or out of the store named by --db (or
// the --config file; --demo and the desktop's default store for export), prints what a foreign
// format could not carry, and returns the exit code: 0 done, 2 invalid input (nothing
// changed), 1 anything else (unreadable file, damaged store).
int runTransfer(Program program, const CommandLineOptions &options, MockServices &mocks);

} // namespace portico
