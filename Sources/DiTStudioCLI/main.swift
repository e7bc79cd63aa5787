import DiTEngine
print("dit-studio \(DiTEngineInfo.version)")
