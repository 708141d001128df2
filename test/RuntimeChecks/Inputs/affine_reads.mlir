// linalg.generic reads at indices other maps than d or a sum of loop
// multiples give: an upsampling d floordiv 2, a cyclic d mod 3, and a
// reversal 3 - d over the output's run-time length M. Each read must lie in
// its operand on every run. GPT-J's rotate-every-two partner d mod 4 -
// (d mod 2) * 2 + 1 reads one loop twice (intervals would over-estimate it
// and refuse the valid model): its range is found by enumerating the loop.
#up = affine_map<(d0) -> (d0 floordiv 2)>
#cyc = affine_map<(d0) -> (d0 mod 3)>
#rev = affine_map<(d0) -> (3 - d0)>
#id = affine_map<(d0) -> (d0)>
#pair = affine_map<(d0) -> (d0 mod 4 - (d0 mod 2) * 2 + 1)>
func.func @m(%x: tensor<?xf32> {seq.name = "x", seq.dims = ["N"]},
             %z: tensor<?xf32> {seq.name = "z", seq.dims = ["M"]},
             %w: tensor<4xf32> {seq.name = "w"})
    -> (tensor<?xf32> {seq.name = "up", seq.dims = ["M"]},
        tensor<?xf32> {seq.name = "cyc", seq.dims = ["M"]},
        tensor<?xf32> {seq.name = "rev", seq.dims = ["M"]},
        tensor<4xf32> {seq.name = "pair"}) {
  %c0 = arith.constant 0 : index
  %m = tensor.dim %z, %c0 : tensor<?xf32>
  %e = tensor.empty(%m) : tensor<?xf32>
  %up = linalg.generic {indexing_maps = [#up, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?xf32>
  %cyc = linalg.generic {indexing_maps = [#cyc, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?xf32>
  %rev = linalg.generic {indexing_maps = [#rev, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?xf32>
  %e4 = tensor.empty() : tensor<4xf32>
  %pair = linalg.generic {indexing_maps = [#pair, #id], iterator_types = ["parallel"]}
      ins(%w : tensor<4xf32>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %up, %cyc, %rev, %pair
      : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<4xf32>
}
