//===- RecurrenceOpInterface.h - the named recurrences ----------*- C++ -*-===//
//
// RecurrenceOpInterface (RecurrenceOpInterface.td): seq.rnn, seq.lstm and
// seq.gru as the passes that do not build their cells see them.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_IR_RECURRENCEOPINTERFACE_H
#define SEQC_DIALECTS_SEQ_IR_RECURRENCEOPINTERFACE_H

#include "dialects/Seq/IR/SeqDialect.h"

#include "mlir/IR/OpDefinition.h"

#include "dialects/Seq/IR/RecurrenceOpInterface.h.inc"

#endif // SEQC_DIALECTS_SEQ_IR_RECURRENCEOPINTERFACE_H
