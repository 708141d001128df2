//===- SeqDialect.h - seq dialect, enums and attributes ---------*- C++ -*-===//

#ifndef SEQC_DIALECTS_SEQ_IR_SEQDIALECT_H
#define SEQC_DIALECTS_SEQ_IR_SEQDIALECT_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Attributes.h"
#include "mlir/IR/Dialect.h"

#include "dialects/Seq/IR/SeqDialect.h.inc"
#include "dialects/Seq/IR/SeqEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Seq/IR/SeqAttrs.h.inc"

#endif // SEQC_DIALECTS_SEQ_IR_SEQDIALECT_H
