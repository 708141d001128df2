//===- seq-run.cpp - Run a compiled seqc model on .npy inputs -------------===//
//
// Loads a model built with `seqc --emit=shared` (or compiles a model file
// with seqc first), feeds it .npy inputs through the generic entry of
// seqc/model.h (or, with --stream-chunk, chunk by chunk through the step api
// and seqc/stream.h), writes each output as DIR/NAME.npy and optionally
// times it.
// Only the runtime and libdl are linked: no LLVM or MLIR.
//
//===----------------------------------------------------------------------===//

#include "seqc/model.h"
#include "seqc/npy.h"
#include "seqc/stream.h"
#include "tools/seq-run/Streaming.h"
#include "tools/seq-run/Util.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace seqrun;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitFailure = 2;

constexpr const char *kDefaultSymbol = "seqc_default_model_api";
constexpr const char *kDefaultStepSymbol = "seqc_default_model_step_api";

const char *const kHelp =
    R"(usage: seq-run MODEL --input NAME=FILE.npy ... [--output-dir DIR]
               [--bench N] [--warmup N] [--threads N] [--symbol SYM]
               [--stream-chunk N [--stream-dim NAME] [--dim NAME=N ...]]

Runs a compiled seqc model on NumPy .npy inputs and writes its outputs.

MODEL
  A shared library built with 'seqc MODEL --emit=shared' (a name ending in
  .so or containing .so.), or a model file (.mlir, .seq, .onnx) that seq-run
  compiles first with 'seqc MODEL --emit=shared --mcpu=native -o
  TMPDIR/model' (for this machine's CPU only: the library runs here). seqc is
  looked for next to the seq-run executable, then on PATH; its diagnostics
  are shown if it fails.

Options
  --input NAME=FILE   Feed FILE (.npy) as the model input NAME. Every input
                      must be given exactly once; the dtype, rank and static
                      extents must match the model's signature and named
                      dynamic dimensions (T, B, ...) must agree across inputs.
                      A bf16 input is read from an f32 file and rounded.
  --output-dir DIR    Write each output as DIR/NAME.npy, creating DIR if
                      needed (bf16 outputs are written as f32). Without it
                      the outputs are only described on stdout.
  --bench N           After the first run, do --warmup untimed runs, then
                      time N runs and print
                        latency_ms: min X median Y p90 Z mean W (N runs)
                        page_faults: F per run (minor + major, process-wide)
                        cpu_level: code LEVEL, this CPU LEVEL (the x86-64
                          level of the code run: a model compiled for
                          several runs the highest this CPU supports;
                          SEQC_MAX_CPU_LEVEL=N lowers it, N in 1-4)
                      Without --stream-chunk the timed runs write their
                      outputs into the buffers of the run before
                      (caller-provided outputs, as an application that
                      keeps them does). With --stream-chunk, one run is a
                      whole streamed pass (states reset, every chunk,
                      outputs joined into new buffers).
  --warmup N          Untimed runs before timing (default 3; needs --bench).
  --threads N         Threads the model's large work (the packed GEMMs of
                      linear layers and recurrences, attention's heads,
                      convolutions, elementwise and norm rows, selective
                      scan and WKV channels) is split over, the
                      calling thread included (default 1).
  --symbol SYM        The model's api getter in the library (default
                      seqc_default_model_api; each model also exports
                      <name>_api, and a causal one <name>_step_api). Only
                      names ending in _api are accepted. With
                      --stream-chunk the default is
                      seqc_default_model_step_api, and SYM must be a step
                      api (one with states).
  --stream-chunk N    Run a causal model chunk by chunk through its step
                      api: split every input along its dimension named by
                      --stream-dim into chunks of N steps (the last may be
                      shorter; an input without that dimension goes whole
                      to every chunk), open a stream whose state dimensions
                      (B, ...) take the extents of the same-named input
                      dimensions, run the chunks in order and join each
                      output along its --stream-dim dimension (an output
                      without it keeps the last chunk's value). Outputs are
                      written as without this option, so the two can be
                      compared file by file.
  --stream-dim NAME   The named dimension to stream along (default T; needs
                      --stream-chunk).
  --dim NAME=N        Binds state dimension NAME to N when streaming: the
                      dimensions no input has, such as a key/value cache's
                      `capacity` (in steps; a chunk that would overflow it
                      fails). Other state dimensions take the extent of the
                      same-named input dimension. Repeatable; needs
                      --stream-chunk; a NAME no state uses is an error.
  -h, --help          Show this help.

Options also accept the --option=VALUE spelling.

Exit status: 0 on success, 1 for a usage error, 2 when the model cannot be
loaded or compiled, an input is missing or wrong, or a run or write fails.
Every error message starts with 'seq-run: error: '.
)";

int usageError(const std::string &message) {
  printError("%s", message.c_str());
  std::fputs("usage: seq-run MODEL --input NAME=FILE.npy ... [--output-dir "
             "DIR] [--bench N] (see 'seq-run --help')\n",
             stderr);
  return kExitUsage;
}

struct Options {
  std::string model;
  std::vector<std::pair<std::string, std::string>> inputs; // name, file
  std::string outputDir;
  long bench = 0;
  long warmup = 3;
  bool warmupGiven = false;
  long threads = 1;
  std::string symbol = kDefaultSymbol;
  bool symbolGiven = false;
  long streamChunk = 0; // 0: one run over the whole inputs
  std::string streamDim = "T";
  bool streamDimGiven = false;
  seqrun::DimBindings dims; // --dim NAME=N
};

bool parseCount(const std::string &text, long min, long &out) {
  if (text.empty() || text.size() > 9)
    return false;
  for (char c : text)
    if (c < '0' || c > '9')
      return false;
  out = std::strtol(text.c_str(), nullptr, 10);
  return out >= min;
}

// Returns -1 to continue, or an exit status (help printed, usage error).
int parseArgs(int argc, char **argv, Options &opts) {
  bool haveModel = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kHelp, stdout);
      return kExitOk;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (haveModel)
        return usageError("more than one MODEL given ('" + opts.model +
                          "' and '" + arg + "')");
      opts.model = arg;
      haveModel = true;
      continue;
    }
    std::string name = arg, value;
    bool inlineValue = false;
    if (size_t eq = arg.find('=');
        arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      inlineValue = true;
    }
    static const char *const kValued[] = {
        "--input",   "--output-dir", "--bench",        "--warmup",
        "--threads", "--symbol",     "--stream-chunk", "--stream-dim",
        "--dim"};
    if (std::find_if(std::begin(kValued), std::end(kValued),
                     [&](const char *o) { return name == o; }) ==
        std::end(kValued))
      return usageError("unknown option '" + arg + "'");
    if (!inlineValue) {
      if (i + 1 >= argc)
        return usageError("option '" + name + "' needs a value");
      value = argv[++i];
    }
    if (name == "--input") {
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == value.size())
        return usageError("--input expects NAME=FILE.npy, got '" + value + "'");
      opts.inputs.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (name == "--output-dir") {
      if (value.empty())
        return usageError("--output-dir needs a directory");
      opts.outputDir = value;
    } else if (name == "--bench") {
      if (!parseCount(value, 1, opts.bench))
        return usageError("--bench expects a run count of at least 1, got '" +
                          value + "'");
    } else if (name == "--warmup") {
      if (!parseCount(value, 0, opts.warmup))
        return usageError("--warmup expects a run count, got '" + value + "'");
      opts.warmupGiven = true;
    } else if (name == "--threads") {
      if (!parseCount(value, 1, opts.threads) || opts.threads > 1024)
        return usageError("--threads expects a number from 1 to 1024, got '" +
                          value + "'");
    } else if (name == "--symbol") {
      if (value.empty())
        return usageError("--symbol needs a symbol name");
      // Only api getters are called: any other symbol of the library (a
      // variable, free, exit) would be called as one.
      if (value.size() < 4 || value.compare(value.size() - 4, 4, "_api") != 0)
        return usageError("--symbol must name a model's api getter "
                          "(NAME_api or NAME_step_api), got '" +
                          value + "'");
      opts.symbol = value;
      opts.symbolGiven = true;
    } else if (name == "--stream-chunk") {
      if (!parseCount(value, 1, opts.streamChunk))
        return usageError(
            "--stream-chunk expects a chunk length from 1 to 999999999, "
            "got '" +
            value + "'");
    } else if (name == "--dim") {
      size_t eq = value.find('=');
      long extent = 0;
      if (eq == std::string::npos || eq == 0 ||
          !parseCount(value.substr(eq + 1), 0, extent))
        return usageError("--dim expects NAME=N with 0 <= N <= 999999999, "
                          "got '" + value + "'");
      opts.dims.emplace_back(value.substr(0, eq), extent);
    } else if (name == "--stream-dim") {
      if (value.empty())
        return usageError("--stream-dim needs a dimension name");
      opts.streamDim = value;
      opts.streamDimGiven = true;
    }
  }
  if (!haveModel)
    return usageError("no MODEL given");
  if (opts.warmupGiven && opts.bench == 0)
    return usageError("--warmup only applies with --bench");
  if (opts.streamDimGiven && opts.streamChunk == 0)
    return usageError("--stream-dim only applies with --stream-chunk");
  if (!opts.dims.empty() && opts.streamChunk == 0)
    return usageError("--dim only applies with --stream-chunk");
  if (opts.streamChunk > 0 && !opts.symbolGiven)
    opts.symbol = kDefaultStepSymbol;
  return -1;
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isSharedLibrary(const std::string &path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  return endsWith(base, ".so") || base.find(".so.") != std::string::npos;
}

//===----------------------------------------------------------------------===//
// Compiling a model file with seqc
//===----------------------------------------------------------------------===//

bool isExecutable(const std::string &path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         access(path.c_str(), X_OK) == 0;
}

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

// A private temporary directory, removed (one level deep) on destruction.
class TempDir {
public:
  bool create() {
    const char *tmp = std::getenv("TMPDIR");
    std::string templ =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/seq-run-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
      return false;
    path_ = buf.data();
    return true;
  }
  const std::string &path() const { return path_; }
  void remove() {
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
  ~TempDir() { remove(); }

private:
  std::string path_;
};

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

// Runs `seqc MODEL --emit=shared --mcpu=native -o DIR/model`; on success
// sets `library`. The library only ever runs on this machine: code for its
// CPU alone compiles in a third of the time of seqc's default (a version per
// x86-64 level).
bool compileModel(const std::string &model, const TempDir &dir,
                  std::string &library) {
  std::string seqc = findSeqc();
  if (seqc.empty()) {
    printError("cannot find the seqc compiler next to seq-run or on PATH to "
               "compile '%s'; build it, or compile the model with 'seqc %s "
               "--emit=shared' and pass the .so",
               model.c_str(), model.c_str());
    return false;
  }
  const std::string base = dir.path() + "/model";
  const std::string log = dir.path() + "/seqc.log";
  std::vector<std::string> argv = {seqc,           model, "--emit=shared",
                                   "--mcpu=native", "-o",  base};
  std::vector<char *> cargv;
  for (std::string &a : argv)
    cargv.push_back(a.data());
  cargv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid;
  int rc =
      posix_spawn(&pid, seqc.c_str(), &actions, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    printError("cannot run %s: %s", seqc.c_str(), std::strerror(rc));
    return false;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::string output = readFile(log);
  if (!output.empty() && output.back() != '\n')
    output += '\n';
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = WIFEXITED(status)
                          ? "exit status " + std::to_string(WEXITSTATUS(status))
                          : "signal " + std::to_string(WTERMSIG(status));
    printError("seqc failed to compile '%s' (%s):", model.c_str(), how.c_str());
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

//===----------------------------------------------------------------------===//
// Loading
//===----------------------------------------------------------------------===//

struct Loaded {
  void *handle = nullptr;
  const seqc_model_api *api = nullptr;
  seqc_model *model = nullptr;
  seqc_thread_pool *pool = nullptr; // --threads > 1
  ~Loaded() {
    seqc_rt_model_close(model);
    seqc_rt_thread_pool_destroy(pool);
    if (handle)
      dlclose(handle);
  }
};

bool loadModel(const Options &opts, Loaded &loaded) {
  std::string library = opts.model;
  TempDir tmp;
  if (access(opts.model.c_str(), R_OK) != 0) {
    printError("cannot read model '%s': %s", opts.model.c_str(),
               std::strerror(errno));
    return false;
  }
  if (!isSharedLibrary(opts.model)) {
    if (!endsWith(opts.model, ".mlir") && !endsWith(opts.model, ".seq") &&
        !endsWith(opts.model, ".onnx")) {
      printError("'%s' is neither a compiled model (.so) nor a model file "
                 "(.mlir, .seq, .onnx)",
                 opts.model.c_str());
      return false;
    }
    if (!tmp.create()) {
      printError("cannot create a temporary directory: %s",
                 std::strerror(errno));
      return false;
    }
    if (!compileModel(opts.model, tmp, library))
      return false;
  }
  // dlopen searches the library path for a name without a slash.
  if (library.find('/') == std::string::npos)
    library = "./" + library;
  loaded.handle = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  tmp.remove(); // the mapping outlives the file
  if (!loaded.handle) {
    const char *why = dlerror();
    printError("cannot load model '%s': %s", opts.model.c_str(),
               why ? why : "unknown dlopen error");
    return false;
  }
  dlerror();
  void *sym = dlsym(loaded.handle, opts.symbol.c_str());
  if (!sym) {
    if (opts.symbol == kDefaultSymbol)
      printError("'%s' has no symbol '%s': is it a model built with 'seqc "
                 "--emit=shared'? (--symbol NAME_api picks another entry)",
                 opts.model.c_str(), opts.symbol.c_str());
    else if (opts.symbol == kDefaultStepSymbol)
      printError("'%s' has no symbol '%s': only a causal model has a step "
                 "api to stream (--symbol NAME_step_api picks another entry)",
                 opts.model.c_str(), opts.symbol.c_str());
    else
      printError("'%s' has no symbol '%s'", opts.model.c_str(),
                 opts.symbol.c_str());
    return false;
  }
  using Getter = const seqc_model_api *(*)();
  Getter getter;
  static_assert(sizeof(getter) == sizeof(sym), "function pointer size");
  std::memcpy(&getter, &sym, sizeof(getter));
  const seqc_model_api *api = loaded.api = getter();
  if (!api) {
    printError("'%s' in '%s' returned no model", opts.symbol.c_str(),
               opts.model.c_str());
    return false;
  }
  seqc_error err{};
  if (seqc_rt_model_open(api, &loaded.model, &err) != SEQC_OK) {
    printError("cannot open model '%s': %s", opts.model.c_str(), err.message);
    return false;
  }
  if (opts.threads > 1) {
    if (seqc_rt_thread_pool_create(static_cast<int>(opts.threads),
                                   &loaded.pool, &err) != SEQC_OK) {
      printError("--threads %ld: %s", opts.threads, err.message);
      return false;
    }
    seqc_rt_model_set_thread_pool(loaded.model, loaded.pool);
  }
  if (opts.streamChunk > 0 && seqc_rt_model_num_states(loaded.model) == 0) {
    printError("'%s' in '%s' is not a step api (it has no states), so it "
               "cannot be streamed: pass a causal model's NAME_step_api to "
               "--symbol, or drop --stream-chunk",
               opts.symbol.c_str(), opts.model.c_str());
    return false;
  }
  if (opts.streamChunk == 0 && seqc_rt_model_num_states(loaded.model) > 0) {
    printError("'%s' in '%s' is a step api (it has states): stream it with "
               "--stream-chunk N, or pass NAME_api to --symbol",
               opts.symbol.c_str(), opts.model.c_str());
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

struct Input {
  std::string file;
  seqc_npy_array array{};
  std::vector<uint16_t> bf16; // converted data for a bf16 input
  Input() = default;
  Input(const Input &) = delete;
  Input &operator=(const Input &) = delete;
  ~Input() { seqc_rt_npy_free(&array); }
};

bool readInputs(const Options &opts, const seqc_model *model,
                std::vector<Input> &inputs, std::vector<seqc_tensor> &tensors) {
  const size_t n = seqc_rt_model_num_inputs(model);
  inputs = std::vector<Input>(n);
  std::vector<int> given(n, -1);
  std::vector<std::string> unknown;
  for (size_t k = 0; k < opts.inputs.size(); ++k) {
    const auto &[name, file] = opts.inputs[k];
    int i = seqc_rt_model_find_input(model, name.c_str());
    if (i < 0) {
      unknown.push_back(name);
      continue;
    }
    if (given[i] >= 0) {
      printError("input '%s' is given twice (%s and %s)", name.c_str(),
                 opts.inputs[given[i]].second.c_str(), file.c_str());
      return false;
    }
    given[i] = static_cast<int>(k);
    inputs[i].file = file;
  }
  auto listInputs = [&] {
    std::string s;
    for (size_t i = 0; i < n; ++i)
      s += (i ? ", " : "") + describe(seqc_rt_model_input(model, i));
    return n ? s : std::string("none");
  };
  if (!unknown.empty()) {
    std::string names;
    for (const std::string &u : unknown)
      names += (names.empty() ? "'" : ", '") + u + "'";
    printError("unknown input name%s %s; model '%s' takes: %s",
               unknown.size() > 1 ? "s" : "", names.c_str(),
               seqc_rt_model_name(model), listInputs().c_str());
    return false;
  }
  std::string missing;
  for (size_t i = 0; i < n; ++i)
    if (given[i] < 0)
      missing += (missing.empty() ? "" : ", ") +
                 describe(seqc_rt_model_input(model, i));
  if (!missing.empty()) {
    printError("missing input%s: %s (pass each as --input NAME=FILE.npy)",
               missing.find(", ") != std::string::npos ? "s" : "",
               missing.c_str());
    return false;
  }

  // Extents bound to named dims, and the input that bound each.
  std::vector<std::pair<std::string, std::pair<int64_t, size_t>>> bound;
  tensors.assign(n, seqc_tensor{});
  for (size_t i = 0; i < n; ++i) {
    const seqc_tensor_info *info = seqc_rt_model_input(model, i);
    Input &in = inputs[i];
    const char *name = info->name, *file = in.file.c_str();
    seqc_error err{};
    if (seqc_rt_npy_read(file, &in.array, &err) != SEQC_OK) {
      printError("input '%s': %s", name, err.message);
      return false;
    }
    void *data = in.array.data;
    int32_t dtype = in.array.dtype;
    if (info->dtype == SEQC_DTYPE_BF16 && dtype == SEQC_DTYPE_F32) {
      in.bf16.resize(static_cast<size_t>(in.array.numel));
      const float *src = static_cast<const float *>(in.array.data);
      for (size_t e = 0; e < in.bf16.size(); ++e)
        in.bf16[e] = seqc_rt_f32_to_bf16(src[e]);
      data = in.bf16.data();
      dtype = SEQC_DTYPE_BF16;
    }
    if (dtype != info->dtype) {
      printError("input '%s' (%s) has dtype %s, but the model expects %s%s",
                 name, file, seqc_rt_dtype_name(in.array.dtype),
                 seqc_rt_dtype_name(info->dtype),
                 info->dtype == SEQC_DTYPE_BF16 ? " (give bf16 inputs as f32)"
                                                : "");
      return false;
    }
    const std::string have = shapeText(in.array.rank, in.array.shape);
    if (in.array.rank != info->rank) {
      printError("input '%s' (%s) has rank %d %s, but the model expects rank "
                 "%d %s",
                 name, file, in.array.rank, have.c_str(), info->rank,
                 dimsText(info).c_str());
      return false;
    }
    for (int32_t d = 0; d < info->rank; ++d) {
      const int64_t extent = in.array.shape[d];
      if (info->shape[d] >= 0 && extent != info->shape[d]) {
        printError("input '%s' (%s) has shape %s, but the model expects %s "
                   "(dimension %d must be %lld)",
                   name, file, have.c_str(), dimsText(info).c_str(), d,
                   static_cast<long long>(info->shape[d]));
        return false;
      }
      if (info->shape[d] >= 0 || !info->dim_names || !info->dim_names[d])
        continue;
      const std::string dim = info->dim_names[d];
      auto it = std::find_if(bound.begin(), bound.end(),
                             [&](const auto &b) { return b.first == dim; });
      if (it == bound.end()) {
        bound.push_back({dim, {extent, i}});
      } else if (it->second.first != extent) {
        const size_t by = it->second.second;
        printError("input '%s' (%s) dimension %d (%s) is %lld, but input "
                   "'%s' (%s) set %s = %lld",
                   name, file, d, dim.c_str(), static_cast<long long>(extent),
                   seqc_rt_model_input(model, by)->name,
                   inputs[by].file.c_str(), dim.c_str(),
                   static_cast<long long>(it->second.first));
        return false;
      }
    }
    seqc_rt_tensor_init(&tensors[i], data, dtype, in.array.rank,
                        in.array.shape);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Running and writing
//===----------------------------------------------------------------------===//

// Runs the model once. With `intoOutputs` the buffers `outputs` already
// holds (an earlier run's results, kept) are passed as caller-provided
// outputs: the run then allocates nothing for them, as in an application
// that reuses its output buffers; otherwise the runtime allocates them.
bool runOnce(const seqc_model *model, const std::vector<seqc_tensor> &inputs,
             std::vector<seqc_tensor> &outputs, bool intoOutputs = false) {
  if (!intoOutputs || outputs.size() != seqc_rt_model_num_outputs(model)) {
    freeOutputs(outputs);
    outputs.assign(seqc_rt_model_num_outputs(model), seqc_tensor{});
  }
  seqc_error err{};
  if (seqc_rt_model_run(model, inputs.data(), inputs.size(), outputs.data(),
                        outputs.size(), &err) != SEQC_OK) {
    printError("running model '%s' failed: %s", seqc_rt_model_name(model),
               err.message);
    return false;
  }
  return true;
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

bool writeOutputs(const Options &opts, const seqc_model *model,
                  const std::vector<seqc_tensor> &outputs) {
  if (!opts.outputDir.empty() && !makeDirs(opts.outputDir))
    return false;
  for (size_t o = 0; o < outputs.size(); ++o) {
    const seqc_tensor &t = outputs[o];
    const char *name = seqc_rt_model_output(model, o)->name;
    std::string shape = shapeText(t.rank, t.shape);
    if (opts.outputDir.empty()) {
      std::printf("%s: %s %s\n", name, seqc_rt_dtype_name(t.dtype),
                  shape.c_str());
      continue;
    }
    const std::string path = opts.outputDir + "/" + name + ".npy";
    const void *data = t.data;
    int32_t dtype = t.dtype;
    std::vector<float> widened;
    if (dtype == SEQC_DTYPE_BF16) { // NumPy has no bf16
      widened.resize(static_cast<size_t>(seqc_rt_tensor_numel(&t)));
      for (size_t e = 0; e < widened.size(); ++e)
        widened[e] =
            seqc_rt_bf16_to_f32(static_cast<const uint16_t *>(data)[e]);
      data = widened.data();
      dtype = SEQC_DTYPE_F32;
    }
    seqc_error err{};
    if (seqc_rt_npy_write(path.c_str(), dtype, static_cast<int32_t>(t.rank),
                          t.shape, data, &err) != SEQC_OK) {
      printError("cannot write output '%s': %s", name, err.message);
      return false;
    }
    std::printf("%s: %s %s -> %s\n", name, seqc_rt_dtype_name(t.dtype),
                shape.c_str(), path.c_str());
  }
  return true;
}

double nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 +
         static_cast<double>(ts.tv_nsec) * 1e-6;
}

// Runs the model over the whole inputs once (runOnce or runStreamed);
// `reuse` as runOnce's intoOutputs (a streamed run joins its chunks' outputs
// into new buffers either way).
using RunFn =
    std::function<bool(std::vector<seqc_tensor> &outputs, bool reuse)>;

// Minor and major page faults of this process so far.
long pageFaults() {
  struct rusage usage;
  if (getrusage(RUSAGE_SELF, &usage) != 0)
    return 0;
  return usage.ru_minflt + usage.ru_majflt;
}

bool bench(const Options &opts, const RunFn &run) {
  // The timed runs write into the buffers of the run before them, as an
  // application keeping its output buffers does: a buffer handed over
  // anew each run is the caller's to free, and glibc unmaps and maps such
  // blocks again (a fault per page, ~200 for an 800 KB output: 2 ms).
  std::vector<seqc_tensor> outputs;
  for (long i = 0; i < opts.warmup; ++i)
    if (!run(outputs, /*reuse=*/true)) {
      freeOutputs(outputs);
      return false;
    }
  std::vector<double> times;
  times.reserve(static_cast<size_t>(opts.bench));
  long faults = 0;
  for (long i = 0; i < opts.bench; ++i) {
    if (opts.streamChunk > 0)
      freeOutputs(outputs); // not timed: a streamed run joins new buffers
    long faultsBefore = pageFaults();
    double start = nowMs();
    bool ok = run(outputs, /*reuse=*/true);
    double end = nowMs();
    faults += pageFaults() - faultsBefore;
    if (!ok) {
      freeOutputs(outputs);
      return false;
    }
    times.push_back(end - start);
  }
  freeOutputs(outputs);
  std::sort(times.begin(), times.end());
  const size_t n = times.size();
  const double median =
      n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  // Nearest-rank percentile.
  const size_t rank90 = static_cast<size_t>(std::ceil(0.9 * n));
  const double p90 = times[rank90 ? rank90 - 1 : 0];
  double sum = 0;
  for (double t : times)
    sum += t;
  std::printf("latency_ms: min %.4f median %.4f p90 %.4f mean %.4f (%zu "
              "runs)\n",
              times.front(), median, p90, sum / n, n);
  std::printf("page_faults: %.1f per run\n",
              static_cast<double>(faults) / static_cast<double>(n));
  return true;
}

// Which code the timings ran: a model compiled for several x86-64 levels
// (seqc's default --mcpu) runs the highest this CPU supports.
void printCpuLevel(const seqc_model *model) {
  std::printf("cpu_level: code %s, this CPU %s\n",
              seqc_rt_cpu_level_name(seqc_rt_model_cpu_level(model)),
              seqc_rt_cpu_level_name(seqc_rt_cpu_level()));
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  if (int rc = parseArgs(argc, argv, opts); rc >= 0)
    return rc;
  Loaded loaded;
  if (!loadModel(opts, loaded))
    return kExitFailure;
  std::vector<Input> inputs;
  std::vector<seqc_tensor> tensors;
  if (!readInputs(opts, loaded.model, inputs, tensors))
    return kExitFailure;
  Stream stream;
  if (opts.streamChunk > 0 && !openStream(loaded.api, loaded.model, loaded.pool,
                                         opts.streamDim, opts.dims, tensors,
                                         stream))
    return kExitFailure;
  RunFn run = [&](std::vector<seqc_tensor> &outputs, bool reuse) {
    return opts.streamChunk > 0
               ? runStreamed(loaded.model, stream, opts.streamChunk, tensors,
                             outputs)
               : runOnce(loaded.model, tensors, outputs, reuse);
  };
  std::vector<seqc_tensor> outputs;
  bool ok = run(outputs, /*reuse=*/false) &&
            writeOutputs(opts, loaded.model, outputs);
  freeOutputs(outputs);
  if (ok && opts.bench > 0)
    ok = bench(opts, run);
  if (ok && opts.bench > 0)
    printCpuLevel(loaded.model);
  std::fflush(stdout);
  return ok ? kExitOk : kExitFailure;
}
