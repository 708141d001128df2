//===- RecurrenceOpInterfaceTest.cpp - what the named recurrences say ---===//
//
// seq.rnn, seq.lstm and seq.gru answer RecurrenceOpInterface with their own
// operands: the passes that use the interface (decomposition, streaming,
// step functions, last-step folding) see nothing else of them.
//
//===----------------------------------------------------------------------===//

#include "compiler/Registration/Registration.h"
#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace seqc::seq;

namespace {

class RecurrenceOpInterfaceTest : public ::testing::Test {
protected:
  RecurrenceOpInterfaceTest() {
    DialectRegistry registry;
    seqc::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
  }

  /// The recurrences of `source`'s function @f, in order.
  SmallVector<RecurrenceOpInterface> parse(const char *source) {
    module = parseSourceString<ModuleOp>(source, &context);
    SmallVector<RecurrenceOpInterface> ops;
    if (module)
      module->walk([&](RecurrenceOpInterface op) { ops.push_back(op); });
    return ops;
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
};

TEST_F(RecurrenceOpInterfaceTest, LstmCarriesHThenC) {
  auto ops = parse(R"mlir(
    func.func @f(%x: tensor<2x5x4xf32>, %w: tensor<2x32x4xf32>,
                 %r: tensor<2x32x8xf32>, %b: tensor<2x64xf32>,
                 %h0: tensor<2x2x8xf32>, %c0: tensor<2x2x8xf32>) {
      %y, %h, %c = seq.lstm %x, %w, %r bias(%b) initial_h(%h0)
          initial_c(%c0) direction(bidirectional) layout(batch_major)
          {hidden_size = 8 : i64, clip = 3.0 : f32}
        : (tensor<2x5x4xf32>, tensor<2x32x4xf32>, tensor<2x32x8xf32>,
           tensor<2x64xf32>, tensor<2x2x8xf32>, tensor<2x2x8xf32>)
        -> (tensor<2x5x2x8xf32>, tensor<2x2x8xf32>, tensor<2x2x8xf32>)
      return
    })mlir");
  ASSERT_EQ(ops.size(), 1u);
  RecurrenceOpInterface lstm = ops[0];
  auto f = cast<func::FuncOp>(lstm->getParentOp());
  EXPECT_EQ(lstm.getInput(), f.getArgument(0));
  EXPECT_EQ(lstm.getW(), f.getArgument(1));
  EXPECT_EQ(lstm.getR(), f.getArgument(2));
  EXPECT_EQ(lstm.getBias(), f.getArgument(3));
  EXPECT_FALSE(lstm.getSequenceLens());
  EXPECT_EQ(lstm.getY(), lstm->getResult(0));
  EXPECT_EQ(lstm.getHiddenSize(), 8u);
  EXPECT_EQ(lstm.getNumGates(), 4);
  EXPECT_EQ(lstm.getNumDirections(), 2);
  EXPECT_TRUE(lstm.isBatchMajor());
  ASSERT_TRUE(lstm.getClip().has_value());
  EXPECT_FLOAT_EQ(lstm.getClip()->convertToFloat(), 3.0f);
  EXPECT_EQ(lstm.getActivation(1, 0).getKind(), ActivationKind::sigmoid);
  ASSERT_EQ(lstm.getNumStates(), 2u);
  EXPECT_EQ(lstm.getInitialState(0), f.getArgument(4));
  EXPECT_EQ(lstm.getInitialState(1), f.getArgument(5));
  EXPECT_EQ(lstm.getFinalState(0), lstm->getResult(1));
  EXPECT_EQ(lstm.getFinalState(1), lstm->getResult(2));
}

TEST_F(RecurrenceOpInterfaceTest, RnnAndGruCarryHOnly) {
  auto ops = parse(R"mlir(
    func.func @f(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>,
                 %r: tensor<1x8x8xf32>, %wg: tensor<1x24x4xf32>,
                 %rg: tensor<1x24x8xf32>, %lens: tensor<2xi32>,
                 %h0: tensor<1x2x8xf32>) {
      %y, %h = seq.rnn %x, %w, %r sequence_lens(%lens) direction(reverse)
          {hidden_size = 8 : i64}
        : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>,
           tensor<2xi32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
      %yg, %hg = seq.gru %x, %wg, %rg initial_h(%h0)
          {hidden_size = 8 : i64, linear_before_reset}
        : (tensor<5x2x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>,
           tensor<1x2x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
      return
    })mlir");
  ASSERT_EQ(ops.size(), 2u);
  auto f = cast<func::FuncOp>(ops[0]->getParentOp());
  RecurrenceOpInterface rnn = ops[0], gru = ops[1];
  EXPECT_EQ(rnn.getNumGates(), 1);
  EXPECT_EQ(gru.getNumGates(), 3);
  EXPECT_EQ(rnn.getDirection(), Direction::reverse);
  EXPECT_EQ(rnn.getNumDirections(), 1);
  EXPECT_FALSE(rnn.isBatchMajor());
  EXPECT_EQ(rnn.getSequenceLens(), f.getArgument(5));
  EXPECT_FALSE(rnn.getBias());
  EXPECT_EQ(rnn.getActivation(0, 0).getKind(), ActivationKind::tanh);
  EXPECT_EQ(gru.getActivation(0, 1).getKind(), ActivationKind::tanh);
  for (RecurrenceOpInterface op : ops) {
    ASSERT_EQ(op.getNumStates(), 1u);
    EXPECT_EQ(op.getFinalState(0), op->getResult(1));
  }
  EXPECT_FALSE(rnn.getInitialState(0)); // starts at zeros
  EXPECT_EQ(gru.getInitialState(0), f.getArgument(6));
}

} // namespace
