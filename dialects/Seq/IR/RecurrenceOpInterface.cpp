//===- RecurrenceOpInterface.cpp - the named recurrences ----------------===//

#include "dialects/Seq/IR/RecurrenceOpInterface.h"

#include "dialects/Seq/IR/RecurrenceOpInterface.cpp.inc"
