import XCTest
@testable import StudioTUI
