;; Training kernels for the wasm backend in hand-written WebAssembly SIMD. The module works on the
;; backend's own memory (imported: the threaded build's is shared, the single-threaded one's not;
;; scripts/build-wasm.ts compiles both variants from this text), so tensors are read and written
;; where they lie, by byte address. Runs on the calling thread only.
;; Compiled by scripts/build-wasm.ts into kernels.wasm.ts.
(module
  (import "env" "memory" (memory 1 65536 shared))

;; filterGradC1: the filter gradient of a one-channel, stride-1, valid convolution (the model's
;; first layer). XNNPACK computes it as a convolution whose *filter* is dy, so it packs a new
;; 1.2 M-weight operator every step; this loop reads x and dy where they lie instead.
;;
;;   dW[i, j, 0, o] += Σ_b Σ_y Σ_x  x[b, y+i, x+j, 0] · dy[b, y, x, o]
;;
;; x: [batch, h, w, 1], dy: [batch, h-kh+1, w-kw+1, o], dW: [kh, kw, 1, o], float32. o must be a
;; multiple of 16 (four f32x4 accumulators a pass); dW is added to, so the caller zeroes it. Per
;; image and tap, one image's dy (36 KB at o = 16) is read from cache.
  (func (export "filterGradC1")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $kh i32) (param $kw i32) (param $o i32)
    (local $oh i32) (local $ow i32) (local $rowBytes i32)
    (local $b i32) (local $og i32) (local $i i32) (local $j i32) (local $y i32)
    (local $xImage i32) (local $dyImage i32) (local $xp i32) (local $xEnd i32) (local $dyp i32) (local $outp i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128)
    (local.set $oh (i32.add (i32.sub (local.get $h) (local.get $kh)) (i32.const 1)))
    (local.set $ow (i32.add (i32.sub (local.get $w) (local.get $kw)) (i32.const 1)))
    ;; bytes from one dy position to the next
    (local.set $rowBytes (i32.shl (local.get $o) (i32.const 2)))
    (local.set $b (i32.const 0))
    (loop $images
      (local.set $xImage
        (i32.add (local.get $x) (i32.shl (i32.mul (local.get $b) (i32.mul (local.get $h) (local.get $w))) (i32.const 2))))
      (local.set $dyImage
        (i32.add (local.get $dy)
          (i32.mul (i32.mul (local.get $b) (i32.mul (local.get $oh) (local.get $ow))) (local.get $rowBytes))))
      (local.set $og (i32.const 0))
      (loop $channelGroups
        (local.set $i (i32.const 0))
        (loop $tapRows
          (local.set $j (i32.const 0))
          (loop $tapColumns
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (local.set $dyp (i32.add (local.get $dyImage) (i32.shl (local.get $og) (i32.const 2))))
            (local.set $y (i32.const 0))
            (loop $rows
              (local.set $xp
                (i32.add (local.get $xImage)
                  (i32.shl
                    (i32.add (i32.mul (i32.add (local.get $y) (local.get $i)) (local.get $w)) (local.get $j))
                    (i32.const 2))))
              (local.set $xEnd (i32.add (local.get $xp) (i32.shl (local.get $ow) (i32.const 2))))
              (loop $columns
                (local.set $v (f32x4.splat (f32.load (local.get $xp))))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $dyp)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $dyp)))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $dyp)))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $dyp)))))
                (local.set $dyp (i32.add (local.get $dyp) (local.get $rowBytes)))
                (local.set $xp (i32.add (local.get $xp) (i32.const 4)))
                (br_if $columns (i32.lt_u (local.get $xp) (local.get $xEnd))))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
            (local.set $outp
              (i32.add (local.get $out)
                (i32.shl
                  (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $i) (local.get $kw)) (local.get $j)) (local.get $o))
                    (local.get $og))
                  (i32.const 2))))
            (v128.store (local.get $outp) (f32x4.add (v128.load (local.get $outp)) (local.get $a0)))
            (v128.store offset=16 (local.get $outp) (f32x4.add (v128.load offset=16 (local.get $outp)) (local.get $a1)))
            (v128.store offset=32 (local.get $outp) (f32x4.add (v128.load offset=32 (local.get $outp)) (local.get $a2)))
            (v128.store offset=48 (local.get $outp) (f32x4.add (v128.load offset=48 (local.get $outp)) (local.get $a3)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br_if $tapColumns (i32.lt_u (local.get $j) (local.get $kw))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $tapRows (i32.lt_u (local.get $i) (local.get $kh))))
        (local.set $og (i32.add (local.get $og) (i32.const 16)))
        (br_if $channelGroups (i32.lt_u (local.get $og) (local.get $o))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $b) (local.get $batch)))))

;; maxPoolGrad2x2: the gradient of a 2×2, stride-2, unpadded max pool. Windows do not overlap, so
;; each of the four inputs of a window is written once: dy where it is the window's first maximum
;; in row-major order (the cpu backend's rule for ties, e.g. all-zero windows after ReLU), else 0.
;; x, dx: [batch, h, w, c]; dy: [batch, oh, ow, c] with 2·oh ≤ h and 2·ow ≤ w; c a multiple of 4.
;; Inputs outside every window (an odd h or w) are not written: the caller zeroes them. A NaN in a
;; window sends its dy to the last input (the plain loop sends it to the first); training stops on
;; a NaN loss anyway.
  (func (export "maxPoolGrad2x2")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (local $pixel i32) (local $down i32) (local $b i32) (local $y i32) (local $ox i32)
    (local $at i32) (local $end i32) (local $g i32) (local $delta i32)
    (local $x00 v128) (local $x01 v128) (local $x10 v128) (local $x11 v128)
    (local $m v128) (local $gv v128) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $seen v128)
    ;; bytes from a pixel to the next one right, and to the one below
    (local.set $pixel (i32.shl (local.get $c) (i32.const 2)))
    (local.set $down (i32.mul (local.get $w) (local.get $pixel)))
    ;; dx − x: the same offset addresses both
    (local.set $delta (i32.sub (local.get $dx) (local.get $x)))
    (local.set $g (local.get $dy))
    (local.set $b (i32.const 0))
    (loop $images
      (local.set $y (i32.const 0))
      (loop $rows
        (local.set $ox (i32.const 0))
        (loop $windows
          ;; x[b, 2y, 2ox, 0]
          (local.set $at
            (i32.add (local.get $x)
              (i32.add
                (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $y) (i32.const 1))) (local.get $down))
                (i32.mul (i32.shl (local.get $ox) (i32.const 1)) (local.get $pixel)))))
          (local.set $end (i32.add (local.get $at) (local.get $pixel)))
          (loop $channels
            (local.set $x00 (v128.load (local.get $at)))
            (local.set $x01 (v128.load (i32.add (local.get $at) (local.get $pixel))))
            (local.set $x10 (v128.load (i32.add (local.get $at) (local.get $down))))
            (local.set $x11 (v128.load (i32.add (i32.add (local.get $at) (local.get $down)) (local.get $pixel))))
            (local.set $gv (v128.load (local.get $g)))
            (local.set $m
              (f32x4.max (f32x4.max (local.get $x00) (local.get $x01)) (f32x4.max (local.get $x10) (local.get $x11))))
            (local.set $e0 (f32x4.eq (local.get $x00) (local.get $m)))
            (local.set $e1 (v128.andnot (f32x4.eq (local.get $x01) (local.get $m)) (local.get $e0)))
            (local.set $seen (v128.or (local.get $e0) (local.get $e1)))
            (local.set $e2 (v128.andnot (f32x4.eq (local.get $x10) (local.get $m)) (local.get $seen)))
            (local.set $seen (v128.or (local.get $seen) (local.get $e2)))
            (v128.store (i32.add (local.get $at) (local.get $delta)) (v128.and (local.get $gv) (local.get $e0)))
            (v128.store (i32.add (i32.add (local.get $at) (local.get $delta)) (local.get $pixel))
              (v128.and (local.get $gv) (local.get $e1)))
            (v128.store (i32.add (i32.add (local.get $at) (local.get $delta)) (local.get $down))
              (v128.and (local.get $gv) (local.get $e2)))
            (v128.store (i32.add (i32.add (i32.add (local.get $at) (local.get $delta)) (local.get $down)) (local.get $pixel))
              (v128.andnot (local.get $gv) (local.get $seen)))
            (local.set $g (i32.add (local.get $g) (i32.const 16)))
            (local.set $at (i32.add (local.get $at) (i32.const 16)))
            (br_if $channels (i32.lt_u (local.get $at) (local.get $end))))
          (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
          (br_if $windows (i32.lt_u (local.get $ox) (local.get $ow))))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $y) (local.get $oh))))
      (local.set $b (i32.add (local.get $b) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $b) (local.get $batch))))))
