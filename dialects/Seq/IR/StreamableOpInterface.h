//===- StreamableOpInterface.h - how an op streams --------------*- C++ -*-===//
//
// StreamableOpInterface (StreamableOpInterface.td): the ops that carry
// information across time steps say how a stream carries it across chunks.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_IR_STREAMABLEOPINTERFACE_H
#define SEQC_DIALECTS_SEQ_IR_STREAMABLEOPINTERFACE_H

#include "dialects/Seq/IR/StreamState.h"

#include "mlir/IR/OpDefinition.h"

#include "dialects/Seq/IR/StreamableOpInterface.h.inc"

#endif // SEQC_DIALECTS_SEQ_IR_STREAMABLEOPINTERFACE_H
