public enum DiTEngineInfo { public static let version = "0.1.0" }
