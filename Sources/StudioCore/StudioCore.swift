import DiTEngine
