import XCTest
@testable import DiTEngine

/// `TorchNormal` against numbers printed by torch 2.13 (CPU). Values are bit patterns, compared
/// exactly: the point of this generator is bit-for-bit equality with `torch.randn`.
final class RNGTorchTests: XCTestCase {
    private func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    private func draw(seed: UInt64, count: Int) -> [Float] {
        var source = TorchNormal(seed: seed)
        return source.normal(count: count)
    }

    // python3 -c "import torch; t=torch.randn(5, generator=torch.Generator().manual_seed(0));
    //   print(', '.join('0x%08X'%(v&0xffffffff) for v in t.view(torch.int32).tolist()))"
    func testScalarPathFiveValuesSeed0() {
        XCTAssertEqual(bits(draw(seed: 0, count: 5)),
                       [0x3FC5_3F5C, 0xBE96_3C50, 0xC00B_7149, 0x3F11_84B6, 0xBF8A_D1A1])
    }

    // same line with torch.randn(3, …manual_seed(42))
    func testScalarPathThreeValuesSeed42() {
        XCTAssertEqual(bits(draw(seed: 42, count: 3)), [0x3EAC_62AE, 0x3E03_E69D, 0x3E70_16E7])
    }

    // same line with torch.randn(16, …manual_seed(1234)): exactly one vectorised chunk
    func testVectorPathSixteenValuesSeed1234() {
        XCTAssertEqual(bits(draw(seed: 1234, count: 16)), [
            0xBDE4_CCB4, 0xBEFE_410F, 0x3E26_FCCB, 0xBF61_B64A, 0x3D5C_C673, 0x3F2B_1A8A, 0xBD74_5B89, 0xBEEF_5BE4,
            0xBE5C_6B44, 0x3F62_4B4F, 0xBF42_279C, 0xBEBC_DC41, 0xBEAF_4E37, 0xBFB3_73D0, 0x3EA4_2BF9, 0xBF82_CC3A,
        ])
    }

    // same line with torch.randn(17, …manual_seed(42)): one chunk plus a recomputed overlapping tail
    func testVectorPathSeventeenValuesRecomputesTail() {
        XCTAssertEqual(bits(draw(seed: 42, count: 17)), [
            0x3FF6_A529, 0xBE23_6D85, 0xBEFE_AAE4, 0x3EE1_11D8, 0xBF42_14E2, 0x3F8A_0650, 0x3F4D_0144, 0x3FD7_1E93,
            0x3EB6_3345, 0x3FA5_F12F, 0x3F1C_4788, 0x3FAA_D8B0, 0xBE6D_2EED, 0x3D2B_0C00, 0xBE80_CE7A, 0x3F5C_1FB0,
            0xBE9E_9482,
        ])
    }

    // python3 -c "import torch; g=torch.Generator().manual_seed(7); a=torch.randn(3,generator=g);
    //   b=torch.randn(3,generator=g); c=torch.randn(20,generator=g); d=torch.randn(1,generator=g);
    //   print(', '.join('0x%08X'%(v&0xffffffff) for v in torch.cat([a,b,c,d]).view(torch.int32).tolist()))"
    // Consecutive calls on one generator: the scalar path's cached second normal survives between
    // calls (b starts with a's leftover) and the vector path does not touch it.
    func testConsecutiveCallsShareGeneratorStateLikeTorch() {
        var source = TorchNormal(seed: 7)
        let values = source.normal(count: 3) + source.normal(count: 3) + source.normal(count: 20) + source.normal(count: 1)
        XCTAssertEqual(bits(values), [
            0xBE16_5174, 0x3F49_408E, 0x3F72_62E7, 0xBF8E_A2D3, 0x3FD8_6BD0, 0xBF65_1371, 0x3F1C_0674, 0xBF14_C52F,
            0x3D48_E239, 0xBEA4_158D, 0xBDAB_10D9, 0xBCC0_54CB, 0x3E32_8F74, 0x4013_180C, 0x3F75_04A6, 0xBF29_7027,
            0xBF54_156F, 0xBF1B_0DDD, 0xBFB3_5C30, 0x3FA6_0F1A, 0x3FD2_0A1A, 0xBF87_416D, 0xBE85_EEB2, 0xBE80_1162,
            0x3F00_497F, 0x3E85_2377, 0x3FA3_D30C,
        ])
    }

    // python3 -c "import torch; print(torch.equal(torch.randn(2, generator=torch.Generator().manual_seed(2**40+3)),
    //   torch.randn(2, generator=torch.Generator().manual_seed(3))))"  → True (mt19937 takes the low 32 bits)
    func testSeedUsesLow32BitsLikeTorch() {
        XCTAssertEqual(bits(draw(seed: (1 << 40) + 3, count: 2)), bits(draw(seed: 3, count: 2)))
        XCTAssertNotEqual(bits(draw(seed: 4, count: 2)), bits(draw(seed: 3, count: 2)))
    }

    func testTensorHasShapeAndSameValuesAsFlatDraw() {
        var a = TorchNormal(seed: 42)
        var b = TorchNormal(seed: 42)
        let tensor = a.normalTensor(shape: [1, 4, 16, 16])
        XCTAssertEqual(tensor.shape, [1, 4, 16, 16])
        XCTAssertEqual(bits(tensor.scalars), bits(b.normal(count: 1024)))
    }

    func testNoiseKindTorchMakesTorchNormal() {
        var viaKind = NoiseKind.torch.makeSource(seed: 42)
        XCTAssertEqual(bits(viaKind.normal(count: 17)), bits(draw(seed: 42, count: 17)))
    }
}

/// `TorchNormal` against every golden in Tests/Fixtures/reference/torch_randn.safetensors, written by
/// Training/reference/make_fixtures.py (`torch.randn(N, generator=torch.Generator().manual_seed(S))`
/// for N in {1, 5, 15, 16, 17, 100, 1031} and six seeds, plus shape [1, 4, 16, 16] for seed 42).
final class RNGTorchFixtureTests: XCTestCase {
    func testEveryGoldenIsReproducedBitForBit() throws {
        let url = ReferenceCase.root.appendingPathComponent("torch_randn.safetensors")
        let file = try SafeTensorsFile(url: url)
        var checked = 0, paths: Set<String> = []
        for name in file.tensorNames {
            let parts = name.split(separator: ".")
            guard parts.count == 3, parts[0] == "randn", parts[1].hasPrefix("seed"),
                  let seed = UInt64(parts[1].dropFirst(4)) else {
                XCTFail("unexpected tensor name \(name)")
                continue
            }
            let expected = try file.floats(name)
            var source = TorchNormal(seed: seed)
            let actual: [Float]
            if parts[2].hasPrefix("shape") {
                let shape = parts[2].dropFirst(5).split(separator: "x").compactMap { Int($0) }
                let tensor = source.normalTensor(shape: shape)
                XCTAssertEqual(tensor.shape, file.info(name)?.shape, name)
                actual = tensor.scalars
            } else {
                let count = try XCTUnwrap(Int(parts[2].dropFirst(1)), name)
                actual = source.normal(count: count)
                paths.insert(count < 16 ? "scalar" : (count % 16 == 0 ? "vector" : "vector+tail"))
            }
            XCTAssertEqual(actual.map(\.bitPattern), expected.map(\.bitPattern), name)
            checked += 1
        }
        XCTAssertEqual(checked, 43, "6 seeds × 7 sizes + one shaped tensor")
        XCTAssertEqual(paths, ["scalar", "vector", "vector+tail"])
    }
}
