//===- Subprocess.h - running a program with its output captured -*- C++
//-*-===//

#ifndef SEQC_TOOLS_TOOLING_SUBPROCESS_H
#define SEQC_TOOLS_TOOLING_SUBPROCESS_H

#include <string>
#include <vector>

namespace seqc::tooling {

/// How a program ended and what it wrote.
struct ProgramResult {
  bool exited = false; // false: killed by `signal`
  int exitCode = -1;
  int signal = 0;
  std::string out; // stdout (and stderr, when merged)
  std::string err; // stderr, when not merged
  /// "exit status N" or "signal N".
  std::string describe() const;
};

/// Runs the program at `argv[0]` (a path; PATH is not searched) with
/// `argv` and this process's environment, and waits for it. Its stdout and
/// stderr go through temporary files in `captureDir` (removed after) into
/// `result`; with `mergeErrors` stderr joins stdout in `result.out`, in the
/// order written. Returns false with `error` set when the capture files
/// cannot be created or the program cannot be started.
bool runProgram(const std::vector<std::string> &argv,
                const std::string &captureDir, bool mergeErrors,
                ProgramResult &result, std::string &error);

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_SUBPROCESS_H
