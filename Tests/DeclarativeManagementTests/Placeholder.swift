// DeclarativeManagementTests: tests arrive with the service's issue.
