/// The Box–Muller transform of PyTorch's AVX2 `normal_fill_16`, one lane at a time.
///
/// torch computes log, sin and cos with avx_mathfun.h (Cephes single-precision polynomials), not
/// libm, and GCC fused some of its multiply-adds. Every operation below mirrors one vector
/// instruction; `addingProduct` marks exactly the fused ones (found by comparing against torch
/// bit for bit), so do not "simplify" the arithmetic: any reordering changes the last bits.
enum TorchBoxMuller {
    private static let twoPi = Float(2.0 * Double.pi)

    /// Turns 16 uniforms in [0, 1) into 16 normals in place: lanes j and j+8 form one pair.
    static func transform16(_ data: UnsafeMutablePointer<Float>) {
        for j in 0..<8 {
            let u1 = 1 - data[j]
            let u2 = data[j + 8]
            let radius = (-2 * cephesLog(u1)).squareRoot()
            let theta = twoPi * u2
            let (sine, cosine) = cephesSinCos(theta)
            // _mm256_fmadd_ps(n, std = 1, mean = 0): equal to n, except that −0 becomes +0.
            data[j] = radius * cosine + 0
            data[j + 8] = radius * sine + 0
        }
    }

    /// avx_mathfun `log256_ps` for one positive float.
    static func cephesLog(_ input: Float) -> Float {
        let smallestNormal = Float(bitPattern: 0x0080_0000)
        var x = max(input, smallestNormal)
        let bits = x.bitPattern
        let exponent = Int32(bitPattern: bits >> 23) - 0x7F
        x = Float(bitPattern: (bits & ~0x7F80_0000) | Float(0.5).bitPattern)  // mantissa in [0.5, 1)
        var e = Float(exponent) + 1
        let belowSqrtHalf = x < 0.707106781186547524
        let carry: Float = belowSqrtHalf ? x : 0
        x = x - 1
        e = e - (belowSqrtHalf ? 1 : 0)
        x = x + carry

        let z = x * x
        var y: Float = 7.0376836292E-2
        y = (-1.1514610310E-1 as Float).addingProduct(y, x)
        y = (1.1676998740E-1 as Float).addingProduct(y, x)
        y = (-1.2420140846E-1 as Float).addingProduct(y, x)
        y = (1.4249322787E-1 as Float).addingProduct(y, x)
        y = (-1.6668057665E-1 as Float).addingProduct(y, x)
        y = (2.0000714765E-1 as Float).addingProduct(y, x)
        y = (-2.4999993993E-1 as Float).addingProduct(y, x)
        y = (3.3333331174E-1 as Float).addingProduct(y, x)
        y = y * x
        y = (e * -2.12194440e-4).addingProduct(y, z)
        y = y.addingProduct(-z, 0.5)
        x = x + y
        x = x.addingProduct(e, 0.693359375)
        return x
    }

    /// avx_mathfun `sincos256_ps` for one float: returns (sin, cos).
    static func cephesSinCos(_ input: Float) -> (Float, Float) {
        let signMask: UInt32 = 0x8000_0000
        var signSin = input.bitPattern & signMask
        var x = Float(bitPattern: input.bitPattern & ~signMask)

        var y = x * 1.27323954473516  // 4/π
        var j = Int32(y)  // truncation, like _mm256_cvttps_epi32
        j = (j &+ 1) & ~1
        y = Float(j)
        let swapSignSin = UInt32(bitPattern: j & 4) << 29
        let useSinePolynomial = (j & 2) == 0

        x = x.addingProduct(y, -0.78515625)
        x = x.addingProduct(y, -2.4187564849853515625e-4)
        x = x.addingProduct(y, -3.77489497744594108e-8)

        let signCos = UInt32(bitPattern: ~(j &- 2) & 4) << 29
        signSin ^= swapSignSin

        let z = x * x
        var cosine: Float = 2.443315711809948E-005
        cosine = (-1.388731625493765E-003 as Float).addingProduct(cosine, z)
        cosine = (4.166664568298827E-002 as Float).addingProduct(cosine, z)
        cosine = cosine * z
        cosine = (-(z * 0.5)).addingProduct(cosine, z)
        cosine = cosine + 1

        var sine: Float = -1.9515295891E-4
        sine = (8.3321608736E-3 as Float).addingProduct(sine, z)
        sine = (-1.6666654611E-1 as Float).addingProduct(sine, z)
        sine = sine * z
        sine = x.addingProduct(sine, x)

        // Select the polynomials with masks, exactly as the vector code does (the subtractions matter
        // for signed zeros).
        let sinFromSine: Float = useSinePolynomial ? sine : 0
        let sinFromCosine: Float = useSinePolynomial ? 0 : cosine
        let cosFromSine = sine - sinFromSine
        let cosFromCosine = cosine - sinFromCosine
        let sinResult = sinFromCosine + sinFromSine
        let cosResult = cosFromCosine + cosFromSine
        return (Float(bitPattern: sinResult.bitPattern ^ signSin),
                Float(bitPattern: cosResult.bitPattern ^ signCos))
    }
}
