//===- CompileModel.cpp - a model file to a shared library, through seqc --===//

#include "tools/tooling/CompileModel.h"

#include "tools/tooling/Messages.h"
#include "tools/tooling/Subprocess.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <unistd.h>

namespace seqc::tooling {

std::string findSeqc() {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n > 0) {
    self[n] = '\0';
    std::string dir(self);
    dir = dir.substr(0, dir.find_last_of('/'));
    if (isExecutable(dir + "/seqc"))
      return dir + "/seqc";
  }
  const char *path = std::getenv("PATH");
  std::string rest = path ? path : "";
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string dir = rest.substr(0, colon);
    rest = colon == std::string::npos ? "" : rest.substr(colon + 1);
    if (!dir.empty() && isExecutable(dir + "/seqc"))
      return dir + "/seqc";
  }
  return "";
}

bool compileModel(const std::string &model, const std::string &weights,
                  const TempDir &dir, std::string &library) {
  std::string seqc = findSeqc();
  if (seqc.empty()) {
    printError("cannot find the seqc compiler next to seq-run or on PATH to "
               "compile '%s'; build it, or compile the model with 'seqc %s "
               "--emit=shared' and pass the .so",
               model.c_str(), model.c_str());
    return false;
  }
  // Named after the file, as `seqc FILE` names it (messages say 'gru', not
  // 'model').
  std::string stem = model.substr(model.find_last_of('/') + 1);
  stem = stem.substr(0, stem.find('.'));
  // (seqc_ names are the runtime's.)
  if (stem.empty() || stem.rfind("seqc_", 0) == 0)
    stem = "model";
  const std::string base = dir.path() + "/" + stem;
  ProgramResult result;
  std::string error;
  std::vector<std::string> args = {
      seqc, model, "--emit=shared", "--mcpu=native", "-o", base};
  if (!weights.empty())
    args.insert(args.end(), {"--weights", weights});
  if (!runProgram(args, dir.path(), /*mergeErrors=*/true, result, error)) {
    printError("%s", error.c_str());
    return false;
  }
  std::string output = result.out;
  if (!output.empty() && output.back() != '\n')
    output += '\n';
  if (!result.exited || result.exitCode != 0) {
    printError("seqc failed to compile '%s' (%s):", model.c_str(),
               result.describe().c_str());
    std::fputs(output.c_str(), stderr);
    return false;
  }
  for (const std::string &candidate : {base + ".so", base}) {
    if (access(candidate.c_str(), R_OK) == 0) {
      library = candidate;
      return true;
    }
  }
  printError("seqc reported success for '%s' but wrote no %s.so", model.c_str(),
             base.c_str());
  std::fputs(output.c_str(), stderr);
  return false;
}

std::string noStepReason(const std::string &model, const std::string &weights) {
  std::string seqc = findSeqc();
  ProgramResult result;
  std::string error;
  std::vector<std::string> args = {seqc, model, "--emit=header", "-o", "-"};
  if (!weights.empty())
    args.insert(args.end(), {"--weights", weights});
  if (seqc.empty() ||
      !runProgram(args, ".", /*mergeErrors=*/false, result, error) ||
      !result.exited || result.exitCode != 0)
    return "";
  // The header's "/* No streaming API (NAME_step): seqc derives one for a
  // causal model, and not\n * here: REASON */", its lines joined.
  const std::string &header = result.out;
  size_t start = header.find("/* No streaming API (");
  size_t end = start == std::string::npos ? start : header.find("*/", start);
  if (end == std::string::npos)
    return "";
  std::string text;
  for (size_t i = start + 3; i < end; ++i) {
    if (header[i] == '\n') {
      while (i + 1 < end && (header[i + 1] == ' ' || header[i + 1] == '*'))
        ++i;
      text += ' ';
      continue;
    }
    text += header[i];
  }
  const std::string lead = "and not here: ";
  size_t reason = text.find(lead);
  text = reason == std::string::npos ? text : text.substr(reason + lead.size());
  while (!text.empty() && text.back() == ' ')
    text.pop_back();
  return text;
}

} // namespace seqc::tooling
