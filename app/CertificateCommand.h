#pragma once

#include "CommandLine.h"

namespace portico {

// --issue-certificate NAMES: the local development CA (created on first use, in
// LocalCa::defaultDirectory()) issues a certificate for NAMES, stored under --certificate-name
// (default: the first name) in the --db store or the --config file, replacing one of that name.
// --export-ca FILE: writes the CA's certificate and prints how to trust it.
// Returns the exit code: 0 done, 2 invalid input (nothing changed), 1 anything else.
int runCertificateCommand(Program program, const CommandLineOptions &options);

} // namespace portico
