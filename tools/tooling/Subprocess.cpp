//===- Subprocess.cpp - running a program with its output captured -------===//

#include "tools/tooling/Subprocess.h"

#include "tools/tooling/Files.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace seqc::tooling {
namespace {

/// A temporary file in `dir`, open for writing, removed on destruction.
struct CaptureFile {
  std::string path;
  int fd = -1;
  bool create(const std::string &dir) {
    std::string templ = dir + "/capture-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    // Close-on-exec: the child gets it only as its stdout or stderr.
    fd = mkostemp(buf.data(), O_CLOEXEC);
    if (fd < 0)
      return false;
    // With this process's stdout or stderr closed, the file may be fd 1
    // or 2, and dup2 onto itself would leave it close-on-exec: move it.
    if (fd <= 2) {
      int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
      close(fd);
      fd = moved;
      if (fd < 0) {
        unlink(buf.data());
        return false;
      }
    }
    path = buf.data();
    return true;
  }
  ~CaptureFile() {
    if (fd >= 0) {
      close(fd);
      unlink(path.c_str());
    }
  }
};

} // namespace

std::string ProgramResult::describe() const {
  return exited ? "exit status " + std::to_string(exitCode)
                : "signal " + std::to_string(signal);
}

bool runProgram(const std::vector<std::string> &argv,
                const std::string &captureDir, bool mergeErrors,
                ProgramResult &result, std::string &error) {
  result = ProgramResult{};
  if (argv.empty()) {
    error = "no program to run";
    return false;
  }
  CaptureFile out, err;
  if (!out.create(captureDir) || (!mergeErrors && !err.create(captureDir))) {
    error = "cannot create a capture file in " + captureDir + ": " +
            std::strerror(errno);
    return false;
  }
  std::vector<std::string> args = argv;
  std::vector<char *> cargv;
  for (std::string &a : args)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out.fd, 1);
  posix_spawn_file_actions_adddup2(&actions, mergeErrors ? out.fd : err.fd, 2);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0].c_str(), &actions, nullptr, cargv.data(),
                       environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exited = WIFEXITED(status);
  result.exitCode = result.exited ? WEXITSTATUS(status) : -1;
  result.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  result.out = readFile(out.path);
  if (!mergeErrors)
    result.err = readFile(err.path);
  return true;
}

} // namespace seqc::tooling
