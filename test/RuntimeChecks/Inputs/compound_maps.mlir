// linalg.generic maps that read one loop twice, so that intervals would
// over-estimate their range (and refuse valid models): the rotate-every-two
// partner d + 1 - (d mod 2) * 2 over x's run-time length N (inside x when N
// is even, x[N] for the last element when it is odd), a read of x at
// d + d mod 8 over z's length M, and a write of the output at d + d mod 8
// over x's length. Each is checked by its exact range over the loops.
#partner = affine_map<(d0) -> (d0 + 1 - (d0 mod 2) * 2)>
#grow = affine_map<(d0) -> (d0 + d0 mod 8)>
#id = affine_map<(d0) -> (d0)>
func.func @m(%x: tensor<?xf32> {seq.name = "x", seq.dims = ["N"]},
             %z: tensor<?xf32> {seq.name = "z", seq.dims = ["M"]},
             %out: tensor<?xf32> {seq.name = "out", seq.dims = ["K"]})
    -> (tensor<?xf32> {seq.name = "pair", seq.dims = ["N"]},
        tensor<?xf32> {seq.name = "grown", seq.dims = ["M"]},
        tensor<?xf32> {seq.name = "spread", seq.dims = ["K"]}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %pair = linalg.generic {indexing_maps = [#partner, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?xf32>
  %m = tensor.dim %z, %c0 : tensor<?xf32>
  %em = tensor.empty(%m) : tensor<?xf32>
  %grown = linalg.generic {indexing_maps = [#grow, #id, #id], iterator_types = ["parallel"]}
      ins(%x, %z : tensor<?xf32>, tensor<?xf32>) outs(%em : tensor<?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  %spread = linalg.generic {indexing_maps = [#id, #grow], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%out : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<?xf32>
  return %pair, %grown, %spread : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}
