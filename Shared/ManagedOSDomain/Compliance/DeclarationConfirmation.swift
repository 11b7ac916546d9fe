// DeclarationConfirmation: whether a Mac holds the current revision of a declaration (server-token equality).

/// Whether a Mac confirms it holds the current declaration (DOMAIN.md §7): its reported
/// `management.declarations[].server-token` equals the token published for that declaration.
public enum DeclarationConfirmation {
    /// True when `reported` is present and equals `published` exactly.
    public static func isCurrent(reportedServerToken reported: String?, publishedServerToken published: String) -> Bool
    {
        guard let reported else { return false }
        return reported == published
    }
}
