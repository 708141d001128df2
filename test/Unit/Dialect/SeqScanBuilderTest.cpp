//===- SeqScanBuilderTest.cpp - the seq.scan C++ builder ----------------===//

#include "compiler/Registration/Registration.h"
#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"

#include <gtest/gtest.h>

using namespace mlir;
using namespace seqc::seq;

namespace {

TEST(SeqScanBuilderTest, BuildsAVerifiedRunningSum) {
  DialectRegistry registry;
  seqc::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  OpBuilder builder(&context);
  Location loc = builder.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  builder.setInsertionPointToEnd(module->getBody());

  auto stateType = RankedTensorType::get({4}, builder.getF32Type());
  auto seqType = RankedTensorType::get({ShapedType::kDynamic, 4},
                                       builder.getF32Type());
  auto func = func::FuncOp::create(
      builder, loc, "sum",
      builder.getFunctionType({stateType, seqType}, {stateType, seqType}));
  Block *entry = func.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  Value init = entry->getArgument(0), sequence = entry->getArgument(1);

  auto scan = ScanOp::create(
      builder, loc, ValueRange{init}, ValueRange{sequence},
      ValueRange{sequence}, /*reverse=*/true,
      [&](OpBuilder &b, Location l, Value step, ValueRange carried,
          ValueRange slices) {
        EXPECT_TRUE(step.getType().isIndex());
        EXPECT_EQ(slices[0].getType(), stateType);
        Value sum = arith::AddFOp::create(b, l, carried[0], slices[0]);
        YieldOp::create(b, l, ValueRange{sum, sum});
      });
  func::ReturnOp::create(builder, loc, scan.getResults());

  EXPECT_TRUE(succeeded(verify(*module)));
  EXPECT_TRUE(scan.getReverse());
  EXPECT_EQ(scan.getNumCarried(), 1u);
  EXPECT_EQ(scan.getNumOutputs(), 1u);
  EXPECT_EQ(scan.getOutputs()[0].getType(), seqType);
  EXPECT_EQ(scan.getSliceArgs().size(), 1u);
}

} // namespace
