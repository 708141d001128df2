// A causal convolution whose output names its time dimension U, which no
// input names: the model streams, but a stream cannot tell that U is time.
func.func @model(%cx: tensor<?x3x?xf32> {seq.name = "cx", seq.dims = ["B", "", "T"]})
    -> (tensor<?x3x?xf32> {seq.name = "u", seq.dims = ["B", "", "U"]}) {
  %cw = arith.constant dense<0.5> : tensor<3x3x3xf32>
  %z = seq.conv1d %cx, %cw {causal} : (tensor<?x3x?xf32>, tensor<3x3x3xf32>) -> tensor<?x3x?xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %z, %c0 : tensor<?x3x?xf32>
  %t = tensor.dim %z, %c2 : tensor<?x3x?xf32>
  %init = tensor.empty(%b, %t) : tensor<?x3x?xf32>
  %u = linalg.generic {indexing_maps = [affine_map<(b, c, t) -> (b, c, t)>, affine_map<(b, c, t) -> (b, c, t)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%z : tensor<?x3x?xf32>) outs(%init : tensor<?x3x?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %zero = arith.constant 0.0 : f32
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  } -> tensor<?x3x?xf32>
  return %u : tensor<?x3x?xf32>
}
