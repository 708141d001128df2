// An LSTM over x [T, B, 4] with B dynamic: its state buffers are B x 8.
func.func @m(%x: tensor<?x?x4xf32> {seq.name = "x"}) -> (tensor<1x?x8xf32> {seq.name = "h"}) {
  %w = arith.constant dense<0.1> : tensor<1x32x4xf32>
  %r = arith.constant dense<0.05> : tensor<1x32x8xf32>
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64} : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}
