//===- Suggestions.cpp - "did you mean" for names the user wrote ----------===//

#include "compiler/Import/ModelDescription/Suggestions.h"

#include <algorithm>

namespace seqc::md {

llvm::StringRef closestName(llvm::StringRef name,
                            llvm::ArrayRef<llvm::StringRef> candidates) {
  llvm::StringRef closest;
  unsigned best = std::min<size_t>(3, name.size());
  for (llvm::StringRef candidate : candidates) {
    unsigned d = candidate.edit_distance(name, true, best);
    if (d < best || (d == best && !closest.empty() && candidate < closest))
      best = d, closest = candidate;
  }
  return closest;
}

} // namespace seqc::md
