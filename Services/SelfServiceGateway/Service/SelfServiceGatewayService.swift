// SelfServiceGatewayService: the routes and background services of `self-service-gateway` (being built).

/// Namespace placeholder until the service's types land.
public enum SelfServiceGatewayServiceModule {}
