//===- ModelAbi.cpp - the model's C interface, recorded in the module ----===//

#include "compiler/ModelABI/ModelAbi.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace seqc {

static DictionaryAttr describeEntry(Builder &b, const ModelEntry &entry) {
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("api", b.getStringAttr(entry.apiSymbol)),
      b.getNamedAttr("function", b.getStringAttr(entry.function)),
      b.getNamedAttr("signature", b.getStringAttr(entry.signature.toText()))};
  // What each state holds, for the header only (the signature text is
  // the object's, which the runtime reads).
  SmallVector<Attribute> docs;
  for (const TensorSignature &state : entry.signature.states)
    docs.push_back(b.getStringAttr(state.doc));
  if (!docs.empty())
    fields.push_back(b.getNamedAttr("state_docs", b.getArrayAttr(docs)));
  return b.getDictionaryAttr(fields);
}

void recordModelAbi(ModuleOp module, const ModelAbi &abi) {
  Builder b(module.getContext());
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("name", b.getStringAttr(abi.forward.signature.name)),
      b.getNamedAttr("forward", describeEntry(b, abi.forward))};
  if (abi.step)
    fields.push_back(b.getNamedAttr("step", describeEntry(b, *abi.step)));
  else if (!abi.noStepReason.empty())
    fields.push_back(
        b.getNamedAttr("no_step", b.getStringAttr(abi.noStepReason)));
  module->setAttr(kModelAbiAttr, b.getDictionaryAttr(fields));
}

FailureOr<ModelAbi> readModelAbi(ModuleOp module) {
  auto abi = module->getAttrOfType<DictionaryAttr>(kModelAbiAttr);
  if (!abi)
    return module.emitError()
           << "the module has no '" << kModelAbiAttr
           << "': run the model ABI phase (seqc-model-abi) before emission";
  auto name = abi.getAs<StringAttr>("name");
  if (!name)
    return module.emitError() << "'" << kModelAbiAttr << "' has no name";
  auto readEntry = [&](StringRef key) -> FailureOr<ModelEntry> {
    auto fields = abi.getAs<DictionaryAttr>(key);
    auto api = fields ? fields.getAs<StringAttr>("api") : StringAttr();
    auto function = fields ? fields.getAs<StringAttr>("function") : StringAttr();
    auto text = fields ? fields.getAs<StringAttr>("signature") : StringAttr();
    if (!api || !function || !text)
      return module.emitError()
             << "'" << kModelAbiAttr << "' entry '" << key
             << "' needs the strings api, function and signature";
    ModelEntry entry;
    entry.apiSymbol = api.str();
    entry.function = function.str();
    std::string error;
    FailureOr<ModelSignature> signature =
        ModelSignature::fromText(name.getValue(), text.getValue(), error);
    if (failed(signature))
      return module.emitError() << "'" << kModelAbiAttr << "' entry '" << key
                                << "': " << error;
    entry.signature = std::move(*signature);
    if (auto docs = fields.getAs<ArrayAttr>("state_docs"))
      for (auto [state, doc] : llvm::zip(entry.signature.states, docs))
        if (auto text = dyn_cast<StringAttr>(doc))
          state.doc = text.str();
    return entry;
  };
  ModelAbi result;
  FailureOr<ModelEntry> forward = readEntry("forward");
  if (failed(forward))
    return failure();
  result.forward = std::move(*forward);
  if (abi.contains("step")) {
    FailureOr<ModelEntry> step = readEntry("step");
    if (failed(step))
      return failure();
    result.step = std::move(*step);
  }
  if (auto reason = abi.getAs<StringAttr>("no_step"))
    result.noStepReason = reason.str();
  return result;
}

FailureOr<func::FuncOp> getModelEntry(ModuleOp module) {
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func->hasAttr(kModelEntryAttr))
      continue;
    if (func.isExternal())
      return func.emitError() << "the model entry must have a body";
    if (entry)
      return func.emitError() << "two functions are marked '"
                              << kModelEntryAttr << "'";
    entry = func;
  }
  if (!entry)
    return module.emitError()
           << "no function is marked '" << kModelEntryAttr
           << "': run seqc-select-model-entry first";
  return entry;
}

} // namespace seqc
