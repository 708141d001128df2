//===- seqc.cpp - the seqc compiler driver ------------------------------===//
//
//   seqc MODEL [-o BASE] [--emit=KIND] [--target=cpu|cuda] [--mcpu=CPU]
//        [--name=NAME] [--entry=FUNC]
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"

#include "mlir/IR/AsmState.h"
#include "mlir/Support/Timing.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

namespace cl = llvm::cl;

/// The largest --recurrence-chunk-steps (a chunk's input projection of
/// 65536 steps is 1 GiB at batch 1, 4096 gates) and --attention-tile (a
/// 4096 x 4096 tile of scores is 64 MiB).
constexpr int64_t kMaxChunkSteps = 65536;
constexpr int64_t kMaxAttentionTile = 4096;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::OptionCategory category("seqc options");
  cl::opt<std::string> input(cl::Positional,
                             cl::desc("<model.seq | model.onnx | model.mlir>"),
                             cl::Required, cl::cat(category));
  cl::opt<std::string> output(
      "o",
      cl::desc("Output path without extension (BASE; one ending with the "
               "emitted file's extension, m.so with --emit=shared, names "
               "that file); '-' for stdout (text kinds only)"),
      cl::value_desc("BASE"), cl::cat(category));
  cl::opt<std::string> emit(
      "emit",
      cl::desc("What to write: mlir (after import), lowered (final MLIR), "
               "llvm, asm, obj, header, shared, ptx (--target=cuda: the "
               "kernels). Default: BASE.o and BASE.h"),
      cl::value_desc("KIND"), cl::cat(category));
  cl::opt<std::string> target(
      "target",
      cl::desc("cpu (the default) or cuda (kernels as PTX for NVIDIA GPUs, "
               "launched by the runtime through the CUDA driver)"),
      cl::init("cpu"), cl::cat(category));
  cl::opt<std::string> mcpu(
      "mcpu",
      cl::desc("Target CPU: one LLVM CPU (x86-64, x86-64-v3, znver4, ...) or "
               "native (this machine), or a list of x86-64 levels each "
               "compiled and picked at run time (the default: "
               "x86-64,x86-64-v3,x86-64-v4); with --target=cuda the GPU: "
               "sm_80 (the default), sm_90, ... The last --mcpu given wins"),
      cl::ZeroOrMore, cl::cat(category));
  cl::opt<std::string> weights(
      "weights", cl::desc("Weights file (.seq models)"), cl::cat(category));
  cl::opt<bool> externalWeights(
      "external-weights",
      cl::desc("Write the weights to BASE.safetensors, which the runtime "
               "memory-maps when the model is created, instead of embedding "
               "them in the object"),
      cl::cat(category));
  cl::opt<std::string> name(
      "name",
      cl::desc("C prefix of the generated API (default: a .seq file's "
               "`model NAME`, else from BASE)"),
      cl::cat(category));
  cl::opt<std::string> entry(
      "entry", cl::desc("The model function (default: the only public one)"),
      cl::cat(category));
  cl::opt<int64_t> recurrenceChunkSteps(
      "recurrence-chunk-steps",
      cl::desc("Time steps whose input projection a recurrence computes as "
               "one matrix product (default 64): its temporaries hold this "
               "many steps whatever the sequence length"),
      cl::init(64), cl::value_desc("N"), cl::cat(category));
  cl::opt<int64_t> attentionTile(
      "attention-tile",
      cl::desc("Query rows and keys per attention tile, computed with an "
               "online softmax (default 64; --target=cuda: 0); 0 "
               "materializes the whole [Lq, Lk] score matrix"),
      cl::init(64), cl::value_desc("N"), cl::cat(category));
  cl::opt<std::string> depfile(
      "depfile",
      cl::desc("Also write a Makefile rule to FILE: the first output "
               "depends on every file the compilation read (the model, its "
               "weights, ONNX external data), for build systems"),
      cl::value_desc("FILE"), cl::cat(category));
  // MLIR's printing flags, for --emit=mlir/lowered: with
  // --mlir-print-debuginfo the imported module keeps its source locations,
  // so `seq-opt` replays the pipeline with the same check messages.
  mlir::registerAsmPrinterCLOptions();
  // --mlir-timing[-display=list|tree]: where the compile time went, per
  // phase and per pass (and LLVM's optimization and code generation).
  mlir::registerDefaultTimingManagerCLOptions();
  cl::HideUnrelatedOptions(category);
  for (const char *timingOption : {"mlir-timing", "mlir-timing-display"})
    if (cl::Option *option = cl::getRegisteredOptions().lookup(timingOption)) {
      option->addCategory(category);
      option->setHiddenFlag(cl::NotHidden);
    }
  cl::SetVersionPrinter([](llvm::raw_ostream &os) {
    os << "seqc " << SEQC_VERSION
       << ": compiles sequence models (.seq, ONNX, seq-dialect MLIR) to "
          "native code and a C header\n(built with MLIR/LLVM "
       << LLVM_VERSION_STRING << ")\n";
  });
  cl::ParseCommandLineOptions(argc, argv,
                              "seqc: compile sequence models to native code\n");
  // A library linked in registers an integer --threads that HideUnrelated
  // hides but still accepts: a user passing it believes the model will use
  // threads. They are chosen when it runs.
  if (cl::Option *threads = cl::getRegisteredOptions().lookup("threads");
      threads && threads->getNumOccurrences() > 0) {
    llvm::errs() << "seqc: error: --threads is not a seqc option: a model's "
                    "threads are chosen when it runs (seq-run --threads N; "
                    "seqc_rt_thread_pool_create and "
                    "seqc_rt_model_set_thread_pool in seqc/thread_pool.h)\n";
    return 1;
  }

  // An option given with an empty value (`--mcpu=`, `--name=` from an
  // unset variable) is a mistake, not a request for the default.
  for (cl::opt<std::string> *given :
       {&output, &emit, &target, &mcpu, &weights, &name, &entry, &depfile})
    if (given->getNumOccurrences() > 0 && given->empty()) {
      llvm::errs() << "seqc: error: " << (given == &output ? "-" : "--")
                   << given->ArgStr << " was given an empty value\n";
      return 1;
    }

  seqc::DriverOptions options;
  options.inputPath = input;
  options.outputBase = output;
  options.target = target;
  options.cpu = mcpu;
  options.weightsPath = weights;
  options.externalWeights = externalWeights;
  options.modelName = name;
  options.entry = entry;
  options.depfilePath = depfile;
  // (The temporaries of a chunk, and of a tile, are allocated at these
  // extents whatever the sequence's length.)
  if (recurrenceChunkSteps < 1 || recurrenceChunkSteps > kMaxChunkSteps) {
    llvm::errs() << "seqc: error: --recurrence-chunk-steps must be from 1 to "
                 << kMaxChunkSteps << ", got " << recurrenceChunkSteps << "\n";
    return 1;
  }
  options.recurrenceChunkSteps = recurrenceChunkSteps;
  if (attentionTile < 0 || attentionTile > kMaxAttentionTile) {
    llvm::errs() << "seqc: error: --attention-tile must be from 0 to "
                 << kMaxAttentionTile << ", got " << attentionTile << "\n";
    return 1;
  }
  if (attentionTile.getNumOccurrences())
    options.attentionTile = attentionTile;
  if (!emit.empty() && !seqc::parseEmitKind(emit, options.emit)) {
    llvm::errs() << "seqc: error: unknown --emit kind '" << emit
                 << "' (mlir, lowered, llvm, asm, obj, header, shared, ptx)\n";
    return 1;
  }
  return seqc::runDriver(options, llvm::errs());
}
