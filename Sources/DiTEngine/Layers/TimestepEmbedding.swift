import Foundation

/// Sinusoidal timestep features followed by a two-layer SiLU MLP: diffusers' `Timesteps` +
/// `TimestepEmbedding` (`linear_1`, `linear_2`).
public struct TimestepEmbedding: Sendable {
    /// Width of the sinusoidal features (256 in SD3).
    public let frequencyDimension: Int
    public let flipSinToCos: Bool
    public let downscaleFrequencyShift: Float
    public let linear1: Linear
    public let linear2: Linear

    public init(_ scope: WeightScope, frequencyDimension: Int = 256, embeddingDimension: Int,
                flipSinToCos: Bool = true, downscaleFrequencyShift: Float = 0) throws {
        self.frequencyDimension = frequencyDimension
        self.flipSinToCos = flipSinToCos
        self.downscaleFrequencyShift = downscaleFrequencyShift
        linear1 = try Linear(scope.child("linear_1"), inFeatures: frequencyDimension, outFeatures: embeddingDimension)
        linear2 = try Linear(scope.child("linear_2"), inFeatures: embeddingDimension, outFeatures: embeddingDimension)
    }

    /// `[timesteps.count, embeddingDimension]`.
    public func callAsFunction(_ timesteps: [Float]) -> Tensor {
        let features = TimestepEmbedding.sinusoidal(timesteps, dimension: frequencyDimension,
                                                    flipSinToCos: flipSinToCos,
                                                    downscaleFrequencyShift: downscaleFrequencyShift)
        return linear2(Activation.silu(linear1(features)))
    }

    /// diffusers' `get_timestep_embedding` (scale 1, max period 10000): for i < half,
    /// fᵢ = exp(−ln(10000)·i / (half − shift)), features `[sin(t·f), cos(t·f)]`, swapped to
    /// `[cos, sin]` with `flipSinToCos`, zero-padded when `dimension` is odd.
    /// Each step is rounded to Float32 where torch rounds it, so the features agree to ~1 ulp.
    public static func sinusoidal(_ timesteps: [Float], dimension: Int, flipSinToCos: Bool,
                                  downscaleFrequencyShift: Float) -> Tensor {
        let half = dimension / 2
        let logPeriod = Float(-log(10000.0))
        let frequencies: [Float] = (0..<half).map { i in
            let exponent = (logPeriod * Float(i)) / (Float(half) - downscaleFrequencyShift)
            return Float(exp(Double(exponent)))
        }
        var result = Tensor(shape: [timesteps.count, dimension])
        let out = result.writePointer()
        for (row, t) in timesteps.enumerated() {
            let r = out + row * dimension
            let sinOffset = flipSinToCos ? half : 0
            let cosOffset = flipSinToCos ? 0 : half
            for i in 0..<half {
                let argument = Double(t * frequencies[i])
                r[sinOffset + i] = Float(sin(argument))
                r[cosOffset + i] = Float(cos(argument))
            }
        }
        return result
    }
}

/// Pooled text embedding MLP with SiLU: diffusers' `PixArtAlphaTextProjection(act_fn="silu")`.
public struct TextProjection: Sendable {
    public let linear1: Linear
    public let linear2: Linear

    public init(_ scope: WeightScope, inFeatures: Int, hidden: Int) throws {
        linear1 = try Linear(scope.child("linear_1"), inFeatures: inFeatures, outFeatures: hidden)
        linear2 = try Linear(scope.child("linear_2"), inFeatures: hidden, outFeatures: hidden)
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        linear2(Activation.silu(linear1(x)))
    }
}
