//===- Suggestions.h - "did you mean" for names the user wrote -*- C++ -*-===//

#ifndef SEQC_COMPILER_IMPORT_MODELDESCRIPTION_SUGGESTIONS_H
#define SEQC_COMPILER_IMPORT_MODELDESCRIPTION_SUGGESTIONS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace seqc::md {

/// The candidate closest to `name` when a typo is likely: at most 2 edits,
/// and fewer than `name` has characters (no 'y' for 'z'); "" otherwise.
/// Ties go to the candidate that sorts first, so a message does not depend
/// on the order of a hash map.
llvm::StringRef closestName(llvm::StringRef name,
                            llvm::ArrayRef<llvm::StringRef> candidates);

} // namespace seqc::md

#endif // SEQC_COMPILER_IMPORT_MODELDESCRIPTION_SUGGESTIONS_H
