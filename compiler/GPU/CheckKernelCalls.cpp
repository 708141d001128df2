//===- CheckKernelCalls.cpp - PTX that the driver can load alone ---------===//

#include "compiler/GPU/Passes.h"

#define DEBUG_TYPE "seqc-check-kernel-calls"

namespace seqc {
#define GEN_PASS_DEF_CHECKKERNELCALLSPASS
#include "compiler/GPU/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The functions PTX text declares but does not define: `.extern .func
/// (.param ...) name(` or `.extern .func name(`.
static SmallVector<std::string> externFunctions(StringRef ptx) {
  SmallVector<std::string> names;
  constexpr StringRef kExtern = ".extern .func";
  for (size_t at = ptx.find(kExtern); at != StringRef::npos;
       at = ptx.find(kExtern, at + 1)) {
    StringRef rest = ptx.substr(at + kExtern.size()).ltrim();
    // Skip a return parameter list "(.param ...)".
    if (rest.starts_with("(")) {
      size_t close = rest.find(')');
      rest = close == StringRef::npos ? "" : rest.substr(close + 1).ltrim();
    }
    names.push_back(rest.take_until([](char c) {
                          return c == '(' || c == ' ' || c == '\n' ||
                                 c == ';';
                        })
                        .str());
  }
  return names;
}

struct CheckKernelCallsPass
    : seqc::impl::CheckKernelCallsPassBase<CheckKernelCallsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto binary : getOperation().getOps<gpu::BinaryOp>()) {
      ArrayRef<Attribute> objects = binary.getObjectsAttr().getValue();
      auto object = objects.size() == 1
                        ? dyn_cast<gpu::ObjectAttr>(objects.front())
                        : gpu::ObjectAttr();
      if (!object ||
          object.getFormat() != gpu::CompilationTarget::Assembly) {
        binary.emitError() << "expected one PTX object (gpu-module-to-binary "
                              "format=isa) in GPU module '"
                           << binary.getName() << "'";
        return signalPassFailure();
      }
      for (const std::string &name :
           externFunctions(object.getObject().getValue())) {
        binary.emitError()
            << "GPU module '" << binary.getName() << "' calls '" << name
            << "', which it does not define (CUDA's libdevice is not "
               "linked: the math op it comes from needs an inline "
               "approximation, seqc-approximate-math)";
        return signalPassFailure();
      }
    }
  }
};

} // namespace
