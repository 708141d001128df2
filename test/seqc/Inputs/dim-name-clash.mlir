func.func @m(%x: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""]}, %h0: tensor<1x?x8xf32> {seq.dims = ["", "N", ""]}, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r initial_h(%h0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}
