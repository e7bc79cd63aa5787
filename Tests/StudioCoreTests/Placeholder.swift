import XCTest
@testable import StudioCore
