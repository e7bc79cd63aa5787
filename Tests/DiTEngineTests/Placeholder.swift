import XCTest
@testable import DiTEngine
