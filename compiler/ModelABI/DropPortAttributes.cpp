//===- DropPortAttributes.cpp - drop seq.* argument/result attributes ----===//

#include "compiler/ModelABI/Passes.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

#define DEBUG_TYPE "seqc-drop-port-attributes"

namespace seqc {
#define GEN_PASS_DEF_DROPPORTATTRIBUTESPASS
#include "compiler/ModelABI/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct DropPortAttributesPass
    : seqc::impl::DropPortAttributesPassBase<DropPortAttributesPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    auto strip = [&](DictionaryAttr attrs) {
      NamedAttrList kept;
      if (attrs)
        for (NamedAttribute attr : attrs)
          if (!attr.getName().getValue().starts_with("seq."))
            kept.push_back(attr);
      return kept.getDictionary(ctx);
    };
    getOperation().walk([&](FunctionOpInterface func) {
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        func.setArgAttrs(i, strip(func.getArgAttrDict(i)));
      for (unsigned i = 0; i < func.getNumResults(); ++i)
        func.setResultAttrs(i, strip(func.getResultAttrDict(i)));
      // The step signature's time line has it; it names a port's dim. The
      // states' descriptions are in the ABI record (state_docs).
      func->removeAttr(seqc::seq::kStreamDimAttr);
      func->removeAttr(seqc::seq::kStateDocsAttr);
    });
  }
};

} // namespace
