//===- SeqAttrsTest.cpp - #seq.act defaults and recurrence defaults -----===//

#include "compiler/Registration/Registration.h"
#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace seqc::seq;

namespace {

class SeqAttrsTest : public ::testing::Test {
protected:
  SeqAttrsTest() {
    DialectRegistry registry;
    seqc::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }
  MLIRContext context;
};

TEST_F(SeqAttrsTest, DefaultParametersFollowOnnx) {
  auto hardSigmoid = ActivationAttr::get(&context, ActivationKind::hard_sigmoid);
  EXPECT_FLOAT_EQ(hardSigmoid.getAlphaAsFloat(), 0.2f);
  EXPECT_FLOAT_EQ(hardSigmoid.getBetaAsFloat(), 0.5f);
  auto leaky = ActivationAttr::get(&context, ActivationKind::leaky_relu);
  EXPECT_FLOAT_EQ(leaky.getAlphaAsFloat(), 0.01f);
  EXPECT_FLOAT_EQ(leaky.getBetaAsFloat(), 0.0f);
  auto tanh = ActivationAttr::get(&context, ActivationKind::tanh);
  EXPECT_FLOAT_EQ(tanh.getAlphaAsFloat(), 0.0f);
  EXPECT_EQ(ActivationAttr::getNumParameters(ActivationKind::scaled_tanh), 2u);
  EXPECT_EQ(ActivationAttr::getNumParameters(ActivationKind::elu), 1u);
  EXPECT_EQ(ActivationAttr::getNumParameters(ActivationKind::gelu), 0u);
}

TEST_F(SeqAttrsTest, ParsedAndBuiltDefaultsAreTheSameAttribute) {
  Attribute parsed = parseAttribute("#seq.act<hard_sigmoid>", &context);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed,
            ActivationAttr::get(&context, ActivationKind::hard_sigmoid));
}

TEST_F(SeqAttrsTest, RecurrenceActivationsDefaultPerSlot) {
  const char *source = R"mlir(
    func.func @f(%x: tensor<5x2x4xf32>, %w: tensor<2x32x4xf32>,
                 %r: tensor<2x32x8xf32>) {
      %y, %h, %c = seq.lstm %x, %w, %r direction(bidirectional)
          {hidden_size = 8 : i64}
        : (tensor<5x2x4xf32>, tensor<2x32x4xf32>, tensor<2x32x8xf32>)
        -> (tensor<5x2x2x8xf32>, tensor<2x2x8xf32>, tensor<2x2x8xf32>)
      return
    })mlir";
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(source, &context);
  ASSERT_TRUE(module);
  LstmOp lstm;
  module->walk([&](LstmOp op) { lstm = op; });
  ASSERT_TRUE(lstm);
  EXPECT_EQ(lstm.getNumDirections(), 2);
  EXPECT_EQ(lstm.getActivation(1, 0).getKind(), ActivationKind::sigmoid);
  EXPECT_EQ(lstm.getActivation(1, 1).getKind(), ActivationKind::tanh);
  EXPECT_EQ(lstm.getActivation(1, 2).getKind(), ActivationKind::tanh);
}

} // namespace
