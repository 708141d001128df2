//===- SelectModelEntry.cpp - mark the function that is the model --------===//

#include "compiler/ModelABI/ModelAbi.h"
#include "compiler/ModelABI/Passes.h"

#define DEBUG_TYPE "seqc-select-model-entry"

namespace seqc {
#define GEN_PASS_DEF_SELECTMODELENTRYPASS
#include "compiler/ModelABI/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct SelectModelEntryPass
    : seqc::impl::SelectModelEntryPassBase<SelectModelEntryPass> {
  using Base::Base;

  void runOnOperation() override {
    FailureOr<func::FuncOp> entry = select(getOperation());
    if (failed(entry))
      return signalPassFailure();
    (*entry)->setAttr(seqc::kModelEntryAttr, UnitAttr::get(&getContext()));
    // A private function chosen with --entry is what the module exports
    // now (and the inliner that follows must not drop it as unused); the
    // other public functions are not the model: private, they go unless
    // it calls them (symbol DCE after the inliner), and nothing compiles
    // them as models (their checks would have no model context).
    entry->setPublic();
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (func != *entry && func.isPublic() && !func.isExternal())
        func.setPrivate();
  }

  FailureOr<func::FuncOp> select(ModuleOp module) {
    if (!entry.empty()) {
      auto func = module.lookupSymbol<func::FuncOp>(entry);
      if (!func || func.isExternal())
        return module.emitError()
               << "no function '" << entry
               << "' to use as the model entry (--entry, entry= in seq-opt)";
      return func;
    }
    SmallVector<func::FuncOp> candidates;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        candidates.push_back(func);
    if (candidates.size() == 1)
      return candidates.front();
    if (candidates.empty())
      return module.emitError()
             << "the module has no public function with a body; a model is "
                "a public func.func";
    // Point at the second candidate: the first one alone would be fine.
    InFlightDiagnostic diag =
        candidates[1].emitError()
        << "the module has several public functions; "
           "choose the model with --entry (entry= in seq-opt):";
    for (func::FuncOp func : candidates)
      diag << " @" << func.getSymName();
    return failure();
  }
};

} // namespace
