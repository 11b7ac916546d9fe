// SchedulerService: the routes and background services of `scheduler` (being built).

/// Namespace placeholder until the service's types land.
public enum SchedulerServiceModule {}
