// A bidirectional RNN with per-row sequence lengths.
func.func @m(%x: tensor<?x?x2xf32> {seq.name = "x"}, %len: tensor<?xi32> {seq.name = "len"}) -> (tensor<?x2x?x3xf32> {seq.name = "y"}) {
  %w = arith.constant dense<0.5> : tensor<2x3x2xf32>
  %r = arith.constant dense<0.1> : tensor<2x3x3xf32>
  // Line 6:
  %y, %h = seq.rnn %x, %w, %r sequence_lens(%len) direction(bidirectional) {hidden_size = 3 : i64} : (tensor<?x?x2xf32>, tensor<2x3x2xf32>, tensor<2x3x3xf32>, tensor<?xi32>) -> (tensor<?x2x?x3xf32>, tensor<2x?x3xf32>)
  return %y : tensor<?x2x?x3xf32>
}
