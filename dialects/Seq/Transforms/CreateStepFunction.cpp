//===- CreateStepFunction.cpp - seq-create-step-function ----------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "mlir/IR/BuiltinOps.h"

#define DEBUG_TYPE "seq-create-step-function"

namespace seqc::seq {
#define GEN_PASS_DEF_CREATESTEPFUNCTIONPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;

namespace {

struct CreateStepFunctionPass
    : seqc::seq::impl::CreateStepFunctionPassBase<CreateStepFunctionPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp entry;
    if (!this->entry.empty()) {
      entry = module.lookupSymbol<func::FuncOp>(this->entry);
      if (!entry) {
        module.emitError() << "no function '" << this->entry << "'";
        return signalPassFailure();
      }
    } else {
      for (auto func : module.getOps<func::FuncOp>()) {
        if (!func.isPublic() || func.isExternal())
          continue;
        if (entry) {
          func.emitError() << "several public functions; name the model "
                              "with entry=";
          return signalPassFailure();
        }
        entry = func;
      }
      if (!entry) {
        module.emitError() << "no public function to stream";
        return signalPassFailure();
      }
    }
    std::string reason;
    if (failed(seqc::seq::createStepFunction(
            entry, (entry.getSymName() + "_step").str(), reason))) {
      entry.emitError() << "the model cannot be streamed: " << reason;
      return signalPassFailure();
    }
  }
};

} // namespace
