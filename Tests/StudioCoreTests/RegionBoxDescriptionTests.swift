import XCTest
import StudioCore

/// A box read from image metadata or a journal may hold any number; writing it (into a re-saved
/// image's `parameters` chunk, or an error message) converted it to Int and crashed for huge values
/// (found by fuzzing).
final class RegionBoxDescriptionTests: XCTestCase {
    func testBoxesInTheImageKeepTheirShortForm() {
        XCTAssertEqual(RegionBox(x0: 0, y0: 0.25, x1: 0.5, y1: 1).description, "0.00,0.25,0.50,1.00")
        XCTAssertEqual(RegionBox(x0: 0.004, y0: 1.234, x1: 2, y1: 0.125).description, "0.00,1.23,2.00,0.13")
    }

    func testNegativeHugeAndNonFiniteValuesAreWrittenAsTheyAre() {
        XCTAssertEqual(RegionBox(x0: 1e300, y0: -1e16, x1: .infinity, y1: .nan).description, "1e+300,-1e+16,inf,nan")
        // The sign used to be lost: -0.5 came out as 0.50.
        XCTAssertEqual(RegionBox(x0: -0.5, y0: -0.004, x1: 0.5, y1: 1).description, "-0.5,-0.004,0.50,1.00")
    }
}
