// Computes in bf16 (and f16): y = tanh(bf16(x) + bf16(x)) * f16(x), in f32.
func.func @m(%x: tensor<?x4xf32> {seq.name = "x"}) -> (tensor<?x4xf32> {seq.name = "y"}) {
  %b = arith.truncf %x : tensor<?x4xf32> to tensor<?x4xbf16>
  %s = arith.addf %b, %b : tensor<?x4xbf16>
  %t = math.tanh %s : tensor<?x4xbf16>
  %h = arith.truncf %x : tensor<?x4xf32> to tensor<?x4xf16>
  %tf = arith.extf %t : tensor<?x4xbf16> to tensor<?x4xf32>
  %hf = arith.extf %h : tensor<?x4xf16> to tensor<?x4xf32>
  %y = arith.mulf %tf, %hf : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
