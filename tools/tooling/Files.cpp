//===- Files.cpp - paths, temporary directories, whole-file reads ---------===//

#include "tools/tooling/Files.h"

#include "tools/tooling/Messages.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

namespace seqc::tooling {

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isSharedLibrary(const std::string &path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  return endsWith(base, ".so") || base.find(".so.") != std::string::npos;
}

bool isExecutable(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

std::string readFile(const std::string &path) {
  std::string text;
  if (FILE *f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0)
      text.append(buf, n);
    std::fclose(f);
  }
  return text;
}

bool makeDirs(const std::string &path) {
  std::string prefix;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    prefix = path.substr(0, pos);
    if (prefix.empty() || mkdir(prefix.c_str(), 0777) == 0 || errno == EEXIST)
      continue;
    printError("cannot create output directory '%s': %s", prefix.c_str(),
               std::strerror(errno));
    return false;
  }
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    printError("output directory '%s' is not a directory", path.c_str());
    return false;
  }
  return true;
}

bool TempDir::create(const std::string &prefix) {
  const char *tmp = std::getenv("TMPDIR");
  std::string templ =
      std::string(tmp && *tmp ? tmp : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data()))
    return false;
  path_ = buf.data();
  return true;
}

void TempDir::remove() {
  if (path_.empty())
    return;
  if (DIR *dir = opendir(path_.c_str())) {
    while (struct dirent *e = readdir(dir)) {
      std::string name = e->d_name;
      if (name != "." && name != "..")
        unlink((path_ + "/" + name).c_str());
    }
    closedir(dir);
  }
  rmdir(path_.c_str());
  path_.clear();
}

} // namespace seqc::tooling
