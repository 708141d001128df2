//===- SeqOps.h - seq dialect ops -------------------------------*- C++ -*-===//

#ifndef SEQC_DIALECTS_SEQ_IR_SEQOPS_H
#define SEQC_DIALECTS_SEQ_IR_SEQOPS_H

#include "dialects/Seq/IR/DimensionTiesOpInterface.h"
#include "dialects/Seq/IR/RecurrenceOpInterface.h"
#include "dialects/Seq/IR/SeqDialect.h"
#include "dialects/Seq/IR/SeqTraits.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"

#define GET_OP_CLASSES
#include "dialects/Seq/IR/SeqOps.h.inc"

#endif // SEQC_DIALECTS_SEQ_IR_SEQOPS_H
