//===- CodeVersions.cpp - one lowered module per CPU of the object --------===//

#include "compiler/Driver/CodeVersions.h"

#include "compiler/Pipelines/Pipelines.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;

namespace seqc {

LogicalResult lowerCodeVersions(ModuleOp module, const TargetSelection &target,
                                const DriverOptions &options, CodeVersions &out,
                                TimingScope &timing) {
  MLIRContext *context = module.getContext();
  CpuPipelineOptions common;
  common.recurrenceChunkSteps = options.recurrenceChunkSteps;
  common.attentionTile = options.attentionTile.value_or(common.attentionTile);
  // What no CPU level changes runs once, before the copies (a third of a
  // 16-layer encoder's MLIR time, most of it proving shapes equal).
  // The scope outlives the pass manager, whose timing refers to it.
  TimingScope sharedTiming = timing.nest("seq to loops, shared by every CPU");
  PassManager shared(context);
  buildSharedLoopsPipeline(shared, common);
  shared.enableTiming(sharedTiming);
  if (failed(shared.run(module)))
    return failure();
  sharedTiming.stop();
  size_t count = target.cpus.size();
  for (size_t i = 0; i < count; ++i) {
    ModuleOp code = module;
    if (i + 1 < count) {
      out.copies.push_back(module.clone());
      code = *out.copies.back();
    }
    out.versions.push_back({code, target.cpus[i]});
  }
  // The pipelines are built here and run several at once.
  std::vector<std::unique_ptr<PassManager>> pms;
  for (int64_t width : target.vectorWidths) {
    pms.push_back(std::make_unique<PassManager>(context));
    CpuPipelineOptions cpu = common;
    cpu.vectorWidth = width;
    buildVectorLoopsPipeline(*pms.back(), cpu);
    buildLowerToLLVMPipeline(*pms.back(), cpu);
  }
  ParallelDiagnosticHandler diagnostics(context);
  // Each level's time is its own thread's: with several, they overlap
  // inside this scope.
  TimingScope levels =
      count > 1 ? timing.nest("seq to loops and lower to LLVM, every CPU "
                              "level at once")
                : TimingScope();
  TimingScope &parent = count > 1 ? levels : timing;
  return failableParallelForEachN(
      context, 0, count, [&](size_t i) -> LogicalResult {
        diagnostics.setOrderIDForThread(i);
        TimingScope cpuTiming = parent.nest("seq to loops and lower to LLVM (" +
                                            target.cpus[i] + ")");
        pms[i]->enableTiming(cpuTiming);
        LogicalResult result = pms[i]->run(out.versions[i].module);
        // Gone with its scope, whose timer it refers to.
        pms[i].reset();
        diagnostics.eraseOrderIDForThread();
        return result;
      });
}

} // namespace seqc
