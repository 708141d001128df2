"""Writes DIR/TYPE.mlir: y = x + k for a constant table k of N elements of
TYPE (i24, i48, f80: element widths MLIR packs but LLVM pads), and
DIR/x.npy with NumPy's DIR/ref/y.npy.

usage: odd_width_constant.py TYPE N DIR
"""
import os
import sys

import numpy as np

ty, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rng = np.random.default_rng(1)
values = rng.integers(-100000, 100000, n)
if ty.startswith("f"):
    text = ", ".join("%d.5" % v for v in values)
    table = np.array([float("%d.5" % v) for v in values])  # -3.5 for -3
    convert = "%1 = arith.truncf %c : {0} to f32".format(ty)
else:
    text = ", ".join(str(v) for v in values)
    table = values
    convert = "%1 = arith.sitofp %c : {0} to f32".format(ty)
with open(os.path.join(out, ty + ".mlir"), "w") as f:
    f.write(f'''func.func @model(%x: tensor<?x{n}xf32> {{seq.name = "x", seq.dims = ["B", ""]}}) -> (tensor<?x{n}xf32> {{seq.name = "y"}}) {{
  %c0 = arith.constant 0 : index
  %B = tensor.dim %x, %c0 : tensor<?x{n}xf32>
  %k = arith.constant dense<[{text}]> : tensor<{n}x{ty}>
  %e = tensor.empty(%B) : tensor<?x{n}xf32>
  %y = linalg.generic {{indexing_maps = [affine_map<(b, i) -> (b, i)>, affine_map<(b, i) -> (i)>, affine_map<(b, i) -> (b, i)>], iterator_types = ["parallel", "parallel"]}} ins(%x, %k : tensor<?x{n}xf32>, tensor<{n}x{ty}>) outs(%e : tensor<?x{n}xf32>) {{
  ^bb0(%a: f32, %c: {ty}, %o: f32):
    {convert}
    %2 = arith.addf %a, %1 : f32
    linalg.yield %2 : f32
  }} -> tensor<?x{n}xf32>
  return %y : tensor<?x{n}xf32>
}}
''')
x = rng.standard_normal((2, n)).astype(np.float32)
np.save(os.path.join(out, "x.npy"), x)
os.makedirs(os.path.join(out, "ref"), exist_ok=True)
np.save(os.path.join(out, "ref", "y.npy"),
        (x + table.astype(np.float32)).astype(np.float32))
