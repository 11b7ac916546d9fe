// ItemResolver: sorts the items reaching a Mac into update, upgrade, Self Service, unsupported and ignored.

/// The items reaching a Mac on major `m`, sorted by the role they play (DOMAIN.md §4).
///
/// Conflicts (several candidates of one major) are decided by evaluation, where deadlines are known:
/// the earlier deadline wins.
public struct ItemResolution: Sendable, Hashable {
    /// Items of major `m` (they govern updates inside `m`); more than one is a conflict.
    public var updateCandidates: [ManagedOSItem]
    /// Items of the upgrade major: the highest major above `m` with a `continuous` item whose major the
    /// hardware supports. Every item of that major is a candidate (more than one is a conflict).
    public var upgradeCandidates: [ManagedOSItem]
    /// `selfService` items above `m` (and above the upgrade major, which covers lower ones) that the
    /// hardware supports: what Self Service may offer.
    public var selfServiceItems: [ManagedOSItem]
    /// Items above `m` whose major the hardware supports no release of: reported, never declared.
    public var unsupported: [ManagedOSItem]
    /// Items that play no role: below `m`, continuous items below the upgrade major, or Self Service
    /// items covered by the upgrade.
    public var notApplicable: [ManagedOSItem]

    /// Creates a value from its parts.
    public init(
        updateCandidates: [ManagedOSItem] = [], upgradeCandidates: [ManagedOSItem] = [],
        selfServiceItems: [ManagedOSItem] = [], unsupported: [ManagedOSItem] = [], notApplicable: [ManagedOSItem] = []
    ) {
        self.updateCandidates = updateCandidates
        self.upgradeCandidates = upgradeCandidates
        self.selfServiceItems = selfServiceItems
        self.unsupported = unsupported
        self.notApplicable = notApplicable
    }
}

/// Resolves which items govern a Mac (DOMAIN.md §4).
public enum ItemResolver {
    /// Sorts `items` (duplicates by id are ignored) for a Mac on `currentMajor` whose hardware
    /// supports `supportedMajors` (see `ReleaseCatalog.supportedMajors(for:)`).
    public static func resolve(_ items: [ManagedOSItem], currentMajor: Int, supportedMajors: Set<Int>) -> ItemResolution
    {
        let classes = classify(items, currentMajor: currentMajor, supportedMajors: supportedMajors)
        var resolution = ItemResolution()
        for (item, itemClass) in zip(items, classes) {
            switch itemClass {
            case .duplicate: break
            case .update: resolution.updateCandidates.append(item)
            case .upgrade: resolution.upgradeCandidates.append(item)
            case .selfService: resolution.selfServiceItems.append(item)
            case .unsupported: resolution.unsupported.append(item)
            case .notApplicable: resolution.notApplicable.append(item)
            }
        }
        return resolution
    }

    /// The class of each item, by position (one allocation; used by evaluation on every Mac).
    enum ItemClass: UInt8 {
        case duplicate, update, upgrade, selfService, unsupported, notApplicable
    }

    static func classify(_ items: [ManagedOSItem], currentMajor: Int, supportedMajors: Set<Int>) -> [ItemClass] {
        var classes = [ItemClass](repeating: .notApplicable, count: items.count)
        var upgradeMajor: Int? = nil
        for index in items.indices {
            let item = items[index]
            if items[..<index].contains(where: { $0.id == item.id }) {
                classes[index] = .duplicate
            } else if item.major == currentMajor {
                classes[index] = .update
            } else if item.major < currentMajor {
                classes[index] = .notApplicable
            } else if !supportedMajors.contains(item.major) {
                classes[index] = .unsupported
            } else {
                // Above the current major and supported: decided once the upgrade major is known.
                classes[index] = .upgrade
                if item.installationMethod == .continuous && item.major > (upgradeMajor ?? Int.min) {
                    upgradeMajor = item.major
                }
            }
        }
        for index in items.indices where classes[index] == .upgrade {
            let item = items[index]
            if let upgradeMajor {
                if item.major == upgradeMajor {
                    classes[index] = .upgrade
                } else if item.major > upgradeMajor && item.installationMethod == .selfService {
                    classes[index] = .selfService
                } else {
                    classes[index] = .notApplicable
                }
            } else {
                classes[index] = item.installationMethod == .selfService ? .selfService : .notApplicable
            }
        }
        return classes
    }
}
