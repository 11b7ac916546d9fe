// FleetStoreTests: tests arrive with the service's issue.
