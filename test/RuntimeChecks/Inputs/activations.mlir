// Every #seq.act kind (ONNX default parameters) on the same input, for
// activation-audit.test.
func.func @m(%x: tensor<?xf32> {seq.name = "x"}) -> (tensor<?xf32> {seq.name = "tanh"}, tensor<?xf32> {seq.name = "relu"}, tensor<?xf32> {seq.name = "sigmoid"}, tensor<?xf32> {seq.name = "hard_sigmoid"}, tensor<?xf32> {seq.name = "leaky_relu"}, tensor<?xf32> {seq.name = "thresholded_relu"}, tensor<?xf32> {seq.name = "scaled_tanh"}, tensor<?xf32> {seq.name = "affine"}, tensor<?xf32> {seq.name = "elu"}, tensor<?xf32> {seq.name = "softsign"}, tensor<?xf32> {seq.name = "softplus"}, tensor<?xf32> {seq.name = "gelu"}, tensor<?xf32> {seq.name = "gelu_tanh"}, tensor<?xf32> {seq.name = "silu"}) {
  %tanh = seq.activation <tanh> %x : tensor<?xf32>
  %relu = seq.activation <relu> %x : tensor<?xf32>
  %sigmoid = seq.activation <sigmoid> %x : tensor<?xf32>
  %hard_sigmoid = seq.activation <hard_sigmoid> %x : tensor<?xf32>
  %leaky_relu = seq.activation <leaky_relu> %x : tensor<?xf32>
  %thresholded_relu = seq.activation <thresholded_relu> %x : tensor<?xf32>
  %scaled_tanh = seq.activation <scaled_tanh> %x : tensor<?xf32>
  %affine = seq.activation <affine> %x : tensor<?xf32>
  %elu = seq.activation <elu> %x : tensor<?xf32>
  %softsign = seq.activation <softsign> %x : tensor<?xf32>
  %softplus = seq.activation <softplus> %x : tensor<?xf32>
  %gelu = seq.activation <gelu> %x : tensor<?xf32>
  %gelu_tanh = seq.activation <gelu_tanh> %x : tensor<?xf32>
  %silu = seq.activation <silu> %x : tensor<?xf32>
  return %tanh, %relu, %sigmoid, %hard_sigmoid, %leaky_relu, %thresholded_relu, %scaled_tanh, %affine, %elu, %softsign, %softplus, %gelu, %gelu_tanh, %silu : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}
