//===- ExportModel.cpp - export the entry and record its C signature -----===//
//
// The last pass of the model ABI phase: after it, the module says in
// `seq.model_abi` which functions the object exports and with which
// signatures, and nothing downstream needs the driver's options
// (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "compiler/ModelABI/ModelAbi.h"
#include "compiler/ModelABI/Passes.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#define DEBUG_TYPE "seqc-export-model"

namespace seqc {
#define GEN_PASS_DEF_EXPORTMODELPASS
#include "compiler/ModelABI/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct ExportModelPass : seqc::impl::ExportModelPassBase<ExportModelPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(exportModel(getOperation())))
      signalPassFailure();
  }

  /// The C prefix: the option, else the module's `seq.model_name`.
  FailureOr<std::string> getModelName(ModuleOp module, func::FuncOp entry) {
    std::string modelName = name;
    if (modelName.empty())
      if (auto named = module->getAttrOfType<StringAttr>("seq.model_name"))
        modelName = named.getValue().str();
    if (modelName.empty())
      return entry.emitError()
             << "the model has no name: pass name=... (seqc derives one "
                "from the file name)";
    modelName = seqc::sanitizeIdentifier(modelName);
    // C reserves names that start with an underscore at file scope (a
    // name derived from a file gets "model_" instead; this one was given).
    if (StringRef(modelName).starts_with("_"))
      return entry.emitError()
             << "the model name '" << modelName
             << "' starts with an underscore, which C reserves for its "
                "implementation; choose another with --name";
    // The generated API is <name>_api, <name>_run, ...: a seqc_ prefix
    // would collide with the runtime's own functions (seqc_rt_model_run).
    if (StringRef(modelName).starts_with("seqc_") || modelName == "seqc")
      return entry.emitError()
             << "the model name '" << modelName
             << "' is reserved (seqc_ names belong to the runtime); choose "
                "another with --name";
    return modelName;
  }

  LogicalResult exportModel(ModuleOp module) {
    FailureOr<func::FuncOp> entry = seqc::getModelEntry(module);
    if (failed(entry))
      return failure();
    if (module->hasAttr(seqc::kModelAbiAttr)) {
      FailureOr<seqc::ModelAbi> abi = seqc::readModelAbi(module);
      return module.emitError()
             << "the model is already exported (seq.model_abi names @"
             << (succeeded(abi) ? abi->forward.function : "?") << ")";
    }
    FailureOr<std::string> modelName = getModelName(module, *entry);
    if (failed(modelName))
      return failure();
    // The model ABI phase inlined every call it could; what is left is
    // recursion (or a declaration without a body), which the model's one
    // function cannot express.
    WalkResult calls = entry->walk([&](func::CallOp call) {
      call.emitError() << "the model calls @" << call.getCallee()
                       << ", which cannot be inlined into it (a recursive "
                          "call, or a function without a body); seqc "
                          "compiles a model into one function";
      return WalkResult::interrupt();
    });
    if (calls.wasInterrupted())
      return failure();

    // A causal model also gets a streaming step function; any other model
    // records why it has none (the header says it).
    std::string notStreamable;
    FailureOr<func::FuncOp> step = seqc::seq::createStepFunction(
        *entry, *modelName + "__step", notStreamable);

    seqc::ModelAbi abi;
    FailureOr<seqc::ModelSignature> signature =
        seqc::extractSignature(*entry, *modelName);
    if (failed(signature))
      return failure();
    // A model the runtime could not open is an error now, not when it is
    // loaded; a step function past the limits (its states count on both
    // sides) is dropped, and the header says why.
    if (std::string past = signature->pastRuntimeLimits(); !past.empty())
      return entry->emitError() << past;
    abi.forward = {*signature, *modelName + "__forward", *modelName + "_api",
                   ""};
    std::optional<seqc::ModelSignature> stepSignature;
    if (succeeded(step)) {
      FailureOr<seqc::ModelSignature> sig =
          seqc::extractSignature(*step, *modelName);
      if (failed(sig))
        return failure();
      if (std::string past = sig->pastRuntimeLimits(); !past.empty()) {
        notStreamable =
            "its step function is past the runtime's limits: " + past;
        (*step)->erase();
        step = failure();
      } else {
        stepSignature = std::move(*sig);
      }
    }
    if (stepSignature) {
      abi.step = seqc::ModelEntry{*stepSignature, *modelName + "__step",
                                  *modelName + "_step_api", ""};
    } else {
      abi.noStepReason = notStreamable;
    }

    // The entry becomes <name>__forward; every other function but the step
    // is private to the object.
    SmallVector<func::FuncOp> exported = {*entry};
    if (succeeded(step))
      exported.push_back(*step);
    MLIRContext *ctx = module.getContext();
    for (func::FuncOp func : exported)
      func->setAttr("llvm.emit_c_interface", UnitAttr::get(ctx));
    for (auto func : module.getOps<func::FuncOp>())
      if (!llvm::is_contained(exported, func) && !func.isExternal())
        func.setPrivate();
    auto forwardName = StringAttr::get(ctx, abi.forward.function);
    if (failed(SymbolTable::replaceAllSymbolUses(*entry, forwardName, module)))
      return entry->emitError() << "cannot rename the model entry";
    entry->setSymName(forwardName);
    // The step was derived from the entry, marker included.
    for (func::FuncOp func : exported)
      func->removeAttr(seqc::kModelEntryAttr);
    seqc::recordModelAbi(module, abi);
    return success();
  }
};

} // namespace
