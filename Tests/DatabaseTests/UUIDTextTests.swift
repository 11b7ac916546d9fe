// UUIDTextTests: the fast UUID text conversion agrees with Foundation's and refuses malformed text.

import Database
import Foundation
import Testing

@Suite struct UUIDTextTests {
    @Test func formatAndParseAgreeWithFoundation() throws {
        for _ in 0..<1_000 {
            let uuid = UUID()
            #expect(uuid.postgresText == uuid.uuidString.lowercased())
            #expect(UUID(postgresText: uuid.postgresText) == uuid)
            #expect(UUID(postgresText: uuid.uuidString) == uuid)
        }
        let fixed = try #require(UUID(uuidString: "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"))
        #expect(fixed.postgresText == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
    }

    @Test func malformedTextIsRefused() {
        for text in [
            "", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1fg",
            "0f1e2d3c_4b5a-6978-8796-a5b4c3d2e1f0", "0f1e2d3c4b5a69788796a5b4c3d2e1f0xxxx",
        ] {
            #expect(UUID(postgresText: text) == nil, "\(text)")
        }
    }
}
