// MacHardware: how a Mac's hardware is identified against Apple's supported-device lists.

/// A Mac's hardware identity. Apple's feeds list supported hardware by **board ID** (`J314sAP`,
/// `Mac-1E7E29AD0135F9BC`, `VMA2MACOSAP`); admins and status reports know the **model identifier**
/// (`Mac15,3`). The catalog maps one to the other through the SOFA `Devices` table.
public struct MacHardware: Sendable, Hashable, Codable {
    /// Board ID as reported by the Mac (`ProductName` in MDM DeviceInformation), if known.
    public var boardID: String?
    /// Model identifier (`Mac15,3`), if known.
    public var modelIdentifier: String?

    public init(boardID: String? = nil, modelIdentifier: String? = nil) {
        self.boardID = boardID
        self.modelIdentifier = modelIdentifier
    }
}
