// DeclarationPublisherService: the routes and background services of `declaration-publisher` (being built).

/// Namespace placeholder until the service's types land.
public enum DeclarationPublisherServiceModule {}
