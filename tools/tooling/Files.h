//===- Files.h - paths, temporary directories, whole-file reads -*- C++ -*-===//

#ifndef SEQC_TOOLS_TOOLING_FILES_H
#define SEQC_TOOLS_TOOLING_FILES_H

#include <string>

namespace seqc::tooling {

bool endsWith(const std::string &s, const std::string &suffix);

/// Whether `path` names a shared library (a file name ending in .so or
/// containing .so.).
bool isSharedLibrary(const std::string &path);

/// Whether `path` is a regular file this process may execute.
bool isExecutable(const std::string &path);

/// The whole contents of `path` ("" when it cannot be read).
std::string readFile(const std::string &path);

/// Creates `path` and its missing parents (as mkdir -p). Prints the error
/// and returns false when a component cannot be created or `path` is not a
/// directory.
bool makeDirs(const std::string &path);

/// A private temporary directory under $TMPDIR (else /tmp), removed (one
/// level deep) on destruction.
class TempDir {
public:
  TempDir() = default;
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  ~TempDir() { remove(); }

  /// Creates the directory as `prefix`-XXXXXX; false (errno set) on failure.
  bool create(const std::string &prefix = "seq-run");
  const std::string &path() const { return path_; }
  void remove();

private:
  std::string path_;
};

} // namespace seqc::tooling

#endif // SEQC_TOOLS_TOOLING_FILES_H
