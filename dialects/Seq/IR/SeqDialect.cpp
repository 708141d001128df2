//===- SeqDialect.cpp - seq dialect registration ------------------------===//

#include "dialects/Seq/IR/SeqDialect.h"
#include "dialects/Seq/IR/SeqOps.h"

using namespace mlir;
using namespace seqc::seq;

#include "dialects/Seq/IR/SeqDialect.cpp.inc"

void SeqDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Seq/IR/SeqOps.cpp.inc"
      >();
  registerAttributes();
}
