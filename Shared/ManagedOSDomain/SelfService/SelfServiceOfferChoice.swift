// SelfServiceOfferChoice: which of a Mac's offers a request for one major uses, or why none can be used.

/// The outcome of requesting major `m` from a Mac's offers (DOMAIN.md §6).
public enum SelfServiceOfferChoice: Sendable, Hashable {
    /// An available offer of the major (the first one listed).
    case available(SelfServiceOffer)
    /// Offers of the major exist but none can be requested; carries the most telling one (an assigned
    /// offer's reason before "not assigned").
    case unavailable(SelfServiceOffer)
    /// No Self Service item offers the major.
    case unknownMajor

    /// Chooses among `offers` (as `SelfServiceOffers.offers` lists them) for `major`.
    public static func choose(major: Int, from offers: [SelfServiceOffer]) -> SelfServiceOfferChoice {
        let ofMajor = offers.filter { $0.major == major }
        if let available = ofMajor.first(where: \.isAvailable) { return .available(available) }
        if let assigned = ofMajor.first(where: { $0.unavailableReason != .notAssigned }) {
            return .unavailable(assigned)
        }
        if let first = ofMajor.first { return .unavailable(first) }
        return .unknownMajor
    }
}
