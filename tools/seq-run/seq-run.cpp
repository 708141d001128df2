//===- seq-run.cpp - Run a compiled seqc model on .npy inputs -------------===//
//
// Loads a model built with `seqc --emit=shared` (or compiles a model file
// with seqc first), feeds it .npy inputs through the generic entry of
// seqc/model.h (or, with --stream-chunk, chunk by chunk through the step api
// and seqc/stream.h), writes each output as DIR/NAME.npy and optionally
// times it.
// The work is in seqc_tooling (tools/tooling), shared with seq-run's test;
// only it, the runtime, seqc_npy and libdl are linked: no LLVM or MLIR.
//
//===----------------------------------------------------------------------===//

#include "tools/tooling/LoadModel.h"
#include "tools/tooling/Messages.h"
#include "tools/tooling/NpyTensors.h"
#include "tools/tooling/RunModel.h"
#include "tools/tooling/Streaming.h"

#include "seqc/runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>

using namespace seqc::tooling;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitFailure = 2;

const char *const kHelp =
    R"(usage: seq-run MODEL --input NAME=FILE.npy ... [--output-dir DIR]
               [--bench N] [--warmup N] [--threads N] [--symbol SYM]
               [--weights FILE.safetensors]
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
  --weights FILE      The safetensors file of a model compiled with
                      'seqc --external-weights' (seqc writes it beside the
                      object as BASE.safetensors); the runtime maps it and
                      checks every weight's name, dtype and shape. With a
                      model file, the weights seqc compiles in ('seqc
                      --weights': a .seq's safetensors, instead of the
                      file its weights line names).
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
  --stream-dim NAME   The named dimension to stream along (needs
                      --stream-chunk). Default: the one the step api's
                      signature names (its `time` line, the dimension the
                      compiler traced the model's stateful ops to), else T;
                      a NAME other than the signature's is refused.
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
  NamedFiles inputs;
  std::string outputDir;
  long bench = 0;
  long warmup = 3;
  bool warmupGiven = false;
  long threads = 1;
  std::string weights;
  std::string symbol = kDefaultSymbol;
  bool symbolGiven = false;
  long streamChunk = 0; // 0: one run over the whole inputs
  std::string streamDim = "T";
  bool streamDimGiven = false;
  DimBindings dims; // --dim NAME=N
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
  std::set<std::string> givenOptions;
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
        "--input",  "--output-dir",   "--bench",      "--warmup", "--threads",
        "--symbol", "--stream-chunk", "--stream-dim", "--dim",    "--weights"};
    if (std::find_if(std::begin(kValued), std::end(kValued),
                     [&](const char *o) { return name == o; }) ==
        std::end(kValued))
      return usageError("unknown option '" + arg + "'");
    if (!inlineValue) {
      if (i + 1 >= argc)
        return usageError("option '" + name + "' needs a value");
      value = argv[++i];
    }
    // An option given twice would silently keep its last value (--input and
    // --dim repeat, one name each).
    if (name != "--input" && name != "--dim" &&
        !givenOptions.insert(name).second)
      return usageError("option '" + name + "' is given twice");
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
      std::string dimName = value.substr(0, eq);
      for (const auto &[given, extentGiven] : opts.dims)
        if (given == dimName)
          return usageError("--dim " + dimName + " is given twice (" +
                            std::to_string(extentGiven) + " and " +
                            std::to_string(extent) + ")");
      opts.dims.emplace_back(dimName, extent);
    } else if (name == "--weights") {
      if (value.empty())
        return usageError("--weights needs a safetensors file");
      opts.weights = value;
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
  LoadOptions load;
  load.model = opts.model;
  load.symbol = opts.symbol;
  load.threads = opts.threads;
  load.streaming = opts.streamChunk > 0;
  load.weights = opts.weights;
  LoadedModel loaded;
  if (!loadModel(load, loaded))
    return kExitFailure;
  std::vector<NpyInput> inputs;
  std::vector<seqc_tensor> tensors;
  if (!readInputs(opts.inputs, loaded.model, inputs, tensors))
    return kExitFailure;
  Stream stream;
  if (opts.streamChunk > 0 &&
      !openStream(loaded.api, loaded.model, loaded.pool,
                  opts.streamDimGiven ? opts.streamDim : std::string(),
                  opts.dims, tensors, loaded.weights, stream))
    return kExitFailure;
  RunFn run = [&](std::vector<seqc_tensor> &outputs, bool reuse) {
    return opts.streamChunk > 0
               ? runStreamed(loaded.model, stream, opts.streamChunk, tensors,
                             outputs)
               : runOnce(loaded.model, tensors, outputs, reuse);
  };
  std::vector<seqc_tensor> outputs;
  bool ok = run(outputs, /*reuse=*/false) &&
            writeOutputs(opts.outputDir, loaded.model, outputs);
  freeOutputs(outputs);
  if (ok && opts.bench > 0)
    ok = bench(opts, run);
  if (ok && opts.bench > 0)
    printCpuLevel(loaded.model);
  std::fflush(stdout);
  return ok ? kExitOk : kExitFailure;
}
