import DiTEngine

/// What the cache levels do on one model (`"cache"` in its studio.json), calibrated on that model
/// (speed against adherence): each level names the engine's caches it uses and their settings.
///
/// ```json
/// "cache": {
///   "fast":   {"residual_threshold": 0.2, "share_guidance_from": 0.7},
///   "faster": {"residual_threshold": 0.4, "block_reuse": {"blocks": 2, "interval": 2, "switch_at": 0.5}}
/// }
/// ```
/// `residual_threshold` (and `residual_max_skips`): TeaCache's skip of the whole block stack;
/// `block_reuse`: Δ-DiT's reuse of a block range's residual; `share_guidance_from`: the fraction
/// of the schedule from which the unconditional branch is no longer computed. Unknown keys are
/// refused (a misspelt key would otherwise silently change nothing).
public struct ModelCacheDefaults: Codable, Equatable, Sendable {
    public var fast: LevelSettings?
    public var faster: LevelSettings?

    public init(fast: LevelSettings? = nil, faster: LevelSettings? = nil) {
        self.fast = fast
        self.faster = faster
    }

    /// One level's settings; a part left out is not used.
    public struct LevelSettings: Codable, Equatable, Sendable {
        public var residualThreshold: Double?
        public var residualMaxSkips: Int?
        public var blockReuse: BlockReuseSettings?
        public var shareGuidanceFrom: Double?

        public init(residualThreshold: Double? = nil, residualMaxSkips: Int? = nil,
                    blockReuse: BlockReuseSettings? = nil, shareGuidanceFrom: Double? = nil) {
            self.residualThreshold = residualThreshold
            self.residualMaxSkips = residualMaxSkips
            self.blockReuse = blockReuse
            self.shareGuidanceFrom = shareGuidanceFrom
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case residualThreshold = "residual_threshold"
            case residualMaxSkips = "residual_max_skips"
            case blockReuse = "block_reuse"
            case shareGuidanceFrom = "share_guidance_from"
        }

        public init(from decoder: Decoder) throws {
            try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            residualThreshold = try container.decodeIfPresent(Double.self, forKey: .residualThreshold)
            residualMaxSkips = try container.decodeIfPresent(Int.self, forKey: .residualMaxSkips)
            blockReuse = try container.decodeIfPresent(BlockReuseSettings.self, forKey: .blockReuse)
            shareGuidanceFrom = try container.decodeIfPresent(Double.self, forKey: .shareGuidanceFrom)
        }

        /// The engine's plan for these settings.
        public var plan: CachePlan {
            CachePlan(residualReuse: residualThreshold.map { .init(threshold: $0, maxSkips: residualMaxSkips ?? 0) },
                      blockReuse: blockReuse.map { .init(blocks: $0.blocks, interval: $0.interval, switchAt: $0.switchAt ?? 0.5) },
                      guidanceSharing: shareGuidanceFrom.map { .init(from: $0) })
        }

        /// The first setting out of range, as (key under the level, what is wrong).
        func problem() -> (key: String, reason: String)? {
            if let t = residualThreshold, !(t.isFinite && t >= 0) { return ("residual_threshold", "must be a number ≥ 0 (got \(t))") }
            if let m = residualMaxSkips, m < 0 { return ("residual_max_skips", "must be 0 or more (got \(m))") }
            if residualMaxSkips != nil, residualThreshold == nil {
                return ("residual_max_skips", "needs residual_threshold (it limits the residual cache's skips)")
            }
            if let b = blockReuse {
                if b.blocks < 1 { return ("block_reuse.blocks", "must be at least 1 (got \(b.blocks))") }
                if b.interval < 1 { return ("block_reuse.interval", "must be at least 1 step (got \(b.interval))") }
                if let s = b.switchAt, !(s.isFinite && (0...1).contains(s)) {
                    return ("block_reuse.switch_at", "must be a fraction of the schedule in [0, 1] (got \(s))")
                }
            }
            if let f = shareGuidanceFrom, !(f.isFinite && (0...1).contains(f)) {
                return ("share_guidance_from", "must be a fraction of the schedule in [0, 1] (got \(f))")
            }
            return nil
        }
    }

    /// `"block_reuse": {"blocks": N, "interval": K, "switch_at": F}` (`switch_at` defaults to 0.5).
    public struct BlockReuseSettings: Codable, Equatable, Sendable {
        public var blocks: Int
        public var interval: Int
        public var switchAt: Double?

        public init(blocks: Int, interval: Int, switchAt: Double? = nil) {
            self.blocks = blocks
            self.interval = interval
            self.switchAt = switchAt
        }

        enum CodingKeys: String, CodingKey, CaseIterable {
            case blocks, interval
            case switchAt = "switch_at"
        }

        public init(from decoder: Decoder) throws {
            try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            blocks = try container.decode(Int.self, forKey: .blocks)
            interval = try container.decode(Int.self, forKey: .interval)
            switchAt = try container.decodeIfPresent(Double.self, forKey: .switchAt)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case fast, faster
    }

    public init(from decoder: Decoder) throws {
        try refuseUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fast = try container.decodeIfPresent(LevelSettings.self, forKey: .fast)
        faster = try container.decodeIfPresent(LevelSettings.self, forKey: .faster)
    }

    /// The calibrated settings of `level`, if the model has them.
    public func settings(for level: CachingLevel) -> LevelSettings? {
        switch level {
        case .fast: return fast
        case .faster: return faster
        default: return nil
        }
    }

    /// The first setting out of range, as (key path under `cache`, what is wrong).
    func problem() -> (key: String, reason: String)? {
        for (name, settings) in [("fast", fast), ("faster", faster)] {
            if let problem = settings?.problem() { return ("\(name).\(problem.key)", problem.reason) }
        }
        return nil
    }

    /// What a level does on a model without calibration: block-range reuse alone, which never
    /// skips a whole step — a third (fast) or half (faster) of the blocks reused every other step.
    public static func uncalibratedPlan(for level: CachingLevel, layers: Int) -> CachePlan? {
        switch level {
        case .fast: return CachePlan(blockReuse: .init(blocks: max(1, layers / 3), interval: 2))
        case .faster: return CachePlan(blockReuse: .init(blocks: max(1, layers / 2), interval: 2))
        default: return nil
        }
    }
}

extension ModelCacheDefaults {
    /// The engine's plan for `level` on a model of `layers` blocks (nil for `off`) under
    /// `calibration`, and a notice to show when the calibration does not cover the level.
    public static func cachePlan(calibration: ModelCacheDefaults?, level: CachingLevel,
                                 layers: Int) -> (plan: CachePlan?, notice: String?) {
        guard level != .off else { return (nil, nil) }
        if let settings = calibration?.settings(for: level) { return (settings.plan, nil) }
        return (uncalibratedPlan(for: level, layers: layers),
                "this model's studio.json has no calibration for cache level '\(level)'; using conservative "
                    + "block reuse instead (see the README's section on caching to calibrate one)")
    }
}

extension ModelStudioDefaults {
    /// The plan for `level` under this studio.json's calibration (see `ModelCacheDefaults.cachePlan`).
    public func cachePlan(for level: CachingLevel, layers: Int) -> (plan: CachePlan?, notice: String?) {
        ModelCacheDefaults.cachePlan(calibration: cache, level: level, layers: layers)
    }
}

extension ModelDefaults {
    /// The plan for `level` under the model's calibration (see `ModelCacheDefaults.cachePlan`).
    public func cachePlan(for level: CachingLevel, layers: Int) -> (plan: CachePlan?, notice: String?) {
        ModelCacheDefaults.cachePlan(calibration: cache, level: level, layers: layers)
    }
}

/// A `DecodingError` naming the first key of `decoder`'s object that is not in `known`.
private func refuseUnknownKeys(_ decoder: Decoder, known: [String]) throws {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
    let container = try decoder.container(keyedBy: AnyKey.self)
    if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
        throw DecodingError.dataCorrupted(.init(
            codingPath: container.codingPath + [AnyKey(stringValue: unknown)],
            debugDescription: "is not a known key (known: \(known.joined(separator: ", ")))"))
    }
}
