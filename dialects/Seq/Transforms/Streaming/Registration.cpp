//===- Registration.cpp - attach the seq ops' streaming models ----------===//

#include "dialects/Seq/IR/SeqDialect.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"

using namespace mlir;

void seqc::seq::registerStreamableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SeqDialect *) {
    attachRecurrenceStreamingModels(ctx);
    attachConvolutionStreamingModels(ctx);
    attachAttentionStreamingModels(ctx);
    attachNormalizationStreamingModels(ctx);
  });
}
