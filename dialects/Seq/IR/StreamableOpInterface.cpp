//===- StreamableOpInterface.cpp - how an op streams --------------------===//

#include "dialects/Seq/IR/StreamableOpInterface.h"

#include "dialects/Seq/IR/StreamableOpInterface.cpp.inc"
