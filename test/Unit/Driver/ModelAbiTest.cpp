//===- ModelAbiTest.cpp - seq.model_abi and its signature text ----------===//
//
// What the model ABI phase records is read back by emission: the signature
// text round-trips, malformed text names its line, and a module the phase
// did not run on says so.
//
//===----------------------------------------------------------------------===//

#include "compiler/ModelABI/ModelAbi.h"
#include "compiler/Registration/Registration.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <gtest/gtest.h>

using namespace seqc;

namespace {

TEST(ModelSignatureText, RoundTripsEveryRole) {
  const char *text = "in x f32 [T,B,4]\n"
                     "weight weight0 bf16 [8,4]\n"
                     "state state0 i64 [1]\n"
                     "out y f64 [T,?,8]\n"
                     "out flag bool []\n";
  std::string error;
  mlir::FailureOr<ModelSignature> sig =
      ModelSignature::fromText("m", text, error);
  ASSERT_TRUE(mlir::succeeded(sig)) << error;
  EXPECT_EQ(sig->name, "m");
  ASSERT_EQ(sig->inputs.size(), 1u);
  EXPECT_EQ(sig->inputs[0].cType, "float");
  EXPECT_EQ(sig->weights[0].cType, "uint16_t");
  EXPECT_EQ(sig->states[0].cType, "int64_t");
  EXPECT_EQ(sig->outputs[0].dims,
            (std::vector<std::string>{"T", "?", "8"}));
  EXPECT_TRUE(sig->outputs[1].dims.empty());
  EXPECT_EQ(sig->toText(), text);
}

TEST(ModelSignatureText, MalformedLinesAreNamed) {
  struct Case {
    const char *text, *message;
  } cases[] = {
      {"in x f32 [4]\nbogus y f32 [4]\n",
       "signature line 2 'bogus y f32 [4]': unknown role 'bogus'"},
      {"in x f17 [4]\n", "signature line 1 'in x f17 [4]': unknown dtype "
                         "'f17'"},
      {"in x f32 4\n", "signature line 1 'in x f32 4': expected "
                       "'in|weight|state|out NAME DTYPE [DIMS]'"},
      {"in x f32\n", "signature line 1 'in x f32': expected "
                     "'in|weight|state|out NAME DTYPE [DIMS]'"},
  };
  for (const Case &c : cases) {
    std::string error;
    EXPECT_TRUE(
        mlir::failed(ModelSignature::fromText("m", c.text, error)));
    EXPECT_EQ(error, c.message);
  }
}

TEST(ModelAbiRecord, MissingRecordSaysWhichPhase) {
  mlir::DialectRegistry registry;
  registerAllDialects(registry);
  mlir::MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  std::string message;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    message = d.str();
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&ctx));
  EXPECT_TRUE(mlir::failed(readModelAbi(*module)));
  EXPECT_EQ(message, "the module has no 'seq.model_abi': run the model ABI "
                     "phase (seqc-model-abi) before emission");
  EXPECT_TRUE(mlir::failed(getModelEntry(*module)));
  EXPECT_EQ(message, "no function is marked 'seq.model_entry': run "
                     "seqc-select-model-entry first");
}

} // namespace
